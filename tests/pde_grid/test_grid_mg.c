/* Multigrid in 2D (docs/science.md, images and volumes): PCMG with the DMDA hierarchy and
   Galerkin coarse operators is no longer exact in one cycle as the 1D operator-dependent
   hierarchy is, but its convergence factor must not depend on the grid: one semi-implicit
   Perona-Malik step (tau = 10 tau_max) on a rough image, CG + PCMG to -ksp_rtol 1e-8, on
   M^2 grids for M = 65, 129, 257 (-sizes): the iteration counts must stay within 2 of each other
   (the criterion; docs/performance.md reports 129^2 to 2049^2 from pdenn_bench). GAMG
   must converge too (its count is printed, not bounded). */
#include "gridtest.h"

static PetscReal RoughAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  const PetscReal x = (p[0] + 0.5) / M[0], y = (p[1] + 0.5) / M[1];
  return ((x - 0.5) * (x - 0.5) + (y - 0.4) * (y - 0.4) < 0.09 ? 1.0 : 0.0) + 0.1 * GridNoise(ctx, p, M);
}

static PetscErrorCode Iterations(PetscInt M, const char pc[], const char decomp[], PetscInt *its)
{
  uint64_t     seed = 4;
  GridFill     fill = {RoughAt, &seed};
  PdennTestRun r;
  char         opts[512];

  PetscFunctionBeginUser;
  /* tau_max = 1/4 in 2D (h = 1): one step of 10 tau_max */
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim 2 -N %d -flux perona_malik -lambda 0.1 -method semi_implicit -t_stop 2.5 -tau 2.5 -ksp_type cg %s -ksp_rtol 1e-8 -monitor_every -1 %s", (int)M, pc, decomp));
  PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, NULL, &r));
  *its = r.info.linear_its;
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt  sizes[8] = {65, 129, 257}, n = 3, lo = PETSC_MAX_INT, hi = 0, its;
  char      decomp[128];
  PetscBool set;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "PCMG iterations over grid sizes in 2D"));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-sizes", sizes, &n, &set));
  if (!set) n = 3; /* PETSc sets n to 0 when the key is absent */
  PetscCheck(n >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-sizes: give at least three sizes");
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(Iterations(sizes[i], "-pc_type mg", decomp, &its));
    lo = PetscMin(lo, its), hi = PetscMax(hi, its);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%4d^2 CG + PCMG: %d iterations to rtol 1e-8 (mean reduction %.3f per iteration)\n", (int)sizes[i], (int)its, PetscPowReal(1e-8, 1.0 / its)));
    PetscCall(Iterations(sizes[i], "-pc_type gamg", decomp, &its));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%4d^2 CG + GAMG: %d iterations\n", (int)sizes[i], (int)its));
  }
  PetscCheck(hi - lo <= 2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "PCMG iterations range from %d to %d over the sizes: not grid independent", (int)lo, (int)hi);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid mg checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
