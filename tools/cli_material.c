/* The material options every voigtspin subcommand accepts: any of the elastic constructors. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *const cli_material_help =
    "Material (any one; default --poisson-shear 0.35,1):\n"
    "  --lame LAMBDA,MU            Lame constants\n"
    "  --bulk-shear K,MU           bulk and shear moduli\n"
    "  --young-poisson E,SIGMA     Young's modulus and Poisson ratio\n"
    "  --poisson-shear SIGMA,MU    Poisson ratio and shear modulus\n"
    "  --sound-ratio CL/CT,MU      longitudinal/transverse sound-speed ratio, modulus scale\n"
    "  --cubic C11,C12,C44         cubic crystal (standard Voigt constants)\n"
    "  --hexagonal C11,C12,C13,C33,C44   hexagonal crystal, c-axis along z\n"
    "  --voigt C11,C12,...,C66     full 6x6 stiffness, 36 numbers row by row (standard Voigt order\n"
    "                              11,22,33,23,31,12, engineering shear, as in materials databases)\n"
    "  --tol TOL                   accuracy of the coupling's quadrature and harmonic truncation for\n"
    "                              anisotropic materials (default 1e-9; isotropic ones are exact)\n";

static const struct {
    const char *opt;
    const char *kind;
    int n;
} material_opts[] = {
    {"--lame", "lame", 2},
    {"--bulk-shear", "bulk-shear", 2},
    {"--young-poisson", "young-poisson", 2},
    {"--poisson-shear", "poisson-shear", 2},
    {"--sound-ratio", "sound-ratio", 2},
    {"--cubic", "cubic", 3},
    {"--hexagonal", "hexagonal", 5},
    {"--voigt", "voigt", 36},
};

int cli_material_option(cli_material *m, int argc, char **argv, int *i)
{
    if (strcmp(argv[*i], "--tol") == 0)
        return cli_parse_double("--tol", cli_value(argc, argv, i), &m->tol) ? CLI_EXIT_USAGE : 1;
    for (size_t k = 0; k < sizeof material_opts / sizeof material_opts[0]; k++) {
        if (strcmp(argv[*i], material_opts[k].opt) != 0)
            continue;
        if (*i + 1 >= argc)
            return cli_usage_error("option %s needs %d comma-separated numbers", argv[*i], material_opts[k].n);
        if (m->given)
            return cli_usage_error("option %s: only one material may be given", argv[*i]);
        if (cli_parse_doubles(argv[*i + 1], m->p, material_opts[k].n) != 0)
            return cli_usage_error("option %s: '%s' is not %d comma-separated finite numbers", argv[*i],
                                   argv[*i + 1], material_opts[k].n);
        snprintf(m->kind, sizeof m->kind, "%s", material_opts[k].kind);
        snprintf(m->label, sizeof m->label, "%s", material_opts[k].opt);
        m->given = 1;
        (*i)++;
        return 1;
    }
    return 0;
}

int cli_material_create(const cli_material *m, vs_elastic **out)
{
    if (!m->given)
        return vs_elastic_create_poisson_shear(0.35, 1.0, out);
    const double *p = m->p;
    if (strcmp(m->kind, "lame") == 0)
        return vs_elastic_create_lame(p[0], p[1], out);
    if (strcmp(m->kind, "bulk-shear") == 0)
        return vs_elastic_create_bulk_shear(p[0], p[1], out);
    if (strcmp(m->kind, "young-poisson") == 0)
        return vs_elastic_create_young_poisson(p[0], p[1], out);
    if (strcmp(m->kind, "poisson-shear") == 0)
        return vs_elastic_create_poisson_shear(p[0], p[1], out);
    if (strcmp(m->kind, "sound-ratio") == 0)
        return vs_elastic_create_sound_ratio(p[0], p[1], out);
    if (strcmp(m->kind, "cubic") == 0)
        return vs_elastic_create_cubic(p[0], p[1], p[2], out);
    if (strcmp(m->kind, "voigt") == 0)
        return vs_elastic_create_voigt(p, out);
    return vs_elastic_create_hexagonal(p[0], p[1], p[2], p[3], p[4], out);
}

int cli_coupling_create(const cli_material *m, const vs_elastic *el, vs_coupling **out)
{
    return vs_coupling_create(el, m->tol != 0.0 ? m->tol : 1e-9, out);
}
