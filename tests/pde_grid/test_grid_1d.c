/* The d-dimensional operator (src/op/grid.c) is one code for every d: on a 1D DMDA it must give
   the 1D solvers' step (the symmetric step with the 3-point kernel, src/op/symstep.c), to
   rounding (the two compute Phi(s) through g(s^2) s and Phi directly: <= 1e-15 relative), for
   every flux and both orders, at the rank count of the run. */
#include "gridtest.h"

static PetscErrorCode CheckFlux(PdennFluxType flux, PetscInt order)
{
  PdennDiffusion pde;
  PdennGridOp    op;
  Vec            u, a, b;
  PetscReal      tau, d, s;
  char           opts[128];
  PetscOptions   options;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N 97 -h 0.5 -order %d -flux %s -lambda 0.3", (int)order, PdennFluxTypes[flux]));
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertString(options, opts));
  PetscCall(PetscOptionsPush(options));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PdennGridOpSetUp(&op, pde->da, order, pde->h));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &a));
  PetscCall(VecDuplicate(u, &b));
  PetscCall(PdennTestFillSignal(pde->da, u, 1.0, 0.3));
  PetscCall(PdennDiffusionTauMax(pde, &tau));
  PetscCall(PdennDiffusionExplicitStep(pde, tau, u, a));
  PetscCall(PdennGridOpStep(&op, pde->flux, NULL, 1.0, tau, u, b));
  PetscCall(VecAXPY(b, -1.0, a));
  PetscCall(VecNorm(b, NORM_INFINITY, &d));
  PetscCall(VecNorm(a, NORM_INFINITY, &s));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "1D order %d %-16s: |grid op step - 1D step| / |step| = %.2e\n", (int)order, PdennFluxTypes[flux], (double)(d / s)));
  PetscCheck(d <= 1e-15 * s, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s: the d-dimensional operator differs from the 1D step by %g", (int)order, PdennFluxTypes[flux], (double)(d / s));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&a));
  PetscCall(VecDestroy(&b));
  PetscCall(PdennGridOpDestroy(&op));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "The d-dimensional operator at d = 1"));
  for (PetscInt order = 1; order <= 2; order++)
    for (PetscInt f = 0; f < PDENN_FLUX_NTYPES; f++) PetscCall(CheckFlux((PdennFluxType)f, order));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid 1d checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
