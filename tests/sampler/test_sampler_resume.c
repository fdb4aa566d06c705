/*
 * Checkpoint and restart of the vs_sampler handle (lib/sampler/sampler_io.c): a run saved, freed,
 * recreated (another seed, another thread count) and loaded continues bit for bit as the run that
 * never stopped (delayed, plain and clock fields, heat bath and Metropolis with the adaptive step crossing
 * the restart, 3 replicas); a child process killed with SIGKILL while it writes checkpoints resumes
 * to the uninterrupted chain; truncated, corrupted, foreign, mismatched, newer, crafted-inconsistent
 * files, empty files, directories and missing files are refused with a status and a message and leave
 * the sampler unchanged (its chain continues as if the load had not been tried); a failed save (no
 * such directory, a file size limit standing in for a full disk) leaves the previous checkpoint byte
 * for byte and no temporary file; bad input of every function.
 *
 * The reference of every comparison is an independent run of the same sampler that was never saved
 * (not a value from the code under test). Files live in a fresh directory under $TMPDIR.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"
#include "sampler/checkpoint.h"
#include "ckpt_testutil.h"
#include "sampler/sampler_internal.h"

#define PATH_BYTES 1024
#define NREP       3

static char dir[512];
static const double ladder[NREP] = {0.4, 0.7, 1.2};

static void in_dir(char *path, const char *name)
{
    snprintf(path, PATH_BYTES, "%s/%.400s", dir, name);
}

/* sc L³ dipolar lattice (ncomp 3) with non-zero D and U (every term of the site target); u scales U
 * (another U is another coupling). */
static vs_lattice *dipolar_lattice(int L, double u)
{
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    int Ls[3] = {L, L, L};
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, NULL, &lat), VS_OK);
    const double D[9] = {0.3, 0.1, 0.0, 0.1, -0.2, 0.05, 0.0, 0.05, 0.1};
    const double U[9] = {-u / 3, 0, 0, 0, -u / 3, 0, 0, 0, u / 2};
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    vs_coupling_free(c);
    return lat;
}

/* The sampler of these tests: refresh every REFRESH = 40 accepted moves, more than the 27 sites of the
 * L = 3 lattice (so a save falls between refreshes, with a non-empty changed list, and the sites of the
 * list are visited again before the next refresh: the list's marks matter), the adaptive Metropolis
 * step adapting for 8 sweeps. */
#define REFRESH 40
static vs_sampler *make(const vs_lattice *lat, const double *T, int move, int fields, int threads,
                        int overrelax, unsigned long seed)
{
    vs_sampler_options *o = NULL;
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_MOVE, move), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_REFRESH, REFRESH), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_THREADS, threads), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_OVERRELAX, overrelax), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_ADAPT_SWEEPS, 8), VS_OK);
    assert_int_equal(vs_sampler_create(lat, NREP, T, seed, o, &s), VS_OK);
    vs_sampler_options_free(o);
    return s;
}

/* A clock sampler (heat bath, default options otherwise) with `near` near pairs. */
static vs_sampler *make_clock(const vs_lattice *lat, long near, unsigned long seed)
{
    vs_sampler_options *o = NULL;
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_CLOCK), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, (double)near), VS_OK);
    assert_int_equal(vs_sampler_create(lat, NREP, ladder, seed, o, &s), VS_OK);
    vs_sampler_options_free(o);
    return s;
}

static vs_sampler *make_default(const vs_lattice *lat, unsigned long seed)
{
    return make(lat, ladder, VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 1, 1, seed);
}

/* Everything observable of a sampler, and its maintained fields, bit for bit. */
static void assert_same_state(const vs_lattice *lat, const vs_sampler *a, const vs_sampler *b)
{
    size_t nv = vs_lattice_nsites(lat) * (size_t)vs_lattice_ncomp(lat);
    double *x = malloc(nv * sizeof *x), *y = malloc(nv * sizeof *y);
    long long na, nb;
    assert_int_equal(vs_sampler_sweeps(a, &na), VS_OK);
    assert_int_equal(vs_sampler_sweeps(b, &nb), VS_OK);
    assert_int_equal(na, nb);
    for (int r = 0; r < NREP; r++) {
        double u[4], v[4];
        assert_int_equal(vs_sampler_spins(a, r, x), VS_OK);
        assert_int_equal(vs_sampler_spins(b, r, y), VS_OK);
        assert_memory_equal(x, y, nv * sizeof *x);
        assert_int_equal(vs__sampler_fields(a, r, x), VS_OK);
        assert_int_equal(vs__sampler_fields(b, r, y), VS_OK);
        assert_memory_equal(x, y, nv * sizeof *x);
        assert_int_equal(vs_sampler_energy(a, r, &u[0]), VS_OK);
        assert_int_equal(vs_sampler_energy(b, r, &v[0]), VS_OK);
        assert_int_equal(vs_sampler_acceptance(a, r, &u[1]), VS_OK);
        assert_int_equal(vs_sampler_acceptance(b, r, &v[1]), VS_OK);
        assert_int_equal(vs_sampler_temperature(a, r, &u[2]), VS_OK);
        assert_int_equal(vs_sampler_temperature(b, r, &v[2]), VS_OK);
        u[3] = v[3] = 0.0;
        if (r + 1 < NREP) {
            assert_int_equal(vs_sampler_exchange_rate(a, r, &u[3]), VS_OK);
            assert_int_equal(vs_sampler_exchange_rate(b, r, &v[3]), VS_OK);
        }
        assert_memory_equal(u, v, sizeof u);
        /* the observables (same status, then the same bits) and the mean structure factor */
        for (int key = VS_SAMPLER_OBS_ENERGY; key <= VS_SAMPLER_OBS_SK_MAX; key++) {
            double p[3] = {0}, q[3] = {0};
            int sa = vs_sampler_observable(a, r, key, &p[0], &p[1], &p[2]);
            int sb = vs_sampler_observable(b, r, key, &q[0], &q[1], &q[2]);
            assert_int_equal(sa, sb);
            if (sa == VS_OK)
                assert_memory_equal(p, q, sizeof p);
        }
        int sa = vs_sampler_structure_factor(a, r, x), sb = vs_sampler_structure_factor(b, r, y);
        assert_int_equal(sa, sb);
        if (sa == VS_OK)
            assert_memory_equal(x, y, vs_lattice_nsites(lat) * sizeof *x);
    }
    assert_int_equal(vs_sampler_measurements(a, &na), VS_OK);
    assert_int_equal(vs_sampler_measurements(b, &nb), VS_OK);
    assert_int_equal(na, nb);
    assert_int_equal(vs_sampler_round_trips(a, &na), VS_OK);
    assert_int_equal(vs_sampler_round_trips(b, &nb), VS_OK);
    assert_int_equal(na, nb);
    free(x);
    free(y);
}

/* n sweeps, each followed by a measurement (the observables are part of the saved state). */
static void run(vs_sampler *s, long n)
{
    for (long k = 0; k < n; k++) {
        assert_int_equal(vs_sampler_sweep(s, 1), VS_OK);
        assert_int_equal(vs_sampler_measure(s), VS_OK);
    }
}

/* ---- Resume is bit-identical ------------------------------------------------------------------------ */

/* Run A: n1 + n2 sweeps. Run B: n1 sweeps, save, free; a fresh sampler with another seed and the other
 * thread count loads the file and runs n2 sweeps. Every combination of fields and moves, save with 1
 * and with 2 threads. n1 = 5, n2 = 6: the adaptive Metropolis step (8 sweeps) changes across the
 * restart and freezes after it. */
static void test_resume_is_bit_identical(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(3, 1.0);
    char path[PATH_BYTES];
    in_dir(path, "resume.ckpt");
    const long n1 = 5, n2 = 6;
    for (int fields = 0; fields <= 2; fields++) /* delayed, plain, clock */
        for (int move = 0; move <= 1; move++)
            for (int threads = 1; threads <= 2; threads++) {
                vs_sampler *a = make(lat, ladder, move, fields, threads, 1, 7);
                run(a, n1 + n2);

                vs_sampler *b = make(lat, ladder, move, fields, threads, 1, 7);
                run(b, n1);
                assert_int_equal(vs_sampler_save(b, path), VS_OK);
                vs_sampler *mid = make(lat, ladder, move, fields, 3 - threads, 1, 7);
                run(mid, n1); /* B's state, kept for comparison */
                vs_sampler_free(b);

                vs_sampler *c = make(lat, ladder, move, fields, 3 - threads, 1, 12345);
                assert_int_equal(vs_sampler_load(c, path), VS_OK);
                assert_same_state(lat, c, mid); /* the load restores the state exactly */
                run(c, n2);
                assert_same_state(lat, c, a);
                long long n;
                assert_int_equal(vs_sampler_sweeps(c, &n), VS_OK);
                assert_int_equal(n, n1 + n2);
                vs_sampler_free(a);
                vs_sampler_free(c);
                vs_sampler_free(mid);
            }
    assert_int_equal(count_tmp_files_in(dir, 0), 0);
    /* the clock kind's near count is part of the fingerprint: a file of near = −1 (automatic) is
     * refused by a sampler with near = 3, loaded by one with near = −1 */
    vs_sampler *k0 = make_clock(lat, -1, 7), *k3 = make_clock(lat, 3, 7), *k1 = make_clock(lat, -1, 8);
    run(k0, 2);
    assert_int_equal(vs_sampler_save(k0, path), VS_OK);
    assert_int_equal(vs_sampler_load(k3, path), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "was made for another lattice/ladder/options"));
    assert_int_equal(vs_sampler_load(k1, path), VS_OK);
    assert_same_state(lat, k1, k0);
    vs_sampler_free(k0);
    vs_sampler_free(k3);
    vs_sampler_free(k1);
    vs_lattice_free(lat);
}

/* ---- Kill and resume ----------------------------------------------------------------------------------- */

#define KILL_EVERY 2 /* the child saves every KILL_EVERY sweeps */

/* The child: sweeps and saves until killed (or a cap far beyond what the parent waits for). */
static void child_run(const vs_lattice *lat, const char *path)
{
    vs_sampler *s = make_default(lat, 21);
    for (int k = 0; k < 100000; k++)
        if (vs_sampler_sweep(s, KILL_EVERY) != VS_OK || vs_sampler_save(s, path) != VS_OK)
            _exit(1);
    _exit(0);
}

/* A child process writes a checkpoint every 2 sweeps; the parent watches the file (every load it tries
 * either succeeds or finds no file yet: the file is never seen half-written), SIGKILLs the child once
 * the file holds ≥ 6 sweeps, resumes from the file in a sampler of another seed and finishes the run:
 * equal bit for bit to the uninterrupted run. A kill in the middle of a write may leave that write's
 * temporary file "<path>.tmp.<pid>.<n>" (at most one); the file at path is then the previous complete
 * checkpoint. */
static void test_kill_and_resume_equals_the_uninterrupted_run(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(3, 1.0);
    char path[PATH_BYTES];
    in_dir(path, "killed.ckpt");
    unlink(path);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        child_run(lat, path);
    vs_sampler *probe = make_default(lat, 1);
    long long seen = 0;
    int loads = 0;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (now = t0; seen < 3 * KILL_EVERY && now.tv_sec - t0.tv_sec < 50;
         clock_gettime(CLOCK_MONOTONIC, &now)) {
        int st = vs_sampler_load(probe, path);
        if (st == VS_OK) {
            assert_int_equal(vs_sampler_sweeps(probe, &seen), VS_OK);
            loads++;
        } else if (strstr(vs_last_error(), "No such file") == NULL)
            fail_msg("a checkpoint being rewritten was read as: %s", vs_last_error());
        struct timespec ts = {0, 500000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0));
    assert_true(seen >= 3 * KILL_EVERY);
    int leftover = count_tmp_files_in(dir, 1);
    assert_true(leftover <= 1);

    vs_sampler *resumed = make_default(lat, 99);
    assert_int_equal(vs_sampler_load(resumed, path), VS_OK);
    long long n0;
    assert_int_equal(vs_sampler_sweeps(resumed, &n0), VS_OK);
    assert_true(n0 >= seen && n0 % KILL_EVERY == 0);
    const long extra = 7;
    assert_int_equal(vs_sampler_sweep(resumed, extra), VS_OK);
    vs_sampler *whole = make_default(lat, 21);
    assert_int_equal(vs_sampler_sweep(whole, (long)n0 + extra), VS_OK);
    assert_same_state(lat, resumed, whole);
    print_message("# child killed at >= %lld sweeps (%d successful probe loads, %d temporary file left), "
                  "resumed from %lld sweeps to %lld: bit-identical\n",
                  seen, loads, leftover, n0, n0 + extra);
    vs_sampler_free(probe);
    vs_sampler_free(resumed);
    vs_sampler_free(whole);
    vs_lattice_free(lat);
}

/* ---- Refusals ------------------------------------------------------------------------------------------ */

/* The payload of section `tag` in a checkpoint's bytes (walking the section table of checkpoint.h). */
static unsigned char *section(unsigned char *buf, size_t n, uint32_t tag, size_t *len)
{
    size_t off = 56;
    while (off + 16 <= n) {
        uint32_t t = (uint32_t)buf[off] | (uint32_t)buf[off + 1] << 8 | (uint32_t)buf[off + 2] << 16 |
                     (uint32_t)buf[off + 3] << 24;
        size_t l = (size_t)le64(buf + off + 8);
        if (t == tag) {
            *len = l;
            return buf + off + 16;
        }
        off += 16 + (l + 7) / 8 * 8;
    }
    fail_msg("section %08x not found", (unsigned)tag);
    return NULL;
}

/* load must fail with `code` and a message naming path and containing `what`. */
static void expect_refused(vs_sampler *s, const char *path, int code, const char *what)
{
    int st = vs_sampler_load(s, path);
    if (st != code || strstr(vs_last_error(), what) == NULL || strstr(vs_last_error(), path) == NULL)
        fail_msg("loading %s: status %d (want %d), message \"%s\" (want \"%s\")", path, st, code,
                 vs_last_error(), what);
}

/* A crafted copy of the good checkpoint: one 8-byte value of section tag, at index i, set to v; CRCs
 * resealed. Must be refused as inconsistent (VS_EIO, `what`). */
static void expect_crafted_refused(vs_sampler *s, const unsigned char *good, size_t n, uint32_t tag, size_t i,
                                   uint64_t v, const char *what)
{
    char path[PATH_BYTES];
    in_dir(path, "crafted.ckpt");
    unsigned char *buf = malloc(n);
    memcpy(buf, good, n);
    size_t len;
    unsigned char *p = section(buf, n, tag, &len);
    assert_true(8 * (i + 1) <= len);
    put_le64(p + 8 * i, v);
    reseal(buf, n);
    spill(path, buf, n);
    expect_refused(s, path, VS_EIO, what);
    free(buf);
}

static uint64_t dbl_bits(double x)
{
    uint64_t v;
    memcpy(&v, &x, 8);
    return v;
}

#define TAG(a, b, c, d)                                                                                      \
    ((uint32_t)(unsigned char)(a) | (uint32_t)(unsigned char)(b) << 8 | (uint32_t)(unsigned char)(c) << 16 | \
     (uint32_t)(unsigned char)(d) << 24)

/* Every bad file is refused with its status and message, and the sampler that refused them all runs
 * on exactly as its twin that never tried. */
static void test_bad_files_are_refused_and_leave_the_sampler_unchanged(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(3, 1.0);
    char good[PATH_BYTES], path[PATH_BYTES];
    in_dir(good, "good.ckpt");
    vs_sampler *src = make_default(lat, 5);
    run(src, 3);
    assert_int_equal(vs_sampler_save(src, good), VS_OK);
    size_t n;
    unsigned char *bytes = slurp(good, &n);
    unsigned char *buf = malloc(n);

    vs_sampler *s = make_default(lat, 6), *twin = make_default(lat, 6);
    assert_int_equal(vs_sampler_sweep(s, 2), VS_OK);
    assert_int_equal(vs_sampler_sweep(twin, 2), VS_OK);

    /* truncated at several lengths, empty */
    in_dir(path, "cut.ckpt");
    const size_t cuts[] = {n - 1, n / 2, 60, 40};
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        spill(path, bytes, cuts[k]);
        expect_refused(s, path, VS_EIO, "truncated");
    }
    spill(path, bytes, 0);
    expect_refused(s, path, VS_EIO, "empty");
    /* one bit flipped in the data and in the header */
    in_dir(path, "flipped.ckpt");
    const size_t flips[] = {n / 2, n - 3, 20};
    for (size_t k = 0; k < sizeof flips / sizeof *flips; k++) {
        memcpy(buf, bytes, n);
        buf[flips[k]] ^= 0x10;
        spill(path, buf, n);
        expect_refused(s, path, VS_EIO, "corrupted");
    }
    /* newer format version (CRCs valid) */
    memcpy(buf, bytes, n);
    buf[8] = 2;
    reseal(buf, n);
    spill(path, buf, n);
    expect_refused(s, path, VS_EUNSUPPORTED, "newer");
    /* not a checkpoint, a directory, a missing file */
    in_dir(path, "notes.txt");
    spill(path, "T = 0.4 0.7 1.2\n", 16);
    expect_refused(s, path, VS_EIO, "not a libvoigtspin checkpoint");
    expect_refused(s, dir, VS_EINVAL, "is a directory");
    in_dir(path, "missing.ckpt");
    expect_refused(s, path, VS_EIO, "No such file");

    /* foreign: another lattice, another U, another ladder, other options */
    vs_lattice *lat4 = dipolar_lattice(4, 1.0), *latu = dipolar_lattice(3, 1.5);
    const double other_ladder[NREP] = {0.4, 0.7, 1.3};
    vs_sampler *foreign[] = {
        make_default(lat4, 5),
        make_default(latu, 5),
        make(lat, other_ladder, VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 1, 1, 5),
        make(lat, ladder, VS_SAMPLER_HEATBATH, VS_SAMPLER_DELAYED, 1, 2, 5),
        make(lat, ladder, VS_SAMPLER_METROPOLIS, VS_SAMPLER_DELAYED, 1, 1, 5),
        make(lat, ladder, VS_SAMPLER_HEATBATH, VS_SAMPLER_PLAIN, 1, 1, 5),
        make(lat, ladder, VS_SAMPLER_HEATBATH, VS_SAMPLER_CLOCK, 1, 1, 5),
    };
    in_dir(path, "foreign.ckpt");
    for (size_t k = 0; k < sizeof foreign / sizeof *foreign; k++) {
        assert_int_equal(vs_sampler_save(foreign[k], path), VS_OK);
        expect_refused(s, path, VS_EINVAL, "was made for another lattice/ladder/options");
        if (k == 0)
            print_message("# %s\n", vs_last_error());
        vs_sampler_free(foreign[k]);
    }
    vs_lattice_free(lat4);
    vs_lattice_free(latu);

    /* crafted: intact framing and fingerprint, inconsistent contents (the sampler's own checks) */
    const uint32_t spin0 = TAG('C', 'S', 0, 0), slot_u = TAG('S', 'L', 'T', 'U'), list0 = TAG('C', 'L', 0, 0),
                   cnt0 = TAG('C', 'U', 0, 0), slot_f = TAG('S', 'L', 'T', 'F'), field1 = TAG('C', 'H', 1, 0),
                   xcnt = TAG('X', 'C', 'N', 'T'), sweeps = TAG('S', 'W', 'P', 'S');
    size_t len;
    section(bytes, n, list0, &len);
    assert_true(len >= 8); /* the save fell between refreshes: C is not empty */
    expect_crafted_refused(s, bytes, n, spin0, 4, dbl_bits(2.0), "norm");
    expect_crafted_refused(s, bytes, n, spin0, 4, dbl_bits(NAN), "norm");
    expect_crafted_refused(s, bytes, n, field1, 0, dbl_bits(INFINITY), "field entry");
    size_t ulen;
    uint64_t cfg_of_slot0 = le64(section(bytes, n, slot_u, &ulen) + 16);
    expect_crafted_refused(s, bytes, n, slot_u, 5, cfg_of_slot0, "hold the same configuration");
    expect_crafted_refused(s, bytes, n, slot_u, 2, 7, "holds configuration 7");
    expect_crafted_refused(s, bytes, n, slot_u, 0, 1, "proposed moves");
    expect_crafted_refused(s, bytes, n, slot_f, 2, dbl_bits(NAN), "Metropolis step");
    expect_crafted_refused(s, bytes, n, slot_f, 0, dbl_bits(0.5), "holds T");
    expect_crafted_refused(s, bytes, n, list0, 0, 27, "changed-site entry");
    expect_crafted_refused(s, bytes, n, cnt0, 1, REFRESH, "accepted moves since the refresh");
    expect_crafted_refused(s, bytes, n, xcnt, 0, 9, "exchanges");
    expect_crafted_refused(s, bytes, n, sweeps, 0, 4, "proposed moves");
    expect_crafted_refused(s, bytes, n, cnt0, 0, 28, "changed sites");
    /* the observables: measurement count (word 6 of vs__observe_pack's layout) not what the
     * accumulators hold */
    expect_crafted_refused(s, bytes, n, TAG('O', 'B', 'S', 'V'), 6, 1000, "observables");

    /* a section missing (its tag renamed; CRCs resealed) */
    in_dir(path, "crafted.ckpt");
    memcpy(buf, bytes, n);
    unsigned char *sw = section(buf, n, sweeps, &len);
    sw[-16 + 3] = 'X'; /* 'SWPS' → 'SWPX' */
    reseal(buf, n);
    spill(path, buf, n);
    expect_refused(s, path, VS_EIO, "is malformed");

    /* after all that, s runs on as its twin */
    assert_same_state(lat, s, twin);
    assert_int_equal(vs_sampler_sweep(s, 3), VS_OK);
    assert_int_equal(vs_sampler_sweep(twin, 3), VS_OK);
    assert_same_state(lat, s, twin);
    /* and the good file still loads (the refusals were not a broken reader) */
    assert_int_equal(vs_sampler_load(s, good), VS_OK);
    assert_same_state(lat, s, src);
    free(buf);
    free(bytes);
    vs_sampler_free(s);
    vs_sampler_free(twin);
    vs_sampler_free(src);
    vs_lattice_free(lat);
}

/* ---- Failed saves keep the previous checkpoint ---------------------------------------------------------- */

static void test_failed_save_keeps_the_previous_checkpoint(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(3, 1.0);
    vs_sampler *s = make_default(lat, 8);
    char path[PATH_BYTES];
    in_dir(path, "kept.ckpt");
    assert_int_equal(vs_sampler_save(s, path), VS_OK);
    size_t n;
    unsigned char *before = slurp(path, &n);
    assert_true(n > 8192);
    assert_int_equal(vs_sampler_sweep(s, 2), VS_OK);

    /* a full disk: a file size limit, SIGXFSZ ignored so that write(2) fails with EFBIG */
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 4096;
    void (*handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int st = vs_sampler_save(s, path);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, handler);
    assert_int_equal(st, VS_EIO);
    assert_non_null(strstr(vs_last_error(), "vs_sampler_save"));
    assert_non_null(strstr(vs_last_error(), path));
    assert_non_null(strstr(vs_last_error(), "File too large"));
    print_message("# %s\n", vs_last_error());
    size_t m;
    unsigned char *after = slurp(path, &m);
    assert_int_equal(m, n);
    assert_memory_equal(after, before, n);
    free(after);
    assert_int_equal(count_tmp_files_in(dir, 0), 0);

    /* an unwritable place: no such directory; a directory as path */
    char bad[PATH_BYTES];
    in_dir(bad, "no/such/dir/run.ckpt");
    assert_int_equal(vs_sampler_save(s, bad), VS_EIO);
    assert_non_null(strstr(vs_last_error(), "No such file or directory"));
    assert_non_null(strstr(vs_last_error(), bad));
    assert_int_equal(vs_sampler_save(s, dir), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "is a directory"));
    assert_int_equal(count_tmp_files_in(dir, 0), 0);

    /* the sampler is unchanged by failed saves: a successful one now equals that of a twin */
    vs_sampler *twin = make_default(lat, 8);
    assert_int_equal(vs_sampler_sweep(twin, 2), VS_OK);
    assert_same_state(lat, s, twin);
    vs_sampler_free(twin);
    free(before);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

/* ---- Bad input ------------------------------------------------------------------------------------------- */

static void test_bad_input_of_save_load_sweeps(void **state)
{
    (void)state;
    vs_lattice *lat = dipolar_lattice(2, 1.0);
    vs_sampler *s = make_default(lat, 3);
    char path[PATH_BYTES];
    in_dir(path, "bad-input.ckpt");
    long long n = -1;
    assert_int_equal(vs_sampler_sweeps(s, &n), VS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(vs_sampler_sweep(s, 3), VS_OK);
    assert_int_equal(vs_sampler_sweeps(s, &n), VS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(vs_sampler_sweeps(NULL, &n), VS_EINVAL);
    assert_int_equal(vs_sampler_sweeps(s, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_save(NULL, path), VS_EINVAL);
    assert_int_equal(vs_sampler_save(s, NULL), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "path"));
    assert_int_equal(vs_sampler_save(s, ""), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "empty"));
    assert_int_equal(vs_sampler_load(NULL, path), VS_EINVAL);
    assert_int_equal(vs_sampler_load(s, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_load(s, ""), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "empty"));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(vs_sampler_sweeps(s, &n), VS_OK);
    assert_int_equal(n, 3);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

/* ---- Test directory -------------------------------------------------------------------------------------- */

static int make_dir(void **state)
{
    (void)state;
    return make_test_dir(dir, sizeof dir, "vs-resume");
}

static int remove_dir(void **state)
{
    (void)state;
    return remove_test_dir(dir);
}

int main(void)
{
    /* the fork test first: the child then inherits no OpenMP thread pool */
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_kill_and_resume_equals_the_uninterrupted_run),
        cmocka_unit_test(test_resume_is_bit_identical),
        cmocka_unit_test(test_bad_files_are_refused_and_leave_the_sampler_unchanged),
        cmocka_unit_test(test_failed_save_keeps_the_previous_checkpoint),
        cmocka_unit_test(test_bad_input_of_save_load_sweeps),
    };
    return cmocka_run_group_tests_name("unit", unit, make_dir, remove_dir);
}
