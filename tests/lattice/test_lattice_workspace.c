/* Per-thread workspaces (issue 11 item 1, docs/lattice.md "Workspaces"): vs_lattice_fields_ws() and
 * vs_lattice_energy_ws() reproduce the handle path bit for bit on every geometry and every input
 * alignment, four threads with their own workspaces evaluating one shared const lattice reproduce
 * the serial results (also run under ThreadSanitizer: suite `concurrency`), and bad input is refused
 * per function. */
#include <pthread.h>
#include <stdint.h>

#include "lattice_testutil.h"

static vs_lattice *make_lattice(int kind, int boundary, int planner, int fft_threads, const int *L)
{
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    vs_lattice_options *o = lt_options(1e-8, 0.0, boundary);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFTW_PLANNER, planner), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, fft_threads), VS_OK);
    if (kind == 0)
        assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &lat), VS_OK);
    else
        assert_int_equal(vs_lattice_create_cubic(kind, 1.0, L, c, 0, o, &lat), VS_OK);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
    return lat;
}

/* fields_ws/energy_ws == fields/energy exactly, for aligned and misaligned s and h (FFTW then
 * reads/writes the caller's arrays or goes through the workspace buffers), with U and D set. */
static void check_bit_identical(vs_lattice *lat, uint64_t *rng)
{
    size_t N = vs_lattice_nsites(lat), nv = N * 3;
    double *s = lt_random_spins(rng, N, 3);
    double *buf_s = malloc((nv + 1) * sizeof *buf_s), *buf_h = malloc((nv + 1) * sizeof *buf_h);
    double *h = malloc(nv * sizeof *h);
    vs_lattice_workspace *ws = NULL;
    assert_int_equal(vs_lattice_workspace_create(lat, &ws), VS_OK);
    for (int shift = 0; shift < 2; shift++) {
        double *ss = buf_s + shift, *hw = buf_h + shift;
        memcpy(ss, s, nv * sizeof *s);
        assert_int_equal(vs_lattice_fields(lat, ss, h), VS_OK);
        assert_int_equal(vs_lattice_fields_ws(lat, ws, ss, hw), VS_OK);
        assert_memory_equal(h, hw, nv * sizeof *h);
        double e, ew;
        assert_int_equal(vs_lattice_energy(lat, ss, &e), VS_OK);
        assert_int_equal(vs_lattice_energy_ws(lat, ws, ss, &ew), VS_OK);
        assert_memory_equal(&e, &ew, sizeof e);
    }
    vs_lattice_workspace_free(ws);
    free(s);
    free(buf_s);
    free(buf_h);
    free(h);
}

static void test_workspace_paths_are_bit_identical_to_handle_paths(void **state)
{
    (void)state;
    uint64_t rng = 11;
    int L3[3] = {3, 3, 3}, L2[3] = {2, 3, 2};
    const double U[9] = {-1.0 / 3, 0, 0, 0, -1.0 / 3, 0, 0, 0, -1.0 / 3};
    const double D[9] = {0.3, 0.1, 0, 0.1, -0.2, 0.05, 0, 0.05, 0.7};
    struct {
        int kind, boundary, planner, fft_threads;
        const int *L;
    } cases[] = {
        {VS_LATTICE_SC, VS_LATTICE_PERIODIC, 0, 1, L3},
        {VS_LATTICE_FCC, VS_LATTICE_PERIODIC, 1, 1, L2},
        {0, VS_LATTICE_PERIODIC, 0, 2, L2},
        {VS_LATTICE_BCC, VS_LATTICE_OPEN, 0, 1, L2},
        {VS_LATTICE_SC, VS_LATTICE_PERIODIC, 1, 2, L2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_lattice *lat = make_lattice(cases[i].kind, cases[i].boundary, cases[i].planner,
                                       cases[i].fft_threads, cases[i].L);
        check_bit_identical(lat, &rng);
        assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
        assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
        check_bit_identical(lat, &rng);
        vs_lattice_free(lat);
    }
}

/* ---------------------------------------------------------------- threads */

enum { NTHREADS = 4, NCONF = 3, NREPEAT = 5 };

struct job {
    const vs_lattice *lat;     /* shared, const */
    const double *s[NCONF];    /* this thread's configurations */
    const double *href[NCONF]; /* serial fields */
    double eref[NCONF];        /* serial energies */
    double efref[NCONF];       /* serial energies from the serial fields (vs_lattice_energy_from_fields) */
    int ok;
};

static void *evaluator(void *arg)
{
    struct job *j = arg;
    size_t nv = vs_lattice_nsites(j->lat) * 3;
    vs_lattice_workspace *ws = NULL; /* created concurrently with the other threads' */
    double *h = malloc(nv * sizeof *h);
    j->ok = h != NULL && vs_lattice_workspace_create(j->lat, &ws) == VS_OK;
    for (int r = 0; r < NREPEAT && j->ok; r++)
        for (int c = 0; c < NCONF; c++) {
            double e;
            j->ok &= vs_lattice_fields_ws(j->lat, ws, j->s[c], h) == VS_OK &&
                     memcmp(h, j->href[c], nv * sizeof *h) == 0;
            j->ok &= vs_lattice_energy_ws(j->lat, ws, j->s[c], &e) == VS_OK && e == j->eref[c];
            j->ok &= vs_lattice_fields_energy_ws(j->lat, ws, j->s[c], h, &e) == VS_OK &&
                     memcmp(h, j->href[c], nv * sizeof *h) == 0 && e == j->efref[c];
        }
    vs_lattice_workspace_free(ws);
    free(h);
    return NULL;
}

/* fft_threads > 1: each evaluation runs FFTW's threaded plan (builds with FFTW threads). */
static void threads_equal_serial(int fft_threads)
{
    int L[3] = {4, 3, 4};
    uint64_t rng = 7;
    vs_lattice *lat = make_lattice(VS_LATTICE_BCC, VS_LATTICE_PERIODIC, 0, fft_threads, L);
    size_t N = vs_lattice_nsites(lat), nv = N * 3;
    struct job jobs[NTHREADS];
    double *mem[NTHREADS][NCONF][2];
    for (int t = 0; t < NTHREADS; t++) {
        jobs[t].lat = lat;
        for (int c = 0; c < NCONF; c++) {
            double *s = lt_random_spins(&rng, N, 3), *h = malloc(nv * sizeof *h);
            assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK); /* serial, the handle's workspace */
            assert_int_equal(vs_lattice_energy(lat, s, &jobs[t].eref[c]), VS_OK);
            assert_int_equal(vs_lattice_energy_from_fields(lat, s, h, &jobs[t].efref[c]), VS_OK);
            jobs[t].s[c] = mem[t][c][0] = s;
            jobs[t].href[c] = mem[t][c][1] = h;
        }
    }
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, evaluator, &jobs[t]), 0);
    for (int t = 0; t < NTHREADS; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    for (int t = 0; t < NTHREADS; t++) {
        assert_true(jobs[t].ok);
        for (int c = 0; c < NCONF; c++) {
            free(mem[t][c][0]);
            free(mem[t][c][1]);
        }
    }
    vs_lattice_free(lat);
}

static void test_threads_with_own_workspaces_on_shared_lattice_equal_serial(void **state)
{
    (void)state;
    threads_equal_serial(1);
    threads_equal_serial(2);
}

/* ---------------------------------------------------------------- bad input */

static void test_workspace_bad_input_is_refused(void **state)
{
    (void)state;
    int L[3] = {2, 2, 2};
    uint64_t rng = 3;
    vs_lattice *lat = make_lattice(VS_LATTICE_SC, VS_LATTICE_PERIODIC, 0, 1, L);
    vs_lattice *other = make_lattice(VS_LATTICE_SC, VS_LATTICE_PERIODIC, 0, 1, L);
    size_t N = vs_lattice_nsites(lat), nv = N * 3;
    double *s = lt_random_spins(&rng, N, 3), *h = malloc(nv * sizeof *h), E = 42.0;
    vs_lattice_workspace *ws = (vs_lattice_workspace *)&rng, *wo = NULL;

    /* create / free */
    assert_int_equal(vs_lattice_workspace_create(NULL, &ws), VS_EINVAL);
    assert_null(ws);
    assert_int_equal(vs_lattice_workspace_create(lat, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_workspace_create(lat, &ws), VS_OK);
    assert_int_equal(vs_lattice_workspace_create(other, &wo), VS_OK);
    vs_lattice_workspace_free(NULL);

    /* fields_ws */
    assert_int_equal(vs_lattice_fields_ws(NULL, ws, s, h), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_ws(lat, NULL, s, h), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_ws(lat, wo, s, h), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "another lattice"));
    assert_int_equal(vs_lattice_fields_ws(lat, ws, NULL, h), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_ws(lat, ws, s, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_ws(lat, ws, s, (double *)s), VS_EINVAL);
    for (size_t i = 0; i < nv; i++)
        h[i] = 7.0;
    s[5] = NAN;
    assert_int_equal(vs_lattice_fields_ws(lat, ws, s, h), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "s"));
    for (size_t i = 0; i < nv; i++)
        assert_true(h[i] == 7.0); /* untouched */
    s[5] = INFINITY;
    assert_int_equal(vs_lattice_fields_ws(lat, ws, s, h), VS_EINVAL);

    /* energy_ws */
    assert_int_equal(vs_lattice_energy_ws(lat, ws, s, &E), VS_EINVAL); /* inf spin */
    assert_true(E == 42.0);
    s[5] = 0.5;
    assert_int_equal(vs_lattice_energy_ws(NULL, ws, s, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_ws(lat, NULL, s, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_ws(lat, wo, s, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_ws(lat, ws, NULL, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_energy_ws(lat, ws, s, NULL), VS_EINVAL);
    assert_true(E == 42.0);

    /* fields_energy and fields_energy_ws (since 1.1): NULL, aliasing, foreign workspace, NaN/inf */
    E = 42.0;
    assert_int_equal(vs_lattice_fields_energy(NULL, s, h, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy(lat, NULL, h, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy(lat, s, NULL, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy(lat, s, h, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy(lat, s, (double *)s, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy_ws(NULL, ws, s, h, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, NULL, s, h, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, wo, s, h, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, ws, NULL, h, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, ws, s, NULL, &E), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, ws, s, h, NULL), VS_EINVAL);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, ws, s, (double *)s, &E), VS_EINVAL);
    for (size_t i = 0; i < nv; i++)
        h[i] = 7.0;
    for (int k = 0; k < 2; k++) {
        s[4] = k == 0 ? NAN : -INFINITY;
        assert_int_equal(vs_lattice_fields_energy(lat, s, h, &E), VS_EINVAL);
        assert_non_null(strstr(vs_last_error(), "s"));
        assert_int_equal(vs_lattice_fields_energy_ws(lat, ws, s, h, &E), VS_EINVAL);
    }
    for (size_t i = 0; i < nv; i++)
        assert_true(h[i] == 7.0); /* untouched */
    assert_true(E == 42.0);
    s[4] = 0.25;
    /* finite spins of 1e200: finite fields (~1e200) but an energy of ~1e400: VS_ENUMERIC, E untouched */
    double *big = malloc(nv * sizeof *big);
    for (size_t i = 0; i < nv; i++)
        big[i] = 1e200;
    assert_int_equal(vs_lattice_fields_energy(lat, big, h, &E), VS_ENUMERIC);
    assert_int_equal(vs_lattice_fields_energy_ws(lat, ws, big, h, &E), VS_ENUMERIC);
    assert_true(E == 42.0);
    free(big);

    /* and the workspace still works after all that */
    assert_int_equal(vs_lattice_energy_ws(lat, ws, s, &E), VS_OK);
    assert_int_equal(vs_lattice_energy_ws(other, wo, s, &E), VS_OK);
    vs_lattice_workspace_free(ws);
    vs_lattice_workspace_free(wo);
    free(s);
    free(h);
    vs_lattice_free(other);
    vs_lattice_free(lat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workspace_paths_are_bit_identical_to_handle_paths),
        cmocka_unit_test(test_threads_with_own_workspaces_on_shared_lattice_equal_serial),
        cmocka_unit_test(test_workspace_bad_input_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
