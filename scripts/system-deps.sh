#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (Chromium for browser tests, a CJK font so
# screenshots show Chinese and decision PDFs can be written — fpdf2 reads wqy-zenhei's .ttc), when
# missing and running as root; otherwise says what to install. Servers need the font too.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE 'wqy|noto.*cjk' || missing+=(fonts-wqy-zenhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (Debian packages) …"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing: ${missing[*]}. Install them, e.g.: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
