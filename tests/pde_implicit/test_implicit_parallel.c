/* Every implicit method and linear solver against one reference: the run configured entirely
   from the options (-method, -N, -order, -flux, -t_stop, -ksp_type, -pc_type, -snes_*, ...) on
   all ranks is gathered to rank 0 (VecScatterCreateToZero) and compared with a fresh problem
   on PETSC_COMM_SELF solved with the same options but the baseline linear solver CG + Jacobi
   (semi-implicit) or GMRES + Jacobi (Newton), rtol 1e-13 (the cases pass -ksp_rtol 1e-13 and
   Newton -snes_rtol 1e-13 too). So one test checks both that the parallel run matches the
   one-rank result and that -pc_type mg/hypre/lu/cholesky agree with the baseline. With
   -baseline_direct the baseline solves each step by LU instead (PETSc's, on one rank), so the
   run is checked against a direct solve.
   Tolerance 1e-10 relative, derived: a solve of A x = b stopped at relative residual r in the
   KSP's norm has a true residual <= c r |b|, c the condition number of the preconditioner that
   defines the norm (1 unpreconditioned or direct; cond(D) <= 1 + tau ||K||^2 = 21 for Jacobi at
   the default tau = 10 tau_max, ||K||^2 = 2/tau_max; ~cond(A) <= 21 for the spectrally
   equivalent PCMG/hypre), and ||A^-1|| <= 1 (A = I + tau K^T G K, G >= 0), so one step's error
   is <= 21e-13 |u|. Newton stops at ||F|| <= 1e-13 ||F(u^k)|| with ||F(u^k)|| = tau
   ||K^T Phi(K u^k)|| <= tau ||K||^2 |u| (2 |u| at tau_max, 20 |u| for Charbonnier at tau = 5)
   and ||J^-1|| <= 4/3 (Phi' >= -1/8 for Perona-Malik, tau <= tau_max; Phi' > 0 for
   Charbonnier): <= 2e-12 |u| per step. Over 10 steps that is <= 2.1e-11 per run if later steps
   do not amplify earlier errors -- true for a linear A^-1 (norm <= 1); Newton's Perona-Malik
   case amplifies by at most (4/3)^10 ~ 18 on its 2.7e-13 per step (1.4e-11); for the
   semi-implicit map with a diffusivity that depends on u no bound is proven, and the measured
   differences show no growth. Two runs then differ by <= 4.2e-11 < 1e-10. Measured: <= 3.1e-13
   (3.2e-12 at the old rtol 1e-12). */
#include "implicit_test.h"

static PetscErrorCode Run(MPI_Comm comm, PetscBool baseline, PetscBool direct, Vec *u_out)
{
  PdennDiffusion pde;
  PdennSolver    s;
  KSP            ksp = NULL;
  PC             pc;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionCreate(comm, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PdennSolverCreate(pde, &s));
  PetscCall(PdennSolverSetFromOptions(s));
  s->monitor_every = -1;
  if (s->method == PDENN_METHOD_SEMI_IMPLICIT) ksp = s->ksp;
  if (s->method == PDENN_METHOD_IMPLICIT_NEWTON) PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCheck(ksp, comm, PETSC_ERR_ARG_WRONG, "-method must be semi_implicit or implicit_newton");
  if (baseline && direct)
    PetscCall(TestKSPDirect(ksp));
  else if (baseline) {
    PetscCall(KSPSetType(ksp, s->method == PDENN_METHOD_SEMI_IMPLICIT ? KSPCG : KSPGMRES));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetType(pc, PCJACOBI));
    PetscCall(KSPSetTolerances(ksp, 1e-13, 1e-50, PETSC_DEFAULT, 10000));
  }
  PetscCall(DMCreateGlobalVector(pde->da, u_out));
  PetscCall(TestFillSignal(pde->da, *u_out, 0.05, 0.3));
  PetscCall(PdennSolverSolve(s, *u_out));
  PetscCall(PetscPrintf(comm, "%s %s: %" PetscInt_FMT " steps of %g, %" PetscInt_FMT " linear, %" PetscInt_FMT " nonlinear iterations\n", baseline ? (direct ? "direct baseline" : "baseline") : "run", PdennMethods[s->method], s->info.steps, (double)s->info.tau, s->info.linear_its, s->info.nonlinear_its));
  PetscCheck(s->info.steps > 1 && s->info.linear_its > 0, comm, PETSC_ERR_PLIB, "the run did no work");
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode CompareOnRankZero(Vec u, PetscBool direct)
{
  VecScatter  scatter;
  Vec         u0, ref;
  PetscMPIInt rank;
  PetscReal   rel = 0.0;

  PetscFunctionBeginUser;
  PetscCall(VecScatterCreateToZero(u, &scatter, &u0));
  PetscCall(VecScatterBegin(scatter, u, u0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, u, u0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank == 0) {
    PetscCall(Run(PETSC_COMM_SELF, PETSC_TRUE, direct, &ref));
    PetscCall(PdennTestRelDiff(u0, ref, NORM_2, PETSC_SMALL, &rel));
    PetscCall(VecDestroy(&ref));
  }
  PetscCallMPI(MPI_Bcast(&rel, 1, MPIU_REAL, 0, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "|run - one-rank baseline| / |baseline| = %.3e\n", (double)rel));
  PetscCheck(rel <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the run differs from the one-rank baseline by %g", (double)rel);
  PetscCall(VecScatterDestroy(&scatter));
  PetscCall(VecDestroy(&u0));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Vec       u;
  PetscBool direct = PETSC_FALSE;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Implicit methods: parallel and solver agreement"));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-baseline_direct", &direct, NULL));
  PetscCall(Run(PETSC_COMM_WORLD, PETSC_FALSE, PETSC_FALSE, &u));
  PetscCall(CompareOnRankZero(u, direct));
  PetscCall(VecDestroy(&u));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "implicit parallel check passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
