/*
 * voigtspin lattice — build a preset or custom lattice with the elastic (6-spin) or dipolar
 * (3-spin) kernel, read a spin configuration (N rows × ncomp numbers) and print the energy per
 * site, optionally the local fields and the Luttinger–Tisza maximum (Eqs. 18–19; docs/lattice.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct lat_opts {
    cli_lattice lat;
    const char *spins;
    double uniform[16];
    int nuniform;
    int fields, lt;
} lat_opts;

static void lattice_help(FILE *fp)
{
    fprintf(fp,
            "usage: voigtspin lattice [lattice] [kernel] [configuration] [--fields] [--lt] [--csv|--table]\n"
            "Energy per site of a spin configuration on a periodic (Ewald, sphere boundary) or open lattice.\n%s"
            "Configuration (one of):\n"
            "  --spins FILE              N rows of ncomp numbers, site order ((i1*L2+i2)*L3+i3)*nbasis+b;\n"
            "                            '#' starts a comment; '-' reads standard input\n"
            "  --uniform s1,...,sn       the same spin on every site (default: compression (1,0,...,0))\n"
            "Output: energy per site (E/N), the Ewald parameters; --fields adds the local fields h_m\n"
            "(N rows), --lt the Luttinger-Tisza maximum lambda_max, its k and T_c = E0 lambda_max/ncomp, and the\n"
            "minimum lambda_min (dipolar ground states: lattice sum 2 pi lambda_min per dipole, units mu^2/v0).\n\n%s",
            cli_lattice_help, cli_material_help);
}

/* The options of `lattice` beyond the shared lattice ones (cli_lattice.c). */
static int lattice_option(lat_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--uniform") == 0)
        return cli_parse_list(a, cli_value(argc, argv, i), o->uniform, 16, &o->nuniform) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--spins") == 0)
        return (o->spins = cli_value(argc, argv, i)) == NULL ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--fields") == 0)
        return o->fields = 1;
    if (strcmp(a, "--lt") == 0)
        return o->lt = 1;
    return 0;
}

/* The --spins file ('-': standard input), read by the parser the fuzz harness also runs. */
static int read_spins(const char *path, size_t N, int nc, double *s)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (fp == NULL)
        return cli_usage_error("option --spins: cannot open '%s': %s", path, strerror(errno));
    int rc = cli_read_spins(fp, path, N, nc, s);
    if (fp != stdin)
        fclose(fp);
    return rc;
}

int cmd_lattice(int argc, char **argv)
{
    lat_opts o = {0};
    cli_lattice_init(&o.lat);
    cli_table t = {stdout, CLI_TABLE, 0, 13};
    vs_lattice *lat = NULL;
    double *s = NULL, *h = NULL;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if (cli_is_help(argv[i])) {
            lattice_help(stdout);
            goto out;
        }
        if ((r = cli_lattice_option(&o.lat, argc, argv, &i)) != 0 || (r = cli_format_option(&t.fmt, argc, argv, &i)) != 0 ||
            (r = lattice_option(&o, argc, argv, &i)) != 0) {
            if (r != 1) {
                rc = r;
                goto out;
            }
            continue;
        }
        rc = cli_usage_error("lattice: unknown argument '%s'", argv[i]);
        goto out;
    }
    if ((rc = cli_lattice_check(&o.lat)) != 0)
        goto out;
    if (o.spins && o.nuniform) {
        rc = cli_usage_error("--spins and --uniform exclude each other");
        goto out;
    }
    int st = cli_lattice_build(&o.lat, &lat);
    if (st != VS_OK) {
        rc = cli_lib_error("building the lattice", st);
        goto out;
    }
    size_t N = vs_lattice_nsites(lat);
    int nc = vs_lattice_ncomp(lat);
    s = calloc(N * (size_t)nc, sizeof *s);
    h = calloc(N * (size_t)nc, sizeof *h);
    if (s == NULL || h == NULL) {
        rc = cli_lib_error("allocating spins", VS_ENOMEM);
        goto out;
    }
    if (o.spins) {
        if ((rc = read_spins(o.spins, N, nc, s)) != 0)
            goto out;
    } else {
        if (o.nuniform && o.nuniform != nc) {
            rc = cli_usage_error("option --uniform: %d numbers given, the kernel has %d components", o.nuniform, nc);
            goto out;
        }
        for (size_t m = 0; m < N; m++)
            for (int a = 0; a < nc; a++)
                s[m * (size_t)nc + (size_t)a] = o.nuniform ? o.uniform[a] : (a == 0);
    }
    double E, alpha, rcut, gcut;
    st = vs_lattice_fields(lat, s, h);
    if (st == VS_OK)
        st = vs_lattice_energy_from_fields(lat, s, h, &E);
    if (st == VS_OK)
        st = vs_lattice_ewald_parameters(lat, &alpha, &rcut, &gcut);
    if (st != VS_OK) {
        rc = cli_lib_error("the lattice energy", st);
        goto out;
    }
    double row[9] = {(double)N, (double)nc, E / (double)N, alpha, rcut, gcut, NAN, NAN, NAN};
    static const char *const cols[] = {"N", "ncomp", "E/N", "alpha", "rcut", "gcut", "lambda_max", "T_c",
                                       "lambda_min"};
    if (o.lt) {
        double k[3], kmin[3];
        st = vs_lattice_luttinger_tisza(lat, &row[6], k, &row[7]);
        if (st == VS_OK)
            st = vs_lattice_luttinger_tisza_min(lat, &row[8], kmin);
        if (st != VS_OK) {
            rc = cli_lib_error("Luttinger-Tisza", st);
            goto out;
        }
        fprintf(stderr, "Luttinger-Tisza maximum at k = (%.10g, %.10g, %.10g)\n", k[0], k[1], k[2]);
        fprintf(stderr, "Luttinger-Tisza minimum at k = (%.10g, %.10g, %.10g)\n", kmin[0], kmin[1], kmin[2]);
    }
    cli_table_header(&t, o.lt ? 9 : 6, cols);
    cli_table_row(&t, row);
    if (o.fields) {
        cli_table ft = {stdout, t.fmt, 0, 13};
        char names[16][16];
        const char *fc[16];
        for (int a = 0; a < nc; a++) {
            snprintf(names[a], sizeof names[a], "h%d", a + 1);
            fc[a] = names[a];
        }
        fputc('\n', stdout);
        cli_table_header(&ft, nc, fc);
        for (size_t m = 0; m < N; m++)
            cli_table_row(&ft, h + m * (size_t)nc);
    }
out:
    free(s);
    free(h);
    cli_lattice_free(&o.lat);
    vs_lattice_free(lat);
    return rc;
}
