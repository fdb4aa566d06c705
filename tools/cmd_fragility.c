/*
 * voigtspin fragility — the heat-capacity / fragility study of issue 14 (docs/fragility.md): for a
 * list of materials (a σ or c_l/c_t range, or one material) and lattice sizes L, parallel-tempering
 * Monte Carlo of the 6-spin model (vs_sampler, public API only) on a ladder relative to the
 * mean-field T_c; per point C(T) with errors, its peak, ΔE and ΔS across the ladder, Δc and
 * m = 34.7 Δc, the ordering sector, the mean-field and Luttinger–Tisza temperatures; per material
 * Δc extrapolated in N^(−1/2). CSV out, PNG plots through gnuplot when it is installed.
 *
 * Resumable: one sampler checkpoint per point in --checkpoint-dir. A finished point (its
 * checkpoint holds --therm + --sweeps sweeps) is read back, not rerun; an interrupted one continues
 * from its checkpoint exactly as the uninterrupted run (the phase of a run follows from the sweep
 * count alone, as in `voigtspin mc`). Ctrl-C / SIGTERM: the current point's checkpoint is written
 * and the command exits 128 + signal; running it again with the same options finishes the study.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fragility.h"

#ifdef VS_HAVE_MPI
#include <mpi.h>
#endif

#define FRAG_MAX_T      1024
#define FRAG_MAX_SWEEPS 1000000000000L

#ifdef VS_HAVE_MPI
static const char frag_mpi_help[] =
    "Under mpiexec/mpirun (built with the MPI add-on): the ladder of each point is spread over the ranks,\n"
    "the output is the serial run's (written by rank 0), --checkpoint-dir holds one manifest plus one\n"
    "file per replica per point, resumable under mpiexec on any number of ranks (docs/fragility.md).\n";
#else
static const char frag_mpi_help[] = "";
#endif

static void frag_help(FILE *fp)
{
    fprintf(
        fp,
        "usage: voigtspin fragility MATERIALS [--L L1,L2,...] [LADDER] [run] [files]\n"
        "Heat capacity and fragility of the 6-spin model vs anisotropy (docs/fragility.md): per material\n"
        "and lattice size, parallel-tempering Monte Carlo over a temperature ladder, C(T) per spin with\n"
        "errors, its peak, the energy and entropy change across the ladder, dc = C_peak - C(K T_peak) and\n"
        "m = 34.7 dc, the ordering sector, the mean-field and Luttinger-Tisza temperatures.\n"
        "Materials (one of):\n"
        "  --sigma A:B:N             N isotropic materials, Poisson ratio from A to B (mu = 1)\n"
        "  --ratio A:B:N             N isotropic materials, c_l/c_t from A to B (mu = 1)\n"
        "  a material option below   one material (any 6x6 tensor)\n"
        "Sizes and ladder:\n"
        "  --L L1,L2,...             cube sizes L (L x L x L cells; default 4)\n"
        "  --Trel A:B:N              N temperatures A..B times the mean-field T_c of each material,\n"
        "                            geometric (default 0.6:2.6:16)\n"
        "  --Tmin A --Tmax B --nT N  the same absolute ladder for every material (geometric)\n"
        "  --background K            the disordered-side background of dc: C at K T_peak, interpolated\n"
        "                            linearly on the ladder (default 1.5; nan beyond the ladder's top)\n"
        "Run (per point):\n"
        "  --sweeps N                measurement sweeps, one measurement each (default 2000)\n"
        "  --therm N                 thermalisation sweeps (default 500)\n"
        "  --seed S                  random seed 0 <= S < 2^31 (default 1), the same for every point\n"
        "  --threads N               threads over the replicas (0: automatic); results do not depend on it\n"
        "Model: the elastic kernel with its contact term D = A_0 = <J~> on site (--no-contact drops it), or\n"
        "  --kernel infinite-range (no contact term): the mean-field model of Eq. 21 through the same "
        "driver\n"
        "Files:\n"
        "  --checkpoint-dir DIR      one checkpoint per point (DIR/point-MMM-L<L>.ckpt, created if\n"
        "                            missing): an interrupted study resumes where it stopped when run\n"
        "                            again with the same options; finished points are not rerun\n"
        "  --checkpoint-every N      sweeps between checkpoints (default 500)\n"
        "  -o, --output FILE         the summary CSV (one row per material and L, then the\n"
        "                            extrapolated rows L = inf), atomically; default standard output\n"
        "  --curves FILE             the C(T) curves as CSV (one row per material, L and T)\n"
        "  --plots DIR               data, a gnuplot script and, with gnuplot on PATH, PNG plots:\n"
        "                            fragility_cT.png, fragility_peak.png, fragility_m.png\n"
        "  --overlay FILE            measured (Poisson ratio or K/G, fragility m) pairs drawn on the m\n"
        "                            plot: a CSV whose header names the columns sigma,m or KG,m\n"
        "  --progress / --quiet      progress on stderr even when it is not a terminal / none\n"
        "Columns of the summary: docs/fragility.md. Ctrl-C (or SIGTERM) writes the current point's\n"
        "checkpoint and exits 128 + signal.\n%s\n%s%s",
        frag_mpi_help, cli_lattice_help, cli_material_help);
}

/* ---- options ------------------------------------------------------------------------------------ */


void cli_frag_init(cli_frag *o)
{
    *o = (cli_frag){.L = {4},
                    .nL = 1,
                    .trel = {0.6, 2.6, 16},
                    .kappa = 1.5,
                    .sweeps = 2000,
                    .therm = 500,
                    .seed = 1,
                    .threads = -1,
                    .ckevery = 500,
                    .progress = -1};
    cli_lattice_init(&o->lat);
    o->lat.contact = -1; /* resolved in cli_frag_parse: on for the elastic kernel (docs/fragility.md) */
}

void cli_frag_free(cli_frag *o)
{
    cli_lattice_free(&o->lat);
    free(o->grid);
}

/* "A:B:N" (or "A,B,N") into a copy with commas, for the shared parsers. */
static int frag_triple(const char *opt, const char *s, double v[3])
{
    char buf[256];
    if (s == NULL)
        return CLI_EXIT_USAGE;
    if (strlen(s) >= sizeof buf)
        return cli_usage_error("option %s: value too long", opt);
    snprintf(buf, sizeof buf, "%s", s);
    for (char *c = buf; *c; c++)
        if (*c == ':')
            *c = ',';
    if (cli_parse_doubles(buf, v, 3) != 0 || !(v[2] >= 1 && v[2] <= 100000) || v[2] != floor(v[2]))
        return cli_usage_error("option %s: '%s' is not A:B:N with finite A, B and 1 <= N <= 100000", opt, s);
    return 0;
}

static int frag_grid(cli_frag *o, const char *opt, int kind, const char *s)
{
    double v[3];
    if (o->grid_kind)
        return cli_usage_error("option %s: give only one of --sigma and --ratio", opt);
    if (frag_triple(opt, s, v))
        return CLI_EXIT_USAGE;
    long n = (long)v[2];
    for (int e = 0; e < 2; e++) {
        double x = v[e], sg = kind == 1 ? x : frag_sigma_from_clct(x);
        if (!(sg > -1 && sg < 0.5))
            return cli_usage_error("option %s: %g is not a physical %s", opt, x,
                                   kind == 1 ? "Poisson ratio (-1 < sigma < 1/2)" : "c_l/c_t (> sqrt(4/3))");
    }
    if ((o->grid = malloc((size_t)n * sizeof *o->grid)) == NULL)
        return cli_usage_error("option %s: out of memory", opt);
    for (long k = 0; k < n; k++)
        o->grid[k] = n == 1 ? v[0] : v[0] + (v[1] - v[0]) * (double)k / (double)(n - 1);
    o->ngrid = n;
    o->grid_kind = kind;
    return 1;
}

static int frag_sizes(cli_frag *o, const char *s)
{
    double v[CLI_FRAG_MAX_L];
    int n;
    if (s == NULL || cli_parse_list("--L", s, v, CLI_FRAG_MAX_L, &n) != 0)
        return CLI_EXIT_USAGE;
    for (int k = 0; k < n; k++) {
        if (!(v[k] >= 1 && v[k] <= 256) || v[k] != floor(v[k]))
            return cli_usage_error("option --L: '%s' is not a list of integers 1..256", s);
        o->L[k] = (int)v[k];
    }
    o->nL = n;
    return 1;
}

static int frag_count(const char *opt, const char *s, long lo, long hi, long *v)
{
    return cli_parse_int(opt, s, lo, hi, v) ? CLI_EXIT_USAGE : 1;
}

static int frag_path(const char *opt, const char *s, const char **dst)
{
    if (s == NULL)
        return CLI_EXIT_USAGE;
    if (*s == '\0')
        return cli_usage_error("option %s: empty file name", opt);
    *dst = s;
    return 1;
}

/* One option of fragility: 1 consumed, 0 unknown, CLI_EXIT_USAGE. */
static int frag_option(cli_frag *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--sigma") == 0)
        return frag_grid(o, a, 1, cli_value(argc, argv, i));
    if (strcmp(a, "--ratio") == 0)
        return frag_grid(o, a, 2, cli_value(argc, argv, i));
    if (strcmp(a, "--L") == 0)
        return frag_sizes(o, cli_value(argc, argv, i));
    if (strcmp(a, "--Trel") == 0)
        return (o->have_trel = 1, frag_triple(a, cli_value(argc, argv, i), o->trel)) ? CLI_EXIT_USAGE : 1;
    int r = cli_trange_option(&o->range, 3, FRAG_MAX_T, argc, argv, i);
    if (r != 0)
        return r;
    if (strcmp(a, "--background") == 0)
        return cli_parse_double(a, cli_value(argc, argv, i), &o->kappa) ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--sweeps") == 0)
        return frag_count(a, cli_value(argc, argv, i), 2, FRAG_MAX_SWEEPS, &o->sweeps);
    if (strcmp(a, "--therm") == 0)
        return frag_count(a, cli_value(argc, argv, i), 0, FRAG_MAX_SWEEPS, &o->therm);
    if (strcmp(a, "--seed") == 0)
        return frag_count(a, cli_value(argc, argv, i), 0, 0x7fffffffL, &o->seed);
    if (strcmp(a, "--threads") == 0)
        return frag_count(a, cli_value(argc, argv, i), 0, 1024, &o->threads);
    if (strcmp(a, "--checkpoint-every") == 0)
        return frag_count(a, cli_value(argc, argv, i), 0, FRAG_MAX_SWEEPS, &o->ckevery);
    if (strcmp(a, "--checkpoint-dir") == 0)
        return frag_path(a, cli_value(argc, argv, i), &o->ckdir);
    if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
        return frag_path(a, cli_value(argc, argv, i), &o->output);
    if (strcmp(a, "--curves") == 0)
        return frag_path(a, cli_value(argc, argv, i), &o->curves);
    if (strcmp(a, "--plots") == 0)
        return frag_path(a, cli_value(argc, argv, i), &o->plots);
    if (strcmp(a, "--overlay") == 0)
        return frag_path(a, cli_value(argc, argv, i), &o->overlay);
    if (strcmp(a, "--progress") == 0)
        return o->progress = 1;
    if (strcmp(a, "--quiet") == 0)
        return (o->progress = 0), 1;
    return 0;
}

static int frag_check(const cli_frag *o)
{
    if (o->grid_kind && o->lat.mat.given)
        return cli_usage_error("fragility: give --sigma, --ratio or one material option, not both");
    if (!o->grid_kind && !o->lat.mat.given)
        return cli_usage_error(
            "fragility: give the materials (--sigma A:B:N, --ratio A:B:N or a material option)");
    if (strcmp(o->lat.kernel, "dipolar") == 0)
        return cli_usage_error(
            "option --kernel: the study needs the 6-spin model (elastic or infinite-range)");
    if (o->lat.have_cell)
        return cli_usage_error("option --cell: the study uses the cubic presets (--preset sc|bcc|fcc)");
    if (o->lat.open)
        return cli_usage_error("option --open: the study needs periodic lattices");
    if (!(o->kappa > 1 && o->kappa <= 100))
        return cli_usage_error("option --background: need 1 < K <= 100");
    if (cli_trange_check(&o->range) != 0)
        return CLI_EXIT_USAGE;
    if (o->range.given && o->have_trel)
        return cli_usage_error("option --Trel excludes --Tmin/--Tmax/--nT");
    if (o->range.given && !(o->range.Tmin > 0 && o->range.Tmax > o->range.Tmin))
        return cli_usage_error("options --Tmin/--Tmax: need 0 < Tmin < Tmax");
    if (!o->range.given &&
        !(o->trel[0] > 0 && o->trel[1] > o->trel[0] && o->trel[2] >= 3 && o->trel[2] <= FRAG_MAX_T))
        return cli_usage_error("option --Trel: need 0 < A < B and 3 <= N <= %d", FRAG_MAX_T);
#ifdef VS_HAVE_MPI
    int nranks = 1;
    if (cli_mpi)
        MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    long nT = o->range.given ? o->range.n : (long)o->trel[2];
    if (nT < nranks)
        return cli_usage_error("fragility under mpiexec: the ladder has %ld temperatures, fewer than the %d "
                               "ranks (each rank holds at least one)",
                               nT, nranks);
#endif
    return 0;
}

int cli_frag_parse(cli_frag *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int r;
        if (cli_is_help(argv[i])) {
            o->help = 1;
            return 0;
        }
        if ((r = frag_option(o, argc, argv, &i)) != 0 ||
            (r = cli_lattice_option(&o->lat, argc, argv, &i)) != 0) {
            if (r != 1)
                return r;
            continue;
        }
        return cli_usage_error("fragility: unknown argument '%s'", argv[i]);
    }
    /* the study's default: the full kernel, its l = 0 part A_0 = <J~> on site, for the pair kernel;
     * none for the infinite-range model of Eq. 21 (its U is already <J~>) */
    if (o->lat.contact < 0)
        o->lat.contact = strcmp(o->lat.kernel, "infinite-range") != 0;
    int rc = cli_lattice_check(&o->lat);
    return rc ? rc : frag_check(o);
}

/* ---- one point: material × L -------------------------------------------------------------------- */

typedef struct frag_point {
    int imat, L;
    size_t N;
    double sigma, clct, kg, ratio; /* the material's axes */
    double Tmf, Cmf, Tlt;          /* mean-field T_c and C just below it, Luttinger–Tisza T_c */
    int nT;
    double *T, *E, *dE, *C, *dC, *share, *smax, *acc, *exch;
    double kpeak[3];
    long long trips;
    /* the analysis */
    int peak_status;
    double Tp, dTp, Cp, dCp, Cbg, dCbg, dc, ddc, dEint, ddEint, dEdir, ddEdir, dS, ddS;
} frag_point;

static void frag_point_free(frag_point *p)
{
    free(p->T); /* one block for the per-T arrays */
    p->T = NULL;
}

static int frag_point_alloc(frag_point *p, int nT)
{
    double *b = calloc((size_t)9 * (size_t)nT, sizeof *b);
    if (b == NULL)
        return VS_ENOMEM;
    p->nT = nT;
    double **arr[] = {&p->T, &p->E, &p->dE, &p->C, &p->dC, &p->share, &p->smax, &p->acc, &p->exch};
    for (int k = 0; k < 9; k++)
        *arr[k] = b + (size_t)k * (size_t)nT;
    return VS_OK;
}

/* The lattice options of material imat at size L. */
static void frag_material(const cli_frag *o, int imat, int L, cli_lattice *lat)
{
    *lat = o->lat;
    lat->basis = NULL;
    lat->nbasis = 0;
    lat->L[0] = lat->L[1] = lat->L[2] = L;
    if (o->grid_kind) {
        snprintf(lat->mat.kind, sizeof lat->mat.kind, "%s",
                 o->grid_kind == 1 ? "poisson-shear" : "sound-ratio");
        lat->mat.p[0] = o->grid[imat];
        lat->mat.p[1] = 1.0;
        lat->mat.given = 1;
    }
}

/* σ, c_l/c_t, K/G (exact if isotropic, Hill average otherwise), J_compr/J_shear of ⟨J̃⟩ (entry 0 of the
 * spin basis over the mean of the five shear ones), the mean-field T_c and C just below it. */
static int frag_axes(const cli_lattice *lat, frag_point *p)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_meanfield *mf = NULL;
    vs_symmetry sym;
    double mod[6], J[36];
    int st = cli_material_create(&lat->mat, &el);
    if (st == VS_OK)
        st = cli_coupling_create(&lat->mat, el, &c);
    if (st == VS_OK)
        st = vs_elastic_symmetry(el, &sym);
    if (st == VS_OK)
        st = vs_elastic_moduli(el, sym == VS_ELASTIC_ISOTROPIC ? VS_AVERAGE_EXACT : VS_AVERAGE_HILL, mod);
    if (st == VS_OK)
        st = vs_coupling_average(c, J, NULL);
    if (st == VS_OK)
        st = vs_meanfield_create_from_coupling(c, lat->E0, &mf);
    if (st == VS_OK)
        st = vs_meanfield_curie_temperature(mf, &p->Tmf);
    if (st == VS_OK)
        st = vs_meanfield_thermo(mf, p->Tmf * (1 - 1e-9), NULL, NULL, NULL, &p->Cmf);
    if (st == VS_OK) {
        p->sigma = mod[4];
        p->clct = mod[5];
        p->kg = mod[0] / mod[1];
        p->ratio = J[0] / ((J[7] + J[14] + J[21] + J[28] + J[35]) / 5.0);
    }
    vs_meanfield_free(mf);
    vs_coupling_free(c);
    vs_elastic_free(el);
    return st;
}

static void frag_ladder(const cli_frag *o, const frag_point *p, double *T)
{
    int n = p->nT;
    double lo = o->range.given ? o->range.Tmin : o->trel[0] * p->Tmf,
           hi = o->range.given ? o->range.Tmax : o->trel[1] * p->Tmf;
    for (int k = 0; k < n; k++)
        T[k] = k == n - 1 ? hi : lo * pow(hi / lo, (double)k / (double)(n - 1));
}

/* Progress on stderr: a line at every tenth of a point. */
typedef struct frag_progress {
    int on, last;
    double t0;
} frag_progress;

static void frag_progress_show(frag_progress *g, const cli_frag *o, const frag_point *p, int ip, int np,
                               long long done, long long total)
{
    int decile = (int)(10 * done / (total > 0 ? total : 1));
    if (!g->on || decile == g->last)
        return;
    g->last = decile;
    fprintf(stderr, "voigtspin fragility: point %d/%d (%s %.4g, L %d): sweep %lld/%lld %s, %.1f s\n", ip + 1,
            np, o->grid_kind == 2 ? "c_l/c_t" : "sigma", o->grid_kind == 2 ? p->clct : p->sigma, p->L, done,
            total, done <= o->therm ? "thermalising" : "measuring", cli_clock() - g->t0);
}

/* ---- the ladder of one point: serial, or over the ranks under mpiexec ------------------------------
 *
 * Under mpiexec (docs/fragility.md, "Under mpirun") the ladder of each point is a vs_mpi_sampler over
 * MPI_COMM_WORLD: the serial chain bit for bit, so the study's output equals the serial run's byte
 * for byte. Every rank runs the same loop; the checkpoints are collective (a manifest and one file per
 * replica, resumable on any number of ranks); a signal on any rank stops every rank after the same
 * sweep; rank 0 alone prints and writes the files. Every frag_chain_* call is collective then. */
typedef struct frag_chain {
    vs_sampler *s; /* serial */
#ifdef VS_HAVE_MPI
    vs_mpi_sampler *m; /* under mpiexec */
#endif
} frag_chain;

static int frag_on_ranks(const frag_chain *ch)
{
#ifdef VS_HAVE_MPI
    return ch->m != NULL;
#else
    (void)ch;
    return 0;
#endif
}

/* Whether this process prints: always when serial, rank 0 alone under mpiexec. */
/* The largest rc of all ranks under mpiexec (collective); rc when serial. */
static int frag_agree(int rc)
{
#ifdef VS_HAVE_MPI
    if (cli_mpi)
        return cli_mpi_agree(rc);
#endif
    return rc;
}

/* A library status agreed over the ranks under mpiexec (collective): st where it failed, else
 * `other` when it failed on another rank, VS_OK when it failed nowhere. */
static int frag_agree_status(int st, int other)
{
    int failed = frag_agree(st != VS_OK);
    return st != VS_OK ? st : failed ? other : VS_OK;
}

/* Rank 0's rc on every rank under mpiexec (collective); rc when serial. */
static int frag_from_rank0(int rc)
{
#ifdef VS_HAVE_MPI
    if (cli_mpi)
        return cli_mpi_from_rank0(rc);
#endif
    return rc;
}

static int frag_error(const frag_chain *ch, const char *what, int st)
{
#ifdef VS_HAVE_MPI
    if (ch->m)
        return cli_mpi_error(what, st);
#else
    (void)ch;
#endif
    return cli_lib_error(what, st);
}

static const char *frag_last_error(const frag_chain *ch)
{
#ifdef VS_HAVE_MPI
    if (ch->m)
        return vs_mpi_last_error();
#else
    (void)ch;
#endif
    return vs_last_error();
}

static int frag_chain_create(const cli_frag *o, const vs_lattice *lat, const double *T, int nT,
                             frag_chain *ch)
{
    vs_sampler_options *opt = NULL;
    int st = vs_sampler_options_create(&opt);
    if (st == VS_OK && o->threads >= 0)
        st = vs_sampler_options_set(opt, VS_SAMPLER_OPT_THREADS, (double)o->threads);
#ifdef VS_HAVE_MPI
    if (cli_mpi) {
        if ((st = frag_agree_status(st, VS_ENOMEM)) != VS_OK) {
            vs_sampler_options_free(opt);
            return cli_prints() ? cli_lib_error("the sampler options", st) : CLI_EXIT_FAIL;
        }
        st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, nT, T, (unsigned long)o->seed, opt, &ch->m);
        vs_sampler_options_free(opt);
        return st == VS_OK ? CLI_EXIT_OK : cli_mpi_error("creating the sampler", st);
    }
#endif
    if (st == VS_OK)
        st = vs_sampler_create(lat, nT, T, (unsigned long)o->seed, opt, &ch->s);
    vs_sampler_options_free(opt);
    return st == VS_OK ? CLI_EXIT_OK : cli_lib_error("creating the sampler", st);
}

static void frag_chain_free(frag_chain *ch)
{
#ifdef VS_HAVE_MPI
    vs_mpi_sampler_free(ch->m);
#endif
    vs_sampler_free(ch->s);
}

/* One sweep; the observables forgotten after the last thermalisation sweep (t == therm), measured
 * after every later one. */
static int frag_chain_sweep(frag_chain *ch, long long t, long long therm)
{
#ifdef VS_HAVE_MPI
    if (ch->m) {
        int st = vs_mpi_sampler_sweep(ch->m, 1);
        if (st == VS_OK && t == therm)
            st = vs_mpi_sampler_reset_observables(ch->m);
        if (st == VS_OK && t > therm)
            st = vs_mpi_sampler_measure(ch->m);
        return st;
    }
#endif
    int st = vs_sampler_sweep(ch->s, 1);
    if (st == VS_OK && t == therm)
        st = vs_sampler_reset_observables(ch->s);
    if (st == VS_OK && t > therm)
        st = vs_sampler_measure(ch->s);
    return st;
}

static int frag_chain_save(const frag_chain *ch, const char *path)
{
#ifdef VS_HAVE_MPI
    if (ch->m)
        return vs_mpi_sampler_save(ch->m, path);
#endif
    return vs_sampler_save(ch->s, path);
}

static int frag_chain_load(frag_chain *ch, const char *path)
{
#ifdef VS_HAVE_MPI
    if (ch->m)
        return vs_mpi_sampler_load(ch->m, path);
#endif
    return vs_sampler_load(ch->s, path);
}

static int frag_chain_sweeps(const frag_chain *ch, long long *done)
{
#ifdef VS_HAVE_MPI
    if (ch->m)
        return vs_mpi_sampler_sweeps(ch->m, done);
#endif
    return vs_sampler_sweeps(ch->s, done);
}

/* The signal that asked to stop, 0 if none (under mpiexec: on any rank, agreed, so that every rank
 * stops after the same sweep). */
static int frag_chain_stop(const frag_chain *ch)
{
#ifdef VS_HAVE_MPI
    if (ch->m)
        return cli_mpi_stop();
#else
    (void)ch;
#endif
    return (int)cli_stop;
}

/* The measured values of replica k (on every rank under mpiexec): E, dE, C, dC, ⟨S(k)⟩'s peak kk and
 * height smax, the final spins, the acceptance and the exchange rate with k + 1 (NaN for the top). */
static int frag_chain_replica(const frag_chain *ch, int k, int nT, double *v, double kk[3], double *spins)
{
    int st;
    v[6] = NAN;
#ifdef VS_HAVE_MPI
    if (ch->m) {
        st = vs_mpi_sampler_observable(ch->m, k, VS_SAMPLER_OBS_ENERGY, &v[0], &v[1], NULL);
        if (st == VS_OK)
            st = vs_mpi_sampler_observable(ch->m, k, VS_SAMPLER_OBS_HEAT_CAPACITY, &v[2], &v[3], NULL);
        if (st == VS_OK)
            st = cli_mpi_sf_peak(ch->m, k, kk, &v[4]);
        if (st == VS_OK)
            st = vs_mpi_sampler_spins(ch->m, k, spins);
        if (st == VS_OK)
            st = vs_mpi_sampler_acceptance(ch->m, k, &v[5]);
        if (st == VS_OK && k + 1 < nT)
            st = vs_mpi_sampler_exchange_rate(ch->m, k, &v[6]);
        return st;
    }
#endif
    st = vs_sampler_observable(ch->s, k, VS_SAMPLER_OBS_ENERGY, &v[0], &v[1], NULL);
    if (st == VS_OK)
        st = vs_sampler_observable(ch->s, k, VS_SAMPLER_OBS_HEAT_CAPACITY, &v[2], &v[3], NULL);
    if (st == VS_OK)
        st = vs_sampler_structure_factor_peak(ch->s, k, kk, &v[4]);
    if (st == VS_OK)
        st = vs_sampler_spins(ch->s, k, spins);
    if (st == VS_OK)
        st = vs_sampler_acceptance(ch->s, k, &v[5]);
    if (st == VS_OK && k + 1 < nT)
        st = vs_sampler_exchange_rate(ch->s, k, &v[6]);
    return st;
}

static int frag_chain_round_trips(const frag_chain *ch, long long *n)
{
#ifdef VS_HAVE_MPI
    if (ch->m)
        return vs_mpi_sampler_round_trips(ch->m, n);
#endif
    return vs_sampler_round_trips(ch->s, n);
}

/* The measured curves of the finished point. The compression share is that of the final configuration
 * of each slot at the slot's ⟨S(k)⟩ peak (one snapshot: docs/fragility.md). */
static int frag_collect(const frag_chain *ch, const vs_lattice *lat, frag_point *p)
{
    size_t N = vs_lattice_nsites(lat);
    double *spins = malloc(N * 6 * sizeof *spins), *r = malloc(N * 3 * sizeof *r);
    int st = spins && r ? vs_lattice_positions(lat, r) : VS_ENOMEM;
    st = frag_agree_status(st, VS_ENOMEM); /* under mpiexec the queries below are collective */
    for (int k = 0; k < p->nT && st == VS_OK; k++) {
        double kk[3] = {0, 0, 0}, v[7];
        st = frag_chain_replica(ch, k, p->nT, v, kk, spins);
        if (st != VS_OK)
            break;
        p->E[k] = v[0];
        p->dE[k] = v[1];
        p->C[k] = v[2];
        p->dC[k] = v[3];
        p->acc[k] = v[5];
        p->exch[k] = v[6];
        p->share[k] = frag_compression_share(N, spins, r, kk);
        p->smax[k] = v[4] / (double)N;
        if (k == 0)
            memcpy(p->kpeak, kk, sizeof kk);
    }
    if (st == VS_OK)
        st = frag_chain_round_trips(ch, &p->trips);
    free(spins);
    free(r);
    return st;
}

static int frag_save(const frag_chain *ch, const char *path, int final)
{
    int st = frag_chain_save(ch, path);
    if (st == VS_OK)
        return CLI_EXIT_OK;
    if (final)
        return frag_error(ch, "writing the checkpoint", st);
    if (cli_prints())
        fprintf(stderr,
                "voigtspin fragility: warning: cannot write the checkpoint %s (%s: %s); the run goes on\n",
                path, vs_strerror(st), frag_last_error(ch));
    return CLI_EXIT_OK;
}

/* Whether the point's checkpoint ck exists (rank 0 looks, every rank learns): *exists 1 or 0; a usage
 * error when it is of the other kind (a serial file under mpiexec, an MPI manifest without). */
static int frag_checkpoint_exists(const frag_chain *ch, const char *ck, int *exists)
{
    int rc = 0, on_ranks = frag_on_ranks(ch);
    *exists = 0;
    if (ck != NULL && cli_prints() && access(ck, F_OK) == 0) {
        int kind = cli_checkpoint_kind(ck);
        if (on_ranks && kind == 1)
            rc = cli_usage_error(
                "checkpoint %s was written by a serial `voigtspin fragility`: finish the study "
                "without mpiexec, or use another --checkpoint-dir",
                ck);
        else if (!on_ranks && kind == 2)
            rc = cli_usage_error(
                "checkpoint %s was written by `voigtspin fragility` under mpiexec: finish the "
                "study under mpiexec (any number of ranks), or use another --checkpoint-dir",
                ck);
        *exists = rc == 0 ? 1 : -1;
    }
    *exists = frag_from_rank0(*exists);
    return *exists < 0 ? CLI_EXIT_USAGE : 0;
}

/* The sweeps of one point from its checkpoint (if any) to the end; 128 + signal when stopped. */
static int frag_sweeps(const cli_frag *o, frag_chain *ch, const char *ck, const frag_point *p, int ip, int np)
{
    long long done = 0, total = o->therm + o->sweeps;
    int st = VS_OK, rc = CLI_EXIT_OK, exists = 0, sig = 0;
    if ((rc = frag_checkpoint_exists(ch, ck, &exists)) != 0)
        return rc;
    if (exists && (st = frag_chain_load(ch, ck)) != VS_OK) {
        if (cli_prints())
            fprintf(stderr,
                    "voigtspin fragility: %s does not belong to this study's point %d (other options?); "
                    "use another --checkpoint-dir\n",
                    ck, ip + 1);
        return frag_error(ch, "reading the checkpoint", st);
    }
    if ((st = frag_chain_sweeps(ch, &done)) != VS_OK)
        return frag_error(ch, "the sweep count", st);
    if (done > total)
        return cli_usage_error("checkpoint %s holds %lld sweeps, more than --therm + --sweeps = %ld", ck,
                               done, o->therm + o->sweeps);
    frag_progress g = {cli_prints() && (o->progress == 1 || (o->progress == -1 && isatty(STDERR_FILENO))),
                       -1, cli_clock()};
    if (done == total && g.on)
        fprintf(stderr, "voigtspin fragility: point %d/%d: finished earlier (%s)\n", ip + 1, np, ck);
    if (ck && done == 0)
        rc = frag_save(ch, ck, 1);
    while (rc == CLI_EXIT_OK && done < total && (sig = frag_chain_stop(ch)) == 0) {
        long long t = ++done;
        if ((st = frag_chain_sweep(ch, t, o->therm)) != VS_OK)
            return frag_error(ch, "the sweep", st);
        if (ck && (t == total || (o->ckevery > 0 && t % o->ckevery == 0)))
            rc = frag_save(ch, ck, t == total);
        frag_progress_show(&g, o, p, ip, np, t, total);
    }
    if (rc == CLI_EXIT_OK && done < total) {
        if (cli_prints())
            fprintf(stderr, "voigtspin fragility: stopped by signal %d at point %d/%d, sweep %lld of %lld\n",
                    sig, ip + 1, np, done, total);
        if (ck == NULL) {
            if (cli_prints())
                fputs("voigtspin fragility: no --checkpoint-dir was given: nothing saved\n", stderr);
        } else if (frag_save(ch, ck, 1) != CLI_EXIT_OK) {
            return CLI_EXIT_FAIL;
        } else if (cli_prints()) {
            fprintf(stderr,
                    "voigtspin fragility: checkpoint written to %s; run the same command again to go on%s\n",
                    ck, frag_on_ranks(ch) ? " (under mpiexec, any number of ranks)" : "");
        }
        return 128 + sig;
    }
    return rc;
}

static int frag_point_run(const cli_frag *o, int ip, int np, frag_point *p)
{
    cli_lattice lo;
    vs_lattice *lat = NULL;
    frag_chain ch = {0};
    char *ck = NULL;
    int nT = o->range.given ? (int)o->range.n : (int)o->trel[2];
    p->imat = ip / o->nL;
    p->L = o->L[ip % o->nL];
    frag_material(o, p->imat, p->L, &lo);
    int st = frag_point_alloc(p, nT), rc = CLI_EXIT_OK;
    if (st == VS_OK)
        st = frag_axes(&lo, p);
    if (st == VS_OK)
        st = cli_lattice_build(&lo, &lat);
    if (st != VS_OK)
        rc = cli_lib_error("building the material and the lattice", st);
    if ((rc = frag_agree(rc)) != CLI_EXIT_OK) {
        vs_lattice_free(lat);
        return rc;
    }
    p->N = vs_lattice_nsites(lat);
    if (vs_lattice_luttinger_tisza(lat, NULL, NULL, &p->Tlt) != VS_OK)
        p->Tlt = NAN;
    frag_ladder(o, p, p->T);
    rc = frag_chain_create(o, lat, p->T, nT, &ch);
    if (rc == CLI_EXIT_OK && o->ckdir) {
        size_t n = strlen(o->ckdir) + 64;
        if ((ck = malloc(n)) == NULL)
            rc = cli_lib_error("the checkpoint name", VS_ENOMEM);
        else
            snprintf(ck, n, "%s/point-%03d-L%d.ckpt", o->ckdir, p->imat, p->L);
    }
    rc = frag_agree(rc);
    if (rc == CLI_EXIT_OK)
        rc = frag_sweeps(o, &ch, ck, p, ip, np);
    if (rc == CLI_EXIT_OK && (st = frag_collect(&ch, lat, p)) != VS_OK)
        rc = frag_error(&ch, "the observables", st);
    free(ck);
    frag_chain_free(&ch);
    vs_lattice_free(lat);
    return rc;
}

/* ---- analysis ----------------------------------------------------------------------------------- */

/* C at T = t on the ladder by linear interpolation, its error from the two neighbours' errors
 * (independent); nan outside the ladder. */
static void frag_interpolate(const frag_point *p, double t, double *C, double *dC)
{
    *C = *dC = NAN;
    for (int k = 0; k + 1 < p->nT; k++)
        if (t >= p->T[k] && t <= p->T[k + 1]) {
            double w = (t - p->T[k]) / (p->T[k + 1] - p->T[k]);
            *C = (1 - w) * p->C[k] + w * p->C[k + 1];
            *dC = hypot((1 - w) * p->dC[k], w * p->dC[k + 1]);
            return;
        }
}

static void frag_analyse(const cli_frag *o, frag_point *p)
{
    int n = p->nT;
    p->peak_status = frag_peak(n, p->T, p->C, p->dC, &p->Tp, &p->dTp, &p->Cp, &p->dCp);
    frag_interpolate(p, o->kappa * p->Tp, &p->Cbg, &p->dCbg);
    p->dc = p->Cp - p->Cbg;
    p->ddc = sqrt(p->dCp * p->dCp + p->dCbg * p->dCbg);
    frag_trapezoid(n, p->T, p->C, p->dC, &p->dEint, &p->ddEint);
    p->dEdir = p->E[n - 1] - p->E[0];
    p->ddEdir = sqrt(p->dE[n - 1] * p->dE[n - 1] + p->dE[0] * p->dE[0]);
    double *y = malloc((size_t)2 * n * sizeof *y);
    if (y == NULL) {
        p->dS = p->ddS = NAN;
        return;
    }
    for (int k = 0; k < n; k++) {
        y[k] = p->C[k] / p->T[k];
        y[n + k] = p->dC[k] / p->T[k];
    }
    frag_trapezoid(n, p->T, y, y + n, &p->dS, &p->ddS);
    free(y);
}

/* Δc extrapolated to N → ∞ linearly in N^(−1/2) (docs/fragility.md), over the sizes of material imat. */
static int frag_extrapolate(const frag_point *pts, int nL, double *dc, double *ddc, double *chi2)
{
    double x[CLI_FRAG_MAX_L], y[CLI_FRAG_MAX_L], dy[CLI_FRAG_MAX_L], b, db;
    int n = 0;
    for (int k = 0; k < nL; k++)
        if (isfinite(pts[k].dc) && pts[k].ddc > 0) {
            x[n] = 1.0 / sqrt((double)pts[k].N);
            y[n] = pts[k].dc;
            dy[n++] = pts[k].ddc;
        }
    *dc = *ddc = *chi2 = NAN;
    return n >= 2 ? frag_fit_line(n, x, y, dy, dc, ddc, &b, &db, chi2) : -1;
}

/* ---- output ------------------------------------------------------------------------------------- */

static const char *const frag_summary_cols =
    "material,sigma,cl_ct,K_G,Jc_Js,L,N,T_mf,C_mf,T_LT,T_peak,dT_peak,C_peak,dC_peak,C_bg,dC_bg,dc,ddc,m,"
    "dm,"
    "dE_int,ddE_int,dE_direct,ddE_direct,dS,ddS,comp_share_low,sector,S_peak_low,k1,k2,k3,round_trips,"
    "exch_min";

static void frag_write_summary(FILE *fp, const cli_frag *o, const frag_point *pts, int np)
{
    fprintf(fp, "%s\n", frag_summary_cols);
    for (int ip = 0; ip < np; ip++) {
        const frag_point *p = &pts[ip];
        double exmin = INFINITY;
        for (int k = 0; k + 1 < p->nT; k++)
            exmin = fmin(exmin, p->exch[k]);
        const char *sector = !(p->share[0] == p->share[0]) ? "none"
                             : p->share[0] > 0.5           ? "compression"
                                                           : "shear";
        fprintf(
            fp,
            "%d,%.10g,%.10g,%.10g,%.10g,%d,%zu,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%."
            "10g,"
            "%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%s,%.10g,%.10g,%.10g,%.10g,%lld,%.10g\n",
            p->imat, p->sigma, p->clct, p->kg, p->ratio, p->L, p->N, p->Tmf, p->Cmf, p->Tlt, p->Tp, p->dTp,
            p->Cp, p->dCp, p->Cbg, p->dCbg, p->dc, p->ddc, FRAG_M_PER_DCP * p->dc, FRAG_M_PER_DCP * p->ddc,
            p->dEint, p->ddEint, p->dEdir, p->ddEdir, p->dS, p->ddS, p->share[0], sector, p->smax[0],
            p->kpeak[0], p->kpeak[1], p->kpeak[2], p->trips, exmin);
    }
    /* the extrapolated rows: L = inf, dc and m only */
    for (int im = 0; o->nL >= 2 && im < np / o->nL; im++) {
        const frag_point *p = &pts[im * o->nL];
        double dc, ddc, chi2;
        frag_extrapolate(p, o->nL, &dc, &ddc, &chi2);
        fprintf(fp, "%d,%.10g,%.10g,%.10g,%.10g,inf,inf,%.10g,%.10g", im, p->sigma, p->clct, p->kg, p->ratio,
                p->Tmf, p->Cmf);
        fprintf(fp, ",nan,nan,nan,nan,nan,nan,nan,%.10g,%.10g,%.10g,%.10g", dc, ddc, FRAG_M_PER_DCP * dc,
                FRAG_M_PER_DCP * ddc);
        fprintf(fp, ",nan,nan,nan,nan,nan,nan,nan,none,nan,nan,nan,nan,0,%.10g\n", chi2);
    }
}

static void frag_write_curves(FILE *fp, const frag_point *pts, int np)
{
    fprintf(fp, "material,sigma,cl_ct,L,T,T_over_Tmf,E,dE,C,dC,comp_share,S_peak_over_N,accept,exch_next\n");
    for (int ip = 0; ip < np; ip++) {
        const frag_point *p = &pts[ip];
        for (int k = 0; k < p->nT; k++)
            fprintf(fp, "%d,%.10g,%.10g,%d,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g\n",
                    p->imat, p->sigma, p->clct, p->L, p->T[k], p->T[k] / p->Tmf, p->E[k], p->dE[k], p->C[k],
                    p->dC[k], p->share[k], p->smax[k], p->acc[k], p->exch[k]);
    }
}

static int frag_write_file(const char *path, void (*write)(FILE *, const cli_frag *, const frag_point *, int),
                           const cli_frag *o, const frag_point *pts, int np)
{
    cli_file f;
    if (cli_file_open(&f, path))
        return CLI_EXIT_FAIL;
    write(f.fp, o, pts, np);
    return cli_file_commit(&f);
}

static void frag_curves_file(FILE *fp, const cli_frag *o, const frag_point *pts, int np)
{
    (void)o;
    frag_write_curves(fp, pts, np);
}

/* ---- plots (gnuplot, run without a shell in the plot directory) --------------------------------- */

/* The overlay: a header naming sigma (or poisson) or KG (or K/G) and m, then number pairs; read before
 * the study runs (a bad file is a usage error, not a lost study) into (σ, m) pairs. */
typedef struct frag_overlay {
    double *v; /* σ, m pairs */
    int n;
} frag_overlay;

static int frag_overlay_row(frag_overlay *ov, const char *path, int lineno, char *line, int kg)
{
    double v[2];
    line[strcspn(line, "\r\n")] = '\0';
    if (cli_parse_doubles(line, v, 2) != 0)
        return cli_usage_error("option --overlay: %s line %d: expected two numbers", path, lineno);
    double sg = kg ? frag_sigma_from_kg(v[0]) : v[0];
    if (!(sg > -1 && sg < 0.5))
        return cli_usage_error("option --overlay: %s line %d: %g is not a physical %s", path, lineno, v[0],
                               kg ? "K/G" : "Poisson ratio");
    double *nv = realloc(ov->v, (size_t)(ov->n + 1) * 2 * sizeof *nv);
    if (nv == NULL)
        return cli_usage_error("option --overlay: out of memory");
    ov->v = nv;
    nv[2 * ov->n] = sg;
    nv[2 * ov->n + 1] = v[1];
    ov->n++;
    return 0;
}

static int frag_overlay_read(const char *path, frag_overlay *ov)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return cli_usage_error("option --overlay: cannot read '%s': %s", path, strerror(errno));
    char line[512];
    int kg = -1, rc = 0, lineno = 0;
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        lineno++;
        if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line))
            continue;
        if (kg >= 0) {
            rc = frag_overlay_row(ov, path, lineno, line, kg);
            continue;
        }
        kg = strncmp(line, "KG", 2) == 0 || strncmp(line, "K/G", 3) == 0 || strncmp(line, "kg", 2) == 0;
        if (!kg && strncmp(line, "sigma", 5) != 0 && strncmp(line, "poisson", 7) != 0)
            rc = cli_usage_error("option --overlay: %s: the header must name sigma,m or KG,m", path);
    }
    fclose(fp);
    if (rc == 0 && ov->n == 0)
        rc = cli_usage_error("option --overlay: %s has no data rows", path);
    return rc;
}

static const char *const frag_gnuplot =
    "# gnuplot script written by voigtspin fragility (docs/fragility.md); run: gnuplot fragility.gp\n"
    "set terminal png noenhanced size 900,600\n"
    "set datafile missing 'nan'\n"
    "set grid\n"
    "stats 'fragility_curves.dat' nooutput\n"
    "nb = STATS_blocks\n"
    "set output 'fragility_cT.png'\n"
    "set key outside right\n"
    "set title 'Heat capacity per spin C(T) (k_B = 1)'\n"
    "set xlabel 'T / T_c (mean field)'\n"
    "set ylabel 'C per spin'\n"
    "plot for [i=0:nb-1] 'fragility_curves.dat' index i using 1:2:3 with yerrorlines title columnhead(1)\n"
    "stats 'fragility_points.dat' nooutput\n"
    "nl = STATS_blocks\n"
    "set output 'fragility_peak.png'\n"
    "unset title\n"
    "set key inside top right\n"
    "set multiplot layout 1,2 title 'Peak height C_peak (open) and dc = C_peak - C(K T_peak) (filled); "
    "mean-field jump 4'\n"
    "set xlabel 'c_l / c_t'\n"
    "plot for [i=0:nl-1] 'fragility_points.dat' index i using 2:3:4 with yerrorbars pt 6 lc i+1 "
    "title ('C_peak, '.columnhead(1)), \\\n"
    "     for [i=0:nl-1] 'fragility_points.dat' index i using 2:5:6 with yerrorlines pt 7 lc i+1 "
    "title ('dc, '.columnhead(1)), \\\n"
    "     4 with lines dt 2 lc rgb 'black' title 'mean field'\n"
    "set xlabel 'Poisson ratio'\n"
    "plot for [i=0:nl-1] 'fragility_points.dat' index i using 1:3:4 with yerrorbars pt 6 lc i+1 "
    "title ('C_peak, '.columnhead(1)), \\\n"
    "     for [i=0:nl-1] 'fragility_points.dat' index i using 1:5:6 with yerrorlines pt 7 lc i+1 "
    "title ('dc, '.columnhead(1)), \\\n"
    "     4 with lines dt 2 lc rgb 'black' title 'mean field'\n"
    "unset multiplot\n"
    "set output 'fragility_m.png'\n"
    "set title 'Fragility m = 34.7 dc vs Poisson ratio'\n"
    "set key outside right\n"
    "set xlabel 'Poisson ratio'\n"
    "set ylabel 'm'\n"
    "ov = system('test -s fragility_overlay.dat && echo 1 || echo 0') + 0\n";

static const char *const frag_gnuplot_m =
    "if (ov) {\n"
    "plot for [i=0:nl-1] 'fragility_points.dat' index i using 1:7:8 with yerrorlines lc i+1 "
    "title columnhead(1), \\\n"
    "     34.7*4 with lines dt 2 lc rgb 'black' title 'mean field', \\\n"
    "     'fragility_overlay.dat' using 1:2 with points pt 5 lc rgb 'red' title 'measured (--overlay)'\n"
    "} else {\n"
    "plot for [i=0:nl-1] 'fragility_points.dat' index i using 1:7:8 with yerrorlines lc i+1 "
    "title columnhead(1), \\\n"
    "     34.7*4 with lines dt 2 lc rgb 'black' title 'mean field'\n"
    "}\n";

/* The plot data: curves (a block per material and L: T/T_mf, C, dC) and points (a block per L plus
 * "inf": σ, c_l/c_t, C_peak, dC_peak, dc, ddc, m, dm). */
static void frag_plot_data(FILE *cv, FILE *pt, const cli_frag *o, const frag_point *pts, int np)
{
    for (int ip = 0; ip < np; ip++) {
        const frag_point *p = &pts[ip];
        fprintf(cv, "%ssigma=%.3g,L=%d\n", ip ? "\n\n" : "", p->sigma, p->L);
        for (int k = 0; k < p->nT; k++)
            fprintf(cv, "%.10g %.10g %.10g\n", p->T[k] / p->Tmf, p->C[k], p->dC[k]);
    }
    int nm = np / o->nL;
    for (int l = 0; l < o->nL; l++) {
        fprintf(pt, "%sL=%d\n", l ? "\n\n" : "", o->L[l]);
        for (int im = 0; im < nm; im++) {
            const frag_point *p = &pts[im * o->nL + l];
            fprintf(pt, "%.10g %.10g %.10g %.10g %.10g %.10g %.10g %.10g\n", p->sigma, p->clct, p->Cp, p->dCp,
                    p->dc, p->ddc, FRAG_M_PER_DCP * p->dc, FRAG_M_PER_DCP * p->ddc);
        }
    }
    if (o->nL >= 2) {
        fprintf(pt, "\n\nL=inf\n");
        for (int im = 0; im < nm; im++) {
            const frag_point *p = &pts[im * o->nL];
            double dc, ddc, chi2;
            frag_extrapolate(p, o->nL, &dc, &ddc, &chi2);
            fprintf(pt, "%.10g %.10g nan nan %.10g %.10g %.10g %.10g\n", p->sigma, p->clct, dc, ddc,
                    FRAG_M_PER_DCP * dc, FRAG_M_PER_DCP * ddc);
        }
    }
}

static int frag_open_in(const char *dir, const char *name, cli_file *f)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path == NULL)
        return cli_lib_error("the plot files", VS_ENOMEM);
    snprintf(path, n, "%s/%s", dir, name);
    int rc = cli_file_open(f, path);
    free(path);
    return rc;
}

static int frag_plots(const cli_frag *o, const frag_overlay *over, const frag_point *pts, int np)
{
    if (mkdir(o->plots, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "voigtspin fragility: cannot create %s: %s\n", o->plots, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    cli_file cv = {0}, pt = {0}, ov = {0}, gp = {0};
    int rc = frag_open_in(o->plots, "fragility_curves.dat", &cv);
    if (rc == 0 && (rc = frag_open_in(o->plots, "fragility_points.dat", &pt)) == 0)
        frag_plot_data(cv.fp, pt.fp, o, pts, np);
    if (rc == 0 && (rc = frag_open_in(o->plots, "fragility_overlay.dat", &ov)) == 0)
        for (int k = 0; k < over->n; k++)
            fprintf(ov.fp, "%.10g %.10g\n", over->v[2 * k], over->v[2 * k + 1]);
    if (rc == 0 && (rc = frag_open_in(o->plots, "fragility.gp", &gp)) == 0) {
        fputs(frag_gnuplot, gp.fp);
        fputs(frag_gnuplot_m, gp.fp);
    }
    cli_file *files[] = {&cv, &pt, &ov, &gp};
    for (int k = 0; k < 4; k++)
        if (files[k]->fp)
            rc = rc == 0 ? cli_file_commit(files[k]) : (cli_file_discard(files[k]), rc);
    if (rc != 0)
        return rc;
    static char *const probe[] = {"gnuplot", "--version", NULL};
    if (cli_run(".", probe, "/dev/null", 0) != 0) {
        fprintf(stderr,
                "voigtspin fragility: warning: gnuplot not found: %s/ holds the data and fragility.gp only\n",
                o->plots);
        return CLI_EXIT_OK;
    }
    static char *const draw[] = {"gnuplot", "fragility.gp", NULL};
    int st = cli_run(o->plots, draw, "gnuplot.log", 0);
    if (st != 0) {
        fprintf(stderr, "voigtspin fragility: gnuplot failed (status %d; see %s/gnuplot.log)\n", st,
                o->plots);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* ---- the study ---------------------------------------------------------------------------------- */

static int frag_check_files(const cli_frag *o, frag_overlay *ov)
{
    if (o->overlay && frag_overlay_read(o->overlay, ov) != 0)
        return CLI_EXIT_USAGE;
    if (o->ckdir && mkdir(o->ckdir, 0777) != 0 && errno != EEXIST)
        return cli_usage_error("option --checkpoint-dir: cannot create '%s': %s", o->ckdir, strerror(errno));
    return 0;
}

static void frag_summary_file(FILE *fp, const cli_frag *o, const frag_point *pts, int np)
{
    frag_write_summary(fp, o, pts, np);
}

/* The summary (to -o or standard output), the curves and the plots. */
static int frag_outputs(const cli_frag *o, const frag_overlay *ov, const frag_point *pts, int np)
{
    int rc = CLI_EXIT_OK;
    if (o->output)
        rc = frag_write_file(o->output, frag_summary_file, o, pts, np);
    else
        frag_write_summary(stdout, o, pts, np);
    if (rc == CLI_EXIT_OK && o->curves)
        rc = frag_write_file(o->curves, frag_curves_file, o, pts, np);
    if (rc == CLI_EXIT_OK && o->plots)
        rc = frag_plots(o, ov, pts, np);
    return rc;
}

static int frag_run(const cli_frag *o)
{
    int np = (int)(o->grid_kind ? o->ngrid : 1) * o->nL;
    frag_point *pts = calloc((size_t)np, sizeof *pts);
    if (pts == NULL)
        return cli_lib_error("the study", VS_ENOMEM);
    struct sigaction old_int, old_term;
    cli_signals(&old_int, &old_term);
    double t0 = cli_clock();
    frag_overlay ov = {0};
    /* under mpiexec rank 0 alone reads the overlay, creates the directories and writes the files */
    int rc = frag_from_rank0(cli_prints() ? frag_check_files(o, &ov) : 0);
    for (int ip = 0; ip < np && rc == CLI_EXIT_OK; ip++) {
        rc = frag_agree(frag_point_run(o, ip, np, &pts[ip]));
        if (rc == CLI_EXIT_OK)
            frag_analyse(o, &pts[ip]);
        if (!cli_prints())
            continue;
        if (rc == CLI_EXIT_OK && pts[ip].peak_status != 0)
            fprintf(stderr,
                    "voigtspin fragility: warning: point %d/%d: the largest C is at an end of the ladder "
                    "(or not a peak): C_peak and dc are nan; widen --Trel\n",
                    ip + 1, np);
        else if (rc == CLI_EXIT_OK && isnan(pts[ip].Cbg))
            fprintf(
                stderr,
                "voigtspin fragility: warning: point %d/%d: %g T_peak is beyond the ladder's top: dc is nan; "
                "raise the top of --Trel or lower --background\n",
                ip + 1, np, o->kappa);
    }
    if (rc == CLI_EXIT_OK && cli_prints())
        rc = frag_outputs(o, &ov, pts, np);
    rc = frag_agree(rc);
    if (rc == CLI_EXIT_OK && o->progress != 0 && cli_prints())
        fprintf(stderr, "voigtspin fragility: %d points, %.1f s\n", np, cli_clock() - t0);
    for (int ip = 0; ip < np; ip++)
        frag_point_free(&pts[ip]);
    free(pts);
    free(ov.v);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}

int cmd_fragility(int argc, char **argv)
{
    cli_frag o;
    cli_frag_init(&o);
    int rc = cli_frag_parse(&o, argc, argv);
    if (rc == 0 && o.help) {
        if (cli_prints())
            frag_help(stdout);
    } else if (rc == 0)
        rc = frag_run(&o);
    cli_frag_free(&o);
    return rc;
}
