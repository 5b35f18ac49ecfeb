/*
 * inflate.h — RFC 1951 inflate as a resumable state machine, with no heap.
 *
 * Input and output arrive in pieces of any size, down to one byte: ink_inflate_run() consumes
 * what it can of `in`, produces what it can into `out`, and returns; call it again with more
 * input or more output space. The 32 KB history window is caller memory (a PRIMARY claim in
 * the converters); the state, with its decoding tables, is caller memory too (SCRATCH), of
 * INK_INFLATE_STATE_BYTES.
 *
 * Formats: raw deflate (zip entries) and the RFC 1950 zlib wrapper (PNG IDAT), whose header is
 * validated and whose Adler-32 trailer is checked.
 *
 * Errors: INK_ERR_BAD_DATA with a detail naming the fault ("invalid distance too far back",
 * "over-subscribed literal/length code", "Adler-32 mismatch", ...). After an error the state
 * stays failed: later calls return the same error.
 */
#ifndef INK_DECODE_INFLATE_H
#define INK_DECODE_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"

#define INK_INFLATE_WINDOW_BYTES 32768u

typedef enum ink_inflate_format {
    INK_INFLATE_RAW = 0, /* RFC 1951 */
    INK_INFLATE_ZLIB     /* RFC 1950: header, deflate, Adler-32 */
} ink_inflate_format;

typedef struct ink_inflate ink_inflate; /* opaque; lives in caller memory */

/* Bytes the state needs (tables included); a compile-time constant defined in inflate.c and
 * checked there with _Static_assert. At most 8192 so it fits in SCRATCH with room to spare. */
extern const size_t INK_INFLATE_STATE_BYTES;

/* Prepares a decoder in `state_memory` (INK_INFLATE_STATE_BYTES, 8-byte aligned) using
 * `window` (INK_INFLATE_WINDOW_BYTES) as its history. Returns the state through `out`. */
ink_error ink_inflate_init(ink_inflate **out, void *state_memory, size_t state_nbytes,
                           uint8_t *window, ink_inflate_format format);

typedef struct ink_inflate_io {
    const uint8_t *in;   /* next input byte */
    size_t in_nbytes;    /* input bytes available; decreased as they are consumed */
    uint8_t *out;        /* next output byte */
    size_t out_nbytes;   /* output space available; decreased as it is filled */
} ink_inflate_io;

/* Runs until the input is exhausted, the output is full, or the stream ends. Returns INK_OK in
 * the first two cases (call again), INK_OK with ink_inflate_finished() true at the end of the
 * stream (bytes after it are left unconsumed in io->in), or an error. */
ink_error ink_inflate_run(ink_inflate *state, ink_inflate_io *io, ink_error_info *info);

/* ink_inflate_run for a caller whose input goes on after io->in_nbytes: inflate may also stop
 * with up to INK_INFLATE_INPUT_TAIL_BYTES of the input unconsumed (when its fast loop has run
 * out of input), to be offered again followed by more, instead of decoding them in its slower
 * byte-at-a-time path. Offered fewer bytes than that, it may consume none. */
#define INK_INFLATE_INPUT_TAIL_BYTES 16u
ink_error ink_inflate_run_input_continues(ink_inflate *state, ink_inflate_io *io,
                                          ink_error_info *info);

bool ink_inflate_finished(const ink_inflate *state);

/* Total bytes produced so far (for size checks against a zip's declared size). */
uint64_t ink_inflate_total_out(const ink_inflate *state);

/*
 * Output straight into the window: returns the window's write position and, in *nbytes, the
 * bytes from there to the window's end (1..32768). Passed as io->out with io->out_nbytes at most
 * *nbytes, ink_inflate_run writes its output there, where it is history already, instead of
 * into the caller's buffer followed by a copy into the window. The caller may read the bytes in
 * place: they stay until later output wraps around the ring onto them (32768 bytes on), so a
 * caller with unread bytes there asks for no more than 32768 minus their count (by taking at
 * most *nbytes per call, only bytes at the window's end can be overtaken: the call after the
 * position has wrapped to 0). io->out anywhere else inside the window is
 * INK_ERR_INVALID_ARGUMENT.
 */
uint8_t *ink_inflate_window_space(const ink_inflate *state, size_t *nbytes);

#endif
