// lodepng_shim.cpp — Debian's liblodepng is built as C++ (mangled names), so the C bench calls
// it through these two extern "C" functions. Perf-only; the project itself is C11.
#include <lodepng.h>

extern "C" unsigned inkbench_lodepng_decode(unsigned char **out, unsigned *width,
                                            unsigned *height, const unsigned char *in,
                                            size_t in_nbytes, int color_type)
{
    return lodepng_decode_memory(out, width, height, in, in_nbytes,
                                 static_cast<LodePNGColorType>(color_type), 8);
}

extern "C" const char *inkbench_lodepng_error_text(unsigned code)
{
    return lodepng_error_text(code);
}
