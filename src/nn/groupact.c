/* The isotropic group activation phi(z_G) = g(|z_G|) z_G of the d-dimensional networks
   (docs/science.md §7.3, docs/networks.md "Layers in d dimensions"): one g per group of G channels,
   from op.h's flux diffusivities (the 2D scheme's isotropic flux) or the trainable table of
   src/nn/activation.c; its Jacobian-vector product and table gradient. */
#include <pdenn/nn.h>

#define GROUP_CHUNK 64 /* groups per pass: the per-group scalars live on the stack */

/* Per group (G >= 2): s = |z|, g = g(s) and, if gs != NULL, gs = g'(s) s (for a flux
   Phi(s) = g(s) s: gs = Phi'(s) - g(s)). */
static PetscErrorCode GroupScalars(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], PetscReal s[], PetscReal g[], PetscReal gs[])
{
  PetscReal phi[GROUP_CHUNK];

  PetscFunctionBeginUser;
  PdennGridGroupNorms(n, G, z, s);
  if (act->type == PDENN_ACTIVATION_TRAINABLE) {
    PetscCall(PdennActivationTableDiffusivity(act, n, s, g, gs));
    for (PetscInt i = 0; i < n && gs; i++) gs[i] *= s[i];
  } else {
    PetscCall(PdennFluxDiffusivity(act->flux, n, s, g));
    if (gs) PetscCall(PdennFluxApply(act->flux, n, s, phi, gs));
    for (PetscInt i = 0; i < n && gs; i++) gs[i] -= g[i];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGroupActivationApply(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], PetscReal phi[])
{
  PetscReal s[GROUP_CHUNK], g[GROUP_CHUNK];

  PetscFunctionBeginUser;
  if (G == 1) {
    PetscCall(PdennActivationApply(act, n, z, phi, NULL));
    PetscFunctionReturn(0);
  }
  for (PetscInt k = 0; k < n; k += GROUP_CHUNK) {
    const PetscInt m = PetscMin(GROUP_CHUNK, n - k);
    PetscCall(GroupScalars(act, G, m, z + k * G, s, g, NULL));
    for (PetscInt i = 0; i < m; i++)
      for (PetscInt c = 0; c < G; c++) phi[(k + i) * G + c] = z[(k + i) * G + c] * g[i];
  }
  PetscFunctionReturn(0);
}

/* G = 1: phi'(z) dz from the pointwise activation */
static PetscErrorCode PointwiseJVP(PdennActivation *act, PetscInt n, const PetscReal z[], const PetscReal dz[], PetscReal dphi[])
{
  PetscReal phi[GROUP_CHUNK], d[GROUP_CHUNK];

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < n; k += GROUP_CHUNK) {
    const PetscInt m = PetscMin(GROUP_CHUNK, n - k);
    PetscCall(PdennActivationApply(act, m, z + k, phi, d));
    for (PetscInt i = 0; i < m; i++) dphi[k + i] = d[i] * dz[k + i];
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGroupActivationJVP(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], const PetscReal dz[], PetscReal dphi[])
{
  PetscReal s[GROUP_CHUNK], g[GROUP_CHUNK], gs[GROUP_CHUNK];

  PetscFunctionBeginUser;
  if (G == 1) {
    PetscCall(PointwiseJVP(act, n, z, dz, dphi));
    PetscFunctionReturn(0);
  }
  for (PetscInt k = 0; k < n; k += GROUP_CHUNK) {
    const PetscInt m = PetscMin(GROUP_CHUNK, n - k);
    PetscCall(GroupScalars(act, G, m, z + k * G, s, g, gs));
    for (PetscInt i = 0; i < m; i++) {
      const PetscReal *zi = z + (k + i) * G, *dzi = dz + (k + i) * G;
      PetscReal        zd = 0.0, f;
      for (PetscInt c = 0; c < G; c++) zd += zi[c] * dzi[c];
      /* g'(s)/s <z, dz> = gs <z, dz>/s^2; |<z, dz>|/s^2 |z| <= |dz|/s keeps it bounded, 0 at z = 0 */
      f = s[i] > 0.0 ? gs[i] * zd / (s[i] * s[i]) : 0.0;
      for (PetscInt c = 0; c < G; c++) dphi[(k + i) * G + c] = g[i] * dzi[c] + f * zi[c];
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGroupActivationParamGrad(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], const PetscReal dl_dphi[], PetscReal dg[])
{
  PetscReal s[GROUP_CHUNK], c[GROUP_CHUNK];

  PetscFunctionBeginUser;
  if (act->type != PDENN_ACTIVATION_TRAINABLE || !dg) PetscFunctionReturn(0);
  if (G == 1) {
    PetscCall(PdennActivationParamGrad(act, n, z, dl_dphi, dg));
    PetscFunctionReturn(0);
  }
  for (PetscInt k = 0; k < n; k += GROUP_CHUNK) { /* d phi/d g_j = hat_j(|z|) z */
    const PetscInt m = PetscMin(GROUP_CHUNK, n - k);
    PdennGridGroupNorms(m, G, z + k * G, s);
    for (PetscInt i = 0; i < m; i++) {
      c[i] = 0.0;
      for (PetscInt q = 0; q < G; q++) c[i] += dl_dphi[(k + i) * G + q] * z[(k + i) * G + q];
    }
    PetscCall(PdennActivationTableGradAt(act, m, s, c, dg));
  }
  PetscFunctionReturn(0);
}
