/*
 * test_arena.c — the arena's regions, claims, bump allocator, marks and status report,
 * including misuse: overlap, double release, out-of-order marks, exhaustion, zero and huge sizes.
 */
#include "test_support.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena/arena.h"

static void layout_matches_the_design(void **state)
{
    (void)state;
    const uint32_t expected[INK_REGION_COUNT][2] = {
        {0, 32768}, {32768, 4096}, {36864, 32768}, {69632, 4096}, {73728, 8192}};
    uint32_t sum = 0;
    for (int r = 0; r < INK_REGION_COUNT; r++) {
        assert_int_equal(ink_region_layouts[r].offset, expected[r][0]);
        assert_int_equal(ink_region_layouts[r].nbytes, expected[r][1]);
        sum += ink_region_layouts[r].nbytes;
    }
    assert_int_equal(sum, 81920);
}

static void init_rejects_wrong_size_and_misalignment(void **state)
{
    (void)state;
    static _Alignas(16) uint8_t memory[INK_ARENA_BYTES + 16];
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, memory, INK_ARENA_BYTES - 1), INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_init(&arena, memory + 1, INK_ARENA_BYTES), INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_init(&arena, NULL, INK_ARENA_BYTES), INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_init(&arena, memory, INK_ARENA_BYTES), INK_OK);
}

static void region_claim_points_at_the_region(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_claim claim;
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_DITHER, "test", &claim, NULL),
                     INK_OK);
    assert_ptr_equal(claim.bytes, arena->base + 36864);
    assert_int_equal(claim.nbytes, 32768);
    assert_string_equal(ink_arena_owner_at(arena, 36864 + 100), "test");
    assert_null(ink_arena_owner_at(arena, 36863));
    assert_int_equal(ink_arena_release(arena, &claim), INK_OK);
    assert_int_equal(ink_arena_live_claims(arena), 0);
}

static void overlapping_claims_fail_and_name_the_owner(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_claim a, b, c;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_PRIMARY, 1024, 2048, "window", &a,
                                           NULL),
                     INK_OK);
    /* overlaps the last byte of a */
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_PRIMARY, 3064, 16, "late", &b, &info),
                     INK_ERR_REGION_BUSY);
    assert_non_null(strstr(info.detail, "window"));
    assert_null(b.bytes);
    /* adjacent ranges do not overlap */
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_PRIMARY, 3072, 16, "after", &b, NULL),
                     INK_OK);
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_PRIMARY, 1016, 8, "before", &c, NULL),
                     INK_OK);
    /* a whole-region claim overlaps all of them */
    ink_claim whole;
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_PRIMARY, "whole", &whole, NULL),
                     INK_ERR_REGION_BUSY);
    assert_int_equal(ink_arena_release(arena, &a), INK_OK);
    assert_int_equal(ink_arena_release(arena, &c), INK_OK);
    assert_int_equal(ink_arena_release(arena, &b), INK_OK); /* any order */
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_PRIMARY, "whole", &whole, NULL),
                     INK_OK);
    assert_int_equal(ink_arena_release(arena, &whole), INK_OK);
}

static void claims_outside_a_region_or_misaligned_are_refused(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_claim claim;
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_ROW, 0, 0, "zero", &claim, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_ROW, 0, 4097, "big", &claim, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_ROW, 4088, 16, "past", &claim, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_ROW, 4, 16, "odd", &claim, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_ROW, 0xFFFFFFF8u, 16, "wrap", &claim,
                                           NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_claim_range(arena, (ink_region)7, 0, 16, "none", &claim, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_arena_live_claims(arena), 0);
}

static void double_release_and_stale_handles_are_bad_state(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_claim claim, copy, again;
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_ROW, "row", &claim, NULL), INK_OK);
    copy = claim;
    assert_int_equal(ink_arena_release(arena, &claim), INK_OK);
    assert_int_equal(ink_arena_release(arena, &claim), INK_ERR_BAD_STATE); /* zeroed handle */
    assert_int_equal(ink_arena_release(arena, &copy), INK_ERR_BAD_STATE);  /* stale copy */
    /* the slot is reused by a new claim: the old copy must still not release it */
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_ROW, "row2", &again, NULL), INK_OK);
    assert_int_equal(again.slot, copy.slot);
    assert_int_equal(ink_arena_release(arena, &copy), INK_ERR_BAD_STATE);
    assert_int_equal(ink_arena_live_claims(arena), 1);
    assert_int_equal(ink_arena_release(arena, &again), INK_OK);
}

static void claim_slots_run_out_cleanly(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_claim claims[INK_ARENA_MAX_CLAIMS + 1];
    for (uint32_t i = 0; i < INK_ARENA_MAX_CLAIMS; i++)
        assert_int_equal(ink_arena_claim_range(arena, INK_REGION_SCRATCH, i * 64, 64, "slot",
                                               &claims[i], NULL),
                         INK_OK);
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_SCRATCH, 4096, 64, "one too many",
                                           &claims[INK_ARENA_MAX_CLAIMS], NULL),
                     INK_ERR_NO_MEMORY);
    for (uint32_t i = 0; i < INK_ARENA_MAX_CLAIMS; i++)
        assert_int_equal(ink_arena_release(arena, &claims[i]), INK_OK);
}

static void bump_allocations_are_aligned_and_disjoint(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    void *a, *b, *c;
    assert_int_equal(ink_arena_alloc(arena, 3, 1, 1, &a, NULL), INK_OK);
    assert_int_equal(ink_arena_alloc(arena, 5, 4, 4, &b, NULL), INK_OK);
    assert_int_equal(ink_arena_alloc(arena, 1, 1, 64, &c, NULL), INK_OK);
    assert_ptr_equal(a, arena->base);
    assert_int_equal((uintptr_t)b % INK_ARENA_ALIGN, 0);
    assert_true((uint8_t *)b >= (uint8_t *)a + 3);
    assert_int_equal((uintptr_t)((uint8_t *)c - arena->base) % 64, 0);
    assert_true((uint8_t *)c >= (uint8_t *)b + 20);
    assert_int_equal(ink_arena_alloc(arena, 1, 1, 3, &a, NULL), INK_ERR_INVALID_ARGUMENT);
}

static void zero_and_huge_sizes(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    void *p = NULL;
    assert_int_equal(ink_arena_alloc(arena, 0, 8, 8, &p, NULL), INK_OK);
    assert_non_null(p);
    assert_int_equal(arena->watermark, 0);
    assert_int_equal(ink_arena_alloc(arena, SIZE_MAX / 2, 4, 8, &p, NULL), INK_ERR_NO_MEMORY);
    assert_null(p);
    assert_int_equal(ink_arena_alloc(arena, SIZE_MAX, 1, 8, &p, NULL), INK_ERR_NO_MEMORY);
    assert_int_equal(ink_arena_alloc(arena, INK_ARENA_BYTES + 1, 1, 8, &p, NULL),
                     INK_ERR_NO_MEMORY);
    assert_int_equal(arena->watermark, 0);
    /* exactly the whole arena fits when nothing is claimed */
    assert_int_equal(ink_arena_alloc(arena, INK_ARENA_BYTES, 1, 8, &p, NULL), INK_OK);
    assert_int_equal(ink_arena_alloc(arena, 1, 1, 8, &p, NULL), INK_ERR_NO_MEMORY);
}

static void bump_stops_at_a_live_claim_and_claims_avoid_the_watermark(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_claim row;
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_ROW, "bmp row", &row, NULL), INK_OK);
    void *p;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_arena_alloc(arena, 32768, 1, 8, &p, NULL), INK_OK); /* all of PRIMARY */
    assert_int_equal(ink_arena_alloc(arena, 1, 1, 8, &p, &info), INK_ERR_NO_MEMORY);
    assert_non_null(strstr(info.detail, "bmp row"));
    /* and a claim below the watermark is refused */
    ink_claim low;
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_PRIMARY, 0, 8, "low", &low, NULL),
                     INK_ERR_REGION_BUSY);
    assert_int_equal(ink_arena_release(arena, &row), INK_OK);
}

static void marks_nest_and_restore(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    void *p;
    assert_int_equal(ink_arena_alloc(arena, 100, 1, 8, &p, NULL), INK_OK);
    uint32_t base = arena->watermark;
    ink_arena_mark outer = ink_arena_mark_push(arena);
    assert_int_equal(ink_arena_alloc(arena, 1000, 1, 8, &p, NULL), INK_OK);
    ink_arena_mark inner = ink_arena_mark_push(arena);
    assert_int_equal(ink_arena_alloc(arena, 5000, 1, 8, &p, NULL), INK_OK);
    uint32_t high = arena->watermark;
    /* popping the outer mark first is refused and changes nothing */
    assert_int_equal(ink_arena_mark_pop(arena, &outer), INK_ERR_BAD_STATE);
    assert_int_equal(arena->watermark, high);
    assert_int_equal(ink_arena_mark_pop(arena, &inner), INK_OK);
    assert_int_equal(arena->watermark, inner.watermark);
    assert_int_equal(ink_arena_mark_pop(arena, &inner), INK_ERR_BAD_STATE); /* twice */
    assert_int_equal(ink_arena_mark_pop(arena, &outer), INK_OK);
    assert_int_equal(arena->watermark, base);
    assert_int_equal(arena->high_watermark, high);
    assert_int_equal(arena->mark_depth, 0);
}

static void a_claim_can_use_memory_a_popped_mark_freed(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_arena_mark mark = ink_arena_mark_push(arena);
    void *p;
    assert_int_equal(ink_arena_alloc(arena, 40000, 1, 8, &p, NULL), INK_OK);
    ink_claim primary;
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_PRIMARY, "window", &primary, NULL),
                     INK_ERR_REGION_BUSY);
    assert_int_equal(ink_arena_mark_pop(arena, &mark), INK_OK);
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_PRIMARY, "window", &primary, NULL),
                     INK_OK);
    assert_int_equal(ink_arena_release(arena, &primary), INK_OK);
}

typedef struct collected_lines {
    char text[4096];
} collected_lines;

static void collect_line(void *user, const char *line)
{
    collected_lines *lines = user;
    strncat(lines->text, line, sizeof lines->text - strlen(lines->text) - 2);
    strcat(lines->text, "\n");
}

static void status_lists_regions_claims_and_watermarks(void **state)
{
    (void)state;
    ink_arena *arena = ink_test_arena();
    ink_claim claim;
    void *p;
    assert_int_equal(ink_arena_claim_range(arena, INK_REGION_SCRATCH, 0, 2048, "huffman tables",
                                           &claim, NULL),
                     INK_OK);
    assert_int_equal(ink_arena_alloc(arena, 1234, 1, 8, &p, NULL), INK_OK);
    collected_lines lines = {{0}};
    ink_arena_status(arena, collect_line, &lines);
    assert_non_null(strstr(lines.text, "huffman tables"));
    assert_non_null(strstr(lines.text, "73728..75775 (2048 bytes)"));
    assert_non_null(strstr(lines.text, "bump 1234 (high 1234)"));
    assert_non_null(strstr(lines.text, "SCRATCH at 73728:  8192 bytes,  2048 claimed"));
    for (int r = 0; r < INK_REGION_COUNT; r++)
        assert_non_null(strstr(lines.text, ink_region_layouts[r].name));
    ink_arena_release(arena, &claim);
}

static void misuse_traps_when_asked(void **state)
{
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        /* cmocka catches SIGILL/SIGSEGV to report failures; the child wants the real signal */
        signal(SIGILL, SIG_DFL);
        signal(SIGTRAP, SIG_DFL);
        signal(SIGSEGV, SIG_DFL);
        ink_arena *arena = ink_test_arena();
        arena->trap_on_misuse = true;
        ink_claim claim = {0};
        ink_arena_release(arena, &claim); /* never claimed: must trap */
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    assert_true(WIFSIGNALED(status));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_matches_the_design),
        cmocka_unit_test(init_rejects_wrong_size_and_misalignment),
        cmocka_unit_test(region_claim_points_at_the_region),
        cmocka_unit_test(overlapping_claims_fail_and_name_the_owner),
        cmocka_unit_test(claims_outside_a_region_or_misaligned_are_refused),
        cmocka_unit_test(double_release_and_stale_handles_are_bad_state),
        cmocka_unit_test(claim_slots_run_out_cleanly),
        cmocka_unit_test(bump_allocations_are_aligned_and_disjoint),
        cmocka_unit_test(zero_and_huge_sizes),
        cmocka_unit_test(bump_stops_at_a_live_claim_and_claims_avoid_the_watermark),
        cmocka_unit_test(marks_nest_and_restore),
        cmocka_unit_test(a_claim_can_use_memory_a_popped_mark_freed),
        cmocka_unit_test(status_lists_regions_claims_and_watermarks),
        cmocka_unit_test(misuse_traps_when_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
