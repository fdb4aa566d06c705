/*
 * The F(g) profile: F₀(g) and F(g) = F₀(g) + F_ex(g) (paper Eqs. 3, 26–27, Fig. 5; docs/meanfield.md,
 * "F₀(g) and F(g)"). Reduced units: a³ = k_BT = 1, so x = g².
 *
 * Closure (Eq. 26): J_max = g²a³, i.e. K = J_max/T = x, and
 *   F₀/(N k_BT) = x/2 + G_min(x),  G_min(x) = min_r [r²/(2x) − ln Z₁(r)].
 * Derivatives (envelope theorem, ∂G/∂K = −r²/(2K²) at fixed r, and r = K L(r)):
 *   dF₀/dg = g(1 − L²),  d²F₀/dg² = 1 − L² − 4x L² L'/(1 − x L') = 1 − L² − 4 q(r) C(r),
 * with L = L(r*), q = L/r and C(r) = r²L'/(1 − rL'/L) the mean-field heat capacity at the same root
 * (x = r/L eliminated; vs__mf_response evaluates it without the O(r²) cancellation of 1 − xL').
 * Below x = n (paramagnet) F₀ = x/2 and d²F₀ = 1; just above, q → 1/n and C → (n+2)/2
 * give d²F₀ → 1 − 2(n+2)/n = −(n+4)/n (−5/3 for n = 6): the discontinuity of Fig. 5's inset.
 * The same radial function is the minimum of Eq. 14 over φ (y = βa³φg = r*, K = βa³g²; oscillator.c),
 * which is exactly the paper's argument for the closure.
 */
#include <float.h>
#include <stdlib.h>

#include <libvoigtspin/gprofile.h>
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
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_CHECK_PTR(mf);
    VS_FORWARD_IF_ERROR(vs__check_finite(c, __func__, "c"));
    int st;
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
    VS_CHECK_PTR(p);
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
    VS_FORWARD_IF_ERROR(vs__mf_radial_dk(n, x, fma(g, g, -(double)n), &p->o, &r)); /* x − n to one rounding */
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
    VS_FORWARD_IF_ERROR(vs__check_finite(g, func, "g"));
    /* x = g² ≤ 1e100, as for the mean-field handle */
    VS_RETURN_ERROR_IF(!(g >= 0.0) || g > 1e50, VS_EINVAL, "%s: g = %g must be in [0, 1e50]", func, g);
    return VS_OK;
}

/* F₀ + F_cb (+ c g² if with_c) and derivatives into v[3]. Each sum is checked: a huge finite c or
 * callback value can overflow, and no non-finite value may reach a solver or an output. */
static int f_parts(const vs_gprofile *p, double g, int side, int with_c, double *v)
{
    VS_FORWARD_IF_ERROR(f0_eval(p, g, side, v));
    if (with_c) {
        v[0] += p->c * g * g;
        v[1] += 2.0 * p->c * g;
        v[2] += 2.0 * p->c;
    }
    if (p->fn) {
        double a = NAN, b = NAN, d = NAN;
        int rc = p->fn(g, &a, &b, &d, p->user);
        VS_RETURN_ERROR_IF(rc != 0, VS_ECALLBACK, "penalty callback returned %d at g = %g", rc, g);
        VS_RETURN_ERROR_IF(!isfinite(a) || !isfinite(b) || !isfinite(d), VS_ECALLBACK,
                           "penalty callback gave a non-finite value at g = %g", g);
        v[0] += a;
        v[1] += b;
        v[2] += d;
    }
    VS_RETURN_ERROR_IF(!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]), VS_ENUMERIC,
                       "F(g) or a derivative overflows at g = %g (penalty c = %g%s)", g, p->c,
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
    VS_CHECK_PTR(p);
    VS_FORWARD_IF_ERROR(check_g(g, __func__));
    VS_FORWARD_IF_ERROR(f0_eval(p, g, 0, v));
    put3(v, F0, dF0, d2F0);
    return VS_OK;
}

VS_API int vs_gprofile_eval(const vs_gprofile *p, double g, double *F, double *dF, double *d2F)
{
    double v[3];
    VS_CHECK_PTR(p);
    VS_FORWARD_IF_ERROR(check_g(g, __func__));
    VS_FORWARD_IF_ERROR(f_eval(p, g, 0, v));
    put3(v, F, dF, d2F);
    return VS_OK;
}

/* ---- Scalar functions of g for the fenced solvers (common/solve.h) ----------------------------
 * A solver's function returns a double, not a status: the first failure is recorded in `st` (later
 * calls then do nothing) and a finite dummy value returned; the caller checks `st` after the solve,
 * before the solver's own status (first_failure). */

/* The status of a solve: the failure recorded by its function (the cause) if any, else the solver's. */
static int first_failure(int fn_st, int solver_st)
{
    return fn_st != VS_OK ? fn_st : solver_st;
}

typedef struct gfun {
    const vs_gprofile *p;
    int which;      /* component of f_eval: 1 = F', 2 = F'' */
    int side;
    double shift;   /* returns v[which] − shift */
    int without_c;  /* leave out the built-in penalty (F₀ + F_cb, for c_max) */
    int st;
} gfun;

static int gfun_value(const gfun *gf, double g, double *r)
{
    double v[3];
    VS_FORWARD_IF_ERROR(f_parts(gf->p, g, gf->side, !gf->without_c, v));
    *r = v[gf->which] - gf->shift;
    /* F' − s can overflow although both are finite */
    VS_RETURN_ERROR_IF(!isfinite(*r), VS_ENUMERIC, "F'(g) − %g overflows at g = %g", gf->shift, g);
    return VS_OK;
}

static double gfun_eval(double g, void *par)
{
    gfun *gf = par;
    double r = 0.0;
    if (gf->st == VS_OK)
        gf->st = gfun_value(gf, g, &r);
    return gf->st == VS_OK ? r : 0.0;
}

/* Root of a gfun on [lo, hi] (values flo, fhi already known). */
static int gfun_root(gfun *gf, double lo, double hi, double flo, double fhi, double *root)
{
    int st = vs__brent_root(gfun_eval, gf, lo, hi, flo, fhi, gf->p->o.root_rtol, gf->p->o.max_iter, root);
    return first_failure(gf->st, st);
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
    int N = p->o.g_grid, st = VS_OK;
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
        VS_GOTO_IF_ERROR(st, f_parts(p, s[i].g, s[i].side, with_c, v), fail);
        s[i].d2 = v[2];
    }
    *out = s;
    *count = k;
    return VS_OK;
fail:
    vs__free(s);
    return st;
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
    int k, st = VS_OK;
    VS_FORWARD_IF_ERROR(scan(p, 1, &s, &k));
    int i = 0, j, e;
    while (i < k && s[i].d2 >= 0.0)
        i++;
    *found = i < k;
    if (!*found)
        goto out;
    *lo = 0.0;
    *hi = INFINITY;
    *end = p->o.g_max;
    if (i > 0)
        VS_GOTO_IF_ERROR(st, sign_change(p, &s[i - 1], &s[i], lo), out);
    for (j = i; j < k && s[j].d2 < 0.0; j++)
        ;
    if (j < k)
        VS_GOTO_IF_ERROR(st, sign_change(p, &s[j - 1], &s[j], hi), out);
    for (e = j; e < k && s[e].d2 >= 0.0; e++)
        ;
    if (j < k && e < k)
        VS_GOTO_IF_ERROR(st, sign_change(p, &s[e - 1], &s[e], end), out);
out:
    vs__free(s);
    return st;
}

VS_API int vs_gprofile_nonconvex(const vs_gprofile *p, int *found, double *g_lo, double *g_hi)
{
    int f = 0;
    double lo = 0.0, hi = 0.0, end = 0.0;
    VS_CHECK_PTR(p);
    VS_CHECK_PTR(found);
    VS_FORWARD_IF_ERROR(nonconvex(p, &f, &lo, &hi, &end));
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
    VS_FORWARD_IF_ERROR(gf.st);
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
static int tangent_gap_value(tangent_par *tp, double s, double *d)
{
    double v1[3], v2[3];
    VS_FORWARD_IF_ERROR(branch_point(tp->p, tp->a1, tp->b1, s, &tp->g1));
    VS_FORWARD_IF_ERROR(branch_point(tp->p, tp->a2, tp->b2, s, &tp->g2));
    VS_FORWARD_IF_ERROR(f_eval(tp->p, tp->g1, 0, v1));
    VS_FORWARD_IF_ERROR(f_eval(tp->p, tp->g2, 0, v2));
    *d = (v2[0] - s * tp->g2) - (v1[0] - s * tp->g1);
    VS_RETURN_ERROR_IF(!isfinite(*d), VS_ENUMERIC, "common tangent: F − s g overflows (slope %g)", s);
    return VS_OK;
}

static double tangent_gap(double s, void *par)
{
    tangent_par *tp = par;
    double d = 0.0;
    if (tp->st == VS_OK)
        tp->st = tangent_gap_value(tp, s, &d);
    return tp->st == VS_OK ? d : 0.0;
}

/* Common tangent: points g1 < g2, slope s, and the non-convex interval [lo, hi] between them. */
static int tangent(const vs_gprofile *p, const char *func, double *g1, double *g2, double *slope, double *lo,
                   double *hi)
{
    int found = 0;
    double end, v[3];
    VS_FORWARD_IF_ERROR(vs__check_ptr(p, func, "p"));
    VS_FORWARD_IF_ERROR(nonconvex(p, &found, lo, hi, &end));
    VS_RETURN_ERROR_IF(!found || !(*lo > 0.0) || !isfinite(*hi), VS_ENONPHYS,
                       "%s: F(g) has no non-convex interval bounded by convex branches on (0, %g]: "
                       "no common tangent",
                       func, p->o.g_max);
    tangent_par tp = {p, 0.0, *lo, *hi, end, 0.0, 0.0, VS_OK};
    double s_lo, s_hi, t, ends[4] = {0.0, *hi, *lo, end}, d[4];
    /* Slopes reachable on both branches: [max(F'(0), F'(hi)), min(F'(lo), F'(end))]. */
    for (int i = 0; i < 4; i++) {
        VS_FORWARD_IF_ERROR(f_eval(p, ends[i], 0, v));
        d[i] = v[1];
    }
    s_lo = fmax(d[0], d[1]);
    s_hi = fmin(d[2], d[3]);
    double d_lo = s_lo < s_hi ? tangent_gap(s_lo, &tp) : 0.0;
    double d_hi = s_lo < s_hi ? tangent_gap(s_hi, &tp) : 0.0;
    VS_FORWARD_IF_ERROR(tp.st);
    VS_RETURN_ERROR_IF(!(s_lo < s_hi) || !(d_lo >= 0.0 && d_hi <= 0.0), VS_ENONPHYS,
                       "%s: no common tangent of the two convex branches within (0, %g]", func, p->o.g_max);
    int st = vs__brent_root(tangent_gap, &tp, s_lo, s_hi, d_lo, d_hi, p->o.root_rtol, p->o.max_iter, &t);
    VS_FORWARD_IF_ERROR(first_failure(tp.st, st));
    tangent_gap(t, &tp); /* the tangent points of the final slope */
    VS_FORWARD_IF_ERROR(tp.st);
    *g1 = tp.g1;
    *g2 = tp.g2;
    *slope = t;
    return VS_OK;
}

VS_API int vs_gprofile_tangent(const vs_gprofile *p, double *g1, double *g2, double *slope)
{
    double a = 0.0, b = 0.0, s = 0.0, lo = 0.0, hi = 0.0; /* set by tangent() unless it fails */
    VS_FORWARD_IF_ERROR(tangent(p, __func__, &a, &b, &s, &lo, &hi));
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
    /* set by tangent() and gfun_root() unless they fail */
    double g1 = 0.0, g2 = 0.0, s = 0.0, lo = 0.0, hi = 0.0, top = 0.0, v1[3], vt[3];
    VS_FORWARD_IF_ERROR(tangent(p, __func__, &g1, &g2, &s, &lo, &hi));
    /* F − tangent has derivative F' − s: ≥ 0 up to the point of the non-convex interval where
     * F' = s (F' decreases from F'(lo) ≥ s to F'(hi) ≤ s there), ≤ 0 after it. */
    gfun gf = {p, 1, 0, s, 0, VS_OK};
    double flo = gfun_eval(lo, &gf), fhi = gfun_eval(hi, &gf);
    VS_FORWARD_IF_ERROR(gf.st);
    VS_FORWARD_IF_ERROR(gfun_root(&gf, lo, hi, flo, fhi, &top));
    VS_FORWARD_IF_ERROR(f_eval(p, g1, 0, v1));
    VS_FORWARD_IF_ERROR(f_eval(p, top, 0, vt));
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
    /* The minimum's position is determined only to √(root tolerance). */
    int st = vs__brent_min(gfun_eval, &gf, a->g, a->d2, m->g, m->d2, b->g, b->d2, sqrt(p->o.root_rtol),
                           p->o.max_iter, &fbest);
    VS_FORWARD_IF_ERROR(first_failure(gf.st, st));
    *val = fmin(*val, fbest);
    return VS_OK;
}

VS_API int vs_gprofile_max_penalty(const vs_gprofile *p, double *c_max)
{
    sample *s;
    int k, st = VS_OK;
    VS_CHECK_PTR(p);
    VS_CHECK_PTR(c_max);
    VS_FORWARD_IF_ERROR(scan(p, 0, &s, &k));
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
    VS_FORWARD_IF_ERROR(st);
    *c_max = -0.5 * best; /* F'' = F₀'' + F_cb'' + 2c < 0 somewhere iff c < c_max */
    return VS_OK;
}
