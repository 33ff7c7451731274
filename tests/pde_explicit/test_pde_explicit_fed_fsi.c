/* FED and FSI (src/pde/fed.c, fsi.c) and the implicit fixed point (implicit_fixed_point.c):
   1. linear cosine mode, M cycles: the cycle layout (n smallest with M tau_max (n^2+n)/3 >= t_stop),
      t_stop reached exactly, error against exp(-mu t) u0 first order in the cycle time (halves as
      M doubles), and FED == FSI (the same cycle polynomial in exact arithmetic);
   2. one long cycle (n = 190) on noise: FED == FSI still, i.e. the Leja order keeps rounding small;
   3. linear and Perona-Malik on noise: FED and FSI converge to the explicit solution as M grows;
   4. the implicit fixed point converges to the explicit solution as tau -> 0 (first order). */
#include "explicit_test.h"

static PetscErrorCode CheckLayout(const char method[], PdennTestRun *r, PetscInt M, PetscReal t_stop)
{
  const PetscInt  n    = r->info.cycles > 0 ? r->info.steps / r->info.cycles : 0;
  const PetscReal span = M * r->tau_max / 3.0;

  PetscFunctionBeginUser;
  PetscCheck(r->info.cycles == M && r->info.steps == M * n, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %d cycles, %d steps; expected %d cycles of equal length", method, (int)r->info.cycles, (int)r->info.steps, (int)M);
  PetscCheck(span * n * (n + 1) >= t_stop && (n == 1 || span * (n - 1) * n < t_stop), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: cycle length %d is not the smallest with M tau_max (n^2+n)/3 >= t_stop", method, (int)n);
  PetscCheck(r->info.tau <= r->tau_max && PetscAbsReal(r->info.tau * M * n * (n + 1) / 3.0 - t_stop) <= 1e-12 * t_stop, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: scaled step %g does not make %d cycles last t_stop", method, (double)r->info.tau, (int)M);
  PetscCheck(r->info.t_stop == t_stop && r->info.n_hist == M * n + 1 && r->info.time_hist[M * n] == t_stop, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: run ends at %.17g, not t_stop = %g", method, (double)r->info.time_hist[r->info.n_hist - 1], (double)t_stop);
  PetscFunctionReturn(0);
}

/* Per cycle the error is ~ (mu t_cycle)^2 sum(tau_i^2)/(2 t_cycle^2), and sum(tau_i^2)/t_cycle^2
   tends to a constant as n grows: the error is first order in t_cycle = t_stop/M, so doubling M
   divides it by 2 up to that ratio's variation with n (ratio in [1.6, 2.4]). FED and FSI share the
   cycle polynomial, so they agree up to rounding (relative 1e-10: n <= 25 steps here). */
static PetscErrorCode CheckLinearCycles(void)
{
  const PetscInt  N      = 64;
  const PetscReal t_stop = 400.0, mu = TestCosineEigenvalue(N, 1.0, 1); /* mu t_stop ~ 1 */
  PetscReal       err_prev = 0.0;

  PetscFunctionBeginUser;
  for (PetscInt M = 2; M <= 16; M *= 2) {
    PdennTestRun r[2];
    PetscReal    err, fed_fsi;

    for (PetscInt m = 0; m < 2; m++) {
      const char *method = m == 0 ? "fed" : "fsi";
      char        opts[256];

      PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method %s -flux linear -N %d -t_stop %g -cycles %d -monitor_every -1", method, (int)N, (double)t_stop, (int)M));
      PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_COSINE, &r[m]));
      PetscCall(CheckLayout(method, &r[m], M, t_stop));
    }
    PetscCall(TestModeError(r[0].u, PetscExpReal(-mu * t_stop), &err));
    PetscCall(PdennTestRelDiff(r[1].u, r[0].u, NORM_2, PETSC_SMALL, &fed_fsi));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "linear mode, %2d cycles of %2d steps: error %.3e (ratio %.3f), |FSI - FED|/|FED| = %.2e\n", (int)M, (int)(r[0].info.steps / M), (double)err, (double)(err_prev / err), (double)fed_fsi));
    PetscCheck(fed_fsi < 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FED and FSI differ by %g on a linear problem", (double)fed_fsi);
    PetscCheck(M == 2 || (err_prev / err > 1.6 && err_prev / err < 2.4), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FED error %g -> %g as cycles double: not first order in the cycle time", (double)err_prev, (double)err);
    err_prev = err;
    for (PetscInt m = 0; m < 2; m++) PetscCall(PdennTestRunDestroy(&r[m]));
  }
  PetscFunctionReturn(0);
}

/* One cycle of n = 190 steps on noise (t_stop = 6000, tau_max = 0.5). Inner steps reach 0.8 n^2
   tau_max; in a badly ordered cycle partial products reach 1e30 and more and rounding destroys
   the result. With the Leja order FED matches FSI (whose iterates are all stable) to 1e-8
   relative (measured ~1e-13), and the cycle does not increase the norm. */
static PetscErrorCode CheckLongCycle(void)
{
  const char  *opts[2] = {"-method fed -flux linear -N 256 -t_stop 6000 -cycles 1 -monitor_every -1", "-method fsi -flux linear -N 256 -t_stop 6000 -cycles 1 -monitor_every -1"};
  PdennTestRun r[2];
  PetscReal    rel;

  PetscFunctionBeginUser;
  for (PetscInt m = 0; m < 2; m++) PetscCall(TestRun(PETSC_COMM_WORLD, opts[m], TEST_SIGNAL_NOISY, &r[m]));
  PetscCall(PdennTestRelDiff(r[0].u, r[1].u, NORM_2, PETSC_SMALL, &rel));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "one cycle of %d steps on noise: |FED - FSI|/|FSI| = %.2e, |u|: %.6f -> %.6f\n", (int)r[0].info.steps, (double)rel, (double)r[0].info.norm_hist[0], (double)r[0].info.norm_hist[r[0].info.steps]));
  PetscCheck(r[0].info.steps == 190 && rel < 1e-8, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "long FED cycle (%d steps) differs from FSI by %g: rounding not under control", (int)r[0].info.steps, (double)rel);
  PetscCheck(r[0].info.norm_hist[r[0].info.steps] <= r[0].info.norm_hist[0], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "long FED cycle increased the norm");
  for (PetscInt m = 0; m < 2; m++) PetscCall(PdennTestRunDestroy(&r[m]));
  PetscFunctionReturn(0);
}

/* FED and FSI with M = 2, 8, 32 cycles against the explicit scheme with tau_max/16 on noise,
   N = 64, t_stop = 20 (40 plain steps). Both are first order in the cycle time, so the distance
   falls by ~4 per factor 4 in M: asserted > 2.5 per factor, and below 1e-2 relative at M = 32. */
static PetscErrorCode CheckAgreesWithExplicit(const char flux[])
{
  const char  *methods[2] = {"fed", "fsi"};
  char         opts[256];
  PdennTestRun ref;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method explicit -flux %s -lambda 0.1 -N 64 -t_stop 20 -tau 0.03125 -monitor_every -1", flux));
  PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_NOISY, &ref));
  for (PetscInt m = 0; m < 2; m++) {
    PetscReal rel_prev = 0.0;

    for (PetscInt M = 2; M <= 32; M *= 4) {
      PdennTestRun r;
      PetscReal    rel;

      PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method %s -flux %s -lambda 0.1 -N 64 -t_stop 20 -cycles %d -monitor_every -1", methods[m], flux, (int)M));
      PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_NOISY, &r));
      PetscCall(PdennTestRelDiff(r.u, ref.u, NORM_2, PETSC_SMALL, &rel));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s %s, %2d cycles: |u - u_explicit|/|u_explicit| = %.3e (ratio %.2f)\n", methods[m], flux, (int)M, (double)rel, (double)(rel_prev / rel)));
      PetscCheck(M == 2 || rel_prev / rel > 2.5, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s %s: distance to explicit %g -> %g with 4x cycles: no convergence", methods[m], flux, (double)rel_prev, (double)rel);
      PetscCheck(M < 32 || rel < 1e-2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s %s: distance to explicit %g at 32 cycles", methods[m], flux, (double)rel);
      rel_prev = rel;
      PetscCall(PdennTestRunDestroy(&r));
    }
  }
  PetscCall(PdennTestRunDestroy(&ref));
  PetscFunctionReturn(0);
}

/* Implicit and explicit Euler differ by O(tau) with the same constant sign structure, so tau / 10
   shrinks their distance by ~10: asserted in [7, 13]. */
static PetscErrorCode CheckImplicitAgreesWithExplicit(const char flux[])
{
  const PetscReal taus[2] = {0.025, 0.0025}; /* tau_max / 20, tau_max / 200 */
  PetscReal       rel[2];

  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < 2; j++) {
    char         opts[256];
    PdennTestRun r[2];

    for (PetscInt m = 0; m < 2; m++) {
      PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method %s -flux %s -lambda 0.1 -N 64 -t_stop 2 -tau %g -fixed_point_rtol 1e-13 -monitor_every -1", m == 0 ? "explicit" : "implicit_fixed_point", flux, (double)taus[j]));
      PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_NOISY, &r[m]));
    }
    PetscCall(PdennTestRelDiff(r[1].u, r[0].u, NORM_2, PETSC_SMALL, &rel[j]));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "implicit_fixed_point %s, tau %g: %d fixed-point iterations in %d steps, |u - u_explicit|/|u_explicit| = %.3e\n", flux, (double)taus[j], (int)r[1].info.nonlinear_its, (int)r[1].info.steps, (double)rel[j]));
    PetscCheck(r[1].info.nonlinear_its > r[1].info.steps, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "fixed-point iterations not counted");
    for (PetscInt m = 0; m < 2; m++) PetscCall(PdennTestRunDestroy(&r[m]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "implicit_fixed_point %s: distance ratio %.2f for tau / 10\n", flux, (double)(rel[0] / rel[1])));
  PetscCheck(rel[0] / rel[1] > 7.0 && rel[0] / rel[1] < 13.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "implicit vs explicit distance ratio %g for tau / 10, expected ~10", (double)(rel[0] / rel[1]));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "FED, FSI and implicit fixed point checks"));
  PetscCall(CheckLinearCycles());
  PetscCall(CheckLongCycle());
  PetscCall(CheckAgreesWithExplicit("linear"));
  PetscCall(CheckAgreesWithExplicit("perona_malik"));
  PetscCall(CheckImplicitAgreesWithExplicit("linear"));
  PetscCall(CheckImplicitAgreesWithExplicit("perona_malik"));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "fed fsi checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
