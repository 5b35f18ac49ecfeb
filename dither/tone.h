/*
 * tone.h — tone curves and the display model, as 256-entry tables built in fixed point.
 *
 * Tone (gray -> gray, 8 bits; v = gray / 255, every step keeps 0 -> 0 and 1 -> 1, so no
 * control can clip except the levels stretch, whose clipping the caller chooses):
 *   levels      v = clamp((gray - black) / (white - black), 0, 1)
 *   gamma       v = v^(100 / gamma_x100)            (gamma > 1 lightens the midtones)
 *   brightness  v = v + b * v * (1 - v),            b = 0.75 * brightness_pct / 100
 *               (an arc; slope 1 + b at black and 1 - b at white, never 0)
 *   contrast    v = v + c * v * (1 - v) * (2v - 1), c = 0.75 * contrast_pct / 100
 *               (an S-curve about mid-gray, monotonic for |c| <= 1; at +100 the slope at
 *               black and white is still 1/4, so the darkest and lightest grays stay apart
 *               from pure black and white in the ditherer's 12-bit domain)
 *   out = round(255 v)
 *
 * The tone is kept in Q16 and composed with the display model in one table.
 *
 * Display model (gray -> domain value 0..INK_DOMAIN_WHITE): the Yule–Nielsen model says a
 * pattern with white coverage a looks like reflectance R = a^n (ideal black and white ink; n = 1
 * an ideal display, about 2 for ink that spreads, as on e-paper). To look like the source's
 * linear light L = sRGB_decode(gray), the ditherer must therefore produce coverage a = L^(1/n):
 *   domain(gray) = round(INK_DOMAIN_WHITE * sRGB_decode(gray / 255)^(10 / n_x10))
 * n_x10 = 10 dithers in linear light. n_x10 = 0 means no model: the encoded gray, at 12 bits.
 *
 * All arithmetic is integer (log2/exp2 in Q16); tables are built once per image.
 */
#ifndef INK_DITHER_TONE_H
#define INK_DITHER_TONE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena/error.h"

#define INK_DOMAIN_WHITE 4095u

typedef struct ink_tone {
    int16_t contrast_pct;   /* -100..100, 0 = unchanged */
    int16_t brightness_pct; /* -100..100, 0 = unchanged */
    uint16_t gamma_x100;    /* 50..400, 100 = unchanged (below 0.5 the darkest grays would
                               reach the ditherer as pure black: measured, docs/DITHER.md) */
    uint8_t black_point;    /* 0 = unchanged */
    uint8_t white_point;    /* 255 = unchanged; must exceed black_point */
} ink_tone;

#define INK_TONE_NONE ((ink_tone){0, 0, 100, 0, 255})

/* Smallest and largest Yule–Nielsen n accepted, in tenths. */
#define INK_DOT_GAIN_MIN_X10 10u
#define INK_DOT_GAIN_MAX_X10 40u

/* True when `tone` is within the ranges above. */
bool ink_tone_valid(const ink_tone *tone);

/* True when `tone` maps every gray to itself. */
bool ink_tone_is_identity(const ink_tone *tone);

/* The tone curve's value for one gray (tone must be valid), in Q16 (65536 = white), and
 * rounded to 8 bits. */
uint32_t ink_tone_q16(const ink_tone *tone, uint8_t gray);
uint8_t ink_tone_apply(const ink_tone *tone, uint8_t gray);

/* The ditherer's domain value (0..INK_DOMAIN_WHITE) of the encoded gray v_q16 / 65536: with
 * n_x10 in [INK_DOT_GAIN_MIN_X10, MAX] the display model's, with n_x10 = 0 the encoded value
 * itself at 12 bits. ink_display_domain() takes an 8-bit gray. */
uint16_t ink_display_domain_q16(uint32_t n_x10, uint32_t v_q16);
uint16_t ink_display_domain(uint32_t n_x10, uint8_t gray);

/* Builds the ditherer's table at full precision (no 8-bit step between tone and model, so a
 * curve that darkens the shadows does not round them to black):
 * lut[g] = ink_display_domain_q16(n_x10, ink_tone_q16(tone, g)). */
ink_error ink_tone_build_lut(const ink_tone *tone, uint32_t n_x10, uint16_t lut[256]);

/* Automatic levels from a histogram of gray values: the black point is the largest gray at or
 * below which at most clip_per_mille / 1000 of the pixels lie (0 when even gray 0 holds more),
 * the white point likewise from the top; if the stretch would more than double the contrast
 * (white - black < 128) both are moved outwards equally until it does not. Sets
 * tone->black_point and white_point; leaves the rest. An empty histogram changes nothing. */
void ink_tone_auto_levels(const uint32_t histogram[256], uint32_t clip_per_mille, ink_tone *tone);

/* Fixed-point helpers, exposed for tests: log2(x) in Q16 for an integer x >= 1; 2^(y / 65536)
 * in Q16 for y <= 15 * 65536 (0 when it underflows). */
int32_t ink_log2_q16(uint64_t x);
uint32_t ink_exp2_q16(int32_t y);

#endif
