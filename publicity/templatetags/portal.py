"""Template helpers of the portal."""

from __future__ import annotations

from typing import Any

from django import template

from publicity.public import cell

register = template.Library()


@register.filter
def get(row: dict[str, Any], field: str) -> str:
    """``row|get:"field"`` shown as text (lists joined with 、, booleans 是/否)."""
    return cell(row.get(field))
