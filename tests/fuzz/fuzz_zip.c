/*
 * fuzz_zip.c — libFuzzer target for decode/zip: the input is an archive. Opens it, walks the
 * directory, finds each entry by name, reads every entry through its reader (small buffers, an
 * entry size limit so a bomb cannot make a run slow) and sanitises every name. Nothing may
 * crash, hang or overrun; a delivered entry never exceeds its declared size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static _Alignas(8) uint8_t state_memory[8192];
    static uint8_t window[INK_INFLATE_WINDOW_BYTES];
    static uint8_t input[300];
    static uint8_t out[4096];
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, data, size);
    ink_zip zip;
    ink_zip_limits limits = {1u << 20, 4096};
    if (ink_zip_open(&zip, &source, size, &limits, NULL) != INK_OK)
        return 0;
    uint64_t cursor = 0;
    for (uint32_t i = 0; i < zip.entry_count; i++) {
        ink_zip_entry entry;
        if (ink_zip_entry_at(&zip, i, &cursor, &entry, NULL) != INK_OK)
            break;
        char safe[INK_ZIP_NAME_BYTES];
        (void)ink_zip_sanitize_name(entry.name, strlen(entry.name), safe, sizeof safe);
        ink_zip_entry by_name;
        bool found = false;
        if (ink_zip_find(&zip, entry.name, strlen(entry.name), &by_name, &found, NULL) == INK_OK &&
            found && strcmp(by_name.name, entry.name) != 0)
            abort();
        ink_zip_reader reader;
        ink_zip_reader_memory mem = {state_memory, sizeof state_memory, window, input,
                                     1 + i % sizeof input};
        if (ink_zip_reader_open(&reader, &zip, &entry, &mem, NULL) != INK_OK)
            continue;
        uint64_t total = 0;
        for (;;) {
            size_t got = 0;
            if (ink_zip_reader_read(&reader, out, 1 + (i * 37) % sizeof out, &got, NULL) != INK_OK ||
                got == 0)
                break;
            total += got;
            if (total > entry.uncompressed_nbytes)
                abort();
        }
    }
    return 0;
}
