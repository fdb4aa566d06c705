/*
 * The distributed lattice vs_mpi_lattice (issue 15, docs/mpi.md "The distributed lattice"), run by
 * mpiexec on 1, 2 and 4 (oversubscribed) ranks from meson (suite 'mpi'). Rank 0 prints TAP; each
 * check is agreed over all ranks (logical AND).
 *
 *   test_mpi_lattice equal   every rank's local fields and the global energies equal the serial library
 *                            (vs_lattice_fields / energy / energy_from_fields, built on every rank) and
 *                            the direct O(N²) sum (vs_lattice_fields_direct / energy_direct) to ≤ 1e-12
 *                            relative: sc with the 6-spin elastic kernel at even L = 6, a triclinic
 *                            three-site basis (basis outside the cell) at odd L = (5, 4, 3), bcc
 *                            dipolar at L = (3, 4, 5) (4 ranks: a rank without planes), open clusters
 *                            (bcc dipolar, sc elastic: the zero-padded 2L grid, ranks holding only
 *                            padding); U and D set;
 *                            every rank's slab of the real-space table (vs_lattice_table_slab) equals
 *                            the serial table (vs_lattice_coupling)
 *   test_mpi_lattice bad     bad input: NULL, MPI_COMM_NULL, arguments that differ between ranks, an
 *                            open cluster on one rank only, NaN spins or a NULL output on one rank — every rank
 *                            gets the same status, nothing hangs
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/mpi.h>
#include <libvoigtspin/voigtspin.h>

#include "mpi_tap.h"

static double gmax(double x)
{
    double y;
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return y;
}

static double uniform(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

/* Random spins of length 1, the same on every rank (fixed seed). */
static double *random_spins(size_t N, int nc)
{
    double *s = malloc(N * (size_t)nc * sizeof *s);
    uint64_t st = 20261203;
    for (size_t m = 0; m < N; m++) {
        double n2 = 0.0;
        for (int a = 0; a < nc; a++) {
            s[m * nc + a] = 2.0 * uniform(&st) - 1.0;
            n2 += s[m * nc + a] * s[m * nc + a];
        }
        for (int a = 0; a < nc; a++)
            s[m * nc + a] /= sqrt(n2);
    }
    return s;
}

typedef struct geometry {
    const char *name;
    double cell[9];
    int nb;
    double frac[12];
    int L[3];
    int dipolar; /* 1: dipolar kernel (3 components), 0: 6-spin elastic */
    int open;    /* 1: open cluster (VS_LATTICE_OPT_BOUNDARY = VS_LATTICE_OPEN) */
} geometry;

static vs_coupling *make_coupling(int dipolar)
{
    vs_coupling *c = NULL;
    vs_elastic *el = NULL;
    if (dipolar)
        vs_coupling_create_dipolar(&c);
    else {
        vs_elastic_create_bulk_shear(1.0, 0.6, &el);
        vs_coupling_create(el, 1e-12, &c);
        vs_elastic_free(el);
    }
    return c;
}

/* The local slab of the real-space table equals the serial table. */
static double table_error(const geometry *g, const vs_coupling *c, const vs_lattice_options *o,
                          const vs_lattice *lat, int x0, int n0)
{
    int nb = g->nb, nc = vs_lattice_ncomp(lat), P = nb * (nb + 1) / 2, C = nc * (nc + 1) / 2;
    size_t plane = (size_t)g->L[1] * g->L[2] * P * C, k = 0;
    double *t = malloc(((size_t)n0 + 1) * plane * sizeof *t), T[36], err = 0.0, tmax = 0.0;
    if (vs_lattice_table_slab(g->cell, nb, g->frac, g->L, c, 0, o, VS_LATTICE_TABLE_FULL, x0, x0 + n0, t) !=
        VS_OK) {
        free(t);
        return INFINITY;
    }
    for (int d0 = x0; d0 < x0 + n0; d0++)
        for (int d1 = 0; d1 < g->L[1]; d1++)
            for (int d2 = 0; d2 < g->L[2]; d2++)
                for (int b1 = 0; b1 < nb; b1++)
                    for (int b2 = b1; b2 < nb; b2++) {
                        size_t m = (((size_t)d0 * g->L[1] + d1) * g->L[2] + d2) * nb + b1;
                        vs_lattice_coupling(lat, m, (size_t)b2, T);
                        for (int a = 0; a < nc; a++)
                            for (int b = a; b < nc; b++, k++) {
                                err = fmax(err, fabs(t[k] - T[a * nc + b]));
                                tmax = fmax(tmax, fabs(T[a * nc + b]));
                            }
                    }
    free(t);
    return gmax(err) / gmax(tmax);
}

static void run_geometry(const geometry *g)
{
    vs_coupling *c = make_coupling(g->dipolar);
    vs_lattice_options *o = NULL;
    vs_lattice_options_create(&o);
    vs_lattice_options_set(o, VS_LATTICE_OPT_ACCURACY, 1e-13);
    vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, 1.7);
    vs_lattice_options_set(o, VS_LATTICE_OPT_BOUNDARY, g->open ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC);
    vs_lattice *lat = NULL;
    vs_mpi_lattice *ml = NULL;
    int st = vs_lattice_create(g->cell, g->nb, g->frac, g->L, c, 0, o, &lat);
    int sm = vs_mpi_lattice_create(MPI_COMM_WORLD, g->cell, g->nb, g->frac, g->L, c, 0, o, &ml);
    check(st == VS_OK && sm == VS_OK, "%s: serial and distributed lattices created (%s)", g->name,
          sm == VS_OK ? "ok" : vs_mpi_last_error());
    if (st != VS_OK || sm != VS_OK) {
        vs_mpi_lattice_free(ml);
        vs_lattice_free(lat);
        vs_lattice_options_free(o);
        vs_coupling_free(c);
        return;
    }
    int nc = vs_lattice_ncomp(lat), x0 = -1, n0 = -1;
    size_t N = vs_lattice_nsites(lat), nloc = 0, ntot = 0;
    vs_mpi_lattice_local(ml, &x0, &n0, &nloc);
    MPI_Allreduce(&nloc, &ntot, 1, MPI_UNSIGNED_LONG, MPI_SUM, MPI_COMM_WORLD);
    check(ntot == N && vs_mpi_lattice_nsites(ml) == N && vs_mpi_lattice_ncomp(ml) == nc &&
              nloc == (size_t)n0 * g->L[1] * g->L[2] * g->nb,
          "%s: the slabs cover the N = %zu sites once", g->name, N);
    if (!g->open) { /* (open clusters: the 2L grid; test_lattice_slab checks their table) */
        double et = table_error(g, c, o, lat, n0 > 0 ? x0 : 0, n0);
        check(et <= 1e-13, "%s: each rank's table slab equals the serial table (%.2e)", g->name, et);
    }

    /* U and D (non-diagonal, symmetric parts used) */
    double U[36], D[36];
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++) {
            U[a * nc + b] = 0.3 * (a == b) - 0.1 * (a + b) / nc + 0.05 * (a - b);
            D[a * nc + b] = 0.2 * (a == b) * (a % 2 ? -1 : 1) + 0.07 / (1 + a + b);
        }
    vs_lattice_set_uniform(lat, U);
    vs_lattice_set_onsite(lat, D);
    check(vs_mpi_lattice_set_uniform(ml, U) == VS_OK && vs_mpi_lattice_set_onsite(ml, D) == VS_OK,
          "%s: U and D set", g->name);

    double *s = random_spins(N, nc);
    for (size_t m = 0; m < N * nc; m += 7) /* a net moment, so that the U term matters */
        s[m] = fabs(s[m]);
    double *h = malloc(N * nc * sizeof *h), *hd = malloc(N * nc * sizeof *hd);
    double *hl = malloc((nloc + 1) * nc * sizeof *hl), Es, Ed, E1, E2;
    vs_lattice_fields(lat, s, h);
    vs_lattice_fields_direct(lat, s, hd);
    vs_lattice_energy(lat, s, &Es);
    vs_lattice_energy_direct(lat, s, &Ed);
    const double *sl = s + (size_t)(n0 > 0 ? x0 : 0) * g->L[1] * g->L[2] * g->nb * nc;
    const double *hs = h + (size_t)(n0 > 0 ? x0 : 0) * g->L[1] * g->L[2] * g->nb * nc;
    const double *hds = hd + (size_t)(n0 > 0 ? x0 : 0) * g->L[1] * g->L[2] * g->nb * nc;
    int f1 = vs_mpi_lattice_fields(ml, sl, hl);
    int f2 = vs_mpi_lattice_energy(ml, sl, &E1);
    int f3 = vs_mpi_lattice_energy_from_fields(ml, sl, hl, &E2);
    check(f1 == VS_OK && f2 == VS_OK && f3 == VS_OK, "%s: fields, energy, energy_from_fields succeed",
          g->name);
    double ef = 0.0, efd = 0.0, hmax = 0.0;
    for (size_t k = 0; k < nloc * nc; k++) {
        ef = fmax(ef, fabs(hl[k] - hs[k]));
        efd = fmax(efd, fabs(hl[k] - hds[k]));
    }
    for (size_t k = 0; k < N * nc; k++)
        hmax = fmax(hmax, fabs(h[k]));
    ef = gmax(ef) / hmax;
    efd = gmax(efd) / hmax;
    check(ef <= 1e-12, "%s: local fields = serial vs_lattice_fields (max rel %.2e)", g->name, ef);
    check(efd <= 1e-12, "%s: local fields = the direct O(N^2) sum (max rel %.2e)", g->name, efd);
    double r1 = fabs(E1 - Es) / fabs(Es), r2 = fabs(E2 - Es) / fabs(Es), r3 = fabs(E1 - Ed) / fabs(Ed);
    check(r1 <= 1e-12 && r2 <= 1e-12,
          "%s: energy and energy_from_fields = serial (rel %.2e, %.2e; E = %.12g)", g->name, r1, r2, Es);
    check(r3 <= 1e-12, "%s: energy = the direct sum (rel %.2e)", g->name, r3);
    /* the same energy on every rank, bit for bit */
    double Emin, Emax;
    MPI_Allreduce(&E1, &Emin, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&E1, &Emax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    check(Emin == Emax, "%s: every rank returns the same energy", g->name);
    free(s);
    free(h);
    free(hd);
    free(hl);
    vs_mpi_lattice_free(ml);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

static const geometry geoms[] = {
    {"sc elastic L=6", {1, 0, 0, 0, 1, 0, 0, 0, 1}, 1, {0, 0, 0}, {6, 6, 6}, 0, 0},
    {"triclinic 3-site elastic L=(5,4,3)",
     {1.0, 0.0, 0.0, 0.31, 1.13, 0.0, -0.22, 0.17, 0.93},
     3,
     {0.0, 0.0, 0.0, 1.52, 0.13, 0.31, 0.21, -1.36, 3.77},
     {5, 4, 3},
     0,
     0},
    {"bcc dipolar L=(3,4,5)", {1, 0, 0, 0, 1, 0, 0, 0, 1}, 2, {0, 0, 0, 0.5, 0.5, 0.5}, {3, 4, 5}, 1, 0},
    /* open: grid 2L = (6, 8, 4); on 4 ranks the grid planes 2, 2, 2, 0 of which 2, 1, 0, 0 hold sites */
    {"open bcc dipolar L=(3,4,2)", {1, 0, 0, 0, 1, 0, 0, 0, 1}, 2, {0, 0, 0, 0.5, 0.5, 0.5}, {3, 4, 2}, 1, 1},
    {"open sc elastic L=(5,3,4)", {1, 0, 0, 0, 1, 0, 0, 0, 1}, 1, {0, 0, 0}, {5, 3, 4}, 0, 1},
};

static void run_equal(void)
{
    for (size_t i = 0; i < sizeof geoms / sizeof geoms[0]; i++)
        run_geometry(&geoms[i]);
}

static void run_bad(void)
{
    const geometry *g = &geoms[2];
    vs_coupling *c = make_coupling(1);
    vs_mpi_lattice *ml = NULL;
    check(vs_mpi_lattice_create(MPI_COMM_WORLD, g->cell, g->nb, g->frac, g->L, c, 0, NULL, NULL) == VS_EINVAL,
          "out NULL: VS_EINVAL");
    check(vs_mpi_lattice_create(MPI_COMM_NULL, g->cell, g->nb, g->frac, g->L, c, 0, NULL, &ml) == VS_EINVAL &&
              ml == NULL && strstr(vs_mpi_last_error(), "MPI_COMM_NULL") != NULL,
          "comm MPI_COMM_NULL: VS_EINVAL");
    check(vs_mpi_lattice_create(MPI_COMM_WORLD, NULL, g->nb, g->frac, g->L, c, 0, NULL, &ml) == VS_EINVAL &&
              ml == NULL,
          "cell NULL: VS_EINVAL on every rank");
    /* a bad argument on the last rank only */
    int Lbad[3] = {g->L[0], g->L[1], rank == nranks - 1 ? 0 : g->L[2]};
    int st = vs_mpi_lattice_create(MPI_COMM_WORLD, g->cell, g->nb, g->frac, Lbad, c, 0, NULL, &ml);
    check(st == VS_EINVAL && ml == NULL, "L3 = 0 on the last rank only: VS_EINVAL on every rank (%s)",
          vs_mpi_last_error());
    if (nranks > 1) {
        int Ldiff[3] = {g->L[0] + (rank == 1), g->L[1], g->L[2]};
        st = vs_mpi_lattice_create(MPI_COMM_WORLD, g->cell, g->nb, g->frac, Ldiff, c, 0, NULL, &ml);
        check(st == VS_EINVAL && ml == NULL && strstr(vs_mpi_last_error(), "differs") != NULL,
              "L differs between ranks (mismatched sizes): VS_EINVAL on every rank");
        vs_lattice_options *o = NULL;
        vs_lattice_options_create(&o);
        vs_lattice_options_set(o, VS_LATTICE_OPT_ACCURACY, rank == 0 ? 1e-12 : 1e-10);
        st = vs_mpi_lattice_create(MPI_COMM_WORLD, g->cell, g->nb, g->frac, g->L, c, 0, o, &ml);
        check(st == VS_EINVAL && ml == NULL, "options differ between ranks: VS_EINVAL on every rank");
        vs_lattice_options_free(o);
    }
    if (nranks > 1) {
        vs_lattice_options *open = NULL;
        vs_lattice_options_create(&open);
        vs_lattice_options_set(open, VS_LATTICE_OPT_BOUNDARY,
                               rank == 0 ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC);
        st = vs_mpi_lattice_create(MPI_COMM_WORLD, g->cell, g->nb, g->frac, g->L, c, 0, open, &ml);
        check(st == VS_EINVAL && ml == NULL, "open on rank 0 only: VS_EINVAL on every rank");
        vs_lattice_options_free(open);
    }
    /* Fortran integers that are no communicator: VS_EINVAL, not an abort of the job in MPI_Comm_dup
     * (vs_mpi_lattice_create_f converted with MPI_Comm_f2c alone until the fix) */
    ml = (vs_mpi_lattice *)&ml;
    st = vs_mpi_lattice_create_f(-12345, g->cell, g->nb, g->frac, g->L, c, 0, NULL, &ml);
    check(st == VS_EINVAL && ml == NULL && strstr(vs_mpi_last_error(), "-12345") != NULL,
          "vs_mpi_lattice_create_f(-12345): VS_EINVAL naming the integer (%s)", vs_mpi_last_error());
    st = vs_mpi_lattice_create_f(MPI_Comm_c2f(MPI_COMM_NULL), g->cell, g->nb, g->frac, g->L, c, 0, NULL, &ml);
    check(st == VS_EINVAL && ml == NULL, "vs_mpi_lattice_create_f(MPI_COMM_NULL's integer): VS_EINVAL");
    check(vs_mpi_lattice_create_f(MPI_Comm_c2f(MPI_COMM_WORLD), g->cell, g->nb, g->frac, g->L, c, 0, NULL, NULL) ==
              VS_EINVAL,
          "vs_mpi_lattice_create_f: out NULL is VS_EINVAL");
    /* a Fortran communicator */
    st =
        vs_mpi_lattice_create_f(MPI_Comm_c2f(MPI_COMM_WORLD), g->cell, g->nb, g->frac, g->L, c, 0, NULL, &ml);
    check(st == VS_OK && ml != NULL, "vs_mpi_lattice_create_f with MPI_Comm_c2f(MPI_COMM_WORLD)");
    if (ml == NULL) {
        vs_coupling_free(c);
        return;
    }
    size_t nloc = 0;
    vs_mpi_lattice_local(ml, NULL, NULL, &nloc);
    double *s = random_spins(nloc + 1, 3), *h = malloc((nloc + 1) * 3 * sizeof *h), E = 0.0;
    int last = (nranks < g->L[0] ? nranks : g->L[0]) - 1; /* the last rank that holds planes */
    if (rank == last)
        s[1] = NAN;
    st = vs_mpi_lattice_fields(ml, s, h);
    check(st == VS_EINVAL && strstr(vs_mpi_last_error(), "not finite") != NULL,
          "NaN spin on the last rank with planes: VS_EINVAL on every rank (%s)", vs_mpi_last_error());
    st = vs_mpi_lattice_energy(ml, s, &E);
    check(st == VS_EINVAL, "NaN spin on the last rank with planes: energy fails on every rank");
    s[1] = 0.5;
    st = vs_mpi_lattice_fields(ml, s, rank == 0 ? NULL : h);
    check(st == VS_EINVAL, "h NULL on rank 0 only: VS_EINVAL on every rank");
    st = vs_mpi_lattice_fields(ml, s, rank == 0 ? (double *)s : h);
    check(st == VS_EINVAL, "h == s on rank 0 only: VS_EINVAL on every rank");
    st = vs_mpi_lattice_energy(ml, s, rank == 0 ? NULL : &E);
    check(st == VS_EINVAL, "E NULL on rank 0 only: VS_EINVAL on every rank");
    st = vs_mpi_lattice_energy_from_fields(ml, s, rank == 0 ? NULL : h, &E);
    check(st == VS_EINVAL, "energy_from_fields with h NULL on rank 0: VS_EINVAL on every rank");
    const double Unan[9] = {NAN, 0, 0, 0, 0, 0, 0, 0, 0};
    check(vs_mpi_lattice_set_uniform(ml, Unan) == VS_EINVAL &&
              vs_mpi_lattice_set_onsite(ml, Unan) == VS_EINVAL,
          "U, D not finite: VS_EINVAL");
    check(vs_mpi_lattice_set_uniform(NULL, NULL) == VS_EINVAL &&
              vs_mpi_lattice_set_onsite(NULL, NULL) == VS_EINVAL &&
              vs_mpi_lattice_local(NULL, NULL, NULL, NULL) == VS_EINVAL && vs_mpi_lattice_nsites(NULL) == 0 &&
              vs_mpi_lattice_ncomp(NULL) == 0 && vs_mpi_lattice_fields(NULL, s, h) == VS_EINVAL &&
              vs_mpi_lattice_energy(NULL, s, &E) == VS_EINVAL &&
              vs_mpi_lattice_energy_from_fields(NULL, s, h, &E) == VS_EINVAL,
          "NULL handle: VS_EINVAL / 0");
    /* still usable after the failures */
    st = vs_mpi_lattice_energy(ml, s, &E);
    check(st == VS_OK && isfinite(E), "the handle still works after the failures");
    free(s);
    free(h);
    vs_mpi_lattice_free(ml);
    vs_mpi_lattice_free(NULL);
    vs_coupling_free(c);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (argc >= 2 && strcmp(argv[1], "equal") == 0)
        run_equal();
    else if (argc >= 2 && strcmp(argv[1], "bad") == 0)
        run_bad();
    else {
        if (rank == 0)
            fprintf(stderr, "usage: test_mpi_lattice equal | bad\n");
        MPI_Finalize();
        return 2;
    }
    if (rank == 0)
        printf("1..%d\n", ntest);
    MPI_Finalize();
    return nfail ? 1 : 0;
}
