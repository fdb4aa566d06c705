/* Voigt and Mandel index conventions shared by the elastic and coupling code (paper App. A, Eqs. A1-A2).
 * Not installed. */
#ifndef VS_VOIGT_H
#define VS_VOIGT_H

#include <math.h>

/* Voigt/Mandel index of the tensor index pair (i, j): 11→0 22→1 33→2 23→3 31→4 12→5 (Eq. A1). */
static inline int vs__voigt_index(int i, int j)
{
    static const int idx[3][3] = {{0, 5, 4}, {5, 1, 3}, {4, 3, 2}};
    return idx[i][j];
}

/* Mandel factor F_a of Voigt component a (F = diag(1,1,1,√2,√2,√2)): with the engineering Voigt strain
 * e_a = F_a t_a (e4 = 2u23 = √2 t4, …), uΛu = eᵀ C e = tᵀ (F C F) t, so M = F C F (Eq. A2). */
static inline double vs__mandel_factor(int a)
{
    return a < 3 ? 1.0 : M_SQRT2;
}

#endif
