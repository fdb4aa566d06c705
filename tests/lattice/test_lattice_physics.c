/* Physics of the lattice Hamiltonian (docs/lattice.md) checked by independent routes: brute-force sphere
 * sums, the bare kernel of Eq. 19, Eq. 21, Eshelby's theorem, supercell invariance, MC moves. */
#include <lapacke.h>

#include "lattice_testutil.h"

static vs_coupling *elastic_coupling(int anisotropic)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    if (anisotropic)
        assert_int_equal(vs_elastic_create_cubic(3.0, 1.4, 0.55, &el), VS_OK);
    else
        assert_int_equal(vs_elastic_create_bulk_shear(1.7, 0.8, &el), VS_OK);
    /* a loose harmonic truncation keeps lmax small: every comparison uses the same harmonics */
    assert_int_equal(vs_coupling_create(el, anisotropic ? 1e-7 : 1e-12, &c), VS_OK);
    vs_elastic_free(el);
    return c;
}

/* The pair kernel of Eq. 19 written out here: J(r) = (v0/r³) Σ_{l≥2} (−1)^{l/2} γ_l A_l(r̂),
 * γ_l = Γ((l+3)/2)/(π^{3/2}Γ(l/2)); the first two checked against their closed forms. */
static void bare_kernel(const vs_coupling *c, double v0, const double *x, double *J)
{
    int nc = vs_coupling_ncomp(c), lmax;
    assert_int_equal(vs_coupling_lmax(c, &lmax), VS_OK);
    double *A = malloc((size_t)(lmax / 2 + 1) * nc * nc * sizeof *A);
    assert_int_equal(vs_coupling_harmonics(c, x, A), VS_OK);
    double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    for (int i = 0; i < nc * nc; i++)
        J[i] = 0.0;
    for (int l = 2; l <= lmax; l += 2) {
        double g = tgamma(0.5 * (l + 3)) / (pow(M_PI, 1.5) * tgamma(0.5 * l));
        if (l == 2)
            assert_close(g, 3.0 / (4.0 * M_PI), 1e-14, 0.0);
        if (l == 4)
            assert_close(g, 15.0 / (8.0 * M_PI), 1e-14, 0.0);
        double w = ((l / 2) % 2 ? -1.0 : 1.0) * g * v0 / (r * r * r);
        for (int i = 0; i < nc * nc; i++)
            J[i] += w * A[(size_t)(l / 2) * nc * nc + i];
    }
    free(A);
}

/* C∞ window: 1 for x ≤ 1/2, 0 for x ≥ 1. */
static double window(double x)
{
    if (x <= 0.5)
        return 1.0;
    if (x >= 1.0)
        return 0.0;
    double t = 2.0 * (x - 0.5);
    double f1 = exp(-1.0 / (1.0 - t)), f0 = exp(-1.0 / t);
    return f1 / (f0 + f1);
}

/* Σ_R J(Δ + R) w(|Δ + R|/Rw) over supercell translations R (Δ + R ≠ 0). */
static void windowed_sum(const vs_coupling *c, double v0, const double *super, const double *delta,
                         double Rw, double *T)
{
    int nc = vs_coupling_ncomp(c);
    double J[36];
    for (int i = 0; i < nc * nc; i++)
        T[i] = 0.0;
    int n = (int)ceil(Rw / 0.5) + 2; /* the test cells have heights > 0.5 */
    for (int a = -n; a <= n; a++)
        for (int b = -n; b <= n; b++)
            for (int d = -n; d <= n; d++) {
                double x[3];
                for (int k = 0; k < 3; k++)
                    x[k] = delta[k] + a * super[k] + b * super[3 + k] + d * super[6 + k];
                double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
                if (r < 1e-12 || r >= Rw)
                    continue;
                bare_kernel(c, v0, x, J);
                double w = window(r / Rw);
                for (int i = 0; i < nc * nc; i++)
                    T[i] += w * J[i];
            }
}

/* Ewald (G = 0 dropped) = the limit of sphere-windowed direct sums, on a triclinic cell with a
 * 3-site basis, for the isotropic and an anisotropic (cubic) elastic kernel; the windowed sums
 * converge towards it as the window grows. */
static void check_sphere_limit(int anisotropic)
{
    vs_coupling *c = elastic_coupling(anisotropic);
    int L[3] = {1, 2, 1};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = lt_options(1e-13, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &lat), VS_OK);
    double super[9], v0, r[6 * 3];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            super[3 * i + k] = L[i] * lt_tri_cell[3 * i + k];
    assert_int_equal(vs_lattice_site_volume(lat, &v0), VS_OK);
    assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
    size_t pairs[4][2] = {{0, 0}, {1, 0}, {2, 4}, {5, 3}};
    for (int p = 0; p < 4; p++) {
        size_t m = pairs[p][0], n = pairs[p][1];
        double T[36], W1[36], W2[36], delta[3];
        for (int k = 0; k < 3; k++)
            delta[k] = r[3 * m + k] - r[3 * n + k];
        assert_int_equal(vs_lattice_coupling(lat, m, n, T), VS_OK);
        windowed_sum(c, v0, super, delta, 12.0, W1);
        windowed_sum(c, v0, super, delta, 30.0, W2);
        double e1 = lt_maxrel(W1, T, 36), e2 = lt_maxrel(W2, T, 36);
        if (!(e2 < 5e-6 && e2 < 0.05 * e1))
            fail_msg("pair (%zu,%zu): windowed sums R=12: %.3g, R=30: %.3g from Ewald", m, n, e1, e2);
    }
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

static void test_ewald_is_sphere_limit_isotropic(void **state)
{
    (void)state;
    check_sphere_limit(0);
}

static void test_ewald_is_sphere_limit_anisotropic(void **state)
{
    (void)state;
    check_sphere_limit(1);
}

/* T(Δ) = T(Δ)ᵀ = T(−Δ), and T depends only on the displacement (translation invariance). */
static void test_table_symmetric_even_translation_invariant(void **state)
{
    (void)state;
    vs_coupling *c = elastic_coupling(1);
    int L[3] = {3, 2, 2};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, NULL, &lat), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    double Tmn[36], Tnm[36], Ts[36];
    for (size_t m = 0; m < N; m += 5)
        for (size_t n = 0; n < N; n += 3) {
            assert_int_equal(vs_lattice_coupling(lat, m, n, Tmn), VS_OK);
            assert_int_equal(vs_lattice_coupling(lat, n, m, Tnm), VS_OK);
            /* shift both sites by one cell along a1 (site index + L2*L3*nb, periodic) */
            size_t shift = (size_t)L[1] * L[2] * 3;
            assert_int_equal(vs_lattice_coupling(lat, (m + shift) % N, (n + shift) % N, Ts), VS_OK);
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++) {
                    assert_close(Tmn[a * 6 + b], Tmn[b * 6 + a], 0.0, 1e-15);
                    assert_close(Tmn[a * 6 + b], Tnm[a * 6 + b], 0.0, 1e-15);
                    assert_close(Tmn[a * 6 + b], Ts[a * 6 + b], 0.0, 1e-15);
                }
        }
    /* the field operator is symmetric: s'·h(s) = s·h(s') */
    uint64_t rng = 3;
    double *s1 = lt_random_spins(&rng, N, 6), *s2 = lt_random_spins(&rng, N, 6);
    double *h1 = malloc(N * 6 * sizeof *h1), *h2 = malloc(N * 6 * sizeof *h2), a = 0, b = 0;
    assert_int_equal(vs_lattice_fields(lat, s1, h1), VS_OK);
    assert_int_equal(vs_lattice_fields(lat, s2, h2), VS_OK);
    for (size_t i = 0; i < N * 6; i++) {
        a += s2[i] * h1[i];
        b += s1[i] * h2[i];
    }
    assert_close(a, b, 1e-12, 1e-14);
    free(s1);
    free(s2);
    free(h1);
    free(h2);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* A configuration periodic on a small supercell has the same energy per site on a larger one
 * (pair, uniform and on-site terms). */
static void test_energy_per_site_unchanged_on_larger_supercell(void **state)
{
    (void)state;
    vs_coupling *c = elastic_coupling(0);
    int Ls[3] = {2, 1, 2}, Lb[3] = {4, 2, 6};
    vs_lattice *small = NULL, *big = NULL;
    /* the two supercells get different α and cut-offs: ask for round-off accuracy */
    vs_lattice_options *o = lt_options(1e-15, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, Ls, c, 0, o, &small), VS_OK);
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, Lb, c, 0, o, &big), VS_OK);
    vs_lattice_options_free(o);
    double U[36] = {0}, D[36] = {0};
    for (int a = 0; a < 6; a++) {
        U[a * 6 + a] = 0.3 + 0.1 * a;
        D[a * 6 + (5 - a)] = 0.05;
    }
    for (int k = 0; k < 2; k++) {
        vs_lattice *l = k ? big : small;
        assert_int_equal(vs_lattice_set_uniform(l, U), VS_OK);
        assert_int_equal(vs_lattice_set_onsite(l, D), VS_OK);
    }
    size_t Nsm = vs_lattice_nsites(small), Nbig = vs_lattice_nsites(big);
    uint64_t rng = 17;
    double *s = lt_random_spins(&rng, Nsm, 6), *sb = malloc(Nbig * 6 * sizeof *sb);
    for (size_t m = 0; m < Nbig; m++) {
        size_t cell = m / 3, b = m % 3;
        size_t i3 = cell % 6, i2 = (cell / 6) % 2, i1 = cell / 12;
        size_t ms = (((i1 % 2) * 1 + (i2 % 1)) * 2 + (i3 % 2)) * 3 + b;
        memcpy(sb + m * 6, s + ms * 6, 6 * sizeof *s);
    }
    double Es, Eb;
    assert_int_equal(vs_lattice_energy(small, s, &Es), VS_OK);
    assert_int_equal(vs_lattice_energy(big, sb, &Eb), VS_OK);
    assert_close(Eb / Nbig, Es / Nsm, 1e-12, 1e-13); /* terms are O(1): round-off */
    free(s);
    free(sb);
    vs_lattice_free(small);
    vs_lattice_free(big);
    vs_coupling_free(c);
}

/* No pair kernel and U = diag(J_compr, J_shear×5): exactly the mean-field Hamiltonian, Eq. 21,
 * and its Luttinger–Tisza Curie temperature is max J / 6 (Eq. 25). */
static void test_uniform_term_alone_is_eq21_mean_field(void **state)
{
    (void)state;
    int L[3] = {3, 2, 5};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_PERIODIC);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, 1.9), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_BCC, 1.0, L, NULL, 6, o, &lat), VS_OK);
    const double Jc = 0.83, Js = 0.61;
    double U[36] = {0};
    U[0] = Jc;
    for (int a = 1; a < 6; a++)
        U[a * 6 + a] = Js;
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    uint64_t rng = 23;
    double *s = lt_random_spins(&rng, N, 6), S[6] = {0}, E;
    for (size_t m = 0; m < N; m++)
        for (int a = 0; a < 6; a++)
            S[a] += s[m * 6 + a];
    double eq21 = -Jc / (2.0 * N) * S[0] * S[0];
    for (int a = 1; a < 6; a++)
        eq21 -= Js / (2.0 * N) * S[a] * S[a];
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
    assert_close(E, 1.9 * eq21, 1e-13, 0.0);
    double lmax, k[3], Tc;
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, k, &Tc), VS_OK);
    assert_close(lmax, Jc, 1e-14, 0.0);
    assert_close(Tc, 1.9 * Jc / 6.0, 1e-14, 0.0);
    assert_close(k[0] * k[0] + k[1] * k[1] + k[2] * k[2], 0.0, 0.0, 1e-28);
    free(s);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
}

/* Eshelby: for isotropic Λ the compression–compression entry of J̃ is the constant K/(λ+2μ)
 * (pure l = 0), so pure-compression configurations (only spin component 1) have zero pair energy
 * and zero compression field, on a triclinic lattice too. */
static void test_pure_compression_has_zero_pair_energy(void **state)
{
    (void)state;
    vs_coupling *c = elastic_coupling(0);
    int L[3] = {2, 3, 2};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, NULL, &lat), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    uint64_t rng = 8;
    double *s = calloc(N * 6, sizeof *s), *h = malloc(N * 6 * sizeof *h), E;
    for (size_t m = 0; m < N; m++)
        s[m * 6] = 2.0 * tu_uniform(&rng) - 1.0;
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    double hmax = 0.0;
    for (size_t m = 0; m < N; m++) {
        assert_close(h[m * 6], 0.0, 0.0, 1e-13);
        for (int a = 1; a < 6; a++)
            hmax = fmax(hmax, fabs(h[m * 6 + a])); /* compression–shear coupling is not zero */
    }
    assert_true(hmax > 1e-3);
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
    assert_close(E, 0.0, 0.0, 1e-13);
    free(s);
    free(h);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* Exact ΔE of single-spin moves and the incremental field update = full recomputation, with
 * U and D switched on, on a triclinic cell with a basis: periodic (self-image block T(0) ≠ 0,
 * E0 = 1) and open (E0 = 1.7). */
static void check_moves(int boundary, double e0)
{
    vs_coupling *c = elastic_coupling(1);
    int L[3] = {2, 2, 3};
    vs_lattice *lat = NULL;
    vs_lattice_options *o = lt_options(1e-12, 0.0, boundary);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ENERGY_SCALE, e0), VS_OK);
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &lat), VS_OK);
    vs_lattice_options_free(o);
    double U[36], D[36];
    uint64_t rng = 41;
    for (int a = 0; a < 6; a++)
        for (int b = 0; b <= a; b++) {
            U[a * 6 + b] = U[b * 6 + a] = tu_normal(&rng);
            D[a * 6 + b] = D[b * 6 + a] = tu_normal(&rng);
        }
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    double *s = lt_random_spins(&rng, N, 6), *h = malloc(N * 6 * sizeof *h);
    double *hf = malloc(N * 6 * sizeof *hf), M[6], E0, E1;
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_int_equal(vs_lattice_total(lat, s, M), VS_OK);
    assert_int_equal(vs_lattice_energy(lat, s, &E0), VS_OK);
    for (int move = 0; move < 40; move++) {
        size_t m = (size_t)(tu_uniform(&rng) * N);
        double *snew = lt_random_spins(&rng, 1, 6), dE, dE2;
        assert_int_equal(vs_lattice_delta_energy(lat, s, h, M, m, snew, &dE), VS_OK);
        assert_int_equal(vs_lattice_delta_energy(lat, s, h, NULL, m, snew, &dE2), VS_OK);
        assert_int_equal(vs_lattice_update(lat, s, h, M, m, snew), VS_OK);
        assert_int_equal(vs_lattice_energy(lat, s, &E1), VS_OK);
        assert_close(dE, E1 - E0, 1e-10, 1e-12);
        assert_close(dE2, dE, 1e-12, 1e-14);
        E0 = E1;
        free(snew);
    }
    double Mf[6];
    assert_int_equal(vs_lattice_fields(lat, s, hf), VS_OK);
    assert_int_equal(vs_lattice_total(lat, s, Mf), VS_OK);
    assert_true(lt_maxrel(h, hf, N * 6) < 1e-12);
    for (int a = 0; a < 6; a++)
        assert_close(M[a], Mf[a], 1e-12, 1e-12);
    free(s);
    free(h);
    free(hf);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

static void test_single_spin_moves_match_recomputation(void **state)
{
    (void)state;
    check_moves(VS_LATTICE_PERIODIC, 1.0);
    check_moves(VS_LATTICE_OPEN, 1.7);
}

/* vs_lattice_update walks the table row by row (issue 12). Its fields must be, bit for bit, the
 * caller's loop h_n += T(r_n − r_m) δ over the blocks of vs_lattice_coupling(lat, n, m) (each
 * h_{n,a} accumulating T_ab δ_b for b = 0 … ncomp−1) — the addressing of vs_lattice_coupling is
 * independent of the row walk. Triclinic cell with 3 basis sites (pairs b_n > b_m read the table at
 * −d), L = (3, 2, 5), periodic and open; dipolar (3 components), elastic (6) and a pair table
 * with 2 components (the generic path); then sc Bravais lattices with the dipolar and elastic
 * kernels; every site m once. */
static void check_update_bits(vs_lattice *lat)
{
    int nc = vs_lattice_ncomp(lat);
    size_t N = vs_lattice_nsites(lat), nv = N * (size_t)nc;
    uint64_t rng = 77;
    double *s = lt_random_spins(&rng, N, nc), *h = malloc(nv * sizeof *h), *hr = malloc(nv * sizeof *hr);
    double T[36], d[6];
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    memcpy(hr, h, nv * sizeof *h);
    for (size_t m = 0; m < N; m++) {
        double *snew = lt_random_spins(&rng, 1, nc);
        for (int a = 0; a < nc; a++)
            d[a] = snew[a] - s[m * nc + a];
        for (size_t n = 0; n < N; n++) {
            assert_int_equal(vs_lattice_coupling(lat, n, m, T), VS_OK);
            for (int a = 0; a < nc; a++) {
                double x = hr[n * nc + a];
                for (int b = 0; b < nc; b++)
                    x += T[a * nc + b] * d[b];
                hr[n * nc + a] = x;
            }
        }
        assert_int_equal(vs_lattice_update(lat, s, h, NULL, m, snew), VS_OK);
        assert_memory_equal(h, hr, nv * sizeof *h);
        free(snew);
    }
    free(s);
    free(h);
    free(hr);
}

static void test_update_is_the_coupling_block_loop_bit_for_bit(void **state)
{
    (void)state;
    vs_coupling *ce = elastic_coupling(0), *cd = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&cd), VS_OK);
    int L[3] = {3, 2, 5}, disp[6] = {1, 0, 0, 0, 1, -1}, pair[4] = {0, 1, 2, 2};
    double blocks[8] = {0.7, 0.2, 0.2, -0.4, 1.1, 0.0, 0.0, 0.3};
    for (int boundary = 0; boundary < 2; boundary++) {
        vs_lattice_options *o = lt_options(1e-10, 0.0, boundary ? VS_LATTICE_OPEN : VS_LATTICE_PERIODIC);
        const vs_coupling *cs[2] = {cd, ce};
        for (int k = 0; k < 3; k++) {
            vs_lattice *lat = NULL;
            if (k < 2)
                assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, cs[k], 0, o, &lat), VS_OK);
            else
                assert_int_equal(vs_lattice_create_pairs(lt_tri_cell, 3, lt_tri_frac, L, 2, 2, disp, pair,
                                                         blocks, NULL, o, &lat),
                                 VS_OK);
            check_update_bits(lat);
            vs_lattice_free(lat);
        }
        /* Bravais lattices (one basis site: the dipolar kernel's AVX2 path where the CPU has it,
         * two sites per step): rows of odd and even length, so the runs of a row are of either
         * parity and every pair and single-site tail of the row walk is compared */
        int Lb[2][3] = {{3, 4, 5}, {2, 3, 6}};
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 2; j++) {
                vs_lattice *lat = NULL;
                assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, Lb[j], cs[k], 0, o, &lat),
                                 VS_OK);
                check_update_bits(lat);
                vs_lattice_free(lat);
            }
        vs_lattice_options_free(o);
    }
    vs_coupling_free(ce);
    vs_coupling_free(cd);
}

/* Open cluster: zero-padded FFT convolution = the bare kernel of Eq. 19 summed directly here. */
static void test_open_cluster_fields_equal_bare_pair_sum(void **state)
{
    (void)state;
    vs_coupling *c = elastic_coupling(1);
    int L[3] = {3, 2, 3};
    vs_lattice_options *o = lt_options(1e-12, 0.0, VS_LATTICE_OPEN);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, o, &lat), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    double v0, *r = malloc(N * 3 * sizeof *r);
    assert_int_equal(vs_lattice_site_volume(lat, &v0), VS_OK);
    assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
    uint64_t rng = 77;
    double *s = lt_random_spins(&rng, N, 6), *h = malloc(N * 6 * sizeof *h);
    double *hd = calloc(N * 6, sizeof *hd), J[36];
    for (size_t m = 0; m < N; m++)
        for (size_t n = 0; n < N; n++) {
            if (m == n)
                continue;
            double x[3] = {r[3 * m] - r[3 * n], r[3 * m + 1] - r[3 * n + 1], r[3 * m + 2] - r[3 * n + 2]};
            bare_kernel(c, v0, x, J);
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++)
                    hd[m * 6 + a] += J[a * 6 + b] * s[n * 6 + b];
        }
    assert_int_equal(vs_lattice_fields(lat, s, h), VS_OK);
    assert_true(lt_maxrel(h, hd, N * 6) < 1e-12);
    double alpha = -1;
    assert_int_equal(vs_lattice_ewald_parameters(lat, &alpha, NULL, NULL), VS_OK);
    assert_true(alpha == 0.0);
    free(r);
    free(s);
    free(h);
    free(hd);
    vs_lattice_free(lat);
    vs_lattice_options_free(o);
    vs_coupling_free(c);
}

/* The Fourier coupling of vs_lattice_fourier() matches the energy of the corresponding mode:
 * the sc dipolar antiferro array of Luttinger–Tisza, s = ẑ cos(k·r), k = (π,π,0)/a, has
 * E/N = −(E0/2) H_zz(k). */
static void test_fourier_coupling_matches_mode_energy(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    int L[3] = {2, 2, 2}, q[3] = {1, 1, 0};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    double Hr[9], Hi[9], s[24] = {0}, E;
    assert_int_equal(vs_lattice_fourier(lat, q, Hr, Hi), VS_OK);
    for (int m = 0; m < 8; m++) {
        int i1 = m / 4, i2 = (m / 2) % 2;
        s[3 * m + 2] = (i1 + i2) % 2 ? -1.0 : 1.0;
    }
    assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
    assert_close(E / 8, -0.5 * Hr[8], 1e-12, 0.0);
    assert_close(Hr[8], -2.0 * 2.676788684 / (4 * M_PI), 2e-9, 0.0);
    for (int i = 0; i < 9; i++)
        assert_close(Hi[i], 0.0, 0.0, 1e-15);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

/* Luttinger–Tisza bound: λ_max is the largest eigenvalue of the quadratic form, so every
 * configuration has E ≥ −(E0/2) λ_max Σ|s|², and λ_max bounds every diagonal entry of every H(k);
 * checked with a basis, U and D switched on. That the bound is reached (the minimum of E/Σ|s|²,
 * not only a bound), and λ_max itself against a brute-force scan: test_lattice_lt.c. */
static void test_luttinger_tisza_bounds_every_configuration(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    int L[3] = {2, 3, 2};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(lt_tri_cell, 3, lt_tri_frac, L, c, 0, NULL, &lat), VS_OK);
    double U[9] = {0.3, 0.1, 0, 0.1, -0.2, 0, 0, 0, 0.05}, D[9] = {0.02, 0, 0, 0, 0.01, 0, 0, 0, -0.03};
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    double lmax, Tc;
    assert_int_equal(vs_lattice_luttinger_tisza(lat, &lmax, NULL, &Tc), VS_OK);
    assert_close(Tc, lmax / 3.0, 1e-15, 0.0);
    size_t N = vs_lattice_nsites(lat);
    uint64_t rng = 12;
    for (int t = 0; t < 20; t++) {
        double *s = lt_random_spins(&rng, N, 3), E;
        assert_int_equal(vs_lattice_energy(lat, s, &E), VS_OK);
        assert_true(E >= -0.5 * lmax * N * (1 + 1e-12));
        free(s);
    }
    double Hr[81], best = -1e300;
    int q[3];
    for (q[0] = 0; q[0] < L[0]; q[0]++)
        for (q[1] = 0; q[1] < L[1]; q[1]++)
            for (q[2] = 0; q[2] < L[2]; q[2]++) {
                assert_int_equal(vs_lattice_fourier(lat, q, Hr, NULL), VS_OK);
                for (int i = 0; i < 9; i++)
                    best = fmax(best, Hr[i * 9 + i]);
            }
    assert_true(best <= lmax * (1 + 1e-12));
    assert_true(lmax > 0.0);

    /* E_min itself, independently of the Fourier path: the energy is the real-space quadratic form
     * E = −(E0/2) sᵀ Q s with Q = [T(r_m − r_n)] + I_N ⊗ D + (1/N) 1 1ᵀ ⊗ U, written out from the
     * coupling blocks and diagonalised densely (LAPACK dsyev). Its top eigenvalue is λ_max, and
     * its top eigenvector, scaled to Σ|s|² = N, reaches E_min = −(E0/2) λ_max N. */
    size_t n = N * 3;
    double *Q = calloc(n * n, sizeof *Q), *w = malloc(n * sizeof *w), T[9];
    for (size_t m = 0; m < N; m++)
        for (size_t k2 = 0; k2 < N; k2++) {
            assert_int_equal(vs_lattice_coupling(lat, m, k2, T), VS_OK);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    Q[(3 * m + a) * n + 3 * k2 + b] =
                        T[3 * a + b] + (m == k2 ? D[3 * a + b] : 0.0) + U[3 * a + b] / (double)N;
        }
    /* U and D enter symmetrised */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            Q[i * n + j] = Q[j * n + i] = 0.5 * (Q[i * n + j] + Q[j * n + i]);
    assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, Q, (lapack_int)n, w), 0);
    assert_close(w[n - 1], lmax, 1e-12, 0.0);
    double *smin = malloc(n * sizeof *smin), Emin;
    for (size_t i = 0; i < n; i++)
        smin[i] = Q[i * n + (n - 1)] * sqrt((double)N); /* eigenvector columns, |v| = 1 */
    assert_int_equal(vs_lattice_energy(lat, smin, &Emin), VS_OK);
    assert_close(Emin, -0.5 * w[n - 1] * (double)N, 1e-12, 0.0);
    assert_int_equal(vs_lattice_energy_direct(lat, smin, &Emin), VS_OK);
    assert_close(Emin, -0.5 * lmax * (double)N, 1e-12, 0.0);
    free(Q);
    free(w);
    free(smin);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ewald_is_sphere_limit_isotropic),
        cmocka_unit_test(test_ewald_is_sphere_limit_anisotropic),
        cmocka_unit_test(test_table_symmetric_even_translation_invariant),
        cmocka_unit_test(test_energy_per_site_unchanged_on_larger_supercell),
        cmocka_unit_test(test_uniform_term_alone_is_eq21_mean_field),
        cmocka_unit_test(test_pure_compression_has_zero_pair_energy),
        cmocka_unit_test(test_single_spin_moves_match_recomputation),
        cmocka_unit_test(test_update_is_the_coupling_block_loop_bit_for_bit),
        cmocka_unit_test(test_open_cluster_fields_equal_bare_pair_sum),
        cmocka_unit_test(test_fourier_coupling_matches_mode_energy),
        cmocka_unit_test(test_luttinger_tisza_bounds_every_configuration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
