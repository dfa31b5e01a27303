import importlib
import importlib.util

from django.core.management.base import BaseCommand

from org import demo

# Apps that add demo content after the structure and the users, in this order. Each has ``<app>/demo_content.py``
# with ``load(stdout)``; the 事前公开 content (主体, 人员, 事项, 清单) is reviewed and published through actions.
CONTENT_APPS = ["org", "catalog", "publicity", "cases", "review"]
# Steps that need the content above: 结果公示 publishes the decisions of the cases and review demos.
LATER_CONTENT = ["publicity.demo_results"]


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
            for name in [f"{app}.demo_content" for app in CONTENT_APPS] + LATER_CONTENT:
                if importlib.util.find_spec(name) is not None:
                    importlib.import_module(name).load(self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
