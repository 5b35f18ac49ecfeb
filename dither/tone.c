/*
 * tone.c — tone curves and the display model in fixed point (see tone.h).
 *
 * log2 and exp2 carry everything that is a power: gamma, sRGB's 2.4 and the model's 1/n.
 * log2 normalises x to [1, 2) in Q30 and takes the fraction's bits by repeated squaring;
 * exp2 multiplies together 2^(2^-i) for each set fraction bit (constants in Q30).
 */
#include "dither/tone.h"

#include "dither/dither.h"

#define Q16_ONE 65536

/* round(2^(2^-i) * 2^30) for i = 1..16 */
static const uint32_t exp2_fraction_q30[16] = {
    1518500250u, 1276901417u, 1170923762u, 1121280436u, 1097253708u, 1085434106u,
    1079572136u, 1076653033u, 1075196443u, 1074468888u, 1074105294u, 1073923544u,
    1073832680u, 1073787251u, 1073764537u, 1073753181u,
};

int32_t ink_log2_q16(uint64_t x)
{
    if (x == 0)
        return INT32_MIN;
    int32_t top = 63;
    while (!(x >> top))
        top--;
    uint64_t m = top >= 30 ? x >> (top - 30) : x << (30 - top); /* [2^30, 2^31): 1.0 .. 2.0 */
    int32_t result = top * Q16_ONE;
    for (int32_t bit = 15; bit >= 0; bit--) {
        m = (m * m) >> 30;
        if (m >= (1ull << 31)) {
            m >>= 1;
            result += 1 << bit;
        }
    }
    return result;
}

uint32_t ink_exp2_q16(int32_t y)
{
    if (y > 15 * Q16_ONE)
        y = 15 * Q16_ONE;
    int32_t integer = y >= 0 ? y / Q16_ONE : -(int32_t)(((uint32_t)(-(int64_t)y) + 65535u) >> 16);
    uint32_t fraction = (uint32_t)(y - integer * Q16_ONE);
    uint64_t r = 1ull << 30;
    for (uint32_t i = 0; i < 16; i++)
        if (fraction & (0x8000u >> i))
            r = (r * exp2_fraction_q30[i] + (1ull << 29)) >> 30;
    int32_t shift = 14 - integer; /* Q30 -> Q16, times 2^integer */
    if (shift >= 40)
        return 0;
    if (shift <= 0)
        return (uint32_t)(r << -shift);
    return (uint32_t)((r + (1ull << (shift - 1))) >> shift);
}

/* v^p for v in Q16 (0..65536) and p = numerator / denominator > 0. */
static int64_t power_q16(int64_t v, int32_t numerator, int32_t denominator)
{
    if (v <= 0)
        return 0;
    if (v >= Q16_ONE)
        return Q16_ONE;
    int64_t log_v = (int64_t)ink_log2_q16((uint64_t)v) - 16 * Q16_ONE; /* negative */
    return ink_exp2_q16((int32_t)(log_v * numerator / denominator));
}

bool ink_tone_valid(const ink_tone *tone)
{
    return tone && tone->contrast_pct >= -100 && tone->contrast_pct <= 100 &&
           tone->brightness_pct >= -100 && tone->brightness_pct <= 100 &&
           tone->gamma_x100 >= 50 && tone->gamma_x100 <= 400 &&
           tone->white_point > tone->black_point;
}

bool ink_tone_is_identity(const ink_tone *tone)
{
    return tone->contrast_pct == 0 && tone->brightness_pct == 0 && tone->gamma_x100 == 100 &&
           tone->black_point == 0 && tone->white_point == 255;
}

uint32_t ink_tone_q16(const ink_tone *tone, uint8_t gray)
{
    int64_t v;
    int64_t span = tone->white_point - tone->black_point;
    if (gray <= tone->black_point)
        v = 0;
    else if (gray >= tone->white_point)
        v = Q16_ONE;
    else
        v = (((int64_t)(gray - tone->black_point) << 16) + span / 2) / span;
    if (tone->gamma_x100 != 100)
        v = power_q16(v, 100, tone->gamma_x100);
    if (tone->brightness_pct != 0)
        v += 3 * tone->brightness_pct * ((v * (Q16_ONE - v)) >> 16) / 400;
    if (tone->contrast_pct != 0) {
        int64_t bell = (v * (Q16_ONE - v)) >> 16;
        v += 3 * tone->contrast_pct * (bell * (2 * v - Q16_ONE) / Q16_ONE) / 400;
    }
    if (v < 0)
        v = 0;
    if (v > Q16_ONE)
        v = Q16_ONE;
    return (uint32_t)v;
}

uint8_t ink_tone_apply(const ink_tone *tone, uint8_t gray)
{
    return (uint8_t)((ink_tone_q16(tone, gray) * 255u + 32768u) >> 16);
}

uint16_t ink_display_domain_q16(uint32_t n_x10, uint32_t v_q16)
{
    if (v_q16 >= Q16_ONE)
        return INK_DOMAIN_WHITE;
    if (n_x10 == 0)
        return (uint16_t)(((uint64_t)v_q16 * INK_DOMAIN_WHITE + 32768u) >> 16);
    if (v_q16 == 0)
        return 0;
    int64_t log_linear; /* log2 of sRGB_decode(v), Q16 */
    if ((uint64_t)v_q16 * 100000u <= 4045u * (uint64_t)Q16_ONE) {
        /* L = v / 12.92 */
        log_linear = ink_log2_q16(((uint64_t)v_q16 * 100u << 24) / 1292u) - 40 * Q16_ONE;
    } else {
        /* t = (v + 0.055) / 1.055 = (1000 v + 55) / 1055; L = t^2.4 */
        int64_t log_t =
            ink_log2_q16((((uint64_t)v_q16 * 1000u + 55u * Q16_ONE) << 24) / 1055u) -
            40 * Q16_ONE;
        log_linear = log_t * 12 / 5;
    }
    /* domain = 4095 * L^(10 / n), computed as 2^(log2 L * 10 / n + log2 4095) in Q16 */
    int64_t log_white = ink_log2_q16((uint64_t)INK_DOMAIN_WHITE << 40) - 40 * Q16_ONE;
    uint32_t value = ink_exp2_q16((int32_t)(log_linear * 10 / (int64_t)n_x10 + log_white));
    uint32_t rounded = (value + 32768u) >> 16;
    return (uint16_t)(rounded > INK_DOMAIN_WHITE ? INK_DOMAIN_WHITE : rounded);
}

uint16_t ink_display_domain(uint32_t n_x10, uint8_t gray)
{
    return ink_display_domain_q16(n_x10, ((uint32_t)gray * Q16_ONE + 127u) / 255u);
}

/* The default conversion's table (dot gain 2, no tone curve) as the loop below builds it
 * (tests/unit/test_tone.c holds every entry to ink_display_domain_q16): worked out per image
 * it cost about 0.5 RV32 instructions per output pixel of a 480x631 page. */
#define DISPLAY_LUT_N_X10 20u
static const uint16_t display_lut_n20[256] = {
    0, 71, 101, 124, 143, 160, 175, 189, 202, 214, 226, 237,
    248, 260, 271, 283, 295, 307, 318, 330, 342, 355, 367, 379,
    391, 404, 416, 429, 441, 454, 467, 479, 492, 505, 518, 531,
    544, 557, 570, 583, 596, 610, 623, 636, 650, 663, 677, 690,
    704, 718, 731, 745, 759, 773, 786, 800, 814, 828, 842, 856,
    870, 885, 899, 913, 927, 941, 956, 970, 985, 999, 1013, 1028,
    1042, 1057, 1072, 1086, 1101, 1116, 1130, 1145, 1160, 1175, 1189, 1204,
    1219, 1234, 1249, 1264, 1279, 1294, 1309, 1324, 1340, 1355, 1370, 1385,
    1400, 1416, 1431, 1446, 1462, 1477, 1493, 1508, 1524, 1539, 1555, 1570,
    1586, 1601, 1617, 1633, 1648, 1664, 1680, 1695, 1711, 1727, 1743, 1759,
    1775, 1791, 1806, 1822, 1838, 1854, 1870, 1886, 1903, 1919, 1935, 1951,
    1967, 1983, 1999, 2016, 2032, 2048, 2064, 2081, 2097, 2113, 2130, 2146,
    2163, 2179, 2195, 2212, 2228, 2245, 2261, 2278, 2295, 2311, 2328, 2344,
    2361, 2378, 2395, 2411, 2428, 2445, 2461, 2478, 2495, 2512, 2529, 2546,
    2562, 2579, 2596, 2613, 2630, 2647, 2664, 2681, 2698, 2715, 2732, 2749,
    2766, 2784, 2801, 2818, 2835, 2852, 2869, 2887, 2904, 2921, 2938, 2956,
    2973, 2990, 3008, 3025, 3042, 3060, 3077, 3095, 3112, 3130, 3147, 3165,
    3182, 3200, 3217, 3235, 3252, 3270, 3287, 3305, 3323, 3340, 3358, 3376,
    3393, 3411, 3429, 3447, 3464, 3482, 3500, 3518, 3535, 3553, 3571, 3589,
    3607, 3625, 3643, 3661, 3679, 3696, 3714, 3732, 3750, 3768, 3786, 3804,
    3822, 3841, 3859, 3877, 3895, 3913, 3931, 3949, 3967, 3986, 4004, 4022,
    4040, 4058, 4077, 4095};

ink_error ink_tone_build_lut(const ink_tone *tone, uint32_t n_x10, uint16_t lut[256])
{
    if (!ink_tone_valid(tone) || !lut ||
        (n_x10 != 0 && (n_x10 < INK_DOT_GAIN_MIN_X10 || n_x10 > INK_DOT_GAIN_MAX_X10)))
        return INK_ERR_INVALID_ARGUMENT;
    if (n_x10 == DISPLAY_LUT_N_X10 && ink_tone_is_identity(tone)) {
        for (uint32_t g = 0; g < 256; g++)
            lut[g] = display_lut_n20[g];
        return INK_OK;
    }
    for (uint32_t g = 0; g < 256; g++)
        lut[g] = ink_display_domain_q16(n_x10, ink_tone_q16(tone, (uint8_t)g));
    return INK_OK;
}

void ink_tone_auto_levels(const uint32_t histogram[256], uint32_t clip_per_mille, ink_tone *tone)
{
    uint64_t total = 0;
    for (uint32_t g = 0; g < 256; g++)
        total += histogram[g];
    if (total == 0)
        return;
    uint64_t limit = total * clip_per_mille / 1000u;
    int32_t black = 0, white = 255;
    uint64_t cumulative = 0;
    for (int32_t g = 0; g < 255; g++) {
        cumulative += histogram[g];
        if (cumulative > limit)
            break;
        black = g;
    }
    cumulative = 0;
    for (int32_t g = 255; g > 0; g--) {
        cumulative += histogram[g];
        if (cumulative > limit)
            break;
        white = g;
    }
    if (white - black < 128) {
        int32_t deficit = 128 - (white - black);
        black -= deficit / 2;
        white += deficit - deficit / 2;
        if (black < 0) {
            white -= black;
            black = 0;
        }
        if (white > 255) {
            black -= white - 255;
            white = 255;
        }
    }
    tone->black_point = (uint8_t)black;
    tone->white_point = (uint8_t)white;
}
