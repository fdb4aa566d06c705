/* Argument parsing helpers and aligned-table / CSV output of the voigtspin command. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("voigtspin: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see --help)\n", stderr);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_lib_error(const char *what, int status)
{
    fprintf(stderr, "voigtspin: %s failed: %s: %s\n", what, vs_strerror(status), vs_last_error());
    return CLI_EXIT_FAIL;
}

int cli_parse_doubles(const char *s, double *v, int n)
{
    const char *p = s;
    for (int k = 0; k < n; k++) {
        char *end;
        errno = 0;
        v[k] = strtod(p, &end);
        if (end == p || errno != 0 || !isfinite(v[k]))
            return -1;
        p = end;
        if (k < n - 1) {
            if (*p != ',')
                return -1;
            p++;
        }
    }
    return *p == '\0' ? 0 : -1;
}

int cli_parse_double(const char *opt, const char *s, double *v)
{
    if (s == NULL)
        return cli_usage_error("option %s needs a value", opt);
    if (cli_parse_doubles(s, v, 1) != 0)
        return cli_usage_error("option %s: '%s' is not a finite number", opt, s);
    return 0;
}

int cli_parse_int(const char *opt, const char *s, long lo, long hi, long *v)
{
    if (s == NULL)
        return cli_usage_error("option %s needs a value", opt);
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || x < lo || x > hi)
        return cli_usage_error("option %s: '%s' is not an integer in [%ld, %ld]", opt, s, lo, hi);
    *v = x;
    return 0;
}

int cli_format_option(cli_format *f, int argc, char **argv, int *i)
{
    if (strcmp(argv[*i], "--csv") == 0) {
        *f = CLI_CSV;
        return 1;
    }
    if (strcmp(argv[*i], "--table") == 0) {
        *f = CLI_TABLE;
        return 1;
    }
    if (strcmp(argv[*i], "--format") == 0) {
        const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
        if (v == NULL)
            return cli_usage_error("option --format needs a value (table or csv)");
        if (strcmp(v, "csv") == 0)
            *f = CLI_CSV;
        else if (strcmp(v, "table") == 0)
            *f = CLI_TABLE;
        else
            return cli_usage_error("option --format: '%s' is not 'table' or 'csv'", v);
        (*i)++;
        return 1;
    }
    return 0;
}

void cli_table_header(cli_table *t, int ncol, const char *const *names)
{
    t->ncol = ncol;
    if (t->width <= 0)
        t->width = 14;
    for (int c = 0; c < ncol; c++) {
        if (t->fmt == CLI_CSV)
            fprintf(t->fp, "%s%s", c ? "," : "", names[c]);
        else
            fprintf(t->fp, "%*s", t->width + (c ? 1 : 0), names[c]);
    }
    fputc('\n', t->fp);
}

void cli_table_row_labelled(cli_table *t, const char *label, const double *v)
{
    int c0 = 0;
    if (label) {
        if (t->fmt == CLI_CSV)
            fprintf(t->fp, "%s", label);
        else
            fprintf(t->fp, "%*s", t->width, label);
        c0 = 1;
    }
    for (int c = c0; c < t->ncol; c++) {
        double x = v[c - c0];
        if (t->fmt == CLI_CSV)
            fprintf(t->fp, "%s%.17g", c ? "," : "", x);
        else
            fprintf(t->fp, "%*.*g", t->width + (c ? 1 : 0), t->width - 6, x);
    }
    fputc('\n', t->fp);
}

void cli_table_row(cli_table *t, const double *v)
{
    cli_table_row_labelled(t, NULL, v);
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

const char *cli_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error("option %s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++(*i)];
}

int cli_parse_range(const char *opt, const char *s, double **grid, long *n)
{
    double v[3];
    if (s == NULL)
        return cli_usage_error("option %s needs a value lo,hi,n", opt);
    if (cli_parse_doubles(s, v, 3) != 0 || v[2] < 1 || v[2] > 1e7 || v[2] != floor(v[2]))
        return cli_usage_error("option %s: '%s' is not lo,hi,n with 1 <= n <= 1e7", opt, s);
    long m = (long)v[2];
    double *g = malloc((size_t)m * sizeof *g);
    if (g == NULL)
        return cli_usage_error("option %s: out of memory for %ld points", opt, m);
    for (long k = 0; k < m; k++)
        g[k] = m == 1 ? v[0] : v[0] + (v[1] - v[0]) * (double)k / (double)(m - 1);
    *grid = g;
    *n = m;
    return 0;
}

void cli_progress(const char *name, long done, long total)
{
    if (total < 200)
        return;
    long pct = 100 * done / total, prev = 100 * (done - 1) / total;
    if (pct / 10 != prev / 10 || done == total)
        fprintf(stderr, "voigtspin %s: %ld%%%s", name, pct, done == total ? "\n" : "\r");
}
