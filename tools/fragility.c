/*
 * The analysis of `voigtspin fragility` (declarations and conventions in tools/fragility.h; the
 * definitions and their justification in docs/fragility.md).
 */
#include <math.h>

#include "fragility.h"

/* ---- axis conversions -------------------------------------------------------------------------- */

static int sigma_ok(double s)
{
    return s > -1.0 && s < 0.5;
}

double frag_clct_from_sigma(double sigma)
{
    return sigma_ok(sigma) ? sqrt(2.0 * (1.0 - sigma) / (1.0 - 2.0 * sigma)) : NAN;
}

/* r² (1 − 2σ) = 2 (1 − σ)  ⇒  σ = (r² − 2) / (2 (r² − 1)). */
double frag_sigma_from_clct(double clct)
{
    double r2 = clct * clct;
    return clct > sqrt(4.0 / 3.0) && isfinite(clct) ? (r2 - 2.0) / (2.0 * (r2 - 1.0)) : NAN;
}

double frag_kg_from_sigma(double sigma)
{
    return sigma_ok(sigma) ? 2.0 * (1.0 + sigma) / (3.0 * (1.0 - 2.0 * sigma)) : NAN;
}

/* 3x (1 − 2σ) = 2 (1 + σ)  ⇒  σ = (3x − 2) / (6x + 2). */
double frag_sigma_from_kg(double kg)
{
    return kg > 0 && isfinite(kg) ? (3.0 * kg - 2.0) / (6.0 * kg + 2.0) : NAN;
}

double frag_ratio_from_sigma(double sigma)
{
    return sigma_ok(sigma) ? 2.5 * (1.0 + sigma) / (4.0 - 5.0 * sigma) : NAN;
}

/* q (4 − 5σ) = (5/2)(1 + σ)  ⇒  σ = (4q − 5/2) / (5q + 5/2). */
double frag_sigma_from_ratio(double ratio)
{
    return ratio > 0 && ratio < 2.5 ? (4.0 * ratio - 2.5) / (5.0 * ratio + 2.5) : NAN;
}

/* ---- the peak ---------------------------------------------------------------------------------- */

/* Vertex of the parabola through (x_i, y_i), i = 0, 1, 2 (Lagrange form in u = x − x1). Returns 0, or 1
 * if the parabola is not concave. */
static int vertex(const double *x, const double *y, double *xv, double *yv)
{
    double a = x[0] - x[1], b = x[2] - x[1];
    /* y(u) = y1 + p u + q u² through (a, y0), (b, y2) */
    double d0 = (y[0] - y[1]) / a, d2 = (y[2] - y[1]) / b;
    double q = (d2 - d0) / (b - a), p = d0 - q * a;
    if (!(q < 0))
        return 1;
    double u = -p / (2.0 * q);
    *xv = x[1] + u;
    *yv = y[1] + p * u + q * u * u;
    return 0;
}

int frag_peak(int n, const double *T, const double *C, const double *dC, double *Tp, double *dTp, double *Cp,
              double *dCp)
{
    *Tp = *dTp = *Cp = *dCp = NAN;
    if (n < 3)
        return -1;
    int k = 0;
    for (int i = 1; i < n; i++)
        if (C[i] > C[k])
            k = i;
    if (k == 0 || k == n - 1)
        return 1;
    double y[3] = {C[k - 1], C[k], C[k + 1]}, xv, yv;
    if (vertex(T + k - 1, y, &xv, &yv))
        return 1;
    /* ∂(xv, yv)/∂y_i by central differences; the vertex is smooth in y near a concave triple */
    double vx = 0, vy = 0;
    for (int i = 0; i < 3; i++) {
        double e = dC[k - 1 + i], h = 1e-4 * (fabs(y[i]) + e + 1e-300), yp[3], ym[3], xp, yvp, xm, yvm;
        for (int j = 0; j < 3; j++)
            yp[j] = ym[j] = y[j];
        yp[i] += h;
        ym[i] -= h;
        if (vertex(T + k - 1, yp, &xp, &yvp) || vertex(T + k - 1, ym, &xm, &yvm))
            return 1;
        double gx = (xp - xm) / (2 * h), gy = (yvp - yvm) / (2 * h);
        vx += gx * gx * e * e;
        vy += gy * gy * e * e;
    }
    *Tp = xv;
    *Cp = yv;
    *dTp = sqrt(vx);
    *dCp = sqrt(vy);
    return 0;
}

/* ---- integrals and fits ------------------------------------------------------------------------ */

int frag_trapezoid(int n, const double *x, const double *y, const double *dy, double *I, double *dI)
{
    if (n < 2)
        return -1;
    double s = 0, v = 0;
    for (int k = 0; k < n; k++) {
        double w = 0.5 * ((k + 1 < n ? x[k + 1] : x[k]) - (k > 0 ? x[k - 1] : x[k]));
        s += w * y[k];
        v += w * w * dy[k] * dy[k];
    }
    *I = s;
    *dI = sqrt(v);
    return 0;
}

int frag_fit_line(int n, const double *x, const double *y, const double *dy, double *a, double *da, double *b,
                  double *db, double *chi2)
{
    if (n < 2)
        return -1;
    double S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
    for (int k = 0; k < n; k++) {
        if (!(dy[k] > 0) || !isfinite(dy[k]))
            return -1;
        double w = 1.0 / (dy[k] * dy[k]);
        S += w;
        Sx += w * x[k];
        Sy += w * y[k];
        Sxx += w * x[k] * x[k];
        Sxy += w * x[k] * y[k];
    }
    double D = S * Sxx - Sx * Sx;
    if (!(D > 0))
        return -1;
    *a = (Sxx * Sy - Sx * Sxy) / D;
    *b = (S * Sxy - Sx * Sy) / D;
    *da = sqrt(Sxx / D);
    *db = sqrt(S / D);
    double c = 0;
    for (int k = 0; k < n; k++) {
        double r = (y[k] - *a - *b * x[k]) / dy[k];
        c += r * r;
    }
    *chi2 = c;
    return 0;
}

/* ---- the ordering sector ----------------------------------------------------------------------- */

double frag_compression_share(size_t N, const double *s, const double *r, const double *k)
{
    double re[6] = {0}, im[6] = {0};
    for (size_t m = 0; m < N; m++) {
        double ph = k[0] * r[3 * m] + k[1] * r[3 * m + 1] + k[2] * r[3 * m + 2], c = cos(ph), sn = sin(ph);
        for (int a = 0; a < 6; a++) {
            re[a] += s[6 * m + a] * c;
            im[a] -= s[6 * m + a] * sn;
        }
    }
    double tot = 0;
    for (int a = 0; a < 6; a++)
        tot += re[a] * re[a] + im[a] * im[a];
    return tot > 0 ? (re[0] * re[0] + im[0] * im[0]) / tot : NAN;
}
