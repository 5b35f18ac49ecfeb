/*
 * cmd_epub.c — `inkpipe epub BOOK.epub -o DIR`: every raster image of a book to a 1-bit BMP,
 * the cover as DIR/cover.bmp, a JSON Lines report (docs/EPUB.md has the decisions).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/cli.h"
#include "host/commands.h"
#include "host/epub_book.h"
#include "host/contact_sheet.h"
#include "host/thumb_make.h"

typedef enum job_status { JOB_PENDING = 0, JOB_CONVERTED, JOB_SKIPPED, JOB_FAILED } job_status;

typedef struct job {
    const char *source_path;  /* archive path (owned by the book's items or cover) */
    const char *media_type;
    char *output;             /* relative to DIR; NULL when skipped before the work */
    bool is_cover;
    bool in_archive_path;     /* source_path is a resolved archive path: look its entry up */
    bool has_entry;
    ink_zip_entry entry;
    /* results */
    job_status status;
    char reason[INK_ERROR_DETAIL_BYTES + 96];
    char codec[64];
    uint64_t output_nbytes;
    uint32_t out_width, out_height;
    double milliseconds;
} job;

typedef struct epub_run {
    const char *book_path;
    const char *out_dir;
    ink_cli_convert_options options, cover_options;
    job *jobs;
    uint32_t job_count;
    pthread_mutex_t lock;
    uint32_t next_job, done;
    bool progress;
    ink_contact_sheet *sheet; /* --sheet: each source beside its output, or NULL */
} epub_run;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void set_reason(job *j, job_status status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void set_reason(job *j, job_status status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(j->reason, sizeof j->reason, format, args);
    va_end(args);
    j->status = status;
}

static const char *media_skip_reason(ink_epub_media media)
{
    switch (media) {
    case INK_EPUB_MEDIA_GIF: return "GIF is not converted (JPEG and PNG only)";
    case INK_EPUB_MEDIA_WEBP: return "WebP is not converted (JPEG and PNG only)";
    case INK_EPUB_MEDIA_SVG: return "SVG is vector art, not rasterised";
    default: return "this image type is not converted (JPEG and PNG only)";
    }
}

/* ---- output names ------------------------------------------------------------------------ */

/* The archive path relative to the OPF's folder, sanitised, with ".bmp" for its extension and
 * "-2", "-3"... before it when the name is taken. Names are compared ignoring case: the
 * reader's SD card is FAT. "cover.bmp" and the report's name are reserved. */
static char *output_name(const char *path, const char *folder, char **taken, uint32_t taken_count,
                         const char *report_name)
{
    size_t folder_nbytes = strlen(folder);
    const char *relative = strncmp(path, folder, folder_nbytes) == 0 ? path + folder_nbytes : path;
    char clean[INK_ZIP_NAME_BYTES];
    if (ink_zip_sanitize_name(relative, strlen(relative), clean, sizeof clean) != INK_OK)
        snprintf(clean, sizeof clean, "image");
    char *slash = strrchr(clean, '/');
    char *dot = strrchr(clean, '.');
    if (dot && (!slash || dot > slash) && dot != clean && dot[-1] != '/')
        *dot = '\0';
    char *name = malloc(strlen(clean) + 32);
    /* One pass over the taken names marks which suffixes n are used (n = 1 is no suffix); with
     * taken_count + 2 candidates one is free. Trying n = 1, 2, ... against every taken name
     * was cubic in a manifest repeating one href (2,000 items: 5.5 s; 20,000: hours). */
    uint32_t candidates = taken_count + 3;
    bool *used = calloc(candidates, sizeof *used);
    if (!name || !used) {
        free(name);
        free(used);
        return NULL;
    }
    size_t clean_nbytes = strlen(clean);
    for (uint32_t i = 0; i <= taken_count + 1; i++) {
        const char *other = i < taken_count ? taken[i] : i == taken_count ? "cover.bmp"
                                                                         : report_name;
        if (!other || strncasecmp(other, clean, clean_nbytes) != 0)
            continue;
        const char *rest = other + clean_nbytes;
        if (strcasecmp(rest, ".bmp") == 0) {
            used[1] = true;
        } else if (rest[0] == '-' && rest[1] >= '1' && rest[1] <= '9') {
            char *end;
            unsigned long n = strtoul(rest + 1, &end, 10);
            if (strcasecmp(end, ".bmp") == 0 && n >= 2 && n < candidates)
                used[n] = true;
        }
    }
    uint32_t n = 1;
    while (used[n])
        n++;
    free(used);
    if (n == 1)
        sprintf(name, "%s.bmp", clean);
    else
        sprintf(name, "%s-%u.bmp", clean, n);
    return name;
}

/* mkdir -p of the folders of DIR/relative. */
static bool make_parent_folders(const char *out_dir, const char *relative)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, relative);
    size_t start = strlen(out_dir) + 1;
    for (size_t i = start; path[i]; i++) {
        if (path[i] != '/')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return false;
        path[i] = '/';
    }
    return true;
}

/* mkdir -p `path`. */
static bool make_folders(const char *path)
{
    char partial[4096];
    snprintf(partial, sizeof partial, "%s/", path);
    for (size_t i = 1; partial[i]; i++) {
        if (partial[i] != '/')
            continue;
        partial[i] = '\0';
        if (mkdir(partial, 0777) != 0 && errno != EEXIST)
            return false;
        partial[i] = '/';
    }
    return true;
}

/* ---- one image ----------------------------------------------------------------------------- */

typedef struct worker {
    epub_run *run;
    ink_arena *arena;
    FILE *file;
    ink_source source;
    ink_zip zip;
    bool ready;
} worker;

/* Reads a whole entry into the heap (the `--codec system` path). */
/* The board's path for a deflated entry: inflate it to a temporary file with the in-arena
 * inflate (window in PRIMARY, state in SCRATCH, input in DITHER), releasing the claims after. */
static ink_error inflate_entry_to_file(worker *w, const ink_zip_entry *entry, FILE *out,
                                       ink_error_info *info)
{
    ink_claim window = {0}, state = {0}, input = {0};
    ink_error error = ink_arena_claim_region(w->arena, INK_REGION_PRIMARY, "zip inflate window",
                                             &window, info);
    if (error == INK_OK)
        error = ink_arena_claim_range(w->arena, INK_REGION_SCRATCH, 0,
                                      (uint32_t)INK_INFLATE_STATE_BYTES, "zip inflate state",
                                      &state, info);
    if (error == INK_OK)
        error = ink_arena_claim_region(w->arena, INK_REGION_DITHER, "zip input and output",
                                       &input, info);
    if (error == INK_OK) {
        /* DITHER's first half takes compressed input, the second half inflated output. */
        uint32_t half = input.nbytes / 2;
        ink_zip_reader reader;
        ink_zip_reader_memory memory = {state.bytes, state.nbytes, window.bytes, input.bytes,
                                        half};
        error = ink_zip_reader_open(&reader, &w->zip, entry, &memory, info);
        while (error == INK_OK) {
            size_t got = 0;
            error = ink_zip_reader_read(&reader, input.bytes + half, half, &got, info);
            if (error != INK_OK || got == 0)
                break;
            if (fwrite(input.bytes + half, 1, got, out) != got)
                error = ink_error_set(info, INK_ERR_IO, "temporary file: %s", strerror(errno));
        }
    }
    ink_claim *claims[] = {&window, &state, &input};
    for (size_t i = 0; i < 3; i++)
        if (claims[i]->bytes)
            ink_arena_release(w->arena, claims[i]);
    if (error == INK_OK && (fflush(out) != 0 || fseeko(out, 0, SEEK_SET) != 0))
        error = ink_error_set(info, INK_ERR_IO, "temporary file: %s", strerror(errno));
    return error;
}

/* Picks the decoder for the bytes' format; for the arena family without an in-arena decoder
 * for it, falls back to the system one and says so in the report. */
static const ink_decoder *pick_decoder(job *j, ink_codec_family family, const uint8_t *head,
                                       size_t head_nbytes)
{
    ink_image_format format = ink_sniff_format(head, head_nbytes);
    if (format == INK_FORMAT_UNKNOWN) {
        set_reason(j, JOB_FAILED, "not a JPEG or PNG file (media-type says %s)", j->media_type);
        return NULL;
    }
    const ink_decoder *decoder = ink_host_decoder_for(family, format);
    if (!decoder)
        set_reason(j, JOB_FAILED, "no decoder for this format");
    return decoder;
}

static void convert_job(worker *w, job *j)
{
    epub_run *run = w->run;
    const ink_cli_convert_options *options = j->is_cover ? &run->cover_options : &run->options;
    ink_error_info info;
    ink_error_clear(&info);
    uint8_t *data = NULL;
    size_t data_nbytes = 0;
    FILE *temporary = NULL;
    ink_zip_reader reader;
    ink_source source;
    uint8_t head[16] = {0}, stored_input[512];
    size_t head_nbytes = 0;
    ink_error error = INK_OK;
    bool arena_path = options->codec == INK_CODEC_ARENA;

    if (!arena_path) {
        error = epub_read_entry(&w->zip, &j->entry, &data, &data_nbytes, &info);
        head_nbytes = data_nbytes < sizeof head ? data_nbytes : sizeof head;
        if (error == INK_OK)
            memcpy(head, data, head_nbytes);
    } else if (j->entry.method == 0) {
        /* Stored: decoded in place, straight from the archive's bytes. */
        ink_zip_reader_memory memory = {NULL, 0, NULL, stored_input, sizeof stored_input};
        error = ink_zip_reader_open(&reader, &w->zip, &j->entry, &memory, &info);
        if (error == INK_OK && (error = ink_zip_reader_read(&reader, head, sizeof head,
                                                            &head_nbytes, &info)) == INK_OK)
            error = ink_zip_reader_open(&reader, &w->zip, &j->entry, &memory, &info);
    } else {
        temporary = tmpfile();
        if (!temporary)
            error = ink_error_set(&info, INK_ERR_IO, "temporary file: %s", strerror(errno));
        if (error == INK_OK)
            error = inflate_entry_to_file(w, &j->entry, temporary, &info);
        if (error == INK_OK) {
            head_nbytes = fread(head, 1, sizeof head, temporary);
            fseeko(temporary, 0, SEEK_SET);
        }
    }
    if (error != INK_OK) {
        set_reason(j, JOB_FAILED, "%s: %s", ink_strerror(error), info.detail);
        goto done;
    }
    const ink_decoder *decoder = pick_decoder(j, options->codec, head, head_nbytes);
    if (!decoder)
        goto done;
    ink_memory_source memory_state;
    if (!arena_path)
        source = ink_memory_source_open(&memory_state, data, data_nbytes);
    else if (j->entry.method == 0)
        source = ink_zip_reader_source(&reader);
    else
        source = epub_file_source(temporary);
    snprintf(j->codec, sizeof j->codec, "%s%s", arena_path && j->entry.method != 0 ?
             "arena-inflate+" : "", decoder->name);

    char final_path[4096];
    snprintf(final_path, sizeof final_path, "%s/%s", run->out_dir, j->output);
    ink_output_file output;
    ink_sink sink;
    if (!ink_output_file_open(&output, final_path, &sink)) {
        set_reason(j, JOB_FAILED, "cannot create %s: %s", final_path, strerror(errno));
        goto done;
    }
    ink_convert_result result;
    error = ink_convert_image(decoder, &source, &sink, w->arena, &options->convert, &result,
                              &info);
    if (error == INK_OK && arena_path && j->entry.method == 0 && reader.failed == INK_OK) {
        /* Drain the entry so its CRC is checked even if the decoder stopped before its end. */
        uint8_t rest[512];
        size_t got = 1;
        while (error == INK_OK && got)
            error = ink_zip_reader_read(&reader, rest, sizeof rest, &got, &info);
    }
    if (error != INK_OK) {
        int write_errno = output.write_errno;
        ink_output_file_abort(&output);
        if (write_errno != 0) /* the output failed (a full disk), not the image */
            set_reason(j, JOB_FAILED, "cannot write %s: %s", final_path, strerror(write_errno));
        else
            set_reason(j, JOB_FAILED, "%s: %s", ink_strerror(error), info.detail);
        goto done;
    }
    if (!ink_output_file_commit(&output)) {
        set_reason(j, JOB_FAILED, "cannot write %s: %s", final_path, strerror(errno));
        goto done;
    }
    struct stat written;
    if (stat(final_path, &written) == 0)
        j->output_nbytes = (uint64_t)written.st_size;
    j->out_width = result.out_width;
    j->out_height = result.out_height;
    j->status = JOB_CONVERTED;
    if (run->sheet) /* with --codec arena the source bytes are not in memory: the row says so */
        ink_contact_sheet_add(run->sheet, (uint32_t)(j - run->jobs), data, data_nbytes,
                              final_path, j->source_path);
done:
    free(data);
    if (temporary)
        fclose(temporary);
}

/* ---- workers and progress ------------------------------------------------------------------ */

static void draw_progress(epub_run *run)
{
    const int width = 30;
    int filled = run->job_count ? (int)(width * (uint64_t)run->done / run->job_count) : width;
    fprintf(stderr, "\r[%.*s%*s] %u/%u images", filled, "##############################",
            width - filled, "", run->done, run->job_count);
    fflush(stderr);
}

static void *worker_main(void *user)
{
    worker *w = user;
    epub_run *run = w->run;
    for (;;) {
        pthread_mutex_lock(&run->lock);
        uint32_t index = run->next_job;
        while (index < run->job_count && run->jobs[index].status != JOB_PENDING)
            index++;
        run->next_job = index + 1;
        pthread_mutex_unlock(&run->lock);
        if (index >= run->job_count)
            break;
        job *j = &run->jobs[index];
        double start = now_ms();
        if (w->ready)
            convert_job(w, j);
        else
            set_reason(j, JOB_FAILED, "worker could not open the book or its arena");
        j->milliseconds = now_ms() - start;
        pthread_mutex_lock(&run->lock);
        run->done++;
        if (run->progress)
            draw_progress(run);
        pthread_mutex_unlock(&run->lock);
    }
    return NULL;
}

static bool worker_open(worker *w, epub_run *run)
{
    memset(w, 0, sizeof *w);
    w->run = run;
    uint64_t nbytes;
    w->arena = ink_cli_arena_new();
    if (!w->arena || !epub_open_archive_file(run->book_path, &w->file, &w->source, &nbytes))
        return false;
    w->ready = ink_zip_open(&w->zip, &w->source, nbytes, &EPUB_ZIP_LIMITS, NULL) == INK_OK;
    return w->ready;
}

static void worker_close(worker *w)
{
    if (w->file)
        fclose(w->file);
    if (w->arena)
        ink_cli_arena_free(w->arena);
}

/* ---- the report ---------------------------------------------------------------------------- */

static void json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static const char *status_name(job_status status)
{
    return status == JOB_CONVERTED ? "converted" : status == JOB_SKIPPED ? "skipped" : "failed";
}

static bool write_report(const epub_run *run, const char *path)
{
    ink_output_file output;
    ink_sink sink;
    if (!ink_output_file_open(&output, path, &sink))
        return false;
    FILE *out = output.file;
    for (uint32_t i = 0; i < run->job_count; i++) {
        const job *j = &run->jobs[i];
        fputs("{\"source\":", out);
        json_string(out, j->source_path);
        fprintf(out, ",\"role\":\"%s\",\"media_type\":", j->is_cover ? "cover" : "image");
        json_string(out, j->media_type);
        fputs(",\"source_bytes\":", out);
        if (j->has_entry)
            fprintf(out, "%llu", (unsigned long long)j->entry.uncompressed_nbytes);
        else
            fputs("null", out);
        fputs(",\"output\":", out);
        json_string(out, j->status == JOB_CONVERTED ? j->output : NULL);
        fprintf(out, ",\"output_bytes\":%llu,\"width\":%u,\"height\":%u,\"codec\":",
                (unsigned long long)j->output_nbytes, j->out_width, j->out_height);
        json_string(out, j->codec[0] ? j->codec : NULL);
        fprintf(out, ",\"status\":\"%s\",\"reason\":", status_name(j->status));
        json_string(out, j->reason);
        fprintf(out, ",\"milliseconds\":%.1f}\n", j->milliseconds);
    }
    if (ferror(out)) {
        ink_output_file_abort(&output);
        return false;
    }
    return ink_output_file_commit(&output);
}

/* ---- the command --------------------------------------------------------------------------- */

static int compare_jobs_by_path(const void *a, const void *b)
{
    const job *const *x = a, *const *y = b;
    return strcmp((*x)->source_path, (*y)->source_path);
}

/* One pass over the central directory finds every job's entry. */
static ink_error find_entries(epub_book *book, job *jobs, uint32_t count, ink_error_info *info)
{
    job **sorted = malloc((count ? count : 1) * sizeof *sorted);
    if (!sorted)
        return ink_error_set(info, INK_ERR_NO_MEMORY, "job index");
    uint32_t n = 0;
    for (uint32_t i = 0; i < count; i++)
        if (jobs[i].in_archive_path)
            sorted[n++] = &jobs[i];
    qsort(sorted, n, sizeof *sorted, compare_jobs_by_path);
    uint64_t cursor = 0;
    ink_zip_entry entry;
    ink_error error = INK_OK;
    for (uint32_t e = 0; e < book->zip.entry_count && error == INK_OK; e++) {
        if ((error = ink_zip_entry_at(&book->zip, e, &cursor, &entry, info)) != INK_OK)
            break;
        job key = {.source_path = entry.name};
        job *key_pointer = &key;
        job **hit = bsearch(&key_pointer, sorted, n, sizeof *sorted, compare_jobs_by_path);
        if (!hit || entry.name_truncated)
            continue;
        while (hit > sorted && strcmp(hit[-1]->source_path, entry.name) == 0)
            hit--; /* the cover shares its image's entry */
        for (; hit < sorted + n && strcmp((*hit)->source_path, entry.name) == 0; hit++) {
            (*hit)->entry = entry;
            (*hit)->has_entry = true;
        }
    }
    free(sorted);
    return error;
}

static int usage(void)
{
    return ink_cli_usage_error("epub", "needs a book and -o DIR");
}

int ink_cmd_epub(int argc, char **argv)
{
    epub_run run;
    memset(&run, 0, sizeof run);
    ink_cli_convert_options_default(&run.options);
    const char *report_path = NULL, *cache_root = NULL;
    bool want_sheet = false;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN); /* the default: one worker per core, up to 8 */
    jobs = jobs < 1 ? 1 : jobs > 8 ? 8 : jobs;
    ink_fit cover_fit = INK_FIT_COVER;
    for (int i = 1; i < argc; i++) {
        int parsed = ink_cli_parse_convert_option(argc, argv, &i, &run.options);
        if (parsed < 0)
            return INK_EXIT_USAGE;
        if (parsed > 0)
            continue;
        const char *arg = argv[i];
        if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("epub", "-o needs a folder");
            run.out_dir = argv[i];
        } else if (strcmp(arg, "--sheet") == 0) {
            want_sheet = true;
        } else if (strcmp(arg, "--cache") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("epub", "--cache needs a folder");
            cache_root = argv[i];
        } else if (strcmp(arg, "--report") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("epub", "--report needs a file name");
            report_path = argv[i];
        } else if (strcmp(arg, "--jobs") == 0 || strcmp(arg, "-j") == 0) {
            char *end = NULL;
            if (++i >= argc || (jobs = strtol(argv[i], &end, 10), *end != '\0') || jobs < 1 ||
                jobs > 64)
                return ink_cli_usage_error("epub", "--jobs takes a number from 1 to 64");
        } else if (strcmp(arg, "--cover-fit") == 0) {
            if (++i >= argc || (strcmp(argv[i], "cover") != 0 && strcmp(argv[i], "contain") != 0))
                return ink_cli_usage_error("epub", "--cover-fit takes cover or contain");
            cover_fit = strcmp(argv[i], "cover") == 0 ? INK_FIT_COVER : INK_FIT_CONTAIN;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return ink_cli_usage_error("epub", "unknown option '%s'", arg);
        } else if (!run.book_path) {
            run.book_path = arg;
        } else {
            return ink_cli_usage_error("epub", "one book only ('%s' is extra)", arg);
        }
    }
    if (!run.book_path || !run.out_dir)
        return usage();
    if (jobs < 1)
        jobs = 1;
    /* The cover fills the whole screen: its own box, fit and upscaling; the rest as given. */
    run.cover_options = run.options;
    run.cover_options.convert.box_width = INK_DISPLAY_WIDTH;
    run.cover_options.convert.box_height = INK_DISPLAY_HEIGHT;
    run.cover_options.convert.fit = cover_fit;
    run.cover_options.convert.upscale = true;

    double start = now_ms();
    epub_book book;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = epub_book_open(&book, run.book_path, &info);
    if (error != INK_OK)
        return ink_cli_input_error(run.book_path, error, &info);
    if (!make_folders(run.out_dir)) {
        fprintf(stderr, "inkpipe: %s: cannot create: %s\n", run.out_dir, strerror(errno));
        epub_book_close(&book);
        return INK_EXIT_FAILURE;
    }
    char default_report[4096];
    if (!report_path) {
        snprintf(default_report, sizeof default_report, "%s/report.jsonl", run.out_dir);
        report_path = default_report;
    }
    char sheet_path[4096];
    snprintf(sheet_path, sizeof sheet_path, "%s/sheet.html", run.out_dir);
    if (want_sheet && !(run.sheet = ink_contact_sheet_begin(sheet_path, run.book_path))) {
        fprintf(stderr, "inkpipe: out of memory\n");
        epub_book_close(&book);
        return INK_EXIT_FAILURE;
    }
    const char *report_name = strrchr(report_path, '/') ? strrchr(report_path, '/') + 1
                                                        : report_path;

    /* Jobs: one per image item in manifest order, then the cover. */
    run.jobs = calloc(book.item_count + 1, sizeof *run.jobs);
    char **taken = calloc(book.item_count + 1, sizeof *taken);
    if (!run.jobs || !taken) {
        fprintf(stderr, "inkpipe: out of memory\n");
        return INK_EXIT_FAILURE;
    }
    for (uint32_t i = 0; i < book.item_count; i++) {
        const epub_item *item = &book.items[i];
        ink_epub_media media = ink_epub_media_of(item->media_type);
        if (!ink_epub_media_is_image(media))
            continue;
        job *j = &run.jobs[run.job_count++];
        j->source_path = item->path_status == INK_EPUB_HREF_OK ? item->path : item->href;
        j->media_type = item->media_type;
        j->in_archive_path = item->path_status == INK_EPUB_HREF_OK;
        if (item->path_status != INK_EPUB_HREF_OK)
            set_reason(j, JOB_SKIPPED, "href '%s' %s: not followed", item->href,
                       ink_epub_href_status_text(item->path_status));
        else if (!ink_epub_media_is_raster(media))
            set_reason(j, JOB_SKIPPED, "%s", media_skip_reason(media));
        else
            taken[run.job_count - 1] = j->output =
                output_name(item->path, book.package.folder, taken, run.job_count - 1,
                            report_name);
    }
    if (book.cover.via != INK_EPUB_COVER_NONE || book.cover.declared) {
        job *j = &run.jobs[run.job_count++];
        j->is_cover = true;
        j->source_path = book.cover.via ? book.cover.image_path : NULL;
        j->media_type = book.cover.via ? book.cover.media_type : NULL;
        j->output = strdup("cover.bmp");
        j->in_archive_path = book.cover.via != INK_EPUB_COVER_NONE;
        if (!book.cover.via)
            set_reason(j, JOB_SKIPPED, "no usable cover: %s", book.cover.note);
    }
    if ((error = find_entries(&book, run.jobs, run.job_count, &info)) != INK_OK) {
        epub_book_close(&book);
        return ink_cli_input_error(run.book_path, error, &info);
    }
    for (uint32_t i = 0; i < run.job_count; i++) {
        job *j = &run.jobs[i];
        if (j->status != JOB_PENDING)
            continue;
        if (!j->has_entry)
            set_reason(j, JOB_SKIPPED, "%s is not in the archive", j->source_path);
        else if (!make_parent_folders(run.out_dir, j->output))
            set_reason(j, JOB_FAILED, "cannot create the folder of %s: %s", j->output,
                       strerror(errno));
    }

    /* Work. */
    run.progress = isatty(STDERR_FILENO);
    pthread_mutex_init(&run.lock, NULL);
    if (jobs > (long)run.job_count)
        jobs = run.job_count ? (long)run.job_count : 1;
    worker *workers = calloc((size_t)jobs, sizeof *workers);
    pthread_t *threads = calloc((size_t)jobs, sizeof *threads);
    for (long t = 0; t < jobs; t++)
        worker_open(&workers[t], &run);
    for (long t = 1; t < jobs; t++)
        pthread_create(&threads[t], NULL, worker_main, &workers[t]);
    worker_main(&workers[0]);
    for (long t = 1; t < jobs; t++)
        pthread_join(threads[t], NULL);
    for (long t = 0; t < jobs; t++)
        worker_close(&workers[t]);
    free(workers);
    free(threads);
    pthread_mutex_destroy(&run.lock);
    if (run.progress)
        fprintf(stderr, "\r%*s\r", 60, "");

    /* Report and summary. */
    uint32_t counts[4] = {0};
    const job *cover = NULL;
    for (uint32_t i = 0; i < run.job_count; i++) {
        if (run.jobs[i].is_cover)
            cover = &run.jobs[i];
        else
            counts[run.jobs[i].status]++;
    }
    bool report_ok = write_report(&run, report_path);
    if (run.sheet && !ink_contact_sheet_finish(run.sheet)) {
        fprintf(stderr, "inkpipe: %s: cannot write: %s\n", sheet_path, strerror(errno));
        report_ok = false;
    }
    printf("%s: %u images: %u converted, %u skipped, %u failed; ", run.book_path,
           counts[JOB_CONVERTED] + counts[JOB_SKIPPED] + counts[JOB_FAILED],
           counts[JOB_CONVERTED], counts[JOB_SKIPPED], counts[JOB_FAILED]);
    if (cover && cover->status == JOB_CONVERTED)
        printf("cover %s (%s) -> cover.bmp", cover->source_path,
               ink_epub_cover_via_name(book.cover.via));
    else if (cover)
        printf("cover %s", cover->status == JOB_FAILED ? "failed" : "not usable");
    else
        printf("no cover");
    printf("; %.0f ms; report %s\n", now_ms() - start, report_path);
    for (uint32_t i = 0; i < run.job_count; i++)
        if (run.jobs[i].status == JOB_FAILED)
            fprintf(stderr, "inkpipe: %s: %s: %s\n", run.book_path, run.jobs[i].source_path,
                    run.jobs[i].reason);
    if (!report_ok)
        fprintf(stderr, "inkpipe: %s: cannot write: %s\n", report_path, strerror(errno));
    bool failed = counts[JOB_FAILED] > 0 || (cover && cover->status == JOB_FAILED) || !report_ok;
    /* The home screen's thumbnail, from the same cover (a book without one has none). */
    if (cache_root && book.cover.via != INK_EPUB_COVER_NONE &&
        ink_thumb_make(run.book_path, cache_root, &run.options, 256, 0) != INK_EXIT_OK)
        failed = true;
    for (uint32_t i = 0; i < run.job_count; i++)
        free(run.jobs[i].output);
    free(run.jobs);
    free(taken);
    epub_book_close(&book);
    return failed ? INK_EXIT_FAILURE : INK_EXIT_OK;
}
