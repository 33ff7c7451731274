/* PdennCompareSSIM against skimage.metrics.structural_similarity: the pairs of images and
   skimage's values written by make_ssim_ref.py (-ref FILE). Both compute the same sums in a
   different order, so they agree to rounding; the 1e-6 bound is docs/results.md's promise. */
#include <pdenn/compare.h>
#include <pdenn/io.h>

static PetscErrorCode ReadPair(hid_t file, PetscInt k, PetscInt *W, PetscInt *H, PetscReal **x, PetscReal **y, PetscReal *L, PetscReal *ref)
{
  char      name[2][16];
  hsize_t   dims[2];
  hid_t     dset, space;
  PetscBool found[2];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name[0], sizeof(name[0]), "x%" PetscInt_FMT, k));
  PetscCall(PetscSNPrintf(name[1], sizeof(name[1]), "y%" PetscInt_FMT, k));
  dset  = H5Dopen2(file, name[0], H5P_DEFAULT);
  space = H5Dget_space(dset);
  PetscCheck(dset >= 0 && H5Sget_simple_extent_dims(space, dims, NULL) == 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "dataset %s is not 2D", name[0]);
  H5Sclose(space);
  PetscCall(PdennH5AttrReadReal(dset, "L", L, &found[0]));
  PetscCall(PdennH5AttrReadReal(dset, "ssim", ref, &found[1]));
  PetscCheck(found[0] && found[1], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "dataset %s lacks attribute L or ssim", name[0]);
  *H = (PetscInt)dims[0], *W = (PetscInt)dims[1];
  PetscCall(PetscMalloc2(dims[0] * dims[1], x, dims[0] * dims[1], y));
  PetscCheck(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *x) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "reading %s", name[0]);
  H5Dclose(dset);
  dset = H5Dopen2(file, name[1], H5P_DEFAULT);
  PetscCheck(dset >= 0 && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *y) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "reading %s", name[1]);
  H5Dclose(dset);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char      path[PETSC_MAX_PATH_LEN] = "";
  hid_t     file;
  PetscReal pairs, worst = 0.0;
  PetscBool found;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-ref", path, sizeof(path), NULL));
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open -ref '%s'", path);
  PetscCall(PdennH5AttrReadReal(file, "pairs", &pairs, &found));
  PetscCheck(found && pairs >= 4, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no attribute pairs >= 4", path);
  for (PetscInt k = 0; k < (PetscInt)pairs; k++) {
    PetscInt   W = 0, H = 0;
    PetscReal *x, *y, L, ref, ssim;
    PetscCall(ReadPair(file, k, &W, &H, &x, &y, &L, &ref));
    PetscCall(PdennCompareSSIM(W, H, x, y, L, &ssim));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "pair %" PetscInt_FMT " (%" PetscInt_FMT " x %" PetscInt_FMT " W x H, L %g): pdenn %.15f skimage %.15f difference %.2e\n", k, W, H, (double)L, (double)ssim, (double)ref, (double)PetscAbsReal(ssim - ref)));
    PetscCheck(PetscAbsReal(ssim - ref) <= 1e-6, PETSC_COMM_SELF, PETSC_ERR_PLIB, "pair %" PetscInt_FMT ": SSIM %.15f differs from skimage's %.15f by more than 1e-6", k, (double)ssim, (double)ref);
    worst = PetscMax(worst, PetscAbsReal(ssim - ref));
    PetscCall(PetscFree2(x, y));
  }
  H5Fclose(file);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "ssim checks passed (largest difference %.2e)\n", (double)worst));
  PetscCall(PetscFinalize());
  return 0;
}
