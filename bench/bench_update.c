/*
 * Single-spin update benchmark (docs/performance.md, "Single-spin update vs streaming"; issue 12):
 * the cost per site of vs_lattice_update next to a streaming read of the same coupling table, on
 * an L³ sc lattice with the 6-spin isotropic elastic kernel (K = 1, μ = 0.6, as bench_lattice) and
 * with the 3-component dipolar kernel, L = 8, 16, 32, 64, default options.
 *
 * Four loops apply the field change of one move, h_n += T(r_n − r_m) δ for every site n:
 *   update  vs_lattice_update at sites m_k = (7919 k + 1) mod N (all checks included);
 *   stream  the caller's loop over the table column T(r_n − r_0), read beforehand through the public
 *           API (vs_lattice_coupling) into a contiguous packed array of ncomp(ncomp+1)/2 values per
 *           site — the bytes of the library's table: the streaming lower bound;
 *   api     the caller's loop calling vs_lattice_coupling(lat, n, m, T) per site (the reference of
 *           the issue text: "a streaming loop over the same table through the public API");
 *   plain   the sampler's plain path (VS_SAMPLER_OPT_FIELDS = VS_SAMPLER_PLAIN, heat bath, no
 *           over-relaxation, one replica): one sweep's time / (N × accepted moves), L ≤ plain_Lmax
 *           (a plain sweep costs O(N²): about 3 min at L = 64).
 * Each is timed (thread CPU time) on blocks of K moves (K·N ≥ 10⁶ site updates), the blocks
 * interleaved, repeated `reps` times; the median is reported in ns per site. update, stream and api start from the same
 * state and move; their fields must agree to 1e-15 relative (the bench fails otherwise).
 *
 * Usage: bench_update [Lmax] [plain_Lmax] [reps]  (defaults 64, 32, 15). Output: tables, then
 * key=value lines (grep '^[a-zA-Z_0-9]*='). The load average is printed before and after each
 * kernel: the machine may be shared, and only ratios from the same run compare like with like.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_util.h"

enum { MAXNC = 6, MAXREPS = 41, NSNEW = 64 };

static void die(const char *what)
{
    fprintf(stderr, "bench_update: %s: %s\n", what, vs_last_error());
    exit(1);
}

/* xorshift64*: uniform in [0, 1). */
static double uniform(unsigned long long *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return (double)((*x * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

static void unit_spins(double *s, size_t n, int nc, unsigned long long seed)
{
    for (size_t m = 0; m < n; m++) {
        double r2 = 0.0;
        for (int a = 0; a < nc; a++) {
            s[m * nc + a] = uniform(&seed) - 0.5;
            r2 += s[m * nc + a] * s[m * nc + a];
        }
        for (int a = 0; a < nc; a++)
            s[m * nc + a] /= sqrt(r2);
    }
}

/* Packed index of (a, b) in the upper triangle, row-major (the library's table order). */
static inline int pack(int nc, int a, int b)
{
    int i = a < b ? a : b, j = a < b ? b : a;
    return i * nc - i * (i - 1) / 2 + (j - i);
}

/* The caller's streaming loop: h_n += T_n δ over a contiguous packed column (each h_{n,a}
 * accumulates T_ab δ_b for b = 0 … nc−1, the order of vs_lattice_update). Inline with a constant
 * nc and unrolled, so the packed offsets are constants. */
static inline void stream_nc(int nc, const double *restrict P, const double *restrict d, double *restrict h,
                             size_t N)
{
    int np = nc * (nc + 1) / 2;
    for (size_t n = 0; n < N; n++, P += np, h += nc)
#pragma GCC unroll 16
        for (int a = 0; a < nc; a++) {
            double x = h[a];
#pragma GCC unroll 16
            for (int b = 0; b < nc; b++)
                x += P[pack(nc, a, b)] * d[b];
            h[a] = x;
        }
}

static void stream(int nc, const double *P, const double *d, double *h, size_t N)
{
    if (nc == 3)
        stream_nc(3, P, d, h, N);
    else
        stream_nc(6, P, d, h, N);
}

/* The caller's loop through vs_lattice_coupling per site. */
static void api_loop(const vs_lattice *lat, int nc, size_t m, const double *d, double *h, size_t N)
{
    double T[MAXNC * MAXNC];
    for (size_t n = 0; n < N; n++) {
        if (vs_lattice_coupling(lat, n, m, T) != VS_OK)
            die("vs_lattice_coupling");
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++)
                h[n * nc + a] += T[a * nc + b] * d[b];
    }
}

static double max_rel_diff(const double *x, const double *y, size_t n)
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
} result;

/* ns per site of the update, stream and api loops (medians of reps interleaved blocks). */
static void time_loops(vs_lattice *lat, int nc, int reps, result *r)
{
    size_t N = vs_lattice_nsites(lat), nv = N * (size_t)nc;
    int np = nc * (nc + 1) / 2;
    double *s = malloc(nv * sizeof *s), *h = malloc(nv * sizeof *h), *h2 = malloc(nv * sizeof *h2);
    double *h3 = malloc(nv * sizeof *h3), *P = malloc(N * (size_t)np * sizeof *P);
    double snew[NSNEW * MAXNC], M[MAXNC], T[MAXNC * MAXNC], d[MAXNC];
    if (!s || !h || !h2 || !h3 || !P)
        die("malloc");
    unit_spins(s, N, nc, 1);
    unit_spins(snew, NSNEW, nc, 2);
    if (vs_lattice_fields(lat, s, h) != VS_OK || vs_lattice_total(lat, s, M) != VS_OK)
        die("fields");
    /* the column T(r_n − r_0), packed, through the public API */
    for (size_t n = 0; n < N; n++) {
        if (vs_lattice_coupling(lat, n, 0, T) != VS_OK)
            die("vs_lattice_coupling");
        for (int a = 0; a < nc; a++)
            for (int b = a; b < nc; b++)
                P[n * np + pack(nc, a, b)] = T[a * nc + b];
    }
    /* agreement: one move at site 0 by the three loops from the same state */
    memcpy(h2, h, nv * sizeof *h);
    memcpy(h3, h, nv * sizeof *h);
    for (int a = 0; a < nc; a++)
        d[a] = snew[a] - s[a];
    if (vs_lattice_update(lat, s, h, M, 0, snew) != VS_OK)
        die("vs_lattice_update");
    stream(nc, P, d, h2, N);
    api_loop(lat, nc, 0, d, h3, N);
    r->agree = fmax(max_rel_diff(h, h2, nv), max_rel_diff(h, h3, nv));
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
                die("vs_lattice_update");
        }
        tu[rep] = bench_thread_cpu() - t0;
        t0 = bench_thread_cpu();
        for (long i = 0; i < K; i++)
            stream(nc, P, snew + (i % NSNEW) * nc, h2, N);
        ts[rep] = bench_thread_cpu() - t0;
        /* the api loop is slower; a quarter of the block keeps the run short */
        long Ka = K / 4 > 1 ? K / 4 : 1;
        t0 = bench_thread_cpu();
        for (long i = 0; i < Ka; i++)
            api_loop(lat, nc, (size_t)((7919ULL * (unsigned long long)i + 1ULL) % N), snew + (i % NSNEW) * nc,
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

/* ns per site per accepted move of the sampler's plain path (median of reps single sweeps). */
static double time_plain(const vs_lattice *lat, int reps)
{
    vs_sampler_options *o = NULL;
    vs_sampler *s = NULL;
    double T = 1.0, t[MAXREPS], rate = 0.0;
    if (vs_sampler_options_create(&o) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_PLAIN) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_OVERRELAX, 0) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_THREADS, 1) != VS_OK)
        die("vs_sampler_options");
    if (vs_sampler_create(lat, 1, &T, 2026, o, &s) != VS_OK)
        die("vs_sampler_create");
    vs_sampler_options_free(o);
    size_t N = vs_lattice_nsites(lat);
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_thread_cpu();
        if (vs_sampler_sweep(s, 1) != VS_OK)
            die("vs_sampler_sweep");
        t[rep] = bench_thread_cpu() - t0;
    }
    if (vs_sampler_acceptance(s, 0, &rate) != VS_OK)
        die("vs_sampler_acceptance");
    vs_sampler_free(s);
    /* one sweep = N proposals, rate·N accepted moves of N site updates each */
    return bench_median(t, reps) * 1e9 / (rate * (double)N * (double)N);
}

int main(int argc, char **argv)
{
    int Lmax = argc > 1 ? atoi(argv[1]) : 64;
    int plain_Lmax = argc > 2 ? atoi(argv[2]) : 32;
    int reps = argc > 3 ? atoi(argv[3]) : 15;
    reps = reps < 1 ? 1 : reps > MAXREPS ? MAXREPS : reps;
    vs_elastic *el = NULL;
    vs_coupling *ce = NULL, *cd = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &ce) != VS_OK ||
        vs_coupling_create_dipolar(&cd) != VS_OK)
        die("coupling");
    const char *names[2] = {"elastic", "dipolar"};
    result res[2][8];
    int Ls[2][8], nL[2] = {0, 0};
    const vs_coupling *cs[2] = {ce, cd};
    printf("# libvoigtspin single-spin update benchmark: sc L^3, default options; ns of thread CPU time per\n"
           "# site (median of %d interleaved blocks). update = vs_lattice_update; stream = caller's loop "
           "over the packed\n"
           "# table column read via vs_lattice_coupling; api = vs_lattice_coupling per site; plain = the\n"
           "# sampler's plain path per accepted move (heat bath, 1 replica, 1 thread); agree = max rel.\n"
           "# difference of the fields after one move (update vs stream and api).\n",
           reps);
    for (int kc = 0; kc < 2; kc++) {
        int nc = vs_coupling_ncomp(cs[kc]);
        printf("\n# kernel %s, ncomp = %d\n", names[kc], nc);
        bench_print_load("before");
        printf("%4s %8s %9s %9s %9s %9s %8s %8s %8s %9s\n", "L", "N", "update", "stream", "api", "plain",
               "upd/str", "upd/api", "pln/str", "agree");
        for (int L = 8; L <= Lmax && nL[kc] < 8; L *= 2) {
            int LL[3] = {L, L, L};
            vs_lattice *lat = NULL;
            if (vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, cs[kc], 0, NULL, &lat) != VS_OK)
                die("vs_lattice_create_cubic");
            result r;
            time_loops(lat, nc, reps, &r);
            int pr = L <= 16 ? reps : 3;
            r.plain = L <= plain_Lmax ? time_plain(lat, pr) : NAN;
            printf("%4d %8zu %9.3f %9.3f %9.3f %9.3f %8.3f %8.3f %8.3f %9.2g\n", L, vs_lattice_nsites(lat),
                   r.update, r.stream, r.api, r.plain, r.update / r.stream, r.update / r.api,
                   r.plain / r.stream, r.agree);
            fflush(stdout);
            res[kc][nL[kc]] = r;
            Ls[kc][nL[kc]++] = L;
            vs_lattice_free(lat);
        }
        bench_print_load("after");
    }
    printf("\n");
    for (int kc = 0; kc < 2; kc++)
        for (int i = 0; i < nL[kc]; i++) {
            const result *r = &res[kc][i];
            const char *k = names[kc];
            int L = Ls[kc][i];
            printf("%s_L%d_update_ns=%.4g\n%s_L%d_stream_ns=%.4g\n%s_L%d_api_ns=%.4g\n%s_L%d_plain_ns=%.4g\n"
                   "%s_L%d_update_over_stream=%.4g\n%s_L%d_plain_over_stream=%.4g\n",
                   k, L, r->update, k, L, r->stream, k, L, r->api, k, L, r->plain, k, L,
                   r->update / r->stream, k, L, r->plain / r->stream);
        }
    vs_coupling_free(ce);
    vs_coupling_free(cd);
    vs_elastic_free(el);
    return 0;
}
