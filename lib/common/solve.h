/*
 * Generic 1-D root and minimum searches: GSL's Brent solver and minimiser behind a fence, so that no
 * GSL call can reach GSL's process-global error handler (whose default prints and aborts). Knows
 * nothing of the handles that use it. Not installed; nothing here is exported.
 */
#ifndef VS_SOLVE_H
#define VS_SOLVE_H

/* Root of f on [lo, hi] with GSL's Brent solver behind a fence (no GSL error handler can be reached:
 * solver storage on the stack, bracket validated, non-finite values intercepted). flo = f(lo),
 * fhi = f(hi) must be finite with opposite signs (or one be zero), else VS_ENUMERIC. Stops when the
 * bracket is narrower than rtol relative (absolute 1e-300), after at most max_iter iterations.
 * Returns VS_OK, VS_ENUMERIC (bad bracket, f non-finite somewhere), VS_EINVAL (rtol < 0 or NaN,
 * max_iter < 1) or VS_ENOCONV. */
int vs__brent_root(double (*f)(double, void *), void *par, double lo, double hi, double flo, double fhi,
                   double rtol, int max_iter, double *root);

/* Minimum value of f on (a, b) by GSL's Brent minimiser, fenced as vs__brent_root; needs a < m < b
 * and f(m) < f(a), f(b) (else VS_ENUMERIC). Stops when the interval is narrower than rtol relative
 * (a minimum's position is determined only to about the square root of the function's precision, so
 * callers pass √(their root tolerance)). Returns as vs__brent_root. */
int vs__brent_min(double (*f)(double, void *), void *par, double a, double fa, double m, double fm, double b,
                  double fb, double rtol, int max_iter, double *fmin);

#endif
