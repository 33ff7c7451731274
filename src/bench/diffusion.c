/* Throughput of the explicit-type diffusion schemes (explicit step, and explicit, FED and FSI
   through PdennSolverSolve) for second- and fourth-order Perona-Malik diffusion, as points per
   second and as a fraction of the bound that the measured STREAM bandwidth puts on them. */
#include <pdenn/bench.h>

static PetscErrorCode DiffusionSetUp(PdennBench b, PetscInt N, PetscInt order, PdennDiffusion *pde)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionCreate(b->comm, pde));
  (*pde)->N           = N;
  (*pde)->order       = order;
  (*pde)->flux.type   = PDENN_FLUX_PERONA_MALIK;
  (*pde)->flux.lambda = b->lambda;
  PetscCall(PdennDiffusionSetUp(*pde));
  PetscFunctionReturn(0);
}

/* Median seconds of b->steps calls of PdennDiffusionExplicitStep, in place as a solver runs. */
static PetscErrorCode TimeExplicitStep(PdennBench b, PdennDiffusion pde, Vec u, PetscReal *seconds)
{
  PetscReal tau, *t;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(pde, &tau));
  PetscCall(PetscMalloc1(b->repeats, &t));
  PetscCall(PdennDiffusionExplicitStep(pde, tau, u, u)); /* warm-up: pages, scatter set-up */
  for (PetscInt r = 0; r < b->repeats; r++) {
    PetscLogDouble t0;
    PetscCall(PdennBenchTic(b->comm, &t0));
    for (PetscInt k = 0; k < b->steps; k++) PetscCall(PdennDiffusionExplicitStep(pde, tau, u, u));
    PetscCall(PdennBenchToc(b->comm, t0, &t[r]));
  }
  *seconds = PdennBenchMedian(b->repeats, t);
  PetscCall(PetscFree(t));
  PetscFunctionReturn(0);
}

/* The solver's keys for about b->steps explicit-type steps in one run: FED/FSI in one cycle of
   n = steps steps, which advances tau_max (n^2 + n)/3 (docs/science.md §3). */
static PetscErrorCode SolverKeys(PdennBench b, PdennDiffusion pde, PdennMethod method, char keys[], size_t len)
{
  PetscReal tau, t_stop;
  PetscInt  n = b->steps;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(pde, &tau));
  t_stop = method == PDENN_METHOD_EXPLICIT ? n * tau : tau * (PetscReal)(n * n + n) / 3.0;
  t_stop *= 1.0 - 1e-12; /* so rounding does not add a step */
  PetscCall(PetscSNPrintf(keys, len, "-method %s -tau %.17g -t_stop %.17g -cycles 1 -monitor_every -1", PdennMethods[method], (double)tau, (double)t_stop));
  PetscFunctionReturn(0);
}

/* Median seconds per explicit-type step of PdennSolverSolve with the given method, from the
   signal f; *available is false while the method is not written yet. */
static PetscErrorCode TimeSolver(PdennBench b, PdennDiffusion pde, PdennMethod method, Vec f, Vec u, PetscReal *seconds_per_step, PetscBool *available)
{
  PdennSolver     solver;
  PdennBenchCatch c;
  PetscOptions    db;
  PetscErrorCode  ierr;
  PetscReal      *t;
  char            keys[512];

  PetscFunctionBeginUser;
  PetscCall(SolverKeys(b, pde, method, keys, sizeof(keys)));
  PetscCall(PdennBenchPushOptions(keys, NULL, &db));
  PetscCall(PdennSolverCreate(pde, &solver));
  PetscCall(PdennSolverSetFromOptions(solver));
  PetscCall(PetscMalloc1(b->repeats, &t));
  *available = PETSC_TRUE;
  for (PetscInt r = 0; r < b->repeats && *available; r++) {
    PetscLogDouble t0;
    PetscCall(VecCopy(f, u));
    PetscCall(PdennBenchTic(b->comm, &t0));
    PetscCall(PdennBenchCatchBegin(&c));
    ierr = PdennSolverSolve(solver, u);
    PetscCall(PdennBenchCatchEnd(&c, b->comm, ierr, available));
    PetscCall(PdennBenchToc(b->comm, t0, &t[r]));
    if (*available) t[r] /= (PetscReal)PetscMax(1, solver->info.steps);
  }
  *seconds_per_step = *available ? PdennBenchMedian(b->repeats, t) : PDENN_BENCH_NA;
  PetscCall(PetscFree(t));
  PetscCall(PdennSolverDestroy(&solver));
  PetscCall(PdennBenchPopOptions(&db));
  PetscFunctionReturn(0);
}

/* Bytes per point per step of each method's data flow as written (docs/performance.md), now
   and before the step was fused: the explicit step and the norm PdennSolverRecordStep takes
   after every step (8); FED's frozen diffusivity makes its step one block (BLOCKED, which reads
   g) and before read g in the activation (8); FSI writes the step to a work vector and
   extrapolates next = alpha work + (1 - alpha) prev (24). Once-per-cycle work is not counted. */
static PetscReal MethodBytes(PdennMethod method, PetscBool unfused)
{
  const PetscReal step = unfused ? PDENN_BENCH_UNFUSED_BYTES : PDENN_BENCH_EXPLICIT_BYTES;

  switch (method) {
  case PDENN_METHOD_FED: return unfused ? PDENN_BENCH_UNFUSED_BYTES + 8 + 8 : PDENN_BENCH_EXPLICIT_BLOCKED_BYTES + 8;
  case PDENN_METHOD_FSI: return step + 8 + 24;
  default: return step + 8;
  }
}

/* Throughput and its fraction of STREAM / bytes for the step as written and for the old
   six-pass model, so figures compare with the ones taken before the fusion. */
static PetscErrorCode AddRows(PdennBench b, const char name[], PetscInt N, PetscReal seconds_per_step, PetscReal bytes, PetscReal bytes_unfused, const char note[])
{
  const PetscReal rate = N / seconds_per_step; /* NaN stays NaN: n/a */
  const PetscReal bw   = b->bandwidth > 0 ? b->bandwidth : PDENN_BENCH_NA;
  char            text[96];

  PetscFunctionBeginUser;
  PetscCall(PdennBenchTableAdd(&b->table, "diffusion", name, N, "throughput", rate, "points/s", note));
  PetscCall(PetscSNPrintf(text, sizeof(text), "model of the code: STREAM / %g B per point", (double)bytes));
  PetscCall(PdennBenchTableAdd(&b->table, "diffusion", name, N, "bound fraction", rate * bytes / bw, "", text));
  PetscCall(PetscSNPrintf(text, sizeof(text), "old six-pass model: STREAM / %g B per point", (double)bytes_unfused));
  PetscCall(PdennBenchTableAdd(&b->table, "diffusion", name, N, "unfused-model fraction", rate * bytes_unfused / bw, "", text));
  PetscFunctionReturn(0);
}

static PetscErrorCode BenchOrder(PdennBench b, PetscInt order)
{
  const PdennMethod methods[] = {PDENN_METHOD_EXPLICIT, PDENN_METHOD_FED, PDENN_METHOD_FSI};
  PdennDiffusion    pde;
  Vec               f, u;
  PetscReal         t = 0.0;
  PetscBool         available;
  char              name[48];

  PetscFunctionBeginUser;
  PetscCall(DiffusionSetUp(b, b->N, order, &pde));
  PetscCall(DMCreateGlobalVector(pde->da, &f));
  PetscCall(VecDuplicate(f, &u));
  PetscCall(PdennBenchSignal(pde->da, f));
  PetscCall(VecCopy(f, u));
  PetscCall(TimeExplicitStep(b, pde, u, &t));
  PetscCall(PetscSNPrintf(name, sizeof(name), "explicit step order %" PetscInt_FMT, order));
  PetscCall(AddRows(b, name, b->N, t / b->steps, PDENN_BENCH_EXPLICIT_BYTES, PDENN_BENCH_UNFUSED_BYTES, "PdennDiffusionExplicitStep"));
  PetscCall(PdennBenchTableAdd(&b->table, "diffusion", name, b->N, "16-B minimum fraction", b->bandwidth > 0 ? b->N * b->steps / t / (b->bandwidth / PDENN_BENCH_FUSED_BYTES) : PDENN_BENCH_NA, "", "bound = STREAM / 16 B per point (read u, write out)"));
  for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
    PetscCall(TimeSolver(b, pde, methods[m], f, u, &t, &available));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s solver order %" PetscInt_FMT, PdennMethods[methods[m]], order));
    PetscCall(AddRows(b, name, b->N, t, MethodBytes(methods[m], PETSC_FALSE), MethodBytes(methods[m], PETSC_TRUE), available ? "PdennSolverSolve, per explicit-type step" : "method not available yet"));
  }
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchDiffusion(PdennBench b)
{
  PetscFunctionBeginUser;
  PetscCall(BenchOrder(b, 1));
  PetscCall(BenchOrder(b, 2));
  PetscCall(PdennBenchKernels(b));
  PetscFunctionReturn(0);
}
