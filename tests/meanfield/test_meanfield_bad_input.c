/* Bad input for every public mean-field function (README "Promises", docs/testing.md): NULL, NaN, ±inf, zero/negative values,
 * zero/huge sizes → the documented code, a message, no crash, no leak, outputs untouched. */
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_sf_bessel.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

static const double bad_T[] = {0.0, -1.0, NAN, INFINITY, -INFINITY, 1e-320};

static void test_constructors_reject_bad_couplings(void **state)
{
    (void)state;
    vs_meanfield *mf = (vs_meanfield *)&mf;
    const double bad[] = {0.0, -0.5, NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 5; i++) {
        mf = (vs_meanfield *)&mf;
        assert_int_equal(vs_meanfield_create_compr_shear(bad[i], 1.0, &mf), VS_EINVAL);
        assert_null(mf);
        assert_int_equal(vs_meanfield_create_compr_shear(1.0, bad[i], &mf), VS_EINVAL);
        double J[6] = {1, 1, 1, 1, 1, 1};
        J[3] = bad[i];
        assert_int_equal(vs_meanfield_create(6, J, NULL, &mf), VS_EINVAL);
        assert_null(mf);
    }
    double J[6] = {1, 1, 1, 1, 1, 1}, V[36] = {0};
    assert_int_equal(vs_meanfield_create(6, NULL, NULL, &mf), VS_EINVAL);
    assert_int_equal(vs_meanfield_create(6, J, NULL, NULL), VS_EINVAL);
    const int badn[] = {-3, 0, 1, 65, 1 << 30};
    for (int i = 0; i < 5; i++)
        assert_int_equal(vs_meanfield_create(badn[i], J, NULL, &mf), VS_EINVAL);
    for (int a = 0; a < 6; a++)
        V[a * 6 + a] = 1.0;
    V[1] = 0.1; /* not orthonormal */
    assert_int_equal(vs_meanfield_create(6, J, V, &mf), VS_EINVAL);
    V[1] = NAN;
    assert_int_equal(vs_meanfield_create(6, J, V, &mf), VS_EINVAL);
    assert_null(mf);
    assert_true(strlen(vs_last_error()) > 0);
    /* from a coupling */
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    const double badE[] = {0.0, -1.0, NAN, INFINITY};
    for (int i = 0; i < 4; i++) {
        mf = (vs_meanfield *)&mf;
        assert_int_equal(vs_meanfield_create_from_coupling(c, badE[i], &mf), VS_EINVAL);
        assert_null(mf);
    }
    assert_int_equal(vs_meanfield_create_from_coupling(NULL, 1.0, &mf), VS_EINVAL);
    assert_int_equal(vs_meanfield_create_from_coupling(c, 1.0, NULL), VS_EINVAL);
    vs_coupling_free(c);
    vs_meanfield_free(NULL);
    vs_gprofile_free(NULL);
    assert_int_equal(vs_meanfield_ncomp(NULL), 0);
}

static void test_queries_reject_bad_temperature_and_leave_outputs(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(1.5, 1.0, &mf), VS_OK);
    double h[6], m[6], r = 42.0, a = 42.0, G = 42.0, x = 0.1;
    vs_mf_phase ph = (vs_mf_phase)42;
    for (int i = 0; i < 6; i++) {
        double T = bad_T[i];
        for (int k = 0; k < 6; k++)
            h[k] = m[k] = 42.0;
        assert_int_equal(vs_meanfield_solve(mf, T, h, m, &r), VS_EINVAL);
        assert_int_equal(vs_meanfield_sector_fields(mf, T, &a, &a, &a, &a), VS_EINVAL);
        assert_int_equal(vs_meanfield_phase(mf, T, &ph), VS_EINVAL);
        assert_int_equal(vs_meanfield_thermo(mf, T, &a, &a, &a, &a), VS_EINVAL);
        assert_int_equal(vs_meanfield_landscape(mf, T, 1, &x, 1, &x, &G), VS_EINVAL);
        for (int k = 0; k < 6; k++)
            assert_true(h[k] == 42.0 && m[k] == 42.0);
        assert_true(r == 42.0 && a == 42.0 && G == 42.0 && (int)ph == 42);
    }
    assert_int_equal(vs_meanfield_solve(NULL, 1.0, h, m, &r), VS_EINVAL);
    assert_int_equal(vs_meanfield_sector_fields(NULL, 1.0, &a, NULL, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_phase(NULL, 1.0, &ph), VS_EINVAL);
    assert_int_equal(vs_meanfield_phase(mf, 1.0, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_thermo(NULL, 1.0, &a, NULL, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_curie_temperature(NULL, &a), VS_EINVAL);
    assert_int_equal(vs_meanfield_curie_temperature(mf, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_couplings(NULL, h, NULL, NULL), VS_EINVAL);
    /* landscape: sizes, NULL, non-finite and huge grid values */
    double bad = NAN, huge = 1e200;
    assert_int_equal(vs_meanfield_landscape(mf, 0.1, 0, &x, 1, &x, &G), VS_EINVAL);
    assert_int_equal(vs_meanfield_landscape(mf, 0.1, 1, &x, 0, &x, &G), VS_EINVAL);
    assert_int_equal(vs_meanfield_landscape(mf, 0.1, SIZE_MAX, &x, 2, &x, &G), VS_EOVERFLOW);
    assert_int_equal(vs_meanfield_landscape(mf, 0.1, 1, NULL, 1, &x, &G), VS_EINVAL);
    assert_int_equal(vs_meanfield_landscape(mf, 0.1, 1, &x, 1, &x, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_landscape(mf, 0.1, 1, &bad, 1, &x, &G), VS_EINVAL);
    assert_int_equal(vs_meanfield_landscape(mf, 0.1, 1, &x, 1, &huge, &G), VS_EINVAL);
    assert_true(G == 42.0);
    vs_meanfield_free(mf);
}

static void test_phase_diagram_rejects_bad_grids(void **state)
{
    (void)state;
    double T[2] = {0.1, 0.2}, R[2] = {0.88, 1.5}, mc[4] = {42, 42, 42, 42};
    int ph[4] = {42, 42, 42, 42};
    assert_int_equal(vs_meanfield_phase_diagram(0.0, 2, T, 2, R, ph, mc, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_phase_diagram(NAN, 2, T, 2, R, ph, mc, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_phase_diagram(1.0, 0, T, 2, R, ph, mc, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_phase_diagram(1.0, SIZE_MAX, T, 2, R, ph, mc, NULL), VS_EOVERFLOW);
    assert_int_equal(vs_meanfield_phase_diagram(1.0, 2, NULL, 2, R, ph, mc, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_phase_diagram(1.0, 2, T, 2, R, NULL, mc, NULL), VS_EINVAL);
    T[1] = -0.2;
    assert_int_equal(vs_meanfield_phase_diagram(1.0, 2, T, 2, R, ph, mc, NULL), VS_EINVAL);
    T[1] = 0.2;
    R[0] = 0.0;
    assert_int_equal(vs_meanfield_phase_diagram(1.0, 2, T, 2, R, ph, mc, NULL), VS_EINVAL);
    R[0] = INFINITY;
    assert_int_equal(vs_meanfield_phase_diagram(1.0, 2, T, 2, R, ph, mc, NULL), VS_EINVAL);
    for (int k = 0; k < 4; k++)
        assert_true(ph[k] == 42 && mc[k] == 42.0);
}

static void test_options_have_bounds_and_reject_bad_values(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(1.0, 1.0, &mf), VS_OK);
    const vs_mf_option keys[] = {VS_MF_ROOT_RTOL, VS_MF_MAX_ITER, VS_MF_DEGEN_RTOL, VS_MF_G_MAX, VS_MF_G_GRID};
    for (int i = 0; i < 5; i++) {
        double lo, hi, v;
        assert_int_equal(vs_meanfield_option_bounds(keys[i], &lo, &hi), VS_OK);
        assert_true(lo <= hi);
        assert_int_equal(vs_meanfield_get_option(mf, keys[i], &v), VS_OK);
        assert_true(v >= lo && v <= hi); /* defaults are within bounds */
        assert_int_equal(vs_meanfield_set_option(mf, keys[i], hi), VS_OK);
        assert_int_equal(vs_meanfield_get_option(mf, keys[i], &v), VS_OK);
        assert_true(v == hi);
        assert_int_equal(vs_meanfield_set_option(mf, keys[i], lo), VS_OK);
        assert_int_equal(vs_meanfield_set_option(mf, keys[i], hi * 2 + 1), VS_EINVAL);
        assert_int_equal(vs_meanfield_set_option(mf, keys[i], lo - 1), VS_EINVAL);
        assert_int_equal(vs_meanfield_set_option(mf, keys[i], NAN), VS_EINVAL);
        assert_int_equal(vs_meanfield_get_option(mf, keys[i], &v), VS_OK);
        assert_true(v == lo);
    }
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_MAX_ITER, 20.5), VS_EINVAL);
    double lo = 42, hi = 42, v = 42;
    assert_int_equal(vs_meanfield_option_bounds((vs_mf_option)99, &lo, &hi), VS_EINVAL);
    assert_int_equal(vs_meanfield_option_bounds((vs_mf_option)-1, &lo, &hi), VS_EINVAL);
    assert_int_equal(vs_meanfield_option_bounds(VS_MF_G_MAX, NULL, &hi), VS_EINVAL);
    assert_int_equal(vs_meanfield_set_option(mf, (vs_mf_option)99, 1.0), VS_EINVAL);
    assert_int_equal(vs_meanfield_get_option(mf, (vs_mf_option)99, &v), VS_EINVAL);
    assert_int_equal(vs_meanfield_get_option(mf, VS_MF_G_MAX, NULL), VS_EINVAL);
    assert_int_equal(vs_meanfield_set_option(NULL, VS_MF_G_MAX, 100.0), VS_EINVAL);
    assert_int_equal(vs_meanfield_get_option(NULL, VS_MF_G_MAX, &v), VS_EINVAL);
    assert_true(lo == 42 && hi == 42 && v == 42);
    vs_meanfield_free(mf);
}

static void test_oscillator_and_profile_reject_bad_input(void **state)
{
    (void)state;
    const double bad[] = {-1.0, NAN, INFINITY, -INFINITY};
    double out = 42.0, out2 = 42.0;
    for (int i = 0; i < 4; i++) {
        double b = bad[i];
        assert_int_equal(vs_oscillator_free_energy(6, b, 1.0, 1.0, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_oscillator_free_energy(6, 1.0, b, 1.0, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_oscillator_free_energy(6, 1.0, 1.0, b, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_oscillator_free_energy(6, 1.0, 1.0, 1.0, b, &out), VS_EINVAL);
        assert_int_equal(vs_oscillator_minimize(6, b, 1.0, 1.0, &out, &out2), VS_EINVAL);
        assert_int_equal(vs_oscillator_minimize(6, 1.0, b, 1.0, &out, &out2), VS_EINVAL);
        assert_int_equal(vs_oscillator_minimize(6, 1.0, 1.0, b, &out, &out2), VS_EINVAL);
        assert_int_equal(vs_oscillator_gcr(6, b, 1.0, &out), VS_EINVAL);
        assert_int_equal(vs_oscillator_gcr(6, 1.0, b, &out), VS_EINVAL);
    }
    assert_int_equal(vs_oscillator_free_energy(6, 0.0, 1.0, 1.0, 1.0, &out), VS_EINVAL);
    assert_int_equal(vs_oscillator_free_energy(1, 1.0, 1.0, 1.0, 1.0, &out), VS_EINVAL);
    assert_int_equal(vs_oscillator_free_energy(6, 1.0, 1.0, 1e300, 1e300, &out), VS_EINVAL);
    assert_int_equal(vs_oscillator_free_energy(6, 1.0, 1.0, 1.0, 1.0, NULL), VS_EINVAL);
    assert_int_equal(vs_oscillator_minimize(99, 1.0, 1.0, 1.0, &out, &out2), VS_EINVAL);
    assert_int_equal(vs_oscillator_minimize(6, 1e-300, 1.0, 1e200, &out, &out2), VS_EINVAL);
    assert_int_equal(vs_oscillator_gcr(6, 1.0, 1.0, NULL), VS_EINVAL);
    assert_true(out == 42.0 && out2 == 42.0);

    vs_meanfield *mf = NULL;
    vs_gprofile *p = (vs_gprofile *)&p;
    assert_int_equal(vs_meanfield_create_compr_shear(1.0, 0.9, &mf), VS_OK);
    assert_int_equal(vs_gprofile_create(NULL, 0.1, &p), VS_EINVAL);
    assert_null(p);
    assert_int_equal(vs_gprofile_create(mf, NAN, &p), VS_EINVAL);
    assert_int_equal(vs_gprofile_create(mf, INFINITY, &p), VS_EINVAL);
    assert_int_equal(vs_gprofile_create(mf, 0.1, NULL), VS_EINVAL);
    assert_int_equal(vs_gprofile_create(mf, 0.1, &p), VS_OK);
    vs_meanfield_free(mf);
    const double badg[] = {-1.0, NAN, INFINITY, -INFINITY, 1e200};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(vs_gprofile_f0(p, badg[i], &out, &out, &out), VS_EINVAL);
        assert_int_equal(vs_gprofile_eval(p, badg[i], &out, &out, &out), VS_EINVAL);
    }
    int found = 42;
    assert_int_equal(vs_gprofile_f0(NULL, 1.0, &out, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_gprofile_eval(NULL, 1.0, &out, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_gprofile_nonconvex(NULL, &found, &out, &out), VS_EINVAL);
    assert_int_equal(vs_gprofile_nonconvex(p, NULL, &out, &out), VS_EINVAL);
    assert_int_equal(vs_gprofile_tangent(NULL, &out, &out, &out), VS_EINVAL);
    assert_int_equal(vs_gprofile_barrier(NULL, &out, &out), VS_EINVAL);
    assert_int_equal(vs_gprofile_max_penalty(NULL, &out), VS_EINVAL);
    assert_int_equal(vs_gprofile_max_penalty(p, NULL), VS_EINVAL);
    assert_int_equal(vs_gprofile_set_penalty(NULL, NULL, NULL), VS_EINVAL);
    assert_true(out == 42.0 && found == 42);
    vs_gprofile_free(p);
}


/* Defect 5: J/T underflowing to 0 (huge T, tiny J) made the landscape's h²/(2K) inf or NaN with
 * VS_OK. G = h²T/(2J) − ln Z₁(|h|) is representable here and must come out exactly so. */
static void test_landscape_with_underflowing_coupling_over_temperature_is_finite(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(1e-300, 2e-300, &mf), VS_OK);
    double hc[2] = {0.0, 1e-5}, hs[2] = {0.0, 2e-5}, G[4];
    assert_int_equal(vs_meanfield_landscape(mf, 1e10, 2, hc, 2, hs, G), VS_OK); /* J/T = 1e-310: subnormal */
    assert_true(G[0] == 0.0);
    assert_close(G[1], 4e-10 * 1e10 / 4e-300, 1e-15, 0.0);      /* hs²T/(2J_s) = 1e300 */
    assert_close(G[2], 1e-10 * 1e10 / 2e-300, 1e-15, 0.0);      /* hc²T/(2J_c) = 5e299 */
    assert_close(G[3], 5e299 + 1e300, 1e-15, 0.0);
    /* J/T = 1e-600 is 0 in double, and h² = 4e-320 is subnormal: G = hs²T/(2J_s) = 1e280 exactly */
    double hc2[1] = {0.0}, hs2[1] = {2e-160};
    assert_int_equal(vs_meanfield_landscape(mf, 1e300, 1, hc2, 1, hs2, G), VS_OK);
    assert_close(G[0], 1e280, 1e-15, 0.0);
    /* J = DBL_MAX: 2J would overflow; G = h²T/(2J) = ½ at h = 1, T = DBL_MAX */
    vs_meanfield *mx = NULL;
    double one = 1.0, zero = 0.0, Gx;
    assert_int_equal(vs_meanfield_create_compr_shear(DBL_MAX, DBL_MAX, &mx), VS_OK);
    assert_int_equal(vs_meanfield_landscape(mx, DBL_MAX, 1, &one, 1, &zero, &Gx), VS_OK);
    assert_close(Gx, 0.5 - log(8.0 * gsl_sf_bessel_In(2, 1.0)), 0.0, 5e-15); /* ln Z₁(1) = ln 8I₂(1) */
    vs_meanfield_free(mx);
    /* truly out of range: VS_ENUMERIC, output untouched */
    double big = 1e10, G1 = 42.0;
    assert_int_equal(vs_meanfield_landscape(mf, 1e300, 1, &big, 1, hs, &G1), VS_ENUMERIC);
    assert_true(G1 == 42.0);
    vs_meanfield_free(mf);
}

/* Defect 5: a3 = 5e-324 overflowed T/a3 and returned NaN/inf with VS_OK. With a³ → 0 the log term
 * vanishes: f → ½(φ² + g²), φ* = 0, f(φ*) = ½g², g_cr = √(n T/a³) (finite here: 1.1e162). */
static void test_oscillator_with_denormal_bead_volume_is_finite(void **state)
{
    (void)state;
    double a3 = 5e-324, f, phi = 42.0, fmin, gcr;
    assert_int_equal(vs_oscillator_free_energy(6, 1.0, a3, 3.0, 4.0, &f), VS_OK);
    assert_close(f, 12.5, 1e-15, 0.0);
    assert_int_equal(vs_oscillator_minimize(6, 1.0, a3, 4.0, &phi, &fmin), VS_OK);
    assert_true(phi == 0.0);
    assert_close(fmin, 8.0, 1e-15, 0.0);
    assert_int_equal(vs_oscillator_gcr(6, 1.0, a3, &gcr), VS_OK);
    assert_close(gcr, sqrt(6.0) / sqrt(a3), 1e-15, 0.0);
    assert_int_equal(vs_oscillator_gcr(6, DBL_MAX, 1.0, &gcr), VS_OK); /* T/a3 finite, 6T/a3 not */
    assert_close(gcr, sqrt(6.0) * sqrt(DBL_MAX), 1e-15, 0.0);
    gcr = 42.0;
    assert_int_equal(vs_oscillator_gcr(6, DBL_MAX, a3, &gcr), VS_ENUMERIC); /* √(6·DBL_MAX/5e-324) > DBL_MAX */
    assert_true(gcr == 42.0);
    /* ordered oscillator with T and a3 both denormal: K = a3 g²/T = 100 > 6, φ* = g L(r*) finite */
    assert_int_equal(vs_oscillator_minimize(6, 5e-322, 5e-322, 10.0, &phi, &fmin), VS_OK);
    assert_true(phi > 0.0 && phi < 10.0 && isfinite(fmin));
    double phi1, fmin1;
    assert_int_equal(vs_oscillator_minimize(6, 1.0, 1.0, 10.0, &phi1, &fmin1), VS_OK);
    assert_close(phi, phi1, 1e-14, 0.0); /* the same K: φ* = g L(r*) does not depend on T, a3 separately */
    assert_close(fmin, fmin1, 1e-14, 0.0);
}

/* Defect 11: VS_MF_G_MAX/VS_MF_G_GRID act only on profiles, which copy the options at creation.
 * Setting them while a profile of the handle is alive used to succeed and do nothing. */
static void test_profile_options_are_refused_while_a_profile_is_alive(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    vs_gprofile *p = NULL, *q = NULL;
    double v;
    assert_int_equal(vs_meanfield_create_compr_shear(1.0, 0.9, &mf), VS_OK);
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_G_MAX, 500.0), VS_OK); /* before: fine */
    assert_int_equal(vs_gprofile_create(mf, 0.05, &p), VS_OK);
    assert_int_equal(vs_gprofile_create(mf, 0.05, &q), VS_OK);
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_G_MAX, 100.0), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "VS_MF_G_MAX"));
    assert_non_null(strstr(vs_last_error(), "vs_gprofile_create"));
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_G_GRID, 100.0), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "VS_MF_G_GRID"));
    assert_int_equal(vs_meanfield_get_option(mf, VS_MF_G_MAX, &v), VS_OK);
    assert_true(v == 500.0);
    /* options that act on the handle itself stay settable */
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_ROOT_RTOL, 1e-13), VS_OK);
    vs_gprofile_free(p);
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_G_GRID, 100.0), VS_EINVAL); /* q still alive */
    vs_gprofile_free(q);
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_G_GRID, 100.0), VS_OK);
    /* a profile may outlive its handle; the handle may outlive its profiles */
    assert_int_equal(vs_gprofile_create(mf, 0.05, &p), VS_OK);
    vs_meanfield_free(mf);
    double lo;
    int found;
    assert_int_equal(vs_gprofile_nonconvex(p, &found, &lo, NULL), VS_OK);
    vs_gprofile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructors_reject_bad_couplings),
        cmocka_unit_test(test_queries_reject_bad_temperature_and_leave_outputs),
        cmocka_unit_test(test_phase_diagram_rejects_bad_grids),
        cmocka_unit_test(test_options_have_bounds_and_reject_bad_values),
        cmocka_unit_test(test_oscillator_and_profile_reject_bad_input),
        cmocka_unit_test(test_landscape_with_underflowing_coupling_over_temperature_is_finite),
        cmocka_unit_test(test_oscillator_with_denormal_bead_volume_is_finite),
        cmocka_unit_test(test_profile_options_are_refused_while_a_profile_is_alive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
