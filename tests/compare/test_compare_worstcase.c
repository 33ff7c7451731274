/* The worst-case gain search (src/compare/worstcase.c, docs/results.md "Worst-case gains"):
   1. its gradient J_f(x)^T f(x) (Backward with dL/dy = f(x)) against central differences of
      J(x) = ||f(x)||^2 / 2 in random directions, 1e-6 (NNTestRelErr's floor), for a standard ResNet,
      a symmetric ResNet with the trainable table and both U-nets;
   2. on linear networks (linear activation, zero biases: f(x) = A x) the largest gain is the top
      singular value of A, computed here from the dense A (columns f(e_j)) by Jacobi: the search
      finds >= 0.99 of it and never more than it (1e-10);
   3. the networks whose gain is proven <= 1 (docs/results.md: sym_resnet with any activation in the
      sector 0 <= phi(s)/s <= L, monotone or not, and tau <= 2/(L ||W||^2); fsi_resnet with cycle
      length 1, whose every step is the convex mix 2/3 S(u) + 1/3 u; the recurrent network with one
      iteration, a block with tau <= 1/(L ||W||^2)), with random weights and tau at its limit after
      the projection, and after SGD steps towards y = -x that push tau and W against it: the
      largest gain found from starts of norm 0.01, 1 and 100 x sqrt(N) is <= 1 + 1e-12;
   4. the negative control: a symmetric ResNet with tau 10 x its projected value (not projected
      again) is found to amplify (gain > 1.01), so check 3 can fail. */
#include <pdenn/compare.h>
#include "../nn/nntest.h"
#include "pdenn_dense.h"

static const char help[] = "Worst-case gain search: gradient, linear networks, symmetric networks.\n";

#define N_POINTS 32

static PetscErrorCode Model(const char opts[], PdennModel *model)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(NNTestModel(PETSC_COMM_WORLD, "w_", opts, N_POINTS, model));
  PetscFunctionReturn(0);
}

/* J = ||f(x)||^2 / 2 */
static PetscErrorCode Objective(PdennModel model, Vec x, Vec y, PetscReal *J)
{
  PetscReal ny;

  PetscFunctionBeginUser;
  PetscCall(PdennModelForward(model, x, y));
  PetscCall(VecNorm(y, NORM_2, &ny));
  *J = 0.5 * ny * ny;
  PetscFunctionReturn(0);
}

static PetscErrorCode GradCheck(const char opts[])
{
  PdennModel      model;
  DM              da;
  Vec             x, y, g, d, xp;
  PetscInt        n;
  PetscReal      *dtheta, J, Jp, Jm, gd, gmax, worst = 0.0;
  const PetscReal eps = 1e-6;

  PetscFunctionBeginUser;
  PetscCall(Model(opts, &model));
  PetscCall(NNTestRandomTheta(model, 3, 0.6));
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(VecDuplicate(x, &g));
  PetscCall(VecDuplicate(x, &d));
  PetscCall(VecDuplicate(x, &xp));
  PetscCall(PdennModelGetNumParameters(model, &n));
  PetscCall(PetscCalloc1(n, &dtheta));
  PetscCall(NNTestFill(x, 11, 1.0, 0.2));
  PetscCall(Objective(model, x, y, &J));
  PetscCall(PdennModelBackward(model, y, g, dtheta)); /* the search's gradient */
  PetscCall(VecNorm(g, NORM_INFINITY, &gmax));
  for (PetscInt k = 0; k < 3; k++) {
    PetscCall(NNTestFill(d, 20 + k, 1.0, 0.0));
    PetscCall(VecDot(g, d, &gd));
    PetscCall(VecWAXPY(xp, eps, d, x));
    PetscCall(Objective(model, xp, y, &Jp));
    PetscCall(VecWAXPY(xp, -eps, d, x));
    PetscCall(Objective(model, xp, y, &Jm));
    worst = PetscMax(worst, NNTestRelErr(gd, (Jp - Jm) / (2 * eps), gmax * N_POINTS));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "gradient %-70s largest relative error %.2e\n", opts, (double)worst));
  PetscCheck(worst <= 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "worst-case search gradient of %s: relative error %g against central differences > 1e-6", opts, (double)worst);
  PetscCall(PetscFree(dtheta));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&d));
  PetscCall(VecDestroy(&xp));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

/* sigma_max of the linear network f(x) = A x from the dense A^T A (Jacobi, exact to rounding) */
static PetscErrorCode DenseTopSingular(PdennModel model, PetscReal *sigma)
{
  DM         da;
  Vec        e, y;
  PetscReal *A, *G, *col, *v, lambda;
  PetscInt   n;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &e));
  PetscCall(VecDuplicate(e, &y));
  PetscCall(PetscCalloc3(N_POINTS * N_POINTS, &A, N_POINTS * N_POINTS, &G, N_POINTS, &v));
  for (PetscInt j = 0; j < N_POINTS; j++) { /* column j = f(e_j), stored as row j of A^T */
    PetscCall(VecZeroEntries(e));
    PetscCall(VecSetValue(e, j, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(e));
    PetscCall(VecAssemblyEnd(e));
    PetscCall(PdennModelForward(model, e, y));
    PetscCall(NNTestGather(y, &col, &n));
    PetscCall(PetscArraycpy(A + j * N_POINTS, col, N_POINTS));
    PetscCall(PetscFree(col));
  }
  for (PetscInt i = 0; i < N_POINTS; i++)
    for (PetscInt j = 0; j < N_POINTS; j++)
      for (PetscInt k = 0; k < N_POINTS; k++) G[i * N_POINTS + j] += A[i * N_POINTS + k] * A[j * N_POINTS + k];
  PetscCall(PdennDenseTopEig(N_POINTS, G, &lambda, v));
  *sigma = PetscSqrtReal(lambda);
  PetscCall(PetscFree3(A, G, v));
  PetscCall(VecDestroy(&e));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

static PetscErrorCode Search(PdennModel model, PetscInt starts, PetscInt iters, PetscInt nscales, const PetscReal scales[], PdennWorstCase *w)
{
  PdennWorstCaseParams p;

  PetscFunctionBeginUser;
  PetscCall(PdennWorstCaseParamsDefault(&p));
  p.starts  = starts;
  p.iters   = iters;
  p.nscales = nscales;
  for (PetscInt j = 0; j < nscales; j++) p.scales[j] = scales[j];
  PetscCall(PdennModelWorstCase(model, &p, PetscSqrtReal((PetscReal)N_POINTS), 0, NULL, 0, PdennWorstCaseNumStarts(&p, 0), w));
  PetscFunctionReturn(0);
}

static PetscErrorCode Linear(const char opts[], const char *const zero[], PetscInt nzero)
{
  PdennModel      model;
  PdennWorstCase  w;
  PetscReal       sigma;
  const PetscReal one = 1.0;

  PetscFunctionBeginUser;
  PetscCall(Model(opts, &model));
  PetscCall(NNTestRandomTheta(model, 5, 0.8));
  for (PetscInt k = 0; k < nzero; k++) PetscCall(NNTestSetGroups(model, zero[k], 0.0, PETSC_FALSE));
  PetscCall(DenseTopSingular(model, &sigma));
  PetscCall(Search(model, 3, 60, 1, &one, &w));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "linear %-72s sigma_max %.12f, found %.12f (ratio %.6f)\n", opts, (double)sigma, (double)w.gain, (double)(w.gain / sigma)));
  PetscCheck(w.gain >= 0.99 * sigma && w.gain <= sigma * (1 + 1e-10), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "linear network %s: the search found gain %.12g; the exact largest gain is %.12g (expected >= 0.99 of it and not above it)", opts, (double)w.gain, (double)sigma);
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

/* tau of every block to 10 x its value, or to its limit (1e30, then projected) */
static PetscErrorCode SetTau(PdennModel model, PetscBool ten_times)
{
  PetscFunctionBeginUser;
  if (ten_times)
    PetscCall(NNTestSetGroups(model, "tau", 10.0, PETSC_TRUE));
  else {
    PetscCall(NNTestSetGroups(model, "tau", 1e30, PETSC_FALSE));
    PetscCall(PdennModelProject(model));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Symmetric(const char opts[], PetscBool trained, PetscBool control)
{
  PdennModel      model;
  PdennWorstCase  w;
  const PetscReal scales[] = {0.01, 1.0, 100.0};

  PetscFunctionBeginUser;
  PetscCall(Model(opts, &model));
  PetscCall(NNTestRandomTheta(model, 9, 1.0));
  PetscCall(NNTestSetGroups(model, "act_g", 2.0, PETSC_FALSE)); /* the table at its bound L = 2 (where given) */
  PetscCall(SetTau(model, PETSC_FALSE));
  if (trained) PetscCall(NNTestTrainTowardsFlip(model, 20, 0.05));
  if (control) PetscCall(SetTau(model, PETSC_TRUE));
  PetscCall(Search(model, 3, 40, 3, scales, &w));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-9s %-9s %-62s worst gain %.15f at norm %.3g\n", control ? "control" : "symmetric", trained ? "trained" : "random", opts, (double)w.gain, (double)w.input_norm));
  if (control)
    PetscCheck(w.gain > 1.01, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "negative control %s: tau 10 x its limit, the search found only gain %.15g; it would not detect instability", opts, (double)w.gain);
  else
    PetscCheck(w.gain <= 1.0 + 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s (%s): the search found gain %.15g > 1 + 1e-12, against the proven bound", opts, trained ? "trained" : "random weights", (double)w.gain);
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const char *const zero_resnet[] = {"/b1", "/b2"}, *const zero_unet[] = {"/b", "/c"};
  const char *const sym[] = {
      "-w_model_type sym_resnet -w_blocks 4 -w_channels 3 -w_kernel_radius 2 -w_activation trainable -w_act_nodes 8 -w_act_smax 1 -w_act_bound 2",
      "-w_model_type sym_resnet -w_blocks 3 -w_channels 2 -w_activation perona_malik -w_act_lambda 0.3 -w_bc zero",
      "-w_model_type sym_resnet -w_blocks 3 -w_channels 2 -w_activation weickert -w_act_lambda 0.3",
      "-w_model_type fsi_resnet -w_blocks 4 -w_cycle_length 1 -w_channels 2 -w_activation trainable -w_act_nodes 6 -w_act_bound 2",
      "-w_model_type recurrent -w_iterations 1 -w_channels 2 -w_activation trainable -w_act_nodes 6 -w_act_bound 2",
  };

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(GradCheck("-w_model_type resnet -w_blocks 2 -w_channels 3 -w_activation tanh"));
  PetscCall(GradCheck("-w_model_type sym_resnet -w_blocks 3 -w_channels 2 -w_activation trainable -w_act_nodes 6 -w_act_smax 2"));
  PetscCall(GradCheck("-w_model_type unet -w_levels 2 -w_channels 2 -w_activation tanh"));
  PetscCall(GradCheck("-w_model_type mg_unet -w_levels 3 -w_channels 2 -w_activation tanh"));
  PetscCall(Linear("-w_model_type resnet -w_blocks 2 -w_channels 3 -w_activation linear", zero_resnet, 2));
  PetscCall(Linear("-w_model_type resnet -w_blocks 1 -w_channels 1 -w_kernel_radius 2 -w_activation linear", zero_resnet, 2));
  PetscCall(Linear("-w_model_type mg_unet -w_levels 3 -w_channels 2 -w_activation linear", zero_unet, 2));
  PetscCall(Linear("-w_model_type unet -w_levels 2 -w_channels 2 -w_activation linear", zero_unet, 2));
  for (size_t k = 0; k < sizeof(sym) / sizeof(sym[0]); k++) {
    PetscCall(Symmetric(sym[k], PETSC_FALSE, PETSC_FALSE));
    PetscCall(Symmetric(sym[k], PETSC_TRUE, PETSC_FALSE));
  }
  PetscCall(Symmetric(sym[0], PETSC_FALSE, PETSC_TRUE));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "worst-case search checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
