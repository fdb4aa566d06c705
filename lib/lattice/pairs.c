/*
 * User pair tables (docs/lattice.md, "Pair tables"; issue 11 item 2): short-range exchange given as
 * a list of bonds, as in Sunny, Spirit or Vampire inputs, added to the real-space table T(Δ) of
 * ewald.c (zero without a coupling). Entry e is one bond (disp d, basis pair (i, j), symmetric
 * block B) between site (c, i) and site (c + d, j) of every cell c; its reverse bond
 * (−d, (j, i), Bᵀ = B) is implied. With T_mn the coupling of h_m = Σ_n T_mn s_n:
 *
 *   T_{(c,i),(c+d,j)} += B   and   T_{(c+d,j),(c,i)} += B,
 *
 * so that the bond contributes −E0 s_(c,i)ᵀ B s_(c+d,j) to H = −(E0/2) Σ_mn s_mᵀ T_mn s_n.
 * Displacements wrap modulo the supercell (a bond onto the site itself enters T(0)); open
 * clusters drop bonds that leave the cluster.
 */
#include <math.h>
#include <stdlib.h>

#include "lattice_internal.h"

/* ---------------------------------------------------------------- checks */

/* One entry: basis indices in range, not the site itself, a finite symmetric block. Blocks must
 * be symmetric because the table stores T_{b1b2}(Δ) as symmetric ncomp×ncomp blocks (T even and
 * real in k); asymmetric (Dzyaloshinskii–Moriya) exchange is not representable. */
static int check_entry(const vs__pairs *p, size_t e, int nb, int nc, const char *func)
{
    int i = p->pair[2 * e], j = p->pair[2 * e + 1];
    const int *d = p->disp + 3 * e;
    VS_RETURN_ERROR_IF(i < 0 || i >= nb || j < 0 || j >= nb, VS_EINVAL,
                       "%s: entry %zu: basis pair (%d, %d) out of range 0..%d", func, e, i, j, nb - 1);
    VS_RETURN_ERROR_IF(i == j && d[0] == 0 && d[1] == 0 && d[2] == 0, VS_EINVAL,
                       "%s: entry %zu bonds site %d to itself with displacement 0 (an on-site term: use "
                       "vs_lattice_set_onsite)",
                       func, e, i);
    const double *B = p->blocks + e * (size_t)nc * (size_t)nc;
    VS_FORWARD_IF_ERROR(vs__check_finite_array(B, (size_t)nc * (size_t)nc, func, "blocks"));
    double big = 0.0;
    for (int a = 0; a < nc * nc; a++)
        big = fmax(big, fabs(B[a]));
    for (int a = 0; a < nc; a++)
        for (int b = a + 1; b < nc; b++)
            VS_RETURN_ERROR_IF(fabs(B[a * nc + b] - B[b * nc + a]) > 1e-12 * big, VS_EINVAL,
                               "%s: entry %zu: block not symmetric (B[%d][%d] = %g, B[%d][%d] = %g); "
                               "antisymmetric (Dzyaloshinskii-Moriya) exchange is not supported",
                               func, e, a, b, B[a * nc + b], b, a, B[b * nc + a]);
    return VS_OK;
}

/* A bond key: displacement and basis pair as listed, and the entry it came from. */
typedef struct {
    long d[3];
    int i, j;
    size_t e;
} bond_key;

static int key_cmp(const void *pa, const void *pb)
{
    const bond_key *a = pa, *b = pb;
    for (int k = 0; k < 3; k++)
        if (a->d[k] != b->d[k])
            return a->d[k] < b->d[k] ? -1 : 1;
    if (a->i != b->i)
        return a->i < b->i ? -1 : 1;
    return a->j < b->j ? -1 : (a->j > b->j ? 1 : 0);
}

/* No bond may be listed in both directions, (d, i, j) and (−d, j, i): each entry is one bond and
 * its reverse is implied, so listing both would count it twice. Compared as written (before
 * wrapping: on small supercells distinct bonds may wrap onto each other and are both meant).
 * Sorted keys and a binary search: O(n log n). */
static int check_no_reverse(bond_key *keys, size_t n, const char *func)
{
    qsort(keys, n, sizeof *keys, key_cmp);
    for (size_t e = 0; e < n; e++) {
        bond_key r = {{-keys[e].d[0], -keys[e].d[1], -keys[e].d[2]}, keys[e].j, keys[e].i, 0};
        const bond_key *hit = bsearch(&r, keys, n, sizeof *keys, key_cmp);
        /* the arguments are evaluated only when hit != NULL */
        VS_RETURN_ERROR_IF(hit != NULL, VS_EINVAL,
                           "%s: entries %zu and %zu list the same bond in both directions (each entry is one "
                           "bond, its reverse is added automatically: list it once)",
                           func, keys[e].e < hit->e ? keys[e].e : hit->e,
                           keys[e].e < hit->e ? hit->e : keys[e].e);
    }
    return VS_OK;
}

int vs__pairs_check(const vs__pairs *p, int nb, int nc, const char *func)
{
    if (p->n == 0)
        return VS_OK; /* the arrays may then be NULL */
    size_t bytes;
    VS_FORWARD_IF_ERROR(vs__size_mul3(p->n, 3, sizeof(int), &bytes));
    VS_FORWARD_IF_ERROR(vs__size_mul3(p->n, (size_t)nc * (size_t)nc, sizeof(double), &bytes));
    VS_FORWARD_IF_ERROR(vs__check_ptr(p->disp, func, "disp"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(p->pair, func, "pair"));
    VS_FORWARD_IF_ERROR(vs__check_ptr(p->blocks, func, "blocks"));
    /* the keys first: an absurd npairs fails here (VS_EOVERFLOW/VS_ENOMEM) before any entry is read */
    int st = VS_OK;
    bond_key *keys = vs__calloc(p->n, sizeof *keys, &st);
    if (keys == NULL)
        return st;
    for (size_t e = 0; e < p->n; e++) {
        VS_GOTO_IF_ERROR(st, check_entry(p, e, nb, nc, func), out);
        for (int k = 0; k < 3; k++)
            keys[e].d[k] = p->disp[3 * e + k];
        keys[e].i = p->pair[2 * e];
        keys[e].j = p->pair[2 * e + 1];
        keys[e].e = e;
    }
    st = check_no_reverse(keys, p->n, func);
out:
    vs__free(keys);
    return st;
}

/* ---------------------------------------------------------------- the table */

/* Grid index of the cell displacement s·d (s = ±1) wrapped modulo the grid, or SIZE_MAX when an
 * open cluster has no such pair of cells (|d_k| ≥ L_k). */
static size_t wrap(const vs__geom *g, int s, const int *d)
{
    size_t idx = 0;
    for (int k = 0; k < 3; k++) {
        long x = s * (long)d[k];
        if (g->open && (x >= g->L[k] || -x >= g->L[k]))
            return SIZE_MAX;
        x %= g->g[k];
        if (x < 0)
            x += g->g[k];
        idx = idx * (size_t)g->g[k] + (size_t)x;
    }
    return idx;
}

/* ttab_{pair}(Δ) += (B + Bᵀ)/2, packed upper triangle. */
static void add_block(struct vs_lattice *l, int p, size_t delta, const double *B)
{
    double *dst = l->ttab + ((size_t)p * l->geo.ngrid + delta) * (size_t)l->npack;
    int nc = l->nc, c = 0;
    for (int a = 0; a < nc; a++)
        for (int b = a; b < nc; b++, c++)
            dst[c] += 0.5 * B[a * nc + b] + 0.5 * B[b * nc + a];
}

void vs__lattice_add_pairs(struct vs_lattice *l, const vs__pairs *p)
{
    const vs__geom *g = &l->geo;
    for (size_t e = 0; e < p->n; e++) {
        int i = p->pair[2 * e], j = p->pair[2 * e + 1];
        const int *d = p->disp + 3 * e;
        const double *B = p->blocks + e * (size_t)l->nc * (size_t)l->nc;
        /* The table holds T_{b1b2}(Δ) for b1 ≤ b2, Δ = c_m − c_n, with T_nm = T_mnᵀ implied
         * (vs__lattice_block). The bond m = (c, i) → n = (c + d, j) has Δ = −d; seen from the
         * pair (j, i) it is n → m with Δ = +d. For i ≠ j one entry carries both directions; for
         * i = j the reverse bond is the separate entry Δ = +d (the same entry when d ≡ −d, e.g. a
         * self-image, which then counts twice: a site is its own neighbour on both sides). */
        size_t back = wrap(g, -1, d), fwd = wrap(g, 1, d);
        if (back == SIZE_MAX)
            continue; /* open cluster: the bond leaves it */
        int pk = vs__pack_index(g->nb, i, j);
        if (i < j)
            add_block(l, pk, back, B);
        else if (i > j)
            add_block(l, pk, fwd, B);
        else {
            add_block(l, pk, back, B);
            add_block(l, pk, fwd, B);
        }
    }
}
