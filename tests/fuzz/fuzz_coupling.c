/* libFuzzer harness: the coupling handle and the Eq. 22 helpers (include/libvoigtspin/coupling.h).
 * Each input either calls a free function (ratios, J_compr/J_shear, vs_sphere_average with a fuzzed
 * integrand) or creates a coupling (dipolar, or elastic from a fuzzed isotropic/cubic/hexagonal/general
 * tensor and a fuzzed tolerance) and queries it at fuzzed directions. Traps when a call returns VS_OK
 * with a non-finite output. */
#include "fuzz_common.h"

/* Anisotropic creation costs up to ~0.2 s at tol 1e-12: keep inputs cheap by flooring positive finite
 * tolerances (non-finite and non-positive ones go through unchanged, to test their rejection). */
static double cheap_tol(double tol)
{
    return (isfinite(tol) && tol > 0.0 && tol < 1e-6) ? 1e-6 : tol;
}

static vs_elastic *elastic(fz *f)
{
    vs_elastic *el = NULL;
    int rc;
    double a = fz_double(f), b = fz_double(f), c = fz_double(f);
    switch (fz_u8(f) % 4) {
    case 0: FZ_CALL(rc, vs_elastic_create_bulk_shear(a, b, &el)); break;
    case 1: FZ_CALL(rc, vs_elastic_create_cubic(a, b, c, &el)); break;
    case 2: {
        double d = fz_double(f), e = fz_double(f);
        FZ_CALL(rc, vs_elastic_create_hexagonal(a, b, c, d, e, &el));
        break;
    }
    default: {
        double C[36];
        for (int i = 0; i < 6; i++)
            for (int j = 0; j <= i; j++)
                C[i * 6 + j] = C[j * 6 + i] = (i == j) ? a + c * fz_double(f) : b * fz_double(f);
        FZ_CALL(rc, vs_elastic_create_voigt(C, &el));
        break;
    }
    }
    FZ_HANDLE(rc, el);
    return el;
}

struct integrand {
    int n;
    double coef[4][4];
    int fail_at; /* return non-zero on this call (−1: never) */
    int calls;
};

static int sphere_fn(const double *k, double *out, void *ctx)
{
    struct integrand *in = ctx;
    if (in->calls++ == in->fail_at)
        return 1;
    for (int i = 0; i < in->n; i++)
        out[i] = in->coef[i][0] + in->coef[i][1] * k[0] * k[0] + in->coef[i][2] * k[1] * k[2] +
                 in->coef[i][3] * k[2] * k[2] * k[2] * k[2];
    return 0;
}

static void free_functions(fz *f)
{
    int rc;
    double out[4], a = fz_double(f), b = fz_double(f);
    switch (fz_u8(f) % 5) {
    case 0: FZ_CALL(rc, vs_coupling_jcompr_jshear(a, b, out)); FZ_FINITE(rc, out, 2); break;
    case 1: FZ_CALL(rc, vs_coupling_ratio_from_moduli(a, b, out)); FZ_FINITE(rc, out, 1); break;
    case 2: FZ_CALL(rc, vs_coupling_ratio_from_poisson(a, out)); FZ_FINITE(rc, out, 1); break;
    case 3: FZ_CALL(rc, vs_coupling_ratio_from_sound(a, out)); FZ_FINITE(rc, out, 1); break;
    default: {
        struct integrand in;
        in.n = fz_range(f, -1, 4);
        for (int i = 0; i < 4; i++)
            fz_doubles(f, in.coef[i], 4);
        in.fail_at = (fz_u8(f) & 7) == 0 ? fz_range(f, 0, 64) : -1;
        in.calls = 0;
        double avg[4], err;
        FZ_CALL(rc, vs_sphere_average(in.n, sphere_fn, &in, cheap_tol(a), avg, &err));
        FZ_FINITE(rc, avg, (size_t)(in.n > 0 ? in.n : 0));
        FZ_FINITE(rc, &err, 1);
        break;
    }
    }
}

static void query(fz *f, const vs_coupling *c)
{
    int rc;
    int n = vs_coupling_ncomp(c);
    if (c != NULL && n != 3 && n != 6)
        fz_fail("ncomp is neither 3 nor 6", __LINE__);
    size_t nn = (size_t)n * (size_t)n;
    double k[3], J[36], V[36], w[6], err, A[1188], K[81];
    switch (fz_u8(f) % 10) {
    case 0:
        fz_doubles(f, k, 3);
        FZ_CALL(rc, vs_coupling_jtilde(c, k, J));
        FZ_FINITE(rc, J, nn);
        break;
    case 1:
        FZ_CALL(rc, vs_coupling_average(c, J, &err));
        FZ_FINITE(rc, J, nn);
        FZ_FINITE(rc, &err, 1);
        break;
    case 2:
        FZ_CALL(rc, vs_coupling_average_eigen(c, w, V));
        FZ_FINITE(rc, w, (size_t)n);
        FZ_FINITE(rc, V, nn);
        break;
    case 3: {
        int lmax = -1;
        FZ_CALL(rc, vs_coupling_lmax(c, &lmax));
        if (rc == VS_OK && (lmax < 0 || lmax > 64))
            fz_fail("lmax outside [0, 64]", __LINE__);
        fz_doubles(f, k, 3);
        FZ_CALL(rc, vs_coupling_harmonics(c, k, A));
        if (rc == VS_OK)
            FZ_FINITE(rc, A, (size_t)(lmax / 2 + 1) * nn);
        break;
    }
    case 4: FZ_CALL(rc, vs_coupling_harmonics_error(c, &err)); FZ_FINITE(rc, &err, 1); break;
    case 5:
        fz_doubles(f, k, 3);
        FZ_CALL(rc, vs_coupling_ktilde_mandel(c, k, K));
        FZ_FINITE(rc, K, 36);
        break;
    case 6:
        fz_doubles(f, k, 3);
        FZ_CALL(rc, vs_coupling_ktilde_tensor(c, k, K));
        FZ_FINITE(rc, K, 81);
        break;
    case 7:
        FZ_CALL(rc, vs_coupling_average_quadrature(c, cheap_tol(fz_double(f)), J, &err));
        FZ_FINITE(rc, J, nn);
        FZ_FINITE(rc, &err, 1);
        break;
    default:
        /* Directions of every scale: the shared rule says finite and non-zero is enough. */
        fz_doubles(f, k, 3);
        FZ_CALL(rc, vs_coupling_jtilde(c, k, J));
        FZ_FINITE(rc, J, nn);
        FZ_CALL(rc, vs_coupling_harmonics(c, k, A));
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    int rc;
    uint8_t mode = fz_u8(&f) % 3;
    if (mode == 0) {
        while (!fz_empty(&f))
            free_functions(&f);
        return 0;
    }
    vs_coupling *c = NULL;
    if (mode == 1) {
        FZ_CALL(rc, vs_coupling_create_dipolar(&c));
    } else {
        vs_elastic *el = elastic(&f);
        FZ_CALL(rc, vs_coupling_create(el, cheap_tol(fz_double(&f)), &c));
        vs_elastic_free(el);
    }
    FZ_HANDLE(rc, c);
    for (int op = 0; op < 16 && !fz_empty(&f); op++)
        query(&f, c);
    vs_coupling_free(c);
    return 0;
}
