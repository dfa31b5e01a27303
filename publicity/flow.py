"""The portal's access to procedure definitions and flowcharts (helper E's catalog.process / catalog.flowchart).

Guarded: until ``catalog.flowchart.render_svg`` exists the portal says the flowchart is not yet available —
it never draws a stand-in.
"""

from __future__ import annotations

import importlib

from core.errors import SanxiangError


def procedures() -> dict[str, str]:
    """Procedure code → Chinese name (contracts.md: catalog.process.PROCEDURES)."""
    try:
        from catalog.process import PROCEDURES
    except ImportError:  # pragma: no cover - the catalog app always ships it
        return {}
    return dict(PROCEDURES)


def available() -> bool:
    try:
        module = importlib.import_module("catalog.flowchart")
    except ImportError:
        return False
    return hasattr(module, "render_svg")


def svg(code: str) -> str | None:
    """The flowchart SVG of a procedure, or None when flowcharts are not available or the code is unknown."""
    if code not in procedures() or not available():
        return None
    module = importlib.import_module("catalog.flowchart")
    try:
        return str(module.render_svg(code))
    except SanxiangError:
        return None
