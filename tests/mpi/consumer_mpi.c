/* A consumer of the installed libvoigtspin_mpi (test consumer_mpi_pkgconfig): built with
 * `mpicc $(pkg-config --cflags --libs libvoigtspin_mpi)` alone, run on 2 ranks. */
#include <stdio.h>

#include <libvoigtspin/mpi.h>
#include <libvoigtspin/voigtspin.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, ok = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    vs_mpi_sampler *s = NULL;
    const int L[3] = {2, 2, 2};
    const double T[2] = {0.5, 1.0};
    double E = 0.0;
    if (vs_coupling_create_dipolar(&c) == VS_OK &&
        vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat) == VS_OK &&
        vs_mpi_sampler_create(MPI_COMM_WORLD, lat, 2, T, 7, NULL, &s) == VS_OK &&
        vs_mpi_sampler_sweep(s, 3) == VS_OK && vs_mpi_sampler_energy(s, 1, &E) == VS_OK)
        ok = 1;
    if (rank == 0)
        printf("%s: E[1] = %.6f after 3 sweeps (%s)\n", ok ? "ok" : "FAILED", E, vs_mpi_last_error());
    vs_mpi_sampler_free(s);
    vs_lattice_free(lat);
    vs_coupling_free(c);
    MPI_Finalize();
    return ok ? 0 : 1;
}
