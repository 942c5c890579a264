# An independent float32 numpy implementation of docs/algorithm.md (dense matrix products, numpy's RNG),
# used to cross-check ptrain's accuracy. Usage: python3 vpsnn_numpy.py HIDDEN EPOCHS [SEED]
# Reads the gzip MNIST files from $PTRAIN_DATA or ../shared/data/mnist beside the repository.
import gzip, os, numpy as np, sys, time
H=int(sys.argv[1]); E=int(sys.argv[2]); seed=int(sys.argv[3]) if len(sys.argv)>3 else 1
root=os.path.dirname(os.path.abspath(__file__))
data=os.environ.get('PTRAIN_DATA') or os.path.join(root,'../../../../shared/data/mnist')
def load(name,off):
    with gzip.open(os.path.join(data,name+'.gz'),'rb') as f: return np.frombuffer(f.read(),dtype=np.uint8,offset=off)
Xtr=load('train-images-idx3-ubyte',16).reshape(-1,784)/255.0
ytr=load('train-labels-idx1-ubyte',8)
Xte=load('t10k-images-idx3-ubyte',16).reshape(-1,784)/255.0
yte=load('t10k-labels-idx1-ubyte',8)
rng=np.random.default_rng(seed)
f32=np.float32
a1=np.sqrt(6/(784+H)); a2=np.sqrt(6/(H+10))
W1=rng.uniform(-a1,a1,(784,H)).astype(f32); b1=np.zeros(H,f32)
W2=rng.uniform(-a2,a2,(H,10)).astype(f32); b2=np.zeros(10,f32)
T=20;kF=5;kP=4;eps=0.5;beta=0.5;lr=0.05;B=10
rho=lambda v: np.clip(v,0,1)
def ff(x):
    n=x.shape[0]; v=np.zeros((n,H),f32); vy=np.zeros((n,10),f32); sI=np.zeros((n,H),f32); sIy=np.zeros((n,10),f32); cnt=np.zeros((n,10),f32); rx=np.zeros_like(x,dtype=f32)
    for t in range(T):
        s=(rng.random(x.shape)<x).astype(f32); rx+=s
        I=s@W1+b1; v+=I; sI+=I; sp=(v>=1).astype(f32); v-=sp
        Iy=sp@W2+b2; vy+=Iy; sIy+=Iy; sy=(vy>=1).astype(f32); vy-=sy; cnt+=sy
    return rx/T, sI/T, rho(sI/T), rho(sIy/T), cnt
def relax(drive,h,y,b,tgt):
    Ah=drive+rho(y)@W2.T; Ay=rho(h)@W2+b2
    h2=np.clip(h+eps*(-h+((h>=0)&(h<=1))*Ah),0,1)
    d=-y+((y>=0)&(y<=1))*Ay
    if b: d=d+b*(tgt-y)
    return h2,np.clip(y+eps*d,0,1)
def evaluate(X,y):
    correct=0; correct_r=0
    for i in range(0,len(X),500):
        rx,drive,h,yy,cnt=ff(X[i:i+500])
        pred=np.argmax(cnt*1000+yy,1)  # ties by vff
        correct+=(pred==y[i:i+500]).sum()
        for _ in range(kF): h,yy=relax(drive,h,yy,0,None)
        correct_r+=(np.argmax(yy,1)==y[i:i+500]).sum()
    return correct/len(X), correct_r/len(X)
for ep in range(1,E+1):
    t0=time.time(); perm=rng.permutation(len(Xtr)); corr=0
    for i in range(0,len(perm),B):
        idx=perm[i:i+B]; x=Xtr[idx]; tgt=np.eye(10,dtype=f32)[ytr[idx]]
        rx,drive,h,yy,cnt=ff(x)
        corr+=(np.argmax(cnt*1000+yy,1)==ytr[idx]).sum()
        for _ in range(kF): h,yy=relax(drive,h,yy,0,None)
        h0,y0,h1,y1=h,yy,h,yy
        for _ in range(kP):
            h0,y0=relax(drive,h0,y0,0,None); h1,y1=relax(drive,h1,y1,beta,tgt)
        s=1/(beta*len(idx))
        W1+=lr*s*rx.T@(h1-h0); b1+=lr*s*(rho(h1)-rho(h0)).sum(0)
        W2+=lr*s*rho(h0).T@(y1-y0); b2+=lr*s*(rho(y1)-rho(y0)).sum(0)
    te=evaluate(Xte,yte)
    print(f"epoch {ep} train {corr/len(Xtr):.4f} test spike {te[0]:.4f} relaxed {te[1]:.4f} {time.time()-t0:.1f}s",flush=True)
