/* The standard ResNet, the U-net and the multigrid U-net on 2D grids (src/nn/resnet.c, unet.c
   with the d-dimensional layers): for L = 0.5 ||y - t||^2 with random weights and data by
   natural index,
   - the backward pass (dL/dtheta and dL/dx) against central differences, 1e-6 relative
     (Unet2dCheckFD: every value at one rank, random directions at several). eps = 1e-5: the
     truncation error is O(eps^2) = 1e-10 for smooth L, the rounding ~1e-16 |L| / eps = 1e-10 |L|
     (|L| <= 70 here); at eps = 1e-6 the rounding alone reached 2.6e-6 of NNTestRelErr's floor on
     small components. Kinks (table nodes of the trainable activation) are met only if a
     pre-activation lies within eps of one: with the fixed seeds here it did not happen;
   - y, dL/dx (natural order) and dL/dtheta at this rank count against a one-rank run of the same
     model, 1e-10 relative (PdennTestArrayRelDiff): the layers are bitwise rank-independent, only
     the rank sums of dL/dtheta are ordered differently.
   2D grids odd and even, both boundaries, tanh and the trainable activation, radius 1 and 2; two
   small 3D models (the same code: the layers dispatch on the DMDA's dimension). */
#include "unet2dtest.h"

static const char help[] = "Gradients and rank agreement of the 2D (and 3D) resnet, unet and mg_unet.\n";

typedef struct {
  const char *opts;
  PetscInt    dim, M[3];
} Config;

typedef struct {
  PetscReal *y, *dx, *dtheta, loss, fd_err;
  PetscInt   n, n_theta;
} Result;

typedef struct {
  PdennModel model;
  Vec        t;
} LossCtx;

static PetscErrorCode LossOnly(void *ctx, Vec x, PetscReal *L)
{
  LossCtx *c = (LossCtx *)ctx;

  PetscFunctionBeginUser;
  PetscCall(NNTestLoss(c->model, x, c->t, L, NULL, NULL));
  PetscFunctionReturn(0);
}

/* The model of c under the decomposition decomp on comm: its output, gradients and (if fd) the
   central-difference defect */
static PetscErrorCode Evaluate(MPI_Comm comm, const Config *c, const char decomp[], PetscBool fd, Result *res)
{
  char       opts[512];
  LossCtx    ctx;
  Vec        x, dx, y;
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s %s", decomp, c->opts));
  PetscCall(Unet2dModel(comm, opts, c->dim, c->M, &ctx.model));
  PetscCall(Unet2dData(ctx.model, &x, &ctx.t));
  PetscCall(VecDuplicate(x, &dx));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PdennModelGetNumParameters(ctx.model, &res->n_theta));
  PetscCall(PdennModelGetParameters(ctx.model, &theta));
  PetscCall(PetscMalloc1(res->n_theta, &res->dtheta));
  PetscCall(NNTestLoss(ctx.model, x, ctx.t, &res->loss, dx, res->dtheta));
  PetscCall(PdennModelForward(ctx.model, x, y));
  PetscCall(GridGatherNatural(y, &res->y));
  PetscCall(GridGatherNatural(dx, &res->dx));
  PetscCall(VecGetSize(y, &res->n));
  res->fd_err = 0.0;
  if (fd) {
    Unet2dFD f = {LossOnly, &ctx, theta, res->n_theta, x, res->dtheta, dx, 1e-5};
    PetscCall(Unet2dCheckFD(&f, &res->fd_err));
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&dx));
  PetscCall(VecDestroy(&ctx.t));
  PetscCall(PdennModelDestroy(&ctx.model));
  PetscFunctionReturn(0);
}

static PetscErrorCode ResultFree(Result *r)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(r->y));
  PetscCall(PetscFree(r->dx));
  PetscCall(PetscFree(r->dtheta));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckConfig(const Config *c, const char decomp[], PetscReal *worst_fd, PetscReal *worst_ranks)
{
  Result      par, one;
  PetscReal   d;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(Evaluate(PETSC_COMM_WORLD, c, decomp, PETSC_TRUE, &par));
  PetscCall(Evaluate(PETSC_COMM_SELF, c, "", PETSC_FALSE, &one));
  d = PetscMax(PdennTestArrayRelDiff(par.n, par.y, one.y), PdennTestArrayRelDiff(par.n, par.dx, one.dx));
  d = PetscMax(d, PdennTestArrayRelDiff(par.n_theta, par.dtheta, one.dtheta));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &d, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD %2d x %2d x %d %s: %d parameters, loss %.4e, gradients vs central differences %.1e, %d ranks vs 1: %.1e\n", (int)c->dim, (int)c->M[0], (int)c->M[1], (int)c->M[2], c->opts, (int)par.n_theta, (double)par.loss, (double)par.fd_err, size, (double)d));
  *worst_fd    = PetscMax(*worst_fd, par.fd_err);
  *worst_ranks = PetscMax(*worst_ranks, d);
  PetscCall(ResultFree(&par));
  PetscCall(ResultFree(&one));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  static const Config configs[] = {
      {"-u_model_type resnet -u_blocks 2 -u_channels 3 -u_kernel_radius 1 -u_activation tanh", 2, {9, 8, 1}},
      {"-u_model_type resnet -u_blocks 1 -u_channels 2 -u_kernel_radius 2 -u_activation trainable -u_act_nodes 5 -u_bc zero", 2, {8, 10, 1}},
      {"-u_model_type unet -u_levels 2 -u_smoothing_steps 1 -u_channels 2 -u_kernel_radius 1 -u_activation trainable -u_act_nodes 5", 2, {9, 7, 1}},
      {"-u_model_type unet -u_levels 3 -u_smoothing_steps 1 -u_channels 2 -u_kernel_radius 1 -u_activation tanh -u_bc zero", 2, {12, 8, 1}},
      {"-u_model_type mg_unet -u_levels 3 -u_smoothing_steps 2 -u_channels 2 -u_kernel_radius 1 -u_activation trainable -u_act_nodes 5", 2, {12, 10, 1}},
      {"-u_model_type mg_unet -u_levels 2 -u_smoothing_steps 1 -u_channels 2 -u_kernel_radius 2 -u_activation tanh -u_bc zero", 2, {9, 9, 1}},
      {"-u_model_type resnet -u_blocks 1 -u_channels 2 -u_kernel_radius 1 -u_activation tanh", 3, {5, 4, 3}},
      {"-u_model_type mg_unet -u_levels 2 -u_smoothing_steps 1 -u_channels 2 -u_kernel_radius 1 -u_activation trainable -u_act_nodes 5", 3, {6, 5, 4}},
  };
  char      decomp[128];
  PetscReal fd = 0.0, ranks = 0.0;

  PetscFunctionBeginUser;
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (size_t k = 0; k < sizeof(configs) / sizeof(configs[0]); k++) PetscCall(CheckConfig(&configs[k], decomp, &fd, &ranks));
  PetscCheck(fd <= 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "gradients off by %g > 1e-6 against central differences", (double)fd);
  PetscCheck(ranks <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the decomposition changes y or the gradients by %g > 1e-10", (double)ranks);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "unet2d model checks passed (gradients %.1e, ranks %.1e)\n", (double)fd, (double)ranks));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
