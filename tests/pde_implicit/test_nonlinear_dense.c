/* Nonlinear diffusion (Perona-Malik; Charbonnier for Newton and semi-implicit; relu, the flux that is
   not odd, for the explicit scheme) against a small dense
   reference written here from the schemes' formulas (docs/theory_explicit.md,
   docs/theory_implicit.md) with the dense K of tests/common/pdenn_reference.h, N = 24, h = 1,
   orders 1 and 2, a rough signal whose gradients reach the flux's backward (Phi' < 0) regime:
   explicit          u <- u - tau K^T Phi(K u), t_stop = 12.3 tau_max (last step shortened);
   FED               2 cycles, the diffusivity g((K u)^2) frozen at each cycle's start;
   FSI               2 cycles of u^{k+1} = alpha_k (u^k - tau K^T Phi(K u^k)) + (1 - alpha_k) u^{k-1};
   semi-implicit     (I + tau K^T diag(g((K u^k)^2)) K) u^{k+1} = u^k by Gaussian elimination
                     here, by LU (MUMPS on several ranks) in pdenn, 4 steps of 5 tau_max;
   fixed point and   u^{k+1} = u^k - tau K^T Phi(K u^{k+1}) by dense Newton here (to rounding);
   Newton            pdenn's fixed-point iteration (tau = 0.2 tau_max, -fixed_point_rtol 1e-14)
                     and SNES (tau = tau_max, -snes_rtol 1e-13, -ksp_rtol 1e-14).
   Tolerance 1e-12 relative (max |u - ref| / max(max |ref|, 1)): the explicit-type schemes do
   the same arithmetic in another order (FED's steps in Leja order, whose partial products stay
   <= 3.8 for the 6-step cycle on the frozen linear operator); the semi-implicit matrices have cond <= 1 + 5 tau_max ||K||^2 = 11; the fixed point's
   error per step is <= q/(1-q) 1e-14 (q <= 0.4), Newton's <= ||J^-1|| 1e-13 ||F(u^k)||, with
   ||F(u^k)|| = tau ||K^T Phi(K u^k)|| <= 2 ||u^k||. Measured: <= 1e-14 (see the output). */
#include <pdenn/pdenn.h>
#include "pdenn_reference.h"

#define N_GRID 24

typedef struct {
  PetscInt      order;
  PdennFluxType flux;
  PetscReal     lambda;
  PetscReal     K[N_GRID * N_GRID];
} Dense;

/* r = K^T Phi(K v); with g != NULL the frozen diffusivity is used instead: r = K^T diag(g) K v.
   w (optional) receives g((K v)^2) or Phi'(K v) (derivative = PETSC_TRUE). */
static void DenseResidual(const Dense *d, const PetscReal v[], const PetscReal *g, PetscReal r[], PetscReal *w, PetscBool derivative)
{
  PetscReal z[N_GRID], p[N_GRID];

  RefMatVec(N_GRID, d->K, PETSC_FALSE, v, z);
  for (PetscInt i = 0; i < N_GRID; i++) {
    PetscReal phi, gi, dphi;
    RefFlux(d->flux, d->lambda, z[i], &phi, &gi, &dphi);
    p[i] = g ? g[i] * z[i] : phi;
    if (w) w[i] = derivative ? dphi : gi;
  }
  RefMatVec(N_GRID, d->K, PETSC_TRUE, p, r);
}

static void DenseExplicitStep(const Dense *d, PetscReal tau, const PetscReal *g, PetscReal u[])
{
  PetscReal r[N_GRID];

  DenseResidual(d, u, g, r, NULL, PETSC_FALSE);
  for (PetscInt i = 0; i < N_GRID; i++) u[i] -= tau * r[i];
}

static void DenseSemiImplicitStep(const Dense *d, PetscReal tau, PetscReal u[])
{
  PetscReal r[N_GRID], g[N_GRID], A[N_GRID * N_GRID];

  DenseResidual(d, u, NULL, r, g, PETSC_FALSE);
  RefImplicitMatrix(N_GRID, d->K, tau, g, A);
  (void)RefGaussSolve(N_GRID, A, u);
}

/* Newton on F(v) = v - u + tau K^T Phi(K v), J = I + tau K^T diag(Phi'(K v)) K, from v = u,
   until the update is at rounding level; *ok is false if it never got there. */
static void DenseImplicitStep(const Dense *d, PetscReal tau, PetscReal u[], PetscBool *ok)
{
  PetscReal v[N_GRID], F[N_GRID], w[N_GRID], J[N_GRID * N_GRID];

  *ok = PETSC_FALSE;
  for (PetscInt i = 0; i < N_GRID; i++) v[i] = u[i];
  for (PetscInt it = 0; it < 50 && !*ok; it++) {
    PetscReal step = 0.0, size = 0.0;
    DenseResidual(d, v, NULL, F, w, PETSC_TRUE);
    for (PetscInt i = 0; i < N_GRID; i++) F[i] = v[i] - u[i] + tau * F[i];
    RefImplicitMatrix(N_GRID, d->K, tau, w, J);
    if (!RefGaussSolve(N_GRID, J, F)) return;
    for (PetscInt i = 0; i < N_GRID; i++) {
      v[i] -= F[i];
      step = PetscMax(step, PetscAbsReal(F[i]));
      size = PetscMax(size, PetscAbsReal(v[i]));
    }
    *ok = (PetscBool)(step <= 1e-15 * size);
  }
  for (PetscInt i = 0; i < N_GRID; i++) u[i] = v[i];
}

/* One FED cycle of n steps on the base step tau_c (diffusivity frozen) or one FSI cycle */
static void DenseCycle(const Dense *d, PdennMethod method, PetscInt n, PetscReal tau_c, PetscReal u[])
{
  PetscReal g[N_GRID], r[N_GRID], prev[N_GRID], next[N_GRID];

  if (method == PDENN_METHOD_FED) {
    DenseResidual(d, u, NULL, r, g, PETSC_FALSE);
    for (PetscInt i = 0; i < n; i++) DenseExplicitStep(d, RefFEDStep(i, n, tau_c), g, u);
    return;
  }
  for (PetscInt i = 0; i < N_GRID; i++) prev[i] = u[i];
  for (PetscInt k = 0; k < n; k++) {
    const PetscReal alpha = RefFSIAlpha(k);
    for (PetscInt i = 0; i < N_GRID; i++) next[i] = u[i];
    DenseExplicitStep(d, tau_c, NULL, next);
    for (PetscInt i = 0; i < N_GRID; i++) {
      next[i] = alpha * next[i] + (1.0 - alpha) * prev[i];
      prev[i] = u[i];
      u[i]    = next[i];
    }
  }
}

/* The reference run of method on u (t_stop, steps as in the header); *ok false if Newton failed */
static void DenseRun(const Dense *d, PdennMethod method, PetscReal tau_max, PetscReal u[], PetscBool *ok)
{
  PetscReal tau_c;
  PetscInt  n;

  *ok = PETSC_TRUE;
  switch (method) {
  case PDENN_METHOD_EXPLICIT:
    for (PetscInt k = 0; k < 12; k++) DenseExplicitStep(d, tau_max, NULL, u);
    DenseExplicitStep(d, 0.3 * tau_max, NULL, u);
    break;
  case PDENN_METHOD_FED:
  case PDENN_METHOD_FSI:
    n = RefFEDCycleLength(12.0 * tau_max, tau_max, &tau_c);
    for (PetscInt c = 0; c < 2; c++) DenseCycle(d, method, n, tau_c, u);
    break;
  case PDENN_METHOD_SEMI_IMPLICIT:
    for (PetscInt k = 0; k < 4; k++) DenseSemiImplicitStep(d, 5.0 * tau_max, u);
    break;
  case PDENN_METHOD_IMPLICIT_FIXED_POINT:
    for (PetscInt k = 0; k < 6 && *ok; k++) DenseImplicitStep(d, (k < 5 ? 0.2 : 0.1) * tau_max, u, ok);
    break;
  default: /* Newton */
    for (PetscInt k = 0; k < 4 && *ok; k++) DenseImplicitStep(d, tau_max, u, ok);
  }
}

/* pdenn's options for the same run */
static PetscErrorCode RunOptions(const Dense *d, PdennMethod method, PetscReal tau_max, PetscMPIInt size, char opts[], size_t len)
{
  char extra[256];

  PetscFunctionBeginUser;
  switch (method) {
  case PDENN_METHOD_EXPLICIT: PetscCall(PetscSNPrintf(extra, sizeof(extra), "-t_stop %.17g", 12.3 * tau_max)); break;
  case PDENN_METHOD_FED:
  case PDENN_METHOD_FSI: PetscCall(PetscSNPrintf(extra, sizeof(extra), "-t_stop %.17g -cycles 2", 24.0 * tau_max)); break;
  case PDENN_METHOD_SEMI_IMPLICIT: PetscCall(PetscSNPrintf(extra, sizeof(extra), "-t_stop %.17g -tau %.17g -ksp_type preonly -pc_type lu %s", 20.0 * tau_max, 5.0 * tau_max, size > 1 ? "-pc_factor_mat_solver_type mumps" : "")); break;
  case PDENN_METHOD_IMPLICIT_FIXED_POINT: PetscCall(PetscSNPrintf(extra, sizeof(extra), "-t_stop %.17g -tau %.17g -fixed_point_rtol 1e-14", 1.1 * tau_max, 0.2 * tau_max)); break;
  default: PetscCall(PetscSNPrintf(extra, sizeof(extra), "-t_stop %.17g -tau %.17g -snes_rtol 1e-13 -snes_atol 1e-50 -snes_stol 0 -ksp_rtol 1e-14", 4.0 * tau_max, tau_max));
  }
  PetscCall(PetscSNPrintf(opts, len, "-method %s -N %d -order %d -flux %s -lambda %g -monitor_every -1 %s", PdennMethods[method], N_GRID, (int)d->order, PdennFluxTypes[d->flux], (double)d->lambda, extra));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckMethod(const Dense *d, PdennMethod method)
{
  const PetscReal tau_max = RefTauMax(1.0, d->order);
  PetscReal       u0[N_GRID], ref[N_GRID], rel, change;
  PetscBool       ok;
  PetscMPIInt     size;
  char            opts[512];
  RefRun          run;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  for (PetscInt i = 0; i < N_GRID; i++) u0[i] = ref[i] = PetscSinReal(0.4 * i) + 0.3 * PetscCosReal(0.37 * i * i);
  DenseRun(d, method, tau_max, ref, &ok);
  PetscCheck(ok, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s: the dense Newton reference did not converge", (int)d->order, PdennMethods[method]);
  PetscCall(RunOptions(d, method, tau_max, size, opts, sizeof(opts)));
  PetscCall(RefRunSolver(PETSC_COMM_WORLD, opts, u0, &run));
  rel    = PdennTestArrayRelDiff(N_GRID, run.u, ref);
  change = PdennTestArrayRelDiff(N_GRID, u0, ref);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d %-13s %-20s: %2d steps: |pdenn - dense| = %.2e (the run changed u by %.2f)\n", (int)d->order, PdennFluxTypes[d->flux], PdennMethods[method], (int)run.steps, (double)rel, (double)change));
  PetscCheck(rel <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s, %s: pdenn differs from the dense reference by %g", (int)d->order, PdennFluxTypes[d->flux], PdennMethods[method], (double)rel);
  PetscCheck(change > 0.05, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s: the run hardly changed the signal (%g): the test would not see a wrong scheme", (int)d->order, PdennMethods[method], (double)change);
  PetscCall(PetscFree(run.u));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Dense d;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Nonlinear schemes against a dense reference"));
  for (PetscInt order = 1; order <= 2; order++) {
    d.order  = order;
    d.flux   = PDENN_FLUX_PERONA_MALIK;
    d.lambda = order == 1 ? 0.3 : 0.5;
    RefDenseK(N_GRID, 1.0, order, d.K);
    for (PetscInt m = 0; m < PDENN_METHOD_NTYPES; m++) PetscCall(CheckMethod(&d, (PdennMethod)m));
    d.flux = PDENN_FLUX_CHARBONNIER; /* monotone: the implicit step is unique for every tau */
    PetscCall(CheckMethod(&d, PDENN_METHOD_IMPLICIT_NEWTON));
    PetscCall(CheckMethod(&d, PDENN_METHOD_SEMI_IMPLICIT));
    /* relu is the one flux that is not odd: the only one whose scheme changes if K is replaced
       by -K (a wrong sign of the difference kernel passes every odd flux bitwise) */
    d.flux = PDENN_FLUX_RELU;
    PetscCall(CheckMethod(&d, PDENN_METHOD_EXPLICIT));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "nonlinear dense reference checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
