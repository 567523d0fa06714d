#!/usr/bin/env bash
# Makes <folder>/.venv a virtualenv with the pins of <folder>/requirements.txt (idempotent; instant
# when it is already up to date). Used by conformance/pyiceberg/setup.sh and test/s3/setup-moto.sh.
#
#   bash test/setup/cached-venv.sh FOLDER CACHE_NAME LABEL IMPORTS EXECUTABLE
#
# The virtualenv lives in a per-machine cache keyed by the Python version and the sha256 of
# requirements.txt, ${XDG_CACHE_HOME:-~/.cache}/iceberg-rx/CACHE_NAME/py<X.Y>-<sha>, and .venv is a
# symlink to it, so a fresh clone (CI) pays for the pip install once per machine and version.
# IMPORTS is a Python import line that must succeed in it; EXECUTABLE (under bin/) must exist.
# Exit status 1 with one line on stderr, "LABEL not set up: <what is missing>", when it cannot be.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here="$(cd "$1" && pwd)"
cache_name="$2"
label="$3"
imports="$4"
executable="$5"
venv="$here/.venv"
python="${PYTHON:-python3}"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

valid() { [[ -x "$1/bin/$executable" && -f "$1/.requirements.sha256" && "$(cat "$1/.requirements.sha256")" == "$want" ]]; }

if valid "$venv"; then
  exit 0
fi
if ! command -v "$python" >/dev/null 2>&1; then
  echo "$label not set up: $python not found" >&2
  exit 1
fi
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/iceberg-rx/$cache_name"
cached="$cache_root/py$pyver-${want:0:16}"
mkdir -p "$cache_root"

# One installer at a time per cache entry; a run that died half-way left no stamp and is redone.
exec 9>"$cached.lock"
flock 9
if ! valid "$cached"; then
  rm -rf "$cached"
  if ! "$python" -m venv "$cached" 2>"$cached.log"; then
    echo "$label not set up: '$python -m venv' failed ($(tail -n 1 "$cached.log"))" >&2
    rm -rf "$cached"
    exit 1
  fi
  if ! "$cached/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt" >"$cached.log" 2>&1; then
    echo "$label not set up: pip install of requirements.txt failed ($(grep -m1 -E 'ERROR|error' "$cached.log" || tail -n 1 "$cached.log"))" >&2
    rm -rf "$cached"
    exit 1
  fi
  "$cached/bin/python" -c "$imports"
  echo "$want" >"$cached/.requirements.sha256"
  echo "$label environment installed in $cached"
fi
flock -u 9

# Point .venv at the cached environment (replacing a stale folder or link).
if [[ -L "$venv" || ! -e "$venv" ]]; then
  ln -sfn "$cached" "$venv"
else
  rm -rf "$venv"
  ln -s "$cached" "$venv"
fi
echo "$label environment ready: $venv -> $cached"
