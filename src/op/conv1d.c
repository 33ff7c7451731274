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

/* Hot loops: the point loop innermost over contiguous memory so the compiler vectorises it
   (measured in docs/performance.md). One channel in and out is the classical K: one sweep per
   kernel offset. Several channels: per point one dot product of the contiguous window
   in[i-r .. i+r][0 .. c) with the weights rearranged once to the window's layout. */
#define PDENN_CONV_MAX_WEIGHTS 8192

PetscErrorCode PdennConv1dForward(const PdennConv1d *conv, PetscInt n, const PetscReal *restrict in, PetscReal *restrict out)
{
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1, len = kw * ci_n;
  PetscReal      wt[PDENN_CONV_MAX_WEIGHTS];

  PetscFunctionBeginUser;
  if (ci_n == 1 && co_n == 1) {
    const PetscReal b = conv->b ? conv->b[0] : 0.0;
    for (PetscInt i = 0; i < n; i++) out[i] = b;
    for (PetscInt o = -r; o <= r; o++) {
      const PetscReal w = conv->w[o + r], *s = in + o;
      for (PetscInt i = 0; i < n; i++) out[i] += w * s[i];
    }
    PetscFunctionReturn(0);
  }
  PetscCheck(co_n * len <= PDENN_CONV_MAX_WEIGHTS, PETSC_COMM_SELF, PETSC_ERR_SUP, "convolution with %" PetscInt_FMT " weights: at most %d supported", co_n * len, PDENN_CONV_MAX_WEIGHTS);
  for (PetscInt co = 0; co < co_n; co++)
    for (PetscInt o = 0; o < kw; o++)
      for (PetscInt ci = 0; ci < ci_n; ci++) wt[co * len + o * ci_n + ci] = conv->w[(co * ci_n + ci) * kw + o];
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *win = in + (i - r) * ci_n;
    for (PetscInt co = 0; co < co_n; co++) {
      const PetscReal *w   = wt + co * len;
      PetscReal        acc = conv->b ? conv->b[co] : 0.0;
      for (PetscInt q = 0; q < len; q++) acc += w[q] * win[q];
      out[i * co_n + co] = acc;
    }
  }
  PetscFunctionReturn(0);
}

/* x[j][ci] = sum_o sum_co w[co][ci][o] v[j-o][co] at the owned points j, where j - o stays in
   [-r, n+r): the same two loop orders as the forward pass, with the kernel flipped. */
static PetscErrorCode ConvAdjointOwned(const PdennConv1d *conv, PetscInt n, const PetscReal *restrict v, PetscReal *restrict x)
{
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1, len = kw * co_n;
  PetscReal      wa[PDENN_CONV_MAX_WEIGHTS];

  PetscFunctionBeginUser;
  if (ci_n == 1 && co_n == 1) {
    for (PetscInt j = 0; j < n; j++) x[j] = 0.0;
    for (PetscInt o = -r; o <= r; o++) {
      const PetscReal w = conv->w[o + r], *s = v - o;
      for (PetscInt j = 0; j < n; j++) x[j] += w * s[j];
    }
    PetscFunctionReturn(0);
  }
  PetscCheck(ci_n * len <= PDENN_CONV_MAX_WEIGHTS, PETSC_COMM_SELF, PETSC_ERR_SUP, "convolution with %" PetscInt_FMT " weights: at most %d supported", ci_n * len, PDENN_CONV_MAX_WEIGHTS);
  for (PetscInt ci = 0; ci < ci_n; ci++)
    for (PetscInt q = 0; q < kw; q++)
      for (PetscInt co = 0; co < co_n; co++) wa[ci * len + q * co_n + co] = conv->w[(co * ci_n + ci) * kw + (kw - 1 - q)];
  for (PetscInt j = 0; j < n; j++) {
    const PetscReal *win = v + (j - r) * co_n;
    for (PetscInt ci = 0; ci < ci_n; ci++) {
      const PetscReal *w   = wa + ci * len;
      PetscReal        acc = 0.0;
      for (PetscInt q = 0; q < len; q++) acc += w[q] * win[q];
      x[j * ci_n + ci] = acc;
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
  PetscCall(ConvAdjointOwned(conv, n, v, x));
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
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1, len = kw * ci_n;
  PetscReal      acc[PDENN_CONV_MAX_WEIGHTS];

  PetscFunctionBeginUser;
  PetscCheck(co_n * len <= PDENN_CONV_MAX_WEIGHTS, PETSC_COMM_SELF, PETSC_ERR_SUP, "convolution with %" PetscInt_FMT " weights: at most %d supported", co_n * len, PDENN_CONV_MAX_WEIGHTS);
  /* per point the outer product of v[i][:] with the input window, summed in the window's layout
     [co][o][ci] and transposed to w's layout [co][ci][o] once at the end */
  for (PetscInt q = 0; q < co_n * len; q++) acc[q] = 0.0;
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal *win = in + (i - r) * ci_n;
    for (PetscInt co = 0; co < co_n; co++) {
      const PetscReal vi = v[i * co_n + co];
      PetscReal      *a  = acc + co * len;
      for (PetscInt q = 0; q < len; q++) a[q] += vi * win[q];
      if (db) db[co] += vi;
    }
  }
  for (PetscInt co = 0; co < co_n; co++)
    for (PetscInt o = 0; o < kw; o++)
      for (PetscInt ci = 0; ci < ci_n; ci++) dw[(co * ci_n + ci) * kw + o] += acc[co * len + o * ci_n + ci];
  PetscFunctionReturn(0);
}
