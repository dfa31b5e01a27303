"""Procedure definitions (执法流程) as data: one YAML file per procedure in ``catalog/processes/``.

The files describe each procedure's steps, who acts (``accounts.models.Role`` values, or the outside party),
the guarded transitions, the statutory clocks (with the article that sets them), the required 文书 and the
音像记录 duties. They are validated when the app starts (``catalog.apps``, system check ``catalog.E001``), drawn
as 流程图 by ``catalog.flowchart`` (国办发〔2018〕118号 事前公开: 执法流程图; seed 二(一)4) and are the
source the case workflow of the later issues runs from. docs/processes.md explains the schema.

Nothing here reads YAML at import time: ``PROCEDURES`` is the contract with the item catalogue (helper B).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from threading import Lock
from typing import Any

import yaml

from core.errors import SanxiangError, ValidationFailed

PROCEDURES: dict[str, str] = {
    "licensing": "行政许可",
    "penalty_general": "行政处罚一般程序",
    "penalty_simple": "行政处罚简易程序",
    "inspection": "行政检查",
    "legal_review": "重大执法决定法制审核",
}

PROCESS_DIR = Path(__file__).resolve().parent / "processes"
# libyaml's safe loader when PyYAML was built with it (6× faster; startup validates every file).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Parties who act in a procedure but hold no staff role.
EXTERNAL_ACTORS: dict[str, str] = {
    "applicant": "申请人",
    "party": "当事人",
}

CLOCK_UNITS: dict[str, str] = {"workdays": "个工作日", "calendar_days": "日"}
CLOCK_KINDS: dict[str, str] = {
    "deadline": "期限",  # the step must be done within N days of ``from``
    "minimum": "提前量",  # the step may not take place before N days have passed since ``from``
}
# Events a clock may count from besides entering a step.
CLOCK_EVENTS: dict[str, str] = {
    "discovered": "发现违法行为之日",
    "received": "收到申请材料之日",
    # started by review.actions.submit: 收到齐全的法制审核送审材料之日 (工作方案二（三）3)
    "review_received": "收到齐全的法制审核送审材料之日",
}
STEP_TYPES: dict[str, str] = {"task": "办理环节", "gateway": "判断"}


class ProcessDefinitionError(ValidationFailed):
    """A process YAML is malformed; ``errors`` lists every problem as "文件：步骤“id”：问题"."""

    code = "process_definition"


def actor_label(code: str) -> str:
    """Chinese name of a role or outside party (``deputy_leader`` → 分管领导)."""
    from accounts.models import Role

    if code in EXTERNAL_ACTORS:
        return EXTERNAL_ACTORS[code]
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def _role_codes() -> set[str]:
    """Business roles that may act in a procedure; the 三员 (系统/安全/审计管理员) never do (三员分立)."""
    from accounts.rules import BUSINESS_ROLES

    return {str(r.value) for r in BUSINESS_ROLES}


@dataclass(frozen=True)
class Extension:
    """The clock may be extended by ``days`` with ``approver_role``'s approval (e.g. 许可法第四十二条)."""

    days: int
    approver_role: str
    article: str = ""
    note: str = ""
    inferred: bool = False


@dataclass(frozen=True)
class Clock:
    """A statutory time limit on a step.

    ``from_`` is where counting starts: a step id means "when that step was completed" (its last completion,
    e.g. ``file_case`` = 立案之日), the step's own id means "when this step was entered" (e.g. 法制审核 counted
    from receipt), and a ``CLOCK_EVENTS`` key names an outside event (收到申请材料之日). ``kind="deadline"``: the
    step must be completed within ``days``; ``kind="minimum"``: it may not take place before ``days`` have
    passed (听证通知须提前七日).
    """

    days: int
    unit: str
    from_: str
    article: str
    kind: str = "deadline"
    extendable: Extension | None = None
    excludes: tuple[str, ...] = ()
    note: str = ""
    inferred: bool = False
    warn_days: int | None = (
        None  # yellow this many days before the due day (default: SANXIANG_CLOCK_YELLOW_DAYS)
    )

    @property
    def label(self) -> str:
        """Short display text: "20个工作日", "90日", "7日（可延长10个工作日）"."""
        text = f"{self.days}{CLOCK_UNITS[self.unit]}"
        if self.kind == "minimum":
            text = f"至少提前{text}"
        if self.extendable:
            text += f"（可延长{self.extendable.days}{CLOCK_UNITS[self.unit]}）"
        return text


@dataclass(frozen=True)
class Transition:
    to: str
    when: str = ""
    loop: bool = False  # a deliberate way back (补正、重新报送); the only kind of cycle allowed


@dataclass(frozen=True)
class Officers:
    """At least ``min`` enforcement officers take part (处罚法第四十二条)."""

    min: int
    article: str = ""
    inferred: bool = False


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    type: str = "task"
    actors: tuple[str, ...] = ()
    next: tuple[Transition, ...] = ()
    clock: Clock | None = None
    documents: tuple[str, ...] = ()
    av_record: str = ""  # "" = no duty; otherwise what must be recorded (True in YAML → "全过程音像记录")
    start: bool = False
    end: bool = False
    description: str = ""
    articles: tuple[str, ...] = ()
    officers: Officers | None = None
    subprocess: str = ""  # code of a procedure this step runs (e.g. legal_review)
    handoff: str = ""  # code of a procedure this end step hands the matter to
    inferred: bool = False

    @property
    def actor_labels(self) -> list[str]:
        return [actor_label(a) for a in self.actors]


@dataclass(frozen=True)
class Process:
    code: str
    name: str
    description: str
    basis: tuple[str, ...]
    steps: tuple[Step, ...]
    source: str = ""  # file the definition came from
    notes: tuple[str, ...] = ()

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise SanxiangError(f"流程“{self.name}”没有步骤“{step_id}”", field="step")

    @property
    def start_steps(self) -> list[Step]:
        return [s for s in self.steps if s.start]

    @property
    def end_steps(self) -> list[Step]:
        return [s for s in self.steps if s.end]

    @property
    def clocked_steps(self) -> list[Step]:
        return [s for s in self.steps if s.clock]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (open data, API): every field, Chinese labels for actors and clocks, ``from`` not ``from_``."""
        data = asdict(self)
        data.pop("source", None)
        for raw, step in zip(data["steps"], self.steps, strict=True):
            raw["actor_labels"] = step.actor_labels
            if raw["clock"]:
                raw["clock"]["from"] = raw["clock"].pop("from_")
                raw["clock"]["label"] = step.clock.label if step.clock else ""
        return data


# --- parsing -------------------------------------------------------------------------------------------


class _Errors:
    def __init__(self, source: str):
        self.source = source
        self.items: list[str] = []

    def add(self, message: str, step: str | None = None) -> None:
        where = f"{self.source}：" + (f"步骤“{step}”：" if step else "")
        self.items.append(where + message)


_FOLD_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")


def _text(value: Any) -> str:
    """The value as stripped text; spaces next to 汉字 (left by YAML line folding, ``>-``) are dropped."""
    return "" if value is None else _FOLD_SPACE.sub("", str(value).strip())


def _texts(value: Any, errors: _Errors, what: str, step: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.add(f"{what}应为列表", step)
        return ()
    return tuple(_text(v) for v in value if _text(v))


def _bool(value: Any, errors: _Errors, what: str, step: str | None) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        errors.add(f"{what}应为 true 或 false", step)
        return False
    return value


def _positive_int(value: Any, errors: _Errors, what: str, step: str | None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        errors.add(f"{what}应为正整数，现为“{value}”", step)
        return None
    return value


def _parse_extension(raw: Any, errors: _Errors, step: str, roles: set[str]) -> Extension | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.add("clock.extendable 应为包含 days、approver_role 的映射", step)
        return None
    days = _positive_int(raw.get("days"), errors, "clock.extendable.days（可延长天数）", step)
    approver = _text(raw.get("approver_role"))
    if not approver:
        errors.add("clock.extendable 缺少 approver_role（批准延长的角色）", step)
    elif approver not in roles:
        errors.add(f"clock.extendable.approver_role“{approver}”不是系统角色（{_role_hint(roles)}）", step)
    if days is None or not approver:
        return None
    return Extension(
        days=days,
        approver_role=approver,
        article=_text(raw.get("article")),
        note=_text(raw.get("note")),
        inferred=_bool(raw.get("inferred"), errors, "clock.extendable.inferred", step),
    )


def _parse_clock(raw: Any, errors: _Errors, step: str, roles: set[str]) -> Clock | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.add("clock 应为映射（days、unit、from、article）", step)
        return None
    known = {
        "days",
        "unit",
        "from",
        "article",
        "kind",
        "extendable",
        "excludes",
        "note",
        "inferred",
        "warn_days",
    }
    for key in sorted(set(raw) - known):
        errors.add(f"clock 中有未知字段“{key}”", step)
    days = _positive_int(raw.get("days"), errors, "clock.days（天数）", step)
    unit = _text(raw.get("unit"))
    if unit not in CLOCK_UNITS:
        errors.add(
            f"clock.unit“{unit}”无效，只能是 workdays（工作日）或 calendar_days（自然日）"
            "（《行政处罚法》第八十五条、《行政许可法》第八十二条）",
            step,
        )
    article = _text(raw.get("article"))
    if not article:
        errors.add("clock 缺少 article：每个期限都必须注明设定它的法律条文", step)
    from_ = _text(raw.get("from"))
    if not from_:
        errors.add("clock 缺少 from（起算的步骤或事件）", step)
    kind = _text(raw.get("kind")) or "deadline"
    if kind not in CLOCK_KINDS:
        errors.add(f"clock.kind“{kind}”无效，只能是 deadline（期限）或 minimum（提前量）", step)
    extension = _parse_extension(raw.get("extendable"), errors, step, roles)
    excludes = _texts(raw.get("excludes"), errors, "clock.excludes", step)
    warn_days = None
    if raw.get("warn_days") is not None:
        warn_days = _positive_int(raw.get("warn_days"), errors, "clock.warn_days（提前预警天数）", step)
    if days is None or unit not in CLOCK_UNITS or not article or not from_ or kind not in CLOCK_KINDS:
        return None
    return Clock(
        days=days,
        unit=unit,
        from_=from_,
        article=article,
        kind=kind,
        extendable=extension,
        excludes=excludes,
        note=_text(raw.get("note")),
        inferred=_bool(raw.get("inferred"), errors, "clock.inferred", step),
        warn_days=warn_days,
    )


def _role_hint(roles: set[str]) -> str:
    return "可用：" + "、".join(sorted(roles))


STEP_KEYS = {
    "id",
    "name",
    "type",
    "actors",
    "next",
    "clock",
    "documents",
    "av_record",
    "start",
    "end",
    "description",
    "articles",
    "officers",
    "subprocess",
    "handoff",
    "inferred",
}


def _parse_step(raw: Any, index: int, errors: _Errors, roles: set[str]) -> Step | None:
    if not isinstance(raw, dict):
        errors.add(f"第{index}个步骤应为映射")
        return None
    step_id = _text(raw.get("id"))
    if not step_id:
        errors.add(f"第{index}个步骤缺少 id")
        return None
    if not step_id.replace("_", "").isalnum() or not step_id.isascii():
        errors.add("id 只能由英文字母、数字和下划线组成", step_id)
    for key in sorted(set(raw) - STEP_KEYS):
        errors.add(f"未知字段“{key}”", step_id)
    name = _text(raw.get("name"))
    if not name:
        errors.add("缺少 name（中文步骤名称）", step_id)
    step_type = _text(raw.get("type")) or "task"
    if step_type not in STEP_TYPES:
        errors.add(f"type“{step_type}”无效，只能是 task（办理环节）或 gateway（判断）", step_id)
    actors = _texts(raw.get("actors"), errors, "actors", step_id)
    for actor in actors:
        if actor not in roles and actor not in EXTERNAL_ACTORS:
            errors.add(
                f"未知角色“{actor}”（{_role_hint(roles)}；外部当事方：{'、'.join(EXTERNAL_ACTORS)}）", step_id
            )
    if step_type == "task" and not actors:
        errors.add("办理环节必须列出 actors（承办角色）", step_id)
    transitions: list[Transition] = []
    raw_next = raw.get("next") or []
    if not isinstance(raw_next, list):
        errors.add("next 应为列表（每项含 to、when）", step_id)
        raw_next = []
    for item in raw_next:
        if not isinstance(item, dict) or not _text(item.get("to")):
            errors.add("next 的每一项都必须有 to（下一步骤 id）", step_id)
            continue
        transitions.append(
            Transition(
                to=_text(item["to"]),
                when=_text(item.get("when")),
                loop=_bool(item.get("loop"), errors, "next.loop", step_id),
            )
        )
    av_raw = raw.get("av_record")
    if av_raw is True:
        av_record = "全过程音像记录"
    elif av_raw in (None, False):
        av_record = ""
    elif isinstance(av_raw, str):
        av_record = av_raw.strip()
    else:
        errors.add("av_record 应为 true/false 或说明音像记录要求的文字", step_id)
        av_record = ""
    officers = None
    if raw.get("officers") is not None:
        o = raw["officers"]
        if not isinstance(o, dict):
            errors.add("officers 应为映射（min、article）", step_id)
        else:
            count = _positive_int(o.get("min"), errors, "officers.min（最少执法人员数）", step_id)
            if count is not None:
                officers = Officers(
                    min=count,
                    article=_text(o.get("article")),
                    inferred=_bool(o.get("inferred"), errors, "officers.inferred", step_id),
                )
    return Step(
        id=step_id,
        name=name,
        type=step_type,
        actors=actors,
        next=tuple(transitions),
        clock=_parse_clock(raw.get("clock"), errors, step_id, roles),
        documents=_texts(raw.get("documents"), errors, "documents", step_id),
        av_record=av_record,
        start=_bool(raw.get("start"), errors, "start", step_id),
        end=_bool(raw.get("end"), errors, "end", step_id),
        description=_text(raw.get("description")),
        articles=_texts(raw.get("articles"), errors, "articles", step_id),
        officers=officers,
        subprocess=_text(raw.get("subprocess")),
        handoff=_text(raw.get("handoff")),
        inferred=_bool(raw.get("inferred"), errors, "inferred", step_id),
    )


def _check_graph(steps: list[Step], errors: _Errors, known_codes: set[str]) -> None:
    ids = [s.id for s in steps]
    by_id = {s.id: s for s in steps}
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        errors.add("步骤 id 重复", dup)
    starts = [s for s in steps if s.start]
    if not starts:
        errors.add("没有开始步骤（需要一个步骤标记 start: true）")
    if len(starts) > 1:
        errors.add("开始步骤只能有一个：" + "、".join(s.id for s in starts))
    if not any(s.end for s in steps):
        errors.add("没有结束步骤（至少一个步骤标记 end: true）")
    for s in steps:
        if s.end and s.next:
            errors.add("结束步骤不应再有 next", s.id)
        if not s.end and not s.next:
            errors.add("不是结束步骤却没有 next（流程在此中断）", s.id)
        if s.type == "gateway" and len(s.next) < 2:
            errors.add("判断节点（gateway）至少要有两个去向", s.id)
        if s.type == "gateway" and any(not t.when for t in s.next):
            errors.add("判断节点的每个去向都必须写明 when（条件）", s.id)
        if len(s.next) > 1 and any(not t.when for t in s.next):
            errors.add("有多个去向时，每个去向都必须写明 when（条件）", s.id)
        for t in s.next:
            if t.to not in by_id:
                errors.add(f"下一步骤“{t.to}”不存在", s.id)
        if s.clock:
            c = s.clock
            if c.from_ not in by_id and c.from_ not in CLOCK_EVENTS:
                errors.add(
                    f"clock.from“{c.from_}”既不是本流程的步骤，也不是已知事件（{'、'.join(CLOCK_EVENTS)}）",
                    s.id,
                )
            for ex in c.excludes:
                if ex not in by_id:
                    errors.add(f"clock.excludes 中的步骤“{ex}”不存在", s.id)
        for ref, what in ((s.subprocess, "subprocess"), (s.handoff, "handoff")):
            if ref and ref not in known_codes:
                errors.add(f"{what}“{ref}”不是已登记的流程代码（{'、'.join(sorted(known_codes))}）", s.id)
    if len(starts) != 1 or any(t.to not in by_id for s in steps for t in s.next):
        return
    # Reachability from the start.
    seen = {starts[0].id}
    todo = [starts[0].id]
    while todo:
        for t in by_id[todo.pop()].next:
            if t.to not in seen:
                seen.add(t.to)
                todo.append(t.to)
    for s in steps:
        if s.id not in seen:
            errors.add("从开始步骤无法到达该步骤", s.id)
    # Every step must be able to reach an end.
    reverse: dict[str, list[str]] = {i: [] for i in by_id}
    for s in steps:
        for t in s.next:
            reverse[t.to].append(s.id)
    can_end = {s.id for s in steps if s.end}
    todo = list(can_end)
    while todo:
        for prev in reverse[todo.pop()]:
            if prev not in can_end:
                can_end.add(prev)
                todo.append(prev)
    for s in steps:
        if s.id in seen and s.id not in can_end:
            errors.add("从该步骤无法到达任何结束步骤", s.id)
    # Cycles: allowed only through transitions marked ``loop: true``.
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(by_id, white)

    def visit(node: str, path: list[str]) -> None:
        colour[node] = grey
        for t in by_id[node].next:
            if t.loop:
                continue
            if colour[t.to] == grey:
                cycle = [*path[path.index(t.to) :], node, t.to] if t.to in path else [node, t.to]
                errors.add(
                    "存在未标记的循环：" + " → ".join(dict.fromkeys(cycle)) + f" → {t.to}"
                    "（退回、补正等有意的回路请在该去向上标记 loop: true）",
                    node,
                )
            elif colour[t.to] == white:
                visit(t.to, [*path, node])
        colour[node] = black

    for s in steps:
        if colour[s.id] == white:
            visit(s.id, [])


def parse(data: Any, source: str, *, known_codes: set[str] | None = None) -> Process:
    """Build a validated ``Process`` from parsed YAML; raises ``ProcessDefinitionError`` listing every problem."""
    errors = _Errors(source)
    roles = _role_codes()
    codes = set(PROCEDURES) if known_codes is None else known_codes
    if not isinstance(data, dict):
        errors.add("文件内容应为映射（code、name、steps……）")
        raise ProcessDefinitionError(errors.items)
    for key in sorted(set(data) - {"code", "name", "description", "basis", "steps", "notes"}):
        errors.add(f"未知的顶层字段“{key}”")
    code = _text(data.get("code"))
    name = _text(data.get("name"))
    if not code:
        errors.add("缺少 code（流程代码）")
    if not name:
        errors.add("缺少 name（流程名称）")
    raw_steps = data.get("steps")
    steps: list[Step] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        errors.add("缺少 steps（步骤列表）")
    else:
        for index, raw in enumerate(raw_steps, 1):
            step = _parse_step(raw, index, errors, roles)
            if step:
                steps.append(step)
        _check_graph(steps, errors, codes | ({code} if code else set()))
    process = Process(
        code=code,
        name=name,
        description=_text(data.get("description")),
        basis=_texts(data.get("basis"), errors, "basis", None),
        steps=tuple(steps),
        source=source,
        notes=_texts(data.get("notes"), errors, "notes", None),
    )
    if errors.items:
        raise ProcessDefinitionError(errors.items)
    return process


def load_file(path: Path, *, known_codes: set[str] | None = None) -> Process:
    """Read and validate one YAML file; the file's stem must equal its ``code``."""
    source = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a SafeLoader
    except OSError as exc:
        raise ProcessDefinitionError([f"{source}：无法读取文件（{exc.strerror}）"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        raise ProcessDefinitionError(
            [f"{source}：YAML 格式错误{where}：{getattr(exc, 'problem', exc)}"]
        ) from exc
    process = parse(data, source, known_codes=known_codes)
    if process.code != path.stem:
        raise ProcessDefinitionError([f"{source}：code“{process.code}”与文件名“{path.stem}”不一致"])
    return process


def validate_dir(directory: Path | None = None, codes: dict[str, str] | None = None) -> list[str]:
    """Every problem with the definitions in ``directory`` (default: the shipped ones), or [] when all is well.

    Each registered procedure code needs its file; a file whose code is not registered is an error too, so the
    item catalogue's choices and the definitions cannot drift apart.
    """
    shipped = directory is None and codes is None
    directory = directory or PROCESS_DIR
    codes = PROCEDURES if codes is None else codes
    problems: list[str] = []
    files = {p.stem: p for p in sorted(directory.glob("*.yaml"))}
    for code in codes:
        if code not in files:
            problems.append(f"{code}.yaml：缺少流程“{codes[code]}”的定义文件（{directory}）")
    for stem, path in files.items():
        if stem not in codes:
            problems.append(f"{path.name}：流程代码“{stem}”未在 catalog.process.PROCEDURES 中登记")
            continue
        try:
            mtime = path.stat().st_mtime_ns
            process = load_file(path, known_codes=set(codes))
        except ProcessDefinitionError as exc:
            problems.extend(exc.errors)
            continue
        if process.name != codes[stem]:
            problems.append(f"{path.name}：name“{process.name}”应与登记的名称“{codes[stem]}”一致")
        elif shipped:
            with _lock:  # warm the cache: the startup validation is also the first load
                _cache[stem] = (mtime, process)
    return problems


# --- cached access ---------------------------------------------------------------------------------------

_cache: dict[str, tuple[int, Process]] = {}
_lock = Lock()


def definition_path(code: str) -> Path:
    if code not in PROCEDURES:
        raise SanxiangError(
            f"未知的流程代码“{code}”，可用：{'、'.join(f'{k}（{v}）' for k, v in PROCEDURES.items())}",
            field="procedure",
        )
    return PROCESS_DIR / f"{code}.yaml"


def definition_mtime(code: str) -> int:
    """Modification time (ns) of the procedure's file; the caches here and in ``flowchart`` key on it."""
    try:
        return definition_path(code).stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise ProcessDefinitionError([f"{code}.yaml：缺少流程“{PROCEDURES[code]}”的定义文件"]) from exc


def get(code: str) -> Process:
    """The validated definition of procedure ``code``; reloaded when its file changes.

    Raises ``SanxiangError`` for an unknown code and ``ProcessDefinitionError`` for a broken file.
    """
    mtime = definition_mtime(code)
    with _lock:
        hit = _cache.get(code)
        if hit and hit[0] == mtime:
            return hit[1]
    process = load_file(definition_path(code))
    with _lock:
        _cache[code] = (mtime, process)
    return process


def all_processes() -> dict[str, Process]:
    """Every registered procedure, in ``PROCEDURES`` order."""
    return {code: get(code) for code in PROCEDURES}


def clear_cache() -> None:
    with _lock:
        _cache.clear()
