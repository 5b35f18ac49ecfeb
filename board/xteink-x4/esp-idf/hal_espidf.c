/*
 * hal_espidf.c — the board HAL on the real Xteink X4 (ESP32-C3, ESP-IDF v5.x).
 *
 * NOT BUILT HERE (no ESP-IDF on these machines): kept small and behind the same board_hal.h /
 * board_cpu.h as the QEMU build, so the firmware modules above it are the ones tested under
 * QEMU. Differences from hal_semihost.c:
 *   - SD card: FATFS over SDSPI at /sd; flash file system: LittleFS at /flash (partition
 *     "storage"); files through POSIX open/read/write/lseek (newlib VFS), no stdio buffers;
 *   - the arena is one heap_caps_malloc(INK_ARENA_BYTES, MALLOC_CAP_INTERNAL | MALLOC_CAP_DMA)
 *     at boot (internal, DMA-capable SRAM), never freed; the status adds heap free, largest free
 *     block and DMA-capable free, which tell fragmentation from exhaustion;
 *   - the framebuffer is a static (48,000 bytes) sent to the panel over SPI;
 *   - instructions: the ESP32-C3 has no usable minstret; its performance counter counts cycles
 *     (esp_cpu_get_cycle_count), so on the device "instret" fields are cycles;
 *   - the stack is the FreeRTOS main task's (CONFIG_ESP_MAIN_TASK_STACK_SIZE=8192), its
 *     high-water mark from uxTaskGetStackHighWaterMark; overflow detection is IDF's
 *     (CONFIG_FREERTOS_WATCHPOINT_END_OF_STACK).
 * Pin numbers are the X4's as far as we know them; check against the board before flashing.
 */
#include "board_cpu.h"
#include "board_hal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena/arena.h"
#include "driver/sdspi_host.h"
#include "driver/spi_master.h"
#include "esp_cpu.h"
#include "esp_heap_caps.h"
#include "esp_littlefs.h"
#include "esp_log.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "esp_vfs_fat.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#define INK_SD_MOUNT "/sd"
#define INK_FLASH_MOUNT "/flash"
#define INK_SPI_HOST SPI2_HOST
#define INK_PIN_SCLK 8
#define INK_PIN_MOSI 10
#define INK_PIN_MISO 7
#define INK_PIN_SD_CS 12
#define INK_PIN_EPD_CS 21
#define INK_EPD_SPI_HZ (20 * 1000 * 1000)

static const char *INK_TAG = "inkpipe";
static uint8_t ink_board_fb_storage[INK_BOARD_FB_BYTES];
static spi_device_handle_t ink_epd;
static uint32_t ink_open_files;

ink_error ink_board_console_init(void)
{
    return INK_OK; /* the IDF console (UART / USB-serial-JTAG) is up before app_main */
}

void ink_board_log_va(const char *format, va_list args)
{
    char line[256];
    vsnprintf(line, sizeof line, format, args);
    ESP_LOGI(INK_TAG, "%s", line);
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
    ink_board_log("exit %d: restarting", code);
    esp_restart();
}

ink_error ink_board_io_init(ink_error_info *info)
{
    spi_bus_config_t bus = {.sclk_io_num = INK_PIN_SCLK, .mosi_io_num = INK_PIN_MOSI,
                            .miso_io_num = INK_PIN_MISO, .quadwp_io_num = -1,
                            .quadhd_io_num = -1, .max_transfer_sz = 4096};
    if (spi_bus_initialize(INK_SPI_HOST, &bus, SPI_DMA_CH_AUTO) != ESP_OK) {
        return ink_error_set(info, INK_ERR_IO, "SPI bus init failed");
    }
    spi_device_interface_config_t epd = {.clock_speed_hz = INK_EPD_SPI_HZ, .mode = 0,
                                         .spics_io_num = INK_PIN_EPD_CS, .queue_size = 1};
    if (spi_bus_add_device(INK_SPI_HOST, &epd, &ink_epd) != ESP_OK) {
        return ink_error_set(info, INK_ERR_IO, "e-paper SPI device init failed");
    }
    memset(ink_board_fb_storage, 0xFF, sizeof ink_board_fb_storage);
    return INK_OK; /* buttons (ADC ladder) and battery ADC: read where used */
}

ink_error ink_board_sd_mount(const char *root, ink_error_info *info)
{
    (void)root;
    sdmmc_card_t *card;
    sdmmc_host_t host = SDSPI_HOST_DEFAULT();
    host.slot = INK_SPI_HOST;
    sdspi_device_config_t slot = SDSPI_DEVICE_CONFIG_DEFAULT();
    slot.gpio_cs = INK_PIN_SD_CS;
    slot.host_id = INK_SPI_HOST;
    esp_vfs_fat_mount_config_t mount = {.format_if_mount_failed = false,
                                        .max_files = INK_BOARD_MAX_FILES,
                                        .allocation_unit_size = 16 * 1024};
    if (esp_vfs_fat_sdspi_mount(INK_SD_MOUNT, &host, &slot, &mount, &card) != ESP_OK) {
        return ink_error_set(info, INK_ERR_IO, "SD card mount failed");
    }
    return INK_OK;
}

ink_error ink_board_flash_mount(const char *root, ink_error_info *info)
{
    (void)root;
    esp_vfs_littlefs_conf_t conf = {.base_path = INK_FLASH_MOUNT, .partition_label = "storage",
                                    .format_if_mount_failed = true};
    if (esp_vfs_littlefs_register(&conf) != ESP_OK) {
        return ink_error_set(info, INK_ERR_IO, "LittleFS mount failed");
    }
    return INK_OK;
}

void *ink_board_arena_memory(void)
{
    /* Once, at boot, before WiFi or anything else can fragment internal RAM. */
    return heap_caps_aligned_alloc(INK_ARENA_ALIGN, INK_ARENA_BYTES,
                                   MALLOC_CAP_INTERNAL | MALLOC_CAP_DMA);
}

static ink_error ink_full_path(ink_board_medium medium, const char *path, char *out,
                               size_t out_nbytes, ink_error_info *info)
{
    int n = snprintf(out, out_nbytes, "%s/%s",
                     medium == INK_BOARD_SD ? INK_SD_MOUNT : INK_FLASH_MOUNT, path);
    if (n < 0 || (size_t)n >= out_nbytes) {
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "path too long: %s", path);
    }
    return INK_OK;
}

static ink_error ink_file_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    ink_board_file *file = user;
    ssize_t n = read(file->handle, dst, nbytes);
    if (n < 0) {
        *got = 0;
        return INK_ERR_IO;
    }
    *got = (size_t)n;
    file->position += (uint32_t)n;
    return INK_OK;
}

static ink_error ink_file_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_board_file *file = user;
    if (write(file->handle, src, nbytes) != (ssize_t)nbytes) {
        return INK_ERR_IO;
    }
    file->position += (uint32_t)nbytes;
    if (file->position > file->length) {
        file->length = file->position;
    }
    return INK_OK;
}

static ink_error ink_file_seek(void *user, uint64_t offset)
{
    ink_board_file *file = user;
    if (offset > UINT32_MAX || lseek(file->handle, (off_t)offset, SEEK_SET) < 0) {
        return INK_ERR_IO;
    }
    file->position = (uint32_t)offset;
    return INK_OK;
}

static ink_error ink_open(ink_board_medium medium, const char *path, bool writable,
                          ink_board_file *file, ink_error_info *info)
{
    char full[2u * INK_BOARD_PATH_BYTES];
    file->handle = -1;
    ink_error error = ink_full_path(medium, path, full, sizeof full, info);
    if (error != INK_OK) {
        return error;
    }
    if (ink_open_files >= INK_BOARD_MAX_FILES) {
        return ink_error_set(info, INK_ERR_NO_MEMORY, "too many open files opening %s", path);
    }
    int handle = writable ? open(full, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(full, O_RDONLY);
    if (handle < 0) {
        return ink_error_set(info, INK_ERR_IO, "cannot open %s", full);
    }
    struct stat st;
    uint32_t length = (!writable && fstat(handle, &st) == 0) ? (uint32_t)st.st_size : 0u;
    ink_open_files++;
    *file = (ink_board_file){.handle = handle, .position = 0, .length = length,
                             .writable = writable};
    return INK_OK;
}

ink_error ink_board_open_read(ink_board_medium medium, const char *path, ink_board_file *file,
                              ink_source *source, ink_error_info *info)
{
    ink_error error = ink_open(medium, path, false, file, info);
    if (error == INK_OK) {
        *source = (ink_source){.read = ink_file_read, .seek = ink_file_seek, .user = file};
    }
    return error;
}

ink_error ink_board_open_write(ink_board_medium medium, const char *path, ink_board_file *file,
                               ink_sink *sink, ink_error_info *info)
{
    ink_error error = ink_open(medium, path, true, file, info);
    if (error == INK_OK) {
        *sink = (ink_sink){.write = ink_file_write, .seek = ink_file_seek, .user = file};
    }
    return error;
}

void ink_board_close(ink_board_file *file)
{
    if (file->handle >= 0) {
        close(file->handle);
        file->handle = -1;
        ink_open_files--;
    }
}

ink_error ink_board_rename(ink_board_medium medium, const char *from, const char *to,
                           ink_error_info *info)
{
    char full_from[2u * INK_BOARD_PATH_BYTES];
    char full_to[2u * INK_BOARD_PATH_BYTES];
    ink_error error = ink_full_path(medium, from, full_from, sizeof full_from, info);
    if (error == INK_OK) {
        error = ink_full_path(medium, to, full_to, sizeof full_to, info);
    }
    if (error != INK_OK) {
        return error;
    }
    unlink(full_to); /* FATFS rename does not replace */
    if (rename(full_from, full_to) != 0) {
        return ink_error_set(info, INK_ERR_IO, "cannot rename %s to %s", full_from, full_to);
    }
    return INK_OK;
}

ink_error ink_board_remove(ink_board_medium medium, const char *path, ink_error_info *info)
{
    char full[2u * INK_BOARD_PATH_BYTES];
    ink_error error = ink_full_path(medium, path, full, sizeof full, info);
    if (error == INK_OK) {
        unlink(full);
    }
    return error;
}

uint8_t *ink_board_framebuffer(void)
{
    return ink_board_fb_storage;
}

ink_error ink_board_display_refresh(ink_error_info *info)
{
    /* The panel controller's command sequence (write RAM, update) is the display driver's job;
     * here the framebuffer goes out in 4 KB SPI transactions after the "write RAM" command. */
    for (uint32_t offset = 0; offset < INK_BOARD_FB_BYTES; offset += 4096u) {
        uint32_t n = INK_BOARD_FB_BYTES - offset < 4096u ? INK_BOARD_FB_BYTES - offset : 4096u;
        spi_transaction_t t = {.length = n * 8u, .tx_buffer = ink_board_fb_storage + offset};
        if (spi_device_polling_transmit(ink_epd, &t) != ESP_OK) {
            return ink_error_set(info, INK_ERR_IO, "e-paper SPI write failed");
        }
    }
    return INK_OK;
}

uint32_t ink_board_millis(void)
{
    return (uint32_t)(esp_timer_get_time() / 1000);
}

void ink_board_memory_status(ink_board_line_fn *print, void *user)
{
    char line[160];
    snprintf(line, sizeof line, "heap: free %u B, largest free block %u B, DMA-capable free %u B",
             (unsigned)heap_caps_get_free_size(MALLOC_CAP_INTERNAL),
             (unsigned)heap_caps_get_largest_free_block(MALLOC_CAP_INTERNAL),
             (unsigned)heap_caps_get_free_size(MALLOC_CAP_DMA));
    print(user, line);
    snprintf(line, sizeof line, "heap: minimum free ever %u B",
             (unsigned)heap_caps_get_minimum_free_size(MALLOC_CAP_INTERNAL));
    print(user, line);
}

/* ---- board_cpu.h on the device ---- */

uint64_t ink_board_instret(void)
{
    return esp_cpu_get_cycle_count(); /* cycles, not instructions: see the header comment */
}

void ink_board_cpu_init(void)
{
}

void ink_board_stack_paint(void)
{
    /* FreeRTOS paints task stacks itself (tskSTACK_FILL_BYTE). */
}

uint32_t ink_board_stack_high_water(void)
{
    return CONFIG_ESP_MAIN_TASK_STACK_SIZE -
           (uint32_t)uxTaskGetStackHighWaterMark(NULL) * sizeof(StackType_t);
}

uint32_t ink_board_stack_peak(void)
{
    return ink_board_stack_high_water();
}

uint32_t ink_board_stack_bytes(void)
{
    return CONFIG_ESP_MAIN_TASK_STACK_SIZE;
}
