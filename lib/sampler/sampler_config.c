/*
 * One slot's configuration as opaque bytes (include/libvoigtspin/sampler.h, "Configurations as
 * bytes"): everything of a vs__config (sampler_state.h) that the chain depends on, plus the
 * round-trip label that travels with it (observe.c), so that a configuration moved into another
 * sampler of the same lattice and options continues bit for bit. The MPI add-on (lib/mpi) swaps
 * configurations between ranks with these functions; they are MPI-free.
 *
 * Layout (8-byte little-endian words, lib/common/bytes.h; doubles as their IEEE-754 bit patterns):
 *   tag "VSCONF01", ncomp, N, fields path (VS_SAMPLER_OPT_FIELDS: 0 delayed, 1 plain, 2 clock),
 *   nchanged, nacc, label,
 *   E, M[ncomp], s[N ncomp], s0[N ncomp], h0[N ncomp], changed[N] (first nchanged used, rest 0).
 * The size depends only on (N, ncomp): 8 (8 + ncomp + 3 N ncomp + N) bytes.
 *
 * Import validates everything before the slot is touched (the rules of vs_sampler_load, with the
 * spin tolerance 1e-9): on any error the sampler is unchanged.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common/bytes.h"
#include "sampler_internal.h"
#include "sampler_state.h"

/* ASCII "VSCONF01" read as a little-endian uint64. */
#define CONFIG_TAG  0x3130464e4f435356ULL
#define CONFIG_HEAD 7 /* words before E */

static size_t config_bytes(const vs_sampler *s)
{
    size_t nv = s->N * (size_t)s->nc;
    return 8 * ((size_t)CONFIG_HEAD + 1 + (size_t)s->nc + 3 * nv + s->N);
}

VS_API int vs_sampler_config_size(const vs_sampler *s, size_t *bytes)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(bytes);
    *bytes = config_bytes(s);
    return VS_OK;
}

static int check_args(const vs_sampler *s, int r, const void *buf, size_t len, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(buf, func, "buf"));
    VS_RETURN_ERROR_IF(r < 0 || r >= s->nrep, VS_EINVAL, "%s: slot r = %d outside [0, %d)", func, r, s->nrep);
    VS_RETURN_ERROR_IF(len < config_bytes(s), VS_EINVAL, "%s: len = %zu bytes, a configuration takes %zu",
                       func, len, config_bytes(s));
    return VS_OK;
}

static unsigned char *put_f64s(unsigned char *p, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p = vs__put_le64f(p, x[i]);
    return p;
}

VS_API int vs_sampler_config_export(const vs_sampler *s, int r, void *buf, size_t len)
{
    VS_FORWARD_IF_ERROR(check_args(s, r, buf, len, __func__));
    const vs__config *c = s->slot[r].c;
    size_t nv = s->N * (size_t)s->nc;
    unsigned char *p = buf;
    p = vs__put_le64(p, CONFIG_TAG);
    p = vs__put_le64(p, (uint64_t)s->nc);
    p = vs__put_le64(p, (uint64_t)s->N);
    p = vs__put_le64(p, (uint64_t)s->opt.fields);
    p = vs__put_le64(p, (uint64_t)c->nchanged);
    p = vs__put_le64(p, (uint64_t)c->nacc);
    p = vs__put_le64(p, (uint64_t)vs__observe_label(s->obs, r));
    p = vs__put_le64f(p, c->E);
    p = put_f64s(p, c->M, (size_t)s->nc);
    p = put_f64s(p, c->s, nv);
    p = put_f64s(p, c->s0, nv);
    p = put_f64s(p, c->h0, nv);
    for (size_t i = 0; i < s->N; i++)
        p = vs__put_le64(p, i < c->nchanged ? (uint64_t)c->changed[i] : 0);
    return VS_OK;
}

/* Word i of the layout (0-based) and the double array that starts at word i. */
static uint64_t word(const unsigned char *b, size_t i)
{
    return vs__le64(b + 8 * i);
}

static double dword(const unsigned char *b, size_t i)
{
    double x;
    vs__get_le64f(b + 8 * i, &x);
    return x;
}

#define BAD_IF(cond, ...) VS_RETURN_ERROR_IF(cond, VS_EINVAL, "vs_sampler_config_import: " __VA_ARGS__)

/* Finite unit spins (|s| = 1 within 1e-9) in the n = N ncomp doubles from word w0. */
static int check_unit(const vs_sampler *s, const unsigned char *b, size_t w0, const char *what)
{
    int nc = s->nc;
    for (size_t m = 0; m < s->N; m++) {
        double n2 = 0.0;
        for (int a = 0; a < nc; a++) {
            double x = dword(b, w0 + m * (size_t)nc + (size_t)a);
            BAD_IF(!isfinite(x), "%s of site %zu is not finite", what, m);
            n2 += x * x;
        }
        BAD_IF(!(fabs(sqrt(n2) - 1.0) <= 1e-9), "%s of site %zu has norm %.17g, not 1 within 1e-9", what, m,
               sqrt(n2));
    }
    return VS_OK;
}

/* The delayed-update state: C a list of distinct sites < N, |C| ≤ nacc < B, and every site outside C
 * unmoved since the refresh (s = s⁰ bit for bit). mark: N bytes of zeros, left dirty. */
static int check_delayed(const vs_sampler *s, const unsigned char *b, uint64_t nch, uint64_t nacc,
                         unsigned char *mark)
{
    size_t nv = s->N * (size_t)s->nc, ws = CONFIG_HEAD + 1 + (size_t)s->nc, wl = ws + 3 * nv;
    if (s->opt.fields != VS_SAMPLER_DELAYED) {
        BAD_IF(nch != 0 || nacc != 0, "delayed-update counters (%llu, %llu) on the plain or clock path",
               (unsigned long long)nch, (unsigned long long)nacc);
        return VS_OK;
    }
    BAD_IF(!(nch <= nacc && nacc < (uint64_t)s->B),
           "%llu changed sites, %llu accepted moves since the refresh (B = %ld)", (unsigned long long)nch,
           (unsigned long long)nacc, s->B);
    for (size_t i = 0; i < nch; i++) {
        uint64_t j = word(b, wl + i);
        BAD_IF(j >= s->N || mark[j], "changed-site entry %zu = %llu is out of range or repeated", i,
               (unsigned long long)j);
        mark[j] = 1;
    }
    for (size_t m = 0; m < s->N; m++)
        BAD_IF(!mark[m] &&
                   memcmp(b + 8 * (ws + m * s->nc), b + 8 * (ws + nv + m * s->nc), 8 * (size_t)s->nc) != 0,
               "site %zu moved but is not in the changed list", m);
    return VS_OK;
}

static int check_config(const vs_sampler *s, const unsigned char *b, unsigned char *mark)
{
    size_t nv = s->N * (size_t)s->nc, ws = CONFIG_HEAD + 1 + (size_t)s->nc;
    BAD_IF(word(b, 0) != CONFIG_TAG, "not a configuration (tag %#llx)", (unsigned long long)word(b, 0));
    BAD_IF(word(b, 1) != (uint64_t)s->nc || word(b, 2) != (uint64_t)s->N,
           "a configuration of %llu sites × %llu components, the sampler has %zu × %d",
           (unsigned long long)word(b, 2), (unsigned long long)word(b, 1), s->N, s->nc);
    BAD_IF(word(b, 3) != (uint64_t)s->opt.fields,
           "the configuration was made on another field path (VS_SAMPLER_OPT_FIELDS %llu, the sampler's %d)",
           (unsigned long long)word(b, 3), s->opt.fields);
    BAD_IF(word(b, 6) > 2, "round-trip label %llu", (unsigned long long)word(b, 6));
    for (size_t i = CONFIG_HEAD; i < ws; i++) {
        double x = dword(b, i);
        BAD_IF(!isfinite(x) || (i > CONFIG_HEAD && !(fabs(x) <= (double)s->N * (1.0 + 1e-6))), "%s = %g",
               i == CONFIG_HEAD ? "E" : "a component of M", x);
    }
    VS_FORWARD_IF_ERROR(check_unit(s, b, ws, "the spin"));
    VS_FORWARD_IF_ERROR(check_unit(s, b, ws + nv, "the refresh spin"));
    for (size_t i = 0; i < nv; i++)
        BAD_IF(!isfinite(dword(b, ws + 2 * nv + i)), "field entry %zu is not finite", i);
    return check_delayed(s, b, word(b, 4), word(b, 5), mark);
}

static void get_f64s(const unsigned char *b, size_t w0, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = dword(b, w0 + i);
}

VS_API int vs_sampler_config_import(vs_sampler *s, int r, const void *buf, size_t len)
{
    VS_FORWARD_IF_ERROR(check_args(s, r, buf, len, __func__));
    const unsigned char *b = buf;
    int st = VS_OK;
    unsigned char *mark = vs__calloc(s->N, 1, &st);
    if (mark == NULL)
        return st;
    st = check_config(s, b, mark);
    vs__free(mark);
    if (st != VS_OK)
        return st;
    vs__config *c = s->slot[r].c;
    size_t nv = s->N * (size_t)s->nc, ws = CONFIG_HEAD + 1 + (size_t)s->nc;
    for (size_t k = 0; k < c->nchanged; k++)
        c->mark[c->changed[k]] = 0;
    c->nchanged = (size_t)word(b, 4);
    c->nacc = (long)word(b, 5);
    for (size_t k = 0; k < c->nchanged; k++) {
        c->changed[k] = (size_t)word(b, ws + 3 * nv + k);
        c->mark[c->changed[k]] = 1;
    }
    vs__observe_set_label(s->obs, r, (int)word(b, 6));
    c->E = dword(b, CONFIG_HEAD);
    get_f64s(b, CONFIG_HEAD + 1, c->M, (size_t)s->nc);
    get_f64s(b, ws, c->s, nv);
    get_f64s(b, ws + nv, c->s0, nv);
    get_f64s(b, ws + 2 * nv, c->h0, nv);
    return VS_OK;
}
