/* The thread contract of README "Promises", for every handle type (elastic, coupling, mean field,
 * F(g) profile, lattice options, lattice): different handles may be created, used and freed from
 * different threads at the same time; a handle may be queried through its const functions from many
 * threads at once; vs_last_error() is per thread. Run in the 'concurrency' suite, which CI also
 * builds with ThreadSanitizer (tools/test.sh), so a data race fails even when the numbers agree.
 *
 * Worker threads never call cmocka asserts (they longjmp): they record statuses and mismatches, and
 * the main thread asserts on those. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include <libvoigtspin/voigtspin.h>

enum { NTHREADS = 4, NREP_CREATE = 3, NREP_QUERY = 6, NREP_MESSAGE = 200, NSPIN_SC = 8 * 3, NSPIN_BCC = 16 * 3 };

/* ---- 1. Concurrent create/use/free of every handle type -------------------------------------- */

/* Everything one create/use/free cycle computes; deterministic, so every thread must get the
 * serial values (bit for bit except the FFT energies, which may take other SIMD paths by alignment). */
struct cycle {
    double moduli[6];
    double jbar_cubic[36], jbar_iso[36], jbar_dip[9];
    double tc, h[6], m[6], residual;
    double thermo[4];
    double tangent[3], cmax;
    double accuracy;
    double e_sc_direct, e_bcc_direct, lt_sc, lt_k[3];
    double e_sc_fft, e_bcc_fft;
};

static double spins_sc[NSPIN_SC], spins_bcc[NSPIN_BCC];

static int cycle_run(struct cycle *r)
{
    int st = 0;
    vs_elastic *cubic = NULL, *iso = NULL;
    vs_coupling *c_cubic = NULL, *c_iso = NULL, *c_dip = NULL;
    vs_meanfield *mf = NULL, *mf_cs = NULL;
    vs_gprofile *prof = NULL;
    vs_lattice_options *opt = NULL;
    vs_lattice *sc = NULL, *bcc = NULL;
    const int L[3] = {2, 2, 2};

    st |= vs_elastic_create_cubic(3.0, 1.5, 2.0, &cubic);
    st |= vs_elastic_create_lame(1.2, 0.8, &iso);
    st |= vs_elastic_moduli(cubic, VS_AVERAGE_HILL, r->moduli);

    st |= vs_coupling_create(cubic, 1e-6, &c_cubic);
    st |= vs_coupling_create(iso, 1e-8, &c_iso);
    st |= vs_coupling_create_dipolar(&c_dip);
    st |= vs_coupling_average(c_cubic, r->jbar_cubic, NULL);
    st |= vs_coupling_average(c_iso, r->jbar_iso, NULL);
    st |= vs_coupling_average(c_dip, r->jbar_dip, NULL);

    st |= vs_meanfield_create_from_coupling(c_cubic, 1.0, &mf);
    st |= vs_meanfield_curie_temperature(mf, &r->tc);
    st |= vs_meanfield_solve(mf, 0.8 * r->tc, r->h, r->m, &r->residual);
    st |= vs_meanfield_create_compr_shear(1.0, 0.5, &mf_cs);
    st |= vs_meanfield_thermo(mf_cs, 0.1, &r->thermo[0], &r->thermo[1], &r->thermo[2], &r->thermo[3]);

    st |= vs_gprofile_create(mf_cs, 0.2, &prof);
    st |= vs_gprofile_tangent(prof, &r->tangent[0], &r->tangent[1], &r->tangent[2]);
    st |= vs_gprofile_max_penalty(prof, &r->cmax);

    st |= vs_lattice_options_create(&opt);
    st |= vs_lattice_options_set(opt, VS_LATTICE_OPT_ACCURACY, 1e-10);
    st |= vs_lattice_options_get(opt, VS_LATTICE_OPT_ACCURACY, &r->accuracy);
    st |= vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c_dip, 3, opt, &sc);
    st |= vs_lattice_create_cubic(VS_LATTICE_BCC, 1.5, L, c_dip, 3, opt, &bcc);
    st |= vs_lattice_energy_direct(sc, spins_sc, &r->e_sc_direct);
    st |= vs_lattice_energy_direct(bcc, spins_bcc, &r->e_bcc_direct);
    st |= vs_lattice_energy(sc, spins_sc, &r->e_sc_fft);
    st |= vs_lattice_energy(bcc, spins_bcc, &r->e_bcc_fft);
    double tcurie;
    st |= vs_lattice_luttinger_tisza(sc, &r->lt_sc, r->lt_k, &tcurie);

    /* Free in an order different from creation: handles are independent once created. */
    vs_coupling_free(c_cubic);
    vs_elastic_free(cubic);
    vs_lattice_free(sc);
    vs_lattice_options_free(opt);
    vs_gprofile_free(prof);
    vs_meanfield_free(mf_cs);
    vs_meanfield_free(mf);
    vs_lattice_free(bcc);
    vs_coupling_free(c_dip);
    vs_coupling_free(c_iso);
    vs_elastic_free(iso);
    return st;
}

static struct cycle cycle_ref;

struct creator {
    int status;
    int mismatches;
};

/* Equal up to the FFT energies, which must agree to round-off. */
static int cycle_equal(const struct cycle *a, const struct cycle *b)
{
    if (memcmp(a, b, offsetof(struct cycle, e_sc_fft)) != 0)
        return 0;
    return fabs(a->e_sc_fft - b->e_sc_fft) <= 1e-13 * fabs(b->e_sc_fft) &&
           fabs(a->e_bcc_fft - b->e_bcc_fft) <= 1e-13 * fabs(b->e_bcc_fft);
}

static void *create_free_worker(void *arg)
{
    struct creator *c = arg;
    for (int rep = 0; rep < NREP_CREATE; rep++) {
        struct cycle r;
        memset(&r, 0, sizeof r);
        c->status |= cycle_run(&r);
        c->mismatches += !cycle_equal(&r, &cycle_ref);
    }
    return NULL;
}

static void fill_spins(uint64_t *seed)
{
    for (int i = 0; i < NSPIN_SC; i += 3)
        tu_direction(seed, &spins_sc[i]);
    for (int i = 0; i < NSPIN_BCC; i += 3)
        tu_direction(seed, &spins_bcc[i]);
}

static void test_concurrent_create_free_of_every_handle_matches_serial(void **state)
{
    (void)state;
    uint64_t seed = 909;
    fill_spins(&seed);
    memset(&cycle_ref, 0, sizeof cycle_ref);
    assert_int_equal(cycle_run(&cycle_ref), VS_OK);

    pthread_t th[NTHREADS];
    struct creator cr[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        cr[i] = (struct creator){0};
        assert_int_equal(pthread_create(&th[i], NULL, create_free_worker, &cr[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < NTHREADS; i++) {
        assert_int_equal(cr[i].status, VS_OK);
        assert_int_equal(cr[i].mismatches, 0);
    }
}

/* ---- 2. Shared const handles queried from several threads --------------------------------- */

static vs_elastic *sh_el;
static vs_coupling *sh_c, *sh_dip;
static vs_meanfield *sh_mf;
static vs_gprofile *sh_prof;
static vs_lattice *sh_lat;

/* A penalty callback that only reads its argument: re-entrant, as the API asks. */
static int quartic_penalty(double g, double *F, double *dF, double *d2F, void *user)
{
    const double *a = user;
    *F = *a * g * g * g * g;
    *dF = 4.0 * *a * g * g * g;
    *d2F = 12.0 * *a * g * g;
    return 0;
}

static const double penalty_a = 1e-4;

struct queries {
    double christoffel[9], jtilde[36], harmonics[1188], ktilde[36];
    double h[6], m[6], residual, landscape[9];
    double F[4][3], tangent[3];
    double e_direct, fields[NSPIN_BCC], T01[9], Hre[36], Him[36], dE, lt_min, k_min[3];
};

static const double khat[3] = {0.3, -0.5, 0.8};

static int queries_run(struct queries *q)
{
    int st = 0;
    const double hc[3] = {-1.0, 0.0, 0.5}, hs[3] = {0.0, 0.7, 1.5};
    const double snew[3] = {0.0, 0.6, 0.8};
    const int qv[3] = {1, 0, 1};
    double tc;
    st |= vs_elastic_christoffel(sh_el, khat, q->christoffel);
    st |= vs_coupling_jtilde(sh_c, khat, q->jtilde);
    st |= vs_coupling_harmonics(sh_c, khat, q->harmonics);
    st |= vs_coupling_ktilde_mandel(sh_c, khat, q->ktilde);
    st |= vs_meanfield_curie_temperature(sh_mf, &tc);
    st |= vs_meanfield_solve(sh_mf, 0.7 * tc, q->h, q->m, &q->residual);
    st |= vs_meanfield_landscape(sh_mf, 0.7 * tc, 3, hc, 3, hs, q->landscape);
    for (int i = 0; i < 4; i++)
        st |= vs_gprofile_eval(sh_prof, 1.0 + 1.7 * i, &q->F[i][0], &q->F[i][1], &q->F[i][2]);
    st |= vs_gprofile_tangent(sh_prof, &q->tangent[0], &q->tangent[1], &q->tangent[2]);
    st |= vs_lattice_energy_direct(sh_lat, spins_bcc, &q->e_direct);
    st |= vs_lattice_fields_direct(sh_lat, spins_bcc, q->fields);
    st |= vs_lattice_coupling(sh_lat, 0, 1, q->T01);
    st |= vs_lattice_fourier(sh_lat, qv, q->Hre, q->Him);
    st |= vs_lattice_delta_energy(sh_lat, spins_bcc, q->fields, NULL, 3, snew, &q->dE);
    st |= vs_lattice_luttinger_tisza_min(sh_lat, &q->lt_min, q->k_min);
    return st;
}

static struct queries queries_ref;

struct querier {
    int status;
    int mismatches;
};

static void *query_worker(void *arg)
{
    struct querier *w = arg;
    for (int rep = 0; rep < NREP_QUERY; rep++) {
        struct queries q;
        memset(&q, 0, sizeof q);
        w->status |= queries_run(&q);
        w->mismatches += memcmp(&q, &queries_ref, sizeof q) != 0;
    }
    return NULL;
}

static int shared_setup(void **state)
{
    (void)state;
    uint64_t seed = 919;
    fill_spins(&seed);
    const int L[3] = {2, 2, 2};
    if (vs_elastic_create_hexagonal(59.4, 25.6, 21.4, 61.6, 16.4, &sh_el) != VS_OK ||
        vs_coupling_create(sh_el, 1e-6, &sh_c) != VS_OK || vs_coupling_create_dipolar(&sh_dip) != VS_OK ||
        vs_meanfield_create_from_coupling(sh_c, 2.0, &sh_mf) != VS_OK ||
        vs_gprofile_create(sh_mf, 0.1, &sh_prof) != VS_OK ||
        vs_gprofile_set_penalty(sh_prof, quartic_penalty, (void *)&penalty_a) != VS_OK ||
        vs_lattice_create_cubic(VS_LATTICE_BCC, 1.0, L, sh_dip, 3, NULL, &sh_lat) != VS_OK)
        return -1;
    return 0;
}

static int shared_teardown(void **state)
{
    (void)state;
    vs_lattice_free(sh_lat);
    vs_gprofile_free(sh_prof);
    vs_meanfield_free(sh_mf);
    vs_coupling_free(sh_dip);
    vs_coupling_free(sh_c);
    vs_elastic_free(sh_el);
    return 0;
}

static void test_shared_const_handles_queried_concurrently_match_serial(void **state)
{
    (void)state;
    memset(&queries_ref, 0, sizeof queries_ref);
    assert_int_equal(queries_run(&queries_ref), VS_OK);

    pthread_t th[NTHREADS];
    struct querier qw[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        qw[i] = (struct querier){0};
        assert_int_equal(pthread_create(&th[i], NULL, query_worker, &qw[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < NTHREADS; i++) {
        assert_int_equal(qw[i].status, VS_OK);
        assert_int_equal(qw[i].mismatches, 0);
    }
}

/* ---- 3. vs_last_error() is per thread ----------------------------------------------------------- */

struct messenger {
    int id;
    int status;
    int own;
};

static void *message_worker(void *arg)
{
    struct messenger *w = arg;
    size_t N = vs_lattice_nsites(sh_lat);
    for (int rep = 0; rep < NREP_MESSAGE; rep++) {
        /* Each thread fails with its own number in the message, lets the others run (and fail with
         * theirs), then expects its own message back: a shared buffer would hold another number. */
        char expect[64];
        double T[9], J[9], h[6];
        size_t m = N + 1000 * (size_t)(w->id + 1) + (size_t)rep;
        w->status |= vs_lattice_coupling(sh_lat, m, 0, T) != VS_EINVAL;
        sched_yield();
        w->status |= vs_coupling_jtilde(sh_dip, khat, J);
        snprintf(expect, sizeof expect, "%zu", m);
        w->own += strstr(vs_last_error(), expect) != NULL;

        double Tbad = -(double)(w->id + 1) - 0.25 * rep;
        w->status |= vs_meanfield_solve(sh_mf, Tbad, h, NULL, NULL) != VS_EINVAL;
        sched_yield();
        w->status |= vs_elastic_christoffel(sh_el, khat, T);
        snprintf(expect, sizeof expect, "%g", Tbad);
        w->own += strstr(vs_last_error(), expect) != NULL;
    }
    return NULL;
}

static void test_error_messages_are_thread_local(void **state)
{
    (void)state;
    pthread_t th[NTHREADS];
    struct messenger mw[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        mw[i] = (struct messenger){.id = i};
        assert_int_equal(pthread_create(&th[i], NULL, message_worker, &mw[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < NTHREADS; i++) {
        assert_int_equal(mw[i].status, 0);
        assert_int_equal(mw[i].own, 2 * NREP_MESSAGE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_create_free_of_every_handle_matches_serial),
        cmocka_unit_test_setup_teardown(test_shared_const_handles_queried_concurrently_match_serial,
                                        shared_setup, shared_teardown),
        cmocka_unit_test_setup_teardown(test_error_messages_are_thread_local, shared_setup, shared_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
