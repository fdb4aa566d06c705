/*
 * The analysis of `voigtspin fragility` (tools/fragility.c) on input with known answers:
 * - the axis conversions σ ↔ c_l/c_t ↔ K/G ↔ J_compr/J_shear against the library's own elastic and
 *   coupling handles (vs_elastic_moduli, vs_coupling_average, vs_coupling_ratio_from_*) and the
 *   closed forms, and as round trips;
 * - the peak of a known parabola (exact), the propagated errors against the closed-form derivatives
 *   of the vertex for equally spaced points;
 * - the trapezoid rule: exact for a linear C(T), the known O(h²) error for a quadratic one, the
 *   error bar against sqrt(Σ w² dy²) written out by hand;
 * - the weighted line fit on exact data and against the textbook formula for two points;
 * - the compression share of a configuration built to be pure compression, pure shear or random.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"
#include "fragility.h"

static void test_sigma_to_clct_and_kg_match_the_elastic_handle(void **state)
{
    (void)state;
    for (double s = -0.9; s < 0.49; s += 0.07) {
        vs_elastic *el = NULL;
        double mod[6];
        assert_int_equal(vs_elastic_create_poisson_shear(s, 1.0, &el), VS_OK);
        assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_EXACT, mod), VS_OK);
        assert_close(frag_clct_from_sigma(s), mod[5], 1e-13, 0);
        assert_close(frag_kg_from_sigma(s), mod[0] / mod[1], 1e-13, 0);
        /* closed forms of the brief */
        assert_close(frag_clct_from_sigma(s), sqrt(2 * (1 - s) / (1 - 2 * s)), 1e-15, 0);
        assert_close(frag_kg_from_sigma(s), 2 * (1 + s) / (3 * (1 - 2 * s)), 1e-15, 0);
        /* round trips */
        assert_close(frag_sigma_from_clct(frag_clct_from_sigma(s)), s, 1e-12, 1e-14);
        assert_close(frag_sigma_from_kg(frag_kg_from_sigma(s)), s, 1e-12, 1e-14);
        assert_close(frag_sigma_from_ratio(frag_ratio_from_sigma(s)), s, 1e-12, 1e-14);
        vs_elastic_free(el);
    }
}

static void test_ratio_matches_the_coupling_handle(void **state)
{
    (void)state;
    for (double s = -0.9; s < 0.49; s += 0.07) {
        vs_elastic *el = NULL;
        vs_coupling *c = NULL;
        double J[36], r, rs, rm, mod[6];
        assert_int_equal(vs_elastic_create_poisson_shear(s, 1.0, &el), VS_OK);
        assert_int_equal(vs_coupling_create(el, 1e-9, &c), VS_OK);
        assert_int_equal(vs_coupling_average(c, J, NULL), VS_OK);
        assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_EXACT, mod), VS_OK);
        assert_int_equal(vs_coupling_ratio_from_poisson(s, &r), VS_OK);
        assert_int_equal(vs_coupling_ratio_from_sound(frag_clct_from_sigma(s), &rs), VS_OK);
        assert_int_equal(vs_coupling_ratio_from_moduli(mod[0], mod[1], &rm), VS_OK);
        double q = frag_ratio_from_sigma(s);
        assert_close(q, J[0] / J[7], 1e-12, 0); /* ⟨J̃⟩ = diag(J_compr, J_shear ×5) in the spin basis */
        assert_close(q, r, 1e-13, 0);
        assert_close(q, rs, 1e-12, 0);
        assert_close(q, rm, 1e-12, 0);
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
    /* the paper's special point: J_compr = J_shear at σ = 1/5, c_l/c_t = √(8/3) ≈ 1.63, K/G = 4/3 */
    assert_close(frag_ratio_from_sigma(0.2), 1.0, 1e-15, 0);
    assert_close(frag_clct_from_sigma(0.2), sqrt(8.0 / 3.0), 1e-15, 0);
    assert_close(frag_kg_from_sigma(0.2), 4.0 / 3.0, 1e-15, 0);
}

static void test_conversions_refuse_unphysical_values(void **state)
{
    (void)state;
    double bad_sigma[] = {-1.0, 0.5, 0.7, NAN, INFINITY};
    for (size_t k = 0; k < sizeof bad_sigma / sizeof *bad_sigma; k++) {
        assert_true(isnan(frag_clct_from_sigma(bad_sigma[k])));
        assert_true(isnan(frag_kg_from_sigma(bad_sigma[k])));
        assert_true(isnan(frag_ratio_from_sigma(bad_sigma[k])));
    }
    assert_true(isnan(frag_sigma_from_clct(1.0))); /* below √(4/3) */
    assert_true(isnan(frag_sigma_from_clct(sqrt(4.0 / 3.0))));
    assert_true(isnan(frag_sigma_from_clct(NAN)));
    assert_true(isnan(frag_sigma_from_kg(0.0)));
    assert_true(isnan(frag_sigma_from_kg(-1.0)));
    assert_true(isnan(frag_sigma_from_ratio(2.5)));
    assert_true(isnan(frag_sigma_from_ratio(0.0)));
}

/* C = c0 − a (T − T0)²: the vertex is (T0, c0) exactly, for unequal spacings too. */
static void test_peak_of_a_known_parabola(void **state)
{
    (void)state;
    double T[6] = {0.5, 0.61, 0.7, 0.83, 0.9, 1.1}, C[6], dC[6];
    const double T0 = 0.74, c0 = 3.7, a = 12.0;
    for (int k = 0; k < 6; k++) {
        C[k] = c0 - a * (T[k] - T0) * (T[k] - T0);
        dC[k] = 0.05;
    }
    double Tp, dTp, Cp, dCp;
    assert_int_equal(frag_peak(6, T, C, dC, &Tp, &dTp, &Cp, &dCp), 0);
    assert_close(Tp, T0, 1e-12, 0);
    assert_close(Cp, c0, 1e-12, 0);
    assert_true(dTp > 0 && dCp > 0);
}

/* Equal spacing h, y0, y1, y2: u* = h (y0 − y2) / (2 (y0 − 2y1 + y2)), y* = y1 − (y0 − y2)² / (8 (y0 − 2y1 + y2)).
 * The derivatives written out by hand give the propagated errors. */
static void test_peak_errors_match_the_closed_form(void **state)
{
    (void)state;
    const double h = 0.1, y[3] = {2.9, 3.4, 3.1}, e[3] = {0.07, 0.04, 0.09};
    double T[3] = {1.0, 1.0 + h, 1.0 + 2 * h}, Tp, dTp, Cp, dCp;
    assert_int_equal(frag_peak(3, T, y, e, &Tp, &dTp, &Cp, &dCp), 0);
    double D = y[0] - 2 * y[1] + y[2], d = y[0] - y[2];
    assert_close(Tp, T[1] + h * d / (2 * D), 1e-13, 0);
    assert_close(Cp, y[1] - d * d / (8 * D), 1e-13, 0);
    /* the derivatives of the vertex position and height by y_i */
    double gu[3] = {h / (2 * D) - h * d / (2 * D * D), h * d / (D * D), -h / (2 * D) - h * d / (2 * D * D)};
    double gy[3] = {-d / (4 * D) + d * d / (8 * D * D), 1 - d * d / (4 * D * D),
                    d / (4 * D) + d * d / (8 * D * D)};
    double vu = 0, vy = 0;
    for (int i = 0; i < 3; i++) {
        vu += gu[i] * gu[i] * e[i] * e[i];
        vy += gy[i] * gy[i] * e[i] * e[i];
    }
    assert_close(dTp, sqrt(vu), 1e-6, 0);
    assert_close(dCp, sqrt(vy), 1e-6, 0);
}

static void test_peak_at_an_end_is_refused(void **state)
{
    (void)state;
    double T[4] = {1, 2, 3, 4}, C[4] = {4, 3, 2, 1}, D[4] = {4, 3, 3.5, 1}, dC[4] = {0.1, 0.1, 0.1, 0.1}, Tp,
           dTp, Cp, dCp;
    assert_int_equal(frag_peak(4, T, C, dC, &Tp, &dTp, &Cp, &dCp), 1);
    assert_true(isnan(Tp) && isnan(Cp) && isnan(dTp) && isnan(dCp));
    assert_int_equal(frag_peak(4, T, D, dC, &Tp, &dTp, &Cp, &dCp), 1);
    assert_int_equal(frag_peak(2, T, C, dC, &Tp, &dTp, &Cp, &dCp), -1);
}

/* ∫ (2 + 3T) dT over [0.3, 1.7] = 2·1.4 + 1.5 (1.7² − 0.3²) exactly; ∫ T² dT with step h has the
 * trapezoid error (b − a) h²/6 exactly (second derivative constant). */
static void test_trapezoid_known_integrals(void **state)
{
    (void)state;
    double x[8] = {0.3, 0.4, 0.65, 0.8, 1.0, 1.3, 1.45, 1.7}, y[8], dy[8], I, dI;
    for (int k = 0; k < 8; k++) {
        y[k] = 2 + 3 * x[k];
        dy[k] = 0.01 * (k + 1);
    }
    assert_int_equal(frag_trapezoid(8, x, y, dy, &I, &dI), 0);
    assert_close(I, 2 * 1.4 + 1.5 * (1.7 * 1.7 - 0.3 * 0.3), 1e-14, 0);
    double w[8] = {0.05, 0.175, 0.2, 0.175, 0.25, 0.225, 0.2, 0.125}, v = 0;
    for (int k = 0; k < 8; k++)
        v += w[k] * w[k] * dy[k] * dy[k];
    assert_close(dI, sqrt(v), 1e-14, 0);
    double u[11], q[11], dq[11];
    for (int k = 0; k <= 10; k++) {
        u[k] = 1.0 + 0.1 * k;
        q[k] = u[k] * u[k];
        dq[k] = 0;
    }
    assert_int_equal(frag_trapezoid(11, u, q, dq, &I, &dI), 0);
    assert_close(I, (8.0 - 1.0) / 3.0 + 1.0 * 0.01 / 6.0, 1e-13, 0);
    assert_int_equal(frag_trapezoid(1, u, q, dq, &I, &dI), -1);
}

static void test_line_fit_exact_and_two_points(void **state)
{
    (void)state;
    double x[5] = {0.1, 0.2, 0.35, 0.5, 0.9}, y[5], dy[5] = {0.1, 0.2, 0.1, 0.3, 0.2}, a, da, b, db, chi2;
    for (int k = 0; k < 5; k++)
        y[k] = 4.0 - 2.5 * x[k];
    assert_int_equal(frag_fit_line(5, x, y, dy, &a, &da, &b, &db, &chi2), 0);
    assert_close(a, 4.0, 1e-13, 0);
    assert_close(b, -2.5, 1e-12, 0);
    assert_close(chi2, 0.0, 0, 1e-20);
    /* two points: the line through them; var(a) = (x1² s0² + x0² s1²)/(x1 − x0)² */
    double X[2] = {0.2, 0.5}, Y[2] = {3.1, 3.7}, S[2] = {0.05, 0.08};
    assert_int_equal(frag_fit_line(2, X, Y, S, &a, &da, &b, &db, &chi2), 0);
    assert_close(b, 2.0, 1e-13, 0);
    assert_close(a, 2.7, 1e-13, 0);
    assert_close(da, sqrt(X[1] * X[1] * S[0] * S[0] + X[0] * X[0] * S[1] * S[1]) / 0.3, 1e-12, 0);
    assert_close(db, sqrt(S[0] * S[0] + S[1] * S[1]) / 0.3, 1e-12, 0);
    double Z[2] = {0, 0};
    assert_int_equal(frag_fit_line(2, X, Y, Z, &a, &da, &b, &db, &chi2), -1);
    assert_int_equal(frag_fit_line(2, Z, Y, S, &a, &da, &b, &db, &chi2), -1);
}

/* A staggered pure-compression (or pure-shear) configuration at k = (π, 0, 0) on a 4-site chain of
 * an sc lattice; random spins give about 1/6. */
static void test_compression_share_of_built_configurations(void **state)
{
    (void)state;
    enum { N = 64 };
    double r[3 * N], s[6 * N], k[3] = {M_PI, 0, 0};
    for (int m = 0; m < N; m++) {
        r[3 * m] = m % 4;
        r[3 * m + 1] = (m / 4) % 4;
        r[3 * m + 2] = m / 16;
    }
    for (int m = 0; m < N; m++)
        for (int a = 0; a < 6; a++)
            s[6 * m + a] = a == 0 ? (m % 2 ? -1.0 : 1.0) : 0.0;
    assert_close(frag_compression_share(N, s, r, k), 1.0, 1e-14, 0);
    for (int m = 0; m < N; m++)
        for (int a = 0; a < 6; a++)
            s[6 * m + a] = a == 3 ? (m % 2 ? -1.0 : 1.0) : 0.0;
    assert_close(frag_compression_share(N, s, r, k), 0.0, 0, 1e-28);
    /* random unit spins, many configurations: the mean share is 1/6 (each component carries
     * 1/6 of |F|² on average by symmetry); 200 configurations, |mean − 1/6| < 4 standard errors */
    uint64_t seed = 12345;
    double sum = 0, sum2 = 0;
    for (int t = 0; t < 200; t++) {
        for (int m = 0; m < N; m++) {
            double n2 = 0;
            for (int a = 0; a < 6; a++) {
                s[6 * m + a] = tu_normal(&seed);
                n2 += s[6 * m + a] * s[6 * m + a];
            }
            for (int a = 0; a < 6; a++)
                s[6 * m + a] /= sqrt(n2);
        }
        double f = frag_compression_share(N, s, r, k);
        sum += f;
        sum2 += f * f;
    }
    double mean = sum / 200, se = sqrt((sum2 / 200 - mean * mean) / 199);
    assert_true(fabs(mean - 1.0 / 6.0) < 4 * se);
    double zero[6 * N] = {0};
    assert_true(isnan(frag_compression_share(N, zero, r, k)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigma_to_clct_and_kg_match_the_elastic_handle),
        cmocka_unit_test(test_ratio_matches_the_coupling_handle),
        cmocka_unit_test(test_conversions_refuse_unphysical_values),
        cmocka_unit_test(test_peak_of_a_known_parabola),
        cmocka_unit_test(test_peak_errors_match_the_closed_form),
        cmocka_unit_test(test_peak_at_an_end_is_refused),
        cmocka_unit_test(test_trapezoid_known_integrals),
        cmocka_unit_test(test_line_fit_exact_and_two_points),
        cmocka_unit_test(test_compression_share_of_built_configurations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
