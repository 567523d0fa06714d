#!/usr/bin/env bash
# Creates conformance/pyiceberg/.venv with the pinned PyIceberg environment (idempotent, fast when up to date).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
if ! command -v "$python" >/dev/null 2>&1; then
  echo "PyIceberg cross-check not set up: $python not found" >&2
  exit 1
fi
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt"
"$venv/bin/python" -c 'import pyiceberg, pyarrow, sqlalchemy' 
echo "$want" > "$stamp"
echo "PyIceberg environment ready in $venv"
