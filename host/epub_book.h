/*
 * epub_book.h — an EPUB opened on the host for `inkpipe epub`: the zip archive, the manifest
 * items kept in a heap array, and reading entries with the board's memory plan.
 *
 * The metadata (container.xml, the OPF, cover pages) is read through the zip reader with the
 * in-arena inflate, its memory claimed from an arena exactly as the board would:
 *   PRIMARY   the 32 KB inflate window
 *   SCRATCH   the inflate state (INK_INFLATE_STATE_BYTES)
 *   ROW       the zip reader's 4 KB compressed-input buffer
 *   DITHER    the XML tokenizer's 16 KB buffer (the longest tag must fit)
 */
#ifndef INK_HOST_EPUB_BOOK_H
#define INK_HOST_EPUB_BOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena/arena.h"
#include "decode/epub.h"
#include "decode/zip.h"

#define INK_EPUB_XML_BUFFER_BYTES 16384u
#define INK_EPUB_ZIP_INPUT_BYTES 4096u

typedef struct epub_item {
    char *id, *href, *media_type, *properties, *path;
    ink_epub_href_status path_status;
} epub_item;

typedef struct epub_book {
    FILE *file;
    ink_source source;
    ink_zip zip;
    ink_arena *arena;
    ink_claim window, state, input, xml_buffer;
    ink_xml xml;
    ink_zip_reader reader; /* the entry open_entry() opened */
    epub_item *items;
    uint32_t item_count, item_capacity;
    ink_epub_package package;
    ink_epub_cover cover;
} epub_book;

/* Opens the archive at `path`, reads container.xml and the OPF, keeps the manifest and finds
 * the cover. On failure returns the error with its detail in `info` and leaves nothing open. */
ink_error epub_book_open(epub_book *book, const char *path, ink_error_info *info);
void epub_book_close(epub_book *book);

/* Opens an archive file `path` as a seekable source of `*nbytes` bytes. */
bool epub_open_archive_file(const char *path, FILE **file, ink_source *source, uint64_t *nbytes);

/* Reads the whole of `entry` of `zip` into a heap buffer the caller frees (CRC checked). */
ink_error epub_read_entry(const ink_zip *zip, const ink_zip_entry *entry, uint8_t **data,
                          size_t *nbytes, ink_error_info *info);

/* A source over an open FILE (read from its current position, seekable). */
ink_source epub_file_source(FILE *file);

#endif
