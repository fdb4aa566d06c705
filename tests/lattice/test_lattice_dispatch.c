/* The run-time CPU dispatch of the single-spin update (issue 12; lib/lattice/moves.c): on a CPU
 * with AVX2 the dipolar kernel of a Bravais lattice walks its rows two sites per 4-wide step, and
 * the shipped build never runs the baseline loops of that case there. This test reaches both
 * through the internal static library and requires the same fields bit for bit, for every site m
 * of sc lattices whose rows are of odd and even length (every pair, tail and run split of the row
 * walk), periodic and open, dipolar and elastic kernels, and a 3-site basis (the other paths).
 * Where the CPU has no AVX2 the two calls run the same loops and the test passes trivially (it
 * says so). */
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

static void test_update_paths_agree_bit_for_bit(void **state)
{
    (void)state;
#ifdef VS__X86_DISPATCH
    if (!vs__cpu_avx2())
        printf("# this CPU has no AVX2: both calls run the baseline loops\n");
#endif
    vs_elastic *el = NULL;
    vs_coupling *cs[2] = {NULL, NULL};
    assert_int_equal(vs_elastic_create_bulk_shear(1.0, 0.6, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-12, &cs[0]), VS_OK);
    assert_int_equal(vs_coupling_create_dipolar(&cs[1]), VS_OK);
    int Ls[3][3] = {{3, 4, 5}, {2, 3, 6}, {4, 4, 7}}, Lb[3] = {2, 3, 3};
    for (int boundary = 0; boundary < 2; boundary++) {
        vs_lattice_options *o = lt_options(1e-10, 0.0, boundary ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC);
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                vs_lattice *lat = NULL;
                assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls[j], cs[k], 0, o, &lat),
                                 VS_OK);
                compare_paths(lat);
                vs_lattice_free(lat);
            }
            vs_lattice *lat = NULL;
            assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, Lb, cs[k], 0, o, &lat), VS_OK);
            compare_paths(lat);
            vs_lattice_free(lat);
        }
        vs_lattice_options_free(o);
    }
    vs_coupling_free(cs[0]);
    vs_coupling_free(cs[1]);
    vs_elastic_free(el);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_paths_agree_bit_for_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
