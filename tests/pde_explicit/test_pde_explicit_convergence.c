/* The explicit scheme (src/pde/explicit.c) against exact solutions of linear diffusion
   (-flux linear) for the cosine mode u0 = cos(pi x / Lx), orders 1 and 2:
   1. exactness: the discrete mode decays by exactly (1 - tau mu) per step (last step shortened
      so that t_stop is reached), relative 1e-12 (rounding of ~1e3 steps);
   2. temporal order ~1 against the semi-discrete solution exp(-mu t) u0 as tau halves;
   3. spatial order ~2 against the continuous solution exp(-(pi/Lx)^{2 order} t) u0 as N doubles,
      with tau = tau_max proportional to h^{2 order}. */
#include "explicit_test.h"

static PetscErrorCode CheckExactDecay(PetscInt order)
{
  const PetscInt  N      = 32;
  const PetscReal t_stop = order == 1 ? 30.3 : 7.3; /* not a multiple of tau_max (0.5, 0.125) */
  char            opts[256];
  PdennTestRun    r;
  PetscReal       mu = TestCosineEigenvalue(N, 1.0, order), tau_last, decay, err;
  PetscInt        n_expected;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method explicit -flux linear -N %d -order %d -t_stop %g -monitor_every -1", (int)N, (int)order, (double)t_stop));
  PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_COSINE, &r));
  n_expected = (PetscInt)PetscCeilReal(t_stop / r.tau_max);
  PetscCheck(r.info.steps == n_expected && r.info.tau == r.tau_max, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: %d steps of %g, expected %d of the default tau_max = %g", (int)order, (int)r.info.steps, (double)r.info.tau, (int)n_expected, (double)r.tau_max);
  PetscCheck(r.info.t_stop == t_stop && r.info.time_hist[r.info.n_hist - 1] == t_stop && r.info.n_hist == n_expected + 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: run ends at %.17g, not t_stop = %g", (int)order, (double)r.info.time_hist[r.info.n_hist - 1], (double)t_stop);
  tau_last = t_stop - (n_expected - 1) * r.tau_max;
  decay    = PetscPowReal(1.0 - r.tau_max * mu, (PetscReal)(n_expected - 1)) * (1.0 - tau_last * mu);
  PetscCall(TestModeError(r.u, decay, &err));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d: discrete mode after %d steps (last %g): relative error %.3e\n", (int)order, (int)n_expected, (double)tau_last, (double)err));
  PetscCheck(err < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: the cosine mode does not decay by (1 - tau mu) per step: error %g", (int)order, (double)err);
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

/* Temporal order: tau = tau_max / 2^j at fixed N, error against exp(-mu t) u0. The leading error
   is (mu^2 tau t / 2) exp(-mu t); the next term is smaller by mu tau < 0.005, so the observed
   order lies in [0.95, 1.05]. */
static PetscErrorCode CheckTemporalOrder(PetscInt order)
{
  const PetscInt  N      = 32;
  const PetscReal t_stop = order == 1 ? 40.0 : 10.0, mu = TestCosineEigenvalue(N, 1.0, order);
  PetscReal       err[4];

  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < 4; j++) {
    char         opts[256];
    PdennTestRun r;

    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method explicit -flux linear -N %d -order %d -t_stop %g -tau %.17g -monitor_every -1", (int)N, (int)order, (double)t_stop, (double)((order == 1 ? 0.5 : 0.125) / (1 << j))));
    PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_COSINE, &r));
    PetscCall(TestModeError(r.u, PetscExpReal(-mu * t_stop), &err[j]));
    PetscCall(PdennTestRunDestroy(&r));
    if (j > 0) {
      PetscReal p = PetscLog2Real(err[j - 1] / err[j]);
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d: tau = tau_max/%d: error %.3e, observed temporal order %.4f\n", (int)order, 1 << j, (double)err[j], (double)p));
      PetscCheck(p > 0.95 && p < 1.05, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: temporal order %g, expected 1 +- 0.05", (int)order, (double)p);
    }
  }
  PetscFunctionReturn(0);
}

/* Spatial order: Lx = 1, h = 1/N, tau = tau_max ~ h^{2 order}, error against the continuous
   solution exp(-pi^{2 order} t) cos(pi x). The error is C h^2 + O(h^4) with relative
   corrections ~ (pi h)^2 < 0.04 (N >= 16; 0.15 at N = 8 for order 2): order in [1.85, 2.15]. */
static PetscErrorCode CheckSpatialOrder(PetscInt order)
{
  const PetscInt  N0 = order == 1 ? 16 : 8, levels = order == 1 ? 4 : 3;
  const PetscReal t_stop = order == 1 ? 0.05 : 0.005, decay = PetscExpReal(-PetscPowReal(PETSC_PI, 2.0 * order) * t_stop);
  PetscReal       err[4];

  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < levels; j++) {
    const PetscInt N = N0 << j;
    char           opts[256];
    PdennTestRun   r;

    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method explicit -flux linear -N %d -h %.17g -order %d -t_stop %g -monitor_every -1", (int)N, 1.0 / N, (int)order, (double)t_stop));
    PetscCall(TestRun(PETSC_COMM_WORLD, opts, TEST_SIGNAL_COSINE, &r));
    PetscCall(TestModeError(r.u, decay, &err[j]));
    PetscCall(PdennTestRunDestroy(&r));
    if (j > 0) {
      PetscReal p = PetscLog2Real(err[j - 1] / err[j]);
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d: N = %d: error %.3e, observed spatial order %.4f\n", (int)order, (int)N, (double)err[j], (double)p));
      PetscCheck(p > 1.85 && p < 2.15, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d: spatial order %g at N = %d, expected 2 +- 0.15", (int)order, (double)p, (int)N);
    }
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Explicit scheme against exact solutions"));
  for (PetscInt order = 1; order <= 2; order++) {
    PetscCall(CheckExactDecay(order));
    PetscCall(CheckTemporalOrder(order));
    PetscCall(CheckSpatialOrder(order));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "explicit convergence checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
