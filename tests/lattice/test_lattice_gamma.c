/* The special functions of the Ewald split (docs/lattice.md, "Ewald sum"; lib/lattice/kernel.c),
 * hidden in the library and reached through the internal static library: the closed forms of
 * Q(a, y) against GSL's gsl_sf_gamma_inc_Q_e, the cut-off inversion, and γ_l against
 * γ₂ = 3/(4π), γ₄ = 15/(8π). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "testutil.h"
#include "lattice/lattice_internal.h"

static void test_gamma_q_matches_gsl(void **state)
{
    (void)state;
    /* the test program owns GSL's handler: report errors instead of aborting */
    gsl_set_error_handler_off();
    for (int twice_a = 1; twice_a <= 67; twice_a++) {
        for (double y = 1e-6; y < 400.0; y *= 1.37) {
            gsl_sf_result r;
            if (gsl_sf_gamma_inc_Q_e(0.5 * twice_a, y, &r) != GSL_SUCCESS)
                continue; /* GSL underflow region: covered by the limit test below */
            double q = vs__gamma_q(twice_a, y);
            assert_close(q, r.val, 1e-13, 1e-300);
        }
    }
    /* the classic-bug guard: Q(2, y) = (1 + y) e^{-y}, not e^{-y} */
    assert_close(vs__gamma_q(4, 3.0), 4.0 * exp(-3.0), 1e-15, 0.0);
    assert_close(vs__gamma_q(2, 3.0), exp(-3.0), 1e-15, 0.0);
    assert_close(vs__gamma_q(1, 2.0), erfc(sqrt(2.0)), 1e-15, 0.0);
}

static void test_gamma_q_limits_without_gsl_error_path(void **state)
{
    (void)state;
    assert_true(vs__gamma_q(7, 1e6) == 0.0); /* underflows quietly */
    assert_true(vs__gamma_q(8, 1e300) == 0.0);
    assert_true(vs__gamma_q(5, 0.0) == 1.0);
    assert_true(vs__gamma_q(0, 2.0) == 0.0); /* 1/Γ(0) = 0: the l = 0 contact term drops out */
}

static void test_gamma_q_inverse_brackets_the_accuracy(void **state)
{
    (void)state;
    double eps[3] = {1e-4, 1e-12, 1e-15};
    for (int twice_a = 1; twice_a <= 35; twice_a += 3)
        for (int i = 0; i < 3; i++) {
            double y = vs__gamma_q_inverse(twice_a, eps[i]);
            assert_true(vs__gamma_q(twice_a, y) <= eps[i]);
            assert_true(vs__gamma_q(twice_a, y * (1 - 1e-9)) > eps[i] * (1 - 1e-6));
        }
}

static void test_gamma_l_closed_forms(void **state)
{
    (void)state;
    assert_close(vs__gamma_l(2), 3.0 / (4.0 * M_PI), 1e-15, 0.0);
    assert_close(vs__gamma_l(4), 15.0 / (8.0 * M_PI), 1e-15, 0.0);
    /* Γ((l+3)/2)/Γ(l/2) recursion: γ_{l+2}/γ_l = ((l+3)/2)/(l/2) */
    for (int l = 2; l <= 60; l += 2)
        assert_close(vs__gamma_l(l + 2) / vs__gamma_l(l), (l + 3.0) / l, 1e-12, 0.0);
    assert_true(vs__gamma_l(0) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gamma_q_matches_gsl),
        cmocka_unit_test(test_gamma_q_limits_without_gsl_error_path),
        cmocka_unit_test(test_gamma_q_inverse_brackets_the_accuracy),
        cmocka_unit_test(test_gamma_l_closed_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
