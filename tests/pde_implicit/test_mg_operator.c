/* The operator-dependent interpolation of src/pde/mg_operator.c (order 1: points) and
   src/pde/mg_block.c (order 2: pairs of points) on the semi-implicit matrix
   A = I + tau K^T G(u) K (Perona-Malik, rough u, tau = -tau_factor tau_max):
   - P^T A P keeps the structure: tridiagonal for order 1; for order 2 block tridiagonal over
     its own pairs (bandwidth <= 3), so the block scheme applies again on the next level;
   - (A P) vanishes on the fine rows (odd ones for order 1, i mod 4 in {2, 3} for order 2), i.e.
     P is the ideal interpolation [-A_FF^{-1} A_FC; I], and the two-grid cycle with an exact
     coarse solve followed by one F-relaxation (Jacobi on the odd points, order 1; the 2x2
     block inverses of PdennMGBlockFineInverse on the fine pairs, order 2; exact since A_FF is
     (block) diagonal) removes any error: ||e_2|| / ||e_0|| <= 1e-10 (cond(A) eps ~ 1e4 1e-16
     for the default tau, with margin);
   - on tau K^T G K without the identity, P reproduces the functions K annihilates: constants
     for order 1, constants and linears for order 2 (these away from the reflecting boundaries,
     where K does not annihilate them), to 1e-12 relative (rounding of 5 terms).
   - PdennMGOperatorCoarsen refilling P and P^T A P for new values of A (MAT_REUSE_MATRIX; on one
     rank for order 1 its closed form, else MatSetValues and MatPtAP) gives the P and MatPtAP of
     a fresh build, to 1e-13 of max |entry| (a few rounded products in another order).
   - order 1 on one rank: the one-pass residual of PCMG's levels, PdennMatResidualTridiagonal,
     gives MatResidual's b - A x to 1e-13 of max |r| (the same products, summed in another order),
     and its one-pass transfers (PdennMGTridiagonalTransfer) give P's P^T r, P x, y + P x to 1e-14
     of max |result| (at most three products).
   Tolerances on (A P)_F: 1e-13 of the row's scale |a_ff| (a few rounded products).
   Keys: the problem's (-N odd, -order, -lambda) and -tau_factor. */
#include "implicit_test.h"

/* Whether fine point i is a fine (F) point of the scheme of pde->order (see the header). */
static PetscBool IsFine(PetscInt order, PetscInt i)
{
  return (PetscBool)(order == 1 ? i % 2 == 1 : i % 4 >= 2);
}

/* The fine point of coarse point c: 2c (order 1); for order 2 the pairs' points, 2c or 2c - 1. */
static PetscInt FineOfCoarse(PetscInt order, PetscInt c)
{
  return order == 1 || c % 2 == 0 ? 2 * c : 2 * c - 1;
}

/* max over the F rows of |(A P)(f, :)| / |a_ff|, the structural bandwidth of P^T A P and its
   bandwidth over pairs (max |c/2 - k/2| over its entries (c, k)) */
static PetscErrorCode FineRowsAndBandwidth(PetscInt order, Mat A, Mat P, PetscReal *fine_rows, PetscInt bandwidth[2])
{
  Mat      AP, Ac;
  PetscInt rs, re;

  PetscFunctionBeginUser;
  *fine_rows   = 0.0;
  bandwidth[0] = bandwidth[1] = 0;
  PetscCall(MatMatMult(A, P, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &AP));
  PetscCall(MatGetOwnershipRange(AP, &rs, &re));
  for (PetscInt f = rs; f < re; f++) {
    const PetscScalar *vals;
    PetscInt           ncols;
    PetscScalar        a_ff;
    if (!IsFine(order, f)) continue;
    PetscCall(MatGetValue(A, f, f, &a_ff));
    PetscCall(MatGetRow(AP, f, &ncols, NULL, &vals));
    for (PetscInt k = 0; k < ncols; k++) *fine_rows = PetscMax(*fine_rows, PetscAbsScalar(vals[k]) / PetscAbsScalar(a_ff));
    PetscCall(MatRestoreRow(AP, f, &ncols, NULL, &vals));
  }
  PetscCall(MatPtAP(A, P, MAT_INITIAL_MATRIX, 2.0, &Ac));
  PetscCall(MatGetOwnershipRange(Ac, &rs, &re));
  for (PetscInt c = rs; c < re; c++) {
    const PetscInt *cols;
    PetscInt        ncols;
    PetscCall(MatGetRow(Ac, c, &ncols, &cols, NULL));
    for (PetscInt k = 0; k < ncols; k++) {
      bandwidth[0] = PetscMax(bandwidth[0], PetscAbsInt(cols[k] - c));
      bandwidth[1] = PetscMax(bandwidth[1], PetscAbsInt(cols[k] / 2 - c / 2));
    }
    PetscCall(MatRestoreRow(Ac, c, &ncols, &cols, NULL));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, fine_rows, 1, MPIU_REAL, MPIU_MAX, PetscObjectComm((PetscObject)A)));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, bandwidth, 2, MPIU_INT, MPI_MAX, PetscObjectComm((PetscObject)A)));
  PetscCall(MatDestroy(&AP));
  PetscCall(MatDestroy(&Ac));
  PetscFunctionReturn(0);
}

/* e <- e - D A e: Jacobi on the odd points (order 1), D = A_FF^-1 on the fine pairs (order 2) */
static PetscErrorCode FRelax(PetscInt order, Mat A, Vec e, Vec r)
{
  Mat              D;
  Vec              d;
  PetscInt         rs, re;
  PetscReal       *ea;
  const PetscReal *ra, *da;

  PetscFunctionBeginUser;
  PetscCall(MatMult(A, e, r));
  if (order == 2) {
    PetscCall(PdennMGBlockFineInverse(A, MAT_INITIAL_MATRIX, &D));
    PetscCall(VecDuplicate(r, &d));
    PetscCall(MatMult(D, r, d));
    PetscCall(VecAXPY(e, -1.0, d));
    PetscCall(VecDestroy(&d));
    PetscCall(MatDestroy(&D));
    PetscFunctionReturn(0);
  }
  PetscCall(VecDuplicate(r, &d));
  PetscCall(MatGetDiagonal(A, d));
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  PetscCall(VecGetArray(e, &ea));
  PetscCall(VecGetArrayRead(r, &ra));
  PetscCall(VecGetArrayRead(d, &da));
  for (PetscInt f = rs + (rs % 2 == 0); f < re; f += 2) ea[f - rs] -= ra[f - rs] / da[f - rs];
  PetscCall(VecRestoreArray(e, &ea));
  PetscCall(VecRestoreArrayRead(r, &ra));
  PetscCall(VecRestoreArrayRead(d, &da));
  PetscCall(VecDestroy(&d));
  PetscFunctionReturn(0);
}

/* e <- e - P (P^T A P)^{-1} P^T A e (exact coarse solve), then F-relaxation */
static PetscErrorCode TwoGridFRelaxation(PetscInt order, Mat A, Mat P, Vec e)
{
  Mat Ac;
  KSP coarse;
  Vec r, rc, ec;

  PetscFunctionBeginUser;
  PetscCall(MatPtAP(A, P, MAT_INITIAL_MATRIX, 2.0, &Ac));
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)A), &coarse));
  PetscCall(KSPSetOperators(coarse, Ac, Ac));
  PetscCall(TestKSPDirect(coarse));
  PetscCall(MatCreateVecs(P, &ec, &r));
  PetscCall(VecDuplicate(ec, &rc));
  PetscCall(MatMult(A, e, r));
  PetscCall(MatMultTranspose(P, r, rc));
  PetscCall(KSPSolve(coarse, rc, ec));
  PetscCall(MatMult(P, ec, r));
  PetscCall(VecAXPY(e, -1.0, r));
  PetscCall(FRelax(order, A, e, r));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&rc));
  PetscCall(VecDestroy(&ec));
  PetscCall(KSPDestroy(&coarse));
  PetscCall(MatDestroy(&Ac));
  PetscFunctionReturn(0);
}

/* max |P x_c - x_f| / max |x_f| for x = 1 or, if linear, x = the grid index (coarse c = fine
   FineOfCoarse(c)) */
static PetscErrorCode Reproduces(PetscInt order, Mat P, PetscBool linear, PetscReal *err)
{
  Vec        xc, xf, y;
  PetscInt   rs, re, n;
  PetscReal  nf;
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(MatCreateVecs(P, &xc, &xf));
  PetscCall(VecDuplicate(xf, &y));
  PetscCall(VecGetOwnershipRange(xc, &rs, &re));
  PetscCall(VecGetArray(xc, &a));
  for (PetscInt c = rs; c < re; c++) a[c - rs] = linear ? (PetscReal)FineOfCoarse(order, c) : 1.0;
  PetscCall(VecRestoreArray(xc, &a));
  PetscCall(VecGetOwnershipRange(xf, &rs, &re));
  PetscCall(VecGetArray(xf, &a));
  for (PetscInt f = rs; f < re; f++) a[f - rs] = linear ? (PetscReal)f : 1.0;
  PetscCall(VecRestoreArray(xf, &a));
  PetscCall(MatMult(P, xc, y));
  PetscCall(VecAXPY(y, -1.0, xf));
  PetscCall(VecGetSize(y, &n));
  PetscCall(VecGetArray(y, &a));
  for (PetscInt f = rs; f < re; f++)
    if (linear && (f < 4 || f > n - 5)) a[f - rs] = 0.0; /* the reflecting K keeps no linears there */
  PetscCall(VecRestoreArray(y, &a));
  PetscCall(VecNorm(y, NORM_INFINITY, err));
  PetscCall(VecNorm(xf, NORM_INFINITY, &nf));
  *err /= nf;
  PetscCall(VecDestroy(&xc));
  PetscCall(VecDestroy(&xf));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

static PetscErrorCode BuildMatrix(PdennDiffusion pde, PetscReal tau, Mat *A)
{
  Vec u, g;

  PetscFunctionBeginUser;
  PetscCall(DMCreateMatrix(pde->da, A));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &g));
  PetscCall(TestFillSignal(pde->da, u, 0.02, 0.3));
  PetscCall(PdennDiffusionDiffusivity(pde, u, g));
  PetscCall(PdennDiffusionImplicitMatrix(pde, tau, g, *A));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&g));
  PetscFunctionReturn(0);
}

/* max |X - Y| / max |Y| */
static PetscErrorCode RelativeDifference(Mat X, Mat Y, PetscReal *diff)
{
  Mat       D;
  PetscReal scale;

  PetscFunctionBeginUser;
  PetscCall(MatDuplicate(Y, MAT_COPY_VALUES, &D));
  PetscCall(MatAXPY(D, -1.0, X, DIFFERENT_NONZERO_PATTERN));
  PetscCall(MatNorm(D, NORM_MAX, diff));
  PetscCall(MatNorm(Y, NORM_MAX, &scale));
  *diff /= scale;
  PetscCall(MatDestroy(&D));
  PetscFunctionReturn(0);
}

/* The rebuild of a time step: P and A_c made for other values of A (A + I), then refilled. */
static PetscErrorCode CheckCoarsenReuse(PdennDiffusion pde, Mat A)
{
  Mat       P, Ac, P_ref, Ac_ref;
  PetscReal dP, dAc;

  PetscFunctionBeginUser;
  PetscCall(MatShift(A, 1.0));
  PetscCall(PdennMGOperatorCoarsen(A, MAT_INITIAL_MATRIX, &P, &Ac));
  PetscCall(MatShift(A, -1.0));
  PetscCall(PdennMGOperatorCoarsen(A, MAT_REUSE_MATRIX, &P, &Ac));
  PetscCall(PdennMGOperatorInterpolation(A, MAT_INITIAL_MATRIX, &P_ref));
  PetscCall(MatPtAP(A, P_ref, MAT_INITIAL_MATRIX, 2.0, &Ac_ref));
  PetscCall(RelativeDifference(P, P_ref, &dP));
  PetscCall(RelativeDifference(Ac, Ac_ref, &dAc));
  PetscCall(PetscPrintf(pde->comm, "refilled P, P^T A P against a fresh build: %.2e, %.2e\n", (double)dP, (double)dAc));
  PetscCheck(dP <= 1e-13 && dAc <= 1e-13, pde->comm, PETSC_ERR_PLIB, "refilled P or P^T A P differ from a fresh build by %g, %g", (double)dP, (double)dAc);
  PetscCall(MatDestroy(&P));
  PetscCall(MatDestroy(&Ac));
  PetscCall(MatDestroy(&P_ref));
  PetscCall(MatDestroy(&Ac_ref));
  PetscFunctionReturn(0);
}

/* The one-pass residual of PCMG's levels (PdennMatResidualTridiagonal) against MatResidual, where
   A is a one-rank tridiagonal matrix (order 1 on one rank), with rough x and b. */
static PetscErrorCode CheckResidual(PdennDiffusion pde, Mat A)
{
  Vec         x, b, r, r_ref;
  PetscReal   diff, scale;
  PetscBool   tri;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(pde->comm, &size));
  PetscCall(PdennMatIsFullTridiagonal(A, &tri));
  PetscCheck(tri == (PetscBool)(pde->order == 1 && size == 1), pde->comm, PETSC_ERR_PLIB, "tridiagonal test: %d for order %" PetscInt_FMT " on %d ranks", (int)tri, pde->order, (int)size);
  if (!tri) PetscFunctionReturn(0);
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecDuplicate(b, &r));
  PetscCall(VecDuplicate(b, &r_ref));
  PetscCall(TestFillSignal(pde->da, x, 0.7, 1.0));
  PetscCall(TestFillSignal(pde->da, b, 0.3, 0.5));
  PetscCall(PdennMatResidualTridiagonal(A, b, x, r));
  PetscCall(MatResidual(A, b, x, r_ref));
  PetscCall(VecNorm(r_ref, NORM_INFINITY, &scale));
  PetscCall(VecAXPY(r, -1.0, r_ref));
  PetscCall(VecNorm(r, NORM_INFINITY, &diff));
  diff /= scale;
  PetscCall(PetscPrintf(pde->comm, "one-pass tridiagonal residual against MatResidual: %.2e\n", (double)diff));
  PetscCheck(scale > 0.0 && diff <= 1e-13, pde->comm, PETSC_ERR_PLIB, "one-pass residual differs from MatResidual by %g", (double)diff);
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&r_ref));
  PetscFunctionReturn(0);
}

/* max |y_T - y_P| / max |y_P| of one application */
static PetscErrorCode TransferDifference(Vec yT, Vec yP, PetscReal *diff)
{
  PetscReal scale;

  PetscFunctionBeginUser;
  PetscCall(VecNorm(yP, NORM_INFINITY, &scale));
  PetscCall(VecAXPY(yT, -1.0, yP));
  PetscCall(VecNorm(yT, NORM_INFINITY, diff));
  PetscCheck(scale > 0.0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "transfer test: zero result");
  *diff /= scale;
  PetscFunctionReturn(0);
}

/* PCMG's one-pass transfers (PdennMGTridiagonalTransfer) against P's AIJ products, one rank,
   order 1: restriction P^T r, interpolation P x and y + P x into another vector. */
static PetscErrorCode CheckTransfer(PdennDiffusion pde, Mat A)
{
  Mat       P, T;
  Vec       xf, xc, yf, yf2, yc, yc2;
  PetscReal diff[3];
  PetscBool tri;

  PetscFunctionBeginUser;
  PetscCall(PdennMatIsFullTridiagonal(A, &tri));
  if (!tri) PetscFunctionReturn(0);
  PetscCall(PdennMGOperatorInterpolation(A, MAT_INITIAL_MATRIX, &P));
  PetscCall(PdennMGTridiagonalTransfer(P, &T));
  PetscCall(MatCreateVecs(P, &xc, &xf));
  PetscCall(VecDuplicate(xf, &yf));
  PetscCall(VecDuplicate(xf, &yf2));
  PetscCall(VecDuplicate(xc, &yc));
  PetscCall(VecDuplicate(xc, &yc2));
  PetscCall(TestFillSignal(pde->da, xf, 0.7, 1.0));
  PetscCall(VecSetRandom(xc, NULL));
  PetscCall(MatMultTranspose(T, xf, yc));
  PetscCall(MatMultTranspose(P, xf, yc2));
  PetscCall(TransferDifference(yc, yc2, &diff[0]));
  PetscCall(MatMult(T, xc, yf));
  PetscCall(MatMult(P, xc, yf2));
  PetscCall(TransferDifference(yf, yf2, &diff[1]));
  PetscCall(MatMultAdd(T, xc, xf, yf));
  PetscCall(MatMultAdd(P, xc, xf, yf2));
  PetscCall(TransferDifference(yf, yf2, &diff[2]));
  PetscCall(PetscPrintf(pde->comm, "one-pass transfers against P (P^T r, P x, y + P x): %.2e %.2e %.2e\n", (double)diff[0], (double)diff[1], (double)diff[2]));
  PetscCheck(diff[0] <= 1e-14 && diff[1] <= 1e-14 && diff[2] <= 1e-14, pde->comm, PETSC_ERR_PLIB, "one-pass transfers differ from P's products: %g %g %g", (double)diff[0], (double)diff[1], (double)diff[2]);
  PetscCall(VecDestroy(&xf));
  PetscCall(VecDestroy(&xc));
  PetscCall(VecDestroy(&yf));
  PetscCall(VecDestroy(&yf2));
  PetscCall(VecDestroy(&yc));
  PetscCall(VecDestroy(&yc2));
  PetscCall(MatDestroy(&T));
  PetscCall(MatDestroy(&P));
  PetscFunctionReturn(0);
}

/* The properties of A's interpolation that hold for pde->order (see the header). */
static PetscErrorCode CheckInterpolation(PdennDiffusion pde, Mat A)
{
  MPI_Comm  comm = pde->comm;
  Mat       P;
  Vec       e, e0;
  PetscReal fine_rows, ratio, n0, n2, err;
  PetscInt  bandwidth[2];

  PetscFunctionBeginUser;
  PetscCall(PdennMGOperatorInterpolation(A, MAT_INITIAL_MATRIX, &P));
  PetscCall(PdennMGOperatorInterpolation(A, MAT_REUSE_MATRIX, &P)); /* the refill path */
  PetscCall(FineRowsAndBandwidth(pde->order, A, P, &fine_rows, bandwidth));
  PetscCall(PetscPrintf(comm, "order %" PetscInt_FMT ": P^T A P bandwidth %" PetscInt_FMT " (over pairs %" PetscInt_FMT "), max |(A P)_F| / |a_ff| = %.2e\n", pde->order, bandwidth[0], bandwidth[1], (double)fine_rows));
  if (pde->order == 1)
    PetscCheck(bandwidth[0] == 1, comm, PETSC_ERR_PLIB, "P^T A P has bandwidth %" PetscInt_FMT ", A has 1", bandwidth[0]);
  else
    PetscCheck(bandwidth[0] <= 3 && bandwidth[1] == 1, comm, PETSC_ERR_PLIB, "P^T A P has bandwidth %" PetscInt_FMT ", %" PetscInt_FMT " over pairs: not block tridiagonal", bandwidth[0], bandwidth[1]);
  PetscCheck(fine_rows <= 1e-13, comm, PETSC_ERR_PLIB, "(A P) on the fine rows is %g, not zero", (double)fine_rows);
  PetscCall(MatCreateVecs(A, &e, NULL));
  PetscCall(TestFillSignal(pde->da, e, 0.7, 1.0)); /* rough: every frequency */
  PetscCall(VecDuplicate(e, &e0));
  PetscCall(VecCopy(e, e0));
  PetscCall(TwoGridFRelaxation(pde->order, A, P, e));
  PetscCall(VecNorm(e0, NORM_2, &n0));
  PetscCall(VecNorm(e, NORM_2, &n2));
  ratio = n2 / n0;
  PetscCall(PetscPrintf(comm, "two-grid + F-relaxation: ||e_1|| / ||e_0|| = %.2e\n", (double)ratio));
  PetscCheck(ratio <= 1e-10, comm, PETSC_ERR_PLIB, "two-grid cycle with F-relaxation left %g of the error", (double)ratio);
  PetscCall(VecDestroy(&e));
  PetscCall(VecDestroy(&e0));
  PetscCall(MatShift(A, -1.0)); /* tau K^T G K: annihilates constants (and linears, order 2) */
  PetscCall(PdennMGOperatorInterpolation(A, MAT_REUSE_MATRIX, &P));
  for (PetscInt linear = 0; linear < pde->order; linear++) {
    PetscCall(Reproduces(pde->order, P, (PetscBool)linear, &err));
    PetscCall(PetscPrintf(comm, "P reproduces %s to %.2e\n", linear ? "linears" : "constants", (double)err));
    PetscCheck(err <= 1e-12, comm, PETSC_ERR_PLIB, "P misses %s by %g", linear ? "linears" : "constants", (double)err);
  }
  PetscCall(MatDestroy(&P));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PdennDiffusion pde;
  Mat            A;
  PetscReal      tau_max, tau_factor = 1000.0;

  PetscCall(PdennInitialize(&argc, &argv, "Operator-dependent PCMG interpolation: exactness checks"));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-tau_factor", &tau_factor, NULL));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  PetscCall(BuildMatrix(pde, tau_factor * tau_max, &A));
  PetscCall(CheckCoarsenReuse(pde, A));
  PetscCall(CheckResidual(pde, A));
  PetscCall(CheckTransfer(pde, A));
  PetscCall(CheckInterpolation(pde, A));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "mg operator interpolation checks passed\n"));
  PetscCall(MatDestroy(&A));
  PetscCall(PdennDiffusionDestroy(&pde));
  return PdennFinalize(0);
}
