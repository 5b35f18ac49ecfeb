/*
 * fuzz_inflate_board.c — fuzz_inflate (differential against zlib) over the board's (RV32) form
 * of decode/inflate: the 32-bit bit buffer (INK_INFLATE_BITBUF_WIDE 0), whose refills and fast
 * loop the host form never runs. tests/CMakeLists.txt compiles decode/inflate.c into this target
 * with that setting, so the core library's copy is not linked; the harness is fuzz_inflate's.
 */
#include "fuzz_inflate.c"
