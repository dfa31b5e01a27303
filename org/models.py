"""Organisation of an agency: 内设机构 and the 三项制度 领导小组 (seed 一、附件1).

执法主体 public entries, 执法人员 and 执法证 join this app in the 事前公开 issue.
"""

from __future__ import annotations

from django.db import models


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
