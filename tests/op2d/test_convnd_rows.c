/* The register-blocked 2D rows of the convolution (src/op/convnd.c: radius 1, the networks'
   channel counts) against the definition written out point by point here: y = W x + b,
   x' = W^T v (every term k(o)^T v(P) added at s P + o, mirrored back or dropped outside the grid)
   and dW = sum_P v(P) x(s P + o)^T, for stride 1 and 2, both boundaries, on rows whose lengths
   leave partial register blocks. Tolerance 1e-13 relative to the largest reference value: the
   sums have at most 9 c_in (forward), 9 c_out (adjoint) or one term per point (gradient) terms
   of size <= 1 and differ from the reference only in their order. The same run also checks the
   rows against one rank bitwise, through the gathered results (test_convnd does it for the
   generic sweep). */
#include "op2dtest.h"

typedef struct {
  PetscInt      c_in, c_out, stride;
  PdennBoundary bc;
} Shape;

static const PetscInt GridSize[3] = {21, 11, 1}; /* rows of 21 and 11 (stride 2): partial blocks of 8 */

/* The input index of grid coordinate i on an axis of n points, or -1 (zero boundary, outside) */
static PetscInt Mirror(PetscInt i, PetscInt n, PdennBoundary bc)
{
  if (i >= 0 && i < n) return i;
  if (bc == PDENN_BC_ZERO) return -1;
  return i < 0 ? -1 - i : 2 * n - 1 - i;
}

/* The definition on natural-order arrays: y (forward, with bias), xt (adjoint), dw (gradient) */
static void Reference(const Shape *sh, const PetscInt M[2], const PetscInt Mo[2], const PetscReal *w, const PetscReal *b, const PetscReal *x, const PetscReal *v, PetscReal *y, PetscReal *xt, PetscReal *dw)
{
  const PetscInt ci = sh->c_in, co = sh->c_out, s = sh->stride;

  for (PetscInt i = 0; i < M[0] * M[1] * ci; i++) xt[i] = 0.0;
  for (PetscInt i = 0; i < 9 * ci * co; i++) dw[i] = 0.0;
  for (PetscInt py = 0; py < Mo[1]; py++)
    for (PetscInt px = 0; px < Mo[0]; px++) {
      const PetscInt P = px + Mo[0] * py;
      for (PetscInt c = 0; c < co; c++) y[P * co + c] = b[c];
      for (PetscInt t = 0; t < 9; t++) {
        const PetscInt qx = Mirror(s * px + t % 3 - 1, M[0], sh->bc), qy = Mirror(s * py + t / 3 - 1, M[1], sh->bc);
        if (qx < 0 || qy < 0) continue;
        for (PetscInt c = 0; c < co; c++)
          for (PetscInt d = 0; d < ci; d++) {
            const PetscInt Q = qx + M[0] * qy, iw = (c * ci + d) * 9 + t;
            y[P * co + c] += w[iw] * x[Q * ci + d];
            xt[Q * ci + d] += w[iw] * v[P * co + c];
            dw[iw] += v[P * co + c] * x[Q * ci + d];
          }
      }
    }
}

static PetscReal MaxAbs(PetscInt n, const PetscReal a[])
{
  PetscReal m = 0.0;

  for (PetscInt i = 0; i < n; i++) m = PetscMax(m, PetscAbsReal(a[i]));
  return m;
}

/* max |a - ref| / max |ref| */
static PetscReal RelDiff(PetscInt n, const PetscReal a[], const PetscReal ref[])
{
  PetscReal d = 0.0;

  for (PetscInt i = 0; i < n; i++) d = PetscMax(d, PetscAbsReal(a[i] - ref[i]));
  return d / MaxAbs(n, ref);
}

/* The layer on comm: W x + b, W^T v (natural order, gathered on every rank) and dW summed over
   the ranks; the inputs are hashes of the global coordinates (the same at every rank count). */
static PetscErrorCode Run(MPI_Comm comm, const Shape *sh, const PetscReal *w, const PetscReal *b, PetscReal **y, PetscReal **xt, PetscReal *dw, PetscReal **x, PetscReal **v)
{
  DM          din, dout;
  PdennConvNd conv;
  Vec         X, V, Y, XT;

  PetscFunctionBeginUser;
  PetscCall(Op2dGrids(comm, 2, GridSize, sh->stride, 1, sh->c_in, sh->c_out, &din, &dout));
  PetscCall(PdennConvNdSetUp(&conv, din, dout, 1, sh->stride, sh->bc, w, b));
  PetscCall(DMCreateGlobalVector(din, &X));
  PetscCall(DMCreateGlobalVector(dout, &V));
  PetscCall(VecDuplicate(V, &Y));
  PetscCall(VecDuplicate(X, &XT));
  PetscCall(Op2dFillHash(X, 31));
  PetscCall(Op2dFillHash(V, 32));
  PetscCall(PdennConvNdForward(&conv, X, Y));
  PetscCall(PdennConvNdAdjoint(&conv, V, XT));
  PetscCall(PetscArrayzero(dw, 9 * sh->c_in * sh->c_out));
  PetscCall(PdennConvNdWeightGrad(&conv, X, V, dw, NULL));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, dw, (PetscMPIInt)(9 * sh->c_in * sh->c_out), MPIU_REAL, MPIU_SUM, comm));
  PetscCall(GridGatherNatural(Y, y));
  PetscCall(GridGatherNatural(XT, xt));
  if (x) PetscCall(GridGatherNatural(X, x));
  if (v) PetscCall(GridGatherNatural(V, v));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&V));
  PetscCall(VecDestroy(&Y));
  PetscCall(VecDestroy(&XT));
  PetscCall(PdennConvNdDestroy(&conv));
  PetscCall(DMDestroy(&din));
  PetscCall(DMDestroy(&dout));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckShape(const Shape *sh, const char decomp[])
{
  const PetscInt M[2] = {GridSize[0], GridSize[1]}, Mo[2] = {(M[0] - 1) / sh->stride + 1, (M[1] - 1) / sh->stride + 1};
  const PetscInt nw = 9 * sh->c_in * sh->c_out, nin = M[0] * M[1] * sh->c_in, nout = Mo[0] * Mo[1] * sh->c_out;
  PetscReal     *w, *b, *dw, *dw1, *rdw, *y, *xt, *x, *v, *ry, *rxt, *y1, *xt1, e[3], same;
  PetscOptions   opts;
  PetscMPIInt    size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscMalloc7(nw, &w, sh->c_out, &b, nw, &dw, nw, &dw1, nw, &rdw, nout, &ry, nin, &rxt));
  Op2dHashArray(41, nw, w);
  Op2dHashArray(42, sh->c_out, b);
  PetscCall(Op2dPushOptions(decomp, &opts));
  PetscCall(Run(PETSC_COMM_WORLD, sh, w, b, &y, &xt, dw, &x, &v));
  PetscCall(Op2dPopOptions(&opts));
  PetscCall(Op2dPushOptions("", &opts));
  PetscCall(Run(PETSC_COMM_SELF, sh, w, b, &y1, &xt1, dw1, NULL, NULL));
  PetscCall(Op2dPopOptions(&opts));
  Reference(sh, M, Mo, w, b, x, v, ry, rxt, rdw);
  e[0] = RelDiff(nout, y, ry), e[1] = RelDiff(nin, xt, rxt), e[2] = RelDiff(nw, dw, rdw);
  same = PetscMax(RelDiff(nout, y, y1), RelDiff(nin, xt, xt1));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "2D %2d -> %2d stride %d %-7s: vs the definition: forward %.1e adjoint %.1e weight gradient %.1e; %d ranks vs 1: %g\n", (int)sh->c_in, (int)sh->c_out, (int)sh->stride, PdennBoundaryTypes[sh->bc], (double)e[0], (double)e[1], (double)e[2], size, (double)same));
  PetscCheck(e[0] <= 1e-13 && e[1] <= 1e-13 && e[2] <= 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "2D %d -> %d stride %d: the convolution differs from its definition by %g (forward), %g (adjoint), %g (weight gradient); expected <= 1e-13", (int)sh->c_in, (int)sh->c_out, (int)sh->stride, (double)e[0], (double)e[1], (double)e[2]);
  PetscCheck(same == 0.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "2D %d -> %d stride %d: %d ranks differ from one rank by %g (expected bitwise equal)", (int)sh->c_in, (int)sh->c_out, (int)sh->stride, size, (double)same);
  PetscCall(PetscFree7(w, b, dw, dw1, rdw, ry, rxt));
  PetscCall(PetscFree(y));
  PetscCall(PetscFree(xt));
  PetscCall(PetscFree(y1));
  PetscCall(PetscFree(xt1));
  PetscCall(PetscFree(x));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PetscInt channels[][2] = {{1, 8}, {8, 1}, {8, 8}, {16, 16}, {4, 8}, {16, 1}};
  char           decomp[128];
  PetscInt       n = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "The 2D convolution's register-blocked rows against the definition"));
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (size_t k = 0; k < sizeof(channels) / sizeof(channels[0]); k++)
    for (PetscInt stride = 1; stride <= 2; stride++)
      for (PetscInt bc = 0; bc < 2; bc++, n++) {
        const Shape sh = {channels[k][0], channels[k][1], stride, (PdennBoundary)bc};
        PetscCall(CheckShape(&sh, decomp));
      }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "convnd row checks passed (%d shapes)\n", (int)n));
  PetscCall(PetscFinalize());
  return 0;
}
