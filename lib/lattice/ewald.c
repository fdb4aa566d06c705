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
#include <string.h>

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

/* The smallest integer ≥ lo congruent to r modulo L: the enumeration below splits the first lattice
 * index by its residue so that parallel iterations never write the same table entry. */
static long first_congruent(long r, long lo, long L)
{
    long d = (r - lo) % L;
    if (d < 0)
        d += L;
    return lo + d;
}

/* Real-space terms of sublattice pair p with first lattice index n0. */
static int real_space_slab(struct vs_lattice *l, const vs__kernel *k, int p, const double *delta,
                           const long *nmax, long n0)
{
    const vs__geom *g = &l->geo;
    double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
    double J[VS__LAT_MAXNC * VS__LAT_MAXNC];
    long n[3] = {n0, 0, 0};
    for (n[1] = -nmax[1]; n[1] <= nmax[1]; n[1]++)
        for (n[2] = -nmax[2]; n[2] <= nmax[2]; n[2]++) {
            double x[3];
            for (int c = 0; c < 3; c++)
                x[c] = delta[c] + n[0] * g->A[c] + n[1] * g->A[3 + c] + n[2] * g->A[6 + c];
            double r = norm3(x);
            if (r >= l->rcut || r < 1e-12 * cbrt(l->v0))
                continue; /* outside the sphere, or the excluded self term */
            VS_FORWARD_IF_ERROR(vs__kernel_harmonics(k, x, A));
            real_term(l, A, r, J);
            add_packed(l->ttab + ((size_t)p * g->ngrid + grid_index(g, n)) * l->npack, J, l->nc, 1.0);
        }
    return VS_OK;
}

/* Σ'_R Σ_l J_l(Δ+R) Q((l+3)/2, α²|Δ+R|²) over the fixed neighbour sphere: every lattice vector
 * is folded into its supercell displacement. Parallel (OpenMP) over the residue of n0 mod L1. */
static int real_space_sum(struct vs_lattice *l, const vs__kernel *k)
{
    const vs__geom *g = &l->geo;
    int worst = VS_OK;
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

/* Reciprocal terms with first index p0 (G = Σ_i p_i b_i / L_i), folded into F on the half grid. */
static int reciprocal_slab(struct vs_lattice *l, const vs__kernel *k, fftw_complex *F,
                           const long *pmax, long p0)
{
    const vs__geom *g = &l->geo;
    int npack = l->npack;
    double A[(VS__LAT_MAXL / 2 + 1) * VS__LAT_MAXNC * VS__LAT_MAXNC];
    double f[VS__LAT_MAXNC * (VS__LAT_MAXNC + 1) / 2];
    long p[3] = {p0, 0, 0};
    for (p[1] = -pmax[1]; p[1] <= pmax[1]; p[1]++)
        for (p[2] = -pmax[2]; p[2] <= pmax[2]; p[2]++) {
            long m3 = p[2] % g->L[2];
            if (m3 < 0)
                m3 += g->L[2];
            if (m3 > g->L[2] / 2)
                continue; /* only the half grid the c2r transform reads */
            if (p[0] == 0 && p[1] == 0 && p[2] == 0)
                continue; /* G = 0 dropped: the sphere boundary */
            double G[3];
            for (int c = 0; c < 3; c++)
                G[c] = (p[0] * g->B[c]) / g->L[0] + (p[1] * g->B[3 + c]) / g->L[1] +
                       (p[2] * g->B[6 + c]) / g->L[2];
            double G2 = G[0] * G[0] + G[1] * G[1] + G[2] * G[2];
            if (G2 >= l->gcut * l->gcut)
                continue;
            VS_FORWARD_IF_ERROR(vs__kernel_harmonics(k, G, A));
            recip_weight(l, A, G2, f);
            size_t kidx = grid_index(g, p);
            kidx = (kidx / (size_t)g->L[2]) * (size_t)(g->L[2] / 2 + 1) + (size_t)m3;
            for (int b1 = 0; b1 < g->nb; b1++)
                for (int b2 = b1; b2 < g->nb; b2++) {
                    double ph = 0.0;
                    for (int c = 0; c < 3; c++)
                        ph += G[c] * (g->posr[3 * b1 + c] - g->posr[3 * b2 + c]);
                    double er = cos(ph), ei = sin(ph);
                    fftw_complex *dst =
                        F + ((size_t)vs__pack_index(g->nb, b1, b2) * g->nhalf + kidx) * npack;
                    for (int c = 0; c < npack; c++) {
                        dst[c][0] += f[c] * er;
                        dst[c][1] += f[c] * ei;
                    }
                }
        }
    return VS_OK;
}

/* F(k) = Σ_b f(k + b) e^{i(k+b)·(r_b1 − r_b2)} for every half-grid k: parallel (OpenMP) over the
 * residue of p0 mod L1, so that no two threads accumulate into the same k. */
static int reciprocal_sum(struct vs_lattice *l, const vs__kernel *k, fftw_complex *F)
{
    const vs__geom *g = &l->geo;
    long pmax[3], L0 = g->L[0];
    for (int i = 0; i < 3; i++) /* bounded by the work check of choose_ewald */
        pmax[i] = (long)recip_box_limit(g, l->gcut, i);
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
static int reciprocal_part(struct vs_lattice *l, const vs__kernel *k)
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
    VS_GOTO_IF_ERROR(st, reciprocal_sum(l, k, F), out);
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

/* Open cluster: the bare kernel J(Δ) for every displacement |d_i| < L_i, zero elsewhere. */
static int open_table(struct vs_lattice *l, const vs__kernel *k)
{
    const vs__geom *g = &l->geo;
    double J[VS__LAT_MAXNC * VS__LAT_MAXNC];
    for (int b1 = 0; b1 < g->nb; b1++)
        for (int b2 = b1; b2 < g->nb; b2++) {
            int p = vs__pack_index(g->nb, b1, b2);
            long d[3];
            for (d[0] = 1 - g->L[0]; d[0] < g->L[0]; d[0]++)
                for (d[1] = 1 - g->L[1]; d[1] < g->L[1]; d[1]++)
                    for (d[2] = 1 - g->L[2]; d[2] < g->L[2]; d[2]++) {
                        double x[3];
                        for (int c = 0; c < 3; c++)
                            x[c] = g->pos[3 * b1 + c] - g->pos[3 * b2 + c] + d[0] * g->A[c] +
                                   d[1] * g->A[3 + c] + d[2] * g->A[6 + c];
                        if (norm3(x) < 1e-12 * cbrt(l->v0))
                            continue;
                        VS_FORWARD_IF_ERROR(vs__pair_kernel(k, l->v0, x, J));
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

int vs__lattice_build_table(struct vs_lattice *l, const vs__kernel *k)
{
    const vs__geom *g = &l->geo;
    size_t nt;
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
    if (g->open)
        return open_table(l, k);
    VS_FORWARD_IF_ERROR(choose_ewald(l, k));
    VS_FORWARD_IF_ERROR(reciprocal_part(l, k));
    VS_FORWARD_IF_ERROR(real_space_sum(l, k));
    return apply_basis_shift(l);
}
