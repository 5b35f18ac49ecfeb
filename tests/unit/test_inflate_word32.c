/*
 * test_inflate_word32.c — test_inflate.c again with inflate in the board's (RV32) form:
 * INK_INFLATE_BITBUF_WIDE 0 (a 32-bit bit buffer refilled two bytes then one, one more root
 * literal per refill, four-byte match copies and the aligned-word copy of distances that are
 * multiples of 4), which the host build otherwise never runs. The decoder's file is compiled in
 * here, so the core library's copy is not linked.
 */
#define INK_INFLATE_BITBUF_WIDE 0
#include "decode/inflate.c"
#include "test_inflate.c"
