#!/usr/bin/env bash
# Make bench/.venv-aiobotocore with aiobotocore and the botocore it accepts,
# on the same Python and the same aiohttp as the project's .venv, so that the
# benchmark compares the clients and not their interpreters or transports.
# PROJECT_PYTHON overrides the project interpreter (default: .venv/bin/python).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
project_python="${PROJECT_PYTHON:-$root/.venv/bin/python}"
venv="$here/.venv-aiobotocore"

if ! "$project_python" -c 'import aiohttp' 2>/dev/null; then
    echo "no project environment with aiohttp at $project_python; run make venv" >&2
    exit 1
fi
base="$("$project_python" -c 'import sys; print(sys._base_executable)')"
aiohttp_version="$("$project_python" -c 'import aiohttp; print(aiohttp.__version__)')"

rm -rf "$venv"
"$base" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$here/requirements-aiobotocore.txt" "aiohttp==$aiohttp_version"
"$venv/bin/python" -m pip check
touch "$venv/.installed"
echo "bench/.venv-aiobotocore ready: $("$venv/bin/python" -c 'import aiobotocore, botocore, aiohttp, sys; print(f"aiobotocore {aiobotocore.__version__}, botocore {botocore.__version__}, aiohttp {aiohttp.__version__}, Python {sys.version.split()[0]}")')"
