/* Multi-channel 1D convolution W, its exact adjoint W^T and its weight gradient, on the local
   (owned + ghost) arrays of a DMDA. With the kernel of K this is the spatial operator of every
   classical scheme (docs/science.md §1); with learned kernels it is the network's convolution. */
#include <pdenn/op.h>
#include <string.h>

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
   kernel offset. Several channels: the window product below. */
#define PDENN_CONV_MAX_WEIGHTS 8192
#define PDENN_CONV_MAX_OUT 64

/* out[i][0..m) = bias + sum_{q < len} win_i[q] wt[q][0..m), win_i = win0 + i cw: the forward
   convolution (m = c_out, cw = c_in, len = kw c_in) and the adjoint (roles swapped, kernel
   flipped). Output channels innermost (one vector register for m = 8) and four points at a time,
   so four independent FMA chains hide the FMA latency. */
static inline __attribute__((always_inline)) void WindowProduct(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict wt, const PetscReal *restrict bias, const PetscReal *restrict win0, PetscReal *restrict out)
{
  PetscInt i = 0;

  for (; i + 4 <= n; i += 4) {
    PetscReal        acc[4][PDENN_CONV_MAX_OUT];
    const PetscReal *win = win0 + i * cw;
    for (PetscInt p = 0; p < 4; p++)
      for (PetscInt c = 0; c < m; c++) acc[p][c] = bias ? bias[c] : 0.0;
    for (PetscInt q = 0; q < len; q++) {
      const PetscReal *w = wt + q * m;
      for (PetscInt p = 0; p < 4; p++)
        for (PetscInt c = 0; c < m; c++) acc[p][c] += win[p * cw + q] * w[c];
    }
    for (PetscInt p = 0; p < 4; p++)
      for (PetscInt c = 0; c < m; c++) out[(i + p) * m + c] = acc[p][c];
  }
  for (; i < n; i++) {
    PetscReal        acc[PDENN_CONV_MAX_OUT];
    const PetscReal *win = win0 + i * cw;
    for (PetscInt c = 0; c < m; c++) acc[c] = bias ? bias[c] : 0.0;
    for (PetscInt q = 0; q < len; q++)
      for (PetscInt c = 0; c < m; c++) acc[c] += win[q] * wt[q * m + c];
    for (PetscInt c = 0; c < m; c++) out[i * m + c] = acc[c];
  }
}

/* The window product for m = 8 (the networks' 8 channels) in GCC/Clang vector types, one
   register per point: the compiler does not keep acc[4][m] of the loop above in registers. */
typedef PetscReal PdennV8 __attribute__((vector_size(8 * sizeof(PetscReal))));

static void WindowProduct8(PetscInt n, PetscInt cw, PetscInt len, const PetscReal *restrict wt, const PetscReal *restrict bias, const PetscReal *restrict win0, PetscReal *restrict out)
{
  PdennV8  b = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, w;
  PetscInt i = 0;

  if (bias) memcpy(&b, bias, sizeof(b));
  for (; i + 4 <= n; i += 4) {
    const PetscReal *win = win0 + i * cw;
    PdennV8          a0 = b, a1 = b, a2 = b, a3 = b;
    for (PetscInt q = 0; q < len; q++) {
      memcpy(&w, wt + 8 * q, sizeof(w));
      a0 += win[q] * w;
      a1 += win[cw + q] * w;
      a2 += win[2 * cw + q] * w;
      a3 += win[3 * cw + q] * w;
    }
    memcpy(out + 8 * i, &a0, sizeof(a0));
    memcpy(out + 8 * (i + 1), &a1, sizeof(a1));
    memcpy(out + 8 * (i + 2), &a2, sizeof(a2));
    memcpy(out + 8 * (i + 3), &a3, sizeof(a3));
  }
  for (; i < n; i++) {
    const PetscReal *win = win0 + i * cw;
    PdennV8          a0  = b;
    for (PetscInt q = 0; q < len; q++) {
      memcpy(&w, wt + 8 * q, sizeof(w));
      a0 += win[q] * w;
    }
    memcpy(out + 8 * i, &a0, sizeof(a0));
  }
}

/* The 8 lane sums of a[0..8) as one vector, lane p = the sum of a[p]: the transpose-and-add tree
   (each level adds the neighbouring lanes of two vectors, interleaved), 14 shuffles and 7 vector
   adds for 8 sums, where a sum per vector costs a trip through memory and 7 dependent scalar adds.
   Needs __builtin_shufflevector (GCC >= 12, Clang); without it every point takes the scalar sum. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define PDENN_HAVE_SHUFFLEVECTOR 1
#endif
#endif
#if defined(PDENN_HAVE_SHUFFLEVECTOR)
static inline PdennV8 LaneSums8(const PdennV8 a[8])
{
  PdennV8 pair[4], quad[2];

  for (int k = 0; k < 4; k++) pair[k] = __builtin_shufflevector(a[2 * k], a[2 * k + 1], 0, 8, 2, 10, 4, 12, 6, 14) + __builtin_shufflevector(a[2 * k], a[2 * k + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  for (int k = 0; k < 2; k++) quad[k] = __builtin_shufflevector(pair[2 * k], pair[2 * k + 1], 0, 1, 8, 9, 4, 5, 12, 13) + __builtin_shufflevector(pair[2 * k], pair[2 * k + 1], 2, 3, 10, 11, 6, 7, 14, 15);
  return __builtin_shufflevector(quad[0], quad[1], 0, 1, 2, 3, 8, 9, 10, 11) + __builtin_shufflevector(quad[0], quad[1], 4, 5, 6, 7, 12, 13, 14, 15);
}
#endif

/* The window product for m = 1 over an 8-channel window (c_in = 8 forward, c_out = 8 adjoint):
   per point a vector of 8 partial sums over the kernel offsets, then its horizontal sum, 8 points
   at a time so that the sums share one LaneSums8 and one store. */
static inline __attribute__((always_inline)) void WindowDot8Offsets(PetscInt n, PetscInt kw, const PetscReal *restrict wt, PetscReal b, const PetscReal *restrict win0, PetscReal *restrict out)
{
  PdennV8   w[PDENN_CONV_MAX_WEIGHTS / 8], x, a[8];
  PetscReal s[8];
  PetscInt  i = 0;

  for (PetscInt o = 0; o < kw; o++) memcpy(&w[o], wt + 8 * o, sizeof(w[o]));
#if defined(PDENN_HAVE_SHUFFLEVECTOR)
  for (; i + 8 <= n; i += 8) {
    for (int p = 0; p < 8; p++) a[p] = (PdennV8){0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    for (PetscInt o = 0; o < kw; o++)
      for (int p = 0; p < 8; p++) {
        memcpy(&x, win0 + 8 * (i + p + o), sizeof(x));
        a[p] += w[o] * x;
      }
    x = b + LaneSums8(a);
    memcpy(out + i, &x, sizeof(x));
  }
#endif
  for (; i < n; i++) {
    a[0] = (PdennV8){0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    for (PetscInt o = 0; o < kw; o++) {
      memcpy(&x, win0 + 8 * (i + o), sizeof(x));
      a[0] += w[o] * x;
    }
    memcpy(s, &a[0], sizeof(s));
    out[i] = b + ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  }
}

/* kw = 3 (radius 1, the networks' default) known to the compiler: the offset loop unrolls and the
   10 window vectors of 8 points are loaded once: 1.46 ns a point against 2.06 with a run-time kw
   and 3.65 with a horizontal sum per point (n = 1024, a copy of the loops timed alone). */
static void WindowDot8(PetscInt n, PetscInt len, const PetscReal *restrict wt, const PetscReal *restrict bias, const PetscReal *restrict win0, PetscReal *restrict out)
{
  const PetscReal b = bias ? bias[0] : 0.0;

  if (len == 3 * 8)
    WindowDot8Offsets(n, 3, wt, b, win0, out);
  else
    WindowDot8Offsets(n, len / 8, wt, b, win0, out);
}

/* The window product with m known to the compiler for the networks' channel counts. */
static void WindowProductDispatch(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict wt, const PetscReal *restrict bias, const PetscReal *restrict win0, PetscReal *restrict out)
{
  switch (m) {
  case 1:
    if (cw == 8)
      WindowDot8(n, len, wt, bias, win0, out);
    else
      WindowProduct(n, cw, len, 1, wt, bias, win0, out);
    break;
  case 8: WindowProduct8(n, cw, len, wt, bias, win0, out); break;
  default: WindowProduct(n, cw, len, m, wt, bias, win0, out); break;
  }
}

/* One channel in and out: out[i] = b + sum_{o=-r..r} k[o+r] s[i+o], one sweep for radius 1 (the
   classical K, so a block of the explicit step is read once), one sweep per offset otherwise. */
static void Stencil1(PetscInt n, PetscInt r, const PetscReal *restrict k, PetscReal b, const PetscReal *restrict s, PetscReal *restrict out)
{
  if (r == 1) {
    const PetscReal k0 = k[0], k1 = k[1], k2 = k[2];
    for (PetscInt i = 0; i < n; i++) out[i] = b + k0 * s[i - 1] + k1 * s[i] + k2 * s[i + 1];
    return;
  }
  for (PetscInt i = 0; i < n; i++) out[i] = b;
  for (PetscInt o = -r; o <= r; o++) {
    const PetscReal w = k[o + r], *so = s + o;
    for (PetscInt i = 0; i < n; i++) out[i] += w * so[i];
  }
}

PetscErrorCode PdennConv1dForward(const PdennConv1d *conv, PetscInt n, const PetscReal *restrict in, PetscReal *restrict out)
{
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1, len = kw * ci_n;
  PetscReal      wt[PDENN_CONV_MAX_WEIGHTS];

  PetscFunctionBeginUser;
  if (ci_n == 1 && co_n == 1) {
    Stencil1(n, r, conv->w, conv->b ? conv->b[0] : 0.0, in, out);
    PetscFunctionReturn(0);
  }
  PetscCheck(co_n * len <= PDENN_CONV_MAX_WEIGHTS && co_n <= PDENN_CONV_MAX_OUT, PETSC_COMM_SELF, PETSC_ERR_SUP, "convolution with %" PetscInt_FMT " weights, %" PetscInt_FMT " outputs: at most %d, %d supported", co_n * len, co_n, PDENN_CONV_MAX_WEIGHTS, PDENN_CONV_MAX_OUT);
  /* wt[q][co], q = o c_in + ci: the window's layout, output channels fastest */
  for (PetscInt co = 0; co < co_n; co++)
    for (PetscInt o = 0; o < kw; o++)
      for (PetscInt ci = 0; ci < ci_n; ci++) wt[(o * ci_n + ci) * co_n + co] = conv->w[(co * ci_n + ci) * kw + o];
  WindowProductDispatch(n, ci_n, len, co_n, wt, conv->b, in - r * ci_n, out);
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
    for (PetscInt q = 0; q < kw; q++) wa[q] = conv->w[kw - 1 - q]; /* x[j] = sum_o w[o] v[j-o] */
    Stencil1(n, r, wa, 0.0, v, x);
    PetscFunctionReturn(0);
  }
  PetscCheck(ci_n * len <= PDENN_CONV_MAX_WEIGHTS && ci_n <= PDENN_CONV_MAX_OUT, PETSC_COMM_SELF, PETSC_ERR_SUP, "convolution with %" PetscInt_FMT " weights, %" PetscInt_FMT " inputs: at most %d, %d supported", ci_n * len, ci_n, PDENN_CONV_MAX_WEIGHTS, PDENN_CONV_MAX_OUT);
  /* wa[q][ci], q = (kw-1-o) c_out + co: the window of v read forwards is the kernel flipped */
  for (PetscInt ci = 0; ci < ci_n; ci++)
    for (PetscInt q = 0; q < kw; q++)
      for (PetscInt co = 0; co < co_n; co++) wa[(q * co_n + co) * ci_n + ci] = conv->w[(co * ci_n + ci) * kw + (kw - 1 - q)];
  WindowProductDispatch(n, co_n, len, ci_n, wa, NULL, v - r * co_n, x);
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

/* The weight gradient's sums for c_out = 8: acc[q] (8 output channels in one vector) +=
   win_i[q] v_i over the points, two points per update to halve the accumulator traffic. */
static void WeightGradSums8(PetscInt n, PetscInt cw, PetscInt len, const PetscReal *restrict win0, const PetscReal *restrict v, PdennV8 *restrict acc, PdennV8 *restrict vsum)
{
  PdennV8  v0, v1;
  PetscInt i = 0;

  for (; i + 2 <= n; i += 2) {
    const PetscReal *w0 = win0 + i * cw, *w1 = w0 + cw;
    memcpy(&v0, v + 8 * i, sizeof(v0));
    memcpy(&v1, v + 8 * (i + 1), sizeof(v1));
    for (PetscInt q = 0; q < len; q++) acc[q] += w0[q] * v0 + w1[q] * v1;
    *vsum += v0 + v1;
  }
  for (; i < n; i++) {
    const PetscReal *w0 = win0 + i * cw;
    memcpy(&v0, v + 8 * i, sizeof(v0));
    for (PetscInt q = 0; q < len; q++) acc[q] += w0[q] * v0;
    *vsum += v0;
  }
}

/* The weight gradient's sums for c_in = 1, c_out = 8 and radius 1 (the lift of the networks' input
   at their default radius): the window is three scalars, so the three accumulators stay in
   registers, in four sets (point i in set i % 4) so that each takes one FMA per four points and
   the FMA latency hides: 0.75 ns a point against 1.87 for WeightGradSums8, whose accumulators
   live in memory (n = 1024, a copy of the loops timed alone). */
static void WeightGradSums8Lift3(PetscInt n, const PetscReal *restrict x, const PetscReal *restrict v, PdennV8 *restrict acc, PdennV8 *restrict vsum)
{
  PdennV8  a[4][3], s[4], vp;
  PetscInt i = 0;

  for (int p = 0; p < 4; p++) {
    s[p] = (PdennV8){0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    for (int q = 0; q < 3; q++) a[p][q] = s[p];
  }
  for (; i + 4 <= n; i += 4)
    for (int p = 0; p < 4; p++) {
      memcpy(&vp, v + 8 * (i + p), sizeof(vp));
      for (int q = 0; q < 3; q++) a[p][q] += x[i + p + q] * vp;
      s[p] += vp;
    }
  for (; i < n; i++) {
    memcpy(&vp, v + 8 * i, sizeof(vp));
    for (int q = 0; q < 3; q++) a[0][q] += x[i + q] * vp;
    s[0] += vp;
  }
  for (int q = 0; q < 3; q++) acc[q] += (a[0][q] + a[1][q]) + (a[2][q] + a[3][q]);
  *vsum += (s[0] + s[1]) + (s[2] + s[3]);
}

/* dw[co][ci][o] += sum_i v[i][co] in[i+o-r][ci] (and db[co] += sum_i v[i][co]) for c_out = 8 */
static void WeightGrad8(const PdennConv1d *conv, PetscInt n, const PetscReal *restrict in, const PetscReal *restrict v, PetscReal *restrict dw, PetscReal *restrict db)
{
  const PetscInt ci_n = conv->c_in, r = conv->radius, kw = 2 * r + 1, len = kw * ci_n;
  PdennV8        acc[PDENN_CONV_MAX_WEIGHTS / 8], vsum = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  PetscReal      a[8];

  for (PetscInt q = 0; q < len; q++) acc[q] = vsum;
  if (ci_n == 1 && kw == 3)
    WeightGradSums8Lift3(n, in - r, v, acc, &vsum);
  else
    WeightGradSums8(n, ci_n, len, in - r * ci_n, v, acc, &vsum);
  for (PetscInt q = 0; q < len; q++) { /* q = o c_in + ci */
    memcpy(a, &acc[q], sizeof(a));
    for (PetscInt co = 0; co < 8; co++) dw[(co * ci_n + q % ci_n) * kw + q / ci_n] += a[co];
  }
  memcpy(a, &vsum, sizeof(a));
  if (db)
    for (PetscInt co = 0; co < 8; co++) db[co] += a[co];
}

PetscErrorCode PdennConv1dWeightGrad(const PdennConv1d *conv, PetscInt n, const PetscReal *restrict in, const PetscReal *restrict v, PetscReal *restrict dw, PetscReal *restrict db)
{
  const PetscInt ci_n = conv->c_in, co_n = conv->c_out, r = conv->radius, kw = 2 * r + 1, len = kw * ci_n;
  PetscReal      acc[PDENN_CONV_MAX_WEIGHTS];

  PetscFunctionBeginUser;
  PetscCheck(co_n * len <= PDENN_CONV_MAX_WEIGHTS, PETSC_COMM_SELF, PETSC_ERR_SUP, "convolution with %" PetscInt_FMT " weights: at most %d supported", co_n * len, PDENN_CONV_MAX_WEIGHTS);
  if (co_n == 8) {
    WeightGrad8(conv, n, in, v, dw, db);
    PetscFunctionReturn(0);
  }
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
