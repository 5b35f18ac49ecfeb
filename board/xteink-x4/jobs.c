/*
 * jobs.c — the job runner: one line per job, from a job file on the SD card or the command line.
 *
 *   convert IN OUT [key=value ...]  decode IN with the in-arena decoders, write the 1-bit BMP OUT
 *   decode IN [1|2|4|8|fit]         decode IN alone (rows dropped) at that DCT scale (default fit:
 *                                   the scale convert picks with the default options); for
 *                                   decoder instruction counts (perf/jpeg_board.sh)
 *   blit BMP                        clear the framebuffer to white, draw BMP centred, refresh
 *   dump OUT                        write the framebuffer as an 800x480 1-bit BMP
 *   copy IN OUT                     copy a file through a 64-byte buffer (an I/O check)
 *   status                          print the arena status
 *   book IN.epub OUTDIR [options]   every JPEG/PNG of a book and its cover (jobs_book.c)
 *   inflate IN.epub                 the in-arena inflate's cost per byte (jobs_book.c)
 *   thumb IN OUT.bmp [--dither D]   the cover thumbnail through the cache (jobs_thumb.c)
 *
 * Every job prints one machine-readable line (perf/board_report.sh and the QEMU test read it):
 *   result <op> in=<path> out=<path> status=<ok|error name> width=W height=H bmp=BWxBH
 *          scale=1/S instret=N stack=B [key=value ...] [detail="..."]
 * where instret is the number of instructions the job retired (minstret), W x H the source size,
 * BW x BH the BMP written, 1/S the decoder's DCT scale and B the stack high-water mark of the
 * job (bytes from the top of the stack; the stack is repainted before each job).
 *
 * convert options: "--size WxH --fit contain|cover
 * --dither atkinson|floyd-steinberg|threshold|ordered --bits 1|2 --upscale", the words and
 * meanings of `inkpipe convert`; settings.ini may set size, fit, dither, bits, upscale as
 * defaults.
 */
#include <string.h>

#include "board_cpu.h"
#include "decode/convert.h"
#include "decode/decoder.h"
#include "firmware.h"
#if INK_BOARD_HAVE_PNG
#include "decode/png.h"
#endif
#if INK_BOARD_HAVE_JPEG
#include "decode/jpeg.h"
#endif

#define INK_JOB_MAX_WORDS 16u
#define INK_JOB_LINE_BYTES 256u
#define INK_COPY_CHUNK_BYTES 64u

void ink_board_job_print(const ink_job_result *result, ink_error error,
                         const ink_error_info *info)
{
    const char *detail = info->code != INK_OK ? info->detail : "";
    ink_board_log("result %s in=%s out=%s status=%s width=%lu height=%lu bmp=%lux%lu scale=1/%u "
                  "instret=%llu stack=%lu%s%s%s%s",
                  result->op, result->in != NULL ? result->in : "-",
                  result->out != NULL ? result->out : "-",
                  error == INK_OK ? "ok" : ink_strerror(error), (unsigned long)result->width,
                  (unsigned long)result->height, (unsigned long)result->out_width,
                  (unsigned long)result->out_height, 1u << result->scale_log2,
                  (unsigned long long)result->instret, (unsigned long)result->stack_nbytes,
                  result->extra, detail[0] != '\0' ? " detail=\"" : "", detail,
                  detail[0] != '\0' ? "\"" : "");
}

uint32_t ink_board_split_words(char *line, char **words, uint32_t max_words)
{
    uint32_t count = 0;
    char *cursor = line;
    for (;;) {
        while (*cursor == ' ' || *cursor == '\t' || *cursor == '\r') {
            *cursor++ = '\0';
        }
        if (*cursor == '\0' || *cursor == '#' || count == max_words) {
            return count;
        }
        words[count++] = cursor;
        while (*cursor != '\0' && *cursor != ' ' && *cursor != '\t' && *cursor != '\r') {
            cursor++;
        }
    }
}

static ink_error ink_job_copy(const char *in, const char *out, ink_error_info *info)
{
    ink_board_file in_file;
    ink_board_file out_file;
    ink_source source;
    ink_sink sink;
    ink_error error = ink_board_open_read(INK_BOARD_SD, in, &in_file, &source, info);
    if (error != INK_OK) {
        return error;
    }
    error = ink_board_open_write(INK_BOARD_SD, out, &out_file, &sink, info);
    while (error == INK_OK) {
        uint8_t chunk[INK_COPY_CHUNK_BYTES];
        size_t got = 0;
        error = source.read(source.user, chunk, sizeof chunk, &got);
        if (error != INK_OK || got == 0u) {
            break;
        }
        error = sink.write(sink.user, chunk, got);
    }
    if (error != INK_OK) {
        (void)ink_error_set(info, error, "copying %s to %s", in, out);
    }
    ink_board_close(&out_file);
    ink_board_close(&in_file);
    return error;
}

static ink_error ink_job_blit(const char *path, ink_job_result *result, ink_error_info *info)
{
    ink_board_file file;
    ink_source source;
    ink_error error = ink_board_open_read(INK_BOARD_SD, path, &file, &source, info);
    if (error != INK_OK) {
        return error;
    }
    uint8_t *fb = ink_board_framebuffer();
    ink_fb_fill(fb, true);
    ink_fb_blit_info blit;
    error = ink_fb_blit_bmp(fb, &source, &blit, info);
    ink_board_close(&file);
    if (error == INK_OK) {
        result->width = blit.width;
        result->height = blit.height;
        error = ink_board_display_refresh(info);
    }
    return error;
}

static ink_error ink_job_dump(const char *path, ink_error_info *info)
{
    ink_board_file file;
    ink_sink sink;
    ink_error error = ink_board_open_write(INK_BOARD_SD, path, &file, &sink, info);
    if (error != INK_OK) {
        return error;
    }
    error = ink_fb_write_bmp(ink_board_framebuffer(), &sink, info);
    ink_board_close(&file);
    return error;
}

static void ink_job_status_line(void *user, const char *line)
{
    (void)user;
    ink_board_log("  %s", line);
}

static ink_error ink_job_status(ink_board_context *context, ink_error_info *info)
{
    ink_arena_status(context->arena, ink_job_status_line, NULL);
    ink_board_memory_status(ink_job_status_line, NULL);
    (void)info;
    return INK_OK;
}

const ink_decoder *ink_board_decoder_for(ink_image_format format)
{
#if INK_BOARD_HAVE_PNG
    if (format == INK_FORMAT_PNG) {
        return &ink_decoder_arena_png;
    }
#endif
#if INK_BOARD_HAVE_JPEG
    if (format == INK_FORMAT_JPEG) {
        return &ink_decoder_arena_jpeg;
    }
#endif
    (void)format;
    return NULL;
}

static bool ink_parse_u32(const char *text, const char **end, uint32_t *out)
{
    uint32_t value = 0;
    const char *cursor = text;
    while (*cursor >= '0' && *cursor <= '9') {
        uint32_t digit = (uint32_t)(*cursor - '0');
        if (value > (UINT32_MAX - digit) / 10u) {
            return false;
        }
        value = value * 10u + digit;
        cursor++;
    }
    *end = cursor;
    *out = value;
    return cursor != text;
}

/* One converter option, with the names and values of `inkpipe convert` (host/cli.c), so that a
 * job line and a CLI call with the same words mean the same conversion. */
static ink_error ink_job_option(ink_convert_options *options, const char *name, const char *value,
                                ink_error_info *info)
{
    if (strcmp(name, "--size") == 0 || strcmp(name, "size") == 0) {
        const char *end;
        uint32_t width;
        uint32_t height;
        if (!ink_parse_u32(value, &end, &width) || *end != 'x' ||
            !ink_parse_u32(end + 1, &end, &height) || *end != '\0' || width == 0u ||
            height == 0u || width > INK_MAX_OUTPUT_WIDTH || height > 65535u) {
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "bad size '%s'", value);
        }
        options->box_width = width;
        options->box_height = height;
    } else if (strcmp(name, "--fit") == 0 || strcmp(name, "fit") == 0) {
        if (strcmp(value, "contain") == 0) {
            options->fit = INK_FIT_CONTAIN;
        } else if (strcmp(value, "cover") == 0) {
            options->fit = INK_FIT_COVER;
        } else {
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "bad fit '%s'", value);
        }
    } else if (strcmp(name, "--dither") == 0 || strcmp(name, "dither") == 0) {
        uint32_t i = 0;
        while (i < INK_DITHER_METHOD_COUNT &&
               strcmp(value, ink_dither_method_name((ink_dither_method)i)) != 0) {
            i++;
        }
        if (i == INK_DITHER_METHOD_COUNT) {
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "bad dither '%s'", value);
        }
        options->dither = (ink_dither_method)i;
    } else if (strcmp(name, "--bits") == 0 || strcmp(name, "bits") == 0) {
        if (strcmp(value, "1") != 0 && strcmp(value, "2") != 0) {
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "bad bits '%s' (1 or 2)", value);
        }
        options->bits = (unsigned)(value[0] - '0');
    } else if (strcmp(name, "upscale") == 0) {
        options->upscale = strcmp(value, "1") == 0 || strcmp(value, "yes") == 0;
    } else {
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "unknown option '%s'", name);
    }
    return INK_OK;
}

/* The conversion options: the defaults, then settings.ini (size, fit, dither, upscale), then the
 * job line's "--size WxH --fit F --dither D --upscale". */
ink_error ink_board_job_options(const ink_board_context *context, char **words,
                               uint32_t word_count, ink_convert_options *options,
                               ink_error_info *info)
{
    *options = INK_CONVERT_OPTIONS_DEFAULT;
    static const char *const keys[] = {"size", "fit", "dither", "bits", "upscale"};
    for (uint32_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *value = ink_board_setting(context->settings, keys[k], NULL);
        if (value != NULL) {
            ink_error error = ink_job_option(options, keys[k], value, info);
            if (error != INK_OK) {
                return error;
            }
        }
    }
    for (uint32_t i = 3; i < word_count; i++) {
        ink_error error;
        if (strcmp(words[i], "--upscale") == 0) {
            options->upscale = true;
            continue;
        }
        if (i + 1u >= word_count) {
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "%s needs a value", words[i]);
        }
        error = ink_job_option(options, words[i], words[i + 1u], info);
        if (error != INK_OK) {
            return error;
        }
        i++;
    }
    return INK_OK;
}

/* The decode job's row sink: picks the scale, counts the rows and drops them. */
typedef struct ink_decode_job {
    const char *scale_word; /* "1", "2", "4", "8" or "fit" */
    ink_job_result *result;
    uint32_t rows;
    ink_error_info *info;
} ink_decode_job;

static ink_error ink_decode_job_begin(void *user, const ink_image_info *image,
                                      unsigned *scale_log2)
{
    ink_decode_job *job = user;
    unsigned k = 0;
    if (strcmp(job->scale_word, "fit") == 0) {
        ink_convert_options options = INK_CONVERT_OPTIONS_DEFAULT;
        ink_fit_geometry geometry;
        ink_error error = ink_fit_compute(image->width, image->height, options.box_width,
                                          options.box_height, options.fit, options.upscale,
                                          &geometry);
        if (error != INK_OK) {
            return ink_error_set(job->info, error, "cannot fit %lux%lu",
                                 (unsigned long)image->width, (unsigned long)image->height);
        }
        k = ink_fit_choose_scale(image->width, image->height, image->scale_mask, &geometry);
    } else {
        while (k < 3u && (1u << k) < (unsigned)(job->scale_word[0] - '0')) {
            k++;
        }
        if (job->scale_word[1] != '\0' || (1u << k) != (unsigned)(job->scale_word[0] - '0') ||
            !(image->scale_mask & (1u << k))) {
            return ink_error_set(job->info, INK_ERR_INVALID_ARGUMENT, "bad scale '%s'",
                                 job->scale_word);
        }
    }
    *scale_log2 = k;
    job->result->width = image->width;
    job->result->height = image->height;
    job->result->scale_log2 = k;
    job->result->out_width = ink_scaled_size(image->width, k);
    job->result->out_height = ink_scaled_size(image->height, k);
    return INK_OK;
}

static ink_error ink_decode_job_row(void *user, const uint8_t *gray)
{
    ink_decode_job *job = user;
    (void)gray;
    job->rows++;
    return INK_OK;
}

static ink_error ink_job_decode(ink_board_context *context, const char *in,
                                const char *scale_word, ink_job_result *result,
                                ink_error_info *info)
{
    ink_board_file in_file;
    ink_source source;
    ink_error error = ink_board_open_read(INK_BOARD_SD, in, &in_file, &source, info);
    if (error != INK_OK) {
        return error;
    }
    uint8_t head[8] = {0};
    size_t got = 0;
    error = source.read(source.user, head, sizeof head, &got);
    if (error == INK_OK) {
        error = source.seek(source.user, 0);
    }
    const ink_decoder *decoder = ink_board_decoder_for(ink_sniff_format(head, got));
    if (error == INK_OK && decoder == NULL) {
        error = ink_error_set(info, INK_ERR_UNSUPPORTED, "no in-arena decoder for %s", in);
    }
    if (error == INK_OK) {
        ink_decode_job job = {scale_word, result, 0, info};
        ink_row_sink sink = {ink_decode_job_begin, ink_decode_job_row, &job};
        error = decoder->decode(&source, context->arena, NULL, &sink, info);
        if (error == INK_OK && job.rows != result->out_height) {
            error = ink_error_set(info, INK_ERR_BAD_DATA, "%lu rows of %lu",
                                  (unsigned long)job.rows, (unsigned long)result->out_height);
        }
    }
    ink_board_close(&in_file);
    return error;
}

/* OUT is written as OUT.part and renamed when complete: a failed conversion never leaves a
 * partial BMP under the final name (the CLI's rule too). */
ink_error ink_board_convert_to(ink_board_context *context, const ink_decoder *decoder,
                               const ink_source *source, const char *out,
                               const ink_convert_options *options, ink_job_result *result,
                               ink_error_info *info)
{
    char part[INK_BOARD_PATH_BYTES];
    size_t out_length = strlen(out);
    if (out_length + sizeof ".part" > sizeof part) {
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "output path too long: %s", out);
    }
    memcpy(part, out, out_length);
    memcpy(part + out_length, ".part", sizeof ".part");
    ink_board_file out_file;
    ink_sink sink;
    ink_error error = ink_board_open_write(INK_BOARD_SD, part, &out_file, &sink, info);
    if (error != INK_OK) {
        return error;
    }
    ink_convert_result converted;
    memset(&converted, 0, sizeof converted);
    error = ink_convert_image(decoder, source, &sink, context->arena, options, &converted, info);
    ink_board_close(&out_file);
    result->width = converted.source_width;
    result->height = converted.source_height;
    result->out_width = converted.out_width;
    result->out_height = converted.out_height;
    result->scale_log2 = converted.scale_log2;
    if (error == INK_OK) {
        error = ink_board_rename(INK_BOARD_SD, part, out, info);
    }
    if (error != INK_OK) {
        (void)ink_board_remove(INK_BOARD_SD, part, NULL);
    }
    return error;
}

const ink_decoder *ink_board_sniff(const uint8_t *head, size_t head_nbytes, ink_error_info *info)
{
    ink_image_format format = ink_sniff_format(head, head_nbytes);
    const ink_decoder *decoder = ink_board_decoder_for(format);
    if (decoder == NULL) {
        (void)ink_error_set(info, INK_ERR_UNSUPPORTED, "no in-arena decoder for %s in this build",
                            format == INK_FORMAT_JPEG  ? "JPEG"
                            : format == INK_FORMAT_PNG ? "PNG"
                                                       : "this format");
    }
    return decoder;
}

static ink_error ink_job_convert(ink_board_context *context, char **words, uint32_t word_count,
                                 ink_job_result *result, ink_error_info *info)
{
    const char *in = words[1];
    ink_convert_options options;
    ink_error error = ink_board_job_options(context, words, word_count, &options, info);
    if (error != INK_OK) {
        return error;
    }
    ink_board_file in_file;
    ink_source source;
    error = ink_board_open_read(INK_BOARD_SD, in, &in_file, &source, info);
    if (error != INK_OK) {
        return error;
    }
    uint8_t head[16] = {0};
    size_t got = 0;
    error = source.read(source.user, head, sizeof head, &got);
    if (error == INK_OK) {
        error = source.seek(source.user, 0);
    }
    if (error != INK_OK) {
        ink_board_close(&in_file);
        return ink_error_set(info, error, "reading %s", in);
    }
    const ink_decoder *decoder = ink_board_sniff(head, got, info);
    error = decoder != NULL ? ink_board_convert_to(context, decoder, &source, words[2], &options,
                                                   result, info)
                            : INK_ERR_UNSUPPORTED;
    ink_board_close(&in_file);
    return error;
}

ink_error ink_board_run_job(ink_board_context *context, const char *line, uint32_t line_number)
{
    char copy[INK_JOB_LINE_BYTES];
    char *words[INK_JOB_MAX_WORDS];
    ink_error_info info;
    ink_error_clear(&info);
    size_t length = strlen(line);
    if (length + 1u > sizeof copy) {
        ink_board_log("job line %lu: longer than %u bytes", (unsigned long)line_number,
                      (unsigned)sizeof copy);
        context->jobs_failed++;
        return INK_ERR_INVALID_ARGUMENT;
    }
    memcpy(copy, line, length + 1u);
    uint32_t count = ink_board_split_words(copy, words, INK_JOB_MAX_WORDS);
    if (count == 0u) {
        return INK_OK;
    }
    ink_job_result result = {.op = words[0], .in = count > 1u ? words[1] : NULL,
                             .out = count > 2u ? words[2] : NULL};
    ink_error error;
    ink_board_stack_paint(); /* outside the counted window */
    uint64_t start = ink_board_instret();
    if (strcmp(words[0], "convert") == 0 && count >= 3u) {
        error = ink_job_convert(context, words, count, &result, &info);
    } else if (strcmp(words[0], "decode") == 0 && (count == 2u || count == 3u)) {
        result.out = NULL;
        error = ink_job_decode(context, words[1], count == 3u ? words[2] : "fit", &result, &info);
    } else if (strcmp(words[0], "blit") == 0 && count == 2u) {
        error = ink_job_blit(words[1], &result, &info);
    } else if (strcmp(words[0], "dump") == 0 && count == 2u) {
        result.out = words[1];
        result.in = NULL;
        error = ink_job_dump(words[1], &info);
    } else if (strcmp(words[0], "copy") == 0 && count == 3u) {
        error = ink_job_copy(words[1], words[2], &info);
    } else if (strcmp(words[0], "book") == 0 && count >= 3u) {
        error = ink_board_job_book(context, words, count, &result, &info);
    } else if (strcmp(words[0], "thumb") == 0 && count >= 3u) {
        error = ink_board_job_thumb(context, words, count, &result, &info);
    } else if (strcmp(words[0], "inflate") == 0 && count == 2u) {
        error = ink_board_job_inflate(context, words[1], &result, &info);
    } else if (strcmp(words[0], "status") == 0 && count == 1u) {
        error = ink_job_status(context, &info);
    } else {
        error = ink_error_set(&info, INK_ERR_INVALID_ARGUMENT,
                              "line %lu: unknown job or wrong arguments: %s",
                              (unsigned long)line_number, words[0]);
    }
    result.instret = ink_board_instret() - start;
    uint32_t high_water = ink_board_stack_high_water(); /* since the job's last repaint */
    result.stack_nbytes = high_water > result.stack_nbytes ? high_water : result.stack_nbytes;
    context->jobs_run++;
    if (error != INK_OK) {
        context->jobs_failed++;
    }
    ink_board_job_print(&result, error, &info);
    return error;
}

ink_error ink_board_run_job_file(ink_board_context *context, const char *path,
                                 ink_error_info *info)
{
    ink_board_file file;
    ink_source source;
    ink_error error = ink_board_open_read(INK_BOARD_SD, path, &file, &source, info);
    if (error != INK_OK) {
        return error;
    }
    char line[INK_JOB_LINE_BYTES];
    uint8_t chunk[INK_COPY_CHUNK_BYTES];
    size_t chunk_length = 0;
    size_t chunk_position = 0;
    size_t length = 0;
    uint32_t line_number = 1;
    for (;;) {
        if (chunk_position == chunk_length) {
            chunk_position = 0;
            error = source.read(source.user, chunk, sizeof chunk, &chunk_length);
            if (error != INK_OK) {
                (void)ink_error_set(info, error, "reading the job file %s", path);
                break;
            }
        }
        bool end = chunk_length == 0u;
        uint8_t byte = end ? (uint8_t)'\n' : chunk[chunk_position++];
        if (byte == '\n') {
            line[length] = '\0';
            /* The job file is closed only at the end: jobs may open INK_BOARD_MAX_FILES - 1. */
            (void)ink_board_run_job(context, line, line_number);
            length = 0;
            line_number++;
            if (end) {
                break;
            }
        } else if (length + 1u < sizeof line) {
            line[length++] = (char)byte;
        }
    }
    ink_board_close(&file);
    return error;
}
