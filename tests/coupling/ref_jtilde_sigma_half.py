#!/usr/bin/env python3
"""Reference J~(k) of isotropic elastic tensors for test_coupling_physics.c
(test_isotropic_jtilde_keeps_full_accuracy_as_sigma_to_half): the generic definition
J~ = Q^T M^{1/2} D^T Gamma^{-1} D M^{1/2} Q evaluated with mpmath at 60 digits. Run: python3 ref_jtilde_sigma_half.py"""
import mpmath as mp
mp.mp.dps = 60
def jtilde(lam, mu, kv):
    lam=mp.mpf(lam) if not isinstance(lam, mp.mpf) else lam; mu=mp.mpf(mu)
    C = mp.zeros(6,6)
    for a in range(3):
        for b in range(3): C[a,b]=lam
        C[a,a]=lam+2*mu; C[a+3,a+3]=mu
    F=[1,1,1,mp.sqrt(2),mp.sqrt(2),mp.sqrt(2)]
    M=mp.matrix(6,6)
    for a in range(6):
        for b in range(6): M[a,b]=F[a]*C[a,b]*F[b]
    E,V=mp.eigsy(M)
    Ms=V*mp.diag([mp.sqrt(e) for e in E])*V.T
    s3=1/mp.sqrt(3); s2=1/mp.sqrt(2); s6=1/mp.sqrt(6)
    Q=mp.zeros(6,6)
    for a in range(3): Q[a,0]=s3
    Q[0,1]=s2;Q[1,1]=-s2;Q[0,2]=s6;Q[1,2]=s6;Q[2,2]=-2*s6;Q[3,3]=Q[4,4]=Q[5,5]=1
    k=[mp.mpf(x) for x in kv]; n=mp.sqrt(sum(x*x for x in k)); k=[x/n for x in k]
    r=1/mp.sqrt(2)
    Dt=mp.zeros(6,3)
    for i in range(3): Dt[i,i]=k[i]
    Dt[3,1]=r*k[2];Dt[3,2]=r*k[1];Dt[4,2]=r*k[0];Dt[4,0]=r*k[2];Dt[5,0]=r*k[1];Dt[5,1]=r*k[0]
    Y=Q.T*Ms*Dt
    G=Dt.T*M*Dt
    return Y*mp.inverse(G)*Y.T
import sys
for lam,mu in [(5e9,1.0),(2.0,1.0),(1e13,1.0)]:
    J=jtilde(lam,mu,[0.3,-0.5,0.8])
    print("/* lambda=%g mu=%g */ {"%(lam,mu) + ", ".join(mp.nstr(J[i,j],20) for i in range(6) for j in range(6)) + "},")
# sigma -> -1: bulk modulus K = 1e-10 (the double nearest 1e-10, exactly), mu = 1, lambda = K - 2/3 exactly
K = mp.mpf(1e-10)
J=jtilde(K - mp.mpf(2)/3, 1.0, [0.3,-0.5,0.8])
print("/* K=1e-10 mu=1 */ {" + ", ".join(mp.nstr(J[i,j],20) for i in range(6) for j in range(6)) + "},")
