/* Stacks of symmetric steps u - tau_k W_k^T phi_k(W_k u) (docs/science.md §2-4), the common part of the
   symmetric ResNet, the FSI-ResNet and the recurrent (fixed-point) network: parameter groups,
   tape, stability projection tau_k <= c/(L b_k) with the proven b_k >= ||W_k||^2, and the
   classical initialisation W = K, phi = the flux, tau from the scheme. */
#include "nnimpl.h"

static PetscErrorCode StackLayout(PdennModel m)
{
  PdennSymStack *st  = (PdennSymStack *)m->data;
  const PetscInt one = 1;
  char           owner[32];

  PetscFunctionBeginUser;
  PetscCheck(m->channels % m->dim == 0, m->comm, PDENN_ERR_INPUT, "key -%schannels: %" PetscInt_FMT " on a %" PetscInt_FMT "D grid; expected a multiple of %" PetscInt_FMT " (the group activation acts on groups of d channels)", m->prefix, m->channels, m->dim, m->dim);
  PetscCall(PetscMalloc3(st->n_sets, &st->w_off, st->n_sets, &st->tau_off, st->n_sets, &st->g_off));
  for (PetscInt k = 0; k < st->n_sets; k++) {
    PetscCall(PetscSNPrintf(owner, sizeof(owner), "block%" PetscInt_FMT, k));
    PetscCall(PdennModelAddConv(m, owner, "W", m->channels, 1, &st->w_off[k]));
    PetscCall(PdennModelAddGroup(m, owner, "tau", PDENN_GROUP_STEP, 1, &one, &st->tau_off[k]));
    PetscCall(PdennModelAddActivation(m, owner, &st->g_off[k]));
  }
  PetscFunctionReturn(0);
}

/* z = W u on the tape: for recomputing phi in backward, or for a trainable table's gradient */
static PetscBool StackNeedsZ(const PdennSymStack *st)
{
  for (PetscInt k = 0; k < st->n_sets; k++)
    if (!st->keep_act || st->blk[k].act.type == PDENN_ACTIVATION_TRAINABLE) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscErrorCode StackSetUp(PdennModel m)
{
  PdennSymStack *st = (PdennSymStack *)m->data;
  Vec            u1, zM;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(st->n_sets, &st->blk));
  for (PetscInt k = 0; k < st->n_sets; k++) PetscCall(PdennSymBlockSetUp(&st->blk[k], m->da1[0], m->daM[0], PdennModelConv(m, 1, m->channels, st->w_off[k], -1), PdennModelActivation(m, st->g_off[k])));
  PetscCall(DMCreateGlobalVector(m->da1[0], &u1));
  PetscCall(DMCreateGlobalVector(m->daM[0], &zM));
  PetscCall(VecDuplicateVecs(u1, st->n_apply + 1, &st->u));
  PetscCall(VecDuplicateVecs(u1, st->n_apply, &st->r));
  PetscCall(VecDuplicateVecs(u1, st->n_apply + 1, &st->grad));
  /* d > 1: the group Jacobian is not pointwise, so backward always applies it from z; the
     phi' vectors d hold the group scalars g, g'(|z|)/|z| there (PdennGroupActivationApplySave) */
  if (StackNeedsZ(st) || m->dim > 1) PetscCall(VecDuplicateVecs(zM, st->n_apply, &st->z));
  if (st->keep_act) {
    PetscCall(VecDuplicateVecs(zM, st->n_apply, &st->a));
    PetscCall(VecDuplicateVecs(zM, st->n_apply, &st->d));
  }
  PetscCall(VecDuplicate(u1, &st->work[0]));
  PetscCall(VecDuplicate(u1, &st->work[1]));
  PetscCall(VecDestroy(&u1));
  PetscCall(VecDestroy(&zM));
  PetscFunctionReturn(0);
}

static PetscErrorCode StackDestroy(PdennModel m)
{
  PdennSymStack *st = (PdennSymStack *)m->data;

  PetscFunctionBeginUser;
  if (!st) PetscFunctionReturn(0);
  for (PetscInt k = 0; st->blk && k < st->n_sets; k++) PetscCall(PdennSymBlockDestroy(&st->blk[k]));
  PetscCall(PetscFree(st->blk));
  if (st->u) PetscCall(VecDestroyVecs(st->n_apply + 1, &st->u));
  if (st->grad) PetscCall(VecDestroyVecs(st->n_apply + 1, &st->grad));
  if (st->r) PetscCall(VecDestroyVecs(st->n_apply, &st->r));
  if (st->z) PetscCall(VecDestroyVecs(st->n_apply, &st->z));
  if (st->a) PetscCall(VecDestroyVecs(st->n_apply, &st->a));
  if (st->d) PetscCall(VecDestroyVecs(st->n_apply, &st->d));
  PetscCall(VecDestroy(&st->work[0]));
  PetscCall(VecDestroy(&st->work[1]));
  PetscCall(PetscFree3(st->w_off, st->tau_off, st->g_off));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(0);
}

static PetscErrorCode StackGetBlock(PdennModel m, PetscInt k, PdennSymBlock **blk, PetscReal **tau, PetscReal *factor)
{
  PdennSymStack *st = (PdennSymStack *)m->data;

  PetscFunctionBeginUser;
  PetscCheck(k >= 0 && k < st->n_sets, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "block %" PetscInt_FMT " is not in [0, %" PetscInt_FMT ")", k, st->n_sets);
  *blk    = &st->blk[k];
  *tau    = m->theta + st->tau_off[k];
  *factor = st->tau_factor;
  PetscFunctionReturn(0);
}

/* tau_k in [0, tau_max]: the Euclidean stability of docs/science.md §2 (factor 2) or the fixed-point
   condition tau L ||W||^2 <= 1 of §4 (factor 1), whatever the trainer did to W and g. */
static PetscErrorCode StackProject(PdennModel m)
{
  PdennSymStack *st = (PdennSymStack *)m->data;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < st->n_sets; k++) {
    PetscReal *tau = m->theta + st->tau_off[k], tau_max;
    PetscCall(PdennModelGetStepBound(m, k, NULL, NULL, &tau_max));
    *tau = PetscMin(PetscMax(*tau, 0.0), tau_max);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode StackInitRandom(PdennModel m, PetscInt seed)
{
  PdennSymStack *st = (PdennSymStack *)m->data;

  PetscFunctionBeginUser;
  (void)seed;
  for (PetscInt k = 0; k < st->n_sets; k++) {
    PetscReal tau_max;
    PetscCall(PdennModelGetStepBound(m, k, NULL, NULL, &tau_max));
    m->theta[st->tau_off[k]] = 0.5 * tau_max; /* half the limit: room to grow either way */
  }
  PetscFunctionReturn(0);
}

/* Block k's activation becomes the problem's flux: exactly for fixed activations (same
   PdennFluxApply as the scheme), as the table of g((s_j)^2) at the nodes for the trainable one
   (exact at the nodes only, so the trainable network only approximates the scheme). */
static PetscErrorCode ClassicalActivation(PdennModel m, PdennSymStack *st, PetscInt k, PdennFlux flux)
{
  PdennSymBlock *blk = &st->blk[k];

  PetscFunctionBeginUser;
  if (blk->act.type != PDENN_ACTIVATION_TRAINABLE) {
    blk->act.type = flux.type; /* the step keeps calling PdennFluxActivation on &blk->act.flux */
    blk->act.flux = flux;
    m->act.type   = flux.type;
    m->act.flux   = flux;
  } else {
    PetscReal *g = m->theta + st->g_off[k], *s;
    PetscCall(PetscMalloc1(blk->act.n_nodes, &s));
    for (PetscInt j = 0; j < blk->act.n_nodes; j++) s[j] = j * blk->act.s_max / (blk->act.n_nodes - 1);
    PetscCall(PdennFluxDiffusivity(flux, blk->act.n_nodes, s, g));
    PetscCall(PdennActivationProject(&blk->act, g));
    PetscCall(PetscFree(s));
    PetscCall(PetscInfo(NULL, "model %s block %" PetscInt_FMT ": trainable activation set to the %s diffusivity at its nodes (piecewise-linear approximation)\n", PdennModelTypes[m->type], k, PdennFluxTypes[flux.type]));
  }
  PetscFunctionReturn(0);
}

/* Index of kernel offset o in a d-dimensional kernel of radius r (PdennConvNd's order, x fastest) */
static PetscInt KernelIndex(PetscInt dim, PetscInt r, const PetscInt o[3])
{
  const PetscInt kw = 2 * r + 1;

  return (o[0] + r) + kw * ((o[1] + r) + (dim == 3 ? kw * (o[2] + r) : 0));
}

/* d > 1: the scheme's K (docs/science.md §7) as 1 -> M channel kernels of the model's radius:
   order 1 the forward difference -1/h at the centre, +1/h at e_c in channel c < d; order 2 the
   (2d+1)-point Laplacian / h^2 in channel 0. The other channels stay zero: a zero channel adds
   nothing to |z_G| and W^T phi, so the block computes u - tau K^T Phi(K u). */
static PetscErrorCode ClassicalKernelNd(PdennModel m, PdennDiffusion pde, PetscReal w[])
{
  const PetscInt  dim = m->dim, kw = 2 * m->radius + 1, nt = dim == 3 ? kw * kw * kw : kw * kw, o0[3] = {0, 0, 0};
  const PetscReal h = pde->h;

  PetscFunctionBeginUser;
  PetscCheck(m->radius >= 1, m->comm, PDENN_ERR_INPUT, "key -%skernel_radius: 0 is below the radius 1 of the scheme's K", m->prefix);
  PetscCall(PetscArrayzero(w, m->channels * nt));
  if (pde->order == 2) w[KernelIndex(dim, m->radius, o0)] = -2.0 * dim / (h * h);
  for (PetscInt c = 0; c < dim; c++) {
    PetscInt o[3] = {0, 0, 0};
    o[c]          = 1;
    if (pde->order == 1) {
      w[c * nt + KernelIndex(dim, m->radius, o0)] = -1.0 / h;
      w[c * nt + KernelIndex(dim, m->radius, o)]  = 1.0 / h;
    } else {
      w[KernelIndex(dim, m->radius, o)] = 1.0 / (h * h);
      o[c]                              = -1;
      w[KernelIndex(dim, m->radius, o)] = 1.0 / (h * h);
    }
  }
  PetscFunctionReturn(0);
}

/* W_k = K in channel 0 (zero-padded to the model's radius), the other channels zero: they add
   W^T phi(0) = 0, so the block computes u - tau K^T Phi(K u) with the scheme's own routines. */
static PetscErrorCode StackInitClassical(PdennModel m, PdennDiffusion pde, PetscReal tau)
{
  PdennSymStack *st = (PdennSymStack *)m->data;
  const PetscInt r = m->radius, kw = 2 * r + 1, rk = pde->K.radius;

  PetscFunctionBeginUser;
  if (m->dim > 1) {
    for (PetscInt k = 0; k < st->n_sets; k++) {
      PetscCall(ClassicalKernelNd(m, pde, m->theta + st->w_off[k]));
      m->theta[st->tau_off[k]] = tau;
      PetscCall(ClassicalActivation(m, st, k, pde->flux));
    }
    PetscFunctionReturn(0);
  }
  PetscCheck(rk <= r, m->comm, PDENN_ERR_INPUT, "key -%skernel_radius: %" PetscInt_FMT " is below the radius %" PetscInt_FMT " of the scheme's K", m->prefix, r, rk);
  for (PetscInt k = 0; k < st->n_sets; k++) {
    PetscReal *w = m->theta + st->w_off[k];
    PetscCall(PetscArrayzero(w, m->channels * kw));
    for (PetscInt o = -rk; o <= rk; o++) w[o + r] = pde->K.w[o + rk];
    m->theta[st->tau_off[k]] = tau;
    PetscCall(ClassicalActivation(m, st, k, pde->flux));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStackCreate(PdennModel m, PetscInt n_sets, PetscInt n_apply, PetscReal tau_factor)
{
  PdennSymStack *st;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&st));
  st->n_sets            = n_sets;
  st->n_apply           = n_apply;
  st->tau_factor        = tau_factor;
  m->data               = st;
  m->ops.layout         = StackLayout;
  m->ops.setup          = StackSetUp;
  m->ops.destroy        = StackDestroy;
  m->ops.project        = StackProject;
  m->ops.init_random    = StackInitRandom;
  m->ops.init_classical = StackInitClassical;
  m->ops.get_sym_block  = StackGetBlock;
  m->ops.nd             = PETSC_TRUE; /* the blocks take the dimension from their DMDA */
  PetscFunctionReturn(0);
}

PdennSymStepTape PdennSymStackTape(PdennSymStack *st, PetscInt a)
{
  PdennSymStepTape t = {NULL, NULL, NULL, st->r[a]};

  if (st->keep_act) {
    t.phi  = st->a[a];
    t.dphi = st->d ? st->d[a] : NULL;
  }
  /* with phi and phi' kept, only a trainable activation's parameter gradient reads z (d > 1:
     the group Jacobian needs z, the backward pass always reads it) */
  if (st->z && (!st->keep_act || !st->d || st->blk[a % st->n_sets].dim > 1 || st->blk[a % st->n_sets].act.type == PDENN_ACTIVATION_TRAINABLE)) t.z = st->z[a];
  return t;
}

PetscErrorCode PdennSymStackBackwardStep(PdennModel m, PetscInt a, Vec dy, PetscReal skip, Vec du, PetscReal dtheta[])
{
  PdennSymStack         *st   = (PdennSymStack *)m->data;
  const PetscInt         k    = a % st->n_sets;
  const PdennSymStepTape tape = PdennSymStackTape(st, a);

  PetscFunctionBeginUser;
  PetscCall(PdennSymBlockBackward(&st->blk[k], m->theta[st->tau_off[k]], st->u[a], &tape, dy, skip, du, dtheta ? dtheta + st->w_off[k] : NULL, dtheta ? dtheta + st->tau_off[k] : NULL, dtheta && st->g_off[k] >= 0 ? dtheta + st->g_off[k] : NULL));
  PetscFunctionReturn(0);
}
