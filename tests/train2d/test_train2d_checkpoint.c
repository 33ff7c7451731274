/* The data's grid in checkpoint files (docs/checkpoints.md), without a model: a checkpoint of 2D
   data (16 x 4, W x H) records dim, W, H, D as int64 attributes of / (read here with plain HDF5,
   as h5py would) and reads back with that grid, also on 2 ranks (rank 0 reads and broadcasts);
   a 1D one records dim 1, W = N. Rewriting any grid attribute, with the file checksum cleared
   so that only pdenn's own checks stand, is refused; so is a 2D checkpoint whose grid
   attributes were deleted, while a 1D one without them (as pdenn wrote before grids were
   recorded) still reads, as 1D. */
#include <pdenn/core.h>
#include <pdenn/train.h>
#include "../train/ckpttest.h"

static PetscReal theta[NP] = {1, 2, 3, 4, 5, 6, 7, 8, 0.5}, m[NP], v[NP] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
static PetscReal step_loss[3] = {0.5, 0.25, 0.125}, train_loss[1] = {0.3}, val_loss[1] = {0.35};
static PetscInt  perm[NS] = {3, 1, 4, 0, 2};
static char      deck[]   = "-train_data images.h5";

/* N = 64 as 16 x 4 images (dim 2), or as 1D signals (dim 0: the writer's 1D) */
static void Fill(PdennCheckpoint *ck, PdennCheckpointGroup groups[2], PetscInt dim)
{
  const CkptTestArrays a = {theta, m, v, step_loss, train_loss, val_loss, perm, deck};

  CkptTestFill(ck, groups, 2, 4, 1, &a);
  ck->dim = dim;
  if (dim == 2) ck->M[0] = 16, ck->M[1] = 4, ck->M[2] = 1;
}

/* the grid attributes of / as plain int64 (h5py's view) */
static PetscErrorCode ReadGridAttrs(const char path[], int64_t grid[4])
{
  const char *names[4] = {"dim", "W", "H", "D"};
  hid_t       file     = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), attr;

  PetscFunctionBeginUser;
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
  for (int i = 0; i < 4; i++) {
    attr = H5Aopen(file, names[i], H5P_DEFAULT);
    PetscCheck(attr >= 0 && H5Aread(attr, H5T_NATIVE_INT64, &grid[i]) >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s has no int64 attribute %s", path, names[i]);
    H5Aclose(attr);
  }
  H5Fclose(file);
  PetscFunctionReturn(0);
}

static PetscErrorCode DeleteGridAttrs(const char path[])
{
  const char *names[4] = {"dim", "W", "H", "D"};
  hid_t       file     = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  herr_t      err      = 0;

  PetscFunctionBeginUser;
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
  for (int i = 0; i < 4; i++) err |= H5Adelete(file, names[i]);
  H5Fclose(file);
  PetscCheck(err >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "cannot delete the grid attributes of %s", path);
  PetscFunctionReturn(0);
}

/* round trip on comm: the file's attributes and the grid read back */
static PetscErrorCode RoundTrip(MPI_Comm comm, PetscInt dim, const char path[])
{
  const int64_t        want[2][4] = {{1, 64, 1, 1}, {2, 16, 4, 1}};
  PdennCheckpoint      ck, back;
  PdennCheckpointGroup groups[2];
  int64_t              grid[4];
  PetscMPIInt          rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  Fill(&ck, groups, dim);
  PetscCall(PdennCheckpointWrite(comm, "-checkpoint", path, &ck));
  if (!rank) PetscCall(ReadGridAttrs(path, grid));
  PetscCallMPI(MPI_Bcast(grid, 4, MPI_INT64_T, 0, comm));
  for (int i = 0; i < 4; i++) PetscCheck(grid[i] == want[dim == 2][i], comm, PETSC_ERR_PLIB, "%s: grid attribute %d is %lld, expected %lld", path, i, (long long)grid[i], (long long)want[dim == 2][i]);
  PetscCall(PdennCheckpointRead(comm, "-checkpoint", path, &back));
  PetscCheck(back.dim == want[dim == 2][0] && back.M[0] == want[dim == 2][1] && back.M[1] == want[dim == 2][2] && back.M[2] == 1 && back.N == 64, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s read back as dim %" PetscInt_FMT ", %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " on rank %d", path, back.dim, back.M[0], back.M[1], back.M[2], (int)rank);
  PetscCall(PdennCheckpointFree(&back));
  PetscCall(PetscPrintf(comm, "%s: dim %lld, W %lld, H %lld, D %lld written and read back\n", path, (long long)grid[0], (long long)grid[1], (long long)grid[2], (long long)grid[3]));
  PetscFunctionReturn(0);
}

/* written, changed by `tamper` (attribute `what` + 1, or every grid attribute deleted), the file
   checksum cleared, then read: *status and the message in `captured` */
static PetscErrorCode Tampered(PetscInt dim, const char path[], const char what[], PetscErrorCode *status)
{
  PdennCheckpoint      ck, back;
  PdennCheckpointGroup groups[2];

  PetscFunctionBeginUser;
  Fill(&ck, groups, dim);
  PetscCall(PdennCheckpointWrite(PETSC_COMM_SELF, "-checkpoint", path, &ck));
  if (what)
    PetscCall(CkptTestRewrite(path, what, PETSC_TRUE));
  else
    PetscCall(DeleteGridAttrs(path));
  PetscCall(CkptTestClearUserBlock(path));
  captured[0] = '\0';
  PetscCall(PetscPushErrorHandler(Capture, NULL));
  *status = PdennCheckpointRead(PETSC_COMM_SELF, "-checkpoint", path, &back);
  PetscCall(PetscPopErrorHandler());
  if (!*status) {
    PetscCheck(back.dim == 1 && back.M[0] == 64 && back.M[1] == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s without grid attributes read as dim %" PetscInt_FMT ", W %" PetscInt_FMT "; expected 1D, W = N = 64", path, back.dim, back.M[0]);
    PetscCall(PdennCheckpointFree(&back));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TamperAll(void)
{
  const char *const attrs[4] = {"dim", "W", "H", "D"};
  const char       *path     = "train2d_ck_tampered.h5";
  PetscErrorCode    status;

  PetscFunctionBeginUser;
  for (int i = 0; i < 4; i++) {
    PetscCall(Tampered(2, path, attrs[i], &status));
    PetscCheck(status == PDENN_ERR_INPUT && strstr(captured, path), PETSC_COMM_SELF, PETSC_ERR_PLIB, "a 2D checkpoint with attribute %s rewritten was not refused (status %d, '%s')", attrs[i], (int)status, captured);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "attribute %-3s rewritten: refused (%s)\n", attrs[i], captured));
  }
  PetscCall(Tampered(2, path, NULL, &status));
  PetscCheck(status == PDENN_ERR_INPUT && strstr(captured, "checksum"), PETSC_COMM_SELF, PETSC_ERR_PLIB, "a 2D checkpoint without its grid attributes was not refused by the checksum (status %d, '%s')", (int)status, captured);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "2D checkpoint without grid attributes: refused (%s)\n", captured));
  PetscCall(Tampered(0, path, NULL, &status));
  PetscCheck(status == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "a 1D checkpoint without grid attributes (older pdenn) was refused: %s", captured);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "1D checkpoint without grid attributes: read as 1D\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscMPIInt size, rank;
  char        path[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  for (PetscInt dim = 0; dim <= 2; dim += 2) {
    PetscCall(PetscSNPrintf(path, sizeof(path), "train2d_ck_dim%d_np%d.h5", (int)PetscMax(dim, 1), (int)size));
    PetscCall(RoundTrip(PETSC_COMM_WORLD, dim, path));
  }
  if (size == 1) PetscCall(TamperAll()); /* files changed in place: one process */
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
