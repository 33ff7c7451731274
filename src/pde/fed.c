/* Fast explicit diffusion (docs/science.md §3): cycles of n explicit steps of sizes
   tau_i = tau_max / (2 cos^2(pi (2i+1)/(4n+2))), each cycle advancing tau_max (n^2+n)/3, stable
   per cycle for a linear operator. For nonlinear problems the diffusivity is frozen per cycle
   (so each cycle is linear and the guarantee holds); see docs/theory_explicit.md. */
#include "explicitpriv.h"

/* Longest cycle: Leja ordering costs O(n^2) (4e8 operations here) and its partial products grow
   like n^2 (see FEDLejaOrder). The automatic cycle count stays far below this. */
#define PDENN_FED_MAX_CYCLE 20000

static PetscErrorCode FEDReadOptions(PdennSolver s, PetscBool *freeze)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(s->pde->comm, NULL, "FED solver", NULL);
  PetscCall(PdennOptionsBool("-fed_freeze", "Freeze the diffusivity during each FED cycle (false: update it every step, stability not guaranteed)", PETSC_TRUE, freeze, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverSetFromOptions_FED(PdennSolver s)
{
  PetscBool freeze;

  PetscFunctionBeginUser;
  PetscCall(FEDReadOptions(s, &freeze)); /* the run reads it again: PdennSolver has no field */
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverCycleLayout(PdennSolver s, PetscReal tau_max, PetscInt *M, PetscInt *n, PetscReal *tau_cycle)
{
  const PetscReal plain = s->t_stop / tau_max; /* steps the plain explicit scheme would take */
  PetscReal       per_cycle;

  PetscFunctionBeginUser;
  *M = *n    = 0;
  *tau_cycle = tau_max;
  if (s->t_stop <= 0.0) PetscFunctionReturn(0);
  /* automatic: M ~ sqrt(plain)/10, so n ~ sqrt(30 sqrt(plain)) grows only like plain^(1/4) (rounding
     stays harmless) while the steps, ~ sqrt(0.3) plain^(3/4), stay far below plain */
  *M        = s->cycles > 0 ? s->cycles : PetscMax(1, (PetscInt)PetscCeilReal(PetscSqrtReal(plain) / 10.0));
  per_cycle = plain / *M; /* (n^2+n)/3 must reach this */
  PetscCheck(per_cycle < 1e15 && (PetscReal)*M * PetscSqrtReal(3.0 * per_cycle + 1.0) < 0.5 * PETSC_MAX_INT, s->pde->comm, PDENN_ERR_INPUT, "keys -t_stop, -cycles: %g time units in %" PetscInt_FMT " cycles of base step %g need more steps than this build can count; expected a smaller -t_stop or fewer -cycles", (double)s->t_stop, *M, (double)tau_max);
  *n = PetscMax(1, (PetscInt)PetscCeilReal(0.5 * (PetscSqrtReal(1.0 + 12.0 * per_cycle) - 1.0)));
  while ((*n) * (*n + 1.0) / 3.0 < per_cycle) (*n)++; /* the square root may round either way */
  while (*n > 1 && (*n - 1.0) * (*n) / 3.0 >= per_cycle) (*n)--;
  *tau_cycle = s->t_stop / (*M * ((*n) * (*n + 1.0) / 3.0));
  PetscFunctionReturn(0);
}

/* Leja order of the cycle's steps: the roots 1/tau_i of its polynomial prod (1 - tau_i lambda),
   the largest first, then each maximising the product of its distances to those already taken.
   Every partial product then stays moderate (~1e3 at n = 100, ~1e4 at n = 350), so rounding
   errors are not blown up. The kappa = n/2 cycle of the FED reference implementation is a
   heuristic that fails for some n (partial products ~1e30 at n = 100), see docs/theory_explicit.md. */
static PetscErrorCode FEDLejaOrder(PetscInt n, const PetscReal sorted[], PetscReal tau[])
{
  PetscReal *log_dist;
  PetscBool *used;
  PetscInt   j = 0; /* sorted[0] is the smallest step: the largest root */

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc2(n, &log_dist, n, &used));
  for (PetscInt l = 0; l < n; l++) {
    PetscInt next = -1;

    tau[l]  = sorted[j];
    used[j] = PETSC_TRUE;
    for (PetscInt i = 0; i < n; i++) {
      if (used[i]) continue;
      log_dist[i] += PetscLogReal(PetscAbsReal(1.0 / sorted[i] - 1.0 / sorted[j]));
      if (next < 0 || log_dist[i] > log_dist[next]) next = i;
    }
    j = next;
  }
  PetscCall(PetscFree2(log_dist, used));
  PetscFunctionReturn(0);
}

/* The FED step sizes tau_i = tau_cycle / (2 cos^2(pi (2i+1)/(4n+2))) of one cycle, in Leja order. */
static PetscErrorCode FEDStepSizes(PetscInt n, PetscReal tau_cycle, PetscReal tau[])
{
  PetscReal *sorted;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n, &sorted));
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal c = PetscCosReal(PETSC_PI * (2.0 * i + 1.0) / (4.0 * n + 2.0));
    sorted[i]         = tau_cycle / (2.0 * c * c);
  }
  PetscCall(FEDLejaOrder(n, sorted, tau));
  PetscCall(PetscFree(sorted));
  PetscFunctionReturn(0);
}

/* phi(z_i) = g_i z_i with g = g((K u)^2) frozen at the cycle start: through PdennSymStep the step
   becomes u - tau K^T G K u with a fixed G, a linear operator with no second stencil loop. */
typedef struct {
  Vec g;
} FrozenFlux;

static PetscErrorCode FrozenActivation(void *ctx, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[])
{
  const PetscReal *g;
  PetscInt         n_g;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(((FrozenFlux *)ctx)->g, &n_g));
  PetscCheck(n_g == n, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "frozen diffusivity has %" PetscInt_FMT " local values, the activation got %" PetscInt_FMT, n_g, n);
  PetscCall(VecGetArrayRead(((FrozenFlux *)ctx)->g, &g));
  for (PetscInt i = 0; i < n; i++) { /* phi may be z: read z[i] before writing phi[i] */
    const PetscReal gi = g[i];
    phi[i]             = gi * z[i];
    if (dphi) dphi[i] = gi;
  }
  PetscCall(VecRestoreArrayRead(((FrozenFlux *)ctx)->g, &g));
  PetscFunctionReturn(0);
}

/* One explicit step with the frozen activation swapped in and the flux restored right after, so
   that callbacks (snapshots) never see the problem in its frozen state. */
static PetscErrorCode FrozenStep(PdennDiffusion pde, FrozenFlux *frozen, PetscReal tau, Vec u)
{
  PdennActivationFn act     = pde->step.act;
  void             *act_ctx = pde->step.act_ctx;

  PetscFunctionBeginUser;
  if (pde->dim > 1) { /* the grid operator takes the frozen g directly */
    PetscCall(PdennDiffusionGridStep(pde, frozen->g, 1.0, tau, u, u));
    PetscFunctionReturn(0);
  }
  pde->step.act     = FrozenActivation;
  pde->step.act_ctx = frozen;
  PetscCall(PdennDiffusionExplicitStep(pde, tau, u, u));
  pde->step.act     = act;
  pde->step.act_ctx = act_ctx;
  PetscFunctionReturn(0);
}

/* One cycle from time t0 to t1 (recorded exactly at its end); g != NULL freezes the diffusivity. */
static PetscErrorCode FEDCycle(PdennSolver s, PetscInt n, const PetscReal tau[], Vec g, PetscReal t0, PetscReal t1, Vec u)
{
  FrozenFlux frozen = {g};
  PetscReal  t      = t0;

  PetscFunctionBeginUser;
  if (g) PetscCall(PdennDiffusionDiffusivity(s->pde, u, g));
  for (PetscInt i = 0; i < n; i++) {
    if (g) {
      PetscCall(FrozenStep(s->pde, &frozen, tau[i], u));
    } else {
      PetscCall(PdennDiffusionExplicitStep(s->pde, tau[i], u, u));
    }
    t += tau[i];
    PetscCall(PdennSolverRecordStep(s, u, i == n - 1 ? t1 : t));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverRun_FED(PdennSolver s, Vec u)
{
  PetscReal tau, tau_limit, tau_cycle, *steps;
  PetscInt  M, n;
  PetscBool freeze;
  Vec       g = NULL;

  PetscFunctionBeginUser;
  PetscCall(FEDReadOptions(s, &freeze));
  PetscCall(PdennSolverGetExplicitTau(s, &tau, &tau_limit)); /* tau: the cycle's base step */
  PetscCall(PdennSolverCycleLayout(s, tau, &M, &n, &tau_cycle));
  PetscCheck(n <= PDENN_FED_MAX_CYCLE, s->pde->comm, PDENN_ERR_INPUT, "key -cycles: %" PetscInt_FMT " cycles to reach t_stop = %g need %" PetscInt_FMT " steps each, more than %d (the step order costs O(n^2) and controls rounding less well); expected -cycles >= %.0f or 0 (automatic)", M, (double)s->t_stop, n, PDENN_FED_MAX_CYCLE, PetscCeilReal(s->t_stop / tau / (PDENN_FED_MAX_CYCLE * (PDENN_FED_MAX_CYCLE + 1.0) / 3.0)));
  PetscCall(PetscInfo(NULL, "FED: %" PetscInt_FMT " cycles of %" PetscInt_FMT " steps, base step %g (limit %g), diffusivity %s\n", M, n, (double)tau_cycle, (double)tau_limit, freeze ? "frozen per cycle" : "updated every step"));
  PetscCall(PetscMalloc1(n, &steps));
  PetscCall(FEDStepSizes(n, tau_cycle, steps));
  if (freeze) PetscCall(VecDuplicate(u, &g));
  for (PetscInt c = 0; c < M; c++) PetscCall(FEDCycle(s, n, steps, g, s->t_stop * c / M, c == M - 1 ? s->t_stop : s->t_stop * (c + 1) / M, u));
  PetscCall(VecDestroy(&g));
  PetscCall(PetscFree(steps));
  s->info.steps  = M * n;
  s->info.cycles = M;
  s->info.tau    = tau_cycle;
  s->info.t_stop = s->t_stop;
  PetscFunctionReturn(0);
}
