/*
 * Checkpoint container (issue 11): tagged sections in a versioned, byte-order-tagged file with CRC-64
 * checks, written atomically. checkpoint.h describes the format, the guarantees and the status codes.
 *
 * Why the file is never lost: the new state goes to a temporary file beside the target, which only
 * replaces the target by rename(2) after it is complete and fsync'ed (rename is atomic within a
 * directory on POSIX file systems, so a reader sees the old file or the new one, never a mixture);
 * every failing write removes the temporary file at once. The same job as tools/cli_file.c, without
 * printing: failures are recorded with vs__error.
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/internal.h"
#include "sampler/checkpoint.h"

/* Doubles are stored as their bit patterns, which is portable only between IEEE binary64 hosts. */
_Static_assert(FLT_RADIX == 2 && DBL_MANT_DIG == 53 && DBL_MAX_EXP == 1024 && sizeof(double) == 8,
               "checkpoints store IEEE-754 binary64 bit patterns");

#define BYTE_ORDER_TAG 0x01020304u
#define SECTION_HEAD   16u /* u32 tag, u32 reserved, u64 length */
#define WRITE_BUF      (1u << 16)
#define MSG_BYTES      512

static const unsigned char magic[8] = {0x89, 'V', 'S', 'C', 'K', 'P', 'T', '\n'};

static size_t padding(uint64_t len)
{
    return (size_t)((8u - (len & 7u)) & 7u);
}

/* ---- CRC-64/XZ ----------------------------------------------------------------------------------
 * Reflected ECMA-182 polynomial 0xC96C5795D7870F42, init and final xor all ones. Slicing-by-8
 * (eight bytes per step through eight 256-entry tables, as xz and zlib do it): the state of a
 * checkpoint is hundreds of MB, and a byte-at-a-time CRC would cost more than the write. The tables
 * are built once per process (pthread_once: thread-safe, nothing for the host to call). */
#define CRC64_POLY 0xc96c5795d7870f42u

static uint64_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint64_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ ((c & 1u) ? CRC64_POLY : 0u);
        crc_table[0][i] = c;
    }
    /* crc_table[k][i]: byte i followed by k zero bytes. */
    for (unsigned i = 0; i < 256; i++)
        for (int k = 1; k < 8; k++)
            crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^ crc_table[0][crc_table[k - 1][i] & 0xffu];
}

uint64_t vs__ckpt_crc64(uint64_t crc, const void *data, size_t n)
{
    pthread_once(&crc_once, crc_init);
    const unsigned char *p = data;
    crc = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        crc ^= vs__le64(p);
        crc = crc_table[7][crc & 0xffu] ^ crc_table[6][(crc >> 8) & 0xffu] ^
              crc_table[5][(crc >> 16) & 0xffu] ^ crc_table[4][(crc >> 24) & 0xffu] ^
              crc_table[3][(crc >> 32) & 0xffu] ^ crc_table[2][(crc >> 40) & 0xffu] ^
              crc_table[1][(crc >> 48) & 0xffu] ^ crc_table[0][crc >> 56];
    }
    for (; n > 0; n--, p++)
        crc = (crc >> 8) ^ crc_table[0][(crc ^ *p) & 0xffu];
    return ~crc;
}

/* ---- Messages ------------------------------------------------------------------------------------ */

/* strerror(err), thread-safe: strerror_r in whichever flavour the C library declares. */
static const char *errno_text(int err, char *text, size_t n)
{
#if defined(_GNU_SOURCE)
    return strerror_r(err, text, n);
#else
    return strerror_r(err, text, n) == 0 ? text : "unknown error";
#endif
}

/* A failing system call: VS_EIO with "func: cannot <what> <path>: <strerror>". */
static int sys_error(const char *func, const char *what, const char *path, int err)
{
    char text[128];
    return vs__error(VS_EIO, "%s: cannot %s %s: %s", func, what, path, errno_text(err, text, sizeof text));
}

/* A tag as text: 'SPIN' when printable, else 0x…. */
static const char *tag_text(uint32_t tag, char out[16])
{
    unsigned char c[4];
    vs__put_le32(c, tag);
    int printable = 1;
    for (int i = 0; i < 4; i++)
        printable &= c[i] >= 0x20 && c[i] < 0x7f && c[i] != '\'';
    if (printable)
        snprintf(out, 16, "'%c%c%c%c'", c[0], c[1], c[2], c[3]);
    else
        snprintf(out, 16, "0x%08x", (unsigned)tag);
    return out;
}

static char *copy_string(const char *s, size_t extra, int *status)
{
    size_t n = strlen(s);
    char *d = vs__calloc(n + extra + 1, 1, status);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* ---- Writer -------------------------------------------------------------------------------------- */

struct vs__ckpt_writer {
    int fd;           /* temporary file, -1 once closed */
    int status;       /* the first failure; VS_OK while healthy */
    char *path, *tmp; /* tmp = NULL once removed or renamed */
    uint64_t fingerprint;
    uint64_t size; /* bytes in the file so far (header included) */
    uint64_t crc;  /* CRC-64 of the section bytes written so far */
    uint32_t nsections;
    uint32_t *tags;
    size_t tags_cap;
    size_t nbuf;
    char msg[MSG_BYTES];
    unsigned char buf[WRITE_BUF];
};

/* Distinguishes the temporary files of concurrent writers of one process. */
static atomic_uint tmp_counter;

/* Remove the temporary file (if still there) and close it. */
static void discard_tmp(vs__ckpt_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    if (w->tmp != NULL)
        unlink(w->tmp);
    vs__free(w->tmp);
    w->tmp = NULL;
}

/* Record the first failure: keep its message, remove the temporary file at once. Returns st. */
static int writer_fail(vs__ckpt_writer *w, int st)
{
    if (st != VS_OK && w->status == VS_OK) {
        w->status = st;
        snprintf(w->msg, sizeof w->msg, "%s", vs_last_error());
        discard_tmp(w);
    }
    return st;
}

/* The first failure again (its message re-recorded, since later calls may have replaced it). */
static int writer_failed(const vs__ckpt_writer *w)
{
    return vs__error(w->status, "%s", w->msg);
}

static int write_all(int fd, const unsigned char *p, size_t n, off_t *at)
{
    while (n > 0) {
        ssize_t k = at != NULL ? pwrite(fd, p, n, *at) : write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? errno : ENOSPC;
        p += k;
        n -= (size_t)k;
        if (at != NULL)
            *at += k;
    }
    return 0;
}

static int flush_buf(vs__ckpt_writer *w, const char *func)
{
    if (w->status != VS_OK)
        return w->status;
    w->crc = vs__ckpt_crc64(w->crc, w->buf, w->nbuf);
    int err = write_all(w->fd, w->buf, w->nbuf, NULL);
    if (err != 0)
        return writer_fail(w, sys_error(func, "write the checkpoint", w->path, err));
    w->size += w->nbuf;
    w->nbuf = 0;
    return VS_OK;
}

/* Append n bytes to the section area. */
static int emit(vs__ckpt_writer *w, const void *data, size_t n, const char *func)
{
    const unsigned char *p = data;
    while (n > 0 && w->status == VS_OK) {
        if (w->nbuf == WRITE_BUF && flush_buf(w, func) != VS_OK)
            break;
        size_t k = WRITE_BUF - w->nbuf < n ? WRITE_BUF - w->nbuf : n;
        memcpy(w->buf + w->nbuf, p, k);
        w->nbuf += k;
        p += k;
        n -= k;
    }
    return w->status;
}

static int emit_u64(vs__ckpt_writer *w, uint64_t v, const char *func)
{
    if (WRITE_BUF - w->nbuf < 8 && flush_buf(w, func) != VS_OK)
        return w->status;
    vs__put_le64(w->buf + w->nbuf, v);
    w->nbuf += 8;
    return VS_OK;
}

static int remember_tag(vs__ckpt_writer *w, uint32_t tag, const char *func)
{
    char t[16];
    for (uint32_t i = 0; i < w->nsections; i++)
        if (w->tags[i] == tag)
            return vs__error(VS_EINVAL, "%s: section %s is already in the checkpoint for %s", func,
                             tag_text(tag, t), w->path);
    VS_RETURN_ERROR_IF(w->nsections == UINT32_MAX, VS_EOVERFLOW, "%s: too many sections in %s", func,
                       w->path);
    if (w->nsections == w->tags_cap) {
        int st = VS_OK;
        size_t cap = w->tags_cap ? 2 * w->tags_cap : 16;
        uint32_t *tags = vs__calloc(cap, sizeof *tags, &st);
        if (tags == NULL)
            return st;
        if (w->nsections > 0)
            memcpy(tags, w->tags, w->nsections * sizeof *tags);
        vs__free(w->tags);
        w->tags = tags;
        w->tags_cap = cap;
    }
    w->tags[w->nsections++] = tag;
    return VS_OK;
}

/* Section head: the common start of every put; any failure ends the checkpoint. */
static int begin_section(vs__ckpt_writer *w, uint32_t tag, uint64_t len, const char *func)
{
    if (w->status != VS_OK)
        return writer_failed(w);
    VS_FORWARD_IF_ERROR(writer_fail(w, remember_tag(w, tag, func)));
    unsigned char head[SECTION_HEAD];
    vs__put_le32(head, tag);
    vs__put_le32(head + 4, 0);
    vs__put_le64(head + 8, len);
    return emit(w, head, sizeof head, func);
}

static int end_section(vs__ckpt_writer *w, uint64_t len, const char *func)
{
    static const unsigned char zeros[8] = {0};
    return emit(w, zeros, padding(len), func);
}

/* A target path must name a (possibly not yet existing) regular file. */
static int check_target(const char *path, const char *func)
{
    size_t n = strlen(path);
    VS_RETURN_ERROR_IF(n == 0, VS_EINVAL, "%s: path is empty", func);
    VS_RETURN_ERROR_IF(path[n - 1] == '/', VS_EINVAL, "%s: path %s names a directory, not a file", func,
                       path);
    struct stat sb;
    if (stat(path, &sb) == 0) {
        VS_RETURN_ERROR_IF(S_ISDIR(sb.st_mode), VS_EINVAL, "%s: %s is a directory, not a checkpoint file",
                           func, path);
        VS_RETURN_ERROR_IF(!S_ISREG(sb.st_mode), VS_EINVAL, "%s: %s is not a regular file", func, path);
    }
    return VS_OK;
}

/* Create "<path>.tmp.<pid>.<n>" exclusively (a stale name left by a crashed run is skipped). */
static int create_tmp(vs__ckpt_writer *w, const char *func)
{
    int st = VS_OK;
    w->tmp = copy_string(w->path, 48, &st);
    if (w->tmp == NULL)
        return st;
    size_t cap = strlen(w->path) + 49;
    for (int attempt = 0; attempt < 1000; attempt++) {
        unsigned n = atomic_fetch_add(&tmp_counter, 1u);
        snprintf(w->tmp, cap, "%s.tmp.%ld.%u", w->path, (long)getpid(), n);
        w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (w->fd >= 0)
            return VS_OK;
        if (errno != EEXIST)
            break;
    }
    st = sys_error(func, "create a temporary file beside", w->path, errno);
    vs__free(w->tmp);
    w->tmp = NULL;
    return st;
}

int vs__ckpt_writer_open(const char *path, uint64_t fingerprint, vs__ckpt_writer **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_CHECK_PTR(path);
    VS_FORWARD_IF_ERROR(check_target(path, __func__));
    int st = VS_OK;
    vs__ckpt_writer *w = vs__calloc(1, sizeof *w, &st);
    if (w == NULL)
        return st;
    w->fd = -1;
    w->fingerprint = fingerprint;
    w->path = copy_string(path, 0, &st);
    if (w->path == NULL)
        goto fail;
    VS_GOTO_IF_ERROR(st, create_tmp(w, __func__), fail);
    /* The header is written at commit, when its size and CRCs are known; reserve its bytes now. */
    unsigned char zeros[VS__CKPT_HEADER_BYTES] = {0};
    int err = write_all(w->fd, zeros, sizeof zeros, NULL);
    if (err != 0) {
        st = sys_error(__func__, "write the checkpoint", path, err);
        goto fail;
    }
    w->size = VS__CKPT_HEADER_BYTES;
    *out = w;
    return VS_OK;
fail:
    vs__ckpt_abort(w);
    return st;
}

int vs__ckpt_put(vs__ckpt_writer *w, uint32_t tag, const void *data, size_t len)
{
    VS_CHECK_PTR(w);
    if (len > 0 && data == NULL && w->status == VS_OK)
        return writer_fail(w, vs__error(VS_EINVAL, "%s: data is NULL with len = %zu", __func__, len));
    VS_FORWARD_IF_ERROR(begin_section(w, tag, len, __func__));
    VS_FORWARD_IF_ERROR(emit(w, data, len, __func__));
    return end_section(w, len, __func__);
}

/* n values, 8 bytes each; `bits` gives value i as a u64 bit pattern. */
static int put_words(vs__ckpt_writer *w, uint32_t tag, const void *a, size_t n,
                     uint64_t (*bits)(const void *, size_t), const char *func)
{
    if (n > 0 && a == NULL && w->status == VS_OK)
        return writer_fail(w, vs__error(VS_EINVAL, "%s: a is NULL with n = %zu", func, n));
    if (n > SIZE_MAX / 8 && w->status == VS_OK)
        return writer_fail(w, vs__error(VS_EOVERFLOW, "%s: n = %zu values overflow", func, n));
    VS_FORWARD_IF_ERROR(begin_section(w, tag, (uint64_t)n * 8u, func));
    for (size_t i = 0; i < n; i++)
        VS_FORWARD_IF_ERROR(emit_u64(w, bits(a, i), func));
    return VS_OK;
}

static uint64_t u64_bits(const void *a, size_t i)
{
    return ((const uint64_t *)a)[i];
}

static uint64_t f64_bits(const void *a, size_t i)
{
    uint64_t v;
    memcpy(&v, (const double *)a + i, sizeof v);
    return v;
}

int vs__ckpt_put_u64(vs__ckpt_writer *w, uint32_t tag, const uint64_t *a, size_t n)
{
    VS_CHECK_PTR(w);
    return put_words(w, tag, a, n, u64_bits, __func__);
}

int vs__ckpt_put_f64(vs__ckpt_writer *w, uint32_t tag, const double *a, size_t n)
{
    VS_CHECK_PTR(w);
    return put_words(w, tag, a, n, f64_bits, __func__);
}

/* RNG section payload: u32 name length L, u32 byte-order tag in HOST order (the order of the raw
 * state bytes), u64 state size S, L name bytes (no NUL), S raw state bytes. */
#define RNG_HEAD 16u

int vs__ckpt_put_rng(vs__ckpt_writer *w, uint32_t tag, const gsl_rng *r)
{
    VS_CHECK_PTR(w);
    if (r == NULL && w->status == VS_OK)
        return writer_fail(w, vs__error(VS_EINVAL, "%s: r is NULL", __func__));
    const char *name = r != NULL ? gsl_rng_name(r) : "";
    size_t nlen = strlen(name), size = r != NULL ? gsl_rng_size(r) : 0;
    uint64_t len = (uint64_t)RNG_HEAD + nlen + size;
    unsigned char head[RNG_HEAD];
    uint32_t order = BYTE_ORDER_TAG;
    vs__put_le32(head, (uint32_t)nlen);
    memcpy(head + 4, &order, 4);
    vs__put_le64(head + 8, size);
    VS_FORWARD_IF_ERROR(begin_section(w, tag, len, __func__));
    VS_FORWARD_IF_ERROR(emit(w, head, sizeof head, __func__));
    VS_FORWARD_IF_ERROR(emit(w, name, nlen, __func__));
    VS_FORWARD_IF_ERROR(emit(w, gsl_rng_state(r), size, __func__));
    return end_section(w, len, __func__);
}

/* Make the rename durable: fsync the directory holding path. File systems that cannot sync a
 * directory (EINVAL, EROFS, ENOTSUP) are accepted as they are; a real I/O error is reported. */
static int sync_parent(const char *path, const char *func)
{
    int st = VS_OK;
    char *dir = copy_string(path, 1, &st);
    if (dir == NULL)
        return st;
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        strcpy(dir, ".");
    else
        slash[slash == dir ? 1 : 0] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        char text[128];
        if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP)
            st = vs__error(VS_EIO,
                           "%s: the new checkpoint %s is in place, but syncing its directory failed (%s): it "
                           "may not survive a power failure",
                           func, path, errno_text(errno, text, sizeof text));
        close(fd);
    }
    vs__free(dir);
    return st;
}

static void free_writer(vs__ckpt_writer *w)
{
    vs__free(w->path);
    vs__free(w->tags);
    vs__free(w);
}

int vs__ckpt_commit(vs__ckpt_writer *w)
{
    VS_CHECK_PTR(w);
    int st = w->status != VS_OK ? writer_failed(w) : flush_buf(w, __func__);
    if (st == VS_OK) {
        unsigned char h[VS__CKPT_HEADER_BYTES];
        memcpy(h, magic, sizeof magic);
        vs__put_le32(h + 8, VS__CKPT_VERSION);
        vs__put_le32(h + 12, BYTE_ORDER_TAG);
        vs__put_le64(h + 16, w->fingerprint);
        vs__put_le64(h + 24, w->size);
        vs__put_le32(h + 32, w->nsections);
        vs__put_le32(h + 36, 0);
        vs__put_le64(h + 40, w->crc);
        vs__put_le64(h + 48, vs__ckpt_crc64(0, h, 48));
        off_t at = 0;
        int err = write_all(w->fd, h, sizeof h, &at);
        if (err == 0 && fsync(w->fd) != 0)
            err = errno;
        if (err != 0)
            st = sys_error(__func__, "write the checkpoint", w->path, err);
    }
    if (st == VS_OK) {
        int rc = close(w->fd);
        w->fd = -1;
        if (rc != 0)
            st = sys_error(__func__, "write the checkpoint", w->path, errno);
    }
    if (st == VS_OK && rename(w->tmp, w->path) != 0)
        st = sys_error(__func__, "rename the new checkpoint onto", w->path, errno);
    if (st == VS_OK) {
        vs__free(w->tmp); /* renamed: nothing left to remove */
        w->tmp = NULL;
        st = sync_parent(w->path, __func__);
    } else {
        writer_fail(w, st);
    }
    discard_tmp(w);
    free_writer(w);
    return st;
}

void vs__ckpt_abort(vs__ckpt_writer *w)
{
    if (w == NULL)
        return;
    discard_tmp(w);
    free_writer(w);
}

/* ---- Reader -------------------------------------------------------------------------------------- */

typedef struct section {
    uint32_t tag;
    size_t off, len; /* payload */
} section;

struct vs__ckpt {
    unsigned char *data;
    size_t size;
    uint64_t fingerprint;
    size_t nsections;
    section *sec; /* sorted by tag */
};

/* The whole file, bounded by VS__CKPT_MAX_BYTES. */
static int read_file(const char *path, const char *func, unsigned char **data, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sys_error(func, "open", path, errno);
    int st = VS_OK;
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        st = sys_error(func, "stat", path, errno);
    else if (S_ISDIR(sb.st_mode))
        st = vs__error(VS_EINVAL, "%s: %s is a directory, not a checkpoint file", func, path);
    else if (!S_ISREG(sb.st_mode))
        st = vs__error(VS_EINVAL, "%s: %s is not a regular file", func, path);
    else if ((uint64_t)sb.st_size > VS__CKPT_MAX_BYTES || (uint64_t)sb.st_size > SIZE_MAX)
        st = vs__error(VS_EIO, "%s: %s has %lld bytes, more than any checkpoint (limit %llu)", func, path,
                       (long long)sb.st_size, (unsigned long long)VS__CKPT_MAX_BYTES);
    size_t n = st == VS_OK ? (size_t)sb.st_size : 0, got = 0;
    unsigned char *buf = st == VS_OK ? vs__calloc(n + 1, 1, &st) : NULL;
    while (st == VS_OK && got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            st = sys_error(func, "read", path, errno);
        else if (k == 0)
            st = vs__error(VS_EIO, "%s: %s shrank while being read (another process is writing it?)", func,
                           path);
        else
            got += (size_t)k;
    }
    close(fd);
    if (st != VS_OK) {
        vs__free(buf);
        return st;
    }
    *data = buf;
    *size = n;
    return VS_OK;
}

/* Magic, byte order, version, header CRC, size, data CRC: is this an intact checkpoint of ours? */
static int check_envelope(const unsigned char *d, size_t size, const char *path, const char *func)
{
    VS_RETURN_ERROR_IF(size == 0, VS_EIO, "%s: %s is empty (0 bytes), not a checkpoint", func, path);
    size_t m = size < sizeof magic ? size : sizeof magic;
    VS_RETURN_ERROR_IF(memcmp(d, magic, m) != 0, VS_EIO,
                       "%s: %s is not a libvoigtspin checkpoint (foreign file: wrong magic bytes)", func,
                       path);
    VS_RETURN_ERROR_IF(size < 16, VS_EIO, "%s: %s is truncated (%zu bytes, shorter than the header)", func,
                       path, size);
    static const unsigned char big[4] = {1, 2, 3, 4};
    VS_RETURN_ERROR_IF(memcmp(d + 12, big, 4) == 0, VS_EUNSUPPORTED,
                       "%s: %s was written in big-endian byte order, which this library does not read", func,
                       path);
    VS_RETURN_ERROR_IF(vs__le32(d + 12) != BYTE_ORDER_TAG, VS_EIO,
                       "%s: %s is corrupted (byte-order tag 0x%08x)", func, path, (unsigned)vs__le32(d + 12));
    uint32_t version = vs__le32(d + 8);
    VS_RETURN_ERROR_IF(version > VS__CKPT_VERSION, VS_EUNSUPPORTED,
                       "%s: %s has checkpoint format version %u, newer than this library reads (%u): "
                       "upgrade libvoigtspin",
                       func, path, (unsigned)version, VS__CKPT_VERSION);
    VS_RETURN_ERROR_IF(version == 0, VS_EIO, "%s: %s is corrupted (format version 0)", func, path);
    VS_RETURN_ERROR_IF(size < VS__CKPT_HEADER_BYTES, VS_EIO,
                       "%s: %s is truncated (%zu bytes, shorter than the %u-byte header)", func, path, size,
                       VS__CKPT_HEADER_BYTES);
    VS_RETURN_ERROR_IF(vs__ckpt_crc64(0, d, 48) != vs__le64(d + 48), VS_EIO,
                       "%s: %s is corrupted (header checksum mismatch)", func, path);
    uint64_t stated = vs__le64(d + 24);
    VS_RETURN_ERROR_IF(size < stated, VS_EIO, "%s: %s is truncated (%zu of %llu bytes)", func, path, size,
                       (unsigned long long)stated);
    VS_RETURN_ERROR_IF(size > stated, VS_EIO, "%s: %s is corrupted (%llu bytes expected, %zu found)", func,
                       path, (unsigned long long)stated, size);
    uint64_t crc = vs__ckpt_crc64(0, d + VS__CKPT_HEADER_BYTES, size - VS__CKPT_HEADER_BYTES);
    VS_RETURN_ERROR_IF(crc != vs__le64(d + 40), VS_EIO, "%s: %s is corrupted (data checksum mismatch)", func,
                       path);
    return VS_OK;
}

static int cmp_section(const void *a, const void *b)
{
    uint32_t x = ((const section *)a)->tag, y = ((const section *)b)->tag;
    return (x > y) - (x < y);
}

/* The section table: every length within the file (no overflow), the count as stated, nothing after the
 * last section, no duplicate tag. Only a writer bug or a crafted file fails here (the CRCs passed). */
static int parse_sections(vs__ckpt *c, const char *path, const char *func)
{
    size_t count = vs__le32(c->data + 32), pos = VS__CKPT_HEADER_BYTES;
    VS_RETURN_ERROR_IF(count > (c->size - pos) / SECTION_HEAD, VS_EIO,
                       "%s: %s is malformed (%zu sections cannot fit in %zu bytes)", func, path, count,
                       c->size);
    int st = VS_OK;
    c->sec = vs__calloc(count + 1, sizeof *c->sec, &st);
    if (c->sec == NULL)
        return st;
    for (size_t i = 0; i < count; i++) {
        VS_RETURN_ERROR_IF(c->size - pos < SECTION_HEAD, VS_EIO,
                           "%s: %s is malformed (section %zu of %zu starts past the end)", func, path, i + 1,
                           count);
        const unsigned char *h = c->data + pos;
        uint64_t len = vs__le64(h + 8), room = c->size - pos - SECTION_HEAD;
        VS_RETURN_ERROR_IF(vs__le32(h + 4) != 0, VS_EIO,
                           "%s: %s is malformed (section %zu: reserved field set)", func, path, i + 1);
        VS_RETURN_ERROR_IF(len > room || padding(len) > room - len, VS_EIO,
                           "%s: %s is malformed (section %zu claims %llu bytes, %llu remain)", func, path,
                           i + 1, (unsigned long long)len, (unsigned long long)room);
        c->sec[i] = (section){vs__le32(h), pos + SECTION_HEAD, (size_t)len};
        pos += SECTION_HEAD + (size_t)len + padding(len);
    }
    VS_RETURN_ERROR_IF(pos != c->size, VS_EIO, "%s: %s is malformed (%zu bytes after the last section)", func,
                       path, c->size - pos);
    c->nsections = count;
    if (count > 1)
        qsort(c->sec, count, sizeof *c->sec, cmp_section);
    char t[16];
    for (size_t i = 1; i < count; i++)
        VS_RETURN_ERROR_IF(c->sec[i].tag == c->sec[i - 1].tag, VS_EIO,
                           "%s: %s is malformed (section %s twice)", func, path, tag_text(c->sec[i].tag, t));
    return VS_OK;
}

int vs__ckpt_read(const char *path, uint64_t expected_fingerprint, vs__ckpt **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_CHECK_PTR(path);
    VS_RETURN_ERROR_IF(path[0] == '\0', VS_EINVAL, "%s: path is empty", __func__);
    int st = VS_OK;
    vs__ckpt *c = vs__calloc(1, sizeof *c, &st);
    if (c == NULL)
        return st;
    VS_GOTO_IF_ERROR(st, read_file(path, __func__, &c->data, &c->size), fail);
    VS_GOTO_IF_ERROR(st, check_envelope(c->data, c->size, path, __func__), fail);
    VS_GOTO_IF_ERROR(st, parse_sections(c, path, __func__), fail);
    c->fingerprint = vs__le64(c->data + 16);
    if (c->fingerprint != expected_fingerprint) {
        st = vs__error(VS_EINVAL,
                       "%s: %s was made for another lattice, coupling or options (fingerprint 0x%016llx, "
                       "expected 0x%016llx)",
                       __func__, path, (unsigned long long)c->fingerprint,
                       (unsigned long long)expected_fingerprint);
        goto fail;
    }
    *out = c;
    return VS_OK;
fail:
    vs__ckpt_free(c);
    return st;
}

void vs__ckpt_free(vs__ckpt *c)
{
    if (c == NULL)
        return;
    vs__free(c->data);
    vs__free(c->sec);
    vs__free(c);
}

uint64_t vs__ckpt_fingerprint(const vs__ckpt *c)
{
    return c != NULL ? c->fingerprint : 0;
}

static const section *find(const vs__ckpt *c, uint32_t tag)
{
    section key = {tag, 0, 0};
    return c->nsections > 0 ? bsearch(&key, c->sec, c->nsections, sizeof key, cmp_section) : NULL;
}

int vs__ckpt_has(const vs__ckpt *c, uint32_t tag)
{
    return c != NULL && find(c, tag) != NULL;
}

/* The section `tag`, which must exist and (if want != SIZE_MAX) hold exactly `want` bytes. */
static int lookup(const vs__ckpt *c, uint32_t tag, size_t want, const section **s, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_ptr(c, func, "c"));
    char t[16];
    *s = find(c, tag);
    VS_RETURN_ERROR_IF(*s == NULL, VS_EINVAL, "%s: the checkpoint has no section %s", func, tag_text(tag, t));
    VS_RETURN_ERROR_IF(want != SIZE_MAX && (*s)->len != want, VS_EINVAL,
                       "%s: section %s holds %zu bytes, expected %zu", func, tag_text(tag, t), (*s)->len,
                       want);
    return VS_OK;
}

int vs__ckpt_get(const vs__ckpt *c, uint32_t tag, const void **data, size_t *len)
{
    VS_CHECK_PTR(data);
    VS_CHECK_PTR(len);
    const section *s;
    VS_FORWARD_IF_ERROR(lookup(c, tag, SIZE_MAX, &s, __func__));
    *data = c->data + s->off;
    *len = s->len;
    return VS_OK;
}

/* n little-endian 8-byte words into a (as uint64_t or double bit patterns: both are 8 bytes). */
static int get_words(const vs__ckpt *c, uint32_t tag, void *a, size_t n, const char *func)
{
    VS_RETURN_ERROR_IF(n > SIZE_MAX / 8, VS_EOVERFLOW, "%s: n = %zu values overflow", func, n);
    VS_RETURN_ERROR_IF(a == NULL && n > 0, VS_EINVAL, "%s: a is NULL with n = %zu", func, n);
    const section *s;
    VS_FORWARD_IF_ERROR(lookup(c, tag, 8 * n, &s, func));
    for (size_t i = 0; i < n; i++) {
        uint64_t v = vs__le64(c->data + s->off + 8 * i);
        memcpy((unsigned char *)a + 8 * i, &v, 8);
    }
    return VS_OK;
}

int vs__ckpt_get_u64(const vs__ckpt *c, uint32_t tag, uint64_t *a, size_t n)
{
    return get_words(c, tag, a, n, __func__);
}

int vs__ckpt_get_f64(const vs__ckpt *c, uint32_t tag, double *a, size_t n)
{
    return get_words(c, tag, a, n, __func__);
}

int vs__ckpt_get_rng(const vs__ckpt *c, uint32_t tag, gsl_rng *r)
{
    VS_CHECK_PTR(r);
    const section *s;
    VS_FORWARD_IF_ERROR(lookup(c, tag, SIZE_MAX, &s, __func__));
    char t[16];
    const unsigned char *p = c->data + s->off;
    size_t nlen = s->len >= RNG_HEAD ? vs__le32(p) : 0;
    uint64_t size = s->len >= RNG_HEAD ? vs__le64(p + 8) : 0;
    VS_RETURN_ERROR_IF(s->len < RNG_HEAD || nlen > s->len - RNG_HEAD || size != s->len - RNG_HEAD - nlen,
                       VS_EIO, "%s: section %s is not a generator state (malformed)", __func__,
                       tag_text(tag, t));
    const char *name = gsl_rng_name(r);
    VS_RETURN_ERROR_IF(strlen(name) != nlen || memcmp(name, p + RNG_HEAD, nlen) != 0, VS_EINVAL,
                       "%s: section %s holds the state of a '%.*s' generator, r is '%s'", __func__,
                       tag_text(tag, t), (int)(nlen < 64 ? nlen : 64), (const char *)(p + RNG_HEAD), name);
    uint32_t order;
    memcpy(&order, p + 4, 4);
    VS_RETURN_ERROR_IF(order != BYTE_ORDER_TAG || size != gsl_rng_size(r), VS_EUNSUPPORTED,
                       "%s: section %s holds a '%s' state written on a host with another byte order or type "
                       "sizes (%llu state bytes, here %zu)",
                       __func__, tag_text(tag, t), name, (unsigned long long)size, gsl_rng_size(r));
    memcpy(gsl_rng_state(r), p + RNG_HEAD + nlen, (size_t)size);
    return VS_OK;
}
