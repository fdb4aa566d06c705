/*
 * vs_mpi_sampler (include/mpi/libvoigtspin/mpi.h, docs/mpi.md): the serial sampler's temperature
 * ladder spread over the ranks of a communicator, bit-identical to vs_sampler for the same seed.
 *
 * Why it is bit-identical. The serial sampler (lib/sampler/sampler.c) gives slot r the generator
 * mt19937(splitmix64(seed + (r + 1)φ)), φ = 0x9E3779B97F4A7C15, and the exchange generator the
 * index nrep; a sweep is: every slot sweeps with its own generator and its own configuration, then
 * one exchange round decides, in increasing r, from the exchange generator and the energies alone,
 * and swaps configurations (not temperatures). Here replica r is a one-replica vs_sampler created
 * with the seed seed + r·φ — its slot 0 then draws exactly from stream r — and a one-replica sampler
 * never exchanges by itself. Each rank sweeps its replicas; the energies are all-gathered; every
 * rank runs the same exchange decisions on its own copy of the exchange generator; an accepted pair
 * moves its two configurations with vs_sampler_config_export/import (the complete delayed-update
 * state: the chain continues exactly as after the serial pointer swap). The observables of a
 * replica are its slot's, as in the serial sampler; the round-trip labels travel with the
 * configurations in the replicated label array.
 *
 * Cost per sweep beyond the serial work: one MPI_Allgatherv of nrep doubles, and per accepted pair
 * across a rank boundary one exchange of two configurations (8 (3 N ncomp + N) bytes each way);
 * at most two such pairs per rank per round (its block's two ends). Memory: two scratch buffers of
 * one configuration each per rank, allocated at the first accepted exchange.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_internal.h"

#define PHI    0x9E3779B97F4A7C15ULL
#define MAXREP 65536

enum { LABEL_NONE = 0, LABEL_UP = 1, LABEL_DOWN = 2 };

/* splitmix64(seed + (i + 1)φ), low 32 bits: the serial sampler's stream seed of index i
 * (include/libvoigtspin/sampler.h, vs_sampler_create). */
static unsigned long stream_seed(unsigned long seed, int i)
{
    uint64_t z = (uint64_t)seed + (uint64_t)(i + 1) * PHI;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (unsigned long)(z & 0xFFFFFFFFULL);
}

int vs__mpi_owner(const struct vs_mpi_sampler *s, int r)
{
    /* blocks: the first R mod n ranks hold q + 1 replicas, the others q */
    int q = s->R / s->size, x = s->R % s->size;
    return r < x * (q + 1) ? r / (q + 1) : x + (r - x * (q + 1)) / q;
}

int vs__mpi_new_replica(const struct vs_mpi_sampler *s, int r, vs_sampler **out)
{
    unsigned long seed = s->seed + (unsigned long)r * (unsigned long)PHI; /* mod 2^64 */
    int st = vs_sampler_create(s->lat, 1, &s->T[r], seed, s->opt, out);
    return st == VS_OK ? VS_OK : vs__mpi_core_error(st, "vs_mpi_sampler_create");
}

/* ---------------------------------------------------------------- lifecycle */

VS_MPI_API void vs_mpi_sampler_free(vs_mpi_sampler *s)
{
    if (s == NULL)
        return;
    for (int i = 0; s->rep && i < s->count; i++)
        vs_sampler_free(s->rep[i]);
    for (int i = 0; i < 2; i++)
        free(s->buf[i]);
    if (s->xrng)
        gsl_rng_free(s->xrng);
    vs_sampler_options_free(s->opt);
    free(s->rep);
    free(s->counts);
    free(s->displs);
    free(s->T);
    free(s->xatt);
    free(s->xacc);
    free(s->label);
    if (s->comm != MPI_COMM_NULL)
        MPI_Comm_free(&s->comm);
    free(s);
}

/* The last key of enum vs_sampler_option_key (include/libvoigtspin/sampler.h): the keys are numbered
 * 1, 2, … without gaps. Only known keys are copied: probing unknown ones with
 * vs_sampler_option_bounds() would overwrite the caller's core vs_last_error() with "unknown option
 * key" on every create, successful or not (issue 15). tests/mpi/test_mpi_errors.c fails when the
 * core grows a key past this one (then raise it). */
#define LAST_OPTION_KEY VS_SAMPLER_OPT_CLOCK_NEAR

/* A copy of opt through the public API: every key 1 … LAST_OPTION_KEY. */
static int copy_options(const vs_sampler_options *opt, vs_sampler_options **out)
{
    int st = vs_sampler_options_create(out);
    if (st != VS_OK)
        return vs__mpi_core_error(st, "vs_mpi_sampler_create");
    for (int key = 1; opt && key <= LAST_OPTION_KEY; key++) {
        double v;
        if ((st = vs_sampler_options_get(opt, key, &v)) != VS_OK ||
            (st = vs_sampler_options_set(*out, key, v)) != VS_OK)
            return vs__mpi_core_error(st, "vs_mpi_sampler_create");
    }
    /* The clock kind's automatic near set is chosen at the coldest temperature of the sampler's own
     * ladder: the one-replica samplers of the ranks would each choose another one. */
    double fields, near;
    if (vs_sampler_options_get(*out, VS_SAMPLER_OPT_FIELDS, &fields) != VS_OK ||
        vs_sampler_options_get(*out, VS_SAMPLER_OPT_CLOCK_NEAR, &near) != VS_OK)
        return vs__mpi_core_error(VS_EINVAL, "vs_mpi_sampler_create");
    VS__MPI_RETURN_IF(fields == VS_SAMPLER_CLOCK && near < 0.0, VS_EINVAL,
                      "vs_mpi_sampler_create: the clock kind needs an explicit VS_SAMPLER_OPT_CLOCK_NEAR "
                      "(the automatic near set depends on the coldest temperature of a sampler's ladder)");
    return VS_OK;
}

/* The local checks of the arguments (before any communication but the agreement). */
static int check_args(const vs_lattice *lat, int nrep, const double *T, int size)
{
    VS__MPI_RETURN_IF(ULONG_MAX != 0xFFFFFFFFFFFFFFFFULL, VS_EUNSUPPORTED,
                      "vs_mpi_sampler_create: unsigned long is narrower than 64 bits (seeds mod 2^64)");
    VS__MPI_RETURN_IF(lat == NULL || T == NULL, VS_EINVAL, "vs_mpi_sampler_create: %s is NULL",
                      lat == NULL ? "lat" : "T");
    VS__MPI_RETURN_IF(nrep < 1 || nrep > MAXREP || nrep < size, VS_EINVAL,
                      "vs_mpi_sampler_create: nrep = %d outside [max(1, ranks = %d), %d]", nrep, size,
                      MAXREP);
    for (int r = 0; r < nrep; r++) {
        VS__MPI_RETURN_IF(!(isfinite(T[r]) && T[r] > 0.0), VS_EINVAL,
                          "vs_mpi_sampler_create: T[%d] = %g must be finite and > 0", r, T[r]);
        VS__MPI_RETURN_IF(
            r > 0 && !(T[r] > T[r - 1]), VS_EINVAL,
            "vs_mpi_sampler_create: the ladder must be strictly increasing (T[%d] = %g, T[%d] = %g)", r - 1,
            T[r - 1], r, T[r]);
    }
    return VS_OK;
}

/* nrep, T and seed equal on every rank (rank 0's broadcast compared bit for bit). Collective. */
static int check_same_everywhere(vs_mpi_sampler *s)
{
    int mm[2] = {-s->R, s->R}, red[2];
    int rc = MPI_Allreduce(mm, red, 2, MPI_INT, MPI_MAX, s->comm);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, "vs_mpi_sampler_create", "MPI_Allreduce");
    if (-red[0] != red[1])
        return vs__mpi_error(VS_EINVAL, "vs_mpi_sampler_create: nrep differs between ranks (%d … %d)",
                             -red[0], red[1]);
    double *T0 = malloc((size_t)s->R * sizeof *T0);
    if (T0 == NULL)
        return vs__mpi_error(VS_ENOMEM, "vs_mpi_sampler_create: out of memory");
    memcpy(T0, s->T, (size_t)s->R * sizeof *T0);
    unsigned long seed0 = s->seed;
    rc = MPI_Bcast(T0, s->R, MPI_DOUBLE, 0, s->comm);
    if (rc == MPI_SUCCESS)
        rc = MPI_Bcast(&seed0, 1, MPI_UNSIGNED_LONG, 0, s->comm);
    int same = memcmp(T0, s->T, (size_t)s->R * sizeof *T0) == 0 && seed0 == s->seed;
    free(T0);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, "vs_mpi_sampler_create", "MPI_Bcast");
    return same ? VS_OK
                : vs__mpi_error(VS_EINVAL, "vs_mpi_sampler_create: T or seed differ from rank 0's on rank %d",
                                s->rank);
}

static int setup(vs_mpi_sampler *s, const vs_lattice *lat, const double *T, const vs_sampler_options *opt)
{
    size_t R = (size_t)s->R;
    s->lat = lat;
    s->counts = calloc((size_t)s->size, sizeof *s->counts);
    s->displs = calloc((size_t)s->size, sizeof *s->displs);
    s->T = calloc(R, sizeof *s->T);
    s->xatt = calloc(R, sizeof *s->xatt);
    s->xacc = calloc(R, sizeof *s->xacc);
    s->label = calloc(R, sizeof *s->label);
    s->xrng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!s->counts || !s->displs || !s->T || !s->xatt || !s->xacc || !s->label || !s->xrng)
        return vs__mpi_error(VS_ENOMEM, "vs_mpi_sampler_create: out of memory");
    memcpy(s->T, T, R * sizeof *s->T);
    gsl_rng_set(s->xrng, stream_seed(s->seed, s->R));
    s->label[0] = LABEL_UP;
    for (int k = 0; k < s->size; k++) {
        int q = s->R / s->size, x = s->R % s->size;
        s->counts[k] = q + (k < x);
        s->displs[k] = k == 0 ? 0 : s->displs[k - 1] + s->counts[k - 1];
    }
    s->first = s->displs[s->rank];
    s->count = s->counts[s->rank];
    return copy_options(opt, &s->opt);
}

/* The local replicas and the configuration size (≤ 2^34 bytes: exchanged as ≤ INT_MAX 8-byte words). */
static int create_replicas(vs_mpi_sampler *s)
{
    s->rep = calloc((size_t)s->count, sizeof *s->rep);
    if (s->rep == NULL)
        return vs__mpi_error(VS_ENOMEM, "vs_mpi_sampler_create: out of memory");
    for (int i = 0; i < s->count; i++)
        VS__MPI_FORWARD(vs__mpi_new_replica(s, s->first + i, &s->rep[i]));
    int st = vs_sampler_config_size(s->rep[0], &s->cfg_len);
    if (st != VS_OK)
        return vs__mpi_core_error(st, "vs_mpi_sampler_create");
    VS__MPI_RETURN_IF(s->cfg_len / 8 > (size_t)INT_MAX, VS_EOVERFLOW,
                      "vs_mpi_sampler_create: a configuration of %zu bytes is too large to exchange",
                      s->cfg_len);
    return VS_OK;
}

VS_MPI_API int vs_mpi_sampler_create(MPI_Comm comm, const vs_lattice *lat, int nrep, const double *T,
                                     unsigned long seed, const vs_sampler_options *opt, vs_mpi_sampler **out)
{
    VS__MPI_RETURN_IF(out == NULL, VS_EINVAL, "vs_mpi_sampler_create: out is NULL");
    *out = NULL;
    VS__MPI_RETURN_IF(comm == MPI_COMM_NULL, VS_EINVAL, "vs_mpi_sampler_create: comm is MPI_COMM_NULL");
    vs_mpi_sampler *s = calloc(1, sizeof *s);
    if (s == NULL)
        return vs__mpi_error(VS_ENOMEM, "vs_mpi_sampler_create: out of memory");
    s->comm = MPI_COMM_NULL;
    int rc = MPI_Comm_dup(comm, &s->comm);
    if (rc != MPI_SUCCESS) {
        s->comm = MPI_COMM_NULL;
        free(s);
        return vs__mpi_call_error(rc, "vs_mpi_sampler_create", "MPI_Comm_dup");
    }
    MPI_Comm_set_errhandler(s->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(s->comm, &s->rank);
    MPI_Comm_size(s->comm, &s->size);
    s->R = nrep;
    s->seed = seed;
    int st = vs__mpi_agree(s->comm, check_args(lat, nrep, T, s->size));
    if (st == VS_OK)
        st = vs__mpi_agree(s->comm, setup(s, lat, T, opt));
    if (st == VS_OK)
        st = vs__mpi_agree(s->comm, check_same_everywhere(s));
    if (st == VS_OK)
        st = vs__mpi_agree(s->comm, create_replicas(s));
    if (st != VS_OK) {
        vs_mpi_sampler_free(s);
        return st;
    }
    *out = s;
    return VS_OK;
}

VS_MPI_API int vs_mpi_sampler_create_f(int fcomm, const vs_lattice *lat, int nrep, const double *T,
                                       unsigned long seed, const vs_sampler_options *opt,
                                       vs_mpi_sampler **out)
{
    VS__MPI_RETURN_IF(out == NULL, VS_EINVAL, "vs_mpi_sampler_create_f: out is NULL");
    *out = NULL;
    MPI_Comm comm = MPI_COMM_NULL;
    VS__MPI_FORWARD(vs__mpi_comm_from_fortran((MPI_Fint)fcomm, &comm, "vs_mpi_sampler_create_f"));
    return vs_mpi_sampler_create(comm, lat, nrep, T, seed, opt, out);
}

/* ---------------------------------------------------------------- sweeps and exchanges */

/* Scratch buffer i (allocated once, cfg_len bytes). */
static unsigned char *scratch(vs_mpi_sampler *s, int i)
{
    if (s->buf[i] == NULL)
        s->buf[i] = malloc(s->cfg_len);
    return s->buf[i];
}

static int core(int st, const char *func)
{
    return st == VS_OK ? VS_OK : vs__mpi_core_error(st, func);
}

/* Swap the configurations of two replicas of this rank. */
static int swap_local(vs_mpi_sampler *s, int r)
{
    unsigned char *a = scratch(s, 0), *b = scratch(s, 1);
    VS__MPI_RETURN_IF(a == NULL || b == NULL, VS_ENOMEM, "vs_mpi_sampler_sweep: out of memory");
    vs_sampler *x = s->rep[r - s->first], *y = s->rep[r + 1 - s->first];
    VS__MPI_FORWARD(core(vs_sampler_config_export(x, 0, a, s->cfg_len), "vs_mpi_sampler_sweep"));
    VS__MPI_FORWARD(core(vs_sampler_config_export(y, 0, b, s->cfg_len), "vs_mpi_sampler_sweep"));
    VS__MPI_FORWARD(core(vs_sampler_config_import(x, 0, b, s->cfg_len), "vs_mpi_sampler_sweep"));
    return core(vs_sampler_config_import(y, 0, a, s->cfg_len), "vs_mpi_sampler_sweep");
}

/* The accepted pairs of this round that cross a rank boundary and touch this rank: at most two (the
 * block's ends). Each is exchanged in the phase of its boundary's parity (the boundary between ranks
 * k and k+1 is in phase k mod 2), so that in each phase a rank takes part in at most one transfer
 * and two scratch buffers (one configuration out, one in) suffice; the transfers of a phase run
 * concurrently. */
typedef struct cross {
    int mine, partner_rank;
} cross;

static int swap_across(vs_mpi_sampler *s, const cross *c, int nc)
{
    unsigned char *out = s->buf[0], *in = s->buf[1]; /* allocated by exchange_round */
    int st = VS_OK;
    MPI_Datatype word;
    int rc = MPI_Type_contiguous(8, MPI_BYTE, &word);
    if (rc == MPI_SUCCESS)
        rc = MPI_Type_commit(&word);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, "vs_mpi_sampler_sweep", "MPI_Type_contiguous");
    int nw = (int)(s->cfg_len / 8);
    for (int phase = 0; phase < 2; phase++) {
        for (int i = 0; i < nc && st == VS_OK; i++) {
            int lower = c[i].partner_rank < s->rank ? c[i].partner_rank : s->rank;
            if (lower % 2 != phase)
                continue;
            vs_sampler *x = s->rep[c[i].mine - s->first];
            MPI_Request req[2];
            /* tag: the lower replica of the pair */
            int tag = c[i].mine - (c[i].partner_rank < s->rank);
            st = core(vs_sampler_config_export(x, 0, out, s->cfg_len), "vs_mpi_sampler_sweep");
            if (st == VS_OK &&
                (rc = MPI_Irecv(in, nw, word, c[i].partner_rank, tag, s->comm, &req[0])) == MPI_SUCCESS &&
                (rc = MPI_Isend(out, nw, word, c[i].partner_rank, tag, s->comm, &req[1])) == MPI_SUCCESS)
                rc = MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
            if (st == VS_OK && rc != MPI_SUCCESS)
                st = vs__mpi_call_error(rc, "vs_mpi_sampler_sweep", "MPI_Isend/Irecv/Waitall");
            if (st == VS_OK)
                st = core(vs_sampler_config_import(x, 0, in, s->cfg_len), "vs_mpi_sampler_sweep");
        }
    }
    MPI_Type_free(&word);
    return st;
}

/* The labels after a round (lib/sampler/observe.c, vs__observe_ends): an "up" configuration at the top
 * becomes "down"; a "down" one at the bottom completes a round trip; the bottom is "up". */
static void label_ends(vs_mpi_sampler *s)
{
    int top = s->R - 1;
    if (s->label[top] == LABEL_UP)
        s->label[top] = LABEL_DOWN;
    if (s->label[0] == LABEL_DOWN)
        s->trips++;
    s->label[0] = LABEL_UP;
}

/* One exchange round between (r, r+1), r ≡ parity (mod 2), in increasing r: the serial rule of
 * vs_sampler_sweep, decided identically on every rank. E: R scratch doubles. Collective. */
static int exchange_round(vs_mpi_sampler *s, int parity, double *E)
{
    double *mine = E + s->first;
    int st = VS_OK;
    for (int i = 0; i < s->count && st == VS_OK; i++)
        st = core(vs_sampler_energy(s->rep[i], 0, &mine[i]), "vs_mpi_sampler_sweep");
    VS__MPI_FORWARD(vs__mpi_agree(s->comm, st));
    int rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, E, s->counts, s->displs, MPI_DOUBLE, s->comm);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, "vs_mpi_sampler_sweep", "MPI_Allgatherv (energies)");
    cross c[2];
    int nc = 0;
    for (int r = parity; r + 1 < s->R; r += 2) {
        double dl = (1.0 / s->T[r] - 1.0 / s->T[r + 1]) * (E[r] - E[r + 1]);
        s->xatt[r]++;
        if (!(dl >= 0.0 || log(gsl_rng_uniform_pos(s->xrng)) < dl))
            continue;
        s->xacc[r]++;
        int t = s->label[r];
        s->label[r] = s->label[r + 1];
        s->label[r + 1] = t;
        int oa = vs__mpi_owner(s, r), ob = vs__mpi_owner(s, r + 1);
        if (oa == s->rank && ob == s->rank) {
            if (st == VS_OK)
                st = swap_local(s, r);
        } else if (oa == s->rank || ob == s->rank) {
            c[nc].mine = oa == s->rank ? r : r + 1;
            c[nc].partner_rank = oa == s->rank ? ob : oa;
            nc++;
        }
    }
    label_ends(s);
    if (nc > 0 && st == VS_OK && (scratch(s, 0) == NULL || scratch(s, 1) == NULL))
        st = vs__mpi_error(VS_ENOMEM, "vs_mpi_sampler_sweep: out of memory");
    /* a local failure must not skip the messages the partners wait for: agree first */
    VS__MPI_FORWARD(vs__mpi_agree(s->comm, st));
    return swap_across(s, c, nc);
}

VS_MPI_API int vs_mpi_sampler_sweep(vs_mpi_sampler *s, long nsweeps)
{
    VS__MPI_RETURN_IF(s == NULL, VS_EINVAL, "vs_mpi_sampler_sweep: s is NULL");
    VS__MPI_RETURN_IF(nsweeps < 0, VS_EINVAL, "vs_mpi_sampler_sweep: nsweeps = %ld must be >= 0", nsweeps);
    double *E = malloc((size_t)s->R * sizeof *E);
    int st =
        vs__mpi_agree(s->comm, E ? VS_OK : vs__mpi_error(VS_ENOMEM, "vs_mpi_sampler_sweep: out of memory"));
    for (long k = 0; k < nsweeps && st == VS_OK; k++) {
        for (int i = 0; i < s->count && st == VS_OK; i++)
            st = core(vs_sampler_sweep(s->rep[i], 1), __func__);
        st = vs__mpi_agree(s->comm, st);
        if (st == VS_OK && s->R > 1)
            st = vs__mpi_agree(s->comm, exchange_round(s, (int)(s->sweeps % 2), E));
        if (st == VS_OK)
            s->sweeps++;
    }
    free(E);
    return st;
}

/* ---------------------------------------------------------------- measurements */

VS_MPI_API int vs_mpi_sampler_measure(vs_mpi_sampler *s)
{
    VS__MPI_RETURN_IF(s == NULL, VS_EINVAL, "vs_mpi_sampler_measure: s is NULL");
    int st = VS_OK;
    for (int i = 0; i < s->count && st == VS_OK; i++)
        st = core(vs_sampler_measure(s->rep[i]), __func__);
    return vs__mpi_agree(s->comm, st);
}

VS_MPI_API int vs_mpi_sampler_reset_observables(vs_mpi_sampler *s)
{
    VS__MPI_RETURN_IF(s == NULL, VS_EINVAL, "vs_mpi_sampler_reset_observables: s is NULL");
    int st = VS_OK;
    for (int i = 0; i < s->count && st == VS_OK; i++)
        st = core(vs_sampler_reset_observables(s->rep[i]), __func__);
    for (int r = 0; r < s->R; r++)
        s->label[r] = r == 0 ? LABEL_UP : LABEL_NONE;
    s->trips = 0;
    return vs__mpi_agree(s->comm, st);
}

/* ---------------------------------------------------------------- queries */

VS_MPI_API int vs_mpi_sampler_nreplicas(const vs_mpi_sampler *s)
{
    return s ? s->R : 0;
}

VS_MPI_API int vs_mpi_sampler_local_range(const vs_mpi_sampler *s, int *first, int *count)
{
    VS__MPI_RETURN_IF(s == NULL || first == NULL || count == NULL, VS_EINVAL,
                      "vs_mpi_sampler_local_range: a NULL argument");
    *first = s->first;
    *count = s->count;
    return VS_OK;
}

VS_MPI_API int vs_mpi_sampler_local(const vs_mpi_sampler *s, int r, const vs_sampler **out)
{
    VS__MPI_RETURN_IF(s == NULL || out == NULL, VS_EINVAL, "vs_mpi_sampler_local: a NULL argument");
    VS__MPI_RETURN_IF(r < s->first || r >= s->first + s->count, VS_EINVAL,
                      "vs_mpi_sampler_local: replica %d is not held by rank %d (it holds [%d, %d))", r,
                      s->rank, s->first, s->first + s->count);
    *out = s->rep[r - s->first];
    return VS_OK;
}

/* Collective query of replica r: the owner fills n doubles with f and broadcasts them with its
 * status. The r check is local and the same on every rank (no communication on EINVAL). */
typedef int (*owner_query)(const vs_sampler *rep, void *ctx, double *v);

static int ask_owner(const vs_mpi_sampler *s, int r, int n, owner_query f, void *ctx, double *v,
                     const char *func)
{
    VS__MPI_RETURN_IF(s == NULL, VS_EINVAL, "%s: s is NULL", func);
    VS__MPI_RETURN_IF(r < 0 || r >= s->R, VS_EINVAL, "%s: replica r = %d outside [0, %d)", func, r, s->R);
    int owner = vs__mpi_owner(s, r), st = VS_OK;
    if (owner == s->rank)
        st = core(f(s->rep[r - s->first], ctx, v), func);
    st = vs__mpi_agree(s->comm, st);
    if (st != VS_OK)
        return st;
    int rc = MPI_Bcast(v, n, MPI_DOUBLE, owner, s->comm);
    return rc == MPI_SUCCESS ? VS_OK : vs__mpi_call_error(rc, func, "MPI_Bcast");
}

static int q_energy(const vs_sampler *rep, void *ctx, double *v)
{
    (void)ctx;
    return vs_sampler_energy(rep, 0, v);
}

static int q_spins(const vs_sampler *rep, void *ctx, double *v)
{
    (void)ctx;
    return vs_sampler_spins(rep, 0, v);
}

static int q_acceptance(const vs_sampler *rep, void *ctx, double *v)
{
    (void)ctx;
    return vs_sampler_acceptance(rep, 0, v);
}

static int q_observable(const vs_sampler *rep, void *ctx, double *v)
{
    return vs_sampler_observable(rep, 0, *(const int *)ctx, &v[0], &v[1], &v[2]);
}

VS_MPI_API int vs_mpi_sampler_energy(const vs_mpi_sampler *s, int r, double *E)
{
    VS__MPI_RETURN_IF(E == NULL, VS_EINVAL, "vs_mpi_sampler_energy: E is NULL");
    return ask_owner(s, r, 1, q_energy, NULL, E, __func__);
}

VS_MPI_API int vs_mpi_sampler_spins(const vs_mpi_sampler *s, int r, double *out)
{
    VS__MPI_RETURN_IF(out == NULL || s == NULL, VS_EINVAL, "vs_mpi_sampler_spins: a NULL argument");
    size_t n = vs_lattice_nsites(s->lat) * (size_t)vs_lattice_ncomp(s->lat);
    VS__MPI_RETURN_IF(n > (size_t)INT_MAX, VS_EOVERFLOW,
                      "vs_mpi_sampler_spins: %zu values exceed one broadcast", n);
    return ask_owner(s, r, (int)n, q_spins, NULL, out, __func__);
}

VS_MPI_API int vs_mpi_sampler_acceptance(const vs_mpi_sampler *s, int r, double *rate)
{
    VS__MPI_RETURN_IF(rate == NULL, VS_EINVAL, "vs_mpi_sampler_acceptance: rate is NULL");
    return ask_owner(s, r, 1, q_acceptance, NULL, rate, __func__);
}

VS_MPI_API int vs_mpi_sampler_observable(const vs_mpi_sampler *s, int r, int key, double *value,
                                         double *error, double *tau_int)
{
    double v[3] = {0.0, 0.0, 0.0};
    int st = ask_owner(s, r, 3, q_observable, &key, v, __func__);
    if (st != VS_OK)
        return st;
    if (value)
        *value = v[0];
    if (error)
        *error = v[1];
    if (tau_int)
        *tau_int = v[2];
    return VS_OK;
}

VS_MPI_API int vs_mpi_sampler_exchange_rate(const vs_mpi_sampler *s, int r, double *rate)
{
    VS__MPI_RETURN_IF(s == NULL || rate == NULL, VS_EINVAL, "vs_mpi_sampler_exchange_rate: a NULL argument");
    VS__MPI_RETURN_IF(r < 0 || r >= s->R - 1, VS_EINVAL,
                      "vs_mpi_sampler_exchange_rate: pair r = %d outside [0, %d)", r, s->R - 1);
    *rate = s->xatt[r] ? (double)s->xacc[r] / (double)s->xatt[r] : 0.0;
    return VS_OK;
}

VS_MPI_API int vs_mpi_sampler_round_trips(const vs_mpi_sampler *s, long long *n)
{
    VS__MPI_RETURN_IF(s == NULL || n == NULL, VS_EINVAL, "vs_mpi_sampler_round_trips: a NULL argument");
    *n = s->trips;
    return VS_OK;
}

VS_MPI_API int vs_mpi_sampler_sweeps(const vs_mpi_sampler *s, long long *n)
{
    VS__MPI_RETURN_IF(s == NULL || n == NULL, VS_EINVAL, "vs_mpi_sampler_sweeps: a NULL argument");
    *n = s->sweeps;
    return VS_OK;
}
