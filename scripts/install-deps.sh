#!/usr/bin/env bash
# Installs what inkpipe needs on a fresh Debian (12, bookworm) machine: the compilers and build
# tools, Debian's codecs (the host CLI's default decoders and the tests' references), the test
# tools, and the RV32 cross toolchain and QEMU for the board build. Idempotent.
set -euo pipefail
packages=(
  # build
  build-essential cmake pkg-config clang libclang-rt-14-dev valgrind
  # codecs the host links, and the references the tests compare against
  libjpeg62-turbo-dev libjpeg-turbo-progs libpng-dev zlib1g-dev libtiff-dev libtiff-tools
  libhyphen-dev hyphen-en-us wamerican
  # a public-domain book text for perf/layout_report (the King James Bible)
  bible-kjv
  # tests
  libcmocka-dev python3 python3-pil imagemagick fonts-dejavu-core unzip zip
  # perf/quality_report.py
  python3-numpy
  # peers measured by perf/
  libstb-dev libspng-dev libdeflate-dev liblodepng-dev graphicsmagick time g++
  # the board build: RV32IMC cross compiler, picolibc, and QEMU to run it
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
