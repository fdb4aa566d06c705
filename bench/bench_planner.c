/*
 * FFT planner benchmark (docs/performance.md, "FFT planner"): for an L³ sc lattice with the 6-spin
 * isotropic kernel, the creation time and the fields + energy time per evaluation under each value
 * of VS_LATTICE_OPT_FFTW_PLANNER (MEASURE, and AUTO where the library has it) against ESTIMATE,
 * with 1 and 2 FFT threads (VS_LATTICE_OPT_FFT_THREADS).
 *
 * Method. Every (L, threads, planner) line runs in its own child process, so that FFTW's in-process
 * wisdom of one line cannot shorten or change the planning of the next. In the child: an ESTIMATE
 * lattice is created first (cold), then another one (timed: cr EST, free of the process's one-off
 * costs), then the lattice of the planner under test (cold too: FFTW never answers a MEASURE request
 * from ESTIMATE wisdom), then the first and the last are evaluated INTERLEAVED
 * (fields + energy of one, then of the other, alternating which goes first), so that both see the
 * same load; times are thread CPU time with one FFT thread (waiting for a core on the shared
 * machine is not counted) and wall time with two (the point of the second thread); medians, and
 * the median of the paired ratios ESTIMATE/this. Finally a second lattice of the planner under
 * test in the same process (create2: FFTW's in-process wisdom replays the measured plans).
 * Prints the load average before, after each L and at the end.
 * Usage: bench_planner [Lmax [threads]] (Lmax default 64: sizes 16 24 32 48 64 96 128 up to Lmax;
 * threads 1 or 2 runs only the lines of that FFT thread count, default both).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fftw3.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_util.h"

static vs_lattice *create(int L, const vs_coupling *c, int planner, int fft_threads, double *seconds)
{
    int LL[3] = {L, L, L};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = NULL;
    if (vs_lattice_options_create(&o) != VS_OK ||
        vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, planner) != VS_OK ||
        vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, fft_threads) != VS_OK) {
        vs_lattice_options_free(o);
        return NULL;
    }
    double t0 = bench_now();
    int st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 6, o, &lat);
    *seconds = bench_now() - t0;
    vs_lattice_options_free(o);
    if (st != VS_OK)
        fprintf(stderr, "create L=%d: %s\n", L, vs_last_error());
    return st == VS_OK ? lat : NULL;
}

/* One evaluation (fields + energy, the two calls of 1.0), timed with the clock of the line. */
static double eval_time(vs_lattice *lat, const double *s, double *h, double *E, int wall)
{
    double t0 = wall ? bench_now() : bench_thread_cpu();
    vs_lattice_fields(lat, s, h);
    vs_lattice_energy_from_fields(lat, s, h, E);
    return (wall ? bench_now() : bench_thread_cpu()) - t0;
}

/* One line, in a child process: ESTIMATE and `planner` lattices, created cold and evaluated
 * interleaved. Writes "create_est create best_est med_est best med ratio N create2" to fd. */
static int run_one(int L, int planner, int fft_threads, int fd)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK)
        return 1;
    double ce = 0, cp = 0, cp2 = -1;
    vs_lattice *lat[2] = {create(L, c, VS_LATTICE_PLANNER_ESTIMATE, fft_threads, &ce), NULL};
    /* the ESTIMATE creation timed a second time: the first one also pays the process's one-off
     * costs (FFTW's planner set-up, lazy binding, fresh heap), which are not planning */
    vs_lattice_free(lat[0] ? create(L, c, VS_LATTICE_PLANNER_ESTIMATE, fft_threads, &ce) : NULL);
    lat[1] = lat[0] ? create(L, c, planner, fft_threads, &cp) : NULL;
    if (lat[1] == NULL)
        return 1;
    size_t N = vs_lattice_nsites(lat[0]);
    double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h), E[2] = {0, 0};
    if (s == NULL || h == NULL)
        return 1;
    bench_random_spins6(s, N, 1);
    int wall = fft_threads > 1;
    for (int k = 0; k < 2; k++) /* warm-up */
        eval_time(lat[k], s, h, &E[k], wall);
    /* about 1 s of evaluation pairs, at least 9 */
    double one = eval_time(lat[0], s, h, &E[0], wall);
    int reps = (int)(0.5 / (one > 1e-6 ? one : 1e-6));
    reps = reps < 9 ? 9 : reps > 400 ? 400 : reps;
    double *t = malloc(3 * (size_t)reps * sizeof *t);
    if (t == NULL)
        return 1;
    for (int r = 0; r < reps; r++) {
        for (int j = 0; j < 2; j++) {
            int k = (j + r) % 2;
            t[k * reps + r] = eval_time(lat[k], s, h, &E[k], wall);
        }
        t[2 * reps + r] = t[r] / t[reps + r];
    }
    double ratio = bench_median(t + 2 * reps, reps), me = bench_median(t, reps),
           mp = bench_median(t + reps, reps);
    double be = t[0], bp = t[reps]; /* sorted by bench_median */
    /* a second lattice of the planner under test in the same process: FFTW's in-process wisdom */
    vs_lattice *lat2 = create(L, c, planner, fft_threads, &cp2);
    vs_lattice_free(lat2);
    dprintf(fd, "%.6e %.6e %.6e %.6e %.6e %.6e %.6e %zu %.6e\n", ce, cp, be, me, bp, mp, ratio, N,
            lat2 ? cp2 : -1.0);
    int ok = isfinite(E[0]) && fabs(E[0] - E[1]) <= 1e-12 * fabs(E[0]);
    if (!ok)
        fprintf(stderr, "L=%d: energies of the two plans differ: %.17g %.17g\n", L, E[0], E[1]);
    free(t);
    free(s);
    free(h);
    vs_lattice_free(lat[0]);
    vs_lattice_free(lat[1]);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return ok ? 0 : 1;
}

typedef struct {
    double create_est, create, best_est, med_est, best, median, ratio, create2;
    size_t N;
    int ok;
} result;

static result run_child(int L, int planner, int fft_threads)
{
    result r = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
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
        sscanf(buf, "%lf %lf %lf %lf %lf %lf %lf %zu %lf", &r.create_est, &r.create, &r.best_est, &r.med_est,
               &r.best, &r.median, &r.ratio, &r.N, &r.create2) == 9)
        r.ok = 1;
    return r;
}

int main(int argc, char **argv)
{
    int Lmax = argc > 1 ? atoi(argv[1]) : 64, only = argc > 2 ? atoi(argv[2]) : 0;
    static const int sizes[] = {16, 24, 32, 48, 64, 96, 128};
    static const char *name[] = {"ESTIMATE", "MEASURE", "AUTO"};
    double lo, hi;
    int nplanner = vs_lattice_option_bounds(VS_LATTICE_OPT_FFTW_PLANNER, &lo, &hi) == VS_OK ? (int)hi + 1 : 2;
    nplanner = nplanner > 3 ? 3 : nplanner;
    printf(
        "# libvoigtspin FFT planner benchmark (bench/bench_planner.c): sc lattice, 6-spin isotropic kernel\n"
        "# (K=1, mu=0.6), accuracy 1e-12, periodic; FFTW %s. Each line a fresh child process (cold\n"
        "# FFTW wisdom) holding an ESTIMATE lattice and one of the planner named, evaluated interleaved.\n"
        "# cr EST / create = creation (table build + planning) of each, s, wall; plan = create - cr EST\n"
        "# (the planning cost beyond ESTIMATE); fld+E = vs_lattice_fields + vs_lattice_energy_from_fields,\n"
        "# median (ms) and ns/site of the median: thread CPU time with 1 FFT thread, wall time with 2;\n"
        "# EST/this = median of the paired ratios (> 1: this planner is faster); break-even = plan /\n"
        "# (time saved per evaluation) (- when the gain is under 2 %%); create2 = a second lattice of this\n"
        "# planner in the same process (FFTW wisdom reused).\n",
        fftw_version);
    bench_print_load("before");
    printf("%4s %3s %9s %7s %8s %8s %9s %9s %8s %8s %8s %10s %8s\n", "L", "thr", "planner", "cr EST",
           "create", "plan", "EST ms", "this ms", "EST ns", "this ns", "EST/this", "break-even", "create2");
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes && sizes[i] <= Lmax; i++) {
        for (int thr = 1; thr <= 2; thr++)
            for (int pl = 1; pl < nplanner && (only == 0 || only == thr); pl++) {
                result r = run_child(sizes[i], pl, thr);
                if (!r.ok) {
                    printf("%4d %3d %9s failed\n", sizes[i], thr, name[pl]);
                    continue;
                }
                double gain = r.med_est - r.median, dc = r.create - r.create_est;
                char be[32] = "-";
                if (gain > 0.02 * r.med_est) /* below 2 %: noise */
                    snprintf(be, sizeof be, "%.0f", dc / gain > 0 ? dc / gain : 0);
                printf("%4d %3d %9s %7.3f %8.3f %8.3f %9.3f %9.3f %8.1f %8.1f %8.2f %10s %8.3f\n", sizes[i],
                       thr, name[pl], r.create_est, r.create, dc, 1e3 * r.med_est, 1e3 * r.median,
                       1e9 * r.med_est / (double)r.N, 1e9 * r.median / (double)r.N, r.ratio, be, r.create2);
                fflush(stdout);
            }
        char when[32];
        snprintf(when, sizeof when, "after L = %d", sizes[i]);
        bench_print_load(when);
    }
    bench_print_load("at end");
    return 0;
}
