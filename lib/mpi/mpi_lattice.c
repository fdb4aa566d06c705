/*
 * vs_mpi_lattice: fields and energy of ONE lattice (periodic, or an open cluster on its zero-padded
 * 2L grid) distributed over the ranks of a communicator by FFTW-MPI's slab decomposition
 * (docs/mpi.md, "The distributed lattice").
 *
 * Rank k holds the planes [x0, x0 + n0) of the first grid index (fftw_mpi_local_size_many_transposed,
 * default blocks); its sites are those of its planes below L1 (ns planes), its spins and fields
 * site-major in the core's site order. The coupling table is built distributed with the core's
 * vs_lattice_table_slab(): each rank the reciprocal Ewald part of its k-planes (RECIP), one FFTW-MPI
 * c2r, plus the real-space terms of its slab of displacements (REAL); then one FFTW-MPI r2c with
 * howmany = P·C (the packed basis pairs and components) and FFTW_MPI_TRANSPOSED_OUT gives each rank
 * its slab of the k-space table, in the transposed layout [k2 local][k1][k3] that the spins' forward
 * r2c (also TRANSPOSED_OUT) produces: the k-space product is local, and the backward c2r
 * (FFTW_MPI_TRANSPOSED_IN) returns to the spatial slabs — two all-to-alls per
 * convolution. The energy of paper Eq. 18 with the uniform and on-site terms,
 *
 *   E = −(E0/2) [Σ_m s_m·h_m + Σ_m s_mᵀ D s_m + MᵀUM/N],   M = Σ_m s_m,
 *
 * needs one MPI_Allreduce of the local sums and the local M.
 */
#include <fftw3-mpi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_internal.h"

/* Every rank's state. */
struct vs_mpi_lattice {
    MPI_Comm comm; /* a duplicate of the caller's, MPI_ERRORS_RETURN */
    int rank, size;
    int L[3], nb, nc, m; /* m = nb·nc values per cell */
    int open, g[3];      /* open cluster: the zero-padded grid g = 2L; periodic: g = L */
    int P, C;            /* packed basis pairs and components: the table has P·C values per grid point */
    size_t nsites;       /* global */
    ptrdiff_t n0, x0;    /* this rank's planes of the first grid index */
    ptrdiff_t ns;        /* of which hold sites (open clusters: the grid planes below L1; periodic: n0) */
    ptrdiff_t n1, y0;    /* this rank's planes of the second index of the transposed k-space slab */
    ptrdiff_t nz;        /* g3/2 + 1 */
    double e0;
    unsigned flags;   /* FFTW planner flag of the spins' plans */
    double *U, *D;    /* nc×nc symmetrised, NULL = 0 */
    fftw_complex *x;  /* the spins' slab, in place: real padded [n0][L2][2nz][m], then k [n1][L1][nz][m] */
    fftw_complex *tk; /* the table's k slab [n1][L1][nz][P·C] */
    fftw_plan fwd, bwd;
    fftw_plan tc2r, tr2c; /* the table build's transforms (destroyed after creation) */
    int *idx;             /* m×m: the k-space product's table offsets (make_index) */
};

#define F_CREATE "vs_mpi_lattice_create"

/* ---------------------------------------------------------------- creation */

static int core(int st, const char *func)
{
    return st == VS_OK ? VS_OK : vs__mpi_core_error(st, func);
}

/* The local checks: the arguments of vs_lattice_create (the core's memory estimate validates them
 * without building anything); sets the counts and the grid. */
static int check_args(vs_mpi_lattice *ml, const double *cell, int nbasis, const double *frac, const int *L,
                      const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt)
{
    size_t bytes;
    VS__MPI_FORWARD(
        core(vs_lattice_memory_estimate(cell, nbasis, frac, L, coupling, ncomp, opt, &bytes), F_CREATE));
    double boundary = VS_LATTICE_PERIODIC, e0 = 1.0, planner = VS_LATTICE_PLANNER_AUTO;
    if (opt != NULL) {
        VS__MPI_FORWARD(core(vs_lattice_options_get(opt, VS_LATTICE_OPT_BOUNDARY, &boundary), F_CREATE));
        VS__MPI_FORWARD(core(vs_lattice_options_get(opt, VS_LATTICE_OPT_ENERGY_SCALE, &e0), F_CREATE));
        VS__MPI_FORWARD(core(vs_lattice_options_get(opt, VS_LATTICE_OPT_FFTW_PLANNER, &planner), F_CREATE));
    }
    /* the spins' plans: FFTW_MEASURE only when asked (FFTW-MPI measures collectively, the same plan on
     * every rank); AUTO means ESTIMATE here (one thread per rank) */
    ml->flags = planner == VS_LATTICE_PLANNER_MEASURE ? FFTW_MEASURE : FFTW_ESTIMATE;
    ml->nb = nbasis;
    ml->nc = ncomp > 0 ? ncomp : vs_coupling_ncomp(coupling);
    ml->m = ml->nb * ml->nc;
    ml->P = nbasis * (nbasis + 1) / 2;
    ml->C = ml->nc * (ml->nc + 1) / 2;
    ml->e0 = e0;
    memcpy(ml->L, L, sizeof ml->L);
    ml->nsites = (size_t)L[0] * (size_t)L[1] * (size_t)L[2] * (size_t)nbasis;
    ml->open = boundary == VS_LATTICE_OPEN;
    for (int i = 0; i < 3; i++)
        ml->g[i] = ml->open ? 2 * L[i] : L[i];
    ml->nz = ml->g[2] / 2 + 1;
    return VS_OK;
}

/* The geometry, coupling size and options must be the same on every rank: rank 0's are broadcast and
 * compared (the coupling itself by its ncomp and harmonic degree). */
static int check_same_everywhere(vs_mpi_lattice *ml, const double *cell, const double *frac,
                                 const vs_coupling *coupling, const vs_lattice_options *opt)
{
    int n = 9 + 3 * ml->nb + 3 + 3 + 5, rc, lmax = -1;
    if (coupling != NULL && vs_coupling_lmax(coupling, &lmax) != VS_OK)
        lmax = -1;
    int nmax = n;
    rc = MPI_Allreduce(&n, &nmax, 1, MPI_INT, MPI_MAX, ml->comm);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, F_CREATE, "MPI_Allreduce");
    double *mine = calloc(2 * (size_t)nmax, sizeof *mine), *root = mine + nmax;
    VS__MPI_RETURN_IF(mine == NULL, VS_ENOMEM, F_CREATE ": out of memory");
    memcpy(mine, cell, 9 * sizeof *mine);
    memcpy(mine + 9, frac, 3 * (size_t)ml->nb * sizeof *mine);
    double *t = mine + 9 + 3 * ml->nb;
    static const int keys[4] = {VS_LATTICE_OPT_ACCURACY, VS_LATTICE_OPT_ALPHA, VS_LATTICE_OPT_BOUNDARY,
                                VS_LATTICE_OPT_ENERGY_SCALE};
    for (int i = 0; i < 3; i++)
        t[i] = ml->L[i];
    t[3] = ml->nb;
    t[4] = ml->nc;
    t[5] = lmax;
    vs_lattice_options *def = NULL; /* NULL means the defaults: compare their values */
    if (opt == NULL && vs_lattice_options_create(&def) != VS_OK) {
        free(mine);
        return vs__mpi_core_error(VS_ENOMEM, F_CREATE);
    }
    for (int i = 0; i < 4; i++)
        if (vs_lattice_options_get(opt ? opt : def, keys[i], t + 6 + i) != VS_OK)
            t[6 + i] = NAN;
    vs_lattice_options_free(def);
    memcpy(root, mine, (size_t)nmax * sizeof *root);
    rc = MPI_Bcast(root, nmax, MPI_DOUBLE, 0, ml->comm);
    int same = rc == MPI_SUCCESS && memcmp(root, mine, (size_t)nmax * sizeof *root) == 0;
    free(mine);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, F_CREATE, "MPI_Bcast");
    VS__MPI_RETURN_IF(!same, VS_EINVAL,
                      F_CREATE
                      ": the lattice (cell, basis, L, ncomp, coupling degree or options) differs from "
                      "rank 0's on rank %d",
                      ml->rank);
    return VS_OK;
}

/* The slab decomposition and the buffers: the same blocks for howmany = m and P·C (default blocks
 * depend only on the grid and the rank count). */
static int allocate(vs_mpi_lattice *ml)
{
    ptrdiff_t nk[3] = {ml->g[0], ml->g[1], ml->nz}, H = (ptrdiff_t)ml->P * ml->C, a, b, c, n0, x0, n1, y0,
              n0c, x0c;
    a = fftw_mpi_local_size_many_transposed(3, nk, ml->m, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK,
                                            ml->comm, &ml->n0, &ml->x0, &ml->n1, &ml->y0);
    b = fftw_mpi_local_size_many_transposed(3, nk, H, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK,
                                            ml->comm, &n0, &x0, &n1, &y0);
    c = fftw_mpi_local_size_many(3, nk, H, FFTW_MPI_DEFAULT_BLOCK, ml->comm, &n0c,
                                 &x0c); /* the table's c2r */
    VS__MPI_RETURN_IF(n0 != ml->n0 || x0 != ml->x0 || n1 != ml->n1 || y0 != ml->y0 || n0c != ml->n0 ||
                          (n0c > 0 && x0c != ml->x0),
                      VS_EUNSUPPORTED, F_CREATE ": FFTW-MPI split the table and the spins differently");
    b = b > c ? b : c;
    /* the planes that hold sites: all (periodic) or those below L1 (open: the rest is zero padding) */
    ml->ns = ml->x0 + ml->n0 <= ml->L[0] ? ml->n0 : ml->x0 < ml->L[0] ? ml->L[0] - ml->x0 : 0;
    ml->x = fftw_alloc_complex(a > 0 ? (size_t)a : 1);
    ml->tk = fftw_alloc_complex(b > 0 ? (size_t)b : 1);
    VS__MPI_RETURN_IF(ml->x == NULL || ml->tk == NULL, VS_ENOMEM, F_CREATE ": out of memory (slab buffers)");
    return VS_OK;
}

/* The k-space product's index: for row j = (b1, a) and column l = (b2, b) of the m×m block matrix,
 * the offset of T̂_{p(b1,b2), c(a,b)} in a grid point's P·C table values, negative (−1 − offset) when
 * the conjugate is meant (b1 > b2: T̂_{b2b1}(k) = conj T̂_{b1b2}(k), since T_{b2b1}(d) = T_{b1b2}(−d)
 * is real and each block is symmetric in its components). */
static int make_index(vs_mpi_lattice *ml)
{
    int nb = ml->nb, nc = ml->nc, m = ml->m, C = ml->C;
    ml->idx = malloc((size_t)m * (size_t)m * sizeof *ml->idx);
    VS__MPI_RETURN_IF(ml->idx == NULL, VS_ENOMEM, F_CREATE ": out of memory");
    for (int b1 = 0; b1 < nb; b1++)
        for (int a = 0; a < nc; a++)
            for (int b2 = 0; b2 < nb; b2++)
                for (int b = 0; b < nc; b++) {
                    int lo = b1 < b2 ? b1 : b2, hi = b1 < b2 ? b2 : b1, i = a < b ? a : b, j = a < b ? b : a;
                    int off =
                        (lo * nb - lo * (lo - 1) / 2 + (hi - lo)) * C + (i * nc - i * (i - 1) / 2 + (j - i));
                    ml->idx[(b1 * nc + a) * m + b2 * nc + b] = b1 <= b2 ? off : -1 - off;
                }
    return VS_OK;
}

/* The plans of the table build, in place on tk (collective; ESTIMATE: they never touch the buffer):
 * the c2r of the reciprocal part from the k-slabs (not transposed) and the r2c of the whole table to
 * the transposed k-slabs. */
static int plan_table(vs_mpi_lattice *ml)
{
    ptrdiff_t n[3] = {ml->g[0], ml->g[1], ml->g[2]}, H = (ptrdiff_t)ml->P * ml->C;
    vs_fftw_planner_lock();
    ml->tc2r = fftw_mpi_plan_many_dft_c2r(3, n, H, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, ml->tk,
                                          (double *)ml->tk, ml->comm, FFTW_ESTIMATE);
    ml->tr2c =
        fftw_mpi_plan_many_dft_r2c(3, n, H, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, (double *)ml->tk,
                                   ml->tk, ml->comm, FFTW_ESTIMATE | FFTW_MPI_TRANSPOSED_OUT);
    vs_fftw_planner_unlock();
    VS__MPI_RETURN_IF(ml->tc2r == NULL || ml->tr2c == NULL, VS_ENUMERIC,
                      F_CREATE ": FFTW-MPI could not plan the table transforms");
    return VS_OK;
}

static void destroy_table_plans(vs_mpi_lattice *ml)
{
    vs_fftw_planner_lock();
    if (ml->tc2r)
        fftw_destroy_plan(ml->tc2r);
    if (ml->tr2c)
        fftw_destroy_plan(ml->tr2c);
    ml->tc2r = ml->tr2c = NULL;
    vs_fftw_planner_unlock();
}

/* This rank's share of the reciprocal Ewald sum: the k-planes [x0, x0 + n0) of the reciprocal table
 * (vs_lattice_table_slab, VS_LATTICE_TABLE_RECIP), written straight into tk in the layout of the
 * not-transposed c2r ([n0][L2][L3/2+1][P·C] complex). */
static int table_recip(vs_mpi_lattice *ml, const double *cell, const double *frac,
                       const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt)
{
    int x0 = ml->n0 > 0 ? (int)ml->x0 : 0; /* ranks beyond the slab limit hold no plane */
    if (ml->open) {                        /* no reciprocal part: the c2r of zeros */
        memset(ml->tk, 0,
               2 * (size_t)ml->n0 * (size_t)ml->g[1] * (size_t)ml->nz * (size_t)ml->P * (size_t)ml->C *
                   sizeof(double));
        return VS_OK;
    }
    return core(vs_lattice_table_slab(cell, ml->nb, frac, ml->L, coupling, ncomp, opt, VS_LATTICE_TABLE_RECIP,
                                      x0, x0 + (int)ml->n0, (double *)ml->tk),
                F_CREATE);
}

/* This rank's share of the real-space Ewald sum (VS_LATTICE_TABLE_REAL of its slab of displacements),
 * added to the reciprocal part the c2r left in tk's padded real layout ([n0][L2][2(L3/2+1)][P·C]). */
static int table_real(vs_mpi_lattice *ml, const double *cell, const double *frac, const vs_coupling *coupling,
                      int ncomp, const vs_lattice_options *opt)
{
    size_t H = (size_t)ml->P * (size_t)ml->C, row = (size_t)ml->g[2] * H;
    size_t nrows = (size_t)ml->n0 * (size_t)ml->g[1];
    double *t = malloc((nrows > 0 ? nrows : 1) * row * sizeof *t);
    VS__MPI_RETURN_IF(t == NULL, VS_ENOMEM, F_CREATE ": out of memory (table slab)");
    int x0 = ml->n0 > 0 ? (int)ml->x0 : 0;
    int st = vs_lattice_table_slab(cell, ml->nb, frac, ml->L, coupling, ncomp, opt, VS_LATTICE_TABLE_REAL, x0,
                                   x0 + (int)ml->n0, t);
    if (st == VS_OK) {
        double *r = (double *)ml->tk;
        for (size_t i = 0; i < nrows; i++)
            for (size_t k = 0; k < row; k++)
                r[i * 2 * (size_t)ml->nz * H + k] += t[i * row + k];
    }
    free(t);
    return core(st, F_CREATE);
}

/* The plans of the spins' transforms (collective; MEASURE may overwrite x: it holds no data yet).
 * Planning is serialised with the core's FFTW planner lock (the host may plan in other threads). */
static int plan_spins(vs_mpi_lattice *ml)
{
    ptrdiff_t n[3] = {ml->g[0], ml->g[1], ml->g[2]};
    vs_fftw_planner_lock();
    ml->fwd =
        fftw_mpi_plan_many_dft_r2c(3, n, ml->m, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK,
                                   (double *)ml->x, ml->x, ml->comm, ml->flags | FFTW_MPI_TRANSPOSED_OUT);
    ml->bwd = fftw_mpi_plan_many_dft_c2r(3, n, ml->m, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, ml->x,
                                         (double *)ml->x, ml->comm, ml->flags | FFTW_MPI_TRANSPOSED_IN);
    vs_fftw_planner_unlock();
    VS__MPI_RETURN_IF(ml->fwd == NULL || ml->bwd == NULL, VS_ENUMERIC,
                      F_CREATE ": FFTW-MPI could not plan the slab transforms");
    return VS_OK;
}

VS_MPI_API void vs_mpi_lattice_free(vs_mpi_lattice *ml)
{
    if (ml == NULL)
        return;
    destroy_table_plans(ml);
    vs_fftw_planner_lock();
    if (ml->fwd)
        fftw_destroy_plan(ml->fwd);
    if (ml->bwd)
        fftw_destroy_plan(ml->bwd);
    vs_fftw_planner_unlock();
    fftw_free(ml->x);
    fftw_free(ml->tk);
    free(ml->U);
    free(ml->D);
    free(ml->idx);
    if (ml->comm != MPI_COMM_NULL)
        MPI_Comm_free(&ml->comm);
    free(ml);
}

VS_MPI_API int vs_mpi_lattice_create(MPI_Comm comm, const double *cell, int nbasis, const double *frac,
                                     const int *L, const vs_coupling *coupling, int ncomp,
                                     const vs_lattice_options *opt, vs_mpi_lattice **out)
{
    VS__MPI_RETURN_IF(out == NULL, VS_EINVAL, F_CREATE ": out is NULL");
    *out = NULL;
    VS__MPI_RETURN_IF(comm == MPI_COMM_NULL, VS_EINVAL, F_CREATE ": comm is MPI_COMM_NULL");
    vs_mpi_lattice *ml = calloc(1, sizeof *ml);
    VS__MPI_RETURN_IF(ml == NULL, VS_ENOMEM, F_CREATE ": out of memory");
    int rc = MPI_Comm_dup(comm, &ml->comm);
    if (rc != MPI_SUCCESS) {
        free(ml);
        return vs__mpi_call_error(rc, F_CREATE, "MPI_Comm_dup");
    }
    MPI_Comm_set_errhandler(ml->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(ml->comm, &ml->rank);
    MPI_Comm_size(ml->comm, &ml->size);
    fftw_mpi_init(); /* idempotent; FFTW-MPI's only global set-up (docs/mpi.md) */
    int st = vs__mpi_agree(ml->comm, check_args(ml, cell, nbasis, frac, L, coupling, ncomp, opt));
    if (st == VS_OK)
        st = vs__mpi_agree(ml->comm, check_same_everywhere(ml, cell, frac, coupling, opt));
    if (st == VS_OK)
        st = vs__mpi_agree(ml->comm, allocate(ml));
    if (st == VS_OK)
        st = vs__mpi_agree(ml->comm, make_index(ml));
    /* the table, distributed: each rank its k-planes of the reciprocal sum, one c2r (collective), its
     * slab of the real-space sum, one r2c to the transposed k-slabs (collective) */
    if (st == VS_OK)
        st = vs__mpi_agree(ml->comm, plan_table(ml));
    if (st == VS_OK)
        st = vs__mpi_agree(ml->comm, table_recip(ml, cell, frac, coupling, ncomp, opt));
    if (st == VS_OK)
        fftw_execute(ml->tc2r);
    if (st == VS_OK)
        st = vs__mpi_agree(ml->comm, table_real(ml, cell, frac, coupling, ncomp, opt));
    if (st == VS_OK)
        fftw_execute(ml->tr2c);
    destroy_table_plans(ml);
    if (st == VS_OK)
        st = vs__mpi_agree(ml->comm, plan_spins(ml));
    if (st != VS_OK) {
        vs_mpi_lattice_free(ml);
        return st;
    }
    *out = ml;
    return VS_OK;
}

VS_MPI_API int vs_mpi_lattice_create_f(MPI_Fint fcomm, const double *cell, int nbasis, const double *frac,
                                       const int *L, const vs_coupling *coupling, int ncomp,
                                       const vs_lattice_options *opt, vs_mpi_lattice **out)
{
    VS__MPI_RETURN_IF(out == NULL, VS_EINVAL, "vs_mpi_lattice_create_f: out is NULL");
    *out = NULL;
    MPI_Comm comm = MPI_COMM_NULL;
    VS__MPI_FORWARD(vs__mpi_comm_from_fortran(fcomm, &comm, "vs_mpi_lattice_create_f"));
    return vs_mpi_lattice_create(comm, cell, nbasis, frac, L, coupling, ncomp, opt, out);
}

/* ---------------------------------------------------------------- queries, U and D */

VS_MPI_API int vs_mpi_lattice_local(const vs_mpi_lattice *ml, int *first_plane, int *nplanes, size_t *nsites)
{
    VS__MPI_RETURN_IF(ml == NULL, VS_EINVAL, "vs_mpi_lattice_local: ml is NULL");
    if (first_plane)
        *first_plane = ml->ns > 0 ? (int)ml->x0 : 0;
    if (nplanes)
        *nplanes = (int)ml->ns;
    if (nsites)
        *nsites = (size_t)ml->ns * (size_t)ml->L[1] * (size_t)ml->L[2] * (size_t)ml->nb;
    return VS_OK;
}

VS_MPI_API size_t vs_mpi_lattice_nsites(const vs_mpi_lattice *ml)
{
    return ml ? ml->nsites : 0;
}

VS_MPI_API int vs_mpi_lattice_ncomp(const vs_mpi_lattice *ml)
{
    return ml ? ml->nc : 0;
}

/* Store the symmetrised matrix (or clear it for NULL), as the core's vs_lattice_set_uniform/onsite. */
static int set_matrix(vs_mpi_lattice *ml, const double *X, double **dst, const char *func)
{
    VS__MPI_RETURN_IF(ml == NULL, VS_EINVAL, "%s: ml is NULL", func);
    int nc = ml->nc;
    if (X == NULL) {
        free(*dst);
        *dst = NULL;
        return VS_OK;
    }
    for (int i = 0; i < nc * nc; i++)
        VS__MPI_RETURN_IF(!isfinite(X[i]), VS_EINVAL, "%s: matrix[%d] = %g is not finite", func, i, X[i]);
    double *S = *dst ? *dst : malloc((size_t)nc * (size_t)nc * sizeof *S);
    VS__MPI_RETURN_IF(S == NULL, VS_ENOMEM, "%s: out of memory", func);
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++)
            S[a * nc + b] = 0.5 * X[a * nc + b] + 0.5 * X[b * nc + a];
    *dst = S;
    return VS_OK;
}

VS_MPI_API int vs_mpi_lattice_set_uniform(vs_mpi_lattice *ml, const double *U)
{
    return set_matrix(ml, U, ml ? &ml->U : NULL, "vs_mpi_lattice_set_uniform");
}

VS_MPI_API int vs_mpi_lattice_set_onsite(vs_mpi_lattice *ml, const double *D)
{
    return set_matrix(ml, D, ml ? &ml->D : NULL, "vs_mpi_lattice_set_onsite");
}

/* ---------------------------------------------------------------- fields and energy */

static size_t local_values(const vs_mpi_lattice *ml)
{
    return (size_t)ml->ns * (size_t)ml->L[1] * (size_t)ml->L[2] * (size_t)ml->m;
}

/* Local argument check of a collective evaluation: a finite local slab of spins. */
static int check_spins(const vs_mpi_lattice *ml, const double *s, const char *func)
{
    VS__MPI_RETURN_IF(s == NULL, VS_EINVAL, "%s: s is NULL", func);
    size_t n = local_values(ml);
    for (size_t i = 0; i < n; i++)
        VS__MPI_RETURN_IF(!isfinite(s[i]), VS_EINVAL, "%s: s[%zu] = %g is not finite (local slab)", func, i,
                          s[i]);
    return VS_OK;
}

/* ĥ = T̂(k) ŝ at every k of the local transposed slab. A single-site basis has an even, real table
 * (T(d) = T(−d)): T̂ is real and only its real parts are read. */
static void kspace_product(const vs_mpi_lattice *ml)
{
    int m = ml->m, H = ml->P * ml->C;
    size_t npts = (size_t)ml->n1 * (size_t)ml->g[0] * (size_t)ml->nz;
    const int *idx = ml->idx;
    for (size_t q = 0; q < npts; q++) {
        fftw_complex *S = ml->x + q * (size_t)m;
        const double *T = (const double *)(ml->tk + q * (size_t)H); /* re, im interleaved */
        double hr[16 * 64], hi[16 * 64];
        for (int j = 0; j < m; j++) {
            double xr = 0.0, xi = 0.0;
            const int *row = idx + (size_t)j * (size_t)m;
            if (ml->nb == 1)
                for (int l = 0; l < m; l++) {
                    double t = T[2 * row[l]];
                    xr += t * S[l][0];
                    xi += t * S[l][1];
                }
            else
                for (int l = 0; l < m; l++) {
                    int o = row[l], c = o < 0;
                    o = c ? -1 - o : o;
                    double tr = T[2 * o], ti = c ? -T[2 * o + 1] : T[2 * o + 1];
                    xr += tr * S[l][0] - ti * S[l][1];
                    xi += tr * S[l][1] + ti * S[l][0];
                }
            hr[j] = xr;
            hi[j] = xi;
        }
        for (int j = 0; j < m; j++) {
            S[j][0] = hr[j];
            S[j][1] = hi[j];
        }
    }
}

/* The local fields of the local spins (collective: two FFTW-MPI transforms); h may be NULL (the
 * fields stay in the buffer). Returns Σ_local s·h. */
static double convolve(vs_mpi_lattice *ml, const double *s, double *h)
{
    /* site row (i, j): L3·m values; grid row: 2·nz·m (padded); open clusters also pad rows j ≥ L2 and
     * planes i ≥ L1 with zeros */
    size_t row = (size_t)ml->L[2] * (size_t)ml->m, prow = 2 * (size_t)ml->nz * (size_t)ml->m;
    size_t L2 = (size_t)ml->L[1], g2 = (size_t)ml->g[1];
    double *r = (double *)ml->x;
    if (ml->open)
        memset(r, 0, (size_t)ml->n0 * g2 * prow * sizeof *r);
    for (size_t i = 0; i < (size_t)ml->ns; i++)
        for (size_t j = 0; j < L2; j++)
            memcpy(r + (i * g2 + j) * prow, s + (i * L2 + j) * row, row * sizeof *s);
    fftw_execute(ml->fwd);
    kspace_product(ml);
    fftw_execute(ml->bwd);
    double scale = 1.0 / ((double)ml->g[0] * (double)ml->g[1] * (double)ml->g[2]), sh = 0.0;
    for (size_t i = 0; i < (size_t)ml->ns; i++)
        for (size_t j = 0; j < L2; j++) {
            const double *src = r + (i * g2 + j) * prow;
            size_t o = (i * L2 + j) * row;
            for (size_t k = 0; k < row; k++) {
                double v = src[k] * scale;
                if (h)
                    h[o + k] = v;
                sh += v * s[o + k];
            }
        }
    return sh;
}

/* E from the global sums (one MPI_Allreduce of Σ s·h + Σ sᵀDs and the local M). */
static int energy_from_dot(vs_mpi_lattice *ml, const double *s, double sh, double *E, const char *func)
{
    int nc = ml->nc;
    double buf[1 + 16], tot[1 + 16];
    memset(buf, 0, sizeof buf);
    size_t nloc = local_values(ml) / (size_t)nc;
    buf[0] = sh;
    for (size_t i = 0; i < nloc; i++) {
        const double *si = s + i * (size_t)nc;
        if (ml->D)
            for (int a = 0; a < nc; a++)
                for (int b = 0; b < nc; b++)
                    buf[0] += si[a] * ml->D[a * nc + b] * si[b];
        for (int a = 0; a < nc; a++)
            buf[1 + a] += si[a];
    }
    int rc = MPI_Allreduce(buf, tot, 1 + nc, MPI_DOUBLE, MPI_SUM, ml->comm);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, func, "MPI_Allreduce");
    double e = tot[0];
    if (ml->U) {
        double u = 0.0;
        for (int a = 0; a < nc; a++)
            for (int b = 0; b < nc; b++)
                u += tot[1 + a] * ml->U[a * nc + b] * tot[1 + b];
        e += u / (double)ml->nsites;
    }
    e *= -0.5 * ml->e0;
    VS__MPI_RETURN_IF(!isfinite(e), VS_ENUMERIC, "%s: the energy overflows", func);
    *E = e;
    return VS_OK;
}

/* The fields are finite (a local check; agreed by the caller). */
static int check_fields(const vs_mpi_lattice *ml, const double *h, double sh, const char *func)
{
    if (h == NULL)
        return isfinite(sh) ? VS_OK : vs__mpi_error(VS_ENUMERIC, "%s: the fields overflow", func);
    size_t n = local_values(ml);
    for (size_t i = 0; i < n; i++)
        VS__MPI_RETURN_IF(!isfinite(h[i]), VS_ENUMERIC, "%s: the fields overflow (spins too large)", func);
    return VS_OK;
}

VS_MPI_API int vs_mpi_lattice_fields(vs_mpi_lattice *ml, const double *s, double *h)
{
    static const char *f = "vs_mpi_lattice_fields";
    VS__MPI_RETURN_IF(ml == NULL, VS_EINVAL, "%s: ml is NULL", f);
    int st = check_spins(ml, s, f);
    if (st == VS_OK && h == NULL)
        st = vs__mpi_error(VS_EINVAL, "%s: h is NULL", f);
    if (st == VS_OK && h == s)
        st = vs__mpi_error(VS_EINVAL, "%s: h may not alias s", f);
    VS__MPI_FORWARD(vs__mpi_agree(ml->comm, st));
    double sh = convolve(ml, s, h);
    return vs__mpi_agree(ml->comm, check_fields(ml, h, sh, f));
}

VS_MPI_API int vs_mpi_lattice_energy(vs_mpi_lattice *ml, const double *s, double *E)
{
    static const char *f = "vs_mpi_lattice_energy";
    VS__MPI_RETURN_IF(ml == NULL, VS_EINVAL, "%s: ml is NULL", f);
    int st = check_spins(ml, s, f);
    if (st == VS_OK && E == NULL)
        st = vs__mpi_error(VS_EINVAL, "%s: E is NULL", f);
    VS__MPI_FORWARD(vs__mpi_agree(ml->comm, st));
    double sh = convolve(ml, s, NULL);
    VS__MPI_FORWARD(vs__mpi_agree(ml->comm, check_fields(ml, NULL, sh, f)));
    return vs__mpi_agree(ml->comm, energy_from_dot(ml, s, sh, E, f));
}

VS_MPI_API int vs_mpi_lattice_energy_from_fields(vs_mpi_lattice *ml, const double *s, const double *h,
                                                 double *E)
{
    static const char *f = "vs_mpi_lattice_energy_from_fields";
    VS__MPI_RETURN_IF(ml == NULL, VS_EINVAL, "%s: ml is NULL", f);
    int st = check_spins(ml, s, f);
    if (st == VS_OK && (h == NULL || E == NULL))
        st = vs__mpi_error(VS_EINVAL, "%s: %s is NULL", f, h == NULL ? "h" : "E");
    for (size_t i = 0; st == VS_OK && i < local_values(ml); i++)
        if (!isfinite(h[i]))
            st = vs__mpi_error(VS_EINVAL, "%s: h[%zu] = %g is not finite (local slab)", f, i, h[i]);
    VS__MPI_FORWARD(vs__mpi_agree(ml->comm, st));
    size_t n = local_values(ml);
    double sh = 0.0;
    for (size_t i = 0; i < n; i++)
        sh += s[i] * h[i];
    return vs__mpi_agree(ml->comm, energy_from_dot(ml, s, sh, E, f));
}
