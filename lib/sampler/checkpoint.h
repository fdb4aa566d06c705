/*
 * Checkpoint container of the Monte Carlo sampler (issue 11, "Checkpoint/restart that never loses a
 * run"). Internal: not installed, nothing exported (vs__ prefix, hidden visibility). The sampler puts
 * its complete state into tagged sections; this file knows nothing about what they mean.
 *
 * File format, version 1. Every integer is little-endian whatever the host (converted byte by byte),
 * doubles are stored as their IEEE-754 binary64 bit patterns (NaN payloads, −0.0 and subnormals
 * survive bit for bit), so a file is portable between hosts of either byte order.
 *
 *   offset  size  field
 *        0     8  magic  89 'V' 'S' 'C' 'K' 'P' 'T' 0A  (high bit and newline: catches 7-bit and
 *                        text-mode transfers, as PNG's does)
 *        8     4  format version = 1
 *       12     4  byte-order tag 0x01020304, stored as 04 03 02 01
 *       16     8  fingerprint: the caller's 64-bit identity of what the state belongs to (the sampler:
 *                 a hash of lattice, coupling and options); a reader expecting another one refuses
 *       24     8  total file size in bytes
 *       32     4  number of sections
 *       36     4  reserved, 0
 *       40     8  CRC-64 of the section area (bytes 56 … size−1)
 *       48     8  CRC-64 of the header bytes 0 … 47
 *       56        sections, each: u32 tag, u32 reserved (0), u64 payload length L, L payload bytes,
 *                 zero padding to a multiple of 8 bytes (payloads start 8-aligned in the file)
 *
 * CRC-64 is CRC-64/XZ (ECMA-182 polynomial, reflected, init and final xor all ones; check value
 * 0x995DC9BBDF1939FA for "123456789"), as xz uses. The header carries its own CRC so that the size
 * and the other header fields can be trusted before the data are looked at: a cut file is then
 * reported as truncated (size below the stated one), a damaged one as corrupted (a CRC fails).
 *
 * Writing is atomic: the data go to "<path>.tmp.<pid>.<n>" (O_CREAT | O_EXCL) in the same directory,
 * the header is completed, the file fsync'ed and closed, renamed over path, and the directory
 * fsync'ed. On any failure (full disk, file size limit, unwritable directory) the temporary file is
 * removed at once and the file at path is untouched. Tags must be distinct within a file.
 *
 * Status codes: VS_EINVAL bad arguments (NULL, empty path, path is a directory, duplicate tag, wrong
 * section length on a typed get, missing section) and a fingerprint mismatch; VS_EIO every failing
 * system call and every truncated, corrupted, foreign or malformed file; VS_EUNSUPPORTED a file of a
 * newer format version or the other byte order (or, for an RNG state, another platform's layout);
 * VS_ENOMEM. Each failure records a message naming the function, the path and the cause.
 */
#ifndef VS_SAMPLER_CHECKPOINT_H
#define VS_SAMPLER_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include <libvoigtspin/common.h> /* the status codes these functions return */

/* Format version this library writes and the newest it reads. */
#define VS__CKPT_VERSION 1u
/* Size of the fixed header; sections start here. */
#define VS__CKPT_HEADER_BYTES 56u
/* Largest file the reader accepts (it reads the whole file into memory). */
#define VS__CKPT_MAX_BYTES ((uint64_t)1 << 40)
/* A four-character section tag: VS__CKPT_TAG('S','P','I','N'); the first character is the lowest byte,
 * so the tag reads as text in a hex dump. */
#define VS__CKPT_TAG(a, b, c, d)                                                                             \
    ((uint32_t)(unsigned char)(a) | (uint32_t)(unsigned char)(b) << 8 | (uint32_t)(unsigned char)(c) << 16 | \
     (uint32_t)(unsigned char)(d) << 24)

typedef struct vs__ckpt_writer vs__ckpt_writer;
typedef struct vs__ckpt vs__ckpt;

/* CRC-64/XZ of n bytes, continuing from crc (start with 0): crc64(crc64(0, a), b) = crc64(0, a‖b).
 * Also a reasonable fingerprint hash of non-adversarial data (lattice, coupling, options). */
uint64_t vs__ckpt_crc64(uint64_t crc, const void *data, size_t n);

/* ---- Writer ---------------------------------------------------------------------------------------
 * open → put… → commit (or abort). Commit and abort always free the writer. After a failed put the
 * temporary file is already gone and every further put/commit returns the first failure again; the
 * caller still ends with commit or abort. */

/* Start a checkpoint for path (the file there, if any, stays untouched until commit). */
int vs__ckpt_writer_open(const char *path, uint64_t fingerprint, vs__ckpt_writer **out);
/* A section of len raw bytes (data may be NULL if len = 0). */
int vs__ckpt_put(vs__ckpt_writer *w, uint32_t tag, const void *data, size_t len);
/* A section of n values, each stored as 8 little-endian bytes (doubles: their bit patterns). */
int vs__ckpt_put_u64(vs__ckpt_writer *w, uint32_t tag, const uint64_t *a, size_t n);
int vs__ckpt_put_f64(vs__ckpt_writer *w, uint32_t tag, const double *a, size_t n);
/* A section holding a GSL generator's complete state: type name, state size, raw state bytes, and the
 * host byte order of those bytes (the raw state is a C struct: it restores only on a host of the same
 * byte order and type sizes, which vs__ckpt_get_rng checks). */
int vs__ckpt_put_rng(vs__ckpt_writer *w, uint32_t tag, const gsl_rng *r);
/* Complete the header, fsync, rename over path, fsync the directory; frees w. */
int vs__ckpt_commit(vs__ckpt_writer *w);
/* Remove the temporary file and free w (NULL is accepted). The file at path stays as it was. */
void vs__ckpt_abort(vs__ckpt_writer *w);

/* ---- Reader ---------------------------------------------------------------------------------------
 * vs__ckpt_read loads and verifies the whole file (in this order: empty, magic, byte order, version,
 * header CRC, size (truncated), data CRC, section framing, fingerprint); nothing is returned unless
 * every check passes. The getters then cannot fail on framing, only on a missing section or a length
 * the caller did not expect. */
int vs__ckpt_read(const char *path, uint64_t expected_fingerprint, vs__ckpt **out);
void vs__ckpt_free(vs__ckpt *c);
/* The fingerprint recorded in the file. */
uint64_t vs__ckpt_fingerprint(const vs__ckpt *c);
/* 1 if a section with this tag exists, else 0 (for optional sections). */
int vs__ckpt_has(const vs__ckpt *c, uint32_t tag);
/* The raw payload of a section, borrowed from c (valid until vs__ckpt_free); VS_EINVAL if absent. */
int vs__ckpt_get(const vs__ckpt *c, uint32_t tag, const void **data, size_t *len);
/* Exactly n values (the section must hold 8n bytes, else VS_EINVAL naming both lengths). */
int vs__ckpt_get_u64(const vs__ckpt *c, uint32_t tag, uint64_t *a, size_t n);
int vs__ckpt_get_f64(const vs__ckpt *c, uint32_t tag, double *a, size_t n);
/* Restore r's state from a vs__ckpt_put_rng section. r must already be of the recorded type
 * (gsl_rng_name equal), else VS_EINVAL naming both; another host layout gives VS_EUNSUPPORTED. */
int vs__ckpt_get_rng(const vs__ckpt *c, uint32_t tag, gsl_rng *r);

#endif
