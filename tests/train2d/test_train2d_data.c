/* The trainer's image data (src/train/data_images.c) without a model: an image set of 10 images
   of 12 x 20 (H x W; not square, so a swap of the axes shows) is written, the trainer finds its
   dimension and grid, and every rank of every batch group holds exactly (bitwise) the box it
   owns of each training and validation image: noisy as input, clean as target, in the
   generator's values. The same from generated images (PdennTrainerSetImages). Run at 1, 2 and 4
   ranks in every layout (-train_space_ranks, -da_processors_x/y from the command line). The
   test reaches into the trainer (trainpriv.h) because the data are private to it. */
#include <pdenn/core.h>
#include <pdenn/train.h>
#include "../../src/train/trainpriv.h"

#define NX 20
#define NY 12
#define NSAMPLES 10

/* d's sample s (of the set) against the generator, on this rank's box */
static PetscErrorCode CheckSample(PdennTrainer tr, const PdennImageParams *p, const PdennTrainData *d, PetscInt s, PetscInt first, Vec clean, Vec noisy)
{
  const PetscReal *c, *n;
  PetscInt         xm;

  PetscFunctionBeginUser;
  PetscCall(PdennImageFill(p, first + s, clean, noisy));
  PetscCall(VecGetLocalSize(clean, &xm));
  PetscCheck(xm == d->xm, PETSC_COMM_SELF, PETSC_ERR_PLIB, "rank %d holds %" PetscInt_FMT " pixels per sample, owns %" PetscInt_FMT, (int)tr->rank, d->xm, xm);
  PetscCall(VecGetArrayRead(clean, &c));
  PetscCall(VecGetArrayRead(noisy, &n));
  for (PetscInt i = 0; i < xm; i++) {
    PetscCheck(d->target[s * xm + i] == c[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "rank %d sample %" PetscInt_FMT " pixel %" PetscInt_FMT ": target %g, clean image %g", (int)tr->rank, first + s, i, (double)d->target[s * xm + i], (double)c[i]);
    PetscCheck(d->input[s * xm + i] == n[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "rank %d sample %" PetscInt_FMT " pixel %" PetscInt_FMT ": input %g, noisy image %g", (int)tr->rank, first + s, i, (double)d->input[s * xm + i], (double)n[i]);
  }
  PetscCall(VecRestoreArrayRead(clean, &c));
  PetscCall(VecRestoreArrayRead(noisy, &n));
  PetscFunctionReturn(0);
}

/* A trainer (file or generated data) loaded onto a 2D DMDA of its group, checked sample by sample */
static PetscErrorCode LoadAndCheck(const PdennImageParams *p, const PetscInt M[3], PetscBool generated)
{
  PdennTrainer tr;
  PetscInt     ntrain, nval;
  DM           da;
  Vec          clean, noisy;

  PetscFunctionBeginUser;
  PetscCall(PdennTrainerCreate(PETSC_COMM_WORLD, &tr));
  PetscCall(PdennTrainerSetFromOptions(tr));
  if (generated) PetscCall(PdennTrainerSetImages(tr, p, 2, M, 8, 2));
  PetscCall(PdennTrainerDataSizes(tr, &ntrain, &nval));
  PetscCheck(tr->dim == 2 && tr->M[0] == NX && tr->M[1] == NY && tr->M[2] == 1 && tr->N == NX * NY, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "grid dim %" PetscInt_FMT " M %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT "; expected 2D, %d x %d x 1", tr->dim, tr->M[0], tr->M[1], tr->M[2], NX, NY);
  PetscCheck(ntrain == 8 && nval == 2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%" PetscInt_FMT " training and %" PetscInt_FMT " validation images; expected 8 and 2", ntrain, nval);
  PetscCall(PdennDMDACreate(tr->group_comm, 2, tr->M, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &tr->x));
  PetscCall(VecDuplicate(tr->x, &tr->target));
  PetscCall(PdennTrainerLoadData(tr, ntrain, nval));
  PetscCall(VecDuplicate(tr->x, &clean));
  PetscCall(VecDuplicate(tr->x, &noisy));
  for (PetscInt s = 0; s < ntrain; s++) PetscCall(CheckSample(tr, p, &tr->train, s, 0, clean, noisy));
  for (PetscInt s = 0; s < nval; s++) PetscCall(CheckSample(tr, p, &tr->val, s, ntrain, clean, noisy));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: %" PetscInt_FMT " x %" PetscInt_FMT " images, %" PetscInt_FMT " + %" PetscInt_FMT " samples, %" PetscInt_FMT " batch groups of %" PetscInt_FMT ": every rank holds its box bitwise\n", generated ? "generated" : "file", tr->M[1], tr->M[0], ntrain, nval, tr->ngroups, tr->space_ranks));
  PetscCall(VecDestroy(&clean));
  PetscCall(VecDestroy(&noisy));
  PetscCall(DMDestroy(&da));
  PetscCall(PdennTrainerDestroy(&tr));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const PetscInt   M[3] = {NX, NY, 1};
  PdennImageParams p;
  PetscMPIInt      size;
  char             path[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscSNPrintf(path, sizeof(path), "train2d_data_np%d.h5", (int)size));
  PetscCall(PdennImageParamsDefault(&p));
  p.samples = NSAMPLES;
  PetscCall(PdennImageSetWrite(PETSC_COMM_WORLD, "-images_output", path, &p, M, 2, PETSC_TRUE));
  PetscCall(PetscOptionsSetValue(NULL, "-train_data", path));
  PetscCall(PetscOptionsSetValue(NULL, "-train_val_fraction", "0.2"));
  PetscCall(LoadAndCheck(&p, M, PETSC_FALSE));
  PetscCall(PetscOptionsClearValue(NULL, "-train_data"));
  PetscCall(LoadAndCheck(&p, M, PETSC_TRUE));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
