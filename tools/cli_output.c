/* Library error messages, the --csv/--table option and aligned-table / CSV output of voigtspin. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_lib_error(const char *what, int status)
{
    fprintf(stderr, "voigtspin: %s failed: %s: %s\n", what, vs_strerror(status), vs_last_error());
    return CLI_EXIT_FAIL;
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

void cli_progress(const char *name, long done, long total)
{
    if (total < 200)
        return;
    long pct = 100 * done / total, prev = 100 * (done - 1) / total;
    if (pct / 10 != prev / 10 || done == total)
        fprintf(stderr, "voigtspin %s: %ld%%%s", name, pct, done == total ? "\n" : "\r");
}
