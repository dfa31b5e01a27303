"""Enforcement cases (全过程记录, seed 二(二); 《行政处罚法》第四十七条): the case, its parties, the steps it went
through (append-only), the officers on every act, 回避, statutory clocks with their events, 文书 with their
numbers and versions, and the 电子案卷.

Nothing here is ever hard-deleted (PROTECT everywhere). State changes only through ``cases.actions``.
The workflow a case follows is the process definition of its procedure (``catalog.process.get(case.procedure)``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from catalog.process import PROCEDURES


class Case(models.Model):
    """One matter handled under one procedure (许可申请、处罚案件、检查) for one 事项 of one agency."""

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        CLOSED = "closed", "已结案"  # 结案归档: read-only from now on
        ENDED = (
            "ended",
            "已终止",
        )  # not_filed / not_accepted / abandoned / no_penalty, closed without a dossier

    class Channel(models.TextChoices):
        OFFLINE = "offline", "窗口/现场"
        ONLINE = "online", "网上申请"  # filed by the applicant on our portal
        PLATFORM = "platform", "政务服务平台导入"  # handled on the 政务服务平台, imported (seed 二(二)1–2)

    agency = models.ForeignKey(
        "core.Agency", verbose_name="办案机关", on_delete=models.PROTECT, related_name="cases"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name="承办科室", on_delete=models.PROTECT, related_name="cases"
    )
    item = models.ForeignKey(
        "catalog.Item", verbose_name="执法事项", on_delete=models.PROTECT, related_name="cases"
    )
    procedure = models.CharField("办理程序", max_length=30, choices=list(PROCEDURES.items()))
    number = models.CharField("案件编号", max_length=60, unique=True, help_text="如：玉司案〔2026〕1号")
    title = models.CharField("案由/申请事项", max_length=200)
    source = models.CharField(
        "案件来源", max_length=200, blank=True, help_text="投诉、举报、检查发现、上级交办、移送等"
    )
    summary = models.TextField("案情摘要", blank=True)
    channel = models.CharField("办理渠道", max_length=10, choices=Channel.choices, default=Channel.OFFLINE)
    application_number = models.CharField(
        "申请编号",
        max_length=40,
        blank=True,
        db_index=True,
        help_text="网上申请或政务服务平台的申请编号，供申请人查询进度",
    )
    platform_reference = models.CharField("政务服务平台办件编号", max_length=60, blank=True)

    current_step = models.CharField("当前环节", max_length=40)
    current_step_name = models.CharField("当前环节名称", max_length=60)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)

    discovered_on = models.DateField("发现违法行为日期", null=True, blank=True)
    received_on = models.DateField("收到申请材料日期", null=True, blank=True)
    filed_on = models.DateField("立案/受理日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)

    # Decision content (处罚法第九条种类; 第五十一条简易程序上限; 第五十七条处理决定).
    penalty_types = models.JSONField("处罚种类", default=list, blank=True)
    fine_amount = models.DecimalField(
        "罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscation_amount = models.DecimalField(
        "没收违法所得/非法财物金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    outcome = models.CharField(
        "处理结果", max_length=30, blank=True, help_text="处罚/不予处罚/移送/准予许可/不予许可/检查结论"
    )
    outcome_text = models.TextField("决定内容", blank=True)
    is_complex = models.BooleanField("情节复杂或重大违法（须集体讨论）", default=False)
    hearing_held = models.BooleanField("已举行听证", default=False)
    review_grounds = models.JSONField(
        "须法制审核的情形（第五十八条）",
        default=list,
        blank=True,
        help_text="承办科室认定的情形：public_interest、social_impact、major_rights、complex（review.rules.GROUNDS）",
    )
    confidentiality = models.CharField(
        "保密情形",
        max_length=20,
        blank=True,
        help_text="国家秘密、商业秘密或个人隐私（《行政处罚法》第五十条），不公开",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法案件"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "status"]), models.Index(fields=["agency", "procedure"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_read_only(self) -> bool:
        """A closed or ended case accepts no change (结案归档)."""
        return self.status != self.Status.OPEN


class Party(models.Model):
    """当事人/申请人. ID number, phone and address are SM4-GCM ciphertext (``core.crypto``); ``id_index`` is a keyed
    hash so a party can be found by ID number without decrypting every row."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", "公民"
        LEGAL_PERSON = "legal_person", "法人"
        OTHER_ORG = "other_org", "其他组织"

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField("当事人类型", max_length=12, choices=Kind.choices)
    name = models.CharField("姓名/名称", max_length=120)
    id_type = models.CharField(
        "证件类型", max_length=20, default="居民身份证", help_text="居民身份证、统一社会信用代码等"
    )
    id_number_enc = models.BinaryField("证件号码（密文）", blank=True, default=b"")
    id_index = models.CharField("证件号码索引", max_length=64, blank=True, db_index=True)
    phone_enc = models.BinaryField("联系电话（密文）", blank=True, default=b"")
    address_enc = models.BinaryField("住址（密文）", blank=True, default=b"")
    legal_representative = models.CharField("法定代表人/负责人", max_length=40, blank=True)
    gender = models.CharField("性别", max_length=2, blank=True)
    is_minor = models.BooleanField("未成年人", default=False)
    order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "当事人"
        ordering = ["case_id", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_organisation(self) -> bool:
        return self.kind != self.Kind.CITIZEN


class CaseStep(models.Model):
    """One passage of a case through one step of its process (append-only status history; loops add rows).

    ``completed_at`` is set when the step is left; ``transition_to``/``transition_label`` say which way.
    ``av_waiver_reason``: why an 音像记录 duty of the step could not be met (records the reason instead of an AV item).
    """

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="steps")
    seq = models.PositiveIntegerField("序号")
    step_id = models.CharField("环节代码", max_length=40)
    name = models.CharField("环节名称", max_length=60)
    entered_at = models.DateTimeField("进入时间")
    entered_on = models.DateField("进入日期")
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transition_to = models.CharField("下一环节", max_length=40, blank=True)
    transition_label = models.CharField("办理结果", max_length=200, blank=True)
    note = models.TextField("办理意见/记录", blank=True)
    data = models.JSONField("环节数据", default=dict, blank=True)
    av_waiver_reason = models.TextField("未能音像记录的原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理环节"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="casestep_unique_seq")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.name}"


class StepOfficer(models.Model):
    """An enforcement officer on one act (处罚法第四十二条 不少于两人; 第五十五条 出示执法证件).

    The certificate number and its state on that day are copied at the time of the act, so the record still
    shows what was checked after the certificate later changes."""

    step = models.ForeignKey(
        CaseStep, verbose_name="办理环节", on_delete=models.PROTECT, related_name="officers"
    )
    officer = models.ForeignKey(
        "org.Officer", verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    certificate_number = models.CharField("执法证号", max_length=30)
    showed_certificate = models.BooleanField("已表明身份、出示执法证件", default=False)
    informed_rights = models.BooleanField("已告知陈述申辩、申请回避等权利", default=False)
    is_lead = models.BooleanField("主办人", default=False)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法人员（环节）"
        constraints = [models.UniqueConstraint(fields=["step", "officer"], name="stepofficer_unique")]

    def __str__(self) -> str:
        return f"{self.officer_id}@{self.step_id}"


class CaseOfficer(models.Model):
    """Officers assigned to the case (承办人). ``released_at`` when withdrawn, e.g. after a granted 回避."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="assignments")
    officer = models.ForeignKey(
        "org.Officer", verbose_name="执法人员", on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField("主办人", default=False)
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)
    released_at = models.DateTimeField("撤出时间", null=True, blank=True)
    release_reason = models.CharField("撤出原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "承办人员"
        ordering = ["case_id", "-is_lead", "id"]

    def __str__(self) -> str:
        return f"{self.officer_id}@{self.case_id}"


class Recusal(models.Model):
    """回避申请与决定 (《行政处罚法》第四十三条：由行政机关负责人决定；决定作出之前，不停止调查)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待决定"
        GRANTED = "granted", "决定回避"
        REJECTED = "rejected", "驳回申请"

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="recusals")
    officer = models.ForeignKey(
        "org.Officer", verbose_name="被申请回避人员", on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.CharField("申请人", max_length=60, help_text="当事人姓名，或“本人”（自行回避）")
    reason = models.TextField("申请理由")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decision = models.CharField("决定", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField("决定理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回避"
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return f"回避 {self.officer_id}（{self.get_decision_display()}）"


class Clock(models.Model):
    """A statutory time limit of a case, as an object with events (design.md §4).

    ``code`` identifies it within the case (the clocked step's id from the process YAML, or a fixed code such as
    ``supplement_notice``). ``due_on`` is derived from ``start_on``, ``days``/``unit``, the pauses and the approved
    extensions (``cases.rules.clock_due``) and stored so warning scans can filter on it. ``kind="minimum"``: the
    guarded act may not happen before ``due_on`` (听证通知须提前七日).
    """

    class State(models.TextChoices):
        RUNNING = "running", "计时中"
        PAUSED = "paused", "已暂停"
        STOPPED = "stopped", "已停止"

    class Unit(models.TextChoices):
        WORKDAYS = "workdays", "工作日"
        CALENDAR_DAYS = "calendar_days", "自然日"

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="clocks")
    code = models.CharField("期限代码", max_length=40)
    step_id = models.CharField("所限环节", max_length=40, blank=True)
    label = models.CharField("期限名称", max_length=80)
    article = models.CharField("依据", max_length=200)
    kind = models.CharField(
        "类型", max_length=10, default="deadline", help_text="deadline 期限 / minimum 提前量"
    )
    unit = models.CharField("计算方式", max_length=14, choices=Unit.choices)
    days = models.PositiveIntegerField("天数")
    extended_days = models.PositiveIntegerField("已延长天数", default=0)
    max_extension_days = models.PositiveIntegerField("可延长天数", default=0)
    extension_approver_role = models.CharField("延长审批角色", max_length=24, blank=True)
    start_on = models.DateField("起算日")
    due_on = models.DateField("届满日")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RUNNING)
    paused_days = models.PositiveIntegerField("已暂停天数", default=0)
    stopped_on = models.DateField("停止日期", null=True, blank=True)
    met = models.BooleanField("按期完成", null=True, blank=True)
    inferred = models.BooleanField("期限计算方式系推断", default=False)
    warn_days = models.PositiveIntegerField("提前预警天数", null=True, blank=True, help_text="空：按系统设置")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办案期限"
        ordering = ["case_id", "due_on"]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.label}（届满 {self.due_on}）"


class ClockEvent(models.Model):
    """start / pause / resume / extend / stop of a clock (append-only). Extensions record who approved and why."""

    class Kind(models.TextChoices):
        START = "start", "起算"
        PAUSE = "pause", "暂停"
        RESUME = "resume", "恢复"
        EXTEND = "extend", "延长"
        STOP = "stop", "停止"

    clock = models.ForeignKey(Clock, verbose_name="期限", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事件", max_length=10, choices=Kind.choices)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    days = models.PositiveIntegerField("延长天数", null=True, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "期限事件"
        ordering = ["clock_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class DocumentSequence(models.Model):
    """The last number used per agency, 文书类别 and year (玉司罚决〔2026〕N号). Allocated under a row lock
    (``core.numbering``), so numbers are never reused or skipped."""

    agency = models.ForeignKey("core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField("文号类别", max_length=12, help_text="如：罚决、罚告、立、案")
    year = models.PositiveIntegerField("年份")
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "文书编号序列"
        constraints = [models.UniqueConstraint(fields=["agency", "prefix", "year"], name="docseq_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class Document(models.Model):
    """A 文书 of a case. Drafts may change; an issued document is immutable. A correction issues a new version
    (``version`` + 1, ``supersedes`` → the old row, which becomes 已更正 and is kept)."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已签发"
        SUPERSEDED = "superseded", "已更正（保留原件）"

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField("文书类型代码", max_length=40)
    title = models.CharField("文书名称", max_length=60)
    step_id = models.CharField("所属环节", max_length=40, blank=True)
    number = models.CharField("文号", max_length=40, blank=True, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="更正的原文书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.CharField("更正原因", max_length=300, blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT)
    data = models.JSONField("文书内容", default=dict, blank=True)
    docx_blob = models.ForeignKey(
        "evidence.Blob",
        verbose_name="Word 文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf_blob = models.ForeignKey(
        "evidence.Blob",
        verbose_name="PDF 文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf_pages = models.PositiveIntegerField("PDF 页数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="制作人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("制作时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_on = models.DateField("文书日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法文书"
        ordering = ["case_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()


class Dossier(models.Model):
    """The 电子案卷 assembled at 结案 (封面、卷内目录、文书、证据，页码与书签). Its hashes go into the audit chain."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="dossiers")
    job = models.ForeignKey(
        "core.Job", verbose_name="生成任务", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    blob = models.ForeignKey(
        "evidence.Blob",
        verbose_name="案卷 PDF",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pages = models.PositiveIntegerField("页数", default=0)
    contents = models.JSONField("卷内目录", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "电子案卷"
        ordering = ["case_id", "-created_at"]

    def __str__(self) -> str:
        return f"电子案卷 {self.case_id}"
