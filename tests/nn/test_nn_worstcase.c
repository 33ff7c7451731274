/* Worst-case stability of the projected symmetric steps (docs/networks.md "The stability bound",
   science §2 and §4), with ||W||_2 computed exactly here (dense W^T W and its Jacobi eigen-decomposition, pdenn_dense.h):
   1. after PdennModelProject, tau_k L ||W_k||_2^2 <= 2 (sym_resnet, fsi_resnet) or <= 1
      (recurrent: the fixed-point contraction), relative slack 1e-12, for the classical K, random
      positive weights (for which the projection's bound is tight with reflecting boundaries) and
      random signed weights, both boundary rules, linear, Perona-Malik and trainable activations
      (table at its bound L = 2);
   2. at the projected tau the block does not increase the norm (recurrent: the iteration map
      does not lengthen differences) on the input that realises ||W||, the top eigenvector of
      W^T W at amplitude 1e-4 (flux in its linear regime), and on random inputs;
   3. at tau = 1.01 times the exact limit the same worst-case input grows (ratio > 1.005);
   4. an FSI-ResNet cycle of 40 blocks W = K: the top mode does not grow over the cycle at the
      projected tau and grows at 1.01 times the exact limit (the cycle polynomial is
      sin((2n+1)a)/((2n+1) sin a) with tau mu = 2 sin^2 a: 1/(2n+1) at tau mu = 2, above 1 only
      once (2n+1) acosh(sqrt(tau mu/2)) is large enough, which at 1.01 x needs n of about 30). */
#include "nntest.h"
#include "pdenn_dense.h"

static const char help[] = "Worst-case stability of projected symmetric steps.\n";

#define AMPLITUDE 1e-4 /* s^2/lambda^2 ~ 1e-8 at lambda = 0.5: Phi(s) = s to ~1e-8 */

/* Block k's weights [M][1][kw] in theta by kind: 0 the classical K = (0, -1, 1) in channel 0,
   1 random positive symmetric kernels (with reflecting boundaries W^T W has constant column sums,
   so the projection's bound ||W^T W||_1 equals ||W||^2: no slack hides a loosened factor),
   2 random signed. */
static PetscErrorCode SetWeights(PdennModel model, PetscInt k, PetscInt kind, PetscInt M, PetscInt r, PetscInt seed)
{
  char       name[32];
  PetscInt   ng, kw = 2 * r + 1;
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "block%" PetscInt_FMT "/W", k));
  PetscCall(PdennModelGetNumGroups(model, &ng));
  PetscCall(PdennModelGetParameters(model, &theta));
  for (PetscInt g = 0; g < ng; g++) {
    const char *gname;
    PetscInt    off;
    PetscBool   match;
    PetscCall(PdennModelGetGroup(model, g, &gname, &off, NULL, NULL));
    PetscCall(PetscStrcmp(gname, name, &match));
    if (!match) continue;
    for (PetscInt i = 0; i < M * kw; i++) {
      const PetscReal u = PdennRandomUniform(seed, 500 + k, i);
      theta[off + i]    = kind == 0 ? 0.0 : kind == 1 ? 0.1 + PetscAbsReal(u)
                                                      : u;
    }
    for (PetscInt c = 0; kind == 1 && c < M; c++) /* symmetric kernels: W is a symmetric matrix */
      for (PetscInt o = 1; o <= r; o++) theta[off + c * kw + r - o] = theta[off + c * kw + r + o];
    if (kind == 0) theta[off + r] = -1.0, theta[off + r + 1] = 1.0;
  }
  PetscFunctionReturn(0);
}

/* ||step(x) - skip x|| / ||x|| with step = x - tau W^T phi(W x): skip 0 gives the block's growth,
   skip 1 the fixed-point map's stretch of the difference x - 0. */
static PetscErrorCode StepRatio(PdennSymStep *step, PetscReal tau, Vec x, PetscReal skip, PetscReal *ratio)
{
  Vec       y;
  PetscReal nx, ny;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PdennSymStepApply(step, tau, x, y, NULL));
  PetscCall(VecAXPY(y, -skip, x));
  PetscCall(VecNorm(x, NORM_2, &nx));
  PetscCall(VecNorm(y, NORM_2, &ny));
  *ratio = ny / nx;
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

/* Checks 1-3 on block k of a projected model; factor 2 (block) or 1 (fixed point), sector L. */
static PetscErrorCode CheckBlock(PdennModel model, PetscInt k, PetscInt N, PetscReal factor, PetscReal L, const char label[])
{
  PdennSymStep   *step;
  PetscReal       tau, b, norm2, *v, worst = 0.0, ratio, grow;
  const PetscReal skip = factor == 1.0 ? 1.0 : 0.0;
  DM              da;
  Vec             x;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetSymStep(model, k, &step));
  PetscCall(PdennModelGetStepBound(model, k, &b, &tau, NULL));
  PetscCall(PetscMalloc1(N, &v));
  PetscCall(PdennDenseConvNorm2(step->conv.c_out, step->conv.radius, step->conv.bc, step->conv.w, N, &norm2, v));
  PetscCheck(tau * L * norm2 <= factor * (1.0 + 1e-12), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s block %" PetscInt_FMT ": projected tau %.17g gives tau L ||W||^2 = %.17g > %g (||W||^2 = %.17g exactly, the projection's bound %.17g)", label, k, (double)tau, (double)(tau * L * norm2), (double)factor, (double)norm2, (double)b);
  PetscCheck(b >= norm2 * (1.0 - 1e-12), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s block %" PetscInt_FMT ": bound %.17g below ||W||^2 = %.17g", label, k, (double)b, (double)norm2);
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(PdennDenseToVec(v, AMPLITUDE, x));
  PetscCall(StepRatio(step, tau, x, skip, &worst));
  for (PetscInt s = 0; s < 4; s++) {
    PetscCall(NNTestFill(x, 40 + s, 1.0 + s, s % 2 ? 0.3 : 0.0));
    PetscCall(StepRatio(step, tau, x, skip, &ratio));
    worst = PetscMax(worst, ratio);
  }
  PetscCall(PdennDenseToVec(v, AMPLITUDE, x));
  PetscCall(StepRatio(step, 1.01 * factor / (L * norm2), x, skip, &grow));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s block %" PetscInt_FMT ": ||W||^2 %.6f, bound/||W||^2 %.6f, tau L ||W||^2 %.6f; worst ratio %.15f; at 1.01 x limit %.6f\n", label, k, (double)norm2, (double)(b / norm2), (double)(tau * L * norm2), (double)worst, (double)grow));
  PetscCheck(worst <= 1.0 + 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s block %" PetscInt_FMT ": ratio %.17g > 1 at the projected tau", label, k, (double)worst);
  PetscCheck(grow > 1.005, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s block %" PetscInt_FMT ": the top eigenvector does not grow (%.17g) at 1.01 x the limit: the worst case is not realised", label, k, (double)grow);
  PetscCall(VecDestroy(&x));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

/* A model from exactly the keys in opts (a fresh options database, so cases do not mix). */
static PetscErrorCode BuildModel(const char prefix[], const char opts[], PetscInt N, PdennModel *model)
{
  PetscOptions options;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertString(options, opts));
  PetscCall(PetscOptionsPush(options));
  PetscCall(PdennModelCreate(PETSC_COMM_WORLD, prefix, model));
  PetscCall(PdennModelSetFromOptions(*model));
  PetscCall(PdennModelSetUp(*model, N));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscFunctionReturn(0);
}

/* Weight kinds 0 (K), 1 (positive), 2 (signed): block k of sym_resnet/fsi_resnet gets kind k;
   the recurrent network's one weight set gets each kind in turn. */
static PetscErrorCode CheckModel(const char type[], const char extra[], PetscReal L, PetscInt N)
{
  const PetscInt M = 3, r = 2;
  PdennModel     model;
  PdennModelType mt;
  char           opts[256], label[160];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-w_model_type %s -w_blocks 3 -w_channels %d -w_kernel_radius %d %s", type, (int)M, (int)r, extra));
  PetscCall(BuildModel("w_", opts, N, &model));
  PetscCall(PdennModelGetType(model, &mt));
  PetscCall(PetscSNPrintf(label, sizeof(label), "%s %s", type, extra));
  PetscCall(NNTestSetGroups(model, "act_g", 1e30, PETSC_FALSE)); /* clipped to L: phi(s) = L s, the sector's edge */
  for (PetscInt kind = 0; kind < 3; kind++) {
    const PetscInt k = mt == PDENN_MODEL_RECURRENT ? 0 : kind;
    PetscCall(SetWeights(model, k, kind, M, r, 3));
    PetscCall(NNTestSetGroups(model, "tau", 1e30, PETSC_FALSE)); /* projected to the largest admissible value */
    PetscCall(PdennModelProject(model));
    PetscCall(CheckBlock(model, k, N, mt == PDENN_MODEL_RECURRENT ? 1.0 : 2.0, L, label));
  }
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

/* One FSI cycle of 40 blocks with W = K (channel 0), linear activation, on the top mode of K^T K */
static PetscErrorCode CheckFSICycle(PetscInt N)
{
  const PetscInt nb = 40, r = 1;
  PdennModel     model;
  PdennSymStep  *step;
  PetscReal      norm2, *v, tau, ratio[2];
  DM             da;
  Vec            x, y;

  PetscFunctionBeginUser;
  PetscCall(BuildModel("f_", "-f_model_type fsi_resnet -f_blocks 40 -f_cycle_length 40 -f_channels 2 -f_kernel_radius 1 -f_activation linear", N, &model));
  for (PetscInt k = 0; k < nb; k++) PetscCall(SetWeights(model, k, 0, 2, r, 0));
  PetscCall(NNTestSetGroups(model, "tau", 1e30, PETSC_FALSE));
  PetscCall(PdennModelProject(model));
  PetscCall(PdennModelGetStepBound(model, 0, NULL, &tau, NULL));
  PetscCall(PdennModelGetSymStep(model, 0, &step));
  PetscCall(PetscMalloc1(N, &v));
  PetscCall(PdennDenseConvNorm2(2, r, PDENN_BC_REFLECT, step->conv.w, N, &norm2, v));
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &y));
  for (PetscInt pass = 0; pass < 2; pass++) {
    PetscReal nx, ny;
    if (pass == 1) PetscCall(NNTestSetGroups(model, "tau", 1.01 * 2.0 / norm2, PETSC_FALSE));
    PetscCall(PdennDenseToVec(v, 1.0, x));
    PetscCall(PdennModelForward(model, x, y));
    PetscCall(VecNorm(x, NORM_2, &nx));
    PetscCall(VecNorm(y, NORM_2, &ny));
    ratio[pass] = ny / nx;
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "fsi_resnet cycle of 40, W = K, top mode: ||y||/||x|| = %.15f at tau %.6f (tau ||K||^2 = %.6f), %.6f at 1.01 x the limit\n", (double)ratio[0], (double)tau, (double)(tau * norm2), (double)ratio[1]));
  PetscCheck(ratio[0] <= 1.0 + 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FSI cycle at the projected tau: the top mode grew by %.17g", (double)ratio[0]);
  PetscCheck(ratio[1] > 1.01, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FSI cycle at 1.01 x the limit: the top mode did not grow (%.17g)", (double)ratio[1]);
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(PetscFree(v));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char     *types[3] = {"sym_resnet", "fsi_resnet", "recurrent"};
  const char     *acts[4]  = {"-w_activation linear", "-w_activation perona_malik -w_act_lambda 0.5", "-w_activation trainable -w_act_nodes 4 -w_act_bound 2", "-w_activation linear -w_bc zero"};
  const PetscReal L[4]     = {1.0, 1.0, 2.0, 1.0};
  const PetscInt  N        = 40;

  PetscFunctionBeginUser;
  for (PetscInt t = 0; t < 3; t++)
    for (PetscInt a = 0; a < 4; a++) PetscCall(CheckModel(types[t], acts[a], L[a], N));
  PetscCall(CheckFSICycle(N));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "worst-case stability checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
