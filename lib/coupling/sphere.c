/* Quadrature on the unit sphere and real spherical harmonics (paper App. B averages; docs/coupling.md,
 * "⟨J̃⟩" and "Harmonics"). The bottom layer of lib/coupling: generic, no coupling handle (sphere.h). */
#include <string.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_legendre.h>

#include <libvoigtspin/coupling.h>

#include "common/internal.h"
#include "sphere.h"

/* Orders GSL tabulates (gsl/integration/glfixed.c): for these gsl_integration_glfixed_table_alloc
 * returns a pointer to a static table and allocates nothing, so it cannot fail and cannot reach GSL's
 * (by default aborting) error handler. Every order the library uses is one of them. */
static int gsl_tabulates(int nt)
{
    static const int tab[] = {32, 64, 96, 100, 128, 256, 512, 1024};
    if (nt >= 2 && nt <= 20)
        return 1;
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (tab[i] == nt)
            return 1;
    return 0;
}

int vs__sphere_check_tol(double tol, const char *func)
{
    VS_RETURN_ERROR_IF(!isfinite(tol) || !(tol > 0.0), VS_EINVAL, "%s: tol = %g must be finite and > 0", func,
                       tol);
    return VS_OK;
}

int vs__gauss_legendre(int nt, double *x, double *w)
{
    VS_RETURN_ERROR_IF(!gsl_tabulates(nt), VS_EINVAL, "Gauss-Legendre order %d is not tabulated by GSL", nt);
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc((size_t)nt);
    if (t == NULL || !t->precomputed) { /* a GSL that computes this order would allocate: refuse */
        gsl_integration_glfixed_table_free(t);
        return vs__error(VS_EUNSUPPORTED, "Gauss-Legendre order %d is not tabulated by this GSL", nt);
    }
    for (int i = 0; i < nt; i++)
        gsl_integration_glfixed_point(-1.0, 1.0, (size_t)i, x + i, w + i, t);
    gsl_integration_glfixed_table_free(t); /* a no-op for a static table */
    return VS_OK;
}

size_t vs__ylm_scratch_size(int lmax)
{
    return gsl_sf_legendre_array_n((size_t)lmax);
}

void vs__legendre_spharm(int lmax, double z, double *P)
{
    /* gsl_sf_legendre_array_e signals a domain error (→ GSL's aborting handler) for |z| > 1: clamp
     * (callers pass z = cos θ of a unit vector; NaN cannot occur, but maps to −1 rather than reach GSL). */
    z = z > 1.0 ? 1.0 : (z >= -1.0 ? z : -1.0);
    /* SPHARM: √((2l+1)/4π · (l−m)!/(l+m)!) P_l^m(z), m ≥ 0, no Condon–Shortley phase. */
    gsl_sf_legendre_array_e(GSL_SF_LEGENDRE_SPHARM, (size_t)lmax, z, 1.0, P);
}

double vs__legendre_at(const double *P, int l, int m)
{
    return P[gsl_sf_legendre_array_index((size_t)l, (size_t)m)];
}

double vs__spharm_real_factor(int m)
{
    return m == 0 ? 1.0 : M_SQRT2;
}

void vs__real_ylm(int lmax, double z, double cphi, double sphi, double *scratch, double *Y)
{
    /* The real basis √2 Re/Im of the complex Y_lm is orthonormal on the sphere. */
    vs__legendre_spharm(lmax, z, scratch);
    double cm = 1.0, sm = 0.0;
    for (int l = 0; l <= lmax; l++)
        Y[l * l + l] = vs__legendre_at(scratch, l, 0);
    for (int m = 1; m <= lmax; m++) {
        double c = cm * cphi - sm * sphi; /* cos mφ, sin mφ by the angle-addition recurrence */
        sm = sm * cphi + cm * sphi;
        cm = c;
        for (int l = m; l <= lmax; l++) {
            double p = M_SQRT2 * vs__legendre_at(scratch, l, m);
            Y[l * l + l + m] = p * cm;
            Y[l * l + l - m] = p * sm;
        }
    }
}

/* One order of the product rule: n_θ Gauss–Legendre nodes in cos θ × 2n_θ trapezoid nodes in φ;
 * exact for polynomials of degree ≤ 2n_θ − 1 in k̂. */
static int sphere_rule(int n, vs__sphere_fn f, void *ctx, int nt, int user, const char *func, double *sum,
                       double *val)
{
    int st = VS_OK;
    double *x = vs__calloc((size_t)nt, 2 * sizeof *x, &st);
    if (x == NULL)
        return st;
    double *w = x + nt;
    VS_GOTO_IF_ERROR(st, vs__gauss_legendre(nt, x, w), out);
    const int np = 2 * nt;
    memset(sum, 0, (size_t)n * sizeof *sum);
    for (int i = 0; i < nt; i++) {
        double s = sqrt(fmax(0.0, 1.0 - x[i] * x[i]));
        double wt = w[i] / (2.0 * np); /* (1/4π) · w_i · 2π/n_φ */
        for (int j = 0; j < np; j++) {
            double phi = 2.0 * M_PI * j / np;
            double k[3] = {s * cos(phi), s * sin(phi), x[i]};
            int rc = f(k, val, ctx);
            if (rc != 0) { /* a user callback's status becomes VS_ECALLBACK; the library's own is passed on */
                st = user ? vs__error(VS_ECALLBACK, "%s: callback returned %d at khat = (%g, %g, %g)", func,
                                      rc, k[0], k[1], k[2])
                          : rc;
                goto out;
            }
            for (int a = 0; a < n; a++) {
                if (user && !isfinite(val[a])) {
                    st = vs__error(VS_ECALLBACK, "%s: callback value %d is not finite", func, a);
                    goto out;
                }
                sum[a] += wt * val[a];
            }
        }
    }
out:
    vs__free(x);
    return st;
}

int vs__sphere_average(int n, vs__sphere_fn f, void *ctx, double tol, int user, const char *func,
                       double *avg, double *abserr)
{
    static const int orders[] = {4, 6, 8, 12, 16, 20, 32, 64, 96, 128, 256};
    const int norders = (int)(sizeof orders / sizeof orders[0]);
    int st = VS_OK;
    double *buf = vs__calloc((size_t)n, 3 * sizeof *buf, &st);
    if (buf == NULL)
        return st;
    double *prev = buf, *cur = buf + n, *val = buf + 2 * (size_t)n;
    double diff = INFINITY;
    for (int o = 0; o < norders; o++) {
        VS_GOTO_IF_ERROR(st, sphere_rule(n, f, ctx, orders[o], user, func, cur, val), out);
        /* Finite integrand values can still sum past DBL_MAX; never return such an average (and a NaN
         * difference must not pass the test below through fmax, which ignores NaN). */
        for (int a = 0; a < n; a++)
            if (!isfinite(cur[a])) {
                st = vs__error(VS_ENUMERIC, "%s: average component %d overflows a double (n_theta = %d)", func,
                               a, orders[o]);
                goto out;
            }
        if (o > 0) {
            diff = 0.0;
            for (int a = 0; a < n; a++)
                diff = fmax(diff, fabs(cur[a] - prev[a]));
            if (diff <= tol) {
                memcpy(avg, cur, (size_t)n * sizeof *avg);
                if (abserr)
                    *abserr = diff;
                goto out; /* st = VS_OK */
            }
        }
        double *t = prev;
        prev = cur;
        cur = t;
    }
    st = vs__error(VS_ENOCONV, "%s: sphere quadrature reached n_theta = %d with change %g > tol = %g", func,
                   orders[norders - 1], diff, tol);
out:
    vs__free(buf);
    return st;
}

VS_API int vs_sphere_average(int n, vs_sphere_fn f, void *ctx, double tol, double *avg, double *abserr)
{
    VS_RETURN_ERROR_IF(f == NULL, VS_EINVAL, "%s: integrand is NULL", __func__);
    VS_RETURN_ERROR_IF(avg == NULL, VS_EINVAL, "%s: output array is NULL", __func__);
    VS_RETURN_ERROR_IF(n < 1 || n > 1000000, VS_EINVAL, "%s: n = %d outside [1, 1e6]", __func__, n);
    VS_FORWARD_IF_ERROR(vs__sphere_check_tol(tol, __func__));
    return vs__sphere_average(n, f, ctx, tol, 1, __func__, avg, abserr);
}
