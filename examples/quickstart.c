/* From elastic constants to the spin model: the README's C example (built and run by meson test). */
#include <stdio.h>
#include <stdlib.h>
#include <libvoigtspin/voigtspin.h>

int main(void)
{
    vs_elastic *glass = NULL;    /* a salol-like glass: Poisson ratio 0.35, shear modulus 1 */
    vs_coupling *c = NULL;
    vs_meanfield *mf = NULL;
    vs_lattice *lat = NULL;
    double J[6], Tc, E;
    const int L[3] = {8, 8, 8};
    int st = vs_elastic_create_poisson_shear(0.35, 1.0, &glass);
    if (st == VS_OK) st = vs_coupling_create(glass, 1e-12, &c);       /* J~(k), <J~>, Eq. 20-22 */
    if (st == VS_OK) st = vs_coupling_average_eigen(c, J, NULL);      /* 5 x J_shear, then J_compr */
    if (st == VS_OK) st = vs_meanfield_create_from_coupling(c, 1.0, &mf);   /* E0 = g^2 a^3 = 1 */
    if (st == VS_OK) st = vs_meanfield_curie_temperature(mf, &Tc);    /* max J / 6, Eq. 25 */
    if (st == VS_OK) st = vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat);
    double *s = calloc(512 * 6, sizeof *s);                           /* 8^3 sites x 6 components */
    for (int m = 0; s && m < 512; m++) s[m * 6 + 1] = (m % 2) ? 1.0 : -1.0;  /* a shear pattern */
    if (st == VS_OK) st = s ? vs_lattice_energy(lat, s, &E) : VS_ENOMEM;     /* Ewald + FFT */
    if (st != VS_OK) fprintf(stderr, "%s: %s\n", vs_strerror(st), vs_last_error());
    else printf("J_compr/J_shear = %.4f  T_Curie = %.5f  E/N = %.6f\n", J[5] / J[0], Tc, E / 512);
    free(s); vs_lattice_free(lat); vs_meanfield_free(mf); vs_coupling_free(c); vs_elastic_free(glass);
    return st == VS_OK ? 0 : 1;
}
