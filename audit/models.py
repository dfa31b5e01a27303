"""The append-only, hash-chained audit log (one chain per agency, plus the platform chain).

Each event's hash = SM3(previous hash ‖ canonical JSON of the event); see audit.chain. On PostgreSQL a
trigger rejects UPDATE and DELETE of events and checkpoints (migration 0002); on SQLite a trigger rejects
UPDATE, and ``verify_audit`` detects any deletion by the sequence numbers and the chain head.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

PLATFORM_CHAIN = "platform"


class ChainHead(models.Model):
    """The latest event of a chain. Writers lock this row, so concurrent writers cannot fork the chain."""

    chain = models.CharField("链", max_length=32, primary_key=True)
    count = models.PositiveBigIntegerField("事件数", default=0)
    head_hash = models.CharField("链头哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.chain} 共 {self.count} 条"


class AuditEvent(models.Model):
    chain = models.CharField("链", max_length=32)
    seq = models.PositiveBigIntegerField("序号")
    agency = models.ForeignKey(
        "core.Agency", verbose_name="机关", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField("角色", max_length=120, blank=True)
    ip = models.CharField("IP 地址", max_length=45, blank=True)
    created_at = models.DateTimeField("时间")
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    payload = models.TextField("内容（规范 JSON，仅含标识）", default="{}")
    payload_sm3 = models.CharField("内容 SM3", max_length=64)
    prev_hash = models.CharField("前一事件哈希", max_length=64)
    hash = models.CharField("本事件哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="auditevent_chain_seq")]
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="auditevent_agency_time"),
            models.Index(fields=["action"], name="auditevent_action"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"


class Checkpoint(models.Model):
    """A published (count, head hash) pair: anyone holding it can later prove the chain was not rewritten."""

    chain = models.CharField("链", max_length=32)
    count = models.PositiveBigIntegerField("事件数")
    head_hash = models.CharField("链头哈希", max_length=64)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "审计检查点"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.chain} 第 {self.count} 条 {self.head_hash[:12]}…"
