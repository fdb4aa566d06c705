/* The rule of VS_LATTICE_PLANNER_AUTO (docs/performance.md, "FFT planner"; lib/lattice/fft.c): MEASURE
 * exactly for threaded transforms (FFT threads > 1, builds with FFTW threads) of at least 16³ grid
 * points, ESTIMATE otherwise; the explicit values are taken as they are. The rule is internal: the
 * test links the internal static library. */
#include <fftw3.h>

#include "testutil.h"
#include "lattice/lattice_internal.h"

static void test_explicit_planners_are_kept(void **state)
{
    (void)state;
    const size_t grids[] = {1, 4095, 4096, 262144};
    for (size_t i = 0; i < sizeof grids / sizeof *grids; i++)
        for (int thr = 1; thr <= 4; thr++) {
            assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_ESTIMATE, thr, grids[i]),
                             FFTW_ESTIMATE);
            assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_MEASURE, thr, grids[i]),
                             FFTW_MEASURE);
        }
}

/* One FFT thread: ESTIMATE at every size (bit-reproducible default runs), powers of two or not. */
static void test_auto_serial_is_estimate(void **state)
{
    (void)state;
    const size_t grids[] = {1, 8, 4096, 24 * 24 * 24, 32768, 48 * 48 * 48, 262144, 2097152};
    for (size_t i = 0; i < sizeof grids / sizeof *grids; i++)
        assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_AUTO, 1, grids[i]), FFTW_ESTIMATE);
}

/* Threads: MEASURE from 16³ = 4096 points on (where bench_planner measured it to pay), ESTIMATE
 * below; builds without FFTW threads run serially, so ESTIMATE throughout. */
static void test_auto_threaded_measures_from_16_cubed(void **state)
{
    (void)state;
#ifdef VS_TEST_FFTW_THREADS
    const unsigned big = FFTW_MEASURE;
#else
    const unsigned big = FFTW_ESTIMATE;
#endif
    for (int thr = 2; thr <= 1024; thr *= 2) {
        assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_AUTO, thr, 4095), FFTW_ESTIMATE);
        assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_AUTO, thr, 8 * 8 * 8), FFTW_ESTIMATE);
        assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_AUTO, thr, 4096), big);
        assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_AUTO, thr, 24 * 24 * 24), big);
        assert_int_equal(vs__lattice_planner_flags(VS_LATTICE_PLANNER_AUTO, thr, 2097152), big);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explicit_planners_are_kept),
        cmocka_unit_test(test_auto_serial_is_estimate),
        cmocka_unit_test(test_auto_threaded_measures_from_16_cubed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
