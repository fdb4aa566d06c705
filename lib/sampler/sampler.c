/*
 * The vs_sampler handle (include/libvoigtspin/sampler.h, docs/sampler.md): R replicas of the lattice
 * model of paper Eq. 18 at a temperature ladder, single-site moves (moves.c) driven by exact local
 * fields, parallel tempering between neighbouring temperatures.
 *
 * Exact fields with delayed updates. The pair field of site m is
 *
 *     h_m = h⁰_m + Σ_{j ∈ C} T(r_m − r_j) δ_j,   δ_j = s_j − s⁰_j,
 *
 * where h⁰, s⁰ are the fields and spins at the last FFT refresh and C is the set of sites changed
 * since (one entry per site, however often it moved). A site visit costs O(|C| ncomp²); a refresh
 * (FFT convolution, O(N log N)) empties C every B accepted moves, so a sweep costs about
 * N·B/2 + (N/B)·c N log N table operations, minimal near B ∝ √(N log N) (the automatic choice,
 * sampler.h). The energy is recomputed from the fresh fields at each refresh and accumulated from
 * the exact ΔE of every accepted move in between; M is recomputed at each refresh. The plain path
 * keeps h current with an O(N) update per accepted move (vs_lattice_update's loop) instead. The
 * clock path (clock.c) keeps no fields during a sweep: the proposal uses the exact near field, the
 * far pairs act through the factorized filter, and fields, M and E are recomputed by FFT after
 * each sweep (refresh()).
 *
 * Site target (sampler_internal.h, "Mapping from the lattice"): β = E0/T,
 * h = h_m − T(0) s_m + U (M − s_m)/N (own self-image excluded), A = T(0) + D + U/N.
 *
 * Replicas: slot r keeps its temperature, RNG stream, Metropolis step and counters; the
 * configuration (spins, fields, C, M, E) is a separate object that exchanges swap between slots.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lattice/lattice_internal.h"
#include "sampler_internal.h"
#include "sampler_state.h"

/* splitmix64 (Steele, Lea, Flood 2014): the stream seed of index i is
 * splitmix64(seed + (i + 1)·0x9E3779B97F4A7C15), i = replica, or nrep for the exchange stream. */
static unsigned long stream_seed(unsigned long seed, int i)
{
    uint64_t z = (uint64_t)seed + (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (unsigned long)(z & 0xFFFFFFFFULL); /* mt19937 uses 32 bits of its seed */
}

static gsl_rng *new_rng(unsigned long seed, int i, int *st)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    if (g == NULL) {
        *st = vs__error(VS_ENOMEM, "vs_sampler_create: out of memory (RNG)");
        return NULL;
    }
    gsl_rng_set(g, stream_seed(seed, i));
    return g;
}

/* ---------------------------------------------------------------- fields */

/* Refresh slot sl's configuration: h⁰ = T * s and E by one FFT evaluation (the energy summed in its
 * copy-out, bit for bit vs_lattice_energy_from_fields), s⁰ = s, C = ∅, M recomputed. */
static int refresh(const vs_sampler *s, vs__slot *sl)
{
    vs__config *c = sl->c;
    size_t nv = s->N * (size_t)s->nc;
    VS_FORWARD_IF_ERROR(vs_lattice_fields_energy_ws(s->lat, sl->ws, c->s, c->h0, &c->E));
    memcpy(c->s0, c->s, nv * sizeof *c->s0);
    for (size_t k = 0; k < c->nchanged; k++)
        c->mark[c->changed[k]] = 0;
    c->nchanged = 0;
    c->nacc = 0;
    vs__lattice_total(s->lat, c->s, c->M);
    return VS_OK;
}

/* The block T(r_m − r_j) in the packed table: the address vs__lattice_block(lat, m, j) unpacks
 * (same displacement index, same sign convention), from the cell triples and basis indices cm, cj
 * of s->site instead of splitting the site indices again per lookup. */
static inline const double *table_block(const struct vs_lattice *l, const int *cm, const int *cj)
{
    const vs__geom *g = &l->geo;
    /* sign·(c_m − c_j) mod g, |c_m − c_j| < L ≤ g */
    int sign = cm[3] <= cj[3] ? 1 : -1;
    int x0 = sign * (cm[0] - cj[0]), x1 = sign * (cm[1] - cj[1]), x2 = sign * (cm[2] - cj[2]);
    x0 += x0 < 0 ? g->g[0] : 0;
    x1 += x1 < 0 ? g->g[1] : 0;
    x2 += x2 < 0 ? g->g[2] : 0;
    size_t disp = ((size_t)x0 * (size_t)g->g[1] + (size_t)x1) * (size_t)g->g[2] + (size_t)x2;
    size_t p = g->nb == 1 ? 0 : (size_t)vs__pack_index(g->nb, cm[3], cj[3]);
    return l->ttab + (p * g->ngrid + disp) * (size_t)l->npack;
}

/* The current pair field h_m of configuration c (both paths). Delayed: h⁰_m + Σ_{j ∈ C} T δ_j with
 * every h[a] accumulating T_ab δ_b in the order (j in C order, then b = 0 … nc−1) — the order of
 * a loop over vs__lattice_block, so the chain does not depend on how the blocks are looked up. */
static void site_field(const vs_sampler *s, const vs__config *c, size_t m, double *h)
{
    int nc = s->nc;
    memcpy(h, c->h0 + m * (size_t)nc, (size_t)nc * sizeof *h);
    if (s->opt.fields != VS_SAMPLER_DELAYED) /* plain: current; clock: fresh after each sweep */
        return;
    const struct vs_lattice *l = s->lat;
    const int *cm = s->site + 4 * m;
    if (nc == 6) { /* the elastic kernel: packed offsets spelled out, accumulators in registers */
        double h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5];
        for (size_t k = 0; k < c->nchanged; k++) {
            size_t j = c->changed[k];
            const double *t = table_block(l, cm, s->site + 4 * j);
            const double *sj = c->s + 6 * j, *s0j = c->s0 + 6 * j;
            double d0 = sj[0] - s0j[0], d1 = sj[1] - s0j[1], d2 = sj[2] - s0j[2];
            double d3 = sj[3] - s0j[3], d4 = sj[4] - s0j[4], d5 = sj[5] - s0j[5];
            h0 = h0 + t[0] * d0 + t[1] * d1 + t[2] * d2 + t[3] * d3 + t[4] * d4 + t[5] * d5;
            h1 = h1 + t[1] * d0 + t[6] * d1 + t[7] * d2 + t[8] * d3 + t[9] * d4 + t[10] * d5;
            h2 = h2 + t[2] * d0 + t[7] * d1 + t[11] * d2 + t[12] * d3 + t[13] * d4 + t[14] * d5;
            h3 = h3 + t[3] * d0 + t[8] * d1 + t[12] * d2 + t[15] * d3 + t[16] * d4 + t[17] * d5;
            h4 = h4 + t[4] * d0 + t[9] * d1 + t[13] * d2 + t[16] * d3 + t[18] * d4 + t[19] * d5;
            h5 = h5 + t[5] * d0 + t[10] * d1 + t[14] * d2 + t[17] * d3 + t[19] * d4 + t[20] * d5;
        }
        h[0] = h0, h[1] = h1, h[2] = h2, h[3] = h3, h[4] = h4, h[5] = h5;
        return;
    }
    int idx[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++)
            idx[a * nc + b] = vs__pack_index(nc, a, b);
    double d[VS__LAT_MAXNC];
    for (size_t k = 0; k < c->nchanged; k++) {
        size_t j = c->changed[k];
        const double *t = table_block(l, cm, s->site + 4 * j);
        for (int b = 0; b < nc; b++)
            d[b] = c->s[j * nc + b] - c->s0[j * nc + b];
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++)
                h[a] += t[idx[a * nc + b]] * d[b];
    }
}

int vs__sampler_fields(const struct vs_sampler *s, int r, double *h)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(h);
    VS_RETURN_ERROR_IF(r < 0 || r >= s->nrep, VS_EINVAL, "%s: slot %d out of range", __func__, r);
    for (size_t m = 0; m < s->N; m++)
        site_field(s, s->slot[r].c, m, h + m * (size_t)s->nc);
    return VS_OK;
}

/* Apply an accepted move s_m → snew with energy change dE to slot sl's configuration. */
static int apply_move(const vs_sampler *s, vs__slot *sl, size_t m, const double *snew, double dE)
{
    vs__config *c = sl->c;
    int nc = s->nc;
    double d[VS__LAT_MAXNC];
    double *sm = c->s + m * (size_t)nc;
    for (int a = 0; a < nc; a++) {
        d[a] = snew[a] - sm[a];
        c->M[a] += d[a];
        sm[a] = snew[a];
    }
    c->E += dE;
    if (s->opt.fields == VS_SAMPLER_CLOCK) /* E, M and fields recomputed after the sweep */
        return VS_OK;
    if (s->opt.fields == VS_SAMPLER_PLAIN) {
        /* h_n += T(r_n − r_m) δ for every n: the loop of vs_lattice_update (the fields are the
         * sampler's own and finite, so without its screen) */
        vs__lattice_add_move(s->lat, m, d, c->h0);
        return VS_OK;
    }
    if (!c->mark[m]) {
        c->mark[m] = 1;
        c->changed[c->nchanged++] = m;
    }
    if (++c->nacc >= s->B)
        return refresh(s, sl);
    return VS_OK;
}

/* ---------------------------------------------------------------- sweeps */

enum { MOVE_HEATBATH, MOVE_METROPOLIS, MOVE_OVERRELAX };

/* One single-site move at site m of slot sl. Returns VS_OK or a refresh error; *acc = accepted. */
static int site_move(const vs_sampler *s, vs__slot *sl, size_t m, int kind, int *acc)
{
    int nc = s->nc;
    vs__config *c = sl->c;
    const double *sm = c->s + m * (size_t)nc;
    const double *T0 = s->T0 + (size_t)(m % (size_t)s->nb) * (size_t)(nc * nc);
    const double *A = s->A + (size_t)(m % (size_t)s->nb) * (size_t)(nc * nc);
    const double *U = s->lat->U;
    double h[VS__LAT_MAXNC], snew[VS__LAT_MAXNC];
    const int clock = s->opt.fields == VS_SAMPLER_CLOCK;
    /* h = h_m − T(0) s_m + U (M − s_m)/N: the field of every other spin (sampler_internal.h);
     * clock: the near pairs' field (no self-image in it) + U (M − s_m)/N, the target of the proposal */
    if (clock)
        vs__clock_near_field(s->clock, c->s, s->site + 4 * m, h);
    else
        site_field(s, c, m, h);
    for (int a = 0; a < nc; a++) {
        double t = 0.0, u = 0.0;
        for (int b = 0; b < nc; b++) {
            t += clock ? 0.0 : T0[a * nc + b] * sm[b];
            if (U)
                u += U[a * nc + b] * (c->M[b] - sm[b]);
        }
        h[a] += -t + u / (double)s->N;
    }
    vs__site_target tg = {nc, sl->beta, h, A};
    if (kind == MOVE_HEATBATH)
        *acc = vs__move_heatbath(sl->rng, &tg, sm, snew);
    else if (kind == MOVE_METROPOLIS)
        *acc = vs__move_metropolis(sl->rng, &tg, sl->step, sm, snew);
    else
        *acc = vs__move_overrelax(sl->rng, &tg, sm, snew);
    if (!*acc)
        return VS_OK;
    if (clock) { /* the factorized filter of the far pairs (clock.c); ΔE is not needed */
        double d[VS__LAT_MAXNC];
        for (int a = 0; a < nc; a++)
            d[a] = snew[a] - sm[a];
        *acc = vs__clock_far_filter(s->clock, sl->rng, sl->beta, c->s, s->site + 4 * m, d);
        return *acc ? apply_move(s, sl, m, snew, 0.0) : VS_OK;
    }
    /* ΔE = −E0 [ℓ₁(s') − ℓ₁(s)], ℓ₁ the target at β = 1 (−ΔE/T = ℓ(s') − ℓ(s), β = E0/T) */
    vs__site_target t1 = {nc, 1.0, h, A};
    double dE = -s->lat->opt.e0 * (vs__site_log_weight(&t1, snew) - vs__site_log_weight(&t1, sm));
    return apply_move(s, sl, m, snew, dE);
}

/* One sweep of slot r: N moves in site order, then the over-relaxation passes; the Metropolis
 * step adapts during the first adapt_sweeps sweeps (when the step option is 0). */
static int sweep_slot(const vs_sampler *s, vs__slot *sl, long sweep_index)
{
    int kind = s->opt.move == VS_SAMPLER_METROPOLIS ? MOVE_METROPOLIS : MOVE_HEATBATH;
    unsigned long long acc_sweep = 0;
    int acc;
    for (size_t m = 0; m < s->N; m++) {
        VS_FORWARD_IF_ERROR(site_move(s, sl, m, kind, &acc));
        acc_sweep += (unsigned long long)acc;
    }
    sl->nprop += s->N;
    sl->nacc += acc_sweep;
    for (int k = 0; k < s->opt.overrelax; k++)
        for (size_t m = 0; m < s->N; m++)
            VS_FORWARD_IF_ERROR(site_move(s, sl, m, MOVE_OVERRELAX, &acc));
    if (kind == MOVE_METROPOLIS && s->opt.step == 0.0 && sweep_index < s->opt.adapt_sweeps) {
        double rate = (double)acc_sweep / (double)s->N;
        sl->step = fmin(1e4, fmax(1e-4, sl->step * exp(rate - 0.5)));
    }
    if (s->opt.fields == VS_SAMPLER_PLAIN) /* exact energy from the maintained fields once a sweep */
        return vs_lattice_energy_from_fields(s->lat, sl->c->s, sl->c->h0, &sl->c->E);
    if (s->opt.fields == VS_SAMPLER_CLOCK) /* fields, M, E by FFT: O(N log N), cheaper than the sweep */
        return refresh(s, sl);
    return VS_OK;
}

/* One round of exchanges between (r, r+1), r ≡ parity (mod 2), in increasing r (serial). */
static void exchange_round(vs_sampler *s, int parity)
{
    for (int r = parity; r + 1 < s->nrep; r += 2) {
        vs__slot *a = &s->slot[r], *b = &s->slot[r + 1];
        double dl = (1.0 / a->T - 1.0 / b->T) * (a->c->E - b->c->E);
        s->xatt[r]++;
        int acc = dl >= 0.0 || log(gsl_rng_uniform_pos(s->xrng)) < dl;
        if (acc) {
            vs__config *t = a->c;
            a->c = b->c;
            b->c = t;
            s->xacc[r]++;
            vs__observe_swap(s->obs, r);
        }
    }
    vs__observe_ends(s->obs);
}

/* Automatic threads (option 0) only for lattices of at least this many sites: below it a sweep is
 * too short to pay for the thread barrier after it, and on a loaded machine (more runnable threads
 * than cores) each barrier can cost a scheduler time slice — a 64-site ladder ran 10× slower on 2
 * threads than on 1 while another process kept a core busy. */
#define VS__SAMPLER_AUTO_THREADS_MIN_SITES 1024

static int thread_count(const vs_sampler *s)
{
#ifdef _OPENMP
    if (s->opt.threads == 0 && s->N < VS__SAMPLER_AUTO_THREADS_MIN_SITES)
        return 1;
    int nt = s->opt.threads > 0 ? s->opt.threads : omp_get_max_threads();
    return nt < s->nrep ? nt : s->nrep;
#else
    (void)s;
    return 1;
#endif
}

VS_API int vs_sampler_sweep(vs_sampler *s, long nsweeps)
{
    VS_CHECK_PTR(s);
    VS_RETURN_ERROR_IF(nsweeps < 0, VS_EINVAL, "%s: nsweeps = %ld must be >= 0", __func__, nsweeps);
    int nt = thread_count(s);
    /* Replicas are handed to threads as they come free (dynamic): a thread that shares its core with
     * another process no longer holds up the sweep with a fixed share of the replicas. Each replica
     * keeps its own stream and state, so the results do not depend on which thread runs it. */
    for (long k = 0; k < nsweeps; k++) {
        int st = VS_OK;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1) reduction(| : st)
#endif
        for (int r = 0; r < s->nrep; r++)
            st |= sweep_slot(s, &s->slot[r], s->sweeps) != VS_OK;
        (void)nt;
        VS_RETURN_ERROR_IF(st != VS_OK, VS_ENUMERIC, "%s: a field refresh failed (fields overflow)",
                           __func__);
        if (s->nrep > 1)
            exchange_round(s, (int)(s->sweeps % 2));
        s->sweeps++;
    }
    return VS_OK;
}

/* ---------------------------------------------------------------- lifecycle */

static int check_ladder(int nrep, const double *T)
{
    VS_RETURN_ERROR_IF(nrep < 1 || nrep > VS__SAMPLER_MAXREP, VS_EINVAL,
                       "vs_sampler_create: nrep = %d outside [1, %d]", nrep, VS__SAMPLER_MAXREP);
    VS_FORWARD_IF_ERROR(vs__check_ptr(T, "vs_sampler_create", "T"));
    for (int r = 0; r < nrep; r++) {
        VS_RETURN_ERROR_IF(!(isfinite(T[r]) && T[r] > 0.0), VS_EINVAL,
                           "vs_sampler_create: T[%d] = %g must be finite and > 0", r, T[r]);
        VS_RETURN_ERROR_IF(r > 0 && !(T[r] > T[r - 1]), VS_EINVAL,
                           "vs_sampler_create: the ladder must be strictly increasing (T[%d] = %g, "
                           "T[%d] = %g)",
                           r - 1, T[r - 1], r, T[r]);
    }
    return VS_OK;
}

/* The per-basis blocks T(0) and A = T(0) + D + U/N. */
static void site_blocks(vs_sampler *s)
{
    int nc = s->nc;
    size_t nn = (size_t)nc * (size_t)nc;
    for (int b = 0; b < s->nb; b++) {
        double *T0 = s->T0 + (size_t)b * nn, *A = s->A + (size_t)b * nn;
        vs__lattice_block(s->lat, (size_t)b, (size_t)b, T0);
        for (size_t i = 0; i < nn; i++)
            A[i] = T0[i] + (s->lat->D ? s->lat->D[i] : 0.0) + (s->lat->U ? s->lat->U[i] / (double)s->N : 0.0);
    }
}

static int config_alloc(vs__config *c, size_t nv, size_t N)
{
    int st = VS_OK;
    c->s = vs__calloc(nv, sizeof(double), &st);
    c->s0 = vs__calloc(nv, sizeof(double), &st);
    c->h0 = vs__calloc(nv, sizeof(double), &st);
    c->changed = vs__calloc(N, sizeof(size_t), &st);
    c->mark = vs__calloc(N, 1, &st);
    return st;
}

static void config_clear(vs__config *c)
{
    vs__free(c->s);
    vs__free(c->s0);
    vs__free(c->h0);
    vs__free(c->changed);
    vs__free(c->mark);
}

/* Automatic refresh period B = min(N, max(1, ⌈0.7 √(N log₂ 2N)⌉)) (sampler.h). A sweep of n moves
 * costs about n (B/2) c_b + (n/B) c_f (c_b: one table lookup, c_f: one refresh ∝ N log N), least at
 * B = √(2 c_f/c_b) ∝ √(N log N); the constant 0.7 is the measured optimum of bench_sampler's B scan
 * (sc, 6-spin kernel, L = 16 and 32: docs/performance.md); within 10 % of it for 0.75–1.5 × B. */
static long auto_refresh(size_t N)
{
    double b = ceil(0.7 * sqrt((double)N * log2(2.0 * (double)N)));
    return (long)fmin((double)N, fmax(1.0, b));
}

VS_API void vs_sampler_free(vs_sampler *s)
{
    if (s == NULL)
        return;
    for (int r = 0; s->slot && r < s->nrep; r++) {
        if (s->slot[r].rng)
            gsl_rng_free(s->slot[r].rng);
        vs_lattice_workspace_free(s->slot[r].ws);
    }
    for (int r = 0; s->cfg && r < s->nrep; r++)
        config_clear(&s->cfg[r]);
    if (s->xrng)
        gsl_rng_free(s->xrng);
    vs__free(s->slot);
    vs__free(s->cfg);
    vs__free(s->T0);
    vs__free(s->A);
    vs__free(s->site);
    vs__free(s->xatt);
    vs__free(s->xacc);
    vs__observe_free(s->obs);
    vs__clock_free(s->clock);
    vs__free(s);
}

/* Allocate everything; sizes checked for overflow first (nrep copies of 3 N·nc doubles). */
static int sampler_alloc(vs_sampler *s)
{
    int st = VS_OK;
    size_t nv, bytes;
    VS_FORWARD_IF_ERROR(vs__size_mul(s->N, (size_t)s->nc, &nv));
    VS_FORWARD_IF_ERROR(vs__size_mul3(nv, 3 * sizeof(double) + sizeof(size_t) + 1, (size_t)s->nrep, &bytes));
    s->slot = vs__calloc((size_t)s->nrep, sizeof *s->slot, &st);
    s->cfg = vs__calloc((size_t)s->nrep, sizeof *s->cfg, &st);
    s->T0 = vs__calloc((size_t)s->nb, (size_t)(s->nc * s->nc) * sizeof(double), &st);
    s->A = vs__calloc((size_t)s->nb, (size_t)(s->nc * s->nc) * sizeof(double), &st);
    s->site = vs__calloc(s->N, 4 * sizeof(int), &st);
    s->xatt = vs__calloc((size_t)s->nrep, sizeof *s->xatt, &st);
    s->xacc = vs__calloc((size_t)s->nrep, sizeof *s->xacc, &st);
    for (int r = 0; st == VS_OK && r < s->nrep; r++)
        st = config_alloc(&s->cfg[r], nv, s->N);
    return st;
}

/* Random unit spins from the slot's stream, then fields, M and E. */
static int config_init(vs_sampler *s, vs__slot *sl)
{
    for (size_t m = 0; m < s->N; m++)
        gsl_ran_dir_nd(sl->rng, (size_t)s->nc, sl->c->s + m * (size_t)s->nc);
    return refresh(s, sl);
}

VS_API int vs_sampler_create(const vs_lattice *lat, int nrep, const double *T, unsigned long seed,
                             const vs_sampler_options *opt, vs_sampler **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_CHECK_PTR(lat);
    VS_RETURN_ERROR_IF(vs_lattice_ncomp(lat) > VS__SAMPLER_NMAX || vs_lattice_ncomp(lat) > VS__LAT_MAXNC,
                       VS_EINVAL, "%s: ncomp = %d is more than the moves support", __func__,
                       vs_lattice_ncomp(lat));
    VS_FORWARD_IF_ERROR(check_ladder(nrep, T));
    int st = VS_OK;
    vs_sampler *s = vs__calloc(1, sizeof *s, &st);
    if (s == NULL)
        return st;
    s->lat = lat;
    if (opt)
        s->opt = *opt;
    else
        vs__sampler_options_default(&s->opt);
    s->nrep = nrep;
    s->nc = vs_lattice_ncomp(lat);
    s->nb = vs_lattice_nbasis(lat);
    s->N = vs_lattice_nsites(lat);
    s->B = s->opt.refresh > 0 ? s->opt.refresh : auto_refresh(s->N);
    VS_GOTO_IF_ERROR(st, sampler_alloc(s), fail);
    site_blocks(s);
    for (size_t m = 0; m < s->N; m++)
        vs__geom_split(&lat->geo, m, s->site + 4 * m, s->site + 4 * m + 3);
    if (s->opt.fields == VS_SAMPLER_CLOCK) /* β_max = E0/T[0]: the ladder increases */
        VS_GOTO_IF_ERROR(st, vs__clock_create(lat, lat->opt.e0 / T[0], s->opt.clock_near, &s->clock), fail);
    s->xrng = new_rng(seed, nrep, &st);
    for (int r = 0; st == VS_OK && r < nrep; r++) {
        vs__slot *sl = &s->slot[r];
        sl->c = &s->cfg[r];
        sl->T = T[r];
        sl->beta = lat->opt.e0 / T[r];
        sl->step = s->opt.step > 0.0 ? s->opt.step : 0.5;
        sl->rng = new_rng(seed, r, &st);
        if (st == VS_OK)
            st = vs_lattice_workspace_create(lat, &sl->ws);
        if (st == VS_OK)
            st = config_init(s, sl);
    }
    if (st == VS_OK)
        st = vs__observe_create(s, &s->obs);
    if (st != VS_OK)
        goto fail;
    *out = s;
    return VS_OK;
fail:
    vs_sampler_free(s);
    return st;
}

/* ---------------------------------------------------------------- queries */

static int check_slot(const vs_sampler *s, int r, int n, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_RETURN_ERROR_IF(r < 0 || r >= n, VS_EINVAL, "%s: slot r = %d outside [0, %d)", func, r, n);
    return VS_OK;
}

VS_API int vs_sampler_nreplicas(const vs_sampler *s)
{
    return s ? s->nrep : 0;
}

VS_API int vs_sampler_spins(const vs_sampler *s, int r, double *out)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, s ? s->nrep : 0, __func__));
    VS_CHECK_PTR(out);
    memcpy(out, s->slot[r].c->s, s->N * (size_t)s->nc * sizeof *out);
    return VS_OK;
}

VS_API int vs_sampler_set_spins(vs_sampler *s, int r, const double *in)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, s ? s->nrep : 0, __func__));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(in, s->N * (size_t)s->nc, __func__, "in"));
    int nc = s->nc;
    for (size_t m = 0; m < s->N; m++) {
        double n2 = 0.0;
        for (int a = 0; a < nc; a++)
            n2 += in[m * nc + a] * in[m * nc + a];
        VS_RETURN_ERROR_IF(!(fabs(sqrt(n2) - 1.0) <= 1e-10), VS_EINVAL,
                           "%s: spin %zu has |s| = %.17g, not 1 within 1e-10", __func__, m, sqrt(n2));
    }
    memcpy(s->slot[r].c->s, in, s->N * (size_t)nc * sizeof *in);
    return refresh(s, &s->slot[r]);
}

VS_API int vs_sampler_energy(const vs_sampler *s, int r, double *E)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, s ? s->nrep : 0, __func__));
    VS_CHECK_PTR(E);
    *E = s->slot[r].c->E;
    return VS_OK;
}

VS_API int vs_sampler_temperature(const vs_sampler *s, int r, double *T)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, s ? s->nrep : 0, __func__));
    VS_CHECK_PTR(T);
    *T = s->slot[r].T;
    return VS_OK;
}

VS_API int vs_sampler_acceptance(const vs_sampler *s, int r, double *rate)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, s ? s->nrep : 0, __func__));
    VS_CHECK_PTR(rate);
    const vs__slot *sl = &s->slot[r];
    *rate = sl->nprop ? (double)sl->nacc / (double)sl->nprop : 0.0;
    return VS_OK;
}

VS_API int vs_sampler_exchange_rate(const vs_sampler *s, int r, double *rate)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, s ? s->nrep - 1 : 0, __func__));
    VS_CHECK_PTR(rate);
    *rate = s->xatt[r] ? (double)s->xacc[r] / (double)s->xatt[r] : 0.0;
    return VS_OK;
}
