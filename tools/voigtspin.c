/*
 * voigtspin — command-line front end of libvoigtspin.
 *
 *   voigtspin SUBCOMMAND [options]; `voigtspin --help` lists the subcommands, each has --help.
 *
 * Exit codes: 0 success, 1 computation failed, 2 bad arguments (the message names the argument).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


typedef int (*cli_cmd)(int argc, char **argv);

typedef struct cli_subcommand {
    const char *name;
    cli_cmd run;
    const char *summary;
} cli_subcommand;

/* ---- elastic ---------------------------------------------------------------------------------- */

static void elastic_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin elastic [material] [--csv|--table]\n"
                "Print the scalar moduli (K, mu, lambda, E, sigma, c_l/c_t; Hill average if anisotropic)\n"
                "and the Mandel eigenvalues (isotropic: 2mu five times, 3K once).\n\n%s",
            cli_material_help);
}

/* Print the elastic quantities of one material as one table row. */
int cli_elastic_row(cli_table *t, const char *label, const vs_elastic *el)
{
    vs_symmetry sym;
    double mod[6], w[6], row[12];
    int st = vs_elastic_symmetry(el, &sym);
    if (st == VS_OK)
        st = vs_elastic_moduli(el, sym == VS_ELASTIC_ISOTROPIC ? VS_AVERAGE_EXACT : VS_AVERAGE_HILL, mod);
    if (st == VS_OK)
        st = vs_elastic_mandel_eigen(el, w, NULL);
    if (st != VS_OK)
        return cli_lib_error("elastic quantities", st);
    memcpy(row, mod, sizeof mod);
    memcpy(row + 6, w, sizeof w);
    cli_table_row_labelled(t, label, row);
    return CLI_EXIT_OK;
}

const char *const cli_elastic_columns[13] = {"material", "K", "mu", "lambda", "E", "sigma", "cl/ct",
                                               "M_eig1", "M_eig2", "M_eig3", "M_eig4", "M_eig5", "M_eig6"};

int cmd_elastic(int argc, char **argv)
{
    cli_material mat = {0};
    cli_table t = {stdout, CLI_TABLE, 0, 14};
    for (int i = 1; i < argc; i++) {
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            elastic_help(stdout);
            return CLI_EXIT_OK;
        }
        if ((r = cli_material_option(&mat, argc, argv, &i)) != 0 || (r = cli_format_option(&t.fmt, argc, argv, &i)) != 0) {
            if (r != 1)
                return r;
            continue;
        }
        return cli_usage_error("elastic: unknown argument '%s'", argv[i]);
    }
    vs_elastic *el = NULL;
    int st = cli_material_create(&mat, &el);
    if (st != VS_OK)
        return cli_lib_error("creating the material", st);
    cli_table_header(&t, 13, cli_elastic_columns);
    int rc = cli_elastic_row(&t, mat.given ? "given" : "sigma=0.35", el);
    vs_elastic_free(el);
    return rc;
}

/* ---- dispatch --------------------------------------------------------------------------------- */

static const cli_subcommand subcommands[] = {
    {"elastic", cmd_elastic, "elastic quantities of a material (moduli, Mandel eigenvalues)"},
    {"coupling", cmd_coupling, "angular-averaged coupling <J~>: J_compr, J_shear, Eq. 22 ratio"},
    {"meanfield", cmd_meanfield, "mean-field solution at one temperature (Eqs. 24-25)"},
    {"sweep", cmd_sweep, "mean-field solution over a temperature range"},
    {"landscape", cmd_landscape, "free-energy landscape G(h_c, h_s) (Fig. 3)"},
    {"phase", cmd_phase, "phase diagram over T and J_compr/J_shear (Fig. 4)"},
    {"f0", cmd_f0, "F0(g) and F(g) with tangent and barrier (Fig. 5)"},
    {"oscillator", cmd_oscillator, "single-oscillator free energy f(phi, g) (Eq. 14, Fig. 2)"},
    {"lattice", cmd_lattice, "lattice energy per site, fields, Luttinger-Tisza (Eqs. 18-19, Ewald)"},
    {"mc", cmd_mc, "Monte Carlo at a temperature ladder: observables with errors, checkpoints"},
    {"fragility", cmd_fragility, "heat capacity and fragility vs anisotropy and Poisson ratio (MC study)"},
    {"paper", cmd_paper, "reproduce the paper's numbers and figures (the main job)"},
};
#define N_SUB (sizeof subcommands / sizeof subcommands[0])

static void main_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin SUBCOMMAND [options]   (voigtspin SUBCOMMAND --help for details)\n\n");
    for (size_t k = 0; k < N_SUB; k++)
        fprintf(fp, "  %-12s %s\n", subcommands[k].name, subcommands[k].summary);
    fprintf(fp, "\nExit codes: 0 success, 1 computation failed, 2 bad arguments.\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return main_help(stderr), CLI_EXIT_USAGE;
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return main_help(stdout), CLI_EXIT_OK;
    if (strcmp(argv[1], "--version") == 0)
        return printf("voigtspin %s\n", vs_version_string()), CLI_EXIT_OK;
    for (size_t k = 0; k < N_SUB; k++)
        if (strcmp(argv[1], subcommands[k].name) == 0)
            return subcommands[k].run(argc - 1, argv + 1);
    return cli_usage_error("unknown subcommand '%s'", argv[1]);
}

/* Output that did not reach standard output (full disk, closed pipe, /dev/full) is a failure. */
int main(int argc, char **argv)
{
#ifdef VS_HAVE_MPI
    /* Under mpiexec only (docs/cli.md, "Under mpirun"): MPI is initialised for the whole run and
     * finalised after the output is flushed (tools/cli_mpi.c); `mc` and `fragility` then spread their
     * ladders over the ranks. */
    if (cli_mpi_launched())
        return cli_mpi_main(argc, argv, run);
#endif
    return cli_close_stdout(run(argc, argv));
}
