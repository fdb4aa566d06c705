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

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_MPI_H */
