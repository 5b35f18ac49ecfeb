/*
 * jpeg_sweep.h — the hostile-input harness the in-arena JPEG decoder's sweeps share
 * (test_jpeg_sweep.c for baseline streams, test_jpeg_progressive_sweep.c for progressive ones).
 *
 * Every run checks what must hold on any bytes: the decoder returns, releases every claim,
 * never pushes more rows than the image has at the asked scale, succeeds only with every row,
 * and explains every refusal. The sweeps count outcomes; each test asserts what its streams
 * must give (a baseline stream cut before its end must be refused; a progressive one cut
 * between scans may decode).
 */
#ifndef INK_TESTS_JPEG_SWEEP_H
#define INK_TESTS_JPEG_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"

typedef struct jt_sweep {
    unsigned scale_log2;    /* the scale the sink asks for */
    bool vary_scale;        /* sweeps: cycle the scale 1/1..1/8 over the mutants instead */
    bool record_claims;     /* mark the live claims' bytes in `claimed` at every row */
    uint32_t height, rows;  /* of the last run: rows expected at the scale, rows pushed */
    ink_error_info info;    /* of the last run */
    ink_arena *arena;
    uint8_t claimed[INK_ARENA_BYTES];
} jt_sweep;

typedef struct jt_sweep_counts {
    unsigned runs, refused;
    unsigned decoded_short; /* truncations only: prefixes shorter than the stream minus EOI that decoded */
} jt_sweep_counts;

/* One decode of `data` with ink_decoder_arena_jpeg in the sweep's static arena. */
ink_error jt_sweep_run(jt_sweep *sweep, const uint8_t *data, size_t nbytes);

/* Every prefix of `data` (which must decode whole), each in a buffer of exactly its length. */
jt_sweep_counts jt_sweep_truncations(jt_sweep *sweep, const uint8_t *data, size_t nbytes);

/* At every byte: single-bit flips (three bits a byte, rotating with the position so each bit
 * is hit), then a burst of four random byte changes within the next 16 bytes. `random` is an
 * LCG state the caller seeds. */
jt_sweep_counts jt_sweep_bit_flips(jt_sweep *sweep, const uint8_t *data, size_t nbytes,
                                   uint32_t *random);

/* A test's set of streams to sweep: stream `which` (malloc'ed), or NULL, which fails the test. */
typedef uint8_t *(*jt_sweep_fixture)(unsigned which, size_t *nbytes);

/* jt_sweep_truncations and jt_sweep_bit_flips over streams 0..n-1 of `fixture`, counts summed
 * (the bit flips draw from one LCG state seeded with `seed`). */
jt_sweep_counts jt_sweep_truncations_of(jt_sweep *sweep, jt_sweep_fixture fixture, unsigned n);
jt_sweep_counts jt_sweep_bit_flips_of(jt_sweep *sweep, jt_sweep_fixture fixture, unsigned n,
                                      uint32_t seed);

/* Fills the whole arena with a pattern, decodes `data` (which must succeed), and fails the
 * test if any byte outside the claims the decoder held changed. */
void jt_sweep_check_arena_outside_claims(jt_sweep *sweep, const uint8_t *data, size_t nbytes);

#endif
