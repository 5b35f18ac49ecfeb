/*
 * checksum.c — CRC-32 (nibble table) and FNV-1a 32. See checksum.h.
 */
#include "thumbs/checksum.h"

/* crc32_nibble[n] is the CRC register after shifting the 4-bit value n through the reflected
 * polynomial 0xEDB88320 four times (bit by bit: c = c & 1 ? (c >> 1) ^ poly : c >> 1). */
static const uint32_t crc32_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t ink_crc32(uint32_t crc, const void *data, size_t nbytes)
{
    const uint8_t *bytes = data;
    crc = ~crc;
    for (size_t i = 0; i < nbytes; i++) {
        crc ^= bytes[i];
        crc = (crc >> 4) ^ crc32_nibble[crc & 0xFu];
        crc = (crc >> 4) ^ crc32_nibble[crc & 0xFu];
    }
    return ~crc;
}

uint32_t ink_fnv1a32(const void *data, size_t nbytes)
{
    const uint8_t *bytes = data;
    uint32_t hash = INK_FNV1A32_OFFSET_BASIS;
    for (size_t i = 0; i < nbytes; i++) {
        hash ^= bytes[i];
        hash *= INK_FNV1A32_PRIME;
    }
    return hash;
}
