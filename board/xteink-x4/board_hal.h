/*
 * board_hal.h — what the X4 firmware needs from the board, behind one small interface.
 *
 * Two implementations:
 *   hal_semihost.c        this build: RV32IMC under qemu-system-riscv32, host files through
 *                         semihosting (the "SD card" and the "flash file system" are host
 *                         folders), the framebuffer a static, the clock the CLINT timer.
 *   esp-idf/hal_espidf.c  the device: FATFS on the SD card, LittleFS in flash, SPI e-paper,
 *                         heap_caps_malloc for the arena. Not built here (no ESP-IDF).
 *
 * Boot order (main.c): console, board I/O, SD card, settings, flash file system, arena.
 *
 * Files: an open file is an ink_board_file owned by the caller (no allocation anywhere). Paths are
 * relative to the medium's root ("books/a.epub"), '/'-separated. At most INK_BOARD_MAX_FILES are
 * open at once; that is a limit of the device's FATFS configuration too.
 */
#ifndef INK_BOARD_HAL_H
#define INK_BOARD_HAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"

/* The display: 800 x 480, 1 bit per pixel, rows top to bottom, most significant bit leftmost,
 * bit set = white (the e-paper's "no ink"). 100 bytes per row, 48,000 bytes. */
#define INK_BOARD_DISPLAY_WIDTH 800u
#define INK_BOARD_DISPLAY_HEIGHT 480u
#define INK_BOARD_FB_STRIDE_BYTES (INK_BOARD_DISPLAY_WIDTH / 8u)
#define INK_BOARD_FB_BYTES (INK_BOARD_FB_STRIDE_BYTES * INK_BOARD_DISPLAY_HEIGHT)

#define INK_BOARD_MAX_FILES 4u
#define INK_BOARD_PATH_BYTES 160u

typedef enum ink_board_medium {
    INK_BOARD_SD = 0, /* the SD card: books, images, converted BMPs */
    INK_BOARD_FLASH   /* the flash file system: settings and the thumbnail cache */
} ink_board_medium;

typedef struct ink_board_file {
    int handle;         /* implementation's handle; -1 when closed */
    uint32_t position;  /* byte offset of the next read or write */
    uint32_t length;    /* current length of the file */
    bool writable;
} ink_board_file;

/* ---- boot stages, in order; each returns INK_OK or an error with a detail ---- */

/* The console: after this, ink_board_log works. */
ink_error ink_board_console_init(void);
/* Buttons, battery, display controller: stand-ins here (always succeed). */
ink_error ink_board_io_init(ink_error_info *info);
/* Mounts the SD card. `root` is where the medium lives (host folder here; ignored on the device
 * where the mount point is fixed). NULL means the default. */
ink_error ink_board_sd_mount(const char *root, ink_error_info *info);
ink_error ink_board_flash_mount(const char *root, ink_error_info *info);

/* The arena's memory: INK_ARENA_BYTES, 8-byte aligned (a static here; one heap_caps_malloc of
 * internal DMA-capable RAM on the device). NULL if it cannot be had. Called once. */
void *ink_board_arena_memory(void);

/* ---- files ---- */

/* Opens `path` on `medium` for reading and fills `source` (which refers to `file`).
 * Errors: INK_ERR_IO ("cannot open ..."), INK_ERR_NO_MEMORY (too many files open). */
ink_error ink_board_open_read(ink_board_medium medium, const char *path, ink_board_file *file,
                              ink_source *source, ink_error_info *info);
/* Creates or truncates `path` for writing and fills `sink` (seekable). */
ink_error ink_board_open_write(ink_board_medium medium, const char *path, ink_board_file *file,
                               ink_sink *sink, ink_error_info *info);
/* Closes an open file (a closed one is left alone). */
void ink_board_close(ink_board_file *file);
/* Renames `from` to `to` on `medium`, replacing `to` (the atomic step of a cache write). */
ink_error ink_board_rename(ink_board_medium medium, const char *from, const char *to,
                           ink_error_info *info);
/* Removes `path`; a missing file is not an error. */
ink_error ink_board_remove(ink_board_medium medium, const char *path, ink_error_info *info);

/* ---- display ---- */

/* The framebuffer (INK_BOARD_FB_BYTES, layout above). */
uint8_t *ink_board_framebuffer(void);
/* Sends the framebuffer to the panel (here: counts refreshes; the job runner dumps it). */
ink_error ink_board_display_refresh(ink_error_info *info);

/* ---- time, log, memory ---- */

/* Milliseconds since boot (here the virt machine's CLINT timer, deterministic under -icount). */
uint32_t ink_board_millis(void);

/* Console output: one formatted line (no newline needed; it is added). printf conventions. */
void ink_board_log(const char *format, ...) __attribute__((format(printf, 1, 2)));
void ink_board_log_va(const char *format, va_list args);

/* Receives one line of a report (the same shape as ink_print_line_fn). */
typedef void ink_board_line_fn(void *user, const char *line);

/* The board's memory lines for the status report: here the static RAM use (image data + bss and
 * its parts, stack size) from the linker's symbols; on the device heap free / largest free block
 * / DMA-capable free. */
void ink_board_memory_status(ink_board_line_fn *print, void *user);

/* Ends the run (semihosting exit with `code`; a restart on the device). */
void ink_board_exit(int code) __attribute__((noreturn));

#endif
