/* Internal layout of the coupling handle and the helpers shared by the lib/coupling sources. Not installed. */
#ifndef VS_COUPLING_INTERNAL_H
#define VS_COUPLING_INTERNAL_H

#include <libvoigtspin/coupling.h>
#include "elastic/elastic_internal.h"

/* Largest harmonic degree a handle may keep (anisotropic truncation cap, SPEC §4.2). */
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
    struct vs_elastic el; /* private copy of Λ (elastic kernel only) */
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

/* Argument checks of the queries: handle and output non-NULL (VS_EINVAL with a message naming func);
 * the _query variant also applies the library's direction rule (vs__normalize_direction: finite,
 * non-zero, any magnitude) to khat, named `what`, and writes its unit vector to k[3]. */
int vs__coupling_check(const vs_coupling *c, const void *outp, const char *func);
int vs__coupling_check_query(const vs_coupling *c, const double *khat, const void *outp, const char *func,
                             const char *what, double *k);
/* A tolerance must be finite and > 0. */
int vs__coupling_check_tol(double tol, const char *func);

/* W(k̂) for a unit vector k (no argument checks). VS_OK or VS_ENUMERIC. */
int vs__coupling_eval(const vs_coupling *c, const double *k, double *W);

/* Integrand of the sphere quadrature: out[n] at the unit vector k; non-zero status aborts. */
typedef int (*vs__sphere_fn)(const double *k, double *out, void *ctx);

/* ⟨f⟩ over the unit sphere with Gauss–Legendre (cos θ) × trapezoid (φ) grids of increasing order until
 * successive orders differ by ≤ tol (max norm). `user` maps a non-zero callback status to VS_ECALLBACK
 * and checks the returned values are finite. VS_OK, VS_ENOCONV, VS_ENOMEM, VS_ECALLBACK or the
 * integrand's status. */
int vs__sphere_average(int n, vs__sphere_fn f, void *ctx, double tol, int user, const char *func,
                       double *avg, double *abserr);

/* Gauss–Legendre nodes x[nt], weights w[nt] on [−1, 1] from GSL's static tables (orders 2–20, 32, 64, 96,
 * 100, 128, 256, 512, 1024: no allocation, no GSL error path). VS_OK or VS_EINVAL (other orders). */
int vs__gauss_legendre(int nt, double *x, double *w);

/* Real orthonormal spherical harmonics Y_lm(θ, φ) for all l ≤ lmax at cos θ = z (clamped to [−1, 1])
 * and (cos φ, sin φ) = (cphi, sphi): Y[l*l + l + m], −l ≤ m ≤ l. `scratch` holds
 * gsl_sf_legendre_array_n(lmax) doubles. */
void vs__real_ylm(int lmax, double z, double cphi, double sphi, double *scratch, double *Y);
/* GSL's SPHARM-normalised associated Legendre array at z (clamped), m ≥ 0, into P (scratch size);
 * vs__legendre_at(P, l, m) reads one entry; vs__spharm_real_factor(m) is 1 (m = 0) or √2 (real basis). */
void vs__legendre_spharm(int lmax, double z, double *P);
double vs__legendre_at(const double *P, int l, int m);
double vs__spharm_real_factor(int m);
/* Scratch size vs__real_ylm and vs__legendre_spharm need. */
size_t vs__ylm_scratch_size(int lmax);

/* Harmonic decomposition of c's kernel at creation (fills lmax, harm_err, npair, ncoef, coef). */
int vs__coupling_build_harmonics(vs_coupling *c, const char *func);

#endif
