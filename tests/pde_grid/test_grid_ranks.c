/* Rank agreement of the 2D/3D solvers: every method on a rough image (Perona-Malik, order 1 and
   2) on all ranks of the run (with the decomposition the CTest case names) against the same run
   on one rank (each rank repeats it on PETSC_COMM_SELF): explicit, FED, FSI and the fixed point
   bitwise (every point's arithmetic is the same whatever the decomposition), the KSP/SNES solves
   to 1e-10 relative (their reductions and preconditioners depend on the decomposition;
   -ksp_rtol 1e-13). */
#include "gridtest.h"

static PetscReal RoughAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  return (p[0] + p[1] + p[2] < M[0] / 2 ? 0.3 : 0.8) + 0.1 * GridNoise(ctx, p, M);
}

static PetscErrorCode RunNatural(MPI_Comm comm, const char opts[], PetscReal **u)
{
  uint64_t     seed = 9;
  GridFill     fill = {RoughAt, &seed};
  PdennTestRun r;

  PetscFunctionBeginUser;
  PetscCall(PdennTestRunSolver(comm, opts, GridInit, &fill, NULL, &r));
  PetscCall(GridGatherNatural(r.u, u));
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckMethod(PetscInt dim, PetscInt order, const char method[], const char extra[], const char decomp[])
{
  const PetscBool bitwise = (PetscBool)(strcmp(method, "semi_implicit") && strcmp(method, "implicit_newton"));
  const PetscInt  M[3]    = {dim == 2 ? 33 : 17, dim == 2 ? 29 : 13, 11};
  const PetscInt  n       = M[0] * M[1] * (dim == 3 ? M[2] : 1);
  PetscReal      *par, *one, d = 0.0, s = 0.0;
  char            opts[512], opts1[512];
  PetscMPIInt     size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscSNPrintf(opts1, sizeof(opts1), "-dim %d -Nx %d -Ny %d -Nz %d -order %d -flux perona_malik -lambda %g -method %s -t_stop %g -cycles 2 -ksp_rtol 1e-13 -snes_rtol 1e-13 -monitor_every -1 %s", (int)dim, (int)M[0], (int)M[1], (int)M[2], (int)order, order == 1 ? 0.1 : 0.3, method, order == 1 ? 2.0 : 0.2, extra));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s %s", opts1, dim == 2 ? decomp : ""));
  PetscCall(RunNatural(PETSC_COMM_WORLD, opts, &par));
  PetscCall(RunNatural(PETSC_COMM_SELF, opts1, &one));
  for (PetscInt i = 0; i < n; i++) d = PetscMax(d, PetscAbsReal(par[i] - one[i])), s = PetscMax(s, PetscAbsReal(one[i]));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &d, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d %-20s %-28s on %d ranks against 1: max |difference| / max |u| = %.2e (%s)\n", (int)dim, (int)order, method, extra, size, (double)(d / s), bitwise ? "must be 0" : "<= 1e-10"));
  PetscCheck(bitwise ? d == 0.0 : d <= 1e-10 * s, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d, %s: %d ranks differ from one rank by %g", (int)dim, (int)order, method, size, (double)(d / s));
  PetscCall(PetscFree(par));
  PetscCall(PetscFree(one));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char decomp[128];

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Rank agreement of the 2D/3D solvers"));
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (PetscInt dim = 2; dim <= 3; dim++)
    for (PetscInt order = 1; order <= 2; order++) {
      PetscCall(CheckMethod(dim, order, "explicit", "", decomp));
      PetscCall(CheckMethod(dim, order, "fed", "", decomp));
      PetscCall(CheckMethod(dim, order, "fsi", "", decomp));
      PetscCall(CheckMethod(dim, order, "implicit_fixed_point", "", decomp));
      PetscCall(CheckMethod(dim, order, "semi_implicit", "-ksp_type cg -pc_type jacobi", decomp));
      PetscCall(CheckMethod(dim, order, "semi_implicit", "-pc_type mg", decomp));
      PetscCall(CheckMethod(dim, order, "semi_implicit", "-pc_type gamg", decomp));
      PetscCall(CheckMethod(dim, order, "implicit_newton", "", decomp));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid rank checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
