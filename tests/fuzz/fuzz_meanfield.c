/* libFuzzer harness: mean field, F(g) profiles, the single oscillator and RFOT
 * (include/libvoigtspin/meanfield.h, rfot.h). Each input creates a mean-field handle (explicit
 * couplings, compression/shear pair, or from a coupling handle), then runs a fuzzed sequence of
 * options, solves, landscapes, phase diagrams, oscillator and profile queries (with a fuzzed penalty
 * callback) and RFOT formulas. Traps when a call returns VS_OK with a non-finite output. */
#include "fuzz_common.h"

static vs_coupling *fz_dipolar, *fz_isotropic;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_make_shared_couplings(&fz_dipolar, &fz_isotropic);
    return 0;
}

static vs_meanfield *create(fz *f)
{
    vs_meanfield *mf = NULL;
    int rc;
    switch (fz_u8(f) % 3) {
    case 0: {
        int n = fz_range(f, -1, 8);
        double J[8], V[64];
        fz_doubles(f, J, 8);
        int identity = fz_u8(f) & 1;
        for (int i = 0; i < 64; i++)
            V[i] = identity ? (i / 8 == i % 8) : fz_double(f);
        if (identity && n > 0) /* row-major n×n identity */
            for (int i = 0; i < n * n; i++)
                V[i] = (i / n == i % n);
        FZ_CALL(rc, vs_meanfield_create(n, J, V, &mf));
        break;
    }
    case 1: {
        double a = fz_double(f), b = fz_double(f);
        FZ_CALL(rc, vs_meanfield_create_compr_shear(a, b, &mf));
        break;
    }
    default:
        FZ_CALL(rc, vs_meanfield_create_from_coupling((fz_u8(f) & 1) ? fz_dipolar : fz_isotropic, fz_double(f), &mf));
        break;
    }
    FZ_HANDLE(rc, mf);
    return mf;
}

struct penalty {
    double a, b;
    int fail;
};

static int penalty_fn(double g, double *F, double *dF, double *d2F, void *user)
{
    const struct penalty *p = user;
    *F = p->a + p->b * g * g;
    *dF = 2.0 * p->b * g;
    *d2F = 2.0 * p->b;
    return p->fail;
}

static void profile(fz *f, const vs_meanfield *mf)
{
    vs_gprofile *p = NULL;
    int rc;
    FZ_CALL(rc, vs_gprofile_create(mf, fz_double(f), &p));
    FZ_HANDLE(rc, p);
    struct penalty pen = {fz_double(f), fz_double(f), (fz_u8(f) & 15) == 0};
    if (fz_u8(f) & 1)
        FZ_CALL(rc, vs_gprofile_set_penalty(p, penalty_fn, &pen));
    for (int op = 0; op < 4 && !fz_empty(f); op++) {
        double o[3] = {0, 0, 0};
        int found = 0;
        switch (fz_u8(f) % 6) {
        case 0: FZ_CALL(rc, vs_gprofile_f0(p, fz_double(f), &o[0], &o[1], &o[2])); FZ_FINITE(rc, o, 3); break;
        case 1: FZ_CALL(rc, vs_gprofile_eval(p, fz_double(f), &o[0], &o[1], &o[2])); FZ_FINITE(rc, o, 3); break;
        case 2:
            /* g_hi = +INFINITY is the documented "non-convex to the end of the range". */
            FZ_CALL(rc, vs_gprofile_nonconvex(p, &found, &o[0], &o[1]));
            if (rc == VS_OK && found)
                FZ_FINITE(rc, o, 1);
            break;
        case 3: FZ_CALL(rc, vs_gprofile_tangent(p, &o[0], &o[1], &o[2])); FZ_FINITE(rc, o, 3); break;
        case 4: FZ_CALL(rc, vs_gprofile_barrier(p, &o[0], &o[1])); FZ_FINITE(rc, o, 2); break;
        default: FZ_CALL(rc, vs_gprofile_max_penalty(p, &o[0])); FZ_FINITE(rc, o, 1); break;
        }
    }
    vs_gprofile_free(p);
}

static void oscillator_and_rfot(fz *f)
{
    int rc;
    double o[2] = {0, 0};
    int n = fz_range(f, -1, 70);
    double T = fz_double(f), a3 = fz_double(f), x = fz_double(f), y = fz_double(f);
    switch (fz_u8(f) % 8) {
    case 0: FZ_CALL(rc, vs_oscillator_free_energy(n, T, a3, x, y, o)); FZ_FINITE(rc, o, 1); break;
    case 1: FZ_CALL(rc, vs_oscillator_minimize(n, T, a3, x, &o[0], &o[1])); FZ_FINITE(rc, o, 2); break;
    case 2: FZ_CALL(rc, vs_oscillator_gcr(n, T, a3, o)); FZ_FINITE(rc, o, 1); break;
    case 3: FZ_CALL(rc, vs_rfot_tau(T, a3, o)); FZ_FINITE(rc, o, 1); break;
    case 4: FZ_CALL(rc, vs_rfot_viscosity(T, a3, x, y, o)); FZ_FINITE(rc, o, 1); break;
    case 5: FZ_CALL(rc, vs_rfot_viscosity_lindemann(T, a3, x, o)); FZ_FINITE(rc, o, 1); break;
    case 6: FZ_CALL(rc, vs_rfot_fragility(T, o)); FZ_FINITE(rc, o, 1); break;
    default: FZ_CALL(rc, vs_rfot_fragility_from_entropy(T, a3, o)); FZ_FINITE(rc, o, 1); break;
    }
}

static void phase_diagram(fz *f)
{
    int rc;
    size_t nT = (size_t)fz_range(f, 0, 3), nr = (size_t)fz_range(f, 0, 3);
    double T[3], r[3], mc[9], ms[9];
    int phase[9];
    double Js = fz_double(f);
    fz_doubles(f, T, 3);
    fz_doubles(f, r, 3);
    FZ_CALL(rc, vs_meanfield_phase_diagram(Js, nT, T, nr, r, phase, mc, ms));
    FZ_FINITE(rc, mc, nT * nr);
    FZ_FINITE(rc, ms, nT * nr);
    for (size_t i = 0; rc == VS_OK && i < nT * nr; i++)
        if (phase[i] < VS_MF_PARAMAGNET || phase[i] > VS_MF_BOTH)
            fz_fail("unknown phase code", __LINE__);
}

static void query(fz *f, vs_meanfield *mf)
{
    int rc;
    int n = vs_meanfield_ncomp(mf);
    if (mf != NULL && (n < 1 || n > 64))
        fz_fail("ncomp out of range", __LINE__);
    size_t nn = mf != NULL ? (size_t)n : 0;
    double h[64], m[64], J[64], V[64 * 64], o[4];
    switch (fz_u8(f) % 12) {
    case 0: {
        vs_mf_option key = (vs_mf_option)fz_range(f, -1, 5);
        double v = fz_double(f), lo, hi;
        /* Grid sizes cost linearly in every profile scan: keep them small. */
        if (key == VS_MF_G_GRID && v > 2000)
            v = 2000;
        if (key == VS_MF_MAX_ITER && v > 5000)
            v = 5000;
        FZ_CALL(rc, vs_meanfield_set_option(mf, key, v));
        FZ_CALL(rc, vs_meanfield_get_option(mf, key, &v));
        FZ_FINITE(rc, &v, 1);
        FZ_CALL(rc, vs_meanfield_option_bounds(key, &lo, &hi));
        break;
    }
    case 1: {
        int ic = -2;
        FZ_CALL(rc, vs_meanfield_couplings(mf, J, V, &ic));
        FZ_FINITE(rc, J, nn);
        FZ_FINITE(rc, V, nn * nn);
        break;
    }
    case 2: FZ_CALL(rc, vs_meanfield_curie_temperature(mf, o)); FZ_FINITE(rc, o, 1); break;
    case 3:
        FZ_CALL(rc, vs_meanfield_solve(mf, fz_double(f), h, m, o));
        FZ_FINITE(rc, h, nn);
        FZ_FINITE(rc, m, nn);
        FZ_FINITE(rc, o, 1);
        break;
    case 4:
        FZ_CALL(rc, vs_meanfield_sector_fields(mf, fz_double(f), &o[0], &o[1], &o[2], &o[3]));
        FZ_FINITE(rc, o, 4);
        break;
    case 5: {
        vs_mf_phase ph;
        FZ_CALL(rc, vs_meanfield_phase(mf, fz_double(f), &ph));
        if (rc == VS_OK && (ph < VS_MF_PARAMAGNET || ph > VS_MF_BOTH))
            fz_fail("unknown phase", __LINE__);
        break;
    }
    case 6:
        FZ_CALL(rc, vs_meanfield_thermo(mf, fz_double(f), &o[0], &o[1], &o[2], &o[3]));
        FZ_FINITE(rc, o, 4);
        break;
    case 7: {
        size_t nc = (size_t)fz_range(f, 0, 4), ns = (size_t)fz_range(f, 0, 4);
        double hc[4], hs[4], G[16];
        double T = fz_double(f);
        fz_doubles(f, hc, 4);
        fz_doubles(f, hs, 4);
        FZ_CALL(rc, vs_meanfield_landscape(mf, T, nc, hc, ns, hs, G));
        FZ_FINITE(rc, G, nc * ns);
        break;
    }
    case 8: profile(f, mf); break;
    case 9: phase_diagram(f); break;
    default: oscillator_and_rfot(f); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    vs_meanfield *mf = create(&f);
    for (int op = 0; op < 16 && !fz_empty(&f); op++)
        query(&f, mf);
    vs_meanfield_free(mf);
    return 0;
}
