/*
 * codec_libjpeg.c — the host JPEG decoder: Debian's libjpeg-turbo behind ink_decoder.
 *
 * Gray output: JCS_GRAYSCALE for gray, YCbCr and RGB files (libjpeg's own conversion, whose
 * weights are decode/gray.h's); CMYK and YCCK are decoded to CMYK and reduced with
 * ink_gray_from_adobe_cmyk. DCT scaling 1/1..1/8 through scale_denom, JDCT_ISLOW.
 * Corrupt data: libjpeg's warnings for truncated or damaged entropy data are treated as errors,
 * so a damaged file fails rather than showing a grey smear.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "decode/gray.h"
#include "host/codecs.h"

#define INPUT_BUFFER_BYTES 16384

typedef struct libjpeg_context {
    struct jpeg_decompress_struct decompress;
    struct jpeg_error_mgr error_manager;
    struct jpeg_source_mgr source_manager;
    jmp_buf on_error;
    const ink_source *source;
    ink_error source_error;
    JSAMPLE *row; /* in the context, so that it survives a longjmp */
    JOCTET buffer[INPUT_BUFFER_BYTES];
    char message[JMSG_LENGTH_MAX];
} libjpeg_context;

static void fail_with_message(j_common_ptr common)
{
    libjpeg_context *context = (libjpeg_context *)common->client_data;
    common->err->format_message(common, context->message);
    longjmp(context->on_error, 1);
}

static void on_message(j_common_ptr common, int level)
{
    if (level >= 0)
        return; /* trace messages */
    switch (common->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
        fail_with_message(common);
        break;
    default:
        common->err->num_warnings++;
        break;
    }
}

static void source_init(j_decompress_ptr decompress)
{
    (void)decompress;
}

static boolean source_fill(j_decompress_ptr decompress)
{
    libjpeg_context *context = (libjpeg_context *)decompress->client_data;
    size_t got = 0;
    ink_error error = context->source->read(context->source->user, context->buffer,
                                            sizeof context->buffer, &got);
    if (error != INK_OK) {
        context->source_error = error;
        ERREXIT(decompress, JERR_FILE_READ);
    }
    if (got == 0) {
        /* Insert a fake EOI, as libjpeg's own sources do; the warning makes it an error. */
        WARNMS(decompress, JWRN_JPEG_EOF);
        context->buffer[0] = 0xFF;
        context->buffer[1] = JPEG_EOI;
        got = 2;
    }
    context->source_manager.next_input_byte = context->buffer;
    context->source_manager.bytes_in_buffer = got;
    return TRUE;
}

static void source_skip(j_decompress_ptr decompress, long nbytes)
{
    struct jpeg_source_mgr *manager = decompress->src;
    while (nbytes > (long)manager->bytes_in_buffer) {
        nbytes -= (long)manager->bytes_in_buffer;
        manager->bytes_in_buffer = 0;
        source_fill(decompress);
    }
    manager->next_input_byte += nbytes;
    manager->bytes_in_buffer -= (size_t)nbytes;
}

static void source_term(j_decompress_ptr decompress)
{
    (void)decompress;
}

static const char *describe(const struct jpeg_decompress_struct *d)
{
    if (d->progressive_mode)
        return "JPEG progressive";
    if (d->arith_code)
        return "JPEG arithmetic";
    switch (d->jpeg_color_space) {
    case JCS_GRAYSCALE:
        return "JPEG gray";
    case JCS_RGB:
        return "JPEG RGB";
    case JCS_CMYK:
        return "JPEG CMYK";
    case JCS_YCCK:
        return "JPEG YCCK";
    default:
        return "JPEG YCbCr";
    }
}

static ink_error decode_libjpeg(const ink_source *source, ink_arena *arena,
                                const ink_limits *limits, const ink_row_sink *sink,
                                ink_error_info *info)
{
    (void)arena;
    libjpeg_context *context = calloc(1, sizeof *context);
    if (!context)
        return ink_error_set(info, INK_ERR_NO_MEMORY, "libjpeg: out of memory");
    struct jpeg_decompress_struct *d = &context->decompress;
    volatile ink_error result = INK_OK;
    d->err = jpeg_std_error(&context->error_manager);
    context->error_manager.error_exit = fail_with_message;
    context->error_manager.emit_message = on_message;
    context->source = source;
    if (setjmp(context->on_error)) {
        if (context->source_error != INK_OK)
            result = ink_error_set(info, context->source_error, "JPEG: cannot read the input");
        else if (result == INK_OK)
            result = ink_error_set(info, INK_ERR_BAD_DATA, "JPEG: %s", context->message);
        goto done;
    }
    jpeg_create_decompress(d);
    d->client_data = context;
    d->src = &context->source_manager;
    context->source_manager.init_source = source_init;
    context->source_manager.fill_input_buffer = source_fill;
    context->source_manager.skip_input_data = source_skip;
    context->source_manager.resync_to_restart = jpeg_resync_to_restart;
    context->source_manager.term_source = source_term;
    jpeg_read_header(d, TRUE);

    result = ink_check_limits(limits, d->image_width, d->image_height, info);
    if (result != INK_OK)
        goto done;
    ink_image_info image = {d->image_width, d->image_height, INK_SCALE_MASK_DCT, false,
                            describe(d), 0};
    unsigned scale_log2 = 0;
    result = sink->begin(sink->user, &image, &scale_log2);
    if (result != INK_OK)
        goto done;
    bool cmyk = d->jpeg_color_space == JCS_CMYK || d->jpeg_color_space == JCS_YCCK;
    d->out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
    d->dct_method = JDCT_ISLOW;
    d->scale_num = 1;
    d->scale_denom = 1u << scale_log2;
    jpeg_start_decompress(d);
    JSAMPLE *row = context->row = malloc((size_t)d->output_width * (size_t)d->output_components);
    if (!row) {
        result = ink_error_set(info, INK_ERR_NO_MEMORY, "libjpeg: out of memory");
        goto done;
    }
    while (d->output_scanline < d->output_height) {
        JSAMPROW rows[1] = {row};
        jpeg_read_scanlines(d, rows, 1);
        if (cmyk) {
            for (JDIMENSION x = 0; x < d->output_width; x++) {
                const JSAMPLE *p = row + 4 * (size_t)x;
                row[x] = ink_gray_from_adobe_cmyk(p[0], p[1], p[2], p[3]);
            }
        }
        result = sink->row(sink->user, row);
        if (result != INK_OK)
            goto done;
    }
    jpeg_finish_decompress(d);
done:
    jpeg_destroy_decompress(d);
    free(context->row);
    free(context);
    return result;
}

const ink_decoder ink_decoder_libjpeg = {"libjpeg-turbo", INK_FORMAT_JPEG, decode_libjpeg};
