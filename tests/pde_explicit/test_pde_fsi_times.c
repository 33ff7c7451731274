/* Written against a planted bug of the mutation campaign (tests/mutation/): the times FSI records
   after each step (norm history, snapshots) follow its cycle time, docs/science.md §3: after
   k + 1 steps of a cycle of base step tau the cycle has advanced tau (k+1)(k+2)/3, and the last
   step of a cycle reaches the cycle's end exactly. Computed here from that formula, not by
   pdenn's routine: 3 cycles to t_stop = 30 with tau_max = 1/2 (order 1, h = 1). */
#include <pdenn/pdenn.h>
#include "pdenn_test.h"

static PetscErrorCode Run(void)
{
  PdennDiffusion pde;
  PdennSolver    s;
  Vec            u;
  PetscReal      worst = 0.0;
  PetscInt       n, M;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertString(NULL, "-N 32 -flux linear -method fsi -t_stop 30 -cycles 3 -monitor_every 0"));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PdennSolverCreate(pde, &s));
  PetscCall(PdennSolverSetFromOptions(s));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(PdennTestFillSignal(pde->da, u, 0.3, 0.5));
  PetscCall(PdennSolverSolve(s, u));
  M = s->info.cycles, n = s->info.steps / M;
  PetscCheck(M == 3 && s->info.steps == M * n && s->info.n_hist == s->info.steps + 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FSI: %" PetscInt_FMT " cycles, %" PetscInt_FMT " steps, %" PetscInt_FMT " recorded times; expected 3 cycles of equal length and a time per step plus the start", M, s->info.steps, s->info.n_hist);
  for (PetscInt c = 0; c < M; c++)
    for (PetscInt k = 0; k < n; k++) {
      const PetscReal t0 = 30.0 * c / M, want = k == n - 1 ? 30.0 * (c + 1) / M : t0 + s->info.tau * (k + 1.0) * (k + 2.0) / 3.0;
      const PetscReal got = s->info.time_hist[1 + c * n + k];
      worst               = PetscMax(worst, PetscAbsReal(got - want));
      PetscCheck(PetscAbsReal(got - want) <= 1e-12 * 30.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FSI cycle %" PetscInt_FMT " step %" PetscInt_FMT ": recorded time %.17g, expected %.17g (t0 + tau (k+1)(k+2)/3, tau = %g)", c, k, (double)got, (double)want, (double)s->info.tau);
    }
  PetscCheck(PetscAbsReal(s->info.tau * n * (n + 1.0) / 3.0 - 10.0) <= 1e-12 * 10.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "FSI: cycle time tau (n^2+n)/3 = %.17g, expected t_stop / cycles = 10", (double)(s->info.tau * n * (n + 1.0) / 3.0));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FSI times: %" PetscInt_FMT " cycles of %" PetscInt_FMT " steps, tau %g, recorded times agree with t0 + tau (k+1)(k+2)/3 to %.3g\n", M, n, (double)s->info.tau, (double)worst));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
