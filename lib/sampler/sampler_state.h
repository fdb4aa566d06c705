/*
 * The state of a vs_sampler (lib/sampler/sampler.c): shared by the files of lib/sampler that need
 * the handle's insides (sampler.c; the checkpoint and observable files). Not installed; nothing
 * exported. Every field that influences the chain must be saved by the checkpoint (sampler_io.c).
 */
#ifndef VS_SAMPLER_STATE_H
#define VS_SAMPLER_STATE_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "lattice/lattice_internal.h"
#include "sampler_internal.h"

#define VS__SAMPLER_MAXREP 65536

/* A configuration with its maintained fields; swapped between slots by the exchanges. */
typedef struct vs__config {
    double *s;           /* N·nc current spins */
    double *s0;          /* N·nc spins at the last refresh (delayed path) */
    double *h0;          /* N·nc fields at the last refresh (delayed) / current fields (plain; clock:
                          * at the end of the last sweep) */
    size_t *changed;     /* C: sites changed since the last refresh (delayed) */
    unsigned char *mark; /* mark[m] = 1 iff m ∈ C */
    size_t nchanged;
    long nacc; /* accepted moves since the last refresh */
    double M[VS__LAT_MAXNC];
    double E;
} vs__config;

/* What stays with a temperature. */
typedef struct vs__slot {
    vs__config *c;
    double T, beta; /* beta = E0/T, the β of the site target */
    gsl_rng *rng;
    double step;              /* Metropolis δ */
    vs_lattice_workspace *ws; /* this slot's FFT workspace (replicas refresh on their own threads) */
    unsigned long long nprop, nacc;
} vs__slot;

struct vs_sampler {
    const vs_lattice *lat;
    struct vs_sampler_options opt;
    int nrep, nc, nb;
    size_t N;
    long B;      /* refresh period (accepted moves) */
    long sweeps; /* sweeps done (all calls) */
    vs__slot *slot;
    vs__config *cfg;
    double *T0;                      /* nb blocks nc×nc: the self-image T(0) of each basis site */
    double *A;                       /* nb blocks nc×nc: T(0) + D + U/N */
    int *site;                       /* N×4: cell triple and basis index of each site (site_field) */
    gsl_rng *xrng;                   /* the exchange stream */
    unsigned long long *xatt, *xacc; /* per pair (r, r+1) */
    struct vs__observe *obs;         /* the observables' accumulators and round trips (observe.c) */
    vs__clock *clock;                /* VS_SAMPLER_CLOCK: the near/far tables (clock.c), else NULL */
};

#endif
