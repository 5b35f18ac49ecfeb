/*
 * test_support.c — see test_support.h.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

const char *ink_test_shared_dir(void)
{
    static char path[4096];
    const char *env = getenv("INK_SHARED_DIR");
    if (env && *env)
        snprintf(path, sizeof path, "%s", env);
    else
        snprintf(path, sizeof path, "%s/../shared", INK_TEST_SOURCE_DIR);
    char corpus[4200];
    snprintf(corpus, sizeof corpus, "%s/corpus", path);
    struct stat info;
    if (stat(corpus, &info) != 0 || !S_ISDIR(info.st_mode))
        return NULL;
    return path;
}

ink_arena *ink_test_arena(void)
{
    static _Alignas(16) uint8_t memory[INK_ARENA_BYTES];
    static ink_arena arena;
    if (ink_arena_init(&arena, memory, sizeof memory) != INK_OK)
        return NULL;
    arena.trap_on_misuse = false;
    return &arena;
}

int ink_test_run(const char *format, ...)
{
    char command[8192];
    va_list args;
    va_start(args, format);
    vsnprintf(command, sizeof command, format, args);
    va_end(args);
    int status = system(command);
    if (status == -1)
        return -1;
    return (status >> 8) & 0xFF;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool ink_test_parse_bmp(const uint8_t *data, size_t nbytes, ink_test_bitmap *out)
{
    memset(out, 0, sizeof *out);
    if (nbytes < 62 || data[0] != 'B' || data[1] != 'M' || le32(data + 14) != 40)
        return false;
    int32_t width = (int32_t)le32(data + 18), height = (int32_t)le32(data + 22);
    uint32_t offset = le32(data + 10);
    if (width <= 0 || height == 0 || data[26] != 1 || data[28] != 1 || le32(data + 30) != 0)
        return false;
    bool top_down = height < 0;
    uint32_t rows = (uint32_t)(top_down ? -height : height);
    size_t stride = (((size_t)width + 31) / 32) * 4;
    if (offset < 62 || offset > nbytes || (nbytes - offset) / stride < rows ||
        le32(data + 2) != nbytes)
        return false;
    /* palette: entry 0 must be black and entry 1 white for the pixel values below to hold */
    const uint8_t *palette = data + 54;
    if (palette[0] || palette[1] || palette[2] || palette[4] != 255 || palette[5] != 255 ||
        palette[6] != 255)
        return false;
    out->width = (uint32_t)width;
    out->height = rows;
    out->pixels = malloc((size_t)width * rows);
    for (uint32_t y = 0; y < rows; y++) {
        const uint8_t *row = data + offset + stride * (top_down ? y : rows - 1 - y);
        for (uint32_t x = 0; x < (uint32_t)width; x++)
            out->pixels[(size_t)y * (size_t)width + x] = (row[x / 8] >> (7 - x % 8)) & 1;
    }
    return true;
}

void ink_test_bitmap_free(ink_test_bitmap *bitmap)
{
    free(bitmap->pixels);
    bitmap->pixels = NULL;
}

uint32_t ink_test_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

size_t ink_test_zlib_deflate(const uint8_t *src, size_t src_nbytes, uint8_t *dst,
                             size_t dst_nbytes, int level, int strategy, int window_bits,
                             int mem_level)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, window_bits, mem_level, strategy), Z_OK);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)src_nbytes;
    z.next_out = dst;
    z.avail_out = (uInt)dst_nbytes;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}
