/*
 * The library's FFTW planner lock (docs/lattice.md, "FFTW"). FFTW's planner (plan creation and
 * destruction, fftw_plan_with_nthreads) is global and not thread-safe: every planner call of the
 * library goes through vs__fftw_lock()/vs__fftw_unlock(), and hosts planning their own transforms
 * take part through the exported vs_fftw_planner_lock().
 */
#include <pthread.h>

#include "lattice_internal.h"

/* One recursive mutex serialises every FFTW planner call of the library; it is exported
 * (vs_fftw_planner_lock) so that hosts planning their own transforms can take part. Recursive, so
 * that a host holding it may create lattices in the same thread. */
static pthread_mutex_t vs__fftw_mutex;
static pthread_once_t vs__fftw_once = PTHREAD_ONCE_INIT;

static void vs__fftw_mutex_init(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&vs__fftw_mutex, &attr);
    pthread_mutexattr_destroy(&attr);
}

void vs__fftw_lock(void)
{
    pthread_once(&vs__fftw_once, vs__fftw_mutex_init);
    pthread_mutex_lock(&vs__fftw_mutex);
}

void vs__fftw_unlock(void)
{
    pthread_mutex_unlock(&vs__fftw_mutex);
}

VS_API void vs_fftw_planner_lock(void)
{
    vs__fftw_lock();
}

VS_API void vs_fftw_planner_unlock(void)
{
    vs__fftw_unlock();
}
