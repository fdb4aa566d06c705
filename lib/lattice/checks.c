/*
 * The argument checks shared by the public functions of the lattice handle (options.c excepted):
 * the handle, workspaces, site indices, configurations, and outputs that must be finite (docs/lattice.md,
 * "Evaluation": every output is finite or the call fails). Messages name the public function.
 */
#include "lattice_internal.h"

int vs__lattice_check(const struct vs_lattice *lat, const char *func)
{
    return vs__check_ptr(lat, func, "lattice");
}

int vs__lattice_check_site(const struct vs_lattice *lat, size_t m, const char *func)
{
    VS_RETURN_ERROR_IF(m >= lat->geo.nsites, VS_EINVAL, "%s: site %zu out of range (N = %zu)", func, m,
                       lat->geo.nsites);
    return VS_OK;
}

/* Branch-free screen for NaN/inf (x·0 is ±0 for finite x, NaN otherwise), four accumulators so
 * the pass runs at memory speed; the precise message comes from vs__check_finite_array. */
int vs__lattice_check_finite_fast(const double *a, size_t n, const char *func, const char *what)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(a, func, what));
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            acc[k] += a[i + k] * 0.0;
    for (; i < n; i++)
        acc[0] += a[i] * 0.0;
    if (acc[0] + acc[1] + acc[2] + acc[3] == 0.0)
        return VS_OK;
    return vs__check_finite_array(a, n, func, what);
}

int vs__lattice_check_workspace(const struct vs_lattice *lat, const struct vs_lattice_workspace *ws,
                                const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(ws, func, "ws"));
    VS_RETURN_ERROR_IF(ws->lat != lat, VS_EINVAL,
                       "%s: the workspace was made for another lattice (vs_lattice_workspace_create)", func);
    return VS_OK;
}

int vs__lattice_check_config(const struct vs_lattice *lat, const double *s, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, func));
    return vs__lattice_check_finite_fast(s, vs__lattice_nvals(lat), func, "s");
}

/* Finite inputs can still overflow near DBL_MAX: then the output is refused, not returned. */
int vs__lattice_check_output(const double *a, size_t n, const char *func, const char *what)
{
    VS_RETURN_ERROR_IF(vs__lattice_check_finite_fast(a, n, func, what) != VS_OK, VS_ENUMERIC,
                       "%s: %s overflows (inputs too large)", func, what);
    return VS_OK;
}
