/*
 * contact_sheet.c — the HTML contact sheet (see contact_sheet.h).
 */
#include "host/contact_sheet.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/file_io.h"
#include "host/png_write.h"

typedef struct row {
    uint32_t order;
    char *html;
} row;

struct ink_contact_sheet {
    char *html_path;
    char *title;
    pthread_mutex_t lock;
    row *rows;
    size_t row_count, row_capacity;
};

/* A growing heap string. */
typedef struct text {
    char *bytes;
    size_t length, capacity;
    bool failed;
} text;

static void text_append(text *t, const char *bytes, size_t nbytes)
{
    if (t->failed)
        return;
    if (t->length + nbytes + 1 > t->capacity) {
        size_t capacity = t->capacity ? t->capacity : 256;
        while (capacity < t->length + nbytes + 1)
            capacity *= 2;
        char *grown = realloc(t->bytes, capacity);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->bytes = grown;
        t->capacity = capacity;
    }
    memcpy(t->bytes + t->length, bytes, nbytes);
    t->length += nbytes;
    t->bytes[t->length] = '\0';
}

/* Appends a string literal (its length taken by the compiler, so it cannot be miscounted). */
#define text_literal(t, literal) text_append((t), (literal), sizeof(literal) - 1u)

static void text_printf(text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(text *t, const char *format, ...)
{
    char buffer[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    if (n < 0)
        t->failed = true;
    else
        text_append(t, buffer, (size_t)n < sizeof buffer ? (size_t)n : sizeof buffer - 1);
}

static void text_escaped(text *t, const char *plain)
{
    for (const char *p = plain ? plain : ""; *p; p++) {
        switch (*p) {
        case '<': text_append(t, "&lt;", 4); break;
        case '>': text_append(t, "&gt;", 4); break;
        case '&': text_append(t, "&amp;", 5); break;
        case '"': text_append(t, "&quot;", 6); break;
        default: text_append(t, p, 1);
        }
    }
}

static void text_base64(text *t, const uint8_t *data, size_t nbytes)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char quad[4];
    for (size_t i = 0; i < nbytes; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < nbytes)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < nbytes)
            v |= data[i + 2];
        quad[0] = digits[(v >> 18) & 63];
        quad[1] = digits[(v >> 12) & 63];
        quad[2] = i + 1 < nbytes ? digits[(v >> 6) & 63] : '=';
        quad[3] = i + 2 < nbytes ? digits[v & 63] : '=';
        text_append(t, quad, 4);
    }
}

/* The MIME type of an image browsers show, by its first bytes; NULL if not one. */
static const char *browser_media_type(const uint8_t *data, size_t nbytes)
{
    if (!data)
        return NULL;
    if (nbytes >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return "image/jpeg";
    if (nbytes >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (nbytes >= 6 && (memcmp(data, "GIF87a", 6) == 0 || memcmp(data, "GIF89a", 6) == 0))
        return "image/gif";
    if (nbytes >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0)
        return "image/webp";
    size_t i = 0;
    while (i < nbytes && i < 512 && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' ||
                                     data[i] == '\t' || data[i] == 0xEF || data[i] == 0xBB ||
                                     data[i] == 0xBF))
        i++;
    if (nbytes - i >= 5 && (memcmp(data + i, "<?xml", 5) == 0 || memcmp(data + i, "<svg", 4) == 0))
        return "image/svg+xml";
    return NULL;
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
    return le16(p) | le16(p + 2) << 16;
}

bool ink_contact_sheet_read_bmp(const uint8_t *data, size_t nbytes, uint8_t **gray,
                                uint32_t *width, uint32_t *height)
{
    if (!data || nbytes < 54 || data[0] != 'B' || data[1] != 'M')
        return false;
    uint32_t offset = le32(data + 10), info_nbytes = le32(data + 14);
    int32_t w = (int32_t)le32(data + 18), h = (int32_t)le32(data + 22);
    uint32_t bits = le16(data + 28), compression = le32(data + 30), colours = le32(data + 46);
    if (info_nbytes < 40 || info_nbytes > nbytes - 14 || w <= 0 || h == 0 || h == INT32_MIN ||
        le16(data + 26) != 1 || (bits != 1 && bits != 4 && bits != 8) || compression != 0)
        return false;
    uint32_t rows = (uint32_t)(h < 0 ? -h : h);
    if ((uint64_t)(uint32_t)w * rows > (1u << 28))
        return false;
    if (colours == 0)
        colours = 1u << bits;
    if (colours > (1u << bits) || (uint64_t)14 + info_nbytes + 4ull * colours > nbytes)
        return false;
    uint8_t palette[256];
    const uint8_t *entries = data + 14 + info_nbytes;
    for (uint32_t i = 0; i < 256; i++) {
        const uint8_t *e = entries + 4 * (i < colours ? i : 0);
        palette[i] = (uint8_t)((e[0] + e[1] + e[2] + 1) / 3); /* B, G, R: gray palettes */
    }
    uint64_t stride = (((uint64_t)(uint32_t)w * bits + 31) / 32) * 4;
    if (offset > nbytes || stride * rows > nbytes - offset)
        return false;
    uint8_t *out = malloc((size_t)w * rows);
    if (!out)
        return false;
    for (uint32_t y = 0; y < rows; y++) {
        const uint8_t *src = data + offset + stride * (h > 0 ? rows - 1 - y : y);
        for (uint32_t x = 0; x < (uint32_t)w; x++) {
            uint32_t index;
            if (bits == 1)
                index = (src[x / 8] >> (7 - x % 8)) & 1u;
            else if (bits == 4)
                index = x % 2 ? src[x / 2] & 15u : src[x / 2] >> 4;
            else
                index = src[x];
            out[(size_t)y * (uint32_t)w + x] = palette[index < colours ? index : 0];
        }
    }
    *gray = out;
    *width = (uint32_t)w;
    *height = rows;
    return true;
}

ink_contact_sheet *ink_contact_sheet_begin(const char *html_path, const char *title)
{
    ink_contact_sheet *sheet = calloc(1, sizeof *sheet);
    if (!sheet)
        return NULL;
    sheet->html_path = strdup(html_path);
    sheet->title = strdup(title ? title : "inkpipe contact sheet");
    if (!sheet->html_path || !sheet->title || pthread_mutex_init(&sheet->lock, NULL) != 0) {
        free(sheet->html_path);
        free(sheet->title);
        free(sheet);
        return NULL;
    }
    return sheet;
}

static bool add_row(ink_contact_sheet *sheet, uint32_t order, const char *html)
{
    char *copy = strdup(html);
    if (!copy)
        return false;
    pthread_mutex_lock(&sheet->lock);
    bool ok = true;
    if (sheet->row_count == sheet->row_capacity) {
        size_t capacity = sheet->row_capacity ? sheet->row_capacity * 2 : 32;
        row *grown = realloc(sheet->rows, capacity * sizeof *grown);
        if (grown) {
            sheet->rows = grown;
            sheet->row_capacity = capacity;
        } else {
            ok = false;
        }
    }
    if (ok)
        sheet->rows[sheet->row_count++] = (row){order, copy};
    pthread_mutex_unlock(&sheet->lock);
    if (!ok)
        free(copy);
    return ok;
}

bool ink_contact_sheet_add(ink_contact_sheet *sheet, uint32_t order, const uint8_t *source,
                           size_t source_nbytes, const char *output_bmp_path,
                           const char *caption)
{
    if (!sheet || !output_bmp_path)
        return false;
    text t = {0};
    unsigned char *bmp = NULL;
    size_t bmp_nbytes = 0;
    uint8_t *gray = NULL, *png = NULL;
    size_t png_nbytes = 0;
    uint32_t width = 0, height = 0;
    bool output_ok = ink_read_file(output_bmp_path, &bmp, &bmp_nbytes) &&
                     ink_contact_sheet_read_bmp(bmp, bmp_nbytes, &gray, &width, &height) &&
                     ink_png_write_gray8(gray, width, height, &png, &png_nbytes);
    const char *media = browser_media_type(source, source_nbytes);
    text_literal(&t, "<figure>\n<div class=\"pair\">");
    if (media && output_ok) {
        text_printf(&t, "<img class=\"source\" width=\"%u\" height=\"%u\" alt=\"source\" src=\"data:%s;base64,",
                    width, height, media);
        text_base64(&t, source, source_nbytes);
        text_literal(&t, "\">");
    } else if (media) {
        text_printf(&t, "<img class=\"source\" alt=\"source\" src=\"data:%s;base64,", media);
        text_base64(&t, source, source_nbytes);
        text_literal(&t, "\">");
    } else {
        text_printf(&t, "<div class=\"missing\">source not shown (%s)</div>",
                    source ? "not an image type browsers show" : "not available");
    }
    if (output_ok) {
        text_printf(&t, "<img class=\"output\" width=\"%u\" height=\"%u\" alt=\"output\" src=\"data:image/png;base64,",
                    width, height);
        text_base64(&t, png, png_nbytes);
        text_literal(&t, "\">");
    } else {
        text_literal(&t, "<div class=\"missing\">output unreadable: ");
        text_escaped(&t, output_bmp_path);
        text_literal(&t, "</div>");
    }
    text_literal(&t, "</div>\n<figcaption>");
    text_escaped(&t, caption);
    if (output_ok)
        text_printf(&t, " &mdash; %ux%u, source %zu bytes, BMP %zu bytes", width, height,
                    source_nbytes, bmp_nbytes);
    text_literal(&t, "</figcaption>\n</figure>\n");
    bool ok = !t.failed && add_row(sheet, order, t.bytes);
    free(t.bytes);
    free(bmp);
    free(gray);
    free(png);
    return ok && output_ok;
}

bool ink_contact_sheet_add_file(ink_contact_sheet *sheet, uint32_t order,
                                const char *source_path, const char *output_bmp_path,
                                const char *caption)
{
    unsigned char *source = NULL;
    size_t source_nbytes = 0;
    if (source_path && !ink_read_file(source_path, &source, &source_nbytes))
        source = NULL;
    bool ok = ink_contact_sheet_add(sheet, order, source, source_nbytes, output_bmp_path,
                                    caption);
    free(source);
    return ok;
}

static int by_order(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

bool ink_contact_sheet_finish(ink_contact_sheet *sheet)
{
    if (!sheet)
        return false;
    qsort(sheet->rows, sheet->row_count, sizeof *sheet->rows, by_order);
    ink_output_file output;
    ink_sink sink;
    bool ok = ink_output_file_open(&output, sheet->html_path, &sink);
    if (ok) {
        text head = {0};
        static const char *const style =
            "</title>\n<style>\n"
            "body{font:14px sans-serif;margin:1em;background:#ddd}\n"
            "figure{display:inline-block;vertical-align:top;margin:0 1em 1.5em 0;"
            "background:#fff;padding:8px}\n"
            ".pair{display:flex;gap:8px;align-items:flex-start}\n"
            ".source{object-fit:contain;background:#fff}\n"
            ".output{image-rendering:pixelated;image-rendering:crisp-edges}\n"
            ".missing{width:160px;color:#a00}\n"
            "figcaption{max-width:976px;margin-top:4px;word-break:break-all}\n"
            "</style>\n</head>\n<body>\n<h1>";
        static const char *const start =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
        text_append(&head, start, strlen(start));
        text_escaped(&head, sheet->title);
        text_append(&head, style, strlen(style));
        text_escaped(&head, sheet->title);
        text_printf(&head, "</h1>\n<p>%zu images: each source (left, scaled to the output's "
                           "size) beside inkpipe's output (right, one pixel per pixel).</p>\n",
                    sheet->row_count);
        text_literal(&head, "<p>A monitor is an ideal display (no dot gain): output dithered "
                            "for e-paper's ink spread (--dot-gain 2, the default) looks darker "
                            "here than on the X4. Judge tones with --linear output, or on the "
                            "device.</p>\n");
        ok = !head.failed && sink.write(sink.user, (const uint8_t *)head.bytes, head.length) == INK_OK;
        free(head.bytes);
        for (size_t i = 0; ok && i < sheet->row_count; i++)
            ok = sink.write(sink.user, (const uint8_t *)sheet->rows[i].html,
                            strlen(sheet->rows[i].html)) == INK_OK;
        static const char *const end = "</body>\n</html>\n";
        ok = ok && sink.write(sink.user, (const uint8_t *)end, strlen(end)) == INK_OK;
        if (ok)
            ok = ink_output_file_commit(&output);
        else
            ink_output_file_abort(&output);
    }
    for (size_t i = 0; i < sheet->row_count; i++)
        free(sheet->rows[i].html);
    free(sheet->rows);
    pthread_mutex_destroy(&sheet->lock);
    free(sheet->html_path);
    free(sheet->title);
    free(sheet);
    return ok;
}
