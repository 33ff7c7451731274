/* The fully implicit scheme by Newton (src/pde/implicit_newton.c), docs/science.md §4:
   1. at tau = tau_max/4 (where the fixed-point iteration contracts by tau L |K|^2 <= 1/2) the
      Newton solution of every flux but relu (not differentiable at 0) equals the fixed point of
      v = u^k - tau K^T Phi(K v), iterated here to 1e-15, to 1e-10 relative (SNES and KSP rtol
      1e-12, 5 steps); and PdennSolverRun_ImplicitFixedPoint (-fixed_point_rtol 1e-13) agrees with
      Newton to 1e-10;
   2. Newton converges quadratically with the assembled Jacobian: at most 6 iterations per step
      on average (measured 1.0 for linear, 3.0-4.8 for the others; with the Picard matrix
      I + tau K^T G K in place of the Jacobian, a wrong Phi', it needs 14.6 for Perona-Malik);
   3. Newton and semi-implicit differ by O(tau): the gap is below 1e-2 and halves with tau (ratio
      in [1.8, 2.2]), orders 1 and 2;
   4. a Newton solve that cannot converge (-snes_max_it 1) returns PDENN_ERR_INPUT. */
#include "implicit_test.h"

static PetscErrorCode SetTightTolerances(PdennSolver s)
{
  KSP ksp;

  PetscFunctionBeginUser;
  PetscCall(SNESSetTolerances(s->snes, 1e-50, 1e-12, 0.0, 50, 1000));
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(KSPSetTolerances(ksp, 1e-12, 1e-50, PETSC_DEFAULT, 1000));
  PetscFunctionReturn(0);
}

/* n steps of the fully implicit scheme by the fixed-point iteration, each to 1e-15 */
static PetscErrorCode FixedPointReference(PdennDiffusion pde, PetscReal tau, PetscInt n, Vec u)
{
  Vec       v, r;
  PetscReal change, norm;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(u, &v));
  PetscCall(VecDuplicate(u, &r));
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(VecCopy(u, v));
    for (PetscInt l = 0; l < 500; l++) {
      PetscCall(PdennDiffusionResidual(pde, v, r));
      PetscCall(VecAYPX(r, -tau, u)); /* u^k - tau K^T Phi(K v) */
      PetscCall(VecAXPY(v, -1.0, r));
      PetscCall(VecNorm(v, NORM_2, &change));
      PetscCall(VecNorm(r, NORM_2, &norm));
      PetscCall(VecCopy(r, v));
      if (change <= 1e-15 * norm) break;
    }
    PetscCall(VecCopy(v, u));
  }
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&r));
  PetscFunctionReturn(0);
}

/* Runs method on the signal of TestFillSignal(a, b) into u; returns its run info's counts. */
static PetscErrorCode RunMethod(PdennDiffusion pde, PdennMethod method, PetscReal t_stop, PetscReal tau, PetscReal a, PetscReal b, Vec u, PetscInt *steps, PetscInt *newton_its)
{
  PdennSolver s;

  PetscFunctionBeginUser;
  PetscCall(TestCreateSolver(pde, method, t_stop, tau, &s));
  if (method == PDENN_METHOD_IMPLICIT_NEWTON) PetscCall(SetTightTolerances(s));
  if (method == PDENN_METHOD_SEMI_IMPLICIT) PetscCall(TestKSPDirect(s->ksp));
  PetscCall(TestFillSignal(pde->da, u, a, b));
  PetscCall(PdennSolverSolve(s, u));
  if (steps) *steps = s->info.steps;
  if (newton_its) *newton_its = s->info.nonlinear_its;
  PetscCall(PdennSolverDestroy(&s));
  PetscFunctionReturn(0);
}

/* pdenn's own fixed-point method on the same problem agrees with Newton */
static PetscErrorCode CompareLibraryFixedPoint(PdennDiffusion pde, PetscReal t_stop, PetscReal tau, Vec newton)
{
  PdennSolver s;
  Vec         u;
  PetscReal   rel = 0.0;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(newton, &u));
  PetscCall(TestCreateSolver(pde, PDENN_METHOD_IMPLICIT_FIXED_POINT, t_stop, tau, &s));
  s->fp_rtol = 1e-13;
  PetscCall(TestFillSignal(pde->da, u, 0.3, 0.5));
  PetscCall(PdennSolverSolve(s, u));
  PetscCall(PdennTestRelDiff(u, newton, NORM_2, PETSC_SMALL, &rel));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  library fixed point vs Newton %.2e\n", (double)rel));
  PetscCheck(rel <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "PdennSolverRun_ImplicitFixedPoint and Newton differ by %g", (double)rel);
  PetscCall(VecDestroy(&u));
  PetscCall(PdennSolverDestroy(&s));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckAgainstFixedPoint(PetscInt order, PdennFluxType flux)
{
  PdennDiffusion pde;
  Vec            u, ref;
  PetscReal      tau_max, tau, rel;
  PetscInt       steps, its;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, 64, order, 1.0, flux, 0.1, &pde));
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  tau = 0.25 * tau_max;
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &ref));
  PetscCall(RunMethod(pde, PDENN_METHOD_IMPLICIT_NEWTON, 5 * tau, tau, 0.3, 0.5, u, &steps, &its));
  PetscCall(TestFillSignal(pde->da, ref, 0.3, 0.5));
  PetscCall(FixedPointReference(pde, tau, 5, ref));
  PetscCall(PdennTestRelDiff(u, ref, NORM_2, PETSC_SMALL, &rel));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT " %-16s: Newton vs fixed point %.2e, %.1f Newton iterations per step\n", order, PdennFluxTypes[flux], (double)rel, (double)its / steps));
  PetscCheck(steps == 5 && rel <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT ", %s: Newton and fixed point differ by %g", order, PdennFluxTypes[flux], (double)rel);
  PetscCheck(its <= 6 * steps, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT ", %s: %" PetscInt_FMT " Newton iterations for %" PetscInt_FMT " steps: not quadratic", order, PdennFluxTypes[flux], its, steps);
  PetscCall(CompareLibraryFixedPoint(pde, 5 * tau, tau, u));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&ref));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode SemiImplicitGap(PdennDiffusion pde, PetscReal t_stop, PetscInt n, PetscReal *gap)
{
  Vec u, v;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &v));
  PetscCall(RunMethod(pde, PDENN_METHOD_IMPLICIT_NEWTON, t_stop, t_stop / n, 0.15, 0.0, u, NULL, NULL));
  PetscCall(RunMethod(pde, PDENN_METHOD_SEMI_IMPLICIT, t_stop, t_stop / n, 0.15, 0.0, v, NULL, NULL));
  PetscCall(PdennTestRelDiff(u, v, NORM_2, PETSC_SMALL, gap));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckAgreesWithSemiImplicit(PetscInt order)
{
  PdennDiffusion pde;
  PetscReal      tau_max, gap1, gap2;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, 64, order, 1.0, PDENN_FLUX_PERONA_MALIK, order == 1 ? 0.3 : 0.05, &pde));
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  PetscCall(SemiImplicitGap(pde, 16 * tau_max, 8, &gap1));
  PetscCall(SemiImplicitGap(pde, 16 * tau_max, 16, &gap2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT ": |Newton - semi-implicit| = %.3e (tau), %.3e (tau/2), ratio %.3f\n", order, (double)gap1, (double)gap2, (double)(gap1 / gap2)));
  PetscCheck(gap1 < 1e-2 && gap1 / gap2 > 1.8 && gap1 / gap2 < 2.2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT ": Newton vs semi-implicit not O(tau): %g, %g", order, (double)gap1, (double)gap2);
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckDivergenceIsReported(void)
{
  PdennDiffusion pde;
  PdennSolver    s;
  Vec            u;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, 64, 1, 1.0, PDENN_FLUX_PERONA_MALIK, 0.1, &pde));
  PetscCall(TestCreateSolver(pde, PDENN_METHOD_IMPLICIT_NEWTON, 10.0, 5.0, &s));
  PetscCall(SNESSetTolerances(s->snes, 1e-50, 1e-14, 0.0, 1, 1000));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(TestFillSignal(pde->da, u, 0.3, 0.5));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PdennSolverSolve(s, u);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PDENN_ERR_INPUT, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a diverged Newton step returned %d, expected PDENN_ERR_INPUT", (int)ierr);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-snes_max_it 1: the diverged Newton step is reported as an input error\n"));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Implicit Newton scheme checks"));
  for (PetscInt order = 1; order <= 2; order++) {
    /* relu is not differentiable at 0: Newton's quadratic convergence is not promised there */
    for (PetscInt f = 0; f < PDENN_FLUX_NTYPES; f++)
      if (f != PDENN_FLUX_RELU) PetscCall(CheckAgainstFixedPoint(order, (PdennFluxType)f));
    PetscCall(CheckAgreesWithSemiImplicit(order));
  }
  PetscCall(CheckDivergenceIsReported());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "implicit Newton checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
