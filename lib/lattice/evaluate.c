/*
 * Fields and energies of whole configurations (docs/lattice.md, "Evaluation"): the local fields
 * h_m = Σ_n T(r_m − r_n) s_n by FFT (fft.c) or by the O(N²) pair sum over the table (ewald.c), and
 * the energy of paper Eq. 18 with the uniform and on-site terms,
 *
 *   E = −(E0/2) Σ_m s_m·h_m − (E0/2N) MᵀUM − (E0/2) Σ_m s_mᵀ D s_m,   M = Σ_m s_m.
 *
 * Every output is finite or the call fails.
 */
#include <math.h>
#include <string.h>

#include "lattice_internal.h"

/* The FFT path validates its input for free (see vs__lattice_convolve): on failure, name the
 * culprit precisely, or report an overflow of finite but huge inputs. */
static int convolve_failed(const vs_lattice *lat, const double *s, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_finite_array(s, vs__lattice_nvals(lat), func, "s"));
    return vs__error(VS_ENUMERIC, "%s: the fields overflow (spins too large)", func);
}

/* The one FFT fields path: the handle's functions pass its own workspace, the _ws ones the caller's.
 * lat is checked; ws belongs to lat. */
static int fields_fft(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s, double *h,
                      const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(h, func, "h"));
    VS_RETURN_ERROR_IF(h == s, VS_EINVAL, "%s: h may not alias s", func);
    int st = vs__lattice_convolve(lat, ws, s, h, NULL);
    if (st == VS__CONVOLVE_OVERFLOW) /* the copy-out screened h: name the failure precisely */
        return vs__lattice_check_output(h, vs__lattice_nvals(lat), func, "h");
    return st == VS_OK ? VS_OK : convolve_failed(lat, s, func);
}

VS_API int vs_lattice_fields(vs_lattice *lat, const double *s, double *h)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    return fields_fft(lat, &lat->ws, s, h, __func__);
}

VS_API int vs_lattice_fields_ws(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s, double *h)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_FORWARD_IF_ERROR(vs__lattice_check_workspace(lat, ws, __func__));
    return fields_fft(lat, ws, s, h, __func__);
}

void vs__lattice_total(const vs_lattice *lat, const double *s, double *M)
{
    int nc = lat->nc;
    for (int a = 0; a < nc; a++)
        M[a] = 0.0;
    for (size_t m = 0; m < lat->geo.nsites; m++)
        for (int a = 0; a < nc; a++)
            M[a] += s[m * nc + a];
}

/* Σ_m s_m·h_m, s and h site-major: one contiguous dot product in VS__DOT_LANES independent partial
 * sums (vectorised, at the adder's throughput). The copy-out of vs_lattice_fields_energy (fft.c,
 * dot_run) sums in exactly this order: change both or neither (lattice_internal.h). */
static double dot_fields(const vs_lattice *lat, const double *s, const double *h)
{
    size_t n = vs__lattice_nvals(lat), i = 0;
    double acc[VS__DOT_LANES] = {0.0};
    for (; i + VS__DOT_LANES <= n; i += VS__DOT_LANES)
        for (int k = 0; k < VS__DOT_LANES; k++)
            acc[k] += s[i + (size_t)k] * h[i + (size_t)k];
    for (; i < n; i++)
        acc[0] += s[i] * h[i];
    return vs__lattice_dot_lanes(acc);
}

/* E = −(E0/2) Σ s·h − (E0/2N) MᵀUM − (E0/2) Σ sᵀDs (Eq. 18 plus the uniform and on-site terms),
 * from sh = Σ s·h. */
static double energy_from_dot(const vs_lattice *lat, const double *s, double sh)
{
    int nc = lat->nc;
    double e = sh;
    if (lat->D)
        for (size_t m = 0; m < lat->geo.nsites; m++)
            e += vs__lattice_quad(nc, lat->D, s + m * nc, s + m * nc);
    if (lat->U) {
        double M[VS__LAT_MAXNC];
        vs__lattice_total(lat, s, M);
        e += vs__lattice_quad(nc, lat->U, M, M) / (double)lat->geo.nsites;
    }
    return -0.5 * lat->opt.e0 * e;
}

VS_API int vs_lattice_energy_from_fields(const vs_lattice *lat, const double *s, const double *h, double *E)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(h);
    VS_CHECK_PTR(E);
    /* Any NaN/inf in s or h makes the sum non-finite (inf·0 = NaN), so validation happens only
     * when the result is not finite. */
    double e = energy_from_dot(lat, s, dot_fields(lat, s, h));
    if (!isfinite(e)) {
        VS_FORWARD_IF_ERROR(vs__check_finite_array(s, vs__lattice_nvals(lat), __func__, "s"));
        VS_FORWARD_IF_ERROR(vs__check_finite_array(h, vs__lattice_nvals(lat), __func__, "h"));
        return vs__error(VS_ENUMERIC, "%s: the energy overflows", __func__);
    }
    *E = e;
    return VS_OK;
}

/* The one FFT energy path (see fields_fft); the fields stay in the workspace, Σ s·h is read from
 * its planes: no N-sized allocation and no field array per call. */
static int energy_fft(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s, double *E,
                      const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(E, func, "E"));
    double sh;
    if (vs__lattice_convolve(lat, ws, s, NULL, &sh) != VS_OK)
        return convolve_failed(lat, s, func);
    double e = energy_from_dot(lat, s, sh);
    VS_RETURN_ERROR_IF(!isfinite(e), VS_ENUMERIC, "%s: the energy overflows", func);
    *E = e;
    return VS_OK;
}

VS_API int vs_lattice_energy(vs_lattice *lat, const double *s, double *E)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    return energy_fft(lat, &lat->ws, s, E, __func__);
}

VS_API int vs_lattice_energy_ws(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s, double *E)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_FORWARD_IF_ERROR(vs__lattice_check_workspace(lat, ws, __func__));
    return energy_fft(lat, ws, s, E, __func__);
}

/* The one FFT fields-and-energy path (see fields_fft): the energy dot is summed in the copy-out
 * of the fields, in the order of vs_lattice_energy_from_fields, so s and h are not read again
 * (only s for the on-site and uniform terms, when set). */
static int fields_energy_fft(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s, double *h,
                             double *E, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(h, func, "h"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(E, func, "E"));
    VS_RETURN_ERROR_IF(h == s, VS_EINVAL, "%s: h may not alias s", func);
    double sh = 0.0;
    int st = vs__lattice_convolve(lat, ws, s, h, &sh);
    if (st == VS__CONVOLVE_OVERFLOW)
        return vs__lattice_check_output(h, vs__lattice_nvals(lat), func, "h");
    if (st != VS_OK)
        return convolve_failed(lat, s, func);
    double e = energy_from_dot(lat, s, sh);
    VS_RETURN_ERROR_IF(!isfinite(e), VS_ENUMERIC, "%s: the energy overflows", func);
    *E = e;
    return VS_OK;
}

VS_API int vs_lattice_fields_energy(vs_lattice *lat, const double *s, double *h, double *E)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    return fields_energy_fft(lat, &lat->ws, s, h, E, __func__);
}

VS_API int vs_lattice_fields_energy_ws(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s,
                                       double *h, double *E)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_FORWARD_IF_ERROR(vs__lattice_check_workspace(lat, ws, __func__));
    return fields_energy_fft(lat, ws, s, h, E, __func__);
}

static void fields_direct(const vs_lattice *lat, const double *s, double *h)
{
    int nc = lat->nc;
    double T[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (size_t m = 0; m < lat->geo.nsites; m++) {
        double *hm = h + m * nc;
        for (int a = 0; a < nc; a++)
            hm[a] = 0.0;
        for (size_t n = 0; n < lat->geo.nsites; n++) {
            vs__lattice_block(lat, m, n, T);
            for (int a = 0; a < nc; a++)
                for (int b = 0; b < nc; b++)
                    hm[a] += T[a * nc + b] * s[n * nc + b];
        }
    }
}

VS_API int vs_lattice_fields_direct(const vs_lattice *lat, const double *s, double *h)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check_config(lat, s, __func__));
    VS_CHECK_PTR(h);
    VS_RETURN_ERROR_IF(h == s, VS_EINVAL, "%s: h may not alias s", __func__);
    fields_direct(lat, s, h);
    return vs__lattice_check_output(h, vs__lattice_nvals(lat), __func__, "h");
}

VS_API int vs_lattice_energy_direct(const vs_lattice *lat, const double *s, double *E)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check_config(lat, s, __func__));
    VS_CHECK_PTR(E);
    int st = VS_OK;
    double *h = vs__calloc(vs__lattice_nvals(lat), sizeof *h, &st);
    if (h == NULL)
        return st;
    fields_direct(lat, s, h);
    double e = energy_from_dot(lat, s, dot_fields(lat, s, h));
    vs__free(h);
    VS_RETURN_ERROR_IF(!isfinite(e), VS_ENUMERIC, "%s: the energy overflows", __func__);
    *E = e;
    return VS_OK;
}

VS_API int vs_lattice_total(const vs_lattice *lat, const double *s, double *M)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check_config(lat, s, __func__));
    VS_CHECK_PTR(M);
    double Mloc[VS__LAT_MAXNC];
    vs__lattice_total(lat, s, Mloc);
    VS_FORWARD_IF_ERROR(vs__lattice_check_output(Mloc, (size_t)lat->nc, __func__, "M"));
    memcpy(M, Mloc, (size_t)lat->nc * sizeof *M);
    return VS_OK;
}
