/* The error model and the version macros (README "Promises"). */
#include <stdio.h>
#include <string.h>
#include <pthread.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

static void test_version_macros_agree_with_runtime(void **state)
{
    (void)state;
    assert_int_equal(vs_version(), VS_VERSION_MAJOR * 10000 + VS_VERSION_MINOR * 100 + VS_VERSION_PATCH);
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d.%d", VS_VERSION_MAJOR, VS_VERSION_MINOR, VS_VERSION_PATCH);
    assert_string_equal(vs_version_string(), buf);
    assert_string_equal(VS_VERSION_STRING, buf);
}

static void test_status_codes_are_fixed_and_described(void **state)
{
    (void)state;
    /* The numeric values are ABI: they must never change. */
    assert_int_equal(VS_OK, 0);
    assert_int_equal(VS_EINVAL, -1);
    assert_int_equal(VS_ENONPHYS, -2);
    assert_int_equal(VS_ENOMEM, -3);
    assert_int_equal(VS_ENOCONV, -4);
    assert_int_equal(VS_EOVERFLOW, -5);
    assert_int_equal(VS_ENUMERIC, -6);
    assert_int_equal(VS_EIO, -7);
    assert_int_equal(VS_EUNSUPPORTED, -8);
    assert_int_equal(VS_ECALLBACK, -9);
    for (int c = 0; c >= -9; c--) {
        assert_non_null(vs_strerror(c));
        assert_string_not_equal(vs_strerror(c), "unknown status code");
    }
    assert_string_equal(vs_strerror(12345), "unknown status code");
    assert_string_equal(vs_strerror(-12345), "unknown status code");
}

static void *fail_in_thread(void *arg)
{
    vs_elastic *el = NULL;
    int st = vs_elastic_create_lame(1.0, -1.0, &el); /* negative shear modulus */
    *(int *)arg = (st == VS_ENONPHYS && el == NULL && strstr(vs_last_error(), "mu") != NULL);
    return NULL;
}

static void test_last_error_is_thread_local(void **state)
{
    (void)state;
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_lame(NAN, 1.0, &el), VS_EINVAL);
    assert_null(el);
    char mine[512];
    snprintf(mine, sizeof mine, "%s", vs_last_error());
    assert_true(strlen(mine) > 0);

    pthread_t th;
    int ok = 0;
    assert_int_equal(pthread_create(&th, NULL, fail_in_thread, &ok), 0);
    pthread_join(th, NULL);
    assert_true(ok);
    /* The other thread's failure did not overwrite this thread's message. */
    assert_string_equal(vs_last_error(), mine);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_macros_agree_with_runtime),
        cmocka_unit_test(test_status_codes_are_fixed_and_described),
        cmocka_unit_test(test_last_error_is_thread_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
