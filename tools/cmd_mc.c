/*
 * voigtspin mc — Monte Carlo of the lattice model (vs_sampler, docs/sampler.md): a temperature
 * ladder sampled with parallel tempering, thermalisation then measurements, the observables with
 * error bars per temperature as a table or CSV; checkpoints (--checkpoint, --resume) and Ctrl-C.
 *
 * The phase of a run (thermalising or measuring) follows from the sweep count alone, which the
 * checkpoint restores, so a resumed run goes on exactly as an uninterrupted one: after sweep t,
 * t = therm forgets the measurements (thermalisation is over) and t > therm with
 * (t − therm) mod every = 0 measures. Signals only set a flag, checked between sweeps.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MC_MAX_T      65536 /* the sampler's largest ladder */
#define MC_MAX_SWEEPS 1000000000000000L

static void mc_help(FILE *fp)
{
    fprintf(
        fp,
        "usage: voigtspin mc [lattice] [kernel] LADDER [run] [checkpoint] [output]\n"
        "Monte Carlo of the lattice model at a ladder of temperatures (parallel tempering, exact\n"
        "fields; docs/sampler.md): per temperature the observables with error bars.\n%s"
        "Ladder (one of; T in units of E0, k_B = 1):\n"
        "  --T T1,T2,...             strictly increasing temperatures > 0\n"
        "  --Tmin A --Tmax B --nT N  N temperatures in geometric progression from A to B\n"
        "Run:\n"
        "  --sweeps N                measurement sweeps after thermalisation (default 10000)\n"
        "  --therm N                 thermalisation sweeps, not measured (default 1000)\n"
        "  --every N                 measure every N-th sweep (default 1; at least 2 measurements)\n"
        "  --seed S                  random seed, 0 <= S < 2^31 (default 1); the same seed, the same run\n"
        "  --threads N               threads over the replicas (default 0: OpenMP default); results\n"
        "                            do not depend on it\n"
        "  --move heatbath|metropolis    single-site move (default heatbath)\n"
        "  --overrelax K             over-relaxation passes per sweep (default 1)\n"
        "  --fields delayed|plain|clock  exact fields by delayed updates (default), O(N) updates, or the\n"
        "                            clock sweep: exact near pairs, factorized Metropolis filter for the\n"
        "                            rest (O(N log N) per sweep; docs/sampler.md, \"The clock sweep\")\n"
        "  --refresh B               delayed fields: FFT refresh every B accepted moves (default 0: auto)\n"
        "  --clock-near K            clock sweep: pair blocks per site in the exact near set, strongest\n"
        "                            first (default -1: automatic; 0: every pair through the filter)\n"
        "Checkpoint:\n"
        "  --checkpoint FILE         save the complete state to FILE (atomically) at the start, every\n"
        "                            --checkpoint-every sweeps, at the end and on Ctrl-C; FILE must\n"
        "                            not exist unless --resume is given\n"
        "  --checkpoint-every N      sweeps between checkpoints (default 1000; 0: start/end/Ctrl-C only)\n"
        "  --resume                  continue the run saved in FILE (give the same lattice, ladder and\n"
        "                            sampler options) until --therm + --sweeps sweeps in all\n"
        "Output:\n"
        "  --format table|csv        aligned table (default) or CSV (also --table, --csv)\n"
        "  -o, --output FILE         write the results to FILE (atomically) instead of standard output\n"
        "  --progress                progress bar on stderr even when it is not a terminal\n"
        "  --quiet                   no progress bar and no summary on stderr\n"
        "Columns per temperature: T, E/N, C (per spin), |m|, chi, Binder U (each with its error;\n"
        "tau_E the integrated autocorrelation time of E, in measurements); for ncomp = 6 also the\n"
        "compression (|m_c|, chi_c, U_c) and shear (|m_s|, chi_s, U_s) ones; <max_k S(k)> with its error,\n"
        "the peak S_peak of <S(k)> and its k (k1,k2,k3); the acceptance of single-site moves, the\n"
        "acceptance of exchanges with the next temperature (nan for the highest), the ladder's\n"
        "round trips. Ctrl-C (or SIGTERM) stops between sweeps, writes the checkpoint and exits\n"
        "128 + signal (130 for Ctrl-C); a second Ctrl-C stops at once.\n\n%s",
        cli_lattice_help, cli_material_help);
#ifdef VS_HAVE_MPI
    fputs("\nUnder mpiexec/mpirun (built with the MPI add-on): the ladder is spread over the ranks, the output\n"
          "is the serial run's (rank 0 prints); --fields clock needs --clock-near; checkpoints are a\n"
          "manifest plus one file per replica, resumable under mpiexec on any number of ranks (docs/cli.md).\n",
          fp);
#endif
}

/* ---- options ----------------------------------------------------------------------------------- */

void cli_mc_init(cli_mc *o)
{
    *o = (cli_mc){.sweeps = 10000,
                  .therm = 1000,
                  .every = 1,
                  .seed = 1,
                  .threads = -1,
                  .move = -1,
                  .overrelax = -1,
                  .fields = -1,
                  .refresh = -1,
                  .checkpoint_every = 1000,
                  .progress = -1};
    cli_lattice_init(&o->lat);
}

void cli_mc_free(cli_mc *o)
{
    cli_lattice_free(&o->lat);
    free(o->T);
    o->T = NULL;
    o->nT = 0;
}

/* o->fields holds the field kind and the --clock-near count in one long (tools/cli.h has one field
 * for the two): bits 0–1 the kind (0 delayed, 1 plain, 2 clock, 3 not given), bits 2… K + 2 for
 * --clock-near K (0: not given); −1 when neither was given. */
#define MC_FIELDS_UNSET 3L
static long mc_fields_kind(long f)
{
    return f < 0 ? MC_FIELDS_UNSET : f & 3L;
}
static long mc_fields_near(long f) /* −2: not given */
{
    return f < 0 ? -2 : (f >> 2) - 2;
}
static long mc_fields_pack(long kind, long near)
{
    return kind == MC_FIELDS_UNSET && near == -2 ? -1 : kind | ((near + 2) << 2);
}

/* --fields delayed|plain|clock. */
static int mc_fields(cli_mc *o, const char *opt, const char *s)
{
    static const char *const words[] = {"delayed", "plain", "clock"};
    if (s == NULL)
        return CLI_EXIT_USAGE;
    for (long k = 0; k < 3; k++)
        if (strcmp(s, words[k]) == 0) {
            o->fields = mc_fields_pack(k, mc_fields_near(o->fields));
            return 1;
        }
    return cli_usage_error("option %s: '%s' is not delayed, plain or clock", opt, s);
}

/* --clock-near K, −1 ≤ K < 2^31. */
static int mc_clock_near(cli_mc *o, const char *opt, const char *s)
{
    long k;
    if (cli_parse_int(opt, s, -1, 0x7fffffffL, &k))
        return CLI_EXIT_USAGE;
    o->fields = mc_fields_pack(mc_fields_kind(o->fields), k);
    return 1;
}

/* A value out of a list of words: its index into *v. */
static int mc_word(const char *opt, const char *s, const char *w0, const char *w1, long *v)
{
    if (s == NULL)
        return CLI_EXIT_USAGE;
    if (strcmp(s, w0) == 0 || strcmp(s, w1) == 0) {
        *v = strcmp(s, w0) == 0 ? 0 : 1;
        return 1;
    }
    return cli_usage_error("option %s: '%s' is not %s or %s", opt, s, w0, w1);
}

static int mc_count(const char *opt, const char *s, long lo, long hi, long *v)
{
    return cli_parse_int(opt, s, lo, hi, v) ? CLI_EXIT_USAGE : 1;
}

/* --T: a list of up to MC_MAX_T temperatures. */
static int mc_list(cli_mc *o, const char *s)
{
    if (s == NULL)
        return CLI_EXIT_USAGE;
    int n = 1;
    for (const char *c = s; *c && n <= MC_MAX_T; c++)
        n += *c == ',';
    if (n > MC_MAX_T)
        return cli_usage_error("option --T: more than %d temperatures", MC_MAX_T);
    double *T = malloc((size_t)n * sizeof *T);
    if (T == NULL)
        return cli_usage_error("option --T: out of memory");
    /* n counted the commas: the list has exactly n numbers (or fails), so T[n] is large enough. */
    if (cli_parse_list("--T", s, T, MC_MAX_T, &n) != 0) {
        free(T);
        return CLI_EXIT_USAGE;
    }
    free(o->T);
    o->T = T;
    o->nT = n;
    return 1;
}

/* One option of mc beyond the lattice ones: 1 consumed, 0 unknown, CLI_EXIT_USAGE. */
static int mc_option(cli_mc *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--T") == 0)
        return mc_list(o, cli_value(argc, argv, i));
    int r = cli_trange_option(&o->range, 1, MC_MAX_T, argc, argv, i);
    if (r != 0)
        return r;
    if (strcmp(a, "--sweeps") == 0)
        return mc_count(a, cli_value(argc, argv, i), 1, MC_MAX_SWEEPS, &o->sweeps);
    if (strcmp(a, "--therm") == 0)
        return mc_count(a, cli_value(argc, argv, i), 0, MC_MAX_SWEEPS, &o->therm);
    if (strcmp(a, "--every") == 0)
        return mc_count(a, cli_value(argc, argv, i), 1, MC_MAX_SWEEPS, &o->every);
    if (strcmp(a, "--seed") == 0)
        return mc_count(a, cli_value(argc, argv, i), 0, 0x7fffffffL, &o->seed);
    if (strcmp(a, "--threads") == 0)
        return mc_count(a, cli_value(argc, argv, i), 0, 1024, &o->threads);
    if (strcmp(a, "--overrelax") == 0)
        return mc_count(a, cli_value(argc, argv, i), 0, 100, &o->overrelax);
    if (strcmp(a, "--refresh") == 0)
        return mc_count(a, cli_value(argc, argv, i), 0, 0x7fffffffL, &o->refresh);
    if (strcmp(a, "--checkpoint-every") == 0)
        return mc_count(a, cli_value(argc, argv, i), 0, MC_MAX_SWEEPS, &o->checkpoint_every);
    if (strcmp(a, "--move") == 0)
        return mc_word(a, cli_value(argc, argv, i), "heatbath", "metropolis", &o->move);
    if (strcmp(a, "--fields") == 0)
        return mc_fields(o, a, cli_value(argc, argv, i));
    if (strcmp(a, "--clock-near") == 0)
        return mc_clock_near(o, a, cli_value(argc, argv, i));
    if (strcmp(a, "--checkpoint") == 0)
        return (o->checkpoint = cli_value(argc, argv, i)) == NULL ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
        return (o->output = cli_value(argc, argv, i)) == NULL ? CLI_EXIT_USAGE : 1;
    if (strcmp(a, "--resume") == 0)
        return o->resume = 1;
    if (strcmp(a, "--progress") == 0)
        return o->progress = 1;
    if (strcmp(a, "--quiet") == 0)
        return (o->progress = 0), 1;
    return 0;
}

/* The geometric ladder T_k = Tmin (Tmax/Tmin)^(k/(n−1)), both ends exact. */
static int mc_range(cli_mc *o)
{
    if (cli_trange_check(&o->range) != 0)
        return CLI_EXIT_USAGE;
    if (o->T != NULL)
        return cli_usage_error("option --T excludes --Tmin/--Tmax/--nT");
    if (!(o->range.Tmin > 0) || !(o->range.Tmax > 0))
        return cli_usage_error("options --Tmin/--Tmax: temperatures must be > 0");
    if (o->range.n == 1 ? o->range.Tmax != o->range.Tmin : !(o->range.Tmax > o->range.Tmin))
        return cli_usage_error("options --Tmin/--Tmax: need Tmin < Tmax (Tmin = Tmax with --nT 1)");
    int n = (int)o->range.n;
    if ((o->T = malloc((size_t)n * sizeof *o->T)) == NULL)
        return cli_usage_error("option --nT: out of memory");
    o->nT = n;
    double lr = log(o->range.Tmax / o->range.Tmin);
    for (int k = 0; k < n; k++)
        o->T[k] = k == 0       ? o->range.Tmin
                  : k == n - 1 ? o->range.Tmax
                               : o->range.Tmin * exp(lr * (double)k / (double)(n - 1));
    return 0;
}

/* Every temperature finite, > 0, the ladder strictly increasing (the sampler's contract). */
static int mc_check_ladder(const cli_mc *o)
{
    const char *opt = o->range.given ? "--Tmin/--Tmax/--nT" : "--T";
    for (int k = 0; k < o->nT; k++) {
        if (!(o->T[k] > 0) || !isfinite(o->T[k]))
            return cli_usage_error("option %s: temperature %.10g is not > 0", opt, o->T[k]);
        if (k > 0 && o->T[k] == o->T[k - 1])
            return cli_usage_error("option %s: temperature %.10g appears twice", opt, o->T[k]);
        if (k > 0 && o->T[k] < o->T[k - 1])
            return cli_usage_error("option %s: the temperatures must increase (%.10g after %.10g)", opt,
                                   o->T[k], o->T[k - 1]);
    }
    return 0;
}

int cli_mc_parse(cli_mc *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int r;
        if (cli_is_help(argv[i])) {
            o->help = 1;
            return 0;
        }
        if ((r = cli_lattice_option(&o->lat, argc, argv, &i)) != 0 ||
            (r = cli_format_option(&o->fmt, argc, argv, &i)) != 0 ||
            (r = mc_option(o, argc, argv, &i)) != 0) {
            if (r != 1)
                return r;
            continue;
        }
        return cli_usage_error("mc: unknown argument '%s'", argv[i]);
    }
    int rc = cli_lattice_check(&o->lat);
    if (rc == 0 && o->range.given)
        rc = mc_range(o);
    if (rc == 0 && o->T == NULL)
        rc = cli_usage_error("mc: give the temperatures (--T T1,T2,... or --Tmin A --Tmax B --nT N)");
    if (rc == 0)
        rc = mc_check_ladder(o);
    if (rc == 0 && o->sweeps / o->every < 2)
        rc = cli_usage_error("options --sweeps/--every: %ld sweeps measured every %ld give fewer than the 2 "
                             "measurements error bars need",
                             o->sweeps, o->every);
    if (rc == 0 && o->resume && o->checkpoint == NULL)
        rc = cli_usage_error("option --resume needs --checkpoint FILE");
    if (rc == 0 && mc_fields_near(o->fields) != -2 && mc_fields_kind(o->fields) != VS_SAMPLER_CLOCK)
        rc = cli_usage_error("option --clock-near needs --fields clock");
    return rc;
}

/* ---- signals and progress ---------------------------------------------------------------------- */

typedef struct mc_progress {
    int on;  /* show at all */
    int tty; /* redraw one line (terminal) or print a line per 10 % */
    double t0, last;
    long long start; /* sweep count when this process started */
    int shown, last_decile;
} mc_progress;

static void mc_progress_init(mc_progress *p, int mode, long long start)
{
    p->tty = isatty(STDERR_FILENO);
    p->on = mode == 1 || (mode == -1 && p->tty);
    p->t0 = p->last = cli_clock();
    p->start = start;
    p->shown = 0;
    p->last_decile = -1;
}

/* A terminal gets a redrawn bar (at most 5 times a second, from half a second into the run);
 * anything else a line at every tenth of the run. */
static void mc_progress_show(mc_progress *p, long long done, long long total, long long therm)
{
    if (!p->on || total <= 0)
        return;
    double now = cli_clock(), frac = (double)done / (double)total;
    int decile = (int)(10 * frac);
    if (p->tty ? (now - p->t0 < 0.5 || (now - p->last < 0.2 && done < total)) : decile == p->last_decile)
        return;
    p->last = now;
    p->last_decile = decile;
    char bar[21];
    int fill = (int)(20 * frac);
    for (int k = 0; k < 20; k++)
        bar[k] = k < fill ? '#' : '.';
    bar[20] = '\0';
    double rate = (double)(done - p->start) / fmax(now - p->t0, 1e-9);
    long eta = rate > 0 ? lround(fmin((double)(total - done) / rate, 1e9)) : 0;
    char left[32];
    if (eta >= 3600)
        snprintf(left, sizeof left, "%ldh%02ldm", eta / 3600, eta / 60 % 60);
    else if (eta >= 60)
        snprintf(left, sizeof left, "%ldm%02lds", eta / 60, eta % 60);
    else
        snprintf(left, sizeof left, "%lds", eta);
    fprintf(stderr, "%svoigtspin mc: [%s] %3d%% sweep %lld/%lld %s, %s left%s", p->tty ? "\r" : "", bar,
            (int)(100 * frac), done, total, done <= therm ? "thermalising" : "measuring", left,
            p->tty ? "\033[K" : "\n");
    fflush(stderr);
    p->shown = 1;
}

static void mc_progress_end(mc_progress *p)
{
    if (p->on && p->tty && p->shown)
        fputs("\n", stderr);
}

/* ---- results ------------------------------------------------------------------------------------ */

/* Observable keys printed with their errors, and their column names. */
static const struct {
    int key;
    const char *name, *err;
} mc_obs[] = {
    {VS_SAMPLER_OBS_ENERGY, "E/N", "dE/N"},
    {VS_SAMPLER_OBS_HEAT_CAPACITY, "C", "dC"},
    {VS_SAMPLER_OBS_M, "|m|", "d|m|"},
    {VS_SAMPLER_OBS_CHI, "chi", "dchi"},
    {VS_SAMPLER_OBS_BINDER, "U", "dU"},
    {VS_SAMPLER_OBS_COMP, "|m_c|", "d|m_c|"},
    {VS_SAMPLER_OBS_COMP_CHI, "chi_c", "dchi_c"},
    {VS_SAMPLER_OBS_COMP_BINDER, "U_c", "dU_c"},
    {VS_SAMPLER_OBS_SHEAR, "|m_s|", "d|m_s|"},
    {VS_SAMPLER_OBS_SHEAR_CHI, "chi_s", "dchi_s"},
    {VS_SAMPLER_OBS_SHEAR_BINDER, "U_s", "dU_s"},
    {VS_SAMPLER_OBS_SK_MAX, "S_max", "dS_max"},
};
#define MC_NOBS          ((int)(sizeof mc_obs / sizeof mc_obs[0]))
#define MC_FIRST_ELASTIC 5 /* mc_obs[5..10]: ncomp = 6 only */
#define MC_NELASTIC      6
#define MC_MAXCOL        (2 + 2 * MC_NOBS + 8)

static int mc_has_obs(int k, int nc)
{
    return nc == 6 || k < MC_FIRST_ELASTIC || k >= MC_FIRST_ELASTIC + MC_NELASTIC;
}

/* The column names for a kernel of nc components; their number. */
static int mc_columns(int nc, const char **names)
{
    int n = 0;
    names[n++] = "T";
    for (int k = 0; k < MC_NOBS; k++) {
        if (!mc_has_obs(k, nc))
            continue;
        names[n++] = mc_obs[k].name;
        names[n++] = mc_obs[k].err;
        if (k == 0)
            names[n++] = "tau_E";
    }
    static const char *const tail[] = {"S_peak", "k1", "k2", "k3", "accept", "exch_next", "round_trips"};
    for (size_t k = 0; k < sizeof tail / sizeof tail[0]; k++)
        names[n++] = tail[k];
    return n;
}

/* One observable of slot r into v[0] (value), v[1] (error), *tau. An estimate that cannot be
 * finite (VS_ENUMERIC: C at a temperature so low that it overflows, a Binder cumulant with
 * <|m|^2> = 0) is printed as nan with a warning, so the other numbers of the run are not lost. */
static int mc_observable(const vs_sampler *s, int r, int k, double *v, double *tau)
{
    int st = vs_sampler_observable(s, r, mc_obs[k].key, &v[0], &v[1], tau);
    if (st != VS_ENUMERIC)
        return st;
    double T = NAN;
    vs_sampler_temperature(s, r, &T);
    fprintf(stderr, "voigtspin mc: warning: %s at T = %g is not finite (%s); printed as nan\n",
            mc_obs[k].name, T, vs_last_error());
    v[0] = v[1] = *tau = NAN;
    return VS_OK;
}

/* The row of slot r. */
static int mc_row(const vs_sampler *s, int r, int nc, long long trips, double *v)
{
    int n = 0, st = vs_sampler_temperature(s, r, &v[n++]);
    for (int k = 0; k < MC_NOBS && st == VS_OK; k++) {
        if (!mc_has_obs(k, nc))
            continue;
        double tau;
        st = mc_observable(s, r, k, &v[n], &tau);
        n += 2;
        if (k == 0)
            v[n++] = tau;
    }
    if (st == VS_OK)
        st = vs_sampler_structure_factor_peak(s, r, &v[n + 1], &v[n]);
    n += 4;
    if (st == VS_OK)
        st = vs_sampler_acceptance(s, r, &v[n++]);
    v[n] = NAN;
    if (st == VS_OK && r + 1 < vs_sampler_nreplicas(s))
        st = vs_sampler_exchange_rate(s, r, &v[n]);
    n++;
    v[n++] = (double)trips;
    return st;
}

/* Every row first, then the table: a failure prints nothing rather than half a table. */
static int mc_results(const vs_sampler *s, int nc, cli_table *t)
{
    const char *names[MC_MAXCOL];
    int nrep = vs_sampler_nreplicas(s), ncol = mc_columns(nc, names);
    long long trips;
    int st = vs_sampler_round_trips(s, &trips);
    if (st != VS_OK)
        return cli_lib_error("the round trips", st);
    double *v = malloc((size_t)nrep * MC_MAXCOL * sizeof *v);
    if (v == NULL)
        return cli_lib_error("the results table", VS_ENOMEM);
    for (int r = 0; r < nrep && st == VS_OK; r++)
        st = mc_row(s, r, nc, trips, v + (size_t)r * MC_MAXCOL);
    if (st == VS_OK) {
        cli_table_header(t, ncol, names);
        for (int r = 0; r < nrep; r++)
            cli_table_row(t, v + (size_t)r * MC_MAXCOL);
    }
    free(v);
    return st == VS_OK ? CLI_EXIT_OK : cli_lib_error("the observables", st);
}

/* ---- the run ------------------------------------------------------------------------------------- */

/* The sampler options of the command line (*opt to free with vs_sampler_options_free()). */
static int mc_options(const cli_mc *o, vs_sampler_options **optp)
{
    vs_sampler_options *opt = NULL;
    int st = vs_sampler_options_create(&opt);
    const struct {
        int key;
        long v;
    } set[] = {{VS_SAMPLER_OPT_THREADS, o->threads},
               {VS_SAMPLER_OPT_MOVE, o->move},
               {VS_SAMPLER_OPT_OVERRELAX, o->overrelax},
               {VS_SAMPLER_OPT_FIELDS,
                mc_fields_kind(o->fields) == MC_FIELDS_UNSET ? -1 : mc_fields_kind(o->fields)},
               {VS_SAMPLER_OPT_REFRESH, o->refresh},
               /* −1 (automatic) is the default: like "not given", nothing to set */
               {VS_SAMPLER_OPT_CLOCK_NEAR, mc_fields_near(o->fields)}};
    for (size_t k = 0; k < sizeof set / sizeof set[0] && st == VS_OK; k++)
        if (set[k].v >= 0)
            st = vs_sampler_options_set(opt, set[k].key, (double)set[k].v);
    *optp = opt;
    return st;
}

static int mc_sampler(const cli_mc *o, const vs_lattice *lat, vs_sampler **out)
{
    vs_sampler_options *opt = NULL;
    int st = mc_options(o, &opt);
    if (st == VS_OK)
        st = vs_sampler_create(lat, o->nT, o->T, (unsigned long)o->seed, opt, out);
    vs_sampler_options_free(opt);
    return st;
}

/* The command line again (argv[0] = "mc"), with --resume, quoted for a POSIX shell where needed. */
static void mc_print_resume(int argc, char **argv)
{
    fputs("voigtspin mc: resume with: voigtspin", stderr);
    int resume = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        resume |= strcmp(a, "--resume") == 0;
        if (a[0] != '\0' &&
            strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,/=+:@%") ==
                strlen(a)) {
            fprintf(stderr, " %s", a);
            continue;
        }
        fputs(" '", stderr);
        for (const char *c = a; *c; c++) {
            if (*c == '\'')
                fputs("'\\''", stderr);
            else
                fputc(*c, stderr);
        }
        fputc('\'', stderr);
    }
    fputs(resume ? "\n" : " --resume\n", stderr);
}

static int mc_save(const vs_sampler *s, const char *path, int final)
{
    int st = vs_sampler_save(s, path);
    if (st == VS_OK)
        return CLI_EXIT_OK;
    if (final)
        return cli_lib_error("writing the checkpoint", st);
    fprintf(stderr,
            "voigtspin mc: warning: cannot write the checkpoint %s (%s: %s); the previous one stays, "
            "the run goes on\n",
            path, vs_strerror(st), vs_last_error());
    return CLI_EXIT_OK;
}

/* The sweeps from *done to total; stops early when a signal arrives. Library failures → CLI_EXIT_FAIL. */
static int mc_loop(const cli_mc *o, vs_sampler *s, long long *done, long long total)
{
    mc_progress p;
    mc_progress_init(&p, o->progress, *done);
    int rc = CLI_EXIT_OK;
    while (*done < total && !cli_stop && rc == CLI_EXIT_OK) {
        int st = vs_sampler_sweep(s, 1);
        long long t = ++*done;
        if (st == VS_OK && t == o->therm)
            st = vs_sampler_reset_observables(s);
        if (st == VS_OK && t > o->therm && (t - o->therm) % o->every == 0)
            st = vs_sampler_measure(s);
        if (st != VS_OK) {
            rc = cli_lib_error("the sweep", st);
            break;
        }
        if (o->checkpoint && o->checkpoint_every > 0 && t % o->checkpoint_every == 0 && t < total)
            rc = mc_save(s, o->checkpoint, 0);
        mc_progress_show(&p, t, total, o->therm);
    }
    mc_progress_end(&p);
    return rc;
}

/* The sampler, fresh (checkpoint written at once: an unwritable path fails before the run) or
 * restored from the checkpoint; *done its sweep count. */
static int mc_start(const cli_mc *o, const vs_lattice *lat, vs_sampler **s, long long *done)
{
    int st = mc_sampler(o, lat, s);
    if (st != VS_OK)
        return cli_lib_error("creating the sampler", st);
    if (o->resume && (st = vs_sampler_load(*s, o->checkpoint)) != VS_OK)
        return cli_lib_error("reading the checkpoint", st);
    if ((st = vs_sampler_sweeps(*s, done)) != VS_OK)
        return cli_lib_error("the sweep count", st);
    if (*done > o->therm + o->sweeps)
        return cli_usage_error("checkpoint %s holds %lld sweeps, more than --therm + --sweeps = %ld",
                               o->checkpoint, *done, o->therm + o->sweeps);
    if (o->checkpoint && !o->resume)
        return mc_save(*s, o->checkpoint, 1);
    return CLI_EXIT_OK;
}

static int mc_interrupted(const cli_mc *o, const vs_sampler *s, long long done, long long total, int argc,
                          char **argv)
{
    int sig = (int)cli_stop;
    fprintf(stderr, "voigtspin mc: stopped by signal %d after sweep %lld of %lld\n", sig, done, total);
    if (o->checkpoint == NULL) {
        fputs("voigtspin mc: no --checkpoint was given: nothing saved\n", stderr);
        return 128 + sig;
    }
    if (mc_save(s, o->checkpoint, 1) != CLI_EXIT_OK)
        return CLI_EXIT_FAIL;
    fprintf(stderr, "voigtspin mc: checkpoint written to %s\n", o->checkpoint);
    mc_print_resume(argc, argv);
    return 128 + sig;
}

/* Checks on the files before the run: --resume needs the checkpoint (of this kind: mpi = 1 under
 * mpiexec), a new run must not overwrite one. */
static int mc_check_files(const cli_mc *o, int mpi)
{
    if (o->checkpoint == NULL)
        return 0;
    if (o->resume && access(o->checkpoint, R_OK) != 0)
        return cli_usage_error("option --resume: cannot read the checkpoint '%s': %s", o->checkpoint,
                               strerror(errno));
    if (o->resume && !mpi && cli_checkpoint_kind(o->checkpoint) == 2)
        return cli_usage_error("option --resume: '%s' was written by `voigtspin mc` under mpiexec (a manifest "
                               "and one file per replica): resume it under mpiexec (any number of ranks)",
                               o->checkpoint);
    if (o->resume && mpi && cli_checkpoint_kind(o->checkpoint) == 1)
        return cli_usage_error("option --resume: '%s' was written by a serial `voigtspin mc` (one file): "
                               "resume it without mpiexec",
                               o->checkpoint);
    if (!o->resume && access(o->checkpoint, F_OK) == 0)
        return cli_usage_error(
            "option --checkpoint: '%s' exists; add --resume to continue that run, or remove it",
            o->checkpoint);
    return 0;
}

static int mc_run(const cli_mc *o, int argc, char **argv)
{
    vs_lattice *lat = NULL;
    vs_sampler *s = NULL;
    cli_file f = {0};
    cli_table t = {stdout, o->fmt, 0, 12};
    long long done = 0, total = o->therm + o->sweeps;
    struct sigaction old_int, old_term;
    cli_signals(&old_int, &old_term); /* from here on a signal stops the run cleanly */
    int rc = mc_check_files(o, 0);
    if (rc == 0 && o->output && (rc = cli_file_open(&f, o->output)) == 0)
        t.fp = f.fp;
    if (rc == 0) {
        int st = cli_lattice_build(&o->lat, &lat);
        if (st != VS_OK)
            rc = cli_lib_error("building the lattice", st);
    }
    if (rc == 0)
        rc = mc_start(o, lat, &s, &done);
    if (rc == 0) {
        rc = mc_loop(o, s, &done, total);
        if (rc == 0 && cli_stop && done < total)
            rc = mc_interrupted(o, s, done, total, argc, argv);
    }
    if (rc == 0 && o->checkpoint)
        rc = mc_save(s, o->checkpoint, 1);
    if (rc == 0)
        rc = mc_results(s, vs_lattice_ncomp(lat), &t);
    if (rc == 0 && o->progress != 0) {
        long long nmeas = 0;
        if (vs_sampler_measurements(s, &nmeas) == VS_OK)
            fprintf(stderr,
                    "voigtspin mc: %zu sites, ncomp %d, %d temperatures, %lld sweeps, %lld measurements\n",
                    vs_lattice_nsites(lat), vs_lattice_ncomp(lat), o->nT, done, nmeas);
    }
    if (o->output)
        rc = rc == 0 ? cli_file_commit(&f) : (cli_file_discard(&f), rc);
    vs_sampler_free(s);
    vs_lattice_free(lat);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}

#ifdef VS_HAVE_MPI
/* ---- under mpiexec (docs/cli.md, "mc under mpirun") ---------------------------------------------
 *
 * The same run with the ladder spread over the ranks of MPI_COMM_WORLD (vs_mpi_sampler, bit-identical
 * to the serial chain): every rank runs the same loop (the phase follows from the sweep count), the
 * checkpoints are collective (a manifest and one file per replica), a signal on any rank stops every
 * rank after the same sweep (one MPI_Allreduce per sweep), rank 0 alone prints (results, progress,
 * summary); the other ranks print only their own failures. */
#include <libvoigtspin/mpi.h>
#include <mpi.h>

static int mc_mpi_save(const vs_mpi_sampler *s, const char *path, int final, int rank)
{
    int st = vs_mpi_sampler_save(s, path);
    if (st == VS_OK)
        return CLI_EXIT_OK;
    if (final)
        return cli_mpi_error("writing the checkpoint", st);
    if (rank == 0)
        fprintf(stderr,
                "voigtspin mc: warning: cannot write the checkpoint %s (%s: %s); the previous one stays, "
                "the run goes on\n",
                path, vs_strerror(st), vs_mpi_last_error());
    return CLI_EXIT_OK;
}

/* The rank holding global replica r (the ranks hold contiguous blocks, in rank order). */
static int mc_mpi_owner(const int *first, const int *count, int nranks, int r)
{
    for (int k = 0; k < nranks; k++)
        if (r >= first[k] && r < first[k] + count[k])
            return k;
    return 0;
}

/* The row of replica r (collective; the values on every rank): the row of mc_row(), the observables
 * and the acceptance broadcast by the add-on, S(k)'s peak from the owner's one-replica sampler. */
static int mc_mpi_row(const vs_mpi_sampler *s, const cli_mc *o, int r, int rank, int nc, long long trips,
                      double *v)
{
    int n = 0, st = VS_OK;
    v[n++] = o->T[r];
    for (int k = 0; k < MC_NOBS && st == VS_OK; k++) {
        if (!mc_has_obs(k, nc))
            continue;
        double tau;
        st = vs_mpi_sampler_observable(s, r, mc_obs[k].key, &v[n], &v[n + 1], &tau);
        if (st == VS_ENUMERIC) {
            if (rank == 0)
                fprintf(stderr, "voigtspin mc: warning: %s at T = %g is not finite (%s); printed as nan\n",
                        mc_obs[k].name, o->T[r], vs_mpi_last_error());
            v[n] = v[n + 1] = tau = NAN;
            st = VS_OK;
        }
        n += 2;
        if (k == 0)
            v[n++] = tau;
    }
    if (st != VS_OK)
        return st;
    if ((st = cli_mpi_sf_peak(s, r, &v[n + 1], &v[n])) != VS_OK)
        return st;
    n += 4;
    if ((st = vs_mpi_sampler_acceptance(s, r, &v[n++])) != VS_OK)
        return st;
    v[n] = NAN;
    if (r + 1 < o->nT && (st = vs_mpi_sampler_exchange_rate(s, r, &v[n])) != VS_OK)
        return st;
    n++;
    v[n++] = (double)trips;
    return VS_OK;
}

/* Every row (collective), then the table on rank 0; *nmeas the measurements (for the summary). */
static int mc_mpi_results(const vs_mpi_sampler *s, const cli_mc *o, int nc, int rank, int nranks, cli_table *t,
                          long long *nmeas)
{
    const char *names[MC_MAXCOL];
    int ncol = mc_columns(nc, names), me[2] = {0, 0};
    long long trips = 0;
    int st = vs_mpi_sampler_round_trips(s, &trips);
    if (st == VS_OK)
        st = vs_mpi_sampler_local_range(s, &me[0], &me[1]);
    if (st != VS_OK)
        return cli_mpi_error("the ladder", st);
    int *first = malloc(2 * (size_t)nranks * sizeof *first);
    double *v = malloc((size_t)o->nT * MC_MAXCOL * sizeof *v);
    if (first == NULL || v == NULL) {
        free(first);
        free(v);
        fputs("voigtspin: the results table: out of memory\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, CLI_EXIT_FAIL);
        return CLI_EXIT_FAIL;
    }
    int *count = first + nranks;
    MPI_Allgather(&me[0], 1, MPI_INT, first, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Allgather(&me[1], 1, MPI_INT, count, 1, MPI_INT, MPI_COMM_WORLD);
    for (int r = 0; r < o->nT && st == VS_OK; r++)
        st = mc_mpi_row(s, o, r, rank, nc, trips, v + (size_t)r * MC_MAXCOL);
    /* The measurements: every replica is measured alike; replica 0's owner tells. */
    double m = 0;
    if (st == VS_OK && rank == mc_mpi_owner(first, count, nranks, 0)) {
        const vs_sampler *loc = NULL;
        long long k = 0;
        if (vs_mpi_sampler_local(s, 0, &loc) == VS_OK && vs_sampler_measurements(loc, &k) == VS_OK)
            m = (double)k;
    }
    if (st == VS_OK)
        MPI_Bcast(&m, 1, MPI_DOUBLE, mc_mpi_owner(first, count, nranks, 0), MPI_COMM_WORLD);
    *nmeas = (long long)m;
    if (st == VS_OK && rank == 0) {
        cli_table_header(t, ncol, names);
        for (int r = 0; r < o->nT; r++)
            cli_table_row(t, v + (size_t)r * MC_MAXCOL);
    }
    free(first);
    free(v);
    return st == VS_OK ? CLI_EXIT_OK : cli_mpi_error("the observables", st);
}

/* The sweeps from *done to total (collective); every rank stops after the same sweep when a signal
 * arrived on any of them (*sig: that signal). */
static int mc_mpi_loop(const cli_mc *o, vs_mpi_sampler *s, long long *done, long long total, int rank, int *sig)
{
    mc_progress p;
    mc_progress_init(&p, rank == 0 ? o->progress : 0, *done);
    int rc = CLI_EXIT_OK;
    *sig = 0;
    while (*done < total && rc == CLI_EXIT_OK) {
        if ((*sig = cli_mpi_stop()) != 0)
            break;
        int st = vs_mpi_sampler_sweep(s, 1);
        long long t = ++*done;
        if (st == VS_OK && t == o->therm)
            st = vs_mpi_sampler_reset_observables(s);
        if (st == VS_OK && t > o->therm && (t - o->therm) % o->every == 0)
            st = vs_mpi_sampler_measure(s);
        if (st != VS_OK) {
            rc = cli_mpi_error("the sweep", st);
            break;
        }
        if (o->checkpoint && o->checkpoint_every > 0 && t % o->checkpoint_every == 0 && t < total)
            rc = mc_mpi_save(s, o->checkpoint, 0, rank);
        mc_progress_show(&p, t, total, o->therm);
    }
    mc_progress_end(&p);
    return rc;
}

/* The MPI ladder, fresh (checkpoint written at once) or restored; *done its sweep count. Collective. */
static int mc_mpi_start(const cli_mc *o, const vs_lattice *lat, int rank, vs_mpi_sampler **s, long long *done)
{
    vs_sampler_options *opt = NULL;
    int st = mc_options(o, &opt);
    if (st != VS_OK) {
        vs_sampler_options_free(opt);
        return cli_lib_error("the sampler options", st);
    }
    st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, o->nT, o->T, (unsigned long)o->seed, opt, s);
    vs_sampler_options_free(opt);
    if (st != VS_OK)
        return cli_mpi_error("creating the sampler", st);
    if (o->resume && (st = vs_mpi_sampler_load(*s, o->checkpoint)) != VS_OK)
        return cli_mpi_error("reading the checkpoint", st);
    if ((st = vs_mpi_sampler_sweeps(*s, done)) != VS_OK)
        return cli_mpi_error("the sweep count", st);
    if (*done > o->therm + o->sweeps)
        return rank == 0 ? cli_usage_error("checkpoint %s holds %lld sweeps, more than --therm + --sweeps = %ld",
                                           o->checkpoint, *done, o->therm + o->sweeps)
                         : CLI_EXIT_USAGE;
    if (o->checkpoint && !o->resume)
        return mc_mpi_save(*s, o->checkpoint, 1, rank);
    return CLI_EXIT_OK;
}

static int mc_mpi_run(const cli_mc *o, int argc, char **argv)
{
    int rank = 0, nranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    /* vs_mpi_sampler_create() refuses the automatic near set of the clock sweep (it would depend on the
     * ranks' timings): the count must be given. */
    if (mc_fields_kind(o->fields) == VS_SAMPLER_CLOCK && mc_fields_near(o->fields) < 0)
        return rank == 0 ? cli_usage_error("option --fields clock under mpiexec needs an explicit "
                                           "--clock-near K (K >= 0; the automatic choice is not reproducible "
                                           "across ranks)")
                         : CLI_EXIT_USAGE;
    vs_lattice *lat = NULL;
    vs_mpi_sampler *s = NULL;
    cli_file f = {0};
    cli_table t = {stdout, o->fmt, 0, 12};
    long long done = 0, total = o->therm + o->sweeps, nmeas = 0;
    struct sigaction old_int, old_term;
    cli_signals(&old_int, &old_term);
    /* The files are checked and opened by rank 0 alone; the others learn the verdict. */
    int rc = rank == 0 ? mc_check_files(o, 1) : 0;
    if (rank == 0 && rc == 0 && o->output && (rc = cli_file_open(&f, o->output)) == 0)
        t.fp = f.fp;
    rc = cli_mpi_from_rank0(rc);
    if (rc == 0) {
        int st = cli_lattice_build(&o->lat, &lat);
        rc = cli_mpi_agree(st != VS_OK ? cli_lib_error("building the lattice", st) : 0);
    }
    if (rc == 0)
        rc = cli_mpi_agree(mc_mpi_start(o, lat, rank, &s, &done));
    int sig = 0;
    if (rc == 0)
        rc = cli_mpi_agree(mc_mpi_loop(o, s, &done, total, rank, &sig));
    if (rc == 0 && sig && done < total) {
        if (rank == 0)
            fprintf(stderr, "voigtspin mc: stopped by signal %d after sweep %lld of %lld\n", sig, done, total);
        if (o->checkpoint == NULL) {
            if (rank == 0)
                fputs("voigtspin mc: no --checkpoint was given: nothing saved\n", stderr);
            rc = 128 + sig;
        } else if ((rc = cli_mpi_agree(mc_mpi_save(s, o->checkpoint, 1, rank))) == 0) {
            if (rank == 0) {
                fprintf(stderr, "voigtspin mc: checkpoint written to %s\n", o->checkpoint);
                fputs("voigtspin mc: (under mpiexec, any number of ranks)\n", stderr);
                mc_print_resume(argc, argv);
            }
            rc = 128 + sig;
        }
    } else {
        if (rc == 0 && o->checkpoint)
            rc = cli_mpi_agree(mc_mpi_save(s, o->checkpoint, 1, rank));
        if (rc == 0)
            rc = cli_mpi_agree(mc_mpi_results(s, o, vs_lattice_ncomp(lat), rank, nranks, &t, &nmeas));
        if (rc == 0 && o->progress != 0 && rank == 0)
            fprintf(stderr,
                    "voigtspin mc: %zu sites, ncomp %d, %d temperatures, %lld sweeps, %lld measurements, "
                    "%d MPI ranks\n",
                    vs_lattice_nsites(lat), vs_lattice_ncomp(lat), o->nT, done, nmeas, nranks);
    }
    if (rank == 0 && o->output && f.fp != NULL)
        rc = rc == 0 ? cli_file_commit(&f) : (cli_file_discard(&f), rc);
    rc = cli_mpi_agree(rc);
    vs_mpi_sampler_free(s);
    vs_lattice_free(lat);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}
#endif /* VS_HAVE_MPI */

int cmd_mc(int argc, char **argv)
{
    cli_mc o;
    cli_mc_init(&o);
    int rc = cli_mc_parse(&o, argc, argv);
    if (rc == 0 && o.help) {
        if (cli_prints()) /* under mpiexec rank 0 alone */
            mc_help(stdout);
    }
#ifdef VS_HAVE_MPI
    else if (rc == 0 && cli_mpi)
        rc = mc_mpi_run(&o, argc, argv);
#endif
    else if (rc == 0)
        rc = mc_run(&o, argc, argv);
    cli_mc_free(&o);
    return rc;
}
