#!/usr/bin/env python3
"""Writes decode/jpeg_prog_deposit.h, the tables that spread a refinement's correction bits over
a byte of positions (jpeg_progressive_huffman.c, CORRECT_SPAN on RV32).

    python3 scripts/gen_jpeg_deposit_tables.py > decode/jpeg_prog_deposit.h

For a nonzero byte b of positions with history (bit i: the position i of the byte), with c set
bits, the next c bits of the stream are the correction bits of b's positions, lowest position
first. Read as one value v (the first bit its top bit, as the bit reader peeks them),
jpeg_prog_deposit.ones[offset + v] is the byte of b's positions whose bit is 1. Every b has its
2^c entries at its own offset, in order of b: 3^8 - 1 = 6,560 bytes in all (each of the 8
positions is out of b, or in b with a 0, or in b with a 1; b = 0 has none).
jpeg_prog_deposit.at[b] packs offset << 3 with c - 1 (entry 0 is 0 and unused). One struct, so
that both are reached from one base address. C cannot build the table as a constant
expression without a long macro expansion; test_jpeg_progressive (test_deposit_tables) checks
both tables against a bit-by-bit loop.
"""

import c_header

NOTES = """\
A byte of history positions b (c set bits) and the next c correction bits v (first bit
read on top): jpeg_prog_deposit.ones[(jpeg_prog_deposit.at[b] >> 3) + v] is the byte
of positions whose bit is 1; jpeg_prog_deposit.at[b] & 7 is c - 1. Only
jpeg_progressive_huffman.c includes this.""".splitlines()


def positions(b):
    return [i for i in range(8) if (b >> i) & 1]


def main():
    offsets, deposit = [0] * 256, []
    for b in range(1, 256):
        offsets[b] = len(deposit)
        ps = positions(b)
        c = len(ps)
        for v in range(1 << c):
            ones = 0
            for n, p in enumerate(ps):  # the n-th bit read is bit c - 1 - n of v
                if (v >> (c - 1 - n)) & 1:
                    ones |= 1 << p
            deposit.append(ones)
    assert len(deposit) == 3 ** 8 - 1 and offsets[255] < (1 << 13)
    packed = [0] + [offsets[b] << 3 | (len(positions(b)) - 1) for b in range(1, 256)]
    c_header.begin('jpeg_prog_deposit.h', 'gen_jpeg_deposit_tables.py', NOTES,
                   'INK_DECODE_JPEG_PROG_DEPOSIT_H', '"decode/jpeg_progressive.h"')
    print('const jpeg_prog_deposit_tables jpeg_prog_deposit = {')
    c_header.block(packed, 10)
    c_header.block(deposit, 16)
    c_header.end()


if __name__ == '__main__':
    main()
