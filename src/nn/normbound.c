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

/* Row (i, co) of W on a dim-dimensional grid of n[a] points per axis as a list of (column, value)
   pairs, mirrored columns repeated rather than summed (G's products are bilinear in them). */
static PetscInt AssembleRowNd(const PdennConv1d *conv, PetscInt dim, const PetscInt n[3], const PetscInt i[3], PetscInt co, PetscInt cols[], PetscReal vals[])
{
  const PetscInt r = conv->radius, kw = 2 * r + 1, nt = dim == 3 ? kw * kw * kw : dim == 2 ? kw * kw
                                                                                           : kw;
  PetscInt       nr = 0;

  for (PetscInt t = 0; t < nt; t++) {
    const PetscInt o[3] = {t % kw - r, (t / kw) % kw - r, dim == 3 ? t / (kw * kw) - r : 0};
    PetscInt       p[3] = {0, 0, 0};
    PetscBool      in   = PETSC_TRUE;
    for (PetscInt a = 0; a < dim; a++) {
      p[a] = MapPoint(conv->bc, n[a], i[a] + o[a]);
      in   = (PetscBool)(in && p[a] >= 0);
    }
    for (PetscInt ci = 0; in && ci < conv->c_in; ci++) {
      const PetscReal w = conv->w[(co * conv->c_in + ci) * nt + t];
      if (w == 0.0) continue;
      cols[nr]   = (p[0] + n[0] * (p[1] + n[1] * p[2])) * conv->c_in + ci;
      vals[nr++] = w;
    }
  }
  return nr;
}

/* ||W^T W||_1 with W^T W assembled densely on the grid of n[a] points per axis */
static PetscErrorCode GramNorm1Nd(const PdennConv1d *conv, PetscInt dim, const PetscInt n[3], PetscReal *norm1)
{
  const PetscInt kw = 2 * conv->radius + 1, nt = dim == 3 ? kw * kw * kw : dim == 2 ? kw * kw
                                                                                    : kw,
                 size = n[0] * n[1] * n[2] * conv->c_in;
  PetscReal *G, *vals;
  PetscInt  *cols;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(size * size, &G));
  PetscCall(PetscMalloc2(nt * conv->c_in, &cols, nt * conv->c_in, &vals));
  for (PetscInt iz = 0; iz < n[2]; iz++)
    for (PetscInt iy = 0; iy < n[1]; iy++)
      for (PetscInt ix = 0; ix < n[0]; ix++)
        for (PetscInt co = 0; co < conv->c_out; co++) {
          const PetscInt i[3] = {ix, iy, iz}, nr = AssembleRowNd(conv, dim, n, i, co, cols, vals);
          for (PetscInt a = 0; a < nr; a++)
            for (PetscInt b = 0; b < nr; b++) G[cols[a] * size + cols[b]] += vals[a] * vals[b];
        }
  *norm1 = 0.0;
  for (PetscInt c = 0; c < size; c++) {
    PetscReal sum = 0.0; /* G is symmetric: a row sum is a column sum */
    for (PetscInt k = 0; k < size; k++) sum += PetscAbsReal(G[c * size + k]);
    *norm1 = PetscMax(*norm1, sum);
  }
  PetscCall(PetscFree(G));
  PetscCall(PetscFree2(cols, vals));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdNormBound(const PdennConv1d *conv, PetscInt dim, const PetscInt M[3], PetscReal *norm2_bound)
{
  const PetscInt r    = conv->radius;
  PetscInt       n[3] = {1, 1, 1};

  PetscFunctionBeginUser;
  PetscCheck(dim >= 1 && dim <= 3, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "grid dimension %" PetscInt_FMT "; expected 1, 2 or 3", dim);
  /* The boundary rule acts per axis, so W^T W is a tensor-product arrangement of the 1D pattern
     above: along each axis a column's neighbourhood is interior (a translate) or meets one
     boundary within 2r points. A grid of min(M_a, 4r+1) points per axis therefore has exactly
     the column sums of the full grid: the bound costs O((4r+1)^d c_out (2r+1)^(2d) c_in^2)
     whatever the image size. */
  for (PetscInt a = 0; a < dim; a++) {
    PetscCheck(M[a] >= r, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "%" PetscInt_FMT " points along axis %c are fewer than the kernel radius %" PetscInt_FMT, M[a], "xyz"[a], r);
    n[a] = PetscMin(M[a], 4 * r + 1);
  }
  PetscCall(GramNorm1Nd(conv, dim, n, norm2_bound));
  PetscFunctionReturn(0);
}
