/*
 * Single-spin update benchmark (docs/performance.md, "Single-spin update vs streaming"; issue 12):
 * the cost per site of vs_lattice_update next to a streaming read of the same coupling table, on
 * an L³ sc lattice with the 6-spin isotropic elastic kernel (K = 1, μ = 0.6, as bench_lattice) and
 * with the 3-component dipolar kernel, L = 8, 16, 32, 64, default options.
 *
 * Four loops apply the field change of one move, h_n += T(r_n − r_m) δ for every site n:
 *   update  vs_lattice_update at sites m_k = (7919 k + 1) mod N (all checks included);
 *   stream  the caller's loop over the table column T(r_n − r_0), read beforehand through the public
 *           API (vs_lattice_coupling) into a contiguous packed array of ncomp(ncomp+1)/2 values per
 *           site — the bytes of the library's table: the streaming lower bound;
 *   api     the caller's loop calling vs_lattice_coupling(lat, n, m, T) per site (the reference of
 *           the issue text: "a streaming loop over the same table through the public API");
 *   plain   the sampler's plain path (VS_SAMPLER_OPT_FIELDS = VS_SAMPLER_PLAIN, heat bath, no
 *           over-relaxation, one replica): one sweep's time / (N × accepted moves), L ≤ plain_Lmax
 *           (a plain sweep costs O(N²): about 3 min at L = 64).
 * Each is timed (thread CPU time) on blocks of K moves (K·N ≥ 10⁶ site updates), the blocks
 * interleaved, repeated `reps` times; the median is reported in ns per site. update, stream and api start from the same
 * state and move; their fields must agree to 1e-15 relative (the bench fails otherwise).
 *
 * Usage: bench_update [Lmax] [plain_Lmax] [reps]  (defaults 64, 32, 15). Output: tables, then
 * key=value lines (grep '^[a-zA-Z_0-9]*='). The load average is printed before and after each
 * kernel: the machine may be shared, and only ratios from the same run compare like with like.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvoigtspin/voigtspin.h>

#include "bench_update.h"

/* ns per site per accepted move of the sampler's plain path (median of reps single sweeps). */
static double time_plain(const vs_lattice *lat, int reps)
{
    vs_sampler_options *o = NULL;
    vs_sampler *s = NULL;
    double T = 1.0, t[MAXREPS], rate = 0.0;
    if (vs_sampler_options_create(&o) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_PLAIN) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_OVERRELAX, 0) != VS_OK ||
        vs_sampler_options_set(o, VS_SAMPLER_OPT_THREADS, 1) != VS_OK)
        upd_die("vs_sampler_options");
    if (vs_sampler_create(lat, 1, &T, 2026, o, &s) != VS_OK)
        upd_die("vs_sampler_create");
    vs_sampler_options_free(o);
    size_t N = vs_lattice_nsites(lat);
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_thread_cpu();
        if (vs_sampler_sweep(s, 1) != VS_OK)
            upd_die("vs_sampler_sweep");
        t[rep] = bench_thread_cpu() - t0;
    }
    if (vs_sampler_acceptance(s, 0, &rate) != VS_OK)
        upd_die("vs_sampler_acceptance");
    vs_sampler_free(s);
    /* one sweep = N proposals, rate·N accepted moves of N site updates each */
    return bench_median(t, reps) * 1e9 / (rate * (double)N * (double)N);
}

int main(int argc, char **argv)
{
    int Lmax = argc > 1 ? atoi(argv[1]) : 64;
    int plain_Lmax = argc > 2 ? atoi(argv[2]) : 32;
    int reps = argc > 3 ? atoi(argv[3]) : 15;
    reps = reps < 1 ? 1 : reps > MAXREPS ? MAXREPS : reps;
    vs_elastic *el = NULL;
    vs_coupling *ce = NULL, *cd = NULL;
    if (vs_elastic_create_bulk_shear(1.0, 0.6, &el) != VS_OK || vs_coupling_create(el, 1e-12, &ce) != VS_OK ||
        vs_coupling_create_dipolar(&cd) != VS_OK)
        upd_die("coupling");
    const char *names[2] = {"elastic", "dipolar"};
    upd_result res[2][8];
    int Ls[2][8], nL[2] = {0, 0};
    const vs_coupling *cs[2] = {ce, cd};
    printf("# libvoigtspin single-spin update benchmark: sc L^3, default options; ns of thread CPU time per\n"
           "# site (median of %d interleaved blocks). update = vs_lattice_update; stream = caller's loop "
           "over the packed\n"
           "# table column read via vs_lattice_coupling; api = vs_lattice_coupling per site; plain = the\n"
           "# sampler's plain path per accepted move (heat bath, 1 replica, 1 thread); agree = max rel.\n"
           "# difference of the fields after one move (update vs stream and api).\n",
           reps);
    for (int kc = 0; kc < 2; kc++) {
        int nc = vs_coupling_ncomp(cs[kc]);
        printf("\n# kernel %s, ncomp = %d\n", names[kc], nc);
        bench_print_load("before");
        printf("%4s %8s %9s %9s %9s %9s %8s %8s %8s %9s\n", "L", "N", "update", "stream", "api", "plain",
               "upd/str", "upd/api", "pln/str", "agree");
        for (int L = 8; L <= Lmax && nL[kc] < 8; L *= 2) {
            int LL[3] = {L, L, L};
            vs_lattice *lat = NULL;
            if (vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, LL, cs[kc], 0, NULL, &lat) != VS_OK)
                upd_die("vs_lattice_create_cubic");
            upd_result r;
            upd_time_loops(lat, nc, reps, &r);
            int pr = L <= 16 ? reps : 3;
            r.plain = L <= plain_Lmax ? time_plain(lat, pr) : NAN;
            printf("%4d %8zu %9.3f %9.3f %9.3f %9.3f %8.3f %8.3f %8.3f %9.2g\n", L, vs_lattice_nsites(lat),
                   r.update, r.stream, r.api, r.plain, r.update / r.stream, r.update / r.api,
                   r.plain / r.stream, r.agree);
            fflush(stdout);
            res[kc][nL[kc]] = r;
            Ls[kc][nL[kc]++] = L;
            vs_lattice_free(lat);
        }
        bench_print_load("after");
    }
    printf("\n");
    for (int kc = 0; kc < 2; kc++)
        for (int i = 0; i < nL[kc]; i++) {
            const upd_result *r = &res[kc][i];
            const char *k = names[kc];
            int L = Ls[kc][i];
            printf("%s_L%d_update_ns=%.4g\n%s_L%d_stream_ns=%.4g\n%s_L%d_api_ns=%.4g\n%s_L%d_plain_ns=%.4g\n"
                   "%s_L%d_update_over_stream=%.4g\n%s_L%d_plain_over_stream=%.4g\n",
                   k, L, r->update, k, L, r->stream, k, L, r->api, k, L, r->plain, k, L,
                   r->update / r->stream, k, L, r->plain / r->stream);
        }
    vs_coupling_free(ce);
    vs_coupling_free(cd);
    vs_elastic_free(el);
    return 0;
}
