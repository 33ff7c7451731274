/* Helpers shared by the network tests: models from option strings, deterministic random data and
   parameters, parameter groups by name, the loss L = 0.5 ||y - t||^2 with its gradients, and
   gathering vectors. */
#pragma once
#include <pdenn/nn.h>

/* Inserts `options` (keys with the prefix spelled out) and builds a model on N points. */
static inline PetscErrorCode NNTestModel(MPI_Comm comm, const char prefix[], const char options[], PetscInt N, PdennModel *model)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertString(NULL, options));
  PetscCall(PdennModelCreate(comm, prefix, model));
  PetscCall(PdennModelSetFromOptions(*model));
  PetscCall(PdennModelSetUp(*model, N));
  PetscFunctionReturn(0);
}

/* v[i] = scale * U(-1, 1) + shift by global index, the same on every rank layout. */
static inline PetscErrorCode NNTestFill(Vec v, PetscInt seed, PetscReal scale, PetscReal shift)
{
  PetscInt   lo, hi;
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  PetscCall(VecGetArray(v, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = scale * PdennRandomUniform(seed, 7, i) + shift;
  PetscCall(VecRestoreArray(v, &a));
  PetscFunctionReturn(0);
}

/* Group g's name (NULL: not wanted), offset in theta and number of values (its shape's product) */
static inline PetscErrorCode NNTestGroup(PdennModel model, PetscInt g, const char **name, PetscInt *off, PetscInt *size)
{
  const PetscInt *shape;
  PetscInt        nd;

  PetscFunctionBeginUser;
  *size = 0; /* set on every path, so that no caller reads an unset value */
  PetscCall(PdennModelGetGroup(model, g, name, off, &nd, &shape));
  *size = 1;
  for (PetscInt d = 0; d < nd; d++) *size *= shape[d];
  PetscFunctionReturn(0);
}

/* Random admissible theta: weights and biases of order one, tables inside (0.05 L, 0.95 L) so
   clipping is inactive, step sizes random in (0.2, 1) of their limit (set by the projection). */
static inline PetscErrorCode NNTestRandomTheta(PdennModel model, PetscInt seed, PetscReal wscale)
{
  PetscInt   ng, n;
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetParameters(model, &theta));
  PetscCall(PdennModelGetNumParameters(model, &n));
  PetscCall(PdennModelGetNumGroups(model, &ng));
  for (PetscInt g = 0; g < ng; g++) {
    const char *name;
    PetscInt    off, size;
    PetscBool   is_act, is_tau;
    PetscCall(NNTestGroup(model, g, &name, &off, &size));
    PetscCall(PetscStrendswith(name, "act_g", &is_act));
    PetscCall(PetscStrendswith(name, "tau", &is_tau));
    for (PetscInt i = 0; i < size; i++) {
      PetscReal u    = PdennRandomUniform(seed, 100 + g, i);
      theta[off + i] = is_act ? 0.5 + 0.45 * u : is_tau ? 1e30
                                                        : wscale * u;
    }
  }
  PetscCall(PdennModelProject(model)); /* tau -> its limit */
  for (PetscInt g = 0; g < ng; g++) {
    const char *name;
    PetscInt    off;
    PetscBool   is_tau;
    PetscCall(PdennModelGetGroup(model, g, &name, &off, NULL, NULL));
    PetscCall(PetscStrendswith(name, "tau", &is_tau));
    if (is_tau) theta[off] *= 0.6 + 0.4 * PdennRandomUniform(seed, 99, g);
  }
  PetscFunctionReturn(0);
}

/* Every group whose name ends in `suffix` (all of its values) set to value, or multiplied by it
   if scale is set. */
static inline PetscErrorCode NNTestSetGroups(PdennModel model, const char suffix[], PetscReal value, PetscBool scale)
{
  PetscInt   ng;
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumGroups(model, &ng));
  PetscCall(PdennModelGetParameters(model, &theta));
  for (PetscInt g = 0; g < ng; g++) {
    const char *name;
    PetscInt    off, size;
    PetscBool   match;
    PetscCall(NNTestGroup(model, g, &name, &off, &size));
    PetscCall(PetscStrendswith(name, suffix, &match));
    for (PetscInt i = 0; match && i < size; i++) theta[off + i] = scale ? theta[off + i] * value : value;
  }
  PetscFunctionReturn(0);
}

/* L = 0.5 ||model(x) - t||^2; with grads, dx and the rank-summed dtheta (n_theta values). */
static inline PetscErrorCode NNTestLoss(PdennModel model, Vec x, Vec t, PetscReal *loss, Vec dx, PetscReal dtheta[])
{
  Vec      y;
  PetscInt n;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PdennModelForward(model, x, y));
  PetscCall(VecAXPY(y, -1.0, t));
  PetscCall(VecNorm(y, NORM_2, loss));
  *loss = 0.5 * (*loss) * (*loss);
  if (dx || dtheta) {
    PetscCall(PdennModelGetNumParameters(model, &n));
    if (dtheta) PetscCall(PetscArrayzero(dtheta, n));
    PetscCall(PdennModelBackward(model, y, dx, dtheta));
    if (dtheta) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, dtheta, (PetscMPIInt)n, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)x)));
  }
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

/* Plain SGD on 0.5 ||model(x_s) + x_s||^2: the sign flip y = -x needs tau W^T G W = 2 I, i.e.
   every block at (and its errors beyond) the stability limit, so the gradient pushes tau and W
   against the projection. Projects after every step as the trainer does. */
static inline PetscErrorCode NNTestTrainTowardsFlip(PdennModel model, PetscInt steps, PetscReal lr)
{
  DM         da;
  Vec        x, t;
  PetscInt   n;
  PetscReal *theta, *grad, loss;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &t));
  PetscCall(PdennModelGetNumParameters(model, &n));
  PetscCall(PdennModelGetParameters(model, &theta));
  PetscCall(PetscMalloc1(n, &grad));
  for (PetscInt it = 0; it < steps; it++) {
    PetscCall(NNTestFill(x, 1000 + it, 1.0, 0.0));
    PetscCall(VecAXPBY(t, -1.0, 0.0, x));
    PetscCall(NNTestLoss(model, x, t, &loss, NULL, grad));
    for (PetscInt j = 0; j < n; j++) theta[j] -= lr * grad[j];
    PetscCall(PdennModelProject(model));
  }
  PetscCall(PetscFree(grad));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&t));
  PetscFunctionReturn(0);
}

/* The whole of a parallel vector on every rank (caller frees). */
static inline PetscErrorCode NNTestGather(Vec v, PetscReal **all, PetscInt *n)
{
  VecScatter       sc;
  Vec              seq;
  const PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(VecScatterCreateToAll(v, &sc, &seq));
  PetscCall(VecScatterBegin(sc, v, seq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, v, seq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetSize(seq, n));
  PetscCall(PetscMalloc1(*n, all));
  PetscCall(VecGetArrayRead(seq, &a));
  PetscCall(PetscArraycpy(*all, a, *n));
  PetscCall(VecRestoreArrayRead(seq, &a));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&seq));
  PetscFunctionReturn(0);
}

/* Relative error of an analytic gradient component against its central difference, with a
   floor of 1e-3 of the gradient's largest component: the difference quotient carries a rounding
   error of about 1e-16 |L| / eps ~ 1e-10 |L| (L of order 1-50 here), which would swamp a 1e-6
   relative test on components much smaller than that; above the floor it is <= 1e-7. */
static inline PetscReal NNTestRelErr(PetscReal analytic, PetscReal fd, PetscReal gmax)
{
  PetscReal den = PetscMax(PetscMax(PetscAbsReal(analytic), PetscAbsReal(fd)), 1e-3 * gmax);

  return den > 0.0 ? PetscAbsReal(analytic - fd) / den : 0.0;
}
