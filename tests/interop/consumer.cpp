// An external C++11 program built against the *installed* libvoigtspin with pkg-config
// (tests/interop/run_consumer.sh): the headers' extern "C" blocks must give C linkage, and the
// opaque handle works with RAII. Same closed form as consumer.c: for an isotropic tensor the Mandel
// matrix has eigenvalue 3K once and 2μ five times (paper App. A).
#include <libvoigtspin/voigtspin.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

struct elastic_deleter {
    void operator()(vs_elastic *el) const { vs_elastic_free(el); }
};
using elastic_ptr = std::unique_ptr<vs_elastic, elastic_deleter>;

elastic_ptr make_young_poisson(double E, double sigma, int &status)
{
    vs_elastic *raw = nullptr;
    status = vs_elastic_create_young_poisson(E, sigma, &raw);
    return elastic_ptr(raw);
}

bool close(double a, double b) { return std::fabs(a - b) <= 1e-12 * std::fabs(b); }

} // namespace

int main()
{
    const double E = 70.0, sigma = 0.25;
    const double K = E / (3.0 * (1.0 - 2.0 * sigma)), mu = E / (2.0 * (1.0 + sigma));
    int status = 0;
    elastic_ptr el = make_young_poisson(E, sigma, status);
    if (status != VS_OK || !el) {
        std::printf("create: %s (%s)\n", vs_strerror(status), vs_last_error());
        return 1;
    }
    std::vector<double> w(6), V(36);
    status = vs_elastic_mandel_eigen(el.get(), w.data(), V.data());
    if (status != VS_OK) {
        std::printf("mandel_eigen: %s\n", vs_strerror(status));
        return 1;
    }
    int failures = 0;
    for (int i = 0; i < 5; ++i)
        if (!close(w[i], 2.0 * mu)) {
            std::printf("w[%d] = %.17g, expected 2mu = %.17g\n", i, w[i], 2.0 * mu);
            ++failures;
        }
    if (!close(w[5], 3.0 * K)) {
        std::printf("w[5] = %.17g, expected 3K = %.17g\n", w[5], 3.0 * K);
        ++failures;
    }
    // Invalid argument: the message is recorded for this thread and the handle stays NULL.
    elastic_ptr none = make_young_poisson(std::nan(""), sigma, status);
    if (status != VS_EINVAL || none || std::string(vs_last_error()).empty()) {
        std::printf("NaN modulus: status %d, expected VS_EINVAL\n", status);
        ++failures;
    }
    if (std::string(vs_version_string()) != VS_VERSION_STRING) {
        std::printf("version string mismatch\n");
        ++failures;
    }
    if (failures == 0)
        std::printf("C++ consumer: 3K = %.15g, 2mu = %.15g ok\n", w[5], w[0]);
    return failures == 0 ? 0 : 1;
}
