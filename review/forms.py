"""Forms of the 法制审核 pages: 送审 (and 重新送审), the reviewer's opinion with its 9-point checklist, assignment,
extension request and decision, withdrawal, the 集体讨论 record and the 审核范围 settings.

The forms only shape input; every rule (required materials, who may review, the one extension, stale rounds…) runs
in ``review.actions`` so that the pages and the API refuse the same things with the same Chinese messages.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms

from cases import rules as case_rules
from cases.forms import bootstrap
from cases.models import Case
from review import rules
from review.models import Opinion, Policy

TEXTAREA = {"rows": 3, "class": "form-control"}
LONG_TEXTAREA = {"rows": 8, "class": "form-control"}

PROPOSAL_OUTCOMES = {"penalty", "no_penalty", "transfer", "grant", "refuse"}


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def document_choices(options: dict[str, Any]) -> list[tuple[str, str]]:
    """The case's 文书 as material choices: title (文号)."""
    rows = []
    for doc in options.get("documents") or []:
        number = _get(doc, "number")
        rows.append(
            (str(_get(doc, "id")), f"{_get(doc, 'title')}（{number}）" if number else str(_get(doc, "title")))
        )
    return rows


def evidence_choices(options: dict[str, Any]) -> list[tuple[str, str]]:
    """The case's evidence as material choices, each with its SHA-256 (shortened) so the version is visible."""
    rows = []
    for item in options.get("evidence") or []:
        sha = str(_get(item, "sha256") or "")[:12]
        title = str(_get(item, "title"))
        rows.append((str(_get(item, "id")), f"{title}（SHA-256 {sha}…）" if sha else title))
    return rows


class SubmitForm(forms.Form):
    """送审: the 情况说明, the 决定书代拟稿, the proposed decision and the materials checklist.

    Statement fields and the draft are not required here: a missing material is reported by ``actions.submit`` in the
    list of what is missing, the same list the API gives."""

    facts = forms.CharField(
        label=rules.STATEMENT_FIELDS["facts"], required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    basis = forms.CharField(
        label=rules.STATEMENT_FIELDS["basis"], required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    discretion = forms.CharField(
        label=rules.STATEMENT_FIELDS["discretion"], required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    qualifications = forms.CharField(
        label=rules.STATEMENT_FIELDS["qualifications"], required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    draft_decision = forms.CharField(
        label="决定书代拟稿", required=False, widget=forms.Textarea(attrs=LONG_TEXTAREA)
    )
    outcome = forms.ChoiceField(label="拟处理结果")
    penalty_types = forms.MultipleChoiceField(
        label="拟处罚种类（《行政处罚法》第九条）",
        choices=list(case_rules.PENALTY_TYPES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fine_amount = forms.DecimalField(label="拟罚款金额（元）", required=False, min_value=0, decimal_places=2)
    confiscation_amount = forms.DecimalField(
        label="拟没收金额（元）", required=False, min_value=0, decimal_places=2
    )
    summary = forms.CharField(label="拟作出决定的内容", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    documents = forms.MultipleChoiceField(
        label="案件文书", required=False, widget=forms.CheckboxSelectMultiple
    )
    evidence = forms.MultipleChoiceField(
        label="证据材料（附哈希值）", required=False, widget=forms.CheckboxSelectMultiple
    )
    grounds = forms.MultipleChoiceField(
        label="属于《行政处罚法》第五十八条所列情形",
        choices=list(rules.GROUNDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other = forms.CharField(label="其他材料说明", required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args: Any, case: Case, options: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        outcomes = [
            (code, label)
            for code, label in case_rules.OUTCOMES.get(case.procedure, {}).items()
            if code in PROPOSAL_OUTCOMES
        ]
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]
        self.is_penalty = case.procedure.startswith("penalty")
        if not self.is_penalty:
            for name in ("penalty_types", "fine_amount", "confiscation_amount"):
                del self.fields[name]
        self.fields["documents"].choices = document_choices(options)  # type: ignore[attr-defined]
        self.fields["evidence"].choices = evidence_choices(options)  # type: ignore[attr-defined]
        bootstrap(self)

    def statement(self) -> dict[str, str]:
        d = self.cleaned_data
        return {name: (d.get(name) or "").strip() for name in rules.STATEMENT_FIELDS}

    def proposal(self) -> dict[str, Any]:
        d = self.cleaned_data
        fine: Decimal | None = d.get("fine_amount")
        confiscation: Decimal | None = d.get("confiscation_amount")
        return {
            "outcome": d.get("outcome") or "",
            "penalty_types": list(d.get("penalty_types") or []),
            "fine_amount": str(fine) if fine is not None else None,
            "confiscation_amount": str(confiscation) if confiscation is not None else None,
            "summary": (d.get("summary") or "").strip(),
        }

    def payload(self) -> dict[str, Any]:
        """Keyword arguments of ``actions.submit`` (also ``actions.resubmit`` apart from ``grounds``)."""
        d = self.cleaned_data
        return {
            "statement": self.statement(),
            "draft_decision": (d.get("draft_decision") or "").strip(),
            "proposal": self.proposal(),
            "evidence_ids": [int(x) for x in d.get("evidence") or []],
            "document_ids": [int(x) for x in d.get("documents") or []],
            "other": (d.get("other") or "").strip(),
            "grounds": list(d.get("grounds") or []),
        }


class ResubmitForm(SubmitForm):
    """重新送审: the 承办科室's answer to the opinion, with the materials as amended."""

    response = forms.CharField(
        label="对审核意见的处理说明",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="逐条说明补充调查或修改的情况",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["grounds"]
        # The answer comes first on the page.
        self.order_fields(["response"])

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        data.pop("grounds", None)
        data["response"] = (self.cleaned_data.get("response") or "").strip()
        return data


class OpinionForm(forms.Form):
    """法制审核意见: each of the nine review points 无问题 / 存在问题 with a note, the conclusion, what the 承办科室 must
    do, the reasons. ``round`` is the round the reviewer read; an opinion on a superseded round is refused."""

    round = forms.IntegerField(widget=forms.HiddenInput)
    conclusion = forms.ChoiceField(
        label="审核结论", choices=Opinion.Conclusion.choices, widget=forms.RadioSelect
    )
    action = forms.ChoiceField(
        label="处理意见（存在问题时填写）",
        choices=[("", "—"), *Opinion.Action.choices],
        required=False,
    )
    reasons = forms.CharField(label="审核意见及理由", widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in rules.REVIEW_POINTS:
            self.fields[f"ok_{code}"] = forms.TypedChoiceField(
                label=label,
                choices=[("1", "无问题"), ("0", "存在问题")],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=f"{label}说明", max_length=500, required=False
            )
        bootstrap(self)

    def points(self) -> list[dict[str, Any]]:
        """One row per review point for the template's table."""
        return [
            {"code": code, "label": label, "ok": self[f"ok_{code}"], "note": self[f"note_{code}"]}
            for code, label in rules.REVIEW_POINTS
        ]

    def checklist(self) -> dict[str, dict[str, Any]]:
        d = self.cleaned_data
        return {
            code: {"ok": bool(d.get(f"ok_{code}")), "note": (d.get(f"note_{code}") or "").strip()}
            for code, _label in rules.REVIEW_POINTS
        }


class AssignForm(forms.Form):
    reviewer = forms.ChoiceField(label="法制审核员")

    def __init__(self, *args: Any, reviewers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reviewers = {str(u.pk): u for u in reviewers}
        self.fields["reviewer"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(pk, u.full_name or u.username) for pk, u in self.reviewers.items()],
        ]
        bootstrap(self)

    def reviewer_user(self) -> Any:
        return self.reviewers[self.cleaned_data["reviewer"]]


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        label="延长工作日",
        min_value=1,
        max_value=3,
        initial=3,
        help_text="疑难复杂案件可延长一次，最多3个工作日",
    )
    reason = forms.CharField(label="延长理由", max_length=300, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class DecideExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审批意见",
        choices=[("1", "同意延长"), ("0", "不同意")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="审批说明", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


def parse_attendees(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Lines "姓名 职务" → [{name, title}]; a line without a 职务 is reported by its number."""
    rows: list[dict[str, str]] = []
    problems: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.replace("\u3000", " ").strip()
        if not line:
            continue
        name, _sep, title = line.partition(" ")
        if not title.strip():
            problems.append(f"第{number}行“{line}”：请按“姓名 职务”填写，中间用空格分开")
            continue
        rows.append({"name": name.strip(), "title": title.strip()})
    return rows, problems


class DiscussionForm(forms.Form):
    held_at = forms.DateTimeField(
        label="讨论时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label="地点", max_length=100)
    presider = forms.CharField(label="主持人", max_length=40)
    attendees = forms.CharField(
        label="出席人员",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一人：姓名 职务，如“吴局长 局长”",
    )
    recorder = forms.CharField(label="记录人", max_length=40)
    opinions = forms.CharField(label="讨论意见", widget=forms.Textarea(attrs=LONG_TEXTAREA))
    conclusion = forms.CharField(label="讨论结论", widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_attendees(self) -> list[dict[str, str]]:
        rows, problems = parse_attendees(self.cleaned_data.get("attendees") or "")
        if problems:
            raise forms.ValidationError(problems)
        if not rows:
            raise forms.ValidationError("至少填写一名出席人员")
        return rows

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        held_at: datetime = d["held_at"]
        return {
            "held_at": held_at,
            "place": d["place"].strip(),
            "presider": d["presider"].strip(),
            "attendees": d["attendees"],
            "recorder": d["recorder"].strip(),
            "opinions": d["opinions"].strip(),
            "conclusion": d["conclusion"].strip(),
        }


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Policy
        fields = [
            "review_all_penalties",
            "review_major_licences",
            "fine_citizen",
            "fine_organization",
            "confiscation_citizen",
            "confiscation_organization",
            "staff_ratio_percent",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)
