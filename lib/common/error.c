/* Status codes, thread-local error messages and argument checks (common.h; docs/architecture.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"

#define VS_ERRBUF 512

static _Thread_local char vs_errbuf[VS_ERRBUF];

VS_API const char *vs_strerror(int status)
{
    switch (status) {
    case VS_OK: return "success";
    case VS_EINVAL: return "invalid argument";
    case VS_ENONPHYS: return "non-physical input";
    case VS_ENOMEM: return "out of memory";
    case VS_ENOCONV: return "no convergence";
    case VS_EOVERFLOW: return "size overflow";
    case VS_ENUMERIC: return "numerical failure";
    case VS_EIO: return "input/output error";
    case VS_EUNSUPPORTED: return "unsupported";
    case VS_ECALLBACK: return "user callback failed";
    default: return "unknown status code";
    }
}

VS_API const char *vs_last_error(void)
{
    return vs_errbuf;
}

const char *vs__error_cause(const char *prefix, char *msg, size_t n)
{
    const char *m = vs_errbuf, *colon = strstr(m, ": ");
    size_t np = strlen(prefix);
    if (colon != NULL && strncmp(m, prefix, np) == 0 && memchr(m, ' ', (size_t)(colon - m)) == NULL)
        m = colon + 2;
    snprintf(msg, n, "%s", m);
    return msg;
}

int vs__restate(int st, const char *func, const char *prefix)
{
    size_t nf = strlen(func);
    if (strncmp(vs_errbuf, func, nf) == 0 && strncmp(vs_errbuf + nf, ": ", 2) == 0)
        return st; /* already under func's name */
    char msg[VS_ERRBUF];
    vs__error_cause(prefix, msg, sizeof msg);
    return vs__error(st, "%s: %s", func, msg);
}

int vs__error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* vsnprintf only formats into our buffer: nothing is printed. */
    vsnprintf(vs_errbuf, sizeof vs_errbuf, fmt, ap);
    va_end(ap);
    return code;
}

int vs__check_ptr(const void *p, const char *func, const char *what)
{
    if (p == NULL)
        return vs__error(VS_EINVAL, "%s: %s is NULL", func, what);
    return VS_OK;
}

int vs__check_finite(double x, const char *func, const char *what)
{
    if (!isfinite(x))
        return vs__error(VS_EINVAL, "%s: %s is not finite (%g)", func, what, x);
    return VS_OK;
}

int vs__check_finite_array(const double *a, size_t n, const char *func, const char *what)
{
    if (a == NULL)
        return vs__error(VS_EINVAL, "%s: %s is NULL", func, what);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return vs__error(VS_EINVAL, "%s: %s[%zu] is not finite (%g)", func, what, i, a[i]);
    return VS_OK;
}

int vs__normalize_direction(const double *v, double *k, const char *func, const char *what)
{
    int st = vs__check_finite_array(v, 3, func, what);
    if (st != VS_OK)
        return st;
    /* Scale by the largest |component| first: v/m has components in [-1, 1] with one of modulus 1, so
     * |v/m| ∈ [1, √3] neither overflows (v = 1e200) nor underflows (v = 1e-300, subnormals). */
    double m = fmax(fabs(v[0]), fmax(fabs(v[1]), fabs(v[2])));
    if (!(m > 0.0))
        return vs__error(VS_EINVAL, "%s: %s is the zero vector (a direction must be finite and non-zero)", func,
                         what);
    double s[3] = {v[0] / m, v[1] / m, v[2] / m};
    double n = sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
    if (k != NULL)
        for (int i = 0; i < 3; i++)
            k[i] = s[i] / n;
    return VS_OK;
}

int vs__check_direction(const double *v, const char *func, const char *what)
{
    return vs__normalize_direction(v, NULL, func, what);
}

int vs__size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return vs__error(VS_EOVERFLOW, "size overflow: %zu * %zu", a, b);
    *out = a * b;
    return VS_OK;
}

int vs__size_mul3(size_t a, size_t b, size_t c, size_t *out)
{
    size_t ab = 0;
    int st = vs__size_mul(a, b, &ab);
    if (st != VS_OK)
        return st;
    return vs__size_mul(ab, c, out);
}

void *vs__calloc(size_t count, size_t size, int *status)
{
    size_t total = 0;
    int st = vs__size_mul(count, size, &total);
    if (st != VS_OK) {
        if (status)
            *status = st;
        return NULL;
    }
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) {
        if (status)
            *status = vs__error(VS_ENOMEM, "out of memory allocating %zu bytes", total);
        return NULL;
    }
    if (status)
        *status = VS_OK;
    return p;
}

void vs__free(void *p)
{
    free(p);
}
