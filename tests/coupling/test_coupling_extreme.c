/* Extreme arguments for every public coupling function (issue 9, defect 5): NaN, ±inf, ±5e-324,
 * ±DBL_MAX, ±0, DBL_MIN in each scalar argument, zero/negative/huge sizes. No call may return VS_OK
 * with a non-finite output; a failing call leaves its outputs untouched. Valid huge or tiny moduli give
 * the closed-form value (Eq. 22 and App. B depend only on K/μ). */
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"
#include "tu_extreme.h"

static void check_result(int st, const double *out, int n, const char *what, double a, double b)
{
    if (st == VS_OK) {
        if (!tu_all_finite(out, n))
            fail_msg("%s(%g, %g): VS_OK with a non-finite output", what, a, b);
        return;
    }
    if (st != VS_EINVAL && st != VS_ENONPHYS && st != VS_ENUMERIC && st != VS_ENOCONV)
        fail_msg("%s(%g, %g): unexpected status %d (%s)", what, a, b, st, vs_strerror(st));
    tu_assert_untouched(out, n);
    assert_true(strlen(vs_last_error()) > 0);
}

/* J_compr, J_shear and their ratio depend on K/μ only: (K, μ) = (x, x) for any x gives the K = μ
 * values J = (3/7, 6/7·(3/5)) = (3/7, 18/35) and ratio 5/6; (x, x·2^-k) and the subnormal range give
 * the closed forms in r = K/μ. Before 1.0.1, (DBL_MAX, DBL_MAX) gave J_shear = NaN with VS_OK. */
static void test_eq22_closed_forms_hold_near_dbl_max_and_subnormal(void **state)
{
    (void)state;
    const double xs[] = {DBL_MAX, 1e308, 0.75 * DBL_MAX, 1.0, DBL_MIN, 0x1p-1074, 1e-310};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i], J[2], r;
        assert_int_equal(vs_coupling_jcompr_jshear(x, x, J), VS_OK);
        assert_close(J[0], 3.0 / 7.0, 2.3e-16, 0.0);
        assert_close(J[1], 18.0 / 35.0, 2.3e-16, 0.0);
        assert_int_equal(vs_coupling_ratio_from_moduli(x, x, &r), VS_OK);
        assert_close(r, 5.0 / 6.0, 2.3e-16, 0.0);
    }
    /* K/μ = 4 (σ = 0.35 has K/μ = 13/3; 4 keeps the scaled pair exact): J_compr = 3·4/(3·4 + 4) = 3/4,
     * J_shear = (6/5)(4 + 2)/16 = 9/20, ratio = 2.5·4/6 = 5/3 */
    const double tops[] = {DBL_MAX, 1e300, 4.0 * DBL_MIN, 4.0 * 0x1p-1074};
    for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        double K = tops[i], mu = K / 4.0, J[2], r;
        assert_int_equal(vs_coupling_jcompr_jshear(K, mu, J), VS_OK);
        assert_close(J[0], 0.75, 2.3e-16, 0.0);
        assert_close(J[1], 0.45, 2.3e-16, 0.0);
        assert_close(J[0] + 5.0 * J[1], 3.0, 4.5e-16, 0.0);
        assert_int_equal(vs_coupling_ratio_from_moduli(K, mu, &r), VS_OK);
        assert_close(r, 5.0 / 3.0, 2.3e-16, 0.0);
    }
    /* extreme ratios: K/μ → ∞ gives (1, 2/5·... → 0.4·1) limits J = (1, 0.4), ratio 2.5; K/μ → 0 gives
     * J = (0, 0.6), ratio 0 */
    double J[2], r;
    assert_int_equal(vs_coupling_jcompr_jshear(DBL_MAX, 0x1p-1074, J), VS_OK);
    assert_close(J[0], 1.0, 2.3e-16, 0.0);
    assert_close(J[1], 0.4, 2.3e-16, 0.0);
    assert_int_equal(vs_coupling_ratio_from_moduli(DBL_MAX, 0x1p-1074, &r), VS_OK);
    assert_close(r, 2.5, 2.3e-16, 0.0);
    assert_int_equal(vs_coupling_jcompr_jshear(0x1p-1074, DBL_MAX, J), VS_OK);
    assert_close(J[0], 0.0, 0.0, 1e-300);
    assert_close(J[1], 0.6, 2.3e-16, 0.0);
}

static void test_eq22_functions_swept_over_extreme_arguments(void **state)
{
    (void)state;
    for (int e = 0; e < TU_NEXTREME; e++) {
        double x = tu_extreme[e];
        for (int arg = 0; arg < 2; arg++) {
            double a = arg == 0 ? x : 1.0, b = arg == 1 ? x : 1.0, J[2], r[1];
            tu_fill(J, 2);
            check_result(vs_coupling_jcompr_jshear(a, b, J), J, 2, "vs_coupling_jcompr_jshear", a, b);
            tu_fill(r, 1);
            check_result(vs_coupling_ratio_from_moduli(a, b, r), r, 1, "vs_coupling_ratio_from_moduli", a, b);
        }
        double r[1];
        tu_fill(r, 1);
        check_result(vs_coupling_ratio_from_poisson(x, r), r, 1, "vs_coupling_ratio_from_poisson", x, 0);
        tu_fill(r, 1);
        check_result(vs_coupling_ratio_from_sound(x, r), r, 1, "vs_coupling_ratio_from_sound", x, 0);
    }
    double r;
    assert_int_equal(vs_coupling_ratio_from_sound(DBL_MAX, &r), VS_OK);
    assert_close(r, 2.5, 2.3e-16, 0.0);
}

/* ---- handles: creation tolerance, quadrature tolerance ---- */

static void test_create_and_quadrature_swept_over_extreme_tolerances(void **state)
{
    (void)state;
    vs_elastic *iso = NULL, *hex = NULL;
    assert_int_equal(vs_elastic_create_lame(2.0, 1.0, &iso), VS_OK);
    assert_int_equal(vs_elastic_create_hexagonal(5.0, 1.0, 1.5, 4.0, 1.0, &hex), VS_OK);
    vs_elastic *els[2] = {iso, hex};
    for (int e = 0; e < TU_NEXTREME; e++) {
        double tol = tu_extreme[e];
        if (tol == 0x1p-1074 || tol == DBL_MIN)
            continue; /* valid but unreachable: the anisotropic search runs to its caps (tested below) */
        for (int k = 0; k < 2; k++) {
            vs_coupling *c = (vs_coupling *)(void *)&c;
            int st = vs_coupling_create(els[k], tol, &c);
            if (st != VS_OK) {
                assert_null(c);
                continue;
            }
            double Jbar[36], err, A[33 * 36], Jk[36], herr;
            int lmax;
            const double n[3] = {1.0, 2.0, 3.0};
            assert_int_equal(vs_coupling_average(c, Jbar, &err), VS_OK);
            assert_true(tu_all_finite(Jbar, 36) && isfinite(err));
            assert_int_equal(vs_coupling_lmax(c, &lmax), VS_OK);
            assert_int_equal(vs_coupling_harmonics(c, n, A), VS_OK);
            assert_true(tu_all_finite(A, (lmax / 2 + 1) * 36));
            assert_int_equal(vs_coupling_jtilde(c, n, Jk), VS_OK);
            assert_true(tu_all_finite(Jk, 36));
            assert_int_equal(vs_coupling_harmonics_error(c, &herr), VS_OK);
            assert_true(isfinite(herr));
            vs_coupling_free(c);
        }
    }
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create(iso, 1e-12, &c), VS_OK);
    for (int e = 0; e < TU_NEXTREME; e++) {
        double tol = tu_extreme[e], Jbar[36], err = TU_SENTINEL;
        tu_fill(Jbar, 36);
        int st = vs_coupling_average_quadrature(c, tol, Jbar, &err);
        check_result(st, Jbar, 36, "vs_coupling_average_quadrature", tol, 0);
        if (st == VS_OK)
            assert_true(isfinite(err) && err <= tol);
    }
    vs_coupling_free(c);
    vs_elastic_free(iso);
    vs_elastic_free(hex);
}

/* ---- vs_sphere_average ---- */

static int huge_fn(const double *k, double *out, void *ctx)
{
    (void)ctx;
    out[0] = DBL_MAX;                       /* finite values whose sum overflows */
    out[1] = k[2] > 0.0 ? DBL_MAX : -DBL_MAX; /* average 0, partial sums reach DBL_MAX */
    return 0;
}

static int tiny_fn(const double *k, double *out, void *ctx)
{
    (void)k;
    (void)ctx;
    out[0] = 0x1p-1074;
    return 0;
}

static int count_calls;
static int const_fn(const double *k, double *out, void *ctx)
{
    (void)k;
    (void)ctx;
    count_calls++;
    out[0] = 1.0;
    return 0;
}

/* Before 1.0.1 a NaN difference of two overflowed averages passed the convergence test (fmax ignores
 * NaN) and VS_OK came back with avg = inf. */
static void test_sphere_average_never_returns_non_finite(void **state)
{
    (void)state;
    double avg[2], err = TU_SENTINEL;
    tu_fill(avg, 2);
    assert_int_equal(vs_sphere_average(2, huge_fn, NULL, 1.0, avg, &err), VS_ENUMERIC);
    tu_assert_untouched(avg, 2);
    assert_true(err == TU_SENTINEL);
    assert_non_null(strstr(vs_last_error(), "vs_sphere_average"));
    /* subnormal values are averaged without error */
    assert_int_equal(vs_sphere_average(1, tiny_fn, NULL, 1e-300, avg, &err), VS_OK);
    assert_true(isfinite(avg[0]) && avg[0] >= 0.0 && avg[0] <= 0x1p-1073);
    /* sizes: zero, negative, INT_MIN, above the cap are rejected before any call */
    const int bad_n[] = {0, -1, -2147483647 - 1, 1000001, 2147483647};
    for (size_t i = 0; i < sizeof bad_n / sizeof bad_n[0]; i++) {
        count_calls = 0;
        tu_fill(avg, 1);
        assert_int_equal(vs_sphere_average(bad_n[i], const_fn, NULL, 1e-10, avg, &err), VS_EINVAL);
        assert_int_equal(count_calls, 0);
        tu_assert_untouched(avg, 1);
    }
    for (int e = 0; e < TU_NEXTREME; e++) {
        double tol = tu_extreme[e];
        tu_fill(avg, 1);
        int st = vs_sphere_average(1, const_fn, NULL, tol, avg, &err);
        check_result(st, avg, 1, "vs_sphere_average", tol, 0);
        if (st == VS_OK)
            assert_close(avg[0], 1.0, 1e-15, 0.0); /* a sum of 6·12 weighted nodes */
    }
}

/* Λ at the ends of the supported scale [1e-100, 1e100]: J̃ and ⟨J̃⟩ are invariant under Λ → sΛ and K̃
 * scales with s, so the handles of s·Λ must reproduce those of Λ (isotropic and cubic). */
static void test_coupling_is_scale_invariant_at_the_supported_extremes(void **state)
{
    (void)state;
    const double scales[] = {1e100 / 200.0, 1e-100, 0x1p-330};
    for (int kind = 0; kind < 2; kind++) {
        vs_elastic *el = NULL;
        vs_coupling *c = NULL;
        if (kind == 0)
            assert_int_equal(vs_elastic_create_lame(2.0, 1.0, &el), VS_OK);
        else
            assert_int_equal(vs_elastic_create_cubic(168.4, 121.4, 75.4, &el), VS_OK);
        assert_int_equal(vs_coupling_create(el, 1e-8, &c), VS_OK);
        const double k[3] = {0.3, -1.0, 2.0};
        double J0[36], K0[36], A0[36];
        assert_int_equal(vs_coupling_jtilde(c, k, J0), VS_OK);
        assert_int_equal(vs_coupling_ktilde_mandel(c, k, K0), VS_OK);
        assert_int_equal(vs_coupling_average(c, A0, NULL), VS_OK);
        for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
            double s = scales[i], C[36], J[36], K[36], A[36];
            vs_elastic *els = NULL;
            vs_coupling *cs = NULL;
            assert_int_equal(vs_elastic_voigt(el, C), VS_OK);
            for (int a = 0; a < 36; a++)
                C[a] *= s;
            assert_int_equal(vs_elastic_create_voigt(C, &els), VS_OK);
            assert_int_equal(vs_coupling_create(els, 1e-8, &cs), VS_OK);
            assert_int_equal(vs_coupling_jtilde(cs, k, J), VS_OK);
            assert_int_equal(vs_coupling_ktilde_mandel(cs, k, K), VS_OK);
            assert_int_equal(vs_coupling_average(cs, A, NULL), VS_OK);
            for (int a = 0; a < 36; a++) {
                assert_close(J[a], J0[a], 0.0, 1e-14);
                assert_close(A[a], A0[a], 0.0, 1e-8);
                assert_close(K[a] / s, K0[a], 1e-13, 1e-13 * 200.0);
            }
            vs_coupling_free(cs);
            vs_elastic_free(els);
        }
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eq22_closed_forms_hold_near_dbl_max_and_subnormal),
        cmocka_unit_test(test_eq22_functions_swept_over_extreme_arguments),
        cmocka_unit_test(test_create_and_quadrature_swept_over_extreme_tolerances),
        cmocka_unit_test(test_sphere_average_never_returns_non_finite),
        cmocka_unit_test(test_coupling_is_scale_invariant_at_the_supported_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
