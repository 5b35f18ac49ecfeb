/*
 * bench_time.c — see bench_time.h.
 */
#include "bench_time.h"

#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

uint64_t bench_thread_cpu_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

uint64_t bench_median_ns(uint64_t *samples, size_t count)
{
    if (count == 0)
        return 0;
    qsort(samples, count, sizeof *samples, compare_u64);
    if (count % 2)
        return samples[count / 2];
    return (samples[count / 2 - 1] + samples[count / 2]) / 2;
}
