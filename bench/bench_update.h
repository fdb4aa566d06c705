/*
 * The single-spin update measurement shared by bench_update.c (its own table) and bench_report.c
 * (the update/stream ratios of the evaluation report): header-only, each benchmark is its own
 * program. upd_time_loops() times vs_lattice_update, the caller's streaming loop over the packed table
 * column (the lower bound) and the per-site vs_lattice_coupling loop on blocks of K moves
 * (K·N ≥ 10⁶ site updates), interleaved, thread CPU time, medians in ns per site; the three start
 * from the same state and move and must agree to 1e-15 relative (the program exits otherwise).
 */
#ifndef BENCH_UPDATE_H
#define BENCH_UPDATE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_util.h"

enum { MAXNC = 6, MAXREPS = 41, NSNEW = 64 };

static void upd_die(const char *what)
{
    fprintf(stderr, "bench_update: %s: %s\n", what, vs_last_error());
    exit(1);
}

/* xorshift64*: uniform in [0, 1). */
static double upd_uniform(unsigned long long *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return (double)((*x * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

static void upd_unit_spins(double *s, size_t n, int nc, unsigned long long seed)
{
    for (size_t m = 0; m < n; m++) {
        double r2 = 0.0;
        for (int a = 0; a < nc; a++) {
            s[m * nc + a] = upd_uniform(&seed) - 0.5;
            r2 += s[m * nc + a] * s[m * nc + a];
        }
        for (int a = 0; a < nc; a++)
            s[m * nc + a] /= sqrt(r2);
    }
}

/* Packed index of (a, b) in the upper triangle, row-major (the library's table order). */
static inline int upd_pack(int nc, int a, int b)
{
    int i = a < b ? a : b, j = a < b ? b : a;
    return i * nc - i * (i - 1) / 2 + (j - i);
}

/* The caller's streaming loop: h_n += T_n δ over a contiguous packed column (each h_{n,a}
 * accumulates T_ab δ_b for b = 0 … nc−1, the order of vs_lattice_update). Inline with a constant
 * nc and unrolled, so the packed offsets are constants. */
static inline void upd_stream_nc(int nc, const double *restrict P, const double *restrict d, double *restrict h,
                             size_t N)
{
    int np = nc * (nc + 1) / 2;
    for (size_t n = 0; n < N; n++, P += np, h += nc)
#pragma GCC unroll 16
        for (int a = 0; a < nc; a++) {
            double x = h[a];
#pragma GCC unroll 16
            for (int b = 0; b < nc; b++)
                x += P[upd_pack(nc, a, b)] * d[b];
            h[a] = x;
        }
}

static void upd_stream(int nc, const double *P, const double *d, double *h, size_t N)
{
    if (nc == 3)
        upd_stream_nc(3, P, d, h, N);
    else
        upd_stream_nc(6, P, d, h, N);
}

/* The caller's loop through vs_lattice_coupling per site. */
static void upd_api_loop(const vs_lattice *lat, int nc, size_t m, const double *d, double *h, size_t N)
{
    double T[MAXNC * MAXNC];
    for (size_t n = 0; n < N; n++) {
        if (vs_lattice_coupling(lat, n, m, T) != VS_OK)
            upd_die("vs_lattice_coupling");
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++)
                h[n * nc + a] += T[a * nc + b] * d[b];
    }
}

static double upd_max_rel_diff(const double *x, const double *y, size_t n)
{
    double dmax = 0.0, xmax = 0.0;
    for (size_t i = 0; i < n; i++) {
        dmax = fmax(dmax, fabs(x[i] - y[i]));
        xmax = fmax(xmax, fabs(x[i]));
    }
    return dmax / xmax;
}

typedef struct {
    double update, stream, api, plain, agree;
} upd_result;

/* ns per site of the update, stream and api loops (medians of reps interleaved blocks). */
static void upd_time_loops(vs_lattice *lat, int nc, int reps, upd_result *r)
{
    size_t N = vs_lattice_nsites(lat), nv = N * (size_t)nc;
    int np = nc * (nc + 1) / 2;
    double *s = malloc(nv * sizeof *s), *h = malloc(nv * sizeof *h), *h2 = malloc(nv * sizeof *h2);
    double *h3 = malloc(nv * sizeof *h3), *P = malloc(N * (size_t)np * sizeof *P);
    double snew[NSNEW * MAXNC], M[MAXNC], T[MAXNC * MAXNC], d[MAXNC];
    if (!s || !h || !h2 || !h3 || !P)
        upd_die("malloc");
    upd_unit_spins(s, N, nc, 1);
    upd_unit_spins(snew, NSNEW, nc, 2);
    if (vs_lattice_fields(lat, s, h) != VS_OK || vs_lattice_total(lat, s, M) != VS_OK)
        upd_die("fields");
    /* the column T(r_n − r_0), packed, through the public API */
    for (size_t n = 0; n < N; n++) {
        if (vs_lattice_coupling(lat, n, 0, T) != VS_OK)
            upd_die("vs_lattice_coupling");
        for (int a = 0; a < nc; a++)
            for (int b = a; b < nc; b++)
                P[n * np + upd_pack(nc, a, b)] = T[a * nc + b];
    }
    /* agreement: one move at site 0 by the three loops from the same state */
    memcpy(h2, h, nv * sizeof *h);
    memcpy(h3, h, nv * sizeof *h);
    for (int a = 0; a < nc; a++)
        d[a] = snew[a] - s[a];
    if (vs_lattice_update(lat, s, h, M, 0, snew) != VS_OK)
        upd_die("vs_lattice_update");
    upd_stream(nc, P, d, h2, N);
    upd_api_loop(lat, nc, 0, d, h3, N);
    r->agree = fmax(upd_max_rel_diff(h, h2, nv), upd_max_rel_diff(h, h3, nv));
    if (!(r->agree <= 1e-15)) {
        fprintf(stderr, "bench_update: update and streaming loops differ by %.3g\n", r->agree);
        exit(1);
    }
    long K = (long)(1e6 / (double)N);
    K = K < 4 ? 4 : K;
    double tu[MAXREPS], ts[MAXREPS], ta[MAXREPS];
    long k = 1;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_thread_cpu();
        for (long i = 0; i < K; i++, k++) {
            size_t m = (size_t)((7919ULL * (unsigned long long)k + 1ULL) % N);
            if (vs_lattice_update(lat, s, h, M, m, snew + (k % NSNEW) * nc) != VS_OK)
                upd_die("vs_lattice_update");
        }
        tu[rep] = bench_thread_cpu() - t0;
        t0 = bench_thread_cpu();
        for (long i = 0; i < K; i++)
            upd_stream(nc, P, snew + (i % NSNEW) * nc, h2, N);
        ts[rep] = bench_thread_cpu() - t0;
        /* the api loop is slower; a quarter of the block keeps the run short */
        long Ka = K / 4 > 1 ? K / 4 : 1;
        t0 = bench_thread_cpu();
        for (long i = 0; i < Ka; i++)
            upd_api_loop(lat, nc, (size_t)((7919ULL * (unsigned long long)i + 1ULL) % N), snew + (i % NSNEW) * nc,
                     h3, N);
        ta[rep] = (bench_thread_cpu() - t0) * (double)K / (double)Ka;
    }
    double per = 1e9 / ((double)K * (double)N);
    r->update = bench_median(tu, reps) * per;
    r->stream = bench_median(ts, reps) * per;
    r->api = bench_median(ta, reps) * per;
    free(s);
    free(h);
    free(h2);
    free(h3);
    free(P);
}

#endif
