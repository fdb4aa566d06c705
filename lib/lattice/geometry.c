/* Lattice geometry: cell, reciprocal cell, basis, supercell and FFT grid (SPEC §4.4). */
#include <math.h>
#include <string.h>
#include <limits.h>

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
            if (d2 < 1e-20)
                return vs__error(VS_EINVAL,
                                 "lattice: basis sites %d and %d coincide modulo the lattice", i, j);
        }
    return VS_OK;
}

int vs__geom_init(vs__geom *g, const double *cell, int nbasis, const double *frac, const int *L,
                  int open)
{
    int st;
    memset(g, 0, sizeof *g);
    if ((st = vs__check_finite_array(cell, 9, "vs_lattice_create", "cell")) != VS_OK)
        return st;
    if (nbasis < 1 || nbasis > 64)
        return vs__error(VS_EINVAL, "vs_lattice_create: nbasis = %d must be in 1..64", nbasis);
    if ((st = vs__check_finite_array(frac, (size_t)nbasis * 3, "vs_lattice_create", "frac")) != VS_OK)
        return st;
    if ((st = vs__check_ptr(L, "vs_lattice_create", "L")) != VS_OK)
        return st;
    for (int i = 0; i < 3; i++)
        if (L[i] < 1)
            return vs__error(VS_EINVAL, "vs_lattice_create: L[%d] = %d must be ≥ 1", i, L[i]);
    double det = det3(cell);
    double scale = 1.0;
    for (int i = 0; i < 3; i++)
        scale *= sqrt(cell[3 * i] * cell[3 * i] + cell[3 * i + 1] * cell[3 * i + 1] +
                      cell[3 * i + 2] * cell[3 * i + 2]);
    if (!(fabs(det) > 1e-10 * scale) || !isfinite(det))
        return vs__error(VS_EINVAL, "vs_lattice_create: cell vectors are degenerate (det = %g)", det);
    if ((st = check_basis_distinct(frac, nbasis)) != VS_OK)
        return st;

    /* Sizes, overflow-checked before any allocation: cells, sites, grid (2L for open clusters). */
    size_t ncells, nsites, ngrid, nhalf;
    int gdim[3];
    for (int i = 0; i < 3; i++) {
        if (open && L[i] > INT_MAX / 2)
            return vs__error(VS_EOVERFLOW, "vs_lattice_create: L[%d] = %d too large", i, L[i]);
        gdim[i] = open ? 2 * L[i] : L[i];
    }
    if ((st = vs__size_mul3((size_t)L[0], (size_t)L[1], (size_t)L[2], &ncells)) != VS_OK)
        return st;
    if ((st = vs__size_mul(ncells, (size_t)nbasis, &nsites)) != VS_OK)
        return st;
    if ((st = vs__size_mul3((size_t)gdim[0], (size_t)gdim[1], (size_t)gdim[2], &ngrid)) != VS_OK)
        return st;
    if ((st = vs__size_mul3((size_t)gdim[0], (size_t)gdim[1], (size_t)(gdim[2] / 2 + 1), &nhalf)) !=
        VS_OK)
        return st;
    /* FFTW takes int sizes and the biggest arrays hold ngrid × (nb·nc)² doubles. */
    if (ngrid > (size_t)INT_MAX)
        return vs__error(VS_EOVERFLOW, "vs_lattice_create: grid of %zu points too large", ngrid);

    st = VS_OK;
    g->pos = vs__calloc((size_t)nbasis * 3, sizeof *g->pos, &st);
    if (g->pos == NULL)
        return st;
    memcpy(g->A, cell, sizeof g->A);
    reciprocal(cell, det, g->B);
    g->vcell = fabs(det);
    g->nb = nbasis;
    for (int b = 0; b < nbasis; b++)
        for (int c = 0; c < 3; c++)
            g->pos[3 * b + c] = frac[3 * b] * cell[c] + frac[3 * b + 1] * cell[3 + c] +
                                frac[3 * b + 2] * cell[6 + c];
    memcpy(g->L, L, sizeof g->L);
    memcpy(g->g, gdim, sizeof g->g);
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
    g->pos = NULL;
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
