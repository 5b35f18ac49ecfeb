# board_jobs.sh — sourced by the perf scripts: build the RV32 firmware and run a jobs file.
#
#   ink_board_build SOURCE_DIR FW_BUILD_DIR
#       configures and builds board/xteink-x4 for rv32imc into FW_BUILD_DIR (-j2, quiet)
#   ink_board_run_jobs FW_BUILD_DIR SD_PARENT LOG
#       runs SD_PARENT/sd/jobs.txt under `qemu-system-riscv32 -icount shift=0` (so minstret
#       counts retired instructions exactly), with SD_PARENT/sd as the SD card; writes the
#       firmware's "result ..." lines to LOG (the whole console is in SD_PARENT/run.log)

ink_board_build() {
    cmake -S "$1/board/xteink-x4" -B "$2" \
        -DCMAKE_TOOLCHAIN_FILE="$1/board/xteink-x4/toolchain-rv32imc.cmake" >/dev/null
    cmake --build "$2" -j2 >/dev/null
}

ink_board_run_jobs() {
    (cd "$2" && timeout 3000 qemu-system-riscv32 -machine virt -nographic -bios none \
        -icount shift=0 -semihosting-config enable=on,target=native \
        -kernel "$1/xteink-x4.elf" -append "sd=sd jobs=jobs.txt" >"$2/run.log" 2>&1) || true
    grep '^result ' "$2/run.log" >"$3" || true
}
