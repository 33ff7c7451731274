/* Euclidean stability of symmetric ResNets (docs/science.md §2): after PdennModelProject every block
   satisfies ||u - tau W^T phi(W u)|| <= ||u||, for random networks with nonmonotone trainable
   activations, for networks after SGD steps towards an amplifying target (which pull tau and W
   past the limit), on random inputs and on inputs found by gradient ascent on ||y||/||x||; after
   training tau_k <= tau_max_k and tau_k L ||W_k||^2 <= 2 with ||W_k||_2 exact (dense W^T W).
   Tolerance 1 + 1e-12: the bound is exact in real arithmetic; rounding adds ~1e-15 per block.
   A negative control (tables at their bound, tau 10x its projected value) shows the ascent
   does find growth where stability is violated. */
#include "nntest.h"
#include "pdenn_dense.h"

static const char help[] = "Stability of symmetric ResNets under the projection.\n";

/* Largest per-block ratio ||block(u)|| / ||u|| of the network's blocks on input x. */
static PetscErrorCode BlockRatios(PdennModel model, Vec x, PetscReal *worst)
{
  PetscInt nb;
  Vec      u, v;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumBlocks(model, &nb));
  PetscCall(VecDuplicate(x, &u));
  PetscCall(VecDuplicate(x, &v));
  PetscCall(VecCopy(x, u));
  *worst = 0.0;
  for (PetscInt k = 0; k < nb; k++) {
    PdennSymStep *step;
    PetscReal     tau, nu, nv;
    PetscCall(PdennModelGetSymStep(model, k, &step));
    PetscCall(PdennModelGetStepBound(model, k, NULL, &tau, NULL));
    PetscCall(PdennSymStepApply(step, tau, u, v, NULL));
    PetscCall(VecNorm(u, NORM_2, &nu));
    PetscCall(VecNorm(v, NORM_2, &nv));
    *worst = PetscMax(*worst, nv / nu);
    PetscCall(VecCopy(v, u));
  }
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

/* Gradient ascent on R(x) = ||y||^2/||x||^2: grad = 2 (J^T y - R x)/||x||^2, J^T y from Backward
   with dy = y. Returns the largest ratio ||y||/||x|| met (whole network). */
static PetscErrorCode AdversarialRatio(PdennModel model, Vec x, PetscInt steps, PetscReal *ratio)
{
  Vec       y, g;
  PetscReal nx, ny;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(x, &y));
  PetscCall(VecDuplicate(x, &g));
  *ratio = 0.0;
  for (PetscInt it = 0; it <= steps; it++) {
    PetscReal R, ng;
    PetscCall(PdennModelForward(model, x, y));
    PetscCall(VecNorm(x, NORM_2, &nx));
    PetscCall(VecNorm(y, NORM_2, &ny));
    *ratio = PetscMax(*ratio, ny / nx);
    if (it == steps) break;
    R = (ny * ny) / (nx * nx);
    PetscCall(PdennModelBackward(model, y, g, NULL));
    PetscCall(VecAXPY(g, -R, x));
    PetscCall(VecNorm(g, NORM_2, &ng));
    if (ng == 0.0) break;
    PetscCall(VecAXPY(x, 0.1 * nx / ng, g)); /* a step of a tenth of ||x|| uphill */
  }
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&g));
  PetscFunctionReturn(0);
}

/* Worst growth over random inputs (per block and whole network) and adversarial inputs. */
static PetscErrorCode WorstGrowth(PdennModel model, PetscInt seed, PetscReal *worst)
{
  DM        da;
  Vec       x, y;
  PetscReal r, nx, ny;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &y));
  *worst = 0.0;
  for (PetscInt s = 0; s < 10; s++) {
    PetscCall(NNTestFill(x, seed * 100 + s, 1.0 + s, s % 3 ? 0.0 : 0.5));
    PetscCall(BlockRatios(model, x, &r));
    *worst = PetscMax(*worst, r);
    PetscCall(PdennModelForward(model, x, y));
    PetscCall(VecNorm(x, NORM_2, &nx));
    PetscCall(VecNorm(y, NORM_2, &ny));
    *worst = PetscMax(*worst, ny / nx);
  }
  for (PetscInt s = 0; s < 3; s++) {
    PetscCall(NNTestFill(x, seed * 100 + 50 + s, 0.5 + s, 0.0));
    PetscCall(AdversarialRatio(model, x, 30, &r));
    *worst = PetscMax(*worst, r);
    PetscCall(BlockRatios(model, x, &r)); /* at the maximiser found */
    *worst = PetscMax(*worst, r);
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

/* The same search on a deliberately unstable network: tables at their bound L (so the sector
   bound is attained: phi(s) = L s), projected, then every tau multiplied by 10. */
static PetscErrorCode NegativeControl(PdennModel model, PetscReal *growth)
{
  DM  da;
  Vec x;

  PetscFunctionBeginUser;
  PetscCall(NNTestSetGroups(model, "act_g", 1e30, PETSC_FALSE));
  PetscCall(PdennModelProject(model));
  PetscCall(NNTestSetGroups(model, "tau", 10.0, PETSC_TRUE));
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(NNTestFill(x, 77, 0.1, 0.0));
  PetscCall(AdversarialRatio(model, x, 40, growth));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

/* The projection's bound b_k against op.h's power iteration: ||W_k||^2 <= b_k must hold. */
static PetscErrorCode CheckBoundsByPowerIteration(PdennModel model)
{
  PetscInt nb;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumBlocks(model, &nb));
  for (PetscInt k = 0; k < nb; k++) {
    PdennSymStep *step;
    PetscReal     b, norm;
    PetscCall(PdennModelGetSymStep(model, k, &step));
    PetscCall(PdennModelGetStepBound(model, k, &b, NULL, NULL));
    PetscCall(PdennSymStepNormW(step, 200, &norm));
    PetscCheck(norm * norm <= b * (1 + 1e-12), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "block %" PetscInt_FMT ": power iteration ||W||^2 = %.17g exceeds the bound %.17g", k, (double)(norm * norm), (double)b);
  }
  PetscFunctionReturn(0);
}

/* The projection's promise with ||W_k||_2 exact (dense W^T W, pdenn_dense.h), not its own bound:
   tau_k L ||W_k||^2 <= 2 up to the 1e-12 margin; the largest tau_k L ||W_k||^2 is returned. */
static PetscErrorCode CheckExactNorms(PdennModel model, PetscInt N, PetscReal L, PetscReal *worst)
{
  PetscInt   nb;
  PetscReal *v;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumBlocks(model, &nb));
  PetscCall(PetscMalloc1(N, &v));
  *worst = 0.0;
  for (PetscInt k = 0; k < nb; k++) {
    PdennSymStep *step;
    PetscReal     tau, norm2;
    PetscCall(PdennModelGetSymStep(model, k, &step));
    PetscCall(PdennModelGetStepBound(model, k, NULL, &tau, NULL));
    PetscCall(PdennDenseConvNorm2(step->conv.c_out, step->conv.radius, step->conv.bc, step->conv.w, N, &norm2, v));
    PetscCheck(tau * L * norm2 <= 2.0 * (1.0 + 1e-12), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "block %" PetscInt_FMT ": tau %.17g, L %g, exact ||W||^2 %.17g: tau L ||W||^2 = %.17g > 2", k, (double)tau, (double)L, (double)norm2, (double)(tau * L * norm2));
    *worst = PetscMax(*worst, tau * L * norm2);
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

static PetscErrorCode MaxTauFraction(PdennModel model, PetscReal *frac)
{
  PetscInt nb;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumBlocks(model, &nb));
  *frac = 0.0;
  for (PetscInt k = 0; k < nb; k++) {
    PetscReal tau, tau_max;
    PetscCall(PdennModelGetStepBound(model, k, NULL, &tau, &tau_max));
    *frac = PetscMax(*frac, tau / tau_max);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char     *cases[] = {"-s_activation trainable -s_act_nodes 8 -s_act_smax 2", "-s_activation perona_malik -s_act_lambda 0.3", "-s_activation trainable -s_act_nodes 5 -s_act_bound 2 -s_bc zero", "-s_activation relu -s_bc zero"};
  const PetscReal L[]     = {1.0, 1.0, 2.0, 1.0}; /* the sector bound of each case (-s_act_bound) */
  const PetscReal tol     = 1.0 + 1e-12;
  const PetscInt  N       = 32;
  PetscReal       worst = 0.0, w_random = 0.0, w_trained = 0.0, growth = 0.0, tau_frac = 0.0, tln = 0.0;

  PetscFunctionBeginUser;
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    PdennModel model;
    PetscCall(PetscOptionsInsertString(NULL, cases[c]));
    PetscCall(NNTestModel(PETSC_COMM_WORLD, "s_", "-s_model_type sym_resnet -s_blocks 4 -s_channels 4 -s_kernel_radius 2", N, &model));
    PetscCall(NNTestRandomTheta(model, 10 + (PetscInt)c, 1.0));
    PetscCall(WorstGrowth(model, 1, &w_random));
    PetscCall(NegativeControl(model, &growth));
    PetscCall(NNTestRandomTheta(model, 10 + (PetscInt)c, 1.0)); /* undo the control's tau */
    PetscCall(NNTestTrainTowardsFlip(model, 15, 0.05));
    PetscCall(MaxTauFraction(model, &tau_frac));
    PetscCheck(tau_frac <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "after projection tau/tau_max = %.17g > 1", (double)tau_frac);
    PetscCall(CheckExactNorms(model, N, L[c], &tln));
    PetscCall(CheckBoundsByPowerIteration(model));
    PetscCall(WorstGrowth(model, 2, &w_trained));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s\n  max ||y||/||x||: random %.15f, trained %.15f (max tau/tau_max %.3f, max tau L ||W||^2 %.3f <= 2); control (10 tau) %.3f\n", cases[c], (double)w_random, (double)w_trained, (double)tau_frac, (double)tln, (double)growth));
    PetscCheck(growth > 1.01, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "negative control: the ascent found no growth (%g) for 10 times the projected tau; the test would not detect instability", (double)growth);
    worst = PetscMax(worst, PetscMax(w_random, w_trained));
    PetscCall(PdennModelDestroy(&model));
  }
  PetscCheck(worst <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a projected symmetric ResNet increased the Euclidean norm: ratio %.17g > 1 + 1e-12", (double)worst);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "stability passed: worst ratio %.15f <= 1 + 1e-12\n", (double)worst));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
