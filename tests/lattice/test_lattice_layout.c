/*
 * The component-major evaluation of lib/lattice/fft.c (issue 12): every path of it — slab by slab
 * or all slabs at once, one column block or several with a shorter last one, the threaded 3-D
 * transforms, periodic and open, even and odd numbers of values per cell (the pairwise and the
 * scalar transposes), odd and even L, one and several basis sites — gives the fields and energy of
 * the O(N²) pair sum over the same table (vs_lattice_fields_direct / _energy_direct: no FFT), to
 * round-off; and vs_lattice_fields_energy gives vs_lattice_fields + vs_lattice_energy_from_fields
 * bit for bit on each (with and without the uniform and on-site terms). Internal (links the internal library) only to check which path each case takes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "lattice_testutil.h"
#include "lattice/lattice_internal.h"

/* What a case must exercise (-1: either). */
typedef struct {
    int slabwise, blocks_gt1, colrem, threaded;
} path;

static void check_path(const vs_lattice *l, path want)
{
    size_t ncol = (size_t)l->geo.g[1] * (size_t)(l->geo.g[2] / 2 + 1);
    if (want.threaded == 1) {
        assert_non_null(l->pfwd);
        assert_null(l->slab_fwd);
        return;
    }
    assert_non_null(l->slab_fwd);
    if (want.slabwise >= 0)
        assert_int_equal(l->slabwise, want.slabwise);
    if (want.blocks_gt1 >= 0)
        assert_int_equal(ncol > l->colblk, want.blocks_gt1);
    if (want.colrem >= 0)
        assert_int_equal(l->colrem > 0, want.colrem);
}

/* vs_lattice_fields_energy (handle and workspace paths): the fields of vs_lattice_fields and the
 * energy vs_lattice_energy_from_fields gives for them, bit for bit (the copy-out sums the dot in
 * that order), and the direct pair sum's energy to round-off — with the uniform and on-site terms
 * when set. */
static void check_fields_energy(vs_lattice *lat, vs_lattice_workspace *ws, const double *s, size_t nv)
{
    double *h = malloc(nv * sizeof *h), *hf = malloc(nv * sizeof *hf), *hw = malloc(nv * sizeof *hw);
    double Ef, E1, Ew, Ed;
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_energy_from_fields(lat, s, h, &Ef), VS_OK);
    assert_int_equal(vs_lattice_fields_energy(lat, s, hf, &E1), VS_OK);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, ws, s, hw, &Ew), VS_OK);
    assert_memory_equal(h, hf, nv * sizeof *h);
    assert_memory_equal(h, hw, nv * sizeof *h);
    assert_memory_equal(&Ef, &E1, sizeof Ef);
    assert_memory_equal(&Ef, &Ew, sizeof Ef);
    assert_int_equal(vs_lattice_energy_direct(lat, s, &Ed), VS_OK);
    double scale = fabs(Ed) + 1e-3 * (double)vs_lattice_nsites(lat);
    assert_close(E1, Ed, 0.0, 1e-13 * scale);
    free(h);
    free(hf);
    free(hw);
}

/* Symmetric uniform and on-site matrices of dimension nc (seeded). */
static void set_uniform_onsite(vs_lattice *lat, int nc, uint64_t seed)
{
    double *U = malloc((size_t)(nc * nc) * sizeof *U), *D = malloc((size_t)(nc * nc) * sizeof *D);
    uint64_t rng = seed;
    for (int a = 0; a < nc; a++)
        for (int b = a; b < nc; b++) {
            U[a * nc + b] = U[b * nc + a] = 0.3 * tu_normal(&rng);
            D[a * nc + b] = D[b * nc + a] = 0.2 * tu_normal(&rng);
        }
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    free(U);
    free(D);
}

/* FFT fields and energies (handle and workspace paths) against the direct sums over the table;
 * then the one-pass fields and energy, without and with U and D (set on lat, left set). */
static void check_against_direct(vs_lattice *lat, int nc, uint64_t seed)
{
    size_t N = vs_lattice_nsites(lat), nv = N * (size_t)nc;
    uint64_t rng = seed;
    double *s = lt_random_spins(&rng, N, nc);
    double *h = malloc(nv * sizeof *h), *hw = malloc(nv * sizeof *hw), *hd = malloc(nv * sizeof *hd);
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_fields_direct(lat, s, hd), VS_OK);
    assert_true(lt_maxrel(h, hd, nv) < 1e-13);
    vs_lattice_workspace *ws = NULL;
    assert_int_equal(vs_lattice_workspace_create(lat, &ws), VS_OK);
    assert_int_equal(vs_lattice_fields_ws(lat, ws, s, hw), VS_OK);
    assert_memory_equal(h, hw, nv * sizeof *h); /* same plans, same order: bit for bit */
    double E, Ew, Ed, Ef;
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
    assert_int_equal(vs_lattice_energy_ws(lat, ws, s, &Ew), VS_OK);
    assert_int_equal(vs_lattice_energy_direct(lat, s, &Ed), VS_OK);
    assert_int_equal(vs_lattice_energy_from_fields(lat, s, hd, &Ef), VS_OK);
    assert_true(E == Ew);
    double scale = fabs(Ed) + 1e-3 * (double)N; /* E may be small against its terms */
    assert_close(E, Ed, 0.0, 1e-13 * scale);
    assert_close(Ef, Ed, 0.0, 1e-13 * scale);
    check_fields_energy(lat, ws, s, nv);
    set_uniform_onsite(lat, nc, seed + 1000);
    check_fields_energy(lat, ws, s, nv);
    vs_lattice_workspace_free(ws);
    free(s);
    free(h);
    free(hw);
    free(hd);
}

static vs_coupling *elastic(void)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    assert_int_equal(vs_elastic_create_bulk_shear(1.3, 0.9, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-13, &c), VS_OK);
    vs_elastic_free(el);
    return c;
}

static vs_lattice *tri_lattice(int nb, const int *L, const vs_coupling *c, int boundary, int fft_threads)
{
    vs_lattice_options *o = lt_options(1e-12, 0.0, boundary);
    if (fft_threads > 1 && vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, fft_threads) != VS_OK) {
        vs_lattice_options_free(o);
        return NULL;
    }
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, nb, lt_tri_frac, L, c, 0, o, &lat), VS_OK);
    vs_lattice_options_free(o);
    return lat;
}

/* Three basis sites, odd L in every direction: all slabs at once (L1·L2 = 15 cells: no 64-byte
 * slab offsets), m = 18 values per cell, odd runs (the scalar tail of the pairwise transposes). */
static void test_odd_L_three_sites_equals_direct(void **state)
{
    (void)state;
    vs_coupling *c = elastic();
    int L[3] = {3, 5, 3};
    for (int open = 0; open < 2; open++) {
        vs_lattice *lat = tri_lattice(3, L, c, open ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC, 1);
        check_path(lat, (path){0, -1, -1, 0});
        check_against_direct(lat, 6, 11 + (uint64_t)open);
        vs_lattice_free(lat);
    }
    vs_coupling_free(c);
}

/* Two basis sites, odd L0, even L1 and L2: slab by slab, periodic and open. */
static void test_slabwise_two_sites_equals_direct(void **state)
{
    (void)state;
    vs_coupling *c = elastic();
    int L[3] = {3, 4, 4};
    for (int open = 0; open < 2; open++) {
        vs_lattice *lat = tri_lattice(2, L, c, open ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC, 1);
        check_path(lat, (path){1, -1, -1, 0});
        check_against_direct(lat, 6, 21 + (uint64_t)open);
        vs_lattice_free(lat);
    }
    vs_coupling_free(c);
}

/* Odd numbers of values per cell: the dipolar kernel (m = 3, Bravais; m = 9 with three sites). */
static void test_odd_values_per_cell_equal_direct(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    const int Ls[2][3] = {{5, 3, 4}, {4, 4, 4}};
    for (int i = 0; i < 2; i++)
        for (int nb = 1; nb <= 3; nb += 2)
            for (int open = 0; open < 2; open++) {
                vs_lattice *lat = tri_lattice(nb, Ls[i], c, open ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC, 1);
                check_against_direct(lat, 3, 31 + (uint64_t)(4 * i + 2 * nb + open));
                vs_lattice_free(lat);
            }
    vs_coupling_free(c);
}

/* Several column blocks with a shorter last one: 16 components on three sites (m = 48) of an open
 * 5³ cluster (grid 10³, 60 columns of 7.5 kB each), from a pair table of random symmetric blocks. */
static void test_column_blocks_with_remainder_equal_direct(void **state)
{
    (void)state;
    enum { NC = 16, NB = 3 };
    const int disp[][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, -1, 0}, {2, 0, 1}};
    const int pair[][2] = {{0, 1}, {0, 2}, {1, 2}, {0, 0}, {1, 1}, {2, 2}, {0, 2}, {1, 0}};
    size_t np = sizeof disp / sizeof disp[0];
    double *B = malloc(np * NC * NC * sizeof *B);
    uint64_t rng = 41;
    for (size_t e = 0; e < np; e++)
        for (int a = 0; a < NC; a++)
            for (int b = a; b < NC; b++)
                B[(e * NC + a) * NC + b] = B[(e * NC + b) * NC + a] = tu_normal(&rng);
    int L[3] = {5, 5, 5};
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_OPEN);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_pairs(lt_tri_cell, NB, lt_tri_frac, L, NC, np, &disp[0][0], &pair[0][0], B,
                                             NULL, o, &lat),
                     VS_OK);
    check_path(lat, (path){-1, 1, 1, 0});
    check_against_direct(lat, NC, 43);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    free(B);
}

/* The threaded path (FFTW's 3-D plans on the planes, the product as a separate pass), where the
 * build has FFTW threads: the same fields as the direct sum. */
static void test_threaded_planes_equal_direct(void **state)
{
    (void)state;
    vs_coupling *c = elastic();
    int L[3] = {3, 5, 4};
    for (int open = 0; open < 2; open++) {
        vs_lattice *lat = tri_lattice(3, L, c, open ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC, 2);
        if (lat == NULL) {
            printf("# no FFTW threads in this build: threaded path not tested\n");
            break;
        }
        check_path(lat, (path){-1, -1, -1, 1});
        check_against_direct(lat, 6, 51 + (uint64_t)open);
        vs_lattice_free(lat);
    }
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_odd_L_three_sites_equals_direct),
        cmocka_unit_test(test_slabwise_two_sites_equals_direct),
        cmocka_unit_test(test_odd_values_per_cell_equal_direct),
        cmocka_unit_test(test_column_blocks_with_remainder_equal_direct),
        cmocka_unit_test(test_threaded_planes_equal_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
