"""Organisation of an agency: 内设机构 and the 三项制度 领导小组 (seed 一、附件1).

执法主体 public entries, 执法人员 and 执法证 join this app in the 事前公开 issue.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Department(models.Model):
    """内设机构 (科室/股室). Configurable per agency."""

    agency = models.ForeignKey(
        "core.Agency", verbose_name="所属机关", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("科室名称", max_length=60)
    is_review_office = models.BooleanField(
        "法制审核与执法监督机构", default=False, help_text="如 行政执法协调监督科：负责法制审核和执法监督"
    )
    is_enforcing = models.BooleanField("执法科室", default=True)
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "内设机构"
        ordering = ["agency_id", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class LeadingGroup(models.Model):
    """全面推行三项制度工作领导小组 (seed 一): led by a bureau leader, its office in 行政执法协调监督科."""

    agency = models.OneToOneField(
        "core.Agency", verbose_name="所属机关", on_delete=models.PROTECT, related_name="leading_group"
    )
    name = models.CharField("名称", max_length=80, default="全面推行行政执法三项制度工作领导小组")
    office = models.ForeignKey(
        Department,
        verbose_name="办公室设在",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duties = models.TextField("职责", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导小组"

    def __str__(self) -> str:
        return self.name


class LeadingGroupMember(models.Model):
    class Position(models.TextChoices):
        LEADER = "leader", "组长"
        DEPUTY = "deputy", "副组长"
        MEMBER = "member", "成员"

    group = models.ForeignKey(
        LeadingGroup, verbose_name="领导小组", on_delete=models.PROTECT, related_name="members"
    )
    position = models.CharField("小组职务", max_length=10, choices=Position.choices, default=Position.MEMBER)
    name = models.CharField("姓名", max_length=40)
    title = models.CharField("单位职务", max_length=60, help_text="如：局长、行政执法协调监督科科长")
    department = models.ForeignKey(
        Department, verbose_name="科室", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "领导小组成员"
        ordering = ["group_id", "sort", "id"]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.name}"


# 事前公开: 执法主体 and 执法人员/执法证 (seed 二(一)1–2; 《云南省行政执法公示办法》, regulations.md §2.2) ---------------

REVIEW_STATE_CHOICES = [
    ("draft", "草稿"),
    ("submitted", "已报送待审核"),
    ("returned", "已退回修改"),
    ("published", "已发布"),
]

# 执法类别 (《云南省行政执法公示办法》: 行政执法 = 行政处罚、行政强制、行政检查、行政征收征用、行政许可).
HISTORY_ACTIONS = {
    "save": "保存草稿",
    "submit": "报送审核",
    "return": "退回修改",
    "approve": "审核发布",
    "reconfirm": "年度确认",
    "deactivate": "离岗并撤回公示",
}

ENFORCEMENT_CATEGORIES = ["行政许可", "行政处罚", "行政强制", "行政检查", "行政征收征用", "其他行政执法"]


class SubjectProfile(models.Model):
    """The 执法主体 entry of one agency: what the 市司法局 announces as its 主体资格 (seed 二(一)1).

    The agency's staff (or the supervising 司法局) keep this draft; when the 行政执法协调监督科 approves it, a
    ``publicity.Publication`` (kind "subject") is made from it. The portal never reads this row.
    """

    class Nature(models.TextChoices):
        STATUTORY = "法定", "法定行政机关"
        AUTHORIZED = "授权", "法律法规授权组织"
        ENTRUSTED = "委托", "受委托组织"

    agency = models.OneToOneField(
        "core.Agency", verbose_name="执法机关", on_delete=models.PROTECT, related_name="subject_profile"
    )
    name = models.CharField("单位名称", max_length=80)
    nature = models.CharField("主体性质", max_length=4, choices=Nature.choices, default=Nature.STATUTORY)
    entrusting_agency = models.CharField("委托机关", max_length=80, blank=True)
    entrusted_scope = models.TextField("委托范围", blank=True)
    head = models.CharField("负责人", max_length=40)
    address = models.CharField("办公地址", max_length=120)
    categories = models.JSONField("执法类别", default=list)
    area = models.CharField("执法区域", max_length=120)
    phone = models.CharField("联系方式", max_length=40)
    supervision_phone = models.CharField("监督电话", max_length=40)
    legal_basis = models.TextField("法律依据", help_text="每行一项，如：《中华人民共和国律师法》第四条")
    change_note = models.CharField("变更说明", max_length=200, blank=True)
    state = models.CharField("审核状态", max_length=12, choices=REVIEW_STATE_CHOICES, default="draft")
    return_comment = models.TextField("退回意见", blank=True)
    confirmed_on = models.DateField("最近确认日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "执法主体信息"
        ordering = ["agency__region__sort", "agency__sort", "agency_id"]

    def __str__(self) -> str:
        return self.name


class SubjectVersion(models.Model):
    """Append-only history of a 执法主体 entry: every save, submission, return, approval and re-confirmation."""

    profile = models.ForeignKey(
        SubjectProfile, verbose_name="执法主体", on_delete=models.PROTECT, related_name="versions"
    )
    action = models.CharField("操作", max_length=20)
    state = models.CharField("操作后状态", max_length=12, choices=REVIEW_STATE_CHOICES)
    snapshot = models.JSONField("内容快照")
    comment = models.TextField("意见/说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法主体信息历史"
        ordering = ["profile_id", "-id"]

    def __str__(self) -> str:
        return f"{self.action_label} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        return HISTORY_ACTIONS.get(self.action, self.action)


class Officer(models.Model):
    """An 执法人员. 身份证号 and 手机 are internal and never published (regulations.md §9)."""

    agency = models.ForeignKey(
        "core.Agency", verbose_name="所属机关", on_delete=models.PROTECT, related_name="officers"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所在科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    name = models.CharField("姓名", max_length=40)
    photo = models.CharField("照片", max_length=200, blank=True, help_text="存储中的文件名（officers/…）")
    position = models.CharField("职务", max_length=60)
    categories = models.JSONField("执法类别", default=list)
    area = models.CharField("执法区域", max_length=120)
    has_legal_qualification = models.BooleanField(
        "具有法律职业资格",
        default=False,
        help_text="内部信息，不公示；初次从事法制审核须具备（《行政处罚法》第五十八条）",
    )
    id_number = models.CharField("身份证号（内部）", max_length=18, blank=True)
    mobile = models.CharField("手机（内部）", max_length=11, blank=True)
    is_active = models.BooleanField("在岗", default=True)
    deactivation_reason = models.CharField("离岗原因", max_length=300, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officer",
    )
    state = models.CharField("审核状态", max_length=12, choices=REVIEW_STATE_CHOICES, default="draft")
    return_comment = models.TextField("退回意见", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "执法人员"
        ordering = ["agency_id", "department_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self) -> str:
        """所在具体执法机构名称, e.g. 玉溪市司法局行政执法协调监督科."""
        return f"{self.agency.name}{self.department.name}" if self.department else self.agency.name

    def current_certificate(self) -> Certificate | None:
        return self.certificates.filter(is_current=True).first()

    def pending_certificate(self) -> Certificate | None:
        return self.certificates.filter(is_current=False, approved_at__isnull=True).first()


class OfficerVersion(models.Model):
    """Append-only history of an 执法人员 entry (saves, submissions, returns, approvals, 离岗)."""

    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.PROTECT, related_name="versions"
    )
    action = models.CharField("操作", max_length=20)
    state = models.CharField("操作后状态", max_length=12, choices=REVIEW_STATE_CHOICES)
    snapshot = models.JSONField("内容快照（不含内部信息）")
    comment = models.TextField("意见/说明", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法人员信息历史"
        ordering = ["officer_id", "-id"]

    def __str__(self) -> str:
        return f"{self.action_label} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        return HISTORY_ACTIONS.get(self.action, self.action)


class Certificate(models.Model):
    """A 行政执法证. One current (reviewed) certificate per officer; a renewal waits as pending until reviewed.

    ``status`` is the stored one (有效/暂扣/注销); 已过期 is derived from ``valid_until`` by
    org.rules.certificate_effective_status.
    """

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        SUSPENDED = "suspended", "暂扣"
        REVOKED = "revoked", "注销"

    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField("执法证号", max_length=30, unique=True)
    issuer = models.CharField("发证机关", max_length=80)
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至")
    status = models.CharField("证件状态", max_length=10, choices=Status.choices, default=Status.VALID)
    is_current = models.BooleanField("当前证件", default=False)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政执法证"
        ordering = ["officer_id", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer"], condition=Q(is_current=True), name="certificate_one_current"
            ),
            models.UniqueConstraint(
                fields=["officer"],
                condition=Q(is_current=False, approved_at__isnull=True),
                name="certificate_one_pending",
            ),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="certificate_dates"),
        ]

    def __str__(self) -> str:
        return self.number

    def effective_status(self, today: date | None = None) -> str:
        from django.utils import timezone

        from org.rules import certificate_effective_status

        return certificate_effective_status(self.status, self.valid_until, today or timezone.localdate())


class CertificateStatusChange(models.Model):
    """Append-only history of a certificate's status: who, when, why (暂扣/注销/恢复)."""

    certificate = models.ForeignKey(
        Certificate, verbose_name="执法证", on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField("原状态", max_length=10, choices=Certificate.Status.choices)
    to_status = models.CharField("新状态", max_length=10, choices=Certificate.Status.choices)
    reason = models.CharField("理由", max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法证状态变更"
        ordering = ["certificate_id", "-id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
