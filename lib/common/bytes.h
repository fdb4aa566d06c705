/* Little-endian byte layouts, byte by byte (independent of the host's order), for everything the
 * library writes to or reads from a file: the checkpoint container, the packed statistics and
 * observables, the fingerprint hashes. Doubles travel as their IEEE-754 binary64 bit patterns
 * (NaN payloads, −0.0 and subnormals survive). Not installed.
 *
 * put: store v at p, return p + width. get: load *v from p, return p + width. */
#ifndef VS_BYTES_H
#define VS_BYTES_H

#include <stdint.h>
#include <string.h>

static inline unsigned char *vs__put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 4;
}

static inline const unsigned char *vs__get_le32(const unsigned char *p, uint32_t *v)
{
    uint32_t x = 0;
    for (int i = 0; i < 4; i++)
        x |= (uint32_t)p[i] << (8 * i);
    *v = x;
    return p + 4;
}

static inline unsigned char *vs__put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 8;
}

static inline const unsigned char *vs__get_le64(const unsigned char *p, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x |= (uint64_t)p[i] << (8 * i);
    *v = x;
    return p + 8;
}

static inline unsigned char *vs__put_le64f(unsigned char *p, double x)
{
    uint64_t u;
    memcpy(&u, &x, 8);
    return vs__put_le64(p, u);
}

static inline const unsigned char *vs__get_le64f(const unsigned char *p, double *x)
{
    uint64_t u;
    p = vs__get_le64(p, &u);
    memcpy(x, &u, 8);
    return p;
}

/* The value at p (for expressions). */
static inline uint32_t vs__le32(const unsigned char *p)
{
    uint32_t v;
    vs__get_le32(p, &v);
    return v;
}

static inline uint64_t vs__le64(const unsigned char *p)
{
    uint64_t v;
    vs__get_le64(p, &v);
    return v;
}

#endif
