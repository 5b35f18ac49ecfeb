/*
 * firmware.h — the firmware's own modules above the HAL: settings, framebuffer drawing, the job
 * runner. All state lives in caller-provided structs or the arena; nothing allocates.
 */
#ifndef INK_BOARD_FIRMWARE_H
#define INK_BOARD_FIRMWARE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"
#include "arena/stream.h"
#include "board_hal.h"
#include "decode/convert.h"
#include "decode/decoder.h"
#include "decode/epub.h"
#include "decode/zip.h"

/* ---- settings: "key = value" lines, '#' comments, from settings.ini on the SD card ---- */

#define INK_SETTINGS_MAX 16u
#define INK_SETTING_KEY_BYTES 24u
#define INK_SETTING_VALUE_BYTES 64u

typedef struct ink_setting {
    char key[INK_SETTING_KEY_BYTES];
    char value[INK_SETTING_VALUE_BYTES];
} ink_setting;

typedef struct ink_board_settings {
    ink_setting items[INK_SETTINGS_MAX];
    uint32_t count;
} ink_board_settings;

/* Loads `path` from `medium` into `settings` (emptied first). A missing file leaves them empty
 * and is not an error; a malformed line is INK_ERR_BAD_DATA naming its number. */
ink_error ink_board_settings_load(ink_board_settings *settings, ink_board_medium medium,
                                  const char *path, ink_error_info *info);
/* Parses one line ("key = value", blank or '#' comment) into `settings`; a later key replaces
 * an earlier one. */
ink_error ink_board_settings_parse_line(ink_board_settings *settings, const char *line,
                                        uint32_t line_number, ink_error_info *info);
/* The value of `key`, or `fallback`. */
const char *ink_board_setting(const ink_board_settings *settings, const char *key,
                              const char *fallback);

/* ---- framebuffer (layout in board_hal.h: 1 bit per pixel, set = white) ---- */

void ink_fb_fill(uint8_t *fb, bool white);

typedef struct ink_fb_blit_info {
    uint32_t width;   /* of the BMP */
    uint32_t height;
    uint32_t bits_per_pixel;
    int32_t x0;       /* where its top-left corner landed (may be negative: cropped) */
    int32_t y0;
} ink_fb_blit_info;

/* Draws an uncompressed 1-, 4- or 8-bit palette BMP (bottom-up or top-down) centred on the
 * framebuffer, cropping what does not fit; a palette entry is white when its BT.601 gray is
 * >= 128. Reads the source once, front to back, through a small stack buffer. Hostile input
 * yields INK_ERR_BAD_DATA / INK_ERR_UNSUPPORTED, never a write outside the framebuffer. */
ink_error ink_fb_blit_bmp(uint8_t *fb, const ink_source *source, ink_fb_blit_info *out,
                          ink_error_info *info);

/* Writes the framebuffer as an 800x480 1-bit BMP (bottom-up, palette {black, white}). */
ink_error ink_fb_write_bmp(const uint8_t *fb, const ink_sink *sink, ink_error_info *info);

/* ---- EPUB books on the SD card (book.c) ----
 *
 * Opening a book reads container.xml and the OPF with the in-arena inflate and the streaming
 * XML tokenizer, writes the manifest to INK_BOOK_MANIFEST_FILE on the SD card (the board cannot
 * keep 500 items' strings in RAM) and finds the cover with decode/epub.h's rules. Memory while
 * it runs, released before it returns:
 *   PRIMARY   the 32 KB inflate window        ROW      the zip reader's 4 KB input
 *   SCRATCH   the inflate state               IMAGE2   the manifest's record offsets (4 bytes
 *   DITHER    16 KB XML buffer + the parse state        an item: at most INK_BOOK_MAX_ITEMS)
 * An image entry is then opened as a source with ink_board_entry_open: a stored entry is
 * decoded in place (through the zip reader, 512 bytes of input buffer); a deflated one is first
 * inflated to INK_BOOK_INFLATE_FILE with the window in PRIMARY, the state in SCRATCH and DITHER
 * as input/output buffers, all released before the decoder claims them: the zip and the image
 * phases time-share the arena. */

#define INK_BOOK_MANIFEST_FILE "book-manifest.tmp"
#define INK_BOOK_INFLATE_FILE "book-entry.tmp"
#define INK_BOOK_MAX_ITEMS 1024u
#define INK_BOOK_RECORD_BYTES 1264u /* one manifest item: 10-byte head, 4 strings and NULs */

typedef struct ink_board_book {
    ink_board_file file; /* the archive, open while the book is */
    ink_source source;
    ink_zip zip;
    uint32_t item_count;
    uint32_t image_count;
    ink_epub_cover_via cover_via;     /* INK_EPUB_COVER_NONE: no usable cover */
    char cover_path[INK_EPUB_PATH_BYTES];
    char record[INK_BOOK_RECORD_BYTES]; /* the item ink_board_book_next returned */
    uint32_t next_index;                /* the image walk's cursor */
    uint32_t next_offset;
} ink_board_book;

/* Opens `path` on the SD card. Errors: INK_ERR_IO, INK_ERR_BAD_DATA (not a zip, not an EPUB),
 * INK_ERR_TOO_LARGE (more than INK_BOOK_MAX_ITEMS items), the zip reader's and XML's. */
ink_error ink_board_book_open(ink_board_book *book, const char *path, ink_arena *arena,
                              ink_error_info *info);
/* The next manifest item, in manifest order (strings in book->record, valid until the next
 * call); *end true after the last. */
ink_error ink_board_book_next(ink_board_book *book, ink_epub_item *item, bool *end,
                              ink_error_info *info);
/* Closes the archive and removes the manifest file. */
void ink_board_book_close(ink_board_book *book);

typedef struct ink_board_entry {
    ink_zip_entry entry;
    ink_zip_reader reader; /* a stored entry's */
    uint8_t input[512];
    ink_board_file temporary; /* a deflated entry's inflated bytes */
    uint8_t head[16]; /* the entry's first bytes, for ink_sniff_format */
    size_t head_nbytes;
    bool deflated;
    uint64_t inflate_instret; /* instructions the inflate-to-file phase retired */
} ink_board_entry;

/* Opens the archive entry `path` as `source`. Errors: INK_ERR_IO, INK_ERR_BAD_DATA (no such
 * entry, corrupt, CRC), the zip reader's. */
ink_error ink_board_entry_open(ink_board_book *book, const char *path, ink_arena *arena,
                               ink_board_entry *entry, ink_source *source, ink_error_info *info);
/* After a successful decode: reads a stored entry to its end so its CRC-32 is checked. */
ink_error ink_board_entry_finish(ink_board_entry *entry, ink_error_info *info);
void ink_board_entry_close(ink_board_entry *entry);

/* ---- the job runner ---- */

typedef struct ink_board_context {
    ink_arena *arena; /* NULL when this core has no arena yet */
    const ink_board_settings *settings;
    uint32_t jobs_run;
    uint32_t jobs_failed;
} ink_board_context;

/* Runs one job line: "convert IN OUT [key=value...]", "blit BMP", "dump OUT", "copy IN OUT",
 * "status". Prints one "result ..." line per job (with its instruction count). Returns the job's
 * error; the runner goes on with the next job either way. */
ink_error ink_board_run_job(ink_board_context *context, const char *line, uint32_t line_number);

/* Runs every line of the job file `path` on the SD card. */
ink_error ink_board_run_job_file(ink_board_context *context, const char *path,
                                 ink_error_info *info);

/* ---- shared by the job files (jobs.c: convert blit dump copy status; jobs_book.c: book
 * inflate; jobs_thumb.c: thumb) ---- */

typedef struct ink_job_result {
    const char *op;
    const char *in;
    const char *out;
    uint32_t width; /* of the source image */
    uint32_t height;
    uint32_t out_width; /* of the BMP written (convert) */
    uint32_t out_height;
    unsigned scale_log2;
    uint64_t instret;
    uint32_t stack_nbytes; /* stack high-water during the job (from the top of the stack) */
    char extra[192];       /* more " key=value" fields of this kind of job, or "" */
} ink_job_result;

/* Prints the job's "result ..." line (the format is at the top of jobs.c). */
void ink_board_job_print(const ink_job_result *result, ink_error error,
                         const ink_error_info *info);
/* The convert options of a job line: defaults, settings.ini, then words[3..]. */
ink_error ink_board_job_options(const ink_board_context *context, char **words,
                               uint32_t word_count, ink_convert_options *options,
                               ink_error_info *info);
const ink_decoder *ink_board_decoder_for(ink_image_format format);
/* The in-arena decoder for the format of `head`, or NULL with INK_ERR_UNSUPPORTED in `info`. */
const ink_decoder *ink_board_sniff(const uint8_t *head, size_t head_nbytes,
                                   ink_error_info *info);
/* Converts `source` to the BMP `out` on the SD card (through OUT.part and a rename), filling
 * the size fields of `result`. */
ink_error ink_board_convert_to(ink_board_context *context, const ink_decoder *decoder,
                               const ink_source *source, const char *out,
                               const ink_convert_options *options, ink_job_result *result,
                               ink_error_info *info);

/* book IN.epub OUTDIR [convert options]: every JPEG and PNG of the book to OUTDIR/NNN-name.bmp
 * (NNN its manifest index), the cover to OUTDIR/cover.bmp filling the screen; one
 * "result book-image" line per image. */
ink_error ink_board_job_book(ink_board_context *context, char **words, uint32_t word_count,
                             ink_job_result *result, ink_error_info *info);
/* inflate IN.epub: inflates every deflated entry with the in-arena inflate into a discarded
 * buffer, counting only ink_inflate_run's instructions; one "result inflate-entry" line each. */
ink_error ink_board_job_inflate(ink_board_context *context, const char *path,
                                ink_job_result *result, ink_error_info *info);
/* thumb IN.epub|IMAGE OUT.bmp [--dither D]: the book's 120x180 cover thumbnail into the cache
 * on the flash file system (made if missing), read back from the cache, written as OUT.bmp. */
ink_error ink_board_job_thumb(ink_board_context *context, char **words, uint32_t word_count,
                              ink_job_result *result, ink_error_info *info);

/* Converts the cover of the book `path` on the SD card (an .epub: the cover decode/epub.h
 * finds) or the image file `path` itself into `sink`; `cover_path` receives the entry or file
 * converted. */
ink_error ink_board_convert_cover(ink_board_context *context, const char *path,
                                  const ink_sink *sink, const ink_convert_options *options,
                                  ink_convert_result *converted, char *cover_path,
                                  size_t cover_path_nbytes, ink_error_info *info);

/* Splits `line` in place into at most `max_words` space-separated words; returns the count. */
uint32_t ink_board_split_words(char *line, char **words, uint32_t max_words);

#endif
