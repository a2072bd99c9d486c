#!/usr/bin/env bash
# Install what the tests need from Debian's packages when it is missing: Chromium for the
# browser tests (Playwright drives this system browser and never downloads one of its own),
# Korean fonts (the browser's pages and the minutes PDFs embed them; Chromium brings the
# Pango libraries WeasyPrint lays the PDFs out with) and poppler-utils (pdftotext reads the
# PDFs back in the tests).
set -euo pipefail
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || packages+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || packages+=(poppler-utils)
if [ ${#packages[@]} = 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "필요한 패키지가 없습니다. 'apt-get install ${packages[*]}' 후 다시 실행하세요." >&2
  echo "(the tests that need them fail until then)" >&2
  exit 0
fi
echo "Installing ${packages[*]} from Debian's packages…"
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
