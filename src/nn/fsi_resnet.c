/* The FSI-ResNet of docs/science.md §3: symmetric blocks with the fast semi-iterative extrapolation skip
   u^{k+1} = alpha_p (u^k - tau_k W_k^T phi_k(W_k u^k)) + (1 - alpha_p) u^{k-1},
   alpha_p = (4p+2)/(2p+3), p = k mod (cycle length), and u^{k-1} := u^k at each cycle start. */
#include "nnimpl.h"

/* alpha of application k and the index of the vector the extrapolation reaches back to */
static void FSICoefficient(PdennModel m, PetscInt k, PetscReal *alpha, PetscInt *prev)
{
  const PetscInt n = m->cycle_length ? m->cycle_length : m->n_blocks, p = k % n;

  *alpha = (4.0 * p + 2.0) / (2.0 * p + 3.0);
  *prev  = p ? k - 1 : k;
}

static PetscErrorCode FSIResnetForward(PdennModel m, Vec x, Vec y)
{
  PdennSymStack *st = (PdennSymStack *)m->data;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(x, st->u[0]));
  for (PetscInt k = 0; k < st->n_apply; k++) {
    PetscReal alpha;
    PetscInt  prev;
    FSICoefficient(m, k, &alpha, &prev);
    const PdennSymStepTape tape = PdennSymStackTape(st, k);
    PetscCall(PdennSymBlockForward(&st->blk[k], m->theta[st->tau_off[k]], st->u[k], st->u[k + 1], &tape));
    PetscCall(VecAXPBY(st->u[k + 1], 1.0 - alpha, alpha, st->u[prev]));
  }
  PetscCall(VecCopy(st->u[st->n_apply], y));
  PetscFunctionReturn(0);
}

/* Gradients flow into u^k through the block (weight alpha) and into u^{k-1} through the skip
   (weight 1 - alpha); processing k downwards, grad[prev] is complete before it is used. */
static PetscErrorCode FSIResnetBackward(PdennModel m, Vec dy, Vec dx, PetscReal dtheta[])
{
  PdennSymStack *st = (PdennSymStack *)m->data;
  Vec            scaled = st->work[0], through = st->work[1];

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < st->n_apply; k++) PetscCall(VecSet(st->grad[k], 0.0));
  PetscCall(VecCopy(dy, st->grad[st->n_apply]));
  for (PetscInt k = st->n_apply - 1; k >= 0; k--) {
    PetscReal alpha;
    PetscInt  prev;
    FSICoefficient(m, k, &alpha, &prev);
    PetscCall(VecAXPBY(scaled, alpha, 0.0, st->grad[k + 1]));
    PetscCall(PdennSymStackBackwardStep(m, k, scaled, 1.0, through, dtheta));
    PetscCall(VecAXPY(st->grad[k], 1.0, through));
    PetscCall(VecAXPY(st->grad[prev], 1.0 - alpha, st->grad[k + 1]));
  }
  if (dx) PetscCall(VecCopy(st->grad[0], dx));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelCreate_FSIResnet(PdennModel m)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStackCreate(m, m->n_blocks, m->n_blocks, 2.0));
  ((PdennSymStack *)m->data)->keep_act = PETSC_TRUE; /* Forward fills phi, phi' on the tape */
  m->ops.forward  = FSIResnetForward;
  m->ops.backward = FSIResnetBackward;
  PetscFunctionReturn(0);
}
