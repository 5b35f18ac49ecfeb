/*
 * crc32.c — CRC-32, eight bytes per step ("slicing by 8").
 *
 * The bytewise form needs one table lookup per byte, each depending on the one before. Here the
 * first 32-bit word of a step is XORed into the CRC and the step's eight bytes are looked up in
 * eight tables at once: table k holds the effect of a byte followed by k more bytes, so the
 * eight lookups XOR to the CRC after all eight bytes (scripts/gen_crc32_tables.py has the
 * derivation). On RV32 that is 43 instructions per 8 bytes (5.4 a byte) against 24 per 4 bytes
 * with four tables and about 9 a byte with one, for 8 KB of constant data (flash on the board).
 * The test checks the result against zlib's crc32() at every alignment and length.
 */
#include "decode/crc32.h"

#include <string.h>

#include "decode/crc32_tables.h"

/* One byte, the bitwise way's table form: table 0 is one byte's eight steps. */
static inline uint32_t crc32_byte(uint32_t crc, uint8_t byte)
{
    return crc32_tables[0][(crc ^ byte) & 0xFFu] ^ (crc >> 8);
}

/* The next four bytes as a little-endian word; `data` is 4-aligned (the caller makes it so), so
 * strict-alignment cores load it with one instruction. */
static inline uint32_t load_aligned_le32(const uint8_t *data)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t word;
    memcpy(&word, __builtin_assume_aligned(data, 4), sizeof word);
    return word;
#else
    return (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
           (uint32_t)data[3] << 24;
#endif
}

/*
 * Entry (byte_offset / 4) of a table. The word loop takes each byte of the CRC already scaled by
 * four, (crc >> (8 * i - 2)) & 0x3FC: one shift and one mask, where an index needs a third
 * instruction to scale it on RV32, which has no scaled-index addressing.
 */
static inline uint32_t entry_at(const uint32_t *table, uint32_t byte_offset)
{
    return *(const uint32_t *)(const void *)((const uint8_t *)table + byte_offset);
}

uint32_t ink_crc32_update(uint32_t crc, const uint8_t *data, size_t nbytes)
{
    crc = ~crc;
    while (nbytes > 0 && ((uintptr_t)data & 3u) != 0) {
        crc = crc32_byte(crc, *data++);
        nbytes--;
    }
    /* A step's byte j is followed by 7 - j more: table 7 - j. */
    for (; nbytes >= 8; data += 8, nbytes -= 8) {
        uint32_t low = crc ^ load_aligned_le32(data), high = load_aligned_le32(data + 4);
        crc = entry_at(crc32_tables[7], (low << 2) & 0x3FCu) ^
              entry_at(crc32_tables[6], (low >> 6) & 0x3FCu) ^
              entry_at(crc32_tables[5], (low >> 14) & 0x3FCu) ^
              entry_at(crc32_tables[4], (low >> 22) & 0x3FCu) ^
              entry_at(crc32_tables[3], (high << 2) & 0x3FCu) ^
              entry_at(crc32_tables[2], (high >> 6) & 0x3FCu) ^
              entry_at(crc32_tables[1], (high >> 14) & 0x3FCu) ^
              entry_at(crc32_tables[0], (high >> 22) & 0x3FCu);
    }
    if (nbytes >= 4) {
        uint32_t word = crc ^ load_aligned_le32(data);
        crc = entry_at(crc32_tables[3], (word << 2) & 0x3FCu) ^
              entry_at(crc32_tables[2], (word >> 6) & 0x3FCu) ^
              entry_at(crc32_tables[1], (word >> 14) & 0x3FCu) ^
              entry_at(crc32_tables[0], (word >> 22) & 0x3FCu);
        data += 4;
        nbytes -= 4;
    }
    while (nbytes-- > 0)
        crc = crc32_byte(crc, *data++);
    return ~crc;
}
