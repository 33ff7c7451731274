/* Signals as rows of N values, replicated tables of which each rank fills and reads only the
   points it owns in a parallel Vec (a 1D DMDA's global numbering is the natural one; an image's
   row holds its pixels in natural order x + W (y + H z), which a 2D/3D DMDA's global numbering
   is not on several ranks, so there the owned box is walked). Summing the partial rows of all
   ranks assembles a table exactly: each entry is one value plus zeros. */
#include "comparepriv.h"

/* The natural index of each owned point of v, in the order of v's local array, when v lives on
   a DMDA of dim 2 or 3; *nat NULL otherwise (the 1D path, unchanged). */
static PetscErrorCode NaturalIndices(Vec v, PetscInt **nat)
{
  DM       dm;
  PetscInt dim = 1, M[3], s[3], m[3], i = 0;

  PetscFunctionBeginUser;
  *nat = NULL;
  PetscCall(VecGetDM(v, &dm));
  if (dm) PetscCall(DMGetDimension(dm, &dim));
  if (dim < 2) PetscFunctionReturn(0);
  PetscCall(DMDAGetInfo(dm, NULL, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(dm, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCall(PetscMalloc1(m[0] * m[1] * m[2], nat));
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++)
      for (PetscInt x = s[0]; x < s[0] + m[0]; x++) (*nat)[i++] = x + M[0] * (y + M[1] * z);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRowsToVec(const PetscReal row[], Vec v)
{
  PetscInt     lo, hi, *nat;
  PetscScalar *a;

  PetscFunctionBeginUser;
  PetscCall(NaturalIndices(v, &nat));
  if (nat) {
    PetscCall(VecGetLocalSize(v, &hi));
    PetscCall(VecGetArrayWrite(v, &a));
    for (PetscInt i = 0; i < hi; i++) a[i] = row[nat[i]];
    PetscCall(VecRestoreArrayWrite(v, &a));
    PetscCall(PetscFree(nat));
    PetscFunctionReturn(0);
  }
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  PetscCall(VecGetArrayWrite(v, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = row[i];
  PetscCall(VecRestoreArrayWrite(v, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRowsAddVec(Vec v, PetscReal row[])
{
  PetscInt           lo, hi, *nat;
  const PetscScalar *a;

  PetscFunctionBeginUser;
  PetscCall(NaturalIndices(v, &nat));
  if (nat) {
    PetscCall(VecGetLocalSize(v, &hi));
    PetscCall(VecGetArrayRead(v, &a));
    for (PetscInt i = 0; i < hi; i++) row[nat[i]] += a[i];
    PetscCall(VecRestoreArrayRead(v, &a));
    PetscCall(PetscFree(nat));
    PetscFunctionReturn(0);
  }
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  PetscCall(VecGetArrayRead(v, &a));
  for (PetscInt i = lo; i < hi; i++) row[i] += a[i - lo];
  PetscCall(VecRestoreArrayRead(v, &a));
  PetscFunctionReturn(0);
}

/* Sums the partial tables of all ranks into rank 0's (n values). */
PetscErrorCode PdennRowsReduce(MPI_Comm comm, PetscInt n, PetscReal rows[])
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank)
    PetscCallMPI(MPI_Reduce(MPI_IN_PLACE, rows, (PetscMPIInt)n, MPIU_REAL, MPI_SUM, 0, comm));
  else
    PetscCallMPI(MPI_Reduce(rows, NULL, (PetscMPIInt)n, MPIU_REAL, MPI_SUM, 0, comm));
  PetscFunctionReturn(0);
}
