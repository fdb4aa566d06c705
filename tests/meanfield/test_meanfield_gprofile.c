/*
 * F₀(g), F(g) and the single oscillator (paper Eqs. 14–17, 26–27, Fig. 5; docs/meanfield.md), checked against
 * the small-φ expansion Eq. 15, the instability of Eq. 17, finite differences, the large-g logarithm,
 * the closed-form jump of d²F₀/dg² at x = n, and a direct minimisation of Eq. 14 done here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

static vs_gprofile *mk_profile(int n, double c)
{
    double J[12];
    for (int a = 0; a < n; a++)
        J[a] = 1.0 - 0.01 * a;
    vs_meanfield *mf = NULL;
    vs_gprofile *p = NULL;
    assert_int_equal(vs_meanfield_create(n, J, NULL, &mf), VS_OK);
    assert_int_equal(vs_gprofile_create(mf, c, &p), VS_OK);
    vs_meanfield_free(mf); /* the profile does not retain the handle */
    return p;
}

static double F0(const vs_gprofile *p, double g, int which)
{
    double v[3];
    assert_int_equal(vs_gprofile_f0(p, g, &v[0], &v[1], &v[2]), VS_OK);
    return v[which];
}

static double Fv(const vs_gprofile *p, double g, int which)
{
    double v[3];
    assert_int_equal(vs_gprofile_eval(p, g, &v[0], &v[1], &v[2]), VS_OK);
    return v[which];
}

/* Eq. 15: f → ½φ²(1 − g²βa³/6) + ½g², next term +(k_BT/a³) y⁴/1152 (ln[8I₂(y)/y²] = y²/12 − y⁴/1152 + …). */
static void test_small_phi_expansion_matches_eq15(void **state)
{
    (void)state;
    const double Ts[] = {1.0, 2.0}, a3s[] = {1.0, 0.5};
    for (int k = 0; k < 2; k++) {
        double T = Ts[k], a3 = a3s[k], g = 1.7, y = 0.05, phi = y * T / (a3 * g), f;
        assert_int_equal(vs_oscillator_free_energy(6, T, a3, phi, g, &f), VS_OK);
        double eq15 = 0.5 * phi * phi * (1.0 - g * g * a3 / (6.0 * T)) + 0.5 * g * g;
        assert_close(f - eq15, (T / a3) * pow(y, 4) / 1152.0, 1e-2, 0.0);
    }
}

/* Eq. 17: φ = 0 is stable for g² < 6k_BT/a³ and unstable above (Fig. 2). */
static void test_phi_zero_loses_stability_at_gcr(void **state)
{
    (void)state;
    double T = 1.3, a3 = 0.7, gcr, phi, f0, fd;
    assert_int_equal(vs_oscillator_gcr(6, T, a3, &gcr), VS_OK);
    assert_close(gcr * gcr, 6.0 * T / a3, 1e-15, 0.0);
    for (int s = -1; s <= 1; s += 2) {
        double g = gcr * (1.0 + s * 1e-3), d = 1e-3;
        assert_int_equal(vs_oscillator_minimize(6, T, a3, g, &phi, NULL), VS_OK);
        assert_int_equal(vs_oscillator_free_energy(6, T, a3, 0.0, g, &f0), VS_OK);
        assert_int_equal(vs_oscillator_free_energy(6, T, a3, d, g, &fd), VS_OK);
        if (s < 0) {
            assert_true(phi == 0.0);
            assert_true(fd > f0); /* curvature ½(1 − g²/g_cr²) > 0 */
        } else {
            assert_true(phi > 0.0);
            assert_true(fd < f0);
        }
    }
}

/* Golden-section minimisation of Eq. 14 over φ, done here on the public f(φ, g). */
static double golden_min(double T, double a3, double g, double hi, double *arg)
{
    double a = 0.0, b = hi, r = 0.5 * (sqrt(5.0) - 1.0);
    for (int it = 0; it < 200; it++) {
        double c = b - r * (b - a), d = a + r * (b - a), fc, fd;
        assert_int_equal(vs_oscillator_free_energy(6, T, a3, c, g, &fc), VS_OK);
        assert_int_equal(vs_oscillator_free_energy(6, T, a3, d, g, &fd), VS_OK);
        if (fc < fd)
            b = d;
        else
            a = c;
    }
    double f;
    *arg = 0.5 * (a + b);
    assert_int_equal(vs_oscillator_free_energy(6, T, a3, *arg, g, &f), VS_OK);
    return f;
}

/* The closure of Eq. 26 is the minimum of Eq. 14 over φ: F₀(g) (reduced units) = min_φ f(φ, g). */
static void test_f0_equals_minimised_single_oscillator(void **state)
{
    (void)state;
    vs_gprofile *p = mk_profile(6, 0.0);
    const double gs[] = {1.0, 2.5, 3.0, 5.0, 12.0};
    for (int i = 0; i < 5; i++) {
        double g = gs[i], arg, phi, fmin;
        double direct = golden_min(1.0, 1.0, g, 2.0 * g, &arg);
        assert_int_equal(vs_oscillator_minimize(6, 1.0, 1.0, g, &phi, &fmin), VS_OK);
        assert_close(fmin, direct, 1e-12, 1e-12);
        assert_close(phi, arg, 0.0, 1e-5 * g);
        assert_close(F0(p, g, 0), direct, 1e-12, 1e-12);
        /* physical units: f(T, a³) = (k_BT/a³)·F₀(g √(a³/k_BT)) */
        double T = 2.0, a3 = 0.25, fu;
        assert_int_equal(vs_oscillator_minimize(6, T, a3, g * sqrt(T / a3), NULL, &fu), VS_OK);
        assert_close(fu, (T / a3) * F0(p, g, 0), 1e-12, 1e-12);
    }
    vs_gprofile_free(p);
}

static void test_f0_derivatives_match_finite_differences(void **state)
{
    (void)state;
    vs_gprofile *p = mk_profile(6, 0.0);
    const double gs[] = {0.5, 2.0, 2.6, 3.5, 10.0, 100.0, 600.0};
    for (int i = 0; i < 7; i++) {
        double g = gs[i], h = 1e-5 * g;
        assert_close(F0(p, g, 1), (F0(p, g + h, 0) - F0(p, g - h, 0)) / (2 * h), 1e-6, 1e-9);
        assert_close(F0(p, g, 2), (F0(p, g + h, 1) - F0(p, g - h, 1)) / (2 * h), 1e-5, 1e-9);
    }
    vs_gprofile_free(p);
}

/* Fig. 5 inset / Eq. 27: d²F₀/dg² jumps at g²a³/k_BT = n, from 1 to −(n+4)/n (−5/3 for n = 6):
 * r*² ≈ n(n+2)(x − n)/x just above gives 4xL²L'/(1 − xL') → 2(n+2)/n. Both sides by differences of F₀'. */
static void test_second_derivative_of_f0_jumps_at_x_equals_n(void **state)
{
    (void)state;
    const int ns[] = {3, 6};
    for (int k = 0; k < 2; k++) {
        int n = ns[k];
        vs_gprofile *p = mk_profile(n, 0.0);
        double gcr = sqrt((double)n), h = 1e-7;
        double left = (F0(p, gcr - h, 1) - F0(p, gcr - 2 * h, 1)) / h;
        double right = (F0(p, gcr + 2 * h, 1) - F0(p, gcr + h, 1)) / h;
        assert_close(left, 1.0, 1e-6, 0.0);
        assert_close(right, -(n + 4.0) / n, 1e-4, 0.0);
        assert_close(F0(p, gcr * (1 + 1e-10), 2), -(n + 4.0) / n, 1e-6, 0.0);
        assert_close(F0(p, gcr * (1 - 1e-10), 2), 1.0, 0.0, 0.0);
        /* F₀ and F₀' are continuous there */
        assert_close(F0(p, gcr * (1 + 1e-12), 0), F0(p, gcr * (1 - 1e-12), 0), 1e-10, 0.0);
        vs_gprofile_free(p);
    }
}

/* Large g: the quadratic terms cancel (Eq. 26) and F₀ ≈ (n−1) ln g + const = (5/2) ln g² for n = 6.
 * Exact values from mpmath (tests/meanfield/gen_threshold_reference.py, "F0 at large g"): F₀, F₀', F₀''
 * to 5e-14 relative (F₀ = (x/2)(1 − L)² − (ln Z₁ − r) at x = 1e6 loses ~1e-14 in GSL's scaled I₂). */
static void test_large_g_f0_grows_as_five_ln_g(void **state)
{
    (void)state;
    vs_gprofile *p = mk_profile(6, 0.0);
    static const double ref[2][4] = {
        {100.0, 21.86522289958446, 0.050002500875350145, -0.0005000750437745132},
        {1000.0, 33.378272136433331, 0.0050000025000087505, -5.0000075000437502e-06},
    };
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 3; k++)
            assert_close(F0(p, ref[i][0], k), ref[i][k + 1], 5e-14, 0.0);
    /* the (5/2) ln g² law itself, up to its O(1/g²) correction (1.24e-4 at g = 100 in the mpmath values) */
    assert_close(F0(p, 1000.0, 0) - F0(p, 100.0, 0), 5.0 * log(10.0), 0.0, 1.3e-4);
    /* the constant, from I₂(y) ≈ e^y/√(2πy) at y = r* ≈ g²: F₀ − 5 ln g → ½ ln 2π − 3 ln 2 */
    assert_close(F0(p, 1000.0, 0) - 5.0 * log(1000.0), 0.5 * log(2.0 * M_PI) - 3.0 * log(2.0), 0.0, 1e-5);
    assert_close(1000.0 * F0(p, 1000.0, 1), 5.0, 1e-4, 0.0);
    assert_close(1000.0 * 1000.0 * F0(p, 1000.0, 2), -5.0, 1e-3, 0.0);
    vs_gprofile_free(p);
}

/* Without callback c_max = sup(−F₀'')/2 = (n+4)/(2n): 5/6 for n = 6, 7/6 for n = 3. */
static void test_largest_penalty_with_nonconvex_region_is_closed_form(void **state)
{
    (void)state;
    const int ns[] = {3, 6};
    for (int k = 0; k < 2; k++) {
        int n = ns[k], found;
        double want = (n + 4.0) / (2.0 * n), cm, lo, hi;
        vs_gprofile *p = mk_profile(n, 0.3);
        assert_int_equal(vs_gprofile_max_penalty(p, &cm), VS_OK);
        assert_close(cm, want, 1e-12, 0.0);
        vs_gprofile_free(p);
        p = mk_profile(n, want - 0.01);
        assert_int_equal(vs_gprofile_nonconvex(p, &found, &lo, &hi), VS_OK);
        assert_int_equal(found, 1);
        assert_close(lo, sqrt((double)n), 1e-15, 0.0);
        vs_gprofile_free(p);
        p = mk_profile(n, want + 0.01);
        assert_int_equal(vs_gprofile_nonconvex(p, &found, &lo, &hi), VS_OK);
        assert_int_equal(found, 0);
        vs_gprofile_free(p);
    }
}

/* Fig. 5, c = 0.05: the tangent touches F at two points with equal slope and lies on both. */
static void test_common_tangent_touches_both_branches(void **state)
{
    (void)state;
    vs_gprofile *p = mk_profile(6, 0.05);
    int found;
    double lo, hi, g1, g2, s;
    assert_int_equal(vs_gprofile_nonconvex(p, &found, &lo, &hi), VS_OK);
    assert_int_equal(found, 1);
    assert_close(lo, sqrt(6.0), 1e-15, 0.0);
    assert_true(isfinite(hi) && hi > lo);
    assert_close(Fv(p, hi, 2), 0.0, 0.0, 1e-10);
    assert_true(Fv(p, 0.5 * (lo + hi), 2) < 0.0);
    assert_int_equal(vs_gprofile_tangent(p, &g1, &g2, &s), VS_OK);
    assert_true(0.0 < g1 && g1 < lo && hi < g2);
    assert_close(Fv(p, g1, 1), s, 1e-10, 0.0);
    assert_close(Fv(p, g2, 1), s, 1e-10, 0.0);
    assert_close(Fv(p, g2, 0) - Fv(p, g1, 0), s * (g2 - g1), 1e-10, 0.0);
    /* the tangent is below F everywhere on a grid (it is a supporting line of the convex hull) */
    for (int i = 0; i <= 400; i++) {
        double g = 0.05 * g2 * i;
        assert_true(Fv(p, g, 0) >= Fv(p, g1, 0) + s * (g - g1) - 1e-9);
    }
    vs_gprofile_free(p);
}

/* Barrier: a dense scan of F − tangent between the tangent points agrees; the paper chose c = 0.05 so
 * that this barrier is "about k_BT". The tangent points, slope, top and barrier are checked against an
 * independent mpmath solution of the tangent equations F'(g1) = F'(g2), F(g2) − F(g1) = F'(g1)(g2 − g1)
 * (tests/meanfield/gen_threshold_reference.py, "Fig. 5"): every 1-D solve stops at 1e-14 relative, the
 * nested solve keeps 1e-12. */
static void test_barrier_is_maximum_of_f_above_tangent(void **state)
{
    (void)state;
    vs_gprofile *p = mk_profile(6, 0.05);
    double g1, g2, s, top, b, best = -HUGE_VAL;
    assert_int_equal(vs_gprofile_tangent(p, &g1, &g2, &s), VS_OK);
    assert_int_equal(vs_gprofile_barrier(p, &top, &b), VS_OK);
    assert_close(g1, 1.4904179712256556, 1e-12, 0.0);
    assert_close(g2, 12.323701813529224, 1e-12, 0.0);
    assert_close(s, 1.639459768348221, 1e-12, 0.0);
    assert_close(top, 4.2629042739147334, 1e-12, 0.0);
    assert_close(b, 1.1541614784327003, 1e-12, 0.0);
    double F1 = Fv(p, g1, 0);
    for (int i = 0; i <= 2000; i++) {
        double g = g1 + (g2 - g1) * i / 2000.0;
        best = fmax(best, Fv(p, g, 0) - F1 - s * (g - g1));
    }
    assert_true(best <= b + 1e-12);
    assert_close(best, b, 1e-4, 0.0);
    assert_close(Fv(p, top, 1), s, 0.0, 1e-12);
    vs_gprofile_free(p);
}

static int quad_penalty(double g, double *F, double *dF, double *d2F, void *user)
{
    double c = *(const double *)user;
    *F = c * g * g;
    *dF = 2.0 * c * g;
    *d2F = 2.0 * c;
    return 0;
}

static int failing_penalty(double g, double *F, double *dF, double *d2F, void *user)
{
    (void)user;
    *F = *dF = *d2F = 0.0;
    return g > 2.0 ? 7 : 0;
}

static int nan_penalty(double g, double *F, double *dF, double *d2F, void *user)
{
    (void)g;
    (void)user;
    *F = NAN;
    *dF = *d2F = 0.0;
    return 0;
}

/* A callback equal to the built-in quadratic gives the same tangent; c_max shifts by its coefficient. */
static void test_callback_penalty_agrees_with_builtin_quadratic(void **state)
{
    (void)state;
    double c = 0.05, a1, a2, as, b1, b2, bs, cm;
    vs_gprofile *p = mk_profile(6, c), *q = mk_profile(6, 0.0);
    assert_int_equal(vs_gprofile_set_penalty(q, quad_penalty, &c), VS_OK);
    assert_int_equal(vs_gprofile_tangent(p, &a1, &a2, &as), VS_OK);
    assert_int_equal(vs_gprofile_tangent(q, &b1, &b2, &bs), VS_OK);
    assert_close(a1, b1, 1e-10, 0.0);
    assert_close(a2, b2, 1e-10, 0.0);
    assert_close(as, bs, 1e-12, 0.0);
    assert_int_equal(vs_gprofile_max_penalty(q, &cm), VS_OK);
    assert_close(cm, 5.0 / 6.0 - c, 1e-12, 0.0);
    /* removing the callback restores F₀ */
    assert_int_equal(vs_gprofile_set_penalty(q, NULL, NULL), VS_OK);
    assert_close(Fv(q, 4.0, 0), F0(q, 4.0, 0), 0.0, 0.0);
    vs_gprofile_free(p);
    vs_gprofile_free(q);
}

static void test_callback_failure_is_reported(void **state)
{
    (void)state;
    vs_gprofile *p = mk_profile(6, 0.05);
    double F = 42.0, cm = 42.0, g1 = 42.0;
    int found = 42;
    assert_int_equal(vs_gprofile_set_penalty(p, failing_penalty, NULL), VS_OK);
    assert_int_equal(vs_gprofile_eval(p, 1.0, &F, NULL, NULL), VS_OK);
    F = 42.0;
    assert_int_equal(vs_gprofile_eval(p, 3.0, &F, NULL, NULL), VS_ECALLBACK);
    assert_true(F == 42.0);
    assert_int_equal(vs_gprofile_nonconvex(p, &found, NULL, NULL), VS_ECALLBACK);
    assert_int_equal(found, 42);
    assert_int_equal(vs_gprofile_tangent(p, &g1, NULL, NULL), VS_ECALLBACK);
    assert_int_equal(vs_gprofile_max_penalty(p, &cm), VS_ECALLBACK);
    assert_true(g1 == 42.0 && cm == 42.0);
    assert_int_equal(vs_gprofile_set_penalty(p, nan_penalty, NULL), VS_OK);
    assert_int_equal(vs_gprofile_eval(p, 1.0, &F, NULL, NULL), VS_ECALLBACK);
    assert_true(F == 42.0);
    /* F₀ alone never calls the penalty */
    assert_int_equal(vs_gprofile_f0(p, 3.0, &F, NULL, NULL), VS_OK);
    vs_gprofile_free(p);
}

/* c = 0: F₀'' < 0 for all g > g_cr (the log tail), so no convex right branch and no tangent;
 * c above c_max: F is convex. Both report VS_ENONPHYS for the tangent. */
static void test_no_tangent_without_two_convex_branches(void **state)
{
    (void)state;
    int found;
    double lo, hi, g1 = 42.0, top = 42.0;
    vs_gprofile *p = mk_profile(6, 0.0);
    assert_int_equal(vs_gprofile_nonconvex(p, &found, &lo, &hi), VS_OK);
    assert_int_equal(found, 1);
    assert_true(isinf(hi));
    assert_int_equal(vs_gprofile_tangent(p, &g1, NULL, NULL), VS_ENONPHYS);
    assert_int_equal(vs_gprofile_barrier(p, &top, NULL), VS_ENONPHYS);
    assert_true(g1 == 42.0 && top == 42.0);
    vs_gprofile_free(p);
    p = mk_profile(6, 1.0);
    assert_int_equal(vs_gprofile_tangent(p, &g1, NULL, NULL), VS_ENONPHYS);
    vs_gprofile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_phi_expansion_matches_eq15),
        cmocka_unit_test(test_phi_zero_loses_stability_at_gcr),
        cmocka_unit_test(test_f0_equals_minimised_single_oscillator),
        cmocka_unit_test(test_f0_derivatives_match_finite_differences),
        cmocka_unit_test(test_second_derivative_of_f0_jumps_at_x_equals_n),
        cmocka_unit_test(test_large_g_f0_grows_as_five_ln_g),
        cmocka_unit_test(test_largest_penalty_with_nonconvex_region_is_closed_form),
        cmocka_unit_test(test_common_tangent_touches_both_branches),
        cmocka_unit_test(test_barrier_is_maximum_of_f_above_tangent),
        cmocka_unit_test(test_callback_penalty_agrees_with_builtin_quadratic),
        cmocka_unit_test(test_callback_failure_is_reported),
        cmocka_unit_test(test_no_tangent_without_two_convex_branches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
