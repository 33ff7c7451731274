/* The symmetric residual block y = u - tau W^T phi(W u) of PAPER.md §2 with its backward pass.
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
  PetscCall(PdennConvLayerSetUp(&blk->W, da_u, da_z, conv));
  PetscCall(DMCreateGlobalVector(da_u, &blk->s));
  PetscCall(DMCreateGlobalVector(da_z, &blk->q));
  PetscCall(DMCreateGlobalVector(da_z, &blk->a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockDestroy(PdennSymBlock *blk)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStepDestroy(&blk->step));
  PetscCall(PdennConvLayerDestroy(&blk->W));
  PetscCall(VecDestroy(&blk->s));
  PetscCall(VecDestroy(&blk->q));
  PetscCall(VecDestroy(&blk->a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymBlockForward(PdennSymBlock *blk, PetscReal tau, Vec u, Vec y, Vec z_save, Vec r_save)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStepApplySave(&blk->step, tau, u, y, z_save, r_save));
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

/* With s = -tau dy and a = phi(z): L depends on the block through <dy, skip u> + <W s, a>, so
   dL/dz = phi'(z) (W s), dw = grad<W s, a> + grad<dL/dz, W u>, du = skip dy + W^T dL/dz. */
PetscErrorCode PdennSymBlockBackward(PdennSymBlock *blk, PetscReal tau, Vec u, Vec z, Vec r, Vec dy, PetscReal skip, Vec du, PetscReal dw[], PetscReal *dtau, PetscReal dg[])
{
  PetscReal       *qa, *aa, *dphi;
  const PetscReal *za;
  PetscInt         m;
  PetscReal        dot = 0.0;

  PetscFunctionBeginUser;
  PetscCheck(du != dy, PETSC_COMM_SELF, PETSC_ERR_ARG_IDN, "du and dy must be different vectors");
  PetscCall(LocalDot(dy, r, &dot));
  if (dtau) *dtau -= dot;
  PetscCall(VecAXPBY(blk->s, -tau, 0.0, dy));
  PetscCall(PdennConvLayerForward(&blk->W, blk->s, blk->q));
  PetscCall(VecGetLocalSize(z, &m));
  PetscCall(PetscMalloc1(m, &dphi));
  PetscCall(VecGetArrayRead(z, &za));
  PetscCall(VecGetArray(blk->a, &aa));
  PetscCall(VecGetArray(blk->q, &qa));
  PetscCall(PdennActivationApply(&blk->act, m, za, aa, dphi));
  PetscCall(PdennActivationParamGrad(&blk->act, m, za, qa, dg)); /* dL/dphi = W s */
  for (PetscInt i = 0; i < m; i++) qa[i] *= dphi[i];             /* q becomes dL/dz */
  PetscCall(VecRestoreArray(blk->q, &qa));
  PetscCall(VecRestoreArray(blk->a, &aa));
  PetscCall(VecRestoreArrayRead(z, &za));
  PetscCall(PetscFree(dphi));
  if (dw) {
    PetscCall(PdennConvLayerWeightGrad(&blk->W, blk->s, blk->a, dw, NULL));
    PetscCall(PdennConvLayerWeightGrad(&blk->W, u, blk->q, dw, NULL));
  }
  PetscCall(PdennConvLayerAdjoint(&blk->W, blk->q, du));
  if (skip != 0.0) PetscCall(VecAXPY(du, skip, dy));
  PetscFunctionReturn(0);
}
