/* Multi-channel convolution W on DMDAs of dimension 2 or 3 (docs/networks.md, "Layers in d
   dimensions"): y = W x + b with cubic kernels of radius r, stride 1 or 2, reflecting (the half-sample
   mirror of docs/science.md §7.2) or zero boundaries; its exact adjoint W^T (for stride 2 the
   transposed convolution) and its weight gradient. One sweep over the output rows and the kernel
   rows serves all three; only the product inside a row differs. */
#include <pdenn/op.h>

typedef enum {
  SWEEP_FORWARD,    /* y(P) += k(o) x(s P + o) */
  SWEEP_ADJOINT,    /* x(s P + o) += k(o)^T y(P), scattered */
  SWEEP_WEIGHT_GRAD /* k(o) += y(P) x(s P + o)^T */
} SweepMode;

static inline PetscInt BoxIndex(const PdennGridBox *b, PetscInt x, PetscInt y, PetscInt z)
{
  return (x - b->s[0]) + b->m[0] * ((y - b->s[1]) + b->m[1] * (z - b->s[2]));
}

/* The row products are written once with the channel count m as a parameter (always inlined) and
   instantiated with m known where that measured faster (2D, 128^2 points, radius 1, one rank of
   this machine, a scratch loop of 50 calls; ms per call, generic -> instantiated): forward m = 1
   (8 -> 1 channels) 2.0 -> 0.6; adjoint m = 8 (8 -> 8) 4.4 -> 1.8 and (8 -> 1) 2.5 -> 0.3, m = 1
   (1 -> 8) 0.75 -> 0.5; weight gradient m = 1 (8 -> 1) 2.5 -> 0.2. Forward and weight gradient
   with m = 8 were slower instantiated. The arithmetic, and its order, is the same in every
   instance, so the results do not depend on which one runs. */
#define PDENN_INLINE static inline __attribute__((always_inline))

/* In a row of n output points: p_i[0..m) += sum_{q < len} win_i[q] k[q][0..m), win_i = win + i cw
   (the x-window of 2r+1 input points, cw = stride c_in apart). */
PDENN_INLINE void RowForwardM(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict k, const PetscReal *restrict win, PetscReal *restrict p)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt q = 0; q < len; q++) {
      const PetscReal a = win[i * cw + q], *kq = k + q * m;
      for (PetscInt c = 0; c < m; c++) p[i * m + c] += a * kq[c];
    }
}

/* win_i[q] += sum_c k[q][c] p_i[c]: the transposed product. Windows overlap, so the points go in
   order: every value of win sums its contributions in the order of the output points. */
PDENN_INLINE void RowAdjointM(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict k, const PetscReal *restrict p, PetscReal *restrict win)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt q = 0; q < len; q++) {
      PetscReal acc = 0.0;
      for (PetscInt c = 0; c < m; c++) acc += k[q * m + c] * p[i * m + c];
      win[i * cw + q] += acc;
    }
}

/* dk[q][c] += sum_i win_i[q] p_i[c] */
PDENN_INLINE void RowWeightGradM(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *restrict win, const PetscReal *restrict p, PetscReal *restrict dk)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt q = 0; q < len; q++) {
      const PetscReal a = win[i * cw + q];
      for (PetscInt c = 0; c < m; c++) dk[q * m + c] += a * p[i * m + c];
    }
}

static void RowForward(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *k, const PetscReal *win, PetscReal *p)
{
  if (m == 1)
    RowForwardM(n, cw, len, 1, k, win, p);
  else
    RowForwardM(n, cw, len, m, k, win, p);
}

static void RowAdjoint(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *k, const PetscReal *p, PetscReal *win)
{
  if (m == 8)
    RowAdjointM(n, cw, len, 8, k, p, win);
  else if (m == 1)
    RowAdjointM(n, cw, len, 1, k, p, win);
  else
    RowAdjointM(n, cw, len, m, k, p, win);
}

static void RowWeightGrad(PetscInt n, PetscInt cw, PetscInt len, PetscInt m, const PetscReal *win, const PetscReal *p, PetscReal *dk)
{
  if (m == 1)
    RowWeightGradM(n, cw, len, 1, win, p, dk);
  else
    RowWeightGradM(n, cw, len, m, win, p, dk);
}

/* ---- 2D, radius 1: register-blocked rows -----------------------------------------------------
   The common case of the 2D networks (3 x 3 kernels, a few channels) runs through rows whose channel
   counts are compile-time constants, so the compiler keeps a block of output points in registers
   over all 9 c_in kernel taps and vectorises over the channels. Every point of a layer goes through
   the same arithmetic (a block only groups points; the last points of a row form smaller blocks
   of the same code), so a point's sum does not depend on where a rank's rows start or end, and
   the results stay the same for every decomposition. */
#define FAST_BLOCK 8 /* output points per register block */
#define FAST_MAX_V 2 /* the most vectors per point: 16 channels */

/* A vector of 8 reals in the compiler's generic vector extension (GCC, Clang): the lanes are
   channels, loads and stores unaligned. The arithmetic is written out lane by lane in C's order,
   so the vector code rounds exactly like the scalar one would. */
typedef PetscReal FastVec __attribute__((vector_size(8 * sizeof(PetscReal)), aligned(sizeof(PetscReal))));
#define FAST_LANES 8

static inline FastVec FastLoad(const PetscReal *a)
{
  return *(const FastVec *)a;
}

/* For the B points b of a block (win[oy] at the block's first window of kernel row oy, points
   s CI apart): p_b[0..CO) = init[0..CO) + sum_{oy, ox, ci} win[oy][(s b + ox) CI + ci] k[(3 oy + ox) CI + ci][0..CO),
   summed in the order (oy, ox, ci) for each output channel (lanes: CO, a multiple of 8; init NULL:
   zeros). With one output channel the lanes run over ci instead (CI a multiple of 8): a sum per
   input channel over the 9 taps in order, then init plus those CI sums in order. */
PDENN_INLINE void GatherBlock(const PetscInt B, const PetscInt CI, const PetscInt CO, PetscInt s, const PetscReal *const win[3], const PetscReal *restrict k, const PetscReal *init, PetscReal *restrict p)
{
  const PetscInt NV = (CO > 1 ? CO : CI) / FAST_LANES;
  FastVec        acc[FAST_BLOCK][FAST_MAX_V];

  if (CO > 1) {
    for (PetscInt b = 0; b < B; b++)
      for (PetscInt v = 0; v < NV; v++) acc[b][v] = init ? FastLoad(init + v * FAST_LANES) : (FastVec){0};
    for (PetscInt oy = 0; oy < 3; oy++)
      for (PetscInt ox = 0; ox < 3; ox++)
        for (PetscInt ci = 0; ci < CI; ci++) {
          const PetscReal *kq = k + ((3 * oy + ox) * CI + ci) * CO;
          for (PetscInt b = 0; b < B; b++) {
            const PetscReal a = win[oy][(s * b + ox) * CI + ci];
            for (PetscInt v = 0; v < NV; v++) acc[b][v] += a * FastLoad(kq + v * FAST_LANES);
          }
        }
    for (PetscInt b = 0; b < B; b++)
      for (PetscInt v = 0; v < NV; v++) *(FastVec *)(p + b * CO + v * FAST_LANES) = acc[b][v];
  } else {
    for (PetscInt b = 0; b < B; b++)
      for (PetscInt v = 0; v < NV; v++) acc[b][v] = (FastVec){0};
    for (PetscInt oy = 0; oy < 3; oy++)
      for (PetscInt ox = 0; ox < 3; ox++)
        for (PetscInt b = 0; b < B; b++)
          for (PetscInt v = 0; v < NV; v++) acc[b][v] += FastLoad(win[oy] + (s * b + ox) * CI + v * FAST_LANES) * FastLoad(k + (3 * oy + ox) * CI + v * FAST_LANES);
    for (PetscInt b = 0; b < B; b++) {
      PetscReal sum = init ? init[0] : 0.0;
      for (PetscInt v = 0; v < NV; v++)
        for (PetscInt l = 0; l < FAST_LANES; l++) sum += acc[b][v][l];
      p[b] = sum;
    }
  }
}

/* A row of n output points through GatherBlock: blocks of FAST_BLOCK, then the rest one by one */
PDENN_INLINE void GatherRow(const PetscInt CI, const PetscInt CO, PetscInt n, PetscInt s, const PetscReal *const win[3], const PetscReal *k, const PetscReal *init, PetscReal *p)
{
  const PetscReal *w[3] = {win[0], win[1], win[2]};
  PetscInt         i    = 0;

  for (; i + FAST_BLOCK <= n; i += FAST_BLOCK) {
    GatherBlock(FAST_BLOCK, CI, CO, s, w, k, init, p + i * CO);
    for (PetscInt oy = 0; oy < 3; oy++) w[oy] += FAST_BLOCK * s * CI;
  }
  for (; i < n; i++) {
    GatherBlock(1, CI, CO, s, w, k, init, p + i * CO);
    for (PetscInt oy = 0; oy < 3; oy++) w[oy] += s * CI;
  }
}

/* dk[(3 oy + ox) CI + ci][0..CO) += sum_i win[oy][(s i + ox) CI + ci] p_i[0..CO) over a row of n
   points (lanes: CO, or CI when CO = 1). Where the 9 taps' sums fit in registers (FAST_RESIDENT
   vectors) they stay there for the whole row, one multiply-add per tap and point; otherwise a
   tap's sums for up to 16 input channels stay there over blocks of FAST_BLOCK points. The sums run
   over the points in order (the weight gradient is a sum over ranks anyway: callers reduce). */
#define FAST_RESIDENT 18
PDENN_INLINE void WeightGradRow(const PetscInt CI, const PetscInt CO, PetscInt n, PetscInt s, const PetscReal *const win[3], const PetscReal *restrict p, PetscReal *restrict dk)
{
  const PetscInt NV = (CO > 1 ? CO : CI) / FAST_LANES, NR = CO > 1 ? CI * NV : NV; /* vectors per tap */

  if (9 * NR <= FAST_RESIDENT) {
    FastVec acc[FAST_RESIDENT];
    for (PetscInt j = 0; j < 9 * NR; j++) acc[j] = FastLoad(dk + j * FAST_LANES);
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt t = 0; t < 9; t++) {
        const PetscReal *x = win[t / 3] + (s * i + t % 3) * CI;
        for (PetscInt ci = 0; ci < (CO > 1 ? CI : 1); ci++)
          for (PetscInt v = 0; v < NV; v++) {
            if (CO > 1)
              acc[(t * CI + ci) * NV + v] += x[ci] * FastLoad(p + i * CO + v * FAST_LANES);
            else
              acc[t * NV + v] += FastLoad(x + v * FAST_LANES) * p[i];
          }
      }
    for (PetscInt j = 0; j < 9 * NR; j++) *(FastVec *)(dk + j * FAST_LANES) = acc[j];
    return;
  }
  for (PetscInt t = 0; t < 9; t++)
    for (PetscInt c0 = 0; c0 < CI; c0 += 16 / NV) {
      const PetscInt CB  = PetscMin(CI - c0, 16 / NV);
      PetscReal     *dkq = dk + (t * CI + c0) * CO;
      FastVec        acc[16];
      for (PetscInt j = 0; j < CB * NV; j++) acc[j] = FastLoad(dkq + j * FAST_LANES);
      for (PetscInt i = 0; i < n; i++) {
        const PetscReal *x = win[t / 3] + (s * i + t % 3) * CI + c0;
        for (PetscInt v = 0; v < NV; v++) {
          const FastVec pv = FastLoad(p + i * CO + v * FAST_LANES);
          for (PetscInt c = 0; c < CB; c++) acc[c * NV + v] += x[c] * pv;
        }
      }
      for (PetscInt j = 0; j < CB * NV; j++) *(FastVec *)(dkq + j * FAST_LANES) = acc[j];
    }
}

typedef struct {
  void (*gather)(PetscInt, PetscInt, const PetscReal *const[3], const PetscReal *, const PetscReal *, PetscReal *);
  void (*weight_grad)(PetscInt, PetscInt, const PetscReal *const[3], const PetscReal *, PetscReal *);
} FastRows;

#define FAST_INSTANCE(ci, co)                                                                                                                       \
  static void GatherRow_##ci##_##co(PetscInt n, PetscInt s, const PetscReal *const win[3], const PetscReal *k, const PetscReal *init, PetscReal *p) \
  {                                                                                                                                                 \
    GatherRow(ci, co, n, s, win, k, init, p);                                                                                                       \
  }                                                                                                                                                 \
  static void WeightGradRow_##ci##_##co(PetscInt n, PetscInt s, const PetscReal *const win[3], const PetscReal *p, PetscReal *dk)                   \
  {                                                                                                                                                 \
    WeightGradRow(ci, co, n, s, win, p, dk);                                                                                                        \
  }
/* c_in -> c_out: the lanes' channel count (c_out, or c_in where c_out = 1) a multiple of 8 */
#define FAST_SHAPES(X) X(1, 8) X(8, 1) X(8, 8) X(1, 16) X(16, 1) X(8, 16) X(16, 8) X(16, 16) X(2, 8) X(4, 8)
FAST_SHAPES(FAST_INSTANCE)
#define FAST_ENTRY(ci, co) {ci, co, {GatherRow_##ci##_##co, WeightGradRow_##ci##_##co}},
static const struct {
  PetscInt ci, co;
  FastRows rows;
} FastTable[] = {FAST_SHAPES(FAST_ENTRY)};

/* The row kernels of an in -> out channel layer, or NULL where the generic sweep serves */
static const FastRows *FastRowsFind(PetscInt dim, PetscInt r, PetscInt in, PetscInt out)
{
  if (dim != 2 || r != 1) return NULL;
  for (size_t j = 0; j < sizeof(FastTable) / sizeof(FastTable[0]); j++)
    if (FastTable[j].ci == in && FastTable[j].co == out) return &FastTable[j].rows;
  return NULL;
}

/* The rows of the box pts (2D, rows along x): the windows at s P + (-1, oy - 1) of the input-side
   array xa (box xb, `in` channels) and P's values in the output-side array pa (box pb, `out`
   channels), k as [t][in][out]. Gather: pa = init + the windows times k; else k += the windows
   times pa (the weight gradient). */
static void FastSweep(const FastRows *rows, PetscBool gather, PetscInt s, PetscInt in, PetscInt out, const PdennGridBox *pts, const PdennGridBox *pb, PetscReal *pa, const PdennGridBox *xb, const PetscReal *xa, PetscReal *k, const PetscReal *init)
{
  const PetscInt x0 = pts->s[0];

  for (PetscInt y = pts->s[1]; y < pts->s[1] + pts->m[1]; y++) {
    const PetscReal *win[3];
    PetscReal       *p = pa + out * BoxIndex(pb, x0, y, 0);
    for (PetscInt oy = 0; oy < 3; oy++) win[oy] = xa + in * BoxIndex(xb, s * x0 - 1, s * y + oy - 1, 0);
    if (gather)
      rows->gather(pts->m[0], s, win, k, init, p);
    else
      rows->weight_grad(pts->m[0], s, win, p, k);
  }
}

/* The one stencil loop: for every output point P of `pts` (rows along x) and kernel row (o_y, o_z),
   the x-window at s P + (-r, o_y, o_z) of the input-side array xa (box xb) against P's values in
   the output-side array pa (box pb), with the kernel k in the layout [t][ci][co]. */
static void Sweep(const PdennConvNd *conv, SweepMode mode, const PdennGridBox *pts, const PdennGridBox *pb, PetscReal *pa, const PdennGridBox *xb, PetscReal *xa, PetscReal *k)
{
  const PetscInt s = conv->stride, r = conv->radius, kw = 2 * r + 1, rz = conv->dim == 3 ? r : 0;
  const PetscInt ci = conv->c_in, co = conv->c_out, len = kw * ci, n = pts->m[0], x0 = pts->s[0];

  for (PetscInt z = pts->s[2]; z < pts->s[2] + pts->m[2]; z++)
    for (PetscInt y = pts->s[1]; y < pts->s[1] + pts->m[1]; y++) {
      PetscReal *p = pa + co * BoxIndex(pb, x0, y, z);
      for (PetscInt oz = -rz; oz <= rz; oz++)
        for (PetscInt oy = -r; oy <= r; oy++) {
          PetscReal *win = xa + ci * BoxIndex(xb, s * x0 - r, s * y + oy, s * z + oz);
          PetscReal *kr  = k + ((oz + rz) * kw + oy + r) * len * co;
          switch (mode) {
          case SWEEP_FORWARD: RowForward(n, s * ci, len, co, kr, win, p); break;
          case SWEEP_ADJOINT: RowAdjoint(n, s * ci, len, co, kr, p, win); break;
          case SWEEP_WEIGHT_GRAD: RowWeightGrad(n, s * ci, len, co, win, p, kr); break;
          }
        }
    }
}

/* (2r + 1)^d kernel points */
static PetscInt KernelPoints(const PdennConvNd *conv)
{
  PetscInt nt = 1;

  for (PetscInt a = 0; a < conv->dim; a++) nt *= 2 * conv->radius + 1;
  return nt;
}

/* k[t][ci][co] = w[co][ci][t] (to_sweep) or w[co][ci][t] += k[t][ci][co] */
static void TransposeWeights(const PdennConvNd *conv, PetscBool to_sweep, PetscReal *w, PetscReal *k)
{
  const PetscInt nt = KernelPoints(conv);

  for (PetscInt co = 0; co < conv->c_out; co++)
    for (PetscInt ci = 0; ci < conv->c_in; ci++)
      for (PetscInt t = 0; t < nt; t++) {
        const PetscInt iw = (co * conv->c_in + ci) * nt + t, ik = (t * conv->c_in + ci) * conv->c_out + co;
        if (to_sweep)
          k[ik] = w[iw];
        else
          w[iw] += k[ik];
      }
}

static PetscErrorCode GetBox(DM da, PetscInt dim, PetscBool ghosted, PdennGridBox *b)
{
  PetscInt s[3], m[3];

  PetscFunctionBeginUser;
  if (ghosted)
    PetscCall(DMDAGetGhostCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  else
    PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  for (PetscInt a = 0; a < 3; a++) b->s[a] = a < dim ? s[a] : 0, b->m[a] = a < dim ? m[a] : 1;
  PetscFunctionReturn(0);
}

/* x's ghosted box, y's owned and ghosted boxes, and the adjoint's scatter box: every point that
   the output's ghosted box reaches, and x's ghosted box. */
static PetscErrorCode SetUpBoxes(PdennConvNd *conv)
{
  const PetscInt      s = conv->stride, r = conv->radius;
  const PdennGridBox *ig = &conv->in_ghosted, *og = &conv->out_ghosted;

  PetscFunctionBeginUser;
  PetscCall(GetBox(conv->da_in, conv->dim, PETSC_TRUE, &conv->in_ghosted));
  PetscCall(GetBox(conv->da_out, conv->dim, PETSC_FALSE, &conv->out_owned));
  PetscCall(GetBox(conv->da_out, conv->dim, PETSC_TRUE, &conv->out_ghosted));
  conv->scatter = conv->in_ghosted;
  for (PetscInt a = 0; a < conv->dim; a++) {
    const PetscInt lo = PetscMin(s * og->s[a] - r, ig->s[a]), hi = PetscMax(s * (og->s[a] + og->m[a] - 1) + r + 1, ig->s[a] + ig->m[a]);
    conv->scatter.s[a] = lo;
    conv->scatter.m[a] = hi - lo;
  }
  PetscFunctionReturn(0);
}

/* What the boxes and the ghost map rely on; the rank-local conditions are reduced so every rank
   stops together. */
static PetscErrorCode CheckGrids(PdennConvNd *conv)
{
  const PetscInt s = conv->stride, r = conv->radius;
  MPI_Comm       comm;
  PetscInt       dim_out, Mi[3], Mo[3], sw_in, sw_out, bad = 0;
  DMBoundaryType bi[3], bo[3];
  PdennGridBox   io, oo;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)conv->da_in, &comm));
  PetscCall(DMDAGetInfo(conv->da_in, &conv->dim, &Mi[0], &Mi[1], &Mi[2], NULL, NULL, NULL, &conv->c_in, &sw_in, &bi[0], &bi[1], &bi[2], NULL));
  PetscCall(DMDAGetInfo(conv->da_out, &dim_out, &Mo[0], &Mo[1], &Mo[2], NULL, NULL, NULL, &conv->c_out, &sw_out, &bo[0], &bo[1], &bo[2], NULL));
  PetscCheck((conv->dim == 2 || conv->dim == 3) && dim_out == conv->dim, comm, PETSC_ERR_ARG_WRONG, "d-dimensional convolution: DMDAs of dimension %" PetscInt_FMT " -> %" PetscInt_FMT "; expected both 2 or both 3", conv->dim, dim_out);
  PetscCheck((s == 1 || s == 2) && r >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "d-dimensional convolution: stride %" PetscInt_FMT ", radius %" PetscInt_FMT "; expected stride 1 or 2 and radius >= 0", s, r);
  PetscCheck(sw_in >= r && sw_out >= (r + s - 1) / s, comm, PETSC_ERR_ARG_INCOMP, "d-dimensional convolution of radius %" PetscInt_FMT ", stride %" PetscInt_FMT ": ghost widths %" PetscInt_FMT " (input), %" PetscInt_FMT " (output); expected >= %" PetscInt_FMT " and >= %" PetscInt_FMT, r, s, sw_in, sw_out, r, (r + s - 1) / s);
  PetscCall(GetBox(conv->da_in, conv->dim, PETSC_FALSE, &io));
  PetscCall(GetBox(conv->da_out, conv->dim, PETSC_FALSE, &oo));
  for (PetscInt a = 0; a < conv->dim; a++) {
    PetscCheck(Mo[a] == (Mi[a] - 1) / s + 1 && bi[a] == DM_BOUNDARY_GHOSTED && bo[a] == DM_BOUNDARY_GHOSTED, comm, PETSC_ERR_ARG_INCOMP, "d-dimensional convolution of stride %" PetscInt_FMT ": axis %" PetscInt_FMT " has %" PetscInt_FMT " -> %" PetscInt_FMT " points; expected (M - 1)/stride + 1 output points and DM_BOUNDARY_GHOSTED (PdennDMDACreate, PdennDMDACreateCoarse)", s, a, Mi[a], Mo[a]);
    /* the output box of the input box [xs, xe) is [ceil(xs/s), ceil(xe/s)) */
    if (oo.s[a] != (io.s[a] + s - 1) / s || oo.s[a] + oo.m[a] != (io.s[a] + io.m[a] + s - 1) / s || io.m[a] < PetscMax(sw_in, 1)) bad = 1;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, comm));
  PetscCheck(!bad, comm, PETSC_ERR_ARG_INCOMP, "d-dimensional convolution of stride %" PetscInt_FMT ", radius %" PetscInt_FMT ": a rank's output box is not the %s of its input box, or it owns fewer points along an axis than the ghost width %" PetscInt_FMT "; create the input DMDA with PdennDMDACreate and the output DMDA with %s", s, r, s == 1 ? "copy" : "coarse grid", sw_in, s == 1 ? "DMDACreateCompatibleDMDA" : "PdennDMDACreateCoarse");
  PetscFunctionReturn(0);
}

/* The physical ghosts of x's ghosted box in the box's order and the points whose values they take,
   read off nat (natural indices after the mirror fill); returns their number, records if asked. */
static PetscInt ListGhosts(PdennConvNd *conv, const PetscInt M[3], const PetscReal *nat, PetscBool record)
{
  const PdennGridBox *b = &conv->in_ghosted;
  PetscInt            n = 0, i = 0;

  for (PetscInt z = b->s[2]; z < b->s[2] + b->m[2]; z++)
    for (PetscInt y = b->s[1]; y < b->s[1] + b->m[1]; y++)
      for (PetscInt x = b->s[0]; x < b->s[0] + b->m[0]; x++, i++) {
        if (x >= 0 && x < M[0] && y >= 0 && y < M[1] && z >= 0 && z < M[2]) continue;
        if (record) {
          const PetscInt src = (PetscInt)nat[i], qx = src % M[0], qy = (src / M[0]) % M[1], qz = src / (M[0] * M[1]);
          conv->ghost_loc[n]  = i;
          conv->mirror_loc[n] = BoxIndex(b, qx, qy, qz);
          conv->ghost_buf[n]  = BoxIndex(&conv->scatter, x, y, z);
          conv->mirror_buf[n] = BoxIndex(&conv->scatter, qx, qy, qz);
        }
        n++;
      }
  return n;
}

/* The ghost map, taken from PdennGridOpGhosts itself (it fills a vector of natural indices), so the
   reflecting boundary here is the 2D scheme's by construction. One list serves the fill and, read
   backwards, the adjoint's fold. */
static PetscErrorCode GhostMapCreate(PdennConvNd *conv)
{
  DM               da1;
  PdennGridOp      op;
  Vec              g, l;
  PetscReal       *ga;
  const PetscReal *la;
  PdennGridBox     own;
  PetscInt         i = 0;

  PetscFunctionBeginUser;
  PetscCall(DMDACreateCompatibleDMDA(conv->da_in, 1, &da1));
  PetscCall(PdennGridOpSetUp(&op, da1, 2, 1.0));
  PetscCall(DMCreateGlobalVector(da1, &g));
  PetscCall(DMCreateLocalVector(da1, &l));
  PetscCall(GetBox(da1, conv->dim, PETSC_FALSE, &own));
  PetscCall(VecGetArray(g, &ga));
  for (PetscInt z = own.s[2]; z < own.s[2] + own.m[2]; z++)
    for (PetscInt y = own.s[1]; y < own.s[1] + own.m[1]; y++)
      for (PetscInt x = own.s[0]; x < own.s[0] + own.m[0]; x++) ga[i++] = (PetscReal)(x + op.M[0] * (y + op.M[1] * z));
  PetscCall(VecRestoreArray(g, &ga));
  PetscCall(PdennGridOpGhosts(&op, da1, g, l, PDENN_BC_REFLECT));
  PetscCall(VecGetArrayRead(l, &la));
  conv->n_ghost = ListGhosts(conv, op.M, la, PETSC_FALSE);
  PetscCall(PetscMalloc4(conv->n_ghost, &conv->ghost_loc, conv->n_ghost, &conv->mirror_loc, conv->n_ghost, &conv->ghost_buf, conv->n_ghost, &conv->mirror_buf));
  ListGhosts(conv, op.M, la, PETSC_TRUE);
  PetscCall(VecRestoreArrayRead(l, &la));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&l));
  PetscCall(PdennGridOpDestroy(&op));
  PetscCall(DMDestroy(&da1));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdSetUp(PdennConvNd *conv, DM da_in, DM da_out, PetscInt radius, PetscInt stride, PdennBoundary bc, const PetscReal *w, const PetscReal *b)
{
  const PdennGridBox *sb = &conv->scatter;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(conv, sizeof(*conv)));
  conv->radius = radius, conv->stride = stride, conv->bc = bc, conv->w = w, conv->b = b;
  conv->da_in = da_in, conv->da_out = da_out;
  PetscCall(CheckGrids(conv));
  PetscCall(PetscObjectReference((PetscObject)da_in));
  PetscCall(PetscObjectReference((PetscObject)da_out));
  PetscCall(SetUpBoxes(conv));
  PetscCall(GhostMapCreate(conv));
  PetscCall(DMCreateLocalVector(da_in, &conv->in_loc));
  PetscCall(DMCreateLocalVector(da_out, &conv->out_loc));
  PetscCall(VecSet(conv->out_loc, 0.0)); /* its physical ghosts: v = 0 outside the grid, kept by every exchange */
  PetscCall(PetscMalloc2(sb->m[0] * sb->m[1] * sb->m[2] * conv->c_in, &conv->buf, KernelPoints(conv) * conv->c_in * conv->c_out, &conv->k));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdDestroy(PdennConvNd *conv)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&conv->in_loc));
  PetscCall(VecDestroy(&conv->out_loc));
  PetscCall(PetscFree2(conv->buf, conv->k));
  PetscCall(PetscFree4(conv->ghost_loc, conv->mirror_loc, conv->ghost_buf, conv->mirror_buf));
  PetscCall(DMDestroy(&conv->da_in));
  PetscCall(DMDestroy(&conv->da_out));
  PetscFunctionReturn(0);
}

/* x's ghosted array: neighbours' points by the ghost exchange, physical ghosts mirrored or zero */
static PetscErrorCode GhostedInput(PdennConvNd *conv, Vec x, PetscReal **xa)
{
  const PetscInt c = conv->c_in;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocal(conv->da_in, x, INSERT_VALUES, conv->in_loc));
  PetscCall(VecGetArray(conv->in_loc, xa));
  for (PetscInt j = 0; j < conv->n_ghost; j++)
    for (PetscInt ch = 0; ch < c; ch++) (*xa)[conv->ghost_loc[j] * c + ch] = conv->bc == PDENN_BC_REFLECT ? (*xa)[conv->mirror_loc[j] * c + ch] : 0.0;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdForward(PdennConvNd *conv, Vec x, Vec y)
{
  const PdennGridBox *ob = &conv->out_owned;
  const PetscInt      n = ob->m[0] * ob->m[1] * ob->m[2], co = conv->c_out;
  const FastRows     *rows = FastRowsFind(conv->dim, conv->radius, conv->c_in, co);
  PetscReal          *xa, *ya;

  PetscFunctionBeginUser;
  PetscCall(GhostedInput(conv, x, &xa));
  PetscCall(VecGetArray(y, &ya));
  TransposeWeights(conv, PETSC_TRUE, (PetscReal *)conv->w, conv->k);
  if (rows)
    FastSweep(rows, PETSC_TRUE, conv->stride, conv->c_in, co, ob, ob, ya, &conv->in_ghosted, xa, conv->k, conv->b);
  else {
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < co; c++) ya[i * co + c] = conv->b ? conv->b[c] : 0.0;
    Sweep(conv, SWEEP_FORWARD, ob, ob, ya, &conv->in_ghosted, xa, conv->k);
  }
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArray(conv->in_loc, &xa));
  PetscFunctionReturn(0);
}

/* Box coordinates of the i-th point of box b */
static void BoxPoint(const PdennGridBox *b, PetscInt i, PetscInt p[3])
{
  p[0] = b->s[0] + i % b->m[0];
  p[1] = b->s[1] + (i / b->m[0]) % b->m[1];
  p[2] = b->s[2] + i / (b->m[0] * b->m[1]);
}

static PetscBool InBox(const PdennGridBox *b, const PetscInt p[3])
{
  for (PetscInt a = 0; a < 3; a++)
    if (p[a] < b->s[a] || p[a] >= b->s[a] + b->m[a]) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The stride-1 adjoint as a gather (2D, radius 1): (W^T v)(X) = sum_o' kf(o') v(X + o') with the
   flipped, transposed kernel kf[t'][co][ci] = w[co][ci][8 - t'], i.e. the forward row kernel of a
   c_out -> c_in layer over v's ghosted array (0 outside the grid). Each owned point sums its own
   terms in a fixed order, so no scatter is needed. */
static void FlipWeights(const PdennConvNd *conv, PetscReal *kf)
{
  const PetscInt ci = conv->c_in, co = conv->c_out;

  for (PetscInt o = 0; o < co; o++)
    for (PetscInt i = 0; i < ci; i++)
      for (PetscInt t = 0; t < 9; t++) kf[(t * co + o) * ci + i] = conv->w[(o * ci + i) * 9 + 8 - t];
}

/* The reflecting boundary's share of the gather: each physical ghost of x gathers its terms
   like an owned point (the taps outside the grid of M[0] x M[1] points skipped: v is 0 there), in
   the order (o', c_out), and the sum is added to the owned point it was a copy of, in the ghost
   list's order, which is the same on every decomposition. */
static void FoldGhostsGathered(const PdennConvNd *conv, const PetscInt M[2], const PetscReal *va, const PetscReal *kf, PetscReal *xa)
{
  const PetscInt      ci = conv->c_in, co = conv->c_out;
  const PdennGridBox *og = &conv->out_ghosted, *own = &conv->out_owned; /* stride 1: x's owned box */
  PetscReal           sum[FAST_MAX_V * FAST_LANES];

  for (PetscInt j = 0; j < conv->n_ghost; j++) {
    PetscInt   g[3], m[3];
    PetscReal *xm;
    BoxPoint(&conv->in_ghosted, conv->mirror_loc[j], m);
    if (!InBox(own, m)) continue;
    BoxPoint(&conv->in_ghosted, conv->ghost_loc[j], g);
    for (PetscInt i = 0; i < ci; i++) sum[i] = 0.0;
    for (PetscInt t = 0; t < 9; t++) {
      const PetscInt   P[3] = {g[0] + t % 3 - 1, g[1] + t / 3 - 1, 0};
      const PetscReal *vp, *kt = kf + t * co * ci;
      if (P[0] < 0 || P[0] >= M[0] || P[1] < 0 || P[1] >= M[1] || !InBox(og, P)) continue;
      vp = va + co * BoxIndex(og, P[0], P[1], 0);
      for (PetscInt o = 0; o < co; o++)
        for (PetscInt i = 0; i < ci; i++) sum[i] += kt[o * ci + i] * vp[o];
    }
    xm = xa + ci * BoxIndex(own, m[0], m[1], 0);
    for (PetscInt i = 0; i < ci; i++) xm[i] += sum[i];
  }
}

/* The transpose of "ghost fill, then stencil". Stride 1 in 2D with a row kernel: the gather
   above. Otherwise the transposed stencil scattered from every output point the rank sees (owned
   and ghost, v = 0 outside the grid) into the scatter box, then each physical ghost's value added
   to the point it was a copy of (reflecting; zero: dropped). Either way the rank's own points get
   all their contributions on this rank, in an order fixed by the grid alone, and no reverse
   scatter (whose sums would depend on the decomposition) is needed. */
PetscErrorCode PdennConvNdAdjoint(PdennConvNd *conv, Vec v, Vec x)
{
  const PdennGridBox *sb   = &conv->scatter;
  const PetscInt      c    = conv->c_in;
  const FastRows     *rows = conv->stride == 1 ? FastRowsFind(conv->dim, conv->radius, conv->c_out, c) : NULL;
  PdennGridBox        io;
  PetscReal          *va, *xa;
  PetscInt            o = 0;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocal(conv->da_out, v, INSERT_VALUES, conv->out_loc)); /* physical ghosts stay 0 (set up) */
  PetscCall(VecGetArray(conv->out_loc, &va));
  if (rows) {
    PetscCall(VecGetArray(x, &xa));
    FlipWeights(conv, conv->k);
    FastSweep(rows, PETSC_TRUE, 1, conv->c_out, c, &conv->out_owned, &conv->out_owned, xa, &conv->out_ghosted, va, conv->k, NULL);
    if (conv->bc == PDENN_BC_REFLECT) {
      PetscInt M[2];
      PetscCall(DMDAGetInfo(conv->da_in, NULL, &M[0], &M[1], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
      FoldGhostsGathered(conv, M, va, conv->k, xa);
    }
    PetscCall(VecRestoreArray(x, &xa));
    PetscCall(VecRestoreArray(conv->out_loc, &va));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscArrayzero(conv->buf, sb->m[0] * sb->m[1] * sb->m[2] * c));
  TransposeWeights(conv, PETSC_TRUE, (PetscReal *)conv->w, conv->k);
  Sweep(conv, SWEEP_ADJOINT, &conv->out_ghosted, &conv->out_ghosted, va, sb, conv->buf, conv->k);
  PetscCall(VecRestoreArray(conv->out_loc, &va));
  for (PetscInt j = 0; j < conv->n_ghost && conv->bc == PDENN_BC_REFLECT; j++)
    for (PetscInt ch = 0; ch < c; ch++) conv->buf[conv->mirror_buf[j] * c + ch] += conv->buf[conv->ghost_buf[j] * c + ch];
  PetscCall(GetBox(conv->da_in, conv->dim, PETSC_FALSE, &io));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt z = io.s[2]; z < io.s[2] + io.m[2]; z++)
    for (PetscInt y = io.s[1]; y < io.s[1] + io.m[1]; y++, o += io.m[0] * c) PetscCall(PetscArraycpy(xa + o, conv->buf + c * BoxIndex(sb, io.s[0], y, z), io.m[0] * c));
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennConvNdWeightGrad(PdennConvNd *conv, Vec x, Vec v, PetscReal dw[], PetscReal db[])
{
  const PdennGridBox *ob = &conv->out_owned;
  const PetscInt      n = ob->m[0] * ob->m[1] * ob->m[2], co = conv->c_out;
  const FastRows     *rows = FastRowsFind(conv->dim, conv->radius, conv->c_in, co);
  PetscReal          *xa;
  const PetscReal    *va;

  PetscFunctionBeginUser;
  PetscCall(GhostedInput(conv, x, &xa));
  PetscCall(VecGetArrayRead(v, &va));
  PetscCall(PetscArrayzero(conv->k, KernelPoints(conv) * conv->c_in * co));
  if (rows)
    FastSweep(rows, PETSC_FALSE, conv->stride, conv->c_in, co, ob, ob, (PetscReal *)va, &conv->in_ghosted, xa, conv->k, NULL);
  else
    Sweep(conv, SWEEP_WEIGHT_GRAD, ob, ob, (PetscReal *)va, &conv->in_ghosted, xa, conv->k);
  TransposeWeights(conv, PETSC_FALSE, dw, conv->k);
  for (PetscInt i = 0; i < n && db; i++)
    for (PetscInt c = 0; c < co; c++) db[c] += va[i * co + c];
  PetscCall(VecRestoreArrayRead(v, &va));
  PetscCall(VecRestoreArray(conv->in_loc, &xa));
  PetscFunctionReturn(0);
}
