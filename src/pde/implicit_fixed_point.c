/* The fully implicit scheme u^{k+1} = u^k - tau K^T Phi(K u^{k+1}) of docs/science.md §4, solved by the
   fixed-point iteration v^{l+1} = u^k - tau K^T Phi(K v^l): a recurrent network that applies the
   same weights repeatedly with its input u^k fed into every iteration. It contracts when
   tau L ||K||^2 < 1, i.e. tau < tau_max/2 with tau_max = 2/(L ||K||^2) of PdennDiffusionTauMax. */
#include "explicitpriv.h"

/* Default tau L ||K||^2 = 1/2: the contraction rate 1/2 reaches -fixed_point_rtol 1e-10 in <= 34
   iterations, within the default 100 even for noise. Rate 0.9 (tau = 0.45 tau_max) needs ~220
   there, and over a whole run it costs more (measured on noise, t_stop = 20: 4191 iterations at
   rate 0.9 against 1647 at rate 0.5, Perona-Malik; docs/theory_explicit.md). */
#define PDENN_FIXED_POINT_DEFAULT_RATE 0.5

static PetscErrorCode FixedPointTau(PdennSolver s, PetscReal *tau, PetscReal *limit)
{
  PetscReal tau_max;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(s->pde, &tau_max));
  *limit = 0.5 * tau_max; /* tau L ||K||^2 = 1 with ||K||^2 = 2/(L tau_max) */
  *tau   = s->tau > 0.0 ? s->tau : PDENN_FIXED_POINT_DEFAULT_RATE * *limit;
  if (*tau < *limit) PetscFunctionReturn(0);
  PetscCheck(s->allow_unstable, s->pde->comm, PDENN_ERR_INPUT, "key -tau: value %g gives tau L ||K||^2 = %g >= 1, where the fixed-point iteration of method %s need not converge; expected 0 < tau < %g (0: default %g), or set -allow_unstable to try", (double)*tau, (double)(*tau / *limit), PdennMethods[s->method], (double)*limit, (double)(PDENN_FIXED_POINT_DEFAULT_RATE * *limit));
  PetscCall(PetscPrintf(s->pde->comm, "WARNING: key -tau: %g gives tau L ||K||^2 = %g >= 1; allowed by -allow_unstable, the fixed-point iteration may diverge (then an error follows)\n", (double)*tau, (double)(*tau / *limit)));
  s->info.unstable_tau = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* Solves v = u - tau K^T Phi(K v) from v = u; on return v holds the solution and *its the
   iterations. w, r: work vectors. */
static PetscErrorCode FixedPointSolve(PdennSolver s, PetscReal tau, Vec u, Vec *v, Vec *w, Vec r, PetscInt step, PetscInt *its)
{
  PetscReal diff = 0.0, norm = 0.0;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(u, *v));
  for (*its = 1; *its <= s->fp_max_it; (*its)++) {
    Vec tmp;

    PetscCall(PdennDiffusionResidual(s->pde, *v, r));
    PetscCall(VecWAXPY(*w, -tau, r, u)); /* v^{l+1} = u^k - tau K^T Phi(K v^l) */
    PetscCall(VecAYPX(*v, -1.0, *w));    /* v <- v^{l+1} - v^l */
    PetscCall(VecNormBegin(*v, NORM_2, &diff));
    PetscCall(VecNormBegin(*w, NORM_2, &norm));
    PetscCall(VecNormEnd(*v, NORM_2, &diff));
    PetscCall(VecNormEnd(*w, NORM_2, &norm));
    tmp = *v;
    *v  = *w;
    *w  = tmp;
    if (diff <= s->fp_rtol * norm) PetscFunctionReturn(0);
  }
  SETERRQ(s->pde->comm, PDENN_ERR_INPUT, "method %s: the fixed-point iteration of step %" PetscInt_FMT " did not converge in %" PetscInt_FMT " iterations (key -fixed_point_max_it): ||v^{l+1} - v^l|| / ||v^{l+1}|| = %g > %g (key -fixed_point_rtol); expected a smaller -tau (now %g) or a larger -fixed_point_max_it", PdennMethods[s->method], step + 1, s->fp_max_it, (double)(norm > 0.0 ? diff / norm : diff), (double)s->fp_rtol, (double)tau);
}

PetscErrorCode PdennSolverRun_ImplicitFixedPoint(PdennSolver s, Vec u)
{
  PetscReal tau = 0.0, limit, tau_last;
  PetscInt  n, its = 0;
  Vec       v, w, r;

  PetscFunctionBeginUser;
  PetscCall(FixedPointTau(s, &tau, &limit));
  PetscCall(PdennUniformSteps(s->pde->comm, s->t_stop, tau, &n, &tau_last));
  PetscCall(VecDuplicate(u, &v));
  PetscCall(VecDuplicate(u, &w));
  PetscCall(VecDuplicate(u, &r));
  for (PetscInt k = 0; k < n; k++) {
    const PetscBool      last = (PetscBool)(k == n - 1);
    const PetscErrorCode ierr = FixedPointSolve(s, last ? tau_last : tau, u, &v, &w, r, k, &its);

    if (ierr) { /* no convergence is a user error: free the work vectors before passing it on */
      PetscCall(VecDestroy(&v));
      PetscCall(VecDestroy(&w));
      PetscCall(VecDestroy(&r));
      PetscCall(ierr);
    }
    PetscCall(VecCopy(v, u));
    s->info.nonlinear_its += its;
    PetscCall(PdennSolverRecordStep(s, u, last ? s->t_stop : (k + 1) * tau));
  }
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&r));
  s->info.steps  = n;
  s->info.tau    = tau;
  s->info.t_stop = s->t_stop;
  PetscFunctionReturn(0);
}
