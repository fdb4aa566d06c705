/*
 * F₀(g) and F(g) = F₀(g) + F_ex(g) (paper Eqs. 3, 26–27, Fig. 5) and the single oscillator of
 * Eq. 14 (Eqs. 15–17, Fig. 2). Reduced units for the profile: a³ = k_BT = 1, so x = g².
 *
 * Closure (Eq. 26): J_max = g²a³, i.e. K = J_max/T = x, and
 *   F₀/(N k_BT) = x/2 + G_min(x),  G_min(x) = min_r [r²/(2x) − ln Z₁(r)].
 * Derivatives (envelope theorem, ∂G/∂K = −r²/(2K²) at fixed r, and r = K L(r)):
 *   dF₀/dg = g(1 − L²),  d²F₀/dg² = 1 − L² − 4x L² L'/(1 − x L') = 1 − L² − 4 q(r) C(r),
 * with L = L(r*), q = L/r and C(r) = r²L'/(1 − rL'/L) the mean-field heat capacity at the same root
 * (x = r/L eliminated; vs__mf_response evaluates it without the O(r²) cancellation of 1 − xL').
 * Below x = n (paramagnet) F₀ = x/2 and d²F₀ = 1; just above, q → 1/n and C → (n+2)/2
 * give d²F₀ → 1 − 2(n+2)/n = −(n+4)/n (−5/3 for n = 6): the discontinuity of Fig. 5's inset.
 * The same radial function is the minimum of Eq. 14 over φ (y = βa³φg = r*, K = βa³g²), which is
 * exactly the paper's argument for the closure.
 */
#include <float.h>
#include <stdlib.h>

#include <libvoigtspin/meanfield.h>
#include "common/solve.h"
#include "mf_internal.h"

struct vs_gprofile {
    int n;
    double c;          /* built-in penalty F_ex/N = c g² (reduced units) */
    vs_gpenalty_fn fn; /* optional user penalty */
    void *user;
    vs__mf_opts o;
    vs__mf_link *link; /* keeps VS_MF_G_MAX/VS_MF_G_GRID of the source handle locked while alive */
};

VS_API int vs_gprofile_create(const vs_meanfield *mf, double c, vs_gprofile **out)
{
    int st = vs__check_ptr(out, __func__, "out");
    if (st != VS_OK)
        return st;
    *out = NULL;
    if ((st = vs__check_ptr(mf, __func__, "mf")) != VS_OK || (st = vs__check_finite(c, __func__, "c")) != VS_OK)
        return st;
    vs_gprofile *p = vs__calloc(1, sizeof *p, &st);
    if (!p)
        return st;
    p->n = vs_meanfield_ncomp(mf);
    p->c = c;
    p->o = *vs__mf_opts_of(mf);
    p->link = vs__mf_link_profile(mf);
    *out = p;
    return VS_OK;
}

VS_API void vs_gprofile_free(vs_gprofile *p)
{
    if (!p)
        return;
    vs__mf_unlink_profile(p->link);
    vs__free(p);
}

VS_API int vs_gprofile_set_penalty(vs_gprofile *p, vs_gpenalty_fn fn, void *user)
{
    int st = vs__check_ptr(p, __func__, "p");
    if (st != VS_OK)
        return st;
    p->fn = fn;
    p->user = fn ? user : NULL;
    return VS_OK;
}

/* F₀ and derivatives at g ≥ 0; side > 0 selects the right limit of d²F₀ at x = n exactly. */
static int f0_eval(const vs_gprofile *p, double g, int side, double *v)
{
    int n = p->n;
    double x = g * g;
    int at_cr = fabs(x - n) <= 8.0 * DBL_EPSILON * n; /* g = √n rounds to x = n(1 ± ε) */
    if ((x < n && !at_cr) || (at_cr && side <= 0)) {
        v[0] = 0.5 * x;
        v[1] = g;
        v[2] = 1.0;
        return VS_OK;
    }
    if (at_cr) {
        v[0] = 0.5 * x;
        v[1] = g;
        v[2] = -(n + 4.0) / n; /* right limit, derived in the header comment */
        return VS_OK;
    }
    double r, q, y;
    int st = vs__mf_radial_dk(n, x, fma(g, g, -(double)n), &p->o, &r); /* x − n exact to one rounding */
    if (st != VS_OK)
        return st;
    vs__mf_langevin(n, r, NULL, &q, &y, NULL);
    double oneml2 = y * (2.0 - y); /* 1 − L², without cancellation at large g */
    /* F₀ = x/2 + r²/(2x) − ln Z₁(r) = (x/2)(1 − L)² − (ln Z₁(r) − r), using r = xL. */
    v[0] = 0.5 * x * y * y - vs__mf_lnz_shifted(n, r);
    v[1] = g * oneml2;
    v[2] = oneml2 - 4.0 * q * vs__mf_response(n, r); /* = 4xL²L'/(1 − xL'), well conditioned */
    return VS_OK;
}

static int check_g(double g, const char *func)
{
    int st = vs__check_finite(g, func, "g");
    if (st != VS_OK)
        return st;
    if (!(g >= 0.0) || g > 1e50) /* x = g² ≤ 1e100, as for the mean-field handle */
        return vs__error(VS_EINVAL, "%s: g = %g must be in [0, 1e50]", func, g);
    return VS_OK;
}

/* F₀ + F_cb (+ c g² if with_c) and derivatives into v[3]. Each sum is checked: a huge finite c or
 * callback value can overflow, and no non-finite value may reach a solver or an output. */
static int f_parts(const vs_gprofile *p, double g, int side, int with_c, double *v)
{
    int st = f0_eval(p, g, side, v);
    if (st != VS_OK)
        return st;
    if (with_c) {
        v[0] += p->c * g * g;
        v[1] += 2.0 * p->c * g;
        v[2] += 2.0 * p->c;
    }
    if (p->fn) {
        double a = NAN, b = NAN, d = NAN;
        int rc = p->fn(g, &a, &b, &d, p->user);
        if (rc != 0)
            return vs__error(VS_ECALLBACK, "penalty callback returned %d at g = %g", rc, g);
        if (!isfinite(a) || !isfinite(b) || !isfinite(d))
            return vs__error(VS_ECALLBACK, "penalty callback gave a non-finite value at g = %g", g);
        v[0] += a;
        v[1] += b;
        v[2] += d;
    }
    if (!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]))
        return vs__error(VS_ENUMERIC, "F(g) or a derivative overflows at g = %g (penalty c = %g%s)", g, p->c,
                         p->fn ? " plus the callback" : "");
    return VS_OK;
}

/* F = F₀ + c g² + F_cb and derivatives into v[3]. */
static int f_eval(const vs_gprofile *p, double g, int side, double *v)
{
    return f_parts(p, g, side, 1, v);
}

static void put3(const double *v, double *a, double *b, double *c)
{
    if (a)
        *a = v[0];
    if (b)
        *b = v[1];
    if (c)
        *c = v[2];
}

VS_API int vs_gprofile_f0(const vs_gprofile *p, double g, double *F0, double *dF0, double *d2F0)
{
    double v[3];
    int st = vs__check_ptr(p, __func__, "p");
    if (st != VS_OK || (st = check_g(g, __func__)) != VS_OK || (st = f0_eval(p, g, 0, v)) != VS_OK)
        return st;
    put3(v, F0, dF0, d2F0);
    return VS_OK;
}

VS_API int vs_gprofile_eval(const vs_gprofile *p, double g, double *F, double *dF, double *d2F)
{
    double v[3];
    int st = vs__check_ptr(p, __func__, "p");
    if (st != VS_OK || (st = check_g(g, __func__)) != VS_OK || (st = f_eval(p, g, 0, v)) != VS_OK)
        return st;
    put3(v, F, dF, d2F);
    return VS_OK;
}

/* ---- Scalar functions of g for the GSL solvers ------------------------------------------------
 * GSL aborts on a non-finite function value, so a failure is recorded in `st` and a finite dummy
 * value returned; the caller checks `st` after the solve. */

typedef struct gfun {
    const vs_gprofile *p;
    int which;      /* component of f_eval: 1 = F', 2 = F'' */
    int side;
    double shift;   /* returns v[which] − shift */
    int without_c;  /* leave out the built-in penalty (F₀ + F_cb, for c_max) */
    int st;
} gfun;

static double gfun_eval(double g, void *par)
{
    gfun *gf = par;
    double v[3] = {0.0, 0.0, 0.0};
    if (gf->st == VS_OK)
        gf->st = f_parts(gf->p, g, gf->side, !gf->without_c, v);
    if (gf->st != VS_OK)
        return 0.0;
    double r = v[gf->which] - gf->shift;
    if (!isfinite(r)) /* F' − s can overflow although both are finite */
        gf->st = vs__error(VS_ENUMERIC, "F'(g) − %g overflows at g = %g", gf->shift, g);
    return gf->st == VS_OK ? r : 0.0;
}

/* Root of a gfun on [lo, hi] (values flo, fhi already known). */
static int gfun_root(gfun *gf, double lo, double hi, double flo, double fhi, double *root)
{
    int st = vs__brent_root(gfun_eval, gf, lo, hi, flo, fhi, gf->p->o.root_rtol, gf->p->o.max_iter, root);
    return gf->st != VS_OK ? gf->st : st;
}

/* One scan sample: position, side of the jump at g_cr, value of F''. */
typedef struct sample {
    double g;
    int side;
    double d2;
} sample;

/* Samples of F'' (without the built-in penalty unless with_c) on [0, g_cr] (uniform, left limit at
 * g_cr) and [g_cr, g_max] (geometric, right limit at g_cr): the only discontinuity of F'' (at x = n)
 * is a sample boundary. */
static int scan(const vs_gprofile *p, int with_c, sample **out, int *count)
{
    int N = p->o.g_grid, st;
    double gcr = sqrt((double)p->n), gmax = p->o.g_max;
    sample *s = vs__calloc((size_t)(2 * N + 2), sizeof *s, &st);
    if (!s)
        return st;
    int k = 0;
    for (int i = 0; i <= N; i++, k++) {
        s[k].g = gcr * i / N;
        s[k].side = -1;
    }
    for (int i = 0; i <= N; i++, k++) {
        s[k].g = i == N ? gmax : gcr * pow(gmax / gcr, (double)i / N);
        s[k].side = +1;
    }
    for (int i = 0; i < k; i++) {
        double v[3];
        if ((st = f_parts(p, s[i].g, s[i].side, with_c, v)) != VS_OK) {
            vs__free(s);
            return st;
        }
        s[i].d2 = v[2];
    }
    *out = s;
    *count = k;
    return VS_OK;
}

/* Where F'' changes sign between samples a and b: g_cr itself when they straddle the jump. */
static int sign_change(const vs_gprofile *p, const sample *a, const sample *b, double *g)
{
    if (a->side != b->side || a->g == b->g) {
        *g = b->g;
        return VS_OK;
    }
    gfun gf = {p, 2, b->side, 0.0, 0, VS_OK};
    return gfun_root(&gf, a->g, b->g, a->d2, b->d2, g);
}

/* First non-convex interval [lo, hi] and the end of the convex branch after it (g_max or the start of
 * the next non-convex interval). found = 0 if F'' ≥ 0 on every sample. */
static int nonconvex(const vs_gprofile *p, int *found, double *lo, double *hi, double *end)
{
    sample *s;
    int k, st = scan(p, 1, &s, &k);
    if (st != VS_OK)
        return st;
    int i = 0, j, e;
    while (i < k && s[i].d2 >= 0.0)
        i++;
    *found = i < k;
    if (!*found) {
        vs__free(s);
        return VS_OK;
    }
    *lo = 0.0;
    *hi = INFINITY;
    *end = p->o.g_max;
    if (i > 0)
        st = sign_change(p, &s[i - 1], &s[i], lo);
    for (j = i; j < k && s[j].d2 < 0.0; j++)
        ;
    if (st == VS_OK && j < k)
        st = sign_change(p, &s[j - 1], &s[j], hi);
    for (e = j; e < k && s[e].d2 >= 0.0; e++)
        ;
    if (st == VS_OK && j < k && e < k)
        st = sign_change(p, &s[e - 1], &s[e], end);
    vs__free(s);
    return st;
}

VS_API int vs_gprofile_nonconvex(const vs_gprofile *p, int *found, double *g_lo, double *g_hi)
{
    int st = vs__check_ptr(p, __func__, "p"), f = 0;
    double lo = 0.0, hi = 0.0, end = 0.0;
    if (st != VS_OK || (st = vs__check_ptr(found, __func__, "found")) != VS_OK ||
        (st = nonconvex(p, &f, &lo, &hi, &end)) != VS_OK)
        return st;
    *found = f;
    if (f && g_lo)
        *g_lo = lo;
    if (f && g_hi)
        *g_hi = hi;
    return VS_OK;
}

/* Point of a convex branch [a, b] where F' = s (F' increasing there). */
static int branch_point(const vs_gprofile *p, double a, double b, double s, double *g)
{
    gfun gf = {p, 1, 0, s, 0, VS_OK};
    double fa = gfun_eval(a, &gf), fb = gfun_eval(b, &gf);
    if (gf.st != VS_OK)
        return gf.st;
    return gfun_root(&gf, a, b, fa, fb, g);
}

typedef struct tangent_par {
    const vs_gprofile *p;
    double a1, b1, a2, b2;  /* left branch [a1, b1], right branch [a2, b2] */
    double g1, g2;
    int st;
} tangent_par;

/* Δ(s) = [F(g2) − s g2] − [F(g1) − s g1] with F'(g1) = F'(g2) = s: decreasing in s (dΔ/ds = g1 − g2),
 * zero at the common tangent. */
static double tangent_gap(double s, void *par)
{
    tangent_par *tp = par;
    double v1[3], v2[3];
    if (tp->st == VS_OK)
        tp->st = branch_point(tp->p, tp->a1, tp->b1, s, &tp->g1);
    if (tp->st == VS_OK)
        tp->st = branch_point(tp->p, tp->a2, tp->b2, s, &tp->g2);
    if (tp->st == VS_OK)
        tp->st = f_eval(tp->p, tp->g1, 0, v1);
    if (tp->st == VS_OK)
        tp->st = f_eval(tp->p, tp->g2, 0, v2);
    if (tp->st != VS_OK)
        return 0.0;
    double d = (v2[0] - s * tp->g2) - (v1[0] - s * tp->g1);
    if (!isfinite(d))
        tp->st = vs__error(VS_ENUMERIC, "common tangent: F − s g overflows (slope %g)", s);
    return tp->st == VS_OK ? d : 0.0;
}

/* Common tangent: points g1 < g2, slope s, and the non-convex interval [lo, hi] between them. */
static int tangent(const vs_gprofile *p, const char *func, double *g1, double *g2, double *slope, double *lo,
                   double *hi)
{
    int found = 0, st;
    double end, v[3];
    if ((st = vs__check_ptr(p, func, "p")) != VS_OK || (st = nonconvex(p, &found, lo, hi, &end)) != VS_OK)
        return st;
    if (!found || !(*lo > 0.0) || !isfinite(*hi))
        return vs__error(VS_ENONPHYS, "%s: F(g) has no non-convex interval bounded by convex branches on "
                                      "(0, %g]: no common tangent", func, p->o.g_max);
    tangent_par tp = {p, 0.0, *lo, *hi, end, 0.0, 0.0, VS_OK};
    double s_lo, s_hi, t, ends[4] = {0.0, *hi, *lo, end}, d[4];
    /* Slopes reachable on both branches: [max(F'(0), F'(hi)), min(F'(lo), F'(end))]. */
    for (int i = 0; i < 4; i++) {
        if ((st = f_eval(p, ends[i], 0, v)) != VS_OK)
            return st;
        d[i] = v[1];
    }
    s_lo = fmax(d[0], d[1]);
    s_hi = fmin(d[2], d[3]);
    double d_lo = s_lo < s_hi ? tangent_gap(s_lo, &tp) : 0.0;
    double d_hi = s_lo < s_hi ? tangent_gap(s_hi, &tp) : 0.0;
    if (tp.st != VS_OK)
        return tp.st;
    if (!(s_lo < s_hi) || !(d_lo >= 0.0 && d_hi <= 0.0))
        return vs__error(VS_ENONPHYS, "%s: no common tangent of the two convex branches within (0, %g]", func,
                         p->o.g_max);
    st = vs__brent_root(tangent_gap, &tp, s_lo, s_hi, d_lo, d_hi, p->o.root_rtol, p->o.max_iter, &t);
    if (tp.st != VS_OK)
        return tp.st;
    if (st != VS_OK)
        return st;
    tangent_gap(t, &tp); /* the tangent points of the final slope */
    if (tp.st != VS_OK)
        return tp.st;
    *g1 = tp.g1;
    *g2 = tp.g2;
    *slope = t;
    return VS_OK;
}

VS_API int vs_gprofile_tangent(const vs_gprofile *p, double *g1, double *g2, double *slope)
{
    double a, b, s, lo, hi;
    int st = tangent(p, __func__, &a, &b, &s, &lo, &hi);
    if (st != VS_OK)
        return st;
    if (g1)
        *g1 = a;
    if (g2)
        *g2 = b;
    if (slope)
        *slope = s;
    return VS_OK;
}

VS_API int vs_gprofile_barrier(const vs_gprofile *p, double *g_top, double *barrier)
{
    double g1, g2, s, lo, hi, top, v1[3], vt[3];
    int st = tangent(p, __func__, &g1, &g2, &s, &lo, &hi);
    if (st != VS_OK)
        return st;
    /* F − tangent has derivative F' − s: ≥ 0 up to the point of the non-convex interval where
     * F' = s (F' decreases from F'(lo) ≥ s to F'(hi) ≤ s there), ≤ 0 after it. */
    gfun gf = {p, 1, 0, s, 0, VS_OK};
    double flo = gfun_eval(lo, &gf), fhi = gfun_eval(hi, &gf);
    if (gf.st != VS_OK)
        return gf.st;
    if ((st = gfun_root(&gf, lo, hi, flo, fhi, &top)) != VS_OK || (st = f_eval(p, g1, 0, v1)) != VS_OK ||
        (st = f_eval(p, top, 0, vt)) != VS_OK)
        return st;
    if (g_top)
        *g_top = top;
    if (barrier)
        *barrier = vt[0] - (v1[0] + s * (top - g1));
    return VS_OK;
}

/* Refine an interior minimum of F₀'' + F_cb'' (samples taken without c) with the fenced Brent
 * minimiser. */
static int refine_min(const vs_gprofile *p, const sample *a, const sample *m, const sample *b, double *val)
{
    gfun gf = {p, 2, m->side, 0.0, 1, VS_OK};
    double fbest;
    if (!(a->g < m->g && m->g < b->g && m->d2 < a->d2 && m->d2 < b->d2)) /* no interior minimum: keep the sample */
        return VS_OK;
    int st = vs__brent_min(gfun_eval, &gf, a->g, a->d2, m->g, m->d2, b->g, b->d2, sqrt(p->o.root_rtol),
                           p->o.max_iter, &fbest);
    if (gf.st != VS_OK)
        return gf.st;
    if (st != VS_OK)
        return st;
    *val = fmin(*val, fbest);
    return VS_OK;
}

VS_API int vs_gprofile_max_penalty(const vs_gprofile *p, double *c_max)
{
    sample *s;
    int k, st = vs__check_ptr(p, __func__, "p");
    if (st != VS_OK || (st = vs__check_ptr(c_max, __func__, "c_max")) != VS_OK || (st = scan(p, 0, &s, &k)) != VS_OK)
        return st;
    /* min over g of F₀'' + F_cb'' (sampled without the built-in penalty, so a huge c cannot swamp it);
     * includes the right limit at g_cr. */
    int imin = 0;
    for (int i = 1; i < k; i++)
        if (s[i].d2 < s[imin].d2)
            imin = i;
    double best = s[imin].d2;
    if (imin > 0 && imin < k - 1 && s[imin - 1].side == s[imin].side && s[imin + 1].side == s[imin].side)
        st = refine_min(p, &s[imin - 1], &s[imin], &s[imin + 1], &best);
    vs__free(s);
    if (st != VS_OK)
        return st;
    *c_max = -0.5 * best; /* F'' = F₀'' + F_cb'' + 2c < 0 somewhere iff c < c_max */
    return VS_OK;
}

/* ---- Single oscillator, Eq. 14 ------------------------------------------------------------------ */

static int check_osc(int n, double T, double a3, double g, const char *func)
{
    int st = vs__mf_check_ncomp(n, func);
    if (st != VS_OK || (st = vs__check_finite(T, func, "T")) != VS_OK ||
        (st = vs__check_finite(a3, func, "a3")) != VS_OK || (st = vs__check_finite(g, func, "g")) != VS_OK)
        return st;
    if (!(T > 0.0) || !(a3 > 0.0))
        return vs__error(VS_EINVAL, "%s: T = %g and a3 = %g must be > 0", func, T, a3);
    if (!(g >= 0.0))
        return vs__error(VS_EINVAL, "%s: g = %g must be ≥ 0 (a magnitude)", func, g);
    return VS_OK;
}

VS_API int vs_oscillator_free_energy(int ncomp, double T, double a3, double phi, double g, double *f)
{
    int st = check_osc(ncomp, T, a3, g, __func__);
    if (st != VS_OK || (st = vs__check_finite(phi, __func__, "phi")) != VS_OK || (st = vs__check_ptr(f, __func__, "f")) != VS_OK)
        return st;
    if (!(phi >= 0.0))
        return vs__error(VS_EINVAL, "%s: phi = %g must be ≥ 0 (a magnitude)", __func__, phi);
    double y = vs__mf_muldiv(a3, phi, g, T); /* βa³φg, the Bessel argument of Eq. 14 */
    double v = 0.5 * phi * phi + 0.5 * g * g;
    if (!isfinite(y) || !isfinite(v) || y > 1e100)
        return vs__error(VS_EINVAL, "%s: arguments too large (a3·phi·g/T = %g, phi = %g, g = %g)", __func__, y, phi, g);
    /* (T/a³) ln Z₁(y) = φg · ln Z₁(y)/y: T/a³ alone may overflow (a³ = 5e-324) while the product is
     * ≤ φg ≤ v; ln Z₁(y)/y → y/(2n) as y → 0 (an underflowed y contributes < φg·1e-308). */
    double lnz_over_y = y > 0.0 ? vs__mf_lnz(ncomp, y) / y : 0.0;
    *f = v - phi * g * lnz_over_y;
    return VS_OK;
}

VS_API int vs_oscillator_minimize(int ncomp, double T, double a3, double g, double *phi_min, double *f_min)
{
    int st = check_osc(ncomp, T, a3, g, __func__);
    if (st != VS_OK)
        return st;
    double K = vs__mf_muldiv(a3, g, g, T), r, G;
    if (!isfinite(K) || K > 1e100 || !isfinite(g * g))
        return vs__error(VS_EINVAL, "%s: a3·g²/T = %g (g = %g) is too large", __func__, K, g);
    vs__mf_opts o;
    vs__mf_default_opts(&o);
    /* ∂f/∂φ = 0 ⇔ y = K L(y) with y = βa³φg, K = βa³g²: the radial equation of Eq. 24. */
    if ((st = vs__mf_gmin(ncomp, K, &o, &G, &r)) != VS_OK)
        return st;
    /* In terms of K only (T/a³ = g²/K never formed, so a³ = 5e-324 cannot overflow it):
     * φ* = yT/(a³g) = g L(r*) and f(φ*) = ½g² + (T/a³) G_min = g²(½ + G_min/K); φ* = 0, f = ½g² below g_cr. */
    double L = 0.0;
    if (r > 0.0)
        vs__mf_langevin(ncomp, r, &L, NULL, NULL, NULL);
    if (phi_min)
        *phi_min = g * L;
    if (f_min)
        *f_min = r > 0.0 ? g * g * (0.5 + G / K) : 0.5 * g * g;
    return VS_OK;
}

VS_API int vs_oscillator_gcr(int ncomp, double T, double a3, double *gcr)
{
    int st = check_osc(ncomp, T, a3, 0.0, __func__);
    if (st != VS_OK || (st = vs__check_ptr(gcr, __func__, "gcr")) != VS_OK)
        return st;
    /* Eq. 17: the φ² coefficient of Eq. 15, 1 − g²βa³/n, vanishes. T/a³ may overflow where its square
     * root does not (a³ = 5e-324): then √(nT)/√a³. */
    double ratio = ncomp * T / a3;
    double v = isfinite(ratio) && ratio >= DBL_MIN ? sqrt(ratio) : sqrt((double)ncomp) * (sqrt(T) / sqrt(a3));
    if (!isfinite(v))
        return vs__error(VS_ENUMERIC, "%s: g_cr = √(n T/a3) overflows (T = %g, a3 = %g)", __func__, T, a3);
    *gcr = v;
    return VS_OK;
}
