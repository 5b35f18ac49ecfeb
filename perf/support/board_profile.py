#!/usr/bin/env python3
"""board_profile.py — where the board build's instructions go, per function and per address.

    python3 perf/support/board_profile.py FIRMWARE.elf SD_DIR "JOB LINE" [--top N] [--pcs FUNC]

Runs one firmware job (e.g. "decode img/photo.png") under
`qemu-system-riscv32 -icount shift=0 -d in_asm,exec,nochain`, reads the log through a pipe
(it runs to gigabytes for a large image) and weights every executed translation block by its
instruction count: with `nochain` every block execution is logged, and a RISC-V block ends at
its first branch, so all of its instructions retire. Prints the instructions per function
(the symbol QEMU names for the block's first address, which is the function holding it) over
the whole run, boot and file reading included, and with --pcs FUNC the executed count of every
instruction of FUNC with its disassembly (for reading a hot loop).
"""
import collections
import os
import re
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    top, pcs_of = 30, None
    if '--top' in args:
        i = args.index('--top')
        top = int(args[i + 1])
        del args[i:i + 2]
    if '--pcs' in args:
        i = args.index('--pcs')
        pcs_of = args[i + 1]
        del args[i:i + 2]
    elf, sd, job = args
    sd = os.path.abspath(sd)
    with open(os.path.join(sd, 'profile_jobs.txt'), 'w') as f:
        f.write(job + '\n')
    tmp = tempfile.mkdtemp()
    fifo = os.path.join(tmp, 'log')
    os.mkfifo(fifo)
    qemu = subprocess.Popen(
        ['qemu-system-riscv32', '-machine', 'virt', '-nographic', '-bios', 'none', '-icount',
         'shift=0', '-semihosting-config', 'enable=on,target=native', '-kernel',
         os.path.abspath(elf), '-append', 'sd=%s jobs=profile_jobs.txt' % os.path.basename(sd),
         '-d', 'in_asm,exec,nochain', '-D', fifo],
        cwd=os.path.dirname(sd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    blocks = {}        # block start pc -> (symbol, [(pc, text)])
    executed = collections.Counter()  # block start pc -> executions
    trace = re.compile(r'Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/')
    insn = re.compile(r'0x([0-9a-f]+):\s+[0-9a-f]+\s+(.*)')
    current, symbol = None, ''
    with open(fifo) as log:
        for line in log:
            if line.startswith('Trace'):
                m = trace.match(line)
                if m:
                    executed[int(m.group(1), 16)] += 1
                current = None
            elif line.startswith('IN:'):
                symbol = line[3:].strip()
                current = []
            elif current is not None:
                m = insn.match(line)
                if m:
                    pc = int(m.group(1), 16)
                    if not current:
                        blocks[pc] = (symbol, current)
                    current.append((pc, m.group(2).strip()))
    out = qemu.communicate()[0].decode(errors='replace')
    os.unlink(fifo)
    os.rmdir(tmp)
    for line in out.splitlines():
        if line.startswith('result '):
            print(line)
    per_function = collections.Counter()
    per_pc = collections.Counter()
    texts = {}
    total = 0
    for start, count in executed.items():
        if start not in blocks:
            continue
        name, insns = blocks[start]
        per_function[name or '?'] += count * len(insns)
        total += count * len(insns)
        if pcs_of is not None and name == pcs_of:
            for pc, text in insns:
                per_pc[pc] += count
                texts[pc] = text
    print('total %d instructions in translated blocks' % total)
    for name, n in per_function.most_common(top):
        print('%14d  %5.1f%%  %s' % (n, 100.0 * n / total, name))
    if pcs_of is not None:
        for pc in sorted(per_pc):
            print('%08x %12d  %s' % (pc, per_pc[pc], texts[pc]))


if __name__ == '__main__':
    main()
