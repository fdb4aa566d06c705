/*
 * The coupling table T(Δ) of the lattice Hamiltonian (paper Eqs. 18–19) for every displacement of
 * the supercell (docs/lattice.md, "Ewald sum" and "Storage and symmetry"), and its blocks:
 * periodic lattices by the Ewald split of each harmonic degree l,
 *
 *   T(Δ) = Σ'_R Σ_l J_l(Δ+R) Q((l+3)/2, α²|Δ+R|²)
 *        + (v0/V) Σ_{G≠0} Σ_l A_l(Ĝ) Q(l/2, G²/(4α²)) cos(G·Δ),
 *
 * (G = 0 dropped: the sphere boundary; no self term because solid harmonics vanish at 0), and open
 * clusters by the bare kernel J(Δ) of Eq. 19's principal-value form.
 *
 * Cost: the real-space part runs over a fixed neighbour sphere (independent of N); the reciprocal
 * part folds every G = k + b (k on the supercell grid, b a reciprocal lattice vector of the cell)
 * inside the Gaussian cut-off into F(k), and one c2r FFT per table component gives all Δ at once.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/elastic.h>

#include "lattice_internal.h"

/* Largest real-space cut-off in units of the site spacing v0^{1/3}: bounds the neighbour sphere
 * independently of N while α keeps the reciprocal sum cheap for large supercells. */
#define VS__RCUT_MAX 20.0

#ifdef _OPENMP
#include <omp.h>
/* The thread count of the table build: the user's option, else the OpenMP default. */
static int vs__omp_threads(const struct vs_lattice *l)
{
    return l->opt.threads > 0 ? l->opt.threads : omp_get_max_threads();
}
#endif

static void add_packed(double *dst, const double *M, int nc, double w)
{
    int c = 0;
    for (int a = 0; a < nc; a++)
        for (int b = a; b < nc; b++)
            dst[c++] += w * M[a * nc + b];
}

static size_t grid_index(const vs__geom *g, const long *d)
{
    size_t idx = 0;
    for (int i = 0; i < 3; i++) {
        long m = d[i] % g->g[i];
        if (m < 0)
            m += g->g[i];
        idx = idx * (size_t)g->g[i] + (size_t)m;
    }
    return idx;
}

static double norm3(const double *v)
{
    return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

/* Largest entry of |A_l(n̂)| over a fixed spread of directions (a Fibonacci sphere), per degree:
 * high harmonics of an anisotropic coupling are tiny and need much shorter cut-offs. */
static int harmonic_amplitudes(const struct vs_lattice *l, const vs__kernel *k, double *amp)
{
    enum { NDIR = 96 };
    int nn = l->nc * l->nc;
    double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int deg = 0; deg <= l->lmax; deg += 2)
        amp[deg / 2] = 0.0;
    for (int i = 0; i < NDIR; i++) {
        double z = 1.0 - (2.0 * i + 1.0) / NDIR, rho = sqrt(1.0 - z * z);
        double phi = i * M_PI * (3.0 - sqrt(5.0));
        double n[3] = {rho * cos(phi), rho * sin(phi), z};
        VS_FORWARD_IF_ERROR(vs__kernel_harmonics(k, n, A));
        for (int deg = 2; deg <= l->lmax; deg += 2)
            for (int j = 0; j < nn; j++)
                amp[deg / 2] = fmax(amp[deg / 2], fabs(A[(size_t)(deg / 2) * nn + j]));
    }
    return VS_OK;
}

/* Work bound of the Ewald sums (docs/lattice.md, "Ewald sum", bounded work): at most
 * VS__WORK_BASE + 4 N_grid + VS__WORK_PAIR n_pairs lattice-vector candidates, i.e. a fixed multiple
 * of the automatic choice's cost. */
#define VS__WORK_BASE 4e6
#define VS__WORK_PAIR 4e5

/* Real-space box of one sublattice pair: n_i ∈ [−nmax_i, nmax_i] (as a double: may be huge). */
static double real_box_limit(const vs__geom *g, double rcut, double dnorm, int i)
{
    return ceil((rcut + dnorm) * vs__norm3_safe(g->B + 3 * i) / (2.0 * M_PI)) + 1.0;
}

/* Reciprocal box: p_i ∈ [−pmax_i, pmax_i]. */
static double recip_box_limit(const vs__geom *g, double gcut, int i)
{
    return floor(gcut * vs__norm3_safe(g->A + 3 * i) * g->L[i] / (2.0 * M_PI)) + 1.0;
}

static double pair_delta_norm(const vs__geom *g, int b1, int b2)
{
    double d[3];
    for (int x = 0; x < 3; x++)
        d[x] = g->posr[3 * b1 + x] - g->posr[3 * b2 + x];
    return vs__norm3_safe(d);
}

/* Number of candidates both enumerations visit for a given α (exactly the loops' box sizes). */
static double ewald_work(const struct vs_lattice *l, double alpha, double yr, double yk)
{
    const vs__geom *g = &l->geo;
    double rcut = sqrt(yr) / alpha, gcut = 2.0 * alpha * sqrt(yk), work = 1.0;
    for (int i = 0; i < 3; i++)
        work *= 2.0 * recip_box_limit(g, gcut, i) + 1.0;
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            double box = 1.0, dn = pair_delta_norm(g, b1, b2);
            for (int i = 0; i < 3; i++)
                box *= 2.0 * real_box_limit(g, rcut, dn, i) + 1.0;
            work += box;
        }
    return isnan(work) ? INFINITY : work;
}

/* Choose α and the two cut-offs from the accuracy ε (docs/lattice.md, "Ewald sum", accuracy: the
 * user asks for an accuracy, the library picks α and both cut-offs): every dropped term of degree
 * l is bounded by a_l γ_l Q((l+3)/2, α²r²) ≤ ε in real space (times v0/r³ ≤ 1) and by
 * a_l Q(l/2, G²/4α²) ≤ ε in reciprocal space, a_l = max |A_l|. The automatic α balances the two term counts,
 * nb²(4π/3)rc³/Vcell against V(4π/3)Gc³/(2π)³, and is raised if rc would exceed VS__RCUT_MAX, so
 * the real-space neighbour sphere stops growing with N. */
static int choose_ewald(struct vs_lattice *l, const vs__kernel *k)
{
    const vs__geom *g = &l->geo;
    double amp[VS__LAT_MAXL / 2 + 1], yr = 1e-3, yk = 1e-3;
    VS_FORWARD_IF_ERROR(harmonic_amplitudes(l, k, amp));
    for (int deg = 2; deg <= l->lmax; deg += 2) {
        double a = amp[deg / 2];
        if (a * vs__gamma_l(deg) > l->opt.accuracy)
            yr = fmax(yr, vs__gamma_q_inverse(deg + 3, l->opt.accuracy / (a * vs__gamma_l(deg))));
        if (a > l->opt.accuracy)
            yk = fmax(yk, vs__gamma_q_inverse(deg, l->opt.accuracy / a));
    }
    double alpha = l->opt.alpha, w_auto = 0.0;
    /* The automatic α: α⁶ = nb² yr^{3/2} π³ / (Vcell V yk^{3/2}), written with cube roots so that
     * Vcell·V cannot overflow or underflow (V = Vcell·ncells). */
    double a_auto = pow((double)g->nb * g->nb * pow(yr / yk, 1.5) * pow(M_PI, 3.0), 1.0 / 6.0) /
                    (cbrt(g->vcell) * sqrt(cbrt((double)g->ncells)));
    double rmax = VS__RCUT_MAX * cbrt(l->v0);
    if (sqrt(yr) / a_auto > rmax)
        a_auto = sqrt(yr) / rmax;
    if (!(alpha > 0.0))
        alpha = a_auto;
    VS_RETURN_ERROR_IF(!(isfinite(alpha) && alpha > 0.0), VS_EINVAL,
                       "vs_lattice_create: no finite Ewald parameter for this cell (alpha = %g)", alpha);
    w_auto = ewald_work(l, a_auto, yr, yk);
    l->alpha = alpha;
    l->rcut = sqrt(yr) / alpha;
    l->gcut = 2.0 * alpha * sqrt(yk);
    /* Bound the work any accepted α implies: the candidates of both enumerations (real space per
     * sublattice pair, reciprocal over the grid) may not exceed a fixed multiple of the lattice
     * size (the automatic α stays far inside it for any reasonable cell); this also bounds every
     * float→int conversion of the enumeration limits. */
    double work = ewald_work(l, alpha, yr, yk);
    double budget = VS__WORK_BASE + 4.0 * (double)g->ngrid + VS__WORK_PAIR * l->npairs;
    VS_RETURN_ERROR_IF(!(work <= budget), VS_EINVAL,
                       "vs_lattice_create: alpha = %g needs %.3g Ewald candidates (limit %.3g; the "
                       "automatic alpha needs %.3g): choose alpha closer to the lattice scale "
                       "(or 0 = automatic), or a less skewed cell",
                       alpha, work, budget, w_auto);
    return VS_OK;
}

/* Σ_{l≥2} (−1)^{l/2} γ_l (v0/r³) Q((l+3)/2, α²r²) A_l(r̂): the short-range real-space term. */
static void real_term(const struct vs_lattice *l, const double *A, double r, double *J)
{
    int nn = l->nc * l->nc;
    memset(J, 0, (size_t)nn * sizeof *J);
    for (int deg = 2; deg <= l->lmax; deg += 2) {
        double w = l->v0 / (r * r * r) * ((deg / 2) % 2 ? -1.0 : 1.0) * vs__gamma_l(deg);
        if (l->alpha > 0.0)
            w *= vs__gamma_q(deg + 3, l->alpha * l->alpha * r * r);
        const double *Al = A + (size_t)(deg / 2) * nn;
        for (int i = 0; i < nn; i++)
            J[i] += w * Al[i];
    }
}

/* ---------------------------------------------------------------- point-group symmetry
 * (docs/lattice.md, "Storage and symmetry"). A Cartesian operation R of one of two candidate
 * groups, the cubic group (the 48 signed permutations) or the hexagonal group D6h with its
 * six-fold axis along z and a two-fold axis along x (24 operations), with
 *   (kernel)  A_l(R n̂) = D A_l(n̂) Dᵀ for every degree l, D = D(R) the spin representation
 *             (1 for one component, R for three, Qᵀ D_Mandel(R) Q for the six elastic spins), and
 *   (lattice) R maps the summed lattice onto itself: M = E Rᵀ E⁻¹ integer, E the rows of the cell
 *             (real space and open clusters, single-site basis only) or of the supercell's
 *             reciprocal vectors b_i/L_i (any basis: the phases are applied per term),
 * maps every term of a sum onto another term with the transformed value: J(R x) = D J(x) Dᵀ. The
 * sums then evaluate the harmonics once per orbit and fill the orbit by D J Dᵀ. Both conditions are
 * checked numerically here, never assumed; the group is the set of R of one candidate group passing
 * both (a subgroup of it: the intersection of two groups), the larger of the two candidates' is
 * used, and a group of order 1 means the plain build. The sets summed over (a box cut by a sphere, the
 * half grid) need not be invariant: each orbit is represented by its lexicographically smallest
 * member in the set, and only the members in the set receive a value, so the symmetric sums add
 * exactly the terms of the plain ones (in another order: equal to round-off). */

#define VS__NSYM 48

/* Generic probe directions (irrational-looking coordinates, no symmetry of their own). */
static const double vs__probe[4][3] = {{0.8347, 0.3511, 0.4273},
                                       {-0.2189, 0.9011, 0.3747},
                                       {0.5573, -0.6691, 0.4918},
                                       {0.1234, 0.2981, -0.9465}};

typedef struct vs__symgroup {
    int n;
    long M[VS__NSYM][9];                          /* integer action on index vectors: p' = p M */
    double D[VS__NSYM][VS__LAT_MAXNC * VS__LAT_MAXNC]; /* spin representation, row-major */
    int ident[VS__NSYM];                          /* 1: the identity (no transformation) */
    /* Real-space group only: kfull = 1 if the kernel is invariant under all 48 operations; then
     * Dall[i] is the spin representation of cubic_op(i) (used by multi-site bases). */
    int kfull;
    double Dall[VS__NSYM][VS__LAT_MAXNC * VS__LAT_MAXNC];
} vs__symgroup;

/* The 48 signed permutation matrices (row-major), the identity first. */
static void cubic_op(int i, double *R)
{
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int pi = i / 8, s = i % 8;
    memset(R, 0, 9 * sizeof *R);
    for (int a = 0; a < 3; a++)
        R[a * 3 + perm[pi][a]] = (s >> a) & 1 ? -1.0 : 1.0;
}

static int inverse3(const double *E, double *Ei)
{
    double c[9] = {E[4] * E[8] - E[5] * E[7], E[2] * E[7] - E[1] * E[8], E[1] * E[5] - E[2] * E[4],
                   E[5] * E[6] - E[3] * E[8], E[0] * E[8] - E[2] * E[6], E[2] * E[3] - E[0] * E[5],
                   E[3] * E[7] - E[4] * E[6], E[1] * E[6] - E[0] * E[7], E[0] * E[4] - E[1] * E[3]};
    double det = E[0] * c[0] + E[1] * c[3] + E[2] * c[6];
    if (!(fabs(det) > 0.0) || !isfinite(det))
        return 0;
    for (int i = 0; i < 9; i++)
        Ei[i] = c[i] / det;
    return 1;
}

/* The candidate groups: VS__GROUP_CUBIC (the 48 signed permutations) and VS__GROUP_HEX (D6h: the
 * rotations by multiples of 60° about z, the same after the two-fold rotation about x, and all
 * of these times the inversion). Operation 0 is the identity in both. */
enum { VS__GROUP_CUBIC, VS__GROUP_HEX };
#define VS__NHEX 24

static int candidate_count(int set)
{
    return set == VS__GROUP_CUBIC ? VS__NSYM : VS__NHEX;
}

static void candidate_op(int set, int i, double *R)
{
    if (set == VS__GROUP_CUBIC) {
        cubic_op(i, R);
        return;
    }
    /* cos, sin of k·60° (exact to the last bit: ½ and √3/2) */
    static const double cs[6][2] = {{1.0, 0.0},   {0.5, 0.86602540378443864676},  {-0.5, 0.86602540378443864676},
                                    {-1.0, 0.0},  {-0.5, -0.86602540378443864676}, {0.5, -0.86602540378443864676}};
    int k = i % 6, flip = (i / 6) % 2;
    double sg = i >= 12 ? -1.0 : 1.0, c = cs[k][0], sn = cs[k][1], fy = flip ? -1.0 : 1.0;
    /* R = ±Rz(k·60°) · diag(1, fy, fy) */
    double Rz[9] = {c, -sn * fy, 0.0, sn, c * fy, 0.0, 0.0, 0.0, fy};
    for (int j = 0; j < 9; j++)
        R[j] = sg * Rz[j] + 0.0;
}

/* M = E Rᵀ E⁻¹ if it is an integer matrix (to 1e-9), else 0. */
static int integer_action(const double *E, const double *R, long *M)
{
    double Ei[9], T[9];
    if (!inverse3(E, Ei))
        return 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0.0;
            for (int k = 0; k < 3; k++)
                s += E[i * 3 + k] * R[j * 3 + k]; /* (E Rᵀ)_ij */
            T[i * 3 + j] = s;
        }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0.0;
            for (int k = 0; k < 3; k++)
                s += T[i * 3 + k] * Ei[k * 3 + j];
            double r = nearbyint(s);
            if (!(fabs(s - r) <= 1e-9) || fabs(r) > 1e6)
                return 0;
            M[i * 3 + j] = (long)r;
        }
    return 1;
}

/* The spin representation of R, or 0 if the component count has none we know. */
static int spin_rep(int nc, const double *R, double *D)
{
    if (nc == 1) {
        D[0] = 1.0;
        return 1;
    }
    if (nc == 3) {
        memcpy(D, R, 9 * sizeof *D);
        return 1;
    }
    if (nc != 6)
        return 0;
    /* Mandel t = (u11, u22, u33, √2u23, √2u31, √2u12); u → R u Rᵀ; spins g = Qᵀ M^{1/2} t, and
     * M^{1/2} commutes with D_M(R) whenever Λ is invariant (the kernel check below decides). */
    static const int ii[6] = {0, 1, 2, 1, 2, 0}, jj[6] = {0, 1, 2, 2, 0, 1};
    double DM[36], Q[36], T[36];
    for (int J = 0; J < 6; J++) {
        double u[9] = {0}, wJ = J < 3 ? 1.0 : M_SQRT1_2;
        u[ii[J] * 3 + jj[J]] = wJ;
        u[jj[J] * 3 + ii[J]] = wJ;
        for (int I = 0; I < 6; I++) {
            int a = ii[I], b = jj[I];
            double s = 0.0;
            for (int c = 0; c < 3; c++)
                for (int d = 0; d < 3; d++)
                    s += R[a * 3 + c] * u[c * 3 + d] * R[b * 3 + d];
            DM[I * 6 + J] = (I < 3 ? 1.0 : M_SQRT2) * s;
        }
    }
    if (vs_spin_basis(Q) != VS_OK)
        return 0;
    for (int i = 0; i < 6; i++) /* T = D_M Q */
        for (int j = 0; j < 6; j++) {
            double s = 0.0;
            for (int k = 0; k < 6; k++)
                s += DM[i * 6 + k] * Q[k * 6 + j];
            T[i * 6 + j] = s;
        }
    for (int i = 0; i < 6; i++) /* D = Qᵀ T */
        for (int j = 0; j < 6; j++) {
            double s = 0.0;
            for (int k = 0; k < 6; k++)
                s += Q[k * 6 + i] * T[k * 6 + j];
            D[i * 6 + j] = s;
        }
    return 1;
}

/* Does A_l(R n̂) = D A_l(n̂) Dᵀ hold (every degree, to round-off of the largest entry) at the
 * probe directions? Generic directions (irrational coordinates, no symmetry of their own), a first
 * one to reject quickly, three more to confirm. */
static int kernel_invariant(const struct vs_lattice *l, const vs__kernel *k, const double *R,
                            const double *D, const double *A0, double amax, int *ok)
{
    int nc = l->nc, nn = nc * nc, nl = l->lmax / 2 + 1;
    double A1[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
    double tol = 1e-13 * amax;
    *ok = 0;
    for (int t = 0; t < 4; t++) {
        double x[3];
        for (int a = 0; a < 3; a++)
            x[a] = R[a * 3] * vs__probe[t][0] + R[a * 3 + 1] * vs__probe[t][1] + R[a * 3 + 2] * vs__probe[t][2];
        VS_FORWARD_IF_ERROR(vs__kernel_harmonics(k, x, A1));
        for (int deg = 0; deg < nl; deg++) {
            const double *P = A0 + ((size_t)t * nl + deg) * nn, *Pr = A1 + (size_t)deg * nn;
            for (int a = 0; a < nc; a++)
                for (int b = 0; b < nc; b++) {
                    double s = 0.0;
                    for (int c = 0; c < nc; c++)
                        for (int d = 0; d < nc; d++)
                            s += D[a * nc + c] * P[c * nc + d] * D[b * nc + d];
                    if (!(fabs(s - Pr[a * nc + b]) <= tol))
                        return VS_OK;
                }
        }
    }
    *ok = 1;
    return VS_OK;
}

/* The invariant subgroups of the real-space sum (cell rows A) and of the reciprocal sum (rows
 * b_i/L_i). The real-space group needs a single-site basis (order 1 otherwise); the reciprocal
 * weight f(G) does not depend on the basis (the phases e^{iG·Δ} are applied per image). */
static int find_symmetry(const struct vs_lattice *l, const vs__kernel *k, int set, vs__symgroup *gr,
                         vs__symgroup *gk)
{
    const vs__geom *g = &l->geo;
    gr->n = gk->n = 0;
    double Ek[9];
    for (int i = 0; i < 3; i++)
        for (int c = 0; c < 3; c++)
            Ek[i * 3 + c] = g->B[i * 3 + c] / g->L[i];
    int nc = l->nc, nn = nc * nc, nl = l->lmax / 2 + 1;
    double *A0 = NULL, amax = 0.0;
    int probed = 0, st = VS_OK, kcount = 0;
    int cubic = set == VS__GROUP_CUBIC;
    for (int i = 0; i < candidate_count(set); i++) {
        double R[9], D[VS__LAT_MAXNC * VS__LAT_MAXNC];
        long Mr[9], Mk[9];
        candidate_op(set, i, R);
        int in_r = g->nb == 1 && integer_action(g->A, R, Mr), in_k = integer_action(Ek, R, Mk);
        /* multi-site bases: the real-space sum uses the kernel's invariance alone (all 48 cubic
         * operations, real_space_cached) */
        if (i > 0 && (!(in_r || in_k || (cubic && g->nb > 1)) || !spin_rep(nc, R, D)))
            continue;
        if (i > 0) {
            if (!probed) { /* the harmonics at the probe directions, once */
                A0 = vs__calloc((size_t)4 * nl * nn, sizeof *A0, &st);
                if (A0 == NULL)
                    return vs__error(st, "vs_lattice_create: out of memory (symmetry)");
                for (int t = 0; t < 4; t++)
                    VS_GOTO_IF_ERROR(st, vs__kernel_harmonics(k, vs__probe[t], A0 + (size_t)t * nl * nn), out);
                for (size_t j = 0; j < (size_t)4 * nl * nn; j++)
                    amax = fmax(amax, fabs(A0[j]));
                probed = 1;
            }
            int ok;
            VS_GOTO_IF_ERROR(st, kernel_invariant(l, k, R, D, A0, amax, &ok), out);
            if (!ok)
                continue;
        } else {
            memset(D, 0, sizeof D);
            for (int a = 0; a < nc; a++)
                D[a * nc + a] = 1.0;
            in_r = in_k = 1; /* the identity: M = I up to round-off, set exactly */
            for (int j = 0; j < 9; j++)
                Mr[j] = Mk[j] = j % 4 == 0;
        }
        memcpy(gr->Dall[i], D, (size_t)nn * sizeof *D);
        kcount++;
        vs__symgroup *dst[2] = {gr, gk};
        const long *src[2] = {Mr, Mk};
        int in[2] = {in_r, in_k};
        for (int s = 0; s < 2; s++)
            if (in[s]) {
                vs__symgroup *G = dst[s];
                memcpy(G->M[G->n], src[s], sizeof G->M[0]);
                memcpy(G->D[G->n], D, (size_t)nn * sizeof *D);
                G->ident[G->n] = i == 0;
                G->n++;
            }
    }
    gr->kfull = cubic && kcount == VS__NSYM;
out:
    vs__free(A0);
    return st;
}

/* A set summed over: a box of index vectors cut by a predicate, the same floating-point test as
 * the plain loops. */
enum { VS__SET_REAL, VS__SET_RECIP, VS__SET_OPEN };
typedef struct vs__orbit_set {
    const struct vs_lattice *l;
    int kind;
    long lo[3], hi[3];
} vs__orbit_set;

/* Is p in the set? Then x is its Cartesian vector (real: Δ + n·A; reciprocal: G; open: Δ + d·A). */
static int in_set(const vs__orbit_set *s, const long *p, double *x)
{
    const struct vs_lattice *l = s->l;
    const vs__geom *g = &l->geo;
    for (int i = 0; i < 3; i++)
        if (p[i] < s->lo[i] || p[i] > s->hi[i])
            return 0;
    if (s->kind == VS__SET_RECIP) {
        long m3 = p[2] % g->L[2];
        if (m3 < 0)
            m3 += g->L[2];
        if (m3 > g->L[2] / 2 || (p[0] == 0 && p[1] == 0 && p[2] == 0))
            return 0;
        for (int c = 0; c < 3; c++)
            x[c] = (p[0] * g->B[c]) / g->L[0] + (p[1] * g->B[3 + c]) / g->L[1] +
                   (p[2] * g->B[6 + c]) / g->L[2];
        return x[0] * x[0] + x[1] * x[1] + x[2] * x[2] < l->gcut * l->gcut;
    }
    if (s->kind == VS__SET_REAL) {
        for (int c = 0; c < 3; c++)
            x[c] = (g->posr[c] - g->posr[c]) + p[0] * g->A[c] + p[1] * g->A[3 + c] + p[2] * g->A[6 + c];
        double r = norm3(x);
        return !(r >= l->rcut || r < 1e-12 * cbrt(l->v0));
    }
    for (int c = 0; c < 3; c++)
        x[c] = g->pos[c] - g->pos[c] + p[0] * g->A[c] + p[1] * g->A[3 + c] + p[2] * g->A[6 + c];
    return !(norm3(x) < 1e-12 * cbrt(l->v0));
}

static void apply_action(const long *M, const long *p, long *q)
{
    for (int j = 0; j < 3; j++)
        q[j] = p[0] * M[j] + p[1] * M[3 + j] + p[2] * M[6 + j];
}

static int lex_less(const long *a, const long *b)
{
    for (int i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i];
    return 0;
}

/* Is p (in the set) the smallest member of its orbit that lies in the set? */
static int canonical(const vs__orbit_set *s, const vs__symgroup *G, const long *p)
{
    double x[3];
    for (int i = 0; i < G->n; i++) {
        long q[3];
        if (G->ident[i])
            continue;
        apply_action(G->M[i], p, q);
        if (lex_less(q, p) && in_set(s, q, x))
            return 0;
    }
    return 1;
}

/* The value of one term at x: real-space J (full nc×nc), reciprocal weight f (full), open J. */
static int term_value(const vs__orbit_set *s, const vs__kernel *k, const double *x, double *J)
{
    const struct vs_lattice *l = s->l;
    int nc = l->nc, nn = nc * nc;
    if (s->kind == VS__SET_OPEN)
        return vs__pair_kernel(k, l->v0, x, J);
    double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
    VS_FORWARD_IF_ERROR(vs__kernel_harmonics(k, x, A));
    if (s->kind == VS__SET_REAL) {
        real_term(l, A, norm3(x), J);
        return VS_OK;
    }
    double G2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
    double y = G2 / (4.0 * l->alpha * l->alpha), q[VS__LAT_MAXL / 2 + 1];
    for (int deg = 2; deg <= l->lmax; deg += 2)
        q[deg / 2] = vs__gamma_q(deg, y);
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++) {
            double v = 0.0;
            for (int deg = 2; deg <= l->lmax; deg += 2)
                v += q[deg / 2] * A[(size_t)(deg / 2) * nn + a * nc + b];
            J[a * nc + b] = v;
        }
    return VS_OK;
}


/* The upper triangle of D J Dᵀ (nc×nc, row-major D and J), packed row by row into P: the block of a
 * symmetry image, T(R r) = D(R) T(r) D(R)ᵀ. */
static void rotate_packed(int nc, const double *D, const double *J, double *P)
{
    double DJ[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++) {
            double v = 0.0;
            for (int c = 0; c < nc; c++)
                v += D[a * nc + c] * J[c * nc + b];
            DJ[a * nc + b] = v;
        }
    int c = 0;
    for (int a = 0; a < nc; a++)
        for (int b = a; b < nc; b++) {
            double v = 0.0;
            for (int e = 0; e < nc; e++)
                v += DJ[a * nc + e] * D[b * nc + e];
            P[c++] = v;
        }
}
/* Add the orbit of representative p (value J) to its destination: ttab (real, open) or F. */
static void scatter_orbit(const vs__orbit_set *s, const vs__symgroup *G, const long *p,
                          const double *J, fftw_complex *F)
{
    const struct vs_lattice *l = s->l;
    const vs__geom *g = &l->geo;
    int nc = l->nc;
    long seen[VS__NSYM][3];
    int nseen = 0;
    for (int i = 0; i < G->n; i++) {
        long q[3];
        double x[3];
        apply_action(G->M[i], p, q);
        if (!in_set(s, q, x))
            continue;
        int dup = 0;
        for (int j = 0; j < nseen && !dup; j++)
            dup = seen[j][0] == q[0] && seen[j][1] == q[1] && seen[j][2] == q[2];
        if (dup)
            continue;
        memcpy(seen[nseen++], q, sizeof seen[0]);
        double P[VS__LAT_MAXNC * (VS__LAT_MAXNC + 1) / 2];
        if (!G->ident[i]) {
            rotate_packed(nc, G->D[i], J, P);
        } else {
            int c = 0;
            for (int a = 0; a < nc; a++)
                for (int b = a; b < nc; b++)
                    P[c++] = J[a * nc + b];
        }
        if (s->kind == VS__SET_RECIP) {
            long m3 = q[2] % g->L[2];
            if (m3 < 0)
                m3 += g->L[2];
            size_t kidx = grid_index(g, q);
            kidx = (kidx / (size_t)g->L[2]) * (size_t)(g->L[2] / 2 + 1) + (size_t)m3;
            for (int b1 = 0; b1 < g->nb; b1++) /* the phases of reciprocal_slab, at this G */
                for (int b2 = b1; b2 < g->nb; b2++) {
                    double ph = 0.0;
                    for (int e = 0; e < 3; e++)
                        ph += x[e] * (g->posr[3 * b1 + e] - g->posr[3 * b2 + e]);
                    double er = cos(ph), ei = sin(ph);
                    fftw_complex *dst =
                        F + ((size_t)vs__pack_index(g->nb, b1, b2) * g->nhalf + kidx) * l->npack;
                    for (int j = 0; j < l->npack; j++) {
                        dst[j][0] += P[j] * er;
                        dst[j][1] += P[j] * ei;
                    }
                }
        } else {
            double *dst = l->ttab + grid_index(g, q) * (size_t)l->npack;
            for (int j = 0; j < l->npack; j++)
                dst[j] += P[j];
        }
    }
}

/* The symmetric sum over set s: count the representatives per first index (parallel), evaluate
 * them (parallel, the harmonics once per orbit), scatter (serial: orbits cross the slabs). */
static int orbit_sum(const vs__orbit_set *s, const vs__kernel *k, const vs__symgroup *G,
                     fftw_complex *F)
{
    const struct vs_lattice *l = s->l;
    long n0 = s->hi[0] - s->lo[0] + 1;
    int st = VS_OK, nn = l->nc * l->nc;
    size_t *start = vs__calloc((size_t)n0 + 1, sizeof *start, &st);
    VS_RETURN_ERROR_IF(start == NULL, st, "vs_lattice_create: out of memory (symmetry)");
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(vs__omp_threads(l))
#endif
    for (long i = 0; i < n0; i++) {
        long p[3] = {s->lo[0] + i, 0, 0};
        double x[3];
        size_t cnt = 0;
        for (p[1] = s->lo[1]; p[1] <= s->hi[1]; p[1]++)
            for (p[2] = s->lo[2]; p[2] <= s->hi[2]; p[2]++)
                if (in_set(s, p, x) && canonical(s, G, p))
                    cnt++;
        start[i + 1] = cnt;
    }
    for (long i = 0; i < n0; i++)
        start[i + 1] += start[i];
    size_t nrep = start[n0];
    long *reps = NULL;
    double *val = NULL;
    if (nrep > 0) {
        reps = vs__calloc(nrep * 3, sizeof *reps, &st);
        if (reps != NULL)
            val = vs__calloc(nrep, (size_t)nn * sizeof *val, &st);
        if (val == NULL) {
            vs__free(reps);
            vs__free(start);
            return vs__error(st, "vs_lattice_create: out of memory (symmetry, %zu orbits)", nrep);
        }
    }
    int worst = VS_OK;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) reduction(min : worst) num_threads(vs__omp_threads(l))
#endif
    for (long i = 0; i < n0; i++) {
        long p[3] = {s->lo[0] + i, 0, 0};
        double x[3];
        size_t r = start[i];
        for (p[1] = s->lo[1]; p[1] <= s->hi[1]; p[1]++)
            for (p[2] = s->lo[2]; p[2] <= s->hi[2]; p[2]++)
                if (in_set(s, p, x) && canonical(s, G, p)) {
                    memcpy(reps + 3 * r, p, sizeof p);
                    int e = term_value(s, k, x, val + r * (size_t)nn);
                    worst = e < worst ? e : worst;
                    r++;
                }
    }
    if (worst == VS_OK)
        for (size_t r = 0; r < nrep; r++)
            scatter_orbit(s, G, reps + 3 * r, val + r * (size_t)nn, F);
    vs__free(val);
    vs__free(reps);
    vs__free(start);
    VS_RETURN_ERROR_IF(worst != VS_OK, worst, "vs_lattice_create: the coupling's harmonics failed");
    return VS_OK;
}

/* The smallest integer ≥ lo congruent to r modulo L: the enumeration below splits the first lattice
 * index by its residue so that parallel iterations never write the same table entry. */
static long first_congruent(long r, long lo, long L)
{
    long d = (r - lo) % L;
    if (d < 0)
        d += L;
    return lo + d;
}

/* The real-space term J(x) of x = Δ + n·A (Δ = delta, the reduced basis offset): *use = 0 outside the
 * sphere and for the excluded self term, else J (nc×nc). Shared by the whole-table and slab sums. */
static int real_term_at(const struct vs_lattice *l, const vs__kernel *k, const double *delta, const long *n,
                        double *J, int *use)
{
    const vs__geom *g = &l->geo;
    double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC], x[3];
    for (int c = 0; c < 3; c++)
        x[c] = delta[c] + n[0] * g->A[c] + n[1] * g->A[3 + c] + n[2] * g->A[6 + c];
    double r = norm3(x);
    *use = !(r >= l->rcut || r < 1e-12 * cbrt(l->v0)); /* outside the sphere, or the self term */
    if (!*use)
        return VS_OK;
    VS_FORWARD_IF_ERROR(vs__kernel_harmonics(k, x, A));
    real_term(l, A, r, J);
    return VS_OK;
}

/* Real-space terms of sublattice pair p with first lattice index n0. */
static int real_space_slab(struct vs_lattice *l, const vs__kernel *k, int p, const double *delta,
                           const long *nmax, long n0)
{
    const vs__geom *g = &l->geo;
    double J[VS__LAT_MAXNC * VS__LAT_MAXNC];
    long n[3] = {n0, 0, 0};
    int use;
    for (n[1] = -nmax[1]; n[1] <= nmax[1]; n[1]++)
        for (n[2] = -nmax[2]; n[2] <= nmax[2]; n[2]++) {
            VS_FORWARD_IF_ERROR(real_term_at(l, k, delta, n, J, &use));
            if (use)
                add_packed(l->ttab + ((size_t)p * g->ngrid + grid_index(g, n)) * l->npack, J, l->nc, 1.0);
        }
    return VS_OK;
}

/* Multi-site bases (real space): the terms are J(x) at x = Δ_b1b2 + n·A of every pair; with a kernel
 * invariant under all 48 signed permutations, J(x) = D J(x_c) Dᵀ for x_c = (|x| sorted, descending)
 * and x = R x_c (exact in floating point: a signed permutation of x's components). The terms are
 * collected with their canonical x_c, sorted, and J is evaluated once per distinct x_c; terms whose
 * x_c differ only by round-off are evaluated separately (correct, merely not shared). */
typedef struct vs__rterm {
    double key[3];
    size_t dst; /* offset into ttab */
    int op;
} vs__rterm;

static void canonical_vector(const double *x, double *xc, int *op)
{
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int o[3] = {0, 1, 2}, inv[3];
    for (int i = 0; i < 2; i++) /* three-element sort by |x| descending, stable */
        for (int j = 0; j < 2 - i; j++)
            if (fabs(x[o[j]]) < fabs(x[o[j + 1]])) {
                int t = o[j];
                o[j] = o[j + 1];
                o[j + 1] = t;
            }
    for (int j = 0; j < 3; j++) {
        xc[j] = fabs(x[o[j]]);
        inv[o[j]] = j;
    }
    int pi = 0;
    while (pi < 5 && !(perm[pi][0] == inv[0] && perm[pi][1] == inv[1] && perm[pi][2] == inv[2]))
        pi++;
    *op = pi * 8 + (x[0] < 0.0) + 2 * (x[1] < 0.0) + 4 * (x[2] < 0.0);
}

static int rterm_cmp(const void *a, const void *b)
{
    const vs__rterm *s = a, *t = b;
    for (int i = 0; i < 3; i++)
        if (s->key[i] != t->key[i])
            return s->key[i] < t->key[i] ? -1 : 1;
    return 0;
}

/* Largest number of terms collected (48 B each); beyond it, the plain sum. */
#define VS__RTERM_MAX 2000000

static int real_space_cached(struct vs_lattice *l, const vs__kernel *k, const vs__symgroup *G, int *done)
{
    const vs__geom *g = &l->geo;
    int nc = l->nc, nn = nc * nc, st = VS_OK;
    *done = 0;
    /* count, then collect */
    size_t nterm = 0;
    vs__rterm *terms = NULL;
    for (int fill = 0; fill < 2; fill++) {
        size_t t = 0;
        for (int b1 = 0; b1 < g->nb; b1++)
            for (int b2 = b1; b2 < g->nb; b2++) {
                int p = vs__pack_index(g->nb, b1, b2);
                double delta[3];
                for (int x = 0; x < 3; x++)
                    delta[x] = g->posr[3 * b1 + x] - g->posr[3 * b2 + x];
                long nmax[3], n[3];
                for (int i = 0; i < 3; i++)
                    nmax[i] = (long)real_box_limit(g, l->rcut, pair_delta_norm(g, b1, b2), i);
                for (n[0] = -nmax[0]; n[0] <= nmax[0]; n[0]++)
                    for (n[1] = -nmax[1]; n[1] <= nmax[1]; n[1]++)
                        for (n[2] = -nmax[2]; n[2] <= nmax[2]; n[2]++) {
                            double x[3]; /* the formula and test of real_space_slab */
                            for (int c = 0; c < 3; c++)
                                x[c] = delta[c] + n[0] * g->A[c] + n[1] * g->A[3 + c] + n[2] * g->A[6 + c];
                            double r = norm3(x);
                            if (r >= l->rcut || r < 1e-12 * cbrt(l->v0))
                                continue;
                            if (fill) {
                                canonical_vector(x, terms[t].key, &terms[t].op);
                                terms[t].dst = ((size_t)p * g->ngrid + grid_index(g, n)) * l->npack;
                            }
                            if (++t > VS__RTERM_MAX && !fill)
                                return VS_OK; /* too many: the plain sum (done = 0) */
                        }
            }
        if (!fill) {
            nterm = t;
            if (nterm == 0) {
                *done = 1;
                return VS_OK;
            }
            terms = vs__calloc(nterm, sizeof *terms, &st);
            VS_RETURN_ERROR_IF(terms == NULL, st, "vs_lattice_create: out of memory (symmetry)");
        }
    }
    qsort(terms, nterm, sizeof *terms, rterm_cmp);
    size_t nu = 0;
    size_t *first = vs__calloc(nterm, sizeof *first, &st);
    double *val = first == NULL ? NULL : vs__calloc(nterm, (size_t)nn * sizeof *val, &st);
    if (val == NULL) {
        vs__free(first);
        vs__free(terms);
        return vs__error(st, "vs_lattice_create: out of memory (symmetry)");
    }
    for (size_t t = 0; t < nterm; t++)
        if (t == 0 || rterm_cmp(terms + t - 1, terms + t) != 0)
            first[nu++] = t;
    int worst = VS_OK;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 16) reduction(min : worst) num_threads(vs__omp_threads(l))
#endif
    for (size_t u = 0; u < nu; u++) {
        double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
        const double *xc = terms[first[u]].key;
        int e = vs__kernel_harmonics(k, xc, A);
        if (e == VS_OK)
            real_term(l, A, norm3(xc), val + u * (size_t)nn);
        worst = e < worst ? e : worst;
    }
    if (worst == VS_OK)
        for (size_t u = 0, t = 0; u < nu; u++) {
            size_t end = u + 1 < nu ? first[u + 1] : nterm;
            const double *J = val + u * (size_t)nn;
            for (; t < end; t++) {
                double *dst = l->ttab + terms[t].dst, P[VS__LAT_MAXNC * (VS__LAT_MAXNC + 1) / 2];
                rotate_packed(nc, G->Dall[terms[t].op], J, P);
                for (int c = 0; c < nc * (nc + 1) / 2; c++)
                    dst[c] += P[c];
            }
        }
    vs__free(val);
    vs__free(first);
    vs__free(terms);
    VS_RETURN_ERROR_IF(worst != VS_OK, worst,
                       "vs_lattice_create: the coupling's harmonics failed (real space)");
    *done = 1;
    return VS_OK;
}

/* Σ'_R Σ_l J_l(Δ+R) Q((l+3)/2, α²|Δ+R|²) over the fixed neighbour sphere: every lattice vector
 * is folded into its supercell displacement. Parallel (OpenMP) over the residue of n0 mod L1. */
static int real_space_sum(struct vs_lattice *l, const vs__kernel *k, const vs__symgroup *G)
{
    const vs__geom *g = &l->geo;
    int worst = VS_OK;
    if (G != NULL && G->n > 1) { /* single-site basis: one pair, Δ = 0 */
        vs__orbit_set s = {.l = l, .kind = VS__SET_REAL};
        for (int i = 0; i < 3; i++) {
            s.hi[i] = (long)real_box_limit(g, l->rcut, pair_delta_norm(g, 0, 0), i);
            s.lo[i] = -s.hi[i];
        }
        return orbit_sum(&s, k, G, NULL);
    }
    if (G != NULL && g->nb > 1 && G->kfull) {
        int done;
        VS_FORWARD_IF_ERROR(real_space_cached(l, k, G, &done));
        if (done)
            return VS_OK;
    }
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            int p = vs__pack_index(g->nb, b1, b2);
            double delta[3];
            for (int x = 0; x < 3; x++)
                delta[x] = g->posr[3 * b1 + x] - g->posr[3 * b2 + x];
            long nmax[3], L0 = g->L[0];
            for (int i = 0; i < 3; i++) /* bounded by the work check of choose_ewald */
                nmax[i] = (long)real_box_limit(g, l->rcut, pair_delta_norm(g, b1, b2), i);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) reduction(min : worst) num_threads(vs__omp_threads(l))
#endif
            for (long r0 = 0; r0 < L0; r0++)
                for (long n0 = first_congruent(r0, -nmax[0], L0); n0 <= nmax[0]; n0 += L0) {
                    int st = real_space_slab(l, k, p, delta, nmax, n0);
                    worst = st < worst ? st : worst;
                }
        }
    VS_RETURN_ERROR_IF(worst != VS_OK, worst,
                       "vs_lattice_create: the coupling's harmonics failed (real space)");
    return VS_OK;
}

/* Σ_{l≥2} A_l(Ĝ) Q(l/2, G²/4α²): the Fourier weight of the smooth part. */
static void recip_weight(const struct vs_lattice *l, const double *A, double G2, double *f)
{
    int nn = l->nc * l->nc, c = 0;
    double y = G2 / (4.0 * l->alpha * l->alpha);
    double q[VS__LAT_MAXL / 2 + 1];
    for (int deg = 2; deg <= l->lmax; deg += 2)
        q[deg / 2] = vs__gamma_q(deg, y);
    for (int a = 0; a < l->nc; a++)
        for (int b = a; b < l->nc; b++) {
            double s = 0.0;
            for (int deg = 2; deg <= l->lmax; deg += 2)
                s += q[deg / 2] * A[(size_t)(deg / 2) * nn + a * l->nc + b];
            f[c++] = s;
        }
}

/* The reciprocal point p (G = Σ_i p_i b_i / L_i): 0 when it is dropped (outside the half grid the
 * c2r transform reads, G = 0, beyond the cut-off), else 1 with its half-grid point m (p mod L), G and
 * the Fourier weight f (recip_weight). */
static int recip_point(const struct vs_lattice *l, const vs__kernel *k, const long *p, long *m, double *G,
                       double *f, int *st)
{
    const vs__geom *g = &l->geo;
    double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int i = 0; i < 3; i++) {
        m[i] = p[i] % g->L[i];
        m[i] += m[i] < 0 ? g->L[i] : 0;
    }
    if (m[2] > g->L[2] / 2 || (p[0] == 0 && p[1] == 0 && p[2] == 0))
        return 0;
    for (int c = 0; c < 3; c++)
        G[c] = (p[0] * g->B[c]) / g->L[0] + (p[1] * g->B[3 + c]) / g->L[1] + (p[2] * g->B[6 + c]) / g->L[2];
    double G2 = G[0] * G[0] + G[1] * G[1] + G[2] * G[2];
    if (G2 >= l->gcut * l->gcut)
        return 0;
    *st = vs__kernel_harmonics(k, G, A);
    if (*st != VS_OK)
        return 0;
    recip_weight(l, A, G2, f);
    return 1;
}

/* dst[p·stride + c] += f_c e^{iG·(x_b1 − x_b2)} for every basis pair p = (b1 ≤ b2), x the basis
 * positions: posr for the whole table (its basis shift follows in apply_basis_shift), pos for the
 * slabs (e^{iG·(pos_b1 − pos_b2)} = e^{iG·(posr_b1 − posr_b2)} e^{ik·(shift_b1 − shift_b2)·A} is that
 * shift in k-space). */
static void recip_add(const struct vs_lattice *l, const double *G, const double *f, const double *x,
                      fftw_complex *dst, size_t stride)
{
    const vs__geom *g = &l->geo;
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            double ph = 0.0;
            for (int c = 0; c < 3; c++)
                ph += G[c] * (x[3 * b1 + c] - x[3 * b2 + c]);
            double er = cos(ph), ei = sin(ph);
            fftw_complex *d = dst + (size_t)vs__pack_index(g->nb, b1, b2) * stride;
            for (int c = 0; c < l->npack; c++) {
                d[c][0] += f[c] * er;
                d[c][1] += f[c] * ei;
            }
        }
}

/* Reciprocal terms with first index p0 (G = Σ_i p_i b_i / L_i), folded into F on the half grid. */
static int reciprocal_slab(struct vs_lattice *l, const vs__kernel *k, fftw_complex *F,
                           const long *pmax, long p0)
{
    const vs__geom *g = &l->geo;
    size_t nz = (size_t)(g->L[2] / 2 + 1);
    double f[VS__LAT_MAXNC * (VS__LAT_MAXNC + 1) / 2], G[3];
    long p[3] = {p0, 0, 0}, m[3];
    int st = VS_OK;
    for (p[1] = -pmax[1]; p[1] <= pmax[1]; p[1]++)
        for (p[2] = -pmax[2]; p[2] <= pmax[2]; p[2]++) {
            if (recip_point(l, k, p, m, G, f, &st)) {
                size_t kidx = ((size_t)m[0] * (size_t)g->L[1] + (size_t)m[1]) * nz + (size_t)m[2];
                recip_add(l, G, f, g->posr, F + kidx * (size_t)l->npack, g->nhalf * (size_t)l->npack);
            }
            VS_FORWARD_IF_ERROR(st);
        }
    return VS_OK;
}

/* F(k) = Σ_b f(k + b) e^{i(k+b)·(r_b1 − r_b2)} for every half-grid k: parallel (OpenMP) over the
 * residue of p0 mod L1, so that no two threads accumulate into the same k. */
static int reciprocal_sum(struct vs_lattice *l, const vs__kernel *k, fftw_complex *F,
                          const vs__symgroup *G)
{
    const vs__geom *g = &l->geo;
    long pmax[3], L0 = g->L[0];
    for (int i = 0; i < 3; i++) /* bounded by the work check of choose_ewald */
        pmax[i] = (long)recip_box_limit(g, l->gcut, i);
    if (G != NULL && G->n > 1) {
        vs__orbit_set s = {.l = l, .kind = VS__SET_RECIP};
        for (int i = 0; i < 3; i++) {
            s.lo[i] = -pmax[i];
            s.hi[i] = pmax[i];
        }
        return orbit_sum(&s, k, G, F);
    }
    int worst = VS_OK;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) reduction(min : worst) num_threads(vs__omp_threads(l))
#endif
    for (long r0 = 0; r0 < L0; r0++)
        for (long p0 = first_congruent(r0, -pmax[0], L0); p0 <= pmax[0]; p0 += L0) {
            int st = reciprocal_slab(l, k, F, pmax, p0);
            worst = st < worst ? st : worst;
        }
    VS_RETURN_ERROR_IF(worst != VS_OK, worst,
                       "vs_lattice_create: the coupling's harmonics failed (reciprocal)");
    return VS_OK;
}

/* T^rec(Δ) = (v0/V) Σ_k F(k) e^{+ik·Δ}: one c2r transform per (pair, component), into ttab. */
static int reciprocal_part(struct vs_lattice *l, const vs__kernel *k, const vs__symgroup *G)
{
    const vs__geom *g = &l->geo;
    size_t nF;
    VS_FORWARD_IF_ERROR(vs__size_mul3((size_t)l->npairs, g->nhalf, (size_t)l->npack, &nF));
    VS_RETURN_ERROR_IF(nF > SIZE_MAX / sizeof(fftw_complex), VS_EOVERFLOW,
                       "vs_lattice_create: reciprocal table too large");
    fftw_complex *F = fftw_malloc(nF * sizeof *F);
    VS_RETURN_ERROR_IF(F == NULL, VS_ENOMEM, "vs_lattice_create: out of memory (reciprocal table)");
    memset(F, 0, nF * sizeof *F);

    fftw_iodim64 dims[3], how[2];
    vs__lattice_table_layout(l, 0, dims, how);
    vs__fftw_lock();
    fftw_plan plan = fftw_plan_guru64_dft_c2r(3, dims, 2, how, F, l->ttab, FFTW_ESTIMATE);
    vs__fftw_unlock();
    if (plan == NULL) {
        fftw_free(F);
        return vs__error(VS_ENUMERIC, "vs_lattice_create: FFTW could not plan the table transform");
    }
    int st;
    VS_GOTO_IF_ERROR(st, reciprocal_sum(l, k, F, G), out);
    fftw_execute(plan);
    double scale = l->v0 / (g->vcell * (double)g->ncells);
    size_t nt = (size_t)l->npairs * g->ngrid * (size_t)l->npack;
    for (size_t i = 0; i < nt; i++)
        l->ttab[i] *= scale;
out:
    vs__fftw_lock();
    fftw_destroy_plan(plan);
    vs__fftw_unlock();
    fftw_free(F);
    return st;
}

void vs__lattice_table_layout(const struct vs_lattice *l, int r2c, fftw_iodim64 *dims, fftw_iodim64 *how)
{
    const vs__geom *g = &l->geo;
    /* strides in elements: the real side over the full grid, the complex side over the half grid */
    ptrdiff_t r[3], c[3];
    r[2] = c[2] = l->npack;
    r[1] = r[2] * g->g[2];
    c[1] = c[2] * (g->g[2] / 2 + 1);
    r[0] = r[1] * g->g[1];
    c[0] = c[1] * g->g[1];
    for (int i = 0; i < 3; i++) {
        dims[i].n = g->g[i];
        dims[i].is = r2c ? r[i] : c[i];
        dims[i].os = r2c ? c[i] : r[i];
    }
    /* guru64: the strides between table blocks (ngrid·npack, nhalf·npack) exceed INT_MAX for large
     * lattices and open clusters */
    ptrdiff_t rblk = (ptrdiff_t)(g->ngrid * (size_t)l->npack),
              cblk = (ptrdiff_t)(g->nhalf * (size_t)l->npack);
    how[0].n = l->npairs;
    how[0].is = r2c ? rblk : cblk;
    how[0].os = r2c ? cblk : rblk;
    how[1].n = l->npack;
    how[1].is = 1;
    how[1].os = 1;
}

/* The open cluster's bare kernel J at the cell displacement d of basis pair (b1, b2): *use = 0 for the
 * excluded self term. Shared by the whole-table and slab builds. */
static int open_term_at(const struct vs_lattice *l, const vs__kernel *k, int b1, int b2, const long *d,
                        double *J, int *use)
{
    const vs__geom *g = &l->geo;
    double x[3];
    for (int c = 0; c < 3; c++)
        x[c] = g->pos[3 * b1 + c] - g->pos[3 * b2 + c] + d[0] * g->A[c] + d[1] * g->A[3 + c] +
               d[2] * g->A[6 + c];
    *use = !(norm3(x) < 1e-12 * cbrt(l->v0));
    return *use ? vs__pair_kernel(k, l->v0, x, J) : VS_OK;
}

/* Open cluster: the bare kernel J(Δ) for every displacement |d_i| < L_i, zero elsewhere. */
static int open_table(struct vs_lattice *l, const vs__kernel *k, const vs__symgroup *G)
{
    const vs__geom *g = &l->geo;
    if (G != NULL && G->n > 1) {
        vs__orbit_set s = {.l = l, .kind = VS__SET_OPEN};
        for (int i = 0; i < 3; i++) {
            s.lo[i] = 1 - g->L[i];
            s.hi[i] = g->L[i] - 1;
        }
        return orbit_sum(&s, k, G, NULL);
    }
    double J[VS__LAT_MAXNC * VS__LAT_MAXNC];
    int use;
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            int p = vs__pack_index(g->nb, b1, b2);
            long d[3];
            for (d[0] = 1 - g->L[0]; d[0] < g->L[0]; d[0]++)
                for (d[1] = 1 - g->L[1]; d[1] < g->L[1]; d[1]++)
                    for (d[2] = 1 - g->L[2]; d[2] < g->L[2]; d[2]++) {
                        VS_FORWARD_IF_ERROR(open_term_at(l, k, b1, b2, d, J, &use));
                        if (use)
                            add_packed(l->ttab + ((size_t)p * g->ngrid + grid_index(g, d)) * l->npack, J,
                                       l->nc, 1.0);
                    }
        }
    return VS_OK;
}

/* The periodic table is built from the basis reduced into the cell (posr); the user's site b of
 * cell c sits at posr_b + (c + shift_b)·A, so T_{b1b2}(d) = T^red_{b1b2}(d + shift_b1 − shift_b2)
 * (a cyclic shift of the pair's block; exact, no arithmetic). */
static int apply_basis_shift(struct vs_lattice *l)
{
    const vs__geom *g = &l->geo;
    size_t blk = g->ngrid * (size_t)l->npack;
    double *tmp = NULL;
    int st = VS_OK;
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            long dk[3];
            for (int i = 0; i < 3; i++)
                dk[i] = (g->shift[3 * b1 + i] - g->shift[3 * b2 + i] + g->g[i]) % g->g[i];
            if (dk[0] == 0 && dk[1] == 0 && dk[2] == 0)
                continue;
            if (tmp == NULL && (tmp = vs__calloc(blk, sizeof *tmp, &st)) == NULL)
                goto out;
            double *T = l->ttab + (size_t)vs__pack_index(g->nb, b1, b2) * blk;
            memcpy(tmp, T, blk * sizeof *tmp);
            long d[3];
            size_t dst = 0;
            for (d[0] = 0; d[0] < g->g[0]; d[0]++)
                for (d[1] = 0; d[1] < g->g[1]; d[1]++)
                    for (d[2] = 0; d[2] < g->g[2]; d[2]++, dst++) {
                        long e[3] = {d[0] + dk[0], d[1] + dk[1], d[2] + dk[2]};
                        memcpy(T + dst * l->npack, tmp + grid_index(g, e) * l->npack,
                               (size_t)l->npack * sizeof *T);
                    }
        }
out:
    vs__free(tmp);
    return st;
}

/* Is the symmetry search worth its ≈ 50–200 harmonic evaluations and the fill? Only for kernels
 * with expensive harmonics (lmax ≥ 6) and when the plain build visits more than a few thousand
 * candidates (open clusters: single-site bases only). Periodic lattices: called after
 * choose_ewald (the boxes of both sums). */
static int symmetry_pays(const struct vs_lattice *l)
{
    const vs__geom *g = &l->geo;
    double work = 1.0, real = 1.0;
    /* lmax ≤ 4 (isotropic elastic, dipolar): the harmonics cost about what the D J Dᵀ fill of every
     * term costs (bench/bench_table: 0.9–1.1× at L = 32–128), so the plain sums are kept */
    if (l->lmax <= 4)
        return 0;
    if (g->open) {
        if (g->nb != 1)
            return 0;
        for (int i = 0; i < 3; i++)
            work *= 2.0 * g->L[i] - 1.0;
        return work >= 1000.0;
    }
    for (int i = 0; i < 3; i++) {
        work *= 2.0 * recip_box_limit(g, l->gcut, i) + 1.0;
        real *= 2.0 * real_box_limit(g, l->rcut, 0.0, i) + 1.0;
    }
    return work + real >= 4096.0;
}

int vs__lattice_build_table_sym(struct vs_lattice *l, const vs__kernel *k, int use_symmetry,
                                int *order_real, int *order_recip)
{
    const vs__geom *g = &l->geo;
    size_t nt;
    if (order_real != NULL)
        *order_real = 1;
    if (order_recip != NULL)
        *order_recip = 1;
    VS_FORWARD_IF_ERROR(vs__size_mul3((size_t)l->npairs, g->ngrid, (size_t)l->npack, &nt));
    VS_RETURN_ERROR_IF(nt > SIZE_MAX / sizeof(double), VS_EOVERFLOW,
                       "vs_lattice_create: coupling table too large");
    l->ttab = fftw_malloc(nt * sizeof *l->ttab);
    VS_RETURN_ERROR_IF(l->ttab == NULL, VS_ENOMEM,
                       "vs_lattice_create: out of memory (coupling table, %zu doubles)", nt);
    memset(l->ttab, 0, nt * sizeof *l->ttab);
    l->alpha = l->rcut = l->gcut = 0.0;
    if (l->lmax < 2)
        return VS_OK; /* no pair kernel: T = 0 */
    vs__symgroup *gr = NULL, *gk = NULL;
    int st = VS_OK;
    if (!g->open)
        VS_FORWARD_IF_ERROR(choose_ewald(l, k));
    if (use_symmetry == 2 || (use_symmetry == 1 && symmetry_pays(l))) {
        gr = vs__calloc(4, sizeof *gr, &st); /* real, reciprocal; the hexagonal candidates' two */
        VS_RETURN_ERROR_IF(gr == NULL, st, "vs_lattice_create: out of memory (symmetry)");
        gk = gr + 1;
        VS_GOTO_IF_ERROR(st, find_symmetry(l, k, VS__GROUP_CUBIC, gr, gk), out);
        /* the hexagonal candidates; each sum keeps the larger group (both are groups) */
        VS_GOTO_IF_ERROR(st, find_symmetry(l, k, VS__GROUP_HEX, gr + 2, gr + 3), out);
        if (gr[2].n > gr->n) {
            gr->n = gr[2].n;
            memcpy(gr->M, gr[2].M, sizeof gr->M);
            memcpy(gr->D, gr[2].D, sizeof gr->D);
            memcpy(gr->ident, gr[2].ident, sizeof gr->ident);
        }
        if (gr[3].n > gk->n)
            *gk = gr[3];
        if (order_real != NULL) /* multi-site bases: the kernel's 48 (real_space_cached) or none */
            *order_real = g->nb > 1 && !g->open ? (gr->kfull ? VS__NSYM : 1) : gr->n;
        if (order_recip != NULL)
            *order_recip = g->open ? 1 : gk->n;
    }
    if (g->open) {
        VS_GOTO_IF_ERROR(st, open_table(l, k, gr), out);
        goto out;
    }
    VS_GOTO_IF_ERROR(st, reciprocal_part(l, k, gk), out);
    VS_GOTO_IF_ERROR(st, real_space_sum(l, k, gr), out);
    st = apply_basis_shift(l);
out:
    vs__free(gr);
    return st;
}

int vs__lattice_build_table(struct vs_lattice *l, const vs__kernel *k)
{
    return vs__lattice_build_table_sym(l, k, 1, NULL, NULL);
}

/* ================================================================ the table by slabs (@since 1.1)
 * vs_lattice_table_slab(): T(Δ) (FULL) or its real-space Ewald terms (REAL) for the displacements
 * whose first grid index lies in [x0, x1), the values of the serial table to round-off, in memory of
 * the slab's size, or the reciprocal part F(k)·v0/V on the half-grid k-planes [x0, x1) (RECIP)
 * (docs/mpi.md, "The distributed lattice"). Real-space layout (displacement-major, the layout
 * FFTW-MPI's "many" transforms take with howmany = npairs·npack):
 * out[(((d0 − x0)·g2 + d1)·g3 + d2)·npairs + p)·npack + c]; RECIP the same on the half grid, complex.
 * Plain sums (no point-group symmetry), one thread. */
typedef struct vs__slab {
    int x0, x1;
    double *out;
} vs__slab;

/* The slab entry of pair p at the grid displacement d (any integers, reduced here), or NULL when
 * its first index lies outside the slab. */
static double *slab_entry(const struct vs_lattice *l, const vs__slab *s, const long *d, int p)
{
    const vs__geom *g = &l->geo;
    long e[3];
    for (int i = 0; i < 3; i++) {
        e[i] = d[i] % g->g[i];
        if (e[i] < 0)
            e[i] += g->g[i];
    }
    if (e[0] < s->x0 || e[0] >= s->x1)
        return NULL;
    size_t idx = (((size_t)(e[0] - s->x0) * (size_t)g->g[1] + (size_t)e[1]) * (size_t)g->g[2] + (size_t)e[2]);
    return s->out + (idx * (size_t)l->npairs + (size_t)p) * (size_t)l->npack;
}

/* Open cluster: the bare kernel at the slab's displacements (open_table restricted). */
static int slab_open(const struct vs_lattice *l, const vs__kernel *k, const vs__slab *s)
{
    const vs__geom *g = &l->geo;
    double J[VS__LAT_MAXNC * VS__LAT_MAXNC];
    int use;
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            int p = vs__pack_index(g->nb, b1, b2);
            long d[3];
            for (d[0] = 1 - g->L[0]; d[0] < g->L[0]; d[0]++)
                for (d[1] = 1 - g->L[1]; d[1] < g->L[1]; d[1]++)
                    for (d[2] = 1 - g->L[2]; d[2] < g->L[2]; d[2]++) {
                        double *dst = slab_entry(l, s, d, p);
                        if (dst == NULL)
                            continue;
                        VS_FORWARD_IF_ERROR(open_term_at(l, k, b1, b2, d, J, &use));
                        if (use)
                            add_packed(dst, J, l->nc, 1.0);
                    }
        }
    return VS_OK;
}

/* The real-space Ewald terms (real_space_slab's sum over the neighbour sphere) that land in the
 * slab. The basis shift of apply_basis_shift is applied on the fly: the reduced-basis term at the
 * grid displacement n lands at n − (shift_b1 − shift_b2). */
static int slab_real(const struct vs_lattice *l, const vs__kernel *k, const vs__slab *s)
{
    const vs__geom *g = &l->geo;
    double J[VS__LAT_MAXNC * VS__LAT_MAXNC];
    int use;
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            int p = vs__pack_index(g->nb, b1, b2);
            double delta[3];
            long nmax[3], n[3], d[3];
            for (int i = 0; i < 3; i++) {
                delta[i] = g->posr[3 * b1 + i] - g->posr[3 * b2 + i];
                nmax[i] = (long)real_box_limit(g, l->rcut, pair_delta_norm(g, b1, b2), i);
            }
            for (n[0] = -nmax[0]; n[0] <= nmax[0]; n[0]++)
                for (n[1] = -nmax[1]; n[1] <= nmax[1]; n[1]++)
                    for (n[2] = -nmax[2]; n[2] <= nmax[2]; n[2]++) {
                        for (int i = 0; i < 3; i++)
                            d[i] = n[i] - (g->shift[3 * b1 + i] - g->shift[3 * b2 + i]);
                        double *dst = slab_entry(l, s, d, p);
                        if (dst == NULL)
                            continue;
                        VS_FORWARD_IF_ERROR(real_term_at(l, k, delta, n, J, &use));
                        if (use)
                            add_packed(dst, J, l->nc, 1.0);
                    }
        }
    return VS_OK;
}

/* The reciprocal terms with p1 ≡ j (mod L2) folded into one column F[k0][k2][pair][c] (k1 = j, k2 on
 * the half grid). */
static int slab_recip_column(const struct vs_lattice *l, const vs__kernel *k, const long *pmax, long j,
                             fftw_complex *F)
{
    const vs__geom *g = &l->geo;
    size_t nz = (size_t)(g->L[2] / 2 + 1), H = (size_t)l->npairs * (size_t)l->npack;
    double f[VS__LAT_MAXNC * (VS__LAT_MAXNC + 1) / 2], G[3];
    long p[3], m[3];
    int st = VS_OK;
    for (p[1] = first_congruent(j, -pmax[1], g->L[1]); p[1] <= pmax[1]; p[1] += g->L[1])
        for (p[0] = -pmax[0]; p[0] <= pmax[0]; p[0]++)
            for (p[2] = -pmax[2]; p[2] <= pmax[2]; p[2]++) {
                if (recip_point(l, k, p, m, G, f, &st))
                    recip_add(l, G, f, g->pos, F + ((size_t)m[0] * nz + (size_t)m[2]) * H, (size_t)l->npack);
                VS_FORWARD_IF_ERROR(st);
            }
    return VS_OK;
}

/* The reciprocal table F(k)·v0/V on the half-grid planes k0 ∈ [x0, x1) (VS_LATTICE_TABLE_RECIP):
 * out[(((k0 − x0)·g2 + k1)·(g3/2+1) + k2)·P + p)·C + c] as (re, im). Each reciprocal point is visited
 * by the rank whose planes hold it: the sum is divided over the slabs. */
static int slab_recip_planes(const struct vs_lattice *l, const vs__kernel *k, const vs__slab *s)
{
    const vs__geom *g = &l->geo;
    size_t nz = (size_t)(g->L[2] / 2 + 1), H = (size_t)l->npairs * (size_t)l->npack;
    fftw_complex *F = (fftw_complex *)s->out;
    double f[VS__LAT_MAXNC * (VS__LAT_MAXNC + 1) / 2], G[3];
    long pmax[3], p[3], m[3];
    int st = VS_OK;
    for (int i = 0; i < 3; i++) /* bounded by the work check of choose_ewald */
        pmax[i] = (long)recip_box_limit(g, l->gcut, i);
    for (long r0 = s->x0; r0 < s->x1; r0++)
        for (p[0] = first_congruent(r0, -pmax[0], g->L[0]); p[0] <= pmax[0]; p[0] += g->L[0])
            for (p[1] = -pmax[1]; p[1] <= pmax[1]; p[1]++)
                for (p[2] = -pmax[2]; p[2] <= pmax[2]; p[2]++) {
                    if (recip_point(l, k, p, m, G, f, &st))
                        recip_add(l, G, f, g->pos,
                                  F + (((size_t)(m[0] - s->x0) * (size_t)g->L[1] + (size_t)m[1]) * nz +
                                       (size_t)m[2]) *
                                          H,
                                  (size_t)l->npack);
                    VS_FORWARD_IF_ERROR(st);
                }
    double scale = l->v0 / (g->vcell * (double)g->ncells);
    for (size_t i = 0; i < 2 * (size_t)(s->x1 - s->x0) * (size_t)g->L[1] * nz * H; i++)
        s->out[i] *= scale;
    return VS_OK;
}

/* T^rec on the slab: the 3-D c2r of reciprocal_part split by axes. Column by column (k1 = j): F(k0,
 * j, k2) summed, transformed along axis 0 (c2c, e^{+i}), the slab's rows Δ0 ∈ [x0, x1) kept; then a
 * 2-D c2r over axes (1, 2) of each kept plane (after the axis-0 transform each plane is Hermitian
 * in (k1, k2): F(−k) = F(k)*). Memory: one column (g1·(g3/2+1)·H) and the slab (n·g2·(g3/2+1)·H
 * complex); work: the full reciprocal sum and N/2·log g1 per column, the slab's 2-D transforms. */
static int slab_recip(const struct vs_lattice *l, const vs__kernel *k, const vs__slab *s)
{
    const vs__geom *g = &l->geo;
    ptrdiff_t nz = g->L[2] / 2 + 1, H = (ptrdiff_t)l->npairs * l->npack, ns = s->x1 - s->x0;
    size_t ncol = (size_t)g->L[0] * (size_t)nz * (size_t)H,
           nslab = (size_t)ns * (size_t)g->L[1] * ncol / (size_t)g->L[0];
    fftw_complex *F = fftw_malloc(ncol * sizeof *F), *Bk = fftw_malloc(nslab * sizeof *Bk);
    fftw_plan pc = NULL, pr = NULL;
    int st = VS_OK;
    if (F == NULL || Bk == NULL) {
        st = vs__error(VS_ENOMEM, "vs_lattice_create: out of memory (reciprocal slab)");
        goto out;
    }
    fftw_iodim64 d0 = {g->L[0], nz * H, nz * H}, h0 = {nz * H, 1, 1};
    fftw_iodim64 d2[2] = {{g->L[1], nz * H, (ptrdiff_t)g->L[2] * H}, {g->L[2], H, H}};
    fftw_iodim64 h2[2] = {{ns, (ptrdiff_t)g->L[1] * nz * H, (ptrdiff_t)g->L[1] * g->L[2] * H}, {H, 1, 1}};
    vs__fftw_lock();
    pc = fftw_plan_guru64_dft(1, &d0, 1, &h0, F, F, FFTW_BACKWARD, FFTW_ESTIMATE);
    pr = fftw_plan_guru64_dft_c2r(2, d2, 2, h2, Bk, s->out, FFTW_ESTIMATE);
    vs__fftw_unlock();
    if (pc == NULL || pr == NULL) {
        st = vs__error(VS_ENUMERIC, "vs_lattice_create: FFTW could not plan the slab transforms");
        goto out;
    }
    long pmax[3];
    for (int i = 0; i < 3; i++) /* bounded by the work check of choose_ewald */
        pmax[i] = (long)recip_box_limit(g, l->gcut, i);
    size_t row = (size_t)nz * (size_t)H;
    for (long j = 0; j < g->L[1]; j++) {
        memset(F, 0, ncol * sizeof *F);
        VS_GOTO_IF_ERROR(st, slab_recip_column(l, k, pmax, j, F), out);
        fftw_execute(pc);
        for (ptrdiff_t i = 0; i < ns; i++)
            memcpy(Bk + ((size_t)i * (size_t)g->L[1] + (size_t)j) * row, F + (size_t)(s->x0 + i) * row,
                   row * sizeof *F);
    }
    fftw_execute(pr);
    double scale = l->v0 / (g->vcell * (double)g->ncells);
    for (size_t i = 0; i < (size_t)ns * (size_t)g->L[1] * (size_t)g->L[2] * (size_t)H; i++)
        s->out[i] *= scale;
out:
    vs__fftw_lock();
    if (pc)
        fftw_destroy_plan(pc);
    if (pr)
        fftw_destroy_plan(pr);
    vs__fftw_unlock();
    fftw_free(F);
    fftw_free(Bk);
    return st;
}

int vs__lattice_table_slab(struct vs_lattice *l, const vs__kernel *k, int part, int x0_begin, int x0_end,
                           double *out)
{
    const vs__geom *g = &l->geo;
    vs__slab s = {x0_begin, x0_end, out};
    size_t n = (size_t)(x0_end - x0_begin) * (size_t)g->g[1] * (size_t)l->npairs * (size_t)l->npack;
    n *= part == VS_LATTICE_TABLE_RECIP ? 2 * (size_t)(g->g[2] / 2 + 1) : (size_t)g->g[2];
    memset(out, 0, n * sizeof *out);
    l->alpha = l->rcut = l->gcut = 0.0;
    if (l->lmax < 2 || n == 0)
        return VS_OK; /* no pair kernel (T = 0) or an empty slab */
    if (g->open)
        return slab_open(l, k, &s);
    VS_FORWARD_IF_ERROR(choose_ewald(l, k));
    if (part == VS_LATTICE_TABLE_RECIP)
        return slab_recip_planes(l, k, &s);
    if (part == VS_LATTICE_TABLE_FULL)
        VS_FORWARD_IF_ERROR(slab_recip(l, k, &s)); /* first: its c2r overwrites the slab */
    return slab_real(l, k, &s);
}
