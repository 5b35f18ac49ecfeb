/*
 * inkbench.h — the measured paths of the benchmark harness (perf/README.md).
 *
 * An *item* is one input held in memory: a JPEG or PNG image, or an inflate bundle (a file the
 * driver writes: "INKZ", u32 count, then per stream u8 format (0 raw deflate, 1 zlib), 3 zero
 * bytes, u32 in_nbytes, u32 out_nbytes, the compressed bytes; little-endian).
 * A *path* is one way of processing an item (inkpipe's decoders, a peer library, ...). A path
 * runs the whole job from the bytes in memory to its natural output, allocating what it needs
 * inside the call, so that the counting allocator (support/bench_heap.h) sees its peak.
 */
#ifndef INK_PERF_INKBENCH_H
#define INK_PERF_INKBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decoder.h"

typedef enum bench_kind {
    BENCH_KIND_JPEG = 1u << 0,
    BENCH_KIND_PNG = 1u << 1,
    BENCH_KIND_BUNDLE = 1u << 2
} bench_kind;

typedef struct bench_item {
    const char *name;
    const uint8_t *data;
    size_t nbytes;
    bench_kind kind;
} bench_item;

typedef enum bench_status {
    BENCH_OK = 0,
    BENCH_NOT_AVAILABLE, /* this path has no implementation for this item in this build */
    BENCH_FAILED,        /* the library failed on the input (detail says why) */
    BENCH_REFUSED        /* declined by design: a documented limit or an unsupported variant
                          * (inkpipe's INK_ERR_TOO_LARGE / INK_ERR_UNSUPPORTED) */
} bench_status;

typedef struct bench_outcome {
    uint32_t width, height; /* of the source image (0 for bundles) */
    uint64_t out_nbytes;    /* bytes produced: pixels, BMP bytes, inflated bytes */
    uint64_t check;         /* a cheap digest of the output, so no work can be skipped */
    char detail[256];
} bench_outcome;

typedef bench_status bench_fn(const bench_item *item, bench_outcome *out);

typedef struct bench_path {
    const char *name; /* e.g. "ink-arena" */
    const char *op;   /* "decode", "convert" or "inflate" */
    unsigned kinds;   /* bench_kind bits it applies to */
    bench_fn *run;
} bench_path;

/* The paths of each file, NULL-terminated lists. */
extern const bench_path bench_paths_ink[];
extern const bench_path bench_paths_peers[];
extern const bench_path bench_paths_inflate[];

/* Little-endian u32 at `p`. */
static inline uint32_t bench_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Digest of a buffer: a few bytes spread over it (cheap; it only makes the output observable). */
uint64_t bench_digest(const uint8_t *bytes, size_t nbytes);

/* The PNG's colour type and bit depth from its IHDR (false if the file is too short). */
bool bench_png_header(const bench_item *item, uint8_t *color_type, uint8_t *bit_depth);

#endif
