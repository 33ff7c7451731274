/* The experiment's data, <dir>/data/{train,val,test}.h5: pdenn signal sets (clean, noisy; made
   by PdennSignalSetWrite with seeds seed, seed + 1, seed + 2, or copied from -compare_<split>_data)
   plus the task's datasets "input" and "target" (samples x N), which the trainer reads with
   -train_input_dataset input -train_target_dataset target. A given file that already has
   input and target keeps them. */
#include "compareh5.h"

/* Every value of the given set's clean and noisy read once by all ranks together, so the
   reader's check of non-finite values is collective: TaskRows deals the samples out to the
   ranks, and a NaN met by one rank alone there would leave the others waiting. */
static PetscErrorCode CheckGivenFinite(PdennCompare cmp, PdennSignalSet set, PetscInt samples)
{
  const char *names[2] = {"clean", "noisy"};
  Vec         v;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(cmp->pde->da, &v));
  for (int d = 0; d < 2; d++)
    for (PetscInt k = 0; k < samples; k++) PetscCall(PdennSignalSetRead(set, names[d], k, v));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

/* A given set must be a pdenn signal set on the deck's grid; its sample count is the split's. */
static PetscErrorCode CheckGiven(PdennCompare cmp, PdennSplit s)
{
  char              key[64];
  PdennSignalSet    set;
  PdennSignalParams p;
  PetscErrorCode    ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof(key), "-compare_%s_data", PdennSplits[s]));
  if (cmp->pde->dim > 1) {
    PetscCall(PdennCompareCheckGivenImages(cmp, key, cmp->given[s], &cmp->samples[s]));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennSignalSetOpen(cmp->comm, key, cmp->given[s], &set));
  PetscCall(PdennSignalSetGetParams(set, &p));
  if (p.N == cmp->pde->N) ierr = CheckGivenFinite(cmp, set, p.samples); /* the set is closed first */
  PetscCall(PdennSignalSetClose(&set));
  PetscCheck(p.N == cmp->pde->N, cmp->comm, PDENN_ERR_INPUT, "key %s: file '%s' holds signals of N = %" PetscInt_FMT " points, but the grid has -N %" PetscInt_FMT, key, cmp->given[s], p.N, cmp->pde->N);
  PetscCall(ierr);
  cmp->samples[s] = p.samples;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareCheckData(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++)
    if (cmp->given[s][0]) PetscCall(CheckGiven(cmp, (PdennSplit)s));
  PetscFunctionReturn(0);
}

/* A given set, copied into data/ (checked by PdennCompareCheckData at set-up) as a file with
   pdenn's checksum header, sealed again when input and target are added (AppendTask). */
static PetscErrorCode CopyGiven(PdennCompare cmp, PdennSplit s, const char path[], PetscBool *has_task)
{
  PetscErrorCode ierr   = 0;
  PetscBool      has[2] = {PETSC_FALSE, PETSC_FALSE};
  hid_t          file   = -1;

  PetscFunctionBeginUser;
  PetscCall(CheckGiven(cmp, s));
  PetscCall(PdennCompareSerialBegin());
  if (!cmp->rank) {
    ierr = PdennCompareH5CopyGiven(cmp->given[s], path);
    if (!ierr) ierr = PdennCompareH5Open(path, PETSC_FALSE, &file);
    if (!ierr) ierr = PdennCompareH5Exists(file, "input", &has[0]);
    if (!ierr) ierr = PdennCompareH5Exists(file, "target", &has[1]);
    if (!ierr) ierr = PdennCompareH5Close(&file);
  }
  PetscCall(PdennCompareSerialEnd(cmp->comm, ierr, "copying the given data set to", path));
  *has_task = (PetscBool)(has[0] && has[1]);
  PetscCallMPI(MPI_Bcast(has_task, 1, MPIU_BOOL, 0, cmp->comm));
  PetscFunctionReturn(0);
}

/* Input and target of every sample, assembled on rank 0 as rows. Samples are dealt out to the
   ranks, each making whole ones alone (PdennCompareTarget on pde_self). */
static PetscErrorCode TaskRows(PdennCompare cmp, const char path[], PetscInt n, PetscReal input[], PetscReal target[])
{
  PdennSignalSet set;
  Vec            clean, noisy, tgt;
  const PetscInt N = cmp->pde->N;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(cmp->pde_self->da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  PetscCall(VecDuplicate(clean, &tgt));
  PetscCall(PdennSignalSetOpen(PETSC_COMM_SELF, "-compare_experiment", path, &set));
  for (PetscInt k = cmp->rank; k < n; k += cmp->size) {
    PetscCall(PdennSignalSetRead(set, "clean", k, clean));
    PetscCall(PdennSignalSetRead(set, "noisy", k, noisy));
    PetscCall(PdennCompareTarget(cmp, clean, cmp->input_clean ? clean : noisy, tgt));
    PetscCall(PdennRowsAddVec(cmp->input_clean ? clean : noisy, input + k * N));
    PetscCall(PdennRowsAddVec(tgt, target + k * N));
  }
  PetscCall(PdennSignalSetClose(&set));
  PetscCall(VecDestroy(&tgt));
  PetscCall(VecDestroy(&noisy));
  PetscCall(VecDestroy(&clean));
  PetscCall(PdennRowsReduce(cmp->comm, n * N, input));
  PetscCall(PdennRowsReduce(cmp->comm, n * N, target));
  PetscFunctionReturn(0);
}

static PetscErrorCode AppendTask(PdennCompare cmp, const char path[], PetscInt n)
{
  const PetscInt N = cmp->pde->N;
  PetscReal     *input, *target;
  PetscErrorCode ierr = 0;
  hid_t          file = -1;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc2(n * N, &input, n * N, &target));
  if (cmp->pde->dim > 1)
    PetscCall(PdennCompareTaskRowsImages(cmp, path, n, input, target));
  else
    PetscCall(TaskRows(cmp, path, n, input, target));
  PetscCall(PdennCompareSerialBegin());
  if (!cmp->rank) {
    ierr = PdennCompareH5Open(path, PETSC_FALSE, &file);
    if (!ierr) ierr = PdennCompareH5WriteRows(cmp, file, "input", n, input);
    if (!ierr) ierr = PdennCompareH5WriteRows(cmp, file, "target", n, target);
    if (!ierr) ierr = PdennCompareH5AttrString(file, ".", "task", PdennCompareTasks[cmp->task]);
    if (!ierr) ierr = PdennCompareH5AttrString(file, ".", "input_is", cmp->input_clean ? "clean" : "noisy");
    if (!ierr) ierr = PdennCompareH5Close(&file);
  }
  PetscCall(PdennCompareSerialEnd(cmp->comm, ierr, "adding the task's input and target to", path));
  PetscCall(PetscFree2(input, target));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareMakeData(PdennCompare cmp)
{
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++) {
    char     *path     = cmp->data_path[s], rel[64];
    PetscBool has_task = PETSC_FALSE;

    PetscCall(PetscTime(&t0));
    PetscCall(PetscSNPrintf(rel, sizeof(rel), "data/%s.h5", PdennSplits[s]));
    PetscCall(PdennComparePath(cmp, rel, path, PETSC_MAX_PATH_LEN));
    if (cmp->given[s][0])
      PetscCall(CopyGiven(cmp, (PdennSplit)s, path, &has_task));
    else {
      PdennSignalParams p = cmp->signals;
      p.samples           = cmp->samples[s];
      p.seed              = cmp->signals.seed + s; /* three disjoint families of signals */
      PetscCall(PdennSignalSetWrite(cmp->comm, "-compare_experiment", path, &p, PETSC_TRUE));
    }
    if (!has_task) PetscCall(AppendTask(cmp, path, cmp->samples[s]));
    PetscCall(PetscTime(&t1));
    PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: data: %s set, %" PetscInt_FMT " samples of N = %" PetscInt_FMT " (%s), %s targets, %.2f s\n", PdennSplits[s], cmp->samples[s], cmp->pde->N, cmp->given[s][0] ? cmp->given[s] : "generated", has_task ? "given" : PdennCompareTasks[cmp->task], t1 - t0));
  }
  PetscFunctionReturn(0);
}

/* The test set on every rank: input, target, clean and noisy rows. */
PetscErrorCode PdennCompareLoadTest(PdennCompare cmp)
{
  const char    *names[4] = {"input", "target", "clean", "noisy"};
  PetscReal     *rows[4];
  const PetscInt N = cmp->pde->N, n = cmp->samples[PDENN_SPLIT_TEST];
  PdennSignalSet set;
  Vec            v;

  PetscFunctionBeginUser;
  cmp->N     = N;
  cmp->ntest = n;
  PetscCall(PetscCalloc1(n * N, &cmp->test_input));
  PetscCall(PetscCalloc1(n * N, &cmp->test_target));
  PetscCall(PetscCalloc1(n * N, &cmp->test_clean));
  PetscCall(PetscCalloc1(n * N, &cmp->test_noisy));
  rows[0] = cmp->test_input;
  rows[1] = cmp->test_target;
  rows[2] = cmp->test_clean;
  rows[3] = cmp->test_noisy;
  if (cmp->pde->dim > 1) {
    PetscCall(PdennCompareLoadTestImages(cmp));
    PetscFunctionReturn(0);
  }
  PetscCall(DMCreateGlobalVector(cmp->pde->da, &v));
  PetscCall(PdennSignalSetOpen(cmp->comm, "-compare_test_data", cmp->data_path[PDENN_SPLIT_TEST], &set)); /* opened and checked once */
  for (int d = 0; d < 4; d++) {
    for (PetscInt k = 0; k < n; k++) {
      PetscCall(PdennSignalSetRead(set, names[d], k, v));
      PetscCall(PdennRowsAddVec(v, rows[d] + k * N));
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, rows[d], (PetscMPIInt)(n * N), MPIU_REAL, MPI_SUM, cmp->comm));
  }
  PetscCall(PdennSignalSetClose(&set));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

/* The stress inputs on every rank: the clean test signals plus noise of sigma cmp->stress_sigma
   (by default 10x the training noise, far outside the training data; chosen by
   PdennCompareDescribeData), drawn as noisy - clean of a generator with its own seed. */
PetscErrorCode PdennCompareMakeStress(PdennCompare cmp)
{
  const PetscInt    N = cmp->N, n = cmp->ntest;
  PdennSignalParams p = cmp->signals;
  Vec               clean, noisy;

  PetscFunctionBeginUser;
  if (cmp->pde->dim > 1) {
    PetscCall(PdennCompareMakeStressImages(cmp));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscCalloc1(n * N, &cmp->stress_input));
  p.sigma   = cmp->stress_sigma;
  p.seed    = cmp->signals.seed + 3;
  p.samples = n;
  PetscCall(DMCreateGlobalVector(cmp->pde->da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(PdennSignalFill(&p, k, clean, noisy));
    PetscCall(VecAXPY(noisy, -1.0, clean));
    PetscCall(PdennRowsAddVec(noisy, cmp->stress_input + k * N));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, cmp->stress_input, (PetscMPIInt)(n * N), MPIU_REAL, MPI_SUM, cmp->comm));
  for (PetscInt i = 0; i < n * N; i++) cmp->stress_input[i] += cmp->test_clean[i];
  PetscCall(VecDestroy(&clean));
  PetscCall(VecDestroy(&noisy));
  PetscFunctionReturn(0);
}
