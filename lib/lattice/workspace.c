/*
 * Per-thread workspaces of a lattice (docs/lattice.md, "Workspaces"; the CDict/CCtx split of zstd):
 * the lattice holds everything immutable (tables, plans) and may be shared, const, by any number
 * of threads; a workspace holds the FFT buffers one evaluation writes. Creating one makes no FFTW
 * plan (the lattice's plans are executed on its buffers with the new-array functions), so
 * workspaces may be created and freed concurrently without the planner lock.
 */
#include "lattice_internal.h"

VS_API int vs_lattice_workspace_create(const vs_lattice *lat, vs_lattice_workspace **out)
{
    VS_CHECK_PTR(out);
    *out = NULL;
    VS_FORWARD_IF_ERROR(vs__lattice_check(lat, __func__));
    int st = VS_OK;
    vs_lattice_workspace *ws = vs__calloc(1, sizeof *ws, &st);
    if (ws == NULL)
        return st;
    VS_GOTO_IF_ERROR(st, vs__lattice_ws_init(lat, ws, __func__), fail);
    *out = ws;
    return VS_OK;
fail:
    vs_lattice_workspace_free(ws);
    return st;
}

VS_API void vs_lattice_workspace_free(vs_lattice_workspace *ws)
{
    if (ws == NULL)
        return;
    vs__lattice_ws_clear(ws);
    vs__free(ws);
}
