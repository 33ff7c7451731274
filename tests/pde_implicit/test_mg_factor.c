/* The V-cycle convergence factor of PCMG on the semi-implicit matrix, configured exactly as the
   solver configures it (DMDA hierarchy, Galerkin coarse operators, src/pde/semi_implicit.c):
   Richardson + one V-cycle per iteration from a zero guess, factor = (|r_k| / |r_0|)^(1/k) in
   the unpreconditioned 2-norm, asserted <= -max_factor (docs/science.md §5: a working multigrid
   reduces the residual by a grid-independent factor well below 1); the CMakeLists registers
   the same bound for every N from 65 to 4097 (pde_implicit_mg_grid_*) to show that.
   The matrix is I + tau K^T G(u) K for a rough signal u (Perona-Malik, tau = -tau_factor *
   tau_max: large, so the identity hardly helps) and a rough right-hand side.
   With -resolve, the KSP first solves a system with a smooth diffusivity, as in an earlier
   time step, so the factor also checks that a hierarchy built from the operator
   (-mg_interpolation operator) is rebuilt when the operator's values change.
   Keys: the problem's (-N, -order, -flux, -lambda), PETSc's (-pc_mg_levels, ...), and
   -tau_factor, -its, -max_factor, -resolve. */
#include "implicit_test.h"

static PetscErrorCode BuildSystem(PdennSolver s, PetscReal tau, PetscReal roughness, Vec b)
{
  PdennDiffusion pde = s->pde;
  Vec            u, g;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(b, &u));
  PetscCall(VecDuplicate(b, &g));
  PetscCall(TestFillSignal(pde->da, u, 0.02, roughness));
  PetscCall(PdennDiffusionDiffusivity(pde, u, g));
  PetscCall(PdennDiffusionImplicitMatrix(pde, tau, g, s->A));
  PetscCall(KSPSetOperators(s->ksp, s->A, s->A));
  PetscCall(TestFillSignal(pde->da, b, 1.1, 1.0));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&g));
  PetscFunctionReturn(0);
}

/* Records |r_k|; a monitor also keeps KSPRICHARDSON off PCApplyRichardson, which would run
   all V-cycles inside the PC without reporting residuals. */
static PetscErrorCode RecordResidual(KSP ksp, PetscInt k, PetscReal rnorm, void *ctx)
{
  PetscReal *hist = (PetscReal *)ctx;

  PetscFunctionBeginUser;
  (void)ksp;
  hist[k] = rnorm;
  PetscFunctionReturn(0);
}

static PetscErrorCode MeasureFactor(PdennSolver s, Vec b, PetscInt its, PetscReal *factor)
{
  Vec        x;
  PetscReal *hist;
  PetscInt   levels = 1, done;
  PC         pc;
  PetscBool  is_mg;
  PCType     type;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(b, &x));
  PetscCall(PetscCalloc1(its + 1, &hist));
  PetscCall(KSPSetType(s->ksp, KSPRICHARDSON));
  PetscCall(KSPSetNormType(s->ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(s->ksp, 1e-50, 1e-50, 1e50, its));
  PetscCall(KSPMonitorSet(s->ksp, RecordResidual, hist, NULL));
  PetscCall(KSPSolve(s->ksp, b, x));
  PetscCall(KSPGetIterationNumber(s->ksp, &done));
  PetscCheck(done == its && hist[its] > 0.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "expected %" PetscInt_FMT " V-cycles, ran %" PetscInt_FMT, its, done);
  *factor = PetscPowReal(hist[its] / hist[0], 1.0 / its);
  PetscCall(KSPGetPC(s->ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCMG, &is_mg));
  if (is_mg) PetscCall(PCMGGetLevels(pc, &levels));
  PetscCall(PCGetType(pc, &type));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "N = %" PetscInt_FMT ", order %" PetscInt_FMT ", -pc_type %s, %" PetscInt_FMT " levels: |r_k|/|r_0| =", s->pde->N, s->pde->order, type, levels));
  for (PetscInt k = 1; k <= its; k++) PetscCall(PetscPrintf(PETSC_COMM_WORLD, " %.2e", (double)(hist[k] / hist[0])));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\nconvergence factor per cycle %.4f\n", (double)*factor));
  PetscCall(PetscFree(hist));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PdennDiffusion pde;
  PdennSolver    s;
  Vec            b;
  PetscReal      tau_max, tau_factor = 1000.0, max_factor = 0.2, factor = 1.0;
  PetscInt       its     = 8;
  PetscBool      resolve = PETSC_FALSE;
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, "PCMG V-cycle convergence factor on the semi-implicit matrix"));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tau_factor", &tau_factor, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-max_factor", &max_factor, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-its", &its, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-resolve", &resolve, NULL));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  /* errors in the configuration (bad -N for the levels) are the user's: one line, exit 1 */
  ierr = TestCreateSolver(pde, PDENN_METHOD_SEMI_IMPLICIT, 1.0, 0.0, &s);
  if (ierr) return PdennFinalize(ierr);
  PetscCall(DMCreateGlobalVector(pde->da, &b));
  if (resolve) {
    Vec x;
    PetscCall(VecDuplicate(b, &x));
    PetscCall(BuildSystem(s, tau_factor * tau_max, 0.0, b));
    PetscCall(KSPSolve(s->ksp, b, x));
    PetscCall(VecDestroy(&x));
  }
  PetscCall(BuildSystem(s, tau_factor * tau_max, 0.3, b));
  PetscCall(MeasureFactor(s, b, its, &factor));
  PetscCheck(factor <= max_factor, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "convergence factor per cycle %g above %g", (double)factor, (double)max_factor);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "mg factor check passed\n"));
  PetscCall(VecDestroy(&b));
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennDiffusionDestroy(&pde));
  return PdennFinalize(0);
}
