"""``manage.py flowcharts --out DIR``: validate every procedure definition and write its 流程图 as ``<code>.svg``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog import flowchart, process
from core.errors import SanxiangError


class Command(BaseCommand):
    help = "校验全部流程定义（catalog/processes/*.yaml），并把每个流程图写成 SVG 文件（<流程代码>.svg）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="DIR", help="输出目录（不存在时自动创建）")
        parser.add_argument(
            "--code", action="append", dest="codes", metavar="CODE", help="只输出这个流程（可重复）"
        )
        parser.add_argument("--dot", action="store_true", help="同时写出 Graphviz 源文件（<流程代码>.dot）")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = process.validate_dir()
        if problems:
            raise CommandError("流程定义有误：\n" + "\n".join(problems))
        codes = options["codes"] or list(process.PROCEDURES)
        unknown = [c for c in codes if c not in process.PROCEDURES]
        if unknown:
            raise CommandError(f"未知的流程代码：{'、'.join(unknown)}；可用：{'、'.join(process.PROCEDURES)}")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for code in codes:
            try:
                svg = flowchart.render_svg(code)
            except SanxiangError as exc:
                raise CommandError(exc.message) from exc
            (out / f"{code}.svg").write_text(svg, encoding="utf-8")
            if options["dot"]:
                (out / f"{code}.dot").write_text(flowchart.to_dot(process.get(code)), encoding="utf-8")
            self.stdout.write(f"已生成 {out / f'{code}.svg'}（{process.PROCEDURES[code]}）")
