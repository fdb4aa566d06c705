/*
 * Mean-field subcommands of voigtspin: meanfield (one T), sweep (T scan), landscape (Fig. 3),
 * phase (Fig. 4), f0 (Fig. 5) and oscillator (Fig. 2, Eq. 14).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The model: a material (→ coupling → J_α = E0 × eigenvalues of ⟨J̃⟩) or (J_compr, J_shear). */
typedef struct cli_model {
    cli_material mat;
    double E0;
    double jc_js[2];
    int direct;
} cli_model;

static const char *const model_help =
    "Model: a material (below) with --E0 E (energy scale g^2 a^3, default 1; J = E0 <J~>),\n"
    "       or --couplings JC,JS (J_compr, J_shear directly). Temperatures in the same energy unit.\n";

/* 1 if consumed, 0 if not a model option, CLI_EXIT_USAGE on a bad value. */
static int model_option(cli_model *m, int argc, char **argv, int *i)
{
    int r = cli_material_option(&m->mat, argc, argv, i);
    if (r != 0)
        return r;
    if (strcmp(argv[*i], "--E0") == 0) {
        if (cli_parse_double("--E0", cli_value(argc, argv, i), &m->E0) != 0)
            return CLI_EXIT_USAGE;
        return 1;
    }
    if (strcmp(argv[*i], "--couplings") == 0) {
        const char *v = cli_value(argc, argv, i);
        if (v == NULL || cli_parse_doubles(v, m->jc_js, 2) != 0)
            return cli_usage_error("option --couplings: expected JC,JS");
        m->direct = 1;
        return 1;
    }
    return 0;
}

static int model_create(const cli_model *m, vs_meanfield **out)
{
    if (m->direct) {
        if (m->mat.given)
            return vs_meanfield_create_compr_shear(NAN, NAN, out); /* reported as invalid below */
        return vs_meanfield_create_compr_shear(m->jc_js[0], m->jc_js[1], out);
    }
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    int st = cli_material_create(&m->mat, &el);
    if (st == VS_OK)
        st = cli_coupling_create(&m->mat, el, &c);
    if (st == VS_OK)
        st = vs_meanfield_create_from_coupling(c, m->E0, out);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return st;
}

static int model_check(const cli_model *m)
{
    if (m->direct && m->mat.given)
        return cli_usage_error("--couplings and a material option exclude each other");
    return 0;
}

/* One row: T, phase, h_c, h_s, m_c, m_s, F, U, S, C, residual. */
static const char *const solve_columns[] = {"T", "phase", "h_c", "h_s", "m_c", "m_s", "F", "U", "S", "C", "residual"};

static int solve_row(cli_table *t, const vs_meanfield *mf, double T)
{
    double row[11], h[64];
    vs_mf_phase ph;
    row[0] = T;
    int st = vs_meanfield_phase(mf, T, &ph);
    if (st == VS_OK)
        st = vs_meanfield_sector_fields(mf, T, &row[2], &row[3], &row[4], &row[5]);
    if (st == VS_OK)
        st = vs_meanfield_thermo(mf, T, &row[6], &row[7], &row[8], &row[9]);
    if (st == VS_OK)
        st = vs_meanfield_solve(mf, T, h, NULL, &row[10]);
    if (st != VS_OK)
        return cli_lib_error("the mean-field solution", st);
    row[1] = (double)ph;
    cli_table_row(t, row);
    return CLI_EXIT_OK;
}

/* Parse the arguments common to the mean-field subcommands; extra options via `extra`. */
typedef int (*extra_opt_fn)(int argc, char **argv, int *i, void *ctx);

static int parse_common(int argc, char **argv, cli_model *m, cli_table *t, extra_opt_fn extra, void *ctx,
                        void (*help)(FILE *), int *done)
{
    *done = 0;
    m->E0 = 1.0;
    for (int i = 1; i < argc; i++) {
        int r;
        if (cli_is_help(argv[i])) {
            help(stdout);
            *done = 1;
            return CLI_EXIT_OK;
        }
        if ((r = model_option(m, argc, argv, &i)) != 0 || (r = cli_format_option(&t->fmt, argc, argv, &i)) != 0 ||
            (r = extra(argc, argv, &i, ctx)) != 0) {
            if (r != 1)
                return r;
            continue;
        }
        return cli_usage_error("%s: unknown argument '%s'", argv[0], argv[i]);
    }
    return model_check(m);
}

/* ---- meanfield / sweep ------------------------------------------------------------------------ */

typedef struct {
    double T;
    double *grid;
    long n;
    int have_T;
} temp_opts;

static int temp_option(int argc, char **argv, int *i, void *ctx)
{
    temp_opts *o = ctx;
    if (strcmp(argv[*i], "--T") == 0) {
        if (cli_parse_double("--T", cli_value(argc, argv, i), &o->T) != 0)
            return CLI_EXIT_USAGE;
        o->have_T = 1;
        return 1;
    }
    if (strcmp(argv[*i], "--range") == 0) {
        free(o->grid);
        o->grid = NULL;
        if (cli_parse_range("--range", cli_value(argc, argv, i), &o->grid, &o->n) != 0)
            return CLI_EXIT_USAGE;
        return 1;
    }
    return 0;
}

static void meanfield_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin meanfield [model] [--T T] [--csv|--table]\n"
                "Solve Eq. 24 (minimise G(h)) at temperature T (default 0.8 T_Curie) and print\n"
                "T, phase (0 paramagnet, 1 compression, 2 shear, 3 both), h_c, h_s, m_c, m_s,\n"
                "F, U, S, C per spin and the stationarity residual; T_Curie = max J/6 (Eq. 25) on stderr.\n\n%s\n%s",
            model_help, cli_material_help);
}

static void sweep_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin sweep [model] --range TMIN,TMAX,N [--csv|--table]\n"
                "The columns of `voigtspin meanfield` for N temperatures from TMIN to TMAX.\n\n%s\n%s",
            model_help, cli_material_help);
}

static int run_temperatures(int argc, char **argv, int sweep)
{
    cli_model m = {0};
    cli_table t = {stdout, CLI_TABLE, 0, 13};
    temp_opts o = {0};
    int done, rc = parse_common(argc, argv, &m, &t, temp_option, &o, sweep ? sweep_help : meanfield_help, &done);
    if (rc != 0 || done) {
        free(o.grid);
        return rc;
    }
    if (sweep && o.grid == NULL)
        return cli_usage_error("sweep: --range TMIN,TMAX,N is required");
    vs_meanfield *mf = NULL;
    int st = model_create(&m, &mf);
    double Tc = 0.0;
    if (st == VS_OK)
        st = vs_meanfield_curie_temperature(mf, &Tc);
    if (st != VS_OK) {
        free(o.grid);
        return cli_lib_error("the mean-field model", st);
    }
    fprintf(stderr, "T_Curie = %.12g\n", Tc);
    cli_table_header(&t, 11, solve_columns);
    if (sweep) {
        for (long k = 0; k < o.n && rc == 0; k++) {
            rc = solve_row(&t, mf, o.grid[k]);
            cli_progress("sweep", k + 1, o.n);
        }
    } else {
        rc = solve_row(&t, mf, o.have_T ? o.T : 0.8 * Tc);
    }
    free(o.grid);
    vs_meanfield_free(mf);
    return rc;
}

int cmd_meanfield(int argc, char **argv) { return run_temperatures(argc, argv, 0); }
int cmd_sweep(int argc, char **argv) { return run_temperatures(argc, argv, 1); }

/* ---- landscape (Fig. 3) ----------------------------------------------------------------------- */

typedef struct {
    double T;
    int have_T;
    double *hc, *hs;
    long nc, ns;
} land_opts;

static int land_option(int argc, char **argv, int *i, void *ctx)
{
    land_opts *o = ctx;
    if (strcmp(argv[*i], "--T") == 0) {
        if (cli_parse_double("--T", cli_value(argc, argv, i), &o->T) != 0)
            return CLI_EXIT_USAGE;
        o->have_T = 1;
        return 1;
    }
    if (strcmp(argv[*i], "--hc") == 0 || strcmp(argv[*i], "--hs") == 0) {
        int c = argv[*i][3] == 'c';
        const char *opt = argv[*i];
        double **g = c ? &o->hc : &o->hs;
        free(*g);
        *g = NULL;
        if (cli_parse_range(opt, cli_value(argc, argv, i), g, c ? &o->nc : &o->ns) != 0)
            return CLI_EXIT_USAGE;
        return 1;
    }
    return 0;
}

static void landscape_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin landscape [model] [--T T] [--hc LO,HI,N] [--hs LO,HI,N] [--csv|--table]\n"
                "The free energy G(h_c, h_s) of Eq. 24 in units of k_BT on a grid (Fig. 3); rows h_c, h_s, G.\n"
                "Defaults: T = 0.8 T_Curie, h_c in [-3 h*, 3 h*], h_s in [0, 3 h*] (h* the minimiser), 41 points.\n\n%s\n%s",
            model_help, cli_material_help);
}

int cmd_landscape(int argc, char **argv)
{
    cli_model m = {0};
    cli_table t = {stdout, CLI_TABLE, 0, 13};
    land_opts o = {0};
    int done, rc = parse_common(argc, argv, &m, &t, land_option, &o, landscape_help, &done);
    vs_meanfield *mf = NULL;
    double *G = NULL;
    if (rc != 0 || done)
        goto out;
    int st = model_create(&m, &mf);
    double Tc = 0.0, hc, hs;
    if (st == VS_OK)
        st = vs_meanfield_curie_temperature(mf, &Tc);
    double T = o.have_T ? o.T : 0.8 * Tc;
    if (st == VS_OK)
        st = vs_meanfield_sector_fields(mf, T, &hc, &hs, NULL, NULL);
    if (st != VS_OK) {
        rc = cli_lib_error("the landscape", st);
        goto out;
    }
    double hmax = 3.0 * fmax(fmax(fabs(hc), hs), 1.0);
    char def[64];
    if (o.hc == NULL) {
        snprintf(def, sizeof def, "%.17g,%.17g,41", -hmax, hmax);
        cli_parse_range("--hc", def, &o.hc, &o.nc);
    }
    if (o.hs == NULL) {
        snprintf(def, sizeof def, "0,%.17g,41", hmax);
        cli_parse_range("--hs", def, &o.hs, &o.ns);
    }
    if (o.hc == NULL || o.hs == NULL) {
        rc = cli_lib_error("the landscape", VS_ENOMEM);
        goto out;
    }
    if ((rc = cli_check_points("landscape: --hc x --hs", o.nc, o.ns)) != 0)
        goto out;
    G = malloc((size_t)o.nc * (size_t)o.ns * sizeof *G);
    if (G == NULL) {
        rc = cli_lib_error("the landscape", VS_ENOMEM);
        goto out;
    }
    st = vs_meanfield_landscape(mf, T, (size_t)o.nc, o.hc, (size_t)o.ns, o.hs, G);
    if (st != VS_OK) {
        rc = cli_lib_error("the landscape", st);
        goto out;
    }
    fprintf(stderr, "T = %.12g (T_Curie = %.12g); minimum at h_c = +-%.12g, h_s = %.12g\n", T, Tc, hc, hs);
    static const char *const cols[] = {"h_c", "h_s", "G"};
    cli_table_header(&t, 3, cols);
    for (long i = 0; i < o.nc; i++) {
        for (long j = 0; j < o.ns; j++) {
            double row[3] = {o.hc[i], o.hs[j], G[i * o.ns + j]};
            cli_table_row(&t, row);
        }
        if (t.fmt == CLI_TABLE)
            fputc('\n', t.fp); /* gnuplot's blank-line-separated grid rows */
    }
out:
    free(G);
    free(o.hc);
    free(o.hs);
    vs_meanfield_free(mf);
    return rc;
}

/* ---- phase diagram (Fig. 4) ------------------------------------------------------------------- */

typedef struct {
    double *T, *ratio;
    long nT, nr;
} phase_opts;

static int phase_option(int argc, char **argv, int *i, void *ctx)
{
    phase_opts *o = ctx;
    if (strcmp(argv[*i], "--T") == 0 || strcmp(argv[*i], "--ratio") == 0) {
        int isT = argv[*i][2] == 'T';
        const char *opt = argv[*i];
        double **g = isT ? &o->T : &o->ratio;
        free(*g);
        *g = NULL;
        if (cli_parse_range(opt, cli_value(argc, argv, i), g, isT ? &o->nT : &o->nr) != 0)
            return CLI_EXIT_USAGE;
        return 1;
    }
    return 0;
}

static void phase_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin phase [--T LO,HI,N] [--ratio LO,HI,N] [--csv|--table]\n"
                "Mean-field phase diagram of Eq. 21 (Fig. 4) in units J_shear = 1: rows T, J_compr/J_shear,\n"
                "phase (0 paramagnet, 1 compression/Ising, 2 shear/Heisenberg, 3 both), m_c, m_s.\n"
                "Defaults: T in [0.02, 0.4] (41 points), ratio in [0.5, 2] (31 points).\n");
}

int cmd_phase(int argc, char **argv)
{
    cli_table t = {stdout, CLI_TABLE, 0, 13};
    phase_opts o = {0};
    int rc = 0;
    int *ph = NULL;
    double *mc = NULL, *ms = NULL;
    for (int i = 1; i < argc; i++) {
        int r;
        if (cli_is_help(argv[i])) {
            phase_help(stdout);
            goto out;
        }
        if ((r = cli_format_option(&t.fmt, argc, argv, &i)) != 0 || (r = phase_option(argc, argv, &i, &o)) != 0) {
            if (r != 1) {
                rc = r;
                goto out;
            }
            continue;
        }
        rc = cli_usage_error("phase: unknown argument '%s'", argv[i]);
        goto out;
    }
    if (o.T == NULL)
        cli_parse_range("--T", "0.02,0.4,41", &o.T, &o.nT);
    if (o.ratio == NULL)
        cli_parse_range("--ratio", "0.5,2,31", &o.ratio, &o.nr);
    if (o.T == NULL || o.ratio == NULL) {
        rc = cli_lib_error("the phase diagram", VS_ENOMEM);
        goto out;
    }
    if ((rc = cli_check_points("phase: --T x --ratio", o.nT, o.nr)) != 0)
        goto out;
    size_t n = (size_t)o.nT * (size_t)o.nr;
    ph = malloc(n * sizeof *ph);
    mc = malloc(n * sizeof *mc);
    ms = malloc(n * sizeof *ms);
    if (!ph || !mc || !ms) {
        rc = cli_lib_error("the phase diagram", VS_ENOMEM);
        goto out;
    }
    /* One temperature row per call, so that long diagrams can report progress. */
    for (long i = 0; i < o.nT; i++) {
        size_t k0 = (size_t)i * (size_t)o.nr;
        int st = vs_meanfield_phase_diagram(1.0, 1, o.T + i, (size_t)o.nr, o.ratio, ph + k0, mc + k0, ms + k0);
        if (st != VS_OK) {
            rc = cli_lib_error("the phase diagram", st);
            goto out;
        }
        cli_progress("phase", i + 1, o.nT);
    }
    static const char *const cols[] = {"T", "ratio", "phase", "m_c", "m_s"};
    cli_table_header(&t, 5, cols);
    for (long i = 0; i < o.nT; i++) {
        for (long j = 0; j < o.nr; j++) {
            size_t k = (size_t)i * (size_t)o.nr + (size_t)j;
            double row[5] = {o.T[i], o.ratio[j], (double)ph[k], mc[k], ms[k]};
            cli_table_row(&t, row);
        }
        if (t.fmt == CLI_TABLE)
            fputc('\n', t.fp);
    }
out:
    free(ph);
    free(mc);
    free(ms);
    free(o.T);
    free(o.ratio);
    return rc;
}

/* ---- F0(g), F(g) (Fig. 5) --------------------------------------------------------------------- */

typedef struct {
    double c;
    double *g;
    long ng;
    int summary;
} f0_opts;

static int f0_option(int argc, char **argv, int *i, void *ctx)
{
    f0_opts *o = ctx;
    if (strcmp(argv[*i], "--c") == 0) {
        if (cli_parse_double("--c", cli_value(argc, argv, i), &o->c) != 0)
            return CLI_EXIT_USAGE;
        return 1;
    }
    if (strcmp(argv[*i], "--g") == 0) {
        free(o->g);
        o->g = NULL;
        if (cli_parse_range("--g", cli_value(argc, argv, i), &o->g, &o->ng) != 0)
            return CLI_EXIT_USAGE;
        return 1;
    }
    if (strcmp(argv[*i], "--summary") == 0) {
        o->summary = 1;
        return 1;
    }
    return 0;
}

static void f0_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin f0 [model] [--c C] [--g LO,HI,N] [--summary] [--csv|--table]\n"
                "F0(g) of the mean-field closure (Eq. 26) and F(g) = F0 + c g^2 a^3 (Fig. 5), reduced units\n"
                "a^3 = k_BT = 1: rows g, F0, dF0, d2F0, F, dF, d2F. --summary prints instead the non-convex\n"
                "interval, the common tangent (points, slope), the barrier and the largest c (default c = 0.05).\n"
                "Only the number of spin components matters here (the closure fixes max J = g^2 a^3).\n\n%s\n%s",
            model_help, cli_material_help);
}

static int f0_summary(const vs_gprofile *p, FILE *fp)
{
    int found = 0;
    double glo = NAN, ghi = NAN, g1 = NAN, g2 = NAN, slope = NAN, gtop = NAN, barrier = NAN, cmax = NAN;
    int st = vs_gprofile_nonconvex(p, &found, &glo, &ghi);
    if (st == VS_OK)
        st = vs_gprofile_max_penalty(p, &cmax);
    if (st != VS_OK)
        return cli_lib_error("the F(g) analysis", st);
    if (found) {
        st = vs_gprofile_tangent(p, &g1, &g2, &slope);
        if (st == VS_OK)
            st = vs_gprofile_barrier(p, &gtop, &barrier);
        if (st != VS_OK && st != VS_ENONPHYS)
            return cli_lib_error("the common tangent", st);
    }
    fprintf(fp, "nonconvex %d\ng_lo %.12g\ng_hi %.12g\ntangent_g1 %.12g\ntangent_g2 %.12g\n"
                "tangent_slope %.12g\nbarrier_g %.12g\nbarrier %.12g\nc_max %.12g\n",
            found, glo, ghi, g1, g2, slope, gtop, barrier, cmax);
    return CLI_EXIT_OK;
}

int cmd_f0(int argc, char **argv)
{
    cli_model m = {0};
    cli_table t = {stdout, CLI_TABLE, 0, 13};
    f0_opts o = {0.05, NULL, 0, 0};
    vs_meanfield *mf = NULL;
    vs_gprofile *p = NULL;
    int done, rc = parse_common(argc, argv, &m, &t, f0_option, &o, f0_help, &done);
    if (rc != 0 || done)
        goto out;
    int st = model_create(&m, &mf);
    if (st == VS_OK)
        st = vs_gprofile_create(mf, o.c, &p);
    if (st != VS_OK) {
        rc = cli_lib_error("the F(g) profile", st);
        goto out;
    }
    if (o.summary) {
        rc = f0_summary(p, stdout);
        goto out;
    }
    if (o.g == NULL)
        cli_parse_range("--g", "0.05,6,120", &o.g, &o.ng);
    static const char *const cols[] = {"g", "F0", "dF0", "d2F0", "F", "dF", "d2F"};
    cli_table_header(&t, 7, cols);
    for (long k = 0; o.g && k < o.ng; k++) {
        double row[7];
        row[0] = o.g[k];
        st = vs_gprofile_f0(p, o.g[k], &row[1], &row[2], &row[3]);
        if (st == VS_OK)
            st = vs_gprofile_eval(p, o.g[k], &row[4], &row[5], &row[6]);
        if (st != VS_OK) {
            rc = cli_lib_error("F(g)", st);
            goto out;
        }
        cli_table_row(&t, row);
    }
out:
    free(o.g);
    vs_gprofile_free(p);
    vs_meanfield_free(mf);
    return rc;
}

/* ---- single oscillator (Eq. 14, Fig. 2) ------------------------------------------------------- */

typedef struct {
    double T, a3;
    double g[16];
    int ng;
    double *phi;
    long nphi;
} osc_opts;

static int osc_option(int argc, char **argv, int *i, void *ctx)
{
    osc_opts *o = ctx;
    if (strcmp(argv[*i], "--T") == 0)
        return cli_parse_double("--T", cli_value(argc, argv, i), &o->T) ? CLI_EXIT_USAGE : 1;
    if (strcmp(argv[*i], "--a3") == 0)
        return cli_parse_double("--a3", cli_value(argc, argv, i), &o->a3) ? CLI_EXIT_USAGE : 1;
    if (strcmp(argv[*i], "--phi") == 0) {
        free(o->phi);
        o->phi = NULL;
        return cli_parse_range("--phi", cli_value(argc, argv, i), &o->phi, &o->nphi) ? CLI_EXIT_USAGE : 1;
    }
    if (strcmp(argv[*i], "--g") == 0) {
        const char *v = cli_value(argc, argv, i);
        if (v == NULL)
            return CLI_EXIT_USAGE;
        return cli_parse_list("--g", v, o->g, 16, &o->ng) ? CLI_EXIT_USAGE : 1;
    }
    return 0;
}

static int no_extra(int argc, char **argv, int *i, void *ctx)
{
    (void)argc, (void)argv, (void)i, (void)ctx;
    return 0;
}

static void oscillator_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin oscillator [--T T] [--a3 A3] [--g G1,G2,...] [--phi LO,HI,N] [--csv|--table]\n"
                "The single-oscillator free energy f(phi, g) of Eq. 14 (Fig. 2) for each g: rows phi, f(phi, g_i).\n"
                "g_cr^2 = 6 k_BT/a^3 (Eq. 17) and the minimiser phi*(g) are printed on stderr.\n"
                "Defaults: T = 1, a3 = 1, g = 0.5 g_cr, g_cr, 1.5 g_cr, phi in [0, 4 g_cr] (81 points).\n");
}

int cmd_oscillator(int argc, char **argv)
{
    cli_table t = {stdout, CLI_TABLE, 0, 13};
    osc_opts o = {1.0, 1.0, {0}, 0, NULL, 0};
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if (cli_is_help(argv[i])) {
            oscillator_help(stdout);
            goto out;
        }
        if ((r = cli_format_option(&t.fmt, argc, argv, &i)) != 0 || (r = osc_option(argc, argv, &i, &o)) != 0 ||
            (r = no_extra(argc, argv, &i, NULL)) != 0) {
            if (r != 1) {
                rc = r;
                goto out;
            }
            continue;
        }
        rc = cli_usage_error("oscillator: unknown argument '%s'", argv[i]);
        goto out;
    }
    double gcr;
    int st = vs_oscillator_gcr(6, o.T, o.a3, &gcr);
    if (st != VS_OK) {
        rc = cli_lib_error("g_cr (Eq. 17)", st);
        goto out;
    }
    if (o.ng == 0) {
        o.g[0] = 0.5 * gcr, o.g[1] = gcr, o.g[2] = 1.5 * gcr;
        o.ng = 3;
    }
    if (o.phi == NULL) {
        char def[64];
        snprintf(def, sizeof def, "0,%.17g,81", 4.0 * gcr);
        cli_parse_range("--phi", def, &o.phi, &o.nphi);
    }
    fprintf(stderr, "g_cr = %.12g\n", gcr);
    for (int k = 0; k < o.ng; k++) {
        double pm, fm;
        st = vs_oscillator_minimize(6, o.T, o.a3, o.g[k], &pm, &fm);
        if (st != VS_OK) {
            rc = cli_lib_error("the oscillator minimum", st);
            goto out;
        }
        fprintf(stderr, "g = %.12g: phi* = %.12g, f(phi*) = %.12g\n", o.g[k], pm, fm);
    }
    char names[17][32];
    const char *cols[17];
    snprintf(names[0], sizeof names[0], "phi");
    cols[0] = names[0];
    for (int k = 0; k < o.ng; k++) {
        snprintf(names[k + 1], sizeof names[k + 1], "f(g=%.4g)", o.g[k]);
        cols[k + 1] = names[k + 1];
    }
    cli_table_header(&t, o.ng + 1, cols);
    for (long j = 0; o.phi && j < o.nphi; j++) {
        double row[17];
        row[0] = o.phi[j];
        for (int k = 0; k < o.ng; k++) {
            st = vs_oscillator_free_energy(6, o.T, o.a3, o.phi[j], o.g[k], &row[k + 1]);
            if (st != VS_OK) {
                rc = cli_lib_error("f(phi, g) (Eq. 14)", st);
                goto out;
            }
        }
        cli_table_row(&t, row);
    }
out:
    free(o.phi);
    return rc;
}
