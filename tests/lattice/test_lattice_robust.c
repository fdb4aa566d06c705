/* Lattice robustness (issue 9, defects 3, 4, 5): inputs far outside the usual range either work,
 * fast and exactly, or fail fast with the documented code; no call returns VS_OK with a non-finite
 * output; creation has a memory ceiling and a peak-memory query. */
#include <float.h>
#include <stdint.h>
#include <time.h>

#include "lattice_testutil.h"

static vs_coupling *dip(void)
{
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    return c;
}

/* A six-component (elastic, Eq. 19) coupling: the kernel with the largest tables. */
static vs_coupling *elastic6(void)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    assert_int_equal(vs_elastic_create_poisson_shear(0.35, 1.0, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-8, &c), VS_OK);
    vs_elastic_free(el);
    return c;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int all_finite(const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

/* ---------------------------------------------------------------- defect 3 */

/* Triclinic cell, three sites at dyadic fractions (exact in binary, so adding an integer keeps
 * the fractional part exactly). */
static const double rb_frac[9] = {0.0, 0.0, 0.0, 0.5, 0.125, 0.25, 0.25, 0.625, 0.75};

/* Site (c, b) of a lattice whose basis b was moved by the integer vector k_b is, physically,
 * site (c + k_b mod L, b) of the reference lattice: the coupling blocks must agree exactly. */
static void assert_same_couplings_shifted(const vs_lattice *ref, const vs_lattice *sh, const int *L,
                                          const long (*k)[3])
{
    size_t N = vs_lattice_nsites(ref);
    int nb = 3;
    size_t *map = malloc(N * sizeof *map);
    for (size_t m = 0; m < N; m++) {
        size_t cell = m / (size_t)nb;
        int b = (int)(m % (size_t)nb);
        long c[3] = {(long)(cell / ((size_t)L[1] * L[2])), (long)((cell / (size_t)L[2]) % (size_t)L[1]),
                     (long)(cell % (size_t)L[2])};
        for (int i = 0; i < 3; i++)
            c[i] = ((c[i] + k[b][i]) % L[i] + L[i]) % L[i];
        map[m] = ((size_t)((c[0] * L[1] + c[1]) * L[2] + c[2])) * (size_t)nb + (size_t)b;
    }
    double Ta[9], Tb[9];
    for (size_t m = 0; m < N; m++)
        for (size_t n = 0; n < N; n++) {
            assert_int_equal(vs_lattice_coupling(sh, m, n, Ta), VS_OK);
            assert_int_equal(vs_lattice_coupling(ref, map[m], map[n], Tb), VS_OK);
            for (int i = 0; i < 9; i++)
                assert_true(Ta[i] == Tb[i]);
        }
    free(map);
}

static void test_basis_far_outside_cell_is_reduced_exactly_and_fast(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 3, 2};
    vs_lattice *ref = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, rb_frac, L, c, 0, NULL, &ref), VS_OK);
    /* integer offsets up to 1e15 (1e15 + 0.625 is exact: its ulp is 0.125) */
    const long k[3][3] = {{1000, -7, 3}, {-1000000000000000L, 0, 999}, {5, 1000000000000000L, -2}};
    double frac[9];
    for (int b = 0; b < 3; b++)
        for (int j = 0; j < 3; j++)
            frac[3 * b + j] = rb_frac[3 * b + j] + (double)k[b][j];
    vs_lattice *sh = NULL;
    double t0 = seconds();
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, frac, L, c, 0, NULL, &sh), VS_OK);
    assert_true(seconds() - t0 < 5.0);
    assert_same_couplings_shifted(ref, sh, L, k);
    /* the positions keep the coordinates as given */
    size_t N = vs_lattice_nsites(sh);
    double *r = malloc(N * 3 * sizeof *r);
    assert_int_equal(vs_lattice_positions(sh, r), VS_OK);
    for (int x = 0; x < 3; x++)
        assert_true(r[3 + x] == frac[3] * lt_tri_cell[x] + frac[4] * lt_tri_cell[3 + x] +
                                    frac[5] * lt_tri_cell[6 + x]);
    free(r);
    vs_lattice_free(sh);
    vs_lattice_free(ref);

    /* beyond 2^52 a coordinate has no fractional part: rejected, fast */
    const double huge[4] = {1e19, -1e19, 4503599627370496.0, DBL_MAX};
    for (int i = 0; i < 4; i++) {
        memcpy(frac, rb_frac, sizeof frac);
        frac[4] = huge[i];
        vs_lattice *lat = (vs_lattice *)(uintptr_t)1;
        t0 = seconds();
        assert_int_equal(vs_lattice_create(lt_tri_cell, 3, frac, L, c, 0, NULL, &lat), VS_EINVAL);
        assert_true(seconds() - t0 < 1.0);
        assert_null(lat);
    }
    vs_coupling_free(c);
}

/* The table is dimensionless: scaling the cell by s changes nothing (beyond the accuracy). Cells
 * whose volume is not a normal double (an axis of 1e-154 or 1e-160 underflowed the old check) are
 * rejected, fast. */
static void test_cell_scale_free_and_extreme_cells_rejected(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 2, 2};
    vs_lattice *ref = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_BCC, 1.0, L, c, 0, NULL, &ref), VS_OK);
    const double scales[4] = {1e-100, 1e-30, 1e30, 1e100};
    size_t N = vs_lattice_nsites(ref);
    for (int i = 0; i < 4; i++) {
        vs_lattice *lat = NULL;
        assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_BCC, scales[i], L, c, 0, NULL, &lat), VS_OK);
        double Ta[9], Tb[9];
        for (size_t m = 0; m < N; m++)
            for (size_t n = 0; n < N; n++) {
                assert_int_equal(vs_lattice_coupling(lat, m, n, Ta), VS_OK);
                assert_int_equal(vs_lattice_coupling(ref, m, n, Tb), VS_OK);
                for (int j = 0; j < 9; j++)
                    assert_close(Ta[j], Tb[j], 0.0, 1e-11);
            }
        double alpha, rcut, gcut;
        assert_int_equal(vs_lattice_ewald_parameters(lat, &alpha, &rcut, &gcut), VS_OK);
        assert_true(isfinite(alpha) && alpha > 0 && isfinite(rcut) && isfinite(gcut));
        vs_lattice_free(lat);
    }
    vs_lattice_free(ref);

    const double tiny_cubes[3] = {1e-154, 1e-160, 1e-300};
    for (int i = 0; i < 3; i++) {
        vs_lattice *lat = (vs_lattice *)(uintptr_t)1;
        assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, tiny_cubes[i], L, c, 0, NULL, &lat),
                         VS_EINVAL);
        assert_null(lat);
    }
    /* one tiny axis: the unit axes are orthogonal (not degenerate) but the Ewald sums would need
     * ~1e160 cells along it; one huge cell: its volume overflows */
    const double cells[4][9] = {{1e-160, 0, 0, 0, 1, 0, 0, 0, 1},
                                {1e-154, 0, 0, 0, 1, 0, 0, 0, 1},
                                {1e200, 0, 0, 0, 1e200, 0, 0, 0, 1},
                                {1, 0, 0, 0, DBL_MAX, 0, 0, 0, 1}};
    const double frac[3] = {0, 0, 0};
    for (int i = 0; i < 4; i++) {
        vs_lattice *lat = (vs_lattice *)(uintptr_t)1;
        double t0 = seconds();
        assert_int_equal(vs_lattice_create(cells[i], 1, frac, L, c, 0, NULL, &lat), VS_EINVAL);
        assert_true(seconds() - t0 < 1.0);
        assert_null(lat);
    }
    /* the normalised-volume test is scale-free: a sheared but valid cell at 1e-50 works */
    double sheared[9] = {1e-50, 0, 0, 0.3e-50, 1e-50, 0, 0.1e-50, 0.2e-50, 1e-50};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(sheared, 1, frac, L, c, 0, NULL, &lat), VS_OK);
    vs_lattice_free(lat);
    double flat[9] = {1e-50, 0, 0, 0, 1e-50, 0, 1e-50, 1e-50, 1e-62};
    assert_int_equal(vs_lattice_create(flat, 1, frac, L, c, 0, NULL, &lat), VS_EINVAL);
    vs_coupling_free(c);
}

/* Every α within the documented bounds either gives the table (to the accuracy) or is refused;
 * both fast (α = 30…100 on a 4³ lattice took 24 s to 17 min). */
static void test_every_alpha_in_bounds_is_fast(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {4, 4, 4};
    vs_lattice *ref = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &ref), VS_OK);
    const double alphas[] = {1e-6, 1e-3, 0.1, 0.5, 2.0, 5.0, 10.0, 30.0, 60.0, 100.0, 1e3, 1e6};
    int nok = 0;
    for (size_t i = 0; i < sizeof alphas / sizeof alphas[0]; i++) {
        vs_lattice_options *o = lt_options(1e-12, alphas[i], VS_LATTICE_PERIODIC);
        vs_lattice *lat = NULL;
        double t0 = seconds();
        int st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o, &lat);
        double dt = seconds() - t0;
        assert_true(dt < 10.0);
        assert_true(st == VS_OK || st == VS_EINVAL);
        if (st == VS_OK) {
            nok++;
            double Ta[9], Tb[9];
            for (size_t n = 0; n < vs_lattice_nsites(lat); n++) {
                assert_int_equal(vs_lattice_coupling(lat, 0, n, Ta), VS_OK);
                assert_int_equal(vs_lattice_coupling(ref, 0, n, Tb), VS_OK);
                for (int j = 0; j < 9; j++)
                    assert_close(Ta[j], Tb[j], 0.0, 1e-11);
            }
        } else {
            assert_null(lat);
            assert_non_null(strstr(vs_last_error(), "alpha"));
        }
        vs_lattice_free(lat);
        vs_lattice_options_free(o);
    }
    assert_true(nok >= 3); /* the lattice-scale α are accepted */
    vs_lattice_free(ref);
    vs_coupling_free(c);
}

/* ---------------------------------------------------------------- defect 4 */

/* The documented closed form (lattice.h), computed here independently of the library. */
/* docs/lattice.md "Memory": a workspace plane of n elements of e bytes is padded to the smallest
 * D ≥ n with D·e ≡ 64⌊64/m⌋ (mod 4096) bytes (m > 1; m ≤ 64 here). */
static size_t plane(size_t n, size_t e, size_t m)
{
    if (m == 1)
        return n;
    size_t D = n;
    while (D * e % 4096 != 64 * (64 / m) % 4096)
        D++;
    return D;
}

static size_t peak_closed_form(int nb, int nc, const int *L, int open)
{
    size_t g[3];
    for (int i = 0; i < 3; i++)
        g[i] = (size_t)(open ? 2 * L[i] : L[i]);
    size_t G = g[0] * g[1] * g[2], H = g[0] * g[1] * (g[2] / 2 + 1);
    size_t m = (size_t)nb * nc, p = (size_t)nc * (nc + 1) / 2, P = (size_t)nb * (nb + 1) / 2;
    size_t k = nb == 1 ? 8 * H * p : 16 * H * m * (m + 1) / 2;
    size_t a = 16 * P * H * p, b = 8 * plane(G, 8, m) * m + 16 * plane(H, 16, m) * m;
    return 8 * P * G * p + k + (a > b ? a : b);
}

static void test_memory_estimate_matches_closed_form(void **state)
{
    (void)state;
    vs_coupling *c3 = dip(), *c6 = elastic6();
    const int Ls[3][3] = {{4, 4, 4}, {2, 3, 5}, {3, 1, 2}};
    double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    for (int i = 0; i < 3; i++)
        for (int open = 0; open < 2; open++)
            for (int nb = 1; nb <= 3; nb++) {
                vs_lattice_options *o = lt_options(1e-12, 0.0, open ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC);
                size_t bytes = 0;
                assert_int_equal(vs_lattice_memory_estimate(cell, nb, lt_tri_frac, Ls[i], c3, 0, o, &bytes),
                                 VS_OK);
                assert_true(bytes == peak_closed_form(nb, 3, Ls[i], open));
                assert_int_equal(vs_lattice_memory_estimate(cell, nb, lt_tri_frac, Ls[i], c6, 0, o, &bytes),
                                 VS_OK);
                assert_true(bytes == peak_closed_form(nb, 6, Ls[i], open));
                assert_int_equal(vs_lattice_memory_estimate(cell, nb, lt_tri_frac, Ls[i], NULL, 2, o, &bytes),
                                 VS_OK);
                assert_true(bytes == peak_closed_form(nb, 2, Ls[i], open));
                vs_lattice_options_free(o);
            }
    /* the first case by hand: sc 4³, ncomp 3: 3072 + 2304 + max(4608, 8·168·3 + 16·84·3) (planes of
     * 64 reals and 48 complex padded to 1344 bytes each) */
    size_t bytes = 0;
    int L4[3] = {4, 4, 4};
    double f0[3] = {0, 0, 0};
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, L4, c3, 0, NULL, &bytes), VS_OK);
    assert_true(bytes == 13440);
    /* bad input: as vs_lattice_create, and bytes untouched */
    size_t keep = 777;
    int L0[3] = {0, 4, 4}, Lhuge[3] = {2000000000, 2000000000, 2000000000};
    double nanc[9] = {NAN, 0, 0, 0, 1, 0, 0, 0, 1};
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, L4, c3, 0, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(NULL, 1, f0, L4, c3, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, NULL, L4, c3, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, NULL, c3, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, 0, f0, L4, c3, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, -1, f0, L4, c3, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, L0, c3, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(nanc, 1, f0, L4, c3, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, L4, c3, 5, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, L4, NULL, 0, NULL, &keep), VS_EINVAL);
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, Lhuge, c3, 0, NULL, &keep), VS_EOVERFLOW);
    assert_true(keep == 777);
    vs_coupling_free(c3);
    vs_coupling_free(c6);
}

/* L = (2^20, 32, 1) with the six-component kernel needs ~22 GB: refused before allocating, fast,
 * with a message naming the option; the ceiling is the caller's to move. */
static void test_memory_ceiling_refuses_fast(void **state)
{
    (void)state;
    vs_coupling *c6 = elastic6();
    int L[3] = {1 << 20, 32, 1};
    double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, f0[3] = {0, 0, 0};
    size_t bytes = 0;
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, L, c6, 0, NULL, &bytes), VS_OK);
    assert_true(bytes == peak_closed_form(1, 6, L, 0));
    assert_true((double)bytes > 20e9);
    vs_lattice *lat = (vs_lattice *)(uintptr_t)1;
    double t0 = seconds();
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c6, 0, NULL, &lat), VS_ENOMEM);
    assert_true(seconds() - t0 < 1.0);
    assert_null(lat);
    assert_non_null(strstr(vs_last_error(), "VS_LATTICE_OPT_MAX_MEMORY"));
    /* the default ceiling is 8 GiB; exactly at the estimate is allowed, one byte less is not */
    vs_lattice_options *o = NULL;
    double v;
    assert_int_equal(vs_lattice_options_create(&o), VS_OK);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_MAX_MEMORY, &v), VS_OK);
    assert_true(v == 8589934592.0);
    int Ls[3] = {4, 4, 4};
    assert_int_equal(vs_lattice_memory_estimate(cell, 1, f0, Ls, c6, 0, o, &bytes), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_MAX_MEMORY, (double)bytes - 1.0), VS_OK);
    assert_int_equal(vs_lattice_create(cell, 1, f0, Ls, c6, 0, o, &lat), VS_ENOMEM);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_MAX_MEMORY, (double)bytes), VS_OK);
    assert_int_equal(vs_lattice_create(cell, 1, f0, Ls, c6, 0, o, &lat), VS_OK);
    vs_lattice_free(lat);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_MAX_MEMORY, 0.0), VS_OK); /* none */
    assert_int_equal(vs_lattice_create(cell, 1, f0, Ls, c6, 0, o, &lat), VS_OK);
    vs_lattice_free(lat);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_MAX_MEMORY, -1.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_MAX_MEMORY, NAN), VS_EINVAL);
    vs_lattice_options_free(o);
    vs_coupling_free(c6);
}

/* ---------------------------------------------------------------- defect 5 */

static const double rb_bad[7] = {NAN, INFINITY, -INFINITY, 5e-324, DBL_MAX, -DBL_MAX, 1e200};

/* Each evaluator with one extreme value at a time in s (entry j): VS_OK with finite outputs, or
 * VS_EINVAL (non-finite input) / VS_ENUMERIC (overflow); never VS_OK with a non-finite output. */
static void test_evaluators_never_return_nonfinite(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 2, 2};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_BCC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    double U[9] = {0.2, 0, 0, 0, 0.1, 0, 0, 0, -0.3}, D[9] = {0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1};
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    size_t N = vs_lattice_nsites(lat), n3 = N * 3;
    uint64_t rng = 5;
    double *s0 = lt_random_spins(&rng, N, 3), *s = malloc(n3 * sizeof *s), *h = malloc(n3 * sizeof *h);
    double *h0 = malloc(n3 * sizeof *h0);
    assert_int_equal(vs_lattice_fields(lat, s0, h0), VS_OK);
    for (int i = 0; i < 7; i++)
        for (int all = 0; all < 2; all++) {
            memcpy(s, s0, n3 * sizeof *s);
            for (size_t j = all ? 0 : 4; j < (all ? n3 : 5); j++)
                s[j] = rb_bad[i];
            double E = 0.0, M[3];
            int st;
#define RB_EXPECT(call, outok)                                                                     \
    st = (call);                                                                                   \
    assert_true(st == VS_OK || st == VS_EINVAL || st == VS_ENUMERIC);                              \
    if (st == VS_OK)                                                                               \
        assert_true(outok);                                                                        \
    if (!isfinite(rb_bad[i]))                                                                      \
        assert_int_equal(st, VS_EINVAL);
            RB_EXPECT(vs_lattice_fields(lat, s, h), all_finite(h, n3));
            RB_EXPECT(vs_lattice_fields_direct(lat, s, h), all_finite(h, n3));
            RB_EXPECT(vs_lattice_energy(lat, s, &E), isfinite(E));
            RB_EXPECT(vs_lattice_fields_energy(lat, s, h, &E), isfinite(E) && all_finite(h, n3));
            RB_EXPECT(vs_lattice_energy_direct(lat, s, &E), isfinite(E));
            RB_EXPECT(vs_lattice_energy_from_fields(lat, s, h0, &E), isfinite(E));
            RB_EXPECT(vs_lattice_total(lat, s, M), all_finite(M, 3));
            /* the fields as the extreme value */
            memcpy(h, h0, n3 * sizeof *h);
            h[4] = rb_bad[i];
            RB_EXPECT(vs_lattice_energy_from_fields(lat, s0, h, &E), isfinite(E));
        }
    /* DBL_MAX spins everywhere overflow every energy: VS_ENUMERIC, not VS_OK with inf */
    for (size_t j = 0; j < n3; j++)
        s[j] = 1e200;
    double E = 0.0;
    assert_int_equal(vs_lattice_energy_direct(lat, s, &E), VS_ENUMERIC);
    assert_int_equal(vs_lattice_fields_direct(lat, s, h), VS_OK); /* T s ~ 1e200: finite */
    assert_true(all_finite(h, n3));
    for (size_t j = 0; j < n3; j++)
        s[j] = DBL_MAX;
    int st = vs_lattice_fields_direct(lat, s, h); /* uniform: cubic symmetry may cancel it */
    assert_true(st == VS_ENUMERIC || (st == VS_OK && all_finite(h, n3)));
    double M[3];
    assert_int_equal(vs_lattice_total(lat, s, M), VS_ENUMERIC);
    free(s0);
    free(s);
    free(h);
    free(h0);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* Monte Carlo moves: NaN/inf in s[m], h[m], M, snew is VS_EINVAL, a move whose result overflows is
 * VS_ENUMERIC, and nothing is changed on error; denormal spins are ordinary finite input. */
static void test_moves_reject_nonfinite_and_change_nothing(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 2, 2};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    double U[9] = {0.2, 0, 0, 0, 0.1, 0, 0, 0, -0.3};
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    size_t N = vs_lattice_nsites(lat), n3 = N * 3;
    uint64_t rng = 6;
    double *s = lt_random_spins(&rng, N, 3), *h = malloc(n3 * sizeof *h);
    double *sc = malloc(n3 * sizeof *sc), *hc = malloc(n3 * sizeof *hc), M[3], Mc[3];
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_total(lat, s, M), VS_OK);
    memcpy(sc, s, n3 * sizeof *s);
    memcpy(hc, h, n3 * sizeof *h);
    memcpy(Mc, M, sizeof M);
    const size_t site = 3;
    for (int i = 0; i < 7; i++) {
        int finite = isfinite(rb_bad[i]);
        double snew[3] = {0.0, rb_bad[i], 0.0}, dE = 12345.0;
        /* in s[m], h[m] (and, for update, anywhere in h), or in M */
        for (int where = 0; where < 4; where++) {
            double *arr = where == 0 ? s : h;
            size_t idx = where == 0 ? site * 3 + 1 : where == 1 ? site * 3 + 2 : 0;
            double one[3] = {1, 0, 0}, Mb[3];
            memcpy(Mb, M, sizeof M);
            double keep = 0.0;
            if (where < 3) {
                keep = arr[idx];
                arr[idx] = rb_bad[i];
            } else {
                Mb[1] = rb_bad[i];
            }
            int st = vs_lattice_delta_energy(lat, s, h, where == 3 ? Mb : NULL, site, one, &dE);
            if (!finite && where != 2)
                assert_int_equal(st, VS_EINVAL);
            assert_true(st != VS_OK || isfinite(dE));
            st = vs_lattice_update(lat, s, h, where == 3 ? Mb : M, site, one);
            if (!finite) {
                assert_int_equal(st, VS_EINVAL);
            }
            if (st != VS_OK) {
                if (where < 3)
                    arr[idx] = keep;
                assert_memory_equal(s, sc, n3 * sizeof *s);
                assert_memory_equal(h, hc, n3 * sizeof *h);
                assert_memory_equal(M, Mc, sizeof M);
            } else {
                assert_true(all_finite(s, n3) && all_finite(h, n3) && all_finite(M, 3));
                /* restore the reference state for the next case */
                if (where < 3)
                    arr[idx] = keep;
                memcpy(s, sc, n3 * sizeof *s);
                memcpy(h, hc, n3 * sizeof *h);
                memcpy(M, Mc, sizeof M);
            }
        }
        /* the extreme value as the new spin */
        int st = vs_lattice_delta_energy(lat, s, h, M, site, snew, &dE);
        assert_true(finite ? (st == VS_OK || st == VS_ENUMERIC) : st == VS_EINVAL);
        assert_true(st != VS_OK || isfinite(dE));
        st = vs_lattice_update(lat, s, h, M, site, snew);
        assert_true(finite ? (st == VS_OK || st == VS_ENUMERIC) : st == VS_EINVAL);
        if (st == VS_OK) {
            assert_true(all_finite(s, n3) && all_finite(h, n3) && all_finite(M, 3));
            memcpy(s, sc, n3 * sizeof *s);
            memcpy(h, hc, n3 * sizeof *h);
            memcpy(M, Mc, sizeof M);
        } else {
            assert_memory_equal(s, sc, n3 * sizeof *s);
            assert_memory_equal(h, hc, n3 * sizeof *h);
            assert_memory_equal(M, Mc, sizeof M);
        }
    }
    /* DBL_MAX as a new spin certainly overflows the energy change */
    double big[3] = {DBL_MAX, DBL_MAX, 0}, dE;
    assert_int_equal(vs_lattice_delta_energy(lat, s, h, M, site, big, &dE), VS_ENUMERIC);
    /* a total at DBL_MAX plus a positive change of 1e300 overflows M: refused, nothing changed */
    double Mbig[3] = {DBL_MAX, 0, 0}, up[3] = {1e300, 0, 0};
    assert_int_equal(vs_lattice_update(lat, s, h, Mbig, site, up), VS_ENUMERIC);
    assert_memory_equal(s, sc, n3 * sizeof *s);
    assert_memory_equal(h, hc, n3 * sizeof *h);
    assert_true(Mbig[0] == DBL_MAX);
    /* NaN elsewhere in s is reported when U needs the total */
    s[0] = NAN;
    double one[3] = {1, 0, 0};
    assert_int_equal(vs_lattice_delta_energy(lat, s, h, NULL, site, one, &dE), VS_EINVAL);
    free(s);
    free(h);
    free(sc);
    free(hc);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* vs_lattice_update screens only what it writes (issue 12: no O(N) scan of s per move): all of h
 * (finite, and no updated field can overflow), s_m, snew and M. Shown on an sc 3³ dipolar lattice:
 * a NaN spin elsewhere is neither read nor checked (the result equals the move on the clean
 * configuration, bit for bit); a non-finite snew or field anywhere is VS_EINVAL; fields at DBL_MAX
 * with a move that could push them over, or a δ that overflows, are VS_ENUMERIC — nothing changed
 * on error; finite extremes that cannot overflow (one field at DBL_MAX and a unit move; all fields
 * at 1e308, whose sum overflows the fast screen) are accepted with finite fields. */
static void test_update_screens_what_it_writes(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {3, 3, 3};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    size_t N = vs_lattice_nsites(lat), n3 = N * 3, m = 13, far = N - 1;
    uint64_t rng = 12;
    double *s = lt_random_spins(&rng, N, 3), *h = malloc(n3 * sizeof *h);
    double *s1 = malloc(n3 * sizeof *s1), *h1 = malloc(n3 * sizeof *h1), M[3], M1[3];
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_total(lat, s, M), VS_OK);
    double snew[3] = {0.0, 0.6, 0.8};
#define RESET() (memcpy(s1, s, n3 * sizeof *s), memcpy(h1, h, n3 * sizeof *h), memcpy(M1, M, sizeof M))
#define UNCHANGED()                                                                                          \
    do {                                                                                                     \
        assert_memory_equal(s1, s, n3 * sizeof *s);                                                          \
        assert_memory_equal(h1, h, n3 * sizeof *h);                                                          \
        assert_memory_equal(M1, M, sizeof M);                                                                \
    } while (0)
    /* the move on the clean configuration: the reference */
    double *sr = malloc(n3 * sizeof *sr), *hr = malloc(n3 * sizeof *hr), Mr[3];
    memcpy(sr, s, n3 * sizeof *s);
    memcpy(hr, h, n3 * sizeof *h);
    memcpy(Mr, M, sizeof M);
    assert_int_equal(vs_lattice_update(lat, sr, hr, Mr, m, snew), VS_OK);
    /* a NaN spin elsewhere: not read, the result is the clean one bit for bit */
    RESET();
    s1[far * 3 + 1] = NAN;
    assert_int_equal(vs_lattice_update(lat, s1, h1, M1, m, snew), VS_OK);
    assert_true(all_finite(h1, n3) && all_finite(s1 + m * 3, 3) && all_finite(M1, 3));
    assert_memory_equal(h1, hr, n3 * sizeof *h);
    assert_memory_equal(s1 + m * 3, snew, sizeof snew);
    assert_memory_equal(M1, Mr, sizeof M);
    /* a non-finite new spin, or a non-finite field far from m: refused, nothing changed */
    RESET();
    double bad[3] = {0.0, INFINITY, 0.0};
    assert_int_equal(vs_lattice_update(lat, s1, h1, M1, m, bad), VS_EINVAL);
    UNCHANGED();
    for (int k = 0; k < 2; k++) {
        RESET();
        h1[far * 3 + 2] = k ? -INFINITY : NAN;
        assert_int_equal(vs_lattice_update(lat, s1, h1, M1, m, snew), VS_EINVAL);
        h1[far * 3 + 2] = h[far * 3 + 2];
        UNCHANGED();
    }
    /* at every position of h (the vectorised part of the screen and its scalar tail: 81 values) */
    for (size_t j = 0; j < n3; j++) {
        if (j / 3 == m)
            continue; /* h_m itself is checked by name before the screen */
        RESET();
        h1[j] = j % 2 ? INFINITY : NAN;
        assert_int_equal(vs_lattice_update(lat, s1, h1, M1, m, snew), VS_EINVAL);
        h1[j] = h[j];
        UNCHANGED();
    }
    /* a field at ±DBL_MAX far from m and a move of size 1e300: it could overflow, refused */
    for (int k = 0; k < 2; k++) {
        RESET();
        double keep = h[far * 3];
        h[far * 3] = h1[far * 3] = k ? -DBL_MAX : DBL_MAX;
        double big[3] = {1e300, 0.0, 0.0};
        assert_int_equal(vs_lattice_update(lat, s1, h1, M1, m, big), VS_ENUMERIC);
        UNCHANGED();
        /* with a unit move it cannot overflow (|T δ| ≪ ulp(DBL_MAX)): accepted, fields finite */
        assert_int_equal(vs_lattice_update(lat, s1, h1, M1, m, snew), VS_OK);
        assert_true(all_finite(h1, n3) && all_finite(M1, 3));
        assert_true(fabs(h1[far * 3]) == DBL_MAX);
        h[far * 3] = keep;
    }
    /* a δ that overflows (snew − s_m = DBL_MAX − (−DBL_MAX)): refused */
    RESET();
    double sm0 = s[m * 3];
    s[m * 3] = s1[m * 3] = -DBL_MAX;
    double top[3] = {DBL_MAX, 0.0, 0.0};
    assert_int_equal(vs_lattice_update(lat, s1, h1, M1, m, top), VS_ENUMERIC);
    UNCHANGED();
    s[m * 3] = sm0;
    /* every field at 1e308: their sum overflows the fast screen, max|h| + c does not: accepted */
    RESET();
    for (size_t i = 0; i < n3; i++)
        h1[i] = 1e308;
    assert_int_equal(vs_lattice_update(lat, s1, h1, NULL, m, snew), VS_OK);
    assert_true(all_finite(h1, n3));
#undef RESET
#undef UNCHANGED
    free(s);
    free(h);
    free(s1);
    free(h1);
    free(sr);
    free(hr);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* Extreme E0, D and U: H(k), λ and T_c are finite or the call fails (bcc 2³ dipolar, E0 = 1e300,
 * D = 1e10 I: T_c = E0 λ_max / 3 ≈ 3e309 overflows). D = DBL_MAX no longer overflows when it is
 * symmetrised. */
static void test_extreme_scales_fail_instead_of_inf(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 2, 2};
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, 1e300), VS_OK);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_BCC, 1.0, L, c, 0, o, &lat), VS_OK);
    double D[9] = {1e10, 0, 0, 0, 1e10, 0, 0, 0, 1e10};
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    double lmax = 0.0, tc = 12345.0, k[3];
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, k, &tc), VS_ENUMERIC);
    assert_true(tc == 12345.0);
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, k, NULL), VS_OK);
    assert_true(isfinite(lmax) && lmax > 1e10);
    size_t N = vs_lattice_nsites(lat);
    uint64_t rng = 7;
    double *s = lt_random_spins(&rng, N, 3), E = 12345.0;
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_ENUMERIC);
    assert_int_equal(vs_lattice_energy_direct(lat, s, &E), VS_ENUMERIC);
    assert_true(E == 12345.0);
    /* a symmetric D at DBL_MAX: (D + Dᵀ)/2 = DBL_MAX, not inf */
    double Dm[9] = {DBL_MAX, 0, 0, 0, -DBL_MAX, 0, 0, 0, 1};
    assert_int_equal(vs_lattice_set_onsite(lat, Dm), VS_OK);
    double Hr[36], Hi[36];
    int q[3] = {1, 0, 1};
    int st = vs_lattice_fourier(lat, q, Hr, Hi);
    assert_true(st == VS_OK || st == VS_ENUMERIC);
    if (st == VS_OK)
        assert_true(all_finite(Hr, 36) && all_finite(Hi, 36));
    double lmin = 0.0;
    st = vs_lattice_luttinger_tisza_min(lat, &lmin, k);
    assert_true(st == VS_ENUMERIC || (st == VS_OK && isfinite(lmin)));
    st = vs_lattice_energy(lat, s, &E);
    assert_true(st == VS_ENUMERIC || (st == VS_OK && isfinite(E)));
    free(s);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* Creation with each extreme value in each double argument (cell, frac, cubic side) and extreme
 * sizes: VS_OK (and then finite queries) or an error code, fast; never a hang or abort. */
static void test_create_with_extreme_values_is_fast_and_safe(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 2, 2};
    for (int i = 0; i < 7; i++) {
        for (int pos = 0; pos < 18; pos++) {
            double cell[9], frac[9];
            memcpy(cell, lt_tri_cell, sizeof cell);
            memcpy(frac, lt_tri_frac, sizeof frac);
            if (pos < 9)
                cell[pos] = rb_bad[i];
            else
                frac[pos - 9] = rb_bad[i];
            vs_lattice *lat = NULL;
            double t0 = seconds();
            int st = vs_lattice_create(cell, 3, frac, L, c, 0, NULL, &lat);
            assert_true(seconds() - t0 < 5.0);
            assert_true(st == VS_OK || st == VS_EINVAL || st == VS_ENUMERIC);
            if (st == VS_OK) {
                size_t N = vs_lattice_nsites(lat);
                double *r = malloc(N * 3 * sizeof *r), T[9], a, rc, gc, v0;
                assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
                assert_true(all_finite(r, N * 3));
                assert_int_equal(vs_lattice_coupling(lat, 0, N - 1, T), VS_OK);
                assert_true(all_finite(T, 9));
                assert_int_equal(vs_lattice_ewald_parameters(lat, &a, &rc, &gc), VS_OK);
                assert_true(isfinite(a) && isfinite(rc) && isfinite(gc));
                assert_int_equal(vs_lattice_site_volume(lat, &v0), VS_OK);
                assert_true(isnormal(v0));
                free(r);
            } else {
                assert_null(lat);
            }
            vs_lattice_free(lat);
        }
        vs_lattice *lat = NULL;
        int st = vs_lattice_create_cubic(VS_LATTICE_FCC, rb_bad[i], L, c, 0, NULL, &lat);
        assert_true(st == VS_EINVAL || st == VS_OK);
        if (rb_bad[i] == 1e200 || rb_bad[i] == 5e-324 || !(rb_bad[i] > 0))
            assert_int_equal(st, VS_EINVAL);
        vs_lattice_free(lat);
    }
    const int Ls[5][3] = {{0, 1, 1}, {-1, 1, 1}, {INT32_MAX, INT32_MAX, INT32_MAX},
                          {INT32_MAX, 1, 1}, {1, 1, INT32_MIN}};
    for (int i = 0; i < 5; i++) {
        vs_lattice *lat = NULL;
        double t0 = seconds();
        int st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls[i], c, 0, NULL, &lat);
        assert_true(st == VS_EINVAL || st == VS_EOVERFLOW || st == VS_ENOMEM);
        assert_true(seconds() - t0 < 1.0);
        assert_null(lat);
    }
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basis_far_outside_cell_is_reduced_exactly_and_fast),
        cmocka_unit_test(test_cell_scale_free_and_extreme_cells_rejected),
        cmocka_unit_test(test_every_alpha_in_bounds_is_fast),
        cmocka_unit_test(test_memory_estimate_matches_closed_form),
        cmocka_unit_test(test_memory_ceiling_refuses_fast),
        cmocka_unit_test(test_evaluators_never_return_nonfinite),
        cmocka_unit_test(test_moves_reject_nonfinite_and_change_nothing),
        cmocka_unit_test(test_update_screens_what_it_writes),
        cmocka_unit_test(test_extreme_scales_fail_instead_of_inf),
        cmocka_unit_test(test_create_with_extreme_values_is_fast_and_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
