"""The case workflow as read from the process definition (``catalog.process.get(case.procedure)``).

No state changes here: this module answers "where can the case go from this step?" with gateways expanded, and
"which steps does a move to ``to`` pass through?". ``cases.actions.case.advance`` does the move.

Gateways (``type: gateway``, e.g. 是否须法制审核？) are decisions, not places a case waits in: the user completing a
task step chooses the *final* step directly, and the engine records the gateway passage as its own CaseStep row
(entered and completed at once, ``transition_label`` = the chosen branch), so the history shows the decision.
Nothing here knows the penalty or licensing steps by name: change the YAML and the workflow follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog import process as process_module
from catalog.process import Process, Step
from core.errors import SanxiangError


@dataclass(frozen=True)
class Route:
    """One way out of a step: through zero or more gateways to the final step ``to``."""

    to: str
    name: str
    when: str  # the branch conditions along the way, joined with "；"
    is_end: bool
    via: tuple[str, ...] = ()  # gateway ids passed through, in order
    labels: tuple[str, ...] = ()  # the ``when`` of each hop (len(via) + 1)
    loop: bool = False
    is_close: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "to": self.to,
            "name": self.name,
            "when": self.when,
            "is_end": self.is_end,
            "is_close": self.is_close,
            "via": list(self.via),
            "loop": self.loop,
        }


def process_for(procedure: str) -> Process:
    """The process definition a case of ``procedure`` follows (looked up at call time: tests may swap it)."""
    return process_module.get(procedure)


def routes(process: Process, step_id: str) -> list[Route]:
    """Every final step reachable from ``step_id`` in one advance, gateways expanded depth-first in YAML order.
    A target reachable along two paths is listed once (the first path)."""
    from cases.rules import is_close_step

    step = process.step(step_id)
    found: list[Route] = []
    seen: set[str] = set()

    def walk(current: Step, via: tuple[str, ...], labels: tuple[str, ...], loop: bool) -> None:
        for t in current.next:
            target = process.step(t.to)
            hop_labels = (*labels, t.when)
            if target.type == "gateway":
                if target.id in via:  # a gateway cycle cannot be passed in one advance
                    continue
                walk(target, (*via, target.id), hop_labels, loop or t.loop)
                continue
            if target.id in seen:
                continue
            seen.add(target.id)
            found.append(
                Route(
                    to=target.id,
                    name=target.name,
                    when="；".join(w for w in hop_labels if w),
                    is_end=target.end,
                    via=via,
                    labels=hop_labels,
                    loop=loop or t.loop,
                    is_close=is_close_step(target),
                )
            )

    walk(step, (), (), False)
    return found


def route_to(process: Process, step_id: str, to: str) -> Route:
    """The route from ``step_id`` to the final step ``to``; SanxiangError (field ``to``) when the YAML has none."""
    options = routes(process, step_id)
    for r in options:
        if r.to == to:
            return r
    here = process.step(step_id)
    if any(s.id == to and s.type == "gateway" for s in process.steps):
        raise SanxiangError(
            f"办理环节：“{process.step(to).name}”是判断节点，请直接选择判断后的去向"
            f"（{'、'.join(r.name for r in options) or '无'}）",
            field="to",
            code="transition",
        )
    names = "、".join(f"{r.name}（{r.to}）" for r in options) or "无（已是结束环节）"
    raise SanxiangError(
        f"办理环节：当前环节“{here.name}”之后不能进入“{to}”；按流程定义可以进入：{names}",
        field="to",
        code="transition",
    )
