/* Helpers of the d-dimensional layer tests: multi-channel fields by global grid coordinates (the
   same values at every rank count), the grids of a convolution, and runs under a fresh options
   database (so a one-rank repetition does not see the run's -da_processors_x/y). */
#pragma once
#include "../pde_grid/gridtest.h"

/* x(p)[c] = a hash of (seed, natural index, channel) in [-1, 1] */
static inline PetscErrorCode Op2dFillHash(Vec x, uint64_t seed)
{
  DM         da;
  PetscInt   dim, M[3] = {1, 1, 1}, dof, s[3], m[3], i = 0;
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(x, &da));
  PetscCall(DMDAGetInfo(da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  if (dim == 2) M[2] = 1;
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCall(VecGetArray(x, &a));
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++)
      for (PetscInt xx = s[0]; xx < s[0] + m[0]; xx++)
        for (PetscInt c = 0; c < dof; c++, i++) {
          const uint64_t k = (uint64_t)((xx + M[0] * (y + M[1] * z)) * dof + c);
          a[i]             = 2.0 * ((PdennHash64(seed * 0x9e3779b97f4a7c15ULL + k) >> 11) * 0x1.0p-53) - 1.0;
        }
  PetscCall(VecRestoreArray(x, &a));
  PetscFunctionReturn(0);
}

/* n values in [-1, 1], the same on every rank */
static inline void Op2dHashArray(uint64_t seed, PetscInt n, PetscReal a[])
{
  for (PetscInt i = 0; i < n; i++) a[i] = 2.0 * ((PdennHash64(seed * 0x100000001b3ULL + (uint64_t)i) >> 11) * 0x1.0p-53) - 1.0;
}

/* The input grid (PdennDMDACreate, ghost width r) of M points and the output grid of a stride-s
   convolution: the same decomposition (stride 1) or the coarse grid (stride 2), ghost width r. */
static inline PetscErrorCode Op2dGrids(MPI_Comm comm, PetscInt dim, const PetscInt M[3], PetscInt stride, PetscInt r, PetscInt c_in, PetscInt c_out, DM *din, DM *dout)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate(comm, dim, M, c_in, r, din));
  if (stride == 1)
    PetscCall(DMDACreateCompatibleDMDA(*din, c_out, dout));
  else
    PetscCall(PdennDMDACreateCoarse(*din, c_out, r, dout));
  PetscFunctionReturn(0);
}

static inline PetscErrorCode Op2dPushOptions(const char opts[], PetscOptions *o)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(o));
  PetscCall(PetscOptionsInsertString(*o, opts));
  PetscCall(PetscOptionsPush(*o));
  PetscFunctionReturn(0);
}

static inline PetscErrorCode Op2dPopOptions(PetscOptions *o)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(o));
  PetscFunctionReturn(0);
}

/* The index of kernel offset o (o_z = 0 in 2D) in w[co][ci][t] */
static inline PetscInt Op2dKernelIndex(PetscInt dim, PetscInt r, const PetscInt o[3])
{
  const PetscInt kw = 2 * r + 1;
  return (o[0] + r) + kw * ((o[1] + r) + kw * (dim == 3 ? o[2] + r : 0));
}

/* The order-1 K of the 2D scheme as 1 -> dim channel kernels of radius 1: w[c][0][t] = -1/h at the
   centre and +1/h at e_c (w holds dim 27 values, zeroed here) */
static inline void Op2dGradientKernels(PetscInt dim, PetscReal h, PetscReal w[])
{
  const PetscInt nt = dim == 3 ? 27 : 9;

  for (PetscInt i = 0; i < dim * nt; i++) w[i] = 0.0;
  for (PetscInt c = 0; c < dim; c++) {
    PetscInt o[3]                          = {0, 0, 0};
    w[c * nt + Op2dKernelIndex(dim, 1, o)] = -1.0 / h;
    o[c]                                   = 1;
    w[c * nt + Op2dKernelIndex(dim, 1, o)] = 1.0 / h;
  }
}
