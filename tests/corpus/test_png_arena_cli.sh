#!/usr/bin/env bash
# test_png_arena_cli.sh — `inkpipe --codec arena` on PNGs: the CLI path (source, decoder
# dispatch, converter) gives the same gray as the system codec (libpng) on every valid PngSuite
# file and every PNG in the corpus EPUBs, refuses every x* file, and converts to a BMP.
set -u
shared=${INK_SHARED_DIR:-}
[ -n "$shared" ] && [ -d "$shared/corpus/pngsuite" ] || { echo "no corpus: skipped"; exit 77; }
[ -x "${INKPIPE:-}" ] || { echo "INKPIPE not set"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 checked=0
for f in "$shared"/corpus/epub/*.epub; do
  d=$tmp/$(basename "$f" .epub); mkdir -p "$d"; unzip -qq -o "$f" -d "$d" 2>/dev/null
done
while IFS= read -r png; do
  checked=$((checked + 1))
  "$INKPIPE" decode "$png" -o "$tmp/system.pgm" --codec system >/dev/null 2>&1 || continue
  if ! "$INKPIPE" decode "$png" -o "$tmp/arena.pgm" --codec arena >"$tmp/err" 2>&1; then
    echo "arena refuses $png: $(cat "$tmp/err")"; failures=$((failures + 1)); continue
  fi
  cmp -s "$tmp/system.pgm" "$tmp/arena.pgm" || { echo "differs: $png"; failures=$((failures + 1)); }
done < <(ls "$shared"/corpus/pngsuite/[!x]*.png; find "$tmp" -type f -iname '*.png' | sort)
for png in "$shared"/corpus/pngsuite/x*.png; do
  checked=$((checked + 1))
  if "$INKPIPE" decode "$png" -o "$tmp/x.pgm" --codec arena >/dev/null 2>&1; then
    echo "arena accepts broken $png"; failures=$((failures + 1))
  fi
done
cover=$(find "$tmp" -type f -iname 'cover.png' | head -1)
if [ -n "$cover" ]; then
  "$INKPIPE" convert "$cover" -o "$tmp/cover.bmp" --codec arena || failures=$((failures + 1))
  "$INKPIPE" convert "$cover" -o "$tmp/cover-system.bmp" --codec system || failures=$((failures + 1))
  cmp -s "$tmp/cover.bmp" "$tmp/cover-system.bmp" || { echo "BMPs differ for $cover"; failures=$((failures + 1)); }
fi
echo "$checked PNGs checked through the CLI, $failures failures"
[ "$failures" -eq 0 ]
