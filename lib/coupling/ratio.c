/* Isotropic ⟨J̃⟩ eigenvalues and the ratio J_compr/J_shear in its three forms (App. B, Eq. 22). */
#include <libvoigtspin/coupling.h>

#include "common/internal.h"

static int check_moduli(double K, double mu, const void *out, const char *func)
{
    VS_RETURN_ERROR_IF(out == NULL, VS_EINVAL, "%s: output pointer is NULL", func);
    VS_RETURN_ERROR_IF(!isfinite(K) || !isfinite(mu), VS_EINVAL,
                       "%s: moduli must be finite (K = %g, mu = %g)", func, K, mu);
    VS_RETURN_ERROR_IF(!(K > 0.0) || !(mu > 0.0), VS_ENONPHYS, "%s: K = %g and mu = %g must both be > 0",
                       func, K, mu);
    return VS_OK;
}

/* The results depend on K/μ only: divide both by the larger one (exact up to one rounding, and
 * k, u ∈ (0, 1] with max(k, u) = 1), so that sums such as K + 2μ cannot overflow near DBL_MAX and
 * subnormal moduli keep their ratio to the other modulus. */
static void scale_moduli(double K, double mu, double *k, double *u)
{
    double s = fmax(K, mu);
    *k = K / s;
    *u = mu / s;
}

VS_API int vs_coupling_jcompr_jshear(double K, double mu, double *J)
{
    VS_FORWARD_IF_ERROR(check_moduli(K, mu, J, __func__));
    double k, u;
    scale_moduli(K, mu, &k, &u);
    double m = 3.0 * k + 4.0 * u; /* 3(λ + 2μ)/s ∈ [3, 7] */
    J[0] = 3.0 * k / m;                 /* K/(λ+2μ) */
    J[1] = 1.2 * (k + 2.0 * u) / m;     /* (2/5)(K+2μ)/(λ+2μ) */
    return VS_OK;
}

VS_API int vs_coupling_ratio_from_moduli(double K, double mu, double *ratio)
{
    VS_FORWARD_IF_ERROR(check_moduli(K, mu, ratio, __func__));
    double k, u;
    scale_moduli(K, mu, &k, &u);
    *ratio = 2.5 * k / (k + 2.0 * u);
    return VS_OK;
}

VS_API int vs_coupling_ratio_from_poisson(double sigma, double *ratio)
{
    VS_RETURN_ERROR_IF(ratio == NULL, VS_EINVAL, "%s: output pointer is NULL", __func__);
    VS_RETURN_ERROR_IF(!isfinite(sigma), VS_EINVAL, "%s: Poisson ratio is not finite", __func__);
    VS_RETURN_ERROR_IF(!(sigma > -1.0 && sigma < 0.5), VS_ENONPHYS,
                       "%s: Poisson ratio sigma = %g outside (-1, 1/2)", __func__, sigma);
    *ratio = 2.5 * (1.0 + sigma) / (4.0 - 5.0 * sigma);
    return VS_OK;
}

VS_API int vs_coupling_ratio_from_sound(double cl_over_ct, double *ratio)
{
    VS_RETURN_ERROR_IF(ratio == NULL, VS_EINVAL, "%s: output pointer is NULL", __func__);
    VS_RETURN_ERROR_IF(!isfinite(cl_over_ct), VS_EINVAL, "%s: c_l/c_t is not finite", __func__);
    /* K > 0 needs c_l²/c_t² > 4/3; beyond that the ratio is finite for any c_l/c_t. */
    VS_RETURN_ERROR_IF(!(cl_over_ct > 0.0 && cl_over_ct * cl_over_ct > 4.0 / 3.0), VS_ENONPHYS,
                       "%s: c_l/c_t = %g must exceed sqrt(4/3) for K > 0", __func__, cl_over_ct);
    double x = 1.0 / (cl_over_ct * cl_over_ct); /* c_t²/c_l² */
    *ratio = 2.5 * (3.0 - 4.0 * x) / (3.0 + 2.0 * x);
    return VS_OK;
}
