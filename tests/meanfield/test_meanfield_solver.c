/*
 * Physics of the mean-field solver (docs/meanfield.md, paper Eqs. 21–25, Figs. 3–4), checked against closed
 * forms and independent routes: the Bessel ratio computed here with unscaled GSL functions, the
 * Langevin function for n = 3, the Landau expansion at T_Curie, the T → 0 equipartition limit and
 * finite differences of the internal energy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sf_bessel.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

static vs_meanfield *mk_cs(double jc, double js)
{
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(jc, js, &mf), VS_OK);
    assert_non_null(mf);
    return mf;
}

/* Independent L(x) = I₃(x)/I₂(x) (n = 6) from unscaled GSL Bessel functions (x < 700). */
static double L6(double x)
{
    return gsl_sf_bessel_In(3, x) / gsl_sf_bessel_In(2, x);
}

/* Independent G(r) = r²/(2K) − ln[8 I₂(r)/r²] (Eq. 24 along the ordering direction, n = 6). */
static double G6(double K, double r)
{
    return r * r / (2.0 * K) - log(8.0 * gsl_sf_bessel_In(2, r) / (r * r));
}

static double order_magnitude(const vs_meanfield *mf, double T)
{
    double mc, ms;
    assert_int_equal(vs_meanfield_sector_fields(mf, T, NULL, NULL, &mc, &ms), VS_OK);
    return hypot(mc, ms);
}

static void test_curie_temperature_by_bisection_is_max_coupling_over_six(void **state)
{
    (void)state;
    const double ratios[] = {0.88, 1.0, 1.5};
    for (int k = 0; k < 3; k++) {
        vs_meanfield *mf = mk_cs(ratios[k] * 0.7, 0.7);
        double jmax = 0.7 * fmax(ratios[k], 1.0), lo = 0.01 * jmax, hi = jmax, Tc;
        assert_true(order_magnitude(mf, lo) > 0.0);
        assert_true(order_magnitude(mf, hi) == 0.0);
        for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
            double mid = 0.5 * (lo + hi);
            if (order_magnitude(mf, mid) > 0.0)
                lo = mid;
            else
                hi = mid;
        }
        assert_close(0.5 * (lo + hi), jmax / 6.0, 1e-12, 0.0); /* Eq. 25 */
        assert_int_equal(vs_meanfield_curie_temperature(mf, &Tc), VS_OK);
        assert_close(Tc, jmax / 6.0, 1e-15, 0.0);
        vs_meanfield_free(mf);
    }
}

/* Landau expansion: L(x) = x/6 − x³/288 + … gives m² ≈ 48(1 − T/T_c)·… and U = −4(T_c − T) just below
 * T_c, i.e. a heat-capacity jump of (n+2)/2 = 4 (n = 6). Both sides by finite differences of U. */
static void test_heat_capacity_jump_at_curie_is_four_for_six_components(void **state)
{
    (void)state;
    vs_meanfield *mf = mk_cs(1.0, 0.88);
    double Tc = 1.0 / 6.0, d = 1e-7 * Tc, U1, U2, U3, U4, Cb, Ca;
    assert_int_equal(vs_meanfield_thermo(mf, Tc - d, NULL, &U1, NULL, &Cb), VS_OK);
    assert_int_equal(vs_meanfield_thermo(mf, Tc - 2 * d, NULL, &U2, NULL, NULL), VS_OK);
    assert_int_equal(vs_meanfield_thermo(mf, Tc + d, NULL, &U3, NULL, &Ca), VS_OK);
    assert_int_equal(vs_meanfield_thermo(mf, Tc + 2 * d, NULL, &U4, NULL, NULL), VS_OK);
    assert_close((U1 - U2) / d, 4.0, 1e-5, 0.0);  /* below: dU/dT from two solves */
    assert_close(U1, -4.0 * d, 1e-5, 0.0);        /* U = −((n+2)/2)(T_c − T) */
    assert_close((U4 - U3) / d, 0.0, 0.0, 1e-300);  /* above: paramagnet, U ≡ 0 */
    assert_close(Cb, 4.0, 1e-5, 0.0);              /* analytic C from the left */
    assert_close(Ca, 0.0, 0.0, 0.0);
    vs_meanfield_free(mf);
}

/* General n: ΔC = (n+2)/2 (n = 3: 5/2), for even n (I_n) and odd n (spherical i_l) alike. */
static void test_heat_capacity_jump_is_n_plus_two_over_two_for_any_n(void **state)
{
    (void)state;
    for (int n = 2; n <= 12; n++) {
        double J[12];
        for (int a = 0; a < n; a++)
            J[a] = a == 0 ? 2.0 : 1.0 + 0.05 * a; /* J_max = 2 unique */
        vs_meanfield *mf = NULL;
        assert_int_equal(vs_meanfield_create(n, J, NULL, &mf), VS_OK);
        double Tc = 2.0 / n, C, U1, U2, d = 1e-7 * Tc;
        assert_int_equal(vs_meanfield_thermo(mf, Tc - d, NULL, &U1, NULL, &C), VS_OK);
        assert_int_equal(vs_meanfield_thermo(mf, Tc - 2 * d, NULL, &U2, NULL, NULL), VS_OK);
        assert_close(C, 0.5 * (n + 2), 1e-5, 0.0);
        assert_close((U1 - U2) / d, 0.5 * (n + 2), 1e-5, 0.0);
        vs_meanfield_free(mf);
    }
}

static void test_analytic_heat_capacity_matches_finite_differences(void **state)
{
    (void)state;
    const int ns[] = {3, 6};
    const double fr[] = {0.99, 0.9, 0.5, 0.1, 0.01};
    for (int k = 0; k < 2; k++) {
        int n = ns[k];
        double J[6] = {1.3, 0.9, 0.8, 0.7, 0.6, 0.5};
        vs_meanfield *mf = NULL;
        assert_int_equal(vs_meanfield_create(n, J, NULL, &mf), VS_OK);
        for (int i = 0; i < 5; i++) {
            double T = fr[i] * 1.3 / n, h = 1e-5 * T, Up, Um, C, F, U, S, Fp, Fm;
            assert_int_equal(vs_meanfield_thermo(mf, T, &F, &U, &S, &C), VS_OK);
            assert_int_equal(vs_meanfield_thermo(mf, T + h, &Fp, &Up, NULL, NULL), VS_OK);
            assert_int_equal(vs_meanfield_thermo(mf, T - h, &Fm, &Um, NULL, NULL), VS_OK);
            assert_close(C, (Up - Um) / (2 * h), 1e-6, 1e-9);
            /* S = −dF/dT: an independent check of the entropy and the free energy. */
            assert_close(S, -(Fp - Fm) / (2 * h), 1e-6, 1e-9);
        }
        vs_meanfield_free(mf);
    }
}

static void test_minimiser_satisfies_stationarity_with_independent_bessel_ratio(void **state)
{
    (void)state;
    const double Ts[] = {0.166, 0.15, 0.1, 0.05, 0.02, 0.005};
    vs_meanfield *mf = mk_cs(0.88, 1.0);
    double J[6];
    assert_int_equal(vs_meanfield_couplings(mf, J, NULL, NULL), VS_OK);
    for (int i = 0; i < 6; i++) {
        double T = Ts[i], h[6], m[6], res, r = 0.0;
        assert_int_equal(vs_meanfield_solve(mf, T, h, m, &res), VS_OK);
        for (int a = 0; a < 6; a++)
            r += h[a] * h[a];
        r = sqrt(r);
        assert_true(r > 0.0 && r < 650.0);
        double L = L6(r);
        for (int a = 0; a < 6; a++) {
            assert_close(h[a], (J[a] / T) * L * h[a] / r, 1e-11, 1e-300); /* h_α = βJ_α L(|h|) ĥ_α */
            assert_close(m[a], L * h[a] / r, 1e-11, 1e-300);
        }
        assert_true(res <= 1e-11 * r);
        /* and it is the minimum of Eq. 24 along r (independent G), equal to F/T */
        double K = 1.0 / T, F;
        assert_int_equal(vs_meanfield_thermo(mf, T, &F, NULL, NULL, NULL), VS_OK);
        assert_close(F / T, G6(K, r), 1e-10, 1e-14);
        assert_true(G6(K, r) <= G6(K, r * (1 + 1e-4)) && G6(K, r) <= G6(K, r * (1 - 1e-4)));
    }
    vs_meanfield_free(mf);
}

/* Fig. 3a / the paper's numbers, docs/theory.md: silica-like J_compr/J_shear = 0.88 orders shear. */
static void test_ratio_088_orders_shear(void **state)
{
    (void)state;
    vs_meanfield *mf = mk_cs(0.88, 1.0);
    double T = 0.1, hc, hs, mc, ms;
    vs_mf_phase ph;
    assert_int_equal(vs_meanfield_phase(mf, T, &ph), VS_OK);
    assert_int_equal(ph, VS_MF_SHEAR);
    assert_int_equal(vs_meanfield_sector_fields(mf, T, &hc, &hs, &mc, &ms), VS_OK);
    assert_true(hc == 0.0 && mc == 0.0);
    assert_true(hs > 0.0 && ms > 0.0);
    assert_close(hs, (1.0 / T) * ms, 1e-12, 0.0);
    /* the landscape agrees: G(0, h_s) < G(h_s, 0) (the same |h| put into the weaker compression sector) */
    double G[2], hcs[2] = {0.0, hs}, hss[2] = {hs, 0.0}, F;
    assert_int_equal(vs_meanfield_landscape(mf, T, 2, hcs, 1, &hss[0], G), VS_OK);
    assert_int_equal(vs_meanfield_thermo(mf, T, &F, NULL, NULL, NULL), VS_OK);
    assert_close(G[0], F / T, 1e-12, 1e-14);
    double Gc;
    assert_int_equal(vs_meanfield_landscape(mf, T, 1, &hcs[1], 1, &hss[1], &Gc), VS_OK);
    assert_true(G[0] < Gc);
    vs_mf_phase hot;
    assert_int_equal(vs_meanfield_phase(mf, 0.2, &hot), VS_OK);
    assert_int_equal(hot, VS_MF_PARAMAGNET);
    vs_meanfield_free(mf);
}

/* Fig. 3b: salol-like ratio 1.5 orders compression, with two minima ±h_c of equal depth. */
static void test_ratio_15_orders_compression_with_two_equal_minima(void **state)
{
    (void)state;
    vs_meanfield *mf = mk_cs(1.5, 1.0);
    double T = 0.15, hc, hs, F;
    vs_mf_phase ph;
    assert_int_equal(vs_meanfield_phase(mf, T, &ph), VS_OK);
    assert_int_equal(ph, VS_MF_COMPRESSION);
    assert_int_equal(vs_meanfield_sector_fields(mf, T, &hc, &hs, NULL, NULL), VS_OK);
    assert_true(hc > 0.0 && hs == 0.0);
    assert_int_equal(vs_meanfield_thermo(mf, T, &F, NULL, NULL, NULL), VS_OK);
    double hcs[2] = {hc, -hc}, zero = 0.0, G[2];
    assert_int_equal(vs_meanfield_landscape(mf, T, 2, hcs, 1, &zero, G), VS_OK);
    assert_close(G[0], G[1], 0.0, 0.0);
    assert_close(G[0], F / T, 1e-12, 1e-14);
    assert_true(G[0] < 0.0);
    /* a grid landscape (Fig. 3) finds its lowest points next to ±h_c on the h_s = 0 line */
    enum { NC = 81, NS = 41 };
    double gc[NC], gs[NS], *L = malloc(sizeof(double) * NC * NS);
    for (int i = 0; i < NC; i++)
        gc[i] = -2.0 * hc + 4.0 * hc * i / (NC - 1);
    for (int j = 0; j < NS; j++)
        gs[j] = 2.0 * hc * j / (NS - 1);
    assert_int_equal(vs_meanfield_landscape(mf, T, NC, gc, NS, gs, L), VS_OK);
    int best = 0;
    for (int k = 1; k < NC * NS; k++)
        if (L[k] < L[best])
            best = k;
    assert_int_equal(best % NS, 0);
    assert_close(fabs(gc[best / NS]), hc, 0.0, 4.0 * hc / (NC - 1));
    assert_true(L[best] >= G[0] - 1e-12);
    free(L);
    vs_meanfield_free(mf);
}

/* J_compr = J_shear: the six-fold degenerate minimum, reported with equal components. */
static void test_equal_couplings_give_degenerate_sphere_of_minima(void **state)
{
    (void)state;
    vs_meanfield *mf = mk_cs(1.0, 1.0);
    double T = 0.1, h[6], hc, hs, r = 0.0;
    vs_mf_phase ph;
    assert_int_equal(vs_meanfield_phase(mf, T, &ph), VS_OK);
    assert_int_equal(ph, VS_MF_BOTH);
    assert_int_equal(vs_meanfield_solve(mf, T, h, NULL, NULL), VS_OK);
    for (int a = 0; a < 6; a++)
        r += h[a] * h[a];
    r = sqrt(r);
    for (int a = 1; a < 6; a++)
        assert_close(h[a], h[0], 1e-15, 0.0);
    assert_int_equal(vs_meanfield_sector_fields(mf, T, &hc, &hs, NULL, NULL), VS_OK);
    assert_close(hc, r / sqrt(6.0), 1e-14, 0.0);
    assert_close(hs, r * sqrt(5.0 / 6.0), 1e-14, 0.0);
    /* every direction on the sphere has the same G */
    double G[2], a1 = r, z = 0.0;
    assert_int_equal(vs_meanfield_landscape(mf, T, 1, &a1, 1, &z, &G[0]), VS_OK);
    assert_int_equal(vs_meanfield_landscape(mf, T, 1, &z, 1, &a1, &G[1]), VS_OK);
    assert_close(G[0], G[1], 1e-14, 0.0);
    vs_meanfield_free(mf);
}

/* T → 0: U → −J_max/2 + (n−1)T/2 (n−1 transverse quadratic modes), C → (n−1)/2, |h| ≈ J/T up to 1e100. */
static void test_low_temperature_limit_without_overflow(void **state)
{
    (void)state;
    vs_meanfield *mf = mk_cs(0.88, 1.0);
    const double Ts[] = {1e-3, 1e-4, 1e-5, 1e-8, 1e-12, 1e-60, 1e-100};
    for (int i = 0; i < 7; i++) {
        double T = Ts[i], F, U, S, C, hs;
        assert_int_equal(vs_meanfield_thermo(mf, T, &F, &U, &S, &C), VS_OK);
        assert_int_equal(vs_meanfield_sector_fields(mf, T, NULL, &hs, NULL, NULL), VS_OK);
        assert_true(isfinite(F) && isfinite(U) && isfinite(S) && isfinite(C));
        assert_close(hs, 1.0 / T - 2.5, 1e-15, 10.0 * T); /* r = K − (n−1)/2 + O(1/K) */
        assert_close(U, -0.5 + 2.5 * T, 1e-15, 20.0 * T * T);
        assert_close(C, 2.5, 1e-15, 20.0 * T);
        assert_true(S < 0.0 && F >= U); /* ordering lowers the entropy below that of free spins */
        /* n−1 = 5 classical transverse modes: S → 5/2 − (5/2) ln(J/T) + 3 ln 2 − ½ ln 2π */
        assert_close(S, 2.5 - 2.5 * log(1.0 / T) + 3.0 * log(2.0) - 0.5 * log(2.0 * M_PI), 1e-14, 10.0 * T);
    }
    vs_meanfield_free(mf);
}

/* n = 3: L is the Langevin function coth x − 1/x (an independent closed form). */
static void test_three_components_follow_the_langevin_function(void **state)
{
    (void)state;
    double J[3] = {0.5, 2.0, 1.0};
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create(3, J, NULL, &mf), VS_OK);
    double Tc;
    assert_int_equal(vs_meanfield_curie_temperature(mf, &Tc), VS_OK);
    assert_close(Tc, 2.0 / 3.0, 1e-15, 0.0);
    const double Ts[] = {0.66, 0.5, 0.2, 0.01, 1e-4};
    for (int i = 0; i < 5; i++) {
        double T = Ts[i], h[3], m[3];
        assert_int_equal(vs_meanfield_solve(mf, T, h, m, NULL), VS_OK);
        assert_true(h[0] == 0.0 && h[2] == 0.0 && h[1] > 0.0);
        double x = h[1], langevin = 1.0 / tanh(x) - 1.0 / x;
        assert_close(m[1], langevin, 1e-12, 0.0);
        assert_close(x, (2.0 / T) * langevin, 1e-12, 0.0);
    }
    vs_meanfield_free(mf);
}

/* General eigenvectors: the same physics as (J_compr, J_shear) = (1.5, 1) with the eigenvectors permuted
 * (compression at column 3) and rotated inside the shear sector; the compression index is found from
 * the overlap with spin-basis e₁ and every result agrees with the compr/shear constructor. */
static void test_general_eigenvectors_give_the_same_physics(void **state)
{
    (void)state;
    double J[6] = {1.0, 1.0, 1.0, 1.5, 1.0, 1.0}, V[36] = {0};
    double c = cos(0.4), s = sin(0.4);
    /* column 3 = e1 (compression); columns 0, 1 = rotation of e2, e3; columns 2, 4, 5 = e4, e5, e6 */
    V[0 * 6 + 3] = 1.0;
    V[1 * 6 + 0] = c;
    V[2 * 6 + 0] = s;
    V[1 * 6 + 1] = -s;
    V[2 * 6 + 1] = c;
    V[3 * 6 + 2] = 1.0;
    V[4 * 6 + 4] = 1.0;
    V[5 * 6 + 5] = 1.0;
    vs_meanfield *a = NULL, *b = mk_cs(1.5, 1.0);
    assert_int_equal(vs_meanfield_create(6, J, V, &a), VS_OK);
    int ic;
    assert_int_equal(vs_meanfield_couplings(a, NULL, NULL, &ic), VS_OK);
    assert_int_equal(ic, 3);
    const double Ts[] = {0.05, 0.2, 0.3};
    for (int i = 0; i < 3; i++) {
        double ha[4], hb[4], ta[4], tb[4], h[6];
        vs_mf_phase pa, pb;
        assert_int_equal(vs_meanfield_sector_fields(a, Ts[i], &ha[0], &ha[1], &ha[2], &ha[3]), VS_OK);
        assert_int_equal(vs_meanfield_sector_fields(b, Ts[i], &hb[0], &hb[1], &hb[2], &hb[3]), VS_OK);
        assert_int_equal(vs_meanfield_thermo(a, Ts[i], &ta[0], &ta[1], &ta[2], &ta[3]), VS_OK);
        assert_int_equal(vs_meanfield_thermo(b, Ts[i], &tb[0], &tb[1], &tb[2], &tb[3]), VS_OK);
        assert_int_equal(vs_meanfield_phase(a, Ts[i], &pa), VS_OK);
        assert_int_equal(vs_meanfield_phase(b, Ts[i], &pb), VS_OK);
        assert_int_equal(pa, pb);
        for (int k = 0; k < 4; k++) {
            assert_close(ha[k], hb[k], 1e-14, 0.0);
            assert_close(ta[k], tb[k], 1e-14, 0.0);
        }
        assert_int_equal(vs_meanfield_solve(a, Ts[i], h, NULL, NULL), VS_OK);
        assert_close(h[3], ha[0], 0.0, 0.0); /* h_c is the component along the compression column */
    }
    vs_meanfield_free(a);
    vs_meanfield_free(b);
}

/* Fig. 4: the phase diagram agrees point by point with single solves and with T_c = max J/6. */
static void test_phase_diagram_matches_single_solves(void **state)
{
    (void)state;
    enum { NT = 7, NR = 5 };
    const double T[NT] = {0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.4};
    const double ratio[NR] = {0.88, 1.0, 1.2, 1.5, 1.6};
    int phase[NT * NR];
    double mc[NT * NR], ms[NT * NR];
    assert_int_equal(vs_meanfield_phase_diagram(1.0, NT, T, NR, ratio, phase, mc, ms), VS_OK);
    for (int i = 0; i < NT; i++)
        for (int j = 0; j < NR; j++) {
            int k = i * NR + j;
            double Tc = fmax(ratio[j], 1.0) / 6.0;
            if (T[i] >= Tc) {
                assert_int_equal(phase[k], VS_MF_PARAMAGNET);
                assert_true(mc[k] == 0.0 && ms[k] == 0.0);
                continue;
            }
            int want = ratio[j] > 1.0 ? VS_MF_COMPRESSION : ratio[j] < 1.0 ? VS_MF_SHEAR : VS_MF_BOTH;
            assert_int_equal(phase[k], want);
            vs_meanfield *mf = mk_cs(ratio[j], 1.0);
            double c, s;
            assert_int_equal(vs_meanfield_sector_fields(mf, T[i], NULL, NULL, &c, &s), VS_OK);
            assert_close(mc[k], fabs(c), 1e-15, 0.0);
            assert_close(ms[k], s, 1e-15, 0.0);
            vs_meanfield_free(mf);
        }
}

/* The phase diagram at J_shear ≠ 1 (issue 9, defect 13: a phase_diagram that ignored J_shear passed the
 * suite, which only ever used J_shear = 1). J_shear = 2.5: T_c = max(ratio, 1)·2.5/6, and the order
 * parameters are checked against mpmath (tests/meanfield/gen_threshold_reference.py, "phase diagram"). */
static void test_phase_diagram_scales_with_shear_coupling(void **state)
{
    (void)state;
    enum { NT = 3, NR = 2 };
    const double Js = 2.5, T[NT] = {0.3, 0.5, 0.62}, ratio[NR] = {0.8, 1.5};
    int phase[NT * NR];
    double mc[NT * NR], ms[NT * NR];
    assert_int_equal(vs_meanfield_phase_diagram(Js, NT, T, NR, ratio, phase, mc, ms), VS_OK);
    /* ratio 0.8: shear orders below T_c = 2.5/6 = 0.41667 */
    assert_int_equal(phase[0 * NR + 0], VS_MF_SHEAR);
    assert_close(ms[0 * NR + 0], 0.57930106619587018, 1e-14, 0.0);
    assert_true(mc[0 * NR + 0] == 0.0);
    assert_int_equal(phase[1 * NR + 0], VS_MF_PARAMAGNET);
    assert_int_equal(phase[2 * NR + 0], VS_MF_PARAMAGNET);
    /* ratio 1.5: compression orders below T_c = 3.75/6 = 0.625 */
    assert_int_equal(phase[0 * NR + 1], VS_MF_COMPRESSION);
    assert_int_equal(phase[1 * NR + 1], VS_MF_COMPRESSION);
    assert_close(mc[1 * NR + 1], 0.49675013658545425, 1e-14, 0.0);
    assert_int_equal(phase[2 * NR + 1], VS_MF_COMPRESSION);
    assert_close(mc[2 * NR + 1], 0.10311457524662884, 1e-13, 0.0);
    assert_true(ms[1 * NR + 1] == 0.0);
}

/* Bridge to the coupling handle: σ = 0.35 gives J_compr/J_shear = 1.5 (Eq. 22), so compression orders
 * with T_c = E0 K/(6(λ+2μ)); the dipolar kernel gives n = 3, ⟨k̂k̂ᵀ⟩ = I/3, T_c = E0/9. */
static void test_create_from_coupling_uses_averaged_eigenvalues(void **state)
{
    (void)state;
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_elastic_create_poisson_shear(0.35, 1.0, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-12, &c), VS_OK);
    assert_int_equal(vs_meanfield_create_from_coupling(c, 2.0, &mf), VS_OK);
    assert_int_equal(vs_meanfield_ncomp(mf), 6);
    double mu = 1.0, K = 2.0 * mu * 1.35 / (3.0 * 0.3), lam = K - 2.0 * mu / 3.0, Tc, J[6], V[36];
    int ic;
    assert_int_equal(vs_meanfield_curie_temperature(mf, &Tc), VS_OK);
    assert_close(Tc, 2.0 * K / (lam + 2 * mu) / 6.0, 1e-10, 0.0);
    assert_int_equal(vs_meanfield_couplings(mf, J, V, &ic), VS_OK);
    assert_close(fabs(V[0 * 6 + ic]), 1.0, 1e-10, 0.0); /* compression eigenvector = spin-basis e1 */
    double js = 0.0;
    for (int a = 0; a < 6; a++)
        if (a != ic)
            js = fmax(js, J[a]);
    assert_close(J[ic] / js, 1.5, 1e-10, 0.0);
    vs_mf_phase ph;
    assert_int_equal(vs_meanfield_phase(mf, 0.5 * Tc, &ph), VS_OK);
    assert_int_equal(ph, VS_MF_COMPRESSION);
    vs_meanfield_free(mf);
    vs_coupling_free(c);
    vs_elastic_free(el);

    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_meanfield_create_from_coupling(c, 1.0, &mf), VS_OK);
    assert_int_equal(vs_meanfield_ncomp(mf), 3);
    assert_int_equal(vs_meanfield_curie_temperature(mf, &Tc), VS_OK);
    assert_close(Tc, 1.0 / 9.0, 1e-12, 0.0);
    assert_int_equal(vs_meanfield_phase(mf, 0.5 * Tc, &ph), VS_OK);
    assert_int_equal(ph, VS_MF_BOTH);
    double C;
    assert_int_equal(vs_meanfield_thermo(mf, Tc * (1 - 1e-7), NULL, NULL, NULL, &C), VS_OK);
    assert_close(C, 2.5, 1e-5, 0.0); /* ΔC = (n+2)/2 for n = 3 */
    vs_meanfield_free(mf);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curie_temperature_by_bisection_is_max_coupling_over_six),
        cmocka_unit_test(test_heat_capacity_jump_at_curie_is_four_for_six_components),
        cmocka_unit_test(test_heat_capacity_jump_is_n_plus_two_over_two_for_any_n),
        cmocka_unit_test(test_analytic_heat_capacity_matches_finite_differences),
        cmocka_unit_test(test_minimiser_satisfies_stationarity_with_independent_bessel_ratio),
        cmocka_unit_test(test_ratio_088_orders_shear),
        cmocka_unit_test(test_ratio_15_orders_compression_with_two_equal_minima),
        cmocka_unit_test(test_equal_couplings_give_degenerate_sphere_of_minima),
        cmocka_unit_test(test_low_temperature_limit_without_overflow),
        cmocka_unit_test(test_three_components_follow_the_langevin_function),
        cmocka_unit_test(test_general_eigenvectors_give_the_same_physics),
        cmocka_unit_test(test_phase_diagram_matches_single_solves),
        cmocka_unit_test(test_phase_diagram_scales_with_shear_coupling),
        cmocka_unit_test(test_create_from_coupling_uses_averaged_eigenvalues),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
