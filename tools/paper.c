/*
 * voigtspin paper — the README's main job: reproduce the numbers of Bevzenko & Lubchenko,
 * "Stress distribution and the fragility of supercooled melts", and draw Figs. 2–5.
 *
 * Every number printed is computed by the library; where the paper quotes a value it is printed
 * beside ours ("paper") so a reader can compare. Figures are PNG files drawn by gnuplot (if present)
 * from data files written next to them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Demo materials: silica (σ ≈ 0.15, paper: ratio ≈ 0.88), the isotropic point σ = 1/5 (ratio 1,
 * c_l/c_t = √(8/3)) and a salol-like glass σ = 0.35 (ratio 1.5). μ = 1 sets the modulus unit. */
static const struct {
    const char *label;
    double sigma;
    const char *paper_ratio;
} demo[] = {
    {"silica", 0.15, "0.88"},
    {"sigma=1/5", 0.2, "1"},
    {"salol", 0.35, "1.5"},
};
#define N_DEMO (sizeof demo / sizeof demo[0])

typedef struct paper_ctx {
    const char *dir;
    int figures;  /* gnuplot available */
    int plotted;  /* gnuplot runs so far (the first one starts gnuplot.log afresh) */
    FILE *out;
} paper_ctx;

static int fail(const char *what, int st)
{
    return cli_lib_error(what, st);
}

/* Mean-field handle (E0 = 1: energies in units of g²a³) of demo material k. */
static int demo_meanfield(size_t k, vs_meanfield **mf)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    int st = vs_elastic_create_poisson_shear(demo[k].sigma, 1.0, &el);
    if (st == VS_OK)
        st = vs_coupling_create(el, 1e-12, &c);
    if (st == VS_OK)
        st = vs_meanfield_create_from_coupling(c, 1.0, mf);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return st;
}

static int section_elastic(paper_ctx *p)
{
    cli_table t = {p->out, CLI_TABLE, 0, 11};
    fprintf(p->out, "== Elastic quantities (mu = 1 sets the modulus unit; Mandel eigenvalues 2mu x5 and 3K, App. A) ==\n");
    cli_table_header(&t, 13, cli_elastic_columns);
    for (size_t k = 0; k < N_DEMO; k++) {
        vs_elastic *el = NULL;
        int st = vs_elastic_create_poisson_shear(demo[k].sigma, 1.0, &el);
        if (st != VS_OK)
            return fail("a demo material", st);
        int rc = cli_elastic_row(&t, demo[k].label, el);
        vs_elastic_free(el);
        if (rc)
            return rc;
    }
    fputc('\n', p->out);
    return 0;
}

static int section_coupling(paper_ctx *p)
{
    fprintf(p->out, "== Eq. 22: eigenvalues of <J~> and J_compr/J_shear ==\n");
    fprintf(p->out, "%10s %10s %10s %10s %10s %10s %10s %10s %8s\n", "material", "sigma", "J_compr", "J_shear",
            "sum", "ratio", "(sigma)", "(cl/ct)", "paper");
    for (size_t k = 0; k < N_DEMO; k++) {
        vs_elastic *el = NULL;
        vs_coupling *c = NULL;
        double w[6], V[36], mod[6], rs = NAN, rc = NAN;
        int st = vs_elastic_create_poisson_shear(demo[k].sigma, 1.0, &el);
        if (st == VS_OK)
            st = vs_coupling_create(el, 1e-12, &c);
        if (st == VS_OK)
            st = vs_coupling_average_eigen(c, w, V);
        if (st == VS_OK)
            st = vs_elastic_moduli(el, VS_AVERAGE_EXACT, mod);
        if (st == VS_OK)
            st = vs_coupling_ratio_from_poisson(mod[4], &rs);
        if (st == VS_OK)
            st = vs_coupling_ratio_from_sound(mod[5], &rc);
        vs_coupling_free(c);
        vs_elastic_free(el);
        if (st != VS_OK)
            return fail("the coupling of a demo material", st);
        int ic = 0; /* compression eigenvector: largest overlap with spin-basis e1 */
        for (int a = 1; a < 6; a++)
            if (fabs(V[a]) > fabs(V[ic]))
                ic = a;
        double js = w[ic == 5 ? 4 : 5], sum = 0.0;
        for (int a = 0; a < 6; a++)
            sum += w[a];
        fprintf(p->out, "%10s %10.4g %10.6f %10.6f %10.6f %10.6f %10.6f %10.6f %8s\n", demo[k].label, demo[k].sigma,
                w[ic], js, sum, w[ic] / js, rs, rc, demo[k].paper_ratio);
    }
    double lo, hi;
    if (vs_coupling_ratio_from_poisson(0.0, &lo) == VS_OK && vs_coupling_ratio_from_poisson(0.499, &hi) == VS_OK)
        fprintf(p->out, "(ratio = 1 at sigma = 1/5, c_l/c_t = sqrt(8/3) = %.6f; sigma in [0, 0.499] spans ratio "
                        "%.4g .. %.4g; paper: 0.88-1.6 for non-metallic glasses)\n\n", sqrt(8.0 / 3.0), lo, hi);
    return 0;
}

static const char *phase_name(vs_mf_phase ph)
{
    switch (ph) {
    case VS_MF_PARAMAGNET: return "paramagnet";
    case VS_MF_COMPRESSION: return "compression (Ising)";
    case VS_MF_SHEAR: return "shear (5-Heisenberg)";
    default: return "both (degenerate)";
    }
}

static int section_meanfield(paper_ctx *p)
{
    fprintf(p->out, "== Mean field (Eqs. 21-25), energies in units of E0 = g^2 a^3, at T = 0.8 T_Curie ==\n");
    fprintf(p->out, "%10s %10s %22s %10s %10s %10s %12s %10s %10s\n", "material", "T_Curie", "phase", "h_c", "h_s",
            "m", "G(+hc)-G(-hc)", "C(Tc-)", "C(Tc+)");
    for (size_t k = 0; k < N_DEMO; k++) {
        vs_meanfield *mf = NULL;
        double Tc = NAN, hc, hs, mc, ms, Cm, Cp, G2[2];
        vs_mf_phase ph;
        int st = demo_meanfield(k, &mf);
        if (st == VS_OK)
            st = vs_meanfield_curie_temperature(mf, &Tc);
        double T = 0.8 * Tc;
        if (st == VS_OK)
            st = vs_meanfield_phase(mf, T, &ph);
        if (st == VS_OK)
            st = vs_meanfield_sector_fields(mf, T, &hc, &hs, &mc, &ms);
        if (st == VS_OK) {
            double hcs[2] = {hc, -hc}, hs0 = hs;
            st = vs_meanfield_landscape(mf, T, 2, hcs, 1, &hs0, G2);
        }
        if (st == VS_OK)
            st = vs_meanfield_thermo(mf, Tc * (1.0 - 1e-6), NULL, NULL, NULL, &Cm);
        if (st == VS_OK)
            st = vs_meanfield_thermo(mf, Tc * (1.0 + 1e-6), NULL, NULL, NULL, &Cp);
        vs_meanfield_free(mf);
        if (st != VS_OK)
            return fail("the mean-field solution", st);
        fprintf(p->out, "%10s %10.6f %22s %10.5f %10.5f %10.5f %12.3g %10.5f %10.5f\n", demo[k].label, Tc,
                phase_name(ph), hc, hs, sqrt(mc * mc + ms * ms), G2[0] - G2[1], Cm, Cp);
    }
    fprintf(p->out, "(T_Curie = max J/6, Eq. 25. Paper, Fig. 3: silica orders shear (h_c = 0), salol orders\n"
                    " compression with two minima +-h_c of equal depth. Mean-field heat-capacity jump (n+2)/2 = 4.)\n\n");
    return 0;
}

static int section_f0(paper_ctx *p)
{
    vs_meanfield *mf = NULL;
    vs_gprofile *gp = NULL;
    double gcr, g1 = NAN, g2 = NAN, slope = NAN, gtop = NAN, barrier = NAN, cmax = NAN, glo = NAN, ghi = NAN;
    double d2l, d2r, g6 = sqrt(6.0);
    int found = 0;
    int st = vs_meanfield_create_compr_shear(1.0, 1.0, &mf);
    if (st == VS_OK)
        st = vs_gprofile_create(mf, 0.05, &gp);
    if (st == VS_OK)
        st = vs_oscillator_gcr(6, 1.0, 1.0, &gcr);
    if (st == VS_OK)
        st = vs_gprofile_f0(gp, g6 * (1.0 - 1e-9), NULL, NULL, &d2l);
    if (st == VS_OK)
        st = vs_gprofile_f0(gp, g6 * (1.0 + 1e-9), NULL, NULL, &d2r);
    if (st == VS_OK)
        st = vs_gprofile_nonconvex(gp, &found, &glo, &ghi);
    if (st == VS_OK && found)
        st = vs_gprofile_tangent(gp, &g1, &g2, &slope);
    if (st == VS_OK && found)
        st = vs_gprofile_barrier(gp, &gtop, &barrier);
    if (st == VS_OK)
        st = vs_gprofile_max_penalty(gp, &cmax);
    vs_gprofile_free(gp);
    vs_meanfield_free(mf);
    if (st != VS_OK)
        return fail("F(g) (Fig. 5)", st);
    fprintf(p->out, "== F0(g) and F(g) = F0 + c g^2 a^3 (Eqs. 3, 14, 17, 24, 26-27; Fig. 5), units a^3 = k_BT = 1 ==\n");
    fprintf(p->out, "g_cr = sqrt(6 k_BT/a^3) (Eq. 17)          %.6f\n", gcr);
    fprintf(p->out, "d2F0/dg2 at g^2 = 6: left %.6f, right %.6f (discontinuous, Eq. 27; paper: jump at 6)\n", d2l, d2r);
    fprintf(p->out, "c = 0.05: non-convex interval g in [%.5f, %.5f]\n", glo, ghi);
    fprintf(p->out, "          common tangent at g1 = %.5f, g2 = %.5f, slope %.5f (negative pressure, Fig. 1)\n", g1,
            g2, slope);
    fprintf(p->out, "          barrier above the tangent %.5f k_BT at g = %.5f (paper: c chosen so barrier ~ k_BT)\n",
            barrier, gtop);
    fprintf(p->out, "largest c with a non-convex F: %.6f (paper quotes 5/3 = sup(-F0''), i.e. without the factor\n"
                    "  1/2 of d2(c g^2)/dg2 = 2c; see docs/meanfield.md)\n\n", cmax);
    return 0;
}


/* Lattice (Eqs. 18–19, Ewald): a few uniform configurations and the Luttinger–Tisza maximum on an
 * 8×8×8 simple-cubic lattice, E0 = 1. */
static int section_lattice(paper_ctx *p)
{
    enum { L = 8, NC = 6 };
    fprintf(p->out, "== Lattice (Eqs. 18-19, Ewald, sphere boundary): sc %dx%dx%d, E0 = 1, energies per site ==\n", L, L, L);
    fprintf(p->out, "%10s %13s %13s %13s %11s %11s %11s\n", "material", "E/N compr.", "E/N shear g2",
            "E/N shear g4", "lambda_max", "T_c(LT)", "T_Curie(MF)");
    const int Ls[3] = {L, L, L};
    for (size_t k = 0; k < N_DEMO; k++) {
        fprintf(stderr, "voigtspin paper: lattice for %s...\n", demo[k].label);
        vs_elastic *el = NULL;
        vs_coupling *c = NULL;
        vs_lattice *lat = NULL;
        vs_meanfield *mf = NULL;
        double E[3], lmax = NAN, tc = NAN, tmf = NAN, *s = NULL, *h = NULL;
        int st = vs_elastic_create_poisson_shear(demo[k].sigma, 1.0, &el);
        if (st == VS_OK)
            st = vs_coupling_create(el, 1e-12, &c);
        if (st == VS_OK)
            st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, NULL, &lat);
        size_t N = lat ? vs_lattice_nsites(lat) : 0;
        if (st == VS_OK) {
            s = calloc(N * NC, sizeof *s);
            h = calloc(N * NC, sizeof *h);
            if (s == NULL || h == NULL)
                st = VS_ENOMEM;
        }
        /* Uniform spins along spin-basis e1 (compression), e2 and e4 (two kinds of shear). */
        static const int axis[3] = {0, 1, 3};
        for (int cfg = 0; cfg < 3 && st == VS_OK; cfg++) {
            for (size_t m = 0; m < N; m++)
                for (int a = 0; a < NC; a++)
                    s[m * NC + (size_t)a] = a == axis[cfg];
            st = vs_lattice_fields(lat, s, h);
            if (st == VS_OK)
                st = vs_lattice_energy_from_fields(lat, s, h, &E[cfg]);
            E[cfg] /= (double)N;
        }
        if (st == VS_OK)
            st = vs_lattice_luttinger_tisza(lat, &lmax, NULL, &tc);
        if (st == VS_OK)
            st = vs_meanfield_create_from_coupling(c, 1.0, &mf);
        if (st == VS_OK)
            st = vs_meanfield_curie_temperature(mf, &tmf);
        free(s);
        free(h);
        vs_meanfield_free(mf);
        vs_lattice_free(lat);
        vs_coupling_free(c);
        vs_elastic_free(el);
        if (st != VS_OK)
            return fail("the lattice section", st);
        fprintf(p->out, "%10s %13.4g %13.6f %13.6f %11.6f %11.6f %11.6f\n", demo[k].label, E[0], E[1], E[2], lmax,
                tc, tmf);
    }
    fprintf(p->out, "(Uniform compression has zero pair energy: for isotropic media the compression-compression\n"
                    " part of J~ is the constant K/(lambda+2mu), a pure contact term (Eshelby). T_c(LT) = E0 lambda_max/6\n"
                    " is the lattice mean-field Curie temperature of the pair kernel alone (no contact term D = A_0);\n"
                    " T_Curie(MF) = max J/6 is the infinite-range model of Eq. 21.)\n\n");
    return 0;
}

/* ---- figures ---------------------------------------------------------------------------------- */

/* The output line of every script: `gnuplot SCRIPT` run by hand draws NAME; voigtspin presets vs_out
 * to a temporary name and renames it to NAME once gnuplot has succeeded. */
#define PNG_OUTPUT(name) "if (!exists('vs_out')) vs_out = '" name "'\nset output vs_out\n"

/* DIR/name in a new string (NULL with a message if out of memory). */
static char *path_in(const paper_ctx *p, const char *name)
{
    size_t n = strlen(p->dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path == NULL)
        fprintf(stderr, "voigtspin: out of memory\n");
    else
        snprintf(path, n, "%s/%s", p->dir, name);
    return path;
}

/* Start writing DIR/name atomically (see cli_file): the previous file survives any failure. */
static int open_out(const paper_ctx *p, const char *name, cli_file *f)
{
    char *path = path_in(p, name);
    if (path == NULL)
        return CLI_EXIT_FAIL;
    int rc = cli_file_open(f, path);
    free(path);
    return rc;
}

/* Draw png from a gnuplot script in DIR: gnuplot runs without a shell (argument vector, working
 * directory DIR), draws into png.tmp (the scripts honour a preset vs_out), which replaces png only if
 * gnuplot succeeded. */
static int plot(paper_ctx *p, const char *script, const char *png)
{
    if (!p->figures)
        return 0;
    char tmp[128], assign[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", png);
    snprintf(assign, sizeof assign, "vs_out = '%s'", tmp);
    char *argv[] = {"gnuplot", "-e", assign, (char *)script, NULL};
    int st = cli_run(p->dir, argv, "gnuplot.log", p->plotted++ > 0);
    char *tmppath = path_in(p, tmp), *pngpath = path_in(p, png);
    int rc = CLI_EXIT_FAIL;
    if (tmppath && pngpath) {
        if (st != 0) {
            unlink(tmppath);
            fprintf(stderr, "voigtspin: gnuplot failed on %s/%s (status %d; see %s/gnuplot.log)\n", p->dir, script,
                    st, p->dir);
        } else if ((rc = cli_file_install(tmppath, pngpath)) == 0) {
            fprintf(p->out, "figure: %s\n", pngpath);
        }
    }
    free(tmppath);
    free(pngpath);
    return rc;
}

static int write_script(paper_ctx *p, const char *name, const char *text)
{
    cli_file f;
    if (open_out(p, name, &f))
        return CLI_EXIT_FAIL;
    fputs(text, f.fp);
    return cli_file_commit(&f);
}

static int fig2(paper_ctx *p)
{
    cli_file out;
    double gcr;
    int st = vs_oscillator_gcr(6, 1.0, 1.0, &gcr);
    if (st != VS_OK)
        return fail("g_cr", st);
    if (open_out(p, "fig2_oscillator.dat", &out))
        return CLI_EXIT_FAIL;
    FILE *fp = out.fp;
    const double gs[3] = {0.7 * gcr, gcr, 1.4 * gcr};
    fprintf(fp, "# phi f(phi,0.7gcr) f(phi,gcr) f(phi,1.4gcr)   Eq. 14, k_BT = a^3 = 1\n");
    for (int j = 0; j <= 200; j++) {
        double phi = 3.0 * gcr * j / 200.0, f[3];
        for (int k = 0; k < 3; k++)
            if ((st = vs_oscillator_free_energy(6, 1.0, 1.0, phi, gs[k], &f[k])) != VS_OK) {
                cli_file_discard(&out);
                return fail("f(phi, g)", st);
            }
        fprintf(fp, "%.10g %.10g %.10g %.10g\n", phi, f[0], f[1], f[2]);
    }
    if (cli_file_commit(&out))
        return CLI_EXIT_FAIL;
    if (write_script(p, "fig2_oscillator.gp",
                     "set terminal pngcairo size 800,600\n" PNG_OUTPUT("fig2_oscillator.png")
                     "set title 'Fig. 2: single-oscillator free energy, Eq. 14 (k_BT = a^3 = 1)'\n"
                     "set xlabel 'phi'\nset ylabel 'f(phi, g) - g^2/2'\nset key top left\n"
                     "plot 'fig2_oscillator.dat' u 1:($2-0.5*(0.7**2)*6) w l t 'g = 0.7 g_{cr}', "
                     "'' u 1:($3-0.5*6) w l t 'g = g_{cr}', '' u 1:($4-0.5*(1.4**2)*6) w l t 'g = 1.4 g_{cr}'\n"))
        return CLI_EXIT_FAIL;
    return plot(p, "fig2_oscillator.gp", "fig2_oscillator.png");
}

static int fig3(paper_ctx *p)
{
    static const size_t which[2] = {0, 2}; /* silica, salol */
    for (int w = 0; w < 2; w++) {
        size_t k = which[w];
        vs_meanfield *mf = NULL;
        double Tc = NAN, hc = NAN, hs = NAN;
        int st = demo_meanfield(k, &mf);
        if (st == VS_OK)
            st = vs_meanfield_curie_temperature(mf, &Tc);
        if (st == VS_OK)
            st = vs_meanfield_sector_fields(mf, 0.8 * Tc, &hc, &hs, NULL, NULL);
        enum { NG = 61 };
        double hcg[NG], hsg[NG], G[NG * NG], hmax = 2.0 * fmax(fabs(hc), hs);
        for (int i = 0; i < NG; i++) {
            hcg[i] = -hmax + 2.0 * hmax * i / (NG - 1);
            hsg[i] = hmax * i / (NG - 1);
        }
        if (st == VS_OK)
            st = vs_meanfield_landscape(mf, 0.8 * Tc, NG, hcg, NG, hsg, G);
        vs_meanfield_free(mf);
        if (st != VS_OK)
            return fail("the landscape (Fig. 3)", st);
        char name[64];
        cli_file out;
        snprintf(name, sizeof name, "fig3_landscape_%s.dat", demo[k].label);
        if (open_out(p, name, &out))
            return CLI_EXIT_FAIL;
        FILE *fp = out.fp;
        fprintf(fp, "# h_c h_s G (Eq. 24, k_BT units) at T = 0.8 T_Curie; minimum h_c = +-%.8g, h_s = %.8g\n", hc, hs);
        for (int i = 0; i < NG; i++) {
            for (int j = 0; j < NG; j++)
                fprintf(fp, "%.8g %.8g %.8g\n", hcg[i], hsg[j], G[i * NG + j]);
            fputc('\n', fp);
        }
        if (cli_file_commit(&out))
            return CLI_EXIT_FAIL;
        char script[1024], gp[64], png[64];
        snprintf(gp, sizeof gp, "fig3_landscape_%s.gp", demo[k].label);
        snprintf(png, sizeof png, "fig3_landscape_%s.png", demo[k].label);
        snprintf(script, sizeof script,
                 "set terminal pngcairo size 800,600\n" PNG_OUTPUT("%s")
                 "set title 'Fig. 3%s: G(h_c, h_s), Eq. 24, %s (T = 0.8 T_{Curie})'\n"
                 "set xlabel 'h_c'\nset ylabel 'h_s'\nset zlabel 'G/N'\nset hidden3d\nset view 60,30\n"
                 "set contour base\nset cntrparam levels 12\nunset key\n"
                 "splot '%s' u 1:2:3 w l\n",
                 png, w == 0 ? "a" : "b", demo[k].label, name);
        if (write_script(p, gp, script) || plot(p, gp, png))
            return CLI_EXIT_FAIL;
    }
    return 0;
}

static int fig4(paper_ctx *p)
{
    enum { NT = 80, NR = 80 };
    double T[NT], r[NR], mc[NT * NR], ms[NT * NR];
    int ph[NT * NR];
    for (int i = 0; i < NT; i++)
        T[i] = 0.005 + 0.4 * i / (NT - 1);
    for (int j = 0; j < NR; j++)
        r[j] = 0.5 + 1.5 * j / (NR - 1);
    fprintf(stderr, "voigtspin paper: phase diagram (%d points)...\n", NT * NR);
    int st = vs_meanfield_phase_diagram(1.0, NT, T, NR, r, ph, mc, ms);
    if (st != VS_OK)
        return fail("the phase diagram (Fig. 4)", st);
    cli_file out;
    if (open_out(p, "fig4_phase_diagram.dat", &out))
        return CLI_EXIT_FAIL;
    FILE *fp = out.fp;
    fprintf(fp, "# ratio=J_compr/J_shear T/J_shear phase(0 para,1 compression,2 shear,3 both) m_c m_s\n");
    for (int j = 0; j < NR; j++) {
        for (int i = 0; i < NT; i++)
            fprintf(fp, "%.6g %.6g %d %.6g %.6g\n", r[j], T[i], ph[i * NR + j], mc[i * NR + j], ms[i * NR + j]);
        fputc('\n', fp);
    }
    if (cli_file_commit(&out))
        return CLI_EXIT_FAIL;
    if (write_script(p, "fig4_phase_diagram.gp",
                     "set terminal pngcairo size 800,600\n" PNG_OUTPUT("fig4_phase_diagram.png")
                     "set title 'Fig. 4: mean-field phase diagram of Eq. 21'\n"
                     "set xlabel 'J_{compr}/J_{shear}'\nset ylabel 'k_BT/J_{shear}'\n"
                     "set rmargin 14\nset palette maxcolors 4\n"
                     "set palette defined (0 'white', 1 'orange', 2 'steelblue', 3 'black')\n"
                     "set cbrange [-0.5:3.5]\nset cbtics ('para' 0, 'Ising' 1, 'Heisenberg' 2, 'both' 3)\n"
                     "set xrange [0.5:2]\nset yrange [0:0.405]\nset key top left\n"
                     "f(x) = (x > 1 ? x : 1)/6.\n"
                     "plot 'fig4_phase_diagram.dat' u 1:2:3 w image notitle, "
                     "f(x) w l lw 2 lc 'black' t 'T_{Curie} = max J/6'\n"))
        return CLI_EXIT_FAIL;
    return plot(p, "fig4_phase_diagram.gp", "fig4_phase_diagram.png");
}

static int fig5(paper_ctx *p)
{
    vs_meanfield *mf = NULL;
    vs_gprofile *gp = NULL, *gpmax = NULL;
    double cmax = NAN, g1 = NAN, g2 = NAN, slope = NAN;
    int st = vs_meanfield_create_compr_shear(1.0, 1.0, &mf);
    if (st == VS_OK)
        st = vs_gprofile_create(mf, 0.05, &gp);
    if (st == VS_OK)
        st = vs_gprofile_max_penalty(gp, &cmax);
    if (st == VS_OK)
        st = vs_gprofile_create(mf, cmax, &gpmax);
    if (st == VS_OK)
        st = vs_gprofile_tangent(gp, &g1, &g2, &slope);
    cli_file out = {0};
    int rc = st == VS_OK ? open_out(p, "fig5_free_energy.dat", &out) : fail("F(g) (Fig. 5)", st);
    if (rc == 0) {
        FILE *fp = out.fp;
        double F1 = NAN;
        st = vs_gprofile_eval(gp, g1, &F1, NULL, NULL);
        fprintf(fp, "# g F0 F(c=0.05) tangent F(c=c_max=%.6g) d2F0   (k_BT = a^3 = 1)\n", cmax);
        for (int j = 1; j <= 400 && st == VS_OK; j++) {
            double g = 14.0 * j / 400.0, F0 = NAN, d2F0 = NAN, F = NAN, Fm = NAN;
            st = vs_gprofile_f0(gp, g, &F0, NULL, &d2F0);
            if (st == VS_OK)
                st = vs_gprofile_eval(gp, g, &F, NULL, NULL);
            if (st == VS_OK)
                st = vs_gprofile_eval(gpmax, g, &Fm, NULL, NULL);
            fprintf(fp, "%.8g %.10g %.10g %.10g %.10g %.10g\n", g, F0, F, F1 + slope * (g - g1), Fm, d2F0);
        }
        if (st != VS_OK) {
            cli_file_discard(&out);
            rc = fail("F(g) (Fig. 5)", st);
        } else {
            rc = cli_file_commit(&out);
        }
    }
    vs_gprofile_free(gp);
    vs_gprofile_free(gpmax);
    vs_meanfield_free(mf);
    if (rc)
        return rc;
    if (write_script(p, "fig5_free_energy.gp",
                     "set terminal pngcairo size 800,600\n" PNG_OUTPUT("fig5_free_energy.png")
                     "set title 'Fig. 5: F_0(g) and F(g) = F_0 + c g^2 a^3 (k_BT = a^3 = 1)'\n"
                     "set xlabel 'g'\nset ylabel 'F/N k_BT'\nset key top left\nset yrange [-1:25]\n"
                     "set multiplot\n"
                     "plot 'fig5_free_energy.dat' u 1:2 w l dt 4 t 'F_0(g)', '' u 1:3 w l lw 3 t 'F(g), c = 0.05', "
                     "'' u 1:4 w l lw 1 t 'common tangent', '' u 1:5 w l dt 2 t 'F(g), largest c'\n"
                     "set origin 0.55,0.1\nset size 0.4,0.4\nset title 'd^2F_0/dg^2'\nunset key\n"
                     "set xlabel 'g^2 a^3/k_BT'\nset ylabel ''\nset xrange [0:20]\nset yrange [-2:1.2]\n"
                     "plot 'fig5_free_energy.dat' u ($1**2):6 w l\n"
                     "unset multiplot\n"))
        return CLI_EXIT_FAIL;
    return plot(p, "fig5_free_energy.gp", "fig5_free_energy.png");
}

static void paper_help(FILE *fp)
{
    fprintf(fp, "usage: voigtspin paper [--out DIR] [--no-figures]\n"
                "Reproduce the paper's numbers for the demo materials (silica sigma = 0.15, sigma = 1/5,\n"
                "salol-like sigma = 0.35): elastic quantities, Eq. 22, T_Curie and the phases of Fig. 3,\n"
                "F0(g) features (Fig. 5); write the data of Figs. 2-5 into DIR (default voigtspin-paper)\n"
                "and draw them as PNG files with gnuplot when it is installed.\n");
}

int cmd_paper(int argc, char **argv)
{
    paper_ctx p = {.dir = "voigtspin-paper", .figures = 1, .plotted = 0, .out = stdout};
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i]))
            return paper_help(stdout), CLI_EXIT_OK;
        if (strcmp(argv[i], "--out") == 0) {
            if ((p.dir = cli_value(argc, argv, &i)) == NULL)
                return CLI_EXIT_USAGE;
            continue;
        }
        if (strcmp(argv[i], "--no-figures") == 0) {
            p.figures = 0;
            continue;
        }
        return cli_usage_error("paper: unknown argument '%s'", argv[i]);
    }
    if (mkdir(p.dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "voigtspin: cannot create output folder '%s': %s\n", p.dir, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    static char *const probe[] = {"gnuplot", "--version", NULL};
    if (p.figures && cli_run(".", probe, "/dev/null", 0) != 0) {
        fprintf(stderr, "voigtspin: gnuplot not found: writing figure data and scripts only\n");
        p.figures = 0;
    }
    fprintf(p.out, "libvoigtspin %s: Bevzenko & Lubchenko, \"Stress distribution and the fragility of "
                   "supercooled melts\"\n\n", vs_version_string());
    int rc = section_elastic(&p);
    if (!rc)
        rc = section_coupling(&p);
    if (!rc)
        rc = section_meanfield(&p);
    if (!rc)
        rc = section_f0(&p);
    if (!rc)
        rc = section_lattice(&p);
    if (!rc)
        rc = fig2(&p);
    if (!rc)
        rc = fig3(&p);
    if (!rc)
        rc = fig4(&p);
    if (!rc)
        rc = fig5(&p);
    if (!rc)
        fprintf(p.out, "data and gnuplot scripts in %s/\n", p.dir);
    return rc;
}
