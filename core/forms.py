"""Forms of the working-day calendar pages. They check input shape only; the rules live in core.actions."""

from __future__ import annotations

from typing import Any

from django import forms

from core.models import Holiday

MAX_CSV_BYTES = 512 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


DATE_ERRORS = {"invalid": "请输入有效日期，格式如 2026-10-13", "required": "请填写日期"}


class HolidayForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput(), error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(
        label="类型",
        choices=Holiday.Kind.choices,
        help_text="法定节假日：当日不上班；调休上班日：周六或周日按工作日上班。",
    )
    name = forms.CharField(label="节日名称", max_length=40, required=False, help_text="如：国庆节、春节")

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The date is the record's key: editing changes the kind or name; another date is another record.
            self.fields["date"].disabled = True
        _style(self)


class ImportForm(forms.Form):
    year = forms.IntegerField(
        label="年份",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "请输入四位年份", "required": "请填写年份"},
    )
    file = forms.FileField(
        label="CSV 文件",
        help_text="UTF-8 或 GB18030 编码，表头为“日期,类型,名称”，类型为“法定节假日”或“调休上班日”。导入将替换该年已有的全部节假日与调休。",
        error_messages={"required": "请选择要上传的 CSV 文件"},
    )
    source = forms.CharField(
        label="依据",
        max_length=200,
        required=False,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        _style(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                f"文件过大（上限 {MAX_CSV_BYTES // 1024} KB），一年的安排通常不足 2 KB"
            )
        return upload


class AddWorkdaysForm(forms.Form):
    """起算日 + N 个工作日 = ?"""

    start = forms.DateField(label="起算日", widget=DateInput(), error_messages=DATE_ERRORS)
    n = forms.IntegerField(
        label="工作日数",
        min_value=0,
        max_value=3650,
        error_messages={"invalid": "请输入整数", "required": "请填写天数", "min_value": "不能为负数"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        _style(self)


class BetweenForm(forms.Form):
    """两日之间的工作日数。"""

    start = forms.DateField(label="起算日", widget=DateInput(), error_messages=DATE_ERRORS)
    end = forms.DateField(label="截止日", widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "between")
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and (end - start).days > 3660:
            self.add_error("end", "两日相隔不能超过十年")
        return data


class BuiltinForm(forms.Form):
    """Restore a year from the arrangement shipped with the platform (chinesecalendar)."""

    year = forms.TypedChoiceField(label="年份", coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "builtin")
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in sorted(years, reverse=True)]  # type: ignore[attr-defined]
        _style(self)
