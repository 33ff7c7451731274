/* Helpers of the 2D standard ResNet and U-net tests: a model on a 2D grid built under a fresh
   options database (so a one-rank repetition does not see the run's -da_processors_x/y), inputs
   by natural index (the same at every rank count) and the model's output and gradients in
   natural order. */
#pragma once
#include "../op2d/op2dtest.h"
#include "../nn/nntest.h"

/* The model of the option string opts (keys with the prefix u_) on the grid M of dimension dim,
   theta random (NNTestRandomTheta, seed 3, scale 0.3) */
static inline PetscErrorCode Unet2dModel(MPI_Comm comm, const char opts[], PetscInt dim, const PetscInt M[3], PdennModel *model)
{
  PetscOptions o;

  PetscFunctionBeginUser;
  PetscCall(Op2dPushOptions(opts, &o));
  PetscCall(PdennModelCreate(comm, "u_", model));
  PetscCall(PdennModelSetFromOptions(*model));
  PetscCall(PdennModelSetUpGrid(*model, dim, M));
  PetscCall(Op2dPopOptions(&o));
  PetscCall(NNTestRandomTheta(*model, 3, 0.3));
  PetscFunctionReturn(0);
}

/* x, t by natural index: Op2dFillHash with seeds 11, 12, halved (vectors of the model's DMDA,
   created). Values in [-0.5, 0.5] keep L = 0.5 ||y - t||^2 of order 10 on the grids of these
   tests, where the central differences' rounding (~1e-16 |L| / eps) stays well below the
   tolerance (NNTestRelErr). */
static inline PetscErrorCode Unet2dData(PdennModel model, Vec *x, Vec *t)
{
  DM da;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, x));
  PetscCall(VecDuplicate(*x, t));
  PetscCall(Op2dFillHash(*x, 11));
  PetscCall(Op2dFillHash(*t, 12));
  PetscCall(VecScale(*x, 0.5));
  PetscCall(VecScale(*t, 0.5));
  PetscFunctionReturn(0);
}

/* Central-difference check of the gradients (g of the parameters w, gin of the input in) of a
   loss L(w, in); w and in are perturbed in place and restored (copies kept). At one rank every
   parameter and input value alone, measured against the largest gradient value of its kind
   (NNTestRelErr's floor); at several ranks 2 random directions through all parameters and 2
   through all input values, which keeps the 2x2 runs short, each measured against its own
   directional derivative. */
typedef PetscErrorCode (*Unet2dLossFn)(void *ctx, Vec in, PetscReal *L);
typedef struct {
  Unet2dLossFn     loss;
  void            *ctx;
  PetscReal       *w; /* the parameters the loss reads, nw of them */
  PetscInt         nw;
  Vec              in;
  const PetscReal *g; /* dL/dw (rank-summed) */
  Vec              gin;
  PetscReal        eps;
} Unet2dFD;

/* L at (w0 + delta dw, in0 + delta dir), for delta = +-eps: the central difference */
static inline PetscErrorCode Unet2dCentralDiff(Unet2dFD *f, const PetscReal w0[], const PetscReal dw[], Vec in0, Vec dir, PetscReal *fd)
{
  PetscReal L[2];

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < 2; k++) {
    const PetscReal delta = k ? -f->eps : f->eps;
    for (PetscInt j = 0; j < f->nw; j++) f->w[j] = w0[j] + delta * dw[j];
    PetscCall(VecWAXPY(f->in, delta, dir, in0));
    PetscCall(f->loss(f->ctx, f->in, &L[k]));
  }
  PetscCall(PetscArraycpy(f->w, w0, f->nw));
  PetscCall(VecCopy(in0, f->in));
  *fd = (L[0] - L[1]) / (2 * f->eps);
  PetscFunctionReturn(0);
}

/* Direction k: the unit vector of parameter k or input value k - nw (components), else random in
   the parameters (even k) or the input (odd k) */
static inline PetscErrorCode Unet2dDirection(Unet2dFD *f, PetscBool components, PetscInt k, PetscReal dw[], Vec dir)
{
  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(dw, f->nw));
  PetscCall(VecSet(dir, 0.0));
  if (!components && k % 2 == 0)
    Op2dHashArray(40 + (uint64_t)k, f->nw, dw);
  else if (!components)
    PetscCall(Op2dFillHash(dir, 50 + (uint64_t)k));
  else if (k < f->nw)
    dw[k] = 1.0;
  else
    PetscCall(VecSetValue(dir, k - f->nw, 1.0, INSERT_VALUES)); /* one rank */
  PetscCall(VecAssemblyBegin(dir));
  PetscCall(VecAssemblyEnd(dir));
  PetscFunctionReturn(0);
}

static inline PetscErrorCode Unet2dCheckFD(Unet2dFD *f, PetscReal *err)
{
  PetscReal  *w0, *dw, gmax = 0.0, gmax_in;
  Vec         in0, dir;
  PetscInt    n_in;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  *err = 0.0;
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)f->in), &size));
  PetscCall(PetscMalloc2(f->nw, &w0, f->nw, &dw));
  PetscCall(PetscArraycpy(w0, f->w, f->nw));
  PetscCall(VecDuplicate(f->in, &in0));
  PetscCall(VecDuplicate(f->in, &dir));
  PetscCall(VecCopy(f->in, in0));
  for (PetscInt j = 0; j < f->nw; j++) gmax = PetscMax(gmax, PetscAbsReal(f->g[j]));
  PetscCall(VecNorm(f->gin, NORM_INFINITY, &gmax_in));
  PetscCall(VecGetSize(f->in, &n_in));
  for (PetscInt k = 0; k < (size == 1 ? f->nw + n_in : 4); k++) {
    PetscReal an = 0.0, an_in, fd = 0.0;
    PetscCall(Unet2dDirection(f, (PetscBool)(size == 1), k, dw, dir));
    for (PetscInt j = 0; j < f->nw; j++) an += f->g[j] * dw[j];
    PetscCall(VecDot(f->gin, dir, &an_in));
    PetscCall(Unet2dCentralDiff(f, w0, dw, in0, dir, &fd));
    *err = PetscMax(*err, NNTestRelErr(an + an_in, fd, size > 1 ? 0.0 : k < f->nw ? gmax
                                                                                  : gmax_in));
  }
  PetscCall(PetscFree2(w0, dw));
  PetscCall(VecDestroy(&in0));
  PetscCall(VecDestroy(&dir));
  PetscFunctionReturn(0);
}
