/* stb_image's implementation, compiled alone (its own warnings are not ours: built with -w). */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#include <stb/stb_image.h>
