#!/usr/bin/env python3
"""Writes decode/crc32_tables.h, the eight 256-entry tables of slicing-by-8 CRC-32.

    python3 scripts/gen_crc32_tables.py > decode/crc32_tables.h

The CRC is the reflected one of ISO 3309 (polynomial 0xEDB88320). Feeding a byte through the
bitwise CRC is eight steps c = (c >> 1) ^ (0xEDB88320 if c & 1 else 0). Table k, entry n, is n
shifted through 8 * (k + 1) such steps: the contribution of byte value n when k more zero bytes
follow it in the same 8-byte step, so the eight lookups of a step XOR together to the CRC after
all eight bytes (and tables 0-3 do the same for a 4-byte step). The tables are computed here,
from that definition alone, because C cannot build tables 1-7 as constant expressions without an
exponential macro expansion; the unit test checks the result against zlib's crc32()
(tests/unit/test_zip.c, test_crc32_matches_zlib).
"""

import c_header

POLYNOMIAL = 0xEDB88320
NOTES = """\
Table k, entry n: byte value n shifted through 8 * (k + 1) steps of the bitwise
CRC-32 (reflected polynomial 0xEDB88320). Only decode/crc32.c includes this.""".splitlines()


def steps(value, count):
    for _ in range(count):
        value = (value >> 1) ^ (POLYNOMIAL if value & 1 else 0)
    return value


def main():
    c_header.begin('crc32_tables.h', 'gen_crc32_tables.py', NOTES, 'INK_DECODE_CRC32_TABLES_H',
                   '<stdint.h>')
    print('static const uint32_t crc32_tables[8][256] = {')
    for k in range(8):
        c_header.block((steps(n, 8 * (k + 1)) for n in range(256)), 6, '0x%08Xu')
    c_header.end()


if __name__ == '__main__':
    main()
