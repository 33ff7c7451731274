/* The model's parameters: one flat array theta, replicated on every rank, cut into named groups
   ("block3/W", "block3/tau", "block3/act_g", ...) for checkpoints; counting, deterministic random
   initialisation and the projection that keeps theta admissible (docs/networks.md). */
#include "nnimpl.h"

PetscErrorCode PdennModelAddGroup(PdennModel m, const char owner[], const char param[], PdennGroupKind kind, PetscInt ndim, const PetscInt shape[], PetscInt *offset)
{
  PdennParamGroup *g;

  PetscFunctionBeginUser;
  if (m->n_groups == m->max_groups) {
    m->max_groups = PetscMax(16, 2 * m->max_groups);
    PetscCall(PetscRealloc(sizeof(PdennParamGroup) * m->max_groups, &m->groups));
  }
  g = &m->groups[m->n_groups++];
  PetscCall(PetscSNPrintf(g->name, sizeof(g->name), "%s/%s", owner, param));
  g->kind   = kind;
  g->ndim   = ndim;
  g->size   = 1;
  g->offset = m->n_theta;
  PetscCheck(ndim <= PDENN_MODEL_MAX_GROUP_DIM, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "group %s/%s has %" PetscInt_FMT " dimensions, at most %d", owner, param, ndim, PDENN_MODEL_MAX_GROUP_DIM);
  for (PetscInt d = 0; d < PDENN_MODEL_MAX_GROUP_DIM; d++) g->shape[d] = d < ndim ? shape[d] : 1;
  for (PetscInt d = 0; d < ndim; d++) g->size *= shape[d];
  m->n_theta += g->size;
  *offset = g->offset;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelAddConv(PdennModel m, const char owner[], const char param[], PetscInt c_out, PetscInt c_in, PetscInt *offset)
{
  const PetscInt k                                = 2 * m->radius + 1;
  const PetscInt shape[PDENN_MODEL_MAX_GROUP_DIM] = {c_out, c_in, k, k, k};

  PetscFunctionBeginUser;
  PetscCall(PdennModelAddGroup(m, owner, param, PDENN_GROUP_WEIGHT, 2 + m->dim, shape, offset));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelAddActivation(PdennModel m, const char owner[], PetscInt *offset)
{
  PetscFunctionBeginUser;
  *offset = -1;
  if (m->act.type == PDENN_ACTIVATION_TRAINABLE) PetscCall(PdennModelAddGroup(m, owner, "act_g", PDENN_GROUP_ACT, 1, &m->act.n_nodes, offset));
  PetscFunctionReturn(0);
}

PdennConv1d PdennModelConv(PdennModel m, PetscInt c_in, PetscInt c_out, PetscInt w_offset, PetscInt b_offset)
{
  PdennConv1d conv;

  conv.c_in   = c_in;
  conv.c_out  = c_out;
  conv.radius = m->radius;
  conv.bc     = m->bc;
  conv.w      = m->theta + w_offset;
  conv.b      = b_offset >= 0 ? m->theta + b_offset : NULL;
  return conv;
}

PdennActivation PdennModelActivation(PdennModel m, PetscInt g_offset)
{
  PdennActivation act = m->act;

  act.g = g_offset >= 0 ? m->theta + g_offset : NULL;
  return act;
}

PetscErrorCode PdennModelGetNumParameters(PdennModel m, PetscInt *n)
{
  PetscFunctionBeginUser;
  *n = m->n_theta;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetParameters(PdennModel m, PetscReal **theta)
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  *theta = m->theta;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetNumGroups(PdennModel m, PetscInt *ngroups)
{
  PetscFunctionBeginUser;
  *ngroups = m->n_groups;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetGroup(PdennModel m, PetscInt g, const char **name, PetscInt *offset, PetscInt *ndim, const PetscInt **shape)
{
  PetscFunctionBeginUser;
  PetscCheck(g >= 0 && g < m->n_groups, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "group %" PetscInt_FMT " is not in [0, %" PetscInt_FMT ")", g, m->n_groups);
  if (name) *name = m->groups[g].name;
  if (offset) *offset = m->groups[g].offset;
  if (ndim) *ndim = m->groups[g].ndim;
  if (shape) *shape = m->groups[g].shape;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelGetParameterCounts(PdennModel m, PetscInt *n_weights, PetscInt *n_biases, PetscInt *n_steps, PetscInt *n_act)
{
  PetscInt count[4] = {0, 0, 0, 0};

  PetscFunctionBeginUser;
  for (PetscInt g = 0; g < m->n_groups; g++) count[m->groups[g].kind] += m->groups[g].size;
  if (n_weights) *n_weights = count[PDENN_GROUP_WEIGHT];
  if (n_biases) *n_biases = count[PDENN_GROUP_BIAS];
  if (n_steps) *n_steps = count[PDENN_GROUP_STEP];
  if (n_act) *n_act = count[PDENN_GROUP_ACT];
  PetscFunctionReturn(0);
}

/* Weights uniform in +-1/sqrt(fan_in), biases and step sizes 0 (the architecture sets tau), tables
   the Perona-Malik diffusivity L/(1 + (s/lambda0)^2), lambda0 = s_max/4: a nonmonotone flux to
   start from. Stream g keeps groups independent of each other's sizes. */
PetscErrorCode PdennModelInitRandom(PdennModel m, PetscInt seed)
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  for (PetscInt g = 0; g < m->n_groups; g++) {
    const PdennParamGroup *grp = &m->groups[g];
    PetscReal             *v   = m->theta + grp->offset;
    for (PetscInt i = 0; i < grp->size; i++) {
      if (grp->kind == PDENN_GROUP_WEIGHT) v[i] = PdennRandomUniform(seed, g, i) / PetscSqrtReal((PetscReal)(grp->size / grp->shape[0])); /* fan-in */
      else if (grp->kind == PDENN_GROUP_ACT) {
        const PetscReal s = i * m->act.s_max / (grp->size - 1), lambda0 = 0.25 * m->act.s_max;
        v[i] = m->act.bound / (1.0 + (s * s) / (lambda0 * lambda0));
      } else v[i] = 0.0;
    }
  }
  if (m->ops.init_random) PetscCall(m->ops.init_random(m, seed));
  PetscCall(PdennModelProject(m));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelProject(PdennModel m)
{
  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  for (PetscInt g = 0; g < m->n_groups; g++) {
    if (m->groups[g].kind != PDENN_GROUP_ACT) continue;
    PdennActivation act = PdennModelActivation(m, m->groups[g].offset);
    PetscCall(PdennActivationProject(&act, m->theta + m->groups[g].offset));
  }
  if (m->ops.project) PetscCall(m->ops.project(m));
  PetscFunctionReturn(0);
}
