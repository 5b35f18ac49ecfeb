/*
 * board_cpu.h — the CPU-level pieces of the board build: instruction counter, traps, the stack
 * guard and the stack high-water mark.
 *
 * cpu_rv32.c implements them for qemu-system-riscv32 (machine mode, no OS). On the device
 * ESP-IDF owns traps and stacks (uxTaskGetStackHighWaterMark, the stack canary / watchpoint), and
 * the ESP32-C3 counts cycles in its own performance counter, not minstret; see esp-idf/.
 */
#ifndef INK_BOARD_CPU_H
#define INK_BOARD_CPU_H

#include <stdint.h>

/* Instructions retired since reset: the 64-bit minstret/minstreth pair. Under
 * `qemu-system-riscv32 -icount shift=0` QEMU derives it from its instruction counter, so the same
 * work gives the same count on every run (docs/BOARD.md shows the check). */
uint64_t ink_board_instret(void);

/* Installs the trap handler (prints cause, pc and address, exits with status 3) and the stack
 * guard: a locked PMP entry making the lowest INK_BOARD_STACK_GUARD_BYTES of the stack
 * inaccessible, so an overflow traps instead of corrupting memory. The handler runs on its own
 * small stack. */
/* 256 bytes: a frame whose untouched locals are larger than this could step over the guard
 * (GCC 12 has no stack-clash probing for RISC-V); the firmware's largest frames are ~300 bytes of
 * buffers that are written from their low end first. The guard is part of the 8 KB. */
#define INK_BOARD_STACK_GUARD_BYTES 256u
void ink_board_cpu_init(void);

/* Fills the unused part of the stack (from just above the guard to a little below the current
 * stack pointer) with a pattern. Call once, as early as possible. */
void ink_board_stack_paint(void);
/* Bytes of stack ever used: from the top of the stack down to the lowest word whose pattern was
 * overwritten. Valid after ink_board_stack_paint. */
uint32_t ink_board_stack_high_water(void);
/* The highest high-water mark since boot, over every repainting (the job runner repaints before
 * each job to measure it alone). */
uint32_t ink_board_stack_peak(void);
/* Size of the stack region (guard included). */
uint32_t ink_board_stack_bytes(void);

/* Deliberately recurses until the stack guard traps (the test of the guard). */
void ink_board_stack_overflow_selftest(void) __attribute__((noreturn));

#endif
