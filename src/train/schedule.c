/* Optimizer keys and learning-rate schedules: constant, step decay per epoch, and cosine
   annealing over the whole run, lr_min + (lr - lr_min) (1 + cos(pi step / total)) / 2. A rate is
   a pure function of (epoch, step), so a resumed run uses exactly the rates of an unbroken one. */
#include <pdenn/train.h>
#include <math.h>

const char *const PdennLRSchedules[] = {"constant", "step", "cosine"};

PetscErrorCode PdennOptimizerParamsDefault(PdennOptimizerParams *p)
{
  PetscFunctionBeginUser;
  p->type         = PDENN_OPTIMIZER_ADAM;
  p->lr           = 1e-3;
  p->momentum     = 0.9;
  p->beta1        = 0.9;
  p->beta2        = 0.999;
  p->epsilon      = 1e-8;
  p->weight_decay = 0.0;
  p->schedule     = PDENN_LR_CONSTANT;
  p->decay_every  = 10;
  p->decay_factor = 0.1;
  p->lr_min       = 0.0;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptimizerParamsSetFromOptions(MPI_Comm comm, PdennOptimizerParams *p)
{
  PetscInt type = (PetscInt)p->type, schedule = (PetscInt)p->schedule;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "pdenn optimizer (docs/training.md)", NULL);
  PetscCall(PdennOptionsChoice("-train_optimizer", "optimizer", PdennOptimizerTypes, PDENN_OPTIMIZER_NTYPES, type, &type, NULL));
  PetscCall(PdennOptionsReal("-train_lr", "base learning rate", p->lr, 0.0, 1e300, &p->lr, NULL));
  PetscCall(PdennOptionsReal("-train_momentum", "SGD momentum", p->momentum, 0.0, 0.999999, &p->momentum, NULL));
  PetscCall(PdennOptionsReal("-train_adam_beta1", "Adam first-moment decay rate", p->beta1, 0.0, 0.999999, &p->beta1, NULL));
  PetscCall(PdennOptionsReal("-train_adam_beta2", "Adam second-moment decay rate", p->beta2, 0.0, 0.999999999, &p->beta2, NULL));
  PetscCall(PdennOptionsReal("-train_adam_epsilon", "Adam denominator guard", p->epsilon, 1e-300, 1.0, &p->epsilon, NULL));
  PetscCall(PdennOptionsReal("-train_weight_decay", "decoupled weight decay (theta -= lr wd theta)", p->weight_decay, 0.0, 1e3, &p->weight_decay, NULL));
  PetscCall(PdennOptionsChoice("-train_lr_schedule", "learning-rate schedule", PdennLRSchedules, PDENN_LR_NTYPES, schedule, &schedule, NULL));
  PetscCall(PdennOptionsInt("-train_lr_decay_every", "step schedule: epochs between decays", p->decay_every, 1, PETSC_MAX_INT, &p->decay_every, NULL));
  PetscCall(PdennOptionsReal("-train_lr_decay_factor", "step schedule: factor applied at each decay", p->decay_factor, 0.0, 1.0, &p->decay_factor, NULL));
  PetscCall(PdennOptionsReal("-train_lr_min", "cosine schedule: final learning rate", p->lr_min, 0.0, 1e300, &p->lr_min, NULL));
  PetscOptionsEnd();
  p->type     = (PdennOptimizerType)type;
  p->schedule = (PdennLRSchedule)schedule;
  PetscCheck(p->schedule != PDENN_LR_COSINE || p->lr_min <= p->lr, comm, PDENN_ERR_INPUT, "key -train_lr_min: value %g exceeds -train_lr %g; expected a final rate <= the base rate", (double)p->lr_min, (double)p->lr);
  PetscFunctionReturn(0);
}

PetscReal PdennLearningRate(const PdennOptimizerParams *p, PetscInt epoch, PetscInt step, PetscInt total_steps)
{
  switch (p->schedule) {
  case PDENN_LR_STEP: return p->lr * pow(p->decay_factor, (double)(epoch / p->decay_every));
  case PDENN_LR_COSINE: {
    const PetscReal progress = total_steps > 0 ? PetscMin((PetscReal)step / (PetscReal)total_steps, 1.0) : 0.0;
    return p->lr_min + 0.5 * (p->lr - p->lr_min) * (1.0 + cos(PETSC_PI * progress));
  }
  default: return p->lr;
  }
}
