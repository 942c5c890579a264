import numpy as np
rho=lambda v: np.clip(v,0,1)
rhop=lambda v: ((v>=0)&(v<=1)).astype(float)
def step(W1,b1,W2,b2,pix,label,T=3,theta=1.0,kFree=2,kPos=2,eps=0.5,beta=0.5,lr1=0.05,lr2=0.05,alpha=0.0,rule='stdp',centered=False):
    x=(pix==255).astype(float)  # deterministic spikes
    H=W1.shape[1]; O=W2.shape[1]
    v=np.zeros(H); sumI=np.zeros(H); vy=np.zeros(O); sumIy=np.zeros(O); cnt=np.zeros(O)
    for t in range(T):
        I=x@W1+b1; v=v+I; sumI+=I
        s=(v>=theta).astype(float); v=v-theta*s
        Iy=s@W2+b2; vy=vy+Iy; sumIy+=Iy
        sy=(vy>=theta).astype(float); vy=vy-theta*sy; cnt+=sy
    drive=sumI/T; vffh=rho(drive); vffy=rho(sumIy/T)
    rx=x  # rates
    h=vffh.copy(); y=vffy.copy()
    def relax(h,y,b):
        Ah=drive+rho(y)@W2.T; Ay=rho(h)@W2+b2
        tgt=np.eye(O)[label]
        h2=np.clip(h+eps*(-h+rhop(h)*Ah),0,1)
        y2=np.clip(y+eps*(-y+rhop(y)*Ay+b*(tgt-y)),0,1)
        return h2,y2
    for _ in range(kFree): h,y=relax(h,y,0)
    h=alpha*vffh+(1-alpha)*h; y=alpha*vffy+(1-alpha)*y
    h0,y0=h.copy(),y.copy(); h1,y1=h.copy(),y.copy()
    for _ in range(kPos):
        h0,y0=relax(h0,y0,-beta if centered else 0); h1,y1=relax(h1,y1,beta)
    s=1/((2 if centered else 1)*beta*1)
    W1n=W1+lr1*s*np.outer(rx,h1-h0); b1n=b1+lr1*s*(rho(h1)-rho(h0))
    if rule=='stdp': W2n=W2+lr2*s*np.outer(rho(h0),y1-y0)
    else: W2n=W2+lr2*s*(np.outer(rho(h1),rho(y1))-np.outer(rho(h0),rho(y0)))
    b2n=b2+lr2*s*(rho(y1)-rho(y0))
    return dict(cnt=cnt,vffh=vffh,vffy=vffy,W1=W1n,b1=b1n,W2=W2n,b2=b2n,h0=h0,h1=h1,y0=y0,y1=y1)
W1=np.array([[0.5,-0.2,0.3],[0.9,0.9,0.9],[0.25,0.6,-0.1],[0.1,0.2,0.4]])
b1=np.array([0.1,0.0,-0.05])
W2=np.array([[0.6,-0.3,0.2],[-0.4,0.8,0.1],[0.3,0.3,-0.5]])
b2=np.array([0.0,0.1,-0.1])
pix=np.array([255,0,255,255])
np.set_printoptions(precision=8,floatmode='maxprec')
for rule,centered in [('stdp',False),('eqprop',False),('stdp',True)]:
  r=step(W1,b1,W2,b2,pix,1,rule=rule,centered=centered)
  print(rule,'centered' if centered else '')
  for k,v in r.items(): print(k, ', '.join(repr(float(z)) for z in np.ravel(v)))
