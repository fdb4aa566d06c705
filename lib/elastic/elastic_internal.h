/* Layout of the elastic handle: private to lib/elastic (other modules use elastic_api.h). Not installed. */
#ifndef VS_ELASTIC_INTERNAL_H
#define VS_ELASTIC_INTERNAL_H

#include <libvoigtspin/elastic.h>
#include "elastic_api.h"

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

#endif
