/**
 * @file meanfield.h
 * @brief The Hubbard–Stratonovich mean-field solver (paper Eqs. 21–25, Figs. 3–4; docs/meanfield.md).
 *
 * The F(g) profile built on it (Eqs. 26–27, Fig. 5) is declared in gprofile.h and the single oscillator
 * of Eq. 14 (Eqs. 14–17, Fig. 2) in oscillator.h; this header includes both, as in 1.0.
 *
 * Model: N unit spins with n components (n = 6 for the elastic model, 3 for the dipolar kernel;
 * any 2 ≤ n ≤ 64 is accepted) and the infinite-range Hamiltonian of Eq. 21 generalised to n
 * coupling eigenvalues J_α > 0 with orthonormal eigenvectors v_α (spin basis):
 *   H = −(1/2N) Σ_α J_α (v_α · Σ_m s_m)².
 * Units: k_B = 1; J_α and T in one energy unit of your choice. Fields h are dimensionless (units of k_BT).
 *
 * Free energy per spin in units of k_BT (Eq. 24 generalised; docs/meanfield.md), with K_α = J_α/T:
 *   G(h) = Σ_α h_α²/(2K_α) − ln Z₁(|h|),   Z₁(x) = Γ(n/2)(2/x)^{n/2−1} I_{n/2−1}(x)
 * (for n = 6, Z₁ = 8 I₂(x)/x²), normalised so that G(0) = 0. Eq. 23 as printed drops the h₁ source
 * term; Eq. 24 is the correct result. Stationarity: h_α = K_α m_α, m = L(|h|) ĥ,
 * L(x) = I_{n/2}(x)/I_{n/2−1}(x) (n = 6: I₃/I₂; n = 3: the Langevin function coth x − 1/x).
 *
 * Conventions:
 * - Components h_α, m_α are given in the eigenbasis, in the order the couplings were given.
 * - The "compression" direction is the eigenvector with the largest overlap with spin-basis e₁
 *   (for vs_meanfield_create_compr_shear() it is component 0); all others form the "shear" sector.
 *   h_c = h along it (either sign), h_s = |projection of h on the shear sector| ≥ 0.
 * - The minimiser lies along the eigen-direction(s) of the largest J (J_max). When J_max is
 *   degenerate (within the option ::VS_MF_DEGEN_RTOL) every point of the sphere |h| = r* in the
 *   degenerate subspace is a minimiser; the one reported has equal components along each
 *   degenerate eigenvector. With an ordered compression sector the two minima ±h_c have equal depth
 *   (Fig. 3b); the one with h_c > 0 is reported.
 * - Free energy per spin F/N = T·G_min, relative to free (non-interacting) spins: the paramagnet
 *   has F = U = S = C = 0. U/N = −Σ_α J_α m_α²/2, S/N = (U − F)/T, C/N = dU/dT (analytic, by implicit
 *   differentiation of the stationarity equation).
 * - T_Curie = J_max/n (Eq. 25 for n = 6: max J/6). At T = T_Curie exactly the paramagnet is reported.
 *
 * Thread safety: handles are immutable except through vs_meanfield_set_option() and
 * vs_gprofile_set_penalty(); all `const` queries (including vs_gprofile_create() from one handle) may run
 * concurrently on one handle.
 * Errors: ::VS_EINVAL (NULL, NaN/inf, T ≤ 0 or J_max/T > 1e100, non-positive couplings, bad sizes), ::VS_ENOMEM,
 * ::VS_ENOCONV, ::VS_ECALLBACK, ::VS_ENUMERIC (a result that is not representable, e.g. a landscape value
 * or F(g) with a huge penalty that overflows). Every output of a successful call is finite. On error,
 * outputs are left untouched and created handles are NULL.
 * GSL: the library never calls GSL's error handler (whose default aborts) and never installs one; the
 * host's handler, if any, is left alone.
 */
#ifndef LIBVOIGTSPIN_MEANFIELD_H
#define LIBVOIGTSPIN_MEANFIELD_H

#include <stddef.h>

#include <libvoigtspin/common.h>
#include <libvoigtspin/coupling.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque mean-field handle. */
typedef struct vs_meanfield vs_meanfield;

/** Phase of the mean-field solution (Fig. 4). Values are fixed forever. */
typedef enum vs_mf_phase {
    VS_MF_PARAMAGNET = 0,   /**< T ≥ T_Curie: h = m = 0. */
    VS_MF_COMPRESSION = 1,  /**< Compression ordered ("Ising"), J_compr > J_shear: h_c ≠ 0, h_s = 0. */
    VS_MF_SHEAR = 2,        /**< Shear ordered ("5-component Heisenberg"), J_shear > J_compr: h_c = 0, h_s > 0. */
    VS_MF_BOTH = 3          /**< J_compr = J_shear (within ::VS_MF_DEGEN_RTOL): degenerate sphere of minima. */
} vs_mf_phase;

/** Solver options (zstd pattern: enum keys with a bounds query). Values are fixed forever. */
typedef enum vs_mf_option {
    VS_MF_ROOT_RTOL = 0,   /**< Relative tolerance of every 1-D root/minimum search. Default 1e-14, bounds [1e-15, 1e-4]. */
    VS_MF_MAX_ITER = 1,    /**< Iteration cap of every 1-D search (integer). Default 500, bounds [10, 100000]. */
    VS_MF_DEGEN_RTOL = 2,  /**< Couplings within this relative distance of J_max count as degenerate. Default 1e-12, bounds [0, 0.1]. */
    VS_MF_G_MAX = 3,       /**< Upper end of the g range scanned by the vs_gprofile analysis (units √(k_BT/a³)). Default 1000, bounds [10, 1e6].
                                Acts only on profiles, which copy it at vs_gprofile_create(): setting it fails with
                                ::VS_EINVAL while a profile created from the handle is alive (since 1.0.1). */
    VS_MF_G_GRID = 4       /**< Grid points per branch of the vs_gprofile scans (integer). Default 400, bounds [20, 1e6].
                                Same rule as ::VS_MF_G_MAX: refused (::VS_EINVAL) while a profile of the handle is alive. */
} vs_mf_option;

/* ---- Lifecycle ----------------------------------------------------------------------------- */

/**
 * @brief Mean-field handle from n coupling eigenvalues and their eigenvectors.
 * @param ncomp number of spin components n, 2 ≤ n ≤ 64.
 * @param J `double[ncomp]` eigenvalues J_α > 0 (energy unit of T; e.g. E0 × eigenvalues of ⟨J̃⟩).
 * @param V `double[ncomp*ncomp]` row-major, column α = eigenvector of J_α in the spin basis; must be
 *          orthonormal to 1e-10. NULL means the identity (component 0 is compression).
 * @param[out] out new handle (NULL on error).
 * @return ::VS_OK, ::VS_EINVAL (bad n, NULL, non-finite, J_α ≤ 0, V not orthonormal), ::VS_ENOMEM
 */
VS_API int vs_meanfield_create(int ncomp, const double *J, const double *V, vs_meanfield **out);

/**
 * @brief The paper's 6-spin model (Eq. 21): J_compr once (component 0) and J_shear five times.
 * @param J_compr, J_shear couplings > 0 (energy unit of T). @param[out] out new handle.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOMEM
 */
VS_API int vs_meanfield_create_compr_shear(double J_compr, double J_shear, vs_meanfield **out);

/**
 * @brief Mean-field handle of a coupling handle: J_α = E0 × eigenvalues of ⟨W⟩ (vs_coupling_average_eigen()),
 *        eigenvectors from the same call, n = vs_coupling_ncomp() (6 elastic, 3 dipolar).
 * @param c coupling handle (not retained). @param E0 energy scale > 0 (the paper's g²a³, Eq. 26).
 * @param[out] out new handle.
 * @return ::VS_OK, ::VS_EINVAL (NULL, E0 not finite or ≤ 0, an eigenvalue ≤ 0), ::VS_ENOMEM, or the
 *         coupling call's error.
 */
VS_API int vs_meanfield_create_from_coupling(const vs_coupling *c, double E0, vs_meanfield **out);

/** @brief Free a handle. Accepts NULL. */
VS_API void vs_meanfield_free(vs_meanfield *mf);

/** @brief Number of spin components n; 0 if mf is NULL. */
VS_API int vs_meanfield_ncomp(const vs_meanfield *mf);

/**
 * @brief Copy out the couplings.
 * @param mf handle.
 * @param J `double[n]` (may be NULL). @param V `double[n*n]`, column α = eigenvector α (may be NULL).
 * @param icompr index of the compression eigenvector (may be NULL).
 * @return ::VS_OK, ::VS_EINVAL
 */
VS_API int vs_meanfield_couplings(const vs_meanfield *mf, double *J, double *V, int *icompr);

/* ---- Options ------------------------------------------------------------------------------- */

/** @brief Bounds [lo, hi] of an option. @return ::VS_OK, ::VS_EINVAL (unknown key or NULL). */
VS_API int vs_meanfield_option_bounds(vs_mf_option key, double *lo, double *hi);

/** @brief Set an option (integer options need an integer value). Not concurrent with queries on the same handle.
 *  Profiles copy the options when they are created (vs_gprofile_create()); ::VS_MF_G_MAX and ::VS_MF_G_GRID,
 *  which act only on profiles, are therefore refused while a profile created from mf is alive (set them
 *  first, or free the profiles). The other options act on mf's own queries and may be set at any time.
 *  @return ::VS_OK, ::VS_EINVAL (unknown key, NaN, out of bounds, profile option with a live profile). */
VS_API int vs_meanfield_set_option(vs_meanfield *mf, vs_mf_option key, double value);

/** @brief Current value of an option. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_meanfield_get_option(const vs_meanfield *mf, vs_mf_option key, double *value);

/* ---- Solution at one temperature ------------------------------------------------------------ */

/** @brief Mean-field Curie temperature T_Curie = J_max/n (Eq. 25). @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_meanfield_curie_temperature(const vs_meanfield *mf, double *T_curie);

/**
 * @brief Minimiser of G(h) (Eq. 24 generalised) at temperature T.
 * @param mf handle.
 * @param T temperature > 0 with J_max/T ≤ 1e100 (|h| up to 1e100).
 * @param h `double[n]` minimiser in the eigenbasis (may be NULL).
 * @param m `double[n]` order parameter m = L(|h|)ĥ = ⟨s⟩ in the eigenbasis (may be NULL).
 * @param residual ‖h − K∘m‖₂, the stationarity residual h_α − (J_α/T) m_α (may be NULL).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV
 */
VS_API int vs_meanfield_solve(const vs_meanfield *mf, double T, double *h, double *m, double *residual);

/**
 * @brief Compression/shear split of the minimiser and of the order parameter (Fig. 3 coordinates).
 * @param mf handle. @param T temperature > 0.
 * @param hc, hs, mc, ms h_c, h_s ≥ 0, m_c, m_s ≥ 0 (any may be NULL). @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV
 */
VS_API int vs_meanfield_sector_fields(const vs_meanfield *mf, double T, double *hc, double *hs,
                                      double *mc, double *ms);

/** @brief Phase at temperature T (see ::vs_mf_phase). @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV */
VS_API int vs_meanfield_phase(const vs_meanfield *mf, double T, vs_mf_phase *phase);

/**
 * @brief Thermodynamics per spin at T (energy unit of T; k_B = 1; relative to free spins).
 * @param mf handle. @param T temperature > 0.
 * @param F free energy T·G_min; @param U internal energy −Σ J_α m_α²/2; @param S entropy (U − F)/T
 *        (evaluated as ln Z₁(|h|) − |h| L(|h|), exact at low T);
 * @param C heat capacity dU/dT (any may be NULL). C jumps from (n+2)/2 to 0 at T_Curie; C → (n−1)/2 as T → 0.
 *        C = r²L'/(1 − rL'/L) at the root r = |h*| is evaluated without the O(r²) cancellation of
 *        1 − KL' near T_Curie: C ≤ (n+2)/2, to ~1e-15 relative for 1 − T/T_Curie down to 1e-12 (n ≤ 20).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV
 */
VS_API int vs_meanfield_thermo(const vs_meanfield *mf, double T, double *F, double *U, double *S, double *C);

/**
 * @brief Landscape G(h_c, h_s) in units of k_BT (Eq. 24; Fig. 3) on a grid.
 *
 * G(h_c, h_s) = h_c²/(2J_c/T) + h_s²/(2J_s/T) − ln Z₁(√(h_c² + h_s²)), J_c = the compression coupling,
 * J_s = the largest shear coupling. G is even in h_c and in h_s.
 * @param mf handle. @param T temperature > 0.
 * @param nc, ns grid sizes ≥ 1. @param hc `double[nc]`, finite, |hc| ≤ 1e100.
 * @param hs `double[ns]`, finite, |hs| ≤ 1e100.
 * @param G `double[nc*ns]` row-major: G[i*ns + j] = G(hc[i], hs[j]). The quadratic terms are formed as
 *        h²T/(2J), so J/T may underflow (huge T) without harm.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_EOVERFLOW, ::VS_ENUMERIC (a value of G exceeds the double range;
 *         checked before anything is written)
 */
VS_API int vs_meanfield_landscape(const vs_meanfield *mf, double T, size_t nc, const double *hc,
                                  size_t ns, const double *hs, double *G);

/**
 * @brief Phase diagram of the 6-spin model (Fig. 4) over a grid of T and J_compr/J_shear.
 *
 * For T[i] and ratio[j], J_compr = ratio[j]·J_shear. Outputs at index i*nr + j.
 * @param J_shear > 0. @param nT, nr grid sizes ≥ 1. @param T `double[nT]` > 0. @param ratio `double[nr]` > 0.
 * @param phase `int[nT*nr]` ::vs_mf_phase codes. @param mc, ms `double[nT*nr]` order parameters m_c ≥ 0
 *        (the positive of the two equal minima) and m_s ≥ 0 (either may be NULL).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_EOVERFLOW, ::VS_ENOCONV
 */
VS_API int vs_meanfield_phase_diagram(double J_shear, size_t nT, const double *T, size_t nr,
                                      const double *ratio, int *phase, double *mc, double *ms);

#ifdef __cplusplus
}
#endif

/* Source compatibility: the profile and oscillator APIs were declared here in 1.0. Included after the
 * declarations above, since gprofile.h needs ::vs_meanfield. */
#include <libvoigtspin/gprofile.h>
#include <libvoigtspin/oscillator.h>

#endif /* LIBVOIGTSPIN_MEANFIELD_H */
