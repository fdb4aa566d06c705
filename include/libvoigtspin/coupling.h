/**
 * @file coupling.h
 * @brief The angular-averaged coupling handle: K̃(k̂), J̃(k̂), ⟨J̃⟩ and the harmonic decomposition
 *        (paper Eqs. 18–22, App. B; docs/coupling.md).
 *
 * A coupling handle is either the 6-component elastic kernel built from an elastic tensor
 * (ncomp = 6, W(k̂) = J̃(k̂) in the spin basis of elastic.h) or the 3-component kernel of App. B
 * (ncomp = 3, W(k̂) = k̂k̂ᵀ). Both expose the same interface so the lattice handle treats them alike.
 *
 * Harmonic decomposition: W(k̂) = Σ_{l = 0, 2, …, lmax} A_l(k̂), A_l the degree-l spherical-harmonic
 * part of every entry (odd l vanish: W(−k̂) = W(k̂)). A_0 = ⟨W⟩. Exact for the isotropic elastic kernel
 * (lmax = 4: J̃ is a degree-4 polynomial in k̂) and the dipolar one (lmax = 2); truncated for anisotropic
 * Λ at the smallest even lmax ≤ 64 whose pointwise error bound is ≤ tol (see vs_coupling_harmonics_error()).
 *
 * Matrices are row-major, 0-based: ncomp×ncomp as `double[ncomp*ncomp]`. J̃ and k̂k̂ᵀ are dimensionless;
 * K̃ has the unit of Λ. The spin basis is that of elastic.h (component 0 = compression q1).
 *
 * Directions: every direction argument (k̂, n̂) follows the one rule of the library (also
 * vs_elastic_christoffel()): any `double[3]` that is finite and not the zero vector is accepted whatever
 * its magnitude — (1e200, 0, 0), (1e-300, 0, 0) and subnormal components included — and means v/|v|,
 * computed as s/|s| with s = v/max|v_i| so that nothing overflows or underflows. NULL, a NaN or
 * infinite component, or the zero vector give ::VS_EINVAL (outputs untouched).
 *
 * Thread safety: a handle is immutable after creation; every query may run concurrently on one handle.
 * See docs/coupling.md for the paper-equation map and the numbers.
 */
#ifndef LIBVOIGTSPIN_COUPLING_H
#define LIBVOIGTSPIN_COUPLING_H

#include <libvoigtspin/common.h>
#include <libvoigtspin/elastic.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque coupling handle. Immutable after creation: all queries take a `const` handle. */
typedef struct vs_coupling vs_coupling;

/**
 * @brief Elastic (6-component) coupling of an elastic tensor: W(k̂) = J̃(k̂) (Eq. 20 in the spin basis).
 *
 * At creation the handle computes ⟨J̃⟩ (closed form for isotropic Λ, App. B; otherwise spherical
 * quadrature, see vs_sphere_average()) with its eigen-decomposition, and the harmonic coefficients.
 * Cost: microseconds (isotropic), ~0.01–0.2 s (anisotropic, grows as tol shrinks).
 * @param el any valid elastic tensor (copied; the caller may free it afterwards).
 * @param tol requested absolute pointwise accuracy (finite, > 0, e.g. 1e-8) of Σ_l A_l(k̂) in Frobenius
 *            norm for anisotropic tensors: tol/2 for the harmonic tail and tol/(2·6) per entry for ⟨J̃⟩;
 *            isotropic tensors are exact regardless. Strongly
 *            anisotropic tensors converge slowly in l: e.g. cubic (C11, C12, C44) = (3, 1.5, 2) reaches
 *            ~1e-12 only near lmax = 64, so very small tol gives ::VS_ENOCONV.
 * @param[out] out new handle (NULL on error).
 * @return ::VS_OK, ::VS_EINVAL (NULL, tol not finite or ≤ 0), ::VS_ENOCONV (tol not reached: quadrature
 *         at n_θ = 256 or harmonics at lmax = 64), ::VS_ENOMEM, ::VS_ENUMERIC
 */
VS_API int vs_coupling_create(const vs_elastic *el, double tol, vs_coupling **out);

/** @brief The 3-component kernel W(k̂) = k̂k̂ᵀ of App. B (Eqs. B4–B5): eigenvalues 1, 0, 0; ⟨W⟩ = I/3;
 *  A_0 = I/3, A_2 = k̂k̂ᵀ − I/3, lmax = 2 (all exact).
 *  @param[out] out new handle (NULL on error). @return ::VS_OK, ::VS_EINVAL (out NULL), ::VS_ENOMEM */
VS_API int vs_coupling_create_dipolar(vs_coupling **out);

/** @brief Free a handle. Accepts NULL. @param c handle or NULL */
VS_API void vs_coupling_free(vs_coupling *c);

/** @brief Number of spin components: 6 (elastic) or 3 (dipolar); 0 if c is NULL. @param c handle */
VS_API int vs_coupling_ncomp(const vs_coupling *c);

/** @brief W(k̂) = J̃(k̂) (ncomp 6, spin basis) or k̂k̂ᵀ (ncomp 3), `double[ncomp*ncomp]`, symmetric.
 *
 *  J̃ = Qᵀ X (XᵀX)⁻¹ Xᵀ Q, X = M^{1/2} D(k̂)ᵀ: a rank-3 projector (J̃² = J̃, tr J̃ = 3, paper §III) for
 *  every k̂ and every Λ. Isotropic Λ uses Γ⁻¹ of Eq. B3, otherwise a Cholesky solve (LAPACKE).
 *  @param c handle @param khat direction `double[3]`, finite, non-zero, any magnitude (see Directions above).
 *  @param[out] J W(k̂), `double[ncomp*ncomp]`.
 *  @return ::VS_OK, ::VS_EINVAL (NULL, zero/NaN/inf direction), ::VS_ENUMERIC */
VS_API int vs_coupling_jtilde(const vs_coupling *c, const double *khat, double *J);

/** @brief Angular average ⟨W⟩ `double[ncomp*ncomp]` computed at creation; `abserr` (may be NULL) gets the
 *  achieved error estimate (0 for the closed forms: isotropic diag(J_compr, J_shear×5) in the spin basis,
 *  App. B; dipolar I/3; otherwise the difference of the last two quadrature orders, ≤ tol).
 *  @param c handle @param[out] Jbar `double[ncomp*ncomp]` @param[out] abserr error estimate or NULL
 *  @return ::VS_OK, ::VS_EINVAL (c or Jbar NULL) */
VS_API int vs_coupling_average(const vs_coupling *c, double *Jbar, double *abserr);

/** @brief Eigen-decomposition of ⟨W⟩: eigenvalues ascending in `w[ncomp]`, `V[ncomp*ncomp]`
 *  row-major with column j the eigenvector of w[j]. Either pointer may be NULL. Isotropic Λ: the
 *  eigenvectors are exactly the spin axes (J_compr on axis 0, J_shear on axes 1–5; sum 3); dipolar: I.
 *  Because the order is by value, J_compr is w[0] only when J_compr < J_shear, i.e. σ < 0.2
 *  (K < 4μ/3); for σ > 0.2 it is w[5] (σ = 0.35: w = {6/13 ×5, 9/13}). Identify it by its eigenvector
 *  (the column j with the largest |V[j]|, i.e. along spin axis 0), or use vs_coupling_average() (entry
 *  [0][0]) or vs_coupling_jcompr_jshear().
 *  Anisotropic: LAPACKE dsyev of the quadrature average.
 *  @param c handle @param[out] w `double[ncomp]` or NULL @param[out] V `double[ncomp*ncomp]` or NULL
 *  @return ::VS_OK, ::VS_EINVAL (c NULL) */
VS_API int vs_coupling_average_eigen(const vs_coupling *c, double *w, double *V);

/** @brief Largest harmonic degree kept (even): 4 for isotropic elastic, 2 for dipolar, ≤ 64 otherwise.
 *  @param c handle @param[out] lmax the degree @return ::VS_OK, ::VS_EINVAL (NULL) */
VS_API int vs_coupling_lmax(const vs_coupling *c, int *lmax);

/** @brief All harmonic parts at one direction: `A[(l/2)*ncomp*ncomp + a*ncomp + b]` = (A_l(n̂))_ab
 *  for l = 0, 2, …, lmax; `A` has (lmax/2+1)*ncomp*ncomp entries, each block symmetric.
 *
 *  A_l(n̂) = Σ_m c_lm Y_lm(n̂) with real orthonormal Y_lm; equivalently (2l+1)/(4π) ∫ P_l(n̂·k̂) W(k̂) dΩ.
 *  Σ_l A_l(n̂) = W(n̂) exactly (isotropic, dipolar) or within vs_coupling_harmonics_error(). Cost: one
 *  Y_lm sweep (≈ 0.6 µs at lmax = 4, ≈ 10 µs at lmax = 36); no allocation.
 *  @param c handle @param nhat `double[3]`, finite, non-zero, any magnitude (see Directions above).
 *  @param[out] A `double[(lmax/2+1)*ncomp*ncomp]` (never more than 33*36 = 1188 doubles: lmax ≤ 64).
 *  @return ::VS_OK, ::VS_EINVAL (NULL, zero/NaN/inf direction) */
VS_API int vs_coupling_harmonics(const vs_coupling *c, const double *nhat, double *A);

/** @brief The pointwise error of the harmonic decomposition: an estimate bounding the Frobenius norm
 *  of W(k̂) − Σ_{l ≤ lmax} A_l(k̂) at every k̂. It is the truncation tail Σ_{l > lmax} √((2l+1)/4π) ‖c_l‖_F
 *  of the computed real-Y_lm coefficients c_l (Cauchy–Schwarz with the addition theorem; Parseval; kept
 *  ≤ tol/2) plus ncomp × the error estimate of A_0 = ⟨W⟩ (kept ≤ tol/2). 0 when the decomposition is
 *  exact (isotropic elastic, dipolar: W is then a polynomial of degree lmax in k̂).
 *  @param c handle @param[out] err the bound (≤ the creation tolerance). @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_coupling_harmonics_error(const vs_coupling *c, double *err);

/* ---- K̃ (Eq. 20) --------------------------------------------------------------------------------- */

/** @brief K̃(k̂) in Mandel form, `double[36]` row-major: K̃ = M Dᵀ Γ(k̂)⁻¹ D M with (D t)_i = ε_ij k̂_j
 *  and Γ = D M Dᵀ the Christoffel matrix (docs/coupling.md, the Mandel form of Eq. 20; for isotropic Λ,
 *  Γ⁻¹ = (1/μ)(I − (λ+μ)/(λ+2μ) k̂k̂ᵀ), Eq. B3). Units of Λ (pressure). Off-diagonal Mandel entries carry
 *  the √2 factors of Eq. A1, so tᵀ K̃ t' = ε_ij K̃_ijkl ε'_kl.
 *  @param c elastic handle @param khat direction `double[3]`, finite, non-zero, any magnitude (see Directions).
 *  @param[out] K `double[36]`.
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_EUNSUPPORTED (dipolar handle), ::VS_ENUMERIC */
VS_API int vs_coupling_ktilde_mandel(const vs_coupling *c, const double *khat, double *K);

/** @brief K̃_ijkl(k̂) = Λ_ijmp k̂_p (Γ⁻¹)_mn Λ_klnq k̂_q (Eq. 20 for any Λ), `double[81]`,
 *  index ((i*3+j)*3+k)*3+l. @param c elastic handle @param khat direction `double[3]` (as above)
 *  @param[out] K `double[81]` @return ::VS_OK, ::VS_EINVAL, ::VS_EUNSUPPORTED (dipolar), ::VS_ENUMERIC */
VS_API int vs_coupling_ktilde_tensor(const vs_coupling *c, const double *khat, double *K);

/* ---- Spherical quadrature ------------------------------------------------------------------------ */

/** @brief ⟨W⟩ recomputed by spherical quadrature for any kernel (also isotropic/dipolar, whose closed
 *  forms vs_coupling_average() returns), to the absolute tolerance `tol` (see vs_sphere_average()).
 *  @param c handle @param tol absolute tolerance, finite, > 0
 *  @param[out] Jbar `double[ncomp*ncomp]` @param[out] abserr may be NULL: difference of the last two orders.
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV, ::VS_ENOMEM, ::VS_ENUMERIC */
VS_API int vs_coupling_average_quadrature(const vs_coupling *c, double tol, double *Jbar, double *abserr);

/** Integrand of vs_sphere_average(): write `n` values at the unit vector `khat` into `out`; return 0,
 *  or non-zero to abort the integration. */
typedef int (*vs_sphere_fn)(const double *khat, double *out, void *ctx);

/**
 * @brief Angular average ⟨f⟩ = (1/4π) ∫ f(k̂) dΩ of a vector-valued function (App. B averages).
 *
 * Gauss–Legendre in cos θ (n_θ nodes) × trapezoid in φ (2n_θ nodes), exact for polynomials in k̂ of
 * degree ≤ 2n_θ − 1; n_θ = 4, 6, 8, 12, … 256 until two successive orders differ by ≤ tol (max over
 * the n components). The result is the finer order; `abserr` that difference.
 * @param n number of components (1 … 10⁶) @param f integrand (not NULL) @param ctx passed to f
 * @param tol absolute tolerance > 0 (below ~1e-15 × |f| round-off makes it unreachable)
 * @param avg `double[n]` @param abserr may be NULL.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ECALLBACK (f returned non-zero or a non-finite value),
 *         ::VS_ENOCONV (tolerance not reached at n_θ = 256; outputs untouched), ::VS_ENOMEM,
 *         ::VS_ENUMERIC (finite values whose weighted sum overflows, e.g. ±DBL_MAX; outputs untouched)
 */
VS_API int vs_sphere_average(int n, vs_sphere_fn f, void *ctx, double tol, double *avg, double *abserr);

/* ---- Eq. 22 --------------------------------------------------------------------------------------- */

/** @brief Isotropic ⟨J̃⟩ eigenvalues (App. B): `J[2]` = {J_compr, J_shear} = {K/(λ+2μ),
 *  (2/5)(K+2μ)/(λ+2μ)}, λ+2μ = K + 4μ/3; J_compr + 5 J_shear = 3.
 *  Both depend on K/μ only and are computed from K/s and μ/s, s = max(K, μ), so any finite K, μ > 0 (up
 *  to DBL_MAX, down to subnormal) gives the closed-form value.
 *  @param K bulk modulus > 0 @param mu shear modulus > 0 (same unit) @param[out] J `double[2]`
 *  @return ::VS_OK, ::VS_EINVAL (NULL, NaN/inf), ::VS_ENONPHYS (K ≤ 0 or μ ≤ 0) */
VS_API int vs_coupling_jcompr_jshear(double K, double mu, double *J);

/** @brief J_compr/J_shear = (5/2) K/(K+2μ) (Eq. 22) from bulk and shear moduli (both > 0, finite, any
 *  magnitude: evaluated on K/s, μ/s with s = max(K, μ)).
 *  @param K bulk modulus @param mu shear modulus @param[out] ratio J_compr/J_shear
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS */
VS_API int vs_coupling_ratio_from_moduli(double K, double mu, double *ratio);

/** @brief J_compr/J_shear = (5/2)(1+σ)/(4−5σ) (Eq. 22) from the Poisson ratio σ ∈ (−1, 1/2).
 *  @param sigma Poisson ratio @param[out] ratio J_compr/J_shear
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS */
VS_API int vs_coupling_ratio_from_poisson(double sigma, double *ratio);

/** @brief J_compr/J_shear = (5/2)(3 − 4c_t²/c_l²)/(3 + 2c_t²/c_l²) (Eq. 22) from c_l/c_t > √(4/3).
 *  @param cl_over_ct longitudinal over transverse sound speed @param[out] ratio J_compr/J_shear
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS */
VS_API int vs_coupling_ratio_from_sound(double cl_over_ct, double *ratio);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_COUPLING_H */
