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
