/* The multigrid U-net in 2D and 3D (src/nn/unet.c, docs/networks.md):
   - parameter counts: mg_unet = unet / 2 in every kind (weights, biases, activation tables), and
     both equal the closed formulas of docs/networks.md with kw^d kernel points, as does resnet;
   - R = P^T, post-smoother = adjoint of the pre-smoother, Q = E, correction subtracted: with a
     linear activation and zero biases the tied cycle is y = (I - S) f with S = E^T M E symmetric
     positive semidefinite, so <f_i, y_j> = <f_j, y_i> to 1e-12 relative to
     ||f_i|| ||y_j|| + ||f_j|| ||y_i|| (exact in real arithmetic) and <f, f - y> > 0. The untied
     unet, the same cycle with independent R, P, B, C, E, Q, is not symmetric (asymmetry > 1e-3):
     the symmetry is the ties', not the check's. */
#include "unet2dtest.h"

static const char help[] = "Parameter counts and symmetry of the d-dimensional multigrid U-net.\n";

#define NF 3

typedef struct {
  PetscInt dim, M[3], channels, radius, levels, nu, nodes; /* nodes 0: tanh */
} CountConfig;

static PetscErrorCode Counts(const CountConfig *c, const char type[], PetscInt n[4])
{
  char       opts[256];
  PdennModel model;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-u_model_type %s -u_blocks 3 -u_channels %d -u_kernel_radius %d -u_levels %d -u_smoothing_steps %d -u_activation %s -u_act_nodes %d", type, (int)c->channels, (int)c->radius, (int)c->levels, (int)c->nu, c->nodes ? "trainable" : "tanh", (int)PetscMax(c->nodes, 2)));
  PetscCall(Unet2dModel(PETSC_COMM_SELF, opts, c->dim, c->M, &model)); /* counts do not depend on the ranks */
  PetscCall(PdennModelGetParameterCounts(model, &n[0], &n[1], &n[2], &n[3]));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

/* docs/networks.md's formulas with kw^d kernel points: mg_unet, and resnet with 3 blocks */
static PetscErrorCode CheckCounts(const CountConfig *c)
{
  const PetscInt M = c->channels, L = c->levels, nu = c->nu, A = c->nodes, kd = PetscPowInt(2 * c->radius + 1, c->dim);
  const PetscInt mg[4]  = {M * kd + L * nu * M * M * kd + (L - 1) * M * M * kd, L * nu * M, 0, L * nu * A};
  const PetscInt res[4] = {2 * 3 * M * kd, 3 * (M + 1), 0, 3 * A};
  PetscInt       n_unet[4], n_mg[4], n_res[4];

  PetscFunctionBeginUser;
  PetscCall(Counts(c, "unet", n_unet));
  PetscCall(Counts(c, "mg_unet", n_mg));
  PetscCall(Counts(c, "resnet", n_res));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD M %d r %d L %d nu %d A %d: unet %d/%d/%d, mg_unet %d/%d/%d, resnet (3 blocks) %d/%d/%d (weights/biases/tables)\n", (int)c->dim, (int)M, (int)c->radius, (int)L, (int)nu, (int)A, (int)n_unet[0], (int)n_unet[1], (int)n_unet[3], (int)n_mg[0], (int)n_mg[1], (int)n_mg[3], (int)n_res[0], (int)n_res[1], (int)n_res[3]));
  for (PetscInt k = 0; k < 4; k++) {
    PetscCheck(n_unet[k] == 2 * n_mg[k], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "kind %d: unet has %d parameters, mg_unet %d; expected exactly half", (int)k, (int)n_unet[k], (int)n_mg[k]);
    PetscCheck(n_mg[k] == mg[k], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "kind %d: mg_unet has %d parameters, the formula %d", (int)k, (int)n_mg[k], (int)mg[k]);
    PetscCheck(n_res[k] == res[k], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "kind %d: resnet has %d parameters, the formula %d", (int)k, (int)n_res[k], (int)res[k]);
  }
  PetscFunctionReturn(0);
}

/* The largest asymmetry |<f_i, y_j> - <f_j, y_i>| / (||f_i|| ||y_j|| + ||f_j|| ||y_i||) and the
   smallest <f, f - y> / <f, f> over NF inputs, linear activation, zero biases */
static PetscErrorCode Symmetry(const char type[], PetscInt dim, const PetscInt M[3], const char decomp[], PetscReal *asym, PetscReal *shrink)
{
  char       opts[512];
  PdennModel model;
  DM         da;
  Vec        f[NF], y[NF];
  PetscReal  nf[NF], ny[NF];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -u_model_type %s -u_levels 3 -u_smoothing_steps 2 -u_channels 3 -u_kernel_radius 1 -u_activation linear", decomp, type));
  PetscCall(Unet2dModel(PETSC_COMM_WORLD, opts, dim, M, &model));
  PetscCall(NNTestSetGroups(model, "/b", 0.0, PETSC_FALSE));
  PetscCall(NNTestSetGroups(model, "/c", 0.0, PETSC_FALSE));
  PetscCall(PdennModelGetDM(model, &da));
  *asym = 0.0, *shrink = PETSC_MAX_REAL;
  for (PetscInt i = 0; i < NF; i++) {
    PetscReal ff, fy;
    PetscCall(DMCreateGlobalVector(da, &f[i]));
    PetscCall(VecDuplicate(f[i], &y[i]));
    PetscCall(Op2dFillHash(f[i], 20 + (uint64_t)i));
    PetscCall(PdennModelForward(model, f[i], y[i]));
    PetscCall(VecNorm(f[i], NORM_2, &nf[i]));
    PetscCall(VecNorm(y[i], NORM_2, &ny[i]));
    PetscCall(VecDot(f[i], f[i], &ff));
    PetscCall(VecDot(f[i], y[i], &fy));
    *shrink = PetscMin(*shrink, (ff - fy) / ff);
    for (PetscInt j = 0; j < i; j++) {
      PetscReal a, b;
      PetscCall(VecDot(f[i], y[j], &a));
      PetscCall(VecDot(f[j], y[i], &b));
      *asym = PetscMax(*asym, PetscAbsReal(a - b) / (nf[i] * ny[j] + nf[j] * ny[i]));
    }
  }
  for (PetscInt i = 0; i < NF; i++) {
    PetscCall(VecDestroy(&f[i]));
    PetscCall(VecDestroy(&y[i]));
  }
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSymmetry(PetscInt dim, const PetscInt M[3], const char decomp[])
{
  PetscReal asym_mg, shrink_mg, asym_unet, shrink_unet;

  PetscFunctionBeginUser;
  PetscCall(Symmetry("mg_unet", dim, M, decomp, &asym_mg, &shrink_mg));
  PetscCall(Symmetry("unet", dim, M, decomp, &asym_unet, &shrink_unet));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD %d x %d x %d, linear activation, zero biases: mg_unet asymmetry %.1e, min <f, f - y>/<f, f> %.3f; unet asymmetry %.1e\n", (int)dim, (int)M[0], (int)M[1], (int)M[2], (double)asym_mg, (double)shrink_mg, (double)asym_unet));
  PetscCheck(asym_mg <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "mg_unet with a linear activation is not symmetric: %g > 1e-12 (R = P^T, C = B or Q = E broken)", (double)asym_mg);
  PetscCheck(shrink_mg > 1e-3, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "mg_unet's correction is not subtracted: min <f, f - y>/<f, f> = %g", (double)shrink_mg);
  PetscCheck(asym_unet > 1e-3, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the untied unet came out symmetric (%g): the check cannot tell ties apart", (double)asym_unet);
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  static const CountConfig counts[] = {
      {2, {8, 8, 1}, 2, 1, 2, 1, 0},
      {2, {9, 12, 1}, 3, 2, 3, 2, 5},
      {3, {8, 6, 5}, 2, 1, 2, 2, 4},
  };
  static const PetscInt grid2[3] = {13, 12, 1}, grid3[3] = {8, 7, 6};
  char                  decomp[128];

  PetscFunctionBeginUser;
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) PetscCall(CheckCounts(&counts[k]));
  PetscCall(CheckSymmetry(2, grid2, decomp));
  PetscCall(CheckSymmetry(3, grid3, decomp));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "unet2d mg_unet checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
