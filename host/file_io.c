/*
 * file_io.c — host file sources, sinks and crash-safe output (see file_io.h).
 */
#include "host/file_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static ink_error file_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    FILE *file = user;
    *got = fread(dst, 1, nbytes, file);
    return (*got == 0 && ferror(file)) ? INK_ERR_IO : INK_OK;
}

static ink_error file_seek(void *user, uint64_t offset)
{
    if (offset > (uint64_t)INT64_MAX)
        return INK_ERR_IO;
    return fseeko((FILE *)user, (off_t)offset, SEEK_SET) == 0 ? INK_OK : INK_ERR_IO;
}

/* The output file's sink, remembering why the first failure happened. */
static ink_error output_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_output_file *output = user;
    if (fwrite(src, 1, nbytes, output->file) == nbytes)
        return INK_OK;
    if (output->write_errno == 0)
        output->write_errno = errno ? errno : EIO;
    return INK_ERR_IO;
}

static ink_error output_seek(void *user, uint64_t offset)
{
    ink_output_file *output = user;
    if (offset <= (uint64_t)INT64_MAX && fseeko(output->file, (off_t)offset, SEEK_SET) == 0)
        return INK_OK;
    if (output->write_errno == 0)
        output->write_errno = errno ? errno : EIO;
    return INK_ERR_IO;
}

bool ink_file_source_open(ink_file_source *state, const char *path, ink_source *out)
{
    state->file = fopen(path, "rb");
    if (!state->file)
        return false;
    *out = (ink_source){file_read, file_seek, state->file};
    return true;
}

void ink_file_source_close(ink_file_source *state)
{
    if (state->file)
        fclose(state->file);
    state->file = NULL;
}

bool ink_output_file_open(ink_output_file *output, const char *final_path, ink_sink *out)
{
    memset(output, 0, sizeof *output);
    size_t length = strlen(final_path);
    output->final_path = strdup(final_path);
    output->temporary_path = malloc(length + sizeof ".tmp-XXXXXX");
    if (!output->final_path || !output->temporary_path) {
        free(output->final_path);
        free(output->temporary_path);
        errno = ENOMEM;
        return false;
    }
    memcpy(output->temporary_path, final_path, length);
    memcpy(output->temporary_path + length, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(output->temporary_path);
    if (fd < 0 || !(output->file = fdopen(fd, "w+b"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(output->temporary_path);
        }
        free(output->final_path);
        free(output->temporary_path);
        errno = saved;
        return false;
    }
    fchmod(fd, 0644);
    *out = (ink_sink){output_write, output_seek, output};
    return true;
}

static void output_free(ink_output_file *output)
{
    free(output->final_path);
    free(output->temporary_path);
    memset(output, 0, sizeof *output);
}

bool ink_output_file_commit(ink_output_file *output)
{
    bool ok = fflush(output->file) == 0 && fsync(fileno(output->file)) == 0;
    int saved = errno;
    ok = (fclose(output->file) == 0) && ok;
    if (ok && rename(output->temporary_path, output->final_path) == 0) {
        output_free(output);
        return true;
    }
    saved = errno ? errno : saved;
    unlink(output->temporary_path);
    output_free(output);
    errno = saved;
    return false;
}

void ink_output_file_abort(ink_output_file *output)
{
    if (output->file) {
        fclose(output->file);
        unlink(output->temporary_path);
    }
    output_free(output);
}

bool ink_read_file(const char *path, unsigned char **data, size_t *nbytes)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return false;
    size_t capacity = 1 << 16, size = 0, got;
    unsigned char *buffer = malloc(capacity);
    while (buffer && (got = fread(buffer + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            unsigned char *bigger = realloc(buffer, capacity * 2);
            if (!bigger) {
                free(buffer);
                buffer = NULL;
                break;
            }
            buffer = bigger;
            capacity *= 2;
        }
    }
    bool failed = !buffer || ferror(file);
    fclose(file);
    if (failed) {
        free(buffer);
        errno = buffer ? EIO : ENOMEM;
        return false;
    }
    *data = buffer;
    *nbytes = size;
    return true;
}
