/*
 * The single-spin average behind the Hubbard–Stratonovich solution (paper Eqs. 14, 23–24):
 * Z₁(x) = ⟨e^{x ŝ·ê}⟩ over S^{n−1} = Γ(n/2)(2/x)^{n/2−1} I_{n/2−1}(x) (formula 9.6.18 of
 * Abramowitz–Stegun, quoted before Eq. 14), normalised so that Z₁(0) = 1, and its logarithmic
 * derivative L(x) = I_{n/2}(x)/I_{n/2−1}(x) (for n = 6: I₃/I₂; for n = 3: coth x − 1/x).
 *
 * Three regimes, chosen so that nothing underflows, overflows or loses precision:
 *  - x ≤ VS_MF_XSERIES: the convergent power series of Z₁ (GSL's I_n underflows for tiny x and its
 *    default error handler would abort; ln Z₁ ≈ x²/2n would also cancel catastrophically);
 *  - middle: GSL's exponentially scaled Bessel functions (I_n(x)e^{−x}, i_l(x)e^{−x}), so that
 *    ln I_ν(x) = x + ln(scaled) never overflows (|h| reaches 10⁵ and more at low T);
 *  - large x (≥ VS_MF_XASYM and wherever it has converged): the asymptotic series of y = 1 − L, which
 *    gives L' = −y' without the cancellation of 1 − L² − (n−1)L/x (needed for the heat capacity at
 *    low T and F₀'' at large g).
 */
#include <gsl/gsl_sf_bessel.h>
#include <gsl/gsl_sf_gamma.h>

#include "common/solve.h"
#include "mf_internal.h"

#define VS_MF_XSERIES 0.5
#define VS_MF_XASYM 20.0
#define VS_MF_NSERIES 14
#define VS_MF_NASYM 24

void vs__mf_default_opts(vs__mf_opts *o)
{
    o->root_rtol = 1e-14;
    o->max_iter = 500;
    o->degen_rtol = 1e-12;
    o->g_max = 1e3;
    o->g_grid = 400;
}

/* Power series Z₁ = Σ c_k x^{2k}, c_k = c_{k−1}/(2k(2k+n−2)): returns Σ_{k≥1} c_k x^{2k} in *s1 and
 * Σ_{k≥1} 2k c_k x^{2k−2} (= Z₁'(x)/x) in *s2. 14 terms reach 1e-25 relative at x = 0.5. */
static void series(int n, double x, double *s1, double *s2)
{
    double x2 = x * x, c = 1.0, p = 1.0, a = 0.0, b = 0.0;
    for (int k = 1; k <= VS_MF_NSERIES; k++) {
        c /= 2.0 * k * (2.0 * k + n - 2.0);
        b += 2.0 * k * c * p; /* p = x^{2k−2} */
        p *= x2;
        a += c * p;
    }
    *s1 = a;
    *s2 = b;
}

/* Scaled Bessel values e^{−x}I_ν(x) and e^{−x}I_{ν+1}(x), ν = n/2 − 1, for VS_MF_XSERIES < x.
 * Odd n uses the modified spherical Bessel functions: I_{l+1/2}(x) = √(2x/π) i_l(x), l = (n−3)/2;
 * the common factor √(2x/π) is returned separately in ln form (0 for even n). */
static void scaled_pair(int n, double x, double *i0, double *i1, double *lnfac)
{
    gsl_sf_result r0, r1;
    if (n % 2 == 0) {
        gsl_sf_bessel_In_scaled_e(n / 2 - 1, x, &r0);
        gsl_sf_bessel_In_scaled_e(n / 2, x, &r1);
        *lnfac = 0.0;
    } else {
        gsl_sf_bessel_il_scaled_e((n - 3) / 2, x, &r0);
        gsl_sf_bessel_il_scaled_e((n - 1) / 2, x, &r1);
        *lnfac = 0.5 * log(2.0 * x / M_PI);
    }
    *i0 = r0.val;
    *i1 = r1.val;
}

/* Asymptotic series of y = 1 − L(x) = Σ a_m x^{−m}, from the Riccati equation
 * L' = 1 − L² − (n−1)L/x: a_m = [Σ_{i+j=m} a_i a_j + (n−1)δ_{m1} + (m−n) a_{m−1}]/2.
 * Gives y and y' = −Σ m a_m x^{−m−1}. The series is asymptotic (its coefficients grow like (n²/4)^{m/2}
 * times factorials), so it is used only where it has converged to 1e-17 within VS_MF_NASYM terms;
 * returns 0 otherwise. */
static int asymptotic(int n, double x, double *y, double *dy)
{
    double a[VS_MF_NASYM + 1];
    double sy = 0.0, sdy = 0.0, xm = 1.0;
    a[0] = 0.0;
    for (int m = 1; m <= VS_MF_NASYM; m++) {
        double s = 0.0;
        for (int i = 1; i < m; i++)
            s += a[i] * a[m - i];
        a[m] = 0.5 * (s + (m == 1 ? n - 1.0 : 0.0) + (m - n) * a[m - 1]);
        xm /= x;
        double term = a[m] * xm;
        sy += term;
        sdy -= m * term / x;
        if (m > 1 && fabs(term) <= 1e-17 * fabs(sy) && fabs(a[m - 1] * xm * x) <= 1e-15 * fabs(sy)) {
            *y = sy;
            *dy = sdy;
            return 1;
        }
    }
    return 0;
}

double vs__mf_lnz_shifted(int n, double x)
{
    if (x <= VS_MF_XSERIES) {
        double s1, s2;
        series(n, x, &s1, &s2);
        return log1p(s1) - x;
    }
    double i0, i1, lnfac, nu = 0.5 * n - 1.0;
    scaled_pair(n, x, &i0, &i1, &lnfac);
    /* ln Z₁ = ln Γ(n/2) + ν ln 2 − ν ln x + ln I_ν(x), ln I_ν = x + ln(scaled) (+ ln √(2x/π)). */
    gsl_sf_result lg;
    gsl_sf_lngamma_e(0.5 * n, &lg); /* n/2 ∈ [1, 32]: inside GSL's domain, no error path */
    return lg.val + nu * M_LN2 - nu * log(x) + log(i0) + lnfac;
}

double vs__mf_lnz(int n, double x)
{
    if (x <= VS_MF_XSERIES) {
        double s1, s2;
        series(n, x, &s1, &s2);
        return log1p(s1);
    }
    return x + vs__mf_lnz_shifted(n, x);
}

void vs__mf_langevin(int n, double x, double *L, double *q, double *y, double *dL)
{
    double Lv, qv, yv, dLv;
    if (x <= VS_MF_XSERIES) {
        double s1, s2;
        series(n, x, &s1, &s2);
        /* s2 = Z₁'(x)/x; its k = 1 term is 2c₁ = 1/n, so q → 1/n as x → 0. */
        qv = s2 / (1.0 + s1);
        Lv = qv * x;
        yv = 1.0 - Lv;
        dLv = 1.0 - (n - 1.0) * qv - Lv * Lv;
    } else if (x >= VS_MF_XASYM && asymptotic(n, x, &yv, &dLv)) {
        /* L' = −y' without the cancellation of 1 − L² − (n−1)L/x, which would amplify the ~1e-13
         * relative noise of the GSL ratio by x²/(n−1) (relevant for C at low T and F₀'' at large g). */
        dLv = -dLv;
        Lv = 1.0 - yv;
        qv = Lv / x;
    } else {
        double i0, i1, lnfac;
        scaled_pair(n, x, &i0, &i1, &lnfac);
        Lv = i1 / i0;
        qv = Lv / x;
        yv = 1.0 - Lv;
        dLv = 1.0 - (n - 1.0) * qv - Lv * Lv;
    }
    if (L)
        *L = Lv;
    if (q)
        *q = qv;
    if (y)
        *y = yv;
    if (dL)
        *dL = dLv;
}

/* q(x) − 1/n = L(x)/x − 1/n. Near x = 0 both terms are ≈ 1/n; the series form
 *   n s₂ − Z₁ = −Σ_{k≥1} [2k/(2k+n)] c_k x^{2k}   (from c_{k+1} = c_k/(2(k+1)(2k+n)))
 * has terms of one sign, so the difference is obtained to full relative precision. */
double vs__mf_qdiff(int n, double x)
{
    if (x <= VS_MF_XSERIES) {
        double x2 = x * x, c = 1.0, p = 1.0, d = 0.0, s1, s2;
        for (int k = 1; k <= VS_MF_NSERIES; k++) {
            c /= 2.0 * k * (2.0 * k + n - 2.0);
            p *= x2;
            d += (2.0 * k / (2.0 * k + n)) * c * p;
        }
        series(n, x, &s1, &s2);
        return -d / (n * (1.0 + s1));
    }
    double q;
    vs__mf_langevin(n, x, NULL, &q, NULL, NULL);
    return q - 1.0 / n;
}

/* Largest number of Taylor terms of Z₁ used by the response series (enough for r ≤ VS_MF_RRESP + n/2
 * at 1e-18 relative: the terms peak near k ≈ r/2 and then fall faster than geometrically). */
#define VS_MF_NRESP 96
/* The response series is used for r ≤ VS_MF_RRESP + n/2: there 1 − rL'/L is small or moderate, while the
 * identity L' = 1 − L² − (n−1)L/r of the Bessel branch cancels (checked against mpmath: ≤ 1e-15
 * relative for n ≤ 20 at every T; see tests/meanfield/gen_threshold_reference.py). */
#define VS_MF_RRESP 20.0

/* C(r) = r² L'(r)/(1 − r L'(r)/L(r)) from the Taylor series of Z₁ in t = r², with every cancelling
 * combination expanded analytically (docs/meanfield.md, "Conditioning at the ordering threshold"):
 *   Z₁ = Σ c_k t^k,  Z₁'/r = s₂ = Σ 2k c_k t^{k−1},
 *   Z₁Z₁'' − Z₁'² = Σ_m t^{m−1} a_m,   a_m = Σ_{j+k=m} c_j c_k [2(j−k)² − m]        (so L' = A/Z₁²),
 *   Z₁Z₁' − rZ₁Z₁'' + rZ₁'² = r³ Σ_m t^{m−2} e_m,  e_m = 2Σ_{j+k=m} c_j c_k [m − (j−k)²]
 *                                                     (so 1 − rL'/L = t B/(Z₁ s₂)),
 * which gives C = A s₂/(Z₁ B) with A → 1/n, s₂ → 1/n, B → 2/(n²(n+2)), C → (n+2)/2 as r → 0. */
static double response_series(int n, double r)
{
    double c[VS_MF_NRESP + 1], t = r * r, p = 1.0;
    int M = 0;
    c[0] = 1.0;
    /* Truncate where the next Taylor term c_k t^k is negligible against the leading term c₂t² of the
     * cancelled combination B (not against Z₁ ≈ 1: B is O(t²) smaller near the threshold). */
    for (int k = 1; k <= VS_MF_NRESP; k++) {
        c[k] = c[k - 1] / (2.0 * k * (2.0 * k + n - 2.0));
        p *= t / (2.0 * k * (2.0 * k + n - 2.0)); /* c_k t^k */
        M = k;
        if (k >= 3 && p <= 1e-18 * c[2] * t * t)
            break;
    }
    /* Horner in t over m = 2M..0 of Z, s₂, A and B (pairs j, k ≤ M). */
    double Z = 0.0, S = 0.0, A = 0.0, B = 0.0;
    for (int m = 2 * M; m >= 0; m--) {
        double am = 0.0, em = 0.0;
        int jlo = m > M ? m - M : 0, jhi = m < M ? m : M;
        for (int j = jlo; j <= jhi; j++) {
            double d = (double)(2 * j - m), w = c[j] * c[m - j];
            am += w * (2.0 * d * d - m);
            em += w * (m - d * d);
        }
        if (m >= 1)
            A = A * t + am;
        if (m >= 2)
            B = B * t + 2.0 * em;
        if (m <= M) {
            Z = Z * t + c[m];
            if (m >= 1)
                S = S * t + 2.0 * m * c[m];
        }
    }
    return A * S / (Z * B);
}

double vs__mf_response(int n, double r)
{
    if (r <= VS_MF_RRESP + 0.5 * n)
        return response_series(n, r);
    /* Far from the threshold 1 − rL'/L is ≥ ~0.3 and the direct form does not cancel. */
    double L, dL;
    vs__mf_langevin(n, r, &L, NULL, NULL, &dL);
    return r * r * dL / (1.0 - r * dL / L);
}

/* a·b·c/d for a, b, c ≥ 0 and d > 0, without spurious overflow or underflow of the intermediate
 * products (mantissas and binary exponents handled separately). */
double vs__mf_muldiv(double a, double b, double c, double d)
{
    int ea, eb, ec, ed;
    double ma = frexp(a, &ea), mb = frexp(b, &eb), mc = frexp(c, &ec), md = frexp(d, &ed);
    return ldexp(ma * mb * mc / md, ea + eb + ec - ed);
}

typedef struct radial_par {
    int n;
    int near;    /* K < 2n: use the threshold form */
    double invK; /* 1/K */
    double dK;   /* 1/K − 1/n = (n − K)/(nK), formed without cancellation */
} radial_par;

/* Stationarity φ(r) = L(r)/r − 1/K: monotonically decreasing from 1/n − 1/K > 0 at r = 0 to
 * (L(K) − 1)/K < 0 at r = K, so [0, K] always brackets the unique ordered root.
 * Near the threshold (K < 2n) it is evaluated as [L(r)/r − 1/n] − [1/K − 1/n]: both brackets are
 * small as K → n⁺ and each is formed without cancellation, so r* is accurate to a few ulps there
 * (with L(r)/r − 1/K the root would carry a relative error ~ε n(n+2)/r*²). Far above it the plain
 * form is used (there q ≈ 1/r ≪ 1/n and the split would cost precision instead). */
static double radial_fn(double r, void *p)
{
    const radial_par *rp = p;
    if (rp->near)
        return vs__mf_qdiff(rp->n, r) - rp->dK;
    double q;
    vs__mf_langevin(rp->n, r, NULL, &q, NULL, NULL);
    return q - rp->invK;
}

/* Large K: r = K(1 − y(r)) is a contraction with factor ≈ (n−1)/(2K); start at K − (n−1)/2. */
static double radial_asymptotic(int n, double K)
{
    double r = K - 0.5 * (n - 1.0);
    for (int it = 0; it < 8; it++) {
        double y;
        vs__mf_langevin(n, r, NULL, NULL, &y, NULL);
        r = K * (1.0 - y);
    }
    return r;
}

int vs__mf_radial(int n, double K, const vs__mf_opts *o, double *r)
{
    return vs__mf_radial_dk(n, K, K - n, o, r);
}

int vs__mf_radial_dk(int n, double K, double Kmn, const vs__mf_opts *o, double *r)
{
    if (!isfinite(Kmn))
        Kmn = K - n;
    if (!(K > n)) {
        *r = 0.0; /* paramagnet: L(r)/r < 1/n ≤ 1/K for every r > 0 */
        return VS_OK;
    }
    if (K > 1e10) {
        *r = radial_asymptotic(n, K);
        return VS_OK;
    }
    radial_par rp = {n, K < 2.0 * n, 1.0 / K, -Kmn / (n * K)};
    double fhi = radial_fn(K, &rp);
    if (!(fhi < 0.0)) {
        *r = radial_asymptotic(n, K); /* L(K) rounds to 1: the asymptotic root is exact */
        return VS_OK;
    }
    return vs__brent_root(radial_fn, &rp, 0.0, K, radial_fn(0.0, &rp), fhi, o->root_rtol, o->max_iter, r);
}

double vs__mf_gradial(int n, double K, double r)
{
    /* r²/(2K) − r − (ln Z₁ − r): no overflow of r² and no cancellation of two O(K) terms. */
    return r > 0.0 ? r * (0.5 * r / K - 1.0) - vs__mf_lnz_shifted(n, r) : 0.0;
}

int vs__mf_gmin(int n, double K, const vs__mf_opts *o, double *G, double *r)
{
    double rr;
    VS_FORWARD_IF_ERROR(vs__mf_radial(n, K, o, &rr));
    if (G)
        *G = vs__mf_gradial(n, K, rr);
    if (r)
        *r = rr;
    return VS_OK;
}
