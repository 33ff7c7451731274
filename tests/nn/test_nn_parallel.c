/* Forward and backward of every model on a spatially distributed DMDA (mpiexec -n 1, 2, 4)
   against the same model recomputed on PETSC_COMM_SELF from the gathered input: y, dL/dx and
   dL/dtheta (summed over ranks, as the trainer does). Tolerance 1e-12 relative (max norm): the
   per-point arithmetic is the same on any layout (ghosts are copies), so y and dx agree
   bitwise in practice; dtheta is a sum over points whose order changes with the layout, which
   moves it by ~(points) * 1e-16. */
#include "nntest.h"

static const char help[] = "Parallel forward/backward of the models against one rank.\n";

typedef struct {
  PetscReal *y, *dx, *dtheta;
  PetscInt   N, n_theta;
} Result;

/* Model built on comm from `options`, random theta (seed 5), x and t by global index. */
static PetscErrorCode Evaluate(MPI_Comm comm, const char options[], PetscInt N, Result *res)
{
  PdennModel model;
  DM         da;
  Vec        x, t, y, dx;

  PetscFunctionBeginUser;
  PetscCall(NNTestModel(comm, "m_", options, N, &model));
  PetscCall(NNTestRandomTheta(model, 5, 0.6));
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &t));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(VecDuplicate(x, &dx));
  PetscCall(NNTestFill(x, 41, 1.0, 0.3));
  PetscCall(NNTestFill(t, 42, 1.0, 0.0));
  PetscCall(PdennModelGetNumParameters(model, &res->n_theta));
  PetscCall(PetscCalloc1(res->n_theta, &res->dtheta));
  PetscCall(PdennModelForward(model, x, y));
  PetscCall(VecAXPY(t, -1.0, y)); /* dL/dy = y - t, negated */
  PetscCall(VecScale(t, -1.0));
  PetscCall(PdennModelBackward(model, t, dx, res->dtheta));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, res->dtheta, (PetscMPIInt)res->n_theta, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(NNTestGather(y, &res->y, &res->N));
  PetscCall(NNTestGather(dx, &res->dx, &res->N));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&t));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&dx));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscReal RelMax(const PetscReal a[], const PetscReal b[], PetscInt n)
{
  PetscReal d = 0.0, s = 0.0;

  for (PetscInt i = 0; i < n; i++) {
    d = PetscMax(d, PetscAbsReal(a[i] - b[i]));
    s = PetscMax(s, PetscAbsReal(b[i]));
  }
  return s > 0.0 ? d / s : d;
}

static PetscErrorCode FreeResult(Result *r)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(r->y));
  PetscCall(PetscFree(r->dx));
  PetscCall(PetscFree(r->dtheta));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char *cases[] = {
    "-m_model_type sym_resnet -m_blocks 3 -m_channels 3 -m_kernel_radius 2 -m_activation trainable -m_act_nodes 6",
    "-m_model_type resnet -m_blocks 2 -m_channels 3 -m_kernel_radius 2 -m_activation relu -m_bc zero",
    "-m_model_type fsi_resnet -m_blocks 4 -m_cycle_length 2 -m_channels 2 -m_kernel_radius 1 -m_activation perona_malik",
    "-m_model_type recurrent -m_iterations 4 -m_channels 2 -m_kernel_radius 2 -m_activation trainable",
    "-m_model_type unet -m_levels 3 -m_smoothing_steps 2 -m_channels 2 -m_kernel_radius 1 -m_activation tanh",
    "-m_model_type mg_unet -m_levels 3 -m_smoothing_steps 1 -m_channels 3 -m_kernel_radius 2 -m_activation trainable -m_bc zero",
  };
  PetscMPIInt size;
  PetscReal   worst = 0.0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    Result    par, one;
    PetscReal e[3];
    PetscCall(Evaluate(PETSC_COMM_WORLD, cases[c], 32, &par));
    PetscCall(Evaluate(PETSC_COMM_SELF, cases[c], 32, &one));
    e[0] = RelMax(par.y, one.y, par.N);
    e[1] = RelMax(par.dx, one.dx, par.N);
    e[2] = RelMax(par.dtheta, one.dtheta, par.n_theta);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d ranks vs 1: y %.1e, dx %.1e, dtheta %.1e  (%s)\n", size, (double)e[0], (double)e[1], (double)e[2], cases[c]));
    worst = PetscMax(worst, PetscMax(e[0], PetscMax(e[1], e[2])));
    PetscCall(FreeResult(&par));
    PetscCall(FreeResult(&one));
  }
  PetscCheck(worst <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "parallel result differs from one rank by %g > 1e-12", (double)worst);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "parallel equivalence passed: worst %.2e\n", (double)worst));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
