from django.core.management.base import BaseCommand

from org import demo


class Command(BaseCommand):
    help = (
        "载入演示数据：玉溪市及九县（市、区）司法局、其他市级执法机关、科室、领导小组和演示账号（可重复执行）"
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--structure-only", action="store_true", help="只载入区划、机关、科室和领导小组，不建演示账号"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        demo.load_structure()
        if not options["structure_only"]:
            demo.load_users()
            self.stdout.write(f"演示账号密码：{demo.DEMO_PASSWORD}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
