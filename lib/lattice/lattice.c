/*
 * The lattice handle (SPEC §4.4): options, creation, queries, FFT and direct evaluation of the
 * Hamiltonian of paper Eqs. 18–19 (with the uniform and on-site terms), Monte Carlo moves and the
 * Luttinger–Tisza spectrum.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "lattice_internal.h"

/* ---------------------------------------------------------------- options */

#define VS__MAX_MEMORY_DEFAULT 8589934592.0 /* 8 GiB */
#define VS__MAX_MEMORY_HI 18446744073709551616.0 /* 2^64 */

void vs__lattice_options_default(struct vs_lattice_options *o)
{
    o->accuracy = 1e-12;
    o->alpha = 0.0;
    o->boundary = VS_LATTICE_PERIODIC;
    o->e0 = 1.0;
    o->planner = 0;
    o->threads = 0;
    o->fft_threads = 1;
    o->max_memory = VS__MAX_MEMORY_DEFAULT;
}

VS_API int vs_lattice_options_create(vs_lattice_options **out)
{
    int st = vs__check_ptr(out, __func__, "out");
    if (st != VS_OK)
        return st;
    *out = NULL;
    vs_lattice_options *o = vs__calloc(1, sizeof *o, &st);
    if (o == NULL)
        return st;
    vs__lattice_options_default(o);
    *out = o;
    return VS_OK;
}

VS_API void vs_lattice_options_free(vs_lattice_options *opt)
{
    vs__free(opt);
}

VS_API int vs_lattice_option_bounds(int key, double *lo, double *hi)
{
    double l, h;
    switch (key) {
    case VS_LATTICE_OPT_ACCURACY: l = 1e-15; h = 1e-2; break;
    case VS_LATTICE_OPT_ALPHA: l = 0.0; h = 1e6; break;
    case VS_LATTICE_OPT_BOUNDARY: l = VS_LATTICE_PERIODIC; h = VS_LATTICE_OPEN; break;
    case VS_LATTICE_OPT_ENERGY_SCALE: l = 1e-300; h = 1e300; break;
    case VS_LATTICE_OPT_FFTW_PLANNER: l = 0.0; h = 1.0; break;
    case VS_LATTICE_OPT_THREADS: l = 0.0; h = 1024.0; break;
    case VS_LATTICE_OPT_FFT_THREADS: l = 1.0; h = 1024.0; break;
    case VS_LATTICE_OPT_MAX_MEMORY: l = 0.0; h = VS__MAX_MEMORY_HI; break;
    default: return vs__error(VS_EINVAL, "%s: unknown option key %d", __func__, key);
    }
    if (lo == NULL || hi == NULL)
        return vs__error(VS_EINVAL, "%s: lo/hi is NULL", __func__);
    *lo = l;
    *hi = h;
    return VS_OK;
}

static int is_enum_option(int key)
{
    return key == VS_LATTICE_OPT_BOUNDARY || key == VS_LATTICE_OPT_FFTW_PLANNER ||
           key == VS_LATTICE_OPT_THREADS || key == VS_LATTICE_OPT_FFT_THREADS;
}

VS_API int vs_lattice_options_set(vs_lattice_options *opt, int key, double value)
{
    double lo, hi;
    int st = vs__check_ptr(opt, __func__, "opt");
    if (st != VS_OK)
        return st;
    if ((st = vs_lattice_option_bounds(key, &lo, &hi)) != VS_OK)
        return st;
    if (!(value >= lo && value <= hi))
        return vs__error(VS_EINVAL, "%s: option %d = %g outside [%g, %g]", __func__, key, value, lo, hi);
    if (is_enum_option(key) && value != floor(value))
        return vs__error(VS_EINVAL, "%s: option %d needs an integer value (got %g)", __func__, key,
                         value);
    switch (key) {
    case VS_LATTICE_OPT_ACCURACY: opt->accuracy = value; break;
    case VS_LATTICE_OPT_ALPHA: opt->alpha = value; break;
    case VS_LATTICE_OPT_BOUNDARY: opt->boundary = (int)value; break;
    case VS_LATTICE_OPT_ENERGY_SCALE: opt->e0 = value; break;
    case VS_LATTICE_OPT_THREADS: opt->threads = (int)value; break;
    case VS_LATTICE_OPT_FFT_THREADS: opt->fft_threads = (int)value; break;
    case VS_LATTICE_OPT_MAX_MEMORY: opt->max_memory = value; break;
    default: opt->planner = (int)value; break;
    }
    return VS_OK;
}

VS_API int vs_lattice_options_get(const vs_lattice_options *opt, int key, double *value)
{
    double lo, hi;
    int st = vs__check_ptr(opt, __func__, "opt");
    if (st == VS_OK)
        st = vs_lattice_option_bounds(key, &lo, &hi);
    if (st == VS_OK)
        st = vs__check_ptr(value, __func__, "value");
    if (st != VS_OK)
        return st;
    switch (key) {
    case VS_LATTICE_OPT_ACCURACY: *value = opt->accuracy; break;
    case VS_LATTICE_OPT_ALPHA: *value = opt->alpha; break;
    case VS_LATTICE_OPT_BOUNDARY: *value = opt->boundary; break;
    case VS_LATTICE_OPT_ENERGY_SCALE: *value = opt->e0; break;
    case VS_LATTICE_OPT_THREADS: *value = opt->threads; break;
    case VS_LATTICE_OPT_FFT_THREADS: *value = opt->fft_threads; break;
    case VS_LATTICE_OPT_MAX_MEMORY: *value = opt->max_memory; break;
    default: *value = opt->planner; break;
    }
    return VS_OK;
}

/* ---------------------------------------------------------------- lifecycle */

VS_API void vs_lattice_free(vs_lattice *lat)
{
    if (lat == NULL)
        return;
    vs__lattice_fft_clear(lat);
    fftw_free(lat->ttab);
    vs__free(lat->U);
    vs__free(lat->D);
    vs__geom_clear(&lat->geo);
    vs__free(lat);
}

int vs__lattice_peak_bytes(const vs__geom *g, int nc, size_t *bytes)
{
    /* Peak of creation (ewald.c, fft.c): the real-space table stays; the k-space table is built
     * from it through a transform buffer K, then the FFT workspace is allocated. The reciprocal
     * buffer of the Ewald sum (and the basis-shift block) are the size of K or less and are freed
     * before K exists:
     *   peak = ttab + ktab + max(K, xr + xk). */
    size_t m = (size_t)g->nb * (size_t)nc, npack = (size_t)nc * (nc + 1) / 2,
           npairs = (size_t)g->nb * (g->nb + 1) / 2, mp = m * (m + 1) / 2;
    size_t ttab, ktab, K, xr, xk, big, sum;
    int st = vs__size_mul3(npairs, g->ngrid, npack * sizeof(double), &ttab);
    if (st == VS_OK)
        st = vs__size_mul(g->nhalf, g->nb == 1 ? npack * sizeof(double) : mp * sizeof(fftw_complex),
                          &ktab);
    if (st == VS_OK)
        st = vs__size_mul3(npairs, g->nhalf, npack * sizeof(fftw_complex), &K);
    if (st == VS_OK)
        st = vs__size_mul3(g->ngrid, m, sizeof(double), &xr);
    if (st == VS_OK)
        st = vs__size_mul3(g->nhalf, m, sizeof(fftw_complex), &xk);
    if (st != VS_OK)
        return st;
    big = xr + xk < xr ? SIZE_MAX : xr + xk;
    big = big > K ? big : K;
    sum = ttab + ktab;
    if (sum < ttab || sum + big < sum)
        return vs__error(VS_EOVERFLOW, "vs_lattice_create: memory size overflows size_t");
    *bytes = sum + big;
    return VS_OK;
}

/* Validate the arguments of vs_lattice_create() and set up kernel and geometry (no tables). */
static int lattice_setup(const double *cell, int nbasis, const double *frac, const int *L,
                         const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt,
                         vs__kernel *k, struct vs_lattice_options *o, vs__geom *g)
{
    int st = vs__kernel_init(k, coupling, ncomp);
    if (st != VS_OK)
        return st;
    if (opt)
        *o = *opt;
    else
        vs__lattice_options_default(o);
    if (nbasis >= 1 && nbasis <= 64 && nbasis * k->nc > VS__LAT_MAXNC * 64)
        return vs__error(VS_EINVAL, "vs_lattice_create: nbasis·ncomp = %d too large",
                         nbasis * k->nc);
    return vs__geom_init(g, cell, nbasis, frac, L, o->boundary == VS_LATTICE_OPEN);
}

VS_API int vs_lattice_memory_estimate(const double *cell, int nbasis, const double *frac,
                                      const int *L, const vs_coupling *coupling, int ncomp,
                                      const vs_lattice_options *opt, size_t *bytes)
{
    int st = vs__check_ptr(bytes, __func__, "bytes");
    if (st != VS_OK)
        return st;
    vs__kernel k;
    struct vs_lattice_options o;
    vs__geom g;
    memset(&g, 0, sizeof g);
    st = lattice_setup(cell, nbasis, frac, L, coupling, ncomp, opt, &k, &o, &g);
    size_t b = 0;
    if (st == VS_OK)
        st = vs__lattice_peak_bytes(&g, k.nc, &b);
    vs__geom_clear(&g);
    if (st == VS_OK)
        *bytes = b;
    return st;
}

/* The table must be finite (extreme geometries: nearly coincident sites at an extreme length
 * scale); its largest entry bounds what one Monte Carlo move can add to a field. */
static int check_table(struct vs_lattice *l)
{
    size_t nt = (size_t)l->npairs * l->geo.ngrid * (size_t)l->npack;
    double mx = 0.0;
    for (size_t i = 0; i < nt; i++) {
        double a = fabs(l->ttab[i]);
        if (!(a <= DBL_MAX))
            return vs__error(VS_ENUMERIC, "vs_lattice_create: the coupling table is not finite "
                             "(sites too close for this length scale)");
        mx = a > mx ? a : mx;
    }
    l->tmax = mx;
    return VS_OK;
}

VS_API int vs_lattice_create(const double *cell, int nbasis, const double *frac, const int *L,
                             const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt,
                             vs_lattice **out)
{
    int st = vs__check_ptr(out, __func__, "out");
    if (st != VS_OK)
        return st;
    *out = NULL;
    vs__kernel k;
    vs_lattice *l = vs__calloc(1, sizeof *l, &st);
    if (l == NULL)
        return st;
    st = lattice_setup(cell, nbasis, frac, L, coupling, ncomp, opt, &k, &l->opt, &l->geo);
    if (st != VS_OK) {
        vs_lattice_free(l);
        return st;
    }
    l->nc = k.nc;
    l->lmax = k.lmax;
    l->m = nbasis * k.nc;
    l->npack = k.nc * (k.nc + 1) / 2;
    l->npairs = nbasis * (nbasis + 1) / 2;
    l->v0 = l->geo.vcell / nbasis;
    /* The memory ceiling is checked before anything grid-sized is allocated. */
    size_t peak = 0;
    st = vs__lattice_peak_bytes(&l->geo, l->nc, &peak);
    if (st == VS_OK && l->opt.max_memory > 0.0 && (double)peak > l->opt.max_memory)
        st = vs__error(VS_ENOMEM,
                       "%s: needs %.4g GiB at its peak (vs_lattice_memory_estimate), above the "
                       "ceiling VS_LATTICE_OPT_MAX_MEMORY = %.4g GiB; raise the option to allow it",
                       __func__, (double)peak / 1073741824.0, l->opt.max_memory / 1073741824.0);
    if (st == VS_OK)
        st = vs__lattice_build_table(l, &k);
    if (st == VS_OK)
        st = check_table(l);
    if (st == VS_OK)
        st = vs__lattice_build_ktable(l);
    if (st == VS_OK)
        st = vs__lattice_fft_init(l);
    if (st != VS_OK) {
        vs_lattice_free(l);
        return st;
    }
    *out = l;
    return VS_OK;
}

VS_API int vs_lattice_create_cubic(int kind, double a, const int *L, const vs_coupling *coupling,
                                   int ncomp, const vs_lattice_options *opt, vs_lattice **out)
{
    static const double sc[3] = {0, 0, 0};
    static const double bcc[6] = {0, 0, 0, 0.5, 0.5, 0.5};
    static const double fcc[12] = {0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0};
    int st = vs__check_ptr(out, __func__, "out");
    if (st != VS_OK)
        return st;
    *out = NULL;
    if (!(a > 0.0) || !isfinite(a))
        return vs__error(VS_EINVAL, "%s: a = %g must be finite and > 0", __func__, a);
    double cell[9] = {a, 0, 0, 0, a, 0, 0, 0, a};
    switch (kind) {
    case VS_LATTICE_SC: return vs_lattice_create(cell, 1, sc, L, coupling, ncomp, opt, out);
    case VS_LATTICE_BCC: return vs_lattice_create(cell, 2, bcc, L, coupling, ncomp, opt, out);
    case VS_LATTICE_FCC: return vs_lattice_create(cell, 4, fcc, L, coupling, ncomp, opt, out);
    default: return vs__error(VS_EINVAL, "%s: unknown lattice kind %d", __func__, kind);
    }
}

/* ---------------------------------------------------------------- queries */

VS_API size_t vs_lattice_nsites(const vs_lattice *lat)
{
    return lat ? lat->geo.nsites : 0;
}

VS_API int vs_lattice_ncomp(const vs_lattice *lat)
{
    return lat ? lat->nc : 0;
}

VS_API int vs_lattice_nbasis(const vs_lattice *lat)
{
    return lat ? lat->geo.nb : 0;
}

static int check_lat(const vs_lattice *lat, const char *func)
{
    return vs__check_ptr(lat, func, "lattice");
}

VS_API int vs_lattice_site_volume(const vs_lattice *lat, double *v0)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(v0, __func__, "v0");
    if (st == VS_OK)
        *v0 = lat->v0;
    return st;
}

VS_API int vs_lattice_energy_scale(const vs_lattice *lat, double *e0)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(e0, __func__, "e0");
    if (st == VS_OK)
        *e0 = lat->opt.e0;
    return st;
}

VS_API int vs_lattice_positions(const vs_lattice *lat, double *r)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(r, __func__, "r");
    if (st != VS_OK)
        return st;
    for (size_t m = 0; m < lat->geo.nsites; m++)
        vs__geom_site(&lat->geo, m, r + 3 * m);
    return VS_OK;
}

VS_API int vs_lattice_ewald_parameters(const vs_lattice *lat, double *alpha, double *rcut,
                                       double *gcut)
{
    int st = check_lat(lat, __func__);
    if (st != VS_OK)
        return st;
    if (alpha)
        *alpha = lat->alpha;
    if (rcut)
        *rcut = lat->rcut;
    if (gcut)
        *gcut = lat->gcut;
    return VS_OK;
}

/* Store the symmetrised matrix (or clear it for NULL). */
static int set_matrix(vs_lattice *lat, const double *X, double **dst, const char *func)
{
    int st = check_lat(lat, func);
    if (st != VS_OK)
        return st;
    int nc = lat->nc;
    if (X == NULL) {
        vs__free(*dst);
        *dst = NULL;
        return VS_OK;
    }
    if ((st = vs__check_finite_array(X, (size_t)nc * nc, func, "matrix")) != VS_OK)
        return st;
    double *S = *dst ? *dst : vs__calloc((size_t)nc * nc, sizeof *S, &st);
    if (S == NULL)
        return st;
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++)
            S[a * nc + b] = 0.5 * X[a * nc + b] + 0.5 * X[b * nc + a]; /* no overflow */
    *dst = S;
    return VS_OK;
}

VS_API int vs_lattice_set_uniform(vs_lattice *lat, const double *U)
{
    return set_matrix(lat, U, lat ? &lat->U : NULL, __func__);
}

VS_API int vs_lattice_set_onsite(vs_lattice *lat, const double *D)
{
    return set_matrix(lat, D, lat ? &lat->D : NULL, __func__);
}

void vs__lattice_block(const struct vs_lattice *l, size_t m, size_t n, double *T)
{
    const vs__geom *g = &l->geo;
    int cm[3], cn[3], bm, bn;
    vs__geom_split(g, m, cm, &bm);
    vs__geom_split(g, n, cn, &bn);
    int sign = bm <= bn ? 1 : -1; /* T_{b2b1}(d) = T_{b1b2}(−d) */
    size_t d = 0;
    for (int i = 0; i < 3; i++) {
        long x = sign * (long)(cm[i] - cn[i]);
        x %= g->g[i];
        if (x < 0)
            x += g->g[i];
        d = d * (size_t)g->g[i] + (size_t)x;
    }
    const double *src =
        l->ttab + ((size_t)vs__pack_index(g->nb, bm, bn) * g->ngrid + d) * (size_t)l->npack;
    int nc = l->nc, c = 0;
    for (int a = 0; a < nc; a++)
        for (int b = a; b < nc; b++, c++)
            T[a * nc + b] = T[b * nc + a] = src[c];
}

static int check_site(const vs_lattice *lat, size_t m, const char *func)
{
    if (m >= lat->geo.nsites)
        return vs__error(VS_EINVAL, "%s: site %zu out of range (N = %zu)", func, m, lat->geo.nsites);
    return VS_OK;
}

VS_API int vs_lattice_coupling(const vs_lattice *lat, size_t m, size_t n, double *T)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = check_site(lat, m, __func__);
    if (st == VS_OK)
        st = check_site(lat, n, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(T, __func__, "T");
    if (st == VS_OK)
        vs__lattice_block(lat, m, n, T);
    return st;
}

/* ---------------------------------------------------------------- evaluation */

static size_t nvals(const vs_lattice *lat)
{
    return lat->geo.nsites * (size_t)lat->nc;
}

/* Branch-free screen for NaN/inf (x·0 is ±0 for finite x, NaN otherwise), four accumulators so
 * the pass runs at memory speed; the precise message comes from vs__check_finite_array. */
static int check_finite_fast(const double *a, size_t n, const char *func, const char *what)
{
    if (a == NULL)
        return vs__error(VS_EINVAL, "%s: %s is NULL", func, what);
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            acc[k] += a[i + k] * 0.0;
    for (; i < n; i++)
        acc[0] += a[i] * 0.0;
    if (acc[0] + acc[1] + acc[2] + acc[3] == 0.0)
        return VS_OK;
    return vs__check_finite_array(a, n, func, what);
}

static int check_config(const vs_lattice *lat, const double *s, const char *func)
{
    int st = check_lat(lat, func);
    if (st == VS_OK)
        st = check_finite_fast(s, nvals(lat), func, "s");
    return st;
}

/* Every output is finite or the call fails (finite inputs can still overflow near DBL_MAX). */
static int check_output(const double *a, size_t n, const char *func, const char *what)
{
    if (check_finite_fast(a, n, func, what) == VS_OK)
        return VS_OK;
    return vs__error(VS_ENUMERIC, "%s: %s overflows (inputs too large)", func, what);
}

/* Finite check that also returns max |a_i| (for the overflow bound of vs_lattice_update). */
static int max_abs_finite(const double *a, size_t n, const char *func, const char *what, double *mx)
{
    double m = 0.0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        double x = fabs(a[i]);
        bad |= !(x <= DBL_MAX); /* NaN or inf */
        m = x > m ? x : m;
    }
    if (bad)
        return vs__check_finite_array(a, n, func, what);
    *mx = m;
    return VS_OK;
}

/* The FFT path validates its input for free (see vs__lattice_convolve): on failure, name the
 * culprit precisely, or report an overflow of finite but huge inputs. */
static int convolve_failed(const vs_lattice *lat, const double *s, const char *func)
{
    int st = vs__check_finite_array(s, nvals(lat), func, "s");
    if (st != VS_OK)
        return st;
    return vs__error(VS_ENUMERIC, "%s: the fields overflow (spins too large)", func);
}

VS_API int vs_lattice_fields(vs_lattice *lat, const double *s, double *h)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(s, __func__, "s");
    if (st == VS_OK)
        st = vs__check_ptr(h, __func__, "h");
    if (st == VS_OK && h == s)
        st = vs__error(VS_EINVAL, "%s: h may not alias s", __func__);
    if (st != VS_OK)
        return st;
    if (vs__lattice_convolve(lat, s, h) == NULL)
        return convolve_failed(lat, s, __func__);
    return check_output(h, nvals(lat), __func__, "h");
}

static double quad(int nc, const double *X, const double *u, const double *v)
{
    double e = 0.0;
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++)
            e += u[a] * X[a * nc + b] * v[b];
    return e;
}

static void total(const vs_lattice *lat, const double *s, double *M)
{
    int nc = lat->nc;
    for (int a = 0; a < nc; a++)
        M[a] = 0.0;
    for (size_t m = 0; m < lat->geo.nsites; m++)
        for (int a = 0; a < nc; a++)
            M[a] += s[m * nc + a];
}

/* Σ_m s_m·h_m with h in site layout (gridded = 0) or in the FFT workspace's grid layout. */
static double dot_fields(const vs_lattice *lat, const double *s, const double *h, int gridded)
{
    const vs__geom *g = &lat->geo;
    size_t m = (size_t)lat->m;
    if (!gridded || !g->open) {
        /* one contiguous dot product; four accumulators keep it at memory speed */
        size_t n = g->ncells * m, i = 0;
        double acc[4] = {0.0, 0.0, 0.0, 0.0};
        for (; i + 4 <= n; i += 4)
            for (int k = 0; k < 4; k++)
                acc[k] += s[i + k] * h[i + k];
        for (; i < n; i++)
            acc[0] += s[i] * h[i];
        return (acc[0] + acc[1]) + (acc[2] + acc[3]);
    }
    double e = 0.0;
    for (size_t cell = 0; cell < g->ncells; cell++) {
        const double *hc = h + vs__lattice_grid_cell(g, cell) * m;
        const double *sc = s + cell * m;
        for (size_t j = 0; j < m; j++)
            e += sc[j] * hc[j];
    }
    return e;
}

/* E = −(E0/2) Σ s·h − (E0/2N) MᵀUM − (E0/2) Σ sᵀDs (Eq. 18 plus the uniform and on-site terms). */
static double energy_from_fields(const vs_lattice *lat, const double *s, const double *h, int gridded)
{
    int nc = lat->nc;
    double e = dot_fields(lat, s, h, gridded);
    if (lat->D)
        for (size_t m = 0; m < lat->geo.nsites; m++)
            e += quad(nc, lat->D, s + m * nc, s + m * nc);
    if (lat->U) {
        double M[VS__LAT_MAXNC];
        total(lat, s, M);
        e += quad(nc, lat->U, M, M) / (double)lat->geo.nsites;
    }
    return -0.5 * lat->opt.e0 * e;
}

VS_API int vs_lattice_energy_from_fields(const vs_lattice *lat, const double *s, const double *h,
                                         double *E)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(s, __func__, "s");
    if (st == VS_OK)
        st = vs__check_ptr(h, __func__, "h");
    if (st == VS_OK)
        st = vs__check_ptr(E, __func__, "E");
    if (st != VS_OK)
        return st;
    /* Any NaN/inf in s or h makes the sum non-finite (inf·0 = NaN), so validation happens only
     * when the result is not finite. */
    double e = energy_from_fields(lat, s, h, 0);
    if (!isfinite(e)) {
        if ((st = vs__check_finite_array(s, nvals(lat), __func__, "s")) != VS_OK ||
            (st = vs__check_finite_array(h, nvals(lat), __func__, "h")) != VS_OK)
            return st;
        return vs__error(VS_ENUMERIC, "%s: the energy overflows", __func__);
    }
    *E = e;
    return VS_OK;
}

VS_API int vs_lattice_energy(vs_lattice *lat, const double *s, double *E)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(s, __func__, "s");
    if (st == VS_OK)
        st = vs__check_ptr(E, __func__, "E");
    if (st != VS_OK)
        return st;
    /* the fields stay in the handle's workspace: no N-sized allocation per call */
    const double *h = vs__lattice_convolve(lat, s, NULL);
    if (h == NULL)
        return convolve_failed(lat, s, __func__);
    double e = energy_from_fields(lat, s, h, 1);
    if (!isfinite(e))
        return vs__error(VS_ENUMERIC, "%s: the energy overflows", __func__);
    *E = e;
    return VS_OK;
}

static void fields_direct(const vs_lattice *lat, const double *s, double *h)
{
    int nc = lat->nc;
    double T[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (size_t m = 0; m < lat->geo.nsites; m++) {
        double *hm = h + m * nc;
        for (int a = 0; a < nc; a++)
            hm[a] = 0.0;
        for (size_t n = 0; n < lat->geo.nsites; n++) {
            vs__lattice_block(lat, m, n, T);
            for (int a = 0; a < nc; a++)
                for (int b = 0; b < nc; b++)
                    hm[a] += T[a * nc + b] * s[n * nc + b];
        }
    }
}

VS_API int vs_lattice_fields_direct(const vs_lattice *lat, const double *s, double *h)
{
    int st = check_config(lat, s, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(h, __func__, "h");
    if (st == VS_OK && h == s)
        st = vs__error(VS_EINVAL, "%s: h may not alias s", __func__);
    if (st != VS_OK)
        return st;
    fields_direct(lat, s, h);
    return check_output(h, nvals(lat), __func__, "h");
}

VS_API int vs_lattice_energy_direct(const vs_lattice *lat, const double *s, double *E)
{
    int st = check_config(lat, s, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(E, __func__, "E");
    if (st != VS_OK)
        return st;
    double *h = vs__calloc(nvals(lat), sizeof *h, &st);
    if (h == NULL)
        return st;
    fields_direct(lat, s, h);
    double e = energy_from_fields(lat, s, h, 0);
    vs__free(h);
    if (!isfinite(e))
        return vs__error(VS_ENUMERIC, "%s: the energy overflows", __func__);
    *E = e;
    return VS_OK;
}

VS_API int vs_lattice_total(const vs_lattice *lat, const double *s, double *M)
{
    int st = check_config(lat, s, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(M, __func__, "M");
    if (st != VS_OK)
        return st;
    double Mloc[VS__LAT_MAXNC];
    total(lat, s, Mloc);
    if ((st = check_output(Mloc, (size_t)lat->nc, __func__, "M")) == VS_OK)
        memcpy(M, Mloc, (size_t)lat->nc * sizeof *M);
    return st;
}

static int check_move(const vs_lattice *lat, const double *s, const double *h, size_t m,
                      const double *snew, const char *func)
{
    int st = check_lat(lat, func);
    if (st == VS_OK)
        st = vs__check_ptr(s, func, "s");
    if (st == VS_OK)
        st = vs__check_ptr(h, func, "h");
    if (st == VS_OK)
        st = check_site(lat, m, func);
    if (st == VS_OK)
        st = vs__check_finite_array(snew, (size_t)lat->nc, func, "snew");
    if (st == VS_OK)
        st = vs__check_finite_array(s + m * (size_t)lat->nc, (size_t)lat->nc, func, "s[m]");
    if (st == VS_OK)
        st = vs__check_finite_array(h + m * (size_t)lat->nc, (size_t)lat->nc, func, "h[m]");
    return st;
}

VS_API int vs_lattice_delta_energy(const vs_lattice *lat, const double *s, const double *h,
                                   const double *M, size_t m, const double *snew, double *dE)
{
    int st = check_move(lat, s, h, m, snew, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(dE, __func__, "dE");
    if (st == VS_OK && M)
        st = vs__check_finite_array(M, (size_t)lat->nc, __func__, "M");
    if (st != VS_OK)
        return st;
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
    e += 0.5 * quad(nc, T0, d, d);
    if (lat->D)
        e += 0.5 * (quad(nc, lat->D, snew, snew) - quad(nc, lat->D, sm, sm));
    if (lat->U) {
        double Mloc[VS__LAT_MAXNC];
        if (M == NULL) {
            total(lat, s, Mloc);
            if (check_finite_fast(Mloc, (size_t)nc, __func__, "M") != VS_OK &&
                (st = check_finite_fast(s, nvals(lat), __func__, "s")) != VS_OK)
                return st;
            M = Mloc;
        }
        e += (quad(nc, lat->U, d, M) + 0.5 * quad(nc, lat->U, d, d)) / (double)lat->geo.nsites;
    }
    e *= -lat->opt.e0;
    if (!isfinite(e))
        return vs__error(VS_ENUMERIC, "%s: the energy change overflows", __func__);
    *dE = e;
    return VS_OK;
}

VS_API int vs_lattice_update(const vs_lattice *lat, double *s, double *h, double *M, size_t m,
                             const double *snew)
{
    int st = check_move(lat, s, h, m, snew, __func__);
    double hmax = 0.0, Mmax = 0.0, dmax = 0.0;
    if (st == VS_OK)
        st = max_abs_finite(h, nvals(lat), __func__, "h", &hmax);
    if (st == VS_OK)
        st = check_finite_fast(s, nvals(lat), __func__, "s");
    if (st == VS_OK && M)
        st = max_abs_finite(M, (size_t)lat->nc, __func__, "M", &Mmax);
    if (st != VS_OK)
        return st;
    int nc = lat->nc;
    double d[VS__LAT_MAXNC], T[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int a = 0; a < nc; a++) {
        d[a] = snew[a] - s[m * nc + a];
        dmax = fmax(dmax, fabs(d[a]));
    }
    /* Nothing is changed on error, so overflow is excluded beforehand: |h_n + T δ| ≤
     * max|h| + nc·max|T|·max|δ|, and |M + δ| ≤ max|M| + max|δ|. */
    double bound = fmax(hmax + nc * lat->tmax * dmax, Mmax + dmax);
    if (!(dmax <= DBL_MAX && bound <= DBL_MAX))
        return vs__error(VS_ENUMERIC, "%s: the fields would overflow (spins or fields too large)",
                         __func__);
    for (size_t n = 0; n < lat->geo.nsites; n++) {
        vs__lattice_block(lat, n, m, T);
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++)
                h[n * nc + a] += T[a * nc + b] * d[b];
    }
    for (int a = 0; a < nc; a++) {
        s[m * nc + a] = snew[a];
        if (M)
            M[a] += d[a];
    }
    return VS_OK;
}

/* ---------------------------------------------------------------- Luttinger–Tisza */

/* H(k) at half-grid index kh (dimension m = nb·nc), with D and (at k = 0) U/nb added. */
static void fourier_matrix(const vs_lattice *lat, size_t kh, int is_zero, double *Hr, double *Hi)
{
    int m = lat->m, nc = lat->nc, nb = lat->geo.nb;
    double w = (double)lat->geo.ngrid; /* undo the 1/ngrid folded into the k-space table */
    if (nb == 1) {
        const double *T = lat->ktab_r + kh * (size_t)lat->npack;
        for (int a = 0; a < nc; a++)
            for (int b = a; b < nc; b++) {
                Hr[a * nc + b] = Hr[b * nc + a] = w * T[vs__pack_index(nc, a, b)];
                Hi[a * nc + b] = Hi[b * nc + a] = 0.0;
            }
    } else {
        const fftw_complex *T = (const fftw_complex *)(lat->ktab_c + kh * (size_t)(m * (m + 1) / 2));
        int c = 0;
        for (int i = 0; i < m; i++)
            for (int j = i; j < m; j++, c++) {
                Hr[i * m + j] = Hr[j * m + i] = w * T[c][0];
                Hi[i * m + j] = w * T[c][1];
                Hi[j * m + i] = -w * T[c][1];
            }
    }
    for (int b1 = 0; b1 < nb; b1++)
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++) {
                int i = b1 * nc + a, j = b1 * nc + b;
                if (lat->D)
                    Hr[i * m + j] += lat->D[a * nc + b];
                if (is_zero && lat->U)
                    for (int b2 = 0; b2 < nb; b2++)
                        Hr[i * m + b2 * nc + b] += lat->U[a * nc + b] / nb;
            }
}

/* H(k) overflows only when D or U is near DBL_MAX: report it rather than return inf. */
static int check_fourier_finite(int m, const double *Hr, const double *Hi, const char *func)
{
    for (size_t i = 0; i < (size_t)m * m; i++)
        if (!(isfinite(Hr[i]) && isfinite(Hi[i])))
            return vs__error(VS_ENUMERIC, "%s: H(k) overflows (on-site or uniform matrix too "
                             "large)", func);
    return VS_OK;
}

/* Half-grid index of the grid point q and whether the point is stored conjugated (q3 > g3/2). */
static size_t half_index(const vs__geom *g, const int *q, int *conj)
{
    int q1 = q[0], q2 = q[1], q3 = q[2];
    *conj = 0;
    if (q3 > g->g[2] / 2) {
        q1 = (g->g[0] - q1) % g->g[0];
        q2 = (g->g[1] - q2) % g->g[1];
        q3 = g->g[2] - q3;
        *conj = 1;
    }
    return ((size_t)q1 * (size_t)g->g[1] + (size_t)q2) * (size_t)(g->g[2] / 2 + 1) + (size_t)q3;
}

VS_API int vs_lattice_fourier(const vs_lattice *lat, const int *q, double *Hre, double *Him)
{
    int st = check_lat(lat, __func__);
    if (st == VS_OK)
        st = vs__check_ptr(q, __func__, "q");
    if (st == VS_OK)
        st = vs__check_ptr(Hre, __func__, "Hre");
    if (st != VS_OK)
        return st;
    if (lat->geo.open)
        return vs__error(VS_EUNSUPPORTED, "%s: open clusters have no Fourier coupling", __func__);
    for (int i = 0; i < 3; i++)
        if (q[i] < 0 || q[i] >= lat->geo.L[i])
            return vs__error(VS_EINVAL, "%s: q[%d] = %d outside [0, %d)", __func__, i, q[i],
                             lat->geo.L[i]);
    int m = lat->m, conj;
    size_t mm = (size_t)m * m, kh = half_index(&lat->geo, q, &conj);
    double *Hr = vs__calloc(2 * mm, sizeof *Hr, &st);
    if (Hr == NULL)
        return st;
    double *Hi = Hr + mm;
    fourier_matrix(lat, kh, q[0] == 0 && q[1] == 0 && q[2] == 0, Hr, Hi);
    st = check_fourier_finite(m, Hr, Hi, __func__);
    if (st == VS_OK) {
        memcpy(Hre, Hr, mm * sizeof *Hre);
        if (Him) /* the half grid stores H(−k) = conj H(k) for q3 > L3/2 */
            for (size_t i = 0; i < mm; i++)
                Him[i] = conj ? -Hi[i] : Hi[i];
    }
    vs__free(Hr);
    return st;
}

/* Smallest and largest eigenvalue of the Hermitian H = Hr + i Hi through the real symmetric
 * embedding [[Hr, −Hi], [Hi, Hr]] (each eigenvalue of H appears twice), by LAPACKE (vs__sym_eigen). */
static int herm_extreme_eig(int m, const double *Hr, const double *Hi, double *work, double *w,
                            double *lmin, double *lmax)
{
    int n = 2 * m;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++) {
            work[i * n + j] = Hr[i * m + j];
            work[(i + m) * n + j + m] = Hr[i * m + j];
            work[i * n + j + m] = -Hi[i * m + j];
            work[(i + m) * n + j] = Hi[i * m + j];
        }
    int st = vs__sym_eigen(n, work, w, NULL);
    if (st == VS_OK) {
        *lmin = w[0];
        *lmax = w[n - 1];
    }
    return st;
}

/* The Luttinger–Tisza scan: the largest (sign = +1) or smallest (sign = −1) eigenvalue of H(k)
 * over the supercell grid and the first grid point q (scan order q1, q2, q3) reaching it. */
static int lt_scan(const vs_lattice *lat, int sign, const char *func, double *lambda, int *bestq)
{
    int st = check_lat(lat, func);
    if (st != VS_OK)
        return st;
    if (lat->geo.open)
        return vs__error(VS_EUNSUPPORTED, "%s: open clusters have no Luttinger–Tisza spectrum",
                         func);
    const vs__geom *g = &lat->geo;
    int m = lat->m;
    size_t mm = (size_t)m * m;
    double *buf = vs__calloc(2 * mm + 4 * mm + 2 * (size_t)m, sizeof *buf, &st);
    if (buf == NULL)
        return st;
    double *Hr = buf, *Hi = buf + mm, *work = buf + 2 * mm, *w = buf + 6 * mm;
    double best = -DBL_MAX; /* of sign·λ */
    int q[3];
    bestq[0] = bestq[1] = bestq[2] = 0;
    /* H(−k) = conj H(k) has the same spectrum: the half grid q3 ≤ L3/2 (the plane q3 = L3/2
     * included) covers every eigenvalue. */
    for (q[0] = 0; q[0] < g->L[0] && st == VS_OK; q[0]++)
        for (q[1] = 0; q[1] < g->L[1] && st == VS_OK; q[1]++)
            for (q[2] = 0; q[2] <= g->L[2] / 2 && st == VS_OK; q[2]++) {
                int conj;
                size_t kh = half_index(g, q, &conj);
                double lmin = 0.0, lmax = 0.0;
                fourier_matrix(lat, kh, q[0] == 0 && q[1] == 0 && q[2] == 0, Hr, Hi);
                st = check_fourier_finite(m, Hr, Hi, func);
                if (st == VS_OK)
                    st = herm_extreme_eig(m, Hr, Hi, work, w, &lmin, &lmax);
                if (st == VS_OK && !(isfinite(lmin) && isfinite(lmax)))
                    st = vs__error(VS_ENUMERIC, "%s: non-finite eigenvalue of H(k)", func);
                double l = sign > 0 ? lmax : -lmin;
                if (st == VS_OK && l > best + 1e-12 * fabs(best)) {
                    best = l;
                    memcpy(bestq, q, 3 * sizeof *bestq);
                }
            }
    vs__free(buf);
    if (st != VS_OK)
        return st;
    *lambda = sign * best;
    return VS_OK;
}

/* Cartesian k = Σ_j (q_j/L_j) b_j of the grid point q. */
static void grid_wavevector(const vs__geom *g, const int *q, double *k)
{
    for (int c = 0; c < 3; c++)
        k[c] = q[0] * g->B[c] / g->L[0] + q[1] * g->B[3 + c] / g->L[1] +
               q[2] * g->B[6 + c] / g->L[2];
}

VS_API int vs_lattice_luttinger_tisza(const vs_lattice *lat, double *lambda_max, double *k,
                                      double *t_curie)
{
    double best;
    int bestq[3];
    int st = lt_scan(lat, +1, __func__, &best, bestq);
    if (st != VS_OK)
        return st;
    double tc = lat->opt.e0 * best / lat->nc;
    if (t_curie && !isfinite(tc))
        return vs__error(VS_ENUMERIC, "%s: E0 λ_max / ncomp = %g × %g / %d overflows", __func__,
                         lat->opt.e0, best, lat->nc);
    if (lambda_max)
        *lambda_max = best;
    if (k)
        grid_wavevector(&lat->geo, bestq, k);
    if (t_curie)
        *t_curie = tc;
    return VS_OK;
}

VS_API int vs_lattice_luttinger_tisza_min(const vs_lattice *lat, double *lambda_min, double *k)
{
    double best;
    int bestq[3];
    int st = lt_scan(lat, -1, __func__, &best, bestq);
    if (st != VS_OK)
        return st;
    if (lambda_min)
        *lambda_min = best;
    if (k)
        grid_wavevector(&lat->geo, bestq, k);
    return VS_OK;
}
