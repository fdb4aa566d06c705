/*
 * Slow physics test (suite "slow", meson option slow_tests): Metropolis Monte Carlo of the
 * infinite-range Hamiltonian of Eq. 21, built as a lattice with no pair kernel and U = diag(J)
 * (docs/lattice.md), agrees with the Hubbard–Stratonovich mean-field solution of Eq. 24 (docs/meanfield.md).
 *
 * Two independent routes to one number: the lattice handle's energy bookkeeping
 * (vs_lattice_delta_energy / vs_lattice_update) sampled at temperature T, against the minimiser of
 * G(h) from the mean-field handle. For N → ∞ the infinite-range model is exactly mean field; at
 * N = 512 the corrections are O(T/N) ≈ 1e-3 relative, far below the tolerance of 1.5 %, while a
 * wrong ordering (shear instead of compression) or a wrong Bessel ratio moves U by > 10 %.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

enum { NC = 6 };

static void random_unit(uint64_t *rng, double *s)
{
    double n2 = 0.0;
    for (int a = 0; a < NC; a++) {
        s[a] = tu_normal(rng);
        n2 += s[a] * s[a];
    }
    for (int a = 0; a < NC; a++)
        s[a] /= sqrt(n2);
}

/* Runs Metropolis at temperature T; returns ⟨E⟩/N and ⟨|M_c|⟩/N, ⟨|M_shear|⟩/N. */
static void sample(vs_lattice *lat, double T, int sweeps_eq, int sweeps, uint64_t seed, double *u, double *mc,
                   double *ms)
{
    size_t N = vs_lattice_nsites(lat);
    double *s = malloc(N * NC * sizeof *s), *h = malloc(N * NC * sizeof *h), M[NC], E;
    assert_non_null(s);
    assert_non_null(h);
    uint64_t rng = seed;
    for (size_t m = 0; m < N; m++) /* ordered start along compression: equilibrates fast below T_c */
        for (int a = 0; a < NC; a++)
            s[m * NC + a] = a == 0;
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_energy_from_fields(lat, s, h, &E), VS_OK);
    assert_int_equal(vs_lattice_total(lat, s, M), VS_OK);
    double sumE = 0.0, sumc = 0.0, sums = 0.0;
    long nmeas = 0;
    for (int sw = 0; sw < sweeps_eq + sweeps; sw++) {
        for (size_t k = 0; k < N; k++) {
            size_t m = (size_t)(tu_uniform(&rng) * (double)N);
            double snew[NC], dE;
            random_unit(&rng, snew);
            assert_int_equal(vs_lattice_delta_energy(lat, s, h, M, m, snew, &dE), VS_OK);
            if (dE <= 0.0 || tu_uniform(&rng) < exp(-dE / T)) {
                assert_int_equal(vs_lattice_update(lat, s, h, M, m, snew), VS_OK);
                E += dE;
            }
        }
        if (sw >= sweeps_eq) {
            double sh = 0.0;
            for (int a = 1; a < NC; a++)
                sh += M[a] * M[a];
            sumE += E;
            sumc += fabs(M[0]);
            sums += sqrt(sh);
            nmeas++;
        }
    }
    double Efull;
    assert_int_equal(vs_lattice_energy(lat, s, &Efull), VS_OK); /* bookkeeping stayed exact */
    assert_close(E, Efull, 1e-9, 1e-9);
    *u = sumE / (double)nmeas / (double)N;
    *mc = sumc / (double)nmeas / (double)N;
    *ms = sums / (double)nmeas / (double)N;
    free(s);
    free(h);
}

static void test_infinite_range_monte_carlo_matches_mean_field(void **state)
{
    (void)state;
    const double Jc = 1.5, Js = 1.0; /* salol-like ratio 1.5: compression orders (Fig. 3b) */
    const int L[3] = {8, 8, 8};
    double U[NC * NC] = {0};
    U[0] = Jc;
    for (int a = 1; a < NC; a++)
        U[a * NC + a] = Js;
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, NULL, NC, NULL, &lat), VS_OK);
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(Jc, Js, &mf), VS_OK);
    double Tc;
    assert_int_equal(vs_meanfield_curie_temperature(mf, &Tc), VS_OK);
    assert_close(Tc, Jc / 6.0, 1e-15, 0.0);
    const double T = 0.6 * Tc;
    double Umf, mc_mf, ms_mf, u, mc, ms;
    assert_int_equal(vs_meanfield_thermo(mf, T, NULL, &Umf, NULL, NULL), VS_OK);
    assert_int_equal(vs_meanfield_sector_fields(mf, T, NULL, NULL, &mc_mf, &ms_mf), VS_OK);
    sample(lat, T, 200, 1500, 2024, &u, &mc, &ms);
    print_message("# T = %.4f: MC U/N = %.5f, MF U/N = %.5f; MC m_c = %.4f, MF m_c = %.4f; MC |m_s| = %.4f\n", T, u,
                  Umf, mc, mc_mf, ms);
    assert_close(u, Umf, 0.015, 0.0);
    assert_close(mc, mc_mf, 0.015, 0.0);
    assert_true(ms_mf == 0.0);
    assert_true(ms < 0.1 * mc); /* only finite-size fluctuations in the shear sector */
    vs_meanfield_free(mf);
    vs_lattice_free(lat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_infinite_range_monte_carlo_matches_mean_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
