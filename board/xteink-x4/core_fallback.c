/*
 * core_fallback.c — stand-ins for core functions this checkout does not have yet, so the board
 * harness builds and runs before the lead's arena/error.c lands. CMakeLists.txt compiles this file
 * only when no core source defines them (INK_BOARD_NEED_ERROR_FALLBACK); once the core has them,
 * it is not built at all. Board code, so it may use picolibc's vsnprintf.
 */
#include <stdio.h>
#include <string.h>

#include "arena/error.h"

#if INK_BOARD_NEED_ERROR_FALLBACK
ink_error ink_error_set(ink_error_info *info, ink_error code, const char *format, ...)
{
    if (info != NULL && info->code == INK_OK) {
        va_list args;
        va_start(args, format);
        info->code = code;
        (void)vsnprintf(info->detail, sizeof info->detail, format, args);
        va_end(args);
    }
    return code;
}

void ink_error_clear(ink_error_info *info)
{
    if (info != NULL) {
        info->code = INK_OK;
        info->detail[0] = '\0';
    }
}

const char *ink_strerror(ink_error code)
{
    static const char *const names[INK_ERROR_COUNT] = {
        "ok", "bad data", "unsupported", "too large", "no memory", "region busy", "i/o error",
        "bad state", "invalid argument", "internal error"};
    return (unsigned)code < INK_ERROR_COUNT ? names[code] : "unknown error";
}
#endif

#if INK_BOARD_NEED_STREAM_FALLBACK
#include "arena/stream.h"

ink_error ink_source_read_exact(const ink_source *source, uint8_t *dst, size_t nbytes)
{
    while (nbytes > 0u) {
        size_t got = 0;
        ink_error error = source->read(source->user, dst, nbytes, &got);
        if (error != INK_OK) {
            return error;
        }
        if (got == 0u) {
            return INK_ERR_BAD_DATA;
        }
        dst += got;
        nbytes -= got;
    }
    return INK_OK;
}
#endif
