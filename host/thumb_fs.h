/*
 * thumb_fs.h — the thumbnail cache's file system on the host: the folder `<root>/thumbs/`.
 *
 * create/write/commit are open(O_TRUNC)/write/fsync+close, rename is rename(2) followed by an
 * fsync of the folder (so the new name survives a power cut), read/remove/list are the obvious
 * calls. The recency stamp is the file's mtime in nanoseconds since the epoch: touch sets it with
 * utimensat, list reports it, and now() is the real-time clock made strictly increasing, so a
 * folder copied elsewhere keeps its LRU order.
 */
#ifndef INK_HOST_THUMB_FS_H
#define INK_HOST_THUMB_FS_H

#include <stdbool.h>
#include <stdint.h>

#include "thumbs/cache.h"

typedef struct ink_host_thumb_fs {
    char *folder;       /* "<root>/thumbs", heap */
    int write_fd;       /* -1 when no file is open */
    uint64_t last_stamp;
} ink_host_thumb_fs;

/* Creates `<root>/thumbs` (and `root`) if needed and fills `out` with callbacks over it.
 * On failure returns false with errno set. */
bool ink_host_thumb_fs_open(ink_host_thumb_fs *state, const char *root, ink_thumb_fs *out);
void ink_host_thumb_fs_close(ink_host_thumb_fs *state);

/* "<folder>/<name>" into `out` (heap; the caller frees), or NULL. */
char *ink_host_thumb_fs_path(const ink_host_thumb_fs *state, const char *name);

#endif
