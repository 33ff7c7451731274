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

/* The one error line: `place` is "index 17" for signals, "pixel (3, 5)" for images. */
static PetscErrorCode RaiseNonFinite(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, const char place[], int64_t code)
{
  static const char *const value[3] = {"nan", "inf", "-inf"};
  char                     where[PETSC_MAX_PATH_LEN + 320], part[PETSC_MAX_PATH_LEN + 64];

  PetscFunctionBeginUser;
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
  SETERRQ(comm, PDENN_ERR_INPUT, "%s%s: value %s is not finite; expected finite values", where, place, value[code % 3]);
}

PetscErrorCode PdennCheckFinite(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, PetscInt offset, PetscInt n, const PetscReal a[])
{
  int64_t code = FirstNonFinite(offset, n, a);
  char    place[64];

  PetscFunctionBeginUser;
  /* collective: a rank whose part is finite must raise the same error as the one whose is not */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT64_T, MPI_MIN, comm));
  if (code == PDENN_FINITE_NONE) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(place, sizeof(place), "index %lld", (long long)(code / 3)));
  PetscCall(RaiseNonFinite(comm, key, path, dataset, sample, place, code));
  PetscFunctionReturn(0);
}

/* Images: the owned box of a DMDA Vec, row by row (a row along x is contiguous in both the
   local array and the natural order), so the lowest natural index wins whatever the layout. */
PetscErrorCode PdennCheckFiniteImage(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec v)
{
  const PetscReal *a;
  DM               da;
  PetscInt         M[3] = {1, 1, 1}, s[3], m[3], row = 0, dim;
  int64_t          code = PDENN_FINITE_NONE, nat;
  char             place[128];

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(v, &da));
  PetscCall(DMDAGetInfo(da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCall(VecGetArrayRead(v, &a));
  for (PetscInt z = s[2]; z < s[2] + m[2] && code == PDENN_FINITE_NONE; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1] && code == PDENN_FINITE_NONE; y++, row++) code = FirstNonFinite(s[0] + M[0] * (y + M[1] * z), m[0], a + row * m[0]);
  PetscCall(VecRestoreArrayRead(v, &a));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT64_T, MPI_MIN, comm));
  if (code == PDENN_FINITE_NONE) PetscFunctionReturn(0);
  nat = code / 3;
  if (dim == 2)
    PetscCall(PetscSNPrintf(place, sizeof(place), "pixel (x, y) = (%lld, %lld)", (long long)(nat % M[0]), (long long)(nat / M[0])));
  else
    PetscCall(PetscSNPrintf(place, sizeof(place), "voxel (x, y, z) = (%lld, %lld, %lld)", (long long)(nat % M[0]), (long long)(nat / M[0] % M[1]), (long long)(nat / (M[0] * M[1]))));
  PetscCall(RaiseNonFinite(comm, key, path, dataset, sample, place, code));
  PetscFunctionReturn(0);
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
