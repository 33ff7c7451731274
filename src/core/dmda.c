/* 1D DMDAs for signals: ghosted physical boundaries so pdenn fills them itself (mirror for the
   reflecting boundary of docs/science.md §1, zero for zero-padded convolutions). */
#include <pdenn/core.h>

PetscErrorCode PdennDMDACreate1d(MPI_Comm comm, PetscInt N, PetscInt dof, PetscInt radius, DM *da)
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(N >= (PetscInt)size * PetscMax(radius, 1), comm, PDENN_ERR_INPUT, "key -N: %" PetscInt_FMT " grid points cannot be split over %d ranks with stencil radius %" PetscInt_FMT "; expected N >= ranks * radius", N, size, radius);
  PetscCall(DMDACreate1d(comm, DM_BOUNDARY_GHOSTED, N, dof, radius, NULL, da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDMDAGetOwnership(DM da, PetscInt *xs, PetscInt *xm, PetscBool *at_left, PetscBool *at_right)
{
  PetscInt s, m, M;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(da, &s, NULL, NULL, &m, NULL, NULL));
  PetscCall(DMDAGetInfo(da, NULL, &M, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (xs) *xs = s;
  if (xm) *xm = m;
  if (at_left) *at_left = (PetscBool)(s == 0);
  if (at_right) *at_right = (PetscBool)(s + m == M);
  PetscFunctionReturn(0);
}
