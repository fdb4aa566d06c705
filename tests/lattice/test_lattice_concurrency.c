/* Lattice concurrency (issue 9, defects 2 and 7; README "Promises" thread contract): creation leaves the
 * host's libm state alone, concurrent create/free of lattices gives the same tables as serial
 * creation, and a host thread that plans its own FFTW transforms under vs_fftw_planner_lock()
 * runs safely next to threads creating and freeing lattices. Meant to run under ThreadSanitizer
 * too (suite `concurrency`). */
#include <pthread.h>
#include <stdint.h>
#include <fftw3.h>

#include "lattice_testutil.h"

extern int signgam; /* libm's global sign of the last lgamma() (POSIX XSI) */

enum { NTHREADS = 3, NREPEAT = 4 };

/* lgamma() writes the global signgam; the library must not (a data race with the host and with
 * concurrent creations). The host's value survives creating and using a lattice. */
static void test_creation_leaves_signgam_alone(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    (void)lgamma(-0.5); /* Γ(−1/2) = −2√π < 0: signgam = −1 */
    assert_int_equal(signgam, -1);
    int L[3] = {2, 2, 2};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_FCC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    double lmax;
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, NULL, NULL), VS_OK);
    assert_int_equal(signgam, -1);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

struct job {
    const vs_coupling *c;
    int kind;
    const double *ref; /* the serial table, row T(0, n) for every n */
    int ok;
};

static double *table_row(const vs_lattice *lat)
{
    size_t N = vs_lattice_nsites(lat);
    double *t = malloc(N * 9 * sizeof *t);
    for (size_t n = 0; n < N; n++)
        if (vs_lattice_coupling(lat, 0, n, t + 9 * n) != VS_OK)
            t[9 * n] = NAN;
    return t;
}

static vs_lattice *make(const vs_coupling *c, int kind, int fft_threads)
{
    vs_lattice_options *o = NULL;
    vs_lattice *lat = NULL;
    int L[3] = {2, 3, 2};
    if (vs_lattice_options_create(&o) != VS_OK)
        return NULL;
    vs_lattice_options_set(o, VS_LATTICE_OPT_FFT_THREADS, fft_threads);
    vs_lattice_options_set(o, VS_LATTICE_OPT_THREADS, 1);
    if (vs_lattice_create_cubic(kind, 1.3, L, c, 0, o, &lat) != VS_OK)
        lat = NULL;
    vs_lattice_options_free(o);
    return lat;
}

static void *creator(void *arg)
{
    struct job *j = arg;
    j->ok = 1;
    for (int r = 0; r < NREPEAT; r++) {
        vs_lattice *lat = make(j->c, j->kind, 1 + r % 2);
        if (lat == NULL) {
            j->ok = 0;
            continue;
        }
        double *t = table_row(lat);
        if (memcmp(t, j->ref, vs_lattice_nsites(lat) * 9 * sizeof *t) != 0)
            j->ok = 0;
        free(t);
        vs_lattice_free(lat);
    }
    return NULL;
}

/* Concurrent creation and freeing (sc, bcc, fcc at once) gives bit-for-bit the serial tables. */
static void test_concurrent_create_free_gives_serial_tables(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    struct job jobs[NTHREADS];
    double *ref[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        vs_lattice *lat = make(c, VS_LATTICE_SC + i, 1);
        assert_non_null(lat);
        ref[i] = table_row(lat);
        vs_lattice_free(lat);
        jobs[i] = (struct job){c, VS_LATTICE_SC + i, ref[i], 0};
    }
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, creator, &jobs[i]), 0);
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        assert_true(jobs[i].ok);
        free(ref[i]);
    }
    vs_coupling_free(c);
}

/* A host thread planning, executing and destroying its own FFTW transforms, holding the
 * library's planner lock around the planner calls only. */
struct host {
    int ok;
};

static void *host_planner(void *arg)
{
    struct host *hst = arg;
    enum { n = 12 };
    hst->ok = 1;
    double *in = fftw_malloc(n * n * n * sizeof *in), *back = fftw_malloc(n * n * n * sizeof *back);
    fftw_complex *out = fftw_malloc(n * n * (n / 2 + 1) * sizeof *out);
    for (int r = 0; r < 4 * NREPEAT; r++) {
        vs_fftw_planner_lock();
        fftw_plan f = fftw_plan_dft_r2c_3d(n, n, n, in, out, FFTW_ESTIMATE);
        fftw_plan b = fftw_plan_dft_c2r_3d(n, n, n, out, back, FFTW_ESTIMATE);
        vs_fftw_planner_unlock();
        for (int i = 0; i < n * n * n; i++)
            in[i] = sin(0.1 * i + r);
        fftw_execute(f);
        fftw_execute(b);
        for (int i = 0; i < n * n * n; i++)
            if (fabs(back[i] / (n * n * n) - in[i]) > 1e-12)
                hst->ok = 0;
        vs_fftw_planner_lock();
        fftw_destroy_plan(f);
        fftw_destroy_plan(b);
        vs_fftw_planner_unlock();
    }
    fftw_free(in);
    fftw_free(back);
    fftw_free(out);
    return NULL;
}

static void test_host_planning_under_lock_beside_lattice_creation(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    struct job jobs[2];
    double *ref[2];
    for (int i = 0; i < 2; i++) {
        vs_lattice *lat = make(c, VS_LATTICE_BCC + i, 1);
        assert_non_null(lat);
        ref[i] = table_row(lat);
        vs_lattice_free(lat);
        jobs[i] = (struct job){c, VS_LATTICE_BCC + i, ref[i], 0};
    }
    struct host hosts[2];
    pthread_t th[4];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, host_planner, &hosts[i]), 0);
        assert_int_equal(pthread_create(&th[2 + i], NULL, creator, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        assert_true(hosts[i].ok);
        assert_true(jobs[i].ok);
        free(ref[i]);
    }
    /* the lock is recursive: the holder may create lattices itself */
    vs_fftw_planner_lock();
    vs_fftw_planner_lock();
    vs_lattice *lat = make(c, VS_LATTICE_SC, 2);
    vs_fftw_planner_unlock();
    vs_fftw_planner_unlock();
    assert_non_null(lat);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_creation_leaves_signgam_alone),
        cmocka_unit_test(test_concurrent_create_free_gives_serial_tables),
        cmocka_unit_test(test_host_planning_under_lock_beside_lattice_creation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
