/*
 * thumb_make.h — making or reusing a book's cover thumbnail in a cache folder (the host side of
 * thumbs/cache.h), shared by `inkpipe thumb` and `inkpipe epub --cache`.
 */
#ifndef INK_HOST_THUMB_MAKE_H
#define INK_HOST_THUMB_MAKE_H

#include <stdint.h>

#include "host/cli.h"

/* Looks `book_path` (an EPUB, or a cover image) up in the cache under `cache_root`; on a miss
 * converts its cover with `options`' dither and codec and stores it. Prints one line: hit or
 * miss (and why), the file, its encoding and size, and the time. `max_entries` and `max_nbytes`
 * bound the cache (0: no byte bound). Returns an exit code (cli.h). */
int ink_thumb_make(const char *book_path, const char *cache_root,
                   const ink_cli_convert_options *options, uint64_t max_entries,
                   uint64_t max_nbytes);

#endif
