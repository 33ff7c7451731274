/* Runs one explicit-type solver like an app (deck keys on the command line, pdenn's one-line
   errors, unknown keys refused) on the noisy piecewise-constant test signal.
   -compare_serial: recompute the run on rank 0 over PETSC_COMM_SELF and compare. Every point sees
   the same operations on the same values in the same order on any rank layout, so the result is
   expected bitwise equal; the tolerance 1e-12 relative only allows a fixed-point iteration to stop
   one iteration apart (its stopping test uses global norms, summed in another order).
   -expect_growth: assert that the norm grew (a tau above the stability limit, -allow_unstable). */
#include "explicit_test.h"

static PetscErrorCode CompareSerial(PdennTestRun *par)
{
  PetscMPIInt rank;
  VecScatter  to_zero;
  Vec         gathered;
  PetscReal   stats[2] = {0.0, 0.0}; /* relative difference, 1 if the run infos differ */

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(VecScatterCreateToZero(par->u, &to_zero, &gathered));
  PetscCall(VecScatterBegin(to_zero, par->u, gathered, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(to_zero, par->u, gathered, INSERT_VALUES, SCATTER_FORWARD));
  if (rank == 0) {
    PdennTestRun     ser;
    const PetscReal *a, *b;
    PetscInt         n;
    PetscReal        diff = 0.0, scale = 0.0;

    PetscCall(TestRun(PETSC_COMM_SELF, NULL, TEST_SIGNAL_NOISY, &ser));
    PetscCall(VecGetLocalSize(ser.u, &n));
    PetscCall(VecGetArrayRead(gathered, &a));
    PetscCall(VecGetArrayRead(ser.u, &b));
    for (PetscInt i = 0; i < n; i++) {
      diff  = PetscMax(diff, PetscAbsReal(a[i] - b[i]));
      scale = PetscMax(scale, PetscAbsReal(b[i]));
    }
    PetscCall(VecRestoreArrayRead(gathered, &a));
    PetscCall(VecRestoreArrayRead(ser.u, &b));
    stats[0] = diff / scale;
    stats[1] = (PetscReal)(ser.info.steps != par->info.steps || ser.info.cycles != par->info.cycles || ser.info.nonlinear_its != par->info.nonlinear_its || ser.info.t_stop != par->info.t_stop);
    PetscCall(PdennTestRunDestroy(&ser));
  }
  PetscCallMPI(MPI_Bcast(stats, 2, MPIU_REAL, 0, PETSC_COMM_WORLD));
  PetscCall(VecScatterDestroy(&to_zero));
  PetscCall(VecDestroy(&gathered));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "serial comparison: max |u_par - u_ser| / max |u_ser| = %.3e, run info %s\n", (double)stats[0], stats[1] != 0.0 ? "differs" : "equal"));
  PetscCheck(stats[0] <= 1e-12 && stats[1] == 0.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "parallel run differs from the one-rank run");
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "serial comparison passed\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscBool    compare = PETSC_FALSE, growth = PETSC_FALSE;
  PdennTestRun r;
  PetscReal    n0, n1;

  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Explicit-type solver test driver", NULL);
  PetscCall(PdennOptionsBool("-compare_serial", "Compare with a one-rank run on rank 0", compare, &compare, NULL));
  PetscCall(PdennOptionsBool("-expect_growth", "Assert that the norm grew (unstable tau)", growth, &growth, NULL));
  PetscOptionsEnd();
  PetscCall(TestRun(PETSC_COMM_WORLD, NULL, TEST_SIGNAL_NOISY, &r));
  PetscCall(PdennDeckCheckUnused(PETSC_COMM_WORLD));
  n0 = r.info.norm_hist[0];
  n1 = r.info.norm_hist[r.info.n_hist - 1];
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "run: %d steps, %d cycles, %d fixed-point iterations, t = %.17g, tau = %g, unstable_tau %d, |u| %.6f -> %.6g\n", (int)r.info.steps, (int)r.info.cycles, (int)r.info.nonlinear_its, (double)r.info.t_stop, (double)r.info.tau, (int)r.info.unstable_tau, (double)n0, (double)n1));
  if (growth) {
    PetscCheck(r.info.unstable_tau && n1 > 10.0 * n0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "expected an unstable run to be flagged and to grow the norm tenfold");
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "unstable growth confirmed\n"));
  }
  if (compare) PetscCall(CompareSerial(&r));
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr = PdennInitialize(&argc, &argv, "Explicit-type solver test driver");

  if (ierr) return 1;
  return PdennFinalize(Run());
}
