/*
 * Worked example: single-spin Metropolis Monte Carlo on the 6-spin lattice model (Eqs. 18-19),
 * maintaining the local fields incrementally with vs_lattice_delta_energy()/vs_lattice_update().
 *
 * At the end the maintained energy is compared with a full FFT recomputation; the program exits
 * non-zero if they differ (meson test runs it).
 *
 *   usage: metropolis [T] [sweeps]      (T in units of E0 = g^2 a^3; default 0.1 and 20)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <libvoigtspin/voigtspin.h>

enum { NC = 6 };

/* A small, seeded generator (splitmix64) so runs are reproducible. */
static double uniform(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

/* A uniformly random unit vector on S^5 (normalised Gaussian vector). */
static void random_spin(uint64_t *x, double *s)
{
    double n2 = 0.0;
    for (int a = 0; a < NC; a++) {
        double u1 = fmax(uniform(x), 1e-300), u2 = uniform(x);
        s[a] = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
        n2 += s[a] * s[a];
    }
    for (int a = 0; a < NC; a++)
        s[a] /= sqrt(n2);
}

int main(int argc, char **argv)
{
    double T = argc > 1 ? atof(argv[1]) : 0.1;
    int sweeps = argc > 2 ? atoi(argv[2]) : 20;
    const int L[3] = {6, 6, 6};
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    int st = vs_elastic_create_poisson_shear(0.15, 1.0, &el); /* silica-like: shear orders */
    if (st == VS_OK)
        st = vs_coupling_create(el, 1e-12, &c);
    if (st == VS_OK)
        st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat);
    if (st != VS_OK || !(T > 0.0) || sweeps < 0) {
        fprintf(stderr, "setup failed: %s: %s\n", vs_strerror(st), vs_last_error());
        return 1;
    }
    size_t N = vs_lattice_nsites(lat);
    double *s = malloc(N * NC * sizeof *s), *h = malloc(N * NC * sizeof *h), M[NC], E, E_full;
    uint64_t rng = 12345;
    for (size_t m = 0; s && m < N; m++)
        random_spin(&rng, s + m * NC);
    st = (s && h) ? vs_lattice_fields(lat, s, h) : VS_ENOMEM;           /* h_m = sum_n T(r_m - r_n) s_n */
    if (st == VS_OK)
        st = vs_lattice_energy_from_fields(lat, s, h, &E);
    if (st == VS_OK)
        st = vs_lattice_total(lat, s, M);
    long accepted = 0;
    for (int sw = 0; st == VS_OK && sw < sweeps; sw++) {
        for (size_t k = 0; st == VS_OK && k < N; k++) {
            size_t m = (size_t)(uniform(&rng) * (double)N);
            double snew[NC], dE;
            random_spin(&rng, snew);
            st = vs_lattice_delta_energy(lat, s, h, M, m, snew, &dE);    /* exact, O(ncomp^2) */
            if (st == VS_OK && (dE <= 0.0 || uniform(&rng) < exp(-dE / T))) {
                st = vs_lattice_update(lat, s, h, M, m, snew);           /* O(N) field update */
                E += dE;
                accepted++;
            }
        }
    }
    if (st == VS_OK)
        st = vs_lattice_energy(lat, s, &E_full);                         /* full FFT recomputation */
    int rc = 0;
    if (st != VS_OK) {
        fprintf(stderr, "%s: %s\n", vs_strerror(st), vs_last_error());
        rc = 1;
    } else {
        printf("T = %g, %d sweeps, acceptance %.3f, E/N = %.10f (maintained) %.10f (recomputed)\n", T, sweeps,
               (double)accepted / ((double)sweeps * (double)N + 1e-300), E / (double)N, E_full / (double)N);
        rc = fabs(E - E_full) <= 1e-9 * fmax(1.0, fabs(E_full)) ? 0 : 1;
    }
    free(s);
    free(h);
    vs_lattice_free(lat);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return rc;
}
