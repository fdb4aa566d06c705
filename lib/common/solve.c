/*
 * GSL's 1-D solvers behind a fence (declared in solve.h).
 *
 * GSL reports every problem through its process-global error handler, whose default prints and
 * aborts, and the library must neither abort nor install a handler (host global state). So no call
 * below can reach GSL_ERROR:
 *  - the solver structs and their state are allocated here, on the stack (the `*_alloc` functions
 *    call the handler when malloc fails); the public struct layout and type->size are GSL's API;
 *  - brackets, start values and tolerances are validated before `*_set` (which calls the handler on
 *    a bad bracket), and the bracket ends are answered with the validated values when GSL evaluates
 *    them again;
 *  - every function value GSL sees is finite (`*_iterate` calls the handler on inf/NaN): a
 *    non-finite value is recorded, a finite dummy returned, and the call fails with VS_ENUMERIC.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>

#include "internal.h"
#include "solve.h"

/* Stack storage for a GSL solver state (brent: 7 doubles for roots, 8 for minima). */
typedef union gsl_state {
    double d[32];
    long double ld[16];
    void *p[32];
} gsl_state;

typedef struct fence {
    double (*f)(double, void *);
    void *par;
    double lo, hi, flo, fhi; /* validated end values, returned verbatim */
    int bad;                 /* a non-finite value was seen */
    double xbad;
} fence;

static double fenced(double x, void *p)
{
    fence *fe = p;
    if (x == fe->lo)
        return fe->flo;
    if (x == fe->hi)
        return fe->fhi;
    if (fe->bad)
        return 0.0;
    double v = fe->f(x, fe->par);
    if (!isfinite(v)) {
        fe->bad = 1;
        fe->xbad = x;
        return 0.0;
    }
    return v;
}

static int fence_check(const fence *fe, const char *func)
{
    VS_RETURN_ERROR_IF(fe->bad, VS_ENUMERIC,
                       "%s: non-finite function value at %g (overflow in the input range)", func, fe->xbad);
    return VS_OK;
}

static int check_opts(double rtol, int max_iter, const char *func)
{
    VS_RETURN_ERROR_IF(!(rtol >= 0.0) || max_iter < 1, VS_EINVAL, "%s: bad solver options", func);
    return VS_OK;
}

int vs__brent_root(double (*f)(double, void *), void *par, double lo, double hi, double flo, double fhi,
                   double rtol, int max_iter, double *root)
{
    if (flo == 0.0 || fhi == 0.0) {
        *root = flo == 0.0 ? lo : hi;
        return VS_OK;
    }
    /* Validate the bracket ourselves: gsl_root_fsolver_set would call GSL's aborting handler. */
    VS_RETURN_ERROR_IF(!(isfinite(lo) && isfinite(hi) && isfinite(flo) && isfinite(fhi) &&
                         (flo < 0.0) != (fhi < 0.0) && lo < hi),
                       VS_ENUMERIC, "%s: [%g, %g] does not bracket a root (f = %g, %g)", __func__, lo, hi,
                       flo, fhi);
    VS_FORWARD_IF_ERROR(check_opts(rtol, max_iter, __func__));
    fence fe = {f, par, lo, hi, flo, fhi, 0, 0.0};
    gsl_function F = {fenced, &fe};
    gsl_state mem;
    const gsl_root_fsolver_type *type = gsl_root_fsolver_brent;
    VS_RETURN_ERROR_IF(type->size > sizeof mem, VS_ENUMERIC, "%s: GSL's Brent state (%zu bytes) does not fit",
                       __func__, type->size);
    gsl_root_fsolver s = {type, NULL, 0.0, 0.0, 0.0, &mem};
    gsl_root_fsolver_set(&s, &F, lo, hi);
    int st = GSL_CONTINUE;
    for (int it = 0; it < max_iter && st == GSL_CONTINUE && !fe.bad; it++) {
        gsl_root_fsolver_iterate(&s);
        st = gsl_root_test_interval(gsl_root_fsolver_x_lower(&s), gsl_root_fsolver_x_upper(&s), 1e-300, rtol);
    }
    VS_FORWARD_IF_ERROR(fence_check(&fe, __func__));
    VS_RETURN_ERROR_IF(st != GSL_SUCCESS, VS_ENOCONV, "%s: root in [%g, %g] not converged in %d iterations",
                       __func__, lo, hi, max_iter);
    *root = gsl_root_fsolver_root(&s);
    return VS_OK;
}

int vs__brent_min(double (*f)(double, void *), void *par, double a, double fa, double m, double fm, double b,
                  double fb, double rtol, int max_iter, double *fmin)
{
    /* gsl_min_fminimizer_set_with_values would call the handler unless a < m < b, f(m) < f(a), f(b). */
    VS_RETURN_ERROR_IF(!(isfinite(a) && isfinite(b) && isfinite(fa) && isfinite(fm) && isfinite(fb) &&
                         a < m && m < b && fm < fa && fm < fb),
                       VS_ENUMERIC, "%s: (%g, %g, %g) does not bracket a minimum", __func__, a, m, b);
    VS_FORWARD_IF_ERROR(check_opts(rtol, max_iter, __func__));
    fence fe = {f, par, a, b, fa, fb, 0, 0.0};
    gsl_function F = {fenced, &fe};
    gsl_state mem;
    const gsl_min_fminimizer_type *type = gsl_min_fminimizer_brent;
    VS_RETURN_ERROR_IF(type->size > sizeof mem, VS_ENUMERIC, "%s: GSL's Brent state (%zu bytes) does not fit",
                       __func__, type->size);
    gsl_min_fminimizer s = {type, NULL, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, &mem};
    gsl_min_fminimizer_set_with_values(&s, &F, m, fm, a, fa, b, fb);
    int st = GSL_CONTINUE;
    for (int it = 0; it < max_iter && st == GSL_CONTINUE && !fe.bad; it++) {
        gsl_min_fminimizer_iterate(&s);
        st = gsl_min_test_interval(gsl_min_fminimizer_x_lower(&s), gsl_min_fminimizer_x_upper(&s), 1e-300,
                                   rtol);
    }
    VS_FORWARD_IF_ERROR(fence_check(&fe, __func__));
    VS_RETURN_ERROR_IF(st != GSL_SUCCESS, VS_ENOCONV, "%s: minimum not converged in %d iterations", __func__,
                       max_iter);
    *fmin = gsl_min_fminimizer_f_minimum(&s);
    return VS_OK;
}
