#!/usr/bin/env bash
# Builds inkpipe, makes the sample EPUB (samples/make-sample-epub.sh) and converts its images
# to 1-bit BMPs for the Xteink X4 in out/sample/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target inkpipe >/dev/null
bash samples/make-sample-epub.sh build/sample.epub >/dev/null
rm -rf out/sample && mkdir -p out/sample/images
unzip -q -o build/sample.epub 'OEBPS/images/*' -d out/sample/source
for image in out/sample/source/OEBPS/images/*; do
  name=$(basename "${image%.*}")
  ./build/inkpipe convert "$image" -o "out/sample/images/$name.bmp" -v || true
done
ls -l out/sample/images
