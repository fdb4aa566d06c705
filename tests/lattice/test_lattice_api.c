/* Lattice API contract (README "Promises", docs/testing.md): options and bounds, geometry and presets, bad input for every
 * function (documented code, outputs untouched), concurrency of const queries, planner choice. */
#include <pthread.h>
#include <float.h>
#include <stdint.h>

#ifdef VS_TEST_FFTW_THREADS
#include <fftw3.h>
#endif
#include "lattice_testutil.h"

static vs_coupling *dip(void)
{
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    return c;
}

static void test_options_bounds_and_defaults(void **state)
{
    (void)state;
    vs_lattice_options *o = NULL;
    double v, lo, hi;
    assert_int_equal(vs_lattice_options_create(&o), VS_OK);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_ACCURACY, &v), VS_OK);
    assert_true(v == 1e-12);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_ALPHA, &v), VS_OK);
    assert_true(v == 0.0);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_BOUNDARY, &v), VS_OK);
    assert_true(v == VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_ENERGY_SCALE, &v), VS_OK);
    assert_true(v == 1.0);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_FFT_THREADS, &v), VS_OK);
    assert_true(v == 1.0);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_FFTW_PLANNER, &v), VS_OK);
    assert_true(v == VS_LATTICE_PLANNER_AUTO);
    for (int key = VS_LATTICE_OPT_ACCURACY; key <= VS_LATTICE_OPT_MAX_MEMORY; key++) {
        assert_int_equal(vs_lattice_option_bounds(key, &lo, &hi), VS_OK);
        assert_true(lo <= hi);
        assert_int_equal(vs_lattice_options_set(o, key, lo), VS_OK);
        assert_int_equal(vs_lattice_options_set(o, key, hi), VS_OK);
        assert_int_equal(vs_lattice_options_get(o, key, &v), VS_OK);
        assert_true(v == hi);
        assert_int_equal(vs_lattice_options_set(o, key, NAN), VS_EINVAL);
        assert_int_equal(vs_lattice_options_set(o, key, INFINITY), VS_EINVAL);
        assert_int_equal(vs_lattice_options_set(o, key, -INFINITY), VS_EINVAL);
        assert_int_equal(vs_lattice_options_set(o, key, hi * 2 + 1), VS_EINVAL);
        assert_int_equal(vs_lattice_options_get(o, key, &v), VS_OK);
        assert_true(v == hi); /* unchanged by the failed sets */
    }
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_BOUNDARY, 0.5), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_THREADS, 1.5), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_THREADS, -1.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ACCURACY, 0.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, -1.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, 0, 1.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, 99, 1.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_MAX_MEMORY + 1, 1.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(NULL, VS_LATTICE_OPT_ALPHA, 1.0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_get(NULL, VS_LATTICE_OPT_ALPHA, &v), VS_EINVAL);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_ALPHA, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_options_get(o, 99, &v), VS_EINVAL);
    assert_int_equal(vs_lattice_option_bounds(99, &lo, &hi), VS_EINVAL);
    assert_int_equal(vs_lattice_option_bounds(VS_LATTICE_OPT_ALPHA, NULL, &hi), VS_EINVAL);
    assert_int_equal(vs_lattice_options_create(NULL), VS_EINVAL);
    assert_true(strlen(vs_last_error()) > 0);
    vs_lattice_options_free(o);
    vs_lattice_options_free(NULL);
}

/* Presets: v0 = a³, a³/2, a³/4 for the conventional cube of side a; sites in the documented order. */
static void test_presets_site_volume_and_order(void **state)
{
    (void)state;
    const double a = 1.7, v0[3] = {a * a * a, a * a * a / 2, a * a * a / 4};
    const int nb[3] = {1, 2, 4};
    int L[3] = {2, 3, 4};
    for (int k = 0; k < 3; k++) {
        vs_lattice *lat = NULL;
        double v;
        assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC + k, a, L, NULL, 2, NULL, &lat), VS_OK);
        assert_int_equal(vs_lattice_site_volume(lat, &v), VS_OK);
        assert_close(v, v0[k], 1e-15, 0.0);
        assert_int_equal(vs_lattice_nbasis(lat), nb[k]);
        assert_int_equal(vs_lattice_ncomp(lat), 2);
        size_t N = vs_lattice_nsites(lat);
        assert_int_equal(N, 24 * nb[k]);
        double *r = malloc(N * 3 * sizeof *r);
        assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
        /* site index ((i1*L2 + i2)*L3 + i3)*nb + b */
        size_t m = ((1 * 3 + 2) * 4 + 3) * nb[k] + (nb[k] - 1);
        double f[3] = {0, 0, 0};
        if (k == 1)
            f[0] = f[1] = f[2] = 0.5;
        if (k == 2)
            f[0] = f[1] = 0.5;
        assert_close(r[3 * m + 0], a * (1 + f[0]), 1e-15, 0.0);
        assert_close(r[3 * m + 1], a * (2 + f[1]), 1e-15, 0.0);
        assert_close(r[3 * m + 2], a * (3 + f[2]), 1e-15, 0.0);
        free(r);
        vs_lattice_free(lat);
    }
}

/* One bad input at a time for creation: the documented code, *out set to NULL, no crash. */
static void test_create_rejects_bad_input(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, frac[6] = {0, 0, 0, 0.5, 0.5, 0.5};
    int L[3] = {2, 2, 2};
    vs_lattice *lat = (vs_lattice *)(uintptr_t)1;
    assert_int_equal(vs_lattice_create(NULL, 1, frac, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_null(lat);
    lat = (vs_lattice *)(uintptr_t)1;
    assert_int_equal(vs_lattice_create(cell, 1, NULL, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_null(lat);
    assert_int_equal(vs_lattice_create(cell, 1, frac, NULL, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create(cell, 1, frac, L, c, 0, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_create(cell, 0, frac, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create(cell, -3, frac, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create(cell, 65, frac, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create(cell, 1, frac, L, c, 4, NULL, &lat), VS_EINVAL); /* ncomp mismatch */
    assert_int_equal(vs_lattice_create(cell, 1, frac, L, NULL, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create(cell, 1, frac, L, NULL, 17, NULL, &lat), VS_EINVAL);
    double bad[9];
    for (int i = 0; i < 3; i++) {
        double vals[3] = {NAN, INFINITY, -INFINITY};
        memcpy(bad, cell, sizeof bad);
        bad[4] = vals[i];
        assert_int_equal(vs_lattice_create(bad, 1, frac, L, c, 0, NULL, &lat), VS_EINVAL);
        double bf[3] = {0, vals[i], 0};
        assert_int_equal(vs_lattice_create(cell, 1, bf, L, c, 0, NULL, &lat), VS_EINVAL);
    }
    double flat[9] = {1, 0, 0, 0, 1, 0, 1, 1, 0}; /* degenerate */
    assert_int_equal(vs_lattice_create(flat, 1, frac, L, c, 0, NULL, &lat), VS_EINVAL);
    double same[6] = {0.1, 0.2, 0.3, 1.1, -0.8, 0.3}; /* coincide modulo the lattice */
    assert_int_equal(vs_lattice_create(cell, 2, same, L, c, 0, NULL, &lat), VS_EINVAL);
    int Lbad[4][3] = {{0, 2, 2}, {2, -1, 2}, {2, 2, 0}, {-5, -5, -5}};
    for (int i = 0; i < 4; i++)
        assert_int_equal(vs_lattice_create(cell, 1, frac, Lbad[i], c, 0, NULL, &lat), VS_EINVAL);
    int Lhuge[3] = {2000000000, 2000000000, 2000000000};
    assert_int_equal(vs_lattice_create(cell, 1, frac, Lhuge, c, 0, NULL, &lat), VS_EOVERFLOW);
    int Lbig[3] = {2000000, 2000000, 1};
    assert_int_equal(vs_lattice_create(cell, 1, frac, Lbig, c, 0, NULL, &lat), VS_EOVERFLOW);
    assert_null(lat);
    /* an α far from the lattice scale would make one Ewald sum astronomically long */
    double alphas[2] = {1e-7, 1e6};
    for (int i = 0; i < 2; i++) {
        vs_lattice_options *o = lt_options(1e-12, alphas[i], VS_LATTICE_PERIODIC);
        assert_int_equal(vs_lattice_create(cell, 1, frac, L, c, 0, o, &lat), VS_EINVAL);
        assert_null(lat);
        vs_lattice_options_free(o);
    }
    assert_int_equal(vs_lattice_create_cubic(0, 1.0, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create_cubic(4, 1.0, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 0.0, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, -1.0, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, NAN, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, INFINITY, L, c, 0, NULL, &lat), VS_EINVAL);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, NULL), VS_EINVAL);
    assert_null(lat);
    vs_coupling_free(c);
}

/* Every query and evaluator: NULL, NaN/inf, out-of-range sites, open-cluster-only restrictions;
 * outputs untouched on error. */
static void test_queries_reject_bad_input(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 2, 3};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_BCC, 1.0, L, c, 3, NULL, &lat), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    uint64_t rng = 2;
    double *s = lt_random_spins(&rng, N, 3), *h = malloc(N * 3 * sizeof *h), *r = malloc(N * 3 * sizeof *r);
    const double sentinel = 12345.0;
    double x = sentinel, M[3] = {sentinel, sentinel, sentinel}, T[9], snew[3] = {1, 0, 0};
    assert_int_equal(vs_lattice_nsites(NULL), 0);
    assert_int_equal(vs_lattice_ncomp(NULL), 0);
    assert_int_equal(vs_lattice_nbasis(NULL), 0);
    assert_int_equal(vs_lattice_site_volume(NULL, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_site_volume(lat, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_scale(NULL, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_scale(lat, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_positions(NULL, r), VS_EINVAL);
    assert_int_equal(vs_lattice_positions(lat, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_ewald_parameters(NULL, &x, NULL, NULL), VS_EINVAL);
    assert_true(x == sentinel);
    double U[9] = {1, 0, 0, 0, NAN, 0, 0, 0, 1};
    assert_int_equal(vs_lattice_set_uniform(NULL, U), VS_EINVAL);
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_EINVAL);
    assert_int_equal(vs_lattice_set_onsite(lat, U), VS_EINVAL);
    assert_int_equal(vs_lattice_set_onsite(NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_coupling(NULL, 0, 0, T), VS_EINVAL);
    assert_int_equal(vs_lattice_coupling(lat, N, 0, T), VS_EINVAL);
    assert_int_equal(vs_lattice_coupling(lat, 0, N, T), VS_EINVAL);
    assert_int_equal(vs_lattice_coupling(lat, 0, SIZE_MAX, T), VS_EINVAL);
    assert_int_equal(vs_lattice_coupling(lat, 0, 0, NULL), VS_EINVAL);
    for (size_t i = 0; i < N * 3; i++)
        h[i] = sentinel;
    assert_int_equal(vs_lattice_fields(NULL, s, h), VS_EINVAL);
    assert_int_equal(vs_lattice_fields(lat, NULL, h), VS_EINVAL);
    assert_int_equal(vs_lattice_fields(lat, s, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_fields(lat, s, s), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_direct(lat, s, s), VS_EINVAL);
    double keep = s[7];
    double vals[3] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        s[7] = vals[i];
        assert_int_equal(vs_lattice_fields(lat, s, h), VS_EINVAL);
        assert_int_equal(vs_lattice_fields_direct(lat, s, h), VS_EINVAL);
        assert_int_equal(vs_lattice_energy(lat, s, &x), VS_EINVAL);
        assert_int_equal(vs_lattice_energy_direct(lat, s, &x), VS_EINVAL);
        assert_int_equal(vs_lattice_total(lat, s, M), VS_EINVAL);
        assert_int_equal(vs_lattice_energy_from_fields(lat, s, s, &x), VS_EINVAL);
    }
    s[7] = keep;
    for (size_t i = 0; i < N * 3; i++)
        assert_true(h[i] == sentinel);
    assert_true(x == sentinel && M[0] == sentinel);
    assert_int_equal(vs_lattice_energy(lat, s, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_direct(lat, s, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_from_fields(lat, s, NULL, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_from_fields(lat, s, s, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_total(lat, s, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_total(NULL, s, M), VS_EINVAL);
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_delta_energy(NULL, s, h, NULL, 0, snew, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_delta_energy(lat, NULL, h, NULL, 0, snew, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_delta_energy(lat, s, NULL, NULL, 0, snew, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_delta_energy(lat, s, h, NULL, N, snew, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_delta_energy(lat, s, h, NULL, 0, NULL, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_delta_energy(lat, s, h, NULL, 0, snew, NULL), VS_EINVAL);
    double badM[3] = {0, NAN, 0}, badsnew[3] = {0, 0, INFINITY};
    assert_int_equal(vs_lattice_delta_energy(lat, s, h, badM, 0, snew, &x), VS_EINVAL);
    assert_int_equal(vs_lattice_delta_energy(lat, s, h, NULL, 0, badsnew, &x), VS_EINVAL);
    assert_true(x == sentinel);
    double s0 = s[0], h0 = h[0];
    assert_int_equal(vs_lattice_update(NULL, s, h, NULL, 0, snew), VS_EINVAL);
    assert_int_equal(vs_lattice_update(lat, s, h, NULL, N, snew), VS_EINVAL);
    assert_int_equal(vs_lattice_update(lat, s, h, NULL, 0, badsnew), VS_EINVAL);
    assert_int_equal(vs_lattice_update(lat, NULL, h, NULL, 0, snew), VS_EINVAL);
    assert_int_equal(vs_lattice_update(lat, s, NULL, NULL, 0, snew), VS_EINVAL);
    assert_true(s[0] == s0 && h[0] == h0);
    int q[3] = {0, 0, 0}, qbad[3] = {0, 2, 0};
    double Hr[36] = {sentinel};
    assert_int_equal(vs_lattice_fourier(NULL, q, Hr, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_fourier(lat, NULL, Hr, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_fourier(lat, q, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_fourier(lat, qbad, Hr, NULL), VS_EINVAL);
    qbad[1] = -1;
    assert_int_equal(vs_lattice_fourier(lat, qbad, Hr, NULL), VS_EINVAL);
    assert_true(Hr[0] == sentinel);
    assert_int_equal(vs_lattice_luttinger_tisza(NULL, &x, NULL, NULL), VS_EINVAL);
    assert_true(x == sentinel);
    vs_lattice_free(lat);
    vs_lattice_free(NULL);

    /* open clusters have no Fourier coupling / LT spectrum */
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_OPEN);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o, &lat), VS_OK);
    assert_int_equal(vs_lattice_fourier(lat, q, Hr, NULL), VS_EUNSUPPORTED);
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &x, NULL, NULL), VS_EUNSUPPORTED);
    assert_true(x == sentinel);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    free(s);
    free(h);
    free(r);
    vs_coupling_free(c);
}

/* Two dipolar (ncomp 3) lattices of the same sites give the same fields and energy of random spins
 * (drawn from seed) to 1e-13 relative. */
static void assert_same_fields_and_energy(vs_lattice *a, vs_lattice *b, uint64_t seed)
{
    size_t N = vs_lattice_nsites(a);
    uint64_t rng = seed;
    double *s = lt_random_spins(&rng, N, 3), *ha = malloc(N * 3 * sizeof *ha), *hb = malloc(N * 3 * sizeof *hb);
    double Ea, Eb;
    assert_int_equal(vs_lattice_fields(a, s, ha), VS_OK);
    assert_int_equal(vs_lattice_fields(b, s, hb), VS_OK);
    assert_true(lt_maxrel(ha, hb, N * 3) < 1e-13);
    assert_int_equal(vs_lattice_energy(a, s, &Ea), VS_OK);
    assert_int_equal(vs_lattice_energy(b, s, &Eb), VS_OK);
    assert_close(Ea, Eb, 1e-13, 0.0);
    free(s);
    free(ha);
    free(hb);
}

/* Fields and energy of a lattice created with the options key[i] = value[i] (i < n) equal those of
 * the default lattice: options that only change how the FFTs run must not change results. */
static void assert_options_keep_fields(const int *L, int n, const int *key, const double *value)
{
    vs_coupling *c = dip();
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    vs_lattice *a = NULL, *b = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &a), VS_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(vs_lattice_options_set(o, key[i], value[i]), VS_OK);
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &b), VS_OK);
    assert_same_fields_and_energy(a, b, 4);
    vs_lattice_free(a);
    vs_lattice_free(b);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* FFTW_MEASURE plans (made on scratch buffers) give the same fields as FFTW_ESTIMATE. */
static void test_measure_planner_gives_same_fields(void **state)
{
    (void)state;
    const int L[3] = {4, 6, 5}, key[1] = {VS_LATTICE_OPT_FFTW_PLANNER};
    const double value[1] = {1};
    assert_options_keep_fields(L, 1, key, value);
}

/* Threaded FFTW plans (MEASURE, where FFTW does thread them) give the same fields as serial ones,
 * and planning restores the host's FFTW planner thread count (README "Promises": the library leaves FFTW's
 * global configuration alone). */
static void test_fft_threads_give_same_fields_and_restore_planner(void **state)
{
    (void)state;
#ifdef VS_TEST_FFTW_THREADS
    assert_true(fftw_init_threads() != 0);
    fftw_plan_with_nthreads(3); /* the host program's own setting */
#endif
    const int L[3] = {8, 6, 10}, key[2] = {VS_LATTICE_OPT_FFTW_PLANNER, VS_LATTICE_OPT_FFT_THREADS};
    const double value[2] = {1, 2};
    assert_options_keep_fields(L, 2, key, value);
#ifdef VS_TEST_FFTW_THREADS
    assert_int_equal(fftw_planner_nthreads(), 3);
    fftw_plan_with_nthreads(1);
#endif
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, 0), VS_EINVAL);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, 1.5), VS_EINVAL);
    vs_lattice_options_free(o);
}

/* The planner option takes exactly the three vs_lattice_planner values. */
static void test_planner_values(void **state)
{
    (void)state;
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    double lo, hi, v;
    assert_int_equal(vs_lattice_option_bounds(VS_LATTICE_OPT_FFTW_PLANNER, &lo, &hi), VS_OK);
    assert_true(lo == VS_LATTICE_PLANNER_ESTIMATE && hi == VS_LATTICE_PLANNER_AUTO);
    const double bad[] = {-1.0, 3.0, 0.5, 1.5, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, bad[i]), VS_EINVAL);
    assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_FFTW_PLANNER, &v), VS_OK);
    assert_true(v == VS_LATTICE_PLANNER_AUTO); /* rejected values leave the option alone */
    for (int p = VS_LATTICE_PLANNER_ESTIMATE; p <= VS_LATTICE_PLANNER_AUTO; p++) {
        assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, p), VS_OK);
        assert_int_equal(vs_lattice_options_get(o, VS_LATTICE_OPT_FFTW_PLANNER, &v), VS_OK);
        assert_true(v == p);
    }
    assert_int_equal(vs_lattice_options_set(NULL, VS_LATTICE_OPT_FFTW_PLANNER, 2), VS_EINVAL);
    vs_lattice_options_free(o);
}

/* The default planner (AUTO) with one FFT thread plans with ESTIMATE: its fields are bit-identical
 * to an explicit ESTIMATE lattice's (the promise that default runs are bit-reproducible), here at a
 * size that is not a power of two and a shape no other test plans. */
static void test_auto_planner_serial_is_estimate(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    const int L[3] = {6, 10, 7};
    vs_lattice *a = NULL, *b = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o, &a), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, VS_LATTICE_PLANNER_ESTIMATE),
                     VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o, &b), VS_OK);
    size_t N = vs_lattice_nsites(a);
    uint64_t rng = 9;
    double *s = lt_random_spins(&rng, N, 3), *ha = malloc(N * 3 * sizeof *ha),
           *hb = malloc(N * 3 * sizeof *hb);
    assert_int_equal(vs_lattice_fields(a, s, ha), VS_OK);
    assert_int_equal(vs_lattice_fields(b, s, hb), VS_OK);
    assert_memory_equal(ha, hb, N * 3 * sizeof *ha);
    free(s);
    free(ha);
    free(hb);
    vs_lattice_free(a);
    vs_lattice_free(b);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* AUTO with 2 FFT threads on a 16³ grid (the smallest it measures): the same fields and energy as
 * serial ESTIMATE plans, to round-off. */
static void test_auto_planner_threaded_gives_same_fields(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    const int L[3] = {16, 16, 16};
    vs_lattice *a = NULL, *b = NULL;
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, VS_LATTICE_PLANNER_ESTIMATE),
                     VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o, &a), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, VS_LATTICE_PLANNER_AUTO), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, 2), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o, &b), VS_OK);
    assert_same_fields_and_energy(a, b, 11);
    vs_lattice_free(a);
    vs_lattice_free(b);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* The coupling table does not depend on the number of build threads (each entry is accumulated
 * by one thread in a fixed order): bitwise equal for 1 and 3 threads. */
static void test_table_independent_of_thread_count(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {5, 3, 4};
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    vs_lattice *a = NULL, *b = NULL;
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_THREADS, 1), VS_OK);
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &a), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_THREADS, 3), VS_OK);
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &b), VS_OK);
    size_t N = vs_lattice_nsites(a);
    double Ta[9], Tb[9];
    for (size_t m = 0; m < N; m++) {
        assert_int_equal(vs_lattice_coupling(a, m, 1, Ta), VS_OK);
        assert_int_equal(vs_lattice_coupling(b, m, 1, Tb), VS_OK);
        assert_memory_equal(Ta, Tb, sizeof Ta);
    }
    vs_lattice_free(a);
    vs_lattice_free(b);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* ---- concurrency: const queries on one shared handle from several threads, and concurrent
 * create/free (serialised FFTW planning) ---- */
typedef struct {
    const vs_lattice *lat;
    const double *s;
    double E, lmax, dE, T[9];
    double Ecreate;
    int st;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    size_t N = vs_lattice_nsites(j->lat);
    double *h = malloc(N * 3 * sizeof *h), snew[3] = {0, 0, 1};
    j->st = vs_lattice_energy_direct(j->lat, j->s, &j->E);
    j->st |= vs_lattice_fields_direct(j->lat, j->s, h);
    j->st |= vs_lattice_delta_energy(j->lat, j->s, h, NULL, 3, snew, &j->dE);
    j->st |= vs_lattice_luttinger_tisza(j->lat, &j->lmax, NULL, NULL);
    j->st |= vs_lattice_coupling(j->lat, 1, 5, j->T);
    /* a private handle created and freed concurrently with the others */
    vs_coupling *c = NULL;
    vs_lattice *own = NULL;
    int L[3] = {3, 3, 3};
    j->st |= vs_coupling_create_dipolar(&c);
    vs_lattice_options *o = NULL;
    j->st |= vs_lattice_options_create(&o);
    j->st |= vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, 1);
    j->st |= vs_lattice_create_cubic(VS_LATTICE_BCC, 1.0, L, c, 0, o, &own);
    double *s2 = calloc(54 * 3, sizeof *s2);
    for (int m = 0; m < 54; m++)
        s2[3 * m + m % 3] = 1.0;
    j->st |= vs_lattice_energy(own, s2, &j->Ecreate);
    free(s2);
    vs_lattice_free(own);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
    free(h);
    return NULL;
}

static void test_const_queries_are_thread_safe(void **state)
{
    (void)state;
    vs_coupling *c = dip();
    int L[3] = {2, 3, 2};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, NULL, &lat), VS_OK);
    double U[9] = {0.2, 0, 0, 0, 0.1, 0, 0, 0, -0.3};
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    uint64_t rng = 6;
    double *s = lt_random_spins(&rng, N, 3);
    job serial = {lat, s, 0, 0, 0, {0}, 0, 0};
    worker(&serial);
    assert_int_equal(serial.st, VS_OK);
    enum { NT = 4 };
    pthread_t th[NT];
    job jobs[NT];
    for (int i = 0; i < NT; i++) {
        jobs[i] = (job){lat, s, 0, 0, 0, {0}, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < NT; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].st, VS_OK);
        assert_true(jobs[i].E == serial.E && jobs[i].dE == serial.dE && jobs[i].lmax == serial.lmax);
        assert_true(jobs[i].Ecreate == serial.Ecreate);
        assert_memory_equal(jobs[i].T, serial.T, sizeof serial.T);
    }
    free(s);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_bounds_and_defaults),
        cmocka_unit_test(test_presets_site_volume_and_order),
        cmocka_unit_test(test_create_rejects_bad_input),
        cmocka_unit_test(test_queries_reject_bad_input),
        cmocka_unit_test(test_measure_planner_gives_same_fields),
        cmocka_unit_test(test_planner_values),
        cmocka_unit_test(test_auto_planner_serial_is_estimate),
        cmocka_unit_test(test_auto_planner_threaded_gives_same_fields),
        cmocka_unit_test(test_table_independent_of_thread_count),
        cmocka_unit_test(test_fft_threads_give_same_fields_and_restore_planner),
        cmocka_unit_test(test_const_queries_are_thread_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
