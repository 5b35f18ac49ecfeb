/*
 * fuzz_inflate.c — libFuzzer target for decode/inflate, differential against zlib.
 *
 * The first byte chooses the format (raw or zlib) and the piece sizes the input and output are
 * offered in; the rest is the stream. Our decoder must never crash or overrun, and its verdict
 * (finished, failed, wants more) and output must equal zlib's inflate on the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "decode/inflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_CAPACITY (1u << 20)

enum { DONE, FAILED, MORE };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static _Alignas(8) uint8_t state_memory[8192];
    static uint8_t window[INK_INFLATE_WINDOW_BYTES];
    static uint8_t ours[OUT_CAPACITY], theirs[OUT_CAPACITY];
    uint8_t mode = data[0];
    ink_inflate_format format = (mode & 1) ? INK_INFLATE_ZLIB : INK_INFLATE_RAW;
    static const size_t pieces[8] = {0, 1, 2, 3, 7, 64, 1000, 4096};
    size_t in_piece = pieces[(mode >> 1) & 7], out_piece = pieces[(mode >> 4) & 7];
    data++;
    size--;

    ink_inflate *state;
    if (ink_inflate_init(&state, state_memory, sizeof state_memory, window, format) != INK_OK)
        abort();
    size_t in_pos = 0, out_pos = 0;
    int ours_verdict = MORE;
    for (;;) {
        size_t in_n = size - in_pos, out_n = OUT_CAPACITY - out_pos;
        if (in_piece && in_n > in_piece)
            in_n = in_piece;
        if (out_piece && out_n > out_piece)
            out_n = out_piece;
        ink_inflate_io io = {data + in_pos, in_n, ours + out_pos, out_n};
        ink_error error = ink_inflate_run(state, &io, NULL);
        size_t used = in_n - io.in_nbytes, made = out_n - io.out_nbytes;
        in_pos += used;
        out_pos += made;
        if (error != INK_OK) {
            ours_verdict = FAILED;
            break;
        }
        if (ink_inflate_finished(state)) {
            ours_verdict = DONE;
            break;
        }
        if (used == 0 && made == 0 && (in_pos == size || out_pos == OUT_CAPACITY))
            break;
    }
    if (ink_inflate_total_out(state) != out_pos)
        abort();

    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, format == INK_INFLATE_RAW ? -15 : 15) != Z_OK)
        abort();
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)size;
    z.next_out = theirs;
    z.avail_out = OUT_CAPACITY;
    int rc = inflate(&z, Z_FINISH);
    int zlib_verdict = rc == Z_STREAM_END ? DONE
                       : (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) ? FAILED
                                                                   : MORE;
    size_t zlib_out = z.total_out;
    inflateEnd(&z);

    if (ours_verdict != zlib_verdict)
        abort();
    size_t common = out_pos < zlib_out ? out_pos : zlib_out;
    if (ours_verdict == DONE && (out_pos != zlib_out || in_pos != size - z.avail_in))
        abort();
    if (ours_verdict != FAILED && memcmp(ours, theirs, common) != 0)
        abort();
    return 0;
}
