#!/usr/bin/env bash
# Make bench/.venv312 with the smithy-based aws-sdk-lambda (needs Python 3.12+).
# Tries PYTHON312 if set, then python3.12 on PATH, then pyenv's 3.12 builds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

candidates=()
[ -n "${PYTHON312:-}" ] && candidates+=("$PYTHON312")
command -v python3.12 >/dev/null 2>&1 && candidates+=("$(command -v python3.12)")
if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
    while read -r version; do
        candidates+=("$root/versions/$version/bin/python")
    done < <(pyenv versions --bare 2>/dev/null | grep -E '^3\.12(\.[0-9]+)?$' | sort -rV)
fi

py=""
for candidate in "${candidates[@]}"; do
    # A pyenv shim may be on PATH without the version being selected: run it to be sure.
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
        py="$candidate"
        break
    fi
done
if [ -z "$py" ]; then
    echo "no working Python 3.12 found; set PYTHON312=/path/to/python3.12" >&2
    exit 1
fi

"$py" -m venv "$here/.venv312"
"$here/.venv312/bin/python" -m pip install --quiet -r "$here/requirements-smithy.txt"
"$here/.venv312/bin/python" -m pip check
echo "bench/.venv312 ready: $("$here/.venv312/bin/python" -c 'import aws_sdk_lambda; print("aws-sdk-lambda", aws_sdk_lambda.__version__)')"
