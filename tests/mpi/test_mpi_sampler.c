/*
 * libvoigtspin_mpi (issue 15), run by mpiexec on 1, 2 and 4 (oversubscribed) ranks from meson (suite
 * 'mpi'). Rank 0 prints TAP; each check is agreed over all ranks (logical AND).
 *
 *   test_mpi_sampler chain         the MPI ladder equals the serial vs_sampler bit for bit after every
 *                                  sweep (energies by bits, spins, exchange rates, round trips,
 *                                  observables) — delayed and plain fields, heat bath + over-relaxation,
 *                                  Metropolis; 5 replicas (uneven blocks on 2 and 4 ranks)
 *   test_mpi_sampler bad           bad input: every rank gets the same status, nothing hangs
 *   test_mpi_sampler save P N1     sweep N1 (measuring), checkpoint to P twice (generation 1 at N1 − 2,
 *                                  generation 2 at N1; generation 1's files removed); then a save
 *                                  that fails on one rank (generation 2 kept)
 *   test_mpi_sampler resume P N1 N2  load P (any rank count), sweep N2 more, compare with the serial
 *                                  chain of N1 + N2 uninterrupted sweeps bit for bit
 * The serial reference runs on every rank (the same lattice, ladder, seed, options).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvoigtspin/mpi.h>
#include <libvoigtspin/voigtspin.h>

#define R 5
static const double ladder[R] = {0.35, 0.5, 0.8, 1.3, 2.1};
static const unsigned long SEED = 0xC0FFEE1234567890UL;

#include "mpi_tap.h"

static vs_lattice *dipolar_lattice(int L)
{
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    int Ls[3] = {L, L, L};
    if (vs_coupling_create_dipolar(&c) != VS_OK ||
        vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, NULL, &lat) != VS_OK)
        return NULL;
    const double D[9] = {0.3, 0.1, 0.0, 0.1, -0.2, 0.05, 0.0, 0.05, 0.1};
    const double U[9] = {-1.0 / 3, 0, 0, 0, -1.0 / 3, 0, 0, 0, 0.5};
    vs_lattice_set_onsite(lat, D);
    vs_lattice_set_uniform(lat, U);
    vs_coupling_free(c);
    return lat;
}

static vs_sampler_options *options(int move, int fields, int refresh)
{
    vs_sampler_options *o = NULL;
    vs_sampler_options_create(&o);
    vs_sampler_options_set(o, VS_SAMPLER_OPT_MOVE, move);
    vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields);
    vs_sampler_options_set(o, VS_SAMPLER_OPT_REFRESH, refresh);
    return o;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static const int obs_keys[] = {VS_SAMPLER_OBS_ENERGY, VS_SAMPLER_OBS_HEAT_CAPACITY, VS_SAMPLER_OBS_M2,
                               VS_SAMPLER_OBS_BINDER, VS_SAMPLER_OBS_SK_MAX};

/* Everything observable of the MPI ladder equals the serial sampler's, by bits. *what: first mismatch. */
static int same_state(const vs_sampler *ser, const vs_mpi_sampler *mp, size_t nv, int observables,
                      const char **what)
{
    double *a = malloc(nv * sizeof *a), *b = malloc(nv * sizeof *b);
    int ok = 1;
    for (int r = 0; r < R; r++) {
        double x = 0.0, y = 1.0; /* both calls always made: the MPI ones are collective */
        int s1 = vs_sampler_energy(ser, r, &x), s2 = vs_mpi_sampler_energy(mp, r, &y);
        ok &= s1 == VS_OK && s2 == VS_OK;
        if (!(ok &= same_bits(x, y)) && !*what)
            *what = "energy";
        s1 = vs_sampler_spins(ser, r, a);
        s2 = vs_mpi_sampler_spins(mp, r, b);
        ok &= s1 == VS_OK && s2 == VS_OK;
        if (!(ok &= memcmp(a, b, nv * sizeof *a) == 0) && !*what)
            *what = "spins";
        s1 = vs_sampler_acceptance(ser, r, &x);
        s2 = vs_mpi_sampler_acceptance(mp, r, &y);
        ok &= s1 == VS_OK && s2 == VS_OK;
        if (!(ok &= same_bits(x, y)) && !*what)
            *what = "acceptance";
        if (r + 1 < R) {
            s1 = vs_sampler_exchange_rate(ser, r, &x);
            s2 = vs_mpi_sampler_exchange_rate(mp, r, &y);
            ok &= s1 == VS_OK && s2 == VS_OK;
            if (!(ok &= same_bits(x, y)) && !*what)
                *what = "exchange rate";
        }
        for (size_t k = 0; observables && k < sizeof obs_keys / sizeof *obs_keys; k++) {
            double v1[3] = {0, 0, 0}, v2[3] = {0, 0, 0};
            int o1 = vs_sampler_observable(ser, r, obs_keys[k], &v1[0], &v1[1], &v1[2]);
            int o2 = vs_mpi_sampler_observable(mp, r, obs_keys[k], &v2[0], &v2[1], &v2[2]);
            int same = o1 == o2 && (o1 != VS_OK || memcmp(v1, v2, sizeof v1) == 0);
            if (!(ok &= same) && !*what)
                *what = "observable";
        }
    }
    long long t1 = 0, t2 = -1;
    ok &= vs_sampler_round_trips(ser, &t1) == VS_OK;
    ok &= vs_mpi_sampler_round_trips(mp, &t2) == VS_OK;
    if (!(ok &= t1 == t2) && !*what)
        *what = "round trips";
    free(a);
    free(b);
    return ok;
}

static void chain_case(vs_lattice *lat, int move, int fields, int refresh, const char *name)
{
    enum { SWEEPS = 24 };
    vs_sampler_options *o = options(move, fields, refresh);
    vs_sampler *ser = NULL;
    vs_mpi_sampler *mp = NULL;
    int st = vs_sampler_create(lat, R, ladder, SEED, o, &ser);
    int sm = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED, o, &mp);
    check(st == VS_OK && sm == VS_OK, "%s: serial and MPI samplers created", name);
    if (st != VS_OK || sm != VS_OK)
        return;
    size_t nv = vs_lattice_nsites(lat) * (size_t)vs_lattice_ncomp(lat);
    int ok = 1, bad_sweep = -1;
    const char *what = NULL;
    for (int k = 0; k < SWEEPS; k++) {
        ok &= vs_sampler_sweep(ser, 1) == VS_OK && vs_mpi_sampler_sweep(mp, 1) == VS_OK;
        ok &= vs_sampler_measure(ser) == VS_OK && vs_mpi_sampler_measure(mp) == VS_OK;
        int same = same_state(ser, mp, nv, k >= 1, &what);
        if (!same && bad_sweep < 0)
            bad_sweep = k;
        ok &= same;
    }
    if (ok)
        check(ok, "%s: the MPI ladder equals the serial sampler bit for bit after each of %d sweeps", name,
              SWEEPS);
    else
        check(ok, "%s: the MPI ladder differs from the serial sampler: %s at sweep %d", name,
              what ? what : "a call failed", bad_sweep);
    double rate;
    long long trips;
    vs_mpi_sampler_exchange_rate(mp, 0, &rate);
    vs_mpi_sampler_round_trips(mp, &trips);
    check(rate > 0.0, "%s: exchanges were accepted (rate 0↔1 %.3f, round trips %lld)", name, rate, trips);
    vs_mpi_sampler_free(mp);
    vs_sampler_free(ser);
    vs_sampler_options_free(o);
}

static int run_chain(void)
{
    vs_lattice *lat = dipolar_lattice(3);
    chain_case(lat, VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 5,
               "delayed fields, heat bath + over-relaxation");
    chain_case(lat, VS_SAMPLER_HEATBATH, VS_SAMPLER_PLAIN, 0, "plain fields, heat bath + over-relaxation");
    chain_case(lat, VS_SAMPLER_METROPOLIS, VS_SAMPLER_DELAYED, 0, "delayed fields, adaptive Metropolis");
    vs_lattice_free(lat);
    return 0;
}

/* -------------------------------------------------------------------------------- bad input */

static int run_bad(void)
{
    vs_lattice *lat = dipolar_lattice(2);
    vs_mpi_sampler *mp = NULL;
    const double bad_T[R] = {0.35, 0.5, 0.5, 1.3, 2.1};
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, NULL, R, ladder, SEED, NULL, &mp) == VS_EINVAL && mp == NULL,
          "create with lat NULL: VS_EINVAL");
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED, NULL, NULL) == VS_EINVAL,
          "create with out NULL: VS_EINVAL");
    check(vs_mpi_sampler_create(MPI_COMM_NULL, lat, R, ladder, SEED, NULL, &mp) == VS_EINVAL,
          "create with MPI_COMM_NULL: VS_EINVAL");
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, bad_T, SEED, NULL, &mp) == VS_EINVAL,
          "create with an unsorted ladder: VS_EINVAL");
    double nan_T[R] = {0.35, 0.5, NAN, 1.3, 2.1};
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, nan_T, SEED, NULL, &mp) == VS_EINVAL,
          "create with a NaN temperature: VS_EINVAL");
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, 0, ladder, SEED, NULL, &mp) == VS_EINVAL,
          "create with nrep = 0: VS_EINVAL");
    vs_sampler_options *clk = NULL; /* the clock kind with the automatic near set (ladder-dependent) */
    vs_sampler_options_create(&clk);
    vs_sampler_options_set(clk, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_CLOCK);
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED, clk, &mp) == VS_EINVAL && mp == NULL &&
              strstr(vs_mpi_last_error(), "VS_SAMPLER_OPT_CLOCK_NEAR") != NULL,
          "create with the clock kind and the automatic near set: VS_EINVAL (\"%s\")", vs_mpi_last_error());
    vs_sampler_options_set(clk, VS_SAMPLER_OPT_CLOCK_NEAR, 6);
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED, clk, &mp) == VS_OK && mp != NULL,
          "create with the clock kind and an explicit near set: VS_OK");
    vs_mpi_sampler_free(mp);
    mp = NULL;
    vs_sampler_options_free(clk);
    if (nranks > 1)
        check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, nranks - 1, ladder, SEED, NULL, &mp) == VS_EINVAL,
              "create with fewer replicas than ranks: VS_EINVAL");
    /* a failure on one rank only: every rank reports it, with the failing rank's message */
    const double *mine = rank == nranks - 1 ? bad_T : ladder;
    int st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, mine, SEED, NULL, &mp);
    check(st == VS_EINVAL && mp == NULL && strstr(vs_mpi_last_error(), "ladder") != NULL,
          "a bad ladder on the last rank only: VS_EINVAL on every rank (\"%s\")", vs_mpi_last_error());
    double T2[R];
    memcpy(T2, ladder, sizeof T2);
    T2[4] += rank == nranks - 1 && nranks > 1 ? 0.25 : 0.0;
    if (nranks > 1)
        check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, T2, SEED, NULL, &mp) == VS_EINVAL,
              "ladders that differ between ranks: VS_EINVAL");
    check(vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED + (unsigned long)(rank > 0), NULL,
                                &mp) == (nranks > 1 ? VS_EINVAL : VS_OK),
          "seeds that differ between ranks: VS_EINVAL");
    vs_mpi_sampler_free(mp);
    mp = NULL;
    st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED, NULL, &mp);
    check(st == VS_OK, "create");
    double x;
    long long n;
    int first, count;
    const vs_sampler *loc;
    check(vs_mpi_sampler_sweep(NULL, 1) == VS_EINVAL && vs_mpi_sampler_sweep(mp, -1) == VS_EINVAL,
          "sweep: NULL, nsweeps < 0");
    check(vs_mpi_sampler_energy(mp, -1, &x) == VS_EINVAL && vs_mpi_sampler_energy(mp, R, &x) == VS_EINVAL &&
              vs_mpi_sampler_energy(mp, 0, NULL) == VS_EINVAL &&
              vs_mpi_sampler_energy(NULL, 0, &x) == VS_EINVAL,
          "energy: r out of range, NULL");
    check(vs_mpi_sampler_spins(mp, R, &x) == VS_EINVAL && vs_mpi_sampler_spins(mp, 0, NULL) == VS_EINVAL,
          "spins: r out of range, NULL");
    check(vs_mpi_sampler_acceptance(mp, R, &x) == VS_EINVAL, "acceptance: r out of range");
    check(vs_mpi_sampler_observable(mp, 0, VS_SAMPLER_OBS_ENERGY, &x, NULL, NULL) == VS_ENUMERIC,
          "observable before 2 measurements: VS_ENUMERIC from the owner, on every rank");
    check(vs_mpi_sampler_observable(mp, 0, 999, &x, NULL, NULL) == VS_EINVAL &&
              vs_mpi_sampler_observable(mp, R, VS_SAMPLER_OBS_ENERGY, &x, NULL, NULL) == VS_EINVAL,
          "observable: unknown key, r out of range");
    check(vs_mpi_sampler_exchange_rate(mp, R - 1, &x) == VS_EINVAL &&
              vs_mpi_sampler_exchange_rate(mp, -1, &x) == VS_EINVAL &&
              vs_mpi_sampler_exchange_rate(NULL, 0, &x) == VS_EINVAL,
          "exchange_rate: pair out of range, NULL");
    check(vs_mpi_sampler_round_trips(NULL, &n) == VS_EINVAL &&
              vs_mpi_sampler_round_trips(mp, NULL) == VS_EINVAL &&
              vs_mpi_sampler_sweeps(NULL, &n) == VS_EINVAL && vs_mpi_sampler_sweeps(mp, NULL) == VS_EINVAL,
          "round_trips, sweeps: NULL");
    check(vs_mpi_sampler_local_range(mp, &first, &count) == VS_OK &&
              vs_mpi_sampler_local_range(NULL, &first, &count) == VS_EINVAL &&
              vs_mpi_sampler_local(mp, first, &loc) == VS_OK &&
              vs_mpi_sampler_local(mp, first + count, &loc) == VS_EINVAL &&
              vs_mpi_sampler_local(mp, first - 1, &loc) == VS_EINVAL && vs_mpi_sampler_nreplicas(mp) == R &&
              vs_mpi_sampler_nreplicas(NULL) == 0,
          "local_range, local, nreplicas");
    int total;
    MPI_Allreduce(&count, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    check(total == R && count >= R / nranks && count <= R / nranks + 1,
          "the blocks cover the ladder, balanced");
    check(vs_mpi_sampler_measure(NULL) == VS_EINVAL && vs_mpi_sampler_reset_observables(NULL) == VS_EINVAL,
          "measure, reset_observables: NULL");
    check(vs_mpi_sampler_save(NULL, "x") == VS_EINVAL && vs_mpi_sampler_save(mp, NULL) == VS_EINVAL &&
              vs_mpi_sampler_save(mp, "") == VS_EINVAL && vs_mpi_sampler_load(NULL, "x") == VS_EINVAL &&
              vs_mpi_sampler_load(mp, NULL) == VS_EINVAL && vs_mpi_sampler_load(mp, "") == VS_EINVAL,
          "save, load: NULL, empty path");
    check(vs_mpi_sampler_load(mp, "/nonexistent-dir/vs_mpi.ckpt") == VS_EIO,
          "load of a missing manifest: VS_EIO");
    check(vs_mpi_sampler_save(mp, "/nonexistent-dir/vs_mpi.ckpt") == VS_EIO,
          "save into a missing directory: VS_EIO on every rank");
    vs_mpi_sampler_free(mp);
    vs_mpi_sampler_free(NULL);
    vs_lattice_free(lat);
    return 0;
}

/* -------------------------------------------------------------------------------- checkpoints */

static vs_sampler_options *ckpt_options(void)
{
    return options(VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 5);
}

static int file_exists(const char *p)
{
    return access(p, F_OK) == 0;
}

static int run_save(const char *path, int n1)
{
    vs_lattice *lat = dipolar_lattice(3);
    vs_sampler_options *o = ckpt_options();
    vs_mpi_sampler *mp = NULL;
    int ok = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED, o, &mp) == VS_OK;
    for (int k = 0; ok && k < n1; k++) {
        ok &= vs_mpi_sampler_sweep(mp, 1) == VS_OK && vs_mpi_sampler_measure(mp) == VS_OK;
        if (k == n1 - 3)
            ok &= vs_mpi_sampler_save(mp, path) == VS_OK;
    }
    check(ok, "%d sweeps with a checkpoint after %d", n1, n1 - 2);
    char g1[4096], g2[4096];
    snprintf(g1, sizeof g1, "%s.g1.r0", path);
    snprintf(g2, sizeof g2, "%s.g2.r%d", path, R - 1);
    ok = vs_mpi_sampler_save(mp, path) == VS_OK;
    check(ok && !file_exists(g1) && file_exists(g2) && file_exists(path),
          "the second checkpoint is generation 2; generation 1's files are removed");
    /* a save that fails on one rank (the file of the last replica cannot be written: a directory is in
     * its way) fails on every rank, keeps generation 2 whole (the resume step loads it) and leaves no
     * file of generation 3 behind */
    char g3[4096], g3first[4096];
    snprintf(g3, sizeof g3, "%s.g3.r%d", path, R - 1);
    snprintf(g3first, sizeof g3first, "%s.g3.r0", path);
    if (rank == 0)
        mkdir(g3, 0755);
    MPI_Barrier(MPI_COMM_WORLD);
    int st = vs_mpi_sampler_sweep(mp, 1);
    st = st == VS_OK ? vs_mpi_sampler_save(mp, path) : st;
    /* the core refuses a directory in the way with VS_EINVAL */
    check(st == VS_EINVAL && file_exists(g2) && !file_exists(g3first),
          "a save that fails on one rank fails on all, the previous checkpoint stays: %s",
          vs_mpi_last_error());
    if (rank == 0)
        rmdir(g3);
    vs_mpi_sampler_free(mp);
    vs_sampler_options_free(o);
    vs_lattice_free(lat);
    return 0;
}

static int run_resume(const char *path, int n1, int n2)
{
    vs_lattice *lat = dipolar_lattice(3);
    vs_sampler_options *o = ckpt_options();
    vs_mpi_sampler *mp = NULL;
    vs_sampler *ser = NULL;
    int ok = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, ladder, SEED + 99, o, &mp) == VS_OK &&
             vs_sampler_create(lat, R, ladder, SEED, o, &ser) == VS_OK;
    check(ok, "created");
    /* a failed load leaves the handle unchanged: a damaged copy of the manifest */
    if (ok) {
        char bad[4096];
        snprintf(bad, sizeof bad, "%s.damaged", path);
        if (rank == 0) {
            FILE *in = fopen(path, "rb"), *out = fopen(bad, "wb");
            int c, i = 0;
            while (in && out && (c = fgetc(in)) != EOF)
                fputc(i++ == 40 ? c ^ 1 : c, out);
            if (in)
                fclose(in);
            if (out)
                fclose(out);
        }
        MPI_Barrier(MPI_COMM_WORLD);
        double e0, e1;
        vs_mpi_sampler_energy(mp, 2, &e0);
        int st = vs_mpi_sampler_load(mp, bad);
        vs_mpi_sampler_energy(mp, 2, &e1);
        check(st == VS_EIO && same_bits(e0, e1),
              "a damaged manifest is refused (VS_EIO), the handle unchanged: %s", vs_mpi_last_error());
        if (rank == 0)
            remove(bad);
        vs_mpi_sampler *other = NULL;
        double T3[R];
        memcpy(T3, ladder, sizeof T3);
        T3[3] = 1.25;
        vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, T3, SEED, o, &other);
        check(vs_mpi_sampler_load(other, path) == VS_EINVAL,
              "a checkpoint of another ladder is refused (VS_EINVAL)");
        vs_mpi_sampler_free(other);
    }
    ok &= vs_mpi_sampler_load(mp, path) == VS_OK;
    long long n;
    ok &= vs_mpi_sampler_sweeps(mp, &n) == VS_OK && n == n1;
    check(ok, "loaded the checkpoint written after %d sweeps: %s", n1, ok ? "" : vs_mpi_last_error());
    for (int k = 0; k < n1 && ok; k++)
        ok &= vs_sampler_sweep(ser, 1) == VS_OK && vs_sampler_measure(ser) == VS_OK;
    const char *what = NULL;
    for (int k = 0; k < n2 && ok; k++) {
        ok &= vs_sampler_sweep(ser, 1) == VS_OK && vs_sampler_measure(ser) == VS_OK;
        ok &= vs_mpi_sampler_sweep(mp, 1) == VS_OK && vs_mpi_sampler_measure(mp) == VS_OK;
        ok &= same_state(ser, mp, vs_lattice_nsites(lat) * (size_t)vs_lattice_ncomp(lat), 1, &what);
    }
    check(ok, "the resumed run equals the uninterrupted serial chain after %d + %d sweeps%s%s", n1, n2,
          what ? ", mismatch: " : "", what ? what : "");
    vs_mpi_sampler_free(mp);
    vs_sampler_free(ser);
    vs_sampler_options_free(o);
    vs_lattice_free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (argc >= 2 && strcmp(argv[1], "chain") == 0)
        run_chain();
    else if (argc >= 2 && strcmp(argv[1], "bad") == 0)
        run_bad();
    else if (argc == 4 && strcmp(argv[1], "save") == 0)
        run_save(argv[2], atoi(argv[3]));
    else if (argc == 5 && strcmp(argv[1], "resume") == 0)
        run_resume(argv[2], atoi(argv[3]), atoi(argv[4]));
    else {
        if (rank == 0)
            fprintf(stderr, "usage: test_mpi_sampler chain | bad | save PATH N1 | resume PATH N1 N2\n");
        MPI_Finalize();
        return 2;
    }
    if (rank == 0)
        printf("1..%d\n", ntest);
    MPI_Finalize();
    return nfail ? 1 : 0;
}
