/*
 * FFT planner benchmark (docs/performance.md, "FFT planner"): for an L³ sc lattice with the 6-spin
 * isotropic kernel, the creation time and the fields + energy time per evaluation under each value
 * of VS_LATTICE_OPT_FFTW_PLANNER (ESTIMATE, MEASURE, and AUTO where the library has it), with 1 and
 * 2 FFT threads (VS_LATTICE_OPT_FFT_THREADS). Every configuration runs in its own child process, so
 * that FFTW's in-process wisdom of one configuration cannot speed up or change the planning of the
 * next: each creation is a cold one, as in a fresh program. Prints the load average before and after.
 * Usage: bench_planner [Lmax] (default 64; sizes 16 24 32 48 64 96 128 up to Lmax).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_util.h"

/* One configuration, in a child process: create (timed), then time fields + energy. Writes one line
 * "create best median" to fd. */
static int run_one(int L, int planner, int fft_threads, int fd)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK)
        return 1;
    int LL[3] = {L, L, L};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = NULL;
    if (vs_lattice_options_create(&o) != VS_OK ||
        vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, planner) != VS_OK ||
        vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, fft_threads) != VS_OK)
        return 1;
    double t0 = bench_now();
    int st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 6, o, &lat);
    double tcreate = bench_now() - t0;
    vs_lattice_options_free(o);
    if (st != VS_OK) {
        fprintf(stderr, "create L=%d: %s\n", L, vs_last_error());
        return 1;
    }
    size_t N = vs_lattice_nsites(lat);
    double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h), E = 0;
    if (s == NULL || h == NULL)
        return 1;
    bench_random_spins6(s, N, 1);
    vs_lattice_fields(lat, s, h); /* warm-up */
    /* about 0.6 s of evaluations, at least 7 */
    t0 = bench_now();
    vs_lattice_fields(lat, s, h);
    vs_lattice_energy_from_fields(lat, s, h, &E);
    double one = bench_now() - t0;
    int reps = (int)(0.6 / (one > 1e-6 ? one : 1e-6));
    reps = reps < 7 ? 7 : reps > 400 ? 400 : reps;
    double *t = malloc((size_t)reps * sizeof *t);
    for (int r = 0; r < reps; r++) {
        t0 = bench_now();
        vs_lattice_fields(lat, s, h);
        vs_lattice_energy_from_fields(lat, s, h, &E);
        t[r] = bench_now() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, bench_cmp_double);
    /* A second lattice of the same shape in the same process: FFTW's in-process wisdom replays
     * what the first creation measured (no timing again). */
    vs_lattice *lat2 = NULL;
    vs_lattice_options *o2 = NULL;
    double tcreate2 = -1;
    if (vs_lattice_options_create(&o2) == VS_OK &&
        vs_lattice_options_set(o2, VS_LATTICE_OPT_FFTW_PLANNER, planner) == VS_OK &&
        vs_lattice_options_set(o2, VS_LATTICE_OPT_FFT_THREADS, fft_threads) == VS_OK) {
        t0 = bench_now();
        if (vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 6, o2, &lat2) == VS_OK)
            tcreate2 = bench_now() - t0;
    }
    vs_lattice_options_free(o2);
    vs_lattice_free(lat2);
    dprintf(fd, "%.6e %.6e %.6e %zu %.6e\n", tcreate, t[0], t[reps / 2], N, tcreate2);
    free(t);
    free(s);
    free(h);
    vs_lattice_free(lat);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return isfinite(E) ? 0 : 1;
}

typedef struct {
    double create, best, median, create2;
    size_t N;
    int ok;
} result;

static result run_child(int L, int planner, int fft_threads)
{
    result r = {0, 0, 0, 0, 0, 0};
    int p[2];
    if (pipe(p) != 0)
        return r;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        _exit(run_one(L, planner, fft_threads, p[1]));
    }
    close(p[1]);
    char buf[256] = {0};
    ssize_t n = pid > 0 ? read(p[0], buf, sizeof buf - 1) : -1;
    close(p[0]);
    int status = 1;
    if (pid > 0)
        waitpid(pid, &status, 0);
    if (n > 0 && status == 0 &&
        sscanf(buf, "%lf %lf %lf %zu %lf", &r.create, &r.best, &r.median, &r.N, &r.create2) == 5)
        r.ok = 1;
    return r;
}

int main(int argc, char **argv)
{
    int Lmax = argc > 1 ? atoi(argv[1]) : 64;
    static const int sizes[] = {16, 24, 32, 48, 64, 96, 128};
    static const char *name[] = {"ESTIMATE", "MEASURE", "AUTO"};
    double lo, hi;
    int nplanner = vs_lattice_option_bounds(VS_LATTICE_OPT_FFTW_PLANNER, &lo, &hi) == VS_OK ? (int)hi + 1 : 2;
    nplanner = nplanner > 3 ? 3 : nplanner;
    printf(
        "# libvoigtspin FFT planner benchmark: sc lattice, 6-spin isotropic kernel (K=1, mu=0.6),\n"
        "# accuracy 1e-12, periodic. Each line a fresh child process (cold FFTW wisdom).\n"
        "# create = vs_lattice_create_cubic (table build + planning), s; fld+E = vs_lattice_fields +\n"
        "# vs_lattice_energy_from_fields, best and median of >= 7 (about 0.6 s); ns/site from the best;\n"
        "# vs EST = ESTIMATE best / this best (same L, same threads); d(create) = this create - ESTIMATE's\n"
        "# (the planning cost); break-even = d(create) / (ESTIMATE best - this best) evaluations\n"
        "# (- for gains under 2 %%); create2 = a second identical lattice in the same process (FFTW\n"
        "# wisdom reused).\n");
    bench_print_load("before");
    printf("%4s %3s %9s %9s %10s %10s %8s %7s %10s %11s %9s\n", "L", "thr", "planner", "create", "fld+E best",
           "fld+E med", "ns/site", "vs EST", "d(create)", "break-even", "create2");
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes && sizes[i] <= Lmax; i++)
        for (int thr = 1; thr <= 2; thr++) {
            result est = {0, 0, 0, 0, 0, 0};
            for (int pl = 0; pl < nplanner; pl++) {
                result r = run_child(sizes[i], pl, thr);
                if (!r.ok) {
                    printf("%4d %3d %9s failed\n", sizes[i], thr, name[pl]);
                    continue;
                }
                if (pl == 0)
                    est = r;
                double gain = est.ok ? est.best - r.best : 0, dc = est.ok ? r.create - est.create : 0;
                char be[32] = "-";
                if (pl > 0 && gain > 0.02 * est.best) /* below 2 %: noise */
                    snprintf(be, sizeof be, "%.0f", dc / gain > 0 ? dc / gain : 0);
                printf("%4d %3d %9s %9.3f %10.6f %10.6f %8.1f %7.2f %10.3f %11s %9.3f\n", sizes[i], thr,
                       name[pl], r.create, r.best, r.median, 1e9 * r.best / (double)r.N,
                       est.ok ? est.best / r.best : 0.0, dc, be, r.create2);
                fflush(stdout);
            }
        }
    bench_print_load("after");
    return 0;
}
