/*
 * crc32.c — CRC-32 with a 256-entry table built by the compiler.
 *
 * Entry n of the table is n shifted through eight steps of the bitwise CRC,
 * c = (c >> 1) ^ (0xEDB88320 & -(c & 1)); the macros below spell those eight steps out so the
 * table is a constant expression (no generator script, no runtime initialisation, no mutable
 * global). The test checks the result against zlib's crc32().
 */
#include "decode/crc32.h"

#define CRC_STEP(c) (((c) >> 1) ^ (0xEDB88320u & (0u - ((c) & 1u))))
#define CRC_STEP2(c) CRC_STEP(CRC_STEP(c))
#define CRC_STEP4(c) CRC_STEP2(CRC_STEP2(c))
#define CRC_ENTRY(n) CRC_STEP4(CRC_STEP4((uint32_t)(n)))
#define CRC_ROW4(n) CRC_ENTRY(n), CRC_ENTRY((n) + 1), CRC_ENTRY((n) + 2), CRC_ENTRY((n) + 3)
#define CRC_ROW16(n) CRC_ROW4(n), CRC_ROW4((n) + 4), CRC_ROW4((n) + 8), CRC_ROW4((n) + 12)
#define CRC_ROW64(n) CRC_ROW16(n), CRC_ROW16((n) + 16), CRC_ROW16((n) + 32), CRC_ROW16((n) + 48)

static const uint32_t crc_table[256] = {CRC_ROW64(0), CRC_ROW64(64), CRC_ROW64(128),
                                        CRC_ROW64(192)};

uint32_t ink_crc32_update(uint32_t crc, const uint8_t *data, size_t nbytes)
{
    crc = ~crc;
    /* Four bytes per round: lets the compiler keep `crc` in a register and schedule loads. */
    while (nbytes >= 4) {
        crc = crc_table[(crc ^ data[0]) & 0xFFu] ^ (crc >> 8);
        crc = crc_table[(crc ^ data[1]) & 0xFFu] ^ (crc >> 8);
        crc = crc_table[(crc ^ data[2]) & 0xFFu] ^ (crc >> 8);
        crc = crc_table[(crc ^ data[3]) & 0xFFu] ^ (crc >> 8);
        data += 4;
        nbytes -= 4;
    }
    while (nbytes--)
        crc = crc_table[(crc ^ *data++) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}
