/*
 * png.c — the in-arena PNG decoder: memory plan, the row loop, Adam7 in bands.
 *
 * Memory (docs/PNG.md):
 *   PRIMARY  inflate window, 32768 bytes
 *   SCRATCH  inflate state, INK_INFLATE_STATE_BYTES rounded up to 8 (7968 today)
 *   DITHER   [read buffer: 1024] [row buffer: align8(row_nbytes)] [carry: 1024, of which 8
 *            bytes are used] [gray: align8(width) bytes, or for Adam7 `slots` rows of `width`
 *            bytes holding a band's even rows]; the read buffer is claimed first (the header
 *            needs it), the rest once the header has given the width.
 *
 * The image data is inflated straight into the inflate window (ink_inflate_window_space), ahead
 * as far as the window's end and the buffered input allow, so that inflate runs its fast loop
 * over many rows per call and copies nothing into its history. Rows are unfiltered from the
 * window in place over the previous row (png_unfilter.c), then converted to gray into the gray
 * area and handed to the sink. A pixel that the window's end splits is put together in the
 * carry.
 *
 * Adam7: rows come out top to bottom, so the image is produced in bands of 2 * slots rows.
 * For each band the IDAT stream is inflated from its start: passes 1-6 (which make up the even
 * rows) are unfiltered up to the band and their pixels inside the band are scattered into the
 * band's even-row slots; pass 7 (exactly the odd rows) is unfiltered up to the band and each of
 * its rows inside the band is emitted right after the even row above it. Rows of passes 1-6
 * below the band are inflated but not unfiltered; the sweep stops at the first pass-7 row
 * below the band. Cost: stream_passes inflations of (on average) three quarters of the data.
 */
#include "decode/png.h"

#include <string.h>

#include "decode/inflate.h"
#include "decode/png_internal.h"

#define INK_PNG_READ_BUFFER_BYTES 1024u
/* Input offered to inflate at least, while a chunk has more (INK_INFLATE_INPUT_TAIL_BYTES of it
 * may be left to the next call): several times the tail, so that every call makes progress. */
#define INK_PNG_INFLATE_MIN_INPUT_BYTES 64u
/* The carry: a pixel (at most 8 bytes) split by the inflate window's end. The plan keeps the
 * 1 KB that the inflated-bytes buffer had before inflate wrote into its window, so that the
 * width limits stay those the tests and docs state. */
#define INK_PNG_CARRY_BYTES 1024u
/* Adam7 work cap: stream_passes x image bytes inflated, at most 1 GiB (about two minutes on
 * the board at ~20 instructions per byte and 160 MHz). */
#define INK_PNG_MAX_ADAM7_INFLATE_BYTES (1ull << 30)
/* DITHER bytes for the row buffer, the chunk and the gray output. */
#define INK_PNG_DITHER_BUDGET (INK_REGION_DITHER_BYTES - INK_PNG_READ_BUFFER_BYTES)

static uint32_t align8(uint64_t n)
{
    return (uint32_t)((n + 7u) & ~(uint64_t)7u);
}

typedef struct png_decoder {
    ink_png_reader reader;
    ink_png_header header;
    ink_png_plan plan;
    const ink_row_sink *sink;
    ink_inflate *inflate;
    void *inflate_memory;
    uint32_t inflate_nbytes;
    uint8_t *window;
    uint8_t *row;    /* the row buffer */
    /* Unread inflated bytes: next[0, next_nbytes), in the window, ending at its write position;
     * or, while a pixel split by the window's end is read, in carry, and then the window's
     * bytes from ring_next to its write position. */
    const uint8_t *next;
    uint32_t next_nbytes;
    uint8_t *carry;
    const uint8_t *ring_next; /* NULL unless next is in carry */
    /* An inflate error met while inflating ahead, once the bytes asked for were there: it is
     * reported only if those bytes run out (libpng ignores errors after the last row). */
    ink_error deferred_error;
    uint8_t *gray;   /* one gray row, or the band's even-row slots */
    /* Not interlaced: gray holds the gray of the row buffer's row (the row above the next one;
     * the sink only reads it), which fused Up rows use (ink_png_unfilter.gray_above). */
    bool gray_holds_row;
} png_decoder;

/* --- the memory plan --- */

static uint64_t dither_needed(uint32_t width, uint32_t bits_per_pixel)
{
    uint64_t row = ((uint64_t)width * bits_per_pixel + 7u) / 8u;
    return align8(row) + INK_PNG_CARRY_BYTES + align8(width);
}

ink_error ink_png_plan_for(uint32_t width, uint32_t height, uint8_t color_type, uint8_t bit_depth,
                           bool interlaced, ink_png_plan *plan, ink_error_info *info)
{
    memset(plan, 0, sizeof *plan);
    ink_png_pixels pixels;
    ink_error err = ink_png_pixels_init(&pixels, color_type, bit_depth, 255, info);
    if (err != INK_OK)
        return err;
    if (width == 0 || height == 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: empty image");
    if (dither_needed(width, pixels.bits_per_pixel) > INK_PNG_DITHER_BUDGET) {
        uint32_t low = 1, high = INK_PNG_DITHER_BUDGET; /* largest width that fits */
        while (low < high) {
            uint32_t mid = low + (high - low + 1) / 2;
            if (dither_needed(mid, pixels.bits_per_pixel) <= INK_PNG_DITHER_BUDGET)
                low = mid;
            else
                high = mid - 1;
        }
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "PNG %lu px wide: a row of %llu bytes does not fit the %u-byte row "
                             "buffers; the limit for %s is %lu px",
                             (unsigned long)width,
                             (unsigned long long)(((uint64_t)width * pixels.bits_per_pixel + 7) / 8),
                             (unsigned)INK_PNG_DITHER_BUDGET,
                             ink_png_format_name(color_type, bit_depth, false), (unsigned long)low);
    }
    plan->row_nbytes = (uint32_t)ink_png_row_nbytes(&pixels, width);
    plan->carry_nbytes = INK_PNG_CARRY_BYTES;
    const uint32_t fixed = align8(plan->row_nbytes) + INK_PNG_CARRY_BYTES;
    if (!interlaced) {
        plan->dither_nbytes = INK_PNG_READ_BUFFER_BYTES + fixed + align8(width);
        plan->band_rows = height;
        plan->stream_passes = 1;
        return INK_OK;
    }
    uint32_t slots = (INK_PNG_DITHER_BUDGET - fixed) / width; /* >= 1 by the check above */
    uint32_t even_rows = (uint32_t)(((uint64_t)height + 1) / 2);
    if (slots > even_rows)
        slots = even_rows;
    plan->band_rows = 2 * slots;
    plan->stream_passes = (uint32_t)(((uint64_t)height + plan->band_rows - 1) / plan->band_rows);
    plan->dither_nbytes = INK_PNG_READ_BUFFER_BYTES + fixed + align8((uint64_t)slots * width);
    /* Each band re-inflates the stream: bound the total so that a small file cannot ask for
     * hours of work (4096x4096 RGBA would be 683 passes over 64 MB). */
    uint64_t image_nbytes = (uint64_t)height * (plan->row_nbytes + 1u);
    if (plan->stream_passes > 1 &&
        (uint64_t)plan->stream_passes * image_nbytes > INK_PNG_MAX_ADAM7_INFLATE_BYTES)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "interlaced PNG %lux%lu would need %lu passes over its %llu bytes of "
                             "image data; the limit is %llu MB inflated",
                             (unsigned long)width, (unsigned long)height,
                             (unsigned long)plan->stream_passes, (unsigned long long)image_nbytes,
                             (unsigned long long)(INK_PNG_MAX_ADAM7_INFLATE_BYTES >> 20));
    return INK_OK;
}

/* --- image data --- */

/* Moves to the next IDAT chunk once the current one is read (its CRC checked). */
static ink_error next_idat(ink_png_reader *reader, const char *why_not, ink_error_info *info)
{
    bool crc_ok;
    ink_error err = ink_png_chunk_end(reader, &crc_ok, info);
    if (err != INK_OK)
        return err;
    if (!crc_ok)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: CRC mismatch in IDAT");
    err = ink_png_chunk_begin(reader, info);
    if (err != INK_OK)
        return err;
    if (reader->chunk_type != INK_PNG_CHUNK_IDAT)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: not enough image data (%s)", why_not);
    return INK_OK;
}

static ink_error report_deferred(png_decoder *dec, ink_error_info *info)
{
    ink_inflate_io none = {NULL, 0, NULL, 0};
    (void)ink_inflate_run(dec->inflate, &none, info); /* a failed state repeats its detail */
    return ink_error_set(info, dec->deferred_error, "PNG: bad zlib data in IDAT");
}

/*
 * Inflates into the window at its write position, towards the window's end (`stop_short`: to
 * one byte before it, so that the write position does not wrap): at least `want` bytes
 * (crossing IDAT chunks if it must), then ahead as far as the current chunk's buffered input
 * allows. Stops early at the end of the stream, or at an error met once `want` bytes are there
 * (kept in deferred_error: libpng ignores errors after the last row). *produced receives the
 * bytes written.
 */
static ink_error inflate_more(png_decoder *dec, uint32_t want, bool stop_short,
                              uint32_t *produced, ink_error_info *info)
{
    ink_png_reader *reader = &dec->reader;
    size_t space;
    uint8_t *out = ink_inflate_window_space(dec->inflate, &space);
    if (stop_short)
        space--;
    uint32_t done = 0;
    *produced = 0;
    while (done < space) {
        const bool enough = done >= want;
        if (dec->deferred_error != INK_OK || ink_inflate_finished(dec->inflate))
            break;
        if (reader->chunk_left == 0) {
            if (enough)
                break; /* the next chunk's framing is checked when its bytes are needed */
            ink_error err = next_idat(reader, "the IDAT chunks end early", info);
            if (err != INK_OK)
                return err;
            continue;
        }
        if (enough && reader->position == reader->length)
            break; /* inflate ahead only from input already read */
        /* Within a chunk, inflate leaves its last few input bytes to the next call, after
         * more have been read behind them: its fast loop then takes them. */
        const uint8_t *bytes;
        uint32_t available;
        ink_error err = ink_png_chunk_peek_at_least(reader, INK_PNG_INFLATE_MIN_INPUT_BYTES,
                                                    &bytes, &available, info);
        if (err != INK_OK)
            return err;
        ink_inflate_io io = {bytes, available, out + done, space - done};
        ink_error_info inflate_info;
        ink_error_clear(&inflate_info);
        if (available >= INK_PNG_INFLATE_MIN_INPUT_BYTES && available < reader->chunk_left)
            err = ink_inflate_run_input_continues(dec->inflate, &io, &inflate_info);
        else
            err = ink_inflate_run(dec->inflate, &io, &inflate_info);
        uint32_t consumed = available - (uint32_t)io.in_nbytes;
        uint32_t written = (uint32_t)(space - done - io.out_nbytes);
        ink_png_chunk_consume(reader, consumed);
        done += written;
        *produced = done;
        if (err != INK_OK) {
            if (done >= want) {
                dec->deferred_error = err;
                break;
            }
            if (info)
                *info = inflate_info;
            return ink_error_set(info, err, "PNG: bad zlib data in IDAT");
        }
        if (consumed == 0 && written == 0 && !ink_inflate_finished(dec->inflate))
            return ink_error_set(info, INK_ERR_INTERNAL, "PNG: inflate made no progress");
    }
    return INK_OK;
}

static const uint8_t *window_write_position(const png_decoder *dec)
{
    size_t space;
    return ink_inflate_window_space(dec->inflate, &space);
}

/*
 * Makes at least `need` (at most 8: a pixel) unread bytes contiguous at dec->next. They are
 * read in place in the window; when the window's end splits them, the bytes before the end and
 * the first ones after its start (the write position has wrapped there) are put together in
 * the carry, and reading goes on in the window after them once the carry is used up. While the
 * carry is read, the write position stays short of the window's end: bytes from ring_next to
 * it are then unambiguous.
 */
static ink_error fill(png_decoder *dec, uint32_t need, ink_error_info *info)
{
    const uint8_t *const window_end = dec->window + INK_INFLATE_WINDOW_BYTES;
    for (;;) {
        uint32_t have = dec->next_nbytes;
        if (have >= need)
            return INK_OK;
        if (dec->ring_next) {
            const uint8_t *write_position = window_write_position(dec);
            if (have == 0) { /* the carry is used up: back to the window */
                dec->next = dec->ring_next;
                dec->next_nbytes = (uint32_t)(write_position - dec->ring_next);
                dec->ring_next = NULL;
                continue;
            }
            memmove(dec->carry, dec->next, have);
            uint32_t take = need - have;
            if (take > (uint32_t)(write_position - dec->ring_next))
                take = (uint32_t)(write_position - dec->ring_next);
            memcpy(dec->carry + have, dec->ring_next, take);
            dec->ring_next += take;
            dec->next = dec->carry;
            dec->next_nbytes = have + take;
            if (dec->next_nbytes >= need)
                return INK_OK;
        } else if (dec->next + have == window_end) {
            /* The write position has wrapped to the window's start. */
            if (have > 0) {
                memmove(dec->carry, dec->next, have);
                dec->next = dec->carry;
                dec->ring_next = dec->window;
                continue;
            }
            dec->next = dec->window;
        }
        uint32_t produced;
        ink_error err = inflate_more(dec, need - dec->next_nbytes, dec->ring_next != NULL,
                                     &produced, info);
        if (err != INK_OK)
            return err;
        if (!dec->ring_next)
            dec->next_nbytes += produced;
        if (produced == 0)
            break;
    }
    if (dec->deferred_error != INK_OK)
        return report_deferred(dec, info);
    return ink_error_set(info, INK_ERR_BAD_DATA,
                         "PNG: not enough image data (zlib stream ends after %llu bytes)",
                         (unsigned long long)ink_inflate_total_out(dec->inflate));
}

/* The unread bytes inflated ahead: next's and, while the carry is read, the window's after it. */
static uint32_t unread_nbytes(const png_decoder *dec)
{
    uint32_t n = dec->next_nbytes;
    if (dec->ring_next)
        n += (uint32_t)(window_write_position(dec) - dec->ring_next);
    return n;
}

/* Decompressed bytes accepted after the last row. Deflate expands up to 1032:1, so "linear in
 * the input" was up to a gigabyte inflated per megabyte of file (1.1 s of host CPU for a 1 MB
 * file, minutes on the board); real encoders leave nothing or a few bytes there. */
#define PNG_MAX_EXTRA_NBYTES (1024u * 1024u)

/* After the last row, libpng's rules: the rest of the zlib stream is inflated and discarded
 * (extra image data only draws a warning there, so it is accepted, up to PNG_MAX_EXTRA_NBYTES:
 * more is refused as a decompression bomb, where libpng would inflate it all); a zlib error
 * there (a bad Adler-32, say) is likewise only a warning; but the stream must end before the
 * IDAT chunks do. Then the chunks up to IEND are read. */
static ink_error finish(png_decoder *dec, ink_error_info *info)
{
    ink_png_reader *reader = &dec->reader;
    uint32_t extra_nbytes = unread_nbytes(dec); /* inflated ahead */
    /* A fault right at the end of the image data is one libpng meets while its inflate still
     * reads the last row (zlib decodes the next symbol, or checks the trailer, without output
     * space): an error there, as it is for ours. Later faults are benign (below). */
    if (dec->deferred_error != INK_OK && extra_nbytes == 0)
        return report_deferred(dec, info);
    while (!ink_inflate_finished(dec->inflate) && dec->deferred_error == INK_OK) {
        if (extra_nbytes > PNG_MAX_EXTRA_NBYTES)
            break;
        if (reader->chunk_left == 0) {
            ink_error err = next_idat(reader, "zlib stream unfinished at the last IDAT", info);
            if (err != INK_OK)
                return err;
            continue;
        }
        const uint8_t *bytes;
        uint32_t available;
        ink_error err = ink_png_chunk_peek(reader, &bytes, &available, info);
        if (err != INK_OK)
            return err;
        size_t space;
        uint8_t *discard = ink_inflate_window_space(dec->inflate, &space);
        ink_inflate_io io = {bytes, available, discard, space};
        ink_error_info ignored;
        ink_error_clear(&ignored);
        err = ink_inflate_run(dec->inflate, &io, &ignored);
        uint32_t consumed = available - (uint32_t)io.in_nbytes;
        ink_png_chunk_consume(reader, consumed);
        if (err != INK_OK)
            break; /* libpng: a benign error once the rows are complete */
        extra_nbytes += (uint32_t)(space - io.out_nbytes);
        if (consumed == 0 && io.out_nbytes == space && !ink_inflate_finished(dec->inflate))
            return ink_error_set(info, INK_ERR_INTERNAL, "PNG: inflate made no progress");
    }
    if (extra_nbytes > PNG_MAX_EXTRA_NBYTES)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "PNG: more than %u bytes of image data after the last row "
                             "(a decompression bomb)", PNG_MAX_EXTRA_NBYTES);
    return ink_png_read_trailer(reader, &dec->header, false, info);
}

/* --- the row loop --- */

typedef struct adam7_pass {
    uint8_t x0, y0, dx, dy;
} adam7_pass;

static const adam7_pass adam7_passes[7] = {
    {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
};

static uint32_t pass_size(uint32_t size, uint32_t start, uint32_t step)
{
    return size > start ? (size - start + step - 1) / step : 0;
}

enum row_use { ROW_UNFILTER, ROW_CONVERT, ROW_SKIP };

/* Takes one row of `row_nbytes` from the inflated bytes and, unless skipped, unfilters it into
 * dec->row. With `gray` (a row to convert, not interlaced), rows that the fused path takes
 * (ink_png_unfilter_gray_applies) are converted into it as they are unfiltered, and
 * *converted says so. */
static ink_error read_row(png_decoder *dec, uint32_t row_nbytes, enum row_use use,
                          uint8_t *gray, bool *converted, ink_error_info *info)
{
    *converted = false;
    ink_error err = fill(dec, 1, info);
    if (err != INK_OK)
        return err;
    uint8_t filter = *dec->next++;
    dec->next_nbytes--;
    if (filter > 4)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: invalid filter type %u", filter);
    const uint32_t bpp = dec->header.pixels.filter_bpp;
    ink_png_unfilter state;
    ink_png_unfilter_begin_row(&state, filter, (uint8_t)bpp);
    const bool fused = gray && ink_png_unfilter_gray_applies(&dec->header.pixels, filter);
    state.gray_above = fused && gray == dec->gray && dec->gray_holds_row;
    for (uint32_t offset = 0; offset < row_nbytes;) {
        err = fill(dec, bpp, info); /* the row's bytes left are a multiple of bpp */
        if (err != INK_OK)
            return err;
        uint32_t n = dec->next_nbytes;
        if (n > row_nbytes - offset)
            n = row_nbytes - offset;
        n -= n % bpp;
        if (fused)
            ink_png_unfilter_gray_chunk(&state, dec->row, offset, dec->next, n,
                                        &dec->header.pixels, gray + offset / bpp);
        else if (use != ROW_SKIP)
            ink_png_unfilter_chunk(&state, dec->row, offset, dec->next, n);
        dec->next += n;
        dec->next_nbytes -= n;
        offset += n;
    }
    *converted = fused;
    return INK_OK;
}

static ink_error emit(png_decoder *dec, const uint8_t *gray)
{
    return dec->sink->row(dec->sink->user, gray);
}

/* One pass over the image data producing output rows [y0, y1). */
static ink_error sweep(png_decoder *dec, uint32_t y0, uint32_t y1, bool first, bool last,
                       ink_error_info *info)
{
    ink_error err;
    if (!first) {
        err = ink_png_reader_seek(&dec->reader, dec->header.first_idat_offset, info);
        if (err == INK_OK)
            err = ink_png_chunk_begin(&dec->reader, info);
        if (err != INK_OK)
            return err;
    }
    err = ink_inflate_init(&dec->inflate, dec->inflate_memory, dec->inflate_nbytes, dec->window,
                           INK_INFLATE_ZLIB);
    if (err != INK_OK)
        return ink_error_set(info, err, "PNG: cannot set up inflate");
    dec->next = dec->window;
    dec->next_nbytes = 0;
    dec->ring_next = NULL;
    dec->deferred_error = INK_OK;
    dec->gray_holds_row = false;

    const ink_png_pixels *pixels = &dec->header.pixels;
    const uint32_t width = dec->header.width, height = dec->header.height;
    const bool interlaced = dec->header.interlaced;
    const adam7_pass whole = {0, 0, 1, 1};
    const unsigned npasses = interlaced ? 7 : 1;
    for (unsigned p = 0; p < npasses; p++) {
        const adam7_pass *pass = interlaced ? &adam7_passes[p] : &whole;
        const bool odd_rows = !interlaced || p == 6; /* rows that go straight to the sink */
        uint32_t pass_width = pass_size(width, pass->x0, pass->dx);
        uint32_t pass_height = pass_size(height, pass->y0, pass->dy);
        if (pass_width == 0 || pass_height == 0)
            continue;
        uint32_t row_nbytes = (uint32_t)ink_png_row_nbytes(pixels, pass_width);
        memset(dec->row, 0, row_nbytes);
        for (uint32_t r = 0; r < pass_height; r++) {
            uint32_t y = pass->y0 + r * pass->dy;
            if (odd_rows && y >= y1)
                return INK_OK; /* only a non-last band gets here */
            enum row_use use = y < y0 ? ROW_UNFILTER : y < y1 ? ROW_CONVERT : ROW_SKIP;
            bool converted;
            err = read_row(dec, row_nbytes, use,
                           use == ROW_CONVERT && !interlaced ? dec->gray : NULL, &converted,
                           info);
            if (err != INK_OK)
                return err;
            if (use != ROW_CONVERT) {
                dec->gray_holds_row = false; /* the row buffer moved on without the gray */
                continue;
            }
            if (!interlaced) {
                if (!converted)
                    ink_png_gray_row(pixels, dec->row, width, dec->gray, 1);
                dec->gray_holds_row = true;
                err = emit(dec, dec->gray);
            } else if (!odd_rows) {
                uint8_t *slot = dec->gray + (size_t)((y - y0) / 2) * width;
                ink_png_gray_row(pixels, dec->row, pass_width, slot + pass->x0, pass->dx);
            } else {
                /* Pass 7: the even row above is complete; send it, then this row. */
                uint8_t *slot = dec->gray + (size_t)((y - 1 - y0) / 2) * width;
                err = emit(dec, slot);
                if (err == INK_OK) {
                    ink_png_gray_row(pixels, dec->row, width, slot, 1);
                    err = emit(dec, slot);
                }
            }
            if (err != INK_OK)
                return err;
        }
    }
    if (interlaced && (y1 - y0) % 2 == 1) {
        /* The image's last row is even (height odd): nothing follows it in pass 7. */
        err = emit(dec, dec->gray + (size_t)((y1 - 1 - y0) / 2) * width);
        if (err != INK_OK)
            return err;
    }
    return last ? finish(dec, info) : INK_OK;
}

/* --- the decoder --- */

static ink_error decode_claimed(png_decoder *dec, ink_arena *arena, const ink_limits *limits,
                                uint8_t background, ink_claim *claims, ink_error_info *info)
{
    dec->inflate_nbytes = align8(INK_INFLATE_STATE_BYTES);
    ink_error err = ink_arena_claim_range(arena, INK_REGION_SCRATCH, 0, dec->inflate_nbytes,
                                          "png inflate state", &claims[0], info);
    if (err != INK_OK)
        return err;
    dec->inflate_memory = claims[0].bytes;
    err = ink_arena_claim_range(arena, INK_REGION_DITHER, 0, INK_PNG_READ_BUFFER_BYTES,
                                "png read buffer", &claims[1], info);
    if (err != INK_OK)
        return err;
    ink_png_reader_init(&dec->reader, dec->reader.source, claims[1].bytes,
                        INK_PNG_READ_BUFFER_BYTES);

    err = ink_png_read_header(&dec->reader, background, &dec->header, info);
    if (err != INK_OK)
        return err;
    const ink_png_header *header = &dec->header;
    err = ink_check_limits(limits, header->width, header->height, info);
    if (err != INK_OK)
        return err;
    err = ink_png_plan_for(header->width, header->height, header->pixels.color_type,
                           header->pixels.bit_depth, header->interlaced, &dec->plan, info);
    if (err != INK_OK)
        return err;
    if (dec->plan.stream_passes > 1 && !dec->reader.source->seek)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "PNG: interlaced %lux%lu needs %lu passes over its data and the "
                             "source cannot seek",
                             (unsigned long)header->width, (unsigned long)header->height,
                             (unsigned long)dec->plan.stream_passes);

    err = ink_arena_claim_region(arena, INK_REGION_PRIMARY, "png inflate window", &claims[2],
                                 info);
    if (err != INK_OK)
        return err;
    err = ink_arena_claim_range(arena, INK_REGION_DITHER, INK_PNG_READ_BUFFER_BYTES,
                                dec->plan.dither_nbytes - INK_PNG_READ_BUFFER_BYTES, "png rows",
                                &claims[3], info);
    if (err != INK_OK)
        return err;
    dec->window = claims[2].bytes;
    dec->row = claims[3].bytes;
    dec->carry = dec->row + align8(dec->plan.row_nbytes);
    dec->gray = dec->carry + dec->plan.carry_nbytes;

    ink_image_info image = {
        .width = header->width,
        .height = header->height,
        .scale_mask = INK_SCALE_MASK_FULL_ONLY,
        .is_bilevel = ink_png_pixels_bilevel(&header->pixels),
        .format = ink_png_format_name(header->pixels.color_type, header->pixels.bit_depth,
                                      header->interlaced),
    };
    unsigned scale_log2 = 0;
    err = dec->sink->begin(dec->sink->user, &image, &scale_log2);
    if (err != INK_OK)
        return err;
    if (scale_log2 != 0)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "PNG: the sink chose scale 1/%u; only 1/1 was offered",
                             1u << (scale_log2 & 7u));

    const uint32_t band_rows = dec->plan.band_rows;
    for (uint32_t y0 = 0, n = 0; y0 < header->height; y0 += band_rows, n++) {
        uint32_t y1 = header->height - y0 > band_rows ? y0 + band_rows : header->height;
        err = sweep(dec, y0, y1, n == 0, y1 == header->height, info);
        if (err != INK_OK)
            return err;
    }
    return INK_OK;
}

ink_error ink_png_decode(const ink_source *source, ink_arena *arena, const ink_limits *limits,
                         const ink_png_options *options, const ink_row_sink *sink,
                         ink_error_info *info)
{
    if (!source || !source->read || !arena || !sink || !sink->begin || !sink->row)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "PNG: missing source, arena or sink");
    const uint8_t background = options ? options->background : INK_PNG_OPTIONS_DEFAULT.background;
    png_decoder dec;
    memset(&dec, 0, sizeof dec);
    dec.reader.source = source;
    dec.sink = sink;
    ink_claim claims[4];
    memset(claims, 0, sizeof claims);
    ink_error err = decode_claimed(&dec, arena, limits, background, claims, info);
    for (int i = 3; i >= 0; i--) {
        if (claims[i].bytes)
            ink_arena_release(arena, &claims[i]);
    }
    if (err != INK_OK && info && info->code == INK_OK)
        ink_error_set(info, err, "PNG: %s", ink_strerror(err));
    return err;
}

static ink_error decode_default(const ink_source *source, ink_arena *arena,
                                const ink_limits *limits, const ink_row_sink *sink,
                                ink_error_info *info)
{
    return ink_png_decode(source, arena, limits, NULL, sink, info);
}

const ink_decoder ink_decoder_arena_png = {
    .name = "arena-png",
    .format = INK_FORMAT_PNG,
    .decode = decode_default,
};
