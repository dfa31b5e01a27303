"""``manage.py verify_audit``: re-hash the audit chains and name the first broken link (exit 1), or exit 0."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import chain
from core.errors import SanxiangError


class Command(BaseCommand):
    help = (
        "校验审计哈希链：重新计算每条事件的 SM3，核对序号、前后链接、链头和检查点。"
        "通过时退出码 0；发现断裂时输出第一个断裂处并以退出码 1 结束。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chain",
            action="append",
            dest="chains",
            metavar="CHAIN",
            help="只校验这条链（可重复），如 agency:3、platform",
        )
        parser.add_argument(
            "--published",
            metavar="FILE",
            help="同时核对已发布的检查点文件（audit_checkpoint --export 或页面下载的 JSON；- 表示标准输入）",
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="并行校验的进程数（默认：按 CPU 数，事件较少时为 1）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        published: list[tuple[str, int, str]] = []
        if options["published"]:
            published = self._published(options["published"])
        start = time.perf_counter()
        result = chain.verify(chains=options["chains"], published=published, workers=options["workers"])
        seconds = time.perf_counter() - start
        if result.broken is not None:
            raise CommandError(str(result.broken), returncode=1)
        extra = f"（另核对已发布检查点 {len(published)} 个）" if published else ""
        self.stdout.write(
            self.style.SUCCESS(f"审计链校验通过：共 {result.events} 条事件，{result.chains} 条链。{extra}")
            + f"用时 {seconds:.1f} 秒。"
        )

    def _published(self, name: str) -> list[tuple[str, int, str]]:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
            return chain.load_published(json.loads(text))
        except OSError as exc:
            raise CommandError(f"无法读取检查点文件 {name}：{exc.strerror or exc}") from exc
        except ValueError as exc:
            raise CommandError(f"检查点文件 {name} 不是有效的 JSON：{exc}") from exc
        except SanxiangError as exc:
            raise CommandError(exc.message) from exc
