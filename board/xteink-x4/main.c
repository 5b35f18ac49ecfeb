/*
 * main.c — the X4 firmware's boot and entry point (the board build under QEMU).
 *
 * Boot order (the design's): console, board I/O stand-ins, SD card, settings, flash file system,
 * then the arena and its status. Then the jobs, then the RAM report and the stack high-water
 * mark. Arguments come from QEMU's -append string (crt0-semihost makes them argc/argv):
 *
 *   sd=DIR          the SD card's host folder (default ".")
 *   flash=DIR       the flash file system's host folder (default "flash")
 *   jobs=FILE       run the job file FILE on the SD card
 *   selftest=stack  overflow the stack on purpose (the guard must trap; exit status 3)
 *   -- JOB ; JOB    run these job lines (after "--", separated by ";")
 *
 * Exit status: 0 all jobs succeeded, 1 a job failed, 2 boot failed, 3 trap.
 */
#include <string.h>

#include "arena/arena.h"
#include "board_cpu.h"
#include "board_hal.h"
#include "firmware.h"

#define INK_BOOT_JOB_LINE_BYTES 256u

/* The one arena instance and the settings: board statics (the design allows the board one). */
static ink_arena ink_board_arena;
static ink_board_settings ink_board_settings_store;

static void ink_log_line(void *user, const char *line)
{
    (void)user;
    ink_board_log("  %s", line);
}

static const char *ink_arg_value(const char *arg, const char *key)
{
    size_t key_length = strlen(key);
    if (strncmp(arg, key, key_length) == 0 && arg[key_length] == '=') {
        return arg + key_length + 1;
    }
    return NULL;
}

static int ink_boot_failed(const char *stage, const ink_error_info *info)
{
    ink_board_log("boot: %s failed: %s: %s", stage, ink_strerror(info->code), info->detail);
    return 2;
}

/* Runs the job lines given after "--", joined by spaces and split at ";". */
static void ink_run_argument_jobs(ink_board_context *context, int argc, char **argv, int first)
{
    char line[INK_BOOT_JOB_LINE_BYTES];
    size_t length = 0;
    uint32_t number = 1;
    for (int i = first; i <= argc; i++) {
        const char *word = i < argc ? argv[i] : ";";
        if (strcmp(word, ";") == 0) {
            line[length] = '\0';
            if (length > 0u) {
                (void)ink_board_run_job(context, line, number++);
            }
            length = 0;
            continue;
        }
        size_t word_length = strlen(word);
        if (length + word_length + 2u > sizeof line) {
            ink_board_log("job line %lu too long", (unsigned long)number);
            context->jobs_failed++;
            return;
        }
        if (length > 0u) {
            line[length++] = ' ';
        }
        memcpy(line + length, word, word_length);
        length += word_length;
    }
}

static int ink_firmware(int argc, char **argv)
{
    uint64_t boot_start = ink_board_instret();
    const char *sd_root = NULL;
    const char *flash_root = NULL;
    const char *job_file = NULL;
    int jobs_first = argc;
    bool overflow_selftest = false;
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (i == 1 && strchr(argv[i], '=') == NULL && strcmp(argv[i], "--") != 0) {
            continue; /* QEMU's semihosting command line starts with the kernel's path */
        }
        if (strcmp(argv[i], "--") == 0) {
            jobs_first = i + 1;
            break;
        } else if ((value = ink_arg_value(argv[i], "sd")) != NULL) {
            sd_root = value;
        } else if ((value = ink_arg_value(argv[i], "flash")) != NULL) {
            flash_root = value;
        } else if ((value = ink_arg_value(argv[i], "jobs")) != NULL) {
            job_file = value;
        } else if ((value = ink_arg_value(argv[i], "selftest")) != NULL &&
                   strcmp(value, "stack") == 0) {
            overflow_selftest = true;
        } else {
            ink_board_log("boot: unknown argument %s", argv[i]);
            return 2;
        }
    }

    ink_error_info info;
    ink_error_clear(&info);
    /* 1. console */
    if (ink_board_console_init() != INK_OK) {
        return 2;
    }
    ink_board_log("inkpipe xteink-x4 board build (RV32IMC, semihosting)");
    /* 2. board I/O stand-ins */
    if (ink_board_io_init(&info) != INK_OK) {
        return ink_boot_failed("board I/O", &info);
    }
    ink_board_log("boot: console, board I/O ok");
    /* 3. SD card */
    if (ink_board_sd_mount(sd_root, &info) != INK_OK) {
        return ink_boot_failed("SD card", &info);
    }
    ink_board_log("boot: SD card mounted (%s)", sd_root != NULL ? sd_root : ".");
    /* 4. settings */
    if (ink_board_settings_load(&ink_board_settings_store, INK_BOARD_SD, "settings.ini",
                                &info) != INK_OK) {
        return ink_boot_failed("settings", &info);
    }
    ink_board_log("boot: settings: %lu keys", (unsigned long)ink_board_settings_store.count);
    /* 5. flash file system */
    if (ink_board_flash_mount(flash_root, &info) != INK_OK) {
        return ink_boot_failed("flash file system", &info);
    }
    ink_board_log("boot: flash file system mounted (%s)",
                  flash_root != NULL ? flash_root : "flash");
    /* 6. the arena */
    ink_board_context context = {.arena = NULL, .settings = &ink_board_settings_store};
    void *arena_memory = ink_board_arena_memory();
    if (arena_memory == NULL) {
        info.code = INK_ERR_NO_MEMORY;
        return ink_boot_failed("arena memory", &info);
    }
    if (ink_arena_init(&ink_board_arena, arena_memory, INK_ARENA_BYTES) != INK_OK) {
        info.code = INK_ERR_INTERNAL;
        return ink_boot_failed("arena", &info);
    }
    context.arena = &ink_board_arena;
    ink_board_log("boot: arena ready, %u bytes at %p", (unsigned)INK_ARENA_BYTES, arena_memory);
    ink_arena_status(&ink_board_arena, ink_log_line, NULL);
    ink_board_memory_status(ink_log_line, NULL);
    ink_board_log("boot: done in %llu instructions",
                  (unsigned long long)(ink_board_instret() - boot_start));

    if (overflow_selftest) {
        ink_board_stack_overflow_selftest();
    }
    if (job_file != NULL &&
        ink_board_run_job_file(&context, job_file, &info) != INK_OK) {
        ink_board_log("jobs: %s: %s", ink_strerror(info.code), info.detail);
        context.jobs_failed++;
    }
    ink_run_argument_jobs(&context, argc, argv, jobs_first);
    ink_board_log("jobs: %lu run, %lu failed", (unsigned long)context.jobs_run,
                  (unsigned long)context.jobs_failed);
    return context.jobs_failed == 0u ? 0 : 1;
}

#ifdef INK_BOARD_HEAP_PROBE
void *ink_board_heap_probe(size_t nbytes);
#endif

int main(int argc, char **argv)
{
#ifdef INK_BOARD_HEAP_PROBE
    if (argc > 1000) {
        (void)ink_board_heap_probe((size_t)argc);
    }
#endif
    ink_board_stack_paint();
    ink_board_cpu_init();
    int status = ink_firmware(argc, argv);
    ink_board_log("stack: high-water %lu of %lu bytes", (unsigned long)ink_board_stack_peak(),
                  (unsigned long)ink_board_stack_bytes());
    ink_board_exit(status);
}
