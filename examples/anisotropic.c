/*
 * Worked example: an anisotropic (cubic) crystal, copper (Simmons & Wang 1971, GPa).
 * The coupling J~(k) is still a rank-3 projector, but its angular average is no longer
 * "1 compression + 5 degenerate shear" and its harmonic series does not stop at l = 4.
 */
#include <math.h>
#include <stdio.h>
#include <libvoigtspin/voigtspin.h>

int main(void)
{
    vs_elastic *cu = NULL;
    vs_coupling *c = NULL;
    vs_meanfield *mf = NULL;
    double w[6], err, tc, herr;
    int lmax;
    int st = vs_elastic_create_cubic(168.4, 121.4, 75.4, &cu);
    if (st == VS_OK)
        st = vs_coupling_create(cu, 1e-8, &c);          /* quadrature + harmonics to 1e-8 */
    if (st == VS_OK)
        st = vs_coupling_average(c, (double[36]){0}, &err);
    if (st == VS_OK)
        st = vs_coupling_average_eigen(c, w, NULL);
    if (st == VS_OK)
        st = vs_coupling_lmax(c, &lmax);
    if (st == VS_OK)
        st = vs_coupling_harmonics_error(c, &herr);
    if (st == VS_OK)
        st = vs_meanfield_create_from_coupling(c, 1.0, &mf);
    if (st == VS_OK)
        st = vs_meanfield_curie_temperature(mf, &tc);
    if (st != VS_OK) {
        fprintf(stderr, "%s: %s\n", vs_strerror(st), vs_last_error());
        return 1;
    }
    double sum = 0.0;
    printf("<J~> eigenvalues:");
    for (int a = 0; a < 6; a++) {
        printf(" %.6f", w[a]);
        sum += w[a];
    }
    printf("\nsum = %.12f (always 3), quadrature error %.1e, harmonics up to l = %d (error %.1e)\n", sum, err, lmax,
           herr);
    printf("mean-field T_Curie = %.6f E0\n", tc);
    vs_meanfield_free(mf);
    vs_coupling_free(c);
    vs_elastic_free(cu);
    return fabs(sum - 3.0) < 1e-7 ? 0 : 1;
}
