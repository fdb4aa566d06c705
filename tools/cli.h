/* Shared pieces of the voigtspin command: argument errors, material options, output tables. */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <libvoigtspin/voigtspin.h>

/* Exit codes: 0 success, 1 library/computation failure, 2 bad command-line arguments. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

/* Print "voigtspin: <msg>" to stderr and return CLI_EXIT_USAGE. With cli_quiet set (the fuzz
 * harnesses) the message is formatted but not printed. */
#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif
int cli_usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);
extern int cli_quiet;
/* Print a library failure (status + vs_last_error) and return CLI_EXIT_FAIL. */
int cli_lib_error(const char *what, int status);

/* ---- parsers (tools/cli_parse.c, shared with the fuzz harnesses in tools/fuzz/) ---------------- */

/* Largest number of points of a grid option, and of the product of a two-dimensional grid. */
#define CLI_MAX_POINTS 10000000L

/* Parse "a,b,c" into exactly n finite doubles (subnormals accepted; nan, inf and overflow refused);
 * returns 0 on success. */
int cli_parse_doubles(const char *s, double *v, int n);
/* The option-value parsers below report a failure naming `opt` and return CLI_EXIT_USAGE; a NULL value
 * (from cli_value(), which has already reported it) returns CLI_EXIT_USAGE without a second message. */
/* Parse one finite double / an integer in [lo, hi] option value. */
int cli_parse_double(const char *opt, const char *s, double *v);
int cli_parse_int(const char *opt, const char *s, long lo, long hi, long *v);
/* Parse 1..max comma-separated finite numbers into out, their count in *n. */
int cli_parse_list(const char *opt, const char *s, double *out, int max, int *n);
/* Parse "L1,L2,L3", each an integer in [1, max]. */
int cli_parse_ints3(const char *opt, const char *s, long max, int *L);

/* Parse "lo,hi,n" into an evenly spaced grid from lo to hi, both included (1 <= n <= CLI_MAX_POINTS;
 * n = 1 gives lo); every point is finite. Caller frees *grid. */
int cli_parse_range(const char *opt, const char *s, double **grid, long *n);
/* Refuse an n1 x n2 grid above CLI_MAX_POINTS points (no overflow for any n1, n2 >= 1). */
int cli_check_points(const char *what, long n1, long n2);

/* --Tmin A --Tmax B --nT N (mc and fragility): a geometric temperature ladder, given whole or not at
 * all. */
typedef struct cli_trange {
    double Tmin, Tmax;
    long n;
    int given; /* bits: 1 --Tmin, 2 --Tmax, 4 --nT */
} cli_trange;
/* argv[*i] if it is --Tmin, --Tmax or --nT (N an integer in [nmin, nmax]): 1 consumed, 0 not one of
 * them, CLI_EXIT_USAGE (reported). */
int cli_trange_option(cli_trange *r, long nmin, long nmax, int argc, char **argv, int *i);
/* 0 if all three or none were given, else CLI_EXIT_USAGE (reported). */
int cli_trange_check(const cli_trange *r);

/* Read exactly N rows of nc finite numbers (separated by blanks or commas; '#' starts a comment,
 * blank lines are skipped) from fp into s[N*nc]; anything else on a line is refused with a message
 * naming `name` and the line number. Returns 0 or CLI_EXIT_USAGE. */
int cli_read_spins(FILE *fp, const char *name, size_t N, int nc, double *s);

/* Value of option argv[*i] (advancing *i), or NULL with a usage message printed. */
const char *cli_value(int argc, char **argv, int *i);

/* Material options shared by every subcommand. Returns 1 if argv[*i] was a material option
 * (consumed, *i advanced), 0 if not, CLI_EXIT_USAGE (with message) on a bad value. */
typedef struct cli_material {
    char kind[16];
    double p[36];
    char label[64];
    int given;
    double tol; /* coupling tolerance (--tol); 0 means the default 1e-9 */
} cli_material;
int cli_material_option(cli_material *m, int argc, char **argv, int *i);
/* Build the tensor (default: a σ = 0.35, μ = 1 glass when none given). */
int cli_coupling_create(const cli_material *m, const vs_elastic *el, vs_coupling **out);
int cli_material_create(const cli_material *m, vs_elastic **out);
extern const char *const cli_material_help;

/* Lattice options shared by `lattice` and `mc` (tools/cli_lattice.c): the material options above,
 * --preset/--a or --cell/--basis, --L, --open, --accuracy, --alpha, --kernel, --contact, --E0. */
typedef struct cli_lattice {
    cli_material mat;
    char kernel[16];
    char preset[8];
    double a, E0, accuracy, alpha;
    double cell[9];
    int have_cell;
    double *basis;
    int nbasis;
    int L[3];
    int open;
    int contact; /* --contact: D = A_0 = <W>, the l = 0 contact term on site (default off) */
} cli_lattice;
void cli_lattice_init(cli_lattice *o); /* the defaults: sc, a = 1, 4x4x4, elastic, E0 = 1, 1e-12 */
void cli_lattice_free(cli_lattice *o);
/* Like cli_material_option: 1 consumed, 0 not a lattice option, CLI_EXIT_USAGE with a message. */
int cli_lattice_option(cli_lattice *o, int argc, char **argv, int *i);
/* Consistency of the options once all are read (0 or CLI_EXIT_USAGE with a message). */
int cli_lattice_check(const cli_lattice *o);
/* Build the lattice the options describe; a library status. */
int cli_lattice_build(const cli_lattice *o, vs_lattice **lat);
extern const char *const cli_lattice_help;

/* Output: aligned table (default) or CSV. */
typedef enum { CLI_TABLE = 0, CLI_CSV = 1 } cli_format;
typedef struct cli_table {
    FILE *fp;
    cli_format fmt;
    int ncol;
    int width;
} cli_table;
void cli_table_header(cli_table *t, int ncol, const char *const *names);
void cli_table_row(cli_table *t, const double *v);
void cli_table_row_labelled(cli_table *t, const char *label, const double *v);
int cli_format_option(cli_format *f, int argc, char **argv, int *i);

/* ---- voigtspin mc (tools/cmd_mc.c) ------------------------------------------------------------ */

/* The options of `mc`, parsed by cli_mc_parse (the fuzz harness runs it too). Sampler options at
 * -1 are not given (the library's default). */
typedef struct cli_mc {
    cli_lattice lat;
    double *T; /* the ladder, strictly increasing, finite, > 0 */
    int nT;
    cli_trange range; /* --Tmin/--Tmax/--nT */
    long sweeps, therm, every, seed;
    long threads, move, overrelax, fields, refresh;
    const char *checkpoint;
    long checkpoint_every;
    int resume;
    const char *output;
    cli_format fmt;
    int progress; /* -1 on a terminal, 0 --quiet, 1 --progress */
    int help;
} cli_mc;
void cli_mc_init(cli_mc *o);
void cli_mc_free(cli_mc *o);
/* Parse argv[1..argc-1] (argv[0] is the subcommand's name); 0 (o->help set for --help) or
 * CLI_EXIT_USAGE with a message. On success the ladder is valid and --every <= --sweeps. */
int cli_mc_parse(cli_mc *o, int argc, char **argv);

/* ---- voigtspin fragility (tools/cmd_fragility.c) ------------------------------------------------ */

#define CLI_FRAG_MAX_L 16
/* The options of `fragility`, parsed by cli_frag_parse (the fuzz harness runs it too). */
typedef struct cli_frag {
    cli_lattice lat; /* preset, kernel, E0, accuracy, and the single material */
    double *grid;    /* σ or c_l/c_t values */
    long ngrid;
    int grid_kind; /* 0 the single material, 1 σ, 2 c_l/c_t */
    int L[CLI_FRAG_MAX_L], nL;
    double trel[3];
    cli_trange range; /* --Tmin/--Tmax/--nT */
    double kappa;     /* the background of dc: C at kappa * T_peak */
    int have_trel;
    long sweeps, therm, seed, threads, ckevery;
    const char *ckdir, *output, *curves, *plots, *overlay;
    int progress, help;
} cli_frag;
void cli_frag_init(cli_frag *o);
void cli_frag_free(cli_frag *o);
/* Parse argv[1..argc-1]; 0 (o->help set for --help) or CLI_EXIT_USAGE with a message. On success
 * the materials, sizes, ladder and sweep counts describe a valid study. */
int cli_frag_parse(cli_frag *o, int argc, char **argv);

/* ---- files and programs (tools/cli_file.c) ----------------------------------------------------- */

/* An output file written atomically: cli_file_open creates PATH.XXXXXX next to path and opens f->fp;
 * cli_file_commit flushes, fsyncs and renames it over path (every step checked); on any failure, or
 * with cli_file_discard, the temporary file is removed and path keeps its previous content. The open
 * and commit calls print "voigtspin: cannot write PATH: reason" and return CLI_EXIT_FAIL on failure. */
typedef struct cli_file {
    FILE *fp;
    char *path; /* a copy of the target path */
    char *tmp;
} cli_file;
int cli_file_open(cli_file *f, const char *path);
int cli_file_commit(cli_file *f);
void cli_file_discard(cli_file *f);
/* fsync the finished file tmp (written by another program) and rename it to path; removes tmp on failure. */
int cli_file_install(const char *tmp, const char *path);

/* At exit: flush and close standard output; on a write error print a message and turn an exit code of
 * 0 into CLI_EXIT_FAIL (otherwise rc is returned unchanged). */
int cli_close_stdout(int rc);

/* Run argv[0] (searched on PATH) with working directory dir, standard input /dev/null and standard
 * output and error to the file log (relative to dir; appended to if append), without a shell.
 * Returns its exit status (126: could not set up, 127: not found), 128 + signal, or -1. */
int cli_run(const char *dir, char *const argv[], const char *log, int append);

/* ---- long runs (tools/cli_run.c, shared by `mc` and `fragility`) ------------------------------ */

/* The signal (SIGINT/SIGTERM) that asked the run to stop, 0 while none arrived. */
extern volatile sig_atomic_t cli_stop;
/* Install the handlers setting cli_stop (the previous ones into *old_int, *old_term; restore them
 * with sigaction when done). A second signal has its default effect. */
void cli_signals(struct sigaction *old_int, struct sigaction *old_term);
/* Seconds on a monotonic clock. */
double cli_clock(void);

/* ---- checkpoints and MPI (tools/cli_mpi.c, shared by `mc` and `fragility`) --------------------- */

/* The kind of checkpoint in path: 1 a serial one (vs_sampler_save(): magic bytes 0x89 "VSCKPT\\n"),
 * 2 an MPI manifest (vs_mpi_sampler_save(): "libvoigtspin_mpi manifest"), 0 neither or unreadable. */
int cli_checkpoint_kind(const char *path);

#ifdef VS_HAVE_MPI
#include <libvoigtspin/mpi.h>
/* The program built with the MPI add-on (tools/meson.build): cli_mpi is 1 when it was launched by
 * mpiexec (cli_mpi_launched(): OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK set) and main() has
 * initialised MPI; 0 otherwise (then MPI is never touched). cli_mpi_rank: the rank in
 * MPI_COMM_WORLD (0 when serial). */
extern int cli_mpi, cli_mpi_rank;
/* 1 where this process prints help, progress and results (serial, or rank 0 under mpiexec). */
static inline int cli_prints(void) { return !cli_mpi || cli_mpi_rank == 0; }
int cli_mpi_launched(void);
/* MPI_Init, run(argc, argv) with its output flushed (cli_close_stdout), MPI_Finalize; the ranks other
 * than 0 print no usage errors (cli_quiet = 1). Returns the exit code. */
int cli_mpi_main(int argc, char **argv, int (*run)(int, char **));
/* Collective over MPI_COMM_WORLD. cli_mpi_agree: the largest exit code of all ranks (0 only when every
 * rank has 0); cli_mpi_from_rank0: rank 0's rc on every rank; cli_mpi_stop: the signal that arrived
 * on any rank (cli_stop's largest value), 0 if none. */
int cli_mpi_agree(int rc);
int cli_mpi_from_rank0(int rc);
int cli_mpi_stop(void);
/* Rank 0 prints "voigtspin: <what> failed: <status>: <vs_mpi_last_error()>" (after a collective
 * vs_mpi_* call every rank holds the same message); every rank returns CLI_EXIT_FAIL. */
int cli_mpi_error(const char *what, int status);
/* The ⟨S(k)⟩ peak of replica r (vs_sampler_structure_factor_peak() of its owner's one-replica sampler,
 * broadcast; collective): k[3], *smax on every rank; a status (the owner prints a failure). */
int cli_mpi_sf_peak(const vs_mpi_sampler *s, int r, double k[3], double *smax);
#else
static inline int cli_prints(void) { return 1; }
#endif

/* Subcommands (tools/cmd_*.c). Each takes argv[0] = its own name. */
int cmd_elastic(int argc, char **argv);
int cmd_coupling(int argc, char **argv);
int cmd_meanfield(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_landscape(int argc, char **argv);
int cmd_phase(int argc, char **argv);
int cmd_f0(int argc, char **argv);
int cmd_oscillator(int argc, char **argv);
int cmd_lattice(int argc, char **argv);
int cmd_mc(int argc, char **argv);
int cmd_fragility(int argc, char **argv);
int cmd_paper(int argc, char **argv);

/* One table row of elastic quantities (columns cli_elastic_columns) for a material. */
extern const char *const cli_elastic_columns[13];
int cli_elastic_row(cli_table *t, const char *label, const vs_elastic *el);

/* Progress of long runs on stderr ("voigtspin NAME: 40%"), only when total ≥ 200 steps. */
void cli_progress(const char *name, long done, long total);

/* True if argv[i] is -h or --help. */
int cli_is_help(const char *arg);

#endif
