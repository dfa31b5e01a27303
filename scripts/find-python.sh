#!/usr/bin/env bash
# Print the absolute path of a Python >= 3.12 (Django 6.1 needs it; Debian 12's python3 is 3.11).
# Order: python3.13 / python3.12 on PATH, then pyenv's 3.13* / 3.12* builds, then python3.
# Each candidate is run, so a pyenv shim that cannot resolve its version is skipped.
set -u

good() {
    "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

candidates=()
for name in python3.13 python3.12; do
    if path=$(command -v "$name" 2>/dev/null); then
        candidates+=("$path")
    fi
done
for minor in 3.13 3.12; do
    while IFS= read -r path; do
        [ -n "$path" ] && candidates+=("$path")
    done < <(ls -d "$HOME"/.pyenv/versions/"$minor"*/bin/python3 2>/dev/null | sort -rV)
done
if path=$(command -v python3 2>/dev/null); then
    candidates+=("$path")
fi

for candidate in "${candidates[@]}"; do
    if good "$candidate"; then
        # The real interpreter, not a pyenv shim: the venv must not depend on the shim's version lookup.
        "$candidate" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done

cat >&2 <<'MSG'
错误：未找到 Python 3.12 或更高版本（Django 6.1 需要 Python ≥ 3.12；Debian 12 自带的 python3 是 3.11）。
安装方法任选其一：
  · pyenv：   curl https://pyenv.run | bash && pyenv install 3.13   （需 build-essential libssl-dev zlib1g-dev libbz2-dev libreadline-dev libsqlite3-dev libffi-dev liblzma-dev）
  · uv：      pip install uv && uv python install 3.13 （然后把 python3.13 所在目录加入 PATH）
  · Debian 13 (trixie) 及以后：apt-get install python3 python3-venv
装好后重新运行 make。

Error: no Python >= 3.12 found (Django 6.1 requires it; Debian 12's python3 is 3.11).
Install one, e.g. `pyenv install 3.13` or `uv python install 3.13`, make sure `python3.13`
is on PATH (or under ~/.pyenv/versions/), then run make again.
MSG
exit 1
