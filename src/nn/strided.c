/* Strided (stride 2) convolution and its transpose, the U-net's restriction and prolongation
   (docs/science.md §5). No new stencil loop: S = D W is op.h's convolution W on the fine grid followed
   by decimation D to the even points, and S^T = W^T D^T is zero insertion followed by op.h's
   exact adjoint, so <S x, v> = <x, S^T v> holds to rounding with either boundary rule. In 2D and
   3D S is op.h's stride-2 convolution PdennConvNd (the same D W without the fine-grid output) and
   S^T its adjoint, the transposed convolution. */
#include <pdenn/nn.h>

/* dimension 2, 3: conv from da_fine_in to da_coarse (ConvNd checks the grids and the alignment) */
static PetscErrorCode SetUpNd(PdennStridedLayer *layer, DM da_fine_in, DM da_coarse, PdennConv1d conv)
{
  PetscInt dof_in, dof_c;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da_fine_in, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_in, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetInfo(da_coarse, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_c, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(!conv.b, PETSC_COMM_SELF, PETSC_ERR_SUP, "strided convolutions have no bias (they are multigrid's linear R and P)");
  PetscCheck(dof_in == conv.c_in && dof_c == conv.c_out, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA dofs (%" PetscInt_FMT " fine, %" PetscInt_FMT " coarse) differ from the channels (%" PetscInt_FMT ", %" PetscInt_FMT ")", dof_in, dof_c, conv.c_in, conv.c_out);
  PetscCall(PetscMemzero(&layer->fine, sizeof(layer->fine)));
  layer->fine.conv  = conv;
  layer->fine.is_nd = PETSC_TRUE;
  layer->da_coarse  = da_coarse;
  layer->fine_out   = NULL;
  PetscCall(PdennConvNdSetUp(&layer->nd, da_fine_in, da_coarse, conv.radius, 2, conv.bc, conv.w, NULL));
  PetscFunctionReturn(0);
}

/* The stride-2 convolution with the descriptor's current weights */
static PdennConvNd *Nd(PdennStridedLayer *layer)
{
  layer->nd.w = layer->fine.conv.w;
  return &layer->nd;
}

PetscErrorCode PdennStridedLayerSetUp(PdennStridedLayer *layer, DM da_fine_in, DM da_fine_out, DM da_coarse, PdennConv1d conv)
{
  PetscInt xs_f, xm_f, xs_c, xm_c, dof_c, dim;

  PetscFunctionBeginUser;
  PetscCall(DMGetDimension(da_fine_in, &dim));
  if (dim > 1) {
    PetscCall(SetUpNd(layer, da_fine_in, da_coarse, conv));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennDMDAGetOwnership(da_fine_out, &xs_f, &xm_f, NULL, NULL));
  PetscCall(PdennDMDAGetOwnership(da_coarse, &xs_c, &xm_c, NULL, NULL));
  PetscCall(DMDAGetInfo(da_coarse, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_c, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(xs_f == 2 * xs_c && xm_f == 2 * xm_c, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "coarse ownership [%" PetscInt_FMT ", +%" PetscInt_FMT ") is not aligned with fine [%" PetscInt_FMT ", +%" PetscInt_FMT ")", xs_c, xm_c, xs_f, xm_f);
  PetscCheck(!conv.b, PETSC_COMM_SELF, PETSC_ERR_SUP, "strided convolutions have no bias (they are multigrid's linear R and P)");
  PetscCheck(dof_c == conv.c_out, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "coarse dof %" PetscInt_FMT " differs from the output channels %" PetscInt_FMT, dof_c, conv.c_out);
  PetscCall(PdennConvLayerSetUp(&layer->fine, da_fine_in, da_fine_out, conv));
  layer->da_coarse = da_coarse;
  PetscCall(DMCreateGlobalVector(da_fine_out, &layer->fine_out));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStridedLayerDestroy(PdennStridedLayer *layer)
{
  PetscFunctionBeginUser;
  if (layer->fine.is_nd)
    PetscCall(PdennConvNdDestroy(&layer->nd));
  else
    PetscCall(PdennConvLayerDestroy(&layer->fine));
  PetscCall(VecDestroy(&layer->fine_out));
  PetscFunctionReturn(0);
}

/* coarse[j] = fine[2 j] (decimate) or fine = 0 except fine[2 j] = coarse[j] (insert), per rank */
static PetscErrorCode StrideCopy(Vec fine, Vec coarse, PetscInt c, PetscBool decimate)
{
  PetscReal *fa, *ca;
  PetscInt   m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(coarse, &m));
  if (!decimate) PetscCall(VecSet(fine, 0.0));
  PetscCall(VecGetArray(fine, &fa));
  PetscCall(VecGetArray(coarse, &ca));
  for (PetscInt j = 0; j < m / c; j++)
    for (PetscInt ch = 0; ch < c; ch++) {
      if (decimate) ca[j * c + ch] = fa[2 * j * c + ch];
      else fa[2 * j * c + ch] = ca[j * c + ch];
    }
  PetscCall(VecRestoreArray(fine, &fa));
  PetscCall(VecRestoreArray(coarse, &ca));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStridedLayerRestrict(PdennStridedLayer *layer, Vec x_fine, Vec y_coarse)
{
  PetscFunctionBeginUser;
  if (layer->fine.is_nd) {
    PetscCall(PdennConvNdForward(Nd(layer), x_fine, y_coarse));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennConvLayerForward(&layer->fine, x_fine, layer->fine_out));
  PetscCall(StrideCopy(layer->fine_out, y_coarse, layer->fine.conv.c_out, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStridedLayerProlong(PdennStridedLayer *layer, Vec v_coarse, Vec x_fine)
{
  PetscFunctionBeginUser;
  if (layer->fine.is_nd) {
    PetscCall(PdennConvNdAdjoint(Nd(layer), v_coarse, x_fine));
    PetscFunctionReturn(0);
  }
  PetscCall(StrideCopy(layer->fine_out, v_coarse, layer->fine.conv.c_out, PETSC_FALSE));
  PetscCall(PdennConvLayerAdjoint(&layer->fine, layer->fine_out, x_fine));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStridedLayerWeightGrad(PdennStridedLayer *layer, Vec x_fine, Vec v_coarse, PetscReal dw[])
{
  PetscFunctionBeginUser;
  if (layer->fine.is_nd) {
    PetscCall(PdennConvNdWeightGrad(Nd(layer), x_fine, v_coarse, dw, NULL));
    PetscFunctionReturn(0);
  }
  /* <v, D W x> = <D^T v, W x> */
  PetscCall(StrideCopy(layer->fine_out, v_coarse, layer->fine.conv.c_out, PETSC_FALSE));
  PetscCall(PdennConvLayerWeightGrad(&layer->fine, x_fine, layer->fine_out, dw, NULL));
  PetscFunctionReturn(0);
}
