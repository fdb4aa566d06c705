/*
 * Monte Carlo moves (docs/lattice.md, "Evaluation"): the exact energy change of one spin move
 * s_m → s'_m of the Hamiltonian of paper Eq. 18 (with the uniform and on-site terms and the
 * self-image block T(0)) in O(ncomp²), and the update of the configuration, every field and the
 * total spin in O(N ncomp²).
 */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "lattice_internal.h"

#ifdef VS__X86_DISPATCH
#include <immintrin.h>
#define VS__MOVES_AVX2 1
#endif

/* ---------------------------------------------------------------- the field change of one move */

/* h_i += T_i δ for count sites i: the packed blocks T_i at t + i·tstep, the fields at h + i·hstep.
 * Each h_{i,a} accumulates T_ab δ_b for b = 0 … nc−1 in turn — the order of a loop over
 * vs__lattice_block — so the result does not depend on how the blocks are addressed. Inlined with
 * a constant nc the loops unroll and the packed offsets become constants. */
static inline __attribute__((always_inline)) void add_run_nc(int nc, const double *restrict t,
                                                             ptrdiff_t tstep, const double *restrict d,
                                                             double *restrict h, ptrdiff_t hstep, int count)
{
    for (int i = 0; i < count; i++, t += tstep, h += hstep)
#pragma GCC unroll 16
        for (int a = 0; a < nc; a++) {
            double x = h[a];
#pragma GCC unroll 16
            for (int b = 0; b < nc; b++)
                x += t[vs__pack_index(nc, a, b)] * d[b];
            h[a] = x;
        }
}

#ifdef VS__MOVES_AVX2
/* add_run_nc for the dipolar kernel of a Bravais lattice (nc = 3, packed blocks
 * (T00 T01 T02 T11 T12 T22) at a step of 6, fields at a step of 3) in AVX2 registers, two sites
 * per iteration: the 6 fields of the pair as (h0 h1 h2 g0 | g1 g2), each column b of the two
 * blocks (T0b T1b T2b T'0b | T'1b T'2b) shuffled from three loads of the 12 packed values (fewer,
 * wider loads than one unaligned load per column: 1.3–1.4× faster here). Each lane does what
 * add_run_nc does for its field — x += T_ab δ_b for b = 0, 1, 2 in turn, a multiply then an add
 * (no FMA) — so the fields are the same bit for bit. Not always_inline (a target("avx2") body
 * cannot be inlined into baseline code): add_move_dipolar_avx2 flattens it into the row walk. */
__attribute__((target("avx2"))) static inline void
add_run3_avx2(const double *restrict t, const double *restrict d, double *restrict h, int count)
{
    const __m256d d0 = _mm256_set1_pd(d[0]), d1 = _mm256_set1_pd(d[1]), d2 = _mm256_set1_pd(d[2]);
    const __m128d e0 = _mm256_castpd256_pd128(d0), e1 = _mm256_castpd256_pd128(d1),
                  e2 = _mm256_castpd256_pd128(d2);
    int i = 0;
    for (; i + 2 <= count; i += 2, t += 12, h += 6) {
        /* q0 q1 q2 = (a0 a1 a2 a3) (a4 a5 b0 b1) (b2 b3 b4 b5), r = (a2 a3 a4 a5); the columns:
         * (a0 a1 a2 b0), (a1 a3 a4 b1), (a2 a4 a5 b2) and (b1 b2), (b3 b4), (b4 b5) */
        __m256d q0 = _mm256_loadu_pd(t), q1 = _mm256_loadu_pd(t + 4), q2 = _mm256_loadu_pd(t + 8);
        __m256d r = _mm256_permute2f128_pd(q0, q1, 0x21);
        __m256d c0 = _mm256_blend_pd(q0, _mm256_shuffle_pd(q0, q1, 0x0), 0x8);
        __m256d c1 = _mm256_shuffle_pd(_mm256_blend_pd(q0, r, 0xC), _mm256_blend_pd(r, q1, 0xC), 0xB);
        __m256d c2 = _mm256_shuffle_pd(r, _mm256_permute2f128_pd(q1, q2, 0x20), 0x4);
        __m256d x = _mm256_loadu_pd(h);
        __m128d y = _mm_loadu_pd(h + 4);
        x = _mm256_add_pd(x, _mm256_mul_pd(c0, d0));
        y = _mm_add_pd(y, _mm_mul_pd(_mm_loadu_pd(t + 7), e0));
        x = _mm256_add_pd(x, _mm256_mul_pd(c1, d1));
        y = _mm_add_pd(y, _mm_mul_pd(_mm_loadu_pd(t + 9), e1));
        x = _mm256_add_pd(x, _mm256_mul_pd(c2, d2));
        y = _mm_add_pd(y, _mm_mul_pd(_mm_loadu_pd(t + 10), e2));
        _mm256_storeu_pd(h, x);
        _mm_storeu_pd(h + 4, y);
    }
    if (i < count)
        add_run_nc(3, t, 6, d, h, 3, 1);
}

#endif

/* x mod g for −g < x < g. */
static inline size_t wrap(int x, int g)
{
    return (size_t)(x < 0 ? x + g : x);
}

/* Site n = ((i0 L1 + i1) L2 + i2)·nb + bn reads the block of vs__lattice_block(l, n, m): sublattice
 * pair (bn, bm), displacement sign·(c_n − c_m) mod g with sign = +1 for bn ≤ bm, −1 otherwise
 * (T_{b2b1}(d) = T_{b1b2}(−d)). Along a row (i0, i1 and bn fixed) the displacement index moves by
 * sign per site and wraps once, at i2 = cm2 (+1 for sign −1): the row is two runs of consecutive
 * table blocks, walked with a pointer step instead of splitting every site index. Inline: one copy
 * per constant nc and `bravais` (nb = 1: then the steps are constants too; vs__lattice_add_move). */
static inline __attribute__((always_inline)) void
add_move_nc(int nc, int bravais, int simd, const struct vs_lattice *l, size_t m, const double *d, double *h)
{
    const vs__geom *g = &l->geo;
    int nb = bravais ? 1 : g->nb, cm[3], bm;
    const int *L = g->L, *G = g->g;
    vs__geom_split(g, m, cm, &bm);
    ptrdiff_t np = bravais ? nc * (nc + 1) / 2 : l->npack, hstep = (ptrdiff_t)nb * nc;
    for (int bn = 0; bn < nb; bn++) {
        int sign = bn <= bm ? 1 : -1;
        ptrdiff_t tstep = bravais ? np : sign * np;
        const double *tp = l->ttab + (size_t)vs__pack_index(nb, bn, bm) * g->ngrid * (size_t)np;
        int split = cm[2] + (sign < 0); /* first i2 of the second run */
        size_t x2a = wrap(-sign * cm[2], G[2]), x2b = wrap(sign * (split - cm[2]), G[2]);
        for (int i0 = 0; i0 < L[0]; i0++) {
            size_t x0 = wrap(sign * (i0 - cm[0]), G[0]);
            for (int i1 = 0; i1 < L[1]; i1++) {
                size_t x1 = wrap(sign * (i1 - cm[1]), G[1]);
                const double *row = tp + (x0 * (size_t)G[1] + x1) * (size_t)G[2] * (size_t)np;
                double *hrow =
                    h + (((size_t)i0 * (size_t)L[1] + (size_t)i1) * (size_t)L[2] * (size_t)nb + (size_t)bn) *
                            (size_t)nc;
#ifdef VS__MOVES_AVX2
                if (simd) {
                    add_run3_avx2(row + x2b * (size_t)np, d, hrow + split * hstep, L[2] - split);
                    add_run3_avx2(row + x2a * (size_t)np, d, hrow, split);
                    continue;
                }
#endif
                add_run_nc(nc, row + x2b * (size_t)np, tstep, d, hrow + split * hstep, hstep, L[2] - split);
                add_run_nc(nc, row + x2a * (size_t)np, tstep, d, hrow, hstep, split);
            }
        }
    }
}

#ifdef VS__MOVES_AVX2
/* The dipolar kernel's row walk with add_run3_avx2 inlined (flatten), chosen at run time. */
__attribute__((target("avx2"), flatten)) static void
add_move_dipolar_avx2(const struct vs_lattice *l, size_t m, const double *d, double *h)
{
    add_move_nc(3, 1, 1, l, m, d, h);
}
#endif

void vs__lattice_add_move_portable(const struct vs_lattice *l, size_t m, const double *d, double *h)
{
    int bravais = l->geo.nb == 1;
    if (l->nc == 3 && bravais) /* the dipolar kernel */
        add_move_nc(3, 1, 0, l, m, d, h);
    else if (l->nc == 6 && bravais) /* the elastic kernel */
        add_move_nc(6, 1, 0, l, m, d, h);
    else if (l->nc == 3)
        add_move_nc(3, 0, 0, l, m, d, h);
    else if (l->nc == 6)
        add_move_nc(6, 0, 0, l, m, d, h);
    else
        add_move_nc(l->nc, 0, 0, l, m, d, h);
}

void vs__lattice_add_move(const struct vs_lattice *l, size_t m, const double *d, double *h)
{
#ifdef VS__MOVES_AVX2
    if (l->nc == 3 && l->geo.nb == 1 && vs__cpu_avx2()) {
        add_move_dipolar_avx2(l, m, d, h);
        return;
    }
#endif
    vs__lattice_add_move_portable(l, m, d, h);
}

/* ---------------------------------------------------------------- public functions */

static int check_move(const vs_lattice *lat, const double *s, const double *h, size_t m, const double *snew,
                      const char *func)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, func));
    VS_FORWARD_IF_ERROR(vs__check_ptr(s, func, "s"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(h, func, "h"));
    VS_FORWARD_IF_ERROR(vs__lattice_check_site(lat, m, func));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(snew, (size_t)lat->nc, func, "snew"));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(s + m * (size_t)lat->nc, (size_t)lat->nc, func, "s[m]"));
    return vs__check_finite_array(h + m * (size_t)lat->nc, (size_t)lat->nc, func, "h[m]");
}

/* max |a_i| of a finite a[n], else the message of vs__check_finite_array. */
static int max_abs_finite(const double *a, size_t n, const char *func, const char *what, double *mx)
{
    VS_FORWARD_IF_ERROR(vs__check_finite_array(a, n, func, what));
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fabs(a[i]) > m ? fabs(a[i]) : m; /* not fmax: a libm call per value */
    *mx = m;
    return VS_OK;
}

/* The screen of vs_lattice_update, before anything is written (nothing changes on error). Every
 * field is written, so all of h must be finite and no updated field may overflow: |h_n + T δ| ≤
 * max|h| + c with c = ncomp·max|T|·max|δ| must stay ≤ DBL_MAX. Of s only s_m is read and written
 * (checked by check_move): a non-finite spin elsewhere is the caller's and left as it is (with
 * fields h = T * s it would make h non-finite too). Fast path: Σ|h_i| + c ≤ DBL_MAX implies all
 * of it (the sum bounds every term and is NaN or inf for a non-finite one): one branch-free pass
 * over h, at memory speed. Otherwise the exact decision: a non-finite h (VS_EINVAL), max|h| + c
 * beyond DBL_MAX (VS_ENUMERIC), else fine (only the sum was too large). */
/* Σ|h_i| (any order: every partial sum of non-negative terms bounds each of its terms, and a
 * non-finite h_i makes it non-finite). Eight sums in scalars (registers; four 2-wide vectors), to
 * hide the latency of the adds. */
static double abs_sum_plain(const double *h, size_t n)
{
    size_t i = 0;
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, a4 = 0.0, a5 = 0.0, a6 = 0.0, a7 = 0.0;
    for (; i + 8 <= n; i += 8) {
        a0 += fabs(h[i]);
        a1 += fabs(h[i + 1]);
        a2 += fabs(h[i + 2]);
        a3 += fabs(h[i + 3]);
        a4 += fabs(h[i + 4]);
        a5 += fabs(h[i + 5]);
        a6 += fabs(h[i + 6]);
        a7 += fabs(h[i + 7]);
    }
    for (; i < n; i++)
        a0 += fabs(h[i]);
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}

#ifdef VS__MOVES_AVX2
/* The same with eight 4-wide sums (|x| by masking the sign bit), chosen at run time: the screen is
 * a fixed cost of every update, which at small N (L = 8: 512 sites) weighs like a tenth of the
 * update. Eight chains keep two loads per cycle busy (four were bound by the adds' latency: 0.8×
 * the time of four here at L = 8). */
__attribute__((target("avx2"))) static double abs_sum_avx2(const double *h, size_t n)
{
    const __m256d mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    __m256d a[8];
    for (int k = 0; k < 8; k++)
        a[k] = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
#pragma GCC unroll 8
        for (int k = 0; k < 8; k++)
            a[k] = _mm256_add_pd(a[k], _mm256_and_pd(mask, _mm256_loadu_pd(h + i + 4 * k)));
    for (; i + 4 <= n; i += 4)
        a[0] = _mm256_add_pd(a[0], _mm256_and_pd(mask, _mm256_loadu_pd(h + i)));
    __m256d t = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(a[0], a[1]), _mm256_add_pd(a[2], a[3])),
                              _mm256_add_pd(_mm256_add_pd(a[4], a[5]), _mm256_add_pd(a[6], a[7])));
    double r[4];
    _mm256_storeu_pd(r, t);
    double s = (r[0] + r[1]) + (r[2] + r[3]);
    for (; i < n; i++)
        s += fabs(h[i]);
    return s;
}
#endif

static double abs_sum(const double *h, size_t n)
{
#ifdef VS__MOVES_AVX2
    if (vs__cpu_avx2())
        return abs_sum_avx2(h, n);
#endif
    return abs_sum_plain(h, n);
}

static int screen_update(const vs_lattice *lat, const double *h, double c, const char *func)
{
    size_t n = vs__lattice_nvals(lat);
    if (abs_sum(h, n) + c <= DBL_MAX)
        return VS_OK;
    double hmax = 0.0;
    VS_FORWARD_IF_ERROR(max_abs_finite(h, n, func, "h", &hmax));
    VS_RETURN_ERROR_IF(!(hmax + c <= DBL_MAX), VS_ENUMERIC,
                       "%s: the fields would overflow (spins or fields too large)", func);
    return VS_OK;
}

VS_API int vs_lattice_delta_energy(const vs_lattice *lat, const double *s, const double *h, const double *M,
                                   size_t m, const double *snew, double *dE)
{
    VS_FORWARD_IF_ERROR(check_move(lat, s, h, m, snew, __func__));
    VS_CHECK_PTR(dE);
    if (M)
        VS_FORWARD_IF_ERROR(vs__check_finite_array(M, (size_t)lat->nc, __func__, "M"));
    int nc = lat->nc;
    const double *sm = s + m * nc, *hm = h + m * nc;
    double d[VS__LAT_MAXNC], T0[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int a = 0; a < nc; a++)
        d[a] = snew[a] - sm[a];
    /* Pair part: h_m already contains T(0) s_m (self-images), so
     * ΔE = −E0 [δ·h_m + ½ δᵀ T(0) δ]. */
    vs__lattice_block(lat, m, m, T0);
    double e = 0.0;
    for (int a = 0; a < nc; a++)
        e += d[a] * hm[a];
    e += 0.5 * vs__lattice_quad(nc, T0, d, d);
    if (lat->D)
        e += 0.5 * (vs__lattice_quad(nc, lat->D, snew, snew) - vs__lattice_quad(nc, lat->D, sm, sm));
    if (lat->U) {
        double Mloc[VS__LAT_MAXNC];
        if (M == NULL) {
            vs__lattice_total(lat, s, Mloc);
            /* a non-finite sum comes from a non-finite spin (named here) or from an overflow
             * (then the energy change is not finite either: VS_ENUMERIC below) */
            if (vs__lattice_check_finite_fast(Mloc, (size_t)nc, __func__, "M") != VS_OK)
                VS_FORWARD_IF_ERROR(vs__lattice_check_finite_fast(s, vs__lattice_nvals(lat), __func__, "s"));
            M = Mloc;
        }
        e += (vs__lattice_quad(nc, lat->U, d, M) + 0.5 * vs__lattice_quad(nc, lat->U, d, d)) /
             (double)lat->geo.nsites;
    }
    e *= -lat->opt.e0;
    VS_RETURN_ERROR_IF(!isfinite(e), VS_ENUMERIC, "%s: the energy change overflows", __func__);
    *dE = e;
    return VS_OK;
}

VS_API int vs_lattice_update(const vs_lattice *lat, double *s, double *h, double *M, size_t m,
                             const double *snew)
{
    double Mmax = 0.0, dmax = 0.0;
    VS_FORWARD_IF_ERROR(check_move(lat, s, h, m, snew, __func__));
    if (M)
        VS_FORWARD_IF_ERROR(max_abs_finite(M, (size_t)lat->nc, __func__, "M", &Mmax));
    int nc = lat->nc;
    double d[VS__LAT_MAXNC]; /* d[a] for a < nc, set below */
    for (int a = 0; a < nc; a++) {
        d[a] = snew[a] - s[m * nc + a];
        dmax = fabs(d[a]) > dmax ? fabs(d[a]) : dmax; /* d is finite or ±inf, never NaN */
    }
    /* Overflow is excluded beforehand: |h_n + T δ| ≤ |h_n| + nc·max|T|·max|δ| (the screen), and
     * |M + δ| ≤ max|M| + max|δ|. */
    VS_FORWARD_IF_ERROR(screen_update(lat, h, nc * lat->tmax * dmax, __func__));
    VS_RETURN_ERROR_IF(!(Mmax + dmax <= DBL_MAX), VS_ENUMERIC, "%s: the total M would overflow", __func__);
    vs__lattice_add_move(lat, m, d, h);
    for (int a = 0; a < nc; a++) {
        s[m * nc + a] = snew[a];
        if (M)
            M[a] += d[a];
    }
    return VS_OK;
}
