/*
 * The evaluation report (issue 12; docs/performance.md, first part): ONE run that prints, for an
 * sc L³ lattice with the 6-spin isotropic elastic kernel (K = 1, μ = 0.6, accuracy 1e-12, the
 * default serial ESTIMATE plans) at L = 32, 64, 128:
 *
 *   fld+E     vs_lattice_fields + vs_lattice_energy_from_fields (all N fields and the energy),
 *   f&E       vs_lattice_fields_energy (since 1.1): the same fields and energy from one evaluation,
 *   E         vs_lattice_energy alone,
 *   own       the library's own transforms on its own workspace (its plans, the product skipped),
 *   contig    6 r2c + 6 c2r FFTW transforms of 6 contiguous planes (same flag: the honest bound),
 *   site      the same 12 transforms in the caller's site-major layout (stride 6: the 1.0 layout),
 *   matvec    the k-space product as a separate pass over the whole workspace (the threaded path's),
 *             its bytes/s against a STREAM triad and an in-place update a += q·b on arrays of the
 *             same total size, measured in the same run,
 *   flop/s    of fld+E (FFTW's own flop count of the contiguous plans, fftw_flops, + 144 flops per
 *             k of the product + 2 per value of the energy dot) against measured peaks: a
 *             register-blocked multiply-add loop, AVX2+FMA (4-wide FMA) and baseline SSE2
 *             (2-wide mul + add),
 *   memory    vs_lattice_memory_estimate per site, and resident growth at creation per site,
 *   scaling   the least-squares exponent of fld+E time against N;
 *
 * then, in the same run:
 *
 *   threads   vs_lattice_fields_energy with 2 FFT threads (planner AUTO: MEASURE) against one
 *             thread (ESTIMATE), wall time (both threads count), interleaved, L = 32, 64, 128, and
 *             the creation time of the threaded lattice (its planning);
 *   update    vs_lattice_update against the caller's streaming loop over the same table, ns per
 *             site, elastic (6) and dipolar (3) kernels, L = 8 … 64 (bench_update.h, the method of
 *             bench/bench_update.c).
 *
 * Times are thread CPU time (everything here is one thread; waiting for a core on the shared
 * machine is not counted), medians of interleaved repetitions. Usage: bench_report [reps]
 * (default 15; L = 128 runs ⌈reps/2⌉). Internal: links the internal library (the workspace, the
 * plans and the product of lib/lattice/fft.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fftw3.h>

#include <libvoigtspin/voigtspin.h>
#include "lattice/lattice_internal.h"

#include "bench_rawfft.h"
#include "bench_update.h"
#include "bench_util.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define REPORT_AVX2 1
#endif

/* ---------------------------------------------------------------- peaks */

/* Multiply-adds of 12 independent 2-wide accumulators (baseline SSE2: separate mul and add; the
 * latency of 12 chains hides the add latency). Returns flop/s (2 per lane per multiply-add). */
typedef double v2d __attribute__((vector_size(16)));
static double peak_sse2(void)
{
    v2d acc[12], x = {1.0 + 1e-9, 1.0 - 1e-9}, y = {1e-9, -1e-9};
    for (int i = 0; i < 12; i++)
        acc[i] = (v2d){(double)i, (double)-i};
    long n = 20000000;
    double t0 = bench_thread_cpu();
    for (long k = 0; k < n; k++)
#pragma GCC unroll 12 /* the accumulators in registers at any optimisation level */
        for (int i = 0; i < 12; i++)
            acc[i] = acc[i] * x + y;
    double t = bench_thread_cpu() - t0;
    double sink = 0.0;
    for (int i = 0; i < 12; i++)
        sink += acc[i][0] + acc[i][1];
    if (sink == 42.0) /* keep the loop */
        printf("#\n");
    return 2.0 * 2.0 * 12.0 * (double)n / t;
}

#ifdef REPORT_AVX2
/* The same with 12 4-wide FMA chains (the machine's peak for one core, if it has FMA). */
__attribute__((target("avx2,fma"))) static double peak_fma(void)
{
    __m256d acc[12], x = _mm256_set1_pd(1.0 + 1e-9), y = _mm256_set1_pd(1e-9);
    for (int i = 0; i < 12; i++)
        acc[i] = _mm256_set1_pd((double)i);
    long n = 20000000;
    double t0 = bench_thread_cpu();
    for (long k = 0; k < n; k++)
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++)
            acc[i] = _mm256_fmadd_pd(acc[i], x, y);
    double t = bench_thread_cpu() - t0;
    double out[4], sink = 0.0;
    for (int i = 0; i < 12; i++) {
        _mm256_storeu_pd(out, acc[i]);
        sink += out[0] + out[3];
    }
    if (sink == 42.0)
        printf("#\n");
    return 2.0 * 4.0 * 12.0 * (double)n / t;
}
#endif

/* STREAM triad a = b + q·c (24 bytes counted per element, as STREAM counts) and the in-place
 * update a += q·b (24 bytes, no write-allocate: what an in-place product moves), on arrays of
 * `bytes` in total. Each call times one pass; returns seconds. */
typedef struct {
    double *a, *b, *c;
    size_t n3, n2; /* elements per array: triad (3 arrays), update (2 arrays) */
} stream;

static void stream_init(stream *s, size_t bytes)
{
    s->n3 = bytes / 24;
    s->n2 = bytes / 16;
    s->a = malloc(s->n2 * sizeof *s->a);
    s->b = malloc(s->n2 * sizeof *s->b);
    s->c = malloc(s->n3 * sizeof *s->c);
    if (!s->a || !s->b || !s->c) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < s->n2; i++)
        s->a[i] = s->b[i] = 1.0;
    for (size_t i = 0; i < s->n3; i++)
        s->c[i] = 2.0;
}

static double stream_triad(stream *s)
{
    double *restrict a = s->a;
    const double *restrict b = s->b, *restrict c = s->c;
    double t0 = bench_thread_cpu();
    for (size_t i = 0; i < s->n3; i++)
        a[i] = b[i] + 0.5 * c[i];
    return bench_thread_cpu() - t0;
}

static double stream_update(stream *s)
{
    double *restrict a = s->a;
    const double *restrict b = s->b;
    double t0 = bench_thread_cpu();
    for (size_t i = 0; i < s->n2; i++)
        a[i] += 1e-3 * b[i];
    return bench_thread_cpu() - t0;
}

static void stream_free(stream *s)
{
    free(s->a);
    free(s->b);
    free(s->c);
}

/* The library's own transforms on its own workspace, the product skipped: the slab and column
 * stages of the serial evaluation (lib/lattice/fft.c). */
static double own_time(const vs_lattice *l)
{
    const vs__geom *g = &l->geo;
    double *xr = l->ws.xr;
    fftw_complex *xk = l->ws.xk;
    size_t ncol = (size_t)g->g[1] * (size_t)(g->g[2] / 2 + 1), sp = (size_t)g->g[1] * (size_t)g->g[2];
    size_t ns = l->slabwise ? (size_t)g->g[0] : 1; /* periodic here: every slab */
    double t0 = bench_thread_cpu();
    for (size_t i0 = 0; i0 < ns; i0++)
        fftw_execute_dft_r2c(l->slab_fwd, xr + i0 * sp, xk + i0 * ncol);
    for (size_t q0 = 0; q0 < ncol; q0 += l->colblk) {
        int r = q0 + l->colblk > ncol;
        fftw_execute_dft(l->col_fwd[r], xk + q0, xk + q0);
        fftw_execute_dft(l->col_bwd[r], xk + q0, xk + q0);
    }
    for (size_t i0 = 0; i0 < ns; i0++)
        fftw_execute_dft_c2r(l->slab_bwd, xk + i0 * ncol, xr + i0 * sp);
    return bench_thread_cpu() - t0;
}

/* ---------------------------------------------------------------- one size */

typedef struct {
    int L;
    size_t N;
    double fe, e, own, contig, site, mv, triad, update, fe1; /* medians, s */
    double pc, po, pe, pc1; /* medians of the paired ratios fld+E/contig, fld+E/own, E/contig,
                               f&E/contig of each repetition */
    double mvbytes, flops, est, rss;
} row;

static vs_lattice *make(int L, const vs_coupling *c, double *rss)
{
    int LL[3] = {L, L, L};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = NULL;
    vs_lattice_options_create(&o);
    vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, VS_LATTICE_PLANNER_ESTIMATE);
    double m0 = bench_rss_bytes();
    int st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 6, o, &lat);
    *rss = bench_rss_bytes() - m0;
    vs_lattice_options_free(o);
    if (st != VS_OK) {
        fprintf(stderr, "create L=%d: %s\n", L, vs_last_error());
        exit(1);
    }
    return lat;
}

static void measure(row *w, int L, const vs_coupling *c, int reps)
{
    double rss;
    vs_lattice *lat = make(L, c, &rss);
    size_t N = vs_lattice_nsites(lat), nh = lat->geo.nhalf;
    int LL[3] = {L, L, L};
    double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, f0[3] = {0, 0, 0};
    size_t est = 0;
    vs_lattice_memory_estimate(cell, 1, f0, LL, c, 6, NULL, &est);
    double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h), E = 0, E2 = 0, E3 = 0;
    bench_random_spins6(s, N, 1);
    rawfft rc, rs;
    raw_init(&rc, L, 0, FFTW_ESTIMATE);
    raw_init(&rs, L, 1, FFTW_ESTIMATE);
    /* the product's bytes: the table (21 doubles per k) read once, 6 complex per k read and written */
    double mvbytes = (double)nh * (21.0 * 8.0 + 2.0 * 6.0 * 16.0);
    stream st;
    stream_init(&st, (size_t)mvbytes);
    double *t[9];
    for (int i = 0; i < 9; i++)
        t[i] = malloc((size_t)reps * sizeof *t[i]);
    for (int r = 0; r < reps; r++) {
        /* the two fields + energy evaluations back to back, in alternating order: the first of
         * the pair runs on caches cleared by the previous repetition's stream arrays, the
         * second on warm ones (at L = 32 everything fits in L3: the order alone moves it ~10 %) */
        double t0;
        for (int k = 0; k < 2; k++) {
            t0 = bench_thread_cpu();
            if ((k + r) % 2 == 0) {
                vs_lattice_fields(lat, s, h);
                vs_lattice_energy_from_fields(lat, s, h, &E);
                t[0][r] = bench_thread_cpu() - t0;
            } else {
                vs_lattice_fields_energy(lat, s, h, &E3);
                t[8][r] = bench_thread_cpu() - t0;
            }
        }
        t0 = bench_thread_cpu();
        vs_lattice_energy(lat, s, &E2);
        t[1][r] = bench_thread_cpu() - t0;
        t[3][r] = raw_time(&rc, bench_thread_cpu);
        t[2][r] = own_time(lat);
        t[4][r] = raw_time(&rs, bench_thread_cpu);
        t0 = bench_thread_cpu();
        vs__lattice_kspace_matvec(lat, lat->ws.xk);
        t[5][r] = bench_thread_cpu() - t0;
        t[6][r] = stream_triad(&st);
        t[7][r] = stream_update(&st);
    }
    if (!(E3 == E)) {
        fprintf(stderr, "L=%d: vs_lattice_fields_energy %.17g != fields + energy from fields %.17g\n", L, E3, E);
        exit(1);
    }
    if (fabs(E - E2) > 1e-12 * fabs(E)) {
        fprintf(stderr, "L=%d: vs_lattice_energy %.17g != energy from fields %.17g\n", L, E2, E);
        exit(1);
    }
    double *q = malloc(4 * (size_t)reps * sizeof *q);
    for (int r = 0; r < reps; r++) {
        q[r] = t[0][r] / t[3][r];
        q[reps + r] = t[0][r] / t[2][r];
        q[2 * reps + r] = t[1][r] / t[3][r];
        q[3 * reps + r] = t[8][r] / t[3][r];
    }
    w->pc = bench_median(q, reps);
    w->po = bench_median(q + reps, reps);
    w->pe = bench_median(q + 2 * reps, reps);
    w->pc1 = bench_median(q + 3 * reps, reps);
    free(q);
    w->L = L;
    w->N = N;
    w->fe = bench_median(t[0], reps);
    w->e = bench_median(t[1], reps);
    w->own = bench_median(t[2], reps);
    w->contig = bench_median(t[3], reps);
    w->site = bench_median(t[4], reps);
    w->mv = bench_median(t[5], reps);
    w->triad = 24.0 * (double)st.n3 / bench_median(t[6], reps);
    w->update = 24.0 * (double)st.n2 / bench_median(t[7], reps);
    w->fe1 = bench_median(t[8], reps);
    w->mvbytes = mvbytes;
    w->flops = rc.flops + 144.0 * (double)nh + 2.0 * 6.0 * (double)N;
    w->est = (double)est / (double)N;
    w->rss = rss / (double)N;
    for (int i = 0; i < 9; i++)
        free(t[i]);
    stream_free(&st);
    raw_free(&rc);
    raw_free(&rs);
    free(s);
    free(h);
    vs_lattice_free(lat);
}

/* ---------------------------------------------------------------- threads */

/* CPU time of the whole process (all threads) in seconds. */
static double bench_process_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* vs_lattice_fields_energy with 2 FFT threads (planner AUTO) against one thread (the serial
 * default), wall time, interleaved; the threaded lattice's creation time (table + MEASURE planning)
 * against the serial one's. */
static void report_threads(const vs_coupling *c, int reps)
{
    printf("\n# threaded evaluation: vs_lattice_fields_energy, 2 FFT threads (planner AUTO) vs 1 thread (AUTO =\n"
           "# ESTIMATE), wall time (ms) and process CPU time (ms, both threads), medians of %d interleaved\n"
           "# repetitions (L = 128: %d); create = creation wall time (s) of each lattice (the difference is the\n"
           "# planning). The wall-time speed-up needs an idle second core: compare it only at load average < 1.\n"
           "%5s %9s %9s %9s %9s %9s %8s %9s %9s\n",
           reps, (reps + 1) / 2, "L", "1 thr", "2 thr", "1/2", "cpu 1", "cpu 2", "flag2", "create1", "create2");
    for (int L = 32; L <= 128; L *= 2) {
        int LL[3] = {L, L, L}, n = L == 128 ? (reps + 1) / 2 : reps;
        vs_lattice *lat[2] = {NULL, NULL};
        double cr[2];
        for (int k = 0; k < 2; k++) {
            vs_lattice_options *o = NULL;
            vs_lattice_options_create(&o);
            int ok = vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, k + 1) == VS_OK;
            double t0 = bench_now();
            ok = ok && vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 6, o, &lat[k]) == VS_OK;
            cr[k] = bench_now() - t0;
            vs_lattice_options_free(o);
            if (!ok) {
                printf("# L = %d: %s (no FFT threads in this build?)\n", L, vs_last_error());
                vs_lattice_free(lat[0]);
                return;
            }
        }
        size_t N = vs_lattice_nsites(lat[0]);
        double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h), E[2] = {0, 0};
        double *t[4];
        for (int k = 0; k < 4; k++)
            t[k] = malloc((size_t)n * sizeof(double));
        bench_random_spins6(s, N, 3);
        for (int r = 0; r < n; r++)
            for (int k = 0; k < 2; k++) {
                double c0 = bench_process_cpu(), t0 = bench_now();
                vs_lattice_fields_energy(lat[k], s, h, &E[k]);
                t[k][r] = bench_now() - t0;
                t[2 + k][r] = bench_process_cpu() - c0;
            }
        if (fabs(E[0] - E[1]) > 1e-12 * fabs(E[0])) {
            fprintf(stderr, "L=%d: threaded energy %.17g != serial %.17g\n", L, E[1], E[0]);
            exit(1);
        }
        double m1 = bench_median(t[0], n), m2 = bench_median(t[1], n);
        double c1 = bench_median(t[2], n), c2 = bench_median(t[3], n);
        unsigned fl = vs__lattice_planner_flags(lat[1]->opt.planner, 2, lat[1]->geo.ngrid);
        printf("%5d %9.3f %9.3f %9.2f %9.3f %9.3f %8s %9.2f %9.2f\n", L, 1e3 * m1, 1e3 * m2, m1 / m2, 1e3 * c1,
               1e3 * c2, fl == FFTW_MEASURE ? "MEASURE" : "ESTIMATE", cr[0], cr[1]);
        fflush(stdout);
        for (int k = 0; k < 4; k++)
            free(t[k]);
        free(s);
        free(h);
        vs_lattice_free(lat[0]);
        vs_lattice_free(lat[1]);
    }
}

/* ---------------------------------------------------------------- update */

/* vs_lattice_update vs the streaming loop (bench_update.h), elastic and dipolar, L = 8 … 64. */
static void report_update(const vs_coupling *ce, int reps)
{
    vs_coupling *cd = NULL;
    if (vs_coupling_create_dipolar(&cd) != VS_OK)
        upd_die("dipolar coupling");
    reps = reps > MAXREPS ? MAXREPS : reps;
    printf("\n# single-spin update: vs_lattice_update vs the caller's streaming loop over the packed table\n"
           "# column (method of bench/bench_update.c), ns of thread CPU time per site, medians of %d\n"
           "# interleaved blocks of K moves (K·N >= 1e6); default options; target update/stream <= 1.5\n"
           "%8s %4s %8s %9s %9s %9s %8s\n",
           reps, "kernel", "L", "N", "update", "stream", "api", "upd/str");
    const vs_coupling *cs[2] = {ce, cd};
    const char *names[2] = {"elastic", "dipolar"};
    for (int k = 0; k < 2; k++)
        for (int L = 8; L <= 64; L *= 2) {
            int LL[3] = {L, L, L};
            vs_lattice *lat = NULL;
            if (vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, cs[k], 0, NULL, &lat) != VS_OK)
                upd_die("vs_lattice_create_cubic");
            upd_result r;
            upd_time_loops(lat, vs_coupling_ncomp(cs[k]), reps, &r);
            printf("%8s %4d %8zu %9.3f %9.3f %9.3f %8.3f\n", names[k], L, vs_lattice_nsites(lat), r.update,
                   r.stream, r.api, r.update / r.stream);
            fflush(stdout);
            vs_lattice_free(lat);
        }
    vs_coupling_free(cd);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    if (reps < 1)
        reps = 1;
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK) {
        fprintf(stderr, "coupling: %s\n", vs_last_error());
        return 1;
    }
    printf("# libvoigtspin evaluation report (bench/bench_report.c): sc L^3, 6-spin isotropic elastic kernel\n"
           "# (K=1, mu=0.6), accuracy 1e-12, FFTW_ESTIMATE everywhere, one thread; thread CPU time, medians\n"
           "# of %d interleaved repetitions (L = 128: %d). FFTW %s, compiler %s\n",
           reps, (reps + 1) / 2, fftw_version, __VERSION__);
    bench_print_load("at start");

    double psse[5], pfma[5] = {0};
    for (int r = 0; r < 5; r++) {
        psse[r] = peak_sse2();
#ifdef REPORT_AVX2
        pfma[r] = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? peak_fma() : 0.0;
#endif
    }
    double Psse = bench_median(psse, 5), Pfma = bench_median(pfma, 5);
    printf("# peak, one core: SSE2 mul+add %.2f Gflop/s, AVX2 FMA %.2f Gflop/s (0 = not available)\n", Psse * 1e-9,
           Pfma * 1e-9);

    const int Ls[3] = {32, 64, 128};
    row w[3];
    for (int i = 0; i < 3; i++) {
        measure(&w[i], Ls[i], c, Ls[i] == 128 ? (reps + 1) / 2 : reps);
        bench_print_load(Ls[i] == 32 ? "after L = 32" : Ls[i] == 64 ? "after L = 64" : "after L = 128");
    }

    printf("\n# times (ms) and ratios (f&E = vs_lattice_fields_energy; fld+E = fields + energy_from_fields)\n"
           "%5s %9s %9s %9s %9s %9s %9s %9s %8s %8s %8s %8s %8s\n",
           "L", "N", "f&E", "fld+E", "E", "own", "contig", "site", "f&E/con", "fE/cont", "fE/own", "E/cont",
           "fE/site");
    for (int i = 0; i < 3; i++)
        printf("%5d %9zu %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %8.3f %8.3f %8.3f %8.3f %8.3f\n", w[i].L, w[i].N,
               1e3 * w[i].fe1, 1e3 * w[i].fe, 1e3 * w[i].e, 1e3 * w[i].own, 1e3 * w[i].contig, 1e3 * w[i].site,
               w[i].fe1 / w[i].contig, w[i].fe / w[i].contig, w[i].fe / w[i].own, w[i].e / w[i].contig,
               w[i].fe / w[i].site);
    printf("# the same ratios per repetition (each pair measured back to back), median:\n"
           "%5s %9s %8s %8s %8s %8s\n",
           "L", "N", "f&E/con", "fE/cont", "fE/own", "E/cont");
    for (int i = 0; i < 3; i++)
        printf("%5d %9zu %8.3f %8.3f %8.3f %8.3f\n", w[i].L, w[i].N, w[i].pc1, w[i].pc, w[i].po, w[i].pe);

    printf("\n# k-space product as a separate pass vs measured bandwidth (same array bytes, same run)\n"
           "%5s %10s %9s %10s %10s %10s %9s %9s\n",
           "L", "MB", "mv (ms)", "mv GB/s", "triad", "a+=qb", "/triad", "/a+=qb");
    for (int i = 0; i < 3; i++) {
        double bw = w[i].mvbytes / w[i].mv;
        printf("%5d %10.1f %9.3f %10.2f %10.2f %10.2f %9.2f %9.2f\n", w[i].L, w[i].mvbytes * 1e-6, 1e3 * w[i].mv,
               bw * 1e-9, w[i].triad * 1e-9, w[i].update * 1e-9, bw / w[i].triad, bw / w[i].update);
    }

    printf("\n# roofline: flop/s of fld+E (FFTW flop count + product + dot) vs measured peaks; compulsory\n"
           "# bytes/s of fld+E (s read twice, h written and read once: 192 B/site; the k-space table once:\n"
           "# 168 B per half-grid point) vs the triad bandwidth; memory per site\n"
           "%5s %10s %10s %9s %9s %9s %9s %11s %11s %9s\n",
           "L", "Mflop", "Gflop/s", "/FMA", "/SSE2", "GB/s", "/triad", "est B/site", "RSS B/site", "ns/site");
    for (int i = 0; i < 3; i++) {
        double fs = w[i].flops / w[i].fe;
        double nh = (double)w[i].L * w[i].L * (w[i].L / 2 + 1);
        double bs = (192.0 * (double)w[i].N + 168.0 * nh) / w[i].fe;
        printf("%5d %10.1f %10.2f %9.3f %9.3f %9.2f %9.3f %11.1f %11.1f %9.1f\n", w[i].L, w[i].flops * 1e-6,
               fs * 1e-9, Pfma > 0 ? fs / Pfma : 0.0, fs / Psse, bs * 1e-9, bs / w[i].triad, w[i].est, w[i].rss,
               1e9 * w[i].fe / (double)w[i].N);
    }

    /* least-squares slope of log t against log N */
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < 3; i++) {
        double x = log((double)w[i].N), y = log(w[i].fe);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    double slope = (3 * sxy - sx * sy) / (3 * sxx - sx * sx);
    printf("\n# scaling: fld+E time ~ N^%.3f over L = 32..128 (N log N over this range alone gives N^%.3f)\n",
           slope, 1.0 + log(log(128.0 * 128 * 128) / log(32.0 * 32 * 32)) / log(64.0));
    bench_print_load("after the scaling");

    report_threads(c, reps);
    bench_print_load("after the threaded evaluation");
    report_update(c, reps);
    bench_print_load("at end");
    vs_coupling_free(c);
    vs_elastic_free(el);
    return 0;
}
