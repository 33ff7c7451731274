/* A model (prefix u_) set up on a grid of the command line: -dim (default 2) and -Nx, -Ny, -Nz
   (default 16): the refusals of grids that the U-nets' levels cannot halve (one line naming the
   keys) and the set-up of every architecture that runs in d dimensions. */
#include <pdenn/nn.h>

static const char help[] = "Set up a model on a 2D or 3D grid (-dim, -Nx, -Ny, -Nz, keys -u_*).\n";

static PetscErrorCode Run(void)
{
  PdennModel model;
  PetscInt   dim = 2, M[3] = {16, 16, 16}, n;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-dim", &dim, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Nx", &M[0], NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Ny", &M[1], NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Nz", &M[2], NULL));
  PetscCall(PdennModelCreate(PETSC_COMM_WORLD, "u_", &model));
  PetscCall(PdennModelSetFromOptions(model));
  PetscCall(PdennModelSetUpGrid(model, dim, M));
  PetscCall(PdennModelGetNumParameters(model, &n));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "model set up on a %dD grid: %d parameters\n", (int)dim, (int)n));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
