/* Comparisons shared by the tests of every area: one relative difference for vectors and one for
   plain arrays, so that every "agrees with the reference to tol" means the same thing. */
#pragma once
#include <pdenn/pdenn.h>

/* ||x - ref|| / max(||ref||, floor) in the norm `type`; x and ref are left unchanged. A floor of
   1 makes the difference absolute for small references, PETSC_SMALL keeps it relative. */
static inline PetscErrorCode PdennTestRelDiff(Vec x, Vec ref, NormType type, PetscReal floor, PetscReal *d)
{
  Vec       e;
  PetscReal ne, nr;

  PetscFunctionBeginUser;
  *d = PETSC_MAX_REAL; /* set on every path, so that no caller reads an unset value */
  PetscCall(VecDuplicate(x, &e));
  PetscCall(VecWAXPY(e, -1.0, ref, x));
  PetscCall(VecNorm(e, type, &ne));
  PetscCall(VecNorm(ref, type, &nr));
  *d = ne / PetscMax(nr, floor);
  PetscCall(VecDestroy(&e));
  PetscFunctionReturn(0);
}

/* max |x - ref| / max(max |ref|, 1) of two arrays (already gathered or summed over ranks) */
static inline PetscReal PdennTestArrayRelDiff(PetscInt n, const PetscReal x[], const PetscReal ref[])
{
  PetscReal e = 0.0, r = 1.0;

  for (PetscInt i = 0; i < n; i++) {
    e = PetscMax(e, PetscAbsReal(x[i] - ref[i]));
    r = PetscMax(r, PetscAbsReal(ref[i]));
  }
  return e / r;
}

/* A smooth multi-channel signal with a rough component, x[i][c] = sin(a i + c) + rough cos(7.1 i)
   + 0.1 c at global point i: the same values whatever the rank layout. */
static inline PetscErrorCode PdennTestFillSignal(DM da, Vec x, PetscReal a, PetscReal rough)
{
  PetscInt   xs, xm, dof;
  PetscReal *xa;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PdennDMDAGetOwnership(da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt i = 0; i < xm; i++)
    for (PetscInt c = 0; c < dof; c++) xa[i * dof + c] = PetscSinReal(a * (xs + i) + c) + rough * PetscCosReal(7.1 * (xs + i)) + 0.1 * c;
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}
