/*
 * The lifecycle of the lattice handle (docs/lattice.md): creation (kernel and geometry, the
 * memory ceiling, the real-space table of ewald.c, the k-space table and plans of fft.c), the
 * memory estimate, free, the queries, the uniform and on-site matrices U and D of the Hamiltonian
 * (paper Eq. 18 plus the uniform and on-site terms; docs/lattice.md, "Hamiltonian and units") and
 * the coupling blocks T(r_m − r_n).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lattice_internal.h"

/* ---------------------------------------------------------------- creation and free */

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

/* Peak bytes of creation (tables, transforms, workspace) for this geometry and nc
 * (docs/lattice.md, "Memory"). */
static int peak_bytes(const vs__geom *g, int nc, size_t *bytes)
{
    /* Peak of creation (ewald.c, fft.c): the real-space table stays; the k-space table is built
     * from it through a transform buffer K, then the FFT workspace is allocated. The reciprocal
     * buffer of the Ewald sum (and the basis-shift block) are the size of K or less and are freed
     * before K exists:
     *   peak = ttab + ktab + max(K, xr + xk). */
    size_t m = (size_t)g->nb * (size_t)nc, npack = (size_t)nc * (nc + 1) / 2,
           npairs = (size_t)g->nb * (g->nb + 1) / 2, mp = m * (m + 1) / 2;
    size_t ttab, ktab, K, ws, big, sum;
    VS_FORWARD_IF_ERROR(vs__size_mul3(npairs, g->ngrid, npack * sizeof(double), &ttab));
    VS_FORWARD_IF_ERROR(
        vs__size_mul(g->nhalf, g->nb == 1 ? npack * sizeof(double) : mp * sizeof(fftw_complex), &ktab));
    VS_FORWARD_IF_ERROR(vs__size_mul3(npairs, g->nhalf, npack * sizeof(fftw_complex), &K));
    VS_FORWARD_IF_ERROR(vs__lattice_ws_bytes(g, nc, &ws)); /* xr + xk: the handle's own workspace */
    big = ws > K ? ws : K;
    sum = ttab + ktab;
    VS_RETURN_ERROR_IF(sum < ttab || sum + big < sum, VS_EOVERFLOW,
                       "vs_lattice_create: memory size overflows size_t");
    *bytes = sum + big;
    return VS_OK;
}

/* Validate the arguments of vs_lattice_create() and set up kernel and geometry (no tables). */
static int lattice_setup(const double *cell, int nbasis, const double *frac, const int *L,
                         const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt,
                         vs__kernel *k, struct vs_lattice_options *o, vs__geom *g)
{
    VS_FORWARD_IF_ERROR(vs__kernel_init(k, coupling, ncomp));
    if (opt)
        *o = *opt;
    else
        vs__lattice_options_default(o);
    VS_RETURN_ERROR_IF(nbasis >= 1 && nbasis <= 64 && nbasis * k->nc > VS__LAT_MAXNC * 64, VS_EINVAL,
                       "vs_lattice_create: nbasis·ncomp = %d too large", nbasis * k->nc);
    return vs__geom_init(g, cell, nbasis, frac, L, o->boundary == VS_LATTICE_OPEN);
}

VS_API int vs_lattice_memory_estimate(const double *cell, int nbasis, const double *frac,
                                      const int *L, const vs_coupling *coupling, int ncomp,
                                      const vs_lattice_options *opt, size_t *bytes)
{
    VS_CHECK_PTR(bytes);
    vs__kernel k;
    struct vs_lattice_options o;
    vs__geom g;
    size_t b = 0;
    int st;
    memset(&g, 0, sizeof g);
    VS_GOTO_IF_ERROR(st, lattice_setup(cell, nbasis, frac, L, coupling, ncomp, opt, &k, &o, &g), out);
    VS_GOTO_IF_ERROR(st, peak_bytes(&g, k.nc, &b), out);
    *bytes = b;
out:
    vs__geom_clear(&g);
    return st;
}

/* The memory ceiling VS_LATTICE_OPT_MAX_MEMORY, checked before anything grid-sized is allocated. */
static int check_memory(const struct vs_lattice *l, size_t peak)
{
    VS_RETURN_ERROR_IF(l->opt.max_memory > 0.0 && (double)peak > l->opt.max_memory, VS_ENOMEM,
                       "%s: needs %.4g GiB at its peak (vs_lattice_memory_estimate), above the "
                       "ceiling VS_LATTICE_OPT_MAX_MEMORY = %.4g GiB; raise the option to allow it",
                       "vs_lattice_create", (double)peak / 1073741824.0, l->opt.max_memory / 1073741824.0);
    return VS_OK;
}

/* The table must be finite (extreme geometries: nearly coincident sites at an extreme length
 * scale); its largest entry bounds what one Monte Carlo move can add to a field. */
static int check_table(struct vs_lattice *l)
{
    size_t nt = (size_t)l->npairs * l->geo.ngrid * (size_t)l->npack;
    double mx = 0.0;
    for (size_t i = 0; i < nt; i++) {
        double a = fabs(l->ttab[i]);
        VS_RETURN_ERROR_IF(!(a <= DBL_MAX), VS_ENUMERIC,
                           "vs_lattice_create: the coupling table is not finite "
                           "(sites too close for this length scale)");
        mx = a > mx ? a : mx;
    }
    l->tmax = mx;
    return VS_OK;
}

/* The stages below (geometry, Ewald, FFT) name vs_lattice_create in their messages; under another
 * constructor a failure is re-recorded under that constructor's name (the cause stays). */
static int restate(int st, const char *func)
{
    return strcmp(func, "vs_lattice_create") == 0 ? st : vs__restate(st, func, "vs_lattice_create: ");
}

/* The counts of a handle whose kernel and geometry are set up. */
static void set_counts(struct vs_lattice *l, const vs__kernel *k)
{
    int nb = l->geo.nb;
    l->nc = k->nc;
    l->lmax = k->lmax;
    l->m = nb * k->nc;
    l->npack = k->nc * (k->nc + 1) / 2;
    l->npairs = nb * (nb + 1) / 2;
    l->v0 = l->geo.vcell / nb;
}

/* The one constructor: the kernel's table (ewald.c), plus a user pair table when pairs != NULL
 * (pairs.c), then the k-space table and plans (fft.c). */
static int lattice_build(const double *cell, int nbasis, const double *frac, const int *L,
                         const vs_coupling *coupling, int ncomp, const vs__pairs *pairs,
                         const vs_lattice_options *opt, vs_lattice **out, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(out, func, "out"));
    *out = NULL;
    vs__kernel k;
    size_t peak = 0;
    int st = VS_OK;
    vs_lattice *l = vs__calloc(1, sizeof *l, &st);
    if (l == NULL)
        return st;
    VS_GOTO_IF_ERROR(st, lattice_setup(cell, nbasis, frac, L, coupling, ncomp, opt, &k, &l->opt, &l->geo),
                     fail);
    set_counts(l, &k);
    if (pairs)
        VS_GOTO_IF_ERROR(st, vs__pairs_check(pairs, nbasis, l->nc, func), fail);
    VS_GOTO_IF_ERROR(st, peak_bytes(&l->geo, l->nc, &peak), fail);
    VS_GOTO_IF_ERROR(st, check_memory(l, peak), fail);
    VS_GOTO_IF_ERROR(st, vs__lattice_build_table(l, &k), fail);
    if (pairs)
        vs__lattice_add_pairs(l, pairs);
    VS_GOTO_IF_ERROR(st, check_table(l), fail);
    VS_GOTO_IF_ERROR(st, vs__lattice_build_ktable(l), fail);
    VS_GOTO_IF_ERROR(st, vs__lattice_fft_init(l), fail);
    *out = l;
    return VS_OK;
fail:
    vs_lattice_free(l);
    return restate(st, func);
}

VS_API int vs_lattice_create(const double *cell, int nbasis, const double *frac, const int *L,
                             const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt,
                             vs_lattice **out)
{
    return lattice_build(cell, nbasis, frac, L, coupling, ncomp, NULL, opt, out, __func__);
}

VS_API int vs_lattice_create_pairs(const double *cell, int nbasis, const double *frac, const int *L,
                                   int ncomp, size_t npairs, const int *disp, const int *pair,
                                   const double *blocks, const vs_coupling *coupling,
                                   const vs_lattice_options *opt, vs_lattice **out)
{
    const vs__pairs p = {npairs, disp, pair, blocks};
    return lattice_build(cell, nbasis, frac, L, coupling, ncomp, &p, opt, out, __func__);
}

VS_API int vs_lattice_create_cubic(int kind, double a, const int *L, const vs_coupling *coupling,
                                   int ncomp, const vs_lattice_options *opt, vs_lattice **out)
{
    static const double sc[3] = {0, 0, 0};
    static const double bcc[6] = {0, 0, 0, 0.5, 0.5, 0.5};
    static const double fcc[12] = {0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0};
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_RETURN_ERROR_IF(!(a > 0.0) || !isfinite(a), VS_EINVAL, "%s: a = %g must be finite and > 0", __func__,
                       a);
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

VS_API int vs_lattice_site_volume(const vs_lattice *lat, double *v0)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_CHECK_PTR(v0);
    *v0 = lat->v0;
    return VS_OK;
}

VS_API int vs_lattice_energy_scale(const vs_lattice *lat, double *e0)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_CHECK_PTR(e0);
    *e0 = lat->opt.e0;
    return VS_OK;
}

VS_API int vs_lattice_positions(const vs_lattice *lat, double *r)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_CHECK_PTR(r);
    for (size_t m = 0; m < lat->geo.nsites; m++)
        vs__geom_site(&lat->geo, m, r + 3 * m);
    return VS_OK;
}

VS_API int vs_lattice_ewald_parameters(const vs_lattice *lat, double *alpha, double *rcut,
                                       double *gcut)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    if (alpha)
        *alpha = lat->alpha;
    if (rcut)
        *rcut = lat->rcut;
    if (gcut)
        *gcut = lat->gcut;
    return VS_OK;
}

VS_API int vs_lattice_coupling(const vs_lattice *lat, size_t m, size_t n, double *T)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    VS_FORWARD_IF_ERROR(vs__lattice_check_site(lat, m, __func__));
    VS_FORWARD_IF_ERROR(vs__lattice_check_site(lat, n, __func__));
    VS_CHECK_PTR(T);
    vs__lattice_block(lat, m, n, T);
    return VS_OK;
}

/* ---------------------------------------------------------------- U and D */

/* Store the symmetrised matrix (or clear it for NULL). */
static int set_matrix(vs_lattice *lat, const double *X, double **dst, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, func));
    int nc = lat->nc;
    if (X == NULL) {
        vs__free(*dst);
        *dst = NULL;
        return VS_OK;
    }
    VS_FORWARD_IF_ERROR(vs__check_finite_array(X, (size_t)nc * nc, func, "matrix"));
    int st = VS_OK;
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

/* ---------------------------------------------------------------- the table by slabs (issue 15) */

VS_API int vs_lattice_table_slab(const double *cell, int nbasis, const double *frac, const int *L,
                                 const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt,
                                 int part, int x0_begin, int x0_end, double *out)
{
    vs__kernel k;
    int st = VS_OK;
    vs_lattice *l = vs__calloc(1, sizeof *l, &st); /* geometry, options and counts only: no table */
    if (l == NULL)
        return st;
    VS_GOTO_IF_ERROR(st, lattice_setup(cell, nbasis, frac, L, coupling, ncomp, opt, &k, &l->opt, &l->geo),
                     out);
    set_counts(l, &k);
    if (out == NULL) {
        st = vs__error(VS_EINVAL, "%s: out is NULL", __func__);
        goto out;
    }
    if (!(x0_begin >= 0 && x0_begin <= x0_end && x0_end <= l->geo.g[0])) {
        st = vs__error(VS_EINVAL, "%s: slab [%d, %d) outside [0, %d] or reversed", __func__, x0_begin, x0_end,
                       l->geo.g[0]);
        goto out;
    }
    if (part != VS_LATTICE_TABLE_FULL && part != VS_LATTICE_TABLE_REAL &&
        !(part == VS_LATTICE_TABLE_RECIP && !l->geo.open)) {
        st = vs__error(VS_EINVAL, "%s: part %d is not FULL, REAL or (periodic lattices) RECIP", __func__,
                       part);
        goto out;
    }
    size_t n; /* RECIP: (re, im) on the half grid */
    size_t g3 = part == VS_LATTICE_TABLE_RECIP ? 2 * (size_t)(l->geo.g[2] / 2 + 1) : (size_t)l->geo.g[2];
    VS_GOTO_IF_ERROR(st,
                     vs__size_mul3((size_t)(x0_end - x0_begin) * (size_t)l->geo.g[1], g3,
                                   (size_t)l->npairs * (size_t)l->npack, &n),
                     out);
    VS_GOTO_IF_ERROR(st, vs__lattice_table_slab(l, &k, part, x0_begin, x0_end, out), out);
    st = vs__lattice_check_output(out, n, __func__, "the coupling table");
out:
    vs_lattice_free(l);
    return st == VS_OK ? VS_OK : restate(st, __func__);
}
