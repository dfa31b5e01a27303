"""Navigation entries the signed-in user may open, computed from the access rules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.access import can

NAV: list[tuple[str | tuple[str, ...], str, str]] = [
    ("workbench.view", "工作台", "workbench"),
    ("case.read", "执法案件", "cases:list"),
    ("case.handle", "平台办件导入", "cases:platform_import"),
    ("org.read", "机关与科室", "org:agency_list"),
    ("publicity.read", "执法主体与人员", "org:subject_list"),
    ("publicity.read", "事项清单", "catalog:item_list"),
    ("publicity.read", "执法流程", "catalog:process_list"),
    ("publicity.read", "年度数据", "annual:index"),
    ("calendar.manage", "工作日历", "core:calendar"),
    ("accounts.manage", "账号与角色", "accounts:user_list"),
    ("audit.read", "审计日志", "audit:event_list"),
    # 法制审核: the reviewer's queue, the 承办科室's submissions, the leaders' approvals (first that applies), and
    # the register for reviewers, supervisors and leaders.
    ("review.review", "法制审核", "review:queue"),
    ("review.submit", "法制审核", "review:submissions"),
    ("review.approve", "法制审核", "review:approvals"),
    (("review.review", "review.configure", "review.approve"), "审核台账", "review:register"),
    # 结果公示, 撤回 (issue #6)
    ("publicity.read", "结果公示", "results:queue"),
    ("publicity.review", "双公示报送", "credit:index"),
]


def access(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    labels = set()
    for capability, label, url_name in NAV:
        capabilities = (capability,) if isinstance(capability, str) else capability
        if label not in labels and any(can(user, c) for c in capabilities):
            items.append({"label": label, "url": reverse(url_name), "name": url_name})
            labels.add(label)
    return {"nav_items": items}
