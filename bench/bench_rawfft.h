/* The raw FFTW transforms an evaluation needs (bench_lattice.c, bench_report.c): 6 forward r2c + 6
 * backward c2r of an L³ grid, either in the site-major layout of the spin array (stride 6: how the
 * library planned them up to 1.0) or on six separate contiguous planes (FFTW's fastest case, the
 * layout of the library's planes since 1.1), with FFTW's flop count of the pair of plans. */
#ifndef BENCH_RAWFFT_H
#define BENCH_RAWFFT_H

#include <math.h>
#include <stddef.h>

#include <fftw3.h>

typedef struct {
    double *x;
    fftw_complex *y;
    fftw_plan f, b;
    double flops; /* FFTW's count for f + b */
} rawfft;

static void raw_init(rawfft *r, int L, int sitemajor, unsigned flags)
{
    int n[3] = {L, L, L}, nr = L * L * L, nk = L * L * (L / 2 + 1);
    r->x = fftw_malloc(6 * (size_t)nr * sizeof *r->x);
    r->y = fftw_malloc(6 * (size_t)nk * sizeof *r->y);
    if (sitemajor) {
        r->f = fftw_plan_many_dft_r2c(3, n, 6, r->x, NULL, 6, 1, r->y, NULL, 6, 1, flags);
        r->b = fftw_plan_many_dft_c2r(3, n, 6, r->y, NULL, 6, 1, r->x, NULL, 6, 1, flags);
    } else {
        r->f = fftw_plan_many_dft_r2c(3, n, 6, r->x, NULL, 1, nr, r->y, NULL, 1, nk, flags);
        r->b = fftw_plan_many_dft_c2r(3, n, 6, r->y, NULL, 1, nk, r->x, NULL, 1, nr, flags);
    }
    double add, mul, fma, flops = 0.0;
    fftw_flops(r->f, &add, &mul, &fma);
    flops += add + mul + 2 * fma;
    fftw_flops(r->b, &add, &mul, &fma);
    flops += add + mul + 2 * fma;
    r->flops = flops;
    for (size_t i = 0; i < 6 * (size_t)nr; i++)
        r->x[i] = sin(0.001 * (double)i);
}

/* Both transforms once, timed by the caller's clock. */
static double raw_time(rawfft *r, double (*clock)(void))
{
    double t0 = clock();
    fftw_execute(r->f);
    fftw_execute(r->b);
    return clock() - t0;
}

static void raw_free(rawfft *r)
{
    fftw_destroy_plan(r->f);
    fftw_destroy_plan(r->b);
    fftw_free(r->x);
    fftw_free(r->y);
}

#endif
