/* The summary of a classical solver run: its counters (PdennRunInfo, pde.h), the norms of the
   initial and final signal (Euclidean stability, docs/science.md §2, shows as norm_final <= norm_initial)
   and the error against a reference solution. Printed to stdout and saved next to the output. */
#include <pdenn/io.h>

PetscErrorCode PdennRunSummaryCompute(PdennSolver solver, Vec f, Vec u, Vec reference, Vec error, PdennRunSummary *s)
{
  PdennDiffusion pde = solver->pde;
  Vec            e   = error;
  PetscReal      norm2;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(PetscStrncpy(s->method, PdennMethods[solver->method], sizeof(s->method)));
  PetscCall(PetscStrncpy(s->flux, PdennFluxTypes[pde->flux.type], sizeof(s->flux)));
  s->N      = pde->N;
  s->dim    = pde->dim;
  for (PetscInt a = 0; a < 3; a++) s->M[a] = pde->M[a];
  s->order  = pde->order;
  s->lambda = pde->flux.lambda;
  s->h      = pde->h;
  s->info   = solver->info;
  /* ranks time themselves; files need one value on all ranks: the slowest rank's */
  PetscCall(MPIU_Allreduce(&solver->info.wall, &s->info.wall, 1, MPIU_REAL, MPIU_MAX, pde->comm));
  PetscCall(VecNorm(f, NORM_2, &s->norm_initial));
  PetscCall(VecNorm(u, NORM_2, &s->norm_final));
  if (!reference) PetscFunctionReturn(0);
  if (!e) PetscCall(VecDuplicate(u, &e));
  PetscCall(VecWAXPY(e, -1.0, reference, u));
  PetscCall(VecNorm(e, NORM_2, &norm2));
  PetscCall(VecNorm(e, NORM_INFINITY, &s->error_max));
  s->error_rms     = norm2 / PetscSqrtReal((PetscReal)s->N);
  s->has_reference = PETSC_TRUE;
  if (!error) PetscCall(VecDestroy(&e));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRunSummaryView(const PdennRunSummary *s, const char title[], PetscViewer viewer)
{
  const PdennRunInfo *i = &s->info;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "%s summary:\n", title));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  method: %s\n  N: %" PetscInt_FMT "\n  h: %g\n  order: %" PetscInt_FMT "\n", s->method, s->N, (double)s->h, s->order));
  if (s->dim > 1) PetscCall(PetscViewerASCIIPrintf(viewer, "  dim: %" PetscInt_FMT "\n  grid: %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (x, y, z)\n", s->dim, s->M[0], s->M[1], s->M[2]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  flux: %s\n  lambda: %g\n", s->flux, (double)s->lambda));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  t_stop: %.17g\n  tau: %.17g\n  unstable_tau: %s\n", (double)i->t_stop, (double)i->tau, i->unstable_tau ? "true" : "false"));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  steps: %" PetscInt_FMT "\n  cycles: %" PetscInt_FMT "\n", i->steps, i->cycles));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  linear_its: %" PetscInt_FMT "\n  nonlinear_its: %" PetscInt_FMT "\n", i->linear_its, i->nonlinear_its));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  wall_s: %.6f\n", (double)i->wall));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  norm_initial: %.17g\n  norm_final: %.17g\n", (double)s->norm_initial, (double)s->norm_final));
  if (s->has_reference) PetscCall(PetscViewerASCIIPrintf(viewer, "  error_rms: %.17g\n  error_max: %.17g\n", (double)s->error_rms, (double)s->error_max));
  PetscFunctionReturn(0);
}
