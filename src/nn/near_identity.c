/* The U-nets started close to the identity (docs/networks.md "Near-identity start", docs/results.md
   claim 2): y = f + s Q^T M(E f) with the cycle M, so scaling the lift E and the output Q (the same
   group in mg_unet) by a shrinks the correction by a^2. With zero biases and activations in the
   sector |sigma(z)| <= L |z|, a level's cycle obeys ||M_l(x)|| <= Gamma_l ||x||,
     Gamma_l = C_l A_l (1 + ||P_l|| ||R_l|| Gamma_{l+1}),  Gamma_{levels-1} = C A,
   A_l = prod_s (1 + L ||B_{l,s}||), C_l = prod_q (1 + L ||C_{l,q}||), hence
     ||y - f|| <= ||Q|| ||E|| Gamma_0 ||f||,
   every ||W|| bounded by sqrt(PdennConv1dNormBound) (a strided convolution's decimation has norm 1). */
#include "nnimpl.h"

/* ||W||_2 bound of the group `name` read as a c_out x c_in convolution on n points */
static PetscErrorCode GroupNorm(PdennModel m, const char name[], PetscInt c_out, PetscInt c_in, PetscInt n, PetscReal *norm)
{
  PdennConv1d conv;
  PetscReal   b;

  PetscFunctionBeginUser;
  for (PetscInt g = 0; g < m->n_groups; g++) {
    PetscBool match;
    PetscCall(PetscStrcmp(m->groups[g].name, name, &match));
    if (!match) continue;
    conv = PdennModelConv(m, c_in, c_out, m->groups[g].offset, -1);
    PetscCall(PdennConv1dNormBound(&conv, n, &b));
    *norm = PetscSqrtReal(b);
    PetscFunctionReturn(0);
  }
  SETERRQ(m->comm, PETSC_ERR_PLIB, "near-identity start: the model has no parameter group %s", name);
}

/* prod over the nu smoothers "<level>/<kind><s>/<param>" of (1 + L ||W||) */
static PetscErrorCode SmootherGrowth(PdennModel m, PetscInt l, const char kind[], const char param[], PetscReal *growth)
{
  const PetscReal L = PdennActivationSectorBound(&m->act);
  char            name[64];
  PetscReal       w;

  PetscFunctionBeginUser;
  *growth = 1.0;
  for (PetscInt s = 0; s < m->smoothing_steps; s++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "level%" PetscInt_FMT "/%s%" PetscInt_FMT "/%s", l, kind, s, param));
    PetscCall(GroupNorm(m, name, m->channels, m->channels, m->N >> l, &w));
    *growth *= 1.0 + L * w;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelCorrectionBound(PdennModel m, PetscReal *bound)
{
  const PetscBool tied  = (PetscBool)(m->type == PDENN_MODEL_MG_UNET);
  PetscReal       gamma = 0.0, A, C, R, P, E, Q;
  char            name[64];

  PetscFunctionBeginUser;
  PetscCheck(m->is_setup, m->comm, PETSC_ERR_ORDER, "call PdennModelSetUp first");
  PetscCheck(m->type == PDENN_MODEL_UNET || tied, m->comm, PDENN_ERR_INPUT, "key -%smodel_type: %s; the near-identity start exists for unet and mg_unet", m->prefix, PdennModelTypes[m->type]);
  PetscCheck(m->dim == 1, m->comm, PDENN_ERR_INPUT, "key -dim: %" PetscInt_FMT "; the near-identity start is bounded for 1D networks only", m->dim);
  for (PetscInt g = 0; g < m->n_groups; g++)
    for (PetscInt i = 0; m->groups[g].kind == PDENN_GROUP_BIAS && i < m->groups[g].size; i++) PetscCheck(m->theta[m->groups[g].offset + i] == 0.0, m->comm, PETSC_ERR_ARG_WRONG, "near-identity start: bias %s is nonzero; the bound needs the zero biases of the random initialisation", m->groups[g].name);
  for (PetscInt l = m->levels - 1; l >= 0; l--) {
    PetscCall(SmootherGrowth(m, l, tied ? "smooth" : "pre", "B", &A));
    PetscCall(SmootherGrowth(m, l, tied ? "smooth" : "post", tied ? "B" : "C", &C));
    if (l == m->levels - 1) {
      gamma = C * A;
      continue;
    }
    PetscCall(PetscSNPrintf(name, sizeof(name), "level%" PetscInt_FMT "/R", l));
    PetscCall(GroupNorm(m, name, m->channels, m->channels, m->N >> l, &R));
    PetscCall(PetscSNPrintf(name, sizeof(name), "level%" PetscInt_FMT "/%s", l, tied ? "R" : "P"));
    PetscCall(GroupNorm(m, name, m->channels, m->channels, m->N >> l, &P));
    gamma = C * A * (1.0 + P * R * gamma);
  }
  PetscCall(GroupNorm(m, "lift/E", m->channels, 1, m->N, &E));
  PetscCall(GroupNorm(m, tied ? "lift/E" : "output/Q", m->channels, 1, m->N, &Q));
  *bound = Q * E * gamma;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelInitNearIdentity(PdennModel m, PetscReal distance)
{
  PetscReal bound, a;

  PetscFunctionBeginUser;
  PetscCheck(distance > 0.0, m->comm, PDENN_ERR_INPUT, "key -init_distance: %g; expected a distance > 0", (double)distance);
  PetscCall(PdennModelCorrectionBound(m, &bound));
  a = bound > distance ? PetscSqrtReal(distance / bound) : 1.0; /* never enlarge the correction */
  for (PetscInt g = 0; g < m->n_groups; g++) {
    PetscBool lift, out;
    PetscCall(PetscStrcmp(m->groups[g].name, "lift/E", &lift));
    PetscCall(PetscStrcmp(m->groups[g].name, "output/Q", &out));
    for (PetscInt i = 0; (lift || out) && i < m->groups[g].size; i++) m->theta[m->groups[g].offset + i] *= a;
  }
  PetscFunctionReturn(0);
}
