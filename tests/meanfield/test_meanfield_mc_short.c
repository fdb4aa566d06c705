/*
 * Short Monte Carlo check of the mean-field solution, for CI (suite "physics"; the long version is
 * tests/slow/test_mc_matches_meanfield.c in the "slow" suite, which CI does not run).
 *
 * Metropolis sampling of the infinite-range Hamiltonian of Eq. 21, H = −(1/2N) Σ_α J_α M_α², built as a
 * lattice with no pair kernel and U = diag(J) (docs/lattice.md), against the Hubbard–Stratonovich minimiser
 * of Eq. 24 (docs/meanfield.md). Two independent routes: the lattice handle's energy bookkeeping vs the
 * mean-field handle's Bessel-function solution. For N → ∞ the infinite-range model is exactly mean
 * field.
 *
 * Error budget (stated, not fitted):
 * - statistical: σ of ⟨E⟩/N and ⟨|M_c|⟩/N from NB = 16 batch means of 50 sweeps each, after 80 sweeps
 *   of equilibration. The integrated autocorrelation time of both at T = 0.6 T_c is τ ≈ 12 sweeps (from
 *   long runs: σ²S/var), so each batch is ≈ 4τ and the batch means are nearly independent;
 * - finite N: the infinite-range model is mean field only for N → ∞; its corrections are O(1/N). For U
 *   the Gaussian-fluctuation correction is bounded by n·T/N (n = 6 massive modes, each ≤ T/N per spin;
 *   long runs give |ΔU| ≲ 0.1 n·T/N). For ⟨|M_c|⟩/N long runs at N = 64, 216, 512 give
 *   Δm ≈ −0.9/N (e.g. −0.0139 ± 0.0014 at N = 64, −0.0045 ± 0.001 at N = 216); we allow 2/N.
 * The test asserts |MC − MF| ≤ Z·σ + bias with Z = 4 and prints z = (MC − MF)/σ (bias not subtracted).
 * With the fixed seed the run is deterministic; over seeds 1–12, |z_U| ≤ 1.8 and z_m ∈ [−3.1, 0.3] (the
 * negative shift is the −0.9/N bias, ≈ 1.4σ). It resolves a 6 % error in U and 5 % in m_c; a wrong
 * ordering (shear instead of compression), a wrong Bessel ratio or a J_shear/J_compr mix-up moves U by
 * > 10 % (planted J_shear for J_max in U: z = −61).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

enum { NC = 6, NB = 16 };

/* Proposal s' = (s + δξ)/|s + δξ| with isotropic Gaussian ξ: its density depends on s·s' only, so it
 * is symmetric and plain Metropolis acceptance applies; δ = 0.5 keeps the acceptance near one half in
 * the ordered phase (uniform proposals are accepted ~e^{-7} of the time there and equilibrate slowly). */
static void propose(uint64_t *rng, const double *s, double *snew)
{
    double n2 = 0.0;
    for (int a = 0; a < NC; a++) {
        snew[a] = s[a] + 0.5 * tu_normal(rng);
        n2 += snew[a] * snew[a];
    }
    for (int a = 0; a < NC; a++)
        snew[a] /= sqrt(n2);
}

/* Metropolis at temperature T from an ordered start along compression; per-batch means of E/N and
 * |M_c|/N into u[NB], mc[NB]. */
static void sample(vs_lattice *lat, double T, int sweeps_eq, int sweeps_per_batch, uint64_t seed, double *u,
                   double *mc)
{
    size_t N = vs_lattice_nsites(lat);
    double *s = malloc(N * NC * sizeof *s), *h = malloc(N * NC * sizeof *h), M[NC], E;
    assert_non_null(s);
    assert_non_null(h);
    uint64_t rng = seed;
    for (size_t m = 0; m < N; m++)
        for (int a = 0; a < NC; a++)
            s[m * NC + a] = a == 0;
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_energy_from_fields(lat, s, h, &E), VS_OK);
    assert_int_equal(vs_lattice_total(lat, s, M), VS_OK);
    for (int sw = 0; sw < sweeps_eq + NB * sweeps_per_batch; sw++) {
        for (size_t k = 0; k < N; k++) {
            size_t m = (size_t)(tu_uniform(&rng) * (double)N);
            double snew[NC], dE;
            propose(&rng, &s[m * NC], snew);
            assert_int_equal(vs_lattice_delta_energy(lat, s, h, M, m, snew, &dE), VS_OK);
            if (dE <= 0.0 || tu_uniform(&rng) < exp(-dE / T)) {
                assert_int_equal(vs_lattice_update(lat, s, h, M, m, snew), VS_OK);
                E += dE;
            }
        }
        if (sw >= sweeps_eq) {
            int b = (sw - sweeps_eq) / sweeps_per_batch;
            u[b] += E / (double)N / sweeps_per_batch;
            mc[b] += fabs(M[0]) / (double)N / sweeps_per_batch;
        }
    }
    double Efull;
    assert_int_equal(vs_lattice_energy(lat, s, &Efull), VS_OK); /* the bookkeeping stayed exact */
    assert_close(E, Efull, 1e-9, 1e-9);
    free(s);
    free(h);
}

static void mean_sigma(const double *x, double *mean, double *sigma)
{
    double a = 0.0, v = 0.0;
    for (int b = 0; b < NB; b++)
        a += x[b];
    a /= NB;
    for (int b = 0; b < NB; b++)
        v += (x[b] - a) * (x[b] - a);
    *mean = a;
    *sigma = sqrt(v / (NB - 1) / NB); /* standard error of the mean of NB batch means */
}

static void test_short_monte_carlo_matches_mean_field_within_error_bars(void **state)
{
    (void)state;
    const double Jc = 1.5, Js = 1.0, Z = 4.0; /* compression orders (Fig. 3b) */
    const int L[3] = {6, 6, 6}; /* N = 216: the update cost grows like N per spin, the bias like 1/N */
    double U[NC * NC] = {0};
    U[0] = Jc;
    for (int a = 1; a < NC; a++)
        U[a * NC + a] = Js;
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, NULL, NC, NULL, &lat), VS_OK);
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    double N = (double)vs_lattice_nsites(lat);
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(Jc, Js, &mf), VS_OK);
    double Tc;
    assert_int_equal(vs_meanfield_curie_temperature(mf, &Tc), VS_OK);
    const double T = 0.6 * Tc, bias_u = NC * T / N, bias_m = 2.0 / N;
    double Umf, mc_mf, ub[NB] = {0}, mb[NB] = {0}, u, su, m, sm;
    assert_int_equal(vs_meanfield_thermo(mf, T, NULL, &Umf, NULL, NULL), VS_OK);
    assert_int_equal(vs_meanfield_sector_fields(mf, T, NULL, NULL, &mc_mf, NULL), VS_OK);
    sample(lat, T, 80, 50, 2024, ub, mb);
    mean_sigma(ub, &u, &su);
    mean_sigma(mb, &m, &sm);
    print_message("# N = %.0f, T = %.4f: U/N MC = %.5f ± %.5f, MF = %.5f (z = %.2f, bias bound %.1e); "
                  "m_c MC = %.5f ± %.5f, MF = %.5f (z = %.2f, bias bound %.1e)\n",
                  N, T, u, su, Umf, (u - Umf) / su, bias_u, m, sm, mc_mf, (m - mc_mf) / sm, bias_m);
    assert_true(su > 0.0 && sm > 0.0);
    assert_true(fabs(u - Umf) <= Z * su + bias_u);
    assert_true(fabs(m - mc_mf) <= Z * sm + bias_m);
    assert_true(Z * su + bias_u < 0.06 * fabs(Umf)); /* resolves a 6 % error in U (plausible bugs: > 10 %) */
    assert_true(Z * sm + bias_m < 0.05 * mc_mf);
    vs_meanfield_free(mf);
    vs_lattice_free(lat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_monte_carlo_matches_mean_field_within_error_bars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
