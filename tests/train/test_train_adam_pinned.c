/* Adam (src/train/optimizer.c) against a reference computed here step by step from its
   definition in docs/training.md (Kingma & Ba with bias correction, decoupled weight decay):
   m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, mhat = m / (1 - b1^t), vhat = v / (1 - b2^t),
   theta -= lr (mhat / (sqrt(vhat) + eps) + wd theta), with b^t kept as a running product.
   Three parameters, six steps of given gradients (signs change, one gradient is zero, magnitudes
   span 1e-4..3) and a learning rate that changes per step, for the default hyperparameters and
   for b1 0.8, b2 0.99, eps 1e-3, wd 0.05. Also the first step's closed form with wd = 0:
   theta_1 = theta_0 - lr g / (|g| + eps). Tolerance 1e-14 relative (max(|value|, 1)). */
#include <pdenn/core.h>
#include <pdenn/train.h>

#define NP 3
#define NS 6

static const PetscReal grads[NS][NP] = {
    {0.5, -3.0, 1e-4},
    {-1.0, 0.25, 2e-4},
    {0.0, -2.0, -1e-4},
    {0.75, 0.0, 3e-4},
    {-0.1, 1.5, 0.0},
    {2.0, -0.125, -5e-4}};
static const PetscReal rates[NS] = {0.01, 0.02, 0.005, 0.01, 0.03, 0.001};

static PetscErrorCode CheckClose(const char what[], PetscInt step, PetscInt i, PetscReal got, PetscReal want)
{
  PetscFunctionBeginUser;
  PetscCheck(PetscAbsReal(got - want) <= 1e-14 * PetscMax(1.0, PetscAbsReal(want)), PETSC_COMM_SELF, PETSC_ERR_PLIB, "adam %s after step %" PetscInt_FMT ", parameter %" PetscInt_FMT ": %.17g, reference %.17g", what, step, i, (double)got, (double)want);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckAdam(PetscReal b1, PetscReal b2, PetscReal eps, PetscReal wd)
{
  PdennOptimizerParams p;
  PdennOptimizer       opt;
  PetscReal            theta[NP] = {1.0, -2.0, 0.3}, ref[NP] = {1.0, -2.0, 0.3}, m[NP] = {0}, v[NP] = {0}, b1t = 1.0, b2t = 1.0;
  PetscReal           *om, *ov;
  PetscInt            *nsteps;

  PetscFunctionBeginUser;
  PetscCall(PdennOptimizerParamsDefault(&p));
  PetscCheck(p.type == PDENN_OPTIMIZER_ADAM, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the default optimizer is not adam");
  p.beta1 = b1, p.beta2 = b2, p.epsilon = eps, p.weight_decay = wd;
  PetscCall(PdennOptimizerCreate(&p, NP, &opt));
  for (PetscInt t = 1; t <= NS; t++) {
    const PetscReal *g = grads[t - 1], lr = rates[t - 1];
    b1t *= b1, b2t *= b2;
    for (PetscInt i = 0; i < NP; i++) {
      const PetscReal decay = wd * ref[i];
      m[i]                  = b1 * m[i] + (1.0 - b1) * g[i];
      v[i]                  = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
      ref[i] -= lr * ((m[i] / (1.0 - b1t)) / (PetscSqrtReal(v[i] / (1.0 - b2t)) + eps) + decay);
    }
    PetscCall(PdennOptimizerStep(opt, lr, g, theta));
    PetscCall(PdennOptimizerGetState(opt, &nsteps, &om, &ov));
    PetscCheck(*nsteps == t, PETSC_COMM_SELF, PETSC_ERR_PLIB, "adam counts %" PetscInt_FMT " steps after %" PetscInt_FMT, *nsteps, t);
    for (PetscInt i = 0; i < NP; i++) {
      PetscCall(CheckClose("theta", t, i, theta[i], ref[i]));
      PetscCall(CheckClose("m", t, i, om[i], m[i]));
      PetscCall(CheckClose("v", t, i, ov[i], v[i]));
      if (t == 1 && wd == 0.0) PetscCall(CheckClose("first step (theta_0 - lr g/(|g| + eps))", t, i, theta[i], (i == 0 ? 1.0 : i == 1 ? -2.0
                                                                                                                                      : 0.3) -
                                                                                                                   lr * g[i] / (PetscAbsReal(g[i]) + eps)));
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "adam b1 %g b2 %g eps %g wd %g: %d steps agree, theta = (%.15f, %.15f, %.15f)\n", (double)b1, (double)b2, (double)eps, (double)wd, NS, (double)theta[0], (double)theta[1], (double)theta[2]));
  PetscCall(PdennOptimizerDestroy(&opt));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(CheckAdam(0.9, 0.999, 1e-8, 0.0));
  PetscCall(CheckAdam(0.8, 0.99, 1e-3, 0.05));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "adam pinned: OK\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
