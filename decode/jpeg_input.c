/*
 * jpeg_input.c — the JPEG decoder's input buffer and the byte reads of marker segments.
 *
 * The source is always asked for a whole buffer (INK_JPEG_INPUT_BYTES), so on the board each SD
 * read moves a large block. Marker segments are read through the checked helpers here; the
 * entropy decoder reads the same buffer directly (jpeg_huffman.c).
 */
#include <string.h>

#include "decode/jpeg_internal.h"

void ink_jpeg_input_init(jpeg_input *input, const ink_source *source, uint8_t *buffer,
                         size_t capacity)
{
    input->source = source;
    input->buffer = buffer;
    input->capacity = capacity;
    input->next = buffer;
    input->end = buffer;
    input->consumed = 0;
    input->reads = 0;
    input->at_end = false;
}

ink_error ink_jpeg_input_fill(jpeg_input *input, ink_error_info *info)
{
    if (input->next < input->end || input->at_end)
        return INK_OK;
    input->consumed += (uint64_t)(input->end - input->buffer);
    input->next = input->buffer;
    input->end = input->buffer;
    size_t got = 0;
    ink_error error = input->source->read(input->source->user, input->buffer, input->capacity,
                                          &got);
    input->reads++;
    if (error != INK_OK)
        return ink_error_set(info, error, "JPEG: reading the input failed");
    if (got > input->capacity)
        return ink_error_set(info, INK_ERR_IO, "JPEG: the source returned more than asked");
    if (got == 0)
        input->at_end = true;
    input->end = input->buffer + got;
    return INK_OK;
}

ink_error ink_jpeg_input_byte(jpeg_input *input, uint8_t *out, const char *what,
                              ink_error_info *info)
{
    if (input->next == input->end) {
        ink_error error = ink_jpeg_input_fill(input, info);
        if (error != INK_OK)
            return error;
        if (input->next == input->end)
            return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG truncated in %s", what);
    }
    *out = *input->next++;
    return INK_OK;
}

ink_error ink_jpeg_input_u16(jpeg_input *input, uint16_t *out, const char *what,
                             ink_error_info *info)
{
    uint8_t high = 0, low = 0;
    ink_error error = ink_jpeg_input_byte(input, &high, what, info);
    if (error == INK_OK)
        error = ink_jpeg_input_byte(input, &low, what, info);
    *out = (uint16_t)((high << 8) | low);
    return error;
}

ink_error ink_jpeg_input_skip(jpeg_input *input, uint32_t nbytes, const char *what,
                              ink_error_info *info)
{
    while (nbytes > 0) {
        if (input->next == input->end) {
            ink_error error = ink_jpeg_input_fill(input, info);
            if (error != INK_OK)
                return error;
            if (input->next == input->end)
                return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG truncated in %s", what);
        }
        size_t available = (size_t)(input->end - input->next);
        size_t step = available < nbytes ? available : nbytes;
        input->next += step;
        nbytes -= (uint32_t)step;
    }
    return INK_OK;
}

/* Between segments only fill bytes (0xFF) belong; after entropy-coded data, stuffed bytes
 * (FF 00) and restart markers are part of the data. Anything else before a marker is skipped,
 * as libjpeg does (it warns about "extraneous bytes"). */
/* The first 0xFF byte in [p, end), or end: several machine words a step where aligned (a word
 * holds an 0xFF byte when its complement holds a zero byte), eight on a 32-bit machine and four
 * on a 64-bit one; in the step that holds one, the word that holds it, then its bytes. The
 * progressive walk skips the data of every scan it does not decode this way: 1.1 instructions a
 * byte on RV32 (four words a step: 1.25; two: 1.5) where a byte loop (picolibc's memchr too)
 * takes 5. */
#define FIND_FF_WORDS (sizeof(size_t) == 4u ? 8u : 4u)
static const uint8_t *find_ff(const uint8_t *p, const uint8_t *end)
{
    const size_t ones = (size_t)-1 / 0xFFu, highs = ones << 7;
    while (p < end && ((uintptr_t)p & (sizeof(size_t) - 1u)) != 0) {
        if (*p == 0xFF)
            return p;
        p++;
    }
    if ((size_t)(end - p) >= FIND_FF_WORDS * sizeof(size_t)) {
        const uint8_t *last = end - FIND_FF_WORDS * sizeof(size_t); /* the last whole step's */
        do {
            size_t word[FIND_FF_WORDS], any = 0;
            memcpy(word, __builtin_assume_aligned(p, sizeof(size_t)), sizeof word);
#pragma GCC unroll 8
            for (unsigned i = 0; i < FIND_FF_WORDS; i++)
                any |= (~word[i] - ones) & word[i];
            if (any & highs) {
                for (;; p += sizeof(size_t)) { /* (one of the step's words holds it) */
                    size_t one;
                    memcpy(&one, __builtin_assume_aligned(p, sizeof(size_t)), sizeof one);
                    if ((~one - ones) & one & highs)
                        break;
                }
                break;
            }
            p += FIND_FF_WORDS * sizeof(size_t);
        } while (p <= last);
    }
    while (p < end && *p != 0xFF)
        p++;
    return p;
}

/* The first 0xFF in [p, end) that can start a marker: not a stuffed byte (FF 00) nor a restart
 * marker (FF D0..D7), which entropy-coded data holds; or one in the last byte, or end. */
static const uint8_t *find_marker(const uint8_t *p, const uint8_t *end)
{
    for (;;) {
        p = find_ff(p, end);
        if (end - p < 2)
            return p;
        uint8_t next = p[1];
        if (next != 0x00 && (next < 0xD0 || next > 0xD7))
            return p;
        p += 2;
    }
}

ink_error ink_jpeg_input_next_marker(jpeg_input *input, uint8_t *marker, ink_error_info *info)
{
    uint8_t byte = 0;
    for (;;) {
        input->next = find_marker(input->next, input->end);
        ink_error error = ink_jpeg_input_byte(input, &byte, "the search for the next marker",
                                              info);
        if (error != INK_OK)
            return error;
        if (byte != 0xFF)
            continue;
        do {
            error = ink_jpeg_input_byte(input, &byte, "a marker", info);
            if (error != INK_OK)
                return error;
        } while (byte == 0xFF);
        if (byte != 0x00 && (byte < 0xD0 || byte > 0xD7)) {
            *marker = byte;
            return INK_OK;
        }
    }
}
