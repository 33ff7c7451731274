/* Training losses per sample and their gradients dloss/dy (docs/training.md):
   mse    L = ||y - t||^2 / N,          dL/dy = 2 (y - t) / N
   rel_l2 L = ||y - t||_2 / ||t||_2,    dL/dy = (y - t) / (||y - t|| ||t||)  (0 where y = t) */
#include <pdenn/train.h>

const char *const PdennLossTypes[] = {"mse", "rel_l2"};

PetscErrorCode PdennLossCompute(PdennLossType type, Vec y, Vec t, PetscReal scale, Vec dy, PetscReal *loss)
{
  Vec       r;
  PetscInt  N;
  PetscReal rnorm, tnorm = 1.0, dscale;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(y, &r));
  PetscCall(VecWAXPY(r, -1.0, t, y));
  PetscCall(VecGetSize(y, &N));
  PetscCall(VecNorm(r, NORM_2, &rnorm));
  if (type == PDENN_LOSS_MSE) {
    *loss  = rnorm * rnorm / (PetscReal)N;
    dscale = 2.0 / (PetscReal)N;
  } else {
    PetscCall(VecNorm(t, NORM_2, &tnorm));
    PetscCheck(tnorm > 0.0, PetscObjectComm((PetscObject)y), PDENN_ERR_INPUT, "key -train_loss: rel_l2 needs targets with a nonzero norm, a target is zero; use -train_loss mse");
    *loss  = rnorm / tnorm;
    dscale = rnorm > 0.0 ? 1.0 / (rnorm * tnorm) : 0.0;
  }
  if (dy) {
    PetscCall(VecCopy(r, dy));
    PetscCall(VecScale(dy, scale * dscale));
  }
  PetscCall(VecDestroy(&r));
  PetscFunctionReturn(0);
}
