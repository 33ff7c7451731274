/* What a trained model is made of, for results.h5 and the plots: its parameter groups (theta
   and the named slices of it, nn.h) and its learned activations phi(s) sampled on a grid, to be
   drawn against the classical fluxes of docs/science.md §1 (claim 1: the symmetric network's learned
   activations should look like diffusion fluxes, nonmonotone where edges are to be kept). */
#include "comparepriv.h"
#include <string.h>

#define CURVE_POINTS 201

static PetscErrorCode CurveAlloc(PdennCompareCurve *c, const char label[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(c->label, label, sizeof(c->label)));
  c->n = CURVE_POINTS;
  PetscCall(PetscMalloc2(c->n, &c->s, c->n, &c->phi));
  PetscFunctionReturn(0);
}

/* phi of a symmetric step on [0, s_end]: the table's own domain (and half again, where g is
   constant) for the trainable activation, a few contrast parameters for a fixed flux. On a 2D
   grid the block's group activation g(|z|) z, drawn along a ray: phi(s) = g(s) s, the same
   function of s = |z| (the 2D block keeps no 1D step, so the function comes from its act). */
static PetscErrorCode CurveFromBlock(PdennSymBlock *blk, PdennCompareCurve *c)
{
  PetscReal         s_end = 3.0;
  PdennActivationFn act   = blk->step.act;
  void             *ctx   = blk->step.act_ctx;

  PetscFunctionBeginUser;
  if (blk->dim > 1) PetscCall(PdennActivationGetFn(&blk->act, &act, &ctx));
  if (act == PdennActivationTableApply)
    s_end = 1.5 * ((PdennActivation *)ctx)->s_max;
  else if (act == PdennFluxActivation) {
    const PdennFlux *flux = (const PdennFlux *)ctx;
    if (flux->type >= PDENN_FLUX_PERONA_MALIK && flux->type <= PDENN_FLUX_WEICKERT) s_end = 4.0 * flux->lambda;
  }
  for (PetscInt i = 0; i < c->n; i++) c->s[i] = s_end * i / (c->n - 1);
  PetscCall(act(ctx, c->n, c->s, c->phi, NULL));
  PetscFunctionReturn(0);
}

/* A table group "<owner>/act_g" of a model without symmetric steps: its table evaluated with
   s in units of the table's end s_max (which the model API does not expose). */
static PetscErrorCode CurveFromTable(const PetscReal g[], PetscInt n_nodes, PdennCompareCurve *c)
{
  PdennActivation act;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&act, sizeof(act)));
  act.type    = PDENN_ACTIVATION_TRAINABLE;
  act.n_nodes = n_nodes;
  act.s_max   = 1.0;
  act.bound   = PETSC_MAX_REAL;
  act.g       = g;
  for (PetscInt i = 0; i < c->n; i++) c->s[i] = 1.5 * i / (c->n - 1);
  c->s_relative = PETSC_TRUE;
  PetscCall(PdennActivationTableApply(&act, c->n, c->s, c->phi, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode RecordGroups(PdennModel model, PdennCompareMethod *m)
{
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumGroups(model, &m->n_groups));
  PetscCall(PetscCalloc3(m->n_groups, &m->group_names, m->n_groups, &m->group_offset, m->n_groups, &m->group_size));
  for (PetscInt g = 0; g < m->n_groups; g++) {
    const char     *name;
    PetscInt        ndim, size = 1;
    const PetscInt *shape;
    PetscCall(PdennModelGetGroup(model, g, &name, &m->group_offset[g], &ndim, &shape));
    for (PetscInt d = 0; d < ndim; d++) size *= shape[d];
    m->group_size[g] = size;
    PetscCall(PetscStrallocpy(name, &m->group_names[g]));
  }
  PetscCall(PdennModelGetParameters(model, &theta));
  PetscCall(PetscMalloc1(m->nparams, &m->theta));
  PetscCall(PetscArraycpy(m->theta, theta, m->nparams));
  PetscFunctionReturn(0);
}

static PetscBool HasSymSteps(PdennModelType type)
{
  return (PetscBool)(type == PDENN_MODEL_SYM_RESNET || type == PDENN_MODEL_FSI_RESNET || type == PDENN_MODEL_RECURRENT);
}

PetscErrorCode PdennCompareModelRecord(PdennCompare cmp, PdennModel model, PdennCompareMethod *m)
{
  PdennModelType type;
  PetscInt       n_blocks;

  PetscFunctionBeginUser;
  (void)cmp;
  PetscCall(RecordGroups(model, m));
  PetscCall(PdennModelGetType(model, &type));
  if (HasSymSteps(type)) {
    PetscCall(PdennModelGetNumBlocks(model, &n_blocks));
    PetscCall(PetscCalloc1(n_blocks, &m->curves));
    for (PetscInt k = 0; k < n_blocks; k++) {
      PdennSymBlock *blk; /* its step's phi on a ray: the group activation g(|z|) z in 2D */
      char           label[32];
      PetscCall(PetscSNPrintf(label, sizeof(label), "block%" PetscInt_FMT, k));
      PetscCall(PdennModelGetSymBlock(model, k, &blk));
      PetscCall(CurveAlloc(&m->curves[k], label));
      PetscCall(CurveFromBlock(blk, &m->curves[k]));
    }
    m->n_curves = n_blocks;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscCalloc1(m->n_groups, &m->curves));
  for (PetscInt g = 0; g < m->n_groups; g++) {
    const char *slash = strrchr(m->group_names[g], '/');
    char        label[PDENN_COMPARE_NAME_LEN];
    if (!slash || strcmp(slash + 1, "act_g")) continue;
    PetscCall(PetscStrncpy(label, m->group_names[g], PetscMin(sizeof(label), (size_t)(slash - m->group_names[g]) + 1)));
    PetscCall(CurveAlloc(&m->curves[m->n_curves], label));
    PetscCall(CurveFromTable(m->theta + m->group_offset[g], m->group_size[g], &m->curves[m->n_curves]));
    m->n_curves++;
  }
  PetscFunctionReturn(0);
}
