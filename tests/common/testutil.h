/* Helpers shared by the cmocka tests. */
#ifndef VS_TESTUTIL_H
#define VS_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* |a - b| <= rtol*max(|a|,|b|) + atol, with a readable failure message. */
#define assert_close(a, b, rtol, atol)                                                           \
    do {                                                                                         \
        double a_ = (a), b_ = (b);                                                               \
        double tol_ = (rtol) * fmax(fabs(a_), fabs(b_)) + (atol);                                \
        if (!(fabs(a_ - b_) <= tol_))                                                            \
            fail_msg("%s = %.17g, %s = %.17g, |diff| = %.3g > tol %.3g", #a, a_, #b, b_,         \
                     fabs(a_ - b_), tol_);                                                       \
    } while (0)

/* Deterministic uniform deviates in [0, 1) (splitmix64): tests never depend on the host's rand(). */
static inline double tu_uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* Standard normal deviate (Box–Muller). */
static inline double tu_normal(uint64_t *state)
{
    double u1 = tu_uniform(state), u2 = tu_uniform(state);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Random unit 3-vector. */
static inline void tu_direction(uint64_t *state, double *n)
{
    double r;
    do {
        n[0] = tu_normal(state);
        n[1] = tu_normal(state);
        n[2] = tu_normal(state);
        r = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    } while (r < 1e-8);
    n[0] /= r;
    n[1] /= r;
    n[2] /= r;
}

/* Random symmetric positive-definite 6×6 Voigt stiffness: C = AᵀA + shift·I (row-major). */
static inline void tu_random_stiffness(uint64_t *state, double shift, double *C)
{
    double A[36];
    for (int i = 0; i < 36; i++)
        A[i] = tu_normal(state);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double s = 0.0;
            for (int p = 0; p < 6; p++)
                s += A[p * 6 + i] * A[p * 6 + j];
            C[i * 6 + j] = s + (i == j ? shift : 0.0);
        }
}

/* Isotropic Voigt stiffness built by hand (Eq. 11 in Voigt form), row-major double[36]: an
 * independent reference for the library's constructors. */
static inline void tu_isotropic_voigt(double lambda, double mu, double *C)
{
    for (int i = 0; i < 36; i++)
        C[i] = 0.0;
    for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++)
            C[a * 6 + b] = lambda;
        C[a * 6 + a] = lambda + 2.0 * mu;
        C[(a + 3) * 6 + a + 3] = mu;
    }
}

/* Bad-input tests: fill an output array with a sentinel, call, then check it was left untouched. */
#define TU_SENTINEL 12345.678

static inline void tu_fill(double *a, int n)
{
    for (int i = 0; i < n; i++)
        a[i] = TU_SENTINEL;
}

static inline void tu_assert_untouched(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != TU_SENTINEL)
            fail_msg("output[%d] = %.17g was changed by a failing call", i, a[i]);
}

#endif
