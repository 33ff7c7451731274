/* PdennSolver: the options, the dispatch to one file per method, and what every method reports
   (norm history, progress lines, snapshots). */
#include <pdenn/pde.h>

const char *const PdennMethods[] = {"explicit", "fed", "fsi", "semi_implicit", "implicit_fixed_point", "implicit_newton"};

PetscErrorCode PdennSolverCreate(PdennDiffusion pde, PdennSolver *solver)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(solver));
  (*solver)->pde       = pde;
  (*solver)->method    = PDENN_METHOD_EXPLICIT;
  (*solver)->t_stop    = 10.0;
  (*solver)->fp_max_it = 100;
  (*solver)->fp_rtol   = 1e-10;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverSetFromOptions(PdennSolver s)
{
  PetscInt method;

  PetscFunctionBeginUser;
  PetscOptionsBegin(s->pde->comm, NULL, "Classical solver", NULL);
  PetscCall(PdennOptionsChoice("-method", "Time integration method", PdennMethods, PDENN_METHOD_NTYPES, (PetscInt)s->method, &method, NULL));
  PetscCall(PdennOptionsReal("-t_stop", "Diffusion time to reach", s->t_stop, 0.0, 1e15, &s->t_stop, NULL));
  PetscCall(PdennOptionsReal("-tau", "Time step size (0: the method's default, see docs/decks.md)", s->tau, 0.0, 1e15, &s->tau, NULL));
  PetscCall(PdennOptionsInt("-cycles", "FED/FSI cycles to reach t_stop (0: automatic)", s->cycles, 0, PETSC_MAX_INT, &s->cycles, NULL));
  PetscCall(PdennOptionsBool("-allow_unstable", "Allow an explicit tau above the stability limit (experiments only)", s->allow_unstable, &s->allow_unstable, NULL));
  PetscCall(PdennOptionsInt("-fixed_point_max_it", "Maximum fixed-point iterations per implicit step", s->fp_max_it, 1, PETSC_MAX_INT, &s->fp_max_it, NULL));
  PetscCall(PdennOptionsReal("-fixed_point_rtol", "Relative tolerance of the fixed-point iteration", s->fp_rtol, 0.0, 1.0, &s->fp_rtol, NULL));
  PetscCall(PdennOptionsInt("-monitor_every", "Progress line every n steps (0: every 5 s of wall time; -1: none)", s->monitor_every, -1, PETSC_MAX_INT, &s->monitor_every, NULL));
  PetscCall(PdennOptionsInt("-snapshot_every", "Snapshot every n steps (0: none)", s->snapshot_every, 0, PETSC_MAX_INT, &s->snapshot_every, NULL));
  PetscOptionsEnd();
  s->method = (PdennMethod)method;
  if (s->method == PDENN_METHOD_FED) PetscCall(PdennSolverSetFromOptions_FED(s));
  if (s->method == PDENN_METHOD_SEMI_IMPLICIT) PetscCall(PdennSolverSetFromOptions_SemiImplicit(s));
  if (s->method == PDENN_METHOD_IMPLICIT_NEWTON) PetscCall(PdennSolverSetFromOptions_ImplicitNewton(s));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverSetSnapshot(PdennSolver s, PdennSnapshotFn fn, void *ctx)
{
  PetscFunctionBeginUser;
  s->snapshot     = fn;
  s->snapshot_ctx = ctx;
  PetscFunctionReturn(0);
}

static PetscErrorCode HistoryAppend(PdennRunInfo *info, PetscReal t, PetscReal norm)
{
  PetscFunctionBeginUser;
  if (info->n_hist == info->max_hist) {
    info->max_hist = PetscMax(64, 2 * info->max_hist);
    PetscCall(PetscRealloc(sizeof(PetscReal) * info->max_hist, &info->norm_hist));
    PetscCall(PetscRealloc(sizeof(PetscReal) * info->max_hist, &info->time_hist));
  }
  info->norm_hist[info->n_hist] = norm;
  info->time_hist[info->n_hist] = t;
  info->n_hist++;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverRecordStep(PdennSolver s, Vec u, PetscReal t)
{
  PetscReal      norm;
  PetscLogDouble now;
  PetscInt       k = s->info.n_hist; /* steps recorded so far, the initial signal being 0 */
  PetscBool      print;

  PetscFunctionBeginUser;
  PetscCall(VecNorm(u, NORM_2, &norm));
  PetscCall(HistoryAppend(&s->info, t, norm));
  PetscCall(PetscTime(&now));
  print = s->monitor_every > 0 ? (PetscBool)(k % s->monitor_every == 0) : (PetscBool)(s->monitor_every == 0 && now - s->t_last_print > 5.0);
  if (print && k > 0) {
    PetscReal done = s->t_stop > 0 ? t / s->t_stop : 1.0, el = now - s->t_start;
    PetscCall(PetscPrintf(s->pde->comm, "  %s step %" PetscInt_FMT ": t = %g of %g (%.0f%%), |u| = %.12g, %.1f s, ETA %.1f s\n", PdennMethods[s->method], k, (double)t, (double)s->t_stop, 100.0 * done, (double)norm, el, done > 0 ? el * (1.0 - done) / done : 0.0));
    s->t_last_print = now;
  }
  if (s->snapshot && s->snapshot_every > 0 && k % s->snapshot_every == 0) PetscCall(s->snapshot(s->snapshot_ctx, k, t, u));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverSolve(PdennSolver s, Vec u)
{
  static PetscLogEvent events[PDENN_METHOD_NTYPES];
  static PetscBool     registered = PETSC_FALSE;
  PetscLogDouble       t1;

  PetscFunctionBeginUser;
  if (!registered) {
    PetscClassId id;
    PetscCall(PetscClassIdRegister("pdenn solver", &id));
    for (PetscInt m = 0; m < PDENN_METHOD_NTYPES; m++) PetscCall(PetscLogEventRegister(PdennMethods[m], id, &events[m]));
    registered = PETSC_TRUE;
  }
  PetscCall(PetscFree(s->info.norm_hist));
  PetscCall(PetscFree(s->info.time_hist));
  PetscCall(PetscMemzero(&s->info, sizeof(s->info)));
  PetscCall(PetscTime(&s->t_start));
  s->t_last_print = s->t_start;
  PetscCall(PdennSolverRecordStep(s, u, 0.0));
  PetscCall(PetscLogEventBegin(events[s->method], 0, 0, 0, 0));
  switch (s->method) {
  case PDENN_METHOD_EXPLICIT: PetscCall(PdennSolverRun_Explicit(s, u)); break;
  case PDENN_METHOD_FED: PetscCall(PdennSolverRun_FED(s, u)); break;
  case PDENN_METHOD_FSI: PetscCall(PdennSolverRun_FSI(s, u)); break;
  case PDENN_METHOD_SEMI_IMPLICIT: PetscCall(PdennSolverRun_SemiImplicit(s, u)); break;
  case PDENN_METHOD_IMPLICIT_FIXED_POINT: PetscCall(PdennSolverRun_ImplicitFixedPoint(s, u)); break;
  case PDENN_METHOD_IMPLICIT_NEWTON: PetscCall(PdennSolverRun_ImplicitNewton(s, u)); break;
  default: SETERRQ(s->pde->comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown method %d", (int)s->method);
  }
  PetscCall(PetscLogEventEnd(events[s->method], 0, 0, 0, 0));
  PetscCall(PetscTime(&t1));
  s->info.wall = t1 - s->t_start;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverDestroy(PdennSolver *s)
{
  PetscFunctionBeginUser;
  if (!*s) PetscFunctionReturn(0);
  PetscCall(KSPDestroy(&(*s)->ksp));
  PetscCall(SNESDestroy(&(*s)->snes));
  PetscCall(MatDestroy(&(*s)->A));
  PetscCall(PetscFree((*s)->info.norm_hist));
  PetscCall(PetscFree((*s)->info.time_hist));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}
