/*
 * dither.c — error-diffusion and threshold dithering (see dither.h for the exact arithmetic).
 *
 * Two error rows suffice for Atkinson's three-row reach: while row y is dithered, the "this row"
 * buffer holds the error arriving at row y, and since each column is read before it is written,
 * column x of that same buffer then receives the error for (x, y+2). After the row the buffers
 * swap, so the one holding y+2 becomes "next".
 */
#include "dither/dither.h"

#include <stdbool.h>
#include <string.h>

#define ERROR_PAD 2u /* columns of padding on each side, so x-1 and x+2 never need a test */

const char *ink_dither_method_name(ink_dither_method method)
{
    switch (method) {
    case INK_DITHER_ATKINSON:
        return "atkinson";
    case INK_DITHER_FLOYD_STEINBERG:
        return "floyd-steinberg";
    case INK_DITHER_THRESHOLD:
        return "threshold";
    }
    return "?";
}

size_t ink_dither_work_bytes(ink_dither_method method, uint32_t width)
{
    if (method == INK_DITHER_THRESHOLD)
        return 0;
    return 2u * ((size_t)width + 2u * ERROR_PAD) * sizeof(int16_t);
}

ink_error ink_dither_init(ink_ditherer *ditherer, ink_dither_method method, uint32_t width,
                          void *work, size_t work_nbytes)
{
    if (!ditherer || width == 0 || (unsigned)method > INK_DITHER_THRESHOLD)
        return INK_ERR_INVALID_ARGUMENT;
    size_t need = ink_dither_work_bytes(method, width);
    if (need > 0 && (!work || work_nbytes < need || ((uintptr_t)work & 1u) != 0))
        return INK_ERR_INVALID_ARGUMENT;
    memset(ditherer, 0, sizeof *ditherer);
    ditherer->method = method;
    ditherer->width = width;
    if (need > 0) {
        memset(work, 0, need);
        ditherer->errors_this_row = (int16_t *)work;
        ditherer->errors_next_row = ditherer->errors_this_row + width + 2u * ERROR_PAD;
    }
    return INK_OK;
}

static void swap_error_rows(ink_ditherer *ditherer)
{
    int16_t *swap = ditherer->errors_this_row;
    ditherer->errors_this_row = ditherer->errors_next_row;
    ditherer->errors_next_row = swap;
}

static void atkinson_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    int16_t *this_row = ditherer->errors_this_row + ERROR_PAD;
    int16_t *next_row = ditherer->errors_next_row + ERROR_PAD;
    const int32_t width = (int32_t)ditherer->width;
    int32_t ahead1 = 0, ahead2 = 0; /* error for (x+1, y) and (x+2, y) */
    uint32_t bits = 0;
    for (int32_t x = 0; x < width; x++) {
        int32_t value = gray[x] + this_row[x] + ahead1;
        int32_t white = value >= 128;
        int32_t share = (value - (white ? 255 : 0)) / 8;
        bits = (bits << 1) | (uint32_t)white;
        if ((x & 7) == 7)
            packed[x >> 3] = (uint8_t)bits;
        ahead1 = ahead2 + share;
        ahead2 = share;
        next_row[x - 1] = (int16_t)(next_row[x - 1] + share);
        next_row[x] = (int16_t)(next_row[x] + share);
        next_row[x + 1] = (int16_t)(next_row[x + 1] + share);
        this_row[x] = (int16_t)share; /* now the error for (x, y+2) */
    }
    if (width & 7)
        packed[width >> 3] = (uint8_t)(bits << (8 - (width & 7)));
    /* Error that left the image on the left or right is dropped. */
    next_row[-1] = 0;
    next_row[width] = 0;
    swap_error_rows(ditherer);
}

static void floyd_steinberg_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    int16_t *this_row = ditherer->errors_this_row + ERROR_PAD;
    int16_t *next_row = ditherer->errors_next_row + ERROR_PAD;
    const int32_t width = (int32_t)ditherer->width;
    const bool left_to_right = (ditherer->y & 1u) == 0;
    const int32_t step = left_to_right ? 1 : -1;
    memset(packed, 0, ink_packed_row_bytes(ditherer->width));
    for (int32_t n = 0, x = left_to_right ? 0 : width - 1; n < width; n++, x += step) {
        int32_t value = gray[x] + this_row[x];
        int32_t white = value >= 128;
        int32_t error = value - (white ? 255 : 0);
        int32_t ahead = error * 7 / 16, behind_below = error * 3 / 16, below = error * 5 / 16;
        int32_t ahead_below = error - ahead - behind_below - below;
        if (white)
            packed[x >> 3] = (uint8_t)(packed[x >> 3] | (0x80u >> (x & 7)));
        this_row[x + step] = (int16_t)(this_row[x + step] + ahead);
        next_row[x - step] = (int16_t)(next_row[x - step] + behind_below);
        next_row[x] = (int16_t)(next_row[x] + below);
        next_row[x + step] = (int16_t)(next_row[x + step] + ahead_below);
    }
    /* This row's buffer becomes the row after next: clear it, padding included. */
    memset(ditherer->errors_this_row, 0, ((size_t)width + 2u * ERROR_PAD) * sizeof(int16_t));
    next_row[-1] = 0;
    next_row[width] = 0;
    swap_error_rows(ditherer);
}

static void threshold_row(const ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    uint32_t width = ditherer->width, bits = 0;
    for (uint32_t x = 0; x < width; x++) {
        bits = (bits << 1) | (gray[x] >= 128 ? 1u : 0u);
        if ((x & 7) == 7)
            packed[x >> 3] = (uint8_t)bits;
    }
    if (width & 7)
        packed[width >> 3] = (uint8_t)(bits << (8 - (width & 7)));
}

void ink_dither_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    switch (ditherer->method) {
    case INK_DITHER_ATKINSON:
        atkinson_row(ditherer, gray, packed);
        break;
    case INK_DITHER_FLOYD_STEINBERG:
        floyd_steinberg_row(ditherer, gray, packed);
        break;
    case INK_DITHER_THRESHOLD:
        threshold_row(ditherer, gray, packed);
        break;
    }
    ditherer->y++;
}
