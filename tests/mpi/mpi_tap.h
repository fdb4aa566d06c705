/* Collective TAP output of the MPI tests (tests/mpi/test_mpi_*.c): check() agrees a verdict over all
 * ranks of MPI_COMM_WORLD (logical and), counts it, and rank 0 prints one TAP line for it. Each test
 * sets rank and nranks after MPI_Init, prints "1..ntest" on rank 0 at the end and fails when nfail.
 * Header-only: each test is its own program. */
#ifndef VS_TESTS_MPI_TAP_H
#define VS_TESTS_MPI_TAP_H

#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>

static int rank, nranks, ntest, nfail;

/* One TAP line for a check agreed over all ranks. */
static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
    int all;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    ntest++;
    nfail += !all;
    if (rank == 0) {
        va_list ap;
        va_start(ap, fmt);
        printf("%s %d - ", all ? "ok" : "not ok", ntest);
        vprintf(fmt, ap);
        printf(" (%d ranks)\n", nranks);
        va_end(ap);
        fflush(stdout);
    }
}

#endif /* VS_TESTS_MPI_TAP_H */
