/*
 * The single oscillator of Eq. 14 (Eqs. 15–17, Fig. 2; docs/meanfield.md, "The single oscillator"):
 *   f(φ, g) = ½(φ² + g²) − (T/a³) ln Z₁(βa³φg),
 * generalised to n components. Its minimum over φ is the radial problem of the mean field
 * (y = βa³φg = r*, K = βa³g²; spinavg.c), which is the paper's argument for the closure of Eq. 26.
 */
#include <float.h>

#include <libvoigtspin/oscillator.h>
#include "mf_internal.h"

static int check_osc(int n, double T, double a3, double g, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__mf_check_ncomp(n, func));
    VS_FORWARD_IF_ERROR(vs__check_finite(T, func, "T"));
    VS_FORWARD_IF_ERROR(vs__check_finite(a3, func, "a3"));
    VS_FORWARD_IF_ERROR(vs__check_finite(g, func, "g"));
    VS_RETURN_ERROR_IF(!(T > 0.0) || !(a3 > 0.0), VS_EINVAL, "%s: T = %g and a3 = %g must be > 0", func, T,
                       a3);
    VS_RETURN_ERROR_IF(!(g >= 0.0), VS_EINVAL, "%s: g = %g must be ≥ 0 (a magnitude)", func, g);
    return VS_OK;
}

VS_API int vs_oscillator_free_energy(int ncomp, double T, double a3, double phi, double g, double *f)
{
    VS_FORWARD_IF_ERROR(check_osc(ncomp, T, a3, g, __func__));
    VS_FORWARD_IF_ERROR(vs__check_finite(phi, __func__, "phi"));
    VS_CHECK_PTR(f);
    VS_RETURN_ERROR_IF(!(phi >= 0.0), VS_EINVAL, "%s: phi = %g must be ≥ 0 (a magnitude)", __func__, phi);
    double y = vs__mf_muldiv(a3, phi, g, T); /* βa³φg, the Bessel argument of Eq. 14 */
    double v = 0.5 * phi * phi + 0.5 * g * g;
    VS_RETURN_ERROR_IF(!isfinite(y) || !isfinite(v) || y > 1e100, VS_EINVAL,
                       "%s: arguments too large (a3·phi·g/T = %g, phi = %g, g = %g)", __func__, y, phi, g);
    /* (T/a³) ln Z₁(y) = φg · ln Z₁(y)/y: T/a³ alone may overflow (a³ = 5e-324) while the product is
     * ≤ φg ≤ v; ln Z₁(y)/y → y/(2n) as y → 0 (an underflowed y contributes < φg·1e-308). */
    double lnz_over_y = y > 0.0 ? vs__mf_lnz(ncomp, y) / y : 0.0;
    *f = v - phi * g * lnz_over_y;
    return VS_OK;
}

VS_API int vs_oscillator_minimize(int ncomp, double T, double a3, double g, double *phi_min, double *f_min)
{
    VS_FORWARD_IF_ERROR(check_osc(ncomp, T, a3, g, __func__));
    double K = vs__mf_muldiv(a3, g, g, T), r, G;
    VS_RETURN_ERROR_IF(!isfinite(K) || K > 1e100 || !isfinite(g * g), VS_EINVAL,
                       "%s: a3·g²/T = %g (g = %g) is too large", __func__, K, g);
    vs__mf_opts o;
    vs__mf_default_opts(&o);
    /* ∂f/∂φ = 0 ⇔ y = K L(y) with y = βa³φg, K = βa³g²: the radial equation of Eq. 24. */
    VS_FORWARD_IF_ERROR(vs__mf_gmin(ncomp, K, &o, &G, &r));
    /* In terms of K only (T/a³ = g²/K never formed, so a³ = 5e-324 cannot overflow it):
     * φ* = yT/(a³g) = g L(r*) and f(φ*) = ½g² + (T/a³) G_min = g²(½ + G_min/K); φ* = 0, f = ½g² below g_cr. */
    double L = 0.0;
    if (r > 0.0)
        vs__mf_langevin(ncomp, r, &L, NULL, NULL, NULL);
    if (phi_min)
        *phi_min = g * L;
    if (f_min)
        *f_min = r > 0.0 ? g * g * (0.5 + G / K) : 0.5 * g * g;
    return VS_OK;
}

VS_API int vs_oscillator_gcr(int ncomp, double T, double a3, double *gcr)
{
    VS_FORWARD_IF_ERROR(check_osc(ncomp, T, a3, 0.0, __func__));
    VS_CHECK_PTR(gcr);
    /* Eq. 17: the φ² coefficient of Eq. 15, 1 − g²βa³/n, vanishes. T/a³ may overflow where its square
     * root does not (a³ = 5e-324): then √(nT)/√a³. */
    double ratio = ncomp * T / a3;
    double v = isfinite(ratio) && ratio >= DBL_MIN ? sqrt(ratio) : sqrt((double)ncomp) * (sqrt(T) / sqrt(a3));
    VS_RETURN_ERROR_IF(!isfinite(v), VS_ENUMERIC, "%s: g_cr = √(n T/a3) overflows (T = %g, a3 = %g)",
                       __func__, T, a3);
    *gcr = v;
    return VS_OK;
}
