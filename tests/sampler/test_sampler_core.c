/*
 * The vs_sampler handle (lib/sampler/sampler.c): exact maintained fields and energies, the delayed and
 * plain field paths, thread-count independence, the queries, options and bad input of every public
 * function. Deterministic (fixed seeds). Links the internal test library for vs__sampler_fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"
#include "sampler/sampler_internal.h"

/* sc L³ dipolar lattice (ncomp 3), periodic or open, with non-zero D and U so that every term of
 * the site target is exercised. */
static vs_lattice *dipolar_lattice(int L, int open)
{
    vs_coupling *c = NULL;
    vs_lattice_options *lo = NULL;
    vs_lattice *lat = NULL;
    int Ls[3] = {L, L, L};
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_lattice_options_create(&lo), VS_OK);
    assert_int_equal(vs_lattice_options_set(lo, VS_LATTICE_OPT_BOUNDARY, open), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, lo, &lat), VS_OK);
    const double D[9] = {0.3, 0.1, 0.0, 0.1, -0.2, 0.05, 0.0, 0.05, 0.1};
    const double U[9] = {-1.0 / 3, 0, 0, 0, -1.0 / 3, 0, 0, 0, 0.5};
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    vs_lattice_options_free(lo);
    vs_coupling_free(c);
    return lat;
}

static vs_sampler_options *options(int move, int fields, int refresh, int threads)
{
    vs_sampler_options *o = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_MOVE, move), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_REFRESH, refresh), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_THREADS, threads), VS_OK);
    return o;
}

static double max_abs_diff(const double *a, const double *b, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++)
        d = fmax(d, fabs(a[i] - b[i]));
    return d;
}

/* The maintained fields and energy of every slot equal the direct O(N²) sums of its spins. */
static void check_exact_state(vs_lattice *lat, vs_sampler *s, double *worst_h, double *worst_e)
{
    size_t nv = vs_lattice_nsites(lat) * (size_t)vs_lattice_ncomp(lat);
    double *sp = malloc(nv * sizeof *sp), *h = malloc(nv * sizeof *h), *hd = malloc(nv * sizeof *hd);
    for (int r = 0; r < vs_sampler_nreplicas(s); r++) {
        double E, Ed;
        assert_int_equal(vs_sampler_spins(s, r, sp), VS_OK);
        assert_int_equal(vs__sampler_fields(s, r, h), VS_OK);
        assert_int_equal(vs_lattice_fields_direct(lat, sp, hd), VS_OK);
        assert_int_equal(vs_sampler_energy(s, r, &E), VS_OK);
        assert_int_equal(vs_lattice_energy_direct(lat, sp, &Ed), VS_OK);
        *worst_h = fmax(*worst_h, max_abs_diff(h, hd, nv));
        *worst_e = fmax(*worst_e, fabs(E - Ed));
    }
    free(sp);
    free(h);
    free(hd);
}

/* Sweeps of the fields test: 1563·64 = 100032 heat-bath proposals per replica (plus as many
 * over-relaxation moves); `test_sampler_core slow` (suite slow) runs 10^6. */
static long fields_sweeps = 1563;

/* ≥ 10^5 proposals per replica (most accepted; D ≠ 0 rejects a few), B = 1000 so that the check
 * falls between refreshes; the maintained fields must agree with fresh direct sums to 1e-10, the
 * tracked energy to 1e-10 (|E| ~ 10). */
static void test_delayed_fields_equal_fresh_fields(void **state)
{
    (void)state;
    for (int open = 0; open <= 1; open++) {
        vs_lattice *lat = dipolar_lattice(4, open);
        vs_sampler_options *o = options(VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 1000, 1);
        const double T[2] = {0.5, 1.0};
        vs_sampler *s = NULL;
        assert_int_equal(vs_sampler_create(lat, 2, T, 11, o, &s), VS_OK);
        double wh = 0.0, we = 0.0;
        assert_int_equal(vs_sampler_sweep(s, fields_sweeps), VS_OK);
        check_exact_state(lat, s, &wh, &we);
        print_message(
            "# %s: after %ld sweeps of 64 sites: max|h − h_direct| = %.3g, max|E − E_direct| = %.3g\n",
            open ? "open" : "periodic", fields_sweeps, wh, we);
        assert_true(wh <= 1e-10);
        assert_true(we <= 1e-10);
        vs_sampler_free(s);
        vs_sampler_options_free(o);
        vs_lattice_free(lat);
    }
}

/* Plain and delayed paths run the same chain from one seed. The proposals depend continuously on
 * the fields, which the two paths compute with different round-off (1e-16), and the dynamics
 * amplify a perturbation: measured on this lattice, the spin difference grows about tenfold per
 * sweep (3e-15 after 1 sweep, 8e-13 after 4, 2e-10 after 8, 5e-4 after 16 — the reflections of
 * over-relaxation are chaotic), and a rejection inside the vMF sampler or a Metropolis decision
 * could flip. So the chains are compared over a short run, 5 sweeps, to 1e-9. Heat bath and
 * Metropolis both. */
static void test_delayed_and_plain_paths_give_the_same_chain(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(3, 0);
    size_t nv = vs_lattice_nsites(lat) * 3;
    double *a = malloc(nv * sizeof *a), *b = malloc(nv * sizeof *b);
    for (int move = 0; move <= 1; move++) {
        const double T[3] = {0.4, 0.7, 1.2};
        vs_sampler *sd = NULL, *sp = NULL;
        vs_sampler_options *od = options(move, VS_SAMPLER_DELAYED, 0, 1);
        vs_sampler_options *op = options(move, VS_SAMPLER_PLAIN, 0, 1);
        assert_int_equal(vs_sampler_create(lat, 3, T, 5, od, &sd), VS_OK);
        assert_int_equal(vs_sampler_create(lat, 3, T, 5, op, &sp), VS_OK);
        assert_int_equal(vs_sampler_sweep(sd, 5), VS_OK);
        assert_int_equal(vs_sampler_sweep(sp, 5), VS_OK);
        double worst = 0.0, we = 0.0;
        for (int r = 0; r < 3; r++) {
            double Ed, Ep;
            assert_int_equal(vs_sampler_spins(sd, r, a), VS_OK);
            assert_int_equal(vs_sampler_spins(sp, r, b), VS_OK);
            worst = fmax(worst, max_abs_diff(a, b, nv));
            assert_int_equal(vs_sampler_energy(sd, r, &Ed), VS_OK);
            assert_int_equal(vs_sampler_energy(sp, r, &Ep), VS_OK);
            we = fmax(we, fabs(Ed - Ep));
        }
        print_message("# move %d: delayed vs plain after 5 sweeps: max|Δs| = %.3g, max|ΔE| = %.3g\n", move,
                      worst, we);
        assert_true(worst <= 1e-9);
        assert_true(we <= 1e-9);
        double wh = 0.0, wE = 0.0;
        check_exact_state(lat, sp, &wh, &wE);
        assert_true(wh <= 1e-10 && wE <= 1e-10);
        vs_sampler_free(sd);
        vs_sampler_free(sp);
        vs_sampler_options_free(od);
        vs_sampler_options_free(op);
    }
    free(a);
    free(b);
    vs_lattice_free(lat);
}

/* Threads 1 and 2 give the same chain bit for bit (spins, energies, rates). */
static void test_thread_count_does_not_change_the_chain(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(3, 0);
    size_t nv = vs_lattice_nsites(lat) * 3;
    const double T[4] = {0.3, 0.5, 0.8, 1.3};
    vs_sampler *s[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        vs_sampler_options *o = options(VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 0, k + 1);
        assert_int_equal(vs_sampler_create(lat, 4, T, 77, o, &s[k]), VS_OK);
        assert_int_equal(vs_sampler_sweep(s[k], 30), VS_OK);
        vs_sampler_options_free(o);
    }
    double *a = malloc(nv * sizeof *a), *b = malloc(nv * sizeof *b);
    for (int r = 0; r < 4; r++) {
        double e[2], x[2] = {0, 0}, q[2];
        assert_int_equal(vs_sampler_spins(s[0], r, a), VS_OK);
        assert_int_equal(vs_sampler_spins(s[1], r, b), VS_OK);
        assert_memory_equal(a, b, nv * sizeof *a);
        for (int k = 0; k < 2; k++) {
            assert_int_equal(vs_sampler_energy(s[k], r, &e[k]), VS_OK);
            assert_int_equal(vs_sampler_acceptance(s[k], r, &q[k]), VS_OK);
            if (r < 3)
                assert_int_equal(vs_sampler_exchange_rate(s[k], r, &x[k]), VS_OK);
        }
        assert_memory_equal(e, e + 1, sizeof *e);
        assert_memory_equal(q, q + 1, sizeof *q);
        assert_memory_equal(x, x + 1, sizeof *x);
    }
    free(a);
    free(b);
    vs_sampler_free(s[0]);
    vs_sampler_free(s[1]);
    vs_lattice_free(lat);
}

/* Metropolis with the adaptive step and over-relaxation keeps the tracked energy exact; rates in
 * (0, 1); set_spins/spins round trip; same seed → same chain, other seed → another. */
static void test_queries_and_reproducibility(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(2, 1);
    size_t nv = vs_lattice_nsites(lat) * 3;
    vs_sampler_options *o = options(VS_SAMPLER_METROPOLIS, VS_SAMPLER_DELAYED, 3, 1);
    const double T[2] = {0.5, 2.0};
    vs_sampler *s = NULL, *s2 = NULL, *s3 = NULL;
    assert_int_equal(vs_sampler_create(lat, 2, T, 1, o, &s), VS_OK);
    assert_int_equal(vs_sampler_create(lat, 2, T, 1, o, &s2), VS_OK);
    assert_int_equal(vs_sampler_create(lat, 2, T, 2, o, &s3), VS_OK);
    assert_int_equal(vs_sampler_nreplicas(s), 2);
    assert_int_equal(vs_sampler_sweep(s, 200), VS_OK);
    assert_int_equal(vs_sampler_sweep(s2, 150), VS_OK);
    assert_int_equal(vs_sampler_sweep(s2, 50), VS_OK);
    assert_int_equal(vs_sampler_sweep(s3, 200), VS_OK);
    assert_int_equal(vs_sampler_sweep(s, 0), VS_OK);
    double *a = malloc(nv * sizeof *a), *b = malloc(nv * sizeof *b);
    assert_int_equal(vs_sampler_spins(s, 0, a), VS_OK);
    assert_int_equal(vs_sampler_spins(s2, 0, b), VS_OK);
    assert_memory_equal(a, b, nv * sizeof *a);
    assert_int_equal(vs_sampler_spins(s3, 0, b), VS_OK);
    assert_true(max_abs_diff(a, b, nv) > 1e-3);
    double wh = 0.0, we = 0.0, rate, t;
    check_exact_state(lat, s, &wh, &we);
    assert_true(wh <= 1e-10 && we <= 1e-10);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(vs_sampler_acceptance(s, r, &rate), VS_OK);
        print_message("# Metropolis acceptance at T = %g: %.3f\n", T[r], rate);
        assert_true(rate > 0.2 && rate < 1.0); /* high T: the step grows to the cap, ~all accepted */
        assert_int_equal(vs_sampler_temperature(s, r, &t), VS_OK);
        assert_true(t == T[r]);
    }
    assert_int_equal(vs_sampler_exchange_rate(s, 0, &rate), VS_OK);
    assert_true(rate > 0.0 && rate <= 1.0);
    /* set_spins: slot 1 takes slot 0's spins; energies then agree exactly */
    double E0, E1;
    assert_int_equal(vs_sampler_set_spins(s, 1, a), VS_OK);
    assert_int_equal(vs_sampler_spins(s, 1, b), VS_OK);
    assert_memory_equal(a, b, nv * sizeof *a);
    assert_int_equal(vs_sampler_energy(s, 1, &E1), VS_OK);
    assert_int_equal(vs_lattice_energy_direct(lat, a, &E0), VS_OK);
    assert_close(E1, E0, 1e-12, 1e-12);
    free(a);
    free(b);
    vs_sampler_free(s);
    vs_sampler_free(s2);
    vs_sampler_free(s3);
    vs_sampler_options_free(o);
    vs_lattice_free(lat);
}

/* ncomp = 1 (no pair kernel, U = J: Ising infinite-range) and ncomp = 6 work; D-only lattices. */
static void test_other_component_counts(void **state)
{
    (void)state;
    int L[3] = {3, 3, 3};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, NULL, 1, NULL, &lat), VS_OK);
    double U = 1.0;
    assert_int_equal(vs_lattice_set_uniform(lat, &U), VS_OK);
    const double T[1] = {0.5};
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_create(lat, 1, T, 3, NULL, &s), VS_OK);
    assert_int_equal(vs_sampler_sweep(s, 50), VS_OK);
    double sp[27], E, Ed;
    assert_int_equal(vs_sampler_spins(s, 0, sp), VS_OK);
    for (int m = 0; m < 27; m++)
        assert_true(sp[m] == 1.0 || sp[m] == -1.0);
    assert_int_equal(vs_sampler_energy(s, 0, &E), VS_OK);
    assert_int_equal(vs_lattice_energy_direct(lat, sp, &Ed), VS_OK);
    assert_close(E, Ed, 1e-12, 1e-12);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

static void test_options_bounds_and_roundtrip(void **state)
{
    (void)state;
    vs_sampler_options *o = NULL;
    double lo, hi, v;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    for (int key = VS_SAMPLER_OPT_MOVE; key <= VS_SAMPLER_OPT_ADAPT_SWEEPS; key++) {
        assert_int_equal(vs_sampler_option_bounds(key, &lo, &hi), VS_OK);
        assert_int_equal(vs_sampler_options_set(o, key, hi), VS_OK);
        assert_int_equal(vs_sampler_options_get(o, key, &v), VS_OK);
        assert_true(v == hi);
        assert_int_equal(vs_sampler_options_set(o, key, lo), VS_OK);
        assert_int_equal(vs_sampler_options_set(o, key, hi + 1.0), VS_EINVAL);
        assert_int_equal(vs_sampler_options_set(o, key, lo - 1.0), VS_EINVAL);
        assert_int_equal(vs_sampler_options_set(o, key, NAN), VS_EINVAL);
    }
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_OVERRELAX, 1.5), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_STEP, 0.25), VS_OK);
    assert_int_equal(vs_sampler_option_bounds(0, &lo, &hi), VS_EINVAL);
    assert_int_equal(vs_sampler_option_bounds(99, &lo, &hi), VS_EINVAL);
    assert_int_equal(vs_sampler_option_bounds(VS_SAMPLER_OPT_MOVE, NULL, &hi), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(NULL, VS_SAMPLER_OPT_MOVE, 0), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, 42, 0), VS_EINVAL);
    assert_int_equal(vs_sampler_options_get(NULL, VS_SAMPLER_OPT_MOVE, &v), VS_EINVAL);
    assert_int_equal(vs_sampler_options_get(o, VS_SAMPLER_OPT_MOVE, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_options_get(o, 42, &v), VS_EINVAL);
    assert_int_equal(vs_sampler_options_create(NULL), VS_EINVAL);
    vs_sampler_options_free(o);
    vs_sampler_options_free(NULL);
}

static void test_bad_input_is_refused(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(2, 0);
    vs_sampler *s = NULL;
    const double T[3] = {0.5, 1.0, 2.0};
    const double unsorted[3] = {0.5, 2.0, 1.0}, dup[3] = {0.5, 1.0, 1.0};
    const double bad[3][3] = {{NAN, 1, 2}, {0.5, INFINITY, 2}, {0.0, 1, 2}};
    const double neg[3] = {-1.0, 1.0, 2.0};
    assert_int_equal(vs_sampler_create(NULL, 3, T, 1, NULL, &s), VS_EINVAL);
    assert_null(s);
    assert_int_equal(vs_sampler_create(lat, 3, T, 1, NULL, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_create(lat, 3, NULL, 1, NULL, &s), VS_EINVAL);
    assert_int_equal(vs_sampler_create(lat, 0, T, 1, NULL, &s), VS_EINVAL);
    assert_int_equal(vs_sampler_create(lat, -1, T, 1, NULL, &s), VS_EINVAL);
    assert_int_equal(vs_sampler_create(lat, 1 << 30, T, 1, NULL, &s), VS_EINVAL);
    assert_int_equal(vs_sampler_create(lat, 3, unsorted, 1, NULL, &s), VS_EINVAL);
    assert_int_equal(vs_sampler_create(lat, 3, dup, 1, NULL, &s), VS_EINVAL);
    assert_int_equal(vs_sampler_create(lat, 3, neg, 1, NULL, &s), VS_EINVAL);
    for (int k = 0; k < 3; k++)
        assert_int_equal(vs_sampler_create(lat, 3, bad[k], 1, NULL, &s), VS_EINVAL);
    assert_null(s);
    assert_int_equal(vs_sampler_create(lat, 3, T, 1, NULL, &s), VS_OK);
    size_t nv = vs_lattice_nsites(lat) * 3;
    double *sp = calloc(nv, sizeof *sp), x;
    assert_int_equal(vs_sampler_sweep(NULL, 1), VS_EINVAL);
    assert_int_equal(vs_sampler_sweep(s, -1), VS_EINVAL);
    assert_int_equal(vs_sampler_nreplicas(NULL), 0);
    assert_int_equal(vs_sampler_spins(NULL, 0, sp), VS_EINVAL);
    assert_int_equal(vs_sampler_spins(s, 3, sp), VS_EINVAL);
    assert_int_equal(vs_sampler_spins(s, -1, sp), VS_EINVAL);
    assert_int_equal(vs_sampler_spins(s, 0, NULL), VS_EINVAL);
    /* set_spins: NULL, bad slot, NaN, off the sphere (by 1e-9), zero spins; nothing changes */
    double E_before, E_after;
    assert_int_equal(vs_sampler_energy(s, 0, &E_before), VS_OK);
    assert_int_equal(vs_sampler_spins(s, 0, sp), VS_OK);
    assert_int_equal(vs_sampler_set_spins(NULL, 0, sp), VS_EINVAL);
    assert_int_equal(vs_sampler_set_spins(s, 3, sp), VS_EINVAL);
    assert_int_equal(vs_sampler_set_spins(s, 0, NULL), VS_EINVAL);
    double keep = sp[4];
    sp[4] = NAN;
    assert_int_equal(vs_sampler_set_spins(s, 0, sp), VS_EINVAL);
    sp[4] = keep * (1.0 + 1e-9);
    assert_int_equal(vs_sampler_set_spins(s, 0, sp), VS_EINVAL);
    sp[4] = keep;
    sp[3] = sp[4] = sp[5] = 0.0;
    assert_int_equal(vs_sampler_set_spins(s, 0, sp), VS_EINVAL);
    assert_int_equal(vs_sampler_energy(s, 0, &E_after), VS_OK);
    assert_true(E_before == E_after);
    assert_int_equal(vs_sampler_energy(NULL, 0, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_energy(s, 3, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_energy(s, 0, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_temperature(NULL, 0, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_temperature(s, 3, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_temperature(s, 0, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_acceptance(NULL, 0, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_acceptance(s, 3, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_acceptance(s, 0, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_acceptance(s, 0, &x), VS_OK);
    assert_true(x == 0.0); /* before the first sweep */
    assert_int_equal(vs_sampler_exchange_rate(NULL, 0, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_exchange_rate(s, 2, &x), VS_EINVAL); /* pairs 0..nrep−2 */
    assert_int_equal(vs_sampler_exchange_rate(s, -1, &x), VS_EINVAL);
    assert_int_equal(vs_sampler_exchange_rate(s, 0, NULL), VS_EINVAL);
    free(sp);
    vs_sampler_free(s);
    vs_sampler_free(NULL);
    vs_lattice_free(lat);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "slow") == 0) {
        fields_sweeps = 15625; /* 10^6 proposals per replica */
        const struct CMUnitTest slow[] = {cmocka_unit_test(test_delayed_fields_equal_fresh_fields)};
        return cmocka_run_group_tests_name("sampler_core_slow", slow, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delayed_fields_equal_fresh_fields),
        cmocka_unit_test(test_delayed_and_plain_paths_give_the_same_chain),
        cmocka_unit_test(test_thread_count_does_not_change_the_chain),
        cmocka_unit_test(test_queries_and_reproducibility),
        cmocka_unit_test(test_other_component_counts),
        cmocka_unit_test(test_options_bounds_and_roundtrip),
        cmocka_unit_test(test_bad_input_is_refused),
    };
    return cmocka_run_group_tests_name("sampler_core", tests, NULL, NULL);
}
