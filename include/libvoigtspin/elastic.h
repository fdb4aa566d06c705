/**
 * @file elastic.h
 * @brief The elastic-tensor handle Λ (paper Eqs. 9–13, 22, App. A; SPEC §4.1).
 *
 * Conventions (fixed; see docs/theory.md):
 * - Moduli are in any consistent pressure unit (the library never assumes one); densities in a
 *   consistent mass/volume unit, so speeds come out in sqrt(pressure/density).
 * - Standard Voigt order (materials databases): index 0..5 = 11, 22, 33, 23, 31, 12; a strain in
 *   Voigt form uses engineering shear (e4 = 2 u23 …). The stiffness matrix C is the usual C11…C66.
 * - Mandel vector t = (u11, u22, u33, √2 u23, √2 u31, √2 u12) (App. A, Eq. A1) and Mandel matrix M
 *   with u Λ u = tᵀ M t (Eq. A2). For isotropic Λ, M has eigenvalue 3K once and 2μ five times.
 * - Spin basis (App. A, Eq. A3): g = Qᵀ M^{1/2} t with the constant orthonormal Q whose columns are
 *   q1 = (1,1,1,0,0,0)/√3 (compression), q2 = (1,−1,0,0,0,0)/√2, q3 = (1,1,−2,0,0,0)/√6,
 *   q4 = e4, q5 = e5, q6 = e6 (shear). Then g·g = d Λ d (Eq. 10).
 * - All 6×6 matrices are row-major `double[36]`, 3×3 are `double[9]`, the full tensor Λ_ijkl is
 *   `double[81]` with index ((i*3+j)*3+k)*3+l, all 0-based.
 *
 * Errors: ::VS_EINVAL for NULL/NaN/inf/out-of-range arguments, ::VS_ENONPHYS for a tensor that is not
 * symmetric or not positive definite (μ ≤ 0, K ≤ 0, σ ∉ (−1, 1/2)), ::VS_ENOMEM. On error the output
 * handle pointer is set to NULL and output arrays are left untouched.
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

/** @brief Isotropic tensor from the Lamé constants (Eq. 11). Needs μ > 0 and K = λ + 2μ/3 > 0.
 *  @param lambda λ (pressure unit) @param mu μ, shear modulus (pressure unit)
 *  @param[out] out new handle (NULL on error). @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS, ::VS_ENOMEM */
VS_API int vs_elastic_create_lame(double lambda, double mu, vs_elastic **out);

/** @brief Isotropic tensor from bulk modulus K and shear modulus μ (both > 0).
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS, ::VS_ENOMEM */
VS_API int vs_elastic_create_bulk_shear(double K, double mu, vs_elastic **out);

/** @brief Isotropic tensor from Young's modulus E > 0 and Poisson ratio σ ∈ (−1, 1/2).
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS, ::VS_ENOMEM */
VS_API int vs_elastic_create_young_poisson(double E, double sigma, vs_elastic **out);

/** @brief Isotropic tensor from Poisson ratio σ ∈ (−1, 1/2) and shear modulus μ > 0.
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS, ::VS_ENOMEM */
VS_API int vs_elastic_create_poisson_shear(double sigma, double mu, vs_elastic **out);

/** @brief Isotropic tensor from the sound-speed ratio c_l/c_t and a modulus scale μ > 0.
 *
 *  c_l²/c_t² = (λ+2μ)/μ; a positive bulk modulus needs c_l/c_t > √(4/3).
 *  @param cl_over_ct c_l/c_t (dimensionless) @param mu shear modulus setting the scale
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS, ::VS_ENOMEM */
VS_API int vs_elastic_create_sound_ratio(double cl_over_ct, double mu, vs_elastic **out);

/** @brief General anisotropic tensor from a 6×6 stiffness matrix in standard Voigt order.
 *
 *  @param C row-major `double[36]`, C11…C66, engineering-shear convention (as in materials databases).
 *           Must be symmetric (relative tolerance 1e-12 of its largest entry) and positive definite.
 *  @return ::VS_OK, ::VS_EINVAL (NULL, NaN/inf), ::VS_ENONPHYS (asymmetric / not positive definite),
 *          ::VS_ENOMEM */
VS_API int vs_elastic_create_voigt(const double *C, vs_elastic **out);

/** @brief Cubic tensor from C11, C12, C44 (crystal axes along x, y, z).
 *  Positive definite iff C11 − C12 > 0, C11 + 2 C12 > 0, C44 > 0.
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS, ::VS_ENOMEM */
VS_API int vs_elastic_create_cubic(double C11, double C12, double C44, vs_elastic **out);

/** @brief Hexagonal (transversely isotropic) tensor, c-axis along z; C66 = (C11 − C12)/2.
 *  @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS, ::VS_ENOMEM */
VS_API int vs_elastic_create_hexagonal(double C11, double C12, double C13, double C33, double C44,
                                       vs_elastic **out);

/** @brief Independent copy of a handle. @return ::VS_OK, ::VS_EINVAL, ::VS_ENOMEM */
VS_API int vs_elastic_clone(const vs_elastic *el, vs_elastic **out);

/** @brief Free a handle. Accepts NULL. */
VS_API void vs_elastic_free(vs_elastic *el);

/* ---- Queries ---------------------------------------------------------------------------------- */

/** @brief Symmetry class given at creation (isotropic constructors give ::VS_ELASTIC_ISOTROPIC;
 *  a cubic or general tensor that happens to be isotropic to 1e-12 is also reported isotropic).
 *  @param[out] sym the class. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_symmetry(const vs_elastic *el, vs_symmetry *sym);

/** @brief Full tensor Λ_ijkl, `double[81]`, index ((i*3+j)*3+k)*3+l. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_tensor(const vs_elastic *el, double *L);

/** @brief Stiffness matrix in standard Voigt order (engineering shear), `double[36]`. */
VS_API int vs_elastic_voigt(const vs_elastic *el, double *C);

/** @brief Mandel matrix M (Eq. A2), `double[36]`: u Λ u = tᵀ M t. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_mandel(const vs_elastic *el, double *M);

/** @brief Eigen-decomposition of M (LAPACKE): eigenvalues ascending in `w[6]`; `V[36]` row-major
 *  with column j the unit eigenvector of w[j] (M = V diag(w) Vᵀ). Either pointer may be NULL.
 *  For isotropic Λ: 2μ (five times) and 3K. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_mandel_eigen(const vs_elastic *el, double *w, double *V);

/** @brief Symmetric square root M^{1/2} `double[36]`. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_mandel_sqrt(const vs_elastic *el, double *S);

/** @brief Symmetric inverse square root M^{-1/2} `double[36]`. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_mandel_invsqrt(const vs_elastic *el, double *S);

/** @brief The constant spin-basis matrix Q (SPEC §4.1), `double[36]` row-major, columns q1…q6.
 *  @return ::VS_OK, ::VS_EINVAL (NULL) */
VS_API int vs_spin_basis(double *Q);

/** Isotropic (or Voigt-Reuss-Hill-averaged) scalar moduli, see vs_elastic_moduli(). */
typedef enum vs_average {
    VS_AVERAGE_EXACT = 0,   /**< The tensor's own moduli; ::VS_ENONPHYS unless isotropic. */
    VS_AVERAGE_VOIGT = 1,   /**< Voigt (uniform strain) average. */
    VS_AVERAGE_REUSS = 2,   /**< Reuss (uniform stress) average. */
    VS_AVERAGE_HILL = 3     /**< Hill average: arithmetic mean of Voigt and Reuss. */
} vs_average;

/**
 * @brief Scalar moduli K, μ, λ, E, σ, c_l/c_t.
 * @param avg which average (::VS_AVERAGE_EXACT needs an isotropic tensor; the averages work for any).
 * @param[out] out `double[6]`: {K, μ, λ, E, σ, c_l/c_t}.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENONPHYS (EXACT on an anisotropic tensor)
 */
VS_API int vs_elastic_moduli(const vs_elastic *el, vs_average avg, double *out);

/** @brief Isotropic sound speeds given a density ρ > 0: `out[2]` = {c_l, c_t} = {√((λ+2μ)/ρ), √(μ/ρ)}.
 *  Uses the exact moduli if isotropic, else the Hill average. @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_sound_speeds(const vs_elastic *el, double rho, double *out);

/** @brief Christoffel matrix Γ_ik(k̂) = Λ_ijkl k̂_j k̂_l = D M Dᵀ, `double[9]`.
 *  @param khat direction `double[3]`, need not be normalised (must be finite, non-zero).
 *  @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_christoffel(const vs_elastic *el, const double *khat, double *G);

/* ---- Strain ⇄ spin conversions (Eq. A3) -------------------------------------------------------- */

/** @brief Mandel vector t `double[6]` of a symmetric strain u `double[9]` (Eq. A1).
 *  @return ::VS_OK, ::VS_EINVAL (NULL, non-finite or asymmetric u, tolerance 1e-12 relative) */
VS_API int vs_strain_to_mandel(const double *u, double *t);

/** @brief Symmetric strain u `double[9]` from a Mandel vector t `double[6]`. */
VS_API int vs_mandel_to_strain(const double *t, double *u);

/** @brief Spin vector g = Qᵀ M^{1/2} t `double[6]` of a symmetric strain u `double[9]`; g·g = uΛu.
 *  @return ::VS_OK, ::VS_EINVAL */
VS_API int vs_elastic_strain_to_spin(const vs_elastic *el, const double *u, double *g);

/** @brief Inverse of vs_elastic_strain_to_spin(): strain u `double[9]` = M^{-1/2} Q g. */
VS_API int vs_elastic_spin_to_strain(const vs_elastic *el, const double *g, double *u);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_ELASTIC_H */
