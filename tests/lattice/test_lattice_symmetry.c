/* The point-group symmetric table build (issue 12; lib/lattice/ewald.c, docs/lattice.md "Storage
 * and symmetry") against the plain build of the same handle, entry by entry: the symmetric build
 * evaluates the harmonics once per orbit of the cubic operations that leave both the kernel and the
 * lattice invariant and fills the orbit by D J Dᵀ; the plain build evaluates every term. Both must
 * agree to ≤ 1e-13 of the table's largest entry. The group orders are checked against the ones the
 * material and the lattice imply (isotropic or cubic on sc/bcc/fcc: 48; hexagonal c ∥ z: 16;
 * orthorhombic: 8; triclinic: 2, inversion; hexagonal cells: D6h, 24; a conventional 2- or 4-site cube: the reciprocal sum
 * only; L1 ≠ L3: the tetragonal subgroup in reciprocal space). Odd and even L, open clusters. The
 * comparisons force the symmetric path (use_symmetry = 2); test_automatic checks when the default
 * build uses it. */
#include <fftw3.h>

#include "testutil.h"
#include "lattice/lattice_internal.h"

static const double sc_cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
static const double bcc_cell[9] = {-0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0.5, 0.5, -0.5};
static const double fcc_cell[9] = {0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0};
static const double origin[3] = {0, 0, 0};

static vs_coupling *elastic_coupling(vs_elastic *el)
{
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create(el, 1e-10, &c), VS_OK);
    vs_elastic_free(el);
    return c;
}

static vs_coupling *isotropic(void)
{
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_bulk_shear(2.0, 1.0, &el), VS_OK);
    return elastic_coupling(el);
}

static vs_coupling *cubic(void)
{
    vs_elastic *el = NULL; /* iron-like anisotropy 2 C44/(C11 − C12) ≈ 2.4 */
    assert_int_equal(vs_elastic_create_cubic(2.3, 1.35, 1.17, &el), VS_OK);
    return elastic_coupling(el);
}

static vs_coupling *hexagonal(void)
{
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_hexagonal(1.6, 0.7, 0.55, 1.8, 0.45, &el), VS_OK);
    return elastic_coupling(el);
}

static vs_coupling *voigt(int triclinic)
{
    double C[36] = {0};
    double d[6] = {2.1, 1.7, 1.9, 0.6, 0.5, 0.7};
    for (int i = 0; i < 6; i++)
        C[i * 6 + i] = d[i];
    C[1] = C[6] = 0.8;
    C[2] = C[12] = 0.6;
    C[8] = C[13] = 0.7;
    if (triclinic) {
        C[3] = C[18] = 0.05;
        C[10] = C[25] = -0.04;
        C[29] = C[34] = 0.03;
    }
    vs_elastic *el = NULL;
    assert_int_equal(vs_elastic_create_voigt(C, &el), VS_OK);
    return elastic_coupling(el);
}

/* The plain build's own round-off: how far its table breaks an exact symmetry of the sum. For the
 * sc cell with a cubic-invariant kernel and L1 = L2 = L3, T(R d) = D T(d) Dᵀ for the 48 signed
 * permutations R, so tr T(R d) = tr T(d) exactly; the largest violation over d and R measures the
 * noise of the plain build's harmonic evaluations (absolute). */
/* |tr T(d_i0) − tr T(d_i1)| of the packed table T (grid indices i0, i1). */
static double trace_diff(const struct vs_lattice *lat, const double *T, size_t i0, size_t i1)
{
    int nc = lat->nc, np = lat->npack;
    double t0 = 0.0, t1 = 0.0;
    for (int a = 0, c = 0; a < nc; a++)
        for (int b = a; b < nc; b++, c++)
            if (a == b) {
                t0 += T[i0 * np + c];
                t1 += T[i1 * np + c];
            }
    return fabs(t0 - t1);
}

static double trace_violation(const struct vs_lattice *lat, const double *T)
{
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    const int *g = lat->geo.g;
    double v = 0.0;
    for (long d0 = 0; d0 < g[0]; d0++)
        for (long d1 = 0; d1 < g[1]; d1++)
            for (long d2 = 0; d2 < g[2]; d2++) {
                long d[3] = {d0, d1, d2};
                size_t i0 = ((size_t)d0 * g[1] + d1) * g[2] + d2;
                for (int op = 0; op < 48; op++) {
                    long e[3];
                    for (int a = 0; a < 3; a++) {
                        long x = d[perm[op / 8][a]] * ((op % 8) >> a & 1 ? -1 : 1);
                        e[a] = ((x % g[a]) + g[a]) % g[a];
                    }
                    size_t i1 = ((size_t)e[0] * g[1] + e[1]) * g[2] + e[2];
                    v = fmax(v, trace_diff(lat, T, i0, i1));
                }
            }
    return v;
}

/* The same for a hexagonal cell (a2 = a1 rotated by 120° about z, a3 ∥ z) with a transversely
 * isotropic kernel about z: the rotation by 60° maps n1 a1 + n2 a2 to (n1 − n2) a1 + n1 a2, so
 * tr T(d) is invariant under the index map (n1, n2, n3) → (n1 − n2, n1, n3) (L1 = L2). */
static double hex_trace_violation(const struct vs_lattice *lat, const double *T)
{
    const int *g = lat->geo.g;
    double v = 0.0;
    for (long d0 = 0; d0 < g[0]; d0++)
        for (long d1 = 0; d1 < g[1]; d1++)
            for (long d2 = 0; d2 < g[2]; d2++) {
                size_t i0 = ((size_t)d0 * g[1] + d1) * g[2] + d2;
                long e0 = (((d0 - d1) % g[0]) + g[0]) % g[0], e1 = d0;
                size_t i1 = ((size_t)e0 * g[1] + e1) * g[2] + d2;
                v = fmax(v, trace_diff(lat, T, i0, i1));
            }
    return v;
}

/* Rebuild the handle's table plainly and symmetrically; compare; check the group orders. hexmap:
 * the cell is hexagonal and the kernel transversely isotropic; the plain build's own noise
 * (hex_trace_violation) is then measured and returned, and the tolerance is at least that. */
static double compare_full(const double *cell, int nb, const double *frac, int L1, int L3, int open,
                           const vs_coupling *c, int ncomp, int want_real, int want_recip, double tol,
                           int hexmap)
{
    int L[3] = {L1, L1, L3};
    vs_lattice_options *o = NULL;
    assert_int_equal(vs_lattice_options_create(&o), VS_OK);
    assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_ACCURACY, 1e-10), VS_OK);
    if (open)
        assert_int_equal(vs_lattice_options_set(o, VS_LATTICE_OPT_BOUNDARY, VS_LATTICE_OPEN), VS_OK);
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create(cell, nb, frac, L, c, ncomp, o, &lat), VS_OK);
    vs_lattice_options_free(o);
    vs__kernel k;
    assert_int_equal(vs__kernel_init(&k, c, ncomp), VS_OK);
    double *keep = lat->ttab;
    size_t nt = (size_t)lat->npairs * lat->geo.ngrid * (size_t)lat->npack;
    int or = 0, ok = 0;
    lat->ttab = NULL;
    assert_int_equal(vs__lattice_build_table_sym(lat, &k, 0, &or, &ok), VS_OK);
    assert_int_equal(or, 1);
    assert_int_equal(ok, 1);
    double *plain = lat->ttab;
    lat->ttab = NULL;
    assert_int_equal(vs__lattice_build_table_sym(lat, &k, 2, &or, &ok), VS_OK); /* forced */
    double *sym = lat->ttab;
    double d = 0.0, s = 0.0;
    for (size_t i = 0; i < nt; i++) {
        d = fmax(d, fabs(sym[i] - plain[i]));
        s = fmax(s, fabs(plain[i]));
    }
    print_message("# cell %s nb %d L %d,%d,%d open %d nc %d: orders %d/%d, max diff %.2e of %.3e\n",
                  cell == sc_cell ? "sc" : cell == bcc_cell ? "bcc" : cell == fcc_cell ? "fcc" : "other",
                  nb, L1, L1, L3, open, lat->nc, or, ok, d, s);
    assert_true(s > 0.0);
    double noise = 0.0;
    if (cell == sc_cell && nb == 1 && L1 == L3 && want_real == 48) {
        noise = trace_violation(lat, plain) / s;
        print_message("#   the plain build breaks tr T(R d) = tr T(d) by %.2e of the max\n", noise);
    }
    if (hexmap && nb == 1) {
        noise = hex_trace_violation(lat, plain) / s;
        print_message("#   the plain build breaks tr T(R60 d) = tr T(d) by %.2e of the max\n", noise);
        assert_true(noise < 1e-10);
        tol = fmax(tol, noise);
    }
    assert_true(d <= fmax(1e-13, tol) * s);
    assert_int_equal(or, want_real);
    assert_int_equal(ok, want_recip);
    fftw_free(plain);
    fftw_free(sym);
    lat->ttab = keep;
    vs_lattice_free(lat);
    return noise;
}

static double compare(const double *cell, int nb, const double *frac, int L1, int L3, int open,
                      const vs_coupling *c, int ncomp, int want_real, int want_recip, double tol)
{
    return compare_full(cell, nb, frac, L1, L3, open, c, ncomp, want_real, want_recip, tol, 0);
}

static void test_isotropic(void **state)
{
    (void)state;
    vs_coupling *c = isotropic();
    compare(sc_cell, 1, origin, 8, 8, 0, c, 0, 48, 48, 0.0);
    compare(sc_cell, 1, origin, 7, 7, 0, c, 0, 48, 48, 0.0);
    compare(bcc_cell, 1, origin, 6, 6, 0, c, 0, 48, 48, 0.0);
    compare(fcc_cell, 1, origin, 7, 7, 0, c, 0, 48, 48, 0.0);
    vs_coupling_free(c);
}

static void test_cubic(void **state)
{
    (void)state;
    vs_coupling *c = cubic();
    /* The harmonics of an anisotropic kernel (lmax = 58 here) carry absolute round-off ≈ 1e-15 per
     * degree, amplified by γ_l v0/r³ in the table: the plain build itself breaks the exact symmetry
     * tr T(R d) = tr T(d) by ≈ 1e-11 of the table's max. The symmetric build (exactly symmetric)
     * must stay within that noise of the plain build, measured here on sc (independent of the
     * symmetric code: the plain table alone). */
    double noise = compare(sc_cell, 1, origin, 8, 8, 0, c, 0, 48, 48, INFINITY);
    assert_true(noise < 1e-10);
    compare(sc_cell, 1, origin, 9, 9, 0, c, 0, 48, 48, noise);
    compare(bcc_cell, 1, origin, 7, 7, 0, c, 0, 48, 48, noise);
    compare(fcc_cell, 1, origin, 6, 6, 0, c, 0, 48, 48, noise);
    /* supercell 6×6×8: the real-space sum keeps 48, the reciprocal grid only the tetragonal 16 */
    compare(sc_cell, 1, origin, 6, 8, 0, c, 0, 48, 16, noise);
    /* conventional bcc (2 sites) and fcc (4 sites): the real-space sum by canonical vectors, the
     * reciprocal sum by orbits; a hexagonal kernel there: the reciprocal sum only (16) */
    static const double bccf[6] = {0, 0, 0, 0.5, 0.5, 0.5};
    static const double fccf[12] = {0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0};
    compare(sc_cell, 2, bccf, 5, 5, 0, c, 0, 48, 48, noise);
    compare(sc_cell, 4, fccf, 4, 4, 0, c, 0, 48, 48, noise);
    vs_coupling *h = hexagonal(), *i = isotropic();
    compare(sc_cell, 2, bccf, 5, 5, 0, h, 0, 1, 16, 0.0);
    compare(sc_cell, 4, fccf, 5, 5, 0, i, 0, 48, 48, 0.0);
    vs_coupling_free(h);
    vs_coupling_free(i);
    vs_coupling_free(c);
}

static void test_lower_symmetry(void **state)
{
    (void)state;
    vs_coupling *h = hexagonal(), *o = voigt(0), *t = voigt(1);
    compare(sc_cell, 1, origin, 8, 8, 0, h, 0, 16, 16, 0.0);
    compare(sc_cell, 1, origin, 7, 7, 0, o, 0, 8, 8, 0.0);
    compare(sc_cell, 1, origin, 8, 8, 0, t, 0, 2, 2, 0.0);
    /* a cubic material on a triclinic cell: only the inversion */
    vs_coupling *c = cubic();
    double noise = compare(sc_cell, 1, origin, 6, 6, 0, c, 0, 48, 48, INFINITY);
    static const double tri[9] = {1.0, 0.0, 0.0, 0.31, 1.13, 0.0, -0.22, 0.17, 0.93};
    compare(tri, 1, origin, 7, 7, 0, c, 0, 2, 2, noise);
    vs_coupling_free(c);
    vs_coupling_free(h);
    vs_coupling_free(o);
    vs_coupling_free(t);
}

/* Hexagonal cells (c ∥ z, a1 ∥ x): the hexagonal candidates D6h. A hexagonal (transversely
 * isotropic) material there keeps all 24 operations; the cubic candidates would give only the 8
 * of D2h, which the cubic material also gets there. hcp (2 sites): the reciprocal sum only. A
 * hexagonal cell rotated by 10° about z keeps C6h (12: no two-fold axis in the plane lies along x or
 * its 30° multiples). */
static void test_hexagonal(void **state)
{
    (void)state;
    const double s3 = 0.86602540378443864676;
    const double hex[9] = {1.0, 0.0, 0.0, -0.5, s3, 0.0, 0.0, 0.0, 1.6};
    const double cr = cos(10.0 * M_PI / 180.0), sr = sin(10.0 * M_PI / 180.0);
    const double rot[9] = {cr, sr, 0.0, -0.5 * cr - s3 * sr, -0.5 * sr + s3 * cr, 0.0, 0.0, 0.0, 1.6};
    static const double hcpf[6] = {0, 0, 0, 1.0 / 3.0, 2.0 / 3.0, 0.5};
    vs_coupling *h = hexagonal(), *c = cubic(), *d = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&d), VS_OK);
    double noise = compare_full(hex, 1, origin, 6, 5, 0, h, 0, 24, 24, 0.0, 1);
    compare_full(hex, 1, origin, 7, 4, 0, d, 0, 24, 24, 0.0, 1);
    compare(hex, 2, hcpf, 5, 4, 0, h, 0, 1, 24, noise);
    compare_full(rot, 1, origin, 6, 4, 0, h, 0, 12, 12, 0.0, 1);
    compare_full(hex, 1, origin, 6, 6, 1, h, 0, 24, 1, 0.0, 1); /* open cluster */
    noise = compare(sc_cell, 1, origin, 6, 6, 0, c, 0, 48, 48, INFINITY);
    compare(hex, 1, origin, 6, 4, 0, c, 0, 8, 8, noise);
    vs_coupling_free(h);
    vs_coupling_free(c);
    vs_coupling_free(d);
}

static void test_dipolar(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    compare(sc_cell, 1, origin, 8, 8, 0, c, 0, 48, 48, 0.0);
    compare(fcc_cell, 1, origin, 7, 7, 0, c, 0, 48, 48, 0.0);
    vs_coupling_free(c);
}

/* The default (automatic) build skips the search where it does not pay: lmax ≤ 4 (isotropic,
 * dipolar) and small tables; a cubic kernel at L = 8 uses it. */
static void test_automatic(void **state)
{
    (void)state;
    vs_coupling *i = isotropic(), *c = cubic();
    int L[3] = {8, 8, 8}, or = 0, ok = 0;
    const vs_coupling *cs[2] = {i, c};
    int want[2] = {1, 48};
    for (int t = 0; t < 2; t++) {
        vs_lattice *lat = NULL;
        assert_int_equal(vs_lattice_create(sc_cell, 1, origin, L, cs[t], 0, NULL, &lat), VS_OK);
        vs__kernel k;
        assert_int_equal(vs__kernel_init(&k, cs[t], 0), VS_OK);
        double *keep = lat->ttab;
        lat->ttab = NULL;
        assert_int_equal(vs__lattice_build_table_sym(lat, &k, 1, &or, &ok), VS_OK);
        assert_int_equal(or, want[t]);
        assert_int_equal(ok, want[t]);
        fftw_free(lat->ttab);
        lat->ttab = keep;
        vs_lattice_free(lat);
    }
    vs_coupling_free(i);
    vs_coupling_free(c);
}

static void test_open(void **state)
{
    (void)state;
    vs_coupling *c = cubic(), *d = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&d), VS_OK);
    double noise = compare(sc_cell, 1, origin, 8, 8, 1, c, 0, 48, 1, INFINITY); /* see test_cubic */
    assert_true(noise < 1e-10);
    compare(sc_cell, 1, origin, 9, 9, 1, c, 0, 48, 1, noise);
    compare(bcc_cell, 1, origin, 8, 8, 1, d, 0, 48, 1, 0.0);
    vs_coupling_free(c);
    vs_coupling_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isotropic),  cmocka_unit_test(test_cubic),
        cmocka_unit_test(test_lower_symmetry), cmocka_unit_test(test_hexagonal),
        cmocka_unit_test(test_dipolar),
        cmocka_unit_test(test_open), cmocka_unit_test(test_automatic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
