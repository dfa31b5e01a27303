"""``manage.py workdays``: arithmetic, the working-day test, import and the list of loaded years."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from core import workdays
from core.models import CalendarYear

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_add() -> None:
    assert run("add", "2026-09-30", "5") == "2026-10-13\n"


def test_between() -> None:
    assert run("between", "2026-09-30", "2026-10-13") == "5\n"


def test_is() -> None:
    assert run("is", "2026-10-10") == "工作日\n"
    assert run("is", "2026-10-11") == "休息日\n"
    assert run("is", "2026-10-01") == "休息日\n"


def test_unloaded_year_is_an_error_with_the_chinese_message() -> None:
    with pytest.raises(CommandError, match="2027年的节假日安排尚未载入工作日历"):
        run("add", "2026-12-30", "2")


def test_bad_date_and_negative_n() -> None:
    with pytest.raises(CommandError, match="日期“2026-02-30”无效"):
        run("is", "2026-02-30")
    with pytest.raises(CommandError, match="不能为负数"):
        run("add", "2026-09-30", "-1")


def test_import_then_year_end_works(tmp_path: Path) -> None:
    csv = tmp_path / "2027.csv"
    csv.write_text("日期,类型,名称\n2027-01-01,法定节假日,元旦\n", encoding="utf-8")
    out = run("import", "2027", str(csv), "--source", "国办发明电〔2026〕×号")
    assert "已导入 2027 年：法定节假日 1 天，调休上班日 0 天" in out
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕×号"
    assert run("add", "2026-12-30", "2") == "2027-01-04\n"
    event = AuditEvent.objects.get(action="calendar.year_imported")
    assert event.actor_id is None and event.chain == "platform" and event.object_id == "2027"
    assert workdays.add_workdays(date(2026, 12, 30), 2) == date(2027, 1, 4)


def test_import_with_bad_rows_lists_them_and_writes_nothing(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("日期,类型,名称\n2027-01-04,调休上班日,\n2027-01-01,放假啦,\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run("import", "2027", str(csv))
    message = str(info.value)
    assert "第 2 行" in message and "第 3 行" in message
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="无法读取文件"):
        run("import", "2027", str(tmp_path / "nope.csv"))


def test_years() -> None:
    lines = run("years").splitlines()
    assert lines[0].startswith("2004\t")
    assert lines[-1].startswith("2026\t节假日 33 天\t调休 6 天\tchinesecalendar")


def test_exit_status_from_the_command_line(capsys) -> None:
    """Run as from a shell: the message goes to stderr and the exit status is 1."""
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "workdays", "add", "2026-12-30", "2"])
    with pytest.raises(SystemExit) as info:
        utility.execute()
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert "2027年的节假日安排尚未载入工作日历" in captured.err
    assert captured.out == ""
