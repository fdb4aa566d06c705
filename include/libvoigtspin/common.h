/**
 * @file common.h
 * @brief Status codes, error messages, version query and the export macro shared by every handle.
 *
 * Error model: every fallible function returns an `int` status, ::VS_OK (0) on success or one of the
 * negative ::vs_status codes. The codes are explicitly numbered and append-only: a code never changes
 * meaning between releases. vs_strerror() maps a code to a static string; vs_last_error() returns the
 * detailed message of the most recent failure *in the calling thread*.
 *
 * The library never aborts, exits, prints, or changes the host program's global state (it never calls
 * gsl_set_error_handler(), fftw_cleanup() or similar, and never writes libm's `signgam`), except FFTW's
 * planner: builds with FFTW threads call fftw_init_threads() once and set the planner's thread count
 * while planning (restored before the planner lock is released); see lattice.h and
 * vs_fftw_planner_lock().
 *
 * Thread safety: all functions are re-entrant. Distinct handles may be used concurrently from different
 * threads; one handle is used by one thread at a time, except through functions taking a `const` handle,
 * which may be called concurrently on the same handle. Create and free functions may run concurrently
 * (FFTW planning is serialised inside the library by one recursive lock, on scratch buffers; a host
 * that plans its own FFTW transforms concurrently takes the same lock with vs_fftw_planner_lock()).
 */
#ifndef LIBVOIGTSPIN_COMMON_H
#define LIBVOIGTSPIN_COMMON_H

#include <libvoigtspin/version.h>

/** @def VS_API
 *  Marks a declaration as part of the exported ABI (the library is built with hidden visibility).
 *  Only ELF platforms with GCC-compatible compilers are built and tested; elsewhere VS_API is empty. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define VS_API __attribute__((visibility("default")))
#else
#define VS_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Status codes returned by every fallible function.
 *
 * Values are fixed forever; new codes are only appended (more negative).
 */
typedef enum vs_status {
    VS_OK = 0,              /**< Success. */
    VS_EINVAL = -1,         /**< Invalid argument: NULL pointer, NaN/inf, out-of-range value, bad shape. */
    VS_ENONPHYS = -2,       /**< Non-physical input: e.g. elastic tensor not symmetric / not positive definite. */
    VS_ENOMEM = -3,         /**< Memory allocation failed. */
    VS_ENOCONV = -4,        /**< An iterative method did not converge to the requested tolerance. */
    VS_EOVERFLOW = -5,      /**< A size or count overflows (checked before any allocation). */
    VS_ENUMERIC = -6,       /**< A numerical failure (e.g. a result not representable, singular matrix). */
    VS_EIO = -7,            /**< Input/output error (files, checkpoints). */
    VS_EUNSUPPORTED = -8,   /**< Valid request that this build or object does not support. */
    VS_ECALLBACK = -9       /**< A user callback reported failure or returned a non-finite value. */
} vs_status;

/**
 * @brief Static, human-readable description of a status code.
 * @param status a ::vs_status value (any int is accepted).
 * @return a static NUL-terminated string; never NULL. Unknown codes give "unknown status code".
 */
VS_API const char *vs_strerror(int status);

/**
 * @brief Detailed message of the most recent failure in the calling thread.
 *
 * The message is thread-local: a failure in one thread never overwrites another thread's message.
 * A successful call does not clear it. The pointer stays valid until the next failing library call
 * in the same thread.
 * @return a NUL-terminated string; "" if no call in this thread has failed yet. Never NULL.
 */
VS_API const char *vs_last_error(void);

/**
 * @brief Run-time library version as MAJOR*10000 + MINOR*100 + PATCH.
 *
 * Equals ::VS_VERSION_NUMBER of the headers the library was built with.
 */
VS_API int vs_version(void);

/**
 * @brief Run-time library version string, "MAJOR.MINOR.PATCH" (static storage).
 */
VS_API const char *vs_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_COMMON_H */
