/*
 * test_jpeg_progressive_narrow.c — test_jpeg_progressive.c again with the progressive block
 * decoders in the board's (RV32) form: JPEG_BITS_WIDE 0 (two-byte refills; jpeg_internal.h) and
 * the position masks as two 32-bit words. The refinement's correction bits then go two at a time
 * (jpeg_progressive_huffman.c, CORRECT_ALL), a path the host build otherwise never runs. The
 * shared bit reader (jpeg_huffman.c) stays the library's wide one (its refills may hold more
 * than 32 bits, which these decoders take as they come). The decoder's files are compiled in
 * here, so the core library's copies are not linked.
 */
#define JPEG_BITS_WIDE 0
#define INK_JPEG_PROG_WORD_BITS 32
#include "decode/jpeg_progressive.c"
#include "decode/jpeg_progressive_huffman.c"
#include "decode/jpeg_progressive_emit.c"
#include "test_jpeg_progressive.c"
