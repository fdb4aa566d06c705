/*
 * libFuzzer harness: the number, list, integer and lo,hi,n range parsers of the voigtspin command
 * (tools/cli_parse.c). The first byte picks the parser and its size argument; the rest is the option
 * value. Checks the promises of cli.h: accepted values are finite, ranges have 1..CLI_MAX_POINTS
 * points, all finite, inside [min(lo,hi), max(lo,hi)], with both end points exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_range(const char *s)
{
    double *g = NULL, v[3];
    long n = 0;
    if (cli_parse_range("--x", s, &g, &n) != 0)
        return;
    if (cli_parse_doubles(s, v, 3) != 0 || n < 1 || n > CLI_MAX_POINTS || (double)n != v[2])
        abort();
    double lo = fmin(v[0], v[1]), hi = fmax(v[0], v[1]);
    for (long k = 0; k < n; k++)
        if (!isfinite(g[k]) || g[k] < lo || g[k] > hi)
            abort();
    if (g[0] != v[0] || (n > 1 && g[n - 1] != v[1]))
        abort();
    free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    cli_quiet = 1;
    char *s = malloc(size);
    if (s == NULL)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    int sel = data[0] & 7, arg = (data[0] >> 3) + 1; /* arg in 1..32 */
    double v[192];
    int n = 0, L[3];
    long x;
    switch (sel) {
    case 0:
        if (cli_parse_doubles(s, v, arg) == 0)
            for (int k = 0; k < arg; k++)
                if (!isfinite(v[k]))
                    abort();
        break;
    case 1:
        if (cli_parse_double("--x", s, v) == 0 && !isfinite(v[0]))
            abort();
        break;
    case 2:
        if (cli_parse_int("--x", s, -arg, 1L << arg, &x) == 0 && (x < -arg || x > 1L << arg))
            abort();
        break;
    case 3:
        if (cli_parse_list("--x", s, v, arg * 6, &n) == 0) {
            if (n < 1 || n > arg * 6)
                abort();
            for (int k = 0; k < n; k++)
                if (!isfinite(v[k]))
                    abort();
        }
        break;
    case 4:
        if (cli_parse_ints3("--x", s, 1L << 20, L) == 0)
            for (int k = 0; k < 3; k++)
                if (L[k] < 1 || L[k] > 1 << 20)
                    abort();
        break;
    case 5: {
        /* Two grid sizes from the text: the product check must never overflow. */
        char *end;
        long a = strtol(s, &end, 10), b = strtol(end, NULL, 10);
        if (a >= 1 && b >= 1 && cli_check_points("grid", a, b) == 0 && (a > CLI_MAX_POINTS / b))
            abort();
        break;
    }
    default:
        check_range(s);
        break;
    }
    free(s);
    return 0;
}
