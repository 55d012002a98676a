#!/bin/sh
# Everything briefgen needs on a fresh Debian/Ubuntu machine: fonts made for
# Latin and Cyrillic, HarfBuzz's subsetter (small PDFs), poppler (tests read
# PDFs back), and the Python package with its test extras.
set -eu
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    fonts-paratype fonts-dejavu-core libharfbuzz-subset0 poppler-utils \
    libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install -q --disable-pip-version-check -e ".[test]"
# pyenv installs console scripts behind shims that need a rehash
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
