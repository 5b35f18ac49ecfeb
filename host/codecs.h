/*
 * codecs.h — the decoders the host can use, and how one is picked for a file.
 *
 *   system  Debian's libjpeg-turbo and libpng (the default)
 *   arena   inkpipe's own in-arena decoders, the ones the board runs
 */
#ifndef INK_HOST_CODECS_H
#define INK_HOST_CODECS_H

#include "decode/decoder.h"

extern const ink_decoder ink_decoder_libjpeg;
extern const ink_decoder ink_decoder_libpng;

typedef enum ink_codec_family {
    INK_CODEC_SYSTEM = 0,
    INK_CODEC_ARENA
} ink_codec_family;

/* The decoder of `family` for `format`, or NULL when that family has none (yet). */
const ink_decoder *ink_host_decoder_for(ink_codec_family family, ink_image_format format);

#endif
