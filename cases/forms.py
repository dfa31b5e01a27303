"""Forms of the case pages: register a case with its parties, advance a step, assign officers, 回避, decision.

The forms only shape input; every rule (ID numbers, officers on the act, simple-procedure limits, AV duties…)
runs in ``cases.actions`` so that the pages and the API refuse the same things with the same Chinese messages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from cases import rules as case_rules
from cases.models import Case, Party
from catalog.models import Item
from catalog.process import PROCEDURES
from org.models import Officer
from publicity.rules import PUBLISHED

TEXTAREA = {"rows": 3, "class": "form-control"}
DATE = {"type": "date", "class": "form-control"}

CASE_PROCEDURES = [
    (code, PROCEDURES[code]) for code in ("penalty_general", "penalty_simple", "licensing", "inspection")
]
PENALTY_TYPES: list[tuple[str, str]] = list(case_rules.PENALTY_TYPES.items())  # 《行政处罚法》第九条
ID_TYPES = ["居民身份证", "统一社会信用代码", "护照", "港澳居民来往内地通行证", "其他"]


def bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def case_items(agency_id: int) -> QuerySet[Item]:
    """Published, current 事项 of the agency that a case can be registered under."""
    return (
        Item.objects.filter(
            agency_id=agency_id,
            state=PUBLISHED,
            is_abolished=False,
            category__in=list(case_rules.PROCEDURES_BY_CATEGORY),
        )
        .select_related("department")
        .order_by("category", "code")
    )


class ItemSelect(forms.Select):
    """Options carry ``data-category`` so static/js/cases.js can narrow the procedure choices."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-category"] = instance.category
        return option


class CaseForm(forms.Form):
    item = forms.ModelChoiceField(
        label="执法事项",
        queryset=Item.objects.none(),
        widget=ItemSelect,
        empty_label="请选择本机关已公示的执法事项",
    )
    procedure = forms.ChoiceField(label="办理程序", choices=CASE_PROCEDURES)
    title = forms.CharField(label="案由/申请事项", max_length=200)
    source = forms.CharField(
        label="案件来源", max_length=200, required=False, help_text="投诉、举报、检查发现、上级交办、移送等"
    )
    summary = forms.CharField(label="案情摘要", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    discovered_on = forms.DateField(
        label="发现违法行为日期", required=False, widget=forms.DateInput(attrs=DATE)
    )
    received_on = forms.DateField(
        label="收到申请材料日期", required=False, widget=forms.DateInput(attrs=DATE), help_text="行政许可填写"
    )

    planned_penalty_types = forms.MultipleChoiceField(
        label="拟处罚种类",
        choices=[
            (code, case_rules.PENALTY_TYPES[code]) for code in sorted(case_rules.SIMPLE_TYPES, reverse=True)
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="仅简易程序（当场处罚）填写：警告，或对公民200元以下、对法人或其他组织3000元以下罚款（《行政处罚法》第五十一条）",
    )
    planned_fine = forms.DecimalField(
        label="拟罚款金额（元）", required=False, min_value=0, decimal_places=2, help_text="仅简易程序填写"
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = case_items(agency_id)  # type: ignore[attr-defined]
        self.fields["item"].label_from_instance = lambda i: f"{i.code} {i.name}（{i.get_category_display()}）"  # type: ignore[attr-defined]
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item, procedure = data.get("item"), data.get("procedure")
        if item is not None and procedure:
            problem = case_rules.procedure_problem(item.category, procedure)
            if problem:
                self.add_error("procedure", problem.removeprefix("办理程序："))
        return data


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Party.Kind.choices)
    name = forms.CharField(label="姓名/名称", max_length=120)
    id_type = forms.ChoiceField(label="证件类型", choices=[(t, t) for t in ID_TYPES])
    id_number = forms.CharField(label="证件号码", max_length=40, required=False)
    phone = forms.CharField(label="电话", max_length=40, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class BasePartyFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.parties():
            raise forms.ValidationError("当事人：至少填写一名当事人或申请人")

    def parties(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=1, can_delete=True)


class AdvanceForm(forms.Form):
    """Complete the current step: which way, who acted (出示证件/告知 per officer), the note, an AV waiver."""

    to = forms.ChoiceField(label="办理结果", widget=forms.RadioSelect)
    officers = forms.MultipleChoiceField(
        label="执法人员", required=False, widget=forms.CheckboxSelectMultiple
    )
    lead = forms.ChoiceField(label="主办人", required=False)
    note = forms.CharField(label="办理意见/记录", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    av_waiver_reason = forms.CharField(
        label="未能音像记录的原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="已上传本环节音像记录的无需填写；无法记录的，写明原因（如设备故障、当事人所在场所不允许）",
    )

    handoff_item = forms.ModelChoiceField(
        label="转入的处罚事项",
        queryset=Item.objects.none(),
        required=False,
        empty_label="与本案相同的事项",
        help_text="转为一般程序或移送立案查处时，选择按哪一项行政处罚事项立案",
    )

    def __init__(
        self,
        *args: Any,
        transitions: list[dict[str, Any]],
        officers: list[Officer],
        handoff_items: QuerySet[Item] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.transitions = transitions
        if handoff_items is None:
            del self.fields["handoff_item"]
        else:
            self.fields["handoff_item"].queryset = handoff_items  # type: ignore[attr-defined]
        self.officer_rows = officers
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (t["to"], f"{t['name']}" + (f"（{t['when']}）" if t.get("when") else "")) for t in transitions
        ]
        if len(transitions) == 1:
            self.fields["to"].initial = transitions[0]["to"]
        choices = [(str(o.pk), o.name) for o in officers]
        self.fields["officers"].choices = choices  # type: ignore[attr-defined]
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        for o in officers:
            self.fields[f"showed_{o.pk}"] = forms.BooleanField(label="已出示执法证件", required=False)
            self.fields[f"informed_{o.pk}"] = forms.BooleanField(label="已告知权利", required=False)
        bootstrap(self)

    def officer_fields(self) -> list[dict[str, Any]]:
        """One row per assignable officer for the template: the checkbox and its two ticks."""
        selected = set(self["officers"].value() or [])
        return [
            {
                "officer": o,
                "checked": str(o.pk) in selected,
                "showed": self[f"showed_{o.pk}"],
                "informed": self[f"informed_{o.pk}"],
            }
            for o in self.officer_rows
        ]

    def officers_payload(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        lead = d.get("lead") or ""
        ids = [int(x) for x in d.get("officers") or []]
        return [
            {
                "officer_id": pk,
                "showed_certificate": bool(d.get(f"showed_{pk}")),
                "informed_rights": bool(d.get(f"informed_{pk}")),
                "is_lead": str(pk) == lead or (not lead and i == 0),
            }
            for i, pk in enumerate(ids)
        ]


class AssignForm(forms.Form):
    officers = forms.MultipleChoiceField(label="承办人员", widget=forms.CheckboxSelectMultiple)
    lead = forms.ChoiceField(label="主办人", required=False)

    def __init__(self, *args: Any, officers: list[Officer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(o.pk), o.name) for o in officers]
        self.fields["officers"].choices = choices  # type: ignore[attr-defined]
        self.fields["lead"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        bootstrap(self)


class RecusalForm(forms.Form):
    officer = forms.ChoiceField(label="被申请回避人员")
    applicant = forms.CharField(label="申请人", max_length=60, help_text="当事人姓名，或“本人”（自行回避）")
    reason = forms.CharField(label="申请理由", widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args: Any, officers: list[Officer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "—"), *[(str(o.pk), o.name) for o in officers]]  # type: ignore[attr-defined]
        bootstrap(self)


class RecusalDecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        label="决定",
        choices=[("1", "决定回避"), ("0", "驳回申请")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="决定理由", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果")
    penalty_types = forms.MultipleChoiceField(
        label="处罚种类（《行政处罚法》第九条）",
        choices=PENALTY_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fine_amount = forms.DecimalField(label="罚款金额（元）", required=False, min_value=0, decimal_places=2)
    confiscation_amount = forms.DecimalField(
        label="没收违法所得/非法财物金额（元）", required=False, min_value=0, decimal_places=2
    )
    outcome_text = forms.CharField(label="决定内容", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    is_complex = forms.BooleanField(
        label="情节复杂或重大违法（须负责人集体讨论，《行政处罚法》第五十七条第二款）", required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcomes = list(case_rules.OUTCOMES.get(case.procedure, {}).items())
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]
        self.is_penalty = case.procedure.startswith("penalty")
        if not self.is_penalty:
            for name in ("penalty_types", "fine_amount", "confiscation_amount", "is_complex"):
                del self.fields[name]
        bootstrap(self)
