/*
 * The error messages of libvoigtspin_mpi (issue 15, promise fixes), run by mpiexec on 1 and 2 ranks
 * (suite 'mpi'). Rank 0 prints TAP; each check is agreed over all ranks (logical AND).
 *
 * The promises (include/libvoigtspin/common.h, include/mpi/libvoigtspin/mpi.h): vs_last_error() is the
 * message of the last *failed* core call — a successful call, and a vs_mpi_* failure that is not a
 * core failure, leave it alone; vs_mpi_last_error() is the message of the last failed vs_mpi_* call
 * and names its cause; a successful call does not change it. A Fortran communicator handle that is no
 * communicator is refused with VS_EINVAL (never an abort of the job).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libvoigtspin/mpi.h>
#include <libvoigtspin/voigtspin.h>

#include "mpi_tap.h"

static vs_lattice *small_lattice(void)
{
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    int Ls[3] = {2, 2, 2};
    if (vs_coupling_create_dipolar(&c) != VS_OK ||
        vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Ls, c, 0, NULL, &lat) != VS_OK)
        lat = NULL;
    vs_coupling_free(c);
    return lat;
}

/* A core failure of our own, so that vs_last_error() holds a known message; returns a copy. */
static void core_failure(char *msg, size_t n)
{
    vs_sampler *s = NULL;
    const double T[1] = {1.0};
    vs_sampler_create(NULL, 1, T, 1, NULL, &s);
    snprintf(msg, n, "%s", vs_last_error());
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    vs_lattice *lat = small_lattice();
    const double T[4] = {0.4, 0.7, 1.1, 1.8};
    char core_msg[512], mpi_msg[512];
    core_failure(core_msg, sizeof core_msg);
    check(lat != NULL && core_msg[0] != '\0', "setup: a lattice and a core failure message \"%s\"", core_msg);

    /* 1. the option keys the add-on copies are all the core's keys (mpi_sampler.c, LAST_OPTION_KEY) */
    double lo, hi;
    int known = 1;
    for (int key = 1; key <= VS_SAMPLER_OPT_CLOCK_NEAR; key++)
        known &= vs_sampler_option_bounds(key, &lo, &hi) == VS_OK;
    check(known && vs_sampler_option_bounds(VS_SAMPLER_OPT_CLOCK_NEAR + 1, &lo, &hi) == VS_EINVAL,
          "the sampler option keys are 1 .. VS_SAMPLER_OPT_CLOCK_NEAR (raise LAST_OPTION_KEY of "
          "lib/mpi/mpi_sampler.c with a new key)");
    core_failure(core_msg, sizeof core_msg);

    /* 2. a successful create with options leaves the core message alone */
    vs_sampler_options *opt = NULL;
    vs_sampler_options_create(&opt);
    vs_sampler_options_set(opt, VS_SAMPLER_OPT_MOVE, VS_SAMPLER_METROPOLIS);
    vs_mpi_sampler *mp = NULL;
    int st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, 4, T, 7, opt, &mp);
    check(st == VS_OK && strcmp(vs_last_error(), core_msg) == 0,
          "a successful vs_mpi_sampler_create leaves vs_last_error() as it was (now \"%s\")",
          vs_last_error());
    vs_mpi_sampler_free(mp);
    mp = NULL;

    /* 3. a failure of the add-on's own checks: its message in vs_mpi_last_error(), core untouched */
    vs_sampler_options_set(opt, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_CLOCK);
    st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, 4, T, 7, opt, &mp);
    snprintf(mpi_msg, sizeof mpi_msg, "%s", vs_mpi_last_error());
    check(st == VS_EINVAL && mp == NULL && strstr(mpi_msg, "VS_SAMPLER_OPT_CLOCK_NEAR") != NULL,
          "the clock kind without a near set: VS_EINVAL, vs_mpi_last_error() names the option (\"%s\")",
          mpi_msg);
    check(strcmp(vs_last_error(), core_msg) == 0,
          "that add-on failure leaves vs_last_error() as it was (now \"%s\")", vs_last_error());

    /* 4. a later success changes neither message */
    vs_sampler_options_set(opt, VS_SAMPLER_OPT_CLOCK_NEAR, 2);
    st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, 4, T, 7, opt, &mp);
    check(st == VS_OK && strcmp(vs_mpi_last_error(), mpi_msg) == 0 && strcmp(vs_last_error(), core_msg) == 0,
          "a later successful create keeps both messages (\"%s\" / \"%s\")", vs_mpi_last_error(),
          vs_last_error());
    vs_mpi_sampler_free(mp);
    mp = NULL;

    /* 5. the message names the argument */
    double Tbad[4] = {0.4, 0.7, 1.1, 1.8};
    st = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, 4, Tbad, 7, opt, NULL);
    check(st == VS_EINVAL && strstr(vs_mpi_last_error(), "out is NULL") != NULL,
          "out NULL: VS_EINVAL, \"%s\"", vs_mpi_last_error());

    /* 6. Fortran communicator handles (vs_mpi_sampler_create_f) */
    mp = (vs_mpi_sampler *)&st; /* must become NULL */
    st = vs_mpi_sampler_create_f(-12345, lat, 4, T, 7, NULL, &mp);
    check(st == VS_EINVAL && mp == NULL && strstr(vs_mpi_last_error(), "fcomm = -12345") != NULL,
          "create_f with fcomm = -12345: VS_EINVAL, no abort (\"%s\")", vs_mpi_last_error());
    st = vs_mpi_sampler_create_f((int)MPI_Comm_c2f(MPI_COMM_NULL), lat, 4, T, 7, NULL, &mp);
    check(st == VS_EINVAL && mp == NULL && strstr(vs_mpi_last_error(), "MPI_COMM_NULL") != NULL,
          "create_f with MPI_COMM_NULL's integer: VS_EINVAL (\"%s\")", vs_mpi_last_error());
    MPI_Comm dup;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    int freed = (int)MPI_Comm_c2f(dup);
    MPI_Comm_free(&dup);
    st = vs_mpi_sampler_create_f(freed, lat, 4, T, 7, NULL, &mp);
    check(st == VS_EINVAL && mp == NULL,
          "create_f with the integer of a freed communicator: VS_EINVAL (\"%s\")", vs_mpi_last_error());
    st = vs_mpi_sampler_create_f((int)MPI_Comm_c2f(MPI_COMM_WORLD), lat, 4, T, 7, NULL, &mp);
    double Ef = 0, Ec = 0;
    vs_mpi_sampler *mc = NULL;
    int stc = vs_mpi_sampler_create(MPI_COMM_WORLD, lat, 4, T, 7, NULL, &mc);
    if (st == VS_OK && stc == VS_OK && vs_mpi_sampler_sweep(mp, 5) == VS_OK &&
        vs_mpi_sampler_sweep(mc, 5) == VS_OK)
        st = vs_mpi_sampler_energy(mp, 3, &Ef) | vs_mpi_sampler_energy(mc, 3, &Ec);
    else
        st = st != VS_OK ? st : VS_EINVAL;
    check(
        st == VS_OK && memcmp(&Ef, &Ec, sizeof Ef) == 0,
        "create_f with MPI_COMM_WORLD's integer runs the chain of create(MPI_COMM_WORLD) (E_3 %.17g, %.17g)",
        Ef, Ec);
    vs_mpi_sampler_free(mp);
    vs_mpi_sampler_free(mc);

    vs_sampler_options_free(opt);
    vs_lattice_free(lat);
    if (rank == 0)
        printf("1..%d\n", ntest);
    MPI_Finalize();
    return nfail != 0;
}
