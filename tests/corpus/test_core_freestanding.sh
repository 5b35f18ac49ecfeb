#!/usr/bin/env bash
# The core library (arena/ decode/ dither/ text/ thumbs/) is freestanding: its objects may
# reference only the <string.h> functions and compiler/sanitizer runtime helpers, never the
# heap (malloc, calloc, realloc, free) nor stdio. Checked on the built archive with nm.
set -u
archive="$INK_BUILD_DIR/libinkcore.a"
[ -f "$archive" ] || { echo "no $archive"; exit 1; }
allowed='^(memcpy|memmove|memset|memcmp|memchr|strlen|strcmp|strncmp|strchr|strrchr|__stack_chk_fail|__udivdi3|__umoddi3|__divdi3|__moddi3|__(asan|ubsan|sanitizer|msan|tsan)_.*|_GLOBAL_OFFSET_TABLE_|__memcpy_chk|__memset_chk|__memmove_chk)$'
undefined=$(nm -u "$archive" 2>/dev/null | awk 'NF == 2 && $1 == "U" {print $2}' | sort -u)
bad=$(echo "$undefined" | grep -v -E "$allowed" | grep -v '^$' || true)
# symbols defined inside the archive itself are fine
defined=$(nm --defined-only "$archive" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)
bad=$(comm -23 <(echo "$bad" | sort -u) <(echo "$defined") | grep -v '^$' || true)
if [ -n "$bad" ]; then
    echo "FAIL the core references symbols outside its freestanding allowance:"
    echo "$bad" | sed 's/^/    /'
    for symbol in $bad; do nm -A "$archive" 2>/dev/null | grep -w "U $symbol" | sed 's/^/      used by /'; done
    echo "0 passed, 1 failed"
    exit 1
fi
echo "core references: $(echo "$undefined" | tr '\n' ' ')"
echo "1 passed, 0 failed"
