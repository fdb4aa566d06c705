/*
 * Peer comparison with LAMMPS (docs/performance.md): writes an sc lattice of random unit point dipoles as a
 * LAMMPS data file (atom_style hybrid sphere dipole, lj units) and prints this library's tin-foil dipolar energy
 * of the same configuration, with build and evaluation times. bench/lammps_peer.py runs LAMMPS on
 * the file and compares. Usage: lammps_export L datafile
 *
 * Timing: t_fields_energy is the MEDIAN wall time of vs_lattice_fields_energy (all N fields and the
 * energy; default options: one FFT thread, planner AUTO = ESTIMATE) over at least 15 evaluations
 * and about 0.3 s, after one warm-up; wall time like LAMMPS's "Loop time", so that the two compare
 * like with like (both single-threaded). t_build is the creation (table build + planning).
 *
 * Bridge (docs/coupling.md): W = k̂k̂ᵀ gives H = −(E0 v0/4π) E_dd with E_dd the ordinary point-dipole
 * energy; U = −I/3 turns the sphere boundary into tin-foil, LAMMPS's Ewald convention.
 */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s L datafile\n", argv[0]);
        return 2;
    }
    int L = atoi(argv[1]), LL[3] = {L, L, L};
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    vs_lattice_options *o = NULL;
    vs_lattice_options_create(&o);
    vs_lattice_options_set(o, VS_LATTICE_OPT_ACCURACY, 1e-12);
    double t0 = bench_now();
    if (vs_coupling_create_dipolar(&c) != VS_OK ||
        vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, c, 3, o, &lat) != VS_OK) {
        fprintf(stderr, "create: %s\n", vs_last_error());
        return 1;
    }
    double tbuild = bench_now() - t0;
    double U[9] = {-1.0 / 3, 0, 0, 0, -1.0 / 3, 0, 0, 0, -1.0 / 3};
    vs_lattice_set_uniform(lat, U);
    size_t N = vs_lattice_nsites(lat);
    double *s = malloc(N * 3 * sizeof *s), *r = malloc(N * 3 * sizeof *r), *h = malloc(N * 3 * sizeof *h);
    if (s == NULL || r == NULL || h == NULL)
        return 1;
    srand(12345);
    for (size_t m = 0; m < N; m++) {
        double v[3], n2;
        do {
            n2 = 0.0;
            for (int a = 0; a < 3; a++) {
                v[a] = 2.0 * rand() / RAND_MAX - 1.0;
                n2 += v[a] * v[a];
            }
        } while (n2 > 1.0 || n2 < 1e-4);
        for (int a = 0; a < 3; a++)
            s[3 * m + a] = v[a] / sqrt(n2);
    }
    vs_lattice_positions(lat, r);
    double E = 0.0;
    vs_lattice_fields_energy(lat, s, h, &E); /* warm-up */
    double t0e = bench_now();
    vs_lattice_fields_energy(lat, s, h, &E);
    double one = bench_now() - t0e;
    int reps = (int)(0.3 / (one > 1e-7 ? one : 1e-7));
    reps = reps < 15 ? 15 : reps > 20001 ? 20001 : reps;
    double *t = malloc((size_t)reps * sizeof *t);
    if (t == NULL)
        return 1;
    for (int rep = 0; rep < reps; rep++) {
        t0 = bench_now();
        vs_lattice_fields_energy(lat, s, h, &E);
        t[rep] = bench_now() - t0;
    }
    double best = 1e300;
    for (int rep = 0; rep < reps; rep++)
        best = t[rep] < best ? t[rep] : best;
    double med = bench_median(t, reps);
    free(t);
    FILE *f = fopen(argv[2], "w");
    if (!f)
        return 1;
    fprintf(f, "libvoigtspin sc lattice of unit dipoles, L = %d\n\n%zu atoms\n1 atom types\n\n", L, N);
    fprintf(f, "0 %d xlo xhi\n0 %d ylo yhi\n0 %d zlo zhi\n\nAtoms # hybrid\n\n", L, L, L);
    for (size_t m = 0; m < N; m++)
        fprintf(f, "%zu 1 %.17g %.17g %.17g 1.0 1.0 0.0 %.17g %.17g %.17g\n", m + 1, r[3 * m], r[3 * m + 1],
                r[3 * m + 2], s[3 * m], s[3 * m + 1], s[3 * m + 2]);
    fclose(f);
    double v0;
    vs_lattice_site_volume(lat, &v0);
    /* E_dd = −4π H / (E0 v0) */
    printf("N %zu\nE_dd_tinfoil %.15g\nt_build %.6e\nt_fields_energy %.6e\nt_fields_energy_best %.6e\n"
           "reps %d\naccuracy 1e-12\n",
           N, -4.0 * M_PI * E / v0, tbuild, med, best, reps);
    free(s);
    free(r);
    free(h);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
    return 0;
}
