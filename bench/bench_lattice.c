/*
 * Lattice benchmark (docs/performance.md): fields + energy of an L³ sc lattice with the 6-spin isotropic
 * kernel, next to the raw FFTW transforms that evaluation needs (6 r2c + 6 c2r of L³, same run,
 * same planner flag), the direct O(N²) pair sum at small N with its scaling, the table build
 * time and the memory per site. Prints ratios. Usage: bench_lattice [Lmax] (default 64).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include <unistd.h>
#include <fftw3.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_rawfft.h"
#include "bench_util.h"

static vs_lattice *make_threads(int L, const vs_coupling *c, int planner, int fft_threads, double *tbuild,
                                double *mem)
{
    int LL[3] = {L, L, L};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = NULL;
    vs_lattice_options_create(&o);
    vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, planner);
    vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, fft_threads);
    double m0 = bench_rss_bytes(), t0 = bench_now();
    int st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 6, o, &lat);
    vs_lattice_options_free(o);
    *tbuild = bench_now() - t0;
    *mem = bench_rss_bytes() - m0;
    if (st != VS_OK) {
        fprintf(stderr, "create L=%d: %s\n", L, vs_last_error());
        exit(1);
    }
    return lat;
}

static vs_lattice *make(int L, const vs_coupling *c, int planner, double *tbuild, double *mem)
{
    return make_threads(L, c, planner, 1, tbuild, mem);
}

/* Fields + energy with 1 and 2 FFTW threads (VS_LATTICE_OPT_FFT_THREADS), same run. */
static void fft_threads_section(const vs_coupling *c, int L)
{
    double tb, mem, best[2] = {1e300, 1e300};
    vs_lattice *lat[2] = {make_threads(L, c, 1, 1, &tb, &mem), make_threads(L, c, 1, 2, &tb, &mem)};
    size_t N = vs_lattice_nsites(lat[0]);
    double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h), E = 0;
    bench_random_spins6(s, N, 3);
    for (int r = 0; r < 12; r++)
        for (int k = 0; k < 2; k++) {
            double t0 = bench_now();
            vs_lattice_fields(lat[k], s, h);
            vs_lattice_energy_from_fields(lat[k], s, h, &E);
            double t = bench_now() - t0;
            best[k] = t < best[k] ? t : best[k];
        }
    printf("\n# fields + energy with FFTW threads (MEASURE), L = %d\n%12s %12s %8s\n%12.5f %12.5f %8.2f\n", L,
           "1 thread", "2 threads", "speedup", best[0], best[1], best[0] / best[1]);
    free(s);
    free(h);
    vs_lattice_free(lat[0]);
    vs_lattice_free(lat[1]);
}

int main(int argc, char **argv)
{
    int Lmax = argc > 1 ? atoi(argv[1]) : 64;
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK) {
        fprintf(stderr, "coupling: %s\n", vs_last_error());
        return 1;
    }
    printf("# libvoigtspin lattice benchmark: sc lattice, 6-spin isotropic elastic kernel (K=1, mu=0.6),\n"
           "# accuracy 1e-12. Times: best of interleaved repetitions, seconds. fld+E = vs_lattice_fields +\n"
           "# vs_lattice_energy_from_fields; raw(site) = the same 6 r2c + 6 c2r FFTW transforms in the\n"
           "# site-major layout (the library's plans up to 1.0); raw(contig) = 6 + 6 transforms of\n"
           "# contiguous arrays (the layout of the library's planes since 1.1).\n");
    printf("%8s %5s %9s %9s %9s %10s %10s %7s %7s %8s %11s\n", "planner", "L", "N", "build", "fld+E",
           "raw(site)", "raw(contig)", "r/site", "r/cont", "B/site", "alpha/rcut");
    for (int planner = 0; planner <= 1; planner++)
        for (int L = 16; L <= Lmax; L *= 2) {
            double tb, mem;
            vs_lattice *lat = make(L, c, planner, &tb, &mem);
            size_t N = vs_lattice_nsites(lat);
            double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h), E = 0;
            bench_random_spins6(s, N, 1);
            unsigned flags = planner ? FFTW_MEASURE : FFTW_ESTIMATE;
            rawfft rs, rc;
            raw_init(&rs, L, 1, flags);
            raw_init(&rc, L, 0, flags);
            int reps = L <= 32 ? 40 : 12;
            double best = 1e300, bs = 1e300, bc = 1e300;
            for (int r = 0; r < reps; r++) {
                double t0 = bench_now();
                vs_lattice_fields(lat, s, h);
                vs_lattice_energy_from_fields(lat, s, h, &E);
                double t = bench_now() - t0;
                best = t < best ? t : best;
                t = raw_time(&rs, bench_now);
                bs = t < bs ? t : bs;
                t = raw_time(&rc, bench_now);
                bc = t < bc ? t : bc;
            }
            double alpha, rcut;
            vs_lattice_ewald_parameters(lat, &alpha, &rcut, NULL);
            printf("%8s %5d %9zu %9.4f %9.5f %9.5f %10.5f %7.3f %7.3f %8.1f %5.3f/%5.2f\n",
                   planner ? "MEASURE" : "ESTIMATE", L, N, tb, best, bs, bc, best / bs, best / bc,
                   mem / (double)N, alpha, rcut);
            raw_free(&rs);
            raw_free(&rc);
            free(s);
            free(h);
            vs_lattice_free(lat);
        }

    fft_threads_section(c, Lmax);

    printf("\n# direct O(N^2) pair sum vs FFT (fields), small N\n");
    printf("%5s %9s %12s %12s %12s\n", "L", "N", "direct", "fft", "direct/fft");
    double tprev = 0;
    size_t Nprev = 0, Nlast = 0;
    double tlast = 0;
    for (int L = 4; L <= 10; L += 2) {
        double tb, mem;
        vs_lattice *lat = make(L, c, 0, &tb, &mem);
        size_t N = vs_lattice_nsites(lat);
        double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h);
        bench_random_spins6(s, N, 2);
        double t0 = bench_now();
        vs_lattice_fields_direct(lat, s, h);
        double td = bench_now() - t0;
        double best = 1e300;
        for (int r = 0; r < 20; r++) {
            t0 = bench_now();
            vs_lattice_fields(lat, s, h);
            double t = bench_now() - t0;
            best = t < best ? t : best;
        }
        printf("%5d %9zu %12.5f %12.7f %12.1f", L, N, td, best, td / best);
        if (Nprev)
            printf("   scaling exponent %.2f", log(td / tprev) / log((double)N / Nprev));
        printf("\n");
        tprev = td;
        Nprev = N;
        Nlast = N;
        tlast = td;
        free(s);
        free(h);
        vs_lattice_free(lat);
    }
    if (Lmax >= 64) {
        double N64 = 64.0 * 64 * 64;
        printf("# direct sum extrapolated to L=64 (N^2): %.3g s\n", tlast * (N64 / Nlast) * (N64 / Nlast));
    }

    /* Table build with an anisotropic (cubic) coupling: many harmonic degrees, the costliest case. */
    vs_elastic *ec = NULL;
    vs_coupling *cc = NULL;
    if (vs_elastic_create_cubic(3.0, 1.4, 0.55, &ec) == VS_OK && vs_coupling_create(ec, 1e-12, &cc) == VS_OK) {
        int lmax = 0;
        vs_coupling_lmax(cc, &lmax);
        printf("\n# table build, anisotropic cubic kernel (C11, C12, C44) = (3, 1.4, 0.55), lmax = %d\n", lmax);
        printf("%5s %9s %10s %12s\n", "L", "N", "build", "alpha/rcut");
        for (int L = 16; L <= Lmax; L *= 2) {
            double tb, mem, alpha, rcut;
            vs_lattice *lat = make(L, cc, 0, &tb, &mem);
            vs_lattice_ewald_parameters(lat, &alpha, &rcut, NULL);
            printf("%5d %9zu %10.3f %6.3f/%5.2f\n", L, vs_lattice_nsites(lat), tb, alpha, rcut);
            vs_lattice_free(lat);
        }
    }
    vs_coupling_free(cc);
    vs_elastic_free(ec);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return 0;
}
