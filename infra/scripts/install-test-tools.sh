#!/usr/bin/env bash
# System tools the tests use: pdftotext (Debian poppler-utils) reads the text of generated PDFs;
# Chromium (Debian's package) runs the web console's browser tests through playwright-core
# (playwright's own browser downloads are not used).
set -euo pipefail
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (browser tests of the web console)"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium
fi
if ! command -v pdftotext >/dev/null 2>&1; then
  echo "installing poppler-utils (pdftotext)"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq poppler-utils
fi
