/* The training loop (docs/training.md), read top to bottom: a step gives every batch group its
   share of the mini-batch, runs forward, loss and backward per sample, sums the gradient, the
   loss and the stop flag over all ranks in one MPI_Allreduce, checks them, and updates theta
   identically everywhere. Epochs end with a validation pass; nothing depends on wall-clock time
   except the progress lines, so a resumed run repeats an unbroken one bitwise. */
#include "trainpriv.h"
#include <math.h>
#include <signal.h>
#include <stdio.h>

/* one sample: forward, loss (dy = scale dloss/dy), backward into tr->reduce; returns its loss */
static PetscErrorCode SampleGradient(PdennTrainer tr, PetscInt s, PetscReal scale, PetscReal *loss)
{
  const PdennTrainData *d = &tr->train;

  PetscFunctionBeginUser;
  PetscCall(VecPlaceArray(tr->x, d->input + s * d->xm));
  PetscCall(VecPlaceArray(tr->target, d->target + s * d->xm));
  PetscCall(PetscLogStagePush(tr->stage_forward));
  PetscCall(PdennModelForward(tr->model, tr->x, tr->y));
  PetscCall(PdennLossCompute(tr->loss, tr->y, tr->target, scale, tr->dy, loss));
  PetscCall(PetscLogStagePop());
  PetscCall(PetscLogStagePush(tr->stage_backward));
  PetscCall(PdennModelBackward(tr->model, tr->dy, NULL, tr->reduce));
  PetscCall(PetscLogStagePop());
  PetscCall(VecResetArray(tr->x));
  PetscCall(VecResetArray(tr->target));
  PetscFunctionReturn(0);
}

/* The one message of every stop for divergence: where (epoch, step), why, the checkpoint that
   is kept, and the key to change. A non-finite value met in training is the optimisation's
   doing, since every reader refuses non-finite data; the message says so. */
static PetscErrorCode Diverged(PdennTrainer tr, PetscBool at_step, const char why[])
{
  char last[PETSC_MAX_PATH_LEN + 64] = "no checkpoint was written", where[64] = "", rate[32];

  PetscFunctionBeginUser;
  if (tr->last_checkpoint_step >= 0) PetscCall(PetscSNPrintf(last, sizeof(last), "the last good checkpoint '%s' (step %" PetscInt_FMT ") is kept", tr->checkpoint, tr->last_checkpoint_step));
  if (at_step) PetscCall(PetscSNPrintf(where, sizeof(where), " at step %" PetscInt_FMT, tr->step + 1));
  snprintf(rate, sizeof(rate), "%g", (double)tr->opt_params.lr); /* C's %g: PETSc's prints "nan." */
  SETERRQ(tr->comm, PDENN_ERR_INPUT, "training diverged in epoch %" PetscInt_FMT "%s: %s; %s; try a smaller learning rate (key -train_lr, now %s)", tr->epoch + 1, where, why, last, rate);
}

/* C's %g, but "nan" for every NaN (C prints a NaN with its sign bit as "-nan") */
static void FormatReal(char buf[], size_t len, PetscReal v)
{
  if (isnan(v))
    snprintf(buf, len, "nan");
  else
    snprintf(buf, len, "%g", (double)v);
}

#define PDENN_BY_OPTIMISATION "produced by the optimisation (the data were checked finite when read)"

/* Divergence: a non-finite loss or gradient, or a loss that has grown past -train_diverge_factor
   times the first step's loss (the loss of the initial weights, kept in the history, so a
   resumed run judges the same way). Training lowers the loss; a run that makes it a million
   times worse than at its random start is not learning, and SGD at too high a rate grows it
   geometrically towards overflow (1e226 without this check). It is seen identically on every
   rank (after the reduction), so the error is collective; theta was not updated and the last
   checkpoint stays as it is. */
static PetscErrorCode CheckDiverged(PdennTrainer tr, PetscReal loss)
{
  PetscBool       finite = (PetscBool)isfinite(loss), grown;
  const PetscReal first  = tr->step > 0 ? tr->step_loss[0] : 0.0;
  char            why[256], value[32];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < tr->nparams && finite; i++) finite = (PetscBool)isfinite(tr->reduce[i]);
  grown = (PetscBool)(finite && tr->diverge_factor > 0 && first > 0 && loss > tr->diverge_factor * first);
  if (finite && !grown) PetscFunctionReturn(0);
  if (grown)
    snprintf(why, sizeof(why), "the mini-batch loss is %g, more than -train_diverge_factor %g times the first step's loss %g", (double)loss, (double)tr->diverge_factor, (double)first);
  else {
    FormatReal(value, sizeof(value), loss);
    snprintf(why, sizeof(why), "the mini-batch loss is %s or a gradient is not finite, %s", value, PDENN_BY_OPTIMISATION);
  }
  PetscCall(Diverged(tr, PETSC_TRUE, why));
  PetscFunctionReturn(0);
}

/* An update that overflows a weight (a huge -train_lr) stops training at once: the next loss
   would only report it a step later, and after the last step the checkpoint would keep it.
   theta is identical on every rank, so every rank raises the error. */
static PetscErrorCode CheckWeightsFinite(PdennTrainer tr, const PetscReal theta[])
{
  PetscInt i = 0;
  char     why[256], value[32];

  PetscFunctionBeginUser;
  while (i < tr->nparams && isfinite(theta[i])) i++;
  if (i == tr->nparams) PetscFunctionReturn(0);
  FormatReal(value, sizeof(value), theta[i]);
  snprintf(why, sizeof(why), "the update made weight %" PetscInt_FMT " %s, %s", i, value, PDENN_BY_OPTIMISATION);
  PetscCall(Diverged(tr, PETSC_TRUE, why));
  PetscFunctionReturn(0);
}

/* The validation data were checked finite when read: a non-finite validation loss is the
   model's output or the loss overflowing (weights grown huge, or data of huge magnitude), which
   training must not carry on with, nor report as a loss. */
static PetscErrorCode CheckValidationFinite(PdennTrainer tr, PetscReal val)
{
  char why[256], value[32];

  PetscFunctionBeginUser;
  if (!tr->val.n || isfinite(val)) PetscFunctionReturn(0);
  FormatReal(value, sizeof(value), val);
  snprintf(why, sizeof(why), "the validation loss is %s: the data were checked finite when read, so the model's output or the loss overflowed (weights grown by the optimisation, or data of huge magnitude)", value);
  PetscCall(Diverged(tr, PETSC_FALSE, why));
  PetscFunctionReturn(0);
}

static PetscInt StepsPerEpoch(PdennTrainer tr)
{
  return (tr->train.n + tr->batch_size - 1) / tr->batch_size;
}

/* one optimizer step on mini-batch tr->batch of the epoch (*count samples); *stop: a rank
   received a signal */
static PetscErrorCode Step(PdennTrainer tr, PetscInt *batch_count, PetscBool *stop)
{
  const PetscInt first = tr->batch * tr->batch_size, count = PetscMin(tr->batch_size, tr->train.n - first), n = tr->nparams;
  PetscInt       lo, hi;
  PetscReal      sum = 0, loss, *theta;

  PetscFunctionBeginUser;
  PdennBatchShare(count, tr->group, tr->ngroups, &lo, &hi);
  PetscCall(PetscArrayzero(tr->reduce, n + 2));
  for (PetscInt i = lo; i < hi; i++) {
    PetscCall(SampleGradient(tr, tr->perm[first + i], 1.0 / count, &loss));
    sum += loss;
  }
  /* a sample's loss is known on every rank of its group: one of them contributes it */
  tr->reduce[n] = tr->group_rank == 0 ? sum / count : 0.0;
  if (tr->step == tr->test_signal_step && tr->rank == 0) raise(SIGUSR1);
  tr->reduce[n + 1] = PdennStopSignalReceived() ? 1.0 : 0.0;
  PetscCall(PetscLogStagePush(tr->stage_allreduce));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, tr->reduce, (PetscMPIInt)(n + 2), MPIU_REAL, MPIU_SUM, tr->comm));
  PetscCall(PetscLogStagePop());
  PetscCall(CheckDiverged(tr, tr->reduce[n]));
  PetscCall(PdennModelGetParameters(tr->model, &theta));
  PetscCall(PdennOptimizerStep(tr->opt, PdennLearningRate(&tr->opt_params, tr->epoch, tr->step, tr->epochs * StepsPerEpoch(tr)), tr->reduce, theta));
  PetscCall(CheckWeightsFinite(tr, theta)); /* before the projection, whose clipping would hide a NaN */
  PetscCall(PdennModelProject(tr->model));
  PetscCall(PdennTrainerRecordStep(tr, tr->reduce[n]));
  tr->batch++;
  *stop        = (PetscBool)(tr->reduce[n + 1] > 0.0);
  *batch_count = count;
  PetscFunctionReturn(0);
}

/* mean loss over the validation samples (NaN when there are none), shared among batch groups */
static PetscErrorCode Validate(PdennTrainer tr, PetscReal *val_loss)
{
  const PdennTrainData *d = &tr->val;
  PetscInt              lo, hi;
  PetscReal             sum = 0, loss;

  PetscFunctionBeginUser;
  *val_loss = NAN;
  if (!d->n) PetscFunctionReturn(0);
  PdennBatchShare(d->n, tr->group, tr->ngroups, &lo, &hi);
  PetscCall(PetscLogStagePush(tr->stage_forward));
  for (PetscInt s = lo; s < hi; s++) {
    PetscCall(VecPlaceArray(tr->x, d->input + s * d->xm));
    PetscCall(VecPlaceArray(tr->target, d->target + s * d->xm));
    PetscCall(PdennModelForward(tr->model, tr->x, tr->y));
    PetscCall(PdennLossCompute(tr->loss, tr->y, tr->target, 1.0, NULL, &loss));
    PetscCall(VecResetArray(tr->x));
    PetscCall(VecResetArray(tr->target));
    sum += loss;
  }
  PetscCall(PetscLogStagePop());
  if (tr->group_rank) sum = 0.0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPIU_REAL, MPIU_SUM, tr->comm));
  *val_loss = sum / d->n;
  PetscFunctionReturn(0);
}

/* validation, the epoch's mean mini-batch loss into the history, the next epoch's order */
static PetscErrorCode EndEpoch(PdennTrainer tr)
{
  const PetscInt steps = StepsPerEpoch(tr);
  PetscReal      val, train = 0;

  PetscFunctionBeginUser;
  PetscCall(Validate(tr, &val));
  PetscCall(CheckValidationFinite(tr, val));
  for (PetscInt s = tr->step - steps; s < tr->step; s++) train += tr->step_loss[s];
  PetscCall(PdennTrainerRecordEpoch(tr, train / steps, val));
  tr->batch = 0;
  PetscCall(PdennShuffle(tr->seed, tr->epoch, tr->train.n, tr->perm));
  PetscFunctionReturn(0);
}

static PetscBool Finished(PdennTrainer tr)
{
  return (PetscBool)(tr->epoch >= tr->epochs || (tr->max_steps > 0 && tr->step >= tr->max_steps));
}

static PetscBool CheckpointDue(PdennTrainer tr, PetscBool epoch_end)
{
  const PetscBool by_step  = (PetscBool)(tr->checkpoint_every > 0 && tr->step % tr->checkpoint_every == 0);
  const PetscBool by_epoch = (PetscBool)(epoch_end && tr->checkpoint_every_epochs > 0 && tr->epoch % tr->checkpoint_every_epochs == 0);
  return (PetscBool)(by_step || by_epoch);
}

/* after the loop: the final state always goes to -checkpoint (unless it is there already) */
static PetscErrorCode Finish(PdennTrainer tr, PetscBool stop)
{
  const int sig = PdennStopSignalReceived();

  PetscFunctionBeginUser;
  if (tr->last_checkpoint_step != tr->step) PetscCall(PdennTrainerWriteCheckpoint(tr));
  tr->interrupted = stop;
  if (stop) {
    PetscCall(PetscPrintf(tr->comm, "pdenn_train: stopped by %s at epoch %" PetscInt_FMT ", step %" PetscInt_FMT "; resumable checkpoint written to '%s' (continue with -resume -checkpoint %s)\n", sig == SIGUSR1 ? "SIGUSR1" : sig == SIGTERM ? "SIGTERM"
                                                                                                                                                                                                                                                : "a signal on another rank",
                          tr->epoch, tr->step, tr->checkpoint, tr->checkpoint));
  } else {
    PetscCall(PetscPrintf(tr->comm, "pdenn_train: finished at epoch %" PetscInt_FMT ", step %" PetscInt_FMT ", last mini-batch loss %.6e; checkpoint '%s'\n", tr->epoch, tr->step, tr->step ? (double)tr->step_loss[tr->step - 1] : 0.0, tr->checkpoint));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerTrain(PdennTrainer tr)
{
  PetscBool     stop = PETSC_FALSE, epoch_end;
  PdennProgress progress;
  PetscInt      count;

  PetscFunctionBeginUser;
  PetscCheck(tr->setup, tr->comm, PETSC_ERR_ORDER, "call PdennTrainerSetUp before PdennTrainerTrain");
  PetscCall(PdennProgressStart(tr, &progress));
  while (!stop && !Finished(tr)) {
    PetscCall(Step(tr, &count, &stop));
    epoch_end = (PetscBool)(tr->batch == StepsPerEpoch(tr));
    if (epoch_end) PetscCall(EndEpoch(tr));
    PetscCall(PdennProgressLine(tr, &progress, count, epoch_end));
    if (!stop && CheckpointDue(tr, epoch_end)) PetscCall(PdennTrainerWriteCheckpoint(tr));
  }
  PetscCall(Finish(tr, stop));
  PetscCall(PdennStopSignalsRestore());
  tr->signals_installed = PETSC_FALSE;
  PetscFunctionReturn(0);
}
