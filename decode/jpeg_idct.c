/*
 * jpeg_idct.c — inverse DCTs in 32-bit fixed point, full and reduced
 * (DCT-domain downscale).
 *
 * 8x8: the Loeffler–Ligtenberg–Moschytz factorisation (12 multiplies per 1-D
 * pass) with 13-bit constants and 2 extra bits kept between the column and row
 * passes — the "islow" arithmetic that libjpeg's JDCT_ISLOW also uses, so
 * full-scale output matches it to rounding.
 *
 * 4x4, 2x2: each output pixel is the average of the 2x2 (or 4x4) pixels the
 * full 8x8 IDCT would produce. Averaging is linear, so it folds into the
 * weights: along one axis out(n) = S0 + sum over u>0 of sqrt(2) * cos(u*pi/16)
 * * cos((2n+1)*u*pi/8) * S(u)   (4 out) out(n) = S0 +- sum over odd u of
 * sqrt(2) * mean_{x=0..3} cos((2x+1)*u*pi/16) * S(u) (2 out) in the same scale
 * as the 8-point pass (DC weight 1). The weights below are those numbers times
 * 2^13, rounded. Even u vanish in the 2-point case and u = 4 in the 4-point
 * case. 1x1: the DC term alone, (DC + 4) >> 3.
 *
 * Overflow: coefficients arrive clamped to +-2048. When all are within +-1024
 * ("not big"), every intermediate fits in int32 (worst case ~1.9e9, computed by
 * summing absolute weights); a big block clamps the column pass's outputs to
 * +-32767, which keeps the row pass in range. Real JPEGs of 8-bit samples never
 * exceed those bounds (|F(u,v)| <= 1024 + q/2), so the clamps change nothing
 * for valid data; they make hostile data harmless.
 */
#include <string.h>

#include "decode/jpeg_internal.h"

#define CONST_BITS 13
#define PASS1_BITS 2
#define DESCALE(x, n) (((x) + (1 << ((n) - 1))) >> (n))
/* Multiplying, not shifting: left shifts of negative values are undefined in C.
 */
#define SCALE_UP(x) ((x) * (1 << CONST_BITS))

/* round(x * 2^13) */
#define FIX_0_298631336 2446
#define FIX_0_390180644 3196
#define FIX_0_541196100 4433
#define FIX_0_765366865 6270
#define FIX_0_899976223 7373
#define FIX_1_175875602 9633
#define FIX_1_501321110 12299
#define FIX_1_847759065 15137
#define FIX_1_961570560 16069
#define FIX_2_053119869 16819
#define FIX_2_562915447 20995
#define FIX_3_072711026 25172

static inline uint8_t to_pixel(int32_t value)
{
    value += 128;
    if ((uint32_t)value > 255u)
        value = value < 0 ? 0 : 255;
    return (uint8_t)value;
}

static inline int32_t clamp_work(int32_t value)
{
    return value < -32767 ? -32767 : value > 32767 ? 32767 : value;
}

/* One 8-point LLM IDCT of the inputs i0..i7 (expressions; literal zeros fold away, which is how
 * the sparse variants below are made); results out[0..7] before descaling (scaled by 2^13).
 * Integer arithmetic is exact, so a variant with known-zero inputs gives identical results.
 * The graph on any type with C arithmetic: int32_t, or a GCC vector of int32 lanes (a scalar
 * operand is broadcast), which does eight columns or rows at once with the same results. W(name)
 * is each of the twelve weights: WEIGHT_CONSTANT the constant, WEIGHT_PINNED a local of that
 * name held in a register (FIX_PIN_ALL below). */
#define IDCT8G(T, W, i0, i1, i2, i3, i4, i5, i6, i7, out)                                         \
    do {                                                                                          \
        T z1, z2, z3, z4, z5, t0, t1, t2, t3, t10, t11, t12, t13;                                 \
        z2 = (i2);                                                                                \
        z3 = (i6);                                                                                \
        z1 = (z2 + z3) * W(f0541);                                                                \
        t2 = z1 - z3 * W(f1847);                                                                  \
        t3 = z1 + z2 * W(f0765);                                                                  \
        t0 = SCALE_UP((i0) + (i4));                                                               \
        t1 = SCALE_UP((i0) - (i4));                                                               \
        t10 = t0 + t3;                                                                            \
        t13 = t0 - t3;                                                                            \
        t11 = t1 + t2;                                                                            \
        t12 = t1 - t2;                                                                            \
        t0 = (i7);                                                                                \
        t1 = (i5);                                                                                \
        t2 = (i3);                                                                                \
        t3 = (i1);                                                                                \
        z1 = t0 + t3;                                                                             \
        z2 = t1 + t2;                                                                             \
        z3 = t0 + t2;                                                                             \
        z4 = t1 + t3;                                                                             \
        z5 = (z3 + z4) * W(f1175);                                                                \
        t0 *= W(f0298);                                                                           \
        t1 *= W(f2053);                                                                           \
        t2 *= W(f3072);                                                                           \
        t3 *= W(f1501);                                                                           \
        z1 *= W(f0899);                                                                           \
        z2 *= W(f2562);                                                                           \
        z3 = z3 * W(f1961) + z5;                                                                  \
        z4 = z4 * W(f0390) + z5;                                                                  \
        t0 += z1 + z3;                                                                            \
        t1 += z2 + z4;                                                                            \
        t2 += z2 + z3;                                                                            \
        t3 += z1 + z4;                                                                            \
        (out)[0] = t10 + t3;                                                                      \
        (out)[7] = t10 - t3;                                                                      \
        (out)[1] = t11 + t2;                                                                      \
        (out)[6] = t11 - t2;                                                                      \
        (out)[2] = t12 + t1;                                                                      \
        (out)[5] = t12 - t1;                                                                      \
        (out)[3] = t13 + t0;                                                                      \
        (out)[4] = t13 - t0;                                                                      \
    } while (0)
#define IDCT8T(T, i0, i1, i2, i3, i4, i5, i6, i7, out)                                            \
    IDCT8G(T, WEIGHT_CONSTANT, i0, i1, i2, i3, i4, i5, i6, i7, out)
#define WEIGHT_CONSTANT(name) WEIGHT_##name
#define WEIGHT_PINNED(name) name
#define WEIGHT_f0298 FIX_0_298631336
#define WEIGHT_f0390 (-FIX_0_390180644)
#define WEIGHT_f0541 FIX_0_541196100
#define WEIGHT_f0765 FIX_0_765366865
#define WEIGHT_f0899 (-FIX_0_899976223)
#define WEIGHT_f1175 FIX_1_175875602
#define WEIGHT_f1501 FIX_1_501321110
#define WEIGHT_f1847 FIX_1_847759065
#define WEIGHT_f1961 (-FIX_1_961570560)
#define WEIGHT_f2053 FIX_2_053119869
#define WEIGHT_f2562 (-FIX_2_562915447)
#define WEIGHT_f3072 FIX_3_072711026

/* The row pass ends with a descale by 2^OUT_SHIFT and the +128 level shift; both are folded into
 * the row's DC input (which reaches every output with weight 2^13), so a pixel is a shift and a
 * clamp. Bounds with the bias included: worst intermediate 1.91e9 (2.04e9 on the big path), below
 * 2^31 (perf/../docs/JPEG.md "Overflow"). */
#define OUT_SHIFT (CONST_BITS + PASS1_BITS + 3)
#define ROW_BIAS ((128 << (PASS1_BITS + 3)) + (1 << (PASS1_BITS + 2)))
#define COLUMN_SHIFT (CONST_BITS - PASS1_BITS)

static inline uint8_t clamp_pixel(int32_t value)
{
    if ((uint32_t)value > 255u)
        value = value < 0 ? 0 : 255;
    return (uint8_t)value;
}

/* One row of output: the pixels are tested for range once per row — valid photos are nearly
 * always within 0..255, i.e. every result is in [0, 256 << OUT_SHIFT), which holds exactly when
 * their OR (as unsigned) is below that — and only an out-of-range row is clamped pixel by pixel. */
static inline __attribute__((always_inline)) void store_row(uint8_t *out, const int32_t *result,
                                                            unsigned size)
{
    uint32_t any = (uint32_t)result[0];
#pragma GCC unroll 8
    for (unsigned x = 1; x < size; x++)
        any |= (uint32_t)result[x];
    if (any < (256u << OUT_SHIFT)) {
#pragma GCC unroll 8
        for (unsigned x = 0; x < size; x++)
            out[x] = (uint8_t)(result[x] >> OUT_SHIFT);
    } else {
        for (unsigned x = 0; x < size; x++)
            out[x] = clamp_pixel(result[x] >> OUT_SHIFT);
    }
}

/* Small fills and clears are written out, not memset: the board's C library (picolibc as built
 * for rv32imc) sets one byte per loop iteration — 1,024 instructions to clear one block. The
 * volatile store keeps the compiler from turning the loop back into a memset call; on the host
 * memset is the fast one. */
static inline void clear_all(int32_t *coefficients)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    memset(coefficients, 0, 64 * sizeof *coefficients);
#else
    volatile int32_t *c = coefficients;
    for (unsigned i = 0; i < 64; i += 8) {
        c[i] = 0;
        c[i + 1] = 0;
        c[i + 2] = 0;
        c[i + 3] = 0;
        c[i + 4] = 0;
        c[i + 5] = 0;
        c[i + 6] = 0;
        c[i + 7] = 0;
    }
#endif
}

static inline void fill_row(uint8_t *out, uint8_t pixel, unsigned size)
{
    out[0] = pixel;
    if (size >= 2)
        out[1] = pixel;
    if (size >= 4) {
        out[2] = pixel;
        out[3] = pixel;
    }
    if (size >= 8) {
        out[4] = pixel;
        out[5] = pixel;
        out[6] = pixel;
        out[7] = pixel;
    }
}

/* The transforms below clear the coefficients as they read them (a zero column costs one store,
 * not eight), so each must read every position the block decoder can have stored: all 64 for
 * 8x8; for 4x4 and 2x2 the decoder never stores the rows/columns they ignore (their quantisers
 * are zero in the dequantisation table: jpeg_huffman.c), so what they read is all there is. The
 * tiers by last zigzag index (JPEG_LAST_*, jpeg_internal.h): the "low" variants serve blocks all
 * in the top-left 4x4, or for 4x4 and 2x2 with only (4,0) and (0,4) beyond, which they ignore. */

/* A weight (or another constant) as a local that an empty asm makes opaque, so the compiler keeps
 * it in a register for the whole transform: as a constant, RV32 rebuilt it (lui + addi) for each
 * column and row. Same arithmetic, same results. */
#define PINNED(name, value)                                                                       \
    int32_t name = (value);                                                                       \
    __asm__("" : "+r"(name))
/* The 8-point graph with its twelve weights in registers. */
#define FIX_PIN_ALL()                                                                             \
    PINNED(f0298, WEIGHT_f0298);                                                                  \
    PINNED(f0390, WEIGHT_f0390);                                                                  \
    PINNED(f0541, WEIGHT_f0541);                                                                  \
    PINNED(f0765, WEIGHT_f0765);                                                                  \
    PINNED(f0899, WEIGHT_f0899);                                                                  \
    PINNED(f1175, WEIGHT_f1175);                                                                  \
    PINNED(f1501, WEIGHT_f1501);                                                                  \
    PINNED(f1847, WEIGHT_f1847);                                                                  \
    PINNED(f1961, WEIGHT_f1961);                                                                  \
    PINNED(f2053, WEIGHT_f2053);                                                                  \
    PINNED(f2562, WEIGHT_f2562);                                                                  \
    PINNED(f3072, WEIGHT_f3072)
#define IDCT8P(i0, i1, i2, i3, i4, i5, i6, i7, out)                                               \
    IDCT8G(int32_t, WEIGHT_PINNED, i0, i1, i2, i3, i4, i5, i6, i7, out)

/* `big` is a constant at each call below, so the common case carries no clamps. */
static inline __attribute__((always_inline)) void idct_8x8(int32_t *coefficients, const bool big,
                                                           uint8_t *out, size_t stride)
{
    FIX_PIN_ALL();
    PINNED(row_bias, ROW_BIAS);
    int32_t work[64];
    /* Columns. A column with no AC terms (most of them) is its DC everywhere. */
#pragma GCC unroll 8
    for (unsigned column = 0; column < 8; column++) {
        int32_t *in = coefficients + column;
        if ((in[8] | in[16] | in[24] | in[32] | in[40] | in[48] | in[56]) == 0) {
            int32_t dc = in[0] * (1 << PASS1_BITS);
            in[0] = 0;
#pragma GCC unroll 8
            for (unsigned row = 0; row < 8; row++)
                work[row * 8 + column] = dc;
            continue;
        }
        int32_t result[8];
        IDCT8P(in[0], in[8], in[16], in[24], in[32], in[40], in[48], in[56], result);
#pragma GCC unroll 8
        for (unsigned row = 0; row < 8; row++) {
            int32_t value = DESCALE(result[row], COLUMN_SHIFT);
            work[row * 8 + column] = big ? clamp_work(value) : value;
            in[row * 8] = 0;
        }
    }
    /* Rows. */
#pragma GCC unroll 8
    for (unsigned row = 0; row < 8; row++, out += stride) {
        const int32_t *in = work + row * 8;
        int32_t dc = in[0] + row_bias;
        if ((in[1] | in[2] | in[3] | in[4] | in[5] | in[6] | in[7]) == 0) {
            fill_row(out, clamp_pixel(dc >> (PASS1_BITS + 3)), 8);
            continue;
        }
        int32_t result[8];
        IDCT8P(dc, in[1], in[2], in[3], in[4], in[5], in[6], in[7], result);
        store_row(out, result, 8);
    }
}

/* The same when all coefficients are in the top-left 4x4: half the columns, half the inputs. */
static inline __attribute__((always_inline)) void idct_8x8_low(int32_t *coefficients,
                                                               const bool big, uint8_t *out,
                                                               size_t stride)
{
    FIX_PIN_ALL();
    PINNED(row_bias, ROW_BIAS);
    int32_t work[8 * 4];
#pragma GCC unroll 4
    for (unsigned column = 0; column < 4; column++) {
        int32_t *in = coefficients + column;
        if ((in[8] | in[16] | in[24]) == 0) {
            int32_t dc = in[0] * (1 << PASS1_BITS);
            in[0] = 0;
#pragma GCC unroll 8
            for (unsigned row = 0; row < 8; row++)
                work[row * 4 + column] = dc;
            continue;
        }
        int32_t result[8];
        IDCT8P(in[0], in[8], in[16], in[24], 0, 0, 0, 0, result);
        in[0] = in[8] = in[16] = in[24] = 0;
#pragma GCC unroll 8
        for (unsigned row = 0; row < 8; row++) {
            int32_t value = DESCALE(result[row], COLUMN_SHIFT);
            work[row * 4 + column] = big ? clamp_work(value) : value;
        }
    }
#pragma GCC unroll 8
    for (unsigned row = 0; row < 8; row++, out += stride) {
        const int32_t *in = work + row * 4;
        int32_t dc = in[0] + row_bias;
        if ((in[1] | in[2] | in[3]) == 0) {
            fill_row(out, clamp_pixel(dc >> (PASS1_BITS + 3)), 8);
            continue;
        }
        int32_t result[8];
        IDCT8P(dc, in[1], in[2], in[3], 0, 0, 0, 0, result);
        store_row(out, result, 8);
    }
}

/* 4-point weights: even part sqrt(2) cos(pi/8) cos(pi/4) = cos(pi/8), cos(3pi/8); odd part
 * sqrt(2) cos(u pi/16) cos((2n+1) u pi/8) for n = 0, 1. */
#define W4_E2 7568   /* 0.923879533 */
#define W4_E6 3135   /* 0.382683432 */
#define W4_01 10498  /* 1.281457724 */
#define W4_03 3686   /* 0.449988112 */
#define W4_05 (-2463) /* -0.300672443 */
#define W4_07 (-2088) /* -0.254897790 */
#define W4_11 4348   /* 0.530797169 */
#define W4_13 (-8900) /* -1.086367402 */
#define W4_15 5946   /* 0.725887491 */
#define W4_17 (-865) /* -0.105582121 */

/* The 4-point graph of the 4x4 transform on any type (as IDCT8G); W(name) is each weight:
 * W4_CONSTANT the constant W4_name, W4_PINNED_LOCAL the pinned local w4_name (W4_PIN_ALL). */
#define IDCT4G(T, W, i0, i1, i2, i3, i5, i6, i7, out)                                             \
    do {                                                                                          \
        T e0 = SCALE_UP(i0);                                                                      \
        T t = (i2) * W(E2) - (i6) * W(E6);                                                        \
        T o0 = (i1) * W(01) + (i3) * W(03) + (i5) * W(05) + (i7) * W(07);                         \
        T o1 = (i1) * W(11) + (i3) * W(13) + (i5) * W(15) + (i7) * W(17);                         \
        (out)[0] = e0 + t + o0;                                                                   \
        (out)[3] = e0 + t - o0;                                                                   \
        (out)[1] = e0 - t + o1;                                                                   \
        (out)[2] = e0 - t - o1;                                                                   \
    } while (0)
#define W4_CONSTANT(name) W4_##name
#define W4_PINNED_LOCAL(name) w4_##name
#define IDCT4T(T, i0, i1, i2, i3, i5, i6, i7, out)                                                \
    IDCT4G(T, W4_CONSTANT, i0, i1, i2, i3, i5, i6, i7, out)

/* The scalar 4x4 passes take their weights from pinned locals (PINNED above). */
#define W4_PIN_ALL()                                                                              \
    PINNED(w4_E2, W4_E2);                                                                         \
    PINNED(w4_E6, W4_E6);                                                                         \
    PINNED(w4_01, W4_01);                                                                         \
    PINNED(w4_03, W4_03);                                                                         \
    PINNED(w4_05, W4_05);                                                                         \
    PINNED(w4_07, W4_07);                                                                         \
    PINNED(w4_11, W4_11);                                                                         \
    PINNED(w4_13, W4_13);                                                                         \
    PINNED(w4_15, W4_15);                                                                         \
    PINNED(w4_17, W4_17);                                                                         \
    PINNED(row_bias, ROW_BIAS);                                                                   \
    PINNED(pixel_max, 255)
/* clamp_pixel with 255 in a register (`pixel_max`, pinned as the weights are). */
#define CLAMP_PIXEL_PINNED(value)                                                                 \
    ((uint32_t)(value) > (uint32_t)pixel_max ? ((value) < 0 ? 0 : pixel_max) : (value))
#define IDCT4P(i0, i1, i2, i3, i5, i6, i7, out)                                                   \
    IDCT4G(int32_t, W4_PINNED_LOCAL, i0, i1, i2, i3, i5, i6, i7, out)

/* `no7`: row 7 and column 7 are all zero (the last zigzag index is at most JPEG_LAST_MID); `no6`:
 * rows and columns 6 and 7 (at most JPEG_LAST_MID6). */
static inline __attribute__((always_inline)) void idct_4x4(int32_t *coefficients, const bool big,
                                                           const bool no7, const bool no6,
                                                           uint8_t *out, size_t stride)
{
    W4_PIN_ALL();
    int32_t work[4 * 8];
#pragma GCC unroll 8
    for (unsigned column = 0; column < 8; column++) {
        int32_t *in = coefficients + column;
        if (column == 4 || (no7 && column == 7) || (no6 && column == 6))
            continue;
        int32_t high = in[40] | (no6 ? 0 : in[48]) | (no7 ? 0 : in[56]);
        if ((in[8] | in[16] | in[24] | high) == 0) {
            int32_t dc = in[0] * (1 << PASS1_BITS);
            in[0] = 0;
            work[column] = work[8 + column] = work[16 + column] = work[24 + column] = dc;
            continue;
        }
        int32_t result[4];
        if (high == 0) {
            IDCT4P(in[0], in[8], in[16], in[24], 0, 0, 0, result);
        } else {
            IDCT4P(in[0], in[8], in[16], in[24], in[40], no6 ? 0 : in[48], no7 ? 0 : in[56],
                   result);
            in[40] = 0;
            if (!no6)
                in[48] = 0;
            if (!no7)
                in[56] = 0;
        }
        in[0] = in[8] = in[16] = in[24] = 0;
#pragma GCC unroll 4
        for (unsigned row = 0; row < 4; row++) {
            int32_t value = DESCALE(result[row], COLUMN_SHIFT);
            work[row * 8 + column] = big ? clamp_work(value) : value;
        }
    }
#pragma GCC unroll 4
    for (unsigned row = 0; row < 4; row++, out += stride) {
        const int32_t *in = work + row * 8;
        int32_t result[4];
        IDCT4P(in[0] + row_bias, in[1], in[2], in[3], in[5], no6 ? 0 : in[6], no7 ? 0 : in[7],
               result);
        out[0] = (uint8_t)CLAMP_PIXEL_PINNED(result[0] >> OUT_SHIFT);
        out[1] = (uint8_t)CLAMP_PIXEL_PINNED(result[1] >> OUT_SHIFT);
        out[2] = (uint8_t)CLAMP_PIXEL_PINNED(result[2] >> OUT_SHIFT);
        out[3] = (uint8_t)CLAMP_PIXEL_PINNED(result[3] >> OUT_SHIFT);
    }
}

static inline __attribute__((always_inline)) void idct_4x4_low(int32_t *coefficients,
                                                               const bool big, uint8_t *out,
                                                               size_t stride)
{
    W4_PIN_ALL();
    int32_t work[4 * 4];
#pragma GCC unroll 4
    for (unsigned column = 0; column < 4; column++) {
        int32_t *in = coefficients + column;
        if ((in[8] | in[16] | in[24]) == 0) {
            int32_t dc = in[0] * (1 << PASS1_BITS);
            in[0] = 0;
            work[column] = work[4 + column] = work[8 + column] = work[12 + column] = dc;
            continue;
        }
        int32_t result[4];
        IDCT4P(in[0], in[8], in[16], in[24], 0, 0, 0, result);
        in[0] = in[8] = in[16] = in[24] = 0;
#pragma GCC unroll 4
        for (unsigned row = 0; row < 4; row++) {
            int32_t value = DESCALE(result[row], COLUMN_SHIFT);
            work[row * 4 + column] = big ? clamp_work(value) : value;
        }
    }
#pragma GCC unroll 4
    for (unsigned row = 0; row < 4; row++, out += stride) {
        const int32_t *in = work + row * 4;
        int32_t result[4];
        IDCT4P(in[0] + row_bias, in[1], in[2], in[3], 0, 0, 0, result);
        out[0] = (uint8_t)CLAMP_PIXEL_PINNED(result[0] >> OUT_SHIFT);
        out[1] = (uint8_t)CLAMP_PIXEL_PINNED(result[1] >> OUT_SHIFT);
        out[2] = (uint8_t)CLAMP_PIXEL_PINNED(result[2] >> OUT_SHIFT);
        out[3] = (uint8_t)CLAMP_PIXEL_PINNED(result[3] >> OUT_SHIFT);
    }
}

/* 2-point weights: sqrt(2) * mean over x = 0..3 of cos((2x+1) u pi/16), odd u. */
#define W2_1 7423    /* 0.906127446 */
#define W2_3 (-2607) /* -0.318189645 */
#define W2_5 1742    /* 0.212607524 */
#define W2_7 (-1477) /* -0.180239956 */

#define IDCT2V(i0, i1, i3, i5, i7, out) IDCT2T(int32_t, i0, i1, i3, i5, i7, out)
#define IDCT2T(T, i0, i1, i3, i5, i7, out)                                                        \
    do {                                                                                          \
        T e = SCALE_UP(i0);                                                                       \
        T o = (i1) * W2_1 + (i3) * W2_3 + (i5) * W2_5 + (i7) * W2_7;                              \
        (out)[0] = e + o;                                                                         \
        (out)[1] = e - o;                                                                         \
    } while (0)

/* RV32 (GCC): no scheduling before register allocation in the dispatcher (the 1x1, flat and
 * 2x2 transforms are inlined here). The scheduler hoisted every coefficient load of the 2x2 to
 * the top, which took nine callee-saved registers (a prologue and epilogue of 20 instructions a
 * block); without it the 2x2 keeps four. img3 at 1/4: 26.07 -> 25.85 M instructions. */
#if defined(__GNUC__) && !defined(__clang__) && UINTPTR_MAX <= 0xFFFFFFFFu
#define IDCT_BLOCK_ATTRIBUTES __attribute__((optimize("no-schedule-insns")))
#else
#define IDCT_BLOCK_ATTRIBUTES
#endif

/* The 2x2 transform, its row pass folded into the column pass: each column's two results are
 * weighted into the two rows' sums as soon as they are made (column 0's are the rows' DC inputs),
 * so no work array is written and read back and few values are live at once. The same integer
 * operations as the two passes (the row sums in the same order, columns 1, 3, 5, 7), so the same
 * pixels; a column left out or skipped is all zero, and adds exactly 0. What is read, from the
 * tier (the block's last zigzag index, see ink_jpeg_idct_block): the first `columns_kept` of the
 * columns 0, 1, 3, 5, 7; in columns 0..5 the first `rows_kept` of the rows 0, 1, 3, 5, 7, in
 * column 7 the first `column7_rows` (1: row 0 alone). `test5`: column 5, when all zero, is
 * skipped (most blocks of a detailed photo that reach it; not tested in the full tier, where
 * line art at q 99 nearly always has it). */
static inline __attribute__((always_inline)) void
idct_2x2(int32_t *coefficients, const bool big, const unsigned columns_kept,
         const unsigned rows_kept, const unsigned column7_rows, const bool test5, uint8_t *out,
         size_t stride)
{
    PINNED(pixel_max, 255);
    static const uint8_t columns[5] = {0, 1, 3, 5, 7};
    static const int32_t weights[5] = {0, W2_1, W2_3, W2_5, W2_7};
    int32_t dc0 = 0, dc1 = 0, odd0 = 0, odd1 = 0;
#pragma GCC unroll 5
    for (unsigned i = 0; i < columns_kept; i++) {
        int32_t *in = coefficients + columns[i];
        const unsigned rows = i == 4 ? column7_rows : rows_kept;
        int32_t c0 = in[0], c1 = rows > 1 ? in[8] : 0, c3 = rows > 2 ? in[24] : 0;
        int32_t c5 = rows > 3 ? in[40] : 0, c7 = rows > 4 ? in[56] : 0;
        if (test5 && !big && i == 3 && (c0 | c1 | c3 | c5 | c7) == 0)
            continue;
        /* IDCT2V and DESCALE with the rounding bias added to the even part once (the same
         * sums: two additions a column fewer). */
        int32_t even = SCALE_UP(c0) + (1 << (COLUMN_SHIFT - 1));
        int32_t odd = c1 * W2_1 + c3 * W2_3 + c5 * W2_5 + c7 * W2_7;
        in[0] = 0;
        if (rows > 1)
            in[8] = in[24] = 0;
        if (rows > 3)
            in[40] = 0;
        if (rows > 4)
            in[56] = 0;
        int32_t value0 = (even + odd) >> COLUMN_SHIFT;
        int32_t value1 = (even - odd) >> COLUMN_SHIFT;
        if (big) {
            value0 = clamp_work(value0);
            value1 = clamp_work(value1);
        }
        if (i == 0) {
            dc0 = value0;
            dc1 = value1;
        } else {
            odd0 += value0 * weights[i];
            odd1 += value1 * weights[i];
        }
    }
    int32_t even0 = SCALE_UP(dc0 + ROW_BIAS), even1 = SCALE_UP(dc1 + ROW_BIAS);
    int32_t p00 = (even0 + odd0) >> OUT_SHIFT, p01 = (even0 - odd0) >> OUT_SHIFT;
    int32_t p10 = (even1 + odd1) >> OUT_SHIFT, p11 = (even1 - odd1) >> OUT_SHIFT;
    /* The four in range (as store_row: their OR, as unsigned, below 256), stored as they are;
     * else each clamped. */
    if ((uint32_t)(p00 | p01 | p10 | p11) > 255u) {
        p00 = CLAMP_PIXEL_PINNED(p00);
        p01 = CLAMP_PIXEL_PINNED(p01);
        p10 = CLAMP_PIXEL_PINNED(p10);
        p11 = CLAMP_PIXEL_PINNED(p11);
    }
    out[0] = (uint8_t)p00;
    out[1] = (uint8_t)p01;
    out[stride] = (uint8_t)p10;
    out[stride + 1] = (uint8_t)p11;
}

/* The 2x2 tiers by the last zigzag index (the 4x4 ones' JPEG_LAST_* and two more: zigzag 28 is
 * (0,7), 35 (7,0), 42 (1,7), so up to 34 nothing in row 7 and only row 0 of column 7, up to 41
 * still only row 0 of column 7). The middle three each its own function, tail-called; the
 * lowest and the full one inline in the dispatcher (RV32 counts, img3 and manga_001 at 1/4: all
 * inlined, the dispatcher took nine callee-saved registers, a prologue and epilogue of 20
 * instructions a block; the full tier tail-called cost line art 3 instructions a block, the
 * lowest tail-called cost both). */
/* (JPEG_LAST_2X2_NO_ROW7 and JPEG_LAST_2X2_COLUMN7_TOP: jpeg_internal.h.) */
#define IDCT_2X2_TIER(name, columns, rows, column7_rows, test5)                                   \
    static IDCT_BLOCK_ATTRIBUTES __attribute__((noinline)) void name(                             \
        int32_t *coefficients, uint8_t *out, size_t stride)                                       \
    {                                                                                             \
        idct_2x2(coefficients, false, columns, rows, column7_rows, test5, out, stride);           \
    }
/* Where the IDCT is scalar (JPEG_IDCT_SCALAR_TIERS, jpeg_internal.h) the middle three are also
 * called by name, and the lowest has a function of its own besides, for the progressive emit,
 * which picks a tier from a block's mask itself (the dispatcher keeps its inline copy). */
#if JPEG_IDCT_SCALAR_TIERS
#define IDCT_2X2_TIER_EXPORTED(name, columns, rows, column7_rows, test5)                          \
    IDCT_BLOCK_ATTRIBUTES __attribute__((noinline)) void ink_jpeg_##name(                         \
        int32_t *coefficients, uint8_t *out, size_t stride)                                       \
    {                                                                                             \
        idct_2x2(coefficients, false, columns, rows, column7_rows, test5, out, stride);           \
    }
IDCT_2X2_TIER_EXPORTED(idct_2x2_low_tier, 3, 3, 0, false)
#define idct_2x2_mid_tier ink_jpeg_idct_2x2_mid_tier
#define idct_2x2_no_row7_tier ink_jpeg_idct_2x2_no_row7_tier
#define idct_2x2_column7_top_tier ink_jpeg_idct_2x2_column7_top_tier
#else
#define IDCT_2X2_TIER_EXPORTED IDCT_2X2_TIER
#endif
IDCT_2X2_TIER_EXPORTED(idct_2x2_mid_tier, 4, 4, 0, true)
IDCT_2X2_TIER_EXPORTED(idct_2x2_no_row7_tier, 5, 4, 1, true)
IDCT_2X2_TIER_EXPORTED(idct_2x2_column7_top_tier, 5, 5, 1, true)

/* AArch64 (NEON): the transforms on GCC/Clang vectors of 8 int32 lanes — the column pass does
 * the 8 columns at once (a row of coefficients is one vector), a transpose, the row pass does
 * the 8 rows at once, a transpose back to rows of pixels. Same integer operations in the same
 * order as the scalar code, so the same pixels (tests/unit/test_jpeg_idct.c compares the two;
 * test_jpeg_idct_vector builds this form on x86-64 with -DINK_JPEG_VECTOR_IDCT, which selects
 * it on any 64-bit host). x86-64 takes the 16-bit SSE2 form below instead, in every build:
 * it needs no 32-bit lane multiply (which baseline x86-64 lacks: emulated, these vectors cost
 * more than the scalar code) and, compiled for AVX2, is cheaper than these vectors too (a
 * 1024x696 photo at 1/1: 16.2M against 20.6M instructions). The board (RV32) and any build with
 * -DINK_JPEG_SCALAR_IDCT keep the scalar code. Chosen at compile time: runtime CPU dispatch
 * would need the C library's CPU-model support in the freestanding core. */
#if UINTPTR_MAX > 0xFFFFFFFFu && defined(__GNUC__) && defined(__has_builtin) &&                   \
    !defined(INK_JPEG_SCALAR_IDCT) && (defined(__ARM_NEON) || defined(INK_JPEG_VECTOR_IDCT))
#if __has_builtin(__builtin_shufflevector) && __has_builtin(__builtin_convertvector)
#define JPEG_VECTOR_IDCT 1
#endif
#endif
#ifndef JPEG_VECTOR_IDCT
#define JPEG_VECTOR_IDCT 0
#endif

#if JPEG_VECTOR_IDCT
typedef int32_t jpeg_v8i __attribute__((vector_size(32)));
typedef int16_t jpeg_v8s __attribute__((vector_size(16)));
typedef uint8_t jpeg_v8b __attribute__((vector_size(8)));

/* rows[r][c] -> rows[c][r], in three rounds of interleaving pairs. */
#define TRANSPOSE8(T, rows)                                                                       \
    do {                                                                                          \
        T a_[8], b_[8];                                                                           \
        for (unsigned i_ = 0; i_ < 8; i_ += 2) {                                                  \
            a_[i_] = __builtin_shufflevector(rows[i_], rows[i_ + 1], 0, 8, 1, 9, 4, 12, 5, 13);   \
            a_[i_ + 1] =                                                                          \
                __builtin_shufflevector(rows[i_], rows[i_ + 1], 2, 10, 3, 11, 6, 14, 7, 15);      \
        }                                                                                         \
        for (unsigned i_ = 0; i_ < 8; i_ += 4) {                                                  \
            b_[i_] = __builtin_shufflevector(a_[i_], a_[i_ + 2], 0, 1, 8, 9, 4, 5, 12, 13);       \
            b_[i_ + 1] = __builtin_shufflevector(a_[i_], a_[i_ + 2], 2, 3, 10, 11, 6, 7, 14, 15); \
            b_[i_ + 2] =                                                                          \
                __builtin_shufflevector(a_[i_ + 1], a_[i_ + 3], 0, 1, 8, 9, 4, 5, 12, 13);        \
            b_[i_ + 3] =                                                                          \
                __builtin_shufflevector(a_[i_ + 1], a_[i_ + 3], 2, 3, 10, 11, 6, 7, 14, 15);      \
        }                                                                                         \
        for (unsigned i_ = 0; i_ < 4; i_++) {                                                     \
            rows[i_] = __builtin_shufflevector(b_[i_], b_[i_ + 4], 0, 1, 2, 3, 8, 9, 10, 11);     \
            rows[i_ + 4] =                                                                        \
                __builtin_shufflevector(b_[i_], b_[i_ + 4], 4, 5, 6, 7, 12, 13, 14, 15);          \
        }                                                                                         \
    } while (0)

/* Coefficient rows as vectors, loaded and cleared in place (a 256-byte memset is a `rep stos`
 * on the host: slow to start). */
typedef int32_t jpeg_v8i_unaligned __attribute__((vector_size(32), aligned(4), may_alias));

static inline __attribute__((always_inline)) void load_and_clear(int32_t *coefficients,
                                                                 jpeg_v8i row[8])
{
    jpeg_v8i_unaligned *in = (jpeg_v8i_unaligned *)(void *)coefficients;
    const jpeg_v8i zero = {0};
    /* Written out: GCC makes a loop of zero stores a memset again. */
    row[0] = in[0], row[1] = in[1], row[2] = in[2], row[3] = in[3];
    row[4] = in[4], row[5] = in[5], row[6] = in[6], row[7] = in[7];
    in[0] = zero, in[1] = zero, in[2] = zero, in[3] = zero;
    in[4] = zero, in[5] = zero, in[6] = zero, in[7] = zero;
}

/* Lane-wise min/max; a macro, since a function passing 32-byte vectors by value has an
 * ABI that differs with and without AVX. */
#define VECTOR_CLAMP(value, low, high)                                                            \
    do {                                                                                          \
        jpeg_v8i below_ = (value) < (low), above_ = (value) > (high);                             \
        (value) = ((value) & ~below_) | ((low) & below_);                                         \
        (value) = ((value) & ~above_) | ((high) & above_);                                        \
    } while (0)

static inline __attribute__((always_inline)) void idct_8x8_vector_body(int32_t *coefficients,
                                                                       const bool big,
                                                                       uint8_t *out,
                                                                       size_t stride)
{
    jpeg_v8i row[8], result[8];
    load_and_clear(coefficients, row);
    /* Columns: lane c of row[r] is coefficient (r, c). */
    IDCT8T(jpeg_v8i, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], result);
    for (unsigned r = 0; r < 8; r++) {
        /* analyzer-ok: lane-wise shift of int32 lanes (GCC 12 -fanalyzer reads the lane count) */
        result[r] = (result[r] + (1 << (COLUMN_SHIFT - 1))) >> COLUMN_SHIFT;
        if (big)
            VECTOR_CLAMP(result[r], -32767, 32767);
    }
    TRANSPOSE8(jpeg_v8i, result);
    /* Rows: lane r of result[c] is work (r, c); the bias rides on the DC input as in idct_8x8. */
    IDCT8T(jpeg_v8i, result[0] + ROW_BIAS, result[1], result[2], result[3], result[4], result[5],
           result[6], result[7], row);
    jpeg_v8s narrow[8];
    for (unsigned x = 0; x < 8; x++) {
        /* analyzer-ok: lane-wise shift of int32 lanes (GCC 12 -fanalyzer reads the lane count) */
        jpeg_v8i pixel = row[x] >> OUT_SHIFT;
        VECTOR_CLAMP(pixel, 0, 255);
        narrow[x] = __builtin_convertvector(pixel, jpeg_v8s);
    }
    TRANSPOSE8(jpeg_v8s, narrow);
    for (unsigned y = 0; y < 8; y++, out += stride) {
        jpeg_v8b pixels = __builtin_convertvector(narrow[y], jpeg_v8b);
        memcpy(out, &pixels, 8);
    }
}


/* 4x4: the column pass on 8 lanes (column 4 is never stored at this scale: zero), a 4x8
 * transpose, the row pass on 4 lanes (the rows), a 4x4 transpose into bytes. */
typedef int32_t jpeg_v4i __attribute__((vector_size(16)));
typedef int32_t jpeg_v16i __attribute__((vector_size(64)));
typedef uint8_t jpeg_v16b __attribute__((vector_size(16)));

#define VECTOR_CLAMP4(value, low, high)                                                           \
    do {                                                                                          \
        jpeg_v4i below_ = (value) < (low), above_ = (value) > (high);                             \
        (value) = ((value) & ~below_) | ((low) & below_);                                         \
        (value) = ((value) & ~above_) | ((high) & above_);                                        \
    } while (0)

static inline __attribute__((always_inline)) void idct_4x4_vector_body(int32_t *coefficients,
                                                                       const bool big,
                                                                       uint8_t *out,
                                                                       size_t stride)
{
    jpeg_v8i row[8], work[4];
    load_and_clear(coefficients, row);
    IDCT4T(jpeg_v8i, row[0], row[1], row[2], row[3], row[5], row[6], row[7], work);
    for (unsigned r = 0; r < 4; r++) {
        /* analyzer-ok: lane-wise shift of int32 lanes (GCC 12 -fanalyzer reads the lane count) */
        work[r] = (work[r] + (1 << (COLUMN_SHIFT - 1))) >> COLUMN_SHIFT;
        if (big)
            VECTOR_CLAMP(work[r], -32767, 32767);
    }
    /* column[c]: lane r is work (r, c). */
    jpeg_v8i low = __builtin_shufflevector(work[0], work[1], 0, 8, 1, 9, 2, 10, 3, 11);
    jpeg_v8i high = __builtin_shufflevector(work[0], work[1], 4, 12, 5, 13, 6, 14, 7, 15);
    jpeg_v8i low2 = __builtin_shufflevector(work[2], work[3], 0, 8, 1, 9, 2, 10, 3, 11);
    jpeg_v8i high2 = __builtin_shufflevector(work[2], work[3], 4, 12, 5, 13, 6, 14, 7, 15);
    jpeg_v4i c0 = __builtin_shufflevector(low, low2, 0, 1, 8, 9);
    jpeg_v4i c1 = __builtin_shufflevector(low, low2, 2, 3, 10, 11);
    jpeg_v4i c2 = __builtin_shufflevector(low, low2, 4, 5, 12, 13);
    jpeg_v4i c3 = __builtin_shufflevector(low, low2, 6, 7, 14, 15);
    jpeg_v4i c5 = __builtin_shufflevector(high, high2, 2, 3, 10, 11);
    jpeg_v4i c6 = __builtin_shufflevector(high, high2, 4, 5, 12, 13);
    jpeg_v4i c7 = __builtin_shufflevector(high, high2, 6, 7, 14, 15);
    jpeg_v4i pixel[4];
    IDCT4T(jpeg_v4i, c0 + ROW_BIAS, c1, c2, c3, c5, c6, c7, pixel);
    for (unsigned x = 0; x < 4; x++) {
        /* analyzer-ok: lane-wise shift of int32 lanes (GCC 12 -fanalyzer reads the lane count) */
        pixel[x] >>= OUT_SHIFT;
        VECTOR_CLAMP4(pixel[x], 0, 255);
    }
    /* pixel[x] lane r -> bytes in row order. */
    jpeg_v8i pair01 = __builtin_shufflevector(pixel[0], pixel[1], 0, 4, 1, 5, 2, 6, 3, 7);
    jpeg_v8i pair23 = __builtin_shufflevector(pixel[2], pixel[3], 0, 4, 1, 5, 2, 6, 3, 7);
    jpeg_v16i rows = __builtin_shufflevector(pair01, pair23, 0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12,
                                             13, 6, 7, 14, 15);
    jpeg_v16b bytes = __builtin_convertvector(rows, jpeg_v16b);
    for (unsigned y = 0; y < 4; y++, out += stride)
        memcpy(out, (const uint8_t *)&bytes + 4 * y, 4);
}

/* 2x2: the column pass on 8 lanes (columns 2, 4, 6 are zero at this scale), the two rows' 2-point
 * pass in scalar code. */
static inline __attribute__((always_inline)) void idct_2x2_vector_body(int32_t *coefficients,
                                                                       const bool big,
                                                                       uint8_t *out,
                                                                       size_t stride)
{
    jpeg_v8i row[8], work[2];
    load_and_clear(coefficients, row);
    IDCT2T(jpeg_v8i, row[0], row[1], row[3], row[5], row[7], work);
    for (unsigned r = 0; r < 2; r++, out += stride) {
        /* analyzer-ok: lane-wise shift of int32 lanes (GCC 12 -fanalyzer reads the lane count) */
        work[r] = (work[r] + (1 << (COLUMN_SHIFT - 1))) >> COLUMN_SHIFT;
        if (big)
            VECTOR_CLAMP(work[r], -32767, 32767);
        int32_t result[2];
        IDCT2V(work[r][0] + ROW_BIAS, work[r][1], work[r][3], work[r][5], work[r][7], result);
        out[0] = clamp_pixel(result[0] >> OUT_SHIFT);
        out[1] = clamp_pixel(result[1] >> OUT_SHIFT);
    }
}

static void idct_vector(int32_t *coefficients, unsigned block_log2, bool big, uint8_t *out,
                        size_t stride)
{
    if (block_log2 == 3) {
        if (big)
            idct_8x8_vector_body(coefficients, true, out, stride);
        else
            idct_8x8_vector_body(coefficients, false, out, stride);
    } else if (block_log2 == 2) {
        if (big)
            idct_4x4_vector_body(coefficients, true, out, stride);
        else
            idct_4x4_vector_body(coefficients, false, out, stride);
    } else {
        if (big)
            idct_2x2_vector_body(coefficients, true, out, stride);
        else
            idct_2x2_vector_body(coefficients, false, out, stride);
    }
}
#endif

/* x86-64: SSE2, which every x86-64 has (with AVX the compiler encodes the same intrinsics as
 * VEX, without the register copies), on 16-bit lanes. A block that is not big has every
 * coefficient within +-1024 (the baseline decoder flags 1024 as big, the progressive one does
 * not) and then, by the bound of the column pass (+-30,607 after its descale: the graph's exact
 * integer weights of each output, times 1024, summed), every intermediate row fits int16 too,
 * so 16-bit lanes hold the inputs of both passes exactly. Products and sums are formed in 32
 * bits with pmaddwd, which multiplies pairs of lanes and adds each pair: the LLM graph
 * rewritten as dot products of two input pairs (the weights below are the graph's constants
 * combined, e.g. t2 = z2 * F0541 + z3 * (F0541 - F1847)). Integer arithmetic is exact, so the
 * same sums give the scalar code's pixels; the 32-bit lanes wrap where C would overflow, but
 * the scalar results fit in int32 (see "Overflow"), so every result is the same. Big blocks
 * (hostile data) take the scalar code. */
#if !JPEG_VECTOR_IDCT && defined(__x86_64__) && defined(__SSE2__) &&                             \
    !defined(INK_JPEG_SCALAR_IDCT)
#define JPEG_SSE2_IDCT 1
#include <emmintrin.h>

/* pmaddwd weights for an interleaved pair (first, second): lane 2i x first + lane 2i+1 x
 * second. */
#define PAIR_WEIGHTS(first, second)                                                               \
    _mm_set_epi16((short)(second), (short)(first), (short)(second), (short)(first),               \
                  (short)(second), (short)(first), (short)(second), (short)(first))

/* The block's coefficient rows as int16 vectors (exact: not big), and the block cleared. */
static inline __attribute__((always_inline)) void load_rows_and_clear(int32_t *coefficients,
                                                                      __m128i row[8])
{
    const __m128i zero = _mm_setzero_si128();
#pragma GCC unroll 8
    for (unsigned r = 0; r < 8; r++) {
        __m128i *in = (__m128i *)(void *)(coefficients + 8 * r);
        row[r] = _mm_packs_epi32(_mm_loadu_si128(in), _mm_loadu_si128(in + 1));
        _mm_storeu_si128(in, zero);
        _mm_storeu_si128(in + 1, zero);
    }
}

/* One half of an 8-point pass over 8 lanes of int16 inputs in[0..7] (lanes 0..3, or 4..7 when
 * `high`), as 32-bit results (result + bias) >> shift. `bias` is the rounding, and in the row
 * pass the level shift. */
static inline __attribute__((always_inline)) void idct8_half_sse2(const __m128i in[8],
                                                                  const bool high, __m128i bias,
                                                                  const int shift,
                                                                  __m128i out[8])
{
    const __m128i even_t0 = PAIR_WEIGHTS(1 << CONST_BITS, 1 << CONST_BITS);
    const __m128i even_t1 = PAIR_WEIGHTS(1 << CONST_BITS, -(1 << CONST_BITS));
    const __m128i even_t2 = PAIR_WEIGHTS(FIX_0_541196100, FIX_0_541196100 - FIX_1_847759065);
    const __m128i even_t3 = PAIR_WEIGHTS(FIX_0_541196100 + FIX_0_765366865, FIX_0_541196100);
    /* The odd part, inputs a = in7, b = in5, c = in3, d = in1 (z5 distributed over them). */
    const __m128i odd0_ab = PAIR_WEIGHTS(FIX_0_298631336 - FIX_0_899976223 - FIX_1_961570560 +
                                             FIX_1_175875602,
                                         FIX_1_175875602);
    const __m128i odd0_cd =
        PAIR_WEIGHTS(FIX_1_175875602 - FIX_1_961570560, FIX_1_175875602 - FIX_0_899976223);
    const __m128i odd1_ab = PAIR_WEIGHTS(FIX_1_175875602, FIX_2_053119869 - FIX_2_562915447 -
                                                              FIX_0_390180644 + FIX_1_175875602);
    const __m128i odd1_cd =
        PAIR_WEIGHTS(FIX_1_175875602 - FIX_2_562915447, FIX_1_175875602 - FIX_0_390180644);
    const __m128i odd2_ab =
        PAIR_WEIGHTS(FIX_1_175875602 - FIX_1_961570560, FIX_1_175875602 - FIX_2_562915447);
    const __m128i odd2_cd = PAIR_WEIGHTS(FIX_3_072711026 - FIX_2_562915447 - FIX_1_961570560 +
                                             FIX_1_175875602,
                                         FIX_1_175875602);
    const __m128i odd3_ab =
        PAIR_WEIGHTS(FIX_1_175875602 - FIX_0_899976223, FIX_1_175875602 - FIX_0_390180644);
    const __m128i odd3_cd = PAIR_WEIGHTS(FIX_1_175875602, FIX_1_501321110 - FIX_0_899976223 -
                                                              FIX_0_390180644 + FIX_1_175875602);
    __m128i p04 = high ? _mm_unpackhi_epi16(in[0], in[4]) : _mm_unpacklo_epi16(in[0], in[4]);
    __m128i p26 = high ? _mm_unpackhi_epi16(in[2], in[6]) : _mm_unpacklo_epi16(in[2], in[6]);
    __m128i pab = high ? _mm_unpackhi_epi16(in[7], in[5]) : _mm_unpacklo_epi16(in[7], in[5]);
    __m128i pcd = high ? _mm_unpackhi_epi16(in[3], in[1]) : _mm_unpacklo_epi16(in[3], in[1]);
    /* (in0 +- in4) << 13, plus the bias (which so reaches every output once). */
    __m128i t0 = _mm_add_epi32(_mm_madd_epi16(p04, even_t0), bias);
    __m128i t1 = _mm_add_epi32(_mm_madd_epi16(p04, even_t1), bias);
    __m128i t2 = _mm_madd_epi16(p26, even_t2), t3 = _mm_madd_epi16(p26, even_t3);
    __m128i t10 = _mm_add_epi32(t0, t3), t13 = _mm_sub_epi32(t0, t3);
    __m128i t11 = _mm_add_epi32(t1, t2), t12 = _mm_sub_epi32(t1, t2);
    __m128i o0 = _mm_add_epi32(_mm_madd_epi16(pab, odd0_ab), _mm_madd_epi16(pcd, odd0_cd));
    __m128i o1 = _mm_add_epi32(_mm_madd_epi16(pab, odd1_ab), _mm_madd_epi16(pcd, odd1_cd));
    __m128i o2 = _mm_add_epi32(_mm_madd_epi16(pab, odd2_ab), _mm_madd_epi16(pcd, odd2_cd));
    __m128i o3 = _mm_add_epi32(_mm_madd_epi16(pab, odd3_ab), _mm_madd_epi16(pcd, odd3_cd));
    out[0] = _mm_srai_epi32(_mm_add_epi32(t10, o3), shift);
    out[1] = _mm_srai_epi32(_mm_add_epi32(t11, o2), shift);
    out[2] = _mm_srai_epi32(_mm_add_epi32(t12, o1), shift);
    out[3] = _mm_srai_epi32(_mm_add_epi32(t13, o0), shift);
    out[4] = _mm_srai_epi32(_mm_sub_epi32(t13, o0), shift);
    out[5] = _mm_srai_epi32(_mm_sub_epi32(t12, o1), shift);
    out[6] = _mm_srai_epi32(_mm_sub_epi32(t11, o2), shift);
    out[7] = _mm_srai_epi32(_mm_sub_epi32(t10, o3), shift);
}

/* The whole pass: both halves, narrowed to int16 (saturating: exact where the results fit,
 * and the pixel clamp's first step in the row pass). The first half is finished before the
 * second is computed, which keeps fewer vectors live. */
static inline __attribute__((always_inline)) void idct8_sse2(const __m128i in[8], __m128i bias,
                                                             const int shift, __m128i out[8])
{
    __m128i low[8], high[8];
    idct8_half_sse2(in, false, bias, shift, low);
    idct8_half_sse2(in, true, bias, shift, high);
#pragma GCC unroll 8
    for (unsigned n = 0; n < 8; n++)
        out[n] = _mm_packs_epi32(low[n], high[n]);
}

/* r[i] lane j -> r[j] lane i, 8 x 8 int16. */
static inline __attribute__((always_inline)) void transpose8_epi16(__m128i r[8])
{
    __m128i a0 = _mm_unpacklo_epi16(r[0], r[1]), a1 = _mm_unpackhi_epi16(r[0], r[1]);
    __m128i a2 = _mm_unpacklo_epi16(r[2], r[3]), a3 = _mm_unpackhi_epi16(r[2], r[3]);
    __m128i a4 = _mm_unpacklo_epi16(r[4], r[5]), a5 = _mm_unpackhi_epi16(r[4], r[5]);
    __m128i a6 = _mm_unpacklo_epi16(r[6], r[7]), a7 = _mm_unpackhi_epi16(r[6], r[7]);
    __m128i b0 = _mm_unpacklo_epi32(a0, a2), b1 = _mm_unpackhi_epi32(a0, a2);
    __m128i b2 = _mm_unpacklo_epi32(a1, a3), b3 = _mm_unpackhi_epi32(a1, a3);
    __m128i b4 = _mm_unpacklo_epi32(a4, a6), b5 = _mm_unpackhi_epi32(a4, a6);
    __m128i b6 = _mm_unpacklo_epi32(a5, a7), b7 = _mm_unpackhi_epi32(a5, a7);
    r[0] = _mm_unpacklo_epi64(b0, b4);
    r[1] = _mm_unpackhi_epi64(b0, b4);
    r[2] = _mm_unpacklo_epi64(b1, b5);
    r[3] = _mm_unpackhi_epi64(b1, b5);
    r[4] = _mm_unpacklo_epi64(b2, b6);
    r[5] = _mm_unpackhi_epi64(b2, b6);
    r[6] = _mm_unpacklo_epi64(b3, b7);
    r[7] = _mm_unpackhi_epi64(b3, b7);
}

/* A block that is not big: coefficients loaded as int16 rows and cleared, columns, transpose,
 * rows, and the pixels (lane y of column x) transposed as bytes on the way out. */
/* The 8x8 transform of eight int16 rows of coefficients (row[r] lane c: (r, c)); `row` is
 * overwritten. */
static inline __attribute__((always_inline)) void idct_8x8_sse2_rows(__m128i row[8], uint8_t *out,
                                                                     size_t stride)
{
    /* Columns: lane c of row[r] is coefficient (r, c); DESCALE's rounding rides on the bias. */
    idct8_sse2(row, _mm_set1_epi32(1 << (COLUMN_SHIFT - 1)), COLUMN_SHIFT, row);
    transpose8_epi16(row);
    /* Rows: lane y of row[c] is work (y, c); the level shift and rounding ride on the bias
     * (ROW_BIAS on the DC input, times 2^13). */
    __m128i column[8];
    idct8_sse2(row, _mm_set1_epi32(ROW_BIAS * (1 << CONST_BITS)), OUT_SHIFT, column);
    /* Saturating to bytes is the clamp to 0..255. Then bytes (x, y) -> rows of x. */
    __m128i x04 = _mm_packus_epi16(column[0], column[4]);
    __m128i x15 = _mm_packus_epi16(column[1], column[5]);
    __m128i x26 = _mm_packus_epi16(column[2], column[6]);
    __m128i x37 = _mm_packus_epi16(column[3], column[7]);
    __m128i x01 = _mm_unpacklo_epi8(x04, x15), x45 = _mm_unpackhi_epi8(x04, x15);
    __m128i x23 = _mm_unpacklo_epi8(x26, x37), x67 = _mm_unpackhi_epi8(x26, x37);
    __m128i low_rows = _mm_unpacklo_epi16(x01, x23), high_rows = _mm_unpackhi_epi16(x01, x23);
    __m128i low_rows2 = _mm_unpacklo_epi16(x45, x67), high_rows2 = _mm_unpackhi_epi16(x45, x67);
    __m128i rows[4] = {_mm_unpacklo_epi32(low_rows, low_rows2),
                       _mm_unpackhi_epi32(low_rows, low_rows2),
                       _mm_unpacklo_epi32(high_rows, high_rows2),
                       _mm_unpackhi_epi32(high_rows, high_rows2)};
#pragma GCC unroll 4
    for (unsigned y = 0; y < 4; y++, out += 2 * stride) {
        _mm_storel_epi64((__m128i *)(void *)out, rows[y]);
        _mm_storel_epi64((__m128i *)(void *)(out + stride),
                         _mm_unpackhi_epi64(rows[y], rows[y]));
    }
}

static void idct_8x8_sse2(int32_t *coefficients, uint8_t *out, size_t stride)
{
    __m128i row[8];
    load_rows_and_clear(coefficients, row);
    idct_8x8_sse2_rows(row, out, stride);
}

void ink_jpeg_idct_8x8_int16(const int16_t *coefficients, uint8_t *out, size_t stride)
{
    __m128i row[8];
#pragma GCC unroll 8
    for (unsigned r = 0; r < 8; r++)
        row[r] = _mm_load_si128((const __m128i *)(const void *)(coefficients + 8 * r));
    idct_8x8_sse2_rows(row, out, stride);
}

/* 4x4, the same way: the column pass over 8 lanes (column 4 is ignored at this scale: its lane
 * is computed and dropped), the 4 x 8 work transposed into pairs of columns, the row pass over
 * 4 lanes (the rows), the 4 x 4 pixels transposed on the way out. The column pass's outputs
 * stay within +-18,800 (4.59 x 1024 x 4), so they are int16 too. */
static void idct_4x4_sse2(int32_t *coefficients, uint8_t *out, size_t stride)
{
    const __m128i zero = _mm_setzero_si128();
    const __m128i even_t = PAIR_WEIGHTS(W4_E2, -W4_E6);
    const __m128i odd0_13 = PAIR_WEIGHTS(W4_01, W4_03), odd0_57 = PAIR_WEIGHTS(W4_05, W4_07);
    const __m128i odd1_13 = PAIR_WEIGHTS(W4_11, W4_13), odd1_57 = PAIR_WEIGHTS(W4_15, W4_17);
    __m128i row[8];
    load_rows_and_clear(coefficients, row);
    /* Columns: lane c of row[r] is coefficient (r, c). */
    __m128i work[4];
#pragma GCC unroll 2
    for (unsigned half = 0; half < 2; half++) {
        __m128i e0, p26, p13, p57;
        if (half == 0) {
            e0 = _mm_srai_epi32(_mm_unpacklo_epi16(zero, row[0]), 16 - CONST_BITS);
            p26 = _mm_unpacklo_epi16(row[2], row[6]);
            p13 = _mm_unpacklo_epi16(row[1], row[3]);
            p57 = _mm_unpacklo_epi16(row[5], row[7]);
        } else {
            e0 = _mm_srai_epi32(_mm_unpackhi_epi16(zero, row[0]), 16 - CONST_BITS);
            p26 = _mm_unpackhi_epi16(row[2], row[6]);
            p13 = _mm_unpackhi_epi16(row[1], row[3]);
            p57 = _mm_unpackhi_epi16(row[5], row[7]);
        }
        e0 = _mm_add_epi32(e0, _mm_set1_epi32(1 << (COLUMN_SHIFT - 1)));
        __m128i t = _mm_madd_epi16(p26, even_t);
        __m128i o0 = _mm_add_epi32(_mm_madd_epi16(p13, odd0_13), _mm_madd_epi16(p57, odd0_57));
        __m128i o1 = _mm_add_epi32(_mm_madd_epi16(p13, odd1_13), _mm_madd_epi16(p57, odd1_57));
        __m128i plus = _mm_add_epi32(e0, t), minus = _mm_sub_epi32(e0, t);
        __m128i result[4] = {_mm_add_epi32(plus, o0), _mm_add_epi32(minus, o1),
                             _mm_sub_epi32(minus, o1), _mm_sub_epi32(plus, o0)};
#pragma GCC unroll 4
        for (unsigned r = 0; r < 4; r++) {
            result[r] = _mm_srai_epi32(result[r], COLUMN_SHIFT);
            work[r] = half == 0 ? result[r] : _mm_packs_epi32(work[r], result[r]);
        }
    }
    /* work[r] lane c -> columns in pairs: c01 holds column 0 (lanes 0..3 = rows) and column 1. */
    __m128i r01 = _mm_unpacklo_epi16(work[0], work[1]);
    __m128i r23 = _mm_unpacklo_epi16(work[2], work[3]);
    __m128i r01h = _mm_unpackhi_epi16(work[0], work[1]);
    __m128i r23h = _mm_unpackhi_epi16(work[2], work[3]);
    __m128i c01 = _mm_unpacklo_epi32(r01, r23), c23 = _mm_unpackhi_epi32(r01, r23);
    __m128i c45 = _mm_unpacklo_epi32(r01h, r23h), c67 = _mm_unpackhi_epi32(r01h, r23h);
    /* Rows: lane y is row y; the level shift and rounding ride on the DC input. */
    __m128i e0 = _mm_add_epi32(_mm_srai_epi32(_mm_unpacklo_epi16(zero, c01), 16 - CONST_BITS),
                               _mm_set1_epi32(ROW_BIAS * (1 << CONST_BITS)));
    __m128i p26 = _mm_unpacklo_epi16(c23, c67);
    __m128i p13 = _mm_unpackhi_epi16(c01, c23);
    __m128i p57 = _mm_unpackhi_epi16(c45, c67);
    __m128i t = _mm_madd_epi16(p26, even_t);
    __m128i o0 = _mm_add_epi32(_mm_madd_epi16(p13, odd0_13), _mm_madd_epi16(p57, odd0_57));
    __m128i o1 = _mm_add_epi32(_mm_madd_epi16(p13, odd1_13), _mm_madd_epi16(p57, odd1_57));
    __m128i plus = _mm_add_epi32(e0, t), minus = _mm_sub_epi32(e0, t);
    /* x0 and x1 (lanes 0..3 and 4..7), x2 and x3; saturation then is the clamp to 0..255. */
    __m128i x01 = _mm_packs_epi32(_mm_srai_epi32(_mm_add_epi32(plus, o0), OUT_SHIFT),
                                  _mm_srai_epi32(_mm_add_epi32(minus, o1), OUT_SHIFT));
    __m128i x23 = _mm_packs_epi32(_mm_srai_epi32(_mm_sub_epi32(minus, o1), OUT_SHIFT),
                                  _mm_srai_epi32(_mm_sub_epi32(plus, o0), OUT_SHIFT));
    __m128i x02 = _mm_unpacklo_epi16(x01, x23), x13 = _mm_unpackhi_epi16(x01, x23);
    __m128i rows = _mm_packus_epi16(_mm_unpacklo_epi16(x02, x13), _mm_unpackhi_epi16(x02, x13));
#pragma GCC unroll 4
    for (unsigned y = 0; y < 4; y++, out += stride) {
        uint32_t pixels = (uint32_t)_mm_cvtsi128_si32(rows);
        memcpy(out, &pixels, 4);
        rows = _mm_srli_si128(rows, 4);
    }
}

/* 2x2: the column pass over 8 lanes (columns 2, 4, 6 are ignored at this scale), then each of
 * the two work rows is one int16 vector and each pixel a dot product across it (pmaddwd and a
 * horizontal sum of the four pairs). Work values stay within +-10,700. */
static void idct_2x2_sse2(int32_t *coefficients, uint8_t *out, size_t stride)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i row[8];
    load_rows_and_clear(coefficients, row);
    const __m128i odd_13 = PAIR_WEIGHTS(W2_1, W2_3), odd_57 = PAIR_WEIGHTS(W2_5, W2_7);
    __m128i work[2];
#pragma GCC unroll 2
    for (unsigned half = 0; half < 2; half++) {
        __m128i e, p13, p57;
        if (half == 0) {
            e = _mm_srai_epi32(_mm_unpacklo_epi16(zero, row[0]), 16 - CONST_BITS);
            p13 = _mm_unpacklo_epi16(row[1], row[3]);
            p57 = _mm_unpacklo_epi16(row[5], row[7]);
        } else {
            e = _mm_srai_epi32(_mm_unpackhi_epi16(zero, row[0]), 16 - CONST_BITS);
            p13 = _mm_unpackhi_epi16(row[1], row[3]);
            p57 = _mm_unpackhi_epi16(row[5], row[7]);
        }
        e = _mm_add_epi32(e, _mm_set1_epi32(1 << (COLUMN_SHIFT - 1)));
        __m128i o = _mm_add_epi32(_mm_madd_epi16(p13, odd_13), _mm_madd_epi16(p57, odd_57));
        __m128i top = _mm_srai_epi32(_mm_add_epi32(e, o), COLUMN_SHIFT);
        __m128i bottom = _mm_srai_epi32(_mm_sub_epi32(e, o), COLUMN_SHIFT);
        work[0] = half == 0 ? top : _mm_packs_epi32(work[0], top);
        work[1] = half == 0 ? bottom : _mm_packs_epi32(work[1], bottom);
    }
    /* Rows: pairs (c0, c1), (c2, c3), (c4, c5), (c6, c7) weighted (2^13, +-W2_1), (0, +-W2_3)... */
    const __m128i left = _mm_set_epi16(W2_7, 0, W2_5, 0, W2_3, 0, W2_1, 1 << CONST_BITS);
    const __m128i right = _mm_set_epi16(-W2_7, 0, -W2_5, 0, -W2_3, 0, -W2_1, 1 << CONST_BITS);
    __m128i a = _mm_madd_epi16(work[0], left), b = _mm_madd_epi16(work[0], right);
    __m128i c = _mm_madd_epi16(work[1], left), d = _mm_madd_epi16(work[1], right);
    __m128i ab = _mm_add_epi32(_mm_unpacklo_epi32(a, b), _mm_unpackhi_epi32(a, b));
    __m128i cd = _mm_add_epi32(_mm_unpacklo_epi32(c, d), _mm_unpackhi_epi32(c, d));
    /* Lanes: (0, 0), (0, 1), (1, 0), (1, 1); the level shift and rounding as a bias. */
    __m128i sums = _mm_add_epi32(_mm_unpacklo_epi64(ab, cd), _mm_unpackhi_epi64(ab, cd));
    sums = _mm_srai_epi32(_mm_add_epi32(sums, _mm_set1_epi32(ROW_BIAS * (1 << CONST_BITS))),
                          OUT_SHIFT);
    __m128i words = _mm_packs_epi32(sums, sums);
    uint32_t pixels = (uint32_t)_mm_cvtsi128_si32(_mm_packus_epi16(words, words));
    out[0] = (uint8_t)pixels;
    out[1] = (uint8_t)(pixels >> 8);
    out[stride] = (uint8_t)(pixels >> 16);
    out[stride + 1] = (uint8_t)(pixels >> 24);
}
#endif
#ifndef JPEG_SSE2_IDCT
#define JPEG_SSE2_IDCT 0
#endif

/* The scalar transforms whatever the build: what the vector ones are tested against. The
 * functions of the contract clear the whole block (their callers may store anything). */
void ink_jpeg_idct_scalar(int32_t *coefficients, unsigned block_log2, bool big, uint8_t *out,
                          size_t stride)
{
    if (block_log2 == 3) {
        if (big)
            idct_8x8(coefficients, true, out, stride);
        else
            idct_8x8(coefficients, false, out, stride);
    } else if (block_log2 == 2) {
        if (big)
            idct_4x4(coefficients, true, false, false, out, stride);
        else
            idct_4x4(coefficients, false, false, false, out, stride);
        clear_all(coefficients);
    } else {
        if (big)
            idct_2x2(coefficients, true, 5, 5, 5, false, out, stride);
        else
            idct_2x2(coefficients, false, 5, 5, 5, false, out, stride);
        clear_all(coefficients);
    }
}

/* One transform of block_log2 3, 2 or 1: the vector one where there is one. */
static inline void idct_any(int32_t *coefficients, unsigned block_log2, bool big, uint8_t *out,
                            size_t stride)
{
#if JPEG_VECTOR_IDCT
    idct_vector(coefficients, block_log2, big, out, stride);
#elif JPEG_SSE2_IDCT
    if (block_log2 == 3 && !big)
        idct_8x8_sse2(coefficients, out, stride);
    else if (block_log2 == 2 && !big)
        idct_4x4_sse2(coefficients, out, stride);
    else if (block_log2 == 1 && !big)
        idct_2x2_sse2(coefficients, out, stride);
    else
        ink_jpeg_idct_scalar(coefficients, block_log2, big, out, stride);
#else
    ink_jpeg_idct_scalar(coefficients, block_log2, big, out, stride);
#endif
}

void ink_jpeg_idct_8x8(int32_t *coefficients, bool big, uint8_t *out, size_t stride)
{
    idct_any(coefficients, 3, big, out, stride);
}

void ink_jpeg_idct_4x4(int32_t *coefficients, bool big, uint8_t *out, size_t stride)
{
    idct_any(coefficients, 2, big, out, stride);
}

void ink_jpeg_idct_2x2(int32_t *coefficients, bool big, uint8_t *out, size_t stride)
{
    idct_any(coefficients, 1, big, out, stride);
}

/* 1x1: the DC term alone; clears it. */
static void idct_1x1(int32_t *coefficients, uint8_t *out)
{
    *out = to_pixel(DESCALE(coefficients[0], 3));
    coefficients[0] = 0;
}

/* A word of four equal pixels, stored where the address is 4-aligned (the decoder's rows are:
 * their stride is a multiple of the MCU width; RV32 has no misaligned stores). */
typedef uint32_t jpeg_pixel_word __attribute__((may_alias, aligned(4)));

/* A block with only a DC term is flat at every scale: fills size x size pixels, clears DC. */
static inline __attribute__((always_inline)) void
idct_flat_body(int32_t *coefficients, unsigned size, uint8_t *out, size_t stride)
{
    uint8_t pixel = to_pixel(DESCALE(coefficients[0], 3));
    coefficients[0] = 0;
    /* Half of the blocks of a typical photo are flat: words, and loops of constant length. */
    if (size >= 4 && (((uintptr_t)out | stride) & 3u) == 0) {
        uint32_t word = pixel * 0x01010101u;
        if (size == 8) {
#pragma GCC unroll 8
            for (unsigned row = 0; row < 8; row++, out += stride) {
                ((jpeg_pixel_word *)(void *)out)[0] = word;
                ((jpeg_pixel_word *)(void *)out)[1] = word;
            }
        } else {
#pragma GCC unroll 4
            for (unsigned row = 0; row < 4; row++, out += stride)
                *(jpeg_pixel_word *)(void *)out = word;
        }
        return;
    }
    if (size == 2) {
        out[0] = out[1] = pixel;
        out[stride] = out[stride + 1] = pixel;
        return;
    }
    for (unsigned row = 0; row < size; row++, out += stride)
        fill_row(out, pixel, size);
}
static void idct_flat(int32_t *coefficients, unsigned size, uint8_t *out, size_t stride)
{
    idct_flat_body(coefficients, size, out, stride);
}

/* The scalar tiers of ink_jpeg_idct_block, each its own function: the dispatch below then
 * tail-calls one, and each saves only the registers its own code uses (inlined into one
 * function, every block paid the prologue of the largest). */
#define SCALAR_TIER(name, call)                                                                   \
    static __attribute__((noinline)) void name(int32_t *coefficients, uint8_t *out,              \
                                               size_t stride)                                     \
    {                                                                                             \
        call;                                                                                     \
    }
/* The 8x8 and 4x4 tiers are also called by name where the IDCT is scalar (JPEG_IDCT_SCALAR_TIERS,
 * jpeg_internal.h): the progressive emit picks one from a block's mask itself. */
#if JPEG_IDCT_SCALAR_TIERS
#define SCALAR_TIER_EXPORTED(name, call)                                                          \
    __attribute__((noinline)) void ink_jpeg_##name(int32_t *coefficients, uint8_t *out,          \
                                                   size_t stride)                                 \
    {                                                                                             \
        call;                                                                                     \
    }
#define idct_8x8_low_tier ink_jpeg_idct_8x8_low_tier
#define idct_8x8_tier ink_jpeg_idct_8x8_tier
#define idct_4x4_low_tier ink_jpeg_idct_4x4_low_tier
#define idct_4x4_mid6_tier ink_jpeg_idct_4x4_mid6_tier
#define idct_4x4_mid_tier ink_jpeg_idct_4x4_mid_tier
#define idct_4x4_tier ink_jpeg_idct_4x4_tier
#else
#define SCALAR_TIER_EXPORTED SCALAR_TIER
#endif
SCALAR_TIER_EXPORTED(idct_8x8_low_tier, idct_8x8_low(coefficients, false, out, stride))
SCALAR_TIER_EXPORTED(idct_8x8_tier, idct_8x8(coefficients, false, out, stride))
SCALAR_TIER_EXPORTED(idct_4x4_low_tier, idct_4x4_low(coefficients, false, out, stride))
SCALAR_TIER_EXPORTED(idct_4x4_mid6_tier, idct_4x4(coefficients, false, true, true, out, stride))
SCALAR_TIER_EXPORTED(idct_4x4_mid_tier, idct_4x4(coefficients, false, true, false, out, stride))
SCALAR_TIER_EXPORTED(idct_4x4_tier, idct_4x4(coefficients, false, false, false, out, stride))

IDCT_BLOCK_ATTRIBUTES void ink_jpeg_idct_block(int32_t *coefficients, unsigned block_log2,
                                               uint32_t flags, uint8_t *out, size_t stride)
{
    if (block_log2 == 0) {
        idct_1x1(coefficients, out);
    } else if (!(flags & JPEG_FLAG_AC)) {
        idct_flat(coefficients, 1u << block_log2, out, stride);
    } else if (JPEG_VECTOR_IDCT || (flags & JPEG_FLAG_BIG)) {
        /* The vector transforms cost the same for any block; big blocks (hostile or extreme
         * data) take the clamping variants, no shortcuts needed. */
        idct_any(coefficients, block_log2, (flags & JPEG_FLAG_BIG) != 0, out, stride);
    } else {
        unsigned last = JPEG_FLAG_LAST(flags);
        if (JPEG_SSE2_IDCT)
            idct_any(coefficients, block_log2, false, out, stride);
        else if (block_log2 == 3)
            (last <= JPEG_LAST_LOW ? idct_8x8_low_tier : idct_8x8_tier)(coefficients, out, stride);
        else if (block_log2 == 2)
            (last <= JPEG_LAST_LOW_REDUCED ? idct_4x4_low_tier
             : last <= JPEG_LAST_MID6      ? idct_4x4_mid6_tier
             : last <= JPEG_LAST_MID       ? idct_4x4_mid_tier
                                      : idct_4x4_tier)(coefficients, out, stride);
        else if (last <= JPEG_LAST_LOW_REDUCED)
            idct_2x2(coefficients, false, 3, 3, 0, false, out, stride);
        else if (last <= JPEG_LAST_MID)
            idct_2x2_mid_tier(coefficients, out, stride);
        else if (last <= JPEG_LAST_2X2_NO_ROW7)
            idct_2x2_no_row7_tier(coefficients, out, stride);
        else if (last <= JPEG_LAST_2X2_COLUMN7_TOP)
            idct_2x2_column7_top_tier(coefficients, out, stride);
        else
            idct_2x2(coefficients, false, 5, 5, 5, false, out, stride);
    }
}

#if JPEG_IDCT_SCALAR_TIERS
/* The full 2x2 as a function of its own for the progressive emit (the dispatcher keeps its
 * inline copy). */
IDCT_2X2_TIER_EXPORTED(idct_2x2_tier, 5, 5, 5, false)
__attribute__((noinline)) void ink_jpeg_idct_flat_block(int32_t *coefficients, unsigned block_log2,
                                                        uint8_t *out, size_t stride)
{
    idct_flat_body(coefficients, 1u << block_log2, out, stride);
}
#endif
