/* PdennModel: life cycle, deck keys and dispatch to one file per architecture (nnimpl.h).
   Keys (under the model's prefix) are read only where the chosen type uses them, so an
   inapplicable key is reported by PdennDeckCheckUnused; with -help every key is listed. */
#include "nnimpl.h"

const char *const PdennModelTypes[] = {"sym_resnet", "resnet", "fsi_resnet", "recurrent", "unet", "mg_unet"};

PetscErrorCode PdennModelCreate(MPI_Comm comm, const char prefix[], PdennModel *model)
{
  PdennModel m;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&m));
  m->comm            = comm;
  m->type            = PDENN_MODEL_SYM_RESNET;
  m->n_blocks        = 4;
  m->channels        = 4;
  m->radius          = 1;
  m->levels          = 3;
  m->smoothing_steps = 2;
  m->iterations      = 5;
  m->cycle_length    = 0;
  m->bc              = PDENN_BC_REFLECT;
  m->act.type        = PDENN_FLUX_TANH;
  m->act.flux.type   = PDENN_FLUX_TANH;
  m->act.flux.lambda = 0.1;
  m->act.n_nodes     = 16;
  m->act.s_max       = 1.0;
  m->act.bound       = 1.0;
  if (prefix) PetscCall(PetscStrncpy(m->prefix, prefix, sizeof(m->prefix)));
  *model = m;
  PetscFunctionReturn(0);
}

static PetscBool Uses(PdennModel m, PetscBool help, PetscInt mask)
{
  return (PetscBool)(help || (mask >> m->type) & 1);
}
#define TYPES_BLOCKS ((1 << PDENN_MODEL_SYM_RESNET) | (1 << PDENN_MODEL_RESNET) | (1 << PDENN_MODEL_FSI_RESNET))
#define TYPES_UNET   ((1 << PDENN_MODEL_UNET) | (1 << PDENN_MODEL_MG_UNET))

static PetscErrorCode ActivationOptions(PetscOptionItems *PetscOptionsObject, PdennModel m, PetscBool help)
{
  PetscInt type = m->act.type;

  PetscFunctionBeginUser;
  PetscCall(PdennOptionsChoice("-activation", "Activation phi (a flux of docs/science.md section 1, relu, tanh, or the trainable flux g(|s|) s)", PdennActivationTypes, PDENN_ACTIVATION_TRAINABLE + 1, type, &type, NULL));
  m->act.type = type;
  if (type < PDENN_ACTIVATION_TRAINABLE) m->act.flux.type = (PdennFluxType)type;
  if (help || (type >= PDENN_FLUX_PERONA_MALIK && type <= PDENN_FLUX_WEICKERT)) PetscCall(PdennOptionsReal("-act_lambda", "Contrast parameter lambda of a flux activation", m->act.flux.lambda, 1e-12, 1e12, &m->act.flux.lambda, NULL));
  if (help || type == PDENN_ACTIVATION_TRAINABLE) {
    PetscCall(PdennOptionsInt("-act_nodes", "Values of the trainable diffusivity table g on [0, act_smax]", m->act.n_nodes, 2, 4096, &m->act.n_nodes, NULL));
    PetscCall(PdennOptionsReal("-act_smax", "End of the table's domain; g is constant beyond it", m->act.s_max, 1e-12, 1e12, &m->act.s_max, NULL));
    PetscCall(PdennOptionsReal("-act_bound", "Sector bound L: table values are kept in [0, L]", m->act.bound, 1e-12, 1e12, &m->act.bound, NULL));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelSetFromOptions(PdennModel m)
{
  PetscBool help;
  PetscInt  type = m->type, bc = m->bc;

  PetscFunctionBeginUser;
  PetscCheck(!m->is_setup, m->comm, PETSC_ERR_ORDER, "PdennModelSetFromOptions after PdennModelSetUp");
  PetscCall(PdennHelpRequested(&help));
  PetscOptionsBegin(m->comm, m->prefix[0] ? m->prefix : NULL, "Network model (docs/networks.md)", NULL);
  PetscCall(PdennOptionsChoice("-model_type", "Network architecture", PdennModelTypes, PDENN_MODEL_NTYPES, type, &type, NULL));
  m->type = (PdennModelType)type;
  if (Uses(m, help, TYPES_BLOCKS)) PetscCall(PdennOptionsInt("-blocks", "Residual blocks", m->n_blocks, 1, 100000, &m->n_blocks, NULL));
  if (Uses(m, help, 1 << PDENN_MODEL_FSI_RESNET)) PetscCall(PdennOptionsInt("-cycle_length", "FSI cycle length in blocks (0: all blocks form one cycle)", m->cycle_length, 0, 100000, &m->cycle_length, NULL));
  if (Uses(m, help, 1 << PDENN_MODEL_RECURRENT)) PetscCall(PdennOptionsInt("-iterations", "Fixed-point iterations of the recurrent network", m->iterations, 1, 100000, &m->iterations, NULL));
  if (Uses(m, help, TYPES_UNET)) {
    PetscCall(PdennOptionsInt("-levels", "U-net levels (grids N, N/2, ...)", m->levels, 1, 20, &m->levels, NULL));
    PetscCall(PdennOptionsInt("-smoothing_steps", "Smoothing layers per level before and after the coarse correction", m->smoothing_steps, 1, 1000, &m->smoothing_steps, NULL));
  }
  PetscCall(PdennOptionsInt("-channels", "Channels (filters) M of the convolutions", m->channels, 1, 64, &m->channels, NULL));
  PetscCall(PdennOptionsInt("-kernel_radius", "Kernel radius r (width 2r+1)", m->radius, 1, 64, &m->radius, NULL));
  PetscCall(PdennOptionsChoice("-bc", "Boundary rule of the convolutions", PdennBoundaryTypes, 2, bc, &bc, NULL));
  m->bc = (PdennBoundary)bc;
  PetscCall(ActivationOptions(PetscOptionsObject, m, help));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

static PetscErrorCode ModelSetType(PdennModel m)
{
  PetscFunctionBeginUser;
  switch (m->type) {
  case PDENN_MODEL_SYM_RESNET: PetscCall(PdennModelCreate_SymResnet(m)); break;
  case PDENN_MODEL_RESNET: PetscCall(PdennModelCreate_Resnet(m)); break;
  case PDENN_MODEL_FSI_RESNET: PetscCall(PdennModelCreate_FSIResnet(m)); break;
  case PDENN_MODEL_RECURRENT: PetscCall(PdennModelCreate_Recurrent(m)); break;
  case PDENN_MODEL_UNET:
  case PDENN_MODEL_MG_UNET: PetscCall(PdennModelCreate_UNet(m)); break;
  default: SETERRQ(m->comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown model type %d", (int)m->type);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelSetUp(PdennModel m, PetscInt N)
{
  const PetscInt M[3] = {N, 1, 1};

  PetscFunctionBeginUser;
  PetscCall(PdennModelSetUpGrid(m, 1, M));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelSetUpGrid(PdennModel m, PetscInt dim, const PetscInt M[3])
{
  PetscFunctionBeginUser;
  PetscCheck(!m->is_setup, m->comm, PETSC_ERR_ORDER, "PdennModelSetUp called twice");
  PetscCheck(dim >= 1 && dim <= 3, m->comm, PDENN_ERR_INPUT, "key -dim: %" PetscInt_FMT "; expected 1, 2 or 3", dim);
  m->dim = dim;
  m->N   = 1;
  for (PetscInt d = 0; d < 3; d++) {
    m->M[d] = d < dim ? M[d] : 1;
    m->N *= m->M[d];
  }
  m->n_grids = (m->type == PDENN_MODEL_UNET || m->type == PDENN_MODEL_MG_UNET) ? m->levels : 1;
  PetscCall(PetscCalloc2(m->n_grids, &m->da1, m->n_grids, &m->daM));
  if (dim == 1) PetscCall(PdennNNGridCreate(m->comm, m->N, m->n_grids, m->radius, m->channels, m->da1, m->daM));
  else PetscCall(PdennNNGridCreateNd(m->comm, dim, m->M, m->n_grids, m->radius, m->channels, m->da1, m->daM));
  PetscCall(ModelSetType(m));
  PetscCheck(dim == 1 || m->ops.nd, m->comm, PDENN_ERR_INPUT, "key -%smodel_type: %s is not available on %" PetscInt_FMT "D grids", m->prefix, PdennModelTypes[m->type], dim);
  PetscCall(m->ops.layout(m));
  PetscCall(PetscCalloc1(PetscMax(m->n_theta, 1), &m->theta));
  PetscCall(m->ops.setup(m));
  m->is_setup = PETSC_TRUE;
  PetscCall(PdennModelInitRandom(m, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetGrid(PdennModel m, PetscInt *dim, PetscInt M[3])
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  if (dim) *dim = m->dim;
  if (M)
    for (PetscInt d = 0; d < 3; d++) M[d] = m->M[d];
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelDestroy(PdennModel *model)
{
  PdennModel m = *model;

  PetscFunctionBeginUser;
  if (!m) PetscFunctionReturn(0);
  if (m->ops.destroy) PetscCall(m->ops.destroy(m));
  for (PetscInt l = 0; l < m->n_grids; l++) {
    PetscCall(DMDestroy(&m->da1[l]));
    PetscCall(DMDestroy(&m->daM[l]));
  }
  PetscCall(PetscFree2(m->da1, m->daM));
  PetscCall(PetscFree(m->theta));
  PetscCall(PetscFree(m->groups));
  PetscCall(PetscFree(m));
  *model = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetType(PdennModel m, PdennModelType *type)
{
  PetscFunctionBeginUser;
  *type = m->type;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetDM(PdennModel m, DM *da)
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  *da = m->da1[0];
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelForward(PdennModel m, Vec x, Vec y)
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  PetscCall(m->ops.forward(m, x, y));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelBackward(PdennModel m, Vec dy, Vec dx, PetscReal dtheta[])
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  PetscCall(m->ops.backward(m, dy, dx, dtheta));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelInitClassical(PdennModel m, PdennDiffusion pde, PetscReal tau)
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  PetscCheck(m->ops.init_classical, m->comm, PDENN_ERR_INPUT, "key -%smodel_type: %s has no classical-scheme initialisation; expected sym_resnet, fsi_resnet or recurrent", m->prefix, PdennModelTypes[m->type]);
  PetscCheck(pde->dim == m->dim, m->comm, PDENN_ERR_INPUT, "key -dim: the problem is %" PetscInt_FMT "D, the model %" PetscInt_FMT "D", pde->dim, m->dim);
  for (PetscInt d = 0; d < m->dim; d++) PetscCheck(pde->M[d] == m->M[d], m->comm, PDENN_ERR_INPUT, "key %s: the problem has %" PetscInt_FMT " points along axis %c, the model %" PetscInt_FMT, m->dim == 1 ? "-N" : "-Nx/-Ny/-Nz", pde->M[d], "xyz"[d], m->M[d]);
  PetscCheck(m->bc == PDENN_BC_REFLECT, m->comm, PDENN_ERR_INPUT, "key -%sbc: zero; the classical scheme's K needs reflect", m->prefix);
  PetscCheck(tau >= 0.0, m->comm, PDENN_ERR_INPUT, "key -tau: %g; expected a step size >= 0", (double)tau);
  PetscCall(m->ops.init_classical(m, pde, tau));
  PetscFunctionReturn(0);
}
