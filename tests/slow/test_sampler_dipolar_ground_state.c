/*
 * Slow physics test (suite "slow", meson option slow_tests): the sampler, annealed towards T → 0 on the
 * dipolar simple cubic lattice (ncomp = 3, Ewald-summed dipolar kernel, periodic L³, L even, sphere
 * boundary U = 0), reaches the Luttinger–Tisza ground-state energy per spin within 1e-3 relative, and
 * its final state orders at the Luttinger–Tisza wave vector.
 *
 * Sign. lattice.h: with the dipolar kernel (vs_coupling_create_dipolar) the lattice Hamiltonian is
 * H_e = −(E0/2) Σ sᵀTs = −(E0 v0/4π) E_dd, MINUS the ordinary dipolar energy; every configuration has
 * H_e ≤ −(E0/2) λ_min Σ|s|² (vs_lattice_luttinger_tisza_min), i.e. λ_min bounds the HIGHEST energy of
 * H_e, which is the LOWEST dipolar energy. The sampler samples exp(−H/T) with E0 > 0 and T > 0, so on
 * H_e itself an anneal would go to the opposite extreme (λ_max, whose long-wavelength longitudinal
 * modes have no unit-spin realisation). The physical dipolar system, H_p = −H_e = (E0 v0/4π) E_dd, is
 * built here as a pair table (vs_lattice_create_pairs, no coupling) whose bonds are minus the Ewald
 * table of H_e — every displacement of the supercell, T_p(d) = −T_e(d) read with
 * vs_lattice_coupling() — and whose on-site matrix D_p = −T_e(0) replaces the self-image term.
 * The test checks T_p = −T_e entry by entry and H_p(s) = −H_e(s) on random spins first.
 *
 * Reference. For H_p every configuration has H_p ≥ (E0/2) λ_min Σ|s|² = (E0/2) λ_min N for unit spins,
 * with equality for a unit-spin mode at the Luttinger–Tisza k. So the ground-state energy per spin is
 *
 *     E_gs/N = (E0/2) λ_min(H_e),   λ_min = −2.676788684/(2π)  ⇒  E_gs/N = −0.2130114… E0
 *
 * (lattice.h; E_dd = 2π λ_min/v0 = −2.676788684 μ²/a³ per dipole, Luttinger & Tisza, Phys. Rev. 70,
 * 954 (1946): the columnar antiferro array, k = (0, π, π)/a and its cubic images, spins along the
 * axis of the zero component). λ_min comes from vs_lattice_luttinger_tisza_min on the Ewald lattice
 * and is checked against the published number (1e-8) and against λ_max of the pair-table lattice
 * (vs_lattice_luttinger_tisza: they must be opposite, 1e-10).
 *
 * Anneal: one replica, NSTEP temperatures T_k geometric from T_HI (above the mean-field ordering
 * temperature −E0 λ_min/3 ≈ 0.14) down to T_LO = 1e-6; at each, a new sampler started from the
 * previous configuration with vs_sampler_set_spins, heat bath + 1 over-relaxation pass per sweep.
 * At T_LO the equipartition excess is ≈ T per spin (two quadratic modes of T/2 each) = 5e-6 relative.
 * Acceptance: |E/N − E_gs/N| ≤ 1e-3 |E_gs/N|, and E/N ≥ E_gs/N − 1e-12 (the bound cannot be beaten).
 *
 * Ordering wave vector: S(k) = Σ_a |Σ_m s_ma e^{ik·r_m}|² / N on the L³ grid by a direct sum (so
 * Σ_k S(k) = N). The argmax must lie in the cubic star of the Luttinger–Tisza k (the images of
 * k_LT under permutations and sign changes of its components, modulo the reciprocal lattice), and
 * the star must hold ≥ 99 % of Σ_k S(k) (the sc dipolar ground states form a continuous family mixing
 * the three star members, so the weight may be shared among them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"

#define LSIDE 8
#define NSTEP 40
#define SWEEPS_PER_STEP 250
#define T_HI 0.3
#define T_LO 1e-6
#define LT_SC_SUM (-2.676788684) /* Luttinger–Tisza sc dipolar sum per dipole, μ²/a³ */

static vs_lattice *ewald_lattice(void)
{
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    const int Ls[3] = {LSIDE, LSIDE, LSIDE};
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, NULL, &lat), VS_OK);
    vs_coupling_free(c);
    return lat;
}

static size_t site(int i, int j, int k)
{
    int L = LSIDE;
    return (size_t)((((i % L) + L) % L * L + ((j % L) + L) % L) * L + ((k % L) + L) % L);
}

/* H_p = −H_e as a pair table: one entry per displacement class {d, −d}; a displacement equal to its
 * own reverse (every component 0 or L/2) is covered by the entry and its automatic reverse, so its
 * block is halved. D_p = −T_e(0). */
static vs_lattice *physical_lattice(const vs_lattice *le)
{
    const int L = LSIDE;
    const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, frac[3] = {0, 0, 0};
    const int Ls[3] = {L, L, L};
    size_t N = (size_t)L * L * L, np = 0;
    int *disp = malloc(N * 3 * sizeof *disp), *pair = calloc(N * 2, sizeof *pair);
    double *blk = malloc(N * 9 * sizeof *blk);
    assert_non_null(disp);
    assert_non_null(pair);
    assert_non_null(blk);
    for (int i = 0; i < L; i++)
        for (int j = 0; j < L; j++)
            for (int k = 0; k < L; k++) {
                size_t n = site(i, j, k), nr = site(-i, -j, -k);
                if (n == 0 || nr < n)
                    continue; /* the origin, or the class already listed */
                double T[9];
                assert_int_equal(vs_lattice_coupling(le, n, 0, T), VS_OK); /* T_e(r_n − r_0) */
                double f = nr == n ? 0.5 : 1.0;
                disp[3 * np] = i;
                disp[3 * np + 1] = j;
                disp[3 * np + 2] = k;
                for (int a = 0; a < 9; a++)
                    blk[9 * np + a] = -f * T[a];
                np++;
            }
    vs_lattice *lp = NULL;
    assert_int_equal(vs_lattice_create_pairs(cell, 1, frac, Ls, 3, np, disp, pair, blk, NULL, NULL, &lp), VS_OK);
    double T0[9];
    assert_int_equal(vs_lattice_coupling(le, 0, 0, T0), VS_OK);
    for (int a = 0; a < 9; a++)
        T0[a] = -T0[a];
    assert_int_equal(vs_lattice_set_onsite(lp, T0), VS_OK);
    free(disp);
    free(pair);
    free(blk);
    /* T_p = −T_e for every pair n ≠ 0 (T_p(0) = 0: no self-image bond) */
    double worst = 0.0;
    for (size_t n = 1; n < N; n++) {
        double Te[9], Tp[9];
        assert_int_equal(vs_lattice_coupling(le, 0, n, Te), VS_OK);
        assert_int_equal(vs_lattice_coupling(lp, 0, n, Tp), VS_OK);
        for (int a = 0; a < 9; a++)
            worst = fmax(worst, fabs(Tp[a] + Te[a]));
    }
    assert_true(worst <= 1e-14);
    return lp;
}

/* S(k) on the grid by a direct sum; returns the index q of the maximum, fills S[q]. */
static size_t structure_factor(const double *s, double *S)
{
    const int L = LSIDE;
    size_t N = (size_t)L * L * L, best = 0;
    for (int q1 = 0; q1 < L; q1++)
        for (int q2 = 0; q2 < L; q2++)
            for (int q3 = 0; q3 < L; q3++) {
                double re[3] = {0}, im[3] = {0};
                for (int i = 0; i < L; i++)
                    for (int j = 0; j < L; j++)
                        for (int k = 0; k < L; k++) {
                            double ph = 2.0 * M_PI * (double)(q1 * i + q2 * j + q3 * k) / L;
                            const double *sm = s + 3 * site(i, j, k);
                            for (int a = 0; a < 3; a++) {
                                re[a] += sm[a] * cos(ph);
                                im[a] += sm[a] * sin(ph);
                            }
                        }
                size_t q = site(q1, q2, q3);
                S[q] = 0.0;
                for (int a = 0; a < 3; a++)
                    S[q] += (re[a] * re[a] + im[a] * im[a]) / (double)N;
                if (S[q] > S[best])
                    best = q;
            }
    return best;
}

/* Is grid point (p) an image of (q) under the cubic group (permutations, sign changes mod L)? */
static int in_star(const int *p, const int *q)
{
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    const int L = LSIDE;
    for (int P = 0; P < 6; P++)
        for (int sg = 0; sg < 8; sg++) {
            int ok = 1;
            for (int c = 0; c < 3; c++) {
                int v = q[perm[P][c]] * ((sg >> c) & 1 ? -1 : 1);
                ok &= (((v % L) + L) % L) == p[c];
            }
            if (ok)
                return 1;
        }
    return 0;
}

static void test_dipolar_anneal_reaches_luttinger_tisza(void **state)
{
    (void)state;
    const int L = LSIDE;
    size_t N = (size_t)L * L * L;
    vs_lattice *le = ewald_lattice();
    double lmin, kLT[3];
    assert_int_equal(vs_lattice_luttinger_tisza_min(le, &lmin, kLT), VS_OK);
    assert_close(2.0 * M_PI * lmin, LT_SC_SUM, 1e-8, 0.0);
    vs_lattice *lp = physical_lattice(le);
    double lmax_p;
    assert_int_equal(vs_lattice_luttinger_tisza(lp, &lmax_p, NULL, NULL), VS_OK);
    assert_close(lmax_p, -lmin, 1e-10, 0.0);
    const double Egs = 0.5 * lmin; /* per spin, E0 = 1 */
    print_message("# L = %d: λ_min = %.10f at k = (%.4f, %.4f, %.4f)/a; E_gs/N = λ_min/2 = %.10f E0\n", L, lmin, kLT[0],
                  kLT[1], kLT[2], Egs);

    /* H_p = −H_e on random spins */
    double *sp = malloc(N * 3 * sizeof *sp), *S = malloc(N * sizeof *S);
    assert_non_null(sp);
    assert_non_null(S);
    uint64_t rng = 99;
    for (size_t m = 0; m < N; m++)
        tu_direction(&rng, sp + 3 * m);
    double Ee, Ep;
    assert_int_equal(vs_lattice_energy(le, sp, &Ee), VS_OK);
    assert_int_equal(vs_lattice_energy_direct(lp, sp, &Ep), VS_OK);
    assert_close(Ep, -Ee, 1e-10, 1e-10);

    /* anneal */
    clock_t c0 = clock();
    double E = 0.0;
    for (int step = 0; step < NSTEP; step++) {
        double T = T_HI * pow(T_LO / T_HI, (double)step / (NSTEP - 1));
        vs_sampler *s = NULL;
        assert_int_equal(vs_sampler_create(lp, 1, &T, 7000 + (unsigned long)step, NULL, &s), VS_OK);
        if (step > 0)
            assert_int_equal(vs_sampler_set_spins(s, 0, sp), VS_OK);
        assert_int_equal(vs_sampler_sweep(s, SWEEPS_PER_STEP), VS_OK);
        assert_int_equal(vs_sampler_spins(s, 0, sp), VS_OK);
        assert_int_equal(vs_sampler_energy(s, 0, &E), VS_OK);
        vs_sampler_free(s);
        if (step % 5 == 0 || step == NSTEP - 1)
            print_message("#   T = %.3g: E/N = %.10f\n", T, E / (double)N);
    }
    double Edirect;
    assert_int_equal(vs_lattice_energy_direct(lp, sp, &Edirect), VS_OK);
    assert_close(E, Edirect, 1e-10, 1e-10);
    double rel = (E / (double)N - Egs) / fabs(Egs);
    print_message("# annealed (%d × %d sweeps, %.1f s CPU): E/N = %.10f, E_gs/N = %.10f, relative excess %.3g\n", NSTEP,
                  SWEEPS_PER_STEP, (double)(clock() - c0) / CLOCKS_PER_SEC, E / (double)N, Egs, rel);
    assert_true(E / (double)N >= Egs - 1e-12);
    assert_true(rel <= 1e-3);

    /* ordering wave vector */
    size_t best = structure_factor(sp, S);
    int qLT[3], qb[3] = {(int)(best / (size_t)(L * L)), (int)(best / (size_t)L % (size_t)L), (int)(best % (size_t)L)};
    for (int c = 0; c < 3; c++)
        qLT[c] = (int)lround(kLT[c] * L / (2.0 * M_PI));
    double wstar = 0.0, wall = 0.0;
    for (size_t q = 0; q < N; q++) {
        int p[3] = {(int)(q / (size_t)(L * L)), (int)(q / (size_t)L % (size_t)L), (int)(q % (size_t)L)};
        wall += S[q];
        if (in_star(p, qLT))
            wstar += S[q];
    }
    print_message("# S(k) peak at q = (%d, %d, %d) (k = 2πq/L), S = %.4f N; LT q = (%d, %d, %d); star weight %.6f\n",
                  qb[0], qb[1], qb[2], S[best] / (double)N, qLT[0], qLT[1], qLT[2], wstar / wall);
    assert_close(wall, (double)N, 1e-9, 0.0); /* Parseval */
    assert_true(in_star(qb, qLT));
    assert_true(wstar / wall >= 0.99);
    free(sp);
    free(S);
    vs_lattice_free(lp);
    vs_lattice_free(le);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_dipolar_anneal_reaches_luttinger_tisza)};
    return cmocka_run_group_tests_name("sampler_dipolar_ground_state", tests, NULL, NULL);
}
