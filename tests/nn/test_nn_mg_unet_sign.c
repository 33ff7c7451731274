/* The multigrid U-net subtracts its coarse-grid correction (src/nn/unet.c, docs/networks.md):
   with a linear activation and zero biases it is y = (I - S) f with S = E^T M E symmetric
   positive semidefinite, the form of a semi-implicit smoothing step (I + tau A)^{-1}. Checked for
   random weights on random inputs f_i, y_i = model(f_i):
   - symmetry <f_i, y_j> = <f_j, y_i>, to 1e-12 relative to ||f_i|| ||y_j|| + ||f_j|| ||y_i||,
     the size of the two dot products (exact in real arithmetic; the rounding of a few dozen
     convolutions is ~1e-15 of it);
   - <f, f - y> >= -1e-12 ||f||^2 (S >= 0), and > 1e-3 ||f||^2 for every f, so the correction is
     not vacuous: with an added correction (the old sign) <f, f - y> = -<f, S f> < 0 fails. */
#include "nntest.h"

static const char help[] = "Sign of the multigrid U-net's coarse-grid correction.\n";

#define CHECK(cond, ...) PetscCheck(cond, PETSC_COMM_WORLD, PETSC_ERR_PLIB, __VA_ARGS__)
#define NF 4

static PetscErrorCode CheckSign(const char options[], PetscInt N)
{
  PdennModel model;
  DM         da;
  Vec        f[NF], y[NF];
  PetscReal  worst_sym = 0.0, min_shrink = PETSC_MAX_REAL;

  PetscFunctionBeginUser;
  PetscCall(NNTestModel(PETSC_COMM_WORLD, "s_", options, N, &model));
  PetscCall(NNTestRandomTheta(model, 5, 0.5));
  PetscCall(NNTestSetGroups(model, "/b", 0.0, PETSC_FALSE)); /* zero biases */
  PetscCall(PdennModelGetDM(model, &da));
  for (PetscInt i = 0; i < NF; i++) {
    PetscCall(DMCreateGlobalVector(da, &f[i]));
    PetscCall(VecDuplicate(f[i], &y[i]));
    PetscCall(NNTestFill(f[i], 11 + i, 1.0, 0.2 * i));
    PetscCall(PdennModelForward(model, f[i], y[i]));
  }
  for (PetscInt i = 0; i < NF; i++) {
    PetscReal ff, fy, ni, nj, yi, yj, a, b;
    PetscCall(VecDot(f[i], f[i], &ff));
    PetscCall(VecDot(f[i], y[i], &fy));
    min_shrink = PetscMin(min_shrink, (ff - fy) / ff);
    for (PetscInt j = 0; j < i; j++) {
      PetscCall(VecDot(f[i], y[j], &a));
      PetscCall(VecDot(f[j], y[i], &b));
      PetscCall(VecNorm(f[i], NORM_2, &ni));
      PetscCall(VecNorm(f[j], NORM_2, &nj));
      PetscCall(VecNorm(y[i], NORM_2, &yi));
      PetscCall(VecNorm(y[j], NORM_2, &yj));
      worst_sym = PetscMax(worst_sym, PetscAbsReal(a - b) / (ni * yj + nj * yi));
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: asymmetry %.2e, min <f, f - y>/<f, f> %.4e\n", options, (double)worst_sym, (double)min_shrink));
  CHECK(worst_sym <= 1e-12, "mg_unet with linear activation is not symmetric: %g", (double)worst_sym);
  CHECK(min_shrink > 1e-3, "mg_unet correction is not a positive subtraction: min <f, f - y>/<f, f> = %g", (double)min_shrink);
  for (PetscInt i = 0; i < NF; i++) {
    PetscCall(VecDestroy(&f[i]));
    PetscCall(VecDestroy(&y[i]));
  }
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(CheckSign("-s_model_type mg_unet -s_levels 3 -s_smoothing_steps 2 -s_channels 3 -s_kernel_radius 2 -s_activation linear", 32));
  PetscCall(CheckSign("-s_model_type mg_unet -s_levels 2 -s_smoothing_steps 1 -s_channels 2 -s_kernel_radius 1 -s_activation linear -s_bc zero", 16));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "mg_unet sign passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
