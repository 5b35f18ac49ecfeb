/*
 * cache.c — the thumbnail cache over ink_thumb_fs. See cache.h for the contract.
 */
#include "thumbs/cache.h"

#include <string.h>

#include "thumbs/checksum.h"

ink_error ink_thumb_cache_init(ink_thumb_cache *cache, const ink_thumb_fs *fs,
                               const ink_thumb_cache_config *config, void *work,
                               size_t work_nbytes, ink_error_info *info)
{
    if (!cache || !fs || !config)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "thumb cache: no cache or fs");
    memset(cache, 0, sizeof *cache);
    if (!fs->create || !fs->write || !fs->commit || !fs->discard || !fs->rename || !fs->read ||
        !fs->remove || !fs->list || !fs->now)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumb cache: the fs lacks a callback");
    const uint32_t width = config->width, height = config->height;
    if (width < 1u || width > INK_THUMB_MAX_SIDE || height < 1u || height > INK_THUMB_MAX_SIDE)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumb cache: size %ux%u out of range", (unsigned)width,
                             (unsigned)height);
    if (!work || work_nbytes < INK_THUMB_CACHE_WORK_BYTES(width, height))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumb cache: work of %zu bytes, %ux%u needs %u", work_nbytes,
                             (unsigned)width, (unsigned)height,
                             (unsigned)INK_THUMB_CACHE_WORK_BYTES(width, height));
    cache->fs = *fs;
    cache->config = *config;
    cache->file = work;
    cache->file_capacity = INK_THUMB_FILE_MAX_NBYTES(width, height) + 1u;
    cache->codec_work = cache->file + cache->file_capacity;
    cache->codec_work_nbytes = work_nbytes - cache->file_capacity;
    return INK_OK;
}

static void hex8(uint32_t value, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--) {
        out[i] = digits[value & 0xFu];
        value >>= 4;
    }
}

void ink_thumb_file_name(const char *path, size_t path_nbytes, char name[INK_THUMB_NAME_BYTES])
{
    hex8(ink_fnv1a32(path, path_nbytes), name);
    memcpy(name + 8, ".thb", 5);
}

const char *ink_thumb_lookup_name(ink_thumb_lookup lookup)
{
    switch (lookup) {
    case INK_THUMB_HIT: return "hit";
    case INK_THUMB_MISS_ABSENT: return "miss (absent)";
    case INK_THUMB_MISS_UNREADABLE: return "miss (unreadable)";
    case INK_THUMB_MISS_CORRUPT: return "miss (corrupt)";
    case INK_THUMB_MISS_MISMATCH: return "miss (other size)";
    case INK_THUMB_MISS_COLLISION: return "miss (hash collision)";
    }
    return "miss";
}

static ink_error check_book(const ink_thumb_cache *cache, const char *path, size_t path_nbytes,
                            size_t pixels_nbytes, ink_error_info *info)
{
    if (!cache || !cache->file || (!path && path_nbytes))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "thumb cache: not initialised");
    if (pixels_nbytes < INK_THUMB_PIXELS_NBYTES(cache->config.width, cache->config.height))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumb cache: %zu pixel bytes, %ux%u needs %u", pixels_nbytes,
                             (unsigned)cache->config.width, (unsigned)cache->config.height,
                             (unsigned)INK_THUMB_PIXELS_NBYTES(cache->config.width,
                                                               cache->config.height));
    return INK_OK;
}

/* Reads, checks and decodes the file; returns the lookup class. */
static ink_thumb_lookup lookup_file(ink_thumb_cache *cache, const char *name, const char *path,
                                    size_t path_nbytes, uint8_t *pixels, size_t pixels_nbytes,
                                    ink_error_info *info)
{
    size_t got = 0;
    ink_error err = cache->fs.read(cache->fs.user, name, cache->file, cache->file_capacity, &got);
    if (err != INK_OK) {
        ink_error_set(info, err, "thumb cache: reading %s failed", name);
        return INK_THUMB_MISS_UNREADABLE;
    }
    if (got == 0)
        return INK_THUMB_MISS_ABSENT;
    if (got > cache->file_capacity)
        got = cache->file_capacity;
    ink_thumb_header header;
    err = ink_thumb_header_parse(cache->file, got, &header, info);
    if (err != INK_OK)
        return INK_THUMB_MISS_CORRUPT;
    if (header.width != cache->config.width || header.height != cache->config.height) {
        ink_error_set(info, INK_ERR_BAD_DATA, "thumb cache: %s is %ux%u, not %ux%u", name,
                      (unsigned)header.width, (unsigned)header.height,
                      (unsigned)cache->config.width, (unsigned)cache->config.height);
        return INK_THUMB_MISS_MISMATCH;
    }
    if (!ink_thumb_header_matches_path(&header, path, path_nbytes)) {
        ink_error_set(info, INK_ERR_BAD_DATA, "thumb cache: %s belongs to another book", name);
        return INK_THUMB_MISS_COLLISION;
    }
    err = ink_thumb_payload_decode(&header, cache->file, got, pixels, pixels_nbytes,
                                   cache->codec_work, cache->codec_work_nbytes, info);
    return err == INK_OK ? INK_THUMB_HIT : INK_THUMB_MISS_CORRUPT;
}

ink_error ink_thumb_cache_get(ink_thumb_cache *cache, const char *path, size_t path_nbytes,
                              uint8_t *pixels, size_t pixels_nbytes, ink_thumb_lookup *lookup,
                              ink_error_info *info)
{
    ink_error err = check_book(cache, path, path_nbytes, pixels_nbytes, info);
    if (err != INK_OK)
        return err;
    if (!pixels || !lookup)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "thumb cache: no pixels/lookup");
    char name[INK_THUMB_NAME_BYTES];
    ink_thumb_file_name(path, path_nbytes, name);
    *lookup = lookup_file(cache, name, path, path_nbytes, pixels, pixels_nbytes, info);
    if (*lookup != INK_THUMB_HIT) {
        memset(pixels, 0xFF, INK_THUMB_PIXELS_NBYTES(cache->config.width, cache->config.height));
        /* keep the "bits past the width are 0" promise of the pixel format */
        const uint32_t width = cache->config.width, stride = INK_THUMB_ROW_NBYTES(width);
        if (width % 8u)
            for (uint32_t y = 0; y < cache->config.height; y++)
                pixels[(size_t)y * stride + stride - 1u] = (uint8_t)(0xFFu << (8u - width % 8u));
        return INK_OK;
    }
    if (cache->fs.touch) /* recency is best effort: a failed stamp only ages the entry */
        (void)cache->fs.touch(cache->fs.user, name, cache->fs.now(cache->fs.user));
    return INK_OK;
}

/* ---- eviction ---------------------------------------------------------------------------- */

/* Names the cache owns: 8 lower-case hex digits, then ".thb" or ".tmp". */
static bool is_cache_name(const char *name, const char *suffix)
{
    for (int i = 0; i < 8; i++) {
        char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return strcmp(name + 8, suffix) == 0;
}

typedef struct eviction_scan {
    const char *keep;     /* the file just written */
    uint32_t entries;     /* .thb files */
    uint64_t nbytes;      /* their bytes */
    uint32_t others;      /* stale .tmp files */
    bool have_oldest;
    uint64_t oldest_stamp;
    char oldest[INK_THUMB_NAME_BYTES];
    bool have_stale;
    char stale[INK_THUMB_NAME_BYTES];
} eviction_scan;

static ink_error eviction_visit(void *context, const ink_thumb_fs_entry *entry)
{
    eviction_scan *scan = context;
    if (!entry || !entry->name || strlen(entry->name) != INK_THUMB_NAME_BYTES - 1u)
        return INK_OK;
    if (is_cache_name(entry->name, ".tmp")) {
        scan->others++;
        if (!scan->have_stale) {
            memcpy(scan->stale, entry->name, INK_THUMB_NAME_BYTES);
            scan->have_stale = true;
        }
        return INK_OK;
    }
    if (!is_cache_name(entry->name, ".thb"))
        return INK_OK;
    scan->entries++;
    scan->nbytes += entry->nbytes;
    if (strcmp(entry->name, scan->keep) == 0)
        return INK_OK;
    if (!scan->have_oldest || entry->stamp < scan->oldest_stamp ||
        (entry->stamp == scan->oldest_stamp && strcmp(entry->name, scan->oldest) < 0)) {
        scan->have_oldest = true;
        scan->oldest_stamp = entry->stamp;
        memcpy(scan->oldest, entry->name, INK_THUMB_NAME_BYTES);
    }
    return INK_OK;
}

static bool over_bounds(const ink_thumb_cache_config *config, const eviction_scan *scan)
{
    return (config->max_entries && scan->entries > config->max_entries) ||
           (config->max_nbytes && scan->nbytes > config->max_nbytes);
}

/* Removes stale temporaries and the oldest entries until the bounds hold. Each pass lists the
 * folder once and removes one file, so memory stays constant whatever the folder holds; the
 * number of passes is bounded by what the first pass counted. Returns the entries evicted. */
static uint32_t evict(ink_thumb_cache *cache, const char *keep)
{
    uint32_t evicted = 0;
    uint64_t passes_left = 1;
    bool clean_stale = true; /* until removing a stale temporary fails once */
    for (bool first = true; passes_left > 0; first = false, passes_left--) {
        eviction_scan scan;
        memset(&scan, 0, sizeof scan);
        scan.keep = keep;
        if (cache->fs.list(cache->fs.user, eviction_visit, &scan) != INK_OK)
            break;
        if (first)
            passes_left = (uint64_t)scan.entries + scan.others + 1u;
        if (scan.have_stale && clean_stale) {
            if (cache->fs.remove(cache->fs.user, scan.stale) != INK_OK)
                clean_stale = false;
            continue;
        }
        if (!over_bounds(&cache->config, &scan) || !scan.have_oldest)
            break;
        if (cache->fs.remove(cache->fs.user, scan.oldest) != INK_OK)
            break;
        evicted++;
    }
    return evicted;
}

/* ---- put --------------------------------------------------------------------------------- */

ink_error ink_thumb_cache_put(ink_thumb_cache *cache, const char *path, size_t path_nbytes,
                              const uint8_t *pixels, size_t pixels_nbytes,
                              ink_thumb_put_result *result, ink_error_info *info)
{
    ink_error err = check_book(cache, path, path_nbytes, pixels_nbytes, info);
    if (err != INK_OK)
        return err;
    size_t file_nbytes = 0;
    ink_thumb_encoding encoding = INK_THUMB_ENCODING_RAW;
    err = ink_thumb_file_build(pixels, cache->config.width, cache->config.height, path,
                               path_nbytes, cache->file, cache->file_capacity, cache->codec_work,
                               cache->codec_work_nbytes, &file_nbytes, &encoding, info);
    if (err != INK_OK)
        return err;

    char name[INK_THUMB_NAME_BYTES], temporary[INK_THUMB_NAME_BYTES];
    ink_thumb_file_name(path, path_nbytes, name);
    memcpy(temporary, name, 8);
    memcpy(temporary + 8, ".tmp", 5);

    const ink_thumb_fs *fs = &cache->fs;
    const char *step = "create";
    err = fs->create(fs->user, temporary);
    if (err == INK_OK) {
        step = "write";
        err = fs->write(fs->user, cache->file, file_nbytes);
        if (err != INK_OK)
            fs->discard(fs->user);
        else
            step = "flush", err = fs->commit(fs->user);
    }
    if (err == INK_OK)
        step = "rename", err = fs->rename(fs->user, temporary, name);
    if (err != INK_OK) {
        (void)fs->remove(fs->user, temporary);
        return ink_error_set(info, err, "thumb cache: %s of %s failed", step, temporary);
    }
    if (fs->touch)
        (void)fs->touch(fs->user, name, fs->now(fs->user));
    uint32_t evicted = evict(cache, name);
    if (result) {
        result->encoding = encoding;
        result->file_nbytes = file_nbytes;
        result->evicted = evicted;
    }
    return INK_OK;
}
