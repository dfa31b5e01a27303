"""流程图 rendering: Chinese labels, clocks and 音像记录 marks in the SVG, no external references, caching, and a
clear error when Graphviz is missing."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management import call_command

from catalog import flowchart, process
from catalog.flowchart import FlowchartError, wrap


@pytest.fixture
def fresh_cache():
    flowchart.clear_cache()
    yield
    flowchart.clear_cache()


@pytest.mark.parametrize("code", list(process.PROCEDURES))
def test_svg_has_every_chinese_step_name(code):
    svg = flowchart.render_svg(code)
    assert svg.startswith("<svg ")
    proc = process.get(code)
    assert f"{proc.name}流程图" in svg
    for step in proc.steps:
        for line in wrap(step.name, flowchart.WRAP_STEP):
            assert f">{line}<" in svg, (code, step.id, line)
    assert 'font-family="Noto Sans CJK SC"' in svg


@pytest.mark.parametrize("code", list(process.PROCEDURES))
def test_svg_is_self_contained(code):
    svg = flowchart.render_svg(code)
    lowered = svg.lower()
    for forbidden in ("<!doctype", "<?xml", "<script", "href=", "<a ", "<image", "<foreignobject", "url("):
        assert forbidden not in lowered, (code, forbidden)
    assert 'role="img"' in svg and f'aria-label="{process.PROCEDURES[code]}流程图"' in svg


def test_legal_review_chart_shows_the_5_plus_3_workday_clock():
    svg = flowchart.render_svg("legal_review")
    assert ">时限：5个工作日<" in svg
    text = "".join(wrap("经分管领导批准可延长3个工作日", flowchart.WRAP_STEP + 4))
    assert text == "经分管领导批准可延长3个工作日"
    for line in wrap("经分管领导批准可延长3个工作日", flowchart.WRAP_STEP + 4):
        assert f">{line}<" in svg


def test_penalty_chart_marks_av_steps_clocks_and_the_legend():
    svg = flowchart.render_svg("penalty_general")
    proc = process.get("penalty_general")
    assert svg.count(flowchart.AV_MARK) == sum(1 for s in proc.steps if s.av_record) + 1  # + legend
    assert ">时限：90日<" in svg and ">时限：7个工作日<" in svg
    assert ">至少提前7个工作日<" in svg
    assert "图例（承办角色）" in svg and ">执法人员<" in svg
    assert "stroke-dasharray" in svg  # the dashed 退回/补正 loops


def test_dot_source_uses_top_to_bottom_layout_and_diamonds_for_gateways():
    source = flowchart.to_dot(process.get("legal_review"))
    assert "rankdir=TB" in source
    assert '"route" [label=<是否情节复杂或重大<BR/>违法>, shape=diamond' in source
    assert '"department_handles" -> "intake" [label=<' in source and "constraint=false" in source


def test_wrap_boundaries():
    assert wrap("一二三四五六七八九", 9) == ["一二三四五六七八九"]
    assert wrap("一二三四五六七八九十", 9) == ["一二三四五六七八九", "十"]
    assert wrap("ab" * 9, 9) == ["ab" * 9]  # ASCII counts half a cell
    assert wrap("", 9) == [""]


def test_labels_are_escaped():
    assert "&lt;脚本&gt;" in flowchart._step_label(
        process.Step(id="x", name="<脚本>", actors=("officer",), end=True)
    )


def test_rendering_is_cached_until_the_file_changes(monkeypatch, fresh_cache):
    first = flowchart.render_svg("inspection")
    calls = []
    real_run = subprocess.run

    def counting_run(*args, **kwargs):
        calls.append(args)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    assert flowchart.render_svg("inspection") is first
    assert calls == []
    monkeypatch.setattr(process, "definition_mtime", lambda code: 1)
    flowchart.render_svg("inspection")
    assert len(calls) == 1


def test_missing_dot_fails_clearly(monkeypatch, tmp_path, fresh_cache):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FlowchartError, match=r"未找到 Graphviz 的 dot 程序.*graphviz"):
        flowchart.render_svg("licensing")


def test_dot_failure_reports_graphviz_message():
    with pytest.raises(FlowchartError, match="Graphviz 生成流程图失败"):
        flowchart.dot_source_to_svg("digraph { this is not dot")


def test_dot_timeout_is_reported(monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd="dot", timeout=flowchart.DOT_TIMEOUT_SECONDS)

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(FlowchartError, match="生成流程图超时"):
        flowchart.dot_source_to_svg("digraph {}")


def test_sanitize_refuses_scripts_and_strips_doctype():
    clean = flowchart.sanitize(
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        '<!-- c --><svg width="1pt"><a xlink:href="http://x">t</a></svg>',
        "图",
    )
    assert clean.startswith('<svg class="sx-flowchart img-fluid"') and "w3.org/Graphics" not in clean
    assert "href" not in clean and "<a" not in clean
    with pytest.raises(FlowchartError):
        flowchart.sanitize("<svg><script>alert(1)</script></svg>", "图")
    with pytest.raises(FlowchartError):
        flowchart.sanitize('<svg onload="x()"></svg>', "图")


def test_flowcharts_command_writes_every_svg(tmp_path):
    call_command("flowcharts", "--out", str(tmp_path / "out"), "--dot")
    for code in process.PROCEDURES:
        assert (tmp_path / "out" / f"{code}.svg").read_text(encoding="utf-8").startswith("<svg ")
        assert (tmp_path / "out" / f"{code}.dot").exists()


def test_flowcharts_command_rejects_unknown_code(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未知的流程代码：nope"):
        call_command("flowcharts", "--out", str(tmp_path), "--code", "nope")
