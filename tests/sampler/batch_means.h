/* Batch means with their standard error, for the sampler tests that compare Monte Carlo averages
 * with exact values (test_sampler_exact.c, test_sampler_clock.c). The includer defines NBATCH, the
 * number of batches (chosen with the run length so that a batch spans many τ_int). */
#ifndef VS_TEST_BATCH_MEANS_H
#define VS_TEST_BATCH_MEANS_H

#include <math.h>

#ifndef NBATCH
#error "define NBATCH before including batch_means.h"
#endif

typedef struct bm {
    double mean, err;
} bm;

/* Batch means of x[0..n) (NBATCH batches). */
static bm batch_means(const double *x, long n)
{
    long nb = n / NBATCH;
    double b[NBATCH], s = 0.0, ss = 0.0;
    for (int k = 0; k < NBATCH; k++) {
        b[k] = 0.0;
        for (long i = 0; i < nb; i++)
            b[k] += x[k * nb + i];
        b[k] /= (double)nb;
        s += b[k];
    }
    s /= NBATCH;
    for (int k = 0; k < NBATCH; k++)
        ss += (b[k] - s) * (b[k] - s);
    bm r = {s, sqrt(ss / (NBATCH - 1) / NBATCH)};
    return r;
}

#endif
