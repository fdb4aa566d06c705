/* RFOT relations (paper Eqs. 1–2 and the text after Eq. 1; docs/theory.md): closed forms, the quoted
 * numbers (2/(π·0.01) ≈ 63.7 ≈ "60", 34.7) and an independent finite-difference fragility. */
#include <stdio.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"
#include "tu_extreme.h"

static void test_tau_is_vibrational_time_times_exp_32_over_sc(void **state)
{
    (void)state;
    double tau;
    assert_int_equal(vs_rfot_tau(1e-12, 32.0, &tau), VS_OK);
    assert_close(tau, 1e-12 * M_E, 1e-15, 0.0);
    assert_int_equal(vs_rfot_tau(2.0, 1.0, &tau), VS_OK);
    assert_close(log(tau / 2.0), 32.0, 1e-15, 0.0);
    /* a tiny τ_vibr with an exponent beyond exp's range is still representable */
    assert_int_equal(vs_rfot_tau(1e-300, 32.0 / 700.0, &tau), VS_OK);
    assert_close(log(tau), log(1e-300) + 700.0, 1e-14, 0.0);
    tau = 42.0;
    assert_int_equal(vs_rfot_tau(1.0, 0.01, &tau), VS_ENUMERIC); /* e^3200 */
    assert_true(tau == 42.0);
}

static void test_viscosity_prefactor_with_lindemann_ratio_is_200_over_pi(void **state)
{
    (void)state;
    double eta, eta2;
    assert_int_equal(vs_rfot_viscosity(1.0, 1.0, 0.1, 1.0, &eta), VS_OK);
    assert_close(eta, 2.0 / (M_PI * 0.01), 1e-15, 0.0);
    assert_close(eta, 63.66, 1e-4, 0.0); /* the paper's "≈ 60" */
    /* η ∝ T⟨τ⟩/(a d_L²) */
    assert_int_equal(vs_rfot_viscosity(3.0, 2.0, 0.5, 7.0, &eta), VS_OK);
    assert_close(eta, 2.0 * 3.0 * 7.0 / (M_PI * 2.0 * 0.25), 1e-15, 0.0);
    assert_int_equal(vs_rfot_viscosity_lindemann(3.0, 2.0, 7.0, &eta), VS_OK);
    assert_int_equal(vs_rfot_viscosity(3.0, 2.0, 0.2, 7.0, &eta2), VS_OK);
    assert_close(eta, eta2, 1e-15, 0.0);
    assert_close(eta, (200.0 / M_PI) * 3.0 / 8.0 * 7.0, 1e-14, 0.0);
}

static void test_fragility_is_34_7_times_heat_capacity_jump(void **state)
{
    (void)state;
    double m;
    assert_int_equal(vs_rfot_fragility(1.0, &m), VS_OK);
    assert_close(m, 34.7, 1e-15, 0.0);
    assert_int_equal(vs_rfot_fragility(0.0, &m), VS_OK);
    assert_true(m == 0.0);
}

/* m = d log₁₀τ / d(T_g/T) at T_g, by finite differences of Eq. 1 with s_c(T) = s_g + Δc_p ln(T/T_g)
 * (so that T ∂s_c/∂T = Δc_p); equals 34.7 Δc_p at s_g = √(32/(34.7 ln 10)). */
static void test_fragility_from_entropy_matches_finite_difference_of_eq1(void **state)
{
    (void)state;
    const double sgs[] = {0.633, 0.8, 1.2};
    for (int k = 0; k < 3; k++) {
        double sg = sgs[k], dcp = 0.4, Tg = 1.0, h = 1e-5, m, tp, tm;
        double Tp = Tg / (1.0 + h), Tm = Tg / (1.0 - h); /* T_g/T = 1 ± h */
        assert_int_equal(vs_rfot_tau(1.0, sg + dcp * log(Tp / Tg), &tp), VS_OK);
        assert_int_equal(vs_rfot_tau(1.0, sg + dcp * log(Tm / Tg), &tm), VS_OK);
        assert_int_equal(vs_rfot_fragility_from_entropy(sg, dcp, &m), VS_OK);
        assert_close(m, (log10(tp) - log10(tm)) / (2.0 * h), 1e-8, 0.0);
    }
    double m, sg = sqrt(32.0 / (34.7 * log(10.0))), m2;
    assert_int_equal(vs_rfot_fragility_from_entropy(sg, 0.7, &m), VS_OK);
    assert_int_equal(vs_rfot_fragility(0.7, &m2), VS_OK);
    assert_close(m, m2, 1e-14, 0.0);
}

static void test_rfot_bad_input_is_rejected_and_outputs_untouched(void **state)
{
    (void)state;
    const double bad[] = {0.0, -1.0, NAN, INFINITY, -INFINITY};
    double out = 42.0;
    for (int i = 0; i < 5; i++) {
        double b = bad[i];
        assert_int_equal(vs_rfot_tau(b, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_rfot_tau(1.0, b, &out), VS_EINVAL);
        assert_int_equal(vs_rfot_viscosity(b, 1.0, 0.1, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_rfot_viscosity(1.0, b, 0.1, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_rfot_viscosity(1.0, 1.0, b, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_rfot_viscosity_lindemann(b, 1.0, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_rfot_viscosity_lindemann(1.0, b, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_rfot_fragility_from_entropy(b, 1.0, &out), VS_EINVAL);
        if (i > 0) { /* 0 is a valid ⟨τ⟩ and Δc_p */
            assert_int_equal(vs_rfot_viscosity(1.0, 1.0, 0.1, b, &out), VS_EINVAL);
            assert_int_equal(vs_rfot_viscosity_lindemann(1.0, 1.0, b, &out), VS_EINVAL);
            assert_int_equal(vs_rfot_fragility(b, &out), VS_EINVAL);
            assert_int_equal(vs_rfot_fragility_from_entropy(1.0, b, &out), VS_EINVAL);
        }
        assert_true(out == 42.0);
    }
    assert_int_equal(vs_rfot_tau(1.0, 1.0, NULL), VS_EINVAL);
    assert_int_equal(vs_rfot_viscosity(1.0, 1.0, 0.1, 1.0, NULL), VS_EINVAL);
    assert_int_equal(vs_rfot_viscosity_lindemann(1.0, 1.0, 1.0, NULL), VS_EINVAL);
    assert_int_equal(vs_rfot_fragility(1.0, NULL), VS_EINVAL);
    assert_int_equal(vs_rfot_fragility_from_entropy(1.0, 1.0, NULL), VS_EINVAL);
    assert_true(strlen(vs_last_error()) > 0);
    assert_int_equal(vs_rfot_viscosity(1e300, 1e-300, 1e-300, 1e300, &out), VS_ENUMERIC);
    assert_true(out == 42.0);
}

/* Valid arguments whose intermediate products leave the double range (a·d_L² underflows, s_c² is
 * subnormal) give the correctly scaled finite value; a result beyond DBL_MAX is VS_ENUMERIC, never
 * VS_OK with inf (issue 9: vs_rfot_fragility(DBL_MAX) returned +inf with VS_OK). References regroup
 * the closed forms so that every intermediate stays normal. */
static void test_rfot_scales_huge_and_tiny_arguments(void **state)
{
    (void)state;
    double out = 42.0;
    assert_int_equal(vs_rfot_fragility(DBL_MAX, &out), VS_ENUMERIC);
    assert_true(out == 42.0);
    assert_int_equal(vs_rfot_fragility(DBL_MAX / 64.0, &out), VS_OK);
    assert_close(out, 34.7 * (DBL_MAX / 64.0), 2.3e-16, 0.0);
    /* η = (2/π) T⟨τ⟩/(a d_L²) with a d_L² = 1e-400 */
    assert_int_equal(vs_rfot_viscosity(1e-300, 1e-200, 1e-100, 1.0, &out), VS_OK);
    assert_close(out, 2.0 / M_PI * (1e-300 / 1e-200 / 1e-100 / 1e-100), 1e-15, 0.0);
    /* ⟨τ⟩ = 0 gives η = 0 even when a d_L² underflows to 0 */
    assert_int_equal(vs_rfot_viscosity(1.0, 0x1p-1074, 0x1p-1074, 0.0, &out), VS_OK);
    assert_true(out == 0.0);
    /* Lindemann: a³ = 1e-330 */
    assert_int_equal(vs_rfot_viscosity_lindemann(1e-300, 1e-110, 1.0, &out), VS_OK);
    assert_close(out, 200.0 / M_PI * (1e-300 / 1e-110 / 1e-110 / 1e-110), 1e-15, 0.0);
    out = 42.0;
    assert_int_equal(vs_rfot_viscosity_lindemann(1.0, 0x1p-1074, 1.0, &out), VS_ENUMERIC);
    assert_true(out == 42.0);
    /* m = 32 Δc_p/(ln 10 s_c²) with s_c² = 1e-320 (subnormal) */
    assert_int_equal(vs_rfot_fragility_from_entropy(1e-160, 1e-20, &out), VS_OK);
    assert_close(out, 32.0 / M_LN10 * (1e-20 / 1e-160 / 1e-160), 1e-15, 0.0);
    /* results that underflow come out as the nearest representable value, not as an error */
    assert_int_equal(vs_rfot_viscosity(0x1p-1074, 1e300, 1e300, 0x1p-1074, &out), VS_OK);
    assert_true(out == 0.0);
}

/* Every argument of every RFOT function swept over NaN, ±inf, ±5e-324, ±DBL_MAX, ±0, DBL_MIN (the
 * others valid): VS_OK only with a finite output, otherwise VS_EINVAL/VS_ENUMERIC, output untouched and
 * a message. */
static void check_rfot_call(int st, double out, const char *what, int arg, double x)
{
    if (st == VS_OK) {
        if (!isfinite(out))
            fail_msg("%s(arg %d = %g): VS_OK with output %g", what, arg, x, out);
        return;
    }
    if (st != VS_EINVAL && st != VS_ENUMERIC)
        fail_msg("%s(arg %d = %g): unexpected status %d", what, arg, x, st);
    if (out != 42.0)
        fail_msg("%s(arg %d = %g): failed call changed its output", what, arg, x);
    assert_true(strlen(vs_last_error()) > 0);
}

static void test_rfot_extreme_arguments_never_give_non_finite_ok(void **state)
{
    (void)state;
    for (int e = 0; e < TU_NEXTREME; e++) {
        for (int arg = 0; arg < 4; arg++) {
            double v[4] = {1.0, 0.5, 0.1, 2.0}, out = 42.0;
            int st;
            v[arg] = tu_extreme[e];
            if (arg < 2) {
                st = vs_rfot_tau(v[0], v[1], &out);
                check_rfot_call(st, out, "vs_rfot_tau", arg, v[arg]);
                out = 42.0;
                st = vs_rfot_fragility_from_entropy(v[0], v[1], &out);
                check_rfot_call(st, out, "vs_rfot_fragility_from_entropy", arg, v[arg]);
            }
            if (arg < 1) {
                out = 42.0;
                st = vs_rfot_fragility(v[0], &out);
                check_rfot_call(st, out, "vs_rfot_fragility", arg, v[arg]);
            }
            if (arg < 3) {
                out = 42.0;
                st = vs_rfot_viscosity_lindemann(v[0], v[1], v[2], &out);
                check_rfot_call(st, out, "vs_rfot_viscosity_lindemann", arg, v[arg]);
            }
            out = 42.0;
            st = vs_rfot_viscosity(v[0], v[1], v[2], v[3], &out);
            check_rfot_call(st, out, "vs_rfot_viscosity", arg, v[arg]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tau_is_vibrational_time_times_exp_32_over_sc),
        cmocka_unit_test(test_viscosity_prefactor_with_lindemann_ratio_is_200_over_pi),
        cmocka_unit_test(test_fragility_is_34_7_times_heat_capacity_jump),
        cmocka_unit_test(test_fragility_from_entropy_matches_finite_difference_of_eq1),
        cmocka_unit_test(test_rfot_bad_input_is_rejected_and_outputs_untouched),
        cmocka_unit_test(test_rfot_scales_huge_and_tiny_arguments),
        cmocka_unit_test(test_rfot_extreme_arguments_never_give_non_finite_ok),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
