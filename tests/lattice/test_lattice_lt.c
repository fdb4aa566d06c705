/* Luttinger–Tisza and the Fourier coupling (docs/lattice.md) against independent references:
 * H(k) summed here from the real-space blocks of vs_lattice_coupling(), a brute-force Hermitian
 * eigen-scan over every grid point (LAPACK zheev on the complex matrix, not the library's real
 * embedding), energies of explicit real spin configurations from vs_lattice_energy() and
 * vs_lattice_energy_direct(), and the tabulated sc dipolar lattice sum of Luttinger & Tisza. */
#include <complex.h>
#include <float.h>

#include <lapacke.h>

#include "lattice_testutil.h"

/* Everything a test needs to know about one lattice. */
typedef struct {
    vs_lattice *lat;
    int L[3], nb, nc, m; /* m = nb·nc */
    double cell[9], e0;
} lt_case;

static lt_case make_case(const double *cell, int nb, const double *frac, const int *L,
                         const vs_coupling *c, double e0)
{
    lt_case t;
    vs_lattice_options *o = lt_options(1e-13, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, e0), VS_OK);
    t.lat = NULL;
    assert_int_equal(vs_lattice_create(cell, nb, frac, L, c, 0, o, &t.lat), VS_OK);
    vs_lattice_options_free(o);
    memcpy(t.L, L, sizeof t.L);
    memcpy(t.cell, cell, sizeof t.cell);
    t.nb = nb;
    t.nc = vs_lattice_ncomp(t.lat);
    t.m = t.nb * t.nc;
    t.e0 = e0;
    return t;
}

static size_t site(const lt_case *t, int i1, int i2, int i3, int b)
{
    return (((size_t)i1 * t->L[1] + i2) * t->L[2] + i3) * t->nb + b;
}

static size_t ncells(const lt_case *t)
{
    return (size_t)t->L[0] * t->L[1] * t->L[2];
}

/* Random symmetric matrix with entries of order `scale`, set as D (onsite) or U. */
static void random_symmetric(uint64_t *rng, int nc, double scale, double *X)
{
    for (int a = 0; a < nc; a++)
        for (int b = 0; b <= a; b++)
            X[a * nc + b] = X[b * nc + a] = scale * tu_normal(rng);
}

/* H(q) written out from the definition (lattice.h):
 * H_{bb'}(k) = Σ_R T(r_{R,b} − r_{0,b'}) e^{−ik·R} + δ_{bb'} D + δ_{k,0} U/nb, k·R = 2π Σ_j q_j i_j/L_j. */
static void direct_fourier(const lt_case *t, const int *q, const double *D, const double *U,
                           double complex *H)
{
    int m = t->m, nc = t->nc, nb = t->nb;
    double T[36];
    for (int i = 0; i < m * m; i++)
        H[i] = 0.0;
    for (int i1 = 0; i1 < t->L[0]; i1++)
        for (int i2 = 0; i2 < t->L[1]; i2++)
            for (int i3 = 0; i3 < t->L[2]; i3++) {
                double th = -2.0 * M_PI * ((double)q[0] * i1 / t->L[0] + (double)q[1] * i2 / t->L[1] +
                                           (double)q[2] * i3 / t->L[2]);
                double complex ph = cos(th) + sin(th) * _Complex_I;
                for (int b = 0; b < nb; b++)
                    for (int bp = 0; bp < nb; bp++) {
                        assert_int_equal(vs_lattice_coupling(t->lat, site(t, i1, i2, i3, b),
                                                             site(t, 0, 0, 0, bp), T),
                                         VS_OK);
                        for (int a = 0; a < nc; a++)
                            for (int ap = 0; ap < nc; ap++)
                                H[(b * nc + a) * m + bp * nc + ap] += T[a * nc + ap] * ph;
                    }
            }
    int zero = q[0] == 0 && q[1] == 0 && q[2] == 0;
    for (int b = 0; b < nb; b++)
        for (int bp = 0; bp < nb; bp++)
            for (int a = 0; a < nc; a++)
                for (int ap = 0; ap < nc; ap++) {
                    double x = (b == bp && D) ? D[a * nc + ap] : 0.0;
                    if (zero && U)
                        x += U[a * nc + ap] / nb;
                    H[(b * nc + a) * m + bp * nc + ap] += x;
                }
}

/* H(q) from the library as one complex matrix. */
static void library_fourier(const lt_case *t, const int *q, double complex *H)
{
    int mm = t->m * t->m;
    double *Hr = malloc((size_t)mm * sizeof *Hr), *Hi = malloc((size_t)mm * sizeof *Hi);
    assert_int_equal(vs_lattice_fourier(t->lat, q, Hr, Hi), VS_OK);
    for (int i = 0; i < mm; i++)
        H[i] = Hr[i] + Hi[i] * _Complex_I;
    free(Hr);
    free(Hi);
}

/* Eigenvalues (ascending) and, if V is not NULL, row-major eigenvectors (column j ↔ w[j]) of the
 * Hermitian m×m matrix H, by LAPACK's complex Hermitian solver. */
static void herm_eigen(int m, const double complex *H, double *w, double complex *V)
{
    double complex *a = malloc((size_t)m * m * sizeof *a);
    memcpy(a, H, (size_t)m * m * sizeof *a);
    assert_int_equal(LAPACKE_zheev(LAPACK_ROW_MAJOR, V ? 'V' : 'N', 'U', m, a, m, w), 0);
    if (V)
        memcpy(V, a, (size_t)m * m * sizeof *a);
    free(a);
}

/* Grid label of a Cartesian k returned by the library: q_j = L_j (k·a_j)/2π must be an integer. */
static void grid_label(const lt_case *t, const double *k, int *q)
{
    for (int j = 0; j < 3; j++) {
        double x = t->L[j] * (k[0] * t->cell[3 * j] + k[1] * t->cell[3 * j + 1] +
                              k[2] * t->cell[3 * j + 2]) / (2.0 * M_PI);
        q[j] = (int)lround(x);
        if (fabs(x - q[j]) > 1e-9)
            fail_msg("k·a_%d L_%d / 2π = %.12g is not a grid label", j + 1, j + 1, x);
        if (q[j] < 0 || q[j] >= t->L[j])
            fail_msg("grid label q_%d = %d outside [0, %d)", j + 1, q[j], t->L[j]);
    }
    if (q[2] > t->L[2] / 2)
        fail_msg("q_3 = %d > L_3/2 = %d", q[2], t->L[2] / 2);
}

/* The real configuration s_{R,b} = Re(v_b e^{ik·R}) of a mode (k·R = 2π Σ q_j i_j/L_j). */
static double *mode_configuration(const lt_case *t, const int *q, const double complex *v)
{
    double *s = malloc(ncells(t) * t->m * sizeof *s);
    for (int i1 = 0; i1 < t->L[0]; i1++)
        for (int i2 = 0; i2 < t->L[1]; i2++)
            for (int i3 = 0; i3 < t->L[2]; i3++) {
                double th = 2.0 * M_PI * ((double)q[0] * i1 / t->L[0] + (double)q[1] * i2 / t->L[1] +
                                          (double)q[2] * i3 / t->L[2]);
                double complex ph = cos(th) + sin(th) * _Complex_I;
                for (int b = 0; b < t->nb; b++)
                    for (int a = 0; a < t->nc; a++)
                        s[site(t, i1, i2, i3, b) * t->nc + a] = creal(v[b * t->nc + a] * ph);
            }
    return s;
}

/* v†Hv (real for Hermitian H). */
static double rayleigh(int m, const double complex *H, const double complex *v)
{
    double complex e = 0.0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++)
            e += conj(v[i]) * H[i * m + j] * v[j];
    assert_true(fabs(cimag(e)) <= 1e-12 * (1.0 + cabs(e)));
    return creal(e);
}

static int twice_is_zero(const lt_case *t, const int *q)
{
    return (2 * q[0]) % t->L[0] == 0 && (2 * q[1]) % t->L[1] == 0 && (2 * q[2]) % t->L[2] == 0;
}

/* The triclinic 3-site dipolar lattice on a non-cubic supercell, with D and U switched on. */
static lt_case triclinic_dipolar(const vs_coupling *c, double *D, double *U)
{
    int L[3] = {2, 3, 4};
    lt_case t = make_case(lt_tri_cell, 3, lt_tri_frac, L, c, 1.3);
    uint64_t rng = 5;
    random_symmetric(&rng, 3, 0.7, D);
    random_symmetric(&rng, 3, 0.9, U);
    assert_int_equal(vs_lattice_set_onsite(t.lat, D), VS_OK);
    assert_int_equal(vs_lattice_set_uniform(t.lat, U), VS_OK);
    return t;
}

/* vs_lattice_fourier() = H(q) summed here from the coupling blocks, at every grid point of a
 * non-cubic supercell (q3 = L3/2 and the conjugated half q3 > L3/2 included), with a basis (so
 * Im H ≠ 0), a non-zero D and U. */
static void test_fourier_equals_direct_sum_of_coupling_blocks(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    double D[9], U[9];
    lt_case t = triclinic_dipolar(c, D, U);
    int m = t.m, q[3];
    double complex *Hd = malloc((size_t)m * m * sizeof *Hd), *Hl = malloc((size_t)m * m * sizeof *Hl);
    double immax = 0.0;
    for (q[0] = 0; q[0] < t.L[0]; q[0]++)
        for (q[1] = 0; q[1] < t.L[1]; q[1]++)
            for (q[2] = 0; q[2] < t.L[2]; q[2]++) {
                direct_fourier(&t, q, D, U, Hd);
                library_fourier(&t, q, Hl);
                for (int i = 0; i < m * m; i++) {
                    if (!(cabs(Hl[i] - Hd[i]) <= 1e-12))
                        fail_msg("q = (%d,%d,%d), entry %d: library %.15g%+.15gi, direct %.15g%+.15gi",
                                 q[0], q[1], q[2], i, creal(Hl[i]), cimag(Hl[i]), creal(Hd[i]),
                                 cimag(Hd[i]));
                    if (q[2] > t.L[2] / 2)
                        immax = fmax(immax, fabs(cimag(Hd[i])));
                }
            }
    assert_true(immax > 0.05); /* the conjugated half really is complex */
    free(Hd);
    free(Hl);
    vs_lattice_free(t.lat);
    vs_coupling_free(c);
}

/* The energy of the real configuration s_{R,b} = Re(v_b e^{ik·R}) built from a complex v:
 * −(E0/4) N_cells v†H(k)v for general k, −(E0/2) N_cells (Re v)ᵀH(k)(Re v) when 2k ≡ 0
 * (lattice.h), by FFT and by the direct pair sum, with D and U on. */
static void test_mode_energy_matches_documented_formula(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    double D[9], U[9];
    lt_case t = triclinic_dipolar(c, D, U);
    int m = t.m;
    /* general k (incl. one stored conjugated, q3 = 3 > L3/2), 2k ≡ 0 with k ≠ 0, and k = 0 */
    int qs[6][3] = {{1, 1, 1}, {0, 2, 3}, {1, 2, 1}, {0, 1, 2}, {1, 0, 2}, {0, 0, 0}};
    uint64_t rng = 17;
    double complex *H = malloc((size_t)m * m * sizeof *H), *v = malloc((size_t)m * sizeof *v);
    double complex *vr = malloc((size_t)m * sizeof *vr);
    for (int n = 0; n < 6; n++) {
        const int *q = qs[n];
        for (int i = 0; i < m; i++) {
            v[i] = tu_normal(&rng) + tu_normal(&rng) * _Complex_I;
            vr[i] = creal(v[i]);
        }
        library_fourier(&t, q, H);
        double ref = twice_is_zero(&t, q) ? -0.5 * t.e0 * ncells(&t) * rayleigh(m, H, vr)
                                          : -0.25 * t.e0 * ncells(&t) * rayleigh(m, H, v);
        double *s = mode_configuration(&t, q, v), E, Ed;
        assert_int_equal(vs_lattice_energy(t.lat, s, &E), VS_OK);
        assert_int_equal(vs_lattice_energy_direct(t.lat, s, &Ed), VS_OK);
        assert_true(fabs(ref) > 1e-2);
        assert_close(E, ref, 1e-11, 1e-12);
        assert_close(Ed, ref, 1e-11, 1e-12);
        free(s);
    }
    free(H);
    free(v);
    free(vr);
    vs_lattice_free(t.lat);
    vs_coupling_free(c);
}

/* Brute-force scan of every grid point: extreme eigenvalues and the first grid point (scan order
 * q1, q2, q3 over the half grid q3 ≤ L3/2) reaching each. */
typedef struct {
    double lmin, lmax;       /* over all q */
    double lmax_off_half;    /* max over q3 ≠ L3/2 (L3 even) */
    int qmin[3], qmax[3];
} lt_scan_result;

static lt_scan_result brute_force_scan(const lt_case *t, const double *D, const double *U)
{
    int m = t->m, q[3];
    double complex *H = malloc((size_t)m * m * sizeof *H);
    double *w = malloc((size_t)m * sizeof *w);
    double *top = malloc(ncells(t) * sizeof *top), *bot = malloc(ncells(t) * sizeof *bot);
    lt_scan_result r = {DBL_MAX, -DBL_MAX, -DBL_MAX, {-1, -1, -1}, {-1, -1, -1}};
    size_t n = 0;
    for (q[0] = 0; q[0] < t->L[0]; q[0]++)
        for (q[1] = 0; q[1] < t->L[1]; q[1]++)
            for (q[2] = 0; q[2] < t->L[2]; q[2]++, n++) {
                direct_fourier(t, q, D, U, H);
                herm_eigen(m, H, w, NULL);
                top[n] = w[m - 1];
                bot[n] = w[0];
                r.lmax = fmax(r.lmax, w[m - 1]);
                r.lmin = fmin(r.lmin, w[0]);
                if (t->L[2] % 2 || 2 * q[2] != t->L[2])
                    r.lmax_off_half = fmax(r.lmax_off_half, w[m - 1]);
            }
    n = 0;
    for (q[0] = 0; q[0] < t->L[0]; q[0]++)
        for (q[1] = 0; q[1] < t->L[1]; q[1]++)
            for (q[2] = 0; q[2] < t->L[2]; q[2]++, n++) {
                if (q[2] > t->L[2] / 2)
                    continue;
                if (r.qmax[0] < 0 && top[n] >= r.lmax - 1e-10 * fabs(r.lmax))
                    memcpy(r.qmax, q, sizeof q);
                if (r.qmin[0] < 0 && bot[n] <= r.lmin + 1e-10 * fabs(r.lmin))
                    memcpy(r.qmin, q, sizeof q);
            }
    free(H);
    free(w);
    free(top);
    free(bot);
    return r;
}

/* λ_max, λ_min and their wave vectors from the library = the brute-force scan; returns it. */
static lt_scan_result check_against_scan(const lt_case *t, const double *D, const double *U)
{
    lt_scan_result r = brute_force_scan(t, D, U);
    double lmax, lmin, kmax[3], kmin[3], tc;
    int q[3];
    assert_int_equal(vs_lattice_luttinger_tisza(t->lat, &lmax, kmax, &tc), VS_OK);
    assert_int_equal(vs_lattice_luttinger_tisza_min(t->lat, &lmin, kmin), VS_OK);
    assert_close(lmax, r.lmax, 1e-12, 1e-13);
    assert_close(lmin, r.lmin, 1e-12, 1e-13);
    assert_close(tc, t->e0 * r.lmax / t->nc, 1e-12, 1e-13);
    grid_label(t, kmax, q);
    if (memcmp(q, r.qmax, sizeof q))
        fail_msg("λ_max at q = (%d,%d,%d), scan says (%d,%d,%d)", q[0], q[1], q[2], r.qmax[0],
                 r.qmax[1], r.qmax[2]);
    grid_label(t, kmin, q);
    if (memcmp(q, r.qmin, sizeof q))
        fail_msg("λ_min at q = (%d,%d,%d), scan says (%d,%d,%d)", q[0], q[1], q[2], r.qmin[0],
                 r.qmin[1], r.qmin[2]);
    return r;
}

/* The Luttinger–Tisza extremes = a brute-force scan of every grid point, on: fcc 2×2×2 dipolar
 * (its λ_max lies on the plane q3 = L3/2 only: 0.5754 against 0.5109 elsewhere), the triclinic
 * 3-site dipolar lattice with D and U on a non-cubic supercell, and a cubic-anisotropic elastic
 * kernel (6 components) on a triclinic Bravais lattice. */
static void test_luttinger_tisza_equals_brute_force_scan(void **state)
{
    (void)state;
    vs_coupling *dip = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&dip), VS_OK);

    const double fcc_cell[9] = {1.1, 0, 0, 0, 1.1, 0, 0, 0, 1.1};
    const double fcc_frac[12] = {0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0};
    int L2[3] = {2, 2, 2};
    lt_case fcc = make_case(fcc_cell, 4, fcc_frac, L2, dip, 1.0);
    lt_scan_result r = check_against_scan(&fcc, NULL, NULL);
    assert_close(r.lmax, 0.5754, 0.0, 1e-4);
    assert_close(r.lmax_off_half, 0.5109, 0.0, 1e-4);
    assert_int_equal(r.qmax[2], 1);
    vs_lattice_free(fcc.lat);

    double D[9], U[9];
    lt_case tri = triclinic_dipolar(dip, D, U);
    check_against_scan(&tri, D, U);
    vs_lattice_free(tri.lat);
    vs_coupling_free(dip);

    vs_elastic *el = NULL;
    vs_coupling *ec = NULL;
    assert_int_equal(vs_elastic_create_cubic(3.0, 1.4, 0.55, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-7, &ec), VS_OK);
    vs_elastic_free(el);
    int L[3] = {3, 2, 4};
    const double frac[3] = {0, 0, 0};
    lt_case ela = make_case(lt_tri_cell, 1, frac, L, ec, 0.8);
    double De[36];
    uint64_t rng = 3;
    random_symmetric(&rng, 6, 0.2, De);
    assert_int_equal(vs_lattice_set_onsite(ela.lat, De), VS_OK);
    r = check_against_scan(&ela, De, NULL);
    assert_true(r.qmax[0] || r.qmax[1] || r.qmax[2] || r.qmin[0] || r.qmin[1] || r.qmin[2]);
    vs_lattice_free(ela.lat);
    vs_coupling_free(ec);
}

/* The normalised eigenvector of H(q) for w[col], made real when 2k ≡ 0 (H(q) is then real
 * symmetric: divide by the phase of the largest component). */
static void mode_vector(const lt_case *t, const int *q, int col, double complex *v, double *lambda)
{
    int m = t->m;
    double complex *H = malloc((size_t)m * m * sizeof *H), *V = malloc((size_t)m * m * sizeof *V);
    double *w = malloc((size_t)m * sizeof *w);
    library_fourier(t, q, H);
    herm_eigen(m, H, w, V);
    *lambda = w[col];
    int big = 0;
    for (int i = 0; i < m; i++) {
        v[i] = V[i * m + col];
        if (cabs(v[i]) > cabs(v[big]))
            big = i;
    }
    if (twice_is_zero(t, q)) {
        double complex ph = conj(v[big]) / cabs(v[big]);
        for (int i = 0; i < m; i++) {
            v[i] *= ph;
            assert_true(fabs(cimag(v[i])) < 1e-10);
            v[i] = creal(v[i]);
        }
    }
    free(H);
    free(V);
    free(w);
}

/* E / Σ|s|² of a configuration, by FFT; the direct pair sum must agree. */
static double energy_per_norm(const lt_case *t, const double *s)
{
    size_t N = vs_lattice_nsites(t->lat);
    double E, Ed, n2 = 0.0;
    assert_int_equal(vs_lattice_energy(t->lat, s, &E), VS_OK);
    assert_int_equal(vs_lattice_energy_direct(t->lat, s, &Ed), VS_OK);
    assert_close(E, Ed, 1e-11, 1e-12);
    for (size_t i = 0; i < N * t->nc; i++)
        n2 += s[i] * s[i];
    return E / n2;
}

/* The Luttinger–Tisza bounds are attained: every configuration has
 * −(E0/2) λ_max ≤ E / Σ|s|² ≤ −(E0/2) λ_min, and the real modes built from the extreme eigenvectors
 * at the returned wave vectors reach both ends (the lowest energy of the quadratic form is
 * checked, not only bounded). Triclinic basis, D and U, non-cubic supercell. */
static void test_luttinger_tisza_bounds_are_attained(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    double D[9], U[9];
    lt_case t = triclinic_dipolar(c, D, U);
    int m = t.m, q[3];
    size_t N = vs_lattice_nsites(t.lat);
    double lmax, lmin, k[3], lam;
    double complex *v = malloc((size_t)m * sizeof *v);

    assert_int_equal(vs_lattice_luttinger_tisza(t.lat, &lmax, k, NULL), VS_OK);
    grid_label(&t, k, q);
    mode_vector(&t, q, m - 1, v, &lam);
    assert_close(lam, lmax, 1e-12, 1e-13);
    double *s = mode_configuration(&t, q, v);
    double emin = energy_per_norm(&t, s);
    assert_close(emin, -0.5 * t.e0 * lmax, 1e-11, 1e-13);
    free(s);

    assert_int_equal(vs_lattice_luttinger_tisza_min(t.lat, &lmin, k), VS_OK);
    grid_label(&t, k, q);
    mode_vector(&t, q, 0, v, &lam);
    assert_close(lam, lmin, 1e-12, 1e-13);
    s = mode_configuration(&t, q, v);
    double emax = energy_per_norm(&t, s);
    assert_close(emax, -0.5 * t.e0 * lmin, 1e-11, 1e-13);
    free(s);

    uint64_t rng = 12;
    for (int n = 0; n < 20; n++) {
        s = lt_random_spins(&rng, N, t.nc);
        double e = energy_per_norm(&t, s);
        assert_true(e >= emin - 1e-12 && e <= emax + 1e-12);
        free(s);
    }
    free(v);
    vs_lattice_free(t.lat);
    vs_coupling_free(c);
}

/* Luttinger & Tisza, Phys. Rev. 70, 954 (1946): the dipolar ground state of the simple cubic
 * lattice is the columnar antiferro array (ferromagnetic chains, neighbouring chains
 * antiparallel), E_dd = −2.676788684 μ²/a³ per dipole (10 digits: OpenMD's recomputation). With
 * H = −(v0/4π) E_dd (lattice.h) it is the LOWEST eigenvalue: λ_min = −2.676788684/(2π), at
 * k = (0, π, π)/a (first of the three cubic images in scan order) for L = 2, 4, 6 (H(k) on a
 * grid point is the infinite-lattice transform), and its mode has unit spins,
 * so the bound is the exact extreme of the unit-spin model: H/N = −(E0/2) λ_min. λ_max, the
 * ground state of H itself, is something else (positive). */
static void test_dipolar_sc_ground_state_is_lambda_min(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    const double a = 1.7, cell[9] = {a, 0, 0, 0, a, 0, 0, 0, a}, frac[3] = {0, 0, 0};
    for (int Ln = 2; Ln <= 6; Ln += 2) {
        int L[3] = {Ln, Ln, Ln}, q[3];
        lt_case t = make_case(cell, 1, frac, L, c, 2.5);
        double lmin, lmax, k[3], lam;
        assert_int_equal(vs_lattice_luttinger_tisza_min(t.lat, &lmin, k), VS_OK);
        assert_int_equal(vs_lattice_luttinger_tisza(t.lat, &lmax, NULL, NULL), VS_OK);
        assert_close(2.0 * M_PI * lmin, -2.676788684, 2e-10, 0.0);
        assert_true(lmax > 0.0);
        assert_close(k[0], 0.0, 0.0, 1e-12);
        assert_close(k[1], M_PI / a, 1e-14, 0.0);
        assert_close(k[2], M_PI / a, 1e-14, 0.0);
        grid_label(&t, k, q);
        double complex v[3];
        mode_vector(&t, q, 0, v, &lam);
        double *s = mode_configuration(&t, q, v);
        size_t N = vs_lattice_nsites(t.lat);
        for (size_t n = 0; n < N; n++) /* unit spins ±x̂ (after normalising |v| = 1) */
            assert_close(fabs(s[3 * n]), 1.0, 1e-12, 0.0);
        double E;
        assert_int_equal(vs_lattice_energy(t.lat, s, &E), VS_OK);
        assert_close(E / N, -0.5 * t.e0 * lmin, 1e-12, 0.0);
        assert_close(E / N, t.e0 * 2.676788684 / (4.0 * M_PI), 2e-10, 0.0);
        free(s);
        vs_lattice_free(t.lat);
    }
    vs_coupling_free(c);
}

/* Bad input of vs_lattice_luttinger_tisza_min() (and the overflow guards of the LT family):
 * NULL handle, open cluster, every output NULL, and D/U so large that H(k) overflows. Failed
 * calls leave the outputs alone. */
static void test_luttinger_tisza_min_bad_input(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    double lmin = 7.0, k[3] = {7.0, 7.0, 7.0};
    assert_int_equal(vs_lattice_luttinger_tisza_min(NULL, &lmin, k), VS_EINVAL);
    assert_true(strlen(vs_last_error()) > 0);

    int L[3] = {2, 2, 2}, q0[3] = {0, 0, 0};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_OPEN);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o, &lat), VS_OK);
    assert_int_equal(vs_lattice_luttinger_tisza_min(lat, &lmin, k), VS_EUNSUPPORTED);
    assert_non_null(strstr(vs_last_error(), "vs_lattice_luttinger_tisza_min"));
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    assert_true(lmin == 7.0 && k[0] == 7.0 && k[1] == 7.0 && k[2] == 7.0);

    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    assert_int_equal(vs_lattice_luttinger_tisza_min(lat, NULL, NULL), VS_OK);
    /* D = (DBL_MAX/2)·ones: finite H(k), but its largest eigenvalue 1.5 DBL_MAX overflows */
    const double x = 0.5 * DBL_MAX;
    double ones[9] = {x, x, x, x, x, x, x, x, x}, Hr[9], Hi[9], lmax = 7.0, tc = 7.0;
    assert_int_equal(vs_lattice_set_onsite(lat, ones), VS_OK);
    assert_int_equal(vs_lattice_luttinger_tisza_min(lat, &lmin, k), VS_ENUMERIC);
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, k, &tc), VS_ENUMERIC);
    assert_true(lmin == 7.0 && k[0] == 7.0 && lmax == 7.0 && tc == 7.0);
    /* D = U = DBL_MAX·I: if accepted, H(0) = T + D + U must not come back non-finite with VS_OK */
    double big[9] = {DBL_MAX, 0, 0, 0, DBL_MAX, 0, 0, 0, DBL_MAX};
    if (vs_lattice_set_onsite(lat, big) == VS_OK && vs_lattice_set_uniform(lat, big) == VS_OK) {
        int st = vs_lattice_fourier(lat, q0, Hr, Hi);
        if (st == VS_OK)
            for (int i = 0; i < 9; i++)
                assert_true(isfinite(Hr[i]) && isfinite(Hi[i]));
        else
            assert_int_equal(st, VS_ENUMERIC);
        st = vs_lattice_luttinger_tisza_min(lat, &lmin, k);
        assert_true(st == VS_ENUMERIC || (st == VS_OK && isfinite(lmin)));
    }
    vs_lattice_free(lat);

    /* finite λ_max ≈ DBL_MAX/2, but E0 λ_max / ncomp overflows: T_c is refused, λ_max alone is not */
    vs_lattice_options *o2 = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_options_set(o2, VS_LATTICE_OPT_ENERGY_SCALE, 1e10), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, o2, &lat), VS_OK);
    vs_lattice_options_free(o2);
    double diag[9] = {x, 0, 0, 0, x, 0, 0, 0, x};
    lmax = tc = 7.0;
    assert_int_equal(vs_lattice_set_onsite(lat, diag), VS_OK);
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, NULL, &tc), VS_ENUMERIC);
    assert_true(tc == 7.0 && lmax == 7.0);
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, NULL, NULL), VS_OK);
    assert_true(isfinite(lmax) && lmax > 1e307);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fourier_equals_direct_sum_of_coupling_blocks),
        cmocka_unit_test(test_mode_energy_matches_documented_formula),
        cmocka_unit_test(test_luttinger_tisza_equals_brute_force_scan),
        cmocka_unit_test(test_luttinger_tisza_bounds_are_attained),
        cmocka_unit_test(test_dipolar_sc_ground_state_is_lambda_min),
        cmocka_unit_test(test_luttinger_tisza_min_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
