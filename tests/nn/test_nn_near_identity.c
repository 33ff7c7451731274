/* The U-nets' near-identity start (src/nn/near_identity.c, docs/networks.md "Near-identity start"):
   1. the proven bound D of ||f(x) - x|| / ||x|| holds for the random start (unet and mg_unet, the
      trainable table, tanh and relu, 1-3 levels) on random inputs of norm 0.01 to 100 x sqrt(N);
   2. after PdennModelInitNearIdentity(delta) the bound is recomputed as <= delta (1 + 1e-12) and
      every measured distance is <= delta, yet > 0 (the correction path is small, not cut);
   3. for a linear activation (zero biases) the correction is quadratic in the scale a of E and Q:
      the measured distance is a^2 times the random start's, to 1e-9 relative. */
#include "nntest.h"

static const char help[] = "Near-identity start of the U-nets.\n";

#define N_POINTS 64
#define DELTA 0.01

/* largest ||f(x) - x|| / ||x|| over 12 random inputs of three scales */
static PetscErrorCode Distance(PdennModel model, PetscReal *dist)
{
  DM        da;
  Vec       x, y;
  PetscReal nx, nd;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &y));
  *dist = 0.0;
  for (PetscInt k = 0; k < 12; k++) {
    PetscCall(NNTestFill(x, 40 + k, k % 3 == 0 ? 0.01 : k % 3 == 1 ? 1.0
                                                                   : 100.0,
                         k % 2 ? 0.0 : 0.3));
    PetscCall(PdennModelForward(model, x, y));
    PetscCall(VecNorm(x, NORM_2, &nx));
    PetscCall(VecAXPY(y, -1.0, x));
    PetscCall(VecNorm(y, NORM_2, &nd));
    *dist = PetscMax(*dist, nd / nx);
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

static PetscErrorCode Check(const char opts[], PetscBool linear)
{
  PdennModel model;
  PetscReal  D, D1, d0, d1;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(NNTestModel(PETSC_COMM_WORLD, "u_", opts, N_POINTS, &model));
  PetscCall(PdennModelInitRandom(model, 7));
  PetscCall(PdennModelCorrectionBound(model, &D));
  PetscCall(Distance(model, &d0));
  PetscCheck(d0 <= D, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: random start at distance %.6g from the identity, above its proven bound %.6g", opts, (double)d0, (double)D);
  PetscCall(PdennModelInitNearIdentity(model, DELTA));
  PetscCall(PdennModelCorrectionBound(model, &D1));
  PetscCall(Distance(model, &d1));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-92s random: distance %.3e <= bound %.3e; near identity: %.3e <= bound %.3e\n", opts, (double)d0, (double)D, (double)d1, (double)D1));
  PetscCheck(D1 <= DELTA * (1 + 1e-12) && d1 <= DELTA && d1 > 0.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: near-identity start at distance %.6g (bound %.6g); expected 0 < distance <= %g", opts, (double)d1, (double)D1, DELTA);
  if (linear && D > DELTA) {
    const PetscReal a2 = DELTA / D, rel = PetscAbsReal(d1 - a2 * d0) / (a2 * d0);
    PetscCheck(rel <= 1e-9, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: linear network, distance %.12g after scaling E and Q by a^2 = %.6g, expected a^2 x %.12g (relative error %.3g)", opts, (double)d1, (double)a2, (double)d0, (double)rel);
  }
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(Check("-u_model_type mg_unet -u_levels 3 -u_channels 4 -u_kernel_radius 1 -u_activation trainable -u_act_nodes 8 -u_act_smax 0.5", PETSC_FALSE));
  PetscCall(Check("-u_model_type unet -u_levels 3 -u_channels 4 -u_kernel_radius 1 -u_activation trainable -u_act_nodes 8 -u_act_smax 0.5", PETSC_FALSE));
  PetscCall(Check("-u_model_type mg_unet -u_levels 2 -u_smoothing_steps 2 -u_channels 2 -u_kernel_radius 2 -u_activation tanh -u_bc zero", PETSC_FALSE));
  PetscCall(Check("-u_model_type unet -u_levels 1 -u_channels 3 -u_activation relu", PETSC_FALSE));
  PetscCall(Check("-u_model_type mg_unet -u_levels 3 -u_channels 3 -u_activation linear", PETSC_TRUE));
  PetscCall(Check("-u_model_type unet -u_levels 2 -u_channels 3 -u_activation linear", PETSC_TRUE));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "near-identity checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
