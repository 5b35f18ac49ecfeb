/*
 * bench_time.h — a monotonic clock and the statistics the benches report (medians, not means).
 */
#ifndef INK_PERF_BENCH_TIME_H
#define INK_PERF_BENCH_TIME_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID) in nanoseconds: unlike wall time it
 * does not count the time the thread waits for a core, so it stays meaningful on a busy shared
 * machine (cache and memory-bandwidth contention still show). */
uint64_t bench_thread_cpu_ns(void);

/* Median of `count` samples (sorts them in place); the mean of the two middle ones when even. */
uint64_t bench_median_ns(uint64_t *samples, size_t count);

/* How many times to repeat a measured call: at least `min_runs`, then more until `min_total_ns`
 * has passed, never more than `max_runs`. */
typedef struct bench_repeat {
    unsigned min_runs;
    unsigned max_runs;
    uint64_t min_total_ns;
} bench_repeat;

#endif
