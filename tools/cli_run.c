/*
 * Pieces shared by the long-running subcommands (`mc`, `fragility`): the stop flag set by
 * SIGINT/SIGTERM and a monotonic clock. Signals only set the flag; the commands check it between
 * sweeps, write their checkpoint and exit 128 + signal.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* The number of the signal that asked the run to stop; only ever written by the handler. */
volatile sig_atomic_t cli_stop = 0;

static void cli_on_signal(int sig)
{
    cli_stop = sig;
}

/* SIGINT/SIGTERM set cli_stop; SA_RESETHAND: a second signal has its default effect (stop at once;
 * checkpoints are written atomically, so the last one stays intact). */
void cli_signals(struct sigaction *old_int, struct sigaction *old_term)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cli_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &sa, old_int);
    sigaction(SIGTERM, &sa, old_term);
}

double cli_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
