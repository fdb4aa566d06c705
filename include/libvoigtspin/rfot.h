/**
 * @file rfot.h
 * @brief Relations of the random first-order transition (RFOT) theory quoted by the paper
 *        (Eqs. 1–2 and the text around them; docs/theory.md).
 *
 * Units: k_B = 1, so the configurational entropy s_c and the heat-capacity jump Δc_p are per bead in
 * units of k_B; T is an energy; lengths and times in any consistent units (the results carry them).
 * These are pure functions: re-entrant, no handle. On error the output is left untouched.
 */
#ifndef LIBVOIGTSPIN_RFOT_H
#define LIBVOIGTSPIN_RFOT_H

#include <libvoigtspin/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Structural relaxation time of Eq. 1: τ = τ_vibr exp(32 k_B/s_c).
 * @param tau_vibr microscopic (vibrational) time > 0, e.g. 1 ps. @param s_c configurational entropy per
 *        bead > 0 (units of k_B). @param[out] tau τ in the unit of tau_vibr.
 * @return ::VS_OK, ::VS_EINVAL (NULL, non-finite, ≤ 0), ::VS_ENUMERIC (τ overflows a double)
 */
VS_API int vs_rfot_tau(double tau_vibr, double s_c, double *tau);

/**
 * @brief Viscosity of Eq. 2 with an explicit Lindemann length: η = 2k_BT/(π a d_L²) ⟨τ⟩.
 * @param T temperature as an energy (k_BT) > 0. @param a bead size > 0. @param d_L Lindemann length > 0.
 * @param tau_mean ⟨τ⟩ ≥ 0. @param[out] eta in energy·time/length³ (e.g. J·s/m³ = Pa·s).
 * Evaluated on mantissas and exponents: any representable η is returned even when a·d_L² under- or
 * overflows; ⟨τ⟩ = 0 gives 0.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC (η > DBL_MAX)
 */
VS_API int vs_rfot_viscosity(double T, double a, double d_L, double tau_mean, double *eta);

/**
 * @brief Viscosity of Eq. 2 with the universal Lindemann ratio d_L = a/10:
 *        η = (200/π)(k_BT/a³)⟨τ⟩ ≈ 63.66 (k_BT/a³)⟨τ⟩ (the paper rounds the prefactor to 60).
 * @return as vs_rfot_viscosity().
 */
VS_API int vs_rfot_viscosity_lindemann(double T, double a, double tau_mean, double *eta);

/**
 * @brief RFOT fragility estimate quoted in the text after Eq. 1: m ≈ 34.7 Δc_p.
 * @param dcp heat-capacity jump per bead at T_g, Δc_p = T ∂s_c/∂T (units of k_B), finite, ≥ 0.
 * @param[out] m fragility index.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC (m overflows: Δc_p > DBL_MAX/34.7)
 */
VS_API int vs_rfot_fragility(double dcp, double *m);

/**
 * @brief Fragility that follows from Eq. 1 alone and the definition m = d log₁₀τ / d(T_g/T) at T_g:
 *        m = 32 Δc_p / (ln 10 · s_c²), with s_c = s_c(T_g). It equals 34.7 Δc_p when
 *        s_c(T_g) = √(32/(34.7 ln 10)) ≈ 0.633 k_B.
 * @param s_c configurational entropy per bead at T_g > 0. @param dcp Δc_p ≥ 0 (units of k_B).
 * @param[out] m fragility index.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC (m overflows a double)
 */
VS_API int vs_rfot_fragility_from_entropy(double s_c, double dcp, double *m);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_RFOT_H */
