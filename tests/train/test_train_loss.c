/* Losses and their gradients against central finite differences along a random direction, on
   a parallel Vec (run at 1 and 2 ranks). h = 1e-5: truncation error O(h^2) ~ 1e-10 relative, so
   tolerance 1e-7; a wrong factor or sign in dloss/dy gives an O(1) mismatch. */
#include <pdenn/core.h>
#include <pdenn/train.h>

static PetscErrorCode CheckGradient(PdennLossType type, Vec y, Vec t)
{
  Vec         dy, dir, yp;
  PetscReal   lp, lm, l0, scale = 0.25, h = 1e-5, analytic, fd;
  PetscRandom rnd;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(y, &dy));
  PetscCall(VecDuplicate(y, &dir));
  PetscCall(VecDuplicate(y, &yp));
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1.0, 1.0));
  PetscCall(VecSetRandom(dir, rnd));
  PetscCall(PdennLossCompute(type, y, t, scale, dy, &l0));
  PetscCall(VecDot(dy, dir, &analytic));
  PetscCall(VecWAXPY(yp, h, dir, y));
  PetscCall(PdennLossCompute(type, yp, t, 1.0, NULL, &lp));
  PetscCall(VecWAXPY(yp, -h, dir, y));
  PetscCall(PdennLossCompute(type, yp, t, 1.0, NULL, &lm));
  fd = scale * (lp - lm) / (2 * h);
  PetscCheck(PetscAbsReal(fd - analytic) <= 1e-7 * PetscAbsReal(fd), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "loss %s: directional derivative %.12g, finite difference %.12g", PdennLossTypes[type], (double)analytic, (double)fd);
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDestroy(&yp));
  PetscCall(VecDestroy(&dir));
  PetscCall(VecDestroy(&dy));
  PetscFunctionReturn(0);
}

/* y = 1 + i/N, t = 1: mse = mean((i/N)^2), rel_l2 = ||i/N|| / sqrt(N) */
static PetscErrorCode CheckValues(Vec y, Vec t)
{
  PetscInt  N, lo, hi;
  PetscReal mse, rel, sum = 0;

  PetscFunctionBeginUser;
  PetscCall(VecGetSize(y, &N));
  PetscCall(VecGetOwnershipRange(y, &lo, &hi));
  for (PetscInt i = lo; i < hi; i++) PetscCall(VecSetValue(y, i, 1.0 + (PetscReal)i / N, INSERT_VALUES));
  PetscCall(VecAssemblyBegin(y));
  PetscCall(VecAssemblyEnd(y));
  PetscCall(VecSet(t, 1.0));
  for (PetscInt i = 0; i < N; i++) sum += PetscSqr((PetscReal)i / N);
  PetscCall(PdennLossCompute(PDENN_LOSS_MSE, y, t, 1.0, NULL, &mse));
  PetscCall(PdennLossCompute(PDENN_LOSS_REL_L2, y, t, 1.0, NULL, &rel));
  PetscCheck(PetscAbsReal(mse - sum / N) < 1e-14 && PetscAbsReal(rel - PetscSqrtReal(sum / N)) < 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "loss values %g %g, expected %g %g", (double)mse, (double)rel, (double)(sum / N), (double)PetscSqrtReal(sum / N));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  Vec y, t;

  PetscFunctionBeginUser;
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 37, &y));
  PetscCall(VecDuplicate(y, &t));
  PetscCall(CheckValues(y, t));
  PetscCall(VecShift(t, 0.3));
  for (PetscInt type = 0; type < PDENN_LOSS_NTYPES; type++) PetscCall(CheckGradient((PdennLossType)type, y, t));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "losses and gradients: OK\n"));
  PetscCall(VecDestroy(&t));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
