"""The JSON API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Everything the UI can do, the API can do. Staff authenticate with a bearer token (POST /api/v1/auth/token)
or the browser session; /api/v1/public/ is open data.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema, Status

from accounts.api import TokenAuth, session_auth
from accounts.api import router as accounts_router
from audit.api import router as audit_router
from cases.api_clocks import router as cases_clocks_router
from cases.api_core import router as cases_core_router
from cases.api_documents import router as cases_documents_router
from cases.api_dossier import router as cases_dossier_router
from cases.api_online import router as apply_router
from catalog.api import router as catalog_router
from core.api import jobs_router
from core.api import router as core_router
from core.errors import SanxiangError, ValidationFailed
from evidence.api import router as evidence_router
from org.api import router as org_router
from publicity.api import router as public_router
from review.api import router as review_router

api = NinjaAPI(
    title="三项 行政执法三项制度与监督平台 API",
    version="1",
    description="行政执法公示、全过程记录、法制审核与执法监督。工作人员使用 Bearer 令牌或浏览器会话认证。",
    urls_namespace="api",
    auth=[TokenAuth(), session_auth],
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"code": "forbidden", "message": str(exc) or "无权访问"}, status=403)


@api.exception_handler(SanxiangError)
def rule_refused(request: HttpRequest, exc: SanxiangError) -> HttpResponse:
    status = 403 if exc.code == "forbidden" else 400
    body: dict[str, object] = dict(exc.as_dict())
    if isinstance(exc, ValidationFailed):
        body["errors"] = list(
            exc.errors
        )  # every problem (e.g. each missing 送审材料), not only the joined message
    return api.create_response(request, body, status=status)


class Health(Schema):
    status: str
    database: str


@api.get(
    "/health", auth=None, response={200: Health, 503: Health}, tags=["系统"], summary="健康检查（含数据库）"
)
def health(request: HttpRequest) -> Status:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return Status(503, {"status": "error", "database": "unavailable"})
    return Status(200, {"status": "ok", "database": connection.vendor})


api.add_router("/auth", accounts_router)
api.add_router("/calendar", core_router)
api.add_router("/jobs", jobs_router)
api.add_router("/org", org_router)
api.add_router("/audit", audit_router)
api.add_router("/catalog", catalog_router)
api.add_router("/public", public_router)
api.add_router("/cases", cases_core_router)
api.add_router("/cases", cases_clocks_router)
api.add_router("/cases", cases_documents_router)
api.add_router("/cases", cases_dossier_router)
api.add_router("/evidence", evidence_router)
api.add_router("/apply", apply_router)
api.add_router("/review", review_router)
