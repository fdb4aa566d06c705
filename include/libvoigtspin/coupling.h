/**
 * @file coupling.h
 * @brief The angular-averaged coupling handle: K̃(k̂), J̃(k̂), ⟨J̃⟩ and the harmonic decomposition
 *        (paper Eqs. 18–22, App. B; SPEC §4.2).
 *
 * A coupling handle is either the 6-component elastic kernel built from an elastic tensor
 * (ncomp = 6, W(k̂) = J̃(k̂) in the spin basis of elastic.h) or the 3-component kernel of App. B
 * (ncomp = 3, W(k̂) = k̂k̂ᵀ). Both expose the same interface so the lattice handle treats them alike.
 *
 * Harmonic decomposition: W(k̂) = Σ_{l = 0, 2, …, lmax} A_l(k̂), A_l the degree-l spherical-harmonic
 * part of every entry. A_0 = ⟨W⟩.
 *
 * Matrices are row-major, 0-based: ncomp×ncomp as `double[ncomp*ncomp]`.
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
 * @brief Elastic (6-component) coupling of an elastic tensor.
 * @param el any valid elastic tensor (copied; the caller may free it afterwards).
 * @param tol requested absolute accuracy (> 0, e.g. 1e-12) of the spherical quadrature and of the
 *            harmonic truncation for anisotropic tensors; isotropic tensors are exact regardless.
 * @param[out] out new handle. @return ::VS_OK, ::VS_EINVAL, ::VS_ENOCONV (tolerance not reached), ::VS_ENOMEM
 */
VS_API int vs_coupling_create(const vs_elastic *el, double tol, vs_coupling **out);

/** @brief The 3-component kernel W(k̂) = k̂k̂ᵀ of App. B (Eqs. B4–B5). @return ::VS_OK, ::VS_EINVAL, ::VS_ENOMEM */
VS_API int vs_coupling_create_dipolar(vs_coupling **out);

/** @brief Free a handle. Accepts NULL. */
VS_API void vs_coupling_free(vs_coupling *c);

/** @brief Number of spin components: 6 (elastic) or 3 (dipolar); 0 if c is NULL. */
VS_API int vs_coupling_ncomp(const vs_coupling *c);

/** @brief W(k̂) = J̃(k̂) (ncomp 6, spin basis) or k̂k̂ᵀ (ncomp 3), `double[ncomp*ncomp]`.
 *  @param khat direction `double[3]`, finite, non-zero (normalised internally). */
VS_API int vs_coupling_jtilde(const vs_coupling *c, const double *khat, double *J);

/** @brief Angular average ⟨W⟩ `double[ncomp*ncomp]`; `abserr` (may be NULL) gets the achieved error
 *  estimate (0 for closed forms). */
VS_API int vs_coupling_average(const vs_coupling *c, double *Jbar, double *abserr);

/** @brief Eigen-decomposition of ⟨W⟩: eigenvalues ascending in `w[ncomp]`, `V[ncomp*ncomp]`
 *  row-major with column j the eigenvector of w[j]. Either pointer may be NULL. */
VS_API int vs_coupling_average_eigen(const vs_coupling *c, double *w, double *V);

/** @brief Largest harmonic degree kept (even): 4 for isotropic elastic, 2 for dipolar. */
VS_API int vs_coupling_lmax(const vs_coupling *c, int *lmax);

/** @brief All harmonic parts at one direction: `A[(l/2)*ncomp*ncomp + a*ncomp + b]` = (A_l(n̂))_ab
 *  for l = 0, 2, …, lmax; `A` has (lmax/2+1)*ncomp*ncomp entries. @param nhat `double[3]`, non-zero. */
VS_API int vs_coupling_harmonics(const vs_coupling *c, const double *nhat, double *A);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_COUPLING_H */
