#!/usr/bin/env bash
# Builds inkpipe, makes the sample EPUB (samples/make-sample-epub.sh) and converts its images
# to 1-bit BMPs for the Xteink X4 in out/sample/ with `inkpipe epub`: one BMP per JPEG/PNG
# (named from its manifest path), cover.bmp for the full screen, and report.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target inkpipe >/dev/null
bash samples/make-sample-epub.sh build/sample.epub >/dev/null
rm -rf out/sample
./build/inkpipe epub build/sample.epub -o out/sample
find out/sample -type f | sort | xargs ls -l
