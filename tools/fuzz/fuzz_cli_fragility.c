/*
 * libFuzzer harness: the options of `voigtspin fragility` (cli_frag_parse in tools/cmd_fragility.c, on
 * top of the lattice, material and number parsers). The input is an argument vector, one argument per
 * line. An accepted command line must describe a valid study: materials from exactly one source with
 * every Poisson ratio or c_l/c_t physical, 1–16 sizes of 1–256 cells, a ladder 0 < Tmin < Tmax of
 * 3–1024 temperatures (absolute or relative to T_c^MF), a background factor in (1, 100], at least two
 * sweeps, a 6-spin periodic cubic lattice. Nothing is run.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz_argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 32, MAX_T = 1024 };

static void check_study(const cli_frag *o)
{
    if ((o->grid_kind != 0) == (o->lat.mat.given != 0) || o->grid_kind < 0 || o->grid_kind > 2)
        abort();
    if (o->grid_kind) {
        if (o->ngrid < 1 || o->grid == NULL)
            abort();
        for (long k = 0; k < o->ngrid; k++) {
            double g = o->grid[k];
            if (o->grid_kind == 1 ? !(g > -1 && g < 0.5) : !(g > sqrt(4.0 / 3.0)))
                abort();
        }
    }
    if (o->nL < 1 || o->nL > CLI_FRAG_MAX_L)
        abort();
    for (int k = 0; k < o->nL; k++)
        if (o->L[k] < 1 || o->L[k] > 256)
            abort();
    double lo = o->range.given ? o->range.Tmin : o->trel[0], hi = o->range.given ? o->range.Tmax : o->trel[1];
    double n = o->range.given ? (double)o->range.n : o->trel[2];
    if (!(lo > 0 && hi > lo && isfinite(hi) && n >= 3 && n <= MAX_T))
        abort();
    if (!(o->kappa > 1 && o->kappa <= 100) || o->sweeps < 2 || o->therm < 0)
        abort();
    if (strcmp(o->lat.kernel, "dipolar") == 0 || o->lat.open || o->lat.have_cell)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_quiet = 1;
    char *buf = NULL, *argv[MAX_ARGS + 2];
    int argc = fuzz_argv(data, size, "fragility", MAX_ARGS, argv, &buf);
    if (argc < 0)
        return 0;
    cli_frag o;
    cli_frag_init(&o);
    if (cli_frag_parse(&o, argc, argv) == 0 && !o.help)
        check_study(&o);
    cli_frag_free(&o);
    free(buf);
    return 0;
}
