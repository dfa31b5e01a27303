"""``manage.py run_clocks``: recompute the due days of open clocks and report those due soon or overdue.

Run it after a year's holiday arrangement was loaded or corrected (a working-day clock crossing into a year not yet
loaded was counted Monday–Friday, see ``cases.actions.clocks.ClockCalendar``), and daily from cron for a report.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases import clock_rules
from cases.actions.clocks import ClockCalendar, recompute
from cases.models import Case, Clock


class Command(BaseCommand):
    help = "重新计算未停止期限的届满日（载入或更正节假日安排后使用），并列出即将届满（黄色）和已逾期（红色）的期限。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按此日期判断（YYYY-MM-DD），默认今天")
        parser.add_argument("--no-recompute", action="store_true", help="只报告，不重新计算届满日")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today：日期格式应为 YYYY-MM-DD") from exc
        calendar = ClockCalendar()
        clocks = (
            Clock.objects.filter(case__status=Case.Status.OPEN)
            .exclude(state=Clock.State.STOPPED)
            .select_related("case__agency")
            .order_by("due_on", "id")
        )
        changed = 0
        red = yellow = 0
        for clock in clocks:
            if not options["no_recompute"] and recompute(clock, calendar):
                changed += 1
            if clock.kind == "minimum" or clock.state == Clock.State.PAUSED:
                continue
            level = clock_rules.clock_status(clock.due_on, today, clock.unit, calendar, clock.warn_days)
            if level == clock_rules.OK:
                continue
            red += level == clock_rules.RED
            yellow += level == clock_rules.YELLOW
            mark = "逾期" if level == clock_rules.RED else "将届满"
            self.stdout.write(
                f"[{mark}] {clock.case.agency.short_name} {clock.case.number} {clock.label} 届满 {clock.due_on:%Y-%m-%d}"
            )
        if calendar.provisional:
            years = "、".join(str(y) for y in sorted(calendar.provisional))
            self.stderr.write(f"注意：{years}年节假日安排尚未载入，相关工作日期限暂按周一至周五计算。")
        self.stdout.write(f"重新计算届满日 {changed} 个；已逾期 {red} 个，即将届满 {yellow} 个。")
