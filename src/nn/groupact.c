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
  PetscFunctionBeginUser;
  PdennGridGroupNorms(n, G, z, s);
  if (act->type == PDENN_ACTIVATION_TRAINABLE) {
    PetscCall(PdennActivationTableDiffusivity(act, n, s, g, gs));
    for (PetscInt i = 0; i < n && gs; i++) gs[i] *= s[i];
  } else if (gs) { /* g and Phi' from one evaluation of the flux (one tanh, not two) */
    PetscCall(PdennFluxDiffusivityDerivative(act->flux, n, s, g, gs));
    for (PetscInt i = 0; i < n; i++) gs[i] -= g[i];
  } else
    PetscCall(PdennFluxDiffusivity(act->flux, n, s, g));
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

/* phi = g z and, per group, gc = (g, g'(s)/s) in its first two channels (G >= 2) */
static inline void ApplySaveG(const PetscInt G, PetscInt m, const PetscReal z[], const PetscReal s[], const PetscReal g[], const PetscReal gs[], PetscReal phi[], PetscReal *restrict gc)
{
  for (PetscInt i = 0; i < m; i++) {
    for (PetscInt c = 0; c < G; c++) phi[i * G + c] = z[i * G + c] * g[i];
    gc[i * G]     = g[i];
    gc[i * G + 1] = s[i] > 0.0 ? gs[i] / (s[i] * s[i]) : 0.0; /* the JVP's g'(s)/s = gs/s^2, 0 at z = 0 */
    for (PetscInt c = 2; c < G; c++) gc[i * G + c] = 0.0;
  }
}

PetscErrorCode PdennGroupActivationApplySave(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal gc[])
{
  PetscReal s[GROUP_CHUNK], g[GROUP_CHUNK], gs[GROUP_CHUNK];

  PetscFunctionBeginUser;
  PetscCheck(G >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "group size %" PetscInt_FMT ": the saved group scalars need groups of at least 2 channels", G);
  for (PetscInt k = 0; k < n; k += GROUP_CHUNK) {
    const PetscInt m = PetscMin(GROUP_CHUNK, n - k);
    PetscCall(GroupScalars(act, G, m, z + k * G, s, g, gs));
    if (G == 2)
      ApplySaveG(2, m, z + k * G, s, g, gs, phi + k * G, gc + k * G); /* constant G: unrolled */
    else if (G == 3)
      ApplySaveG(3, m, z + k * G, s, g, gs, phi + k * G, gc + k * G);
    else
      ApplySaveG(G, m, z + k * G, s, g, gs, phi + k * G, gc + k * G);
  }
  PetscFunctionReturn(0);
}

/* q <- g q + (g'(s)/s) <z, q> z per group, from the saved (g, g'(s)/s) */
static inline void JVPSavedG(const PetscInt G, PetscInt n, const PetscReal *restrict z, const PetscReal *restrict gc, PetscReal *restrict q)
{
  for (PetscInt i = 0; i < n; i++) {
    PetscReal zd = 0.0, f;
    for (PetscInt c = 0; c < G; c++) zd += z[i * G + c] * q[i * G + c];
    f = gc[i * G + 1] * zd;
    for (PetscInt c = 0; c < G; c++) q[i * G + c] = gc[i * G] * q[i * G + c] + f * z[i * G + c];
  }
}

PetscErrorCode PdennGroupActivationJVPSaved(PetscInt G, PetscInt n, const PetscReal z[], const PetscReal gc[], PetscReal q[])
{
  PetscFunctionBeginUser;
  PetscCheck(G >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "group size %" PetscInt_FMT ": the saved group scalars need groups of at least 2 channels", G);
  if (G == 2)
    JVPSavedG(2, n, z, gc, q); /* constant G: the group loops unroll and the point loop vectorises */
  else if (G == 3)
    JVPSavedG(3, n, z, gc, q);
  else
    JVPSavedG(G, n, z, gc, q);
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
