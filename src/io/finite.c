/* The one check every reader makes on the numbers it reads (signal sets, pdenn_compare's data,
   pdenn_solve's input, checkpoints): a NaN or Inf is refused where it enters, naming file,
   dataset, sample and index, so no solver, network or loss ever meets one from the data. */
#include <pdenn/io.h>
#include <math.h>

/* the code of a value: 3 index + class (0 nan, 1 inf, 2 -inf); the smallest code is the first
   offending element, and one MPI_MIN reduction finds it on every rank */
#define PDENN_FINITE_NONE INT64_MAX

static int64_t FirstNonFinite(PetscInt offset, PetscInt n, const PetscReal a[])
{
  for (PetscInt i = 0; i < n; i++) {
    if (isfinite(a[i])) continue;
    if (isnan(a[i])) return 3 * (int64_t)(offset + i);
    return 3 * (int64_t)(offset + i) + (a[i] > 0 ? 1 : 2);
  }
  return PDENN_FINITE_NONE;
}

PetscErrorCode PdennCheckFinite(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, PetscInt offset, PetscInt n, const PetscReal a[])
{
  static const char *const value[3] = {"nan", "inf", "-inf"};
  int64_t                  code     = FirstNonFinite(offset, n, a);
  char                     where[PETSC_MAX_PATH_LEN + 320], part[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBeginUser;
  /* collective: a rank whose part is finite must raise the same error as the one whose is not */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT64_T, MPI_MIN, comm));
  if (code == PDENN_FINITE_NONE) PetscFunctionReturn(0);
  where[0] = '\0';
  if (key) PetscCall(PetscSNPrintf(where, sizeof(where), "key %s: ", key));
  if (path) {
    PetscCall(PetscSNPrintf(part, sizeof(part), "file '%s' ", path));
    PetscCall(PetscStrlcat(where, part, sizeof(where)));
  }
  PetscCall(PetscSNPrintf(part, sizeof(part), "dataset '%s' ", dataset));
  PetscCall(PetscStrlcat(where, part, sizeof(where)));
  if (sample >= 0) {
    PetscCall(PetscSNPrintf(part, sizeof(part), "sample %" PetscInt_FMT " ", sample));
    PetscCall(PetscStrlcat(where, part, sizeof(where)));
  }
  SETERRQ(comm, PDENN_ERR_INPUT, "%sindex %lld: value %s is not finite; expected finite values", where, (long long)(code / 3), value[code % 3]);
}

PetscErrorCode PdennCheckFiniteVec(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec v)
{
  const PetscReal *a;
  PetscInt         lo, hi;
  PetscErrorCode   ierr;

  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  PetscCall(VecGetArrayRead(v, &a));
  ierr = PdennCheckFinite(comm, key, path, dataset, sample, lo, hi - lo, a); /* the array is restored first */
  PetscCall(VecRestoreArrayRead(v, &a));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
