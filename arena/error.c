/*
 * error.c — error names and the small freestanding formatter behind the detail strings.
 *
 * The formatter takes an optional '-' flag and a field width ("%-8s", "%5u") besides the
 * conversions listed in error.h.
 */
#include "arena/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char *const error_names[INK_ERROR_COUNT] = {
    [INK_OK] = "ok",
    [INK_ERR_BAD_DATA] = "bad data",
    [INK_ERR_UNSUPPORTED] = "unsupported",
    [INK_ERR_TOO_LARGE] = "too large",
    [INK_ERR_NO_MEMORY] = "out of arena memory",
    [INK_ERR_REGION_BUSY] = "arena region busy",
    [INK_ERR_IO] = "i/o error",
    [INK_ERR_BAD_STATE] = "bad state",
    [INK_ERR_INVALID_ARGUMENT] = "invalid argument",
    [INK_ERR_INTERNAL] = "internal error",
};

const char *ink_strerror(ink_error code)
{
    if ((unsigned)code >= INK_ERROR_COUNT)
        return "unknown error";
    return error_names[code];
}

void ink_error_clear(ink_error_info *info)
{
    if (!info)
        return;
    info->code = INK_OK;
    info->detail[0] = '\0';
}

ink_error ink_error_set(ink_error_info *info, ink_error code, const char *format, ...)
{
    if (!info || code == INK_OK || info->code != INK_OK)
        return code;
    info->code = code;
    va_list args;
    va_start(args, format);
    ink_format_va(info->detail, sizeof info->detail, format, args);
    va_end(args);
    return code;
}

/* Output cursor that silently truncates; `length` counts what was actually stored. */
typedef struct format_out {
    char *buffer;
    size_t capacity; /* bytes available for characters, the NUL excluded */
    size_t length;
} format_out;

static void put_char(format_out *out, char c)
{
    if (out->length < out->capacity)
        out->buffer[out->length++] = c;
}

static void put_repeated(format_out *out, char c, size_t count)
{
    while (count-- > 0)
        put_char(out, c);
}

/* Writes `text` in a field of `width`, right-aligned unless `left_align`. */
static void put_field(format_out *out, const char *text, size_t length, size_t width,
                      bool left_align)
{
    size_t pad = width > length ? width - length : 0;
    if (!left_align)
        put_repeated(out, ' ', pad);
    for (size_t i = 0; i < length; i++)
        put_char(out, text[i]);
    if (left_align)
        put_repeated(out, ' ', pad);
}

/* Renders a number into the end of `digits` (24 bytes); returns where it starts. */
static char *render_number(char digits[24], unsigned long long value, unsigned base,
                           bool negative)
{
    char *p = digits + 24;
    do {
        unsigned digit = (unsigned)(value % base);
        *--p = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
        value /= base;
    } while (value != 0);
    if (negative)
        *--p = '-';
    return p;
}

size_t ink_format_va(char *buffer, size_t nbytes, const char *format, va_list args)
{
    if (nbytes == 0)
        return 0;
    format_out out = {buffer, nbytes - 1, 0};
    for (const char *p = format; *p; p++) {
        if (*p != '%') {
            put_char(&out, *p);
            continue;
        }
        const char *start = p++;
        bool left_align = false;
        size_t width = 0;
        if (*p == '-') {
            left_align = true;
            p++;
        }
        while (*p >= '0' && *p <= '9' && width < 100)
            width = width * 10 + (size_t)(*p++ - '0');
        int longs = 0;
        bool size_t_arg = false;
        while (*p == 'l' && longs < 2) {
            longs++;
            p++;
        }
        if (*p == 'z') {
            size_t_arg = true;
            p++;
        }
        char digits[24];
        const char *text = NULL;
        size_t length = 0;
        switch (*p) {
        case 's':
            text = va_arg(args, const char *);
            text = text ? text : "(null)";
            length = strlen(text);
            break;
        case 'c':
            digits[0] = (char)va_arg(args, int);
            text = digits;
            length = 1;
            break;
        case 'd':
        case 'i': {
            long long value = size_t_arg     ? (long long)va_arg(args, size_t)
                              : longs == 2   ? va_arg(args, long long)
                              : longs == 1   ? va_arg(args, long)
                                             : va_arg(args, int);
            unsigned long long magnitude =
                value < 0 ? (unsigned long long)(-(value + 1)) + 1u : (unsigned long long)value;
            text = render_number(digits, magnitude, 10, value < 0);
            length = (size_t)(digits + 24 - text);
            break;
        }
        case 'u':
        case 'x': {
            unsigned long long value = size_t_arg   ? va_arg(args, size_t)
                                       : longs == 2 ? va_arg(args, unsigned long long)
                                       : longs == 1 ? va_arg(args, unsigned long)
                                                    : va_arg(args, unsigned);
            text = render_number(digits, value, *p == 'x' ? 16u : 10u, false);
            length = (size_t)(digits + 24 - text);
            break;
        }
        case '%':
            text = "%";
            length = 1;
            break;
        default:
            /* Unknown conversion: print it as written so the mistake is visible. */
            text = start;
            length = (size_t)(p - start) + (*p ? 1u : 0u);
            width = 0;
            if (!*p)
                p--;
            break;
        }
        put_field(&out, text, length, width, left_align);
    }
    buffer[out.length] = '\0';
    return out.length;
}

size_t ink_format(char *buffer, size_t nbytes, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    size_t length = ink_format_va(buffer, nbytes, format, args);
    va_end(args);
    return length;
}
