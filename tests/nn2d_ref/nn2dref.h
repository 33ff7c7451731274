/* Plain references for the 2D networks, written from the documented formulas only (docs/networks.md
   "Layers in d dimensions", "Models", "Standard ResNet and U-nets in d dimensions";
   docs/science.md §3, §4, §7; include/pdenn/op.h's PdennConvNd comment), never from the library's
   kernels: nested loops over natural-order arrays (index x + W y, x fastest, channel fastest within
   a point), so a consistent error of the library (a wrong boundary rule, a transposed kernel index,
   a wrong coarse grid, a wrong norm in the group activation) shows as a different value. */
#pragma once
#include "../op2d/op2dtest.h"

/* ---- Convolution: y(P)[co] = b[co] + sum_ci sum_o w[co][ci][t(o)] x(s P + o)[ci] ---------------- */
typedef struct {
  PetscInt         c_in, c_out, r, stride;
  PdennBoundary    bc;
  const PetscReal *w; /* [c_out][c_in][(2r+1)^2], t(o) = (o_x + r) + (2r + 1)(o_y + r) */
  const PetscReal *b; /* [c_out] or NULL */
} RefConv;

/* The point that index i of an axis of n points reads: the half-sample mirror x(-1-k) = x(k),
   x(n+k) = x(n-1-k) (reflect), or -1 for a point outside the grid (zero) */
static inline PetscInt RefAxisPoint(PetscInt i, PetscInt n, PdennBoundary bc)
{
  if (i >= 0 && i < n) return i;
  if (bc == PDENN_BC_ZERO) return -1;
  return i < 0 ? -1 - i : 2 * n - 1 - i;
}

/* Coarse points of an axis of n fine points under stride s: coarse P sits on fine s P */
static inline PetscInt RefCoarseSize(PetscInt n, PetscInt s)
{
  return (n - 1) / s + 1;
}

static inline PetscReal RefConvWeight(const RefConv *c, PetscInt co, PetscInt ci, PetscInt ox, PetscInt oy)
{
  const PetscInt kw = 2 * c->r + 1;
  return c->w[(co * c->c_in + ci) * kw * kw + (ox + c->r) + kw * (oy + c->r)];
}

/* y (Wo x Ho points, c_out channels) = W x + b for x on a W x H grid */
static inline void RefConvForward(const RefConv *c, PetscInt W, PetscInt H, const PetscReal x[], PetscReal y[])
{
  const PetscInt Wo = RefCoarseSize(W, c->stride), Ho = RefCoarseSize(H, c->stride), r = c->r;

  for (PetscInt Y = 0; Y < Ho; Y++)
    for (PetscInt X = 0; X < Wo; X++)
      for (PetscInt co = 0; co < c->c_out; co++) {
        PetscReal acc = c->b ? c->b[co] : 0.0;
        for (PetscInt ci = 0; ci < c->c_in; ci++)
          for (PetscInt oy = -r; oy <= r; oy++)
            for (PetscInt ox = -r; ox <= r; ox++) {
              const PetscInt qx = RefAxisPoint(c->stride * X + ox, W, c->bc), qy = RefAxisPoint(c->stride * Y + oy, H, c->bc);
              if (qx < 0 || qy < 0) continue;
              acc += RefConvWeight(c, co, ci, ox, oy) * x[(qx + W * qy) * c->c_in + ci];
            }
        y[(X + Wo * Y) * c->c_out + co] = acc;
      }
}

/* x (W x H points, c_in channels) = W^T v, the transpose of the map above without its bias: every
   product of the forward pass sends its weight times v back to the point it read (for a mirrored
   read, to the point the mirror copied) */
static inline void RefConvTranspose(const RefConv *c, PetscInt W, PetscInt H, const PetscReal v[], PetscReal x[])
{
  const PetscInt Wo = RefCoarseSize(W, c->stride), Ho = RefCoarseSize(H, c->stride), r = c->r;

  for (PetscInt i = 0; i < W * H * c->c_in; i++) x[i] = 0.0;
  for (PetscInt Y = 0; Y < Ho; Y++)
    for (PetscInt X = 0; X < Wo; X++)
      for (PetscInt co = 0; co < c->c_out; co++)
        for (PetscInt ci = 0; ci < c->c_in; ci++)
          for (PetscInt oy = -r; oy <= r; oy++)
            for (PetscInt ox = -r; ox <= r; ox++) {
              const PetscInt qx = RefAxisPoint(c->stride * X + ox, W, c->bc), qy = RefAxisPoint(c->stride * Y + oy, H, c->bc);
              if (qx < 0 || qy < 0) continue;
              x[(qx + W * qy) * c->c_in + ci] += RefConvWeight(c, co, ci, ox, oy) * v[(X + Wo * Y) * c->c_out + co];
            }
}

/* ---- Activations: docs/science.md §7.1's g, the trainable table, phi = g(|z_G|) z_G --------------- */
typedef struct {
  PetscInt         type; /* a PdennFluxType (not relu) or PDENN_ACTIVATION_TRAINABLE */
  PetscReal        lambda;
  PetscInt         n_nodes;
  PetscReal        s_max;
  const PetscReal *g; /* the table (trainable) */
} RefAct;

/* The diffusivity at s = |z| >= 0: the table of §7.1 (q = s^2/lambda^2), tanh(s)/s, or the
   trainable table: linear through g_j at s_j = j s_max/(n - 1), g_{n-1} beyond s_max */
static inline PetscReal RefDiffusivity(const RefAct *a, PetscReal s)
{
  const PetscReal q = s * s / (a->lambda * a->lambda), C = 3.31488;

  switch (a->type) {
  case PDENN_FLUX_LINEAR: return 1.0;
  case PDENN_FLUX_PERONA_MALIK: return 1.0 / (1.0 + q);
  case PDENN_FLUX_EXP_PERONA_MALIK: return PetscExpReal(-s * s / (2.0 * a->lambda * a->lambda));
  case PDENN_FLUX_CHARBONNIER: return 1.0 / PetscSqrtReal(1.0 + q);
  case PDENN_FLUX_WEICKERT: {
    const PetscReal x8 = PetscPowReal(s / a->lambda, 8.0);
    return x8 <= C / 700.0 ? 1.0 : 1.0 - PetscExpReal(-C / x8);
  }
  case PDENN_FLUX_TANH: return s > 0.0 ? PetscTanhReal(s) / s : 1.0;
  default: { /* trainable */
    const PetscReal h = a->s_max / (a->n_nodes - 1);
    if (s >= a->s_max) return a->g[a->n_nodes - 1];
    const PetscInt  j = (PetscInt)PetscFloorReal(s / h);
    const PetscReal t = s / h - j;
    return (1.0 - t) * a->g[j] + t * a->g[j + 1];
  }
  }
}

/* phi on n groups of G consecutive channels: phi(z_G) = g(|z_G|) z_G (G = 1: the pointwise g(|s|) s,
   which for tanh is tanh(s)) */
static inline void RefGroupActivation(const RefAct *a, PetscInt G, PetscInt n, const PetscReal z[], PetscReal phi[])
{
  for (PetscInt i = 0; i < n; i++) {
    PetscReal s2 = 0.0, g;
    for (PetscInt c = 0; c < G; c++) s2 += z[i * G + c] * z[i * G + c];
    g = RefDiffusivity(a, PetscSqrtReal(s2));
    for (PetscInt c = 0; c < G; c++) phi[i * G + c] = g * z[i * G + c];
  }
}

/* ---- Parameters by group name (docs/networks.md's group table) ------------------------------------ */
/* theta + offset of the group `name`, after checking its shape: conv kernels [c_out, c_in, k, k],
   everything else [n]. An unknown name or another shape is an error naming the group. */
static inline PetscErrorCode RefGroup(PdennModel m, const char name[], PetscInt ndim, const PetscInt shape[], const PetscReal **p)
{
  PetscInt   ng;
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumGroups(m, &ng));
  PetscCall(PdennModelGetParameters(m, &theta));
  for (PetscInt g = 0; g < ng; g++) {
    const char     *gname;
    const PetscInt *gshape;
    PetscInt        off, gdim;
    PetscBool       same;
    PetscCall(PdennModelGetGroup(m, g, &gname, &off, &gdim, &gshape));
    PetscCall(PetscStrcmp(gname, name, &same));
    if (!same) continue;
    PetscCheck(gdim == ndim, PETSC_COMM_SELF, PETSC_ERR_PLIB, "group %s has %" PetscInt_FMT " dimensions; docs/networks.md says %" PetscInt_FMT, name, gdim, ndim);
    for (PetscInt d = 0; d < ndim; d++) PetscCheck(gshape[d] == shape[d], PETSC_COMM_SELF, PETSC_ERR_PLIB, "group %s: axis %" PetscInt_FMT " has %" PetscInt_FMT " entries; docs/networks.md says %" PetscInt_FMT, name, d, gshape[d], shape[d]);
    *p = theta + off;
    PetscFunctionReturn(0);
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_PLIB, "the model has no parameter group %s (docs/networks.md's group table)", name);
}
