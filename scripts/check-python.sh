#!/usr/bin/env bash
# Stop early, with a clear message, when the Python given is older than 3.11.
set -euo pipefail
python=${1:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "Python 3.11 이상이 필요합니다 (needs Python >= 3.11): $python" >&2
  exit 1
fi
