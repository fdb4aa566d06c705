/*
 * The analysis of `voigtspin fragility` (tools/fragility.c; docs/fragility.md): axis conversions of an
 * isotropic material and the estimates drawn from a heat-capacity curve C(T) with error bars. Pure
 * functions of their arguments (no I/O, no library handles), so that tests/tools/test_fragility.c
 * checks them on synthetic input with known answers.
 */
#ifndef VS_FRAGILITY_H
#define VS_FRAGILITY_H

#include <stddef.h>

/* The RFOT relation between fragility and the heat-capacity jump per bead, m ≈ 34.7 Δc_p (paper,
 * text after Eq. 1; k_B = 1). */
#define FRAG_M_PER_DCP 34.7

/* ---- axis conversions of an isotropic material (closed forms; NaN outside the physical range) ----
 * σ ∈ (−1, 1/2); c_l/c_t = √(2(1−σ)/(1−2σ)) > √(4/3); K/G = 2(1+σ)/(3(1−2σ)) > 0;
 * J_compr/J_shear = (5/2)(1+σ)/(4−5σ) (Eq. 22) ∈ (0, 5/2). */
double frag_clct_from_sigma(double sigma);
double frag_sigma_from_clct(double clct);
double frag_kg_from_sigma(double sigma);
double frag_sigma_from_kg(double kg);
double frag_ratio_from_sigma(double sigma);
double frag_sigma_from_ratio(double ratio);

/* ---- estimates from C(T) ----------------------------------------------------------------------- */

/* Peak of C(T): the parabola through the largest C_k and its two neighbours (T strictly
 * increasing). Its vertex (*Tp, *Cp); errors by linear propagation of the three (independent) dC
 * (derivatives of the vertex by central differences). Returns 0, or 1 when the largest C is at an
 * end of the ladder or the three points are not concave (outputs NaN), −1 for n < 3. */
int frag_peak(int n, const double *T, const double *C, const double *dC, double *Tp, double *dTp, double *Cp,
              double *dCp);

/* Trapezoid ∫ y dx over the n points (x increasing) and its error sqrt(Σ w_k² dy_k²) for
 * independent dy_k (w_k the trapezoid weights). n ≥ 2; returns 0 or −1. */
int frag_trapezoid(int n, const double *x, const double *y, const double *dy, double *I, double *dI);

/* Weighted least-squares line y = a + b x through n ≥ 2 points with errors dy > 0: a, b, their
 * standard errors (from the covariance of the fit, not rescaled) and χ² (n − 2 degrees of freedom).
 * Returns 0, −1 (n < 2, a dy ≤ 0 or not finite, all x equal). */
int frag_fit_line(int n, const double *x, const double *y, const double *dy, double *a, double *da, double *b,
                  double *db, double *chi2);

/* The compression share of the Fourier mode at wave vector k of one configuration of N six-component
 * spins in the spin basis (component 0 compression, 1–5 shear; elastic.h): |F_0(k)|² / Σ_a |F_a(k)|²,
 * F_a(k) = Σ_m s_{m,a} e^{−ik·r_m}, r `double[3N]`. 1/6 for random spins, → 1 for compression order,
 * → 0 for shear order. NaN when every F_a(k) vanishes. */
double frag_compression_share(size_t N, const double *s, const double *r, const double *k);

#endif
