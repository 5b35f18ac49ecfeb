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

static void put_unsigned(format_out *out, unsigned long long value, unsigned base, bool negative)
{
    char digits[24];
    size_t count = 0;
    do {
        unsigned digit = (unsigned)(value % base);
        digits[count++] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
        value /= base;
    } while (value != 0);
    if (negative)
        put_char(out, '-');
    while (count > 0)
        put_char(out, digits[--count]);
}

/* Pads the field written since `field_start` to `width` with spaces, on the left (right
 * alignment, the default) or on the right. */
static void pad_field(format_out *out, size_t field_start, size_t width, bool left_align)
{
    size_t written = out->length - field_start;
    if (written >= width)
        return;
    size_t pad = width - written;
    if (pad > out->capacity - out->length)
        pad = out->capacity - out->length;
    if (!left_align) {
        memmove(out->buffer + field_start + pad, out->buffer + field_start, written);
        memset(out->buffer + field_start, ' ', pad);
    } else {
        memset(out->buffer + out->length, ' ', pad);
    }
    out->length += pad;
}

static void put_signed(format_out *out, long long value)
{
    unsigned long long magnitude =
        value < 0 ? (unsigned long long)(-(value + 1)) + 1u : (unsigned long long)value;
    put_unsigned(out, magnitude, 10, value < 0);
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
        size_t field_start = out.length;
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
        switch (*p) {
        case 's': {
            const char *text = va_arg(args, const char *);
            for (text = text ? text : "(null)"; *text; text++)
                put_char(&out, *text);
            break;
        }
        case 'c':
            put_char(&out, (char)va_arg(args, int));
            break;
        case 'd':
        case 'i':
            if (size_t_arg)
                put_signed(&out, (long long)va_arg(args, size_t));
            else if (longs == 2)
                put_signed(&out, va_arg(args, long long));
            else if (longs == 1)
                put_signed(&out, va_arg(args, long));
            else
                put_signed(&out, va_arg(args, int));
            break;
        case 'u':
        case 'x': {
            unsigned base = *p == 'x' ? 16u : 10u;
            if (size_t_arg)
                put_unsigned(&out, va_arg(args, size_t), base, false);
            else if (longs == 2)
                put_unsigned(&out, va_arg(args, unsigned long long), base, false);
            else if (longs == 1)
                put_unsigned(&out, va_arg(args, unsigned long), base, false);
            else
                put_unsigned(&out, va_arg(args, unsigned), base, false);
            break;
        }
        case '%':
            put_char(&out, '%');
            break;
        default:
            /* Unknown conversion: print it as written so the mistake is visible. */
            for (; start <= p && *start; start++)
                put_char(&out, *start);
            if (!*p)
                p--;
            break;
        }
        pad_field(&out, field_start, width, left_align);
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
