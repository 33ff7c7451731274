/* The d-dimensional convolution (src/op/convnd.c) for 2D and 3D, stride 1 and 2, radius 1 and 2,
   both boundaries and several channel counts: the adjoint identity <W x, y> = <x, W^T y> (1e-14
   relative to ||W x|| ||y||, the size of the terms summed), central differences of
   L = <v, W x + b> in three directions of (w, b) and in every bias (1e-6 relative; L is linear, so
   only rounding separates them), and W x + b and W^T y bitwise equal to one rank's (each rank
   repeats the run on PETSC_COMM_SELF under an empty options database). */
#include "op2dtest.h"

typedef struct {
  PetscInt      dim, stride, radius, c_in, c_out;
  PdennBoundary bc;
} Config;

/* What a run keeps: W x + b and W^T y in natural order, and the adjoint identity's defect */
typedef struct {
  PetscReal *wx, *wty;
  PetscInt   n_out, n_in;
  PetscReal  adj;
} Result;

static const PetscInt GridSize[2][3] = {{14, 11, 1}, {9, 8, 7}};

static PetscInt NumWeights(const Config *c)
{
  PetscInt nt = 1;

  for (PetscInt a = 0; a < c->dim; a++) nt *= 2 * c->radius + 1;
  return c->c_out * c->c_in * nt;
}

typedef struct {
  DM          din, dout;
  PdennConvNd conv;
  PetscReal  *w, *b;
  Vec         x, y, wx, wty;
} Layer;

static PetscErrorCode LayerCreate(MPI_Comm comm, const Config *c, Layer *l)
{
  PetscFunctionBeginUser;
  PetscCall(Op2dGrids(comm, c->dim, GridSize[c->dim - 2], c->stride, c->radius, c->c_in, c->c_out, &l->din, &l->dout));
  PetscCall(PetscMalloc2(NumWeights(c), &l->w, c->c_out, &l->b));
  Op2dHashArray(11, NumWeights(c), l->w);
  Op2dHashArray(12, c->c_out, l->b);
  PetscCall(PdennConvNdSetUp(&l->conv, l->din, l->dout, c->radius, c->stride, c->bc, l->w, l->b));
  PetscCall(DMCreateGlobalVector(l->din, &l->x));
  PetscCall(DMCreateGlobalVector(l->dout, &l->y));
  PetscCall(VecDuplicate(l->y, &l->wx));
  PetscCall(VecDuplicate(l->x, &l->wty));
  PetscCall(Op2dFillHash(l->x, 1));
  PetscCall(Op2dFillHash(l->y, 2));
  PetscFunctionReturn(0);
}

static PetscErrorCode LayerDestroy(Layer *l)
{
  PetscFunctionBeginUser;
  PetscCall(PdennConvNdDestroy(&l->conv));
  PetscCall(PetscFree2(l->w, l->b));
  PetscCall(VecDestroy(&l->x));
  PetscCall(VecDestroy(&l->y));
  PetscCall(VecDestroy(&l->wx));
  PetscCall(VecDestroy(&l->wty));
  PetscCall(DMDestroy(&l->din));
  PetscCall(DMDestroy(&l->dout));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(MPI_Comm comm, const Config *c, Result *res)
{
  Layer     l;
  PetscReal d1, d2, n1, n2;

  PetscFunctionBeginUser;
  PetscCall(LayerCreate(comm, c, &l));
  l.conv.b = NULL; /* W alone for the adjoint identity */
  PetscCall(PdennConvNdForward(&l.conv, l.x, l.wx));
  PetscCall(PdennConvNdAdjoint(&l.conv, l.y, l.wty));
  PetscCall(VecDot(l.wx, l.y, &d1));
  PetscCall(VecDot(l.x, l.wty, &d2));
  PetscCall(VecNorm(l.wx, NORM_2, &n1));
  PetscCall(VecNorm(l.y, NORM_2, &n2));
  res->adj = PetscAbsReal(d1 - d2) / (n1 * n2);
  l.conv.b = l.b;
  PetscCall(PdennConvNdForward(&l.conv, l.x, l.wx));
  PetscCall(GridGatherNatural(l.wx, &res->wx));
  PetscCall(GridGatherNatural(l.wty, &res->wty));
  PetscCall(VecGetSize(l.wx, &res->n_out));
  PetscCall(VecGetSize(l.wty, &res->n_in));
  PetscCall(LayerDestroy(&l));
  PetscFunctionReturn(0);
}

/* L(w, b) = <y, W x + b> at the weights wb = (w, b) */
static PetscErrorCode Loss(Layer *l, const PetscReal wb[], PetscInt nw, PetscReal *L)
{
  PetscFunctionBeginUser;
  l->conv.w = wb;
  l->conv.b = wb + nw;
  PetscCall(PdennConvNdForward(&l->conv, l->x, l->wx));
  PetscCall(VecDot(l->wx, l->y, L));
  PetscFunctionReturn(0);
}

/* The largest relative defect of WeightGrad against central differences of L in three random
   directions of (w, b) and along every bias */
static PetscErrorCode CheckGradients(MPI_Comm comm, const Config *c, PetscReal *err)
{
  const PetscInt  nw = NumWeights(c), n = nw + c->c_out;
  const PetscReal eps = 1e-3;
  Layer           l;
  PetscReal      *g, *wb, *dir, *wp, Lp, Lm;

  PetscFunctionBeginUser;
  *err = 0.0;
  PetscCall(LayerCreate(comm, c, &l));
  PetscCall(PetscCalloc4(n, &g, n, &wb, n, &dir, n, &wp));
  PetscCall(PetscArraycpy(wb, l.w, nw));
  PetscCall(PetscArraycpy(wb + nw, l.b, c->c_out));
  PetscCall(PdennConvNdWeightGrad(&l.conv, l.x, l.y, g, g + nw));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, g, (PetscMPIInt)n, MPIU_REAL, MPIU_SUM, comm));
  for (PetscInt k = 0; k < 3 + c->c_out; k++) {
    PetscReal an = 0.0;
    if (k < 3)
      Op2dHashArray(20 + (uint64_t)k, n, dir);
    else {
      PetscCall(PetscArrayzero(dir, n));
      dir[nw + k - 3] = 1.0;
    }
    for (PetscInt i = 0; i < n; i++) wp[i] = wb[i] + eps * dir[i], an += g[i] * dir[i];
    PetscCall(Loss(&l, wp, nw, &Lp));
    for (PetscInt i = 0; i < n; i++) wp[i] = wb[i] - eps * dir[i];
    PetscCall(Loss(&l, wp, nw, &Lm));
    *err = PetscMax(*err, PetscAbsReal((Lp - Lm) / (2.0 * eps) - an) / PetscAbsReal(an));
  }
  l.conv.w = l.w, l.conv.b = l.b; /* wp is freed below */
  PetscCall(PetscFree4(g, wb, dir, wp));
  PetscCall(LayerDestroy(&l));
  PetscFunctionReturn(0);
}

/* max |a - b| over n values (0 means bitwise equal up to the sign of zero) */
static PetscReal MaxDiff(PetscInt n, const PetscReal a[], const PetscReal b[])
{
  PetscReal d = 0.0;

  for (PetscInt i = 0; i < n; i++) d = PetscMax(d, PetscAbsReal(a[i] - b[i]));
  return d;
}

static PetscErrorCode CheckConfig(const Config *c, const char decomp[])
{
  PetscOptions opts;
  Result       par, one;
  PetscReal    gerr, dfwd, dadj;
  PetscMPIInt  size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(Op2dPushOptions(decomp, &opts));
  PetscCall(Run(PETSC_COMM_WORLD, c, &par));
  PetscCall(CheckGradients(PETSC_COMM_WORLD, c, &gerr));
  PetscCall(Op2dPopOptions(&opts));
  PetscCall(Op2dPushOptions("", &opts));
  PetscCall(Run(PETSC_COMM_SELF, c, &one));
  PetscCall(Op2dPopOptions(&opts));
  dfwd = MaxDiff(par.n_out, par.wx, one.wx);
  dadj = MaxDiff(par.n_in, par.wty, one.wty);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &dfwd, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &dadj, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD stride %d radius %d %-7s %d -> %d channels: adjoint %.1e, gradient %.1e, %d ranks vs 1: forward %g adjoint %g\n", (int)c->dim, (int)c->stride, (int)c->radius, PdennBoundaryTypes[c->bc], (int)c->c_in, (int)c->c_out, (double)par.adj, (double)gerr, size, (double)dfwd, (double)dadj));
  PetscCheck(par.adj <= 1e-14 && one.adj <= 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "adjoint identity off by %g (%d ranks), %g (1 rank)", (double)par.adj, size, (double)one.adj);
  PetscCheck(gerr <= 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "weight/bias gradient off by %g against central differences", (double)gerr);
  PetscCheck(dfwd == 0.0 && dadj == 0.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%d ranks differ from one rank: forward by %g, adjoint by %g (expected bitwise equal)", size, (double)dfwd, (double)dadj);
  PetscCall(PetscFree(par.wx));
  PetscCall(PetscFree(par.wty));
  PetscCall(PetscFree(one.wx));
  PetscCall(PetscFree(one.wty));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PetscInt channels[3][2] = {{1, 2}, {3, 2}, {4, 4}};
  char           decomp[128];
  PetscInt       n = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Adjoint, gradients and rank agreement of the d-dimensional convolution"));
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (PetscInt dim = 2; dim <= 3; dim++)
    for (PetscInt stride = 1; stride <= 2; stride++)
      for (PetscInt r = 1; r <= 2; r++)
        for (PetscInt bc = 0; bc < 2; bc++)
          for (PetscInt k = 0; k < 3; k++, n++) {
            const Config c = {dim, stride, r, channels[k][0], channels[k][1], (PdennBoundary)bc};
            PetscCall(CheckConfig(&c, decomp));
          }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "convnd checks passed (%d configurations)\n", (int)n));
  PetscCall(PetscFinalize());
  return 0;
}
