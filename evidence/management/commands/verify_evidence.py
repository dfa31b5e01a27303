"""``manage.py verify_evidence``: re-hash every stored file (SHA-256 and SM3) and report mismatches, missing files
and orphan files; exit code 1 when any file does not match or is missing."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidence import store
from evidence.models import Blob


class Command(BaseCommand):
    help = (
        "校验证据文件完整性：逐个重新计算 SHA-256 与 SM3 并与入库记录比对，列出不一致、缺失的文件，"
        "以及存储中没有任何记录引用的孤立文件。发现不一致或缺失时退出码为 1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=100, help="每校验多少个文件输出一行进度（默认 100）")
        parser.add_argument(
            "--remove-orphans",
            action="store_true",
            help="删除孤立文件（没有记录引用、且早于 --grace-minutes 的文件，例如事务回滚后留下的文件）",
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="新于此分钟数的孤立文件可能属于仍在进行的上传，不列出也不删除（默认 60）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = max(1, options["every"])
        start = time.perf_counter()
        total = Blob.objects.count()
        self.stdout.write(f"开始校验 {total} 个文件……")
        checked = 0
        size = 0
        mismatches: list[store.BlobCheck] = []
        missing: list[store.BlobCheck] = []
        for blob in Blob.objects.order_by("pk").iterator(chunk_size=500):
            result = store.check_blob(blob)
            checked += 1
            size += blob.size
            if result.problem == "missing":
                missing.append(result)
                self.stderr.write(f"缺失：{blob.storage_name}（SHA-256 {blob.sha256}）")
            elif not result.ok:
                mismatches.append(result)
                self.stderr.write(f"不一致：{blob.storage_name}：{result.detail}")
            if checked % every == 0:
                self.stdout.write(f"已校验 {checked}/{total} 个文件，{size / 1024**2:.1f} MB")
        grace = timedelta(minutes=max(0, options["grace_minutes"]))
        orphans = store.find_orphans(grace)
        for name in orphans:
            self.stdout.write(f"孤立文件（无记录引用）：{name}")
        if options["remove_orphans"] and orphans:
            removed = store.remove_orphans(grace)
            temps = store.remove_stale_temp()
            self.stdout.write(f"已删除孤立文件 {len(removed)} 个，过期临时文件 {len(temps)} 个。")
        seconds = time.perf_counter() - start
        summary = (
            f"共校验 {checked} 个文件（{size / 1024**2:.1f} MB），用时 {seconds:.1f} 秒："
            f"不一致 {len(mismatches)} 个，缺失 {len(missing)} 个，孤立文件 {len(orphans)} 个。"
        )
        if mismatches or missing:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
