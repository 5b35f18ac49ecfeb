/*
 * png_write.h — a small PNG encoder for the host (zlib): 8-bit gray images, used by the contact
 * sheet to embed BMP outputs where browsers expect PNG.
 *
 * Output: signature, IHDR (colour type 0, depth 8, no interlace), one IDAT holding the zlib
 * stream of the rows (each with filter byte 0, none), IEND. CRCs by zlib's crc32.
 */
#ifndef INK_HOST_PNG_WRITE_H
#define INK_HOST_PNG_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Encodes `width` x `height` gray bytes (row after row, no padding). On success *png is a heap
 * buffer of *png_nbytes bytes the caller frees. False for a zero or over-large size or when
 * memory runs out. */
bool ink_png_write_gray8(const uint8_t *pixels, uint32_t width, uint32_t height, uint8_t **png,
                         size_t *png_nbytes);

#endif
