"""``manage.py purge_uploads``: remove resumable uploads that expired unfinished, with their part files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evidence.actions import purge_expired_uploads


class Command(BaseCommand):
    help = "清理过期未完成的分片上传（删除其临时文件），可由定时任务每日运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_expired_uploads()
        self.stdout.write(self.style.SUCCESS(f"已清理过期的分片上传 {count} 个。"))
