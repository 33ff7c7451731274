/* The trainer through its library API on generated signals (PdennTrainerSetSignals, no file):
   the run takes the expected number of steps and epochs, and training lowers the validation
   loss (by more than 25% in 3 epochs at this rate: an update with a wrong sign or a lost
   gradient would not). Run at 1 and 2 ranks. */
#include <pdenn/core.h>
#include <pdenn/train.h>

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

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
