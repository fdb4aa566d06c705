/*
 * The one internal header of the lattice handle: the long-range spin Hamiltonian of paper
 * Eqs. 18–19 on a periodic supercell or an open cluster (docs/lattice.md). Not installed; nothing
 * here is exported.
 *
 * Files, bottom → top. Each file does one job and calls only the files listed before it (and
 * lib/common/); the declarations below follow the same order, one section per file.
 *
 *   planner.c          the library's FFTW planner lock (vs_fftw_planner_lock)
 *   kernel.c           the pair kernel J(r) of Eq. 19 in harmonic form; the incomplete gammas
 *   geometry.c         cell, reciprocal cell, basis, supercell and FFT grid
 *   ewald.c            the real-space coupling table T(Δ) (Ewald split or open cluster) and its blocks;
 *                      the table by slabs and parts (vs_lattice_table_slab)
 *   pairs.c            user pair tables (bond lists) checked and added to the real-space table
 *   fft.c              the k-space table and the FFT convolution h = T * s
 *   checks.c           the argument checks shared by the handle's public functions
 *   options.c          vs_lattice_options: defaults, bounds, set/get
 *   lattice.c          the handle's lifecycle: create, free, memory estimate, queries, U and D
 *   workspace.c        vs_lattice_workspace: per-thread FFT scratch for a shared const lattice
 *   evaluate.c         fields and energies of configurations (FFT and direct sums), the total spin
 *   moves.c            Monte Carlo moves: single-spin ΔE and update
 *   luttinger_tisza.c  the Fourier coupling H(k) and the Luttinger–Tisza extremes
 *   structure.c        the static structure factor S(k) of a configuration on the supercell grid
 */
#ifndef VS_LATTICE_INTERNAL_H
#define VS_LATTICE_INTERNAL_H

#include <stddef.h>
#include <fftw3.h>

#include <libvoigtspin/lattice.h>
#include "common/internal.h"

/* ================================================================ types (shared by every file) */

/* Largest number of spin components and of harmonic degrees we handle in fixed-size buffers. */
#define VS__LAT_MAXNC 16
#define VS__LAT_MAXL 64

/* The coupling as the lattice sees it: W(n̂) = Σ_l A_l(n̂), l = 0, 2, …, lmax (docs/lattice.md,
 * "Hamiltonian and units"). */
typedef struct vs__kernel {
    int nc;                  /* spin components */
    int lmax;                /* largest even degree; -1 when there is no pair kernel */
    const vs_coupling *c;    /* source of the harmonics (borrowed during creation only) */
} vs__kernel;

/* Geometry (docs/lattice.md, "Layouts"). */
typedef struct vs__geom {
    double A[9];      /* rows: cell vectors a1, a2, a3 (Cartesian) */
    double B[9];      /* rows: reciprocal vectors b_i, a_i·b_j = 2π δ_ij */
    double vcell;     /* |det A| */
    int nb;           /* basis sites per cell */
    double *pos;      /* nb×3 Cartesian basis positions f·A (as given) */
    double *posr;     /* nb×3 the same reduced into the cell, (f − ⌊f⌋)·A (shares pos's block) */
    long *shift;      /* nb×3 ⌊f⌋ mod g: pos = posr + shift·A modulo the supercell */
    int L[3];         /* supercell */
    size_t ncells, nsites;
    int open;         /* 1: open cluster (zero-padded convolution), 0: periodic */
    int g[3];         /* FFT grid: L (periodic) or 2L (open) */
    size_t ngrid;     /* g1 g2 g3 */
    size_t nhalf;     /* g1 g2 (g3/2+1) */
} vs__geom;

/* A user pair table as passed to vs_lattice_create_pairs (docs/lattice.md, "Pair tables"): n bonds,
 * disp[n*3] cell displacements, pair[n*2] basis indices, blocks[n*nc*nc] row-major. */
typedef struct vs__pairs {
    size_t n;
    const int *disp;
    const int *pair;
    const double *blocks;
} vs__pairs;

/* The options (a public opaque type; see options.c). */
struct vs_lattice_options {
    double accuracy;
    double alpha;      /* 0 = automatic */
    int boundary;
    double e0;
    int planner;
    int threads;       /* 0 = OpenMP default */
    int fft_threads;   /* FFTW threads of the evaluation plans, ≥ 1 */
    double max_memory; /* bytes; 0 = no ceiling */
};

/* FFT scratch for evaluating one lattice from one thread (docs/lattice.md, "Workspaces"). The
 * plans are the lattice's (made once at creation, under the planner lock); a workspace holds only
 * the buffers they are executed on, with FFTW's thread-safe new-array execute functions. Every
 * buffer comes from fftw_malloc, so it has the alignment the plans were made for. */
struct vs_lattice_workspace {
    const struct vs_lattice *lat; /* the lattice it was made for (borrowed) */
    double *xr;                   /* m planes of the grid, gp reals apart (open clusters: zero-padded) */
    fftw_complex *xk;             /* their transforms, m planes of nhalf, hp complex apart */
};

/* The handle (docs/lattice.md, "Storage and symmetry"). */
struct vs_lattice {
    vs__geom geo;
    struct vs_lattice_options opt;
    int nc;           /* spin components */
    int lmax;         /* -1: no pair kernel */
    int m;            /* nb*nc: the FFT vector length per cell */
    int npack;        /* nc(nc+1)/2 */
    int npairs;       /* nb(nb+1)/2 */
    double v0;        /* volume per site */
    double alpha, rcut, gcut;
    double tmax;      /* max |table entry|: bounds the field change of one move (vs_lattice_update) */
    /* Real-space table: T_{b1b2}(d) for pairs b1 ≤ b2 and every grid displacement d,
     * packed upper triangle: ttab[(p*ngrid + d)*npack + c]. */
    double *ttab;
    /* k-space table per half-grid point: nb == 1 → real packed symmetric ktab_r[k*npack + c];
     * nb > 1 → complex packed Hermitian (m(m+1)/2 per k), ktab_c. */
    double *ktab_r;
    fftw_complex *ktab_c;
    double *U, *D;    /* nc×nc, NULL means zero */
    /* The handle's own workspace (the non-const evaluators use it; the plans were made on its
     * buffers) and the plans, made once at creation and shared by every workspace: pfwd/pbwd the
     * evaluation's r2c/c2r of the m contiguous planes (component-major: plane j, grid point p at
     * xr[j·gp + p], xk[j·hp + k]); fwd the site-major r2c (xr[p·m + j] → xk[k·m + j]) of the
     * structure factor (structure.c), serial FFTW_ESTIMATE. */
    struct vs_lattice_workspace ws;
    fftw_plan pfwd, pbwd, fwd;
    /* Serial evaluation (fft_threads = 1; pfwd/pbwd are then NULL): the 3-D transforms split into
     * a slab stage (2-D r2c/c2r over axes 1, 2 of every plane) and a column stage (1-D c2c along
     * axis 0) that runs block by block of `colblk` adjacent columns with the k-space product in
     * between, while the block is in cache (fft.c, "Fused evaluation"). col_*[1] serve the last,
     * shorter block (`colrem` columns; NULL when colrem = 0). */
    fftw_plan slab_fwd, slab_bwd, col_fwd[2], col_bwd[2];
    size_t colblk, colrem;
    int slabwise; /* 1: slab_fwd/slab_bwd transform one slab (executed slab by slab, each right after
                     its copy-in or before its copy-out); 0: all slabs at once */
    /* Real side of the slab plans: slabwise, one slab of each plane at the start of xr, sps apart
     * (the same few hundred KiB for every slab: it stays in cache, and the dead planes are never
     * written back to memory); else the whole planes, sps = gp. */
    size_t sps;
    /* Plane distances of the workspaces: gp ≥ ngrid reals, hp ≥ nhalf complex (fft.c, plane_dist). */
    size_t gp, hp;
};

/* Pair index of b1 ≤ b2 in the packed sublattice-pair list, and packed component index a ≤ b. */
static inline int vs__pack_index(int n, int i, int j)
{
    if (i > j) {
        int t = i;
        i = j;
        j = t;
    }
    return i * n - i * (i - 1) / 2 + (j - i);
}

/* uᵀ X v for the row-major nc×nc matrix X (the on-site, uniform and self-image terms). */
static inline double vs__lattice_quad(int nc, const double *X, const double *u, const double *v)
{
    double e = 0.0;
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++)
            e += u[a] * X[a * nc + b] * v[b];
    return e;
}

/* Number of values of a configuration, N·ncomp. */
static inline size_t vs__lattice_nvals(const struct vs_lattice *l)
{
    return l->geo.nsites * (size_t)l->nc;
}

/* ================================================================ planner.c */
/* Serialised FFTW planning: every plan creation/destruction of the library goes through these. */
void vs__fftw_lock(void);
void vs__fftw_unlock(void);

/* ================================================================ kernel.c */
/* Fill k from a coupling handle (c != NULL) or as "no pair kernel" with nc components. */
int vs__kernel_init(vs__kernel *k, const vs_coupling *c, int nc);
/* A[(l/2)*nc*nc + a*nc + b] for l = 0..lmax at the direction n (normalised inside). */
int vs__kernel_harmonics(const vs__kernel *k, const double *n, double *A);
/* γ_l = Γ((l+3)/2)/(π^{3/2} Γ(l/2)), the real-space weight of degree l (γ₂ = 3/(4π)). */
double vs__gamma_l(int l);
/* Regularised upper incomplete gamma Q(a, y) for a = l/2 (integer, l even ≥ 0) and for
 * a = (l+3)/2 (half-integer), y ≥ 0, by the closed forms Q(n, y) = e^{-y} Σ_{k<n} y^k/k! and
 * Q(n+1/2, y) = erfc(√y) + e^{-y} Σ_{k<n} y^{k+1/2}/Γ(k+3/2). `twice_a` = 2a ≥ 0. */
double vs__gamma_q(int twice_a, double y);
/* The smallest y with Q(a, y) ≤ eps (bisection on the monotone closed form). */
double vs__gamma_q_inverse(int twice_a, double eps);
/* The bare pair kernel J(r) (Eq. 19 principal-value form) at r ≠ 0, nc×nc row-major. */
int vs__pair_kernel(const vs__kernel *k, double v0, const double *r, double *J);

/* ================================================================ geometry.c */
int vs__geom_init(vs__geom *g, const double *cell, int nbasis, const double *frac, const int *L, int open);
void vs__geom_clear(vs__geom *g);
/* |v| for a 3-vector without overflow/underflow of the squares. */
double vs__norm3_safe(const double *v);
/* Cartesian position of site index m = cell*nb + b. */
void vs__geom_site(const vs__geom *g, size_t m, double *r);
/* Split a site index into cell triple and basis index. */
void vs__geom_split(const vs__geom *g, size_t m, int *c, int *b);
/* Cartesian k = Σ_j (q_j/L_j) b_j of the grid point q (1/length; the convention of
 * vs_lattice_fourier(), the Luttinger–Tisza k and the structure factor). */
void vs__geom_wavevector(const vs__geom *g, const int *q, double *k);
/* Index in FFTW's r2c half grid (g1 × g2 × (g3/2 + 1)) of the transform-grid point p
 * (0 ≤ p_j < g_j); *conj = 1 when p3 > g3/2 and the stored value is that of −p (conjugate it). */
size_t vs__geom_half_index(const vs__geom *g, const int *p, int *conj);

/* ================================================================ ewald.c */
/* Choose α, rcut, gcut from the accuracy (or the user α) and fill l->ttab. */
int vs__lattice_build_table(struct vs_lattice *l, const vs__kernel *k);
/* The same with the point-group symmetry automatic (use_symmetry = 1: the default build, which skips
 * it where it does not pay: lmax ≤ 4 or small builds), forced (2: tests) or off (0: the plain build,
 * for tests and bench/bench_table); order_real / order_recip (may be NULL)
 * receive the orders of the groups the real-space (or open-cluster) and reciprocal sums used
 * (1: none). l->ttab must be NULL on entry; it is allocated here. */
int vs__lattice_build_table_sym(struct vs_lattice *l, const vs__kernel *k, int use_symmetry,
                                int *order_real, int *order_recip);
/* The FFTW guru64 layout of a table transform: one 3-D transform per sublattice pair and packed
 * component, the real side over the full grid (the layout of ttab), the complex side over the half
 * grid; r2c = 1: real → complex (the k-space table, fft.c), 0: complex → real (the reciprocal part
 * of the Ewald sum). */
void vs__lattice_table_layout(const struct vs_lattice *l, int r2c, fftw_iodim64 *dims, fftw_iodim64 *how);

/* A slab of the table (part VS_LATTICE_TABLE_FULL / REAL: the displacements whose first grid index
 * lies in [x0_begin, x0_end)) or of its reciprocal part (RECIP: the half-grid k-planes), computed
 * without the whole table (vs_lattice_table_slab, @since 1.1; layouts in lattice.h and ewald.c, "the
 * table by slabs"): l holds geometry, options and counts, no table; sets l->alpha, rcut, gcut; out is
 * overwritten. RECIP only for periodic lattices (checked by the caller). */
int vs__lattice_table_slab(struct vs_lattice *l, const vs__kernel *k, int part, int x0_begin, int x0_end,
                           double *out);

/* Full nc×nc block T(r_m − r_n) from the packed table (site indices m, n). Inline: the
 * O(N) loops of vs_lattice_update and the direct sums call it once per site. */
static inline void vs__lattice_block(const struct vs_lattice *l, size_t m, size_t n, double *T)
{
    const vs__geom *g = &l->geo;
    int cm[3], cn[3], bm, bn;
    vs__geom_split(g, m, cm, &bm);
    vs__geom_split(g, n, cn, &bn);
    int sign = bm <= bn ? 1 : -1; /* T_{b2b1}(d) = T_{b1b2}(−d) */
    size_t d = 0;
    for (int i = 0; i < 3; i++) {
        long x = sign * (long)(cm[i] - cn[i]);
        x %= g->g[i];
        if (x < 0)
            x += g->g[i];
        d = d * (size_t)g->g[i] + (size_t)x;
    }
    const double *src = l->ttab + ((size_t)vs__pack_index(g->nb, bm, bn) * g->ngrid + d) * (size_t)l->npack;
    int nc = l->nc, c = 0;
    for (int a = 0; a < nc; a++)
        for (int b = a; b < nc; b++, c++)
            T[a * nc + b] = T[b * nc + a] = src[c];
}

/* ================================================================ pairs.c */
/* Validate a pair table for nb basis sites and nc components (sizes, indices, finite symmetric
 * blocks, no on-site entry, no bond listed in both directions); messages name func. */
int vs__pairs_check(const vs__pairs *p, int nb, int nc, const char *func);
/* Add a checked pair table to l->ttab (after vs__lattice_build_table, before the k-space table). */
void vs__lattice_add_pairs(struct vs_lattice *l, const vs__pairs *p);

/* ================================================================ fft.c */
/* Allocate the buffers of a workspace for l (ws->lat = l); VS_OK, VS_EOVERFLOW or VS_ENOMEM with a
 * message naming func. On failure ws is left clearable. */
int vs__lattice_ws_init(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const char *func);
void vs__lattice_ws_clear(struct vs_lattice_workspace *ws);
/* Bytes of one workspace's buffers (docs/lattice.md, "Memory"). */
int vs__lattice_ws_bytes(const vs__geom *g, int nc, size_t *bytes);
/* The FFTW planner flags of the evaluation plans for the option value `planner`
 * (vs_lattice_planner), the FFT thread count and the grid size (VS_LATTICE_PLANNER_AUTO's rule). */
unsigned vs__lattice_planner_flags(int planner, int fft_threads, size_t ngrid);
/* Make the handle's own workspace and the evaluation plans on its buffers; serialised by the
 * planner lock. */
int vs__lattice_fft_init(struct vs_lattice *l);
void vs__lattice_fft_clear(struct vs_lattice *l);
/* k-space table from l->ttab. */
int vs__lattice_build_ktable(struct vs_lattice *l);
/* Fields h = T * s by FFT convolution on the buffers of ws (a workspace of l: the handle's own or
 * one of vs_lattice_workspace_create; l itself is only read): s (site-major) is transposed into
 * the planes of ws->xr, transformed, multiplied by the k-space table, transformed back and, when
 * h != NULL, transposed into h (site-major); when sh != NULL, *sh = Σ_m s_m·h_m read from the
 * planes (no h needed), or, when h != NULL too, summed in the copy-out in the order of
 * vs_lattice_energy_from_fields (VS__DOT_LANES: bit for bit its dot of s and the h written). Returns VS_ENUMERIC (no message, h and *sh untouched) when s holds
 * NaN/inf or its sums overflow, VS__CONVOLVE_OVERFLOW (no message) when a field written to h is
 * not finite, else VS_OK. */
#define VS__CONVOLVE_OVERFLOW 1
/* The energy dot Σ s·h of vs_lattice_energy_from_fields (evaluate.c) and of the copy-out of
 * vs_lattice_fields_energy (fft.c), summed alike so that both give the same bits: VS__DOT_LANES
 * partial sums acc[i % VS__DOT_LANES] over the flat index i in increasing order (independent
 * chains: the sum runs at the adder's throughput, not its latency), the last nvals % VS__DOT_LANES
 * values into acc[0], then this fixed pairwise tree. */
#define VS__DOT_LANES 16
static inline double vs__lattice_dot_lanes(const double *acc)
{
    double t[VS__DOT_LANES / 2];
    for (int k = 0; k < VS__DOT_LANES / 2; k++)
        t[k] = acc[2 * k] + acc[2 * k + 1];
    for (int w = VS__DOT_LANES / 4; w >= 1; w /= 2)
        for (int k = 0; k < w; k++)
            t[k] = t[2 * k] + t[2 * k + 1];
    return t[0];
}
int vs__lattice_convolve(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const double *s,
                         double *h, double *sh);
/* x ← T̂(k) x for every half-grid k, in place on the planes of a workspace's xk (the k-space step
 * of vs__lattice_convolve; exposed for bench/bench_report.c). Where the CPU has AVX2 and FMA the
 * Bravais product runs fused multiply-adds (results differ from the baseline loops at round-off);
 * vs__lattice_kspace_matvec_portable is the baseline loops alone, for test_lattice_dispatch. */
void vs__lattice_kspace_matvec(const struct vs_lattice *l, fftw_complex *xk);
void vs__lattice_kspace_matvec_portable(const struct vs_lattice *l, fftw_complex *xk);
/* Grid cell of a supercell cell index (identity for periodic lattices, 2L-padded for open ones). */
size_t vs__lattice_grid_cell(const vs__geom *g, size_t cell);

/* ================================================================ checks.c */
/* Each returns VS_OK or records a message naming `func` (the public function) and the argument. */
/* lat != NULL. */
int vs__lattice_check(const struct vs_lattice *lat, const char *func);
/* Site index m < N. */
int vs__lattice_check_site(const struct vs_lattice *lat, size_t m, const char *func);
/* ws != NULL and made for lat (lat already checked). */
int vs__lattice_check_workspace(const struct vs_lattice *lat, const struct vs_lattice_workspace *ws,
                                const char *func);
/* lat != NULL and a finite configuration s[N·ncomp]. */
int vs__lattice_check_config(const struct vs_lattice *lat, const double *s, const char *func);
/* a[n] non-NULL and finite: a branch-free screen at memory speed, the precise message from
 * vs__check_finite_array. */
int vs__lattice_check_finite_fast(const double *a, size_t n, const char *func, const char *what);
/* A computed output a[n] is finite, else VS_ENUMERIC ("overflows"). */
int vs__lattice_check_output(const double *a, size_t n, const char *func, const char *what);

/* ================================================================ options.c */
void vs__lattice_options_default(struct vs_lattice_options *o);

/* ================================================================ lattice.c */
/* public functions only (include/libvoigtspin/lattice.h) */

/* ================================================================ workspace.c */
/* public functions only */

/* ================================================================ evaluate.c */
/* M = Σ_m s_m (no checks). */
void vs__lattice_total(const struct vs_lattice *lat, const double *s, double *M);

/* ================================================================ moves.c */
/* h_n += T(r_n − r_m) δ for every site n: the field change of the move s_m → s_m + δ (δ[nc]), in
 * O(N ncomp²) with the table walked run by run (no per-site index arithmetic). Each h_{n,a}
 * accumulates T_ab δ_b for b = 0 … nc−1 in turn: bit for bit a loop over vs__lattice_block.
 * No checks (vs_lattice_update and the sampler's plain path check or trust their inputs). Where
 * the CPU has AVX2, the dipolar kernel of a Bravais lattice takes a 4-wide path (two sites per
 * step, same operations per field); vs__lattice_add_move_portable is the baseline loops alone,
 * for the test that compares the two (test_lattice_dispatch). */
void vs__lattice_add_move(const struct vs_lattice *l, size_t m, const double *d, double *h);
void vs__lattice_add_move_portable(const struct vs_lattice *l, size_t m, const double *d, double *h);

/* ================================================================ luttinger_tisza.c */
/* public functions only */

/* ================================================================ structure.c */
/* S(k) = (1/N) Σ_a |Σ_m s_{m,a} e^{−ik·r_m}|² (r_m the positions of vs_lattice_positions()) of the
 * configuration s[N·ncomp] at k_q = Σ_j (q_j/L_j) b_j for every q, 0 ≤ q_j < L_j, into
 * Sk[L1·L2·L3], row-major (q3 fastest: index (q1 L2 + q2) L3 + q3). Periodic or open (the same grid
 * and definition). Uses the buffers of ws (a workspace of l); s is trusted (N·ncomp values) and
 * only read. VS_ENUMERIC if a value is not finite (s not finite, or overflow). For real s,
 * S(−k) = S(k), S(k + G) = S(k) for nbasis = 1, and then Σ_q S(k_q) = Σ_m |s_m|² (Parseval). */
int vs__lattice_structure_factor_ws(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const double *s,
                                    double *Sk);

#endif
