"""Building blocks of the permission matrix (tests/test_permission_matrix.py).

Each app adds its URLs in ``<app>/tests/matrix.py``: a dict ``ENTRIES`` of URL name → Rule and, when its
URLs take object ids, ``RESOLVERS``: kind → function(key) returning the pk (it may create the object).
A kwarg value "kind:key" (e.g. "agency:红司") is resolved through them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

STAFF = [
    "zhangsan",
    "zhaoliu",
    "kezhang",
    "lisi",
    "fenguan",
    "juzhang",
    "jiandu",
    "gongshi",
    "sysadmin",
    "secadmin",
    "auditor",
    "wangwu",
    "hongta_kezhang",
    "hongta_jiandu",
    "hongta_sysadmin",
    "hongta_secadmin",
    "shijianju",
]
EVERYONE = frozenset(STAFF)
NOT_AUDITOR = EVERYONE - {"auditor"}
# Who may read org data of 红塔区司法局: the 市司法局 (supervises it) and 红塔区's own staff; not 市场监管.
SEE_HONGTA = NOT_AUDITOR - {"shijianju"}


@dataclass
class Rule:
    allowed: frozenset[str]
    kwargs: dict[str, str] = field(default_factory=dict)
    public: bool = False
    api: bool = False
    post_only: bool = False
    skip_reason: str = ""
    signed_in_status: int | None = None  # e.g. the login page sends a signed-in user on to the 工作台


def public(**kw: Any) -> Rule:
    return Rule(allowed=EVERYONE, public=True, **kw)


def staff(allowed: frozenset[str] | set[str], **kw: Any) -> Rule:
    return Rule(allowed=frozenset(allowed), **kw)


def api(allowed: frozenset[str] | set[str], **kw: Any) -> Rule:
    return Rule(allowed=frozenset(allowed), api=True, **kw)


CITY_SYSADMIN = {"sysadmin"}
SECADMINS_OVER_HONGTA = {"secadmin", "hongta_secadmin"}
SYSADMINS_OVER_HONGTA = {"sysadmin", "hongta_sysadmin"}

Resolver = Callable[[str], Any]
