# 三项 Sanxiang. Quick start on a fresh Debian 12 machine: `make demo`, then `make test` (README.md).
# Every target installs what it needs and skips what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV         := .venv
PY           := $(VENV)/bin/python
STAMP        := $(VENV)/.installed
VENDOR_STAMP := static/vendor/.built
HOST         ?= 127.0.0.1
PORT         ?= 8000
# pytest-django creates and drops test_<name> itself; override to keep two checkouts' runs apart.
PG_URL       ?= postgres://postgres@127.0.0.1:5432/sanxiang
PYTEST_ARGS  ?=
# Under `make`, a missing /usr/bin/chromium fails the browser tests instead of skipping them.
TEST_ENV     := SANXIANG_REQUIRE_BROWSER=1
# The demo runs on the default settings: SQLite under var/, debug off, secret key kept in var/secret_key.
DEMO_ENV     := env -u DATABASE_URL -u SANXIANG_DEBUG

.PHONY: help demo test test-sqlite test-pg lint fmt bench run install venv python-deps assets \
	system-deps postgres clean

help:
	@echo "三项 · 行政执法三项制度与监督平台"
	@echo "  make demo         安装依赖、建库、载入演示数据，在 http://$(HOST):$(PORT) 启动（gunicorn）"
	@echo "  make test         安装缺少的依赖，在 SQLite 和 PostgreSQL 上各跑一遍全部测试（含浏览器测试）"
	@echo "  make test-sqlite  只在 SQLite 上跑测试（PYTEST_ARGS='-k login' 等可传给 pytest）"
	@echo "  make test-pg      只在 PostgreSQL 上跑测试（PG_URL=$(PG_URL)）"
	@echo "  make lint         ruff check、ruff format --check、mypy"
	@echo "  make fmt          ruff format 并自动修复可修复的 ruff 问题"
	@echo "  make bench        在 SQLite 和 PostgreSQL 上运行 bench/bench_*.py 性能基准"
	@echo "  make run          调试模式开发服务器（SANXIANG_DEBUG=1 runserver）"
	@echo "  make install      只安装依赖：.venv（Python ≥ 3.12）和 static/vendor（npm）"
	@echo "  make clean        删除 .venv、node_modules、static/vendor、var/staticfiles（不动 var/ 中的数据）"

# --- dependencies -------------------------------------------------------------------------------

# (Re)create the venv when it is missing or its Python is older than 3.12 (Debian 12's python3 is 3.11).
venv:
	@if [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
		:; \
	else \
		python=$$(bash scripts/find-python.sh); \
		echo "创建虚拟环境 / creating $(VENV) with $$python"; \
		rm -rf $(VENV); \
		"$$python" -m venv $(VENV); \
	fi

# pip runs only when pyproject.toml is newer than the stamp (or the venv was just created).
python-deps: venv
	@if [ ! -f $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ]; then \
		echo "安装 Python 依赖 / pip install -e '.[dev]'"; \
		$(PY) -m pip install --disable-pip-version-check --quiet -e ".[dev]"; \
		touch $(STAMP); \
	fi

$(STAMP): python-deps

# Front-end packages are pinned in package-lock.json and copied into static/vendor (no CDN).
assets:
	@if [ ! -f $(VENDOR_STAMP) ] || [ package-lock.json -nt $(VENDOR_STAMP) ] \
		|| [ package.json -nt $(VENDOR_STAMP) ] || [ scripts/copy-vendor.mjs -nt $(VENDOR_STAMP) ]; then \
		command -v npm >/dev/null 2>&1 || bash scripts/ensure-system-deps.sh nodejs npm; \
		echo "构建前端资源 / npm ci && npm run build"; \
		npm ci --no-audit --no-fund --loglevel=error; \
		npm run --silent build; \
		touch $(VENDOR_STAMP); \
	fi

install: python-deps assets

system-deps:
	@bash scripts/ensure-system-deps.sh

postgres:
	@bash scripts/pg-test-db.sh

# --- the two commands ---------------------------------------------------------------------------

define DEMO_LOGINS
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
import django
django.setup()
from accounts.models import Role
from org import demo
rows = [(u, n, "玉溪市司法局", r) for u, n, r, _d, _t in demo.CITY_USERS]
rows += [(u, n, "玉溪市红塔区司法局", r) for u, n, r, _d, _t in demo.HONGTA_USERS]
rows += [(u, n, a, r) for u, n, r, _d, _t, a in demo.OTHER_AGENCY_USERS]
print("演示账号（密码均为 %s）/ demo logins, password %s:" % (demo.DEMO_PASSWORD, demo.DEMO_PASSWORD))
for username, name, agency, roles in rows:
    labels = "、".join(str(Role(r).label) for r in roles)
    print(f"  {username:<16} {name}（{agency} · {labels}）")
endef
export DEMO_LOGINS

demo: install
	@$(DEMO_ENV) $(PY) manage.py migrate --noinput -v 0
	@$(DEMO_ENV) $(PY) manage.py seed_demo
	@$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@echo
	@$(DEMO_ENV) $(PY) -c "$$DEMO_LOGINS"
	@echo
	@echo "三项已启动 / Sanxiang is serving at:  http://$(HOST):$(PORT)/"
	@echo "  公示门户 portal  http://$(HOST):$(PORT)/"
	@echo "  工作人员登录     http://$(HOST):$(PORT)/accounts/login/"
	@echo "  API (OpenAPI)    http://$(HOST):$(PORT)/api/v1/openapi.json"
	@echo "  后台任务 worker  manage.py db_worker（日志 var/db_worker.log）"
	@echo "按 Ctrl-C 停止 / press Ctrl-C to stop."
	@echo
	@$(DEMO_ENV) $(PY) manage.py db_worker --no-reload >>var/db_worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(DEMO_ENV) $(VENV)/bin/gunicorn sanxiang.wsgi -b $(HOST):$(PORT) -w 2 --access-logfile -

# Both databases run every test, browser tests included; the exit code is non-zero if either run fails
# (pytest's 5, "no tests collected", counts as a failure).
test: system-deps install postgres
	@rc_sqlite=0; rc_pg=0; \
	echo "==== 1/2 SQLite ===="; \
	env -u DATABASE_URL $(TEST_ENV) $(PY) -m pytest -ra --durations=5 $(PYTEST_ARGS) || rc_sqlite=$$?; \
	echo "==== 2/2 PostgreSQL ($(PG_URL)) ===="; \
	DATABASE_URL=$(PG_URL) $(TEST_ENV) $(PY) -m pytest -ra --durations=5 $(PYTEST_ARGS) || rc_pg=$$?; \
	verdict() { case $$1 in 0) echo "通过 ok";; 5) echo "失败：没有收集到测试 / FAILED: no tests collected";; *) echo "失败 / FAILED (pytest exit $$1)";; esac; }; \
	echo "==== SQLite: $$(verdict $$rc_sqlite) · PostgreSQL: $$(verdict $$rc_pg) ===="; \
	[ $$rc_sqlite -eq 0 ] && [ $$rc_pg -eq 0 ]

test-sqlite: system-deps install
	@env -u DATABASE_URL $(TEST_ENV) $(PY) -m pytest -ra $(PYTEST_ARGS)

test-pg: system-deps install postgres
	@DATABASE_URL=$(PG_URL) $(TEST_ENV) $(PY) -m pytest -ra $(PYTEST_ARGS)

# --- other targets ------------------------------------------------------------------------------

lint: python-deps
	@rc=0; \
	echo "== ruff check =="; $(VENV)/bin/ruff check . || rc=1; \
	echo "== ruff format --check =="; $(VENV)/bin/ruff format --check . || rc=1; \
	echo "== mypy =="; $(VENV)/bin/mypy . || rc=1; \
	exit $$rc

fmt: python-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install postgres
	@$(PY) bench/run_all.py

run: install
	SANXIANG_DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	SANXIANG_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

clean:
	rm -rf $(VENV) node_modules static/vendor var/staticfiles *.egg-info
