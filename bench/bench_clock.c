/*
 * Benchmark of the clock (factorized-Metropolis) sweep (issue 13; docs/performance.md "### Clock
 * sweep", docs/sampler.md "The clock sweep"): `meson test -C <build> --benchmark clock`, or
 * `<build>/bench/bench_clock [Lmax] [plain_Lmax] [model] [tau_Lmax] [sections]` directly (defaults
 * 64, 16, e, 32, tk; model e = sc 6-spin elastic, Poisson ratio σ = 0.2, μ = 1; d = dipolar sc;
 * sections t = sweep times and τ_int, k = near-set scans at L = 16 … Lmax, s = the short mode: sweep
 * times per spin only, all kinds, < 5 min; c = the same for the clock kind only).
 *
 * Temperature: T = 1.1 T_c with T_c the lattice mean-field (Luttinger–Tisza) temperature of
 * vs_lattice_luttinger_tisza() at each L (an upper bound of the true T_c; so T is in the
 * paramagnetic phase).
 * Sweep times: one replica, one thread, default options (heat bath + 1 over-relaxation pass; clock:
 * automatic near set, and a fixed K = 26); median of single sweeps after 2 warm-up sweeps (thread CPU time; at least 3
 * sweeps and 2 s, 1 sweep for the slowest). The plain path only up to plain_Lmax (N² per sweep: 17 s
 * at L = 32). Least-squares exponent of sweep time vs N over the L measured.
 * τ_int of the energy: both kinds start from the same configuration, thermalised by 200 delayed
 * sweeps; then ntherm sweeps of each kind and nmeas measured sweeps (vs_sampler_measure after each);
 * τ_int = the blocking estimate of vs_sampler_observable(VS_SAMPLER_OBS_ENERGY) (½ for independent
 * sweeps). Time per independent sample = 2 τ_int × sweep time. Ratio delayed/clock reported.
 * Internal (links the internal library): the near count K and S_far of the clock tables.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_util.h"
#include "lattice/lattice_internal.h"
#include "sampler/sampler_internal.h"

#define MAXL    8
#define FIXED_K 26 /* the clock with a fixed near set (three neighbour shells of sc): the O(N) scaling */

static char g_model = 'e';

static vs_lattice *make_lattice(int L)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    int Ls[3] = {L, L, L};
    int st = g_model == 'd'
                 ? vs_coupling_create_dipolar(&c)
                 : (vs_elastic_create_poisson_shear(0.2, 1.0, &el) || vs_coupling_create(el, 1e-12, &c));
    if (st == VS_OK)
        st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, NULL, &lat);
    vs_coupling_free(c);
    vs_elastic_free(el);
    if (st != VS_OK) {
        fprintf(stderr, "lattice L = %d: %s\n", L, vs_last_error());
        exit(1);
    }
    return lat;
}

static double tc_lt(const vs_lattice *lat)
{
    double tc = 0.0;
    if (vs_lattice_luttinger_tisza(lat, NULL, NULL, &tc) != VS_OK) {
        fprintf(stderr, "LT: %s\n", vs_last_error());
        exit(1);
    }
    return tc;
}

static vs_sampler *make_sampler(const vs_lattice *lat, double T, int fields, long near, unsigned long seed)
{
    vs_sampler_options *o = NULL;
    vs_sampler *s = NULL;
    if (vs_sampler_options_create(&o) || vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields) ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_THREADS, 1) ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, (double)near) ||
        vs_sampler_create(lat, 1, &T, seed, o, &s)) {
        fprintf(stderr, "sampler: %s\n", vs_last_error());
        exit(1);
    }
    vs_sampler_options_free(o);
    return s;
}

/* Median thread-CPU time of single sweeps after nwarm warm-ups: at least nmin sweeps and tmin
 * seconds (at most 50 sweeps). */
static double sweep_time_warm(vs_sampler *s, int nwarm, int nmin, double tmin)
{
    double t[50], total = 0.0;
    int n = 0;
    vs_sampler_sweep(s, nwarm);
    while (n < 50 && (n < nmin || total < tmin)) {
        double t0 = bench_thread_cpu();
        vs_sampler_sweep(s, 1);
        t[n] = bench_thread_cpu() - t0;
        total += t[n++];
    }
    return bench_median(t, n);
}

static double sweep_time(vs_sampler *s, int nmin, double tmin)
{
    return sweep_time_warm(s, 2, nmin, tmin);
}

static double fit_exponent(const double *N, const double *t, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!(t[i] > 0.0))
            continue;
        double x = log(N[i]), y = log(t[i]);
        sx += x, sy += y, sxx += x * x, sxy += x * y, k++;
    }
    return k < 2 ? NAN : (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

static void clock_tables(const vs_lattice *lat, double T, size_t *K, double *S)
{
    vs__clock *c = NULL;
    double e0 = 1.0;
    vs_lattice_energy_scale(lat, &e0);
    if (vs__clock_create(lat, e0 / T, -1, &c) != VS_OK) {
        fprintf(stderr, "clock tables: %s\n", vs_last_error());
        exit(1);
    }
    *K = vs__clock_nnear(c, 0);
    *S = vs__clock_far_norm(c, 0);
    vs__clock_free(c);
}

/* τ_int of E and the sweep time of `fields` from the configuration sp. */
static void tau_run(const vs_lattice *lat, double T, int fields, long near, const double *sp, long ntherm,
                    long nmeas, double *tau, double *tsweep, double *acc, double *e, double *de)
{
    vs_sampler *s = make_sampler(lat, T, fields, near, 77);
    vs_sampler_set_spins(s, 0, sp);
    vs_sampler_sweep(s, ntherm);
    vs_sampler_reset_observables(s);
    double t0 = bench_thread_cpu();
    for (long k = 0; k < nmeas; k++) {
        vs_sampler_sweep(s, 1);
        vs_sampler_measure(s);
    }
    double t1 = bench_thread_cpu();
    /* the measurement (one FFT) is not part of the sweep: time it once and subtract */
    double tm0 = bench_thread_cpu();
    vs_sampler_measure(s);
    double tm = bench_thread_cpu() - tm0;
    *tsweep = (t1 - t0) / (double)nmeas - tm;
    if (vs_sampler_observable(s, 0, VS_SAMPLER_OBS_ENERGY, e, de, tau) != VS_OK)
        *tau = *e = *de = NAN;
    vs_sampler_acceptance(s, 0, acc);
    vs_sampler_free(s);
}

/* The short mode (sections s and c, < 5 min): sweep time per spin of each kind at L = 8 … Lmax, the
 * fitted exponents, the load before and after. s: delayed, plain (L ≤ plain_Lmax), clock (automatic
 * K) and clock K = FIXED_K; c: the two clock columns only. One warm-up sweep, then the median of at
 * least 3 sweeps and 1 s (delayed and plain at L ≥ 32: 1 sweep). */
static void short_times(int Lmax, int plain_Lmax, int clock_only)
{
    const int Ls[] = {8, 16, 32, 64};
    double Nv[MAXL], t[4][MAXL];
    int n = 0;
    bench_print_load(clock_only ? "before the short clock times" : "before the short sweep times");
    printf("# short mode: sweep time per spin (us, thread CPU, median), T = 1.1 T_c(LT); acc = heat-bath "
           "acceptance\n#  L       N     T      K  beta*E0*S_far  delayed    plain    clock  acc  clock_K%d  "
           "acc\n",
           FIXED_K);
    for (int i = 0; i < 4 && Ls[i] <= Lmax; i++, n++) {
        int L = Ls[i];
        vs_lattice *lat = make_lattice(L);
        double T = 1.1 * tc_lt(lat), S, acc[2] = {NAN, NAN};
        size_t N = vs_lattice_nsites(lat), K;
        clock_tables(lat, T, &K, &S);
        Nv[i] = (double)N;
        for (int k = 0; k < 4; k++) {
            t[k][i] = NAN;
            if ((clock_only && k < 2) || (k == 1 && L > plain_Lmax))
                continue;
            int fields = k == 0 ? VS_SAMPLER_DELAYED : k == 1 ? VS_SAMPLER_PLAIN : VS_SAMPLER_CLOCK;
            vs_sampler *s = make_sampler(lat, T, fields, k == 3 ? FIXED_K : -1, 1);
            int slow = k < 2 && L >= 32;
            t[k][i] = sweep_time_warm(s, 1, slow ? 1 : 3, slow ? 0.0 : 1.0) / (double)N;
            if (k >= 2)
                vs_sampler_acceptance(s, 0, &acc[k - 2]);
            vs_sampler_free(s);
        }
        printf("%4d %7zu %.4f %5zu %8.2f %9.3f %8.3f %8.3f %.3f %8.3f %.3f\n", L, N, T, K, S / T, 1e6 * t[0][i],
               1e6 * t[1][i], 1e6 * t[2][i], acc[0], 1e6 * t[3][i], acc[1]);
        fflush(stdout);
        vs_lattice_free(lat);
    }
    /* exponent of sweep time vs N = 1 + exponent of the time per spin */
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < n; i++)
            t[k][i] *= Nv[i];
    printf("# least-squares exponent of sweep time vs N (L = 8 ... %d): delayed %.3f, plain %.3f (L <= %d), "
           "clock %.3f, clock K = %d %.3f\n",
           Ls[n - 1], fit_exponent(Nv, t[0], n), fit_exponent(Nv, t[1], n), plain_Lmax, fit_exponent(Nv, t[2], n),
           FIXED_K, fit_exponent(Nv, t[3], n));
    /* without L = 8: its sweeps last milliseconds, and the FFT refresh's thread barriers and the
     * machine's noise weigh most there */
    if (n > 2)
        printf("# the same over L = 16 ... %d: delayed %.3f, clock %.3f, clock K = %d %.3f\n", Ls[n - 1],
               fit_exponent(Nv + 1, t[0] + 1, n - 1), fit_exponent(Nv + 1, t[2] + 1, n - 1), FIXED_K,
               fit_exponent(Nv + 1, t[3] + 1, n - 1));
    bench_print_load("after");
}

/* Section k: the near-set scan at L (docs/performance.md, "Clock sweep"): from an equilibrated start
 * (200 delayed sweeps from random spins; 10 at L = 64, τ_int ≈ 0.5–0.9 there), per K warm-up sweeps
 * (20; 2 at L = 64), then the median of 5 (3) timed sweeps: time per sweep, heat-bath acceptance, time
 * per accepted heat-bath move (sweep time / (N acc)). */
static void near_scan(int L)
{
    vs_lattice *lat = make_lattice(L);
    double T = 1.1 * tc_lt(lat), e0 = 1.0;
    vs_lattice_energy_scale(lat, &e0);
    size_t N = vs_lattice_nsites(lat), Kauto;
    double S, *sp = malloc(N * (size_t)vs_lattice_ncomp(lat) * sizeof *sp);
    clock_tables(lat, T, &Kauto, &S);
    vs_sampler *s = make_sampler(lat, T, VS_SAMPLER_DELAYED, -1, 5);
    vs_sampler_sweep(s, L >= 64 ? 10 : 200);
    vs_sampler_spins(s, 0, sp);
    vs_sampler_free(s);
    bench_print_load("before the near-set scan");
    printf("\n# near-set scan at L = %d, T = 1.1 T_c(LT) (automatic K = %zu)\n#    K  beta*E0*S_far  acc    "
           "s/sweep   us/accepted move\n",
           L, Kauto);
    const long Ks[] = {0, 26, 80, 124, 181, 256, 364, 460, 728, 2000};
    for (int i = 0; i < 10; i++) {
        if (Ks[i] >= (long)N || (L >= 64 && Ks[i] > 728))
            continue;
        vs__clock *c = NULL;
        if (vs__clock_create(lat, e0 / T, Ks[i], &c) != VS_OK)
            exit(1);
        double bs = e0 / T * vs__clock_far_norm(c, 0);
        vs__clock_free(c);
        s = make_sampler(lat, T, VS_SAMPLER_CLOCK, Ks[i], 9);
        vs_sampler_set_spins(s, 0, sp);
        vs_sampler_sweep(s, L >= 64 ? 2 : 20);
        double t = sweep_time_warm(s, 0, L >= 64 ? 3 : 5, 0.0), acc;
        vs_sampler_acceptance(s, 0, &acc);
        printf("%6ld %10.2f %.4f %10.4g %12.4g\n", Ks[i], bs, acc, t, 1e6 * t / ((double)N * acc));
        fflush(stdout);
        vs_sampler_free(s);
    }
    bench_print_load("after the near-set scan");
    free(sp);
    vs_lattice_free(lat);
}

int main(int argc, char **argv)
{
    int Lmax = argc > 1 ? atoi(argv[1]) : 64, plain_Lmax = argc > 2 ? atoi(argv[2]) : 16;
    g_model = argc > 3 ? argv[3][0] : 'e';
    int tau_Lmax = argc > 4 ? atoi(argv[4]) : 32;
    const char *sections = argc > 5 ? argv[5] : "tk";
    const int Ls[] = {8, 16, 32, 64};
    const int nL = 4;
    printf(
        "# bench_clock: model %s, T = 1.1 T_c(Luttinger-Tisza), one replica, one thread, heat bath + 1 OR\n",
        g_model == 'd' ? "dipolar sc" : "elastic sc 6-spin sigma = 0.2, mu = 1");
    if (strchr(sections, 's') || strchr(sections, 'c'))
        short_times(Lmax, plain_Lmax, strchr(sections, 's') == NULL);
    if (strchr(sections, 't')) {
        bench_print_load("before sweep times");
        double Nv[MAXL], td[MAXL], tp[MAXL], tk[MAXL], tf[MAXL];
        printf("#  L       N     T      K   S_far  beta*E0*S_far  delayed(s/sweep) plain(s/sweep) "
               "clock(s/sweep) "
               "acc_clock  delayed/N  clock/N  clock_K%d(s/sweep) acc_K%d\n",
               FIXED_K, FIXED_K);
        int n = 0;
        for (int i = 0; i < nL && Ls[i] <= Lmax; i++, n++) {
            int L = Ls[i];
            vs_lattice *lat = make_lattice(L);
            double T = 1.1 * tc_lt(lat), acc;
            size_t N = vs_lattice_nsites(lat), K;
            double S;
            clock_tables(lat, T, &K, &S);
            Nv[i] = (double)N;
            vs_sampler *s = make_sampler(lat, T, VS_SAMPLER_DELAYED, -1, 1);
            td[i] = sweep_time(s, L >= 64 ? 1 : 3, L >= 64 ? 0.0 : 2.0);
            vs_sampler_free(s);
            tp[i] = NAN;
            if (L <= plain_Lmax) {
                s = make_sampler(lat, T, VS_SAMPLER_PLAIN, -1, 1);
                tp[i] = sweep_time(s, 1, 0.0);
                vs_sampler_free(s);
            }
            s = make_sampler(lat, T, VS_SAMPLER_CLOCK, -1, 1);
            tk[i] = sweep_time(s, 3, 2.0);
            vs_sampler_acceptance(s, 0, &acc);
            vs_sampler_free(s);
            double accf;
            s = make_sampler(lat, T, VS_SAMPLER_CLOCK, FIXED_K, 1);
            tf[i] = sweep_time(s, 3, 2.0);
            vs_sampler_acceptance(s, 0, &accf);
            vs_sampler_free(s);
            printf("%4d %7zu %.4f %5zu %7.3f %8.2f %14.5g %14.5g %14.5g %9.3f %10.3g %10.3g %14.5g %7.3f\n",
                   L, N, T, K, S, S / T, td[i], tp[i], tk[i], acc, td[i] / (double)N, tk[i] / (double)N,
                   tf[i], accf);
            fflush(stdout);
            vs_lattice_free(lat);
        }
        printf("# least-squares exponent of sweep time vs N (L = 8 ... %d): delayed %.3f, plain %.3f, clock "
               "%.3f, "
               "clock K = %d %.3f\n",
               Ls[n - 1], fit_exponent(Nv, td, n), fit_exponent(Nv, tp, n), fit_exponent(Nv, tk, n), FIXED_K,
               fit_exponent(Nv, tf, n));
        bench_print_load("after sweep times");
        printf("\n# tau_int of E at T = 1.1 T_c(LT); same start (200 delayed sweeps from random spins)\n");
        printf(
            "#  L  kind     K  sweeps  acc     E/N (err)              tau_int  s/sweep    s/indep.sample\n");
        for (int i = 0; i < nL && Ls[i] <= tau_Lmax; i++) {
            int L = Ls[i];
            vs_lattice *lat = make_lattice(L);
            double T = 1.1 * tc_lt(lat);
            size_t N = vs_lattice_nsites(lat), K;
            double S, *sp = malloc(N * (size_t)vs_lattice_ncomp(lat) * sizeof *sp);
            clock_tables(lat, T, &K, &S);
            vs_sampler *s = make_sampler(lat, T, VS_SAMPLER_DELAYED, -1, 5);
            vs_sampler_sweep(s, 200);
            vs_sampler_spins(s, 0, sp);
            vs_sampler_free(s);
            long nd = L >= 32 ? 300 : 1000, nk = L >= 32 ? 1500 : 4000;
            double tau[2], ts[2], acc[2], e[2], de[2], cost[2];
            tau_run(lat, T, VS_SAMPLER_DELAYED, -1, sp, 20, nd, &tau[0], &ts[0], &acc[0], &e[0], &de[0]);
            tau_run(lat, T, VS_SAMPLER_CLOCK, -1, sp, 100, nk, &tau[1], &ts[1], &acc[1], &e[1], &de[1]);
            for (int k = 0; k < 2; k++) {
                cost[k] = 2.0 * tau[k] * ts[k];
                printf("%4d %-7s %5zu %6ld %.3f %.6f (%.6f) %8.2f %10.4g %12.4g\n", L,
                       k ? "clock" : "delayed", k ? K : 0, k ? nk : nd, acc[k], e[k], de[k], tau[k], ts[k],
                       cost[k]);
            }
            printf("# L = %d: time per independent sample delayed/clock = %.3f (clock is %s)\n", L,
                   cost[0] / cost[1], cost[0] > cost[1] ? "cheaper" : "dearer");
            fflush(stdout);
            free(sp);
            vs_lattice_free(lat);
        }
        bench_print_load("after tau_int");
    }
    if (strchr(sections, 'k'))
        for (int i = 0; i < nL; i++)
            if (Ls[i] >= 16 && Ls[i] <= Lmax)
                near_scan(Ls[i]);
    return 0;
}
