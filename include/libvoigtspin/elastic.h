/**
 * @file elastic.h
 * @brief The elastic-tensor handle Λ (paper Eqs. 9–13, 22, App. A; docs/elastic.md).
 *
 * Conventions (fixed; see docs/elastic.md):
 * - Moduli are in any consistent pressure unit (the library never assumes one); densities in a
 *   consistent mass/volume unit, so speeds come out in sqrt(pressure/density). The largest stiffness
 *   entry must lie in [1e-100, 1e100] of that unit (else ::VS_EINVAL: rescale the unit), which keeps
 *   every derived quantity far from overflow.
 * - Standard Voigt order (materials databases): index 0..5 = 11, 22, 33, 23, 31, 12; a strain in
 *   Voigt form uses engineering shear (e4 = 2 u23 …). The stiffness matrix C is the usual C11…C66,
 *   C_ab = Λ_ijkl with a = (ij), b = (kl), no factors.
 * - Mandel vector t = (u11, u22, u33, √2 u23, √2 u31, √2 u12) (App. A, Eq. A1) and Mandel matrix
 *   M = F C F, F = diag(1, 1, 1, √2, √2, √2), with u Λ u = tᵀ M t (Eq. A2; the printed A2 is garbled,
 *   this is its derivation). For isotropic Λ, M has eigenvalue 3K once and 2μ five times.
 * - Spin basis (App. A, Eq. A3): g = Qᵀ M^{1/2} t with the constant orthonormal Q whose columns are
 *   q1 = (1,1,1,0,0,0)/√3 (compression), q2 = (1,−1,0,0,0,0)/√2, q3 = (1,1,−2,0,0,0)/√6,
 *   q4 = e4, q5 = e5, q6 = e6 (shear). Then g·g = d Λ d (Eq. 10); g has units √pressure × strain.
 * - All 6×6 matrices are row-major `double[36]`, 3×3 are `double[9]`, the full tensor Λ_ijkl is
 *   `double[81]` with index ((i*3+j)*3+k)*3+l, all 0-based.
 *
 * Errors: ::VS_EINVAL for NULL/NaN/inf/out-of-range arguments, ::VS_ENONPHYS for a tensor that is not
 * symmetric (relative tolerance 1e-12 of the largest entry) or not positive definite (μ ≤ 0, K ≤ 0,
 * σ ∉ (−1, 1/2), c_l/c_t ≤ √(4/3), or smallest Mandel eigenvalue ≤ 64 ε × largest), ::VS_ENOMEM,
 * ::VS_ENUMERIC (LAPACK failure, or a result that overflows a double). On error the output handle
 * pointer is set to NULL (if not NULL itself), output arrays are left untouched, and vs_last_error()
 * names the function and the offending value.
 *
 * Thread safety: a handle is immutable after creation; every query takes a `const` handle and may be
 * called concurrently on the same handle from any number of threads.
 */
#ifndef LIBVOIGTSPIN_ELASTIC_H
#define LIBVOIGTSPIN_ELASTIC_H

#include <libvoigtspin/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque elastic-tensor handle. Immutable after creation: all queries take a `const` handle. */
typedef struct vs_elastic vs_elastic;

/** Symmetry class detected or declared at creation. */
typedef enum vs_symmetry {
    VS_ELASTIC_ISOTROPIC = 0,   /**< Two independent constants (λ, μ). */
    VS_ELASTIC_CUBIC = 1,       /**< Created from (C11, C12, C44) with C11−C12 ≠ 2 C44. */
    VS_ELASTIC_HEXAGONAL = 2,   /**< Created from (C11, C12, C13, C33, C44), c-axis along z. */
    VS_ELASTIC_GENERAL = 3      /**< Created from a full 6×6 stiffness matrix. */
} vs_symmetry;

/* ---- Constructors ----------------------------------------------------------------------------- */

/** @brief Isotropic tensor from the Lamé constants, Λ_ijkl = λ δ_ij δ_kl + μ(δ_ik δ_jl + δ_il δ_jk) (Eq. 11).
 *  @param lambda λ (pressure unit) @param mu μ, shear modulus (pressure unit), must be > 0;
 *         K = λ + 2μ/3 must be > 0.
 *  @param[out] out new handle (set to NULL on error); free with vs_elastic_free().
 *  @return ::VS_OK; ::VS_EINVAL (out NULL, NaN/inf, scale out of range); ::VS_ENONPHYS (μ ≤ 0 or K ≤ 0);
 *          ::VS_ENOMEM; ::VS_ENUMERIC */
VS_API int vs_elastic_create_lame(double lambda, double mu, vs_elastic **out);

/** @brief Isotropic tensor from bulk modulus K and shear modulus μ (λ = K − 2μ/3).
 *  @param K bulk modulus (pressure unit), > 0 @param mu shear modulus (pressure unit), > 0
 *  @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (out NULL, NaN/inf, scale); ::VS_ENONPHYS (K ≤ 0 or μ ≤ 0); ::VS_ENOMEM */
VS_API int vs_elastic_create_bulk_shear(double K, double mu, vs_elastic **out);

/** @brief Isotropic tensor from Young's modulus E and Poisson ratio σ
 *  (μ = E/(2(1+σ)), λ = Eσ/((1+σ)(1−2σ))).
 *  @param E Young's modulus (pressure unit), > 0 @param sigma Poisson ratio, in the open interval (−1, 1/2)
 *  @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (out NULL, NaN/inf, scale); ::VS_ENONPHYS (E ≤ 0, σ ∉ (−1, 1/2)); ::VS_ENOMEM */
VS_API int vs_elastic_create_young_poisson(double E, double sigma, vs_elastic **out);

/** @brief Isotropic tensor from Poisson ratio σ and shear modulus μ (λ = 2μσ/(1−2σ)).
 *  @param sigma Poisson ratio in (−1, 1/2) @param mu shear modulus (pressure unit), > 0
 *  @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (out NULL, NaN/inf, scale); ::VS_ENONPHYS (σ ∉ (−1, 1/2), μ ≤ 0); ::VS_ENOMEM */
VS_API int vs_elastic_create_poisson_shear(double sigma, double mu, vs_elastic **out);

/** @brief Isotropic tensor from the sound-speed ratio c_l/c_t and a modulus scale μ.
 *
 *  c_l²/c_t² = (λ+2μ)/μ, so λ = μ((c_l/c_t)² − 2); a positive bulk modulus needs c_l/c_t > √(4/3).
 *  @param cl_over_ct c_l/c_t (dimensionless), > √(4/3) @param mu shear modulus setting the scale, > 0
 *  @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (out NULL, NaN/inf, scale); ::VS_ENONPHYS (c_l/c_t ≤ √(4/3), μ ≤ 0);
 *          ::VS_ENOMEM */
VS_API int vs_elastic_create_sound_ratio(double cl_over_ct, double mu, vs_elastic **out);

/** @brief General anisotropic tensor from a 6×6 stiffness matrix in standard Voigt order.
 *
 *  @param C row-major `double[36]`, C11…C66 (pressure unit), engineering-shear convention (as in
 *           materials databases). Must be symmetric (relative tolerance 1e-12 of its largest entry;
 *           it is then symmetrised exactly) and positive definite. Not retained.
 *  @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (NULL, NaN/inf, largest entry outside [1e-100, 1e100]);
 *          ::VS_ENONPHYS (asymmetric, zero or not positive definite); ::VS_ENOMEM; ::VS_ENUMERIC */
VS_API int vs_elastic_create_voigt(const double *C, vs_elastic **out);

/** @brief Cubic tensor from C11, C12, C44 (crystal axes along x, y, z).
 *  Positive definite iff C11 − C12 > 0, C11 + 2 C12 > 0, C44 > 0. Reported ::VS_ELASTIC_ISOTROPIC
 *  when C11 − C12 = 2 C44 (to 1e-12 relative).
 *  @param C11 Voigt C11 = C22 = C33 (pressure unit)
 *  @param C12 Voigt C12 = C13 = C23 (pressure unit)
 *  @param C44 Voigt C44 = C55 = C66 (pressure unit)
 *  @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (out NULL, NaN/inf, scale); ::VS_ENONPHYS (not positive definite); ::VS_ENOMEM */
VS_API int vs_elastic_create_cubic(double C11, double C12, double C44, vs_elastic **out);

/** @brief Hexagonal (transversely isotropic) tensor, c-axis along z; C22 = C11, C23 = C13,
 *  C55 = C44, C66 = (C11 − C12)/2.
 *  @param C11 Voigt C11 = C22 (pressure unit)
 *  @param C12 Voigt C12 (pressure unit)
 *  @param C13 Voigt C13 = C23 (pressure unit)
 *  @param C33 Voigt C33 (pressure unit)
 *  @param C44 Voigt C44 = C55 (pressure unit)
 *  @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (out NULL, NaN/inf, scale); ::VS_ENONPHYS (not positive definite); ::VS_ENOMEM */
VS_API int vs_elastic_create_hexagonal(double C11, double C12, double C13, double C33, double C44,
                                       vs_elastic **out);

/** @brief Independent copy of a handle.
 *  @param el source handle @param[out] out new handle (set to NULL on error).
 *  @return ::VS_OK; ::VS_EINVAL (NULL); ::VS_ENOMEM */
VS_API int vs_elastic_clone(const vs_elastic *el, vs_elastic **out);

/** @brief Free a handle. @param el handle or NULL (then nothing happens). */
VS_API void vs_elastic_free(vs_elastic *el);

/* ---- Queries ---------------------------------------------------------------------------------- */

/** @brief Symmetry class given at creation (isotropic constructors give ::VS_ELASTIC_ISOTROPIC;
 *  a cubic, hexagonal or general tensor that equals its isotropic projection to 1e-12 relative is
 *  also reported isotropic; a general matrix is never re-classified as cubic or hexagonal).
 *  @param el handle @param[out] sym the class. @return ::VS_OK; ::VS_EINVAL (NULL) */
VS_API int vs_elastic_symmetry(const vs_elastic *el, vs_symmetry *sym);

/** @brief Full tensor Λ_ijkl (pressure unit), index ((i*3+j)*3+k)*3+l; it has the major
 *  and both minor symmetries.
 *  @param el handle @param[out] L `double[81]`. @return ::VS_OK; ::VS_EINVAL (NULL) */
VS_API int vs_elastic_tensor(const vs_elastic *el, double *L);

/** @brief Stiffness matrix in standard Voigt order (engineering shear, pressure unit); exactly symmetric.
 *  @param el handle @param[out] C `double[36]` row-major. @return ::VS_OK; ::VS_EINVAL (NULL) */
VS_API int vs_elastic_voigt(const vs_elastic *el, double *C);

/** @brief Mandel matrix M = F C F (Eq. A2, pressure unit): u Λ u = tᵀ M t.
 *  @param el handle @param[out] M `double[36]` row-major. @return ::VS_OK; ::VS_EINVAL (NULL) */
VS_API int vs_elastic_mandel(const vs_elastic *el, double *M);

/** @brief Eigen-decomposition of M (LAPACKE dsyev, computed at creation).
 *  @param el handle
 *  @param[out] w `double[6]`: eigenvalues ascending (pressure unit, all > 0), or NULL
 *  @param[out] V `double[36]` row-major, column j the unit eigenvector of w[j] (M = V diag(w) Vᵀ), or NULL;
 *  w and V may not both be NULL. For isotropic Λ: 2μ (five times), then
 *  3K if 3K > 2μ (the order follows the values); eigenvectors within a degenerate eigenspace are an
 *  arbitrary orthonormal basis of it. @return ::VS_OK; ::VS_EINVAL (el NULL, or w and V both NULL) */
VS_API int vs_elastic_mandel_eigen(const vs_elastic *el, double *w, double *V);

/** @brief Symmetric positive square root M^{1/2} (√pressure unit).
 *  @param el handle @param[out] S `double[36]` row-major. @return ::VS_OK; ::VS_EINVAL (NULL) */
VS_API int vs_elastic_mandel_sqrt(const vs_elastic *el, double *S);

/** @brief Symmetric inverse square root M^{-1/2} (1/√pressure unit).
 *  @param el handle @param[out] S `double[36]` row-major. @return ::VS_OK; ::VS_EINVAL (NULL) */
VS_API int vs_elastic_mandel_invsqrt(const vs_elastic *el, double *S);

/** @brief The constant orthogonal spin-basis matrix Q (docs/elastic.md), independent of Λ.
 *  @param[out] Q `double[36]` row-major, columns q1…q6 (q1 compression, q2…q6 shear).
 *  @return ::VS_OK; ::VS_EINVAL (NULL) */
VS_API int vs_spin_basis(double *Q);

/** Isotropic (or Voigt-Reuss-Hill-averaged) scalar moduli, see vs_elastic_moduli(). */
typedef enum vs_average {
    VS_AVERAGE_EXACT = 0,   /**< The tensor's own moduli; ::VS_ENONPHYS unless isotropic. */
    VS_AVERAGE_VOIGT = 1,   /**< Voigt (uniform strain) average. */
    VS_AVERAGE_REUSS = 2,   /**< Reuss (uniform stress) average. */
    VS_AVERAGE_HILL = 3     /**< Hill average: arithmetic mean of Voigt and Reuss K and μ. */
} vs_average;

/**
 * @brief Scalar moduli K, μ, λ, E, σ, c_l/c_t (Eqs. 11–13, 22).
 *
 * The averages (Hill 1952): 9 K_V = ΣC_aa + 2(C12+C23+C31) over a = 1..3, 15 G_V = ΣC_aa − (C12+C23+C31)
 * + 3(C44+C55+C66); 1/K_R = ΣS_aa + 2(S12+S23+S31), 15/G_R = 4ΣS_aa − 4(S12+S23+S31) + 3(S44+S55+S66)
 * with S = C⁻¹; Hill = (Voigt + Reuss)/2 for K and μ, the other four derived from that pair.
 * For an isotropic tensor all four choices coincide. Reuss ≤ Hill ≤ Voigt for K and for μ.
 * @param el handle
 * @param avg which average (::VS_AVERAGE_EXACT needs an isotropic tensor; the averages work for any).
 * @param[out] out `double[6]`: {K, μ, λ, E (pressure unit), σ, c_l/c_t (dimensionless)}.
 * @return ::VS_OK; ::VS_EINVAL (NULL, unknown avg); ::VS_ENONPHYS (EXACT on an anisotropic tensor)
 */
VS_API int vs_elastic_moduli(const vs_elastic *el, vs_average avg, double *out);

/** @brief Isotropic sound speeds {c_l, c_t} = {√((λ+2μ)/ρ), √(μ/ρ)} (√(pressure/density) unit).
 *  Uses the exact moduli if isotropic, else the Hill average.
 *  Evaluated as √x/√ρ, so every finite ρ > 0 (5e-324 … DBL_MAX) gives representable speeds.
 *  @param el handle @param rho density, finite and > 0 @param[out] out `double[2]` = {c_l, c_t}.
 *  @return ::VS_OK; ::VS_EINVAL (NULL, ρ not finite or ≤ 0); ::VS_ENUMERIC (not representable: cannot
 *          happen within the supported modulus range) */
VS_API int vs_elastic_sound_speeds(const vs_elastic *el, double rho, double *out);

/** @brief Christoffel (acoustic) matrix Γ_ik(k̂) = Λ_ijkl k̂_j k̂_l = (D M Dᵀ)_ik (pressure unit), where
 *  (D t)_i = ε_ij k̂_j for the strain ε of Mandel vector t. Plane waves along k̂ have ρ c² = the
 *  eigenvalues of Γ.
 *  @param el handle
 *  @param khat direction `double[3]`: finite and non-zero, any magnitude ((1e200, 0, 0), (1e-300, 0, 0)
 *         and subnormal components included); means khat/|khat|, normalised without overflow or
 *         underflow (the one direction rule of the library, see coupling.h).
 *  @param[out] G `double[9]` row-major.
 *  @return ::VS_OK; ::VS_EINVAL (NULL, non-finite or zero khat) */
VS_API int vs_elastic_christoffel(const vs_elastic *el, const double *khat, double *G);

/* ---- Strain ⇄ spin conversions (Eq. A3) -------------------------------------------------------- */

/** @brief Mandel vector of a symmetric strain (Eq. A1).
 *  @param u strain `double[9]` row-major @param[out] t Mandel vector `double[6]`.
 *  @return ::VS_OK; ::VS_EINVAL (NULL, non-finite or asymmetric u, tolerance 1e-12 of max|u_ij|);
 *          ::VS_ENUMERIC (t overflows) */
VS_API int vs_strain_to_mandel(const double *u, double *t);

/** @brief Symmetric strain from a Mandel vector (inverse of Eq. A1).
 *  @param t Mandel vector `double[6]` @param[out] u strain `double[9]` row-major, exactly symmetric.
 *  @return ::VS_OK; ::VS_EINVAL (NULL, non-finite t) */
VS_API int vs_mandel_to_strain(const double *t, double *u);

/** @brief Spin vector g = Qᵀ M^{1/2} t of a symmetric strain u with Mandel vector t (Eq. A3);
 *  g·g = u_ij Λ_ijkl u_kl (Eq. 10).
 *  @param el handle @param u strain `double[9]` row-major @param[out] g spin vector `double[6]`. For isotropic Λ: g1 = √K tr u, g2 = √μ(u11−u22),
 *  g3 = √(μ/3)(u11+u22−2u33), g4..6 = 2√μ (u23, u31, u12).
 *  @return ::VS_OK; ::VS_EINVAL (NULL, non-finite or asymmetric u); ::VS_ENUMERIC (g overflows) */
VS_API int vs_elastic_strain_to_spin(const vs_elastic *el, const double *u, double *g);

/** @brief Inverse of vs_elastic_strain_to_spin(): the strain whose Mandel vector is t = M^{-1/2} Q g.
 *  @param el handle @param g spin vector `double[6]` @param[out] u strain `double[9]` row-major.
 *  @return ::VS_OK; ::VS_EINVAL (NULL, non-finite g); ::VS_ENUMERIC (u overflows) */
VS_API int vs_elastic_spin_to_strain(const vs_elastic *el, const double *g, double *u);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_ELASTIC_H */
