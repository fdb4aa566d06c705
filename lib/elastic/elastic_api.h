/* The internal API of the elastic module for the modules above it (coupling): what they may read of an
 * elastic handle, and the Mandel/spin-basis helpers (paper App. A, Eqs. A1-A3; docs/elastic.md).
 * The layout of struct vs_elastic stays private to lib/elastic (elastic_internal.h). Not installed. */
#ifndef VS_ELASTIC_API_H
#define VS_ELASTIC_API_H

#include <libvoigtspin/elastic.h>

/* The quantities of Λ the coupling kernels need, copied out of a handle by vs__elastic_view. */
struct vs__elastic_view {
    double L[81];      /* Λ_ijkl, row-major 3×3×3×3 */
    double M[36];      /* Mandel matrix (Eq. A2) */
    double Msqrt[36];  /* M^{1/2} */
    int isotropic;     /* Λ equals its isotropic projection (closed forms apply) */
    double lambda, mu; /* Lamé constants (exact if isotropic, Voigt projection otherwise) */
    double K;          /* bulk modulus, accurate as σ → −1 (see elastic_internal.h) */
};

/* Fill *v from the handle el (both non-NULL). */
void vs__elastic_view(const vs_elastic *el, struct vs__elastic_view *v);

/* Spin basis Q (columns q1..q6, Eq. A3), row-major double[36]. */
void vs__spin_basis(double *Q);
/* Γ_im = Λ_ijml k_j k_l (Christoffel matrix) for Λ = L[81] and a unit vector k. */
void vs__christoffel(const double *L, const double *k, double *G);
/* Strain u[9] (symmetric, row-major) ⇄ Mandel vector t[6] (Eq. A1). */
void vs__strain_to_mandel(const double *u, double *t);
void vs__mandel_to_strain(const double *t, double *u);

#endif
