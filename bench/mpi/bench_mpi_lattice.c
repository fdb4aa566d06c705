/*
 * The distributed lattice of issue 15 (docs/mpi.md, "The distributed lattice"): strong scaling of one
 * fields + energy evaluation of vs_mpi_lattice against the serial library in the same run, and the
 * distributed table build against the serial vs_lattice_create.
 *
 *   mpiexec -n P bench_mpi_lattice [measure] [L...]   (default L = 64 128)

 * `measure`: VS_LATTICE_OPT_FFTW_PLANNER = MEASURE for both (serial and distributed); default ESTIMATE
 * (what VS_LATTICE_PLANNER_AUTO gives with one FFT thread).
 *
 * sc lattice, 6-spin isotropic elastic kernel (K = 1, μ = 0.6), E0 = 1, one OpenMP/FFT thread
 * everywhere; random unit spins (fixed seed). Per L:
 *   build   serial: vs_lattice_create on rank 0 alone (the other ranks asleep in a polling-free
 *           barrier); distributed: vs_mpi_lattice_create on all ranks (each its table slab by
 *           vs_lattice_table_slab + one FFTW-MPI r2c). Wall time (max over ranks) and thread CPU time.
 *   eval    serial: vs_lattice_fields_energy (fields and energy from one evaluation, the fastest serial
 *           call) on rank 0 alone; distributed:
 *           vs_mpi_lattice_fields + vs_mpi_lattice_energy_from_fields on all ranks, from the local spin
 *           slab to the local field slab and the global energy. NREP repetitions, serial and
 *           distributed interleaved; medians of the wall time (max over ranks) and of the thread CPU
 *           time (max over ranks; Open MPI busy-polls while it waits, so CPU ≈ wall for the ranks).
 *   check   max |h_dist − h_serial| / max |h_serial| and the relative energy difference.
 *   memory  peak resident set (VmHWM) of rank 0 (serial lattice + distributed slab + the spin arrays)
 *           and the largest of the other ranks (distributed slab + spin arrays), and
 *           vs_lattice_memory_estimate of the serial lattice.
 * The load average is printed before and after (the machine is shared).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fftw3-mpi.h>
#include <libvoigtspin/mpi.h>
#include <libvoigtspin/voigtspin.h>

#define NC   6
#define NREP 7

static int rank, nranks;

static void die(const char *what)
{
    fprintf(stderr, "rank %d: %s failed: %s | %s\n", rank, what, vs_last_error(), vs_mpi_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
}

static double uniform(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A barrier that sleeps instead of spinning: the other ranks must not steal rank 0's core while it
 * times the serial library (Open MPI's MPI_Barrier busy-polls). */
static void quiet_barrier(void)
{
    MPI_Request rq;
    int done = 0;
    MPI_Ibarrier(MPI_COMM_WORLD, &rq);
    while (!done) {
        MPI_Test(&rq, &done, MPI_STATUS_IGNORE);
        if (!done)
            nanosleep(&(struct timespec){0, 200000}, NULL);
    }
}

static double gmax(double x)
{
    double y;
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return y;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double vm_hwm_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = 0.0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = atof(line + 6);
    if (f)
        fclose(f);
    return kb / 1024.0;
}

static void print_load(const char *when)
{
    if (rank != 0)
        return;
    FILE *f = fopen("/proc/loadavg", "r");
    char buf[128] = "?";
    if (f && fgets(buf, sizeof buf, f))
        buf[strcspn(buf, "\n")] = 0;
    if (f)
        fclose(f);
    printf("# load average %s: %s (2 cores)\n", when, buf);
}

static double *random_spins(size_t N)
{
    double *s = malloc(N * NC * sizeof *s);
    uint64_t st = 12345;
    for (size_t m = 0; m < N; m++) {
        double x[NC], n2;
        do {
            n2 = 0.0;
            for (int a = 0; a < NC; a++) {
                x[a] = 2.0 * uniform(&st) - 1.0;
                n2 += x[a] * x[a];
            }
        } while (n2 > 1.0 || n2 < 1e-6);
        for (int a = 0; a < NC; a++)
            s[m * NC + a] = x[a] / sqrt(n2);
    }
    return s;
}

static void bench_L(int L, const vs_coupling *c, const vs_lattice_options *lo)
{
    static const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, f0[3] = {0, 0, 0};
    int LL[3] = {L, L, L};
    size_t N = (size_t)L * L * L, est = 0;
    vs_lattice_memory_estimate(cell, 1, f0, LL, c, 0, lo, &est);
    /* build: serial on rank 0 alone, then distributed */
    vs_lattice *lat = NULL;
    double bs_w = 0.0, bs_c = 0.0;
    quiet_barrier();
    if (rank == 0) {
        double w0 = MPI_Wtime(), c0 = cpu_now();
        if (vs_lattice_create(cell, 1, f0, LL, c, 0, lo, &lat) != VS_OK)
            die("vs_lattice_create");
        bs_w = MPI_Wtime() - w0;
        bs_c = cpu_now() - c0;
    }
    quiet_barrier();
    vs_mpi_lattice *ml = NULL;
    MPI_Barrier(MPI_COMM_WORLD);
    double w0 = MPI_Wtime(), c0 = cpu_now();
    if (vs_mpi_lattice_create(MPI_COMM_WORLD, cell, 1, f0, LL, c, 0, lo, &ml) != VS_OK)
        die("vs_mpi_lattice_create");
    double bd_c = gmax(cpu_now() - c0);
    MPI_Barrier(MPI_COMM_WORLD);
    double bd_w = gmax(MPI_Wtime() - w0);
    int x0, n0;
    size_t nloc;
    vs_mpi_lattice_local(ml, &x0, &n0, &nloc);
    double *s = random_spins(N), *h = rank == 0 ? malloc(N * NC * sizeof *h) : NULL;
    double *hl = malloc((nloc + 1) * NC * sizeof *hl);
    const double *sl = s + (size_t)(n0 > 0 ? x0 : 0) * (size_t)L * (size_t)L * NC;
    double sw[NREP], sc[NREP], dw[NREP], dc[NREP], Es = 0.0, Ed = 0.0;
    for (int rep = 0; rep < NREP; rep++) {
        quiet_barrier();
        if (rank == 0) {
            double t0 = MPI_Wtime(), u0 = cpu_now();
            if (vs_lattice_fields_energy(lat, s, h, &Es) != VS_OK)
                die("serial fields");
            sw[rep] = MPI_Wtime() - t0;
            sc[rep] = cpu_now() - u0;
        }
        quiet_barrier();
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime(), u0 = cpu_now();
        if (vs_mpi_lattice_fields(ml, sl, hl) != VS_OK ||
            vs_mpi_lattice_energy_from_fields(ml, sl, hl, &Ed) != VS_OK)
            die("distributed fields");
        double uc = cpu_now() - u0;
        MPI_Barrier(MPI_COMM_WORLD);
        dw[rep] = gmax(MPI_Wtime() - t0);
        dc[rep] = gmax(uc);
    }
    /* the serial fields of each rank's slab, from rank 0 */
    int *cnt = malloc((size_t)nranks * sizeof *cnt), *dsp = malloc((size_t)nranks * sizeof *dsp);
    int mine = (int)(nloc * NC);
    MPI_Gather(&mine, 1, MPI_INT, cnt, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0)
        for (int r = 0, off = 0; r < nranks; r++) {
            dsp[r] = off;
            off += cnt[r];
        }
    double *hs = malloc((nloc + 1) * NC * sizeof *hs);
    MPI_Scatterv(h, cnt, dsp, MPI_DOUBLE, hs, mine, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    double err = 0.0, hmax = 0.0;
    for (size_t k = 0; k < nloc * NC; k++) {
        err = fmax(err, fabs(hl[k] - hs[k]));
        hmax = fmax(hmax, fabs(hs[k]));
    }
    err = gmax(err) / gmax(hmax);
    MPI_Bcast(&Es, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    double mem0 = vm_hwm_mib(), mem_other = nranks > 1 ? vm_hwm_mib() : 0.0, mo;
    if (rank == 0)
        mem_other = 0.0;
    MPI_Reduce(&mem_other, &mo, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        double msw = median(sw, NREP), msc = median(sc, NREP), mdw = median(dw, NREP), mdc = median(dc, NREP);
        printf(
            "%4d %9zu %2d | %8.4f %8.4f | %8.4f %8.4f | %5.2f %5.2f | %7.3f %7.3f %7.3f %7.3f | %.1e %.1e | "
            "%7.0f %7.0f %7.0f\n",
            L, N, nranks, msw, msc, mdw, mdc, msw / mdw, msc / mdc, bs_w, bs_c, bd_w, bd_c, err,
            fabs(Ed - Es) / fabs(Es), (double)est / 1048576.0, mem0, mo);
        fflush(stdout);
    }
    free(cnt);
    free(dsp);
    free(hs);
    free(hl);
    free(h);
    free(s);
    vs_mpi_lattice_free(ml);
    vs_lattice_free(lat);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    int Ls[16] = {64, 128}, nL = 2, measure = argc > 1 && strcmp(argv[1], "measure") == 0;
    if (argc > 1 + measure)
        for (nL = 0; nL + 1 + measure < argc && nL < 16; nL++)
            Ls[nL] = atoi(argv[nL + 1 + measure]);
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_lattice_options *lo = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK ||
        vs_lattice_options_create(&lo) != VS_OK ||
        vs_lattice_options_set(lo, VS_LATTICE_OPT_ENERGY_SCALE, 1.0) != VS_OK ||
        vs_lattice_options_set(lo, VS_LATTICE_OPT_THREADS, 1) != VS_OK ||
        vs_lattice_options_set(lo, VS_LATTICE_OPT_FFT_THREADS, 1) != VS_OK ||
        vs_lattice_options_set(lo, VS_LATTICE_OPT_FFTW_PLANNER,
                               measure ? VS_LATTICE_PLANNER_MEASURE : VS_LATTICE_PLANNER_ESTIMATE) != VS_OK)
        die("setup");
    print_load("before");
    if (rank == 0)
        printf(
            "# vs_mpi_lattice (FFTW-MPI slabs) vs the serial library; sc, 6-spin elastic kernel, %d ranks, "
            "one thread per rank, planner %s, medians of %d\n"
            "# eval = fields + energy (serial: vs_lattice_fields_energy; distributed: fields + "
            "energy_from_fields);\n# build = vs_lattice_create vs vs_mpi_lattice_create; w = wall (max over ranks), "
            "c = thread CPU (max over ranks)\n"
            "#    L         N  P | ser_w_s  ser_c_s | dist_w_s dist_c_s | spd_w spd_c | bld_ser_w bld_ser_c "
            "bld_dist_w bld_dist_c | rel_h   rel_E   | est_serial_MiB rss0_MiB rss_other_MiB\n",
            nranks, measure ? "MEASURE" : "ESTIMATE", NREP);
    for (int li = 0; li < nL; li++)
        bench_L(Ls[li], c, lo);
    print_load("after");
    vs_lattice_options_free(lo);
    vs_coupling_free(c);
    vs_elastic_free(el);
    fftw_mpi_cleanup(); /* the host's: after the last vs_mpi_lattice_free */
    MPI_Finalize();
    return 0;
}
