/* Table-build time, plain vs point-group symmetric (issue 12; docs/performance.md, "Table build and
 * symmetry"): the coupling table T(Δ) of an sc lattice (one site per cell) for an isotropic and a
 * cubic elastic material at L = 16, 32, 64 (and any L given on the command line, e.g. 128), and of
 * the fcc preset (4-site conventional cube, L/2 cubes: 4·(L/2)³ sites) for L ≤ 32, of a hexagonal
 * material on the simple hexagonal cell (c/a = 1.6; L³ cells) and on hcp (L/2 cells, L ≤ 32), one
 * table-build thread, default accuracy. Each build is timed once per mode, interleaved (plain,
 * symmetric), after one untimed warm-up creation; prints the group orders, both times, their ratio,
 * the largest table difference relative to the table's max, and the load average. "sym" is the
 * default (automatic) build: order 1/1 means it kept the plain sums (lmax ≤ 4).
 * Internal: links the internal static library (vs__lattice_build_table_sym). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <fftw3.h>

#include <libvoigtspin/voigtspin.h>
#include "lattice/lattice_internal.h"

#include "bench_util.h"

static int build(vs_lattice *lat, vs__kernel *k, int sym, double *t, int *or, int *ok, double **tab)
{
    lat->ttab = NULL;
    double t0 = bench_now();
    int st = vs__lattice_build_table_sym(lat, k, sym, or, ok);
    *t = bench_now() - t0;
    *tab = lat->ttab;
    return st;
}

/* kind 0: sc, one site per cell; HEX: simple hexagonal cell (c/a = 1.6, a1 ∥ x), HCP: the same cell
 * with the two hcp sites; else a ::vs_lattice_kind preset (conventional cube). */
enum { HEX = -1, HCP = -2 };
static int run(const char *name, const vs_coupling *c, int L, int kind)
{
    static const double sc[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, frac[6] = {0, 0, 0, 1.0 / 3, 2.0 / 3, 0.5};
    static const double hex[9] = {1, 0, 0, -0.5, 0.86602540378443864676, 0, 0, 0, 1.6};
    const double *cell = kind < 0 ? hex : sc;
    int Lv[3] = {L, L, L}, nb = kind == HCP ? 2 : 1;
    vs_lattice_options *o = NULL;
    vs_lattice *lat = NULL;
    if (vs_lattice_options_create(&o) != VS_OK ||
        vs_lattice_options_set(o, VS_LATTICE_OPT_THREADS, 1) != VS_OK ||
        (kind <= 0 ? vs_lattice_create(cell, nb, frac, Lv, c, 0, o, &lat)
                   : vs_lattice_create_cubic(kind, 1.0, Lv, c, 0, o, &lat)) != VS_OK) {
        fprintf(stderr, "bench_table: %s\n", vs_last_error());
        vs_lattice_options_free(o);
        return 1;
    }
    vs_lattice_options_free(o);
    vs__kernel k;
    vs__kernel_init(&k, c, 0);
    double *keep = lat->ttab, *plain = NULL, *sym = NULL, tp, ts;
    int orp, okp, ors, oks;
    if (build(lat, &k, 0, &tp, &orp, &okp, &plain) != VS_OK ||
        build(lat, &k, 1, &ts, &ors, &oks, &sym) != VS_OK) {
        fprintf(stderr, "bench_table: %s\n", vs_last_error());
        return 1;
    }
    size_t nt = (size_t)lat->npairs * lat->geo.ngrid * (size_t)lat->npack;
    double d = 0.0, s = 0.0;
    for (size_t i = 0; i < nt; i++) {
        d = fmax(d, fabs(sym[i] - plain[i]));
        s = fmax(s, fabs(plain[i]));
    }
    printf("%-9s %4d %4d %6d/%-3d %12.4f %12.4f %8.2f %10.1e\n", name, L, lat->lmax, ors, oks, tp, ts,
           tp / ts, d / s);
    fflush(stdout);
    fftw_free(plain);
    fftw_free(sym);
    lat->ttab = keep;
    vs_lattice_free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    int Ls[16] = {16, 32, 64}, nL = 3;
    if (argc > 1) {
        nL = 0;
        for (int i = 1; i < argc && nL < 16; i++)
            Ls[nL++] = atoi(argv[i]);
    }
    vs_elastic *ei = NULL, *ec = NULL, *eh = NULL;
    vs_coupling *ci = NULL, *cc = NULL, *ch = NULL;
    if (vs_elastic_create_bulk_shear(2.0, 1.0, &ei) != VS_OK || vs_coupling_create(ei, 1e-10, &ci) != VS_OK ||
        vs_elastic_create_hexagonal(1.6, 0.7, 0.55, 1.8, 0.45, &eh) != VS_OK ||
        vs_coupling_create(eh, 1e-10, &ch) != VS_OK ||
        vs_elastic_create_cubic(2.3, 1.35, 1.17, &ec) != VS_OK || vs_coupling_create(ec, 1e-10, &cc) != VS_OK) {
        fprintf(stderr, "bench_table: %s\n", vs_last_error());
        return 1;
    }
    printf("# table build, sc one site per cell (cubic-fcc: fcc preset, L/2 conventional cubes; hex: simple\n"
           "# hexagonal cell c/a = 1.6, hexagonal material; hex-hcp: hcp, L/2 cells), 1 thread,\n"
           "# accuracy default: plain vs symmetric\n");
    bench_print_load("");
    printf("%-9s %4s %4s %10s %12s %12s %8s %10s\n", "material", "L", "lmax", "order r/k", "plain [s]",
           "sym [s]", "ratio", "max diff");
    int bad = 0;
    for (int i = 0; i < nL; i++) {
        bad |= run("isotropic", ci, Ls[i], 0);
        bad |= run("cubic", cc, Ls[i], 0);
        if (Ls[i] <= 32) /* the fcc preset: 4-site conventional cube, L³ cubes */
            bad |= run("cubic-fcc", cc, Ls[i] / 2, VS_LATTICE_FCC);
        bad |= run("hex", ch, Ls[i], HEX);
        if (Ls[i] <= 32) /* hcp: two sites per hexagonal cell, the reciprocal sum only */
            bad |= run("hex-hcp", ch, Ls[i] / 2, HCP);
        bench_print_load("");
    }
    vs_coupling_free(ci);
    vs_coupling_free(cc);
    vs_coupling_free(ch);
    vs_elastic_free(eh);
    vs_elastic_free(ei);
    vs_elastic_free(ec);
    return bad;
}
