/*
 * The Hubbard–Stratonovich mean-field handle (paper Eqs. 21–25, Figs. 3–4; docs/meanfield.md).
 *
 * G(h) = Σ_α h_α²/(2K_α) − ln Z₁(|h|), K_α = J_α/T (Eq. 24 generalised to n eigenvalues). For fixed
 * |h| = r the quadratic term is smallest when h lies in the eigenspace of the largest K, so the
 * minimiser is h = r* ê with ê in that eigenspace and r* the root of the radial stationarity
 * equation r = K_max L(r) (vs__mf_radial, GSL Brent). Comparing sectors therefore reduces to
 * comparing their largest couplings.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/meanfield.h>
#include "mf_internal.h"

struct vs_meanfield {
    int n;
    int ic;        /* index of the compression eigenvector */
    double jmax;   /* largest coupling */
    double jc;     /* compression coupling J[ic] */
    double js;     /* largest shear coupling */
    double *J;     /* [n] */
    double *V;     /* [n*n], column α = eigenvector α */
    vs__mf_opts o;
    vs__mf_link *link; /* live profiles created from this handle */
};

struct vs__mf_link {
    atomic_int refs;   /* the handle (while alive) + each live profile */
    atomic_int nprof;  /* live profiles */
};

static void link_release(vs__mf_link *l)
{
    if (l && atomic_fetch_sub(&l->refs, 1) == 1)
        vs__free(l);
}

vs__mf_link *vs__mf_link_profile(const vs_meanfield *mf)
{
    atomic_fetch_add(&mf->link->refs, 1);
    atomic_fetch_add(&mf->link->nprof, 1);
    return mf->link;
}

void vs__mf_unlink_profile(vs__mf_link *l)
{
    if (!l)
        return;
    atomic_fetch_sub(&l->nprof, 1);
    link_release(l);
}

int vs__mf_check_ncomp(int n, const char *func)
{
    VS_RETURN_ERROR_IF(n < 2 || n > VS_MF_NMAX, VS_EINVAL, "%s: ncomp = %d must be in [2, %d]", func, n,
                       VS_MF_NMAX);
    return VS_OK;
}

const vs__mf_opts *vs__mf_opts_of(const vs_meanfield *mf)
{
    return &mf->o;
}

/* Derived quantities: compression index (largest |V[0][α]|, i.e. overlap with spin-basis e₁),
 * J_max, J_c and the largest shear coupling. */
static void classify(vs_meanfield *mf)
{
    int n = mf->n, ic = 0;
    for (int a = 1; a < n; a++)
        if (fabs(mf->V[a]) > fabs(mf->V[ic]))
            ic = a;
    mf->ic = ic;
    mf->jc = mf->J[ic];
    mf->js = 0.0;
    mf->jmax = 0.0;
    for (int a = 0; a < n; a++) {
        mf->jmax = fmax(mf->jmax, mf->J[a]);
        if (a != ic)
            mf->js = fmax(mf->js, mf->J[a]);
    }
}

static int check_couplings(int n, const double *J, const double *V, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_finite_array(J, (size_t)n, func, "J"));
    for (int a = 0; a < n; a++)
        VS_RETURN_ERROR_IF(!(J[a] > 0.0), VS_EINVAL, "%s: coupling J[%d] = %g must be > 0", func, a, J[a]);
    if (V == NULL)
        return VS_OK;
    VS_FORWARD_IF_ERROR(vs__check_finite_array(V, (size_t)n * (size_t)n, func, "V"));
    for (int a = 0; a < n; a++)
        for (int b = 0; b <= a; b++) {
            double s = 0.0;
            for (int i = 0; i < n; i++)
                s += V[i * n + a] * V[i * n + b];
            VS_RETURN_ERROR_IF(fabs(s - (a == b ? 1.0 : 0.0)) > 1e-10, VS_EINVAL,
                               "%s: eigenvectors are not orthonormal (column %d · column %d = %g)", func, a,
                               b, s);
        }
    return VS_OK;
}

VS_API int vs_meanfield_create(int ncomp, const double *J, const double *V, vs_meanfield **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_FORWARD_IF_ERROR(vs__mf_check_ncomp(ncomp, __func__));
    VS_FORWARD_IF_ERROR(check_couplings(ncomp, J, V, __func__));
    int st;
    vs_meanfield *mf = vs__calloc(1, sizeof *mf, &st);
    if (!mf)
        return st;
    mf->n = ncomp;
    mf->J = vs__calloc((size_t)ncomp, sizeof(double), &st);
    mf->V = mf->J ? vs__calloc((size_t)ncomp * (size_t)ncomp, sizeof(double), &st) : NULL;
    mf->link = mf->V ? vs__calloc(1, sizeof *mf->link, &st) : NULL;
    if (!mf->link) {
        vs_meanfield_free(mf);
        return st;
    }
    atomic_init(&mf->link->refs, 1);
    atomic_init(&mf->link->nprof, 0);
    memcpy(mf->J, J, (size_t)ncomp * sizeof(double));
    for (int i = 0; i < ncomp; i++)
        for (int a = 0; a < ncomp; a++)
            mf->V[i * ncomp + a] = V ? V[i * ncomp + a] : (i == a ? 1.0 : 0.0);
    vs__mf_default_opts(&mf->o);
    classify(mf);
    *out = mf;
    return VS_OK;
}

VS_API int vs_meanfield_create_compr_shear(double J_compr, double J_shear, vs_meanfield **out)
{
    double J[6] = {J_compr, J_shear, J_shear, J_shear, J_shear, J_shear};
    return vs_meanfield_create(6, J, NULL, out);
}

VS_API int vs_meanfield_create_from_coupling(const vs_coupling *c, double E0, vs_meanfield **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_CHECK_PTR(c);
    VS_FORWARD_IF_ERROR(vs__check_finite(E0, __func__, "E0"));
    VS_RETURN_ERROR_IF(!(E0 > 0.0), VS_EINVAL, "%s: energy scale E0 = %g must be > 0", __func__, E0);
    int n = vs_coupling_ncomp(c);
    VS_FORWARD_IF_ERROR(vs__mf_check_ncomp(n, __func__));
    double w[VS_MF_NMAX], V[VS_MF_NMAX * VS_MF_NMAX];
    VS_FORWARD_IF_ERROR(vs_coupling_average_eigen(c, w, V));
    for (int a = 0; a < n; a++)
        w[a] *= E0; /* J_α = E0 × eigenvalue of ⟨W⟩ (Eq. 21 with the scale of Eq. 26) */
    return vs_meanfield_create(n, w, V, out);
}

VS_API void vs_meanfield_free(vs_meanfield *mf)
{
    if (!mf)
        return;
    vs__free(mf->J);
    vs__free(mf->V);
    link_release(mf->link);
    vs__free(mf);
}

VS_API int vs_meanfield_ncomp(const vs_meanfield *mf)
{
    return mf ? mf->n : 0;
}

VS_API int vs_meanfield_couplings(const vs_meanfield *mf, double *J, double *V, int *icompr)
{
    VS_CHECK_PTR(mf);
    size_t n = (size_t)mf->n;
    if (J)
        memcpy(J, mf->J, n * sizeof(double));
    if (V)
        memcpy(V, mf->V, n * n * sizeof(double));
    if (icompr)
        *icompr = mf->ic;
    return VS_OK;
}

/* ---- Options ---------------------------------------------------------------------------------- */

typedef struct opt_info {
    double lo, hi;
    int integer;
} opt_info;

static const opt_info opt_table[] = {
    [VS_MF_ROOT_RTOL] = {1e-15, 1e-4, 0},
    [VS_MF_MAX_ITER] = {10, 100000, 1},
    [VS_MF_DEGEN_RTOL] = {0.0, 0.1, 0},
    [VS_MF_G_MAX] = {10.0, 1e6, 0},
    [VS_MF_G_GRID] = {20, 1e6, 1},
};

static int check_key(vs_mf_option key, const char *func)
{
    VS_RETURN_ERROR_IF((int)key < 0 || (size_t)key >= sizeof opt_table / sizeof opt_table[0], VS_EINVAL,
                       "%s: unknown option key %d", func, (int)key);
    return VS_OK;
}

VS_API int vs_meanfield_option_bounds(vs_mf_option key, double *lo, double *hi)
{
    VS_FORWARD_IF_ERROR(check_key(key, __func__));
    VS_CHECK_PTR(lo);
    VS_CHECK_PTR(hi);
    *lo = opt_table[key].lo;
    *hi = opt_table[key].hi;
    return VS_OK;
}

VS_API int vs_meanfield_set_option(vs_meanfield *mf, vs_mf_option key, double value)
{
    VS_CHECK_PTR(mf);
    VS_FORWARD_IF_ERROR(check_key(key, __func__));
    const opt_info *oi = &opt_table[key];
    VS_RETURN_ERROR_IF(!(value >= oi->lo && value <= oi->hi), VS_EINVAL,
                       "%s: value %g of option %d is outside [%g, %g]", __func__, value, (int)key, oi->lo,
                       oi->hi);
    VS_RETURN_ERROR_IF(oi->integer && value != floor(value), VS_EINVAL,
                       "%s: option %d needs an integer value (got %g)", __func__, (int)key, value);
    int nprof = atomic_load(&mf->link->nprof);
    VS_RETURN_ERROR_IF(
        (key == VS_MF_G_MAX || key == VS_MF_G_GRID) && nprof > 0, VS_EINVAL,
        "%s: %s only acts on F(g) profiles, which copy the options when they are created, and %d "
        "profile(s) created from this handle are alive; set it before vs_gprofile_create() (or "
        "free those profiles first)",
        __func__, key == VS_MF_G_MAX ? "VS_MF_G_MAX" : "VS_MF_G_GRID", nprof);
    switch (key) {
    case VS_MF_ROOT_RTOL: mf->o.root_rtol = value; break;
    case VS_MF_MAX_ITER: mf->o.max_iter = (int)value; break;
    case VS_MF_DEGEN_RTOL: mf->o.degen_rtol = value; break;
    case VS_MF_G_MAX: mf->o.g_max = value; break;
    case VS_MF_G_GRID: mf->o.g_grid = (int)value; break;
    }
    return VS_OK;
}

VS_API int vs_meanfield_get_option(const vs_meanfield *mf, vs_mf_option key, double *value)
{
    VS_CHECK_PTR(mf);
    VS_FORWARD_IF_ERROR(check_key(key, __func__));
    VS_CHECK_PTR(value);
    switch (key) {
    case VS_MF_ROOT_RTOL: *value = mf->o.root_rtol; break;
    case VS_MF_MAX_ITER: *value = mf->o.max_iter; break;
    case VS_MF_DEGEN_RTOL: *value = mf->o.degen_rtol; break;
    case VS_MF_G_MAX: *value = mf->o.g_max; break;
    case VS_MF_G_GRID: *value = mf->o.g_grid; break;
    }
    return VS_OK;
}

/* ---- Solution ------------------------------------------------------------------------------- */

/* A solved state at one temperature: the radial root and what follows from it. */
typedef struct mf_state {
    double K;    /* J_max/T */
    double r;    /* |h*| */
    double L;    /* L(r) = |m| */
    double dL;   /* L'(r) */
} mf_state;

static int check_T(const vs_meanfield *mf, double T, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(mf, func, "mf"));
    VS_FORWARD_IF_ERROR(vs__check_finite(T, func, "T"));
    VS_RETURN_ERROR_IF(!(T > 0.0), VS_EINVAL, "%s: temperature T = %g must be > 0", func, T);
    /* J_max/T ≤ 1e100 keeps (J/T)² and L' ≈ (n−1)/(2(J/T)²) of the heat capacity representable. */
    VS_RETURN_ERROR_IF(!(mf->jmax / T <= 1e100), VS_EINVAL,
                       "%s: T = %g is too small: J_max/T = %g exceeds 1e100", func, T, mf->jmax / T);
    return VS_OK;
}

static int solve_state(const vs_meanfield *mf, double T, const char *func, mf_state *s)
{
    VS_FORWARD_IF_ERROR(check_T(mf, T, func));
    s->K = mf->jmax / T;
    /* K − n = (J_max − nT)/T from the inputs (one rounding in the fma), not from the rounded K. */
    double Kmn = -fma((double)mf->n, T, -mf->jmax) / T;
    VS_FORWARD_IF_ERROR(vs__mf_radial_dk(mf->n, s->K, Kmn, &mf->o, &s->r));
    vs__mf_langevin(mf->n, s->r, &s->L, NULL, NULL, &s->dL);
    return VS_OK;
}

/* True if eigen-direction a belongs to the ordered (largest-J) eigenspace. */
static int is_top(const vs_meanfield *mf, int a)
{
    return mf->J[a] >= mf->jmax * (1.0 - mf->o.degen_rtol);
}

/* Minimiser and order parameter in the eigenbasis: equal weight on each top direction. */
static void fill_vectors(const vs_meanfield *mf, const mf_state *s, double *h, double *m)
{
    int ntop = 0;
    for (int a = 0; a < mf->n; a++)
        ntop += is_top(mf, a);
    double w = 1.0 / sqrt((double)ntop);
    for (int a = 0; a < mf->n; a++) {
        double e = (s->r > 0.0 && is_top(mf, a)) ? w : 0.0;
        h[a] = s->r * e;
        m[a] = s->L * e;
    }
}

VS_API int vs_meanfield_curie_temperature(const vs_meanfield *mf, double *T_curie)
{
    VS_CHECK_PTR(mf);
    VS_CHECK_PTR(T_curie);
    *T_curie = mf->jmax / mf->n; /* Eq. 25: L'(0) = 1/n, so h = 0 loses stability at J_max/T = n */
    return VS_OK;
}

VS_API int vs_meanfield_solve(const vs_meanfield *mf, double T, double *h, double *m, double *residual)
{
    mf_state s;
    VS_FORWARD_IF_ERROR(solve_state(mf, T, __func__, &s));
    double hv[VS_MF_NMAX], mv[VS_MF_NMAX], res = 0.0;
    fill_vectors(mf, &s, hv, mv);
    for (int a = 0; a < mf->n; a++) {
        double d = hv[a] - (mf->J[a] / T) * mv[a];
        res += d * d;
    }
    if (h)
        memcpy(h, hv, (size_t)mf->n * sizeof(double));
    if (m)
        memcpy(m, mv, (size_t)mf->n * sizeof(double));
    if (residual)
        *residual = sqrt(res);
    return VS_OK;
}

/* Split an eigenbasis vector into its compression component and shear magnitude. */
static void split(const vs_meanfield *mf, const double *v, double *c, double *s)
{
    double ss = 0.0;
    for (int a = 0; a < mf->n; a++)
        if (a != mf->ic)
            ss += v[a] * v[a];
    *c = v[mf->ic];
    *s = sqrt(ss);
}

VS_API int vs_meanfield_sector_fields(const vs_meanfield *mf, double T, double *hc, double *hs, double *mc,
                                      double *ms)
{
    mf_state s;
    VS_FORWARD_IF_ERROR(solve_state(mf, T, __func__, &s));
    double hv[VS_MF_NMAX], mv[VS_MF_NMAX], a, b, c, d;
    fill_vectors(mf, &s, hv, mv);
    split(mf, hv, &a, &b);
    split(mf, mv, &c, &d);
    if (hc)
        *hc = a;
    if (hs)
        *hs = b;
    if (mc)
        *mc = c;
    if (ms)
        *ms = d;
    return VS_OK;
}

static vs_mf_phase phase_of(const vs_meanfield *mf, const mf_state *s)
{
    if (!(s->r > 0.0))
        return VS_MF_PARAMAGNET;
    int compr = is_top(mf, mf->ic), shear = 0;
    for (int a = 0; a < mf->n; a++)
        if (a != mf->ic)
            shear |= is_top(mf, a);
    if (compr && shear)
        return VS_MF_BOTH;
    return compr ? VS_MF_COMPRESSION : VS_MF_SHEAR;
}

VS_API int vs_meanfield_phase(const vs_meanfield *mf, double T, vs_mf_phase *phase)
{
    mf_state s;
    VS_CHECK_PTR(phase);
    VS_FORWARD_IF_ERROR(solve_state(mf, T, __func__, &s));
    *phase = phase_of(mf, &s);
    return VS_OK;
}

VS_API int vs_meanfield_thermo(const vs_meanfield *mf, double T, double *F, double *U, double *S, double *C)
{
    mf_state s;
    VS_FORWARD_IF_ERROR(solve_state(mf, T, __func__, &s));
    double f = 0.0, u = 0.0, sv = 0.0, c = 0.0;
    if (s.r > 0.0) {
        double y;
        f = T * vs__mf_gradial(mf->n, s.K, s.r); /* F/N = k_BT·G_min (Eq. 24) */
        u = -0.5 * mf->jmax * s.L * s.L;
        /* S = (U − F)/T = ln Z₁(r) − r L(r) (entropy of one spin in the field h = r), written as
         * (ln Z₁ − r) + r(1 − L) so that no O(J/T) terms cancel at low T. */
        vs__mf_langevin(mf->n, s.r, NULL, NULL, &y, NULL);
        sv = vs__mf_lnz_shifted(mf->n, s.r) + s.r * y;
        /* C = dU/dT = −J L L' dr/dT and, from r = K L(r) with dK/dT = −K/T,
         * dr/dT = −K L/(T(1 − K L')), so C = K² L² L'/(1 − K L') = r²L'/(1 − rL'/L) with K = r/L.
         * Near T_c the denominator is O(r²) and 1 − K L' would cancel (C came out above its maximum
         * (n+2)/2); vs__mf_response evaluates the r-form by series there. */
        c = vs__mf_response(mf->n, s.r);
    }
    if (F)
        *F = f;
    if (U)
        *U = u;
    if (S)
        *S = sv;
    if (C)
        *C = c;
    return VS_OK;
}

/* Largest |h| accepted by the landscape: keeps h² finite. */
#define VS_MF_HMAX 1e100

/* h²/(2K) = h²T/(2J) of Eq. 24, without forming K = J/T (which underflows for huge T). */
static double quad_term(double h, double T, double J)
{
    double a = fabs(h);
    return a > 0.0 ? ldexp(vs__mf_muldiv(a, a, T, J), -1) : 0.0; /* not 2J: J may be DBL_MAX */
}

VS_API int vs_meanfield_landscape(const vs_meanfield *mf, double T, size_t nc, const double *hc, size_t ns,
                                  const double *hs, double *G)
{
    size_t total;
    VS_FORWARD_IF_ERROR(check_T(mf, T, __func__));
    VS_CHECK_PTR(G);
    VS_RETURN_ERROR_IF(nc == 0 || ns == 0, VS_EINVAL, "%s: grid sizes nc = %zu, ns = %zu must be ≥ 1",
                       __func__, nc, ns);
    VS_FORWARD_IF_ERROR(vs__size_mul(nc, ns, &total));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(hc, nc, __func__, "hc"));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(hs, ns, __func__, "hs"));
    for (size_t i = 0; i < nc; i++)
        VS_RETURN_ERROR_IF(fabs(hc[i]) > VS_MF_HMAX, VS_EINVAL, "%s: |hc[%zu]| = %g exceeds %g", __func__, i,
                           hc[i], VS_MF_HMAX);
    for (size_t j = 0; j < ns; j++)
        VS_RETURN_ERROR_IF(fabs(hs[j]) > VS_MF_HMAX, VS_EINVAL, "%s: |hs[%zu]| = %g exceeds %g", __func__, j,
                           hs[j], VS_MF_HMAX);
    /* h²/(2K) = h·h·T/(2J): K = J/T itself may underflow to 0 (huge T, small J), so the quadratic
     * terms are formed without it. They grow with |h|: if the largest ones are finite, all are (and
     * ln Z₁ ≤ |h| ≤ 1.5e100), so G is checked before anything is written. */
    double xmax = 0.0, ymax = 0.0;
    for (size_t i = 0; i < nc; i++)
        xmax = fmax(xmax, fabs(hc[i]));
    for (size_t j = 0; j < ns; j++)
        ymax = fmax(ymax, fabs(hs[j]));
    VS_RETURN_ERROR_IF(
        !isfinite(quad_term(xmax, T, mf->jc) + quad_term(ymax, T, mf->js)), VS_ENUMERIC,
        "%s: G overflows: h²T/(2J) at |hc| = %g, |hs| = %g and T = %g exceeds the double range", __func__,
        xmax, ymax, T);
    for (size_t i = 0; i < nc; i++)
        for (size_t j = 0; j < ns; j++) {
            double x = hc[i], y = hs[j];
            /* Eq. 24 (with the h_c source term that Eq. 23 drops), normalised so G(0) = 0. */
            G[i * ns + j] = quad_term(x, T, mf->jc) + quad_term(y, T, mf->js) - vs__mf_lnz(mf->n, hypot(x, y));
        }
    return VS_OK;
}

/* Column j of the phase diagram (J_compr = ratio·J_shear) at every T[i], into ph[i*nr + j] and
 * m2[2(i*nr + j)], m2[2(i*nr + j) + 1]; func names the public function in messages. */
static int phase_column(double J_compr, double J_shear, size_t nT, const double *T, size_t nr, size_t j,
                        int *ph, double *m2, const char *func)
{
    vs_meanfield *mf = NULL;
    int st = VS_OK;
    VS_FORWARD_IF_ERROR(vs_meanfield_create_compr_shear(J_compr, J_shear, &mf));
    for (size_t i = 0; i < nT; i++) {
        mf_state s;
        size_t k = i * nr + j;
        VS_GOTO_IF_ERROR(st, solve_state(mf, T[i], func, &s), out);
        double hv[VS_MF_NMAX], mv[VS_MF_NMAX];
        fill_vectors(mf, &s, hv, mv);
        ph[k] = (int)phase_of(mf, &s);
        split(mf, mv, &m2[2 * k], &m2[2 * k + 1]);
    }
out:
    vs_meanfield_free(mf);
    return st;
}

VS_API int vs_meanfield_phase_diagram(double J_shear, size_t nT, const double *T, size_t nr, const double *ratio,
                                      int *phase, double *mc, double *ms)
{
    size_t total;
    VS_FORWARD_IF_ERROR(vs__check_finite(J_shear, __func__, "J_shear"));
    VS_CHECK_PTR(phase);
    VS_RETURN_ERROR_IF(!(J_shear > 0.0), VS_EINVAL, "%s: J_shear = %g must be > 0", __func__, J_shear);
    VS_RETURN_ERROR_IF(nT == 0 || nr == 0, VS_EINVAL, "%s: grid sizes nT = %zu, nr = %zu must be ≥ 1",
                       __func__, nT, nr);
    VS_FORWARD_IF_ERROR(vs__size_mul(nT, nr, &total));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(T, nT, __func__, "T"));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(ratio, nr, __func__, "ratio"));
    for (size_t i = 0; i < nT; i++)
        VS_RETURN_ERROR_IF(!(T[i] > 0.0), VS_EINVAL, "%s: T[%zu] = %g must be > 0", __func__, i, T[i]);
    for (size_t j = 0; j < nr; j++)
        VS_RETURN_ERROR_IF(!(ratio[j] > 0.0) || !isfinite(ratio[j] * J_shear), VS_EINVAL,
                           "%s: ratio[%zu] = %g must be > 0 (and ratio·J_shear finite)", __func__, j,
                           ratio[j]);
    /* Solve everything first into scratch, so the outputs stay untouched on failure. */
    int st = VS_OK;
    int *ph = vs__calloc(total, sizeof *ph, &st);
    double *m2 = ph ? vs__calloc(total, 2 * sizeof *m2, &st) : NULL;
    if (!m2)
        goto out;
    for (size_t j = 0; j < nr; j++)
        VS_GOTO_IF_ERROR(st, phase_column(ratio[j] * J_shear, J_shear, nT, T, nr, j, ph, m2, __func__), out);
    for (size_t k = 0; k < total; k++) {
        phase[k] = ph[k];
        if (mc)
            mc[k] = m2[2 * k];
        if (ms)
            ms[k] = m2[2 * k + 1];
    }
out:
    vs__free(ph);
    vs__free(m2);
    return st;
}
