/* Euclidean stability (docs/science.md §2-4) of the explicit-type solvers at admissible tau, for every
   diffusivity (linear, perona_malik, exp_perona_malik, charbonnier, weickert) and orders 1 and 2,
   on a noisy piecewise-constant signal with lambda in the range of its gradients (so the
   nonmonotone fluxes act backward somewhere):
   - explicit and implicit fixed point: ||u^{k+1}|| <= ||u^k|| after every step;
   - FED (diffusivity frozen per cycle) and FSI: after every cycle (inner FED steps exceed the
     limit on purpose; for FSI only the cycle is asserted, the per-step count is printed).
   Slack: 1e-13 relative for the explicit-type methods (rounding of a step and of VecNorm on 64
   values is ~1e-15; any instability grows a mode by a factor > 1 + 1e-3 per step here);
   1e-10 for the fixed point, whose iterates solve the implicit step only to within
   q/(1-q) fp_rtol relative (contraction rate q = 1/2 at the default tau for |Phi'| <= 1,
   -fixed_point_rtol 1e-12). */
#include "explicit_test.h"

/* Largest relative increase ||u^{j+stride}|| / ||u^j|| - 1 over the history (stride 1: steps,
   stride n: cycles) and how many increases beyond slack there were. */
static void NormIncrease(const PdennRunInfo *info, PetscInt stride, PetscReal slack, PetscReal *worst, PetscInt *count)
{
  *worst = 0.0;
  *count = 0;
  for (PetscInt j = 0; j + stride < info->n_hist; j += stride) {
    const PetscReal inc = info->norm_hist[j + stride] / info->norm_hist[j] - 1.0;

    *worst = PetscMax(*worst, inc);
    if (inc > slack) (*count)++;
  }
}

static PetscErrorCode CheckMethod(const char method[], const char flux[], PetscInt order)
{
  const PetscBool cyclic = (PetscBool)(!strcmp(method, "fed") || !strcmp(method, "fsi"));
  const PetscBool fp     = (PetscBool)!strcmp(method, "implicit_fixed_point");
  const PetscReal slack  = fp ? 1e-10 : 1e-13;
  char            opts[256];
  PdennTestRun    r;
  PetscReal       worst, worst_step;
  PetscInt        count, count_step, stride;

  PetscFunctionBeginUser;
  /* 40 plain explicit steps (tau_max = 1/2 or 1/8), FED/FSI in 4 cycles */
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method %s -flux %s -lambda %g -order %d -N 64 -t_stop %g -cycles 4 -fixed_point_rtol 1e-12 -fixed_point_max_it 1000 -monitor_every -1", method, flux, order == 1 ? 0.1 : 0.2, (int)order, order == 1 ? 20.0 : 5.0));
  PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_NOISY, &r));
  stride = cyclic ? r.info.steps / r.info.cycles : 1;
  NormIncrease(&r.info, stride, slack, &worst, &count);
  NormIncrease(&r.info, 1, slack, &worst_step, &count_step);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-20s %-16s order %d: %3d steps, |u| %.6f -> %.6f, largest increase per %s %+.1e; steps with an increase: %d\n", method, flux, (int)order, (int)r.info.steps, (double)r.info.norm_hist[0], (double)r.info.norm_hist[r.info.n_hist - 1], cyclic ? "cycle" : "step ", (double)worst, (int)count_step));
  PetscCheck(count == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s, flux %s, order %d: the Euclidean norm grew %d times (by up to %g relative) at admissible tau", method, flux, (int)order, (int)count, (double)worst);
  PetscCheck(r.info.norm_hist[r.info.n_hist - 1] < 0.999 * r.info.norm_hist[0], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s, flux %s, order %d: hardly any smoothing happened, the test would be vacuous", method, flux, (int)order);
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const char *methods[] = {"explicit", "fed", "fsi", "implicit_fixed_point"};
  const char *fluxes[]  = {"linear", "perona_malik", "exp_perona_malik", "charbonnier", "weickert"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Euclidean stability of the explicit-type solvers"));
  for (PetscInt m = 0; m < 4; m++)
    for (PetscInt f = 0; f < 5; f++)
      for (PetscInt order = 1; order <= 2; order++) PetscCall(CheckMethod(methods[m], fluxes[f], order));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "stability checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
