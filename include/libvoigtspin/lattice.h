/**
 * @file lattice.h
 * @brief The long-range lattice Hamiltonian of paper Eqs. 18–19, Ewald-summed and evaluated by FFT
 *        (docs/lattice.md).
 *
 * Hamiltonian (energies in units of E0, the paper's g²a³; spins s_m with ncomp components):
 *
 *     H = −(E0/2) Σ_{m,n} Σ'_R s_mᵀ J(r_m − r_n + R) s_n − (E0/(2N)) Mᵀ U M − (E0/2) Σ_m s_mᵀ D s_m,
 *     M = Σ_m s_m,
 *
 * with the principal-value pair kernel of a degree-0 k-space coupling W(k̂) = Σ_l A_l(k̂)
 * (A_l = degree-l spherical-harmonic part, from a ::vs_coupling):
 *
 *     J(r) = (v0/r³) Σ_{l≥2 even} (−1)^{l/2} γ_l A_l(r̂),   γ_l = Γ((l+3)/2)/(π^{3/2} Γ(l/2)),
 *
 * (γ₂ = 3/(4π), γ₄ = 15/(8π)); l = 0 is a contact term, not a pair interaction (use D for it).
 * v0 is the volume per site. R runs over supercell translations (periodic case) and the prime skips
 * r_m − r_n + R = 0: a spin interacts with its own periodic images. The conditionally convergent
 * sum is the limit over expanding spheres ("sphere" boundary = Ewald with G = 0 dropped). U adds any
 * uniform-mode (shape) term: for W = k̂k̂ᵀ, U = −I/3 gives the tin-foil boundary of most Ewald codes.
 * With no pair kernel (coupling NULL) and U = diag(J_α), H is the mean-field Hamiltonian of Eq. 21.
 *
 * Geometry: a cell (three Cartesian row vectors a1, a2, a3) with nbasis sites at fractional
 * positions, repeated L1×L2×L3 times. Site index (site-major):
 *
 *     m = ((i1*L2 + i2)*L3 + i3)*nbasis + b,   r_m = Σ_j (i_j + f_bj) a_j.
 *
 * Spin configurations and fields are caller arrays `double[N*ncomp]`, row-major, component fastest:
 * s[m*ncomp + a]. Unit spins are the physics but no function requires unit norm (the Hamiltonian is
 * a quadratic form and is evaluated for any finite vectors).
 *
 * Open clusters (option ::VS_LATTICE_OPT_BOUNDARY = ::VS_LATTICE_OPEN): the same sites, no images,
 * the bare pair kernel summed directly (evaluated by zero-padded FFT convolution).
 *
 * Thread safety: functions taking `const vs_lattice *` may run concurrently on one handle. The
 * FFT evaluators (vs_lattice_fields(), vs_lattice_energy()) use the handle's workspace and take a
 * non-const handle. To evaluate one lattice from several threads at once (replicas sharing one
 * coupling table), give each thread its own ::vs_lattice_workspace (vs_lattice_workspace_create())
 * and call vs_lattice_fields_ws() / vs_lattice_energy_ws() with the shared, const handle: one
 * workspace per thread at a time, any number of workspaces per lattice; workspaces may be created
 * and freed concurrently (no planner call). Functions that modify the handle
 * (vs_lattice_set_uniform(), vs_lattice_set_onsite(), vs_lattice_fields(), vs_lattice_energy(),
 * vs_lattice_free()) must not run while other threads use it. FFTW plans are made at creation and destroyed by vs_lattice_free(), on scratch
 * buffers, under the library's FFTW planner lock (FFTW's planner is not thread-safe); the library
 * never calls fftw_cleanup(). FFTW's global state the library touches: builds with FFTW threads
 * call fftw_init_threads() once, at the first creation, and set the planner thread count
 * (fftw_plan_with_nthreads()) while planning, restoring the host's value before releasing the
 * lock. A host that plans or destroys its own FFTW plans in other threads while lattices are
 * created or freed must hold the same lock (vs_fftw_planner_lock() / vs_fftw_planner_unlock())
 * around its planner calls, or call fftw_make_planner_thread_safe() once before any thread plans
 * (that prevents the crash, but a host plan made during a creation may then pick up the
 * library's temporary thread count).
 */
#ifndef LIBVOIGTSPIN_LATTICE_H
#define LIBVOIGTSPIN_LATTICE_H

#include <stddef.h>

#include <libvoigtspin/common.h>
#include <libvoigtspin/coupling.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque lattice Hamiltonian handle. */
typedef struct vs_lattice vs_lattice;

/**
 * Opaque per-thread FFT workspace of one lattice (vs_lattice_workspace_create()).
 * @since 1.1
 */
typedef struct vs_lattice_workspace vs_lattice_workspace;

/** Opaque creation options (zstd-style parameter set). */
typedef struct vs_lattice_options vs_lattice_options;

/** Cubic presets, all built on the conventional cube of side a (so the supercell is cubic):
 *  sc: 1 site per cube, v0 = a³; bcc: 2 sites (0,0,0), (½,½,½), v0 = a³/2;
 *  fcc: 4 sites (0,0,0), (0,½,½), (½,0,½), (½,½,0), v0 = a³/4. */
typedef enum vs_lattice_kind {
    VS_LATTICE_SC = 1,  /**< simple cubic */
    VS_LATTICE_BCC = 2, /**< body-centred cubic (conventional cube, 2-site basis) */
    VS_LATTICE_FCC = 3  /**< face-centred cubic (conventional cube, 4-site basis) */
} vs_lattice_kind;

/** Boundary conditions (values of ::VS_LATTICE_OPT_BOUNDARY). */
typedef enum vs_lattice_boundary {
    VS_LATTICE_PERIODIC = 0, /**< periodic supercell, Ewald sum with the sphere boundary (default) */
    VS_LATTICE_OPEN = 1      /**< finite open cluster: bare pair kernel, no images */
} vs_lattice_boundary;

/** FFTW planners (values of ::VS_LATTICE_OPT_FFTW_PLANNER; docs/performance.md, "FFT planner").
 *  @since 1.1 (the values 0 and 1 date from 1.0) */
typedef enum vs_lattice_planner {
    VS_LATTICE_PLANNER_ESTIMATE = 0, /**< FFTW_ESTIMATE: plans in milliseconds, the same plans in every
                                          process (bit-reproducible runs) unless the process measured
                                          the same transform before (FFTW wisdom, docs/lattice.md) */
    VS_LATTICE_PLANNER_MEASURE = 1,  /**< FFTW_MEASURE: plans by timing candidates (serial: 0.02–0.7 s
                                          at L = 16–128); faster plans, chosen by timing, so they may
                                          differ between processes (results then agree to round-off
                                          only) */
    VS_LATTICE_PLANNER_AUTO = 2      /**< MEASURE where it pays and the run is threaded anyway: FFT
                                          threads > 1 (in builds with FFTW threads) and a grid of at
                                          least 16³ points; ESTIMATE otherwise (the default) */
} vs_lattice_planner;

/** Option keys for vs_lattice_options_set(); the values are doubles (integers for enumerations). */
typedef enum vs_lattice_option {
    /** Ewald accuracy ε: the cut-offs are chosen so that every dropped term of degree l is
     *  ≤ ε (max|A_l| γ_l Q((l+3)/2, α²r²) in real space, max|A_l| Q(l/2, G²/4α²) in reciprocal
     *  space); the resulting absolute error of the dimensionless table entries is ≤ ε (tested;
     *  typically ≈ 0.1 ε). Bounds [1e-15, 1e-2]; default 1e-12. */
    VS_LATTICE_OPT_ACCURACY = 1,
    /** Ewald splitting parameter α (1/length). 0 (default) lets the library choose it; results do
     *  not depend on α beyond the requested accuracy (they agree to about ::VS_LATTICE_OPT_ACCURACY,
     *  not to round-off). Bounds [0, 1e6]; an α whose Ewald sums would visit more than
     *  4·10⁶ + 4 N_grid + 4·10⁵ n_pairs lattice-vector candidates (N_grid = L1 L2 L3, n_pairs =
     *  nbasis(nbasis+1)/2; far more than the automatic choice ever needs) is rejected with
     *  ::VS_EINVAL, so that creation time stays bounded. */
    VS_LATTICE_OPT_ALPHA = 2,
    /** ::VS_LATTICE_PERIODIC (default) or ::VS_LATTICE_OPEN. */
    VS_LATTICE_OPT_BOUNDARY = 3,
    /** Energy scale E0 (the paper's g²a³), > 0. Bounds [1e-300, 1e300]; default 1. */
    VS_LATTICE_OPT_ENERGY_SCALE = 4,
    /** FFTW planner, a ::vs_lattice_planner: ::VS_LATTICE_PLANNER_ESTIMATE (0),
     *  ::VS_LATTICE_PLANNER_MEASURE (1) or ::VS_LATTICE_PLANNER_AUTO (2, the default since 1.1;
     *  1.0's default was 0). AUTO plans with MEASURE only for threaded transforms
     *  (::VS_LATTICE_OPT_FFT_THREADS > 1) of at least 16³ grid points (2 threads, L = 16–128:
     *  MEASURE 1.0–1.39× faster than ESTIMATE's threaded plans for 0.03–7.5 s of planning); a
     *  threaded run is a long one. Serial transforms keep ESTIMATE, so that default runs stay
     *  bit-reproducible across processes (a checkpoint resumes bit for bit in a new process, and
     *  the MPI add-on's ranks execute the same plans). With one FFT thread, MEASURE is 10–37 %
     *  faster at L = 24, 48, 96, 17 % at L = 128 and equal at L = 16, 32, 64 (docs/performance.md,
     *  "FFT planner"), for 0.02–0.7 s of planning: choose it for long runs when round-off-level
     *  reproducibility across processes suffices (MEASURE times candidate plans, so two processes
     *  may get different plans, whose results agree to ~1e-15 relative). MEASURE
     *  plans on scratch buffers, under the library's planner lock; FFTW keeps what it measured
     *  for the rest of the process (its wisdom: a second lattice of the same shape plans without
     *  timing, and later ESTIMATE plans of the same transform reuse the measured plan). The
     *  library never imports, exports or forgets wisdom. Bounds [0, 2]. */
    VS_LATTICE_OPT_FFTW_PLANNER = 5,
    /** Threads for building the coupling table: 0 (default) = the OpenMP default
     *  (OMP_NUM_THREADS), n ≥ 1 = at most n. Ignored by builds without OpenMP (meson option
     *  `openmp`). The table does not depend on the thread count. Bounds [0, 1024]. */
    VS_LATTICE_OPT_THREADS = 6,
    /** Threads of the FFTW transforms that vs_lattice_fields() and vs_lattice_energy() execute
     *  (FFTW's OpenMP threads, fixed in the plans at creation). 1 (default) = serial. Builds
     *  without FFTW threads (meson option `openmp` off, or no libfftw3_omp) accept any value and
     *  run serially. The planner's global thread count is restored after planning. FFTW's
     *  ESTIMATE planner usually keeps these transforms serial or splits them badly: the default
     *  planner (::VS_LATTICE_PLANNER_AUTO) therefore measures threaded plans of at least 16³
     *  points (docs/performance.md, "FFT planner"). Bounds [1, 1024]. */
    VS_LATTICE_OPT_FFT_THREADS = 7,
    /** Memory ceiling of vs_lattice_create(), in bytes: a creation whose peak
     *  (vs_lattice_memory_estimate()) exceeds it fails with ::VS_ENOMEM before allocating anything
     *  grid-sized. 0 = no ceiling. Default 8 GiB (8589934592); raise it for larger lattices.
     *  Bounds [0, 2^64]. @since 1.1 */
    VS_LATTICE_OPT_MAX_MEMORY = 8
} vs_lattice_option;

/**
 * @brief Create an option set holding the defaults.
 * @param[out] out new option set (free with vs_lattice_options_free()).
 * @return ::VS_OK, ::VS_EINVAL (out NULL), ::VS_ENOMEM.
 */
VS_API int vs_lattice_options_create(vs_lattice_options **out);

/** @brief Free an option set. Accepts NULL. */
VS_API void vs_lattice_options_free(vs_lattice_options *opt);

/**
 * @brief Set one option.
 * @param opt option set. @param key a ::vs_lattice_option. @param value within
 *        vs_lattice_option_bounds(); integral for enumerations.
 * @return ::VS_OK, ::VS_EINVAL (NULL, unknown key, NaN, out of bounds, not integral).
 */
VS_API int vs_lattice_options_set(vs_lattice_options *opt, int key, double value);

/** @brief Read one option into *value. @return ::VS_OK, ::VS_EINVAL. */
VS_API int vs_lattice_options_get(const vs_lattice_options *opt, int key, double *value);

/** @brief Inclusive bounds [*lo, *hi] of an option. @return ::VS_OK, ::VS_EINVAL (unknown key, NULL). */
VS_API int vs_lattice_option_bounds(int key, double *lo, double *hi);

/**
 * @brief Create a lattice Hamiltonian on a custom Bravais lattice with a basis.
 *
 * Builds the coupling table T(Δ) for every displacement (Ewald sum, O(N log N)) and the FFT plans.
 * @param cell `double[9]` row-major: rows are the cell vectors a1, a2, a3 (right- or left-handed,
 *        non-degenerate).
 * @param nbasis number of sites per cell, 1..64.
 * @param frac `double[nbasis*3]` fractional positions of the basis sites (distinct modulo the lattice).
 *        Coordinates must satisfy |f| < 2^52; periodic lattices use them modulo the lattice (the
 *        cost does not depend on how far outside [0, 1) they lie), open clusters as given.
 *        The site positions r_m (vs_lattice_positions()) use f as given.
 * @param L `int[3]` supercell sizes L1, L2, L3 ≥ 1 (open clusters: the grid is 2L).
 * @param coupling pair kernel source (borrowed only during the call), or NULL for no pair kernel.
 * @param ncomp spin components: with a coupling, 0 or vs_coupling_ncomp(coupling); without, 1..16.
 * @param opt options, or NULL for the defaults.
 * @param[out] out new handle, NULL on error.
 * @return ::VS_OK, ::VS_EINVAL (also: a cell whose volume is not a normal double — choose a length
 *         unit near the cell size —, an α beyond the work bound of ::VS_LATTICE_OPT_ALPHA),
 *         ::VS_EOVERFLOW (sizes), ::VS_ENOMEM (out of memory, or the peak memory exceeds
 *         ::VS_LATTICE_OPT_MAX_MEMORY), ::VS_ENUMERIC (the table is not finite), or a coupling
 *         error.
 */
VS_API int vs_lattice_create(const double *cell, int nbasis, const double *frac, const int *L,
                             const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt,
                             vs_lattice **out);

/**
 * @brief Create a lattice Hamiltonian from a user pair table (short-range exchange given as a list
 *        of bonds, as in Sunny, Spirit or Vampire inputs), optionally added to the Ewald-summed
 *        kernel of a coupling.
 *
 * Entry e (0 ≤ e < npairs) is one bond: displacement d = `disp[3e..3e+2]` in cell units, basis pair
 * (i, j) = (`pair[2e]`, `pair[2e+1]`), block B = `blocks[e*ncomp*ncomp ...]` (row-major
 * ncomp×ncomp, symmetric). It couples, in every cell c = (i1, i2, i3) of the site-index formula
 * of this file, the site m = (c, i) to the site n = (c + d, j):
 *
 *     T_mn += B,   T_nm += Bᵀ = B,   i.e. the bond adds −E0 s_mᵀ B s_n to H,
 *
 * with H = −(E0/2) Σ_{m,n} s_mᵀ T_mn s_n + the Ewald part of the coupling (if any) + U and D terms.
 * Conventions:
 * - **Each entry is one bond; its reverse (−d, (j, i), Bᵀ) is added automatically.** The table
 *   must not list both directions of a bond (an entry (d, i, j) together with (−d, j, i), compared
 *   as written, is refused). A positive B is ferromagnetic: nearest-neighbour sc with B = J·I,
 *   listed once per axis (d = (1,0,0), (0,1,0), (0,0,1), i = j = 0), gives the ferromagnet the
 *   energy −(E0/2)·N·z·J = −3·E0·N·J for unit spins (z = 6).
 * - d refers to the cells of the site indices, not to positions: the geometric bond vector is
 *   (d + f_j − f_i)·A, with f as given in `frac`.
 * - Periodic images: d is taken modulo L (any int is allowed, also |d_k| ≥ L_k). A bond that maps
 *   a site onto itself (i = j, d ≡ 0 mod L, d ≠ 0) is a self-image and enters T(0) (twice: the
 *   bond and its reverse). On a small supercell distinct bonds may wrap onto the same pair of sites;
 *   they add up. Open clusters (::VS_LATTICE_OPT_BOUNDARY = ::VS_LATTICE_OPEN) drop bonds with
 *   |d_k| ≥ L_k.
 * - Duplicate entries add up.
 * - An entry with d = 0 and i = j (an on-site term) is refused: use vs_lattice_set_onsite().
 * - Blocks must be symmetric (|B_ab − B_ba| ≤ 1e-12 max|B|; used as (B + Bᵀ)/2): antisymmetric
 *   (Dzyaloshinskii–Moriya) exchange is not supported.
 *
 * Every evaluator works unchanged (FFT and direct fields and energies, workspaces, ΔE and update,
 * vs_lattice_coupling(), vs_lattice_fourier(), Luttinger–Tisza). Memory as vs_lattice_create()
 * (vs_lattice_memory_estimate()) plus 40·npairs bytes during creation.
 * @param cell,nbasis,frac,L as for vs_lattice_create().
 * @param ncomp spin components: with a coupling, 0 or vs_coupling_ncomp(coupling); without, 1..16.
 * @param npairs number of entries (0 allowed: then disp, pair, blocks may be NULL).
 * @param disp `int[npairs*3]` cell displacements.
 * @param pair `int[npairs*2]` basis indices (i, j), each in 0..nbasis−1.
 * @param blocks `double[npairs*ncomp*ncomp]` symmetric, finite blocks (dimensionless: fields are
 *        h_m = Σ_n T_mn s_n).
 * @param coupling pair kernel whose Ewald-summed table the bonds are added to, or NULL for the
 *        pair table alone (borrowed only during the call).
 * @param opt options, or NULL for the defaults.
 * @param[out] out new handle, NULL on error.
 * @return ::VS_OK, ::VS_EINVAL (as vs_lattice_create(); ncomp; NULL arrays with npairs > 0; a basis
 *         index out of range; a non-finite or asymmetric block; an on-site entry; a bond listed in
 *         both directions), ::VS_EOVERFLOW (npairs so large that the array sizes overflow),
 *         ::VS_ENOMEM, ::VS_ENUMERIC, or a coupling error.
 * @since 1.1
 */
VS_API int vs_lattice_create_pairs(const double *cell, int nbasis, const double *frac, const int *L,
                                   int ncomp, size_t npairs, const int *disp, const int *pair,
                                   const double *blocks, const vs_coupling *coupling,
                                   const vs_lattice_options *opt, vs_lattice **out);

/**
 * @brief Peak memory, in bytes, that vs_lattice_create() with the same arguments would allocate,
 *        computed without allocating anything grid-sized (the arguments are validated as by
 *        vs_lattice_create(), except the Ewald work bound).
 *
 * With m = nbasis·ncomp, p = ncomp(ncomp+1)/2, P = nbasis(nbasis+1)/2, the FFT grid g (L, or 2L
 * for open clusters), G = g1 g2 g3 and H = g1 g2 (⌊g3/2⌋ + 1):
 *
 *     bytes = 8 P G p + k + max(16 P H p, W),   W = 8 G' m + 16 H' m,
 *     k = 8 H p (nbasis = 1), 16 H m(m+1)/2 (nbasis > 1)
 *
 * (real-space table + k-space table + the larger of its transform buffer and the FFT workspace).
 * The workspace holds m planes of G reals and m planes of H complex numbers, each padded to G' ≥ G
 * (H' ≥ H) elements so that the planes do not start at the same offset within a 4 KiB page (at
 * most 4 KiB more per plane; G' = G, H' = H for m = 1; docs/lattice.md, "Memory").
 * Not counted: FFTW's plan-internal memory and O(nbasis) bookkeeping. Each
 * ::vs_lattice_workspace (vs_lattice_workspace_create()) costs a further W bytes
 * (its FFT buffers; the handle's own workspace is in the peak above), so R threads evaluating one
 * lattice need bytes + R·W.
 * @param cell,nbasis,frac,L,coupling,ncomp,opt as for vs_lattice_create().
 * @param[out] bytes the peak.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_EOVERFLOW (sizes or the byte count overflow), ::VS_ENOMEM,
 *         or a coupling error.
 * @since 1.1
 */
VS_API int vs_lattice_memory_estimate(const double *cell, int nbasis, const double *frac,
                                      const int *L, const vs_coupling *coupling, int ncomp,
                                      const vs_lattice_options *opt, size_t *bytes);

/**
 * @brief Take the library's FFTW planner lock (a recursive mutex). FFTW's planner (plan
 *        creation and destruction, fftw_plan_with_nthreads()) is not thread-safe, and the library
 *        plans while lattices are created or freed: a host that calls FFTW's planner in threads
 *        that may run concurrently with vs_lattice_create*() / vs_lattice_free() must hold this
 *        lock around those calls (or call fftw_make_planner_thread_safe(), see the file
 *        comment). Executing plans needs no lock. Every lock must be matched by
 *        vs_fftw_planner_unlock() in the same thread. The lock is recursive: the holding thread
 *        may itself create or free lattices meanwhile.
 * @since 1.1
 */
VS_API void vs_fftw_planner_lock(void);

/** @brief Release the lock taken by vs_fftw_planner_lock() (same thread). @since 1.1 */
VS_API void vs_fftw_planner_unlock(void);

/**
 * @brief Create a lattice Hamiltonian on a cubic preset (conventional cube of side a, see
 *        ::vs_lattice_kind; v0 = a³, a³/2, a³/4 for sc, bcc, fcc).
 * @param kind a ::vs_lattice_kind.
 * @param a cube side, finite and > 0.
 * @param L `int[3]` numbers of conventional cubes along x, y, z (each ≥ 1).
 * @param coupling pair kernel source, or NULL for no pair kernel.
 * @param ncomp spin components (see vs_lattice_create()).
 * @param opt options, or NULL for the defaults.
 * @param[out] out new handle, NULL on error.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_EOVERFLOW, ::VS_ENOMEM.
 */
VS_API int vs_lattice_create_cubic(int kind, double a, const int *L, const vs_coupling *coupling,
                                   int ncomp, const vs_lattice_options *opt, vs_lattice **out);

/** @brief Free a handle. Accepts NULL. */
VS_API void vs_lattice_free(vs_lattice *lat);

/** @brief Number of sites N = L1 L2 L3 nbasis; 0 if lat is NULL. */
VS_API size_t vs_lattice_nsites(const vs_lattice *lat);

/** @brief Spin components ncomp; 0 if lat is NULL. */
VS_API int vs_lattice_ncomp(const vs_lattice *lat);

/** @brief Basis sites per cell; 0 if lat is NULL. */
VS_API int vs_lattice_nbasis(const vs_lattice *lat);

/** @brief Volume per site v0 = |det cell| / nbasis (length³). @return ::VS_OK, ::VS_EINVAL. */
VS_API int vs_lattice_site_volume(const vs_lattice *lat, double *v0);

/** @brief Energy scale E0 in use. @return ::VS_OK, ::VS_EINVAL. */
VS_API int vs_lattice_energy_scale(const vs_lattice *lat, double *e0);

/** @brief Cartesian site positions `r[N*3]` in the site order of this file. @return ::VS_OK, ::VS_EINVAL. */
VS_API int vs_lattice_positions(const vs_lattice *lat, double *r);

/**
 * @brief The Ewald parameters chosen at creation: α (1/length), real-space cut-off rcut (length),
 *        reciprocal cut-off gcut (1/length). Open clusters and lattices without a pair kernel report
 *        0 for all three. Any pointer may be NULL. @return ::VS_OK, ::VS_EINVAL (lat NULL).
 */
VS_API int vs_lattice_ewald_parameters(const vs_lattice *lat, double *alpha, double *rcut,
                                       double *gcut);

/**
 * @brief Set the uniform-mode matrix U (`double[ncomp*ncomp]`, symmetrised as (U+Uᵀ)/2), or NULL
 *        for U = 0 (default). Energy term −(E0/(2N)) Mᵀ U M. @return ::VS_OK, ::VS_EINVAL, ::VS_ENOMEM.
 */
VS_API int vs_lattice_set_uniform(vs_lattice *lat, const double *U);

/**
 * @brief Set the on-site matrix D (`double[ncomp*ncomp]`, symmetrised), or NULL for D = 0 (default).
 *        Energy term −(E0/2) Σ_m s_mᵀ D s_m (e.g. D = A_0 for the contact term).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENOMEM.
 */
VS_API int vs_lattice_set_onsite(vs_lattice *lat, const double *D);

/**
 * @brief The coupling block T(r_m − r_n) between sites m and n (all periodic images summed, the
 *        self term excluded), `T[ncomp*ncomp]` row-major, symmetric; T(r_m − r_n) = T(r_n − r_m).
 *        Dimensionless (fields are h_m = Σ_n T(r_m − r_n) s_n). @return ::VS_OK, ::VS_EINVAL.
 */
VS_API int vs_lattice_coupling(const vs_lattice *lat, size_t m, size_t n, double *T);

/**
 * @brief Pair fields h_m = Σ_n T(r_m − r_n) s_n for all sites by FFT convolution, O(N log N).
 *
 * U and D are not included (they enter the energy; the full effective field −∂H/∂s_m / E0 is
 * h_m + U M/N + D s_m). Uses the handle's FFT workspace (hence a non-const handle).
 * @param lat the lattice.
 * @param s `double[N*ncomp]` spins, finite.
 * @param[out] h `double[N*ncomp]` fields (may not alias s).
 * @return ::VS_OK, ::VS_EINVAL (NULL, NaN/inf in s; h untouched), ::VS_ENUMERIC (the fields
 *         overflow; h unspecified).
 */
VS_API int vs_lattice_fields(vs_lattice *lat, const double *s, double *h);

/**
 * @brief Total energy H (same unit as E0) by FFT convolution, O(N log N); uses the handle's
 *        workspace, allocates nothing.
 * @param lat the lattice.
 * @param s `double[N*ncomp]` spins, finite.
 * @param[out] E the energy.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_ENUMERIC (the energy overflows).
 */
VS_API int vs_lattice_energy(vs_lattice *lat, const double *s, double *E);

/**
 * @brief Create a workspace for evaluating `lat` from one thread: the FFT buffers (W = 8 G' m + 16 H' m
 *        bytes, see vs_lattice_memory_estimate()) on which the lattice's FFTW plans are executed.
 *
 * The lattice is borrowed and must outlive the workspace. Thread contract: the lattice is
 * immutable here and may be shared by any number of threads, each evaluating through its own
 * workspace (vs_lattice_fields_ws(), vs_lattice_energy_ws()); a workspace is used by one thread at
 * a time. No FFTW plan is made (the lattice's plans, made under the library's planner lock at its
 * creation, are executed with FFTW's thread-safe new-array execute functions), so workspaces may
 * be created and freed concurrently from any threads. vs_lattice_set_uniform() and
 * vs_lattice_set_onsite() must not be called while workspaces of the lattice evaluate.
 * @param lat the lattice (borrowed).
 * @param[out] out new workspace, NULL on error.
 * @return ::VS_OK, ::VS_EINVAL (NULL), ::VS_EOVERFLOW, ::VS_ENOMEM.
 * @since 1.1
 */
VS_API int vs_lattice_workspace_create(const vs_lattice *lat, vs_lattice_workspace **out);

/** @brief Free a workspace. Accepts NULL. @since 1.1 */
VS_API void vs_lattice_workspace_free(vs_lattice_workspace *ws);

/**
 * @brief vs_lattice_fields() on a const, shareable lattice through a caller's workspace: the same
 *        result, bit for bit.
 * @param lat the lattice.
 * @param ws a workspace created for this lattice (in use by this thread only).
 * @param s `double[N*ncomp]` spins, finite.
 * @param[out] h `double[N*ncomp]` fields (may not alias s).
 * @return ::VS_OK, ::VS_EINVAL (NULL, a workspace of another lattice, NaN/inf in s; h untouched),
 *         ::VS_ENUMERIC (the fields overflow; h unspecified).
 * @since 1.1
 */
VS_API int vs_lattice_fields_ws(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s, double *h);

/**
 * @brief vs_lattice_energy() on a const, shareable lattice through a caller's workspace: the same
 *        result, bit for bit; allocates nothing.
 * @param lat the lattice.
 * @param ws a workspace created for this lattice (in use by this thread only).
 * @param s `double[N*ncomp]` spins, finite.
 * @param[out] E the energy.
 * @return ::VS_OK, ::VS_EINVAL (NULL, a workspace of another lattice, NaN/inf in s),
 *         ::VS_ENUMERIC (the energy overflows).
 * @since 1.1
 */
VS_API int vs_lattice_energy_ws(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s, double *E);

/**
 * @brief Energy from given pair fields, O(N): E = −(E0/2) Σ s·h − (E0/2N) MᵀUM − (E0/2) Σ sᵀDs.
 * @param lat the lattice.
 * @param s `double[N*ncomp]` spins.
 * @param h `double[N*ncomp]` their pair fields (from vs_lattice_fields() or maintained by
 *        vs_lattice_update()).
 * @param[out] E the energy.
 * @return ::VS_OK, ::VS_EINVAL.
 */
VS_API int vs_lattice_energy_from_fields(const vs_lattice *lat, const double *s, const double *h,
                                         double *E);

/**
 * @brief Fields and energy from one FFT evaluation: h as vs_lattice_fields() and E as
 *        vs_lattice_energy_from_fields() of those fields, bit for bit, at about the cost of
 *        vs_lattice_fields() alone (the energy dot is summed while the fields are written: s and
 *        h are not read again, except s for the uniform and on-site terms when they are set).
 *        Uses the handle's workspace, allocates nothing.
 * @param lat the lattice.
 * @param s `double[N*ncomp]` spins, finite.
 * @param[out] h `double[N*ncomp]` fields (may not alias s).
 * @param[out] E the energy.
 * @return ::VS_OK, ::VS_EINVAL (NULL, NaN/inf in s; h and E untouched), ::VS_ENUMERIC (the
 *         fields or the energy overflow; h unspecified, E untouched).
 * @since 1.1
 */
VS_API int vs_lattice_fields_energy(vs_lattice *lat, const double *s, double *h, double *E);

/**
 * @brief vs_lattice_fields_energy() on a const, shareable lattice through a caller's workspace:
 *        the same results, bit for bit.
 * @param lat the lattice.
 * @param ws a workspace created for this lattice (in use by this thread only).
 * @param s `double[N*ncomp]` spins, finite.
 * @param[out] h `double[N*ncomp]` fields (may not alias s).
 * @param[out] E the energy.
 * @return ::VS_OK, ::VS_EINVAL (NULL, a workspace of another lattice, NaN/inf in s; h and E
 *         untouched), ::VS_ENUMERIC (the fields or the energy overflow; h unspecified).
 * @since 1.1
 */
VS_API int vs_lattice_fields_energy_ws(const vs_lattice *lat, vs_lattice_workspace *ws, const double *s,
                                       double *h, double *E);

/** @brief Pair fields by the direct O(N²) sum over the coupling table (cross-check, small N).
 *  Shapes as vs_lattice_fields(). @return ::VS_OK, ::VS_EINVAL (NULL, NaN/inf in s; h untouched),
 *  ::VS_ENUMERIC (the fields overflow; h unspecified). */
VS_API int vs_lattice_fields_direct(const vs_lattice *lat, const double *s, double *h);

/** @brief Total energy by the direct O(N²) pair sum (cross-check, small N). @return ::VS_OK,
 *  ::VS_EINVAL (NULL, NaN/inf in s), ::VS_ENUMERIC (the energy overflows), ::VS_ENOMEM. */
VS_API int vs_lattice_energy_direct(const vs_lattice *lat, const double *s, double *E);

/** @brief M = Σ_m s_m, `M[ncomp]`. @return ::VS_OK, ::VS_EINVAL (NULL, NaN/inf in s),
 *  ::VS_ENUMERIC (the sum overflows; M untouched). */
VS_API int vs_lattice_total(const vs_lattice *lat, const double *s, double *M);

/**
 * @brief Exact energy change ΔE of replacing s_m by snew (single-spin Monte Carlo move), O(ncomp²)
 *        given the current fields h (and O(N) if M is NULL while U ≠ 0).
 *
 * ΔE = −E0 [δ·h_m + ½ δᵀT(0)δ + ½(s'ᵀDs' − sᵀDs) + (δᵀUM + ½ δᵀUδ)/N], δ = snew − s_m
 * (T(0): the self-image block).
 * @param lat the lattice.
 * @param s current configuration `double[N*ncomp]`.
 * @param h its pair fields `double[N*ncomp]`.
 * @param M its total Σ s (`double[ncomp]`), or NULL to have it computed.
 * @param m site index < N.
 * @param snew new spin `double[ncomp]`, finite.
 * @param[out] dE the energy change.
 * @return ::VS_OK, ::VS_EINVAL (NULL, m ≥ N, NaN/inf in snew, s_m, h_m, M, or — when M is NULL
 *         and U ≠ 0 — anywhere in s), ::VS_ENUMERIC (ΔE overflows).
 */
VS_API int vs_lattice_delta_energy(const vs_lattice *lat, const double *s, const double *h,
                                   const double *M, size_t m, const double *snew, double *dE);

/**
 * @brief Apply the move s_m → snew: h_n += T(r_n − r_m)(snew − s_m) for all n (O(N ncomp²)),
 *        s_m = snew, and M += snew − s_m if M is not NULL.
 * @param lat the lattice.
 * @param[in,out] s configuration `double[N*ncomp]`.
 * @param[in,out] h its pair fields `double[N*ncomp]`.
 * @param[in,out] M its total `double[ncomp]`, or NULL.
 * @param m site index < N.
 * @param snew new spin `double[ncomp]`, finite.
 * @return ::VS_OK, ::VS_EINVAL (NULL, m ≥ N, NaN/inf in snew, s_m, M or anywhere in h — every
 *         value the call writes; the other spins are neither read nor checked),
 *         ::VS_ENUMERIC (the updated fields or M could overflow: checked beforehand from
 *         max|h| + ncomp·max|T|·max|snew − s_m|). Nothing is changed on error.
 */
VS_API int vs_lattice_update(const vs_lattice *lat, double *s, double *h, double *M, size_t m,
                             const double *snew);

/**
 * @brief Fourier-transformed coupling on the supercell grid (periodic lattices only).
 *
 * H(k) is the (nbasis·ncomp)² Hermitian matrix, row index b*ncomp + a, with blocks
 *
 *     H_{bb'}(k) = Σ_R T(r_{R,b} − r_{0,b'}) e^{−ik·R} + δ_{bb'} D + δ_{k,0} U/nbasis,
 *
 * where R runs over the L1 L2 L3 cell translations of the supercell and r_{R,b} is the site of
 * basis b in the cell at R (T as in vs_lattice_coupling()). It is real symmetric for a Bravais
 * lattice (nbasis = 1) and whenever 2k is a reciprocal lattice vector; H(−k) = conj H(k).
 * k = Σ_j (q_j/L_j) b_j with the reciprocal cell vectors b_j (a_i·b_j = 2πδ_ij).
 *
 * Mode energies: for v ∈ ℂ^{nbasis·ncomp}, the real configuration
 * s_{R,b} = Re(v_b e^{ik·R}) (R the cell of the site) has the energy
 *
 *     E = −(E0/4) N_cells v†H(k)v                 if 2k is not a reciprocal lattice vector,
 *     E = −(E0/2) N_cells (Re v)ᵀ H(k) (Re v)     if it is (q_j ∈ {0, L_j/2} for every j:
 *                                                  k = 0 or on the zone boundary),
 *
 * with N_cells = L1 L2 L3. In both cases E / Σ_m |s_m|² = −(E0/2) v†H(k)v / |v|² for real v (and
 * for any v in the first case), so the eigenvalues of H(k) are the stationary values of the
 * Rayleigh quotient E / Σ|s|² (Luttinger–Tisza).
 * @param lat the lattice.
 * @param q `int[3]` grid index, 0 ≤ q_j < L_j.
 * @param[out] Hre real part `double[(nb*nc)²]`, row-major.
 * @param[out] Him imaginary part `double[(nb*nc)²]`, or NULL.
 * @return ::VS_OK, ::VS_EINVAL, ::VS_EUNSUPPORTED (open cluster), ::VS_ENOMEM, ::VS_ENUMERIC
 *         (H(k) overflows: D or U near DBL_MAX).
 */
VS_API int vs_lattice_fourier(const vs_lattice *lat, const int *q, double *Hre, double *Him);

/**
 * @brief Luttinger–Tisza: the largest eigenvalue λ_max of H(k) (see vs_lattice_fourier()) over the
 *        supercell grid, the wave vector where it occurs, and the lattice mean-field Curie
 *        temperature T_c = E0 λ_max / ncomp (classical ncomp-component unit spins, ⟨s sᵀ⟩ = I/ncomp
 *        at high T; Eq. 25 for ncomp = 6). Any output may be NULL.
 *
 * Sign convention: H = −(E0/2) Σ sᵀTs, so λ_max belongs to the lowest energy of this Hamiltonian:
 * every configuration has E ≥ −(E0/2) λ_max Σ_m |s_m|², with equality for the mode of the top
 * eigenvector at k (whose spins have unequal lengths in general; when they are all equal, it is a
 * ground state of the unit-spin model). For the dipolar kernel (vs_coupling_create_dipolar()),
 * H = −(E0 v0/4π) E_dd is minus the ordinary dipolar energy: its λ_max belongs to the highest
 * dipolar energy, and the dipolar ground states are at λ_min (vs_lattice_luttinger_tisza_min()).
 * @param lat the (periodic) lattice.
 * @param[out] lambda_max λ_max (dimensionless).
 * @param[out] k `double[3]` Cartesian wave vector (1/length) of the first grid point reaching
 *        λ_max, k = Σ_j (q_j/L_j) b_j with 0 ≤ q_j < L_j (q_3 ≤ L_3/2: k and −k are equivalent).
 * @param[out] t_curie E0 λ_max / ncomp (same unit as E0, k_B = 1).
 * @return ::VS_OK, ::VS_EINVAL, ::VS_EUNSUPPORTED (open cluster), ::VS_ENOMEM, ::VS_ENUMERIC.
 */
VS_API int vs_lattice_luttinger_tisza(const vs_lattice *lat, double *lambda_max, double *k,
                                      double *t_curie);

/**
 * @brief Luttinger–Tisza minimum: the smallest eigenvalue λ_min of H(k) (see vs_lattice_fourier())
 *        over the supercell grid and the wave vector where it occurs. Any output may be NULL.
 *
 * λ_min belongs to the highest energy of H = −(E0/2) Σ sᵀTs: every configuration has
 * E ≤ −(E0/2) λ_min Σ_m |s_m|², with equality for the mode of the bottom eigenvector at k.
 * It is the extreme that dipolar physics tabulates: for the dipolar kernel
 * (vs_coupling_create_dipolar(), H = −(E0 v0/4π) E_dd with E_dd the ordinary point-dipole energy of
 * unit dipoles), E_dd / Σ|s|² ≥ 2π λ_min / v0, so the Luttinger–Tisza dipolar lattice sum per
 * dipole in units of μ²/v0 is C = 2π λ_min. Example: simple cubic, L even, sphere boundary (the
 * default, U = 0): λ_min = −2.676788684/(2π) at k = (0, π, π)/a (and its cubic images), the columnar
 * antiferro array of Luttinger & Tisza (1946), E_dd = −2.676788684 μ²/a³ per dipole.
 * The sign-reversed Hamiltonian −H (e.g. the physical dipolar system) has the lattice mean-field
 * ordering temperature −E0 λ_min / ncomp when λ_min < 0.
 * @param lat the (periodic) lattice.
 * @param[out] lambda_min λ_min (dimensionless).
 * @param[out] k `double[3]` Cartesian wave vector (1/length) of the first grid point reaching
 *        λ_min (scan order q1, q2, q3), k = Σ_j (q_j/L_j) b_j with 0 ≤ q_j < L_j and
 *        q_3 ≤ L_3/2 (k and −k are equivalent).
 * @return ::VS_OK, ::VS_EINVAL (lat NULL), ::VS_EUNSUPPORTED (open cluster), ::VS_ENOMEM,
 *         ::VS_ENUMERIC (H(k) or an eigenvalue not finite: D or U near DBL_MAX).
 * @since 1.1
 */
VS_API int vs_lattice_luttinger_tisza_min(const vs_lattice *lat, double *lambda_min, double *k);

/* ---------------------------------------------------------------- the table by slabs (issue 15) */

/** The parts of the coupling table vs_lattice_table_slab() computes. @since 1.1 */
typedef enum vs_lattice_table_part {
    /** T(Δ), the whole table entry (what vs_lattice_coupling() returns) */
    VS_LATTICE_TABLE_FULL = 0,
    /** T(Δ) without the Ewald reciprocal part: the real-space Ewald terms (periodic lattices), the
     *  bare kernel (open clusters: the same as FULL) */
    VS_LATTICE_TABLE_REAL = 1,
    /** The Ewald reciprocal part in k-space, F(k)·v0/V on the r2c half grid (periodic lattices
     *  only): FULL = REAL + the unnormalised backward 3-D c2r (FFTW's) of RECIP */
    VS_LATTICE_TABLE_RECIP = 2
} vs_lattice_table_part;

/**
 * @brief A slab of the coupling table T(Δ) — the displacements whose first grid index lies in
 *        [x0_begin, x0_end) — or of one of its Ewald parts, without building the lattice or its
 *        whole table: the building block of a distributed lattice (libvoigtspin_mpi's
 *        vs_mpi_lattice, docs/mpi.md).
 *
 * Takes the arguments of vs_lattice_create() (same checks) and computes what that lattice's
 * real-space table holds for these displacements, to round-off (the sums are the same; their order
 * and the transforms differ): the Ewald sum of a periodic lattice (the sphere boundary, no self
 * term) or the bare kernel of an open cluster, with the basis pairs and basis shifts of the serial
 * table. Let g = L (periodic) or 2L (open cluster), P = nbasis(nbasis+1)/2 basis pairs (b1 ≤ b2,
 * packed index p = b1·nbasis − b1(b1−1)/2 + (b2 − b1)) and C = ncomp(ncomp+1)/2 packed components
 * (a ≤ b, the same packing in ncomp).
 *
 * ::VS_LATTICE_TABLE_FULL and ::VS_LATTICE_TABLE_REAL write, displacement-major with P·C values per
 * grid point (the layout of FFTW's and FFTW-MPI's interleaved "many" transforms, howmany = P·C),
 *
 *     out[(((d0 − x0_begin)·g2 + d1)·g3 + d2)·P + p)·C + c] = T_ab(r_m − r_n)
 *
 * for every site m = (cell c_m, basis b1), n = (c_n, b2) with c_m − c_n ≡ d (mod g): the block
 * vs_lattice_coupling(lat, m, n) of the lattice built with the same arguments (T is symmetric in
 * (a, b); T_{b2b1}(d) = T_{b1b2}(−d)). FULL costs the real-space terms of the slab and the whole
 * reciprocal sum with O(N log g1) transforms (any slab: memory of the slab, not its work);
 * REAL only the slab's real-space terms.
 *
 * ::VS_LATTICE_TABLE_RECIP writes the reciprocal part on the k-planes k0 ∈ [x0_begin, x0_end) of the
 * half grid g1 × g2 × (g3/2+1), complex as (re, im) pairs:
 *
 *     out[2·((((k0 − x0_begin)·g2 + k1)·(g3/2+1) + k2)·P + p)·C + c) + {0, 1}]
 *
 * so that T(Δ) = REAL(Δ) + Σ_k RECIP(k) e^{+2πi Σ_j k_j Δ_j / g_j} (the c2r of the whole half grid,
 * e.g. one FFTW-MPI c2r of the ranks' k-slabs); its work is the reciprocal points of the slab's
 * planes only (a distributed build divides the reciprocal sum). Periodic lattices only.
 *
 * One thread (::VS_LATTICE_OPT_THREADS is ignored), plain sums (no point-group symmetry). The
 * options ::VS_LATTICE_OPT_ACCURACY, ::VS_LATTICE_OPT_ALPHA and ::VS_LATTICE_OPT_BOUNDARY apply;
 * the memory ceiling does not. Bond lists (vs_lattice_create_pairs()) are not included.
 * @param cell,nbasis,frac,L,coupling,ncomp,opt as vs_lattice_create() (opt may be NULL).
 * @param part ::VS_LATTICE_TABLE_FULL, ::VS_LATTICE_TABLE_REAL or ::VS_LATTICE_TABLE_RECIP.
 * @param x0_begin,x0_end the slab, 0 ≤ x0_begin ≤ x0_end ≤ g1 (empty: nothing written).
 * @param[out] out `double[(x0_end − x0_begin)·g2·g3·P·C]` (FULL, REAL) or
 *        `double[2·(x0_end − x0_begin)·g2·(g3/2+1)·P·C]` (RECIP).
 * @return ::VS_OK, ::VS_EINVAL (as vs_lattice_create(), out NULL, a bad slab or part, RECIP of an
 *         open cluster), ::VS_EOVERFLOW, ::VS_ENOMEM, ::VS_ENUMERIC (the table is not finite), or a
 *         coupling error.
 * @since 1.1
 */
VS_API int vs_lattice_table_slab(const double *cell, int nbasis, const double *frac, const int *L,
                                 const vs_coupling *coupling, int ncomp, const vs_lattice_options *opt,
                                 int part, int x0_begin, int x0_end, double *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBVOIGTSPIN_LATTICE_H */
