/* The recurrent network of docs/science.md §4: the fixed-point iteration of the implicit scheme
   v^{l+1} = f - tau W^T phi(W v^l), v^0 = f, l < K, with one weight set shared by all K
   iterations and the input f fed into every one. Each iteration is PdennSymBlockResidual (in 1D
   op.h's PdennSymStepResidual, the classical fixed-point solver's routine; in d > 1 the layers
   of nn.h's d-dimensional block). The projection keeps tau L ||W||^2 <= 1. */
#include "nnimpl.h"

static PetscErrorCode RecurrentForward(PdennModel m, Vec x, Vec y)
{
  PdennSymStack  *st  = (PdennSymStack *)m->data;
  const PetscReal tau = m->theta[st->tau_off[0]];

  PetscFunctionBeginUser;
  PetscCall(VecCopy(x, st->u[0]));
  for (PetscInt l = 0; l < st->n_apply; l++) {
    PetscCall(PdennSymBlockResidual(&st->blk[0], st->u[l], st->r[l], st->z[l]));
    PetscCall(VecWAXPY(st->u[l + 1], -tau, st->r[l], st->u[0]));
  }
  PetscCall(VecCopy(st->u[st->n_apply], y));
  PetscFunctionReturn(0);
}

/* Backpropagation through the K iterations: every iteration hands its gradient to f directly
   and to v^l through J^T (skip 0). */
static PetscErrorCode RecurrentBackward(PdennModel m, Vec dy, Vec dx, PetscReal dtheta[])
{
  PdennSymStack *st = (PdennSymStack *)m->data;
  Vec            df = st->work[0];

  PetscFunctionBeginUser;
  PetscCall(VecSet(df, 0.0));
  PetscCall(VecCopy(dy, st->grad[st->n_apply]));
  for (PetscInt l = st->n_apply - 1; l >= 0; l--) {
    PetscCall(VecAXPY(df, 1.0, st->grad[l + 1]));
    PetscCall(PdennSymStackBackwardStep(m, l, st->grad[l + 1], 0.0, st->grad[l], dtheta));
  }
  PetscCall(VecAXPY(df, 1.0, st->grad[0]));
  if (dx) PetscCall(VecCopy(df, dx));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelCreate_Recurrent(PdennModel m)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSymStackCreate(m, 1, m->iterations, 1.0));
  m->ops.forward  = RecurrentForward;
  m->ops.backward = RecurrentBackward;
  PetscFunctionReturn(0);
}
