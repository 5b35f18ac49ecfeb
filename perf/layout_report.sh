#!/usr/bin/env bash
# layout_report.sh — greedy vs optimal line breaking on a real public-domain text.
#
# Text: the Book of Genesis from the King James Bible (public domain), as Debian's bible-kjv
# package prints it; each chapter becomes one paragraph (verse numbers dropped). It is laid out
# with `inkpipe layout` (one unit per character, like a monospaced reader line) at a few widths,
# four ways: greedy, greedy hyphenating, optimal without hyphenation, optimal with hyphenation
# inside the DP (hyph_en_US.dic). Printed per row: total cost (sum over lines of squared slack,
# last lines free, + hyphen penalties; docs/TEXT.md), lines, hyphenated lines.
#
# usage: perf/layout_report.sh [INKPIPE] [BOOK]    (defaults: build/inkpipe, Genesis)
# exit 77 when bible-kjv or the hyphenation patterns are not installed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
inkpipe="${1:-$here/build/inkpipe}"
book="${2:-Genesis}"
dic=/usr/share/hyphen/hyph_en_US.dic
if ! command -v bible >/dev/null || [ ! -f "$dic" ]; then
  echo "layout_report: needs Debian packages bible-kjv and hyphen-en-us (scripts/install-deps.sh)"
  exit 77
fi
text="$(mktemp)"
trap 'rm -f "$text"' EXIT
# Chapter headings ("Genesis 12") start paragraphs; verse lines start with their number.
bible -l100000 "$book 1:1-150:200" 2>/dev/null | awk -v book="$book" '
  $0 ~ "^" book " [0-9]+$" { if (n) printf "\n\n"; n = 0; next }
  /^ *[0-9]+ / { sub(/^ *[0-9]+ /, ""); printf "%s%s", (n ? " " : ""), $0; n++; next }
  END { print "" }' > "$text"
words=$(wc -w < "$text")
paragraphs=$(grep -c . "$text")
echo "text: $book, King James Bible (Debian bible-kjv), $paragraphs paragraphs, $words words"
echo "metric: mono (one unit per character); penalties: hyphen 9, two in a row +18"
printf "%-6s %-28s %12s %8s %11s %9s\n" width layout "total cost" lines hyphenated overfull
for width in 30 40 60; do
  for mode in "greedy" "greedy, hyphenating" "optimal (DP), no hyphenation" "optimal (DP), hyphenating"; do
    args=(--quiet --width "$width")
    case "$mode" in
      greedy) args+=(--greedy) ;;
      "greedy, hyphenating") args+=(--greedy --hyphenate "$dic") ;;
      "optimal (DP), hyphenating") args+=(--hyphenate "$dic") ;;
    esac
    summary=$("$inkpipe" layout "${args[@]}" < "$text" 2>/dev/null | tail -1)
    read -r _ _ _ _ lines _ hyphenated _ overfull _ cost _ <<< "$summary"
    printf "%-6s %-28s %12s %8s %11s %9s\n" "$width" "$mode" "$cost" "$lines" "$hyphenated" "$overfull"
  done
done
