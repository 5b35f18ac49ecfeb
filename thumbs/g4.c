/*
 * g4.c — CCITT T.6 (Group 4) encoder and decoder. See g4.h for the contract.
 *
 * Notation of T.4 section 4.2 / T.6: a0 is the reference element on the coding line (it starts
 * imaginary, just before the first pixel, with the colour white); a1, a2 are the next changing
 * elements on the coding line; b1 is the first changing element on the reference line to the
 * right of a0 with the colour opposite to a0's, b2 the next one after b1. A changing element is a
 * pixel whose colour differs from the pixel on its left (pixel -1 is white). Position `width`
 * acts as the changing element after the last pixel on both lines.
 *
 *   b2 < a1              pass mode          P       0001                     a0 = b2
 *   |a1 - b1| <= 3       vertical mode      V(d)    1, 011/010, ...          a0 = a1, colour flips
 *   otherwise            horizontal mode    H       001 + runs a0a1, a1a2    a0 = a2
 *
 * Both sides keep the lines packed (1 = black) and find changing elements by scanning bits,
 * skipping whole bytes of one colour, so the work memory is two packed rows and no run arrays.
 */
#include "thumbs/g4.h"

#include <string.h>

typedef struct ink_g4_code {
    uint16_t code;   /* right-aligned bits */
    uint8_t nbits;
    uint16_t run;
} ink_g4_code;

/* 64 terminating codes, 27 make-up codes, 13 extended make-up codes. */
#define G4_RUN_CODE_COUNT 104u
#define G4_MAKEUP_FIRST 64u
#define G4_EXTENDED_FIRST 91u
#define G4_MAX_CODE_NBITS 13u

/* Terminating codes, run 0..63, then make-up codes 64..1728 (step 64), then the shared
 * extended make-up codes 1792..2560, as {code, length in bits, run} in T.4 table order. */
static const ink_g4_code g4_white_codes[G4_RUN_CODE_COUNT] = {
    {0x035,  8,    0}, /* 00110101 */
    {0x007,  6,    1}, /* 000111 */
    {0x007,  4,    2}, /* 0111 */
    {0x008,  4,    3}, /* 1000 */
    {0x00B,  4,    4}, /* 1011 */
    {0x00C,  4,    5}, /* 1100 */
    {0x00E,  4,    6}, /* 1110 */
    {0x00F,  4,    7}, /* 1111 */
    {0x013,  5,    8}, /* 10011 */
    {0x014,  5,    9}, /* 10100 */
    {0x007,  5,   10}, /* 00111 */
    {0x008,  5,   11}, /* 01000 */
    {0x008,  6,   12}, /* 001000 */
    {0x003,  6,   13}, /* 000011 */
    {0x034,  6,   14}, /* 110100 */
    {0x035,  6,   15}, /* 110101 */
    {0x02A,  6,   16}, /* 101010 */
    {0x02B,  6,   17}, /* 101011 */
    {0x027,  7,   18}, /* 0100111 */
    {0x00C,  7,   19}, /* 0001100 */
    {0x008,  7,   20}, /* 0001000 */
    {0x017,  7,   21}, /* 0010111 */
    {0x003,  7,   22}, /* 0000011 */
    {0x004,  7,   23}, /* 0000100 */
    {0x028,  7,   24}, /* 0101000 */
    {0x02B,  7,   25}, /* 0101011 */
    {0x013,  7,   26}, /* 0010011 */
    {0x024,  7,   27}, /* 0100100 */
    {0x018,  7,   28}, /* 0011000 */
    {0x002,  8,   29}, /* 00000010 */
    {0x003,  8,   30}, /* 00000011 */
    {0x01A,  8,   31}, /* 00011010 */
    {0x01B,  8,   32}, /* 00011011 */
    {0x012,  8,   33}, /* 00010010 */
    {0x013,  8,   34}, /* 00010011 */
    {0x014,  8,   35}, /* 00010100 */
    {0x015,  8,   36}, /* 00010101 */
    {0x016,  8,   37}, /* 00010110 */
    {0x017,  8,   38}, /* 00010111 */
    {0x028,  8,   39}, /* 00101000 */
    {0x029,  8,   40}, /* 00101001 */
    {0x02A,  8,   41}, /* 00101010 */
    {0x02B,  8,   42}, /* 00101011 */
    {0x02C,  8,   43}, /* 00101100 */
    {0x02D,  8,   44}, /* 00101101 */
    {0x004,  8,   45}, /* 00000100 */
    {0x005,  8,   46}, /* 00000101 */
    {0x00A,  8,   47}, /* 00001010 */
    {0x00B,  8,   48}, /* 00001011 */
    {0x052,  8,   49}, /* 01010010 */
    {0x053,  8,   50}, /* 01010011 */
    {0x054,  8,   51}, /* 01010100 */
    {0x055,  8,   52}, /* 01010101 */
    {0x024,  8,   53}, /* 00100100 */
    {0x025,  8,   54}, /* 00100101 */
    {0x058,  8,   55}, /* 01011000 */
    {0x059,  8,   56}, /* 01011001 */
    {0x05A,  8,   57}, /* 01011010 */
    {0x05B,  8,   58}, /* 01011011 */
    {0x04A,  8,   59}, /* 01001010 */
    {0x04B,  8,   60}, /* 01001011 */
    {0x032,  8,   61}, /* 00110010 */
    {0x033,  8,   62}, /* 00110011 */
    {0x034,  8,   63}, /* 00110100 */
    {0x01B,  5,   64}, /* 11011 */
    {0x012,  5,  128}, /* 10010 */
    {0x017,  6,  192}, /* 010111 */
    {0x037,  7,  256}, /* 0110111 */
    {0x036,  8,  320}, /* 00110110 */
    {0x037,  8,  384}, /* 00110111 */
    {0x064,  8,  448}, /* 01100100 */
    {0x065,  8,  512}, /* 01100101 */
    {0x068,  8,  576}, /* 01101000 */
    {0x067,  8,  640}, /* 01100111 */
    {0x0CC,  9,  704}, /* 011001100 */
    {0x0CD,  9,  768}, /* 011001101 */
    {0x0D2,  9,  832}, /* 011010010 */
    {0x0D3,  9,  896}, /* 011010011 */
    {0x0D4,  9,  960}, /* 011010100 */
    {0x0D5,  9, 1024}, /* 011010101 */
    {0x0D6,  9, 1088}, /* 011010110 */
    {0x0D7,  9, 1152}, /* 011010111 */
    {0x0D8,  9, 1216}, /* 011011000 */
    {0x0D9,  9, 1280}, /* 011011001 */
    {0x0DA,  9, 1344}, /* 011011010 */
    {0x0DB,  9, 1408}, /* 011011011 */
    {0x098,  9, 1472}, /* 010011000 */
    {0x099,  9, 1536}, /* 010011001 */
    {0x09A,  9, 1600}, /* 010011010 */
    {0x018,  6, 1664}, /* 011000 */
    {0x09B,  9, 1728}, /* 010011011 */
    {0x008, 11, 1792}, /* 00000001000 */
    {0x00C, 11, 1856}, /* 00000001100 */
    {0x00D, 11, 1920}, /* 00000001101 */
    {0x012, 12, 1984}, /* 000000010010 */
    {0x013, 12, 2048}, /* 000000010011 */
    {0x014, 12, 2112}, /* 000000010100 */
    {0x015, 12, 2176}, /* 000000010101 */
    {0x016, 12, 2240}, /* 000000010110 */
    {0x017, 12, 2304}, /* 000000010111 */
    {0x01C, 12, 2368}, /* 000000011100 */
    {0x01D, 12, 2432}, /* 000000011101 */
    {0x01E, 12, 2496}, /* 000000011110 */
    {0x01F, 12, 2560}, /* 000000011111 */
};
static const ink_g4_code g4_black_codes[G4_RUN_CODE_COUNT] = {
    {0x037, 10,    0}, /* 0000110111 */
    {0x002,  3,    1}, /* 010 */
    {0x003,  2,    2}, /* 11 */
    {0x002,  2,    3}, /* 10 */
    {0x003,  3,    4}, /* 011 */
    {0x003,  4,    5}, /* 0011 */
    {0x002,  4,    6}, /* 0010 */
    {0x003,  5,    7}, /* 00011 */
    {0x005,  6,    8}, /* 000101 */
    {0x004,  6,    9}, /* 000100 */
    {0x004,  7,   10}, /* 0000100 */
    {0x005,  7,   11}, /* 0000101 */
    {0x007,  7,   12}, /* 0000111 */
    {0x004,  8,   13}, /* 00000100 */
    {0x007,  8,   14}, /* 00000111 */
    {0x018,  9,   15}, /* 000011000 */
    {0x017, 10,   16}, /* 0000010111 */
    {0x018, 10,   17}, /* 0000011000 */
    {0x008, 10,   18}, /* 0000001000 */
    {0x067, 11,   19}, /* 00001100111 */
    {0x068, 11,   20}, /* 00001101000 */
    {0x06C, 11,   21}, /* 00001101100 */
    {0x037, 11,   22}, /* 00000110111 */
    {0x028, 11,   23}, /* 00000101000 */
    {0x017, 11,   24}, /* 00000010111 */
    {0x018, 11,   25}, /* 00000011000 */
    {0x0CA, 12,   26}, /* 000011001010 */
    {0x0CB, 12,   27}, /* 000011001011 */
    {0x0CC, 12,   28}, /* 000011001100 */
    {0x0CD, 12,   29}, /* 000011001101 */
    {0x068, 12,   30}, /* 000001101000 */
    {0x069, 12,   31}, /* 000001101001 */
    {0x06A, 12,   32}, /* 000001101010 */
    {0x06B, 12,   33}, /* 000001101011 */
    {0x0D2, 12,   34}, /* 000011010010 */
    {0x0D3, 12,   35}, /* 000011010011 */
    {0x0D4, 12,   36}, /* 000011010100 */
    {0x0D5, 12,   37}, /* 000011010101 */
    {0x0D6, 12,   38}, /* 000011010110 */
    {0x0D7, 12,   39}, /* 000011010111 */
    {0x06C, 12,   40}, /* 000001101100 */
    {0x06D, 12,   41}, /* 000001101101 */
    {0x0DA, 12,   42}, /* 000011011010 */
    {0x0DB, 12,   43}, /* 000011011011 */
    {0x054, 12,   44}, /* 000001010100 */
    {0x055, 12,   45}, /* 000001010101 */
    {0x056, 12,   46}, /* 000001010110 */
    {0x057, 12,   47}, /* 000001010111 */
    {0x064, 12,   48}, /* 000001100100 */
    {0x065, 12,   49}, /* 000001100101 */
    {0x052, 12,   50}, /* 000001010010 */
    {0x053, 12,   51}, /* 000001010011 */
    {0x024, 12,   52}, /* 000000100100 */
    {0x037, 12,   53}, /* 000000110111 */
    {0x038, 12,   54}, /* 000000111000 */
    {0x027, 12,   55}, /* 000000100111 */
    {0x028, 12,   56}, /* 000000101000 */
    {0x058, 12,   57}, /* 000001011000 */
    {0x059, 12,   58}, /* 000001011001 */
    {0x02B, 12,   59}, /* 000000101011 */
    {0x02C, 12,   60}, /* 000000101100 */
    {0x05A, 12,   61}, /* 000001011010 */
    {0x066, 12,   62}, /* 000001100110 */
    {0x067, 12,   63}, /* 000001100111 */
    {0x00F, 10,   64}, /* 0000001111 */
    {0x0C8, 12,  128}, /* 000011001000 */
    {0x0C9, 12,  192}, /* 000011001001 */
    {0x05B, 12,  256}, /* 000001011011 */
    {0x033, 12,  320}, /* 000000110011 */
    {0x034, 12,  384}, /* 000000110100 */
    {0x035, 12,  448}, /* 000000110101 */
    {0x06C, 13,  512}, /* 0000001101100 */
    {0x06D, 13,  576}, /* 0000001101101 */
    {0x04A, 13,  640}, /* 0000001001010 */
    {0x04B, 13,  704}, /* 0000001001011 */
    {0x04C, 13,  768}, /* 0000001001100 */
    {0x04D, 13,  832}, /* 0000001001101 */
    {0x072, 13,  896}, /* 0000001110010 */
    {0x073, 13,  960}, /* 0000001110011 */
    {0x074, 13, 1024}, /* 0000001110100 */
    {0x075, 13, 1088}, /* 0000001110101 */
    {0x076, 13, 1152}, /* 0000001110110 */
    {0x077, 13, 1216}, /* 0000001110111 */
    {0x052, 13, 1280}, /* 0000001010010 */
    {0x053, 13, 1344}, /* 0000001010011 */
    {0x054, 13, 1408}, /* 0000001010100 */
    {0x055, 13, 1472}, /* 0000001010101 */
    {0x05A, 13, 1536}, /* 0000001011010 */
    {0x05B, 13, 1600}, /* 0000001011011 */
    {0x064, 13, 1664}, /* 0000001100100 */
    {0x065, 13, 1728}, /* 0000001100101 */
    {0x008, 11, 1792}, /* 00000001000 */
    {0x00C, 11, 1856}, /* 00000001100 */
    {0x00D, 11, 1920}, /* 00000001101 */
    {0x012, 12, 1984}, /* 000000010010 */
    {0x013, 12, 2048}, /* 000000010011 */
    {0x014, 12, 2112}, /* 000000010100 */
    {0x015, 12, 2176}, /* 000000010101 */
    {0x016, 12, 2240}, /* 000000010110 */
    {0x017, 12, 2304}, /* 000000010111 */
    {0x01C, 12, 2368}, /* 000000011100 */
    {0x01D, 12, 2432}, /* 000000011101 */
    {0x01E, 12, 2496}, /* 000000011110 */
    {0x01F, 12, 2560}, /* 000000011111 */
};

/* 2-D mode codes (T.4 table 4). vertical[d + 3] codes V(d), d = a1 - b1. */
static const ink_g4_code g4_vertical[7] = {
    {0x02, 7, 0}, /* VL3 0000010 */
    {0x02, 6, 0}, /* VL2 000010 */
    {0x02, 3, 0}, /* VL1 010 */
    {0x01, 1, 0}, /* V0  1 */
    {0x03, 3, 0}, /* VR1 011 */
    {0x03, 6, 0}, /* VR2 000011 */
    {0x03, 7, 0}, /* VR3 0000011 */
};
#define G4_PASS_CODE 0x1u /* 0001 */
#define G4_PASS_NBITS 4u
#define G4_HORIZONTAL_CODE 0x1u /* 001 */
#define G4_HORIZONTAL_NBITS 3u
#define G4_EOL_CODE 0x001u /* 000000000001 */
#define G4_EOL_NBITS 12u
#define G4_EOFB 0x001001u
#define G4_EOFB_NBITS 24u

/* ---- packed-row helpers ---------------------------------------------------------------- */

static unsigned g4_leading_zeros8(uint32_t byte)
{
    unsigned n = 0;
    if ((byte & 0xF0u) == 0) {
        n = 4;
        byte <<= 4;
    }
    if ((byte & 0xC0u) == 0) {
        n += 2;
        byte <<= 2;
    }
    if ((byte & 0x80u) == 0)
        n += 1;
    return n;
}

static unsigned g4_pixel(const uint8_t *row, uint32_t x)
{
    return (row[x >> 3] >> (7u - (x & 7u))) & 1u;
}

/* The first x >= `from` whose pixel is `colour` (0 white, 1 black), or `width` if none. Bits past
 * the width (the caller's padding) may hold anything: a hit there is clamped to `width`. */
static uint32_t g4_find(const uint8_t *row, uint32_t width, uint32_t from, unsigned colour)
{
    if (from >= width)
        return width;
    const uint32_t flip = colour ? 0x00u : 0xFFu; /* search for set bits of (row ^ flip) */
    const uint32_t last = (width - 1u) >> 3;
    uint32_t index = from >> 3;
    uint32_t byte = (row[index] ^ flip) & (0xFFu >> (from & 7u));
    while (byte == 0) {
        if (++index > last)
            return width;
        byte = (row[index] ^ flip) & 0xFFu;
    }
    uint32_t x = index * 8u + g4_leading_zeros8(byte);
    return x < width ? x : width;
}

/* Sets pixels [start, end) to black. The caller has checked end <= width. */
static void g4_fill_black(uint8_t *row, uint32_t start, uint32_t end)
{
    if (start >= end)
        return;
    uint32_t first = start >> 3, last = (end - 1u) >> 3;
    uint8_t head = (uint8_t)(0xFFu >> (start & 7u));
    uint8_t tail = (uint8_t)(0xFFu << (7u - ((end - 1u) & 7u)));
    if (first == last) {
        row[first] |= (uint8_t)(head & tail);
        return;
    }
    row[first] |= head;
    if (last > first + 1u)
        memset(row + first + 1u, 0xFF, last - first - 1u);
    row[last] |= tail;
}

/* b1 and b2 for a0 (-1 at the start of the line) whose colour is `colour`. */
static void g4_find_b1_b2(const uint8_t *reference, uint32_t width, int32_t a0, unsigned colour,
                          uint32_t *b1, uint32_t *b2)
{
    uint32_t start = (uint32_t)(a0 + 1);
    unsigned left = start == 0 ? 0u : g4_pixel(reference, start - 1u);
    uint32_t from = start;
    if (left != colour) /* inside a run of the other colour: its start is not a b1 candidate */
        from = g4_find(reference, width, start, colour);
    *b1 = g4_find(reference, width, from, colour ^ 1u);
    *b2 = g4_find(reference, width, *b1, colour);
}

static ink_error g4_check_work(uint32_t width, void *work, size_t work_nbytes,
                               ink_error_info *info)
{
    if (width == 0 || width > INK_G4_MAX_WIDTH)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "G4: width %u outside 1..%u", (unsigned)width,
                             (unsigned)INK_G4_MAX_WIDTH);
    if (!work || work_nbytes < INK_G4_WORK_BYTES_FOR(width))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "G4: work buffer of %zu bytes, rows of %u pixels need %u",
                             work_nbytes, (unsigned)width,
                             (unsigned)INK_G4_WORK_BYTES_FOR(width));
    return INK_OK;
}

/* ---- encoder ----------------------------------------------------------------------------- */

static ink_error g4_flush_out(ink_g4_encoder *encoder, ink_error_info *info)
{
    if (encoder->out_nbytes == 0)
        return INK_OK;
    ink_error err = encoder->sink.write(encoder->sink.user, encoder->out, encoder->out_nbytes);
    if (err != INK_OK) {
        encoder->failed = true;
        return ink_error_set(info, err, "G4: the sink refused %u bytes at offset %llu",
                             (unsigned)encoder->out_nbytes,
                             (unsigned long long)encoder->total_nbytes);
    }
    encoder->total_nbytes += encoder->out_nbytes;
    encoder->out_nbytes = 0;
    return INK_OK;
}

/* Appends `nbits` (<= 24) bits of `code`, most significant first. */
static ink_error g4_put(ink_g4_encoder *encoder, uint32_t code, uint32_t nbits,
                        ink_error_info *info)
{
    encoder->bit_buffer = (encoder->bit_buffer << nbits) | code;
    encoder->bit_count += nbits;
    while (encoder->bit_count >= 8u) {
        encoder->bit_count -= 8u;
        encoder->out[encoder->out_nbytes++] = (uint8_t)(encoder->bit_buffer >> encoder->bit_count);
        if (encoder->out_nbytes == INK_G4_IO_CHUNK_BYTES) {
            ink_error err = g4_flush_out(encoder, info);
            if (err != INK_OK)
                return err;
        }
    }
    encoder->bit_buffer &= (1u << encoder->bit_count) - 1u;
    return INK_OK;
}

static ink_error g4_put_code(ink_g4_encoder *encoder, const ink_g4_code *code,
                             ink_error_info *info)
{
    return g4_put(encoder, code->code, code->nbits, info);
}

/* A run: make-up codes (2560 repeated while more than 2623 remain, then one of 64..2560), then
 * the terminating code of the remainder 0..63. */
static ink_error g4_put_run(ink_g4_encoder *encoder, const ink_g4_code *codes, uint32_t run,
                            ink_error_info *info)
{
    ink_error err = INK_OK;
    while (err == INK_OK && run >= 2624u) {
        err = g4_put_code(encoder, &codes[G4_RUN_CODE_COUNT - 1u], info); /* 2560 */
        run -= 2560u;
    }
    if (err == INK_OK && run >= 64u) {
        uint32_t makeup = run / 64u; /* 1..40 */
        uint32_t index = makeup <= 27u ? G4_MAKEUP_FIRST + makeup - 1u
                                       : G4_EXTENDED_FIRST + makeup - 28u;
        err = g4_put_code(encoder, &codes[index], info);
        run -= makeup * 64u;
    }
    if (err == INK_OK)
        err = g4_put_code(encoder, &codes[run], info);
    return err;
}

ink_error ink_g4_encoder_init(ink_g4_encoder *encoder, uint32_t width, void *work,
                              size_t work_nbytes, const ink_sink *sink, ink_error_info *info)
{
    if (!encoder || !sink || !sink->write)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "G4: no encoder or sink");
    memset(encoder, 0, sizeof *encoder);
    encoder->failed = true;
    ink_error err = g4_check_work(width, work, work_nbytes, info);
    if (err != INK_OK)
        return err;
    encoder->sink = *sink;
    encoder->width = width;
    encoder->row_nbytes = INK_G4_ROW_NBYTES(width);
    encoder->reference = work;
    memset(encoder->reference, 0, encoder->row_nbytes); /* the imaginary white line */
    encoder->failed = false;
    return INK_OK;
}

static ink_error g4_encoder_usable(const ink_g4_encoder *encoder, ink_error_info *info)
{
    if (!encoder)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "G4: no encoder");
    if (encoder->failed || encoder->finished)
        return ink_error_set(info, INK_ERR_BAD_STATE, "G4: encoder %s",
                             encoder->failed ? "failed earlier" : "already finished");
    return INK_OK;
}

ink_error ink_g4_encode_row(ink_g4_encoder *encoder, const uint8_t *row, size_t row_nbytes,
                            ink_error_info *info)
{
    ink_error err = g4_encoder_usable(encoder, info);
    if (err != INK_OK)
        return err;
    if (!row || row_nbytes < encoder->row_nbytes)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "G4: row of %zu bytes, width %u needs %u", row_nbytes,
                             (unsigned)encoder->width, (unsigned)encoder->row_nbytes);
    const uint32_t width = encoder->width;
    const uint8_t *reference = encoder->reference;
    int32_t a0 = -1;
    unsigned colour = 0;
    while (err == INK_OK) {
        uint32_t start = (uint32_t)(a0 + 1); /* pixel a0 has a0's colour, so a1 is past it */
        uint32_t a0_pixel = a0 < 0 ? 0u : (uint32_t)a0;
        uint32_t a1 = g4_find(row, width, start, colour ^ 1u);
        uint32_t b1, b2;
        g4_find_b1_b2(reference, width, a0, colour, &b1, &b2);
        if (b2 < a1) {
            err = g4_put(encoder, G4_PASS_CODE, G4_PASS_NBITS, info);
            a0 = (int32_t)b2;
            continue;
        }
        int32_t d = (int32_t)a1 - (int32_t)b1;
        if (d >= -3 && d <= 3) {
            err = g4_put_code(encoder, &g4_vertical[d + 3], info);
            a0 = (int32_t)a1;
            colour ^= 1u;
        } else {
            uint32_t a2 = g4_find(row, width, a1, colour);
            const ink_g4_code *first = colour ? g4_black_codes : g4_white_codes;
            const ink_g4_code *second = colour ? g4_white_codes : g4_black_codes;
            err = g4_put(encoder, G4_HORIZONTAL_CODE, G4_HORIZONTAL_NBITS, info);
            if (err == INK_OK)
                err = g4_put_run(encoder, first, a1 - a0_pixel, info);
            if (err == INK_OK)
                err = g4_put_run(encoder, second, a2 - a1, info);
            a0 = (int32_t)a2;
        }
        if ((uint32_t)a0 >= width)
            break;
    }
    if (err != INK_OK) {
        encoder->failed = true;
        return err;
    }
    memcpy(encoder->reference, row, encoder->row_nbytes);
    encoder->rows++;
    return INK_OK;
}

ink_error ink_g4_encoder_finish(ink_g4_encoder *encoder, uint64_t *out_nbytes,
                                ink_error_info *info)
{
    ink_error err = g4_encoder_usable(encoder, info);
    if (err != INK_OK)
        return err;
    err = g4_put(encoder, G4_EOFB, G4_EOFB_NBITS, info);
    if (err == INK_OK && encoder->bit_count > 0)
        err = g4_put(encoder, 0, 8u - encoder->bit_count, info);
    if (err == INK_OK)
        err = g4_flush_out(encoder, info);
    if (err != INK_OK) {
        encoder->failed = true;
        return err;
    }
    encoder->finished = true;
    if (out_nbytes)
        *out_nbytes = encoder->total_nbytes;
    return INK_OK;
}

/* ---- decoder ----------------------------------------------------------------------------- */

/* Tops the bit buffer up to at least 25 bits. Past the end of the input it shifts in zeros and
 * counts only real bytes in bits_available; callers compare it with bits_consumed. */
static ink_error g4_refill(ink_g4_decoder *decoder, ink_error_info *info)
{
    while (decoder->bit_count <= 24u) {
        if (decoder->in_position == decoder->in_nbytes && !decoder->source_ended) {
            size_t got = 0;
            ink_error err = decoder->source.read(decoder->source.user, decoder->in,
                                                 sizeof decoder->in, &got);
            if (err != INK_OK) {
                decoder->failed = true;
                return ink_error_set(info, err, "G4: reading the source failed");
            }
            if (got > sizeof decoder->in)
                got = sizeof decoder->in;
            decoder->in_position = 0;
            decoder->in_nbytes = (uint32_t)got;
            if (got == 0)
                decoder->source_ended = true;
        }
        uint32_t byte = 0;
        if (decoder->in_position < decoder->in_nbytes) {
            byte = decoder->in[decoder->in_position++];
            decoder->bits_available += 8u;
        }
        decoder->bit_buffer |= byte << (24u - decoder->bit_count);
        decoder->bit_count += 8u;
    }
    return INK_OK;
}

static ink_error g4_fail(ink_g4_decoder *decoder, ink_error_info *info, const char *what)
{
    decoder->failed = true;
    if (decoder->bits_consumed >= decoder->bits_available)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "G4: data ends in row %u of %u", (unsigned)decoder->rows,
                             (unsigned)decoder->height);
    return ink_error_set(info, INK_ERR_BAD_DATA, "G4: %s in row %u at bit %llu", what,
                         (unsigned)decoder->rows, (unsigned long long)decoder->bits_consumed);
}

/* Consumes `nbits` (<= 24, and <= bit_count after a refill); fails when that reaches past the
 * real end of the data. */
static ink_error g4_consume(ink_g4_decoder *decoder, uint32_t nbits, ink_error_info *info)
{
    decoder->bit_buffer <<= nbits;
    decoder->bit_count -= nbits;
    decoder->bits_consumed += nbits;
    if (decoder->bits_consumed > decoder->bits_available)
        return g4_fail(decoder, info, "data ends");
    return INK_OK;
}

/* One run of `codes`' colour: any make-up codes, then a terminating code. `limit` is how many
 * pixels remain in the row; a longer run is bad data (checked before the total can grow far). */
static ink_error g4_read_run(ink_g4_decoder *decoder, const ink_g4_code *codes, uint32_t limit,
                             uint32_t *out_run, ink_error_info *info)
{
    uint32_t total = 0;
    for (;;) {
        ink_error err = g4_refill(decoder, info);
        if (err != INK_OK)
            return err;
        const uint32_t peek = decoder->bit_buffer >> (32u - 16u);
        const ink_g4_code *found = NULL;
        for (uint32_t i = 0; i < G4_RUN_CODE_COUNT; i++) {
            if ((peek >> (16u - codes[i].nbits)) == codes[i].code) {
                found = &codes[i];
                break;
            }
        }
        if (!found)
            return g4_fail(decoder, info, "invalid run-length code");
        err = g4_consume(decoder, found->nbits, info);
        if (err != INK_OK)
            return err;
        total += found->run;
        if (total > limit) {
            decoder->failed = true;
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "G4: run of %u pixels passes the end of row %u (%u left)",
                                 (unsigned)total, (unsigned)decoder->rows, (unsigned)limit);
        }
        if (found->run < 64u)
            break;
    }
    *out_run = total;
    return INK_OK;
}

ink_error ink_g4_decoder_init(ink_g4_decoder *decoder, uint32_t width, uint32_t height,
                              void *work, size_t work_nbytes, const ink_source *source,
                              ink_error_info *info)
{
    if (!decoder || !source || !source->read)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "G4: no decoder or source");
    memset(decoder, 0, sizeof *decoder);
    decoder->failed = true;
    ink_error err = g4_check_work(width, work, work_nbytes, info);
    if (err != INK_OK)
        return err;
    decoder->source = *source;
    decoder->width = width;
    decoder->height = height;
    decoder->row_nbytes = INK_G4_ROW_NBYTES(width);
    decoder->reference = work;
    decoder->coding = decoder->reference + decoder->row_nbytes;
    memset(decoder->reference, 0, decoder->row_nbytes); /* the imaginary white line */
    decoder->failed = false;
    return INK_OK;
}

static ink_error g4_decoder_usable(const ink_g4_decoder *decoder, ink_error_info *info)
{
    if (!decoder)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "G4: no decoder");
    if (decoder->failed || decoder->finished)
        return ink_error_set(info, INK_ERR_BAD_STATE, "G4: decoder %s",
                             decoder->failed ? "failed earlier" : "already finished");
    return INK_OK;
}

/* The 2-D mode codes a decoder can meet (besides EOL and the extension). */
typedef enum g4_mode { G4_MODE_PASS, G4_MODE_HORIZONTAL, G4_MODE_VERTICAL } g4_mode;

static ink_error g4_read_mode(ink_g4_decoder *decoder, g4_mode *mode, int32_t *d,
                              ink_error_info *info)
{
    ink_error err = g4_refill(decoder, info);
    if (err != INK_OK)
        return err;
    const uint32_t peek7 = decoder->bit_buffer >> 25;
    uint32_t nbits;
    if (peek7 & 0x40u) {
        *mode = G4_MODE_VERTICAL, *d = 0, nbits = 1;
    } else if ((peek7 >> 4) != 0) { /* 011 VR1, 010 VL1, 001 H */
        uint32_t code = peek7 >> 4;
        nbits = 3;
        if (code == 1u)
            *mode = G4_MODE_HORIZONTAL;
        else
            *mode = G4_MODE_VERTICAL, *d = code == 3u ? 1 : -1;
    } else if ((peek7 >> 3) == 1u) {
        *mode = G4_MODE_PASS, nbits = 4;
    } else if ((peek7 >> 1) >= 2u) { /* 000011 VR2, 000010 VL2 */
        *mode = G4_MODE_VERTICAL, *d = (peek7 >> 1) == 3u ? 2 : -2, nbits = 6;
    } else if (peek7 >= 2u) { /* 0000011 VR3, 0000010 VL3 */
        *mode = G4_MODE_VERTICAL, *d = peek7 == 3u ? 3 : -3, nbits = 7;
    } else if (peek7 == 1u) {
        decoder->failed = true;
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "G4: uncompressed-mode extension in row %u",
                             (unsigned)decoder->rows);
    } else if ((decoder->bit_buffer >> (32u - G4_EOL_NBITS)) == G4_EOL_CODE) {
        return g4_fail(decoder, info, "EOL/EOFB before the last row ends");
    } else {
        return g4_fail(decoder, info, "invalid mode code");
    }
    return g4_consume(decoder, nbits, info);
}

static ink_error g4_decode_line(ink_g4_decoder *decoder, ink_error_info *info)
{
    const uint32_t width = decoder->width;
    const uint8_t *reference = decoder->reference;
    uint8_t *coding = decoder->coding;
    int32_t a0 = -1;
    unsigned colour = 0;
    memset(coding, 0, decoder->row_nbytes);
    while (a0 < (int32_t)width) {
        g4_mode mode = G4_MODE_PASS;
        int32_t d = 0;
        ink_error err = g4_read_mode(decoder, &mode, &d, info);
        if (err != INK_OK)
            return err;
        uint32_t a0_pixel = a0 < 0 ? 0u : (uint32_t)a0;
        if (mode == G4_MODE_HORIZONTAL) {
            const ink_g4_code *first = colour ? g4_black_codes : g4_white_codes;
            const ink_g4_code *second = colour ? g4_white_codes : g4_black_codes;
            uint32_t run1, run2;
            err = g4_read_run(decoder, first, width - a0_pixel, &run1, info);
            if (err == INK_OK)
                err = g4_read_run(decoder, second, width - a0_pixel - run1, &run2, info);
            if (err != INK_OK)
                return err;
            uint32_t a1 = a0_pixel + run1, a2 = a1 + run2;
            if ((int32_t)a2 <= a0)
                return g4_fail(decoder, info, "horizontal mode with empty runs");
            g4_fill_black(coding, colour ? a0_pixel : a1, colour ? a1 : a2);
            a0 = (int32_t)a2;
            continue;
        }
        uint32_t b1, b2;
        g4_find_b1_b2(reference, width, a0, colour, &b1, &b2);
        if (mode == G4_MODE_PASS) {
            if (b2 >= width)
                return g4_fail(decoder, info, "pass mode past the end of the row");
            if (colour)
                g4_fill_black(coding, a0_pixel, b2);
            a0 = (int32_t)b2;
        } else {
            int32_t a1 = (int32_t)b1 + d;
            if (a1 <= a0 || a1 > (int32_t)width)
                return g4_fail(decoder, info, "vertical mode outside the row");
            if (colour)
                g4_fill_black(coding, a0_pixel, (uint32_t)a1);
            a0 = a1;
            colour ^= 1u;
        }
    }
    return INK_OK;
}

ink_error ink_g4_decode_row(ink_g4_decoder *decoder, uint8_t *row, size_t row_nbytes,
                            ink_error_info *info)
{
    ink_error err = g4_decoder_usable(decoder, info);
    if (err != INK_OK)
        return err;
    if (!row || row_nbytes < decoder->row_nbytes)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "G4: row of %zu bytes, width %u needs %u", row_nbytes,
                             (unsigned)decoder->width, (unsigned)decoder->row_nbytes);
    if (decoder->rows >= decoder->height) {
        decoder->failed = true;
        return ink_error_set(info, INK_ERR_BAD_STATE, "G4: all %u rows already decoded",
                             (unsigned)decoder->height);
    }
    err = g4_decode_line(decoder, info);
    if (err != INK_OK) {
        decoder->failed = true;
        return err;
    }
    memcpy(row, decoder->coding, decoder->row_nbytes);
    uint8_t *swap = decoder->reference;
    decoder->reference = decoder->coding;
    decoder->coding = swap;
    decoder->rows++;
    return INK_OK;
}

ink_error ink_g4_decoder_finish(ink_g4_decoder *decoder, ink_error_info *info)
{
    ink_error err = g4_decoder_usable(decoder, info);
    if (err != INK_OK)
        return err;
    if (decoder->rows != decoder->height) {
        decoder->failed = true;
        return ink_error_set(info, INK_ERR_BAD_STATE, "G4: finish after %u of %u rows",
                             (unsigned)decoder->rows, (unsigned)decoder->height);
    }
    err = g4_refill(decoder, info);
    if (err != INK_OK)
        return err;
    uint64_t left = decoder->bits_available - decoder->bits_consumed;
    bool eofb = (decoder->bit_buffer >> (32u - G4_EOFB_NBITS)) == G4_EOFB &&
                left >= G4_EOFB_NBITS;
    if (!eofb && left >= 8u) {
        decoder->failed = true;
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "G4: %llu bits after the last row are not EOFB",
                             (unsigned long long)left);
    }
    decoder->finished = true;
    return INK_OK;
}
