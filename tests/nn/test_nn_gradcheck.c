/* Finite-difference check of a whole model's backward pass (prefix g_, type and sizes from the
   command line): dL/dtheta for every parameter (weights, biases, tau, activation tables) and
   dL/dx for every input point, L = 0.5 ||y - t||^2, central differences with eps = 1e-6.
   Central differences are O(eps^2) = 1e-12 accurate for smooth L and lose about
   1e-16 |L| / eps ~ 1e-10 |L| to rounding (see NNTestRelErr's floor), so 1e-6 relative separates
   right from wrong by orders: a wrong term in a backward pass gives errors of order one.
   Kinks (relu at 0, table nodes, s_max) are met only if a pre-activation lies within ~eps of
   one; with random data (fixed seeds) the chance is ~1e-5 per value, and it did not happen.
   -dim 2 or 3 with -Nx -Ny (-Nz) checks the model on a d-dimensional grid (tests/nn2d). */
#include "nntest.h"

static const char help[] = "Finite-difference gradient check of a pdenn model.\n";

static PetscErrorCode CheckTheta(PdennModel model, Vec x, Vec t, const PetscReal an[], PetscReal eps, PetscReal *max_err)
{
  PetscReal *theta, gmax = 0.0, lp, lm;
  PetscInt   n, ng;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetParameters(model, &theta));
  PetscCall(PdennModelGetNumParameters(model, &n));
  PetscCall(PdennModelGetNumGroups(model, &ng));
  for (PetscInt j = 0; j < n; j++) gmax = PetscMax(gmax, PetscAbsReal(an[j]));
  *max_err = 0.0;
  for (PetscInt g = 0; g < ng; g++) {
    const char *name;
    PetscInt    off, size;
    PetscReal   gerr = 0.0;
    PetscCall(NNTestGroup(model, g, &name, &off, &size));
    for (PetscInt j = off; j < off + size; j++) {
      const PetscReal save = theta[j];
      theta[j]             = save + eps;
      PetscCall(NNTestLoss(model, x, t, &lp, NULL, NULL));
      theta[j] = save - eps;
      PetscCall(NNTestLoss(model, x, t, &lm, NULL, NULL));
      theta[j] = save;
      gerr     = PetscMax(gerr, NNTestRelErr(an[j], (lp - lm) / (2 * eps), gmax));
      if (NNTestRelErr(an[j], (lp - lm) / (2 * eps), gmax) > 1e-6) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "    [%" PetscInt_FMT "] analytic %.10e fd %.10e gmax %g\n", j - off, (double)an[j], (double)((lp - lm) / (2 * eps)), (double)gmax));
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-22s %4" PetscInt_FMT " values, max rel err %.2e\n", name, size, (double)gerr));
    *max_err = PetscMax(*max_err, gerr);
  }
  PetscFunctionReturn(0);
}

/* x_i += delta, set from rank 0 only (every rank adding would add size * delta) */
static PetscErrorCode Perturb(Vec x, PetscInt i, PetscReal delta)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)x), &rank));
  if (!rank) PetscCall(VecSetValue(x, i, delta, ADD_VALUES));
  PetscCall(VecAssemblyBegin(x));
  PetscCall(VecAssemblyEnd(x));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckInput(PdennModel model, Vec x, Vec t, Vec dx, PetscReal eps, PetscReal *max_err)
{
  PetscReal *an, gmax = 0.0, lp, lm;
  PetscInt   N;

  PetscFunctionBeginUser;
  PetscCall(NNTestGather(dx, &an, &N));
  for (PetscInt i = 0; i < N; i++) gmax = PetscMax(gmax, PetscAbsReal(an[i]));
  *max_err = 0.0;
  for (PetscInt i = 0; i < N; i++) {
    PetscCall(Perturb(x, i, eps));
    PetscCall(NNTestLoss(model, x, t, &lp, NULL, NULL));
    PetscCall(Perturb(x, i, -2 * eps));
    PetscCall(NNTestLoss(model, x, t, &lm, NULL, NULL));
    PetscCall(Perturb(x, i, eps));
    *max_err = PetscMax(*max_err, NNTestRelErr(an[i], (lp - lm) / (2 * eps), gmax));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-22s %4" PetscInt_FMT " values, max rel err %.2e\n", "input x", N, (double)*max_err));
  PetscCall(PetscFree(an));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PdennModel      model;
  DM              da;
  Vec             x, t, dx;
  PetscInt        N = 16, n, dim = 1, M[3];
  PetscReal      *dtheta, loss, err_theta, err_x;
  const PetscReal eps = 1e-6, tol = 1e-6;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-N", &N, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-dim", &dim, NULL)); /* 2, 3: -Nx -Ny -Nz points per axis (default N) */
  M[0] = M[1] = M[2] = N;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Nx", &M[0], NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Ny", &M[1], NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Nz", &M[2], NULL));
  if (dim == 1)
    PetscCall(NNTestModel(PETSC_COMM_WORLD, "g_", "", N, &model));
  else {
    PetscCall(PdennModelCreate(PETSC_COMM_WORLD, "g_", &model));
    PetscCall(PdennModelSetFromOptions(model));
    PetscCall(PdennModelSetUpGrid(model, dim, M));
  }
  PetscCall(PdennModelView(model, NULL));
  PetscCall(NNTestRandomTheta(model, 3, 0.6));
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &t));
  PetscCall(VecDuplicate(x, &dx));
  PetscCall(NNTestFill(x, 11, 1.0, 0.0));
  PetscCall(NNTestFill(t, 12, 1.0, 0.0));
  PetscCall(PdennModelGetNumParameters(model, &n));
  PetscCall(PetscMalloc1(n, &dtheta));
  PetscCall(NNTestLoss(model, x, t, &loss, dx, dtheta));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "loss %.6e, %" PetscInt_FMT " parameters\n", (double)loss, n));
  PetscCall(CheckTheta(model, x, t, dtheta, eps, &err_theta));
  PetscCall(CheckInput(model, x, t, dx, eps, &err_x));
  PetscCheck(err_theta <= tol && err_x <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "gradient check failed: max rel err %g (theta), %g (x) > %g", (double)err_theta, (double)err_x, (double)tol);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "gradient check passed (tolerance %g)\n", (double)tol));
  PetscCall(PetscFree(dtheta));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&t));
  PetscCall(VecDestroy(&dx));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
