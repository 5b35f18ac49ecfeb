/*
 * g4.h — CCITT T.6 (Group 4, "MMR") bilevel encoder and decoder, one row at a time.
 *
 * The standard 2-D code of ITU-T T.6 (the same stream TIFF Compression=4 stores): every row is
 * coded against the row above it (the first against an imaginary all-white row) with the pass,
 * horizontal and vertical modes; the stream ends with EOFB (two EOL codes, 0x001001) and is
 * padded with zero bits to a whole byte. Bits are packed most significant first (TIFF
 * FillOrder=1). Uncompressed-mode extensions are not produced and are rejected when read.
 *
 * Pixels: a row is ceil(width / 8) bytes, pixel x at bit (7 - x % 8) of byte x / 8, and a set
 * bit is BLACK (the fax convention, TIFF PhotometricInterpretation=WhiteIsZero). Bits past the
 * width in the last byte are ignored on input and written as 0 on output.
 *
 * Memory: nothing is allocated. The caller owns the context struct (a few hundred bytes, fine on
 * the stack) and a work buffer of INK_G4_WORK_BYTES_FOR(width) bytes that holds the two lines of
 * the 2-D code (the reference line and the coding line), packed. It must stay untouched until
 * the last row is done. The worst case, INK_G4_WORK_BYTES (for INK_G4_MAX_WIDTH), fits the
 * arena's SCRATCH region; a 120-pixel thumbnail needs 30 bytes.
 *
 * Errors: INK_ERR_INVALID_ARGUMENT (width 0 or above INK_G4_MAX_WIDTH, work too small, row
 * buffer too small), INK_ERR_BAD_DATA (decoder: invalid code, a run or change past the row's
 * end, EOL/EOFB inside the image, data that ends before the last row, no EOFB), INK_ERR_UNSUPPORTED
 * (decoder: T.6 uncompressed-mode extension), INK_ERR_IO or the callback's own error (source /
 * sink), INK_ERR_BAD_STATE (rows past the height, use after finish or after a failure: a context
 * stays failed after its first error).
 *
 * Hostile input: the decoder writes only the caller's ceil(width / 8)-byte row and its work
 * buffer; every run and every changing element is checked against the width before a bit is
 * set; each decoded code consumes at least one bit and a stream shorter than its codes is an
 * error, so decoding always ends.
 */
#ifndef INK_THUMBS_G4_H
#define INK_THUMBS_G4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"
#include "arena/stream.h"

#define INK_G4_MAX_WIDTH 16384u

/* Bytes of one packed row of `width` pixels. */
#define INK_G4_ROW_NBYTES(width) (((uint32_t)(width) + 7u) / 8u)
/* Work memory for rows of `width` pixels: the reference line and the coding line. */
#define INK_G4_WORK_BYTES_FOR(width) (2u * INK_G4_ROW_NBYTES(width))
/* Work memory for any width this codec accepts: 4,096 bytes, half of SCRATCH. */
#define INK_G4_WORK_BYTES INK_G4_WORK_BYTES_FOR(INK_G4_MAX_WIDTH)

_Static_assert(INK_G4_WORK_BYTES <= INK_REGION_SCRATCH_BYTES, "G4 work must fit SCRATCH");

/* Bytes the encoder gathers before calling sink->write; the decoder reads its source in chunks
 * of the same size. */
#define INK_G4_IO_CHUNK_BYTES 64u

typedef struct ink_g4_encoder {
    ink_sink sink;
    uint8_t *reference; /* the previous row, packed; all white before the first row */
    uint32_t width;
    uint32_t row_nbytes;
    uint32_t rows;      /* rows encoded so far */
    uint32_t bit_buffer; /* pending bits, right-aligned: the low `bit_count` bits */
    uint32_t bit_count;
    uint32_t out_nbytes; /* bytes waiting in out[] */
    uint64_t total_nbytes; /* bytes handed to the sink so far */
    bool failed;
    bool finished;
    uint8_t out[INK_G4_IO_CHUNK_BYTES];
} ink_g4_encoder;

/* Starts a stream of rows `width` pixels wide into `sink` (copied; its `user` must outlive the
 * encoder). `work` (caller-owned, INK_G4_WORK_BYTES_FOR(width) bytes or more) is in use until
 * ink_g4_encoder_finish returns. Nothing is written to the sink yet. */
ink_error ink_g4_encoder_init(ink_g4_encoder *encoder, uint32_t width, void *work,
                              size_t work_nbytes, const ink_sink *sink, ink_error_info *info);

/* Codes one row (`row_nbytes` >= INK_G4_ROW_NBYTES(width); only that many bytes are read). */
ink_error ink_g4_encode_row(ink_g4_encoder *encoder, const uint8_t *row, size_t row_nbytes,
                            ink_error_info *info);

/* Writes EOFB and the zero padding, and flushes everything to the sink. `*out_nbytes` (may be
 * NULL) receives the stream's total length in bytes. Zero rows make a valid stream (just EOFB). */
ink_error ink_g4_encoder_finish(ink_g4_encoder *encoder, uint64_t *out_nbytes,
                                ink_error_info *info);

typedef struct ink_g4_decoder {
    ink_source source;
    uint8_t *reference; /* the row above, packed */
    uint8_t *coding;    /* the row being decoded */
    uint32_t width;
    uint32_t height;
    uint32_t row_nbytes;
    uint32_t rows;       /* rows decoded so far */
    uint32_t bit_buffer; /* left-aligned: the next bit of the stream is bit 31 */
    uint32_t bit_count;  /* valid bits in bit_buffer (zeros past the end of input count too) */
    uint64_t bits_consumed;
    uint64_t bits_available; /* 8 x bytes the source gave */
    uint32_t in_position;
    uint32_t in_nbytes;
    bool source_ended;
    bool failed;
    bool finished;
    uint8_t in[INK_G4_IO_CHUNK_BYTES];
} ink_g4_decoder;

/* Starts decoding `height` rows of `width` pixels from `source` (copied; its `user` must
 * outlive the decoder). `work` as for the encoder. Reads nothing yet. */
ink_error ink_g4_decoder_init(ink_g4_decoder *decoder, uint32_t width, uint32_t height,
                              void *work, size_t work_nbytes, const ink_source *source,
                              ink_error_info *info);

/* Decodes the next row into `row` (writes exactly INK_G4_ROW_NBYTES(width) bytes, which
 * `row_nbytes` must allow; padding bits are 0). On error the row's content is unspecified
 * (but nothing outside it was written) and the decoder stays failed. */
ink_error ink_g4_decode_row(ink_g4_decoder *decoder, uint8_t *row, size_t row_nbytes,
                            ink_error_info *info);

/* After the last row: checks that EOFB follows (INK_ERR_BAD_DATA when other codes do). A stream
 * whose data ends exactly after the last row's codes (EOFB omitted, as some TIFF writers do) is
 * accepted. Bytes after EOFB are not read. */
ink_error ink_g4_decoder_finish(ink_g4_decoder *decoder, ink_error_info *info);

#endif
