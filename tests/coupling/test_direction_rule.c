/* One rule for every direction argument (k̂, n̂) of the public API (issue 9, defect 10): a double[3]
 * that is finite and non-zero is accepted at any magnitude — (1e200, 0, 0), (1e-300, …), subnormal
 * components — and means v/|v|; NULL, NaN, ±inf and the zero vector are VS_EINVAL with a message and
 * untouched outputs. Checked on every function that takes a direction: vs_elastic_christoffel,
 * vs_coupling_jtilde, vs_coupling_harmonics, vs_coupling_ktilde_mandel, vs_coupling_ktilde_tensor
 * (isotropic, anisotropic and dipolar handles where they apply). Before 1.0.1 the coupling queries
 * rejected (1e200, 0, 0) and accepted 1e-200 only by accident of squaring, while the elastic one
 * accepted both. */
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"
#include "tu_extreme.h"

#define NOUT (33 * 36) /* the largest output: harmonics at lmax ≤ 64 */

/* Function under test: fills out from handle h at direction k. */
typedef int (*dir_fn)(const void *h, const double *k, double *out);
static int f_christoffel(const void *h, const double *k, double *o) { return vs_elastic_christoffel(h, k, o); }
static int f_jtilde(const void *h, const double *k, double *o) { return vs_coupling_jtilde(h, k, o); }
static int f_harmonics(const void *h, const double *k, double *o) { return vs_coupling_harmonics(h, k, o); }
static int f_kmandel(const void *h, const double *k, double *o) { return vs_coupling_ktilde_mandel(h, k, o); }
static int f_ktensor(const void *h, const double *k, double *o) { return vs_coupling_ktilde_tensor(h, k, o); }

struct subject {
    const char *name;
    dir_fn fn;
    const void *h;
    int nout;
};

/* Directions u (small integers: |u| = 1, 5, 7, 5, so u·2^-1060 is still exact in the subnormal range)
 * and scaled copies s·u that must give the same output as u (to the rounding of v/|v|). */
static const double units[][3] = {
    {1.0, 0.0, 0.0}, {0.0, -1.0, 0.0}, {0.0, 0.0, 1.0}, {3.0, 4.0, 0.0}, {2.0, -3.0, 6.0}, {-3.0, 0.0, 4.0},
};
static const double scales[] = {1e200, 1e-300, 0x1p-1060, 1e300, 3.0, 1e-10, DBL_MAX / 8.0};

static void check_subject_accepts_any_magnitude(const struct subject *s)
{
    double ref[NOUT], out[NOUT];
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        assert_int_equal(s->fn(s->h, units[u], ref), VS_OK);
        for (size_t c = 0; c < sizeof scales / sizeof scales[0]; c++) {
            double v[3];
            for (int i = 0; i < 3; i++)
                v[i] = units[u][i] * scales[c];
            tu_fill(out, s->nout);
            int st = s->fn(s->h, v, out);
            if (st != VS_OK)
                fail_msg("%s rejects (%g, %g, %g) = %g x a unit vector: %s", s->name, v[0], v[1], v[2], scales[c],
                         vs_last_error());
            double scale = 1.0;
            for (int i = 0; i < s->nout; i++)
                scale = fmax(scale, fabs(ref[i]));
            for (int i = 0; i < s->nout; i++)
                if (!(fabs(out[i] - ref[i]) <= 8e-16 * scale))
                    fail_msg("%s at %g x direction %zu: entry %d = %.17g, unit direction gives %.17g", s->name, scales[c],
                             u, i, out[i], ref[i]);
        }
    }
    /* mixed magnitudes: the tiny component vanishes next to the huge one, exactly as for (1, 0, 0) */
    const double mixed[3] = {1e200, 1e-300, 0x1p-1074};
    assert_int_equal(s->fn(s->h, units[0], ref), VS_OK);
    assert_int_equal(s->fn(s->h, mixed, out), VS_OK);
    for (int i = 0; i < s->nout; i++)
        assert_close(out[i], ref[i], 0.0, 8e-16 * fmax(1.0, fabs(ref[i])));
}

static void check_subject_rejects_non_directions(const struct subject *s)
{
    double out[NOUT];
    const double bad[][3] = {{0.0, 0.0, 0.0}, {-0.0, 0.0, -0.0}, {NAN, 0.0, 1.0}, {INFINITY, 0.0, 0.0},
                             {0.0, -INFINITY, 1.0}, {1.0, 1.0, NAN}, {DBL_MAX, INFINITY, 0.0}};
    tu_fill(out, s->nout);
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        assert_int_equal(vs_spin_basis(NULL), VS_EINVAL); /* an unrelated message first */
        assert_int_equal(s->fn(s->h, bad[b], out), VS_EINVAL);
        if (strstr(vs_last_error(), s->name) == NULL)
            fail_msg("%s: message \"%s\" does not name the function", s->name, vs_last_error());
    }
    assert_int_equal(s->fn(s->h, NULL, out), VS_EINVAL);
    tu_assert_untouched(out, s->nout);
    /* every extreme double in any one component of an otherwise valid direction */
    for (int e = 0; e < TU_NEXTREME; e++)
        for (int i = 0; i < 3; i++) {
            double v[3] = {0.0, 0.0, 0.0};
            v[(i + 1) % 3] = 0.5;
            v[i] = tu_extreme[e];
            tu_fill(out, s->nout);
            int st = s->fn(s->h, v, out);
            if (isfinite(tu_extreme[e])) {
                assert_int_equal(st, VS_OK);
                assert_true(tu_all_finite(out, s->nout));
            } else {
                assert_int_equal(st, VS_EINVAL);
                tu_assert_untouched(out, s->nout);
            }
        }
}

static void run_all(void (*check)(const struct subject *))
{
    vs_elastic *iso = NULL, *cub = NULL;
    vs_coupling *ci = NULL, *cc = NULL, *cd = NULL;
    assert_int_equal(vs_elastic_create_lame(2.0, 1.0, &iso), VS_OK);
    assert_int_equal(vs_elastic_create_cubic(168.4, 121.4, 75.4, &cub), VS_OK);
    assert_int_equal(vs_coupling_create(iso, 1e-12, &ci), VS_OK);
    assert_int_equal(vs_coupling_create(cub, 1e-6, &cc), VS_OK);
    assert_int_equal(vs_coupling_create_dipolar(&cd), VS_OK);
    const struct subject subjects[] = {
        {"vs_elastic_christoffel", f_christoffel, iso, 9},
        {"vs_elastic_christoffel", f_christoffel, cub, 9},
        {"vs_coupling_jtilde", f_jtilde, ci, 36},
        {"vs_coupling_jtilde", f_jtilde, cc, 36},
        {"vs_coupling_jtilde", f_jtilde, cd, 9},
        {"vs_coupling_harmonics", f_harmonics, ci, 3 * 36},
        {"vs_coupling_harmonics", f_harmonics, cd, 2 * 9},
        {"vs_coupling_ktilde_mandel", f_kmandel, ci, 36},
        {"vs_coupling_ktilde_mandel", f_kmandel, cc, 36},
        {"vs_coupling_ktilde_tensor", f_ktensor, ci, 81},
        {"vs_coupling_ktilde_tensor", f_ktensor, cc, 81},
    };
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++)
        check(&subjects[i]);
    int lmax = 0;
    assert_int_equal(vs_coupling_lmax(cc, &lmax), VS_OK);
    const struct subject aniso_harm = {"vs_coupling_harmonics", f_harmonics, cc, (lmax / 2 + 1) * 36};
    check(&aniso_harm);
    vs_coupling_free(ci);
    vs_coupling_free(cc);
    vs_coupling_free(cd);
    vs_elastic_free(iso);
    vs_elastic_free(cub);
}

static void test_every_direction_argument_accepts_any_finite_nonzero_magnitude(void **state)
{
    (void)state;
    run_all(check_subject_accepts_any_magnitude);
}

static void test_every_direction_argument_rejects_zero_nan_inf(void **state)
{
    (void)state;
    run_all(check_subject_rejects_non_directions);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_direction_argument_accepts_any_finite_nonzero_magnitude),
        cmocka_unit_test(test_every_direction_argument_rejects_zero_nan_inf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
