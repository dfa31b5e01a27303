"""The CSV of a year's arrangement: every bad row is reported in Chinese, and a bad file writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from core import actions
from core.calendar_source import parse_csv
from core.errors import ValidationFailed
from core.models import CalendarYear, Holiday


def errors_of(text: str | bytes, year: int = 2027) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ValidationFailed) as info:
        parse_csv(data, year)
    assert info.value.field == "file"
    return info.value.errors


def test_good_file_with_bom_and_blank_lines() -> None:
    data = "\ufeff日期,类型,名称\r\n2027-01-01,法定节假日,元旦\r\n\r\n2027/02/06,调休上班日,春节\r\n".encode()
    entries = parse_csv(data, 2027)
    assert [(e.date, e.kind, e.name) for e in entries] == [
        (date(2027, 1, 1), "holiday", "元旦"),
        (date(2027, 2, 6), "workday", "春节"),
    ]


def test_gb18030_is_accepted() -> None:
    entries = parse_csv("日期,类型,名称\n2027-01-01,法定节假日,元旦\n".encode("gb18030"), 2027)
    assert entries[0].name == "元旦"


def test_every_bad_row_is_listed() -> None:
    errors = errors_of(
        "日期,类型,名称\n"
        "2027-13-01,法定节假日,坏日期\n"  # row 2
        "2026-10-01,法定节假日,错年\n"  # row 3
        "2027-05-01,休息,未知类型\n"  # row 4
        "2027-05-06,调休上班日,周四\n"  # row 5 (Thursday)
        "2027-01-01,法定节假日,元旦\n"  # row 6
        "2027-01-01,法定节假日,重复\n"  # row 7
    )
    assert len(errors) == 5
    assert errors[0].startswith("第 2 行：") and "2027-13-01" in errors[0]
    assert errors[1] == "第 3 行：日期 2026-10-01 不属于 2027 年"
    assert errors[2].startswith("第 4 行：") and "“休息”" in errors[2]
    assert errors[3].startswith("第 5 行：") and "周一至周五" in errors[3]
    assert errors[4] == "第 7 行：日期 2027-01-01 与第 6 行重复"


def test_missing_header() -> None:
    errors = errors_of("2027-01-01,法定节假日,元旦\n")
    assert errors == ["文件：第 1 行须为表头“日期,类型,名称”"]


def test_empty_file_and_header_only() -> None:
    assert "表头" in errors_of(b"")[0]
    assert errors_of("日期,类型,名称\n") == ["文件：没有任何数据行"]


def test_undecodable_bytes() -> None:
    assert "编码" in errors_of(b"\xff\xfe\x00\x81\x00")[0]


@pytest.mark.django_db
def test_a_bad_file_writes_nothing(persona) -> None:
    from audit.models import AuditEvent

    before = list(Holiday.objects.filter(date__year=2026).values_list("date", "kind"))
    bad = "日期,类型,名称\n2026-10-01,法定节假日,国庆节\n2026-10-08,调休上班日,周四\n".encode()
    with pytest.raises(ValidationFailed):
        actions.import_year(persona("sysadmin"), 2026, bad, "坏文件")
    assert list(Holiday.objects.filter(date__year=2026).values_list("date", "kind")) == before
    assert CalendarYear.objects.get(year=2026).source != "坏文件"
    assert not AuditEvent.objects.filter(action="calendar.year_imported").exists()


@pytest.mark.django_db
def test_import_replaces_the_year(persona) -> None:
    good = "日期,类型,名称\n2026-10-01,法定节假日,国庆节\n".encode()
    actions.import_year(persona("sysadmin"), 2026, good, "国办发明电〔2025〕×号")
    assert list(Holiday.objects.filter(date__year=2026).values_list("date", flat=True)) == [date(2026, 10, 1)]
    assert CalendarYear.objects.get(year=2026).source == "国办发明电〔2025〕×号"
    assert Holiday.objects.filter(date__year=2025).exists()  # other years untouched
