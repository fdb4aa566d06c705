/**
 * @file oscillator.h
 * @brief The single oscillator of Eq. 14 (paper Eqs. 14–17, Fig. 2): free energy density, its
 *        minimiser and the critical g of Eq. 17 (docs/meanfield.md, "The single oscillator").
 *
 * One order-parameter field φ coupled to a stress magnitude g, with the n-component spin sum done
 * exactly: f(φ, g) = ½(φ² + g²) − (T/a³) ln Z₁(a³φg/T), Z₁(x) = Γ(n/2)(2/x)^{n/2−1} I_{n/2−1}(x)
 * (n = 6: 8 I₂(x)/x²). Its minimum over φ is the radial problem of the mean field (meanfield.h).
 * Units: k_B = 1; T an energy, a3 = a³ a volume, φ and g in √(energy/volume).
 * These are pure functions: re-entrant, no handle. Errors: ::VS_EINVAL (bad n, NULL, NaN/inf,
 * T or a3 ≤ 0, negative magnitudes, arguments too large), ::VS_ENOCONV, ::VS_ENUMERIC. On error the
 * outputs are left untouched. GSL's error handler is never called (see meanfield.h).
 * Also included by meanfield.h, which declared these functions in 1.0.
 */
#ifndef LIBVOIGTSPIN_OSCILLATOR_H
#define LIBVOIGTSPIN_OSCILLATOR_H

#include <libvoigtspin/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The single oscillator of Eq. 14 -------------------------------------------------------- */

/**
 * @brief Single-oscillator free energy density f(φ, g) of Eq. 14, generalised to n components:
 *   f = ½(φ² + g²) − (T/a³) ln Z₁(a³φg/T), Z₁(0) = 1 (n = 6: ln[8 I₂(y)/y²]).
 * The paper's "up to an additive constant" is fixed so the log term vanishes at φg = 0.
 * Units: T energy, a3 = a³ volume, φ and g in √(energy/volume), f in energy/volume.
 * @param ncomp 2 ≤ n ≤ 64 (6 for the paper). @param T temperature > 0. @param a3 bead volume a³ > 0.
 * @param phi, g magnitudes ≥ 0. @param[out] f the free energy density.
 * @return ::VS_OK, ::VS_EINVAL
 */
VS_API int vs_oscillator_free_energy(int ncomp, double T, double a3, double phi, double g, double *f);

/**
 * @brief Minimiser φ* ≥ 0 of f(φ, g) over φ (Fig. 2): φ* = 0 for g ≤ g_cr, φ* > 0 above.
 * @param ncomp 2 ≤ n ≤ 64. @param T temperature > 0. @param a3 a³ > 0. @param g ≥ 0 (units as
 *        vs_oscillator_free_energy()).
 * @param phi_min φ* (may be NULL). @param f_min f(φ*, g) (may be NULL).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV
 */
VS_API int vs_oscillator_minimize(int ncomp, double T, double a3, double g, double *phi_min, double *f_min);

/** @brief Critical g of Eq. 17: g_cr² = n k_BT/a³ (= 6k_BT/a³ for n = 6).
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC (g_cr exceeds the double range, e.g. a3 = 5e-324 with T = 1e300) */
VS_API int vs_oscillator_gcr(int ncomp, double T, double a3, double *gcr);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_OSCILLATOR_H */
