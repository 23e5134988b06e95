#!/usr/bin/env bash
# System tools the tests use: pdftotext (Debian poppler-utils) reads the text of generated PDFs.
set -euo pipefail
if ! command -v pdftotext >/dev/null 2>&1; then
  echo "installing poppler-utils (pdftotext)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq poppler-utils
fi
