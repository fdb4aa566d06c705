/* RFOT relations quoted by the paper (Eqs. 1–2 and the text around them; docs/meanfield.md, "RFOT
 * relations"). k_B = 1. */
#include <libvoigtspin/rfot.h>
#include "common/internal.h"

/* Check that x is finite and > 0 (or ≥ 0 where allow_zero). */
static int check_pos(double x, int allow_zero, const char *func, const char *what)
{
    VS_FORWARD_IF_ERROR(vs__check_finite(x, func, what));
    VS_RETURN_ERROR_IF(allow_zero ? !(x >= 0.0) : !(x > 0.0), VS_EINVAL, "%s: %s = %g must be %s", func, what,
                       x, allow_zero ? "≥ 0" : "> 0");
    return VS_OK;
}

static int put_finite(double v, double *out, const char *func)
{
    VS_RETURN_ERROR_IF(!isfinite(v), VS_ENUMERIC, "%s: result overflows a double", func);
    *out = v;
    return VS_OK;
}

/* coef · Π num[i] / Π den[j] for finite num ≥ 0 and den > 0 (already checked), evaluated on
 * mantissas and exponents separately (frexp) so that no intermediate product or quotient overflows
 * or underflows: the result is the correctly scaled value whenever it is representable (a subnormal
 * or zero when it underflows), and ::VS_ENUMERIC when it exceeds DBL_MAX. */
static int put_scaled(double coef, const double *num, int nn, const double *den, int nd, double *out,
                      const char *func)
{
    int e = 0, ei;
    double m = frexp(coef, &ei); /* every factor as m·2^e with m ∈ [0.5, 1), renormalised after each step */
    e += ei;
    for (int i = 0; i < nn; i++) {
        if (num[i] == 0.0)
            return put_finite(0.0, out, func);
        m *= frexp(num[i], &ei);
        e += ei;
        m = frexp(m, &ei);
        e += ei;
    }
    for (int j = 0; j < nd; j++) {
        m /= frexp(den[j], &ei);
        e -= ei;
        m = frexp(m, &ei);
        e += ei;
    }
    return put_finite(ldexp(m, e), out, func); /* one final rounding: to +inf above DBL_MAX, to 0 below */
}

VS_API int vs_rfot_tau(double tau_vibr, double s_c, double *tau)
{
    VS_FORWARD_IF_ERROR(check_pos(tau_vibr, 0, __func__, "tau_vibr"));
    VS_FORWARD_IF_ERROR(check_pos(s_c, 0, __func__, "s_c"));
    VS_CHECK_PTR(tau);
    /* Eq. 1. When e^{32/s_c} alone overflows, exp(ln τ_vibr + 32/s_c) may still be representable. */
    double e = 32.0 / s_c;
    return put_finite(e < 700.0 ? tau_vibr * exp(e) : exp(log(tau_vibr) + e), tau, __func__);
}

/* Arguments of Eq. 2 common to both viscosity forms: T, a > 0, ⟨τ⟩ ≥ 0, eta non-NULL. */
static int check_viscosity(double T, double a, double tau_mean, const double *eta, const char *func)
{
    VS_FORWARD_IF_ERROR(check_pos(T, 0, func, "T"));
    VS_FORWARD_IF_ERROR(check_pos(a, 0, func, "a"));
    VS_FORWARD_IF_ERROR(check_pos(tau_mean, 1, func, "tau_mean"));
    return vs__check_ptr(eta, func, "eta");
}

VS_API int vs_rfot_viscosity(double T, double a, double d_L, double tau_mean, double *eta)
{
    VS_FORWARD_IF_ERROR(check_viscosity(T, a, tau_mean, eta, __func__));
    VS_FORWARD_IF_ERROR(check_pos(d_L, 0, __func__, "d_L"));
    /* Eq. 2: η = 2k_BT ⟨τ⟩/(π a d_L²), scaled so that e.g. a·d_L² may underflow while η is finite. */
    const double num[] = {T, tau_mean}, den[] = {a, d_L, d_L};
    return put_scaled(2.0 / M_PI, num, 2, den, 3, eta, __func__);
}

VS_API int vs_rfot_viscosity_lindemann(double T, double a, double tau_mean, double *eta)
{
    VS_FORWARD_IF_ERROR(check_viscosity(T, a, tau_mean, eta, __func__));
    /* d_L = a/10 (Lindemann): η = (200/π) k_BT ⟨τ⟩/a³, without forming a/10 (which underflows for
     * subnormal a). */
    const double num[] = {T, tau_mean}, den[] = {a, a, a};
    return put_scaled(200.0 / M_PI, num, 2, den, 3, eta, __func__);
}

VS_API int vs_rfot_fragility(double dcp, double *m)
{
    VS_FORWARD_IF_ERROR(check_pos(dcp, 1, __func__, "dcp"));
    VS_CHECK_PTR(m);
    return put_finite(34.7 * dcp, m, __func__); /* overflows for Δc_p > DBL_MAX/34.7 */
}

VS_API int vs_rfot_fragility_from_entropy(double s_c, double dcp, double *m)
{
    VS_FORWARD_IF_ERROR(check_pos(s_c, 0, __func__, "s_c"));
    VS_FORWARD_IF_ERROR(check_pos(dcp, 1, __func__, "dcp"));
    VS_CHECK_PTR(m);
    /* log₁₀τ = log₁₀τ_vibr + 32/(s_c ln 10); d/d(T_g/T) = −T d/dT at T_g; T ds_c/dT = Δc_p. */
    const double num[] = {dcp}, den[] = {s_c, s_c};
    return put_scaled(32.0 / M_LN10, num, 1, den, 2, m, __func__);
}
