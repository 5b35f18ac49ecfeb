/*
 * test_inflate_narrow_word32.c — test_inflate_narrow.c (every cut of the input and the output)
 * with inflate in the board's (RV32) form, INK_INFLATE_BITBUF_WIDE 0, as test_inflate_word32.c.
 */
#define INK_INFLATE_BITBUF_WIDE 0
#include "decode/inflate.c"
#include "test_inflate_narrow.c"
