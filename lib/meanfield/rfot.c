/* RFOT relations quoted by the paper (Eqs. 1–2 and the text around them; SPEC §4.6). k_B = 1. */
#include <libvoigtspin/rfot.h>
#include "internal.h"

/* Check that each of n values is finite and > 0 (or ≥ 0 where allow_zero). */
static int check_pos(double x, int allow_zero, const char *func, const char *what)
{
    int st = vs__check_finite(x, func, what);
    if (st != VS_OK)
        return st;
    if (allow_zero ? !(x >= 0.0) : !(x > 0.0))
        return vs__error(VS_EINVAL, "%s: %s = %g must be %s", func, what, x, allow_zero ? "≥ 0" : "> 0");
    return VS_OK;
}

static int put_finite(double v, double *out, const char *func)
{
    if (!isfinite(v))
        return vs__error(VS_ENUMERIC, "%s: result overflows a double", func);
    *out = v;
    return VS_OK;
}

VS_API int vs_rfot_tau(double tau_vibr, double s_c, double *tau)
{
    int st = check_pos(tau_vibr, 0, __func__, "tau_vibr");
    if (st != VS_OK || (st = check_pos(s_c, 0, __func__, "s_c")) != VS_OK || (st = vs__check_ptr(tau, __func__, "tau")) != VS_OK)
        return st;
    /* Eq. 1. When e^{32/s_c} alone overflows, exp(ln τ_vibr + 32/s_c) may still be representable. */
    double e = 32.0 / s_c;
    return put_finite(e < 700.0 ? tau_vibr * exp(e) : exp(log(tau_vibr) + e), tau, __func__);
}

VS_API int vs_rfot_viscosity(double T, double a, double d_L, double tau_mean, double *eta)
{
    int st = check_pos(T, 0, __func__, "T");
    if (st != VS_OK || (st = check_pos(a, 0, __func__, "a")) != VS_OK || (st = check_pos(d_L, 0, __func__, "d_L")) != VS_OK ||
        (st = check_pos(tau_mean, 1, __func__, "tau_mean")) != VS_OK || (st = vs__check_ptr(eta, __func__, "eta")) != VS_OK)
        return st;
    /* Eq. 2: η = 2k_BT ⟨τ⟩/(π a d_L²). */
    return put_finite(2.0 * T / (M_PI * a * d_L * d_L) * tau_mean, eta, __func__);
}

VS_API int vs_rfot_viscosity_lindemann(double T, double a, double tau_mean, double *eta)
{
    int st = check_pos(a, 0, __func__, "a");
    if (st != VS_OK)
        return st;
    return vs_rfot_viscosity(T, a, 0.1 * a, tau_mean, eta); /* d_L ≈ a/10 (Lindemann) */
}

VS_API int vs_rfot_fragility(double dcp, double *m)
{
    int st = check_pos(dcp, 1, __func__, "dcp");
    if (st != VS_OK || (st = vs__check_ptr(m, __func__, "m")) != VS_OK)
        return st;
    *m = 34.7 * dcp;
    return VS_OK;
}

VS_API int vs_rfot_fragility_from_entropy(double s_c, double dcp, double *m)
{
    int st = check_pos(s_c, 0, __func__, "s_c");
    if (st != VS_OK || (st = check_pos(dcp, 1, __func__, "dcp")) != VS_OK || (st = vs__check_ptr(m, __func__, "m")) != VS_OK)
        return st;
    /* log₁₀τ = log₁₀τ_vibr + 32/(s_c ln 10); d/d(T_g/T) = −T d/dT at T_g; T ds_c/dT = Δc_p. */
    return put_finite(32.0 * dcp / (M_LN10 * s_c * s_c), m, __func__);
}
