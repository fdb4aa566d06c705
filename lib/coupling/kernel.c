/* The kernel of a coupling handle at a unit vector k̂: W(k̂) = J̃(k̂) (elastic, Eq. 20 in the spin basis of
 * Eq. A3) or k̂k̂ᵀ (dipolar, App. B), and K̃(k̂) (Eq. 20) in Mandel and tensor form. No argument checks
 * (coupling.c does them); docs/coupling.md, "K̃ and J̃". */
#include <string.h>
#include <lapacke.h>

#include "common/internal.h"
#include "common/voigt.h"
#include "coupling_internal.h"

/* D(k̂)ᵀ as a row-major 6×3 matrix: Dᵀ v is the Mandel vector of sym(v ⊗ k̂), so that
 * (D t)_i = ε_ij k̂_j for the strain ε of the Mandel vector t (docs/coupling.md, "K̃ and J̃"). */
static void d_transpose(const double *k, double *Dt)
{
    const double r = 1.0 / M_SQRT2;
    memset(Dt, 0, 18 * sizeof *Dt);
    for (int i = 0; i < 3; i++)
        Dt[i * 3 + i] = k[i];
    Dt[3 * 3 + 1] = r * k[2]; /* √2 ε23 pairs (1, k3) and (2, k2) */
    Dt[3 * 3 + 2] = r * k[1];
    Dt[4 * 3 + 2] = r * k[0]; /* √2 ε31 */
    Dt[4 * 3 + 0] = r * k[2];
    Dt[5 * 3 + 0] = r * k[1]; /* √2 ε12 */
    Dt[5 * 3 + 1] = r * k[0];
}

/* Y Γ⁻¹ Yᵀ for a row-major 6×3 Y with Y = B Dᵀ (B = M or Qᵀ M^{1/2}), so that YᵀY-type products need
 * only Γ = D M Dᵀ. Isotropic Λ uses the closed form Γ⁻¹ = (1/μ)(I − (λ+μ)/(λ+2μ) k̂k̂ᵀ) (Eq. B3), applied
 * as (I − k̂k̂ᵀ)/μ + k̂k̂ᵀ/(λ+2μ): the printed form subtracts two nearly equal longitudinal terms when
 * λ ≫ μ (σ → 1/2); otherwise Γ Z = Yᵀ is solved by Cholesky (LAPACKE_dposv_work, no allocation). */
static int sandwich_inverse_christoffel(const vs_coupling *c, const double *k, const double *Y, double *out)
{
    double Z[18]; /* column-major 3×6 = Γ⁻¹ Yᵀ; a row-major 6×3 Y is the column-major Yᵀ */
    if (c->isotropic) {
        const double mu = c->el.mu, m = c->el.K + 4.0 * mu / 3.0; /* λ + 2μ as a sum of positives */
        for (int b = 0; b < 6; b++) {
            const double *y = Y + b * 3;
            double ky = k[0] * y[0] + k[1] * y[1] + k[2] * y[2];
            for (int i = 0; i < 3; i++)
                Z[b * 3 + i] = (y[i] - k[i] * ky) / mu + k[i] * ky / m;
        }
    } else {
        double G[9];
        vs__christoffel(c->el.L, k, G);
        memcpy(Z, Y, sizeof Z);
        lapack_int info = LAPACKE_dposv_work(LAPACK_COL_MAJOR, 'U', 3, 6, G, 3, Z, 3);
        VS_RETURN_ERROR_IF(info != 0, VS_ENUMERIC,
                           "Christoffel matrix not positive definite (dposv info = %d)", (int)info);
    }
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            out[a * 6 + b] =
                Y[a * 3 + 0] * Z[b * 3 + 0] + Y[a * 3 + 1] * Z[b * 3 + 1] + Y[a * 3 + 2] * Z[b * 3 + 2];
    return VS_OK;
}

/* Isotropic J̃(k̂) in closed form. With M^{1/2} = √(3K) q1q1ᵀ + √(2μ)(I − q1q1ᵀ) the rows of
 * Y = Qᵀ M^{1/2} Dᵀ are y_0 = √K k̂ (D q1 = k̂/√3) and y_b = √(2μ) ε_b k̂ (b ≥ 1, ε_b the strain of the
 * Mandel vector q_b). Splitting Γ⁻¹ = (I − k̂k̂ᵀ)/μ + k̂k̂ᵀ/(λ+2μ) (Eq. B3), with l_b = k̂·ε_b k̂ and
 * t_b = ε_b k̂ − l_b k̂:
 *   J_00 = K/(λ+2μ),  J_0b = √(2Kμ)/(λ+2μ) l_b,  J_bc = 2 t_b·t_c + 2μ/(λ+2μ) l_b l_c.
 * Every term is O(1) and formed without cancellation, so J̃ keeps full absolute accuracy as σ → 1/2
 * (λ/μ → ∞), where the generic Qᵀ M^{1/2} route loses ~log10(λ/μ) digits in M^{1/2}. */
static void jtilde_isotropic(const vs_coupling *c, const double *k, double *J)
{
    const double K = c->el.K, mu = c->el.mu, m = K + 4.0 * mu / 3.0; /* λ + 2μ, no cancellation */
    double t[6][3], l[6];
    for (int b = 1; b < 6; b++) {
        double q[6], u[9];
        for (int a = 0; a < 6; a++)
            q[a] = c->Q[a * 6 + b];
        vs__mandel_to_strain(q, u);
        double v[3];
        vs__matvec(3, 3, u, k, v);
        l[b] = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
        for (int i = 0; i < 3; i++)
            t[b][i] = v[i] - l[b] * k[i];
    }
    const double c0b = sqrt(K) * sqrt(2.0 * mu) / m, cl = 2.0 * mu / m;
    J[0] = K / m;
    for (int b = 1; b < 6; b++) {
        J[b] = J[b * 6] = c0b * l[b];
        for (int d = 1; d <= b; d++)
            J[b * 6 + d] = J[d * 6 + b] =
                2.0 * (t[b][0] * t[d][0] + t[b][1] * t[d][1] + t[b][2] * t[d][2]) + cl * l[b] * l[d];
    }
}

/* J̃(k̂) = Qᵀ X Γ⁻¹ Xᵀ Q with X = M^{1/2} Dᵀ, XᵀX = Γ (Eq. 20 in the spin basis of Eq. A3; docs/coupling.md,
 * "K̃ and J̃"). */
static int jtilde_eval(const vs_coupling *c, const double *k, double *J)
{
    if (c->isotropic) {
        jtilde_isotropic(c, k, J);
        return VS_OK;
    }
    double Dt[18], Y[18];
    d_transpose(k, Dt);
    vs__matmul(6, 6, 3, c->QtMsqrt, Dt, Y);
    VS_FORWARD_IF_ERROR(sandwich_inverse_christoffel(c, k, Y, J));
    for (int a = 0; a < 6; a++) /* exact symmetry (the two triangles differ by round-off) */
        for (int b = a + 1; b < 6; b++)
            J[a * 6 + b] = J[b * 6 + a] = 0.5 * (J[a * 6 + b] + J[b * 6 + a]);
    return VS_OK;
}

int vs__coupling_eval(const vs_coupling *c, const double *k, double *W)
{
    if (c->kind == VS__KERNEL_ELASTIC)
        return jtilde_eval(c, k, W);
    for (int i = 0; i < 3; i++) /* App. B: W = k̂k̂ᵀ */
        for (int j = 0; j < 3; j++)
            W[i * 3 + j] = k[i] * k[j];
    return VS_OK;
}

/* Mandel K̃ = P Γ⁻¹ Pᵀ with P = M Dᵀ (Eq. 20, Mandel form). */
int vs__coupling_ktilde_mandel(const vs_coupling *c, const double *k, double *Km)
{
    double Dt[18], P[18];
    d_transpose(k, Dt);
    vs__matmul(6, 6, 3, c->el.M, Dt, P);
    return sandwich_inverse_christoffel(c, k, P, Km);
}

/* K̃_ijkl from the Mandel form: K̃_ab = F_a K̃_{ij kl} F_b (Eq. A2), a = voigt(ij), b = voigt(kl). */
int vs__coupling_ktilde_tensor(const vs_coupling *c, const double *k, double *K)
{
    double Km[36];
    VS_FORWARD_IF_ERROR(vs__coupling_ktilde_mandel(c, k, Km));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int m = 0; m < 3; m++)
                for (int l = 0; l < 3; l++) {
                    int a = vs__voigt_index(i, j), b = vs__voigt_index(m, l);
                    K[((i * 3 + j) * 3 + m) * 3 + l] =
                        Km[a * 6 + b] / (vs__mandel_factor(a) * vs__mandel_factor(b));
                }
    return VS_OK;
}
