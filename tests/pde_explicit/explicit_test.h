/* Helpers shared by the tests of the explicit-type solvers (src/pde/explicit.c, fed.c, fsi.c,
   implicit_fixed_point.c): test signals defined by formulas of the global index (so every rank
   layout sees the same data) and a run of the solver API under a given option string. */
#pragma once
#include <pdenn/pdenn.h>
#include "pdenn_test.h"

typedef enum {
  TEST_SIGNAL_NOISY,
  TEST_SIGNAL_COSINE
} TestSignal;

/* Noisy piecewise-constant signal: five plateaus plus a deterministic pseudo-random perturbation
   of amplitude 0.1 (a sine hash of the index: no generator state, rank independent). */
static inline PetscReal TestNoisyValue(PetscInt i, PetscInt N)
{
  static const PetscReal plateau[5] = {0.2, 0.9, 0.4, 1.0, 0.1};
  const PetscReal        hash       = PetscSinReal(12.9898 * (i + 1)) * 43758.5453;

  return plateau[(5 * i) / N] + 0.1 * (2.0 * (hash - PetscFloorReal(hash)) - 1.0);
}

/* The lowest discrete cosine mode cos(pi x / Lx) at the cell centres x = (i + 1/2) h, Lx = N h:
   an eigenvector of K^T K for both orders under reflecting boundaries. */
static inline PetscReal TestCosineValue(PetscInt i, PetscInt N)
{
  return PetscCosReal(PETSC_PI * (i + 0.5) / N);
}

static inline PetscErrorCode TestFillSignal(DM da, TestSignal signal, Vec u)
{
  PetscInt   xs, xm, N;
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, &N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PdennDMDAGetOwnership(da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(u, &a));
  for (PetscInt i = 0; i < xm; i++) a[i] = signal == TEST_SIGNAL_NOISY ? TestNoisyValue(xs + i, N) : TestCosineValue(xs + i, N);
  PetscCall(VecRestoreArray(u, &a));
  PetscFunctionReturn(0);
}

/* Eigenvalue of K^T K for the lowest cosine mode: mu = (4/h^2) sin^2(pi/(2N)) for order 1
   (K^T K = -Laplacian), mu^2 for order 2 (K = Laplacian). */
static inline PetscReal TestCosineEigenvalue(PetscInt N, PetscReal h, PetscInt order)
{
  const PetscReal s = PetscSinReal(PETSC_PI / (2.0 * N)), mu = 4.0 * s * s / (h * h);

  return order == 1 ? mu : mu * mu;
}

/* What a test keeps of a run: the solution (on the problem's DMDA, which it references) and the
   run info with its own copies of the norm and time histories. */
typedef struct {
  Vec          u;
  PdennRunInfo info;
  PetscReal    tau_max;
} TestResult;

static inline PetscErrorCode TestResultDestroy(TestResult *r)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&r->u));
  PetscCall(PetscFree(r->info.norm_hist));
  PetscCall(PetscFree(r->info.time_hist));
  PetscFunctionReturn(0);
}

/* Runs the solver API (PdennDiffusionCreate/SetFromOptions/SetUp, PdennSolverCreate/
   SetFromOptions/Solve) on comm with exactly the options in opts (a fresh options database is
   pushed, so runs do not see each other's keys), or with the current database if opts is NULL. */
static inline PetscErrorCode TestRun(MPI_Comm comm, const char opts[], TestSignal signal, TestResult *res)
{
  PetscOptions   options = NULL;
  PdennDiffusion pde;
  PdennSolver    solver;

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
  PetscCall(TestFillSignal(pde->da, signal, res->u));
  PetscCall(PdennSolverSolve(solver, res->u));
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

/* max_i |u_i - decay u0_i| / max_i |decay u0_i| for the cosine mode u0 */
static inline PetscErrorCode TestModeError(Vec u, PetscReal decay, PetscReal *err)
{
  Vec       exact;
  DM        da;
  PetscReal n_exact;

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(u, &da));
  PetscCall(VecDuplicate(u, &exact));
  PetscCall(TestFillSignal(da, TEST_SIGNAL_COSINE, exact));
  PetscCall(VecScale(exact, decay));
  PetscCall(VecNorm(exact, NORM_INFINITY, &n_exact));
  PetscCall(VecAXPY(exact, -1.0, u));
  PetscCall(VecNorm(exact, NORM_INFINITY, err));
  *err /= n_exact;
  PetscCall(VecDestroy(&exact));
  PetscFunctionReturn(0);
}
