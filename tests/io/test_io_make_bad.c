/* Writes HDF5 files of wrong layout for the input-error tests (tests/io/CMakeLists.txt): a
   "signal set" without its noisy dataset, a 3D noisy dataset, an integer one. Plain serial
   HDF5 on rank 0: the files must be wrong in ways pdenn's own writers never are. */
#include <pdenn/pdenn.h>
#include <hdf5.h>

static PetscErrorCode WriteDataset(hid_t file, const char name[], int rank, const hsize_t dims[], hid_t type)
{
  hid_t   space, dset;
  hsize_t n = 1;
  double *zeros;

  PetscFunctionBeginUser;
  for (int d = 0; d < rank; d++) n *= dims[d];
  PetscCall(PetscCalloc1(n, &zeros));
  space = H5Screate_simple(rank, dims, NULL);
  dset  = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(dset >= 0 && H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "cannot write %s", name);
  H5Dclose(dset);
  H5Sclose(space);
  PetscCall(PetscFree(zeros));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteFile(const char path[], const char name[], int rank, const hsize_t dims[], hid_t type)
{
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);

  PetscFunctionBeginUser;
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot create %s", path);
  PetscCall(WriteDataset(file, name, rank, dims, type));
  H5Fclose(file);
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const hsize_t set[2] = {4, 96}, cube[3] = {2, 2, 96};
  PetscMPIInt   rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!rank) {
    PetscCall(WriteFile("io_bad_nonoisy.h5", "clean", 2, set, H5T_IEEE_F64LE));
    PetscCall(WriteFile("io_bad_rank3.h5", "noisy", 3, cube, H5T_IEEE_F64LE));
    PetscCall(WriteFile("io_bad_int.h5", "noisy", 2, set, H5T_STD_I32LE));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bad files written\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, "Writes malformed HDF5 files for the input-error tests")) return 1;
  return PdennFinalize(Run());
}
