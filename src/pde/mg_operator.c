/* Operator-dependent ("black-box", Dendy 1982) interpolation for PCMG on the 1D implicit
   matrices (docs/theory_implicit.md, "Multigrid"): each level's P is built from that level's
   assembled matrix, the next coarser operator is P^T A P, and both are rebuilt whenever the
   KSP's operator changes (a KSP pre-solve hook), so PCMG's own Galerkin step is not used. */
#include <pdenn/pde.h>
#include <petsc/private/petscimpl.h> /* PetscObjectStateGet: has the operator new values? */

/* What a matrix's nonzero pattern (of the matrix referenced) decides: whether it is the full
   tridiagonal pattern on one rank, and its bandwidth (> 1: the block scheme of mg_block.c). */
typedef struct {
  Mat              A;
  PetscObjectState nonzero_state;
  PetscBool        tri;
  PetscInt         bandwidth;
} TridiagonalCache;

/* The hierarchy kept between solves: P[l] maps level l-1 to level l (l >= 1), A[l] is the
   operator of level l < n_levels - 1 (the finest is the KSP's own); cache[l]: whether the
   operators of levels l and l - 1 are tridiagonal. */
typedef struct {
  PetscInt n_levels;
  Mat     *P, *A, *T; /* T[l]: P[l]'s one-pass transfers (MATSHELL) or NULL */
  TridiagonalCache (*cache)[2];
  Mat              fine;  /* the fine operator the hierarchy was built for (a reference) */
  PetscObjectState state; /* its state then: a new state means new values */
} MGOperator;

static PetscErrorCode MGOperatorReset(MGOperator *mgo)
{
  PetscFunctionBeginUser;
  for (PetscInt l = 0; l < mgo->n_levels; l++) {
    PetscCall(MatDestroy(&mgo->P[l]));
    PetscCall(MatDestroy(&mgo->A[l]));
    PetscCall(MatDestroy(&mgo->T[l]));
    PetscCall(MatDestroy(&mgo->cache[l][0].A));
    PetscCall(MatDestroy(&mgo->cache[l][1].A));
  }
  PetscCall(PetscFree4(mgo->P, mgo->A, mgo->T, mgo->cache));
  mgo->n_levels = 0;
  PetscCall(MatDestroy(&mgo->fine));
  PetscFunctionReturn(0);
}

static PetscErrorCode MGOperatorDestroy(void *ctx)
{
  MGOperator *mgo = (MGOperator *)ctx;

  PetscFunctionBeginUser;
  PetscCall(MGOperatorReset(mgo));
  PetscCall(PetscFree(mgo));
  PetscFunctionReturn(0);
}

/* Weights of fine point f (odd) from its coarse neighbours f - 1 and f + 1, from row f of A
   set to zero: for 3-point rows they are exact (A P = 0 on the fine points, Dendy's black-box
   interpolation). (5-point operators take the block scheme of mg_block.c instead.) */
static PetscErrorCode RowWeights(Mat A, PetscInt f, PetscScalar w[2])
{
  const PetscInt    *cols;
  const PetscScalar *vals;
  PetscInt           ncols;
  PetscScalar        diag = 0.0;

  PetscFunctionBeginUser;
  w[0] = w[1] = 0.0;
  PetscCall(MatGetRow(A, f, &ncols, &cols, &vals));
  for (PetscInt k = 0; k < ncols; k++) {
    const PetscInt o = cols[k] - f;
    if (o == -1 || o == 1)
      w[o > 0] -= vals[k];
    else
      diag += vals[k];
  }
  PetscCall(MatRestoreRow(A, f, &ncols, &cols, &vals));
  PetscCheck(PetscAbsScalar(diag) > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "operator-dependent interpolation: row %" PetscInt_FMT " has a zero reduced diagonal; use -mg_interpolation linear", f);
  w[0] /= diag;
  w[1] /= diag;
  PetscFunctionReturn(0);
}

/* A one-rank AIJ matrix with the full tridiagonal pattern (order 1, and every P^T A P of it):
   entry (i, i + o) is then the 3i + o-th stored value. */
PetscErrorCode PdennMatIsFullTridiagonal(Mat A, PetscBool *tri)
{
  const PetscInt *ia, *ja;
  PetscInt        n;
  PetscBool       seq, done;

  PetscFunctionBeginUser;
  *tri = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare((PetscObject)A, MATSEQAIJ, &seq));
  if (!seq) PetscFunctionReturn(0);
  PetscCall(MatGetRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
  if (!done) PetscFunctionReturn(0);
  *tri = (PetscBool)(n >= 2 && ia[0] == 0 && ia[n] == 3 * n - 2);
  for (PetscInt i = 0; i < n && *tri; i++) {
    if (ia[i + 1] - ia[i] != 3 - (i == 0) - (i == n - 1)) *tri = PETSC_FALSE;
    for (PetscInt k = ia[i]; k < ia[i + 1]; k++)
      if (ja[k] != k - 2 * i) *tri = PETSC_FALSE; /* k = 3i + o holds column i + o */
  }
  PetscCall(MatRestoreRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
  PetscFunctionReturn(0);
}

/* IsFullTridiagonal and the bandwidth of the matrix seen last, until it or its nonzero pattern
   changes: a pass over the pattern costs as much as the closed-form rebuild it selects, and the
   pattern of a time step's operator is the last one's. Holds a reference to that matrix.
   Collective (the bandwidth is reduced over the ranks). */
static PetscErrorCode TridiagonalCacheGet(TridiagonalCache *cache, Mat A, PetscBool *tri)
{
  PetscObjectState state;

  PetscFunctionBeginUser;
  PetscCall(MatGetNonzeroState(A, &state));
  if (cache->A != A || cache->nonzero_state != state) {
    PetscCall(PdennMatIsFullTridiagonal(A, &cache->tri));
    PetscCall(PdennMatBandwidth(A, &cache->bandwidth));
    PetscCall(PetscObjectReference((PetscObject)A));
    PetscCall(MatDestroy(&cache->A));
    cache->A             = A;
    cache->nonzero_state = state;
  }
  *tri = cache->tri;
  PetscFunctionReturn(0);
}

/* P's odd rows -a(f, f -+ 1) / a(f, f) into P's values p (row f starting at pi[f]) and, in the
   same pass over A (out of cache the rebuild's cost is its passes over memory), the coarse
   operator c: since A P vanishes on the fine rows, P^T A P = (A P) on the coarse rows,
   A_c(r, r + o) = sum_j a(2r, j) P(j, r + o), j = 2r - 1, 2r, 2r + 1 (the Schur complement
   A_cc - A_cf A_ff^-1 A_fc), each a product with the left or right weight of the fine rows
   2r -+ 1; row 2r + 1's weights are computed at coarse row r and kept for row r + 1. */
static PetscErrorCode FillTridiagonal(PetscInt n, const PetscScalar *restrict a, const PetscInt *restrict pi, PetscScalar *restrict p, PetscScalar *restrict c)
{
  const PetscInt nc   = (n + 1) / 2;
  PetscScalar    left = 0.0, right = 0.0; /* weights of fine row 2r - 1 */

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < nc; r++) {
    const PetscInt i = 2 * r;

    c[3 * r] = a[3 * i];
    if (r > 0) {
      c[3 * r] += a[3 * i - 1] * right;
      c[3 * r - 1] = a[3 * i - 1] * left;
    }
    if (r == nc - 1) break;
    {
      const PetscInt    f = i + 1;
      const PetscScalar d = a[3 * f];
      PetscCheck(PetscAbsScalar(d) > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "operator-dependent interpolation: row %" PetscInt_FMT " has a zero reduced diagonal; use -mg_interpolation linear", f);
      left         = -a[3 * f - 1] / d; /* columns r, r + 1, sorted */
      right        = -a[3 * f + 1] / d;
      p[pi[f]]     = left;
      p[pi[f] + 1] = right;
    }
    c[3 * r] += a[3 * i + 1] * left;
    c[3 * r + 1] = a[3 * i + 1] * right;
  }
  PetscFunctionReturn(0);
}

/* The rebuild of every time step for a tridiagonal A on one rank, in place in the arrays of the
   P and A_c made by the general path before (same patterns): one pass instead of
   MatSetValues and MatPtAP. *done: PETSC_FALSE (nothing written) for any other A. */
static PetscErrorCode RebuildTridiagonal(Mat A, Mat P, Mat Ac, TridiagonalCache cache[2], PetscBool *done)
{
  const PetscScalar *a;
  PetscScalar       *p, *c;
  const PetscInt    *pi, *pj;
  PetscInt           n, np;
  PetscBool          tri_a, tri_c, got;

  PetscFunctionBeginUser;
  PetscCall(TridiagonalCacheGet(&cache[0], A, &tri_a));
  PetscCall(TridiagonalCacheGet(&cache[1], Ac, &tri_c));
  *done = (PetscBool)(tri_a && tri_c);
  if (!*done) PetscFunctionReturn(0);
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatGetRowIJ(P, 0, PETSC_FALSE, PETSC_FALSE, &np, &pi, &pj, &got));
  PetscCheck(got && np == n, PETSC_COMM_SELF, PETSC_ERR_PLIB, "P does not match A");
  PetscCall(MatSeqAIJGetArrayRead(A, &a));
  PetscCall(MatSeqAIJGetArray(P, &p));
  PetscCall(MatSeqAIJGetArray(Ac, &c));
  PetscCall(FillTridiagonal(n, a, pi, p, c));
  PetscCall(MatSeqAIJRestoreArray(Ac, &c));
  PetscCall(MatSeqAIJRestoreArray(P, &p));
  PetscCall(MatSeqAIJRestoreArrayRead(A, &a));
  PetscCall(MatRestoreRowIJ(P, 0, PETSC_FALSE, PETSC_FALSE, &np, &pi, &pj, &got));
  PetscFunctionReturn(0);
}

static PetscErrorCode Interpolation(Mat A, PetscInt bandwidth, MatReuse reuse, Mat *P);

static PetscErrorCode Coarsen(Mat A, MatReuse reuse, Mat *P, Mat *Ac, TridiagonalCache cache[2])
{
  PetscBool done = PETSC_FALSE, tri;

  PetscFunctionBeginUser;
  if (reuse == MAT_REUSE_MATRIX) PetscCall(RebuildTridiagonal(A, *P, *Ac, cache, &done));
  if (done) PetscFunctionReturn(0);
  PetscCall(TridiagonalCacheGet(&cache[0], A, &tri));
  PetscCall(Interpolation(A, cache[0].bandwidth, reuse, P));
  PetscCall(MatPtAP(A, *P, reuse, 2.0, Ac));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennMGOperatorCoarsen(Mat A, MatReuse reuse, Mat *P, Mat *Ac)
{
  TridiagonalCache cache[2] = {{NULL, 0, PETSC_FALSE, 0}, {NULL, 0, PETSC_FALSE, 0}};

  PetscFunctionBeginUser;
  PetscCall(Coarsen(A, reuse, P, Ac, cache));
  PetscCall(MatDestroy(&cache[0].A));
  PetscCall(MatDestroy(&cache[1].A));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennMGOperatorInterpolation(Mat A, MatReuse reuse, Mat *P)
{
  PetscInt bandwidth;

  PetscFunctionBeginUser;
  PetscCall(PdennMatBandwidth(A, &bandwidth));
  PetscCall(Interpolation(A, bandwidth, reuse, P));
  PetscFunctionReturn(0);
}

/* The point scheme for 3-point operators, the pair scheme (mg_block.c) for 5-point ones (order 2
   and its coarse operators): bandwidth is A's, from its pattern. */
static PetscErrorCode Interpolation(Mat A, PetscInt bandwidth, MatReuse reuse, Mat *P)
{
  PetscInt rs, re, N;
  MPI_Comm comm = PetscObjectComm((PetscObject)A);

  PetscFunctionBeginUser;
  if (bandwidth > 1) {
    PetscCall(PdennMGBlockInterpolation(A, reuse, P));
    PetscFunctionReturn(0);
  }
  PetscCall(MatGetSize(A, &N, NULL));
  PetscCheck(N >= 3 && N % 2 == 1, comm, PETSC_ERR_ARG_SIZ, "operator-dependent interpolation coarsens N -> (N+1)/2 and needs N odd and >= 3, got %" PetscInt_FMT, N);
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  if (reuse == MAT_INITIAL_MATRIX) {
    /* coarse point c is fine point 2c and lives on the rank owning that fine row */
    PetscCall(MatCreateAIJ(comm, re - rs, (re + 1) / 2 - (rs + 1) / 2, N, (N + 1) / 2, 2, NULL, 2, NULL, P));
    PetscCall(MatSetOption(*P, MAT_IGNORE_ZERO_ENTRIES, PETSC_FALSE)); /* keep the pattern fixed */
  }
  for (PetscInt f = rs; f < re; f++) {
    PetscScalar w[2], one = 1.0;
    PetscInt    c[2] = {(f - 1) / 2, (f + 1) / 2};

    if (f % 2 == 0) {
      c[0] = f / 2;
      PetscCall(MatSetValues(*P, 1, &f, 1, c, &one, INSERT_VALUES));
      continue;
    }
    PetscCall(RowWeights(A, f, w));
    PetscCall(MatSetValues(*P, 1, &f, 2, c, w, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*P, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* r = b - A x for a one-rank tridiagonal A (entry (i, i + o) is value 3i + o) in one pass:
   MatResidual is a MatMult and a VecAYPX, two passes that also read the column indices, about
   twice the memory traffic, which out of cache is the V-cycle's largest cost. */
PetscErrorCode PdennMatResidualTridiagonal(Mat A, Vec b, Vec x, Vec r)
{
  const PetscScalar *a, *bb, *xx;
  PetscScalar       *rr;
  PetscInt           n;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatSeqAIJGetArrayRead(A, &a));
  PetscCall(VecGetArrayRead(b, &bb));
  PetscCall(VecGetArrayRead(x, &xx));
  PetscCall(VecGetArray(r, &rr));
  rr[0] = bb[0] - a[0] * xx[0] - a[1] * xx[1];
  for (PetscInt i = 1; i < n - 1; i++) rr[i] = bb[i] - a[3 * i - 1] * xx[i - 1] - a[3 * i] * xx[i] - a[3 * i + 1] * xx[i + 1];
  rr[n - 1] = bb[n - 1] - a[3 * n - 4] * xx[n - 2] - a[3 * n - 3] * xx[n - 1];
  PetscCall(VecRestoreArray(r, &rr));
  PetscCall(VecRestoreArrayRead(x, &xx));
  PetscCall(VecRestoreArrayRead(b, &bb));
  PetscCall(MatSeqAIJRestoreArrayRead(A, &a));
  PetscCall(PetscLogFlops(6.0 * n));
  PetscFunctionReturn(0);
}

/* The transfers of a one-rank P of the closed-form pattern: even row 2c holds 1 in column c (value
   3c), odd row 2c + 1 its weights for columns c and c + 1 (values 3c + 1, 3c + 2). AIJ's
   MatMultTranspose zeroes y and then scatters, reading the column indices; this is one pass. */
static PetscErrorCode TransferRestrict(Mat T, Vec x, Vec y)
{
  Mat                P;
  const PetscScalar *p, *xx;
  PetscScalar       *yy;
  PetscInt           nc;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(T, &P));
  PetscCall(MatGetSize(P, NULL, &nc));
  PetscCall(MatSeqAIJGetArrayRead(P, &p));
  PetscCall(VecGetArrayRead(x, &xx));
  PetscCall(VecGetArrayWrite(y, &yy));
  yy[0] = xx[0] + p[1] * xx[1];
  for (PetscInt c = 1; c < nc - 1; c++) yy[c] = xx[2 * c] + p[3 * c - 1] * xx[2 * c - 1] + p[3 * c + 1] * xx[2 * c + 1];
  yy[nc - 1] = xx[2 * nc - 2] + p[3 * nc - 4] * xx[2 * nc - 3];
  PetscCall(VecRestoreArrayWrite(y, &yy));
  PetscCall(VecRestoreArrayRead(x, &xx));
  PetscCall(MatSeqAIJRestoreArrayRead(P, &p));
  PetscCall(PetscLogFlops(4.0 * nc));
  PetscFunctionReturn(0);
}

/* w = y + P x (PCMG's interpolation adds to the fine iterate, w = y), one pass */
static PetscErrorCode TransferInterpolateAdd(Mat T, Vec x, Vec y, Vec w)
{
  Mat                P;
  const PetscScalar *p, *xx, *yy;
  PetscScalar       *ww;
  PetscInt           nc;

  PetscFunctionBeginUser;
  PetscCall(MatShellGetContext(T, &P));
  PetscCall(MatGetSize(P, NULL, &nc));
  PetscCall(MatSeqAIJGetArrayRead(P, &p));
  PetscCall(VecGetArrayRead(x, &xx));
  if (w != y) PetscCall(VecCopy(y, w));
  PetscCall(VecGetArray(w, &ww));
  yy = ww;
  for (PetscInt c = 0; c < nc - 1; c++) {
    ww[2 * c]     = yy[2 * c] + xx[c];
    ww[2 * c + 1] = yy[2 * c + 1] + p[3 * c + 1] * xx[c] + p[3 * c + 2] * xx[c + 1];
  }
  ww[2 * nc - 2] = yy[2 * nc - 2] + xx[nc - 1];
  PetscCall(VecRestoreArray(w, &ww));
  PetscCall(VecRestoreArrayRead(x, &xx));
  PetscCall(MatSeqAIJRestoreArrayRead(P, &p));
  PetscCall(PetscLogFlops(4.0 * nc));
  PetscFunctionReturn(0);
}

static PetscErrorCode TransferInterpolate(Mat T, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCall(VecZeroEntries(y));
  PetscCall(TransferInterpolateAdd(T, x, y, y));
  PetscFunctionReturn(0);
}

static PetscErrorCode TransferDestroy(void *ctx)
{
  Mat P = (Mat)ctx;

  PetscFunctionBeginUser;
  PetscCall(MatDestroy(&P));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennMGTridiagonalTransfer(Mat P, Mat *T)
{
  const PetscInt *pi, *pj;
  PetscInt        n, nc, m;
  PetscBool       seq, got, closed;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectTypeCompare((PetscObject)P, MATSEQAIJ, &seq));
  PetscCall(MatGetSize(P, &n, &nc));
  closed = (PetscBool)(seq && n >= 3 && n % 2 == 1 && nc == (n + 1) / 2);
  if (closed) {
    PetscCall(MatGetRowIJ(P, 0, PETSC_FALSE, PETSC_FALSE, &m, &pi, &pj, &got));
    closed = (PetscBool)(got && m == n);
    for (PetscInt f = 0; f < n && closed; f++) {
      const PetscInt c = f / 2, odd = f % 2;
      closed = (PetscBool)(pi[f] == 3 * c + odd && pi[f + 1] - pi[f] == 1 + odd && pj[pi[f]] == c && (!odd || pj[pi[f] + 1] == c + 1));
    }
    if (got) PetscCall(MatRestoreRowIJ(P, 0, PETSC_FALSE, PETSC_FALSE, &m, &pi, &pj, &got));
  }
  PetscCheck(closed, PetscObjectComm((PetscObject)P), PETSC_ERR_ARG_WRONG, "one-pass transfers: P must be a one-rank operator-dependent interpolation of odd size (rows 2c: column c; rows 2c+1: columns c, c+1)");
  PetscCall(PetscObjectReference((PetscObject)P));
  PetscCall(MatCreateShell(PETSC_COMM_SELF, n, nc, n, nc, P, T));
  PetscCall(MatShellSetContextDestroy(*T, TransferDestroy));
  PetscCall(MatShellSetOperation(*T, MATOP_MULT, (void (*)(void))TransferInterpolate));
  PetscCall(MatShellSetOperation(*T, MATOP_MULT_ADD, (void (*)(void))TransferInterpolateAdd));
  PetscCall(MatShellSetOperation(*T, MATOP_MULT_TRANSPOSE, (void (*)(void))TransferRestrict));
  PetscFunctionReturn(0);
}

/* PCMG's interpolation and restriction of level l: P[l]'s one-pass transfers where the level was
   rebuilt in closed form (tri), else P[l] itself. */
static PetscErrorCode MGOperatorSetTransfer(MGOperator *mgo, PC pc, PetscInt l, PetscBool tri)
{
  Mat T = mgo->P[l];

  PetscFunctionBeginUser;
  if (tri) {
    if (!mgo->T[l]) PetscCall(PdennMGTridiagonalTransfer(mgo->P[l], &mgo->T[l]));
    T = mgo->T[l];
  }
  PetscCall(PCMGSetInterpolation(pc, l, T));
  PetscCall(PCMGSetRestriction(pc, l, T));
  PetscFunctionReturn(0);
}

/* Level l's residual: the one-pass form for a one-rank tridiagonal A (*tri), else PCMG's
   MatResidual. */
static PetscErrorCode MGOperatorSetResidual(PC pc, PetscInt l, Mat A, TridiagonalCache *cache, PetscBool *tri)
{
  PetscFunctionBeginUser;
  PetscCall(TridiagonalCacheGet(cache, A, tri));
  PetscCall(PCMGSetResidual(pc, l, *tri ? PdennMatResidualTridiagonal : PCMGResidualDefault, A));
  PetscFunctionReturn(0);
}

/* P_l from A_l and A_{l-1} = P_l^T A_l P_l, finest to coarsest, handed to PCMG (restriction
   P^T, each level's smoother operator). reuse: the same sizes and patterns as last time. */
static PetscErrorCode MGOperatorBuild(MGOperator *mgo, PC pc, Mat fine, MatReuse reuse)
{
  Mat A = fine;

  PetscFunctionBeginUser;
  for (PetscInt l = mgo->n_levels - 1; l > 0; l--) {
    KSP       smoother;
    PetscBool tri;

    PetscCall(Coarsen(A, reuse, &mgo->P[l], &mgo->A[l - 1], mgo->cache[l]));
    PetscCall(MGOperatorSetResidual(pc, l, A, &mgo->cache[l][0], &tri));
    PetscCall(MGOperatorSetTransfer(mgo, pc, l, tri));
    A = mgo->A[l - 1];
    PetscCall(PCMGGetSmoother(pc, l - 1, &smoother));
    PetscCall(KSPSetOperators(smoother, A, A));
  }
  PetscFunctionReturn(0);
}

/* Runs at the start of every KSPSolve, before KSPSetUp: rebuilds the hierarchy when the
   operator is new or has new values, so PCSetUp_MG finds it current. */
static PetscErrorCode MGOperatorPreSolve(KSP ksp, Vec b, Vec x, void *ctx)
{
  MGOperator      *mgo = (MGOperator *)ctx;
  PC               pc;
  Mat              fine;
  PetscInt         levels;
  PetscObjectState state;
  PetscBool        is_mg;

  PetscFunctionBeginUser;
  (void)b;
  (void)x;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCMG, &is_mg));
  if (!is_mg) PetscFunctionReturn(0);
  PetscCall(KSPGetOperators(ksp, NULL, &fine));
  PetscCall(PetscObjectStateGet((PetscObject)fine, &state));
  PetscCall(PCMGGetLevels(pc, &levels));
  if (fine == mgo->fine && levels == mgo->n_levels && state == mgo->state) PetscFunctionReturn(0);
  if (fine == mgo->fine && levels == mgo->n_levels)
    PetscCall(MGOperatorBuild(mgo, pc, fine, MAT_REUSE_MATRIX));
  else {
    PetscCall(MGOperatorReset(mgo));
    PetscCall(PetscCalloc4(levels, &mgo->P, levels, &mgo->A, levels, &mgo->T, levels, &mgo->cache));
    mgo->n_levels = levels;
    PetscCall(MGOperatorBuild(mgo, pc, fine, MAT_INITIAL_MATRIX));
    PetscCall(PetscObjectReference((PetscObject)fine));
    mgo->fine = fine;
  }
  mgo->state = state;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennKSPSetMGOperatorHierarchy(KSP ksp)
{
  PetscContainer container;
  MGOperator    *mgo;
  PC             pc;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectQuery((PetscObject)ksp, "PdennMGOperator", (PetscObject *)&container));
  if (!container) {
    PetscCall(PetscNew(&mgo));
    PetscCall(PetscContainerCreate(PetscObjectComm((PetscObject)ksp), &container));
    PetscCall(PetscContainerSetPointer(container, mgo));
    PetscCall(PetscContainerSetUserDestroy(container, MGOperatorDestroy));
    PetscCall(PetscObjectCompose((PetscObject)ksp, "PdennMGOperator", (PetscObject)container));
    PetscCall(PetscContainerDestroy(&container)); /* the KSP holds it now */
  } else
    PetscCall(PetscContainerGetPointer(container, (void **)&mgo));
  PetscCall(KSPSetPreSolve(ksp, MGOperatorPreSolve, mgo));
  PetscCall(KSPGetPC(ksp, &pc));
  /* the coarse operators are ours: PCMG must neither form R A P nor ask the DM for them */
  PetscCall(PCMGSetGalerkin(pc, PC_MG_GALERKIN_EXTERNAL));
  PetscFunctionReturn(0);
}

/* F-relaxation (docs/theory_implicit.md, "Multigrid"): the fine points (odd global index, the
   points P interpolates) are relaxed simultaneously, x_f += r_f / a_ff, the C points are left
   alone; a 5-point operator (bandwidth > 1, order 2) gets the block form of mg_block.c instead,
   x_F += A_FF^-1 r_F on its fine pairs, exact for the same reason. For a 3-point operator the fine points are coupled only to coarse ones, so this solves
   the fine rows exactly given the coarse values; after the Galerkin correction with the
   operator-dependent P (exact coarse values, A P = 0 on the fine rows) the V-cycle is then
   cyclic reduction, a direct solve up to rounding. A PCSHELL whose apply scales a residual by
   1 / a_ff on the fine points and its Richardson form (what KSPRICHARDSON calls) relaxes in
   place: for a one-rank tridiagonal matrix one pass over the odd rows, else a residual and the
   scaling. The diagonal is computed when first needed after a set-up: the Richardson form of a
   tridiagonal matrix, and a smoother of no steps, never need it. */
typedef struct {
  Vec              inv_diag_f; /* 1 / a_ii on the fine points, 0 on the coarse ones */
  Mat              inv_block;  /* 5-point operators: A_FF^-1 of the F pairs (mg_block.c), or NULL */
  Vec              work;       /* its product with a residual */
  PetscBool        stale;      /* inv_diag_f / inv_block is not yet the current operator's */
  TridiagonalCache tri;        /* whether the operator is tridiagonal on one rank; its bandwidth */
} FRelaxation;

/* d = 1 / a_ii on the odd rows, 0 on the even ones; a tridiagonal A (one rank) is read in place
   (a_ii is its 3i-th value), any other through MatGetDiagonal. */
static PetscErrorCode InverseFineDiagonal(Mat A, PetscBool tri, Vec d)
{
  const PetscScalar *a;
  PetscScalar       *di;
  PetscInt           rs, re, stride = 3;

  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(d, &rs, &re));
  if (!tri) {
    PetscCall(MatGetDiagonal(A, d));
    stride = 1;
  }
  PetscCall(VecGetArray(d, &di));
  if (tri)
    PetscCall(MatSeqAIJGetArrayRead(A, &a));
  else
    a = di;
  for (PetscInt i = rs + rs % 2; i < re; i += 2) di[i - rs] = 0.0;
  for (PetscInt i = rs + 1 - rs % 2; i < re; i += 2) {
    const PetscScalar a_ii = a[stride * (i - rs)];
    PetscCheck(PetscAbsScalar(a_ii) > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "F-relaxation: row %" PetscInt_FMT " has a zero diagonal; use -mg_smoother sor", i);
    di[i - rs] = 1.0 / a_ii;
  }
  if (tri) PetscCall(MatSeqAIJRestoreArrayRead(A, &a));
  PetscCall(VecRestoreArray(d, &di));
  PetscFunctionReturn(0);
}

static PetscErrorCode FRelaxationSetUp(PC pc)
{
  FRelaxation *fr;

  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &fr));
  fr->stale = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* Whether what was built for another operator (local size n_old, or -1: none) fits A's layout
   on every rank: every time step keeps its vector or matrix. */
static PetscErrorCode FRelaxationSameLayout(PC pc, Mat A, PetscInt n_old, PetscBool *same)
{
  PetscInt n_mat;

  PetscFunctionBeginUser;
  PetscCall(MatGetLocalSize(A, &n_mat, NULL));
  *same = (PetscBool)(n_old == n_mat);
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, same, 1, MPIU_BOOL, MPI_LAND, PetscObjectComm((PetscObject)pc)));
  PetscFunctionReturn(0);
}

/* A 5-point operator's F-pair inverses (block F-relaxation, mg_block.c), else its 1 / a_ff */
static PetscErrorCode FRelaxationDiagonal(PC pc, FRelaxation *fr)
{
  Mat       A;
  PetscBool tri, same;
  PetscInt  n_old = -1;

  PetscFunctionBeginUser;
  if (!fr->stale) PetscFunctionReturn(0);
  PetscCall(PCGetOperators(pc, NULL, &A));
  PetscCall(TridiagonalCacheGet(&fr->tri, A, &tri));
  if (fr->tri.bandwidth > 1) {
    PetscCall(VecDestroy(&fr->inv_diag_f));
    if (fr->inv_block) PetscCall(MatGetLocalSize(fr->inv_block, &n_old, NULL));
    PetscCall(FRelaxationSameLayout(pc, A, n_old, &same));
    if (!same) {
      PetscCall(MatDestroy(&fr->inv_block));
      PetscCall(VecDestroy(&fr->work));
    }
    PetscCall(PdennMGBlockFineInverse(A, same ? MAT_REUSE_MATRIX : MAT_INITIAL_MATRIX, &fr->inv_block));
    fr->stale = PETSC_FALSE;
    PetscFunctionReturn(0);
  }
  PetscCall(MatDestroy(&fr->inv_block));
  PetscCall(VecDestroy(&fr->work));
  if (fr->inv_diag_f) PetscCall(VecGetLocalSize(fr->inv_diag_f, &n_old));
  PetscCall(FRelaxationSameLayout(pc, A, n_old, &same));
  if (!same) PetscCall(VecDestroy(&fr->inv_diag_f));
  if (!fr->inv_diag_f) PetscCall(MatCreateVecs(A, &fr->inv_diag_f, NULL));
  PetscCall(InverseFineDiagonal(A, tri, fr->inv_diag_f));
  fr->stale = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* y = the F-relaxation's scaling of the residual r: A_FF^-1 r_F, zero on the C points */
static PetscErrorCode FRelaxationScale(FRelaxation *fr, Vec r, Vec y)
{
  PetscFunctionBeginUser;
  if (fr->inv_block)
    PetscCall(MatMult(fr->inv_block, r, y));
  else
    PetscCall(VecPointwiseMult(y, fr->inv_diag_f, r));
  PetscFunctionReturn(0);
}

static PetscErrorCode FRelaxationApply(PC pc, Vec r, Vec y)
{
  FRelaxation *fr;

  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &fr));
  PetscCall(FRelaxationDiagonal(pc, fr));
  PetscCall(FRelaxationScale(fr, r, y));
  PetscFunctionReturn(0);
}

/* x_f = (b_f - a(f, f-1) x_{f-1} - a(f, f+1) x_{f+1}) / a_ff on the odd rows of a one-rank
   tridiagonal A (entry (i, i + o) is value 3i + o), in place: they read only even points. */
static PetscErrorCode FineRowsSolveTridiagonal(Mat A, Vec b, Vec x)
{
  const PetscScalar *a, *bb;
  PetscScalar       *xx;
  PetscInt           n;

  PetscFunctionBeginUser;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatSeqAIJGetArrayRead(A, &a));
  PetscCall(VecGetArrayRead(b, &bb));
  PetscCall(VecGetArray(x, &xx));
  for (PetscInt i = 1; i < n; i += 2) {
    const PetscScalar right = i + 1 < n ? a[3 * i + 1] * xx[i + 1] : 0.0;
    PetscCheck(a[3 * i] != 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "F-relaxation: row %" PetscInt_FMT " has a zero diagonal; use -mg_smoother sor", i);
    xx[i] = (bb[i] - a[3 * i - 1] * xx[i - 1] - right) / a[3 * i];
  }
  PetscCall(VecRestoreArray(x, &xx));
  PetscCall(VecRestoreArrayRead(b, &bb));
  PetscCall(MatSeqAIJRestoreArrayRead(A, &a));
  PetscFunctionReturn(0);
}

/* its F-relaxation steps on x for A x = b (PCShellSetApplyRichardson's form; w: work) */
static PetscErrorCode FRelaxationApplyRichardson(PC pc, Vec b, Vec x, Vec w, PetscReal rtol, PetscReal abstol, PetscReal dtol, PetscInt its, PetscBool guesszero, PetscInt *outits, PCRichardsonConvergedReason *reason)
{
  FRelaxation *fr;
  Mat          A;
  PetscBool    tri;

  PetscFunctionBeginUser;
  (void)rtol;
  (void)abstol;
  (void)dtol;
  PetscCall(PCShellGetContext(pc, &fr));
  PetscCall(PCGetOperators(pc, NULL, &A));
  PetscCall(TridiagonalCacheGet(&fr->tri, A, &tri));
  if (guesszero) PetscCall(VecSet(x, 0.0));
  for (PetscInt k = 0; k < its; k++) {
    if (tri) {
      PetscCall(FineRowsSolveTridiagonal(A, b, x));
      continue;
    }
    PetscCall(FRelaxationDiagonal(pc, fr));
    PetscCall(MatResidual(A, b, x, w));
    if (fr->inv_block) { /* MatMult cannot work in place */
      if (!fr->work) PetscCall(VecDuplicate(w, &fr->work));
      PetscCall(MatMult(fr->inv_block, w, fr->work));
      PetscCall(VecAXPY(x, 1.0, fr->work));
      continue;
    }
    PetscCall(VecPointwiseMult(w, fr->inv_diag_f, w));
    PetscCall(VecAXPY(x, 1.0, w));
  }
  *outits = its;
  *reason = PCRICHARDSON_CONVERGED_ITS;
  PetscFunctionReturn(0);
}

static PetscErrorCode FRelaxationDestroy(PC pc)
{
  FRelaxation *fr;

  PetscFunctionBeginUser;
  PetscCall(PCShellGetContext(pc, &fr));
  PetscCall(VecDestroy(&fr->inv_diag_f));
  PetscCall(MatDestroy(&fr->inv_block));
  PetscCall(VecDestroy(&fr->work));
  PetscCall(MatDestroy(&fr->tri.A));
  PetscCall(PetscFree(fr));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennMGSmootherFRelaxation(KSP smoother, PetscInt steps)
{
  PC           pc;
  FRelaxation *fr;

  PetscFunctionBeginUser;
  PetscCall(KSPSetType(smoother, KSPRICHARDSON));
  PetscCall(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, steps));
  PetscCall(KSPSetNormType(smoother, KSP_NORM_NONE));
  PetscCall(KSPSetConvergenceTest(smoother, KSPConvergedSkip, NULL, NULL));
  PetscCall(KSPGetPC(smoother, &pc));
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PetscNew(&fr));
  PetscCall(PCShellSetContext(pc, fr));
  PetscCall(PCShellSetName(pc, "F-relaxation (fine points, Jacobi)"));
  PetscCall(PCShellSetSetUp(pc, FRelaxationSetUp));
  PetscCall(PCShellSetApply(pc, FRelaxationApply));
  PetscCall(PCShellSetApplyRichardson(pc, FRelaxationApplyRichardson));
  PetscCall(PCShellSetDestroy(pc, FRelaxationDestroy));
  PetscFunctionReturn(0);
}
