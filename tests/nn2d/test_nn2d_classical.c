/* 2D/3D networks initialised as classical schemes (PdennModelInitClassical) reproduce the solvers
   of src/pde run through the solver API (PdennTestRunSolver: what pdenn_solve -dim 2 calls):
   sym_resnet = explicit scheme, fsi_resnet = FSI, recurrent = the fixed-point iteration of the
   implicit scheme, on nonsquare images (and one volume), order 1 (W = the gradient, groups of d
   channels) and order 2 (W = the Laplacian in channel 0). The models use 4 (3D: 6) channels and
   kernel radius 2 on purpose: K sits zero-padded in the first channels, the rest are zero.
   Tolerance 1e-12 relative (max norm): the solver computes g from |z|^2
   (PdennFluxDiffusivitySquared), the group activation from |z| (PdennFluxDiffusivity), the same
   function rounded differently (about an ulp of g per step), and the convolution sums the
   stencil in another order; measured differences are ~1e-15. */
#include "nn2dtest.h"

static const char help[] = "2D classical-initialised networks reproduce the classical solvers.\n";

typedef struct {
  PdennDiffusion pde;
  char           opts[512]; /* the problem's keys and the decomposition */
  Vec            f, y;
  PetscInt       channels;
} Case;

/* y = the model (keys `model`) initialised as the scheme with step tau, applied to f */
static PetscErrorCode ModelOutput(Case *c, const char model[], PetscReal tau)
{
  PdennModel m;
  char       opts[512];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -c_channels %" PetscInt_FMT " -c_kernel_radius 2", model, c->channels));
  PetscCall(NN2dModel(c->pde->comm, "c_", opts, c->pde->dim, c->pde->M, &m));
  PetscCall(PdennModelInitClassical(m, c->pde, tau));
  PetscCall(PdennModelForward(m, c->f, c->y));
  PetscCall(PdennModelDestroy(&m));
  PetscFunctionReturn(0);
}

/* Runs the solver with `method` (the case's problem keys and decomposition) from f */
static PetscErrorCode Solve(Case *c, const char method[], PdennTestRun *run)
{
  char           opts[1024];
  const uint64_t seed = 17;
  GridFill       fill = {NN2dEdges, &seed};

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s %s -monitor_every -1", c->opts, method));
  PetscCall(PdennTestRunSolver(c->pde->comm, opts, GridInit, &fill, NULL, run));
  PetscFunctionReturn(0);
}

static PetscErrorCode Compare(Case *c, const char what[], PdennTestRun *run, PetscReal *err)
{
  PetscReal d;

  PetscFunctionBeginUser;
  PetscCall(NN2dRelDiff(c->y, run->u, &d));
  PetscCall(PetscPrintf(c->pde->comm, "  %-40s vs solver %.2e\n", what, (double)d));
  *err = PetscMax(*err, d);
  PetscCall(PdennTestRunDestroy(run));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckMethods(Case *c, PetscReal *err)
{
  PdennTestRun run;
  PetscReal    tau_max;
  char         buf[256], what[64];

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(c->pde, &tau_max));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "-method explicit -t_stop %.17g -tau %.17g", 6 * tau_max, tau_max));
  PetscCall(Solve(c, buf, &run));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "-c_model_type sym_resnet -c_blocks %" PetscInt_FMT " -c_activation tanh", run.info.steps));
  PetscCall(ModelOutput(c, buf, tau_max));
  PetscCall(PetscSNPrintf(what, sizeof(what), "sym_resnet = explicit, %" PetscInt_FMT " steps", run.info.steps));
  PetscCall(Compare(c, what, &run, err));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "-method fsi -t_stop %.17g -cycles 2", 40 * tau_max));
  PetscCall(Solve(c, buf, &run));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "-c_model_type fsi_resnet -c_blocks %" PetscInt_FMT " -c_cycle_length %" PetscInt_FMT " -c_activation linear", run.info.steps, run.info.steps / run.info.cycles));
  PetscCall(ModelOutput(c, buf, run.info.tau));
  PetscCall(PetscSNPrintf(what, sizeof(what), "fsi_resnet = FSI, %" PetscInt_FMT " x %" PetscInt_FMT " steps", run.info.cycles, run.info.steps / run.info.cycles));
  PetscCall(Compare(c, what, &run, err));
  /* one implicit step, tau L ||K||^2 = 0.8 < 1: the solver's iterations, the network as many */
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "-method implicit_fixed_point -t_stop %.17g -tau %.17g -fixed_point_rtol 1e-9", 0.4 * tau_max, 0.4 * tau_max));
  PetscCall(Solve(c, buf, &run));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "-c_model_type recurrent -c_iterations %" PetscInt_FMT " -c_activation linear", run.info.nonlinear_its));
  PetscCall(ModelOutput(c, buf, 0.4 * tau_max));
  PetscCall(PetscSNPrintf(what, sizeof(what), "recurrent = fixed point, %" PetscInt_FMT " iterations", run.info.nonlinear_its));
  PetscCall(Compare(c, what, &run, err));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunCase(const char problem[], PetscReal *err)
{
  Case           c;
  PetscOptions   o;
  char           decomp[128];
  const uint64_t seed = 17;
  GridFill       fill = {NN2dEdges, &seed};

  PetscFunctionBeginUser;
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  PetscCall(PetscSNPrintf(c.opts, sizeof(c.opts), "%s%s", problem, decomp));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s\n", c.opts));
  PetscCall(Op2dPushOptions(c.opts, &o)); /* the problem object the models initialise from */
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &c.pde));
  PetscCall(PdennDiffusionSetFromOptions(c.pde));
  PetscCall(PdennDiffusionSetUp(c.pde));
  PetscCall(Op2dPopOptions(&o));
  c.channels = 2 * c.pde->dim;
  PetscCall(DMCreateGlobalVector(c.pde->da, &c.f));
  PetscCall(VecDuplicate(c.f, &c.y));
  PetscCall(GridInit(c.pde->da, c.f, &fill));
  PetscCall(CheckMethods(&c, err));
  PetscCall(VecDestroy(&c.f));
  PetscCall(VecDestroy(&c.y));
  PetscCall(PdennDiffusionDestroy(&c.pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char *cases[] = {"-dim 2 -Nx 24 -Ny 20 -order 1 -flux perona_malik -lambda 0.2", "-dim 2 -Nx 24 -Ny 20 -order 1 -flux weickert -lambda 0.3 -h 0.5", "-dim 2 -Nx 24 -Ny 20 -order 2 -flux charbonnier -lambda 0.5", "-dim 3 -Nx 8 -Ny 7 -Nz 6 -order 1 -flux exp_perona_malik -lambda 0.1"};
  PetscReal   err     = 0.0;

  PetscFunctionBeginUser;
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) PetscCall(RunCase(cases[k], &err));
  PetscCheck(err <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a classical-initialised network differs from its solver by %g > 1e-12", (double)err);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "classical 2D checks passed (worst %.2e <= 1e-12)\n", (double)err));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
