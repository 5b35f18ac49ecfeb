/*
 * test_jpeg_idct_scalar.c — test_jpeg_idct.c's dispatch test on the scalar transforms (the
 * board's form, -DINK_JPEG_SCALAR_IDCT), whatever fast form the build itself uses: the scalar
 * tiers ink_jpeg_idct_block picks from the block decoder's flags (8x8 low, the 4x4 and 2x2
 * tiers by last index, the 2x2 variants by a zero row 7 or column 7) must give the pixels of
 * the whole scalar transform and leave the block cleared. The host's default build never runs
 * those tiers (its dispatch takes the SSE2 or vector forms).
 */
#define TEST_SCALAR_IDCT 1
#include "test_jpeg_idct.c"
