# toolchain-rv32imc.cmake — cross-compiling the Xteink X4 board build (ESP32-C3: RV32IMC) with
# Debian's gcc-riscv64-unknown-elf + picolibc-riscv64-unknown-elf, for qemu-system-riscv32.
#
#   cmake -S board/xteink-x4 -B build-board \
#         -DCMAKE_TOOLCHAIN_FILE=board/xteink-x4/toolchain-rv32imc.cmake
#
# Flags, and why each is needed with Debian 12's packages (GCC 12.2, binutils 2.40, picolibc 1.8):
#   -march=rv32imc -mabi=ilp32   the ESP32-C3's ISA: no atomics, no FPU (soft float).
#   -misa-spec=2.2               in ISA spec 2.2 the CSR instructions belong to "i"; with GCC 12's
#                                default (20191213) `csrr ..., minstret` needs rv32imc_zicsr and
#                                the assembler rejects it. 2.2 keeps the documented -march string.
#   --specs=picolibc.specs       picolibc's headers, crt0 and libc. There is no rv32imc multilib
#                                in Debian's picolibc; GCC picks rv32im/ilp32 (check with
#                                -print-multi-directory), which is link-compatible (the C
#                                extension is only an encoding; libc is simply not compressed).
#   --oslib=semihost             links libsemihost: console and host files through semihosting,
#                                and crt0-semihost passes QEMU's -append string as argc/argv.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(INK_RV_PREFIX riscv64-unknown-elf- CACHE STRING "Cross tool prefix")
find_program(CMAKE_C_COMPILER ${INK_RV_PREFIX}gcc REQUIRED)
find_program(CMAKE_OBJDUMP ${INK_RV_PREFIX}objdump)
find_program(CMAKE_NM ${INK_RV_PREFIX}nm)
find_program(CMAKE_SIZE_TOOL ${INK_RV_PREFIX}size)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})

set(INK_RV_ARCH_FLAGS "-march=rv32imc -misa-spec=2.2 -mabi=ilp32")
set(CMAKE_C_FLAGS_INIT "${INK_RV_ARCH_FLAGS} --specs=picolibc.specs")
set(CMAKE_ASM_FLAGS_INIT "${INK_RV_ARCH_FLAGS}")
# CMake links with the compiler driver and passes CMAKE_C_FLAGS too: --specs must not repeat.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--oslib=semihost")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
