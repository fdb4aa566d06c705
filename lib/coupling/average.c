/* ⟨W⟩ = (1/4π) ∫ W(k̂) dΩ of a coupling handle's kernel and its eigen-decomposition: closed forms for the
 * dipolar and isotropic kernels (App. B, Eq. 21), sphere quadrature of kernel.c otherwise
 * (docs/coupling.md, "⟨J̃⟩"). */
#include <stdint.h>
#include <string.h>

#include "common/internal.h"
#include "coupling_internal.h"

/* The handle's kernel as a sphere integrand (ctx = the handle, only read). */
static int sphere_kernel(const double *k, double *out, void *ctx)
{
    return vs__coupling_eval(ctx, k, out);
}

/* Isotropic ⟨J̃⟩ (App. B): diagonal in the spin basis, J_compr on q1 and J_shear on q2…q6; eigenvectors
 * are the spin-basis axes themselves, listed in ascending order of their eigenvalue. */
static void isotropic_average(vs_coupling *c)
{
    const double K = c->el.K, mu = c->el.mu, m = K + 4.0 * mu / 3.0; /* λ + 2μ */
    const double jc = K / m, js = 0.4 * (K + 2.0 * mu) / m;
    memset(c->avg, 0, sizeof c->avg);
    memset(c->avg_V, 0, sizeof c->avg_V);
    c->avg[0] = jc;
    for (int a = 1; a < 6; a++)
        c->avg[a * 6 + a] = js;
    int compr_last = jc > js;
    for (int j = 0; j < 6; j++) {
        int axis = compr_last ? (j + 1) % 6 : j;
        c->avg_w[j] = axis == 0 ? jc : js;
        c->avg_V[axis * 6 + j] = 1.0;
    }
    c->avg_err = 0.0;
}

/* Dipolar ⟨k̂_i k̂_j⟩ = δ_ij/3 (App. B). */
static void dipolar_average(vs_coupling *c)
{
    memset(c->avg, 0, sizeof c->avg);
    memset(c->avg_V, 0, sizeof c->avg_V);
    for (int i = 0; i < 3; i++) {
        c->avg[i * 3 + i] = 1.0 / 3.0;
        c->avg_w[i] = 1.0 / 3.0;
        c->avg_V[i * 3 + i] = 1.0;
    }
    c->avg_err = 0.0;
}

int vs__coupling_build_average(vs_coupling *c, const char *func)
{
    const int nc = c->nc;
    if (c->kind == VS__KERNEL_DIPOLAR) {
        dipolar_average(c);
        return VS_OK;
    }
    if (c->isotropic) {
        isotropic_average(c);
        return VS_OK;
    }
    /* A_0 = ⟨W⟩ enters every Σ_l A_l(k̂): its share of the pointwise budget tol is tol/2 in Frobenius norm,
     * i.e. tol/(2 nc) per entry (see vs__coupling_build_harmonics). */
    VS_FORWARD_IF_ERROR(
        vs__sphere_average(nc * nc, sphere_kernel, c, c->tol / (2.0 * nc), 0, func, c->avg, &c->avg_err));
    for (int a = 0; a < nc; a++)
        for (int b = a + 1; b < nc; b++)
            c->avg[a * nc + b] = c->avg[b * nc + a] = 0.5 * (c->avg[a * nc + b] + c->avg[b * nc + a]);
    return vs__sym_eigen(nc, c->avg, c->avg_w, c->avg_V);
}

int vs__coupling_average_quadrature(const vs_coupling *c, double tol, const char *func, double *avg,
                                    double *abserr)
{
    /* the integrand only reads the handle: the const cast is safe for concurrent callers */
    return vs__sphere_average(c->nc * c->nc, sphere_kernel, (void *)(uintptr_t)c, tol, 0, func, avg, abserr);
}
