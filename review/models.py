"""重大执法决定法制审核 and 集体讨论 (seed 二(三); 《行政处罚法》第五十七条、第五十八条; regulations.md §1.3, §8.1).

A ``Review`` is one 送审 of one case's proposed decision. Each (re)submission is a ``Submission`` round with its
materials checklist (evidence linked by hash); each round gets at most one ``Opinion`` (a one-to-one row, so two
reviewers answering the same round cannot both win). 存在问题 returns the review to the 承办科室 (its clock is paused
until the resubmission); 同意 passes it. The 5-working-day clock is a ``cases.Clock`` (events, pause, extension);
its single extension of up to 3 working days needs the 分管领导's recorded approval (``Extension``).

``CollectiveDiscussion`` is the 负责人集体讨论 record (Art.57 ¶2) that a 情节复杂或重大违法 case needs before the decision.
Nothing here is deleted: rounds, opinions and refused extensions stay as the record of the review.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property


class Policy(models.Model):
    """法制审核范围设置 of one agency (issue #5 item 1). Defaults follow the seed (所有行政处罚案件、重大行政许可) and
    处罚法第五十八条; the 较大数额 thresholds are configurable because the Yunnan figure is unverified
    (regulations.md §8.1)."""

    agency = models.OneToOneField(
        "core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="review_policy"
    )
    review_all_penalties = models.BooleanField(
        "全部行政处罚案件（一般程序）均须法制审核", default=True, help_text="工作方案二（三）2"
    )
    review_major_licences = models.BooleanField(
        "列入目录的重大行政许可须法制审核", default=True, help_text="工作方案二（三）1—2"
    )
    fine_citizen = models.DecimalField(
        "较大数额罚款（公民，元，达到即须审核）", max_digits=14, decimal_places=2, default=Decimal("10000")
    )
    fine_organization = models.DecimalField(
        "较大数额罚款（法人或其他组织，元）", max_digits=14, decimal_places=2, default=Decimal("100000")
    )
    confiscation_citizen = models.DecimalField(
        "较大数额没收（公民，元）", max_digits=14, decimal_places=2, default=Decimal("10000")
    )
    confiscation_organization = models.DecimalField(
        "较大数额没收（法人或其他组织，元）", max_digits=14, decimal_places=2, default=Decimal("100000")
    )
    staff_ratio_percent = models.DecimalField(
        "法制审核人员占执法人员比例下限（%）", max_digits=5, decimal_places=2, default=Decimal("5")
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "法制审核范围设置"

    def __str__(self) -> str:
        return f"{self.agency}法制审核范围设置"


class Review(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "退回修改"
        APPROVED = "approved", "审核通过"
        WITHDRAWN = "withdrawn", "已撤回"

    case = models.ForeignKey(
        "cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="reviews"
    )
    agency = models.ForeignKey("core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department",
        verbose_name="承办科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField("审核编号", max_length=40, db_index=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SUBMITTED)
    criteria = models.JSONField("审核范围依据", default=list, help_text="送审时认定须法制审核的情形")
    proposal = models.JSONField(
        "拟作出的决定", default=dict, help_text="处理结果、处罚种类、罚没金额（决定须与审核通过的内容一致）"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="法制审核员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_assigned",
    )
    assigned_at = models.DateTimeField("分配时间", null=True, blank=True)
    clock = models.OneToOneField(
        "cases.Clock",
        verbose_name="审核期限",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rounds = models.PositiveIntegerField("送审轮次", default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="送审人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("首次送审时间", auto_now_add=True)
    approved_on = models.DateField("审核通过日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "法制审核"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state__in=["submitted", "returned"]),
                name="review_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.get_state_display()}）"

    @cached_property
    def first_submitted_on(self) -> date | None:
        """The day the first (complete) materials were received — the review's start, as opposed to
        ``created_at`` (when the row was written). ``selectors.register`` annotates it."""
        if "first_on" in self.__dict__:  # annotated by the register query
            return self.__dict__["first_on"]
        first = self.submissions.order_by("round").first()
        return first.submitted_on if first else None


class Submission(models.Model):
    """One 送审 round: the materials as they were, with the 承办科室's answer to the previous opinion."""

    review = models.ForeignKey(
        Review, verbose_name="法制审核", on_delete=models.PROTECT, related_name="submissions"
    )
    round = models.PositiveIntegerField("轮次")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="送审人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("送审时间", auto_now_add=True)
    submitted_on = models.DateField("送审日期")
    statement = models.JSONField(
        "拟作出决定的情况说明",
        default=dict,
        help_text="facts 事实、basis 依据、discretion 裁量基准、qualifications 执法资格",
    )
    draft_decision = models.TextField("决定书代拟稿")
    materials = models.JSONField(
        "送审材料清单", default=list, help_text="每项：kind、title、来源（文书/证据）及哈希"
    )
    response = models.TextField("对审核意见的处理说明", blank=True)
    other = models.TextField("其他材料说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "送审记录"
        ordering = ["review", "round"]
        constraints = [models.UniqueConstraint(fields=["review", "round"], name="review_submission_round")]

    def __str__(self) -> str:
        return f"{self.review.number} 第{self.round}次送审"


class Opinion(models.Model):
    class Conclusion(models.TextChoices):
        AGREE = "agree", "同意"
        PROBLEM = "problem", "存在问题"

    class Action(models.TextChoices):
        SUPPLEMENT = "supplement", "补充调查"
        REVISE = "revise", "修改"
        RETURN = "return", "退回"

    review = models.ForeignKey(
        Review, verbose_name="法制审核", on_delete=models.PROTECT, related_name="opinions"
    )
    submission = models.OneToOneField(
        Submission, verbose_name="送审轮次", on_delete=models.PROTECT, related_name="opinion"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="法制审核员", on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.CharField("审核结论", max_length=10, choices=Conclusion.choices)
    action = models.CharField("处理意见", max_length=12, choices=Action.choices, blank=True)
    checklist = models.JSONField(
        "审核要点", default=dict, help_text="要点代码 → {ok: 是否无问题, note: 说明}"
    )
    reasons = models.TextField("审核意见及理由")
    issued_on = models.DateField("出具日期")
    issued_at = models.DateTimeField("记录时间", auto_now_add=True)
    on_time = models.BooleanField("按期出具", null=True)
    document = models.ForeignKey(
        "cases.Document",
        verbose_name="法制审核意见书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "法制审核意见"
        ordering = ["review", "issued_at"]

    def __str__(self) -> str:
        return f"{self.review.number} 第{self.submission.round}轮：{self.get_conclusion_display()}"


class Extension(models.Model):
    """A request to extend the review clock (疑难复杂, ≤ 3 个工作日, once) and the 分管领导's decision on it."""

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "不同意"

    review = models.ForeignKey(
        Review, verbose_name="法制审核", on_delete=models.PROTECT, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField("延长工作日")
    reason = models.CharField("延长理由", max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField("申请日期")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人（分管领导）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核期限延长"
        ordering = ["review", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=models.Q(state="pending"), name="review_one_pending_extension"
            ),
            models.UniqueConstraint(
                fields=["review"], condition=models.Q(state="approved"), name="review_one_approved_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review.number} 延长{self.days}个工作日（{self.get_state_display()}）"


class CollectiveDiscussion(models.Model):
    """负责人集体讨论 of a case (《行政处罚法》第五十七条第二款): recorded by the 承办科室, signed by a 负责人."""

    case = models.ForeignKey(
        "cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="discussions"
    )
    agency = models.ForeignKey("core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField("讨论时间")
    place = models.CharField("地点", max_length=100)
    presider = models.CharField("主持人", max_length=40)
    attendees = models.JSONField("出席人员", default=list, help_text="每项：name 姓名、title 职务")
    recorder = models.CharField("记录人", max_length=40)
    opinions = models.TextField("讨论意见")
    conclusion = models.TextField("讨论结论")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人账号", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人签名",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)
    document = models.ForeignKey(
        "cases.Document",
        verbose_name="集体讨论笔录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "负责人集体讨论"
        ordering = ["case", "held_at"]

    def __str__(self) -> str:
        return f"{self.case.number} 集体讨论 {self.held_at:%Y-%m-%d}"

    @property
    def is_signed(self) -> bool:
        return self.signed_by_id is not None
