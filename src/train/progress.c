/* Progress lines: epoch, step, losses, learning rate, throughput and an estimate of the time
   left. The only use of wall-clock time in training; it changes nothing that is computed. */
#include "trainpriv.h"

static PetscInt StepsPerEpoch(PdennTrainer tr)
{
  return (tr->train.n + tr->batch_size - 1) / tr->batch_size;
}

PetscErrorCode PdennProgressStart(PdennTrainer tr, PdennProgress *p)
{
  PetscFunctionBeginUser;
  p->t0      = MPI_Wtime();
  p->step0   = tr->step;
  p->samples = 0;
  p->total   = tr->epochs * StepsPerEpoch(tr);
  if (tr->max_steps > 0) p->total = PetscMin(p->total, tr->max_steps);
  PetscFunctionReturn(0);
}

static void Clock(double seconds, char buf[], size_t len)
{
  const long s = (long)(seconds + 0.5);
  snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
}

/* after each step (count: its mini-batch size); prints at epoch ends and every -train_print_every steps */
PetscErrorCode PdennProgressLine(PdennTrainer tr, PdennProgress *p, PetscInt count, PetscBool epoch_end)
{
  const double   elapsed = MPI_Wtime() - p->t0;
  const PetscInt done = tr->step - p->step0, left = PetscMax(p->total - tr->step, 0);
  /* the rate of the step just taken (its epoch is the previous one after an epoch end) */
  const PetscReal lr = PdennLearningRate(&tr->opt_params, epoch_end ? tr->epoch - 1 : tr->epoch, tr->step - 1, tr->epochs * StepsPerEpoch(tr));
  char            eta[32];
  double          rate;

  PetscFunctionBeginUser;
  p->samples += count;
  rate = elapsed > 0 ? (double)p->samples / elapsed : 0.0;
  if (!epoch_end && !(tr->print_every > 0 && tr->step % tr->print_every == 0)) PetscFunctionReturn(0);
  Clock(done > 0 ? elapsed * (double)left / (double)done : 0.0, eta, sizeof(eta));
  if (epoch_end) {
    PetscCall(PetscPrintf(tr->comm, "epoch %" PetscInt_FMT "/%" PetscInt_FMT "  step %" PetscInt_FMT "  loss %.6e  val_loss %.6e  lr %.3e  %.4g samples/s  ETA %s\n", tr->epoch, tr->epochs, tr->step, (double)tr->train_loss[tr->epoch - 1], (double)tr->val_loss[tr->epoch - 1], (double)lr, rate, eta));
  } else {
    PetscCall(PetscPrintf(tr->comm, "  epoch %" PetscInt_FMT "  step %" PetscInt_FMT "  batch loss %.6e  lr %.3e  %.4g samples/s  ETA %s\n", tr->epoch + 1, tr->step, (double)tr->step_loss[tr->step - 1], (double)lr, rate, eta));
  }
  PetscFunctionReturn(0);
}
