/* pdenn operators shared by the classical schemes and the networks built from them
   (docs/science.md §1-2): fluxes/activations phi(s) = g(s^2) s and the multi-channel 1D convolution W
   with its exact adjoint W^T. The explicit scheme u - tau K^T Phi(K u) and the symmetric residual
   block u - tau W^T phi(W u) are the same code: PdennSymStep below. */
#pragma once
#include <pdenn/core.h>

/* ---- Fluxes (diffusivities) and fixed activations ------------------------------------------ */
typedef enum {
  PDENN_FLUX_LINEAR,
  PDENN_FLUX_PERONA_MALIK,
  PDENN_FLUX_EXP_PERONA_MALIK,
  PDENN_FLUX_CHARBONNIER,
  PDENN_FLUX_WEICKERT,
  PDENN_FLUX_RELU,
  PDENN_FLUX_TANH,
  PDENN_FLUX_NTYPES
} PdennFluxType;
extern const char *const PdennFluxTypes[]; /* "linear", "perona_malik", ... for decks */

typedef struct {
  PdennFluxType type;
  PetscReal     lambda; /* contrast parameter, > 0 (unused by linear, relu, tanh) */
} PdennFlux;

/* phi[i] = Phi(s[i]) and, if dphi != NULL, dphi[i] = Phi'(s[i]); a loop per type, no per-element
   dispatch. */
PetscErrorCode PdennFluxApply(PdennFlux flux, PetscInt n, const PetscReal s[], PetscReal phi[], PetscReal dphi[]);
/* g(s^2) = Phi(s)/s (the diffusivity; 1 at s = 0 for all diffusivities) */
PetscErrorCode PdennFluxDiffusivity(PdennFlux flux, PetscInt n, const PetscReal s[], PetscReal g[]);
/* g as PdennFluxDiffusivity (bitwise) and dphi = Phi'(s) from one evaluation of the flux (one tanh) */
PetscErrorCode PdennFluxDiffusivityDerivative(PdennFlux flux, PetscInt n, const PetscReal s[], PetscReal g[], PetscReal dphi[]);
/* g from s2 = s^2 directly (no square root, one division for Perona-Malik): the same function as
   PdennFluxDiffusivity at s = sqrt(s2), rounded differently (about an ulp of g; tanh goes through
   s and is identical). g may be s2. */
PetscErrorCode PdennFluxDiffusivitySquared(PdennFlux flux, PetscInt n, const PetscReal s2[], PetscReal g[]);
/* L = sup Phi(s)/s: the sector bound of docs/science.md §2 (1 for every flux here) */
PetscReal PdennFluxSectorBound(PdennFlux flux);

/* Activation interface used by PdennSymStep: classical fluxes and trainable ones (nn.h) alike.
   Computes phi = act(z) over n values and, if dphi != NULL, its derivative. */
typedef PetscErrorCode (*PdennActivationFn)(void *ctx, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[]);
PetscErrorCode PdennFluxActivation(void *flux /* PdennFlux* */, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[]);

/* ---- Multi-channel 1D convolution with reflecting or zero boundaries --------------------- */
typedef enum { PDENN_BC_REFLECT,
               PDENN_BC_ZERO } PdennBoundary;
extern const char *const PdennBoundaryTypes[];

/* out[i][co] = b[co] + sum_ci sum_{o=-r..r} w[co][ci][o+r] in[i+o][ci]
   Arrays are point-major, channel fastest (DMDA dof layout). `in` points at the first owned
   point and is valid on [-r, n+r) (ghosts filled by PdennConv1dFillGhosts). Reflecting means the
   half-sample mirror u[-1-k] = u[k]: with kernel (0,-1,1)/h it is exactly the forward difference
   K of docs/science.md §1 with K u = 0 at the last point, and K^T K the Neumann Laplacian. */
typedef struct {
  PetscInt         c_in, c_out, radius; /* kernel width 2 radius + 1 */
  PdennBoundary    bc;
  const PetscReal *w; /* [c_out][c_in][2 radius + 1] */
  const PetscReal *b; /* [c_out], or NULL for no bias */
} PdennConv1d;

/* Fill the physical-boundary ghosts of a c-channel array valid on [-r, n+r). */
PetscErrorCode PdennConv1dFillGhosts(PdennBoundary bc, PetscInt n, PetscInt r, PetscInt c, PetscBool at_left, PetscBool at_right, PetscReal *a);
/* Ghost exchange of a global DMDA vector into loc and the physical ghosts filled: *a points at
   the first owned point (valid on [-r, n+r)). Release with VecRestoreArray(loc, NULL). */
PetscErrorCode PdennDMDAGetGhostedArray(DM da, Vec g, Vec loc, PdennBoundary bc, PetscReal **a, PetscInt *n, PetscBool *at_left, PetscBool *at_right);
PetscErrorCode PdennConv1dForward(const PdennConv1d *conv, PetscInt n, const PetscReal *in, PetscReal *out);
/* x = W^T v (bias ignored). v is valid on [-r, n+r) with ZERO at physical-boundary ghosts and
   neighbours' values at inter-rank ghosts; for reflecting boundaries the mirrored contributions
   are folded back at the ranks that own the boundary. Overwrites x (c_in channels, n points). */
PetscErrorCode PdennConv1dAdjoint(const PdennConv1d *conv, PetscInt n, PetscBool at_left, PetscBool at_right, const PetscReal *v, PetscReal *x);
/* Accumulates dL/dw and dL/db (if db != NULL) for dL/dout = v over this rank's points;
   `in` as in Forward (ghosts filled). Callers sum over ranks. */
PetscErrorCode PdennConv1dWeightGrad(const PdennConv1d *conv, PetscInt n, const PetscReal *in, const PetscReal *v, PetscReal *dw, PetscReal *db);

/* ---- Ghosts of the rank's edges only (src/op/edges.c) ---------------------------------------- */
/* The kernels above read ghosts only within r points of the rank's ends: the points [0, r) and
   [n - r, n) go through small ghosted buffers, the rest is read in place (no whole-vector copy). */
typedef struct {
  DM         da; /* borrowed */
  PetscInt   r, c, n;
  PetscBool  at_left, at_right;
  PetscReal *left, *right; /* [4 r c] each: points [-r, 3r) and [n - 3r, n + r) */
} PdennEdgeHalo;
/* One piece of the owned range: `in` at its first point (valid on [-r, n + r) relative to it),
   its offset and length in points, and whether it holds a physical boundary. */
typedef struct {
  const PetscReal *in;
  PetscInt         off, n;
  PetscBool        at_left, at_right;
} PdennEdgePiece;
/* Collective. *usable: every rank owns at least 2r points (else use PdennDMDAGetGhostedArray). */
PetscErrorCode PdennEdgeHaloCreate(DM da, PetscInt r, PdennEdgeHalo *h, PetscBool *usable);
PetscErrorCode PdennEdgeHaloDestroy(PdennEdgeHalo *h);
/* Collective: the edge buffers from this rank's owned array (DMDA layout) with neighbours' points
   and physical ghosts by bc. */
PetscErrorCode PdennEdgeHaloFill(PdennEdgeHalo *h, const PetscReal *owned, PdennBoundary bc);
/* The owned range as 2 or 3 pieces (left edge, interior read in place from `owned`, right edge). */
void PdennEdgeHaloPieces(const PdennEdgeHalo *h, const PetscReal *owned, PdennEdgePiece p[3], PetscInt *np);

/* ---- The symmetric step  out = u - tau W^T phi(W u)  on DMDAs -------------------------------- */
/* One pass (docs/performance.md §1): after the ghost exchange of u, each block of `chunk` owned
   points gets z = W u on the block and r halo points each side, phi(z), W^T phi(z) and the update
   while the block is in cache; phi(z) at the neighbours' r edge points comes from a small
   neighbour exchange. Activations that are not known to be pointwise (e.g. FED's frozen g_i,
   which indexes the rank's points) get the whole local range as one block. */
typedef struct {
  DM                da_u, da_z; /* dof c_in and c_out, ghost width >= radius (borrowed refs) */
  PdennConv1d       conv;
  PdennActivationFn act;
  void             *act_ctx;
  PdennActivationFn act_pointwise;      /* besides PdennFluxActivation, an act known to be pointwise */
  PetscInt          chunk;              /* points per block of the sweep (set up from the L1 size) */
  Vec               u_loc;              /* work: ghosted u */
  Vec               s_loc;              /* work: ghosted -tau dy of the backward pass (created there) */
  PetscReal        *zbuf, *dbuf, *rbuf; /* work: phi(z) on a block with its halo, phi'(z), W^T phi(z) */
  PetscInt          cap;                /* points zbuf/rbuf hold (halo excluded) */
  PetscReal        *halo;               /* [4][radius c_out]: phi(z) at my first/last points, neighbours' */
} PdennSymStep;

PetscErrorCode PdennSymStepSetUp(PdennSymStep *step, DM da_u, DM da_z, PdennConv1d conv, PdennActivationFn act, void *act_ctx);
/* out = u - tau W^T phi(W u); out may be u. If z_save != NULL it receives W u (global, da_z). */
PetscErrorCode PdennSymStepApply(PdennSymStep *step, PetscReal tau, Vec u, Vec out, Vec z_save);
/* What a training forward pass keeps; any may be NULL: z = W u, phi(z) and phi'(z) (da_z), and
   r = W^T phi(z) (da_u, not u or out). */
typedef struct {
  Vec z, phi, dphi, r;
} PdennSymStepTape;
/* out = u - tau W^T phi(W u), filling the tape's vectors in the same pass. */
PetscErrorCode PdennSymStepApplySave(PdennSymStep *step, PetscReal tau, Vec u, Vec out, const PdennSymStepTape *tape);
/* Backward of out = skip u - tau W^T phi(W u) (skip 0 or 1, pointwise phi) from phi(z) and
   phi'(z) on the tape, in one pass like the forward: with s = -tau dy and q = phi'(z) (W s),
   du = skip dy + W^T q and, if dw != NULL, dw += grad_w <W s, phi(z)> + grad_w <q, W u> over
   this rank's points (callers sum over ranks). du must differ from dy and u. */
PetscErrorCode PdennSymStepBackward(PdennSymStep *step, PetscReal tau, Vec u, const PdennSymStepTape *tape, Vec dy, PetscReal skip, Vec du, PetscReal dw[]);
/* r = W^T phi(W u) alone (the "flux divergence"; out = u - tau r). */
PetscErrorCode PdennSymStepResidual(PdennSymStep *step, Vec u, Vec r, Vec z_save);
PetscErrorCode PdennSymStepDestroy(PdennSymStep *step);
/* Largest singular value of W by power iteration on W^T W on the DMDA (its = iterations). */
PetscErrorCode PdennSymStepNormW(PdennSymStep *step, PetscInt its, PetscReal *norm);

/* ---- The d-dimensional K of images and volumes (src/op/grid.c, grid_matrix.c) ---------------- */
/* On a dof-1 DMDA of dimension 2 or 3 (PdennDMDACreate, ghost width >= order): order 1 K = the
   forward-difference gradient / h (d components, zero where the neighbour is outside: the
   reflecting boundary), order 2 K = the (2d+1)-point Laplacian / h^2 with the half-sample mirror.
   Phi acts on the gradient vector: Phi(z) = g(|z|^2) z (isotropic; docs/science.md). */
typedef struct {
  DM         da, da_z; /* u (dof 1) and K u (dof nz), the same decomposition */
  PetscInt   dim, order, nz, M[3];
  PetscReal  h;
  Vec        u_loc, z, z_loc; /* work */
  PetscReal *s, *g;           /* work: one value per owned point each (|z| and g must not alias) */
} PdennGridOp;

PetscErrorCode PdennGridOpSetUp(PdennGridOp *op, DM da, PetscInt order, PetscReal h);
PetscErrorCode PdennGridOpDestroy(PdennGridOp *op);
/* Ghost exchange of g (on da, op->da or op->da_z) into loc, physical ghosts mirrored or zero. */
PetscErrorCode PdennGridOpGhosts(PdennGridOp *op, DM da, Vec g, Vec loc, PdennBoundary bc);
/* z = K u (z on op->da_z) */
PetscErrorCode PdennGridOpForward(PdennGridOp *op, Vec u, Vec z);
/* g = g(|K u|^2) at every point (order 2: g((K u)^2)) */
PetscErrorCode PdennGridOpDiffusivity(PdennGridOp *op, PdennFlux flux, Vec u, Vec g);
/* out = alpha u - tau K^T Phi(K u); with gfrozen (a Vec like u) Phi(z) = gfrozen z instead.
   out may be u. */
PetscErrorCode PdennGridOpStep(PdennGridOp *op, PdennFlux flux, Vec gfrozen, PetscReal alpha, PetscReal tau, Vec u, Vec out);
/* g[i] = g(|z_i|^2) over n points of op->nz components: from |z|^2 (PdennFluxDiffusivitySquared,
   as the fused step computes it) for nz > 1, from z (PdennFluxDiffusivity) for nz = 1 */
PetscErrorCode PdennGridGroupDiffusivity(PdennGridOp *op, PdennFlux flux, PetscInt n, const PetscReal *z, PetscReal *g);
/* s[i] = |z_i| over n points of nz components (nz = 1: s = z, sign kept, as in 1D) */
void PdennGridGroupNorms(PetscInt n, PetscInt nz, const PetscReal *z, PetscReal *s);
/* A = I + tau K^T J K (A from DMCreateMatrix(op->da)), J per point from w: wdof = 1, a scalar
   weight (J = w I), or wdof = nz^2, a full block (row-major). */
PetscErrorCode PdennGridOpImplicitMatrix(PdennGridOp *op, PetscReal tau, Vec w, PetscInt wdof, Mat A);
/* J (nz^2 values per owned point) = the derivative of Phi at K v: g I + ((Phi'(|z|) - g)/|z|^2) z z^T. */
PetscErrorCode PdennGridOpFluxJacobian(PdennGridOp *op, PdennFlux flux, Vec v, Vec J);

/* ---- The fused isotropic explicit step on 2D/3D DMDAs (src/op/gridstep.c) ------------------- */
/* out = alpha u - tau K^T Phi(K u) on a dof-1 DMDA of dimension 2 or 3 (PdennDMDACreate, box
   stencil of width >= 1): K the forward-difference gradient / h with the reflecting boundary,
   Phi(z) = g(|z|^2) z with g from `flux` (PdennFluxDiffusivity at s = |z|), or, if gfrozen != NULL,
   the frozen per-point diffusivity (a Vec on da): Phi(z)(p) = gfrozen(p) z. alpha 1: the explicit
   step; alpha 0: -tau times the residual K^T Phi(K u). out may be u. One sweep reading u in place;
   only the ring of points around the rank's box goes through a scatter. Every point's arithmetic is
   the same at every rank count and decomposition: results agree bitwise. The boundary is the
   reflecting one whatever the DMDA's boundary type. Create and Apply are collective on da. */
typedef struct _n_PdennGridStep *PdennGridStep;
PetscErrorCode PdennGridStepCreate(DM da, PetscReal h, PdennGridStep *gs);
PetscErrorCode PdennGridStepApply(PdennGridStep gs, PdennFlux flux, Vec gfrozen, PetscReal alpha, PetscReal tau, Vec u, Vec out);
/* PETSC_TRUE: g from |z|^2 by PdennFluxDiffusivitySquared (no square root; Perona-Malik one
   division instead of two): the same function, rounded differently (docs/performance.md §6 for
   the speed). Default PETSC_FALSE: PdennFluxDiffusivity at |z|. */
PetscErrorCode PdennGridStepSetDiffusivitySquared(PdennGridStep gs, PetscBool squared);
PetscErrorCode PdennGridStepDestroy(PdennGridStep *gs);

/* ---- Multi-channel convolution in d = 2, 3 (src/op/convnd.c, coarse.c) ------------------------ */
/* On DMDAs of dimension 2 or 3 (dof = channels, point-major, channel fastest, as in 1D):
     y(P)[co] = b[co] + sum_ci sum_{o in [-r, r]^d} w[co][ci][o] x(s P + o)[ci],
   stride s = 1 (y on x's grid) or 2 (y on the coarse grid of PdennDMDACreateCoarse: the U-net's
   restriction), x outside the grid by the half-sample mirror (PDENN_BC_REFLECT: exactly the ghosts
   PdennGridOpGhosts fills) or zero. Kernels are stored w[co][ci][t], t = (o_x + r) + (2r + 1)
   ((o_y + r) + (2r + 1) (o_z + r)) (x fastest like the images; o_z = 0 in 2D). The order-1 K of
   PdennGridOp is the case 1 -> d channels, r = 1, kernels (0,0): -1/h and e_c: +1/h, reflecting. */
typedef struct {
  PetscInt s[3], m[3]; /* points [s, s + m) per axis (m = 1, s = 0 on axes beyond dim) */
} PdennGridBox;

typedef struct {
  DM               da_in, da_out; /* dof c_in and c_out (references held) */
  PetscInt         dim, c_in, c_out, radius, stride;
  PdennBoundary    bc;
  const PetscReal *w; /* [c_out][c_in][(2r+1)^d], e.g. inside theta; may be re-pointed between calls */
  const PetscReal *b; /* [c_out], or NULL for no bias */
  /* set up by PdennConvNdSetUp: the boxes of the arrays the sweeps read and write */
  PdennGridBox in_ghosted, out_owned, out_ghosted, scatter;
  Vec          in_loc, out_loc;                              /* work: ghosted x, ghosted v */
  PetscReal   *buf, *k;                                      /* work: W^T v on the scatter box, the weights as [t][ci][co] */
  PetscInt     n_ghost, *ghost_loc, *mirror_loc, *ghost_buf; /* physical ghosts of x and the points they copy */
  PetscInt    *mirror_buf;                                   /* the same in the scatter box */
} PdennConvNd;

/* Collective. da_out has da_in's grid and ownership (stride 1) or is PdennDMDACreateCoarse(da_in)
   (stride 2), DM_BOUNDARY_GHOSTED; ghost widths >= radius (da_in) and >= ceil(radius/stride)
   (da_out); every rank owns at least da_in's ghost width along each axis (PdennDMDACreate checks
   it). c_in, c_out are the DMDAs' dof. Errors otherwise. */
PetscErrorCode PdennConvNdSetUp(PdennConvNd *conv, DM da_in, DM da_out, PetscInt radius, PetscInt stride, PdennBoundary bc, const PetscReal *w, const PetscReal *b);
PetscErrorCode PdennConvNdDestroy(PdennConvNd *conv);
/* y = W x + b (y on da_out) */
PetscErrorCode PdennConvNdForward(PdennConvNd *conv, Vec x, Vec y);
/* x = W^T v (bias ignored; x on da_in, overwritten): the exact transpose, mirrored contributions
   folded back. For stride 2 this is the transposed convolution (the U-net's prolongation), whose
   own adjoint is Forward. Bitwise the same for every decomposition, as Forward is: each rank sums
   every contribution to its points itself, in the same order. */
PetscErrorCode PdennConvNdAdjoint(PdennConvNd *conv, Vec v, Vec x);
/* dw += d<v, W x>/dw and, if db != NULL, db += sum of v per channel, over this rank's points
   (callers sum over ranks). For a transposed use y = W^T u, d<dy, W^T u>/dw = d<W dy, u>/dw:
   WeightGrad(conv, dy, u). */
PetscErrorCode PdennConvNdWeightGrad(PdennConvNd *conv, Vec x, Vec v, PetscReal dw[], PetscReal db[]);
/* The coarse grid of the stride-2 convolution: coarse point P on fine point 2P, (M - 1)/2 + 1
   points per axis (M/2 for even M, as the 1D U-net; 2^k + 1 -> 2^(k-1) + 1), a rank owning fine
   [s, e) owning coarse [ceil(s/2), ceil(e/2)) along each axis. Collective; an input error if a
   rank would own fewer than max(radius, 1) coarse points along an axis. */
PetscErrorCode PdennDMDACreateCoarse(DM fine, PetscInt dof, PetscInt radius, DM *coarse);
