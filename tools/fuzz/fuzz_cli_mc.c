/*
 * libFuzzer harness: the options of `voigtspin mc` (cli_mc_parse in tools/cmd_mc.c, on top of the
 * lattice, material and number parsers). The input is an argument vector, one argument per line. An
 * accepted command line must describe a valid run: a strictly increasing ladder of finite positive
 * temperatures, at least two measurements, --resume only with --checkpoint. Nothing is run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 32 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    cli_quiet = 1;
    char *buf = malloc(size + 1), *argv[MAX_ARGS + 2];
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    int argc = 0;
    argv[argc++] = "mc";
    for (char *p = buf; argc < MAX_ARGS + 1;) {
        argv[argc++] = p;
        char *nl = strchr(p, '\n');
        if (nl == NULL)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    argv[argc] = NULL;
    cli_mc o;
    cli_mc_init(&o);
    if (cli_mc_parse(&o, argc, argv) == 0 && !o.help) {
        if (o.nT < 1 || o.T == NULL || o.sweeps < 1 || o.therm < 0 || o.every < 1 || o.sweeps / o.every < 2)
            abort();
        for (int k = 0; k < o.nT; k++)
            if (!isfinite(o.T[k]) || !(o.T[k] > 0) || (k > 0 && !(o.T[k] > o.T[k - 1])))
                abort();
        if (o.resume && o.checkpoint == NULL)
            abort();
        for (int k = 0; k < 3; k++)
            if (o.lat.L[k] < 1)
                abort();
    }
    cli_mc_free(&o);
    free(buf);
    return 0;
}
