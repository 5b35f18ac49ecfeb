/*
 * cache.h — the thumbnail cache: one file per book, written atomically, checked on every read,
 * bounded by entries and bytes with least-recently-used eviction.
 *
 * Where: the storage is a flat folder reached through ink_thumb_fs (callbacks: the board backs
 * it with LittleFS, the host with `<root>/thumbs/`, tests with a fault-injecting memory model).
 * A book's file is `<8 lower-case hex digits of FNV-1a 32 of the book path>.thb`; its format is
 * thumbs/thumb_file.h.
 *
 * Writes: the file goes to `<hash>.tmp`, is flushed and closed, then renamed over `<hash>.thb`.
 * If anything fails the temporary file is removed (best effort) and the old `<hash>.thb`, if
 * any, is untouched. A `.tmp` left by a crash is removed by the next eviction pass.
 *
 * Reads: a file that is missing, unreadable, torn, truncated or corrupt (header CRC, payload
 * CRC, G4 stream), of another size, or written for another path with the same FNV-1a (checked
 * by the path's length and CRC-32 stored in the header) is a MISS, never an error and never
 * pixels: the caller regenerates and puts.
 *
 * Recency: every put and hit stamps the file through fs.touch with fs.now(); fs.list reports
 * each file's last stamp. Eviction (after each put) removes the `.thb` with the oldest stamp,
 * never the one just written, until both bounds hold.
 *
 * Memory: the cache struct (caller-owned) and a work buffer of INK_THUMB_CACHE_WORK_BYTES(w, h)
 * bytes (2,784 for 120 x 180; fits SCRATCH beside the 2,700-byte thumbnail itself) that holds one
 * whole file and the G4 lines. One operation at a time; not thread-safe.
 */
#ifndef INK_THUMBS_CACHE_H
#define INK_THUMBS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "thumbs/thumb_file.h"

/* "0123abcd.thb" and its NUL. */
#define INK_THUMB_NAME_BYTES 13u

typedef struct ink_thumb_fs_entry {
    const char *name;  /* a file name in the cache folder, valid during the callback */
    uint64_t nbytes;
    uint64_t stamp;    /* the last fs.touch stamp, or the backend's best substitute (mtime) */
} ink_thumb_fs_entry;

/* Receives one entry of fs.list; a non-OK return stops the listing and is returned by list. */
typedef ink_error ink_thumb_fs_list_fn(void *context, const ink_thumb_fs_entry *entry);

/* The storage the cache runs on: a flat folder of files named by the cache. All callbacks
 * receive `user`. Names are at most INK_THUMB_NAME_BYTES - 1 characters. Errors are INK_ERR_IO
 * (or any other code, passed through). */
typedef struct ink_thumb_fs {
    /* Creates (or truncates) `name` and opens it for writing. One file is open at a time. */
    ink_error (*create)(void *user, const char *name);
    /* Appends to the open file. */
    ink_error (*write)(void *user, const uint8_t *src, size_t nbytes);
    /* Flushes the open file to stable storage and closes it. Called once, after all writes. */
    ink_error (*commit)(void *user);
    /* Closes the open file after a failure (no flush needed); the cache removes it after. */
    void (*discard)(void *user);
    /* Renames `from` to `to`, atomically replacing `to` if it exists: afterwards `to` is the
     * complete old file or the complete new one, even across a power cut. */
    ink_error (*rename)(void *user, const char *from, const char *to);
    /* Reads `name` from its start: up to `nbytes` into `dst`, the count in `*got`. A file that
     * does not exist reads INK_OK with `*got == 0`. A longer file fills `dst` (the cache then
     * sees it is too long: it asks for one byte more than the longest valid file). */
    ink_error (*read)(void *user, const char *name, uint8_t *dst, size_t nbytes, size_t *got);
    /* Removes `name`; removing a missing file is INK_OK. */
    ink_error (*remove)(void *user, const char *name);
    /* Calls `fn` once for each file in the folder (any order). */
    ink_error (*list)(void *user, ink_thumb_fs_list_fn *fn, void *context);
    /* Records `stamp` as the file's last use. May be NULL: then recency is the backend's
     * own stamp (write time), and eviction is first-in first-out. */
    ink_error (*touch)(void *user, const char *name, uint64_t stamp);
    /* A clock or sequence number: every call returns a larger value than the one before,
     * across restarts too if LRU order should survive them (the host uses real time in ns). */
    uint64_t (*now)(void *user);
    void *user;
} ink_thumb_fs;

typedef struct ink_thumb_cache_config {
    uint32_t width;       /* thumbnail size, e.g. INK_THUMB_WIDTH x INK_THUMB_HEIGHT */
    uint32_t height;
    uint32_t max_entries; /* 0 = no bound */
    uint64_t max_nbytes;  /* total bytes of .thb files; 0 = no bound */
} ink_thumb_cache_config;

#define INK_THUMB_CACHE_CONFIG_DEFAULT                                                         \
    ((ink_thumb_cache_config){INK_THUMB_WIDTH, INK_THUMB_HEIGHT, 256u, 0u})

/* One whole file (+1 byte to see a too-long file) and the codec work, rounded up to 8. */
#define INK_THUMB_CACHE_WORK_BYTES(width, height)                                              \
    (((INK_THUMB_FILE_MAX_NBYTES(width, height) + 1u + INK_THUMB_CODEC_WORK_BYTES(width)) +     \
      7u) & ~7u)

typedef struct ink_thumb_cache {
    ink_thumb_fs fs;
    ink_thumb_cache_config config;
    uint8_t *file;            /* INK_THUMB_FILE_MAX_NBYTES + 1 bytes of the work buffer */
    size_t file_capacity;
    uint8_t *codec_work;      /* the rest */
    size_t codec_work_nbytes;
} ink_thumb_cache;

/* Sets the cache up over `fs` (copied; its user must outlive the cache) and caller-owned
 * `work`. Touches no file. Errors: INK_ERR_INVALID_ARGUMENT (a missing callback other than
 * touch, size out of 1..INK_THUMB_MAX_SIDE, work too small). */
ink_error ink_thumb_cache_init(ink_thumb_cache *cache, const ink_thumb_fs *fs,
                               const ink_thumb_cache_config *config, void *work,
                               size_t work_nbytes, ink_error_info *info);

/* The file name of a book path: 8 hex digits of its FNV-1a 32 and ".thb", NUL-terminated. */
void ink_thumb_file_name(const char *path, size_t path_nbytes, char name[INK_THUMB_NAME_BYTES]);

typedef enum ink_thumb_lookup {
    INK_THUMB_HIT = 0,
    INK_THUMB_MISS_ABSENT,     /* no file */
    INK_THUMB_MISS_UNREADABLE, /* fs.read failed */
    INK_THUMB_MISS_CORRUPT,    /* torn, truncated, bad CRC, bad G4, too long */
    INK_THUMB_MISS_MISMATCH,   /* a valid thumbnail of another size */
    INK_THUMB_MISS_COLLISION   /* a valid thumbnail of another book with the same FNV-1a */
} ink_thumb_lookup;

/* A short static description ("hit", "miss (corrupt)", ...). */
const char *ink_thumb_lookup_name(ink_thumb_lookup lookup);

/* Looks up the book `path` (`path_nbytes` bytes). On a hit, fills `pixels` (at least
 * INK_THUMB_PIXELS_NBYTES(width, height) bytes, thumb_file.h's format) and stamps the file.
 * On a miss, `pixels` is set all white. `*lookup` says which. `info` (may be NULL) receives why
 * a present file was refused, for logs. Returns INK_OK for every hit and miss;
 * INK_ERR_INVALID_ARGUMENT for bad arguments only. */
ink_error ink_thumb_cache_get(ink_thumb_cache *cache, const char *path, size_t path_nbytes,
                              uint8_t *pixels, size_t pixels_nbytes, ink_thumb_lookup *lookup,
                              ink_error_info *info);

typedef struct ink_thumb_put_result {
    ink_thumb_encoding encoding;
    size_t file_nbytes;
    uint32_t evicted;          /* .thb files removed to respect the bounds */
} ink_thumb_put_result;

/* Stores `pixels` for the book `path`, replacing any file of the same name (a colliding
 * book's thumbnail included: one entry per name), then evicts. `result` may be NULL.
 * Errors: the fs's (create/write/commit/rename; the previous file stays), INK_ERR_INVALID_ARGUMENT.
 * Eviction failures are not errors (the bound is retried at the next put). */
ink_error ink_thumb_cache_put(ink_thumb_cache *cache, const char *path, size_t path_nbytes,
                              const uint8_t *pixels, size_t pixels_nbytes,
                              ink_thumb_put_result *result, ink_error_info *info);

#endif
