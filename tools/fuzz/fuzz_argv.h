/*
 * The input convention of the CLI fuzz harnesses: an argument vector, one argument per line of the
 * fuzzer's bytes, after argv[0]. Header-only (each harness is its own program).
 */
#ifndef VS_FUZZ_ARGV_H
#define VS_FUZZ_ARGV_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Split data[0 … size) at newlines into argv[1 …] (at most max arguments; the rest of the input
 * stays in the last one), argv[0] = name, argv[argc] = NULL. *buf holds the strings (free it).
 * Returns argc, or −1 if the input is too long (> 8192 bytes) or memory runs out. argv must have
 * room for max + 2 pointers. */
static int fuzz_argv(const uint8_t *data, size_t size, char *name, int max, char **argv, char **buf)
{
    if (size > 8192)
        return -1;
    char *b = malloc(size + 1);
    if (b == NULL)
        return -1;
    memcpy(b, data, size);
    b[size] = '\0';
    int argc = 0;
    argv[argc++] = name;
    for (char *p = b; argc < max + 1;) {
        argv[argc++] = p;
        char *nl = strchr(p, '\n');
        if (nl == NULL)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    argv[argc] = NULL;
    *buf = b;
    return argc;
}

#endif
