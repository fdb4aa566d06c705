/* RFOT relations (paper Eqs. 1–2 and the text after Eq. 1; SPEC §4.6): closed forms, the quoted
 * numbers (2/(π·0.01) ≈ 63.7 ≈ "60", 34.7) and an independent finite-difference fragility. */
#include <stdio.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tau_is_vibrational_time_times_exp_32_over_sc),
        cmocka_unit_test(test_viscosity_prefactor_with_lindemann_ratio_is_200_over_pi),
        cmocka_unit_test(test_fragility_is_34_7_times_heat_capacity_jump),
        cmocka_unit_test(test_fragility_from_entropy_matches_finite_difference_of_eq1),
        cmocka_unit_test(test_rfot_bad_input_is_rejected_and_outputs_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
