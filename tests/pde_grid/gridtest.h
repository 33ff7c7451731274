/* Helpers of the 2D/3D tests: initial values and comparisons by global grid coordinates (a
   DMDA's global vector is in PETSc's ordering, by rank, not in the natural one). */
#pragma once
#include <pdenn/pdenn.h>
#include "pdenn_test.h"
#include "pdenn_reference.h"

/* A function of the grid point (x, y, z) and the grid size M */
typedef PetscReal (*GridFn)(const void *ctx, const PetscInt p[3], const PetscInt M[3]);

/* Calls fn(ctx, p, M, value_at_p) for every owned point of u (a dof-1 DMDA vector), in the
   owned array's order; o is the owned index. */
typedef void (*GridVisit)(void *ctx, PetscInt o, const PetscInt p[3], const PetscInt M[3], PetscReal *value);
static inline PetscErrorCode GridForEach(Vec u, GridVisit visit, void *ctx)
{
  DM         da;
  PetscInt   s[3], m[3], M[3] = {1, 1, 1}, dim, o = 0;
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(u, &da));
  PetscCall(DMDAGetInfo(da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  for (PetscInt a2 = dim; a2 < 3; a2++) s[a2] = 0, m[a2] = 1, M[a2] = 1;
  PetscCall(VecGetArray(u, &a));
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++)
      for (PetscInt x = s[0]; x < s[0] + m[0]; x++, o++) {
        const PetscInt p[3] = {x, y, z};
        visit(ctx, o, p, M, &a[o]);
      }
  PetscCall(VecRestoreArray(u, &a));
  PetscFunctionReturn(0);
}

typedef struct {
  GridFn      fn;
  const void *ctx;
} GridFill;

static inline void GridFillVisit(void *ctx, PetscInt o, const PetscInt p[3], const PetscInt M[3], PetscReal *value)
{
  const GridFill *f = (const GridFill *)ctx;
  (void)o;
  *value = f->fn(f->ctx, p, M);
}

/* PdennTestInit: u(p) = fn(p) with ctx a GridFill */
static inline PetscErrorCode GridInit(DM da, Vec u, const void *ctx)
{
  PetscFunctionBeginUser;
  (void)da;
  PetscCall(GridForEach(u, GridFillVisit, (void *)ctx));
  PetscFunctionReturn(0);
}

/* A reproducible rough field: a hash of the natural index in [-1, 1] (the same at every rank count) */
static inline PetscReal GridNoise(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  const uint64_t seed = ctx ? *(const uint64_t *)ctx : 1;
  const uint64_t i    = (uint64_t)(p[0] + M[0] * (p[1] + M[1] * p[2]));
  return 2.0 * ((PdennHash64(seed * 0x100000001b3ULL + i) >> 11) * 0x1.0p-53) - 1.0;
}

/* The whole vector in natural order on every rank (global size), for bitwise comparisons */
static inline PetscErrorCode GridGatherNatural(Vec u, PetscReal **a)
{
  Vec              all;
  const PetscReal *v;
  PetscInt         n;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDAGatherNatural(u, PETSC_TRUE, &all));
  PetscCall(VecGetSize(all, &n));
  PetscCall(PetscMalloc1(n, a));
  PetscCall(VecGetArrayRead(all, &v));
  PetscCall(PetscArraycpy(*a, v, n));
  PetscCall(VecRestoreArrayRead(all, &v));
  PetscCall(VecDestroy(&all));
  PetscFunctionReturn(0);
}

/* The command line's -da_processors_x/y/z as option text, to pass on to runs that push a fresh
   options database (PdennTestRunSolver with opts): the decompositions the CTest cases name. */
static inline PetscErrorCode GridDecompositionOpts(char buf[], size_t len)
{
  static const char *const key[3] = {"-da_processors_x", "-da_processors_y", "-da_processors_z"};

  PetscFunctionBeginUser;
  buf[0] = 0;
  for (PetscInt a = 0; a < 3; a++) {
    PetscInt  p;
    PetscBool set;
    char      item[64];

    PetscCall(PetscOptionsGetInt(NULL, NULL, key[a], &p, &set));
    if (!set) continue;
    PetscCall(PetscSNPrintf(item, sizeof(item), " %s %d", key[a], (int)p));
    PetscCall(PetscStrlcat(buf, item, len));
  }
  PetscFunctionReturn(0);
}
