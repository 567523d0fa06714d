#!/usr/bin/env bash
# Makes conformance/pyiceberg/.venv the pinned PyIceberg environment of requirements.txt
# (idempotent; instant when it is already up to date), through test/setup/cached-venv.sh: the
# virtualenv lives in ${XDG_CACHE_HOME:-~/.cache}/iceberg-rx/pyiceberg-venv/py<X.Y>-<sha> and .venv
# links to it. Exit status 1 with one line on stderr saying what is missing when it cannot be set up.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../../test/setup/cached-venv.sh" "$here" pyiceberg-venv "PyIceberg cross-check" 'import pyiceberg, pyarrow, sqlalchemy' python
