/* The standard ResNet of docs/science.md §2: u^{k+1} = u^k + W2_k sigma_k(W1_k u^k + b1_k) + b2_k with
   independent W1_k: 1 -> M and W2_k: M -> 1 (twice the symmetric block's weights) and biases.
   The baseline the symmetric ResNet is compared with; no stability constraint. The same code on
   1D, 2D and 3D grids (the convolution layers dispatch on the DMDA's dimension). */
#include "nnimpl.h"

typedef struct {
  PdennConvLayer  *W1, *W2;
  PdennActivation *act;
  PetscInt        *w1_off, *b1_off, *w2_off, *b2_off, *g_off;
  Vec             *u, *z, *a, *d, *grad; /* tape: u[0..n], z, a = sigma(z), d = sigma'(z) (dof M); gradients */
  Vec              dz;               /* work (dof M) */
} Resnet;

static PetscErrorCode ResnetLayout(PdennModel m)
{
  Resnet        *net = (Resnet *)m->data;
  const PetscInt n = m->n_blocks, M = m->channels, one = 1;
  char           owner[32];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc5(n, &net->w1_off, n, &net->b1_off, n, &net->w2_off, n, &net->b2_off, n, &net->g_off));
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(PetscSNPrintf(owner, sizeof(owner), "block%" PetscInt_FMT, k));
    PetscCall(PdennModelAddConv(m, owner, "W1", M, 1, &net->w1_off[k]));
    PetscCall(PdennModelAddGroup(m, owner, "b1", PDENN_GROUP_BIAS, 1, &M, &net->b1_off[k]));
    PetscCall(PdennModelAddConv(m, owner, "W2", 1, M, &net->w2_off[k]));
    PetscCall(PdennModelAddGroup(m, owner, "b2", PDENN_GROUP_BIAS, 1, &one, &net->b2_off[k]));
    PetscCall(PdennModelAddActivation(m, owner, &net->g_off[k]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ResnetSetUp(PdennModel m)
{
  Resnet        *net = (Resnet *)m->data;
  const PetscInt n = m->n_blocks, M = m->channels;
  Vec            u1;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc3(n, &net->W1, n, &net->W2, n, &net->act));
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(PdennConvLayerSetUp(&net->W1[k], m->da1[0], m->daM[0], PdennModelConv(m, 1, M, net->w1_off[k], net->b1_off[k])));
    PetscCall(PdennConvLayerSetUp(&net->W2[k], m->daM[0], m->da1[0], PdennModelConv(m, M, 1, net->w2_off[k], net->b2_off[k])));
    net->act[k] = PdennModelActivation(m, net->g_off[k]);
  }
  PetscCall(DMCreateGlobalVector(m->da1[0], &u1));
  PetscCall(DMCreateGlobalVector(m->daM[0], &net->dz));
  PetscCall(VecDuplicateVecs(u1, n + 1, &net->u));
  PetscCall(VecDuplicateVecs(u1, n + 1, &net->grad));
  PetscCall(VecDuplicateVecs(net->dz, n, &net->z));
  PetscCall(VecDuplicateVecs(net->dz, n, &net->a));
  PetscCall(VecDuplicateVecs(net->dz, n, &net->d));
  PetscCall(VecDestroy(&u1));
  PetscFunctionReturn(0);
}

static PetscErrorCode ResnetDestroy(PdennModel m)
{
  Resnet        *net = (Resnet *)m->data;
  const PetscInt n   = m->n_blocks;

  PetscFunctionBeginUser;
  if (!net) PetscFunctionReturn(0);
  for (PetscInt k = 0; net->W1 && k < n; k++) {
    PetscCall(PdennConvLayerDestroy(&net->W1[k]));
    PetscCall(PdennConvLayerDestroy(&net->W2[k]));
  }
  PetscCall(PetscFree3(net->W1, net->W2, net->act));
  if (net->u) PetscCall(VecDestroyVecs(n + 1, &net->u));
  if (net->grad) PetscCall(VecDestroyVecs(n + 1, &net->grad));
  if (net->z) PetscCall(VecDestroyVecs(n, &net->z));
  if (net->a) PetscCall(VecDestroyVecs(n, &net->a));
  if (net->d) PetscCall(VecDestroyVecs(n, &net->d));
  PetscCall(VecDestroy(&net->dz));
  PetscCall(PetscFree5(net->w1_off, net->b1_off, net->w2_off, net->b2_off, net->g_off));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(0);
}

static PetscErrorCode ResnetForward(PdennModel m, Vec x, Vec y)
{
  Resnet *net = (Resnet *)m->data;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(x, net->u[0]));
  for (PetscInt k = 0; k < m->n_blocks; k++) {
    PetscCall(PdennConvLayerForward(&net->W1[k], net->u[k], net->z[k]));
    PetscCall(PdennActivationForwardVec(&net->act[k], net->z[k], net->a[k], net->d[k]));
    PetscCall(PdennConvLayerForward(&net->W2[k], net->a[k], net->u[k + 1]));
    PetscCall(VecAXPY(net->u[k + 1], 1.0, net->u[k]));
  }
  PetscCall(VecCopy(net->u[m->n_blocks], y));
  PetscFunctionReturn(0);
}

static PetscErrorCode ResnetBackward(PdennModel m, Vec dy, Vec dx, PetscReal dtheta[])
{
  Resnet *net = (Resnet *)m->data;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(dy, net->grad[m->n_blocks]));
  for (PetscInt k = m->n_blocks - 1; k >= 0; k--) {
    Vec g = net->grad[k + 1];
    PetscCall(PdennConvLayerBackward(&net->W2[k], net->a[k], g, net->dz, dtheta ? dtheta + net->w2_off[k] : NULL, dtheta ? dtheta + net->b2_off[k] : NULL));
    PetscCall(PdennActivationBackwardVec(&net->act[k], net->z[k], net->d[k], net->dz, dtheta && net->g_off[k] >= 0 ? dtheta + net->g_off[k] : NULL));
    PetscCall(PdennConvLayerBackward(&net->W1[k], net->u[k], net->dz, net->grad[k], dtheta ? dtheta + net->w1_off[k] : NULL, dtheta ? dtheta + net->b1_off[k] : NULL));
    PetscCall(VecAXPY(net->grad[k], 1.0, g));
  }
  if (dx) PetscCall(VecCopy(net->grad[0], dx));
  PetscFunctionReturn(0);
}

/* W2 starts at a tenth of the generic scale, so every block starts close to the identity. */
static PetscErrorCode ResnetInitRandom(PdennModel m, PetscInt seed)
{
  Resnet        *net = (Resnet *)m->data;
  const PetscInt nt  = PetscPowInt(2 * m->radius + 1, m->dim); /* kernel points */

  PetscFunctionBeginUser;
  (void)seed;
  for (PetscInt k = 0; k < m->n_blocks; k++)
    for (PetscInt i = 0; i < m->channels * nt; i++) m->theta[net->w2_off[k] + i] *= 0.1;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelCreate_Resnet(PdennModel m)
{
  Resnet *net;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&net));
  m->data            = net;
  m->ops.layout      = ResnetLayout;
  m->ops.setup       = ResnetSetUp;
  m->ops.destroy     = ResnetDestroy;
  m->ops.forward     = ResnetForward;
  m->ops.backward    = ResnetBackward;
  m->ops.init_random = ResnetInitRandom;
  m->ops.nd          = PETSC_TRUE; /* the layers read the dimension from the DMDAs */
  PetscFunctionReturn(0);
}
