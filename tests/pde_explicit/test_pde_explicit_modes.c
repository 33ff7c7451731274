/* Explicit-type solvers against the exact discrete solution of linear diffusion (-flux linear),
   orders 1 and 2, N = 32, h = 0.5 (so that a wrong power of h shows):
   1. the operator first: pdenn's K^T Phi(K u) (PdennDiffusionResidual) and its implicit matrix
      I + tau K^T K (PdennDiffusionImplicitMatrix, w = 1) equal, column by column, the dense K^T K
      built here from the definition of K in docs/theory_implicit.md (kernel, mirrored columns),
      to 1e-13 relative; and the cosine modes v_k(i) = cos(pi k (i+1/2)/N), k = 0..N-1, are its
      eigenvectors with mu_k = (4/h^2) sin^2(pi k/(2N)) (order 1) or mu_k^2 (order 2), to 1e-12;
   2. each method then multiplies every mode by its amplification (tests/common/pdenn_reference.h,
      written from the schemes' formulas in docs/theory_explicit.md, not by calling pdenn):
      explicit (1 - tau mu)^(n-1) (1 - tau_last mu); FED prod_i (1 - tau_i mu) per cycle;
      FSI the three-term recurrence per cycle; fixed point 1/(1 + tau mu) per step. The initial
      signal is a sum of five modes (the constant, the lowest, two middle ones and the highest,
      which the explicit step at tau_max flips in sign: a wrong tau or weight shows at once).
   Tolerance 1e-12 relative to the sum of the modes' amplitudes (measured <= 1.3e-15): explicit,
   41 steps, each rounding at ~1e-16 times ||I - tau K^T K|| <= 1; FED and FSI, 20 steps whose
   partial products reach 10.7 inside a cycle of 10 steps (Leja order), amplifying rounding;
   fixed point with -fixed_point_rtol 1e-14: per step an error <= q/(1-q) 1e-14 with contraction
   q <= 0.4, 11 steps.
   The FED product and the FSI recurrence are also checked against each other (the same
   polynomial, 1e-12 on every mode): the two references agree independently of pdenn. */
#include <pdenn/pdenn.h>
#include "pdenn_reference.h"

#define N_GRID 32
#define H_GRID 0.5
#define N_MODES 5
static const PetscInt  mode_k[N_MODES] = {0, 1, 4, 13, N_GRID - 1};
static const PetscReal mode_c[N_MODES] = {0.3, 1.0, -0.6, 0.4, 0.2};

/* max over all columns j of |pdenn's (op e_j) - dense column j| */
static PetscErrorCode OperatorColumnsDiff(PdennDiffusion pde, Mat A, const PetscReal ref[], PetscReal *diff)
{
  Vec        e, r;
  PetscReal *col;
  PetscInt   lo, hi;

  PetscFunctionBeginUser;
  *diff = 0.0;
  PetscCall(DMCreateGlobalVector(pde->da, &e));
  PetscCall(VecDuplicate(e, &r));
  PetscCall(VecGetOwnershipRange(e, &lo, &hi));
  for (PetscInt j = 0; j < N_GRID; j++) {
    PetscCall(VecSet(e, 0.0));
    if (j >= lo && j < hi) PetscCall(VecSetValue(e, j, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(e));
    PetscCall(VecAssemblyEnd(e));
    if (A)
      PetscCall(MatMult(A, e, r));
    else
      PetscCall(PdennDiffusionResidual(pde, e, r));
    PetscCall(RefGatherAll(r, &col));
    for (PetscInt i = 0; i < N_GRID; i++) *diff = PetscMax(*diff, PetscAbsReal(col[i] - ref[i * N_GRID + j]));
    PetscCall(PetscFree(col));
  }
  PetscCall(VecDestroy(&e));
  PetscCall(VecDestroy(&r));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckOperator(PetscInt order)
{
  const PetscReal scale = RefModeEigenvalue(N_GRID, N_GRID, H_GRID, order); /* 16/h^2 or its square: ||K^T K|| bound */
  PetscReal      *K, *KtK, *IKtK, d_res, d_mat, d_eig = 0.0, v[N_GRID], y[N_GRID], w[N_GRID];
  PdennDiffusion  pde;
  Mat             A;
  Vec             ones;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(N_GRID * N_GRID, &K, N_GRID * N_GRID, &KtK, N_GRID * N_GRID, &IKtK));
  RefDenseK(N_GRID, H_GRID, order, K);
  for (PetscInt i = 0; i < N_GRID; i++) w[i] = 1.0;
  RefImplicitMatrix(N_GRID, K, 1.0, w, IKtK);
  for (PetscInt i = 0; i < N_GRID * N_GRID; i++) KtK[i] = IKtK[i] - (i % (N_GRID + 1) == 0 ? 1.0 : 0.0);
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &pde));
  pde->N         = N_GRID;
  pde->h         = H_GRID;
  pde->order     = order;
  pde->flux.type = PDENN_FLUX_LINEAR;
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(OperatorColumnsDiff(pde, NULL, KtK, &d_res));
  PetscCall(DMCreateMatrix(pde->da, &A));
  PetscCall(DMCreateGlobalVector(pde->da, &ones));
  PetscCall(VecSet(ones, 1.0));
  PetscCall(PdennDiffusionImplicitMatrix(pde, 1.0, ones, A));
  PetscCall(OperatorColumnsDiff(pde, A, IKtK, &d_mat));
  for (PetscInt k = 0; k < N_GRID; k++) {
    const PetscReal mu = RefModeEigenvalue(k, N_GRID, H_GRID, order);
    for (PetscInt i = 0; i < N_GRID; i++) v[i] = RefMode(k, i, N_GRID);
    RefMatVec(N_GRID, KtK, PETSC_FALSE, v, y);
    for (PetscInt i = 0; i < N_GRID; i++) d_eig = PetscMax(d_eig, PetscAbsReal(y[i] - mu * v[i]));
  }
  d_res /= scale;
  d_mat /= scale;
  d_eig /= scale;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d: pdenn K^T K vs dense %.2e, I + K^T K matrix vs dense %.2e, cosine eigenpairs of the dense K^T K %.2e\n", (int)order, (double)d_res, (double)d_mat, (double)d_eig));
  PetscCheck(d_res <= 1e-13 && d_mat <= 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: pdenn's K^T K differs from the dense one of the documented K by %g (residual), %g (matrix)", (int)order, (double)d_res, (double)d_mat);
  PetscCheck(d_eig <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: the cosine modes are not eigenvectors of K^T K with the stated eigenvalues: %g", (int)order, (double)d_eig);
  PetscCall(VecDestroy(&ones));
  PetscCall(MatDestroy(&A));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscCall(PetscFree3(K, KtK, IKtK));
  PetscFunctionReturn(0);
}

/* The schedule of each method for t_stop, from the step rules of docs/theory_explicit.md */
static RefSchedule Schedule(PdennMethod method, PetscInt order, PetscReal *t_stop)
{
  const PetscReal tau_max = RefTauMax(H_GRID, order);
  RefSchedule     s       = {method, 0, 1, 0, tau_max, tau_max, tau_max};

  switch (method) {
  case PDENN_METHOD_EXPLICIT: /* default tau = tau_max, t_stop not a multiple of it */
    *t_stop    = 40.3 * tau_max;
    s.n        = 41;
    s.tau_last = *t_stop - 40 * tau_max;
    break;
  case PDENN_METHOD_IMPLICIT_FIXED_POINT: /* -tau 0.2 tau_max */
    s.tau      = 0.2 * tau_max;
    *t_stop    = 10.3 * s.tau;
    s.n        = 11;
    s.tau_last = *t_stop - 10 * s.tau;
    break;
  default: /* FED, FSI: -cycles 2 of base step tau_max */
    *t_stop   = 61.0 * tau_max;
    s.M       = 2;
    s.n_cycle = RefFEDCycleLength(*t_stop / s.M, tau_max, &s.tau_c);
    s.n       = s.M * s.n_cycle;
  }
  return s;
}

static PetscErrorCode CheckMethod(PdennMethod method, PetscInt order)
{
  PetscReal   t_stop, u0[N_GRID], err, tol = 1e-12;
  RefSchedule s = Schedule(method, order, &t_stop);
  char        opts[512];
  RefRun      run;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method %s -flux linear -N %d -h %g -order %d -t_stop %.17g -monitor_every -1 %s", PdennMethods[method], N_GRID, H_GRID, (int)order, (double)t_stop, method == PDENN_METHOD_IMPLICIT_FIXED_POINT ? "-fixed_point_rtol 1e-14" : "-cycles 2"));
  if (method == PDENN_METHOD_IMPLICIT_FIXED_POINT) {
    char tau[64];
    PetscCall(PetscSNPrintf(tau, sizeof(tau), " -tau %.17g", (double)s.tau));
    PetscCall(PetscStrlcat(opts, tau, sizeof(opts)));
  }
  RefModesSignal(N_GRID, N_MODES, mode_k, mode_c, u0);
  PetscCall(RefRunSolver(PETSC_COMM_WORLD, opts, u0, &run));
  err = RefModesError(N_GRID, H_GRID, order, &s, N_MODES, mode_k, mode_c, run.u);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d %-20s: %3d steps, %d cycles: |u - exact modes| / |u0| = %.2e (tolerance %.0e)\n", (int)order, PdennMethods[method], (int)run.steps, (int)run.cycles, (double)err, (double)tol));
  PetscCheck(PetscAbsReal(run.tau_max - RefTauMax(H_GRID, order)) <= 1e-15 * run.tau_max, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: tau_max %.17g, expected %.17g", (int)order, (double)run.tau_max, (double)RefTauMax(H_GRID, order));
  PetscCheck(run.steps == s.n && (s.M == 1 || run.cycles == s.M), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s: %d steps in %d cycles, expected %d in %d", (int)order, PdennMethods[method], (int)run.steps, (int)run.cycles, (int)s.n, (int)s.M);
  PetscCheck(err <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s: the result differs from the exact discrete solution by %g", (int)order, PdennMethods[method], (double)err);
  PetscCall(PetscFree(run.u));
  PetscFunctionReturn(0);
}

/* FED's product and FSI's recurrence are the same polynomial in tau mu: compare every mode */
static PetscErrorCode CheckFEDEqualsFSI(PetscInt order)
{
  PetscReal   t_stop, diff = 0.0;
  RefSchedule fed = Schedule(PDENN_METHOD_FED, order, &t_stop), fsi = fed;

  PetscFunctionBeginUser;
  fsi.method = PDENN_METHOD_FSI;
  for (PetscInt k = 0; k < N_GRID; k++) {
    const PetscReal mu = RefModeEigenvalue(k, N_GRID, H_GRID, order);
    diff               = PetscMax(diff, PetscAbsReal(RefAmplification(&fed, mu) - RefAmplification(&fsi, mu)));
  }
  PetscCheck(diff <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: the FED and FSI references differ by %g", (int)order, (double)diff);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PdennMethod methods[] = {PDENN_METHOD_EXPLICIT, PDENN_METHOD_FED, PDENN_METHOD_FSI, PDENN_METHOD_IMPLICIT_FIXED_POINT};

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Explicit-type solvers against cosine modes"));
  for (PetscInt order = 1; order <= 2; order++) {
    PetscCall(CheckOperator(order));
    PetscCall(CheckFEDEqualsFSI(order));
    for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) PetscCall(CheckMethod(methods[m], order));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "explicit mode checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
