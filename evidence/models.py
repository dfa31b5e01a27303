"""Evidence (《行政处罚法》第四十六条) and every file the platform keeps for a case.

``Blob`` is a content-addressed file in the ``evidence`` storage (name derived from its SHA-256), hashed with
SHA-256 and SM3 in the one streaming pass that writes it (``evidence.store``). ``EvidenceItem`` is what an officer
collected, with its metadata; ``CustodyEvent`` is the append-only chain of custody. Nothing is deleted: an item is
作废 with a recorded reason. Issued 文书 and 电子案卷 PDFs are Blobs too, so ``verify_evidence`` checks them all.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Blob(models.Model):
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    sm3 = models.CharField("SM3", max_length=64)
    size = models.PositiveBigIntegerField("字节数")
    storage_name = models.CharField("存储名", max_length=200)
    content_type = models.CharField("类型", max_length=100, blank=True)
    created_at = models.DateTimeField("入库时间", auto_now_add=True)
    last_verified_at = models.DateTimeField("最近校验时间", null=True, blank=True)
    last_verified_ok = models.BooleanField("最近校验结果", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "文件（按内容寻址）"

    def __str__(self) -> str:
        return self.sha256[:12]


class EvidenceItem(models.Model):
    class Kind(models.TextChoices):
        """《行政处罚法》第四十六条 的八类证据."""

        DOCUMENTARY = "documentary", "书证"
        PHYSICAL = "physical", "物证"
        AUDIOVISUAL = "audiovisual", "视听资料"
        ELECTRONIC = "electronic", "电子数据"
        WITNESS = "witness", "证人证言"
        PARTY_STATEMENT = "party_statement", "当事人的陈述"
        EXPERT_OPINION = "expert_opinion", "鉴定意见"
        RECORD = "record", "勘验笔录、现场笔录"

    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", "证据"
        AV_RECORD = "av_record", "执法音像记录"
        APPLICATION = "application", "申请材料"
        OTHER = "other", "其他材料"

    case = models.ForeignKey(
        "cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="evidence"
    )
    blob = models.ForeignKey(Blob, verbose_name="文件", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField("证据种类", max_length=20, choices=Kind.choices)
    purpose = models.CharField("用途", max_length=12, choices=Purpose.choices, default=Purpose.EVIDENCE)
    title = models.CharField("名称", max_length=200)
    description = models.TextField("证明内容/说明", blank=True)
    filename = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    step_id = models.CharField("取证环节", max_length=40, blank=True)
    case_step = models.ForeignKey(
        "cases.CaseStep",
        verbose_name="办理环节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    material_name = models.CharField(
        "申请材料名称", max_length=200, blank=True, help_text="许可申请材料清单中的名称"
    )
    collected_at = models.DateTimeField("取证时间", null=True, blank=True)
    collected_place = models.CharField("取证地点", max_length=200, blank=True)
    device = models.CharField(
        "采集设备", max_length=120, blank=True, help_text="如：执法记录仪 编号 ZFJLY-0012"
    )
    collected_by = models.CharField("取证人", max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    is_voided = models.BooleanField("已作废", default=False)
    void_reason = models.CharField("作废原因", max_length=300, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证据"
        ordering = ["case_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_av(self) -> bool:
        """Audio or video (视听资料, or an 音像记录 file): what satisfies an 音像记录 duty."""
        return (
            self.purpose == self.Purpose.AV_RECORD
            or self.kind == self.Kind.AUDIOVISUAL
            or (self.content_type.startswith(("audio/", "video/")))
        )


class CustodyEvent(models.Model):
    class Kind(models.TextChoices):
        UPLOAD = "upload", "上传入库"
        VIEW = "view", "查看"
        DOWNLOAD = "download", "下载"
        EXPORT = "export", "导出（案卷）"
        VERIFY = "verify", "完整性校验"
        VOID = "void", "作废"

    item = models.ForeignKey(
        EvidenceItem, verbose_name="证据", on_delete=models.PROTECT, related_name="custody"
    )
    kind = models.CharField("事件", max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    ip = models.CharField("IP", max_length=45, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "保管链事件"
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_id}"


class UploadSession(models.Model):
    """A resumable chunked upload in progress. The bytes live in a temporary part file outside the blob store; no
    EvidenceItem exists until the last chunk arrives and ``evidence.actions`` commits it. Abandoned sessions are
    purged (their part files removed) after ``expires_at``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField("总字节数")
    received = models.PositiveBigIntegerField("已接收字节数", default=0)
    metadata = models.JSONField("证据信息", default=dict, blank=True)
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")

    class Meta:
        verbose_name = verbose_name_plural = "分片上传"

    def __str__(self) -> str:
        return f"{self.filename} {self.received}/{self.size}"
