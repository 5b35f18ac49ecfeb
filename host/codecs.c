/*
 * codecs.c — picking a decoder by family and format (see codecs.h).
 */
#include "host/codecs.h"

#include <stddef.h>

#include "decode/jpeg.h"
#include "decode/png.h"

const ink_decoder *ink_host_decoder_for(ink_codec_family family, ink_image_format format)
{
    if (family == INK_CODEC_SYSTEM) {
        if (format == INK_FORMAT_JPEG)
            return &ink_decoder_libjpeg;
        if (format == INK_FORMAT_PNG)
            return &ink_decoder_libpng;
    }
    if (family == INK_CODEC_ARENA) {
        if (format == INK_FORMAT_JPEG)
            return &ink_decoder_arena_jpeg;
        if (format == INK_FORMAT_PNG)
            return &ink_decoder_arena_png;
    }
    return NULL;
}
