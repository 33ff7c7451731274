/* Whole 2D models' forward passes against plain references (nn2dref.h) composed from the formulas of
   docs/networks.md ("Models", the U-net V-cycle) and docs/science.md §2-§5, §7: resnet, sym_resnet,
   fsi_resnet, recurrent, unet and mg_unet on small nonsquare grids, random theta read through the
   parameter groups (names and shapes as docs/networks.md lists them), the input by natural index;
   y gathered in natural order on the decomposition of the run against the reference computed on
   every rank, 1e-12 relative (max norm). */
#include "nn2dref.h"
#include "../nn/nntest.h"

#define TOL 1e-12

typedef struct {
  PdennModelType type;
  PetscInt       W, H, M, r, blocks, cycle, iterations, levels, nu;
  PdennBoundary  bc;
  PetscInt       act;
  PetscReal      lambda;
} Case;

/* Everything the reference needs: the grid, the deck values and the model (for its theta) */
typedef struct {
  const Case *c;
  PdennModel  m;
  PetscInt    kw, n_nodes;
  PetscReal   s_max;
} Ref;

static PetscErrorCode RefKernel(const Ref *R, const char name[], PetscInt c_out, PetscInt c_in, const PetscReal **w)
{
  const PetscInt shape[4] = {c_out, c_in, R->kw, R->kw};

  PetscFunctionBeginUser;
  PetscCall(RefGroup(R->m, name, 4, shape, w));
  PetscFunctionReturn(0);
}

static PetscErrorCode RefVector(const Ref *R, const char name[], PetscInt n, const PetscReal **v)
{
  PetscFunctionBeginUser;
  PetscCall(RefGroup(R->m, name, 1, &n, v));
  PetscFunctionReturn(0);
}

/* The activation of the layer `owner` (its table "owner/act_g" if trainable) */
static PetscErrorCode RefActivation(const Ref *R, const char owner[], RefAct *a)
{
  char name[96];

  PetscFunctionBeginUser;
  *a = (RefAct){R->c->act, R->c->lambda, R->n_nodes, R->s_max, NULL};
  if (R->c->act != PDENN_ACTIVATION_TRAINABLE) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/act_g", owner));
  PetscCall(RefVector(R, name, R->n_nodes, &a->g));
  PetscFunctionReturn(0);
}

static RefConv Conv(const Ref *R, PetscInt c_in, PetscInt c_out, PetscInt stride, const PetscReal *w, const PetscReal *b)
{
  return (RefConv){c_in, c_out, R->c->r, stride, R->c->bc, w, b};
}

/* res = W^T phi(W u) of block `owner` (W: 1 -> M, phi on groups of d = 2 channels) */
static PetscErrorCode SymResidual(const Ref *R, const char owner[], const PetscReal u[], PetscReal res[], PetscReal *tau)
{
  const PetscInt   n = R->c->W * R->c->H, M = R->c->M;
  const PetscReal *w, *t;
  PetscReal       *z;
  RefAct           act;
  RefConv          W;
  char             name[96];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/W", owner));
  PetscCall(RefKernel(R, name, M, 1, &w));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/tau", owner));
  PetscCall(RefVector(R, name, 1, &t));
  PetscCall(RefActivation(R, owner, &act));
  *tau = t[0];
  W    = Conv(R, 1, M, 1, w, NULL);
  PetscCall(PetscMalloc1(n * M, &z));
  RefConvForward(&W, R->c->W, R->c->H, u, z);
  RefGroupActivation(&act, 2, n * M / 2, z, z);
  RefConvTranspose(&W, R->c->W, R->c->H, z, res);
  PetscCall(PetscFree(z));
  PetscFunctionReturn(0);
}

/* sym_resnet: u <- u - tau_k W_k^T phi_k(W_k u); fsi_resnet: the same step, then
   u^{k+1} = alpha_p step + (1 - alpha_p) u^{k-1}, alpha_p = (4p+2)/(2p+3), p = k mod n_c,
   u^{k-1} := u^k at p = 0 */
static PetscErrorCode RefSymStack(const Ref *R, PetscReal u[])
{
  const PetscInt n = R->c->W * R->c->H, nc = R->c->cycle ? R->c->cycle : R->c->blocks;
  PetscReal     *res, *prev, tau;
  char           owner[32];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n, &res, n, &prev));
  for (PetscInt k = 0; k < R->c->blocks; k++) {
    const PetscInt  p     = k % nc;
    const PetscReal alpha = R->c->type == PDENN_MODEL_FSI_RESNET ? (4.0 * p + 2.0) / (2.0 * p + 3.0) : 1.0;
    PetscCall(PetscSNPrintf(owner, sizeof(owner), "block%" PetscInt_FMT, k));
    PetscCall(SymResidual(R, owner, u, res, &tau));
    if (p == 0) PetscCall(PetscArraycpy(prev, u, n));
    for (PetscInt i = 0; i < n; i++) {
      const PetscReal next = alpha * (u[i] - tau * res[i]) + (1.0 - alpha) * prev[i];
      prev[i]              = u[i];
      u[i]                 = next;
    }
  }
  PetscCall(PetscFree2(res, prev));
  PetscFunctionReturn(0);
}

/* recurrent: v^0 = f, v^{l+1} = f - tau W^T phi(W v^l), one shared block0 */
static PetscErrorCode RefRecurrent(const Ref *R, PetscReal u[])
{
  const PetscInt n = R->c->W * R->c->H;
  PetscReal     *f, *res, tau;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n, &f, n, &res));
  PetscCall(PetscArraycpy(f, u, n));
  for (PetscInt l = 0; l < R->c->iterations; l++) {
    PetscCall(SymResidual(R, "block0", u, res, &tau));
    for (PetscInt i = 0; i < n; i++) u[i] = f[i] - tau * res[i];
  }
  PetscCall(PetscFree2(f, res));
  PetscFunctionReturn(0);
}

/* resnet: u <- u + W2 sigma(W1 u + b1) + b2, sigma pointwise */
static PetscErrorCode RefResnet(const Ref *R, PetscReal u[])
{
  const PetscInt   n = R->c->W * R->c->H, M = R->c->M;
  const PetscReal *w1, *b1, *w2, *b2;
  PetscReal       *z, *d;
  RefAct           act;
  RefConv          W1, W2;
  char             owner[32], name[96];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n * M, &z, n, &d));
  for (PetscInt k = 0; k < R->c->blocks; k++) {
    PetscCall(PetscSNPrintf(owner, sizeof(owner), "block%" PetscInt_FMT, k));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/W1", owner));
    PetscCall(RefKernel(R, name, M, 1, &w1));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/b1", owner));
    PetscCall(RefVector(R, name, M, &b1));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/W2", owner));
    PetscCall(RefKernel(R, name, 1, M, &w2));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/b2", owner));
    PetscCall(RefVector(R, name, 1, &b2));
    PetscCall(RefActivation(R, owner, &act));
    W1 = Conv(R, 1, M, 1, w1, b1);
    W2 = Conv(R, M, 1, 1, w2, b2);
    RefConvForward(&W1, R->c->W, R->c->H, u, z);
    RefGroupActivation(&act, 1, n * M, z, z);
    RefConvForward(&W2, R->c->W, R->c->H, z, d);
    for (PetscInt i = 0; i < n; i++) u[i] += d[i];
  }
  PetscCall(PetscFree2(z, d));
  PetscFunctionReturn(0);
}

/* x <- x + sigma(K x + b) on a level of W x H points, K = B (pre) or C^T (post) */
static PetscErrorCode Smooth(const Ref *R, const char owner[], const char kernel[], const char bias[], PetscBool transposed, PetscInt W, PetscInt H, PetscReal x[])
{
  const PetscInt   M = R->c->M, n = W * H * M;
  const PetscReal *w, *b;
  PetscReal       *z;
  RefAct           act;
  RefConv          K;
  char             name[96];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/%s", owner, kernel));
  PetscCall(RefKernel(R, name, M, M, &w));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/%s", owner, bias));
  PetscCall(RefVector(R, name, M, &b));
  PetscCall(RefActivation(R, owner, &act));
  PetscCall(PetscMalloc1(n, &z));
  K = Conv(R, M, M, 1, w, transposed ? NULL : b);
  if (transposed) {
    RefConvTranspose(&K, W, H, x, z);
    for (PetscInt i = 0; i < n; i++) z[i] += b[i % M];
  } else
    RefConvForward(&K, W, H, x, z);
  RefGroupActivation(&act, 1, n, z, z);
  for (PetscInt i = 0; i < n; i++) x[i] += z[i];
  PetscCall(PetscFree(z));
  PetscFunctionReturn(0);
}

/* The V-cycle of docs/networks.md on levels of (M - 1)/2 + 1 points per axis (coarse P on fine 2P):
   x_0 = E f; down: pre-smoothers, x_{l+1} = R_l x_l (stride 2); up: w_l = x_l + P_l w_{l+1} with
   P_l the transposed stride-2 convolution of its kernel, post-smoothers C^T in reverse order;
   y = f + s Q^T w_0. mg_unet: smooth<s> for pre and post, P_l = R_l, Q = E, s = -1. */
static PetscErrorCode RefUNet(const Ref *R, PetscReal u[])
{
  const PetscInt   L = R->c->levels, nu = R->c->nu, M = R->c->M;
  const PetscBool  tied = (PetscBool)(R->c->type == PDENN_MODEL_MG_UNET);
  const PetscReal *w;
  PetscInt         Wl[8], Hl[8];
  PetscReal       *x[8], *corr, *out;
  RefConv          K;
  char             owner[64], name[96];

  PetscFunctionBeginUser;
  Wl[0] = R->c->W, Hl[0] = R->c->H;
  for (PetscInt l = 1; l < L; l++) Wl[l] = RefCoarseSize(Wl[l - 1], 2), Hl[l] = RefCoarseSize(Hl[l - 1], 2);
  for (PetscInt l = 0; l < L; l++) PetscCall(PetscMalloc1(Wl[l] * Hl[l] * M, &x[l]));
  PetscCall(PetscMalloc2(Wl[0] * Hl[0] * M, &corr, Wl[0] * Hl[0], &out));
  PetscCall(RefKernel(R, "lift/E", M, 1, &w));
  K = Conv(R, 1, M, 1, w, NULL);
  RefConvForward(&K, Wl[0], Hl[0], u, x[0]);
  for (PetscInt l = 0; l < L; l++) {
    for (PetscInt s = 0; s < nu; s++) {
      PetscCall(PetscSNPrintf(owner, sizeof(owner), "level%" PetscInt_FMT "/%s%" PetscInt_FMT, l, tied ? "smooth" : "pre", s));
      PetscCall(Smooth(R, owner, "B", "b", PETSC_FALSE, Wl[l], Hl[l], x[l]));
    }
    if (l == L - 1) break;
    PetscCall(PetscSNPrintf(name, sizeof(name), "level%" PetscInt_FMT "/R", l));
    PetscCall(RefKernel(R, name, M, M, &w));
    K = Conv(R, M, M, 2, w, NULL);
    RefConvForward(&K, Wl[l], Hl[l], x[l], x[l + 1]);
  }
  for (PetscInt l = L - 1; l >= 0; l--) { /* x[l] becomes w_l */
    if (l < L - 1) {
      PetscCall(PetscSNPrintf(name, sizeof(name), "level%" PetscInt_FMT "/%s", l, tied ? "R" : "P"));
      PetscCall(RefKernel(R, name, M, M, &w));
      K = Conv(R, M, M, 2, w, NULL);
      RefConvTranspose(&K, Wl[l], Hl[l], x[l + 1], corr);
      for (PetscInt i = 0; i < Wl[l] * Hl[l] * M; i++) x[l][i] += corr[i];
    }
    for (PetscInt q = nu - 1; q >= 0; q--) {
      PetscCall(PetscSNPrintf(owner, sizeof(owner), "level%" PetscInt_FMT "/%s%" PetscInt_FMT, l, tied ? "smooth" : "post", q));
      PetscCall(Smooth(R, owner, tied ? "B" : "C", tied ? "b" : "c", PETSC_TRUE, Wl[l], Hl[l], x[l]));
    }
  }
  PetscCall(RefKernel(R, tied ? "lift/E" : "output/Q", M, 1, &w));
  K = Conv(R, 1, M, 1, w, NULL);
  RefConvTranspose(&K, Wl[0], Hl[0], x[0], out);
  for (PetscInt i = 0; i < Wl[0] * Hl[0]; i++) u[i] += (tied ? -1.0 : 1.0) * out[i];
  for (PetscInt l = 0; l < L; l++) PetscCall(PetscFree(x[l]));
  PetscCall(PetscFree2(corr, out));
  PetscFunctionReturn(0);
}

static PetscErrorCode RefModel(const Ref *R, PetscReal u[])
{
  PetscFunctionBeginUser;
  switch (R->c->type) {
  case PDENN_MODEL_SYM_RESNET:
  case PDENN_MODEL_FSI_RESNET: PetscCall(RefSymStack(R, u)); break;
  case PDENN_MODEL_RECURRENT: PetscCall(RefRecurrent(R, u)); break;
  case PDENN_MODEL_RESNET: PetscCall(RefResnet(R, u)); break;
  default: PetscCall(RefUNet(R, u));
  }
  PetscFunctionReturn(0);
}

/* The deck of a case: every key the reference reads, under the prefix r_ */
static PetscErrorCode CaseOptions(const Case *c, char opts[], size_t len)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, len,
                          "-r_model_type %s -r_channels %" PetscInt_FMT " -r_kernel_radius %" PetscInt_FMT " -r_bc %s -r_activation %s -r_act_lambda %g -r_act_nodes 9 -r_act_smax 1.5 -r_blocks %" PetscInt_FMT " -r_cycle_length %" PetscInt_FMT " -r_iterations %" PetscInt_FMT " -r_levels %" PetscInt_FMT " -r_smoothing_steps %" PetscInt_FMT,
                          PdennModelTypes[c->type], c->M, c->r, PdennBoundaryTypes[c->bc], PdennActivationTypes[c->act], (double)c->lambda, c->blocks, c->cycle, c->iterations, c->levels, c->nu));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckCase(MPI_Comm comm, const Case *c, PetscReal *err)
{
  const PetscInt G[3] = {c->W, c->H, 1};
  PdennModel     m;
  DM             da;
  Vec            x, y;
  PetscReal     *xa, *ya;
  char           opts[512];
  Ref            R;

  PetscFunctionBeginUser;
  PetscCall(CaseOptions(c, opts, sizeof(opts)));
  PetscCall(PetscOptionsInsertString(NULL, opts));
  PetscCall(PdennModelCreate(comm, "r_", &m));
  PetscCall(PdennModelSetFromOptions(m));
  PetscCall(PdennModelSetUpGrid(m, 2, G));
  PetscCall(NNTestRandomTheta(m, 17 + c->type, 0.5));
  PetscCall(PdennModelGetDM(m, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(Op2dFillHash(x, 61));
  PetscCall(PdennModelForward(m, x, y));
  PetscCall(GridGatherNatural(x, &xa));
  PetscCall(GridGatherNatural(y, &ya));
  R = (Ref){c, m, 2 * c->r + 1, 9, 1.5};
  PetscCall(RefModel(&R, xa)); /* xa becomes the reference output */
  *err = PdennTestArrayRelDiff(c->W * c->H, ya, xa);
  PetscCall(PetscFree(xa));
  PetscCall(PetscFree(ya));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(PdennModelDestroy(&m));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PdennBoundary Rf = PDENN_BC_REFLECT, Z = PDENN_BC_ZERO;
  const PetscInt      T = PDENN_ACTIVATION_TRAINABLE;
  /* type, W, H, M, r, blocks, cycle, iterations, levels, nu, bc, activation, lambda */
  const Case cases[] = {
      {PDENN_MODEL_RESNET, 12, 10, 3, 1, 2, 0, 0, 0, 0, Rf, PDENN_FLUX_TANH, 0.7},
      {PDENN_MODEL_RESNET, 11, 9, 2, 2, 2, 0, 0, 0, 0, Z, T, 0.7},
      {PDENN_MODEL_SYM_RESNET, 12, 10, 4, 1, 3, 0, 0, 0, 0, Rf, T, 0.7},
      {PDENN_MODEL_SYM_RESNET, 11, 10, 2, 2, 2, 0, 0, 0, 0, Z, PDENN_FLUX_PERONA_MALIK, 0.3},
      {PDENN_MODEL_FSI_RESNET, 12, 10, 2, 1, 5, 3, 0, 0, 0, Rf, PDENN_FLUX_CHARBONNIER, 0.3},
      {PDENN_MODEL_FSI_RESNET, 9, 10, 4, 1, 4, 0, 0, 0, 0, Z, T, 0.7},
      {PDENN_MODEL_RECURRENT, 12, 10, 2, 1, 0, 0, 3, 0, 0, Rf, PDENN_FLUX_WEICKERT, 0.3},
      {PDENN_MODEL_RECURRENT, 12, 9, 4, 2, 0, 0, 2, 0, 0, Z, T, 0.7},
      {PDENN_MODEL_UNET, 12, 10, 2, 1, 0, 0, 0, 3, 2, Rf, PDENN_FLUX_TANH, 0.7},
      {PDENN_MODEL_UNET, 13, 9, 2, 1, 0, 0, 0, 3, 1, Z, T, 0.7},
      {PDENN_MODEL_MG_UNET, 12, 10, 2, 1, 0, 0, 0, 3, 2, Rf, T, 0.7},
      {PDENN_MODEL_MG_UNET, 11, 10, 2, 2, 0, 0, 0, 2, 1, Rf, PDENN_FLUX_EXP_PERONA_MALIK, 0.3},
  };
  PetscReal worst = 0.0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "2D models' forward passes against plain references"));
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
    const Case *c = &cases[k];
    PetscReal   e;
    PetscCall(CheckCase(PETSC_COMM_WORLD, c, &e));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-10s %2" PetscInt_FMT "x%-2" PetscInt_FMT " M %" PetscInt_FMT " r %" PetscInt_FMT " %-7s %-16s: y differs from the reference by %.2e\n", PdennModelTypes[c->type], c->W, c->H, c->M, c->r, PdennBoundaryTypes[c->bc], PdennActivationTypes[c->act], (double)e));
    PetscCheck(e <= TOL, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s on %" PetscInt_FMT "x%" PetscInt_FMT ": y differs from the reference by %g (> %g)", PdennModelTypes[c->type], c->W, c->H, (double)e, (double)TOL);
    worst = PetscMax(worst, e);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "largest difference %.2e\nreference model checks passed\n", (double)worst));
  PetscCall(PetscFinalize());
  return 0;
}
