/*
 * settings.c — the reader's settings: "key = value" lines from a small file.
 */
#include <string.h>

#include "firmware.h"

#define INK_SETTINGS_LINE_BYTES 128u

static bool ink_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies [begin, end) trimmed into out; false if it does not fit. */
static bool ink_copy_trimmed(const char *begin, const char *end, char *out, size_t out_nbytes)
{
    while (begin < end && ink_is_space(*begin)) {
        begin++;
    }
    while (end > begin && ink_is_space(end[-1])) {
        end--;
    }
    size_t length = (size_t)(end - begin);
    if (length + 1u > out_nbytes) {
        return false;
    }
    memcpy(out, begin, length);
    out[length] = '\0';
    return true;
}

ink_error ink_board_settings_parse_line(ink_board_settings *settings, const char *line,
                                        uint32_t line_number, ink_error_info *info)
{
    const char *cursor = line;
    while (ink_is_space(*cursor)) {
        cursor++;
    }
    if (*cursor == '\0' || *cursor == '#') {
        return INK_OK;
    }
    const char *equals = strchr(cursor, '=');
    if (equals == NULL) {
        return ink_error_set(info, INK_ERR_BAD_DATA, "settings line %u: no '='",
                             (unsigned)line_number);
    }
    ink_setting item;
    if (!ink_copy_trimmed(cursor, equals, item.key, sizeof item.key) || item.key[0] == '\0' ||
        !ink_copy_trimmed(equals + 1, equals + 1 + strlen(equals + 1), item.value,
                          sizeof item.value)) {
        return ink_error_set(info, INK_ERR_BAD_DATA, "settings line %u: empty or too long",
                             (unsigned)line_number);
    }
    for (uint32_t i = 0; i < settings->count; i++) {
        if (strcmp(settings->items[i].key, item.key) == 0) {
            settings->items[i] = item;
            return INK_OK;
        }
    }
    if (settings->count >= INK_SETTINGS_MAX) {
        return ink_error_set(info, INK_ERR_TOO_LARGE, "settings line %u: more than %u keys",
                             (unsigned)line_number, (unsigned)INK_SETTINGS_MAX);
    }
    settings->items[settings->count++] = item;
    return INK_OK;
}

ink_error ink_board_settings_load(ink_board_settings *settings, ink_board_medium medium,
                                  const char *path, ink_error_info *info)
{
    settings->count = 0;
    ink_board_file file;
    ink_source source;
    if (ink_board_open_read(medium, path, &file, &source, NULL) != INK_OK) {
        return INK_OK; /* no settings file: defaults */
    }
    char line[INK_SETTINGS_LINE_BYTES];
    size_t length = 0;
    uint32_t line_number = 1;
    bool overlong = false;
    ink_error error = INK_OK;
    for (;;) {
        uint8_t byte;
        size_t got = 0;
        error = source.read(source.user, &byte, 1u, &got);
        if (error != INK_OK) {
            error = ink_error_set(info, error, "reading %s", path);
            break;
        }
        if (got == 0u || byte == '\n') {
            line[length] = '\0';
            if (overlong) {
                error = ink_error_set(info, INK_ERR_BAD_DATA, "settings line %u too long",
                                      (unsigned)line_number);
                break;
            }
            error = ink_board_settings_parse_line(settings, line, line_number, info);
            if (error != INK_OK || got == 0u) {
                break;
            }
            length = 0;
            line_number++;
        } else if (length + 1u < sizeof line) {
            line[length++] = (char)byte;
        } else {
            overlong = true;
        }
    }
    ink_board_close(&file);
    return error;
}

const char *ink_board_setting(const ink_board_settings *settings, const char *key,
                              const char *fallback)
{
    for (uint32_t i = 0; settings != NULL && i < settings->count; i++) {
        if (strcmp(settings->items[i].key, key) == 0) {
            return settings->items[i].value;
        }
    }
    return fallback;
}
