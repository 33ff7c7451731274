/* Linear solvers of the semi-implicit step (docs/science.md §4): PCMG's V-cycle convergence factor and
   time per unknown over a range of N (pdenn's default for order 1: operator-dependent
   interpolation, src/pde/mg_operator.c), and CG with PCMG, PCMG with linear interpolation,
   BoomerAMG, CG with Jacobi and a direct solver beside it at one size. Solvers are configured as a user would, by the keys that
   PdennSolverSetFromOptions reads; the system is the one PdennSolverRun_SemiImplicit assembles
   (PdennDiffusionDiffusivity, PdennDiffusionImplicitMatrix) for the first step from f. */
#include <pdenn/bench.h>
#include <sys/resource.h>

typedef struct {
  const char *name;
  const char *keys;
} LinearSolver;

/* Unpreconditioned residual norms, so that every iterative solver stops at the same ||b - A x||. */
static const LinearSolver solvers[] = {
    {"PCMG V-cycle (richardson; operator interp.)", "-ksp_type richardson -pc_type mg -mg_interpolation operator -ksp_norm_type unpreconditioned"},
    {"CG + PCMG (operator interp.)", "-ksp_type cg -pc_type mg -mg_interpolation operator -ksp_norm_type unpreconditioned"},
    /* the geometric variant: DMDA linear interpolation, Galerkin coarse operators, Chebyshev/SOR */
    {"PCMG V-cycle (richardson; linear interp.)", "-ksp_type richardson -pc_type mg -mg_interpolation linear -ksp_norm_type unpreconditioned"},
    /* algebraic multigrid with operator-dependent interpolation, for the jumping diffusivity */
    {"BoomerAMG V-cycle (richardson)", "-ksp_type richardson -pc_type hypre -pc_hypre_type boomeramg -ksp_norm_type unpreconditioned"},
    {"CG + Jacobi", "-ksp_type cg -pc_type jacobi -ksp_norm_type unpreconditioned -ksp_max_it 1000000"},
    {"direct (MUMPS Cholesky)", "-ksp_type preonly -pc_type cholesky -pc_factor_mat_solver_type mumps"},
};
enum { SOLVER_MG,
       SOLVER_CG_MG,
       SOLVER_MG_LINEAR,
       SOLVER_AMG,
       SOLVER_CG_JACOBI,
       SOLVER_DIRECT,
       SOLVER_N };

typedef struct {
  PetscBool available;
  PetscInt  its;
  PetscReal factor;     /* (||r_k|| / ||b||)^(1/k) from x_0 = 0 */
  PetscReal t_linear;   /* PC set-up for a new operator + solve, best of the repeats, seconds */
  PetscReal t_cpu;      /* the same in CPU seconds (user + system), best of the repeats */
  PetscReal t_assembly; /* the diffusivity and PdennDiffusionImplicitMatrix, median seconds */
  PetscReal footprint;  /* heap bytes of the case (grid, matrix, vectors, solver), all ranks */
  PetscReal tau_h2;     /* the step in units of h^2: -bench_mg_tau (1D) or -bench_mg2d_tau (2D) */
} LinearResult;

/* ||f - A x||, computed here since PCMG under Richardson reports no residual norm. */
static PetscErrorCode TrueResidualNorm(Mat A, Vec f, Vec x, PetscReal *norm)
{
  Vec r;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(f, &r));
  PetscCall(MatMult(A, x, r));
  PetscCall(VecAYPX(r, -1.0, f));
  PetscCall(VecNorm(r, NORM_2, norm));
  PetscCall(VecDestroy(&r));
  PetscFunctionReturn(0);
}

/* CPU seconds (user + system) this process has used: on a shared machine a solve's CPU time
   leaves out the time it waited for a core, which its wall-clock time does not. */
static PetscReal CPUSeconds(void)
{
  struct rusage use;

  if (getrusage(RUSAGE_SELF, &use)) return 0.0;
  return (PetscReal)(use.ru_utime.tv_sec + use.ru_stime.tv_sec) + 1e-6 * (PetscReal)(use.ru_utime.tv_usec + use.ru_stime.tv_usec);
}

/* The solver's set-up and solve alone, as in every step of a run: the operator is assembled
   again (its state changes), so the preconditioner is rebuilt (Galerkin products, numeric
   factorisation, an operator-dependent hierarchy) as after PdennDiffusionImplicitMatrix with new
   values; one-off work (the hierarchy's layout, symbolic products and factorisation) is done by
   an untimed solve first (a KSPSolve: the operator-dependent hierarchy is built in its pre-solve
   hook, which KSPSetUp alone would not run). The factor is the
   mean over the iterations from x_0 = 0 (PCMG under Richardson keeps no residual history). */
static PetscErrorCode TimeLinearSolve(PdennBench b, PdennSolver s, Vec f, Vec x, LinearResult *res)
{
  PetscReal *t, *cpu, rnorm, bnorm;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(b->linear_repeats, &t, b->linear_repeats, &cpu));
  PetscCall(KSPSetOperators(s->ksp, s->A, s->A));
  PetscCall(KSPSetInitialGuessNonzero(s->ksp, PETSC_FALSE));
  PetscCall(KSPSolve(s->ksp, f, x));
  for (PetscInt r = 0; r < b->linear_repeats; r++) {
    PetscLogDouble t0;
    PetscCall(MatAssemblyBegin(s->A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(s->A, MAT_FINAL_ASSEMBLY));
    PetscCall(PdennBenchTic(b->comm, &t0));
    cpu[r] = CPUSeconds();
    PetscCall(KSPSolve(s->ksp, f, x));
    cpu[r] = CPUSeconds() - cpu[r];
    PetscCall(PdennBenchToc(b->comm, t0, &t[r]));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, cpu, (PetscMPIInt)b->linear_repeats, MPIU_REAL, MPIU_MAX, b->comm));
  /* the best, not the median: on a shared machine the fastest of the repeats is the closest to
     the solver's own cost, and a burst of load shifts a 1 s solve more than a 10 s one */
  res->t_linear = t[0];
  res->t_cpu    = cpu[0];
  for (PetscInt r = 1; r < b->linear_repeats; r++) {
    res->t_linear = PetscMin(res->t_linear, t[r]);
    res->t_cpu    = PetscMin(res->t_cpu, cpu[r]);
  }
  PetscCall(KSPGetIterationNumber(s->ksp, &res->its));
  PetscCall(TrueResidualNorm(s->A, f, x, &rnorm));
  PetscCall(VecNorm(f, NORM_2, &bnorm));
  res->factor = res->its > 0 && bnorm > 0 ? PetscPowReal(rnorm / bnorm, 1.0 / res->its) : PDENN_BENCH_NA;
  PetscCall(PetscFree2(t, cpu));
  PetscFunctionReturn(0);
}

/* Median seconds of the rest of a step: the diffusivity g((K u)^2) and the matrix assembly. */
static PetscErrorCode TimeAssembly(PdennBench b, PdennSolver s, Vec f, Vec w, LinearResult *res)
{
  const PetscReal tau = s->tau; /* -tau and -t_stop: one step */
  PetscReal      *t;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(b->repeats, &t));
  for (PetscInt r = 0; r < b->repeats; r++) {
    PetscLogDouble t0;
    PetscCall(PdennBenchTic(b->comm, &t0));
    PetscCall(PdennDiffusionDiffusivity(s->pde, f, w));
    PetscCall(PdennDiffusionImplicitMatrix(s->pde, tau, w, s->A));
    PetscCall(PdennBenchToc(b->comm, t0, &t[r]));
  }
  res->t_assembly = PdennBenchMedian(b->repeats, t);
  PetscCall(PetscFree(t));
  PetscFunctionReturn(0);
}

/* The system of one semi-implicit step on a grid of N points (dim 1) or N^dim points (dim 2) */
static PetscErrorCode RunCase(PdennBench b, const LinearSolver *sv, PetscInt dim, PetscInt N, LinearResult *res)
{
  PdennDiffusion pde;
  PdennSolver    s;
  PetscOptions   db;
  Vec            f, u;
  char           keys[1024];

  PetscReal      heap0, heap1;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(res, sizeof(*res)));
  res->available = PETSC_TRUE;
  res->tau_h2    = dim > 1 ? b->mg2d_tau : b->mg_tau;
  PetscCall(PdennBenchHeapInUse(b->comm, &heap0));
  PetscCall(PdennDiffusionCreate(b->comm, &pde));
  pde->dim         = dim;
  pde->M[0]        = N;
  pde->M[1]        = dim > 1 ? N : 1;
  pde->M[2]        = 1;
  pde->N           = pde->M[0] * pde->M[1];
  pde->flux.lambda = b->lambda;
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PetscSNPrintf(keys, sizeof(keys), "-method semi_implicit -tau %.17g -t_stop %.17g -ksp_rtol 1e-8 %s", (double)(res->tau_h2 * pde->h * pde->h), (double)(res->tau_h2 * pde->h * pde->h), sv->keys));
  PetscCall(PdennBenchPushOptions(keys, b->linear_options, &db));
  PetscCall(PdennSolverCreate(pde, &s));
  PetscCall(PdennSolverSetFromOptions(s));
  PetscCall(DMCreateGlobalVector(pde->da, &f));
  PetscCall(VecDuplicate(f, &u));
  PetscCall(PdennBenchSignal(pde->da, f));
  PetscCall(TimeAssembly(b, s, f, u, res));
  PetscCall(TimeLinearSolve(b, s, f, u, res));
  PetscCall(PdennBenchHeapInUse(b->comm, &heap1));
  res->footprint = heap1 - heap0;
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennSolverDestroy(&s));
  PetscCall(PdennBenchPopOptions(&db));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

/* N: unknowns; direct: no iterations to report */
static PetscErrorCode AddRows(PdennBench b, const char name[], PetscBool direct, PetscInt N, const LinearResult *r)
{
  char note[96];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(note, sizeof(note), "tau = %g h^2, rtol 1e-8, x0 = 0%s", (double)r->tau_h2, r->available ? "" : "; not available"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", name, N, "iterations", r->available && !direct ? (PetscReal)r->its : PDENN_BENCH_NA, "", note));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", name, N, "convergence factor", !direct ? r->factor : PDENN_BENCH_NA, "", "(|r_k|/|r_0|)^(1/k), mean over k iterations"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", name, N, "solve time/unknown", r->t_linear / N * 1e9, "ns", "PC set-up for a new operator + KSPSolve; best of the repeats"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", name, N, "solve CPU time/unknown", r->t_cpu / N * 1e9, "ns", "the same, CPU time (getrusage user + system; max over ranks): without the waits for a core"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", name, N, "assembly time/unknown", r->t_assembly / N * 1e9, "ns", "diffusivity + PdennDiffusionImplicitMatrix"));
  PetscFunctionReturn(0);
}

/* Beside each size: the case's memory and the triad cycled through as much memory
   (PdennBenchTriadFootprint), whose max/min over the sizes is what the memory hierarchy alone
   does to a code limited by bandwidth; *lo, *hi: its extremes. */
static PetscErrorCode AddFootprintRows(PdennBench b, const char name[], PetscInt N, const LinearResult *r, PetscReal *lo, PetscReal *hi)
{
  PetscMPIInt size;
  PetscReal   ns;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(b->comm, &size));
  PetscCall(PdennBenchTriadFootprint(b, PetscMax(1, N / size), r->footprint / size, &ns));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", name, N, "memory/unknown", r->footprint / N, "B", "heap of the case (grid, matrix, vectors, hierarchy), all ranks"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", name, N, "triad over that memory", ns, "ns", "per element: a = b + s c on arrays of N/ranks cycled through the same bytes"));
  *lo = PetscMin(*lo, ns);
  *hi = PetscMax(*hi, ns);
  PetscFunctionReturn(0);
}

/* PCMG over the size range: its solve time per unknown should not depend on N. */
static PetscErrorCode SweepMG(PdennBench b, LinearResult *at_compare)
{
  LinearResult res;
  PetscReal    lo = PETSC_MAX_REAL, hi = 0.0, cpu_lo = PETSC_MAX_REAL, cpu_hi = 0.0, mem_lo = PETSC_MAX_REAL, mem_hi = 0.0;
  char         range[48];
  PetscInt     N_max = ((PetscInt)1 << b->mg_log2[1]) + 1;

  PetscFunctionBeginUser;
  /* N = 2^k + 1: the vertex-centred DMDA hierarchy of PCMG coarsens N -> (N-1)/2 + 1 */
  for (PetscInt k = b->mg_log2[0]; k <= b->mg_log2[1]; k++) {
    const PetscInt N = ((PetscInt)1 << k) + 1;
    PetscCall(RunCase(b, &solvers[SOLVER_MG], 1, N, &res));
    PetscCall(AddRows(b, solvers[SOLVER_MG].name, PETSC_FALSE, N, &res));
    PetscCall(AddFootprintRows(b, solvers[SOLVER_MG].name, N, &res, &mem_lo, &mem_hi));
    lo     = PetscMin(lo, res.t_linear / N);
    hi     = PetscMax(hi, res.t_linear / N);
    cpu_lo = PetscMin(cpu_lo, res.t_cpu / N);
    cpu_hi = PetscMax(cpu_hi, res.t_cpu / N);
    if (k == b->compare_log2) *at_compare = res;
  }
  PetscCall(PetscSNPrintf(range, sizeof(range), "PCMG V-cycle (operator interp.) 2^%" PetscInt_FMT "+1..2^%" PetscInt_FMT "+1", b->mg_log2[0], b->mg_log2[1]));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", range, N_max, "time/unknown max/min", hi / lo, "", "solve time per unknown over the sizes above; target <= 1.25"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", range, N_max, "CPU time/unknown max/min", cpu_hi / cpu_lo, "", "the same in CPU time"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", range, N_max, "triad over memory max/min", mem_hi / mem_lo, "", "the memory hierarchy alone: a bandwidth-bound code of the same footprint"));
  if (b->compare_log2 && (b->compare_log2 < b->mg_log2[0] || b->compare_log2 > b->mg_log2[1])) PetscCall(RunCase(b, &solvers[SOLVER_MG], 1, ((PetscInt)1 << b->compare_log2) + 1, at_compare));
  PetscFunctionReturn(0);
}

/* The 2D semi-implicit system (5-point, docs/science.md §7.5) of one step of -bench_mg2d_tau h^2
   (default 2.5 = 10 tau_max, pdenn's default step) over M^2 grids, M = 2^k + 1:
   CG + geometric PCMG (DMDA hierarchy, Galerkin coarse operators) and CG + GAMG; the
   iteration count and the time per unknown should not grow with the grid (issue 12). */
static PetscErrorCode SweepMG2D(PdennBench b)
{
  static const LinearSolver mg2d[2] = {
      {"CG + PCMG 2D (linear interp.; Galerkin)", "-ksp_type cg -pc_type mg -ksp_norm_type unpreconditioned"},
      {"CG + GAMG 2D", "-ksp_type cg -pc_type gamg -ksp_norm_type unpreconditioned"},
  };
  LinearResult    res;
  PetscReal       lo = PETSC_MAX_REAL, hi = 0.0, mem_lo = PETSC_MAX_REAL, mem_hi = 0.0;
  PetscInt        it_lo = PETSC_MAX_INT, it_hi = 0, M = 0;
  char            range[64];

  PetscFunctionBeginUser;
  for (PetscInt k = b->mg2d_log2[0]; k <= b->mg2d_log2[1]; k++) {
    M = ((PetscInt)1 << k) + 1;
    for (PetscInt v = 0; v < 2; v++) {
      PetscCall(RunCase(b, &mg2d[v], 2, M, &res));
      PetscCall(AddRows(b, mg2d[v].name, PETSC_FALSE, M * M, &res));
      if (v) continue;
      PetscCall(AddFootprintRows(b, mg2d[v].name, M * M, &res, &mem_lo, &mem_hi));
      lo = PetscMin(lo, res.t_linear / (M * M)), hi = PetscMax(hi, res.t_linear / (M * M));
      it_lo = PetscMin(it_lo, res.its), it_hi = PetscMax(it_hi, res.its);
    }
  }
  PetscCall(PetscSNPrintf(range, sizeof(range), "CG + PCMG 2D (2^%" PetscInt_FMT "+1)^2..(2^%" PetscInt_FMT "+1)^2", b->mg2d_log2[0], b->mg2d_log2[1]));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", range, M * M, "iterations min", (PetscReal)it_lo, "", "over the sizes above"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", range, M * M, "iterations max", (PetscReal)it_hi, "", "over the sizes above; issue 12: max - min <= 2"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", range, M * M, "time/unknown max/min", hi / lo, "", "solve time per unknown over the sizes above"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", range, M * M, "triad over memory max/min", mem_hi / mem_lo, "", "the memory hierarchy alone: a bandwidth-bound code of the same footprint"));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchLinear(PdennBench b)
{
  const PetscInt N = ((PetscInt)1 << b->compare_log2) + 1;
  LinearResult   res[SOLVER_N];
  PetscBool      have_mumps, have_hypre;

  PetscFunctionBeginUser;
  if (b->mg2d_log2[0] > 0) PetscCall(SweepMG2D(b));
  PetscCall(SweepMG(b, &res[SOLVER_MG]));
  if (!b->compare_log2) PetscFunctionReturn(0);
  PetscCall(PetscHasExternalPackage("mumps", &have_mumps));
  PetscCall(PetscHasExternalPackage("hypre", &have_hypre));
  for (PetscInt which = SOLVER_CG_MG; which < SOLVER_N; which++) {
    if ((which == SOLVER_DIRECT && !have_mumps) || (which == SOLVER_AMG && !have_hypre)) {
      res[which].available = PETSC_FALSE;
      res[which].tau_h2    = b->mg_tau;
      res[which].its       = 0;
      res[which].factor = res[which].t_linear = res[which].t_cpu = res[which].t_assembly = PDENN_BENCH_NA;
    } else
      PetscCall(RunCase(b, &solvers[which], 1, N, &res[which]));
    PetscCall(AddRows(b, solvers[which].name, (PetscBool)(which == SOLVER_DIRECT), N, &res[which]));
  }
  PetscCall(PdennBenchTableAdd(&b->table, "linear", "speed-up: PCMG V-cycle (operator interp.)", N, "solve time ratio", res[SOLVER_CG_JACOBI].t_linear / res[SOLVER_MG].t_linear, "", "over CG + Jacobi; target >= 10"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", "speed-up: PCMG V-cycle (operator interp.)", N, "solve CPU time ratio", res[SOLVER_CG_JACOBI].t_cpu / res[SOLVER_MG].t_cpu, "", "the same in CPU time"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", "speed-up: PCMG V-cycle (linear interp.)", N, "solve time ratio", res[SOLVER_CG_JACOBI].t_linear / res[SOLVER_MG_LINEAR].t_linear, "", "over CG + Jacobi; the geometric variant, for comparison"));
  PetscCall(PdennBenchTableAdd(&b->table, "linear", "speed-up: CG + PCMG (operator interp.)", N, "solve time ratio", res[SOLVER_CG_JACOBI].t_linear / res[SOLVER_CG_MG].t_linear, "", "over CG + Jacobi; target >= 10"));
  PetscFunctionReturn(0);
}
