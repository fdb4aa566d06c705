/* The run-time CPU dispatch of lib/lattice (issue 12), whose baseline loops the shipped build never
 * runs on a CPU with AVX2. Both paths are reached through the internal static library.
 * 1. The single-spin update (moves.c): on AVX2 the dipolar kernel of a Bravais lattice walks its
 *    rows two sites per 4-wide step. The fields must be the same bit for bit, for every site m of
 *    sc lattices whose rows are of odd and even length (every pair, tail and run split of the row
 *    walk), periodic and open, dipolar and elastic kernels, and a 3-site basis (the other paths).
 * 2. The k-space product (fft.c): on AVX2+FMA it fuses multiply-adds, two k at a time. Both paths
 *    are compared with the product summed in long double from the same table, each within
 *    4 ε Σ_j |T_ij| |x_j| per entry (a sum of at most 6 products: ≤ 6 roundings of that size), at
 *    half grids of odd and even length (the pair loop's single-k tail).
 * Where the CPU lacks AVX2 (or FMA) both calls run the same loops and the test says so. */
#include <float.h>

#include "testutil.h"
#include "lattice_testutil.h"
#include "lattice/lattice_internal.h"

static void compare_paths(vs_lattice *lat)
{
    int nc = vs_lattice_ncomp(lat);
    size_t N = vs_lattice_nsites(lat), nv = N * (size_t)nc;
    uint64_t rng = 2026;
    double *s = lt_random_spins(&rng, N, nc), *h = malloc(nv * sizeof *h), *hp = malloc(nv * sizeof *hp);
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    memcpy(hp, h, nv * sizeof *h);
    for (size_t m = 0; m < N; m++) {
        double d[6];
        for (int a = 0; a < nc; a++)
            d[a] = tu_normal(&rng);
        vs__lattice_add_move(lat, m, d, h);
        vs__lattice_add_move_portable(lat, m, d, hp);
        assert_memory_equal(h, hp, nv * sizeof *h);
    }
    free(s);
    free(h);
    free(hp);
}

/* The two kernels of the tests (group fixture): cs[0] isotropic elastic (K = 1, μ = 0.6), cs[1]
 * dipolar. */
typedef struct {
    vs_elastic *el;
    vs_coupling *cs[2];
} kernels;

static int kernels_setup(void **state)
{
    kernels *kn = calloc(1, sizeof *kn);
    if (kn == NULL || vs_elastic_create_bulk_shear(1.0, 0.6, &kn->el) != VS_OK ||
        vs_coupling_create(kn->el, 1e-12, &kn->cs[0]) != VS_OK ||
        vs_coupling_create_dipolar(&kn->cs[1]) != VS_OK)
        return -1;
    *state = kn;
    return 0;
}

static int kernels_teardown(void **state)
{
    kernels *kn = *state;
    vs_coupling_free(kn->cs[0]);
    vs_coupling_free(kn->cs[1]);
    vs_elastic_free(kn->el);
    free(kn);
    return 0;
}

static void test_update_paths_agree_bit_for_bit(void **state)
{
    const kernels *kn = *state;
#ifdef VS__X86_DISPATCH
    if (!vs__cpu_avx2())
        printf("# this CPU has no AVX2: both calls run the baseline loops\n");
#endif
    int Ls[3][3] = {{3, 4, 5}, {2, 3, 6}, {4, 4, 7}}, Lb[3] = {2, 3, 3};
    for (int boundary = 0; boundary < 2; boundary++) {
        vs_lattice_options *o = lt_options(1e-10, 0.0, boundary ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC);
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                vs_lattice *lat = NULL;
                assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls[j], kn->cs[k], 0, o, &lat),
                                 VS_OK);
                compare_paths(lat);
                vs_lattice_free(lat);
            }
            vs_lattice *lat = NULL;
            assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, Lb, kn->cs[k], 0, o, &lat),
                             VS_OK);
            compare_paths(lat);
            vs_lattice_free(lat);
        }
        vs_lattice_options_free(o);
    }
}

/* max over entries of |y_path − y_ref| / (ε Σ_j |T_ij| |x_j|), y_ref in long double from the table. */
static double matvec_error_in_eps(const vs_lattice *lat, fftw_complex *x, fftw_complex *y)
{
    int n = lat->m;
    size_t hp = lat->hp, np = (size_t)lat->npack;
    double worst = 0.0;
    for (size_t k = 0; k < lat->geo.nhalf; k++) {
        const double *T = lat->ktab_r + k * np;
        for (int i = 0; i < n; i++)
            for (int part = 0; part < 2; part++) {
                long double ref = 0.0L;
                double scale = 0.0;
                for (int j = 0; j < n; j++) {
                    double t = T[vs__pack_index(n, i, j)], v = x[(size_t)j * hp + k][part];
                    ref += (long double)t * (long double)v;
                    scale += fabs(t) * fabs(v);
                }
                double err = fabs((double)((long double)y[(size_t)i * hp + k][part] - ref));
                if (scale > 0.0)
                    worst = fmax(worst, err / (DBL_EPSILON * scale));
                else
                    assert_true(err == 0.0);
            }
    }
    return worst;
}

static void test_kspace_product_paths_agree_with_long_double(void **state)
{
    const kernels *kn = *state;
#ifdef VS__X86_DISPATCH
    if (!vs__cpu_avx2_fma())
        printf("# this CPU has no AVX2+FMA: both calls run the baseline loops\n");
#endif
    /* half grids g1·g2·(g3/2+1): 4·5·4 = 80 (even), 3·5·3 = 45 (odd) */
    int Ls[2][3] = {{4, 5, 6}, {3, 5, 5}};
    uint64_t rng = 99;
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < 2; j++) {
            vs_lattice *lat = NULL;
            assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls[j], kn->cs[k], 0, NULL, &lat),
                             VS_OK);
            size_t nv = (size_t)lat->m * lat->hp;
            fftw_complex *x = fftw_malloc(nv * sizeof *x), *y = fftw_malloc(nv * sizeof *y),
                         *z = fftw_malloc(nv * sizeof *z);
            assert_non_null(x);
            assert_non_null(y);
            assert_non_null(z);
            for (size_t i = 0; i < nv; i++)
                for (int part = 0; part < 2; part++)
                    x[i][part] = tu_normal(&rng);
            memcpy(y, x, nv * sizeof *x);
            memcpy(z, x, nv * sizeof *x);
            vs__lattice_kspace_matvec(lat, y);
            vs__lattice_kspace_matvec_portable(lat, z);
            double ey = matvec_error_in_eps(lat, x, y), ez = matvec_error_in_eps(lat, x, z);
            printf("# ncomp %d, L = %d,%d,%d: dispatched path %.2f eps, baseline %.2f eps\n", lat->m,
                   Ls[j][0], Ls[j][1], Ls[j][2], ey, ez);
            assert_true(ey <= 4.0);
            assert_true(ez <= 4.0);
            fftw_free(x);
            fftw_free(y);
            fftw_free(z);
            vs_lattice_free(lat);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_paths_agree_bit_for_bit),
        cmocka_unit_test(test_kspace_product_paths_agree_with_long_double),
    };
    return cmocka_run_group_tests(tests, kernels_setup, kernels_teardown);
}
