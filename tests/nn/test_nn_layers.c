/* Layer tests: activations (derivative in s and in the table values, sector condition),
   convolution layer and strided convolution (exact adjoints, finite-difference gradients of
   L = 0.5 ||y - t||^2 in inputs, weights and biases), and the norm bound b >= ||W||^2 (equal to
   ||W^T W||_1 of the dense matrix, above the power-iteration estimate, exact for the classical K).
   Tolerances: adjoint identities 1e-13 relative (a handful of roundings of O(1) sums);
   central differences (eps 1e-6) 1e-6 relative with the floor of nntest.h. */
#include "nntest.h"

static const char help[] = "Tests of the network layers.\n";

#define CHECK(cond, ...) PetscCheck(cond, PETSC_COMM_WORLD, PETSC_ERR_PLIB, __VA_ARGS__)

/* dphi against central differences of phi, skipping z within 1e-4 of a kink (0 for relu, the
   table nodes +-s_j): there phi' is one-sided and a difference quotient straddles two slopes. */
static PetscErrorCode CheckActivation(PdennActivation *act, PetscReal *worst)
{
  enum { n = 400 };
  PetscReal z[n], phi[n], dphi[n], zp[n], zm[n], pp[n], pm[n];
  const PetscReal eps = 1e-6;
  PetscReal gmax = 0.0;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    z[i]  = 3.0 * PdennRandomUniform(1, act->type, i);
    zp[i] = z[i] + eps;
    zm[i] = z[i] - eps;
  }
  PetscCall(PdennActivationApply(act, n, z, phi, dphi));
  PetscCall(PdennActivationApply(act, n, zp, pp, NULL));
  PetscCall(PdennActivationApply(act, n, zm, pm, NULL));
  for (PetscInt i = 0; i < n; i++) gmax = PetscMax(gmax, PetscAbsReal(dphi[i]));
  *worst = 0.0;
  for (PetscInt i = 0; i < n; i++) {
    PetscBool near_kink = (PetscBool)(PetscAbsReal(z[i]) < 1e-4);
    if (act->type == PDENN_ACTIVATION_TRAINABLE) {
      const PetscReal x = PetscAbsReal(z[i]) * (act->n_nodes - 1) / act->s_max;
      near_kink = (PetscBool)(near_kink || PetscAbsReal(x - PetscFloorReal(x + 0.5)) < 1e-4 * (act->n_nodes - 1) / act->s_max);
    }
    if (!near_kink) *worst = PetscMax(*worst, NNTestRelErr(dphi[i], (pp[i] - pm[i]) / (2 * eps), gmax));
    /* the sector condition 0 <= phi(s)/s <= L of docs/science.md §2 */
    if (z[i] != 0.0) CHECK(phi[i] / z[i] >= -1e-15 && phi[i] / z[i] <= PdennActivationSectorBound(act) * (1 + 1e-15), "activation %s: phi(s)/s = %g at s = %g leaves the sector [0, %g]", PdennActivationTypes[act->type], (double)(phi[i] / z[i]), (double)z[i], (double)PdennActivationSectorBound(act));
  }
  PetscFunctionReturn(0);
}

/* d/dg_j of sum_i c_i phi(z_i): phi is linear in g, so central differences are exact up to
   rounding; plus the values at the nodes and beyond s_max, and oddness. */
static PetscErrorCode CheckTable(PdennActivation *act, PetscReal g[], PetscReal *worst)
{
  enum { n = 200 };
  PetscReal z[n], c[n], phi[n], dg[16] = {0}, gmax = 0.0;
  const PetscReal eps = 1e-6;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    z[i] = 1.5 * act->s_max * PdennRandomUniform(2, 0, i);
    c[i] = PdennRandomUniform(2, 1, i);
  }
  PetscCall(PdennActivationParamGrad(act, n, z, c, dg));
  for (PetscInt j = 0; j < act->n_nodes; j++) gmax = PetscMax(gmax, PetscAbsReal(dg[j]));
  *worst = 0.0;
  for (PetscInt j = 0; j < act->n_nodes; j++) {
    PetscReal lp = 0.0, lm = 0.0, save = g[j];
    g[j] = save + eps;
    PetscCall(PdennActivationApply(act, n, z, phi, NULL));
    for (PetscInt i = 0; i < n; i++) lp += c[i] * phi[i];
    g[j] = save - eps;
    PetscCall(PdennActivationApply(act, n, z, phi, NULL));
    for (PetscInt i = 0; i < n; i++) lm += c[i] * phi[i];
    g[j]   = save;
    *worst = PetscMax(*worst, NNTestRelErr(dg[j], (lp - lm) / (2 * eps), gmax));
  }
  for (PetscInt j = 0; j < act->n_nodes; j++) { /* phi(+-s_j) = +-g_j s_j */
    PetscReal s[2] = {j * act->s_max / (act->n_nodes - 1), -(j * act->s_max / (act->n_nodes - 1))}, p[2];
    PetscCall(PdennActivationApply(act, 2, s, p, NULL));
    CHECK(PetscAbsReal(p[0] - g[j] * s[0]) <= 1e-15 && p[1] == -p[0], "table value at node %" PetscInt_FMT " wrong: %g, expected %g", j, (double)p[0], (double)(g[j] * s[0]));
  }
  {
    PetscReal s = 3.0 * act->s_max, p;
    PetscCall(PdennActivationApply(act, 1, &s, &p, NULL));
    CHECK(PetscAbsReal(p - g[act->n_nodes - 1] * s) <= 1e-14, "beyond s_max the table must be constant");
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TestActivations(void)
{
  PetscReal       g[7], worst, err;
  PdennActivation act = {0};

  PetscFunctionBeginUser;
  worst = 0.0;
  for (PetscInt t = 0; t < PDENN_FLUX_NTYPES; t++) {
    act.type        = t;
    act.flux.type   = (PdennFluxType)t;
    act.flux.lambda = 0.7;
    PetscCall(CheckActivation(&act, &err));
    worst = PetscMax(worst, err);
  }
  for (PetscInt j = 0; j < 7; j++) g[j] = 0.5 + 0.5 * PdennRandomUniform(3, 0, j); /* nonmonotone */
  act.type    = PDENN_ACTIVATION_TRAINABLE;
  act.n_nodes = 7;
  act.s_max   = 2.0;
  act.bound   = 1.0;
  act.g       = g;
  PetscCall(CheckActivation(&act, &err));
  worst = PetscMax(worst, err);
  PetscCall(CheckTable(&act, g, &err));
  worst = PetscMax(worst, err);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "activations: max rel err of phi' and dphi/dg %.2e\n", (double)worst));
  CHECK(worst <= 1e-6, "activation derivative error %g > 1e-6", (double)worst);
  PetscFunctionReturn(0);
}

/* ---- Convolution and strided layers ---------------------------------------------------- */
typedef struct {
  PdennConvLayer    conv;
  PdennStridedLayer strided;
  PetscInt          mode; /* 0: y = W x + b, 1: y = S x (restriction), 2: y = S^T x (prolongation) */
  Vec               x, y, t;
} LayerCtx;

static PetscErrorCode LayerLoss(LayerCtx *c, PetscReal *loss)
{
  PetscFunctionBeginUser;
  if (c->mode == 0) PetscCall(PdennConvLayerForward(&c->conv, c->x, c->y));
  else if (c->mode == 1) PetscCall(PdennStridedLayerRestrict(&c->strided, c->x, c->y));
  else PetscCall(PdennStridedLayerProlong(&c->strided, c->x, c->y));
  PetscCall(VecAXPY(c->y, -1.0, c->t));
  PetscCall(VecNorm(c->y, NORM_2, loss));
  *loss = 0.5 * (*loss) * (*loss);
  PetscFunctionReturn(0);
}

/* dx and the rank-summed dw (and db for mode 0); c->y holds dL/dy = y - t after LayerLoss */
static PetscErrorCode LayerGrad(LayerCtx *c, Vec dx, PetscReal dw[], PetscInt nw, PetscReal db[], PetscInt nb)
{
  PetscReal loss;

  PetscFunctionBeginUser;
  PetscCall(LayerLoss(c, &loss));
  PetscCall(PetscArrayzero(dw, nw));
  PetscCall(PetscArrayzero(db, nb));
  if (c->mode == 0) PetscCall(PdennConvLayerBackward(&c->conv, c->x, c->y, dx, dw, db));
  if (c->mode == 1) { /* y = D W x: dx = S^T dy, dw from <dy, D W x> */
    PetscCall(PdennStridedLayerProlong(&c->strided, c->y, dx));
    PetscCall(PdennStridedLayerWeightGrad(&c->strided, c->x, c->y, dw));
  }
  if (c->mode == 2) { /* y = S^T x: dx = S dy, dw from <S dy, x> */
    Vec dy;
    PetscCall(VecDuplicate(c->y, &dy));
    PetscCall(VecCopy(c->y, dy));
    PetscCall(PdennStridedLayerRestrict(&c->strided, dy, dx));
    PetscCall(PdennStridedLayerWeightGrad(&c->strided, dy, c->x, dw));
    PetscCall(VecDestroy(&dy));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, dw, (PetscMPIInt)nw, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, db, (PetscMPIInt)nb, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

static PetscErrorCode FDArray(LayerCtx *c, PetscReal p[], PetscInt n, const PetscReal an[], PetscReal *worst)
{
  const PetscReal eps = 1e-6;
  PetscReal       gmax = 0.0, lp, lm;

  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < n; j++) gmax = PetscMax(gmax, PetscAbsReal(an[j]));
  for (PetscInt j = 0; j < n; j++) {
    const PetscReal save = p[j];
    p[j] = save + eps;
    PetscCall(LayerLoss(c, &lp));
    p[j] = save - eps;
    PetscCall(LayerLoss(c, &lm));
    p[j]   = save;
    *worst = PetscMax(*worst, NNTestRelErr(an[j], (lp - lm) / (2 * eps), gmax));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode FDInput(LayerCtx *c, Vec dx, PetscReal *worst)
{
  const PetscReal eps = 1e-6;
  PetscReal      *an, gmax = 0.0, lp, lm;
  PetscInt        n;
  PetscMPIInt     rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(NNTestGather(dx, &an, &n));
  for (PetscInt i = 0; i < n; i++) gmax = PetscMax(gmax, PetscAbsReal(an[i]));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal delta[3] = {eps, -2 * eps, eps}, l[2];
    for (PetscInt k = 0; k < 3; k++) {
      if (!rank) PetscCall(VecSetValue(c->x, i, delta[k], ADD_VALUES));
      PetscCall(VecAssemblyBegin(c->x));
      PetscCall(VecAssemblyEnd(c->x));
      if (k < 2) PetscCall(LayerLoss(c, &l[k]));
    }
    lp = l[0];
    lm = l[1];
    *worst = PetscMax(*worst, NNTestRelErr(an[i], (lp - lm) / (2 * eps), gmax));
  }
  PetscCall(PetscFree(an));
  PetscFunctionReturn(0);
}

/* <A x, v> against <x, A^T v> for the layer's forward map (bias off) */
static PetscErrorCode AdjointError(LayerCtx *c, Vec x, Vec v, PetscReal *rel)
{
  Vec       ax, atv;
  PetscReal d1, d2, n1, n2;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(v, &ax));
  PetscCall(VecDuplicate(x, &atv));
  if (c->mode == 0) {
    PetscCall(PdennConvLayerForward(&c->conv, x, ax));
    PetscCall(PdennConvLayerAdjoint(&c->conv, v, atv));
  } else {
    PetscCall(PdennStridedLayerRestrict(&c->strided, x, ax));
    PetscCall(PdennStridedLayerProlong(&c->strided, v, atv));
  }
  PetscCall(VecDot(ax, v, &d1));
  PetscCall(VecDot(x, atv, &d2));
  PetscCall(VecNorm(ax, NORM_2, &n1));
  PetscCall(VecNorm(v, NORM_2, &n2));
  *rel = PetscAbsReal(d1 - d2) / (n1 * n2);
  PetscCall(VecDestroy(&ax));
  PetscCall(VecDestroy(&atv));
  PetscFunctionReturn(0);
}

typedef struct {
  DM        da2[2], da3[2]; /* 2 and 3 channels on N and N/2 points, aligned */
  PetscReal w[3 * 2 * 5], b[3];
} Grids;

static PetscErrorCode TestConv(Grids *gr, PdennBoundary bc, PetscReal *adj, PetscReal *fd)
{
  LayerCtx    c = {0};
  PdennConv1d conv = {2, 3, 2, bc, gr->w, gr->b};
  Vec         dx, v;
  PetscReal   dw[30], db[3];

  PetscFunctionBeginUser;
  PetscCall(PdennConvLayerSetUp(&c.conv, gr->da2[0], gr->da3[0], conv));
  PetscCall(DMCreateGlobalVector(gr->da2[0], &c.x));
  PetscCall(DMCreateGlobalVector(gr->da3[0], &c.y));
  PetscCall(VecDuplicate(c.y, &c.t));
  PetscCall(VecDuplicate(c.y, &v));
  PetscCall(VecDuplicate(c.x, &dx));
  PetscCall(NNTestFill(c.x, 21, 1.0, 0.2));
  PetscCall(NNTestFill(c.t, 22, 1.0, 0.0));
  PetscCall(NNTestFill(v, 23, 1.0, 0.0));
  c.conv.conv.b = NULL;
  PetscCall(AdjointError(&c, c.x, v, adj));
  c.conv.conv.b = gr->b;
  PetscCall(LayerGrad(&c, dx, dw, 30, db, 3));
  *fd = 0.0;
  PetscCall(FDArray(&c, gr->w, 30, dw, fd));
  PetscCall(FDArray(&c, gr->b, 3, db, fd));
  PetscCall(FDInput(&c, dx, fd));
  PetscCall(PdennConvLayerDestroy(&c.conv));
  PetscCall(VecDestroy(&c.x));
  PetscCall(VecDestroy(&c.y));
  PetscCall(VecDestroy(&c.t));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&dx));
  PetscFunctionReturn(0);
}

/* Restriction (mode 1) and prolongation (mode 2) with the same weights */
static PetscErrorCode TestStrided(Grids *gr, PdennBoundary bc, PetscInt mode, PetscReal *adj, PetscReal *fd)
{
  LayerCtx    c = {0};
  PdennConv1d conv = {2, 3, 2, bc, gr->w, NULL};
  Vec         fine, coarse, dx;
  PetscReal   dw[30], db[1];

  PetscFunctionBeginUser;
  c.mode = mode;
  PetscCall(PdennStridedLayerSetUp(&c.strided, gr->da2[0], gr->da3[0], gr->da3[1], conv));
  PetscCall(DMCreateGlobalVector(gr->da2[0], &fine));
  PetscCall(DMCreateGlobalVector(gr->da3[1], &coarse));
  PetscCall(NNTestFill(fine, 31, 1.0, 0.1));
  PetscCall(NNTestFill(coarse, 32, 1.0, 0.0));
  PetscCall(AdjointError(&c, fine, coarse, adj));
  PetscCall(VecDuplicate(mode == 1 ? fine : coarse, &c.x));
  PetscCall(VecDuplicate(mode == 1 ? coarse : fine, &c.y));
  PetscCall(VecDuplicate(c.y, &c.t));
  PetscCall(VecDuplicate(c.x, &dx));
  PetscCall(VecCopy(mode == 1 ? fine : coarse, c.x));
  PetscCall(NNTestFill(c.t, 33, 1.0, 0.0));
  PetscCall(LayerGrad(&c, dx, dw, 30, db, 0));
  *fd = 0.0;
  PetscCall(FDArray(&c, gr->w, 30, dw, fd));
  PetscCall(FDInput(&c, dx, fd));
  PetscCall(PdennStridedLayerDestroy(&c.strided));
  PetscCall(VecDestroy(&fine));
  PetscCall(VecDestroy(&coarse));
  PetscCall(VecDestroy(&c.x));
  PetscCall(VecDestroy(&c.y));
  PetscCall(VecDestroy(&c.t));
  PetscCall(VecDestroy(&dx));
  PetscFunctionReturn(0);
}

/* With w = (0, 1/2, 1/2) the restriction is the cell-centred average (x[2J] + x[2J+1])/2 and
   its transpose halves and copies: values known exactly (binary fractions). */
static PetscErrorCode TestStridedValues(Grids *gr)
{
  PdennStridedLayer s;
  const PetscReal   w[3] = {0.0, 0.5, 0.5};
  PdennConv1d       conv = {1, 1, 1, PDENN_BC_REFLECT, w, NULL};
  DM                f1[2];
  Vec               x, y, z;
  PetscInt          N, lo, hi;
  const PetscReal  *ya, *za;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(gr->da2[0], NULL, &N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PdennNNGridCreate(PETSC_COMM_WORLD, N, 2, 2, 1, NULL, f1));
  PetscCall(PdennStridedLayerSetUp(&s, f1[0], f1[0], f1[1], conv));
  PetscCall(DMCreateGlobalVector(f1[0], &x));
  PetscCall(DMCreateGlobalVector(f1[1], &y));
  PetscCall(VecDuplicate(x, &z));
  PetscCall(VecGetOwnershipRange(x, &lo, &hi));
  for (PetscInt i = lo; i < hi; i++) PetscCall(VecSetValue(x, i, (PetscReal)(i * i), INSERT_VALUES));
  PetscCall(VecAssemblyBegin(x));
  PetscCall(VecAssemblyEnd(x));
  PetscCall(PdennStridedLayerRestrict(&s, x, y));
  PetscCall(PdennStridedLayerProlong(&s, y, z));
  PetscCall(VecGetArrayRead(y, &ya));
  PetscCall(VecGetArrayRead(z, &za));
  for (PetscInt i = lo; i < hi; i++) {
    const PetscReal avg = 0.5 * ((i / 2 * 2) * (i / 2 * 2) + (i / 2 * 2 + 1) * (i / 2 * 2 + 1));
    if (i % 2 == 0) CHECK(ya[(i - lo) / 2] == avg, "restriction at coarse %" PetscInt_FMT ": %g, expected %g", i / 2, (double)ya[(i - lo) / 2], (double)avg);
    CHECK(za[i - lo] == 0.5 * avg, "prolongation at %" PetscInt_FMT ": %g, expected %g", i, (double)za[i - lo], (double)(0.5 * avg));
  }
  PetscCall(VecRestoreArrayRead(y, &ya));
  PetscCall(VecRestoreArrayRead(z, &za));
  PetscCall(PdennStridedLayerDestroy(&s));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&z));
  PetscCall(DMDestroy(&f1[0]));
  PetscCall(DMDestroy(&f1[1]));
  PetscFunctionReturn(0);
}

/* ||W^T W||_1 of the dense matrix, its columns W e_j computed by the layer, and the power
   iteration estimate of ||W|| from op.h's PdennSymStepNormW (c_in = 1), on PETSC_COMM_SELF. */
static PetscErrorCode DenseGramNorm1(PdennConv1d conv, PetscInt N, PetscReal *norm1, PetscReal *power_norm)
{
  DM             din, dout;
  PdennConvLayer layer;
  PdennSymStep   step;
  PdennFlux      linear = {PDENN_FLUX_LINEAR, 1.0};
  Vec            e, proto, *col;
  const PetscInt nc = N * conv.c_in;

  PetscFunctionBeginUser;
  PetscCall(PdennNNGridCreate(PETSC_COMM_SELF, N, 1, conv.radius, conv.c_in, NULL, &din));
  PetscCall(PdennNNGridCreate(PETSC_COMM_SELF, N, 1, conv.radius, conv.c_out, NULL, &dout));
  PetscCall(PdennConvLayerSetUp(&layer, din, dout, conv));
  PetscCall(DMCreateGlobalVector(din, &e));
  PetscCall(DMCreateGlobalVector(dout, &proto));
  PetscCall(VecDuplicateVecs(proto, nc, &col));
  for (PetscInt j = 0; j < nc; j++) {
    PetscCall(VecSet(e, 0.0));
    PetscCall(VecSetValue(e, j, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(e));
    PetscCall(VecAssemblyEnd(e));
    PetscCall(PdennConvLayerForward(&layer, e, col[j]));
  }
  *norm1 = 0.0;
  for (PetscInt j = 0; j < nc; j++) {
    PetscReal sum = 0.0, gij;
    for (PetscInt i = 0; i < nc; i++) {
      PetscCall(VecDot(col[i], col[j], &gij));
      sum += PetscAbsReal(gij);
    }
    *norm1 = PetscMax(*norm1, sum);
  }
  *power_norm = 0.0;
  if (conv.c_in == 1) {
    PetscCall(PdennSymStepSetUp(&step, din, dout, conv, PdennFluxActivation, &linear));
    PetscCall(PdennSymStepNormW(&step, 300, power_norm));
    PetscCall(PdennSymStepDestroy(&step));
  }
  PetscCall(VecDestroyVecs(nc, &col));
  PetscCall(VecDestroy(&e));
  PetscCall(VecDestroy(&proto));
  PetscCall(PdennConvLayerDestroy(&layer));
  PetscCall(DMDestroy(&din));
  PetscCall(DMDestroy(&dout));
  PetscFunctionReturn(0);
}

/* b = ||W^T W||_1 exactly (the reduced 4r+1-point computation included: N = 7 < 9 <= 20), b above
   the power-iteration ||W||^2, and the classical values 4/h^2 and 16/h^4 for K. */
static PetscErrorCode TestNormBound(Grids *gr)
{
  const PetscInt  Ns[2] = {7, 20};
  PetscReal       b = 0.0, dense = 1.0, power = 0.0, worst = 0.0;
  const PetscReal h = 0.3, k1[3] = {0.0, -1.0 / h, 1.0 / h}, k2[3] = {1.0 / (h * h), -2.0 / (h * h), 1.0 / (h * h)};

  PetscFunctionBeginUser;
  for (PetscInt bc = 0; bc < 2; bc++)
    for (PetscInt c_in = 1; c_in <= 2; c_in++)
      for (PetscInt k = 0; k < 2; k++) {
        PdennConv1d conv = {c_in, 3, 2, (PdennBoundary)bc, gr->w, NULL};
        PetscCall(PdennConv1dNormBound(&conv, Ns[k], &b));
        PetscCall(DenseGramNorm1(conv, Ns[k], &dense, &power));
        worst = PetscMax(worst, PetscAbsReal(b - dense) / dense);
        CHECK(power * power <= b * (1 + 1e-12), "bound %g below the power-iteration ||W||^2 = %g", (double)b, (double)(power * power));
        PetscCall(PetscPrintf(PETSC_COMM_WORLD, "norm bound: bc %s, c_in %" PetscInt_FMT ", N %2" PetscInt_FMT ": b = %.15g, dense ||W^T W||_1 = %.15g, power ||W||^2 = %.6g\n", PdennBoundaryTypes[bc], c_in, Ns[k], (double)b, (double)dense, (double)(power * power)));
      }
  CHECK(worst <= 1e-13, "norm bound differs from the dense ||W^T W||_1 by %g relative", (double)worst);
  for (PetscInt order = 1; order <= 2; order++) {
    PdennConv1d     K     = {1, 1, 1, PDENN_BC_REFLECT, order == 1 ? k1 : k2, NULL};
    const PetscReal exact = order == 1 ? 4.0 / (h * h) : 16.0 / (h * h * h * h);
    PetscCall(PdennConv1dNormBound(&K, 50, &b));
    CHECK(PetscAbsReal(b - exact) <= 1e-14 * exact, "bound for K of order %" PetscInt_FMT ": %.17g, expected %.17g", order, (double)b, (double)exact);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  Grids     gr;
  PetscReal adj, fd, worst_adj = 0.0, worst_fd = 0.0;
  PetscInt  N = 20;

  PetscFunctionBeginUser;
  PetscCall(TestActivations());
  for (PetscInt i = 0; i < 30; i++) gr.w[i] = PdennRandomUniform(4, 0, i);
  for (PetscInt i = 0; i < 3; i++) gr.b[i] = PdennRandomUniform(4, 1, i);
  PetscCall(PdennNNGridCreate(PETSC_COMM_WORLD, N, 2, 2, 2, NULL, gr.da2));
  PetscCall(PdennNNGridCreate(PETSC_COMM_WORLD, N, 2, 2, 3, NULL, gr.da3));
  for (PetscInt bc = 0; bc < 2; bc++) {
    PetscCall(TestConv(&gr, (PdennBoundary)bc, &adj, &fd));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "conv layer (%s): adjoint %.2e, gradients %.2e\n", PdennBoundaryTypes[bc], (double)adj, (double)fd));
    worst_adj = PetscMax(worst_adj, adj);
    worst_fd  = PetscMax(worst_fd, fd);
    for (PetscInt mode = 1; mode <= 2; mode++) {
      PetscCall(TestStrided(&gr, (PdennBoundary)bc, mode, &adj, &fd));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "strided %s (%s): adjoint %.2e, gradients %.2e\n", mode == 1 ? "restriction" : "prolongation", PdennBoundaryTypes[bc], (double)adj, (double)fd));
      worst_adj = PetscMax(worst_adj, adj);
      worst_fd  = PetscMax(worst_fd, fd);
    }
  }
  CHECK(worst_adj <= 1e-13, "adjoint identity violated: %g", (double)worst_adj);
  CHECK(worst_fd <= 1e-6, "layer gradient error %g > 1e-6", (double)worst_fd);
  PetscCall(TestStridedValues(&gr));
  PetscCall(TestNormBound(&gr));
  for (PetscInt l = 0; l < 2; l++) {
    PetscCall(DMDestroy(&gr.da2[l]));
    PetscCall(DMDestroy(&gr.da3[l]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "layer tests passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
