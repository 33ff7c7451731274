/* The 2D layers against plain references written from the documented formulas (nn2dref.h):
   - PdennConvNd (src/op/convnd.c): W x + b and W^T v on odd, even and nonsquare grids (9 x 7, 8 x 10,
     11 x 8), stride 1 and 2, radius 1 and 2, reflect and zero, channels 1 -> 2, 3 -> 2, 2 -> 3, random
     weights and inputs, gathered in natural order on the decomposition of the run, 1e-12 relative
     (max norm; the sums differ only in their order);
   - the group activation (src/nn/groupact.c) for G = 2, 3, every flux but relu and the trainable
     table, against phi(z_G) = g(|z_G|) z_G with docs/science.md §7.1's g, 1e-12 relative.
   A consistent error (a transposed kernel index, a wrong mirror, coarse point P off fine 2P, the
   norm squared) passes the adjoint and gradient tests of tests/op2d but not these. */
#include "nn2dref.h"

#define TOL 1e-12

/* One configuration: forward with bias and transpose, both against the reference */
static PetscErrorCode CheckConv(MPI_Comm comm, const PetscInt M[3], PetscInt stride, PetscInt r, PdennBoundary bc, PetscInt c_in, PetscInt c_out, PetscReal *worst)
{
  const PetscInt kw = 2 * r + 1, nw = c_out * c_in * kw * kw;
  const PetscInt Wo = RefCoarseSize(M[0], stride), Ho = RefCoarseSize(M[1], stride);
  PetscReal     *w, b[8], *xa, *ya, *va, *ta, *yref, *tref, e_fwd, e_adj;
  DM             din, dout;
  PdennConvNd    conv;
  Vec            x, y, v, t;
  RefConv        ref;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nw, &w));
  Op2dHashArray(100 + 7 * r + 3 * stride + c_in, nw, w);
  Op2dHashArray(200 + c_out, c_out, b);
  PetscCall(Op2dGrids(comm, 2, M, stride, r, c_in, c_out, &din, &dout));
  PetscCall(PdennConvNdSetUp(&conv, din, dout, r, stride, bc, w, b));
  PetscCall(DMCreateGlobalVector(din, &x));
  PetscCall(DMCreateGlobalVector(dout, &y));
  PetscCall(VecDuplicate(y, &v));
  PetscCall(VecDuplicate(x, &t));
  PetscCall(Op2dFillHash(x, 41));
  PetscCall(Op2dFillHash(v, 42));
  PetscCall(PdennConvNdForward(&conv, x, y));
  PetscCall(PdennConvNdAdjoint(&conv, v, t));
  PetscCall(GridGatherNatural(x, &xa));
  PetscCall(GridGatherNatural(y, &ya));
  PetscCall(GridGatherNatural(v, &va));
  PetscCall(GridGatherNatural(t, &ta));
  PetscCall(PetscMalloc2(Wo * Ho * c_out, &yref, M[0] * M[1] * c_in, &tref));
  ref = (RefConv){c_in, c_out, r, stride, bc, w, b};
  RefConvForward(&ref, M[0], M[1], xa, yref);
  ref.b = NULL;
  RefConvTranspose(&ref, M[0], M[1], va, tref);
  e_fwd  = PdennTestArrayRelDiff(Wo * Ho * c_out, ya, yref);
  e_adj  = PdennTestArrayRelDiff(M[0] * M[1] * c_in, ta, tref);
  *worst = PetscMax(*worst, PetscMax(e_fwd, e_adj));
  PetscCheck(e_fwd <= TOL && e_adj <= TOL, comm, PETSC_ERR_PLIB, "ConvNd %" PetscInt_FMT "x%" PetscInt_FMT " stride %" PetscInt_FMT " radius %" PetscInt_FMT " %s %" PetscInt_FMT " -> %" PetscInt_FMT ": W x + b differs from the reference by %g, W^T v by %g (> %g)", M[0], M[1], stride, r, PdennBoundaryTypes[bc], c_in, c_out, (double)e_fwd, (double)e_adj, (double)TOL);
  PetscCall(PetscFree2(yref, tref));
  PetscCall(PetscFree(xa));
  PetscCall(PetscFree(ya));
  PetscCall(PetscFree(va));
  PetscCall(PetscFree(ta));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&t));
  PetscCall(PdennConvNdDestroy(&conv));
  PetscCall(DMDestroy(&din));
  PetscCall(DMDestroy(&dout));
  PetscCall(PetscFree(w));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckConvolutions(MPI_Comm comm)
{
  const PetscInt grids[3][3] = {{9, 7, 1}, {8, 10, 1}, {11, 8, 1}}, chans[3][2] = {{1, 2}, {3, 2}, {2, 3}};
  PetscReal      worst = 0.0;
  PetscInt       n     = 0;

  PetscFunctionBeginUser;
  for (PetscInt g = 0; g < 3; g++)
    for (PetscInt stride = 1; stride <= 2; stride++)
      for (PetscInt r = 1; r <= 2; r++)
        for (PetscInt bc = 0; bc < 2; bc++)
          for (PetscInt c = 0; c < 3; c++, n++) PetscCall(CheckConv(comm, grids[g], stride, r, (PdennBoundary)bc, chans[c][0], chans[c][1], &worst));
  PetscCall(PetscPrintf(comm, "convolution: %" PetscInt_FMT " configurations, largest difference from the reference %.2e\n", n, (double)worst));
  PetscFunctionReturn(0);
}

/* n groups of G values: group 0 zero, the others norms spread over [0, 3] (beyond s_max = 1.5 and
   lambda = 0.7) in random directions */
static void GroupInputs(PetscInt G, PetscInt n, PetscReal z[])
{
  PetscReal u[64 * 4];

  Op2dHashArray(51, n * 4, u);
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal a  = i == 0 ? 0.0 : 1.5 * (u[4 * i] + 1.0);
    PetscReal       nr = 0.0;
    for (PetscInt c = 0; c < G; c++) nr += u[4 * i + 1 + c] * u[4 * i + 1 + c];
    for (PetscInt c = 0; c < G; c++) z[i * G + c] = a * u[4 * i + 1 + c] / PetscSqrtReal(nr);
  }
}

static PetscErrorCode CheckGroupActivation(MPI_Comm comm)
{
  const PetscInt  n = 64, types[7] = {PDENN_FLUX_LINEAR, PDENN_FLUX_PERONA_MALIK, PDENN_FLUX_EXP_PERONA_MALIK, PDENN_FLUX_CHARBONNIER, PDENN_FLUX_WEICKERT, PDENN_FLUX_TANH, PDENN_ACTIVATION_TRAINABLE};
  PetscReal       table[9], z[64 * 3], phi[64 * 3], ref[64 * 3], worst = 0.0;
  PdennActivation act;

  PetscFunctionBeginUser;
  Op2dHashArray(52, 9, table);
  for (PetscInt j = 0; j < 9; j++) table[j] = 0.5 + 0.45 * table[j]; /* nonmonotone, in [0.05, 0.95] */
  for (PetscInt G = 2; G <= 3; G++)
    for (PetscInt k = 0; k < 7; k++) {
      const RefAct ra = {types[k], 0.7, 9, 1.5, table};
      PetscReal    e;
      PetscCall(PetscMemzero(&act, sizeof(act)));
      act.type        = types[k];
      act.flux.type   = types[k] < PDENN_ACTIVATION_TRAINABLE ? (PdennFluxType)types[k] : PDENN_FLUX_LINEAR;
      act.flux.lambda = 0.7;
      act.n_nodes     = 9;
      act.s_max       = 1.5;
      act.bound       = 1.0;
      act.g           = table;
      GroupInputs(G, n, z);
      PetscCall(PdennGroupActivationApply(&act, G, n, z, phi));
      RefGroupActivation(&ra, G, n, z, ref);
      e     = PdennTestArrayRelDiff(n * G, phi, ref);
      worst = PetscMax(worst, e);
      PetscCheck(e <= TOL, comm, PETSC_ERR_PLIB, "group activation %s, G = %" PetscInt_FMT ": differs from g(|z|) z by %g (> %g)", PdennActivationTypes[types[k]], G, (double)e, (double)TOL);
    }
  PetscCall(PetscPrintf(comm, "group activation: 14 configurations, largest difference from the reference %.2e\n", (double)worst));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "The 2D layers against plain references"));
  PetscCall(CheckConvolutions(PETSC_COMM_WORLD));
  PetscCall(CheckGroupActivation(PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "reference layer checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
