"""manage.py verify_audit and audit_checkpoint."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from audit import chain
from audit.chain import record
from audit.models import AuditEvent, Checkpoint
from audit.tests.test_chain import append_only_lifted


@pytest.fixture
def logged(yuxi, persona):
    hongta = persona("wangwu").agency_id
    for i in range(4):
        record("test.event", agency_id=yuxi.pk, object_id=i)
    for i in range(2):
        record("test.event", agency_id=hongta, object_id=i)
    return yuxi


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_verify_audit_passes(logged) -> None:
    assert "审计链校验通过：共 6 条事件，2 条链。" in _run("verify_audit")
    assert "共 4 条事件，1 条链。" in _run("verify_audit", "--chain", chain.chain_for(logged.pk))


def test_verify_audit_exits_1_naming_the_first_break(logged, capsys) -> None:
    target = AuditEvent.objects.get(chain=chain.chain_for(logged.pk), seq=2)
    with append_only_lifted():
        AuditEvent.objects.filter(pk=target.pk).update(object_id="x")
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert exc.value.returncode == 1
    assert str(exc.value) == str(chain.verify().broken)
    assert f"第 2 条事件（id={target.pk}）" in str(exc.value)
    # As run from the shell: the message on stderr, exit status 1.
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "verify_audit"])
    assert exit_.value.code == 1
    assert "审计链在链" in capsys.readouterr().err


def test_verify_audit_checks_a_published_file(logged, tmp_path) -> None:
    _run("audit_checkpoint")
    published = tmp_path / "published.json"
    _run("audit_checkpoint", "--export", str(published))
    assert "共 8 条事件，3 条链。（另核对已发布检查点 2 个）" in _run(
        "verify_audit", "--published", str(published)
    )
    data = json.loads(published.read_text(encoding="utf-8"))
    data["checkpoints"][0]["head_hash"] = "0" * 64
    published.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="已发布的检查点"):
        call_command("verify_audit", "--published", str(published))
    with pytest.raises(CommandError, match="无法读取"):
        call_command("verify_audit", "--published", str(tmp_path / "missing.json"))


def test_audit_checkpoint_creates_one_per_chain_and_records_it(logged) -> None:
    output = _run("audit_checkpoint")
    assert output.count("已创建检查点") == 2
    assert Checkpoint.objects.count() == 2
    assert AuditEvent.objects.filter(action="audit.checkpoint_created", chain="platform").count() == 2
    _run("audit_checkpoint", "--chain", chain.chain_for(logged.pk))
    assert Checkpoint.objects.filter(chain=chain.chain_for(logged.pk)).count() == 2
    assert chain.verify().ok
    with pytest.raises(CommandError, match="agency:999999"):
        call_command("audit_checkpoint", "--chain", "agency:999999")


def test_audit_checkpoint_exports_json(logged, tmp_path) -> None:
    _run("audit_checkpoint", "--chain", chain.chain_for(logged.pk))
    before = Checkpoint.objects.count()
    text = _run("audit_checkpoint", "--export", "-")
    assert Checkpoint.objects.count() == before  # --export alone only exports
    data = json.loads(text)
    assert data["format"] == chain.CHECKPOINT_FORMAT
    [item] = data["checkpoints"]
    assert item == {
        "chain": chain.chain_for(logged.pk),
        "count": 4,
        "head_hash": AuditEvent.objects.get(chain=chain.chain_for(logged.pk), seq=4).hash,
        "created_at": item["created_at"],
    }
    assert item["created_at"].endswith("+00:00")
    target = tmp_path / "cp.json"
    output = _run("audit_checkpoint", "--create", "--export", str(target))
    assert output.count("已创建检查点") == 3  # the platform chain now holds the first checkpoint's record
    assert f"已导出 4 个检查点到 {target}" in output
    assert len(json.loads(target.read_text(encoding="utf-8"))["checkpoints"]) == 4
