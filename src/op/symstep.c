/* The symmetric step out = u - tau W^T phi(W u) of PAPER.md §2 on DMDAs. The explicit scheme
   (W = K, phi = the flux) and the symmetric residual block (learned W and phi) both call this,
   so the paper's correspondence holds in the code: one routine, two readings. */
#include <pdenn/op.h>

PetscErrorCode PdennSymStepSetUp(PdennSymStep *step, DM da_u, DM da_z, PdennConv1d conv, PdennActivationFn act, void *act_ctx)
{
  PetscInt dof_u, dof_z, sw;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da_u, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_u, &sw, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetInfo(da_z, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_z, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dof_u == conv.c_in && dof_z == conv.c_out, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA dofs (%" PetscInt_FMT ", %" PetscInt_FMT ") do not match the convolution's channels (%" PetscInt_FMT ", %" PetscInt_FMT ")", dof_u, dof_z, conv.c_in, conv.c_out);
  PetscCheck(sw >= conv.radius, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA ghost width %" PetscInt_FMT " is below the kernel radius %" PetscInt_FMT, sw, conv.radius);
  step->da_u    = da_u;
  step->da_z    = da_z;
  step->conv    = conv;
  step->act     = act;
  step->act_ctx = act_ctx;
  PetscCall(DMCreateLocalVector(da_u, &step->u_loc));
  PetscCall(DMCreateGlobalVector(da_z, &step->z));
  PetscCall(DMCreateLocalVector(da_z, &step->z_loc));
  PetscCall(DMCreateGlobalVector(da_u, &step->r));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepDestroy(PdennSymStep *step)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&step->u_loc));
  PetscCall(VecDestroy(&step->z));
  PetscCall(VecDestroy(&step->z_loc));
  PetscCall(VecDestroy(&step->r));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepResidual(PdennSymStep *step, Vec u, Vec r, Vec z_save)
{
  PetscReal *ua, *za, *ra;
  PetscInt   n;
  PetscBool  at_left, at_right;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDAGetGhostedArray(step->da_u, u, step->u_loc, step->conv.bc, &ua, &n, &at_left, &at_right));
  PetscCall(VecGetArray(step->z, &za));
  PetscCall(PdennConv1dForward(&step->conv, n, ua, za));
  PetscCall(VecRestoreArray(step->u_loc, NULL));
  if (z_save) {
    PetscCall(VecRestoreArray(step->z, &za));
    PetscCall(VecCopy(step->z, z_save));
    PetscCall(VecGetArray(step->z, &za));
  }
  PetscCall(step->act(step->act_ctx, n * step->conv.c_out, za, za, NULL));
  PetscCall(VecRestoreArray(step->z, &za));
  /* W^T needs phi at neighbours' points and zero outside the domain */
  PetscCall(PdennDMDAGetGhostedArray(step->da_z, step->z, step->z_loc, PDENN_BC_ZERO, &za, &n, &at_left, &at_right));
  PetscCall(VecGetArray(r, &ra));
  PetscCall(PdennConv1dAdjoint(&step->conv, n, at_left, at_right, za, ra));
  PetscCall(VecRestoreArray(r, &ra));
  PetscCall(VecRestoreArray(step->z_loc, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepApply(PdennSymStep *step, PetscReal tau, Vec u, Vec out, Vec z_save)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStepResidual(step, u, step->r, z_save));
  if (out == u) PetscCall(VecAXPY(out, -tau, step->r)); /* VecWAXPY refuses out == u */
  else PetscCall(VecWAXPY(out, -tau, step->r, u));
  PetscFunctionReturn(0);
}

/* A start vector that depends on the global index only, so every rank layout agrees. */
static PetscErrorCode PowerIterationStart(DM da, Vec x)
{
  PetscInt   xs, xm, dof;
  PetscReal *xa;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PdennDMDAGetOwnership(da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt i = 0; i < xm; i++)
    for (PetscInt c = 0; c < dof; c++) xa[i * dof + c] = PetscSinReal(1.7 * (xs + i) + 0.3 * c + 0.1) + 0.01 * c;
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

/* ||W||_2 via power iteration on W^T W with phi = identity: its iterations from a fixed,
   rank-independent start vector (so every layout gets the same estimate). */
PetscErrorCode PdennSymStepNormW(PdennSymStep *step, PetscInt its, PetscReal *norm)
{
  PdennActivationFn act = step->act;
  PdennFlux         identity = {PDENN_FLUX_LINEAR, 1.0};
  void             *ctx = step->act_ctx;
  Vec               x, y;
  PetscReal         nrm = 0.0;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(step->da_u, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PowerIterationStart(step->da_u, x));
  step->act     = PdennFluxActivation;
  step->act_ctx = &identity;
  for (PetscInt k = 0; k < its; k++) {
    PetscCall(VecNormalize(x, NULL));
    PetscCall(PdennSymStepResidual(step, x, y, NULL));
    PetscCall(VecDot(x, y, &nrm)); /* Rayleigh quotient x^T W^T W x */
    PetscCall(VecCopy(y, x));
  }
  step->act     = act;
  step->act_ctx = ctx;
  *norm         = PetscSqrtReal(PetscMax(nrm, 0.0));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}
