/* Generic quadrature on the unit sphere and real spherical harmonics: the bottom layer of lib/coupling
 * (docs/coupling.md, "How it is computed"; paper App. B averages). Knows nothing of the coupling handle.
 * Not installed. */
#ifndef VS_SPHERE_H
#define VS_SPHERE_H

#include <stddef.h>

/* Integrand of the sphere quadrature: out[n] at the unit vector k; non-zero status aborts. */
typedef int (*vs__sphere_fn)(const double *k, double *out, void *ctx);

/* A quadrature tolerance must be finite and > 0: VS_OK or VS_EINVAL with a message naming func. */
int vs__sphere_check_tol(double tol, const char *func);

/* ⟨f⟩ over the unit sphere with Gauss–Legendre (cos θ) × trapezoid (φ) grids of increasing order until
 * successive orders differ by ≤ tol (max norm). `user` maps a non-zero callback status to VS_ECALLBACK
 * and checks the returned values are finite. VS_OK, VS_ENOCONV, VS_ENOMEM, VS_ECALLBACK or the
 * integrand's status. */
int vs__sphere_average(int n, vs__sphere_fn f, void *ctx, double tol, int user, const char *func, double *avg,
                       double *abserr);

/* Gauss–Legendre nodes x[nt], weights w[nt] on [−1, 1] from GSL's static tables (orders 2–20, 32, 64, 96,
 * 100, 128, 256, 512, 1024: no allocation, no GSL error path). VS_OK or VS_EINVAL (other orders). */
int vs__gauss_legendre(int nt, double *x, double *w);

/* Real orthonormal spherical harmonics Y_lm(θ, φ) for all l ≤ lmax at cos θ = z (clamped to [−1, 1])
 * and (cos φ, sin φ) = (cphi, sphi): Y[l*l + l + m], −l ≤ m ≤ l. `scratch` holds
 * vs__ylm_scratch_size(lmax) doubles. */
void vs__real_ylm(int lmax, double z, double cphi, double sphi, double *scratch, double *Y);
/* GSL's SPHARM-normalised associated Legendre array at z (clamped), m ≥ 0, into P (scratch size);
 * vs__legendre_at(P, l, m) reads one entry; vs__spharm_real_factor(m) is 1 (m = 0) or √2 (real basis). */
void vs__legendre_spharm(int lmax, double z, double *P);
double vs__legendre_at(const double *P, int l, int m);
double vs__spharm_real_factor(int m);
/* Scratch size vs__real_ylm and vs__legendre_spharm need. */
size_t vs__ylm_scratch_size(int lmax);

#endif
