/* The symmetric ResNet of docs/science.md §2: u^{k+1} = u^k - tau_k W_k^T phi_k(W_k u^k), W_k: 1 -> M
   channels, one weight set per block (half a standard block's), Euclidean stable for every
   theta the projection admits (tau_k <= 2/(L ||W_k||^2)). Forward is the explicit scheme's code. */
#include "nnimpl.h"

static PetscErrorCode SymResnetForward(PdennModel m, Vec x, Vec y)
{
  PdennSymStack *st = (PdennSymStack *)m->data;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(x, st->u[0]));
  for (PetscInt k = 0; k < st->n_apply; k++) {
    const PdennSymStepTape tape = PdennSymStackTape(st, k);
    PetscCall(PdennSymBlockForward(&st->blk[k], m->theta[st->tau_off[k]], st->u[k], st->u[k + 1], &tape));
  }
  PetscCall(VecCopy(st->u[st->n_apply], y));
  PetscFunctionReturn(0);
}

static PetscErrorCode SymResnetBackward(PdennModel m, Vec dy, Vec dx, PetscReal dtheta[])
{
  PdennSymStack *st = (PdennSymStack *)m->data;

  PetscFunctionBeginUser;
  PetscCall(VecCopy(dy, st->grad[st->n_apply]));
  for (PetscInt k = st->n_apply - 1; k >= 0; k--) PetscCall(PdennSymStackBackwardStep(m, k, st->grad[k + 1], 1.0, st->grad[k], dtheta));
  if (dx) PetscCall(VecCopy(st->grad[0], dx));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelCreate_SymResnet(PdennModel m)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStackCreate(m, m->n_blocks, m->n_blocks, 2.0));
  ((PdennSymStack *)m->data)->keep_act = PETSC_TRUE; /* Forward fills phi, phi' on the tape */
  m->ops.forward  = SymResnetForward;
  m->ops.backward = SymResnetBackward;
  PetscFunctionReturn(0);
}
