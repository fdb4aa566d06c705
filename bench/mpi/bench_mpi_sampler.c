/*
 * Replica exchange across ranks (libvoigtspin_mpi, issue 15): wall time per sweep of an R-replica
 * ladder on the ranks of MPI_COMM_WORLD against the serial vs_sampler in the same run, sc lattice
 * with the 6-spin isotropic elastic kernel (K = 1, μ = 0.6, bench_sampler's material), delayed fields,
 * heat bath + 1 over-relaxation pass, VS_SAMPLER_OPT_THREADS = 1 (the serial baseline is one process on one
 * core; each rank sweeps its replicas on one thread).
 *
 *   mpiexec -n P bench_mpi_sampler [R] [L...]      (default R = 4, L = 8 16)
 *
 * Per L: the serial sampler runs on rank 0 alone (the other ranks wait at a barrier), then the MPI
 * ladder on all ranks; both for the same number of sweeps after 2 warm-up sweeps; the chains are
 * checked to agree bit for bit (energy of every replica). Printed: seconds per sweep and the ratio
 * serial / MPI (the speed-up). The MPI time includes the exchange round (allgather + configuration
 * transfers). On a shared machine the ratio is only as good as the quietest run: read it as one run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/mpi.h>
#include <libvoigtspin/voigtspin.h>

static int rank, nranks;

static void die(const char *what)
{
    fprintf(stderr, "rank %d: %s failed: %s %s\n", rank, what, vs_last_error(), vs_mpi_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
}

static int sweeps_for(int L)
{
    return L <= 8 ? 40 : L <= 16 ? 8 : 2;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    int R = argc > 1 ? atoi(argv[1]) : 4;
    int Ls[16] = {8, 16}, nL = 2;
    if (argc > 2)
        for (nL = 0; nL + 2 < argc && nL < 16; nL++)
            Ls[nL] = atoi(argv[nL + 2]);
    double *T = malloc((size_t)R * sizeof *T);
    for (int r = 0; r < R; r++)
        T[r] = 0.5 + 0.25 * r;
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    vs_sampler_options *opt = NULL; /* one thread: the serial baseline is one process on one core */
    if (vs_sampler_options_create(&opt) != VS_OK ||
        vs_sampler_options_set(opt, VS_SAMPLER_OPT_THREADS, 1) != VS_OK)
        die("options");
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &c) != VS_OK)
        die("coupling");
    if (rank == 0)
        printf("# replica exchange over MPI ranks: sc, 6-spin elastic kernel, R = %d replicas, %d ranks\n"
               "# L  N  sweeps  serial_s_per_sweep  mpi_s_per_sweep  speedup  bit_identical\n",
               R, nranks);
    for (int i = 0; i < nL; i++) {
        int L[3] = {Ls[i], Ls[i], Ls[i]}, n = sweeps_for(Ls[i]);
        vs_lattice *lat = NULL;
        if (vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat) != VS_OK)
            die("vs_lattice_create_cubic");
        vs_sampler *ser = NULL;
        vs_mpi_sampler *mp = NULL;
        double ts = 0.0, t0;
        MPI_Barrier(MPI_COMM_WORLD);
        if (rank == 0) {
            if (vs_sampler_create(lat, R, T, 42, opt, &ser) != VS_OK || vs_sampler_sweep(ser, 2) != VS_OK)
                die("serial");
            t0 = MPI_Wtime();
            if (vs_sampler_sweep(ser, n) != VS_OK)
                die("serial sweep");
            ts = (MPI_Wtime() - t0) / n;
        }
        MPI_Barrier(MPI_COMM_WORLD);
        if (vs_mpi_sampler_create(MPI_COMM_WORLD, lat, R, T, 42, opt, &mp) != VS_OK ||
            vs_mpi_sampler_sweep(mp, 2) != VS_OK)
            die("mpi");
        MPI_Barrier(MPI_COMM_WORLD);
        t0 = MPI_Wtime();
        if (vs_mpi_sampler_sweep(mp, n) != VS_OK)
            die("mpi sweep");
        MPI_Barrier(MPI_COMM_WORLD);
        double tm = (MPI_Wtime() - t0) / n;
        int same = 1;
        for (int r = 0; r < R; r++) {
            double a = 0.0, b;
            if (rank == 0)
                vs_sampler_energy(ser, r, &a);
            if (vs_mpi_sampler_energy(mp, r, &b) != VS_OK)
                die("energy");
            same &= rank != 0 || memcmp(&a, &b, sizeof a) == 0;
        }
        if (rank == 0)
            printf("%3d %8zu %4d %.4e %.4e %.2f %s\n", Ls[i], vs_lattice_nsites(lat), n, ts, tm, ts / tm,
                   same ? "yes" : "NO");
        fflush(stdout);
        vs_mpi_sampler_free(mp);
        vs_sampler_free(ser);
        vs_lattice_free(lat);
    }
    vs_sampler_options_free(opt);
    vs_coupling_free(c);
    vs_elastic_free(el);
    free(T);
    MPI_Finalize();
    return 0;
}
