/* Fast semi-iterative scheme (docs/science.md §3): within a cycle of n steps, u^{-1} = u^0 and
   u^{k+1} = alpha_k (u^k - tau K^T Phi(K u^k)) + (1 - alpha_k) u^{k-1}, alpha_k = (4k+2)/(2k+3):
   the explicit step (the symmetric residual block) plus a skip connection from step k-1. Same
   cycle time tau (n^2+n)/3 as FED; the diffusivity is updated in every step. */
#include "explicitpriv.h"

/* One cycle from t0 to t1 with base step tau. cur/prev/work are u^k, u^{k-1} and the explicit
   step; the pointers rotate, so the result is in *cur on return. */
static PetscErrorCode FSICycle(PdennSolver s, PetscInt n, PetscReal tau, PetscReal t0, PetscReal t1, Vec *cur, Vec *prev, Vec work)
{
  PetscFunctionBeginUser;
  PetscCall(VecCopy(*cur, *prev)); /* u^{-1} = u^0 */
  for (PetscInt k = 0; k < n; k++) {
    const PetscReal alpha = (4.0 * k + 2.0) / (2.0 * k + 3.0);
    Vec             next  = *prev;

    PetscCall(PdennDiffusionExplicitStep(s->pde, tau, *cur, work));
    PetscCall(VecAXPBY(next, alpha, 1.0 - alpha, work)); /* u^{k+1} overwrites u^{k-1} */
    *prev = *cur;
    *cur  = next;
    /* the cycle time after k+1 steps is tau ((k+1)^2 + (k+1))/3: an FSI cycle of length k+1 */
    PetscCall(PdennSolverRecordStep(s, *cur, k == n - 1 ? t1 : t0 + tau * (k + 1.0) * (k + 2.0) / 3.0));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverRun_FSI(PdennSolver s, Vec u)
{
  PetscReal tau, tau_limit, tau_cycle;
  PetscInt  M, n;
  Vec       cur = u, prev, work;

  PetscFunctionBeginUser;
  PetscCall(PdennSolverGetExplicitTau(s, &tau, &tau_limit));
  PetscCall(PdennSolverCycleLayout(s, tau, &M, &n, &tau_cycle));
  PetscCall(PetscInfo(NULL, "FSI: %" PetscInt_FMT " cycles of %" PetscInt_FMT " steps, step %g (limit %g)\n", M, n, (double)tau_cycle, (double)tau_limit));
  PetscCall(VecDuplicate(u, &prev));
  PetscCall(VecDuplicate(u, &work));
  for (PetscInt c = 0; c < M; c++) PetscCall(FSICycle(s, n, tau_cycle, s->t_stop * c / M, c == M - 1 ? s->t_stop : s->t_stop * (c + 1) / M, &cur, &prev, work));
  if (cur != u) { /* the result sits in the work vector that started as prev */
    PetscCall(VecCopy(cur, u));
    prev = cur;
  }
  PetscCall(VecDestroy(&prev));
  PetscCall(VecDestroy(&work));
  s->info.steps  = M * n;
  s->info.cycles = M;
  s->info.tau    = tau_cycle;
  s->info.t_stop = s->t_stop;
  PetscFunctionReturn(0);
}
