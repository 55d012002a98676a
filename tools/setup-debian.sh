#!/bin/sh
# Everything briefgen needs on a fresh Debian/Ubuntu machine: fonts made for
# Latin and Cyrillic (PT) and Noto for the scripts PT lacks (Greek …), HarfBuzz's subsetter (small PDFs), poppler (tests read
# PDFs back), Chromium (the HTML editions are tested in a real browser, driven
# by Playwright), axe-core from the npm registry (accessibility rules for that
# browser test), GNU gettext (msgfmt checks the catalogs), PostgreSQL's server (the team-ledger
# tests start a throwaway cluster with its initdb and pg_ctl), and the Python package with its test extras.
set -eu
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    fonts-paratype fonts-noto-core fonts-dejavu-core libharfbuzz-subset0 poppler-utils \
    libpango-1.0-0 libpangoft2-1.0-0 chromium gettext python3-venv postgresql >/dev/null
# axe-core's one script, pinned, into the ignored .cache/ (the tests fetch nothing themselves)
AXE_VERSION=4.14.1
if [ "$(cat .cache/axe-core/VERSION 2>/dev/null)" != "$AXE_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
    PACK="$(mktemp -d)"
    (cd "$PACK" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar -xzf "axe-core-$AXE_VERSION.tgz" package/axe.min.js)
    mkdir -p .cache/axe-core
    mv "$PACK/package/axe.min.js" .cache/axe-core/axe.min.js
    echo "$AXE_VERSION" > .cache/axe-core/VERSION
    rm -rf "$PACK"
fi
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q --disable-pip-version-check -e ".[test]"
# pyenv installs console scripts behind shims that need a rehash
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
