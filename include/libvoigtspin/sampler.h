/**
 * @file sampler.h
 * @brief Monte Carlo sampler of the lattice Hamiltonian (lattice.h): single-site moves on
 *        S^{ncomp−1} with exact fields (delayed updates), parallel tempering over a temperature
 *        ladder, replicas on threads (docs/sampler.md). @since 1.1
 *
 * A ::vs_sampler holds R replicas of the lattice model at the temperatures T[0] < … < T[R−1]
 * (k_B = 1, T in the unit of the lattice energy scale E0) and samples the Boltzmann distribution
 * exp(−H/T) of each with unit spins |s_m| = 1. Slot r always holds temperature T[r]: parallel-tempering
 * exchanges swap configurations between slots, not temperatures.
 *
 * Lifetime: the lattice is borrowed. It must outlive the sampler, and it must not be modified
 * (vs_lattice_set_uniform(), vs_lattice_set_onsite()) while the sampler exists: the sampler caches
 * fields and energies computed with the lattice's U and D. The sampler never calls the lattice's
 * non-const evaluators (each replica has its own FFT workspace), so other threads may keep using
 * the lattice through its `const` functions meanwhile.
 *
 * Thread safety: distinct samplers may be used concurrently; one sampler must not be used by two
 * threads at once. Results do not depend on ::VS_SAMPLER_OPT_THREADS (bit for bit).
 */
#ifndef LIBVOIGTSPIN_SAMPLER_H
#define LIBVOIGTSPIN_SAMPLER_H

#include <stddef.h>

#include <libvoigtspin/common.h>
#include <libvoigtspin/lattice.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque sampler handle. @since 1.1 */
typedef struct vs_sampler vs_sampler;

/** Opaque creation options (zstd-style parameter set). @since 1.1 */
typedef struct vs_sampler_options vs_sampler_options;

/** Single-site move kinds (values of ::VS_SAMPLER_OPT_MOVE). @since 1.1 */
typedef enum vs_sampler_move {
    VS_SAMPLER_HEATBATH = 0,  /**< von Mises–Fisher heat bath with the exact on-site correction (default) */
    VS_SAMPLER_METROPOLIS = 1 /**< random-walk Metropolis on the sphere */
} vs_sampler_move;

/** Field maintenance (values of ::VS_SAMPLER_OPT_FIELDS). @since 1.1 */
typedef enum vs_sampler_fields {
    VS_SAMPLER_DELAYED = 0, /**< delayed updates with FFT refreshes, about N^1.5 per sweep (default) */
    VS_SAMPLER_PLAIN = 1    /**< O(N) field update per accepted move, N² per sweep (cross-check) */
} vs_sampler_fields;

/** Option keys for vs_sampler_options_set(); values are doubles (integers for all keys). @since 1.1 */
typedef enum vs_sampler_option {
    /** ::VS_SAMPLER_HEATBATH (default) or ::VS_SAMPLER_METROPOLIS. Bounds [0, 1]. @since 1.1 */
    VS_SAMPLER_OPT_MOVE = 1,
    /** Over-relaxation sweeps after each heat-bath/Metropolis sweep (reflection of every spin about
     *  its field, Metropolised when the on-site quadratic part is non-zero). Default 1.
     *  Bounds [0, 100]. @since 1.1 */
    VS_SAMPLER_OPT_OVERRELAX = 2,
    /** ::VS_SAMPLER_DELAYED (default) or ::VS_SAMPLER_PLAIN. Bounds [0, 1]. @since 1.1 */
    VS_SAMPLER_OPT_FIELDS = 3,
    /** Delayed path: refresh the fields by FFT every B accepted moves. 0 (default) = automatic,
     *  B = min(N, max(1, ⌈0.7 √(N log₂(2N))⌉)) (the measured optimum of bench/bench_sampler.c,
     *  docs/sampler.md). The chain depends on B only through round-off. Bounds [0, 2^31 − 1].
     *  @since 1.1 */
    VS_SAMPLER_OPT_REFRESH = 4,
    /** Threads over replicas: 0 (default) = the OpenMP default, n ≥ 1 = at most n. Builds without
     *  OpenMP run serially. Results do not depend on it. Bounds [0, 1024]. @since 1.1 */
    VS_SAMPLER_OPT_THREADS = 5,
    /** Metropolis step δ (proposal s' = (s + δg)/|s + δg|, g Gaussian). 0 (default) = adaptive:
     *  starting at δ = 0.5, after each of the first ::VS_SAMPLER_OPT_ADAPT_SWEEPS sweeps of a
     *  replica δ ← δ·exp(rate − 0.5) (clamped to [1e-4, 1e4]), rate = that sweep's acceptance; then
     *  frozen. Bounds [0, 1e4]. @since 1.1 */
    VS_SAMPLER_OPT_STEP = 6,
    /** Number of initial sweeps (counted over all vs_sampler_sweep() calls) during which the adaptive
     *  Metropolis step changes; the chain obeys detailed balance only after them, so discard them
     *  as thermalisation. Default 100. Bounds [0, 2^31 − 1]. @since 1.1 */
    VS_SAMPLER_OPT_ADAPT_SWEEPS = 7
} vs_sampler_option;

/**
 * @brief Create an option set holding the defaults.
 * @param[out] out new option set (free with vs_sampler_options_free()).
 * @return ::VS_OK, ::VS_EINVAL (out NULL), ::VS_ENOMEM.
 * @since 1.1
 */
VS_API int vs_sampler_options_create(vs_sampler_options **out);

/** @brief Free an option set. Accepts NULL. @since 1.1 */
VS_API void vs_sampler_options_free(vs_sampler_options *opt);

/**
 * @brief Set one option.
 * @param opt option set. @param key a ::vs_sampler_option. @param value within
 *        vs_sampler_option_bounds(), integral.
 * @return ::VS_OK, ::VS_EINVAL (NULL, unknown key, NaN, out of bounds, not integral).
 * @since 1.1
 */
VS_API int vs_sampler_options_set(vs_sampler_options *opt, int key, double value);

/** @brief Read one option into *value. @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_API int vs_sampler_options_get(const vs_sampler_options *opt, int key, double *value);

/** @brief Inclusive bounds [*lo, *hi] of an option. @return ::VS_OK, ::VS_EINVAL (unknown key,
 *  NULL). @since 1.1 */
VS_API int vs_sampler_option_bounds(int key, double *lo, double *hi);

/**
 * @brief Create a sampler of nrep replicas of the lattice model at the temperatures T.
 *
 * Each replica starts from random unit spins drawn from its own stream. Streams: replica r uses a
 * GSL mt19937 generator seeded with splitmix64(seed + (r + 1)·0x9E3779B97F4A7C15) (low 32 bits
 * as mt19937 takes them); the exchange stream uses index r = nrep. The same (lattice, T, seed,
 * options) give the same chain on every run and thread count.
 * @param lat the lattice (borrowed: see the file comment), periodic or open, 1 ≤ ncomp ≤ 16.
 * @param nrep number of replicas, 1 ≤ nrep ≤ 65536 (and the memory must be addressable).
 * @param T `double[nrep]` temperatures, finite, > 0, strictly increasing.
 * @param seed any value.
 * @param opt options, or NULL for the defaults (copied; opt may be freed afterwards).
 * @param[out] out new handle, NULL on error.
 * @return ::VS_OK, ::VS_EINVAL (NULL, nrep out of range, a bad or unsorted ladder),
 *         ::VS_EOVERFLOW (sizes), ::VS_ENOMEM, ::VS_ENUMERIC (the initial energy overflows).
 * @since 1.1
 */
VS_API int vs_sampler_create(const vs_lattice *lat, int nrep, const double *T, unsigned long seed,
                             const vs_sampler_options *opt, vs_sampler **out);

/** @brief Free a sampler (not its lattice). Accepts NULL. @since 1.1 */
VS_API void vs_sampler_free(vs_sampler *s);

/**
 * @brief Run nsweeps sweeps. One sweep, for every replica: N single-site moves (heat bath or
 *        Metropolis) in sequential site order m = 0 … N−1, then ::VS_SAMPLER_OPT_OVERRELAX
 *        over-relaxation passes in the same order; then, when nrep > 1, one round of
 *        parallel-tempering exchanges between neighbouring slots (pairs (r, r+1) with r even on
 *        even global sweep counts, r odd on odd ones), accepted with
 *        min(1, exp((1/T_r − 1/T_{r+1})(E_r − E_{r+1}))).
 * @param s the sampler. @param nsweeps ≥ 0.
 * @return ::VS_OK, ::VS_EINVAL (NULL, nsweeps < 0), ::VS_ENUMERIC (a field refresh overflowed:
 *         the sampler is then left in an unspecified state).
 * @since 1.1
 */
VS_API int vs_sampler_sweep(vs_sampler *s, long nsweeps);

/** @brief Number of replicas; 0 if s is NULL. @since 1.1 */
VS_API int vs_sampler_nreplicas(const vs_sampler *s);

/**
 * @brief Copy the spins of slot r (temperature T[r]) into out.
 * @param s the sampler. @param r slot, 0 ≤ r < nrep. @param[out] out `double[N*ncomp]`, layout of lattice.h.
 * @return ::VS_OK, ::VS_EINVAL.
 * @since 1.1
 */
VS_API int vs_sampler_spins(const vs_sampler *s, int r, double *out);

/**
 * @brief Replace the configuration of slot r. Spins are not normalised: every |s_m| must equal 1
 *        within 1e-10 (else ::VS_EINVAL, nothing changed). Fields, M and energy are recomputed.
 * @param s the sampler. @param r slot. @param in `double[N*ncomp]`, finite unit spins.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC.
 * @since 1.1
 */
VS_API int vs_sampler_set_spins(vs_sampler *s, int r, const double *in);

/** @brief Current energy of slot r (unit of E0), exact to round-off (recomputed at each refresh,
 *  accumulated from the exact ΔE of each move in between). @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_API int vs_sampler_energy(const vs_sampler *s, int r, double *E);

/** @brief Temperature T[r] of slot r. @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_API int vs_sampler_temperature(const vs_sampler *s, int r, double *T);

/** @brief Acceptance rate of the single-site heat-bath/Metropolis moves at temperature T[r] since
 *  creation (accepted/proposed; 0 before the first sweep; over-relaxation not counted).
 *  @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_API int vs_sampler_acceptance(const vs_sampler *s, int r, double *rate);

/** @brief Acceptance rate of the exchanges between slots r and r+1 (0 ≤ r < nrep − 1) since
 *  creation (0 before the first attempt). @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_API int vs_sampler_exchange_rate(const vs_sampler *s, int r, double *rate);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_SAMPLER_H */
