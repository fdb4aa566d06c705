/* libFuzzer harness: the elastic handle (include/libvoigtspin/elastic.h). Each input creates one
 * handle with a fuzzed constructor and fuzzed constants, then runs a fuzzed sequence of queries and
 * strain/spin conversions on it. Traps when a call returns VS_OK with a non-finite output. */
#include "fuzz_common.h"

static vs_elastic *create(fz *f)
{
    vs_elastic *el = NULL;
    int rc;
    double a = fz_double(f), b = fz_double(f);
    switch (fz_u8(f) % 8) {
    case 0: FZ_CALL(rc, vs_elastic_create_lame(a, b, &el)); break;
    case 1: FZ_CALL(rc, vs_elastic_create_bulk_shear(a, b, &el)); break;
    case 2: FZ_CALL(rc, vs_elastic_create_young_poisson(a, b, &el)); break;
    case 3: FZ_CALL(rc, vs_elastic_create_poisson_shear(a, b, &el)); break;
    case 4: FZ_CALL(rc, vs_elastic_create_sound_ratio(a, b, &el)); break;
    case 5: FZ_CALL(rc, vs_elastic_create_cubic(a, b, fz_double(f), &el)); break;
    case 6: {
        double c13 = fz_double(f), c33 = fz_double(f), c44 = fz_double(f);
        FZ_CALL(rc, vs_elastic_create_hexagonal(a, b, c13, c33, c44, &el));
        break;
    }
    default: {
        /* A general 6×6 matrix: a fuzzed symmetric perturbation of a fuzzed diagonal, or raw. */
        double C[36];
        int sym = fz_u8(f) & 1;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                C[i * 6 + j] = (sym && j < i) ? C[j * 6 + i] : (i == j ? a : b * fz_double(f));
        FZ_CALL(rc, vs_elastic_create_voigt(C, &el));
        break;
    }
    }
    FZ_HANDLE(rc, el);
    return el;
}

static void query(fz *f, const vs_elastic *el)
{
    int rc;
    double out[81], out2[36], in[9];
    switch (fz_u8(f) % 14) {
    case 0: {
        vs_symmetry sym;
        FZ_CALL(rc, vs_elastic_symmetry(el, &sym));
        if (rc == VS_OK && ((int)sym < 0 || (int)sym > 3))
            fz_fail("unknown symmetry class", __LINE__);
        break;
    }
    case 1: FZ_CALL(rc, vs_elastic_tensor(el, out)); FZ_FINITE(rc, out, 81); break;
    case 2: FZ_CALL(rc, vs_elastic_voigt(el, out)); FZ_FINITE(rc, out, 36); break;
    case 3: FZ_CALL(rc, vs_elastic_mandel(el, out)); FZ_FINITE(rc, out, 36); break;
    case 4:
        FZ_CALL(rc, vs_elastic_mandel_eigen(el, out, out2));
        FZ_FINITE(rc, out, 6);
        FZ_FINITE(rc, out2, 36);
        break;
    case 5: FZ_CALL(rc, vs_elastic_mandel_sqrt(el, out)); FZ_FINITE(rc, out, 36); break;
    case 6: FZ_CALL(rc, vs_elastic_mandel_invsqrt(el, out)); FZ_FINITE(rc, out, 36); break;
    case 7: FZ_CALL(rc, vs_elastic_moduli(el, (vs_average)fz_range(f, -1, 4), out)); FZ_FINITE(rc, out, 6); break;
    case 8: FZ_CALL(rc, vs_elastic_sound_speeds(el, fz_double(f), out)); FZ_FINITE(rc, out, 2); break;
    case 9:
        fz_doubles(f, in, 3);
        FZ_CALL(rc, vs_elastic_christoffel(el, in, out));
        FZ_FINITE(rc, out, 9);
        break;
    case 10:
        fz_doubles(f, in, 9);
        FZ_CALL(rc, vs_elastic_strain_to_spin(el, in, out));
        FZ_FINITE(rc, out, 6);
        break;
    case 11:
        fz_doubles(f, in, 6);
        FZ_CALL(rc, vs_elastic_spin_to_strain(el, in, out));
        FZ_FINITE(rc, out, 9);
        break;
    case 12: {
        vs_elastic *copy = NULL;
        FZ_CALL(rc, vs_elastic_clone(el, &copy));
        FZ_HANDLE(rc, copy);
        vs_elastic_free(copy);
        break;
    }
    default:
        fz_doubles(f, in, 9);
        FZ_CALL(rc, vs_strain_to_mandel(in, out));
        FZ_FINITE(rc, out, 6);
        FZ_CALL(rc, vs_mandel_to_strain(in, out));
        FZ_FINITE(rc, out, 9);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    vs_elastic *el = create(&f);
    for (int op = 0; op < 32 && !fz_empty(&f); op++)
        query(&f, el); /* a NULL handle too: every query must refuse it cleanly */
    vs_elastic_free(el);
    return 0;
}
