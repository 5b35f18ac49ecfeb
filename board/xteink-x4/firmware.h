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

/* Splits `line` in place into at most `max_words` space-separated words; returns the count. */
uint32_t ink_board_split_words(char *line, char **words, uint32_t max_words);

#endif
