/* Activations of the networks: the fixed fluxes of docs/science.md §1 (through op.h's PdennFluxApply,
   the classical schemes' own code) and the trainable flux phi(s) = g(|s|) s of §2, g a clipped
   piecewise-linear table, so nonmonotone (Perona-Malik-like) shapes can be learned. */
#include <pdenn/nn.h>

/* the fluxes of op.h in their order, then "trainable": extend both lists together */
_Static_assert(PDENN_FLUX_NTYPES == 7, "a new flux type needs its name in PdennActivationTypes");
const char *const PdennActivationTypes[] = {"linear", "perona_malik", "exp_perona_malik", "charbonnier", "weickert", "relu", "tanh", "trainable"};

PetscErrorCode PdennActivationGetFn(PdennActivation *act, PdennActivationFn *fn, void **ctx)
{
  PetscFunctionBeginUser;
  if (act->type == PDENN_ACTIVATION_TRAINABLE) {
    *fn  = PdennActivationTableApply;
    *ctx = act;
  } else {
    *fn  = PdennFluxActivation;
    *ctx = &act->flux;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennActivationApply(PdennActivation *act, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[])
{
  PdennActivationFn fn;
  void             *ctx;

  PetscFunctionBeginUser;
  PetscCall(PdennActivationGetFn(act, &fn, &ctx));
  PetscCall(fn(ctx, n, z, phi, dphi));
  PetscFunctionReturn(0);
}

/* Table cell of a = |s|: j and the weight t of node j+1; j = n_nodes-1 (t = 0) beyond s_max.
   x is cast to an index only when it is below the last node: a NaN (which fails every
   comparison) or a huge |s| would make the cast undefined (INT_MIN in practice, an index far out
   of the table). NaN takes the last node, so phi = g s stays NaN and the loss reports it. */
static inline void TableCell(const PdennActivation *act, PetscReal a, PetscInt *j, PetscReal *t)
{
  const PetscReal x = a * (PetscReal)(act->n_nodes - 1) / act->s_max;

  if (!(x < (PetscReal)(act->n_nodes - 1))) {
    *j = act->n_nodes - 1;
    *t = 0.0;
  } else {
    const PetscInt k = (PetscInt)x;
    *j               = k;
    *t               = x - (PetscReal)k;
  }
}

/* g(a) and its right derivative g'(a) (0 beyond s_max) at a = |s| >= 0 */
static inline void TableValue(const PdennActivation *act, PetscReal a, PetscReal *gv, PetscReal *slope)
{
  const PetscReal *g = act->g, inv_h = (PetscReal)(act->n_nodes - 1) / act->s_max;
  PetscInt         j;
  PetscReal        t;

  TableCell(act, a, &j, &t);
  *gv    = t > 0.0 ? (1.0 - t) * g[j] + t * g[j + 1] : g[j];
  *slope = j < act->n_nodes - 1 ? (g[j + 1] - g[j]) * inv_h : 0.0;
}

/* dg[j] += c hat_j(a): the table gradient of c g(a) */
static inline void TableGradAdd(const PdennActivation *act, PetscReal a, PetscReal c, PetscReal dg[])
{
  PetscInt  j;
  PetscReal t;

  TableCell(act, a, &j, &t);
  dg[j] += (1.0 - t) * c;
  if (t > 0.0) dg[j + 1] += t * c;
}

/* phi = g(|s|) s, phi' = g(|s|) + g'(|s|) |s| (right derivative at the nodes) */
PetscErrorCode PdennActivationTableApply(void *ctx, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[])
{
  const PdennActivation *act = (const PdennActivation *)ctx;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal s = z[i], a = PetscAbsReal(s);
    PetscReal       gv, slope;
    TableValue(act, a, &gv, &slope);
    if (dphi) dphi[i] = gv + slope * a;
    phi[i] = gv * s;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennActivationParamGrad(const PdennActivation *act, PetscInt n, const PetscReal z[], const PetscReal dl_dphi[], PetscReal dg[])
{
  PetscFunctionBeginUser;
  if (act->type != PDENN_ACTIVATION_TRAINABLE || !dg) PetscFunctionReturn(0);
  /* d phi/d g_j = s * (hat function j)(|s|) */
  for (PetscInt i = 0; i < n; i++) TableGradAdd(act, PetscAbsReal(z[i]), dl_dphi[i] * z[i], dg);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennActivationTableDiffusivity(const PdennActivation *act, PetscInt n, const PetscReal a[], PetscReal g[], PetscReal dg[])
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal slope;
    TableValue(act, a[i], &g[i], &slope);
    if (dg) dg[i] = slope;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennActivationTableGradAt(const PdennActivation *act, PetscInt n, const PetscReal a[], const PetscReal c[], PetscReal dg[])
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) TableGradAdd(act, a[i], c[i], dg);
  PetscFunctionReturn(0);
}

PetscReal PdennActivationSectorBound(const PdennActivation *act)
{
  return act->type == PDENN_ACTIVATION_TRAINABLE ? act->bound : PdennFluxSectorBound(act->flux);
}

PetscErrorCode PdennActivationProject(const PdennActivation *act, PetscReal g[])
{
  PetscFunctionBeginUser;
  if (act->type != PDENN_ACTIVATION_TRAINABLE) PetscFunctionReturn(0);
  /* g in [0, L] makes phi(s)/s = g(|s|) lie in the sector [0, L] of docs/science.md §2 */
  for (PetscInt j = 0; j < act->n_nodes; j++) g[j] = PetscMin(PetscMax(g[j], 0.0), act->bound);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennActivationForwardVec(PdennActivation *act, Vec z, Vec a, Vec dphi)
{
  const PetscReal *za;
  PetscReal       *aa, *da;
  PetscInt         m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(z, &m));
  PetscCall(VecGetArrayRead(z, &za));
  PetscCall(VecGetArrayWrite(a, &aa));
  PetscCall(VecGetArrayWrite(dphi, &da));
  PetscCall(PdennActivationApply(act, m, za, aa, da));
  PetscCall(VecRestoreArrayWrite(dphi, &da));
  PetscCall(VecRestoreArrayWrite(a, &aa));
  PetscCall(VecRestoreArrayRead(z, &za));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennActivationBackwardVec(PdennActivation *act, Vec z, Vec dphi, Vec dl_da, PetscReal dg[])
{
  const PetscReal *za, *da;
  PetscReal       *ga;
  PetscInt         m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(z, &m));
  PetscCall(VecGetArrayRead(z, &za));
  PetscCall(VecGetArrayRead(dphi, &da));
  PetscCall(VecGetArray(dl_da, &ga));
  PetscCall(PdennActivationParamGrad(act, m, za, ga, dg));
  for (PetscInt i = 0; i < m; i++) ga[i] *= da[i];
  PetscCall(VecRestoreArray(dl_da, &ga));
  PetscCall(VecRestoreArrayRead(dphi, &da));
  PetscCall(VecRestoreArrayRead(z, &za));
  PetscFunctionReturn(0);
}
