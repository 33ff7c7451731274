/* Helpers shared by the tests of every area: one relative difference for vectors and one for
   plain arrays, so that every "agrees with the reference to tol" means the same thing, and one
   run of the solver API under an option string, so that every solver test runs it the same way. */
#pragma once
#include <pdenn/pdenn.h>

/* ||x - ref|| / max(||ref||, floor) in the norm `type`; x and ref are left unchanged. A floor of
   1 makes the difference absolute for small references, PETSC_SMALL keeps it relative. */
static inline PetscErrorCode PdennTestRelDiff(Vec x, Vec ref, NormType type, PetscReal floor, PetscReal *d)
{
  Vec       e;
  PetscReal ne, nr;

  PetscFunctionBeginUser;
  *d = PETSC_MAX_REAL; /* set on every path, so that no caller reads an unset value */
  PetscCall(VecDuplicate(x, &e));
  PetscCall(VecWAXPY(e, -1.0, ref, x));
  PetscCall(VecNorm(e, type, &ne));
  PetscCall(VecNorm(ref, type, &nr));
  *d = ne / PetscMax(nr, floor);
  PetscCall(VecDestroy(&e));
  PetscFunctionReturn(0);
}

/* max |x - ref| / max(max |ref|, 1) of two arrays (already gathered or summed over ranks) */
static inline PetscReal PdennTestArrayRelDiff(PetscInt n, const PetscReal x[], const PetscReal ref[])
{
  PetscReal e = 0.0, r = 1.0;

  for (PetscInt i = 0; i < n; i++) {
    e = PetscMax(e, PetscAbsReal(x[i] - ref[i]));
    r = PetscMax(r, PetscAbsReal(ref[i]));
  }
  return e / r;
}

/* A smooth multi-channel signal with a rough component, x[i][c] = sin(a i + c) + rough cos(7.1 i)
   + 0.1 c at global point i: the same values whatever the rank layout. */
static inline PetscErrorCode PdennTestFillSignal(DM da, Vec x, PetscReal a, PetscReal rough)
{
  PetscInt   xs, xm, dof;
  PetscReal *xa;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PdennDMDAGetOwnership(da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt i = 0; i < xm; i++)
    for (PetscInt c = 0; c < dof; c++) xa[i * dof + c] = PetscSinReal(a * (xs + i) + c) + rough * PetscCosReal(7.1 * (xs + i)) + 0.1 * c;
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

/* What a test keeps of a solver run: the solution (on the problem's DMDA, which it references),
   the run info with its own copies of the norm and time histories, and PdennDiffusionTauMax. */
typedef struct {
  Vec          u;
  PdennRunInfo info;
  PetscReal    tau_max;
} PdennTestRun;

/* Sets the initial values u (a global vector of the problem's DMDA da) of a run */
typedef PetscErrorCode (*PdennTestInit)(DM da, Vec u, const void *ctx);

/* Runs the solver API (PdennDiffusionCreate/SetFromOptions/SetUp, PdennSolverCreate/
   SetFromOptions/Solve) on comm with exactly the options in opts (a fresh options database is
   pushed, so runs do not see each other's keys), or with the current database if opts is NULL,
   from the initial values init(da, u, ctx). With ierr, the solver's error code is returned there
   instead of raised (quietly, so that a test can expect a refusal); the run is kept either way. */
static inline PetscErrorCode PdennTestRunSolver(MPI_Comm comm, const char opts[], PdennTestInit init, const void *ctx, PetscErrorCode *ierr, PdennTestRun *res)
{
  PetscOptions   options = NULL;
  PdennDiffusion pde;
  PdennSolver    solver;
  PetscErrorCode solve_ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(res, sizeof(*res)));
  if (opts) {
    PetscCall(PetscOptionsCreate(&options));
    PetscCall(PetscOptionsInsertString(options, opts));
    PetscCall(PetscOptionsPush(options));
  }
  PetscCall(PdennDiffusionCreate(comm, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PdennDiffusionTauMax(pde, &res->tau_max));
  PetscCall(PdennSolverCreate(pde, &solver));
  PetscCall(PdennSolverSetFromOptions(solver));
  PetscCall(DMCreateGlobalVector(pde->da, &res->u));
  PetscCall(init(pde->da, res->u, ctx));
  if (ierr) PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  solve_ierr = PdennSolverSolve(solver, res->u);
  if (ierr) {
    PetscCall(PetscPopErrorHandler());
    *ierr = solve_ierr;
  } else
    PetscCall(solve_ierr);
  res->info              = solver->info; /* take over the histories: the solver must not free them */
  solver->info.norm_hist = NULL;
  solver->info.time_hist = NULL;
  PetscCall(PdennSolverDestroy(&solver));
  PetscCall(PdennDiffusionDestroy(&pde));
  if (opts) {
    PetscCall(PetscOptionsPop());
    PetscCall(PetscOptionsDestroy(&options));
  }
  PetscFunctionReturn(0);
}

static inline PetscErrorCode PdennTestRunDestroy(PdennTestRun *r)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&r->u));
  PetscCall(PetscFree(r->info.norm_hist));
  PetscCall(PetscFree(r->info.time_hist));
  PetscFunctionReturn(0);
}
