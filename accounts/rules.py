"""Access rules: which role may do what, over which agencies, and the login policy numbers.

Every view and API endpoint asks ``accounts.access`` (which uses these rules); nothing else decides.
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Role

# 等保三级 (GB/T 22239-2019 8.1.4.1 身份鉴别): complexity, failure handling, idle timeout.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MIN_CLASSES = 3
LOGIN_FAILURE_LIMIT = 5
LOCKOUT_MINUTES = 15
IDLE_TIMEOUT_MINUTES = 30

# 三员分立 (GB/T 22239-2019 8.1.4.2 访问控制: 授予管理用户所需的最小权限，实现管理用户的权限分离).
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)


def password_character_classes(password: str) -> int:
    """How many of A–Z, a–z, 0–9 and other characters (punctuation, 汉字…) the password uses."""
    classes = [
        any("A" <= c <= "Z" for c in password),
        any("a" <= c <= "z" for c in password),
        any("0" <= c <= "9" for c in password),
        any(not ("A" <= c <= "Z" or "a" <= c <= "z" or "0" <= c <= "9") for c in password),
    ]
    return sum(classes)


def role_conflicts(roles: Iterable[str]) -> list[str]:
    """Why a set of roles may not be held together (三员分立), or an empty list.

    A 系统管理员, 安全管理员 or 审计管理员 holds that one role only: no second admin role and no business role,
    so that no one both runs the system and reads case content, or both grants roles and audits them.
    """
    chosen = set(roles)
    admin = chosen & ADMIN_ROLES
    problems = []
    if len(admin) > 1:
        labels = "、".join(Role(r).label for r in sorted(admin))
        problems.append(f"三员分立：{labels}不得由同一人兼任")
    if admin and chosen & BUSINESS_ROLES:
        problems.append(f"三员分立：{Role(next(iter(sorted(admin)))).label}不得同时担任业务角色")
    return problems


# Capabilities. Scope "own": the user's agency only. Scope "supervised": every agency that the user's agency
# supervises (《行政执法监督条例》第六条), or its own where it supervises none.
OWN = "own"
SUPERVISED = "supervised"
PLATFORM = "platform"

CAPABILITIES: dict[str, tuple[frozenset[str], str, str]] = {
    # capability: (roles, scope, description)
    "workbench.view": (frozenset(Role), OWN, "打开工作台"),
    "case.read": (
        frozenset(
            {
                Role.OFFICER,
                Role.DEPT_HEAD,
                Role.REVIEWER,
                Role.DEPUTY_LEADER,
                Role.PRINCIPAL,
                Role.PUBLICITY_REVIEWER,
            }
        ),
        OWN,
        "查阅本机关执法案件",
    ),
    # 全过程记录 (seed 二(二)): 承办 a case — register, record acts, upload evidence, draft 文书. Which step a user may
    # complete is further limited by the step's actors in the process definition (cases.rules.may_act).
    "case.handle": (
        frozenset({Role.OFFICER, Role.DEPT_HEAD, Role.REVIEWER, Role.DEPUTY_LEADER, Role.PRINCIPAL}),
        OWN,
        "办理本机关执法案件（登记、记录、取证、制作文书）",
    ),
    "supervision.read": (
        frozenset({Role.SUPERVISOR, Role.PRINCIPAL, Role.DEPUTY_LEADER}),
        SUPERVISED,
        "监督查阅",
    ),
    "org.read": (frozenset(set(Role) - {Role.AUDITOR}), SUPERVISED, "查阅机关与科室"),
    "org.manage": (frozenset({Role.SYSADMIN}), SUPERVISED, "维护机关、科室与领导小组"),
    "calendar.manage": (frozenset({Role.SYSADMIN}), PLATFORM, "维护工作日历"),
    "accounts.manage": (frozenset({Role.SECADMIN}), SUPERVISED, "管理账号与角色"),
    "audit.read": (frozenset({Role.AUDITOR}), SUPERVISED, "查阅审计日志"),
    # 事前公开 (seed 二(一)1–4): a 科室 drafts and submits; the 行政执法协调监督科 of the supervising 司法局
    # (监督员、公示审核员) reviews, returns or publishes (《云南省行政执法公示办法》, regulations.md §2.2).
    "publicity.read": (frozenset(BUSINESS_ROLES), SUPERVISED, "查阅公示信息草稿与审核记录"),
    "publicity.draft": (
        frozenset({Role.OFFICER, Role.DEPT_HEAD, Role.PUBLICITY_REVIEWER}),
        OWN,
        "起草并报送公示信息（执法主体、执法人员、事项清单、目录清单）",
    ),
    "publicity.review": (
        frozenset({Role.SUPERVISOR, Role.PUBLICITY_REVIEWER}),
        SUPERVISED,
        "审核、退回、发布与撤回公示信息（行政执法协调监督科）",
    ),
    # 重大执法决定法制审核 (seed 二(三); 《行政处罚法》第五十七条、第五十八条): the 承办科室 submits, the 法制审核员 of the
    # 行政执法协调监督科 reviews, the 分管领导 approves an extension, a 负责人 signs the 集体讨论 record.
    "review.read": (
        frozenset(
            {Role.OFFICER, Role.DEPT_HEAD, Role.REVIEWER, Role.DEPUTY_LEADER, Role.PRINCIPAL, Role.SUPERVISOR}
        ),
        OWN,
        "查阅本机关法制审核与集体讨论记录",
    ),
    "review.submit": (
        frozenset({Role.OFFICER, Role.DEPT_HEAD}),
        OWN,
        "报送法制审核、答复审核意见、记录集体讨论",
    ),
    "review.review": (
        frozenset({Role.REVIEWER}),
        OWN,
        "法制审核（受理、出具法制审核意见书、申请延长审核期限）",
    ),
    "review.approve": (
        frozenset({Role.DEPUTY_LEADER, Role.PRINCIPAL}),
        OWN,
        "审批法制审核期限延长（分管领导）、在集体讨论笔录上签名（负责人）",
    ),
    "review.configure": (frozenset({Role.PRINCIPAL, Role.SUPERVISOR}), OWN, "设置法制审核范围与较大数额标准"),
    "certificate.manage": (
        frozenset({Role.SUPERVISOR}),
        SUPERVISED,
        "管理行政执法证状态（暂扣、注销、恢复）",
    ),
}


def has_capability(roles: Iterable[str], capability: str) -> bool:
    allowed, _scope, _ = CAPABILITIES[capability]
    return bool(set(roles) & allowed)


def capability_scope(capability: str) -> str:
    return CAPABILITIES[capability][1]
