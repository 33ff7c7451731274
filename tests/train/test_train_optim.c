/* Optimizers and learning-rate schedules against steps computed by hand (values in comments;
   Adam's two steps also checked in double precision with Python). Tolerance 1e-14: the same
   formulas in double precision, only the rounding of a few operations may differ. */
#include <pdenn/core.h>
#include <pdenn/train.h>

static PetscErrorCode CheckClose(const char what[], PetscReal got, PetscReal want, PetscReal tol)
{
  PetscFunctionBeginUser;
  PetscCheck(PetscAbsReal(got - want) <= tol * PetscMax(1.0, PetscAbsReal(want)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: got %.17g, expected %.17g", what, (double)got, (double)want);
  PetscFunctionReturn(0);
}

static const PetscReal grads[2][2] = {
    {0.5, 1.0},
    {-1.0, 0.25}};

/* mu 0.9, lr 0.1, wd 0.01, theta (1, -2):
   step 1: b = g1 = (0.5, 1);      theta = (1 - 0.1 (0.5 + 0.01), -2 - 0.1 (1 - 0.02)) = (0.949, -2.098)
   step 2: b = 0.9 b + g2 = (-0.55, 1.15);
           theta = (0.949 - 0.1 (-0.55 + 0.00949), -2.098 - 0.1 (1.15 - 0.02098)) = (1.003051, -2.210902) */
static PetscErrorCode TestSGD(void)
{
  PdennOptimizerParams p;
  PdennOptimizer       opt;
  PetscReal            theta[2] = {1.0, -2.0}, *m, *v;
  PetscInt            *nsteps;

  PetscFunctionBeginUser;
  PetscCall(PdennOptimizerParamsDefault(&p));
  p.type         = PDENN_OPTIMIZER_SGD;
  p.momentum     = 0.9;
  p.weight_decay = 0.01;
  PetscCall(PdennOptimizerCreate(&p, 2, &opt));
  PetscCall(PdennOptimizerStep(opt, 0.1, grads[0], theta));
  PetscCall(CheckClose("sgd step 1 theta[0]", theta[0], 0.949, 1e-14));
  PetscCall(CheckClose("sgd step 1 theta[1]", theta[1], -2.098, 1e-14));
  PetscCall(PdennOptimizerStep(opt, 0.1, grads[1], theta));
  PetscCall(CheckClose("sgd step 2 theta[0]", theta[0], 1.003051, 1e-14));
  PetscCall(CheckClose("sgd step 2 theta[1]", theta[1], -2.210902, 1e-14));
  PetscCall(PdennOptimizerGetState(opt, &nsteps, &m, &v));
  PetscCheck(*nsteps == 2 && !v, PETSC_COMM_SELF, PETSC_ERR_PLIB, "sgd state: %" PetscInt_FMT " steps, second moment %p", *nsteps, (void *)v);
  PetscCall(CheckClose("sgd momentum buffer", m[1], 1.15, 1e-14));
  PetscCall(PdennOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

/* lr 0.01, betas 0.9/0.999, eps 1e-8, wd 0.001, theta (1, -2):
   step 1: m = (0.05, 0.1), v = (2.5e-4, 1e-3), mhat = g1, vhat = g1^2, so
           theta0 = 1 - 0.01 (0.5 / (0.5 + 1e-8) + 0.001) = 0.9899900002 (to 10 digits)
   step 2: m = (-0.055, 0.115), v = (1.24975e-3, 1.0615e-3), corrections 1/0.19 and 1/0.001999 */
static PetscErrorCode TestAdam(void)
{
  PdennOptimizerParams p;
  PdennOptimizer       opt;
  PetscReal            theta[2] = {1.0, -2.0}, *m, *v;
  PetscInt            *nsteps;

  PetscFunctionBeginUser;
  PetscCall(PdennOptimizerParamsDefault(&p));
  p.weight_decay = 0.001;
  PetscCall(PdennOptimizerCreate(&p, 2, &opt));
  PetscCall(PdennOptimizerStep(opt, 0.01, grads[0], theta));
  PetscCall(CheckClose("adam step 1 theta[0]", theta[0], 0.9899900001999999, 1e-14));
  PetscCall(CheckClose("adam step 1 theta[1]", theta[1], -2.0099799999, 1e-14));
  PetscCall(PdennOptimizerStep(opt, 0.01, grads[1], theta));
  PetscCall(PdennOptimizerGetState(opt, &nsteps, &m, &v));
  PetscCall(CheckClose("adam step 2 m[0]", m[0], -0.055, 1e-14));
  PetscCall(CheckClose("adam step 2 v[1]", v[1], 1.0615e-3, 1e-14));
  PetscCall(CheckClose("adam step 2 theta[0]", theta[0], 0.9936411355240545, 1e-14));
  PetscCall(CheckClose("adam step 2 theta[1]", theta[1], -2.018265875322774, 1e-14));
  PetscCall(PdennOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

/* step: lr 0.1 halved every 2 epochs; cosine: from 1 to 0.1 over 10 steps, 0.55 half way */
static PetscErrorCode TestSchedules(void)
{
  PdennOptimizerParams p;

  PetscFunctionBeginUser;
  PetscCall(PdennOptimizerParamsDefault(&p));
  p.lr = 0.1;
  PetscCall(CheckClose("constant", PdennLearningRate(&p, 7, 70, 100), 0.1, 1e-15));
  p.schedule     = PDENN_LR_STEP;
  p.decay_every  = 2;
  p.decay_factor = 0.5;
  PetscCall(CheckClose("step epoch 1", PdennLearningRate(&p, 1, 5, 100), 0.1, 1e-15));
  PetscCall(CheckClose("step epoch 2", PdennLearningRate(&p, 2, 5, 100), 0.05, 1e-15));
  PetscCall(CheckClose("step epoch 5", PdennLearningRate(&p, 5, 5, 100), 0.025, 1e-15));
  p.schedule = PDENN_LR_COSINE;
  p.lr       = 1.0;
  p.lr_min   = 0.1;
  PetscCall(CheckClose("cosine start", PdennLearningRate(&p, 0, 0, 10), 1.0, 1e-15));
  PetscCall(CheckClose("cosine middle", PdennLearningRate(&p, 0, 5, 10), 0.55, 1e-15));
  PetscCall(CheckClose("cosine end", PdennLearningRate(&p, 0, 10, 10), 0.1, 1e-15));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(TestSGD());
  PetscCall(TestAdam());
  PetscCall(TestSchedules());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "optimizers and schedules: OK\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
