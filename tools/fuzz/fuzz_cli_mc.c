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
#include "fuzz_argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 32 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_quiet = 1;
    char *buf = NULL, *argv[MAX_ARGS + 2];
    int argc = fuzz_argv(data, size, "mc", MAX_ARGS, argv, &buf);
    if (argc < 0)
        return 0;
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
