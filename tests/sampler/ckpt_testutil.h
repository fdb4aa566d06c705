/*
 * Helpers of the checkpoint tests (test_sampler_checkpoint.c, test_sampler_resume.c): files as bytes,
 * the test's own reading of the little-endian header fields of lib/sampler/checkpoint.h (independent
 * of the library's byte helpers), resealing crafted files, counting a writer's temporary files.
 * Include after cmocka (testutil.h) and sampler/checkpoint.h.
 */
#ifndef VS_TEST_CKPT_TESTUTIL_H
#define VS_TEST_CKPT_TESTUTIL_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long len = ftell(f);
    assert_true(len >= 0);
    rewind(f);
    unsigned char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* (A fresh file each time: ext4 flushes a file truncated and rewritten in place at close, which made
 * the thousands of damaged copies of the tests take seconds on a disk.) */
static void spill(const char *path, const void *buf, size_t n)
{
    unlink(path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* After crafting a field of an n-byte file: size and both CRCs valid again (header layout of
 * checkpoint.h), so that only the checks after the framing can object. */
static void reseal(unsigned char *buf, size_t n)
{
    put_le64(buf + 24, n);
    put_le64(buf + 40, vs__ckpt_crc64(0, buf + 56, n - 56));
    put_le64(buf + 48, vs__ckpt_crc64(0, buf, 48));
}

/* Names in directory dir that look like a checkpoint writer's temporary file; removed if remove. */
static int count_tmp_files_in(const char *dir, int remove)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strstr(e->d_name, ".tmp.") != NULL) {
            n++;
            if (remove) {
                char path[1024];
                snprintf(path, sizeof path, "%s/%.400s", dir, e->d_name);
                unlink(path);
            }
        }
    closedir(d);
    return n;
}

/* A fresh directory $TMPDIR/<prefix>-XXXXXX (or under /tmp) into dir[n]; 0 or −1. */
static int make_test_dir(char *dir, size_t n, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    snprintf(dir, n, "%.400s/%.40s-XXXXXX", tmp, prefix);
    return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Remove dir and the files in it; 0 or −1. */
static int remove_test_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%.400s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
    return rmdir(dir);
}

#endif
