/*
 * bench_heap.h — peak heap bytes of a measured call, by interposing malloc in the bench binary.
 *
 * bench_heap.c defines malloc, calloc, realloc, free, memalign, posix_memalign, aligned_alloc,
 * valloc and pvalloc in the executable. With dynamic linking those definitions win over libc's
 * for every shared library the process loads (libjpeg-turbo, libpng, zlib, libspng, libdeflate,
 * lodepng), so the count covers every path without LD_PRELOAD and without each library's own
 * allocator hooks. Each wrapper calls glibc's __libc_* entry point and adds or subtracts
 * malloc_usable_size() of the block, i.e. the bytes the allocator really handed out (a few
 * bytes above the request; the same rule for every path).
 *
 * Perf-only: glibc-specific, single-threaded (the bench runs one path at a time).
 */
#ifndef INK_PERF_BENCH_HEAP_H
#define INK_PERF_BENCH_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* What the queries answer when counting is compiled out (sanitizer builds). */
#define BENCH_HEAP_UNKNOWN ((size_t)-1)

/* Starts a measurement: the peak is set to the bytes live now. */
void bench_heap_reset_peak(void);
/* Bytes live now, the peak since the last reset, and the peak minus the bytes live at reset. */
size_t bench_heap_live_bytes(void);
size_t bench_heap_peak_bytes(void);
size_t bench_heap_peak_delta_bytes(void);
/* Allocation calls (malloc, calloc, realloc, the aligned ones) since the last reset. */
uint64_t bench_heap_calls(void);

#endif
