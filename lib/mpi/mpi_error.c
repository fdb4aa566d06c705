/*
 * Errors of the MPI add-on (mpi_internal.h). The add-on is its own shared library, so it keeps its
 * own thread-local message (vs_mpi_last_error()); a failure inside the core is copied from the core's
 * vs_last_error() with the add-on function's name in front. Collective calls agree on one status with
 * an MPI_Allreduce, so a failure on one rank is a failure on all (no rank waits forever in the next
 * collective), and every rank reports the message of the lowest failing rank.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mpi_internal.h"

#define MSG_LEN 512

static _Thread_local char last_msg[MSG_LEN];

VS_MPI_API const char *vs_mpi_last_error(void)
{
    return last_msg;
}

int vs__mpi_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_msg, sizeof last_msg, fmt, ap);
    va_end(ap);
    return code;
}

int vs__mpi_core_error(int st, const char *func)
{
    return vs__mpi_error(st, "%s: %s", func, vs_last_error());
}

int vs__mpi_call_error(int rc, const char *func, const char *what)
{
    char s[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, s, &len) != MPI_SUCCESS)
        snprintf(s, sizeof s, "MPI error %d", rc);
    return vs__mpi_error(VS_EIO, "%s: %s failed: %s", func, what, s);
}

int vs__mpi_agree(MPI_Comm comm, int st)
{
    int rank, size;
    if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &size) != MPI_SUCCESS)
        return vs__mpi_error(VS_EIO, "vs_mpi: the communicator is not usable");
    int mine = st != VS_OK ? rank : size, first;
    int rc = MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, "vs_mpi", "MPI_Allreduce (status agreement)");
    if (first == size)
        return VS_OK;
    /* the lowest failing rank sends its status and message to all */
    struct {
        int st;
        char msg[MSG_LEN];
    } m;
    memset(&m, 0, sizeof m);
    if (rank == first) {
        m.st = st;
        snprintf(m.msg, sizeof m.msg, "%s", last_msg);
    }
    rc = MPI_Bcast(&m, (int)sizeof m, MPI_BYTE, first, comm);
    if (rc != MPI_SUCCESS)
        return vs__mpi_call_error(rc, "vs_mpi", "MPI_Bcast (error message)");
    if (rank != first)
        vs__mpi_error(m.st, "rank %d: %s", first, m.msg);
    return m.st;
}

/* The C handle of a Fortran communicator, checked as far as the MPI allows: MPI_Comm_f2c of an
 * integer that is no communicator is undefined by the standard. Open MPI returns a null pointer (an
 * index outside its table, or a freed slot), which the next MPI call would reject through
 * MPI_COMM_WORLD's error handler — by default an abort of the whole job; a handle that does not
 * convert back to the same integer is refused too. Elsewhere only MPI_COMM_NULL is recognised. */
int vs__mpi_comm_from_fortran(MPI_Fint fcomm, MPI_Comm *out, const char *func)
{
    MPI_Comm c = MPI_Comm_f2c(fcomm);
#if defined(OPEN_MPI) && OPEN_MPI
    VS__MPI_RETURN_IF((void *)c == NULL || MPI_Comm_c2f(c) != fcomm, VS_EINVAL,
                      "%s: fcomm = %d is not a Fortran communicator handle of this MPI", func, (int)fcomm);
#endif
    VS__MPI_RETURN_IF(c == MPI_COMM_NULL, VS_EINVAL, "%s: fcomm = %d is MPI_COMM_NULL", func, (int)fcomm);
    *out = c;
    return VS_OK;
}
