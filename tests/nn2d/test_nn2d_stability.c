/* Stability of the projected symmetric steps on d-dimensional grids (docs/networks.md "Symmetric
   models in d dimensions"):
   1. (one-rank runs) the bound b = PdennConvNdNormBound against the exact operator, assembled
      densely on PETSC_COMM_SELF from PdennConvNd applied to unit vectors (grids larger than the (4r+1)^d grid
      the bound is computed on, both boundary rules, 2D and 3D): b equals the exact ||W^T W||_1
      (1e-13: the reduction is exact), b >= ||W||_2^2 (exact top eigenvalue, Jacobi), b = 4d/h^2 for
      the scheme's K, b = ||W||_2^2 for positive axis-symmetric kernels (tight), and in 1D
      PdennConvNdNormBound = PdennConv1dNormBound;
   2. the models (sym_resnet, fsi_resnet: factor 2; recurrent: factor 1) on the run's decomposition,
      weights scaled up (x 50 for signed ones), projected: tau L ||W||^2 <= factor with ||W|| from
      PdennSymBlockNormW's power iteration, the worst-case input (its top eigenvector of W^T W, at
      amplitude 1e-4 where the fluxes are linear) does not grow through the block (recurrent: the
      iteration map does not lengthen it), ||y|| <= ||u|| (1 + 1e-12), nor do random inputs; at 1.01
      times the limit the worst-case input grows (ratio > 1.005: the check can fail). */
#include "nn2dtest.h"
#include "pdenn_dense.h"

static const char help[] = "Stability of projected 2D/3D symmetric steps.\n";

#define AMPLITUDE 1e-4

/* Kernels [M][1][kw^dim] by kind: 0 the scheme's K / h (channels < dim), 1 random positive and
   symmetric along every axis (constant column sums of W^T W with the mirror: the bound is tight),
   2 random signed times `scale` */
static void Kernels(PetscInt kind, PetscInt dim, PetscInt M, PetscInt r, PetscReal h, PetscReal scale, PetscInt seed, PetscReal w[])
{
  const PetscInt kw = 2 * r + 1, nt = dim == 3 ? kw * kw * kw : kw * kw;

  for (PetscInt c = 0; c < M; c++)
    for (PetscInt t = 0; t < nt; t++) {
      const PetscInt o[3] = {t % kw - r, (t / kw) % kw - r, t / (kw * kw) - r};
      const PetscInt key  = ((c * kw + PetscAbsInt(o[0])) * kw + PetscAbsInt(o[1])) * kw + PetscAbsInt(o[2]);
      w[c * nt + t]       = kind == 1 ? 0.1 + PetscAbsReal(PdennRandomUniform(seed, 1, key)) : kind == 2 ? scale * PdennRandomUniform(seed, 2, c * nt + t)
                                                                                                         : 0.0;
    }
  if (kind == 0) Op2dGradientKernels(dim, h, w); /* radius 1 */
}

/* Dense W^T W (n x n, n grid points, c_in = 1) from PdennConvNd on unit vectors, on PETSC_COMM_SELF */
static PetscErrorCode DenseGram(PetscInt dim, const PetscInt Mg[3], PetscInt M, PetscInt r, PdennBoundary bc, const PetscReal w[], PetscReal G[])
{
  PdennConvNd      conv;
  DM               din, dout;
  Vec              x, z, y;
  PetscInt         n;
  const PetscReal *ya;
  PetscOptions     o;

  PetscFunctionBeginUser;
  PetscCall(Op2dPushOptions("", &o)); /* one rank: not the run's decomposition */
  PetscCall(Op2dGrids(PETSC_COMM_SELF, dim, Mg, 1, r, 1, M, &din, &dout));
  PetscCall(Op2dPopOptions(&o));
  PetscCall(PdennConvNdSetUp(&conv, din, dout, r, 1, bc, w, NULL));
  PetscCall(DMCreateGlobalVector(din, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(DMCreateGlobalVector(dout, &z));
  PetscCall(VecGetSize(x, &n));
  for (PetscInt j = 0; j < n; j++) {
    PetscCall(VecSet(x, 0.0));
    PetscCall(VecSetValue(x, j, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(x));
    PetscCall(VecAssemblyEnd(x));
    PetscCall(PdennConvNdForward(&conv, x, z));
    PetscCall(PdennConvNdAdjoint(&conv, z, y));
    PetscCall(VecGetArrayRead(y, &ya));
    for (PetscInt i = 0; i < n; i++) G[i * n + j] = ya[i];
    PetscCall(VecRestoreArrayRead(y, &ya));
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&z));
  PetscCall(PdennConvNdDestroy(&conv));
  PetscCall(DMDestroy(&din));
  PetscCall(DMDestroy(&dout));
  PetscFunctionReturn(0);
}

/* Check 1 for one kernel set */
static PetscErrorCode CheckBound(PetscInt kind, PetscInt dim, const PetscInt Mg[3], PetscInt M, PetscInt r, PdennBoundary bc)
{
  const PetscInt  n = Mg[0] * Mg[1] * (dim == 3 ? Mg[2] : 1);
  const PetscReal h = 0.7;
  PetscReal      *w, *G, *v, exact1 = 0.0, lmax, b;
  PdennConv1d     conv = {1, M, r, bc, NULL, NULL};

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(M * 27 * 27, &w, n * n, &G, n, &v));
  Kernels(kind, dim, M, r, h, 1.0, 7 + kind, w);
  conv.w = w;
  PetscCall(DenseGram(dim, Mg, M, r, bc, w, G));
  for (PetscInt j = 0; j < n; j++) {
    PetscReal s = 0.0;
    for (PetscInt i = 0; i < n; i++) s += PetscAbsReal(G[i * n + j]);
    exact1 = PetscMax(exact1, s);
  }
  PetscCall(PdennDenseTopEig(n, G, &lmax, v));
  PetscCall(PdennConvNdNormBound(&conv, dim, Mg, &b));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bound %dD %" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT " kind %d M %d r %d %-7s: b %.15g, exact ||W^T W||_1 %.15g, ||W||^2 %.15g\n", (int)dim, Mg[0], Mg[1], dim == 3 ? Mg[2] : 1, (int)kind, (int)M, (int)r, PdennBoundaryTypes[bc], (double)b, (double)exact1, (double)lmax));
  PetscCheck(PetscAbsReal(b - exact1) <= 1e-13 * exact1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the bound %.17g is not ||W^T W||_1 = %.17g", (double)b, (double)exact1);
  PetscCheck(b >= lmax * (1.0 - 1e-12), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the bound %.17g is below ||W||^2 = %.17g", (double)b, (double)lmax);
  PetscCheck(kind != 0 || PetscAbsReal(b - 4.0 * dim / (h * h)) <= 1e-14 * b, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the bound of K %.17g is not 4d/h^2 = %.17g", (double)b, (double)(4.0 * dim / (h * h)));
  PetscCheck(kind != 1 || bc != PDENN_BC_REFLECT || PetscAbsReal(b - lmax) <= 1e-10 * b, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "positive symmetric kernels: the bound %.17g is not tight (||W||^2 = %.17g)", (double)b, (double)lmax);
  PetscCall(PetscFree3(w, G, v));
  PetscFunctionReturn(0);
}

/* PdennConvNdNormBound in 1D against PdennConv1dNormBound (random kernels, several lengths) */
static PetscErrorCode CheckBound1D(void)
{
  const PetscInt N[3] = {5, 9, 30};
  PetscReal      w[3 * 5];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < 15; i++) w[i] = PdennRandomUniform(4, 3, i);
  for (PetscInt bc = 0; bc < 2; bc++)
    for (PetscInt k = 0; k < 3; k++) {
      const PetscInt M[3] = {N[k], 1, 1};
      PdennConv1d    conv = {1, 3, 2, (PdennBoundary)bc, w, NULL};
      PetscReal      b1, bn;
      PetscCall(PdennConv1dNormBound(&conv, N[k], &b1));
      PetscCall(PdennConvNdNormBound(&conv, 1, M, &bn));
      PetscCheck(PetscAbsReal(b1 - bn) <= 1e-14 * b1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "1D, N = %" PetscInt_FMT ": PdennConvNdNormBound %.17g, PdennConv1dNormBound %.17g", N[k], (double)bn, (double)b1);
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bound 1D: PdennConvNdNormBound = PdennConv1dNormBound (N = 5, 9, 30, both boundary rules)\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckBounds(void)
{
  const PetscInt g2[3] = {13, 11, 1}, g2s[3] = {6, 5, 1}, g3[3] = {6, 5, 5};

  PetscFunctionBeginUser;
  PetscCall(CheckBound1D());
  PetscCall(CheckBound(0, 2, g2, 2, 1, PDENN_BC_REFLECT));
  PetscCall(CheckBound(0, 3, g3, 3, 1, PDENN_BC_REFLECT));
  for (PetscInt bc = 0; bc < 2; bc++) {
    PetscCall(CheckBound(1, 2, g2, 4, 2, (PdennBoundary)bc));
    PetscCall(CheckBound(2, 2, g2, 4, 2, (PdennBoundary)bc));
    PetscCall(CheckBound(2, 2, g2s, 2, 2, (PdennBoundary)bc));
    PetscCall(CheckBound(1, 3, g3, 3, 1, (PdennBoundary)bc));
    PetscCall(CheckBound(2, 3, g3, 3, 1, (PdennBoundary)bc));
  }
  PetscFunctionReturn(0);
}

/* Block k's weights in theta set to kind (seed k) */
static PetscErrorCode SetWeights(PdennModel model, PetscInt k, PetscInt kind, PetscInt dim, PetscInt M, PetscInt r)
{
  char       name[32];
  PetscInt   ng;
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "block%" PetscInt_FMT "/W", k));
  PetscCall(PdennModelGetNumGroups(model, &ng));
  PetscCall(PdennModelGetParameters(model, &theta));
  for (PetscInt g = 0; g < ng; g++) {
    const char *gname;
    PetscInt    off;
    PetscBool   match;
    PetscCall(PdennModelGetGroup(model, g, &gname, &off, NULL, NULL));
    PetscCall(PetscStrcmp(gname, name, &match));
    if (match) Kernels(kind, dim, M, r, 1.0, 50.0, 11 + k, theta + off);
  }
  PetscFunctionReturn(0);
}

/* ||block(x) - skip x|| / ||x||: skip 0 the block's growth, skip 1 the fixed-point map's stretch */
static PetscErrorCode BlockRatio(PdennSymBlock *blk, PetscReal tau, Vec x, PetscReal skip, PetscReal *ratio)
{
  Vec       y;
  PetscReal nx, ny;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PdennSymBlockForward(blk, tau, x, y, NULL));
  PetscCall(VecAXPY(y, -skip, x));
  PetscCall(VecNorm(x, NORM_2, &nx));
  PetscCall(VecNorm(y, NORM_2, &ny));
  *ratio = ny / nx;
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

/* Check 2 on block k of a projected model (factor 2: a block, 1: the fixed-point map) */
static PetscErrorCode CheckBlock(PdennModel model, PetscInt k, PetscReal factor, const char label[])
{
  PdennSymBlock  *blk;
  PetscReal       tau, b, L, norm, worst, ratio, grow;
  const PetscReal skip = factor == 1.0 ? 1.0 : 0.0;
  DM              da;
  Vec             v, x;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetSymBlock(model, k, &blk));
  PetscCall(PdennModelGetStepBound(model, k, &b, &tau, NULL));
  L = PdennActivationSectorBound(&blk->act);
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &v));
  PetscCall(VecDuplicate(v, &x));
  PetscCall(PdennSymBlockNormW(blk, 200, v, &norm));
  PetscCheck(tau * L * norm * norm <= factor * (1.0 + 1e-12), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s block %" PetscInt_FMT ": projected tau %.17g gives tau L ||W||^2 = %.17g > %g", label, k, (double)tau, (double)(tau * L * norm * norm), (double)factor);
  PetscCall(VecScale(v, AMPLITUDE));
  PetscCall(BlockRatio(blk, tau, v, skip, &worst));
  for (PetscInt s = 0; s < 3; s++) {
    PetscCall(Op2dFillHash(x, 40 + s));
    PetscCall(VecScale(x, 1.0 + 3.0 * s));
    PetscCall(BlockRatio(blk, tau, x, skip, &ratio));
    worst = PetscMax(worst, ratio);
  }
  PetscCall(BlockRatio(blk, 1.01 * factor / (L * norm * norm), v, skip, &grow));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s block %" PetscInt_FMT ": ||W||^2 %.6f, b/||W||^2 %.6f, tau L ||W||^2 %.6f; worst ratio %.15f; at 1.01 x limit %.6f\n", label, k, (double)(norm * norm), (double)(b / (norm * norm)), (double)(tau * L * norm * norm), (double)worst, (double)grow));
  PetscCheck(worst <= 1.0 + 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s block %" PetscInt_FMT ": ratio %.17g > 1 at the projected tau", label, k, (double)worst);
  PetscCheck(grow > 1.005, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s block %" PetscInt_FMT ": the top eigenvector does not grow (%.17g) at 1.01 x the limit: the worst case is not realised", label, k, (double)grow);
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

/* Weight kinds 0 (K), 1 (positive), 2 (signed x 50): block k of sym_resnet/fsi_resnet gets kind
   k; the recurrent network's one weight set gets each kind in turn. */
static PetscErrorCode CheckModel(const char type[], const char act[], PetscInt dim, const PetscInt Mg[3])
{
  const PetscInt M = dim == 2 ? 4 : 3, r = 1;
  PdennModel     model;
  PdennModelType mt;
  PetscOptions   o;
  char           opts[512], decomp[128], label[160];

  PetscFunctionBeginUser;
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-w_model_type %s -w_blocks 3 -w_channels %d -w_kernel_radius %d %s%s", type, (int)M, (int)r, act, decomp));
  PetscCall(Op2dPushOptions(opts, &o));
  PetscCall(NN2dModel(PETSC_COMM_WORLD, "w_", "", dim, Mg, &model));
  PetscCall(Op2dPopOptions(&o));
  PetscCall(PdennModelGetType(model, &mt));
  PetscCall(PetscSNPrintf(label, sizeof(label), "%dD %s %s", (int)dim, type, act));
  PetscCall(NNTestSetGroups(model, "act_g", 1e30, PETSC_FALSE)); /* clipped to L: phi(z) = L z, the sector's edge */
  for (PetscInt kind = 0; kind < 3; kind++) {
    const PetscInt k = mt == PDENN_MODEL_RECURRENT ? 0 : kind;
    PetscCall(SetWeights(model, k, kind, dim, M, r));
    PetscCall(NNTestSetGroups(model, "tau", 1e30, PETSC_FALSE)); /* projected to the largest admissible value */
    PetscCall(PdennModelProject(model));
    PetscCall(CheckBlock(model, k, mt == PDENN_MODEL_RECURRENT ? 1.0 : 2.0, label));
  }
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char    *types[3] = {"sym_resnet", "fsi_resnet", "recurrent"};
  const char    *acts[3]  = {"-w_activation linear", "-w_activation perona_malik -w_act_lambda 0.5", "-w_activation trainable -w_act_nodes 4 -w_act_bound 2 -w_bc zero"};
  const PetscInt g2[3] = {24, 20, 1}, g3[3] = {8, 7, 6};
  PetscMPIInt    size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  if (size == 1) PetscCall(CheckBounds()); /* serial (PETSC_COMM_SELF): once, in the one-rank case */
  for (PetscInt a = 0; a < 3; a++) PetscCall(CheckModel(types[0], acts[a], 2, g2));
  PetscCall(CheckModel(types[1], acts[1], 2, g2)); /* the same block as sym_resnet's */
  for (PetscInt a = 1; a < 3; a++) PetscCall(CheckModel(types[2], acts[a], 2, g2));
  PetscCall(CheckModel(types[0], acts[1], 3, g3));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "stability 2D checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
