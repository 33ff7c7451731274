/* The fully implicit scheme of docs/science.md §4, u^{k+1} = u^k - tau K^T Phi(K u^{k+1}), solved by
   PETSc SNES (Newton) on F(v) = v - u^k + tau K^T Phi(K v) with the Jacobian
   I + tau K^T diag(Phi'(K v)) K: the semi-implicit matrix with weights Phi' instead of g. */
#include <pdenn/pde.h>

typedef struct {
  PdennDiffusion pde;
  PetscReal      tau;
  Vec            u_old;    /* u^k */
  Vec            v_loc, z; /* ghosted v and K v, for the Jacobian's weights */
  Vec            phi, w;   /* Phi(K v) (unused) and the weights Phi'(K v) */
} NewtonCtx;

static PetscErrorCode FormFunction(SNES snes, Vec v, Vec F, void *ctx_)
{
  NewtonCtx *ctx = (NewtonCtx *)ctx_;

  PetscFunctionBeginUser;
  (void)snes;
  PetscCall(PdennDiffusionResidual(ctx->pde, v, F));
  PetscCall(VecScale(F, ctx->tau));
  PetscCall(VecAXPY(F, 1.0, v));
  PetscCall(VecAXPY(F, -1.0, ctx->u_old));
  PetscFunctionReturn(0);
}

/* w = Phi'(K v) through the shared convolution and flux code */
static PetscErrorCode FluxDerivative(NewtonCtx *ctx, Vec v, Vec w)
{
  PetscReal *va, *za, *pa, *wa;
  PetscInt   n;
  PetscBool  at_left, at_right;

  PetscFunctionBeginUser;
  if (ctx->pde->dim > 1) { /* a d x d block per point: the isotropic flux couples the components */
    PetscCall(PdennGridOpFluxJacobian(&ctx->pde->grid, ctx->pde->flux, v, w));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennDMDAGetGhostedArray(ctx->pde->da, v, ctx->v_loc, PDENN_BC_REFLECT, &va, &n, &at_left, &at_right));
  PetscCall(VecGetArray(ctx->z, &za));
  PetscCall(VecGetArray(ctx->phi, &pa));
  PetscCall(VecGetArray(w, &wa));
  PetscCall(PdennConv1dForward(&ctx->pde->K, n, va, za));
  PetscCall(PdennFluxApply(ctx->pde->flux, n, za, pa, wa));
  PetscCall(VecRestoreArray(w, &wa));
  PetscCall(VecRestoreArray(ctx->phi, &pa));
  PetscCall(VecRestoreArray(ctx->z, &za));
  PetscCall(VecRestoreArray(ctx->v_loc, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode FormJacobian(SNES snes, Vec v, Mat J, Mat P, void *ctx_)
{
  NewtonCtx *ctx = (NewtonCtx *)ctx_;

  PetscFunctionBeginUser;
  (void)snes;
  PetscCall(FluxDerivative(ctx, v, ctx->w));
  PetscCall(PdennDiffusionImplicitMatrix(ctx->pde, ctx->tau, ctx->w, P));
  if (J != P) { /* e.g. -snes_mf_operator */
    PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(0);
}

/* PETSc takes any integer for its iteration limits: SNESSolve with -snes_max_it -1 returns
   without a converged reason (an internal error), -snes_max_it 0 fails every step, and a
   -ksp_max_it below 1 fails later with a misleading hint about the flux. Refused here, naming
   the key. (A negative -snes_max_funcs means no limit to PETSc: it works.) */
static PetscErrorCode CheckIterationLimits(SNES snes, KSP ksp)
{
  PetscReal atol, rtol, stol, dtol;
  PetscInt  snes_max_it, max_funcs, ksp_max_it;
  PetscBool preonly;
  MPI_Comm  comm = PetscObjectComm((PetscObject)snes);

  PetscFunctionBeginUser;
  PetscCall(SNESGetTolerances(snes, &atol, &rtol, &stol, &snes_max_it, &max_funcs));
  PetscCheck(snes_max_it >= 1, comm, PDENN_ERR_INPUT, "key -snes_max_it: value %" PetscInt_FMT " leaves Newton no iteration; expected an integer >= 1", snes_max_it);
  PetscCall(KSPGetTolerances(ksp, &rtol, &atol, &dtol, &ksp_max_it));
  PetscCall(PetscObjectTypeCompare((PetscObject)ksp, KSPPREONLY, &preonly)); /* takes no limit */
  PetscCheck(preonly || ksp_max_it >= 1, comm, PDENN_ERR_INPUT, "key -ksp_max_it: value %" PetscInt_FMT " leaves the linear solver no iteration; expected an integer >= 1", ksp_max_it);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverSetFromOptions_ImplicitNewton(PdennSolver s)
{
  PdennDiffusion pde = s->pde;
  KSP            ksp;

  PetscFunctionBeginUser;
  PetscCheck(pde->da, pde->comm, PETSC_ERR_ORDER, "call PdennDiffusionSetUp before PdennSolverSetFromOptions");
  if (!s->A) {
    PetscCall(DMCreateMatrix(pde->da, &s->A));
    /* symmetric, but indefinite where a nonmonotone flux has Phi' < 0 and tau is large */
    PetscCall(MatSetOption(s->A, MAT_SYMMETRIC, PETSC_TRUE));
    PetscCall(MatSetOption(s->A, MAT_SYMMETRY_ETERNAL, PETSC_TRUE));
  }
  if (!s->snes) {
    PetscCall(SNESCreate(pde->comm, &s->snes));
    PetscCall(SNESSetDM(s->snes, pde->da)); /* the hierarchy for -pc_type mg */
  }
  PetscCall(SNESSetFromOptions(s->snes));
  PetscCall(SNESGetKSP(s->snes, &ksp));
  PetscCall(CheckIterationLimits(s->snes, ksp));
  PetscCall(PdennDiffusionKSPSetUpMG(pde, ksp));
  PetscFunctionReturn(0);
}

static PetscErrorCode NewtonCtxCreate(PdennDiffusion pde, PetscReal tau, Vec u, NewtonCtx *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(ctx, sizeof(*ctx))); /* dim > 1 leaves the 1D work vectors NULL */
  ctx->pde = pde;
  ctx->tau = tau;
  PetscCall(VecDuplicate(u, &ctx->u_old));
  if (pde->dim > 1) { /* nz^2 Jacobian values per point; K v lives in the grid operator */
    PetscInt n;
    PetscCall(VecGetLocalSize(u, &n));
    PetscCall(VecCreateMPI(pde->comm, n * pde->grid.nz * pde->grid.nz, PETSC_DETERMINE, &ctx->w));
    PetscFunctionReturn(0);
  }
  PetscCall(VecDuplicate(u, &ctx->z));
  PetscCall(VecDuplicate(u, &ctx->phi));
  PetscCall(VecDuplicate(u, &ctx->w));
  PetscCall(DMCreateLocalVector(pde->da, &ctx->v_loc));
  PetscFunctionReturn(0);
}

static PetscErrorCode NewtonCtxDestroy(NewtonCtx *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&ctx->u_old));
  PetscCall(VecDestroy(&ctx->z));
  PetscCall(VecDestroy(&ctx->phi));
  PetscCall(VecDestroy(&ctx->w));
  PetscCall(VecDestroy(&ctx->v_loc));
  PetscFunctionReturn(0);
}

/* Adds the iterations of the step just solved to the run's counts. */
static PetscErrorCode CountNewtonSolve(PdennSolver s, SNESConvergedReason *reason, PetscInt *its)
{
  PetscInt lits;

  PetscFunctionBeginUser;
  PetscCall(SNESGetConvergedReason(s->snes, reason));
  PetscCall(SNESGetIterationNumber(s->snes, its));
  PetscCall(SNESGetLinearSolveIterations(s->snes, &lits));
  s->info.nonlinear_its += *its;
  s->info.linear_its += lits;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverRun_ImplicitNewton(PdennSolver s, Vec u)
{
  NewtonCtx           ctx;
  PetscReal           tau     = 0.0;
  PetscInt            n_steps = 0, k, its = 0;
  SNESConvergedReason reason = SNES_CONVERGED_ITERATING;

  PetscFunctionBeginUser;
  PetscCheck(s->snes, s->pde->comm, PETSC_ERR_ORDER, "call PdennSolverSetFromOptions before PdennSolverSolve");
  /* default tau_max: beyond it a nonmonotone flux's implicit equation may have no solution
     near u^k (forward-backward diffusion), and Newton stalls; monotone fluxes take any -tau */
  PetscCall(PdennSolverImplicitStep(s, 1.0, &tau, &n_steps));
  s->info.tau = tau;
  /* ctx lives for this run only: every run sets the callbacks again */
  PetscCall(NewtonCtxCreate(s->pde, tau, u, &ctx));
  PetscCall(SNESSetFunction(s->snes, NULL, FormFunction, &ctx));
  PetscCall(SNESSetJacobian(s->snes, s->A, s->A, FormJacobian, &ctx));
  for (k = 0; k < n_steps; k++) {
    PetscCall(VecCopy(u, ctx.u_old));
    PetscCall(SNESSolve(s->snes, NULL, u)); /* u^k is the initial guess */
    PetscCall(CountNewtonSolve(s, &reason, &its));
    if (reason < 0) break;
    s->info.steps++;
    s->info.t_stop = k + 1 == n_steps ? s->t_stop : (k + 1) * tau;
    PetscCall(PdennSolverRecordStep(s, u, s->info.t_stop));
  }
  PetscCall(NewtonCtxDestroy(&ctx));
  /* raised after the clean-up, so a caller that handles the error leaks nothing */
  PetscCheck(reason >= 0, s->pde->comm, PDENN_ERR_INPUT, "implicit Newton step %" PetscInt_FMT " (tau = %g): SNES diverged (%s) after %" PetscInt_FMT " Newton iterations; a nonmonotone flux (here %s) makes the Jacobian indefinite for large tau: reduce -tau, or adjust -snes_linesearch_type, -snes_max_it, -ksp_type, -pc_type (-snes_converged_reason, -snes_monitor to see why)", k + 1, (double)tau, SNESConvergedReasons[reason], its, PdennFluxTypes[s->pde->flux.type]);
  PetscFunctionReturn(0);
}
