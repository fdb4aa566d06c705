/*
 * The lattice options of voigtspin (`lattice`, `mc`): material, preset or custom cell, supercell,
 * boundary, Ewald accuracy and kernel, and the construction of the vs_lattice they describe. The
 * program and the fuzz harnesses compile this same file.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *const cli_lattice_help =
    "Lattice:\n"
    "  --preset sc|bcc|fcc       conventional cube of side --a A (default sc, a = 1)\n"
    "  --cell a11,...,a33        custom cell (rows a1, a2, a3) with --basis f1,f2,f3[,...] (fractions)\n"
    "  --L L1,L2,L3              supercell (default 4,4,4)\n"
    "  --open                    open cluster instead of periodic images\n"
    "  --accuracy EPS            Ewald accuracy (default 1e-12); --alpha A fixes the splitting\n"
    "Kernel:\n"
    "  --kernel elastic|dipolar|infinite-range\n"
    "                            6-spin J~ of the material (default), the 3-spin k k^T of App. B, or\n"
    "                            no pair kernel and U = E0 <J~> of the material: the infinite-range\n"
    "                            mean-field Hamiltonian of Eq. 21, H = -(E0/2N) M^T <J~> M\n"
    "  --contact / --no-contact  add (or not) the l = 0 part A_0 = <J~> of the pair kernel as the on-site\n"
    "                            term D = A_0 (lattice.h; the kernels above are principal values\n"
    "                            without it); default off (fragility: on)\n"
    "  --E0 E                    energy scale g^2 a^3 (default 1)\n";

void cli_lattice_init(cli_lattice *o)
{
    *o = (cli_lattice){
        .kernel = "elastic", .preset = "sc", .a = 1.0, .E0 = 1.0, .accuracy = 1e-12, .L = {4, 4, 4}};
}

void cli_lattice_free(cli_lattice *o)
{
    free(o->basis);
    o->basis = NULL;
    o->nbasis = 0;
}

/* A word option (--preset, --kernel): the value must be one of the n words. */
static int word_option(const char *opt, const char *v, const char *const *words, int n, const char *list,
                       char *dst, size_t cap)
{
    if (v == NULL)
        return CLI_EXIT_USAGE;
    for (int k = 0; k < n; k++)
        if (strcmp(v, words[k]) == 0) {
            snprintf(dst, cap, "%s", v);
            return 1;
        }
    return cli_usage_error("option %s: '%s' is not %s", opt, v, list);
}

static int basis_option(cli_lattice *o, const char *v)
{
    double buf[192];
    int n;
    if (v == NULL || cli_parse_list("--basis", v, buf, 192, &n) != 0)
        return CLI_EXIT_USAGE;
    if (n % 3)
        return cli_usage_error("option --basis: expected 3*nbasis fractional coordinates (nbasis <= 64)");
    double *b = malloc((size_t)n * sizeof *b);
    if (b == NULL)
        return cli_usage_error("option --basis: out of memory");
    memcpy(b, buf, (size_t)n * sizeof *buf);
    free(o->basis);
    o->basis = b;
    o->nbasis = n / 3;
    return 1;
}

int cli_lattice_option(cli_lattice *o, int argc, char **argv, int *i)
{
    static const char *const presets[] = {"sc", "bcc", "fcc"}, *const kernels[] = {"elastic", "dipolar",
                                                                                   "infinite-range"};
    const char *a = argv[*i];
    int r = cli_material_option(&o->mat, argc, argv, i);
    if (r != 0)
        return r;
    if (strcmp(a, "--preset") == 0)
        return word_option(a, cli_value(argc, argv, i), presets, 3, "sc, bcc or fcc", o->preset,
                           sizeof o->preset);
    if (strcmp(a, "--kernel") == 0)
        return word_option(a, cli_value(argc, argv, i), kernels, 3, "elastic, dipolar or infinite-range",
                           o->kernel, sizeof o->kernel);
    if (strcmp(a, "--a") == 0)
        return cli_parse_double(a, cli_value(argc, argv, i), &o->a) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--E0") == 0)
        return cli_parse_double(a, cli_value(argc, argv, i), &o->E0) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--accuracy") == 0)
        return cli_parse_double(a, cli_value(argc, argv, i), &o->accuracy) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--alpha") == 0)
        return cli_parse_double(a, cli_value(argc, argv, i), &o->alpha) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--L") == 0)
        return cli_parse_ints3(a, cli_value(argc, argv, i), 1L << 20, o->L) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--cell") == 0) {
        const char *v = cli_value(argc, argv, i);
        if (v == NULL || cli_parse_doubles(v, o->cell, 9) != 0)
            return cli_usage_error("option --cell: expected 9 numbers (rows a1, a2, a3)");
        o->have_cell = 1;
        return 1;
    }
    if (strcmp(a, "--basis") == 0)
        return basis_option(o, cli_value(argc, argv, i));
    if (strcmp(a, "--open") == 0)
        return o->open = 1;
    if (strcmp(a, "--contact") == 0 || strcmp(a, "--no-contact") == 0)
        return (o->contact = a[2] == 'c'), 1;
    return 0;
}

int cli_lattice_check(const cli_lattice *o)
{
    if (o->contact && strcmp(o->kernel, "infinite-range") == 0)
        return cli_usage_error(
            "option --contact: the infinite-range kernel has no pair kernel (its U is <J~>)");
    if (o->nbasis && !o->have_cell)
        return cli_usage_error("option --basis needs --cell");
    return 0;
}

/* U = V diag(w) Vᵀ = ⟨J̃⟩ of the coupling (its angular average, in the spin basis): with no pair kernel
 * the lattice Hamiltonian is then −(E0/2N) Mᵀ⟨J̃⟩M, the mean-field model of Eq. 21 (lattice.h). */
static int infinite_range_uniform(const vs_coupling *c, double *U)
{
    double w[6], V[36];
    if (vs_coupling_ncomp(c) != 6)
        return VS_EINVAL;
    int st = vs_coupling_average_eigen(c, w, V);
    for (int a = 0; a < 6 && st == VS_OK; a++)
        for (int b = 0; b < 6; b++) {
            double u = 0;
            for (int j = 0; j < 6; j++)
                u += V[a * 6 + j] * w[j] * V[b * 6 + j];
            U[a * 6 + b] = u;
        }
    return st;
}

int cli_lattice_build(const cli_lattice *o, vs_lattice **lat)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_lattice_options *opt = NULL;
    int infinite = strcmp(o->kernel, "infinite-range") == 0;
    double U[36];
    *lat = NULL;
    int st = strcmp(o->kernel, "dipolar") == 0 ? vs_coupling_create_dipolar(&c)
                                               : cli_material_create(&o->mat, &el);
    if (st == VS_OK && c == NULL)
        st = cli_coupling_create(&o->mat, el, &c);
    if (st == VS_OK && infinite)
        st = infinite_range_uniform(c, U);
    const vs_coupling *kernel = infinite ? NULL : c;
    int ncomp = infinite ? 6 : 0;
    if (st == VS_OK)
        st = vs_lattice_options_create(&opt);
    if (st == VS_OK)
        st = vs_lattice_options_set(opt, VS_LATTICE_OPT_ENERGY_SCALE, o->E0);
    if (st == VS_OK)
        st = vs_lattice_options_set(opt, VS_LATTICE_OPT_ACCURACY, o->accuracy);
    if (st == VS_OK)
        st = vs_lattice_options_set(opt, VS_LATTICE_OPT_ALPHA, o->alpha);
    if (st == VS_OK)
        st = vs_lattice_options_set(opt, VS_LATTICE_OPT_BOUNDARY,
                                    o->open ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC);
    if (st == VS_OK) {
        if (o->have_cell) {
            static const double origin[3] = {0, 0, 0};
            st = vs_lattice_create(o->cell, o->nbasis ? o->nbasis : 1, o->nbasis ? o->basis : origin, o->L,
                                   kernel, ncomp, opt, lat);
        } else {
            int kind = strcmp(o->preset, "bcc") == 0   ? VS_LATTICE_BCC
                       : strcmp(o->preset, "fcc") == 0 ? VS_LATTICE_FCC
                                                       : VS_LATTICE_SC;
            st = vs_lattice_create_cubic(kind, o->a, o->L, kernel, ncomp, opt, lat);
        }
    }
    if (st == VS_OK && infinite)
        st = vs_lattice_set_uniform(*lat, U);
    if (st == VS_OK && o->contact && (st = vs_coupling_average(c, U, NULL)) == VS_OK)
        st = vs_lattice_set_onsite(*lat, U); /* D = A_0 = ⟨W⟩ (lattice.h: the l = 0 contact term) */
    if (st != VS_OK) {
        vs_lattice_free(*lat);
        *lat = NULL;
    }
    vs_lattice_options_free(opt);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return st;
}
