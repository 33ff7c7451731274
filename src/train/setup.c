/* PdennTrainerSetUp: the data fix the model's grid (dimension and size); then the model, work vectors, samples,
   optimizer, and either a seeded start or the state of -checkpoint (-resume). */
#include "trainpriv.h"
#include <sys/stat.h>

/* -log_view stages, shared by every trainer of a program */
static PetscErrorCode Stage(const char name[], PetscLogStage *stage)
{
  PetscFunctionBeginUser;
  *stage = -1;
  PetscCall(PetscLogStageGetId(name, stage));
  if (*stage < 0) PetscCall(PetscLogStageRegister(name, stage));
  PetscFunctionReturn(0);
}

static PetscErrorCode Stages(PdennTrainer tr)
{
  PetscFunctionBeginUser;
  PetscCall(Stage("Train forward", &tr->stage_forward));
  PetscCall(Stage("Train backward", &tr->stage_backward));
  PetscCall(Stage("Train allreduce", &tr->stage_allreduce));
  PetscCall(Stage("Train I/O", &tr->stage_io));
  PetscFunctionReturn(0);
}

static PetscErrorCode WorkVectors(PdennTrainer tr)
{
  DM da;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetDM(tr->model, &da));
  PetscCall(DMCreateGlobalVector(da, &tr->x));
  PetscCall(VecDuplicate(tr->x, &tr->y));
  PetscCall(VecDuplicate(tr->x, &tr->target));
  PetscCall(VecDuplicate(tr->x, &tr->dy));
  PetscFunctionReturn(0);
}

/* before any work: -resume needs the file, a fresh run must not silently overwrite one, and the
   directory must take new files (checked again at every write) */
static PetscErrorCode CheckpointPathCheck(PdennTrainer tr)
{
  struct stat st;
  int         exists = 0;

  PetscFunctionBeginUser;
  if (!tr->rank) exists = stat(tr->checkpoint, &st) == 0;
  PetscCallMPI(MPI_Bcast(&exists, 1, MPI_INT, 0, tr->comm));
  PetscCheck(!tr->resume || exists, tr->comm, PDENN_ERR_INPUT, "key -checkpoint: checkpoint '%s' does not exist, so -resume cannot continue from it", tr->checkpoint);
  PetscCheck(tr->resume || tr->force || !exists, tr->comm, PDENN_ERR_INPUT, "key -checkpoint: '%s' exists; give -resume to continue from it, or -force to start afresh and overwrite it", tr->checkpoint);
  PetscCall(PdennOutputPathCheck(tr->comm, "-checkpoint", tr->checkpoint, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerSetUp(PdennTrainer tr)
{
  PetscInt ntrain, nval;

  PetscFunctionBeginUser;
  PetscCheck(tr->model, tr->comm, PETSC_ERR_ORDER, "call PdennTrainerSetFromOptions before PdennTrainerSetUp");
  PetscCheck(!tr->setup, tr->comm, PETSC_ERR_ORDER, "PdennTrainerSetUp may be called only once");
  PetscCall(Stages(tr));
  PetscCall(CheckpointPathCheck(tr));
  /* from here on a stop signal is a request noted for the first step boundary, not a crash
     (PETSc's own handler would abort); PdennTrainerTrain restores the previous handlers, or
     PdennTrainerDestroy if the set-up fails below or training never runs */
  PetscCall(PdennStopSignalsInstall());
  tr->signals_installed = PETSC_TRUE;
  PetscCall(PetscLogStagePush(tr->stage_io));
  PetscCall(PdennTrainerDataSizes(tr, &ntrain, &nval));
  PetscCall(PdennTrainerQuietBegin()); /* a grid the group's ranks cannot share: one line */
  PetscCall(PdennTrainerQuietEnd(tr, PdennModelSetUpGrid(tr->model, tr->dim, tr->M)));
  PetscCall(WorkVectors(tr));
  PetscCall(PdennTrainerLoadData(tr, ntrain, nval));
  PetscCall(PetscLogStagePop());
  PetscCall(PdennModelGetNumParameters(tr->model, &tr->nparams));
  PetscCall(PdennOptimizerCreate(&tr->opt_params, tr->nparams, &tr->opt));
  PetscCall(PetscCalloc1(tr->nparams + 2, &tr->reduce));
  PetscCall(PetscMalloc1(ntrain, &tr->perm));
  if (tr->resume)
    PetscCall(PdennTrainerRestore(tr));
  else {
    PetscCall(PdennModelInitRandom(tr->model, tr->init_seed));
    PetscCall(PdennShuffle(tr->seed, 0, ntrain, tr->perm));
  }
  tr->setup = PETSC_TRUE;
  PetscFunctionReturn(0);
}
