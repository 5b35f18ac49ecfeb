/*
 * paths_inflate.c — inflate of a bundle of deflate streams (bench_item kind BENCH_KIND_BUNDLE:
 * a book's deflated zip entries, or the IDAT streams of a set of PNGs), three ways:
 *
 *   ink-inflate  decode/inflate.h: 32 KB window + state, output in 4 KB pieces (as a streaming
 *                consumer on the board takes it)
 *   zlib         inflate() streaming, the same 4 KB output pieces
 *   libdeflate   whole-buffer decompression into a buffer of the known size (its only mode)
 *
 * Every stream's output size is checked against the size the driver recorded from Python's
 * zlib. out_nbytes is the total inflated; the heap peak includes each path's state and buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/inflate.h"
#include "inkbench.h"

#ifdef INKBENCH_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef INKBENCH_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#define CHUNK_NBYTES 4096u

typedef struct bundle_stream {
    uint8_t format; /* 0 raw, 1 zlib */
    const uint8_t *in;
    uint32_t in_nbytes;
    uint32_t out_nbytes;
} bundle_stream;

/* Walks the bundle: returns false at the end (or on a malformed bundle, with *bad set). */
static bool bundle_next(const bench_item *item, size_t *offset, bundle_stream *stream, bool *bad)
{
    if (*offset == 0)
        *offset = 8;
    if (*offset == item->nbytes)
        return false;
    if (item->nbytes - *offset < 12) {
        *bad = true;
        return false;
    }
    const uint8_t *p = item->data + *offset;
    stream->format = p[0];
    stream->in_nbytes = bench_le32(p + 4);
    stream->out_nbytes = bench_le32(p + 8);
    stream->in = p + 12;
    if (item->nbytes - *offset - 12 < stream->in_nbytes || stream->format > 1) {
        *bad = true;
        return false;
    }
    *offset += 12u + stream->in_nbytes;
    return true;
}

static bench_status size_mismatch(bench_outcome *out, const char *who, uint64_t got,
                                  uint32_t want)
{
    snprintf(out->detail, sizeof out->detail, "%s: inflated %llu bytes, expected %u", who,
             (unsigned long long)got, want);
    return BENCH_FAILED;
}

static bench_status ink_inflate_bundle(const bench_item *item, bench_outcome *out)
{
    uint8_t *window = malloc(INK_INFLATE_WINDOW_BYTES);
    uint8_t *state_memory = malloc(INK_INFLATE_STATE_BYTES);
    uint8_t *chunk = malloc(CHUNK_NBYTES);
    size_t offset = 0;
    bool bad = false;
    bundle_stream stream;
    bench_status status = BENCH_OK;
    while (status == BENCH_OK && bundle_next(item, &offset, &stream, &bad)) {
        ink_inflate *state = NULL;
        ink_error_info info;
        ink_error_clear(&info);
        ink_error error = ink_inflate_init(&state, state_memory, INK_INFLATE_STATE_BYTES, window,
                                           stream.format ? INK_INFLATE_ZLIB : INK_INFLATE_RAW);
        ink_inflate_io io = {stream.in, stream.in_nbytes, chunk, CHUNK_NBYTES};
        while (error == INK_OK && !ink_inflate_finished(state)) {
            size_t in_before = io.in_nbytes;
            io.out = chunk;
            io.out_nbytes = CHUNK_NBYTES;
            error = ink_inflate_run(state, &io, &info);
            out->check = out->check * 31u + chunk[0];
            if (error == INK_OK && io.out_nbytes == CHUNK_NBYTES && io.in_nbytes == in_before &&
                !ink_inflate_finished(state)) {
                snprintf(out->detail, sizeof out->detail, "ink-inflate: stream ends early");
                status = BENCH_FAILED;
                break;
            }
        }
        if (status != BENCH_OK)
            break;
        if (error != INK_OK) {
            snprintf(out->detail, sizeof out->detail, "ink-inflate: %s", info.detail);
            status = BENCH_FAILED;
        } else if (ink_inflate_total_out(state) != stream.out_nbytes) {
            status = size_mismatch(out, "ink-inflate", ink_inflate_total_out(state),
                                   stream.out_nbytes);
        }
        out->out_nbytes += stream.out_nbytes;
    }
    free(chunk);
    free(state_memory);
    free(window);
    if (bad) {
        snprintf(out->detail, sizeof out->detail, "malformed bundle");
        return BENCH_FAILED;
    }
    return status;
}

#ifdef INKBENCH_HAVE_ZLIB
static bench_status zlib_inflate_bundle(const bench_item *item, bench_outcome *out)
{
    uint8_t *chunk = malloc(CHUNK_NBYTES);
    size_t offset = 0;
    bool bad = false;
    bundle_stream stream;
    bench_status status = BENCH_OK;
    while (status == BENCH_OK && bundle_next(item, &offset, &stream, &bad)) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, stream.format ? 15 : -15) != Z_OK) {
            status = BENCH_FAILED;
            break;
        }
        z.next_in = (Bytef *)stream.in;
        z.avail_in = stream.in_nbytes;
        int result = Z_OK;
        while (result == Z_OK) {
            z.next_out = chunk;
            z.avail_out = CHUNK_NBYTES;
            result = inflate(&z, Z_NO_FLUSH);
            out->check = out->check * 31u + chunk[0];
        }
        if (result != Z_STREAM_END) {
            snprintf(out->detail, sizeof out->detail, "zlib: %s", z.msg ? z.msg : "error");
            status = BENCH_FAILED;
        } else if (z.total_out != stream.out_nbytes) {
            status = size_mismatch(out, "zlib", z.total_out, stream.out_nbytes);
        }
        inflateEnd(&z);
        out->out_nbytes += stream.out_nbytes;
    }
    free(chunk);
    return bad ? BENCH_FAILED : status;
}
#endif

#ifdef INKBENCH_HAVE_LIBDEFLATE
static bench_status libdeflate_inflate_bundle(const bench_item *item, bench_outcome *out)
{
    size_t offset = 0, max_nbytes = 1;
    bool bad = false;
    bundle_stream stream;
    while (bundle_next(item, &offset, &stream, &bad))
        if (stream.out_nbytes > max_nbytes)
            max_nbytes = stream.out_nbytes;
    if (bad)
        return BENCH_FAILED;
    struct libdeflate_decompressor *decompressor = libdeflate_alloc_decompressor();
    uint8_t *buffer = malloc(max_nbytes);
    bench_status status = BENCH_OK;
    offset = 0;
    while (status == BENCH_OK && bundle_next(item, &offset, &stream, &bad)) {
        size_t got = 0;
        enum libdeflate_result result =
            stream.format
                ? libdeflate_zlib_decompress(decompressor, stream.in, stream.in_nbytes, buffer,
                                             stream.out_nbytes, &got)
                : libdeflate_deflate_decompress(decompressor, stream.in, stream.in_nbytes,
                                                buffer, stream.out_nbytes, &got);
        if (result != LIBDEFLATE_SUCCESS) {
            snprintf(out->detail, sizeof out->detail, "libdeflate: result %d", (int)result);
            status = BENCH_FAILED;
        } else if (got != stream.out_nbytes) {
            status = size_mismatch(out, "libdeflate", got, stream.out_nbytes);
        }
        out->check = out->check * 31u + buffer[0];
        out->out_nbytes += stream.out_nbytes;
    }
    free(buffer);
    libdeflate_free_decompressor(decompressor);
    return status;
}
#endif

const bench_path bench_paths_inflate[] = {
    {"ink-inflate", "inflate", BENCH_KIND_BUNDLE, ink_inflate_bundle},
#ifdef INKBENCH_HAVE_ZLIB
    {"zlib", "inflate", BENCH_KIND_BUNDLE, zlib_inflate_bundle},
#endif
#ifdef INKBENCH_HAVE_LIBDEFLATE
    {"libdeflate", "inflate", BENCH_KIND_BUNDLE, libdeflate_inflate_bundle},
#endif
    {NULL, NULL, 0, NULL},
};
