/* The main job on images (dim 2): image sets of docs/hdf5_layout.md ("Image and volume sets",
   samples x H x W in natural order, e.g. from apps/pdenn_images.py patches) are the data; each
   image is a row of N = W H values in natural order, so the tables, errors and outputs of the
   1D code serve it unchanged. The grid's dimension and size come from the given files. */
#include "compareh5.h"

/* The rank of dataset "clean" of a file, 0 where it cannot be read (the readers then say why). */
static int CleanRank(const char path[], hsize_t dims[3])
{
  hid_t file, dset = -1, space = -1;
  int   rank = 0;

  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) return 0;
  if ((dset = H5Dopen2(file, "clean", H5P_DEFAULT)) >= 0 && (space = H5Dget_space(dset)) >= 0) {
    rank = H5Sget_simple_extent_ndims(space);
    if (rank < 1 || rank > 3 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) rank = 0;
  }
  if (space >= 0) (void)H5Sclose(space);
  if (dset >= 0) (void)H5Dclose(dset);
  (void)H5Fclose(file);
  return rank;
}

static PetscErrorCode SetDefault(const char key[], PetscInt value)
{
  char      text[32];
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, key, &set));
  if (set) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(text, sizeof(text), "%" PetscInt_FMT, value));
  PetscCall(PetscOptionsSetValue(NULL, key, text));
  PetscFunctionReturn(0);
}

/* Before the grid reads its keys: a given set whose "clean" is samples x H x W makes the grid 2D
   of that size unless the deck says otherwise (-dim, -Nx, -Ny; a grid that then differs from the
   files is refused by PdennCompareCheckData, naming both shapes). The test set decides, else
   the first given one. */
PetscErrorCode PdennCompareDetectDim(PdennCompare cmp)
{
  const PdennSplit order[3]                 = {PDENN_SPLIT_TEST, PDENN_SPLIT_TRAIN, PDENN_SPLIT_VAL};
  char             path[PETSC_MAX_PATH_LEN] = "", key[64];
  hsize_t          dims[3]                  = {0, 0, 0};
  PetscInt         info[3]                  = {0, 0, 0};
  PetscBool        set;

  PetscFunctionBeginUser;
  for (int i = 0; i < 3 && !path[0]; i++) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "-compare_%s_data", PdennSplits[order[i]]));
    PetscCall(PetscOptionsGetString(NULL, NULL, key, path, sizeof(path), &set));
  }
  if (!path[0]) PetscFunctionReturn(0);
  if (!cmp->rank && CleanRank(path, dims) == 3) {
    info[0] = 1;
    info[1] = (PetscInt)dims[2];
    info[2] = (PetscInt)dims[1];
  }
  PetscCallMPI(MPI_Bcast(info, 3, MPIU_INT, 0, cmp->comm));
  if (!info[0]) PetscFunctionReturn(0);
  PetscCall(SetDefault("-dim", 2));
  PetscCall(SetDefault("-Nx", info[1]));
  PetscCall(SetDefault("-Ny", info[2]));
  PetscFunctionReturn(0);
}

/* A given image set: "clean" and "noisy" of the grid's H x W, finite (read once by all ranks
   together: PdennH5ReadImage names the first NaN by pixel). Returns its sample count. */
PetscErrorCode PdennCompareCheckGivenImages(PdennCompare cmp, const char key[], const char path[], PetscInt *samples)
{
  const char *names[2] = {"clean", "noisy"};
  PetscInt    dim, n[2], M[3];
  Vec         v;

  PetscFunctionBeginUser;
  for (int d = 0; d < 2; d++) {
    PetscCall(PdennH5ImageShape(cmp->comm, key, path, names[d], cmp->pde->dim, &dim, &n[d], M));
    PetscCheck(M[0] == cmp->pde->M[0] && M[1] == cmp->pde->M[1], cmp->comm, PDENN_ERR_INPUT, "key %s: file '%s' dataset '%s' holds images of H x W = %" PetscInt_FMT " x %" PetscInt_FMT ", but the grid is %" PetscInt_FMT " x %" PetscInt_FMT " (-Ny x -Nx, taken from -compare_test_data unless given); expected train, validation and test images of one size", key, path, names[d], M[1], M[0], cmp->pde->M[1], cmp->pde->M[0]);
  }
  PetscCheck(n[0] == n[1], cmp->comm, PDENN_ERR_INPUT, "key %s: file '%s' holds %" PetscInt_FMT " clean but %" PetscInt_FMT " noisy images; expected the same number", key, path, n[0], n[1]);
  PetscCall(DMCreateGlobalVector(cmp->pde->da, &v));
  for (int d = 0; d < 2; d++)
    for (PetscInt k = 0; k < n[0]; k++) PetscCall(PdennH5ReadImage(cmp->comm, key, path, names[d], k, v));
  PetscCall(VecDestroy(&v));
  *samples = n[0];
  PetscFunctionReturn(0);
}

/* Datasets of a file read by the calling rank alone (the file was checked before). */
static PetscErrorCode ReadRows(const char path[], PetscInt ndata, const char *names[], PetscInt n, PetscInt N, PetscReal *rows[])
{
  hid_t file = -1;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5OpenRead(path, &file));
  for (PetscInt d = 0; d < ndata; d++) {
    PetscInt   r, c;
    PetscReal *a;
    PetscCall(PdennCompareH5ReadArray(file, names[d], &r, &c, &a));
    PetscCheck(r == n && c == N, PETSC_COMM_SELF, PDENN_ERR_INPUT, "file '%s' dataset '%s': %" PetscInt_FMT " images of %" PetscInt_FMT " pixels, expected %" PetscInt_FMT " of %" PetscInt_FMT, path, names[d], r, c, n, N);
    PetscCall(PetscArraycpy(rows[d], a, n * N));
    PetscCall(PetscFree(a));
  }
  PetscCall(PdennH5Close(&file));
  PetscFunctionReturn(0);
}

/* Input and target rows of an image set on rank 0: every rank reads the set, makes the targets
   of its share of images on its own grid (pde_self), and the shares are summed. */
PetscErrorCode PdennCompareTaskRowsImages(PdennCompare cmp, const char path[], PetscInt n, PetscReal input[], PetscReal target[])
{
  const char    *names[2] = {"clean", "noisy"};
  const PetscInt N        = cmp->pde->N;
  PetscReal     *rows[2];
  Vec            in, tgt;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n * N, &rows[0], n * N, &rows[1]));
  PetscCall(ReadRows(path, 2, names, n, N, rows));
  PetscCall(DMCreateGlobalVector(cmp->pde_self->da, &in));
  PetscCall(VecDuplicate(in, &tgt));
  for (PetscInt k = cmp->rank; k < n; k += cmp->size) {
    Vec clean;
    PetscCall(VecDuplicate(in, &clean));
    PetscCall(PdennRowsToVec(rows[0] + k * N, clean));
    PetscCall(PdennRowsToVec(rows[cmp->input_clean ? 0 : 1] + k * N, in));
    PetscCall(PdennCompareTarget(cmp, clean, in, tgt));
    PetscCall(PdennRowsAddVec(tgt, target + k * N));
    PetscCall(VecDestroy(&clean));
  }
  if (!cmp->rank) PetscCall(PetscArraycpy(input, rows[cmp->input_clean ? 0 : 1], n * N));
  PetscCall(VecDestroy(&tgt));
  PetscCall(VecDestroy(&in));
  PetscCall(PetscFree2(rows[0], rows[1]));
  PetscCall(PdennRowsReduce(cmp->comm, n * N, target));
  PetscFunctionReturn(0);
}

/* The test images on every rank: input, target, clean and noisy rows. */
PetscErrorCode PdennCompareLoadTestImages(PdennCompare cmp)
{
  const char *names[4] = {"input", "target", "clean", "noisy"};
  PetscReal  *rows[4]  = {cmp->test_input, cmp->test_target, cmp->test_clean, cmp->test_noisy};

  PetscFunctionBeginUser;
  PetscCall(ReadRows(cmp->data_path[PDENN_SPLIT_TEST], 4, names, cmp->ntest, cmp->N, rows));
  PetscFunctionReturn(0);
}

/* Stress images: clean + stress_sigma G(seed + 3, k, i), G the signals' standard Gaussian
   (PdennSignalNoise) at the pixel's natural index i. */
PetscErrorCode PdennCompareMakeStressImages(PdennCompare cmp)
{
  const PetscInt N = cmp->N, n = cmp->ntest;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(n * N, &cmp->stress_input));
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt i = 0; i < N; i++) cmp->stress_input[k * N + i] = cmp->test_clean[k * N + i] + cmp->stress_sigma * PdennSignalNoise(cmp->signals.seed + 3, k, i);
  PetscFunctionReturn(0);
}

/* RMS over all pixels of all images of |K u| (order 1: the forward-difference gradient, zero
   component at the last row/column; order 2: the Laplacian with the half-sample mirror), the
   gradient scale the deck's -lambda is compared with. */
PetscReal PdennCompareImageGradRMS(PetscInt rows, const PetscInt M[], PetscInt order, PetscReal h, const PetscReal u[])
{
  const PetscInt W = M[0], H = M[1], N = W * H;
  PetscReal      sum = 0.0;

  for (PetscInt r = 0; r < rows; r++) {
    const PetscReal *a = u + r * N;
    for (PetscInt y = 0; y < H; y++)
      for (PetscInt x = 0; x < W; x++) {
        const PetscReal c = a[x + W * y];
        if (order == 1) {
          const PetscReal dx = x + 1 < W ? (a[x + 1 + W * y] - c) / h : 0.0, dy = y + 1 < H ? (a[x + W * (y + 1)] - c) / h : 0.0;
          sum += dx * dx + dy * dy;
        } else {
          const PetscReal l = a[(x > 0 ? x - 1 : x) + W * y] + a[(x + 1 < W ? x + 1 : x) + W * y] + a[x + W * (y > 0 ? y - 1 : y)] + a[x + W * (y + 1 < H ? y + 1 : y)] - 4.0 * c;
          sum += l * l / (h * h * h * h);
        }
      }
  }
  return rows > 0 ? PetscSqrtReal(sum / (rows * N)) : 0.0;
}

PetscErrorCode PdennCompareH5WriteRows(PdennCompare cmp, hid_t loc, const char name[], PetscInt rows, const PetscReal data[])
{
  PetscFunctionBeginUser;
  if (cmp->pde->dim == 1)
    PetscCall(PdennCompareH5WriteArray(loc, name, (hsize_t)rows, (hsize_t)cmp->pde->N, data));
  else
    PetscCall(PdennCompareH5WriteImages(loc, name, (hsize_t)rows, cmp->pde->M, data));
  PetscFunctionReturn(0);
}
