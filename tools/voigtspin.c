/*
 * voigtspin — command-line front end of libvoigtspin.
 *
 *   voigtspin elastic [material] [--csv]   elastic quantities of a material
 *   voigtspin paper [--out DIR]            reproduce the paper's numbers (and figures)
 *
 * Exit codes: 0 success, 1 computation failed, 2 bad arguments (the message names the argument).
 */
#include <stdio.h>
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
static int elastic_row(cli_table *t, const char *label, const vs_elastic *el)
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

static const char *const elastic_columns[] = {"material", "K", "mu", "lambda", "E", "sigma", "cl/ct",
                                               "M_eig1", "M_eig2", "M_eig3", "M_eig4", "M_eig5", "M_eig6"};

static int cmd_elastic(int argc, char **argv)
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
    cli_table_header(&t, 13, elastic_columns);
    int rc = elastic_row(&t, mat.given ? "given" : "sigma=0.35", el);
    vs_elastic_free(el);
    return rc;
}

/* ---- paper ------------------------------------------------------------------------------------ */

/* The demo materials: the paper's silica (σ ≈ 0.15, J_compr/J_shear ≈ 0.88), its isotropic point
 * σ = 1/5 (ratio 1, c_l/c_t = √(8/3)) and a salol-like glass σ = 0.35 (ratio 1.5). μ = 1 sets units. */
static const struct {
    const char *label;
    double sigma;
} demo_materials[] = {
    {"silica", 0.15},
    {"sigma=1/5", 0.2},
    {"salol", 0.35},
};
#define N_DEMO (sizeof demo_materials / sizeof demo_materials[0])

static int paper_elastic(FILE *fp)
{
    cli_table t = {fp, CLI_TABLE, 0, 12};
    fprintf(fp, "== Elastic quantities of the demo materials (mu = 1 sets the unit; App. A) ==\n");
    cli_table_header(&t, 13, elastic_columns);
    for (size_t k = 0; k < N_DEMO; k++) {
        vs_elastic *el = NULL;
        int st = vs_elastic_create_poisson_shear(demo_materials[k].sigma, 1.0, &el);
        if (st != VS_OK)
            return cli_lib_error("creating a demo material", st);
        int rc = elastic_row(&t, demo_materials[k].label, el);
        vs_elastic_free(el);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    fputc('\n', fp);
    return CLI_EXIT_OK;
}

static void paper_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin paper [--out DIR]\n"
                "Reproduce the paper's numbers for the demo materials (silica sigma=0.15, sigma=1/5,\n"
                "salol-like sigma=0.35) and write its figures into DIR (default voigtspin-paper).\n");
}

static int cmd_paper(int argc, char **argv)
{
    const char *out = "voigtspin-paper";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            paper_help(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--out") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("option --out needs a directory");
            out = argv[++i];
            continue;
        }
        return cli_usage_error("paper: unknown argument '%s'", argv[i]);
    }
    (void)out;
    printf("libvoigtspin %s — Bevzenko & Lubchenko, \"Stress distribution and the fragility of "
           "supercooled melts\"\n\n", vs_version_string());
    return paper_elastic(stdout);
}

/* ---- dispatch --------------------------------------------------------------------------------- */

static const cli_subcommand subcommands[] = {
    {"elastic", cmd_elastic, "elastic quantities of a material (moduli, Mandel eigenvalues)"},
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

int main(int argc, char **argv)
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
