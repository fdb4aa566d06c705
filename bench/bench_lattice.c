/*
 * Lattice benchmark (SPEC §6): fields + energy of an L³ sc lattice with the 6-spin isotropic
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

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Resident memory in bytes (Linux /proc/self/statm). */
static double rss_bytes(void)
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

static void random_spins(double *s, size_t N, unsigned seed)
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

/* Time of 6 forward r2c + 6 backward c2r transforms of an L³ grid (separate contiguous arrays). */
static double raw_fftw_time(int L, int reps)
{
    int n[3] = {L, L, L};
    size_t nr = (size_t)L * L * L, nk = (size_t)L * L * (L / 2 + 1);
    double *x = fftw_malloc(6 * nr * sizeof *x);
    fftw_complex *y = fftw_malloc(6 * nk * sizeof *y);
    fftw_plan f = fftw_plan_dft_r2c(3, n, x, y, FFTW_ESTIMATE);
    fftw_plan b = fftw_plan_dft_c2r(3, n, y, x, FFTW_ESTIMATE);
    for (size_t i = 0; i < 6 * nr; i++)
        x[i] = sin(0.001 * (double)i);
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        for (int j = 0; j < 6; j++)
            fftw_execute_dft_r2c(f, x + j * nr, y + j * nk);
        for (int j = 0; j < 6; j++)
            fftw_execute_dft_c2r(b, y + j * nk, x + j * nr);
        double t = now() - t0;
        best = t < best ? t : best;
    }
    fftw_destroy_plan(f);
    fftw_destroy_plan(b);
    fftw_free(x);
    fftw_free(y);
    return best;
}

static vs_lattice *make(int L, const vs_coupling *c, double *tbuild, double *mem)
{
    int LL[3] = {L, L, L};
    vs_lattice *lat = NULL;
    double m0 = rss_bytes(), t0 = now();
    int st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 6, NULL, &lat);
    *tbuild = now() - t0;
    *mem = rss_bytes() - m0;
    if (st != VS_OK) {
        fprintf(stderr, "create L=%d: %s\n", L, vs_last_error());
        exit(1);
    }
    return lat;
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
           "# accuracy 1e-12, FFTW_ESTIMATE. Times are best of several repetitions, seconds.\n");
    printf("%5s %9s %10s %10s %10s %7s %10s %12s\n", "L", "N", "build", "fld+E", "rawFFTW", "ratio",
           "B/site", "alpha/rcut");
    for (int L = 16; L <= Lmax; L *= 2) {
        double tb, mem;
        vs_lattice *lat = make(L, c, &tb, &mem);
        size_t N = vs_lattice_nsites(lat);
        double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h), E = 0;
        random_spins(s, N, 1);
        int reps = L <= 32 ? 10 : 5;
        double best = 1e300;
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            vs_lattice_fields(lat, s, h);
            vs_lattice_energy_from_fields(lat, s, h, &E);
            double t = now() - t0;
            best = t < best ? t : best;
        }
        double raw = raw_fftw_time(L, reps), alpha, rcut;
        vs_lattice_ewald_parameters(lat, &alpha, &rcut, NULL);
        printf("%5d %9zu %10.4f %10.5f %10.5f %7.3f %10.1f %6.3f/%5.2f\n", L, N, tb, best, raw,
               best / raw, mem / (double)N, alpha, rcut);
        free(s);
        free(h);
        vs_lattice_free(lat);
    }

    printf("\n# direct O(N^2) pair sum vs FFT (fields), small N\n");
    printf("%5s %9s %12s %12s %12s\n", "L", "N", "direct", "fft", "direct/fft");
    double tprev = 0;
    size_t Nprev = 0, Nlast = 0;
    double tlast = 0;
    for (int L = 4; L <= 10; L += 2) {
        double tb, mem;
        vs_lattice *lat = make(L, c, &tb, &mem);
        size_t N = vs_lattice_nsites(lat);
        double *s = malloc(N * 6 * sizeof *s), *h = malloc(N * 6 * sizeof *h);
        random_spins(s, N, 2);
        double t0 = now();
        vs_lattice_fields_direct(lat, s, h);
        double td = now() - t0;
        double best = 1e300;
        for (int r = 0; r < 20; r++) {
            t0 = now();
            vs_lattice_fields(lat, s, h);
            double t = now() - t0;
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
    vs_coupling_free(c);
    vs_elastic_free(el);
    return 0;
}
