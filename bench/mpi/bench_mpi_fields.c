/*
 * Prototype of the distributed lattice of issue 15 (docs/mpi.md, "The distributed lattice"): fields and
 * energy of ONE lattice by FFTW-MPI slabs, against the serial library in the same run. Not library code:
 * it checks the design (slab layout, transposed-out r2c / transposed-in c2r, k-space multiply by the
 * packed symmetric blocks, energy by allreduce) and measures its strong scaling.
 *
 *   mpiexec -n P bench_mpi_fields [L...]          (default L = 32 64)
 *
 * sc lattice, 6-spin isotropic elastic kernel (K = 1, μ = 0.6), U = D = 0, E0 = 1, so that
 * h_m = Σ_n T(r_m − r_n) s_n and E = −½ Σ s·h. Every rank builds the serial lattice (the distributed
 * table build is not written: the real-space table of the rank's slab of displacements is read with
 * vs_lattice_coupling() and transformed by FFTW-MPI, each rank its slab); the spins are random unit
 * vectors, the same on every rank. Checked: max |h_dist − h_serial| / max |h_serial| and the relative
 * energy difference (the target ≤ 1e-12). Timed: one fields + energy evaluation, serial
 * (rank 0 alone, the other ranks asleep in a polling-free barrier; vs_lattice_fields +
 * vs_lattice_energy_from_fields, one FFT thread) and distributed (all ranks, from the local spin slab to
 * the local field slab and the global energy), best of 5.
 */
#include <fftw3-mpi.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvoigtspin/voigtspin.h>

#define NC 6
#define NP 21 /* packed upper triangle of a 6×6 block */

static int rank, nranks;

static void die(const char *what)
{
    fprintf(stderr, "rank %d: %s failed: %s\n", rank, what, vs_last_error());
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

/* A barrier that sleeps instead of spinning: the other ranks must not steal the core of rank 0 while
 * it times the serial library (Open MPI's MPI_Barrier busy-polls). */
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

static int pk(int a, int b) /* packed index of (a, b), a, b < 6 */
{
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    return a * NC - a * (a - 1) / 2 + (b - a);
}

typedef struct dist {
    ptrdiff_t L, n0, x0, n1, y0, nz; /* nz = L/2 + 1 */
    double *r6, *r21;                /* padded real slabs, 6 and 21 per point */
    fftw_complex *c6, *t21;          /* transposed-out k slabs: spins, table */
    fftw_plan f6, b6;
} dist;

static void dist_setup(dist *d, const vs_lattice *lat, int L)
{
    ptrdiff_t n[3] = {L, L, L}, nk[3] = {L, L, L / 2 + 1};
    d->L = L;
    d->nz = L / 2 + 1;
    ptrdiff_t a6 =
        fftw_mpi_local_size_many_transposed(3, nk, NC, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK,
                                            MPI_COMM_WORLD, &d->n0, &d->x0, &d->n1, &d->y0);
    ptrdiff_t a21 =
        fftw_mpi_local_size_many_transposed(3, nk, NP, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK,
                                            MPI_COMM_WORLD, &d->n0, &d->x0, &d->n1, &d->y0);
    d->r6 = fftw_alloc_real(2 * (size_t)a6);
    d->c6 = fftw_alloc_complex((size_t)a6);
    d->r21 = fftw_alloc_real(2 * (size_t)a21);
    d->t21 = fftw_alloc_complex((size_t)a21);
    unsigned fl = FFTW_ESTIMATE;
    d->f6 = fftw_mpi_plan_many_dft_r2c(3, n, NC, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, d->r6, d->c6,
                                       MPI_COMM_WORLD, fl | FFTW_MPI_TRANSPOSED_OUT);
    d->b6 = fftw_mpi_plan_many_dft_c2r(3, n, NC, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, d->c6, d->r6,
                                       MPI_COMM_WORLD, fl | FFTW_MPI_TRANSPOSED_IN);
    fftw_plan f21 = fftw_mpi_plan_many_dft_r2c(3, n, NP, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK,
                                               d->r21, d->t21, MPI_COMM_WORLD, fl | FFTW_MPI_TRANSPOSED_OUT);
    if (!d->f6 || !d->b6 || !f21)
        die("fftw_mpi_plan");
    /* the table T(d) of this rank's slab of displacements: T(r_m − r_0) = coupling(m, 0) */
    double T[NC * NC];
    for (ptrdiff_t i = 0; i < d->n0; i++)
        for (ptrdiff_t j = 0; j < L; j++)
            for (ptrdiff_t k = 0; k < L; k++) {
                size_t m = ((size_t)(d->x0 + i) * (size_t)L + (size_t)j) * (size_t)L + (size_t)k;
                if (vs_lattice_coupling(lat, m, 0, T) != VS_OK)
                    die("vs_lattice_coupling");
                double *p = d->r21 + ((i * L + j) * 2 * d->nz + k) * NP;
                for (int a = 0; a < NC; a++)
                    for (int b = a; b < NC; b++)
                        p[pk(a, b)] = T[a * NC + b];
            }
    fftw_execute(f21);
    fftw_destroy_plan(f21);
    fftw_free(d->r21);
    d->r21 = NULL;
}

static void dist_free(dist *d)
{
    fftw_destroy_plan(d->f6);
    fftw_destroy_plan(d->b6);
    fftw_free(d->r6);
    fftw_free(d->c6);
    fftw_free(d->t21);
}

/* Fields of the local slab (h: n0 L L × 6, unpadded) and the global energy, from the local spin slab
 * (s: the same layout). */
static double dist_fields_energy(dist *d, const double *s, double *h)
{
    ptrdiff_t L = d->L, nz = d->nz;
    for (ptrdiff_t ij = 0; ij < d->n0 * L; ij++)
        memcpy(d->r6 + ij * 2 * nz * NC, s + ij * L * NC, (size_t)(L * NC) * sizeof *s);
    fftw_execute(d->f6);
    /* k-space multiply, transposed layout [y][x][z]: H_a = Σ_b T̂_ab S_b */
    int idx[NC][NC];
    for (int a = 0; a < NC; a++)
        for (int b = 0; b < NC; b++)
            idx[a][b] = pk(a, b);
    for (ptrdiff_t q = 0; q < d->n1 * L * nz; q++) {
        fftw_complex *S = d->c6 + q * NC;
        fftw_complex *Tk = d->t21 + q * NP;
        double hr[NC], hi[NC];
        for (int a = 0; a < NC; a++) {
            double xr = 0.0, xi = 0.0;
            for (int b = 0; b < NC; b++) {
                const double *t = Tk[idx[a][b]];
                xr += t[0] * S[b][0] - t[1] * S[b][1];
                xi += t[0] * S[b][1] + t[1] * S[b][0];
            }
            hr[a] = xr;
            hi[a] = xi;
        }
        for (int a = 0; a < NC; a++) {
            S[a][0] = hr[a];
            S[a][1] = hi[a];
        }
    }
    fftw_execute(d->b6);
    double scale = 1.0 / ((double)L * (double)L * (double)L), sh = 0.0, E;
    for (ptrdiff_t ij = 0; ij < d->n0 * L; ij++)
        for (ptrdiff_t k = 0; k < L * NC; k++) {
            double x = d->r6[ij * 2 * nz * NC + k] * scale;
            h[ij * L * NC + k] = x;
            sh += x * s[ij * L * NC + k];
        }
    MPI_Allreduce(&sh, &E, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return -0.5 * E;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    fftw_mpi_init();
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    int Ls[16] = {32, 64}, nL = 2;
    if (argc > 1)
        for (nL = 0; nL + 1 < argc && nL < 16; nL++)
            Ls[nL] = atoi(argv[nL + 1]);
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_lattice_options *lo = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK ||
        vs_lattice_options_create(&lo) != VS_OK ||
        vs_lattice_options_set(lo, VS_LATTICE_OPT_ENERGY_SCALE, 1.0) != VS_OK ||
        vs_lattice_options_set(lo, VS_LATTICE_OPT_FFT_THREADS, 1) != VS_OK)
        die("setup");
    if (rank == 0)
        printf("# distributed fields+energy (FFTW-MPI slabs, prototype) vs serial vs_lattice_fields + "
               "energy_from_fields\n# sc, 6-spin elastic kernel, %d ranks\n"
               "# L  N  serial_s  dist_s  speedup  max_rel_field_err  rel_energy_err\n",
               nranks);
    for (int li = 0; li < nL; li++) {
        int L = Ls[li], LL[3] = {L, L, L};
        vs_lattice *lat = NULL;
        if (vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 0, lo, &lat) != VS_OK)
            die("vs_lattice_create_cubic");
        size_t N = vs_lattice_nsites(lat), nv = N * NC;
        double *s = malloc(nv * sizeof *s), *h = malloc(nv * sizeof *h);
        uint64_t st = 12345;
        for (size_t m = 0; m < N; m++) { /* uniform on S^5: normalised Gaussian-free (cube rejection) */
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
        double Es = 0.0, ts = 1e300;
        /* the serial reference on every rank, then timed on rank 0 alone (the others asleep) */
        if (vs_lattice_fields(lat, s, h) != VS_OK || vs_lattice_energy_from_fields(lat, s, h, &Es) != VS_OK)
            die("serial fields");
        quiet_barrier();
        for (int rep = 0; rank == 0 && rep < 5; rep++) {
            double t0 = MPI_Wtime();
            if (vs_lattice_fields(lat, s, h) != VS_OK ||
                vs_lattice_energy_from_fields(lat, s, h, &Es) != VS_OK)
                die("serial fields");
            ts = fmin(ts, MPI_Wtime() - t0);
        }
        quiet_barrier();
        dist d;
        dist_setup(&d, lat, L);
        const double *sl = s + (size_t)d.x0 * (size_t)L * (size_t)L * NC;
        double *hl = malloc((size_t)(d.n0 ? d.n0 : 1) * (size_t)L * (size_t)L * NC * sizeof *hl);
        double Ed = 0.0, td = 1e300;
        for (int rep = 0; rep < 5; rep++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double t0 = MPI_Wtime();
            Ed = dist_fields_energy(&d, sl, hl);
            MPI_Barrier(MPI_COMM_WORLD);
            td = fmin(td, MPI_Wtime() - t0);
        }
        double err = 0.0, hmax = 0.0, gerr, ghmax;
        const double *hs = h + (size_t)d.x0 * (size_t)L * (size_t)L * NC;
        for (size_t k = 0; k < (size_t)d.n0 * (size_t)L * (size_t)L * NC; k++) {
            err = fmax(err, fabs(hl[k] - hs[k]));
            hmax = fmax(hmax, fabs(hs[k]));
        }
        MPI_Allreduce(&err, &gerr, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        MPI_Allreduce(&hmax, &ghmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        if (rank == 0)
            printf("%3d %9zu %.4e %.4e %.2f %.2e %.2e\n", L, N, ts, td, ts / td, gerr / ghmax,
                   fabs(Ed - Es) / fabs(Es));
        fflush(stdout);
        dist_free(&d);
        free(hl);
        free(s);
        free(h);
        vs_lattice_free(lat);
    }
    vs_lattice_options_free(lo);
    vs_coupling_free(c);
    vs_elastic_free(el);
    fftw_mpi_cleanup();
    MPI_Finalize();
    return 0;
}
