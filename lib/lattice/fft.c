/*
 * The FFT evaluation of the lattice Hamiltonian (paper Eq. 18; docs/lattice.md, "Evaluation",
 * "Storage and symmetry" and "FFTW"):
 *
 *   the k-space table   T̂_{b1b2}(k) = (1/N_grid) Σ_Δ T_{b1b2}(Δ) e^{−ik·Δ}   (r2c of ewald.c's table,
 *                       the 1/N_grid of the inverse transform folded in),
 *   the convolution     h_m = Σ_n T(r_m − r_n) s_n = c2r[ T̂(k) · r2c[s](k) ],
 *
 * the local fields of Eq. 18, H = −(E0/2) Σ_m s_m·h_m + the uniform and on-site terms. Open
 * clusters use the zero-padded 2L grid (docs/lattice.md, "Boundary term and self-images").
 * Plans are made once per handle, at creation, on the handle's scratch buffers, under the
 * planner lock (planner.c), and executed with the new-array functions on the buffers of a
 * workspace (the handle's own, or one per thread: vs_lattice_workspace_create). The library
 * never calls fftw_cleanup(): the host program may use FFTW too.
 */
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <math.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

#include "lattice_internal.h"

#ifdef VS_HAVE_FFTW_THREADS
#define VS__FFTW_THREADED 1
/* Make FFTW's threaded planner available (idempotent; FFTW ≥ 3.3.10 has fftw_planner_nthreads to
 * restore the host's setting). Called with the planner mutex held. */
static void vs__fftw_threads_begin(int nthreads, int *saved)
{
    static int ready = 0;
    if (!ready)
        ready = fftw_init_threads() != 0 ? 1 : -1;
    *saved = ready == 1 ? fftw_planner_nthreads() : 1;
    if (ready == 1)
        fftw_plan_with_nthreads(nthreads);
}

static void vs__fftw_threads_end(int saved)
{
    fftw_plan_with_nthreads(saved);
}
#else
#define VS__FFTW_THREADED 0
static void vs__fftw_threads_begin(int nthreads, int *saved)
{
    (void)nthreads;
    *saved = 1;
}

static void vs__fftw_threads_end(int saved)
{
    (void)saved;
}
#endif

/* Smallest grid (points, the padded grid of open clusters included) that VS_LATTICE_PLANNER_AUTO
 * measures: from L = 16 on, threaded MEASURE plans beat threaded ESTIMATE ones by 1.1–1.8× on 2 cores
 * (bench/bench_planner.c, docs/performance.md "FFT planner"); below, an evaluation costs well under
 * the ~0.1 s of measuring and small test or fuzz lattices keep creating in microseconds. */
#define VS__AUTO_MEASURE_MIN_GRID 4096

/* The FFTW flags of the evaluation plans. AUTO measures only threaded transforms of at least 16³
 * points: there ESTIMATE leaves the second thread idle or splits the transform badly, and the run
 * has asked for threads anyway. Serial transforms stay ESTIMATE, whose plans are the same in every
 * process: the default runs (the sampler's included) stay bit-reproducible across processes. */
unsigned vs__lattice_planner_flags(int planner, int fft_threads, size_t ngrid)
{
    switch (planner) {
    case VS_LATTICE_PLANNER_MEASURE: return FFTW_MEASURE;
    case VS_LATTICE_PLANNER_AUTO:
        return VS__FFTW_THREADED && fft_threads > 1 && ngrid >= VS__AUTO_MEASURE_MIN_GRID ? FFTW_MEASURE
                                                                                          : FFTW_ESTIMATE;
    default: return FFTW_ESTIMATE;
    }
}

/* Distance, in elements of esize bytes, of the m planes of n elements each in a workspace: n
 * padded so that plane j starts 64·⌊64/m⌋·j bytes (mod 4096) after plane 0. Unpadded planes of
 * 2^k bytes would all start at the same offset in a page: the mat-vec's and the transposes' m
 * streams then compete for one L1/L2 set and stall on 4K aliasing (the mat-vec ran at half
 * speed at L = 64; bench/bench_report.c). Costs at most 4 KiB per plane; none for m = 1. */
static size_t plane_dist(size_t n, size_t esize, size_t m)
{
    if (m <= 1 || n > (SIZE_MAX - 4096) / esize)
        return n;
    size_t r = 64 * (m <= 64 ? 64 / m : 1) % 4096, b = n * esize % 4096;
    return n + (r + 4096 - b) % 4096 / esize;
}

int vs__lattice_ws_bytes(const vs__geom *g, int nc, size_t *bytes)
{
    size_t m = (size_t)g->nb * (size_t)nc, xr, xk;
    VS_FORWARD_IF_ERROR(vs__size_mul3(plane_dist(g->ngrid, sizeof(double), m), m, sizeof(double), &xr));
    VS_FORWARD_IF_ERROR(
        vs__size_mul3(plane_dist(g->nhalf, sizeof(fftw_complex), m), m, sizeof(fftw_complex), &xk));
    VS_RETURN_ERROR_IF(xr + xk < xr, VS_EOVERFLOW, "vs_lattice: FFT workspace size overflows size_t");
    *bytes = xr + xk;
    return VS_OK;
}

int vs__lattice_ws_init(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const char *func)
{
    size_t nr, nk;
    ws->lat = l;
    ws->xr = NULL;
    ws->xk = NULL;
    VS_FORWARD_IF_ERROR(vs__size_mul(l->gp, (size_t)l->m, &nr));
    VS_FORWARD_IF_ERROR(vs__size_mul(l->hp, (size_t)l->m, &nk));
    VS_RETURN_ERROR_IF(nr > SIZE_MAX / sizeof(double) || nk > SIZE_MAX / sizeof(fftw_complex), VS_EOVERFLOW,
                       "%s: FFT workspace too large", func);
    /* fftw_malloc: the alignment the plans were made for (new-array execute requires it) */
    ws->xr = fftw_malloc(nr * sizeof *ws->xr);
    ws->xk = fftw_malloc(nk * sizeof *ws->xk);
    VS_RETURN_ERROR_IF(ws->xr == NULL || ws->xk == NULL, VS_ENOMEM, "%s: out of memory (FFT workspace)",
                       func);
    return VS_OK;
}

void vs__lattice_ws_clear(struct vs_lattice_workspace *ws)
{
    fftw_free(ws->xr);
    fftw_free(ws->xk);
    ws->xr = NULL;
    ws->xk = NULL;
    ws->lat = NULL;
}

/* The FFTW guru64 layout of the evaluation transforms: m = nb·nc contiguous planes (component-major,
 * docs/lattice.md "Layouts"), the real side gp apart, the complex side hp apart: FFTW's fastest
 * case (unit stride). 64-bit strides: no int overflow of ngrid·m. */
static void plane_layout(const struct vs_lattice *l, fftw_iodim64 *dims, fftw_iodim64 *how)
{
    const vs__geom *g = &l->geo;
    ptrdiff_t rs = 1, ks = 1;
    for (int i = 2; i >= 0; i--) {
        dims[i].n = g->g[i];
        dims[i].is = rs; /* r2c: real in, complex out; the c2r plan swaps is and os */
        dims[i].os = ks;
        rs *= g->g[i];
        ks *= i == 2 ? g->g[2] / 2 + 1 : g->g[i];
    }
    how->n = l->m;
    how->is = (ptrdiff_t)l->gp;
    how->os = (ptrdiff_t)l->hp;
}

/* Grid points per slab. */
static size_t slab_points(const vs__geom *g)
{
    return (size_t)g->g[1] * (size_t)g->g[2];
}

/* Slabs transformed by the slab stage: all g0 of them, or for open clusters only the L0 that hold
 * spins (the others are zero on input, and their fields are not needed on output). */
static size_t slab_count(const vs__geom *g)
{
    return g->open ? (size_t)g->L[0] : (size_t)g->g[0];
}

/* Columns along axis 0 of the half grid: g1·(g2/2 + 1). */
static size_t column_count(const vs__geom *g)
{
    return (size_t)g->g[1] * (size_t)(g->g[2] / 2 + 1);
}

/* Bytes of one column block kept in cache by the fused column stage: about half of a 512 KiB L2
 * (64–512 KiB measured alike within the noise of the shared 2-core machine, bench/bench_report.c). */
#define VS__COLUMN_BLOCK_BYTES (256u * 1024u)

/* The plans of the fused serial evaluation (see struct vs_lattice). */
static int plan_fused(struct vs_lattice *l, unsigned flags)
{
    const vs__geom *g = &l->geo;
    ptrdiff_t h2 = g->g[2] / 2 + 1, ncol = (ptrdiff_t)column_count(g), m = l->m;
    fftw_iodim64 sd[2] = {{g->g[1], g->g[2], h2}, {g->g[2], 1, 1}};
    /* slab by slab when every slab starts with the alignment of the buffers (64 bytes), as FFTW's
     * new-array execute requires; else one plan for all slabs */
    l->slabwise = (size_t)g->g[1] * (size_t)g->g[2] * sizeof(double) % 64 == 0 &&
                  (size_t)g->g[1] * (size_t)h2 * sizeof(fftw_complex) % 64 == 0;
    size_t sps = plane_dist(slab_points(g), sizeof(double), (size_t)m);
    l->sps = l->slabwise && sps <= l->gp ? sps : l->gp;
    fftw_iodim64 sh[2] = {{m, (ptrdiff_t)l->sps, (ptrdiff_t)l->hp},
                          {(ptrdiff_t)slab_count(g), (ptrdiff_t)g->g[1] * g->g[2], (ptrdiff_t)g->g[1] * h2}};
    int nsh = l->slabwise ? 1 : 2;
    fftw_iodim64 bd[2], bh[2];
    for (int i = 0; i < 2; i++) {
        bd[i] = (fftw_iodim64){sd[i].n, sd[i].os, sd[i].is};
        bh[i] = (fftw_iodim64){sh[i].n, sh[i].os, sh[i].is};
    }
    l->slab_fwd = fftw_plan_guru64_dft_r2c(2, sd, nsh, sh, l->ws.xr, l->ws.xk, flags);
    l->slab_bwd = fftw_plan_guru64_dft_c2r(2, bd, nsh, bh, l->ws.xk, l->ws.xr, flags);
    /* blocks of a multiple of 4 columns (64 bytes): every block starts with the alignment of xk,
     * as FFTW's new-array execute requires */
    size_t per_col = (size_t)g->g[0] * (size_t)m * sizeof(fftw_complex);
    size_t blk = VS__COLUMN_BLOCK_BYTES / per_col & ~(size_t)3;
    blk = blk < 4 ? 4 : blk;
    l->colblk = blk < (size_t)ncol ? blk : (size_t)ncol;
    l->colrem = (size_t)ncol % l->colblk;
    int st = l->slab_fwd && l->slab_bwd ? VS_OK : VS_ENUMERIC;
    for (int r = 0; r < 2 && st == VS_OK; r++) {
        size_t n = r == 0 ? l->colblk : l->colrem;
        if (n == 0)
            break;
        fftw_iodim64 cd = {g->g[0], ncol, ncol};
        fftw_iodim64 ch[2] = {{(ptrdiff_t)n, 1, 1}, {m, (ptrdiff_t)l->hp, (ptrdiff_t)l->hp}};
        l->col_fwd[r] = fftw_plan_guru64_dft(1, &cd, 2, ch, l->ws.xk, l->ws.xk, FFTW_FORWARD, flags);
        l->col_bwd[r] = fftw_plan_guru64_dft(1, &cd, 2, ch, l->ws.xk, l->ws.xk, FFTW_BACKWARD, flags);
        st = l->col_fwd[r] && l->col_bwd[r] ? VS_OK : VS_ENUMERIC;
    }
    return st;
}

/* The plans of the threaded evaluation: one 3-D r2c and one c2r over all m planes, FFTW's threads
 * splitting them. */
static int plan_planes(struct vs_lattice *l, unsigned flags)
{
    fftw_iodim64 dims[3], how, bdims[3], bhow;
    plane_layout(l, dims, &how);
    for (int i = 0; i < 3; i++)
        bdims[i] = (fftw_iodim64){dims[i].n, dims[i].os, dims[i].is};
    bhow = (fftw_iodim64){how.n, how.os, how.is};
    l->pfwd = fftw_plan_guru64_dft_r2c(3, dims, 1, &how, l->ws.xr, l->ws.xk, flags);
    l->pbwd = fftw_plan_guru64_dft_c2r(3, bdims, 1, &bhow, l->ws.xk, l->ws.xr, flags);
    return l->pfwd && l->pbwd ? VS_OK : VS_ENUMERIC;
}

int vs__lattice_fft_init(struct vs_lattice *l)
{
    const vs__geom *g = &l->geo;
    l->gp = plane_dist(g->ngrid, sizeof(double), (size_t)l->m);
    l->hp = plane_dist(g->nhalf, sizeof(fftw_complex), (size_t)l->m);
    VS_FORWARD_IF_ERROR(vs__lattice_ws_init(l, &l->ws, "vs_lattice_create"));
    /* The evaluation transforms run on m contiguous planes of the workspace (component-major): the
     * copy-in transposes the caller's site-major spins into them and the copy-out transposes the
     * fields back (or reads the energy dot from them), which costs less than FFTW's stride-m
     * transforms (bench/bench_report.c, docs/performance.md). Serial: slab and column stages with
     * the k-space product fused into the column stage; threaded: FFTW's own 3-D plans, split by
     * its threads. Planned on the handle's own buffers (FFTW_MEASURE overwrites them); every
     * workspace then executes these plans on its own buffers. The structure factor (structure.c)
     * keeps a site-major forward plan on the same buffers: serial ESTIMATE, so it adds no planning
     * time and never waits for a thread. */
    unsigned flags = vs__lattice_planner_flags(l->opt.planner, l->opt.fft_threads, g->ngrid);
    int saved, st;
    vs__fftw_lock();
    vs__fftw_threads_begin(l->opt.fft_threads, &saved);
    st = l->opt.fft_threads > 1 ? plan_planes(l, flags) : plan_fused(l, flags);
    vs__fftw_threads_end(saved);
    vs__fftw_threads_begin(1, &saved);
    l->fwd = fftw_plan_many_dft_r2c(3, g->g, l->m, l->ws.xr, NULL, l->m, 1, l->ws.xk, NULL, l->m, 1,
                                    FFTW_ESTIMATE);
    vs__fftw_threads_end(saved);
    vs__fftw_unlock();
    VS_RETURN_ERROR_IF(st != VS_OK || l->fwd == NULL, VS_ENUMERIC,
                       "vs_lattice_create: FFTW could not plan the convolution");
    return VS_OK;
}

static void destroy_plan(fftw_plan *p)
{
    if (*p)
        fftw_destroy_plan(*p);
    *p = NULL;
}

void vs__lattice_fft_clear(struct vs_lattice *l)
{
    vs__fftw_lock();
    fftw_plan *plans[] = {&l->pfwd, &l->pbwd, &l->fwd, &l->slab_fwd, &l->slab_bwd,
                          &l->col_fwd[0], &l->col_fwd[1], &l->col_bwd[0], &l->col_bwd[1]};
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++)
        destroy_plan(plans[i]);
    vs__fftw_unlock();
    vs__lattice_ws_clear(&l->ws);
    fftw_free(l->ktab_r);
    fftw_free(l->ktab_c);
    l->ktab_r = NULL;
    l->ktab_c = NULL;
}

/* Copy the k-space blocks T̂_{b1b2}(k) (b1 ≤ b2) into the per-k packed Hermitian matrix of
 * dimension m = nb·nc (row (b1,a) ≤ column (b2,b) implies b1 ≤ b2). For a Bravais lattice T(Δ) is
 * even, so T̂(k) is real symmetric and only the real parts are kept. */
static void assemble_ktable(struct vs_lattice *l, const fftw_complex *K)
{
    const vs__geom *g = &l->geo;
    int nc = l->nc, m = l->m, mp = m * (m + 1) / 2;
    double scale = 1.0 / (double)g->ngrid; /* folded in here: the convolution needs no extra pass */
    for (size_t k = 0; k < g->nhalf; k++) {
        if (g->nb == 1) {
            for (int c = 0; c < l->npack; c++)
                l->ktab_r[k * (size_t)l->npack + c] = scale * K[k * (size_t)l->npack + c][0];
            continue;
        }
        fftw_complex *dst = l->ktab_c + k * (size_t)mp;
        int idx = 0;
        for (int i = 0; i < m; i++)
            for (int j = i; j < m; j++) {
                int b1 = i / nc, a = i % nc, b2 = j / nc, b = j % nc;
                const fftw_complex *src =
                    K + ((size_t)vs__pack_index(g->nb, b1, b2) * g->nhalf + k) * l->npack;
                int c = vs__pack_index(nc, a, b);
                dst[idx][0] = scale * src[c][0];
                dst[idx][1] = scale * src[c][1];
                idx++;
            }
    }
}

int vs__lattice_build_ktable(struct vs_lattice *l)
{
    const vs__geom *g = &l->geo;
    int m = l->m;
    size_t nK, nkt;
    VS_FORWARD_IF_ERROR(vs__size_mul3((size_t)l->npairs, g->nhalf, (size_t)l->npack, &nK));
    VS_FORWARD_IF_ERROR(
        vs__size_mul(g->nhalf, g->nb == 1 ? (size_t)l->npack : (size_t)m * (m + 1) / 2, &nkt));
    VS_RETURN_ERROR_IF(nK > SIZE_MAX / sizeof(fftw_complex) || nkt > SIZE_MAX / sizeof(fftw_complex),
                       VS_EOVERFLOW, "vs_lattice_create: k-space table too large");
    fftw_complex *K = fftw_malloc(nK * sizeof *K);
    if (g->nb == 1)
        l->ktab_r = fftw_malloc(nkt * sizeof *l->ktab_r);
    else
        l->ktab_c = fftw_malloc(nkt * sizeof *l->ktab_c);
    if (K == NULL || (l->ktab_r == NULL && l->ktab_c == NULL)) {
        fftw_free(K);
        return vs__error(VS_ENOMEM, "vs_lattice_create: out of memory (k-space table)");
    }
    fftw_iodim64 dims[3], how[2];
    vs__lattice_table_layout(l, 1, dims, how);
    /* FFTW_ESTIMATE never touches the arrays while planning; r2c keeps its input. */
    vs__fftw_lock();
    fftw_plan plan = fftw_plan_guru64_dft_r2c(3, dims, 2, how, l->ttab, K, FFTW_ESTIMATE);
    vs__fftw_unlock();
    if (plan == NULL) {
        fftw_free(K);
        return vs__error(VS_ENUMERIC, "vs_lattice_create: FFTW could not plan the k-space table");
    }
    fftw_execute(plan);
    vs__fftw_lock();
    fftw_destroy_plan(plan);
    vs__fftw_unlock();
    assemble_ktable(l, (const fftw_complex *)K);
    fftw_free(K);
    return VS_OK;
}

/* y = T̂(k) x in place for one k, T̂ real packed symmetric (Bravais lattice), x_i = plane i at k
 * (planes `ps` complex numbers apart). A complex entry is one 2-double vector (GCC/Clang vector
 * extension), so each multiply-add serves the real and imaginary parts at once; inlined with a
 * constant n for the 3- and 6-component kernels, so that the x_i and y_i stay in registers and the
 * loop over k streams the table and the n planes with unit stride. */
typedef double vs__v2d __attribute__((vector_size(16)));

/* n ≤ VS__LAT_MAXNC is checked at creation; GCC's unrolled generic path (variable n) otherwise
 * reports array-bounds false positives. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"

static inline __attribute__((always_inline)) void matvec_real(int n, const double *restrict T,
                                                              fftw_complex *restrict x, size_t ps)
{
    vs__v2d y[VS__LAT_MAXNC], xv[VS__LAT_MAXNC];
#pragma GCC unroll 16
    for (int i = 0; i < n; i++) {
        memcpy(&xv[i], x[(size_t)i * ps], sizeof xv[i]);
        y[i] = (vs__v2d){0.0, 0.0};
    }
    int c = 0;
#pragma GCC unroll 16
    for (int i = 0; i < n; i++) {
        y[i] += T[c] * xv[i];
        c++;
#pragma GCC unroll 16
        for (int j = i + 1; j < n; j++, c++) {
            y[i] += T[c] * xv[j];
            y[j] += T[c] * xv[i];
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < n; i++)
        memcpy(x[(size_t)i * ps], &y[i], sizeof y[i]);
}

/* nk consecutive k of planes ps apart. */
static inline __attribute__((always_inline)) void matvec_real_body(int n, size_t nk, size_t ps,
                                                                   const double *restrict T,
                                                                   fftw_complex *restrict x)
{
    size_t np = (size_t)(n * (n + 1) / 2);
    switch (n) {
    case 6:
        for (size_t k = 0; k < nk; k++)
            matvec_real(6, T + k * np, x + k, ps);
        break;
    case 3:
        for (size_t k = 0; k < nk; k++)
            matvec_real(3, T + k * np, x + k, ps);
        break;
    default:
        for (size_t k = 0; k < nk; k++)
            matvec_real(n, T + k * np, x + k, ps);
        break;
    }
}

static void matvec_real_plain(int n, size_t nk, size_t ps, const double *restrict T, fftw_complex *restrict x)
{
    matvec_real_body(n, nk, ps, T, x);
}

/* The same loop compiled for AVX2 + FMA (x86-64-v3), chosen at run time: the shipped build stays
 * baseline x86-64 (no -march), and where the CPU has FMA the 2-wide multiply-adds fuse
 * (fp-contract) and the table entries are broadcast straight from memory: the product then keeps
 * pace with the column blocks in cache. FMA rounds once instead of twice: results agree with the
 * plain loop to round-off. */
#ifdef VS__X86_DISPATCH
#define VS__MATVEC_FMA 1

/* Two consecutive k at once in 4-wide registers (x at k and k+1 are adjacent in each plane): the
 * entry pair {T_k, T_k, T_k+1, T_k+1} is two broadcasts from memory and one blend, and each 4-wide
 * FMA does the work of two 2-wide ones in the same order, so the results are those of the 2-wide
 * FMA loop bit for bit (matvec_real_body compiled for AVX2+FMA, which the other sizes use). In
 * cache the 2-wide loop is bound by its FMAs: this one took 0.83× its time at L = 32, 0.95× at
 * L = 64 as a separate pass (bound by memory there; microbenchmark, docs/performance.md). */
#ifdef __clang__
__attribute__((target("avx2,fma")))
#else
__attribute__((target("avx2,fma"), optimize("fp-contract=fast")))
#endif
static inline __attribute__((always_inline)) void matvec_pair_avx(int n, const double *restrict T0,
                                                                  fftw_complex *restrict x, size_t ps)
{
    const double *T1 = T0 + n * (n + 1) / 2;
    __m256d y[VS__LAT_MAXNC], xv[VS__LAT_MAXNC];
#pragma GCC unroll 16
    for (int i = 0; i < n; i++) {
        xv[i] = _mm256_loadu_pd(x[(size_t)i * ps]);
        y[i] = _mm256_setzero_pd();
    }
    int c = 0;
#pragma GCC unroll 16
    for (int i = 0; i < n; i++) {
        __m256d e = _mm256_blend_pd(_mm256_broadcast_sd(T0 + c), _mm256_broadcast_sd(T1 + c), 0xC);
        y[i] = _mm256_fmadd_pd(e, xv[i], y[i]);
        c++;
#pragma GCC unroll 16
        for (int j = i + 1; j < n; j++, c++) {
            e = _mm256_blend_pd(_mm256_broadcast_sd(T0 + c), _mm256_broadcast_sd(T1 + c), 0xC);
            y[i] = _mm256_fmadd_pd(e, xv[j], y[i]);
            y[j] = _mm256_fmadd_pd(e, xv[i], y[j]);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < n; i++)
        _mm256_storeu_pd(x[(size_t)i * ps], y[i]);
}

#ifdef __clang__
__attribute__((target("avx2,fma")))
#else
__attribute__((target("avx2,fma"), optimize("fp-contract=fast")))
#endif
static inline __attribute__((always_inline)) void matvec_avx_k(int n, size_t nk, size_t ps,
                                                               const double *restrict T,
                                                               fftw_complex *restrict x)
{
    size_t np = (size_t)(n * (n + 1) / 2), k = 0;
    for (; k + 2 <= nk; k += 2)
        matvec_pair_avx(n, T + k * np, x + k, ps);
    for (; k < nk; k++)
        matvec_real(n, T + k * np, x + k, ps);
}

/* The 4-wide product for the 3- and 6-component kernels, the 2-wide FMA loop for the others. */
#ifdef __clang__
__attribute__((target("avx2,fma")))
#else
__attribute__((target("avx2,fma"), optimize("fp-contract=fast")))
#endif
static void matvec_real_avx(int n, size_t nk, size_t ps, const double *restrict T, fftw_complex *restrict x)
{
#ifdef __clang__
#pragma clang fp contract(fast)
#endif
    switch (n) {
    case 6: matvec_avx_k(6, nk, ps, T, x); break;
    case 3: matvec_avx_k(3, nk, ps, T, x); break;
    default: matvec_real_body(n, nk, ps, T, x); break;
    }
}
#endif

static void matvec_real_all(int n, size_t nk, size_t ps, const double *restrict T, fftw_complex *restrict x)
{
#ifdef VS__MATVEC_FMA
    if (vs__cpu_avx2_fma()) {
        matvec_real_avx(n, nk, ps, T, x);
        return;
    }
#endif
    matvec_real_plain(n, nk, ps, T, x);
}
#pragma GCC diagnostic pop

/* y = H x in place, H complex packed Hermitian (with a basis): H_ji = conj(H_ij); x_i = plane i
 * at k (planes ps apart). */
static void matvec_herm(int n, const fftw_complex *H, fftw_complex *x, size_t ps)
{
    double yr[VS__LAT_MAXNC * 64], yi[VS__LAT_MAXNC * 64], xr[VS__LAT_MAXNC * 64], xi[VS__LAT_MAXNC * 64];
    for (int i = 0; i < n; i++) {
        yr[i] = yi[i] = 0.0;
        xr[i] = x[(size_t)i * ps][0];
        xi[i] = x[(size_t)i * ps][1];
    }
    int c = 0;
    for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++, c++) {
            double hr = H[c][0], hi = H[c][1];
            yr[i] += hr * xr[j] - hi * xi[j];
            yi[i] += hr * xi[j] + hi * xr[j];
            if (j != i) {
                yr[j] += hr * xr[i] + hi * xi[i];
                yi[j] += hr * xi[i] - hi * xr[i];
            }
        }
    }
    for (int i = 0; i < n; i++) {
        x[(size_t)i * ps][0] = yr[i];
        x[(size_t)i * ps][1] = yi[i];
    }
}

/* x ← T̂(k) x for the half-grid points kb ≤ k < ke (planes hp apart). */
static void kspace_matvec_range(const struct vs_lattice *l, fftw_complex *xk, size_t kb, size_t ke)
{
    const vs__geom *g = &l->geo;
    /* the k-space table carries the 1/ngrid normalisation of the inverse transform */
    if (g->nb == 1) {
        size_t np = (size_t)l->npack;
        matvec_real_all(l->m, ke - kb, l->hp, l->ktab_r + kb * np, xk + kb);
        return;
    }
    size_t mp = (size_t)l->m * (size_t)(l->m + 1) / 2;
    for (size_t k = kb; k < ke; k++)
        matvec_herm(l->m, (const fftw_complex *)(l->ktab_c + k * mp), xk + k, l->hp);
}

void vs__lattice_kspace_matvec(const struct vs_lattice *l, fftw_complex *xk)
{
    kspace_matvec_range(l, xk, 0, l->geo.nhalf);
}

void vs__lattice_kspace_matvec_portable(const struct vs_lattice *l, fftw_complex *xk)
{
    if (l->geo.nb == 1)
        matvec_real_plain(l->m, l->geo.nhalf, l->hp, l->ktab_r, xk);
    else
        kspace_matvec_range(l, xk, 0, l->geo.nhalf); /* the Hermitian product has no dispatch */
}

size_t vs__lattice_grid_cell(const vs__geom *g, size_t cell)
{
    if (!g->open)
        return cell;
    size_t i3 = cell % (size_t)g->L[2], i2 = (cell / (size_t)g->L[2]) % (size_t)g->L[1],
           i1 = cell / ((size_t)g->L[2] * (size_t)g->L[1]);
    return (i1 * (size_t)g->g[1] + i2) * (size_t)g->g[2] + i3;
}

/* The supercell as runs of consecutive cells that are consecutive grid points too, slab by slab
 * (i0 fixed): one run of L1·L2 cells per slab (periodic), or L1 rows of L2 cells in the zero-padded
 * grid (open). Run r starts at cell r·len. */
static size_t runs_per_slab(const vs__geom *g)
{
    return g->open ? (size_t)g->L[1] : 1;
}

static size_t run_length(const vs__geom *g)
{
    return g->open ? (size_t)g->L[2] : (size_t)g->L[1] * (size_t)g->L[2];
}

/* Grid point of the first cell of run r. */
static size_t run_grid(const vs__geom *g, size_t r)
{
    return vs__lattice_grid_cell(g, r * run_length(g));
}

/* x[j·ps + c] = s[c·m + j] for c < n, j < m: site-major → planes (the transpose of the copy-in);
 * constant m for the 3- and 6-component kernels. Even m: two cells at a time, so that every load
 * and store moves a pair (a 2×2 transpose in registers: the copy is bound by its memory
 * operations). */
static inline __attribute__((always_inline)) void planes_in(size_t n, int m, const double *restrict s,
                                                            double *restrict x, size_t ps)
{
    size_t c = 0;
    if (m % 2 == 0)
        for (; c + 2 <= n; c += 2) {
            const double *s0 = s + c * (size_t)m, *s1 = s0 + m;
#pragma GCC unroll 8
            for (int j = 0; j < m; j += 2) {
                vs__v2d a, b;
                memcpy(&a, s0 + j, sizeof a);
                memcpy(&b, s1 + j, sizeof b);
                vs__v2d u = {a[0], b[0]}, v = {a[1], b[1]};
                memcpy(x + (size_t)j * ps + c, &u, sizeof u);
                memcpy(x + (size_t)(j + 1) * ps + c, &v, sizeof v);
            }
        }
    for (; c < n; c++)
#pragma GCC unroll 8
        for (int j = 0; j < m; j++)
            x[(size_t)j * ps + c] = s[c * (size_t)m + (size_t)j];
}

/* Planes of the real side, ps apart, holding the slabs from i0 = first on (the whole planes: first
 * = 0, ps = gp; the slab scratch of the fused evaluation: first = the slab, ps = sps). */
typedef struct {
    double *x;
    size_t ps, first;
} planes;

/* Where run r starts in the planes p. */
static size_t planes_run(const vs__geom *g, const planes *p, size_t r)
{
    return run_grid(g, r) - p->first * slab_points(g);
}

/* Slab i0 of plane 0 in the planes p. */
static double *planes_slab(const vs__geom *g, const planes *p, size_t i0)
{
    return p->x + (i0 - p->first) * slab_points(g);
}

/* The planes that hold slab i0 in the fused evaluation (slabwise): the scratch at the start of xr,
 * or, where it does not fit (sps = gp), the slab's place in the whole planes. */
static planes slab_scratch(const struct vs_lattice *l, double *xr, size_t i0)
{
    planes p = {xr, l->sps, l->sps == l->gp ? 0 : i0};
    return p;
}

/* The spins of slabs i0b ≤ i0 < i0e into the planes (open clusters: with their zero padding). */
static void copy_in(const struct vs_lattice *l, const double *s, const planes *p, size_t i0b, size_t i0e)
{
    const vs__geom *g = &l->geo;
    size_t len = run_length(g), m = (size_t)l->m, sp = slab_points(g);
    if (g->open)
        for (size_t j = 0; j < m; j++)
            memset(planes_slab(g, p, i0b) + j * p->ps, 0, (i0e - i0b) * sp * sizeof *p->x);
    for (size_t r = i0b * runs_per_slab(g); r < i0e * runs_per_slab(g); r++) {
        const double *src = s + r * len * m;
        double *dst = p->x + planes_run(g, p, r);
        switch (l->m) {
        case 6: planes_in(len, 6, src, dst, p->ps); break;
        case 3: planes_in(len, 3, src, dst, p->ps); break;
        default: planes_in(len, l->m, src, dst, p->ps); break;
        }
    }
}

/* h[c·m + j] = x[j·ps + c] (planes → site-major) for c < n, j < m, pairwise as planes_in. Returns
 * Σ 0·h: NaN iff some h is not finite, the screen of the output for free (the copy is
 * memory-bound). */
static inline __attribute__((always_inline)) double planes_out(size_t n, int m, const double *restrict x,
                                                               size_t ps, double *restrict h)
{
    vs__v2d probe = {0.0, 0.0};
    size_t c = 0;
    if (m % 2 == 0)
        for (; c + 2 <= n; c += 2) {
            double *h0 = h + c * (size_t)m, *h1 = h0 + m;
#pragma GCC unroll 8
            for (int j = 0; j < m; j += 2) {
                vs__v2d u, v;
                memcpy(&u, x + (size_t)j * ps + c, sizeof u);
                memcpy(&v, x + (size_t)(j + 1) * ps + c, sizeof v);
                vs__v2d a = {u[0], v[0]}, b = {u[1], v[1]};
                memcpy(h0 + j, &a, sizeof a);
                memcpy(h1 + j, &b, sizeof b);
                probe += 0.0 * u + 0.0 * v;
            }
        }
    for (; c < n; c++)
#pragma GCC unroll 8
        for (int j = 0; j < m; j++) {
            double v = x[(size_t)j * ps + c];
            h[c * (size_t)m + (size_t)j] = v;
            probe[0] += 0.0 * v;
        }
    return probe[0] + probe[1];
}

/* Σ_{c<n, j<m} s[c·m + j] x[j·ps + c]: the energy dot read straight from the planes, pairwise as
 * planes_in (a lane per cell of a pair, four accumulators so that the additions overlap). */
static inline __attribute__((always_inline)) double planes_dot(size_t n, int m, const double *restrict s,
                                                               const double *restrict x, size_t ps)
{
    vs__v2d acc[4] = {{0.0, 0.0}, {0.0, 0.0}, {0.0, 0.0}, {0.0, 0.0}};
    size_t c = 0;
    if (m % 2 == 0)
        for (; c + 2 <= n; c += 2) {
            const double *s0 = s + c * (size_t)m, *s1 = s0 + m;
#pragma GCC unroll 8
            for (int j = 0; j < m; j += 2) {
                vs__v2d a, b, u, v;
                memcpy(&a, s0 + j, sizeof a);
                memcpy(&b, s1 + j, sizeof b);
                memcpy(&u, x + (size_t)j * ps + c, sizeof u);
                memcpy(&v, x + (size_t)(j + 1) * ps + c, sizeof v);
                acc[j / 2 % 4] += (vs__v2d){a[0], b[0]} * u + (vs__v2d){a[1], b[1]} * v;
            }
        }
    for (; c < n; c++)
#pragma GCC unroll 8
        for (int j = 0; j < m; j++)
            acc[0][0] += s[c * (size_t)m + (size_t)j] * x[(size_t)j * ps + c];
    acc[0] += acc[1] + (acc[2] + acc[3]);
    return acc[0][0] + acc[0][1];
}

/* planes_out that also sums the energy dot of the values it writes, in the order of
 * vs_lattice_energy_from_fields (dot_fields, evaluate.c; lattice_internal.h): acc[i % 16] += s_i·h_i
 * over the flat site-major index i in increasing order, the last nvals % 16 values into acc[0].
 * So Σ s·h of vs_lattice_fields_energy equals that of vs_lattice_fields +
 * vs_lattice_energy_from_fields bit for bit, and s and h are read once, in the transposing loop.
 * f0 = flat index of h[0] (a run's start), nl = nvals rounded down to a multiple of 16. Even m:
 * groups of G cells (G·m a multiple of 16, G even) as pairs of cells, as planes_out; the products
 * of a pair's 2×2 transposes are added cell by cell in flat order to the eight 2-wide partial sums
 * (pairs of lanes; the group starts at lane f0 mod 16: rotated at the run's start). */
static inline __attribute__((always_inline)) double planes_out_dot(size_t n, int m, const double *restrict x,
                                                                   size_t ps, double *restrict h,
                                                                   const double *restrict s, size_t f0,
                                                                   size_t nl, double *restrict acc)
{
    enum { LANES = VS__DOT_LANES, NV = VS__DOT_LANES / 2 };
    vs__v2d probe = {0.0, 0.0};
    size_t c = 0;
    if (m % 2 == 0 && m <= VS__LAT_MAXNC * 64 && f0 % 2 == 0) {
        int gm = m % 16 == 0 ? 16 : m % 8 == 0 ? 8 : m % 4 == 0 ? 4 : 2; /* gcd(m, 16) */
        int G = LANES / gm < 2 ? 2 : LANES / gm;
        size_t q = f0 % LANES / 2; /* the lane pair of the group's first value */
        vs__v2d A[NV];
        for (int k = 0; k < NV; k++)
            A[k] = (vs__v2d){acc[2 * ((q + (size_t)k) % NV)], acc[2 * ((q + (size_t)k) % NV) + 1]};
        for (; c + (size_t)G <= n && f0 + (c + (size_t)G) * (size_t)m <= nl; c += (size_t)G)
#pragma GCC unroll 8
            for (int p = 0; p < G; p += 2) {
                const double *s0 = s + (c + (size_t)p) * (size_t)m, *s1 = s0 + m;
                double *h0 = h + (c + (size_t)p) * (size_t)m, *h1 = h0 + m;
                vs__v2d pa[VS__LAT_MAXNC * 32], pb[VS__LAT_MAXNC * 32];
#pragma GCC unroll 8
                for (int j = 0; j < m; j += 2) {
                    vs__v2d u, v, sa, sb;
                    memcpy(&u, x + (size_t)j * ps + c + (size_t)p, sizeof u);
                    memcpy(&v, x + (size_t)(j + 1) * ps + c + (size_t)p, sizeof v);
                    vs__v2d a = {u[0], v[0]}, b = {u[1], v[1]};
                    memcpy(h0 + j, &a, sizeof a);
                    memcpy(h1 + j, &b, sizeof b);
                    memcpy(&sa, s0 + j, sizeof sa);
                    memcpy(&sb, s1 + j, sizeof sb);
                    pa[j / 2] = sa * a;
                    pb[j / 2] = sb * b;
                    probe += 0.0 * u + 0.0 * v;
                }
#pragma GCC unroll 8
                for (int j = 0; j < m; j += 2)
                    A[(p * m + j) / 2 % NV] += pa[j / 2];
#pragma GCC unroll 8
                for (int j = 0; j < m; j += 2)
                    A[((p + 1) * m + j) / 2 % NV] += pb[j / 2];
            }
        for (int k = 0; k < NV; k++) {
            acc[2 * ((q + (size_t)k) % NV)] = A[k][0];
            acc[2 * ((q + (size_t)k) % NV) + 1] = A[k][1];
        }
    }
    for (; c < n; c++)
#pragma GCC unroll 8
        for (int j = 0; j < m; j++) {
            size_t i = c * (size_t)m + (size_t)j;
            double v = x[(size_t)j * ps + c];
            h[i] = v;
            probe[0] += 0.0 * v;
            acc[f0 + i < nl ? (f0 + i) % LANES : 0] += s[i] * v;
        }
    return probe[0] + probe[1];
}

/* What the copy-out of slabs i0b ≤ i0 < i0e gathers: the probe of h, Σ s·h read from the planes
 * (energy only), or the four accumulators of the energy dot in flat order (fields and energy). */
typedef struct {
    double probe, sh, acc[VS__DOT_LANES];
} out_sums;

/* The fields of slabs i0b ≤ i0 < i0e from the planes: into h (if h != NULL) and/or their dot with
 * s (if dot != 0). */
static void copy_out(const struct vs_lattice *l, const double *s, const planes *p, double *h, int dot,
                     size_t i0b, size_t i0e, out_sums *o)
{
    const vs__geom *g = &l->geo;
    size_t len = run_length(g), m = (size_t)l->m, ps = p->ps;
    for (size_t r = i0b * runs_per_slab(g); r < i0e * runs_per_slab(g); r++) {
        const double *src = p->x + planes_run(g, p, r), *sr = s + r * len * m;
        double *dst = h ? h + r * len * m : NULL;
        if (dst && dot) { /* fields and energy: one pass, the dot in the order of dot_fields */
            size_t f0 = r * len * m, nv = vs__lattice_nvals(l), nl = nv - nv % VS__DOT_LANES;
            switch (l->m) {
            case 6: o->probe += planes_out_dot(len, 6, src, ps, dst, sr, f0, nl, o->acc); break;
            case 3: o->probe += planes_out_dot(len, 3, src, ps, dst, sr, f0, nl, o->acc); break;
            default: o->probe += planes_out_dot(len, l->m, src, ps, dst, sr, f0, nl, o->acc); break;
            }
            continue;
        }
        switch (l->m) {
        case 6:
            o->probe += dst ? planes_out(len, 6, src, ps, dst) : 0.0;
            o->sh += dot ? planes_dot(len, 6, sr, src, ps) : 0.0;
            break;
        case 3:
            o->probe += dst ? planes_out(len, 3, src, ps, dst) : 0.0;
            o->sh += dot ? planes_dot(len, 3, sr, src, ps) : 0.0;
            break;
        default:
            o->probe += dst ? planes_out(len, l->m, src, ps, dst) : 0.0;
            o->sh += dot ? planes_dot(len, l->m, sr, src, ps) : 0.0;
            break;
        }
    }
}

/* The k = 0 entry of plane j is Σ_cells s_j: it is finite iff every input is finite (or else the
 * sum overflowed). Checking it replaces a full validation pass over s. */
static int sums_finite(const struct vs_lattice *l, const fftw_complex *xk)
{
    for (size_t j = 0; j < (size_t)l->m; j++)
        if (!isfinite(xk[j * l->hp][0]))
            return 0;
    return 1;
}

/* Ask for the table entries of the nq points from k on: the column stage reads the table in runs
 * of one block's columns, g1·(g2/2+1) points apart, and the hardware prefetcher loses every
 * run's start. */
static void prefetch_table(const struct vs_lattice *l, size_t k, size_t nq)
{
    const char *p, *e;
    if (l->geo.nb == 1) {
        p = (const char *)(l->ktab_r + k * (size_t)l->npack);
        e = (const char *)(l->ktab_r + (k + nq) * (size_t)l->npack);
    } else {
        size_t mp = (size_t)l->m * (size_t)(l->m + 1) / 2;
        p = (const char *)(l->ktab_c + k * mp);
        e = (const char *)(l->ktab_c + (k + nq) * mp);
    }
    for (; p < e; p += 64)
        __builtin_prefetch(p, 0, 3);
}

/* Column stage of the fused evaluation: per block of columns the forward 1-D transforms along
 * axis 0, the k-space product and the backward ones while the block is in cache. */
static int column_stage(const struct vs_lattice *l, fftw_complex *xk)
{
    const vs__geom *g = &l->geo;
    size_t ncol = column_count(g), ns = slab_count(g);
    if (ns < (size_t)g->g[0]) /* open clusters: the slabs without spins transform to zero */
        for (size_t j = 0; j < (size_t)l->m; j++)
            memset(xk + j * l->hp + ns * ncol, 0, ((size_t)g->g[0] - ns) * ncol * sizeof *xk);
    for (size_t q0 = 0; q0 < ncol; q0 += l->colblk) {
        int r = q0 + l->colblk > ncol; /* the shorter last block */
        size_t nq = r ? l->colrem : l->colblk;
        fftw_execute_dft(l->col_fwd[r], xk + q0, xk + q0);
        if (q0 == 0 && !sums_finite(l, (const fftw_complex *)xk))
            return VS_ENUMERIC;
        for (size_t k0 = 0; k0 < (size_t)g->g[0]; k0++) {
            if (k0 + 1 < (size_t)g->g[0])
                prefetch_table(l, (k0 + 1) * ncol + q0, nq);
            kspace_matvec_range(l, xk, k0 * ncol + q0, k0 * ncol + q0 + nq);
        }
        fftw_execute_dft(l->col_bwd[r], xk + q0, xk + q0);
    }
    return VS_OK;
}

/* Fused evaluation (serial): slab r2c, column stage, slab c2r — three passes over the k-space
 * planes instead of the five of two 3-D transforms and a separate product. Where the slab
 * offsets keep FFTW's alignment (l->slabwise), each slab is transposed in and transformed, and
 * transformed back and transposed out, while it is in cache. */
static int convolve_fused(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const double *s,
                          double *h, int dot, out_sums *o)
{
    const vs__geom *g = &l->geo;
    size_t ns = slab_count(g), kp = (size_t)g->g[1] * (size_t)(g->g[2] / 2 + 1);
    double *xr = ws->xr;
    fftw_complex *xk = ws->xk;
    planes all = {xr, l->gp, 0};
    if (l->slabwise) { /* each slab through the scratch at the start of xr (l->sps) */
        for (size_t i0 = 0; i0 < ns; i0++) {
            planes one = slab_scratch(l, xr, i0);
            copy_in(l, s, &one, i0, i0 + 1);
            fftw_execute_dft_r2c(l->slab_fwd, planes_slab(g, &one, i0), xk + i0 * kp);
        }
    } else {
        copy_in(l, s, &all, 0, ns);
        fftw_execute_dft_r2c(l->slab_fwd, xr, xk);
    }
    VS_FORWARD_IF_ERROR(column_stage(l, xk));
    if (l->slabwise) {
        for (size_t i0 = 0; i0 < ns; i0++) {
            planes one = slab_scratch(l, xr, i0);
            fftw_execute_dft_c2r(l->slab_bwd, xk + i0 * kp, planes_slab(g, &one, i0));
            copy_out(l, s, &one, h, dot, i0, i0 + 1, o);
        }
    } else {
        fftw_execute_dft_c2r(l->slab_bwd, xk, xr);
        copy_out(l, s, &all, h, dot, 0, ns, o);
    }
    return VS_OK;
}

/* Threaded evaluation: FFTW's 3-D transforms and the k-space product as a separate pass. */
static int convolve_planes(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const double *s,
                           double *h, int dot, out_sums *o)
{
    const vs__geom *g = &l->geo;
    size_t L0 = (size_t)g->L[0], sp = slab_points(g);
    double *xr = ws->xr;
    fftw_complex *xk = ws->xk;
    if (g->open) /* the 3-D transform reads the empty slabs too */
        for (size_t j = 0; j < (size_t)l->m; j++)
            memset(xr + j * l->gp + L0 * sp, 0, ((size_t)g->g[0] - L0) * sp * sizeof *xr);
    planes all = {xr, l->gp, 0};
    copy_in(l, s, &all, 0, L0);
    fftw_execute_dft_r2c(l->pfwd, xr, xk);
    if (!sums_finite(l, (const fftw_complex *)xk))
        return VS_ENUMERIC;
    vs__lattice_kspace_matvec(l, xk);
    fftw_execute_dft_c2r(l->pbwd, xk, xr);
    copy_out(l, s, &all, h, dot, 0, L0, o);
    return VS_OK;
}

int vs__lattice_convolve(const struct vs_lattice *l, struct vs_lattice_workspace *ws, const double *s,
                         double *h, double *sh)
{
    /* Every call executes the lattice's shared plans with the new-array functions (thread-safe; the
     * plans are never modified) on the workspace's planes; h is written only once the input has
     * passed the k = 0 check. */
    out_sums o = {0.0, 0.0, {0.0}};
    int st = l->slab_fwd ? convolve_fused(l, ws, s, h, sh != NULL, &o)
                         : convolve_planes(l, ws, s, h, sh != NULL, &o);
    if (st != VS_OK)
        return st;
    if (h && o.probe != 0.0)
        return VS__CONVOLVE_OVERFLOW;
    if (sh)
        *sh = h ? vs__lattice_dot_lanes(o.acc) : o.sh;
    return VS_OK;
}
