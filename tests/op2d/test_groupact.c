/* The isotropic group activation phi(z) = g(|z|) z on groups of G channels (src/nn/groupact.c):
   - its Jacobian-vector product against central differences (1e-6 relative) for G = 1, 2, 3, every
     flux and the trainable table, at group norms away from the table's nodes (where g has kinks),
     and exactly g(0) dz at z = 0;
   - the table gradient of L = <y, phi(z)> against central differences in every table value (1e-6);
   - with W = K (src/op/convnd.c) and the Perona-Malik flux, u - tau W^T phi(W u) is the 2D/3D
     scheme's explicit step, PdennGridOpStep and the fused PdennGridStepApply (1e-14 relative), on
     the decomposition of the run. */
#include "op2dtest.h"

#define N_GROUPS 40
#define N_NODES 16

/* N_GROUPS groups of G values: group 0 zero, the others random directions with norms in the middle
   of random table cells (cells 0.1 wide, up to 2.5 > s_max = 1.5); for G = 1 either sign. */
static void GroupInputs(PetscInt G, PetscReal z[], PetscReal dz[])
{
  PetscReal u[N_GROUPS * 4];

  Op2dHashArray(31, N_GROUPS * 4, u);
  Op2dHashArray(32, N_GROUPS * G, dz);
  for (PetscInt i = 0; i < N_GROUPS; i++) {
    const PetscReal a = i == 0 ? 0.0 : 0.1 * (PetscFloorReal(12.5 * (u[4 * i] + 1.0)) + 0.5 + 0.25 * u[4 * i + 1]);
    PetscReal       n = 0.0;
    for (PetscInt c = 0; c < G; c++) n += u[4 * i + 1 + c] * u[4 * i + 1 + c];
    for (PetscInt c = 0; c < G; c++) z[i * G + c] = G == 1 ? (u[4 * i + 1] < 0 ? -a : a) : a * u[4 * i + 1 + c] / PetscSqrtReal(n);
  }
}

/* max |J dz - (phi(z + eps dz) - phi(z - eps dz))/(2 eps)| / max |J dz| over the groups 1.. and
   whether group 0 (z = 0) gives exactly g(0) dz */
static PetscErrorCode CheckJVP(PdennActivation *act, PetscInt G, PetscReal *err, PetscBool *zero_ok)
{
  const PetscReal eps = 1e-6;
  PetscReal       z[N_GROUPS * 3], dz[N_GROUPS * 3], jv[N_GROUPS * 3], zp[N_GROUPS * 3], pp[N_GROUPS * 3], pm[N_GROUPS * 3], g0, zero = 0.0, e = 0.0, m = 0.0;

  PetscFunctionBeginUser;
  GroupInputs(G, z, dz);
  PetscCall(PdennGroupActivationJVP(act, G, N_GROUPS, z, dz, jv));
  for (PetscInt i = 0; i < N_GROUPS * G; i++) zp[i] = z[i] + eps * dz[i];
  PetscCall(PdennGroupActivationApply(act, G, N_GROUPS, zp, pp));
  for (PetscInt i = 0; i < N_GROUPS * G; i++) zp[i] = z[i] - eps * dz[i];
  PetscCall(PdennGroupActivationApply(act, G, N_GROUPS, zp, pm));
  for (PetscInt i = G; i < N_GROUPS * G; i++) e = PetscMax(e, PetscAbsReal((pp[i] - pm[i]) / (2.0 * eps) - jv[i])), m = PetscMax(m, PetscAbsReal(jv[i]));
  *err = e / m;
  if (act->type == PDENN_ACTIVATION_TRAINABLE)
    g0 = act->g[0];
  else
    PetscCall(PdennFluxDiffusivity(act->flux, 1, &zero, &g0));
  *zero_ok = PETSC_TRUE;
  for (PetscInt c = 0; c < G; c++) *zero_ok = (PetscBool)(*zero_ok && jv[c] == g0 * dz[c]);
  PetscFunctionReturn(0);
}

/* L = <y, phi(z)>: the table gradient against central differences in every table value */
static PetscErrorCode CheckTableGradient(PdennActivation *act, PetscReal table[], PetscInt G, PetscReal *err)
{
  const PetscReal eps = 1e-3;
  PetscReal       z[N_GROUPS * 3], y[N_GROUPS * 3], phi[N_GROUPS * 3], dg[N_NODES] = {0}, e = 0.0, m = 0.0;

  PetscFunctionBeginUser;
  GroupInputs(G, z, y);
  PetscCall(PdennGroupActivationParamGrad(act, G, N_GROUPS, z, y, dg));
  for (PetscInt j = 0; j < N_NODES; j++) {
    const PetscReal gj   = table[j];
    PetscReal       L[2] = {0.0, 0.0};
    for (PetscInt k = 0; k < 2; k++) {
      table[j] = gj + (k ? -eps : eps);
      PetscCall(PdennGroupActivationApply(act, G, N_GROUPS, z, phi));
      for (PetscInt i = 0; i < N_GROUPS * G; i++) L[k] += y[i] * phi[i];
    }
    table[j] = gj;
    e        = PetscMax(e, PetscAbsReal((L[0] - L[1]) / (2.0 * eps) - dg[j]));
    m        = PetscMax(m, PetscAbsReal(dg[j]));
  }
  *err = e / m;
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckDerivatives(void)
{
  PetscReal       table[N_NODES];
  PdennActivation act = {0};

  PetscFunctionBeginUser;
  Op2dHashArray(33, N_NODES, table);
  for (PetscInt j = 0; j < N_NODES; j++) table[j] = 0.5 * (table[j] + 1.0); /* in [0, L = 1] */
  act.n_nodes = N_NODES, act.s_max = 1.5, act.bound = 1.0, act.g = table, act.flux.lambda = 0.7;
  for (PetscInt type = 0; type <= PDENN_ACTIVATION_TRAINABLE; type++) {
    act.type      = type;
    act.flux.type = type < PDENN_FLUX_NTYPES ? (PdennFluxType)type : PDENN_FLUX_LINEAR;
    if (type == PDENN_FLUX_RELU) continue; /* g jumps at 0: phi is not differentiable there */
    for (PetscInt G = 1; G <= 3; G++) {
      PetscReal ej, eg = 0.0;
      PetscBool zero_ok;
      PetscCall(CheckJVP(&act, G, &ej, &zero_ok));
      if (type == PDENN_ACTIVATION_TRAINABLE) PetscCall(CheckTableGradient(&act, table, G, &eg));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "group activation %-16s G = %d: JVP vs central differences %.1e, J(0) dz = g(0) dz %s", PdennActivationTypes[type], (int)G, (double)ej, zero_ok ? "exactly" : "NOT"));
      if (type == PDENN_ACTIVATION_TRAINABLE) PetscCall(PetscPrintf(PETSC_COMM_WORLD, ", table gradient vs central differences %.1e", (double)eg));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));
      PetscCheck(ej <= 1e-6 && eg <= 1e-6 && zero_ok, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "group activation %s, G = %d: JVP off by %g, table gradient by %g, J(0) exact: %d", PdennActivationTypes[type], (int)G, (double)ej, (double)eg, (int)zero_ok);
    }
  }
  PetscFunctionReturn(0);
}

/* u - tau W^T phi(W u) with the layers (W = K as a convolution, phi the group activation of the
   Perona-Malik flux, G = dim) against the scheme's explicit step */
static PetscErrorCode CheckSchemeStep(MPI_Comm comm, PetscInt dim)
{
  const PetscInt  M[2][3] = {{14, 11, 1}, {9, 8, 7}};
  const PetscReal h = 0.7, tau = h * h / (2.0 * dim);
  PdennActivation act = {0};
  PdennGridOp     op;
  PdennGridStep   fused;
  PdennConvNd     conv;
  DM              da;
  Vec             u, z, r, ref;
  PetscReal       w[3 * 27], *za, d, df;
  PetscInt        n;

  PetscFunctionBeginUser;
  act.type = PDENN_FLUX_PERONA_MALIK, act.flux.type = PDENN_FLUX_PERONA_MALIK, act.flux.lambda = 1.0;
  Op2dGradientKernels(dim, h, w);
  PetscCall(PdennDMDACreate(comm, dim, M[dim - 2], 1, 1, &da));
  PetscCall(PdennGridOpSetUp(&op, da, 1, h));
  PetscCall(PdennConvNdSetUp(&conv, da, op.da_z, 1, 1, PDENN_BC_REFLECT, w, NULL));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(VecDuplicate(u, &r));
  PetscCall(VecDuplicate(u, &ref));
  PetscCall(DMCreateGlobalVector(op.da_z, &z));
  PetscCall(Op2dFillHash(u, 8));
  PetscCall(PdennConvNdForward(&conv, u, z));
  PetscCall(VecGetLocalSize(z, &n));
  PetscCall(VecGetArray(z, &za));
  PetscCall(PdennGroupActivationApply(&act, dim, n / dim, za, za));
  PetscCall(VecRestoreArray(z, &za));
  PetscCall(PdennConvNdAdjoint(&conv, z, r));
  PetscCall(VecAYPX(r, -tau, u)); /* r <- u - tau r */
  PetscCall(PdennGridOpStep(&op, act.flux, NULL, 1.0, tau, u, ref));
  PetscCall(PdennTestRelDiff(r, ref, NORM_INFINITY, PETSC_SMALL, &d));
  PetscCall(PdennGridStepCreate(da, h, &fused));
  PetscCall(PdennGridStepApply(fused, act.flux, NULL, 1.0, tau, u, ref));
  PetscCall(PdennGridStepDestroy(&fused));
  PetscCall(PdennTestRelDiff(r, ref, NORM_INFINITY, PETSC_SMALL, &df));
  PetscCall(PetscPrintf(comm, "%dD explicit Perona-Malik step by the layers vs PdennGridOpStep: %.1e, vs the fused PdennGridStepApply: %.1e (max |difference| / max |reference|)\n", (int)dim, (double)d, (double)df));
  PetscCheck(d <= 1e-14 && df <= 1e-14, comm, PETSC_ERR_PLIB, "%dD: the layers' step differs from the scheme's by %g (PdennGridOpStep), %g (PdennGridStepApply)", (int)dim, (double)d, (double)df);
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&z));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&ref));
  PetscCall(PdennConvNdDestroy(&conv));
  PetscCall(PdennGridOpDestroy(&op));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Derivatives of the isotropic group activation; the scheme's step from the layers"));
  PetscCall(CheckDerivatives());
  for (PetscInt dim = 2; dim <= 3; dim++) PetscCall(CheckSchemeStep(PETSC_COMM_WORLD, dim));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "group activation checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
