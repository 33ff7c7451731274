/* The U-net and the multigrid U-net of docs/science.md §5, read as a V-cycle on M channels:
     x_0 = E f;  level l: pre-smoothing x <- x + sigma(B_{l,s} x + b_{l,s}), s = 0..nu-1,
     restriction x_{l+1} = R_l x_l (strided convolution), coarse result w_{l+1},
     coarse correction (the long skip) w_l = x_l + P_l w_{l+1}, P_l a transposed strided conv,
     post-smoothing w <- w + sigma(C_{l,q}^T w + c_{l,q}), q = nu-1..0;   y = f + s Q^T w_0.
   unet: E, Q, B, b, C, c, R, P all independent, s = +1. mg_unet ties Q = E, P = R (so
   P_l = R_l^T) and C_{l,q} = B_{l,q}, c = b (the post-smoother is the adjoint of the
   pre-smoother, applied in reverse order): every tied pair is one parameter set, so the count is
   exactly half. mg_unet subtracts its correction, s = -1: for a linear activation and zero
   biases the tied cycle is E^T M E with M symmetric positive semidefinite, so y = (I - E^T M E) f
   has eigenvalues <= 1, the form of its targets (a semi-implicit step (I + tau A)^{-1} =
   I - tau A (I + tau A)^{-1}, A SPSD) and of the symmetric ResNet's u - tau W^T phi(W u); with
   s = +1 it could only enlarge f (docs/results.md, claim 2). unet's free Q carries its own sign.
   The same code on 1D, 2D and 3D grids: the layers dispatch on the DMDA's dimension, and the
   levels are PdennNNGridCreate(Nd)'s grids (docs/networks.md, "in d dimensions"). */
#include "nnimpl.h"

typedef struct {
  PetscInt w, b, g; /* offsets of kernel, bias, activation table (-1: none) */
} SmootherParams;

typedef struct {
  PetscInt          n; /* points on this level */
  SmootherParams   *pre, *post;       /* nu each; post[q] aliases pre[q] in mg_unet */
  PdennConvLayer   *pre_conv, *post_conv;
  PdennActivation  *pre_act, *post_act;
  PetscInt          R_off, P_off;      /* l < levels-1; P_off = R_off in mg_unet */
  PdennStridedLayer R, P;
  Vec              *x, *zx, *w, *zw;   /* tape: x[0..nu], pre-activations, w[0..nu], ... */
  Vec              *dx, *dw;           /* tape: sigma' at zx and zw */
  Vec               a, g, dz, tmp;     /* work on this level */
  Vec               gw0, h;            /* backward: dL/dw^(0), dL/dx^(0) */
} UNetLevel;

typedef struct {
  UNetLevel     *lev;
  PetscInt       E_off, Q_off; /* Q_off = E_off in mg_unet */
  PdennConvLayer E, Q;
  Vec            f, sdy;        /* saved input; s dL/dy */
} UNet;

static PetscBool Tied(PdennModel m)
{
  return (PetscBool)(m->type == PDENN_MODEL_MG_UNET);
}

/* s of y = f + s Q^T w_0 (see the top of this file) */
static PetscReal OutputSign(PdennModel m)
{
  return Tied(m) ? -1.0 : 1.0;
}

static PetscErrorCode AddSmoother(PdennModel m, const char owner[], const char kernel[], const char bias[], SmootherParams *p)
{
  const PetscInt M = m->channels;

  PetscFunctionBeginUser;
  PetscCall(PdennModelAddConv(m, owner, kernel, M, M, &p->w));
  PetscCall(PdennModelAddGroup(m, owner, bias, PDENN_GROUP_BIAS, 1, &M, &p->b));
  PetscCall(PdennModelAddActivation(m, owner, &p->g));
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetLayoutLevel(PdennModel m, PetscInt l, UNetLevel *lev)
{
  const PetscInt nu = m->smoothing_steps;
  char           owner[64], level[32];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(level, sizeof(level), "level%" PetscInt_FMT, l));
  PetscCall(PetscMalloc2(nu, &lev->pre, nu, &lev->post));
  for (PetscInt s = 0; s < nu; s++) {
    PetscCall(PetscSNPrintf(owner, sizeof(owner), "%s/%s%" PetscInt_FMT, level, Tied(m) ? "smooth" : "pre", s));
    PetscCall(AddSmoother(m, owner, "B", "b", &lev->pre[s]));
  }
  for (PetscInt q = 0; q < nu; q++) {
    PetscCall(PetscSNPrintf(owner, sizeof(owner), "%s/post%" PetscInt_FMT, level, q));
    if (Tied(m)) lev->post[q] = lev->pre[q];
    else PetscCall(AddSmoother(m, owner, "C", "c", &lev->post[q]));
  }
  lev->R_off = lev->P_off = -1;
  if (l < m->levels - 1) {
    PetscCall(PdennModelAddConv(m, level, "R", m->channels, m->channels, &lev->R_off));
    if (Tied(m)) lev->P_off = lev->R_off;
    else PetscCall(PdennModelAddConv(m, level, "P", m->channels, m->channels, &lev->P_off));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetLayout(PdennModel m)
{
  UNet *net = (UNet *)m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(m->levels, &net->lev));
  PetscCall(PdennModelAddConv(m, "lift", "E", m->channels, 1, &net->E_off));
  for (PetscInt l = 0; l < m->levels; l++) PetscCall(UNetLayoutLevel(m, l, &net->lev[l]));
  if (Tied(m)) net->Q_off = net->E_off;
  else PetscCall(PdennModelAddConv(m, "output", "Q", m->channels, 1, &net->Q_off));
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetSetUpLevel(PdennModel m, PetscInt l, UNetLevel *lev)
{
  const PetscInt nu = m->smoothing_steps, M = m->channels;
  DM             da = m->daM[l];

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc4(nu, &lev->pre_conv, nu, &lev->post_conv, nu, &lev->pre_act, nu, &lev->post_act));
  for (PetscInt s = 0; s < nu; s++) {
    PetscCall(PdennConvLayerSetUp(&lev->pre_conv[s], da, da, PdennModelConv(m, M, M, lev->pre[s].w, lev->pre[s].b)));
    PetscCall(PdennConvLayerSetUp(&lev->post_conv[s], da, da, PdennModelConv(m, M, M, lev->post[s].w, -1))); /* bias added after C^T */
    lev->pre_act[s]  = PdennModelActivation(m, lev->pre[s].g);
    lev->post_act[s] = PdennModelActivation(m, lev->post[s].g);
  }
  if (l < m->levels - 1) {
    PetscCall(PdennStridedLayerSetUp(&lev->R, da, da, m->daM[l + 1], PdennModelConv(m, M, M, lev->R_off, -1)));
    PetscCall(PdennStridedLayerSetUp(&lev->P, da, da, m->daM[l + 1], PdennModelConv(m, M, M, lev->P_off, -1)));
  }
  PetscCall(DMCreateGlobalVector(da, &lev->a));
  PetscCall(VecDuplicateVecs(lev->a, nu + 1, &lev->x));
  PetscCall(VecDuplicateVecs(lev->a, nu + 1, &lev->w));
  PetscCall(VecDuplicateVecs(lev->a, nu, &lev->zx));
  PetscCall(VecDuplicateVecs(lev->a, nu, &lev->zw));
  PetscCall(VecDuplicateVecs(lev->a, nu, &lev->dx));
  PetscCall(VecDuplicateVecs(lev->a, nu, &lev->dw));
  PetscCall(VecDuplicate(lev->a, &lev->g));
  PetscCall(VecDuplicate(lev->a, &lev->dz));
  PetscCall(VecDuplicate(lev->a, &lev->tmp));
  PetscCall(VecDuplicate(lev->a, &lev->gw0));
  PetscCall(VecDuplicate(lev->a, &lev->h));
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetSetUp(PdennModel m)
{
  UNet *net = (UNet *)m->data;

  PetscFunctionBeginUser;
  for (PetscInt l = 0; l < m->levels; l++) PetscCall(UNetSetUpLevel(m, l, &net->lev[l]));
  PetscCall(PdennConvLayerSetUp(&net->E, m->da1[0], m->daM[0], PdennModelConv(m, 1, m->channels, net->E_off, -1)));
  PetscCall(PdennConvLayerSetUp(&net->Q, m->da1[0], m->daM[0], PdennModelConv(m, 1, m->channels, net->Q_off, -1)));
  PetscCall(DMCreateGlobalVector(m->da1[0], &net->f));
  PetscCall(DMCreateGlobalVector(m->da1[0], &net->sdy));
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetDestroyLevel(PdennModel m, PetscInt l, UNetLevel *lev)
{
  const PetscInt nu = m->smoothing_steps;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; lev->pre_conv && s < nu; s++) {
    PetscCall(PdennConvLayerDestroy(&lev->pre_conv[s]));
    PetscCall(PdennConvLayerDestroy(&lev->post_conv[s]));
  }
  if (lev->pre_conv && l < m->levels - 1) {
    PetscCall(PdennStridedLayerDestroy(&lev->R));
    PetscCall(PdennStridedLayerDestroy(&lev->P));
  }
  PetscCall(PetscFree4(lev->pre_conv, lev->post_conv, lev->pre_act, lev->post_act));
  PetscCall(PetscFree2(lev->pre, lev->post));
  if (lev->x) PetscCall(VecDestroyVecs(nu + 1, &lev->x));
  if (lev->w) PetscCall(VecDestroyVecs(nu + 1, &lev->w));
  if (lev->zx) PetscCall(VecDestroyVecs(nu, &lev->zx));
  if (lev->zw) PetscCall(VecDestroyVecs(nu, &lev->zw));
  if (lev->dx) PetscCall(VecDestroyVecs(nu, &lev->dx));
  if (lev->dw) PetscCall(VecDestroyVecs(nu, &lev->dw));
  PetscCall(VecDestroy(&lev->a));
  PetscCall(VecDestroy(&lev->g));
  PetscCall(VecDestroy(&lev->dz));
  PetscCall(VecDestroy(&lev->tmp));
  PetscCall(VecDestroy(&lev->gw0));
  PetscCall(VecDestroy(&lev->h));
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetDestroy(PdennModel m)
{
  UNet *net = (UNet *)m->data;

  PetscFunctionBeginUser;
  if (!net) PetscFunctionReturn(0);
  for (PetscInt l = 0; net->lev && l < m->levels; l++) PetscCall(UNetDestroyLevel(m, l, &net->lev[l]));
  PetscCall(PetscFree(net->lev));
  if (net->f) {
    PetscCall(PdennConvLayerDestroy(&net->E));
    PetscCall(PdennConvLayerDestroy(&net->Q));
  }
  PetscCall(VecDestroy(&net->f));
  PetscCall(VecDestroy(&net->sdy));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(0);
}

#define GRAD(dtheta, off) ((dtheta) && (off) >= 0 ? (dtheta) + (off) : NULL)

/* x[s+1] = x[s] + sigma(B_s x[s] + b_s) */
static PetscErrorCode PreSmooth(UNetLevel *lev, PetscInt nu)
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < nu; s++) {
    PetscCall(PdennConvLayerForward(&lev->pre_conv[s], lev->x[s], lev->zx[s]));
    PetscCall(PdennActivationForwardVec(&lev->pre_act[s], lev->zx[s], lev->a, lev->dx[s]));
    PetscCall(VecWAXPY(lev->x[s + 1], 1.0, lev->a, lev->x[s]));
  }
  PetscFunctionReturn(0);
}

/* w[j+1] = w[j] + sigma(C_q^T w[j] + c_q), q = nu-1-j: the reverse order of the pre-smoothers */
static PetscErrorCode PostSmooth(PdennModel m, UNetLevel *lev, PetscInt nu)
{
  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < nu; j++) {
    const PetscInt q = nu - 1 - j;
    PetscCall(PdennConvLayerAdjoint(&lev->post_conv[q], lev->w[j], lev->zw[j]));
    PetscCall(PdennChannelBiasAdd(lev->zw[j], m->channels, m->theta + lev->post[q].b));
    PetscCall(PdennActivationForwardVec(&lev->post_act[q], lev->zw[j], lev->a, lev->dw[j]));
    PetscCall(VecWAXPY(lev->w[j + 1], 1.0, lev->a, lev->w[j]));
  }
  PetscFunctionReturn(0);
}

/* lev->g = dL/dw[nu] on entry; lev->gw0 = dL/dw[0] on return */
static PetscErrorCode PostSmoothBackward(PdennModel m, UNetLevel *lev, PetscInt nu, PetscReal dtheta[])
{
  PetscFunctionBeginUser;
  for (PetscInt j = nu - 1; j >= 0; j--) {
    const PetscInt q = nu - 1 - j;
    PetscCall(VecCopy(lev->g, lev->dz));
    PetscCall(PdennActivationBackwardVec(&lev->post_act[q], lev->zw[j], lev->dw[j], lev->dz, GRAD(dtheta, lev->post[q].g)));
    if (dtheta) {
      PetscCall(PdennChannelBiasGrad(lev->dz, m->channels, dtheta + lev->post[q].b));
      PetscCall(PdennConvLayerWeightGrad(&lev->post_conv[q], lev->dz, lev->w[j], dtheta + lev->post[q].w, NULL)); /* <w, C dz> */
    }
    PetscCall(PdennConvLayerForward(&lev->post_conv[q], lev->dz, lev->tmp)); /* (C^T)^T dz */
    PetscCall(VecAXPY(lev->g, 1.0, lev->tmp));
  }
  PetscCall(VecCopy(lev->g, lev->gw0));
  PetscFunctionReturn(0);
}

/* lev->g = dL/dx[nu] on entry; lev->h = dL/dx[0] on return */
static PetscErrorCode PreSmoothBackward(UNetLevel *lev, PetscInt nu, PetscReal dtheta[])
{
  PetscFunctionBeginUser;
  for (PetscInt s = nu - 1; s >= 0; s--) {
    PetscCall(VecCopy(lev->g, lev->dz));
    PetscCall(PdennActivationBackwardVec(&lev->pre_act[s], lev->zx[s], lev->dx[s], lev->dz, GRAD(dtheta, lev->pre[s].g)));
    PetscCall(PdennConvLayerBackward(&lev->pre_conv[s], lev->x[s], lev->dz, lev->tmp, GRAD(dtheta, lev->pre[s].w), GRAD(dtheta, lev->pre[s].b)));
    PetscCall(VecAXPY(lev->g, 1.0, lev->tmp));
  }
  PetscCall(VecCopy(lev->g, lev->h));
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetForward(PdennModel m, Vec x, Vec y)
{
  UNet          *net = (UNet *)m->data;
  UNetLevel     *lev = net->lev;
  const PetscInt nu  = m->smoothing_steps, L = m->levels;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(x, net->f));
  PetscCall(PdennConvLayerForward(&net->E, net->f, lev[0].x[0]));
  for (PetscInt l = 0; l < L; l++) { /* down: smoothing and restriction */
    PetscCall(PreSmooth(&lev[l], nu));
    if (l < L - 1) PetscCall(PdennStridedLayerRestrict(&lev[l].R, lev[l].x[nu], lev[l + 1].x[0]));
  }
  for (PetscInt l = L - 1; l >= 0; l--) { /* up: coarse-grid correction and smoothing */
    if (l < L - 1) {
      PetscCall(PdennStridedLayerProlong(&lev[l].P, lev[l + 1].w[nu], lev[l].tmp));
      PetscCall(VecWAXPY(lev[l].w[0], 1.0, lev[l].tmp, lev[l].x[nu]));
    } else PetscCall(VecCopy(lev[l].x[nu], lev[l].w[0]));
    PetscCall(PostSmooth(m, &lev[l], nu));
  }
  PetscCall(PdennConvLayerAdjoint(&net->Q, lev[0].w[nu], y));
  PetscCall(VecAYPX(y, OutputSign(m), net->f)); /* y = f + s Q^T w_0 */
  PetscFunctionReturn(0);
}

static PetscErrorCode UNetBackward(PdennModel m, Vec dy, Vec dx, PetscReal dtheta[])
{
  UNet          *net = (UNet *)m->data;
  UNetLevel     *lev = net->lev;
  const PetscInt nu  = m->smoothing_steps, L = m->levels;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(dy, net->sdy));
  PetscCall(VecScale(net->sdy, OutputSign(m)));
  PetscCall(PdennConvLayerForward(&net->Q, net->sdy, lev[0].g));
  if (dtheta) PetscCall(PdennConvLayerWeightGrad(&net->Q, net->sdy, lev[0].w[nu], dtheta + net->Q_off, NULL));
  for (PetscInt l = 0; l < L; l++) { /* the up sweep backwards: post-smoothers, P^T */
    PetscCall(PostSmoothBackward(m, &lev[l], nu, dtheta));
    if (l == L - 1) break;
    PetscCall(PdennStridedLayerRestrict(&lev[l].P, lev[l].gw0, lev[l + 1].g));
    if (dtheta) PetscCall(PdennStridedLayerWeightGrad(&lev[l].P, lev[l].gw0, lev[l + 1].w[nu], dtheta + lev[l].P_off));
  }
  for (PetscInt l = L - 1; l >= 0; l--) { /* the down sweep backwards: R^T, pre-smoothers */
    PetscCall(VecCopy(lev[l].gw0, lev[l].g));
    if (l < L - 1) {
      PetscCall(PdennStridedLayerProlong(&lev[l].R, lev[l + 1].h, lev[l].tmp));
      PetscCall(VecAXPY(lev[l].g, 1.0, lev[l].tmp));
      if (dtheta) PetscCall(PdennStridedLayerWeightGrad(&lev[l].R, lev[l].x[nu], lev[l + 1].h, dtheta + lev[l].R_off));
    }
    PetscCall(PreSmoothBackward(&lev[l], nu, dtheta));
  }
  if (dtheta) PetscCall(PdennConvLayerWeightGrad(&net->E, net->f, lev[0].h, dtheta + net->E_off, NULL));
  if (dx) {
    PetscCall(PdennConvLayerAdjoint(&net->E, lev[0].h, dx));
    PetscCall(VecAXPY(dx, 1.0, dy));
  }
  PetscFunctionReturn(0);
}

/* Smoother kernels at half the generic scale: 2 nu levels residual updates start gently. */
static PetscErrorCode UNetInitRandom(PdennModel m, PetscInt seed)
{
  UNet          *net = (UNet *)m->data;
  const PetscInt n   = m->channels * m->channels * PetscPowInt(2 * m->radius + 1, m->dim);

  PetscFunctionBeginUser;
  (void)seed;
  for (PetscInt l = 0; l < m->levels; l++)
    for (PetscInt s = 0; s < m->smoothing_steps; s++) {
      for (PetscInt i = 0; i < n; i++) m->theta[net->lev[l].pre[s].w + i] *= 0.5;
      if (!Tied(m))
        for (PetscInt i = 0; i < n; i++) m->theta[net->lev[l].post[s].w + i] *= 0.5;
    }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelCreate_UNet(PdennModel m)
{
  UNet *net;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&net));
  m->data            = net;
  m->ops.layout      = UNetLayout;
  m->ops.setup       = UNetSetUp;
  m->ops.destroy     = UNetDestroy;
  m->ops.forward     = UNetForward;
  m->ops.backward    = UNetBackward;
  m->ops.init_random = UNetInitRandom;
  m->ops.nd          = PETSC_TRUE; /* the layers read the dimension from the DMDAs */
  PetscFunctionReturn(0);
}
