/* Signals as rows of N values, replicated tables of which each rank fills and reads only the
   points it owns in a parallel Vec (a 1D DMDA's global numbering is the natural one). Summing
   the partial rows of all ranks assembles a table exactly: each entry is one value plus zeros. */
#include "comparepriv.h"

PetscErrorCode PdennRowsToVec(const PetscReal row[], Vec v)
{
  PetscInt     lo, hi;
  PetscScalar *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  PetscCall(VecGetArrayWrite(v, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = row[i];
  PetscCall(VecRestoreArrayWrite(v, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRowsAddVec(Vec v, PetscReal row[])
{
  PetscInt           lo, hi;
  const PetscScalar *a;

  PetscFunctionBeginUser;
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
