/*
 * test_jpeg_idct_vector.c — test_jpeg_idct.c on the GCC-vector IDCTs (compiled for SSE4.1 on an
 * x86-64 build that does not target it), whatever fast form the build itself uses.
 */
#define TEST_VECTOR_IDCT 1
#include "test_jpeg_idct.c"
