"""Error types shared by every app.

Each error carries a stable code and a Chinese message that names the field and the rule, so the UI
and the API can show it as is.
"""

from __future__ import annotations


class SanxiangError(Exception):
    """A rule refused an action. ``field`` names the offending input where there is one."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(SanxiangError):
    """Input does not satisfy a rule; ``errors`` lists every problem (e.g. one per CSV row)."""

    code = "invalid"

    def __init__(self, errors: list[str], *, field: str | None = None):
        self.errors = errors
        super().__init__("；".join(errors[:20]) + ("……" if len(errors) > 20 else ""), field=field)


class CalendarNotLoaded(SanxiangError):
    """A working-day computation reached a year whose holiday arrangement is not loaded."""

    code = "calendar_not_loaded"

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未载入工作日历，无法按工作日计算期限（《行政处罚法》第八十五条、"
            f"《行政许可法》第八十二条）。请系统管理员在“工作日历”中导入国务院办公厅公布的{year}年安排。",
            field="date",
        )


class NotPermitted(SanxiangError):
    """The user's role or agency does not allow the action."""

    code = "forbidden"
