/*
 * jpeg_idct.c — inverse DCTs in 32-bit fixed point, full and reduced (DCT-domain downscale).
 *
 * 8x8: the Loeffler–Ligtenberg–Moschytz factorisation (12 multiplies per 1-D pass) with 13-bit
 * constants and 2 extra bits kept between the column and row passes — the "islow" arithmetic
 * that libjpeg's JDCT_ISLOW also uses, so full-scale output matches it to rounding.
 *
 * 4x4, 2x2: each output pixel is the average of the 2x2 (or 4x4) pixels the full 8x8 IDCT would
 * produce. Averaging is linear, so it folds into the weights: along one axis
 *     out(n) = S0 + sum over u>0 of sqrt(2) * cos(u*pi/16) * cos((2n+1)*u*pi/8) * S(u)   (4 out)
 *     out(n) = S0 +- sum over odd u of sqrt(2) * mean_{x=0..3} cos((2x+1)*u*pi/16) * S(u) (2 out)
 * in the same scale as the 8-point pass (DC weight 1). The weights below are those numbers times
 * 2^13, rounded. Even u vanish in the 2-point case and u = 4 in the 4-point case.
 * 1x1: the DC term alone, (DC + 4) >> 3.
 *
 * Overflow: coefficients arrive clamped to +-2048. When all are within +-1024 ("not big"), every
 * intermediate fits in int32 (worst case ~1.9e9, computed by summing absolute weights); a big
 * block clamps the column pass's outputs to +-32767, which keeps the row pass in range. Real
 * JPEGs of 8-bit samples never exceed those bounds (|F(u,v)| <= 1024 + q/2), so the clamps change
 * nothing for valid data; they make hostile data harmless.
 */
#include <string.h>

#include "decode/jpeg_internal.h"

#define CONST_BITS 13
#define PASS1_BITS 2
#define DESCALE(x, n) (((x) + (1 << ((n) - 1))) >> (n))
/* Multiplying, not shifting: left shifts of negative values are undefined in C. */
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

/* One 8-point LLM IDCT over in[0], in[step], ... in[7*step]; results out0..out7 before
 * descaling (scaled by 2^13). */
#define IDCT8(in, step, out)                                                                      \
    do {                                                                                          \
        int32_t z1, z2, z3, z4, z5, t0, t1, t2, t3, t10, t11, t12, t13;                           \
        z2 = (in)[2 * (step)];                                                                    \
        z3 = (in)[6 * (step)];                                                                    \
        z1 = (z2 + z3) * FIX_0_541196100;                                                         \
        t2 = z1 - z3 * FIX_1_847759065;                                                           \
        t3 = z1 + z2 * FIX_0_765366865;                                                           \
        t0 = SCALE_UP((in)[0] + (in)[4 * (step)]);                                                \
        t1 = SCALE_UP((in)[0] - (in)[4 * (step)]);                                                \
        t10 = t0 + t3;                                                                            \
        t13 = t0 - t3;                                                                            \
        t11 = t1 + t2;                                                                            \
        t12 = t1 - t2;                                                                            \
        t0 = (in)[7 * (step)];                                                                    \
        t1 = (in)[5 * (step)];                                                                    \
        t2 = (in)[3 * (step)];                                                                    \
        t3 = (in)[1 * (step)];                                                                    \
        z1 = t0 + t3;                                                                             \
        z2 = t1 + t2;                                                                             \
        z3 = t0 + t2;                                                                             \
        z4 = t1 + t3;                                                                             \
        z5 = (z3 + z4) * FIX_1_175875602;                                                         \
        t0 *= FIX_0_298631336;                                                                    \
        t1 *= FIX_2_053119869;                                                                    \
        t2 *= FIX_3_072711026;                                                                    \
        t3 *= FIX_1_501321110;                                                                    \
        z1 *= -FIX_0_899976223;                                                                   \
        z2 *= -FIX_2_562915447;                                                                   \
        z3 = z3 * -FIX_1_961570560 + z5;                                                          \
        z4 = z4 * -FIX_0_390180644 + z5;                                                          \
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

/* `big` is a constant at each call below, so the common case carries no clamps. */
static inline __attribute__((always_inline)) void idct_8x8(int32_t *coefficients, const bool big,
                                                           uint8_t *out, size_t stride)
{
    int32_t work[64];
    /* Columns. A column with no AC terms (most of them) is its DC everywhere. */
    for (unsigned column = 0; column < 8; column++) {
        const int32_t *in = coefficients + column;
        if ((in[8] | in[16] | in[24] | in[32] | in[40] | in[48] | in[56]) == 0) {
            int32_t dc = in[0] * (1 << PASS1_BITS);
            for (unsigned row = 0; row < 8; row++)
                work[row * 8 + column] = dc;
            continue;
        }
        int32_t result[8];
        IDCT8(in, 8, result);
        for (unsigned row = 0; row < 8; row++) {
            int32_t value = DESCALE(result[row], CONST_BITS - PASS1_BITS);
            work[row * 8 + column] = big ? clamp_work(value) : value;
        }
    }
    /* Rows. */
    for (unsigned row = 0; row < 8; row++, out += stride) {
        const int32_t *in = work + row * 8;
        if ((in[1] | in[2] | in[3] | in[4] | in[5] | in[6] | in[7]) == 0) {
            uint8_t pixel = to_pixel(DESCALE(in[0], PASS1_BITS + 3));
            memset(out, pixel, 8);
            continue;
        }
        int32_t result[8];
        IDCT8(in, 1, result);
        for (unsigned x = 0; x < 8; x++)
            out[x] = to_pixel(DESCALE(result[x], CONST_BITS + PASS1_BITS + 3));
    }
    memset(coefficients, 0, 64 * sizeof *coefficients);
}

void ink_jpeg_idct_8x8(int32_t *coefficients, bool big, uint8_t *out, size_t stride)
{
    if (big)
        idct_8x8(coefficients, true, out, stride);
    else
        idct_8x8(coefficients, false, out, stride);
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

#define IDCT4(in, step, out)                                                                      \
    do {                                                                                          \
        int32_t e0 = SCALE_UP((in)[0]);                                                           \
        int32_t t = (in)[2 * (step)] * W4_E2 - (in)[6 * (step)] * W4_E6;                          \
        int32_t o0 = (in)[(step)] * W4_01 + (in)[3 * (step)] * W4_03 +                            \
                     (in)[5 * (step)] * W4_05 + (in)[7 * (step)] * W4_07;                         \
        int32_t o1 = (in)[(step)] * W4_11 + (in)[3 * (step)] * W4_13 +                            \
                     (in)[5 * (step)] * W4_15 + (in)[7 * (step)] * W4_17;                         \
        (out)[0] = e0 + t + o0;                                                                   \
        (out)[3] = e0 + t - o0;                                                                   \
        (out)[1] = e0 - t + o1;                                                                   \
        (out)[2] = e0 - t - o1;                                                                   \
    } while (0)

void ink_jpeg_idct_4x4(int32_t *coefficients, bool big, uint8_t *out, size_t stride)
{
    int32_t work[4 * 8];
    for (unsigned column = 0; column < 8; column++) {
        const int32_t *in = coefficients + column;
        if (column == 4)
            continue;
        if ((in[8] | in[16] | in[24] | in[40] | in[48] | in[56]) == 0) {
            int32_t dc = in[0] * (1 << PASS1_BITS);
            for (unsigned row = 0; row < 4; row++)
                work[row * 8 + column] = dc;
            continue;
        }
        int32_t result[4];
        IDCT4(in, 8, result);
        for (unsigned row = 0; row < 4; row++) {
            int32_t value = DESCALE(result[row], CONST_BITS - PASS1_BITS);
            work[row * 8 + column] = big ? clamp_work(value) : value;
        }
    }
    for (unsigned row = 0; row < 4; row++, out += stride) {
        const int32_t *in = work + row * 8;
        int32_t result[4];
        IDCT4(in, 1, result);
        for (unsigned x = 0; x < 4; x++)
            out[x] = to_pixel(DESCALE(result[x], CONST_BITS + PASS1_BITS + 3));
    }
    memset(coefficients, 0, 64 * sizeof *coefficients);
}

/* 2-point weights: sqrt(2) * mean over x = 0..3 of cos((2x+1) u pi/16), odd u. */
#define W2_1 7423    /* 0.906127446 */
#define W2_3 (-2607) /* -0.318189645 */
#define W2_5 1742    /* 0.212607524 */
#define W2_7 (-1477) /* -0.180239956 */

#define IDCT2(in, step, out)                                                                      \
    do {                                                                                          \
        int32_t e = SCALE_UP((in)[0]);                                                            \
        int32_t o = (in)[(step)] * W2_1 + (in)[3 * (step)] * W2_3 + (in)[5 * (step)] * W2_5 +     \
                    (in)[7 * (step)] * W2_7;                                                      \
        (out)[0] = e + o;                                                                         \
        (out)[1] = e - o;                                                                         \
    } while (0)

void ink_jpeg_idct_2x2(int32_t *coefficients, bool big, uint8_t *out, size_t stride)
{
    static const uint8_t columns[5] = {0, 1, 3, 5, 7};
    int32_t work[2 * 8];
    for (unsigned i = 0; i < 5; i++) {
        unsigned column = columns[i];
        const int32_t *in = coefficients + column;
        int32_t result[2];
        IDCT2(in, 8, result);
        for (unsigned row = 0; row < 2; row++) {
            int32_t value = DESCALE(result[row], CONST_BITS - PASS1_BITS);
            work[row * 8 + column] = big ? clamp_work(value) : value;
        }
    }
    for (unsigned row = 0; row < 2; row++, out += stride) {
        const int32_t *in = work + row * 8;
        int32_t result[2];
        IDCT2(in, 1, result);
        out[0] = to_pixel(DESCALE(result[0], CONST_BITS + PASS1_BITS + 3));
        out[1] = to_pixel(DESCALE(result[1], CONST_BITS + PASS1_BITS + 3));
    }
    memset(coefficients, 0, 64 * sizeof *coefficients);
}

void ink_jpeg_idct_1x1(int32_t *coefficients, uint8_t *out)
{
    *out = to_pixel(DESCALE(coefficients[0], 3));
    coefficients[0] = 0;
}

void ink_jpeg_idct_flat(int32_t *coefficients, unsigned size, uint8_t *out, size_t stride)
{
    uint8_t pixel = to_pixel(DESCALE(coefficients[0], 3));
    for (unsigned row = 0; row < size; row++, out += stride)
        memset(out, pixel, size);
    coefficients[0] = 0;
}
