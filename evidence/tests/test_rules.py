"""Boundaries of the pure evidence rules."""

from __future__ import annotations

from evidence import rules


def test_upload_size_boundary_at_4_gb() -> None:
    assert rules.upload_size_problem(4 * 1024**3) is None
    assert "4 GB" in (rules.upload_size_problem(4 * 1024**3 + 1) or "")
    assert rules.upload_size_problem(1) is None
    assert "为空" in (rules.upload_size_problem(0) or "")


def test_void_reason_needs_five_characters() -> None:
    assert rules.void_reason_problem("拍错了照片") is None
    assert "至少 5 个字" in (rules.void_reason_problem("拍错照片") or "")
    assert rules.void_reason_problem("  拍错照片   ") is not None  # spaces do not count


def test_only_open_cases_accept_changes() -> None:
    assert rules.archived_problem("open", "办理中", "上传证据") is None
    closed = rules.archived_problem("closed", "已结案", "上传证据") or ""
    assert "电子案卷已归档" in closed and "第四十七条" in closed
    assert rules.archived_problem("ended", "已终止", "作废证据") is not None
