#!/usr/bin/env bash
# Makes test/s3/.venv a virtualenv with moto[server] as pinned in requirements.txt, the S3-compatible
# server of the S3 tests (idempotent; instant when it is already up to date), through
# test/setup/cached-venv.sh: ${XDG_CACHE_HOME:-~/.cache}/iceberg-rx/moto-venv/py<X.Y>-<sha>, linked
# as .venv. A separate environment from PyIceberg's: botocore requires python-dateutil<3, PyIceberg's
# pin is 4. Exit status 1 with one line on stderr saying what is missing when it cannot be set up.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../setup/cached-venv.sh" "$here" moto-venv moto 'import moto.server, flask, werkzeug' moto_server
