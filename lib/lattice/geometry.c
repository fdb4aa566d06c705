/*
 * Lattice geometry (docs/lattice.md, "Layouts" and "Geometry checks" under "Ewald sum"): the cell
 * rows a_j, the reciprocal rows b_i with a_i·b_j = 2π δ_ij (the k = Σ_j (q_j/L_j) b_j of the
 * Fourier coupling, docs/lattice.md "Fourier coupling and Luttinger–Tisza"), the basis, the site
 * positions r_m = Σ_j (i_j + f_bj) a_j of paper Eq. 18 with site index
 * m = ((i1·L2 + i2)·L3 + i3)·nbasis + b, the volume per site v0 = |det A|/nbasis of Eq. 19 (set by
 * lattice.c from vcell), and the FFT grid: L for periodic supercells, 2L for open clusters
 * (zero-padded convolution, docs/lattice.md "Boundary term and self-images").
 */
#include <math.h>
#include <string.h>
#include <limits.h>
#include <float.h>

#include "lattice_internal.h"

static double det3(const double *A)
{
    return A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) +
           A[2] * (A[3] * A[7] - A[4] * A[6]);
}

/* Reciprocal rows b_i with a_i·b_j = 2π δ_ij: B = 2π (A⁻¹)ᵀ. */
static void reciprocal(const double *A, double det, double *B)
{
    for (int i = 0; i < 3; i++) {
        int j = (i + 1) % 3, k = (i + 2) % 3;
        /* b_i = 2π (a_j × a_k) / det */
        B[3 * i + 0] = 2.0 * M_PI * (A[3 * j + 1] * A[3 * k + 2] - A[3 * j + 2] * A[3 * k + 1]) / det;
        B[3 * i + 1] = 2.0 * M_PI * (A[3 * j + 2] * A[3 * k + 0] - A[3 * j + 0] * A[3 * k + 2]) / det;
        B[3 * i + 2] = 2.0 * M_PI * (A[3 * j + 0] * A[3 * k + 1] - A[3 * j + 1] * A[3 * k + 0]) / det;
    }
}

static int check_basis_distinct(const double *frac, int nb)
{
    for (int i = 0; i < nb; i++)
        for (int j = i + 1; j < nb; j++) {
            double d2 = 0.0;
            for (int c = 0; c < 3; c++) {
                double d = frac[3 * i + c] - frac[3 * j + c];
                d -= nearbyint(d);
                d2 += d * d;
            }
            VS_RETURN_ERROR_IF(d2 < 1e-20, VS_EINVAL,
                               "lattice: basis sites %d and %d coincide modulo the lattice", i, j);
        }
    return VS_OK;
}

/* |v| without overflow or underflow of the squares (an axis of 1e-160 has a length, not 0). */
double vs__norm3_safe(const double *v)
{
    double m = fmax(fabs(v[0]), fmax(fabs(v[1]), fabs(v[2])));
    if (!(m > 0.0) || !isfinite(m))
        return m;
    double x = v[0] / m, y = v[1] / m, z = v[2] / m;
    return m * sqrt(x * x + y * y + z * z);
}

/* Scale-free degeneracy test: the volume of the parallelepiped spanned by the unit axes
 * a_i/|a_i| (in [0, 1]; 1 for orthogonal axes) — independent of the length unit. Then the cell
 * volume itself must be a normal double, or every derived quantity (v0, the reciprocal cell, α)
 * underflows or overflows. */
static int check_cell(const double *cell, int nbasis, double *det)
{
    double u[9], len[3];
    for (int i = 0; i < 3; i++) {
        len[i] = vs__norm3_safe(cell + 3 * i);
        VS_RETURN_ERROR_IF(!(len[i] > 0.0), VS_EINVAL, "vs_lattice_create: cell vector a%d is zero", i + 1);
        for (int c = 0; c < 3; c++)
            u[3 * i + c] = cell[3 * i + c] / len[i];
    }
    double du = det3(u);
    VS_RETURN_ERROR_IF(!(fabs(du) > 1e-10), VS_EINVAL,
                       "vs_lattice_create: cell vectors are degenerate (normalised volume %g)", du);
    *det = det3(cell);
    VS_RETURN_ERROR_IF(!isnormal(*det) || !isnormal(*det / nbasis), VS_EINVAL,
                       "vs_lattice_create: cell volume %g (per site %g) is not a normal double; "
                       "choose a length unit closer to the cell size",
                       *det, *det / nbasis);
    return VS_OK;
}

/* Fractional coordinates are used modulo the lattice (periodic) or as given (open clusters); a
 * double of magnitude ≥ 2^52 has no fractional part left, so such input cannot mean a basis site. */
#define VS__FRAC_MAX 4503599627370496.0 /* 2^52 */

static int check_frac(const double *frac, int nb)
{
    for (int i = 0; i < 3 * nb; i++)
        VS_RETURN_ERROR_IF(!(fabs(frac[i]) < VS__FRAC_MAX), VS_EINVAL,
                           "vs_lattice_create: frac[%d] = %g: fractional coordinates must satisfy "
                           "|f| < 2^52 (reduce them modulo the lattice)",
                           i, frac[i]);
    return VS_OK;
}

/* Cartesian positions: pos as given (f a), posr reduced into the cell ((f − ⌊f⌋) a), and the
 * integer part ⌊f⌋ modulo the grid (shift) that relates the two (ewald.c builds the periodic
 * table from posr, so its cost does not depend on how far outside the cell f lies). */
static void basis_positions(vs__geom *g, const double *cell, const double *frac)
{
    for (int b = 0; b < g->nb; b++) {
        double fr[3];
        for (int j = 0; j < 3; j++) {
            double f = frac[3 * b + j], fl = floor(f);
            fr[j] = f - fl; /* exact */
            double k = fmod(fl, (double)g->g[j]); /* exact, |k| < g_j */
            if (k < 0.0)
                k += g->g[j];
            g->shift[3 * b + j] = (long)k;
        }
        for (int c = 0; c < 3; c++) {
            g->pos[3 * b + c] = frac[3 * b] * cell[c] + frac[3 * b + 1] * cell[3 + c] +
                                frac[3 * b + 2] * cell[6 + c];
            g->posr[3 * b + c] = fr[0] * cell[c] + fr[1] * cell[3 + c] + fr[2] * cell[6 + c];
        }
    }
}

/* Every site position r_m = Σ_j (i_j + f_bj) a_j, and every difference of two of them, must be
 * finite: bound Σ_j (L_j + max_b |f_bj|) |a_j| well below DBL_MAX. */
static int check_extent(const double *cell, const double *frac, int nb, const int *L)
{
    double ext = 0.0;
    for (int j = 0; j < 3; j++) {
        double fmaxj = 0.0;
        for (int b = 0; b < nb; b++)
            fmaxj = fmax(fmaxj, fabs(frac[3 * b + j]));
        ext += ((double)L[j] + fmaxj + 1.0) * vs__norm3_safe(cell + 3 * j);
    }
    VS_RETURN_ERROR_IF(!(ext < 0.125 * DBL_MAX), VS_EINVAL,
                       "vs_lattice_create: the supercell extent %g overflows", ext);
    return VS_OK;
}

int vs__geom_init(vs__geom *g, const double *cell, int nbasis, const double *frac, const int *L,
                  int open)
{
    memset(g, 0, sizeof *g);
    VS_FORWARD_IF_ERROR(vs__check_finite_array(cell, 9, "vs_lattice_create", "cell"));
    VS_RETURN_ERROR_IF(nbasis < 1 || nbasis > 64, VS_EINVAL,
                       "vs_lattice_create: nbasis = %d must be in 1..64", nbasis);
    VS_FORWARD_IF_ERROR(vs__check_finite_array(frac, (size_t)nbasis * 3, "vs_lattice_create", "frac"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(L, "vs_lattice_create", "L"));
    for (int i = 0; i < 3; i++)
        VS_RETURN_ERROR_IF(L[i] < 1, VS_EINVAL, "vs_lattice_create: L[%d] = %d must be ≥ 1", i, L[i]);
    double det = 0.0;
    VS_FORWARD_IF_ERROR(check_cell(cell, nbasis, &det));
    VS_FORWARD_IF_ERROR(check_frac(frac, nbasis));
    VS_FORWARD_IF_ERROR(check_extent(cell, frac, nbasis, L));
    VS_FORWARD_IF_ERROR(check_basis_distinct(frac, nbasis));

    /* Sizes, overflow-checked before any allocation: cells, sites, grid (2L for open clusters). */
    size_t ncells, nsites, ngrid, nhalf;
    int gdim[3];
    for (int i = 0; i < 3; i++) {
        VS_RETURN_ERROR_IF(open && L[i] > INT_MAX / 2, VS_EOVERFLOW,
                           "vs_lattice_create: L[%d] = %d too large", i, L[i]);
        gdim[i] = open ? 2 * L[i] : L[i];
    }
    VS_FORWARD_IF_ERROR(vs__size_mul3((size_t)L[0], (size_t)L[1], (size_t)L[2], &ncells));
    VS_FORWARD_IF_ERROR(vs__size_mul(ncells, (size_t)nbasis, &nsites));
    VS_FORWARD_IF_ERROR(vs__size_mul3((size_t)gdim[0], (size_t)gdim[1], (size_t)gdim[2], &ngrid));
    VS_FORWARD_IF_ERROR(vs__size_mul3((size_t)gdim[0], (size_t)gdim[1], (size_t)(gdim[2] / 2 + 1), &nhalf));
    /* FFTW's plan_many interface takes int sizes. */
    VS_RETURN_ERROR_IF(ngrid > (size_t)INT_MAX, VS_EOVERFLOW,
                       "vs_lattice_create: grid of %zu points too large", ngrid);

    int st = VS_OK;
    g->pos = vs__calloc((size_t)nbasis * 6, sizeof *g->pos, &st);
    if (g->pos == NULL)
        return st;
    g->shift = vs__calloc((size_t)nbasis * 3, sizeof *g->shift, &st);
    if (g->shift == NULL) {
        vs__geom_clear(g);
        return st;
    }
    g->posr = g->pos + (size_t)nbasis * 3;
    memcpy(g->A, cell, sizeof g->A);
    reciprocal(cell, det, g->B);
    g->vcell = fabs(det);
    g->nb = nbasis;
    memcpy(g->L, L, sizeof g->L);
    memcpy(g->g, gdim, sizeof g->g);
    basis_positions(g, cell, frac);
    g->ncells = ncells;
    g->nsites = nsites;
    g->ngrid = ngrid;
    g->nhalf = nhalf;
    g->open = open;
    return VS_OK;
}

void vs__geom_clear(vs__geom *g)
{
    vs__free(g->pos);
    vs__free(g->shift);
    g->pos = g->posr = NULL;
    g->shift = NULL;
}

void vs__geom_split(const vs__geom *g, size_t m, int *c, int *b)
{
    size_t cell = m / (size_t)g->nb;
    *b = (int)(m % (size_t)g->nb);
    c[2] = (int)(cell % (size_t)g->L[2]);
    cell /= (size_t)g->L[2];
    c[1] = (int)(cell % (size_t)g->L[1]);
    c[0] = (int)(cell / (size_t)g->L[1]);
}

void vs__geom_site(const vs__geom *g, size_t m, double *r)
{
    int c[3], b;
    vs__geom_split(g, m, c, &b);
    for (int x = 0; x < 3; x++)
        r[x] = g->pos[3 * b + x] + c[0] * g->A[x] + c[1] * g->A[3 + x] + c[2] * g->A[6 + x];
}

void vs__geom_wavevector(const vs__geom *g, const int *q, double *k)
{
    for (int c = 0; c < 3; c++)
        k[c] = q[0] * g->B[c] / g->L[0] + q[1] * g->B[3 + c] / g->L[1] + q[2] * g->B[6 + c] / g->L[2];
}

size_t vs__geom_half_index(const vs__geom *g, const int *p, int *conj)
{
    int p1 = p[0], p2 = p[1], p3 = p[2];
    *conj = 0;
    if (p3 > g->g[2] / 2) {
        p1 = (g->g[0] - p1) % g->g[0];
        p2 = (g->g[1] - p2) % g->g[1];
        p3 = g->g[2] - p3;
        *conj = 1;
    }
    return ((size_t)p1 * (size_t)g->g[1] + (size_t)p2) * (size_t)(g->g[2] / 2 + 1) + (size_t)p3;
}
