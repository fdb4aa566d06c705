/* Internal layout of the elastic handle and helpers for the coupling handle. Not installed. */
#ifndef VS_ELASTIC_INTERNAL_H
#define VS_ELASTIC_INTERNAL_H

#include <libvoigtspin/elastic.h>

struct vs_elastic {
    double C[36];        /* standard Voigt stiffness (engineering shear) */
    double M[36];        /* Mandel matrix, Eq. A2 */
    double L[81];        /* Λ_ijkl */
    double w[6], V[36];  /* eigen-decomposition of M, ascending */
    double Msqrt[36];    /* M^{1/2} */
    double Minvsqrt[36]; /* M^{-1/2} */
    int isotropic;       /* equals its isotropic projection to 1e-12 */
    double lambda, mu;   /* Lamé constants (exact if isotropic, Voigt projection otherwise) */
    double K;            /* bulk modulus, from the constructor's own arguments when isotropic (not
                          * λ + 2μ/3, which cancels as σ → −1), Voigt projection otherwise */
    vs_symmetry sym;
};

/* Spin basis Q (columns q1..q6), row-major double[36]. */
void vs__spin_basis(double *Q);
/* Γ_im = Λ_ijml k_j k_l for a unit vector k. */
void vs__christoffel(const vs_elastic *el, const double *k, double *G);
void vs__strain_to_mandel(const double *u, double *t);
void vs__mandel_to_strain(const double *t, double *u);

#endif
