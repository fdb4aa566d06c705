/*
 * The clock (factorized-Metropolis) move's tables and filter (issue 13; docs/sampler.md, "The clock
 * sweep"; Michel, Tan and Deng, PRE 99, 010105(R) (2019)).
 *
 * Split of the site target. For site m (basis b) the pair partners j ≠ m are indexed by entries
 * e = (b', x): partner basis b', cell displacement x = c_m − c_j (periodic: modulo L; open:
 * −L < x_i < L, partners outside the cluster are "phantoms"). The table is translation invariant,
 * so the entries, their blocks T_e = T(r_m − r_j) and spectral norms ‖T_e‖₂ depend on b only. The
 * self-image (b, 0) is not an entry: T(0) is exact in the site target's A (sampler_internal.h).
 * Entries are sorted by ‖T_e‖₂ (descending); the first K form the NEAR set, whose field
 *     h_near = Σ_{e near} T_e s_{j(e)}
 * enters the proposal's site target exactly; the rest is FAR and enters only through the filter
 *     P_far(s_m → s') = Π_{e far} min(1, exp(−β ΔE_e)),   ΔE_e = −E0 δᵀ T_e s_j,  δ = s' − s_m.
 * Each factor f(x) = min(1, e^{−x}) has f(x)/f(−x) = e^{−x}, so (proposal MH of the near target) ×
 * P_far satisfies detailed balance with respect to the full target.
 *
 * The filter as a thinned Poisson process (no loop over the far partners): with the Cauchy–Schwarz
 * bound λ_e = β E0 |δ| ‖T_e‖₂ ≥ β ΔE_e⁺ (|s_j| = 1), draw events of a Poisson process of total rate
 * Λ = β E0 |δ| S_far(b), S_far(b) = Σ_{e far} ‖T_e‖₂, each landing on entry e with probability
 * λ_e/Λ (Walker alias table, gsl_ran_discrete), and reject the move at an event with probability
 * β ΔE_e⁺/λ_e. The events at e form independent Poisson processes of rate λ_e; the rejecting ones of
 * rate β ΔE_e⁺; so P(no rejection) = Π_e exp(−β ΔE_e⁺) = P_far exactly, with no de-duplication.
 * A phantom entry never rejects (ΔE = 0). Cost: the expected events per move, at most Λ and, as the
 * process stops at the first rejection, bounded however large the lattice (far_events below). The
 * events are drawn a batch ahead and their memory prefetched (vs__clock_far_filter, below).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lattice/lattice_internal.h"
#include "sampler_internal.h"

/* One pair entry of a source basis site. */
typedef struct clock_entry {
    double norm; /* ‖T_e‖₂ */
    size_t off;  /* offset of the packed block T_e = T(r_m − r_j) in lat->ttab */
    int bp;      /* partner basis b' */
    int x[3];    /* c_m − c_j */
} clock_entry;

/* One far entry k as the filter reads it: its alias slot and its own data in 32 bytes (two per cache
 * line), so that an event touches one record (plus the alias target's when redirected), the block
 * and the partner's spin. f, a: slot k of the GSL alias table (gsl_ran_discrete's F[k], A[k]). */
typedef struct far_rec {
    double f;     /* F[k] (GSL's Knuth convention: (k + F)/K) */
    double norm;  /* ‖T_k‖₂ */
    uint32_t a;   /* A[k] */
    uint32_t blk; /* T_k = lat->ttab + blk·npack */
    int16_t x[3]; /* c_m − c_j */
    uint16_t bp;  /* partner basis */
} far_rec;

/* The entries of one source basis site: e[0..nnear) the near ones (sorted by norm), rec[0..nfar) the
 * far ones (same order). */
typedef struct clock_basis {
    clock_entry *e;
    far_rec *rec;
    size_t nnear, nfar;
    double s_far;              /* S_far = Σ_far ‖T_e‖₂ */
    gsl_ran_discrete_t *alias; /* over the far entries, ∝ ‖T_e‖₂ (NULL when S_far = 0) */
} clock_basis;

struct vs__clock {
    const struct vs_lattice *lat;
    int nb, nc;
    int idx[VS__LAT_MAXNC * VS__LAT_MAXNC]; /* packed index of (a, b) */
    clock_basis *basis;
};

/* Spectral norm of the symmetric packed block p (nc×nc): max |eigenvalue| (vs__sym_eigen, the
 * library's one symmetric eigen-solver: LAPACK dsyev, no GSL error handler involved). */
static int block_norm(int nc, const int *idx, const double *p, double *norm)
{
    double A[VS__LAT_MAXNC * VS__LAT_MAXNC], w[VS__LAT_MAXNC];
    for (int i = 0; i < nc; i++)
        for (int j = 0; j < nc; j++)
            A[i * nc + j] = p[idx[i * nc + j]];
    VS_FORWARD_IF_ERROR(vs__sym_eigen(nc, A, w, NULL));
    /* a bound must bound: the eigen-solve's relative error is O(nc ε), so 1e-12 makes
     * λ_e ≥ β ΔE_e⁺ hold strictly (any larger bound is exact too, it only adds events) */
    *norm = fmax(fabs(w[0]), fabs(w[nc - 1])) * (1.0 + 1e-12);
    return VS_OK;
}

/* The sort key of a norm: the norm rounded to 30 significant bits. Blocks related by a lattice
 * symmetry have equal norms mathematically, but the eigen-solver's last bits depend on the BLAS
 * library's thread count (OpenBLAS: OPENBLAS_NUM_THREADS / OMP_NUM_THREADS); sorting by the exact
 * norm would then order such ties, and so the near set and the alias tables, differently from one
 * process to the next. Rounded, ties stay ties and fall to the fixed order below. (The bounds
 * themselves keep the exact norms.) */
static double norm_key(double x)
{
    int e;
    double m = frexp(x, &e);
    return ldexp(nearbyint(ldexp(m, 30)), e - 30);
}

static int entry_cmp(const void *pa, const void *pb)
{
    const clock_entry *a = pa, *b = pb;
    double ka = norm_key(a->norm), kb = norm_key(b->norm);
    if (ka != kb)
        return ka > kb ? -1 : 1;
    /* ties: by partner basis, then displacement (a fixed order whatever qsort does) */
    if (a->bp != b->bp)
        return a->bp < b->bp ? -1 : 1;
    for (int i = 0; i < 3; i++)
        if (a->x[i] != b->x[i])
            return a->x[i] < b->x[i] ? -1 : 1;
    return 0;
}

/* The cost model of the automatic near set (docs/sampler.md, "The clock sweep"), in units of one
 * near block product: a move costs about C0 (the proposal: site target, vMF draw) + K (the near
 * field) + KAPPA·⟨events⟩ (each an alias draw, two variates, the partner's address and a δᵀT s_j
 * product), and it is accepted by the far filter with probability about exp(−γ_n b), b = β E0
 * S_far(K), γ_n = GAMMA_N/n: fitted to the acceptances of heat bath + over-relaxation at 1.1 T_c
 * (Luttinger–Tisza) on the sc lattice, L = 16, K = 0 … 728: −ln P_acc / b = 0.16–0.20 (dipolar,
 * n = 3) and 0.09–0.10 (elastic, n = 6). ⟨events⟩ (far_events) is at most Λ̄ = √2 b (⟨|δ|⟩ ≈ √2) but
 * saturates at √2/γ_n, as the filter stops at the first rejection; counting Λ̄ (the first version of
 * this model) charged the far part like ln L and pushed K up with L (elastic 181 → 460 from
 * L = 8 to 64) where the measured cost per accepted move is flat or rising in K (the near-set scans
 * of bench_clock: at L = 64, K = 181 is 1.4× cheaper than K = 460). The automatic K minimises the
 * cost per accepted move, (C0 + K + KAPPA ⟨events⟩) exp(γ_n b); it hardly depends on L now. */
#define VS__CLOCK_C0      30.0
#define VS__CLOCK_KAPPA   3.0
#define VS__CLOCK_GAMMA_N 0.55

/* The expected number of filter events of a move, b = β E0 S_far(K): the process has Λ̄ = √2 b events
 * on average but stops at the first rejection, and the rejections come at the rate γ_n b/Λ̄ per event,
 * so ⟨events⟩ = Λ̄ (1 − e^{−γ_n b})/(γ_n b) = √2 (1 − e^{−γ_n b})/γ_n: Λ̄ for small b, bounded by √2/γ_n
 * (≈ 15 for n = 6) however large b is. */
static double far_events(double b, double gamma)
{
    return gamma * b < 1e-8 ? 1.4142135623730951 * b : 1.4142135623730951 * -expm1(-gamma * b) / gamma;
}

/* All entries of source basis b into e[] (count returned through *n). */
static void list_entries(const struct vs_lattice *l, int b, clock_entry *e, size_t *n)
{
    const vs__geom *g = &l->geo;
    size_t k = 0;
    for (int bp = 0; bp < g->nb; bp++) {
        size_t p = g->nb == 1 ? 0 : (size_t)vs__pack_index(g->nb, b, bp);
        for (int d0 = 0; d0 < g->g[0]; d0++)
            for (int d1 = 0; d1 < g->g[1]; d1++)
                for (int d2 = 0; d2 < g->g[2]; d2++) {
                    int d[3] = {d0, d1, d2}, x[3], skip = 0;
                    for (int i = 0; i < 3; i++) {
                        x[i] = d[i];
                        if (g->open) { /* x ∈ (−L, L): d < L → x = d; d > L → x = d − 2L; d = L: none */
                            skip |= d[i] == g->L[i];
                            x[i] = d[i] < g->L[i] ? d[i] : d[i] - g->g[i];
                        }
                    }
                    if (skip || (bp == b && x[0] == 0 && x[1] == 0 && x[2] == 0))
                        continue;
                    /* the address of table_block in sampler.c: disp = sign·x mod g, sign = +1 iff b ≤ b' */
                    int sign = b <= bp ? 1 : -1;
                    size_t disp = 0;
                    for (int i = 0; i < 3; i++) {
                        int y = (sign * x[i]) % g->g[i];
                        y += y < 0 ? g->g[i] : 0;
                        disp = disp * (size_t)g->g[i] + (size_t)y;
                    }
                    e[k].off = (p * g->ngrid + disp) * (size_t)l->npack;
                    e[k].bp = bp;
                    memcpy(e[k].x, x, sizeof x);
                    k++;
                }
    }
    *n = k;
}

/* The far records of cb (entries cb->e[nnear..), alias cb->alias), then e shrunk to the near ones.
 * The records' narrow fields bound the sizes: beyond them (tables of ≥ 2³² blocks, |x| ≥ 2¹⁵,
 * 2¹⁶ basis sites — far past any memory) VS_EUNSUPPORTED. */
static int far_records(const struct vs_lattice *l, clock_basis *cb)
{
    int st = VS_OK;
    size_t nblk = l->geo.ngrid * (size_t)(l->geo.nb * (l->geo.nb + 1) / 2);
    VS_RETURN_ERROR_IF(nblk > UINT32_MAX || cb->nfar > UINT32_MAX || l->geo.nb > UINT16_MAX ||
                           l->geo.g[0] > INT16_MAX || l->geo.g[1] > INT16_MAX || l->geo.g[2] > INT16_MAX,
                       VS_EUNSUPPORTED, "vs_sampler_create: lattice too large for the clock tables");
    if (cb->nfar > 0) {
        cb->rec = vs__calloc(cb->nfar, sizeof *cb->rec, &st);
        VS_FORWARD_IF_ERROR(st);
    }
    for (size_t k = 0; k < cb->nfar; k++) {
        const clock_entry *e = &cb->e[cb->nnear + k];
        far_rec *r = &cb->rec[k];
        r->f = cb->alias ? cb->alias->F[k] : 1.0;
        r->a = cb->alias ? (uint32_t)cb->alias->A[k] : (uint32_t)k;
        r->norm = e->norm;
        r->blk = (uint32_t)(e->off / (size_t)l->npack);
        for (int i = 0; i < 3; i++)
            r->x[i] = (int16_t)e->x[i];
        r->bp = (uint16_t)e->bp;
    }
    if (cb->nfar > 0) { /* shrink to the near entries: realloc to fewer bytes keeps the prefix */
        clock_entry *e = realloc(cb->e, (cb->nnear ? cb->nnear : 1) * sizeof *e);
        if (e != NULL)
            cb->e = e;
    }
    return VS_OK;
}

void vs__clock_free(vs__clock *c)
{
    if (c == NULL)
        return;
    for (int b = 0; c->basis && b < c->nb; b++) {
        vs__free(c->basis[b].e);
        vs__free(c->basis[b].rec);
        if (c->basis[b].alias)
            gsl_ran_discrete_free(c->basis[b].alias);
    }
    vs__free(c->basis);
    vs__free(c);
}

/* Number of near entries: `near` ≥ 0 as given (at most n); −1 automatic: the K of least cost per
 * accepted move at β_max (the cost model above; entries sorted, so the near set is a prefix). tail[k]
 * = Σ_{k' ≥ k} ‖T_k'‖₂ (n + 1 values). */
static size_t near_count(const double *tail, size_t n, int nc, double beta_max, double e0, long near)
{
    if (near >= 0)
        return (size_t)near < n ? (size_t)near : n;
    double gamma = VS__CLOCK_GAMMA_N / nc, best = INFINITY;
    size_t kbest = 0;
    for (size_t k = 0; k <= n; k++) {
        double bs = beta_max * e0 * tail[k];
        double f = (VS__CLOCK_C0 + (double)k + VS__CLOCK_KAPPA * far_events(bs, gamma)) * exp(gamma * bs);
        if (f < best) {
            best = f;
            kbest = k;
        }
    }
    return kbest;
}

int vs__clock_create(const struct vs_lattice *l, double beta_max, long near, vs__clock **out)
{
    *out = NULL;
    int st = VS_OK;
    vs__clock *c = vs__calloc(1, sizeof *c, &st);
    if (c == NULL)
        return st;
    c->lat = l;
    c->nb = l->geo.nb;
    c->nc = l->nc;
    for (int a = 0; a < c->nc; a++)
        for (int b = 0; b < c->nc; b++)
            c->idx[a * c->nc + b] = vs__pack_index(c->nc, a, b);
    c->basis = vs__calloc((size_t)c->nb, sizeof *c->basis, &st);
    size_t cap = (size_t)c->nb * l->geo.ngrid;
    double *p = vs__calloc(cap + 1, sizeof *p, &st);
    for (int b = 0; st == VS_OK && b < c->nb; b++) {
        clock_basis *cb = &c->basis[b];
        size_t n;
        cb->e = vs__calloc(cap, sizeof *cb->e, &st);
        if (st != VS_OK)
            break;
        list_entries(l, b, cb->e, &n);
        for (size_t k = 0; st == VS_OK && k < n; k++)
            st = block_norm(c->nc, c->idx, l->ttab + cb->e[k].off, &cb->e[k].norm);
        if (st != VS_OK)
            break;
        qsort(cb->e, n, sizeof *cb->e, entry_cmp);
        /* tail sums, smallest first (less round-off): p[k] = Σ_{k' ≥ k} ‖T_k'‖₂ */
        p[n] = 0.0;
        for (size_t k = n; k-- > 0;)
            p[k] = p[k + 1] + cb->e[k].norm;
        cb->nnear = near_count(p, n, c->nc, beta_max, l->opt.e0, near);
        cb->nfar = n - cb->nnear;
        cb->s_far = p[cb->nnear];
        for (size_t k = cb->nnear; k < n; k++)
            p[k - cb->nnear] = cb->e[k].norm;
        if (cb->s_far > 0.0) {
            cb->alias = gsl_ran_discrete_preproc(cb->nfar, p);
            if (cb->alias == NULL)
                st = vs__error(VS_ENOMEM, "vs_sampler_create: out of memory (clock alias table)");
        }
        if (st == VS_OK)
            st = far_records(l, cb);
    }
    vs__free(p);
    if (st != VS_OK) {
        vs__clock_free(c);
        return st;
    }
    *out = c;
    return VS_OK;
}

/* Site index of the partner at displacement x, basis bp, of the site with cell cm, or (size_t)−1 for a
 * phantom (open cluster, partner outside). */
static inline size_t site_at(const vs__geom *g, const int *cm, int x0, int x1, int x2, int bp)
{
    const int x[3] = {x0, x1, x2};
    size_t j = 0;
    for (int i = 0; i < 3; i++) {
        int y = cm[i] - x[i];
        if (g->open) {
            if (y < 0 || y >= g->L[i])
                return (size_t)-1;
        } else {
            y += y < 0 ? g->L[i] : 0;
            y -= y >= g->L[i] ? g->L[i] : 0;
        }
        j = j * (size_t)g->L[i] + (size_t)y;
    }
    return j * (size_t)g->nb + (size_t)bp;
}

static inline size_t partner(const vs__geom *g, const int *cm, const clock_entry *e)
{
    return site_at(g, cm, e->x[0], e->x[1], e->x[2], e->bp);
}

static inline size_t rec_partner(const vs__geom *g, const int *cm, const far_rec *r)
{
    return site_at(g, cm, r->x[0], r->x[1], r->x[2], r->bp);
}

size_t vs__clock_nnear(const vs__clock *c, int b)
{
    return c->basis[b].nnear;
}

size_t vs__clock_nfar(const vs__clock *c, int b)
{
    return c->basis[b].nfar;
}

double vs__clock_far_norm(const vs__clock *c, int b)
{
    return c->basis[b].s_far;
}

void vs__clock_far_entry(const vs__clock *c, int b, size_t k, int *bp, int *x, double *norm)
{
    const far_rec *r = &c->basis[b].rec[k];
    *bp = r->bp;
    for (int i = 0; i < 3; i++)
        x[i] = r->x[i];
    *norm = r->norm;
}

size_t vs__clock_far_draw(const vs__clock *c, gsl_rng *r, int b)
{
    return gsl_ran_discrete(r, c->basis[b].alias);
}

void vs__clock_near_field(const vs__clock *c, const double *spins, const int *cm, double *h)
{
    const struct vs_lattice *l = c->lat;
    const clock_basis *cb = &c->basis[cm[3]];
    int nc = c->nc;
    for (int a = 0; a < nc; a++)
        h[a] = 0.0;
    if (nc == 6) { /* the elastic kernel: packed offsets spelled out, accumulators in registers */
        double h0 = 0.0, h1 = 0.0, h2 = 0.0, h3 = 0.0, h4 = 0.0, h5 = 0.0;
        for (size_t k = 0; k < cb->nnear; k++) {
            size_t j = partner(&l->geo, cm, &cb->e[k]);
            if (j == (size_t)-1)
                continue;
            const double *t = l->ttab + cb->e[k].off, *d = spins + 6 * j;
            h0 += t[0] * d[0] + t[1] * d[1] + t[2] * d[2] + t[3] * d[3] + t[4] * d[4] + t[5] * d[5];
            h1 += t[1] * d[0] + t[6] * d[1] + t[7] * d[2] + t[8] * d[3] + t[9] * d[4] + t[10] * d[5];
            h2 += t[2] * d[0] + t[7] * d[1] + t[11] * d[2] + t[12] * d[3] + t[13] * d[4] + t[14] * d[5];
            h3 += t[3] * d[0] + t[8] * d[1] + t[12] * d[2] + t[15] * d[3] + t[16] * d[4] + t[17] * d[5];
            h4 += t[4] * d[0] + t[9] * d[1] + t[13] * d[2] + t[16] * d[3] + t[18] * d[4] + t[19] * d[5];
            h5 += t[5] * d[0] + t[10] * d[1] + t[14] * d[2] + t[17] * d[3] + t[19] * d[4] + t[20] * d[5];
        }
        h[0] = h0, h[1] = h1, h[2] = h2, h[3] = h3, h[4] = h4, h[5] = h5;
        return;
    }
    for (size_t k = 0; k < cb->nnear; k++) {
        size_t j = partner(&l->geo, cm, &cb->e[k]);
        if (j == (size_t)-1)
            continue;
        const double *t = l->ttab + cb->e[k].off, *sj = spins + (size_t)nc * j;
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++)
                h[a] += t[c->idx[a * nc + b]] * sj[b];
    }
}

/* δᵀ T_e s_j for the packed block tb: the filter's one product (one function, so that the reference
 * and the batched filter compute the same bits). */
static inline double pair_product(const vs__clock *c, const double *tb, const double *sj, const double *d)
{
    int nc = c->nc;
    double x = 0.0;
    for (int a = 0; a < nc; a++) {
        double y = 0.0;
        for (int b = 0; b < nc; b++)
            y += tb[c->idx[a * nc + b]] * sj[b];
        x += d[a] * y;
    }
    return x;
}

/* The filter's setting for one move: |δ| and Λ = β E0 |δ| S_far. */
static double far_rate(const vs__clock *c, const clock_basis *cb, double beta, const double *d, double *dn)
{
    double s2 = 0.0;
    for (int a = 0; a < c->nc; a++)
        s2 += d[a] * d[a];
    *dn = sqrt(s2);
    return beta * c->lat->opt.e0 * *dn * cb->s_far;
}

/* One event of the Poisson process, as drawn and decided one at a time (the reference order of the
 * random draws: gap, alias, u): 1 the process ended (accept), 0 reject, −1 go on. The rejection
 * probability at e is β ΔE_e⁺/λ_e = (−δᵀT_e s_j)⁺/(|δ| ‖T_e‖₂). */
static int far_event(const vs__clock *c, const clock_basis *cb, gsl_rng *r, const double *spins, const int *cm,
                     const double *d, double dn, double lambda, double *t)
{
    *t += gsl_ran_exponential(r, 1.0);
    if (!(*t < lambda))
        return 1;
    const far_rec *e = &cb->rec[gsl_ran_discrete(r, cb->alias)];
    size_t j = rec_partner(&c->lat->geo, cm, e);
    double u = gsl_rng_uniform(r); /* drawn for every event: the stream does not depend on j */
    if (j == (size_t)-1)
        return -1;
    double x = pair_product(c, c->lat->ttab + (size_t)e->blk * (size_t)c->lat->npack, spins + (size_t)c->nc * j, d);
    return -x > 0.0 && u * dn * e->norm < -x ? 0 : -1;
}

int vs__clock_far_filter_ref(const vs__clock *c, gsl_rng *r, double beta, const double *spins, const int *cm,
                             const double *d)
{
    const clock_basis *cb = &c->basis[cm[3]];
    double dn, t = 0.0, lambda = far_rate(c, cb, beta, d, &dn);
    if (!(lambda > 0.0))
        return 1;
    for (;;) {
        int v = far_event(c, cb, r, spins, cm, d, dn, lambda, &t);
        if (v >= 0)
            return v;
    }
}

/* Memory-level parallelism (docs/performance.md, "Clock sweep"). On a large lattice every event reads
 * an alias slot, a far record, a T block and the partner's spin at random addresses (tens of MB at
 * L = 64: cache and TLB misses, one after the other when the events are decided one at a time). The
 * draws do not depend on the spins, so the batched filter draws FAR_BATCH events ahead (in the
 * reference order), prefetches what each reads — alias slots, then the redirected records, then the
 * blocks and spins — and decides them in order. The draws after a rejecting event are then taken
 * back: GSL's mt19937 (the sampler's generator) reads its block of 624 words at the index mti, so
 * setting mti back restores the stream exactly, as long as no block regeneration happened in the
 * batch (guaranteed by starting a batch only with 3·FAR_BATCH words left in the block, and checked by
 * the word count). The chain is the reference chain bit for bit (test_clock_batched_filter_is_the_
 * reference). Another generator type takes the reference path. */
#define FAR_BATCH 8
#define MT_N      624

/* GSL's mt19937 state (rng/mt.c: unsigned long mt[624]; int mti), recognised by type and size. */
typedef struct mt_mirror {
    unsigned long mt[MT_N];
    int mti;
} mt_mirror;

static mt_mirror *mt_state(gsl_rng *r)
{
    return r->type == gsl_rng_mt19937 && r->type->size == sizeof(mt_mirror) ? gsl_rng_state(r) : NULL;
}

static inline void prefetch_bytes(const void *p, size_t n)
{
    const char *q = p;
    for (size_t o = 0; o < n; o += 64)
        __builtin_prefetch(q + o);
    __builtin_prefetch(q + n - 1);
}

int vs__clock_far_filter(const vs__clock *c, gsl_rng *r, double beta, const double *spins, const int *cm,
                         const double *d)
{
    const struct vs_lattice *l = c->lat;
    const clock_basis *cb = &c->basis[cm[3]];
    mt_mirror *mt = mt_state(r);
    if (mt == NULL)
        return vs__clock_far_filter_ref(c, r, beta, spins, cm, d);
    double dn, t = 0.0, lambda = far_rate(c, cb, beta, d, &dn);
    if (!(lambda > 0.0))
        return 1;
    const size_t nc = (size_t)c->nc, blk_bytes = (size_t)l->npack * sizeof(double);
    for (;;) {
        int mti0 = mt->mti;
        if (mti0 > MT_N - 3 * FAR_BATCH) { /* the block's end: one event at a time until it regenerates */
            int v = far_event(c, cb, r, spins, cm, d, dn, lambda, &t);
            if (v >= 0)
                return v;
            continue;
        }
        size_t slot[FAR_BATCH], j[FAR_BATCH];
        double ua[FAR_BATCH], u[FAR_BATCH];
        int mti[FAR_BATCH], n = 0, end = 0;
        const far_rec *e[FAR_BATCH];
        for (; n < FAR_BATCH; n++) { /* the draws, in the reference order */
            t += gsl_ran_exponential(r, 1.0);
            if (!(t < lambda)) {
                end = 1;
                break;
            }
            ua[n] = gsl_rng_uniform(r); /* gsl_ran_discrete's own draw and slot (discrete.c) */
            slot[n] = (size_t)(ua[n] * (double)cb->nfar);
            __builtin_prefetch(&cb->rec[slot[n]]);
            u[n] = gsl_rng_uniform(r);
            mti[n] = mt->mti;
        }
        int rewind = mt->mti == mti0 + 3 * n + end; /* one word per draw, no regeneration */
        for (int i = 0; i < n; i++) { /* gsl_ran_discrete's choice: the slot or its alias */
            const far_rec *s = &cb->rec[slot[i]];
            e[i] = s->f == 1.0 || ua[i] < s->f ? s : &cb->rec[s->a];
            __builtin_prefetch(e[i]);
        }
        for (int i = 0; i < n; i++) {
            j[i] = rec_partner(&l->geo, cm, e[i]);
            if (j[i] == (size_t)-1)
                continue;
            prefetch_bytes(spins + nc * j[i], nc * sizeof(double));
            prefetch_bytes(l->ttab + (size_t)e[i]->blk * (size_t)l->npack, blk_bytes);
        }
        for (int i = 0; i < n; i++) {
            if (j[i] == (size_t)-1)
                continue;
            double x = pair_product(c, l->ttab + (size_t)e[i]->blk * (size_t)l->npack, spins + nc * j[i], d);
            if (-x > 0.0 && u[i] * dn * e[i]->norm < -x) {
                if (rewind)
                    mt->mti = mti[i];
                return 0;
            }
        }
        if (end)
            return 1;
    }
}
