"""Forms of the evidence pages. They only shape input; the rules run in evidence.actions (same refusals for the
page, the chunked upload endpoints and the API)."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.models import Case, CaseStep
from evidence.models import EvidenceItem

TEXTAREA = {"rows": 2, "class": "form-control"}


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-control")


def step_choices(case: Case) -> list[tuple[str, str]]:
    rows = CaseStep.objects.filter(case=case).order_by("seq")
    return [("", "（不指定）")] + [
        (str(r.pk), f"{r.seq}. {r.name}{'（当前环节）' if r.completed_at is None else ''}") for r in rows
    ]


def current_step_pk(case: Case) -> str:
    row = CaseStep.objects.filter(case=case, completed_at__isnull=True).order_by("-seq").first()
    return str(row.pk) if row else ""


class EvidenceMetaForm(forms.Form):
    kind = forms.ChoiceField(label="证据种类", choices=[("", "请选择"), *EvidenceItem.Kind.choices])
    purpose = forms.ChoiceField(
        label="用途",
        choices=EvidenceItem.Purpose.choices,
        initial=EvidenceItem.Purpose.EVIDENCE,
        required=False,
    )
    title = forms.CharField(label="证据名称", max_length=200, required=False, help_text="不填则使用文件名")
    description = forms.CharField(
        label="证明内容/说明", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    case_step = forms.ChoiceField(
        label="办理环节", required=False, help_text="音像记录应关联到所记录的执法环节"
    )
    collected_at = forms.DateTimeField(
        label="取证时间",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    collected_place = forms.CharField(label="取证地点", max_length=200, required=False)
    device = forms.CharField(
        label="采集设备", max_length=120, required=False, help_text="如：执法记录仪 编号 ZFJLY-0012"
    )
    collected_by = forms.CharField(label="取证人", max_length=120, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_step"].choices = step_choices(case)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.fields["case_step"].initial = current_step_pk(case)
        _bootstrap(self)

    def metadata(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("file", None)
        return data


class UploadForm(EvidenceMetaForm):
    """The plain (non-JavaScript) upload form: one multipart POST, for phones and old browsers."""

    file = forms.FileField(label="文件")

    field_order = ["file"]


class BeginUploadForm(EvidenceMetaForm):
    """Start of a resumable upload (sent by evidence-upload.js)."""

    filename = forms.CharField(label="文件名", max_length=255)
    size = forms.IntegerField(label="文件大小", min_value=0)
    content_type = forms.CharField(label="文件类型", max_length=100, required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=300,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="至少 5 个字。作废后证据文件和记录仍然保留，但不再作为认定事实的依据。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
