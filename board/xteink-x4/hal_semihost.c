/*
 * hal_semihost.c — the board HAL over RISC-V semihosting (qemu-system-riscv32 -semihosting).
 *
 * The SD card and the flash file system are host folders (given at boot, relative to QEMU's
 * working directory); files go through picolibc's sys_semihost_* calls, never through stdio (whose
 * fopen would allocate). The arena and the framebuffer are statics in .bss, the millisecond clock
 * is the virt machine's CLINT mtime (10 MHz), which -icount makes deterministic.
 */
#include "board_hal.h"

#include <semihost.h>
#include <stdio.h>
#include <string.h>

#include "arena/arena.h"
#include "board_cpu.h"

/* The two big statics. Named so that the build-time RAM check (check_image.cmake) finds them. */
uint8_t ink_board_arena_storage[INK_ARENA_BYTES] __attribute__((aligned(INK_ARENA_ALIGN)));
uint8_t ink_board_fb_storage[INK_BOARD_FB_BYTES] __attribute__((aligned(4)));

/* From xteink-x4.ld. */
extern uint8_t __ink_ram_start[], __ink_ram_end[], __ink_ram_limit[];
extern uint8_t __data_start[], __data_end[], __bss_start[], __bss_end[];

#define INK_CLINT_MTIME_ADDRESS 0x0200BFF8u
#define INK_CLINT_TICKS_PER_MS 10000u

typedef struct ink_board_state {
    char sd_root[INK_BOARD_PATH_BYTES];
    char flash_root[INK_BOARD_PATH_BYTES];
    bool sd_mounted;
    bool flash_mounted;
    bool arena_given;
    uint32_t open_files;
    uint32_t refreshes;
} ink_board_state;

/* The HAL's one mutable global (board code, not core; the core keeps none). */
static ink_board_state ink_board;

/* ---- console ---- */

ink_error ink_board_console_init(void)
{
    return INK_OK; /* semihosting needs no set-up */
}

void ink_board_log_va(const char *format, va_list args)
{
    char line[256];
    int n = vsnprintf(line, sizeof line - 1u, format, args);
    if (n < 0) {
        return;
    }
    size_t length = (size_t)n < sizeof line - 2u ? (size_t)n : sizeof line - 2u;
    line[length] = '\n';
    line[length + 1u] = '\0';
    sys_semihost_write0(line);
}

void ink_board_log(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    ink_board_log_va(format, args);
    va_end(args);
}

void ink_board_exit(int code)
{
    sys_semihost_exit_extended((uintptr_t)(unsigned)code);
}

/* ---- boot stages ---- */

ink_error ink_board_io_init(ink_error_info *info)
{
    (void)info; /* buttons, battery ADC, panel controller: nothing to do under QEMU */
    memset(ink_board_fb_storage, 0xFF, sizeof ink_board_fb_storage); /* a white screen */
    return INK_OK;
}

static ink_error ink_board_set_root(char *root_out, const char *root, const char *fallback,
                                    ink_error_info *info)
{
    const char *chosen = root != NULL ? root : fallback;
    size_t length = strlen(chosen);
    if (length + 1u > INK_BOARD_PATH_BYTES) {
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "root path too long: %s", chosen);
    }
    memcpy(root_out, chosen, length + 1u);
    return INK_OK;
}

ink_error ink_board_sd_mount(const char *root, ink_error_info *info)
{
    ink_error error = ink_board_set_root(ink_board.sd_root, root, ".", info);
    ink_board.sd_mounted = error == INK_OK;
    return error;
}

ink_error ink_board_flash_mount(const char *root, ink_error_info *info)
{
    ink_error error = ink_board_set_root(ink_board.flash_root, root, "flash", info);
    ink_board.flash_mounted = error == INK_OK;
    return error;
}

void *ink_board_arena_memory(void)
{
    if (ink_board.arena_given) {
        return NULL;
    }
    ink_board.arena_given = true;
    return ink_board_arena_storage;
}

/* ---- files ---- */

static ink_error ink_board_full_path(ink_board_medium medium, const char *path, char *out,
                                     size_t out_nbytes, ink_error_info *info)
{
    const char *root = medium == INK_BOARD_SD ? ink_board.sd_root : ink_board.flash_root;
    bool mounted = medium == INK_BOARD_SD ? ink_board.sd_mounted : ink_board.flash_mounted;
    if (!mounted) {
        return ink_error_set(info, INK_ERR_BAD_STATE, "%s is not mounted",
                             medium == INK_BOARD_SD ? "the SD card" : "the flash file system");
    }
    size_t root_length = strlen(root);
    size_t path_length = strlen(path);
    if (root_length + 1u + path_length + 1u > out_nbytes) {
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "path too long: %s", path);
    }
    memcpy(out, root, root_length);
    out[root_length] = '/';
    memcpy(out + root_length + 1u, path, path_length + 1u);
    return INK_OK;
}

static ink_error ink_board_file_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    ink_board_file *file = user;
    *got = 0;
    if (file->handle < 0) {
        return INK_ERR_IO;
    }
    uint32_t left = file->length - file->position;
    size_t want = nbytes < left ? nbytes : left;
    if (want == 0u) {
        return INK_OK;
    }
    /* SYS_READ returns the number of bytes NOT read. */
    uintptr_t not_read = (uintptr_t)sys_semihost_read(file->handle, dst, want);
    if (not_read > want) {
        return INK_ERR_IO;
    }
    *got = want - not_read;
    file->position += (uint32_t)*got;
    return INK_OK;
}

static ink_error ink_board_file_seek(void *user, uint64_t offset)
{
    ink_board_file *file = user;
    if (file->handle < 0 || offset > UINT32_MAX) {
        return INK_ERR_IO;
    }
    if (!file->writable && offset > file->length) {
        return INK_ERR_IO;
    }
    if (offset > file->length) {
        /* Semihosting cannot seek past the end: extend with zeros first. */
        static const uint8_t zeros[64];
        if (sys_semihost_seek(file->handle, file->length) != 0) {
            return INK_ERR_IO;
        }
        uint64_t left = offset - file->length;
        while (left > 0u) {
            uint32_t chunk = left < sizeof zeros ? (uint32_t)left : (uint32_t)sizeof zeros;
            if (sys_semihost_write(file->handle, zeros, chunk) != 0) {
                return INK_ERR_IO;
            }
            left -= chunk;
        }
        file->length = (uint32_t)offset;
    } else if (sys_semihost_seek(file->handle, (uintptr_t)offset) != 0) {
        return INK_ERR_IO;
    }
    file->position = (uint32_t)offset;
    return INK_OK;
}

static ink_error ink_board_file_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_board_file *file = user;
    if (file->handle < 0 || !file->writable) {
        return INK_ERR_IO;
    }
    if (nbytes > UINT32_MAX - file->position) {
        return INK_ERR_IO;
    }
    if (nbytes > 0u && sys_semihost_write(file->handle, src, nbytes) != 0) {
        return INK_ERR_IO; /* SYS_WRITE returns the number of bytes NOT written */
    }
    file->position += (uint32_t)nbytes;
    if (file->position > file->length) {
        file->length = file->position;
    }
    return INK_OK;
}

static ink_error ink_board_open(ink_board_medium medium, const char *path, bool writable,
                                ink_board_file *file, ink_error_info *info)
{
    char full[2u * INK_BOARD_PATH_BYTES];
    file->handle = -1;
    ink_error error = ink_board_full_path(medium, path, full, sizeof full, info);
    if (error != INK_OK) {
        return error;
    }
    if (ink_board.open_files >= INK_BOARD_MAX_FILES) {
        return ink_error_set(info, INK_ERR_NO_MEMORY, "too many open files (%u) opening %s",
                             (unsigned)INK_BOARD_MAX_FILES, path);
    }
    int handle = sys_semihost_open(full, writable ? SH_OPEN_W_B : SH_OPEN_R_B);
    if (handle < 0) {
        return ink_error_set(info, INK_ERR_IO, "cannot open %s for %s", full,
                             writable ? "writing" : "reading");
    }
    uint32_t length = 0;
    if (!writable) {
        int flen = sys_semihost_flen(handle);
        if (flen < 0) {
            sys_semihost_close(handle);
            return ink_error_set(info, INK_ERR_IO, "cannot get the length of %s", full);
        }
        length = (uint32_t)flen;
    }
    ink_board.open_files++;
    *file = (ink_board_file){.handle = handle, .position = 0, .length = length,
                             .writable = writable};
    return INK_OK;
}

ink_error ink_board_open_read(ink_board_medium medium, const char *path, ink_board_file *file,
                              ink_source *source, ink_error_info *info)
{
    ink_error error = ink_board_open(medium, path, false, file, info);
    if (error == INK_OK) {
        *source = (ink_source){.read = ink_board_file_read, .seek = ink_board_file_seek,
                               .user = file};
    }
    return error;
}

ink_error ink_board_open_write(ink_board_medium medium, const char *path, ink_board_file *file,
                               ink_sink *sink, ink_error_info *info)
{
    ink_error error = ink_board_open(medium, path, true, file, info);
    if (error == INK_OK) {
        *sink = (ink_sink){.write = ink_board_file_write, .seek = ink_board_file_seek,
                           .user = file};
    }
    return error;
}

void ink_board_close(ink_board_file *file)
{
    if (file->handle >= 0) {
        sys_semihost_close(file->handle);
        file->handle = -1;
        ink_board.open_files--;
    }
}

ink_error ink_board_rename(ink_board_medium medium, const char *from, const char *to,
                           ink_error_info *info)
{
    char full_from[2u * INK_BOARD_PATH_BYTES];
    char full_to[2u * INK_BOARD_PATH_BYTES];
    ink_error error = ink_board_full_path(medium, from, full_from, sizeof full_from, info);
    if (error == INK_OK) {
        error = ink_board_full_path(medium, to, full_to, sizeof full_to, info);
    }
    if (error != INK_OK) {
        return error;
    }
    if (sys_semihost_rename(full_from, full_to) != 0) {
        return ink_error_set(info, INK_ERR_IO, "cannot rename %s to %s", full_from, full_to);
    }
    return INK_OK;
}

ink_error ink_board_remove(ink_board_medium medium, const char *path, ink_error_info *info)
{
    char full[2u * INK_BOARD_PATH_BYTES];
    ink_error error = ink_board_full_path(medium, path, full, sizeof full, info);
    if (error == INK_OK) {
        (void)sys_semihost_remove(full); /* a missing file is fine */
    }
    return error;
}

/* ---- display, clock ---- */

uint8_t *ink_board_framebuffer(void)
{
    return ink_board_fb_storage;
}

ink_error ink_board_display_refresh(ink_error_info *info)
{
    (void)info;
    ink_board.refreshes++;
    return INK_OK;
}

uint32_t ink_board_millis(void)
{
    volatile const uint32_t *mtime = (volatile const uint32_t *)(uintptr_t)INK_CLINT_MTIME_ADDRESS;
    uint32_t high;
    uint32_t low;
    do {
        high = mtime[1];
        low = mtime[0];
    } while (high != mtime[1]);
    return (uint32_t)((((uint64_t)high << 32) | low) / INK_CLINT_TICKS_PER_MS);
}

/* ---- memory report ---- */

void ink_board_memory_status(ink_board_line_fn *print, void *user)
{
    char line[160];
    uint32_t budget = (uint32_t)(__ink_ram_limit - __ink_ram_start);
    uint32_t data = (uint32_t)(__data_end - __data_start);
    uint32_t bss = (uint32_t)(__bss_end - __bss_start);
    uint32_t stack = ink_board_stack_bytes();
    uint32_t used = (uint32_t)(__ink_ram_end - __ink_ram_start);
    uint32_t other = data + bss - (uint32_t)sizeof ink_board_arena_storage -
                     (uint32_t)sizeof ink_board_fb_storage;
    snprintf(line, sizeof line, "ram: budget %lu B, static %lu B (data %lu + bss %lu), "
             "stack %lu B, free %lu B", (unsigned long)budget, (unsigned long)(data + bss),
             (unsigned long)data, (unsigned long)bss, (unsigned long)stack,
             (unsigned long)(budget - used));
    print(user, line);
    snprintf(line, sizeof line, "ram: arena %lu B, framebuffer %lu B, other %lu B",
             (unsigned long)sizeof ink_board_arena_storage,
             (unsigned long)sizeof ink_board_fb_storage, (unsigned long)other);
    print(user, line);
    print(user, "heap: none (no malloc in this image; the link fails if anything references it)");
}
