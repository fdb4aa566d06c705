/* Small dense linear algebra on row-major matrices; eigen-decompositions through LAPACKE. */
#include <math.h>
#include <string.h>
#include <lapacke.h>

#include "common/internal.h"

/* LAPACKE_dsyev (the high-level wrapper) allocates its own work space and prints through
 * LAPACKE_xerbla when that fails or when the input holds NaN; the row-major _work variant allocates a
 * transposed copy. So: reject non-finite input here, call the column-major _work variant with work
 * space from vs__calloc (A is symmetric, so its row-major array is its column-major array), and
 * transpose the eigenvectors back. */
int vs__sym_eigen(int n, const double *A, double *w, double *V)
{
    size_t nn = (size_t)n * (size_t)n;
    for (size_t i = 0; i < nn; i++)
        if (!isfinite(A[i]))
            return vs__error(VS_ENUMERIC, "eigen-decomposition of a matrix with a non-finite entry");
    char jobz = V ? 'V' : 'N';
    double wq = 0.0;
    lapack_int info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, jobz, 'U', n, NULL, n, NULL, &wq, -1);
    lapack_int lwork = (info == 0 && wq >= 3.0 * n - 1.0 && wq < 1e9) ? (lapack_int)wq : 3 * n;
    if (lwork < 3 * n - 1)
        lwork = 3 * n - 1;
    int st = VS_OK;
    double *a = vs__calloc(nn, sizeof *a, &st);
    double *ww = vs__calloc((size_t)n, sizeof *ww, &st);
    double *work = vs__calloc((size_t)lwork, sizeof *work, &st);
    if (a == NULL || ww == NULL || work == NULL) {
        vs__free(a);
        vs__free(ww);
        vs__free(work);
        return vs__error(VS_ENOMEM, "out of memory in eigen-decomposition (n = %d)", n);
    }
    memcpy(a, A, nn * sizeof *a);
    info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, jobz, 'U', n, a, n, ww, work, lwork);
    vs__free(work);
    if (info != 0) {
        vs__free(a);
        vs__free(ww);
        return vs__error(VS_ENUMERIC, "LAPACK dsyev failed (info = %d)", (int)info);
    }
    if (w)
        memcpy(w, ww, (size_t)n * sizeof *w);
    if (V) /* column j of the column-major result is eigenvector j: V[i][j] = a[j*n + i] */
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                V[(size_t)i * n + j] = a[(size_t)j * n + i];
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

void vs__sym_apply(int n, const double *V, const double *w, double (*f)(double), double *F)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int p = 0; p < n; p++)
                s += V[i * n + p] * f(w[p]) * V[j * n + p];
            F[i * n + j] = s;
        }
}
