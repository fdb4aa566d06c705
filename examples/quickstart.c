/* From elastic constants to the spin model: the README's C example (built and run by meson test, which
 * fails if any number below disagrees with its closed form or independent check). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <libvoigtspin/voigtspin.h>

/* |got − want| ≤ tol·max(1, |want|), else a message; returns the number of mismatches (0 or 1). */
static int check(const char *what, double got, double want, double tol)
{
    if (fabs(got - want) <= tol * fmax(1.0, fabs(want)))
        return 0;
    fprintf(stderr, "quickstart: %s = %.17g, expected %.17g\n", what, got, want);
    return 1;
}

int main(void)
{
    vs_elastic *glass = NULL;    /* a salol-like glass: Poisson ratio 0.35, shear modulus 1 */
    vs_coupling *c = NULL;
    vs_meanfield *mf = NULL;
    vs_lattice *lat = NULL;
    double w[6], V[36], Tc = 0.0, E = 0.0, e0 = 0.0, H[36];
    double *s = NULL, *r = NULL;
    const int L[3] = {8, 8, 8}, N = 512, q[3] = {4, 0, 0};
    int st = vs_elastic_create_poisson_shear(0.35, 1.0, &glass);
    if (st == VS_OK) st = vs_coupling_create(glass, 1e-12, &c);       /* J~(k), <J~>, Eq. 20-22 */
    if (st == VS_OK) st = vs_coupling_average_eigen(c, w, V);         /* ascending eigenvalues */
    if (st == VS_OK) st = vs_meanfield_create_from_coupling(c, 1.0, &mf);   /* E0 = g^2 a^3 = 1 */
    if (st == VS_OK) st = vs_meanfield_curie_temperature(mf, &Tc);    /* max J / 6, Eq. 25 */
    if (st == VS_OK) st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat);
    if (st == VS_OK && ((s = calloc((size_t)N * 6, sizeof *s)) == NULL || (r = calloc((size_t)N * 3, sizeof *r)) == NULL))
        st = VS_ENOMEM;
    if (st == VS_OK) st = vs_lattice_positions(lat, r);
    for (int m = 0; st == VS_OK && m < N; m++)                        /* shear pattern along x: q = (pi/a, 0, 0) */
        s[m * 6 + 1] = ((long)lround(r[m * 3]) % 2) ? -1.0 : 1.0;
    if (st == VS_OK) st = vs_lattice_energy(lat, s, &E);              /* Ewald + FFT */
    if (st == VS_OK) st = vs_lattice_energy_scale(lat, &e0);
    if (st == VS_OK) st = vs_lattice_fourier(lat, q, H, NULL);        /* H(k) at k = (pi/a, 0, 0) */
    if (st != VS_OK) {
        fprintf(stderr, "%s: %s\n", vs_strerror(st), vs_last_error());
    } else {
        /* The eigenvalues ascend, so which one is J_compr depends on the material (J_compr > J_shear for
         * sigma > 0.2): take the one whose eigenvector lies along spin axis 0 (compression). */
        int ic = 0;
        for (int j = 1; j < 6; j++)
            if (fabs(V[j]) > fabs(V[ic]))
                ic = j;
        double jc = w[ic], js = w[ic == 0 ? 1 : 0];
        printf("J_compr/J_shear = %.4f  T_Curie = %.5f  E/N = %.6f\n", jc / js, Tc, E / N);
        /* Closed forms at sigma = 0.35, mu = 1: lambda = 7/3, K = 3, lambda + 2mu = 13/3 (App. B, Eq. 22):
         * J_compr = 9/13, J_shear = 6/13, ratio 3/2, J_compr + 5 J_shear = 3, T_Curie = J_compr/6 = 3/26.
         * The energy of the mode s = cos(k.r) e_1 at the zone boundary is -(E0/2) N H_11(k) (lattice.h). */
        int bad = check("J_compr", jc, 9.0 / 13.0, 1e-15) + check("J_shear", js, 6.0 / 13.0, 1e-15) +
                  check("J_compr/J_shear", jc / js, 1.5, 1e-15) +
                  check("eigenvalue sum", w[0] + w[1] + w[2] + w[3] + w[4] + w[5], 3.0, 1e-15) +
                  check("T_Curie", Tc, 3.0 / 26.0, 1e-15) + check("E/N", E / N, -0.5 * e0 * H[1 * 6 + 1], 1e-12);
        if (bad)
            st = VS_ENUMERIC;
    }
    free(r); free(s); vs_lattice_free(lat); vs_meanfield_free(mf); vs_coupling_free(c); vs_elastic_free(glass);
    return st == VS_OK ? 0 : 1;
}
