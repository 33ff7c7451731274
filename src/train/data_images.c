/* Image and volume sets as training data (docs/hdf5_layout.md, "Image and volume sets";
   docs/training.md): a set's rank-3 (samples x H x W) or rank-4 (samples x D x H x W) datasets
   give the model's grid, and each rank of a batch group reads its owned box of every sample
   (PdennH5ReadImage), as data.c keeps each rank's owned points of a signal. */
#include "trainpriv.h"

/* The rank of dataset `dataset` of an HDF5 file, -1 when there is none; HDF5 quiet, its error
   printing restored after. path has passed PdennInputFileCheck (checksum, HDF5 signature), so
   HDF5 never parses a damaged file here. */
static int DatasetRank(const char path[], const char dataset[])
{
  H5E_auto2_t func;
  void       *data;
  hid_t       file, dset, space;
  int         rank = -1;

  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file >= 0 && H5Lexists(file, dataset, H5P_DEFAULT) > 0 && (dset = H5Dopen2(file, dataset, H5P_DEFAULT)) >= 0) {
    if ((space = H5Dget_space(dset)) >= 0) {
      rank = H5Sget_simple_extent_ndims(space);
      H5Sclose(space);
    }
    H5Dclose(dset);
  }
  if (file >= 0) H5Fclose(file);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  return rank;
}

PetscErrorCode PdennTrainerDataDim(PdennTrainer tr, const char key[], const char path[], const char dataset[], PetscInt *dim)
{
  int rank = -1;

  PetscFunctionBeginUser;
  PetscCall(PdennInputFileCheck(tr->comm, key, path)); /* the message the signal reader would give */
  if (!tr->rank) rank = DatasetRank(path, dataset);
  PetscCallMPI(MPI_Bcast(&rank, 1, MPI_INT, 0, tr->comm));
  *dim = (rank == 3 || rank == 4) ? rank - 1 : 1;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerGridText(PetscInt dim, const PetscInt M[3], char text[], size_t len)
{
  PetscFunctionBeginUser;
  if (dim <= 1)
    PetscCall(PetscSNPrintf(text, len, "1D signals of N = %" PetscInt_FMT, M[0]));
  else if (dim == 2)
    PetscCall(PetscSNPrintf(text, len, "2D images of %" PetscInt_FMT " x %" PetscInt_FMT " (H x W)", M[1], M[0]));
  else
    PetscCall(PetscSNPrintf(text, len, "3D volumes of %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (D x H x W)", M[2], M[1], M[0]));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerImageSizes(PdennTrainer tr, const char key[], const char path[], PetscInt dim, PetscInt M[3], PetscInt *samples)
{
  PetscInt d, tdim, tsamples, T[3];
  char     in[96], target[96];

  PetscFunctionBeginUser;
  PetscCall(PdennH5ImageShape(tr->comm, key, path, tr->input_name, dim, &d, samples, M));
  PetscCall(PdennH5ImageShape(tr->comm, key, path, tr->target_name, dim, &tdim, &tsamples, T));
  PetscCall(PdennTrainerGridText(d, M, in, sizeof(in)));
  PetscCall(PdennTrainerGridText(tdim, T, target, sizeof(target)));
  PetscCheck(M[0] == T[0] && M[1] == T[1] && M[2] == T[2] && *samples == tsamples, tr->comm, PDENN_ERR_INPUT, "key %s: file '%s' holds %" PetscInt_FMT " %s in dataset '%s' (-train_input_dataset) but %" PetscInt_FMT " %s in dataset '%s' (-train_target_dataset); expected the same count and shape", key, path, *samples, in, tr->input_name, tsamples, target, tr->target_name);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerImageRead(PdennTrainer tr, const char key[], const char path[], PetscInt first, PdennTrainData *d)
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < d->n; s++) {
    PetscCall(VecPlaceArray(tr->x, d->input + s * d->xm));
    PetscCall(VecPlaceArray(tr->target, d->target + s * d->xm));
    PetscCall(PdennH5ReadImage(tr->group_comm, key, path, tr->input_name, first + s, tr->x));
    PetscCall(PdennH5ReadImage(tr->group_comm, key, path, tr->target_name, first + s, tr->target));
    PetscCall(VecResetArray(tr->x));
    PetscCall(VecResetArray(tr->target));
  }
  PetscFunctionReturn(0);
}
