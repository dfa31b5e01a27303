"""Forms of the 事项清单 editor: the item, its child rows as formsets, the review and abolish forms.

The forms only shape input into item data (see catalog.rules); the rules themselves run in catalog.actions so
that the UI, the API and the Excel import refuse the same things with the same messages.
"""

from __future__ import annotations

from typing import Any

from django import forms

from catalog import rules
from catalog.models import Category, Level, TimeUnit
from catalog.process import PROCEDURES
from org.models import Department

AUTO = "auto"
TEXTAREA = {"rows": 2, "class": "form-control"}


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class ItemForm(forms.Form):
    code = forms.CharField(label="事项编码", max_length=40, help_text=rules.ITEM_COLUMNS_HELP["code"])
    name = forms.CharField(label="事项名称", max_length=200)
    category = forms.ChoiceField(label="事项类别", choices=Category.choices)
    level = forms.ChoiceField(label="实施层级", choices=Level.choices)
    department = forms.ModelChoiceField(label="承办科室", queryset=Department.objects.none())
    procedure = forms.ChoiceField(
        label="办理程序（流程图）",
        choices=[(AUTO, "按事项类别默认"), ("", "无"), *list(PROCEDURES.items())],
        required=False,
    )
    time_limit_days = forms.IntegerField(label="办理时限（天数）", required=False)
    time_limit_unit = forms.ChoiceField(label="时限单位", choices=TimeUnit.choices, required=False)
    time_limit_text = forms.CharField(
        label="办理时限（文字说明）",
        max_length=200,
        required=False,
        help_text="填写后公示此说明，如“即时办结”",
    )
    is_major = forms.BooleanField(label="列入重大执法决定法制审核目录", required=False)
    major_criteria = forms.CharField(
        label="重大执法决定认定标准", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    is_random_inspection = forms.BooleanField(label="列入随机抽查事项清单（行政检查事项）", required=False)
    inspection_sub_items = forms.CharField(
        label="检查子项", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    inspection_method = forms.CharField(label="检查方式", max_length=200, required=False)
    inspection_content = forms.CharField(
        label="检查内容", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    inspection_note = forms.CharField(
        label="备注（抽查清单）", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    change_note = forms.CharField(
        label="变更说明", max_length=300, required=False, help_text="本次新增或修改的内容，随版本公示"
    )

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(agency=agency, is_active=True)  # type: ignore[attr-defined]
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("procedure") == AUTO:
            data["procedure"] = rules.default_procedure(data.get("category", ""))
        return data


class LegalBasisForm(forms.Form):
    law = forms.CharField(label="法律法规名称", max_length=200, required=False)
    article = forms.CharField(label="条款", max_length=100, required=False)
    text = forms.CharField(label="条文内容", required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class BandForm(forms.Form):
    condition = forms.CharField(label="违法情形", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    range_text = forms.CharField(
        label="处罚幅度", max_length=300, required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    fine_min = forms.DecimalField(label="罚款下限（元）", required=False, max_digits=14, decimal_places=2)
    fine_max = forms.DecimalField(label="罚款上限（元）", required=False, max_digits=14, decimal_places=2)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class AvDutyForm(forms.Form):
    step = forms.CharField(label="执法环节", max_length=100, required=False)
    requirement = forms.CharField(label="记录要求", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class GuideForm(forms.Form):
    conditions = forms.CharField(label="申请条件", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    fees = forms.CharField(label="收费标准", max_length=300, required=False, initial="不收费")
    time_limit = forms.CharField(label="承诺时限", max_length=200, required=False)
    remedies = forms.CharField(
        label="救济渠道",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：对决定不服的，可在60日内申请行政复议，或在6个月内提起行政诉讼",
    )
    window = forms.CharField(label="办理窗口", max_length=200, required=False)
    phone = forms.CharField(label="咨询电话", max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(k) or "").strip() for k in self.fields if k != "fees")


class MaterialForm(forms.Form):
    name = forms.CharField(label="材料名称", max_length=200, required=False)
    required = forms.BooleanField(label="必需", required=False, initial=True)
    copies = forms.IntegerField(label="份数", required=False, initial=1)
    sample = forms.FileField(
        label="示范文本",
        required=False,
        help_text="pdf、doc、docx、xls、xlsx、jpg、png，不超过10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join("." + e for e in rules.SAMPLE_EXTENSIONS)}),
    )
    keep_sample = forms.CharField(required=False, widget=forms.HiddenInput)
    drop_sample = forms.BooleanField(label="删除已上传的示范文本", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean_sample(self) -> Any:
        upload = self.cleaned_data.get("sample")
        if upload:
            error = rules.sample_file_error(upload.name, upload.size)
            if error:
                raise forms.ValidationError(error.removeprefix("示范文本："))
        return upload


def _formset(form: type[forms.Form], extra: int = 1) -> type[forms.BaseFormSet]:
    return forms.formset_factory(form, extra=extra, can_delete=True, max_num=200, absolute_max=200)


LegalBasisFormSet = _formset(LegalBasisForm)
BandFormSet = _formset(BandForm)
AvDutyFormSet = _formset(AvDutyForm)
MaterialFormSet = _formset(MaterialForm)

FORMSETS = {
    "bases": (LegalBasisFormSet, "法律依据"),
    "bands": (BandFormSet, "裁量基准"),
    "duties": (AvDutyFormSet, "音像记录要求"),
    "materials": (MaterialFormSet, "申请材料"),
}


def rows(formset: forms.BaseFormSet, keys: list[str]) -> list[dict[str, Any]]:
    """The filled, not deleted rows of a formset (blank extra rows are ignored)."""
    out = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        if not any(data.get(k) not in (None, "", False) for k in keys):
            continue
        out.append(data)
    return out


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="退回意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="写明需要修改的内容（至少4个字）",
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="审核意见（可选）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class AbolishForm(forms.Form):
    reason = forms.CharField(
        label="废止理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="如：依据已废止或职权已调整（至少4个字）；公示将撤回并保留理由",
    )
