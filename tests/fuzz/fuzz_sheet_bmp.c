/*
 * fuzz_sheet_bmp.c — libFuzzer target for the contact sheet's BMP reader
 * (ink_contact_sheet_read_bmp): the input is a BMP file. Nothing may crash or overrun; an
 * accepted image's pixels all lie in the palette's range and are re-encoded as a PNG.
 */
#include <stdint.h>
#include <stdlib.h>

#include "host/contact_sheet.h"
#include "host/png_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *gray = NULL, *png = NULL;
    uint32_t width = 0, height = 0;
    size_t png_nbytes = 0;
    if (!ink_contact_sheet_read_bmp(data, size, &gray, &width, &height))
        return 0;
    if (width == 0 || height == 0 || (uint64_t)width * height > (uint64_t)size * 8u)
        abort();
    if ((uint64_t)width * height <= 1u << 20 &&
        !ink_png_write_gray8(gray, width, height, &png, &png_nbytes))
        abort();
    free(png);
    free(gray);
    return 0;
}
