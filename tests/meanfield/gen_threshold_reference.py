#!/usr/bin/env python3
"""Extended-precision references for tests/meanfield/test_meanfield_threshold.c (and the tightened
checks of test_meanfield_gprofile.c / test_meanfield_solver.c). Independent of the library: mpmath
Bessel functions at 60 digits, the definitions of docs/meanfield.md and nothing else.

  L(r) = I_{n/2}(r)/I_{n/2-1}(r),  L' = 1 - L^2 - (n-1)L/r,  Z1 = Gamma(n/2)(2/r)^{n/2-1} I_{n/2-1}(r)
  radial root: r = K L(r) (K = J_max/T > n)
  C    = K^2 L^2 L'/(1 - K L')                       (heat capacity per spin, k_B = 1)
  F0   = x/2 + r^2/(2x) - ln Z1(r),  x = g^2        (reduced units a^3 = k_BT = 1)
  F0'' = 1 - L^2 - 4 x L^2 L'/(1 - x L')

Inputs are the exact doubles the C test passes (computed here in IEEE double, as the test does), then
promoted to mpmath. Run: python3 tests/meanfield/gen_threshold_reference.py  (needs mpmath); the
printed C initialisers are pasted into the tests.
"""
import math

import mpmath as mp

mp.mp.dps = 60


def L(n, r):
    return mp.besseli(mp.mpf(n) / 2, r) / mp.besseli(mp.mpf(n) / 2 - 1, r)


def dL(n, r):
    l = L(n, r)
    return 1 - l * l - (n - 1) * l / r


def lnZ1(n, r):
    nu = mp.mpf(n) / 2 - 1
    return mp.loggamma(mp.mpf(n) / 2) + nu * mp.log(2 / r) + mp.log(mp.besseli(nu, r))


def root(n, K):
    """r > 0 with r = K L(r), K > n."""
    K = mp.mpf(K)
    f = lambda r: L(n, r) / r - 1 / K
    d = (K - n) / K
    if d < mp.mpf('0.01'):
        r0 = mp.sqrt(n * (n + 2) * d)  # Landau: r^2 ~ n(n+2)(K-n)/K
        return mp.findroot(f, (r0 * mp.mpf('0.5'), r0 * mp.mpf('1.5')), solver='anderson')
    return mp.findroot(f, (mp.mpf('1e-3'), K), solver='anderson')


def heat_capacity(n, K):
    r = root(n, K)
    l, d = L(n, r), dL(n, r)
    return K * K * l * l * d / (1 - K * d), l


def f0(n, g):
    x = mp.mpf(g) ** 2
    if x <= n:
        return x / 2, g, mp.mpf(1)
    r = root(n, x)
    l, d = L(n, r), dL(n, r)
    F = x / 2 + r * r / (2 * x) - lnZ1(n, r)
    return F, mp.mpf(g) * (1 - l * l), 1 - l * l - 4 * x * l * l * d / (1 - x * d)


def fmt(v):
    return '%.17g' % float(v)


def main():
    deltas = [1e-2, 1e-4, 1e-6, 1e-9, 1e-12]
    print('/* C and m at T = (1 - delta) T_c, J_max = n (T_c = 1): {delta, T, C, m} */')
    for n in (3, 6):
        print('/* n = %d */' % n)
        for dlt in deltas + [0.5, 0.9]:
            T = 1.0 - dlt  # the double the test passes
            C, m = heat_capacity(n, mp.mpf(n) / mp.mpf(T))
            print('{%r, %r, %s, %s},' % (dlt, T, fmt(C), fmt(m)))
    print('/* d2F0/dg2 at g = sqrt(n (1 + delta)) (double), just above g_cr: {delta, g, d2F0} */')
    for n in (3, 6):
        print('/* n = %d */' % n)
        for dlt in deltas + [0.5, 2.0, 15.0]:
            g = math.sqrt(n * (1.0 + dlt))
            _, _, d2 = f0(n, g)
            print('{%r, %r, %s},' % (dlt, g, fmt(d2)))
    print('/* F0 at large g, n = 6: {g, F0, dF0, d2F0} */')
    for g in (100.0, 1000.0):
        F, d1, d2 = f0(6, g)
        print('{%r, %s, %s, %s},' % (g, fmt(F), fmt(d1), fmt(d2)))
    print('/* phase diagram, J_shear = 2.5: order parameter at (ratio, T) */')
    for ratio, T in ((1.5, 0.5), (0.8, 0.3), (1.5, 0.62)):
        Jmax = max(ratio * 2.5, 2.5)
        K = mp.mpf(Jmax) / mp.mpf(T)
        m = L(6, root(6, K)) if K > 6 else mp.mpf(0)
        print('{%r, %r, %s},' % (ratio, T, fmt(m)))
    # Fig. 5 common tangent and barrier at c = 0.05, n = 6
    c = mp.mpf('0.05')

    def F(g):
        a, b, d = f0(6, g)
        return a + c * g * g, b + 2 * c * g, d + 2 * c

    def eqs(g1, g2):
        F1, d1, _ = F(g1)
        F2, d2, _ = F(g2)
        return [d1 - d2, F2 - F1 - d1 * (g2 - g1)]

    mp.mp.dps = 30
    g1, g2 = mp.findroot(eqs, (mp.mpf('1.49'), mp.mpf('12.32')))
    s = F(g1)[1]
    top = mp.findroot(lambda g: F(g)[1] - s, mp.mpf('4.263'))
    barrier = F(top)[0] - F(g1)[0] - s * (top - g1)
    print('/* Fig. 5, c = 0.05: g1, g2, slope, g_top, barrier */')
    print('%s, %s, %s, %s, %s' % (fmt(g1), fmt(g2), fmt(s), fmt(top), fmt(barrier)))


if __name__ == '__main__':
    main()
