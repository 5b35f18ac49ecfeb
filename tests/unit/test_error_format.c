/*
 * test_error_format.c — the freestanding formatter behind error details, against snprintf.
 */
#include "test_support.h"

#include <stdio.h>
#include <string.h>

#include "arena/error.h"

static void formats_like_snprintf(void **state)
{
    (void)state;
    char ours[200], libc[200];
    ink_format(ours, sizeof ours, "%s|%d|%u|%x|%ld|%lu|%lld|%llu|%zu|%c|%%|%5u|%-6s|%3d", "ab",
               -2147483647 - 1, 4294967295u, 0xBEEFu, -5L, 7UL, -9223372036854775807LL - 1,
               18446744073709551615ULL, (size_t)12345, 'z', 42u, "ok", -7);
    snprintf(libc, sizeof libc, "%s|%d|%u|%x|%ld|%lu|%lld|%llu|%zu|%c|%%|%5u|%-6s|%3d", "ab",
             -2147483647 - 1, 4294967295u, 0xBEEFu, -5L, 7UL, -9223372036854775807LL - 1,
             18446744073709551615ULL, (size_t)12345, 'z', 42u, "ok", -7);
    assert_string_equal(ours, libc);
}

static void truncates_and_terminates(void **state)
{
    (void)state;
    char small[6];
    assert_int_equal(ink_format(small, sizeof small, "%s", "abcdefgh"), 5);
    assert_string_equal(small, "abcde");
    assert_int_equal(ink_format(small, sizeof small, "%8u", 7u), 5);
    assert_string_equal(small, "     ");
    assert_int_equal(ink_format(small, 0, "x"), 0);
}

static void first_error_wins(void **state)
{
    (void)state;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_error_set(&info, INK_ERR_BAD_DATA, "row %u", 3u), INK_ERR_BAD_DATA);
    assert_int_equal(ink_error_set(&info, INK_ERR_IO, "later"), INK_ERR_IO);
    assert_int_equal(info.code, INK_ERR_BAD_DATA);
    assert_string_equal(info.detail, "row 3");
    assert_int_equal(ink_error_set(NULL, INK_ERR_IO, "nowhere"), INK_ERR_IO);
    for (int code = 0; code < INK_ERROR_COUNT; code++)
        assert_true(strlen(ink_strerror((ink_error)code)) > 0);
    assert_string_equal(ink_strerror((ink_error)99), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_like_snprintf),
        cmocka_unit_test(truncates_and_terminates),
        cmocka_unit_test(first_error_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
