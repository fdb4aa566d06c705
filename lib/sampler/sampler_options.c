/*
 * The options of the sampler handle (include/libvoigtspin/sampler.h): an opaque vs_sampler_options
 * with enum keys, a bounds query per key, set and get (the shape of lib/lattice/options.c).
 */
#include <math.h>

#include "common/internal.h"
#include "sampler_internal.h"

#define VS__SAMPLER_INT_MAX 2147483647.0

void vs__sampler_options_default(struct vs_sampler_options *o)
{
    o->move = VS_SAMPLER_HEATBATH;
    o->overrelax = 1;
    o->fields = VS_SAMPLER_DELAYED;
    o->clock_near = -1;
    o->refresh = 0;
    o->threads = 0;
    o->step = 0.0;
    o->adapt_sweeps = 100;
}

VS_API int vs_sampler_options_create(vs_sampler_options **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    int st = VS_OK;
    vs_sampler_options *o = vs__calloc(1, sizeof *o, &st);
    if (o == NULL)
        return st;
    vs__sampler_options_default(o);
    *out = o;
    return VS_OK;
}

VS_API void vs_sampler_options_free(vs_sampler_options *opt)
{
    vs__free(opt);
}

VS_API int vs_sampler_option_bounds(int key, double *lo, double *hi)
{
    double l, h;
    // clang-format off
    switch (key) {
    case VS_SAMPLER_OPT_MOVE: l = VS_SAMPLER_HEATBATH; h = VS_SAMPLER_METROPOLIS; break;
    case VS_SAMPLER_OPT_OVERRELAX: l = 0.0; h = 100.0; break;
    case VS_SAMPLER_OPT_FIELDS: l = VS_SAMPLER_DELAYED; h = VS_SAMPLER_CLOCK; break;
    case VS_SAMPLER_OPT_REFRESH: l = 0.0; h = VS__SAMPLER_INT_MAX; break;
    case VS_SAMPLER_OPT_THREADS: l = 0.0; h = 1024.0; break;
    case VS_SAMPLER_OPT_STEP: l = 0.0; h = 1e4; break;
    case VS_SAMPLER_OPT_ADAPT_SWEEPS: l = 0.0; h = VS__SAMPLER_INT_MAX; break;
    case VS_SAMPLER_OPT_CLOCK_NEAR: l = -1.0; h = VS__SAMPLER_INT_MAX; break;
    default: return vs__error(VS_EINVAL, "%s: unknown option key %d", __func__, key);
    }
    // clang-format on
    VS_RETURN_ERROR_IF(lo == NULL || hi == NULL, VS_EINVAL, "%s: lo/hi is NULL", __func__);
    *lo = l;
    *hi = h;
    return VS_OK;
}

VS_API int vs_sampler_options_set(vs_sampler_options *opt, int key, double value)
{
    double lo, hi;
    VS_CHECK_PTR(opt);
    VS_FORWARD_IF_ERROR(vs_sampler_option_bounds(key, &lo, &hi));
    VS_RETURN_ERROR_IF(!(value >= lo && value <= hi), VS_EINVAL, "%s: option %d = %g outside [%g, %g]",
                       __func__, key, value, lo, hi);
    VS_RETURN_ERROR_IF(key != VS_SAMPLER_OPT_STEP && value != floor(value), VS_EINVAL,
                       "%s: option %d needs an integer value (got %g)", __func__, key, value);
    // clang-format off
    switch (key) {
    case VS_SAMPLER_OPT_MOVE: opt->move = (int)value; break;
    case VS_SAMPLER_OPT_OVERRELAX: opt->overrelax = (int)value; break;
    case VS_SAMPLER_OPT_FIELDS: opt->fields = (int)value; break;
    case VS_SAMPLER_OPT_REFRESH: opt->refresh = (long)value; break;
    case VS_SAMPLER_OPT_THREADS: opt->threads = (int)value; break;
    case VS_SAMPLER_OPT_STEP: opt->step = value; break;
    case VS_SAMPLER_OPT_CLOCK_NEAR: opt->clock_near = (long)value; break;
    default: opt->adapt_sweeps = (long)value; break;
    }
    // clang-format on
    return VS_OK;
}

VS_API int vs_sampler_options_get(const vs_sampler_options *opt, int key, double *value)
{
    double lo, hi;
    VS_CHECK_PTR(opt);
    VS_FORWARD_IF_ERROR(vs_sampler_option_bounds(key, &lo, &hi));
    VS_CHECK_PTR(value);
    // clang-format off
    switch (key) {
    case VS_SAMPLER_OPT_MOVE: *value = opt->move; break;
    case VS_SAMPLER_OPT_OVERRELAX: *value = opt->overrelax; break;
    case VS_SAMPLER_OPT_FIELDS: *value = opt->fields; break;
    case VS_SAMPLER_OPT_REFRESH: *value = (double)opt->refresh; break;
    case VS_SAMPLER_OPT_THREADS: *value = opt->threads; break;
    case VS_SAMPLER_OPT_STEP: *value = opt->step; break;
    case VS_SAMPLER_OPT_CLOCK_NEAR: *value = (double)opt->clock_near; break;
    default: *value = (double)opt->adapt_sweeps; break;
    }
    // clang-format on
    return VS_OK;
}
