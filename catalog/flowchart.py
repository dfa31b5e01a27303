"""流程图: draws a procedure definition (``catalog.process``) as SVG with Graphviz ``dot``.

The 执法流程图 is part of 事前公开 (国办发〔2018〕118号; 《云南省行政执法公示办法》 事前公开第4项; seed 二(一)4).
Layout top-to-bottom with labels wrapped to a narrow width so the chart reads on a phone. Each step's colour is
its first actor's role (legend at the foot); clocks ("20个工作日") and 音像记录 duties are printed in the box;
gateways are diamonds, deliberate ways back (补正、重新报送) are dashed. The SVG is self-contained: no DOCTYPE,
no links, no scripts, no external fonts (it names "Noto Sans CJK SC", which the browser resolves locally).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache
from html import escape

from catalog import process as processes
from core.errors import SanxiangError

FONT = "Noto Sans CJK SC"
DOT_TIMEOUT_SECONDS = 20
WRAP_STEP = 9  # CJK characters per line in a step box
WRAP_EDGE = 10  # … in a transition label

# Fill colours per actor (pastel, legible with black text; also distinguishable in greyscale by the legend text).
ROLE_COLOURS: dict[str, str] = {
    "applicant": "#ffe4e6",
    "party": "#ffe4e6",
    "officer": "#dbeafe",
    "dept_head": "#ccfbf1",
    "reviewer": "#fef3c7",
    "deputy_leader": "#ede9fe",
    "principal": "#f5d0fe",
    "supervisor": "#ecfccb",
    "publicity_reviewer": "#dcfce7",
}
DEFAULT_COLOUR = "#f1f5f9"
GATEWAY_COLOUR = "#ffffff"
AV_MARK = "● 音像记录"


class FlowchartError(SanxiangError):
    """The flowchart could not be drawn (Graphviz missing, failed or too slow)."""

    code = "flowchart"


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` display cells (a 汉字 counts 1, ASCII ½)."""
    lines: list[str] = []
    current = ""
    cells = 0.0
    for ch in text:
        w = 0.5 if ch.isascii() else 1.0
        if current and cells + w > width:
            lines.append(current)
            current, cells = "", 0.0
        current += ch
        cells += w
    if current:
        lines.append(current)
    return lines or [""]


def _html_lines(text: str, width: int) -> str:
    return "<BR/>".join(escape(line, quote=False) for line in wrap(text, width))


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _step_label(step: processes.Step) -> str:
    """An HTML-like label: one table row per line, so CJK line heights are measured per row (no overlaps)."""
    rows: list[str] = []

    def add(text: str, width: int, size: int, colour: str = "", bold: bool = False) -> None:
        for line in wrap(text, width):
            body = escape(line, quote=False)
            if bold:
                body = f"<B>{body}</B>"
            colour_attr = f' COLOR="{colour}"' if colour else ""
            rows.append(f'<TR><TD><FONT POINT-SIZE="{size}"{colour_attr}>{body}</FONT></TD></TR>')

    add(step.name, WRAP_STEP, 13, bold=True)
    if step.actors:
        add("、".join(step.actor_labels), WRAP_STEP + 4, 10)
    if step.clock:
        clock = step.clock
        unit = processes.CLOCK_UNITS[clock.unit]
        prefix = "至少提前" if clock.kind == "minimum" else "时限："
        add(f"{prefix}{clock.days}{unit}", WRAP_STEP + 6, 10, "#b91c1c")
        if clock.extendable:
            ext = clock.extendable
            add(
                f"经{processes.actor_label(ext.approver_role)}批准可延长{ext.days}{unit}",
                WRAP_STEP + 4,
                9,
                "#b91c1c",
            )
    if step.officers:
        add(f"执法人员不少于{step.officers.min}人", WRAP_STEP + 4, 10)
    if step.av_record:
        add(AV_MARK, WRAP_STEP + 4, 10, "#1d4ed8")
    if step.subprocess:
        add(f"（另见“{processes.PROCEDURES.get(step.subprocess, step.subprocess)}”流程图）", WRAP_STEP + 4, 9)
    if step.handoff:
        add(f"→ {processes.PROCEDURES.get(step.handoff, step.handoff)}", WRAP_STEP + 4, 9)
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def to_dot(proc: processes.Process) -> str:
    """The Graphviz source for ``proc`` (public so tests and developers can inspect it)."""
    lines = [
        "digraph process {",
        f'  graph [rankdir=TB, fontname={_quote(FONT)}, nodesep=0.25, ranksep=0.35, pad=0.2, bgcolor="white",'
        f" labelloc=t, fontsize=16, label={_quote(proc.name + '流程图')}];",
        f'  node [fontname={_quote(FONT)}, shape=box, style="rounded,filled", color="#475569", margin="0.1,0.04"];',
        f'  edge [fontname={_quote(FONT)}, fontsize=9, color="#475569", arrowsize=0.7];',
    ]
    used_roles: list[str] = []
    for step in proc.steps:
        attrs: dict[str, str] = {"label": _step_label(step)}
        if step.type == "gateway":
            attrs.update(shape="diamond", style='"filled"', fillcolor=_quote(GATEWAY_COLOUR))
            attrs["label"] = "<" + _html_lines(step.name, WRAP_STEP) + ">"
        else:
            role = step.actors[0] if step.actors else ""
            if role and role not in used_roles:
                used_roles.append(role)
            attrs["fillcolor"] = _quote(ROLE_COLOURS.get(role, DEFAULT_COLOUR))
        if step.start:
            attrs["penwidth"] = "2.2"
            attrs["color"] = _quote("#15803d")
        if step.end:
            attrs["peripheries"] = "2"
        body = ", ".join(f"{k}={v}" for k, v in attrs.items())
        lines.append(f"  {_quote(step.id)} [{body}];")
    for step in proc.steps:
        for t in step.next:
            attrs = {}
            if t.when:
                attrs["label"] = "<" + _html_lines(t.when, WRAP_EDGE) + ">"
            if t.loop:
                attrs.update(style="dashed", constraint="false", color=_quote("#94a3b8"))
            body = ", ".join(f"{k}={v}" for k, v in attrs.items())
            lines.append(f"  {_quote(step.id)} -> {_quote(t.to)}" + (f" [{body}]" if body else "") + ";")
    if used_roles:
        cells = "".join(
            f'<TR><TD BGCOLOR="{ROLE_COLOURS.get(r, DEFAULT_COLOUR)}">{escape(processes.actor_label(r))}</TD></TR>'
            for r in used_roles
        )
        legend = (
            '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
            "<TR><TD><B>图例（承办角色）</B></TD></TR>"
            f"{cells}"
            f'<TR><TD><FONT COLOR="#b91c1c">时限</FONT>　<FONT COLOR="#1d4ed8">{AV_MARK}</FONT></TD></TR>'
            "<TR><TD>虚线：退回、补正</TD></TR>"
            "</TABLE>>"
        )
        lines.append(f'  legend [shape=plaintext, style="", fontsize=10, label={legend}];')
        lines.append("  { rank=sink; legend; }")
    lines.append("}")
    return "\n".join(lines) + "\n"


_UNSAFE = re.compile(r"<!DOCTYPE[^>]*>|<\?xml[^>]*\?>|<!--.*?-->", re.DOTALL)


def sanitize(svg: str, title: str) -> str:
    """Strip the XML prolog, DOCTYPE (link to the W3C DTD) and comments; refuse anything active or external."""
    svg = _UNSAFE.sub("", svg).strip()
    svg = re.sub(r"\s(?:xlink:)?href=\"[^\"]*\"", "", svg)
    svg = re.sub(r"<a\b[^>]*>|</a>", "", svg)
    lowered = svg.lower()
    for bad in ("<script", "javascript:", "<foreignobject", "@import", "url(", "<iframe", "<image"):
        if bad in lowered:
            raise FlowchartError(f"流程图中出现不允许的内容“{bad}”，已拒绝输出", field="svg")
    if re.search(r"\son[a-z]+\s*=", svg, re.IGNORECASE):
        raise FlowchartError("流程图中出现事件处理属性，已拒绝输出", field="svg")
    # Make it scale to the container (phones) and describe it for screen readers.
    svg = svg.replace(
        "<svg ",
        f'<svg class="sx-flowchart img-fluid" role="img" aria-label="{escape(title)}" preserveAspectRatio="xMidYMin meet" ',
        1,
    )
    return svg + "\n"


def dot_source_to_svg(source: str) -> str:
    """Run ``dot -Tsvg`` on ``source`` (no shell, bounded time); raises ``FlowchartError`` on failure."""
    exe = shutil.which("dot")
    if not exe:
        raise FlowchartError(
            "无法生成流程图：未找到 Graphviz 的 dot 程序。请由系统管理员安装 Debian 软件包 graphviz（apt-get install graphviz）。",
            field="dot",
        )
    try:
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell; DOT source goes to stdin
            [exe, "-Tsvg"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise FlowchartError(
            f"生成流程图超时（超过{DOT_TIMEOUT_SECONDS}秒），请检查流程定义是否过大", field="dot"
        ) from exc
    except OSError as exc:
        raise FlowchartError(f"无法运行 Graphviz dot 程序：{exc.strerror}", field="dot") from exc
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[:300]
        raise FlowchartError(f"Graphviz 生成流程图失败（退出码{result.returncode}）：{detail}", field="dot")
    return result.stdout.decode("utf-8")


@lru_cache(maxsize=32)
def _render(code: str, mtime_ns: int) -> str:
    proc = processes.get(code)
    return sanitize(dot_source_to_svg(to_dot(proc)), f"{proc.name}流程图")


def render_svg(code: str) -> str:
    """SVG text of procedure ``code``'s flowchart; cached until its YAML file changes.

    Raises ``SanxiangError`` for an unknown code, ``ProcessDefinitionError`` for a broken definition and
    ``FlowchartError`` when Graphviz is missing or fails.
    """
    return _render(code, processes.definition_mtime(code))


def clear_cache() -> None:
    _render.cache_clear()
