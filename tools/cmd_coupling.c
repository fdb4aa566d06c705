/* voigtspin coupling: the angular-averaged coupling ⟨J̃⟩ of a material (Eqs. 20–22, App. B). */
#include <string.h>

#include "cli.h"

static void coupling_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin coupling [material] [--csv|--table]\n"
                "Eigenvalues of the angular average <J~> (Eq. 19-20, App. B): J_compr and J_shear for\n"
                "isotropic materials, their ratio (Eq. 22, also from sigma, K/mu and c_l/c_t), the sum\n"
                "(always 3), and the harmonic degree lmax of J~(k) (4 for isotropic materials).\n\n%s",
            cli_material_help);
}

static const char *const coupling_columns[] = {"J_eig1", "J_eig2", "J_eig3", "J_eig4", "J_eig5", "J_eig6",
                                                "J_compr", "J_shear", "ratio", "ratio_eq22", "sum", "lmax"};

int cmd_coupling(int argc, char **argv)
{
    cli_material mat = {0};
    cli_table t = {stdout, CLI_TABLE, 0, 13};
    for (int i = 1; i < argc; i++) {
        int r;
        if (cli_is_help(argv[i]))
            return coupling_help(stdout), CLI_EXIT_OK;
        if ((r = cli_material_option(&mat, argc, argv, &i)) != 0 || (r = cli_format_option(&t.fmt, argc, argv, &i)) != 0) {
            if (r != 1)
                return r;
            continue;
        }
        return cli_usage_error("coupling: unknown argument '%s'", argv[i]);
    }
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    int st = cli_material_create(&mat, &el);
    if (st == VS_OK)
        st = cli_coupling_create(&mat, el, &c);
    double w[6], V[36], row[12], sum = 0.0, mod[6], r22 = NAN;
    int lmax = 0;
    if (st == VS_OK)
        st = vs_coupling_average_eigen(c, w, V);
    if (st == VS_OK)
        st = vs_coupling_lmax(c, &lmax);
    if (st != VS_OK) {
        vs_coupling_free(c);
        vs_elastic_free(el);
        return cli_lib_error("the coupling", st);
    }
    /* The compression eigenvalue: the eigenvector with the largest overlap with spin-basis e1. */
    int ic = 0;
    for (int k = 1; k < 6; k++)
        if (fabs(V[0 * 6 + k]) > fabs(V[0 * 6 + ic]))
            ic = k;
    double js = 0.0;
    for (int k = 0; k < 6; k++) {
        sum += w[k];
        if (k != ic && w[k] > js)
            js = w[k];
    }
    if (vs_elastic_moduli(el, VS_AVERAGE_EXACT, mod) == VS_OK)
        vs_coupling_ratio_from_poisson(mod[4], &r22);
    memcpy(row, w, sizeof w);
    row[6] = w[ic];
    row[7] = js;
    row[8] = w[ic] / js;
    row[9] = r22;
    row[10] = sum;
    row[11] = lmax;
    cli_table_header(&t, 12, coupling_columns);
    cli_table_row(&t, row);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return CLI_EXIT_OK;
}
