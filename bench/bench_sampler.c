/*
 * Sampler benchmark (docs/performance.md, issue 11): sweep time of vs_sampler vs N on an sc lattice
 * with the 6-spin isotropic elastic kernel (the material of bench_lattice: K = 1, μ = 0.6), for the
 * delayed-update path and the plain O(N)-update path in the same run, at the lattice mean-field
 * T_c (Luttinger–Tisza). Reports the least-squares exponents of time vs N, the speedup per L, the
 * automatic refresh period B, a B scan, the memory per replica (from the sizes, cross-checked with
 * the malloc'd bytes and the resident memory) and the replica scaling over threads (nrep = 2, 4;
 * VS_SAMPLER_OPT_THREADS 1 vs 2; the bench fails if the chains differ in any bit).
 *
 * One sweep = N heat-bath moves + N over-relaxation moves (the default options). Times are the
 * median of repeated single sweeps (seconds); the plain path at the largest L is timed once (one
 * sweep costs O(N²)).
 *
 * Usage: bench_sampler [Lmax] [plain_Lmax] [sections]  (defaults 32, Lmax, "tbms": t = sweep
 * times, b = B scan, m = memory, s = replica scaling). Output: tables, then key=value lines
 * (grep '^[a-zA-Z_0-9]*='). The load average is printed before and after each section: the machine
 * may be shared, and only ratios from the same run compare like with like.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <libvoigtspin/voigtspin.h>

#include "bench_util.h"

enum { NC = 6, MAXL = 8 };

/* Bytes currently malloc'd (glibc: arena in use + mmap'd blocks); -1 where unavailable. */
static double malloc_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return (double)mi.uordblks + (double)mi.hblkhd;
#else
    return -1.0;
#endif
}

static void die(const char *what)
{
    fprintf(stderr, "bench_sampler: %s: %s\n", what, vs_last_error());
    exit(1);
}

static vs_lattice *make_lattice(const vs_coupling *c, int L)
{
    int LL[3] = {L, L, L};
    vs_lattice *lat = NULL;
    if (vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, NC, NULL, &lat) != VS_OK)
        die("vs_lattice_create_cubic");
    return lat;
}

static vs_sampler *make_sampler(const vs_lattice *lat, int nrep, const double *T, int fields, long B,
                                int threads)
{
    vs_sampler_options *o = NULL;
    vs_sampler *s = NULL;
    if (vs_sampler_options_create(&o) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_REFRESH, (double)B) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_THREADS, threads) != VS_OK)
        die("vs_sampler_options");
    if (vs_sampler_create(lat, nrep, T, 2026, o, &s) != VS_OK)
        die("vs_sampler_create");
    vs_sampler_options_free(o);
    return s;
}

/* Median time of one sweep: at least min_reps sweeps, more while the total is under budget seconds
 * (at most 41). */
static double sweep_time(vs_sampler *s, int min_reps, double budget, int *nrep_out)
{
    double t[41], total = 0.0;
    int n = 0;
    while (n < 41 && (n < min_reps || total < budget)) {
        double t0 = bench_now();
        if (vs_sampler_sweep(s, 1) != VS_OK)
            die("vs_sampler_sweep");
        t[n] = bench_now() - t0;
        total += t[n++];
    }
    *nrep_out = n;
    return bench_median(t, n);
}

/* The automatic refresh period of sampler.h (VS_SAMPLER_OPT_REFRESH = 0). */
static long auto_B(size_t N)
{
    double b = ceil(0.7 * sqrt((double)N * log2(2.0 * (double)N)));
    return (long)fmin((double)N, fmax(1.0, b));
}

/* Least-squares slope of log t vs log N. */
static double exponent(const double *N, const double *t, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double x = log(N[i]), y = log(t[i]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

static double mean_field_tc(const vs_lattice *lat)
{
    double tc = 0.0;
    if (vs_lattice_luttinger_tisza(lat, NULL, NULL, &tc) != VS_OK)
        die("vs_lattice_luttinger_tisza");
    return tc;
}

/* Bytes the sampler allocates per replica, from the sizes (docs/sampler.md, "Memory"): spins,
 * spins at the last refresh and fields (3 N·nc doubles), the changed list and marks (N size_t +
 * N bytes), the FFT workspace (8 G m + 16 H m bytes, G = L³ grid points, H = L²(L/2+1), m = nc)
 * and the mt19937 state (gsl: 625 unsigned longs + the gsl_rng shell). */
static double replica_bytes_from_sizes(int L)
{
    double N = (double)L * L * L, H = (double)L * L * (L / 2 + 1);
    return 3.0 * N * NC * 8 + N * (double)(sizeof(size_t) + 1) + 8.0 * N * NC + 16.0 * H * NC +
           625.0 * sizeof(unsigned long) + 64.0;
}

/* Memory growth of a sampler with nrep replicas: malloc'd bytes and RSS after creation. */
static void sampler_memory(const vs_lattice *lat, int nrep, double T, double *mal, double *rss)
{
    double Ts[4];
    for (int r = 0; r < nrep; r++)
        Ts[r] = T * (1.0 + 0.01 * r);
    double m0 = malloc_bytes(), r0 = bench_rss_bytes();
    vs_sampler *s = make_sampler(lat, nrep, Ts, VS_SAMPLER_DELAYED, 0, 1);
    *mal = malloc_bytes() - m0;
    *rss = bench_rss_bytes() - r0;
    vs_sampler_free(s);
}

int main(int argc, char **argv)
{
    int Lmax = argc > 1 ? atoi(argv[1]) : 32;
    int plain_Lmax = argc > 2 ? atoi(argv[2]) : Lmax;
    const char *sections = argc > 3 ? argv[3] : "tbms";
    static const int Ls_all[] = {8, 12, 16, 24, 32, 48, 64};
    int Ls[MAXL], nL = 0;
    for (size_t i = 0; i < sizeof Ls_all / sizeof *Ls_all; i++)
        if (Ls_all[i] <= Lmax)
            Ls[nL++] = Ls_all[i];
    if (nL < 2) {
        fprintf(stderr, "bench_sampler: Lmax must be >= 12\n");
        return 1;
    }
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK)
        die("coupling");

    printf(
        "# libvoigtspin sampler benchmark: sc lattice, 6-spin isotropic elastic kernel (K = 1, mu = 0.6),\n"
        "# accuracy 1e-12, T = lattice mean-field T_c (Luttinger-Tisza). One sweep = N heat-bath +\n"
        "# N over-relaxation moves (default options), 1 replica, 1 thread. Times: median of single\n"
        "# sweeps (reps = how many), seconds. B = automatic refresh period of the delayed path.\n");
    double Nv[MAXL], td[MAXL], tp[MAXL], Tc[MAXL], mem_sizes[MAXL], mem_malloc[MAXL], ed = NAN, ep = NAN;
    int np = 0, scal_fail = 0;
    for (int i = 0; i < MAXL; i++)
        Nv[i] = td[i] = tp[i] = Tc[i] = mem_sizes[i] = mem_malloc[i] = NAN;
    bench_print_load("at start");
    if (strchr(sections, 't')) {
        printf("%4s %7s %8s %6s %11s %5s %11s %5s %9s %12s %12s\n", "L", "N", "T", "B", "delayed", "reps",
               "plain", "reps", "speedup", "del/(N^1.5)", "plain/N^2");
        for (int i = 0; i < nL; i++) {
            int L = Ls[i], nd = 0, npl = 0;
            vs_lattice *lat = make_lattice(c, L);
            size_t N = vs_lattice_nsites(lat);
            Tc[i] = mean_field_tc(lat);
            vs_sampler *sd = make_sampler(lat, 1, &Tc[i], VS_SAMPLER_DELAYED, 0, 1);
            if (vs_sampler_sweep(sd, 2) != VS_OK) /* warm-up */
                die("sweep");
            td[i] = sweep_time(sd, 5, 2.0, &nd);
            vs_sampler_free(sd);
            Nv[i] = (double)N;
            tp[i] = NAN;
            if (L <= plain_Lmax) {
                vs_sampler *sp = make_sampler(lat, 1, &Tc[i], VS_SAMPLER_PLAIN, 0, 1);
                int big = L >= 32;
                tp[i] = sweep_time(sp, big ? 1 : (L >= 24 ? 3 : 5), big ? 0.0 : 2.0, &npl);
                vs_sampler_free(sp);
                np = i + 1;
            }
            printf("%4d %7zu %8.5f %6ld %11.6f %5d %11.6f %5d %9.2f %12.3e %12.3e\n", L, N, Tc[i], auto_B(N),
                   td[i], nd, tp[i], npl, tp[i] / td[i], td[i] / pow((double)N, 1.5),
                   tp[i] / ((double)N * N));
            fflush(stdout);
            vs_lattice_free(lat);
        }
        ed = exponent(Nv, td, nL);
        ep = np >= 2 ? exponent(Nv, tp, np) : NAN;
        printf("# least-squares exponent of sweep time vs N: delayed %.3f (L = %d..%d), plain %.3f (L = "
               "%d..%d)\n",
               ed, Ls[0], Ls[nL - 1], ep, Ls[0], np ? Ls[np - 1] : 0);
        bench_print_load("after the sweep times");
    }

    /* B scan at two sizes: time per sweep relative to the automatic B; the samplers of one size
     * take turns sweep by sweep, so that load changes on a shared machine hit them alike. The last
     * factor is the automatic B of libvoigtspin before this bench (2 √(N log₂ 2N)). */
    if (strchr(sections, 'b')) {
        printf("\n# delayed path, refresh period scan (B / B_auto), median of 7 interleaved sweeps (s)\n"
               "%4s %7s %8s %8s %11s %9s\n",
               "L", "N", "B/Bauto", "B", "sweep", "rel");
        int scanL[2] = {16, 32};
        for (int k = 0; k < 2; k++) {
            if (scanL[k] > Lmax)
                continue;
            vs_lattice *lat = make_lattice(c, scanL[k]);
            size_t N = vs_lattice_nsites(lat);
            double T = mean_field_tc(lat);
            enum { NF = 8, NR = 7 };
            const double f[NF] = {0.125, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.0 / 0.7};
            long B[NF];
            vs_sampler *sb[NF];
            double tB[NF][NR], med[NF];
            for (int j = 0; j < NF; j++) {
                B[j] = (long)fmax(1.0, floor(f[j] * (double)auto_B(N) + 0.5));
                sb[j] = make_sampler(lat, 1, &T, VS_SAMPLER_DELAYED, B[j], 1);
                if (vs_sampler_sweep(sb[j], 1) != VS_OK)
                    die("sweep");
            }
            for (int r = 0; r < NR; r++)
                for (int j = 0; j < NF; j++) {
                    double t0 = bench_now();
                    if (vs_sampler_sweep(sb[j], 1) != VS_OK)
                        die("sweep");
                    tB[j][r] = bench_now() - t0;
                }
            for (int j = 0; j < NF; j++) {
                med[j] = bench_median(tB[j], NR);
                vs_sampler_free(sb[j]);
            }
            for (int j = 0; j < NF; j++)
                printf("%4d %7zu %8.3f %8ld %11.6f %9.3f\n", scanL[k], N, f[j], B[j], med[j],
                       med[j] / med[4]);
            for (int j = 0; j < NF; j++)
                printf("bscan_L%d_B%ld=%.4g\n", scanL[k], B[j], med[j] / med[4]);
            vs_lattice_free(lat);
        }
        bench_print_load("after the B scan");
    }

    /* Memory per replica: from the sizes; malloc'd bytes and RSS of nrep = 3 minus nrep = 1, halved. */
    if (strchr(sections, 'm')) {
        printf(
            "\n# memory per replica (delayed path): from the sizes; malloc'd bytes and RSS growth of a\n"
            "# 3-replica minus a 1-replica sampler, / 2. Coupling table (shared, counted once) for scale.\n");
        printf("%4s %7s %12s %12s %12s %10s %14s\n", "L", "N", "sizes (B)", "malloc (B)", "RSS (B)", "B/site",
               "table (B)");
        for (int i = 0; i < nL; i++) {
            int L = Ls[i];
            double m0 = malloc_bytes();
            vs_lattice *lat = make_lattice(c, L);
            double table = malloc_bytes() - m0;
            size_t N = vs_lattice_nsites(lat);
            double m1, r1, m3, r3;
            double T = mean_field_tc(lat);
            sampler_memory(lat, 1, T, &m1, &r1);
            sampler_memory(lat, 3, T, &m3, &r3);
            mem_sizes[i] = replica_bytes_from_sizes(L);
            mem_malloc[i] = 0.5 * (m3 - m1);
            printf("%4d %7zu %12.0f %12.0f %12.0f %10.1f %14.0f\n", L, N, mem_sizes[i], mem_malloc[i],
                   0.5 * (r3 - r1), mem_malloc[i] / (double)N, table);
            vs_lattice_free(lat);
        }
    }

    /* Replica scaling: nrep = 2, 4 on threads 1 vs 2 (delayed path); the chains must agree bit for bit. */
    if (strchr(sections, 's')) {
        bench_print_load("before the replica scaling");
        printf(
            "\n# replica scaling (delayed path, parallel tempering ladder T_c*(0.95..1.05)): time per sweep\n"
            "# of all replicas with VS_SAMPLER_OPT_THREADS = 1 and 2; spins and energies compared bit for "
            "bit\n");
        printf("%4s %5s %11s %11s %8s %10s\n", "L", "nrep", "1 thread", "2 threads", "speedup", "identical");
        int sLs[2] = {16, 24};
        for (int k = 0; k < 2; k++) {
            if (sLs[k] > Lmax)
                continue;
            vs_lattice *lat = make_lattice(c, sLs[k]);
            size_t N = vs_lattice_nsites(lat);
            double tc = mean_field_tc(lat);
            for (int nrep = 2; nrep <= 4; nrep += 2) {
                double T[4];
                for (int r = 0; r < nrep; r++)
                    T[r] = tc * (0.95 + 0.1 * r / (nrep - 1));
                vs_sampler *s1 = make_sampler(lat, nrep, T, VS_SAMPLER_DELAYED, 0, 1);
                vs_sampler *s2 = make_sampler(lat, nrep, T, VS_SAMPLER_DELAYED, 0, 2);
                int nsw = sLs[k] <= 16 ? 6 : 3;
                double t1[5], t2[5];
                for (int rep = 0; rep < 5; rep++) { /* interleaved */
                    double t0 = bench_now();
                    if (vs_sampler_sweep(s1, nsw) != VS_OK)
                        die("sweep");
                    t1[rep] = (bench_now() - t0) / nsw;
                    t0 = bench_now();
                    if (vs_sampler_sweep(s2, nsw) != VS_OK)
                        die("sweep");
                    t2[rep] = (bench_now() - t0) / nsw;
                }
                int same = 1;
                double *a = malloc(N * NC * sizeof *a), *b = malloc(N * NC * sizeof *b);
                for (int r = 0; r < nrep; r++) {
                    double e1, e2;
                    vs_sampler_energy(s1, r, &e1);
                    vs_sampler_energy(s2, r, &e2);
                    vs_sampler_spins(s1, r, a);
                    vs_sampler_spins(s2, r, b);
                    same &= memcmp(&e1, &e2, sizeof e1) == 0 && memcmp(a, b, N * NC * sizeof *a) == 0;
                }
                free(a);
                free(b);
                double m1 = bench_median(t1, 5), m2 = bench_median(t2, 5);
                scal_fail |= !same;
                printf("%4d %5d %11.6f %11.6f %8.2f %10s\n", sLs[k], nrep, m1, m2, m1 / m2,
                       same ? "yes" : "NO");
                printf("threads_speedup_L%d_nrep%d=%.3f\n", sLs[k], nrep, m1 / m2);
                vs_sampler_free(s1);
                vs_sampler_free(s2);
            }
            vs_lattice_free(lat);
        }
        bench_print_load("after the replica scaling");
    }

    /* key=value summary */
    printf("\n");
    for (int i = 0; i < nL; i++) {
        size_t N = (size_t)Ls[i] * (size_t)Ls[i] * (size_t)Ls[i];
        printf("L%d_N=%zu\nL%d_B_auto=%ld\n", Ls[i], N, Ls[i], auto_B(N));
        if (!isnan(td[i]))
            printf("L%d_T=%.6g\nL%d_sweep_delayed_s=%.6g\n", Ls[i], Tc[i], Ls[i], td[i]);
        if (i < np)
            printf("L%d_sweep_plain_s=%.6g\nL%d_speedup=%.3f\n", Ls[i], tp[i], Ls[i], tp[i] / td[i]);
        if (!isnan(mem_sizes[i]))
            printf("L%d_bytes_per_replica_sizes=%.0f\nL%d_bytes_per_replica_malloc=%.0f\n", Ls[i],
                   mem_sizes[i], Ls[i], mem_malloc[i]);
    }
    if (strchr(sections, 't'))
        printf("exponent_delayed=%.3f\nexponent_plain=%.3f\n", ed, ep);
    if (strchr(sections, 's'))
        printf("threads_bit_identical=%s\n", scal_fail ? "no" : "yes");
    int Lt = Ls[nL - 1];
    double sp_max = np == nL ? tp[nL - 1] / td[nL - 1] : NAN;
    if (strchr(sections, 't'))
        printf("target_speedup_L%d_ge_20=%s\ntarget_exponent_le_1.6=%s\n", Lt,
               np == nL && Lt >= 32 ? (sp_max >= 20.0 ? "met" : "NOT met") : "not measured",
               ed <= 1.6 ? "met" : "NOT met");

    vs_coupling_free(c);
    vs_elastic_free(el);
    return scal_fail ? 1 : 0; /* thread-count dependence is a bug, not a slow machine */
}
