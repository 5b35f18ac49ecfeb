/*
 * main.c — inkbench: runs the measured paths (inkbench.h) over files and prints one CSV row per
 * (file, path). perf/run.py drives it; perf/README.md explains the columns.
 *
 *   inkbench [options] FILE...          (or --list FILE with one path per line)
 *     --op decode,convert,inflate       only these operations (default: all)
 *     --path NAME,...                   only these paths (default: all)
 *     --min-runs N --max-runs N --min-time-ms T
 *                                       repeat each path at least N times, then until T ms have
 *                                       passed, at most max-runs times (defaults 3, 7, 30)
 *     --once                            callgrind mode: one warm-up call, then exactly one call
 *                                       through bench_measured_call (for --toggle-collect)
 *     --list-paths                      print "op,path,kinds" of this build and exit
 *
 * Each (file, path) is first run once untimed, with the counting allocator reset: that run gives
 * the status, the sizes and the heap peak. Then the timed runs give the median and the minimum
 * of wall time and of the thread's CPU time (the report's ratios use CPU time: the machine is
 * shared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_heap.h"
#include "bench_time.h"
#include "host/file_io.h"
#include "inkbench.h"

uint64_t bench_digest(const uint8_t *bytes, size_t nbytes)
{
    uint64_t digest = nbytes;
    if (nbytes == 0)
        return digest;
    for (size_t i = 0; i < 16; i++)
        digest = digest * 31u + bytes[(nbytes - 1) * i / 15];
    return digest;
}

bool bench_png_header(const bench_item *item, uint8_t *color_type, uint8_t *bit_depth)
{
    if (item->nbytes < 33)
        return false;
    *bit_depth = item->data[24];
    *color_type = item->data[25];
    return true;
}

static bench_kind kind_of(const uint8_t *data, size_t nbytes)
{
    if (nbytes >= 8 && memcmp(data, "INKZ", 4) == 0)
        return BENCH_KIND_BUNDLE;
    ink_image_format format = ink_sniff_format(data, nbytes);
    if (format == INK_FORMAT_JPEG)
        return BENCH_KIND_JPEG;
    if (format == INK_FORMAT_PNG)
        return BENCH_KIND_PNG;
    return 0;
}

static const char *kind_name(bench_kind kind)
{
    return kind == BENCH_KIND_JPEG ? "jpeg" : kind == BENCH_KIND_PNG ? "png" : "bundle";
}

static bool listed(const char *list, const char *name)
{
    if (!list)
        return true;
    size_t length = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == length && memcmp(p, name, n) == 0)
            return true;
        p += n + (end ? 1 : 0);
    }
    return false;
}

/* Not inlined, and not a tail call: callgrind's --toggle-collect=bench_measured_call counts
 * exactly the path's own instructions. The warm-up goes through bench_warmup_call instead. */
__attribute__((noinline)) bench_status bench_measured_call(const bench_path *path,
                                                           const bench_item *item,
                                                           bench_outcome *out);
__attribute__((noinline)) bench_status bench_warmup_call(const bench_path *path,
                                                         const bench_item *item,
                                                         bench_outcome *out);

static volatile int bench_sink;

bench_status bench_measured_call(const bench_path *path, const bench_item *item,
                                 bench_outcome *out)
{
    bench_status status = path->run(item, out);
    bench_sink = (int)status;
    return status;
}

bench_status bench_warmup_call(const bench_path *path, const bench_item *item, bench_outcome *out)
{
    bench_status status = path->run(item, out);
    bench_sink = (int)status;
    return status;
}

static void csv_text(const char *text)
{
    putchar('"');
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            putchar('"');
        putchar(*p == '\n' ? ' ' : *p);
    }
    putchar('"');
}

static void run_path(const bench_path *path, const bench_item *item, const bench_repeat *repeat,
                     bool once)
{
    bench_outcome outcome;
    memset(&outcome, 0, sizeof outcome);
    bench_heap_reset_peak();
    bench_status status = bench_warmup_call(path, item, &outcome);
    size_t heap_peak = bench_heap_peak_delta_bytes();
    uint64_t alloc_calls = bench_heap_calls();
    uint64_t samples[1024], cpu_samples[1024];
    unsigned runs = 0;
    uint64_t median = 0, minimum = 0, cpu_median = 0, cpu_minimum = 0;
    if (status == BENCH_OK) {
        uint64_t started = bench_now_ns();
        unsigned max_runs = once ? 1 : repeat->max_runs;
        if (max_runs > 1024)
            max_runs = 1024;
        while (runs < max_runs) {
            bench_outcome again;
            memset(&again, 0, sizeof again);
            uint64_t c0 = bench_thread_cpu_ns();
            uint64_t t0 = bench_now_ns();
            bench_status s = bench_measured_call(path, item, &again);
            uint64_t t1 = bench_now_ns();
            uint64_t c1 = bench_thread_cpu_ns();
            if (s != BENCH_OK || again.check != outcome.check) {
                status = BENCH_FAILED;
                snprintf(outcome.detail, sizeof outcome.detail, "output differs between runs");
                break;
            }
            cpu_samples[runs] = c1 - c0;
            samples[runs++] = t1 - t0;
            if (once || (runs >= repeat->min_runs && t1 - started >= repeat->min_total_ns))
                break;
        }
        median = bench_median_ns(samples, runs); /* sorts: the minimum is then first */
        minimum = samples[0];
        cpu_median = bench_median_ns(cpu_samples, runs);
        cpu_minimum = cpu_samples[0];
    }
    static const char *const status_names[] = {"ok", "na", "failed", "refused"};
    csv_text(item->name);
    char heap_text[32] = "";
    if (status == BENCH_OK && heap_peak != BENCH_HEAP_UNKNOWN)
        snprintf(heap_text, sizeof heap_text, "%zu", heap_peak);
    printf(",%s,%s,%s,%s,%u,%u,%zu,%llu,%u,%llu,%llu,%llu,%llu,%s,%llu,%016llx,",
           kind_name(item->kind), path->op, path->name, status_names[status], outcome.width,
           outcome.height, item->nbytes, (unsigned long long)outcome.out_nbytes, runs,
           (unsigned long long)median, (unsigned long long)minimum,
           (unsigned long long)cpu_median, (unsigned long long)cpu_minimum,
           heap_text, (unsigned long long)alloc_calls,
           (unsigned long long)outcome.check);
    csv_text(outcome.detail);
    putchar('\n');
    fflush(stdout);
}

static const bench_path *const path_lists[] = {bench_paths_ink, bench_paths_peers,
                                               bench_paths_inflate};

static void run_file(const char *file, const char *ops, const char *paths,
                     const bench_repeat *repeat, bool once)
{
    unsigned char *data = NULL;
    size_t nbytes = 0;
    if (!ink_read_file(file, &data, &nbytes)) {
        fprintf(stderr, "inkbench: %s: cannot read\n", file);
        return;
    }
    bench_item item = {file, data, nbytes, kind_of(data, nbytes)};
    if (item.kind == 0) {
        fprintf(stderr, "inkbench: %s: neither JPEG, PNG nor an inflate bundle\n", file);
        free(data);
        return;
    }
    for (size_t l = 0; l < sizeof path_lists / sizeof path_lists[0]; l++)
        for (const bench_path *path = path_lists[l]; path->name; path++)
            if ((path->kinds & item.kind) && listed(ops, path->op) && listed(paths, path->name))
                run_path(path, &item, repeat, once);
    free(data);
}

static int usage(const char *why)
{
    fprintf(stderr, "inkbench: %s (see the comment at the top of perf/inkbench/main.c)\n", why);
    return 2;
}

int main(int argc, char **argv)
{
    bench_repeat repeat = {3, 7, 30000000u};
    const char *ops = NULL, *paths = NULL, *list = NULL;
    bool once = false;
    int first_file = argc;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(arg, "--op") == 0 && has_value) {
            ops = argv[++i];
        } else if (strcmp(arg, "--path") == 0 && has_value) {
            paths = argv[++i];
        } else if (strcmp(arg, "--list") == 0 && has_value) {
            list = argv[++i];
        } else if (strcmp(arg, "--min-runs") == 0 && has_value) {
            repeat.min_runs = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(arg, "--max-runs") == 0 && has_value) {
            repeat.max_runs = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(arg, "--min-time-ms") == 0 && has_value) {
            repeat.min_total_ns = strtoull(argv[++i], NULL, 10) * 1000000u;
        } else if (strcmp(arg, "--once") == 0) {
            once = true;
        } else if (strcmp(arg, "--list-paths") == 0) {
            for (size_t l = 0; l < sizeof path_lists / sizeof path_lists[0]; l++)
                for (const bench_path *path = path_lists[l]; path->name; path++)
                    printf("%s,%s,%s%s%s\n", path->op, path->name,
                           path->kinds & BENCH_KIND_JPEG ? "jpeg " : "",
                           path->kinds & BENCH_KIND_PNG ? "png " : "",
                           path->kinds & BENCH_KIND_BUNDLE ? "bundle" : "");
            return 0;
        } else if (arg[0] == '-') {
            return usage("unknown option or missing value");
        } else {
            first_file = i;
            break;
        }
    }
    if (repeat.min_runs == 0)
        repeat.min_runs = 1;
    if (repeat.max_runs < repeat.min_runs)
        repeat.max_runs = repeat.min_runs;
    puts("item,kind,op,path,status,width,height,in_bytes,out_bytes,runs,median_ns,min_ns,"
         "cpu_median_ns,cpu_min_ns,heap_peak_bytes,alloc_calls,check,detail");
    for (int i = first_file; i < argc; i++)
        run_file(argv[i], ops, paths, &repeat, once);
    if (list) {
        FILE *f = fopen(list, "r");
        if (!f)
            return usage("cannot open the --list file");
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0])
                run_file(line, ops, paths, &repeat, once);
        }
        fclose(f);
    }
    return 0;
}
