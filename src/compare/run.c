/* The main job's phases: set-up (every refusal), data, classical solvers, training and
   evaluation, output; each phase a -log_view stage. */
#include "comparepriv.h"
#include <stdio.h>

static PetscErrorCode AddMethod(PdennCompare cmp, const char name[], PdennCompareMethod **m)
{
  PetscBool same;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < cmp->nmethods; i++) {
    PetscCall(PetscStrcmp(cmp->methods[i].name, name, &same));
    PetscCheck(!same, cmp->comm, PDENN_ERR_INPUT, "keys -compare_classical, -compare_learned: the name '%s' appears twice%s; expected distinct names (each is the options prefix of its method)", name, i == 0 ? " ('input' is the row of the input itself)" : "");
  }
  PetscCheck(cmp->nmethods < PDENN_COMPARE_MAX_METHODS, cmp->comm, PDENN_ERR_INPUT, "keys -compare_classical, -compare_learned: more than %d methods", PDENN_COMPARE_MAX_METHODS - 1);
  *m = &cmp->methods[cmp->nmethods++];
  PetscCall(PetscStrncpy((*m)->name, name, sizeof((*m)->name)));
  PetscFunctionReturn(0);
}

/* A user error inside a method's scope names the key as the method's code reads it (-tau);
   say which method it belongs to and how to write it in the deck (-fsi_tau). */
static PetscErrorCode ScopeContext(PdennCompare cmp, PdennCompareMethod *m, PetscErrorCode ierr)
{
  PetscFunctionBeginUser;
  if (ierr == PDENN_ERR_INPUT && !cmp->rank) fprintf(stderr, "pdenn: (in the keys of %s method '%s': a key -<key> is read from -%s_<key> if given, else from the shared -<key>)\n", PdennMethodKinds[m->kind], m->name, m->name);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode HelpHeader(PdennCompare cmp, const char kind[], const char name[])
{
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  if (help) PetscCall(PetscPrintf(cmp->comm, "\n---- Keys of %s method '%s': each -<key> below is read from -%s_<key> if given, else from the shared -<key> ----\n", kind, name, name));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUpMethods(PdennCompare cmp)
{
  PdennCompareMethod *m;

  PetscFunctionBeginUser;
  PetscCall(AddMethod(cmp, "input", &m));
  m->kind = PDENN_KIND_BASELINE;
  PetscCall(PetscStrncpy(m->what, cmp->input_clean ? "clean input" : "noisy input", sizeof(m->what)));
  m->steps_per_sample = m->linear_its_per_sample = NAN;
  for (PetscInt i = 0; i < cmp->nclassical; i++) {
    PetscCall(AddMethod(cmp, cmp->classical[i], &m));
    m->kind = PDENN_KIND_CLASSICAL;
    PetscCall(HelpHeader(cmp, "classical", m->name));
    PetscCall(ScopeContext(cmp, m, PdennCompareClassicalSetUp(cmp, m)));
  }
  for (PetscInt i = 0; i < cmp->nlearned; i++) {
    PetscCall(AddMethod(cmp, cmp->learned[i], &m));
    m->kind = PDENN_KIND_LEARNED;
    PetscCall(HelpHeader(cmp, "learned", m->name));
    PetscCall(ScopeContext(cmp, m, PdennCompareLearnedSetUp(cmp, m)));
  }
  PetscFunctionReturn(0);
}

/* A stage registered once per program: pdenn_study runs many experiments in one process
   (the trainer's stages do the same, src/train/setup.c). */
static PetscErrorCode Stage(const char name[], PetscLogStage *stage)
{
  PetscFunctionBeginUser;
  *stage = -1;
  PetscCall(PetscLogStageGetId(name, stage));
  if (*stage < 0) PetscCall(PetscLogStageRegister(name, stage));
  PetscFunctionReturn(0);
}

static PetscErrorCode Stages(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  PetscCall(Stage("Compare data", &cmp->stage_data));
  PetscCall(Stage("Compare classical", &cmp->stage_classical));
  PetscCall(Stage("Compare training", &cmp->stage_train));
  PetscCall(Stage("Compare evaluation", &cmp->stage_eval));
  PetscCall(Stage("Compare output", &cmp->stage_output));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareSetUp(PdennCompare cmp)
{
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCheck(!cmp->setup, cmp->comm, PETSC_ERR_ORDER, "PdennCompareSetUp called twice");
  PetscCall(PdennHelpRequested(&help));
  PetscCall(PdennCompareCheckOverwrite(cmp));
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++) {
    char rel[64];
    PetscCall(PetscSNPrintf(rel, sizeof(rel), "data/%s.h5", PdennSplits[s]));
    PetscCall(PdennComparePath(cmp, rel, cmp->data_path[s], sizeof(cmp->data_path[s])));
  }
  PetscCall(PdennDiffusionSetUp(cmp->pde));
  if (!help) PetscCall(PdennCompareCheckData(cmp));
  PetscCall(PdennSolverCreate(cmp->pde, &cmp->base));
  PetscCall(PdennSolverSetFromOptions(cmp->base));
  PetscCall(PdennCompareTaskSetUp(cmp));
  PetscCall(Stages(cmp));
  PetscCall(SetUpMethods(cmp));
  PetscCall(PdennCompareCheckUnreadKeys(cmp));
  if (!help) PetscCall(PdennDeckCheckUnused(cmp->comm));
  if (!help) PetscCall(PdennCompareMakeDirs(cmp));
  cmp->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* The input itself as a method: what doing nothing scores. Only rank 0 adds it, since
   PdennCompareMethodFinish sums the partial rows of all ranks. */
static PetscErrorCode RunBaseline(PdennCompare cmp, PdennCompareMethod *m)
{
  const PetscInt n = cmp->ntest * cmp->N;
  PetscReal     *stress;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(n, &m->output));
  PetscCall(PetscCalloc1(n, &stress));
  if (!cmp->rank) {
    PetscCall(PetscArraycpy(m->output, cmp->test_input, n));
    PetscCall(PetscArraycpy(stress, cmp->stress_input, n));
  }
  PetscCall(PdennCompareMethodFinish(cmp, m, stress));
  PetscCall(PetscFree(stress));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareRun(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  PetscCheck(cmp->setup, cmp->comm, PETSC_ERR_ORDER, "call PdennCompareSetUp before PdennCompareRun");
  PetscCall(PetscLogStagePush(cmp->stage_data));
  PetscCall(PdennCompareMakeData(cmp));
  PetscCall(PdennCompareLoadTest(cmp));
  PetscCall(PdennCompareDescribeData(cmp));
  PetscCall(PdennCompareMakeStress(cmp));
  PetscCall(PetscLogStagePop());
  PetscCall(RunBaseline(cmp, &cmp->methods[0]));
  PetscCall(PetscLogStagePush(cmp->stage_classical));
  for (PetscInt i = 1; i < cmp->nmethods; i++)
    if (cmp->methods[i].kind == PDENN_KIND_CLASSICAL) PetscCall(ScopeContext(cmp, &cmp->methods[i], PdennCompareClassicalRun(cmp, &cmp->methods[i])));
  PetscCall(PetscLogStagePop());
  for (PetscInt i = 1; i < cmp->nmethods && !cmp->interrupted; i++)
    if (cmp->methods[i].kind == PDENN_KIND_LEARNED) PetscCall(ScopeContext(cmp, &cmp->methods[i], PdennCompareLearnedRun(cmp, &cmp->methods[i])));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareWriteResults(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  if (cmp->interrupted) {
    PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: training was stopped by a signal; the checkpoints in %s/checkpoints are resumable: run the same command again to continue. No results were written.\n", cmp->dir));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscLogStagePush(cmp->stage_output));
  PetscCall(PdennCompareWriteSummary(cmp));
  PetscCall(PdennCompareWriteH5(cmp));
  PetscCall(PdennCompareRunPlots(cmp));
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}
