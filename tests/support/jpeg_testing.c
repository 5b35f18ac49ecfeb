/*
 * jpeg_testing.c — see jpeg_testing.h. Host test code: heap, stdio and libjpeg are fine here.
 */
#include "jpeg_testing.h"

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>

#include "arena/stream.h"
#include "decode/gray.h"
#include "decode/jpeg.h"
#include "test_support.h"

typedef struct jt_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf escape;
    char message[JMSG_LENGTH_MAX];
} jt_error_manager;

static void jt_error_exit(j_common_ptr common)
{
    jt_error_manager *manager = (jt_error_manager *)common->err;
    common->err->format_message(common, manager->message);
    longjmp(manager->escape, 1);
}

static void jt_quiet(j_common_ptr common, int level)
{
    (void)common;
    (void)level;
}

bool jt_reference_decode(const uint8_t *data, size_t nbytes, unsigned scale_log2, jt_image *out,
                         char *why, size_t why_nbytes)
{
    return jt_reference_decode_smoothing(data, nbytes, scale_log2, true, out, why, why_nbytes);
}

bool jt_reference_decode_smoothing(const uint8_t *data, size_t nbytes, unsigned scale_log2,
                                   bool smoothing, jt_image *out, char *why, size_t why_nbytes)
{
    struct jpeg_decompress_struct cinfo;
    jt_error_manager errors;
    uint8_t *volatile gray = NULL;
    uint8_t *volatile line = NULL;
    memset(out, 0, sizeof *out);
    cinfo.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = jt_error_exit;
    errors.base.emit_message = jt_quiet;
    if (setjmp(errors.escape)) {
        if (why)
            snprintf(why, why_nbytes, "%s", errors.message);
        jpeg_destroy_decompress(&cinfo);
        free(gray);
        free(line);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)nbytes);
    jpeg_read_header(&cinfo, TRUE);
    J_COLOR_SPACE in = cinfo.jpeg_color_space;
    cinfo.out_color_space = in == JCS_CMYK || in == JCS_YCCK ? JCS_CMYK
                            : in == JCS_RGB                  ? JCS_RGB
                                                             : JCS_GRAYSCALE;
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_block_smoothing = smoothing ? TRUE : FALSE;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 1u << scale_log2;
    jpeg_start_decompress(&cinfo);
    uint32_t width = cinfo.output_width, height = cinfo.output_height;
    int channels = cinfo.output_components;
    gray = malloc((size_t)width * height);
    line = malloc((size_t)width * (size_t)channels);
    while (cinfo.output_scanline < height) {
        uint32_t y = cinfo.output_scanline;
        JSAMPROW row = line;
        jpeg_read_scanlines(&cinfo, &row, 1);
        for (uint32_t x = 0; x < width; x++) {
            const uint8_t *p = line + (size_t)x * (size_t)channels;
            gray[(size_t)y * width + x] = channels == 1   ? p[0]
                                          : channels == 3 ? ink_gray_from_rgb(p[0], p[1], p[2])
                                                          : ink_gray_from_adobe_cmyk(p[0], p[1],
                                                                                     p[2], p[3]);
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(line);
    out->width = width;
    out->height = height;
    out->gray = gray;
    return true;
}

typedef struct jt_sink_state {
    unsigned scale_log2;
    jt_image image;
    uint32_t rows;
    bool overflow;
} jt_sink_state;

static ink_error jt_sink_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    jt_sink_state *state = user;
    if (!(info->scale_mask & (1u << state->scale_log2)))
        return INK_ERR_INVALID_ARGUMENT;
    *scale_log2 = state->scale_log2;
    state->image.width = ink_scaled_size(info->width, state->scale_log2);
    state->image.height = ink_scaled_size(info->height, state->scale_log2);
    state->image.gray = malloc((size_t)state->image.width * state->image.height);
    return state->image.gray ? INK_OK : INK_ERR_NO_MEMORY;
}

static ink_error jt_sink_row(void *user, const uint8_t *gray)
{
    jt_sink_state *state = user;
    if (state->rows >= state->image.height) {
        state->overflow = true;
        return INK_ERR_INTERNAL;
    }
    memcpy(state->image.gray + (size_t)state->rows * state->image.width, gray,
           state->image.width);
    state->rows++;
    return INK_OK;
}

ink_error jt_arena_decode(const uint8_t *data, size_t nbytes, unsigned scale_log2,
                          ink_arena *arena, jt_image *out, ink_error_info *info)
{
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, data, nbytes);
    jt_sink_state state;
    memset(&state, 0, sizeof state);
    state.scale_log2 = scale_log2;
    ink_row_sink sink = {jt_sink_begin, jt_sink_row, &state};
    ink_error error = ink_decoder_arena_jpeg.decode(&source, arena, NULL, &sink, info);
    if (error == INK_OK && state.rows != state.image.height) {
        error = INK_ERR_INTERNAL;
        if (info)
            snprintf(info->detail, sizeof info->detail, "test sink got %u of %u rows",
                     state.rows, state.image.height);
    }
    if (error != INK_OK) {
        jt_image_free(&state.image);
        memset(out, 0, sizeof *out);
        return error;
    }
    *out = state.image;
    return INK_OK;
}

void jt_image_free(jt_image *image)
{
    free(image->gray);
    memset(image, 0, sizeof *image);
}

int jt_max_abs_diff(const jt_image *a, const jt_image *b)
{
    int worst = 0;
    for (size_t i = 0; i < (size_t)a->width * a->height; i++) {
        int d = abs((int)a->gray[i] - (int)b->gray[i]);
        if (d > worst)
            worst = d;
    }
    return worst;
}

double jt_psnr(const jt_image *a, const jt_image *b)
{
    double sum = 0;
    size_t n = (size_t)a->width * a->height;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a->gray[i] - (double)b->gray[i];
        sum += d * d;
    }
    if (sum == 0)
        return 99.0;
    return 10.0 * log10(255.0 * 255.0 / (sum / (double)n));
}

uint8_t *jt_read_file(const char *path, size_t *nbytes)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc(size > 0 ? (size_t)size : 1u);
    if (data && size > 0 && fread(data, 1, (size_t)size, file) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(file);
    *nbytes = size > 0 ? (size_t)size : 0;
    return data;
}

bool jt_write_file(const char *path, const uint8_t *data, size_t nbytes)
{
    FILE *file = fopen(path, "wb");
    if (!file)
        return false;
    bool ok = fwrite(data, 1, nbytes, file) == nbytes;
    return fclose(file) == 0 && ok;
}

bool jt_make_temp_dir(char *path, size_t path_nbytes)
{
    const char *base = getenv("TMPDIR");
    snprintf(path, path_nbytes, "%s/inkjpeg.XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(path) != NULL;
}

void jt_remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
        struct stat info;
        if (lstat(child, &info) == 0 && S_ISDIR(info.st_mode))
            jt_remove_tree(child);
        else
            unlink(child);
    }
    closedir(dir);
    rmdir(path);
}

static void jt_picture(uint32_t width, uint32_t height, uint32_t seed, uint8_t *rgb)
{
    uint32_t random = seed * 2654435761u + 12345u;
    for (uint32_t y = 0; y < height; y++) {
        for (uint32_t x = 0; x < width; x++) {
            uint8_t *p = rgb + ((size_t)y * width + x) * 3;
            double fx = width > 1 ? (double)x / (width - 1) : 0.5;
            double fy = height > 1 ? (double)y / (height - 1) : 0.5;
            double cx = fx - 0.5, cy = fy - 0.4;
            bool disc = cx * cx + cy * cy < 0.06;
            bool bar = ((x / 5u) % 2u == 0) && fy > 0.75;
            int noise = (int)(ink_test_random(&random) % 21u) - 10;
            int r = (int)(255 * fx) + noise, g = (int)(255 * fy) + noise,
                b = (int)(128 + 100 * sin(fx * 17 + fy * 5 + seed)) + noise;
            if (disc) {
                r = 250 - r / 4;
                g = 30 + g / 8;
                b = 40;
            }
            if (bar)
                r = g = b = (x / 5u) % 4u == 0 ? 0 : 255;
            p[0] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
            p[1] = (uint8_t)(g < 0 ? 0 : g > 255 ? 255 : g);
            p[2] = (uint8_t)(b < 0 ? 0 : b > 255 ? 255 : b);
        }
    }
}

bool jt_write_test_ppm(const char *path, uint32_t width, uint32_t height, uint32_t seed)
{
    uint8_t *rgb = malloc((size_t)width * height * 3);
    if (!rgb)
        return false;
    jt_picture(width, height, seed, rgb);
    FILE *file = fopen(path, "wb");
    bool ok = file != NULL;
    if (ok) {
        fprintf(file, "P6\n%u %u\n255\n", width, height);
        ok = fwrite(rgb, 1, (size_t)width * height * 3, file) == (size_t)width * height * 3;
        ok = (fclose(file) == 0) && ok;
    }
    free(rgb);
    return ok;
}

bool jt_extract_corpus_jpegs(const char *shared_dir, const char *dir, bool progressive_copies)
{
    char command[2048];
    int length = snprintf(
        command, sizeof command,
        "python3 - '%s/corpus/epub' '%s' %d <<'EOF'\n"
        "import glob, os, subprocess, sys, zipfile\n"
        "n = 0\n"
        "for epub in sorted(glob.glob(os.path.join(sys.argv[1], '*.epub'))):\n"
        "    with zipfile.ZipFile(epub) as z:\n"
        "        for name in z.namelist():\n"
        "            data = z.read(name)\n"
        "            if data[:3] != b'\\xff\\xd8\\xff':\n"
        "                continue\n"
        "            n += 1\n"
        "            base = '%%04d_%%s' %% (n, os.path.basename(name))\n"
        "            open(os.path.join(sys.argv[2], 'orig_' + base), 'wb').write(data)\n"
        "            if sys.argv[3] == '0':\n"
        "                continue\n"
        "            p = subprocess.run(['jpegtran', '-progressive'], input=data,\n"
        "                               capture_output=True)\n"
        "            if p.returncode == 0:\n"
        "                open(os.path.join(sys.argv[2], 'prog_' + base), 'wb')"
        ".write(p.stdout)\n"
        "EOF",
        shared_dir, dir, progressive_copies ? 1 : 0);
    return length > 0 && (size_t)length < sizeof command && jt_run(command);
}

bool jt_run(const char *command)
{
    return system(command) == 0;
}

uint8_t *jt_make_fixture(const char *command, const char *path, size_t *nbytes)
{
    char quiet[4096];
    if ((size_t)snprintf(quiet, sizeof quiet, "(%s) 2>/dev/null", command) >= sizeof quiet ||
        !jt_run(quiet))
        return NULL;
    uint8_t *data = jt_read_file(path, nbytes);
    remove(path);
    return data;
}

uint8_t *jt_compress(uint32_t width, uint32_t height, uint32_t seed,
                     const jt_compress_options *options, size_t *nbytes)
{
    struct jpeg_compress_struct cinfo;
    jt_error_manager errors;
    unsigned char *volatile out = NULL;
    unsigned long out_nbytes = 0;
    uint8_t *rgb = malloc((size_t)width * height * 3);
    uint8_t *volatile line = malloc((size_t)width * 4);
    cinfo.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = jt_error_exit;
    errors.base.emit_message = jt_quiet;
    if (setjmp(errors.escape)) {
        fprintf(stderr, "jt_compress: %s\n", errors.message);
        jpeg_destroy_compress(&cinfo);
        free(rgb);
        free(line);
        free(out);
        return NULL;
    }
    jt_picture(width, height, seed, rgb);
    jpeg_create_compress(&cinfo);
    unsigned char *buffer = NULL;
    jpeg_mem_dest(&cinfo, &buffer, &out_nbytes);
    J_COLOR_SPACE space = (J_COLOR_SPACE)options->colour_space;
    cinfo.image_width = width;
    cinfo.image_height = height;
    bool four = space == JCS_CMYK || space == JCS_YCCK;
    cinfo.input_components = space == JCS_GRAYSCALE ? 1 : four ? 4 : 3;
    cinfo.in_color_space = space == JCS_GRAYSCALE ? JCS_GRAYSCALE : four ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_colorspace(&cinfo, space);
    jpeg_set_quality(&cinfo, options->quality ? options->quality : 85, FALSE);
    for (int i = 0; i < cinfo.num_components && i < 4; i++) {
        cinfo.comp_info[i].h_samp_factor = options->h[i] ? options->h[i] : 1;
        cinfo.comp_info[i].v_samp_factor = options->v[i] ? options->v[i] : 1;
    }
    cinfo.restart_interval = (unsigned)options->restart_mcus;
    cinfo.arith_code = options->arithmetic;
    cinfo.dct_method = JDCT_ISLOW;
    if (options->progressive)
        jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < height) {
        const uint8_t *src = rgb + (size_t)cinfo.next_scanline * width * 3;
        for (uint32_t x = 0; x < width; x++) {
            const uint8_t *p = src + (size_t)x * 3;
            if (space == JCS_GRAYSCALE) {
                line[x] = ink_gray_from_rgb(p[0], p[1], p[2]);
            } else if (four) {
                /* Adobe-style inverted CMYK: channel = 255 - ink; K from the darkest. */
                uint8_t k = (uint8_t)(255 - (255 - (p[0] < p[1] ? (p[0] < p[2] ? p[0] : p[2])
                                                                : (p[1] < p[2] ? p[1] : p[2]))) /
                                                2);
                line[x * 4 + 0] = p[0] | 0x20;
                line[x * 4 + 1] = p[1];
                line[x * 4 + 2] = p[2];
                line[x * 4 + 3] = k;
            } else {
                memcpy(line + (size_t)x * 3, p, 3);
            }
        }
        JSAMPROW row = line;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    free(rgb);
    free(line);
    out = malloc(out_nbytes);
    memcpy(out, buffer, out_nbytes);
    free(buffer);
    *nbytes = out_nbytes;
    return out;
}

jt_sof_info jt_find_sof(const uint8_t *d, size_t n)
{
    jt_sof_info info = {0};
    size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF) {
            i++;
            continue;
        }
        unsigned m = d[i + 1];
        if (m == 0xFF || m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
            i += m == 0xFF ? 1 : 2;
            continue;
        }
        size_t length = ((size_t)d[i + 2] << 8) | d[i + 3];
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC && i + 10 <= n) {
            info.marker = (int)m;
            info.height = ((uint32_t)d[i + 5] << 8) | d[i + 6];
            info.width = ((uint32_t)d[i + 7] << 8) | d[i + 8];
            info.ncomponents = d[i + 9];
            info.hmax = info.vmax = 1;
            for (unsigned c = 0; c < info.ncomponents && i + 12 + 3 * c < n; c++) {
                unsigned hv = d[i + 11 + 3 * c];
                if ((hv >> 4) > info.hmax)
                    info.hmax = hv >> 4;
                if ((hv & 15) > info.vmax)
                    info.vmax = hv & 15;
            }
            return info;
        }
        i += 2 + length;
    }
    return info;
}
