/* Bad input for every public function of the elastic handle (README "Promises", docs/testing.md): NULL, NaN, ±inf, non-physical
 * moduli, asymmetric / indefinite matrices, out-of-range scales. Each case checks the exact documented
 * status, that *out is NULL after a failed create, that output arrays are untouched, and that
 * vs_last_error() carries a fresh message naming the function. Leaks are caught by the ASan build. */
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include <libvoigtspin/voigtspin.h>

#define SENTINEL TU_SENTINEL



/* Overwrite the thread's last message with one from an unrelated function, so that the next check
 * proves the call under test wrote its own message. */
static void reset_error(const char *fname)
{
    if (strcmp(fname, "vs_spin_basis") != 0)
        assert_int_equal(vs_spin_basis(NULL), VS_EINVAL);
    else
        assert_int_equal(vs_mandel_to_strain(NULL, NULL), VS_EINVAL);
    assert_null(strstr(vs_last_error(), fname));
}

static void assert_failed(int rc, int expect, const char *fname, const char *what)
{
    if (rc != expect)
        fail_msg("%s (%s): returned %d (%s), expected %d (%s)", fname, what, rc, vs_strerror(rc), expect,
                 vs_strerror(expect));
    const char *msg = vs_last_error();
    assert_non_null(msg);
    if (strstr(msg, fname) == NULL)
        fail_msg("%s (%s): last error \"%s\" does not name the function", fname, what, msg);
}

static vs_elastic *good_iso(void)
{
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_lame(1.0, 1.0, &el), VS_OK);
    return el;
}

static vs_elastic *good_aniso(void)
{
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_cubic(168.4, 121.4, 75.4, &el), VS_OK);
    return el;
}

/* A non-NULL pointer value that a failed create must overwrite with NULL (never dereferenced). */
static char dummy_object;
#define DUMMY ((vs_elastic *)(void *)&dummy_object)

/* ---- two-parameter isotropic constructors ---- */

typedef int (*ctor2_fn)(double, double, vs_elastic **);
struct ctor2_case {
    ctor2_fn fn;
    const char *name;
    double a, b;
    int code;
};
#define CASE2(fn, a, b, code) {fn, #fn, a, b, code}

static void test_isotropic_constructors_reject_bad_input(void **state)
{
    (void)state;
    const double nu_hi = nextafter(0.5, 0.0); /* σ just below 1/2: K/μ ≈ 1e16, numerically singular */
    const struct ctor2_case cases[] = {
        CASE2(vs_elastic_create_lame, NAN, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_lame, 1.0, NAN, VS_EINVAL),
        CASE2(vs_elastic_create_lame, INFINITY, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_lame, -INFINITY, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_lame, 1.0, INFINITY, VS_EINVAL),
        CASE2(vs_elastic_create_lame, 1.0, -INFINITY, VS_EINVAL),
        CASE2(vs_elastic_create_lame, 1.0, 0.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_lame, 1.0, -1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_lame, -1.0, 1.0, VS_ENONPHYS),       /* K = −1/3 */
        CASE2(vs_elastic_create_lame, -2.0 / 3.0, 1.0, VS_ENONPHYS), /* K = 0 */
        CASE2(vs_elastic_create_lame, 1e200, 1.0, VS_EINVAL),        /* scale above 1e100 */
        CASE2(vs_elastic_create_lame, 1e308, 1e308, VS_EINVAL),      /* λ + 2μ overflows */
        CASE2(vs_elastic_create_lame, 0.0, 1e-200, VS_EINVAL),       /* scale below 1e-100 */
        CASE2(vs_elastic_create_bulk_shear, NAN, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_bulk_shear, 1.0, NAN, VS_EINVAL),
        CASE2(vs_elastic_create_bulk_shear, INFINITY, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_bulk_shear, 1.0, -INFINITY, VS_EINVAL),
        CASE2(vs_elastic_create_bulk_shear, 0.0, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_bulk_shear, -1.0, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_bulk_shear, 1.0, 0.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_bulk_shear, 1.0, -2.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_bulk_shear, 1e-20, 1.0, VS_ENONPHYS), /* numerically singular */
        CASE2(vs_elastic_create_young_poisson, NAN, 0.3, VS_EINVAL),
        CASE2(vs_elastic_create_young_poisson, 1.0, NAN, VS_EINVAL),
        CASE2(vs_elastic_create_young_poisson, INFINITY, 0.3, VS_EINVAL),
        CASE2(vs_elastic_create_young_poisson, 1.0, INFINITY, VS_EINVAL),
        CASE2(vs_elastic_create_young_poisson, 1.0, -INFINITY, VS_EINVAL),
        CASE2(vs_elastic_create_young_poisson, 0.0, 0.3, VS_ENONPHYS),
        CASE2(vs_elastic_create_young_poisson, -1.0, 0.3, VS_ENONPHYS),
        CASE2(vs_elastic_create_young_poisson, 1.0, -1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_young_poisson, 1.0, 0.5, VS_ENONPHYS),
        CASE2(vs_elastic_create_young_poisson, 1.0, -1.5, VS_ENONPHYS),
        CASE2(vs_elastic_create_young_poisson, 1.0, 0.7, VS_ENONPHYS),
        CASE2(vs_elastic_create_young_poisson, 1.0, nu_hi, VS_ENONPHYS),
        CASE2(vs_elastic_create_young_poisson, 1e300, 0.3, VS_EINVAL),
        CASE2(vs_elastic_create_poisson_shear, NAN, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_poisson_shear, 0.3, NAN, VS_EINVAL),
        CASE2(vs_elastic_create_poisson_shear, -INFINITY, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_poisson_shear, 0.3, INFINITY, VS_EINVAL),
        CASE2(vs_elastic_create_poisson_shear, -1.0, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_poisson_shear, 0.5, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_poisson_shear, -3.0, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_poisson_shear, 2.0, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_poisson_shear, 0.3, 0.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_poisson_shear, 0.3, -1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_poisson_shear, nu_hi, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_sound_ratio, NAN, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_sound_ratio, 2.0, NAN, VS_EINVAL),
        CASE2(vs_elastic_create_sound_ratio, INFINITY, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_sound_ratio, -INFINITY, 1.0, VS_EINVAL),
        CASE2(vs_elastic_create_sound_ratio, 2.0, INFINITY, VS_EINVAL),
        CASE2(vs_elastic_create_sound_ratio, 1.0, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_sound_ratio, 0.0, 1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_sound_ratio, -2.0, 1.0, VS_ENONPHYS), /* (−2)² > 4/3 but a ratio is > 0 */
        CASE2(vs_elastic_create_sound_ratio, 1.1547005383792515, 1.0, VS_ENONPHYS), /* √(4/3): K = 0 */
        CASE2(vs_elastic_create_sound_ratio, 2.0, 0.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_sound_ratio, 2.0, -1.0, VS_ENONPHYS),
        CASE2(vs_elastic_create_sound_ratio, 1e160, 1.0, VS_EINVAL), /* (c_l/c_t)² overflows */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char what[64];
        snprintf(what, sizeof what, "case %zu: %g, %g", c, cases[c].a, cases[c].b);
        vs_elastic *out = DUMMY;
        reset_error(cases[c].name);
        assert_failed(cases[c].fn(cases[c].a, cases[c].b, &out), cases[c].code, cases[c].name, what);
        assert_null(out);
        /* NULL output pointer with otherwise valid arguments */
        reset_error(cases[c].name);
        assert_failed(cases[c].fn(2.0, 1.0, NULL), VS_EINVAL, cases[c].name, "out = NULL");
    }
}

/* ---- Voigt, cubic, hexagonal ---- */

static void test_voigt_constructor_rejects_bad_input(void **state)
{
    (void)state;
    enum { NCASE = 14 };
    for (int c = 0; c < NCASE; c++) {
        double C[36];
        int code = VS_ENONPHYS;
        tu_isotropic_voigt(1.0, 1.0, C);
        switch (c) {
        case 0: C[7] = NAN; code = VS_EINVAL; break;
        case 1: C[0] = INFINITY; code = VS_EINVAL; break;
        case 2: C[35] = -INFINITY; code = VS_EINVAL; break;
        case 3: C[1] = 1.5; break;                              /* asymmetric: C12 ≠ C21 */
        case 4: C[3 * 6 + 0] = 1e-6; break;                     /* asymmetric coupling entry */
        case 5: C[21] = -1.0; break;                            /* C44 < 0: indefinite */
        case 6: C[21] = 0.0; break;                             /* C44 = 0: singular */
        case 7: tu_isotropic_voigt(2.0, -0.5, C); break;                 /* μ < 0 */
        case 8: tu_isotropic_voigt(-1.0, 1.0, C); break;                 /* K < 0 */
        case 9: memset(C, 0, sizeof C); break;                  /* zero */
        case 10: for (int i = 0; i < 36; i++) C[i] = -C[i]; break; /* negative definite */
        case 11: for (int i = 0; i < 36; i++) C[i] *= 1e200; code = VS_EINVAL; break;
        case 12: for (int i = 0; i < 36; i++) C[i] *= 1e-200; code = VS_EINVAL; break;
        case 13: /* rank one, v vᵀ: symmetric, positive semi-definite only */
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++)
                    C[a * 6 + b] = (a + 1.0) * (b + 1.0);
            break;
        }
        char what[32];
        snprintf(what, sizeof what, "case %d", c);
        vs_elastic *out = DUMMY;
        reset_error("vs_elastic_create_voigt");
        assert_failed(vs_elastic_create_voigt(C, &out), code, "vs_elastic_create_voigt", what);
        assert_null(out);
    }
    double C[36];
    tu_isotropic_voigt(1.0, 1.0, C);
    vs_elastic *out = DUMMY;
    reset_error("vs_elastic_create_voigt");
    assert_failed(vs_elastic_create_voigt(NULL, &out), VS_EINVAL, "vs_elastic_create_voigt", "C = NULL");
    assert_null(out);
    reset_error("vs_elastic_create_voigt");
    assert_failed(vs_elastic_create_voigt(C, NULL), VS_EINVAL, "vs_elastic_create_voigt", "out = NULL");
}

static void test_cubic_and_hexagonal_constructors_reject_bad_input(void **state)
{
    (void)state;
    const struct { double c11, c12, c44; int code; } cub[] = {
        {NAN, 1, 1, VS_EINVAL}, {2, NAN, 1, VS_EINVAL}, {2, 1, NAN, VS_EINVAL},
        {INFINITY, 1, 1, VS_EINVAL}, {2, -INFINITY, 1, VS_EINVAL}, {2, 1, INFINITY, VS_EINVAL},
        {2, 2, 1, VS_ENONPHYS},     /* C11 − C12 = 0 */
        {1, 2, 1, VS_ENONPHYS},     /* C11 − C12 < 0 */
        {1, -0.6, 1, VS_ENONPHYS},  /* C11 + 2C12 < 0 */
        {2, 1, 0, VS_ENONPHYS},     /* C44 = 0 */
        {2, 1, -1, VS_ENONPHYS},    /* C44 < 0 */
        {1e200, 1, 1, VS_EINVAL},   /* scale */
    };
    for (size_t c = 0; c < sizeof cub / sizeof cub[0]; c++) {
        char what[32];
        snprintf(what, sizeof what, "cubic case %zu", c);
        vs_elastic *out = DUMMY;
        reset_error("vs_elastic_create_cubic");
        assert_failed(vs_elastic_create_cubic(cub[c].c11, cub[c].c12, cub[c].c44, &out), cub[c].code,
                      "vs_elastic_create_cubic", what);
        assert_null(out);
    }
    reset_error("vs_elastic_create_cubic");
    assert_failed(vs_elastic_create_cubic(2, 1, 1, NULL), VS_EINVAL, "vs_elastic_create_cubic", "out = NULL");

    const double good[5] = {59.4, 25.6, 21.4, 61.6, 16.4};
    const struct { int idx; double value; int code; } hex[] = {
        {0, NAN, VS_EINVAL}, {1, NAN, VS_EINVAL}, {2, NAN, VS_EINVAL}, {3, NAN, VS_EINVAL}, {4, NAN, VS_EINVAL},
        {0, INFINITY, VS_EINVAL}, {2, -INFINITY, VS_EINVAL}, {4, INFINITY, VS_EINVAL},
        {4, 0.0, VS_ENONPHYS},     /* C44 = 0 */
        {4, -1.0, VS_ENONPHYS},    /* C44 < 0 */
        {1, 70.0, VS_ENONPHYS},    /* C12 > C11: C66 < 0 */
        {3, 0.0, VS_ENONPHYS},     /* C33 = 0 */
        {2, 80.0, VS_ENONPHYS},    /* C13² > C33 (C11 + C12)/2: normal block indefinite */
        {3, 1e200, VS_EINVAL},     /* scale */
    };
    for (size_t c = 0; c < sizeof hex / sizeof hex[0]; c++) {
        double p[5];
        memcpy(p, good, sizeof p);
        p[hex[c].idx] = hex[c].value;
        char what[32];
        snprintf(what, sizeof what, "hexagonal case %zu", c);
        vs_elastic *out = DUMMY;
        reset_error("vs_elastic_create_hexagonal");
        assert_failed(vs_elastic_create_hexagonal(p[0], p[1], p[2], p[3], p[4], &out), hex[c].code,
                      "vs_elastic_create_hexagonal", what);
        assert_null(out);
    }
    reset_error("vs_elastic_create_hexagonal");
    assert_failed(vs_elastic_create_hexagonal(good[0], good[1], good[2], good[3], good[4], NULL), VS_EINVAL,
                  "vs_elastic_create_hexagonal", "out = NULL");
}

static void test_clone_and_free_reject_bad_input(void **state)
{
    (void)state;
    vs_elastic *out = DUMMY, *el = good_iso();
    reset_error("vs_elastic_clone");
    assert_failed(vs_elastic_clone(NULL, &out), VS_EINVAL, "vs_elastic_clone", "el = NULL");
    assert_null(out);
    reset_error("vs_elastic_clone");
    assert_failed(vs_elastic_clone(el, NULL), VS_EINVAL, "vs_elastic_clone", "out = NULL");
    vs_elastic_free(el);
    vs_elastic_free(NULL); /* accepted, no effect */
}

/* ---- queries ---- */

typedef int (*query_fn)(const vs_elastic *, double *);

static void test_array_queries_reject_null(void **state)
{
    (void)state;
    const struct { query_fn fn; const char *name; int n; } q[] = {
        {vs_elastic_tensor, "vs_elastic_tensor", 81},
        {vs_elastic_voigt, "vs_elastic_voigt", 36},
        {vs_elastic_mandel, "vs_elastic_mandel", 36},
        {vs_elastic_mandel_sqrt, "vs_elastic_mandel_sqrt", 36},
        {vs_elastic_mandel_invsqrt, "vs_elastic_mandel_invsqrt", 36},
    };
    vs_elastic *el = good_aniso();
    for (size_t c = 0; c < sizeof q / sizeof q[0]; c++) {
        double buf[81];
        tu_fill(buf, 81);
        reset_error(q[c].name);
        assert_failed(q[c].fn(NULL, buf), VS_EINVAL, q[c].name, "el = NULL");
        tu_assert_untouched(buf, 81);
        reset_error(q[c].name);
        assert_failed(q[c].fn(el, NULL), VS_EINVAL, q[c].name, "out = NULL");
        assert_int_equal(q[c].fn(el, buf), VS_OK);
        assert_true(buf[q[c].n - 1] != SENTINEL);
        assert_true(q[c].n == 81 || buf[36] == SENTINEL); /* writes exactly its documented shape */
    }

    vs_symmetry sym = (vs_symmetry)77;
    reset_error("vs_elastic_symmetry");
    assert_failed(vs_elastic_symmetry(NULL, &sym), VS_EINVAL, "vs_elastic_symmetry", "el = NULL");
    assert_int_equal((int)sym, 77);
    reset_error("vs_elastic_symmetry");
    assert_failed(vs_elastic_symmetry(el, NULL), VS_EINVAL, "vs_elastic_symmetry", "sym = NULL");

    double w[6], V[36];
    tu_fill(w, 6);
    tu_fill(V, 36);
    reset_error("vs_elastic_mandel_eigen");
    assert_failed(vs_elastic_mandel_eigen(NULL, w, V), VS_EINVAL, "vs_elastic_mandel_eigen", "el = NULL");
    tu_assert_untouched(w, 6);
    tu_assert_untouched(V, 36);
    reset_error("vs_elastic_mandel_eigen");
    assert_failed(vs_elastic_mandel_eigen(el, NULL, NULL), VS_EINVAL, "vs_elastic_mandel_eigen", "w = V = NULL");

    reset_error("vs_spin_basis");
    assert_failed(vs_spin_basis(NULL), VS_EINVAL, "vs_spin_basis", "Q = NULL");
    vs_elastic_free(el);
}

static void test_moduli_and_speeds_reject_bad_input(void **state)
{
    (void)state;
    vs_elastic *iso = good_iso(), *an = good_aniso();
    double m[6];
    /* NULL handle / NULL output */
    tu_fill(m, 6);
    reset_error("vs_elastic_moduli");
    assert_failed(vs_elastic_moduli(NULL, VS_AVERAGE_HILL, m), VS_EINVAL, "vs_elastic_moduli", "el = NULL");
    tu_assert_untouched(m, 6);
    reset_error("vs_elastic_moduli");
    assert_failed(vs_elastic_moduli(iso, VS_AVERAGE_HILL, NULL), VS_EINVAL, "vs_elastic_moduli", "out = NULL");
    /* unknown averages */
    const int bad_avg[] = {-1, 4, 1000};
    for (size_t c = 0; c < sizeof bad_avg / sizeof bad_avg[0]; c++) {
        reset_error("vs_elastic_moduli");
        assert_failed(vs_elastic_moduli(an, (vs_average)bad_avg[c], m), VS_EINVAL, "vs_elastic_moduli", "bad avg");
        tu_assert_untouched(m, 6);
    }
    /* exact moduli of an anisotropic tensor do not exist */
    reset_error("vs_elastic_moduli");
    assert_failed(vs_elastic_moduli(an, VS_AVERAGE_EXACT, m), VS_ENONPHYS, "vs_elastic_moduli", "EXACT aniso");
    tu_assert_untouched(m, 6);

    double c2[2];
    tu_fill(c2, 2);
    reset_error("vs_elastic_sound_speeds");
    assert_failed(vs_elastic_sound_speeds(NULL, 1.0, c2), VS_EINVAL, "vs_elastic_sound_speeds", "el = NULL");
    reset_error("vs_elastic_sound_speeds");
    assert_failed(vs_elastic_sound_speeds(iso, 1.0, NULL), VS_EINVAL, "vs_elastic_sound_speeds", "out = NULL");
    const struct { double rho; int code; } rc[] = {
        {NAN, VS_EINVAL}, {INFINITY, VS_EINVAL}, {-INFINITY, VS_EINVAL}, {0.0, VS_EINVAL}, {-1.0, VS_EINVAL},
        {-DBL_TRUE_MIN, VS_EINVAL}, /* ρ = DBL_TRUE_MIN is valid: see test_elastic_extreme.c */
    };
    for (size_t c = 0; c < sizeof rc / sizeof rc[0]; c++) {
        reset_error("vs_elastic_sound_speeds");
        assert_failed(vs_elastic_sound_speeds(c % 2 ? an : iso, rc[c].rho, c2), rc[c].code,
                      "vs_elastic_sound_speeds", "bad rho");
        tu_assert_untouched(c2, 2);
    }
    vs_elastic_free(iso);
    vs_elastic_free(an);
}

static void test_christoffel_rejects_bad_input(void **state)
{
    (void)state;
    vs_elastic *el = good_aniso();
    double G[9], k[3] = {1, 2, 3};
    tu_fill(G, 9);
    reset_error("vs_elastic_christoffel");
    assert_failed(vs_elastic_christoffel(NULL, k, G), VS_EINVAL, "vs_elastic_christoffel", "el = NULL");
    reset_error("vs_elastic_christoffel");
    assert_failed(vs_elastic_christoffel(el, NULL, G), VS_EINVAL, "vs_elastic_christoffel", "khat = NULL");
    reset_error("vs_elastic_christoffel");
    assert_failed(vs_elastic_christoffel(el, k, NULL), VS_EINVAL, "vs_elastic_christoffel", "G = NULL");
    const double bad[][3] = {{NAN, 0, 0}, {0, INFINITY, 0}, {0, 0, -INFINITY}, {1, NAN, 1}, {0, 0, 0}, {-0.0, 0, 0}};
    for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++) {
        reset_error("vs_elastic_christoffel");
        assert_failed(vs_elastic_christoffel(el, bad[c], G), VS_EINVAL, "vs_elastic_christoffel", "bad khat");
    }
    tu_assert_untouched(G, 9);
    vs_elastic_free(el);
}

/* Strain test inputs: a valid symmetric strain and its corrupted variants. */
static void strain_case(int c, double *u, int *code)
{
    const double ok[9] = {0.1, 0.02, -0.03, 0.02, -0.2, 0.05, -0.03, 0.05, 0.3};
    memcpy(u, ok, sizeof ok);
    *code = VS_EINVAL;
    switch (c) {
    case 0: u[4] = NAN; break;
    case 1: u[2] = INFINITY; break;
    case 2: u[6] = -INFINITY; break;
    case 3: u[1] = 0.03; break;                /* u12 ≠ u21 */
    case 4: u[5] = 0.05 * (1.0 + 1e-9); break; /* asymmetric beyond 1e-12 relative */
    case 5: u[1] = u[3] = DBL_MAX; *code = VS_ENUMERIC; break; /* √2 u12 overflows */
    }
}
enum { NSTRAIN = 6 };

static void test_strain_conversions_reject_bad_input(void **state)
{
    (void)state;
    vs_elastic *el = good_aniso();
    double u[9], t[6], g[6], uo[9];
    int code;
    strain_case(-1, u, &code);
    tu_fill(t, 6);
    tu_fill(g, 6);
    tu_fill(uo, 9);

    reset_error("vs_strain_to_mandel");
    assert_failed(vs_strain_to_mandel(NULL, t), VS_EINVAL, "vs_strain_to_mandel", "u = NULL");
    reset_error("vs_strain_to_mandel");
    assert_failed(vs_strain_to_mandel(u, NULL), VS_EINVAL, "vs_strain_to_mandel", "t = NULL");
    reset_error("vs_elastic_strain_to_spin");
    assert_failed(vs_elastic_strain_to_spin(NULL, u, g), VS_EINVAL, "vs_elastic_strain_to_spin", "el = NULL");
    reset_error("vs_elastic_strain_to_spin");
    assert_failed(vs_elastic_strain_to_spin(el, NULL, g), VS_EINVAL, "vs_elastic_strain_to_spin", "u = NULL");
    reset_error("vs_elastic_strain_to_spin");
    assert_failed(vs_elastic_strain_to_spin(el, u, NULL), VS_EINVAL, "vs_elastic_strain_to_spin", "g = NULL");
    for (int c = 0; c < NSTRAIN; c++) {
        char what[32];
        snprintf(what, sizeof what, "strain case %d", c);
        strain_case(c, u, &code);
        reset_error("vs_strain_to_mandel");
        assert_failed(vs_strain_to_mandel(u, t), code, "vs_strain_to_mandel", what);
        reset_error("vs_elastic_strain_to_spin");
        assert_failed(vs_elastic_strain_to_spin(el, u, g), code, "vs_elastic_strain_to_spin", what);
    }
    tu_assert_untouched(t, 6);
    tu_assert_untouched(g, 6);

    double tg[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    reset_error("vs_mandel_to_strain");
    assert_failed(vs_mandel_to_strain(NULL, uo), VS_EINVAL, "vs_mandel_to_strain", "t = NULL");
    reset_error("vs_mandel_to_strain");
    assert_failed(vs_mandel_to_strain(tg, NULL), VS_EINVAL, "vs_mandel_to_strain", "u = NULL");
    reset_error("vs_elastic_spin_to_strain");
    assert_failed(vs_elastic_spin_to_strain(NULL, tg, uo), VS_EINVAL, "vs_elastic_spin_to_strain", "el = NULL");
    reset_error("vs_elastic_spin_to_strain");
    assert_failed(vs_elastic_spin_to_strain(el, NULL, uo), VS_EINVAL, "vs_elastic_spin_to_strain", "g = NULL");
    reset_error("vs_elastic_spin_to_strain");
    assert_failed(vs_elastic_spin_to_strain(el, tg, NULL), VS_EINVAL, "vs_elastic_spin_to_strain", "u = NULL");
    const double badv[] = {NAN, INFINITY, -INFINITY};
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < 6; i += 5) {
            double v[6];
            memcpy(v, tg, sizeof v);
            v[i] = badv[c];
            reset_error("vs_mandel_to_strain");
            assert_failed(vs_mandel_to_strain(v, uo), VS_EINVAL, "vs_mandel_to_strain", "non-finite t");
            reset_error("vs_elastic_spin_to_strain");
            assert_failed(vs_elastic_spin_to_strain(el, v, uo), VS_EINVAL, "vs_elastic_spin_to_strain", "non-finite g");
        }
    /* A finite spin vector whose strain overflows: M^{-1/2} Q g with |g_i| = DBL_MAX. */
    double gh[6];
    for (int i = 0; i < 6; i++)
        gh[i] = DBL_MAX;
    reset_error("vs_elastic_spin_to_strain");
    assert_failed(vs_elastic_spin_to_strain(el, gh, uo), VS_ENUMERIC, "vs_elastic_spin_to_strain", "overflow");
    tu_assert_untouched(uo, 9);
    vs_elastic_free(el);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isotropic_constructors_reject_bad_input),
        cmocka_unit_test(test_voigt_constructor_rejects_bad_input),
        cmocka_unit_test(test_cubic_and_hexagonal_constructors_reject_bad_input),
        cmocka_unit_test(test_clone_and_free_reject_bad_input),
        cmocka_unit_test(test_array_queries_reject_null),
        cmocka_unit_test(test_moduli_and_speeds_reject_bad_input),
        cmocka_unit_test(test_christoffel_rejects_bad_input),
        cmocka_unit_test(test_strain_conversions_reject_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
