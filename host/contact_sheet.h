/*
 * contact_sheet.h — one HTML page showing each source image beside its output at display size,
 * so a person can judge a book's conversion at a glance (`inkpipe epub BOOK -o DIR --sheet`).
 *
 * Everything is embedded, so the page is one file that can be mailed or opened anywhere:
 * sources that browsers show (JPEG, PNG, GIF, WebP, SVG; recognised by their bytes) as data
 * URIs as they are; the outputs (inkpipe's 1-bit or four-gray BMPs, read back from disk) as
 * 8-bit gray PNGs made by host/png_write.c. Both are drawn at the output's pixel size (the
 * source scaled to it; the output with `image-rendering: pixelated`, one image pixel per CSS
 * pixel), side by side, with the caption and the sizes under them.
 *
 * Thread-safe: ink_contact_sheet_add may be called from several workers at once; rows appear
 * in the order of their `order` key, not of the calls. Memory: the rows are held on the heap
 * until ink_contact_sheet_finish writes the page (about the size of the embedded images).
 */
#ifndef INK_HOST_CONTACT_SHEET_H
#define INK_HOST_CONTACT_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ink_contact_sheet ink_contact_sheet;

/* Starts a sheet to be written to `html_path` (created at finish; a failed sheet never leaves a
 * partial file there) with `title` as its heading. NULL when out of memory. */
ink_contact_sheet *ink_contact_sheet_begin(const char *html_path, const char *title);

/* Adds one row: the source's bytes (NULL or unrecognised: the row says the source is not shown),
 * the path of the output BMP, a caption (plain text; escaped here). `order` sorts the rows.
 * False (and the row holds the reason) if the BMP cannot be read. */
bool ink_contact_sheet_add(ink_contact_sheet *sheet, uint32_t order, const uint8_t *source,
                           size_t source_nbytes, const char *output_bmp_path,
                           const char *caption);

/* The same, reading the source from a file. */
bool ink_contact_sheet_add_file(ink_contact_sheet *sheet, uint32_t order,
                                const char *source_path, const char *output_bmp_path,
                                const char *caption);

/* Writes the page and frees the sheet (also on failure). False when the file cannot be
 * written (errno says why). */
bool ink_contact_sheet_finish(ink_contact_sheet *sheet);

/* Reads a BMP with a 1-, 4- or 8-bit gray palette (BITMAPINFOHEADER or later, bottom-up or
 * top-down, BI_RGB) into gray bytes, top row first (heap, the caller frees). False for
 * anything else or anything malformed. */
bool ink_contact_sheet_read_bmp(const uint8_t *data, size_t nbytes, uint8_t **gray,
                                uint32_t *width, uint32_t *height);

#endif
