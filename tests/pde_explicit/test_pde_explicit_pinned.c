/* The explicit-type solvers' formulas pinned against closed forms written here from
   docs/theory_explicit.md (science §2-4), and their stability limits at the worst-case input:
   1. tau_max = h^2/2 (order 1), h^4/8 (order 2) from PdennDiffusionTauMax and as the default step
      of a run, h in {1, 0.5, 0.1, 3}; -tau = 1.01 tau_max refused (explicit, FED, FSI) and
      -tau = 1.01 tau_max/2 refused (fixed point), each with PDENN_ERR_INPUT;
   2. FED: the steps of a cycle, read from the time history, are tau_c / (2 cos^2(pi (2i+1)/(4n+2)))
      as a set, every cycle lasts tau_c (n^2+n)/3 = t_stop/M; the automatic cycle count is
      M = max(1, ceil(sqrt(t_stop/tau_max)/10)) and n the smallest with M tau_max (n^2+n)/3 >= t_stop;
   3. FSI weights: on an eigenvector of K^T K (eigenvalue mu) with the linear flux, the norm after
      every step of a cycle is |c_k| ||u_0|| with c_{k+1} = alpha_k (1 - tau mu) c_k +
      (1 - alpha_k) c_{k-1}, c_{-1} = c_0 = 1, alpha_k = (4k+2)/(2k+3) (1e-10 relative); FED's
      cycle gives prod (1 - tau_i mu);
   4. worst case (top eigenvector of K^T K, dense, amplitude 1e-4 so Perona-Malik is in its
      linear regime, and noise): the explicit scheme at tau_max never increases the norm, at
      1.01 tau_max (-allow_unstable) the top mode grows; an FED or FSI cycle of 40 steps likewise;
      the fixed point (h = 1) converges at 0.99 of its limit and fails to converge at 1.01 of it
      (an input error after 2500 iterations; 0.99 needs about 2000). */
#include "explicit_test.h"
#include "pdenn_dense.h"

/* Initial values of RunFrom: scale * init (a global array), or the noisy test signal if init is NULL */
typedef struct {
  const PetscReal *init;
  PetscReal        scale;
} InitFrom;

static PetscErrorCode InitFromArray(DM da, Vec u, const void *ctx)
{
  const InitFrom *from = (const InitFrom *)ctx;

  PetscFunctionBeginUser;
  if (from->init)
    PetscCall(PdennDenseToVec(from->init, from->scale, u));
  else
    PetscCall(TestFillSignal(da, TEST_SIGNAL_NOISY, u));
  PetscFunctionReturn(0);
}

/* A run as TestRun, from init (a global array, scaled) instead of a test signal; the solver's
   error code is returned in *ierr instead of raised (quietly) when catch_error is set. */
static PetscErrorCode RunFrom(const char opts[], const PetscReal init[], PetscReal scale, PetscBool catch_error, PdennTestRun *res, PetscErrorCode *ierr)
{
  const InitFrom from = {init, scale};

  PetscFunctionBeginUser;
  *ierr = 0;
  PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, InitFromArray, &from, catch_error ? ierr : NULL, res));
  PetscFunctionReturn(0);
}

/* Top eigenvector and eigenvalue of K^T K for K = (0, -1, 1)/h or (1, -2, 1)/h^2 (dense) */
static PetscErrorCode TopMode(PetscInt N, PetscInt order, PetscReal h, PetscReal *mu, PetscReal v[])
{
  const PetscReal k1[3] = {0.0, -1.0 / h, 1.0 / h}, k2[3] = {1.0 / (h * h), -2.0 / (h * h), 1.0 / (h * h)};

  PetscFunctionBeginUser;
  PetscCall(PdennDenseConvNorm2(1, 1, PDENN_BC_REFLECT, order == 1 ? k1 : k2, N, mu, v));
  PetscFunctionReturn(0);
}

static PetscErrorCode ExpectRefused(const char opts[], const char what[])
{
  PdennTestRun   r;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(RunFrom(opts, NULL, 1.0, PETSC_TRUE, &r, &ierr));
  PetscCheck(ierr == PDENN_ERR_INPUT, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %s was not refused as an input error (error code %d)", what, opts, (int)ierr);
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

/* 1. */
static PetscErrorCode CheckTauMax(void)
{
  const PetscReal hs[4]      = {1.0, 0.5, 0.1, 3.0};
  const char     *methods[3] = {"explicit", "fed", "fsi"};

  PetscFunctionBeginUser;
  for (PetscInt o = 1; o <= 2; o++)
    for (PetscInt i = 0; i < 4; i++) {
      const PetscReal h = hs[i], tau_max = o == 1 ? h * h / 2.0 : h * h * h * h / 8.0;
      PdennTestRun    r;
      PetscErrorCode  ierr;
      char            opts[256];

      PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N 24 -h %.17g -order %d -flux perona_malik -lambda 0.4 -method explicit -t_stop %.17g -monitor_every -1", (double)h, (int)o, 3.0 * tau_max));
      PetscCall(RunFrom(opts, NULL, 1.0, PETSC_FALSE, &r, &ierr));
      PetscCheck(PetscAbsReal(r.tau_max - tau_max) <= 1e-15 * tau_max && PetscAbsReal(r.info.tau - tau_max) <= 1e-15 * tau_max && r.info.steps == 3, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, h %g: tau_max %.17g, run step %.17g (%d steps); closed form %.17g", (int)o, (double)h, (double)r.tau_max, (double)r.info.tau, (int)r.info.steps, (double)tau_max);
      PetscCall(PdennTestRunDestroy(&r));
      for (PetscInt m = 0; m < 3; m++) {
        PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N 24 -h %.17g -order %d -flux linear -method %s -t_stop %.17g -tau %.17g", (double)h, (int)o, methods[m], 3.0 * tau_max, 1.01 * tau_max));
        PetscCall(ExpectRefused(opts, "1.01 tau_max"));
      }
      PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N 24 -h %.17g -order %d -flux linear -method implicit_fixed_point -t_stop %.17g -tau %.17g", (double)h, (int)o, 3.0 * tau_max, 1.01 * tau_max / 2.0));
      PetscCall(ExpectRefused(opts, "fixed point at 1.01 tau_max/2"));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "tau_max = h^2/2, h^4/8 for 4 h and both orders; 1.01 tau_max refused\n"));
  PetscFunctionReturn(0);
}

static int CompareReal(const void *a, const void *b)
{
  const PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return x < y ? -1 : x > y;
}

/* 2. FED's step sizes and cycle layout; M = 0 for the automatic count */
static PetscErrorCode CheckFEDSteps(PetscReal t_stop, PetscInt cycles)
{
  const PetscReal tau_max = 0.5, S = t_stop / tau_max;
  const PetscInt  M = cycles > 0 ? cycles : PetscMax(1, (PetscInt)PetscCeilReal(PetscSqrtReal(S) / 10.0));
  PetscInt        n = 1;
  PetscReal       tau_c, *dt, *want, worst = 0.0;
  PdennTestRun    r;
  PetscErrorCode  ierr;
  char            opts[256];

  PetscFunctionBeginUser;
  while (M * tau_max * (n * n + n) / 3.0 < t_stop) n++;
  tau_c = t_stop / (M * (n * n + n) / 3.0);
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N 32 -flux linear -method fed -t_stop %.17g -cycles %d -monitor_every -1", (double)t_stop, (int)cycles));
  PetscCall(RunFrom(opts, NULL, 1.0, PETSC_FALSE, &r, &ierr));
  PetscCheck(r.info.cycles == M && r.info.steps == M * n && PetscAbsReal(r.info.tau - tau_c) <= 1e-14 * tau_c, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FED t_stop %g, -cycles %d: %d cycles of %d steps, base step %.17g; closed form %d cycles of %d, %.17g", (double)t_stop, (int)cycles, (int)r.info.cycles, (int)(r.info.steps / PetscMax(1, r.info.cycles)), (double)r.info.tau, (int)M, (int)n, (double)tau_c);
  PetscCall(PetscMalloc2(n, &dt, n, &want));
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal c = PetscCosReal(PETSC_PI * (2.0 * i + 1.0) / (4.0 * n + 2.0));
    want[i]           = tau_c / (2.0 * c * c);
  }
  qsort(want, (size_t)n, sizeof(PetscReal), CompareReal);
  for (PetscInt c = 0; c < M; c++) {
    const PetscReal *t = r.info.time_hist + c * n;
    PetscCheck(PetscAbsReal(t[n] - t_stop * (c + 1) / M) <= 1e-13 * t_stop, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FED cycle %d ends at %.17g, not %.17g", (int)c, (double)t[n], (double)(t_stop * (c + 1) / M));
    for (PetscInt i = 0; i < n; i++) dt[i] = t[i + 1] - t[i];
    qsort(dt, (size_t)n, sizeof(PetscReal), CompareReal);
    for (PetscInt i = 0; i < n; i++) worst = PetscMax(worst, PetscAbsReal(dt[i] - want[i]) / t_stop);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FED t_stop %g: %d cycles of %d steps (closed form), steps vs tau_c/(2 cos^2(pi(2i+1)/(4n+2))): %.1e of t_stop\n", (double)t_stop, (int)M, (int)n, (double)worst));
  PetscCheck(worst <= 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FED step sizes differ from the closed form by %g of t_stop", (double)worst);
  PetscCall(PetscFree2(dt, want));
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

/* 3. one FSI (and FED) cycle of n = 12 steps (t_stop = tau_max 52) on cos(pi k (i+1/2)/N) */
static PetscErrorCode CheckFSIWeights(PetscInt order, PetscInt k)
{
  const PetscInt  N = 32, n = 12;
  const PetscReal sn = PetscSinReal(PETSC_PI * k / (2.0 * N)), mu1 = 4.0 * sn * sn, mu = order == 1 ? mu1 : mu1 * mu1;
  const PetscReal tau = order == 1 ? 0.5 : 0.125, t_stop = tau * (n * n + n) / 3.0;
  PetscReal      *v, c_prev = 1.0, c = 1.0, worst = 0.0, fed = 1.0;
  PdennTestRun    r[2];
  PetscErrorCode  ierr;
  char            opts[256];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(N, &v));
  for (PetscInt i = 0; i < N; i++) v[i] = PetscCosReal(PETSC_PI * k * (i + 0.5) / N);
  for (PetscInt m = 0; m < 2; m++) {
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N %d -order %d -flux linear -method %s -t_stop %.17g -cycles 1 -monitor_every -1", (int)N, (int)order, m ? "fed" : "fsi", (double)t_stop));
    PetscCall(RunFrom(opts, v, 1.0, PETSC_FALSE, &r[m], &ierr));
    PetscCheck(r[m].info.steps == n, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %d steps, expected one cycle of %d", m ? "fed" : "fsi", (int)r[m].info.steps, (int)n);
  }
  for (PetscInt j = 0; j < n; j++) {
    const PetscReal alpha = (4.0 * j + 2.0) / (2.0 * j + 3.0), next = alpha * (1.0 - tau * mu) * c + (1.0 - alpha) * c_prev;
    const PetscReal cj = PetscCosReal(PETSC_PI * (2.0 * j + 1.0) / (4.0 * n + 2.0));
    c_prev = c, c = next;
    fed *= 1.0 - tau / (2.0 * cj * cj) * mu;
    worst = PetscMax(worst, PetscAbsReal(r[0].info.norm_hist[j + 1] / r[0].info.norm_hist[0] - PetscAbsReal(c)) / PetscMax(PetscAbsReal(c), 1e-3));
  }
  worst = PetscMax(worst, PetscAbsReal(r[1].info.norm_hist[n] / r[1].info.norm_hist[0] - PetscAbsReal(fed)) / PetscMax(PetscAbsReal(fed), 1e-3));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d mode %2d (tau mu = %.4f): FSI norms per step and FED cycle vs the scalar recurrences: %.1e (cycle factor %.3e)\n", (int)order, (int)k, (double)(tau * mu), (double)worst, (double)c));
  PetscCheck(worst <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FSI/FED on a mode differ from alpha_k = (4k+2)/(2k+3) and the FED steps by %g", (double)worst);
  for (PetscInt m = 0; m < 2; m++) PetscCall(PdennTestRunDestroy(&r[m]));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

/* Largest ratio norm_hist[j+1]/norm_hist[j] over steps, or over cycles of `every` steps */
static PetscReal WorstRatio(const PdennTestRun *r, PetscInt every)
{
  PetscReal worst = 0.0;

  for (PetscInt j = 0; j + every < r->info.n_hist; j += every) worst = PetscMax(worst, r->info.norm_hist[j + every] / r->info.norm_hist[j]);
  return worst;
}

/* 4. explicit (every step), FED and FSI (one cycle of 40), fixed point (one step) */
static PetscErrorCode CheckWorstCase(PetscInt order, PetscReal h)
{
  const PetscInt  N = 40, n = 40;
  const PetscReal tau_max    = order == 1 ? h * h / 2.0 : h * h * h * h / 8.0;
  const char     *methods[3] = {"explicit", "fed", "fsi"};
  PetscReal      *v, mu;
  PetscErrorCode  ierr;
  char            opts[320];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(N, &v));
  PetscCall(TopMode(N, order, h, &mu, v));
  for (PetscInt m = 0; m < 3; m++) {
    const PetscInt every = m ? n : 1;
    PetscReal      ratio[3];
    for (PetscInt pass = 0; pass < 3; pass++) { /* top mode at tau_max, noise at tau_max, top mode at 1.01 tau_max */
      const PetscReal tau = pass == 2 ? 1.01 * tau_max : tau_max, t_stop = m ? tau * (n * n + n) / 3.0 * (1.0 - 1e-12) : 20.0 * tau;
      PdennTestRun    r;
      PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N %d -h %.17g -order %d -flux perona_malik -lambda 0.5 -method %s -t_stop %.17g -tau %.17g%s -allow_unstable -monitor_every -1", (int)N, (double)h, (int)order, methods[m], (double)t_stop, (double)tau, m ? " -cycles 1" : ""));
      PetscCall(RunFrom(opts, pass == 1 ? NULL : v, pass == 1 ? 1.0 : 1e-4 * h, PETSC_FALSE, &r, &ierr));
      ratio[pass] = pass == 2 ? r.info.norm_hist[r.info.n_hist - 1] / r.info.norm_hist[0] : WorstRatio(&r, every);
      PetscCall(PdennTestRunDestroy(&r));
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-8s order %d h %.1f: worst ratio per %s at tau_max: top mode %.15f, noise %.15f; top mode at 1.01 tau_max grows by %.3f\n", methods[m], (int)order, (double)h, m ? "cycle" : "step", (double)ratio[0], (double)ratio[1], (double)ratio[2]));
    PetscCheck(ratio[0] <= 1.0 + 1e-12 && ratio[1] <= 1.0 + 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s at tau_max increased the norm: top mode %.17g, noise %.17g", methods[m], (double)ratio[0], (double)ratio[1]);
    PetscCheck(ratio[2] > 1.1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s at 1.01 tau_max: the top mode did not grow (%.17g)", methods[m], (double)ratio[2]);
  }
  for (PetscInt pass = 0; h == 1.0 && pass < 2; pass++) { /* fixed point (h = 1 only: slow on 2 ranks), limit tau_max/2 */
    PdennTestRun r;
    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N %d -h %.17g -order %d -flux linear -method implicit_fixed_point -t_stop %.17g -tau %.17g -fixed_point_max_it 2500 -allow_unstable -monitor_every -1", (int)N, (double)h, (int)order, (double)(pass ? 0.505 : 0.495) * tau_max, (double)(pass ? 0.505 : 0.495) * tau_max));
    PetscCall(RunFrom(opts, v, 1.0, PETSC_TRUE, &r, &ierr));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "fixed point order %d h %.1f at %.4f x its limit on the top mode: %s (%d iterations)\n", (int)order, (double)h, pass ? 1.01 : 0.99, ierr ? "did not converge" : "converged", (int)r.info.nonlinear_its));
    PetscCheck(pass ? ierr == PDENN_ERR_INPUT : ierr == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "fixed point at %g x its limit: %s", pass ? 1.01 : 0.99, pass ? "converged although the top mode is amplified" : "did not converge");
    PetscCall(PdennTestRunDestroy(&r));
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(CheckTauMax());
  PetscCall(CheckFEDSteps(26.0, 1));   /* n = 12, tau_c = tau_max */
  PetscCall(CheckFEDSteps(20.0, 1));   /* n = 11, tau_c < tau_max */
  PetscCall(CheckFEDSteps(78.0, 3));   /* 3 cycles of 12 */
  PetscCall(CheckFEDSteps(5000.0, 0)); /* automatic: 10 cycles of 55 (docs' example) */
  PetscCall(CheckFEDSteps(123.4, 0));  /* automatic: 2 cycles */
  for (PetscInt order = 1; order <= 2; order++) {
    PetscCall(CheckFSIWeights(order, 31));
    PetscCall(CheckFSIWeights(order, 9));
    PetscCall(CheckWorstCase(order, 1.0));
    PetscCall(CheckWorstCase(order, 0.5));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "pinned explicit checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
