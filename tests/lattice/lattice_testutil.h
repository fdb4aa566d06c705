/* Helpers shared by the lattice tests (docs/lattice.md). */
#ifndef VS_LATTICE_TESTUTIL_H
#define VS_LATTICE_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

/* Random unit spins (ncomp components) for N sites. */
static inline double *lt_random_spins(uint64_t *rng, size_t N, int nc)
{
    double *s = malloc(N * (size_t)nc * sizeof *s);
    for (size_t m = 0; m < N; m++) {
        double r2 = 0.0;
        for (int a = 0; a < nc; a++) {
            s[m * nc + a] = tu_normal(rng);
            r2 += s[m * nc + a] * s[m * nc + a];
        }
        for (int a = 0; a < nc; a++)
            s[m * nc + a] /= sqrt(r2);
    }
    return s;
}

static inline vs_lattice_options *lt_options(double accuracy, double alpha, int boundary)
{
    vs_lattice_options *o = NULL;
    assert_int_equal(vs_lattice_options_create(&o), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ACCURACY, accuracy), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ALPHA, alpha), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_BOUNDARY, boundary), VS_OK);
    return o;
}

/* Largest |a_i - b_i| relative to the largest |b_i|. */
static inline double lt_maxrel(const double *a, const double *b, size_t n)
{
    double d = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(a[i] - b[i]));
        s = fmax(s, fabs(b[i]));
    }
    return s > 0.0 ? d / s : d;
}

/* A triclinic cell with three basis sites (the geometry Spirit once got wrong). */
static const double lt_tri_cell[9] = {1.0, 0.0, 0.0, 0.31, 1.13, 0.0, -0.22, 0.17, 0.93};
static const double lt_tri_frac[9] = {0.0, 0.0, 0.0, 0.52, 0.13, 0.31, 0.21, 0.64, 0.77};

#endif
