"""Loading the official holiday arrangements: from the ``chinesecalendar`` package (2004–2026) and from CSV.

The CSV layout (one year per file, UTF-8, header required):

    日期,类型,名称
    2027-01-01,法定节假日,元旦
    2027-02-07,调休上班日,春节

类型 is 法定节假日 or 调休上班日; 名称 is optional. Every row is checked before anything is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from core.errors import ValidationFailed

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
KIND_BY_LABEL = {
    "法定节假日": "holiday",
    "节假日": "holiday",
    "放假": "holiday",
    "调休上班日": "workday",
    "上班": "workday",
}


@dataclass(frozen=True)
class Entry:
    date: date
    kind: str
    name: str


def builtin_years() -> dict[int, list[Entry]]:
    """The arrangements shipped in chinesecalendar, by year (it covers 2004 to 2026)."""
    import chinese_calendar

    years: dict[int, list[Entry]] = {}
    for day, name in chinese_calendar.holidays.items():
        years.setdefault(day.year, []).append(Entry(day, "holiday", NAMES_ZH.get(str(name), str(name))))
    for day, name in chinese_calendar.workdays.items():
        years.setdefault(day.year, []).append(Entry(day, "workday", NAMES_ZH.get(str(name), str(name))))
    return {y: sorted(v, key=lambda e: e.date) for y, v in years.items()}


def builtin_source() -> str:
    from importlib.metadata import version

    return f"chinesecalendar {version('chinesecalendar')}（国务院办公厅历年部分节假日安排）"


def parse_csv(data: bytes, year: int) -> list[Entry]:
    """Parse and check a year's CSV; raises ValidationFailed listing every bad row (nothing is written)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(
                ["文件：无法识别的编码，请保存为 UTF-8 或 GB18030 的 CSV 文件"], field="file"
            ) from exc
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    errors: list[str] = []
    if not rows or [c.strip() for c in rows[0][:2]] != ["日期", "类型"]:
        raise ValidationFailed(["文件：第 1 行须为表头“日期,类型,名称”"], field="file")
    entries: list[Entry] = []
    seen: dict[date, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + ["", "", ""]
        raw_date, raw_kind, name = cells[0], cells[1], cells[2]
        try:
            day = date.fromisoformat(raw_date.replace("/", "-"))
        except ValueError:
            errors.append(f"第 {number} 行：日期“{raw_date}”不是有效日期，格式应为 2027-01-01")
            continue
        if day.year != year:
            errors.append(f"第 {number} 行：日期 {day} 不属于 {year} 年")
        kind = KIND_BY_LABEL.get(raw_kind)
        if kind is None:
            errors.append(f"第 {number} 行：类型“{raw_kind}”无效，应为“法定节假日”或“调休上班日”")
            continue
        if kind == "workday" and day.weekday() < 5:
            errors.append(f"第 {number} 行：{day} 是周一至周五，本就是工作日，不能标为调休上班日")
        if day in seen:
            errors.append(f"第 {number} 行：日期 {day} 与第 {seen[day]} 行重复")
        seen[day] = number
        entries.append(Entry(day, kind, name[:40]))
    if not entries and not errors:
        errors.append("文件：没有任何数据行")
    if errors:
        raise ValidationFailed(errors, field="file")
    return sorted(entries, key=lambda e: e.date)
