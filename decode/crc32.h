/*
 * crc32.h — CRC-32 (ISO 3309 / ITU-T V.42, the one zip, PNG and zlib's crc32() compute):
 * reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF.
 *
 * Pass 0 as `crc` for the first piece and the previous result for each next piece:
 * ink_crc32_update(ink_crc32_update(0, a, n), b, m) == CRC of a followed by b.
 * The tables are const data (8 KB, decode/crc32_tables.h; flash on the board). No state.
 */
#ifndef INK_DECODE_CRC32_H
#define INK_DECODE_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t ink_crc32_update(uint32_t crc, const uint8_t *data, size_t nbytes);

#endif
