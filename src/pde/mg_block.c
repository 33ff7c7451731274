/* Block cyclic reduction for PCMG on 5-point operators (order 2, docs/theory_implicit.md,
   "Multigrid"): the points are paired, (0,1), (2,3), ..., the last one alone if N is odd; pair j
   is coarse (C) for j even, fine (F) for j odd, so a 5-point matrix is block tridiagonal over the
   pairs and every F pair couples only to C pairs. P = [I; -A_FF^-1 A_FC] (2x2 solves) is then the
   ideal interpolation, P^T A P is again block tridiagonal over its own pairs, and block
   F-relaxation x_F += A_FF^-1 (b - A x)_F after the Galerkin correction makes the V-cycle a
   direct solve, as the point scheme of mg_operator.c does for 3-point operators. */
#include <pdenn/pde.h>

/* Fine point i is coarse iff its pair i/2 is even, i.e. i mod 4 in {0, 1}. */
static PetscBool BlockIsCoarse(PetscInt i)
{
  return (PetscBool)(i % 4 < 2);
}

/* The number of coarse points below fine point x: the coarse index of a coarse point x, and the
   coarse size for x = N ((N + 1) / 2 for odd N, the vertex-centred hierarchy's sizes). */
static PetscInt BlockCoarseCount(PetscInt x)
{
  return 2 * (x / 4) + PetscMin(x % 4, 2);
}

PetscErrorCode PdennMatBandwidth(Mat A, PetscInt *bandwidth)
{
  PetscInt rs, re;

  PetscFunctionBeginUser;
  *bandwidth = 0;
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  for (PetscInt i = rs; i < re; i++) {
    const PetscInt *cols;
    PetscInt        ncols;
    PetscCall(MatGetRow(A, i, &ncols, &cols, NULL));
    for (PetscInt k = 0; k < ncols; k++) *bandwidth = PetscMax(*bandwidth, PetscAbsInt(cols[k] - i));
    PetscCall(MatRestoreRow(A, i, &ncols, &cols, NULL));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, bandwidth, 1, MPIU_INT, MPI_MAX, PetscObjectComm((PetscObject)A)));
  PetscFunctionReturn(0);
}

/* The rows of A this rank's F rows need: its own and the partners of its first and last row,
   which can live on the neighbouring ranks (ownership is not aligned to pairs), all columns
   (global indices). *lo: the first row held. */
static PetscErrorCode BlockRows(Mat A, Mat *sub, PetscInt *lo)
{
  PetscInt rs, re, N, hi;
  IS       rows, cols;
  Mat     *subs;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  *lo = rs - rs % 2;
  hi  = PetscMin(N, re + re % 2);
  PetscCall(ISCreateStride(PETSC_COMM_SELF, hi - *lo, *lo, 1, &rows));
  PetscCall(ISCreateStride(PETSC_COMM_SELF, N, 0, 1, &cols));
  PetscCall(MatCreateSubMatrices(A, 1, &rows, &cols, MAT_INITIAL_MATRIX, &subs));
  *sub = subs[0];
  PetscCall(PetscFree(subs));
  PetscCall(ISDestroy(&rows));
  PetscCall(ISDestroy(&cols));
  PetscFunctionReturn(0);
}

/* F pair j's rows 2j, 2j+1 (one row if 2j + 1 = N) over columns 2j - 2 ... 2j + 3 (a[r][c]: row
   2j + r, column 2j - 2 + c); anything outside them breaks the block-tridiagonal structure. */
static PetscErrorCode BlockDenseRows(Mat sub, PetscInt lo, PetscInt N, PetscInt j, PetscScalar a[2][6])
{
  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(&a[0][0], 12));
  for (PetscInt r = 0; r < 2 && 2 * j + r < N; r++) {
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscInt           ncols;
    PetscCall(MatGetRow(sub, 2 * j + r - lo, &ncols, &cols, &vals));
    for (PetscInt k = 0; k < ncols; k++) {
      const PetscInt c = cols[k] - (2 * j - 2);
      PetscCheck((c >= 0 && c < 6) || vals[k] == 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "block interpolation: row %" PetscInt_FMT " couples to column %" PetscInt_FMT ", outside the neighbouring pairs; the operator must be at most 5-point (use -mg_interpolation linear)", 2 * j + r, cols[k]);
      if (c >= 0 && c < 6) a[r][c] = vals[k];
    }
    PetscCall(MatRestoreRow(sub, 2 * j + r - lo, &ncols, &cols, &vals));
  }
  PetscFunctionReturn(0);
}

/* Row s (0 or 1) of F pair j's block solve: inv[0..1] = row s of A_FF^-1 (columns 2j, 2j+1) and
   p[0..n_c) = row s of -A_FF^-1 A_FC over the coarse columns col[] of the C pairs j -+ 1. */
static PetscErrorCode BlockFineRow(Mat sub, PetscInt lo, PetscInt N, PetscInt i, PetscScalar inv[2], PetscScalar p[4], PetscInt col[4], PetscInt *n_c)
{
  const PetscInt j = i / 2, s = i % 2;
  const PetscInt fc[4] = {0, 1, 4, 5}; /* the C columns among 2j - 2 ... 2j + 3 */
  PetscScalar    a[2][6], det;

  PetscFunctionBeginUser;
  PetscCall(BlockDenseRows(sub, lo, N, j, a));
  if (2 * j + 1 < N) {
    det = a[0][2] * a[1][3] - a[0][3] * a[1][2];
    PetscCheck(PetscAbsScalar(det) > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "block interpolation: the 2x2 block of rows %" PetscInt_FMT ", %" PetscInt_FMT " is singular; use -mg_interpolation linear", 2 * j, 2 * j + 1);
    inv[0] = (s == 0 ? a[1][3] : -a[1][2]) / det;
    inv[1] = (s == 0 ? -a[0][3] : a[0][2]) / det;
  } else {
    PetscCheck(PetscAbsScalar(a[0][2]) > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "block interpolation: row %" PetscInt_FMT " has a zero diagonal; use -mg_interpolation linear", i);
    inv[0] = 1.0 / a[0][2];
    inv[1] = 0.0;
  }
  *n_c = 0;
  for (PetscInt k = 0; k < 4 && 2 * j - 2 + fc[k] < N; k++) {
    col[k] = BlockCoarseCount(2 * j - 2 + fc[k]);
    p[k]   = -(inv[0] * a[0][fc[k]] + inv[1] * a[1][fc[k]]);
    (*n_c)++;
  }
  PetscFunctionReturn(0);
}

/* Creates *M with A's row layout for MatSetValues of a fixed pattern (zeros kept) */
static PetscErrorCode BlockCreate(Mat A, PetscInt n_local, PetscInt n, PetscInt nz, Mat *M)
{
  PetscInt rs, re;

  PetscFunctionBeginUser;
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  PetscCall(MatCreateAIJ(PetscObjectComm((PetscObject)A), re - rs, n_local, PETSC_DETERMINE, n, nz, NULL, nz, NULL, M));
  PetscCall(MatSetOption(*M, MAT_IGNORE_ZERO_ENTRIES, PETSC_FALSE)); /* keep the pattern fixed */
  PetscFunctionReturn(0);
}

/* Fills P (what = 0) or the F-block inverse (what = 1) row by row from the local F rows. */
static PetscErrorCode BlockFill(Mat A, Mat M, PetscInt what)
{
  PetscInt rs, re, N, lo = 0;
  Mat      sub;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  PetscCall(BlockRows(A, &sub, &lo));
  for (PetscInt i = rs; i < re; i++) {
    PetscScalar inv[2], p[4], one = 1.0;
    PetscInt    col[4], n_c = 0, c = BlockCoarseCount(i), pair[2] = {i - i % 2, i - i % 2 + 1};

    if (BlockIsCoarse(i)) {
      if (what == 0) PetscCall(MatSetValues(M, 1, &i, 1, &c, &one, INSERT_VALUES));
      continue;
    }
    PetscCall(BlockFineRow(sub, lo, N, i, inv, p, col, &n_c));
    if (what == 0)
      PetscCall(MatSetValues(M, 1, &i, n_c, col, p, INSERT_VALUES));
    else
      PetscCall(MatSetValues(M, 1, &i, pair[1] < N ? 2 : 1, pair, inv, INSERT_VALUES));
  }
  PetscCall(MatDestroy(&sub));
  PetscCall(MatAssemblyBegin(M, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(M, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennMGBlockInterpolation(Mat A, MatReuse reuse, Mat *P)
{
  PetscInt rs, re, N;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCheck(N >= 3, PetscObjectComm((PetscObject)A), PETSC_ERR_ARG_SIZ, "block interpolation needs N >= 3, got %" PetscInt_FMT, N);
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  /* coarse point c lives on the rank owning its fine point */
  if (reuse == MAT_INITIAL_MATRIX) PetscCall(BlockCreate(A, BlockCoarseCount(re) - BlockCoarseCount(rs), BlockCoarseCount(N), 4, P));
  PetscCall(BlockFill(A, *P, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennMGBlockFineInverse(Mat A, MatReuse reuse, Mat *D)
{
  PetscInt rs, re, N;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  if (reuse == MAT_INITIAL_MATRIX) PetscCall(BlockCreate(A, re - rs, N, 2, D));
  PetscCall(BlockFill(A, *D, 1));
  PetscFunctionReturn(0);
}
