/*
 * The delayed sum of lib/sampler/sampler.c addresses the packed coupling table directly (cell
 * triples of a per-sampler site table, the sign convention T_{b2b1}(d) = T_{b1b2}(−d), the packed
 * sublattice-pair index, the 2L grid of open clusters, the spelled-out 6×6 packed block). Reference:
 * the lattice's own direct O(N²) pair sums (vs_lattice_fields_direct / vs_lattice_energy_direct,
 * which take every block from vs__lattice_block), on lattices with 1, 2 and 4 basis sites, periodic
 * and open, 6-spin elastic kernel — with a long list C of changed sites at the moment of the check.
 * Deterministic (fixed seeds). Internal: vs__sampler_fields and the state (C not empty).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"
#include "sampler/sampler_state.h"

static double max_abs_diff(const double *a, const double *b, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++)
        d = fmax(d, fabs(a[i] - b[i]));
    return d;
}

/* sc 4×4×3, bcc 3×3×2 (2 basis sites), fcc 2×3×2 (4 basis sites); periodic and open; refresh
 * period B = 10^6 (no refresh during the run: C holds every site) and B = 7 (refreshes interleaved);
 * after 2 sweeps the maintained fields equal the direct sums to 1e-10 and C is not empty. */
static void test_delayed_lookup_matches_direct_sums(void **state)
{
    (void)state;
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    assert_int_equal(vs_elastic_create_bulk_shear(1.0, 0.6, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-12, &c), VS_OK);
    const int kinds[3] = {VS_LATTICE_SC, VS_LATTICE_BCC, VS_LATTICE_FCC};
    const int Ls[3][3] = {{4, 4, 3}, {3, 3, 2}, {2, 3, 2}};
    const long Bs[2] = {1000000, 7};
    for (int k = 0; k < 3; k++)
        for (int open = 0; open <= 1; open++)
            for (int ib = 0; ib < 2; ib++) {
                vs_lattice_options *lo = NULL;
                vs_lattice *lat = NULL;
                assert_int_equal(vs_lattice_options_create(&lo), VS_OK);
                assert_int_equal(vs_lattice_options_set(lo, VS_LATTICE_OPT_BOUNDARY, open), VS_OK);
                assert_int_equal(vs_lattice_create_cubic(kinds[k], 1.0, Ls[k], c, 6, lo, &lat), VS_OK);
                size_t N = vs_lattice_nsites(lat), nv = N * 6;
                vs_sampler_options *o = NULL;
                assert_int_equal(vs_sampler_options_create(&o), VS_OK);
                assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_REFRESH, (double)Bs[ib]), VS_OK);
                const double T[2] = {0.1, 0.4};
                vs_sampler *s = NULL;
                assert_int_equal(vs_sampler_create(lat, 2, T, 31 + (unsigned long)k, o, &s), VS_OK);
                assert_int_equal(vs_sampler_sweep(s, 2), VS_OK);
                double *sp = malloc(nv * sizeof *sp), *h = malloc(nv * sizeof *h),
                       *hd = malloc(nv * sizeof *hd);
                assert_non_null(sp);
                assert_non_null(h);
                assert_non_null(hd);
                double wh = 0.0, we = 0.0, hmax = 0.0;
                for (int r = 0; r < 2; r++) {
                    double E, Ed;
                    assert_true(s->slot[r].c->nchanged > 0);
                    assert_int_equal(vs_sampler_spins(s, r, sp), VS_OK);
                    assert_int_equal(vs__sampler_fields(s, r, h), VS_OK);
                    assert_int_equal(vs_lattice_fields_direct(lat, sp, hd), VS_OK);
                    assert_int_equal(vs_sampler_energy(s, r, &E), VS_OK);
                    assert_int_equal(vs_lattice_energy_direct(lat, sp, &Ed), VS_OK);
                    wh = fmax(wh, max_abs_diff(h, hd, nv));
                    we = fmax(we, fabs(E - Ed));
                    for (size_t i = 0; i < nv; i++)
                        hmax = fmax(hmax, fabs(hd[i]));
                }
                print_message(
                    "# kind %d %s B = %ld: N = %zu, |C| = %zu, max|h| = %.3g, max|h − h_direct| = %.3g, "
                    "max|E − E_direct| = %.3g\n",
                    kinds[k], open ? "open" : "periodic", Bs[ib], N, s->slot[0].c->nchanged, hmax, wh, we);
                assert_true(hmax > 0.1); /* the check is not vacuous */
                assert_true(wh <= 1e-10);
                assert_true(we <= 1e-10);
                free(sp);
                free(h);
                free(hd);
                vs_sampler_free(s);
                vs_sampler_options_free(o);
                vs_lattice_free(lat);
                vs_lattice_options_free(lo);
            }
    vs_coupling_free(c);
    vs_elastic_free(el);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delayed_lookup_matches_direct_sums),
    };
    return cmocka_run_group_tests_name("sampler_lookup", tests, NULL, NULL);
}
