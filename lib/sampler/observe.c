/*
 * The sampler's observables (include/libvoigtspin/sampler.h, "Observables"; docs/sampler.md,
 * "Observables"): per slot (temperature) accumulators of stats.h fed by vs_sampler_measure(), the
 * mean structure factor, and the parallel-tempering round trips.
 *
 * Per slot:
 *  - one blocking accumulator (vs__stats_blocks) per measured scalar series: E/N, |m|, |m|², |m|⁴,
 *    the same for |m_c| and |m_s| (ncomp = 6), max_k S(k). A primary key reports the series' mean,
 *    its blocking error and τ_int (½ + Σρ).
 *  - one binned accumulator (vs__stats_bins) of the moments e, e², |m|, |m|², |m|⁴ (+ the m_c and
 *    m_s moments for ncomp = 6), e = E − E_ref with E_ref the slot's first measured energy (fixed
 *    thereafter, so that ⟨e²⟩ − ⟨e⟩² does not cancel against ⟨E⟩²). A derived key (C, χ, Binder)
 *    is a function of these averages: jackknife value and error (stats.h); its τ_int is that of the
 *    primary series it fluctuates (E for C, |m|² for χ and Binder, likewise m_c², |m_s|²).
 *  - Σ S(k) over the measurements on the supercell grid (lattice/structure.c).
 *
 * Round trips: the label of the configuration in each slot (NONE, UP = visited T[0] last of the two
 * ends, DOWN = visited T[R−1] after T[0]) travels with the configuration: sampler.c swaps the labels
 * with the configurations (vs__observe_swap) and calls vs__observe_ends after each exchange round.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common/bytes.h"
#include "lattice/lattice_internal.h"
#include "sampler/stats.h"
#include "sampler_internal.h"
#include "sampler_state.h"

/* Measured series (blocking accumulators). */
enum { SER_E, SER_M, SER_M2, SER_M4, SER_C, SER_C2, SER_C4, SER_S, SER_S2, SER_S4, SER_SK, NSER };
/* Moments of the binned accumulator: the energy pair, then (|x|, x², x⁴) per order parameter. */
enum { MOM_E, MOM_E2, MOM_M, MOM_M2, MOM_M4, MOM_C, MOM_C2, MOM_C4, MOM_S, MOM_S2, MOM_S4, NMOM };
enum { LABEL_NONE = 0, LABEL_UP = 1, LABEL_DOWN = 2 };

/* Largest |value| accepted by a measurement: its square times any int64 count stays finite, so the
 * accumulators' adds cannot fail once the values are checked (vs_sampler_measure changes nothing
 * on error). */
#define OBS_MAXABS 1e140
/* ASCII "VSOBSRV1" read as a little-endian uint64: the format tag of vs__observe_pack. */
#define OBS_TAG 0x31565253424f5356ULL

typedef struct obs_slot {
    vs__stats_blocks ser[NSER];
    vs__stats_bins mom;
    double eref;
    double *sk; /* Σ_measurements S(k), ncells values */
} obs_slot;

struct vs__observe {
    int nrep, nmom;
    size_t ngk;     /* grid points L1 L2 L3 */
    int64_t nmeas;  /* measurements */
    int64_t trips;  /* round trips */
    int64_t *label; /* label of the configuration in slot r */
    obs_slot *slot;
    double *skbuf; /* one measurement's S(k) */
};

/* ---------------------------------------------------------------- lifecycle */

static void obs_clear_state(struct vs__observe *o)
{
    o->nmeas = 0;
    o->trips = 0;
    for (int r = 0; r < o->nrep; r++) {
        obs_slot *sl = &o->slot[r];
        for (int i = 0; i < NSER; i++)
            vs__stats_blocks_init(&sl->ser[i]);
        vs__stats_bins_init(&sl->mom, o->nmom);
        sl->eref = 0.0;
        memset(sl->sk, 0, o->ngk * sizeof *sl->sk);
        o->label[r] = r == 0 ? LABEL_UP : LABEL_NONE;
    }
}

void vs__observe_free(struct vs__observe *o)
{
    if (o == NULL)
        return;
    for (int r = 0; o->slot && r < o->nrep; r++)
        vs__free(o->slot[r].sk);
    vs__free(o->slot);
    vs__free(o->label);
    vs__free(o->skbuf);
    vs__free(o);
}

/* A fresh, empty state for s (nothing of s is read but its sizes). */
static int obs_new(const struct vs_sampler *s, struct vs__observe **out)
{
    int st = VS_OK;
    struct vs__observe *o = vs__calloc(1, sizeof *o, &st);
    if (o == NULL)
        return st;
    o->nrep = s->nrep;
    o->nmom = s->nc == 6 ? NMOM : MOM_M4 + 1;
    o->ngk = s->lat->geo.ncells;
    o->label = vs__calloc((size_t)s->nrep, sizeof *o->label, &st);
    o->slot = vs__calloc((size_t)s->nrep, sizeof *o->slot, &st);
    o->skbuf = vs__calloc(o->ngk, sizeof *o->skbuf, &st);
    for (int r = 0; st == VS_OK && r < s->nrep; r++)
        o->slot[r].sk = vs__calloc(o->ngk, sizeof *o->slot[r].sk, &st);
    if (st != VS_OK) {
        vs__observe_free(o);
        return st;
    }
    obs_clear_state(o);
    *out = o;
    return VS_OK;
}

int vs__observe_create(const struct vs_sampler *s, struct vs__observe **out)
{
    *out = NULL;
    return obs_new(s, out);
}

/* ---------------------------------------------------------------- round trips */

void vs__observe_swap(struct vs__observe *o, int r)
{
    int64_t t = o->label[r];
    o->label[r] = o->label[r + 1];
    o->label[r + 1] = t;
}

void vs__observe_ends(struct vs__observe *o)
{
    int top = o->nrep - 1;
    if (top < 1)
        return;
    if (o->label[top] == LABEL_UP)
        o->label[top] = LABEL_DOWN;
    if (o->label[0] == LABEL_DOWN)
        o->trips++;
    o->label[0] = LABEL_UP;
}

/* The label of the configuration in slot r (0 none, 1 up, 2 down), read and set by the export and
 * import of one configuration (sampler_config.c): the label travels with the configuration. */
int vs__observe_label(const struct vs__observe *o, int r)
{
    return (int)o->label[r];
}

void vs__observe_set_label(struct vs__observe *o, int r, int label)
{
    o->label[r] = label;
}

/* ---------------------------------------------------------------- measurement */

/* The order parameters of M (total spin): |m|; for ncomp = 6 also |m_c| and |m_s|. */
static void order_params(const vs_sampler *s, const double *M, double *am, double *ac, double *as)
{
    int nc = s->nc;
    double N = (double)s->N, m[VS__LAT_MAXNC], m2 = 0.0;
    for (int a = 0; a < nc; a++) {
        m[a] = M[a] / N;
        m2 += m[a] * m[a];
    }
    *am = sqrt(m2);
    *ac = *as = 0.0;
    if (nc != 6)
        return;
    /* the spin basis of the coupling (elastic.h, vs_spin_basis): component 0 is the compression q1,
     * components 1 … 5 the shear */
    double s2 = 0.0;
    for (int a = 1; a < 6; a++)
        s2 += m[a] * m[a];
    *ac = fabs(m[0]);
    *as = sqrt(s2);
}

/* The values of slot r's current configuration: ser[0 … NSER−2] (SER_SK later) and mom[nmom].
 * VS_ENUMERIC if a value is out of the accumulable range. */
static int slot_values(const vs_sampler *s, const struct vs__observe *o, int r, double *ser, double *mom)
{
    const vs__config *c = s->slot[r].c;
    double am, ac, as;
    order_params(s, c->M, &am, &ac, &as);
    double e = c->E - (o->nmeas == 0 ? c->E : o->slot[r].eref);
    VS_RETURN_ERROR_IF(!(fabs(c->E) <= OBS_MAXABS && fabs(e) <= OBS_MAXABS), VS_ENUMERIC,
                       "vs_sampler_measure: energy %g of slot %d too large to accumulate", c->E, r);
    double x[3] = {am, ac, as};
    ser[SER_E] = c->E / (double)s->N;
    mom[MOM_E] = e;
    mom[MOM_E2] = e * e;
    for (int j = 0; j < 3; j++) {
        double x2 = x[j] * x[j];
        ser[SER_M + 3 * j] = x[j];
        ser[SER_M2 + 3 * j] = x2;
        ser[SER_M4 + 3 * j] = x2 * x2;
        if (MOM_M + 3 * j < o->nmom) {
            mom[MOM_M + 3 * j] = x[j];
            mom[MOM_M2 + 3 * j] = x2;
            mom[MOM_M4 + 3 * j] = x2 * x2;
        }
    }
    return VS_OK;
}

/* Add S(k) of slot r's configuration (in o->skbuf) to the sums; returns the maximum. */
static double add_structure_factor(struct vs__observe *o, int r)
{
    double mx = o->skbuf[0];
    double *sum = o->slot[r].sk;
    for (size_t i = 0; i < o->ngk; i++) {
        sum[i] += o->skbuf[i];
        mx = fmax(mx, o->skbuf[i]);
    }
    return mx;
}

VS_API int vs_sampler_measure(vs_sampler *s)
{
    VS_CHECK_PTR(s);
    struct vs__observe *o = s->obs;
    VS_RETURN_ERROR_IF(o->nmeas == INT64_MAX, VS_EOVERFLOW, "%s: the measurement count overflows", __func__);
    double ser[NSER], mom[NMOM];
    /* first pass: every value checked before anything changes */
    for (int r = 0; r < s->nrep; r++)
        VS_FORWARD_IF_ERROR(slot_values(s, o, r, ser, mom));
    for (int r = 0; r < s->nrep; r++) {
        obs_slot *os = &o->slot[r];
        VS_FORWARD_IF_ERROR(slot_values(s, o, r, ser, mom));
        VS_FORWARD_IF_ERROR(vs__lattice_structure_factor_ws(s->lat, s->slot[r].ws, s->slot[r].c->s, o->skbuf));
        if (o->nmeas == 0)
            os->eref = s->slot[r].c->E;
        ser[SER_SK] = add_structure_factor(o, r);
        int nser = s->nc == 6 ? NSER : SER_M4 + 1;
        for (int i = 0; i < nser; i++)
            VS_FORWARD_IF_ERROR(vs__stats_blocks_add(&os->ser[i], ser[i]));
        if (nser < NSER)
            VS_FORWARD_IF_ERROR(vs__stats_blocks_add(&os->ser[SER_SK], ser[SER_SK]));
        VS_FORWARD_IF_ERROR(vs__stats_bins_add(&os->mom, mom));
    }
    o->nmeas++;
    return VS_OK;
}

VS_API int vs_sampler_reset_observables(vs_sampler *s)
{
    VS_CHECK_PTR(s);
    obs_clear_state(s->obs);
    return VS_OK;
}

VS_API int vs_sampler_measurements(const vs_sampler *s, long long *n)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(n);
    *n = (long long)s->obs->nmeas;
    return VS_OK;
}

VS_API int vs_sampler_round_trips(const vs_sampler *s, long long *n)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(n);
    *n = (long long)s->obs->trips;
    return VS_OK;
}

/* ---------------------------------------------------------------- queries */

/* What a key reports: a primary series, or a derived function of the moments with the series whose
 * τ_int it carries. */
typedef struct key_info {
    int series;  /* primary: the series; derived: the series of τ_int */
    int derived; /* 0 primary, 1 fluctuation, 2 Binder */
    int i_lin, i_sq, i4, n;
    int needs6; /* COMP/SHEAR keys */
} key_info;

static int key_lookup(const vs_sampler *s, int key, key_info *ki, const char *func)
{
    static const key_info tab[] = {
        [VS_SAMPLER_OBS_ENERGY] = {SER_E, 0, 0, 0, 0, 0, 0},
        [VS_SAMPLER_OBS_HEAT_CAPACITY] = {SER_E, 1, MOM_E, MOM_E2, 0, 0, 0},
        [VS_SAMPLER_OBS_M] = {SER_M, 0, 0, 0, 0, 0, 0},
        [VS_SAMPLER_OBS_M2] = {SER_M2, 0, 0, 0, 0, 0, 0},
        [VS_SAMPLER_OBS_M4] = {SER_M4, 0, 0, 0, 0, 0, 0},
        [VS_SAMPLER_OBS_CHI] = {SER_M2, 1, MOM_M, MOM_M2, 0, 0, 0},
        [VS_SAMPLER_OBS_BINDER] = {SER_M2, 2, 0, MOM_M2, MOM_M4, 0, 0},
        [VS_SAMPLER_OBS_COMP] = {SER_C, 0, 0, 0, 0, 0, 1},
        [VS_SAMPLER_OBS_COMP2] = {SER_C2, 0, 0, 0, 0, 0, 1},
        [VS_SAMPLER_OBS_COMP4] = {SER_C4, 0, 0, 0, 0, 0, 1},
        [VS_SAMPLER_OBS_COMP_CHI] = {SER_C2, 1, MOM_C, MOM_C2, 0, 0, 1},
        [VS_SAMPLER_OBS_COMP_BINDER] = {SER_C2, 2, 0, MOM_C2, MOM_C4, 1, 1},
        [VS_SAMPLER_OBS_SHEAR] = {SER_S, 0, 0, 0, 0, 0, 1},
        [VS_SAMPLER_OBS_SHEAR2] = {SER_S2, 0, 0, 0, 0, 0, 1},
        [VS_SAMPLER_OBS_SHEAR4] = {SER_S4, 0, 0, 0, 0, 0, 1},
        [VS_SAMPLER_OBS_SHEAR_CHI] = {SER_S2, 1, MOM_S, MOM_S2, 0, 0, 1},
        [VS_SAMPLER_OBS_SHEAR_BINDER] = {SER_S2, 2, 0, MOM_S2, MOM_S4, 5, 1},
        [VS_SAMPLER_OBS_SK_MAX] = {SER_SK, 0, 0, 0, 0, 0, 0},
    };
    VS_RETURN_ERROR_IF(key < VS_SAMPLER_OBS_ENERGY || key > VS_SAMPLER_OBS_SK_MAX, VS_EINVAL,
                       "%s: unknown observable key %d", func, key);
    *ki = tab[key];
    VS_RETURN_ERROR_IF(ki->needs6 && s->nc != 6, VS_EINVAL,
                       "%s: key %d (compression/shear) needs ncomp = 6, the lattice has %d", func, key, s->nc);
    if (key == VS_SAMPLER_OBS_BINDER)
        ki->n = s->nc;
    return VS_OK;
}

static int check_slot(const vs_sampler *s, int r, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_RETURN_ERROR_IF(r < 0 || r >= s->nrep, VS_EINVAL, "%s: slot r = %d outside [0, %d)", func, r, s->nrep);
    return VS_OK;
}

VS_API int vs_sampler_observable(const vs_sampler *s, int r, int key, double *value, double *error,
                                 double *tau_int)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, __func__));
    key_info ki = {0, 0, 0, 0, 0, 0, 0};
    VS_FORWARD_IF_ERROR(key_lookup(s, key, &ki, __func__));
    const obs_slot *os = &s->obs->slot[r];
    VS_RETURN_ERROR_IF(s->obs->nmeas < 2, VS_ENUMERIC, "%s: %lld measurement(s); at least 2 are needed",
                       __func__, (long long)s->obs->nmeas);
    vs__stats_blocks_result br;
    VS_FORWARD_IF_ERROR(vs__stats_blocks_result_get(&os->ser[ki.series], &br));
    double v = br.mean, err = br.err;
    if (ki.derived) {
        double T = s->slot[r].T, N = (double)s->N;
        vs__stats_fluct_ctx fc = {ki.i_sq, ki.i_lin, ki.i_lin == MOM_E ? 1.0 / (N * T * T) : N / T};
        vs__stats_binder_ctx bc = {ki.i_sq, ki.i4, ki.n};
        vs__stats_jackknife jk;
        if (ki.derived == 1)
            VS_FORWARD_IF_ERROR(vs__stats_bins_jackknife(&os->mom, vs__stats_fluct, &fc, &jk));
        else
            VS_FORWARD_IF_ERROR(vs__stats_bins_jackknife(&os->mom, vs__stats_binder, &bc, &jk));
        v = jk.value;
        err = jk.err;
    }
    VS_RETURN_ERROR_IF(!(isfinite(v) && isfinite(err) && isfinite(br.tau_int)), VS_ENUMERIC,
                       "%s: the estimate of key %d is not finite", __func__, key);
    if (value)
        *value = v;
    if (error)
        *error = err;
    if (tau_int)
        *tau_int = br.tau_int;
    return VS_OK;
}

static int check_measured(const vs_sampler *s, const char *func)
{
    VS_RETURN_ERROR_IF(s->obs->nmeas < 1, VS_ENUMERIC, "%s: no measurement yet (vs_sampler_measure)", func);
    return VS_OK;
}

VS_API int vs_sampler_structure_factor(const vs_sampler *s, int r, double *Sk)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, __func__));
    VS_CHECK_PTR(Sk);
    VS_FORWARD_IF_ERROR(check_measured(s, __func__));
    const struct vs__observe *o = s->obs;
    for (size_t i = 0; i < o->ngk; i++)
        Sk[i] = o->slot[r].sk[i] / (double)o->nmeas;
    return VS_OK;
}

VS_API int vs_sampler_structure_factor_peak(const vs_sampler *s, int r, double k[3], double *Smax)
{
    VS_FORWARD_IF_ERROR(check_slot(s, r, __func__));
    VS_FORWARD_IF_ERROR(check_measured(s, __func__));
    const struct vs__observe *o = s->obs;
    const double *sum = o->slot[r].sk;
    size_t best = 0;
    for (size_t i = 1; i < o->ngk; i++)
        if (sum[i] > sum[best] + 1e-12 * fabs(sum[best]))
            best = i;
    const vs__geom *g = &s->lat->geo;
    int q[3] = {(int)(best / ((size_t)g->L[1] * (size_t)g->L[2])), (int)(best / (size_t)g->L[2] % (size_t)g->L[1]),
                (int)(best % (size_t)g->L[2])};
    if (k)
        vs__geom_wavevector(g, q, k);
    if (Smax)
        *Smax = sum[best] / (double)o->nmeas;
    return VS_OK;
}

/* ---------------------------------------------------------------- checkpoint */

/* Header words: tag, nrep, ncomp, ngk, nmeas, trips. */
#define OBS_NHEAD 6

static size_t slot_bytes(size_t ngk)
{
    return 8 + NSER * vs__stats_blocks_size() + vs__stats_bins_size() + 8 * ngk;
}

size_t vs__observe_size(const struct vs_sampler *s)
{
    const struct vs__observe *o = s->obs;
    return 8 * (OBS_NHEAD + (size_t)o->nrep) + (size_t)o->nrep * slot_bytes(o->ngk);
}

int vs__observe_pack(const struct vs_sampler *s, unsigned char *buf)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(buf);
    const struct vs__observe *o = s->obs;
    unsigned char *p = buf;
    p = vs__put_le64(p, OBS_TAG);
    p = vs__put_le64(p, (uint64_t)o->nrep);
    p = vs__put_le64(p, (uint64_t)s->nc);
    p = vs__put_le64(p, (uint64_t)o->ngk);
    p = vs__put_le64(p, (uint64_t)o->nmeas);
    p = vs__put_le64(p, (uint64_t)o->trips);
    for (int r = 0; r < o->nrep; r++)
        p = vs__put_le64(p, (uint64_t)o->label[r]);
    for (int r = 0; r < o->nrep; r++) {
        const obs_slot *os = &o->slot[r];
        p = vs__put_le64f(p, os->eref);
        for (int i = 0; i < NSER; i++) {
            VS_FORWARD_IF_ERROR(vs__stats_blocks_pack(&os->ser[i], p));
            p += vs__stats_blocks_size();
        }
        VS_FORWARD_IF_ERROR(vs__stats_bins_pack(&os->mom, p));
        p += vs__stats_bins_size();
        for (size_t i = 0; i < o->ngk; i++)
            p = vs__put_le64f(p, os->sk[i]);
    }
    return VS_OK;
}

/* Read one slot into os and check it against the measurement count n. */
static int unpack_slot(const struct vs_sampler *s, const struct vs__observe *o, const unsigned char **pp,
                       obs_slot *os)
{
    const char *f = "vs__observe_unpack";
    const unsigned char *p = vs__get_le64f(*pp, &os->eref);
    VS_RETURN_ERROR_IF(!isfinite(os->eref), VS_EINVAL, "%s: E_ref not finite", f);
    for (int i = 0; i < NSER; i++) {
        VS_FORWARD_IF_ERROR(vs__stats_blocks_unpack(p, vs__stats_blocks_size(), &os->ser[i]));
        p += vs__stats_blocks_size();
        int used = s->nc == 6 || i <= SER_M4 || i == SER_SK;
        VS_RETURN_ERROR_IF(os->ser[i].n != (used ? o->nmeas : 0), VS_EINVAL,
                           "%s: series %d holds %lld samples, not %lld", f, i, (long long)os->ser[i].n,
                           (long long)(used ? o->nmeas : 0));
    }
    VS_FORWARD_IF_ERROR(vs__stats_bins_unpack(p, vs__stats_bins_size(), &os->mom));
    p += vs__stats_bins_size();
    VS_RETURN_ERROR_IF(os->mom.nmom != o->nmom || os->mom.width * os->mom.nfull + os->mom.nfill != o->nmeas,
                       VS_EINVAL, "%s: the binned moments do not match the measurement count", f);
    for (size_t i = 0; i < o->ngk; i++) {
        p = vs__get_le64f(p, &os->sk[i]);
        VS_RETURN_ERROR_IF(!(isfinite(os->sk[i]) && os->sk[i] >= 0.0), VS_EINVAL, "%s: S(k) sum not finite",
                           f);
    }
    *pp = p;
    return VS_OK;
}

int vs__observe_unpack(struct vs_sampler *s, const unsigned char *buf, size_t len)
{
    VS_CHECK_PTR(s);
    VS_CHECK_PTR(buf);
    const char *f = __func__;
    VS_RETURN_ERROR_IF(len != vs__observe_size(s), VS_EINVAL, "%s: %zu bytes, expected %zu", f, len,
                       vs__observe_size(s));
    uint64_t h[OBS_NHEAD];
    const unsigned char *p = buf;
    for (int i = 0; i < OBS_NHEAD; i++)
        p = vs__get_le64(p, &h[i]);
    VS_RETURN_ERROR_IF(h[0] != OBS_TAG, VS_EINVAL, "%s: not an observables state (bad tag)", f);
    VS_RETURN_ERROR_IF(h[1] != (uint64_t)s->nrep || h[2] != (uint64_t)s->nc || h[3] != (uint64_t)s->obs->ngk,
                       VS_EINVAL, "%s: state of another sampler (nrep, ncomp or grid differ)", f);
    VS_RETURN_ERROR_IF(h[4] > (uint64_t)INT64_MAX || h[5] > (uint64_t)INT64_MAX, VS_EINVAL,
                       "%s: bad measurement or round-trip count", f);
    struct vs__observe *o = NULL;
    VS_FORWARD_IF_ERROR(obs_new(s, &o));
    int st = VS_OK;
    o->nmeas = (int64_t)h[4];
    o->trips = (int64_t)h[5];
    for (int r = 0; r < o->nrep; r++) {
        uint64_t l;
        p = vs__get_le64(p, &l);
        o->label[r] = (int64_t)l;
        VS_GOTO_IF_ERROR(st, l <= LABEL_DOWN ? VS_OK : vs__error(VS_EINVAL, "%s: bad round-trip label", f), fail);
    }
    for (int r = 0; r < o->nrep; r++)
        VS_GOTO_IF_ERROR(st, unpack_slot(s, o, &p, &o->slot[r]), fail);
    vs__observe_free(s->obs);
    s->obs = o;
    return VS_OK;
fail:
    vs__observe_free(o);
    return st;
}
