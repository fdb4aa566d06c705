/*
 * libFuzzer harness: the material options every voigtspin subcommand accepts (cli_material_option in
 * tools/cli_material.c, on top of tools/cli_parse.c). The input is an argument vector, one argument per
 * line; it is parsed as a subcommand does, and an accepted material is built by the library (which
 * must refuse bad values with a status, never crash).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz_argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 16 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_quiet = 1;
    char *buf = NULL, *argv[MAX_ARGS + 2];
    int argc = fuzz_argv(data, size, "fuzz", MAX_ARGS, argv, &buf);
    if (argc < 0)
        return 0;
    cli_material m = {0};
    int rc = 0;
    for (int i = 1; i < argc && rc != CLI_EXIT_USAGE; i++) {
        rc = cli_material_option(&m, argc, argv, &i);
        if (i >= argc)
            abort(); /* an option consumed more arguments than there are */
    }
    if (rc != CLI_EXIT_USAGE) {
        for (size_t k = 0; k < sizeof m.p / sizeof m.p[0]; k++)
            if (!isfinite(m.p[k]))
                abort();
        vs_elastic *el = NULL;
        if (cli_material_create(&m, &el) == VS_OK) {
            double mod[6];
            vs_elastic_moduli(el, VS_AVERAGE_HILL, mod);
        }
        vs_elastic_free(el);
    }
    free(buf);
    return 0;
}
