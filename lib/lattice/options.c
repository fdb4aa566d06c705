/*
 * The options of the lattice handle (docs/lattice.md; include/libvoigtspin/lattice.h): an opaque
 * vs_lattice_options with enum keys, a bounds query per key, set and get.
 */
#include <math.h>

#include "lattice_internal.h"

#define VS__MAX_MEMORY_DEFAULT 8589934592.0           /* 8 GiB */
#define VS__MAX_MEMORY_HI      18446744073709551616.0 /* 2^64 */

void vs__lattice_options_default(struct vs_lattice_options *o)
{
    o->accuracy = 1e-12;
    o->alpha = 0.0;
    o->boundary = VS_LATTICE_PERIODIC;
    o->e0 = 1.0;
    o->planner = VS_LATTICE_PLANNER_AUTO;
    o->threads = 0;
    o->fft_threads = 1;
    o->max_memory = VS__MAX_MEMORY_DEFAULT;
}

VS_API int vs_lattice_options_create(vs_lattice_options **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    int st = VS_OK;
    vs_lattice_options *o = vs__calloc(1, sizeof *o, &st);
    if (o == NULL)
        return st;
    vs__lattice_options_default(o);
    *out = o;
    return VS_OK;
}

VS_API void vs_lattice_options_free(vs_lattice_options *opt)
{
    vs__free(opt);
}

VS_API int vs_lattice_option_bounds(int key, double *lo, double *hi)
{
    double l, h;
    // clang-format off
    switch (key) {
    case VS_LATTICE_OPT_ACCURACY: l = 1e-15; h = 1e-2; break;
    case VS_LATTICE_OPT_ALPHA: l = 0.0; h = 1e6; break;
    case VS_LATTICE_OPT_BOUNDARY: l = VS_LATTICE_PERIODIC; h = VS_LATTICE_OPEN; break;
    case VS_LATTICE_OPT_ENERGY_SCALE: l = 1e-300; h = 1e300; break;
    case VS_LATTICE_OPT_FFTW_PLANNER: l = VS_LATTICE_PLANNER_ESTIMATE; h = VS_LATTICE_PLANNER_AUTO; break;
    case VS_LATTICE_OPT_THREADS: l = 0.0; h = 1024.0; break;
    case VS_LATTICE_OPT_FFT_THREADS: l = 1.0; h = 1024.0; break;
    case VS_LATTICE_OPT_MAX_MEMORY: l = 0.0; h = VS__MAX_MEMORY_HI; break;
    default: return vs__error(VS_EINVAL, "%s: unknown option key %d", __func__, key);
    }
    // clang-format on
    VS_RETURN_ERROR_IF(lo == NULL || hi == NULL, VS_EINVAL, "%s: lo/hi is NULL", __func__);
    *lo = l;
    *hi = h;
    return VS_OK;
}

static int is_enum_option(int key)
{
    return key == VS_LATTICE_OPT_BOUNDARY || key == VS_LATTICE_OPT_FFTW_PLANNER ||
           key == VS_LATTICE_OPT_THREADS || key == VS_LATTICE_OPT_FFT_THREADS;
}

VS_API int vs_lattice_options_set(vs_lattice_options *opt, int key, double value)
{
    double lo, hi;
    VS_CHECK_PTR(opt);
    VS_FORWARD_IF_ERROR(vs_lattice_option_bounds(key, &lo, &hi));
    VS_RETURN_ERROR_IF(!(value >= lo && value <= hi), VS_EINVAL, "%s: option %d = %g outside [%g, %g]",
                       __func__, key, value, lo, hi);
    VS_RETURN_ERROR_IF(is_enum_option(key) && value != floor(value), VS_EINVAL,
                       "%s: option %d needs an integer value (got %g)", __func__, key, value);
    // clang-format off
    switch (key) {
    case VS_LATTICE_OPT_ACCURACY: opt->accuracy = value; break;
    case VS_LATTICE_OPT_ALPHA: opt->alpha = value; break;
    case VS_LATTICE_OPT_BOUNDARY: opt->boundary = (int)value; break;
    case VS_LATTICE_OPT_ENERGY_SCALE: opt->e0 = value; break;
    case VS_LATTICE_OPT_THREADS: opt->threads = (int)value; break;
    case VS_LATTICE_OPT_FFT_THREADS: opt->fft_threads = (int)value; break;
    case VS_LATTICE_OPT_MAX_MEMORY: opt->max_memory = value; break;
    default: opt->planner = (int)value; break;
    }
    // clang-format on
    return VS_OK;
}

VS_API int vs_lattice_options_get(const vs_lattice_options *opt, int key, double *value)
{
    double lo, hi;
    VS_CHECK_PTR(opt);
    VS_FORWARD_IF_ERROR(vs_lattice_option_bounds(key, &lo, &hi));
    VS_CHECK_PTR(value);
    // clang-format off
    switch (key) {
    case VS_LATTICE_OPT_ACCURACY: *value = opt->accuracy; break;
    case VS_LATTICE_OPT_ALPHA: *value = opt->alpha; break;
    case VS_LATTICE_OPT_BOUNDARY: *value = opt->boundary; break;
    case VS_LATTICE_OPT_ENERGY_SCALE: *value = opt->e0; break;
    case VS_LATTICE_OPT_THREADS: *value = opt->threads; break;
    case VS_LATTICE_OPT_FFT_THREADS: *value = opt->fft_threads; break;
    case VS_LATTICE_OPT_MAX_MEMORY: *value = opt->max_memory; break;
    default: *value = opt->planner; break;
    }
    // clang-format on
    return VS_OK;
}
