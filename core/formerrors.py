"""Show a rule's refusal on a form: one helper for every app's views."""

from __future__ import annotations

from typing import Any

from core.errors import SanxiangError, ValidationFailed


def apply_errors(form: Any, exc: SanxiangError, fallback: str | None = None) -> None:
    """Attach ``exc`` to the field it names (or ``fallback``, else the form).

    Messages from actions begin with the field's label ("类型：…") so that the API can show them alone;
    the field template already prints the label, so the prefix is dropped here to avoid "类型：类型：".
    """
    errors = exc.errors if isinstance(exc, ValidationFailed) else [exc.message]
    field = exc.field if exc.field in form.fields else fallback
    prefix = f"{form.fields[field].label}：" if field and form.fields[field].label else ""
    for e in errors:
        form.add_error(field, e.removeprefix(prefix) if prefix else e)
