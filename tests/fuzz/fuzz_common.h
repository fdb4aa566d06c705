/* Shared helpers of the libFuzzer harnesses of the public API (tests/fuzz, suite 'fuzz').
 *
 * Every harness reads its input as a small program: one byte picks an entry point, then the
 * arguments follow. Doubles come in four flavours so that the fuzzer reaches both the edges and the
 * physically meaningful interior quickly: raw IEEE bits (NaN payloads, denormals, ±inf), a table of
 * known-hard values (±DBL_MAX, 5e-324, 1e-154, 8.5e307, ...), "moderate" values m·10^e with small
 * mantissa and exponent, and values near 1.
 *
 * The promise checked everywhere (README "Promises"): a call either returns VS_OK with every output
 * finite, or returns a documented negative status with a non-empty vs_last_error() message. Anything
 * else traps, so libFuzzer records a crash and writes the input to crash-<sha1>. */
#ifndef VS_FUZZ_COMMON_H
#define VS_FUZZ_COMMON_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvoigtspin/voigtspin.h>

typedef struct fz {
    const uint8_t *p;
    size_t n;
} fz;

static inline int fz_empty(const fz *f) { return f->n == 0; }

static inline uint8_t fz_u8(fz *f)
{
    if (f->n == 0)
        return 0;
    f->n--;
    return *f->p++;
}

static inline uint32_t fz_u32(fz *f)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = (v << 8) | fz_u8(f);
    return v;
}

static inline uint64_t fz_u64(fz *f)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | fz_u8(f);
    return v;
}

/* An integer in [lo, hi] (inclusive). */
static inline int fz_range(fz *f, int lo, int hi)
{
    uint32_t span = (uint32_t)(hi - lo) + 1u;
    return lo + (int)(fz_u32(f) % span);
}

/* Any int, biased towards the edges and small values. */
static inline int fz_int(fz *f)
{
    static const int special[] = {0, 1, -1, 2, 3, 4, 5, 6, 7, 8, 64, 65, 1024, 1025, INT32_MAX, INT32_MIN,
                                  INT32_MAX / 2, 1 << 20, -(1 << 20)};
    uint8_t tag = fz_u8(f);
    if (tag & 1)
        return special[fz_u8(f) % (sizeof special / sizeof special[0])];
    return (int)fz_u32(f);
}

static inline double fz_double(fz *f)
{
    static const double special[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 6.0, 1e-300, -1e-300, 1e300, -1e300,
        DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, 5e-324, -5e-324, 1e-154, 1e154, 8.5e307, 1e-100, 1e100,
        1e-15, 1e-12, 1e-8, 1e6, 1e15, 1e19, 0.35, 0.2, 0.4999999999, 1.0 - 1e-12, 1.0 + 1e-12,
        INFINITY, -INFINITY, NAN};
    uint8_t tag = fz_u8(f);
    switch (tag & 3) {
    case 0: { /* raw bits */
        uint64_t b = fz_u64(f);
        double x;
        memcpy(&x, &b, sizeof x);
        return x;
    }
    case 1:
        return special[fz_u8(f) % (sizeof special / sizeof special[0])];
    case 2: { /* m · 10^e, |m| < 32768/4096 = 8, e in [-20, 20] */
        uint8_t hi = fz_u8(f), lo = fz_u8(f);
        int16_t m = (int16_t)((uint16_t)(hi << 8) | lo);
        int e = (int)(fz_u8(f) % 41) - 20;
        return (double)m / 4096.0 * pow(10.0, e);
    }
    default: /* near 1, positive: the interior where most physics lives */
        return 0.05 + (double)fz_u8(f) / 16.0 + (double)fz_u8(f) / 4096.0;
    }
}

static inline void fz_doubles(fz *f, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = fz_double(f);
}

/* VS_FUZZ_TRACE=1 in the environment: print every call, its status and its duration (to find which
 * call of a crashing or slow input is the culprit; see docs/testing.md). */
static inline int fz_trace(void)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("VS_FUZZ_TRACE");
        on = e != NULL && e[0] != '\0' && e[0] != '0';
    }
    return on;
}

static inline double fz_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- The promise ------------------------------------------------------------------------------- */

static inline void fz_fail(const char *what, int line)
{
    fprintf(stderr, "libvoigtspin promise broken (harness line %d): %s\n", line, what);
    fflush(stderr);
    __builtin_trap();
}

/* A documented status; a failure carries a message. */
static inline void fz_status(int rc, const char *call, int line)
{
    if (rc > 0 || rc < VS_ECALLBACK) {
        fprintf(stderr, "%s returned undocumented status %d\n", call, rc);
        fz_fail("undocumented status", line);
    }
    if (rc != VS_OK && (vs_last_error() == NULL || vs_last_error()[0] == '\0')) {
        fprintf(stderr, "%s returned %d without a message\n", call, rc);
        fz_fail("failure without vs_last_error() message", line);
    }
}

static inline void fz_finite(int rc, const double *x, size_t n, const char *call, const char *name, int line)
{
    if (rc != VS_OK || x == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) {
            fprintf(stderr, "%s returned VS_OK with %s[%zu] = %g\n", call, name, i, x[i]);
            fz_fail("VS_OK with a non-finite output", line);
        }
}

/* CALL(rc, fn(args...)): run, check the status. FINITE(rc, array, n): outputs of a VS_OK call. */
#define FZ_CALL(rc, expr) \
    do { \
        vs__fz_last_call = #expr; \
        double t0_ = fz_trace() ? fz_now() : 0.0; \
        (rc) = (expr); \
        if (fz_trace()) \
            fprintf(stderr, "[fuzz] %s -> %d (%.3f s)%s%s\n", #expr, (rc), fz_now() - t0_, \
                    (rc) != VS_OK ? ": " : "", (rc) != VS_OK ? vs_last_error() : ""); \
        fz_status((rc), #expr, __LINE__); \
    } while (0)
#define FZ_FINITE(rc, x, n) fz_finite((rc), (x), (n), vs__fz_last_call, #x, __LINE__)
/* A constructor: out is set on success and NULL on failure. */
#define FZ_HANDLE(rc, h) \
    do { \
        if (((rc) == VS_OK) != ((h) != NULL)) \
            fz_fail("handle not set on success or not NULL on failure", __LINE__); \
    } while (0)

static const char *vs__fz_last_call = "";

/* Two couplings built once per process (LLVMFuzzerInitialize) and shared read-only by every input:
 * the dipolar kernel and an isotropic elastic kernel (sigma = 0.3). */
static inline void fz_make_shared_couplings(vs_coupling **dipolar, vs_coupling **isotropic)
{
    vs_elastic *el = NULL;
    if (vs_coupling_create_dipolar(dipolar) != VS_OK || vs_elastic_create_poisson_shear(0.3, 1.0, &el) != VS_OK ||
        vs_coupling_create(el, 1e-8, isotropic) != VS_OK)
        __builtin_trap();
    vs_elastic_free(el);
}

#endif /* VS_FUZZ_COMMON_H */
