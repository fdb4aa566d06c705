/*
 * vs_sampler_config_size/export/import (issue 15; MPI-free, suite unit). Public API only.
 *
 * The property the MPI add-on rests on: a ladder of one-replica samplers — replica r created with
 * seed + r·0x9E3779B97F4A7C15, so that its generator is stream r of the serial sampler (sampler.h,
 * vs_sampler_create) — whose configurations are exchanged by export/import with the serial rule
 * (pairs of the sweep's parity, mt19937 seeded with stream nrep, min(1, exp(Δβ ΔE))) reproduces the
 * serial multi-replica sampler bit for bit: energies, spins and exchange acceptance counts. The
 * reference here is written from the documentation (sampler.h), not from lib/mpi.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <libvoigtspin/voigtspin.h>

#include "testutil.h"

#define PHI 0x9E3779B97F4A7C15ULL

/* sc L³ dipolar lattice (ncomp 3) with non-zero D and U. */
static vs_lattice *dipolar_lattice(int L)
{
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    int Ls[3] = {L, L, L};
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, NULL, &lat), VS_OK);
    const double D[9] = {0.3, 0.1, 0.0, 0.1, -0.2, 0.05, 0.0, 0.05, 0.1};
    const double U[9] = {-1.0 / 3, 0, 0, 0, -1.0 / 3, 0, 0, 0, 0.5};
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    vs_coupling_free(c);
    return lat;
}

static vs_sampler_options *options(int move, int fields, int refresh)
{
    vs_sampler_options *o = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_MOVE, move), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields), VS_OK);
    if (fields == VS_SAMPLER_CLOCK) /* refresh < 0: the clock kind's near count −refresh */
        assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, -refresh), VS_OK);
    else
        assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_REFRESH, refresh), VS_OK);
    return o;
}

/* splitmix64(seed + (i + 1) φ), low 32 bits: the stream seed of index i (sampler.h). */
static unsigned long stream_seed(unsigned long seed, int i)
{
    uint64_t z = (uint64_t)seed + (uint64_t)(i + 1) * PHI;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (unsigned long)(z & 0xFFFFFFFFULL);
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The serial sampler against the ladder of one-replica samplers exchanged through export/import. */
static void check_ladder_equals_serial(int move, int fields, int refresh)
{
    enum { R = 4, SWEEPS = 12 };
    const double T[R] = {0.4, 0.7, 1.2, 2.0};
    const unsigned long seed = 0xFEEDFACECAFEBEEFUL;
    vs_lattice *lat = dipolar_lattice(3);
    vs_sampler_options *o = options(move, fields, refresh);
    vs_sampler *serial = NULL, *rep[R] = {NULL};
    assert_int_equal(vs_sampler_create(lat, R, T, seed, o, &serial), VS_OK);
    for (int r = 0; r < R; r++)
        assert_int_equal(vs_sampler_create(lat, 1, &T[r], seed + (unsigned long)r * PHI, o, &rep[r]), VS_OK);
    size_t len;
    assert_int_equal(vs_sampler_config_size(rep[0], &len), VS_OK);
    unsigned char *a = malloc(len), *b = malloc(len);
    gsl_rng *x = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(x, stream_seed(seed, R));
    unsigned long long acc[R] = {0};
    for (long k = 0; k < SWEEPS; k++) {
        assert_int_equal(vs_sampler_sweep(serial, 1), VS_OK);
        double E[R];
        for (int r = 0; r < R; r++) {
            assert_int_equal(vs_sampler_sweep(rep[r], 1), VS_OK);
            assert_int_equal(vs_sampler_energy(rep[r], 0, &E[r]), VS_OK);
        }
        for (int r = (int)(k % 2); r + 1 < R; r += 2) {
            double dl = (1.0 / T[r] - 1.0 / T[r + 1]) * (E[r] - E[r + 1]);
            if (dl >= 0.0 || log(gsl_rng_uniform_pos(x)) < dl) {
                acc[r]++;
                assert_int_equal(vs_sampler_config_export(rep[r], 0, a, len), VS_OK);
                assert_int_equal(vs_sampler_config_export(rep[r + 1], 0, b, len), VS_OK);
                assert_int_equal(vs_sampler_config_import(rep[r], 0, b, len), VS_OK);
                assert_int_equal(vs_sampler_config_import(rep[r + 1], 0, a, len), VS_OK);
            }
        }
        for (int r = 0; r < R; r++) {
            double Es, El;
            assert_int_equal(vs_sampler_energy(serial, r, &Es), VS_OK);
            assert_int_equal(vs_sampler_energy(rep[r], 0, &El), VS_OK);
            if (!same_bits(Es, El))
                fail_msg("sweep %ld slot %d: serial E = %.17g, ladder E = %.17g", k, r, Es, El);
        }
    }
    size_t nv = vs_lattice_nsites(lat) * (size_t)vs_lattice_ncomp(lat);
    double *ss = malloc(nv * sizeof *ss), *sl = malloc(nv * sizeof *sl);
    unsigned long long total = 0;
    for (int r = 0; r < R; r++) {
        assert_int_equal(vs_sampler_spins(serial, r, ss), VS_OK);
        assert_int_equal(vs_sampler_spins(rep[r], 0, sl), VS_OK);
        assert_memory_equal(ss, sl, nv * sizeof *ss);
        if (r + 1 < R) {
            double rate;
            assert_int_equal(vs_sampler_exchange_rate(serial, r, &rate), VS_OK);
            double att = (double)(r % 2 == 0 ? (SWEEPS + 1) / 2 : SWEEPS / 2);
            assert_true(same_bits(rate, (double)acc[r] / att));
            total += acc[r];
        }
    }
    assert_true(total > 0); /* the ladder exchanged: the import path was exercised */
    free(ss);
    free(sl);
    free(a);
    free(b);
    gsl_rng_free(x);
    for (int r = 0; r < R; r++)
        vs_sampler_free(rep[r]);
    vs_sampler_free(serial);
    vs_sampler_options_free(o);
    vs_lattice_free(lat);
}

static void test_exchanged_one_replica_ladder_equals_serial_sampler_delayed(void **state)
{
    (void)state;
    check_ladder_equals_serial(VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 5); /* B = 5: mid-refresh states */
}

static void test_exchanged_one_replica_ladder_equals_serial_sampler_plain(void **state)
{
    (void)state;
    check_ladder_equals_serial(VS_SAMPLER_HEATBATH, VS_SAMPLER_PLAIN, 0);
}

static void test_exchanged_one_replica_ladder_equals_serial_sampler_metropolis(void **state)
{
    (void)state;
    check_ladder_equals_serial(VS_SAMPLER_METROPOLIS, VS_SAMPLER_DELAYED, 0);
}

static void test_exchanged_one_replica_ladder_equals_serial_sampler_clock(void **state)
{
    (void)state;
    /* an explicit near set: the automatic one depends on the coldest temperature of each sampler's
     * ladder, which differs between the serial sampler and the one-replica samplers */
    check_ladder_equals_serial(VS_SAMPLER_HEATBATH, VS_SAMPLER_CLOCK, -6);
}

/* --------------------------------------------------------------- bad input */

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void putf(unsigned char *p, double x)
{
    uint64_t u;
    memcpy(&u, &x, 8);
    put64(p, u);
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Import of a damaged copy fails with VS_EINVAL and leaves the sampler unchanged (bytes of its own
 * export before and after). */
static void expect_refused(vs_sampler *s, const unsigned char *good, unsigned char *bad, size_t len,
                           unsigned char *before, unsigned char *after, const char *what)
{
    assert_int_equal(vs_sampler_config_export(s, 0, before, len), VS_OK);
    int st = vs_sampler_config_import(s, 0, bad, len);
    if (st != VS_EINVAL)
        fail_msg("%s: import gave %d, not VS_EINVAL", what, st);
    assert_true(strstr(vs_last_error(), "vs_sampler_config_import") != NULL);
    assert_int_equal(vs_sampler_config_export(s, 0, after, len), VS_OK);
    assert_memory_equal(before, after, len);
    memcpy(bad, good, len);
}

static void test_bad_input_is_refused(void **state)
{
    (void)state;
    const double T[2] = {0.5, 1.0};
    vs_lattice *lat = dipolar_lattice(3), *lat2 = dipolar_lattice(2);
    vs_sampler_options *o = options(VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 7);
    vs_sampler_options *op = options(VS_SAMPLER_HEATBATH, VS_SAMPLER_PLAIN, 0);
    vs_sampler *s = NULL, *t = NULL, *small = NULL, *plain = NULL;
    assert_int_equal(vs_sampler_create(lat, 2, T, 1, o, &s), VS_OK);
    assert_int_equal(vs_sampler_create(lat, 1, T, 2, o, &t), VS_OK);
    assert_int_equal(vs_sampler_create(lat2, 1, T, 3, o, &small), VS_OK);
    assert_int_equal(vs_sampler_create(lat, 1, T, 4, op, &plain), VS_OK);
    assert_int_equal(vs_sampler_sweep(s, 3), VS_OK);
    assert_int_equal(vs_sampler_sweep(t, 2), VS_OK);
    size_t len, len2, N = 27, nc = 3;
    assert_int_equal(vs_sampler_config_size(s, &len), VS_OK);
    assert_int_equal(len, 8 * (8 + nc + 3 * N * nc + N)); /* the documented size */
    assert_int_equal(vs_sampler_config_size(small, &len2), VS_OK);
    unsigned char *good = calloc(len, 1), *bad = calloc(len, 1), *b1 = calloc(len, 1), *b2 = calloc(len, 1);
    /* NULL, slot and length */
    assert_int_equal(vs_sampler_config_size(NULL, &len2), VS_EINVAL);
    assert_int_equal(vs_sampler_config_size(s, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_config_export(NULL, 0, good, len), VS_EINVAL);
    assert_int_equal(vs_sampler_config_export(s, 0, NULL, len), VS_EINVAL);
    assert_int_equal(vs_sampler_config_export(s, -1, good, len), VS_EINVAL);
    assert_int_equal(vs_sampler_config_export(s, 2, good, len), VS_EINVAL);
    assert_int_equal(vs_sampler_config_export(s, 0, good, len - 1), VS_EINVAL);
    assert_int_equal(vs_sampler_config_import(NULL, 0, good, len), VS_EINVAL);
    assert_int_equal(vs_sampler_config_import(t, 0, NULL, len), VS_EINVAL);
    assert_int_equal(vs_sampler_config_import(t, 1, good, len), VS_EINVAL);
    assert_int_equal(vs_sampler_config_export(s, 1, good, len), VS_OK);
    memcpy(bad, good, len);
    assert_int_equal(vs_sampler_config_import(t, 0, good, len - 1), VS_EINVAL);
    /* header words: tag, ncomp, N, path, nchanged, nacc, label; then E, M[3], s, s0, h0, changed */
    size_t wE = 7, wM = 8, ws = 11, ws0 = ws + N * nc, wh = ws0 + N * nc, wl = wh + N * nc;
    uint64_t nch = get64(good + 8 * 4);
    assert_true(nch >= 2); /* B = 7, 3 sweeps: a mid-refresh state with a changed list */
    bad[0] ^= 1;
    expect_refused(t, good, bad, len, b1, b2, "tag");
    put64(bad + 8 * 1, 6);
    expect_refused(t, good, bad, len, b1, b2, "ncomp");
    put64(bad + 8 * 2, 8);
    expect_refused(t, good, bad, len, b1, b2, "N");
    put64(bad + 8 * 3, 1);
    expect_refused(t, good, bad, len, b1, b2, "field path");
    put64(bad + 8 * 3, 2);
    expect_refused(t, good, bad, len, b1, b2, "field path of the clock kind");
    put64(bad + 8 * 6, 3);
    expect_refused(t, good, bad, len, b1, b2, "label");
    putf(bad + 8 * wE, NAN);
    expect_refused(t, good, bad, len, b1, b2, "E NaN");
    putf(bad + 8 * wM, 1e300);
    expect_refused(t, good, bad, len, b1, b2, "|M| > N");
    putf(bad + 8 * (ws + 4), 1.5);
    expect_refused(t, good, bad, len, b1, b2, "non-unit spin");
    putf(bad + 8 * (ws + 4), NAN);
    expect_refused(t, good, bad, len, b1, b2, "NaN spin");
    putf(bad + 8 * (ws0 + 7), 2.0);
    expect_refused(t, good, bad, len, b1, b2, "non-unit refresh spin");
    putf(bad + 8 * (wh + 10), INFINITY);
    expect_refused(t, good, bad, len, b1, b2, "infinite field");
    put64(bad + 8 * wl, N);
    expect_refused(t, good, bad, len, b1, b2, "changed index out of range");
    put64(bad + 8 * (wl + 1), get64(good + 8 * wl));
    expect_refused(t, good, bad, len, b1, b2, "repeated changed index");
    put64(bad + 8 * 4, 0);
    expect_refused(t, good, bad, len, b1, b2, "a moved site missing from the changed list");
    put64(bad + 8 * 5, 7);
    expect_refused(t, good, bad, len, b1, b2, "nacc >= B");
    put64(bad + 8 * 5, nch - 1);
    expect_refused(t, good, bad, len, b1, b2, "nchanged > nacc");
    /* a configuration of another lattice size, and of the other field path */
    unsigned char *sm = calloc(len2 > len ? len2 : len, 1);
    assert_int_equal(vs_sampler_config_export(small, 0, sm, len2), VS_OK);
    memcpy(bad, sm, len2);
    expect_refused(t, good, bad, len, b1, b2, "another lattice");
    assert_int_equal(vs_sampler_config_export(plain, 0, bad, len), VS_OK);
    expect_refused(t, good, bad, len, b1, b2, "plain into delayed");
    assert_int_equal(vs_sampler_config_import(plain, 0, good, len), VS_EINVAL);
    /* and the good copy is accepted, round-tripping byte for byte */
    assert_int_equal(vs_sampler_config_import(t, 0, good, len), VS_OK);
    assert_int_equal(vs_sampler_config_export(t, 0, b1, len), VS_OK);
    assert_memory_equal(good, b1, len);
    free(sm);
    free(good);
    free(bad);
    free(b1);
    free(b2);
    vs_sampler_free(s);
    vs_sampler_free(t);
    vs_sampler_free(small);
    vs_sampler_free(plain);
    vs_sampler_options_free(o);
    vs_sampler_options_free(op);
    vs_lattice_free(lat);
    vs_lattice_free(lat2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exchanged_one_replica_ladder_equals_serial_sampler_delayed),
        cmocka_unit_test(test_exchanged_one_replica_ladder_equals_serial_sampler_plain),
        cmocka_unit_test(test_exchanged_one_replica_ladder_equals_serial_sampler_metropolis),
        cmocka_unit_test(test_exchanged_one_replica_ladder_equals_serial_sampler_clock),
        cmocka_unit_test(test_bad_input_is_refused),
    };
    return cmocka_run_group_tests_name("sampler_config", tests, NULL, NULL);
}
