/* Extreme arguments for every public elastic function (issue 9, defect 5): each scalar argument of
 * every constructor and query swept over NaN, ±inf, ±5e-324, ±DBL_MAX, ±0 and DBL_MIN (the others
 * valid), plus non-positive-definite tensors. A create either fails (handle NULL, message) or gives a
 * handle whose every query is finite; a query either fails with its outputs untouched or returns
 * finite values. Sound speeds of a valid handle are representable for every finite ρ > 0 and are
 * computed as such (before 1.0.1, ρ = 5e-324 gave VS_ENUMERIC because (λ+2μ)/ρ overflowed). */
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"
#include "tu_extreme.h"

/* Every query of a valid handle is finite. */
static void assert_handle_finite(const vs_elastic *el, const char *what)
{
    double a[81], w[6], V[36], m[6], c[2];
    const double k[3] = {0.3, -1.0, 2.0};
    vs_symmetry sym;
    assert_int_equal(vs_elastic_symmetry(el, &sym), VS_OK);
    assert_int_equal(vs_elastic_tensor(el, a), VS_OK);
    assert_true(tu_all_finite(a, 81));
    assert_int_equal(vs_elastic_voigt(el, a), VS_OK);
    assert_true(tu_all_finite(a, 36));
    assert_int_equal(vs_elastic_mandel(el, a), VS_OK);
    assert_true(tu_all_finite(a, 36));
    assert_int_equal(vs_elastic_mandel_eigen(el, w, V), VS_OK);
    assert_true(tu_all_finite(w, 6) && tu_all_finite(V, 36) && w[0] > 0.0);
    assert_int_equal(vs_elastic_mandel_sqrt(el, a), VS_OK);
    assert_true(tu_all_finite(a, 36));
    assert_int_equal(vs_elastic_mandel_invsqrt(el, a), VS_OK);
    assert_true(tu_all_finite(a, 36));
    assert_int_equal(vs_elastic_christoffel(el, k, a), VS_OK);
    assert_true(tu_all_finite(a, 9));
    for (int avg = VS_AVERAGE_EXACT; avg <= VS_AVERAGE_HILL; avg++) {
        tu_fill(m, 6);
        int st = vs_elastic_moduli(el, (vs_average)avg, m);
        if (st == VS_OK) {
            if (!tu_all_finite(m, 6))
                fail_msg("%s: vs_elastic_moduli(avg %d) VS_OK with non-finite output", what, avg);
        } else {
            assert_int_equal(st, VS_ENONPHYS);
            tu_assert_untouched(m, 6);
        }
    }
    const double rhos[] = {0x1p-1074, DBL_MIN, 1.0, DBL_MAX};
    for (size_t i = 0; i < sizeof rhos / sizeof rhos[0]; i++) {
        int st = vs_elastic_sound_speeds(el, rhos[i], c);
        if (st != VS_OK)
            fail_msg("%s: vs_elastic_sound_speeds(rho = %g): %s", what, rhos[i], vs_last_error());
        assert_true(tu_all_finite(c, 2) && c[1] > 0.0 && c[0] > c[1]);
    }
}

static void check_create(int st, vs_elastic *el, const char *what, double x)
{
    if (st == VS_OK) {
        assert_non_null(el);
        assert_handle_finite(el, what);
        vs_elastic_free(el);
        return;
    }
    if (el != NULL)
        fail_msg("%s(%g): failed (%d) but left a handle", what, x, st);
    if (st != VS_EINVAL && st != VS_ENONPHYS)
        fail_msg("%s(%g): unexpected status %d (%s)", what, x, st, vs_last_error());
    if (strstr(vs_last_error(), what) == NULL)
        fail_msg("%s(%g): message \"%s\" does not name the function", what, x, vs_last_error());
}

static void test_constructors_swept_over_extreme_arguments(void **state)
{
    (void)state;
    typedef int (*ctor2)(double, double, vs_elastic **);
    const struct { const char *name; ctor2 fn; double ok[2]; } c2[] = {
        {"vs_elastic_create_lame", vs_elastic_create_lame, {2.0, 1.0}},
        {"vs_elastic_create_bulk_shear", vs_elastic_create_bulk_shear, {2.0, 1.0}},
        {"vs_elastic_create_young_poisson", vs_elastic_create_young_poisson, {2.5, 0.25}},
        {"vs_elastic_create_poisson_shear", vs_elastic_create_poisson_shear, {0.25, 1.0}},
        {"vs_elastic_create_sound_ratio", vs_elastic_create_sound_ratio, {2.0, 1.0}},
    };
    for (size_t f = 0; f < sizeof c2 / sizeof c2[0]; f++)
        for (int e = 0; e < TU_NEXTREME; e++)
            for (int arg = 0; arg < 2; arg++) {
                double v[2] = {c2[f].ok[0], c2[f].ok[1]};
                v[arg] = tu_extreme[e];
                vs_elastic *el = (vs_elastic *)(void *)&el;
                int st = c2[f].fn(v[0], v[1], &el);
                check_create(st, el, c2[f].name, v[arg]);
            }
    for (int e = 0; e < TU_NEXTREME; e++) {
        for (int arg = 0; arg < 3; arg++) {
            double v[3] = {3.0, 1.5, 2.0};
            v[arg] = tu_extreme[e];
            vs_elastic *el = (vs_elastic *)(void *)&el;
            int st = vs_elastic_create_cubic(v[0], v[1], v[2], &el);
            check_create(st, el, "vs_elastic_create_cubic", v[arg]);
        }
        for (int arg = 0; arg < 5; arg++) {
            double v[5] = {5.0, 1.0, 1.5, 4.0, 1.0};
            v[arg] = tu_extreme[e];
            vs_elastic *el = (vs_elastic *)(void *)&el;
            int st = vs_elastic_create_hexagonal(v[0], v[1], v[2], v[3], v[4], &el);
            check_create(st, el, "vs_elastic_create_hexagonal", v[arg]);
        }
        /* one symmetric pair (or a diagonal entry) of a valid Voigt matrix */
        const int pos[][2] = {{0, 0}, {0, 1}, {3, 3}, {2, 5}};
        for (size_t p = 0; p < sizeof pos / sizeof pos[0]; p++) {
            double C[36];
            tu_isotropic_voigt(2.0, 1.0, C);
            C[pos[p][0] * 6 + pos[p][1]] = C[pos[p][1] * 6 + pos[p][0]] = tu_extreme[e];
            vs_elastic *el = (vs_elastic *)(void *)&el;
            int st = vs_elastic_create_voigt(C, &el);
            check_create(st, el, "vs_elastic_create_voigt", tu_extreme[e]);
        }
    }
}

/* Not positive definite: negative definite, singular (C11 = C12, C44 = 0), indefinite, and one
 * that is positive definite only to within round-off of its largest entry. */
static void test_non_positive_definite_tensors_are_enonphys(void **state)
{
    (void)state;
    double C[36];
    for (int c = 0; c < 5; c++) {
        tu_isotropic_voigt(2.0, 1.0, C);
        switch (c) {
        case 0: for (int i = 0; i < 36; i++) C[i] = -C[i]; break;
        case 1: C[0] = C[7] = C[14] = 2.0; break;                   /* λ + 2μ = λ: C11 = C12 */
        case 2: C[21] = 0.0; break;                                  /* C44 = 0 */
        case 3: C[1] = C[6] = 10.0; break;                           /* |C12| > C11: indefinite */
        case 4: C[35] = 1e-17 * 4.0; break;                          /* C66 ≈ 0 relative to 4 */
        }
        vs_elastic *el = (vs_elastic *)(void *)&el;
        assert_int_equal(vs_elastic_create_voigt(C, &el), VS_ENONPHYS);
        assert_null(el);
    }
    vs_elastic *el = (vs_elastic *)(void *)&el;
    assert_int_equal(vs_elastic_create_cubic(1.0, 1.0, 1.0, &el), VS_ENONPHYS);  /* C11 − C12 = 0 */
    assert_null(el);
    assert_int_equal(vs_elastic_create_cubic(1.0, -0.6, 1.0, &el), VS_ENONPHYS); /* C11 + 2C12 < 0 */
    assert_null(el);
    assert_int_equal(vs_elastic_create_hexagonal(1.0, 1.0, 0.5, 1.0, 1.0, &el), VS_ENONPHYS); /* C66 = 0 */
    assert_null(el);
}

/* c_l = √((λ+2μ)/ρ), c_t = √(μ/ρ) for λ = 2, μ = 1 at ρ = 2^-1074 and DBL_MAX (regrouped so that
 * every intermediate is normal: √3·2^537 and √3/√DBL_MAX). */
static void test_sound_speeds_at_subnormal_and_huge_density(void **state)
{
    (void)state;
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_lame(2.0, 1.0, &el), VS_OK);
    double c[2];
    assert_int_equal(vs_elastic_sound_speeds(el, 0x1p-1074, c), VS_OK);
    assert_close(c[0], 2.0 * 0x1p537, 4.5e-16, 0.0); /* √4 / √(2^-1074) */
    assert_close(c[1], 0x1p537, 4.5e-16, 0.0);
    assert_int_equal(vs_elastic_sound_speeds(el, DBL_MAX, c), VS_OK);
    assert_close(c[0], 2.0 / sqrt(DBL_MAX), 4.5e-16, 0.0);
    assert_close(c[1], 1.0 / sqrt(DBL_MAX), 4.5e-16, 0.0);
    vs_elastic_free(el);
}

/* Strain/spin conversions with one extreme entry (kept symmetric): finite output or a failure with the
 * output untouched. */
static void test_strain_conversions_swept_over_extreme_entries(void **state)
{
    (void)state;
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_cubic(3.0, 1.5, 2.0, &el), VS_OK);
    for (int e = 0; e < TU_NEXTREME; e++)
        for (int p = 0; p < 9; p++) {
            double x = tu_extreme[e];
            double u[9] = {0.1, 0.02, -0.03, 0.02, -0.2, 0.05, -0.03, 0.05, 0.3}, t[6], g[6], uo[9];
            u[p] = u[(p % 3) * 3 + p / 3] = x;
            const double v6[6] = {x, 0.1, -0.2, 0.3, 0.0, 0.05};
            int st;
            tu_fill(t, 6);
            st = vs_strain_to_mandel(u, t);
            if (st == VS_OK) assert_true(tu_all_finite(t, 6)); else tu_assert_untouched(t, 6);
            tu_fill(g, 6);
            st = vs_elastic_strain_to_spin(el, u, g);
            if (st == VS_OK) assert_true(tu_all_finite(g, 6)); else tu_assert_untouched(g, 6);
            tu_fill(uo, 9);
            st = vs_mandel_to_strain(v6, uo);
            if (st == VS_OK) assert_true(tu_all_finite(uo, 9)); else tu_assert_untouched(uo, 9);
            tu_fill(uo, 9);
            st = vs_elastic_spin_to_strain(el, v6, uo);
            if (st == VS_OK) assert_true(tu_all_finite(uo, 9)); else tu_assert_untouched(uo, 9);
        }
    vs_elastic_free(el);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructors_swept_over_extreme_arguments),
        cmocka_unit_test(test_non_positive_definite_tensors_are_enonphys),
        cmocka_unit_test(test_sound_speeds_at_subnormal_and_huge_density),
        cmocka_unit_test(test_strain_conversions_swept_over_extreme_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
