/*
 * The MPI glue shared by the long-running subcommands (`mc`, `fragility`; docs/cli.md, "Under
 * mpirun"): whether the program was launched by mpiexec, MPI_Init/Finalize around the whole run, the
 * agreement of the ranks on an exit code, the stop flag agreed after every sweep, rank-0-only error
 * messages, the structure-factor peak of a replica (its owner computes, all receive) — and, with or
 * without MPI, which kind of checkpoint a file holds.
 *
 * Under mpiexec the ranks other than 0 print no usage errors (cli_quiet): the arguments are the same
 * on every rank, so every rank reaches the same verdict and exit code, and one message is enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_checkpoint_kind(const char *path)
{
    static const char serial[8] = {'\x89', 'V', 'S', 'C', 'K', 'P', 'T', '\n'};
    static const char mpi[] = "libvoigtspin_mpi manifest";
    char head[sizeof mpi] = {0};
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    size_t n = fread(head, 1, sizeof head - 1, fp);
    fclose(fp);
    if (n >= sizeof serial && memcmp(head, serial, sizeof serial) == 0)
        return 1;
    if (n == sizeof mpi - 1 && memcmp(head, mpi, sizeof mpi - 1) == 0)
        return 2;
    return 0;
}

#ifdef VS_HAVE_MPI
#include <libvoigtspin/mpi.h>
#include <mpi.h>

int cli_mpi = 0;
int cli_mpi_rank = 0;

int cli_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"};
    for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++) {
        const char *v = getenv(vars[k]);
        if (v != NULL && v[0] != '\0')
            return 1;
    }
    return 0;
}

int cli_mpi_main(int argc, char **argv, int (*run)(int, char **))
{
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fputs("voigtspin: launched by mpiexec but MPI_Init failed\n", stderr);
        return CLI_EXIT_FAIL;
    }
    cli_mpi = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &cli_mpi_rank);
    cli_quiet = cli_mpi_rank != 0; /* usage errors: rank 0 alone prints */
    int rc = cli_close_stdout(run(argc, argv));
    MPI_Finalize();
    return rc;
}

int cli_mpi_agree(int rc)
{
    int all = rc;
    MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return all;
}

int cli_mpi_from_rank0(int rc)
{
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
}

int cli_mpi_error(const char *what, int status)
{
    if (cli_mpi_rank == 0)
        fprintf(stderr, "voigtspin: %s failed: %s: %s\n", what, vs_strerror(status), vs_mpi_last_error());
    return CLI_EXIT_FAIL;
}

int cli_mpi_stop(void)
{
    int mine = (int)cli_stop, sig = 0;
    MPI_Allreduce(&mine, &sig, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return sig;
}

int cli_mpi_sf_peak(const vs_mpi_sampler *s, int r, double k[3], double *smax)
{
    int first = 0, count = 0, owner = -1;
    if (vs_mpi_sampler_local_range(s, &first, &count) != VS_OK)
        return VS_EINVAL;
    int mine = r >= first && r < first + count ? cli_mpi_rank : -1;
    if (MPI_Allreduce(&mine, &owner, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS || owner < 0)
        return VS_EIO;
    double v[5] = {0}; /* status, S_peak, k1..k3 */
    if (owner == cli_mpi_rank) {
        const vs_sampler *loc = NULL;
        int st = vs_mpi_sampler_local(s, r, &loc);
        if (st == VS_OK)
            st = vs_sampler_structure_factor_peak(loc, 0, &v[2], &v[1]);
        v[0] = st;
        if (st != VS_OK)
            fprintf(stderr, "voigtspin: the structure factor failed: %s: %s\n", vs_strerror(st),
                    st == VS_EINVAL ? vs_mpi_last_error() : vs_last_error());
    }
    if (MPI_Bcast(v, 5, MPI_DOUBLE, owner, MPI_COMM_WORLD) != MPI_SUCCESS)
        return VS_EIO;
    if (v[0] != VS_OK)
        return (int)v[0];
    *smax = v[1];
    memcpy(k, &v[2], 3 * sizeof *k);
    return VS_OK;
}
#endif
