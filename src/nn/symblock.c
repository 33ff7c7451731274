/* The symmetric residual block y = u - tau W^T phi(W u) of docs/science.md §2 with its backward pass.
   The forward pass is op.h's PdennSymStepApply, the very routine of the explicit scheme; the
   backward pass uses the same convolution, adjoint and weight-gradient kernels. On 2D/3D DMDAs
   (docs/networks.md "Symmetric models in d dimensions") W is op.h's PdennConvNd and phi the
   isotropic group activation (groupact.c) on groups of d channels, with J(z) in the backward pass. */
#include <pdenn/nn.h>

/* dim > 1: W as op.h's d-dimensional convolution and the work vectors of both passes */
static PetscErrorCode NdSetUp(PdennSymBlock *blk, DM da_u, DM da_z)
{
  PetscFunctionBeginUser;
  PetscCheck(blk->conv.c_out % blk->dim == 0, PetscObjectComm((PetscObject)da_u), PDENN_ERR_INPUT, "key -channels: %" PetscInt_FMT " channels on a %" PetscInt_FMT "D grid; expected a multiple of %" PetscInt_FMT " (the group activation acts on groups of d channels)", blk->conv.c_out, blk->dim, blk->dim);
  PetscCall(PdennConvNdSetUp(&blk->Wnd, da_u, da_z, blk->conv.radius, 1, blk->conv.bc, blk->conv.w, NULL));
  PetscCall(DMCreateGlobalVector(da_u, &blk->s));
  PetscCall(DMCreateGlobalVector(da_z, &blk->q));
  PetscCall(DMCreateGlobalVector(da_z, &blk->a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockSetUp(PdennSymBlock *blk, DM da_u, DM da_z, PdennConv1d conv, PdennActivation act)
{
  PdennActivationFn fn;
  void             *ctx;

  PetscFunctionBeginUser;
  PetscCheck(!conv.b, PETSC_COMM_SELF, PETSC_ERR_SUP, "the symmetric block has no bias");
  PetscCall(DMGetDimension(da_u, &blk->dim));
  blk->conv = conv;
  blk->act  = act; /* the step's activation context points into *blk: set up blocks in place */
  if (blk->dim > 1) {
    PetscCall(NdSetUp(blk, da_u, da_z));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennActivationGetFn(&blk->act, &fn, &ctx));
  PetscCall(PdennSymStepSetUp(&blk->step, da_u, da_z, conv, fn, ctx));
  blk->step.act_pointwise = PdennActivationTableApply; /* g(|s|) s: the sweep may block it */
  PetscFunctionReturn(0);
}

/* The unfused backward's layer and work vectors, made on its first use (the one-pass backward
   of a fixed activation with phi, phi' on the tape needs none of them) */
static PetscErrorCode UnfusedSetUp(PdennSymBlock *blk)
{
  PetscFunctionBeginUser;
  if (blk->q) PetscFunctionReturn(0);
  PetscCall(PdennConvLayerSetUp(&blk->W, blk->step.da_u, blk->step.da_z, blk->step.conv));
  PetscCall(DMCreateGlobalVector(blk->step.da_u, &blk->s));
  PetscCall(DMCreateGlobalVector(blk->step.da_z, &blk->q));
  PetscCall(DMCreateGlobalVector(blk->step.da_z, &blk->a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockDestroy(PdennSymBlock *blk)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStepDestroy(&blk->step));
  if (blk->dim > 1)
    PetscCall(PdennConvNdDestroy(&blk->Wnd));
  else if (blk->q)
    PetscCall(PdennConvLayerDestroy(&blk->W));
  PetscCall(VecDestroy(&blk->s));
  PetscCall(VecDestroy(&blk->q));
  PetscCall(VecDestroy(&blk->a));
  PetscFunctionReturn(0);
}

/* a = phi(z) on the local groups of d channels (a may be z); if gc != NULL (a tape's dphi) it
   receives the group scalars g, g'(|z|)/|z| for the backward pass (groupact.c), from the same
   single evaluation of the activation */
static PetscErrorCode NdActivation(PdennSymBlock *blk, Vec z, Vec a, Vec gc)
{
  const PetscReal *za;
  PetscReal       *aa, *ga;
  PetscInt         m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(z, &m));
  PetscCall(VecGetArrayRead(z, &za));
  PetscCall(VecGetArray(a, &aa));
  if (gc) {
    PetscCall(VecGetArray(gc, &ga));
    PetscCall(PdennGroupActivationApplySave(&blk->act, blk->dim, m / blk->dim, za, aa, ga));
    PetscCall(VecRestoreArray(gc, &ga));
  } else
    PetscCall(PdennGroupActivationApply(&blk->act, blk->dim, m / blk->dim, za, aa));
  PetscCall(VecRestoreArray(a, &aa));
  PetscCall(VecRestoreArrayRead(z, &za));
  PetscFunctionReturn(0);
}

/* dim > 1: z = W u, a = phi(z), r = W^T a in the tape's vectors where given, work vectors else;
   gc (may be NULL) the group scalars for the backward pass */
static PetscErrorCode NdResidual(PdennSymBlock *blk, Vec u, Vec r, Vec z, Vec a, Vec gc)
{
  PetscFunctionBeginUser;
  if (!z) z = blk->q;
  if (!a) a = blk->a;
  PetscCall(PdennConvNdForward(&blk->Wnd, u, z));
  PetscCall(NdActivation(blk, z, a, gc));
  PetscCall(PdennConvNdAdjoint(&blk->Wnd, a, r));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockResidual(PdennSymBlock *blk, Vec u, Vec r, Vec z_save)
{
  PetscFunctionBeginUser;
  if (blk->dim > 1)
    PetscCall(NdResidual(blk, u, r, z_save, NULL, NULL));
  else
    PetscCall(PdennSymStepResidual(&blk->step, u, r, z_save));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockForward(PdennSymBlock *blk, PetscReal tau, Vec u, Vec y, const PdennSymStepTape *tape)
{
  PetscFunctionBeginUser;
  if (blk->dim > 1) {
    Vec r = tape && tape->r ? tape->r : blk->s;
    PetscCall(NdResidual(blk, u, r, tape ? tape->z : NULL, tape ? tape->phi : NULL, tape && tape->phi ? tape->dphi : NULL));
    PetscCall(VecWAXPY(y, -tau, r, u));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennSymStepApplySave(&blk->step, tau, u, y, tape));
  PetscFunctionReturn(0);
}

/* Local dot product over this rank's points: dtheta holds per-rank partial sums (nn.h). */
static PetscErrorCode LocalDot(Vec x, Vec y, PetscReal *dot)
{
  const PetscReal *xa, *ya;
  PetscInt         m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(x, &m));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayRead(y, &ya));
  *dot = 0.0;
  for (PetscInt i = 0; i < m; i++) *dot += xa[i] * ya[i];
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayRead(y, &ya));
  PetscFunctionReturn(0);
}

/* q = dL/dz = phi'(z) (W s) in place, with phi'(z) from the tape or evaluated now (then phi(z)
   goes to blk->a); the table gradient (dL/dphi = W s) to dg when z is on the tape (a fixed
   activation has none). *a is the vector holding phi(z). */
static PetscErrorCode ActivationBackward(PdennSymBlock *blk, const PdennSymStepTape *tape, PetscReal dg[], Vec *a)
{
  PetscReal       *qa, *dphi = NULL;
  const PetscReal *za = NULL, *da;
  PetscInt         m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(blk->q, &m));
  PetscCall(VecGetArray(blk->q, &qa));
  if (tape->phi && tape->dphi) {
    *a = tape->phi;
    PetscCall(VecGetArrayRead(tape->dphi, &da));
    if (tape->z) PetscCall(VecGetArrayRead(tape->z, &za));
  } else {
    PetscReal *aa;
    *a = blk->a;
    PetscCall(VecGetArrayRead(tape->z, &za));
    PetscCall(PetscMalloc1(m, &dphi));
    PetscCall(VecGetArray(blk->a, &aa));
    PetscCall(PdennActivationApply(&blk->act, m, za, aa, dphi));
    PetscCall(VecRestoreArray(blk->a, &aa));
    da = dphi;
  }
  if (tape->z) PetscCall(PdennActivationParamGrad(&blk->act, m, za, qa, dg));
  for (PetscInt i = 0; i < m; i++) qa[i] *= da[i];
  if (dphi)
    PetscCall(PetscFree(dphi));
  else
    PetscCall(VecRestoreArrayRead(tape->dphi, &da));
  PetscCall(VecRestoreArray(blk->q, &qa));
  if (tape->z) PetscCall(VecRestoreArrayRead(tape->z, &za));
  PetscFunctionReturn(0);
}

/* With s = -tau dy and a = phi(z): L depends on the block through <dy, skip u> + <W s, a>, so
   dL/dz = phi'(z) (W s), dw = grad<W s, a> + grad<dL/dz, W u>, du = skip dy + W^T dL/dz: in one
   pass (op.h's PdennSymStepBackward) for a fixed activation with phi, phi' on the tape, else
   layer by layer (the trainable table's gradient needs z and W s). */
/* dim > 1, q = W s: the table gradient (dL/dphi = q), then q <- J(z) q in place (J symmetric),
   from the forward pass's group scalars gc when the tape has them (no activation evaluated) */
static PetscErrorCode NdActivationBackward(PdennSymBlock *blk, Vec z, Vec gc, PetscReal dg[])
{
  const PetscReal *za, *ga;
  PetscReal       *qa;
  PetscInt         m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(z, &m));
  PetscCall(VecGetArrayRead(z, &za));
  PetscCall(VecGetArray(blk->q, &qa));
  PetscCall(PdennGroupActivationParamGrad(&blk->act, blk->dim, m / blk->dim, za, qa, dg));
  if (gc) {
    PetscCall(VecGetArrayRead(gc, &ga));
    PetscCall(PdennGroupActivationJVPSaved(blk->dim, m / blk->dim, za, ga, qa));
    PetscCall(VecRestoreArrayRead(gc, &ga));
  } else
    PetscCall(PdennGroupActivationJVP(&blk->act, blk->dim, m / blk->dim, za, qa, qa));
  PetscCall(VecRestoreArray(blk->q, &qa));
  PetscCall(VecRestoreArrayRead(z, &za));
  PetscFunctionReturn(0);
}

/* dim > 1, as the unfused 1D pass below with the group Jacobian: s = -tau dy, q = W s,
   dw += grad<W s, phi(z)>, q <- J(z) q = dL/dz, dw += grad<q, W u>, du = skip dy + W^T q */
static PetscErrorCode NdBackward(PdennSymBlock *blk, PetscReal tau, Vec u, const PdennSymStepTape *tape, Vec dy, PetscReal skip, Vec du, PetscReal dw[], PetscReal dg[])
{
  Vec a = tape->phi, gc = tape->phi ? tape->dphi : NULL; /* the group scalars come with phi */

  PetscFunctionBeginUser;
  PetscCheck(tape->z, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "the d-dimensional backward pass needs z on the tape");
  if (!a) {
    a = blk->a;
    PetscCall(NdActivation(blk, tape->z, a, NULL));
  }
  PetscCall(VecAXPBY(blk->s, -tau, 0.0, dy));
  PetscCall(PdennConvNdForward(&blk->Wnd, blk->s, blk->q));
  if (dw) PetscCall(PdennConvNdWeightGrad(&blk->Wnd, blk->s, a, dw, NULL));
  PetscCall(NdActivationBackward(blk, tape->z, gc, dg));
  if (dw) PetscCall(PdennConvNdWeightGrad(&blk->Wnd, u, blk->q, dw, NULL));
  PetscCall(PdennConvNdAdjoint(&blk->Wnd, blk->q, du));
  if (skip != 0.0) PetscCall(VecAXPY(du, skip, dy));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockBackward(PdennSymBlock *blk, PetscReal tau, Vec u, const PdennSymStepTape *tape, Vec dy, PetscReal skip, Vec du, PetscReal dw[], PetscReal *dtau, PetscReal dg[])
{
  PetscReal dot = 0.0;
  Vec       a   = NULL;

  PetscFunctionBeginUser;
  PetscCheck(du != dy, PETSC_COMM_SELF, PETSC_ERR_ARG_IDN, "du and dy must be different vectors");
  PetscCheck(tape->r && (tape->z || (tape->phi && tape->dphi && blk->act.type != PDENN_ACTIVATION_TRAINABLE)), PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "the backward pass needs r and z (or phi, phi' of a fixed activation) on the tape");
  PetscCall(LocalDot(dy, tape->r, &dot)); /* one call site: the 1D dtau keeps its bits (inlined as before) */
  if (dtau) *dtau -= dot;
  if (blk->dim > 1) {
    PetscCall(NdBackward(blk, tau, u, tape, dy, skip, du, dw, dg));
    PetscFunctionReturn(0);
  }
  if (tape->phi && tape->dphi && blk->act.type != PDENN_ACTIVATION_TRAINABLE && (skip == 0.0 || skip == 1.0)) {
    PetscCall(PdennSymStepBackward(&blk->step, tau, u, tape, dy, skip, du, dw));
    PetscFunctionReturn(0);
  }
  PetscCall(UnfusedSetUp(blk));
  PetscCall(VecAXPBY(blk->s, -tau, 0.0, dy));
  PetscCall(PdennConvLayerForward(&blk->W, blk->s, blk->q));
  PetscCall(ActivationBackward(blk, tape, dg, &a)); /* q becomes dL/dz */
  if (dw) {
    PetscCall(PdennConvLayerWeightGrad(&blk->W, blk->s, a, dw, NULL));
    PetscCall(PdennConvLayerWeightGrad(&blk->W, u, blk->q, dw, NULL));
  }
  PetscCall(PdennConvLayerAdjoint(&blk->W, blk->q, du));
  if (skip != 0.0) PetscCall(VecAXPY(du, skip, dy));
  PetscFunctionReturn(0);
}

/* x(p)[c] by natural index, so every rank layout starts the power iteration from the same vector */
static PetscErrorCode PowerIterationStart(DM da, Vec x)
{
  PetscInt   M[3], dof, s[3], m[3], i = 0;
  PetscReal *xa;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, &M[0], &M[1], NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++)
      for (PetscInt p = s[0]; p < s[0] + m[0]; p++)
        for (PetscInt c = 0; c < dof; c++, i++) xa[i] = PetscSinReal(1.7 * (p + M[0] * (y + M[1] * z)) + 0.3 * c + 0.1) + 0.01 * c;
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockNormW(PdennSymBlock *blk, PetscInt its, Vec v, PetscReal *norm)
{
  Vec       x, y;
  PetscReal rayleigh = 0.0;

  PetscFunctionBeginUser;
  if (blk->dim == 1) {
    PetscCheck(!v, PETSC_COMM_SELF, PETSC_ERR_SUP, "the top eigenvector is returned on d-dimensional grids only");
    PetscCall(PdennSymStepNormW(&blk->step, its, norm));
    PetscFunctionReturn(0);
  }
  PetscCall(DMCreateGlobalVector(blk->Wnd.da_in, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PowerIterationStart(blk->Wnd.da_in, x));
  for (PetscInt k = 0; k < its; k++) {
    PetscCall(VecNormalize(x, NULL));
    PetscCall(PdennConvNdForward(&blk->Wnd, x, blk->q));
    PetscCall(PdennConvNdAdjoint(&blk->Wnd, blk->q, y));
    PetscCall(VecDot(x, y, &rayleigh)); /* x^T W^T W x */
    PetscCall(VecCopy(y, x));
  }
  *norm = PetscSqrtReal(PetscMax(rayleigh, 0.0));
  if (v) {
    PetscCall(VecCopy(x, v));
    PetscCall(VecNormalize(v, NULL));
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}
