/*
 * string_rv32.c — memcpy and memset for the QEMU build, in place of picolibc's.
 *
 * Debian's picolibc for rv32 has byte-loop memcpy and memset (6 instructions a byte: lb, sb,
 * three adds, a branch). The device's (ESP-IDF's newlib, in the ESP32-C3 ROM) copy a word at a
 * time when they can, so with picolibc's the counted instructions of every memcpy-heavy step
 * (the inflate window, row buffers) would be the library's, not the pipeline's. These follow
 * the device's approach: 4-byte words when source and destination are equally aligned, bytes
 * four at a time otherwise. Defining them here keeps picolibc's out of the link.
 *
 * Compiled with -fno-builtin -fno-tree-loop-distribute-patterns (CMakeLists.txt), so GCC does not
 * turn these loops back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t nbytes)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 3u) == 0u) {
        while (nbytes > 0u && ((uintptr_t)d & 3u) != 0u) {
            *d++ = *s++;
            nbytes--;
        }
        uint32_t *dw = (uint32_t *)(void *)d;
        const uint32_t *sw = (const uint32_t *)(const void *)s;
        for (; nbytes >= 16u; nbytes -= 16u, dw += 4, sw += 4) {
            uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; nbytes >= 4u; nbytes -= 4u) {
            *dw++ = *sw++;
        }
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    } else {
        for (; nbytes >= 4u; nbytes -= 4u, d += 4, s += 4) {
            uint8_t a = s[0], b = s[1], c = s[2], e = s[3];
            d[0] = a;
            d[1] = b;
            d[2] = c;
            d[3] = e;
        }
    }
    while (nbytes > 0u) {
        *d++ = *s++;
        nbytes--;
    }
    return dst;
}

void *memset(void *dst, int value, size_t nbytes)
{
    uint8_t *d = dst;
    uint8_t byte = (uint8_t)value;
    while (nbytes > 0u && ((uintptr_t)d & 3u) != 0u) {
        *d++ = byte;
        nbytes--;
    }
    uint32_t word = 0x01010101u * byte;
    uint32_t *dw = (uint32_t *)(void *)d;
    for (; nbytes >= 16u; nbytes -= 16u, dw += 4) {
        dw[0] = word;
        dw[1] = word;
        dw[2] = word;
        dw[3] = word;
    }
    for (; nbytes >= 4u; nbytes -= 4u) {
        *dw++ = word;
    }
    d = (uint8_t *)dw;
    while (nbytes > 0u) {
        *d++ = byte;
        nbytes--;
    }
    return dst;
}
