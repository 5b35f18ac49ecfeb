/*
 * test_jpeg_progressive_sweep_narrow.c — test_jpeg_progressive_sweep.c again with the progressive
 * block decoders in the board's (RV32) form, as test_jpeg_progressive_narrow.c compiles them:
 * JPEG_BITS_WIDE 0 and the position masks as two 32-bit words. The refinement's correction bits
 * then go by pairs and, at 1/1 and 1/4, a byte of positions at a time (CORRECT_SPAN,
 * jpeg_progressive_huffman.c), paths that fuzz_jpeg (a host build) never runs: the bit-flip and
 * truncation sweep checks them on damaged data. The decoder's files are compiled in here, so the
 * core library's copies are not linked.
 */
#define JPEG_BITS_WIDE 0
#define INK_JPEG_PROG_WORD_BITS 32
#include "decode/jpeg_progressive.c"
#include "decode/jpeg_progressive_huffman.c"
#include "decode/jpeg_progressive_emit.c"
#include "test_jpeg_progressive_sweep.c"
