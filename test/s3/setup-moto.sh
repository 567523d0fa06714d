#!/usr/bin/env bash
# Makes test/s3/.venv a virtualenv with moto[server] as pinned in requirements.txt, the S3-compatible
# server of the S3 tests (idempotent; instant when it is already up to date).
#
# Like conformance/pyiceberg/setup.sh: the virtualenv lives in a per-machine cache keyed by the
# Python version and the sha256 of requirements.txt,
# ${XDG_CACHE_HOME:-~/.cache}/iceberg-rx/moto-venv/py<X.Y>-<sha>, and .venv is a symlink to it.
# A separate environment from PyIceberg's: botocore requires python-dateutil<3, PyIceberg's pin is 4.
# Exit status 1 with one line on stderr saying what is missing when it cannot be set up.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

valid() { [[ -x "$1/bin/moto_server" && -f "$1/.requirements.sha256" && "$(cat "$1/.requirements.sha256")" == "$want" ]]; }

if valid "$venv"; then
  exit 0
fi
if ! command -v "$python" >/dev/null 2>&1; then
  echo "moto not set up: $python not found" >&2
  exit 1
fi
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/iceberg-rx/moto-venv"
cached="$cache_root/py$pyver-${want:0:16}"
mkdir -p "$cache_root"

# One installer at a time per cache entry; a run that died half-way left no stamp and is redone.
exec 9>"$cached.lock"
flock 9
if ! valid "$cached"; then
  rm -rf "$cached"
  if ! "$python" -m venv "$cached" 2>"$cached.log"; then
    echo "moto not set up: '$python -m venv' failed ($(tail -n 1 "$cached.log"))" >&2
    rm -rf "$cached"
    exit 1
  fi
  if ! "$cached/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt" >"$cached.log" 2>&1; then
    echo "moto not set up: pip install of requirements.txt failed ($(grep -m1 -E 'ERROR|error' "$cached.log" || tail -n 1 "$cached.log"))" >&2
    rm -rf "$cached"
    exit 1
  fi
  "$cached/bin/python" -c 'import moto.server, flask, werkzeug'
  echo "$want" >"$cached/.requirements.sha256"
  echo "moto environment installed in $cached"
fi
flock -u 9

if [[ -L "$venv" || ! -e "$venv" ]]; then
  ln -sfn "$cached" "$venv"
else
  rm -rf "$venv"
  ln -s "$cached" "$venv"
fi
echo "moto environment ready: $venv -> $cached"
