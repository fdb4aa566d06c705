/*
 * Checkpoint and restart of the vs_sampler handle (include/libvoigtspin/sampler.h, docs/sampler.md
 * "Checkpoint and restart"): the complete state of a sampler (sampler_state.h) in the container of
 * checkpoint.c, so that a run restarted from the file continues bit for bit as if never stopped.
 *
 * What is saved: the sweep counter; per slot its temperature, β, Metropolis step, proposal and
 * acceptance counters, generator state and the index of the configuration it holds; per
 * configuration the spins s, the spins s⁰ and fields h⁰ of the last refresh, the ordered list C of
 * sites changed since, the accepted moves since the refresh, M and E (the delayed fields are state:
 * recomputing them by FFT would round differently and change the chain); the exchange generator and
 * the per-pair exchange counters.
 *
 * What is not saved but checked: the fingerprint (CRC-64 of a format id, the lattice geometry, the
 * options that shape the coupling, the real-space coupling table itself, U and D, and the ladder and
 * chain options of the sampler; not the thread count, which does not change the chain). The sampler
 * that loads must have been created with the same lattice, ladder and options.
 *
 * Every value is hashed and stored through its little-endian bytes, so files and fingerprints are the
 * same on hosts of either byte order; the generator states are raw GSL structs, which restore only on
 * hosts of the same byte order and type sizes (checkpoint.c refuses the others).
 *
 * Loading reads and validates everything into temporaries first; only then is the sampler changed,
 * by copies that cannot fail. A failed load leaves the sampler exactly as it was.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "common/bytes.h"
#include "checkpoint.h"
#include "sampler_internal.h"
#include "sampler_state.h"

/* The format id that opens the fingerprint: a file of another layout never matches. */
static const char format_id[] = "libvoigtspin vs_sampler checkpoint, layout 1";

/* Section tags. Per slot and per configuration the index k < 65536 fills the last two bytes. */
#define TAG_SWEEPS           VS__CKPT_TAG('S', 'W', 'P', 'S') /* u64[1] sweeps done */
#define TAG_SLOT_F           VS__CKPT_TAG('S', 'L', 'T', 'F') /* f64[3 nrep] T, β, step */
#define TAG_SLOT_U           VS__CKPT_TAG('S', 'L', 'T', 'U') /* u64[3 nrep] nprop, nacc, configuration */
#define TAG_XRNG             VS__CKPT_TAG('X', 'R', 'N', 'G') /* the exchange generator */
#define TAG_XCNT             VS__CKPT_TAG('X', 'C', 'N', 'T') /* u64[2 nrep] attempts, acceptances per pair */
#define TAG_INDEXED(a, b, k) VS__CKPT_TAG((a), (b), (unsigned)(k)&0xffu, (unsigned)(k) >> 8)
#define TAG_RNG(k)           TAG_INDEXED('R', 'G', k) /* slot k's generator */
#define TAG_SPIN(k)          TAG_INDEXED('C', 'S', k) /* configuration k: f64[N nc] s */
#define TAG_SPIN0(k)         TAG_INDEXED('C', '0', k) /* f64[N nc] s⁰ */
#define TAG_FIELD(k)         TAG_INDEXED('C', 'H', k) /* f64[N nc] h⁰ */
#define TAG_LIST(k)          TAG_INDEXED('C', 'L', k) /* u64[nchanged] C in order */
#define TAG_CNT(k)           TAG_INDEXED('C', 'U', k) /* u64[2] nchanged, nacc */
#define TAG_MOM(k)           TAG_INDEXED('C', 'M', k) /* f64[nc + 1] M, E */
#define TAG_OBSV             VS__CKPT_TAG('O', 'B', 'S', 'V') /* the observables (vs__observe_pack) */

/* ---------------------------------------------------------------- fingerprint */

/* Hash n doubles through their little-endian bit patterns (the same fingerprint on either byte
 * order): directly on a little-endian host, else in blocks converted on the stack (the coupling
 * table, 44 MB at L = 64, is never copied). */
static uint64_t hash_f64(uint64_t crc, const double *a, size_t n)
{
    const uint64_t one = 1;
    if (*(const unsigned char *)&one == 1)
        return vs__ckpt_crc64(crc, a, n * sizeof *a);
    unsigned char buf[8 * 512];
    while (n > 0) {
        size_t m = n < 512 ? n : 512;
        for (size_t i = 0; i < m; i++)
            vs__put_le64f(buf + 8 * i, a[i]);
        crc = vs__ckpt_crc64(crc, buf, 8 * m);
        a += m;
        n -= m;
    }
    return crc;
}

static uint64_t hash_u64(uint64_t crc, uint64_t v)
{
    unsigned char b[8];
    vs__put_le64(b, v);
    return vs__ckpt_crc64(crc, b, 8);
}

/* An optional nc×nc matrix (U or D): a presence flag, then its entries. */
static uint64_t hash_matrix(uint64_t crc, const double *X, int nc)
{
    crc = hash_u64(crc, X != NULL);
    return X ? hash_f64(crc, X, (size_t)nc * (size_t)nc) : crc;
}

/* Everything the coupling depends on, and the coupling table itself. */
static uint64_t hash_lattice(uint64_t crc, const vs_lattice *l)
{
    const vs__geom *g = &l->geo;
    const int ints[] = {g->L[0], g->L[1], g->L[2], g->nb, g->open, l->nc, l->lmax, l->opt.boundary};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        crc = hash_u64(crc, (uint64_t)(int64_t)ints[i]);
    const double reals[] = {l->opt.e0, l->opt.accuracy, l->opt.alpha, l->alpha, l->rcut, l->gcut, l->v0};
    crc = hash_f64(crc, reals, sizeof reals / sizeof *reals);
    crc = hash_f64(crc, g->A, 9);
    crc = hash_f64(crc, g->pos, (size_t)g->nb * 3);
    crc = hash_f64(crc, l->ttab, (size_t)l->npairs * g->ngrid * (size_t)l->npack);
    crc = hash_matrix(crc, l->U, l->nc);
    return hash_matrix(crc, l->D, l->nc);
}

/* The sampler's identity: lattice, ladder and every option that changes the chain (not threads). */
static uint64_t fingerprint(const vs_sampler *s)
{
    uint64_t crc = vs__ckpt_crc64(0, format_id, sizeof format_id - 1);
    crc = hash_lattice(crc, s->lat);
    const struct vs_sampler_options *o = &s->opt;
    const int64_t ints[] = {s->nrep,      s->nc,     (int64_t)s->N, o->move,
                            o->overrelax, o->fields, s->B,          o->adapt_sweeps};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        crc = hash_u64(crc, (uint64_t)ints[i]);
    if (o->fields == VS_SAMPLER_CLOCK) /* only then: the files of the other paths keep their fingerprint */
        crc = hash_u64(crc, (uint64_t)(int64_t)o->clock_near);
    crc = hash_f64(crc, &o->step, 1);
    for (int r = 0; r < s->nrep; r++)
        crc = hash_f64(crc, &s->slot[r].T, 1);
    return crc;
}

/* The container's messages name vs__ckpt_*: the public functions re-record them under their own
 * name (vs__restate), the path and the cause kept. */
#define CKPT_PREFIX "vs__ckpt_"

/* ---------------------------------------------------------------- save */

static void slot_arrays(const vs_sampler *s, double *f, uint64_t *u)
{
    for (int r = 0; r < s->nrep; r++) {
        const vs__slot *sl = &s->slot[r];
        f[3 * r] = sl->T;
        f[3 * r + 1] = sl->beta;
        f[3 * r + 2] = sl->step;
        u[3 * r] = sl->nprop;
        u[3 * r + 1] = sl->nacc;
        u[3 * r + 2] = (uint64_t)(sl->c - s->cfg);
    }
}

static int put_config(vs__ckpt_writer *w, const vs_sampler *s, int k)
{
    const vs__config *c = &s->cfg[k];
    size_t nv = s->N * (size_t)s->nc;
    double mom[VS__LAT_MAXNC + 1];
    memcpy(mom, c->M, (size_t)s->nc * sizeof *mom);
    mom[s->nc] = c->E;
    uint64_t cnt[2] = {c->nchanged, (uint64_t)c->nacc};
    int st = VS_OK;
    uint64_t *list = vs__calloc(c->nchanged ? c->nchanged : 1, sizeof *list, &st);
    if (list == NULL)
        return st;
    for (size_t i = 0; i < c->nchanged; i++)
        list[i] = c->changed[i];
    VS_GOTO_IF_ERROR(st, vs__ckpt_put_f64(w, TAG_SPIN(k), c->s, nv), out);
    VS_GOTO_IF_ERROR(st, vs__ckpt_put_f64(w, TAG_SPIN0(k), c->s0, nv), out);
    VS_GOTO_IF_ERROR(st, vs__ckpt_put_f64(w, TAG_FIELD(k), c->h0, nv), out);
    VS_GOTO_IF_ERROR(st, vs__ckpt_put_u64(w, TAG_CNT(k), cnt, 2), out);
    VS_GOTO_IF_ERROR(st, vs__ckpt_put_u64(w, TAG_LIST(k), list, c->nchanged), out);
    st = vs__ckpt_put_f64(w, TAG_MOM(k), mom, (size_t)s->nc + 1);
out:
    vs__free(list);
    return st;
}

/* The observables' accumulators, round-trip labels and counts (observe.c packs them). */
static int put_observables(vs__ckpt_writer *w, const vs_sampler *s)
{
    int st = VS_OK;
    size_t n = vs__observe_size(s);
    unsigned char *buf = vs__calloc(n, 1, &st);
    if (st == VS_OK)
        st = vs__observe_pack(s, buf);
    if (st == VS_OK)
        st = vs__ckpt_put(w, TAG_OBSV, buf, n);
    vs__free(buf);
    return st;
}

/* Every section of s, in one pass over the writer. */
static int put_state(vs__ckpt_writer *w, const vs_sampler *s, double *f, uint64_t *u)
{
    const uint64_t sweeps = (uint64_t)s->sweeps;
    VS_FORWARD_IF_ERROR(vs__ckpt_put_u64(w, TAG_SWEEPS, &sweeps, 1));
    slot_arrays(s, f, u);
    VS_FORWARD_IF_ERROR(vs__ckpt_put_f64(w, TAG_SLOT_F, f, 3 * (size_t)s->nrep));
    VS_FORWARD_IF_ERROR(vs__ckpt_put_u64(w, TAG_SLOT_U, u, 3 * (size_t)s->nrep));
    for (int r = 0; r < s->nrep; r++)
        VS_FORWARD_IF_ERROR(vs__ckpt_put_rng(w, TAG_RNG(r), s->slot[r].rng));
    for (int k = 0; k < s->nrep; k++)
        VS_FORWARD_IF_ERROR(put_config(w, s, k));
    VS_FORWARD_IF_ERROR(vs__ckpt_put_rng(w, TAG_XRNG, s->xrng));
    for (int r = 0; r < s->nrep; r++) {
        u[2 * r] = s->xatt[r];
        u[2 * r + 1] = s->xacc[r];
    }
    VS_FORWARD_IF_ERROR(vs__ckpt_put_u64(w, TAG_XCNT, u, 2 * (size_t)s->nrep));
    return put_observables(w, s);
}

VS_API int vs_sampler_save(const vs_sampler *s, const char *path)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(path);
    VS_RETURN_ERROR_IF(path[0] == '\0', VS_EINVAL, "%s: path is empty", __func__);
    int st = VS_OK;
    double *f = vs__calloc((size_t)s->nrep, 3 * sizeof *f, &st);
    uint64_t *u = vs__calloc((size_t)s->nrep, 3 * sizeof *u, &st);
    vs__ckpt_writer *w = NULL;
    if (st != VS_OK)
        goto out;
    if ((st = vs__ckpt_writer_open(path, fingerprint(s), &w)) != VS_OK) {
        st = vs__restate(st, __func__, CKPT_PREFIX);
        goto out;
    }
    st = put_state(w, s, f, u);
    if (st != VS_OK) {
        vs__ckpt_abort(w);
        st = vs__restate(st, __func__, CKPT_PREFIX);
    } else if ((st = vs__ckpt_commit(w)) != VS_OK)
        st = vs__restate(st, __func__, CKPT_PREFIX);
out:
    vs__free(f);
    vs__free(u);
    return st;
}

/* ---------------------------------------------------------------- load */

/* Everything a checkpoint holds, read and validated before the sampler is touched. */
typedef struct loaded {
    uint64_t sweeps;
    double *slot_f;      /* 3 nrep: T, β, step */
    uint64_t *slot_u;    /* 3 nrep: nprop, nacc, configuration */
    uint64_t *xcnt;      /* 2 nrep: attempts, acceptances */
    gsl_rng **rng;       /* nrep slot generators, then the exchange generator */
    double *s, *s0, *h0; /* nrep·N·nc each, configuration k at k·N·nc */
    size_t *list;        /* nrep·N: configuration k's C at k·N */
    uint64_t *cnt;       /* 2 nrep: nchanged, nacc */
    double *mom;         /* nrep (nc + 1): M, E */
    unsigned char *mark; /* N scratch */
    const void *obs;     /* the observables section, borrowed from the file (vs__observe_pack) */
    size_t obs_len;
} loaded;

static void loaded_free(loaded *t, int nrep)
{
    for (int r = 0; t->rng && r <= nrep; r++)
        if (t->rng[r])
            gsl_rng_free(t->rng[r]);
    vs__free(t->rng);
    vs__free(t->slot_f);
    vs__free(t->slot_u);
    vs__free(t->xcnt);
    vs__free(t->s);
    vs__free(t->s0);
    vs__free(t->h0);
    vs__free(t->list);
    vs__free(t->cnt);
    vs__free(t->mom);
    vs__free(t->mark);
}

static int loaded_alloc(loaded *t, const vs_sampler *s)
{
    int st = VS_OK;
    size_t R = (size_t)s->nrep, nv = s->N * (size_t)s->nc;
    t->slot_f = vs__calloc(R, 3 * sizeof(double), &st);
    t->slot_u = vs__calloc(R, 3 * sizeof(uint64_t), &st);
    t->xcnt = vs__calloc(R, 2 * sizeof(uint64_t), &st);
    t->rng = vs__calloc(R + 1, sizeof *t->rng, &st);
    t->s = vs__calloc(R * nv, sizeof(double), &st);
    t->s0 = vs__calloc(R * nv, sizeof(double), &st);
    t->h0 = vs__calloc(R * nv, sizeof(double), &st);
    t->list = vs__calloc(R * s->N, sizeof(size_t), &st);
    t->cnt = vs__calloc(R, 2 * sizeof(uint64_t), &st);
    t->mom = vs__calloc(R, ((size_t)s->nc + 1) * sizeof(double), &st);
    t->mark = vs__calloc(s->N, 1, &st);
    for (int r = 0; st == VS_OK && r <= s->nrep; r++) {
        t->rng[r] = gsl_rng_alloc((r < s->nrep ? s->slot[r].rng : s->xrng)->type);
        if (t->rng[r] == NULL)
            st = vs__error(VS_ENOMEM, "vs_sampler_load: out of memory (generators)");
    }
    return st;
}

/* A semantic check of the file's contents failed: the file is damaged or was not written by this
 * library (the container's CRCs passed). */
#define BAD_IF(cond, path, fmt, ...)                                                                         \
    VS_RETURN_ERROR_IF(cond, VS_EIO, "vs_sampler_load: checkpoint %s is inconsistent: " fmt, (path),         \
                       __VA_ARGS__)

/* Attempts of pair (r, r+1) after `sweeps` sweeps: rounds alternate even pairs (even sweep index)
 * and odd pairs (odd index), so pair r was tried on the sweep indices k < sweeps with k ≡ r mod 2. */
static uint64_t pair_attempts(uint64_t sweeps, int r)
{
    return r % 2 == 0 ? (sweeps + 1) / 2 : sweeps / 2;
}

static int check_slots(const vs_sampler *s, const loaded *t, const char *path)
{
    uint64_t nprop = t->sweeps * (uint64_t)s->N;
    BAD_IF(t->sweeps > (uint64_t)LONG_MAX || nprop / (uint64_t)s->N != t->sweeps, path,
           "%llu sweeps overflow the counters", (unsigned long long)t->sweeps);
    for (int r = 0; r < s->nrep; r++) {
        const double *f = t->slot_f + 3 * r;
        const uint64_t *u = t->slot_u + 3 * r;
        BAD_IF(memcmp(&f[0], &s->slot[r].T, sizeof(double)) != 0 ||
                   memcmp(&f[1], &s->slot[r].beta, sizeof(double)) != 0,
               path, "slot %d holds T = %.17g, β = %.17g (the sampler's: %.17g, %.17g)", r, f[0], f[1],
               s->slot[r].T, s->slot[r].beta);
        int fixed = s->opt.step > 0.0;
        BAD_IF(fixed ? f[2] != s->opt.step : !(f[2] >= 1e-4 && f[2] <= 1e4), path,
               "slot %d has the Metropolis step %.17g", r, f[2]);
        BAD_IF(u[0] != nprop || u[1] > u[0], path,
               "slot %d counts %llu accepted of %llu proposed moves after %llu sweeps of %zu sites", r,
               (unsigned long long)u[1], (unsigned long long)u[0], (unsigned long long)t->sweeps, s->N);
        BAD_IF(u[2] >= (uint64_t)s->nrep, path, "slot %d holds configuration %llu of %d", r,
               (unsigned long long)u[2], s->nrep);
    }
    /* a permutation slot → configuration: no configuration twice (nrep may exceed N, so sort-free) */
    for (int r = 0; r < s->nrep; r++)
        for (int q = 0; q < r; q++)
            BAD_IF(t->slot_u[3 * r + 2] == t->slot_u[3 * q + 2], path,
                   "slots %d and %d hold the same configuration", q, r);
    for (int r = 0; r < s->nrep; r++) {
        uint64_t att = r + 1 < s->nrep ? pair_attempts(t->sweeps, r) : 0;
        BAD_IF(t->xcnt[2 * r] != att || t->xcnt[2 * r + 1] > att, path,
               "pair %d counts %llu of %llu exchanges accepted (expected %llu attempts)", r,
               (unsigned long long)t->xcnt[2 * r + 1], (unsigned long long)t->xcnt[2 * r],
               (unsigned long long)att);
    }
    return VS_OK;
}

/* Unit spins: finite, |s| = 1 within 1e-10 (vs_sampler_set_spins' rule). */
static int check_spins(const vs_sampler *s, const double *x, const char *what, int k, const char *path)
{
    int nc = s->nc;
    for (size_t m = 0; m < s->N; m++) {
        double n2 = 0.0;
        for (int a = 0; a < nc; a++)
            n2 += x[m * nc + a] * x[m * nc + a];
        BAD_IF(!(fabs(sqrt(n2) - 1.0) <= 1e-10), path, "configuration %d: %s of site %zu has norm %.17g", k,
               what, m, sqrt(n2));
    }
    return VS_OK;
}

static int check_config(const vs_sampler *s, const loaded *t, int k, const char *path)
{
    size_t nv = s->N * (size_t)s->nc, nch = (size_t)t->cnt[2 * k];
    const double *x = t->s + k * nv, *x0 = t->s0 + k * nv, *h = t->h0 + k * nv,
                 *mom = t->mom + k * (s->nc + 1);
    const size_t *list = t->list + k * s->N;
    uint64_t nacc = t->cnt[2 * k + 1];
    VS_FORWARD_IF_ERROR(check_spins(s, x, "the spin", k, path));
    VS_FORWARD_IF_ERROR(check_spins(s, x0, "the refresh spin", k, path));
    for (size_t i = 0; i < nv; i++)
        BAD_IF(!isfinite(h[i]), path, "configuration %d: field entry %zu is %g", k, i, h[i]);
    for (int a = 0; a <= s->nc; a++)
        BAD_IF(!isfinite(mom[a]) || (a < s->nc && !(fabs(mom[a]) <= (double)s->N * (1.0 + 1e-6))), path,
               "configuration %d: %s = %g", k, a < s->nc ? "a component of M" : "E", mom[a]);
    if (s->opt.fields != VS_SAMPLER_DELAYED) {
        BAD_IF(nch != 0 || nacc != 0, path,
               "configuration %d has delayed-update counters on the plain or clock path", k);
        return VS_OK;
    }
    BAD_IF(!(nch <= nacc && nacc < (uint64_t)s->B), path,
           "configuration %d: %zu changed sites, %llu accepted moves since the refresh (B = %ld)", k, nch,
           (unsigned long long)nacc, s->B);
    unsigned char *mark = t->mark;
    memset(mark, 0, s->N);
    for (size_t i = 0; i < nch; i++) {
        BAD_IF(list[i] >= s->N || mark[list[i]], path, "configuration %d: changed-site entry %zu = %zu", k, i,
               list[i]);
        mark[list[i]] = 1;
    }
    /* a site outside C has not moved since the refresh: s = s⁰ bit for bit */
    for (size_t m = 0; m < s->N; m++)
        BAD_IF(!mark[m] && memcmp(x + m * s->nc, x0 + m * s->nc, (size_t)s->nc * sizeof *x) != 0, path,
               "configuration %d: site %zu moved but is not in the changed list", k, m);
    return VS_OK;
}

static int get_config(const vs__ckpt *c, const vs_sampler *s, loaded *t, int k)
{
    size_t nv = s->N * (size_t)s->nc;
    VS_FORWARD_IF_ERROR(vs__ckpt_get_f64(c, TAG_SPIN(k), t->s + k * nv, nv));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_f64(c, TAG_SPIN0(k), t->s0 + k * nv, nv));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_f64(c, TAG_FIELD(k), t->h0 + k * nv, nv));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_u64(c, TAG_CNT(k), t->cnt + 2 * k, 2));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_f64(c, TAG_MOM(k), t->mom + k * (s->nc + 1), (size_t)s->nc + 1));
    uint64_t nch = t->cnt[2 * k];
    VS_RETURN_ERROR_IF(nch > s->N, VS_EIO,
                       "vs_sampler_load: configuration %d lists %llu changed sites of %zu", k,
                       (unsigned long long)nch, s->N);
    const void *raw;
    size_t len;
    VS_FORWARD_IF_ERROR(vs__ckpt_get(c, TAG_LIST(k), &raw, &len));
    VS_RETURN_ERROR_IF(len != 8 * nch, VS_EIO,
                       "vs_sampler_load: configuration %d: the changed list has %zu bytes, "
                       "expected %llu",
                       k, len, (unsigned long long)(8 * nch));
    const unsigned char *p = raw;
    for (size_t i = 0; i < nch; i++) {
        uint64_t v = 0;
        for (int b = 7; b >= 0; b--)
            v = v << 8 | p[8 * i + (size_t)b];
        t->list[k * s->N + i] = v < s->N ? (size_t)v : s->N; /* s->N: flagged by check_config */
    }
    return VS_OK;
}

/* Read every section into t (the container's getters check presence and lengths). */
static int get_state(const vs__ckpt *c, const vs_sampler *s, loaded *t)
{
    VS_FORWARD_IF_ERROR(vs__ckpt_get_u64(c, TAG_SWEEPS, &t->sweeps, 1));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_f64(c, TAG_SLOT_F, t->slot_f, 3 * (size_t)s->nrep));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_u64(c, TAG_SLOT_U, t->slot_u, 3 * (size_t)s->nrep));
    for (int r = 0; r < s->nrep; r++)
        VS_FORWARD_IF_ERROR(vs__ckpt_get_rng(c, TAG_RNG(r), t->rng[r]));
    for (int k = 0; k < s->nrep; k++)
        VS_FORWARD_IF_ERROR(get_config(c, s, t, k));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_rng(c, TAG_XRNG, t->rng[s->nrep]));
    VS_FORWARD_IF_ERROR(vs__ckpt_get_u64(c, TAG_XCNT, t->xcnt, 2 * (size_t)s->nrep));
    /* the observables section is unpacked straight into s by restore_observables() (atomic, last) */
    VS_FORWARD_IF_ERROR(vs__ckpt_get(c, TAG_OBSV, &t->obs, &t->obs_len));
    return VS_OK;
}

static int check_state(const vs_sampler *s, const loaded *t, const char *path)
{
    VS_FORWARD_IF_ERROR(check_slots(s, t, path));
    for (int k = 0; k < s->nrep; k++)
        VS_FORWARD_IF_ERROR(check_config(s, t, k, path));
    return VS_OK;
}

/* Unpack the observables section (found by get_state) into s. vs__observe_unpack validates
 * everything and leaves s unchanged on error. */
static int restore_observables(const loaded *t, vs_sampler *s, const char *path)
{
    int st = vs__observe_unpack(s, t->obs, t->obs_len);
    if (st == VS_EINVAL) {
        char msg[1024];
        return vs__error(VS_EIO, "vs_sampler_load: checkpoint %s is inconsistent (observables: %s)", path,
                         vs__error_cause(CKPT_PREFIX, msg, sizeof msg));
    }
    return st;
}

/* Copy the validated state into s. Nothing here can fail. */
static void commit(vs_sampler *s, const loaded *t)
{
    size_t nv = s->N * (size_t)s->nc;
    s->sweeps = (long)t->sweeps;
    for (int r = 0; r < s->nrep; r++) {
        vs__slot *sl = &s->slot[r];
        sl->step = t->slot_f[3 * r + 2];
        sl->nprop = t->slot_u[3 * r];
        sl->nacc = t->slot_u[3 * r + 1];
        sl->c = &s->cfg[t->slot_u[3 * r + 2]];
        gsl_rng_memcpy(sl->rng, t->rng[r]);
        s->xatt[r] = t->xcnt[2 * r];
        s->xacc[r] = t->xcnt[2 * r + 1];
    }
    gsl_rng_memcpy(s->xrng, t->rng[s->nrep]);
    for (int k = 0; k < s->nrep; k++) {
        vs__config *c = &s->cfg[k];
        memcpy(c->s, t->s + k * nv, nv * sizeof *c->s);
        memcpy(c->s0, t->s0 + k * nv, nv * sizeof *c->s0);
        memcpy(c->h0, t->h0 + k * nv, nv * sizeof *c->h0);
        for (size_t i = 0; i < c->nchanged; i++)
            c->mark[c->changed[i]] = 0;
        c->nchanged = (size_t)t->cnt[2 * k];
        c->nacc = (long)t->cnt[2 * k + 1];
        for (size_t i = 0; i < c->nchanged; i++) {
            c->changed[i] = t->list[k * s->N + i];
            c->mark[c->changed[i]] = 1;
        }
        memcpy(c->M, t->mom + k * (s->nc + 1), (size_t)s->nc * sizeof *c->M);
        c->E = t->mom[k * (s->nc + 1) + s->nc];
    }
}

VS_API int vs_sampler_load(vs_sampler *s, const char *path)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(path);
    VS_RETURN_ERROR_IF(path[0] == '\0', VS_EINVAL, "%s: path is empty", __func__);
    uint64_t fp = fingerprint(s);
    vs__ckpt *c = NULL;
    int st = vs__ckpt_read(path, fp, &c);
    if (st != VS_OK) {
        if (st == VS_EINVAL && strstr(vs_last_error(), "was made for another") != NULL)
            return vs__error(st,
                             "%s: checkpoint %s was made for another lattice/ladder/options (its fingerprint "
                             "differs from this sampler's 0x%016llx: create the sampler with the lattice, "
                             "temperatures and options of the run that wrote it)",
                             __func__, path, (unsigned long long)fp);
        return vs__restate(st, __func__, CKPT_PREFIX);
    }
    loaded t = {0};
    VS_GOTO_IF_ERROR(st, loaded_alloc(&t, s), out);
    if ((st = get_state(c, s, &t)) != VS_OK) {
        /* a section missing or of the wrong length in a file that passed the CRCs: not ours; or a
         * generator state of another host layout (VS_EUNSUPPORTED) */
        st = st == VS_EINVAL ? VS_EIO : st;
        char msg[1024];
        st = vs__error(st, "%s: checkpoint %s %s (%s)", __func__, path,
                       st == VS_EUNSUPPORTED ? "cannot be restored on this host" : "is malformed",
                       vs__error_cause(CKPT_PREFIX, msg, sizeof msg));
        goto out;
    }
    VS_GOTO_IF_ERROR(st, check_state(s, &t, path), out);
    /* the last step that can fail: vs__observe_unpack leaves s unchanged on error; commit() cannot fail */
    VS_GOTO_IF_ERROR(st, restore_observables(&t, s, path), out);
    commit(s, &t);
out:
    loaded_free(&t, s->nrep);
    vs__ckpt_free(c);
    return st;
}

VS_API int vs_sampler_sweeps(const vs_sampler *s, long long *n)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(n);
    *n = s->sweeps;
    return VS_OK;
}
