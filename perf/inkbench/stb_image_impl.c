/*
 * stb_image_impl.c — the implementation of Debian's stb_image.h (libstb-dev), for the bench
 * only. Compiled without inkpipe's warning flags (perf/CMakeLists.txt): it is not our code.
 * Only the JPEG and PNG loaders are compiled in, from memory, no stdio.
 */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#include <stb/stb_image.h>
