/* Multi-channel convolution W on DMDAs of dimension 2 or 3 (docs/networks.md, "Layers in d
   dimensions"): y = W x + b with cubic kernels of radius r, stride 1 or 2, reflecting (the half-sample
   mirror of docs/science.md §7.2) or zero boundaries; its exact adjoint W^T (for stride 2 the
   transposed convolution) and its weight gradient. One sweep over the output rows and the kernel
   rows serves all three; only the product inside a row differs. */
#include <pdenn/op.h>

typedef enum {
  SWEEP_FORWARD,    /* y(P) += k(o) x(s P + o) */
  SWEEP_ADJOINT,    /* x(s P + o) += k(o)^T y(P), scattered */
  SWEEP_WEIGHT_GRAD /* k(o) += y(P) x(s P + o)^T */
} SweepMode;

static inline PetscInt BoxIndex(const PdennGridBox *b, PetscInt x, PetscInt y, PetscInt z)
{
  return (x - b->s[0]) + b->m[0] * ((y - b->s[1]) + b->m[1] * (z - b->s[2]));
}

/* The row products are written once with the channel count m as a parameter (always inlined) and
   instantiated with m known where that measured faster (2D, 128^2 points, radius 1, one rank of
   this machine, a scratch loop of 50 calls; ms per call, generic -> instantiated): forward m = 1
   (8 -> 1 channels) 2.0 -> 0.6; adjoint m = 8 (8 -> 8) 4.4 -> 1.8 and (8 -> 1) 2.5 -> 0.3, m = 1
   (1 -> 8) 0.75 -> 0.5; weight gradient m = 1 (8 -> 1) 2.5 -> 0.2. Forward and weight gradient
   with m = 8 were slower instantiated. The arithmetic, and its order, is the same in every
   instance, so the results do not depend on which one runs. */
#define PDENN_INLINE static inline __attribute__((always_inline))

/* In a row of n output points: p_i[0..m) += sum_{q < len} win_i[q] k[q][0..m), win_i = win + i cw
   (the x-window of 2r+1 input points, cw = stride c_in apart). */
PDENN_INLINE void RowForwardM(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict k, const PetscReal *restrict win, PetscReal *restrict p)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt q = 0; q < len; q++) {
      const PetscReal a = win[i * cw + q], *kq = k + q * m;
      for (PetscInt c = 0; c < m; c++) p[i * m + c] += a * kq[c];
    }
}

/* win_i[q] += sum_c k[q][c] p_i[c]: the transposed product. Windows overlap, so the points go in
   order: every value of win sums its contributions in the order of the output points. */
PDENN_INLINE void RowAdjointM(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict k, const PetscReal *restrict p, PetscReal *restrict win)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt q = 0; q < len; q++) {
      PetscReal acc = 0.0;
      for (PetscInt c = 0; c < m; c++) acc += k[q * m + c] * p[i * m + c];
      win[i * cw + q] += acc;
    }
}

/* dk[q][c] += sum_i win_i[q] p_i[c] */
PDENN_INLINE void RowWeightGradM(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict win, const PetscReal *restrict p, PetscReal *restrict dk)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt q = 0; q < len; q++) {
      const PetscReal a = win[i * cw + q];
      for (PetscInt c = 0; c < m; c++) dk[q * m + c] += a * p[i * m + c];
    }
}

static void RowForward(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *k, const PetscReal *win, PetscReal *p)
{
  if (m == 1)
    RowForwardM(n, cw, len, 1, k, win, p);
  else
    RowForwardM(n, cw, len, m, k, win, p);
}

static void RowAdjoint(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *k, const PetscReal *p, PetscReal *win)
{
  if (m == 8)
    RowAdjointM(n, cw, len, 8, k, p, win);
  else if (m == 1)
    RowAdjointM(n, cw, len, 1, k, p, win);
  else
    RowAdjointM(n, cw, len, m, k, p, win);
}

static void RowWeightGrad(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *win, const PetscReal *p, PetscReal *dk)
{
  if (m == 1)
    RowWeightGradM(n, cw, len, 1, win, p, dk);
  else
    RowWeightGradM(n, cw, len, m, win, p, dk);
}

/* The one stencil loop: for every output point P of `pts` (rows along x) and kernel row (o_y, o_z),
   the x-window at s P + (-r, o_y, o_z) of the input-side array xa (box xb) against P's values in
   the output-side array pa (box pb), with the kernel k in the layout [t][ci][co]. */
static void Sweep(const PdennConvNd *conv, SweepMode mode, const PdennGridBox *pts, const PdennGridBox *pb, PetscReal *pa, const PdennGridBox *xb, PetscReal *xa, PetscReal *k)
{
  const PetscInt s = conv->stride, r = conv->radius, kw = 2 * r + 1, rz = conv->dim == 3 ? r : 0;
  const PetscInt ci = conv->c_in, co = conv->c_out, len = kw * ci, n = pts->m[0], x0 = pts->s[0];

  for (PetscInt z = pts->s[2]; z < pts->s[2] + pts->m[2]; z++)
    for (PetscInt y = pts->s[1]; y < pts->s[1] + pts->m[1]; y++) {
      PetscReal *p = pa + co * BoxIndex(pb, x0, y, z);
      for (PetscInt oz = -rz; oz <= rz; oz++)
        for (PetscInt oy = -r; oy <= r; oy++) {
          PetscReal *win = xa + ci * BoxIndex(xb, s * x0 - r, s * y + oy, s * z + oz);
          PetscReal *kr  = k + ((oz + rz) * kw + oy + r) * len * co;
          switch (mode) {
          case SWEEP_FORWARD: RowForward(n, s * ci, len, co, kr, win, p); break;
          case SWEEP_ADJOINT: RowAdjoint(n, s * ci, len, co, kr, p, win); break;
          case SWEEP_WEIGHT_GRAD: RowWeightGrad(n, s * ci, len, co, win, p, kr); break;
          }
        }
    }
}

/* (2r + 1)^d kernel points */
static PetscInt KernelPoints(const PdennConvNd *conv)
{
  PetscInt nt = 1;

  for (PetscInt a = 0; a < conv->dim; a++) nt *= 2 * conv->radius + 1;
  return nt;
}

/* k[t][ci][co] = w[co][ci][t] (to_sweep) or w[co][ci][t] += k[t][ci][co] */
static void TransposeWeights(const PdennConvNd *conv, PetscBool to_sweep, PetscReal *w, PetscReal *k)
{
  const PetscInt nt = KernelPoints(conv);

  for (PetscInt co = 0; co < conv->c_out; co++)
    for (PetscInt ci = 0; ci < conv->c_in; ci++)
      for (PetscInt t = 0; t < nt; t++) {
        const PetscInt iw = (co * conv->c_in + ci) * nt + t, ik = (t * conv->c_in + ci) * conv->c_out + co;
        if (to_sweep)
          k[ik] = w[iw];
        else
          w[iw] += k[ik];
      }
}

static PetscErrorCode GetBox(DM da, PetscInt dim, PetscBool ghosted, PdennGridBox *b)
{
  PetscInt s[3], m[3];

  PetscFunctionBeginUser;
  if (ghosted)
    PetscCall(DMDAGetGhostCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  else
    PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  for (PetscInt a = 0; a < 3; a++) b->s[a] = a < dim ? s[a] : 0, b->m[a] = a < dim ? m[a] : 1;
  PetscFunctionReturn(0);
}

/* x's ghosted box, y's owned and ghosted boxes, and the adjoint's scatter box: every point that
   the output's ghosted box reaches, and x's ghosted box. */
static PetscErrorCode SetUpBoxes(PdennConvNd *conv)
{
  const PetscInt      s = conv->stride, r = conv->radius;
  const PdennGridBox *ig = &conv->in_ghosted, *og = &conv->out_ghosted;

  PetscFunctionBeginUser;
  PetscCall(GetBox(conv->da_in, conv->dim, PETSC_TRUE, &conv->in_ghosted));
  PetscCall(GetBox(conv->da_out, conv->dim, PETSC_FALSE, &conv->out_owned));
  PetscCall(GetBox(conv->da_out, conv->dim, PETSC_TRUE, &conv->out_ghosted));
  conv->scatter = conv->in_ghosted;
  for (PetscInt a = 0; a < conv->dim; a++) {
    const PetscInt lo = PetscMin(s * og->s[a] - r, ig->s[a]), hi = PetscMax(s * (og->s[a] + og->m[a] - 1) + r + 1, ig->s[a] + ig->m[a]);
    conv->scatter.s[a] = lo;
    conv->scatter.m[a] = hi - lo;
  }
  PetscFunctionReturn(0);
}

/* What the boxes and the ghost map rely on; the rank-local conditions are reduced so every rank
   stops together. */
static PetscErrorCode CheckGrids(PdennConvNd *conv)
{
  const PetscInt s = conv->stride, r = conv->radius;
  MPI_Comm       comm;
  PetscInt       dim_out, Mi[3], Mo[3], sw_in, sw_out, bad = 0;
  DMBoundaryType bi[3], bo[3];
  PdennGridBox   io, oo;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)conv->da_in, &comm));
  PetscCall(DMDAGetInfo(conv->da_in, &conv->dim, &Mi[0], &Mi[1], &Mi[2], NULL, NULL, NULL, &conv->c_in, &sw_in, &bi[0], &bi[1], &bi[2], NULL));
  PetscCall(DMDAGetInfo(conv->da_out, &dim_out, &Mo[0], &Mo[1], &Mo[2], NULL, NULL, NULL, &conv->c_out, &sw_out, &bo[0], &bo[1], &bo[2], NULL));
  PetscCheck((conv->dim == 2 || conv->dim == 3) && dim_out == conv->dim, comm, PETSC_ERR_ARG_WRONG, "d-dimensional convolution: DMDAs of dimension %" PetscInt_FMT " -> %" PetscInt_FMT "; expected both 2 or both 3", conv->dim, dim_out);
  PetscCheck((s == 1 || s == 2) && r >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "d-dimensional convolution: stride %" PetscInt_FMT ", radius %" PetscInt_FMT "; expected stride 1 or 2 and radius >= 0", s, r);
  PetscCheck(sw_in >= r && sw_out >= (r + s - 1) / s, comm, PETSC_ERR_ARG_INCOMP, "d-dimensional convolution of radius %" PetscInt_FMT ", stride %" PetscInt_FMT ": ghost widths %" PetscInt_FMT " (input), %" PetscInt_FMT " (output); expected >= %" PetscInt_FMT " and >= %" PetscInt_FMT, r, s, sw_in, sw_out, r, (r + s - 1) / s);
  PetscCall(GetBox(conv->da_in, conv->dim, PETSC_FALSE, &io));
  PetscCall(GetBox(conv->da_out, conv->dim, PETSC_FALSE, &oo));
  for (PetscInt a = 0; a < conv->dim; a++) {
    PetscCheck(Mo[a] == (Mi[a] - 1) / s + 1 && bi[a] == DM_BOUNDARY_GHOSTED && bo[a] == DM_BOUNDARY_GHOSTED, comm, PETSC_ERR_ARG_INCOMP, "d-dimensional convolution of stride %" PetscInt_FMT ": axis %" PetscInt_FMT " has %" PetscInt_FMT " -> %" PetscInt_FMT " points; expected (M - 1)/stride + 1 output points and DM_BOUNDARY_GHOSTED (PdennDMDACreate, PdennDMDACreateCoarse)", s, a, Mi[a], Mo[a]);
    /* the output box of the input box [xs, xe) is [ceil(xs/s), ceil(xe/s)) */
    if (oo.s[a] != (io.s[a] + s - 1) / s || oo.s[a] + oo.m[a] != (io.s[a] + io.m[a] + s - 1) / s || io.m[a] < PetscMax(sw_in, 1)) bad = 1;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, comm));
  PetscCheck(!bad, comm, PETSC_ERR_ARG_INCOMP, "d-dimensional convolution of stride %" PetscInt_FMT ", radius %" PetscInt_FMT ": a rank's output box is not the %s of its input box, or it owns fewer points along an axis than the ghost width %" PetscInt_FMT "; create the input DMDA with PdennDMDACreate and the output DMDA with %s", s, r, s == 1 ? "copy" : "coarse grid", sw_in, s == 1 ? "DMDACreateCompatibleDMDA" : "PdennDMDACreateCoarse");
  PetscFunctionReturn(0);
}

/* The physical ghosts of x's ghosted box in the box's order and the points whose values they take,
   read off nat (natural indices after the mirror fill); returns their number, records if asked. */
static PetscInt ListGhosts(PdennConvNd *conv, const PetscInt M[3], const PetscReal *nat, PetscBool record)
{
  const PdennGridBox *b = &conv->in_ghosted;
  PetscInt            n = 0, i = 0;

  for (PetscInt z = b->s[2]; z < b->s[2] + b->m[2]; z++)
    for (PetscInt y = b->s[1]; y < b->s[1] + b->m[1]; y++)
      for (PetscInt x = b->s[0]; x < b->s[0] + b->m[0]; x++, i++) {
        if (x >= 0 && x < M[0] && y >= 0 && y < M[1] && z >= 0 && z < M[2]) continue;
        if (record) {
          const PetscInt src = (PetscInt)nat[i], qx = src % M[0], qy = (src / M[0]) % M[1], qz = src / (M[0] * M[1]);
          conv->ghost_loc[n]  = i;
          conv->mirror_loc[n] = BoxIndex(b, qx, qy, qz);
          conv->ghost_buf[n]  = BoxIndex(&conv->scatter, x, y, z);
          conv->mirror_buf[n] = BoxIndex(&conv->scatter, qx, qy, qz);
        }
        n++;
      }
  return n;
}

/* The ghost map, taken from PdennGridOpGhosts itself (it fills a vector of natural indices), so the
   reflecting boundary here is the 2D scheme's by construction. One list serves the fill and, read
   backwards, the adjoint's fold. */
static PetscErrorCode GhostMapCreate(PdennConvNd *conv)
{
  DM               da1;
  PdennGridOp      op;
  Vec              g, l;
  PetscReal       *ga;
  const PetscReal *la;
  PdennGridBox     own;
  PetscInt         i = 0;

  PetscFunctionBeginUser;
  PetscCall(DMDACreateCompatibleDMDA(conv->da_in, 1, &da1));
  PetscCall(PdennGridOpSetUp(&op, da1, 2, 1.0));
  PetscCall(DMCreateGlobalVector(da1, &g));
  PetscCall(DMCreateLocalVector(da1, &l));
  PetscCall(GetBox(da1, conv->dim, PETSC_FALSE, &own));
  PetscCall(VecGetArray(g, &ga));
  for (PetscInt z = own.s[2]; z < own.s[2] + own.m[2]; z++)
    for (PetscInt y = own.s[1]; y < own.s[1] + own.m[1]; y++)
      for (PetscInt x = own.s[0]; x < own.s[0] + own.m[0]; x++) ga[i++] = (PetscReal)(x + op.M[0] * (y + op.M[1] * z));
  PetscCall(VecRestoreArray(g, &ga));
  PetscCall(PdennGridOpGhosts(&op, da1, g, l, PDENN_BC_REFLECT));
  PetscCall(VecGetArrayRead(l, &la));
  conv->n_ghost = ListGhosts(conv, op.M, la, PETSC_FALSE);
  PetscCall(PetscMalloc4(conv->n_ghost, &conv->ghost_loc, conv->n_ghost, &conv->mirror_loc, conv->n_ghost, &conv->ghost_buf, conv->n_ghost, &conv->mirror_buf));
  ListGhosts(conv, op.M, la, PETSC_TRUE);
  PetscCall(VecRestoreArrayRead(l, &la));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&l));
  PetscCall(PdennGridOpDestroy(&op));
  PetscCall(DMDestroy(&da1));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdSetUp(PdennConvNd *conv, DM da_in, DM da_out, PetscInt radius, PetscInt stride, PdennBoundary bc, const PetscReal *w, const PetscReal *b)
{
  const PdennGridBox *sb = &conv->scatter;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(conv, sizeof(*conv)));
  conv->radius = radius, conv->stride = stride, conv->bc = bc, conv->w = w, conv->b = b;
  conv->da_in = da_in, conv->da_out = da_out;
  PetscCall(CheckGrids(conv));
  PetscCall(PetscObjectReference((PetscObject)da_in));
  PetscCall(PetscObjectReference((PetscObject)da_out));
  PetscCall(SetUpBoxes(conv));
  PetscCall(GhostMapCreate(conv));
  PetscCall(DMCreateLocalVector(da_in, &conv->in_loc));
  PetscCall(DMCreateLocalVector(da_out, &conv->out_loc));
  PetscCall(PetscMalloc2(sb->m[0] * sb->m[1] * sb->m[2] * conv->c_in, &conv->buf, KernelPoints(conv) * conv->c_in * conv->c_out, &conv->k));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdDestroy(PdennConvNd *conv)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&conv->in_loc));
  PetscCall(VecDestroy(&conv->out_loc));
  PetscCall(PetscFree2(conv->buf, conv->k));
  PetscCall(PetscFree4(conv->ghost_loc, conv->mirror_loc, conv->ghost_buf, conv->mirror_buf));
  PetscCall(DMDestroy(&conv->da_in));
  PetscCall(DMDestroy(&conv->da_out));
  PetscFunctionReturn(0);
}

/* x's ghosted array: neighbours' points by the ghost exchange, physical ghosts mirrored or zero */
static PetscErrorCode GhostedInput(PdennConvNd *conv, Vec x, PetscReal **xa)
{
  const PetscInt c = conv->c_in;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocal(conv->da_in, x, INSERT_VALUES, conv->in_loc));
  PetscCall(VecGetArray(conv->in_loc, xa));
  for (PetscInt j = 0; j < conv->n_ghost; j++)
    for (PetscInt ch = 0; ch < c; ch++) (*xa)[conv->ghost_loc[j] * c + ch] = conv->bc == PDENN_BC_REFLECT ? (*xa)[conv->mirror_loc[j] * c + ch] : 0.0;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdForward(PdennConvNd *conv, Vec x, Vec y)
{
  const PdennGridBox *ob = &conv->out_owned;
  const PetscInt      n = ob->m[0] * ob->m[1] * ob->m[2], co = conv->c_out;
  PetscReal          *xa, *ya;

  PetscFunctionBeginUser;
  PetscCall(GhostedInput(conv, x, &xa));
  PetscCall(VecGetArray(y, &ya));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < co; c++) ya[i * co + c] = conv->b ? conv->b[c] : 0.0;
  TransposeWeights(conv, PETSC_TRUE, (PetscReal *)conv->w, conv->k);
  Sweep(conv, SWEEP_FORWARD, ob, ob, ya, &conv->in_ghosted, xa, conv->k);
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArray(conv->in_loc, &xa));
  PetscFunctionReturn(0);
}

/* The transpose of "ghost fill, then stencil": the transposed stencil scattered from every output
   point the rank sees (owned and ghost, v = 0 outside the grid) into the scatter box, then each
   physical ghost's value added to the point it was a copy of (reflecting; zero: dropped). The
   rank's own points thus get all their contributions here, in the order of the output points, and
   no reverse scatter (whose sums would depend on the decomposition) is needed. */
PetscErrorCode PdennConvNdAdjoint(PdennConvNd *conv, Vec v, Vec x)
{
  const PdennGridBox *sb = &conv->scatter;
  const PetscInt      c  = conv->c_in;
  PdennGridBox        io;
  PetscReal          *va, *xa;
  PetscInt            o = 0;

  PetscFunctionBeginUser;
  PetscCall(VecSet(conv->out_loc, 0.0)); /* the physical ghosts stay 0 through the exchange */
  PetscCall(DMGlobalToLocal(conv->da_out, v, INSERT_VALUES, conv->out_loc));
  PetscCall(PetscArrayzero(conv->buf, sb->m[0] * sb->m[1] * sb->m[2] * c));
  TransposeWeights(conv, PETSC_TRUE, (PetscReal *)conv->w, conv->k);
  PetscCall(VecGetArray(conv->out_loc, &va));
  Sweep(conv, SWEEP_ADJOINT, &conv->out_ghosted, &conv->out_ghosted, va, sb, conv->buf, conv->k);
  PetscCall(VecRestoreArray(conv->out_loc, &va));
  for (PetscInt j = 0; j < conv->n_ghost && conv->bc == PDENN_BC_REFLECT; j++)
    for (PetscInt ch = 0; ch < c; ch++) conv->buf[conv->mirror_buf[j] * c + ch] += conv->buf[conv->ghost_buf[j] * c + ch];
  PetscCall(GetBox(conv->da_in, conv->dim, PETSC_FALSE, &io));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt z = io.s[2]; z < io.s[2] + io.m[2]; z++)
    for (PetscInt y = io.s[1]; y < io.s[1] + io.m[1]; y++, o += io.m[0] * c) PetscCall(PetscArraycpy(xa + o, conv->buf + c * BoxIndex(sb, io.s[0], y, z), io.m[0] * c));
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdWeightGrad(PdennConvNd *conv, Vec x, Vec v, PetscReal dw[], PetscReal db[])
{
  const PdennGridBox *ob = &conv->out_owned;
  const PetscInt      n = ob->m[0] * ob->m[1] * ob->m[2], co = conv->c_out;
  PetscReal          *xa;
  const PetscReal    *va;

  PetscFunctionBeginUser;
  PetscCall(GhostedInput(conv, x, &xa));
  PetscCall(VecGetArrayRead(v, &va));
  PetscCall(PetscArrayzero(conv->k, KernelPoints(conv) * conv->c_in * co));
  Sweep(conv, SWEEP_WEIGHT_GRAD, ob, ob, (PetscReal *)va, &conv->in_ghosted, xa, conv->k);
  TransposeWeights(conv, PETSC_FALSE, dw, conv->k);
  for (PetscInt i = 0; i < n && db; i++)
    for (PetscInt c = 0; c < co; c++) db[c] += va[i * co + c];
  PetscCall(VecRestoreArrayRead(v, &va));
  PetscCall(VecRestoreArray(conv->in_loc, &xa));
  PetscFunctionReturn(0);
}
