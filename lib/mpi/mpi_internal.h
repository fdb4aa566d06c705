/*
 * Internals of the MPI add-on libvoigtspin_mpi (include/mpi/libvoigtspin/mpi.h, docs/mpi.md). Not
 * installed; nothing here is exported (hidden visibility, vs__mpi_ prefix). The add-on sits above
 * lib/sampler and lib/lattice and uses only the core's PUBLIC API (it is a separate shared library:
 * the core's hidden vs__ helpers are not reachable from here). Files, bottom → top:
 *   mpi_error.c        the add-on's thread-local error message, the collective agreement on a
 *                      status (no rank hangs when one fails), the check of Fortran communicators
 *   mpi_sampler.c      vs_mpi_sampler: one-replica core samplers per rank, the serial exchange round
 *                      across ranks, queries
 *   mpi_checkpoint.c   vs_mpi_sampler_save/load: one checkpoint per replica, the manifest last
 *   mpi_lattice.c      vs_mpi_lattice: one periodic lattice in FFTW-MPI slabs, its table built
 *                      distributed (vs_lattice_table_slab), fields and energy
 */
#ifndef VS_MPI_INTERNAL_H
#define VS_MPI_INTERNAL_H

#include <mpi.h>

#include <libvoigtspin/mpi.h>

#if defined(__GNUC__) || defined(__clang__)
#define VS__MPI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VS__MPI_PRINTF(a, b)
#endif

/* ================================================================ mpi_error.c */
/* Record a message for vs_mpi_last_error() (this thread) and return code. */
int vs__mpi_error(int code, const char *fmt, ...) VS__MPI_PRINTF(2, 3);
/* Record "<func>: <the core's vs_last_error()>" after a core call failed with st; returns st. */
int vs__mpi_core_error(int st, const char *func);
/* Collective: every rank of comm passes its local status; all return the same status: VS_OK if every
 * rank succeeded, else the status of the lowest failing rank, whose message every rank then holds
 * ("rank k: …"). An MPI failure of the agreement itself gives VS_EIO. */
int vs__mpi_agree(MPI_Comm comm, int st);
/* An MPI call returned rc != MPI_SUCCESS: record its MPI error string, return VS_EIO. */
int vs__mpi_call_error(int rc, const char *func, const char *what);
/* The C handle of a Fortran communicator (vs_mpi_sampler_create_f, vs_mpi_lattice_create_f), checked as
 * far as the MPI allows: VS_EINVAL, message recorded, for an integer that is no communicator handle of
 * this MPI (Open MPI) or MPI_COMM_NULL's. */
int vs__mpi_comm_from_fortran(MPI_Fint fcomm, MPI_Comm *out, const char *func);

/* ================================================================ mpi_sampler.c */
#include <gsl/gsl_rng.h>

/* The handle. Replicated on every rank: the ladder, the exchange stream and counters, the labels,
 * the sweep count. Local: the one-replica samplers of this rank's block [first, first + count). */
struct vs_mpi_sampler {
    MPI_Comm comm; /* a duplicate of the caller's, MPI_ERRORS_RETURN */
    int rank, size;
    int R;                /* replicas in total */
    int first, count;     /* this rank's block */
    int *counts, *displs; /* per rank: block size and first replica */
    double *T;            /* R temperatures */
    unsigned long seed;
    const vs_lattice *lat;
    vs_sampler_options *opt;         /* a copy */
    vs_sampler **rep;                /* count one-replica samplers */
    gsl_rng *xrng;                   /* the exchange stream (stream R of the serial sampler) */
    unsigned long long *xatt, *xacc; /* per pair (r, r+1) */
    int *label; /* round-trip label of the configuration at replica r: 0 none, 1 up, 2 down */
    long long trips;
    long long sweeps;
    size_t cfg_len;        /* vs_sampler_config_size */
    unsigned char *buf[2]; /* exchange scratch (one configuration out, one in), allocated on first use */
};

/* The rank that holds global replica r. */
int vs__mpi_owner(const struct vs_mpi_sampler *s, int r);
/* A one-replica sampler of global replica r with the handle's lattice, T[r], options and seed
 * seed + r·φ (VS_OK or the core's status, message recorded). */
int vs__mpi_new_replica(const struct vs_mpi_sampler *s, int r, vs_sampler **out);

/* ================================================================ mpi_checkpoint.c: the public
 * vs_mpi_sampler_save/load only. */

/* ================================================================ mpi_lattice.c: the public
 * vs_mpi_lattice_* only. */

#define VS__MPI_RETURN_IF(cond, code, ...)                                                                   \
    do {                                                                                                     \
        if (cond)                                                                                            \
            return vs__mpi_error((code), __VA_ARGS__);                                                       \
    } while (0)
#define VS__MPI_FORWARD(expr)                                                                                \
    do {                                                                                                     \
        int vs__st_ = (expr);                                                                                \
        if (vs__st_ != VS_OK)                                                                                \
            return vs__st_;                                                                                  \
    } while (0)

#endif
