/* The trainer through its library API on generated signals (PdennTrainerSetSignals, no file):
   the run takes the expected number of steps and epochs, and training lowers the validation
   loss (by more than 25% in 3 epochs at this rate: an update with a wrong sign or a lost
   gradient would not). Then a set-up that fails must leave the process's signal handlers as
   they were. Run at 1 and 2 ranks. */
#include <pdenn/core.h>
#include <pdenn/train.h>
#include <signal.h>

static PetscErrorCode Run(void)
{
  PdennTrainer      tr;
  PdennSignalParams p;
  PdennCheckpoint   ck;
  PetscInt          epoch, step;
  PetscBool         interrupted;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertString(NULL, "-train_epochs 3 -train_batch_size 4 -train_lr 0.02 -checkpoint train_api.h5 -force -checkpoint_every_epochs 0"));
  PetscCall(PdennSignalParamsDefault(&p));
  p.N = 32;
  PetscCall(PdennTrainerCreate(PETSC_COMM_WORLD, &tr));
  PetscCall(PdennTrainerSetFromOptions(tr));
  PetscCall(PdennTrainerSetSignals(tr, &p, 12, 4));
  PetscCall(PdennTrainerSetUp(tr));
  PetscCall(PdennTrainerTrain(tr));
  PetscCall(PdennTrainerGetProgress(tr, &epoch, &step, &interrupted));
  PetscCheck(epoch == 3 && step == 9 && !interrupted, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "ended at epoch %" PetscInt_FMT ", step %" PetscInt_FMT "; expected 3 epochs of 3 steps", epoch, step);
  PetscCall(PdennTrainerDestroy(&tr));
  PetscCall(PdennCheckpointRead(PETSC_COMM_WORLD, "-checkpoint", "train_api.h5", &ck));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "validation loss: epoch 1 %.6e, epoch 3 %.6e\n", (double)ck.val_loss[0], (double)ck.val_loss[2]));
  PetscCheck(ck.epoch == 3 && ck.val_loss[2] < 0.75 * ck.val_loss[0], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "validation loss did not fall by 25%%");
  PetscCall(PdennCheckpointFree(&ck));
  PetscFunctionReturn(0);
}

/* A set-up that fails after installing the stop-signal handlers (a missing -train_data is
   found after them) must not leave them behind: PdennTrainerDestroy restores what was there. */
static PetscErrorCode FailedSetUpRestoresSignals(void)
{
  const int        sigs[2] = {SIGUSR1, SIGTERM};
  struct sigaction before[2], after[2];
  PdennTrainer     tr;
  PetscErrorCode   ierr;

  PetscFunctionBeginUser;
  for (int i = 0; i < 2; i++) PetscCheck(!sigaction(sigs[i], NULL, &before[i]), PETSC_COMM_SELF, PETSC_ERR_SYS, "sigaction failed");
  PetscCall(PetscOptionsSetValue(NULL, "-train_data", "train_api_no_such_file.h5"));
  PetscCall(PdennTrainerCreate(PETSC_COMM_WORLD, &tr));
  PetscCall(PdennTrainerSetFromOptions(tr));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); /* the expected error, quietly */
  ierr = PdennTrainerSetUp(tr);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PDENN_ERR_INPUT, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "PdennTrainerSetUp with a missing -train_data returned %d; expected the user error %d", (int)ierr, (int)PDENN_ERR_INPUT);
  PetscCall(PdennTrainerDestroy(&tr));
  PetscCall(PetscOptionsClearValue(NULL, "-train_data"));
  for (int i = 0; i < 2; i++) {
    PetscCheck(!sigaction(sigs[i], NULL, &after[i]), PETSC_COMM_SELF, PETSC_ERR_SYS, "sigaction failed");
    PetscCheck(after[i].sa_handler == before[i].sa_handler && after[i].sa_flags == before[i].sa_flags, PETSC_COMM_SELF, PETSC_ERR_PLIB, "signal %d: the trainer's stop handler is still installed after a failed PdennTrainerSetUp and PdennTrainerDestroy", sigs[i]);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "failed set-up: SIGUSR1 and SIGTERM handlers restored\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, NULL));
  ierr = Run();
  if (!ierr) ierr = FailedSetUpRestoresSignals();
  return PdennFinalize(ierr);
}
