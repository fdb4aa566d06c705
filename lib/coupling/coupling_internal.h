/* Internal header of lib/coupling: the layout of the coupling handle and what its files share.
 * Not installed.
 *
 * Layers of lib/coupling, bottom → top. A file calls only files on its own line or below it (never one
 * above), and only coupling.c holds the handle's public entry points with their argument checks:
 *
 *   sphere.c     generic sphere quadrature, Gauss–Legendre rules, real Y_lm (sphere.h; no handle)
 *   ratio.c      closed-form J_compr, J_shear and their ratio (Eq. 22; no handle, calls no file here)
 *   kernel.c     the kernel W(k̂) (J̃ or k̂k̂ᵀ) and K̃(k̂) of a handle at a unit vector (Eq. 20, App. B)
 *   average.c    ⟨W⟩: closed forms (App. B) or sphere quadrature of kernel.c
 *   harmonics.c  harmonic decomposition W = Σ_l A_l at creation and its evaluation
 *   coupling.c   the handle: create/free, queries and their argument checks
 *
 * Data comes from the elastic module only through lib/elastic/elastic_api.h (never its layout). */
#ifndef VS_COUPLING_INTERNAL_H
#define VS_COUPLING_INTERNAL_H

#include <libvoigtspin/coupling.h>
#include "elastic/elastic_api.h"
#include "sphere.h"

/* Largest harmonic degree a handle may keep (anisotropic truncation cap; docs/coupling.md, "Harmonics"). */
#define VS__COUPLING_LMAX_CAP 64

/* Which kernel W(k̂) the handle describes. */
enum vs__coupling_kind {
    VS__KERNEL_ELASTIC = 0, /* W = J̃(k̂), 6×6 in the spin basis (Eq. 20 via App. A) */
    VS__KERNEL_DIPOLAR = 1  /* W = k̂k̂ᵀ, 3×3 (App. B, Eqs. B4–B5) */
};

struct vs_coupling {
    int kind;             /* enum vs__coupling_kind */
    int nc;               /* spin components: 6 or 3 */
    int isotropic;        /* elastic kernel with an isotropic Λ: closed forms apply */
    struct vs__elastic_view el; /* private copy of what the kernels read of Λ (elastic kernel only) */
    double Q[36];         /* spin basis (columns q1..q6) */
    double QtMsqrt[36];   /* Qᵀ M^{1/2}: spin components of a Mandel vector (Eq. A3) */
    double tol;           /* tolerance requested at creation */

    double avg[36];       /* ⟨W⟩, nc×nc */
    double avg_err;       /* its achieved error estimate (0 for closed forms) */
    double avg_w[6];      /* eigenvalues of ⟨W⟩, ascending */
    double avg_V[36];     /* eigenvectors (columns), nc×nc row-major */

    int lmax;             /* largest (even) harmonic degree kept */
    double harm_err;      /* pointwise error bound of Σ_{l ≤ lmax} A_l: tail + nc·avg_err (0 if exact) */
    int npair;            /* nc(nc+1)/2 independent entries (a ≤ b) of a symmetric nc×nc matrix */
    int ncoef;            /* number of (l, m), l = 2..lmax even, −l ≤ m ≤ l */
    double *coef;         /* real-Y_lm coefficients, coef[i*npair + p], i over (l ≥ 2, m), see harmonics.c */
};

/* ---- kernel.c: evaluation at a unit vector k (no argument checks) ---- */
/* W(k̂), nc×nc. VS_OK or VS_ENUMERIC. */
int vs__coupling_eval(const vs_coupling *c, const double *k, double *W);
/* K̃(k̂) of an elastic kernel: Mandel 6×6 (Km[36]) or tensor 3×3×3×3 (K[81]). VS_OK or VS_ENUMERIC. */
int vs__coupling_ktilde_mandel(const vs_coupling *c, const double *k, double *Km);
int vs__coupling_ktilde_tensor(const vs_coupling *c, const double *k, double *K);

/* ---- average.c: ⟨W⟩ ---- */
/* At creation: avg, avg_err and the eigen-decomposition avg_w, avg_V (closed form or quadrature at tol). */
int vs__coupling_build_average(vs_coupling *c, const char *func);
/* ⟨W⟩ by sphere quadrature to tol for any kernel (nc*nc values into avg). */
int vs__coupling_average_quadrature(const vs_coupling *c, double tol, const char *func, double *avg,
                                    double *abserr);

/* ---- harmonics.c: W(k̂) = Σ_{l even} A_l(k̂) ---- */
/* At creation (after the average): fills lmax, harm_err, npair, ncoef, coef. */
int vs__coupling_build_harmonics(vs_coupling *c, const char *func);
/* A[(lmax/2 + 1)·nc·nc] at the unit vector k. */
void vs__coupling_harmonics_eval(const vs_coupling *c, const double *k, double *A);

#endif
