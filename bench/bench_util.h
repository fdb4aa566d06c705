/*
 * Helpers shared by the benchmarks in bench/ (header-only: each benchmark is its own program):
 * wall clock, resident memory, the load average (the machine may be shared: print it with every
 * section, compare only ratios from the same run), medians.
 */
#ifndef VS_BENCH_UTIL_H
#define VS_BENCH_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Monotonic wall clock in seconds. */
static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU time of the calling thread in seconds: on a shared machine the time a single-threaded loop
 * waits for a core is not counted. */
static inline double bench_thread_cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Resident memory in bytes (Linux /proc/self/statm; 0 where unavailable). */
static inline double bench_rss_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

/* "# load average <when>: 1-, 5-, 15-minute averages …" on stdout. */
static inline void bench_print_load(const char *when)
{
    char buf[128] = "?";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fgets(buf, sizeof buf, f) == NULL)
            strcpy(buf, "?\n");
        fclose(f);
    }
    printf("# load average %s: %s", when, buf);
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of t[0 … n) (sorts t). */
static inline double bench_median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, bench_cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* N random unit 6-spins (site-major), reproducible from seed (srand/rand: a benchmark input, not
 * a Monte Carlo stream). */
static inline void bench_random_spins6(double *s, size_t N, unsigned seed)
{
    srand(seed);
    for (size_t m = 0; m < N; m++) {
        double r2 = 0;
        for (int a = 0; a < 6; a++) {
            s[6 * m + a] = (double)rand() / RAND_MAX - 0.5;
            r2 += s[6 * m + a] * s[6 * m + a];
        }
        for (int a = 0; a < 6; a++)
            s[6 * m + a] /= sqrt(r2);
    }
}

#endif
