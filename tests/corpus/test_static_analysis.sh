#!/usr/bin/env bash
# Static analysis of the core: every .c of arena/ decode/ dither/ text/ thumbs/ through gcc's
# -fanalyzer, at -O0 (the Debug build) and -O2 (RelWithDebInfo: the analyzer runs after early
# optimisation, so it sees different paths). A finding fails the test unless the source says
# why it is a false positive: a comment containing "analyzer-ok:" on the finding's line or on
# one of the four lines above it. A canary with a known defect proves the analyzer is running.
# Env: INK_SOURCE_DIR (the repository), INK_BUILD_DIR (skips in a sanitizer build). Runtime: about 20 s of CPU per level.
set -euo pipefail
src=${INK_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cc=${INK_ANALYZER_CC:-gcc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The analysis does not depend on the build: run it once, in the ordinary (gcc) pass.
if grep -qE '^INK_(SANITIZE|FUZZ):BOOL=ON' "${INK_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: sanitizer build (the analysis runs in the ordinary build's pass)"
  exit 77
fi
if ! echo 'int main(void){return 0;}' | "$cc" -x c -fanalyzer -c -o /dev/null - 2>/dev/null; then
  echo "SKIP: $cc has no -fanalyzer"
  exit 77
fi

# The canary: a NULL dereference on one path, which the analyzer must report.
cat >"$work/canary.c" <<'EOF'
#include <stddef.h>
int canary(int *p, int c);
int canary(int *p, int c)
{
    if (c)
        p = NULL;
    return *p;
}
EOF
"$cc" -std=c11 -fanalyzer -c "$work/canary.c" -o /dev/null 2>"$work/canary.txt" || true
if ! grep -q 'Wanalyzer-null-dereference' "$work/canary.txt"; then
  echo "FAIL: the analyzer did not report the canary's NULL dereference"
  exit 1
fi

cd "$src"
files=$(ls arena/*.c decode/*.c dither/*.c text/*.c thumbs/*.c)
for level in -O0 -O2; do
  # One compiler per file, two at a time (the machine is shared); findings go to one log.
  printf '%s\n' $files | xargs -P2 -I{} sh -c \
    '"$0" -std=c11 '"$level"' -fanalyzer -fdiagnostics-plain-output -I. -c "$1" -o /dev/null \
       2>&1 || true' "$cc" {} >"$work/analyzer$level.txt"
done

status=0
total=0
justified=0
# file:line:col: warning: text [-Wanalyzer-kind]; each finding once even if both levels see it.
grep -h -E '^[^ :]+:[0-9]+:[0-9]+: warning: .*\[-Wanalyzer-' "$work"/analyzer-O*.txt |
  sed -E 's/^([^:]+):([0-9]+):[0-9]+: warning: (.*)$/\1 \2 \3/' | sort -u >"$work/findings.txt" || true
while read -r file line text; do
  total=$((total + 1))
  first=$((line > 4 ? line - 4 : 1))
  if sed -n "${first},${line}p" "$file" | grep -q 'analyzer-ok:'; then
    justified=$((justified + 1))
    echo "justified: $file:$line: $text"
  else
    echo "NEW FINDING: $file:$line: $text"
    grep -h -A40 "^$file:$line:" "$work"/analyzer-O*.txt | head -60
    status=1
  fi
done <"$work/findings.txt"
echo "-fanalyzer over $(echo "$files" | wc -l) core files at -O0 and -O2:" \
  "$total finding(s), $justified justified at the site"
exit $status
