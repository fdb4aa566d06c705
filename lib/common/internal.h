/*
 * Internal helpers shared by every handle: error reporting, argument checks, overflow-safe sizes,
 * small dense linear algebra. Not installed; nothing here is exported.
 */
#ifndef VS_INTERNAL_H
#define VS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <math.h>

#include <libvoigtspin/common.h>

#if defined(__GNUC__)
#define VS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VS_PRINTF(a, b)
#endif

/* Record a detailed, thread-local message for `code` and return `code`.
 * Use as: return vs__error(VS_EINVAL, "%s: lambda is NaN", __func__); */
int vs__error(int code, const char *fmt, ...) VS_PRINTF(2, 3);

/* The cause of the last message: without its leading "name: " when that name (one word, no
 * spaces) starts with `prefix` (an internal function's or another entry point's), else the whole
 * message; copied into msg[n] (truncated). Returns msg. */
const char *vs__error_cause(const char *prefix, char *msg, size_t n);

/* Re-record the last message under the public function's name, "func: <cause>" (vs__error_cause
 * with prefix; a message already starting "func: " stays), and return st: for failures of shared
 * stages or internal helpers whose messages name themselves. */
int vs__restate(int st, const char *func, const char *prefix);

/* ---- The one argument-check and error-return idiom of the library -------------------------------
 * (model: zstd lib/common/error_private.h, RETURN_ERROR_IF / FORWARD_IF_ERROR). Every public function
 * checks its arguments and propagates failures with these, and nothing else:
 *
 *   VS_RETURN_ERROR_IF(x <= 0.0, VS_EINVAL, "%s: x = %g must be > 0", __func__, x);
 *   VS_FORWARD_IF_ERROR(vs__check_finite(x, __func__, "x"));     // a helper's status, returned as is
 *   VS_CHECK_PTR(out);                                            // NULL → VS_EINVAL naming `out`
 *   VS_GOTO_IF_ERROR(st, step(...), out);                          // with cleanup: st = …, goto out
 *
 * Messages name the public function (__func__) and the argument, as vs__check_* do. */
#define VS_RETURN_ERROR_IF(cond, code, ...)          \
    do {                                             \
        if (cond)                                    \
            return vs__error((code), __VA_ARGS__);   \
    } while (0)
#define VS_FORWARD_IF_ERROR(expr)                    \
    do {                                             \
        int vs__fwd_st_ = (expr);                    \
        if (vs__fwd_st_ != VS_OK)                    \
            return vs__fwd_st_;                      \
    } while (0)
#define VS_GOTO_IF_ERROR(st, expr, label)            \
    do {                                             \
        if (((st) = (expr)) != VS_OK)                \
            goto label;                              \
    } while (0)
#define VS_CHECK_PTR(p) VS_FORWARD_IF_ERROR(vs__check_ptr((p), __func__, #p))

/* Argument checks. Each returns VS_OK or records a message naming `func` and `what`. */
int vs__check_ptr(const void *p, const char *func, const char *what);
int vs__check_finite(double x, const char *func, const char *what);
int vs__check_finite_array(const double *a, size_t n, const char *func, const char *what);
/* The one rule for every direction argument (k̂, n̂) of the public API: v = double[3] must be non-NULL,
 * finite in every component and not the zero vector; any such v is accepted, however large or small
 * (1e200, 1e-300 and subnormal components included). k (may be NULL, may alias v) receives v/|v|,
 * computed as s/|s| with s = v/max|v_i| so that nothing overflows or underflows.
 * VS_OK or VS_EINVAL with a message naming func and what. */
int vs__normalize_direction(const double *v, double *k, const char *func, const char *what);
/* vs__normalize_direction(v, NULL, func, what): the same check, no output. */
int vs__check_direction(const double *v, const char *func, const char *what);

/* Overflow-checked size arithmetic: VS_OK or VS_EOVERFLOW (message recorded). */
int vs__size_mul(size_t a, size_t b, size_t *out);
int vs__size_mul3(size_t a, size_t b, size_t c, size_t *out);

/* Allocation that records VS_ENOMEM; count*size is overflow-checked. Memory is zeroed. */
void *vs__calloc(size_t count, size_t size, int *status);
void vs__free(void *p);

/* Symmetric eigen-decomposition (LAPACKE dsyev) of the row-major n×n matrix A.
 * w[n] ascending; V[n*n] row-major, column j = eigenvector of w[j] (either may be NULL).
 * A is not modified. Returns VS_OK, VS_ENOMEM or VS_ENUMERIC. */
int vs__sym_eigen(int n, const double *A, double *w, double *V);

/* C = A·B for row-major A (n×k) and B (k×m), C (n×m) may not alias A or B. */
void vs__matmul(int n, int k, int m, const double *A, const double *B, double *C);
/* C = Aᵀ·B for row-major A (k×n), B (k×m). */
void vs__matmul_tn(int n, int k, int m, const double *A, const double *B, double *C);
/* y = A·x, A row-major n×m. */
void vs__matvec(int n, int m, const double *A, const double *x, double *y);
/* Symmetric matrix function F = V diag(f(w)) Vᵀ from an eigen-decomposition A = V diag(w) Vᵀ as
 * vs__sym_eigen returns it (w[n], V[n*n] row-major, column p = eigenvector of w[p]); no allocation, so
 * const queries may call it with a stored decomposition. F may not alias V or w. */
void vs__sym_apply(int n, const double *V, const double *w, double (*f)(double), double *F);

/* Run-time CPU dispatch of the hand-vectorised x86-64 paths (lib/lattice: the k-space mat-vec, the
 * update's screen and its dipolar row walk); the build stays baseline x86-64 (no -march).
 * VS__X86_DISPATCH is defined where the compiler builds __attribute__((target("avx2,fma")))
 * functions; vs__cpu_avx2() and vs__cpu_avx2_fma() say whether this CPU runs them
 * (__builtin_cpu_init is idempotent, needed only before the constructors ran). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define VS__X86_DISPATCH 1
static inline int vs__cpu_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
static inline int vs__cpu_avx2_fma(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

#endif
