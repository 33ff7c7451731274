/* What a model reports: its layers (parameter groups) with shapes and counts, and for the
   symmetric-step models each block's step size against its proven stability limit. */
#include "nnimpl.h"

static PetscErrorCode ViewActivation(PdennModel m, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  if (m->act.type == PDENN_ACTIVATION_TRAINABLE) PetscCall(PetscViewerASCIIPrintf(viewer, "activation: trainable phi(s) = g(|s|) s, %" PetscInt_FMT " table values on [0, %g], clipped to [0, %g]\n", m->act.n_nodes, (double)m->act.s_max, (double)m->act.bound));
  else if (m->act.flux.type >= PDENN_FLUX_PERONA_MALIK && m->act.flux.type <= PDENN_FLUX_WEICKERT) PetscCall(PetscViewerASCIIPrintf(viewer, "activation: %s flux, lambda %g, sector bound L = %g\n", PdennFluxTypes[m->act.flux.type], (double)m->act.flux.lambda, (double)PdennActivationSectorBound(&m->act)));
  else PetscCall(PetscViewerASCIIPrintf(viewer, "activation: %s, sector bound L = %g\n", PdennFluxTypes[m->act.flux.type], (double)PdennActivationSectorBound(&m->act)));
  PetscFunctionReturn(0);
}

/* "block0/W                 [4 x 1 x 3] 12": the shape as h5py shows the checkpoint's dataset */
static PetscErrorCode ViewGroup(const PdennParamGroup *grp, PetscViewer viewer)
{
  char   shape[128] = "";
  size_t len;

  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < grp->ndim; d++) {
    PetscCall(PetscStrlen(shape, &len));
    PetscCall(PetscSNPrintf(shape + len, sizeof(shape) - len, "%s%" PetscInt_FMT, d ? " x " : "", grp->shape[d]));
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "%-24s [%s] %" PetscInt_FMT "\n", grp->name, shape, grp->size));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelView(PdennModel m, PetscViewer viewer)
{
  PetscInt nw, nb, ns, na;
  char     grid[96];

  PetscFunctionBeginUser;
  if (m->dim == 1) PetscCall(PetscSNPrintf(grid, sizeof(grid), "N = %" PetscInt_FMT, m->N));
  else PetscCall(PetscSNPrintf(grid, sizeof(grid), "%" PetscInt_FMT "D grid %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (x, y, z)", m->dim, m->M[0], m->M[1], m->M[2]));
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(m->comm, &viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "model %s (prefix %s): %s, %" PetscInt_FMT " channels, kernel radius %" PetscInt_FMT ", bc %s\n", PdennModelTypes[m->type], m->prefix[0] ? m->prefix : "none", grid, m->channels, m->radius, PdennBoundaryTypes[m->bc]));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(ViewActivation(m, viewer));
  if (m->type == PDENN_MODEL_SYM_RESNET || m->type == PDENN_MODEL_RESNET || m->type == PDENN_MODEL_FSI_RESNET) PetscCall(PetscViewerASCIIPrintf(viewer, "blocks: %" PetscInt_FMT "\n", m->n_blocks));
  if (m->type == PDENN_MODEL_FSI_RESNET) PetscCall(PetscViewerASCIIPrintf(viewer, "FSI cycle length: %" PetscInt_FMT "\n", m->cycle_length ? m->cycle_length : m->n_blocks));
  if (m->type == PDENN_MODEL_RECURRENT) PetscCall(PetscViewerASCIIPrintf(viewer, "iterations: %" PetscInt_FMT " (shared weights)\n", m->iterations));
  if (m->type == PDENN_MODEL_UNET || m->type == PDENN_MODEL_MG_UNET) PetscCall(PetscViewerASCIIPrintf(viewer, "levels: %" PetscInt_FMT ", smoothing steps per level: %" PetscInt_FMT "%s\n", m->levels, m->smoothing_steps, m->type == PDENN_MODEL_MG_UNET ? " (P = R^T, post-smoothers = adjoints of the pre-smoothers)" : ""));
  for (PetscInt g = 0; g < m->n_groups; g++) PetscCall(ViewGroup(&m->groups[g], viewer));
  if (m->ops.get_sym_block) {
    PetscInt nbk;
    PetscCall(PdennModelGetNumBlocks(m, &nbk));
    for (PetscInt k = 0; k < nbk; k++) {
      PetscReal b = 0.0, tau = 0.0, tau_max = 0.0;
      PetscCall(PdennModelGetStepBound(m, k, &b, &tau, &tau_max));
      PetscCall(PetscViewerASCIIPrintf(viewer, "block%" PetscInt_FMT ": tau = %g, stability limit %g (||W||^2 <= %g)\n", k, (double)tau, (double)tau_max, (double)b));
    }
  }
  PetscCall(PdennModelGetParameterCounts(m, &nw, &nb, &ns, &na));
  PetscCall(PetscViewerASCIIPrintf(viewer, "trainable parameters: %" PetscInt_FMT " (convolution weights %" PetscInt_FMT ", biases %" PetscInt_FMT ", step sizes %" PetscInt_FMT ", activation values %" PetscInt_FMT ")\n", m->n_theta, nw, nb, ns, na));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetNumBlocks(PdennModel m, PetscInt *n_blocks)
{
  PetscFunctionBeginUser;
  switch (m->type) {
  case PDENN_MODEL_RECURRENT: *n_blocks = 1; break;
  case PDENN_MODEL_UNET:
  case PDENN_MODEL_MG_UNET: *n_blocks = m->levels; break;
  default: *n_blocks = m->n_blocks;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetSymStep(PdennModel m, PetscInt block, PdennSymStep **step)
{
  PdennSymBlock *blk;
  PetscReal     *tau, factor;

  PetscFunctionBeginUser;
  PetscCheck(m->is_setup && m->ops.get_sym_block, m->comm, PETSC_ERR_ARG_WRONG, "model %s has no symmetric steps (or is not set up)", PdennModelTypes[m->type]);
  PetscCheck(m->dim == 1, m->comm, PETSC_ERR_SUP, "model %s on a %" PetscInt_FMT "D grid: its blocks have no 1D step (use PdennModelGetSymBlock)", PdennModelTypes[m->type], m->dim);
  PetscCall(m->ops.get_sym_block(m, block, &blk, &tau, &factor));
  *step = &blk->step;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetSymBlock(PdennModel m, PetscInt block, PdennSymBlock **blk)
{
  PetscReal *tau, factor;

  PetscFunctionBeginUser;
  PetscCheck(m->is_setup && m->ops.get_sym_block, m->comm, PETSC_ERR_ARG_WRONG, "model %s has no symmetric steps (or is not set up)", PdennModelTypes[m->type]);
  PetscCall(m->ops.get_sym_block(m, block, blk, &tau, &factor));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetStepBound(PdennModel m, PetscInt block, PetscReal *norm2_bound, PetscReal *tau, PetscReal *tau_max)
{
  PdennSymBlock *blk;
  PetscReal     *tau_p, factor, b, L;

  PetscFunctionBeginUser;
  PetscCheck(m->is_setup && m->ops.get_sym_block, m->comm, PETSC_ERR_ARG_WRONG, "model %s has no symmetric steps (or is not set up)", PdennModelTypes[m->type]);
  PetscCall(m->ops.get_sym_block(m, block, &blk, &tau_p, &factor));
  if (m->dim == 1) PetscCall(PdennConv1dNormBound(&blk->step.conv, m->N, &b));
  else PetscCall(PdennConvNdNormBound(&blk->conv, m->dim, m->M, &b));
  L = PdennActivationSectorBound(&blk->act);
  if (norm2_bound) *norm2_bound = b;
  if (tau) *tau = *tau_p;
  /* the relative margin 1e-12 covers the rounding in b, so tau L ||W||^2 <= factor is proven */
  if (tau_max) *tau_max = b > 0.0 ? factor / (L * b * (1.0 + 1e-12)) : PETSC_MAX_REAL;
  PetscFunctionReturn(0);
}
