/* What the d-dimensional convolution computes (src/op/convnd.c), in 2D and 3D:
   - the 2D scheme's K (src/op/grid.c, order 1) is the 1 -> d channel convolution with the kernels
     (0,0): -1/h, e_c: +1/h and reflecting boundaries: W u = PdennGridOpForward(u) and W^T W u =
     K^T K u (PdennGridOpStep with the linear flux, alpha 0, tau -1), both to 1e-14 relative;
   - stride 2 with the centre kernel decimates, y(P) = x(2P), and its adjoint inserts zeros,
     x(2P) = v(P), x = 0 elsewhere (exactly): the coarse grid rule of PdennDMDACreateCoarse;
   - the kernel of ones on the constant 1 gives (2r+1)^d everywhere (reflecting) and the number of
     grid points in the window (zero boundary), exactly. */
#include "op2dtest.h"

static const PetscInt GridSize[2][3] = {{14, 11, 1}, {9, 8, 7}}; /* even and odd sides */

static PetscErrorCode CheckK(MPI_Comm comm, PetscInt dim)
{
  const PetscReal h      = 0.7;
  PdennFlux       linear = {PDENN_FLUX_LINEAR, 1.0};
  PdennGridOp     op;
  PdennConvNd     conv;
  DM              da;
  Vec             u, zk, zw, ktk, wtw;
  PetscReal       w[3 * 27], dz, dk;

  PetscFunctionBeginUser;
  Op2dGradientKernels(dim, h, w);
  PetscCall(PdennDMDACreate(comm, dim, GridSize[dim - 2], 1, 1, &da));
  PetscCall(PdennGridOpSetUp(&op, da, 1, h));
  PetscCall(PdennConvNdSetUp(&conv, da, op.da_z, 1, 1, PDENN_BC_REFLECT, w, NULL));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(Op2dFillHash(u, 5));
  PetscCall(VecDuplicate(u, &ktk));
  PetscCall(VecDuplicate(u, &wtw));
  PetscCall(DMCreateGlobalVector(op.da_z, &zk));
  PetscCall(VecDuplicate(zk, &zw));
  PetscCall(PdennGridOpForward(&op, u, zk));
  PetscCall(PdennConvNdForward(&conv, u, zw));
  PetscCall(PdennGridOpStep(&op, linear, NULL, 0.0, -1.0, u, ktk));
  PetscCall(PdennConvNdAdjoint(&conv, zw, wtw));
  PetscCall(PdennTestRelDiff(zw, zk, NORM_INFINITY, PETSC_SMALL, &dz));
  PetscCall(PdennTestRelDiff(wtw, ktk, NORM_INFINITY, PETSC_SMALL, &dk));
  PetscCall(PetscPrintf(comm, "%dD K as a 1 -> %d convolution: W u vs K u %.1e, W^T W u vs K^T K u %.1e (max |difference| / max |reference|)\n", (int)dim, (int)dim, (double)dz, (double)dk));
  PetscCheck(dz <= 1e-14 && dk <= 1e-14, comm, PETSC_ERR_PLIB, "%dD: the convolution differs from the scheme's K by %g, K^T K by %g", (int)dim, (double)dz, (double)dk);
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&zk));
  PetscCall(VecDestroy(&zw));
  PetscCall(VecDestroy(&ktk));
  PetscCall(VecDestroy(&wtw));
  PetscCall(PdennConvNdDestroy(&conv));
  PetscCall(PdennGridOpDestroy(&op));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

/* Coordinates of natural index i on a grid of M points */
static void Coords(PetscInt i, const PetscInt M[3], PetscInt p[3])
{
  p[0] = i % M[0], p[1] = (i / M[0]) % M[1], p[2] = i / (M[0] * M[1]);
}

/* Stride 2 with the centre kernel (identity over 2 channels): decimation and zero insertion */
static PetscErrorCode CheckStride2Centre(MPI_Comm comm, PetscInt dim)
{
  const PetscInt *M = GridSize[dim - 2], c = 2, nt = dim == 3 ? 27 : 9, o0[3] = {0, 0, 0};
  PetscInt        Mc[3] = {1, 1, 1}, nc, nf, bad = 0;
  PetscReal       w[4 * 27] = {0}, *xf, *yc, *vc, *pf;
  PdennConvNd     conv;
  DM              din, dout;
  Vec             x, y, v, p;

  PetscFunctionBeginUser;
  for (PetscInt ch = 0; ch < c; ch++) w[(ch * c + ch) * nt + Op2dKernelIndex(dim, 1, o0)] = 1.0;
  PetscCall(Op2dGrids(comm, dim, M, 2, 1, c, c, &din, &dout));
  PetscCall(PdennConvNdSetUp(&conv, din, dout, 1, 2, PDENN_BC_REFLECT, w, NULL));
  PetscCall(DMDAGetInfo(dout, NULL, &Mc[0], &Mc[1], &Mc[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (dim == 2) Mc[2] = 1;
  PetscCall(DMCreateGlobalVector(din, &x));
  PetscCall(DMCreateGlobalVector(dout, &y));
  PetscCall(VecDuplicate(y, &v));
  PetscCall(VecDuplicate(x, &p));
  PetscCall(Op2dFillHash(x, 6));
  PetscCall(Op2dFillHash(v, 7));
  PetscCall(PdennConvNdForward(&conv, x, y));
  PetscCall(PdennConvNdAdjoint(&conv, v, p));
  PetscCall(GridGatherNatural(x, &xf));
  PetscCall(GridGatherNatural(y, &yc));
  PetscCall(GridGatherNatural(v, &vc));
  PetscCall(GridGatherNatural(p, &pf));
  nc = Mc[0] * Mc[1] * Mc[2], nf = M[0] * M[1] * M[2];
  for (PetscInt i = 0; i < nc; i++) {
    PetscInt q[3];
    Coords(i, Mc, q);
    for (PetscInt ch = 0; ch < c; ch++) bad += yc[i * c + ch] != xf[(2 * q[0] + M[0] * (2 * q[1] + M[1] * 2 * q[2])) * c + ch];
  }
  for (PetscInt i = 0; i < nf; i++) {
    PetscInt q[3];
    Coords(i, M, q);
    for (PetscInt ch = 0; ch < c; ch++) {
      const PetscBool even = (PetscBool)(q[0] % 2 == 0 && q[1] % 2 == 0 && q[2] % 2 == 0);
      bad += pf[i * c + ch] != (even ? vc[(q[0] / 2 + Mc[0] * (q[1] / 2 + Mc[1] * (q[2] / 2))) * c + ch] : 0.0);
    }
  }
  PetscCall(PetscPrintf(comm, "%dD stride 2, centre kernel: %d x %d x %d -> %d x %d x %d points, %d values off decimation / zero insertion\n", (int)dim, (int)M[0], (int)M[1], (int)M[2], (int)Mc[0], (int)Mc[1], (int)Mc[2], (int)bad));
  PetscCheck(bad == 0 && Mc[0] == (M[0] - 1) / 2 + 1 && Mc[1] == (M[1] - 1) / 2 + 1, comm, PETSC_ERR_PLIB, "%dD stride 2: %d values differ from decimation / zero insertion", (int)dim, (int)bad);
  PetscCall(PetscFree(xf));
  PetscCall(PetscFree(yc));
  PetscCall(PetscFree(vc));
  PetscCall(PetscFree(pf));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&p));
  PetscCall(PdennConvNdDestroy(&conv));
  PetscCall(DMDestroy(&din));
  PetscCall(DMDestroy(&dout));
  PetscFunctionReturn(0);
}

/* The kernel of ones (radius 1, one channel) on the constant 1: the window's grid points counted */
static PetscErrorCode CheckOnes(MPI_Comm comm, PetscInt dim, PdennBoundary bc)
{
  const PetscInt *M = GridSize[dim - 2]; /* M[2] = 1 in 2D */
  PetscReal       w[27], *ya;
  PetscInt        bad = 0;
  PdennConvNd     conv;
  DM              din, dout;
  Vec             x, y;

  PetscFunctionBeginUser;
  for (PetscInt t = 0; t < 27; t++) w[t] = 1.0;
  PetscCall(Op2dGrids(comm, dim, M, 1, 1, 1, 1, &din, &dout));
  PetscCall(PdennConvNdSetUp(&conv, din, dout, 1, 1, bc, w, NULL));
  PetscCall(DMCreateGlobalVector(din, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(VecSet(x, 1.0));
  PetscCall(PdennConvNdForward(&conv, x, y));
  PetscCall(GridGatherNatural(y, &ya));
  for (PetscInt i = 0; i < M[0] * M[1] * M[2]; i++) {
    PetscInt  q[3];
    PetscReal count = 1.0;
    Coords(i, M, q);
    for (PetscInt a = 0; a < dim; a++) count *= bc == PDENN_BC_REFLECT ? 3.0 : 3.0 - (q[a] == 0) - (q[a] == M[a] - 1);
    bad += ya[i] != count;
  }
  PetscCall(PetscPrintf(comm, "%dD kernel of ones, %s boundary: %d points off the window count\n", (int)dim, PdennBoundaryTypes[bc], (int)bad));
  PetscCheck(bad == 0, comm, PETSC_ERR_PLIB, "%dD kernel of ones, %s: %d points differ from the count of grid points in the window", (int)dim, PdennBoundaryTypes[bc], (int)bad);
  PetscCall(PetscFree(ya));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(PdennConvNdDestroy(&conv));
  PetscCall(DMDestroy(&din));
  PetscCall(DMDestroy(&dout));
  PetscFunctionReturn(0);
}

/* The error code of a call that must refuse, with the error handler quiet meanwhile */
#define REFUSED(call, code)                                          \
  do {                                                               \
    PetscErrorCode ierr_;                                            \
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); \
    ierr_ = (call);                                                  \
    PetscCall(PetscPopErrorHandler());                               \
    (code) = ierr_;                                                  \
  } while (0)

/* Grids that do not fit are refused on every rank: a coarse grid leaving a rank fewer points than
   the radius (an input error), an output grid of the wrong size for the stride (both strides). */
static PetscErrorCode CheckRefusals(MPI_Comm comm)
{
  const PetscInt M[3] = {6, 6, 1};
  PetscErrorCode coarse, wrong1, wrong2;
  PdennConvNd    conv;
  PetscReal      w[9] = {0};
  DM             fine, other, dc = NULL;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate(comm, 2, M, 1, 1, &fine));
  REFUSED(PdennDMDACreateCoarse(fine, 1, 4, &dc), coarse); /* 6 -> 3 coarse points, radius 4 */
  PetscCall(DMDestroy(&dc));
  PetscCall(PdennDMDACreateCoarse(fine, 1, 1, &dc));
  REFUSED(PdennConvNdSetUp(&conv, fine, dc, 1, 1, PDENN_BC_REFLECT, w, NULL), wrong1);
  PetscCall(DMDACreateCompatibleDMDA(fine, 1, &other));
  REFUSED(PdennConvNdSetUp(&conv, fine, other, 1, 2, PDENN_BC_REFLECT, w, NULL), wrong2);
  PetscCall(PetscPrintf(comm, "refused: coarse grid below the radius (error %d), stride 1 onto the coarse grid (%d), stride 2 onto the fine grid (%d)\n", (int)coarse, (int)wrong1, (int)wrong2));
  PetscCheck(coarse == PDENN_ERR_INPUT && wrong1 == PETSC_ERR_ARG_INCOMP && wrong2 == PETSC_ERR_ARG_INCOMP, comm, PETSC_ERR_PLIB, "expected refusals %d, %d, %d; got %d, %d, %d", (int)PDENN_ERR_INPUT, (int)PETSC_ERR_ARG_INCOMP, (int)PETSC_ERR_ARG_INCOMP, (int)coarse, (int)wrong1, (int)wrong2);
  PetscCall(DMDestroy(&dc));
  PetscCall(DMDestroy(&other));
  PetscCall(DMDestroy(&fine));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "What the d-dimensional convolution computes"));
  for (PetscInt dim = 2; dim <= 3; dim++) {
    PetscCall(CheckK(PETSC_COMM_WORLD, dim));
    PetscCall(CheckStride2Centre(PETSC_COMM_WORLD, dim));
    PetscCall(CheckOnes(PETSC_COMM_WORLD, dim, PDENN_BC_REFLECT));
    PetscCall(CheckOnes(PETSC_COMM_WORLD, dim, PDENN_BC_ZERO));
  }
  PetscCall(CheckRefusals(PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "convnd value checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
