#!/usr/bin/env bash
# perf/run.sh — builds the bench (Release, in build-perf/) and writes the performance report.
#   perf/run.sh            full run over the shared corpus -> perf/results/<date>/report.md
#   perf/run.sh --quick    tiny subset, to check that the harness works (CI)
#   perf/run.sh --help     every option
# Debian's python3 (/usr/bin/python3, with python3-pil), not whatever python3 is first on PATH.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/run.py" "$@"
