"""manage.py verify_evidence: re-hash every blob, report tampering, missing and orphan files (exit code 1)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from evidence import store


@pytest.mark.django_db
def test_all_good_exits_zero(evidence_tmp: Path) -> None:
    store.ingest([b"one"])
    store.ingest([b"two"])
    out = StringIO()
    call_command("verify_evidence", "--every", "1", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "已校验 2/2 个文件" in text
    assert "不一致 0 个，缺失 0 个，孤立文件 0 个" in text


@pytest.mark.django_db
def test_tampered_and_missing_files_are_reported(evidence_tmp: Path) -> None:
    good = store.ingest([b"untouched"])
    bad = store.ingest([b"will be tampered"])
    gone = store.ingest([b"will be deleted"])
    (evidence_tmp / bad.storage_name).write_bytes(b"will be tampered!")
    (evidence_tmp / gone.storage_name).unlink()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_evidence", stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert "不一致 1 个，缺失 1 个" in str(raised.value)
    errors = err.getvalue()
    assert f"不一致：{bad.storage_name}" in errors and "大小应为" in errors
    assert f"缺失：{gone.storage_name}" in errors
    assert good.storage_name not in errors
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.last_verified_ok is False and good.last_verified_ok is True


@pytest.mark.django_db
def test_orphans_are_listed_and_removed_on_request(evidence_tmp: Path) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        orphan = store.ingest([b"rolled back"])
        raise RuntimeError
    out = StringIO()
    call_command("verify_evidence", "--grace-minutes", "0", stdout=out)
    assert f"孤立文件（无记录引用）：{orphan.storage_name}" in out.getvalue()
    assert (evidence_tmp / orphan.storage_name).exists()
    call_command("verify_evidence", "--grace-minutes", "0", "--remove-orphans", stdout=StringIO())
    assert not (evidence_tmp / orphan.storage_name).exists()
