/* Training and validation samples, loaded once: every batch group keeps, on each of its ranks,
   the points that rank owns of every sample, since shuffling sends any sample to any group in
   some epoch. Input and target of sample s sit at offset s * xm of two contiguous arrays and are
   lent to the model through VecPlaceArray, without copies. */
#include "trainpriv.h"

static PetscErrorCode DataAlloc(PdennTrainData *d, PetscInt n, PetscInt xm)
{
  PetscFunctionBeginUser;
  d->n  = n;
  d->xm = xm;
  PetscCall(PetscCalloc1(n * xm, &d->input));
  PetscCall(PetscCalloc1(n * xm, &d->target));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainDataFree(PdennTrainData *d)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(d->input));
  PetscCall(PetscFree(d->target));
  d->n = 0;
  PetscFunctionReturn(0);
}

/* samples [first, first + d->n) of the file into d */
static PetscErrorCode ReadFile(PdennTrainer tr, const char key[], const char path[], PetscInt first, PdennTrainData *d)
{
  PdennSignalSet set;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalSetOpen(tr->group_comm, key, path, &set));
  for (PetscInt s = 0; s < d->n; s++) {
    PetscCall(VecPlaceArray(tr->x, d->input + s * d->xm));
    PetscCall(VecPlaceArray(tr->target, d->target + s * d->xm));
    PetscCall(PdennSignalSetRead(set, tr->input_name, first + s, tr->x)); /* clean, noisy or any dataset of the file */
    PetscCall(PdennSignalSetRead(set, tr->target_name, first + s, tr->target));
    PetscCall(VecResetArray(tr->x));
    PetscCall(VecResetArray(tr->target));
  }
  PetscCall(PdennSignalSetClose(&set));
  PetscFunctionReturn(0);
}

/* generated samples [first, first + d->n): noisy input, clean target */
static PetscErrorCode Generate(PdennTrainer tr, PetscInt first, PdennTrainData *d)
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < d->n; s++) {
    PetscCall(VecPlaceArray(tr->x, d->input + s * d->xm));
    PetscCall(VecPlaceArray(tr->target, d->target + s * d->xm));
    PetscCall(PdennSignalFill(&tr->signals, first + s, tr->target, tr->x));
    PetscCall(VecResetArray(tr->x));
    PetscCall(VecResetArray(tr->target));
  }
  PetscFunctionReturn(0);
}

/* N and the sample counts, from the files' attributes; a split of -train_data keeps the last
   -train_val_fraction of its samples for validation */
static PetscErrorCode FileSizes(PdennTrainer tr, PetscInt *N, PetscInt *ntrain, PetscInt *nval)
{
  PdennSignalSet    set;
  PdennSignalParams p, q;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalSetOpen(tr->group_comm, "-train_data", tr->train_path, &set));
  PetscCall(PdennSignalSetGetParams(set, &p));
  PetscCall(PdennSignalSetClose(&set));
  *N    = p.N;
  *nval = (PetscInt)(tr->val_fraction * (PetscReal)p.samples);
  if (tr->val_path[0]) {
    PetscCall(PdennSignalSetOpen(tr->group_comm, "-val_data", tr->val_path, &set));
    PetscCall(PdennSignalSetGetParams(set, &q));
    PetscCall(PdennSignalSetClose(&set));
    PetscCheck(q.N == p.N, tr->comm, PDENN_ERR_INPUT, "key -val_data: file '%s' has signals of N = %" PetscInt_FMT " points, -train_data '%s' has N = %" PetscInt_FMT "; expected equal N", tr->val_path, q.N, tr->train_path, p.N);
    *nval = q.samples;
  }
  *ntrain = p.samples - (tr->val_path[0] ? 0 : *nval);
  PetscCheck(*ntrain >= 1, tr->comm, PDENN_ERR_INPUT, "key -train_val_fraction: value %g leaves no training sample of the %" PetscInt_FMT " in '%s'", (double)tr->val_fraction, p.samples, tr->train_path);
  PetscFunctionReturn(0);
}

/* Every batch group reads the same samples of the same files, so a bad file fails every group at
   the same point with the same error (collective on each group's communicator). The groups raise
   it quietly; then it is raised once more on the whole communicator with the same message, so
   every rank returns it (and can report it) while only rank 0 prints the line. */
static PetscErrorCode QuietBegin(void)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode QuietEnd(PdennTrainer tr, PetscErrorCode ierr)
{
  PetscErrorCode any  = ierr;
  char          *text = NULL;

  PetscFunctionBeginUser;
  PetscCall(PetscPopErrorHandler());
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_MAX, tr->comm));
  if (!any) PetscFunctionReturn(0);
  if (ierr) PetscCall(PetscErrorMessage(ierr, NULL, &text)); /* the message PetscError kept */
  SETERRQ(tr->comm, ierr ? ierr : any, "%s", text && text[0] ? text : "another batch group could not read the training data (see rank 0's message)");
}

PetscErrorCode PdennTrainerDataSizes(PdennTrainer tr, PetscInt *N, PetscInt *ntrain, PetscInt *nval)
{
  PetscFunctionBeginUser;
  if (tr->use_signals) {
    *N      = tr->signals.N;
    *ntrain = tr->signals_ntrain;
    *nval   = tr->signals_nval;
    PetscFunctionReturn(0);
  }
  PetscCheck(tr->train_path[0], tr->comm, PDENN_ERR_INPUT, "key -train_data is missing; expected an HDF5 signal set written by pdenn_signals");
  PetscCall(QuietBegin());
  PetscCall(QuietEnd(tr, FileSizes(tr, N, ntrain, nval)));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadFiles(PdennTrainer tr, PetscInt ntrain)
{
  PetscFunctionBeginUser;
  PetscCall(ReadFile(tr, "-train_data", tr->train_path, 0, &tr->train));
  if (tr->val_path[0])
    PetscCall(ReadFile(tr, "-val_data", tr->val_path, 0, &tr->val));
  else
    PetscCall(ReadFile(tr, "-train_data", tr->train_path, ntrain, &tr->val));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerLoadData(PdennTrainer tr, PetscInt ntrain, PetscInt nval)
{
  PetscInt xm;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(tr->x, &xm));
  PetscCall(DataAlloc(&tr->train, ntrain, xm));
  PetscCall(DataAlloc(&tr->val, nval, xm));
  if (tr->use_signals) {
    PetscCall(Generate(tr, 0, &tr->train));
    PetscCall(Generate(tr, ntrain, &tr->val));
  } else {
    PetscCall(QuietBegin());
    PetscCall(QuietEnd(tr, ReadFiles(tr, ntrain)));
  }
  PetscFunctionReturn(0);
}
