/* Image and volume sets as training data (docs/hdf5_layout.md, "Image and volume sets";
   docs/training.md): a set's rank-3 (samples x H x W) or rank-4 (samples x D x H x W) datasets
   give the model's grid, and each rank of a batch group reads its owned box of every sample, as
   data.c keeps each rank's owned points of a signal. */
#include "trainpriv.h"
#include "../io/iopriv.h" /* src/io's collective reads on an open file (PdennH5OpenRead, PdennH5TransferBlock) */

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

/* The hyperslab of images [first, first + n) that this rank's box covers: HDF5's slowest axis
   first (sample, [z,] y, x), so that it lands in d's array as sample s at s * xm, each box in
   the natural order of the DMDA's local array. */
static PetscErrorCode BoxSlab(PdennTrainer tr, PetscInt first, PetscInt n, int *rank, hsize_t start[4], hsize_t count[4])
{
  DM       da;
  PetscInt s[3], m[3];

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(tr->x, &da));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  start[0] = (hsize_t)first;
  count[0] = (hsize_t)n;
  *rank    = 1;
  for (PetscInt a = tr->dim - 1; a >= 0; a--, (*rank)++) {
    start[*rank] = (hsize_t)s[a];
    count[*rank] = (hsize_t)m[a];
  }
  PetscFunctionReturn(0);
}

/* Images [first, first + d->n) of dataset `name` (shape checked by PdennTrainerImageSizes) into
   d's inputs or targets in one collective read, then each image checked finite (named by its
   pixel). */
static PetscErrorCode ReadDataset(PdennTrainer tr, const char key[], const char path[], hid_t dset, const char name[], PetscInt first, PdennTrainData *d, PetscBool target)
{
  Vec        v = target ? tr->target : tr->x, block;
  PetscReal *a = target ? d->target : d->input;
  hsize_t    start[4], count[4];
  int        rank = 0;

  PetscFunctionBeginUser;
  PetscCall(BoxSlab(tr, first, d->n, &rank, start, count));
  PetscCall(VecCreateMPIWithArray(tr->group_comm, 1, d->n * d->xm, PETSC_DECIDE, a, &block));
  PetscCall(PdennH5TransferBlock(dset, rank, start, count, block, PETSC_FALSE));
  PetscCall(VecDestroy(&block));
  for (PetscInt s = 0; s < d->n; s++) {
    PetscCall(VecPlaceArray(v, a + s * d->xm));
    PetscCall(PdennCheckFiniteImage(tr->group_comm, key, path, name, first + s, v));
    PetscCall(VecResetArray(v));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadFileDataset(PdennTrainer tr, const char key[], const char path[], hid_t file, const char name[], PetscInt first, PdennTrainData *d, PetscBool target)
{
  hsize_t        dims[H5S_MAX_RANK];
  hid_t          dset;
  int            rank;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5DatasetOpenFloat(tr->group_comm, key, path, file, name, NULL, &dset, &rank, dims));
  ierr = ReadDataset(tr, key, path, dset, name, first, d, target);
  if (ierr) (void)H5Dclose(dset);
  PetscCall(ierr);
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}

/* One open of the file and one read per dataset: PdennH5ReadImage would open and checksum the
   whole file for every image, quadratic in the set's size (1000 images of 64 x 64: > 8 minutes
   to load, against 4 s image by image from one open file). */
PetscErrorCode PdennTrainerImageRead(PdennTrainer tr, const char key[], const char path[], PetscInt first, PdennTrainData *d)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5OpenRead(tr->group_comm, key, path, &file));
  ierr = ReadFileDataset(tr, key, path, file, tr->input_name, first, d, PETSC_FALSE);
  if (!ierr) ierr = ReadFileDataset(tr, key, path, file, tr->target_name, first, d, PETSC_TRUE);
  if (ierr) (void)H5Fclose(file);
  PetscCall(ierr);
  PetscCall(PdennH5Close(&file));
  PetscFunctionReturn(0);
}
