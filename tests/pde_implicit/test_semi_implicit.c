/* The semi-implicit scheme (src/pde/semi_implicit.c), docs/science.md §4:
   1. linear diffusion of a cosine mode, an eigenvector of K^T K with eigenvalue mu: every step
      multiplies it by 1/(1 + tau mu) (direct solver: to 1e-10, rounding of ~10 steps);
   2. unconditional stability: for every diffusivity and both orders, at tau = 1000 tau_max,
      the Euclidean norm never increases (direct solver; 1e-13 relative slack for rounding)
      and the mean is kept;
   3. consistency: semi-implicit and explicit steps differ by O(tau) on a smooth signal, i.e. the
      difference halves with tau (ratio in [1.8, 2.2]) and is below 1e-2 relative;
   4. the step is shortened to reach t_stop exactly (-tau 3, -t_stop 10: 4 steps of 2.5) and
      the default CG + Jacobi counts its iterations;
   5. a linear solve that cannot converge (-ksp_max_it 1) is a one-line PDENN_ERR_INPUT. */
#include "implicit_test.h"

/* u_i = cos(pi k (i + 1/2) / N): the half-sample reflecting boundary's eigenvectors */
static PetscErrorCode FillCosine(PdennDiffusion pde, PetscInt k, Vec u)
{
  PetscInt   xs, xm;
  PetscReal *ua;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDAGetOwnership(pde->da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(u, &ua));
  for (PetscInt i = 0; i < xm; i++) ua[i] = PetscCosReal(PETSC_PI * k * (xs + i + 0.5) / pde->N);
  PetscCall(VecRestoreArray(u, &ua));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckCosineDecay(PetscInt order)
{
  const PetscInt N = 64, k = 3, n_steps = 6;
  PdennDiffusion pde;
  PdennSolver    s;
  Vec            u, ref;
  PetscReal      tau, mu, factor, rel;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, N, order, 0.5, PDENN_FLUX_LINEAR, 1.0, &pde));
  mu     = 4.0 / (pde->h * pde->h) * PetscSqr(PetscSinReal(PETSC_PI * k / (2.0 * N)));
  mu     = order == 1 ? mu : mu * mu; /* order 2: K is minus the Neumann Laplacian, K^T K its square */
  tau    = order == 1 ? 0.7 : 5.0;
  factor = 1.0 / (1.0 + tau * mu);
  PetscCall(TestCreateSolver(pde, PDENN_METHOD_SEMI_IMPLICIT, n_steps * tau, tau, &s));
  PetscCall(TestKSPDirect(s->ksp));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &ref));
  PetscCall(FillCosine(pde, k, u));
  PetscCall(VecCopy(u, ref));
  PetscCall(PdennSolverSolve(s, u));
  PetscCheck(s->info.steps == n_steps, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "expected %" PetscInt_FMT " steps, took %" PetscInt_FMT, n_steps, s->info.steps);
  for (PetscInt j = 0; j < n_steps; j++) {
    PetscReal ratio = s->info.norm_hist[j + 1] / s->info.norm_hist[j];
    PetscCheck(PetscAbsReal(ratio - factor) <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT " step %" PetscInt_FMT ": decay %.15g, expected 1/(1 + tau mu) = %.15g", order, j, (double)ratio, (double)factor);
  }
  PetscCall(VecScale(ref, PetscPowReal(factor, n_steps)));
  PetscCall(PdennTestRelDiff(u, ref, NORM_2, PETSC_SMALL, &rel));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT ": cosine decay per step 1/(1 + tau mu) = %.12f, final mode error %.2e\n", order, (double)factor, (double)rel));
  PetscCheck(rel <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT ": the cosine mode is not preserved (%g)", order, (double)rel);
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&ref));
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckNormDecreases(PetscInt order, PdennFluxType flux)
{
  PdennDiffusion pde;
  PdennSolver    s;
  Vec            u;
  PetscReal      tau_max, sum0, sum1;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, 64, order, 1.0, flux, 0.1, &pde));
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  PetscCall(TestCreateSolver(pde, PDENN_METHOD_SEMI_IMPLICIT, 8000.0 * tau_max, 1000.0 * tau_max, &s));
  PetscCall(TestKSPDirect(s->ksp));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(TestFillSignal(pde->da, u, 0.3, 0.5));
  PetscCall(VecSum(u, &sum0));
  PetscCall(PdennSolverSolve(s, u));
  PetscCall(VecSum(u, &sum1));
  /* 1^T K^T = (K 1)^T = 0: every step keeps the mean (rounding: 1e-12 of the sum of |u|) */
  PetscCheck(PetscAbsReal(sum1 - sum0) <= 1e-12 * pde->N, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT ", %s: the mean changed: sum %.15g -> %.15g", order, PdennFluxTypes[flux], (double)sum0, (double)sum1);
  for (PetscInt j = 0; j + 1 < s->info.n_hist; j++)
    PetscCheck(s->info.norm_hist[j + 1] <= s->info.norm_hist[j] * (1.0 + 1e-13), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT ", %s: |u| grew at step %" PetscInt_FMT ": %.15g -> %.15g", order, PdennFluxTypes[flux], j, (double)s->info.norm_hist[j], (double)s->info.norm_hist[j + 1]);
  PetscCheck(s->info.steps == 8, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "expected 8 steps, took %" PetscInt_FMT, s->info.steps);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT " %-16s: tau = 1000 tau_max, |u| %.6f -> %.6f, never increasing\n", order, PdennFluxTypes[flux], (double)s->info.norm_hist[0], (double)s->info.norm_hist[s->info.n_hist - 1]));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

/* |semi-implicit - explicit| / |explicit| after t_stop with n explicit steps of tau */
static PetscErrorCode ExplicitGap(PdennDiffusion pde, PetscReal t_stop, PetscInt n, PetscReal *gap)
{
  PdennSolver s;
  Vec         u, v;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &v));
  PetscCall(TestFillSignal(pde->da, u, 0.15, 0.0));
  PetscCall(VecCopy(u, v));
  for (PetscInt k = 0; k < n; k++) PetscCall(PdennDiffusionExplicitStep(pde, t_stop / n, v, v));
  PetscCall(TestCreateSolver(pde, PDENN_METHOD_SEMI_IMPLICIT, t_stop, t_stop / n, &s));
  PetscCall(TestKSPDirect(s->ksp));
  PetscCall(PdennSolverSolve(s, u));
  PetscCheck(s->info.steps == n, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "expected %" PetscInt_FMT " steps, took %" PetscInt_FMT, n, s->info.steps);
  PetscCall(PdennTestRelDiff(u, v, NORM_2, PETSC_SMALL, gap));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&v));
  PetscCall(PdennSolverDestroy(&s));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckAgreesWithExplicit(PetscInt order)
{
  PdennDiffusion pde;
  PetscReal      tau_max, t_stop, gap1, gap2;
  PetscInt       n = 16;

  PetscFunctionBeginUser;
  /* lambda above the gradients (|u'| <= 0.15, |u''| <= 0.0225): forward, smooth diffusion */
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, 64, order, 1.0, PDENN_FLUX_PERONA_MALIK, order == 1 ? 0.3 : 0.05, &pde));
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  t_stop = n * 0.5 * tau_max;
  PetscCall(ExplicitGap(pde, t_stop, n, &gap1));
  PetscCall(ExplicitGap(pde, t_stop, 2 * n, &gap2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT ": |semi-implicit - explicit| = %.3e (tau), %.3e (tau/2), ratio %.3f\n", order, (double)gap1, (double)gap2, (double)(gap1 / gap2)));
  PetscCheck(gap1 < 1e-2 && gap1 / gap2 > 1.8 && gap1 / gap2 < 2.2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %" PetscInt_FMT ": semi-implicit vs explicit not O(tau): %g, %g", order, (double)gap1, (double)gap2);
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckStepsAndCounts(void)
{
  PdennDiffusion pde;
  PdennSolver    s;
  Vec            u;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, 64, 1, 1.0, PDENN_FLUX_PERONA_MALIK, 0.1, &pde));
  PetscCall(TestCreateSolver(pde, PDENN_METHOD_SEMI_IMPLICIT, 10.0, 3.0, &s));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(TestFillSignal(pde->da, u, 0.3, 0.5));
  PetscCall(PdennSolverSolve(s, u));
  PetscCheck(s->info.steps == 4 && s->info.tau == 2.5 && s->info.t_stop == 10.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "-tau 3 -t_stop 10: %" PetscInt_FMT " steps of %g to %g, expected 4 of 2.5 to 10", s->info.steps, (double)s->info.tau, (double)s->info.t_stop);
  PetscCheck(s->info.linear_its >= 4 && s->info.nonlinear_its == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "counts: %" PetscInt_FMT " linear, %" PetscInt_FMT " nonlinear iterations", s->info.linear_its, s->info.nonlinear_its);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-tau 3 -t_stop 10: 4 steps of 2.5, %" PetscInt_FMT " CG iterations\n", s->info.linear_its));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennSolverDestroy(&s));
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
  PetscCall(TestCreateSolver(pde, PDENN_METHOD_SEMI_IMPLICIT, 10.0, 5.0, &s));
  PetscCall(KSPSetTolerances(s->ksp, 1e-14, 1e-50, PETSC_DEFAULT, 1));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(TestFillSignal(pde->da, u, 0.3, 0.5));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PdennSolverSolve(s, u);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PDENN_ERR_INPUT, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a diverged linear solve returned %d, expected PDENN_ERR_INPUT", (int)ierr);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "-ksp_max_it 1: the diverged linear solve is reported as an input error\n"));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Semi-implicit scheme checks"));
  for (PetscInt order = 1; order <= 2; order++) {
    PetscCall(CheckCosineDecay(order));
    for (PetscInt f = 0; f < PDENN_FLUX_NTYPES; f++) PetscCall(CheckNormDecreases(order, (PdennFluxType)f));
    PetscCall(CheckAgreesWithExplicit(order));
  }
  PetscCall(CheckStepsAndCounts());
  PetscCall(CheckDivergenceIsReported());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "semi-implicit checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
