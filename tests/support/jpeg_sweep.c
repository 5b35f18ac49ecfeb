/*
 * jpeg_sweep.c — see jpeg_sweep.h.
 */
#include "jpeg_sweep.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena/stream.h"
#include "decode/jpeg.h"

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

static uint8_t pattern_byte(size_t i)
{
    return (uint8_t)(0xA5 ^ (i * 31u));
}

static ink_error sweep_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    jt_sweep *sweep = user;
    *scale_log2 = sweep->scale_log2;
    sweep->height = ink_scaled_size(info->height, sweep->scale_log2);
    return INK_OK;
}

static ink_error sweep_row(void *user, const uint8_t *gray)
{
    jt_sweep *sweep = user;
    (void)gray;
    if (sweep->record_claims)
        for (unsigned i = 0; i < INK_ARENA_MAX_CLAIMS; i++) {
            const ink_claim_record *claim = &sweep->arena->claims[i];
            if (claim->live)
                memset(sweep->claimed + claim->offset, 1, claim->nbytes);
        }
    sweep->rows++;
    assert_true(sweep->rows <= sweep->height); /* never more rows than the image has */
    return INK_OK;
}

ink_error jt_sweep_run(jt_sweep *sweep, const uint8_t *data, size_t nbytes)
{
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    arena.trap_on_misuse = false;
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, data, nbytes);
    sweep->arena = &arena;
    sweep->rows = 0;
    sweep->height = 0;
    ink_row_sink row_sink = {sweep_begin, sweep_row, sweep};
    ink_error_clear(&sweep->info);
    ink_error error = ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &row_sink, &sweep->info);
    assert_int_equal(ink_arena_live_claims(&arena), 0);
    if (error == INK_OK)
        assert_int_equal(sweep->rows, sweep->height);
    else
        assert_true(sweep->info.detail[0] != '\0'); /* every refusal explains itself */
    sweep->arena = NULL;
    return error;
}

jt_sweep_counts jt_sweep_truncations(jt_sweep *sweep, const uint8_t *data, size_t nbytes)
{
    jt_sweep_counts counts = {0, 0, 0};
    const unsigned scale_log2 = sweep->scale_log2;
    assert_int_equal(jt_sweep_run(sweep, data, nbytes), INK_OK);
    for (size_t length = 0; length < nbytes; length++) {
        uint8_t *copy = malloc(length ? length : 1); /* exactly the prefix: ASan sees overreads */
        memcpy(copy, data, length);
        if (sweep->vary_scale)
            sweep->scale_log2 = (unsigned)(length % 4u);
        if (jt_sweep_run(sweep, copy, length) != INK_OK)
            counts.refused++;
        else if (length + 2u < nbytes)
            counts.decoded_short++;
        counts.runs++;
        free(copy);
    }
    sweep->scale_log2 = scale_log2;
    return counts;
}

jt_sweep_counts jt_sweep_bit_flips(jt_sweep *sweep, const uint8_t *data, size_t nbytes,
                                   uint32_t *random)
{
    jt_sweep_counts counts = {0, 0, 0};
    const unsigned scale_log2 = sweep->scale_log2;
    uint8_t *copy = malloc(nbytes);
    for (size_t i = 0; i < nbytes; i++) {
        for (unsigned bit = (unsigned)(i % 3u); bit < 8; bit += 3) {
            memcpy(copy, data, nbytes);
            copy[i] ^= (uint8_t)(1u << bit);
            if (sweep->vary_scale)
                sweep->scale_log2 = (unsigned)((i + bit) % 4u);
            counts.refused += jt_sweep_run(sweep, copy, nbytes) != INK_OK;
            counts.runs++;
        }
        memcpy(copy, data, nbytes);
        for (unsigned k = 0; k < 4; k++) {
            *random = *random * 1103515245u + 12345u;
            size_t at = (i + (*random >> 16) % 16u) % nbytes;
            copy[at] ^= (uint8_t)(*random >> 8);
        }
        if (sweep->vary_scale)
            sweep->scale_log2 = (unsigned)(i % 4u);
        counts.refused += jt_sweep_run(sweep, copy, nbytes) != INK_OK;
        counts.runs++;
    }
    free(copy);
    sweep->scale_log2 = scale_log2;
    return counts;
}

static void add_counts(jt_sweep_counts *total, jt_sweep_counts counts)
{
    total->runs += counts.runs;
    total->refused += counts.refused;
    total->decoded_short += counts.decoded_short;
}

jt_sweep_counts jt_sweep_truncations_of(jt_sweep *sweep, jt_sweep_fixture fixture, unsigned n)
{
    jt_sweep_counts total = {0, 0, 0};
    for (unsigned f = 0; f < n; f++) {
        size_t nbytes;
        uint8_t *data = fixture(f, &nbytes);
        assert_non_null(data);
        add_counts(&total, jt_sweep_truncations(sweep, data, nbytes));
        free(data);
    }
    return total;
}

jt_sweep_counts jt_sweep_bit_flips_of(jt_sweep *sweep, jt_sweep_fixture fixture, unsigned n,
                                      uint32_t seed)
{
    jt_sweep_counts total = {0, 0, 0};
    uint32_t random = seed;
    for (unsigned f = 0; f < n; f++) {
        size_t nbytes;
        uint8_t *data = fixture(f, &nbytes);
        assert_non_null(data);
        add_counts(&total, jt_sweep_bit_flips(sweep, data, nbytes, &random));
        free(data);
    }
    return total;
}

void jt_sweep_check_arena_outside_claims(jt_sweep *sweep, const uint8_t *data, size_t nbytes)
{
    memset(sweep->claimed, 0, sizeof sweep->claimed);
    sweep->record_claims = true;
    /* jt_sweep_run initialises the arena over this memory: ink_arena_init must not write it. */
    for (size_t i = 0; i < INK_ARENA_BYTES; i++)
        arena_memory[i] = pattern_byte(i);
    assert_int_equal(jt_sweep_run(sweep, data, nbytes), INK_OK);
    sweep->record_claims = false;
    unsigned claimed = 0, changed = 0;
    for (size_t i = 0; i < INK_ARENA_BYTES; i++) {
        if (sweep->claimed[i])
            claimed++;
        else
            changed += arena_memory[i] != pattern_byte(i);
    }
    assert_true(claimed > 0);
    assert_int_equal(changed, 0);
}
