/* Networks initialised as classical schemes (PdennModelInitClassical) reproduce the solvers of
   src/pde (PdennSolverSolve) and the hand-written step loops: sym_resnet = explicit scheme,
   fsi_resnet = FSI, recurrent = the fixed-point iteration of the implicit scheme. The models
   use 2 channels and kernel radius 2 on purpose: K sits zero-padded in channel 0.
   Tolerance 1e-12 relative (max norm): both sides call the same PdennSymStep routines in the
   same order; the only differences are exact zero terms and, for the solver, a last step
   t_stop - (n-1) tau that may differ from tau in the last bit, i.e. ~1e-16 per step (on the
   development machine the outputs agree bitwise). */
#include "nntest.h"
#include "pdenn_test.h"

static const char help[] = "Classical-initialised networks reproduce the classical solvers.\n";

/* Solves with `method` from f; returns u and the solver's counters. */
static PetscErrorCode SolveClassical(PdennDiffusion pde, PdennMethod method, PetscReal t_stop, PetscReal tau, PetscInt cycles, Vec f, Vec u, PdennRunInfo *info)
{
  PdennSolver s;

  PetscFunctionBeginUser;
  PetscCall(PdennSolverCreate(pde, &s));
  s->method        = method;
  s->t_stop        = t_stop;
  s->tau           = tau;
  s->cycles        = cycles;
  s->fp_rtol       = 1e-9;
  s->monitor_every = -1;
  PetscCall(VecCopy(f, u));
  PetscCall(PdennSolverSolve(s, u));
  *info           = s->info;
  info->norm_hist = info->time_hist = NULL;
  PetscCall(PdennSolverDestroy(&s));
  PetscFunctionReturn(0);
}

static PetscErrorCode ModelOutput(PdennDiffusion pde, const char options[], PetscReal tau, Vec f, Vec y)
{
  PdennModel model;

  PetscFunctionBeginUser;
  PetscCall(NNTestModel(pde->comm, "c_", options, pde->N, &model));
  PetscCall(PdennModelInitClassical(model, pde, tau));
  PetscCall(PdennModelForward(model, f, y));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckExplicit(PdennDiffusion pde, Vec f, Vec u, Vec y, PetscReal *err)
{
  PdennRunInfo info;
  PetscReal    tau_max, e1, e2;
  char         opts[256];

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  PetscCall(SolveClassical(pde, PDENN_METHOD_EXPLICIT, 6 * tau_max, tau_max, 0, f, u, &info));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-c_model_type sym_resnet -c_blocks %" PetscInt_FMT " -c_channels 2 -c_kernel_radius 2 -c_activation tanh", info.steps));
  PetscCall(ModelOutput(pde, opts, tau_max, f, y));
  PetscCall(PdennTestRelDiff(y, u, NORM_INFINITY, PETSC_SMALL, &e1));
  PetscCall(VecCopy(f, u)); /* and against the explicit step applied by hand */
  for (PetscInt k = 0; k < info.steps; k++) PetscCall(PdennDiffusionExplicitStep(pde, tau_max, u, u));
  PetscCall(PdennTestRelDiff(y, u, NORM_INFINITY, PETSC_SMALL, &e2));
  PetscCall(PetscPrintf(pde->comm, "  explicit, %" PetscInt_FMT " steps: vs solver %.2e, vs step loop %.2e\n", info.steps, (double)e1, (double)e2));
  *err = PetscMax(e1, e2);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckFSI(PdennDiffusion pde, Vec f, Vec u, Vec y, PetscReal *err)
{
  PdennRunInfo info;
  PetscReal    tau_max;
  char         opts[256];

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  PetscCall(SolveClassical(pde, PDENN_METHOD_FSI, 40 * tau_max, 0.0, 2, f, u, &info));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-c_model_type fsi_resnet -c_blocks %" PetscInt_FMT " -c_cycle_length %" PetscInt_FMT " -c_channels 2 -c_kernel_radius 2 -c_activation relu", info.steps, info.steps / info.cycles));
  PetscCall(ModelOutput(pde, opts, info.tau, f, y));
  PetscCall(PdennTestRelDiff(y, u, NORM_INFINITY, PETSC_SMALL, err));
  PetscCall(PetscPrintf(pde->comm, "  FSI, %" PetscInt_FMT " cycles of %" PetscInt_FMT " steps: vs solver %.2e\n", info.cycles, info.steps / info.cycles, (double)*err));
  PetscFunctionReturn(0);
}

/* One implicit step of size tau: the solver stops at `its` iterations, the network runs that many */
static PetscErrorCode CheckFixedPoint(PdennDiffusion pde, Vec f, Vec u, Vec y, PetscReal *err)
{
  PdennRunInfo info;
  PetscReal    tau_max, tau;
  char         opts[256];

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  tau = 0.4 * tau_max; /* tau L ||K||^2 = 0.8 < 1 */
  PetscCall(SolveClassical(pde, PDENN_METHOD_IMPLICIT_FIXED_POINT, tau, tau, 0, f, u, &info));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-c_model_type recurrent -c_iterations %" PetscInt_FMT " -c_channels 2 -c_kernel_radius 2 -c_activation linear", info.nonlinear_its));
  PetscCall(ModelOutput(pde, opts, tau, f, y));
  PetscCall(PdennTestRelDiff(y, u, NORM_INFINITY, PETSC_SMALL, err));
  PetscCall(PetscPrintf(pde->comm, "  fixed point, %" PetscInt_FMT " iterations: vs solver %.2e\n", info.nonlinear_its, (double)*err));
  PetscFunctionReturn(0);
}

/* f: two steps plus noise, the same on every rank layout */
static PetscErrorCode InitialSignal(PdennDiffusion pde, Vec f)
{
  PetscInt   lo, hi;
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(f, &lo, &hi));
  PetscCall(VecGetArray(f, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = (i > pde->N / 3 ? 1.0 : 0.0) - (i > 3 * pde->N / 4 ? 0.5 : 0.0) + 0.1 * PdennRandomUniform(5, 0, i);
  PetscCall(VecRestoreArray(f, &a));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunCase(const char pde_options[], PetscReal *err)
{
  PdennDiffusion pde;
  Vec            f, u, y;
  PetscReal      e[3];

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertString(NULL, pde_options));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s\n", pde_options));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(DMCreateGlobalVector(pde->da, &f));
  PetscCall(VecDuplicate(f, &u));
  PetscCall(VecDuplicate(f, &y));
  PetscCall(InitialSignal(pde, f));
  PetscCall(CheckExplicit(pde, f, u, y, &e[0]));
  PetscCall(CheckFSI(pde, f, u, y, &e[1]));
  PetscCall(CheckFixedPoint(pde, f, u, y, &e[2]));
  *err = PetscMax(e[0], PetscMax(e[1], e[2]));
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&y));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char *cases[] = {"-N 64 -order 1 -flux perona_malik -lambda 0.2", "-N 64 -order 2 -flux charbonnier -lambda 0.5", "-N 48 -order 1 -flux weickert -lambda 0.3 -h 0.5", "-N 48 -order 2 -flux exp_perona_malik -lambda 0.1 -h 2"};
  PetscReal   err, worst = 0.0;

  PetscFunctionBeginUser;
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    PetscCall(RunCase(cases[c], &err));
    worst = PetscMax(worst, err);
  }
  PetscCheck(worst <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "classical-initialised network differs from the solver by %g > 1e-12 (relative, max norm)", (double)worst);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "classical equivalence passed: worst %.2e <= 1e-12\n", (double)worst));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
