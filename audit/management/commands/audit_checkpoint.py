"""``manage.py audit_checkpoint``: checkpoint the audit chains and/or export every checkpoint for publication."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from audit import chain
from audit.models import ChainHead, Checkpoint
from core.errors import SanxiangError


class Command(BaseCommand):
    help = (
        "为审计链创建检查点（事件数与链头哈希），并可将全部检查点导出为 JSON 以便发布或存档。"
        "不带 --export 时为每条链创建检查点；带 --export 而不带 --chain/--create 时只导出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chain", action="append", dest="chains", metavar="CHAIN", help="只为这条链创建检查点（可重复）"
        )
        parser.add_argument("--export", metavar="FILE", help="把全部检查点导出到 JSON 文件（- 表示标准输出）")
        parser.add_argument("--create", action="store_true", help="与 --export 同用时，先创建检查点再导出")

    def handle(self, *args: Any, **options: Any) -> None:
        export = options["export"]
        create = options["create"] or options["chains"] or not export
        to_stdout = export == "-"
        if create:
            created = self._create(options["chains"])
            log = self.stderr if to_stdout else self.stdout
            for cp in created:
                log.write(f"已创建检查点：{cp.chain} 共 {cp.count} 条事件，链头 {cp.head_hash}")
            if not created:
                log.write("没有可创建检查点的审计链（尚无事件）。")
        if export:
            self._export(export)

    def _create(self, chains: list[str] | None) -> list[Checkpoint]:
        heads = ChainHead.objects.filter(count__gt=0)
        if chains:
            missing = sorted(
                set(chains) - set(heads.filter(chain__in=chains).values_list("chain", flat=True))
            )
            if missing:
                raise CommandError(f"这些审计链不存在或还没有事件：{'、'.join(missing)}")
            heads = heads.filter(chain__in=chains)
        created = []
        try:
            with transaction.atomic():
                for name in heads.order_by("chain").values_list("chain", flat=True):
                    cp = chain.create_checkpoint(name)
                    # An operator at the console: recorded in the platform chain, with no actor.
                    chain.record(
                        "audit.checkpoint_created",
                        obj=cp,
                        payload={
                            "chain": cp.chain,
                            "count": cp.count,
                            "head_hash": cp.head_hash,
                            "via": "manage.py",
                        },
                    )
                    created.append(cp)
        except SanxiangError as exc:
            raise CommandError(exc.message) from exc
        return created

    def _export(self, target: str) -> None:
        document = chain.checkpoint_document(Checkpoint.objects.order_by("chain", "count", "id"))
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if target == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(target).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法写入 {target}：{exc.strerror or exc}") from exc
        self.stdout.write(f"已导出 {len(document['checkpoints'])} 个检查点到 {target}")
