/*
 * The sampler's checkpoint container (lib/sampler/checkpoint.c, internal, compiled into this test):
 * bit-identical round trips (doubles with −0.0, subnormals and NaN payloads; GSL generator states that
 * continue the same stream), the format pinned byte by byte, every damaged file refused with its own
 * message (cut at every length, one bit flipped at every position, foreign, newer, other fingerprint,
 * crafted section tables), and atomic writing: a failed write (file size limit, deterministic stand-in
 * for a full disk), an abort or a misuse leaves the previous checkpoint intact and no temporary file.
 *
 * Every file lives in a fresh directory under $TMPDIR (default /tmp), removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "testutil.h"
#include "sampler/checkpoint.h"
#include "ckpt_testutil.h"

#define FP    0x5eed5eed12345678ull
#define T_DBL VS__CKPT_TAG('D', 'B', 'L', 'S')
#define T_CNT VS__CKPT_TAG('C', 'N', 'T', 'S')
#define T_RAW VS__CKPT_TAG('R', 'A', 'W', ' ')
#define T_NIL VS__CKPT_TAG('N', 'I', 'L', ' ')
#define T_BIG VS__CKPT_TAG('B', 'I', 'G', ' ')

#define PATH_BYTES 1024

static char dir[512];         /* the test directory */
static char good[PATH_BYTES]; /* the small checkpoint of write_small(·, FP), written once */

static void in_dir(char *path, const char *name)
{
    snprintf(path, PATH_BYTES, "%s/%.400s", dir, name);
}

/* ---- Files as bytes ------------------------------------------------------------------------------ */

static void assert_same_file(const char *path, const unsigned char *want, size_t n)
{
    size_t m;
    unsigned char *got = slurp(path, &m);
    assert_int_equal(m, n);
    assert_memory_equal(got, want, n);
    free(got);
}

/* The bytes of the good checkpoint (*n of them, to free), and path = in_dir(name) for damaged copies. */
static unsigned char *good_bytes(char *path, const char *name, size_t *n)
{
    in_dir(path, name);
    return slurp(good, n);
}

/* vs__ckpt_read must refuse with `code` and a message naming the path and containing `what`. */
static void expect_refused(const char *path, uint64_t fp, int code, const char *what)
{
    vs__ckpt *c = (vs__ckpt *)&c;
    int st = vs__ckpt_read(path, fp, &c);
    if (st != code || strstr(vs_last_error(), what) == NULL || strstr(vs_last_error(), path) == NULL)
        fail_msg("reading %s: status %d (want %d), message \"%s\" (want \"%s\")", path, st, code,
                 vs_last_error(), what);
    assert_null(c);
}

/* ---- The sample checkpoint ------------------------------------------------------------------------ */

static uint64_t dbl_bits(double x)
{
    uint64_t v;
    memcpy(&v, &x, 8);
    return v;
}

static double bits_dbl(uint64_t v)
{
    double x;
    memcpy(&x, &v, 8);
    return x;
}

#define NDBL 14
static void special_doubles(double *d)
{
    const uint64_t nan_bits[3] = {0x7ff8000000000123ull, 0xfff0000000000001ull, 0x7ff4000000abcdefull};
    const double plain[NDBL - 3] = {
        0.0,     -0.0,     DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MIN,   0x1.fffffffffffffp-1023,
        DBL_MAX, INFINITY, -INFINITY,    M_PI,          -1.0 / 3.0};
    memcpy(d, plain, sizeof plain);
    for (int i = 0; i < 3; i++)
        d[NDBL - 3 + i] = bits_dbl(nan_bits[i]);
}

static const uint64_t counts[4] = {0, 1, UINT64_MAX, 0x0123456789abcdefull};
static const char raw[5] = {'h', 'e', 'l', 'l', 'o'};

/* Four small sections (≈ 200 bytes): the file the damage tests take apart. */
static int write_small(const char *path, uint64_t fp)
{
    double d[NDBL];
    special_doubles(d);
    vs__ckpt_writer *w;
    int st = vs__ckpt_writer_open(path, fp, &w);
    if (st != VS_OK)
        return st;
    if ((st = vs__ckpt_put_f64(w, T_DBL, d, NDBL)) == VS_OK &&
        (st = vs__ckpt_put_u64(w, T_CNT, counts, 4)) == VS_OK &&
        (st = vs__ckpt_put(w, T_RAW, raw, sizeof raw)) == VS_OK &&
        (st = vs__ckpt_put(w, T_NIL, NULL, 0)) == VS_OK)
        return vs__ckpt_commit(w);
    vs__ckpt_abort(w);
    return st;
}

/* ---- Round trips ---------------------------------------------------------------------------------- */

/* CRC-64/XZ one bit at a time, straight from its definition: the independent route. */
static uint64_t crc64_bitwise(const unsigned char *p, size_t n)
{
    uint64_t c = ~0ull;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ ((c & 1u) ? 0xc96c5795d7870f42ull : 0u);
    }
    return ~c;
}

static void test_crc64_is_crc64_xz(void **state)
{
    (void)state;
    assert_true(vs__ckpt_crc64(0, "123456789", 9) == 0x995dc9bbdf1939faull); /* the catalogue's check value */
    assert_true(vs__ckpt_crc64(0, "", 0) == 0);
    unsigned char buf[300];
    uint64_t rs = 7;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(tu_uniform(&rs) * 256.0);
    /* Every length and start (alignment), and chaining at every split point. */
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= sizeof buf; n++)
            assert_true(vs__ckpt_crc64(0, buf + off, n) == crc64_bitwise(buf + off, n));
    const uint64_t whole = crc64_bitwise(buf, sizeof buf);
    for (size_t k = 0; k <= sizeof buf; k++)
        assert_true(vs__ckpt_crc64(vs__ckpt_crc64(0, buf, k), buf + k, sizeof buf - k) == whole);
}

static void test_round_trip_is_bit_identical(void **state)
{
    (void)state;
    char path[PATH_BYTES];
    in_dir(path, "round.ckpt");
    enum { NBIG = 20000 }; /* 160 kB: crosses the writer's 64 kB buffer several times */
    double *big = malloc(NBIG * sizeof *big), *back = malloc(NBIG * sizeof *back);
    assert_non_null(big);
    assert_non_null(back);
    uint64_t rs = 42;
    for (int i = 0; i < NBIG; i++)
        big[i] = tu_normal(&rs) * pow(2.0, (double)(i % 2000 - 1000));
    double d[NDBL], dback[NDBL];
    special_doubles(d);

    vs__ckpt_writer *w;
    assert_int_equal(vs__ckpt_writer_open(path, FP, &w), VS_OK);
    assert_int_equal(vs__ckpt_put_f64(w, T_DBL, d, NDBL), VS_OK);
    assert_int_equal(vs__ckpt_put_f64(w, T_BIG, big, NBIG), VS_OK);
    assert_int_equal(vs__ckpt_put_u64(w, T_CNT, counts, 4), VS_OK);
    assert_int_equal(vs__ckpt_put(w, T_RAW, raw, sizeof raw), VS_OK);
    assert_int_equal(vs__ckpt_put(w, T_NIL, NULL, 0), VS_OK);
    assert_int_equal(vs__ckpt_commit(w), VS_OK);
    assert_int_equal(count_tmp_files_in(dir, 0), 0);

    vs__ckpt *c;
    assert_int_equal(vs__ckpt_read(path, FP, &c), VS_OK);
    assert_true(vs__ckpt_fingerprint(c) == FP);
    assert_int_equal(vs__ckpt_get_f64(c, T_DBL, dback, NDBL), VS_OK);
    for (int i = 0; i < NDBL; i++)
        if (dbl_bits(dback[i]) != dbl_bits(d[i]))
            fail_msg("double %d: bits %016llx, wrote %016llx", i, (unsigned long long)dbl_bits(dback[i]),
                     (unsigned long long)dbl_bits(d[i]));
    assert_int_equal(vs__ckpt_get_f64(c, T_BIG, back, NBIG), VS_OK);
    assert_memory_equal(back, big, NBIG * sizeof *big);
    uint64_t cback[4];
    assert_int_equal(vs__ckpt_get_u64(c, T_CNT, cback, 4), VS_OK);
    assert_memory_equal(cback, counts, sizeof counts);
    const void *p;
    size_t len;
    assert_int_equal(vs__ckpt_get(c, T_RAW, &p, &len), VS_OK);
    assert_int_equal(len, sizeof raw);
    assert_memory_equal(p, raw, sizeof raw);
    assert_int_equal(vs__ckpt_get(c, T_NIL, &p, &len), VS_OK);
    assert_int_equal(len, 0);
    assert_true(vs__ckpt_has(c, T_NIL));
    assert_false(vs__ckpt_has(c, VS__CKPT_TAG('N', 'O', 'P', 'E')));

    /* The getters check what the caller expects. */
    assert_int_equal(vs__ckpt_get_u64(c, T_CNT, cback, 3), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "section 'CNTS' holds 32 bytes, expected 24"));
    assert_int_equal(vs__ckpt_get_f64(c, VS__CKPT_TAG('N', 'O', 'P', 'E'), dback, 1), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "no section 'NOPE'"));
    assert_int_equal(vs__ckpt_get(c, 7u, &p, &len), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "no section 0x00000007"));
    vs__ckpt_free(c);
    vs__ckpt_free(NULL);
    free(big);
    free(back);
}

/* The layout of checkpoint.h, byte by byte: little-endian fields at fixed offsets, padded payloads. */
static void test_format_is_pinned_byte_by_byte(void **state)
{
    (void)state;
    char path[PATH_BYTES];
    in_dir(path, "pinned.ckpt");
    vs__ckpt_writer *w;
    const uint64_t v = 0x0102030405060708ull;
    assert_int_equal(vs__ckpt_writer_open(path, 0x1122334455667788ull, &w), VS_OK);
    assert_int_equal(vs__ckpt_put_u64(w, VS__CKPT_TAG('A', 'B', 'C', 'D'), &v, 1), VS_OK);
    assert_int_equal(vs__ckpt_put(w, VS__CKPT_TAG('E', 'F', 'G', 'H'), "xyz", 3), VS_OK);
    assert_int_equal(vs__ckpt_commit(w), VS_OK);
    size_t n;
    unsigned char *b = slurp(path, &n);
    const unsigned char want[] = {
        0x89, 'V',  'S',  'C',  'K',  'P',  'T',  '\n', 1, 0, 0, 0, 4, 3, 2, 1, /* magic, version, order */
        0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,                         /* fingerprint */
        104,  0,    0,    0,    0,    0,    0,    0,    2, 0, 0, 0, 0, 0, 0, 0, /* size, sections, reserved */
    };
    assert_int_equal(n, 104);
    assert_memory_equal(b, want, sizeof want);
    assert_true(le64(b + 40) == vs__ckpt_crc64(0, b + 56, n - 56));
    assert_true(le64(b + 48) == vs__ckpt_crc64(0, b, 48));
    const unsigned char sections[] = {
        'A', 'B', 'C', 'D', 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 8,   7,   6,   5, 4, 3, 2, 1,
        'E', 'F', 'G', 'H', 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 'x', 'y', 'z', 0, 0, 0, 0, 0,
    };
    assert_memory_equal(b + 56, sections, sizeof sections);
    free(b);
}

/* Every GSL generator type: the restored generator continues the interrupted stream exactly. */
static void test_rng_state_round_trip_continues_the_stream(void **state)
{
    (void)state;
    char path[PATH_BYTES];
    in_dir(path, "rng.ckpt");
    const gsl_rng_type **types = gsl_rng_types_setup();
    enum { NDRAW = 1000 };
    vs__ckpt_writer *w;
    assert_int_equal(vs__ckpt_writer_open(path, FP, &w), VS_OK);
    int ntypes = 0;
    unsigned long(*ref)[NDRAW] = calloc(128, sizeof *ref);
    assert_non_null(ref);
    for (; types[ntypes] != NULL && ntypes < 128; ntypes++) {
        gsl_rng *r = gsl_rng_alloc(types[ntypes]);
        gsl_rng_set(r, 12345u + (unsigned long)ntypes);
        for (int k = 0; k < 37 + ntypes; k++)
            gsl_rng_get(r);
        assert_int_equal(vs__ckpt_put_rng(w, (uint32_t)ntypes, r), VS_OK);
        for (int k = 0; k < NDRAW; k++)
            ref[ntypes][k] = gsl_rng_get(r);
        gsl_rng_free(r);
    }
    assert_int_equal(vs__ckpt_commit(w), VS_OK);
    vs__ckpt *c;
    assert_int_equal(vs__ckpt_read(path, FP, &c), VS_OK);
    for (int t = 0; t < ntypes; t++) {
        gsl_rng *r = gsl_rng_alloc(types[t]);
        gsl_rng_set(r, 999u);
        assert_int_equal(vs__ckpt_get_rng(c, (uint32_t)t, r), VS_OK);
        for (int k = 0; k < NDRAW; k++)
            if (gsl_rng_get(r) != ref[t][k])
                fail_msg("generator %s: draw %d differs after restore", gsl_rng_name(r), k);
        gsl_rng_free(r);
    }
    print_message("# %d GSL generator types restored bit-identically\n", ntypes);
    /* A state restores only into a generator of the same type. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    int mt = -1;
    for (int t = 0; t < ntypes; t++)
        if (types[t] == gsl_rng_mt19937)
            mt = t;
    assert_true(mt >= 0);
    assert_int_equal(vs__ckpt_get_rng(c, (uint32_t)mt, r), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "'mt19937' generator, r is 'taus2'"));
    assert_int_equal(vs__ckpt_get_rng(c, (uint32_t)ntypes, r), VS_EINVAL); /* absent */
    vs__ckpt_free(c);

    /* A section that is not a generator state. */
    assert_int_equal(vs__ckpt_read(good, FP, &c), VS_OK);
    assert_int_equal(vs__ckpt_get_rng(c, T_RAW, r), VS_EIO);
    assert_non_null(strstr(vs_last_error(), "section 'RAW ' is not a generator state"));
    vs__ckpt_free(c);

    /* A state whose raw bytes were written on a host of the other byte order: the first section (type
     * 0) gets its host-order tag reversed, and the file is resealed. */
    size_t n;
    unsigned char *b = slurp(path, &n);
    assert_int_equal(b[56 + 16 + 4], 0x04); /* written on this little-endian host */
    memcpy(b + 56 + 16 + 4, "\x01\x02\x03\x04", 4);
    reseal(b, n);
    spill(path, b, n);
    assert_int_equal(vs__ckpt_read(path, FP, &c), VS_OK);
    gsl_rng *r0 = gsl_rng_alloc(types[0]);
    assert_int_equal(vs__ckpt_get_rng(c, 0, r0), VS_EUNSUPPORTED);
    assert_non_null(strstr(vs_last_error(), "another byte order"));
    gsl_rng_free(r0);
    gsl_rng_free(r);
    vs__ckpt_free(c);
    free(b);
    free(ref);
}

/* ---- Damaged, foreign and mismatched files --------------------------------------------------------- */

static void test_truncated_at_every_length_is_refused(void **state)
{
    (void)state;
    size_t n;
    char cut[PATH_BYTES];
    unsigned char *b = good_bytes(cut, "cut.ckpt", &n);
    for (size_t k = 0; k < n; k++) {
        spill(cut, b, k);
        expect_refused(cut, FP, VS_EIO, k == 0 ? "is empty" : "is truncated");
    }
    print_message("# %zu cut lengths refused, e.g. \"%s\"\n", n, vs_last_error());
    spill(cut, b, n);
    vs__ckpt *c;
    assert_int_equal(vs__ckpt_read(cut, FP, &c), VS_OK);
    vs__ckpt_free(c);
    free(b);
}

static void test_every_flipped_bit_is_refused(void **state)
{
    (void)state;
    size_t n;
    char bad[PATH_BYTES];
    unsigned char *b = good_bytes(bad, "flip.ckpt", &n);
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (unsigned char)(1u << bit);
            spill(bad, b, n);
            if (i < 8)
                expect_refused(bad, FP, VS_EIO, "is not a libvoigtspin checkpoint");
            else if (i < 12 && bit + 8 * (i - 8) > 0) /* version 1 → a larger number */
                expect_refused(bad, FP, VS_EUNSUPPORTED, "newer than this library reads");
            else
                expect_refused(bad, FP, VS_EIO, "is corrupted");
            b[i] ^= (unsigned char)(1u << bit);
        }
    print_message("# %zu single-bit flips refused\n", 8 * n);
    free(b);
}

static void test_foreign_newer_and_mismatched_files_are_refused(void **state)
{
    (void)state;
    size_t n;
    char path[PATH_BYTES];
    unsigned char *b = good_bytes(path, "other.ckpt", &n);

    const char *script = "#!/bin/sh\necho this is not a checkpoint at all\n";
    spill(path, script, strlen(script));
    expect_refused(path, FP, VS_EIO, "is not a libvoigtspin checkpoint (foreign file");
    spill(path, "", 0);
    expect_refused(path, FP, VS_EIO, "is empty");

    b[8] = 2; /* format version 2, header resealed: a file from a future library */
    reseal(b, n);
    spill(path, b, n);
    expect_refused(path, FP, VS_EUNSUPPORTED, "format version 2, newer than this library reads (1)");
    b[8] = 1;
    memcpy(b + 12, "\x01\x02\x03\x04", 4); /* a big-endian writer */
    reseal(b, n);
    spill(path, b, n);
    expect_refused(path, FP, VS_EUNSUPPORTED, "big-endian");
    memcpy(b + 12, "\x04\x03\x02\x01", 4);
    reseal(b, n);
    spill(path, b, n);
    vs__ckpt *c;
    assert_int_equal(vs__ckpt_read(path, FP, &c), VS_OK);
    vs__ckpt_free(c);

    expect_refused(good, FP + 1, VS_EINVAL, "made for another lattice, coupling or options");
    assert_non_null(strstr(vs_last_error(), "fingerprint 0x5eed5eed12345678, expected 0x5eed5eed12345679"));
    print_message("# %s\n", vs_last_error());
    expect_refused(dir, FP, VS_EINVAL, "is a directory");
    in_dir(path, "missing.ckpt");
    expect_refused(path, FP, VS_EIO, "No such file or directory");
    c = (vs__ckpt *)&c;
    assert_int_equal(vs__ckpt_read(NULL, FP, &c), VS_EINVAL);
    assert_null(c);
    assert_int_equal(vs__ckpt_read("", FP, &c), VS_EINVAL);
    assert_int_equal(vs__ckpt_read(good, FP, NULL), VS_EINVAL);
    free(b);
}

/* Section tables that pass both CRCs but lie: refused as malformed, never read out of bounds. */
static void test_crafted_section_tables_are_refused(void **state)
{
    (void)state;
    size_t n;
    char path[PATH_BYTES];
    unsigned char *b = good_bytes(path, "crafted.ckpt", &n), *x = malloc(n + 16);
    assert_non_null(x);
    const size_t len0 = 56 + 8; /* the first section's length field */
    const struct {
        size_t at;
        uint64_t value;
        int width;
        const char *what;
    } lies[] = {
        {len0, UINT64_MAX - 3, 8, "claims"}, /* offset + length wraps around */
        {len0, UINT64_MAX, 8, "claims"},
        {len0, (uint64_t)n, 8, "claims"},                 /* past the end */
        {len0, 8 * NDBL - 8, 8, "section 2"},             /* the chain derails into payload bytes */
        {32, 3, 4, "after the last section"},             /* one section fewer than present */
        {32, 5, 4, "section 5 of 5 starts past the end"}, /* one more */
        {32, 14, 4, "cannot fit"},                        /* more than 16-byte heads could fill */
        {32, 0xffffffffu, 4, "cannot fit"},
        {56 + 4, 1, 4, "reserved field set"},
    };
    for (size_t k = 0; k < sizeof lies / sizeof lies[0]; k++) {
        memcpy(x, b, n);
        for (int i = 0; i < lies[k].width; i++)
            x[lies[k].at + (size_t)i] = (unsigned char)(lies[k].value >> (8 * i));
        reseal(x, n);
        spill(path, x, n);
        expect_refused(path, FP, VS_EIO, "is malformed");
        assert_non_null(strstr(vs_last_error(), lies[k].what));
    }
    /* The last payload fits, its padding does not: drop the empty last section and 3 padding bytes. */
    memcpy(x, b, n);
    x[32] = 3;
    reseal(x, n - 19);
    spill(path, x, n - 19);
    expect_refused(path, FP, VS_EIO, "section 3 claims 5 bytes, 5 remain");
    /* The same tag twice. */
    memcpy(x, b, n);
    memcpy(x + 56 + 16 + 8 * NDBL, x + 56, 4);
    reseal(x, n);
    spill(path, x, n);
    expect_refused(path, FP, VS_EIO, "section 'DBLS' twice");
    /* Data after the last section, size field and CRCs made to agree. */
    memcpy(x, b, n);
    memset(x + n, 0, 16);
    reseal(x, n + 16);
    spill(path, x, n + 16);
    expect_refused(path, FP, VS_EIO, "16 bytes after the last section");
    free(x);
    free(b);
}

/* ---- Atomic writing ---------------------------------------------------------------------------------- */

/* Write NBIG doubles under a file size limit of `limit` bytes (SIGXFSZ ignored, so write(2) fails with
 * EFBIG: a deterministic full disk). Returns the first failing status; the limit is lifted again. */
static int write_under_limit(const char *path, rlim_t limit, size_t nbig)
{
    double *big = calloc(nbig, sizeof *big);
    assert_non_null(big);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = limit;
    void (*handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    vs__ckpt_writer *w;
    int st = vs__ckpt_writer_open(path, FP, &w);
    int st_put = VS_OK, st_after = VS_OK, st_commit = VS_OK;
    if (st == VS_OK) {
        st_put = vs__ckpt_put_f64(w, T_BIG, big, nbig);
        st_after = vs__ckpt_put_u64(w, T_CNT, counts, 4);
        st_commit = vs__ckpt_commit(w);
    }
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, handler);
    free(big);
    assert_int_equal(st, VS_OK);
    /* Once failed, always failed: later puts and the commit repeat the first failure. */
    if (st_put != VS_OK)
        assert_int_equal(st_after, st_put);
    if (st_put != VS_OK)
        assert_int_equal(st_commit, st_put);
    return st_commit;
}

static void test_failed_write_keeps_the_previous_checkpoint(void **state)
{
    (void)state;
    char path[PATH_BYTES];
    size_t n;
    unsigned char *before = good_bytes(path, "kept.ckpt", &n);
    spill(path, before, n); /* the previous checkpoint */
    /* (a) fails inside a put (the 64 kB buffer overflows the 4 kB limit); (b) fails at the commit's flush. */
    const size_t nbig[2] = {20000, 1000};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(write_under_limit(path, 4096, nbig[k]), VS_EIO);
        assert_non_null(strstr(vs_last_error(), "cannot write the checkpoint"));
        assert_non_null(strstr(vs_last_error(), path));
        assert_non_null(strstr(vs_last_error(), "File too large"));
        if (k == 0)
            print_message("# %s\n", vs_last_error());
        assert_same_file(path, before, n);
        assert_int_equal(count_tmp_files_in(dir, 0), 0);
    }
    vs__ckpt *c;
    assert_int_equal(vs__ckpt_read(path, FP, &c), VS_OK);
    vs__ckpt_free(c);
    free(before);
}

static void test_abort_and_misuse_keep_the_previous_checkpoint(void **state)
{
    (void)state;
    char path[PATH_BYTES];
    size_t n;
    unsigned char *before = good_bytes(path, "kept.ckpt", &n);
    spill(path, before, n); /* the previous checkpoint */
    vs__ckpt_writer *w;

    assert_int_equal(vs__ckpt_writer_open(path, FP + 1, &w), VS_OK);
    assert_int_equal(vs__ckpt_put_u64(w, T_CNT, counts, 4), VS_OK);
    assert_int_equal(count_tmp_files_in(dir, 0), 1);
    vs__ckpt_abort(w);
    vs__ckpt_abort(NULL);
    assert_same_file(path, before, n);
    assert_int_equal(count_tmp_files_in(dir, 0), 0);

    /* A duplicate tag ends the checkpoint at once; the commit repeats the first message. */
    assert_int_equal(vs__ckpt_writer_open(path, FP + 1, &w), VS_OK);
    assert_int_equal(vs__ckpt_put_u64(w, T_CNT, counts, 4), VS_OK);
    assert_int_equal(vs__ckpt_put_u64(w, T_CNT, counts, 4), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "section 'CNTS' is already in the checkpoint"));
    assert_int_equal(count_tmp_files_in(dir, 0), 0);
    assert_int_equal(vs__ckpt_put(w, T_RAW, raw, sizeof raw), VS_EINVAL);
    assert_int_equal(vs__ckpt_commit(w), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "section 'CNTS' is already in the checkpoint"));
    assert_same_file(path, before, n);

    assert_int_equal(vs__ckpt_writer_open(path, FP + 1, &w), VS_OK);
    assert_int_equal(vs__ckpt_put(w, T_RAW, NULL, 3), VS_EINVAL);
    assert_int_equal(vs__ckpt_put_f64(w, T_DBL, NULL, 3), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "data is NULL"));
    vs__ckpt_abort(w);
    assert_int_equal(vs__ckpt_writer_open(path, FP + 1, &w), VS_OK);
    assert_int_equal(vs__ckpt_put_rng(w, T_RAW, NULL), VS_EINVAL);
    assert_int_equal(vs__ckpt_commit(w), VS_EINVAL);
    assert_same_file(path, before, n);
    assert_int_equal(count_tmp_files_in(dir, 0), 0);

    /* A successful commit replaces the file; of two writers open at once (distinct temporary files),
     * the later commit wins. */
    vs__ckpt_writer *w2;
    const uint64_t one = 1, two = 2;
    assert_int_equal(vs__ckpt_writer_open(path, FP + 1, &w), VS_OK);
    assert_int_equal(vs__ckpt_writer_open(path, FP + 1, &w2), VS_OK);
    assert_int_equal(count_tmp_files_in(dir, 0), 2);
    assert_int_equal(vs__ckpt_put_u64(w, T_CNT, &one, 1), VS_OK);
    assert_int_equal(vs__ckpt_put_u64(w2, T_CNT, &two, 1), VS_OK);
    assert_int_equal(vs__ckpt_commit(w), VS_OK);
    assert_int_equal(vs__ckpt_commit(w2), VS_OK);
    vs__ckpt *c;
    uint64_t got;
    assert_int_equal(vs__ckpt_read(path, FP + 1, &c), VS_OK);
    assert_int_equal(vs__ckpt_get_u64(c, T_CNT, &got, 1), VS_OK);
    assert_int_equal(got, 2);
    vs__ckpt_free(c);
    assert_int_equal(count_tmp_files_in(dir, 0), 0);
    free(before);
}

static void test_unwritable_paths_are_refused(void **state)
{
    (void)state;
    vs__ckpt_writer *w = (vs__ckpt_writer *)&w;
    char path[PATH_BYTES];
    in_dir(path, "no/such/dir/run.ckpt");
    assert_int_equal(vs__ckpt_writer_open(path, FP, &w), VS_EIO);
    assert_null(w);
    assert_non_null(strstr(vs_last_error(), "cannot create a temporary file beside"));
    assert_non_null(strstr(vs_last_error(), path));
    assert_non_null(strstr(vs_last_error(), "No such file or directory"));
    print_message("# %s\n", vs_last_error());
    assert_int_equal(vs__ckpt_writer_open(dir, FP, &w), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "is a directory"));
    in_dir(path, "x/");
    assert_int_equal(vs__ckpt_writer_open(path, FP, &w), VS_EINVAL);
    assert_int_equal(vs__ckpt_writer_open("/dev/null", FP, &w), VS_EINVAL);
    assert_non_null(strstr(vs_last_error(), "not a regular file"));
    assert_int_equal(vs__ckpt_writer_open("", FP, &w), VS_EINVAL);
    assert_int_equal(vs__ckpt_writer_open(NULL, FP, &w), VS_EINVAL);
    assert_int_equal(vs__ckpt_writer_open(path, FP, NULL), VS_EINVAL);
    assert_int_equal(vs__ckpt_put(NULL, T_RAW, raw, 1), VS_EINVAL);
    assert_int_equal(vs__ckpt_commit(NULL), VS_EINVAL);
    assert_int_equal(count_tmp_files_in(dir, 0), 0);
}

/* ---- Test directory ---------------------------------------------------------------------------------- */

static int make_dir(void **state)
{
    (void)state;
    if (make_test_dir(dir, sizeof dir, "vs-ckpt") != 0)
        return -1;
    in_dir(good, "good.ckpt");
    return write_small(good, FP) == VS_OK ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    return remove_test_dir(dir);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_crc64_is_crc64_xz),
        cmocka_unit_test(test_round_trip_is_bit_identical),
        cmocka_unit_test(test_format_is_pinned_byte_by_byte),
        cmocka_unit_test(test_rng_state_round_trip_continues_the_stream),
        cmocka_unit_test(test_truncated_at_every_length_is_refused),
        cmocka_unit_test(test_every_flipped_bit_is_refused),
        cmocka_unit_test(test_foreign_newer_and_mismatched_files_are_refused),
        cmocka_unit_test(test_crafted_section_tables_are_refused),
        cmocka_unit_test(test_failed_write_keeps_the_previous_checkpoint),
        cmocka_unit_test(test_abort_and_misuse_keep_the_previous_checkpoint),
        cmocka_unit_test(test_unwritable_paths_are_refused),
    };
    (void)argc;
    (void)argv;
    return cmocka_run_group_tests_name("unit", unit, make_dir, remove_dir);
}
