/*
 * Monte Carlo moves (docs/lattice.md, "Evaluation"): the exact energy change of one spin move
 * s_m → s'_m of the Hamiltonian of paper Eq. 18 (with the uniform and on-site terms and the
 * self-image block T(0)) in O(ncomp²), and the update of the configuration, every field and the
 * total spin in O(N ncomp²).
 */
#include <float.h>
#include <math.h>

#include "lattice_internal.h"

static int check_move(const vs_lattice *lat, const double *s, const double *h, size_t m, const double *snew,
                      const char *func)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, func));
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(h, func, "h"));
    VS_FORWARD_IF_ERROR(vs__lattice_check_site(lat, m, func));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(snew, (size_t)lat->nc, func, "snew"));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(s + m * (size_t)lat->nc, (size_t)lat->nc, func, "s[m]"));
    return vs__check_finite_array(h + m * (size_t)lat->nc, (size_t)lat->nc, func, "h[m]");
}

/* Finite check that also returns max |a_i| (for the overflow bound of vs_lattice_update). */
static int max_abs_finite(const double *a, size_t n, const char *func, const char *what, double *mx)
{
    double m = 0.0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double x = fabs(a[i]);
        bad |= !(x <= DBL_MAX); /* NaN or inf */
        m = x > m ? x : m;
    }
    if (bad)
        return vs__check_finite_array(a, n, func, what);
    *mx = m;
    return VS_OK;
}

VS_API int vs_lattice_delta_energy(const vs_lattice *lat, const double *s, const double *h, const double *M,
                                   size_t m, const double *snew, double *dE)
{
    VS_FORWARD_IF_ERROR(check_move(lat, s, h, m, snew, __func__));
    VS_CHECK_PTR(dE);
    if (M)
        VS_FORWARD_IF_ERROR(vs__check_finite_array(M, (size_t)lat->nc, __func__, "M"));
    int nc = lat->nc;
    const double *sm = s + m * nc, *hm = h + m * nc;
    double d[VS__LAT_MAXNC], T0[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int a = 0; a < nc; a++)
        d[a] = snew[a] - sm[a];
    /* Pair part: h_m already contains T(0) s_m (self-images), so
     * ΔE = −E0 [δ·h_m + ½ δᵀ T(0) δ]. */
    vs__lattice_block(lat, m, m, T0);
    double e = 0.0;
    for (int a = 0; a < nc; a++)
        e += d[a] * hm[a];
    e += 0.5 * vs__lattice_quad(nc, T0, d, d);
    if (lat->D)
        e += 0.5 * (vs__lattice_quad(nc, lat->D, snew, snew) - vs__lattice_quad(nc, lat->D, sm, sm));
    if (lat->U) {
        double Mloc[VS__LAT_MAXNC];
        if (M == NULL) {
            vs__lattice_total(lat, s, Mloc);
            /* a non-finite sum comes from a non-finite spin (named here) or from an overflow
             * (then the energy change is not finite either: VS_ENUMERIC below) */
            if (vs__lattice_check_finite_fast(Mloc, (size_t)nc, __func__, "M") != VS_OK)
                VS_FORWARD_IF_ERROR(vs__lattice_check_finite_fast(s, vs__lattice_nvals(lat), __func__, "s"));
            M = Mloc;
        }
        e += (vs__lattice_quad(nc, lat->U, d, M) + 0.5 * vs__lattice_quad(nc, lat->U, d, d)) /
             (double)lat->geo.nsites;
    }
    e *= -lat->opt.e0;
    VS_RETURN_ERROR_IF(!isfinite(e), VS_ENUMERIC, "%s: the energy change overflows", __func__);
    *dE = e;
    return VS_OK;
}

VS_API int vs_lattice_update(const vs_lattice *lat, double *s, double *h, double *M, size_t m,
                             const double *snew)
{
    double hmax = 0.0, Mmax = 0.0, dmax = 0.0;
    VS_FORWARD_IF_ERROR(check_move(lat, s, h, m, snew, __func__));
    VS_FORWARD_IF_ERROR(max_abs_finite(h, vs__lattice_nvals(lat), __func__, "h", &hmax));
    VS_FORWARD_IF_ERROR(vs__lattice_check_finite_fast(s, vs__lattice_nvals(lat), __func__, "s"));
    if (M)
        VS_FORWARD_IF_ERROR(max_abs_finite(M, (size_t)lat->nc, __func__, "M", &Mmax));
    int nc = lat->nc;
    double d[VS__LAT_MAXNC], T[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int a = 0; a < nc; a++) {
        d[a] = snew[a] - s[m * nc + a];
        dmax = fmax(dmax, fabs(d[a]));
    }
    /* Nothing is changed on error, so overflow is excluded beforehand: |h_n + T δ| ≤
     * max|h| + nc·max|T|·max|δ|, and |M + δ| ≤ max|M| + max|δ|. */
    double bound = fmax(hmax + nc * lat->tmax * dmax, Mmax + dmax);
    VS_RETURN_ERROR_IF(!(dmax <= DBL_MAX && bound <= DBL_MAX), VS_ENUMERIC,
                       "%s: the fields would overflow (spins or fields too large)", __func__);
    for (size_t n = 0; n < lat->geo.nsites; n++) {
        vs__lattice_block(lat, n, m, T);
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++)
                h[n * nc + a] += T[a * nc + b] * d[b];
    }
    for (int a = 0; a < nc; a++) {
        s[m * nc + a] = snew[a];
        if (M)
            M[a] += d[a];
    }
    return VS_OK;
}
