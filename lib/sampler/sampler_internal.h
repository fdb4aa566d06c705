/*
 * Internal single-site moves of the Monte Carlo sampler (issue 11, "Moves on S^{n−1}"). Not
 * installed; nothing here is exported (hidden visibility, vs__ prefix). docs/sampler.md carries
 * the derivations summarised at the top of moves.c. Files, bottom → top:
 *   stats.c            blocking and jackknife error bars, τ_int, of the observables (stats.h)
 *   checkpoint.c       the checkpoint file: tagged sections, checksummed, written atomically (checkpoint.h)
 *   moves.c            von Mises–Fisher sampling and the heat-bath, Metropolis and over-relaxation moves
 *   sampler_options.c  vs_sampler_options: defaults, bounds, set/get
 *   clock.c            the clock (factorized-Metropolis) sweep's tables: near/far split by spectral
 *                      norm, alias tables, the near field and the far filter
 *   observe.c          the observables: per-slot accumulators, mean S(k), round trips; their
 *                      packed state for the checkpoint
 *   sampler.c          the vs_sampler handle (state in sampler_state.h): replicas, exact fields
 *                      (delayed or plain), sweeps,
 *                      parallel tempering, queries
 *   sampler_io.c       checkpoint/restart of the whole handle (state, fingerprint, validation):
 *                      vs_sampler_save/load/sweeps
 *   sampler_config.c   one slot's configuration as opaque bytes: vs_sampler_config_size/export/import
 *                      (the MPI add-on moves configurations between ranks with them)
 *
 * Every move acts on one unit spin s ∈ S^{n−1} (n ≥ 1 components; n = 1: s = ±1) in the generic
 * single-site target
 *
 *     π(s) ∝ exp ℓ(s),   ℓ(s) = β (hᵀs + ½ sᵀAs),   |s| = 1,
 *
 * with h the local field (n-vector) and A the on-site quadratic part (n×n, row-major; only its
 * symmetric part enters sᵀAs, so pass a symmetric A).
 *
 * Mapping from the lattice (include/libvoigtspin/lattice.h). With the pair fields h_m of the
 * configuration (they include the self-image term T(0) s_m), the total M = Σ s, N sites, energy
 * scale E0 and temperature T (k_B = 1), vs_lattice_delta_energy() gives for s_m → s':
 *
 *     −ΔE/T = ℓ(s') − ℓ(s_m)   with
 *     β = E0/T,
 *     h = h_m − T(0) s_m + U (M − s_m)/N      (the field of every OTHER spin, own images excluded),
 *     A = T(0) + D + U/N                      (everything quadratic in s_m itself),
 *
 * T(0) = vs_lattice_coupling(lat, m, m, ·), the self-image block of m's basis site. The split uses
 * that T(0), D and U are symmetric (the lattice guarantees it): e.g. δᵀh_m + ½δᵀT(0)δ
 * = s'ᵀ(h_m − T(0)s_m) + ½s'ᵀT(0)s' − [the same at s_m], δ = s' − s_m, and likewise for U.
 *
 * Requirement on the sampler layer: h must not contain the site's own spin. Passing the raw pair
 * field h_m together with A = T(0) + … counts the self-image twice and samples the wrong
 * distribution (no move can detect this). Since the single-site target depends on s only through ℓ,
 * each move below leaves π invariant for ANY fixed (β, h, A); the sampler composes them into sweeps.
 *
 * Conventions: inputs are trusted internal values (finite, 1 ≤ n ≤ VS__SAMPLER_NMAX, |s| = 1,
 * β ≥ 0); the moves do not allocate, never produce NaN, and return s_new with |s_new| = 1 to
 * round-off. s_new may alias s. Each move returns 1 if the proposal was accepted (s_new = s'),
 * 0 if rejected (s_new = s).
 */
#ifndef VS_SAMPLER_INTERNAL_H
#define VS_SAMPLER_INTERNAL_H

#include <gsl/gsl_rng.h>

#include <libvoigtspin/sampler.h>

/* Largest number of spin components the moves accept (their scratch lives on the stack). */
#define VS__SAMPLER_NMAX 64

/* The single-site target ℓ(s) = β (hᵀs + ½ sᵀAs) on S^{n−1}. h: double[n]; A: double[n*n]
 * row-major symmetric, or NULL for A = 0. Borrowed. */
typedef struct vs__site_target {
    int n;
    double beta;
    const double *h;
    const double *A;
} vs__site_target;

/* ℓ(s) = β (hᵀs + ½ sᵀAs) for any s (no unit-norm requirement). */
double vs__site_log_weight(const vs__site_target *t, const double *s);

/* Exact von Mises–Fisher sample on S^{n−1}: density ∝ exp(κ μ·s) w.r.t. the surface measure.
 * n ≥ 2: Wood (1994) rejection sampler for w = μ·s in a cancellation-free form (stable from κ = 0
 * through κ = DBL_MAX), then a uniform direction in μ^⊥. n = 1: s = ±sign(μ) with probabilities
 * ∝ e^{±κ}. μ: double[n], non-zero (normalised here). κ = +inf gives s = μ̂ (the limit);
 * κ < 0 is read as |κ| about −μ; NaN as 0. s: double[n], may alias μ. */
void vs__vmf_sample(gsl_rng *r, int n, double kappa, const double *mu, double *s);

/* Heat bath for the linear part with an exact correction for A: independence Metropolis–Hastings
 * with proposal vMF(κ = β|h|, μ = ĥ) (uniform if h = 0), accepted with
 * min(1, exp(β/2 (s'ᵀAs' − sᵀAs))). */
int vs__move_heatbath(gsl_rng *r, const vs__site_target *t, const double *s, double *s_new);

/* Random-walk Metropolis: s' = (s + δg)/|s + δg|, g ~ N(0, I_n) (a symmetric proposal on the sphere),
 * accepted with min(1, exp(ℓ(s') − ℓ(s))). δ > 0 is the caller's step (adaptation belongs to the
 * sampler); δ ≤ 0 or NaN rejects. */
int vs__move_metropolis(gsl_rng *r, const vs__site_target *t, double delta, const double *s, double *s_new);

/* Over-relaxation: the reflection s' = 2(s·ĥ)ĥ − s about the field (keeps hᵀs), accepted with
 * min(1, exp(β/2 (s'ᵀAs' − sᵀAs))) (always when A = NULL; r is then not used). h = 0: no move,
 * returns 0. */
int vs__move_overrelax(gsl_rng *r, const vs__site_target *t, const double *s, double *s_new);

/* ================================================================ sampler_options.c */
/* The options (a public opaque type). */
struct vs_sampler_options {
    int move;         /* VS_SAMPLER_HEATBATH / METROPOLIS */
    int overrelax;    /* over-relaxation passes per sweep */
    int fields;       /* VS_SAMPLER_DELAYED / PLAIN / CLOCK */
    long clock_near;  /* clock: near entries per basis site; −1 = automatic */
    long refresh;     /* B; 0 = automatic */
    int threads;      /* 0 = OpenMP default */
    double step;      /* Metropolis δ; 0 = adaptive */
    long adapt_sweeps;
};
void vs__sampler_options_default(struct vs_sampler_options *o);

/* ================================================================ clock.c */
/* The tables of the clock sweep for one lattice (clock.c's comment; docs/sampler.md, "The clock
 * sweep"): per source basis site b the pair entries e = (b', x), x = c_m − c_j the cell displacement,
 * self-image excluded, sorted by spectral norm ‖T_e‖₂ (descending); the first nnear(b) are NEAR
 * (their field is exact in the proposal), the nfar(b) others FAR (the factorized filter, sampled by
 * a Walker alias table ∝ ‖T_e‖₂). Shared read-only by the replicas. */
struct vs_lattice;
typedef struct vs__clock vs__clock;
/* near ≥ 0: that many near entries per basis site (at most all); −1: automatic, by the cost model
 * with β_max (the largest β of the ladder). VS_ENOMEM. */
int vs__clock_create(const struct vs_lattice *lat, double beta_max, long near, vs__clock **out);
void vs__clock_free(vs__clock *c);
size_t vs__clock_nnear(const vs__clock *c, int b);
size_t vs__clock_nfar(const vs__clock *c, int b);
/* S_far(b) = Σ_far ‖T_e‖₂ (each norm inflated by 1e-12 relative, so it bounds). */
double vs__clock_far_norm(const vs__clock *c, int b);
/* Far entry k < nfar(b): partner basis, displacement x[3] = c_m − c_j, norm. */
void vs__clock_far_entry(const vs__clock *c, int b, size_t k, int *bp, int *x, double *norm);
/* One draw of the alias table of b (a far index k, probability ‖T_k‖₂/S_far); needs S_far(b) > 0. */
size_t vs__clock_far_draw(const vs__clock *c, gsl_rng *r, int b);
/* h = Σ_{e near} T_e s_{j(e)} for the site of cell and basis cm[4] (the sampler's site table). */
void vs__clock_near_field(const vs__clock *c, const double *spins, const int *cm, double *h);
/* The far filter of the move s_m → s_m + d at β: 1 accept (probability Π_far min(1, e^{−βΔE_e})), 0
 * reject. spins: the configuration before the move (s_m itself is not read). */
int vs__clock_far_filter(const vs__clock *c, gsl_rng *r, double beta, const double *spins, const int *cm,
                         const double *d);
/* The same filter deciding one event at a time (the reference: the batched filter above draws ahead
 * and takes back the unused draws, so both leave the same decision and generator state). */
int vs__clock_far_filter_ref(const vs__clock *c, gsl_rng *r, double beta, const double *spins, const int *cm,
                             const double *d);

/* ================================================================ observe.c */
/* The observables' state of a sampler (opaque; include/libvoigtspin/sampler.h, "Observables"):
 * per slot the accumulators of stats.h, E_ref and Σ S(k); the measurement count; per slot the
 * round-trip label of the configuration it holds and the round-trip count. */
struct vs_sampler;
struct vs__observe;
/* An empty state for s (s->nrep, nc, N and the lattice set). VS_ENOMEM. */
int vs__observe_create(const struct vs_sampler *s, struct vs__observe **out);
void vs__observe_free(struct vs__observe *o);
/* The exchange between slots r and r+1 was accepted: the labels travel with the configurations. */
void vs__observe_swap(struct vs__observe *o, int r);
/* After each exchange round: the ends of the ladder update the labels and count round trips. */
void vs__observe_ends(struct vs__observe *o);
/* The round-trip label of the configuration in slot r: 0 none, 1 up, 2 down (sampler_config.c). */
int vs__observe_label(const struct vs__observe *o, int r);
void vs__observe_set_label(struct vs__observe *o, int r, int label);
/* Checkpoint: everything above in a fixed little-endian layout of vs__observe_size(s) bytes
 * (8-byte words: tag "VSOBSRV1", nrep, ncomp, L1 L2 L3, measurements, round trips, nrep labels;
 * then per slot: E_ref, the 11 blocking accumulators and the binned moments as packed by stats.h,
 * the L1 L2 L3 sums of S(k)). Unpack checks the length, tag, sizes, counts and every accumulator
 * (VS_EINVAL; s unchanged on error, VS_ENOMEM too) and continues bit-identically. */
size_t vs__observe_size(const struct vs_sampler *s);
int vs__observe_pack(const struct vs_sampler *s, unsigned char *buf);
int vs__observe_unpack(struct vs_sampler *s, const unsigned char *buf, size_t len);

/* ================================================================ sampler.c */
/* The exact pair fields h_m = Σ_n T(r_m − r_n) s_n of slot r's current configuration, as the
 * sampler maintains them (delayed: refresh fields + the changed-site corrections; clock: the FFT
 * fields computed after each sweep, so between sweeps they are current), into
 * h[N*ncomp] (tests compare them with fresh FFT fields). */
int vs__sampler_fields(const struct vs_sampler *s, int r, double *h);

#endif
