/* Concurrent const queries on shared elastic handles (README "Promises" thread contract): several pthreads query
 * the same handles at once and must reproduce the serial results bit for bit; each thread's
 * vs_last_error() message stays its own. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include <libvoigtspin/voigtspin.h>

enum { NTHREADS = 4, NHANDLES = 3, NDIR = 16, NREP = 50 };

/* Everything one sweep of queries produces for one handle. */
struct results {
    double moduli[4][6];
    double speeds[2];
    double christoffel[NDIR][9];
    double spin[NDIR][6];
    double strain[NDIR][9];
    double w[6], V[36], S[36], Si[36], L[81];
};

static vs_elastic *handles[NHANDLES];
static struct results serial[NHANDLES];
static double dirs[NDIR][3], strains[NDIR][9];

static int sweep(const vs_elastic *el, struct results *r)
{
    int st = 0;
    for (int a = 0; a < 4; a++)
        st |= vs_elastic_moduli(el, a == 0 ? VS_AVERAGE_VOIGT : (vs_average)a, r->moduli[a]);
    st |= vs_elastic_sound_speeds(el, 2.7, r->speeds);
    for (int d = 0; d < NDIR; d++) {
        st |= vs_elastic_christoffel(el, dirs[d], r->christoffel[d]);
        st |= vs_elastic_strain_to_spin(el, strains[d], r->spin[d]);
        st |= vs_elastic_spin_to_strain(el, r->spin[d], r->strain[d]);
    }
    st |= vs_elastic_mandel_eigen(el, r->w, r->V);
    st |= vs_elastic_mandel_sqrt(el, r->S);
    st |= vs_elastic_mandel_invsqrt(el, r->Si);
    st |= vs_elastic_tensor(el, r->L);
    return st;
}

struct worker {
    int id;
    int mismatches;
    int status;
    int own_message;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    char expect[64];
    snprintf(expect, sizeof expect, "rho = %g", -(double)(w->id + 1));
    for (int rep = 0; rep < NREP; rep++) {
        for (int h = 0; h < NHANDLES; h++) {
            struct results r;
            memset(&r, 0, sizeof r);
            w->status |= sweep(handles[(h + w->id) % NHANDLES], &r);
            if (memcmp(&r, &serial[(h + w->id) % NHANDLES], sizeof r) != 0)
                w->mismatches++;
        }
        /* A per-thread failure whose message must survive the other threads' failures. */
        double c[2];
        if (vs_elastic_sound_speeds(handles[0], -(double)(w->id + 1), c) != VS_EINVAL)
            w->status |= 1;
        struct results r;
        w->status |= sweep(handles[1], &r);
        if (strstr(vs_last_error(), expect) != NULL)
            w->own_message++;
    }
    return NULL;
}

static void test_concurrent_const_queries_match_serial(void **state)
{
    (void)state;
    uint64_t s = 606;
    double C[36];
    assert_int_equal(vs_elastic_create_lame(1.2, 0.8, &handles[0]), VS_OK);
    tu_random_stiffness(&s, 0.5, C);
    assert_int_equal(vs_elastic_create_voigt(C, &handles[1]), VS_OK);
    assert_int_equal(vs_elastic_create_hexagonal(59.4, 25.6, 21.4, 61.6, 16.4, &handles[2]), VS_OK);
    for (int d = 0; d < NDIR; d++) {
        tu_direction(&s, dirs[d]);
        for (int i = 0; i < 3; i++)
            for (int j = i; j < 3; j++)
                strains[d][i * 3 + j] = strains[d][j * 3 + i] = tu_normal(&s);
    }
    for (int h = 0; h < NHANDLES; h++) {
        memset(&serial[h], 0, sizeof serial[h]);
        assert_int_equal(sweep(handles[h], &serial[h]), VS_OK);
    }

    pthread_t th[NTHREADS];
    struct worker wk[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        wk[i] = (struct worker){.id = i};
        assert_int_equal(pthread_create(&th[i], NULL, work, &wk[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < NTHREADS; i++) {
        assert_int_equal(wk[i].status, 0);
        assert_int_equal(wk[i].mismatches, 0);
        assert_int_equal(wk[i].own_message, NREP);
    }
    for (int h = 0; h < NHANDLES; h++)
        vs_elastic_free(handles[h]);
}

/* Create/free may run concurrently (README "Promises"): threads build handles from the same stiffness at once
 * (each creation runs a LAPACKE eigen-decomposition) and get the serially computed M^{1/2}. */
static double create_C[36], create_ref[36];

struct creator {
    double maxdiff;
    int status;
};

static void *create_many(void *arg)
{
    struct creator *c = arg;
    for (int rep = 0; rep < NREP; rep++) {
        vs_elastic *el = NULL, *cl = NULL;
        double S[36];
        c->status |= vs_elastic_create_voigt(create_C, &el);
        c->status |= vs_elastic_clone(el, &cl);
        c->status |= vs_elastic_mandel_sqrt(cl, S);
        for (int i = 0; i < 36; i++)
            c->maxdiff = fmax(c->maxdiff, fabs(S[i] - create_ref[i]));
        vs_elastic_free(el);
        vs_elastic_free(cl);
    }
    return NULL;
}

static void test_concurrent_create_matches_serial(void **state)
{
    (void)state;
    uint64_t s = 707;
    tu_random_stiffness(&s, 0.5, create_C);
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_voigt(create_C, &el), VS_OK);
    assert_int_equal(vs_elastic_mandel_sqrt(el, create_ref), VS_OK);
    double scale = 0.0;
    for (int i = 0; i < 36; i++)
        scale = fmax(scale, fabs(create_ref[i]));
    vs_elastic_free(el);

    pthread_t th[NTHREADS];
    struct creator cr[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        cr[i] = (struct creator){0};
        assert_int_equal(pthread_create(&th[i], NULL, create_many, &cr[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < NTHREADS; i++) {
        assert_int_equal(cr[i].status, 0);
        assert_true(cr[i].maxdiff <= 1e-14 * scale);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_const_queries_match_serial),
        cmocka_unit_test(test_concurrent_create_matches_serial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
