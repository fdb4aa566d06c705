/* The Ewald table and the FFT evaluation (docs/lattice.md): α-independence, FFT = pair sum, the energy
 * identity, and the 3-component kernel W = k̂k̂ᵀ against the classic dipolar lattice sums. */
#include "lattice_testutil.h"

static vs_lattice *make_lattice(const double *cell, int nb, const double *frac, const int *L,
                                const vs_coupling *c, double accuracy, double alpha)
{
    vs_lattice_options *o = lt_options(accuracy, alpha, VS_LATTICE_PERIODIC);
    vs_lattice *lat = NULL;
    int st = vs_lattice_create(cell, nb, frac, L, c, 0, o, &lat);
    if (st != VS_OK)
        fail_msg("vs_lattice_create: %s", vs_last_error());
    vs_lattice_options_free(o);
    return lat;
}

static vs_coupling *dipolar(void)
{
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    return c;
}

static vs_coupling *isotropic_elastic(double K, double mu)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    assert_int_equal(vs_elastic_create_bulk_shear(K, mu, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-13, &c), VS_OK);
    vs_elastic_free(el);
    return c;
}

/* Fields for two very different α agree to round-off: the split is exact (docs/lattice.md). */
static void check_alpha_independence(const double *cell, int nb, const double *frac, const int *L,
                                     const vs_coupling *c)
{
    vs_lattice *a0 = make_lattice(cell, nb, frac, L, c, 1e-15, 0.0);
    double alpha = 0.0;
    assert_int_equal(vs_lattice_ewald_parameters(a0, &alpha, NULL, NULL), VS_OK);
    assert_true(alpha > 0.0);
    vs_lattice *a1 = make_lattice(cell, nb, frac, L, c, 1e-15, 0.6 * alpha);
    vs_lattice *a2 = make_lattice(cell, nb, frac, L, c, 1e-15, 1.7 * alpha);
    size_t N = vs_lattice_nsites(a1);
    int nc = vs_lattice_ncomp(a1);
    uint64_t rng = 11;
    double *s = lt_random_spins(&rng, N, nc);
    double *h1 = malloc(N * nc * sizeof *h1), *h2 = malloc(N * nc * sizeof *h2);
    assert_int_equal(vs_lattice_fields(a1, s, h1), VS_OK);
    assert_int_equal(vs_lattice_fields(a2, s, h2), VS_OK);
    double rel = lt_maxrel(h1, h2, N * nc);
    if (!(rel < 2e-12))
        fail_msg("fields differ between alpha = %g and %g: rel %.3g", 0.6 * alpha, 1.7 * alpha, rel);
    /* the table itself, including the self-image block T(0) */
    double T1[36], T2[36];
    for (size_t m = 0; m < N; m += 3) {
        assert_int_equal(vs_lattice_coupling(a1, m, 0, T1), VS_OK);
        assert_int_equal(vs_lattice_coupling(a2, m, 0, T2), VS_OK);
        for (int i = 0; i < nc * nc; i++)
            assert_close(T1[i], T2[i], 0.0, 2e-12);
    }
    free(s);
    free(h1);
    free(h2);
    vs_lattice_free(a0);
    vs_lattice_free(a1);
    vs_lattice_free(a2);
}

static void test_fields_independent_of_alpha_dipolar_triclinic(void **state)
{
    (void)state;
    vs_coupling *c = dipolar();
    int L[3] = {2, 3, 2};
    check_alpha_independence(lt_tri_cell, 3, lt_tri_frac, L, c);
    vs_coupling_free(c);
}

static void test_fields_independent_of_alpha_elastic_noncubic(void **state)
{
    (void)state;
    vs_coupling *c = isotropic_elastic(2.0, 0.7);
    int L[3] = {3, 2, 4};
    double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    double frac[3] = {0, 0, 0};
    check_alpha_independence(cell, 1, frac, L, c);
    vs_coupling_free(c);
}

/* FFT convolution = O(N²) pair sum over the same table, and E = −(E0/2) Σ s·h. */
static void test_fft_fields_equal_direct_pair_sum(void **state)
{
    (void)state;
    vs_coupling *c = isotropic_elastic(1.3, 0.9);
    int L[3] = {3, 4, 2};
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, 2.5), VS_OK);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 6, o, &lat), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    assert_int_equal(N, 72);
    uint64_t rng = 5;
    double *s = lt_random_spins(&rng, N, 6);
    double *h = malloc(N * 6 * sizeof *h), *hd = malloc(N * 6 * sizeof *hd);
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_fields_direct(lat, s, hd), VS_OK);
    assert_true(lt_maxrel(h, hd, N * 6) < 1e-13);
    double E, Ed, sh = 0.0;
    for (size_t i = 0; i < N * 6; i++)
        sh += s[i] * hd[i];
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
    assert_int_equal(vs_lattice_energy_direct(lat, s, &Ed), VS_OK);
    assert_close(E, -0.5 * 2.5 * sh, 1e-13, 0.0);
    assert_close(Ed, -0.5 * 2.5 * sh, 1e-13, 0.0);
    free(s);
    free(h);
    free(hd);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* Textbook Ewald sum of point dipoles with the tin-foil boundary, written independently here
 * (Gaussian units): E = E_real + E_recip + E_self with
 *   E_real  = ½ Σ_i Σ_j Σ'_n [(μi·μj) B(r) − (μi·r)(μj·r) C(r)],
 *   E_recip = (2π/V) Σ_{k≠0} e^{−k²/4β²}/k² |Σ_j (μj·k) e^{ik·rj}|²,
 *   E_self  = −(2β³/(3√π)) Σ μ². */
static double textbook_dipolar_tinfoil(const double *cell, size_t N, const double *r,
                                       const double *mu, double beta)
{
    double B[9], det = cell[0] * (cell[4] * cell[8] - cell[5] * cell[7]) -
                       cell[1] * (cell[3] * cell[8] - cell[5] * cell[6]) +
                       cell[2] * (cell[3] * cell[7] - cell[4] * cell[6]);
    for (int i = 0; i < 3; i++) {
        int j = (i + 1) % 3, k = (i + 2) % 3;
        B[3 * i + 0] = 2 * M_PI * (cell[3 * j + 1] * cell[3 * k + 2] - cell[3 * j + 2] * cell[3 * k + 1]) / det;
        B[3 * i + 1] = 2 * M_PI * (cell[3 * j + 2] * cell[3 * k + 0] - cell[3 * j + 0] * cell[3 * k + 2]) / det;
        B[3 * i + 2] = 2 * M_PI * (cell[3 * j + 0] * cell[3 * k + 1] - cell[3 * j + 1] * cell[3 * k + 0]) / det;
    }
    double V = fabs(det), E = 0.0;
    int nr = 6, nk = 12;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            for (int a = -nr; a <= nr; a++)
                for (int b = -nr; b <= nr; b++)
                    for (int c = -nr; c <= nr; c++) {
                        double x[3];
                        for (int d = 0; d < 3; d++)
                            x[d] = r[3 * i + d] - r[3 * j + d] + a * cell[d] + b * cell[3 + d] + c * cell[6 + d];
                        double rr = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
                        if (rr < 1e-12)
                            continue;
                        double g = 2 * beta / sqrt(M_PI) * exp(-beta * beta * rr * rr);
                        double Bf = erfc(beta * rr) / (rr * rr * rr) + g / (rr * rr);
                        double Cf = 3 * erfc(beta * rr) / pow(rr, 5) + g * (2 * beta * beta + 3 / (rr * rr)) / (rr * rr);
                        double mi_mj = 0, mi_r = 0, mj_r = 0;
                        for (int d = 0; d < 3; d++) {
                            mi_mj += mu[3 * i + d] * mu[3 * j + d];
                            mi_r += mu[3 * i + d] * x[d];
                            mj_r += mu[3 * j + d] * x[d];
                        }
                        E += 0.5 * (mi_mj * Bf - mi_r * mj_r * Cf);
                    }
    for (int a = -nk; a <= nk; a++)
        for (int b = -nk; b <= nk; b++)
            for (int c = -nk; c <= nk; c++) {
                if (a == 0 && b == 0 && c == 0)
                    continue;
                double k[3];
                for (int d = 0; d < 3; d++)
                    k[d] = a * B[d] + b * B[3 + d] + c * B[6 + d];
                double k2 = k[0] * k[0] + k[1] * k[1] + k[2] * k[2];
                double sr = 0, si = 0;
                for (size_t j = 0; j < N; j++) {
                    double mk = 0, kr = 0;
                    for (int d = 0; d < 3; d++) {
                        mk += mu[3 * j + d] * k[d];
                        kr += k[d] * r[3 * j + d];
                    }
                    sr += mk * cos(kr);
                    si += mk * sin(kr);
                }
                E += 2 * M_PI / V * exp(-k2 / (4 * beta * beta)) / k2 * (sr * sr + si * si);
            }
    for (size_t i = 0; i < 3 * N; i++)
        E -= 2 * beta * beta * beta / (3 * sqrt(M_PI)) * mu[i] * mu[i];
    return E;
}

/* W = k̂k̂ᵀ gives H = −(E0 v0/4π) × (point-dipole energy) (docs/coupling.md, App. B), and U = −I/3 turns
 * the sphere boundary into tin-foil: checked against the independent textbook Ewald sum above on
 * a triclinic cell with a 3-site basis and random dipoles. */
static void test_dipolar_tinfoil_matches_textbook_ewald(void **state)
{
    (void)state;
    vs_coupling *c = dipolar();
    int L[3] = {1, 2, 1};
    vs_lattice *lat = make_lattice(lt_tri_cell, 3, lt_tri_frac, L, c, 1e-14, 0.0);
    size_t N = vs_lattice_nsites(lat);
    double U[9] = {-1.0 / 3, 0, 0, 0, -1.0 / 3, 0, 0, 0, -1.0 / 3};
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    double v0, E;
    assert_int_equal(vs_lattice_site_volume(lat, &v0), VS_OK);
    uint64_t rng = 99;
    double *s = lt_random_spins(&rng, N, 3);
    double *r = malloc(N * 3 * sizeof *r);
    assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
    double super[9];
    for (int i = 0; i < 3; i++)
        for (int d = 0; d < 3; d++)
            super[3 * i + d] = L[i] * lt_tri_cell[3 * i + d];
    double Edd = textbook_dipolar_tinfoil(super, N, r, s, 3.2);
    assert_close(E, -v0 / (4 * M_PI) * Edd, 1e-10, 0.0);
    free(s);
    free(r);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* Luttinger & Tisza, Phys. Rev. 70, 954 (1946), Table: the sc array with dipoles along z in
 * ferromagnetic z-chains, neighbouring chains antiparallel, has E = C μ² n per dipole with
 * C = −2.676 (n = dipoles per volume); C = −2.676788684 to 10 digits as recomputed by the OpenMD
 * project (samples/Madelung/dipoles/README.txt). M = 0, so the value is shape independent.
 * Our H = −(E0 v0/4π) E_dd gives H/N = +2.676788684 E0/(4π). */
static void test_dipolar_sc_luttinger_tisza_energy(void **state)
{
    (void)state;
    vs_coupling *c = dipolar();
    int L[3] = {2, 2, 2};
    double cell[9] = {1.7, 0, 0, 0, 1.7, 0, 0, 0, 1.7}, frac[3] = {0, 0, 0};
    vs_lattice *lat = make_lattice(cell, 1, frac, L, c, 1e-14, 0.0);
    double s[8 * 3] = {0}, E;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 2; k++)
                s[3 * ((i * 2 + j) * 2 + k) + 2] = (i + j) % 2 ? -1.0 : 1.0;
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
    assert_close(E / 8, 2.676788684 / (4 * M_PI), 2e-9, 0.0);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* Lorentz: on a cubic lattice the sphere-boundary field of a uniform configuration vanishes, for
 * sc, bcc and fcc, every direction; with U = −I/3 (tin-foil) the energy per site is +E0/6
 * (E_tinfoil − E_sphere = −2πM²/3V for point dipoles, times −v0/4π). */
static void test_lorentz_uniform_field_vanishes_on_cubic_lattices(void **state)
{
    (void)state;
    vs_coupling *c = dipolar();
    int L[3] = {2, 3, 2};
    for (int kind = VS_LATTICE_SC; kind <= VS_LATTICE_FCC; kind++) {
        vs_lattice *lat = NULL;
        assert_int_equal(vs_lattice_create_cubic(kind, 1.3, L, c, 3, NULL, &lat), VS_OK);
        size_t N = vs_lattice_nsites(lat);
        double dir[3] = {0.3, -0.5, 0.81}, nrm = sqrt(0.09 + 0.25 + 0.81 * 0.81);
        double *s = malloc(N * 3 * sizeof *s), *h = malloc(N * 3 * sizeof *h), E;
        for (size_t m = 0; m < N; m++)
            for (int a = 0; a < 3; a++)
                s[3 * m + a] = dir[a] / nrm;
        assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
        for (size_t i = 0; i < 3 * N; i++)
            assert_close(h[i], 0.0, 0.0, 1e-11);
        double U[9] = {-1.0 / 3, 0, 0, 0, -1.0 / 3, 0, 0, 0, -1.0 / 3};
        assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
        assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
        assert_close(E / N, 1.0 / 6.0, 1e-11, 0.0);
        free(s);
        free(h);
        vs_lattice_free(lat);
    }
    vs_coupling_free(c);
}

/* The requested accuracy is met: every table entry computed at accuracy ε differs from the
 * ε = 1e-15 table by at most ε (and the error does shrink with ε). */
static void test_table_error_below_requested_accuracy(void **state)
{
    (void)state;
    vs_coupling *c[2] = {dipolar(), isotropic_elastic(1.7, 0.8)};
    int L[3] = {3, 2, 4};
    for (int k = 0; k < 2; k++) {
        vs_lattice *ref = make_lattice(lt_tri_cell, 3, lt_tri_frac, L, c[k], 1e-15, 0.0);
        size_t N = vs_lattice_nsites(ref);
        int nc = vs_lattice_ncomp(ref);
        double eps[3] = {1e-4, 1e-8, 1e-11}, prev = 1.0;
        for (int e = 0; e < 3; e++) {
            vs_lattice *lat = make_lattice(lt_tri_cell, 3, lt_tri_frac, L, c[k], eps[e], 0.0);
            double T0[36], T1[36], err = 0.0;
            for (size_t m = 0; m < N; m++)
                for (size_t n = 0; n < 3; n++) {
                    assert_int_equal(vs_lattice_coupling(ref, m, n, T0), VS_OK);
                    assert_int_equal(vs_lattice_coupling(lat, m, n, T1), VS_OK);
                    for (int i = 0; i < nc * nc; i++)
                        err = fmax(err, fabs(T0[i] - T1[i]));
                }
            if (!(err <= eps[e] && err < prev))
                fail_msg("kernel %d: accuracy %g gives table error %g", k, eps[e], err);
            prev = err;
            vs_lattice_free(lat);
        }
        vs_lattice_free(ref);
        vs_coupling_free(c[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_independent_of_alpha_dipolar_triclinic),
        cmocka_unit_test(test_fields_independent_of_alpha_elastic_noncubic),
        cmocka_unit_test(test_fft_fields_equal_direct_pair_sum),
        cmocka_unit_test(test_table_error_below_requested_accuracy),
        cmocka_unit_test(test_dipolar_tinfoil_matches_textbook_ewald),
        cmocka_unit_test(test_dipolar_sc_luttinger_tisza_energy),
        cmocka_unit_test(test_lorentz_uniform_field_vanishes_on_cubic_lattices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
