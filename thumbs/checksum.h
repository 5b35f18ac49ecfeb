/*
 * checksum.h — the two small hashes of the thumbnail cache.
 *
 *   CRC-32     the ISO-HDLC / zlib / PNG CRC (reflected polynomial 0xEDB88320, initial and final
 *              XOR 0xFFFFFFFF). ink_crc32(0, data, n) equals zlib's crc32(0, data, n), and calls
 *              chain: ink_crc32(ink_crc32(0, a, na), b, nb) is the CRC of a followed by b.
 *              A 16-entry (64-byte) nibble table: small enough for flash, ~2 table steps a byte.
 *   FNV-1a 32  offset basis 2166136261, prime 16777619; names the cache file of a book path.
 *
 * Pure functions over caller memory; no state, no allocation.
 */
#ifndef INK_THUMBS_CHECKSUM_H
#define INK_THUMBS_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Continues the CRC-32 `crc` (0 to start) over `nbytes` of `data` (may be NULL when 0). */
uint32_t ink_crc32(uint32_t crc, const void *data, size_t nbytes);

#define INK_FNV1A32_OFFSET_BASIS 2166136261u
#define INK_FNV1A32_PRIME 16777619u

/* FNV-1a 32 of `nbytes` of `data`. */
uint32_t ink_fnv1a32(const void *data, size_t nbytes);

#endif
