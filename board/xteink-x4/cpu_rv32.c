/*
 * cpu_rv32.c — instruction counter, trap handler, PMP stack guard and stack painting for the
 * bare-metal RV32IMC build (machine mode under qemu-system-riscv32 -machine virt).
 */
#include "board_cpu.h"

#include <stdbool.h>
#include <stdint.h>

#include "board_hal.h"

/* From xteink-x4.ld. */
extern uint8_t __ink_stack_limit[];
extern uint8_t __stack[];

#define INK_STACK_PAINT_WORD 0x5AA5C33Cu
/* Left unpainted below the stack pointer of the painting function itself. */
#define INK_STACK_PAINT_MARGIN_BYTES 64u
#define INK_TRAP_STACK_BYTES 1024u

/* The trap handler's own stack, so that a stack overflow can still be reported. */
static uint8_t ink_trap_stack[INK_TRAP_STACK_BYTES] __attribute__((aligned(16), used));

uint64_t ink_board_instret(void)
{
    uint32_t high;
    uint32_t low;
    uint32_t high_again;
    do {
        __asm__ volatile("csrr %0, minstreth" : "=r"(high));
        __asm__ volatile("csrr %0, minstret" : "=r"(low));
        __asm__ volatile("csrr %0, minstreth" : "=r"(high_again));
    } while (high != high_again);
    return ((uint64_t)high << 32) | low;
}

void ink_board_trap_report(uint32_t cause, uint32_t pc, uint32_t address);

void ink_board_trap_report(uint32_t cause, uint32_t pc, uint32_t address)
{
    uint32_t guard_start = (uint32_t)(uintptr_t)__ink_stack_limit;
    bool in_guard = (cause == 5u || cause == 7u) && address >= guard_start &&
                    address < guard_start + INK_BOARD_STACK_GUARD_BYTES;
    ink_board_log("TRAP: mcause %lu at pc 0x%08lx, mtval 0x%08lx%s", (unsigned long)cause,
                  (unsigned long)pc, (unsigned long)address,
                  in_guard ? " (stack overflow: the stack guard was hit)" : "");
    ink_board_exit(3);
}

/* Machine-mode trap entry: switch to the trap stack, pass mcause, mepc, mtval, never return. */
__asm__(".section .text.ink_board_trap_entry,\"ax\",@progbits\n"
        ".balign 4\n"
        ".globl ink_board_trap_entry\n"
        "ink_board_trap_entry:\n"
        "  la sp, ink_trap_stack\n"
        "  li t0, " "1024" "\n"
        "  add sp, sp, t0\n"
        "  csrr a0, mcause\n"
        "  csrr a1, mepc\n"
        "  csrr a2, mtval\n"
        "  call ink_board_trap_report\n"
        "1: j 1b\n"
        ".text\n");
_Static_assert(INK_TRAP_STACK_BYTES == 1024u, "the trap entry's stack size is written literally");

void ink_board_trap_entry(void);

void ink_board_cpu_init(void)
{
    __asm__ volatile("csrw mtvec, %0" : : "r"((uintptr_t)ink_board_trap_entry));
    /* NAPOT region of INK_BOARD_STACK_GUARD_BYTES at the stack's bottom (aligned to 256 by the
     * linker script): pmpaddr = base/4 | (size/8 - 1). Locked (L) so it binds machine mode too;
     * R = W = X = 0. */
    uintptr_t base = (uintptr_t)__ink_stack_limit;
    uintptr_t napot = (base >> 2) | ((INK_BOARD_STACK_GUARD_BYTES / 8u) - 1u);
    __asm__ volatile("csrw pmpaddr0, %0" : : "r"(napot));
    __asm__ volatile("csrw pmpcfg0, %0" : : "r"((uintptr_t)0x98u)); /* L | A=NAPOT */
}

static uintptr_t ink_stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mv %0, sp" : "=r"(sp));
    return sp;
}

/* The highest mark over every painting period (the board's one piece of CPU bookkeeping). */
static uint32_t ink_stack_peak_nbytes;
static bool ink_stack_painted;

void ink_board_stack_paint(void)
{
    if (ink_stack_painted) {
        (void)ink_board_stack_high_water(); /* keep the peak of the period that ends here */
    }
    ink_stack_painted = true;
    uint32_t *word = (uint32_t *)(void *)(__ink_stack_limit + INK_BOARD_STACK_GUARD_BYTES);
    uint32_t *end = (uint32_t *)(ink_stack_pointer() - INK_STACK_PAINT_MARGIN_BYTES);
    while (word < end) {
        *(volatile uint32_t *)word = INK_STACK_PAINT_WORD;
        word++;
    }
}

uint32_t ink_board_stack_high_water(void)
{
    const uint32_t *word =
        (const uint32_t *)(const void *)(__ink_stack_limit + INK_BOARD_STACK_GUARD_BYTES);
    const uint32_t *top = (const uint32_t *)(const void *)__stack;
    while (word < top && *word == INK_STACK_PAINT_WORD) {
        word++;
    }
    uint32_t used = (uint32_t)((uintptr_t)top - (uintptr_t)word);
    if (used > ink_stack_peak_nbytes) {
        ink_stack_peak_nbytes = used;
    }
    return used;
}

uint32_t ink_board_stack_peak(void)
{
    (void)ink_board_stack_high_water();
    return ink_stack_peak_nbytes;
}

uint32_t ink_board_stack_bytes(void)
{
    return (uint32_t)(__stack - __ink_stack_limit);
}

static uint32_t ink_recurse(volatile uint8_t *previous, uint32_t depth)
{
    volatile uint8_t frame[256];
    if (depth > 0x7FFFFFFFu) { /* never: the guard traps long before */
        return 0u;
    }
    for (uint32_t i = 0; i < sizeof frame; i++) { /* touch every byte: no guard skipped */
        frame[i] = (uint8_t)(depth + i);
    }
    frame[255] = previous != NULL ? previous[0] : 0u;
    return ink_recurse(frame, depth + 1u) + frame[255];
}

void ink_board_stack_overflow_selftest(void)
{
    ink_board_log("selftest: recursing until the stack guard traps");
    (void)ink_recurse(NULL, 0u);
    ink_board_log("selftest: FAILED, the recursion returned");
    ink_board_exit(4);
}
