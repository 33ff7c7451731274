/* Multi-channel 1D convolution W, its exact adjoint W^T and its weight gradient, on the local
   (owned + ghost) arrays of a DMDA. With the kernel of K this is the spatial operator of every
   classical scheme (PAPER.md §1); with learned kernels it is the network's convolution. */
#include <pdenn/op.h>

const char *const PdennBoundaryTypes[] = {"reflect", "zero"};

PetscErrorCode PdennConv1dFillGhosts(PdennBoundary bc, PetscInt n, PetscInt r, PetscInt c, PetscBool at_left, PetscBool at_right, PetscReal *a)
{
  PetscFunctionBeginUser;
  PetscCheck(!(at_left || at_right) || n >= r, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "boundary rank owns %" PetscInt_FMT " points, fewer than the stencil radius %" PetscInt_FMT, n, r);
  for (PetscInt k = 1; k <= r; k++) {
    for (PetscInt ch = 0; ch < c; ch++) {
      /* half-sample mirror: a[-k] = a[k-1], a[n-1+k] = a[n-k] */
      if (at_left) a[-k * c + ch] = bc == PDENN_BC_REFLECT ? a[(k - 1) * c + ch] : 0.0;
      if (at_right) a[(n - 1 + k) * c + ch] = bc == PDENN_BC_REFLECT ? a[(n - k) * c + ch] : 0.0;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConv1dForward(const PdennConv1d *conv, PetscInt n, const PetscReal *restrict in, PetscReal *restrict out)
{
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt co = 0; co < co_n; co++) {
      const PetscReal *w   = conv->w + co * ci_n * kw;
      PetscReal        acc = conv->b ? conv->b[co] : 0.0;
      for (PetscInt ci = 0; ci < ci_n; ci++)
        for (PetscInt o = -r; o <= r; o++) acc += w[ci * kw + o + r] * in[(i + o) * ci_n + ci];
      out[i * co_n + co] = acc;
    }
  }
  PetscFunctionReturn(0);
}

/* y[k][ci] = sum_co sum_o w[co][ci][o] v[k-o][co]: the transposed convolution at extended
   position k, reading v only on [-r, n+r). */
static inline void ConvTransposeAt(const PdennConv1d *conv, PetscInt n, PetscInt k, const PetscReal *restrict v, PetscReal *restrict y)
{
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1;

  for (PetscInt ci = 0; ci < ci_n; ci++) y[ci] = 0.0;
  for (PetscInt o = -r; o <= r; o++) {
    const PetscInt p = k - o;
    if (p < -r || p >= n + r) continue;
    for (PetscInt co = 0; co < co_n; co++) {
      const PetscReal vp = v[p * co_n + co];
      for (PetscInt ci = 0; ci < ci_n; ci++) y[ci] += conv->w[(co * ci_n + ci) * kw + o + r] * vp;
    }
  }
}

PetscErrorCode PdennConv1dAdjoint(const PdennConv1d *conv, PetscInt n, PetscBool at_left, PetscBool at_right, const PetscReal *restrict v, PetscReal *restrict x)
{
  const PetscInt ci_n = conv->c_in, r = conv->radius;
  PetscReal      y[64];

  PetscFunctionBeginUser;
  PetscCheck(ci_n <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "at most 64 input channels, got %" PetscInt_FMT, ci_n);
  for (PetscInt j = 0; j < n; j++) ConvTransposeAt(conv, n, j, v, x + j * ci_n);
  if (conv->bc != PDENN_BC_REFLECT) PetscFunctionReturn(0);
  /* the mirrored ghost at k < 0 was a copy of point -1-k (and n-1+m of n-m): fold it back */
  for (PetscInt k = -r; k < 0 && at_left; k++) {
    ConvTransposeAt(conv, n, k, v, y);
    for (PetscInt ci = 0; ci < ci_n; ci++) x[(-1 - k) * ci_n + ci] += y[ci];
  }
  for (PetscInt k = n; k < n + r && at_right; k++) {
    ConvTransposeAt(conv, n, k, v, y);
    for (PetscInt ci = 0; ci < ci_n; ci++) x[(2 * n - 1 - k) * ci_n + ci] += y[ci];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConv1dWeightGrad(const PdennConv1d *conv, PetscInt n, const PetscReal *restrict in, const PetscReal *restrict v, PetscReal *restrict dw, PetscReal *restrict db)
{
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt co = 0; co < co_n; co++) {
      const PetscReal vi = v[i * co_n + co];
      PetscReal      *g  = dw + co * ci_n * kw;
      if (db) db[co] += vi;
      for (PetscInt ci = 0; ci < ci_n; ci++)
        for (PetscInt o = -r; o <= r; o++) g[ci * kw + o + r] += vi * in[(i + o) * ci_n + ci];
    }
  }
  PetscFunctionReturn(0);
}
