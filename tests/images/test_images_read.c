/* Reads image (or volume) -sample of dataset -dataset of -file into a DMDA of -dim 2 or 3 and
   -Nx x -Ny [x -Nz] points, and prints its sum and the dataset's shape as PdennH5ImageShape
   sees it for that dimension: the driver of tests/images' bad-input tests (each user error one
   line through pdenn's handler) and of the reads of sets written by apps/pdenn_images.py. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

static PetscErrorCode Run(void)
{
  MPI_Comm  comm                     = PETSC_COMM_WORLD;
  char      file[PETSC_MAX_PATH_LEN] = "", dataset[256] = "noisy";
  PetscInt  dim = 2, M[3] = {1, 1, 1}, sample = 0, shape_dim, samples, shape[3];
  PetscReal sum;
  DM        da;
  Vec       u;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "test_images_read", NULL);
  PetscCall(PdennOptionsString("-file", "HDF5 file", file, file, sizeof(file), NULL));
  PetscCall(PdennOptionsString("-dataset", "dataset", dataset, dataset, sizeof(dataset), NULL));
  PetscCall(PdennOptionsInt("-sample", "sample", sample, -1, PETSC_MAX_INT, &sample, NULL));
  PetscCall(PdennOptionsInt("-dim", "dimension", dim, 2, 3, &dim, NULL));
  PetscCall(PdennOptionsInt("-Nx", "width", M[0], 1, 1 << 30, &M[0], NULL));
  PetscCall(PdennOptionsInt("-Ny", "height", M[1], 1, 1 << 30, &M[1], NULL));
  PetscCall(PdennOptionsInt("-Nz", "depth", M[2], 1, 1 << 30, &M[2], NULL));
  PetscOptionsEnd();
  PetscCall(PdennH5ImageShape(comm, "-file", file, dataset, dim, &shape_dim, &samples, shape));
  PetscCall(PdennDMDACreate(comm, dim, M, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(PdennH5ReadImage(comm, "-file", file, dataset, sample, u));
  PetscCall(VecSum(u, &sum));
  PetscCall(PetscPrintf(comm, "read %s of %s: %" PetscInt_FMT "D, %" PetscInt_FMT " sample(s) of W %" PetscInt_FMT " H %" PetscInt_FMT " D %" PetscInt_FMT ", sample %" PetscInt_FMT " sum %.17g\n", dataset, file, shape_dim, samples, shape[0], shape[1], shape[2], sample, (double)sum));
  PetscCall(VecDestroy(&u));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, "Reads one image of an HDF5 file")) return 1;
  return PdennFinalize(Run());
}
