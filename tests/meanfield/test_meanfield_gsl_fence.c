/*
 * The GSL fence (issue 9, defect 1): no mean-field call may reach GSL's error handler — GSL's default
 * handler prints and aborts the host — and the library must not install a handler of its own (host
 * global state). This test plays the host: it installs a handler that fails the test if GSL ever
 * calls it, drives every public mean-field, profile and oscillator function through extreme and bad
 * inputs (NaN, ±inf, denormals, ±DBL_MAX, huge penalties and callbacks whose finite values overflow
 * when added), and checks that each call either succeeds with finite outputs or fails with a status
 * and a message. Finally the handler in place must still be the test's.
 */
#include <float.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

static void host_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    fail_msg("GSL error handler reached: %s (%s:%d, gsl_errno %d)", reason, file, line, gsl_errno);
}

static const double extreme[] = {NAN, INFINITY, -INFINITY, 5e-324, -5e-324, DBL_MAX, -DBL_MAX, 0.0, -0.0,
                                 1e-300, 1e300, 8.5e307, 2.2250738585072014e-308, 1.0};
enum { NX = sizeof extreme / sizeof extreme[0] };

/* A call either succeeds with finite outputs or fails with a documented error code and a message. */
static void check(int rc, const double *out, int nout, const char *what, double arg)
{
    if (rc == VS_OK) {
        for (int i = 0; i < nout; i++)
            if (!isfinite(out[i]))
                fail_msg("%s(%g) returned VS_OK with output[%d] = %g", what, arg, i, out[i]);
        return;
    }
    if (!(rc == VS_EINVAL || rc == VS_ENUMERIC || rc == VS_ENOCONV || rc == VS_ENONPHYS || rc == VS_ECALLBACK ||
          rc == VS_EOVERFLOW))
        fail_msg("%s(%g): unexpected status %d", what, arg, rc);
    if (strlen(vs_last_error()) == 0)
        fail_msg("%s(%g): status %d without a message", what, arg, rc);
}

static void test_meanfield_queries_never_reach_gsl_handler(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(1.5, 1.0, &mf), VS_OK);
    for (int i = 0; i < NX; i++) {
        double T = extreme[i], o[16], hc = 0.7, hs = 0.2;
        vs_mf_phase ph;
        check(vs_meanfield_solve(mf, T, o, o + 6, o + 12), o, 13, "vs_meanfield_solve", T);
        check(vs_meanfield_sector_fields(mf, T, o, o + 1, o + 2, o + 3), o, 4, "vs_meanfield_sector_fields", T);
        check(vs_meanfield_phase(mf, T, &ph), o, 0, "vs_meanfield_phase", T);
        check(vs_meanfield_thermo(mf, T, o, o + 1, o + 2, o + 3), o, 4, "vs_meanfield_thermo", T);
        check(vs_meanfield_landscape(mf, T, 1, &hc, 1, &hs, o), o, 1, "vs_meanfield_landscape(T)", T);
        for (int j = 0; j < NX; j++) {
            double h = extreme[j];
            check(vs_meanfield_landscape(mf, T, 1, &h, 1, &hs, o), o, 1, "vs_meanfield_landscape(hc)", h);
            check(vs_meanfield_landscape(mf, T, 1, &hc, 1, &h, o), o, 1, "vs_meanfield_landscape(hs)", h);
        }
        /* couplings at the edges of the double range */
        vs_meanfield *m2 = NULL;
        int rc = vs_meanfield_create_compr_shear(T, 1.0, &m2);
        check(rc, o, 0, "vs_meanfield_create_compr_shear", T);
        if (rc == VS_OK) {
            for (int j = 0; j < NX; j++) {
                check(vs_meanfield_thermo(m2, extreme[j], o, o + 1, o + 2, o + 3), o, 4, "thermo(J edge)", extreme[j]);
                check(vs_meanfield_landscape(m2, extreme[j], 1, &hc, 1, &hs, o), o, 1, "landscape(J edge)", extreme[j]);
            }
            check(vs_meanfield_curie_temperature(m2, o), o, 1, "vs_meanfield_curie_temperature", T);
        }
        vs_meanfield_free(m2);
        /* a general handle with one extreme coupling, and one from a coupling handle with an extreme E0 */
        double J[6] = {1.0, 0.5, 0.5, 0.5, 0.5, 0.5};
        J[3] = T;
        rc = vs_meanfield_create(6, J, NULL, &m2);
        check(rc, o, 0, "vs_meanfield_create", T);
        if (rc == VS_OK)
            check(vs_meanfield_thermo(m2, 0.1, o, o + 1, o + 2, o + 3), o, 4, "thermo(J[3] edge)", T);
        vs_meanfield_free(m2);
        vs_coupling *cp = NULL;
        assert_int_equal(vs_coupling_create_dipolar(&cp), VS_OK);
        rc = vs_meanfield_create_from_coupling(cp, T, &m2);
        check(rc, o, 0, "vs_meanfield_create_from_coupling", T);
        if (rc == VS_OK)
            check(vs_meanfield_thermo(m2, 0.1, o, o + 1, o + 2, o + 3), o, 4, "thermo(E0 edge)", T);
        vs_meanfield_free(m2);
        vs_coupling_free(cp);
        double ratio = 1.5, Ts = T;
        int phs;
        check(vs_meanfield_phase_diagram(T, 1, &Ts, 1, &ratio, &phs, o, o + 1), o, 2, "phase_diagram(J_shear)", T);
        check(vs_meanfield_phase_diagram(1.0, 1, &Ts, 1, &ratio, &phs, o, o + 1), o, 2, "phase_diagram(T)", T);
        check(vs_meanfield_phase_diagram(1.0, 1, &hc, 1, &Ts, &phs, o, o + 1), o, 2, "phase_diagram(ratio)", T);
        for (int key = 0; key < 5; key++) {
            double lo, hi;
            assert_int_equal(vs_meanfield_option_bounds((vs_mf_option)key, &lo, &hi), VS_OK);
            rc = vs_meanfield_set_option(mf, (vs_mf_option)key, T);
            check(rc, o, 0, "set_option", T);
            if (rc == VS_OK) /* in bounds: the solver still works at the edge of every option */
                check(vs_meanfield_thermo(mf, 0.2, o, o + 1, o + 2, o + 3), o, 4, "thermo(option edge)", T);
        }
        assert_int_equal(vs_meanfield_set_option(mf, VS_MF_ROOT_RTOL, 1e-14), VS_OK);
        assert_int_equal(vs_meanfield_set_option(mf, VS_MF_MAX_ITER, 500), VS_OK);
        assert_int_equal(vs_meanfield_set_option(mf, VS_MF_DEGEN_RTOL, 1e-12), VS_OK);
    }
    vs_meanfield_free(mf);
}

static void test_oscillator_never_reaches_gsl_handler(void **state)
{
    (void)state;
    const int badn[] = {INT_MIN, -1, 0, 1, 65, INT_MAX};
    for (int i = 0; i < 6; i++) {
        double o[2] = {42, 42};
        assert_int_equal(vs_oscillator_free_energy(badn[i], 1.0, 1.0, 1.0, 1.0, o), VS_EINVAL);
        assert_int_equal(vs_oscillator_minimize(badn[i], 1.0, 1.0, 3.0, o, o + 1), VS_EINVAL);
        assert_int_equal(vs_oscillator_gcr(badn[i], 1.0, 1.0, o), VS_EINVAL);
        assert_true(o[0] == 42 && o[1] == 42);
    }
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NX; j++) {
            double a = extreme[i], b = extreme[j], o[2];
            /* (T, a3), (a3, g), (T, g), (phi, g) pairs */
            check(vs_oscillator_free_energy(6, a, b, 1.0, 1.0, o), o, 1, "free_energy(T, a3)", a);
            check(vs_oscillator_free_energy(6, 1.0, a, 1.0, b, o), o, 1, "free_energy(a3, g)", a);
            check(vs_oscillator_free_energy(6, 1.0, 1.0, a, b, o), o, 1, "free_energy(phi, g)", a);
            check(vs_oscillator_minimize(6, a, b, 3.0, o, o + 1), o, 2, "minimize(T, a3)", a);
            check(vs_oscillator_minimize(6, 1.0, a, b, o, o + 1), o, 2, "minimize(a3, g)", a);
            check(vs_oscillator_minimize(3, a, 1.0, b, o, o + 1), o, 2, "minimize(T, g)", a);
            check(vs_oscillator_gcr(6, a, b, o), o, 1, "gcr(T, a3)", a);
        }
}

/* Penalty callbacks whose values are finite but overflow when added to F₀ + c g². */
static int huge_penalty(double g, double *F, double *dF, double *d2F, void *user)
{
    double s = *(const double *)user;
    *F = s;
    *dF = s * (g > 3.0 ? 1.0 : -1.0);
    *d2F = s;
    return 0;
}

static void drive_profile(const vs_gprofile *p, double tag)
{
    double o[4];
    int found;
    for (int j = 0; j < NX; j++) {
        check(vs_gprofile_f0(p, extreme[j], o, o + 1, o + 2), o, 3, "gprofile_f0", extreme[j]);
        check(vs_gprofile_eval(p, extreme[j], o, o + 1, o + 2), o, 3, "gprofile_eval", extreme[j]);
    }
    check(vs_gprofile_nonconvex(p, &found, o, o + 1), o, 0, "gprofile_nonconvex", tag);
    check(vs_gprofile_tangent(p, o, o + 1, o + 2), o, 3, "gprofile_tangent", tag);
    check(vs_gprofile_barrier(p, o, o + 1), o, 2, "gprofile_barrier", tag);
    check(vs_gprofile_max_penalty(p, o), o, 1, "gprofile_max_penalty", tag);
}

static void test_profile_with_huge_penalties_never_reaches_gsl_handler(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(1.0, 0.9, &mf), VS_OK);
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_G_GRID, 40), VS_OK); /* keep the sweep short */
    for (int i = 0; i < NX; i++) {
        vs_gprofile *p = NULL;
        int rc = vs_gprofile_create(mf, extreme[i], &p);
        check(rc, NULL, 0, "gprofile_create", extreme[i]);
        if (rc != VS_OK)
            continue;
        drive_profile(p, extreme[i]);
        for (int j = 0; j < NX; j++) {
            double s = extreme[j];
            if (!isfinite(s))
                continue;
            assert_int_equal(vs_gprofile_set_penalty(p, huge_penalty, &s), VS_OK);
            drive_profile(p, s);
        }
        vs_gprofile_free(p);
    }
    vs_meanfield_free(mf);
}

/* The defect's reproducer: c = 8.5e307 plus a callback returning finite values. F'' overflows to +inf;
 * before the fix the value reached GSL's Brent solver and the default handler aborted the process. */
static void test_finite_huge_penalty_is_a_numeric_error(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    vs_gprofile *p = NULL;
    double s = 8.5e307, o[3] = {42, 42, 42};
    int found = 42;
    assert_int_equal(vs_meanfield_create_compr_shear(1.0, 0.9, &mf), VS_OK);
    assert_int_equal(vs_gprofile_create(mf, 8.5e307, &p), VS_OK);
    assert_int_equal(vs_gprofile_set_penalty(p, huge_penalty, &s), VS_OK);
    assert_int_equal(vs_gprofile_eval(p, 2.0, o, o + 1, o + 2), VS_ENUMERIC);
    assert_int_equal(vs_gprofile_nonconvex(p, &found, o, o + 1), VS_ENUMERIC);
    assert_int_equal(vs_gprofile_tangent(p, o, o + 1, o + 2), VS_ENUMERIC);
    assert_int_equal(vs_gprofile_barrier(p, o, o + 1), VS_ENUMERIC);
    assert_true(o[0] == 42 && o[1] == 42 && o[2] == 42 && found == 42);
    assert_non_null(strstr(vs_last_error(), "overflow"));
    /* without the callback c_max is still exact: F₀'' + F_cb'' is sampled without the huge c */
    assert_int_equal(vs_gprofile_set_penalty(p, NULL, NULL), VS_OK);
    assert_int_equal(vs_gprofile_max_penalty(p, o), VS_OK);
    assert_close(o[0], 5.0 / 6.0, 1e-12, 0.0);
    vs_gprofile_free(p);
    vs_meanfield_free(mf);
}

static void test_library_leaves_the_host_handler_in_place(void **state)
{
    (void)state;
    gsl_error_handler_t *now = gsl_set_error_handler(host_handler);
    assert_true(now == host_handler);
}

int main(void)
{
    gsl_set_error_handler(host_handler); /* the host's handler, for the whole run */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meanfield_queries_never_reach_gsl_handler),
        cmocka_unit_test(test_oscillator_never_reaches_gsl_handler),
        cmocka_unit_test(test_profile_with_huge_penalties_never_reaches_gsl_handler),
        cmocka_unit_test(test_finite_huge_penalty_is_a_numeric_error),
        cmocka_unit_test(test_library_leaves_the_host_handler_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
