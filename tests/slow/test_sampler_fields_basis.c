/*
 * Slow test (suite "slow", meson option slow_tests): the exact-field bookkeeping of the sampler on a
 * lattice with a BASIS and the 6-component ELASTIC kernel — the cases tests/sampler/test_sampler_core.c
 * (sc dipolar, nbasis = 1, ncomp = 3) does not reach: the per-basis self-image blocks T(0)_b and
 * A_b = T(0)_b + D + U/N (sampler.c site_blocks, indexed by m mod nbasis) and 6×6 blocks.
 *
 * Lattice: fcc 2×2×2 conventional cubes (N = 32, nbasis = 4), isotropic elastic kernel (bulk 1,
 * shear 0.6), on-site D and uniform U both non-zero and anisotropic.
 *
 * 1. Delayed fields equal fresh FFT fields after 10⁶ moves: 3 replicas (parallel tempering on),
 *    2 threads, automatic refresh period, Metropolis (31250 sweeps × 32 sites = 10⁶ proposals per
 *    replica, plus as many over-relaxation moves); then again with the heat bath. For every slot the
 *    maintained fields (vs__sampler_fields) must equal vs_lattice_fields (FFT, fresh) to 1e-10, the
 *    tracked energy vs_lattice_energy to 1e-10 (|E| ~ 10).
 * 2. Delayed and plain paths give the same chain for one seed over 5 sweeps (1e-9; the chains
 *    diverge later by chaos, see test_sampler_core.c).
 * 3. Thread counts 1 and 2 give the same chain bit for bit (200 sweeps).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"
#include "sampler/sampler_internal.h"

enum { NC = 6, NREP = 3 };

static vs_lattice *fcc_elastic(void)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    const int L[3] = {2, 2, 2};
    assert_int_equal(vs_elastic_create_bulk_shear(1.0, 0.6, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-10, &c), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_FCC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    double D[NC * NC] = {0}, U[NC * NC] = {0};
    for (int a = 0; a < NC; a++) {
        D[a * NC + a] = 0.1 * (a - 2);
        U[a * NC + a] = a == 0 ? 1.2 : 0.4;
    }
    D[1] = D[NC] = 0.05;  /* off-diagonal, symmetric */
    U[2 * NC + 3] = U[3 * NC + 2] = -0.1;
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return lat;
}

static vs_sampler_options *options(int move, int fields, int threads)
{
    vs_sampler_options *o = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_MOVE, move), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_THREADS, threads), VS_OK);
    return o;
}

static const double T[NREP] = {0.3, 0.6, 1.2};

static void test_delayed_fields_equal_fft_fields_basis_elastic(void **state)
{
    (void)state;
    vs_lattice *lat = fcc_elastic();
    size_t N = vs_lattice_nsites(lat), nv = N * NC;
    assert_int_equal((int)N, 32);
    double *sp = malloc(nv * sizeof *sp), *h = malloc(nv * sizeof *h), *hf = malloc(nv * sizeof *hf);
    assert_non_null(sp);
    assert_non_null(h);
    assert_non_null(hf);
    for (int move = VS_SAMPLER_METROPOLIS; move >= VS_SAMPLER_HEATBATH; move--) {
        vs_sampler_options *o = options(move, VS_SAMPLER_DELAYED, 2);
        vs_sampler *s = NULL;
        assert_int_equal(vs_sampler_create(lat, NREP, T, 31, o, &s), VS_OK);
        clock_t c0 = clock();
        assert_int_equal(vs_sampler_sweep(s, 31250), VS_OK);
        double wh = 0.0, we = 0.0;
        for (int r = 0; r < NREP; r++) {
            double E, Ef;
            assert_int_equal(vs_sampler_spins(s, r, sp), VS_OK);
            assert_int_equal(vs__sampler_fields(s, r, h), VS_OK);
            assert_int_equal(vs_lattice_fields(lat, sp, hf), VS_OK);
            assert_int_equal(vs_sampler_energy(s, r, &E), VS_OK);
            assert_int_equal(vs_lattice_energy(lat, sp, &Ef), VS_OK);
            for (size_t i = 0; i < nv; i++)
                wh = fmax(wh, fabs(h[i] - hf[i]));
            we = fmax(we, fabs(E - Ef));
        }
        double x;
        assert_int_equal(vs_sampler_exchange_rate(s, 0, &x), VS_OK);
        print_message("# fcc 2³ elastic, %s: 10⁶ proposals/replica (%.1f s CPU): max|h − h_FFT| = %.3g, "
                      "max|E − E_FFT| = %.3g, exchange rate(0,1) = %.3f\n",
                      move ? "Metropolis" : "heat bath", (double)(clock() - c0) / CLOCKS_PER_SEC, wh, we, x);
        assert_true(wh <= 1e-10);
        assert_true(we <= 1e-10);
        assert_true(x > 0.0);
        vs_sampler_free(s);
        vs_sampler_options_free(o);
    }
    free(sp);
    free(h);
    free(hf);
    vs_lattice_free(lat);
}

static void test_delayed_plain_and_threads_basis_elastic(void **state)
{
    (void)state;
    vs_lattice *lat = fcc_elastic();
    size_t nv = vs_lattice_nsites(lat) * NC;
    double *a = malloc(nv * sizeof *a), *b = malloc(nv * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    for (int move = VS_SAMPLER_HEATBATH; move <= VS_SAMPLER_METROPOLIS; move++) {
        /* delayed vs plain, 5 sweeps */
        vs_sampler_options *od = options(move, VS_SAMPLER_DELAYED, 1), *op = options(move, VS_SAMPLER_PLAIN, 1);
        vs_sampler *sd = NULL, *sq = NULL;
        assert_int_equal(vs_sampler_create(lat, NREP, T, 8, od, &sd), VS_OK);
        assert_int_equal(vs_sampler_create(lat, NREP, T, 8, op, &sq), VS_OK);
        assert_int_equal(vs_sampler_sweep(sd, 5), VS_OK);
        assert_int_equal(vs_sampler_sweep(sq, 5), VS_OK);
        double ws = 0.0, we = 0.0;
        for (int r = 0; r < NREP; r++) {
            double Ed, Ep;
            assert_int_equal(vs_sampler_spins(sd, r, a), VS_OK);
            assert_int_equal(vs_sampler_spins(sq, r, b), VS_OK);
            for (size_t i = 0; i < nv; i++)
                ws = fmax(ws, fabs(a[i] - b[i]));
            assert_int_equal(vs_sampler_energy(sd, r, &Ed), VS_OK);
            assert_int_equal(vs_sampler_energy(sq, r, &Ep), VS_OK);
            we = fmax(we, fabs(Ed - Ep));
        }
        print_message("# fcc elastic move %d: delayed vs plain after 5 sweeps: max|Δs| = %.3g, max|ΔE| = %.3g\n",
                      move, ws, we);
        assert_true(ws <= 1e-9);
        assert_true(we <= 1e-9);
        vs_sampler_free(sd);
        vs_sampler_free(sq);
        vs_sampler_options_free(od);
        vs_sampler_options_free(op);
        /* threads 1 vs 2, 200 sweeps, bit for bit */
        vs_sampler *st[2] = {NULL, NULL};
        for (int k = 0; k < 2; k++) {
            vs_sampler_options *o = options(move, VS_SAMPLER_DELAYED, k + 1);
            assert_int_equal(vs_sampler_create(lat, NREP, T, 21, o, &st[k]), VS_OK);
            assert_int_equal(vs_sampler_sweep(st[k], 200), VS_OK);
            vs_sampler_options_free(o);
        }
        for (int r = 0; r < NREP; r++) {
            double e[2];
            assert_int_equal(vs_sampler_spins(st[0], r, a), VS_OK);
            assert_int_equal(vs_sampler_spins(st[1], r, b), VS_OK);
            assert_memory_equal(a, b, nv * sizeof *a);
            assert_int_equal(vs_sampler_energy(st[0], r, &e[0]), VS_OK);
            assert_int_equal(vs_sampler_energy(st[1], r, &e[1]), VS_OK);
            assert_memory_equal(&e[0], &e[1], sizeof e[0]);
        }
        vs_sampler_free(st[0]);
        vs_sampler_free(st[1]);
    }
    free(a);
    free(b);
    vs_lattice_free(lat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delayed_fields_equal_fft_fields_basis_elastic),
        cmocka_unit_test(test_delayed_plain_and_threads_basis_elastic),
    };
    return cmocka_run_group_tests_name("sampler_fields_basis", tests, NULL, NULL);
}
