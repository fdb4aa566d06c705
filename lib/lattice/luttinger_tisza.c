/*
 * The Fourier coupling and the Luttinger–Tisza extremes (docs/lattice.md, "Fourier coupling and
 * Luttinger–Tisza"): H_{bb'}(k) = Σ_R T(r_{R,b} − r_{0,b'}) e^{−ik·R} + δ_{bb'} D + δ_{k,0} U/nbasis
 * from the k-space table of fft.c, its largest eigenvalue over the supercell grid
 * (T_c = E0 λ_max/ncomp, paper Eq. 25 for ncomp = 6) and its smallest (the dipolar ground states).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "lattice_internal.h"

/* H(k) at half-grid index kh (dimension m = nb·nc), with D and (at k = 0) U/nb added. */
static void fourier_matrix(const vs_lattice *lat, size_t kh, int is_zero, double *Hr, double *Hi)
{
    int m = lat->m, nc = lat->nc, nb = lat->geo.nb;
    double w = (double)lat->geo.ngrid; /* undo the 1/ngrid folded into the k-space table */
    if (nb == 1) {
        const double *T = lat->ktab_r + kh * (size_t)lat->npack;
        for (int a = 0; a < nc; a++)
            for (int b = a; b < nc; b++) {
                Hr[a * nc + b] = Hr[b * nc + a] = w * T[vs__pack_index(nc, a, b)];
                Hi[a * nc + b] = Hi[b * nc + a] = 0.0;
            }
    } else {
        const fftw_complex *T = (const fftw_complex *)(lat->ktab_c + kh * (size_t)(m * (m + 1) / 2));
        int c = 0;
        for (int i = 0; i < m; i++)
            for (int j = i; j < m; j++, c++) {
                Hr[i * m + j] = Hr[j * m + i] = w * T[c][0];
                Hi[i * m + j] = w * T[c][1];
                Hi[j * m + i] = -w * T[c][1];
            }
    }
    for (int b1 = 0; b1 < nb; b1++)
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++) {
                int i = b1 * nc + a, j = b1 * nc + b;
                if (lat->D)
                    Hr[i * m + j] += lat->D[a * nc + b];
                if (is_zero && lat->U)
                    for (int b2 = 0; b2 < nb; b2++)
                        Hr[i * m + b2 * nc + b] += lat->U[a * nc + b] / nb;
            }
}

/* H(k) overflows only when D or U is near DBL_MAX: report it rather than return inf. */
static int check_fourier_finite(int m, const double *Hr, const double *Hi, const char *func)
{
    for (size_t i = 0; i < (size_t)m * m; i++)
        VS_RETURN_ERROR_IF(!(isfinite(Hr[i]) && isfinite(Hi[i])), VS_ENUMERIC,
                           "%s: H(k) overflows (on-site or uniform matrix too large)", func);
    return VS_OK;
}

VS_API int vs_lattice_fourier(const vs_lattice *lat, const int *q, double *Hre, double *Him)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_CHECK_PTR(q);
    VS_CHECK_PTR(Hre);
    VS_RETURN_ERROR_IF(lat->geo.open, VS_EUNSUPPORTED, "%s: open clusters have no Fourier coupling",
                       __func__);
    for (int i = 0; i < 3; i++)
        VS_RETURN_ERROR_IF(q[i] < 0 || q[i] >= lat->geo.L[i], VS_EINVAL, "%s: q[%d] = %d outside [0, %d)",
                           __func__, i, q[i], lat->geo.L[i]);
    int m = lat->m, conj, st = VS_OK;
    size_t mm = (size_t)m * m, kh = vs__geom_half_index(&lat->geo, q, &conj);
    double *Hr = vs__calloc(2 * mm, sizeof *Hr, &st);
    if (Hr == NULL)
        return st;
    double *Hi = Hr + mm;
    fourier_matrix(lat, kh, q[0] == 0 && q[1] == 0 && q[2] == 0, Hr, Hi);
    VS_GOTO_IF_ERROR(st, check_fourier_finite(m, Hr, Hi, __func__), out);
    memcpy(Hre, Hr, mm * sizeof *Hre);
    if (Him) /* the half grid stores H(−k) = conj H(k) for q3 > L3/2 */
        for (size_t i = 0; i < mm; i++)
            Him[i] = conj ? -Hi[i] : Hi[i];
out:
    vs__free(Hr);
    return st;
}

/* Smallest and largest eigenvalue of the Hermitian H = Hr + i Hi through the real symmetric
 * embedding [[Hr, −Hi], [Hi, Hr]] (each eigenvalue of H appears twice), by LAPACKE (vs__sym_eigen);
 * VS_ENUMERIC (naming func) when they are not finite. */
static int herm_extreme_eig(int m, const double *Hr, const double *Hi, double *work, double *w, double *lmin,
                            double *lmax, const char *func)
{
    int n = 2 * m;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++) {
            work[i * n + j] = Hr[i * m + j];
            work[(i + m) * n + j + m] = Hr[i * m + j];
            work[i * n + j + m] = -Hi[i * m + j];
            work[(i + m) * n + j] = Hi[i * m + j];
        }
    VS_FORWARD_IF_ERROR(vs__sym_eigen(n, work, w, NULL));
    VS_RETURN_ERROR_IF(!(isfinite(w[0]) && isfinite(w[n - 1])), VS_ENUMERIC,
                       "%s: non-finite eigenvalue of H(k)", func);
    *lmin = w[0];
    *lmax = w[n - 1];
    return VS_OK;
}

/* The Luttinger–Tisza scan: the largest (sign = +1) or smallest (sign = −1) eigenvalue of H(k)
 * over the supercell grid and the first grid point q (scan order q1, q2, q3) reaching it. */
static int lt_scan(const vs_lattice *lat, int sign, const char *func, double *lambda, int *bestq)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, func));
    VS_RETURN_ERROR_IF(lat->geo.open, VS_EUNSUPPORTED, "%s: open clusters have no Luttinger–Tisza spectrum",
                       func);
    const vs__geom *g = &lat->geo;
    int m = lat->m, st = VS_OK;
    size_t mm = (size_t)m * m;
    double *buf = vs__calloc(2 * mm + 4 * mm + 2 * (size_t)m, sizeof *buf, &st);
    if (buf == NULL)
        return st;
    double *Hr = buf, *Hi = buf + mm, *work = buf + 2 * mm, *w = buf + 6 * mm;
    double best = -DBL_MAX; /* of sign·λ */
    int q[3];
    bestq[0] = bestq[1] = bestq[2] = 0;
    /* H(−k) = conj H(k) has the same spectrum: the half grid q3 ≤ L3/2 (the plane q3 = L3/2
     * included) covers every eigenvalue. */
    for (q[0] = 0; q[0] < g->L[0]; q[0]++)
        for (q[1] = 0; q[1] < g->L[1]; q[1]++)
            for (q[2] = 0; q[2] <= g->L[2] / 2; q[2]++) {
                int conj;
                size_t kh = vs__geom_half_index(g, q, &conj);
                double lmin = 0.0, lmax = 0.0;
                fourier_matrix(lat, kh, q[0] == 0 && q[1] == 0 && q[2] == 0, Hr, Hi);
                VS_GOTO_IF_ERROR(st, check_fourier_finite(m, Hr, Hi, func), out);
                VS_GOTO_IF_ERROR(st, herm_extreme_eig(m, Hr, Hi, work, w, &lmin, &lmax, func), out);
                double l = sign > 0 ? lmax : -lmin;
                if (l > best + 1e-12 * fabs(best)) {
                    best = l;
                    memcpy(bestq, q, 3 * sizeof *bestq);
                }
            }
    *lambda = sign * best;
out:
    vs__free(buf);
    return st;
}

VS_API int vs_lattice_luttinger_tisza(const vs_lattice *lat, double *lambda_max, double *k, double *t_curie)
{
    double best;
    int bestq[3];
    VS_FORWARD_IF_ERROR(lt_scan(lat, +1, __func__, &best, bestq));
    double tc = lat->opt.e0 * best / lat->nc;
    VS_RETURN_ERROR_IF(t_curie && !isfinite(tc), VS_ENUMERIC, "%s: E0 λ_max / ncomp = %g × %g / %d overflows",
                       __func__, lat->opt.e0, best, lat->nc);
    if (lambda_max)
        *lambda_max = best;
    if (k)
        vs__geom_wavevector(&lat->geo, bestq, k);
    if (t_curie)
        *t_curie = tc;
    return VS_OK;
}

VS_API int vs_lattice_luttinger_tisza_min(const vs_lattice *lat, double *lambda_min, double *k)
{
    double best;
    int bestq[3];
    VS_FORWARD_IF_ERROR(lt_scan(lat, -1, __func__, &best, bestq));
    if (lambda_min)
        *lambda_min = best;
    if (k)
        vs__geom_wavevector(&lat->geo, bestq, k);
    return VS_OK;
}
