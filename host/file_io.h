/*
 * file_io.h — host files as ink_source / ink_sink, and crash-safe output files.
 *
 * An output file is written under a temporary name in the same folder
 * ("<name>.tmp-XXXXXX") and renamed over the final name only when complete and flushed to disk,
 * so a failed or interrupted conversion never leaves a partial file under the final name.
 * Interrupts (SIGINT, SIGTERM, SIGHUP) remove the temporary files of the process; temporary files
 * a killed run left (SIGKILL, power cut) are removed by the next run that writes the same name
 * (each writer holds flock on its own, so only abandoned ones can be taken).
 */
#ifndef INK_HOST_FILE_IO_H
#define INK_HOST_FILE_IO_H

#include <stdbool.h>
#include <stdio.h>

#include "arena/stream.h"

typedef struct ink_file_source {
    FILE *file;
} ink_file_source;

/* Opens `path` for reading; on failure returns false with errno set. */
bool ink_file_source_open(ink_file_source *state, const char *path, ink_source *out);
void ink_file_source_close(ink_file_source *state);

typedef struct ink_output_file {
    FILE *file;
    char *final_path;
    char *temporary_path;
    int write_errno; /* errno of the first failed write or seek through the sink, 0 if none:
                      * lets a command say "OUT: cannot write: No space left on device" rather
                      * than blame the input for the sink's INK_ERR_IO */
} ink_output_file;

/* Creates the temporary file for `final_path`; on failure returns false with errno set. The
 * sink refers to `output`, which must stay in place until commit or abort. */
bool ink_output_file_open(ink_output_file *output, const char *final_path, ink_sink *out);
/* Flushes, syncs and renames into place; on failure removes the temporary file and returns
 * false with errno set. */
bool ink_output_file_commit(ink_output_file *output);
/* Closes and removes the temporary file; the final name is untouched. */
void ink_output_file_abort(ink_output_file *output);

/* Reads a whole file into a heap buffer the caller frees. */
bool ink_read_file(const char *path, unsigned char **data, size_t *nbytes);

#endif
