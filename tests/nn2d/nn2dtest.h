/* Helpers of the d-dimensional symmetric-model tests: a model on a grid from option strings, inputs
   by grid coordinates (the same at every rank count) and comparisons in natural order. */
#pragma once
#include "../nn/nntest.h"
#include "../op2d/op2dtest.h"

/* Inserts `options` (keys with the prefix spelled out) and builds a model on the dim-dimensional
   grid of M[a] points per axis (-da_processors_x/y/z of the options database decompose it). */
static inline PetscErrorCode NN2dModel(MPI_Comm comm, const char prefix[], const char options[], PetscInt dim, const PetscInt M[3], PdennModel *model)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertString(NULL, options));
  PetscCall(PdennModelCreate(comm, prefix, model));
  PetscCall(PdennModelSetFromOptions(*model));
  PetscCall(PdennModelSetUpGrid(*model, dim, M));
  PetscFunctionReturn(0);
}

/* An image with edges and noise: 1 right of W/3, -0.5 below 3H/4 (3D: and 0.3 behind D/2), plus
   0.1 GridNoise */
static inline PetscReal NN2dEdges(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  return (p[0] > M[0] / 3 ? 1.0 : 0.0) - (p[1] > 3 * M[1] / 4 ? 0.5 : 0.0) + (p[2] > M[2] / 2 ? 0.3 : 0.0) + 0.1 * GridNoise(ctx, p, M);
}

/* max |y - ref| / max(max |ref|, 1) over the whole grid, both gathered in natural order (the two
   vectors may live on different decompositions) */
static inline PetscErrorCode NN2dRelDiff(Vec y, Vec ref, PetscReal *d)
{
  PetscReal *a, *b;
  PetscInt   n;

  PetscFunctionBeginUser;
  *d = PETSC_MAX_REAL; /* set on every path */
  PetscCall(VecGetSize(ref, &n));
  PetscCall(GridGatherNatural(y, &a));
  PetscCall(GridGatherNatural(ref, &b));
  *d = PdennTestArrayRelDiff(n, a, b);
  PetscCall(PetscFree(a));
  PetscCall(PetscFree(b));
  PetscFunctionReturn(0);
}
