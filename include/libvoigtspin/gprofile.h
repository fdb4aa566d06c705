/**
 * @file gprofile.h
 * @brief The F(g) profile ::vs_gprofile (paper Eqs. 3, 26–27, Fig. 5): F₀(g) from the mean-field
 *        closure plus a penalty, its non-convex interval, common tangent, barrier and the largest
 *        penalty that keeps it non-convex (docs/meanfield.md, "F₀(g) and F(g)").
 *
 * A profile is created from a mean-field handle (meanfield.h), whose n and solver options it copies;
 * see vs_gprofile_create() for the rules that tie the two. Reduced units: a³ = k_BT = 1, g in
 * √(k_BT/a³), F in k_BT per spin.
 * Thread safety: a profile is immutable except through vs_gprofile_set_penalty(); all `const`
 * queries may run concurrently on one profile (the penalty callback must then be re-entrant).
 * Errors: as in meanfield.h; every output of a successful call is finite, on error outputs are left
 * untouched and created handles are NULL. GSL's error handler is never called.
 * Also included by meanfield.h, which declared this API in 1.0.
 */
#ifndef LIBVOIGTSPIN_GPROFILE_H
#define LIBVOIGTSPIN_GPROFILE_H

#include <libvoigtspin/common.h>
#include <libvoigtspin/meanfield.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- F₀(g) and F(g) (Eqs. 3, 26, 27; Fig. 5) ------------------------------------------------ */

/** Opaque F(g) profile: F₀(g) from the mean-field closure plus a penalty F_ex(g). */
typedef struct vs_gprofile vs_gprofile;

/**
 * @brief User penalty F_ex(g) per spin in units of k_BT, g in units √(k_BT/a³).
 * Must write F, dF/dg and d²F/dg² (all finite) and return 0; any other return value, or a non-finite
 * output, makes the calling function fail with ::VS_ECALLBACK. Called from const queries: it must be
 * re-entrant if those run concurrently.
 */
typedef int (*vs_gpenalty_fn)(double g, double *F, double *dF, double *d2F, void *user);

/**
 * @brief F(g) profile of Fig. 5 in reduced units (a³ = k_BT = 1: g in √(k_BT/a³), F in k_BT per spin).
 *
 * Closure of Eq. 26: J_max = g²a³, so x ≡ g²a³/k_BT = J_max/T and
 *   F₀(g)/(N k_BT) = x/2 + G_min(x),
 * the on-site self-energy g²a³/2 of Eq. 14 plus the minimised Eq. 24 at couplings J_α = x·J_α/J_max
 * (only J_max matters). F(g) = F₀(g) + c g² + F_cb(g), the built-in quadratic penalty F_ex/N = c·g²a³
 * plus an optional callback (vs_gprofile_set_penalty()). The options of mf (tolerances, ::VS_MF_G_MAX,
 * ::VS_MF_G_GRID) are copied; while the profile is alive, ::VS_MF_G_MAX and ::VS_MF_G_GRID of mf cannot be
 * changed (vs_meanfield_set_option() fails). mf may be freed before the profile. d²F₀/dg² jumps at
 * x = n (Eq. 27), from 1 to −(n+4)/n, and increases monotonically above. A c (or callback) so large that
 * F or a derivative overflows makes the evaluating call fail with ::VS_ENUMERIC.
 * @param mf gives n and options (not retained). @param c penalty coefficient, finite (may be negative).
 * @param[out] out new profile (NULL on error).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOMEM
 */
VS_API int vs_gprofile_create(const vs_meanfield *mf, double c, vs_gprofile **out);

/** @brief Free a profile. Accepts NULL. */
VS_API void vs_gprofile_free(vs_gprofile *p);

/** @brief Set (fn non-NULL) or remove (fn NULL) the penalty callback; `user` is passed through. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_gprofile_set_penalty(vs_gprofile *p, vs_gpenalty_fn fn, void *user);

/**
 * @brief F₀(g) and its g-derivatives (any output may be NULL). At x = n exactly, d²F₀ is the
 *        left (paramagnetic) value 1. @param p profile. @param g in [0, 1e50].
 * @param F0 F₀(g). @param dF0 dF₀/dg. @param d2F0 d²F₀/dg². @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV
 */
VS_API int vs_gprofile_f0(const vs_gprofile *p, double g, double *F0, double *dF0, double *d2F0);

/** @brief F(g) = F₀ + c g² + F_cb and its g-derivatives (any may be NULL).
 *  @param p profile. @param g in [0, 1e50]. @param F F(g). @param dF dF/dg. @param d2F d²F/dg².
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV, ::VS_ECALLBACK, ::VS_ENUMERIC (the sum overflows) */
VS_API int vs_gprofile_eval(const vs_gprofile *p, double g, double *F, double *dF, double *d2F);

/**
 * @brief The first (lowest-g) non-convex interval [g_lo, g_hi] where d²F/dg² < 0, searched on
 *        (0, ::VS_MF_G_MAX]. g_hi = +INFINITY if d²F < 0 up to the end of the search range.
 * @param p profile. @param found 1 if an interval exists, else 0 (then g_lo, g_hi are untouched).
 * @param g_lo lower end (may be NULL). @param g_hi upper end (may be NULL).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV, ::VS_ECALLBACK, ::VS_ENUMERIC (F overflows on the search range)
 */
VS_API int vs_gprofile_nonconvex(const vs_gprofile *p, int *found, double *g_lo, double *g_hi);

/**
 * @brief Common tangent of the two convex branches around the first non-convex interval (Fig. 5).
 * @param p profile.
 * @param g1, g2 tangent points g1 < g_lo ≤ g_hi < g2. @param slope dF/dg at both (the negative
 *        pressure of Fig. 1, per spin, in k_BT/√(k_BT/a³)). Any output may be NULL.
 * @return ::VS_OK, ::VS_ENONPHYS (F is convex, or no tangent exists within the search range),
 *         ::VS_EINVAL, ::VS_ENOCONV, ::VS_ECALLBACK, ::VS_ENUMERIC
 */
VS_API int vs_gprofile_tangent(const vs_gprofile *p, double *g1, double *g2, double *slope);

/**
 * @brief Barrier: max over [g1, g2] of F(g) minus the common tangent line, in k_BT per spin.
 * @param p profile.
 * @param g_top where the maximum is reached (may be NULL). @param barrier its height (may be NULL).
 * @return as vs_gprofile_tangent().
 */
VS_API int vs_gprofile_barrier(const vs_gprofile *p, double *g_top, double *barrier);

/**
 * @brief Largest penalty coefficient c for which F = F₀ + c g² + F_cb still has a non-convex region:
 *   c_max = sup_g [−(F₀'' + F_cb'')(g)]/2 (the region exists for every c < c_max).
 * Without a callback the supremum is the right limit at x = n: c_max = (n+4)/(2n) = 5/6 for n = 6
 * (the paper quotes 5/3 = sup(−F₀''); see docs/meanfield.md). The built-in c of p is ignored.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV, ::VS_ECALLBACK, ::VS_ENUMERIC (F overflows on the search range)
 */
VS_API int vs_gprofile_max_penalty(const vs_gprofile *p, double *c_max);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_GPROFILE_H */
