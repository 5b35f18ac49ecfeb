/*
 * bench_inflate.c — decode/inflate against zlib and libdeflate on the corpus's deflate streams.
 *
 *   bench_inflate [--repeat N] BOOK.epub...          throughput of the three, ratio ours/zlib
 *   bench_inflate --only ours|zlib|libdeflate BOOK... one pass of one decoder (for callgrind:
 *       valgrind --tool=callgrind --toggle-collect=ink_inflate_run ... --only ours BOOK)
 *
 * Every deflated entry of every book is one stream; each decoder inflates each stream whole
 * (all input, output buffer of the declared size), and the outputs are compared byte for byte
 * with zlib's, so a wrong decoder cannot post a good time. Timing is CLOCK_MONOTONIC over N
 * repetitions of the whole set, best of 3 runs; all decoders run in the same process, so the
 * ratio is measured in one run on one machine state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libdeflate.h>
#include <zlib.h>

#include "decode/inflate.h"
#include "decode/zip.h"
#include "host/file_io.h"

typedef struct stream {
    uint8_t *compressed;
    size_t compressed_nbytes;
    size_t nbytes;
    char name[96];
} stream;

static stream *streams;
static size_t stream_count, stream_capacity;

static void load_book(const char *path)
{
    uint8_t *archive;
    size_t archive_nbytes;
    if (!ink_read_file(path, &archive, &archive_nbytes)) {
        fprintf(stderr, "bench_inflate: cannot read %s\n", path);
        exit(1);
    }
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, archive, archive_nbytes);
    ink_zip zip;
    ink_error_info info;
    ink_error_clear(&info);
    if (ink_zip_open(&zip, &source, archive_nbytes, NULL, &info) != INK_OK) {
        fprintf(stderr, "bench_inflate: %s: %s\n", path, info.detail);
        exit(1);
    }
    static _Alignas(8) uint8_t state[8192];
    static uint8_t window[INK_INFLATE_WINDOW_BYTES], input[16];
    uint64_t cursor = 0;
    for (uint32_t i = 0; i < zip.entry_count; i++) {
        ink_zip_entry entry;
        ink_zip_reader reader;
        ink_zip_reader_memory mem = {state, sizeof state, window, input, sizeof input};
        if (ink_zip_entry_at(&zip, i, &cursor, &entry, NULL) != INK_OK || entry.method != 8 ||
            entry.uncompressed_nbytes == 0 ||
            ink_zip_reader_open(&reader, &zip, &entry, &mem, NULL) != INK_OK)
            continue;
        if (stream_count == stream_capacity) {
            stream_capacity = stream_capacity ? 2 * stream_capacity : 256;
            streams = realloc(streams, stream_capacity * sizeof *streams);
        }
        stream *s = &streams[stream_count++];
        s->compressed_nbytes = (size_t)entry.compressed_nbytes;
        s->compressed = malloc(s->compressed_nbytes + 1);
        memcpy(s->compressed, archive + reader.archive_position, s->compressed_nbytes);
        s->nbytes = (size_t)entry.uncompressed_nbytes;
        snprintf(s->name, sizeof s->name, "%.40s:%.50s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
                 entry.name);
    }
    free(archive);
}

static size_t run_ours(const stream *s, uint8_t *out)
{
    static _Alignas(8) uint8_t state_memory[8192];
    static uint8_t window[INK_INFLATE_WINDOW_BYTES];
    ink_inflate *state;
    ink_inflate_init(&state, state_memory, sizeof state_memory, window, INK_INFLATE_RAW);
    ink_inflate_io io = {s->compressed, s->compressed_nbytes, out, s->nbytes};
    if (ink_inflate_run(state, &io, NULL) != INK_OK || !ink_inflate_finished(state))
        return (size_t)-1;
    return s->nbytes - io.out_nbytes;
}

static size_t run_zlib(const stream *s, uint8_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    inflateInit2(&z, -15);
    z.next_in = s->compressed;
    z.avail_in = (uInt)s->compressed_nbytes;
    z.next_out = out;
    z.avail_out = (uInt)s->nbytes;
    int rc = inflate(&z, Z_FINISH);
    size_t n = z.total_out;
    inflateEnd(&z);
    return rc == Z_STREAM_END ? n : (size_t)-1;
}

static struct libdeflate_decompressor *libdeflate;

static size_t run_libdeflate(const stream *s, uint8_t *out)
{
    size_t n;
    if (libdeflate_deflate_decompress(libdeflate, s->compressed, s->compressed_nbytes, out,
                                      s->nbytes, &n) != LIBDEFLATE_SUCCESS)
        return (size_t)-1;
    return n;
}

typedef size_t decoder_fn(const stream *s, uint8_t *out);

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double time_decoder(decoder_fn *decode, int repeat, uint8_t *out, uint64_t *total)
{
    double best = 1e30;
    for (int run = 0; run < 3; run++) {
        double start = now_seconds();
        *total = 0;
        for (int r = 0; r < repeat; r++)
            for (size_t i = 0; i < stream_count; i++)
                *total += decode(&streams[i], out);
        double elapsed = now_seconds() - start;
        if (elapsed < best)
            best = elapsed;
    }
    return best;
}

int main(int argc, char **argv)
{
    int repeat = 5;
    const char *only = NULL;
    int first = 1;
    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--repeat") == 0 && first + 1 < argc)
            repeat = atoi(argv[first + 1]);
        else if (strcmp(argv[first], "--only") == 0 && first + 1 < argc)
            only = argv[first + 1];
        else {
            fprintf(stderr, "usage: bench_inflate [--repeat N | --only DECODER] BOOK...\n");
            return 2;
        }
        first += 2;
    }
    for (int i = first; i < argc; i++)
        load_book(argv[i]);
    libdeflate = libdeflate_alloc_decompressor();
    size_t largest = 0;
    uint64_t in_total = 0, out_total = 0;
    for (size_t i = 0; i < stream_count; i++) {
        largest = streams[i].nbytes > largest ? streams[i].nbytes : largest;
        in_total += streams[i].compressed_nbytes;
        out_total += streams[i].nbytes;
    }
    uint8_t *out = malloc(largest + 1), *reference = malloc(largest + 1);

    if (only) {
        decoder_fn *decode = strcmp(only, "zlib") == 0         ? run_zlib
                             : strcmp(only, "libdeflate") == 0 ? run_libdeflate
                                                               : run_ours;
        uint64_t total = 0;
        for (size_t i = 0; i < stream_count; i++)
            total += decode(&streams[i], out);
        printf("%s: %zu streams, %llu bytes out\n", only, stream_count,
               (unsigned long long)total);
        return total == out_total ? 0 : 1;
    }

    /* Correctness first: every decoder's bytes equal zlib's. */
    for (size_t i = 0; i < stream_count; i++) {
        size_t n = run_zlib(&streams[i], reference);
        if (n != streams[i].nbytes || run_ours(&streams[i], out) != n ||
            memcmp(out, reference, n) != 0 || run_libdeflate(&streams[i], out) != n ||
            memcmp(out, reference, n) != 0) {
            fprintf(stderr, "bench_inflate: decoders disagree on %s\n", streams[i].name);
            return 1;
        }
    }
    printf("%zu deflate streams, %llu bytes in, %llu bytes out (ratio %.2f), %d repetitions\n",
           stream_count, (unsigned long long)in_total, (unsigned long long)out_total,
           (double)out_total / (double)in_total, repeat);
    uint64_t total;
    double t_ours = time_decoder(run_ours, repeat, out, &total);
    double t_zlib = time_decoder(run_zlib, repeat, out, &total);
    double t_libdeflate = time_decoder(run_libdeflate, repeat, out, &total);
    double mb = (double)out_total * repeat / 1e6;
    printf("inkpipe inflate  %8.1f MB/s\n", mb / t_ours);
    printf("zlib %-11s %8.1f MB/s\n", zlibVersion(), mb / t_zlib);
    printf("libdeflate       %8.1f MB/s\n", mb / t_libdeflate);
    printf("ratio inkpipe/zlib speed: %.2f  (inkpipe/libdeflate: %.2f)\n", t_zlib / t_ours,
           t_libdeflate / t_ours);
    libdeflate_free_decompressor(libdeflate);
    return 0;
}
