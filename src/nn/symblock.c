/* The symmetric residual block y = u - tau W^T phi(W u) of docs/science.md §2 with its backward pass.
   The forward pass is op.h's PdennSymStepApply, the very routine of the explicit scheme; the
   backward pass uses the same convolution, adjoint and weight-gradient kernels. */
#include <pdenn/nn.h>

PetscErrorCode PdennSymBlockSetUp(PdennSymBlock *blk, DM da_u, DM da_z, PdennConv1d conv, PdennActivation act)
{
  PdennActivationFn fn;
  void             *ctx;

  PetscFunctionBeginUser;
  PetscCheck(!conv.b, PETSC_COMM_SELF, PETSC_ERR_SUP, "the symmetric block has no bias");
  blk->act = act; /* the step's activation context points into *blk: set up blocks in place */
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
  if (blk->q) PetscCall(PdennConvLayerDestroy(&blk->W));
  PetscCall(VecDestroy(&blk->s));
  PetscCall(VecDestroy(&blk->q));
  PetscCall(VecDestroy(&blk->a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockForward(PdennSymBlock *blk, PetscReal tau, Vec u, Vec y, const PdennSymStepTape *tape)
{
  PetscFunctionBeginUser;
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
PetscErrorCode PdennSymBlockBackward(PdennSymBlock *blk, PetscReal tau, Vec u, const PdennSymStepTape *tape, Vec dy, PetscReal skip, Vec du, PetscReal dw[], PetscReal *dtau, PetscReal dg[])
{
  PetscReal dot = 0.0;
  Vec       a   = NULL;

  PetscFunctionBeginUser;
  PetscCheck(du != dy, PETSC_COMM_SELF, PETSC_ERR_ARG_IDN, "du and dy must be different vectors");
  PetscCheck(tape->r && (tape->z || (tape->phi && tape->dphi && blk->act.type != PDENN_ACTIVATION_TRAINABLE)), PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "the backward pass needs r and z (or phi, phi' of a fixed activation) on the tape");
  PetscCall(LocalDot(dy, tape->r, &dot));
  if (dtau) *dtau -= dot;
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
