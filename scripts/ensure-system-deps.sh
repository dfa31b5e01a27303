#!/usr/bin/env bash
# Install the Debian packages the tests and the app need, only those that are missing:
#   chromium        browser tests (Playwright drives /usr/bin/chromium; never `playwright install`)
#   fonts-noto-cjk  Chinese glyphs in PDFs (WeasyPrint) and screenshots
#   graphviz        `dot` renders the 流程图
#   libpango*       WeasyPrint renders 文书 and 电子案卷 PDFs with Pango
#   libharfbuzz-subset0  fast CJK font subsetting (without it WeasyPrint falls back to fontTools: 2–9 s per PDF)
# Package names given as arguments replace that list (the Makefile asks for nodejs npm that way).
set -euo pipefail

if [ $# -gt 0 ]; then
    packages=("$@")
else
    packages=(chromium fonts-noto-cjk graphviz libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fi
missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$pkg")
    fi
done
refresh_fonts() {
    # WeasyPrint finds the CJK fonts through fontconfig; a stale cache prints empty boxes silently.
    if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
        fc-cache -f >/dev/null 2>&1 || true
    fi
}
if [ ${#missing[@]} -eq 0 ]; then
    echo "系统依赖已就绪 / system packages present: ${packages[*]}"
    refresh_fonts
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "错误：缺少系统软件包 ${missing[*]}，且本机没有 apt-get，请手工安装。" >&2
    echo "Error: missing packages ${missing[*]} and no apt-get; install them by hand." >&2
    exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi
echo "安装系统依赖 / installing Debian packages: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
refresh_fonts
