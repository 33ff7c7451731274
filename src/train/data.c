/* Training and validation samples, loaded once: every batch group keeps, on each of its ranks,
   the points (in 2D/3D: the box of pixels) that rank owns of every sample, since shuffling sends
   any sample to any group in some epoch. Input and target of sample s sit at offset s * xm of two contiguous arrays and are
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

/* generated samples [first, first + d->n) (signals or images): noisy input, clean target */
static PetscErrorCode Generate(PdennTrainer tr, PetscInt first, PdennTrainData *d)
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < d->n; s++) {
    PetscCall(VecPlaceArray(tr->x, d->input + s * d->xm));
    PetscCall(VecPlaceArray(tr->target, d->target + s * d->xm));
    if (tr->use_images)
      PetscCall(PdennImageFill(&tr->images, first + s, tr->target, tr->x));
    else
      PetscCall(PdennSignalFill(&tr->signals, first + s, tr->target, tr->x));
    PetscCall(VecResetArray(tr->x));
    PetscCall(VecResetArray(tr->target));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckTrainCount(PdennTrainer tr, PetscInt ntrain, PetscInt samples)
{
  PetscFunctionBeginUser;
  PetscCheck(ntrain >= 1, tr->comm, PDENN_ERR_INPUT, "key -train_val_fraction: value %g leaves no training sample of the %" PetscInt_FMT " in '%s'", (double)tr->val_fraction, samples, tr->train_path);
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
  PetscCall(CheckTrainCount(tr, *ntrain, p.samples));
  PetscFunctionReturn(0);
}

/* The grid and counts of an image or volume set (dimension tr->dim); -val_data must hold the
   same grid. */
static PetscErrorCode ImageFileSizes(PdennTrainer tr, PetscInt *ntrain, PetscInt *nval)
{
  PetscInt samples, vsamples, V[3];
  char     train[96], val[96];

  PetscFunctionBeginUser;
  PetscCall(PdennTrainerImageSizes(tr, "-train_data", tr->train_path, tr->dim, tr->M, &samples));
  *nval = (PetscInt)(tr->val_fraction * (PetscReal)samples);
  if (tr->val_path[0]) {
    PetscCall(PdennTrainerImageSizes(tr, "-val_data", tr->val_path, tr->dim, V, &vsamples));
    PetscCall(PdennTrainerGridText(tr->dim, tr->M, train, sizeof(train)));
    PetscCall(PdennTrainerGridText(tr->dim, V, val, sizeof(val)));
    PetscCheck(V[0] == tr->M[0] && V[1] == tr->M[1] && V[2] == tr->M[2], tr->comm, PDENN_ERR_INPUT, "key -val_data: file '%s' holds %s, -train_data '%s' holds %s; expected the same grid", tr->val_path, val, tr->train_path, train);
    *nval = vsamples;
  }
  *ntrain = samples - (tr->val_path[0] ? 0 : *nval);
  PetscCall(CheckTrainCount(tr, *ntrain, samples));
  PetscFunctionReturn(0);
}

/* Every batch group reads the same samples of the same files, so a bad file fails every group at
   the same point with the same error (collective on each group's communicator). The groups raise
   it quietly; then it is raised once more on the whole communicator with the same message, so
   every rank returns it (and can report it) while only rank 0 prints the line. */
PetscErrorCode PdennTrainerQuietBegin(void)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerQuietEnd(PdennTrainer tr, PetscErrorCode ierr)
{
  PetscErrorCode any  = ierr;
  char          *text = NULL;

  PetscFunctionBeginUser;
  PetscCall(PetscPopErrorHandler());
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_MAX, tr->comm));
  if (!any) PetscFunctionReturn(0);
  if (ierr) PetscCall(PetscErrorMessage(ierr, NULL, &text)); /* the message PetscError kept */
  SETERRQ(tr->comm, ierr ? ierr : any, "%s", text && text[0] ? text : "another batch group failed to load the training data or set up the model (see rank 0's message)");
}

/* The data's kind: both files' datasets must hold the same (signals, images or volumes) */
static PetscErrorCode FileDims(PdennTrainer tr)
{
  static const char *const kind[] = {"", "1D signals (samples x N)", "2D images (samples x H x W)", "3D volumes (samples x D x H x W)"};
  PetscInt                 vdim;

  PetscFunctionBeginUser;
  PetscCall(PdennTrainerDataDim(tr, "-train_data", tr->train_path, tr->input_name, &tr->dim));
  if (!tr->val_path[0]) PetscFunctionReturn(0);
  PetscCall(PdennTrainerDataDim(tr, "-val_data", tr->val_path, tr->input_name, &vdim));
  PetscCheck(vdim == tr->dim, tr->comm, PDENN_ERR_INPUT, "key -val_data: dataset '%s' of file '%s' does not hold %s like -train_data '%s'; expected a validation set of the same kind and grid", tr->input_name, tr->val_path, kind[tr->dim], tr->train_path);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerDataSizes(PdennTrainer tr, PetscInt *ntrain, PetscInt *nval)
{
  PetscFunctionBeginUser;
  if (tr->use_signals || tr->use_images) { /* generated: PdennTrainerSetImages set the grid */
    if (tr->use_signals) tr->dim = 1, tr->M[0] = tr->signals.N, tr->M[1] = tr->M[2] = 1;
    *ntrain = tr->signals_ntrain;
    *nval   = tr->signals_nval;
  } else {
    PetscCheck(tr->train_path[0], tr->comm, PDENN_ERR_INPUT, "key -train_data is missing; expected an HDF5 signal set written by pdenn_signals, or an image set (pdenn_signals -dim 2, apps/pdenn_images.py)");
    PetscCall(FileDims(tr));
    tr->M[1] = tr->M[2] = 1;
    PetscCall(PdennTrainerQuietBegin());
    if (tr->dim == 1)
      PetscCall(PdennTrainerQuietEnd(tr, FileSizes(tr, &tr->M[0], ntrain, nval)));
    else
      PetscCall(PdennTrainerQuietEnd(tr, ImageFileSizes(tr, ntrain, nval)));
  }
  tr->N = tr->M[0] * tr->M[1] * tr->M[2];
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadFiles(PdennTrainer tr, PetscInt ntrain)
{
  PetscErrorCode (*read)(PdennTrainer, const char[], const char[], PetscInt, PdennTrainData *) = tr->dim == 1 ? ReadFile : PdennTrainerImageRead;

  PetscFunctionBeginUser;
  PetscCall(read(tr, "-train_data", tr->train_path, 0, &tr->train));
  if (tr->val_path[0])
    PetscCall(read(tr, "-val_data", tr->val_path, 0, &tr->val));
  else
    PetscCall(read(tr, "-train_data", tr->train_path, ntrain, &tr->val));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerLoadData(PdennTrainer tr, PetscInt ntrain, PetscInt nval)
{
  PetscInt xm;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(tr->x, &xm));
  PetscCall(DataAlloc(&tr->train, ntrain, xm));
  PetscCall(DataAlloc(&tr->val, nval, xm));
  if (tr->use_signals || tr->use_images) {
    PetscCall(Generate(tr, 0, &tr->train));
    PetscCall(Generate(tr, ntrain, &tr->val));
  } else {
    PetscCall(PdennTrainerQuietBegin());
    PetscCall(PdennTrainerQuietEnd(tr, ReadFiles(tr, ntrain)));
  }
  PetscFunctionReturn(0);
}
