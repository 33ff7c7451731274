/* The 1D generalised nonlinear diffusion problem du/dt = -D^*(Phi(D u)) of docs/science.md §1 with
   reflecting boundaries: D -> K as a one-channel convolution, so the explicit step is the
   symmetric step of op.h with W = K. */
#include <pdenn/pde.h>

PetscErrorCode PdennDiffusionCreate(MPI_Comm comm, PdennDiffusion *pde)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(pde));
  (*pde)->comm        = comm;
  (*pde)->dim         = 1;
  (*pde)->N           = 256;
  (*pde)->h           = 1.0;
  (*pde)->order       = 1;
  (*pde)->flux.type   = PDENN_FLUX_PERONA_MALIK;
  (*pde)->flux.lambda = 0.1;
  PetscFunctionReturn(0);
}

/* -N is the 1D length, or the side of every axis of an image (default 256) or volume (64);
   -Nx/-Ny/-Nz set one axis. */
static PetscErrorCode GridFromOptions(PetscOptionItems *PetscOptionsObject, PdennDiffusion pde)
{
  static const char *const key[3] = {"-Nx", "-Ny", "-Nz"}, *text[3] = {"Points along x (image width W), -dim 2, 3 (default -N)", "Points along y (image height H), -dim 2, 3 (default -N)", "Points along z (volume depth D), -dim 3 (default -N)"};
  PetscBool                help;

  PetscFunctionBeginUser;
  PetscCall(PdennOptionsInt("-dim", "Dimension of the grid: 1 (signals), 2 (images), 3 (volumes)", pde->dim, 1, 3, &pde->dim, NULL));
  if (pde->dim == 3 && pde->N == 256) pde->N = 64;
  PetscCall(PdennOptionsInt("-N", "Grid points: the 1D signal's length, or with -dim 2, 3 the side of every axis", pde->N, 4, PETSC_MAX_INT, &pde->N, NULL));
  pde->M[0] = pde->N, pde->M[1] = pde->M[2] = 1;
  PetscCall(PdennHelpRequested(&help));
  for (PetscInt a = 0; a < 3; a++) {
    if (a < pde->dim && pde->dim > 1) pde->M[a] = pde->N;
    if ((a < pde->dim && pde->dim > 1) || help) PetscCall(PdennOptionsInt(key[a], text[a], pde->M[a], 2, PETSC_MAX_INT, &pde->M[a], NULL));
  }
  if (pde->dim > 1) pde->N = pde->M[0] * pde->M[1] * pde->M[2];
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionSetFromOptions(PdennDiffusion pde)
{
  PetscInt type;

  PetscFunctionBeginUser;
  PetscOptionsBegin(pde->comm, NULL, "Diffusion problem (docs/science.md section 1)", NULL);
  PetscCall(GridFromOptions(PetscOptionsObject, pde));
  PetscCall(PdennOptionsReal("-h", "Grid spacing (1: pixel units)", pde->h, 1e-12, 1e12, &pde->h, NULL));
  PetscCall(PdennOptionsInt("-order", "Derivative order of D: 1 (gradient, second-order PDE) or 2 (Laplacian, fourth-order PDE)", pde->order, 1, 2, &pde->order, NULL));
  PetscCall(PdennOptionsChoice("-flux", "Flux function Phi(s) = g(s^2) s", PdennFluxTypes, PDENN_FLUX_NTYPES, (PetscInt)pde->flux.type, &type, NULL));
  PetscCall(PdennOptionsReal("-lambda", "Contrast parameter lambda of the diffusivity", pde->flux.lambda, 1e-12, 1e12, &pde->flux.lambda, NULL));
  PetscOptionsEnd();
  pde->flux.type = (PdennFluxType)type;
  /* the isotropic flux sees |K u| >= 0 only, where relu is the identity: linear diffusion in disguise */
  PetscCheck(pde->dim == 1 || pde->flux.type != PDENN_FLUX_RELU, pde->comm, PDENN_ERR_INPUT, "key -flux: relu with -dim %" PetscInt_FMT ": the isotropic flux g(|z|^2) z sees |K u| >= 0 only, where relu is the identity (linear diffusion); expected one of linear, perona_malik, exp_perona_malik, charbonnier, weickert, tanh", pde->dim);
  PetscFunctionReturn(0);
}

/* dim 2, 3: the grid operator of op.h on a DMDA of ghost width `order` (the implicit matrix of
   order 2 couples points two apart); the matrix holds exactly the entries pdenn sets. */
static PetscErrorCode SetUpGrid(PdennDiffusion pde)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate(pde->comm, pde->dim, pde->M, 1, pde->order, &pde->da));
  PetscCall(DMSetMatrixPreallocateOnly(pde->da, PETSC_TRUE));
  PetscCall(PdennGridOpSetUp(&pde->grid, pde->da, pde->order, pde->h));
  if (pde->order == 1) { /* g from |z|^2, as PdennGridOpDiffusivity computes it */
    PetscCall(PdennGridStepCreate(pde->da, pde->h, &pde->gstep));
    PetscCall(PdennGridStepSetDiffusivitySquared(pde->gstep, PETSC_TRUE));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionGridStep(PdennDiffusion pde, Vec gfrozen, PetscReal alpha, PetscReal tau, Vec u, Vec out)
{
  PetscFunctionBeginUser;
  if (pde->gstep) PetscCall(PdennGridStepApply(pde->gstep, pde->flux, gfrozen, alpha, tau, u, out));
  else PetscCall(PdennGridOpStep(&pde->grid, pde->flux, gfrozen, alpha, tau, u, out));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionSetUp(PdennDiffusion pde)
{
  const PetscReal h = pde->h;

  PetscFunctionBeginUser;
  PetscCheck(!pde->da, pde->comm, PETSC_ERR_ORDER, "PdennDiffusionSetUp called twice");
  if (pde->dim > 1) {
    PetscCall(SetUpGrid(pde));
    PetscFunctionReturn(0);
  }
  pde->M[0] = pde->N, pde->M[1] = pde->M[2] = 1;
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
  if ((*pde)->dim > 1) PetscCall(PdennGridOpDestroy(&(*pde)->grid));
  PetscCall(PdennGridStepDestroy(&(*pde)->gstep));
  PetscCall(DMDestroy(&(*pde)->da));
  PetscCall(PetscFree(*pde));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionView(PdennDiffusion pde, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  if (pde->dim > 1) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "diffusion: %" PetscInt_FMT "D grid %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (x, y, z), h = %g, order %" PetscInt_FMT " (K = %s), flux %s (isotropic), lambda = %g\n", pde->dim, pde->M[0], pde->M[1], pde->M[2], (double)pde->h, pde->order, pde->order == 1 ? "gradient" : "Laplacian", PdennFluxTypes[pde->flux.type], (double)pde->flux.lambda));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "diffusion: N = %" PetscInt_FMT ", h = %g, order %" PetscInt_FMT " (D = %s), flux %s, lambda = %g\n", pde->N, (double)pde->h, pde->order, pde->order == 1 ? "d/dx" : "d2/dx2", PdennFluxTypes[pde->flux.type], (double)pde->flux.lambda));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionTauMax(PdennDiffusion pde, PetscReal *tau_max)
{
  const PetscReal L = PdennFluxSectorBound(pde->flux), h2 = pde->h * pde->h;
  const PetscReal d = (PetscReal)pde->dim; /* d = 1: the same operations as before, bitwise */

  PetscFunctionBeginUser;
  /* 2 / (L ||K||^2) with ||K||^2 <= 4d/h^2 (order 1) or (4d)^2/h^4 (order 2), docs/science.md §2 */
  *tau_max = pde->order == 1 ? h2 / (2.0 * d * L) : h2 * h2 / (8.0 * d * d * L);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionExplicitStep(PdennDiffusion pde, PetscReal tau, Vec u, Vec out)
{
  PetscFunctionBeginUser;
  if (pde->dim > 1) PetscCall(PdennDiffusionGridStep(pde, NULL, 1.0, tau, u, out));
  else PetscCall(PdennSymStepApply(&pde->step, tau, u, out, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionResidual(PdennDiffusion pde, Vec u, Vec r)
{
  PetscFunctionBeginUser;
  if (pde->dim > 1) PetscCall(PdennDiffusionGridStep(pde, NULL, 0.0, -1.0, u, r));
  else PetscCall(PdennSymStepResidual(&pde->step, u, r, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionDiffusivity(PdennDiffusion pde, Vec u, Vec g)
{
  PetscReal *ua, *za, *ga;
  PetscInt   n;
  PetscBool  at_left, at_right;
  Vec        z;

  PetscFunctionBeginUser;
  if (pde->dim > 1) {
    PetscCall(PdennGridOpDiffusivity(&pde->grid, pde->flux, u, g));
    PetscFunctionReturn(0);
  }
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
