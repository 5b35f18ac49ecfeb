/*
 * test_thumb_cache.c — the thumbnail cache over a fault-injecting in-memory file system.
 *
 * The file layer can fail at every byte offset of the write, at create, flush and rename, and
 * can "lose power" (the cleanup fails too, leaving the partial temporary file behind). After
 * every such failure a fresh cache over the same files must yield the previous good thumbnail
 * (or a miss when there was none) - never other pixels - and the next write must succeed.
 * CRC-32 is checked against zlib, FNV-1a against the published test vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "arena/arena.h"
#include "thumbs/cache.h"
#include "thumbs/checksum.h"

/* ---- an in-memory flat folder with fault injection --------------------------------------- */

#define MEMFS_FILES 64
#define MEMFS_FILE_BYTES 4096

typedef struct memfile {
    bool exists;
    char name[32];
    uint8_t data[MEMFS_FILE_BYTES];
    size_t nbytes;
    uint64_t stamp;
} memfile;

typedef struct memfs {
    memfile files[MEMFS_FILES];
    int open_index; /* -1 when no file is open */
    uint64_t clock;
    /* faults */
    long fail_write_at; /* the write fails when the open file reaches this length; -1 never */
    bool fail_create, fail_commit, fail_rename, fail_remove, fail_read;
} memfs;

static memfile *memfs_find(memfs *fs, const char *name)
{
    for (int i = 0; i < MEMFS_FILES; i++)
        if (fs->files[i].exists && strcmp(fs->files[i].name, name) == 0)
            return &fs->files[i];
    return NULL;
}

static memfile *memfs_make(memfs *fs, const char *name)
{
    memfile *file = memfs_find(fs, name);
    for (int i = 0; !file && i < MEMFS_FILES; i++)
        if (!fs->files[i].exists)
            file = &fs->files[i];
    assert_non_null(file);
    file->exists = true;
    snprintf(file->name, sizeof file->name, "%s", name);
    file->nbytes = 0;
    file->stamp = ++fs->clock;
    return file;
}

static ink_error memfs_create(void *user, const char *name)
{
    memfs *fs = user;
    assert_int_equal(fs->open_index, -1);
    if (fs->fail_create)
        return INK_ERR_IO;
    fs->open_index = (int)(memfs_make(fs, name) - fs->files);
    return INK_OK;
}

static ink_error memfs_write(void *user, const uint8_t *src, size_t nbytes)
{
    memfs *fs = user;
    assert_true(fs->open_index >= 0);
    memfile *file = &fs->files[fs->open_index];
    for (size_t i = 0; i < nbytes; i++) {
        if (fs->fail_write_at >= 0 && file->nbytes == (size_t)fs->fail_write_at)
            return INK_ERR_IO;
        assert_true(file->nbytes < MEMFS_FILE_BYTES);
        file->data[file->nbytes++] = src[i];
    }
    return INK_OK;
}

static ink_error memfs_commit(void *user)
{
    memfs *fs = user;
    assert_true(fs->open_index >= 0);
    fs->open_index = -1;
    return fs->fail_commit ? INK_ERR_IO : INK_OK;
}

static void memfs_discard(void *user)
{
    memfs *fs = user;
    assert_true(fs->open_index >= 0);
    fs->open_index = -1;
}

static ink_error memfs_rename(void *user, const char *from, const char *to)
{
    memfs *fs = user;
    assert_int_equal(fs->open_index, -1);
    if (fs->fail_rename)
        return INK_ERR_IO;
    memfile *source = memfs_find(fs, from);
    if (!source)
        return INK_ERR_IO;
    memfile *target = memfs_find(fs, to);
    if (target)
        target->exists = false;
    snprintf(source->name, sizeof source->name, "%s", to);
    return INK_OK;
}

static ink_error memfs_read(void *user, const char *name, uint8_t *dst, size_t nbytes,
                            size_t *got)
{
    memfs *fs = user;
    *got = 0;
    if (fs->fail_read)
        return INK_ERR_IO;
    memfile *file = memfs_find(fs, name);
    if (!file)
        return INK_OK;
    *got = file->nbytes < nbytes ? file->nbytes : nbytes;
    memcpy(dst, file->data, *got);
    return INK_OK;
}

static ink_error memfs_remove(void *user, const char *name)
{
    memfs *fs = user;
    if (fs->fail_remove)
        return INK_ERR_IO;
    memfile *file = memfs_find(fs, name);
    if (file)
        file->exists = false;
    return INK_OK;
}

static ink_error memfs_list(void *user, ink_thumb_fs_list_fn *fn, void *context)
{
    memfs *fs = user;
    for (int i = 0; i < MEMFS_FILES; i++) {
        if (!fs->files[i].exists)
            continue;
        ink_thumb_fs_entry entry = {fs->files[i].name, fs->files[i].nbytes, fs->files[i].stamp};
        ink_error err = fn(context, &entry);
        if (err != INK_OK)
            return err;
    }
    return INK_OK;
}

static ink_error memfs_touch(void *user, const char *name, uint64_t stamp)
{
    memfs *fs = user;
    memfile *file = memfs_find(fs, name);
    if (!file)
        return INK_ERR_IO;
    file->stamp = stamp;
    return INK_OK;
}

static uint64_t memfs_now(void *user)
{
    memfs *fs = user;
    return ++fs->clock;
}

static memfs *memfs_new(ink_thumb_fs *out)
{
    memfs *fs = calloc(1, sizeof *fs);
    assert_non_null(fs);
    fs->open_index = -1;
    fs->fail_write_at = -1;
    *out = (ink_thumb_fs){memfs_create, memfs_write, memfs_commit, memfs_discard, memfs_rename,
                          memfs_read,   memfs_remove, memfs_list,  memfs_touch,   memfs_now, fs};
    return fs;
}

static void memfs_clear_faults(memfs *fs)
{
    fs->fail_write_at = -1;
    fs->fail_create = fs->fail_commit = fs->fail_rename = fs->fail_remove = fs->fail_read = false;
}

static int memfs_count(memfs *fs, const char *suffix)
{
    int count = 0;
    for (int i = 0; i < MEMFS_FILES; i++) {
        size_t n = strlen(fs->files[i].name);
        if (fs->files[i].exists && n >= 4 && strcmp(fs->files[i].name + n - 4, suffix) == 0)
            count++;
    }
    return count;
}

/* ---- thumbnails -------------------------------------------------------------------------- */

#define W INK_THUMB_WIDTH
#define H INK_THUMB_HEIGHT
#define PIXELS_NBYTES INK_THUMB_PIXELS_NBYTES(W, H)

/* A cover-like thumbnail (1 = white): a white page with a dark frame, a title block and a
 * few bars; `variant` moves things so two thumbnails differ. G4 compresses it well. */
static void make_cover(uint8_t *pixels, unsigned variant)
{
    memset(pixels, 0xFF, PIXELS_NBYTES);
    for (uint32_t y = 0; y < H; y++) {
        for (uint32_t x = 0; x < W; x++) {
            bool black = x < 3 || x >= W - 3 || y < 3 || y >= H - 3 ||
                         (y >= 20u + variant && y < 40u + variant && x >= 15 && x < 105) ||
                         (y % 17u == variant % 17u && x > 30 && x < 90);
            if (black)
                pixels[y * (W / 8) + x / 8] &= (uint8_t)~(0x80u >> (x % 8));
        }
    }
}

/* Dithered noise: G4 cannot beat raw on it, so the file stores raw pixels. */
static void make_noise(uint8_t *pixels, uint32_t seed)
{
    for (uint32_t i = 0; i < PIXELS_NBYTES; i++) {
        seed = seed * 1664525u + 1013904223u;
        pixels[i] = (uint8_t)(seed >> 24);
    }
}

typedef struct fixture {
    memfs *fs;
    ink_thumb_fs fs_api;
    ink_thumb_cache cache;
    uint8_t work[INK_THUMB_CACHE_WORK_BYTES(W, H)];
} fixture;

static fixture *fixture_new(uint32_t max_entries, uint64_t max_nbytes)
{
    fixture *f = calloc(1, sizeof *f);
    f->fs = memfs_new(&f->fs_api);
    ink_thumb_cache_config config = INK_THUMB_CACHE_CONFIG_DEFAULT;
    config.max_entries = max_entries;
    config.max_nbytes = max_nbytes;
    assert_int_equal(ink_thumb_cache_init(&f->cache, &f->fs_api, &config, f->work,
                                          sizeof f->work, NULL),
                     INK_OK);
    return f;
}

static void fixture_free(fixture *f)
{
    free(f->fs);
    free(f);
}

/* A cache freshly set up over the same files: what the reader sees after a restart. */
static ink_thumb_lookup lookup_after_restart(fixture *f, const char *path, uint8_t *pixels)
{
    ink_thumb_cache fresh;
    static uint8_t work[INK_THUMB_CACHE_WORK_BYTES(W, H)];
    ink_thumb_cache_config config = INK_THUMB_CACHE_CONFIG_DEFAULT;
    assert_int_equal(ink_thumb_cache_init(&fresh, &f->fs_api, &config, work, sizeof work, NULL),
                     INK_OK);
    ink_thumb_lookup lookup;
    assert_int_equal(ink_thumb_cache_get(&fresh, path, strlen(path), pixels, PIXELS_NBYTES,
                                         &lookup, NULL),
                     INK_OK);
    return lookup;
}

static void put_ok(fixture *f, const char *path, const uint8_t *pixels,
                   ink_thumb_put_result *result)
{
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = ink_thumb_cache_put(&f->cache, path, strlen(path), pixels, PIXELS_NBYTES,
                                        result, &info);
    if (err != INK_OK)
        fail_msg("put %s: %s", path, info.detail);
}

/* ---- checksums ---------------------------------------------------------------------------- */

static void test_crc32_matches_zlib(void **state)
{
    (void)state;
    uint8_t buffer[2048];
    uint32_t seed = 7;
    for (size_t i = 0; i < sizeof buffer; i++) {
        seed = seed * 1103515245u + 12345u;
        buffer[i] = (uint8_t)(seed >> 16);
    }
    for (size_t n = 0; n <= sizeof buffer; n += (n < 64 ? 1 : 97)) {
        uLong expected = crc32(0L, buffer, (uInt)n);
        assert_int_equal(ink_crc32(0, buffer, n), (uint32_t)expected);
        /* chaining: a prefix, then the rest */
        uint32_t chained = ink_crc32(ink_crc32(0, buffer, n / 3), buffer + n / 3, n - n / 3);
        assert_int_equal(chained, (uint32_t)expected);
    }
    /* The check value of the CRC catalogue: CRC-32/ISO-HDLC("123456789") = 0xCBF43926. */
    assert_int_equal(ink_crc32(0, "123456789", 9), 0xCBF43926u);
}

static void test_fnv1a32_vectors(void **state)
{
    (void)state;
    /* Published FNV-1a 32 test vectors (Fowler/Noll/Vo reference test suite). */
    assert_int_equal(ink_fnv1a32("", 0), 0x811c9dc5u);
    assert_int_equal(ink_fnv1a32("a", 1), 0xe40c292cu);
    assert_int_equal(ink_fnv1a32("foobar", 6), 0xbf9cf968u);
    char name[INK_THUMB_NAME_BYTES];
    ink_thumb_file_name("foobar", 6, name);
    assert_string_equal(name, "bf9cf968.thb");
    ink_thumb_file_name("a", 1, name);
    assert_string_equal(name, "e40c292c.thb");
}

static void test_work_fits_scratch(void **state)
{
    (void)state;
    /* The cache's work and the thumbnail itself share SCRATCH on the board. */
    assert_int_equal(PIXELS_NBYTES, 2700);
    assert_true(INK_THUMB_CACHE_WORK_BYTES(W, H) + PIXELS_NBYTES <= INK_REGION_SCRATCH_BYTES);
}

/* ---- round trips -------------------------------------------------------------------------- */

static void test_put_get_round_trip(void **state)
{
    (void)state;
    fixture *f = fixture_new(0, 0);
    uint8_t cover[PIXELS_NBYTES], noise[PIXELS_NBYTES], out[PIXELS_NBYTES];
    make_cover(cover, 0);
    make_noise(noise, 99);
    ink_thumb_put_result result;
    ink_thumb_lookup lookup;

    assert_int_equal(ink_thumb_cache_get(&f->cache, "/b/cover.epub", 13, out, sizeof out,
                                         &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_MISS_ABSENT);

    put_ok(f, "/b/cover.epub", cover, &result);
    assert_int_equal(result.encoding, INK_THUMB_ENCODING_G4);
    assert_true(result.file_nbytes < INK_THUMB_FILE_MAX_NBYTES(W, H));
    print_message("cover-like thumbnail: %zu bytes with G4 (raw would be %u)\n",
                  result.file_nbytes, (unsigned)INK_THUMB_FILE_MAX_NBYTES(W, H));
    assert_int_equal(ink_thumb_cache_get(&f->cache, "/b/cover.epub", 13, out, sizeof out,
                                         &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_HIT);
    assert_memory_equal(out, cover, PIXELS_NBYTES);

    put_ok(f, "/b/noise.epub", noise, &result);
    assert_int_equal(result.encoding, INK_THUMB_ENCODING_RAW);
    assert_int_equal(result.file_nbytes, INK_THUMB_HEADER_NBYTES + PIXELS_NBYTES);
    assert_int_equal(ink_thumb_cache_get(&f->cache, "/b/noise.epub", 13, out, sizeof out,
                                         &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_HIT);
    assert_memory_equal(out, noise, PIXELS_NBYTES);

    /* The file is where the name says, and starts with the documented header. */
    char name[INK_THUMB_NAME_BYTES];
    ink_thumb_file_name("/b/noise.epub", 13, name);
    memfile *file = memfs_find(f->fs, name);
    assert_non_null(file);
    assert_memory_equal(file->data, "ITHB", 4);
    assert_int_equal(file->data[4], 1);
    assert_int_equal(file->data[5], 0);
    assert_int_equal(file->data[8] | (file->data[9] << 8), W);
    assert_int_equal(file->data[10] | (file->data[11] << 8), H);
    assert_int_equal(memfs_count(f->fs, ".tmp"), 0);
    fixture_free(f);
}

/* ---- fault injection ---------------------------------------------------------------------- */

static void check_previous_or_miss(fixture *f, const char *path, const uint8_t *previous,
                                   const char *when)
{
    uint8_t out[PIXELS_NBYTES];
    ink_thumb_lookup lookup = lookup_after_restart(f, path, out);
    if (previous) {
        if (lookup != INK_THUMB_HIT)
            fail_msg("%s: the previous thumbnail is gone (%s)", when,
                     ink_thumb_lookup_name(lookup));
        assert_memory_equal(out, previous, PIXELS_NBYTES);
    } else if (lookup == INK_THUMB_HIT) {
        fail_msg("%s: a hit although no write ever completed", when);
    }
}

/* Fails the write of `next` in every possible way, with and without a previous good file, and
 * with a cleanup that works or also fails (power lost mid-write). */
static void test_fault_at_every_byte_and_rename(void **state)
{
    (void)state;
    const char *path = "/books/moby-dick.epub";
    uint8_t previous[PIXELS_NBYTES], next[PIXELS_NBYTES], noise[PIXELS_NBYTES];
    make_cover(previous, 0);
    make_cover(next, 5);
    make_noise(noise, 3);
    const uint8_t *versions[] = {next, noise}; /* a G4 file and a raw file */
    size_t faults = 0;
    for (int with_previous = 0; with_previous < 2; with_previous++) {
        for (int power_cut = 0; power_cut < 2; power_cut++) {
            for (size_t v = 0; v < 2; v++) {
                fixture *f = fixture_new(0, 0);
                ink_thumb_put_result result;
                if (with_previous)
                    put_ok(f, path, previous, &result);
                /* the length of the new file, from a clean write elsewhere */
                put_ok(f, "/elsewhere.epub", versions[v], &result);
                const size_t file_nbytes = result.file_nbytes;
                /* 0..n-1: the write fails at that byte; n: create; n+1: flush; n+2: rename */
                for (size_t k = 0; k < file_nbytes + 3u; k++) {
                    memfs_clear_faults(f->fs);
                    if (k < file_nbytes)
                        f->fs->fail_write_at = (long)k;
                    else if (k == file_nbytes)
                        f->fs->fail_create = true;
                    else if (k == file_nbytes + 1u)
                        f->fs->fail_commit = true;
                    else
                        f->fs->fail_rename = true;
                    f->fs->fail_remove = power_cut != 0;
                    ink_error_info info;
                    ink_error_clear(&info);
                    ink_error err = ink_thumb_cache_put(&f->cache, path, strlen(path),
                                                        versions[v], PIXELS_NBYTES, NULL, &info);
                    assert_int_equal(err, INK_ERR_IO);
                    assert_true(strstr(info.detail, "thumb cache") != NULL);
                    assert_int_equal(f->fs->open_index, -1);
                    if (!power_cut)
                        assert_int_equal(memfs_count(f->fs, ".tmp"), 0);
                    memfs_clear_faults(f->fs);
                    char when[96];
                    snprintf(when, sizeof when, "fault %zu/%zu (previous %d, power cut %d)", k,
                             file_nbytes, with_previous, power_cut);
                    check_previous_or_miss(f, path, with_previous ? previous : NULL, when);
                    faults++;
                }
                /* The next write succeeds, replaces the file and cleans any stale temporary. */
                put_ok(f, path, versions[v], &result);
                uint8_t out[PIXELS_NBYTES];
                assert_int_equal(lookup_after_restart(f, path, out), INK_THUMB_HIT);
                assert_memory_equal(out, versions[v], PIXELS_NBYTES);
                assert_int_equal(memfs_count(f->fs, ".tmp"), 0);
                fixture_free(f);
            }
        }
    }
    print_message("%zu injected faults, none gave a corrupt thumbnail\n", faults);
}

/* A file damaged in place (a torn or bit-rotted .thb, not through the cache's writes): every
 * truncation, every single-bit flip and a trailing extra byte are misses. */
static void test_damaged_file_is_a_miss(void **state)
{
    (void)state;
    const char *path = "/books/wasteland.epub";
    uint8_t pixels[PIXELS_NBYTES], out[PIXELS_NBYTES];
    for (int kind = 0; kind < 2; kind++) {
        fixture *f = fixture_new(0, 0);
        if (kind == 0)
            make_cover(pixels, 2);
        else
            make_noise(pixels, 11);
        ink_thumb_put_result result;
        put_ok(f, path, pixels, &result);
        char name[INK_THUMB_NAME_BYTES];
        ink_thumb_file_name(path, strlen(path), name);
        memfile *file = memfs_find(f->fs, name);
        assert_non_null(file);
        uint8_t good[MEMFS_FILE_BYTES];
        const size_t nbytes = file->nbytes;
        memcpy(good, file->data, nbytes);
        ink_thumb_lookup lookup;
        for (size_t cut = 0; cut < nbytes; cut++) {
            file->nbytes = cut;
            lookup = lookup_after_restart(f, path, out);
            assert_int_equal(lookup, cut == 0 ? INK_THUMB_MISS_ABSENT : INK_THUMB_MISS_CORRUPT);
        }
        file->nbytes = nbytes;
        for (size_t bit = 0; bit < nbytes * 8u; bit++) {
            file->data[bit / 8u] ^= (uint8_t)(0x80u >> (bit % 8u));
            lookup = lookup_after_restart(f, path, out);
            if (lookup == INK_THUMB_HIT)
                fail_msg("bit %zu of %zu flipped, still a hit", bit, nbytes * 8u);
            file->data[bit / 8u] ^= (uint8_t)(0x80u >> (bit % 8u));
        }
        file->data[nbytes] = 0;
        file->nbytes = nbytes + 1u;
        assert_int_equal(lookup_after_restart(f, path, out), INK_THUMB_MISS_CORRUPT);
        file->nbytes = nbytes;
        assert_int_equal(lookup_after_restart(f, path, out), INK_THUMB_HIT);
        assert_memory_equal(out, pixels, PIXELS_NBYTES);
        /* a miss leaves the caller's buffer white, not half-decoded */
        file->data[nbytes - 1u] ^= 1u;
        assert_int_equal(lookup_after_restart(f, path, out), INK_THUMB_MISS_CORRUPT);
        for (size_t i = 0; i < PIXELS_NBYTES; i++)
            assert_int_equal(out[i], 0xFF);
        /* regenerated: the next put repairs it */
        put_ok(f, path, pixels, &result);
        assert_int_equal(lookup_after_restart(f, path, out), INK_THUMB_HIT);
        fixture_free(f);
    }
}

/* ---- collisions ---------------------------------------------------------------------------- */

/* Finds two distinct paths of the same length with the same FNV-1a 32 by brute force (a
 * birthday search: ~2^16 tries expected), so the test does not trust our own hash to make one. */
static void find_collision(char *a, char *b, size_t nbytes)
{
    const uint32_t slots = 1u << 22;
    uint32_t *table = calloc(slots, sizeof *table); /* index + 1 of the path in each slot */
    assert_non_null(table);
    char path[64];
    for (uint32_t i = 1; i < 50000000u; i++) {
        snprintf(path, sizeof path, "/books/book-%08u.epub", i);
        uint32_t hash = 0x811c9dc5u; /* FNV-1a 32 written out here, independently */
        for (const char *p = path; *p; p++)
            hash = (hash ^ (uint8_t)*p) * 16777619u;
        uint32_t slot = hash & (slots - 1u);
        while (table[slot]) {
            char other[64];
            snprintf(other, sizeof other, "/books/book-%08u.epub", table[slot]);
            uint32_t other_hash = 0x811c9dc5u;
            for (const char *p = other; *p; p++)
                other_hash = (other_hash ^ (uint8_t)*p) * 16777619u;
            if (other_hash == hash) {
                snprintf(a, nbytes, "%s", other);
                snprintf(b, nbytes, "%s", path);
                free(table);
                return;
            }
            slot = (slot + 1u) & (slots - 1u);
        }
        table[slot] = i;
    }
    free(table);
    fail_msg("no FNV-1a collision found");
}

static void test_hash_collision_is_detected(void **state)
{
    (void)state;
    char a[64], b[64];
    find_collision(a, b, sizeof a);
    assert_int_equal(strlen(a), strlen(b));
    assert_int_equal(ink_fnv1a32(a, strlen(a)), ink_fnv1a32(b, strlen(b)));
    print_message("FNV-1a collision: %s and %s\n", a, b);

    fixture *f = fixture_new(0, 0);
    uint8_t pa[PIXELS_NBYTES], pb[PIXELS_NBYTES], out[PIXELS_NBYTES];
    make_cover(pa, 1);
    make_cover(pb, 9);
    ink_thumb_lookup lookup;
    put_ok(f, a, pa, NULL);
    assert_int_equal(ink_thumb_cache_get(&f->cache, b, strlen(b), out, sizeof out, &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_MISS_COLLISION);
    assert_int_equal(ink_thumb_cache_get(&f->cache, a, strlen(a), out, sizeof out, &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_HIT);
    assert_memory_equal(out, pa, PIXELS_NBYTES);
    /* One entry per name: b's thumbnail replaces a's, and a now misses. */
    put_ok(f, b, pb, NULL);
    assert_int_equal(ink_thumb_cache_get(&f->cache, a, strlen(a), out, sizeof out, &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_MISS_COLLISION);
    assert_int_equal(ink_thumb_cache_get(&f->cache, b, strlen(b), out, sizeof out, &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_HIT);
    assert_memory_equal(out, pb, PIXELS_NBYTES);
    fixture_free(f);
}

/* ---- bounds and LRU -------------------------------------------------------------------------- */

static bool present(fixture *f, const char *path)
{
    char name[INK_THUMB_NAME_BYTES];
    ink_thumb_file_name(path, strlen(path), name);
    return memfs_find(f->fs, name) != NULL;
}

static void test_lru_entry_bound(void **state)
{
    (void)state;
    fixture *f = fixture_new(3, 0);
    uint8_t pixels[PIXELS_NBYTES], out[PIXELS_NBYTES];
    ink_thumb_put_result result;
    ink_thumb_lookup lookup;
    const char *books[] = {"/a.epub", "/b.epub", "/c.epub", "/d.epub", "/e.epub"};
    for (int i = 0; i < 3; i++) {
        make_cover(pixels, (unsigned)i);
        put_ok(f, books[i], pixels, &result);
        assert_int_equal(result.evicted, 0);
    }
    /* a is used again, so b is now the least recently used */
    assert_int_equal(ink_thumb_cache_get(&f->cache, books[0], 7, out, sizeof out, &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_HIT);
    put_ok(f, books[3], pixels, &result);
    assert_int_equal(result.evicted, 1);
    assert_true(present(f, books[0]) && !present(f, books[1]) && present(f, books[2]) &&
                present(f, books[3]));
    put_ok(f, books[4], pixels, &result);
    assert_int_equal(result.evicted, 1);
    assert_true(present(f, books[0]) && !present(f, books[2]) && present(f, books[3]) &&
                present(f, books[4]));
    assert_int_equal(memfs_count(f->fs, ".thb"), 3);
    /* Files that are not the cache's are neither counted nor removed. */
    memfs_make(f->fs, "README.txt");
    memfs_make(f->fs, "0123abcd.tmp"); /* a crash's leftover: removed */
    put_ok(f, books[1], pixels, &result);
    assert_non_null(memfs_find(f->fs, "README.txt"));
    assert_null(memfs_find(f->fs, "0123abcd.tmp"));
    assert_int_equal(memfs_count(f->fs, ".thb"), 3);
    fixture_free(f);
}

static void test_lru_byte_bound(void **state)
{
    (void)state;
    const uint64_t raw_file = INK_THUMB_FILE_MAX_NBYTES(W, H);
    fixture *f = fixture_new(0, 2u * raw_file + 100u);
    uint8_t pixels[PIXELS_NBYTES];
    ink_thumb_put_result result;
    const char *books[] = {"/1.epub", "/2.epub", "/3.epub", "/4.epub"};
    for (int i = 0; i < 4; i++) {
        make_noise(pixels, (uint32_t)i);
        put_ok(f, books[i], pixels, &result);
        assert_int_equal(result.encoding, INK_THUMB_ENCODING_RAW);
        assert_int_equal(result.evicted, i >= 2 ? 1 : 0);
    }
    assert_true(!present(f, books[0]) && !present(f, books[1]) && present(f, books[2]) &&
                present(f, books[3]));
    fixture_free(f);
}

static void test_other_size_and_unreadable_are_misses(void **state)
{
    (void)state;
    fixture *f = fixture_new(0, 0);
    /* a 64x64 cache writes into the same folder */
    ink_thumb_cache small;
    static uint8_t work[INK_THUMB_CACHE_WORK_BYTES(64, 64)];
    ink_thumb_cache_config config = {64, 64, 0, 0};
    assert_int_equal(ink_thumb_cache_init(&small, &f->fs_api, &config, work, sizeof work, NULL),
                     INK_OK);
    uint8_t small_pixels[INK_THUMB_PIXELS_NBYTES(64, 64)];
    memset(small_pixels, 0xF0, sizeof small_pixels);
    assert_int_equal(ink_thumb_cache_put(&small, "/x.epub", 7, small_pixels, sizeof small_pixels,
                                         NULL, NULL),
                     INK_OK);
    uint8_t out[PIXELS_NBYTES];
    ink_thumb_lookup lookup;
    assert_int_equal(ink_thumb_cache_get(&f->cache, "/x.epub", 7, out, sizeof out, &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_MISS_MISMATCH);
    f->fs->fail_read = true;
    assert_int_equal(ink_thumb_cache_get(&f->cache, "/x.epub", 7, out, sizeof out, &lookup, NULL),
                     INK_OK);
    assert_int_equal(lookup, INK_THUMB_MISS_UNREADABLE);
    /* too small a buffer is the caller's error, not a miss */
    assert_int_equal(ink_thumb_cache_get(&f->cache, "/x.epub", 7, out, sizeof out - 1u, &lookup,
                                         NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_thumb_cache_init(&small, &f->fs_api, &config, work, sizeof work - 8u,
                                          NULL),
                     INK_ERR_INVALID_ARGUMENT);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_matches_zlib),
        cmocka_unit_test(test_fnv1a32_vectors),
        cmocka_unit_test(test_work_fits_scratch),
        cmocka_unit_test(test_put_get_round_trip),
        cmocka_unit_test(test_fault_at_every_byte_and_rename),
        cmocka_unit_test(test_damaged_file_is_a_miss),
        cmocka_unit_test(test_hash_collision_is_detected),
        cmocka_unit_test(test_lru_entry_bound),
        cmocka_unit_test(test_lru_byte_bound),
        cmocka_unit_test(test_other_size_and_unreadable_are_misses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
