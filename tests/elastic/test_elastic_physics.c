/* Physics of the elastic-tensor handle (docs/elastic.md, paper Eqs. 9–13 and App. A), each property
 * checked against a closed form or an independent computation written here in the test. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <libvoigtspin/voigtspin.h>

/* Voigt index of (i, j), written out again here so the test does not reuse the library's table. */
static int vidx(int i, int j)
{
    if (i == j)
        return i;
    return 6 - i - j; /* (1,2)→3, (0,2)→4, (0,1)→5 */
}

/* Mandel factor of Voigt component a. */
static double fm(int a)
{
    return a < 3 ? 1.0 : sqrt(2.0);
}

static vs_elastic *make_lame(double lambda, double mu)
{
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_lame(lambda, mu, &el), VS_OK);
    assert_non_null(el);
    return el;
}

static vs_elastic *make_voigt(const double *C)
{
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_voigt(C, &el), VS_OK);
    assert_non_null(el);
    return el;
}

/* Λ_ijkl from a Voigt C, independently of the library. */
static void tensor_from_voigt(const double *C, double *L)
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++)
                    L[((i * 3 + j) * 3 + k) * 3 + l] = C[vidx(i, j) * 6 + vidx(k, l)];
}

/* u_ij Λ_ijkl u_kl straight from the 81-component tensor (Eq. 10). */
static double energy(const double *L, const double *u)
{
    double e = 0.0;
    for (int ij = 0; ij < 9; ij++)
        for (int kl = 0; kl < 9; kl++)
            e += u[ij] * L[ij * 9 + kl] * u[kl];
    return e;
}

static void random_strain(uint64_t *s, double *u)
{
    for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++)
            u[i * 3 + j] = u[j * 3 + i] = tu_normal(s);
}

static double maxabs(const double *a, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(a[i]));
    return m;
}

/* Entry-wise |A − B| ≤ rtol × max|B| (a matrix-norm tolerance: zero entries are compared on the
 * scale of the whole matrix, not on their own). */
static void assert_all_close(const double *A, const double *B, int n, double rtol)
{
    double scale = maxabs(B, n);
    for (int i = 0; i < n; i++)
        assert_close(A[i], B[i], 0.0, rtol * scale);
}

static void matmul(int n, const double *A, const double *B, double *C)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int p = 0; p < n; p++)
                s += A[i * n + p] * B[p * n + j];
            C[i * n + j] = s;
        }
}

static void identity(int n, double *I)
{
    memset(I, 0, (size_t)(n * n) * sizeof *I);
    for (int i = 0; i < n; i++)
        I[i * n + i] = 1.0;
}

/* Gauss–Jordan inverse with partial pivoting (6×6): an independent route to the compliance. */
static void invert6(const double *A, double *X)
{
    double a[6][12];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 12; j++)
            a[i][j] = j < 6 ? A[i * 6 + j] : (j - 6 == i ? 1.0 : 0.0);
    for (int c = 0; c < 6; c++) {
        int p = c;
        for (int r = c + 1; r < 6; r++)
            if (fabs(a[r][c]) > fabs(a[p][c]))
                p = r;
        for (int j = 0; j < 12; j++) {
            double t = a[c][j];
            a[c][j] = a[p][j];
            a[p][j] = t;
        }
        double d = a[c][c];
        for (int j = 0; j < 12; j++)
            a[c][j] /= d;
        for (int r = 0; r < 6; r++)
            if (r != c) {
                double f = a[r][c];
                for (int j = 0; j < 12; j++)
                    a[r][j] -= f * a[c][j];
            }
    }
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            X[i * 6 + j] = a[i][j + 6];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The Mandel matrix of an isotropic Λ has eigenvalue 3K once and 2μ five times (text after Eq. A2);
 * the decomposition reconstructs M with orthonormal eigenvectors. Covers 3K > 2μ, 3K < 2μ (σ < 0)
 * and the fully degenerate 3K = 2μ (σ = 0). */
static void test_elastic_isotropic_mandel_eigenvalues_are_3K_and_2mu(void **state)
{
    (void)state;
    const double Kmu[][2] = {{3.0, 1.0}, {0.5, 2.0}, {1.0, 1.5}, {160.0, 26.0}};
    for (size_t c = 0; c < sizeof Kmu / sizeof Kmu[0]; c++) {
        double K = Kmu[c][0], mu = Kmu[c][1];
        vs_elastic *el = NULL;
        assert_int_equal(vs_elastic_create_bulk_shear(K, mu, &el), VS_OK);
        double w[6], V[36], M[36], expect[6] = {3.0 * K, 2.0 * mu, 2.0 * mu, 2.0 * mu, 2.0 * mu, 2.0 * mu};
        qsort(expect, 6, sizeof expect[0], cmp_double);
        assert_int_equal(vs_elastic_mandel_eigen(el, w, V), VS_OK);
        assert_int_equal(vs_elastic_mandel(el, M), VS_OK);
        for (int i = 0; i < 6; i++)
            assert_close(w[i], expect[i], 1e-13, 0.0);
        /* M V = V diag(w), Vᵀ V = I */
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) {
                double mv = 0.0, vtv = 0.0;
                for (int p = 0; p < 6; p++) {
                    mv += M[i * 6 + p] * V[p * 6 + j];
                    vtv += V[p * 6 + i] * V[p * 6 + j];
                }
                assert_close(mv, V[i * 6 + j] * w[j], 0.0, 1e-13 * 3.0 * (K + mu));
                assert_close(vtv, i == j ? 1.0 : 0.0, 0.0, 1e-13);
            }
        /* Only w or only V is allowed too. */
        double w2[6];
        assert_int_equal(vs_elastic_mandel_eigen(el, w2, NULL), VS_OK);
        assert_memory_equal(w2, w, sizeof w);
        double V2[36];
        assert_int_equal(vs_elastic_mandel_eigen(el, NULL, V2), VS_OK);
        assert_memory_equal(V2, V, sizeof V);
        vs_elastic_free(el);
    }
}

/* The spin basis Q of docs/elastic.md is orthogonal, has the stated columns, and diagonalises every
 * isotropic Mandel matrix to diag(3K, 2μ, …, 2μ) independently of K/μ (App. A). */
static void test_spin_basis_diagonalises_isotropic_mandel(void **state)
{
    (void)state;
    double Q[36], Qref[36] = {0};
    const double r3 = 1.0 / sqrt(3.0), r2 = 1.0 / sqrt(2.0), r6 = 1.0 / sqrt(6.0);
    const double q1[6] = {r3, r3, r3, 0, 0, 0}, q2[6] = {r2, -r2, 0, 0, 0, 0}, q3[6] = {r6, r6, -2 * r6, 0, 0, 0};
    for (int a = 0; a < 6; a++) {
        Qref[a * 6 + 0] = q1[a];
        Qref[a * 6 + 1] = q2[a];
        Qref[a * 6 + 2] = q3[a];
    }
    Qref[3 * 6 + 3] = Qref[4 * 6 + 4] = Qref[5 * 6 + 5] = 1.0;
    assert_int_equal(vs_spin_basis(Q), VS_OK);
    assert_all_close(Q, Qref, 36, 1e-15);

    const double lm[][2] = {{1.0, 1.0}, {-0.5, 2.0}, {40.0, 0.1}};
    for (size_t c = 0; c < sizeof lm / sizeof lm[0]; c++) {
        double lambda = lm[c][0], mu = lm[c][1], K = lambda + 2.0 * mu / 3.0;
        vs_elastic *el = make_lame(lambda, mu);
        double M[36];
        assert_int_equal(vs_elastic_mandel(el, M), VS_OK);
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++) {
                double qmq = 0.0, qq = 0.0;
                for (int p = 0; p < 6; p++) {
                    qq += Q[p * 6 + a] * Q[p * 6 + b];
                    for (int r = 0; r < 6; r++)
                        qmq += Q[p * 6 + a] * M[p * 6 + r] * Q[r * 6 + b];
                }
                double expect = a != b ? 0.0 : (a == 0 ? 3.0 * K : 2.0 * mu);
                assert_close(qmq, expect, 0.0, 1e-14 * (3.0 * K + 2.0 * mu));
                assert_close(qq, a == b ? 1.0 : 0.0, 0.0, 1e-15);
            }
        vs_elastic_free(el);
    }
}

/* g·g = d_ij Λ_ijkl d_kl (Eq. 10) for random strains, with isotropic and random anisotropic Λ; the
 * energy is summed here from the 81-component tensor built independently from C. */
static void test_spin_norm_equals_strain_energy(void **state)
{
    (void)state;
    uint64_t s = 12345;
    for (int c = 0; c < 6; c++) {
        double C[36], L[81], Lh[81];
        if (c == 0)
            tu_isotropic_voigt(1.3, 0.7, C);
        else
            tu_random_stiffness(&s, 0.5, C);
        vs_elastic *el = make_voigt(C);
        tensor_from_voigt(C, L);
        assert_int_equal(vs_elastic_tensor(el, Lh), VS_OK);
        assert_all_close(Lh, L, 81, 1e-15);
        for (int r = 0; r < 20; r++) {
            double u[9], g[6];
            random_strain(&s, u);
            assert_int_equal(vs_elastic_strain_to_spin(el, u, g), VS_OK);
            double g2 = 0.0;
            for (int a = 0; a < 6; a++)
                g2 += g[a] * g[a];
            assert_close(g2, energy(L, u), 1e-12, 0.0);
        }
        vs_elastic_free(el);
    }
}

/* Component by component, the spin vector of an isotropic Λ is Eq. A3. */
static void test_spin_components_match_eq_A3(void **state)
{
    (void)state;
    uint64_t s = 777;
    const double K = 2.5, mu = 0.8;
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_bulk_shear(K, mu, &el), VS_OK);
    for (int r = 0; r < 20; r++) {
        double d[9], g[6];
        random_strain(&s, d);
        assert_int_equal(vs_elastic_strain_to_spin(el, d, g), VS_OK);
        const double d11 = d[0], d22 = d[4], d33 = d[8], d23 = d[5], d31 = d[6], d12 = d[1];
        const double a3[6] = {sqrt(K) * (d11 + d22 + d33), sqrt(mu) * (d11 - d22),
                              sqrt(mu / 3.0) * (d11 + d22 - 2.0 * d33), 2.0 * sqrt(mu) * d23,
                              2.0 * sqrt(mu) * d31, 2.0 * sqrt(mu) * d12};
        for (int a = 0; a < 6; a++)
            assert_close(g[a], a3[a], 0.0, 1e-13 * maxabs(a3, 6));
    }
    vs_elastic_free(el);
}

/* Every isotropic route (Lamé, K–μ, E–σ, σ–μ, c_l/c_t, cubic with C11 − C12 = 2 C44, full Voigt) gives
 * the same tensor, is reported isotropic, and returns the closed-form moduli. λ = 2, μ = 3/2 give
 * K = 3, E = 9Kμ/(3K+μ) = 27/7, σ = λ/(2(λ+μ)) = 2/7, c_l/c_t = √((λ+2μ)/μ) = √(10/3). */
static void test_isotropic_constructors_agree(void **state)
{
    (void)state;
    const double lambda = 2.0, mu = 1.5, K = 3.0, E = 27.0 / 7.0, sigma = 2.0 / 7.0, ratio = sqrt(10.0 / 3.0);
    const double expect[6] = {K, mu, lambda, E, sigma, ratio};
    double Cref[36];
    tu_isotropic_voigt(lambda, mu, Cref);
    vs_elastic *h[7] = {NULL};
    assert_int_equal(vs_elastic_create_lame(lambda, mu, &h[0]), VS_OK);
    assert_int_equal(vs_elastic_create_bulk_shear(K, mu, &h[1]), VS_OK);
    assert_int_equal(vs_elastic_create_young_poisson(E, sigma, &h[2]), VS_OK);
    assert_int_equal(vs_elastic_create_poisson_shear(sigma, mu, &h[3]), VS_OK);
    assert_int_equal(vs_elastic_create_sound_ratio(ratio, mu, &h[4]), VS_OK);
    assert_int_equal(vs_elastic_create_cubic(lambda + 2.0 * mu, lambda, mu, &h[5]), VS_OK);
    assert_int_equal(vs_elastic_create_voigt(Cref, &h[6]), VS_OK);
    for (int c = 0; c < 7; c++) {
        double C[36], m[6];
        vs_symmetry sym = VS_ELASTIC_GENERAL;
        assert_int_equal(vs_elastic_voigt(h[c], C), VS_OK);
        assert_all_close(C, Cref, 36, 1e-14);
        assert_int_equal(vs_elastic_symmetry(h[c], &sym), VS_OK);
        assert_int_equal(sym, VS_ELASTIC_ISOTROPIC);
        assert_int_equal(vs_elastic_moduli(h[c], VS_AVERAGE_EXACT, m), VS_OK);
        for (int i = 0; i < 6; i++)
            assert_close(m[i], expect[i], 1e-14, 0.0);
        vs_elastic_free(h[c]);
    }
}

/* Voigt → handle → Voigt is exact for a symmetric input; the Mandel matrix is F C F; rebuilding from
 * the returned C gives a bit-identical handle; and eᵀ C e (engineering strain) = tᵀ M t = u Λ u. */
static void test_voigt_mandel_round_trip(void **state)
{
    (void)state;
    uint64_t s = 4242;
    for (int c = 0; c < 5; c++) {
        double C[36], C2[36], M[36], Mref[36], M3[36], L[81];
        tu_random_stiffness(&s, 1.0, C);
        vs_elastic *el = make_voigt(C);
        assert_int_equal(vs_elastic_voigt(el, C2), VS_OK);
        assert_memory_equal(C2, C, sizeof C);
        assert_int_equal(vs_elastic_mandel(el, M), VS_OK);
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++)
                Mref[a * 6 + b] = fm(a) * C[a * 6 + b] * fm(b);
        assert_all_close(M, Mref, 36, 1e-15);
        vs_elastic *el2 = make_voigt(C2);
        assert_int_equal(vs_elastic_mandel(el2, M3), VS_OK);
        assert_memory_equal(M3, M, sizeof M);
        vs_symmetry sym = VS_ELASTIC_ISOTROPIC;
        assert_int_equal(vs_elastic_symmetry(el, &sym), VS_OK);
        assert_int_equal(sym, VS_ELASTIC_GENERAL);

        tensor_from_voigt(C, L);
        for (int r = 0; r < 5; r++) {
            double u[9], t[6], e[6];
            random_strain(&s, u);
            assert_int_equal(vs_strain_to_mandel(u, t), VS_OK);
            const double eng[6] = {u[0], u[4], u[8], 2.0 * u[5], 2.0 * u[6], 2.0 * u[1]};
            memcpy(e, eng, sizeof e);
            double eCe = 0.0, tMt = 0.0;
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++) {
                    eCe += e[a] * C[a * 6 + b] * e[b];
                    tMt += t[a] * M[a * 6 + b] * t[b];
                }
            assert_close(eCe, energy(L, u), 1e-12, 0.0);
            assert_close(tMt, energy(L, u), 1e-12, 0.0);
        }
        vs_elastic_free(el);
        vs_elastic_free(el2);
    }

    /* A matrix asymmetric only at round-off level is accepted and symmetrised exactly. */
    double C[36], Cs[36];
    tu_random_stiffness(&s, 1.0, C);
    C[1] *= 1.0 + 1e-15;
    vs_elastic *el = make_voigt(C);
    assert_int_equal(vs_elastic_voigt(el, Cs), VS_OK);
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            assert_true(Cs[a * 6 + b] == Cs[b * 6 + a]);
    vs_elastic_free(el);
}

/* M^{1/2} M^{1/2} = M, M^{1/2} M^{-1/2} = I, both symmetric; for isotropic Λ M^{1/2} equals the
 * closed form √(3K) q1 q1ᵀ + √(2μ)(I − q1 q1ᵀ). */
static void test_mandel_sqrt_squares_to_mandel(void **state)
{
    (void)state;
    uint64_t s = 99;
    for (int c = 0; c < 5; c++) {
        double C[36], M[36], S[36], Si[36], SS[36], SSi[36], I[36];
        if (c == 0)
            tu_isotropic_voigt(0.4, 1.1, C);
        else
            tu_random_stiffness(&s, 0.3, C);
        vs_elastic *el = make_voigt(C);
        assert_int_equal(vs_elastic_mandel(el, M), VS_OK);
        assert_int_equal(vs_elastic_mandel_sqrt(el, S), VS_OK);
        assert_int_equal(vs_elastic_mandel_invsqrt(el, Si), VS_OK);
        matmul(6, S, S, SS);
        matmul(6, S, Si, SSi);
        identity(6, I);
        assert_all_close(SS, M, 36, 1e-13);
        assert_all_close(SSi, I, 36, 1e-12);
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++) {
                assert_close(S[a * 6 + b], S[b * 6 + a], 0.0, 1e-14 * maxabs(S, 36));
                assert_close(Si[a * 6 + b], Si[b * 6 + a], 0.0, 1e-14 * maxabs(Si, 36));
            }
        if (c == 0) {
            double K = 0.4 + 2.0 * 1.1 / 3.0, mu = 1.1, Sref[36];
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++) {
                    double p = (a < 3 && b < 3) ? 1.0 / 3.0 : 0.0; /* q1 q1ᵀ */
                    Sref[a * 6 + b] = sqrt(3.0 * K) * p + sqrt(2.0 * mu) * ((a == b ? 1.0 : 0.0) - p);
                }
            assert_all_close(S, Sref, 36, 1e-14);
        }
        vs_elastic_free(el);
    }
}

/* For an isotropic tensor the Voigt, Reuss and Hill averages all return its own moduli, whether it was
 * created isotropic or as a general 6×6 matrix (which the handle then detects as isotropic). */
static void test_hill_average_of_isotropic_returns_it(void **state)
{
    (void)state;
    const double lambda = 0.9, mu = 0.35, K = lambda + 2.0 * mu / 3.0;
    const double expect[6] = {K, mu, lambda, 9.0 * K * mu / (3.0 * K + mu), lambda / (2.0 * (lambda + mu)),
                              sqrt((lambda + 2.0 * mu) / mu)};
    double C[36];
    tu_isotropic_voigt(lambda, mu, C);
    vs_elastic *h[2] = {make_lame(lambda, mu), make_voigt(C)};
    const vs_average avg[4] = {VS_AVERAGE_EXACT, VS_AVERAGE_VOIGT, VS_AVERAGE_REUSS, VS_AVERAGE_HILL};
    for (int c = 0; c < 2; c++) {
        for (int a = 0; a < 4; a++) {
            double m[6];
            assert_int_equal(vs_elastic_moduli(h[c], avg[a], m), VS_OK);
            for (int i = 0; i < 6; i++)
                assert_close(m[i], expect[i], 1e-13, 0.0);
        }
        vs_elastic_free(h[c]);
    }
}

/* Hill's bounds for random anisotropic tensors: K_R ≤ K_H ≤ K_V and G_R ≤ G_H ≤ G_V, Hill is the mean,
 * and Voigt / Reuss equal the formulas evaluated here on C and on an independently inverted S = C⁻¹. */
static void test_reuss_le_hill_le_voigt(void **state)
{
    (void)state;
    uint64_t s = 2024;
    for (int c = 0; c < 10; c++) {
        double C[36], S[36], v[6], r[6], h[6];
        tu_random_stiffness(&s, 0.2, C);
        vs_elastic *el = make_voigt(C);
        assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_VOIGT, v), VS_OK);
        assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_REUSS, r), VS_OK);
        assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_HILL, h), VS_OK);
        invert6(C, S);
        double KV = (C[0] + C[7] + C[14] + 2.0 * (C[1] + C[2] + C[8])) / 9.0;
        double GV = (C[0] + C[7] + C[14] - (C[1] + C[2] + C[8]) + 3.0 * (C[21] + C[28] + C[35])) / 15.0;
        double KR = 1.0 / (S[0] + S[7] + S[14] + 2.0 * (S[1] + S[2] + S[8]));
        double GR = 15.0 / (4.0 * (S[0] + S[7] + S[14]) - 4.0 * (S[1] + S[2] + S[8]) + 3.0 * (S[21] + S[28] + S[35]));
        assert_close(v[0], KV, 1e-13, 0.0);
        assert_close(v[1], GV, 1e-13, 0.0);
        assert_close(r[0], KR, 1e-11, 0.0);
        assert_close(r[1], GR, 1e-11, 0.0);
        assert_close(h[0], 0.5 * (KV + KR), 1e-11, 0.0);
        assert_close(h[1], 0.5 * (GV + GR), 1e-11, 0.0);
        assert_true(r[0] <= h[0] && h[0] <= v[0]);
        assert_true(r[1] <= h[1] && h[1] <= v[1]);
        /* derived entries follow from (K, μ) of the same average */
        assert_close(h[2], h[0] - 2.0 * h[1] / 3.0, 1e-13, 1e-13 * h[0]);
        assert_close(h[3], 9.0 * h[0] * h[1] / (3.0 * h[0] + h[1]), 1e-13, 0.0);
        assert_close(h[4], (3.0 * h[0] - 2.0 * h[1]) / (2.0 * (3.0 * h[0] + h[1])), 1e-13, 1e-15);
        assert_close(h[5], sqrt((h[0] + 4.0 * h[1] / 3.0) / h[1]), 1e-13, 0.0);
        vs_elastic_free(el);
    }
}

/* Copper, C11 = 168.4, C12 = 121.4, C44 = 75.4 GPa (Simmons & Wang, "Single Crystal Elastic Constants",
 * MIT Press 1971; also Kittel, Introduction to Solid State Physics, Table 3 of ch. 3). Cubic closed forms:
 * K_V = K_R = (C11 + 2C12)/3, G_V = (C11 − C12 + 3C44)/5, G_R = 5(C11 − C12)C44/(4C44 + 3(C11 − C12)).
 * With ρ = 8.96 g/cm³ the Hill sound speeds (km/s) are within 3% of the handbook values for
 * polycrystalline annealed copper, c_l = 4.76 and c_t = 2.325 km/s (CRC Handbook, "Speed of sound in
 * various media"). */
static void test_known_material_copper_vrh(void **state)
{
    (void)state;
    const double C11 = 168.4, C12 = 121.4, C44 = 75.4, rho = 8.96;
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_cubic(C11, C12, C44, &el), VS_OK);
    vs_symmetry sym = VS_ELASTIC_GENERAL;
    assert_int_equal(vs_elastic_symmetry(el, &sym), VS_OK);
    assert_int_equal(sym, VS_ELASTIC_CUBIC);
    const double K = (C11 + 2.0 * C12) / 3.0;
    const double GV = (C11 - C12 + 3.0 * C44) / 5.0;
    const double GR = 5.0 * (C11 - C12) * C44 / (4.0 * C44 + 3.0 * (C11 - C12));
    double v[6], r[6], h[6], c[2];
    assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_VOIGT, v), VS_OK);
    assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_REUSS, r), VS_OK);
    assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_HILL, h), VS_OK);
    assert_close(v[0], K, 1e-14, 0.0);
    assert_close(r[0], K, 1e-12, 0.0);
    assert_close(v[1], GV, 1e-14, 0.0);
    assert_close(r[1], GR, 1e-12, 0.0);
    assert_close(h[1], 0.5 * (GV + GR), 1e-12, 0.0);
    assert_int_equal(vs_elastic_sound_speeds(el, rho, c), VS_OK);
    assert_close(c[0], sqrt((h[0] + 4.0 * h[1] / 3.0) / rho), 1e-14, 0.0);
    assert_close(c[1], sqrt(h[1] / rho), 1e-14, 0.0);
    assert_close(c[0], 4.76, 0.03, 0.0);
    assert_close(c[1], 2.325, 0.03, 0.0);
    double m[6];
    assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_EXACT, m), VS_ENONPHYS);
    vs_elastic_free(el);
}

/* Isotropic Christoffel matrix: Γ = μ I + (λ+μ) k̂k̂ᵀ; k̂ need not be normalised (any positive scale,
 * including 1e±200, gives the same matrix); Γk̂ = (λ+2μ)k̂ = ρc_l² k̂ and Γp = μp = ρc_t² p for p ⊥ k̂. */
static void test_christoffel_isotropic_closed_form(void **state)
{
    (void)state;
    uint64_t s = 31;
    const double lambda = 1.7, mu = 0.6, rho = 2.5;
    vs_elastic *el = make_lame(lambda, mu);
    double speeds[2];
    assert_int_equal(vs_elastic_sound_speeds(el, rho, speeds), VS_OK);
    assert_close(speeds[0], sqrt((lambda + 2.0 * mu) / rho), 1e-15, 0.0);
    assert_close(speeds[1], sqrt(mu / rho), 1e-15, 0.0);
    const double scales[] = {1.0, 7.3, 1e200, 1e-200};
    for (int r = 0; r < 11; r++) {
        double k[3];
        if (r < 10) {
            tu_direction(&s, k);
        } else { /* (3, 0, 4) × the smallest subnormal: exact, and |k|² underflows to 0 */
            k[0] = 0.6;
            k[1] = 0.0;
            k[2] = 0.8;
        }
        for (size_t sc = 0; sc < sizeof scales / sizeof scales[0]; sc++) {
            double ks[3] = {k[0] * scales[sc], k[1] * scales[sc], k[2] * scales[sc]}, G[9];
            if (r == 10) {
                ks[0] = 3.0 * DBL_TRUE_MIN;
                ks[1] = 0.0;
                ks[2] = 4.0 * DBL_TRUE_MIN;
            }
            assert_int_equal(vs_elastic_christoffel(el, ks, G), VS_OK);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    assert_close(G[i * 3 + j], (i == j ? mu : 0.0) + (lambda + mu) * k[i] * k[j], 0.0, 1e-14);
            double Gk[3] = {0}, p[3] = {k[1], -k[0], 0.0}, Gp[3] = {0};
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) {
                    Gk[i] += G[i * 3 + j] * k[j];
                    Gp[i] += G[i * 3 + j] * p[j];
                }
            for (int i = 0; i < 3; i++) {
                assert_close(Gk[i], rho * speeds[0] * speeds[0] * k[i], 0.0, 1e-14);
                assert_close(Gp[i], rho * speeds[1] * speeds[1] * p[i], 0.0, 1e-14);
            }
        }
    }
    vs_elastic_free(el);
}

/* Γ(k̂) = D M Dᵀ with D the 3×6 map (D t)_i = ε_ij k̂_j of docs/coupling.md, built here column by column from
 * the Mandel unit strains, for random anisotropic tensors. */
static void test_christoffel_equals_D_M_Dt(void **state)
{
    (void)state;
    uint64_t s = 5150;
    for (int c = 0; c < 5; c++) {
        double C[36], M[36];
        tu_random_stiffness(&s, 0.5, C);
        vs_elastic *el = make_voigt(C);
        assert_int_equal(vs_elastic_mandel(el, M), VS_OK);
        for (int r = 0; r < 5; r++) {
            double k[3], G[9], D[18] = {0};
            tu_direction(&s, k);
            for (int a = 0; a < 6; a++) {
                double eps[3][3] = {{0}};
                if (a < 3) {
                    eps[a][a] = 1.0;
                } else {
                    const int pair[3][2] = {{1, 2}, {2, 0}, {0, 1}};
                    int i = pair[a - 3][0], j = pair[a - 3][1];
                    eps[i][j] = eps[j][i] = 1.0 / sqrt(2.0);
                }
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        D[i * 6 + a] += eps[i][j] * k[j];
            }
            assert_int_equal(vs_elastic_christoffel(el, k, G), VS_OK);
            double ref[9];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) {
                    double v = 0.0;
                    for (int a = 0; a < 6; a++)
                        for (int b = 0; b < 6; b++)
                            v += D[i * 6 + a] * M[a * 6 + b] * D[j * 6 + b];
                    ref[i * 3 + j] = v;
                }
            assert_all_close(G, ref, 9, 1e-13);
        }
        vs_elastic_free(el);
    }
}

/* strain → Mandel follows Eq. A1 component by component; strain → spin → strain and spin → strain →
 * spin are identities (isotropic and anisotropic). */
static void test_strain_spin_round_trip(void **state)
{
    (void)state;
    uint64_t s = 8080;
    for (int c = 0; c < 4; c++) {
        double C[36];
        if (c == 0)
            tu_isotropic_voigt(3.0, 0.2, C);
        else
            tu_random_stiffness(&s, 0.5, C);
        vs_elastic *el = make_voigt(C);
        for (int r = 0; r < 10; r++) {
            double u[9], t[6], u2[9], g[6], u3[9], g2[6], g3[6], u4[9];
            random_strain(&s, u);
            assert_int_equal(vs_strain_to_mandel(u, t), VS_OK);
            const double a1[6] = {u[0], u[4], u[8], sqrt(2.0) * u[5], sqrt(2.0) * u[6], sqrt(2.0) * u[1]};
            assert_all_close(t, a1, 6, 1e-15);
            assert_int_equal(vs_mandel_to_strain(t, u2), VS_OK);
            assert_all_close(u2, u, 9, 1e-15);
            assert_int_equal(vs_elastic_strain_to_spin(el, u, g), VS_OK);
            assert_int_equal(vs_elastic_spin_to_strain(el, g, u3), VS_OK);
            assert_all_close(u3, u, 9, 1e-13);
            for (int a = 0; a < 6; a++)
                g2[a] = tu_normal(&s);
            assert_int_equal(vs_elastic_spin_to_strain(el, g2, u4), VS_OK);
            assert_int_equal(vs_elastic_strain_to_spin(el, u4, g3), VS_OK);
            assert_all_close(g3, g2, 6, 1e-13);
        }
        vs_elastic_free(el);
    }
}

/* Rotate Λ: Λ'_ijkl = R_ia R_jb R_kc R_ld Λ_abcd. */
static void rotate_tensor(const double *R, const double *L, double *Lr)
{
    double T1[81], T2[81];
    /* apply R index by index to keep it O(3^5) per step */
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 3; c++)
                for (int d = 0; d < 3; d++) {
                    double v = 0.0;
                    for (int a = 0; a < 3; a++)
                        v += R[i * 3 + a] * L[((a * 3 + b) * 3 + c) * 3 + d];
                    T1[((i * 3 + b) * 3 + c) * 3 + d] = v;
                }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int c = 0; c < 3; c++)
                for (int d = 0; d < 3; d++) {
                    double v = 0.0;
                    for (int b = 0; b < 3; b++)
                        v += R[j * 3 + b] * T1[((i * 3 + b) * 3 + c) * 3 + d];
                    T2[((i * 3 + j) * 3 + c) * 3 + d] = v;
                }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int d = 0; d < 3; d++) {
                    double v = 0.0;
                    for (int c = 0; c < 3; c++)
                        v += R[k * 3 + c] * T2[((i * 3 + j) * 3 + c) * 3 + d];
                    T1[((i * 3 + j) * 3 + k) * 3 + d] = v;
                }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++) {
                    double v = 0.0;
                    for (int d = 0; d < 3; d++)
                        v += R[l * 3 + d] * T1[((i * 3 + j) * 3 + k) * 3 + d];
                    Lr[((i * 3 + j) * 3 + k) * 3 + l] = v;
                }
}

static void rot_z(double angle, double *R)
{
    const double c = cos(angle), s = sin(angle);
    const double r[9] = {c, -s, 0, s, c, 0, 0, 0, 1};
    memcpy(R, r, sizeof r);
}

static double max_diff(const double *a, const double *b, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* The cubic and hexagonal helpers equal hand-built Voigt matrices; the hexagonal tensor is invariant
 * under any rotation about the c-axis (transverse isotropy); the cubic one under 90° about z and about
 * x but, being anisotropic, not under 45° about z. Magnesium-like hexagonal constants (GPa). */
static void test_hexagonal_and_cubic_constructors(void **state)
{
    (void)state;
    const double C11 = 59.4, C12 = 25.6, C13 = 21.4, C33 = 61.6, C44 = 16.4;
    const double H[36] = {C11, C12, C13, 0, 0, 0,   C12, C11, C13, 0, 0, 0,   C13, C13, C33, 0, 0, 0,
                          0, 0, 0, C44, 0, 0,       0, 0, 0, 0, C44, 0,       0, 0, 0, 0, 0, (C11 - C12) / 2};
    vs_elastic *hex = NULL, *hexv = make_voigt(H);
    assert_int_equal(vs_elastic_create_hexagonal(C11, C12, C13, C33, C44, &hex), VS_OK);
    double C[36], L[81], Lr[81], R[9], M1[36], M2[36];
    assert_int_equal(vs_elastic_voigt(hex, C), VS_OK);
    assert_memory_equal(C, H, sizeof C);
    assert_int_equal(vs_elastic_mandel(hex, M1), VS_OK);
    assert_int_equal(vs_elastic_mandel(hexv, M2), VS_OK);
    assert_memory_equal(M1, M2, sizeof M1);
    vs_symmetry sym = VS_ELASTIC_ISOTROPIC;
    assert_int_equal(vs_elastic_symmetry(hex, &sym), VS_OK);
    assert_int_equal(sym, VS_ELASTIC_HEXAGONAL);
    assert_int_equal(vs_elastic_tensor(hex, L), VS_OK);
    const double angles[] = {0.3, 1.0, 2.2};
    for (int a = 0; a < 3; a++) {
        rot_z(angles[a], R);
        rotate_tensor(R, L, Lr);
        assert_true(max_diff(L, Lr, 81) <= 1e-13 * C11);
    }
    vs_elastic_free(hex);
    vs_elastic_free(hexv);

    const double c11 = 168.4, c12 = 121.4, c44 = 75.4;
    const double Cc[36] = {c11, c12, c12, 0, 0, 0,   c12, c11, c12, 0, 0, 0,   c12, c12, c11, 0, 0, 0,
                           0, 0, 0, c44, 0, 0,       0, 0, 0, 0, c44, 0,       0, 0, 0, 0, 0, c44};
    vs_elastic *cub = NULL;
    assert_int_equal(vs_elastic_create_cubic(c11, c12, c44, &cub), VS_OK);
    assert_int_equal(vs_elastic_voigt(cub, C), VS_OK);
    assert_memory_equal(C, Cc, sizeof C);
    assert_int_equal(vs_elastic_tensor(cub, L), VS_OK);
    rot_z(M_PI / 2, R);
    rotate_tensor(R, L, Lr);
    assert_true(max_diff(L, Lr, 81) <= 1e-13 * c11);
    const double Rx[9] = {1, 0, 0, 0, 0, -1, 0, 1, 0};
    rotate_tensor(Rx, L, Lr);
    assert_true(max_diff(L, Lr, 81) <= 1e-13 * c11);
    rot_z(M_PI / 4, R);
    rotate_tensor(R, L, Lr);
    /* Λ'_1111 = (C11 + C12)/2 + C44 after 45°: differs from C11 by (2C44 − C11 + C12)/2. */
    assert_close(Lr[0], 0.5 * (c11 + c12) + c44, 1e-13, 0.0);
    assert_true(max_diff(L, Lr, 81) > 1.0);
    vs_elastic_free(cub);

    /* Cubic with C11 − C12 = 2 C44 is isotropic: λ = C12, μ = C44. */
    vs_elastic *iso = NULL;
    double m[6];
    assert_int_equal(vs_elastic_create_cubic(5.0, 1.0, 2.0, &iso), VS_OK);
    assert_int_equal(vs_elastic_symmetry(iso, &sym), VS_OK);
    assert_int_equal(sym, VS_ELASTIC_ISOTROPIC);
    assert_int_equal(vs_elastic_moduli(iso, VS_AVERAGE_EXACT, m), VS_OK);
    assert_close(m[1], 2.0, 1e-15, 0.0);
    assert_close(m[2], 1.0, 1e-14, 0.0);
    vs_elastic_free(iso);
}

/* A clone is identical in every query and survives the original. */
static void test_clone_is_identical_and_independent(void **state)
{
    (void)state;
    uint64_t s = 1;
    double C[36], L1[81], L2[81], S1[36], S2[36], w1[6], w2[6];
    tu_random_stiffness(&s, 0.5, C);
    vs_elastic *el = make_voigt(C), *cl = NULL;
    assert_int_equal(vs_elastic_clone(el, &cl), VS_OK);
    assert_non_null(cl);
    assert_ptr_not_equal(cl, el);
    assert_int_equal(vs_elastic_tensor(el, L1), VS_OK);
    assert_int_equal(vs_elastic_mandel_invsqrt(el, S1), VS_OK);
    assert_int_equal(vs_elastic_mandel_eigen(el, w1, NULL), VS_OK);
    vs_elastic_free(el);
    assert_int_equal(vs_elastic_tensor(cl, L2), VS_OK);
    assert_int_equal(vs_elastic_mandel_invsqrt(cl, S2), VS_OK);
    assert_int_equal(vs_elastic_mandel_eigen(cl, w2, NULL), VS_OK);
    assert_memory_equal(L1, L2, sizeof L1);
    assert_memory_equal(S1, S2, sizeof S1);
    assert_memory_equal(w1, w2, sizeof w1);
    vs_elastic_free(cl);
    vs_elastic_free(NULL);
}

/* Valid extremes stay finite and correct: near-incompressible (σ → 1/2), near-auxetic limit (σ → −1),
 * and moduli at both ends of the supported scale (1e±90). */
static void test_valid_extremes_are_accurate(void **state)
{
    (void)state;
    const double sig[] = {0.4999999, -0.999999};
    for (int c = 0; c < 2; c++) {
        vs_elastic *el = NULL;
        double m[6], w[6];
        assert_int_equal(vs_elastic_create_poisson_shear(sig[c], 1.0, &el), VS_OK);
        assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_EXACT, m), VS_OK);
        assert_close(m[4], sig[c], 1e-8, 0.0);
        /* K/μ = 2(1+σ)/(3(1−2σ)) */
        assert_close(m[0], 2.0 * (1.0 + sig[c]) / (3.0 * (1.0 - 2.0 * sig[c])), 1e-9, 0.0);
        assert_int_equal(vs_elastic_mandel_eigen(el, w, NULL), VS_OK);
        assert_true(w[0] > 0.0);
        vs_elastic_free(el);
    }
    const double scale[] = {1e-90, 1e90};
    for (int c = 0; c < 2; c++) {
        vs_elastic *el = NULL;
        double m[6], u[9] = {1, 0.5, 0, 0.5, -2, 0.1, 0, 0.1, 0.3}, g[6], u2[9];
        assert_int_equal(vs_elastic_create_bulk_shear(2.0 * scale[c], scale[c], &el), VS_OK);
        assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_HILL, m), VS_OK);
        assert_close(m[0], 2.0 * scale[c], 1e-13, 0.0);
        assert_close(m[1], scale[c], 1e-13, 0.0);
        assert_close(m[3], 9.0 * 2.0 * scale[c] / 7.0, 1e-13, 0.0); /* E = 9Kμ/(3K+μ) */
        assert_int_equal(vs_elastic_strain_to_spin(el, u, g), VS_OK);
        assert_int_equal(vs_elastic_spin_to_strain(el, g, u2), VS_OK);
        assert_all_close(u2, u, 9, 1e-13);
        vs_elastic_free(el);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elastic_isotropic_mandel_eigenvalues_are_3K_and_2mu),
        cmocka_unit_test(test_spin_basis_diagonalises_isotropic_mandel),
        cmocka_unit_test(test_spin_norm_equals_strain_energy),
        cmocka_unit_test(test_spin_components_match_eq_A3),
        cmocka_unit_test(test_isotropic_constructors_agree),
        cmocka_unit_test(test_voigt_mandel_round_trip),
        cmocka_unit_test(test_mandel_sqrt_squares_to_mandel),
        cmocka_unit_test(test_hill_average_of_isotropic_returns_it),
        cmocka_unit_test(test_reuss_le_hill_le_voigt),
        cmocka_unit_test(test_known_material_copper_vrh),
        cmocka_unit_test(test_christoffel_isotropic_closed_form),
        cmocka_unit_test(test_christoffel_equals_D_M_Dt),
        cmocka_unit_test(test_strain_spin_round_trip),
        cmocka_unit_test(test_hexagonal_and_cubic_constructors),
        cmocka_unit_test(test_clone_is_identical_and_independent),
        cmocka_unit_test(test_valid_extremes_are_accurate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
