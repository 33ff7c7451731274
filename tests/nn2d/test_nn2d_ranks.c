/* Forward and backward of the 2D/3D symmetric models on the run's decomposition (mpiexec -n 1, 2,
   4 with -da_processors_x/y) against the same model on PETSC_COMM_SELF: y and dL/dx gathered in
   natural order, dL/dtheta summed over ranks (as the trainer does), L = 0.5 ||y - t||^2, random
   theta and inputs by grid coordinates (the same on every layout). Tolerance 1e-10 relative (max
   norm): the per-point arithmetic is the same on any layout (PdennConvNd is bitwise
   decomposition-independent), dtheta is a sum over points whose order changes with the layout
   (~points x 1e-16). */
#include "nn2dtest.h"

static const char help[] = "2D symmetric models on several ranks against one rank.\n";

typedef struct {
  PetscReal *y, *dx, *dtheta;
  PetscInt   N, n_theta;
} Result;

static PetscErrorCode Evaluate(MPI_Comm comm, const char options[], PetscInt dim, const PetscInt M[3], Result *res)
{
  PdennModel   model;
  PetscOptions o;
  DM           da;
  Vec          x, t, y, dx;

  PetscFunctionBeginUser;
  PetscCall(Op2dPushOptions(options, &o)); /* exactly these keys: the one-rank run sees no decomposition */
  PetscCall(NN2dModel(comm, "m_", "", dim, M, &model));
  PetscCall(Op2dPopOptions(&o));
  PetscCall(NNTestRandomTheta(model, 5, 0.6));
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &t));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(VecDuplicate(x, &dx));
  PetscCall(Op2dFillHash(x, 41));
  PetscCall(Op2dFillHash(t, 42));
  PetscCall(PdennModelGetNumParameters(model, &res->n_theta));
  PetscCall(PetscCalloc1(res->n_theta, &res->dtheta));
  PetscCall(PdennModelForward(model, x, y));
  PetscCall(VecAYPX(t, -1.0, y)); /* dL/dy = y - t */
  PetscCall(PdennModelBackward(model, t, dx, res->dtheta));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, res->dtheta, (PetscMPIInt)res->n_theta, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(VecGetSize(x, &res->N));
  PetscCall(GridGatherNatural(y, &res->y));
  PetscCall(GridGatherNatural(dx, &res->dx));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&t));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&dx));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode ResultDestroy(Result *r)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(r->y));
  PetscCall(PetscFree(r->dx));
  PetscCall(PetscFree(r->dtheta));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckCase(const char model[], PetscInt dim, const PetscInt M[3], PetscReal *worst)
{
  char      opts[512], decomp[128];
  Result    par, one;
  PetscReal e[3];

  PetscFunctionBeginUser;
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s%s", model, decomp));
  PetscCall(Evaluate(PETSC_COMM_WORLD, opts, dim, M, &par));
  PetscCall(Evaluate(PETSC_COMM_SELF, model, dim, M, &one));
  e[0] = PdennTestArrayRelDiff(par.N, par.y, one.y);
  e[1] = PdennTestArrayRelDiff(par.N, par.dx, one.dx);
  e[2] = PdennTestArrayRelDiff(par.n_theta, par.dtheta, one.dtheta);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD %-70s y %.1e, dx %.1e, dtheta %.1e\n", (int)dim, model, (double)e[0], (double)e[1], (double)e[2]));
  *worst = PetscMax(*worst, PetscMax(e[0], PetscMax(e[1], e[2])));
  PetscCall(ResultDestroy(&par));
  PetscCall(ResultDestroy(&one));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char    *models[] = {"-m_model_type sym_resnet -m_blocks 3 -m_channels 4 -m_kernel_radius 1 -m_activation trainable -m_act_nodes 6", "-m_model_type sym_resnet -m_blocks 2 -m_channels 2 -m_kernel_radius 2 -m_activation perona_malik -m_act_lambda 0.5 -m_bc zero", "-m_model_type fsi_resnet -m_blocks 4 -m_cycle_length 2 -m_channels 2 -m_kernel_radius 1 -m_activation charbonnier", "-m_model_type recurrent -m_iterations 4 -m_channels 4 -m_kernel_radius 1 -m_activation trainable -m_act_nodes 5"};
  const PetscInt M2[3] = {24, 20, 1}, M3[3] = {8, 7, 6};
  PetscReal      worst = 0.0;

  PetscFunctionBeginUser;
  for (size_t k = 0; k < sizeof(models) / sizeof(models[0]); k++) PetscCall(CheckCase(models[k], 2, M2, &worst));
  PetscCall(CheckCase("-m_model_type sym_resnet -m_blocks 2 -m_channels 3 -m_kernel_radius 1 -m_activation trainable -m_act_nodes 6", 3, M3, &worst));
  PetscCheck(worst <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the decomposed models differ from one rank by %g > 1e-10", (double)worst);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rank checks passed (worst %.1e <= 1e-10)\n", (double)worst));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
