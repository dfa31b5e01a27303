"""Working-day arithmetic and calendar import from the command line.

    manage.py workdays add 2026-09-30 5          → 2026-10-13
    manage.py workdays between 2026-09-30 2026-10-13 → 5
    manage.py workdays is 2026-10-10             → 工作日
    manage.py workdays import 2027 2027.csv --source "国办发明电〔2026〕×号"
    manage.py workdays years                     → the loaded years

A year that is not loaded, or a bad CSV, prints the Chinese message to stderr and exits with status 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from core import actions, workdays
from core.errors import SanxiangError, ValidationFailed
from core.models import CalendarYear, Holiday


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"日期“{raw}”无效，格式应为 2026-10-13") from exc


class Command(BaseCommand):
    help = "工作日计算与节假日安排导入（《行政处罚法》第八十五条、《行政许可法》第八十二条）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True, metavar="{add,between,is,import,years}")
        add = sub.add_parser("add", help="起算日后第 N 个工作日")
        add.add_argument("start")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="两日之间的工作日数（不含起算日，含截止日）")
        between.add_argument("start")
        between.add_argument("end")
        is_ = sub.add_parser("is", help="某日是工作日还是休息日")
        is_.add_argument("day")
        imp = sub.add_parser("import", help="从 CSV 导入一年的节假日安排（替换该年已有数据）")
        imp.add_argument("year", type=int)
        imp.add_argument("file")
        imp.add_argument("--source", default="", help="依据，如国务院办公厅通知的文号")
        sub.add_parser("years", help="列出已载入的年度")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["command"])(options)
        except ValidationFailed as exc:
            raise CommandError("\n".join(exc.errors)) from exc
        except SanxiangError as exc:
            raise CommandError(exc.message) from exc

    def _add(self, options: dict[str, Any]) -> None:
        self.stdout.write(workdays.add_workdays(_date(options["start"]), options["n"]).isoformat())

    def _between(self, options: dict[str, Any]) -> None:
        self.stdout.write(str(workdays.workdays_between(_date(options["start"]), _date(options["end"]))))

    def _is(self, options: dict[str, Any]) -> None:
        self.stdout.write("工作日" if workdays.is_workday(_date(options["day"])) else "休息日")

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        loaded = actions.import_year_unattended(
            options["year"], data, options["source"] or f"CSV 导入：{path.name}"
        )
        holidays = Holiday.objects.filter(date__year=loaded.year)
        self.stdout.write(
            f"已导入 {loaded.year} 年：法定节假日 {holidays.filter(kind=Holiday.Kind.HOLIDAY).count()} 天，"
            f"调休上班日 {holidays.filter(kind=Holiday.Kind.WORKDAY).count()} 天"
        )

    def _years(self, options: dict[str, Any]) -> None:
        counts = {
            row["y"]: row
            for row in Holiday.objects.annotate(y=ExtractYear("date"))
            .values("y")
            .annotate(
                holidays=Count("pk", filter=Q(kind=Holiday.Kind.HOLIDAY)),
                workdays=Count("pk", filter=Q(kind=Holiday.Kind.WORKDAY)),
            )
        }
        for year in CalendarYear.objects.order_by("year"):
            row = counts.get(year.year, {"holidays": 0, "workdays": 0})
            self.stdout.write(
                f"{year.year}\t节假日 {row['holidays']} 天\t调休 {row['workdays']} 天\t{year.source}"
            )
