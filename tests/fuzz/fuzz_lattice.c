/* libFuzzer harness: the lattice handle (include/libvoigtspin/lattice.h). Each input builds a small
 * lattice (cubic preset or a fuzzed cell, basis and options; supercells L ≤ 4 so one input stays
 * cheap, plus an occasional fuzzed huge size that must be refused, not allocated), then runs a fuzzed
 * sequence of energies, fields, Monte Carlo updates, Fourier and Luttinger–Tisza queries on fuzzed
 * spin configurations. Traps when a call returns VS_OK with a non-finite output. */
#include <stdlib.h>

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

static vs_lattice_options *options(fz *f)
{
    vs_lattice_options *opt = NULL;
    int rc;
    FZ_CALL(rc, vs_lattice_options_create(&opt));
    FZ_HANDLE(rc, opt);
    int nset = fz_u8(f) % 4;
    for (int i = 0; i < nset; i++) {
        int key = fz_range(f, 0, 8);
        double v = fz_double(f), lo, hi;
        /* FFTW_MEASURE plans for seconds: stay with ESTIMATE. */
        if (key == VS_LATTICE_OPT_FFTW_PLANNER)
            v = 0.0;
        FZ_CALL(rc, vs_lattice_options_set(opt, key, v));
        FZ_CALL(rc, vs_lattice_options_get(opt, key, &v));
        FZ_FINITE(rc, &v, 1);
        FZ_CALL(rc, vs_lattice_option_bounds(key, &lo, &hi));
        FZ_FINITE(rc, &lo, 1);
        FZ_FINITE(rc, &hi, 1);
    }
    return opt;
}

static vs_lattice *create(fz *f)
{
    int rc;
    int L[3];
    uint8_t flags = fz_u8(f);
    for (int i = 0; i < 3; i++)
        L[i] = (flags & 0x80) ? fz_int(f) : fz_range(f, -1, 4); /* rarely: any size, must be refused or cheap */
    if (flags & 0x80) {
        /* Only sizes that are cheap or must be refused (≥ 2^36 sites: terabytes), never a valid but
         * slow 10⁴…10⁶-site lattice. */
        double prod = 1.0;
        for (int i = 0; i < 3; i++) {
            if (L[i] > 4 && L[i] < (1 << 20))
                L[i] = 4;
            prod *= L[i] > 0 ? (double)L[i] : 1.0;
        }
        if (prod < 68719476736.0)
            for (int i = 0; i < 3; i++)
                L[i] = L[i] > 4 ? 4 : L[i];
    }
    const vs_coupling *c = (flags & 1) ? fz_isotropic : fz_dipolar;
    int ncomp = (flags & 2) ? fz_range(f, -1, 7) : vs_coupling_ncomp(c);
    vs_lattice_options *opt = (flags & 4) ? options(f) : NULL;
    vs_lattice *lat = NULL;
    if (flags & 8) {
        int kind = fz_range(f, 0, 4);
        FZ_CALL(rc, vs_lattice_create_cubic(kind, fz_double(f), L, c, ncomp, opt, &lat));
    } else {
        double cell[9], frac[12];
        int nbasis = fz_range(f, -1, 4);
        if (flags & 16) {
            fz_doubles(f, cell, 9);
        } else { /* a diagonal cell with fuzzed off-diagonal shears */
            double a = fz_double(f);
            for (int i = 0; i < 9; i++)
                cell[i] = (i % 4 == 0) ? a : ((flags & 32) ? fz_double(f) : 0.0);
        }
        for (int i = 0; i < 12; i++)
            frac[i] = (flags & 64) ? fz_double(f) : (double)fz_range(f, 0, 7) / 8.0;
        FZ_CALL(rc, vs_lattice_create(cell, nbasis, frac, L, c, ncomp, opt, &lat));
    }
    FZ_HANDLE(rc, lat);
    vs_lattice_options_free(opt);
    return lat;
}

/* A configuration: fuzzed values on a few fuzzed sites, a fuzzed repeating pattern elsewhere. */
static void spins(fz *f, double *s, size_t len)
{
    double pat[6];
    fz_doubles(f, pat, 6);
    for (size_t i = 0; i < len; i++)
        s[i] = pat[i % 6];
    int nspecial = fz_u8(f) % 4;
    for (int i = 0; i < nspecial && len > 0; i++)
        s[fz_u32(f) % len] = fz_double(f);
}

static void query(fz *f, vs_lattice *lat, size_t N, int nc, double *s, double *h, double *h2, double *r)
{
    int rc;
    size_t len = N * (size_t)nc, nb = (size_t)vs_lattice_nbasis(lat);
    double M[6], o[3], U[36], snew[6], T[36];
    switch (fz_u8(f) % 17) {
    case 0: FZ_CALL(rc, vs_lattice_site_volume(lat, o)); FZ_FINITE(rc, o, 1); break;
    case 1: FZ_CALL(rc, vs_lattice_energy_scale(lat, o)); FZ_FINITE(rc, o, 1); break;
    case 2: FZ_CALL(rc, vs_lattice_positions(lat, r)); FZ_FINITE(rc, r, N * 3); break;
    case 3: FZ_CALL(rc, vs_lattice_ewald_parameters(lat, &o[0], &o[1], &o[2])); FZ_FINITE(rc, o, 3); break;
    case 4:
        fz_doubles(f, U, 36);
        FZ_CALL(rc, vs_lattice_set_uniform(lat, (fz_u8(f) & 3) ? U : NULL));
        break;
    case 5:
        fz_doubles(f, U, 36);
        FZ_CALL(rc, vs_lattice_set_onsite(lat, (fz_u8(f) & 3) ? U : NULL));
        break;
    case 6: {
        size_t m = fz_u32(f) % (N + 1), n = fz_u32(f) % (N + 1); /* N itself is out of range */
        FZ_CALL(rc, vs_lattice_coupling(lat, m, n, T));
        FZ_FINITE(rc, T, (size_t)nc * (size_t)nc);
        break;
    }
    case 7: spins(f, s, len); break;
    case 8: FZ_CALL(rc, vs_lattice_fields(lat, s, h)); FZ_FINITE(rc, h, len); break;
    case 9: FZ_CALL(rc, vs_lattice_energy(lat, s, o)); FZ_FINITE(rc, o, 1); break;
    case 10: FZ_CALL(rc, vs_lattice_energy_from_fields(lat, s, h, o)); FZ_FINITE(rc, o, 1); break;
    case 11: FZ_CALL(rc, vs_lattice_fields_direct(lat, s, h2)); FZ_FINITE(rc, h2, len); break;
    case 12: FZ_CALL(rc, vs_lattice_energy_direct(lat, s, o)); FZ_FINITE(rc, o, 1); break;
    case 13: {
        size_t m = N > 0 ? fz_u32(f) % (N + 1) : 0;
        fz_doubles(f, snew, 6);
        int withM = fz_u8(f) & 1;
        FZ_CALL(rc, vs_lattice_total(lat, s, M));
        FZ_FINITE(rc, M, (size_t)nc);
        FZ_CALL(rc, vs_lattice_delta_energy(lat, s, h, withM ? M : NULL, m, snew, o));
        FZ_FINITE(rc, o, 1);
        FZ_CALL(rc, vs_lattice_update(lat, s, h, withM ? M : NULL, m, snew));
        if (m < N) /* the spin it writes (the others are the caller's, neither read nor checked) */
            FZ_FINITE(rc, s + m * (size_t)nc, (size_t)nc);
        FZ_FINITE(rc, h, len);
        if (withM)
            FZ_FINITE(rc, M, (size_t)nc);
        break;
    }
    case 14: {
        int q[3] = {fz_range(f, -1, 4), fz_range(f, -1, 4), fz_range(f, -1, 4)};
        size_t dim = nb * (size_t)nc;
        double *Hre = malloc((dim * dim + 1) * sizeof *Hre), *Him = malloc((dim * dim + 1) * sizeof *Him);
        if (Hre != NULL && Him != NULL) {
            FZ_CALL(rc, vs_lattice_fourier(lat, q, Hre, (fz_u8(f) & 1) ? Him : NULL));
            FZ_FINITE(rc, Hre, dim * dim);
        }
        free(Hre);
        free(Him);
        break;
    }
    case 15:
        FZ_CALL(rc, vs_lattice_luttinger_tisza(lat, &o[0], U, &o[1]));
        FZ_FINITE(rc, o, 2);
        FZ_FINITE(rc, U, 3);
        break;
    default:
        FZ_CALL(rc, vs_lattice_luttinger_tisza_min(lat, &o[0], U));
        FZ_FINITE(rc, o, 1);
        FZ_FINITE(rc, U, 3);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz f = {data, size};
    vs_lattice *lat = create(&f);
    if (lat == NULL)
        return 0;
    size_t N = vs_lattice_nsites(lat);
    int nc = vs_lattice_ncomp(lat);
    if (N == 0 || N > 4 * 4 * 4 * 4 || nc < 1 || nc > 64)
        fz_fail("nsites/ncomp of a created lattice out of range (a huge supercell was accepted)", __LINE__);
    size_t len = N * (size_t)nc;
    double *s = calloc(len, sizeof *s), *h = calloc(len, sizeof *h), *h2 = calloc(len, sizeof *h2),
           *r = calloc(N * 3, sizeof *r);
    if (s != NULL && h != NULL && h2 != NULL && r != NULL) {
        spins(&f, s, len);
        for (int op = 0; op < 16 && !fz_empty(&f); op++)
            query(&f, lat, N, nc, s, h, h2, r);
    }
    free(s);
    free(h);
    free(h2);
    free(r);
    vs_lattice_free(lat);
    return 0;
}
