"""The workflow is read from the process definition: a changed YAML changes what the engine offers and enforces."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from cases.actions import case as actions
from cases.selectors import available_transitions
from cases.tests.engine_helpers import DAY, add_av, citizen, officers
from catalog import process as process_module
from core.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(monkeypatch):
    """penalty_general with a new step 初步核查 (dept_head) between 案源登记 and 立案审批, and 调查取证 needing three
    officers. Installed where every caller of catalog.process.get finds it (the loader cache, keyed on the file's
    mtime), so the clock hooks see the same definition as the engine."""
    data = yaml.safe_load(process_module.definition_path("penalty_general").read_text(encoding="utf-8"))
    steps = data["steps"]
    by_id = {s["id"]: s for s in steps}
    by_id["case_source"]["next"] = [{"to": "preliminary"}]
    steps.insert(
        1,
        {
            "id": "preliminary",
            "name": "初步核查",
            "actors": ["dept_head"],
            "next": [{"to": "file_case", "when": "需要立案"}, {"to": "not_filed", "when": "不需要立案"}],
        },
    )
    by_id["investigate"]["officers"] = {"min": 3, "article": "《行政处罚法》第四十二条"}
    parsed = process_module.parse(data, "penalty_general.yaml")
    mtime = process_module.definition_mtime("penalty_general")
    monkeypatch.setitem(process_module._cache, "penalty_general", (mtime, parsed))
    return parsed


def test_engine_follows_a_changed_definition(case_world, variant):
    w = case_world
    zhangsan, kezhang = w.users["zhangsan"], w.users["kezhang"]
    assert process_module.get("penalty_general") is variant
    case = actions.open_case(
        zhangsan,
        item=w.items["penalty_general"],
        procedure="penalty_general",
        title="改动流程后的案件",
        parties=[citizen()],
        on=DAY,
    )
    assert [t["to"] for t in available_transitions(case)] == ["preliminary"]
    with pytest.raises(Exception, match="不能进入“file_case”"):
        actions.advance(zhangsan, case, to="file_case", on=DAY)
    actions.advance(zhangsan, case, to="preliminary", on=DAY)
    assert [t["to"] for t in available_transitions(case)] == ["file_case", "not_filed"]
    with pytest.raises(NotPermitted, match="科室负责人"):
        actions.advance(zhangsan, case, to="file_case", on=DAY)
    actions.advance(kezhang, case, to="file_case", on=DAY)
    actions.advance(kezhang, case, to="investigate", on=DAY)
    add_av(case, zhangsan)
    with pytest.raises(ValidationFailed, match=r"至少三名持有效执法证的执法人员.*现为 2 名"):
        actions.advance(
            zhangsan, case, to="investigation_report", officers=officers(w), on=DAY + timedelta(days=2)
        )
    actions.advance(
        zhangsan,
        case,
        to="investigation_report",
        officers=officers(w, "zhangsan", "zhaoliu", "kezhang"),
        on=DAY + timedelta(days=2),
    )
    assert list(case.steps.order_by("seq").values_list("step_id", flat=True)) == [
        "case_source",
        "preliminary",
        "file_case",
        "investigate",
        "investigation_report",
    ]


def test_shipped_definition_is_back_without_the_variant(case_world):
    assert "preliminary" not in {s.id for s in process_module.get("penalty_general").steps}
