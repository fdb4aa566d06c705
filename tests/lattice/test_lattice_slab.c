/* The coupling table by slabs (vs_lattice_table_slab, issue 15, docs/mpi.md "The distributed
 * lattice"): every slab entry equals vs_lattice_coupling() of the lattice built normally from the
 * same arguments (the serial table) to round-off — periodic sc (even and odd L, elastic 6-spin
 * kernel), a triclinic three-site basis with basis positions outside the cell (basis shifts), bcc
 * with the dipolar kernel, an open cluster; slabs tile the table; the parts: REAL + the c2r of RECIP
 * (a plain DFT) = FULL; and bad input. */
#include <stdint.h>
#include <stdio.h>

#include "lattice_testutil.h"

/* Compare the slab [x0, x1) with vs_lattice_coupling of lat (built from the same arguments). */
static double slab_vs_serial(const vs_lattice *lat, const int *g, int x0, int x1, const double *slab)
{
    int nb = vs_lattice_nbasis(lat), nc = vs_lattice_ncomp(lat);
    int P = nb * (nb + 1) / 2, C = nc * (nc + 1) / 2;
    double T[36 * 36], err = 0.0, tmax = 0.0;
    size_t ncell = 0;
    for (int d0 = x0; d0 < x1; d0++)
        for (int d1 = 0; d1 < g[1]; d1++)
            for (int d2 = 0; d2 < g[2]; d2++, ncell++)
                for (int b1 = 0; b1 < nb; b1++)
                    for (int b2 = b1; b2 < nb; b2++) {
                        int p = b1 * nb - b1 * (b1 - 1) / 2 + (b2 - b1);
                        const double *v = slab + (ncell * (size_t)P + (size_t)p) * (size_t)C;
                        /* the site pair m = (d, b1), n = (0, b2) has the cell difference d */
                        size_t m = (((size_t)d0 * g[4] + d1) * g[5] + d2) * nb + b1, n = (size_t)b2;
                        assert_int_equal(vs_lattice_coupling(lat, m, n, T), VS_OK);
                        for (int a = 0, c = 0; a < nc; a++)
                            for (int b = a; b < nc; b++, c++) {
                                err = fmax(err, fabs(v[c] - T[a * nc + b]));
                                tmax = fmax(tmax, fabs(T[a * nc + b]));
                            }
                    }
    return tmax > 0.0 ? err / tmax : err;
}

/* Build the serial lattice, then the whole table in nslab slabs; returns the largest relative error.
 * Periodic only (open clusters: test_open_cluster_slab_equals_bare_kernel). */
static double check_periodic(const double *cell, int nb, const double *frac, const int *L,
                             const vs_coupling *c, int nc, int nslab)
{
    vs_lattice_options *o = lt_options(1e-13, 0.0, VS_LATTICE_PERIODIC);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(cell, nb, frac, L, c, nc, o, &lat), VS_OK);
    nc = vs_lattice_ncomp(lat);
    size_t plane = (size_t)L[1] * L[2] * (size_t)(nb * (nb + 1) / 2) * (size_t)(nc * (nc + 1) / 2);
    double worst = 0.0;
    int g[6] = {L[0], L[1], L[2], L[0], L[1], L[2]};
    for (int s = 0; s < nslab; s++) {
        int x0 = s * L[0] / nslab, x1 = (s + 1) * L[0] / nslab;
        double *slab = malloc(((size_t)(x1 - x0) + 1) * plane * sizeof *slab);
        assert_int_equal(
            vs_lattice_table_slab(cell, nb, frac, L, c, nc, o, VS_LATTICE_TABLE_FULL, x0, x1, slab), VS_OK);
        worst = fmax(worst, slab_vs_serial(lat, g, x0, x1, slab));
        free(slab);
    }
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    return worst;
}

static vs_coupling *elastic_coupling(void)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    assert_int_equal(vs_elastic_create_bulk_shear(1.0, 0.6, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-12, &c), VS_OK);
    vs_elastic_free(el);
    return c;
}

static void test_sc_slabs_equal_serial_table_even_and_odd_L(void **state)
{
    (void)state;
    vs_coupling *c = elastic_coupling();
    static const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, f0[3] = {0, 0, 0};
    const int Le[3] = {6, 6, 6}, Lo[3] = {5, 7, 3};
    double e1 = check_periodic(cell, 1, f0, Le, c, 0, 1), e2 = check_periodic(cell, 1, f0, Le, c, 0, 4),
           e3 = check_periodic(cell, 1, f0, Lo, c, 0, 2);
    printf("# sc elastic: L=6 one slab %.2e, four slabs %.2e; L=(5,7,3) two slabs %.2e\n", e1, e2, e3);
    assert_true(e1 <= 1e-12 && e2 <= 1e-12 && e3 <= 1e-12);
    vs_coupling_free(c);
}

static void test_triclinic_shifted_basis_slabs_equal_serial_table(void **state)
{
    (void)state;
    vs_coupling *c = elastic_coupling();
    /* the basis positions lie outside the cell: the serial table's basis shift must be reproduced */
    double frac[9];
    for (int i = 0; i < 9; i++)
        frac[i] = lt_tri_frac[i] + (i == 3 ? 1.0 : i == 7 ? -2.0 : i == 8 ? 3.0 : 0.0);
    const int L[3] = {3, 4, 5};
    double e = check_periodic(lt_tri_cell, 3, frac, L, c, 0, 3);
    printf("# triclinic 3-site shifted basis, L=(3,4,5), three slabs: %.2e\n", e);
    assert_true(e <= 1e-12);
    vs_coupling_free(c);
}

static void test_bcc_dipolar_slabs_equal_serial_table(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    static const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, frac[6] = {0, 0, 0, 0.5, 0.5, 0.5};
    const int L[3] = {5, 4, 4};
    double e = check_periodic(cell, 2, frac, L, c, 0, 2);
    printf("# bcc dipolar L=(5,4,4), two slabs: %.2e\n", e);
    assert_true(e <= 1e-12);
    vs_coupling_free(c);
}

static void test_open_cluster_slab_equals_bare_kernel(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    static const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, frac[6] = {0, 0, 0, 0.5, 0.5, 0.5};
    const int L[3] = {3, 4, 3};
    vs_lattice_options *o = lt_options(1e-13, 0.0, VS_LATTICE_OPEN);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(cell, 2, frac, L, c, 0, o, &lat), VS_OK);
    /* grid 2L; the site pairs of cell difference d, 0 ≤ d < L (the table's entries at d and at
     * g − d for negative differences are checked through m = (d, b1), n = (0, b2) and its reverse) */
    int g[3] = {6, 8, 6}, P = 3, C = 6;
    double *slab = malloc((size_t)g[0] * g[1] * g[2] * P * C * sizeof *slab), T[9], err = 0.0, tmax = 0.0;
    assert_int_equal(vs_lattice_table_slab(cell, 2, frac, L, c, 0, o, VS_LATTICE_TABLE_FULL, 0, 3, slab),
                     VS_OK);
    assert_int_equal(vs_lattice_table_slab(cell, 2, frac, L, c, 0, o, VS_LATTICE_TABLE_REAL, 3, 6,
                                           slab + (size_t)3 * g[1] * g[2] * P * C),
                     VS_OK);
    for (int d0 = 1 - L[0]; d0 < L[0]; d0++)
        for (int d1 = 1 - L[1]; d1 < L[1]; d1++)
            for (int d2 = 1 - L[2]; d2 < L[2]; d2++)
                for (int b1 = 0; b1 < 2; b1++)
                    for (int b2 = b1; b2 < 2; b2++) {
                        /* m − n = d: m = (d⁺, b1), n = (d⁻, b2) with d = d⁺ − d⁻, both in the cluster */
                        int cm[3], cn[3], d[3] = {d0, d1, d2};
                        for (int i = 0; i < 3; i++) {
                            cm[i] = d[i] > 0 ? d[i] : 0;
                            cn[i] = d[i] > 0 ? 0 : -d[i];
                        }
                        size_t m = (((size_t)cm[0] * L[1] + cm[1]) * L[2] + cm[2]) * 2 + b1,
                               n = (((size_t)cn[0] * L[1] + cn[1]) * L[2] + cn[2]) * 2 + b2;
                        assert_int_equal(vs_lattice_coupling(lat, m, n, T), VS_OK);
                        int e[3];
                        for (int i = 0; i < 3; i++)
                            e[i] = (d[i] + g[i]) % g[i];
                        const double *v = slab + (((((size_t)e[0] * g[1] + e[1]) * g[2] + e[2]) * P) +
                                                  (size_t)(b1 * 2 - b1 * (b1 - 1) / 2 + (b2 - b1))) *
                                                     C;
                        for (int a = 0, k = 0; a < 3; a++)
                            for (int b = a; b < 3; b++, k++) {
                                err = fmax(err, fabs(v[k] - T[a * 3 + b]));
                                tmax = fmax(tmax, fabs(T[a * 3 + b]));
                            }
                    }
    printf("# open bcc dipolar L=(3,4,3): %.2e\n", err / tmax);
    assert_true(err <= 1e-14 * tmax);
    free(slab);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* REAL + the c2r of RECIP (a plain weighted DFT over the half grid, written here: Σ_k w(k3) Re[F(k)
 * e^{+iθ}], w = 1 on the planes k3 = 0 and k3 = g3/2, 2 elsewhere) equals FULL; RECIP computed in two
 * k-slabs. */
static double parts_vs_full(const double *cell, int nb, const double *frac, const int *L,
                            const vs_coupling *c)
{
    vs_lattice_options *o = lt_options(1e-13, 0.0, VS_LATTICE_PERIODIC);
    int nc = vs_coupling_ncomp(c), H = nb * (nb + 1) / 2 * (nc * (nc + 1) / 2), nz = L[2] / 2 + 1;
    size_t G = (size_t)L[0] * L[1] * L[2], K = (size_t)L[0] * L[1] * nz;
    double *full = malloc(G * H * sizeof *full), *real = malloc(G * H * sizeof *real),
           *rec = malloc(2 * K * H * sizeof *rec);
    int half = L[0] / 2;
    size_t kplane = 2 * (size_t)L[1] * nz * H;
    assert_int_equal(vs_lattice_table_slab(cell, nb, frac, L, c, 0, o, VS_LATTICE_TABLE_FULL, 0, L[0], full),
                     VS_OK);
    assert_int_equal(vs_lattice_table_slab(cell, nb, frac, L, c, 0, o, VS_LATTICE_TABLE_REAL, 0, L[0], real),
                     VS_OK);
    assert_int_equal(vs_lattice_table_slab(cell, nb, frac, L, c, 0, o, VS_LATTICE_TABLE_RECIP, 0, half, rec),
                     VS_OK);
    assert_int_equal(vs_lattice_table_slab(cell, nb, frac, L, c, 0, o, VS_LATTICE_TABLE_RECIP, half, L[0],
                                           rec + (size_t)half * kplane),
                     VS_OK);
    double err = 0.0, tmax = 0.0;
    for (int d0 = 0; d0 < L[0]; d0++)
        for (int d1 = 0; d1 < L[1]; d1++)
            for (int d2 = 0; d2 < L[2]; d2++) {
                size_t d = ((size_t)d0 * L[1] + d1) * L[2] + d2;
                for (int h = 0; h < H; h++) {
                    double t = real[d * H + h];
                    for (int k0 = 0; k0 < L[0]; k0++)
                        for (int k1 = 0; k1 < L[1]; k1++)
                            for (int k2 = 0; k2 < nz; k2++) {
                                double w = (k2 == 0 || 2 * k2 == L[2]) ? 1.0 : 2.0;
                                double th = 2.0 * M_PI *
                                            ((double)k0 * d0 / L[0] + (double)k1 * d1 / L[1] +
                                             (double)k2 * d2 / L[2]);
                                const double *F = rec + 2 * ((((size_t)k0 * L[1] + k1) * nz + k2) * H + h);
                                t += w * (F[0] * cos(th) - F[1] * sin(th));
                            }
                    err = fmax(err, fabs(t - full[d * H + h]));
                    tmax = fmax(tmax, fabs(full[d * H + h]));
                }
            }
    free(full);
    free(real);
    free(rec);
    vs_lattice_options_free(o);
    return err / tmax;
}

static void test_real_plus_c2r_of_recip_equals_full(void **state)
{
    (void)state;
    vs_coupling *c = elastic_coupling();
    static const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, f0[3] = {0, 0, 0};
    double frac[9];
    for (int i = 0; i < 9; i++)
        frac[i] = lt_tri_frac[i] + (i == 3 ? 1.0 : i == 7 ? -2.0 : i == 8 ? 3.0 : 0.0);
    const int Ls[3] = {4, 3, 5}, Lt[3] = {3, 4, 4};
    double e1 = parts_vs_full(cell, 1, f0, Ls, c), e2 = parts_vs_full(lt_tri_cell, 3, frac, Lt, c);
    printf("# REAL + c2r(RECIP) vs FULL: sc L=(4,3,5) %.2e, triclinic 3-site shifted L=(3,4,4) %.2e\n", e1,
           e2);
    assert_true(e1 <= 1e-12 && e2 <= 1e-12);
    vs_coupling_free(c);
}

static void test_table_slab_bad_input_is_refused(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    static const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, f0[3] = {0, 0, 0};
    const int L[3] = {4, 4, 4};
    double *out = malloc(4 * 16 * 6 * sizeof *out);
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 1, NULL),
                     VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "vs_lattice_table_slab: "));
    assert_int_equal(vs_lattice_table_slab(NULL, 1, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 1, out),
                     VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "vs_lattice_table_slab: "));
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, NULL, c, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 1, out),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_table_slab(cell, 0, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 1, out),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, -1, 1, out),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 2, 1, out),
                     VS_EINVAL);
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 5, out),
                     VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "slab"));
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, NULL, 3, 0, 1, out), VS_EINVAL);
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, NULL, -1, 0, 1, out), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "part"));
    vs_lattice_options *open = lt_options(1e-12, 0.0, VS_LATTICE_OPEN);
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, open, VS_LATTICE_TABLE_RECIP, 0, 1, out),
                     VS_EINVAL);
    vs_lattice_options_free(open);
    const double nan_cell[9] = {NAN, 0, 0, 0, 1, 0, 0, 0, 1}, nan_frac[3] = {0, NAN, 0};
    assert_int_equal(vs_lattice_table_slab(nan_cell, 1, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 1, out),
                     VS_EINVAL);
    assert_int_equal(
        vs_lattice_table_slab(cell, 1, nan_frac, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 1, out), VS_EINVAL);
    /* no coupling and no ncomp */
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, NULL, 0, NULL, VS_LATTICE_TABLE_FULL, 0, 1, out),
                     VS_EINVAL);
    /* an empty slab and a kernel-free lattice are fine (T = 0) */
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, c, 0, NULL, VS_LATTICE_TABLE_FULL, 2, 2, out),
                     VS_OK);
    out[0] = 1.0;
    assert_int_equal(vs_lattice_table_slab(cell, 1, f0, L, NULL, 3, NULL, VS_LATTICE_TABLE_FULL, 3, 4, out),
                     VS_OK);
    for (int i = 0; i < 16 * 6; i++)
        assert_true(out[i] == 0.0);
    free(out);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sc_slabs_equal_serial_table_even_and_odd_L),
        cmocka_unit_test(test_triclinic_shifted_basis_slabs_equal_serial_table),
        cmocka_unit_test(test_bcc_dipolar_slabs_equal_serial_table),
        cmocka_unit_test(test_open_cluster_slab_equals_bare_kernel),
        cmocka_unit_test(test_real_plus_c2r_of_recip_equals_full),
        cmocka_unit_test(test_table_slab_bad_input_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
