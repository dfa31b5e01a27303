"""Procedure definitions (catalog/processes/*.yaml): the shipped files, the statutory clocks they carry, and the
loader's Chinese errors for every kind of broken definition (small fixtures in tmp dirs)."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from catalog import checks, process
from catalog.process import PROCEDURES, ProcessDefinitionError
from core.errors import SanxiangError

# --- the shipped definitions -----------------------------------------------------------------------------


def test_every_shipped_definition_validates():
    assert process.validate_dir() == []
    assert list(process.all_processes()) == list(PROCEDURES)
    for code, proc in process.all_processes().items():
        assert proc.name == PROCEDURES[code]
        assert len(proc.start_steps) == 1 and proc.end_steps


def test_every_clock_cites_an_article_and_every_actor_is_known():
    from accounts.models import Role

    roles = ({r.value for r in Role} - {"sysadmin", "secadmin", "auditor"}) | set(process.EXTERNAL_ACTORS)
    for proc in process.all_processes().values():
        for step in proc.steps:
            assert set(step.actors) <= roles, (proc.code, step.id)
            if step.clock:
                assert step.clock.article, (proc.code, step.id)
                assert step.clock.unit in ("workdays", "calendar_days")


def test_legal_review_is_5_workdays_extendable_by_3_with_the_deputy_leaders_approval():
    """Seed 二(三)3: 5个工作日内出具法制审核意见，疑难复杂案件报分管领导同意，可以延长3个工作日."""
    clock = process.get("legal_review").step("opinion").clock
    assert clock is not None
    assert (clock.days, clock.unit, clock.from_) == (5, "workdays", "intake")
    assert clock.extendable is not None
    assert (clock.extendable.days, clock.extendable.approver_role) == (3, "deputy_leader")
    assert "二（三）3" in clock.article
    assert clock.label == "5个工作日（可延长3个工作日）"


def test_legal_review_has_the_seed_flow_and_loops_back_on_problems():
    proc = process.get("legal_review")
    assert proc.start_steps[0].id == "submit"
    assert [t.to for t in proc.step("intake").next] == ["supplement", "review"]
    back = [t for t in proc.step("department_handles").next if t.to == "intake"]
    assert back and back[0].loop
    assert "法制审核意见书" in proc.step("opinion").documents
    assert {s.id for s in proc.end_steps} == {"leader_decision", "withdrawn"}


def test_penalty_general_clocks_follow_the_penalty_law():
    proc = process.get("penalty_general")
    decide = proc.step("decide").clock
    assert decide and (decide.days, decide.unit, decide.from_) == (90, "calendar_days", "file_case")
    assert "第六十条" in decide.article and decide.inferred  # calendar days: inferred from Art.85's wording
    serve = proc.step("serve").clock
    assert serve and (serve.days, serve.unit, serve.from_) == (7, "workdays", "decide")
    assert "第六十一条" in serve.article
    request = proc.step("hearing_request").clock
    assert request and (request.days, request.unit, request.from_) == (5, "workdays", "notify")
    hearing = proc.step("hearing").clock
    assert hearing and (hearing.kind, hearing.days) == ("minimum", 7)
    keep = proc.step("preserve_decision").clock
    assert keep and (keep.days, keep.unit) == (7, "workdays") and "第五十六条" in keep.article
    officers = proc.step("investigate").officers
    assert officers and officers.min == 2
    assert proc.step("legal_review").subprocess == "legal_review"
    # Art.58 scope is a guard (the bureau reviews every penalty case, seed 二(三)2), so it can become a setting.
    assert {t.to for t in proc.step("review_scope").next} == {"legal_review", "complexity"}
    # No 立案 deadline: Art.54 only says "及时立案" (regulations §3.1).
    assert proc.step("file_case").clock is None


def test_av_duties_sit_on_the_dispute_prone_steps():
    proc = process.get("penalty_general")
    recorded = {s.id for s in proc.steps if s.av_record}
    assert {"investigate", "notify", "statement", "hearing", "preserve", "serve"} <= recorded
    assert not proc.step("decide").av_record


def test_licensing_clocks_follow_the_licensing_law():
    proc = process.get("licensing")
    decide = proc.step("decide").clock
    assert decide and (decide.days, decide.unit, decide.from_) == (20, "workdays", "accepted")
    assert decide.extendable and decide.extendable.days == 10 and decide.extendable.inferred
    assert "hearing" in decide.excludes and "expert" in decide.excludes  # Art.45
    intake = proc.step("intake").clock
    assert intake and (intake.days, intake.from_) == (5, "received")
    issue = proc.step("issue").clock
    assert issue and issue.days == 10 and "第四十四条" in issue.article


def test_simple_procedure_has_no_decision_without_showing_the_certificate():
    proc = process.get("penalty_simple")
    assert [t.to for t in proc.step("discover").next] == ["show_id", "convert"]
    assert proc.step("convert").handoff == "penalty_general"
    assert "当场行政处罚决定书" in proc.step("decide").documents


def test_as_dict_is_json_ready():
    import json

    data = process.get("legal_review").as_dict()
    json.dumps(data, ensure_ascii=False)
    opinion = next(s for s in data["steps"] if s["id"] == "opinion")
    assert opinion["clock"]["from"] == "intake" and "from_" not in opinion["clock"]
    assert opinion["clock"]["label"] == "5个工作日（可延长3个工作日）"
    assert opinion["actor_labels"] == ["法制审核员"]
    assert "source" not in data


def test_unknown_code_is_a_chinese_error_not_a_keyerror():
    with pytest.raises(SanxiangError, match="未知的流程代码“nope”"):
        process.get("nope")


def test_get_reloads_when_the_file_changes(tmp_path, monkeypatch):
    for path in process.PROCESS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(process, "PROCESS_DIR", tmp_path)
    process.clear_cache()
    first = process.get("legal_review")
    assert process.get("legal_review") is first  # cached
    target = tmp_path / "legal_review.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("days: 5", "days: 7", 1), encoding="utf-8")
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    reloaded = process.get("legal_review")
    assert reloaded is not first
    clock = reloaded.step("opinion").clock
    assert clock and clock.days == 7
    process.clear_cache()


# --- broken definitions ------------------------------------------------------------------------------------

GOOD = """
code: demo
name: 演示流程
steps:
  - id: a
    name: 甲
    start: true
    actors: [officer]
    next:
      - to: b
  - id: b
    name: 乙
    actors: [reviewer]
    clock: {days: 5, unit: workdays, from: a, article: 《行政处罚法》第六十四条}
    end: true
"""


def _write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ProcessDefinitionError) as info:
        process.load_file(_write(tmp_path, text), known_codes={"demo"})
    return info.value.errors


def test_the_fixture_itself_is_valid(tmp_path):
    proc = process.load_file(_write(tmp_path, GOOD), known_codes={"demo"})
    assert [s.id for s in proc.steps] == ["a", "b"]
    clock = proc.step("b").clock
    assert clock and clock.label == "5个工作日"


def test_unknown_role_names_file_and_step(tmp_path):
    errors = _errors(tmp_path, GOOD.replace("actors: [reviewer]", "actors: [judge]"))
    assert any(e.startswith("demo.yaml：步骤“b”：未知角色“judge”") for e in errors), errors


def test_admin_roles_do_not_act_in_procedures(tmp_path):
    """三员分立: the 系统管理员 holds no business role, so it cannot be a procedure's actor."""
    errors = _errors(tmp_path, GOOD.replace("actors: [reviewer]", "actors: [sysadmin]"))
    assert any("未知角色“sysadmin”" in e for e in errors), errors


def test_unknown_next_step(tmp_path):
    errors = _errors(tmp_path, GOOD.replace("- to: b", "- to: c"))
    assert "demo.yaml：步骤“a”：下一步骤“c”不存在" in errors


def test_unreachable_step(tmp_path):
    text = GOOD + "  - id: orphan\n    name: 孤立\n    actors: [officer]\n    end: true\n"
    errors = _errors(tmp_path, text)
    assert "demo.yaml：步骤“orphan”：从开始步骤无法到达该步骤" in errors


def test_no_end_step(tmp_path):
    text = GOOD.replace("    end: true\n", "    next:\n      - to: a\n        loop: true\n")
    errors = _errors(tmp_path, text)
    assert "demo.yaml：没有结束步骤（至少一个步骤标记 end: true）" in errors


def test_unmarked_cycle_is_refused_but_a_marked_loop_is_allowed(tmp_path):
    looped = (
        GOOD.replace(
            "    end: true\n",
            "    next:\n      - to: a\n        when: 退回\n      - to: c\n        when: 通过\n",
        )
        + "  - id: c\n    name: 丙\n    actors: [officer]\n    end: true\n"
    )
    errors = _errors(tmp_path, looped)
    assert any("存在未标记的循环" in e and "loop: true" in e for e in errors), errors
    fine = looped.replace("when: 退回\n", "when: 退回\n        loop: true\n")
    proc = process.load_file(_write(tmp_path, fine), known_codes={"demo"})
    assert proc.step("b").next[0].loop


def test_bad_clock_unit(tmp_path):
    errors = _errors(tmp_path, GOOD.replace("unit: workdays", "unit: weeks"))
    assert any("步骤“b”：clock.unit“weeks”无效" in e for e in errors), errors


def test_missing_article_on_a_clock(tmp_path):
    errors = _errors(tmp_path, GOOD.replace(", article: 《行政处罚法》第六十四条", ""))
    assert any("步骤“b”：clock 缺少 article" in e for e in errors), errors


def test_clock_from_must_be_a_step_or_a_known_event(tmp_path):
    errors = _errors(tmp_path, GOOD.replace("from: a", "from: zz"))
    assert any("clock.from“zz”既不是本流程的步骤" in e for e in errors), errors
    proc = process.load_file(
        _write(tmp_path, GOOD.replace("from: a", "from: received")), known_codes={"demo"}
    )
    clock = proc.step("b").clock
    assert clock and clock.from_ == "received"


def test_extension_needs_a_known_approver(tmp_path):
    text = GOOD.replace(
        "article: 《行政处罚法》第六十四条}",
        "article: 《行政处罚法》第六十四条, extendable: {days: 3, approver_role: boss}}",
    )
    errors = _errors(tmp_path, text)
    assert any("approver_role“boss”不是系统角色" in e for e in errors), errors


def test_zero_or_text_days_are_refused(tmp_path):
    errors = _errors(tmp_path, GOOD.replace("days: 5", "days: 0"))
    assert any("clock.days（天数）应为正整数" in e for e in errors), errors


def test_task_without_actors_and_gateway_with_one_exit(tmp_path):
    errors = _errors(tmp_path, GOOD.replace("    actors: [officer]\n", "    type: gateway\n", 1))
    assert any("步骤“a”：判断节点（gateway）至少要有两个去向" in e for e in errors), errors
    errors = _errors(tmp_path, GOOD.replace("    actors: [reviewer]\n", ""))
    assert any("步骤“b”：办理环节必须列出 actors" in e for e in errors), errors


def test_step_that_cannot_finish(tmp_path):
    text = GOOD.replace(
        "      - to: b\n", "      - to: b\n        when: 一\n      - to: c\n        when: 二\n"
    ) + ("  - id: c\n    name: 丙\n    actors: [officer]\n    next:\n      - to: c\n        loop: true\n")
    errors = _errors(tmp_path, text)
    assert "demo.yaml：步骤“c”：从该步骤无法到达任何结束步骤" in errors


def test_yaml_syntax_error_names_the_line(tmp_path):
    errors = _errors(tmp_path, "code: demo\nsteps: [\n")
    assert errors[0].startswith("demo.yaml：YAML 格式错误第")


def test_code_must_match_file_name(tmp_path):
    path = _write(tmp_path, GOOD, name="other.yaml")
    with pytest.raises(ProcessDefinitionError, match="code“demo”与文件名“other”不一致"):
        process.load_file(path, known_codes={"demo"})


def test_unknown_field_is_reported(tmp_path):
    errors = _errors(tmp_path, GOOD.replace("    name: 乙\n", "    name: 乙\n    colour: red\n"))
    assert "demo.yaml：步骤“b”：未知字段“colour”" in errors


def test_validate_dir_reports_missing_and_unregistered_files(tmp_path):
    _write(tmp_path, GOOD)
    _write(tmp_path, GOOD.replace("code: demo", "code: extra"), name="extra.yaml")
    problems = process.validate_dir(tmp_path, {"demo": "演示流程", "gone": "缺失流程"})
    assert "gone.yaml：缺少流程“缺失流程”的定义文件（" + str(tmp_path) + "）" in problems
    assert "extra.yaml：流程代码“extra”未在 catalog.process.PROCEDURES 中登记" in problems
    assert not any(p.startswith("demo.yaml") for p in problems)


# --- startup validation: system check catalog.E001 ---------------------------------------------------------


@pytest.fixture
def broken_dir(tmp_path, monkeypatch):
    for path in process.PROCESS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "legal_review.yaml"
    text = target.read_text(encoding="utf-8").replace("approver_role: deputy_leader", "approver_role: mayor")
    target.write_text(text, encoding="utf-8")
    monkeypatch.setattr(process, "PROCESS_DIR", tmp_path)
    process.clear_cache()
    yield tmp_path
    process.clear_cache()


def test_system_check_reports_a_broken_definition(broken_dir):
    errors = checks.check_process_definitions()
    assert [e.id for e in errors] == ["catalog.E001"]
    assert (
        "legal_review.yaml：步骤“opinion”：clock.extendable.approver_role“mayor”不是系统角色" in errors[0].msg
    )


def test_manage_py_check_fails_with_the_message(broken_dir):
    with pytest.raises(SystemCheckError, match=r"catalog\.E001") as info:
        call_command("check", tags=["catalog"])
    assert "approver_role“mayor”不是系统角色" in str(info.value)


def test_manage_py_check_passes_on_the_shipped_definitions():
    call_command("check", tags=["catalog"])


def test_app_ready_validated_the_shipped_definitions():
    from django.apps import apps

    from catalog.apps import CatalogConfig

    config = apps.get_app_config("catalog")
    assert isinstance(config, CatalogConfig) and config.process_errors == []
