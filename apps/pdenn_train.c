/* pdenn_train: trains a network of nn.h on an HDF5 signal set, or an image or volume set (noisy
   input, clean target by default; the set's dimension picks the model's grid), data-parallel
   over batch groups and spatially parallel within each, with atomic HDF5 checkpoints, -resume,
   and a clean stop on SIGUSR1/SIGTERM for Slurm requeue.
   Keys: docs/training.md; checkpoint layout: docs/checkpoints.md. */
#include <pdenn/pdenn.h>
#include <pdenn/train.h>

static const char usage[] = "pdenn_train: trains a pdenn network on an HDF5 signal set (pdenn_signals) or image set (pdenn_signals -dim 2, apps/pdenn_images.py).\n"
                            "Usage: mpiexec -n <ranks> pdenn_train -options_file <deck> -train_data <set.h5> [-checkpoint <file>] [-resume] [-key value ...]\n";

static PetscErrorCode Run(void)
{
  MPI_Comm     comm = PETSC_COMM_WORLD;
  PdennTrainer tr;
  PdennModel   model;
  PetscBool    help;
  PetscInt     space, groups;

  PetscFunctionBeginUser;
  PetscCall(PdennTrainerCreate(comm, &tr));
  PetscCall(PdennTrainerSetFromOptions(tr));
  PetscCall(PdennHelpRequested(&help));
  if (help) {
    PetscCall(PdennTrainerDestroy(&tr));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennTrainerSetUp(tr));
  PetscCall(PdennDeckCheckUnused(comm));
  PetscCall(PdennTrainerGetModel(tr, &model));
  PetscCall(PdennTrainerGetLayout(tr, &space, &groups));
  PetscCall(PdennModelView(model, PETSC_VIEWER_STDOUT_WORLD));
  PetscCall(PetscPrintf(comm, "pdenn_train: %" PetscInt_FMT " batch groups x %" PetscInt_FMT " ranks in space\n", groups, space));
  PetscCall(PdennTrainerTrain(tr));
  PetscCall(PdennTrainerDestroy(&tr));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, usage)) return 1;
  return PdennFinalize(Run());
}
