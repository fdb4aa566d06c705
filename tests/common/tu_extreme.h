/* Extreme doubles for bad-input sweeps (issue 9): every public function must either return VS_OK with
 * finite outputs or fail with a status, whatever value from this list any argument takes. */
#ifndef VS_TU_EXTREME_H
#define VS_TU_EXTREME_H

#include <float.h>
#include <math.h>

/* NaN, ±inf, the smallest subnormal (5e-324) of both signs, ±DBL_MAX, ±0, the smallest normal. */
static const double tu_extreme[] = {NAN, INFINITY, -INFINITY, 0x1p-1074, -0x1p-1074, DBL_MAX, -DBL_MAX,
                                    0.0, -0.0, DBL_MIN};
#define TU_NEXTREME ((int)(sizeof tu_extreme / sizeof tu_extreme[0]))

/* True when the n values are all finite. */
static inline int tu_all_finite(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

#endif
