/* A proven, deterministic bound of ||W||_2^2 for the stability projection of docs/science.md §2:
   ||W||_2^2 = ||W^T W||_2 <= ||W^T W||_1 (the spectral radius of a symmetric matrix is below any
   induced norm). W^T W is assembled exactly, boundary rows (mirrored or zero) included, from the
   weights alone, so every rank and every rank layout computes the same number. */
#include <pdenn/nn.h>

/* Column of point p after the boundary rule, or -1 where a zero boundary drops it. */
static inline PetscInt MapPoint(PdennBoundary bc, PetscInt N, PetscInt p)
{
  if (p >= 0 && p < N) return p;
  if (bc == PDENN_BC_ZERO) return -1;
  return p < 0 ? -1 - p : 2 * N - 1 - p; /* half-sample mirror, valid for radius <= N */
}

/* Row (i, co) of W as a dense window: row[(p - i + r) * c_in + ci] for columns p in [i-r, i+r]
   (mirrored columns stay in that window), entries of equal column summed as in the matrix. */
static void AssembleRow(const PdennConv1d *conv, PetscInt N, PetscInt i, PetscInt co, PetscReal row[])
{
  const PetscInt ci_n = conv->c_in, r = conv->radius, kw = 2 * r + 1;

  for (PetscInt k = 0; k < kw * ci_n; k++) row[k] = 0.0;
  for (PetscInt o = -r; o <= r; o++) {
    const PetscInt p = MapPoint(conv->bc, N, i + o);
    if (p < 0) continue;
    for (PetscInt ci = 0; ci < ci_n; ci++) row[(p - i + r) * ci_n + ci] += conv->w[(co * ci_n + ci) * kw + o + r];
  }
}

/* ||W^T W||_1 on n_rows points: G accumulated as a band of half-width 2r (two columns of one
   row of W are at most 2r apart), then the largest absolute column sum. */
static PetscErrorCode GramNorm1(const PdennConv1d *conv, PetscInt N, PetscReal *norm1)
{
  const PetscInt ci_n = conv->c_in, r = conv->radius, kw = 2 * r + 1, bw = 4 * r + 1, ld = bw * ci_n;
  PetscReal     *G, *row;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(N * ci_n * ld, &G));
  PetscCall(PetscMalloc1(kw * ci_n, &row));
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt co = 0; co < conv->c_out; co++) {
      AssembleRow(conv, N, i, co, row);
      for (PetscInt k1 = 0; k1 < kw * ci_n; k1++) {
        const PetscInt col1 = i - r + k1 / ci_n;
        if (row[k1] == 0.0) continue;
        for (PetscInt k2 = 0; k2 < kw * ci_n; k2++) {
          const PetscInt d = k2 / ci_n - k1 / ci_n; /* column offset in [-2r, 2r] */
          G[(col1 * ci_n + k1 % ci_n) * ld + (d + 2 * r) * ci_n + k2 % ci_n] += row[k1] * row[k2];
        }
      }
    }
  *norm1 = 0.0;
  for (PetscInt c = 0; c < N * ci_n; c++) {
    PetscReal sum = 0.0; /* G is symmetric: a row sum is a column sum */
    for (PetscInt k = 0; k < ld; k++) sum += PetscAbsReal(G[c * ld + k]);
    *norm1 = PetscMax(*norm1, sum);
  }
  PetscCall(PetscFree(G));
  PetscCall(PetscFree(row));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConv1dNormBound(const PdennConv1d *conv, PetscInt N, PetscReal *norm2_bound)
{
  const PetscInt r = conv->radius;

  PetscFunctionBeginUser;
  PetscCheck(N >= r, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "%" PetscInt_FMT " points are fewer than the kernel radius %" PetscInt_FMT, N, r);
  /* Columns p in [2r, N-2r) of W^T W only meet rows i in [r, N-r), which are plain translates of
     one another, so all those columns have the same sum; columns nearer a boundary depend only
     on the 3r rows next to it. The 4r+1-point operator therefore has exactly the column sums of
     the N-point one: the bound is computed at O(r^3 c^2) cost whatever N. */
  PetscCall(GramNorm1(conv, PetscMin(N, 4 * r + 1), norm2_bound));
  PetscFunctionReturn(0);
}
