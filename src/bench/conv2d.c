/* The 2D convolution layer alone (PdennConvNd, src/op/convnd.c) at the shapes the 2D networks use
   (radius 1; 1 -> M and M -> 1: the ResNets' layers; M -> M and the strided M -> M: the U-nets'):
   forward, adjoint and weight gradient on one N2 x N2 image, each as ms per call and GFLOP/s
   (2 c_in c_out 9 flops per output point). apps/torch_compare.py --conv2d times
   torch.nn.functional.conv2d and its gradients at the same shapes. */
#include <pdenn/bench.h>

typedef enum { OP_FORWARD,
               OP_ADJOINT,
               OP_WEIGHT_GRAD,
               OP_N } ConvOp;
static const char *const op_names[] = {"forward", "adjoint", "weight grad"};

typedef struct {
  DM          din, dout;
  PdennConvNd conv;
  PetscReal  *w, *b, *dw, *db;
  Vec         x, y;
} ConvCase;

static PetscErrorCode ConvCaseCreate(PdennBench b, PetscInt c_in, PetscInt c_out, PetscInt stride, ConvCase *cc)
{
  const PetscInt M[3] = {b->conv2d_N, b->conv2d_N, 1}, nw = 9 * c_in * c_out;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate(b->comm, 2, M, c_in, 1, &cc->din));
  if (stride == 1)
    PetscCall(DMDACreateCompatibleDMDA(cc->din, c_out, &cc->dout));
  else
    PetscCall(PdennDMDACreateCoarse(cc->din, c_out, 1, &cc->dout));
  PetscCall(PetscCalloc4(nw, &cc->w, c_out, &cc->b, nw, &cc->dw, c_out, &cc->db));
  for (PetscInt i = 0; i < nw; i++) cc->w[i] = PetscSinReal(1.0 + i) / 3.0;
  for (PetscInt c = 0; c < c_out; c++) cc->b[c] = 0.01 * c;
  PetscCall(PdennConvNdSetUp(&cc->conv, cc->din, cc->dout, 1, stride, PDENN_BC_REFLECT, cc->w, cc->b));
  PetscCall(DMCreateGlobalVector(cc->din, &cc->x));
  PetscCall(DMCreateGlobalVector(cc->dout, &cc->y));
  PetscCall(VecSetRandom(cc->x, NULL));
  PetscCall(VecSetRandom(cc->y, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode ConvCaseDestroy(ConvCase *cc)
{
  PetscFunctionBeginUser;
  PetscCall(PdennConvNdDestroy(&cc->conv));
  PetscCall(PetscFree4(cc->w, cc->b, cc->dw, cc->db));
  PetscCall(VecDestroy(&cc->x));
  PetscCall(VecDestroy(&cc->y));
  PetscCall(DMDestroy(&cc->din));
  PetscCall(DMDestroy(&cc->dout));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunOp(ConvCase *cc, ConvOp op)
{
  PetscFunctionBeginUser;
  switch (op) {
  case OP_FORWARD: PetscCall(PdennConvNdForward(&cc->conv, cc->x, cc->y)); break;
  case OP_ADJOINT: PetscCall(PdennConvNdAdjoint(&cc->conv, cc->y, cc->x)); break;
  default: PetscCall(PdennConvNdWeightGrad(&cc->conv, cc->x, cc->y, cc->dw, cc->db)); break;
  }
  PetscFunctionReturn(0);
}

/* Median wall and CPU seconds per call (the CPU time of the slowest rank) over b->repeats runs of
   b->steps calls, after one untimed call */
static PetscErrorCode TimeOp(PdennBench b, ConvCase *cc, ConvOp op, PetscReal seconds[2])
{
  PetscReal *t, *c;

  PetscFunctionBeginUser;
  PetscCall(RunOp(cc, op));
  PetscCall(PetscMalloc2(b->repeats, &t, b->repeats, &c));
  for (PetscInt r = 0; r < b->repeats; r++) {
    PetscLogDouble t0;
    PetscReal      c0 = PdennBenchCPUSeconds();
    PetscCall(PdennBenchTic(b->comm, &t0));
    for (PetscInt k = 0; k < b->steps; k++) PetscCall(RunOp(cc, op));
    c[r] = PdennBenchCPUSeconds() - c0;
    PetscCall(PdennBenchToc(b->comm, t0, &t[r]));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, c, (PetscMPIInt)b->repeats, MPIU_REAL, MPIU_MAX, b->comm));
  seconds[0] = PdennBenchMedian(b->repeats, t) / b->steps;
  seconds[1] = PdennBenchMedian(b->repeats, c) / b->steps;
  PetscCall(PetscFree2(t, c));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchConv2d(PdennBench b)
{
  static const PetscInt shapes[][3] = {{1, 8, 1}, {8, 1, 1}, {8, 8, 1}, {8, 8, 2}}; /* c_in, c_out, stride */

  PetscFunctionBeginUser;
  for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
    const PetscInt ci = shapes[s][0], co = shapes[s][1], stride = shapes[s][2], side = (b->conv2d_N - 1) / stride + 1;
    ConvCase       cc;
    PetscReal      seconds[2] = {0, 0}, total[2] = {0, 0};
    char           name[48];
    PetscCall(ConvCaseCreate(b, ci, co, stride, &cc));
    for (ConvOp op = 0; op < OP_N; op++) {
      PetscCall(TimeOp(b, &cc, op, seconds));
      total[0] += seconds[0], total[1] += seconds[1];
      PetscCall(PetscSNPrintf(name, sizeof(name), "%" PetscInt_FMT " -> %" PetscInt_FMT " s%" PetscInt_FMT " %s", ci, co, stride, op_names[op]));
      PetscCall(PdennBenchTableAdd(&b->table, "conv2d", name, b->conv2d_N * b->conv2d_N, "time per call", seconds[0] * 1e3, "ms", "one image, radius 1, reflecting"));
      PetscCall(PdennBenchTableAdd(&b->table, "conv2d", name, b->conv2d_N * b->conv2d_N, "CPU time per call", seconds[1] * 1e3, "ms", "the slowest rank's (load-robust)"));
      PetscCall(PdennBenchTableAdd(&b->table, "conv2d", name, b->conv2d_N * b->conv2d_N, "GFLOP/s", 18.0 * ci * co * side * side / seconds[0] / 1e9, "GFLOP/s", "2 c_in c_out 9 per output point"));
    }
    PetscCall(PetscSNPrintf(name, sizeof(name), "%" PetscInt_FMT " -> %" PetscInt_FMT " s%" PetscInt_FMT " fwd+adj+wgrad", ci, co, stride));
    PetscCall(PdennBenchTableAdd(&b->table, "conv2d", name, b->conv2d_N * b->conv2d_N, "time per call", total[0] * 1e3, "ms", "the three: a layer's training work"));
    PetscCall(PdennBenchTableAdd(&b->table, "conv2d", name, b->conv2d_N * b->conv2d_N, "CPU time per call", total[1] * 1e3, "ms", "the same in CPU time"));
    PetscCall(ConvCaseDestroy(&cc));
  }
  PetscFunctionReturn(0);
}
