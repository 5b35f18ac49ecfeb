/*
 * decoder.c — what every decoder shares: format sniffing and the caller's size limits.
 */
#include "decode/decoder.h"

#include <string.h>

ink_image_format ink_sniff_format(const uint8_t *head, size_t nbytes)
{
    static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (nbytes >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        return INK_FORMAT_JPEG;
    if (nbytes >= sizeof png_signature && memcmp(head, png_signature, sizeof png_signature) == 0)
        return INK_FORMAT_PNG;
    return INK_FORMAT_UNKNOWN;
}

ink_error ink_check_limits(const ink_limits *limits, uint32_t width, uint32_t height,
                           ink_error_info *info)
{
    ink_limits defaults = INK_LIMITS_DEFAULT;
    if (!limits)
        limits = &defaults;
    if (width == 0 || height == 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "image is %ux%u: no pixels", width, height);
    if (width > limits->max_width)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "image width %u exceeds the limit of %u",
                             width, limits->max_width);
    if (height > limits->max_height)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "image height %u exceeds the limit of %u",
                             height, limits->max_height);
    uint64_t pixels = (uint64_t)width * height;
    if (pixels > limits->max_pixels)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "image of %llu pixels exceeds the limit of %llu",
                             (unsigned long long)pixels, (unsigned long long)limits->max_pixels);
    return INK_OK;
}
