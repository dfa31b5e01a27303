"""Sanxiang settings: one module, configured from the environment.

Environment variables (all optional in development):
- SANXIANG_DEBUG            1 to enable debug mode (default 0)
- SANXIANG_SECRET_KEY       required when debug is off; in debug a key is kept in var/secret_key
- DATABASE_URL              postgres://user:pass@host:port/name or sqlite:///path (default var/sanxiang.sqlite3)
- SANXIANG_ALLOWED_HOSTS    comma-separated (default 127.0.0.1,localhost)
- SANXIANG_VAR_DIR          where runtime data lives (default ./var)
- SANXIANG_CSRF_TRUSTED_ORIGINS  comma-separated origins behind a reverse proxy (e.g. https://zfjd.yuxi.gov.cn)
- SANXIANG_BEHIND_TLS_PROXY 1 when a TLS-terminating proxy sets X-Forwarded-Proto (cookies then default to Secure)
- SANXIANG_SECURE_COOKIES   1/0 to force Secure cookies on or off
- SANXIANG_SUBJECT_RECONFIRM_DAYS  days between annual re-confirmations of a 执法主体 entry (default 365)
- SANXIANG_CLOCK_YELLOW_DAYS  days before a case deadline that it turns yellow (default 3)
- SANXIANG_DISPLAY_YEARS     JSON, years a decision stays on the portal by party kind (default citizen 2, organization 5)
- SANXIANG_DISPLAY_YEARS_BY_PENALTY  JSON, years by penalty type, e.g. {"warning": 1}
- SANXIANG_PII_KEY          SM4 key (32 hex digits) encrypting parties' ID numbers and contacts (default: var/pii_key)
- SANXIANG_EVIDENCE_DIR     where evidence blobs are stored (default ./var/evidence)
- SANXIANG_PUBLIC_URL       base URL printed in certificate QR codes (default: the request's own address)
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SANXIANG_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("SANXIANG_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SANXIANG_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()


def _pii_key() -> str:
    """SM4 key (32 hex digits) for party ID numbers and contacts at rest (core.crypto). From the environment in
    production (SANXIANG_PII_KEY); a development install keeps a generated key in var/pii_key."""
    key = os.environ.get("SANXIANG_PII_KEY")
    if key:
        return key.strip()
    path = VAR_DIR / "pii_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    path.write_text(key)
    path.chmod(0o600)
    return key


SANXIANG_PII_KEY = _pii_key()
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("SANXIANG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
# 执法主体年度确认周期 (inferred, issue #3): configuration with this default.
SANXIANG_SUBJECT_RECONFIRM_DAYS = int(os.environ.get("SANXIANG_SUBJECT_RECONFIRM_DAYS", "365"))
# Days (working days for working-day clocks) before a due day that a case clock turns yellow (cases.clock_rules).
SANXIANG_CLOCK_YELLOW_DAYS = int(os.environ.get("SANXIANG_CLOCK_YELLOW_DAYS", "3"))
# 结果公示期限（年）by party kind and by penalty type, JSON (publicity.result_rules.display_years)
SANXIANG_DISPLAY_YEARS = json.loads(
    os.environ.get("SANXIANG_DISPLAY_YEARS", '{"citizen": 2, "organization": 5}')
)
SANXIANG_DISPLAY_YEARS_BY_PENALTY = json.loads(os.environ.get("SANXIANG_DISPLAY_YEARS_BY_PENALTY", "{}"))
SANXIANG_PUBLIC_URL = os.environ.get("SANXIANG_PUBLIC_URL", "").rstrip("/")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SANXIANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
if _env_bool("SANXIANG_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _database(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            # Our backend subclass creates test databases with a C.UTF-8 locale from template0.
            "ENGINE": "core.db.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "sanxiang",
            "USER": unquote(parsed.username or "postgres"),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "127.0.0.1",
            "PORT": str(parsed.port or 5432),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"TEMPLATE": "template0", "CHARSET": "UTF8"},
        }
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] or str(VAR_DIR / "sanxiang.sqlite3")
        return _sqlite(path)
    raise ValueError(f"不支持的 DATABASE_URL：{url}（仅支持 postgres:// 与 sqlite:///）")


def _sqlite(path: str) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers of the audit chain serialise
            # instead of failing on a stale snapshot.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


_db_url = os.environ.get("DATABASE_URL")
if _db_url:
    DATABASES = {"default": _database(_db_url)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": _sqlite(str(VAR_DIR / "sanxiang.sqlite3"))}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "django_tasks_db",
    "core",
    "accounts",
    "org",
    "catalog",
    "audit",
    "publicity",
    "cases",
    "evidence",
    "review",
]

# Background work (imports, reports, dossiers): django.tasks with the database backend, run by
# `manage.py db_worker` (design.md §2). SANXIANG_TASKS_IMMEDIATE=1 runs tasks in-process (tests, small installs).
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if _env_bool("SANXIANG_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sanxiang.urls"
WSGI_APPLICATION = "sanxiang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.access",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend must come first: it refuses locked-out users before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "portal:home"

# 等保三级 login policy. The numbers live in accounts.rules; these settings feed django-axes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Lock by account only: staff of a bureau share one NAT address, so an IP lockout would lock the whole office
# out after five typos by one person. Brute force across accounts shows in the audit chain (auth.login_failed).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SANXIANG_SECURE_COOKIES", _env_bool("SANXIANG_BEHIND_TLS_PROXY", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    # Evidence blobs and issued 文书/案卷 files, content-addressed (evidence.store); any Django storage works
    # (django-storages for S3-compatible object stores).
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(os.environ.get("SANXIANG_EVIDENCE_DIR", VAR_DIR / "evidence"))},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANXIANG_LOG_LEVEL", "WARNING")},
}

# Behind a reverse proxy, the client's address comes from this header (e.g. HTTP_X_REAL_IP).
SANXIANG_CLIENT_IP_HEADER = os.environ.get("SANXIANG_CLIENT_IP_HEADER", "")
