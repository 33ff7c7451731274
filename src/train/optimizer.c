/* Optimizers for the replicated parameter array theta: SGD with heavy-ball momentum and Adam
   (Kingma & Ba 2015), both with decoupled weight decay (Loshchilov & Hutter 2019). Every rank
   applies the same update to the same numbers, so theta stays bitwise identical (docs/training.md). */
#include <pdenn/train.h>
#include <math.h>

const char *const PdennOptimizerTypes[] = {"sgd", "adam"};

struct _n_PdennOptimizer {
  PdennOptimizerParams p;
  PetscInt             n;
  PetscInt             nsteps; /* steps taken: Adam's bias correction needs it */
  PetscReal           *m;      /* SGD: momentum buffer; Adam: first moment */
  PetscReal           *v;      /* Adam: second moment; NULL for SGD */
};

PetscErrorCode PdennOptimizerCreate(const PdennOptimizerParams *p, PetscInt n, PdennOptimizer *opt)
{
  PdennOptimizer o;

  PetscFunctionBeginUser;
  PetscCheck(n >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "optimizer for %" PetscInt_FMT " parameters; expected >= 0", n);
  PetscCall(PetscNew(&o));
  o->p = *p;
  o->n = n;
  PetscCall(PetscCalloc1(n, &o->m));
  if (p->type == PDENN_OPTIMIZER_ADAM) PetscCall(PetscCalloc1(n, &o->v));
  *opt = o;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptimizerDestroy(PdennOptimizer *opt)
{
  PetscFunctionBeginUser;
  if (!*opt) PetscFunctionReturn(0);
  PetscCall(PetscFree((*opt)->m));
  PetscCall(PetscFree((*opt)->v));
  PetscCall(PetscFree(*opt));
  PetscFunctionReturn(0);
}

/* b = mu b + g; theta -= lr (b + wd theta) */
static void StepSGD(PetscInt n, PetscReal lr, PetscReal mu, PetscReal wd, const PetscReal *restrict g, PetscReal *restrict b, PetscReal *restrict theta)
{
  for (PetscInt i = 0; i < n; i++) {
    b[i] = mu * b[i] + g[i];
    theta[i] -= lr * (b[i] + wd * theta[i]);
  }
}

/* m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; theta -= lr (mhat / (sqrt(vhat) + eps) + wd theta),
   with mhat = m / (1 - b1^t), vhat = v / (1 - b2^t) after t steps */
static void StepAdam(PetscInt n, PetscReal lr, const PdennOptimizerParams *p, PetscInt t, const PetscReal *restrict g, PetscReal *restrict m, PetscReal *restrict v, PetscReal *restrict theta)
{
  const PetscReal b1 = p->beta1, b2 = p->beta2, eps = p->epsilon, wd = p->weight_decay;
  const PetscReal c1 = 1.0 / (1.0 - pow(b1, (double)t)), c2 = 1.0 / (1.0 - pow(b2, (double)t));

  for (PetscInt i = 0; i < n; i++) {
    m[i] = b1 * m[i] + (1.0 - b1) * g[i];
    v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
    theta[i] -= lr * (m[i] * c1 / (sqrt(v[i] * c2) + eps) + wd * theta[i]);
  }
}

PetscErrorCode PdennOptimizerStep(PdennOptimizer opt, PetscReal lr, const PetscReal grad[], PetscReal theta[])
{
  PetscFunctionBeginUser;
  opt->nsteps++;
  if (opt->p.type == PDENN_OPTIMIZER_SGD)
    StepSGD(opt->n, lr, opt->p.momentum, opt->p.weight_decay, grad, opt->m, theta);
  else
    StepAdam(opt->n, lr, &opt->p, opt->nsteps, grad, opt->m, opt->v, theta);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptimizerGetState(PdennOptimizer opt, PetscInt **nsteps, PetscReal **m, PetscReal **v)
{
  PetscFunctionBeginUser;
  if (nsteps) *nsteps = &opt->nsteps;
  if (m) *m = opt->m;
  if (v) *v = opt->v;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptimizerGetType(PdennOptimizer opt, PdennOptimizerType *type)
{
  PetscFunctionBeginUser;
  *type = opt->p.type;
  PetscFunctionReturn(0);
}
