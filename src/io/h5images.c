/* HDF5 images and volumes on 2D/3D DMDAs (docs/hdf5_layout.md, "Image and volume sets"): a
   dataset samples x H x W or samples x D x H x W is the DMDA's natural order, so the box a rank
   owns, [zs, ze) x [ys, ye) x [xs, xe), is one hyperslab that lands in its local array as is. */
#include "iopriv.h"

static const char image_layouts[] = "H x W (one image), samples x H x W (2D images), D x H x W (one volume, with -dim 3) or samples x D x H x W (volumes), floating point";

PetscErrorCode PdennVecImageDM(Vec v, DM *da)
{
  PetscBool is_da = PETSC_FALSE;
  PetscInt  dim   = 0;

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(v, da));
  if (*da) PetscCall(PetscObjectTypeCompare((PetscObject)*da, DMDA, &is_da));
  if (is_da) PetscCall(DMGetDimension(*da, &dim));
  if (dim < 2) *da = NULL;
  PetscFunctionReturn(0);
}

/* The grid of an image Vec: dim and M = {W, H, D}, refusing what is not one. */
static PetscErrorCode ImageGrid(Vec v, DM *da, PetscInt *dim, PetscInt M[3])
{
  PetscInt dof;

  PetscFunctionBeginUser;
  PetscCall(PdennVecImageDM(v, da));
  PetscCheck(*da, PetscObjectComm((PetscObject)v), PETSC_ERR_ARG_WRONG, "an image Vec must come from a DMDA of dimension 2 or 3");
  PetscCall(DMDAGetInfo(*da, dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dof == 1, PetscObjectComm((PetscObject)v), PETSC_ERR_ARG_WRONG, "an image Vec has one value per pixel, this DMDA %" PetscInt_FMT, dof);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5TransferImage(hid_t dset, PetscInt sample, Vec v, PetscBool write)
{
  DM       da;
  PetscInt dim, M[3], s[3], m[3];
  hsize_t  start[4], count[4];
  int      rank = 0;

  PetscFunctionBeginUser;
  PetscCall(ImageGrid(v, &da, &dim, M));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  if (sample >= 0) {
    start[rank]   = (hsize_t)sample;
    count[rank++] = 1;
  }
  for (PetscInt a = dim - 1; a >= 0; a--) { /* HDF5's slowest axis first: [D,] H, W */
    start[rank]   = (hsize_t)s[a];
    count[rank++] = (hsize_t)m[a];
  }
  PetscCall(PdennH5TransferBlock(dset, rank, start, count, v, write));
  PetscFunctionReturn(0);
}

/* "64 x 48 (H x W)" or "8 x 64 x 48 (D x H x W)" */
static PetscErrorCode ShapeText(PetscInt dim, const PetscInt M[3], char text[], size_t len)
{
  PetscFunctionBeginUser;
  if (dim == 2)
    PetscCall(PetscSNPrintf(text, len, "%" PetscInt_FMT " x %" PetscInt_FMT " (H x W)", M[1], M[0]));
  else
    PetscCall(PetscSNPrintf(text, len, "%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (D x H x W)", M[2], M[1], M[0]));
  PetscFunctionReturn(0);
}

/* What a dataset of shape dims[0 .. rank) holds (the rule of docs/hdf5_layout.md): rank 2 one
   image; rank 4 samples of volumes; rank 3 samples of 2D images, unless want_dim is 3, then one
   volume. want_dim 0 takes the dimension from the rank. *stacked: whether axis 0 is samples. */
static PetscErrorCode ImageShapeOf(MPI_Comm comm, const char key[], const char path[], const char name[], int rank, const hsize_t dims[], PetscInt want_dim, PetscInt *dim, PetscInt *samples, PetscInt M[3], PetscBool *stacked)
{
  PetscFunctionBeginUser;
  PetscCheck(rank >= 2 && rank <= 4, comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' has %d dimension%s; expected %s", key, name, path, rank, rank == 1 ? "" : "s", image_layouts);
  *dim = want_dim ? want_dim : (rank == 4 ? 3 : 2);
  PetscCheck(*dim == 2 || *dim == 3, comm, PDENN_ERR_INPUT, "key %s: images have 2 or 3 dimensions, not %" PetscInt_FMT " (key -dim)", key, *dim);
  PetscCheck(rank >= *dim && rank <= *dim + 1, comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' has %d dimensions, which do not hold %" PetscInt_FMT "D data (key -dim); expected %s", key, name, path, rank, *dim, image_layouts);
  *stacked = (PetscBool)(rank == *dim + 1);
  *samples = *stacked ? (PetscInt)dims[0] : 1;
  M[2]     = 1;
  for (PetscInt a = 0; a < *dim; a++) {
    hsize_t n = dims[rank - 1 - a];
    PetscCheck(n >= 1 && n <= (hsize_t)PETSC_MAX_INT, comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' has an axis of %llu points; expected 1 to %" PetscInt_FMT, key, name, path, (unsigned long long)n, (PetscInt)PETSC_MAX_INT);
    M[a] = (PetscInt)n;
  }
  PetscCheck(!*stacked || (dims[0] >= 1 && dims[0] <= (hsize_t)PETSC_MAX_INT), comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' holds %llu samples; expected 1 to %" PetscInt_FMT, key, name, path, (unsigned long long)dims[0], (PetscInt)PETSC_MAX_INT);
  PetscFunctionReturn(0);
}

/* Opens the dataset of an open file and interprets its shape; on error nothing stays open but
   the file. */
static PetscErrorCode ImageDatasetOpen(MPI_Comm comm, const char key[], const char path[], hid_t file, const char name[], PetscInt want_dim, hid_t *dset, PetscInt *dim, PetscInt *samples, PetscInt M[3], PetscBool *stacked)
{
  hsize_t        dims[H5S_MAX_RANK];
  int            rank;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5DatasetOpenFloat(comm, key, path, file, name, image_layouts, dset, &rank, dims));
  ierr = ImageShapeOf(comm, key, path, name, rank, dims, want_dim, dim, samples, M, stacked);
  if (ierr) (void)H5Dclose(*dset);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5ImageShape(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt want_dim, PetscInt *dim, PetscInt *samples, PetscInt M[3])
{
  hid_t          file, dset = -1;
  PetscBool      stacked;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5OpenRead(comm, key, path, &file));
  ierr = ImageDatasetOpen(comm, key, path, file, dataset, want_dim, &dset, dim, samples, M, &stacked);
  if (!ierr) ierr = PdennH5Close(&dset);
  (void)H5Fclose(file);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The dataset's images against the grid of u, and the sample against the dataset. */
static PetscErrorCode CheckImage(MPI_Comm comm, const char key[], const char path[], const char name[], PetscInt dim, const PetscInt M[3], PetscInt samples, PetscBool stacked, PetscInt sample, Vec u)
{
  DM       da;
  PetscInt gdim, G[3];
  char     have[96], want[96];

  PetscFunctionBeginUser;
  PetscCall(ImageGrid(u, &da, &gdim, G));
  PetscCall(ShapeText(dim, M, have, sizeof(have)));
  PetscCall(ShapeText(gdim, G, want, sizeof(want)));
  PetscCheck(M[0] == G[0] && M[1] == G[1] && (dim == 2 || M[2] == G[2]), comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' holds images of %s, but the grid is %s (keys -N, -Nx, -Ny, -Nz); expected the same shape", key, name, path, have, want);
  PetscCheck(!stacked || (sample >= 0 && sample < samples), comm, PDENN_ERR_INPUT, "key %s_sample: sample %" PetscInt_FMT " does not exist in dataset '%s' of file '%s'; expected an integer in [0, %" PetscInt_FMT "]", key, sample, name, path, samples - 1);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadImageDataset(MPI_Comm comm, const char key[], const char path[], hid_t file, const char name[], PetscInt sample, Vec u)
{
  DM             da;
  PetscInt       gdim, G[3], dim, samples, M[3];
  PetscBool      stacked;
  hid_t          dset;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(ImageGrid(u, &da, &gdim, G));
  PetscCall(ImageDatasetOpen(comm, key, path, file, name, gdim, &dset, &dim, &samples, M, &stacked));
  ierr = CheckImage(comm, key, path, name, dim, M, samples, stacked, sample, u);
  if (!ierr) ierr = PdennH5TransferImage(dset, stacked ? sample : -1, u, PETSC_FALSE);
  if (!ierr) ierr = PdennCheckFiniteImage(comm, key, path, name, stacked ? sample : -1, u);
  if (ierr) (void)H5Dclose(dset);
  PetscCall(ierr);
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5ReadImage(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec u)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5OpenRead(comm, key, path, &file));
  ierr = ReadImageDataset(comm, key, path, file, dataset, sample, u);
  if (ierr) (void)H5Fclose(file);
  PetscCall(ierr);
  PetscCall(PdennH5Close(&file));
  PetscFunctionReturn(0);
}
