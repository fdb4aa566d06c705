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
    VS_SAMPLER_PLAIN = 1,   /**< O(N) field update per accepted move, N² per sweep (cross-check) */
    /** The clock (factorized-Metropolis) sweep (issue 13; docs/sampler.md, "The clock sweep"):
     *  the proposal sees the exact field of the ::VS_SAMPLER_OPT_CLOCK_NEAR strongest pair blocks,
     *  the uniform U/N term, T(0) and D; the other pairs enter through a factorized Metropolis
     *  filter sampled by alias tables over the spectral norms of the coupling blocks. Exact; a
     *  move costs O(near + β E0 Σ_far ‖T‖₂), a sweep about N ln N plus one FFT (fields and energy
     *  are recomputed by FFT after each sweep). Periodic and open lattices. @since 1.1 */
    VS_SAMPLER_CLOCK = 2
} vs_sampler_fields;

/** Option keys for vs_sampler_options_set(); values are doubles (integers for all keys). @since 1.1 */
typedef enum vs_sampler_option {
    /** ::VS_SAMPLER_HEATBATH (default) or ::VS_SAMPLER_METROPOLIS. Bounds [0, 1]. @since 1.1 */
    VS_SAMPLER_OPT_MOVE = 1,
    /** Over-relaxation sweeps after each heat-bath/Metropolis sweep (reflection of every spin about
     *  its field, Metropolised when the on-site quadratic part is non-zero). Default 1.
     *  Bounds [0, 100]. @since 1.1 */
    VS_SAMPLER_OPT_OVERRELAX = 2,
    /** ::VS_SAMPLER_DELAYED (default), ::VS_SAMPLER_PLAIN or ::VS_SAMPLER_CLOCK. Bounds [0, 2].
     *  @since 1.1 */
    VS_SAMPLER_OPT_FIELDS = 3,
    /** Delayed path: refresh the fields by FFT every B accepted moves. 0 (default) = automatic,
     *  B = min(N, max(1, ⌈0.7 √(N log₂(2N))⌉)) (the measured optimum of bench/bench_sampler.c,
     *  docs/sampler.md). The chain depends on B only through round-off. Bounds [0, 2^31 − 1].
     *  @since 1.1 */
    VS_SAMPLER_OPT_REFRESH = 4,
    /** Threads over replicas: 0 (default) = automatic: the OpenMP default for lattices of at least
     *  1024 sites, one thread below (a sweep is then too short to pay for the thread barrier);
     *  n ≥ 1 = at most n. Builds without OpenMP run serially. Results do not depend on it.
     *  Bounds [0, 1024]. @since 1.1 */
    VS_SAMPLER_OPT_THREADS = 5,
    /** Metropolis step δ (proposal s' = (s + δg)/|s + δg|, g Gaussian). 0 (default) = adaptive:
     *  starting at δ = 0.5, after each of the first ::VS_SAMPLER_OPT_ADAPT_SWEEPS sweeps of a
     *  replica δ ← δ·exp(rate − 0.5) (clamped to [1e-4, 1e4]), rate = that sweep's acceptance; then
     *  frozen. Bounds [0, 1e4]. @since 1.1 */
    VS_SAMPLER_OPT_STEP = 6,
    /** Number of initial sweeps (counted over all vs_sampler_sweep() calls) during which the adaptive
     *  Metropolis step changes; the chain obeys detailed balance only after them, so discard them
     *  as thermalisation. Default 100. Bounds [0, 2^31 − 1]. @since 1.1 */
    VS_SAMPLER_OPT_ADAPT_SWEEPS = 7,
    /** ::VS_SAMPLER_CLOCK only: the number K of pair blocks per basis site, strongest spectral
     *  norm first, whose field the proposal sees exactly (the NEAR set; the rest goes through the
     *  filter). −1 (default) = automatic: the K of least expected cost per accepted move at
     *  β_max = E0/T[0], (30 + K + 3 √2 (1 − e^{−γb})/γ) e^{γb} with γ = 0.55/ncomp and
     *  b = β_max E0 S(K), S(K) the sum of the spectral norms of the blocks left far (the cost model
     *  of docs/sampler.md: a move draws at most the filter events up to its first rejection); 0 = none
     *  (every pair through the filter); larger than the number of blocks = all. Any value samples
     *  the same distribution. Bounds [−1, 2^31 − 1].
     *  @since 1.1 */
    VS_SAMPLER_OPT_CLOCK_NEAR = 8
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
 *        min(1, exp((1/T_r − 1/T_{r+1})(E_r − E_{r+1}))). ::VS_SAMPLER_CLOCK: every heat-bath,
 *        Metropolis and over-relaxation move is filtered by the far pairs, and each replica's
 *        fields, M and E are recomputed by FFT after its sweep.
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
 *  accumulated from the exact ΔE of each move in between; ::VS_SAMPLER_CLOCK: recomputed by FFT
 *  after each sweep). @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
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

/* ------------------------------------------------------------------------------------------------
 * Observables (issue 11; docs/sampler.md, "Observables").
 * ------------------------------------------------------------------------------------------------ */

/**
 * Observable keys of vs_sampler_observable(). N sites, ncomp = n components, T the slot's
 * temperature (k_B = 1, unit of E0), E the total energy (unit of E0), m = M/N = (1/N) Σ_m s_m the
 * n-vector order parameter per spin. COMP and SHEAR keys need ncomp = 6 (the elastic 6-spin model
 * in the spin basis of elastic.h and coupling.h, vs_spin_basis(): component 0 is the compression
 * q1, components 1 … 5 the shear q2 … q6): m_c = m0 the compression component (1 component),
 * m_s = (m1, …, m5) the shear 5-vector (5 components); other ncomp → ::VS_EINVAL.
 * Primary keys (ENERGY, M, M2, M4, COMP…, SHEAR…, SK_MAX) are means of one measured series: error
 * by blocking, τ_int of that series. Derived keys (HEAT_CAPACITY, CHI, BINDER and the COMP/SHEAR
 * analogues) are functions of several means: value and error by the jackknife over binned
 * measurements, τ_int that of the primary series they fluctuate (E for the heat capacity, |m|²
 * — resp. m_c², |m_s|² — for χ and the Binder cumulant).
 * An enum tag only, with no typedef: the name vs_sampler_observable is the function's.
 * @since 1.1
 */
enum vs_sampler_observable {
    VS_SAMPLER_OBS_ENERGY = 1,        /**< ⟨E⟩/N, energy per spin (unit E0). @since 1.1 */
    VS_SAMPLER_OBS_HEAT_CAPACITY = 2, /**< (⟨E²⟩ − ⟨E⟩²)/(N T²), per spin, k_B = 1. @since 1.1 */
    VS_SAMPLER_OBS_M = 3,             /**< ⟨|m|⟩. @since 1.1 */
    VS_SAMPLER_OBS_M2 = 4,            /**< ⟨|m|²⟩. @since 1.1 */
    VS_SAMPLER_OBS_M4 = 5,            /**< ⟨|m|⁴⟩. @since 1.1 */
    VS_SAMPLER_OBS_CHI = 6,           /**< N(⟨|m|²⟩ − ⟨|m|⟩²)/T (unit 1/E0). @since 1.1 */
    /** (n+2)/2 − (n/2)⟨|m|⁴⟩/⟨|m|²⟩², n = ncomp: 0 for a Gaussian m, 1 for fixed |m|. @since 1.1 */
    VS_SAMPLER_OBS_BINDER = 7,
    VS_SAMPLER_OBS_COMP = 8,          /**< ⟨|m_c|⟩ (ncomp = 6). @since 1.1 */
    VS_SAMPLER_OBS_COMP2 = 9,         /**< ⟨m_c²⟩. @since 1.1 */
    VS_SAMPLER_OBS_COMP4 = 10,        /**< ⟨m_c⁴⟩. @since 1.1 */
    VS_SAMPLER_OBS_COMP_CHI = 11,     /**< N(⟨m_c²⟩ − ⟨|m_c|⟩²)/T. @since 1.1 */
    VS_SAMPLER_OBS_COMP_BINDER = 12,  /**< 3/2 − ½⟨m_c⁴⟩/⟨m_c²⟩² (n = 1). @since 1.1 */
    VS_SAMPLER_OBS_SHEAR = 13,        /**< ⟨|m_s|⟩ (ncomp = 6). @since 1.1 */
    VS_SAMPLER_OBS_SHEAR2 = 14,       /**< ⟨|m_s|²⟩. @since 1.1 */
    VS_SAMPLER_OBS_SHEAR4 = 15,       /**< ⟨|m_s|⁴⟩. @since 1.1 */
    VS_SAMPLER_OBS_SHEAR_CHI = 16,    /**< N(⟨|m_s|²⟩ − ⟨|m_s|⟩²)/T. @since 1.1 */
    VS_SAMPLER_OBS_SHEAR_BINDER = 17, /**< 7/2 − (5/2)⟨|m_s|⁴⟩/⟨|m_s|²⟩² (n = 5). @since 1.1 */
    /** ⟨max_k S(k)⟩, the mean over measurements of the largest S(k) of each configuration (see
     *  vs_sampler_structure_factor()). @since 1.1 */
    VS_SAMPLER_OBS_SK_MAX = 18
};

/**
 * @brief Measure every slot once: the energy, the order parameters and the structure factor of
 *        each slot's current configuration are added to that slot's accumulators.
 *
 * Call it between sweeps (e.g. once after each vs_sampler_sweep(s, 1)); τ_int is then in units of
 * the sweeps between measurements. One measurement costs one FFT per slot (the structure factor).
 * Serial; results do not depend on the thread count.
 * @param s the sampler.
 * @return ::VS_OK, ::VS_EINVAL (s NULL), ::VS_EOVERFLOW (2^63 − 1 measurements), ::VS_ENUMERIC (a
 *         measured value too large to accumulate, |E| > 1e140). Nothing is changed on error.
 * @since 1.1
 */
VS_API int vs_sampler_measure(vs_sampler *s);

/**
 * @brief Forget every measurement (e.g. after thermalisation): accumulators, structure-factor
 *        sums, the measurement count and the round-trip count return to their state at creation,
 *        and so do the round-trip labels (the configuration now at T[0] is the only one labelled
 *        "came from the bottom"). The configurations and the chain are not affected.
 * @param s the sampler. @return ::VS_OK, ::VS_EINVAL (s NULL).
 * @since 1.1
 */
VS_API int vs_sampler_reset_observables(vs_sampler *s);

/** @brief Number of vs_sampler_measure() calls since creation or the last
 *  vs_sampler_reset_observables(). @return ::VS_OK, ::VS_EINVAL (NULL). @since 1.1 */
VS_API int vs_sampler_measurements(const vs_sampler *s, long long *n);

/**
 * @brief Estimate, error bar and integrated autocorrelation time of an observable at slot r.
 *
 * Primary keys: value = the mean over all measurements; error = the blocking (Flyvbjerg–Petersen)
 * error of the mean; tau_int = ½ σ²_block/σ²_naive, in the convention τ_int = ½ + Σ_{t≥1} ρ(t)
 * (½ for independent measurements), in units of the measurement spacing. Derived keys (heat
 * capacity, susceptibilities, Binder cumulants): value = f of the moment averages over the
 * complete bins (all measurements while there are < 64; see docs/sampler.md), error = the
 * jackknife error over the bins, tau_int = that of the primary series (E, |m|², m_c², |m_s|²).
 * The energy fluctuation is accumulated as E − E_ref with E_ref the slot's first measured energy,
 * so ⟨E²⟩ − ⟨E⟩² does not cancel.
 * @param s the sampler. @param r slot, 0 ≤ r < nrep. @param key a key of enum ::vs_sampler_observable.
 * @param[out] value estimate (may be NULL). @param[out] error its standard error (may be NULL).
 * @param[out] tau_int (may be NULL).
 * @return ::VS_OK, ::VS_EINVAL (s NULL, r out of range, unknown key, COMP/SHEAR key with
 *         ncomp ≠ 6), ::VS_ENUMERIC (fewer than 2 measurements; a Binder cumulant with
 *         ⟨|m|²⟩ = 0; a result not finite).
 * @since 1.1
 */
VS_API int vs_sampler_observable(const vs_sampler *s, int r, int key, double *value, double *error,
                                 double *tau_int);

/**
 * @brief Mean structure factor ⟨S(k)⟩ of slot r over the measurements, on the supercell grid.
 *
 * S(k) = (1/N) Σ_a |Σ_m s_{m,a} e^{−ik·r_m}|² (a = component, r_m the site positions of
 * vs_lattice_positions(), basis offsets included), at k_q = Σ_j (q_j/L_j) b_j, 0 ≤ q_j < L_j, with
 * the reciprocal cell vectors b_j (a_i·b_j = 2πδ_ij): the grid and k convention of
 * vs_lattice_fourier() and vs_lattice_luttinger_tisza_min(). Layout row-major, q3 fastest:
 * Sk[(q1 L2 + q2) L3 + q3]. Open clusters: the same definition on the same grid. S(−k) = S(k);
 * for nbasis = 1, Σ_q S(k_q) = N (Parseval) and the value at k = 0 is N|m|².
 * @param s the sampler. @param r slot.
 * @param[out] Sk `double[L1*L2*L3]`.
 * @return ::VS_OK, ::VS_EINVAL (NULL, r out of range), ::VS_ENUMERIC (no measurement yet).
 * @since 1.1
 */
VS_API int vs_sampler_structure_factor(const vs_sampler *s, int r, double *Sk);

/**
 * @brief The maximum of ⟨S(k)⟩ (vs_sampler_structure_factor()) of slot r and its wave vector.
 *
 * The first grid point in the layout order reaching the maximum is reported (a point replaces the
 * best so far only if it exceeds it by more than 1e-12 relative): since S(−k) = S(k), of the pair
 * ±k the one of lower index. Compare it with the Luttinger–Tisza k (same convention; equal up to
 * the lattice's symmetry images and ±k).
 * @param s the sampler. @param r slot.
 * @param[out] k `double[3]` Cartesian wave vector (1/length), k = Σ_j (q_j/L_j) b_j (may be NULL).
 * @param[out] Smax the maximum (may be NULL).
 * @return ::VS_OK, ::VS_EINVAL (s NULL, r out of range), ::VS_ENUMERIC (no measurement yet).
 * @since 1.1
 */
VS_API int vs_sampler_structure_factor_peak(const vs_sampler *s, int r, double k[3], double *Smax);

/**
 * @brief Parallel-tempering round trips since creation or the last vs_sampler_reset_observables().
 *
 * Each configuration carries a label: "none", "up" (it visited T[0] last among the two ends) or
 * "down" (it visited T[nrep−1] after T[0]). After each exchange round the configuration at T[0]
 * becomes "up" — a round trip is counted if it was "down" — and an "up" configuration at
 * T[nrep−1] becomes "down". At creation (and reset) the configuration at T[0] is "up", the others
 * "none". nrep = 1: always 0.
 * @param s the sampler. @param[out] n round trips.
 * @return ::VS_OK, ::VS_EINVAL (NULL).
 * @since 1.1
 */
VS_API int vs_sampler_round_trips(const vs_sampler *s, long long *n);
/* ---- Checkpoint and restart (issue 11, "Checkpoint/restart that never loses a run") ---------- */

/**
 * @brief Write the complete state of the sampler to a checkpoint file, atomically.
 *
 * Saved: the sweep count; per slot its temperature, β, Metropolis step, move counters, generator
 * state and the configuration it holds; per configuration the spins, the delayed-update state
 * (the spins and fields of the last FFT refresh, the ordered list of sites changed since, the
 * accepted moves since) and the maintained M and E; the exchange generator and counters. A sampler
 * created with the same arguments and loaded from the file (vs_sampler_load()) continues the run
 * bit for bit as if it had never stopped, on any thread count.
 *
 * The file (docs/sampler.md, "Checkpoint and restart") is versioned, tagged with its byte order
 * and checksummed (CRC-64), and carries a 64-bit fingerprint of what the state belongs to: the
 * lattice geometry, the options that shape the coupling, the coupling table itself, U and D, the
 * ladder and the options that change the chain (not ::VS_SAMPLER_OPT_THREADS). Values are stored
 * little-endian; the generator states are raw GSL states, so a file restores on hosts with the
 * same byte order and type sizes (the same RNG layout), and is refused with ::VS_EUNSUPPORTED on
 * others.
 *
 * Atomic: the data go to a temporary file "<path>.tmp.<pid>.<n>" beside path, which is fsync'ed
 * and renamed over path (then the directory is fsync'ed). On any failure (unwritable directory,
 * full disk, file size limit) the temporary file is removed and the file at path, if any, is left
 * untouched. Only a process killed in the middle of a write can leave its temporary file behind
 * (path itself is then still the previous complete checkpoint); such files may be deleted.
 * Saving does not change the sampler. Cost: one pass over the state and a CRC over the coupling
 * table (about 44 MB at L = 64).
 * @param s the sampler. @param path file to write (its directory must exist; not a directory).
 * @return ::VS_OK, ::VS_EINVAL (NULL, empty path, path is a directory or not a regular file),
 *         ::VS_EIO (a system call failed: the message names path and the cause), ::VS_ENOMEM.
 * @since 1.1
 */
VS_API int vs_sampler_save(const vs_sampler *s, const char *path);

/**
 * @brief Restore the state written by vs_sampler_save() into s.
 *
 * Recipe for a restart: create the sampler with the same lattice (same geometry, coupling, U, D),
 * the same temperatures and the same options as the run that wrote the file (the seed and the
 * thread count may differ: the file's generator states replace the seeded ones), load, continue
 * with vs_sampler_sweep().
 *
 * Checked before anything changes: the file's framing (magic, version, byte order, size, CRCs),
 * the fingerprint (a file made for another lattice, ladder or options is refused with ::VS_EINVAL,
 * "checkpoint … was made for another lattice/ladder/options"), then every value: finite numbers,
 * unit spins within 1e-10, the slot → configuration map a permutation, changed-site lists of
 * distinct indices < N consistent with the spins, counters consistent with the sweep count, the
 * generator types. On ANY failure s is unchanged and usable (its chain continues as if the load
 * had not been tried).
 * @param s the sampler (created as described). @param path the checkpoint file.
 * @return ::VS_OK, ::VS_EINVAL (NULL, empty path, a directory, a fingerprint mismatch), ::VS_EIO
 *         (missing or unreadable file; not a checkpoint; truncated, corrupted or inconsistent
 *         contents), ::VS_EUNSUPPORTED (a newer format version, or written on a host of another
 *         byte order or RNG layout), ::VS_ENOMEM.
 * @since 1.1
 */
VS_API int vs_sampler_load(vs_sampler *s, const char *path);

/**
 * @brief Number of sweeps done since creation (over all vs_sampler_sweep() calls; restored by
 *        vs_sampler_load()).
 * @param s the sampler. @param[out] n the count.
 * @return ::VS_OK, ::VS_EINVAL (NULL).
 * @since 1.1
 */
VS_API int vs_sampler_sweeps(const vs_sampler *s, long long *n);

/* ---- Configurations as bytes (issue 15: the MPI add-on moves configurations between ranks) ---- */

/**
 * @brief Size in bytes of one configuration as written by vs_sampler_config_export().
 *
 * It depends only on the lattice: 8 (8 + ncomp + 3 N ncomp + N) bytes for N sites.
 * @param s the sampler. @param[out] bytes the size.
 * @return ::VS_OK, ::VS_EINVAL (NULL).
 * @since 1.1
 */
VS_API int vs_sampler_config_size(const vs_sampler *s, size_t *bytes);

/**
 * @brief Write the whole configuration of slot r into buf as opaque little-endian bytes.
 *
 * Written: a tag, the sizes and the field path; the spins; the delayed-update state (the spins and
 * fields of the last refresh, the ordered list of sites changed since, the accepted moves since);
 * the maintained M and E; the round-trip label of the configuration (vs_sampler_round_trips()).
 * Not written: what stays with the slot (temperature, generator, Metropolis step, counters,
 * observables). Importing the bytes into a slot of a sampler of the same lattice and options
 * (vs_sampler_config_import()) makes that slot continue exactly as slot r would have: this is what
 * a parallel-tempering exchange does inside vs_sampler_sweep(). The bytes are the same on hosts of
 * either byte order. Does not change the sampler.
 * @param s the sampler. @param r slot, 0 ≤ r < nrep.
 * @param[out] buf at least vs_sampler_config_size() bytes. @param len size of buf in bytes.
 * @return ::VS_OK, ::VS_EINVAL (NULL, r out of range, len too small).
 * @since 1.1
 */
VS_API int vs_sampler_config_export(const vs_sampler *s, int r, void *buf, size_t len);

/**
 * @brief Replace the configuration of slot r by bytes written by vs_sampler_config_export().
 *
 * Checked before anything changes: the tag, the sizes (N, ncomp) and field path
 * (::VS_SAMPLER_OPT_FIELDS) of s; finite E, M and fields; unit spins within 1e-9; the changed-site
 * list (distinct indices < N, no more than the accepted moves since the refresh, fewer of those
 * than the refresh period, every other site unmoved since the refresh); the label. The bytes must
 * come from a sampler of the same lattice and options (not checked: the fields would not match the
 * coupling). On any error s is unchanged.
 * @param s the sampler. @param r slot, 0 ≤ r < nrep.
 * @param buf the bytes. @param len their size, at least vs_sampler_config_size() (the first that
 *        many bytes are read).
 * @return ::VS_OK, ::VS_EINVAL (NULL, r out of range, len too small, any check above), ::VS_ENOMEM.
 * @since 1.1
 */
VS_API int vs_sampler_config_import(vs_sampler *s, int r, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_SAMPLER_H */
