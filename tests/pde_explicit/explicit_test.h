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

/* PdennTestInit for a test signal: ctx points to the TestSignal */
static inline PetscErrorCode TestInitSignal(DM da, Vec u, const void *ctx)
{
  PetscFunctionBeginUser;
  PetscCall(TestFillSignal(da, *(const TestSignal *)ctx, u));
  PetscFunctionReturn(0);
}

/* PdennTestRunSolver from a test signal; errors of the solver are raised. */
static inline PetscErrorCode TestRun(MPI_Comm comm, const char opts[], TestSignal signal, PdennTestRun *res)
{
  PetscFunctionBeginUser;
  PetscCall(PdennTestRunSolver(comm, opts, TestInitSignal, &signal, NULL, res));
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
