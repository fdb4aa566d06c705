/*
 * The communicator check of module voigtspin_mpi (voigtspin_mpi.f90), in C because it needs MPI's C
 * handles and the module does not `use mpi`. vs_mpi_lattice_create_f converts its INTEGER with
 * MPI_Comm_f2c and nothing more, so an integer that is no communicator reaches MPI_Comm_dup, whose
 * error handler (MPI_COMM_WORLD's, MPI_ERRORS_ARE_FATAL by default) aborts the job; the module's
 * vs_mpi_lattice_create asks this function first. The test is the one of vs_mpi_sampler_create_f
 * (lib/mpi/mpi_sampler.c, comm_from_fortran): what MPI_Comm_f2c does with an integer that is no
 * handle is undefined by the standard; Open MPI returns a null pointer, or a handle that does not
 * convert back to the same integer. Not exported (libvoigtspin_mpi_f.map exports the module's
 * symbols only). Since 1.1.
 */
#include <mpi.h>

/* 0: a communicator; 1: no Fortran communicator handle of this MPI; 2: MPI_COMM_NULL. */
int voigtspin_mpi_f_comm_check(MPI_Fint fcomm);

int voigtspin_mpi_f_comm_check(MPI_Fint fcomm)
{
    MPI_Comm c = MPI_Comm_f2c(fcomm);
#if defined(OPEN_MPI) && OPEN_MPI
    if ((void *)c == NULL || MPI_Comm_c2f(c) != fcomm)
        return 1;
#endif
    return c == MPI_COMM_NULL ? 2 : 0;
}
