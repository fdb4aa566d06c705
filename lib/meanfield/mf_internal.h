/*
 * The one internal header of the mean-field folder (docs/meanfield.md; paper Eqs. 14–17, 21–27).
 * Files, each with one job, bottom up (none calls a file above it):
 *   spinavg.c     the single-spin average: Z₁, L = d ln Z₁/dx, the response C(r) and the radial
 *                 stationarity solve (Eqs. 14, 23–24), with the solver options;
 *   meanfield.c   the vs_meanfield handle (meanfield.h; Eqs. 21–25) and the live-profile bookkeeping;
 *   gprofile.c    the vs_gprofile F(g) profile (gprofile.h; Eqs. 3, 26–27);
 *   oscillator.c  the single oscillator (oscillator.h; Eqs. 14–17).
 * The 1-D root/minimum searches are the generic fenced ones of common/solve.h.
 * Not installed; nothing here is exported.
 */
#ifndef VS_MF_INTERNAL_H
#define VS_MF_INTERNAL_H

#include <libvoigtspin/meanfield.h>
#include "common/internal.h"

/* Supported number of spin components: 2 ≤ n ≤ VS_MF_NMAX. */
#define VS_MF_NMAX 64

/* Solver settings shared by the mean-field handle and the F(g) profile (copied at creation). */
typedef struct vs__mf_opts {
    double root_rtol;    /* relative tolerance of every 1-D root/minimum search */
    int max_iter;        /* iteration cap of every 1-D search */
    double degen_rtol;   /* J_a, J_b with |J_a − J_b| ≤ degen_rtol·J_max count as degenerate */
    double g_max;        /* upper end of the g range of the F(g) analysis (reduced units) */
    int g_grid;          /* grid points per branch in the F(g) scans */
} vs__mf_opts;

void vs__mf_default_opts(vs__mf_opts *o);

/* ln Z₁(x) with Z₁(x) = ⟨e^{x ŝ·ê}⟩ over the unit sphere S^{n−1}
 *   = Γ(n/2) (2/x)^{n/2−1} I_{n/2−1}(x)   (paper, before Eq. 14; Z₁(0) = 1),
 * for x ≥ 0. For n = 6 this is ln[8 I₂(x)/x²] of Eqs. 14 and 24. Never overflows. */
double vs__mf_lnz(int n, double x);

/* ln Z₁(x) − x (no cancellation for large x, where ln Z₁ ≈ x). */
double vs__mf_lnz_shifted(int n, double x);

/* Langevin-type function L(x) = d ln Z₁/dx = I_{n/2}(x)/I_{n/2−1}(x) together with
 * q = L(x)/x (finite at x = 0: 1/n), y = 1 − L(x) and dL = L'(x), each to full relative precision
 * (small-x series, GSL scaled Bessel functions, large-x asymptotic series). Any pointer may be NULL. */
void vs__mf_langevin(int n, double x, double *L, double *q, double *y, double *dL);

/* q(x) − 1/n = L(x)/x − 1/n to full relative precision (series near 0, where both are ≈ 1/n). */
double vs__mf_qdiff(int n, double x);

/* The mean-field response at the radial root r (K = r/L(r) eliminated):
 *   C(r) = r² L'(r) / (1 − r L'(r)/L(r))  [= K²L²L'/(1 − KL')],
 * the heat capacity per spin, and the combination 4xL²L'/(1 − xL') = 4 q(r) C(r) of d²F₀/dg².
 * Well conditioned for every r ≥ 0 (series in r² where the denominator is O(r²)); C(0) = (n+2)/2. */
double vs__mf_response(int n, double r);

/* a·b·c/d (a, b, c ≥ 0, d > 0) without spurious overflow/underflow of intermediate products. */
double vs__mf_muldiv(double a, double b, double c, double d);

/* Radial stationarity of G(r) = r²/(2K) − ln Z₁(r) (Eq. 24 along the ordering direction):
 * r = K L(r). Returns r = 0 when K ≤ n (paramagnet), else the unique positive root.
 * K must be finite and ≥ 0. Returns VS_OK or VS_ENOCONV. */
int vs__mf_radial(int n, double K, const vs__mf_opts *o, double *r);

/* The same with Kmn = K − n supplied by the caller from its own inputs (e.g. (J − nT)/T with an fma,
 * or fma(g, g, −n) for K = g²): near the threshold r*² ∝ K − n, and K − n formed from a rounded K
 * carries a relative error ε K/(K − n) into r*. A non-finite Kmn means K − n. */
int vs__mf_radial_dk(int n, double K, double Kmn, const vs__mf_opts *o, double *r);

/* G(r) = r²/(2K) − ln Z₁(r) along the ordering direction (K > 0, r ≥ 0). */
double vs__mf_gradial(int n, double K, double r);

/* G_min(K) = min_r G(r) and the radius r* (either pointer may be NULL). */
int vs__mf_gmin(int n, double K, const vs__mf_opts *o, double *G, double *r);

/* The options of a valid handle (copied by the F(g) profile). */
const vs__mf_opts *vs__mf_opts_of(const vs_meanfield *mf);

/* Live-profile bookkeeping: a profile copies the options of its handle when created, so
 * VS_MF_G_MAX/VS_MF_G_GRID (which act only on profiles) are refused while a profile created from the
 * handle is alive. The counter lives in a small reference-counted block shared by the handle and its
 * profiles, so either may be freed first. Thread-safe (C11 atomics): profiles may be created
 * concurrently from one const handle. */
typedef struct vs__mf_link vs__mf_link;
vs__mf_link *vs__mf_link_profile(const vs_meanfield *mf); /* a new profile of mf: count it */
void vs__mf_unlink_profile(vs__mf_link *link);           /* a profile is freed (NULL is a no-op) */

/* Validate ncomp ∈ [2, VS_MF_NMAX]. */
int vs__mf_check_ncomp(int n, const char *func);

#endif
