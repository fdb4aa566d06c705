/*
 * Checkpoints of a vs_mpi_sampler (include/mpi/libvoigtspin/mpi.h, vs_mpi_sampler_save/load;
 * docs/mpi.md, "Checkpoints"). One core checkpoint per replica plus a manifest written last:
 *
 *   <path>.g<g>.r<r>   replica r of generation g: vs_sampler_save() of its one-replica sampler (its
 *                      generator, configuration with the delayed-update state, counters, observables;
 *                      atomic, CRC-64 checked, fingerprinted by lattice, temperature and options)
 *   <path>             the manifest (text, written by rank 0 atomically after every replica file has
 *                      landed): the generation g, nrep, seed, sweeps, the ladder (bit patterns), the
 *                      round-trip count and labels, the exchange counters, the exchange generator's
 *                      raw state, then "crc64 <hex>" over all the bytes before it.
 *
 * Generation g = the generation of the manifest already at <path> + 1 (1 if none): the new replica
 * files never overwrite the ones the current manifest points to, so a crash anywhere leaves the
 * previous checkpoint whole; the previous generation's files are removed after the new manifest has
 * landed. A checkpoint does not depend on the rank count: load reads the manifest on rank 0,
 * broadcasts it, and every rank loads the replicas it holds now.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpi_internal.h"

#define MAGIC        "libvoigtspin_mpi manifest 1"
#define MAX_MANIFEST (64u << 20)

/* CRC-64/XZ (ECMA-182 polynomial, reflected), bitwise: the manifest is small. */
static uint64_t crc64(const unsigned char *p, size_t n)
{
    uint64_t c = ~0ULL;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xC96C5795D7870F42ULL & (0 - (c & 1)));
    }
    return ~c;
}

/* ---------------------------------------------------------------- a growing text buffer */

typedef struct text {
    char *p;
    size_t n, cap;
    int oom;
} text;

static void add(text *t, const char *fmt, ...) VS__MPI_PRINTF(2, 3);

static void add(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = t->oom ? 0 : vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (t->oom || k < 0)
            return;
        if (t->p && t->n + (size_t)k < t->cap) {
            t->n += (size_t)k;
            return;
        }
        size_t cap = 2 * (t->cap + (size_t)k + 64);
        char *q = realloc(t->p, cap);
        if (q == NULL) {
            t->oom = 1;
            return;
        }
        t->p = q;
        t->cap = cap;
    }
}

static uint64_t dbits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* The manifest of s for generation gen. */
static void manifest_text(const vs_mpi_sampler *s, unsigned long long gen, text *t)
{
    add(t, "%s\ngeneration %llu\nnrep %d\nseed %lu\nsweeps %lld\nT", MAGIC, gen, s->R, s->seed, s->sweeps);
    for (int r = 0; r < s->R; r++)
        add(t, " %016" PRIx64, dbits(s->T[r]));
    add(t, "\ntrips %lld\nlabels", s->trips);
    for (int r = 0; r < s->R; r++)
        add(t, " %d", s->label[r]);
    add(t, "\nxatt");
    for (int r = 0; r < s->R; r++)
        add(t, " %llu", s->xatt[r]);
    add(t, "\nxacc");
    for (int r = 0; r < s->R; r++)
        add(t, " %llu", s->xacc[r]);
    size_t n = gsl_rng_size(s->xrng);
    const unsigned char *st = gsl_rng_state(s->xrng);
    add(t, "\nxrng %s %zu ", gsl_rng_name(s->xrng), n);
    for (size_t i = 0; i < n; i++)
        add(t, "%02x", st[i]);
    add(t, "\n");
    if (!t->oom)
        add(t, "crc64 %016" PRIx64 "\n", crc64((const unsigned char *)t->p, t->n));
}

/* ---------------------------------------------------------------- files */

static void replica_path(char *out, size_t len, const char *path, unsigned long long gen, int r)
{
    snprintf(out, len, "%s.g%llu.r%d", path, gen, r);
}

/* path's directory, fsync'ed so that a rename in it is durable. */
static void sync_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Write n bytes to path atomically: temporary file beside it, fsync, rename, directory fsync. */
static int write_atomic(const char *path, const char *p, size_t n, const char *func)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return vs__mpi_error(VS_EIO, "%s: cannot create %s: %s", func, tmp, strerror(errno));
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd, p + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    int err = done < n ? errno : 0;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        return vs__mpi_error(VS_EIO, "%s: cannot write %s: %s", func, path, strerror(err ? err : EIO));
    }
    sync_dir(path);
    return VS_OK;
}

/* The whole file at path (at most MAX_MANIFEST bytes) into a NUL-terminated buffer. */
static int read_file(const char *path, char **out, size_t *len, const char *func)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return vs__mpi_error(VS_EIO, "%s: cannot open the manifest %s: %s", func, path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap + 1);
    int st = p ? VS_OK : vs__mpi_error(VS_ENOMEM, "%s: out of memory", func);
    while (st == VS_OK) {
        size_t k = fread(p + n, 1, cap - n, f);
        n += k;
        if (n < cap)
            break;
        if (cap >= MAX_MANIFEST) {
            st = vs__mpi_error(VS_EIO, "%s: %s is larger than %u bytes: not a manifest", func, path,
                               MAX_MANIFEST);
            break;
        }
        char *q = realloc(p, 2 * cap + 1);
        if (q == NULL)
            st = vs__mpi_error(VS_ENOMEM, "%s: out of memory", func);
        else {
            p = q;
            cap *= 2;
        }
    }
    if (st == VS_OK && ferror(f))
        st = vs__mpi_error(VS_EIO, "%s: cannot read %s", func, path);
    fclose(f);
    if (st != VS_OK) {
        free(p);
        return st;
    }
    p[n] = '\0';
    *out = p;
    *len = n;
    return VS_OK;
}

/* ---------------------------------------------------------------- parsing */

/* What a manifest holds, parsed and checked against s (nothing of s changed). */
typedef struct manifest {
    unsigned long long gen;
    int R;
    long long sweeps, trips;
    int *label;
    unsigned long long *xatt, *xacc;
    unsigned char *xstate;
    size_t xsize;
} manifest;

static void manifest_free(manifest *m)
{
    free(m->label);
    free(m->xatt);
    free(m->xacc);
    free(m->xstate);
}

#define BAD(...) vs__mpi_error(VS_EIO, __VA_ARGS__)

/* Next whitespace-separated token of *p (in place). */
static char *token(char **p)
{
    char *s = *p + strspn(*p, " \n");
    if (*s == '\0')
        return NULL;
    char *e = s + strcspn(s, " \n");
    if (*e)
        *e++ = '\0';
    *p = e;
    return s;
}

static int key(char **p, const char *name)
{
    const char *t = token(p);
    return t != NULL && strcmp(t, name) == 0;
}

static int ull(char **p, int base, unsigned long long *v)
{
    const char *t = token(p);
    char *end;
    if (t == NULL || *t == '-')
        return 0;
    errno = 0;
    *v = strtoull(t, &end, base);
    return errno == 0 && *end == '\0' && end != t;
}

static int hexbytes(const char *t, unsigned char *out, size_t n)
{
    if (strlen(t) != 2 * n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(t + 2 * i, "%2x", &v) != 1)
            return 0;
        out[i] = (unsigned char)v;
    }
    return 1;
}

/* Framing: the magic first, the CRC line last and right. */
static int check_frame(char *p, size_t n, const char *path, const char *func)
{
    size_t magic = strlen(MAGIC);
    if (n < magic + 1 || memcmp(p, MAGIC, magic) != 0 || p[magic] != '\n')
        return BAD("%s: %s is not a libvoigtspin_mpi manifest (or of a newer format)", func, path);
    char *c = NULL;
    for (char *q = p; (q = strstr(q, "\ncrc64 ")) != NULL; q++)
        c = q + 1;
    unsigned long long want;
    char *after = c ? c + 6 : NULL;
    if (c == NULL || !ull(&after, 16, &want) || after[strspn(after, " \n")] != '\0')
        return BAD("%s: manifest %s has no checksum line (truncated?)", func, path);
    if (crc64((const unsigned char *)p, (size_t)(c - p)) != want)
        return BAD("%s: manifest %s is damaged (CRC-64 mismatch)", func, path);
    *c = '\0';
    return VS_OK;
}

/* Attempts of pair (r, r+1) after `sweeps` rounds: even pairs on even sweep indices (sampler.h). */
static unsigned long long pair_attempts(long long sweeps, int r)
{
    return r % 2 == 0 ? (unsigned long long)(sweeps + 1) / 2 : (unsigned long long)sweeps / 2;
}

static int parse_body(char *p, const vs_mpi_sampler *s, manifest *m, const char *path, const char *func)
{
    unsigned long long v;
    char *q = p + strlen(MAGIC);
    if (!key(&q, "generation") || !ull(&q, 10, &m->gen) || m->gen == 0 || !key(&q, "nrep") ||
        !ull(&q, 10, &v))
        return BAD("%s: manifest %s: bad generation/nrep line", func, path);
    if (v != (unsigned long long)s->R)
        return vs__mpi_error(VS_EINVAL, "%s: manifest %s was made for %llu replicas, the sampler has %d",
                             func, path, v, s->R);
    m->R = s->R;
    if (!key(&q, "seed") || !ull(&q, 10, &v) || !key(&q, "sweeps") || !ull(&q, 10, &v) ||
        v > (unsigned long long)LLONG_MAX / 2)
        return BAD("%s: manifest %s: bad seed/sweeps line", func, path);
    m->sweeps = (long long)v;
    if (!key(&q, "T"))
        return BAD("%s: manifest %s: no ladder", func, path);
    for (int r = 0; r < s->R; r++) {
        if (!ull(&q, 16, &v))
            return BAD("%s: manifest %s: bad ladder", func, path);
        if (v != dbits(s->T[r]))
            return vs__mpi_error(VS_EINVAL, "%s: manifest %s was made for another ladder (T[%d])", func, path,
                                 r);
    }
    if (!key(&q, "trips") || !ull(&q, 10, &v) || v > (unsigned long long)m->sweeps || !key(&q, "labels"))
        return BAD("%s: manifest %s: bad round trips", func, path);
    m->trips = (long long)v;
    m->label = calloc((size_t)s->R, sizeof *m->label);
    m->xatt = calloc((size_t)s->R, sizeof *m->xatt);
    m->xacc = calloc((size_t)s->R, sizeof *m->xacc);
    if (!m->label || !m->xatt || !m->xacc)
        return vs__mpi_error(VS_ENOMEM, "%s: out of memory", func);
    for (int r = 0; r < s->R; r++) {
        if (!ull(&q, 10, &v) || v > 2)
            return BAD("%s: manifest %s: bad label of replica %d", func, path, r);
        m->label[r] = (int)v;
    }
    if (!key(&q, "xatt"))
        return BAD("%s: manifest %s: no exchange counters", func, path);
    for (int r = 0; r < s->R; r++)
        if (!ull(&q, 10, &m->xatt[r]) ||
            m->xatt[r] != (r + 1 < s->R && s->R > 1 ? pair_attempts(m->sweeps, r) : 0))
            return BAD("%s: manifest %s: exchange attempts of pair %d inconsistent with %lld sweeps", func,
                       path, r, m->sweeps);
    if (!key(&q, "xacc"))
        return BAD("%s: manifest %s: no exchange counters", func, path);
    for (int r = 0; r < s->R; r++)
        if (!ull(&q, 10, &m->xacc[r]) || m->xacc[r] > m->xatt[r])
            return BAD("%s: manifest %s: bad exchange acceptances of pair %d", func, path, r);
    const char *name;
    if (!key(&q, "xrng") || (name = token(&q)) == NULL || strcmp(name, gsl_rng_name(s->xrng)) != 0 ||
        !ull(&q, 10, &v) || v != gsl_rng_size(s->xrng))
        return vs__mpi_error(VS_EUNSUPPORTED,
                             "%s: manifest %s: the exchange generator is not %s of %zu bytes (another "
                             "GSL or host?)",
                             func, path, gsl_rng_name(s->xrng), gsl_rng_size(s->xrng));
    m->xsize = (size_t)v;
    m->xstate = malloc(m->xsize);
    const char *hex = token(&q);
    if (m->xstate == NULL)
        return vs__mpi_error(VS_ENOMEM, "%s: out of memory", func);
    if (hex == NULL || !hexbytes(hex, m->xstate, m->xsize) || token(&q) != NULL)
        return BAD("%s: manifest %s: bad exchange generator state", func, path);
    return VS_OK;
}

/* ---------------------------------------------------------------- save */

static int check_path(const vs_mpi_sampler *s, const char *path, const char *func)
{
    VS__MPI_RETURN_IF(s == NULL || path == NULL, VS_EINVAL, "%s: %s is NULL", func, s == NULL ? "s" : "path");
    VS__MPI_RETURN_IF(path[0] == '\0', VS_EINVAL, "%s: path is empty", func);
    VS__MPI_RETURN_IF(strlen(path) > 4000, VS_EINVAL, "%s: path is longer than 4000 bytes", func);
    return VS_OK;
}

/* Rank 0: the generation and nrep of the manifest now at path (0, 0 if none or unreadable). */
static void current_generation(const vs_mpi_sampler *s, const char *path, unsigned long long g[2])
{
    char *p;
    size_t n;
    g[0] = g[1] = 0;
    if (s->rank != 0 || access(path, F_OK) != 0 || read_file(path, &p, &n, "") != VS_OK)
        return;
    char *q = p + (strncmp(p, MAGIC, strlen(MAGIC)) == 0 ? strlen(MAGIC) : 0);
    if (q != p && key(&q, "generation") && ull(&q, 10, &g[0]) && key(&q, "nrep") && ull(&q, 10, &g[1]) &&
        g[1] <= 65536)
        ;
    else
        g[0] = g[1] = 0;
    free(p);
}

static void remove_generation(const vs_mpi_sampler *s, const char *path, unsigned long long gen, int first,
                              int count)
{
    char f[4200];
    for (int r = first; gen > 0 && r < first + count; r++) {
        replica_path(f, sizeof f, path, gen, r);
        unlink(f);
    }
    (void)s;
}

VS_MPI_API int vs_mpi_sampler_save(const vs_mpi_sampler *s, const char *path)
{
    VS__MPI_FORWARD(check_path(s, path, __func__));
    unsigned long long g[2];
    current_generation(s, path, g);
    int rc = MPI_Bcast(g, 2, MPI_UNSIGNED_LONG_LONG, 0, s->comm);
    if (rc != MPI_SUCCESS)
        return vs__mpi_agree(s->comm, vs__mpi_call_error(rc, __func__, "MPI_Bcast"));
    unsigned long long gen = g[0] + 1;
    char f[4200];
    int st = VS_OK;
    for (int i = 0; i < s->count && st == VS_OK; i++) {
        replica_path(f, sizeof f, path, gen, s->first + i);
        int cs = vs_sampler_save(s->rep[i], f);
        if (cs != VS_OK)
            st = vs__mpi_core_error(cs, __func__);
    }
    st = vs__mpi_agree(s->comm, st);
    if (st == VS_OK && s->rank == 0) {
        text t = {0};
        manifest_text(s, gen, &t);
        st = t.oom ? vs__mpi_error(VS_ENOMEM, "%s: out of memory", __func__)
                   : write_atomic(path, t.p, t.n, __func__);
        free(t.p);
    }
    st = vs__mpi_agree(s->comm, st);
    if (st != VS_OK) { /* the previous checkpoint stays whole: drop this generation's files */
        remove_generation(s, path, gen, s->first, s->count);
        vs__mpi_agree(s->comm, VS_OK); /* a barrier: every rank returns after all have cleaned up */
        return st;
    }
    if (s->rank == 0 && g[0] != gen) /* the manifest points to gen now: the old files are garbage */
        remove_generation(s, path, g[0], 0, (int)g[1]);
    /* returns on every rank once the old files are gone (a removal failure is not an error) */
    return vs__mpi_agree(s->comm, VS_OK);
}

/* ---------------------------------------------------------------- load */

/* Rank 0 reads the manifest; every rank receives it and parses it. Collective. */
static int read_manifest(const vs_mpi_sampler *s, const char *path, manifest *m, const char *func)
{
    char *p = NULL;
    size_t n = 0;
    int st = VS_OK;
    if (s->rank == 0)
        st = read_file(path, &p, &n, func);
    VS__MPI_FORWARD(vs__mpi_agree(s->comm, st));
    unsigned long long len = n;
    int rc = MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG_LONG, 0, s->comm);
    if (rc == MPI_SUCCESS && s->rank != 0 && (p = malloc((size_t)len + 1)) == NULL)
        st = vs__mpi_error(VS_ENOMEM, "%s: out of memory", func);
    if (rc != MPI_SUCCESS)
        st = vs__mpi_call_error(rc, func, "MPI_Bcast");
    st = vs__mpi_agree(s->comm, st);
    if (st == VS_OK && (rc = MPI_Bcast(p, (int)len, MPI_CHAR, 0, s->comm)) != MPI_SUCCESS)
        st = vs__mpi_call_error(rc, func, "MPI_Bcast");
    if (st == VS_OK) {
        p[len] = '\0';
        st = check_frame(p, (size_t)len, path, func);
        if (st == VS_OK)
            st = parse_body(p, s, m, path, func);
    }
    free(p);
    return vs__mpi_agree(s->comm, st);
}

VS_MPI_API int vs_mpi_sampler_load(vs_mpi_sampler *s, const char *path)
{
    VS__MPI_FORWARD(check_path(s, path, __func__));
    manifest m = {0};
    int st = read_manifest(s, path, &m, __func__);
    vs_sampler **fresh = NULL;
    if (st == VS_OK) {
        fresh = calloc((size_t)s->count, sizeof *fresh);
        st = fresh ? VS_OK : vs__mpi_error(VS_ENOMEM, "%s: out of memory", __func__);
        char f[4200];
        for (int i = 0; i < s->count && st == VS_OK; i++) {
            int r = s->first + i;
            long long n = -1;
            replica_path(f, sizeof f, path, m.gen, r);
            st = vs__mpi_new_replica(s, r, &fresh[i]);
            int cs = st == VS_OK ? vs_sampler_load(fresh[i], f) : st;
            if (st == VS_OK && cs != VS_OK)
                st = vs__mpi_core_error(cs, __func__);
            if (st == VS_OK && (vs_sampler_sweeps(fresh[i], &n) != VS_OK || n != m.sweeps))
                st = BAD("%s: %s holds %lld sweeps, the manifest %lld", __func__, f, n, m.sweeps);
        }
        st = vs__mpi_agree(s->comm, st);
    }
    if (st == VS_OK) { /* every rank has everything: commit (nothing below can fail) */
        for (int i = 0; i < s->count; i++) {
            vs_sampler *old = s->rep[i];
            s->rep[i] = fresh[i];
            fresh[i] = old;
        }
        memcpy(gsl_rng_state(s->xrng), m.xstate, m.xsize);
        memcpy(s->xatt, m.xatt, (size_t)s->R * sizeof *s->xatt);
        memcpy(s->xacc, m.xacc, (size_t)s->R * sizeof *s->xacc);
        memcpy(s->label, m.label, (size_t)s->R * sizeof *s->label);
        s->trips = m.trips;
        s->sweeps = m.sweeps;
    }
    for (int i = 0; fresh && i < s->count; i++)
        vs_sampler_free(fresh[i]);
    free(fresh);
    manifest_free(&m);
    return st;
}
