/*
 * test_zip.c — decode/zip and decode/crc32.
 *
 * Expectations: entry bytes come from `unzip -p` (every entry of every corpus book), CRC-32
 * from zlib's crc32(), hostile archives are built here byte by byte (the recipe is the code),
 * sanitised names are hand-worked. The truncation and bit-flip sweep checks that a damaged book
 * never crashes the reader and that every entry it does deliver in full equals the original.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <zlib.h>

#include "decode/crc32.h"
#include "decode/zip.h"
#include "host/file_io.h"
#include "support/test_support.h"

static _Alignas(8) uint8_t inflate_state[8192];
static uint8_t window[INK_INFLATE_WINDOW_BYTES];
static uint8_t input_buffer[4096];

static ink_zip_reader_memory reader_memory(size_t input_nbytes)
{
    return (ink_zip_reader_memory){inflate_state, sizeof inflate_state, window, input_buffer,
                                   input_nbytes};
}

/* Reads a whole entry in `chunk`-byte reads into a malloc'd buffer; returns the final status. */
static ink_error read_entry(const ink_zip *zip, const ink_zip_entry *entry, size_t input_nbytes,
                            size_t chunk, uint8_t **data, size_t *nbytes, ink_error_info *info)
{
    ink_zip_reader reader;
    ink_zip_reader_memory memory = reader_memory(input_nbytes);
    *data = NULL;
    *nbytes = 0;
    ink_error error = ink_zip_reader_open(&reader, zip, entry, &memory, info);
    if (error != INK_OK)
        return error;
    size_t capacity = (size_t)entry->uncompressed_nbytes + 1;
    uint8_t *buffer = malloc(capacity);
    assert_non_null(buffer);
    size_t total = 0;
    for (;;) {
        size_t want = chunk, got = 0;
        assert_true(total <= capacity);
        if (want > capacity - total)
            want = capacity - total;
        /* The reader never delivers more than the declared size, so this stays in bounds. */
        error = ink_zip_reader_read(&reader, buffer + total, want ? want : 1, &got, info);
        if (error != INK_OK || got == 0)
            break;
        total += got;
        assert_true(total <= entry->uncompressed_nbytes);
    }
    *data = buffer;
    *nbytes = total;
    return error;
}

/* ---- CRC-32 ------------------------------------------------------------------------------- */

static void test_crc32_matches_zlib(void **unused)
{
    (void)unused;
    uint8_t data[3000];
    uint32_t seed = 7;
    for (size_t i = 0; i < sizeof data; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (uint8_t)(seed >> 16);
    }
    for (size_t n = 0; n < sizeof data; n += 1 + n / 5)
        assert_int_equal(ink_crc32_update(0, data, n), crc32(0, data, (uInt)n));
    /* In pieces. */
    uint32_t crc = 0;
    for (size_t i = 0; i < sizeof data; i += 7)
        crc = ink_crc32_update(crc, data + i, sizeof data - i < 7 ? sizeof data - i : 7);
    assert_int_equal(crc, crc32(0, data, sizeof data));
    /* Every start alignment and every length up to 40 (the byte-wise head and tail around the
     * word loop), and a long run that reaches every entry of the four tables many times. */
    for (size_t offset = 0; offset < 8; offset++)
        for (size_t n = 0; n <= 40; n++)
            assert_int_equal(ink_crc32_update(0, data + offset, n),
                             crc32(0, data + offset, (uInt)n));
    static uint8_t long_run[1 << 16];
    for (size_t i = 0; i < sizeof long_run; i++) {
        seed = seed * 1103515245u + 12345u;
        long_run[i] = (uint8_t)(seed >> 16);
    }
    assert_int_equal(ink_crc32_update(0, long_run + 1, sizeof long_run - 1),
                     crc32(0, long_run + 1, sizeof long_run - 1));
    /* The check value of the CRC catalogue for "123456789". */
    assert_int_equal(ink_crc32_update(0, (const uint8_t *)"123456789", 9), 0xCBF43926u);
}

/* ---- the corpus ---------------------------------------------------------------------------- */

static bool run_unzip(const char *book, const char *name, uint8_t **data, size_t *nbytes)
{
    /* unzip treats names as wildcard patterns: escape them, and single-quote for the shell. */
    char command[4096];
    size_t n = (size_t)snprintf(command, sizeof command, "unzip -p '%s' '", book);
    for (const char *p = name; *p && n + 8 < sizeof command; p++) {
        if (*p == '\'') {
            memcpy(command + n, "'\\''", 4);
            n += 4;
            continue;
        }
        if (*p == '[' || *p == ']' || *p == '*' || *p == '?' || *p == '\\')
            command[n++] = '\\';
        command[n++] = *p;
    }
    snprintf(command + n, sizeof command - n, "'");
    FILE *pipe = popen(command, "r");
    if (!pipe)
        return false;
    size_t capacity = 1 << 16, size = 0;
    uint8_t *buffer = malloc(capacity);
    size_t got;
    while ((got = fread(buffer + size, 1, capacity - size, pipe)) > 0) {
        size += got;
        if (size == capacity)
            buffer = realloc(buffer, capacity *= 2);
    }
    int status = pclose(pipe);
    *data = buffer;
    *nbytes = size;
    return status == 0;
}

static int list_books(char paths[][1024], int max)
{
    const char *shared = ink_test_shared_dir();
    if (!shared)
        return -1;
    char folder[900];
    snprintf(folder, sizeof folder, "%s/corpus/epub", shared);
    DIR *dir = opendir(folder);
    if (!dir)
        return -1;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && count < max) {
        size_t len = strlen(e->d_name);
        if (len > 5 && len < 100 && strcmp(e->d_name + len - 5, ".epub") == 0)
            snprintf(paths[count++], 1024, "%.900s/%.100s", folder, e->d_name);
    }
    closedir(dir);
    return count;
}

static void test_corpus_matches_unzip(void **unused)
{
    (void)unused;
    static char books[64][1024];
    int nbooks = list_books(books, 64);
    if (nbooks <= 0)
        skip();
    unsigned entries_checked = 0;
    for (int b = 0; b < nbooks; b++) {
        ink_file_source file;
        ink_source source;
        assert_true(ink_file_source_open(&file, books[b], &source));
        fseek(file.file, 0, SEEK_END);
        uint64_t size = (uint64_t)ftell(file.file);
        ink_zip zip;
        ink_error_info info;
        ink_error_clear(&info);
        if (ink_zip_open(&zip, &source, size, NULL, &info) != INK_OK)
            fail_msg("%s: %s", books[b], info.detail);
        uint64_t cursor = 0;
        for (uint32_t i = 0; i < zip.entry_count; i++) {
            ink_zip_entry entry;
            assert_int_equal(ink_zip_entry_at(&zip, i, &cursor, &entry, &info), INK_OK);
            if (entry.is_directory)
                continue;
            uint8_t *ours = NULL, *theirs = NULL;
            size_t ours_n = 0, theirs_n = 0;
            /* Vary the buffer sizes from entry to entry. */
            size_t input_n = (i % 3 == 0) ? 1 : (i % 3 == 1) ? 777 : sizeof input_buffer;
            size_t chunk = (i % 4 == 0) ? 1 : (i % 4 == 1) ? 1000 : 65536;
            if (i % 3 == 0 && entry.uncompressed_nbytes > 200000)
                input_n = 61; /* keep one-byte input for the small ones only: speed */
            ink_error error = read_entry(&zip, &entry, input_n, chunk, &ours, &ours_n, &info);
            if (error != INK_OK)
                fail_msg("%s: %s: %s", books[b], entry.name, info.detail);
            assert_true(run_unzip(books[b], entry.name, &theirs, &theirs_n));
            if (ours_n != theirs_n || memcmp(ours, theirs, ours_n) != 0)
                fail_msg("%s: %s differs from unzip -p (%zu vs %zu bytes)", books[b], entry.name,
                         ours_n, theirs_n);
            assert_int_equal(entry.crc32, crc32(0, theirs, (uInt)theirs_n));
            /* And found by name. */
            ink_zip_entry by_name;
            bool found = false;
            assert_int_equal(ink_zip_find(&zip, entry.name, strlen(entry.name), &by_name, &found,
                                          &info),
                             INK_OK);
            assert_true(found);
            assert_int_equal(by_name.index, entry.index);
            free(ours);
            free(theirs);
            entries_checked++;
        }
        ink_file_source_close(&file);
    }
    assert_true(entries_checked > 100);
    printf("    %u entries of %d books equal unzip -p\n", entries_checked, nbooks);
}

/* ---- truncation and bit-flip sweep over the corpus ------------------------------------------ */

typedef struct book_reference {
    uint32_t count;
    uint8_t **data;
    size_t *nbytes;
} book_reference;

/* Opens `archive` from memory and reads every entry; entries read to the end successfully
 * must equal the reference. Returns the number of entries read in full. */
static unsigned read_all_checked(const uint8_t *archive, size_t nbytes, const book_reference *ref)
{
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, archive, nbytes);
    ink_zip zip;
    ink_error_info info;
    ink_error_clear(&info);
    if (ink_zip_open(&zip, &source, nbytes, NULL, &info) != INK_OK)
        return 0;
    unsigned complete = 0;
    uint64_t cursor = 0;
    for (uint32_t i = 0; i < zip.entry_count; i++) {
        ink_zip_entry entry;
        ink_error_clear(&info);
        if (ink_zip_entry_at(&zip, i, &cursor, &entry, &info) != INK_OK)
            break;
        uint8_t *data;
        size_t n;
        ink_error_clear(&info);
        ink_error error = read_entry(&zip, &entry, 1024, 8192, &data, &n, &info);
        if (error == INK_OK && ref && i < ref->count && ref->data[i]) {
            if (n != ref->nbytes[i] || memcmp(data, ref->data[i], n) != 0)
                fail_msg("entry %u read successfully but differs from the original", i);
            complete++;
        }
        free(data);
    }
    return complete;
}

static void test_corpus_truncation_and_bit_flips(void **unused)
{
    (void)unused;
    static char books[64][1024];
    int nbooks = list_books(books, 64);
    if (nbooks <= 0)
        skip();
    unsigned damaged = 0;
    for (int b = 0; b < nbooks; b++) {
        uint8_t *archive;
        size_t nbytes;
        assert_true(ink_read_file(books[b], &archive, &nbytes));
        if (nbytes > 1200000) { /* the sweep's cost grows with size: the smaller books suffice */
            free(archive);
            continue;
        }
        /* Reference bytes of every entry, from the intact book. */
        ink_memory_source memory;
        ink_source source = ink_memory_source_open(&memory, archive, nbytes);
        ink_zip zip;
        assert_int_equal(ink_zip_open(&zip, &source, nbytes, NULL, NULL), INK_OK);
        book_reference ref = {zip.entry_count, calloc(zip.entry_count, sizeof(uint8_t *)),
                              calloc(zip.entry_count, sizeof(size_t))};
        for (uint32_t i = 0; i < zip.entry_count; i++) {
            ink_zip_entry entry;
            assert_int_equal(ink_zip_entry_at(&zip, i, NULL, &entry, NULL), INK_OK);
            assert_int_equal(read_entry(&zip, &entry, 4096, 65536, &ref.data[i], &ref.nbytes[i],
                                        NULL),
                             INK_OK);
        }
        assert_int_equal(read_all_checked(archive, nbytes, &ref), zip.entry_count);

        uint8_t *copy = malloc(nbytes);
        /* Truncations: 40 cuts spread over the file and the last 64 lengths. */
        for (size_t k = 0; k < 104; k++) {
            size_t cut = k < 40 ? nbytes * k / 40 : nbytes - (k - 40) - 1;
            memcpy(copy, archive, cut);
            read_all_checked(copy, cut, &ref);
            damaged++;
        }
        /* Bit flips: spread over the file, and dense over the directory and end record. */
        uint32_t seed = 2024u + (uint32_t)b;
        for (unsigned k = 0; k < 240; k++) {
            memcpy(copy, archive, nbytes);
            seed = seed * 1664525u + 1013904223u;
            size_t position;
            if (k % 2 == 0)
                position = (size_t)(((uint64_t)seed * nbytes) >> 32);
            else
                position = (size_t)zip.directory_offset +
                           (size_t)(((uint64_t)seed * (nbytes - zip.directory_offset)) >> 32);
            copy[position] ^= (uint8_t)(1u << (seed >> 29));
            read_all_checked(copy, nbytes, &ref);
            damaged++;
        }
        free(copy);
        for (uint32_t i = 0; i < ref.count; i++)
            free(ref.data[i]);
        free(ref.data);
        free(ref.nbytes);
        free(archive);
    }
    assert_true(damaged > 0);
}

/* ---- hand-built archives ------------------------------------------------------------------- */

typedef struct built_entry {
    const char *name;
    const uint8_t *data;
    size_t nbytes;
    int method; /* 0 stored, 8 deflated */
} built_entry;

typedef struct built_zip {
    uint8_t bytes[1 << 20];
    size_t nbytes;
    size_t local_offset[8], central_offset[8], end_offset, directory_offset;
} built_zip;

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

/* Writes a plain zip (APPNOTE layout) of `n` entries. */
static void build_zip(built_zip *z, const built_entry *entries, int n)
{
    uint8_t *out = z->bytes;
    size_t pos = 0;
    uint32_t crc[8], csize[8];
    for (int i = 0; i < n; i++) {
        const built_entry *e = &entries[i];
        size_t name_n = strlen(e->name);
        z->local_offset[i] = pos;
        uint8_t *h = out + pos;
        memset(h, 0, 30);
        put32(h, 0x04034B50u);
        put16(h + 4, 20);
        put16(h + 8, (uint32_t)e->method);
        crc[i] = (uint32_t)crc32(0, e->data, (uInt)e->nbytes);
        put32(h + 14, crc[i]);
        put16(h + 26, (uint32_t)name_n);
        memcpy(h + 30, e->name, name_n);
        pos += 30 + name_n;
        if (e->method == 0) {
            memcpy(out + pos, e->data, e->nbytes);
            csize[i] = (uint32_t)e->nbytes;
        } else {
            z_stream s;
            memset(&s, 0, sizeof s);
            assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
            s.next_in = (Bytef *)e->data;
            s.avail_in = (uInt)e->nbytes;
            s.next_out = out + pos;
            s.avail_out = (uInt)(sizeof z->bytes - pos - 4096);
            assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
            csize[i] = (uint32_t)s.total_out;
            deflateEnd(&s);
        }
        put32(h + 18, csize[i]);
        put32(h + 22, (uint32_t)e->nbytes);
        pos += csize[i];
    }
    z->directory_offset = pos;
    for (int i = 0; i < n; i++) {
        const built_entry *e = &entries[i];
        size_t name_n = strlen(e->name);
        z->central_offset[i] = pos;
        uint8_t *h = out + pos;
        memset(h, 0, 46);
        put32(h, 0x02014B50u);
        put16(h + 4, 20);
        put16(h + 6, 20);
        put16(h + 10, (uint32_t)e->method);
        put32(h + 16, crc[i]);
        put32(h + 20, csize[i]);
        put32(h + 24, (uint32_t)e->nbytes);
        put16(h + 28, (uint32_t)name_n);
        put32(h + 42, (uint32_t)z->local_offset[i]);
        memcpy(h + 46, e->name, name_n);
        pos += 46 + name_n;
    }
    z->end_offset = pos;
    uint8_t *h = out + pos;
    memset(h, 0, 22);
    put32(h, 0x06054B50u);
    put16(h + 8, (uint32_t)n);
    put16(h + 10, (uint32_t)n);
    put32(h + 12, (uint32_t)(pos - z->directory_offset));
    put32(h + 16, (uint32_t)z->directory_offset);
    z->nbytes = pos + 22;
}

static built_zip zip_buffer;

static ink_error open_built(const built_zip *z, ink_zip *zip, ink_memory_source *memory,
                            const ink_zip_limits *limits, ink_error_info *info)
{
    ink_source source = ink_memory_source_open(memory, z->bytes, z->nbytes);
    ink_error_clear(info);
    return ink_zip_open(zip, &source, z->nbytes, limits, info);
}

/* Reads entry `index` of the built archive; returns the status and the bytes delivered. */
static ink_error read_built(const built_zip *z, uint32_t index, const ink_zip_limits *limits,
                            size_t *delivered, ink_error_info *info)
{
    ink_memory_source memory;
    ink_zip zip;
    ink_error error = open_built(z, &zip, &memory, limits, info);
    if (error != INK_OK)
        return error;
    ink_zip_entry entry;
    assert_int_equal(ink_zip_entry_at(&zip, index, NULL, &entry, info), INK_OK);
    uint8_t *data;
    error = read_entry(&zip, &entry, 512, 4096, &data, delivered, info);
    free(data);
    return error;
}

static uint8_t sample[200000];

static void fill_sample(void)
{
    for (size_t i = 0; i < sizeof sample; i++)
        sample[i] = (uint8_t)("inkpipe reads books "[i % 20] + (i / 5000));
}

static void test_built_archive_reads(void **unused)
{
    (void)unused;
    fill_sample();
    built_entry entries[] = {{"mimetype", (const uint8_t *)"application/epub+zip", 20, 0},
                             {"OEBPS/text.xhtml", sample, 100000, 8},
                             {"empty-stored", sample, 0, 0},
                             {"empty-deflated", sample, 0, 8}};
    build_zip(&zip_buffer, entries, 4);
    ink_error_info info;
    for (uint32_t i = 0; i < 4; i++) {
        size_t delivered;
        if (read_built(&zip_buffer, i, NULL, &delivered, &info) != INK_OK)
            fail_msg("entry %u: %s", i, info.detail);
        assert_int_equal(delivered, entries[i].nbytes);
    }
    ink_memory_source memory;
    ink_zip zip;
    assert_int_equal(open_built(&zip_buffer, &zip, &memory, NULL, &info), INK_OK);
    ink_zip_entry entry;
    bool found;
    assert_int_equal(ink_zip_find(&zip, "OEBPS/text.xhtml", 16, &entry, &found, &info), INK_OK);
    assert_true(found);
    assert_int_equal(entry.index, 1);
    assert_int_equal(ink_zip_find(&zip, "OEBPS/text.xhtm", 15, &entry, &found, &info), INK_OK);
    assert_false(found);
}

static void test_zip_bomb_stops_at_declared_size(void **unused)
{
    (void)unused;
    static uint8_t zeros[900000];
    built_entry entries[] = {{"bomb", zeros, sizeof zeros, 8}};
    build_zip(&zip_buffer, entries, 1);
    /* Declare 1000 bytes: reading stops there with an error, never past it. */
    put32(zip_buffer.bytes + zip_buffer.central_offset[0] + 24, 1000);
    ink_error_info info;
    size_t delivered;
    assert_int_equal(read_built(&zip_buffer, 0, NULL, &delivered, &info), INK_ERR_BAD_DATA);
    assert_true(delivered <= 1000);
    assert_non_null(strstr(info.detail, "more than its declared"));
    /* Declared size over the caller's limit: refused before inflating. */
    put32(zip_buffer.bytes + zip_buffer.central_offset[0] + 24, sizeof zeros);
    ink_zip_limits limits = {100000, 100};
    assert_int_equal(read_built(&zip_buffer, 0, &limits, &delivered, &info), INK_ERR_TOO_LARGE);
    assert_int_equal(delivered, 0);
    /* Declared larger than what inflates. */
    put32(zip_buffer.bytes + zip_buffer.central_offset[0] + 24, sizeof zeros + 1);
    assert_int_equal(read_built(&zip_buffer, 0, NULL, &delivered, &info), INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "not the declared"));
    /* Compressed size one byte short of the stream: the stream cannot end. */
    put32(zip_buffer.bytes + zip_buffer.central_offset[0] + 24, sizeof zeros);
    uint8_t *csize = zip_buffer.bytes + zip_buffer.central_offset[0] + 20;
    uint32_t real_csize = (uint32_t)(csize[0] | csize[1] << 8 | csize[2] << 16);
    put32(csize, real_csize - 1);
    assert_int_equal(read_built(&zip_buffer, 0, NULL, &delivered, &info), INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "ends early"));
}

static void test_crc_and_local_header_checks(void **unused)
{
    (void)unused;
    fill_sample();
    built_entry entries[] = {{"a.txt", sample, 5000, 0}, {"b.txt", sample, 60000, 8}};
    ink_error_info info;
    size_t delivered;
    for (uint32_t i = 0; i < 2; i++) {
        build_zip(&zip_buffer, entries, 2);
        zip_buffer.bytes[zip_buffer.central_offset[i] + 16] ^= 1; /* CRC */
        assert_int_equal(read_built(&zip_buffer, i, NULL, &delivered, &info), INK_ERR_BAD_DATA);
        assert_non_null(strstr(info.detail, "CRC-32 mismatch"));
        assert_int_equal(delivered, entries[i].nbytes); /* the bytes came, the check failed */

        build_zip(&zip_buffer, entries, 2);
        zip_buffer.bytes[zip_buffer.local_offset[i] + 30] = 'X'; /* local name */
        assert_int_equal(read_built(&zip_buffer, i, NULL, &delivered, &info), INK_ERR_BAD_DATA);
        assert_non_null(strstr(info.detail, "names another file"));

        build_zip(&zip_buffer, entries, 2);
        zip_buffer.bytes[zip_buffer.local_offset[i]] = 'Q'; /* local signature */
        assert_int_equal(read_built(&zip_buffer, i, NULL, &delivered, &info), INK_ERR_BAD_DATA);

        build_zip(&zip_buffer, entries, 2);
        put16(zip_buffer.bytes + zip_buffer.local_offset[i] + 28, 60000); /* local extra */
        assert_int_equal(read_built(&zip_buffer, i, NULL, &delivered, &info), INK_ERR_BAD_DATA);
    }
    /* Encrypted and unknown methods are refused clearly; the listing still shows them. */
    build_zip(&zip_buffer, entries, 2);
    put16(zip_buffer.bytes + zip_buffer.central_offset[0] + 8, 1);
    put16(zip_buffer.bytes + zip_buffer.local_offset[0] + 6, 1);
    assert_int_equal(read_built(&zip_buffer, 0, NULL, &delivered, &info), INK_ERR_UNSUPPORTED);
    assert_non_null(strstr(info.detail, "encrypted"));
    build_zip(&zip_buffer, entries, 2);
    put16(zip_buffer.bytes + zip_buffer.central_offset[1] + 10, 12);
    assert_int_equal(read_built(&zip_buffer, 1, NULL, &delivered, &info), INK_ERR_UNSUPPORTED);
    assert_non_null(strstr(info.detail, "method 12"));
    /* Stored entry whose sizes differ. */
    build_zip(&zip_buffer, entries, 2);
    put32(zip_buffer.bytes + zip_buffer.central_offset[0] + 24, 4999);
    assert_int_equal(read_built(&zip_buffer, 0, NULL, &delivered, &info), INK_ERR_BAD_DATA);
}

static ink_error open_status(ink_error_info *info)
{
    ink_memory_source memory;
    ink_zip zip;
    return open_built(&zip_buffer, &zip, &memory, NULL, info);
}

static void test_hostile_directories(void **unused)
{
    (void)unused;
    fill_sample();
    built_entry entries[] = {{"one", sample, 3000, 8}, {"two", sample + 7, 3000, 8},
                             {"three", sample + 9, 100, 0}};
    ink_error_info info;
    build_zip(&zip_buffer, entries, 3);
    assert_int_equal(open_status(&info), INK_OK);

    /* Two entries sharing one local header (the overlapping-file bomb). */
    put32(zip_buffer.bytes + zip_buffer.central_offset[1] + 42,
          (uint32_t)zip_buffer.local_offset[0]);
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "overlaps"));
    /* An entry whose data runs into the next one's local header. */
    build_zip(&zip_buffer, entries, 3);
    uint8_t *csize = zip_buffer.bytes + zip_buffer.central_offset[0] + 20;
    put32(csize, (uint32_t)(csize[0] | csize[1] << 8) + 40);
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    /* Local header offset out of range. */
    build_zip(&zip_buffer, entries, 3);
    put32(zip_buffer.bytes + zip_buffer.central_offset[2] + 42, 0x7FFFFFF0u);
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    /* Directory offset and size out of range. */
    build_zip(&zip_buffer, entries, 3);
    put32(zip_buffer.bytes + zip_buffer.end_offset + 16, (uint32_t)zip_buffer.nbytes);
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    build_zip(&zip_buffer, entries, 3);
    put32(zip_buffer.bytes + zip_buffer.end_offset + 12, 0x10000000u);
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    /* 65,535 entries declared in a 3-entry directory: refused at once. */
    build_zip(&zip_buffer, entries, 3);
    put16(zip_buffer.bytes + zip_buffer.end_offset + 8, 65534);
    put16(zip_buffer.bytes + zip_buffer.end_offset + 10, 65534);
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    /* Over the caller's entry limit. */
    build_zip(&zip_buffer, entries, 3);
    {
        ink_memory_source memory;
        ink_zip zip;
        ink_zip_limits limits = {1000000, 2};
        assert_int_equal(open_built(&zip_buffer, &zip, &memory, &limits, &info),
                         INK_ERR_TOO_LARGE);
    }
    /* Zip64: the locator before the end record, or 0xFFFFFFFF fields. */
    build_zip(&zip_buffer, entries, 3);
    memmove(zip_buffer.bytes + zip_buffer.end_offset + 20,
            zip_buffer.bytes + zip_buffer.end_offset, 22);
    memset(zip_buffer.bytes + zip_buffer.end_offset, 0, 20);
    put32(zip_buffer.bytes + zip_buffer.end_offset, 0x07064B50u);
    zip_buffer.nbytes += 20;
    assert_int_equal(open_status(&info), INK_ERR_UNSUPPORTED);
    assert_non_null(strstr(info.detail, "Zip64"));
    build_zip(&zip_buffer, entries, 3);
    put32(zip_buffer.bytes + zip_buffer.central_offset[1] + 24, 0xFFFFFFFFu);
    assert_int_equal(open_status(&info), INK_ERR_UNSUPPORTED);
    assert_non_null(strstr(info.detail, "Zip64"));
    /* Multi-disk. */
    build_zip(&zip_buffer, entries, 3);
    put16(zip_buffer.bytes + zip_buffer.end_offset + 4, 1);
    assert_int_equal(open_status(&info), INK_ERR_UNSUPPORTED);
    /* Not a zip at all, and too small. */
    memset(zip_buffer.bytes, 'x', 5000);
    zip_buffer.nbytes = 5000;
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    zip_buffer.nbytes = 10;
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    /* A comment that holds a fake end record: the real one (whose comment reaches the end of
     * the file) is found. */
    build_zip(&zip_buffer, entries, 3);
    uint8_t *end = zip_buffer.bytes + zip_buffer.end_offset;
    put16(end + 20, 22);
    memcpy(end + 22, end, 22);
    put32(end + 22 + 16, 12345); /* the fake points nowhere */
    put16(end + 22 + 20, 0);
    zip_buffer.nbytes += 22;
    /* The fake's comment length (0) also reaches the end: the last one wins and is refused. */
    assert_int_equal(open_status(&info), INK_ERR_BAD_DATA);
    put16(end + 22 + 20, 5); /* now the fake's comment would run past the end */
    assert_int_equal(open_status(&info), INK_OK);
}

/* An archive of 65,535 empty entries: opening, walking and finding stay linear. */
static void test_many_entries(void **unused)
{
    (void)unused;
    enum { N = 65535 };
    size_t capacity = (size_t)N * (30 + 46 + 2 * 8) + 22;
    uint8_t *bytes = calloc(1, capacity);
    size_t pos = 0;
    for (uint32_t i = 0; i < N; i++) {
        put32(bytes + pos, 0x04034B50u);
        put16(bytes + pos + 26, 5);
        snprintf((char *)bytes + pos + 30, 6, "%05u", i);
        pos += 35;
    }
    size_t directory = pos;
    for (uint32_t i = 0; i < N; i++) {
        put32(bytes + pos, 0x02014B50u);
        put16(bytes + pos + 28, 5);
        put32(bytes + pos + 42, i * 35);
        snprintf((char *)bytes + pos + 46, 6, "%05u", i);
        pos += 51;
    }
    put32(bytes + pos, 0x06054B50u);
    put16(bytes + pos + 8, N);
    put16(bytes + pos + 10, N);
    put32(bytes + pos + 12, (uint32_t)(pos - directory));
    put32(bytes + pos + 16, (uint32_t)directory);
    size_t nbytes = pos + 22;
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, bytes, nbytes);
    ink_zip zip;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_zip_open(&zip, &source, nbytes, NULL, &info), INK_OK);
    assert_int_equal(zip.entry_count, N);
    uint64_t cursor = 0;
    ink_zip_entry entry;
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(ink_zip_entry_at(&zip, i, &cursor, &entry, &info), INK_OK);
        assert_int_equal(entry.local_header_offset, i * 35u);
    }
    bool found;
    assert_int_equal(ink_zip_find(&zip, "65534", 5, &entry, &found, &info), INK_OK);
    assert_true(found);
    size_t delivered;
    uint8_t *data;
    assert_int_equal(read_entry(&zip, &entry, 512, 512, &data, &delivered, &info), INK_OK);
    assert_int_equal(delivered, 0);
    free(data);
    free(bytes);
}

static void test_sanitize_names(void **unused)
{
    (void)unused;
    static const char *const cases[][2] = {
        {"OEBPS/images/cover.jpg", "OEBPS/images/cover.jpg"},
        {"../../etc/passwd", "etc/passwd"},
        {"/etc/passwd", "etc/passwd"},
        {"a/../../b", "a/b"},
        {"a\\..\\..\\b.png", "a/b.png"},
        {"C:\\Windows\\system.ini", "Windows/system.ini"},
        {"c:relative.txt", "relative.txt"},
        {"./a/./b//c", "a/b/c"},
        {"we?ird:na*me<>|\".jpg", "we_ird_na_me____.jpg"},
        {"tab\there", "tab_here"},
        {"...", "..."},
        {"images/..hidden", "images/..hidden"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(ink_zip_sanitize_name(cases[i][0], strlen(cases[i][0]), out, sizeof out),
                         INK_OK);
        assert_string_equal(out, cases[i][1]);
    }
    static const char *const empty[] = {"", "/", "..", "../..", "./.", "\\..\\", "C:"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        assert_int_equal(ink_zip_sanitize_name(empty[i], strlen(empty[i]), out, sizeof out),
                         INK_ERR_BAD_DATA);
    /* An embedded NUL cannot cut the name short into something else. */
    assert_int_equal(ink_zip_sanitize_name("a\0/../b", 7, out, sizeof out), INK_OK);
    assert_string_equal(out, "a_/b");
    char small[8];
    assert_int_equal(ink_zip_sanitize_name("abcdefghij", 10, small, sizeof small),
                     INK_ERR_TOO_LARGE);
    /* Property: no output ever starts with '/', contains "..", '\\' or an empty component. */
    uint32_t seed = 1;
    static const char alphabet[] = "./\\a:C.";
    for (int trial = 0; trial < 20000; trial++) {
        char name[16];
        size_t n = (size_t)(trial % 15) + 1;
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            name[k] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        if (ink_zip_sanitize_name(name, n, out, sizeof out) != INK_OK)
            continue;
        assert_true(out[0] != '/' && out[0] != '\0');
        assert_null(strchr(out, '\\'));
        assert_null(strstr(out, "//"));
        size_t len = strlen(out);
        assert_true(out[len - 1] != '/');
        /* No component is "." or "..". */
        for (char *c = out; c && *c;) {
            char *slash = strchr(c, '/');
            size_t clen = slash ? (size_t)(slash - c) : strlen(c);
            assert_false(clen == 1 && c[0] == '.');
            assert_false(clen == 2 && c[0] == '.' && c[1] == '.');
            c = slash ? slash + 1 : NULL;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_matches_zlib),
        cmocka_unit_test(test_built_archive_reads),
        cmocka_unit_test(test_zip_bomb_stops_at_declared_size),
        cmocka_unit_test(test_crc_and_local_header_checks),
        cmocka_unit_test(test_hostile_directories),
        cmocka_unit_test(test_many_entries),
        cmocka_unit_test(test_sanitize_names),
        cmocka_unit_test(test_corpus_matches_unzip),
        cmocka_unit_test(test_corpus_truncation_and_bit_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
