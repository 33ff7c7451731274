/* Checks of the shared convolution (src/op/conv1d.c, ghosts.c) on a distributed DMDA:
   1. <W x, v> = <x, W^T v> (the adjoint is exact) for reflect and zero boundaries;
   2. the weight gradient equals central finite differences of <W x, v> (linear in w: exact up
      to rounding);
   3. with the kernel (0,-1,1) and reflecting boundary, W is the forward difference with
      (W x)_{N-1} = 0 and W^T W the Neumann Laplacian (docs/science.md §1);
   4. the 8-channel kernels (8 -> 1, 1 -> 8) equal naive loops on n = 1..20 points.
   Tolerances: 1e-12 relative; every quantity is a short sum of O(1) products. */
#include <pdenn/pdenn.h>
#include "pdenn_test.h"

typedef struct {
  DM          da_x, da_v;
  PdennConv1d conv;
  PetscReal   w[8 * 8 * 5], b[8];
} Problem;

/* y = W x (global, da_v) */
static PetscErrorCode ApplyW(Problem *p, Vec x, Vec y)
{
  Vec        xl;
  PetscReal *xa, *ya;
  PetscInt   n;
  PetscBool  l, r;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(p->da_x, &xl));
  PetscCall(PdennDMDAGetGhostedArray(p->da_x, x, xl, p->conv.bc, &xa, &n, &l, &r));
  PetscCall(VecGetArray(y, &ya));
  PetscCall(PdennConv1dForward(&p->conv, n, xa, ya));
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArray(xl, NULL));
  PetscCall(DMRestoreLocalVector(p->da_x, &xl));
  PetscFunctionReturn(0);
}

static PetscErrorCode ApplyWT(Problem *p, Vec v, Vec x)
{
  Vec        vl;
  PetscReal *va, *xa;
  PetscInt   n;
  PetscBool  l, r;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(p->da_v, &vl));
  PetscCall(PdennDMDAGetGhostedArray(p->da_v, v, vl, PDENN_BC_ZERO, &va, &n, &l, &r));
  PetscCall(VecGetArray(x, &xa));
  PetscCall(PdennConv1dAdjoint(&p->conv, n, l, r, va, xa));
  PetscCall(VecRestoreArray(x, &xa));
  PetscCall(VecRestoreArray(vl, NULL));
  PetscCall(DMRestoreLocalVector(p->da_v, &vl));
  PetscFunctionReturn(0);
}

/* W x with bias b minus W x without it is b in every channel, and the weight gradient's db is
   the sum of v over the points (1e-13: one addition of O(1) values; db a sum of N values). */
static PetscErrorCode CheckBias(PetscInt N, PetscInt cin, PetscInt cout, PetscInt r, PdennBoundary bc)
{
  Problem          p;
  Vec              x, v, y0, y1, xl;
  PetscReal        dw[8 * 8 * 5] = {0}, db[8] = {0}, vsum[8] = {0}, *xa, *va;
  const PetscReal *ya0, *ya1;
  PetscInt         n, m;
  PetscBool        l, rr;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < cout * cin * (2 * r + 1); k++) p.w[k] = PetscCosReal(0.7 * k + 0.2);
  for (PetscInt k = 0; k < cout; k++) p.b[k] = 0.0;
  p.conv = (PdennConv1d){cin, cout, r, bc, p.w, p.b};
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, cin, r, &p.da_x));
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, cout, r, &p.da_v));
  PetscCall(DMCreateGlobalVector(p.da_x, &x));
  PetscCall(DMCreateGlobalVector(p.da_v, &v));
  PetscCall(VecDuplicate(v, &y0));
  PetscCall(VecDuplicate(v, &y1));
  PetscCall(PdennTestFillSignal(p.da_x, x, 0.37, 0.0));
  PetscCall(PdennTestFillSignal(p.da_v, v, 1.13, 0.0));
  PetscCall(ApplyW(&p, x, y0));
  for (PetscInt k = 0; k < cout; k++) p.b[k] = 0.25 * (k + 1);
  PetscCall(ApplyW(&p, x, y1));
  PetscCall(VecGetLocalSize(v, &m));
  PetscCall(VecGetArrayRead(y0, &ya0));
  PetscCall(VecGetArrayRead(y1, &ya1));
  for (PetscInt i = 0; i < m; i++) PetscCheck(PetscAbsReal(ya1[i] - ya0[i] - p.b[i % cout]) <= 1e-13, PETSC_COMM_SELF, PETSC_ERR_PLIB, "bias of channel %" PetscInt_FMT " (cin %" PetscInt_FMT ", cout %" PetscInt_FMT "): W x + b - W x = %.17g", i % cout, cin, cout, (double)(ya1[i] - ya0[i]));
  PetscCall(VecRestoreArrayRead(y0, &ya0));
  PetscCall(VecRestoreArrayRead(y1, &ya1));
  PetscCall(DMGetLocalVector(p.da_x, &xl));
  PetscCall(PdennDMDAGetGhostedArray(p.da_x, x, xl, bc, &xa, &n, &l, &rr));
  PetscCall(VecGetArray(v, &va));
  PetscCall(PdennConv1dWeightGrad(&p.conv, n, xa, va, dw, db));
  for (PetscInt i = 0; i < m; i++) vsum[i % cout] += va[i];
  PetscCall(VecRestoreArray(v, &va));
  PetscCall(VecRestoreArray(xl, NULL));
  PetscCall(DMRestoreLocalVector(p.da_x, &xl));
  for (PetscInt k = 0; k < cout; k++) PetscCheck(PetscAbsReal(db[k] - vsum[k]) <= 1e-13 * (1.0 + PetscAbsReal(vsum[k])), PETSC_COMM_SELF, PETSC_ERR_PLIB, "bias gradient %" PetscInt_FMT ": %.17g, sum of v %.17g", k, (double)db[k], (double)vsum[k]);
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&y0));
  PetscCall(VecDestroy(&y1));
  PetscCall(DMDestroy(&p.da_x));
  PetscCall(DMDestroy(&p.da_v));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckAdjointAndGrad(PetscInt N, PetscInt cin, PetscInt cout, PetscInt r, PdennBoundary bc)
{
  Problem    p;
  Vec        x, v, Wx, WTv, xl;
  PetscReal  lhs, rhs, dw[8 * 8 * 5] = {0}, db[8] = {0}, *xa, *va;
  PetscInt   kw = 2 * r + 1, n;
  PetscBool  l, rr;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < cout * cin * kw; k++) p.w[k] = PetscCosReal(0.7 * k + 0.2);
  for (PetscInt k = 0; k < cout; k++) p.b[k] = 0.0;
  p.conv = (PdennConv1d){cin, cout, r, bc, p.w, p.b};
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, cin, r, &p.da_x));
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, cout, r, &p.da_v));
  PetscCall(DMCreateGlobalVector(p.da_x, &x));
  PetscCall(DMCreateGlobalVector(p.da_v, &v));
  PetscCall(VecDuplicate(x, &WTv));
  PetscCall(VecDuplicate(v, &Wx));
  PetscCall(PdennTestFillSignal(p.da_x, x, 0.37, 0.0));
  PetscCall(PdennTestFillSignal(p.da_v, v, 1.13, 0.0));
  PetscCall(ApplyW(&p, x, Wx));
  PetscCall(ApplyWT(&p, v, WTv));
  PetscCall(VecDot(Wx, v, &lhs));
  PetscCall(VecDot(x, WTv, &rhs));
  PetscCheck(PetscAbsReal(lhs - rhs) <= 1e-12 * PetscAbsReal(lhs), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "adjoint mismatch (bc %s, cin %" PetscInt_FMT ", cout %" PetscInt_FMT ", r %" PetscInt_FMT "): <Wx,v> = %.17g, <x,W^T v> = %.17g", PdennBoundaryTypes[bc], cin, cout, r, (double)lhs, (double)rhs);
  /* d<Wx,v>/dw[k] by central differences vs the accumulated weight gradient */
  PetscCall(DMGetLocalVector(p.da_x, &xl));
  PetscCall(PdennDMDAGetGhostedArray(p.da_x, x, xl, bc, &xa, &n, &l, &rr));
  PetscCall(VecGetArray(v, &va));
  PetscCall(PdennConv1dWeightGrad(&p.conv, n, xa, va, dw, db));
  PetscCall(VecRestoreArray(v, &va));
  PetscCall(VecRestoreArray(xl, NULL));
  PetscCall(DMRestoreLocalVector(p.da_x, &xl));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, dw, (PetscMPIInt)(cout * cin * kw), MPIU_REAL, MPI_SUM, PETSC_COMM_WORLD));
  for (PetscInt k = 0; k < cout * cin * kw; k++) {
    PetscReal w0 = p.w[k], fp, fm, eps = 1e-3;
    p.w[k] = w0 + eps;
    PetscCall(ApplyW(&p, x, Wx));
    PetscCall(VecDot(Wx, v, &fp));
    p.w[k] = w0 - eps;
    PetscCall(ApplyW(&p, x, Wx));
    PetscCall(VecDot(Wx, v, &fm));
    p.w[k] = w0;
    PetscCheck(PetscAbsReal((fp - fm) / (2 * eps) - dw[k]) <= 1e-8 * (1.0 + PetscAbsReal(dw[k])), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "weight gradient %" PetscInt_FMT ": FD %.12g vs %.12g", k, (double)((fp - fm) / (2 * eps)), (double)dw[k]);
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&Wx));
  PetscCall(VecDestroy(&WTv));
  PetscCall(DMDestroy(&p.da_x));
  PetscCall(DMDestroy(&p.da_v));
  PetscFunctionReturn(0);
}

/* K = forward difference, K^T K = Neumann Laplacian, checked entry by entry at every point. */
static PetscErrorCode CheckClassicalK(PetscInt N)
{
  Problem    p;
  Vec        x, Kx, KTKx;
  PetscReal  kern[3] = {0.0, -1.0, 1.0};
  const PetscReal *xa, *ka, *la;
  PetscInt   xs, xm;
  Vec        xs0;
  VecScatter sc;

  PetscFunctionBeginUser;
  p.conv = (PdennConv1d){1, 1, 1, PDENN_BC_REFLECT, kern, NULL};
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, 1, 1, &p.da_x));
  p.da_v = p.da_x;
  PetscCall(DMCreateGlobalVector(p.da_x, &x));
  PetscCall(VecDuplicate(x, &Kx));
  PetscCall(VecDuplicate(x, &KTKx));
  PetscCall(PdennTestFillSignal(p.da_x, x, 0.9, 0.0));
  PetscCall(ApplyW(&p, x, Kx));
  PetscCall(ApplyWT(&p, Kx, KTKx));
  PetscCall(VecScatterCreateToAll(x, &sc, &xs0));
  PetscCall(VecScatterBegin(sc, x, xs0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, x, xs0, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(PdennDMDAGetOwnership(p.da_x, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArrayRead(xs0, &xa));
  PetscCall(VecGetArrayRead(Kx, &ka));
  PetscCall(VecGetArrayRead(KTKx, &la));
  for (PetscInt i = 0; i < xm; i++) {
    PetscInt  g    = xs + i;
    PetscReal fd   = g < N - 1 ? xa[g + 1] - xa[g] : 0.0;
    PetscReal left = g > 0 ? xa[g - 1] : xa[g], right = g < N - 1 ? xa[g + 1] : xa[g];
    PetscReal lap  = -(left - 2 * xa[g] + right); /* K^T K = -Laplacian with Neumann rows */
    PetscCheck(PetscAbsReal(ka[i] - fd) <= 1e-14 && PetscAbsReal(la[i] - lap) <= 1e-13, PETSC_COMM_SELF, PETSC_ERR_PLIB, "classical K mismatch at %" PetscInt_FMT ": Kx %g vs %g, K^TKx %g vs %g", g, (double)ka[i], (double)fd, (double)la[i], (double)lap);
  }
  PetscCall(VecRestoreArrayRead(xs0, &xa));
  PetscCall(VecRestoreArrayRead(Kx, &ka));
  PetscCall(VecRestoreArrayRead(KTKx, &la));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&xs0));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&Kx));
  PetscCall(VecDestroy(&KTKx));
  PetscCall(DMDestroy(&p.da_x));
  PetscFunctionReturn(0);
}

/* The networks' 8-channel kernels against naive loops on every n = 1..20, so that every remainder
   of their point blocks (8 points for 8 -> 1, 4 for the 1 -> 8 weight gradient) is met: 8 -> 1
   forward with bias, 1 -> 8 adjoint (the same window product) and 1 -> 8 weight gradient. 1e-13
   relative to the sum of the terms' magnitudes: each result is a reordered sum of at most 8 kw + 1
   (forward, adjoint) or n (gradient) products, so rounding stays below 1e-15 of that sum. */
static PetscErrorCode CheckClose(const char *what, PetscInt n, PetscInt r, PetscInt k, PetscReal got, PetscReal want, PetscReal scale)
{
  PetscFunctionBeginUser;
  PetscCheck(PetscAbsReal(got - want) <= 1e-13 * scale, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s (n %" PetscInt_FMT ", r %" PetscInt_FMT ") entry %" PetscInt_FMT ": %.17g, naive loop %.17g", what, n, r, k, (double)got, (double)want);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckEightChannelKernels(PetscInt n, PetscInt r)
{
  const PetscInt kw = 2 * r + 1;
  PetscReal      w[8 * 5], b[8], in8[8 * 24], v8[8 * 24], in1[24], out[8 * 20], dw[8 * 5] = {0}, db[8] = {0};
  PdennConv1d    dot = {8, 1, r, PDENN_BC_ZERO, w, b}, lift = {1, 8, r, PDENN_BC_ZERO, w, NULL};

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < 8 * kw; k++) w[k] = PetscCosReal(0.7 * k + 0.2);
  for (PetscInt k = 0; k < 8 * (n + 2 * r); k++) in8[k] = PetscSinReal(0.37 * k + 0.1 * n);
  for (PetscInt k = 0; k < 8 * (n + 2 * r); k++) v8[k] = PetscCosReal(1.13 * k);
  for (PetscInt k = 0; k < n + 2 * r; k++) in1[k] = PetscSinReal(0.53 * k) + 0.2;
  b[0] = 0.3;
  /* arrays start at the ghost -r: the owned point i is at i + r */
  PetscCall(PdennConv1dForward(&dot, n, in8 + 8 * r, out));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal want = b[0], scale = b[0];
    for (PetscInt ci = 0; ci < 8; ci++)
      for (PetscInt o = 0; o < kw; o++) {
        want += w[ci * kw + o] * in8[(i + o) * 8 + ci];
        scale += PetscAbsReal(w[ci * kw + o] * in8[(i + o) * 8 + ci]);
      }
    PetscCall(CheckClose("8 -> 1 forward", n, r, i, out[i], want, scale));
  }
  PetscCall(PdennConv1dAdjoint(&lift, n, PETSC_FALSE, PETSC_FALSE, v8 + 8 * r, out));
  for (PetscInt j = 0; j < n; j++) {
    PetscReal want = 0.0, scale = 0.0;
    for (PetscInt co = 0; co < 8; co++)
      for (PetscInt o = 0; o < kw; o++) { /* x[j] = sum w[co][0][o] v[j - o + r][co] */
        want += w[co * kw + o] * v8[(j - o + 2 * r) * 8 + co];
        scale += PetscAbsReal(w[co * kw + o] * v8[(j - o + 2 * r) * 8 + co]);
      }
    PetscCall(CheckClose("1 -> 8 adjoint", n, r, j, out[j], want, scale));
  }
  PetscCall(PdennConv1dWeightGrad(&lift, n, in1 + r, v8, dw, db));
  for (PetscInt co = 0; co < 8; co++) {
    PetscReal want_b = 0.0, scale_b = 0.0;
    for (PetscInt o = 0; o < kw; o++) {
      PetscReal want = 0.0, scale = 0.0;
      for (PetscInt i = 0; i < n; i++) {
        want += v8[i * 8 + co] * in1[i + o];
        scale += PetscAbsReal(v8[i * 8 + co] * in1[i + o]);
      }
      PetscCall(CheckClose("1 -> 8 weight gradient", n, r, co * kw + o, dw[co * kw + o], want, scale));
    }
    for (PetscInt i = 0; i < n; i++) want_b += v8[i * 8 + co], scale_b += PetscAbsReal(v8[i * 8 + co]);
    PetscCall(CheckClose("1 -> 8 bias gradient", n, r, co, db[co], want_b, scale_b));
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Convolution adjoint, weight gradient and classical K checks"));
  for (PetscInt bc = 0; bc < 2; bc++) {
    PetscCall(CheckAdjointAndGrad(37, 1, 1, 1, (PdennBoundary)bc));
    PetscCall(CheckAdjointAndGrad(37, 3, 4, 2, (PdennBoundary)bc));
    PetscCall(CheckAdjointAndGrad(41, 2, 3, 1, (PdennBoundary)bc));
    /* the networks' 8 channels take their own kernels (vector registers of 8, 4 points at once) */
    PetscCall(CheckAdjointAndGrad(43, 1, 8, 1, (PdennBoundary)bc));
    PetscCall(CheckAdjointAndGrad(43, 8, 1, 1, (PdennBoundary)bc));
    PetscCall(CheckAdjointAndGrad(45, 8, 8, 2, (PdennBoundary)bc));
    PetscCall(CheckBias(43, 3, 8, 1, (PdennBoundary)bc));
    PetscCall(CheckBias(43, 8, 1, 1, (PdennBoundary)bc));
  }
  for (PetscInt r = 1; r <= 2; r++)
    for (PetscInt n = 1; n <= 20; n++) PetscCall(CheckEightChannelKernels(n, r));
  PetscCall(CheckClassicalK(33));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "conv1d checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
