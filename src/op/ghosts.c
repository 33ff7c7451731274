/* Ghost exchange for the convolution: neighbours' points from DMGlobalToLocal, the physical
   boundary ghosts filled by pdenn (mirror or zero). */
#include <pdenn/op.h>

PetscErrorCode PdennDMDAGetGhostedArray(DM da, Vec g, Vec loc, PdennBoundary bc, PetscReal **a, PetscInt *n, PetscBool *at_left, PetscBool *at_right)
{
  PetscInt xs, gxs, dof, sw;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocal(da, g, INSERT_VALUES, loc));
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, &sw, NULL, NULL, NULL, NULL));
  PetscCall(PdennDMDAGetOwnership(da, &xs, n, at_left, at_right));
  PetscCall(DMDAGetGhostCorners(da, &gxs, NULL, NULL, NULL, NULL, NULL));
  PetscCall(VecGetArray(loc, a));
  *a += (xs - gxs) * dof;
  PetscCall(PdennConv1dFillGhosts(bc, *n, sw, dof, *at_left, *at_right, *a));
  PetscFunctionReturn(0);
}
