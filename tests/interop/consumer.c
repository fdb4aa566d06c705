/* An external C program built against the *installed* libvoigtspin (tests/interop/run_consumer.sh).
 * It includes only the umbrella header and computes something with a closed form: for an isotropic
 * tensor the Mandel matrix has eigenvalue 3K once and 2μ five times (paper App. A), with
 * K = E / (3(1 − 2σ)) and μ = E / (2(1 + σ)). Exit status 0 only if the numbers and the error path
 * are right, so a wrong link (another library, mismatched headers) fails the test. */
#include <libvoigtspin/voigtspin.h>

#include <stdio.h>

static double rel_diff(double a, double b)
{
    double d = a - b, s = b < 0 ? -b : b;
    return (d < 0 ? -d : d) / s;
}

int main(void)
{
    const double E = 2.5, sigma = 0.3;
    const double K = E / (3.0 * (1.0 - 2.0 * sigma)), mu = E / (2.0 * (1.0 + sigma));
    vs_elastic *el = NULL, *bad = (vs_elastic *)&el;
    double w[6], V[36];
    int i, rc, failures = 0;

    if (vs_version() != VS_VERSION_NUMBER) {
        printf("header version %d but library version %d\n", VS_VERSION_NUMBER, vs_version());
        return 1;
    }
    rc = vs_elastic_create_young_poisson(E, sigma, &el);
    if (rc != VS_OK || el == NULL) {
        printf("vs_elastic_create_young_poisson: %s (%s)\n", vs_strerror(rc), vs_last_error());
        return 1;
    }
    rc = vs_elastic_mandel_eigen(el, w, V);
    if (rc != VS_OK) {
        printf("vs_elastic_mandel_eigen: %s (%s)\n", vs_strerror(rc), vs_last_error());
        vs_elastic_free(el);
        return 1;
    }
    /* Ascending order: 2μ = 1.92… (five times) below 3K = 6.25. */
    for (i = 0; i < 5; i++)
        if (!(rel_diff(w[i], 2.0 * mu) <= 1e-12)) {
            printf("w[%d] = %.17g, expected 2mu = %.17g\n", i, w[i], 2.0 * mu);
            failures++;
        }
    if (!(rel_diff(w[5], 3.0 * K) <= 1e-12)) {
        printf("w[5] = %.17g, expected 3K = %.17g\n", w[5], 3.0 * K);
        failures++;
    }
    vs_elastic_free(el);

    /* The error path crosses the boundary too: σ = 1/2 is non-physical (K infinite). */
    rc = vs_elastic_create_young_poisson(E, 0.5, &bad);
    if (rc >= 0 || bad != NULL || vs_last_error()[0] == '\0') {
        printf("sigma = 1/2 accepted or error not reported (status %d)\n", rc);
        failures++;
    }
    vs_elastic_free(NULL);
    if (failures == 0)
        printf("libvoigtspin %s: 3K = %.15g, 2mu = %.15g ok\n", vs_version_string(), w[5], w[0]);
    return failures == 0 ? 0 : 1;
}
