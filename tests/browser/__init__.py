"""Browser tests: Playwright (Python, sync API) driving Debian's headless /usr/bin/chromium."""
