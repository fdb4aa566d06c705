/*
 * Error bars and autocorrelation times of the sampler's observables (stats.h has the API and the
 * conventions).
 *
 * Blocking (Flyvbjerg & Petersen 1989). For a stationary series with variance σ² and normalised
 * autocorrelation ρ(t), the variance of the mean of N samples is
 *     Var(x̄) = (σ²/N) [1 + 2 Σ_{t=1}^{N−1} (1 − t/N) ρ(t)]  →  2 τ_int σ²/N,   τ_int = ½ + Σ_{t≥1} ρ(t).
 * The means of blocks of b = 2^k consecutive samples form a series with the same mean whose
 * correlations decay as b grows; once b ≫ τ_int they are independent, and s²_k/n_k (s²_k their
 * sample variance, n_k = ⌊N/b⌋ their number) estimates Var(x̄) without bias: the blocked error
 * σ_k = √(s²_k/n_k) rises with k to a plateau. σ²_0 = s²/N is the naive error, so on the plateau
 * τ_int = ½ σ²_k/σ²_0 (F&P Eq. 28 read with the ½ convention). For Gaussian block means
 * s²_k/σ²_true ~ χ²_{n_k−1}/(n_k − 1), hence δσ_k = σ_k/√(2(n_k − 1)) (F&P Eq. 29).
 * Streaming: a new sample is a level-0 block; a level-k block with a waiting partner is averaged with
 * it into one level-(k+1) block (a binary counter), so N samples cost O(N) work and O(log N) memory.
 *
 * Jackknife (Efron; e.g. Young, "Everything you wanted to know about data analysis and fitting").
 * With B bins, ā the overall moment averages and ā_(i) those without bin i,
 *     f_J = B f(ā) − (B − 1) f̄,   f̄ = (1/B) Σ f(ā_(i)),   σ²_J = (B − 1)/B Σ (f(ā_(i)) − f̄)².
 * For f = a mean, σ_J is the standard error of the bin means exactly; for nonlinear f it propagates
 * the errors of all correlated moments at once. Bins of width ≫ τ_int make them independent.
 */
#include <string.h>

#include "common/bytes.h"
#include "common/internal.h"
#include "sampler/stats.h"

/* Format tags of the packed states: ASCII "VSSTBLK1" and "VSSTBIN1" read as little-endian uint64. */
#define TAG_BLOCKS 0x314b4c4254535356ULL
#define TAG_BINS   0x314e494254535356ULL

/* ---- little-endian byte layout ------------------------------------------------------------------ */

static unsigned char *put_i64(unsigned char *p, int64_t v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    return vs__put_le64(p, u);
}

static const unsigned char *get_i64(const unsigned char *p, int64_t *v)
{
    uint64_t u;
    p = vs__get_le64(p, &u);
    memcpy(v, &u, 8);
    return p;
}

static unsigned char *put_f64s(unsigned char *p, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &x[i], 8);
        p = vs__put_le64(p, u);
    }
    return p;
}

static const unsigned char *get_f64s(const unsigned char *p, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        p = vs__get_le64(p, &u);
        memcpy(&x[i], &u, 8);
    }
    return p;
}

/* ---- 1. Blocking -------------------------------------------------------------------------------- */

int vs__stats_blocks_init(vs__stats_blocks *b)
{
    VS_CHECK_PTR(b);
    memset(b, 0, sizeof *b);
    return VS_OK;
}

int vs__stats_blocks_add(vs__stats_blocks *b, double x)
{
    VS_CHECK_PTR(b);
    VS_FORWARD_IF_ERROR(vs__check_finite(x, __func__, "x"));
    VS_RETURN_ERROR_IF(b->n == INT64_MAX, VS_EOVERFLOW, "%s: the sample count overflows", __func__);
    double y = b->n == 0 ? 0.0 : x - b->shift;
    /* Block means are averages of level-0 values, so the higher levels' sums of squares are bounded
     * by level 0's: checking level 0 (and y) keeps every stored number finite. */
    VS_RETURN_ERROR_IF(!isfinite(y) || !isfinite(b->sumsq[0] + y * y), VS_ENUMERIC,
                       "%s: x = %g would overflow the sum of squares (shift %g)", __func__, x, b->shift);
    if (b->n == 0)
        b->shift = x;
    int64_t n = ++b->n;
    for (int k = 0; k < VS__STATS_LEVELS; k++) {
        b->sum[k] += y;
        b->sumsq[k] += y * y;
        /* n >> k level-k blocks now; an even count means this one completes a pair. */
        if (k == VS__STATS_LEVELS - 1 || ((n >> k) & 1)) {
            b->pending[k] = ((n >> k) & 1) ? y : 0.0;
            break;
        }
        y = 0.5 * (b->pending[k] + y);
        b->pending[k] = 0.0;
    }
    return VS_OK;
}

/* σ_k and its uncertainty from level k's sums; nb ≥ 2. */
static void level_err(const vs__stats_blocks *b, int k, int64_t nb, double *err, double *err_err)
{
    double dn = (double)nb;
    double ss = b->sumsq[k] - b->sum[k] * (b->sum[k] / dn);
    double var = ss > 0.0 ? ss / (dn - 1.0) : 0.0; /* rounding may leave a tiny negative */
    *err = sqrt(var / dn);
    *err_err = *err / sqrt(2.0 * (dn - 1.0));
}

int vs__stats_blocks_level(const vs__stats_blocks *b, int k, vs__stats_level *out)
{
    VS_CHECK_PTR(b);
    VS_CHECK_PTR(out);
    VS_RETURN_ERROR_IF(k < 0 || k >= VS__STATS_LEVELS, VS_EINVAL, "%s: level %d outside 0 … %d", __func__, k,
                       VS__STATS_LEVELS - 1);
    int64_t nb = b->n >> k;
    VS_RETURN_ERROR_IF(nb < 2, VS_ENUMERIC, "%s: level %d has %lld block(s), needs ≥ 2", __func__, k,
                       (long long)nb);
    double e0, ee0, e, ee;
    level_err(b, 0, b->n, &e0, &ee0);
    level_err(b, k, nb, &e, &ee);
    VS_RETURN_ERROR_IF(!isfinite(e0) || !isfinite(e), VS_ENUMERIC, "%s: the sums are not finite", __func__);
    out->nblocks = nb;
    out->err = e;
    out->err_err = ee;
    out->tau = e0 > 0.0 ? 0.5 * (e / e0) * (e / e0) : 0.5;
    VS_RETURN_ERROR_IF(!isfinite(out->tau), VS_ENUMERIC, "%s: τ overflows (σ_%d/σ_0 = %g/%g)", __func__, k, e,
                       e0);
    return VS_OK;
}

/* The plateau level (see stats.h). Sets *found. */
static int plateau_level(const vs__stats_blocks *b, int *found)
{
    *found = 0;
    int last = 0;
    for (int k = 0; k + 1 < VS__STATS_LEVELS && (b->n >> k) >= VS__STATS_MIN_BLOCKS; k++) {
        last = k;
        int64_t nk = b->n >> k, nk1 = b->n >> (k + 1);
        if (nk1 < VS__STATS_MIN_BLOCKS)
            continue;
        double e, ee, e1, ee1;
        level_err(b, k, nk, &e, &ee);
        level_err(b, k + 1, nk1, &e1, &ee1);
        if (fabs(e1 - e) <= ee) {
            *found = 1;
            return k;
        }
    }
    return last;
}

int vs__stats_blocks_result_get(const vs__stats_blocks *b, vs__stats_blocks_result *out)
{
    VS_CHECK_PTR(b);
    VS_CHECK_PTR(out);
    VS_RETURN_ERROR_IF(b->n < 2, VS_ENUMERIC, "%s: %lld sample(s), needs ≥ 2", __func__, (long long)b->n);
    int found;
    int k = plateau_level(b, &found);
    vs__stats_level lev0, lev;
    VS_FORWARD_IF_ERROR(vs__stats_blocks_level(b, 0, &lev0));
    VS_FORWARD_IF_ERROR(vs__stats_blocks_level(b, k, &lev));
    double mean = b->shift + b->sum[0] / (double)b->n;
    VS_RETURN_ERROR_IF(!isfinite(mean), VS_ENUMERIC, "%s: the mean is not finite", __func__);
    out->n = b->n;
    out->mean = mean;
    out->err_naive = lev0.err;
    out->err = lev.err;
    out->err_err = lev.err_err;
    out->tau_int = lev.tau;
    out->tau_err = 2.0 * lev.tau * lev.err_err / (lev.err > 0.0 ? lev.err : 1.0);
    out->level = k;
    out->plateau = lev0.err > 0.0 ? found : 0;
    return VS_OK;
}

size_t vs__stats_blocks_size(void)
{
    return 8 * (3 + 3 * (size_t)VS__STATS_LEVELS);
}

int vs__stats_blocks_pack(const vs__stats_blocks *b, unsigned char *buf)
{
    VS_CHECK_PTR(b);
    VS_CHECK_PTR(buf);
    unsigned char *p = vs__put_le64(buf, TAG_BLOCKS);
    p = put_i64(p, b->n);
    p = put_f64s(p, &b->shift, 1);
    p = put_f64s(p, b->sum, VS__STATS_LEVELS);
    p = put_f64s(p, b->sumsq, VS__STATS_LEVELS);
    put_f64s(p, b->pending, VS__STATS_LEVELS);
    return VS_OK;
}

/* Is s a state that vs__stats_blocks_add can produce (up to the values of the sums)? */
static int blocks_valid(const vs__stats_blocks *s)
{
    if (s->n < 0 || !isfinite(s->shift) || (s->n == 0 && s->shift != 0.0))
        return 0;
    for (int k = 0; k < VS__STATS_LEVELS; k++) {
        int64_t nb = s->n >> k;
        if (!isfinite(s->sum[k]) || !isfinite(s->sumsq[k]) || !isfinite(s->pending[k]) || s->sumsq[k] < 0.0)
            return 0;
        if (nb == 0 && (s->sum[k] != 0.0 || s->sumsq[k] != 0.0))
            return 0;
        if (!(nb & 1) && s->pending[k] != 0.0)
            return 0;
    }
    return 1;
}

int vs__stats_blocks_unpack(const unsigned char *buf, size_t len, vs__stats_blocks *b)
{
    VS_CHECK_PTR(buf);
    VS_CHECK_PTR(b);
    VS_RETURN_ERROR_IF(len != vs__stats_blocks_size(), VS_EINVAL, "%s: %zu bytes, expected %zu", __func__,
                       len, vs__stats_blocks_size());
    uint64_t tag;
    vs__stats_blocks s;
    const unsigned char *p = vs__get_le64(buf, &tag);
    VS_RETURN_ERROR_IF(tag != TAG_BLOCKS, VS_EINVAL, "%s: not a packed blocking accumulator (tag %#llx)",
                       __func__, (unsigned long long)tag);
    p = get_i64(p, &s.n);
    p = get_f64s(p, &s.shift, 1);
    p = get_f64s(p, s.sum, VS__STATS_LEVELS);
    p = get_f64s(p, s.sumsq, VS__STATS_LEVELS);
    get_f64s(p, s.pending, VS__STATS_LEVELS);
    VS_RETURN_ERROR_IF(!blocks_valid(&s), VS_EINVAL, "%s: the packed state is inconsistent (n = %lld)",
                       __func__, (long long)s.n);
    *b = s;
    return VS_OK;
}

/* ---- 2. Binned moments and the jackknife --------------------------------------------------------- */

int vs__stats_bins_init(vs__stats_bins *b, int nmom)
{
    VS_CHECK_PTR(b);
    VS_RETURN_ERROR_IF(nmom < 1 || nmom > VS__STATS_NMOM, VS_EINVAL, "%s: nmom = %d outside 1 … %d", __func__,
                       nmom, VS__STATS_NMOM);
    memset(b, 0, sizeof *b);
    b->nmom = nmom;
    b->width = 1;
    return VS_OK;
}

static double *bin_row(vs__stats_bins *b, int64_t i)
{
    return b->sum + i * VS__STATS_NMOM;
}

static const double *bin_row_c(const vs__stats_bins *b, int64_t i)
{
    return b->sum + i * VS__STATS_NMOM;
}

int vs__stats_bins_add(vs__stats_bins *b, const double *mom)
{
    VS_CHECK_PTR(b);
    VS_RETURN_ERROR_IF(b->nmom < 1 || b->nmom > VS__STATS_NMOM || b->width < 1, VS_EINVAL,
                       "%s: accumulator not initialised", __func__);
    int nm = (int)b->nmom;
    VS_FORWARD_IF_ERROR(vs__check_finite_array(mom, (size_t)nm, __func__, "mom"));
    double open[VS__STATS_NMOM];
    double *row = bin_row(b, b->nfull);
    for (int j = 0; j < nm; j++) {
        open[j] = row[j] + mom[j];
        VS_RETURN_ERROR_IF(!isfinite(open[j]), VS_ENUMERIC, "%s: mom[%d] = %g overflows its bin sum",
                           __func__, j, mom[j]);
    }
    int closes = b->nfill + 1 == b->width;
    int rebin = closes && b->nfull + 1 == VS__STATS_NBINS;
    if (rebin) {
        VS_RETURN_ERROR_IF(b->width > INT64_MAX / (2 * VS__STATS_NBINS), VS_EOVERFLOW,
                           "%s: the sample count overflows", __func__);
        /* the last pair merges the new bin: check every merged sum before changing anything */
        for (int64_t i = 0; i < VS__STATS_NBINS / 2; i++)
            for (int j = 0; j < nm; j++) {
                double hi = 2 * i + 1 == b->nfull ? open[j] : bin_row(b, 2 * i + 1)[j];
                VS_RETURN_ERROR_IF(!isfinite(bin_row(b, 2 * i)[j] + hi), VS_ENUMERIC,
                                   "%s: rebinning overflows the sum of moment %d", __func__, j);
            }
    }
    memcpy(row, open, (size_t)nm * sizeof *row);
    if (!closes) {
        b->nfill++;
        return VS_OK;
    }
    b->nfill = 0;
    b->nfull++;
    if (rebin) {
        /* pairs of adjacent bins become one bin of twice the width: bin i = old 2i + old 2i+1 */
        for (int64_t i = 0; i < VS__STATS_NBINS / 2; i++) {
            double *dst = bin_row(b, i);
            const double *lo = bin_row(b, 2 * i), *hi = bin_row(b, 2 * i + 1);
            for (int j = 0; j < nm; j++)
                dst[j] = lo[j] + hi[j];
        }
        memset(bin_row(b, VS__STATS_NBINS / 2), 0,
               (size_t)(VS__STATS_NBINS / 2 + 1) * VS__STATS_NMOM * sizeof(double));
        b->nfull = VS__STATS_NBINS / 2;
        b->width *= 2;
    }
    return VS_OK;
}

/* avg = Σ_{complete bins i ≠ skip} sum_i / (count · width); skip = −1 for all bins. */
static void bins_average(const vs__stats_bins *b, int64_t skip, double *avg)
{
    int nm = (int)b->nmom;
    int64_t used = b->nfull - (skip >= 0);
    for (int j = 0; j < nm; j++)
        avg[j] = 0.0;
    for (int64_t i = 0; i < b->nfull; i++) {
        if (i == skip)
            continue;
        const double *row = bin_row_c(b, i);
        for (int j = 0; j < nm; j++)
            avg[j] += row[j];
    }
    double n = (double)used * (double)b->width;
    for (int j = 0; j < nm; j++)
        avg[j] /= n;
}

int vs__stats_bins_mean(const vs__stats_bins *b, double *avg)
{
    VS_CHECK_PTR(b);
    VS_CHECK_PTR(avg);
    VS_RETURN_ERROR_IF(b->nfull < 1, VS_ENUMERIC, "%s: no complete bin yet", __func__);
    bins_average(b, -1, avg);
    return vs__check_finite_array(avg, (size_t)b->nmom, __func__, "the averages") == VS_OK
               ? VS_OK
               : vs__error(VS_ENUMERIC, "%s: an average is not finite", __func__);
}

/* f(avg), its status as is; a non-finite value is VS_ENUMERIC. */
static int eval_f(vs__stats_fn f, void *ctx, int nmom, const double *avg, double *out)
{
    VS_FORWARD_IF_ERROR(f(nmom, avg, ctx, out));
    VS_RETURN_ERROR_IF(!isfinite(*out), VS_ENUMERIC, "vs__stats_bins_jackknife: f returned %g", *out);
    return VS_OK;
}

int vs__stats_bins_jackknife(const vs__stats_bins *b, vs__stats_fn f, void *ctx, vs__stats_jackknife *out)
{
    VS_CHECK_PTR(b);
    VS_RETURN_ERROR_IF(f == NULL, VS_EINVAL, "%s: f is NULL", __func__);
    VS_CHECK_PTR(out);
    int64_t nb = b->nfull;
    VS_RETURN_ERROR_IF(nb < 2, VS_ENUMERIC, "%s: %lld complete bin(s), the jackknife needs ≥ 2", __func__,
                       (long long)nb);
    int nm = (int)b->nmom;
    double avg[VS__STATS_NMOM], fi[VS__STATS_NBINS];
    double value, fbar = 0.0, ss = 0.0;
    bins_average(b, -1, avg);
    VS_FORWARD_IF_ERROR(eval_f(f, ctx, nm, avg, &value));
    /* leave-one-out averages recomputed from the bins (no S − S_i cancellation) */
    for (int64_t i = 0; i < nb; i++) {
        bins_average(b, i, avg);
        VS_FORWARD_IF_ERROR(eval_f(f, ctx, nm, avg, &fi[i]));
        fbar += fi[i];
    }
    fbar /= (double)nb;
    for (int64_t i = 0; i < nb; i++)
        ss += (fi[i] - fbar) * (fi[i] - fbar);
    double err = sqrt((double)(nb - 1) / (double)nb * ss);
    double unbiased = (double)nb * value - (double)(nb - 1) * fbar;
    VS_RETURN_ERROR_IF(!isfinite(err) || !isfinite(unbiased), VS_ENUMERIC,
                       "%s: the jackknife error or bias correction overflows", __func__);
    out->nbins = nb;
    out->width = b->width;
    out->value = value;
    out->unbiased = unbiased;
    out->err = err;
    return VS_OK;
}

size_t vs__stats_bins_size(void)
{
    return 8 * (5 + (size_t)(VS__STATS_NBINS + 1) * VS__STATS_NMOM);
}

int vs__stats_bins_pack(const vs__stats_bins *b, unsigned char *buf)
{
    VS_CHECK_PTR(b);
    VS_CHECK_PTR(buf);
    unsigned char *p = vs__put_le64(buf, TAG_BINS);
    p = put_i64(p, b->nmom);
    p = put_i64(p, b->width);
    p = put_i64(p, b->nfull);
    p = put_i64(p, b->nfill);
    put_f64s(p, b->sum, (size_t)(VS__STATS_NBINS + 1) * VS__STATS_NMOM);
    return VS_OK;
}

static int bins_valid(const vs__stats_bins *s)
{
    if (s->nmom < 1 || s->nmom > VS__STATS_NMOM || s->width < 1 || (s->width & (s->width - 1)) != 0)
        return 0;
    if (s->nfull < 0 || s->nfull >= VS__STATS_NBINS || s->nfill < 0 || s->nfill >= s->width)
        return 0;
    if (s->width > 1 && s->nfull < VS__STATS_NBINS / 2) /* after a rebinning at least half are full */
        return 0;
    for (int64_t i = 0; i <= VS__STATS_NBINS; i++)
        for (int64_t j = 0; j < VS__STATS_NMOM; j++) {
            double v = bin_row_c(s, i)[j];
            int used = j < s->nmom && (i < s->nfull || (i == s->nfull && s->nfill > 0));
            if (!isfinite(v) || (!used && v != 0.0))
                return 0;
        }
    return 1;
}

int vs__stats_bins_unpack(const unsigned char *buf, size_t len, vs__stats_bins *b)
{
    VS_CHECK_PTR(buf);
    VS_CHECK_PTR(b);
    VS_RETURN_ERROR_IF(len != vs__stats_bins_size(), VS_EINVAL, "%s: %zu bytes, expected %zu", __func__, len,
                       vs__stats_bins_size());
    uint64_t tag;
    const unsigned char *p = vs__get_le64(buf, &tag);
    VS_RETURN_ERROR_IF(tag != TAG_BINS, VS_EINVAL, "%s: not a packed bin accumulator (tag %#llx)", __func__,
                       (unsigned long long)tag);
    vs__stats_bins s; /* decoded and checked here, so *b is untouched on error */
    p = get_i64(p, &s.nmom);
    p = get_i64(p, &s.width);
    p = get_i64(p, &s.nfull);
    p = get_i64(p, &s.nfill);
    get_f64s(p, s.sum, (size_t)(VS__STATS_NBINS + 1) * VS__STATS_NMOM);
    VS_RETURN_ERROR_IF(!bins_valid(&s), VS_EINVAL,
                       "%s: the packed state is inconsistent (nmom %lld, width %lld, %lld full bins)",
                       __func__, (long long)s.nmom, (long long)s.width, (long long)s.nfull);
    *b = s;
    return VS_OK;
}

/* ---- Derived quantities -------------------------------------------------------------------------- */

/* The two moment indices a helper reads must lie in 0 … nmom−1. */
static int check_indices(int nmom, int i, int j, const char *func)
{
    VS_RETURN_ERROR_IF(i < 0 || i >= nmom || j < 0 || j >= nmom, VS_EINVAL,
                       "%s: moment indices %d, %d outside 0 … %d", func, i, j, nmom - 1);
    return VS_OK;
}

int vs__stats_fluct(int nmom, const double *avg, void *ctx, double *out)
{
    const vs__stats_fluct_ctx *c = ctx;
    VS_CHECK_PTR(c);
    VS_FORWARD_IF_ERROR(check_indices(nmom, c->i_sq, c->i_lin, __func__));
    *out = c->scale * (avg[c->i_sq] - avg[c->i_lin] * avg[c->i_lin]);
    return VS_OK;
}

int vs__stats_binder(int nmom, const double *avg, void *ctx, double *out)
{
    const vs__stats_binder_ctx *c = ctx;
    VS_CHECK_PTR(c);
    VS_FORWARD_IF_ERROR(check_indices(nmom, c->i2, c->i4, __func__));
    VS_RETURN_ERROR_IF(c->ncomp < 1, VS_EINVAL, "%s: ncomp = %d must be ≥ 1", __func__, c->ncomp);
    double m2 = avg[c->i2];
    VS_RETURN_ERROR_IF(!(m2 > 0.0), VS_ENUMERIC, "%s: <|m|^2> = %g is not > 0", __func__, m2);
    double n = (double)c->ncomp;
    *out = 0.5 * (n + 2.0) - 0.5 * n * (avg[c->i4] / m2) / m2;
    return VS_OK;
}
