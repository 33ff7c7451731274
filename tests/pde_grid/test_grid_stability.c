/* Stability of the 2D/3D schemes (docs/science.md, images and volumes):
   1. The bound: K^T K assembled densely from pdenn's own residual (-flux linear: r = K^T K u) on
      small grids, its largest eigenvalue computed (Jacobi, pdenn_dense.h), not assumed: it must
      equal the closed form sum_c (4/h^2) sin^2(pi (M_c - 1) / (2 M_c)) (order 1; its square for
      order 2) to 1e-12 and stay below 4d/h^2 ((4d)^2/h^4); the matrix must be symmetric to
      1e-14 (K^T is K's exact adjoint).
   2. The input that realises ||K||^2 (that top eigenvector; on 33^d points it is within 0.3% of
      the bound, so 1.01 tau_max exceeds the true limit): one explicit step at tau_max does
      not increase its norm; at 1.01 tau_max the step is refused without -allow_unstable and
      grows the norm with it.
   3. Every flux and method on a rough image (a step plus uniform noise, lambda in the range of
      its gradients so the nonmonotone fluxes act backward somewhere): the Euclidean norm does
      not grow, after every step (explicit, fixed point, semi-implicit, Newton) or every cycle
      (FED, FSI), slack 1e-13 (1e-10 for the iterated solves, which solve to their tolerance).
      Newton steps tau_max/4: at its default tau_max the nonmonotone Weickert flux has no
      solution near u^k on this image (SNES stops with the one-line error that names -tau). */
#include "gridtest.h"
#include "pdenn_dense.h"

static PetscReal UnitAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  return p[0] + M[0] * (p[1] + M[1] * p[2]) == *(const PetscInt *)ctx ? 1.0 : 0.0;
}

/* Dense K^T K (natural order) of the problem set up from opts, on one rank, column by column */
static PetscErrorCode DenseKTK(const char opts[], PetscInt n, PetscReal G[])
{
  PetscOptions   options;
  PdennDiffusion pde;
  Vec            u, r;
  PetscReal     *col;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertString(options, opts));
  PetscCall(PetscOptionsPush(options));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_SELF, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &r));
  for (PetscInt j = 0; j < n; j++) {
    GridFill fill = {UnitAt, &j};
    PetscCall(GridInit(pde->da, u, &fill));
    PetscCall(PdennDiffusionResidual(pde, u, r));
    PetscCall(GridGatherNatural(r, &col));
    for (PetscInt i = 0; i < n; i++) G[i * n + j] = col[i];
    PetscCall(PetscFree(col));
  }
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&r));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckBound(PetscInt dim, PetscInt order, const PetscInt M[3], PetscReal h)
{
  const PetscInt n = M[0] * M[1] * M[2];
  PetscReal     *G, *v, top, exact = 0.0, asym = 0.0, bound;
  char           opts[256];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -Nx %d -Ny %d -Nz %d -h %g -order %d -flux linear", (int)dim, (int)M[0], (int)M[1], (int)M[2], (double)h, (int)order));
  PetscCall(PetscMalloc2(n * n, &G, n, &v));
  PetscCall(DenseKTK(opts, n, G));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < i; j++) asym = PetscMax(asym, PetscAbsReal(G[i * n + j] - G[j * n + i]));
  PetscCall(PdennDenseTopEig(n, G, &top, v));
  for (PetscInt c = 0; c < dim; c++) exact += RefModeEigenvalue(M[c] - 1, M[c], h, 1);
  if (order == 2) exact *= exact;
  bound = order == 1 ? 4.0 * dim / (h * h) : PetscSqr(4.0 * dim) / PetscPowReal(h, 4);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d, %d x %d x %d, h %g: lambda_max(K^T K) = %.15g, closed form %.15g, bound %g, asymmetry %.1e\n", (int)dim, (int)order, (int)M[0], (int)M[1], (int)M[2], (double)h, (double)top, (double)exact, (double)bound, (double)asym));
  PetscCheck(PetscAbsReal(top - exact) <= 1e-12 * exact && top < bound, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d: largest eigenvalue %.15g, expected %.15g (< %g)", (int)dim, (int)order, (double)top, (double)exact, (double)bound);
  PetscCheck(asym <= 1e-14 * bound, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d: K^T K is not symmetric (%g): K^T is not K's adjoint", (int)dim, (int)order, (double)asym);
  PetscCall(PetscFree2(G, v));
  PetscFunctionReturn(0);
}

typedef struct {
  PetscInt dim;
} TopMode;

/* The top eigenvector of K^T K: the highest cosine mode along every axis */
static PetscReal TopModeAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  PetscReal v = 1.0;
  for (PetscInt c = 0; c < ((const TopMode *)ctx)->dim; c++) v *= RefMode(M[c] - 1, p[c], M[c]);
  return v;
}

static PetscErrorCode CheckTopMode(PetscInt dim, PetscInt order)
{
  TopMode        tm   = {dim};
  GridFill       fill = {TopModeAt, &tm};
  PdennTestRun   r;
  PetscErrorCode ierr;
  PetscReal      ratio[2], tau_max = order == 1 ? 1.0 / (2.0 * dim) : 1.0 / (8.0 * dim * dim);
  char           opts[256];

  PetscFunctionBeginUser;
  for (PetscInt pass = 0; pass < 2; pass++) {
    const PetscReal tau = (pass ? 1.01 : 1.0) * tau_max;
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -N 33 -order %d -flux linear -method explicit -t_stop %.17g -tau %.17g -monitor_every -1 -allow_unstable", (int)dim, (int)order, (double)tau, (double)tau));
    PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, NULL, &r));
    ratio[pass] = r.info.norm_hist[1] / r.info.norm_hist[0];
    PetscCall(PdennTestRunDestroy(&r));
  }
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -N 33 -order %d -flux linear -method explicit -t_stop %.17g -tau %.17g -monitor_every -1", (int)dim, (int)order, 1.01 * tau_max, 1.01 * tau_max));
  PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, &ierr, &r));
  PetscCall(PdennTestRunDestroy(&r));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d top eigenvector: |u1|/|u0| = %.6f at tau_max, %.6f at 1.01 tau_max; without -allow_unstable: %s\n", (int)dim, (int)order, (double)ratio[0], (double)ratio[1], ierr == PDENN_ERR_INPUT ? "refused" : "NOT refused"));
  PetscCheck(ratio[0] <= 1.0 && ratio[1] > 1.0 && ierr == PDENN_ERR_INPUT, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d: the step limit is not where the top eigenvector becomes unstable", (int)dim, (int)order);
  PetscFunctionReturn(0);
}

/* A vertical step plus uniform noise of amplitude 0.1 */
static PetscReal RoughAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  return (2 * p[0] < M[0] ? 0.0 : 1.0) + 0.1 * GridNoise(ctx, p, M);
}

static PetscErrorCode CheckNorms(PetscInt dim, PetscInt order, const char method[], const char flux[], const char decomp[])
{
  const PetscBool cyclic = (PetscBool)(!strcmp(method, "fed") || !strcmp(method, "fsi"));
  const PetscBool exact  = (PetscBool)(cyclic || !strcmp(method, "explicit"));
  const PetscReal slack  = exact ? 1e-13 : 1e-10;
  uint64_t        seed   = 7;
  GridFill        fill   = {RoughAt, &seed};
  PdennTestRun    r;
  PetscReal       worst = 0.0;
  PetscInt        stride;
  const PetscReal tau_max = order == 1 ? 1.0 / (2.0 * dim) : 1.0 / (8.0 * dim * dim);
  char            opts[512];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -N %d -order %d -flux %s -lambda %g -method %s -t_stop %g -tau %.17g -cycles 3 -fixed_point_rtol 1e-12 -fixed_point_max_it 1000 -ksp_rtol 1e-12 -snes_rtol 1e-12 -monitor_every -1 %s", (int)dim, dim == 2 ? 24 : 10, (int)order, flux, order == 1 ? 0.1 : 0.2, method, 12.0 * tau_max, strcmp(method, "implicit_newton") ? 0.0 : 0.25 * tau_max, dim == 2 ? decomp : ""));
  PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, NULL, &r));
  stride = cyclic ? r.info.steps / r.info.cycles : 1;
  for (PetscInt j = 0; j + stride < r.info.n_hist; j += stride) worst = PetscMax(worst, r.info.norm_hist[j + stride] / r.info.norm_hist[j] - 1.0);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d %-20s %-16s: %3d steps, |u| %.6f -> %.6f, largest increase per %s %+.1e\n", (int)dim, (int)order, method, flux, (int)r.info.steps, (double)r.info.norm_hist[0], (double)r.info.norm_hist[r.info.n_hist - 1], cyclic ? "cycle" : "step ", (double)worst));
  PetscCheck(worst <= slack, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d, %s, flux %s: the Euclidean norm grew by %g relative", (int)dim, (int)order, method, flux, (double)worst);
  PetscCheck(r.info.norm_hist[r.info.n_hist - 1] < (1.0 - 1e-6) * r.info.norm_hist[0], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d, %s, flux %s: hardly any smoothing happened, the test would be vacuous", (int)dim, (int)order, method, flux);
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const char    *methods[] = {"explicit", "fed", "fsi", "implicit_fixed_point", "semi_implicit", "implicit_newton"};
  const char    *fluxes[]  = {"linear", "perona_malik", "exp_perona_malik", "charbonnier", "weickert"};
  const PetscInt M2[3] = {9, 7, 1}, M3[3] = {5, 4, 3};
  char           decomp[128];
  PetscMPIInt    size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Stability of the 2D/3D schemes"));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (PetscInt order = 1; order <= 2 && size == 1; order++) {
    PetscCall(CheckBound(2, order, M2, 1.0));
    PetscCall(CheckBound(2, order, M2, 0.5));
    PetscCall(CheckBound(3, order, M3, 1.0));
  }
  for (PetscInt dim = 2; dim <= 3; dim++)
    for (PetscInt order = 1; order <= 2; order++) {
      PetscCall(CheckTopMode(dim, order));
      for (PetscInt m = 0; m < 6; m++)
        for (PetscInt f = 0; f < 5; f++) PetscCall(CheckNorms(dim, order, methods[m], fluxes[f], decomp));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid stability checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
