/*
 * Conditioning at the ordering threshold (issue 9, defect 6; docs/meanfield.md "Conditioning at the
 * ordering threshold"): the heat capacity C = K²L²L'/(1 − KL') and d²F₀/dg² = 1 − L² − 4xL²L'/(1 − xL')
 * have a denominator that is O(r*²) as K = J_max/T → n⁺. Formed from the input K and the root r* it
 * lost up to ~1e-6 relative, was not monotonic, and C exceeded its mean-field maximum (n+2)/2 just
 * below T_c. References: mpmath at 60 digits, tests/meanfield/gen_threshold_reference.py (run it to
 * regenerate the tables below; it uses only the definitions, not the library).
 */
#include <float.h>
#include <stdio.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

/* {1 − T/T_c, T, C, m} at J_max = n (T_c = 1). */
static const double ref_c3[][4] = {
    {0.01, 0.99, 2.4714904912304956, 0.1287305938098128},
    {0.0001, 0.9999, 2.499714291837424, 0.012909575631801009},
    {1e-06, 0.999999, 2.499997142857755, 0.0012909940798988106},
    {1e-09, 0.999999999, 2.499999997142857, 4.0824828457419556e-05},
    {1e-12, 0.999999999999, 2.4999999999971427, 1.2909801691475275e-06},
    {0.5, 0.5, 1.3528513336637609, 0.78888656662919665},
    {0.9, 0.09999999999999998, 1.0370861555295747, 0.96547466812563143},
};
static const double ref_c6[][4] = {
    {0.01, 0.99, 3.9681450992581881, 0.11523958050819529},
    {0.0001, 0.9999, 3.9996800144010973, 0.011546774448303494},
    {1e-06, 0.999999, 3.9999968000014401, 0.0011547003074557922},
    {1e-09, 0.999999999, 3.9999999968000002, 3.6514836643353043e-05},
    {1e-12, 0.999999999999, 3.9999999999967999, 1.1546877663273181e-06},
    {0.5, 0.5, 2.8678759267896581, 0.74723202122110455},
    {0.9, 0.09999999999999998, 2.545667373139286, 0.95704169709541564},
};
/* {x/n − 1, g = √(n(1 + δ)) as a double, d²F₀/dg²}. */
static const double ref_d3[][3] = {
    {0.01, 1.7406895185529212, -2.2794739660764605},
    {0.0001, 1.7321374079443006, -2.332785805769729},
    {1e-06, 1.7320516735940645, -2.3333278571520069},
    {1e-09, 1.7320508084349027, -2.3333333278571429},
    {1e-12, 1.7320508075697434, -2.3333333333278565},
    {0.5, 2.1213203435596424, -0.92324482030259358},
    {2.0, 3.0, -0.28190939870128445},
    {15.0, 6.928203230275509, -0.04306630120042685},
};
static const double ref_d6[][3] = {
    {0.01, 2.4617067250182343, -1.6325941187506841},
    {0.0001, 2.4496122142086083, -1.6663200602580122},
    {1e-06, 2.449490967527743, -1.6666632000060269},
    {1e-09, 2.449489744007923, -1.6666666631999998},
    {1e-12, 2.449489742784403, -1.6666666666631993},
    {0.5, 3.0, -0.78402969793594024},
    {2.0, 4.242640687119285, -0.31171336586425258},
    {15.0, 9.797958971132712, -0.052949640489211025},
};

static vs_meanfield *mk(int n)
{
    double J[8];
    for (int a = 0; a < n; a++)
        J[a] = (double)n; /* T_c = J_max/n = 1 */
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create(n, J, NULL, &mf), VS_OK);
    return mf;
}

/* Relative 2e-14 for C: the exact value at the double T; m to 1e-13 relative (the root is now
 * computed from 1/K − 1/n = (n − K)/(nK), which has no cancellation). */
static void check_heat_capacity(int n, const double (*ref)[4], int count)
{
    vs_meanfield *mf = mk(n);
    for (int i = 0; i < count; i++) {
        double C, mc, ms, h[8], m[8];
        assert_int_equal(vs_meanfield_thermo(mf, ref[i][1], NULL, NULL, NULL, &C), VS_OK);
        assert_int_equal(vs_meanfield_solve(mf, ref[i][1], h, m, NULL), VS_OK);
        double mm = 0.0;
        for (int a = 0; a < n; a++)
            mm += m[a] * m[a];
        (void)mc;
        (void)ms;
        print_message("# n = %d, 1 - T/Tc = %g: C = %.17g (ref %.17g), |m| = %.17g (ref %.17g)\n", n, ref[i][0], C,
                      ref[i][2], sqrt(mm), ref[i][3]);
        assert_close(C, ref[i][2], 2e-14, 0.0);
        assert_close(sqrt(mm), ref[i][3], 1e-13, 0.0);
        assert_true(C <= 0.5 * (n + 2)); /* the mean-field maximum, reached only at T_c⁻ */
    }
    vs_meanfield_free(mf);
}

static void test_heat_capacity_near_tc_matches_extended_precision(void **state)
{
    (void)state;
    check_heat_capacity(3, ref_c3, 7);
    check_heat_capacity(6, ref_c6, 7);
}

/* The defect's own numbers: at T = (1 − 1e-9) T_c, C was 4.0000010 > 4. Below T_c, C(T) rises
 * monotonically to (n+2)/2; on a geometric grid of 1 − T/T_c from 1e-2 down to 1e-13 every value is
 * ≤ (n+2)/2 and the sequence is non-decreasing towards T_c. */
static void test_heat_capacity_never_exceeds_mean_field_maximum(void **state)
{
    (void)state;
    const int ns[] = {2, 3, 6, 64};
    for (int k = 0; k < 4; k++) {
        int n = ns[k];
        double J[64];
        for (int a = 0; a < n; a++)
            J[a] = 1.0;
        vs_meanfield *mf = NULL;
        assert_int_equal(vs_meanfield_create(n, J, NULL, &mf), VS_OK);
        double Tc, prev = 0.0;
        assert_int_equal(vs_meanfield_curie_temperature(mf, &Tc), VS_OK);
        for (int i = 0; i <= 110; i++) {
            double d = pow(10.0, -2.0 - 11.0 * i / 110.0), C;
            assert_int_equal(vs_meanfield_thermo(mf, Tc * (1.0 - d), NULL, NULL, NULL, &C), VS_OK);
            if (!(C <= 0.5 * (n + 2)))
                fail_msg("n = %d, 1 - T/Tc = %g: C = %.17g exceeds (n+2)/2", n, d, C);
            if (!(C >= prev))
                fail_msg("n = %d, 1 - T/Tc = %g: C = %.17g < %.17g further from T_c", n, d, C, prev);
            prev = C;
        }
        assert_close(prev, 0.5 * (n + 2), 1e-11, 0.0);
        vs_meanfield_free(mf);
    }
}

static vs_gprofile *mk_profile(int n)
{
    vs_meanfield *mf = mk(n);
    vs_gprofile *p = NULL;
    assert_int_equal(vs_gprofile_create(mf, 0.0, &p), VS_OK);
    vs_meanfield_free(mf);
    return p;
}

static void check_d2f0(int n, const double (*ref)[3], int count)
{
    vs_gprofile *p = mk_profile(n);
    for (int i = 0; i < count; i++) {
        double d2;
        assert_int_equal(vs_gprofile_f0(p, ref[i][1], NULL, NULL, &d2), VS_OK);
        print_message("# n = %d, x/n - 1 = %g: d2F0 = %.17g (ref %.17g)\n", n, ref[i][0], d2, ref[i][2]);
        assert_close(d2, ref[i][2], 2e-14, 0.0);
    }
    vs_gprofile_free(p);
}

static void test_d2f0_above_gcr_matches_extended_precision(void **state)
{
    (void)state;
    check_d2f0(3, ref_d3, 8);
    check_d2f0(6, ref_d6, 8);
}

/* Above g_cr, d²F₀/dg² increases monotonically from −(n+4)/n towards 0⁻ (docs/meanfield.md); the defect
 * showed steps of −5e-6 within 1e-6 of g_cr. Checked on x/n − 1 = 1e-13 … 1e-1 (geometric, 200 points),
 * where the increments (≥ ~1e-14) are above the round-off of a well-conditioned evaluation. */
static void test_d2f0_is_monotonic_just_above_gcr(void **state)
{
    (void)state;
    const int ns[] = {3, 6};
    for (int k = 0; k < 2; k++) {
        int n = ns[k];
        vs_gprofile *p = mk_profile(n);
        double prev = -(n + 4.0) / n, gprev = sqrt((double)n);
        for (int i = 0; i <= 200; i++) {
            double d = pow(10.0, -13.0 + 12.0 * i / 200.0), g = sqrt(n * (1.0 + d)), d2;
            if (g == gprev)
                continue;
            assert_int_equal(vs_gprofile_f0(p, g, NULL, NULL, &d2), VS_OK);
            if (!(d2 > prev - 4.0 * DBL_EPSILON))
                fail_msg("n = %d, x/n - 1 = %g: d2F0 = %.17g below the previous %.17g", n, d, d2, prev);
            prev = fmax(prev, d2);
            gprev = g;
        }
        vs_gprofile_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heat_capacity_near_tc_matches_extended_precision),
        cmocka_unit_test(test_heat_capacity_never_exceeds_mean_field_maximum),
        cmocka_unit_test(test_d2f0_above_gcr_matches_extended_precision),
        cmocka_unit_test(test_d2f0_is_monotonic_just_above_gcr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
