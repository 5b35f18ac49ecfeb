/*
 * test_jpeg_idct_vector.c — test_jpeg_idct.c on the GCC-vector IDCTs (the AArch64 form),
 * compiled for this target whatever fast form the build itself uses.
 */
#define TEST_VECTOR_IDCT 1
#include "test_jpeg_idct.c"
