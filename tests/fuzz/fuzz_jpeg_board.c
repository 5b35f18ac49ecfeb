/*
 * fuzz_jpeg_board.c — fuzz_jpeg over the board's (RV32) form of the in-arena JPEG decoder: the
 * 32-bit bit buffer with its two-byte refills (JPEG_BITS_WIDE 0), the progressive decoder's
 * position masks as two 32-bit words with the refinement's pair loop and byte-wise correction
 * bits (INK_JPEG_PROG_WORD_BITS 32), and the scalar IDCT tiers the emit calls directly
 * (INK_JPEG_SCALAR_IDCT). The host form never runs those paths. tests/CMakeLists.txt compiles
 * every decode/jpeg*.c into this target with those settings, so the core library's JPEG objects
 * are not linked; the harness is fuzz_jpeg's.
 */
#include "fuzz_jpeg.c"
