/* Physics of the coupling handle (paper Eqs. 18–22, App. B; docs/coupling.md; the paper's numbers, docs/theory.md). Every reference value
 * is a closed form of the paper or an independent computation written out here. */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_legendre.h>

#include <libvoigtspin/voigtspin.h>
#include "testutil.h"

#define NDIR 40

/* ---- helpers ---------------------------------------------------------------------------------- */

static vs_coupling *make(vs_elastic *el, double tol)
{
    vs_coupling *c = NULL;
    int st = vs_coupling_create(el, tol, &c);
    if (st != VS_OK)
        fail_msg("vs_coupling_create: %s", vs_last_error());
    return c;
}

static vs_coupling *make_lame(double lambda, double mu)
{
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_lame(lambda, mu, &el), VS_OK);
    vs_coupling *c = make(el, 1e-12);
    vs_elastic_free(el);
    return c;
}

/* A set of anisotropic tensors: cubic, hexagonal and random positive-definite ones. */
#define NANISO 6
static vs_elastic *aniso_tensor(int i)
{
    vs_elastic *el = NULL;
    if (i == 0)
        assert_int_equal(vs_elastic_create_cubic(3.0, 1.5, 2.0, &el), VS_OK);
    else if (i == 1)
        assert_int_equal(vs_elastic_create_hexagonal(5.0, 1.0, 1.5, 4.0, 1.0, &el), VS_OK);
    else {
        uint64_t s = 1000 + (uint64_t)i;
        double C[36];
        tu_random_stiffness(&s, 3.0, C);
        assert_int_equal(vs_elastic_create_voigt(C, &el), VS_OK);
    }
    return el;
}

/* 3×3 inverse by cofactors: an independent route to Γ⁻¹. */
static void inverse3(const double *A, double *B)
{
    double det = A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) +
                 A[2] * (A[3] * A[7] - A[4] * A[6]);
    B[0] = (A[4] * A[8] - A[5] * A[7]) / det;
    B[1] = (A[2] * A[7] - A[1] * A[8]) / det;
    B[2] = (A[1] * A[5] - A[2] * A[4]) / det;
    B[3] = (A[5] * A[6] - A[3] * A[8]) / det;
    B[4] = (A[0] * A[8] - A[2] * A[6]) / det;
    B[5] = (A[2] * A[3] - A[0] * A[5]) / det;
    B[6] = (A[3] * A[7] - A[4] * A[6]) / det;
    B[7] = (A[1] * A[6] - A[0] * A[7]) / det;
    B[8] = (A[0] * A[4] - A[1] * A[3]) / det;
}

#define L4(L, i, j, k, l) (L)[(((i) * 3 + (j)) * 3 + (k)) * 3 + (l)]

/* K̃_ijkl = Λ_ijmp k_p (Γ⁻¹)_mn Λ_klnq k_q with Γ_mn = Λ_mjnl k_j k_l, all from the tensor Λ. */
static void ktilde_reference(const double *L, const double *k, double *K)
{
    double G[9], Gi[9], T[3][3][3]; /* T_ijm = Λ_ijmp k_p */
    for (int m = 0; m < 3; m++)
        for (int n = 0; n < 3; n++) {
            double s = 0.0;
            for (int j = 0; j < 3; j++)
                for (int l = 0; l < 3; l++)
                    s += L4(L, m, j, n, l) * k[j] * k[l];
            G[m * 3 + n] = s;
        }
    inverse3(G, Gi);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int m = 0; m < 3; m++) {
                double s = 0.0;
                for (int p = 0; p < 3; p++)
                    s += L4(L, i, j, m, p) * k[p];
                T[i][j][m] = s;
            }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k2 = 0; k2 < 3; k2++)
                for (int l = 0; l < 3; l++) {
                    double s = 0.0;
                    for (int m = 0; m < 3; m++)
                        for (int n = 0; n < 3; n++)
                            s += T[i][j][m] * Gi[m * 3 + n] * T[k2][l][n];
                    L4(K, i, j, k2, l) = s;
                }
}

static double kd(int i, int j)
{
    return i == j ? 1.0 : 0.0;
}

/* ---- J̃ is a rank-3 projector (paper §III, the paper's numbers, docs/theory.md) ------------------------------------------- */

static void check_projector(const vs_coupling *c, uint64_t *s)
{
    for (int d = 0; d < NDIR; d++) {
        double k[3], J[36];
        tu_direction(s, k);
        k[0] *= 3.7; /* unnormalised input is normalised by the library */
        k[1] *= 3.7;
        k[2] *= 3.7;
        assert_int_equal(vs_coupling_jtilde(c, k, J), VS_OK);
        double tr = 0.0;
        for (int a = 0; a < 6; a++) {
            tr += J[a * 6 + a];
            for (int b = 0; b < 6; b++) {
                double s2 = 0.0;
                for (int p = 0; p < 6; p++)
                    s2 += J[a * 6 + p] * J[p * 6 + b];
                assert_close(s2, J[a * 6 + b], 0.0, 1e-13);
                assert_close(J[a * 6 + b], J[b * 6 + a], 0.0, 1e-15);
            }
        }
        assert_close(tr, 3.0, 0.0, 1e-13);
    }
}

static void test_jtilde_is_rank3_projector(void **state)
{
    (void)state;
    uint64_t s = 42;
    for (int i = 0; i < NANISO; i++) {
        vs_elastic *el = aniso_tensor(i);
        vs_coupling *c = make(el, 1e-3);
        check_projector(c, &s);
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
    vs_coupling *c = make_lame(2.0, 1.0);
    check_projector(c, &s);
    vs_coupling_free(c);
}

/* ---- K̃: Eq. 20 closed form (isotropic) and the general Christoffel-inverse form ---------------- */

static void test_ktilde_isotropic_equals_eq20(void **state)
{
    (void)state;
    const double lam = 2.3, mu = 1.1, a = (lam + mu) / (lam + 2.0 * mu);
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_lame(lam, mu, &el), VS_OK);
    vs_coupling *c = make(el, 1e-12);
    double L[81];
    assert_int_equal(vs_elastic_tensor(el, L), VS_OK);
    uint64_t s = 7;
    for (int d = 0; d < NDIR; d++) {
        double k[3], K[81];
        tu_direction(&s, k);
        assert_int_equal(vs_coupling_ktilde_tensor(c, k, K), VS_OK);
        /* Eq. 20 literally: (k_p k_q/μ)(Λ_ijmp Λ_klmq − (λ+μ)/(λ+2μ) Λ_ijmp Λ_klnq k_m k_n) */
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k2 = 0; k2 < 3; k2++)
                    for (int l = 0; l < 3; l++) {
                        double s1 = 0.0, s2 = 0.0;
                        for (int p = 0; p < 3; p++)
                            for (int q = 0; q < 3; q++)
                                for (int m = 0; m < 3; m++) {
                                    s1 += k[p] * k[q] * L4(L, i, j, m, p) * L4(L, k2, l, m, q);
                                    for (int n = 0; n < 3; n++)
                                        s2 += k[p] * k[q] * k[m] * k[n] * L4(L, i, j, m, p) * L4(L, k2, l, n, q);
                                }
                        assert_close(L4(K, i, j, k2, l), (s1 - a * s2) / mu, 1e-13, 1e-13);
                    }
        /* Eq. B3: Γ (I − a k̂k̂ᵀ)/μ = I */
        double G[9];
        assert_int_equal(vs_elastic_christoffel(el, k, G), VS_OK);
        for (int i = 0; i < 3; i++)
            for (int n = 0; n < 3; n++) {
                double s3 = 0.0;
                for (int l = 0; l < 3; l++)
                    s3 += G[i * 3 + l] * (kd(l, n) - a * k[l] * k[n]) / mu;
                assert_close(s3, kd(i, n), 0.0, 1e-14);
            }
    }
    vs_coupling_free(c);
    vs_elastic_free(el);
}

static void test_ktilde_general_equals_christoffel_inverse_form(void **state)
{
    (void)state;
    uint64_t s = 11;
    for (int i = 0; i < NANISO + 1; i++) {
        vs_elastic *el = NULL;
        if (i < NANISO)
            el = aniso_tensor(i);
        else
            assert_int_equal(vs_elastic_create_lame(0.7, 1.9, &el), VS_OK);
        vs_coupling *c = make(el, 1e-3);
        double L[81], M[36];
        assert_int_equal(vs_elastic_tensor(el, L), VS_OK);
        assert_int_equal(vs_elastic_mandel(el, M), VS_OK);
        double scale = 0.0;
        for (int a = 0; a < 36; a++)
            scale = fmax(scale, fabs(M[a]));
        for (int d = 0; d < 10; d++) {
            double k[3], K[81], Kref[81], Km[36];
            tu_direction(&s, k);
            assert_int_equal(vs_coupling_ktilde_tensor(c, k, K), VS_OK);
            assert_int_equal(vs_coupling_ktilde_mandel(c, k, Km), VS_OK);
            ktilde_reference(L, k, Kref);
            for (int a = 0; a < 81; a++)
                assert_close(K[a], Kref[a], 1e-12, 1e-13 * scale);
            /* Mandel form: tᵀ K̃ t' = ε K̃ ε' for two random symmetric strains */
            double u[9], v[9], t[6], tv[6];
            for (int p = 0; p < 3; p++)
                for (int q = p; q < 3; q++) {
                    u[p * 3 + q] = u[q * 3 + p] = tu_normal(&s);
                    v[p * 3 + q] = v[q * 3 + p] = tu_normal(&s);
                }
            assert_int_equal(vs_strain_to_mandel(u, t), VS_OK);
            assert_int_equal(vs_strain_to_mandel(v, tv), VS_OK);
            double e1 = 0.0, e2 = 0.0;
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++)
                    e1 += t[a] * Km[a * 6 + b] * tv[b];
            for (int p = 0; p < 81; p++)
                e2 += u[p / 9] * Kref[p] * v[p % 9];
            assert_close(e1, e2, 1e-12, 1e-12 * scale);
        }
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
}

/* J̃ = Qᵀ M^{-1/2} K̃ M^{-1/2} Q: the spin-basis form of Eq. 20 (route via K̃, not via X = M^{1/2}Dᵀ). */
static void test_jtilde_is_ktilde_in_spin_basis(void **state)
{
    (void)state;
    uint64_t s = 13;
    for (int i = 0; i < NANISO; i++) {
        vs_elastic *el = aniso_tensor(i);
        vs_coupling *c = make(el, 1e-3);
        double Mi[36], Q[36], B[36]; /* B = M^{-1/2} Q */
        assert_int_equal(vs_elastic_mandel_invsqrt(el, Mi), VS_OK);
        assert_int_equal(vs_spin_basis(Q), VS_OK);
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++) {
                B[a * 6 + b] = 0.0;
                for (int p = 0; p < 6; p++)
                    B[a * 6 + b] += Mi[a * 6 + p] * Q[p * 6 + b];
            }
        for (int d = 0; d < 10; d++) {
            double k[3], J[36], Km[36];
            tu_direction(&s, k);
            assert_int_equal(vs_coupling_jtilde(c, k, J), VS_OK);
            assert_int_equal(vs_coupling_ktilde_mandel(c, k, Km), VS_OK);
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++) {
                    double x = 0.0;
                    for (int p = 0; p < 6; p++)
                        for (int q = 0; q < 6; q++)
                            x += B[p * 6 + a] * Km[p * 6 + q] * B[q * 6 + b];
                    assert_close(J[a * 6 + b], x, 0.0, 1e-12);
                }
        }
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
}

/* A V = V diag(w) for the 6×6 average A, eigenvalues ascending; returns Σ w. */
static double check_eigenpairs(const double *A, const double *w, const double *V, double atol)
{
    double sum = 0.0;
    for (int j = 0; j < 6; j++) {
        sum += w[j];
        if (j > 0)
            assert_true(w[j] >= w[j - 1]);
        for (int a = 0; a < 6; a++) {
            double Av = 0.0;
            for (int b = 0; b < 6; b++)
                Av += A[a * 6 + b] * V[b * 6 + j];
            assert_close(Av, w[j] * V[a * 6 + j], 0.0, atol);
        }
    }
    return sum;
}

/* ---- ⟨J̃⟩ ------------------------------------------------------------------------------------- */

static void isotropic_j(double lam, double mu, double *jc, double *js)
{
    double K = lam + 2.0 * mu / 3.0;
    *jc = K / (lam + 2.0 * mu);
    *js = 0.4 * (K + 2.0 * mu) / (lam + 2.0 * mu);
}

static void test_isotropic_average_closed_form_and_quadrature(void **state)
{
    (void)state;
    const double lm[][2] = {{2.0, 1.0}, {0.1, 3.0}, {5.0, 0.5}, {-0.5, 1.0}, {1.0, 1.0}};
    for (size_t i = 0; i < sizeof lm / sizeof lm[0]; i++) {
        vs_coupling *c = make_lame(lm[i][0], lm[i][1]);
        double jc, js, A[36], Aq[36], err, errq, w[6], V[36];
        isotropic_j(lm[i][0], lm[i][1], &jc, &js);
        assert_int_equal(vs_coupling_average(c, A, &err), VS_OK);
        assert_true(err == 0.0);
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++)
                assert_close(A[a * 6 + b], a != b ? 0.0 : (a == 0 ? jc : js), 0.0, 1e-15);
        double J2[2];
        assert_int_equal(vs_coupling_jcompr_jshear(lm[i][0] + 2.0 * lm[i][1] / 3.0, lm[i][1], J2), VS_OK);
        assert_close(J2[0], jc, 1e-15, 0.0);
        assert_close(J2[1], js, 1e-15, 0.0);
        /* the same average through the spherical quadrature */
        assert_int_equal(vs_coupling_average_quadrature(c, 1e-13, Aq, &errq), VS_OK);
        assert_true(errq <= 1e-13);
        for (int a = 0; a < 36; a++)
            assert_close(Aq[a], A[a], 0.0, 1e-14);
        /* eigenvalues ascending, sum 3, eigenvectors the spin-basis axes */
        assert_int_equal(vs_coupling_average_eigen(c, w, V), VS_OK);
        assert_close(check_eigenpairs(A, w, V, 1e-15), 3.0, 0.0, 1e-14);
        assert_close(jc + 5.0 * js, 3.0, 0.0, 1e-14);
        vs_coupling_free(c);
    }
}

/* Independent quadrature for the anisotropic average: a Gauss–Legendre rule of a different order and a
 * φ grid shifted by half a step (neither is used by the library at creation). */
static void independent_average(const vs_coupling *c, double *A)
{
    const int nt = 100, np = 202;
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(nt);
    memset(A, 0, 36 * sizeof *A);
    for (int i = 0; i < nt; i++) {
        double x, w, J[36];
        gsl_integration_glfixed_point(-1.0, 1.0, (size_t)i, &x, &w, t);
        double s = sqrt(1.0 - x * x);
        for (int j = 0; j < np; j++) {
            double phi = 2.0 * M_PI * (j + 0.5) / np, k[3] = {s * cos(phi), s * sin(phi), x};
            assert_int_equal(vs_coupling_jtilde(c, k, J), VS_OK);
            for (int a = 0; a < 36; a++)
                A[a] += w / (2.0 * np) * J[a];
        }
    }
    gsl_integration_glfixed_table_free(t);
}

static void test_anisotropic_average_by_quadrature(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        vs_elastic *el = aniso_tensor(i);
        const double tol = 1e-9;
        vs_coupling *c = make(el, tol);
        double A[36], Ar[36], err, w[6], V[36];
        assert_int_equal(vs_coupling_average(c, A, &err), VS_OK);
        assert_true(err <= tol);
        independent_average(c, Ar);
        for (int a = 0; a < 36; a++)
            assert_close(A[a], Ar[a], 0.0, tol);
        assert_int_equal(vs_coupling_average_eigen(c, w, V), VS_OK);
        assert_close(check_eigenpairs(A, w, V, 1e-14), 3.0, 0.0, 6.0 * tol); /* trace of every J̃ is 3 */
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
}

/* ---- App. B moments and λ', μ' ----------------------------------------------------------------- */

static int moments_fn(const double *k, double *out, void *ctx)
{
    (void)ctx;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            out[i * 3 + j] = k[i] * k[j];
            for (int l = 0; l < 3; l++)
                for (int m = 0; m < 3; m++)
                    out[9 + ((i * 3 + j) * 3 + l) * 3 + m] = k[i] * k[j] * k[l] * k[m];
        }
    return 0;
}

static void test_appB_moments(void **state)
{
    (void)state;
    double avg[90], err;
    assert_int_equal(vs_sphere_average(90, moments_fn, NULL, 1e-14, avg, &err), VS_OK);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            assert_close(avg[i * 3 + j], kd(i, j) / 3.0, 0.0, 1e-15);
            for (int l = 0; l < 3; l++)
                for (int m = 0; m < 3; m++)
                    assert_close(avg[9 + ((i * 3 + j) * 3 + l) * 3 + m],
                                 (kd(i, j) * kd(l, m) + kd(i, l) * kd(j, m) + kd(i, m) * kd(j, l)) / 15.0, 0.0, 1e-15);
        }
}

static int ktilde_fn(const double *k, double *out, void *ctx)
{
    return vs_coupling_ktilde_tensor(ctx, k, out);
}

static void test_appB_average_ktilde_lambda_mu_prime(void **state)
{
    (void)state;
    const double lm[][2] = {{2.0, 1.0}, {0.3, 2.5}};
    for (int q = 0; q < 2; q++) {
        const double lam = lm[q][0], mu = lm[q][1];
        const double lp = (lam * lam + 16.0 * lam * mu / 15.0 - 4.0 * mu * mu / 15.0) / (lam + 2.0 * mu);
        const double mp = 2.0 * mu * (3.0 * lam + 8.0 * mu) / (15.0 * (lam + 2.0 * mu));
        vs_coupling *c = make_lame(lam, mu);
        double K[81], err;
        assert_int_equal(vs_sphere_average(81, ktilde_fn, c, 1e-13, K, &err), VS_OK);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++)
                    for (int l = 0; l < 3; l++)
                        assert_close(L4(K, i, j, k, l), lp * kd(i, j) * kd(k, l) + mp * (kd(i, k) * kd(j, l) + kd(i, l) * kd(j, k)),
                                     0.0, 1e-13);
        vs_coupling_free(c);
    }
}

/* ---- Eq. 22 ------------------------------------------------------------------------------------ */

static void test_eq22_ratio_three_forms_and_paper_values(void **state)
{
    (void)state;
    double r;
    assert_int_equal(vs_coupling_ratio_from_poisson(0.2, &r), VS_OK);
    assert_close(r, 1.0, 1e-15, 0.0);
    assert_int_equal(vs_coupling_ratio_from_sound(sqrt(8.0 / 3.0), &r), VS_OK);
    assert_close(r, 1.0, 1e-15, 0.0);
    assert_int_equal(vs_coupling_ratio_from_poisson(0.15, &r), VS_OK);
    assert_close(r, 2.5 * 1.15 / 3.25, 1e-15, 0.0);
    assert_true(fabs(r - 0.88) < 0.01); /* "≈ 0.88 for silica" */
    assert_int_equal(vs_coupling_ratio_from_poisson(0.35, &r), VS_OK);
    assert_close(r, 1.5, 1e-14, 0.0);
    for (double sigma = -0.9; sigma < 0.49; sigma += 0.07) {
        const double mu = 1.3, lam = 2.0 * mu * sigma / (1.0 - 2.0 * sigma), K = lam + 2.0 * mu / 3.0;
        const double clct = sqrt(2.0 * (1.0 - sigma) / (1.0 - 2.0 * sigma));
        double r1, r2, r3, w[6];
        assert_int_equal(vs_coupling_ratio_from_poisson(sigma, &r1), VS_OK);
        assert_int_equal(vs_coupling_ratio_from_moduli(K, mu, &r2), VS_OK);
        assert_int_equal(vs_coupling_ratio_from_sound(clct, &r3), VS_OK);
        assert_close(r2, r1, 1e-13, 0.0);
        assert_close(r3, r1, 1e-13, 0.0);
        /* and the ratio of the handle's ⟨J̃⟩ eigenvalues (compression on spin axis 1) */
        vs_elastic *el = NULL;
        assert_int_equal(vs_elastic_create_poisson_shear(sigma, mu, &el), VS_OK);
        vs_coupling *c = make(el, 1e-12);
        double A[36];
        assert_int_equal(vs_coupling_average(c, A, NULL), VS_OK);
        assert_close(A[0] / A[7], r1, 1e-13, 0.0);
        assert_int_equal(vs_coupling_average_eigen(c, w, NULL), VS_OK);
        assert_close(r1 > 1.0 ? w[5] / w[0] : w[0] / w[5], r1, 1e-13, 0.0);
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
}

/* ---- harmonic decomposition -------------------------------------------------------------------- */

static double recon_error(const vs_coupling *c, const double *k)
{
    int nc = vs_coupling_ncomp(c), lmax;
    assert_int_equal(vs_coupling_lmax(c, &lmax), VS_OK);
    double *A = calloc((size_t)(lmax / 2 + 1) * (size_t)(nc * nc), sizeof *A), J[36], e = 0.0;
    assert_non_null(A);
    assert_int_equal(vs_coupling_harmonics(c, k, A), VS_OK);
    assert_int_equal(vs_coupling_jtilde(c, k, J), VS_OK);
    for (int a = 0; a < nc * nc; a++) {
        double s = 0.0;
        for (int l = 0; l <= lmax; l += 2)
            s += A[(l / 2) * nc * nc + a];
        e += (s - J[a]) * (s - J[a]);
    }
    free(A);
    return sqrt(e);
}

static void test_harmonics_reconstruct_isotropic_exactly(void **state)
{
    (void)state;
    vs_coupling *c = make_lame(1.7, 0.8);
    int lmax;
    double herr;
    assert_int_equal(vs_coupling_lmax(c, &lmax), VS_OK);
    assert_int_equal(lmax, 4);
    assert_int_equal(vs_coupling_harmonics_error(c, &herr), VS_OK);
    assert_true(herr == 0.0);
    uint64_t s = 5;
    for (int d = 0; d < NDIR; d++) {
        double k[3];
        tu_direction(&s, k);
        assert_true(recon_error(c, k) <= 1e-14);
    }
    /* the poles (φ undefined) and the axes */
    const double axes[][3] = {{0, 0, 1}, {0, 0, -1}, {1, 0, 0}, {0, 1, 0}, {-1, 0, 0}, {0, 0, 1e-3}};
    for (int d = 0; d < 6; d++)
        assert_true(recon_error(c, axes[d]) <= 1e-14);
    vs_coupling_free(c);
}

static void test_harmonics_reconstruct_anisotropic_within_tol(void **state)
{
    (void)state;
    const double tols[] = {1e-4, 1e-6};
    uint64_t s = 9;
    for (int i = 0; i < NANISO; i++)
        for (int t = 0; t < 2; t++) {
            vs_elastic *el = aniso_tensor(i);
            vs_coupling *c = make(el, tols[t]);
            double herr;
            assert_int_equal(vs_coupling_harmonics_error(c, &herr), VS_OK);
            assert_true(herr > 0.0 && herr <= tols[t]);
            for (int d = 0; d < NDIR; d++) {
                double k[3];
                tu_direction(&s, k);
                double e = recon_error(c, k);
                if (!(e <= herr))
                    fail_msg("tensor %d tol %g: |sum A_l - J| = %g > reported bound %g", i, tols[t], e, herr);
            }
            const double poles[][3] = {{0, 0, 1}, {0, 0, -1}, {1, 0, 0}, {0, 1, 0}};
            for (int d = 0; d < 4; d++)
                assert_true(recon_error(c, poles[d]) <= herr);
            vs_coupling_free(c);
            vs_elastic_free(el);
        }
}

/* A_l(n̂) = (2l+1)/(4π) ∫ P_l(n̂·k̂) W(k̂) dΩ (addition theorem): the degree-l part by an independent
 * route (sphere average with Legendre polynomials, no Y_lm). Odd l give 0. */
struct legendre_ctx {
    const vs_coupling *c;
    const double *n;
    int lmax;
};

static int legendre_fn(const double *k, double *out, void *ctx)
{
    const struct legendre_ctx *q = ctx;
    int nc = vs_coupling_ncomp(q->c), nn = nc * nc;
    double W[36], P[80];
    int st = vs_coupling_jtilde(q->c, k, W);
    double x = q->n[0] * k[0] + q->n[1] * k[1] + q->n[2] * k[2];
    x = fmax(-1.0, fmin(1.0, x));
    gsl_sf_legendre_Pl_array(q->lmax, x, P);
    for (int l = 0; l <= q->lmax; l++)
        for (int a = 0; a < nn; a++)
            out[l * nn + a] = (2.0 * l + 1.0) * P[l] * W[a];
    return st;
}

static void check_legendre_projection(const vs_coupling *c, double atol, uint64_t *s)
{
    int nc = vs_coupling_ncomp(c), nn = nc * nc, lmax;
    assert_int_equal(vs_coupling_lmax(c, &lmax), VS_OK);
    int lchk = lmax < 8 ? lmax + 1 : 8; /* degrees 0 … lchk, odd ones included */
    double *A = calloc((size_t)(lmax / 2 + 1) * (size_t)nn, sizeof *A);
    double *ref = calloc((size_t)(lchk + 1) * (size_t)nn, sizeof *ref);
    assert_non_null(A);
    assert_non_null(ref);
    for (int d = 0; d < 3; d++) {
        double n[3], err;
        tu_direction(s, n);
        struct legendre_ctx q = {c, n, lchk};
        assert_int_equal(vs_sphere_average((lchk + 1) * nn, legendre_fn, &q, 1e-13, ref, &err), VS_OK);
        assert_int_equal(vs_coupling_harmonics(c, n, A), VS_OK);
        for (int l = 0; l <= lchk; l++)
            for (int a = 0; a < nn; a++) {
                double expect = (l % 2 == 0 && l <= lmax) ? A[(l / 2) * nn + a] : 0.0;
                assert_close(ref[l * nn + a], expect, 0.0, atol);
            }
    }
    free(A);
    free(ref);
}

static void test_harmonic_parts_are_legendre_projections(void **state)
{
    (void)state;
    uint64_t s = 21;
    vs_coupling *c = make_lame(1.2, 0.9);
    check_legendre_projection(c, 1e-13, &s);
    vs_coupling_free(c);
    for (int i = 0; i < 2; i++) {
        vs_elastic *el = aniso_tensor(i);
        c = make(el, 1e-10);
        check_legendre_projection(c, 1e-10, &s);
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    check_legendre_projection(c, 1e-14, &s);
    vs_coupling_free(c);
}

/* Orthogonality and Parseval on the sphere: ∫ A_l : A_l' dΩ = 0 for l ≠ l', and
 * ⟨‖W‖²⟩ = Σ_l ⟨‖A_l‖²⟩ + ⟨‖W − Σ_l A_l‖²⟩ with the residual's RMS below the pointwise bound. */
struct parseval_ctx {
    const vs_coupling *c;
    int lmax;
};

static int parseval_fn(const double *k, double *out, void *ctx)
{
    const struct parseval_ctx *q = ctx;
    const int nc = vs_coupling_ncomp(q->c), nn = nc * nc, nl = q->lmax / 2 + 1;
    double W[36], A[33 * 36], R[36];
    int st = vs_coupling_jtilde(q->c, k, W);
    if (st == VS_OK)
        st = vs_coupling_harmonics(q->c, k, A);
    memcpy(R, W, sizeof R);
    for (int l = 0; l < nl; l++)
        for (int a = 0; a < nn; a++)
            R[a] -= A[l * nn + a];
    double w2 = 0.0, r2 = 0.0;
    for (int a = 0; a < nn; a++) {
        w2 += W[a] * W[a];
        r2 += R[a] * R[a];
    }
    out[0] = w2;
    out[1] = r2;
    for (int l = 0; l < nl; l++)
        for (int m = 0; m < nl; m++) {
            double d = 0.0;
            for (int a = 0; a < nn; a++)
                d += A[l * nn + a] * A[m * nn + a];
            out[2 + l * nl + m] = d;
        }
    return st;
}

static void test_harmonic_parts_are_orthogonal_and_obey_parseval(void **state)
{
    (void)state;
    for (int i = -1; i < 2; i++) {
        vs_elastic *el = i < 0 ? NULL : aniso_tensor(i);
        vs_coupling *c = i < 0 ? make_lame(0.9, 1.4) : make(el, 1e-6);
        int lmax;
        double herr;
        assert_int_equal(vs_coupling_lmax(c, &lmax), VS_OK);
        assert_int_equal(vs_coupling_harmonics_error(c, &herr), VS_OK);
        assert_true(lmax <= 64);
        const int nl = lmax / 2 + 1, n = 2 + nl * nl;
        double *avg = calloc((size_t)n, sizeof *avg), err;
        assert_non_null(avg);
        struct parseval_ctx q = {c, lmax};
        assert_int_equal(vs_sphere_average(n, parseval_fn, &q, 1e-12, avg, &err), VS_OK);
        double sum = 0.0;
        for (int l = 0; l < nl; l++) {
            sum += avg[2 + l * nl + l];
            for (int m = 0; m < nl; m++)
                if (m != l)
                    assert_close(avg[2 + l * nl + m], 0.0, 0.0, 1e-12);
        }
        /* J̃ is a projector of rank 3: ‖J̃‖_F² = tr J̃² = 3 at every k̂ */
        assert_close(avg[0], 3.0, 0.0, 1e-12);
        assert_true(sqrt(avg[1]) <= fmax(herr, 1e-14));
        /* ‖W‖² − Σ‖A_l‖² − ‖R‖² = 2 Σ_l A_l : R; the A_l (l ≥ 2) are exact projections, orthogonal to R, and
         * the constant A_0 gives 2 A_0 : ⟨R⟩ with ‖⟨R⟩‖_F = ‖⟨W⟩ − A_0‖_F ≤ nc · (error of ⟨W⟩). */
        double A0[36], aerr, a0n = 0.0;
        assert_int_equal(vs_coupling_average(c, A0, &aerr), VS_OK);
        for (int x = 0; x < 36; x++)
            a0n += A0[x] * A0[x];
        assert_close(avg[0], sum + avg[1], 0.0, 2.0 * sqrt(a0n) * 6.0 * aerr + 1e-12);
        free(avg);
        vs_coupling_free(c);
        vs_elastic_free(el);
    }
}

/* A cubic tensor with C11 − C12 = 2 C44 is isotropic (λ = C12, μ = C44): same coupling as Lamé. */
static void test_isotropic_cubic_equals_lame(void **state)
{
    (void)state;
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_cubic(2.0 + 2.0 * 0.7, 2.0, 0.7, &el), VS_OK);
    vs_coupling *a = make(el, 1e-12), *b = make_lame(2.0, 0.7);
    double Aa[36], Ab[36], Ja[36], Jb[36], Ha[3 * 36], Hb[3 * 36];
    int la, lb;
    assert_int_equal(vs_coupling_lmax(a, &la), VS_OK);
    assert_int_equal(vs_coupling_lmax(b, &lb), VS_OK);
    assert_int_equal(la, 4);
    assert_int_equal(lb, 4);
    assert_int_equal(vs_coupling_average(a, Aa, NULL), VS_OK);
    assert_int_equal(vs_coupling_average(b, Ab, NULL), VS_OK);
    uint64_t s = 77;
    for (int d = 0; d < 10; d++) {
        double k[3];
        tu_direction(&s, k);
        assert_int_equal(vs_coupling_jtilde(a, k, Ja), VS_OK);
        assert_int_equal(vs_coupling_jtilde(b, k, Jb), VS_OK);
        assert_int_equal(vs_coupling_harmonics(a, k, Ha), VS_OK);
        assert_int_equal(vs_coupling_harmonics(b, k, Hb), VS_OK);
        for (int x = 0; x < 36; x++)
            assert_close(Ja[x], Jb[x], 0.0, 1e-13);
        for (int x = 0; x < 3 * 36; x++)
            assert_close(Ha[x], Hb[x], 0.0, 1e-13);
    }
    for (int x = 0; x < 36; x++)
        assert_close(Aa[x], Ab[x], 0.0, 1e-14);
    vs_coupling_free(a);
    vs_coupling_free(b);
    vs_elastic_free(el);
}

/* Eshelby: for isotropic Λ the compression–compression entry of J̃ is the constant K/(λ+2μ) (docs/lattice.md),
 * so all of it sits in A_0. */
static void test_isotropic_compression_entry_is_pure_l0(void **state)
{
    (void)state;
    const double lam = 0.4, mu = 1.3;
    double jc, js, A[3 * 36], J[36];
    isotropic_j(lam, mu, &jc, &js);
    vs_coupling *c = make_lame(lam, mu);
    uint64_t s = 3;
    for (int d = 0; d < NDIR; d++) {
        double k[3];
        tu_direction(&s, k);
        assert_int_equal(vs_coupling_jtilde(c, k, J), VS_OK);
        assert_close(J[0], jc, 0.0, 1e-15);
        assert_int_equal(vs_coupling_harmonics(c, k, A), VS_OK);
        assert_close(A[0], jc, 0.0, 1e-15);
        assert_close(A[36], 0.0, 0.0, 1e-15);
        assert_close(A[72], 0.0, 0.0, 1e-15);
    }
    vs_coupling_free(c);
}

/* ---- dipolar kernel (App. B, Eqs. B4–B5) -------------------------------------------------------- */

static void test_dipolar_kernel_eigenvalues_and_harmonics(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_coupling_ncomp(c), 3);
    int lmax;
    double herr, A0[9], err, w[3], V[9];
    assert_int_equal(vs_coupling_lmax(c, &lmax), VS_OK);
    assert_int_equal(lmax, 2);
    assert_int_equal(vs_coupling_harmonics_error(c, &herr), VS_OK);
    assert_true(herr == 0.0);
    assert_int_equal(vs_coupling_average(c, A0, &err), VS_OK);
    assert_int_equal(vs_coupling_average_eigen(c, w, V), VS_OK);
    for (int i = 0; i < 3; i++) {
        assert_close(w[i], 1.0 / 3.0, 1e-15, 0.0);
        for (int j = 0; j < 3; j++)
            assert_close(A0[i * 3 + j], kd(i, j) / 3.0, 1e-15, 0.0);
    }
    uint64_t s = 17;
    for (int d = 0; d < NDIR; d++) {
        double k[3], W[9], A[18], ev[3];
        tu_direction(&s, k);
        assert_int_equal(vs_coupling_jtilde(c, k, W), VS_OK);
        /* eigenvalues 1, 0, 0: W k̂ = k̂, W v = 0 for v ⊥ k̂, tr W = 1 */
        double tr = W[0] + W[4] + W[8];
        assert_close(tr, 1.0, 0.0, 1e-15);
        for (int i = 0; i < 3; i++) {
            ev[i] = W[i * 3 + 0] * k[0] + W[i * 3 + 1] * k[1] + W[i * 3 + 2] * k[2];
            assert_close(ev[i], k[i], 0.0, 1e-15);
        }
        double v[3] = {k[1], -k[0], 0.0};
        for (int i = 0; i < 3; i++)
            assert_close(W[i * 3 + 0] * v[0] + W[i * 3 + 1] * v[1], 0.0, 0.0, 1e-15);
        assert_int_equal(vs_coupling_harmonics(c, k, A), VS_OK);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                assert_close(A[i * 3 + j], kd(i, j) / 3.0, 0.0, 1e-15);
                assert_close(A[9 + i * 3 + j], k[i] * k[j] - kd(i, j) / 3.0, 0.0, 1e-15);
            }
    }
    double Km[36];
    assert_int_equal(vs_coupling_ktilde_mandel(c, (double[]){0, 0, 1}, Km), VS_EUNSUPPORTED);
    vs_coupling_free(c);
}

/* J̃(k̂) of an isotropic Λ near the incompressible limit σ → 1/2 (λ/μ = 5e9, 1e13) and at λ = 2μ, against
 * references computed with mpmath at 60 digits from the generic definition J̃ = Qᵀ M^{1/2} Dᵀ Γ⁻¹ D
 * M^{1/2} Q (tests/coupling/ref_jtilde_sigma_half.py; M^{1/2} by a 60-digit eigensolver),
 * at k̂ ∝ (0.3, −0.5, 0.8). J̃ is a projector (entries ≤ 1), so the right accuracy is absolute: a few
 * units of 1e-16 whatever λ/μ. The Qᵀ M^{1/2} route lost ~log10(λ/μ) digits (errors ~1e-7 at 1e13). */
static void test_isotropic_jtilde_keeps_full_accuracy_as_sigma_to_half(void **state)
{
    (void)state;
    static const double lam_mu[3][2] = {{5e9, 1.0}, {2.0, 1.0}, {1e13, 1.0}};
    static const double ref[3][36] = {
    /* lambda=5e+09 mu=1 */ {0.99999999973333333344, -2.3089201010639844802e-6, -7.8317018960839484342e-6, -0.000011544600505319922561, 6.9267603031919532805e-6, -4.32922518949497056e-6, -2.3089201010639844802e-6, 0.3202832153322781891, -0.1846751381483614562, 0.27488546441649312826, 0.3248646397174510448, -0.049979175333610989086, -7.8317018960839484342e-6, -0.1846751381483614562, 0.67971678473438842205, -0.21641617744838799754, 0.12984970646903279372, -0.34626588402817770314, -0.000011544600505319922561, 0.27488546441649312826, -0.21641617744838799754, 0.24177426085797586977, 0.24677217817909203778, -0.0049979174843814910693, 6.9267603031919532805e-6, 0.3248646397174510448, 0.12984970646903279372, 0.24677217817909203778, 0.50499791758234073077, -0.25822573930528948103, -4.32922518949497056e-6, -0.049979175333610989086, -0.34626588402817770314, -0.0049979174843814910693, -0.25822573930528948103, 0.25322782175968345487},
    /* lambda=2 mu=1 */ {0.66666666666666666667, -0.066652782116549062292, -0.22608175997120909335, -0.33326391058274531608, 0.19995834634964718225, -0.12497396646852948197, -0.066652782116549062292, 0.32694710537276132081, -0.16207167073461381549, 0.30820491461890878727, 0.30487296959600165014, -0.037484381507705118113, -0.22608175997120909335, -0.16207167073461381549, 0.75638622796057197091, -0.1033988403796497924, 0.062039304227789873145, -0.30388438262740088014, -0.33326391058274531608, 0.30820491461890878727, -0.1033988403796497924, 0.40837151187005416713, 0.14681382757184506307, 0.057476051645147864662, 0.19995834634964718225, 0.30487296959600165014, 0.062039304227789873145, 0.14681382757184506307, 0.56497292794668891338, -0.29571012078300709308, -0.12497396646852948197, -0.037484381507705118113, -0.30388438262740088014, 0.057476051645147864662, -0.29571012078300709308, 0.2766555601832569611},
    /* lambda=1e+13 mu=1 */ {0.99999999999986666667, -5.1629023023148607504e-8, -1.7512217824992189947e-7, -2.581451151157430411e-7, 1.5488706906944581893e-7, -9.6804418168403631456e-8, -5.1629023023148607504e-8, 0.32028321532694974262, -0.18467513816643518875, 0.27488546438985089587, 0.32486463973343638424, -0.049979175343601826233, -1.7512217824992189947e-7, -0.18467513816643518875, 0.67971678467308353523, -0.2164161775387566603, 0.12984970652325399137, -0.34626588406206595168, -2.581451151157430411e-7, 0.27488546438985089587, -0.2164161775387566603, 0.2417742607247647078, 0.24677217825901873496, -0.0049979175343356768052, 1.5488706906944581893e-7, 0.32486463973343638424, 0.12984970652325399137, 0.24677217825901873496, 0.50499791753438471246, -0.25822573927531696959, -9.6804418168403631456e-8, -0.049979175343601826233, -0.34626588406206595168, -0.0049979175343356768052, -0.25822573927531696959, 0.25322782174095063522},
    };
    const double k[3] = {0.3, -0.5, 0.8};
    for (int c = 0; c < 3; c++) {
        vs_coupling *cp = make_lame(lam_mu[c][0], lam_mu[c][1]);
        double J[36];
        assert_int_equal(vs_coupling_jtilde(cp, k, J), VS_OK);
        for (int i = 0; i < 36; i++)
            assert_close(J[i], ref[c][i], 0.0, 1e-15);
        /* the Eq. 22 entry is exact: K/(λ+2μ) */
        assert_close(J[0], (lam_mu[c][0] + 2.0 * lam_mu[c][1] / 3.0) / (lam_mu[c][0] + 2.0 * lam_mu[c][1]), 2.3e-16,
                     0.0);
        vs_coupling_free(cp);
    }
}

/* The other end, σ → −1 (K ≪ μ): a handle from (K, μ) = (1e-10, 1) keeps K itself (λ = K − 2μ/3 would
 * have lost 6 of its digits), so J̃ keeps full absolute accuracy; J̃_0b ∝ √K was off by ~5e-14 through
 * λ + 2μ/3. Reference: the same mpmath script, λ = K − 2/3 exactly. vs_elastic_moduli(EXACT) returns
 * the K given. */
static void test_isotropic_jtilde_keeps_full_accuracy_as_sigma_to_minus_one(void **state)
{
    (void)state;
    static const double ref[36] = {7.4999999994375002733e-11, -1.2244897958265306051e-6, -4.1533871402873348325e-6, -6.1224489791326531104e-6, 3.6734693874795917303e-6, -2.295918367174744704e-6, -1.2244897958265306051e-6, 0.34027488546289043303, -0.11686473587603876635, 0.37484381506955434933, 0.26488962932561431438, -0.01249479383871303465, -4.1533871402873348325e-6, -0.11686473587603876635, 0.90972511451835955309, 0.1226358339132254564, -0.073581500347935271118, -0.21912137976757266968, -6.1224489791326531104e-6, 0.37484381506955434933, 0.1226358339132254564, 0.74156601412328198208, -0.053102873780091618506, 0.18242398999010828371, 3.6734693874795917303e-6, 0.26488962932561431438, -0.073581500347935271118, -0.053102873780091618506, 0.68492294875785091789, -0.37067888378998334173, -2.295918367174744704e-6, -0.01249479383871303465, -0.21912137976757266968, 0.18242398999010828371, -0.37067888378998334173, 0.32351103706261711391};
    const double k[3] = {0.3, -0.5, 0.8};
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_bulk_shear(1e-10, 1.0, &el), VS_OK);
    double m[6];
    assert_int_equal(vs_elastic_moduli(el, VS_AVERAGE_EXACT, m), VS_OK);
    assert_true(m[0] == 1e-10 && m[1] == 1.0);
    vs_coupling *cp = make(el, 1e-12);
    double J[36];
    assert_int_equal(vs_coupling_jtilde(cp, k, J), VS_OK);
    for (int i = 0; i < 36; i++)
        assert_close(J[i], ref[i], 0.0, 1e-15);
    vs_coupling_free(cp);
    vs_elastic_free(el);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jtilde_is_rank3_projector),
        cmocka_unit_test(test_ktilde_isotropic_equals_eq20),
        cmocka_unit_test(test_ktilde_general_equals_christoffel_inverse_form),
        cmocka_unit_test(test_jtilde_is_ktilde_in_spin_basis),
        cmocka_unit_test(test_isotropic_average_closed_form_and_quadrature),
        cmocka_unit_test(test_anisotropic_average_by_quadrature),
        cmocka_unit_test(test_appB_moments),
        cmocka_unit_test(test_appB_average_ktilde_lambda_mu_prime),
        cmocka_unit_test(test_eq22_ratio_three_forms_and_paper_values),
        cmocka_unit_test(test_harmonics_reconstruct_isotropic_exactly),
        cmocka_unit_test(test_harmonics_reconstruct_anisotropic_within_tol),
        cmocka_unit_test(test_harmonic_parts_are_legendre_projections),
        cmocka_unit_test(test_harmonic_parts_are_orthogonal_and_obey_parseval),
        cmocka_unit_test(test_isotropic_cubic_equals_lame),
        cmocka_unit_test(test_isotropic_compression_entry_is_pure_l0),
        cmocka_unit_test(test_dipolar_kernel_eigenvalues_and_harmonics),
        cmocka_unit_test(test_isotropic_jtilde_keeps_full_accuracy_as_sigma_to_half),
        cmocka_unit_test(test_isotropic_jtilde_keeps_full_accuracy_as_sigma_to_minus_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
