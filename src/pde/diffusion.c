/* The 1D generalised nonlinear diffusion problem du/dt = -D^*(Phi(D u)) of docs/science.md §1 with
   reflecting boundaries: D -> K as a one-channel convolution, so the explicit step is the
   symmetric step of op.h with W = K. */
#include <pdenn/pde.h>

PetscErrorCode PdennDiffusionCreate(MPI_Comm comm, PdennDiffusion *pde)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(pde));
  (*pde)->comm        = comm;
  (*pde)->N           = 256;
  (*pde)->h           = 1.0;
  (*pde)->order       = 1;
  (*pde)->flux.type   = PDENN_FLUX_PERONA_MALIK;
  (*pde)->flux.lambda = 0.1;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionSetFromOptions(PdennDiffusion pde)
{
  PetscInt type;

  PetscFunctionBeginUser;
  PetscOptionsBegin(pde->comm, NULL, "Diffusion problem (docs/science.md section 1)", NULL);
  PetscCall(PdennOptionsInt("-N", "Number of grid points of the 1D signal", pde->N, 4, PETSC_MAX_INT, &pde->N, NULL));
  PetscCall(PdennOptionsReal("-h", "Grid spacing (1: pixel units)", pde->h, 1e-12, 1e12, &pde->h, NULL));
  PetscCall(PdennOptionsInt("-order", "Derivative order of D: 1 (d/dx, second-order PDE) or 2 (d2/dx2, fourth-order PDE)", pde->order, 1, 2, &pde->order, NULL));
  PetscCall(PdennOptionsChoice("-flux", "Flux function Phi(s) = g(s^2) s", PdennFluxTypes, PDENN_FLUX_NTYPES, (PetscInt)pde->flux.type, &type, NULL));
  PetscCall(PdennOptionsReal("-lambda", "Contrast parameter lambda of the diffusivity", pde->flux.lambda, 1e-12, 1e12, &pde->flux.lambda, NULL));
  PetscOptionsEnd();
  pde->flux.type = (PdennFluxType)type;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionSetUp(PdennDiffusion pde)
{
  const PetscReal h = pde->h;

  PetscFunctionBeginUser;
  PetscCheck(!pde->da, pde->comm, PETSC_ERR_ORDER, "PdennDiffusionSetUp called twice");
  /* ghost width 'order': K has radius 1, but the semi-implicit matrix K^T G K has radius order */
  PetscCall(PdennDMDACreate1d(pde->comm, pde->N, 1, pde->order, &pde->da));
  if (pde->order == 1) {
    pde->kernel[0] = 0.0; pde->kernel[1] = -1.0 / h; pde->kernel[2] = 1.0 / h;
  } else {
    pde->kernel[0] = 1.0 / (h * h); pde->kernel[1] = -2.0 / (h * h); pde->kernel[2] = 1.0 / (h * h);
  }
  pde->K.c_in = pde->K.c_out = pde->K.radius = 1;
  pde->K.bc = PDENN_BC_REFLECT;
  pde->K.w  = pde->kernel;
  pde->K.b  = NULL;
  PetscCall(PdennSymStepSetUp(&pde->step, pde->da, pde->da, pde->K, PdennFluxActivation, &pde->flux));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionDestroy(PdennDiffusion *pde)
{
  PetscFunctionBeginUser;
  if (!*pde) PetscFunctionReturn(0);
  PetscCall(PdennSymStepDestroy(&(*pde)->step));
  PetscCall(DMDestroy(&(*pde)->da));
  PetscCall(PetscFree(*pde));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionView(PdennDiffusion pde, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "diffusion: N = %" PetscInt_FMT ", h = %g, order %" PetscInt_FMT " (D = %s), flux %s, lambda = %g\n", pde->N, (double)pde->h, pde->order, pde->order == 1 ? "d/dx" : "d2/dx2", PdennFluxTypes[pde->flux.type], (double)pde->flux.lambda));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionTauMax(PdennDiffusion pde, PetscReal *tau_max)
{
  const PetscReal L = PdennFluxSectorBound(pde->flux), h2 = pde->h * pde->h;

  PetscFunctionBeginUser;
  /* 2 / (L ||K||^2) with ||K||^2 <= 4/h^2 (order 1) or 16/h^4 (order 2), docs/science.md §2 */
  *tau_max = pde->order == 1 ? h2 / (2.0 * L) : h2 * h2 / (8.0 * L);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionExplicitStep(PdennDiffusion pde, PetscReal tau, Vec u, Vec out)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStepApply(&pde->step, tau, u, out, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionResidual(PdennDiffusion pde, Vec u, Vec r)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStepResidual(&pde->step, u, r, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionDiffusivity(PdennDiffusion pde, Vec u, Vec g)
{
  PetscReal *ua, *za, *ga;
  PetscInt   n;
  PetscBool  at_left, at_right;
  Vec        z;

  PetscFunctionBeginUser;
  PetscCall(DMGetGlobalVector(pde->da, &z));
  PetscCall(PdennDMDAGetGhostedArray(pde->da, u, pde->step.u_loc, PDENN_BC_REFLECT, &ua, &n, &at_left, &at_right));
  PetscCall(VecGetArray(z, &za));
  PetscCall(VecGetArray(g, &ga));
  PetscCall(PdennConv1dForward(&pde->K, n, ua, za));
  /* K u in its own array: PdennFluxDiffusivity divides Phi(s) by s, so s and g must not alias */
  PetscCall(PdennFluxDiffusivity(pde->flux, n, za, ga));
  PetscCall(VecRestoreArray(g, &ga));
  PetscCall(VecRestoreArray(z, &za));
  PetscCall(VecRestoreArray(pde->step.u_loc, NULL));
  PetscCall(DMRestoreGlobalVector(pde->da, &z));
  PetscFunctionReturn(0);
}
