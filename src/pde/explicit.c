/* The explicit scheme u^{k+1} = u^k - tau K^T Phi(K u^k) of docs/science.md §2: the symmetric residual
   block with W = K, stable for tau <= tau_max = 2/(L ||K||^2). Also the step-size rules that the
   other explicit-type methods (FED, FSI, the fixed-point iteration) share. */
#include "explicitpriv.h"

/* Relative slack when comparing a user's tau with a limit: "-tau 5e-05" parsed and h^2/2 computed
   may differ in the last bit; ||K||^2 < 4/h^2 strictly, so this slack never breaks stability. */
#define PDENN_TAU_SLACK 1e-12

PetscErrorCode PdennSolverGetExplicitTau(PdennSolver s, PetscReal *tau, PetscReal *tau_max)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(s->pde, tau_max));
  *tau = s->tau > 0.0 ? s->tau : *tau_max;
  if (*tau <= *tau_max * (1.0 + PDENN_TAU_SLACK)) PetscFunctionReturn(0);
  PetscCheck(s->allow_unstable, s->pde->comm, PDENN_ERR_INPUT, "key -tau: value %g exceeds the stability limit tau_max = 2/(L ||K||^2) = %g of method %s; expected 0 < tau <= %g (0: tau_max), or set -allow_unstable for experiments", (double)*tau, (double)*tau_max, PdennMethods[s->method], (double)*tau_max);
  PetscCall(PetscPrintf(s->pde->comm, "WARNING: key -tau: %g exceeds the stability limit %g of method %s; allowed by -allow_unstable, the Euclidean norm may grow\n", (double)*tau, (double)*tau_max, PdennMethods[s->method]));
  s->info.unstable_tau = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennUniformSteps(MPI_Comm comm, PetscReal t_stop, PetscReal tau, PetscInt *n, PetscReal *tau_last)
{
  PetscReal ratio = t_stop / tau;

  PetscFunctionBeginUser;
  PetscCheck(ratio < (PetscReal)PETSC_MAX_INT, comm, PDENN_ERR_INPUT, "keys -t_stop, -tau: t_stop / tau = %g steps is more than this build can count (%d); expected a larger -tau or a smaller -t_stop", (double)ratio, (int)PETSC_MAX_INT);
  /* the 1e-9 keeps a t_stop that is a multiple of tau up to rounding from adding a tiny last step */
  *n        = t_stop > 0.0 ? PetscMax(1, (PetscInt)PetscCeilReal(ratio - 1e-9)) : 0;
  *tau_last = *n > 0 ? t_stop - (*n - 1) * tau : 0.0;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverRun_Explicit(PdennSolver s, Vec u)
{
  PetscReal tau, tau_max, tau_last;
  PetscInt  n;

  PetscFunctionBeginUser;
  PetscCall(PdennSolverGetExplicitTau(s, &tau, &tau_max));
  PetscCall(PdennUniformSteps(s->pde->comm, s->t_stop, tau, &n, &tau_last));
  for (PetscInt k = 0; k < n; k++) {
    const PetscBool last = (PetscBool)(k == n - 1);

    PetscCall(PdennDiffusionExplicitStep(s->pde, last ? tau_last : tau, u, u));
    PetscCall(PdennSolverRecordStep(s, u, last ? s->t_stop : (k + 1) * tau));
  }
  s->info.steps  = n;
  s->info.tau    = tau;
  s->info.t_stop = s->t_stop;
  PetscFunctionReturn(0);
}
