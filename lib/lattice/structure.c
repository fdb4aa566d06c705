/*
 * The static structure factor of a configuration (docs/sampler.md, "Observables"):
 *
 *     S(k) = (1/N) Σ_a |Σ_m s_{m,a} e^{−ik·r_m}|²,   r_m = R_m + p_b (vs_lattice_positions()),
 *
 * on the supercell grid k_q = Σ_j (q_j/L_j) b_j, 0 ≤ q_j < L_j: the grid and the convention of
 * vs_lattice_fourier() and the Luttinger–Tisza scans (luttinger_tisza.c), so that a peak of S(k)
 * can be compared with their k directly. With the cell sums X_{b,a}(q) = Σ_R s_{R,b,a} e^{−ik_q·R}
 * (one r2c FFT per component and basis site: the lattice's forward plan, executed on a workspace's
 * buffers with the thread-safe new-array function; no planning, so no planner lock),
 *
 *     S(k_q) = (1/N) Σ_a |Σ_b e^{−ik_q·p_b} X_{b,a}(q)|².
 *
 * Open clusters: the same definition and grid, read from the zero-padded 2L transform at the even
 * points 2q (e^{−2πi (2q)·n/(2L)} = e^{−ik_q·R}). Points with q'_3 > g_3/2 are not on FFTW's half
 * grid: X(q) = conj X(−q) for real spins.
 */
#include <math.h>
#include <string.h>

#include "lattice_internal.h"

/* S(k_q) from the transform X (ws->xk) at the grid point q. */
static double sk_point(const struct vs_lattice *l, const fftw_complex *X, const int *q)
{
    const vs__geom *g = &l->geo;
    int nc = l->nc, nb = g->nb, f = g->open ? 2 : 1, p[3] = {f * q[0], f * q[1], f * q[2]}, conj;
    const fftw_complex *x = X + vs__geom_half_index(g, p, &conj) * (size_t)l->m;
    double sgn = conj ? -1.0 : 1.0, k[3], S = 0.0;
    if (nb == 1) { /* one basis site: its phase drops out of |·|² */
        for (int a = 0; a < nc; a++)
            S += x[a][0] * x[a][0] + x[a][1] * x[a][1];
        return S / (double)g->nsites;
    }
    vs__geom_wavevector(g, q, k);
    double cr[64], ci[64]; /* e^{−ik·p_b}, nb ≤ m ≤ 64 (the FFT vector length bound of fft.c) */
    for (int b = 0; b < nb; b++) {
        double ph = k[0] * g->pos[3 * b] + k[1] * g->pos[3 * b + 1] + k[2] * g->pos[3 * b + 2];
        cr[b] = cos(ph);
        ci[b] = -sin(ph);
    }
    for (int a = 0; a < nc; a++) {
        double re = 0.0, im = 0.0;
        for (int b = 0; b < nb; b++) {
            double xr = x[b * nc + a][0], xi = sgn * x[b * nc + a][1];
            re += cr[b] * xr - ci[b] * xi;
            im += cr[b] * xi + ci[b] * xr;
        }
        S += re * re + im * im;
    }
    return S / (double)g->nsites;
}

int vs__lattice_structure_factor_ws(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const double *s,
                                    double *Sk)
{
    const vs__geom *g = &l->geo;
    size_t m = (size_t)l->m;
    VS_RETURN_ERROR_IF(g->nb > 64, VS_EUNSUPPORTED, "%s: more than 64 basis sites", __func__);
    if (g->open) {
        memset(ws->xr, 0, g->ngrid * m * sizeof *ws->xr);
        for (size_t cell = 0; cell < g->ncells; cell++)
            memcpy(ws->xr + vs__lattice_grid_cell(g, cell) * m, s + cell * m, m * sizeof *s);
    } else {
        memcpy(ws->xr, s, g->ngrid * m * sizeof *s);
    }
    fftw_execute_dft_r2c(l->fwd, ws->xr, ws->xk);
    size_t i = 0;
    int q[3];
    for (q[0] = 0; q[0] < g->L[0]; q[0]++)
        for (q[1] = 0; q[1] < g->L[1]; q[1]++)
            for (q[2] = 0; q[2] < g->L[2]; q[2]++, i++)
                Sk[i] = sk_point(l, (const fftw_complex *)ws->xk, q);
    return vs__lattice_check_output(Sk, g->ncells, __func__, "S(k)");
}
