/* User pair tables (issue 11 item 2, docs/lattice.md "Pair tables"): nearest-neighbour O(n) models
 * in closed form (ferro −(E0/2)NzJ, Néel +(E0/2)NzJ, Luttinger–Tisza λ_max = zJ at k = 0), FFT =
 * direct = an independent hand pair sum written from the convention (triclinic basis, i < j,
 * i > j, i = j, wrapped and self-image bonds, duplicates, open clusters), every evaluator (moves,
 * workspaces, Fourier), pair table + dipolar kernel = sum of the two lattices, and bad input. */
#include <limits.h>
#include <stdint.h>

#include "lattice_testutil.h"

static const double sc_cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
static const double origin[3] = {0, 0, 0};
static const int nn_disp[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
static const int nn_pair[6] = {0, 0, 0, 0, 0, 0};

/* Nearest-neighbour sc O(nc) table J·I, each bond listed once (+x, +y, +z). */
static vs_lattice *nn_sc(const int *L, int nc, double J, double e0, const vs_coupling *c, int boundary)
{
    double *B = calloc(3 * (size_t)nc * nc, sizeof *B);
    for (int e = 0; e < 3; e++)
        for (int a = 0; a < nc; a++)
            B[(size_t)e * nc * nc + a * nc + a] = J;
    vs_lattice_options *o = lt_options(1e-10, 0.0, boundary);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, e0), VS_OK);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, nc, 3, nn_disp, nn_pair, B, c, o, &lat),
                     VS_OK);
    vs_lattice_options_free(o);
    free(B);
    return lat;
}

/* E by FFT, by direct sum and through a workspace; they must agree. */
static double energy3(vs_lattice *lat, const double *s)
{
    double e, ed, ew;
    vs_lattice_workspace *ws = NULL;
    assert_int_equal(vs_lattice_energy(lat, s, &e), VS_OK);
    assert_int_equal(vs_lattice_energy_direct(lat, s, &ed), VS_OK);
    assert_int_equal(vs_lattice_workspace_create(lat, &ws), VS_OK);
    assert_int_equal(vs_lattice_energy_ws(lat, ws, s, &ew), VS_OK);
    vs_lattice_workspace_free(ws);
    assert_true(e == ew);
    assert_close(e, ed, 0.0, 1e-11 * fmax(1.0, fabs(ed)));
    return e;
}

static void test_nn_sc_ferro_and_neel_energies_are_minus_and_plus_half_NzJ(void **state)
{
    (void)state;
    const double J = 0.7, e0 = 1.3;
    int sizes[][3] = {{4, 4, 4}, {2, 4, 6}, {1, 1, 1}, {2, 2, 2}};
    for (size_t t = 0; t < 4; t++) {
        int *L = sizes[t];
        for (int nc = 1; nc <= 6; nc += (nc == 1 ? 2 : 3)) { /* 1 (Ising), 3, 6 */
            vs_lattice *lat = nn_sc(L, nc, J, e0, NULL, VS_LATTICE_PERIODIC);
            size_t N = vs_lattice_nsites(lat);
            double *s = calloc(N * nc, sizeof *s);
            for (size_t m = 0; m < N; m++)
                s[m * nc + nc - 1] = 1.0;
            assert_close(energy3(lat, s), -0.5 * e0 * (double)N * 6.0 * J, 0.0, 1e-12 * N);
            /* Néel: s_m = (−1)^{i1+i2+i3} e, a state only when every L is even */
            if (L[0] % 2 == 0 && L[1] % 2 == 0 && L[2] % 2 == 0) {
                for (size_t m = 0; m < N; m++) {
                    size_t i3 = m % L[2], i2 = (m / L[2]) % L[1], i1 = m / ((size_t)L[2] * L[1]);
                    s[m * nc + nc - 1] = (i1 + i2 + i3) % 2 ? -1.0 : 1.0;
                }
                assert_close(energy3(lat, s), 0.5 * e0 * (double)N * 6.0 * J, 0.0, 1e-12 * N);
            }
            free(s);
            vs_lattice_free(lat);
        }
    }
}

static void test_lt_lambda_max_of_nn_sc_ferro_is_zJ_at_k0(void **state)
{
    (void)state;
    int L[3] = {4, 4, 4}, q0[3] = {0, 0, 0};
    const double J = 0.45;
    for (int nc = 1; nc <= 6; nc += 5) {
        vs_lattice *lat = nn_sc(L, nc, J, 1.0, NULL, VS_LATTICE_PERIODIC);
        double lmax, k[3], tc, lmin;
        assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, k, &tc), VS_OK);
        assert_close(lmax, 6.0 * J, 0.0, 1e-12);
        assert_close(k[0] * k[0] + k[1] * k[1] + k[2] * k[2], 0.0, 0.0, 1e-24);
        assert_close(tc, 6.0 * J / nc, 0.0, 1e-12);
        /* the Néel point (π, π, π): λ = −zJ, the minimum */
        assert_int_equal(vs_lattice_luttinger_tisza_min(lat, &lmin, k), VS_OK);
        assert_close(lmin, -6.0 * J, 0.0, 1e-12);
        double Hre[36], Him[36];
        assert_int_equal(vs_lattice_fourier(lat, q0, Hre, Him), VS_OK);
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++) {
                assert_close(Hre[a * nc + b], a == b ? 6.0 * J : 0.0, 0.0, 1e-12);
                assert_close(Him[a * nc + b], 0.0, 0.0, 1e-12);
            }
        vs_lattice_free(lat);
    }
}

/* ---------------------------------------------------------------- the hand pair sum */

/* h_m = Σ_bonds, written straight from the convention of lattice.h: entry (d, i, j, B) couples
 * (c, i) to (c + d, j) in every cell c; both directions add B s. Open: bonds leaving are dropped. */
static void hand_fields(const int *L, int nb, int nc, int open, size_t np, const int *disp, const int *pair,
                        const double *blocks, const double *s, double *h)
{
    size_t N = (size_t)L[0] * L[1] * L[2] * nb;
    memset(h, 0, N * nc * sizeof *h);
    for (size_t e = 0; e < np; e++)
        for (int c1 = 0; c1 < L[0]; c1++)
            for (int c2 = 0; c2 < L[1]; c2++)
                for (int c3 = 0; c3 < L[2]; c3++) {
                    long c[3] = {c1, c2, c3}, t[3];
                    int out = 0;
                    for (int k = 0; k < 3; k++) {
                        t[k] = c[k] + disp[3 * e + k];
                        out |= t[k] < 0 || t[k] >= L[k];
                        t[k] = ((t[k] % L[k]) + L[k]) % L[k];
                    }
                    if (open && out)
                        continue;
                    size_t m = (size_t)(((c[0] * L[1] + c[1]) * L[2] + c[2]) * nb + pair[2 * e]);
                    size_t n = (size_t)(((t[0] * L[1] + t[1]) * L[2] + t[2]) * nb + pair[2 * e + 1]);
                    const double *B = blocks + e * (size_t)nc * nc;
                    for (int a = 0; a < nc; a++)
                        for (int b = 0; b < nc; b++) {
                            h[m * nc + a] += B[a * nc + b] * s[n * nc + b];
                            h[n * nc + a] += B[b * nc + a] * s[m * nc + b];
                        }
                }
}

/* A random symmetric block. */
static void random_block(uint64_t *rng, int nc, double *B)
{
    for (int a = 0; a < nc; a++)
        for (int b = a; b < nc; b++)
            B[a * nc + b] = B[b * nc + a] = tu_normal(rng);
}

static void check_against_hand_sum(int nc, int boundary)
{
    int L[3] = {3, 2, 4};
    const int nb = 3;
    /* i < j, i > j, i = j; displacements beyond L (wrapped), a self-image (i = j, d = (3, 0, 0) ≡ 0),
     * a bond onto the same site's image across two cells, a duplicate of entry 0 */
    const int disp[] = {0, 0, 0, 1, 0, 0, 0, 1, -1, 5, -3, 2, 3, 0, 0, 0, 0, 1, -1, 1, 0, 0, 2, 0, 0, 0, 0};
    const int pair[] = {0, 1, 2, 0, 1, 1, 0, 2, 2, 2, 0, 0, 1, 2, 1, 0, 0, 1};
    const size_t np = sizeof pair / sizeof pair[0] / 2;
    uint64_t rng = 99;
    double *blocks = malloc(np * nc * nc * sizeof *blocks);
    for (size_t e = 0; e + 1 < np; e++)
        random_block(&rng, nc, blocks + e * nc * nc);
    memcpy(blocks + (np - 1) * nc * nc, blocks, (size_t)nc * nc * sizeof *blocks); /* duplicate */
    vs_lattice_options *o = lt_options(1e-10, 0.0, boundary);
    vs_lattice *lat = NULL;
    assert_int_equal(
        vs_lattice_create_pairs(lt_tri_cell, nb, lt_tri_frac, L, nc, np, disp, pair, blocks, NULL, o, &lat),
        VS_OK);
    vs_lattice_options_free(o);
    size_t N = vs_lattice_nsites(lat), nv = N * nc;
    double *s = lt_random_spins(&rng, N, nc), *h = malloc(nv * sizeof *h), *hd = malloc(nv * sizeof *hd),
           *hh = malloc(nv * sizeof *hh);
    hand_fields(L, nb, nc, boundary == VS_LATTICE_OPEN, np, disp, pair, blocks, s, hh);
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_fields_direct(lat, s, hd), VS_OK);
    assert_true(lt_maxrel(h, hh, nv) < 1e-12);
    assert_true(lt_maxrel(hd, hh, nv) < 1e-13);
    double ehand = 0.0;
    for (size_t i = 0; i < nv; i++)
        ehand += s[i] * hh[i];
    ehand *= -0.5;
    assert_close(energy3(lat, s), ehand, 0.0, 1e-12 * fmax(1.0, fabs(ehand)));

    /* single-spin moves: ΔE = E(after) − E(before); updated fields = fresh fields */
    double M[16], snew[16], dE, e1, e2;
    assert_int_equal(vs_lattice_total(lat, s, M), VS_OK);
    assert_int_equal(vs_lattice_energy(lat, s, &e1), VS_OK);
    for (size_t m = 0; m < N; m += 7) {
        double r2 = 0.0;
        for (int a = 0; a < nc; a++) {
            snew[a] = tu_normal(&rng);
            r2 += snew[a] * snew[a];
        }
        for (int a = 0; a < nc; a++)
            snew[a] /= sqrt(r2);
        assert_int_equal(vs_lattice_delta_energy(lat, s, h, M, m, snew, &dE), VS_OK);
        assert_int_equal(vs_lattice_update(lat, s, h, M, m, snew), VS_OK);
        assert_int_equal(vs_lattice_energy(lat, s, &e2), VS_OK);
        assert_close(e2 - e1, dE, 0.0, 1e-11);
        e1 = e2;
    }
    hand_fields(L, nb, nc, boundary == VS_LATTICE_OPEN, np, disp, pair, blocks, s, hh);
    assert_true(lt_maxrel(h, hh, nv) < 1e-11);
    free(s);
    free(h);
    free(hd);
    free(hh);
    free(blocks);
    vs_lattice_free(lat);
}

static void test_fields_fft_equal_direct_equal_hand_pair_sum(void **state)
{
    (void)state;
    for (int nc = 1; nc <= 6; nc++)
        check_against_hand_sum(nc, VS_LATTICE_PERIODIC);
    check_against_hand_sum(3, VS_LATTICE_OPEN);
    check_against_hand_sum(6, VS_LATTICE_OPEN);
}

/* The pair table is added to the Ewald kernel: E(dipolar + pairs) = E(dipolar) + E(pairs). */
static void test_pairs_plus_dipolar_is_sum_of_the_two_lattices(void **state)
{
    (void)state;
    int L[3] = {4, 4, 4};
    uint64_t rng = 5;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    vs_lattice *both = nn_sc(L, 3, -0.3, 1.0, c, VS_LATTICE_PERIODIC);
    vs_lattice *pairs = nn_sc(L, 3, -0.3, 1.0, NULL, VS_LATTICE_PERIODIC);
    vs_lattice_options *o = lt_options(1e-10, 0.0, VS_LATTICE_PERIODIC);
    vs_lattice *dip = NULL;
    assert_int_equal(vs_lattice_create(sc_cell, 1, origin, L, c, 0, o, &dip), VS_OK);
    vs_lattice_options_free(o);
    double a1, r1, g1, a2, r2, g2;
    assert_int_equal(vs_lattice_ewald_parameters(both, &a1, &r1, &g1), VS_OK);
    assert_int_equal(vs_lattice_ewald_parameters(dip, &a2, &r2, &g2), VS_OK);
    assert_true(a1 == a2 && r1 == r2 && g1 == g2);
    size_t N = vs_lattice_nsites(both);
    for (int t = 0; t < 3; t++) {
        double *s = lt_random_spins(&rng, N, 3);
        double eb = energy3(both, s), ep = energy3(pairs, s), ed = energy3(dip, s);
        assert_close(eb, ep + ed, 0.0, 1e-11 * (fabs(ep) + fabs(ed)));
        free(s);
    }
    double Tb[9], Tp[9], Td[9];
    assert_int_equal(vs_lattice_coupling(both, 0, 1, Tb), VS_OK);
    assert_int_equal(vs_lattice_coupling(pairs, 0, 1, Tp), VS_OK);
    assert_int_equal(vs_lattice_coupling(dip, 0, 1, Td), VS_OK);
    for (int a = 0; a < 9; a++)
        assert_close(Tb[a], Tp[a] + Td[a], 0.0, 1e-14);
    vs_lattice_free(both);
    vs_lattice_free(pairs);
    vs_lattice_free(dip);
    vs_coupling_free(c);
}

/* ---------------------------------------------------------------- bad input */

static void test_pairs_bad_input_is_refused(void **state)
{
    (void)state;
    int L[3] = {2, 2, 2};
    vs_lattice *lat = (vs_lattice *)&state;
    double B[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    int d1[3] = {1, 0, 0}, p00[2] = {0, 0};
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);

    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 1, d1, p00, B, NULL, NULL, NULL),
                     VS_EINVAL);
    /* ncomp 0 without a coupling; too many; a mismatch with the coupling */
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 0, 1, d1, p00, B, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_null(lat);
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 17, 1, d1, p00, B, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 2, 1, d1, p00, B, c, NULL, &lat),
                     VS_EINVAL);
    /* basis index out of range */
    int bad_pairs[][2] = {{0, 1}, {1, 0}, {-1, 0}, {0, INT_MAX}};
    for (int t = 0; t < 4; t++) {
        assert_int_equal(
            vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 1, d1, bad_pairs[t], B, NULL, NULL, &lat),
            VS_EINVAL);
        assert_non_null(strstr(vs_last_error(), "out of range"));
    }
    /* NaN / inf / asymmetric blocks */
    double Bn[9];
    for (int t = 0; t < 3; t++) {
        memcpy(Bn, B, sizeof B);
        Bn[1] = t == 0 ? NAN : t == 1 ? INFINITY : 0.5;
        assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 1, d1, p00, Bn, NULL, NULL, &lat),
                         VS_EINVAL);
        assert_null(lat);
    }
    assert_non_null(strstr(vs_last_error(), "symmetric"));
    /* an on-site entry; a bond listed in both directions */
    int d0[3] = {0, 0, 0}, both[6] = {1, 0, 0, -1, 0, 0}, pp[4] = {0, 0, 0, 0};
    double BB[18];
    memcpy(BB, B, sizeof B);
    memcpy(BB + 9, B, sizeof B);
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 1, d0, p00, B, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "vs_lattice_set_onsite"));
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 2, both, pp, BB, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "both directions"));
    /* (0,0,0),(0,1) and (0,0,0),(1,0) on a two-site basis are one bond listed twice, too */
    const double frac2[6] = {0, 0, 0, 0.5, 0.5, 0.5};
    int dd[6] = {0, 0, 0, 0, 0, 0}, p01[4] = {0, 1, 1, 0};
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 2, frac2, L, 3, 2, dd, p01, BB, NULL, NULL, &lat),
                     VS_EINVAL);
    /* NULL arrays with npairs > 0; npairs so large that the sizes overflow */
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 1, NULL, p00, B, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 1, d1, NULL, B, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 1, d1, p00, NULL, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_int_equal(
        vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, SIZE_MAX / 8, d1, p00, B, NULL, NULL, &lat),
        VS_EOVERFLOW);
    assert_null(lat);
    /* geometry errors as vs_lattice_create */
    int L0[3] = {0, 2, 2};
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L0, 3, 1, d1, p00, B, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_create_pairs(NULL, 1, origin, L, 3, 1, d1, p00, B, NULL, NULL, &lat),
                     VS_EINVAL);
    /* npairs = 0 (arrays may be NULL): the zero table, or the coupling alone */
    /* a failure in a stage shared with vs_lattice_create (the geometry) names this function */
    const double flat_cell[9] = {1, 0, 0, 0, 1, 0, 1, 1, 0};
    assert_int_equal(vs_lattice_create_pairs(flat_cell, 1, origin, L, 3, 1, d1, p00, B, NULL, NULL, &lat),
                     VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "vs_lattice_create_pairs: "));
    assert_non_null(strstr(vs_last_error(), "degenerate"));
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 3, 0, NULL, NULL, NULL, NULL, NULL, &lat),
                     VS_OK);
    double lmax;
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, NULL, NULL), VS_OK);
    assert_true(lmax == 0.0);
    vs_lattice_free(lat);
    assert_int_equal(vs_lattice_create_pairs(sc_cell, 1, origin, L, 0, 0, NULL, NULL, NULL, c, NULL, &lat),
                     VS_OK);
    assert_int_equal(vs_lattice_ncomp(lat), 3);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nn_sc_ferro_and_neel_energies_are_minus_and_plus_half_NzJ),
        cmocka_unit_test(test_lt_lambda_max_of_nn_sc_ferro_is_zJ_at_k0),
        cmocka_unit_test(test_fields_fft_equal_direct_equal_hand_pair_sum),
        cmocka_unit_test(test_pairs_plus_dipolar_is_sum_of_the_two_lattices),
        cmocka_unit_test(test_pairs_bad_input_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
