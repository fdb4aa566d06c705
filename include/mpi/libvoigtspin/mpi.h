/**
 * @file mpi.h
 * @brief The MPI add-on libvoigtspin_mpi: the sampler's temperature ladder spread over the ranks of
 *        a communicator, replica exchange by MPI, bit-identical to the serial ::vs_sampler for the
 *        same seed on any number of ranks; collective checkpoints restartable on another rank
 *        count (docs/mpi.md). @since 1.1
 *
 * Separate library (link `pkg-config --libs libvoigtspin_mpi`, which brings libvoigtspin); this
 * header includes <mpi.h> and is not included by voigtspin.h. The library never calls MPI_Init,
 * MPI_Finalize or MPI_Abort: initialise MPI before the first call, finalise after the last free.
 *
 * Errors: every fallible function returns a ::vs_status. Functions marked *collective* must be
 * called by every rank of the sampler's communicator with the same arguments; they return the same
 * status on every rank (a failure on one rank is reported by all, so no rank waits forever in the
 * next collective call). After a failure, vs_mpi_last_error() holds the message (on every rank for
 * collective calls: the message of the lowest failing rank, "rank k: …").
 *
 * Thread safety: one vs_mpi_sampler must not be used by two threads at once; MPI must be
 * initialised with at least MPI_THREAD_SERIALIZED if several threads call the library.
 */
#ifndef LIBVOIGTSPIN_MPI_H
#define LIBVOIGTSPIN_MPI_H

#include <mpi.h>

#include <libvoigtspin/lattice.h>
#include <libvoigtspin/sampler.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @def VS_MPI_API
 *  Marks the exported functions of libvoigtspin_mpi (ELF default visibility). @since 1.1 */
#if defined(__GNUC__) || defined(__clang__)
#define VS_MPI_API __attribute__((visibility("default")))
#else
#define VS_MPI_API
#endif

/**
 * @brief Message of the last failed vs_mpi_* call on this thread ("" if none yet); a failure
 *        inside the core library carries the core's vs_last_error() text.
 * @return a thread-local NUL-terminated string, valid until the next vs_mpi_* call of this thread.
 * @since 1.1
 */
VS_MPI_API const char *vs_mpi_last_error(void);

/** Opaque handle: a temperature ladder spread over the ranks of a communicator. @since 1.1 */
typedef struct vs_mpi_sampler vs_mpi_sampler;

/**
 * @brief Create a ladder of nrep replicas spread over the ranks of comm (collective).
 *
 * Rank k of n holds the contiguous block of replicas vs_mpi_sampler_local_range() returns (balanced:
 * sizes differ by at most one, lower ranks hold the larger blocks). Global replica r is a
 * one-replica ::vs_sampler created with the seed seed + r·0x9E3779B97F4A7C15 (mod 2^64), so that its
 * generator is exactly stream r of vs_sampler_create(lat, nrep, T, seed, opt) (the serial
 * sampler); the exchange stream is stream nrep, replicated on every rank. The result: after any
 * number of vs_mpi_sampler_sweep() calls, the energies, spins, exchange counts, round trips and
 * observables equal those of the serial sampler bit for bit, on any number of ranks.
 *
 * Every rank passes its own lattice: the same lattice (same geometry, coupling, U, D), built on
 * each rank; it is borrowed like in vs_sampler_create() (it must outlive the handle and must not
 * be modified meanwhile). nrep, T and seed must be the same on every rank (checked: ::VS_EINVAL
 * otherwise); opt is copied.
 * The communicator is duplicated (the handle's messages never mix with the caller's) and given
 * the error handler MPI_ERRORS_RETURN (an MPI failure becomes ::VS_EIO, never an abort).
 * @param comm the communicator (n ranks, 1 ≤ n ≤ nrep).
 * @param lat the lattice of this rank. @param nrep replicas, 1 ≤ nrep ≤ 65536, at least n.
 * @param T `double[nrep]` temperatures, finite, > 0, strictly increasing. @param seed any value.
 * @param opt options, or NULL for the defaults (::VS_SAMPLER_OPT_THREADS has no effect: each rank
 *        sweeps its replicas one after the other). The clock kind (::VS_SAMPLER_CLOCK) needs an
 *        explicit ::VS_SAMPLER_OPT_CLOCK_NEAR ≥ 0: its automatic near set depends on the coldest
 *        temperature of a sampler's own ladder, which one-replica samplers do not share.
 * @param[out] out new handle on every rank, NULL on error.
 * @return ::VS_OK, ::VS_EINVAL (NULL, comm MPI_COMM_NULL, nrep out of range or < n, a bad ladder,
 *         arguments that differ between ranks, the clock kind with the automatic near set), ::VS_EOVERFLOW (a configuration of more than
 *         2^34 bytes), ::VS_EUNSUPPORTED (unsigned long narrower than 64 bits), ::VS_ENOMEM,
 *         ::VS_ENUMERIC, ::VS_EIO (an MPI call failed). Collective.
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_create(MPI_Comm comm, const vs_lattice *lat, int nrep, const double *T,
                                     unsigned long seed, const vs_sampler_options *opt, vs_mpi_sampler **out);

/**
 * @brief vs_mpi_sampler_create() with a Fortran communicator handle (an `integer`, e.g.
 *        MPI_COMM_WORLD of `use mpi`), converted with MPI_Comm_f2c. For Fortran callers through
 *        iso_c_binding. Collective.
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_create_f(int fcomm, const vs_lattice *lat, int nrep, const double *T,
                                       unsigned long seed, const vs_sampler_options *opt,
                                       vs_mpi_sampler **out);

/** @brief Free the handle and its duplicated communicator (collective: MPI_Comm_free). Accepts NULL
 *  (on every rank). @since 1.1 */
VS_MPI_API void vs_mpi_sampler_free(vs_mpi_sampler *s);

/**
 * @brief Run nsweeps sweeps (collective): each rank sweeps its replicas once (vs_sampler_sweep() of
 *        each), then, when nrep > 1, the serial exchange round: the energies are gathered on every
 *        rank, pairs (r, r+1) with r of the global sweep count's parity are accepted with
 *        min(1, exp((1/T_r − 1/T_{r+1})(E_r − E_{r+1}))) in increasing r from the replicated exchange
 *        stream (every rank takes the same decisions), and an accepted pair swaps its two
 *        configurations (vs_sampler_config_export()/import(), sent between the two owners when they
 *        differ); temperatures, generators and observables stay with the replicas, as in the serial
 *        sampler.
 * @param s the handle. @param nsweeps ≥ 0.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC (a field refresh overflowed on some rank: the handle
 *         is then in an unspecified state), ::VS_EIO (MPI). Collective.
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_sweep(vs_mpi_sampler *s, long nsweeps);

/**
 * @brief Measure every replica once (collective; vs_sampler_measure() of each local replica).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_EOVERFLOW, ::VS_ENUMERIC (see vs_sampler_measure(); on an error
 *         some replicas may have measured once more than others: reset the observables).
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_measure(vs_mpi_sampler *s);

/** @brief Forget every measurement and the round trips, as vs_sampler_reset_observables()
 *  (collective). @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_reset_observables(vs_mpi_sampler *s);

/** @brief Total number of replicas; 0 if s is NULL. Local. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_nreplicas(const vs_mpi_sampler *s);

/**
 * @brief The block of global replicas this rank holds: first, first + 1, …, first + count − 1. Local.
 * @param s the handle. @param[out] first the first replica of the block.
 * @param[out] count the number of replicas in the block, ≥ 1.
 * @return ::VS_OK, ::VS_EINVAL (NULL).
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_local_range(const vs_mpi_sampler *s, int *first, int *count);

/**
 * @brief The one-replica core sampler of a global replica held by this rank (its slot 0), for the
 *        read-only queries of sampler.h (vs_sampler_spins(), vs_sampler_acceptance(), …). Do not
 *        modify it through a cast. Local.
 * @param s the handle. @param r a replica of this rank (vs_mpi_sampler_local_range()).
 * @param[out] out the sampler, borrowed (valid until vs_mpi_sampler_free()).
 * @return ::VS_OK, ::VS_EINVAL (NULL, r not held by this rank).
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_local(const vs_mpi_sampler *s, int r, const vs_sampler **out);

/** @brief Energy of replica r (any global r; collective: its owner broadcasts).
 *  @return ::VS_OK, ::VS_EINVAL (NULL, r out of range), ::VS_EIO. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_energy(const vs_mpi_sampler *s, int r, double *E);

/** @brief Spins of replica r into out (`double[N*ncomp]`, on every rank; collective: its owner
 *  broadcasts). @return ::VS_OK, ::VS_EINVAL, ::VS_EIO. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_spins(const vs_mpi_sampler *s, int r, double *out);

/** @brief Single-site acceptance rate of replica r (vs_sampler_acceptance(); collective: its owner
 *  broadcasts). @return ::VS_OK, ::VS_EINVAL, ::VS_EIO. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_acceptance(const vs_mpi_sampler *s, int r, double *rate);

/**
 * @brief Estimate, error and τ_int of an observable at replica r, as vs_sampler_observable()
 *        (collective: its owner computes and broadcasts; every rank gets the values).
 * @param s the handle. @param r replica, 0 ≤ r < nrep. @param key a key of enum ::vs_sampler_observable.
 * @param[out] value estimate (may be NULL). @param[out] error its standard error (may be NULL).
 * @param[out] tau_int integrated autocorrelation time (may be NULL).
 * @return the status of vs_sampler_observable() on the owner (the same on every rank), ::VS_EINVAL
 *         (NULL, r out of range), ::VS_EIO.
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_observable(const vs_mpi_sampler *s, int r, int key, double *value,
                                         double *error, double *tau_int);

/** @brief Acceptance rate of the exchanges between replicas r and r+1 (0 ≤ r < nrep − 1). Local
 *  (every rank holds the counters). @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_exchange_rate(const vs_mpi_sampler *s, int r, double *rate);

/** @brief Round trips, as vs_sampler_round_trips(). Local. @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_round_trips(const vs_mpi_sampler *s, long long *n);

/** @brief Sweeps done (all calls; restored by vs_mpi_sampler_load()). Local.
 *  @return ::VS_OK, ::VS_EINVAL. @since 1.1 */
VS_MPI_API int vs_mpi_sampler_sweeps(const vs_mpi_sampler *s, long long *n);

/**
 * @brief Write a checkpoint of the whole ladder (collective), restartable on any rank count.
 *
 * Layout (docs/mpi.md, "Checkpoints"): generation g = (the generation of the manifest already at
 * path, if any) + 1; every replica r is saved by its owner with vs_sampler_save() to
 * "<path>.g<g>.r<r>" (each file atomic); when all have landed, rank 0 writes the manifest "<path>"
 * atomically (temporary file, fsync, rename, directory fsync): generation, nrep, seed, sweeps, the
 * ladder, the exchange stream's state, the exchange counters, the round-trip labels and count,
 * and a CRC-64 of all that. Only then are the files of the previous generation removed. A crash at
 * any point leaves the previous checkpoint (manifest + its replica files) complete.
 * @param s the handle. @param path the manifest's path (its directory must exist and be shared by
 *        the ranks that hold replicas).
 * @return ::VS_OK, ::VS_EINVAL (NULL, empty path), ::VS_EIO (a file or MPI operation failed on
 *         some rank), ::VS_ENOMEM. Collective.
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_save(const vs_mpi_sampler *s, const char *path);

/**
 * @brief Restore a checkpoint written by vs_mpi_sampler_save() (collective), on any rank count.
 *
 * The handle must have been created with the same lattice, ladder and options as the run that
 * wrote it (the seed may differ: the saved generator states replace the seeded ones). Rank 0 reads
 * and checks the manifest (CRC, nrep, ladder bit for bit), every rank loads the replicas it holds
 * into fresh one-replica samplers (vs_sampler_load() checks each file and its fingerprint); only
 * when every rank succeeded are they swapped in. On any failure the handle is unchanged on every
 * rank and usable.
 * @param s the handle. @param path the manifest.
 * @return ::VS_OK, ::VS_EINVAL (NULL, empty path, another ladder/lattice/options), ::VS_EIO (missing,
 *         damaged or inconsistent files; MPI), ::VS_EUNSUPPORTED (see vs_sampler_load()),
 *         ::VS_ENOMEM. Collective.
 * @since 1.1
 */
VS_MPI_API int vs_mpi_sampler_load(vs_mpi_sampler *s, const char *path);

/* ================================================================ the distributed lattice */

/** Opaque handle: one lattice (periodic or open cluster) distributed over the ranks of a communicator
 *  in slabs of the first grid index (FFTW-MPI's slab decomposition; docs/mpi.md, "The distributed lattice").
 *  @since 1.1 */
typedef struct vs_mpi_lattice vs_mpi_lattice;

/**
 * @brief Create a distributed lattice (collective): the lattice vs_lattice_create() would build
 *        from the same arguments, with its sites, spins, fields and coupling table split over the
 *        ranks of comm.
 *
 * The FFT grid (g = L periodic, g = 2L zero-padded for an open cluster) is split in slabs of its
 * first index (FFTW-MPI's default blocks of ⌈g1/n⌉ planes; ranks beyond ⌈g1/⌈g1/n⌉⌉ hold none — the
 * slab limit: at most g1 ranks do work). Rank k's sites are those of its grid planes below L1:
 * the planes [first_plane, first_plane + nplanes) of the first supercell index
 * (vs_mpi_lattice_local(); an open cluster's ranks that hold only padding have none but take part in
 * every collective). Its spins and fields are these sites in the core's site order (site-major,
 * components fastest): the global arrays of the lattice.h site-index formula from site
 * first_plane·L2·L3·nbasis on.
 *
 * The coupling table is built distributed with vs_lattice_table_slab(): each rank computes the
 * reciprocal Ewald part on its k-planes (::VS_LATTICE_TABLE_RECIP; periodic lattices) and the
 * real-space terms of its slab of displacements (::VS_LATTICE_TABLE_REAL: the Ewald terms, or the
 * bare kernel of an open cluster); one FFTW-MPI c2r joins them into its slab of T(Δ) and one
 * FFTW-MPI r2c gives it its slab of the k-space table (layout FFTW_MPI_TRANSPOSED_OUT). No rank ever
 * holds the whole table or lattice. Fields and energies equal the serial library's to round-off
 * (≤ 1e-12 relative, tests/mpi). One handle must not be used by two threads at once.
 *
 * Every rank passes the same arguments (checked: the cell, basis, L, ncomp, the coupling's degree
 * and the options ACCURACY, ALPHA, BOUNDARY, ENERGY_SCALE are compared with rank 0's; the coupling
 * is only read during the call and may be freed after). Bond lists (vs_lattice_create_pairs()) are
 * not supported. ::VS_LATTICE_OPT_THREADS and ::VS_LATTICE_OPT_FFT_THREADS have no effect (one
 * thread per rank); ::VS_LATTICE_OPT_FFTW_PLANNER = ::VS_LATTICE_PLANNER_MEASURE plans the spins'
 * transforms with FFTW_MEASURE (collectively), ESTIMATE otherwise (AUTO included).
 *
 * FFTW: calls fftw_mpi_init() (idempotent; FFTW-MPI's only global set-up — the host's fftw_mpi_cleanup()
 * belongs after the last vs_mpi_lattice_free()), plans under vs_fftw_planner_lock(), and changes
 * no other FFTW setting (threads, wisdom). The communicator is duplicated, with MPI_ERRORS_RETURN.
 * @param comm the communicator. @param cell,nbasis,frac,L,coupling,ncomp,opt as vs_lattice_create().
 * @param[out] out new handle on every rank, NULL on error.
 * @return ::VS_OK, ::VS_EINVAL (NULL, comm MPI_COMM_NULL, the checks of vs_lattice_create(),
 *         arguments that differ between ranks), ::VS_EUNSUPPORTED (FFTW-MPI splits the table and the
 *         spins differently: not seen), ::VS_ENOMEM, ::VS_ENUMERIC (table not finite, FFTW-MPI could
 *         not plan), ::VS_EIO (MPI). Collective.
 * @since 1.1
 */
VS_MPI_API int vs_mpi_lattice_create(MPI_Comm comm, const double *cell, int nbasis, const double *frac,
                                     const int *L, const vs_coupling *coupling, int ncomp,
                                     const vs_lattice_options *opt, vs_mpi_lattice **out);

/** @brief vs_mpi_lattice_create() with a Fortran communicator (MPI_Comm_f2c inside; `mpi_f08`'s
 *  `comm%MPI_VAL` or the `mpi` module's integer). @since 1.1 */
VS_MPI_API int vs_mpi_lattice_create_f(MPI_Fint fcomm, const double *cell, int nbasis, const double *frac,
                                       const int *L, const vs_coupling *coupling, int ncomp,
                                       const vs_lattice_options *opt, vs_mpi_lattice **out);

/** @brief Free the handle, its plans and its duplicated communicator (collective). Accepts NULL (on
 *  every rank). @since 1.1 */
VS_MPI_API void vs_mpi_lattice_free(vs_mpi_lattice *ml);

/**
 * @brief This rank's slab: its first plane of the first supercell index, its number of planes (0
 *        on ranks beyond the slab limit) and its number of sites nplanes·L2·L3·nbasis. Any output
 *        may be NULL. Local.
 * @return ::VS_OK, ::VS_EINVAL (ml NULL). @since 1.1
 */
VS_MPI_API int vs_mpi_lattice_local(const vs_mpi_lattice *ml, int *first_plane, int *nplanes, size_t *nsites);

/** @brief Global number of sites N = L1·L2·L3·nbasis (0 for NULL). Local. @since 1.1 */
VS_MPI_API size_t vs_mpi_lattice_nsites(const vs_mpi_lattice *ml);

/** @brief Spin components (0 for NULL). Local. @since 1.1 */
VS_MPI_API int vs_mpi_lattice_ncomp(const vs_mpi_lattice *ml);

/**
 * @brief The uniform matrix U (vs_lattice_set_uniform()): symmetrised and stored; NULL clears it.
 *        Local: set the same U on every rank. @param ml the handle. @param U `double[ncomp*ncomp]`, finite, or NULL.
 * @return ::VS_OK, ::VS_EINVAL (ml NULL, U not finite), ::VS_ENOMEM. @since 1.1
 */
VS_MPI_API int vs_mpi_lattice_set_uniform(vs_mpi_lattice *ml, const double *U);

/**
 * @brief The on-site matrix D (vs_lattice_set_onsite()): symmetrised and stored; NULL clears it.
 *        Local: set the same D on every rank. @param ml the handle. @param D `double[ncomp*ncomp]`, finite, or NULL.
 * @return ::VS_OK, ::VS_EINVAL (ml NULL, D not finite), ::VS_ENOMEM. @since 1.1
 */
VS_MPI_API int vs_mpi_lattice_set_onsite(vs_mpi_lattice *ml, const double *D);

/**
 * @brief Local fields h_m = Σ_n T(r_m − r_n) s_n of the sites of this rank (collective), from the
 *        local spins: vs_lattice_fields() of the global configuration, restricted to the slab.
 * @param ml the handle.
 * @param s `double[nsites·ncomp]` this rank's spins (vs_mpi_lattice_local()), finite.
 * @param[out] h `double[nsites·ncomp]` this rank's fields (not aliasing s).
 * @return ::VS_OK, ::VS_EINVAL (NULL, s not finite, h == s — on any rank), ::VS_ENUMERIC (the fields
 *         overflow), ::VS_EIO. Collective (same status on every rank). @since 1.1
 */
VS_MPI_API int vs_mpi_lattice_fields(vs_mpi_lattice *ml, const double *s, double *h);

/**
 * @brief The global energy E = −(E0/2) [Σ_m s_m·h_m + Σ_m s_mᵀDs_m + MᵀUM/N] of the configuration
 *        whose slabs the ranks pass (collective; vs_lattice_energy()), returned on every rank.
 * @param ml the handle.
 * @param s this rank's spins. @param[out] E the energy (every rank).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC, ::VS_EIO. Collective. @since 1.1
 */
VS_MPI_API int vs_mpi_lattice_energy(vs_mpi_lattice *ml, const double *s, double *E);

/**
 * @brief The global energy from the local spins and fields of every rank (collective;
 *        vs_lattice_energy_from_fields()): no transform, one MPI_Allreduce.
 * @param ml the handle.
 * @param s this rank's spins. @param h this rank's fields (vs_mpi_lattice_fields()).
 * @param[out] E the energy (every rank).
 * @return ::VS_OK, ::VS_EINVAL (NULL, not finite), ::VS_ENUMERIC, ::VS_EIO. Collective. @since 1.1
 */
VS_MPI_API int vs_mpi_lattice_energy_from_fields(vs_mpi_lattice *ml, const double *s, const double *h,
                                                 double *E);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_MPI_H */
