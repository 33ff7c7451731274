/* The convolution layer of the networks: op.h's multi-channel convolution W (the stencil code of
   the classical schemes) on DMDA vectors, with its exact adjoint W^T and weight gradient, so
   y = W x + b, its backward pass and the transposed convolution y = W^T v share one kernel.
   Ghosts: only the rank's edges are exchanged (op.h's PdennEdgeHalo) when every rank owns 2r
   points, else the whole vector goes through DMGlobalToLocal. On DMDAs of dimension 2 or 3 the
   layer is op.h's d-dimensional convolution PdennConvNd (stride 1) with the same descriptor. */
#include <pdenn/nn.h>

PetscErrorCode PdennConvLayerSetUp(PdennConvLayer *layer, DM da_in, DM da_out, PdennConv1d conv)
{
  PetscInt dof_in, dof_out, sw_in, sw_out;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da_in, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_in, &sw_in, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetInfo(da_out, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_out, &sw_out, NULL, NULL, NULL, NULL));
  PetscCheck(dof_in == conv.c_in && dof_out == conv.c_out, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA dofs (%" PetscInt_FMT ", %" PetscInt_FMT ") do not match the convolution's channels (%" PetscInt_FMT ", %" PetscInt_FMT ")", dof_in, dof_out, conv.c_in, conv.c_out);
  PetscCheck(sw_in >= conv.radius && sw_out >= conv.radius, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA ghost widths (%" PetscInt_FMT ", %" PetscInt_FMT ") are below the kernel radius %" PetscInt_FMT, sw_in, sw_out, conv.radius);
  PetscBool ok_in, ok_out;
  PetscInt  dim;

  layer->conv   = conv;
  layer->da_in  = da_in;
  layer->da_out = da_out;
  PetscCall(DMGetDimension(da_in, &dim));
  layer->is_nd = (PetscBool)(dim > 1);
  if (layer->is_nd) {
    PetscCall(PetscMemzero(&layer->edge_in, sizeof(layer->edge_in)));
    PetscCall(PetscMemzero(&layer->edge_out, sizeof(layer->edge_out)));
    layer->edges  = PETSC_FALSE;
    layer->in_loc = layer->out_loc = NULL;
    PetscCall(PdennConvNdSetUp(&layer->nd, da_in, da_out, conv.radius, 1, conv.bc, conv.w, conv.b));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennEdgeHaloCreate(da_in, conv.radius, &layer->edge_in, &ok_in));
  PetscCall(PdennEdgeHaloCreate(da_out, conv.radius, &layer->edge_out, &ok_out));
  layer->edges  = (PetscBool)(ok_in && ok_out);
  layer->in_loc = layer->out_loc = NULL;
  if (layer->edges) PetscFunctionReturn(0);
  PetscCall(DMCreateLocalVector(da_in, &layer->in_loc));
  PetscCall(DMCreateLocalVector(da_out, &layer->out_loc));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvLayerDestroy(PdennConvLayer *layer)
{
  PetscFunctionBeginUser;
  if (layer->is_nd) PetscCall(PdennConvNdDestroy(&layer->nd));
  PetscCall(PdennEdgeHaloDestroy(&layer->edge_in));
  PetscCall(PdennEdgeHaloDestroy(&layer->edge_out));
  PetscCall(VecDestroy(&layer->in_loc));
  PetscCall(VecDestroy(&layer->out_loc));
  PetscFunctionReturn(0);
}

/* The d-dimensional convolution reads the weights through the descriptor's current pointers. */
static PdennConvNd *Nd(PdennConvLayer *layer)
{
  layer->nd.w = layer->conv.w;
  layer->nd.b = layer->conv.b;
  return &layer->nd;
}

/* x's edge ghosts by bc and the pieces of its owned range (edges mode); release with
   VecRestoreArrayRead(x, &xa) */
static PetscErrorCode EdgePieces(PdennEdgeHalo *h, Vec x, PdennBoundary bc, const PetscReal **xa, PdennEdgePiece p[3], PetscInt *np)
{
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(x, xa));
  PetscCall(PdennEdgeHaloFill(h, *xa, bc));
  PdennEdgeHaloPieces(h, *xa, p, np);
  PetscFunctionReturn(0);
}

static PetscErrorCode ForwardEdges(PdennConvLayer *layer, Vec x, Vec y)
{
  const PetscReal *xa;
  PetscReal       *ya;
  PdennEdgePiece   p[3];
  PetscInt         np;

  PetscFunctionBeginUser;
  PetscCall(EdgePieces(&layer->edge_in, x, layer->conv.bc, &xa, p, &np));
  PetscCall(VecGetArray(y, &ya));
  for (PetscInt k = 0; k < np; k++) PetscCall(PdennConv1dForward(&layer->conv, p[k].n, p[k].in, ya + p[k].off * layer->conv.c_out));
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscFunctionReturn(0);
}

static PetscErrorCode AdjointEdges(PdennConvLayer *layer, Vec v, Vec x)
{
  const PetscReal *va;
  PetscReal       *xa;
  PdennEdgePiece   p[3];
  PetscInt         np;

  PetscFunctionBeginUser;
  PetscCall(EdgePieces(&layer->edge_out, v, PDENN_BC_ZERO, &va, p, &np));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt k = 0; k < np; k++) PetscCall(PdennConv1dAdjoint(&layer->conv, p[k].n, p[k].at_left, p[k].at_right, p[k].in, xa + p[k].off * layer->conv.c_in));
  PetscCall(VecRestoreArray(x, &xa));
  PetscCall(VecRestoreArrayRead(v, &va));
  PetscFunctionReturn(0);
}

static PetscErrorCode WeightGradEdges(PdennConvLayer *layer, Vec x, Vec v, PetscReal dw[], PetscReal db[])
{
  const PetscReal *xa, *va;
  PdennEdgePiece   p[3];
  PetscInt         np;

  PetscFunctionBeginUser;
  PetscCall(EdgePieces(&layer->edge_in, x, layer->conv.bc, &xa, p, &np));
  PetscCall(VecGetArrayRead(v, &va));
  for (PetscInt k = 0; k < np; k++) PetscCall(PdennConv1dWeightGrad(&layer->conv, p[k].n, p[k].in, va + p[k].off * layer->conv.c_out, dw, db));
  PetscCall(VecRestoreArrayRead(v, &va));
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvLayerForward(PdennConvLayer *layer, Vec x, Vec y)
{
  PetscReal *xa, *ya;
  PetscInt   n;
  PetscBool  at_left, at_right;

  PetscFunctionBeginUser;
  if (layer->is_nd) {
    PetscCall(PdennConvNdForward(Nd(layer), x, y));
    PetscFunctionReturn(0);
  }
  if (layer->edges) {
    PetscCall(ForwardEdges(layer, x, y));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennDMDAGetGhostedArray(layer->da_in, x, layer->in_loc, layer->conv.bc, &xa, &n, &at_left, &at_right));
  PetscCall(VecGetArray(y, &ya));
  PetscCall(PdennConv1dForward(&layer->conv, n, xa, ya));
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArray(layer->in_loc, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvLayerAdjoint(PdennConvLayer *layer, Vec v, Vec x)
{
  PetscReal *va, *xa;
  PetscInt   n;
  PetscBool  at_left, at_right;

  PetscFunctionBeginUser;
  if (layer->is_nd) {
    PetscCall(PdennConvNdAdjoint(Nd(layer), v, x));
    PetscFunctionReturn(0);
  }
  if (layer->edges) {
    PetscCall(AdjointEdges(layer, v, x));
    PetscFunctionReturn(0);
  }
  /* the adjoint reads v at neighbours' points and zero outside the domain (op.h) */
  PetscCall(PdennDMDAGetGhostedArray(layer->da_out, v, layer->out_loc, PDENN_BC_ZERO, &va, &n, &at_left, &at_right));
  PetscCall(VecGetArray(x, &xa));
  PetscCall(PdennConv1dAdjoint(&layer->conv, n, at_left, at_right, va, xa));
  PetscCall(VecRestoreArray(x, &xa));
  PetscCall(VecRestoreArray(layer->out_loc, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvLayerWeightGrad(PdennConvLayer *layer, Vec x, Vec v, PetscReal dw[], PetscReal db[])
{
  PetscReal       *xa;
  const PetscReal *va;
  PetscInt         n;
  PetscBool        at_left, at_right;

  PetscFunctionBeginUser;
  if (layer->is_nd) {
    PetscCall(PdennConvNdWeightGrad(Nd(layer), x, v, dw, db));
    PetscFunctionReturn(0);
  }
  if (layer->edges) {
    PetscCall(WeightGradEdges(layer, x, v, dw, db));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennDMDAGetGhostedArray(layer->da_in, x, layer->in_loc, layer->conv.bc, &xa, &n, &at_left, &at_right));
  PetscCall(VecGetArrayRead(v, &va));
  PetscCall(PdennConv1dWeightGrad(&layer->conv, n, xa, va, dw, db));
  PetscCall(VecRestoreArrayRead(v, &va));
  PetscCall(VecRestoreArray(layer->in_loc, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvLayerBackward(PdennConvLayer *layer, Vec x, Vec dy, Vec dx, PetscReal dw[], PetscReal db[])
{
  PetscFunctionBeginUser;
  if (dx) PetscCall(PdennConvLayerAdjoint(layer, dy, dx));
  if (dw) PetscCall(PdennConvLayerWeightGrad(layer, x, dy, dw, layer->conv.b ? db : NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennChannelBiasAdd(Vec y, PetscInt c, const PetscReal b[])
{
  PetscReal *ya;
  PetscInt   m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(y, &m));
  PetscCall(VecGetArray(y, &ya));
  for (PetscInt i = 0; i < m; i += c) /* points outside, channels inside: no division per value */
    for (PetscInt ch = 0; ch < c; ch++) ya[i + ch] += b[ch];
  PetscCall(VecRestoreArray(y, &ya));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennChannelBiasGrad(Vec dy, PetscInt c, PetscReal db[])
{
  const PetscReal *da;
  PetscInt         m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(dy, &m));
  PetscCall(VecGetArrayRead(dy, &da));
  for (PetscInt i = 0; i < m; i += c) /* the same order of sums per channel as value by value */
    for (PetscInt ch = 0; ch < c; ch++) db[ch] += da[i + ch];
  PetscCall(VecRestoreArrayRead(dy, &da));
  PetscFunctionReturn(0);
}
