#!/usr/bin/env bash
# Install Debian's Chromium (and Korean fonts) for the browser tests when it is missing.
# Playwright drives this system browser; it never downloads a browser of its own.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
packages=(chromium fonts-noto-cjk)
if [ "$(id -u)" = 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "Chromium가 없습니다. 'apt-get install ${packages[*]}' 후 다시 실행하세요." >&2
  echo "(browser tests will be skipped; in CI they fail)" >&2
  exit 0
fi
echo "Installing ${packages[*]} from Debian's packages…"
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
