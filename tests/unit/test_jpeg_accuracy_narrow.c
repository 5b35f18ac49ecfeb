/*
 * test_jpeg_accuracy_narrow.c — test_jpeg_accuracy.c again with the baseline decoder's bit
 * reader and block decoder in the board's (RV32) form: JPEG_BITS_WIDE 0 (16 bits a symbol,
 * two-byte refills, long value entries, the empty-block patterns; jpeg_internal.h), which the
 * host build otherwise never runs. The decoder's file is compiled in here, so the core library's
 * copy is not linked.
 */
#define JPEG_BITS_WIDE 0
#include "decode/jpeg_huffman.c"
#include "test_jpeg_accuracy.c"
