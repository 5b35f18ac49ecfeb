/*
 * test_jpeg_progressive_sweep_word32.c — test_jpeg_progressive_sweep.c again with the progressive
 * decoder's position masks taken as two 32-bit words, as the RV32 board build takes them (the
 * host takes one 64-bit word; jpeg_progressive.h). The decoder's two files are compiled in here
 * with INK_JPEG_PROG_WORD_BITS=32, so the core library's copies are not linked.
 */
#define INK_JPEG_PROG_WORD_BITS 32
#include "decode/jpeg_progressive.c"
#include "decode/jpeg_progressive_huffman.c"
#include "decode/jpeg_progressive_emit.c"
#include "test_jpeg_progressive_sweep.c"
