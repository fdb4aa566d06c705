/* Small dense linear algebra on row-major matrices; eigen-decompositions through LAPACKE. */
#include <string.h>
#include <lapacke.h>

#include "internal.h"

int vs__sym_eigen(int n, const double *A, double *w, double *V)
{
    int st = VS_OK;
    double *a = vs__calloc((size_t)n * (size_t)n, sizeof *a, &st);
    double *ww = vs__calloc((size_t)n, sizeof *ww, &st);
    if (a == NULL || ww == NULL) {
        vs__free(a);
        vs__free(ww);
        return vs__error(VS_ENOMEM, "out of memory in eigen-decomposition (n = %d)", n);
    }
    memcpy(a, A, (size_t)n * (size_t)n * sizeof *a);
    lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, V ? 'V' : 'N', 'U', n, a, n, ww);
    if (info != 0) {
        vs__free(a);
        vs__free(ww);
        return vs__error(VS_ENUMERIC, "LAPACKE_dsyev failed (info = %d)", (int)info);
    }
    if (w)
        memcpy(w, ww, (size_t)n * sizeof *w);
    if (V)
        memcpy(V, a, (size_t)n * (size_t)n * sizeof *V);
    vs__free(a);
    vs__free(ww);
    return VS_OK;
}

void vs__matmul(int n, int k, int m, const double *A, const double *B, double *C)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int p = 0; p < k; p++)
                s += A[i * k + p] * B[p * m + j];
            C[i * m + j] = s;
        }
}

void vs__matmul_tn(int n, int k, int m, const double *A, const double *B, double *C)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int p = 0; p < k; p++)
                s += A[p * n + i] * B[p * m + j];
            C[i * m + j] = s;
        }
}

void vs__matvec(int n, int m, const double *A, const double *x, double *y)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < m; j++)
            s += A[i * m + j] * x[j];
        y[i] = s;
    }
}

int vs__sym_apply(int n, const double *A, double (*f)(double), double *F)
{
    double w[64], V[64 * 64];
    if (n <= 0 || n > 64)
        return vs__error(VS_EINVAL, "vs__sym_apply: n = %d out of range", n);
    int st = vs__sym_eigen(n, A, w, V);
    if (st != VS_OK)
        return st;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int p = 0; p < n; p++)
                s += V[i * n + p] * f(w[p]) * V[j * n + p];
            F[i * n + j] = s;
        }
    return VS_OK;
}
