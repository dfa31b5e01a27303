#!/usr/bin/env bash
# Make sure the local PostgreSQL answers on 127.0.0.1:5432 (start the Debian cluster if not).
# With a database name as argument, also create that database (template0, UTF8, C.UTF-8) if it is missing.
# Test databases need nothing here: pytest-django creates test_<name> itself (core.db.postgresql).
set -euo pipefail

host=${PGHOST_TEST:-127.0.0.1}
port=${PGPORT_TEST:-5432}

if ! pg_isready -q -h "$host" -p "$port" 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
        echo "错误：PostgreSQL 未运行且本机未安装（需要 PostgreSQL ≥ 15，127.0.0.1:5432，postgres 用户 trust 认证）。" >&2
        echo "Error: PostgreSQL is not answering on $host:$port and no Debian cluster is installed." >&2
        exit 1
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "启动 PostgreSQL $version / starting PostgreSQL cluster $version main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        pg_isready -q -h "$host" -p "$port" && break
        sleep 1
    done
    if ! pg_isready -q -h "$host" -p "$port"; then
        echo "错误：PostgreSQL 启动失败 / PostgreSQL did not start on $host:$port" >&2
        exit 1
    fi
fi

if [ $# -ge 1 ]; then
    db=$1
    exists=$(psql -h "$host" -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
    if [ "$exists" != "1" ]; then
        createdb -h "$host" -p "$port" -U postgres -T template0 -E UTF8 -l C.UTF-8 "$db"
        echo "已创建数据库 / created database $db (UTF8, C.UTF-8)"
    fi
fi
