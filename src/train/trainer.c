/* PdennTrainer: life cycle, deck keys and the rank layout. PETSC_COMM_WORLD (or the comm given)
   is split into batch groups of -train_space_ranks consecutive ranks; every group holds a copy
   of the model on its own communicator and takes a share of each mini-batch (docs/training.md). */
#include "trainpriv.h"

PetscErrorCode PdennTrainerCreate(MPI_Comm comm, PdennTrainer *tr)
{
  PdennTrainer t;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&t));
  t->comm       = comm;
  t->group_comm = MPI_COMM_NULL;
  PetscCallMPI(MPI_Comm_rank(comm, &t->rank));
  PetscCallMPI(MPI_Comm_size(comm, &t->size));
  PetscCall(PdennOptimizerParamsDefault(&t->opt_params));
  t->loss                    = PDENN_LOSS_MSE;
  t->epochs                  = 10;
  t->batch_size              = 16;
  t->seed                    = 1;
  t->init_seed               = 1;
  t->val_fraction            = 0.1;
  t->diverge_factor          = 1e6;
  t->checkpoint_every_epochs = 1;
  t->test_signal_step        = -1;
  t->last_checkpoint_step    = -1;
  PetscCall(PetscStrncpy(t->input_name, "noisy", sizeof(t->input_name)));
  PetscCall(PetscStrncpy(t->target_name, "clean", sizeof(t->target_name)));
  PetscCall(PetscStrncpy(t->checkpoint, "train_checkpoint.h5", sizeof(t->checkpoint)));
  *tr = t;
  PetscFunctionReturn(0);
}

/* a string key whose current value is its default (the wrappers must not copy a buffer onto itself) */
static PetscErrorCode StringOption(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], char value[], size_t len)
{
  char def[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(def, value, sizeof(def)));
  PetscCall(PdennOptionsString(key, text, def, value, len, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataOptions(PetscOptionItems *PetscOptionsObject, PdennTrainer tr)
{
  PetscFunctionBeginUser;
  PetscCall(StringOption(PetscOptionsObject, "-train_data", "HDF5 signal set, or image or volume set, to train on (docs/hdf5_layout.md)", tr->train_path, sizeof(tr->train_path)));
  PetscCall(StringOption(PetscOptionsObject, "-train_input_dataset", "dataset (samples x N, samples x H x W or samples x D x H x W) of the network inputs", tr->input_name, sizeof(tr->input_name)));
  PetscCall(StringOption(PetscOptionsObject, "-train_target_dataset", "dataset of the targets, of the inputs' shape", tr->target_name, sizeof(tr->target_name)));
  PetscCall(StringOption(PetscOptionsObject, "-val_data", "HDF5 set for validation, of the same grid (default: the last -train_val_fraction of -train_data)", tr->val_path, sizeof(tr->val_path)));
  PetscCall(PdennOptionsReal("-train_val_fraction", "fraction of -train_data kept for validation when -val_data is not given", tr->val_fraction, 0.0, 0.9, &tr->val_fraction, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode LoopOptions(PetscOptionItems *PetscOptionsObject, PdennTrainer tr)
{
  PetscInt loss = (PetscInt)tr->loss;

  PetscFunctionBeginUser;
  PetscCall(PdennOptionsChoice("-train_loss", "loss per sample, averaged over the mini-batch", PdennLossTypes, PDENN_LOSS_NTYPES, loss, &loss, NULL));
  tr->loss = (PdennLossType)loss;
  PetscCall(PdennOptionsInt("-train_epochs", "passes over the training samples", tr->epochs, 1, PETSC_MAX_INT, &tr->epochs, NULL));
  PetscCall(PdennOptionsInt("-train_batch_size", "samples per mini-batch (one optimizer step)", tr->batch_size, 1, PETSC_MAX_INT, &tr->batch_size, NULL));
  PetscCall(PdennOptionsInt("-train_max_steps", "stop after this many optimizer steps in all (0: no limit)", tr->max_steps, 0, PETSC_MAX_INT, &tr->max_steps, NULL));
  PetscCall(PdennOptionsInt("-train_seed", "seed of the sample order", tr->seed, 0, PETSC_MAX_INT, &tr->seed, NULL));
  PetscCall(PdennOptionsInt("-train_init_seed", "seed of the random initial weights", tr->init_seed, 0, PETSC_MAX_INT, &tr->init_seed, NULL));
  PetscCall(PdennOptionsInt("-train_space_ranks", "ranks sharing each sample in space (0: as many batch groups as the batch size and rank count allow)", tr->space_ranks, 0, PETSC_MAX_INT, &tr->space_ranks, NULL));
  PetscCall(PdennOptionsReal("-train_diverge_factor", "stop as diverged when a mini-batch loss exceeds this times the first step's loss (0: only at a non-finite loss)", tr->diverge_factor, 0.0, 1e300, &tr->diverge_factor, NULL));
  PetscCall(PdennOptionsInt("-train_print_every", "progress line every n steps (0: once per epoch)", tr->print_every, 0, PETSC_MAX_INT, &tr->print_every, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckpointOptions(PetscOptionItems *PetscOptionsObject, PdennTrainer tr)
{
  PetscFunctionBeginUser;
  PetscCall(StringOption(PetscOptionsObject, "-checkpoint", "HDF5 checkpoint file, written atomically (docs/checkpoints.md)", tr->checkpoint, sizeof(tr->checkpoint)));
  PetscCall(PdennOptionsBool("-resume", "continue from -checkpoint", tr->resume, &tr->resume, NULL));
  PetscCall(PdennOptionsBool("-force", "start afresh even if -checkpoint exists (it is overwritten)", tr->force, &tr->force, NULL));
  PetscCall(PdennOptionsInt("-checkpoint_every", "write -checkpoint every n optimizer steps (0: never)", tr->checkpoint_every, 0, PETSC_MAX_INT, &tr->checkpoint_every, NULL));
  PetscCall(PdennOptionsInt("-checkpoint_every_epochs", "write -checkpoint every n epochs (0: never); always at the end", tr->checkpoint_every_epochs, 0, PETSC_MAX_INT, &tr->checkpoint_every_epochs, NULL));
  PetscFunctionReturn(0);
}

/* -train_space_ranks 0: the most batch groups that still give each group a sample of a full batch */
static PetscErrorCode LayoutChoose(PdennTrainer tr)
{
  PetscFunctionBeginUser;
  if (tr->space_ranks == 0) {
    PetscInt groups = PetscMin((PetscInt)tr->size, tr->batch_size);
    while (tr->size % groups) groups--;
    tr->space_ranks = tr->size / groups;
  }
  PetscCheck(tr->size % tr->space_ranks == 0, tr->comm, PDENN_ERR_INPUT, "key -train_space_ranks: value %" PetscInt_FMT " does not divide the %d MPI ranks; expected a divisor of %d (or 0 to choose)", tr->space_ranks, (int)tr->size, (int)tr->size);
  tr->ngroups = tr->size / tr->space_ranks;
  tr->group   = tr->rank / tr->space_ranks;
  PetscCallMPI(MPI_Comm_split(tr->comm, (int)tr->group, tr->rank, &tr->group_comm));
  PetscCallMPI(MPI_Comm_rank(tr->group_comm, &tr->group_rank));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerSetFromOptions(PdennTrainer tr)
{
  PetscFunctionBeginUser;
  PetscCheck(!tr->model, tr->comm, PETSC_ERR_ORDER, "PdennTrainerSetFromOptions may be called only once");
  PetscOptionsBegin(tr->comm, NULL, "pdenn training (docs/training.md)", NULL);
  PetscCall(DataOptions(PetscOptionsObject, tr));
  PetscCall(LoopOptions(PetscOptionsObject, tr));
  PetscCall(CheckpointOptions(PetscOptionsObject, tr));
  PetscOptionsEnd();
  /* hidden test key (not in -help): rank 0 raises SIGUSR1 during this step */
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-train_test_signal_step", &tr->test_signal_step, NULL));
  PetscCall(PdennOptimizerParamsSetFromOptions(tr->comm, &tr->opt_params));
  PetscCall(LayoutChoose(tr));
  PetscCall(PdennModelCreate(tr->group_comm, NULL, &tr->model));
  PetscCall(PdennModelSetFromOptions(tr->model));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerSetSignals(PdennTrainer tr, const PdennSignalParams *p, PetscInt ntrain, PetscInt nval)
{
  PetscFunctionBeginUser;
  PetscCheck(ntrain >= 1 && nval >= 0, tr->comm, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " training and %" PetscInt_FMT " validation samples; expected >= 1 and >= 0", ntrain, nval);
  tr->use_signals    = PETSC_TRUE;
  tr->use_images     = PETSC_FALSE;
  tr->signals        = *p;
  tr->signals_ntrain = ntrain;
  tr->signals_nval   = nval;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerSetImages(PdennTrainer tr, const PdennImageParams *p, PetscInt dim, const PetscInt M[3], PetscInt ntrain, PetscInt nval)
{
  PetscFunctionBeginUser;
  PetscCheck(ntrain >= 1 && nval >= 0, tr->comm, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " training and %" PetscInt_FMT " validation images; expected >= 1 and >= 0", ntrain, nval);
  PetscCheck(dim == 2 || dim == 3, tr->comm, PETSC_ERR_ARG_OUTOFRANGE, "images of dimension %" PetscInt_FMT "; expected 2 or 3 (PdennTrainerSetSignals for 1D)", dim);
  tr->use_images  = PETSC_TRUE;
  tr->use_signals = PETSC_FALSE;
  tr->images      = *p;
  tr->dim         = dim;
  for (PetscInt a = 0; a < 3; a++) tr->M[a] = a < dim ? M[a] : 1;
  tr->signals_ntrain = ntrain;
  tr->signals_nval   = nval;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerGetModel(PdennTrainer tr, PdennModel *model)
{
  PetscFunctionBeginUser;
  *model = tr->model;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerGetLayout(PdennTrainer tr, PetscInt *space_ranks, PetscInt *batch_groups)
{
  PetscFunctionBeginUser;
  if (space_ranks) *space_ranks = tr->space_ranks;
  if (batch_groups) *batch_groups = tr->ngroups;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerGetProgress(PdennTrainer tr, PetscInt *epoch, PetscInt *step, PetscBool *interrupted)
{
  PetscFunctionBeginUser;
  if (epoch) *epoch = tr->epoch;
  if (step) *step = tr->step;
  if (interrupted) *interrupted = tr->interrupted;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerDestroy(PdennTrainer *tr)
{
  PdennTrainer t = *tr;

  PetscFunctionBeginUser;
  if (!t) PetscFunctionReturn(0);
  /* a set-up that failed after installing them, or a training that failed or never ran */
  if (t->signals_installed) PetscCall(PdennStopSignalsRestore());
  PetscCall(PdennModelDestroy(&t->model));
  PetscCall(PdennOptimizerDestroy(&t->opt));
  PetscCall(PdennTrainDataFree(&t->train));
  PetscCall(PdennTrainDataFree(&t->val));
  PetscCall(VecDestroy(&t->x));
  PetscCall(VecDestroy(&t->y));
  PetscCall(VecDestroy(&t->target));
  PetscCall(VecDestroy(&t->dy));
  PetscCall(PetscFree(t->reduce));
  PetscCall(PetscFree(t->perm));
  PetscCall(PetscFree(t->step_loss));
  PetscCall(PetscFree(t->train_loss));
  PetscCall(PetscFree(t->val_loss));
  if (t->group_comm != MPI_COMM_NULL) PetscCallMPI(MPI_Comm_free(&t->group_comm));
  PetscCall(PetscFree(*tr));
  PetscFunctionReturn(0);
}
