/* The convolution layer's edge-ghost path (op.h's PdennEdgeHalo: owned points read in place, only
   2r points per side through small buffers) against the whole-vector ghost exchange
   (PdennDMDAGetGhostedArray) with the same kernels: y = W x + b, x = W^T v and dw, db (summed
   over ranks) for 1 -> 8, 8 -> 8, 8 -> 1 and 2 -> 3 (radius 2) with reflecting and zero
   boundaries, on grids where every rank owns >= 2r points (the layer must take the edge path) and
   on one too small for that (it must fall back). Forward and adjoint agree to rounding of the
   same sums (1e-14 relative); the weight gradient is summed in three pieces (1e-13). */
#include <pdenn/nn.h>
#include "pdenn_test.h"

static PetscErrorCode Fill(Vec x, PetscReal a)
{
  PetscInt   lo, hi;
  PetscReal *xa;

  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(x, &lo, &hi));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt i = lo; i < hi; i++) xa[i - lo] = PetscSinReal(a * i + 0.3) + 0.2 * PetscCosReal(3.7 * i);
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

/* the reference: whole-vector ghosts, kernels over the whole owned range */
static PetscErrorCode Reference(const PdennConv1d *conv, DM da_in, DM da_out, Vec x, Vec v, Vec y, Vec xt, PetscReal dw[], PetscReal db[])
{
  Vec        li, lo;
  PetscReal *a, *b;
  PetscInt   n;
  PetscBool  at_left, at_right;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(da_in, &li));
  PetscCall(DMGetLocalVector(da_out, &lo));
  PetscCall(PdennDMDAGetGhostedArray(da_in, x, li, conv->bc, &a, &n, &at_left, &at_right));
  PetscCall(VecGetArray(y, &b));
  PetscCall(PdennConv1dForward(conv, n, a, b));
  PetscCall(VecRestoreArray(y, &b));
  PetscCall(VecGetArray(v, &b));
  PetscCall(PdennConv1dWeightGrad(conv, n, a, b, dw, db));
  PetscCall(VecRestoreArray(v, &b));
  PetscCall(VecRestoreArray(li, NULL));
  PetscCall(PdennDMDAGetGhostedArray(da_out, v, lo, PDENN_BC_ZERO, &a, &n, &at_left, &at_right));
  PetscCall(VecGetArray(xt, &b));
  PetscCall(PdennConv1dAdjoint(conv, n, at_left, at_right, a, b));
  PetscCall(VecRestoreArray(xt, &b));
  PetscCall(VecRestoreArray(lo, NULL));
  PetscCall(DMRestoreLocalVector(da_in, &li));
  PetscCall(DMRestoreLocalVector(da_out, &lo));
  PetscFunctionReturn(0);
}

/* layer vs reference on one layout; d = {y, W^T v, dw and db} differences */
static PetscErrorCode Compare(PdennConvLayer *layer, PetscReal d[3])
{
  const PdennConv1d *c         = &layer->conv;
  const PetscInt     nw        = c->c_out * c->c_in * (2 * c->radius + 1);
  PetscReal          g[2][600] = {{0}};
  Vec                x, v, y, y_ref, xt, xt_ref;
  MPI_Comm           comm;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(layer->da_in, &x));
  PetscCall(VecDuplicate(x, &xt));
  PetscCall(VecDuplicate(x, &xt_ref));
  PetscCall(DMCreateGlobalVector(layer->da_out, &v));
  PetscCall(VecDuplicate(v, &y));
  PetscCall(VecDuplicate(v, &y_ref));
  PetscCall(Fill(x, 0.71));
  PetscCall(Fill(v, 0.37));
  PetscCall(PdennConvLayerForward(layer, x, y));
  PetscCall(PdennConvLayerAdjoint(layer, v, xt));
  PetscCall(PdennConvLayerWeightGrad(layer, x, v, g[0], g[0] + nw));
  PetscCall(Reference(c, layer->da_in, layer->da_out, x, v, y_ref, xt_ref, g[1], g[1] + nw));
  PetscCall(PetscObjectGetComm((PetscObject)x, &comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, g, 2 * 600, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(PdennTestRelDiff(y, y_ref, NORM_INFINITY, 1.0, &d[0]));
  PetscCall(PdennTestRelDiff(xt, xt_ref, NORM_INFINITY, 1.0, &d[1]));
  d[2] = PdennTestArrayRelDiff(nw + c->c_out, g[0], g[1]);
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&xt));
  PetscCall(VecDestroy(&xt_ref));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&y_ref));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunCase(PetscInt N, PetscInt ci, PetscInt co, PetscInt r, PdennBoundary bc)
{
  const PetscReal tol[3] = {1e-14, 1e-14, 1e-13};
  PetscReal       w[600], b[8], d[3];
  PdennConv1d     conv;
  PdennConvLayer  layer;
  DM              da_in, da_out;
  PetscInt        xm;
  PetscMPIInt     small;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < co * ci * (2 * r + 1); i++) w[i] = PetscSinReal(1.3 * i + 0.4);
  for (PetscInt i = 0; i < co; i++) b[i] = 0.1 * (i + 1);
  conv = (PdennConv1d){ci, co, r, bc, w, b};
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, ci, r, &da_in));
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, co, r, &da_out));
  PetscCall(PdennDMDAGetOwnership(da_in, NULL, &xm, NULL, NULL));
  small = (PetscMPIInt)(xm < 2 * r);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &small, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD));
  PetscCall(PdennConvLayerSetUp(&layer, da_in, da_out, conv));
  PetscCheck(layer.edges == (PetscBool)!small, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "N %" PetscInt_FMT ": the layer %s the edge path", N, layer.edges ? "took" : "did not take");
  PetscCall(Compare(&layer, d));
  for (PetscInt k = 0; k < 3; k++) PetscCheck(d[k] <= tol[k], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "N %" PetscInt_FMT ", %" PetscInt_FMT " -> %" PetscInt_FMT " radius %" PetscInt_FMT ", %s, %s: %s differs from the whole-vector ghosts by %g > %g", N, ci, co, r, PdennBoundaryTypes[bc], layer.edges ? "edges" : "fallback", k == 0 ? "W x + b" : k == 1 ? "W^T v"
                                                                                                                                                                                                                                                                                                                                                          : "dw, db",
                                              (double)d[k], (double)tol[k]);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "N %" PetscInt_FMT " %" PetscInt_FMT " -> %" PetscInt_FMT " r %" PetscInt_FMT " %s (%s): %g %g %g\n", N, ci, co, r, PdennBoundaryTypes[bc], layer.edges ? "edges" : "fallback", (double)d[0], (double)d[1], (double)d[2]));
  PetscCall(PdennConvLayerDestroy(&layer));
  PetscCall(DMDestroy(&da_in));
  PetscCall(DMDestroy(&da_out));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PetscInt      shapes[4][3] = {{1, 8, 1}, {8, 8, 1}, {8, 1, 1}, {2, 3, 2}};
  const PdennBoundary bcs[2]       = {PDENN_BC_REFLECT, PDENN_BC_ZERO};

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Convolution layer: edge ghosts against whole-vector ghosts"));
  for (PetscInt s = 0; s < 4; s++)
    for (PetscInt k = 0; k < 2; k++) PetscCall(RunCase(37, shapes[s][0], shapes[s][1], shapes[s][2], bcs[k]));
  PetscCall(RunCase(8, 2, 3, 2, PDENN_BC_REFLECT)); /* 8 points: 4 ranks own 2 < 2r each */
  PetscCall(RunCase(5, 1, 8, 1, PDENN_BC_REFLECT)); /* 5 points: 4 ranks own 1 or 2 */
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "conv edges checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
