/* The classical solvers of an experiment (docs/science.md §2-5): each entry of -compare_classical is a
   PdennSolver on the deck's diffusion problem, reading its keys in its own scope (-<name>_<key>
   over the shared keys), so one deck can hold e.g. semi-implicit CG and semi-implicit PCMG.
   Like the networks' batch groups, each rank solves whole test samples on its own copy of the
   problem (pde_self), unless -compare_classical_space: then all ranks share every sample. */
#include "comparepriv.h"

/* The entry's method: -<name>_method, else the name itself when it is a method name. */
static PetscErrorCode ChooseMethod(PdennCompare cmp, PdennCompareMethod *m)
{
  char      key[128];
  PetscBool given, is_method = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof(key), "-%s_method", m->name));
  PetscCall(PetscOptionsHasName(NULL, NULL, key, &given));
  for (PetscInt i = 0; i < PDENN_METHOD_NTYPES && !is_method; i++) PetscCall(PetscStrcmp(m->name, PdennMethods[i], &is_method));
  PetscCheck(given || is_method, cmp->comm, PDENN_ERR_INPUT, "key -compare_classical: entry '%s' is not a method name (explicit, fed, fsi, semi_implicit, implicit_fixed_point, implicit_newton) and %s is not given; expected one of them", m->name, key);
  if (!given) PetscCall(PdennOptionsScopeSetValue(m->scope, "-method", m->name));
  PetscFunctionReturn(0);
}

/* One solve of a generated signal: PC set-up (PCMG reads its level options here), so that the
   deck check sees every key, and first-touch costs stay out of the timings. */
static PetscErrorCode WarmUp(PdennCompare cmp, PdennCompareMethod *m)
{
  Vec      u;
  PetscInt monitor = m->solver->monitor_every;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(m->solver->pde->da, &u));
  if (m->solver->pde->dim > 1) {
    PdennImageParams p;
    PetscCall(PdennImageParamsDefault(&p));
    PetscCall(PdennImageFill(&p, 0, NULL, u));
  } else
    PetscCall(PdennSignalFill(&cmp->signals, 0, NULL, u));
  m->solver->monitor_every = -1;
  PetscCall(PdennSolverSolve(m->solver, u));
  m->solver->monitor_every = monitor;
  PetscCall(VecDestroy(&u));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUpInScope(PdennCompare cmp, PdennCompareMethod *m)
{
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(PdennSolverCreate(cmp->classical_space ? cmp->pde : cmp->pde_self, &m->solver));
  PetscCall(PdennSolverSetFromOptions(m->solver));
  PetscCall(PetscStrncpy(m->what, PdennMethods[m->solver->method], sizeof(m->what)));
  PetscCall(PdennHelpRequested(&help));
  if (!help) PetscCall(WarmUp(cmp, m));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareClassicalSetUp(PdennCompare cmp, PdennCompareMethod *m)
{
  char           prefix[PDENN_COMPARE_NAME_LEN + 1];
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  m->kind = PDENN_KIND_CLASSICAL;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", m->name));
  PetscCall(PdennOptionsScopeCreate(prefix, &m->scope));
  PetscCall(ChooseMethod(cmp, m));
  PetscCall(PdennOptionsScopePush(m->scope));
  ierr = SetUpInScope(cmp, m);
  PetscCall(PdennOptionsScopePop(m->scope));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Solves this rank's rows of inputs (all of them, or every size-th, see the top of the file); out
   receives this rank's points of each result, steps and its the sums over all rows. */
static PetscErrorCode SolveRows(PdennCompare cmp, PdennCompareMethod *m, const PetscReal inputs[], PetscReal out[], PetscReal *steps, PetscReal *linear_its)
{
  const PetscInt first = cmp->classical_space ? 0 : cmp->rank, stride = cmp->classical_space ? 1 : cmp->size;
  PetscReal      sums[2] = {0.0, 0.0};
  Vec            u;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(m->solver->pde->da, &u));
  for (PetscInt k = first; k < cmp->ntest; k += stride) {
    PetscCall(PdennRowsToVec(inputs + k * cmp->N, u));
    PetscCall(PdennSolverSolve(m->solver, u));
    PetscCall(PdennRowsAddVec(u, out + k * cmp->N));
    sums[0] += (PetscReal)m->solver->info.steps;
    sums[1] += (PetscReal)(m->solver->info.linear_its + m->solver->info.nonlinear_its);
  }
  PetscCall(VecDestroy(&u));
  /* sample-parallel: each rank counted its own samples; space-parallel: all counted all */
  if (!cmp->classical_space) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPIU_REAL, MPI_SUM, cmp->comm));
  *steps      = sums[0];
  *linear_its = sums[1];
  PetscFunctionReturn(0);
}

static PetscErrorCode RunInScope(PdennCompare cmp, PdennCompareMethod *m, PetscReal stress[])
{
  PetscLogDouble t0, t1;
  PetscReal      steps, its;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Barrier(cmp->comm));
  PetscCall(PetscTime(&t0));
  PetscCall(SolveRows(cmp, m, cmp->test_input, m->output, &steps, &its));
  PetscCallMPI(MPI_Barrier(cmp->comm));
  PetscCall(PetscTime(&t1));
  m->seconds_per_sample    = (t1 - t0) / cmp->ntest;
  m->steps_per_sample      = steps / cmp->ntest;
  m->linear_its_per_sample = its / cmp->ntest;
  PetscCall(SolveRows(cmp, m, cmp->stress_input, stress, &steps, &its));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareClassicalRun(PdennCompare cmp, PdennCompareMethod *m)
{
  PetscReal     *stress;
  PetscErrorCode ierr;
  const PetscInt n = cmp->ntest * cmp->N;

  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: classical %s (%s): solving %" PetscInt_FMT " test signals\n", m->name, m->what, cmp->ntest));
  PetscCall(PetscCalloc1(n, &m->output));
  PetscCall(PetscCalloc1(n, &stress));
  PetscCall(PdennOptionsScopePush(m->scope));
  ierr = RunInScope(cmp, m, stress);
  PetscCall(PdennOptionsScopePop(m->scope));
  PetscCall(ierr);
  if (cmp->task == PDENN_TASK_IMPLICIT_SOLVE && m->solver->method == PDENN_METHOD_SEMI_IMPLICIT && m->steps_per_sample > 1.0) PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: note: %s took %g semi-implicit steps per sample, not the single step of size -t_stop the targets are; set -%s_tau to -t_stop to solve the same system\n", m->name, (double)m->steps_per_sample, m->name));
  PetscCall(PdennCompareMethodFinish(cmp, m, stress));
  PetscCall(PetscFree(stress));
  PetscFunctionReturn(0);
}
