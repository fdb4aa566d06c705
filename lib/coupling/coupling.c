/* The angular-averaged coupling handle: create/free, the queries of K̃(k̂), J̃(k̂), ⟨J̃⟩ and the harmonics,
 * and their argument checks (paper Eqs. 18–22, App. B; docs/coupling.md). The numerics live in the files
 * below it (coupling_internal.h lists the layers). */
#include <string.h>

#include "common/internal.h"
#include "coupling_internal.h"

/* ---- argument checks of the queries ------------------------------------------------------------- */

/* Handle and output non-NULL (VS_EINVAL with a message naming func). */
static int check_query(const vs_coupling *c, const void *outp, const char *func)
{
    VS_RETURN_ERROR_IF(c == NULL, VS_EINVAL, "%s: coupling handle is NULL", func);
    VS_RETURN_ERROR_IF(outp == NULL, VS_EINVAL, "%s: output is NULL", func);
    return VS_OK;
}

/* check_query, then the library's direction rule (vs__normalize_direction: finite, non-zero, any
 * magnitude) on khat, named `what`; its unit vector goes to k[3]. */
static int check_direction_query(const vs_coupling *c, const double *khat, const void *outp, const char *func,
                                 const char *what, double *k)
{
    VS_FORWARD_IF_ERROR(check_query(c, outp, func));
    return vs__normalize_direction(khat, k, func, what);
}

/* Every constructor starts with this: `out` non-NULL (VS_EINVAL), and *out = NULL until success. */
static int clear_out(vs_coupling **out, const char *func)
{
    VS_RETURN_ERROR_IF(out == NULL, VS_EINVAL, "%s: output pointer is NULL", func);
    *out = NULL;
    return VS_OK;
}

/* ---- creation ---------------------------------------------------------------------------------- */

/* ⟨W⟩, then the harmonics (which take A_0 = ⟨W⟩ and its error from the average); frees c on failure. */
static int finish_create(vs_coupling *c, const char *func, vs_coupling **out)
{
    int st;
    VS_GOTO_IF_ERROR(st, vs__coupling_build_average(c, func), fail);
    VS_GOTO_IF_ERROR(st, vs__coupling_build_harmonics(c, func), fail);
    *out = c;
    return VS_OK;
fail:
    vs_coupling_free(c);
    return st;
}

VS_API int vs_coupling_create(const vs_elastic *el, double tol, vs_coupling **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    VS_CHECK_PTR(el);
    VS_FORWARD_IF_ERROR(vs__sphere_check_tol(tol, __func__));
    int st = VS_OK;
    vs_coupling *c = vs__calloc(1, sizeof *c, &st);
    if (c == NULL)
        return st;
    c->kind = VS__KERNEL_ELASTIC;
    c->nc = 6;
    c->tol = tol;
    vs__elastic_view(el, &c->el);
    c->isotropic = c->el.isotropic;
    vs__spin_basis(c->Q);
    vs__matmul_tn(6, 6, 6, c->Q, c->el.Msqrt, c->QtMsqrt);
    return finish_create(c, __func__, out);
}

VS_API int vs_coupling_create_dipolar(vs_coupling **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    int st = VS_OK;
    vs_coupling *c = vs__calloc(1, sizeof *c, &st);
    if (c == NULL)
        return st;
    c->kind = VS__KERNEL_DIPOLAR;
    c->nc = 3;
    c->tol = 1e-15;
    return finish_create(c, __func__, out);
}

VS_API void vs_coupling_free(vs_coupling *c)
{
    if (c == NULL)
        return;
    vs__free(c->coef);
    vs__free(c);
}

/* ---- queries ----------------------------------------------------------------------------------- */

VS_API int vs_coupling_ncomp(const vs_coupling *c)
{
    return c == NULL ? 0 : c->nc;
}

VS_API int vs_coupling_jtilde(const vs_coupling *c, const double *khat, double *J)
{
    double k[3], W[36];
    VS_FORWARD_IF_ERROR(check_direction_query(c, khat, J, __func__, "khat", k));
    VS_FORWARD_IF_ERROR(vs__coupling_eval(c, k, W));
    memcpy(J, W, (size_t)(c->nc * c->nc) * sizeof *J);
    return VS_OK;
}

VS_API int vs_coupling_average(const vs_coupling *c, double *Jbar, double *abserr)
{
    VS_FORWARD_IF_ERROR(check_query(c, Jbar, __func__));
    memcpy(Jbar, c->avg, (size_t)(c->nc * c->nc) * sizeof *Jbar);
    if (abserr)
        *abserr = c->avg_err;
    return VS_OK;
}

VS_API int vs_coupling_average_eigen(const vs_coupling *c, double *w, double *V)
{
    VS_RETURN_ERROR_IF(c == NULL, VS_EINVAL, "%s: coupling handle is NULL", __func__);
    if (w)
        memcpy(w, c->avg_w, (size_t)c->nc * sizeof *w);
    if (V)
        memcpy(V, c->avg_V, (size_t)(c->nc * c->nc) * sizeof *V);
    return VS_OK;
}

VS_API int vs_coupling_average_quadrature(const vs_coupling *c, double tol, double *Jbar, double *abserr)
{
    VS_FORWARD_IF_ERROR(check_query(c, Jbar, __func__));
    VS_FORWARD_IF_ERROR(vs__sphere_check_tol(tol, __func__));
    return vs__coupling_average_quadrature(c, tol, __func__, Jbar, abserr);
}

VS_API int vs_coupling_lmax(const vs_coupling *c, int *lmax)
{
    VS_FORWARD_IF_ERROR(check_query(c, lmax, __func__));
    *lmax = c->lmax;
    return VS_OK;
}

VS_API int vs_coupling_harmonics_error(const vs_coupling *c, double *err)
{
    VS_FORWARD_IF_ERROR(check_query(c, err, __func__));
    *err = c->harm_err;
    return VS_OK;
}

VS_API int vs_coupling_harmonics(const vs_coupling *c, const double *nhat, double *A)
{
    double k[3];
    VS_FORWARD_IF_ERROR(check_direction_query(c, nhat, A, __func__, "nhat", k));
    vs__coupling_harmonics_eval(c, k, A);
    return VS_OK;
}

/* ---- K̃ (Eq. 20) -------------------------------------------------------------------------------- */

/* Checks of the K̃ queries: handle, output, direction (→ k), and an elastic kernel. */
static int check_ktilde_query(const vs_coupling *c, const double *khat, const double *user_out,
                              const char *func, double *k)
{
    VS_FORWARD_IF_ERROR(check_direction_query(c, khat, user_out, func, "khat", k));
    VS_RETURN_ERROR_IF(c->kind != VS__KERNEL_ELASTIC, VS_EUNSUPPORTED,
                       "%s: K~ needs an elastic coupling (this one is dipolar)", func);
    return VS_OK;
}

VS_API int vs_coupling_ktilde_mandel(const vs_coupling *c, const double *khat, double *K)
{
    double k[3], Km[36];
    VS_FORWARD_IF_ERROR(check_ktilde_query(c, khat, K, __func__, k));
    VS_FORWARD_IF_ERROR(vs__coupling_ktilde_mandel(c, k, Km));
    memcpy(K, Km, sizeof Km);
    return VS_OK;
}

VS_API int vs_coupling_ktilde_tensor(const vs_coupling *c, const double *khat, double *K)
{
    double k[3];
    VS_FORWARD_IF_ERROR(check_ktilde_query(c, khat, K, __func__, k));
    return vs__coupling_ktilde_tensor(c, k, K); /* writes K only on success */
}
