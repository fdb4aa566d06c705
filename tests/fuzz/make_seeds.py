#!/usr/bin/env python3
"""Write the seed corpora of the API fuzzers (tests/fuzz/corpus/<harness>/seed-*).

The harnesses read their input as a little program (fuzz_common.h): a byte picks an entry point and
its arguments follow. Each seed here is one meaningful program (valid physics first, then all queries),
so a short CI run starts from inputs that already reach deep into every module. Re-run after changing
a harness's input layout:  python3 tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def u8(v):
    return bytes([v & 0xFF])


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def rng(v, lo):
    """fz_range(lo, hi) returning v."""
    return u32(v - lo)


def d(x):
    """fz_double: tag 0 = raw IEEE bits (big-endian)."""
    return u8(0) + struct.pack(">d", x)


def ds(*xs):
    return b"".join(d(x) for x in xs)


def write(harness, seeds):
    out = os.path.join(HERE, "corpus", harness)
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    for i, s in enumerate(seeds):
        with open(os.path.join(out, "seed-%02d" % i), "wb") as fh:
            fh.write(s)


def elastic():
    ops = (u8(0) + u8(1) + u8(2) + u8(3) + u8(4) + u8(5) + u8(6) + u8(7) + rng(3, -1) + u8(8) + d(2.7)
           + u8(9) + ds(1, 2, 3) + u8(10) + ds(1e-3, 2e-4, 0, 2e-4, -1e-3, 0, 0, 0, 5e-4)
           + u8(11) + ds(1, 0.5, 0, 0, 0, 0.1) + u8(12) + u8(13) + ds(1, 2, 3, 2, 5, 6, 3, 6, 9))
    general = ds(3.0, 1.0) + u8(7) + u8(1) + ds(*([1.0] * 15))
    return [
        ds(1.0, 1.0) + u8(0) + ops,                       # Lamé
        ds(2.0, 1.0) + u8(1) + ops,                       # bulk/shear
        ds(70.0, 0.35) + u8(2) + ops,                     # Young/Poisson
        ds(0.25, 30.0) + u8(3) + ops,                     # Poisson/shear
        ds(2.0, 1.0) + u8(4) + ops,                       # sound ratio
        ds(3.0, 1.5) + u8(5) + d(2.0) + ops,              # cubic
        ds(5.0, 1.0) + u8(6) + ds(1.5, 4.0, 1.2) + ops,   # hexagonal
        general + ops,                                    # general 6×6
    ]


def coupling():
    q = (u8(0) + ds(1, 0, 0) + u8(1) + u8(2) + u8(3) + ds(0, 0, 1) + u8(4) + u8(5) + ds(1, 1, 0)
         + u8(6) + ds(0, 1, 1) + u8(7) + d(1e-6) + u8(8) + ds(1e200, 0, 0))
    free = (ds(2.0, 1.0) + u8(0) + ds(2.0, 1.0) + u8(1) + ds(0.3, 0) + u8(2) + ds(2.0, 0) + u8(3)
            + d(1e-8) + d(0) + u8(4) + rng(3, -1) + ds(*([1.0] * 16)) + u8(1))
    return [
        u8(0) + free,
        u8(1) + q,                                        # dipolar
        u8(2) + ds(2.0, 1.0, 0) + u8(0) + d(1e-8) + q,   # isotropic
        u8(2) + ds(3.0, 1.5, 2.0) + u8(1) + d(1e-6) + q,  # cubic
        u8(2) + ds(5.0, 1.0, 1.5) + u8(2) + ds(4.0, 1.2) + d(1e-6) + q,  # hexagonal
    ]


def meanfield():
    def ops(T):
        return (u8(0) + rng(0, -1) + d(1e-12) + u8(1) + u8(2) + u8(3) + d(T) + u8(4) + d(T)
                + u8(5) + d(T) + u8(6) + d(T)
                + u8(7) + rng(2, 0) + rng(2, 0) + d(T) + ds(0, 0.5, 1, 2) + ds(0, 0.5, 1, 2)
                + u8(9) + rng(2, 0) + rng(2, 0) + d(1.0) + ds(0.1, 0.9, 2) + ds(0.5, 2, 1))
    prof = (u8(8) + d(0.2) + ds(0.0, 0.01) + u8(1) + u8(1)
            + u8(0) + d(2.0) + u8(1) + d(3.0) + u8(2) + u8(3))
    prof2 = (u8(8) + d(-0.1) + ds(0.0, 0.0) + u8(1) + u8(0) + u8(4) + u8(5))
    osc = b"".join(u8(10) + rng(6, -1) + ds(1.0, 1.0, 2.0, 3.0) + u8(k) for k in range(8))
    return [
        u8(1) + ds(1.0, 0.5) + ops(0.1) + prof + osc,              # compression ordered
        u8(1) + ds(0.5, 1.0) + ops(0.05) + prof2,                  # shear ordered
        u8(0) + rng(6, -1) + ds(1, 2, 2, 2, 2, 2, 0, 0) + u8(1) + ops(0.2),  # explicit couplings
        u8(2) + u8(1) + d(1.0) + ops(0.1) + prof,                  # from the dipolar coupling
        u8(2) + u8(0) + d(1.0) + ops(0.3) + osc,                   # from an isotropic elastic coupling
    ]


def lattice():
    def spins(v):
        return ds(*v) + u8(1) + u32(0) + d(0.5)

    ops = (u8(0) + u8(1) + u8(2) + u8(3) + u8(8) + u8(9) + u8(10) + u8(11) + u8(12)
           + u8(6) + u32(0) + u32(1) + u8(13) + u32(1) + ds(0, 1, 0, 0, 0, 0) + u8(1)
           + u8(14) + rng(1, -1) + rng(0, -1) + rng(0, -1) + u8(1) + u8(15) + u8(16)
           + u8(5) + ds(*([0.1] * 36)) + u8(1) + u8(4) + ds(*([0.2] * 36)) + u8(1) + u8(9))
    L2 = rng(2, -1) * 3
    # flags: 1 elastic coupling, 2 fuzzed ncomp, 4 options, 8 cubic preset, 16 raw cell, 32 shears, 64 raw frac
    sc = u8(8) + L2 + rng(1, 0) + d(1.0) + spins([1, 0, 0, 0, 0, 0]) + ops
    fcc = u8(8 | 1) + L2 + rng(3, 0) + d(2.0) + spins([0.3, 0.2, 0.1, 0.4, 0.5, 0.6]) + ops
    bcc_opts = (u8(8 | 4) + L2 + u8(3) + rng(1, 0) + d(1e-10) + rng(2, 0) + d(1.5) + rng(3, 0) + d(1)
                + rng(2, 0) + d(1.0) + spins([0, 0, 1, 0, 0, 0]) + ops)
    tri = (u8(16) + rng(2, -1) + rng(1, -1) + rng(3, -1) + rng(2, -1)
           + ds(1.0, 0.1, 0.0, 0.0, 1.2, 0.2, 0.1, 0.0, 0.9)
           + rng(0, 0) + rng(0, 0) + rng(0, 0) + rng(4, 0) + rng(4, 0) + rng(4, 0) + rng(0, 0) * 6
           + spins([1, 1, 0, 0, 0, 0]) + ops)
    opn = (u8(4 | 1) + L2 + u8(1) + rng(3, 0) + d(1) + rng(1, -1) + ds(1.0) + rng(0, 0) * 12
           + spins([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) + ops)
    huge = u8(0x80) + (u8(1) + u8(14)) * 3 + rng(1, -1) + d(1.0) + rng(0, 0) * 12  # L = INT_MAX³: refuse
    return [sc, fcc, bcc_opts, tri, opn, huge]


write("fuzz_elastic", elastic())
write("fuzz_coupling", coupling())
write("fuzz_meanfield", meanfield())
write("fuzz_lattice", lattice())
