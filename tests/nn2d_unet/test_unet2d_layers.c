/* The layers of the 2D standard ResNet and U-nets (src/nn/convlayer.c, strided.c on DMDAs of
   dimension 2, where they are op.h's PdennConvNd): 2 -> 3 channels on an odd (9 x 7) and an even
   (8 x 10) grid, both boundaries, radius 1 and 2, stride 1 (PdennConvLayer) and stride 2
   (PdennStridedLayer: restriction S, prolongation S^T):
   - the adjoint identity <A x, y> = <x, A^T y> to 1e-14 relative to ||A x|| ||y||, the size of
     the summed terms (bias left out: A is the linear map);
   - central differences of L = 0.5 ||A x + b - t||^2 (the forward use) and L = 0.5 ||A^T v - t||^2
     (the transposed use: the U-net's post-smoothers C^T and prolongations) against Backward and
     WeightGrad, 1e-6 relative (NNTestRelErr): at one rank in every weight, bias and input value
     alone, at several ranks in 2 random directions through all parameters and 2 through all
     input values (a wrong term anywhere shows in them). L is quadratic, so central differences are exact up to rounding. */
#include "unet2dtest.h"

static const char help[] = "Adjoint identity and gradients of the 2D convolution and strided layers.\n";

#define C_IN 2
#define C_OUT 3

typedef struct {
  const PetscInt *M;
  PetscInt        stride, radius;
  PdennBoundary   bc;
} Config;

typedef struct {
  Config            c;
  DM                din, dout, dfine; /* dfine: C_OUT on din's grid (the 1D strided layer's work grid) */
  PdennConvLayer    conv;             /* stride 1 */
  PdennStridedLayer str;              /* stride 2 */
  PetscReal        *wb;               /* weights, then the biases (stride 1) */
  PetscInt          nw, nb;
} Layer;

static PetscErrorCode LayerCreate(MPI_Comm comm, const Config *c, Layer *l)
{
  PdennConv1d d;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(l, sizeof(*l)));
  l->c  = *c;
  l->nw = C_OUT * C_IN * PetscPowInt(2 * c->radius + 1, 2);
  l->nb = c->stride == 1 ? C_OUT : 0;
  PetscCall(PetscMalloc1(l->nw + l->nb, &l->wb));
  Op2dHashArray(31, l->nw + l->nb, l->wb);
  d = (PdennConv1d){C_IN, C_OUT, c->radius, c->bc, l->wb, l->nb ? l->wb + l->nw : NULL};
  PetscCall(Op2dGrids(comm, 2, c->M, c->stride, c->radius, C_IN, C_OUT, &l->din, &l->dout));
  if (c->stride == 1)
    PetscCall(PdennConvLayerSetUp(&l->conv, l->din, l->dout, d));
  else {
    PetscCall(DMDACreateCompatibleDMDA(l->din, C_OUT, &l->dfine));
    PetscCall(PdennStridedLayerSetUp(&l->str, l->din, l->dfine, l->dout, d));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode LayerDestroy(Layer *l)
{
  PetscFunctionBeginUser;
  if (l->c.stride == 1)
    PetscCall(PdennConvLayerDestroy(&l->conv));
  else
    PetscCall(PdennStridedLayerDestroy(&l->str));
  PetscCall(PetscFree(l->wb));
  PetscCall(DMDestroy(&l->din));
  PetscCall(DMDestroy(&l->dout));
  PetscCall(DMDestroy(&l->dfine));
  PetscFunctionReturn(0);
}

/* y = A x (+ b): the convolution layer's forward pass or the restriction */
static PetscErrorCode Apply(Layer *l, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  if (l->c.stride == 1)
    PetscCall(PdennConvLayerForward(&l->conv, x, y));
  else
    PetscCall(PdennStridedLayerRestrict(&l->str, x, y));
  PetscFunctionReturn(0);
}

/* x = A^T v: the layer's adjoint or the prolongation */
static PetscErrorCode ApplyT(Layer *l, Vec v, Vec x)
{
  PetscFunctionBeginUser;
  if (l->c.stride == 1)
    PetscCall(PdennConvLayerAdjoint(&l->conv, v, x));
  else
    PetscCall(PdennStridedLayerProlong(&l->str, v, x));
  PetscFunctionReturn(0);
}

/* g += d<v, A x + b>/d(w, b), summed over the ranks (g: nw + nb values, zeroed here) */
static PetscErrorCode WeightGrad(Layer *l, Vec x, Vec v, PetscBool with_bias, PetscReal g[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(g, l->nw + l->nb));
  if (l->c.stride == 1)
    PetscCall(PdennConvLayerWeightGrad(&l->conv, x, v, g, with_bias ? g + l->nw : NULL));
  else
    PetscCall(PdennStridedLayerWeightGrad(&l->str, x, v, g));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, g, (PetscMPIInt)(l->nw + l->nb), MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)x)));
  PetscFunctionReturn(0);
}

static PetscErrorCode AdjointDefect(Layer *l, PetscReal *defect)
{
  const PetscReal *b = l->conv.conv.b;
  Vec              x, y, ax, aty;
  PetscReal        d1, d2, n1, n2;

  PetscFunctionBeginUser;
  l->conv.conv.b = NULL; /* A alone (stride 1); the strided layer has no bias */
  PetscCall(DMCreateGlobalVector(l->din, &x));
  PetscCall(DMCreateGlobalVector(l->dout, &y));
  PetscCall(VecDuplicate(y, &ax));
  PetscCall(VecDuplicate(x, &aty));
  PetscCall(Op2dFillHash(x, 1));
  PetscCall(Op2dFillHash(y, 2));
  PetscCall(Apply(l, x, ax));
  PetscCall(ApplyT(l, y, aty));
  PetscCall(VecDot(ax, y, &d1));
  PetscCall(VecDot(x, aty, &d2));
  PetscCall(VecNorm(ax, NORM_2, &n1));
  PetscCall(VecNorm(y, NORM_2, &n2));
  *defect        = PetscAbsReal(d1 - d2) / (n1 * n2);
  l->conv.conv.b = b;
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&ax));
  PetscCall(VecDestroy(&aty));
  PetscFunctionReturn(0);
}

/* L = 0.5 ||out - t||^2, out = A in + b (forward use) or A^T in (transposed); with grads the input
   gradient din and the rank-summed parameter gradient g */
static PetscErrorCode Loss(Layer *l, PetscBool transposed, Vec in, Vec t, PetscReal *L, Vec din, PetscReal g[])
{
  Vec r;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(t, &r));
  if (transposed)
    PetscCall(ApplyT(l, in, r));
  else
    PetscCall(Apply(l, in, r));
  PetscCall(VecAXPY(r, -1.0, t));
  PetscCall(VecNorm(r, NORM_2, L));
  *L = 0.5 * (*L) * (*L);
  if (din) {
    if (transposed)
      PetscCall(Apply(l, r, din)); /* (A^T)^T r; the bias is excluded below */
    else
      PetscCall(ApplyT(l, r, din));
  }
  if (g && transposed)
    PetscCall(WeightGrad(l, r, in, PETSC_FALSE, g)); /* d<r, A^T in>/dw = d<in, A r>/dw */
  else if (g)
    PetscCall(WeightGrad(l, in, r, PETSC_TRUE, g));
  PetscCall(VecDestroy(&r));
  PetscFunctionReturn(0);
}

typedef struct {
  Layer    *l;
  PetscBool transposed;
  Vec       t;
} LossCtx;

static PetscErrorCode LossOnly(void *ctx, Vec in, PetscReal *L)
{
  LossCtx *c = (LossCtx *)ctx;

  PetscFunctionBeginUser;
  PetscCall(Loss(c->l, c->transposed, in, c->t, L, NULL, NULL));
  PetscFunctionReturn(0);
}

/* The largest relative defect of the parameter and input gradients (Unet2dCheckFD) */
static PetscErrorCode CheckGradients(Layer *l, PetscBool transposed, PetscReal *err)
{
  LossCtx   ctx = {l, transposed, NULL};
  Unet2dFD  f;
  Vec       in, gin;
  PetscReal L, *g;

  PetscFunctionBeginUser;
  if (transposed) l->conv.conv.b = NULL; /* the transposed use has no bias (unet.c adds c after C^T) */
  PetscCall(DMCreateGlobalVector(transposed ? l->dout : l->din, &in));
  PetscCall(DMCreateGlobalVector(transposed ? l->din : l->dout, &ctx.t));
  PetscCall(VecDuplicate(in, &gin));
  PetscCall(Op2dFillHash(in, 3));
  PetscCall(Op2dFillHash(ctx.t, 4));
  PetscCall(PetscMalloc1(l->nw + l->nb, &g));
  PetscCall(Loss(l, transposed, in, ctx.t, &L, gin, g));
  f = (Unet2dFD){LossOnly, &ctx, l->wb, l->nw + (transposed ? 0 : l->nb), in, g, gin, 1e-3}; /* A^T: no bias */
  PetscCall(Unet2dCheckFD(&f, err));
  if (l->nb) l->conv.conv.b = l->wb + l->nw;
  PetscCall(PetscFree(g));
  PetscCall(VecDestroy(&in));
  PetscCall(VecDestroy(&ctx.t));
  PetscCall(VecDestroy(&gin));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckConfig(const Config *c, PetscReal *worst_adj, PetscReal *worst_grad)
{
  Layer     l;
  PetscReal adj = 0.0, gf = 0.0, gt = 0.0;

  PetscFunctionBeginUser;
  PetscCall(LayerCreate(PETSC_COMM_WORLD, c, &l));
  PetscCall(AdjointDefect(&l, &adj));
  PetscCall(CheckGradients(&l, PETSC_FALSE, &gf));
  PetscCall(CheckGradients(&l, PETSC_TRUE, &gt));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%2d x %2d %-7s radius %d stride %d (%s): adjoint %.1e, gradients %.1e (A x + b), %.1e (A^T v)\n", (int)c->M[0], (int)c->M[1], PdennBoundaryTypes[c->bc], (int)c->radius, (int)c->stride, c->stride == 1 ? "conv layer" : "strided layer", (double)adj, (double)gf, (double)gt));
  *worst_adj  = PetscMax(*worst_adj, adj);
  *worst_grad = PetscMax(*worst_grad, PetscMax(gf, gt));
  PetscCall(LayerDestroy(&l));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  static const PetscInt sizes[2][3] = {{9, 7, 1}, {8, 10, 1}};
  PetscReal             adj = 0.0, grad = 0.0;
  PetscInt              n = 0;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < 2; s++)
    for (PetscInt bc = 0; bc < 2; bc++)
      for (PetscInt r = 1; r <= 2; r++)
        for (PetscInt stride = 1; stride <= 2; stride++, n++) {
          const Config c = {sizes[s], stride, r, (PdennBoundary)bc};
          PetscCall(CheckConfig(&c, &adj, &grad));
        }
  PetscCheck(adj <= 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "adjoint identity off by %g > 1e-14", (double)adj);
  PetscCheck(grad <= 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "gradients off by %g > 1e-6 against central differences", (double)grad);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "unet2d layer checks passed (%d configurations; adjoint %.1e, gradients %.1e)\n", (int)n, (double)adj, (double)grad));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
