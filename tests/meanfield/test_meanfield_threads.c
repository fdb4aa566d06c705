/* Concurrent const queries on one mean-field handle and one F(g) profile give the serial results
 * (README "Promises" thread contract). */
#include <pthread.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

enum { NTHREADS = 4, NT = 24 };

typedef struct job {
    const vs_meanfield *mf;
    const vs_gprofile *p;
    double out[NT][5];
    double tangent[3];
    int status;
} job;

static int work(const vs_meanfield *mf, const vs_gprofile *p, double out[NT][5], double *tangent)
{
    int st = VS_OK;
    for (int i = 0; i < NT && st == VS_OK; i++) {
        double T = 0.01 + 0.01 * i;
        st = vs_meanfield_thermo(mf, T, &out[i][0], &out[i][1], &out[i][2], &out[i][3]);
        if (st == VS_OK)
            st = vs_gprofile_f0(p, 0.5 + 0.3 * i, &out[i][4], NULL, NULL);
    }
    if (st == VS_OK)
        st = vs_gprofile_tangent(p, &tangent[0], &tangent[1], &tangent[2]);
    return st;
}

static void *run(void *arg)
{
    job *j = arg;
    j->status = work(j->mf, j->p, j->out, j->tangent);
    return NULL;
}

static void test_concurrent_const_queries_match_serial(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    vs_gprofile *p = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(0.88, 1.0, &mf), VS_OK);
    assert_int_equal(vs_gprofile_create(mf, 0.05, &p), VS_OK);
    static double ref[NT][5];
    double reft[3];
    assert_int_equal(work(mf, p, ref, reft), VS_OK);
    static job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        jobs[t].mf = mf;
        jobs[t].p = p;
        jobs[t].status = -100;
        assert_int_equal(pthread_create(&th[t], NULL, run, &jobs[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(jobs[t].status, VS_OK);
        assert_memory_equal(jobs[t].out, ref, sizeof ref);
        assert_memory_equal(jobs[t].tangent, reft, sizeof reft);
    }
    vs_gprofile_free(p);
    vs_meanfield_free(mf);
}

/* Profiles created and freed concurrently from one const handle (the live-profile count that locks
 * VS_MF_G_MAX/VS_MF_G_GRID is shared): afterwards the count is back to zero and the options settable. */
static void *churn(void *arg)
{
    const vs_meanfield *mf = arg;
    for (int i = 0; i < 200; i++) {
        vs_gprofile *p = NULL;
        if (vs_gprofile_create(mf, 0.05, &p) != VS_OK)
            return (void *)1;
        vs_gprofile_free(p);
    }
    return NULL;
}

static void test_concurrent_profile_creation_keeps_option_lock_count(void **state)
{
    (void)state;
    vs_meanfield *mf = NULL;
    assert_int_equal(vs_meanfield_create_compr_shear(0.88, 1.0, &mf), VS_OK);
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, churn, mf), 0);
    for (int t = 0; t < NTHREADS; t++) {
        void *rc = (void *)2;
        pthread_join(th[t], &rc);
        assert_null(rc);
    }
    assert_int_equal(vs_meanfield_set_option(mf, VS_MF_G_GRID, 100), VS_OK);
    vs_meanfield_free(mf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_const_queries_match_serial),
        cmocka_unit_test(test_concurrent_profile_creation_keeps_option_lock_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
