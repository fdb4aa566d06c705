/*
 * libFuzzer harness: the spin-configuration reader of `voigtspin lattice --spins` (cli_read_spins in
 * tools/cli_parse.c). Byte 0 gives N (0..31), byte 1 the number of components (0..15, 0 is invalid);
 * the rest is the file. Accepted files must give N*nc finite numbers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 65536)
        return 0;
    cli_quiet = 1;
    size_t N = data[0] & 31;
    int nc = data[1] & 15;
    char *text = malloc(size - 2);
    double *s = malloc((N ? N : 1) * 16 * sizeof *s);
    if (text == NULL || s == NULL) {
        free(text);
        free(s);
        return 0;
    }
    memcpy(text, data + 2, size - 2);
    FILE *fp = fmemopen(text, size - 2, "r");
    if (fp != NULL) {
        for (size_t k = 0; k < N * 16; k++)
            s[k] = NAN; /* every accepted entry must be overwritten by a finite number */
        if (cli_read_spins(fp, "fuzz", N, nc, s) == 0)
            for (size_t k = 0; k < N * (size_t)nc; k++)
                if (!isfinite(s[k]))
                    abort();
        fclose(fp);
    }
    free(text);
    free(s);
    return 0;
}
