/*
 * bench_heap.c — the counting allocator (see bench_heap.h).
 */
#include "bench_heap.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

/* Sanitizer builds (INK_SANITIZE) own malloc themselves: there the counter is compiled out and
 * every query answers BENCH_HEAP_UNKNOWN. */
#if BENCH_HEAP_COUNTING

void *__libc_malloc(size_t nbytes);
void *__libc_calloc(size_t count, size_t nbytes);
void *__libc_realloc(void *block, size_t nbytes);
void __libc_free(void *block);
void *__libc_memalign(size_t alignment, size_t nbytes);

static size_t live_bytes;
static size_t peak_bytes;
static size_t reset_live_bytes;
static uint64_t alloc_calls;

static void *counted(void *block)
{
    if (block) {
        live_bytes += malloc_usable_size(block);
        if (live_bytes > peak_bytes)
            peak_bytes = live_bytes;
        alloc_calls++;
    }
    return block;
}

static void uncount(void *block)
{
    if (block)
        live_bytes -= malloc_usable_size(block);
}

void *malloc(size_t nbytes)
{
    return counted(__libc_malloc(nbytes));
}

void *calloc(size_t count, size_t nbytes)
{
    return counted(__libc_calloc(count, nbytes));
}

void *realloc(void *block, size_t nbytes)
{
    size_t old_nbytes = block ? malloc_usable_size(block) : 0;
    void *moved = __libc_realloc(block, nbytes);
    if (!moved)
        return block && nbytes == 0 ? (live_bytes -= old_nbytes, NULL) : NULL;
    live_bytes -= old_nbytes;
    return counted(moved);
}

void free(void *block)
{
    uncount(block);
    __libc_free(block);
}

void *memalign(size_t alignment, size_t nbytes)
{
    return counted(__libc_memalign(alignment, nbytes));
}

void *aligned_alloc(size_t alignment, size_t nbytes)
{
    return counted(__libc_memalign(alignment, nbytes));
}

int posix_memalign(void **out, size_t alignment, size_t nbytes)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    void *block = counted(__libc_memalign(alignment, nbytes));
    if (!block)
        return ENOMEM;
    *out = block;
    return 0;
}

void *valloc(size_t nbytes)
{
    return counted(__libc_memalign(4096, nbytes));
}

void *pvalloc(size_t nbytes)
{
    return counted(__libc_memalign(4096, (nbytes + 4095) & ~(size_t)4095));
}

#endif /* BENCH_HEAP_COUNTING */

#if BENCH_HEAP_COUNTING
void bench_heap_reset_peak(void)
{
    peak_bytes = live_bytes;
    reset_live_bytes = live_bytes;
    alloc_calls = 0;
}

size_t bench_heap_live_bytes(void)
{
    return live_bytes;
}

size_t bench_heap_peak_bytes(void)
{
    return peak_bytes;
}

size_t bench_heap_peak_delta_bytes(void)
{
    return peak_bytes - reset_live_bytes;
}

uint64_t bench_heap_calls(void)
{
    return alloc_calls;
}
#else
void bench_heap_reset_peak(void)
{
}

size_t bench_heap_live_bytes(void)
{
    return BENCH_HEAP_UNKNOWN;
}

size_t bench_heap_peak_bytes(void)
{
    return BENCH_HEAP_UNKNOWN;
}

size_t bench_heap_peak_delta_bytes(void)
{
    return BENCH_HEAP_UNKNOWN;
}

uint64_t bench_heap_calls(void)
{
    return 0;
}
#endif
