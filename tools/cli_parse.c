/*
 * The text parsers of the voigtspin command: numbers, lists, ranges, the spin-configuration reader
 * and the usage message they report through. The program and the libFuzzer harnesses in
 * tools/fuzz/ compile this same file, so what is fuzzed is what ships.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"

int cli_quiet = 0;

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cli_quiet) {
        char buf[512]; /* still format, so that the fuzzers exercise the messages */
        vsnprintf(buf, sizeof buf, fmt, ap);
    } else {
        fputs("voigtspin: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputs(" (see --help)\n", stderr);
    }
    va_end(ap);
    return CLI_EXIT_USAGE;
}

/* One number at *p: any finite double strtod reads, subnormals included (strtod sets ERANGE on
 * underflow, but the correctly rounded value is what the user wrote); overflow to ±inf, nan and
 * inf are refused. Advances *p past the number; 0 on success. */
static int parse_number(const char **p, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(*p, &end);
    if (end == *p || !isfinite(x))
        return -1;
    *v = x;
    *p = end;
    return 0;
}

int cli_parse_doubles(const char *s, double *v, int n)
{
    const char *p = s;
    for (int k = 0; k < n; k++) {
        if (parse_number(&p, &v[k]) != 0)
            return -1;
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
    if (s == NULL) /* cli_value() has reported the missing value */
        return CLI_EXIT_USAGE;
    if (cli_parse_doubles(s, v, 1) != 0)
        return cli_usage_error("option %s: '%s' is not a finite number", opt, s);
    return 0;
}

int cli_parse_int(const char *opt, const char *s, long lo, long hi, long *v)
{
    if (s == NULL) /* cli_value() has reported the missing value */
        return CLI_EXIT_USAGE;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || x < lo || x > hi)
        return cli_usage_error("option %s: '%s' is not an integer in [%ld, %ld]", opt, s, lo, hi);
    *v = x;
    return 0;
}

int cli_trange_option(cli_trange *r, long nmin, long nmax, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--Tmin") == 0)
        return (r->given |= 1, cli_parse_double(a, cli_value(argc, argv, i), &r->Tmin)) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--Tmax") == 0)
        return (r->given |= 2, cli_parse_double(a, cli_value(argc, argv, i), &r->Tmax)) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--nT") == 0)
        return (r->given |= 4, cli_parse_int(a, cli_value(argc, argv, i), nmin, nmax, &r->n)) ? CLI_EXIT_USAGE
                                                                                              : 1;
    return 0;
}

int cli_trange_check(const cli_trange *r)
{
    if (r->given != 0 && r->given != 7)
        return cli_usage_error("options --Tmin, --Tmax and --nT go together");
    return 0;
}

int cli_parse_list(const char *opt, const char *s, double *out, int max, int *n)
{
    if (s == NULL) /* cli_value() has reported the missing value */
        return CLI_EXIT_USAGE;
    int k = 1;
    for (const char *c = s; *c; c++)
        if (*c == ',' && ++k > max)
            break;
    if (k > max || cli_parse_doubles(s, out, k) != 0)
        return cli_usage_error("option %s: '%s' is not a list of 1 to %d finite numbers", opt, s, max);
    *n = k;
    return 0;
}

int cli_parse_ints3(const char *opt, const char *s, long max, int *L)
{
    double d[3];
    if (s == NULL) /* cli_value() has reported the missing value */
        return CLI_EXIT_USAGE;
    if (cli_parse_doubles(s, d, 3) != 0)
        return cli_usage_error("option %s: expected three integers L1,L2,L3", opt);
    for (int k = 0; k < 3; k++)
        if (!(d[k] >= 1 && d[k] <= (double)max && d[k] == floor(d[k])))
            return cli_usage_error("option %s: '%s' must be integers in [1, %ld]", opt, s, max);
    for (int k = 0; k < 3; k++)
        L[k] = (int)d[k];
    return 0;
}

int cli_check_points(const char *what, long n1, long n2)
{
    if (n1 < 1 || n2 < 1 || n1 > CLI_MAX_POINTS / n2)
        return cli_usage_error("%s: %ld x %ld grid points exceed the limit of %ld", what, n1, n2,
                               (long)CLI_MAX_POINTS);
    return 0;
}

int cli_parse_range(const char *opt, const char *s, double **grid, long *n)
{
    double v[3];
    if (s == NULL) /* cli_value() has reported the missing value */
        return CLI_EXIT_USAGE;
    if (cli_parse_doubles(s, v, 3) != 0 || !(v[2] >= 1 && v[2] <= (double)CLI_MAX_POINTS) || v[2] != floor(v[2]))
        return cli_usage_error("option %s: '%s' is not lo,hi,n with 1 <= n <= %ld", opt, s, (long)CLI_MAX_POINTS);
    long m = (long)v[2];
    double *g = malloc((size_t)m * sizeof *g);
    if (g == NULL)
        return cli_usage_error("option %s: out of memory for %ld points", opt, m);
    /* lo(1 − t) + hi t stays finite where hi − lo would overflow (lo = −DBL_MAX, hi = DBL_MAX), and
     * gives both end points exactly; the clamp removes the last rounding step beyond them. */
    double lo = fmin(v[0], v[1]), hi = fmax(v[0], v[1]);
    for (long k = 0; k < m; k++) {
        double t = m == 1 ? 0.0 : (double)k / (double)(m - 1);
        g[k] = fmin(fmax(v[0] * (1.0 - t) + v[1] * t, lo), hi);
    }
    *grid = g;
    *n = m;
    return 0;
}

const char *cli_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error("option %s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++(*i)];
}

/* ---- spin configurations ---------------------------------------------------------------------- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static const char *skip_separators(const char *p)
{
    while (*p == ',' || is_space(*p))
        p++;
    return p;
}

/* Numbers of one line (comment already cut) into row (at most nc stored); the count in *k. */
static int spin_line(const char *name, size_t lineno, const char *line, int nc, double *row, int *k)
{
    const char *p = skip_separators(line);
    *k = 0;
    while (*p != '\0') {
        const char *start = p;
        double v;
        if (parse_number(&p, &v) != 0 || (*p != '\0' && *p != ',' && !is_space(*p))) {
            int len = 0;
            while (start[len] != '\0' && start[len] != ',' && !is_space(start[len]) && len < 40)
                len++;
            return cli_usage_error("option --spins: '%s' line %zu: '%.*s' is not a finite number", name, lineno,
                                   len, start);
        }
        if (*k < nc)
            row[*k] = v;
        (*k)++;
        p = skip_separators(p);
    }
    return 0;
}

int cli_read_spins(FILE *fp, const char *name, size_t N, int nc, double *s)
{
    char *line = NULL;
    size_t cap = 0, row = 0, lineno = 0;
    int rc = 0;
    double buf[64];
    if (nc < 1 || nc > 64)
        return cli_usage_error("option --spins: %d spin components are not supported", nc);
    while (rc == 0) {
        ssize_t len = getline(&line, &cap, fp);
        if (len < 0)
            break;
        lineno++;
        if (memchr(line, '\0', (size_t)len) != NULL) {
            rc = cli_usage_error("option --spins: '%s' line %zu contains a NUL byte", name, lineno);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        int k;
        if ((rc = spin_line(name, lineno, line, nc, buf, &k)) != 0)
            break;
        if (k == 0)
            continue;
        if (k != nc) {
            rc = cli_usage_error("option --spins: '%s' line %zu has %d numbers, expected %d", name, lineno, k, nc);
            break;
        }
        if (row < N)
            memcpy(s + row * (size_t)nc, buf, (size_t)nc * sizeof *buf);
        row++;
    }
    if (rc == 0 && ferror(fp))
        rc = cli_usage_error("option --spins: cannot read '%s'", name);
    free(line);
    if (rc == 0 && row != N)
        rc = cli_usage_error("option --spins: '%s' has %zu rows, expected N = %zu", name, row, N);
    return rc;
}
