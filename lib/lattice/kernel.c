/*
 * The pair kernel of paper Eqs. 18–19 in harmonic form, J(r) = (v0/r³) Σ_{l≥2} (−1)^{l/2} γ_l A_l(r̂)
 * (docs/lattice.md, "Hamiltonian and units"; docs/theory.md, "Lattice Hamiltonian"), and the
 * regularised incomplete gamma functions Q of its Ewald split (docs/lattice.md, "Ewald sum").
 */
#include <math.h>
#include <string.h>

#include "lattice_internal.h"

int vs__kernel_init(vs__kernel *k, const vs_coupling *c, int nc)
{
    k->c = c;
    if (c == NULL) {
        VS_RETURN_ERROR_IF(nc < 1 || nc > VS__LAT_MAXNC, VS_EINVAL,
                           "lattice: ncomp = %d must be in 1..%d without a coupling", nc, VS__LAT_MAXNC);
        k->nc = nc;
        k->lmax = -1;
        return VS_OK;
    }
    int cn = vs_coupling_ncomp(c);
    VS_RETURN_ERROR_IF(cn < 1 || cn > VS__LAT_MAXNC, VS_EINVAL, "lattice: coupling has %d components", cn);
    VS_RETURN_ERROR_IF(nc != 0 && nc != cn, VS_EINVAL,
                       "lattice: ncomp = %d but the coupling has %d components", nc, cn);
    int lmax = 0;
    VS_FORWARD_IF_ERROR(vs_coupling_lmax(c, &lmax));
    VS_RETURN_ERROR_IF(lmax < 0 || lmax > VS__LAT_MAXL || lmax % 2 != 0, VS_EINVAL,
                       "lattice: coupling lmax = %d unsupported (even, ≤ %d)", lmax, VS__LAT_MAXL);
    k->nc = cn;
    k->lmax = lmax;
    return VS_OK;
}

int vs__kernel_harmonics(const vs__kernel *k, const double *n, double *A)
{
    return vs_coupling_harmonics(k->c, n, A);
}

/* ln Γ(x) for x > 0 without touching libm's global `signgam` (which lgamma() writes: a data race
 * with the host and between concurrent lattice creations). */
static double lngamma(double x)
{
    int sign;
    return lgamma_r(x, &sign);
}

double vs__gamma_l(int l)
{
    /* γ_l = Γ((l+3)/2) / (π^{3/2} Γ(l/2)); l = 0 gives 0 (1/Γ(0) = 0: the contact term). */
    if (l <= 0)
        return 0.0;
    return exp(lngamma(0.5 * (l + 3)) - lngamma(0.5 * l)) / pow(M_PI, 1.5);
}

double vs__gamma_q(int twice_a, double y)
{
    /* Closed forms of the regularised upper incomplete gamma function for the only orders the
     * Ewald split needs (a integer or half-integer); tests check them against GSL's
     * gsl_sf_gamma_inc_Q_e. Each step adds a positive term, so the recurrence is stable, and
     * huge y underflows quietly to 0 (no GSL error path). */
    if (twice_a <= 0)
        return y > 0.0 ? 0.0 : 1.0;
    if (!(y > 0.0))
        return 1.0;
    double q, a;
    if (twice_a % 2 == 0) {
        q = exp(-y); /* Q(1, y) */
        a = 1.0;
    } else {
        q = erfc(sqrt(y)); /* Q(1/2, y) */
        a = 0.5;
    }
    double ly = log(y);
    while (2.0 * a < twice_a - 0.5) {
        /* Q(a+1, y) = Q(a, y) + y^a e^{-y} / Γ(a+1) */
        q += exp(a * ly - y - lngamma(a + 1.0));
        a += 1.0;
    }
    return q;
}

double vs__gamma_q_inverse(int twice_a, double eps)
{
    double lo = 0.0, hi = 1.0;
    while (vs__gamma_q(twice_a, hi) > eps && hi < 1e6)
        hi *= 2.0;
    for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (vs__gamma_q(twice_a, mid) > eps)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

int vs__pair_kernel(const vs__kernel *k, double v0, const double *r, double *J)
{
    int nc = k->nc, nn = nc * nc;
    double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
    memset(J, 0, (size_t)nn * sizeof *J);
    if (k->lmax < 2)
        return VS_OK;
    double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    double rr = sqrt(r2);
    VS_FORWARD_IF_ERROR(vs__kernel_harmonics(k, r, A));
    /* J(r) = (v0/r³) Σ_{l≥2} (−1)^{l/2} γ_l A_l(r̂) — Eq. 19's principal-value real-space form. */
    for (int l = 2; l <= k->lmax; l += 2) {
        double w = v0 / (rr * r2) * ((l / 2) % 2 ? -1.0 : 1.0) * vs__gamma_l(l);
        const double *Al = A + (size_t)(l / 2) * nn;
        for (int i = 0; i < nn; i++)
            J[i] += w * Al[i];
    }
    return VS_OK;
}
