/* pdenn networks (docs/science.md §2-5): layers with forward and backward passes written in C on the
   same operator code as the classical schemes (op.h), and the models built from them.
   Conventions shared with the trainer (train.h):
   - A model acts on one sample at a time: a dof-1 global Vec on the model's signal DMDA, which
     lives on the model's (spatial) communicator.
   - All trainable parameters form one flat array theta, replicated identically on every rank.
   - Backward ACCUMULATES into dtheta this rank's partial sums over its owned points; the
     trainer sums dtheta over all ranks (space and batch) with one MPI_Allreduce.
   - Projection after each optimizer step (activation tables clipped to [0, L], step sizes kept
     <= 2/(L ||W||^2)) is deterministic and rank-independent, so theta stays identical. */
#pragma once
#include <pdenn/pde.h>

typedef enum {
  PDENN_MODEL_SYM_RESNET, /* symmetric residual blocks u - tau W^T phi(W u) */
  PDENN_MODEL_RESNET,     /* standard residual blocks u + W2 sigma(W1 u + b1) + b2 */
  PDENN_MODEL_FSI_RESNET, /* symmetric blocks with the FSI extrapolation skip (docs/science.md §3) */
  PDENN_MODEL_RECURRENT,  /* fixed-point network: shared W, input fed to every iteration (§4) */
  PDENN_MODEL_UNET,       /* standard U-net: independent R, P, pre- and post-smoothers */
  PDENN_MODEL_MG_UNET,    /* multigrid U-net: R = P^T, post-smoother = adjoint of pre (§5) */
  PDENN_MODEL_NTYPES
} PdennModelType;
extern const char *const PdennModelTypes[]; /* "sym_resnet", "resnet", "fsi_resnet", "recurrent", "unet", "mg_unet" */

typedef struct _p_PdennModel *PdennModel;

/* Keys under the given options prefix (e.g. "sym_" gives -sym_model_type): see docs/decks.md. */
PetscErrorCode PdennModelCreate(MPI_Comm comm, const char prefix[], PdennModel *model);
PetscErrorCode PdennModelSetFromOptions(PdennModel model);
/* N grid points of the signals; creates the DMDAs and the parameter array. */
PetscErrorCode PdennModelSetUp(PdennModel model, PetscInt N);
/* The same on a grid of dimension dim (1, 2, 3) with M[d] points along axis d (x fastest, as the
   images' HDF5 layout; M[d] ignored beyond dim): PdennModelSetUp(m, N) is dim 1, M = {N}. */
PetscErrorCode PdennModelSetUpGrid(PdennModel model, PetscInt dim, const PetscInt M[3]);
PetscErrorCode PdennModelGetGrid(PdennModel model, PetscInt *dim, PetscInt M[3]);
PetscErrorCode PdennModelDestroy(PdennModel *model);
PetscErrorCode PdennModelView(PdennModel model, PetscViewer viewer); /* layers, parameter counts */
PetscErrorCode PdennModelGetType(PdennModel model, PdennModelType *type);
PetscErrorCode PdennModelGetDM(PdennModel model, DM *da); /* the dof-1 signal DMDA */
PetscErrorCode PdennModelGetNumParameters(PdennModel model, PetscInt *n);
PetscErrorCode PdennModelGetParameters(PdennModel model, PetscReal **theta); /* borrowed */
/* Named parameter groups (for checkpoints and h5py users): name, offset into theta, shape. */
PetscErrorCode PdennModelGetNumGroups(PdennModel model, PetscInt *ngroups);
PetscErrorCode PdennModelGetGroup(PdennModel model, PetscInt g, const char **name, PetscInt *offset, PetscInt *ndim, const PetscInt **shape);
/* Random initialisation from a seed; identical on every rank and rank layout. */
PetscErrorCode PdennModelInitRandom(PdennModel model, PetscInt seed);
/* Initialise as a classical scheme (W = K, phi = the flux, tau from the scheme) so the network
   reproduces the solver (docs/science.md §2-4); errors for types without a classical reading. */
PetscErrorCode PdennModelInitClassical(PdennModel model, PdennDiffusion pde, PetscReal tau);
/* y = model(x); keeps what Backward needs. */
PetscErrorCode PdennModelForward(PdennModel model, Vec x, Vec y);
/* Given dL/dy: dx = dL/dx (if dx != NULL), dtheta += this rank's partial dL/dtheta. */
PetscErrorCode PdennModelBackward(PdennModel model, Vec dy, Vec dx, PetscReal dtheta[]);
/* Keep theta admissible after an update (see top of file). */
PetscErrorCode PdennModelProject(PdennModel model);

/* ---- Counting and inspecting (View, tests, docs/networks.md) ------------------------------ */
/* Trainable parameters by kind: convolution weights (every W, R, P, E, Q, smoother kernel),
   biases, step sizes tau, activation table values. They sum to PdennModelGetNumParameters. */
PetscErrorCode PdennModelGetParameterCounts(PdennModel model, PetscInt *n_weights, PetscInt *n_biases, PetscInt *n_steps, PetscInt *n_act);
/* Blocks: residual blocks (sym_resnet, resnet, fsi_resnet), 1 (recurrent), levels (U-nets).
   Symmetric-step models (sym_resnet, fsi_resnet: one per block; recurrent: block 0 only):
   the step of block k, the proven bound b >= ||W_k||_2^2 used by the projection, tau_k and the
   largest tau the projection keeps (2/(L b), recurrent 1/(L b)); see docs/networks.md. */
PetscErrorCode PdennModelGetNumBlocks(PdennModel model, PetscInt *n_blocks);
PetscErrorCode PdennModelGetSymStep(PdennModel model, PetscInt block, PdennSymStep **step);
PetscErrorCode PdennModelGetStepBound(PdennModel model, PetscInt block, PetscReal *norm2_bound, PetscReal *tau, PetscReal *tau_max);

/* ---- Layers: forward and backward passes on DMDA vectors (src/nn/, one per file) ---------- */
/* Activations: the fixed fluxes of op.h (relu, tanh, linear and docs/science.md §1's diffusivities,
   evaluated by PdennFluxApply) or the trainable flux phi(s) = g(|s|) s with g piecewise linear
   through n_nodes values at s_j = j s_max/(n_nodes-1), constant beyond s_max, kept in [0, L]. */
#define PDENN_ACTIVATION_TRAINABLE ((PetscInt)PDENN_FLUX_NTYPES)
extern const char *const PdennActivationTypes[]; /* PdennFluxTypes, then "trainable" */
typedef struct {
  PetscInt         type;    /* a PdennFluxType or PDENN_ACTIVATION_TRAINABLE */
  PdennFlux        flux;    /* fixed activations */
  PetscInt         n_nodes; /* trainable: >= 2 table values g_0..g_{n_nodes-1} */
  PetscReal        s_max;   /* trainable: table domain [0, s_max] */
  PetscReal        bound;   /* trainable: L, the sector bound the values are clipped to */
  const PetscReal *g;       /* trainable: the table, inside theta */
} PdennActivation;
/* The PdennActivationFn for PdennSymStep: PdennFluxActivation on &act->flux for fixed types
   (the classical scheme's own call), the table otherwise. */
PetscErrorCode PdennActivationGetFn(PdennActivation *act, PdennActivationFn *fn, void **ctx);
PetscErrorCode PdennActivationApply(PdennActivation *act, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[]);
PetscErrorCode PdennActivationTableApply(void *act, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[]);
/* dg[j] += sum_i dl_dphi[i] d phi(z_i)/d g_j (nothing for fixed activations). */
PetscErrorCode PdennActivationParamGrad(const PdennActivation *act, PetscInt n, const PetscReal z[], const PetscReal dl_dphi[], PetscReal dg[]);
/* On vectors, split in two so phi is evaluated once per training step: the forward pass keeps
   dphi = phi'(z); the backward pass turns dl_da into dL/dz = dphi dl_da (and adds the table
   gradient to dg, may be NULL) without evaluating phi again. */
PetscErrorCode PdennActivationForwardVec(PdennActivation *act, Vec z, Vec a, Vec dphi);
PetscErrorCode PdennActivationBackwardVec(PdennActivation *act, Vec z, Vec dphi, Vec dl_da, PetscReal dg[]);
PetscReal      PdennActivationSectorBound(const PdennActivation *act);
/* Clip the table g (writable alias of act->g) to [0, L]. */
PetscErrorCode PdennActivationProject(const PdennActivation *act, PetscReal g[]);

/* Convolution layer W: c_in -> c_out channels on DMDAs of equal layout (ghost width >= radius),
   by the op.h routines. Forward y = W x + b; Adjoint x = W^T v (the transposed convolution with
   the same weights, bias ignored); WeightGrad dw += d<v, W x>/dw, db += sum v (this rank's
   points). A transposed-mode use (y = W^T v) differentiates with Forward and WeightGrad(in = dy). */
typedef struct {
  PdennConv1d   conv;              /* w and b point into theta (b may be NULL) */
  DM            da_in, da_out;     /* borrowed */
  Vec           in_loc, out_loc;   /* work: ghosted copies (only without edges) */
  PdennEdgeHalo edge_in, edge_out; /* ghosts of the rank's edges (op.h) */
  PetscBool     edges;             /* every rank owns >= 2r points: edge ghosts, owned points in place */
  PetscBool     is_nd;             /* DMDAs of dimension 2, 3: the layer is nd (op.h), the rest unused */
  PdennConvNd   nd;                /* stride 1, weights [c_out][c_in][(2r+1)^d] (op.h's order) */
} PdennConvLayer;
PetscErrorCode PdennConvLayerSetUp(PdennConvLayer *layer, DM da_in, DM da_out, PdennConv1d conv);
PetscErrorCode PdennConvLayerDestroy(PdennConvLayer *layer);
PetscErrorCode PdennConvLayerForward(PdennConvLayer *layer, Vec x, Vec y);
PetscErrorCode PdennConvLayerAdjoint(PdennConvLayer *layer, Vec v, Vec x);
PetscErrorCode PdennConvLayerWeightGrad(PdennConvLayer *layer, Vec x, Vec v, PetscReal dw[], PetscReal db[]);
/* Backward of y = W x + b: dx = W^T dy (if dx), dw and db accumulated. */
PetscErrorCode PdennConvLayerBackward(PdennConvLayer *layer, Vec x, Vec dy, Vec dx, PetscReal dw[], PetscReal db[]);
/* Per-channel bias of a dof-c vector: y += b; db += sum over this rank's points of dy. */
PetscErrorCode PdennChannelBiasAdd(Vec y, PetscInt c, const PetscReal b[]);
PetscErrorCode PdennChannelBiasGrad(Vec dy, PetscInt c, PetscReal db[]);

/* Strided convolution (stride 2, U-net restriction) S = D W: the stride-1 convolution W of op.h
   on the fine grid, then decimation D to the even fine points (coarse point J <- fine 2J). Its
   exact adjoint, the transposed strided convolution (prolongation), is S^T = W^T D^T (zero
   insertion, then op.h's adjoint). The grids must be aligned: a rank owning coarse [J0, J1) owns
   fine [2 J0, 2 J1) (PdennNNGridCreate does this). On DMDAs of dimension 2, 3 (da_coarse from
   PdennDMDACreateCoarse, PdennNNGridCreateNd does this) S is op.h's stride-2 PdennConvNd and S^T
   its exact adjoint; da_fine_out is then not used. */
typedef struct {
  PdennConvLayer fine;      /* W: da_fine_in (c_in) -> da_fine_out (c_out) */
  DM             da_coarse; /* borrowed, dof c_out */
  Vec            fine_out;  /* work on da_fine_out */
  PdennConvNd    nd;        /* dimension 2, 3 (fine.is_nd): op.h's stride-2 convolution da_fine_in -> da_coarse,
                               its adjoint the prolongation; fine holds only the descriptor */
} PdennStridedLayer;
PetscErrorCode PdennStridedLayerSetUp(PdennStridedLayer *layer, DM da_fine_in, DM da_fine_out, DM da_coarse, PdennConv1d conv);
PetscErrorCode PdennStridedLayerDestroy(PdennStridedLayer *layer);
PetscErrorCode PdennStridedLayerRestrict(PdennStridedLayer *layer, Vec x_fine, Vec y_coarse); /* y = D W x */
PetscErrorCode PdennStridedLayerProlong(PdennStridedLayer *layer, Vec v_coarse, Vec x_fine);  /* x = W^T D^T v */
/* dw += d<v, D W x>/dw for coarse v and fine x */
PetscErrorCode PdennStridedLayerWeightGrad(PdennStridedLayer *layer, Vec x_fine, Vec v_coarse, PetscReal dw[]);

/* Symmetric residual block y = u - tau W^T phi(W u) (docs/science.md §2). Forward is the explicit
   scheme's PdennSymStepApplySave, which fills the tape (z = W u and r = W^T phi(z) at least;
   phi(z) and phi'(z) too, so Backward does not evaluate phi again). */
typedef struct {
  PetscInt        dim;  /* the DMDA's dimension: 1 the fused 1D step below, 2, 3 the d-dimensional layers */
  PdennConv1d     conv; /* W's descriptor (every dim; w points into theta) */
  PdennConvNd     Wnd;  /* dim > 1: W by op.h's PdennConvNd (the step and the layer W unused) */
  PdennSymStep    step; /* W and phi */
  PdennConvLayer  W;    /* the same W, for the unfused backward pass (set up with q) */
  PdennActivation act;
  Vec             s;    /* work of the unfused backward: -tau dy (c_in) */
  Vec             q, a; /* work: W s, then dL/dz; phi(z) when the tape has none (c_out); NULL until used */
} PdennSymBlock;
PetscErrorCode PdennSymBlockSetUp(PdennSymBlock *blk, DM da_u, DM da_z, PdennConv1d conv, PdennActivation act);
PetscErrorCode PdennSymBlockDestroy(PdennSymBlock *blk);
PetscErrorCode PdennSymBlockForward(PdennSymBlock *blk, PetscReal tau, Vec u, Vec y, const PdennSymStepTape *tape);
/* For y = skip u - tau W^T phi(W u) (skip 1: the block; 0: the recurrent network's update without
   its input): du = skip dy + J^T dy, and dw, dtau, dg (trainable act, may be NULL) accumulated.
   The tape needs z and r; phi and dphi are used when present, evaluated from z otherwise. */
PetscErrorCode PdennSymBlockBackward(PdennSymBlock *blk, PetscReal tau, Vec u, const PdennSymStepTape *tape, Vec dy, PetscReal skip, Vec du, PetscReal dw[], PetscReal *dtau, PetscReal dg[]);
/* d-dimensional grids (dim > 1; docs/networks.md "Symmetric models in d dimensions"): z = W u by
   PdennConvNd (c_out a multiple of d), phi the isotropic group activation on groups of d
   consecutive channels, r = W^T phi(z). The tape needs z and r (forward fills them; phi too when
   given, and with phi a dphi vector (da_z) receives the group scalars g, g'(|z|)/|z| of
   PdennGroupActivationApplySave: the group Jacobian is not pointwise); backward applies J(z) by
   PdennGroupActivationJVPSaved from them, by PdennGroupActivationJVP without. 1D is unchanged. */
/* r = W^T phi(W u) alone (every dim); z_save (da_z) receives W u if not NULL. */
PetscErrorCode PdennSymBlockResidual(PdennSymBlock *blk, Vec u, Vec r, Vec z_save);
/* ||W||_2 by power iteration on W^T W from a rank-independent start (its iterations); if v is
   not NULL (dim > 1 only) it receives the unit top eigenvector estimate of W^T W (da_u). 1D: op.h's
   PdennSymStepNormW. */
PetscErrorCode PdennSymBlockNormW(PdennSymBlock *blk, PetscInt its, Vec v, PetscReal *norm);
/* The symmetric block k of a symmetric-step model (every dim; PdennModelGetSymStep is 1D only). */
PetscErrorCode PdennModelGetSymBlock(PdennModel model, PetscInt block, PdennSymBlock **blk);

/* Proven bound b >= ||W||_2^2 of the convolution as an operator on N points with its boundary
   rule: b = ||W^T W||_1, computed exactly from the weights (rank-independent). */
PetscErrorCode PdennConv1dNormBound(const PdennConv1d *conv, PetscInt N, PetscReal *norm2_bound);
/* The same on a dim-dimensional grid of M[a] points per axis (kernels [c_out][c_in][(2r+1)^dim] as
   PdennConvNd, its half-sample mirror or zero boundary): b = ||W^T W||_1, exact from the weights. */
PetscErrorCode PdennConvNdNormBound(const PdennConv1d *conv, PetscInt dim, const PetscInt M[3], PetscReal *norm2_bound);

/* Signal grids for the models: level l has N/2^l points, dof 1 and dof `channels` DMDAs with
   ghost width `radius`, ownership aligned across levels (fine = 2 x coarse on every rank). */
PetscErrorCode PdennNNGridCreate(MPI_Comm comm, PetscInt N, PetscInt levels, PetscInt radius, PetscInt channels, DM da1[], DM daM[]);
/* The same on dim = 2, 3 grids of M[d] points per axis: level 0 by PdennDMDACreate (honours
   -da_processors_*), each coarser level PdennDMDACreateCoarse of the finer one (ownership aligned:
   coarse P on fine 2P). Collective; input errors name the axis when a level gets too small. */
PetscErrorCode PdennNNGridCreateNd(MPI_Comm comm, PetscInt dim, const PetscInt M[3], PetscInt levels, PetscInt radius, PetscInt channels, DM da1[], DM daM[]);

/* Deterministic uniform number in [-1, 1) from (seed, stream, index): rank-independent. */
PetscReal PdennRandomUniform(PetscInt seed, PetscInt stream, PetscInt index);

/* ---- The isotropic group activation of the d-dimensional networks (src/nn/groupact.c) -------- */
/* phi(z_G) = g(|z_G|) z_G on n consecutive groups of G channels (G = d: a point's gradient vector;
   arrays of n G values, channel fastest), one g per group: a flux's diffusivity (PdennFluxDiffusivity,
   so with W = K this is the 2D scheme's Phi(K u) value for value) or the trainable table over |z_G|
   (docs/science.md §7: the paper's g(|z|^2) tabulated over |z|, as in 1D). G = 1 is the pointwise
   activation of PdennActivationApply. With g in [0, L] it keeps the sector bound (S) of §7.3. */
PetscErrorCode PdennGroupActivationApply(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], PetscReal phi[]);
/* dphi = J(z) dz with J = g I + (g'(|z|)/|z|) z z^T per group (J = g(0) I at z = 0); J is
   symmetric, so this is also the backward pass dL/dz = J dL/dphi. dphi may be dz. */
PetscErrorCode PdennGroupActivationJVP(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], const PetscReal dz[], PetscReal dphi[]);
/* The training path (G >= 2): phi as PdennGroupActivationApply (bitwise) and gc (n G values) with
   g(|z|) and g'(|z|)/|z| (0 at z = 0) in each group's first two channels, the rest 0, from one
   evaluation of the activation; JVPSaved then applies J(z) to q in place from z and gc without
   evaluating the activation again (the same J as PdennGroupActivationJVP, rounded differently). */
PetscErrorCode PdennGroupActivationApplySave(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal gc[]);
PetscErrorCode PdennGroupActivationJVPSaved(PetscInt G, PetscInt n, const PetscReal z[], const PetscReal gc[], PetscReal q[]);
/* dg[j] += sum over groups <dl_dphi, z> hat_j(|z|): the table gradient (nothing for a flux) */
PetscErrorCode PdennGroupActivationParamGrad(PdennActivation *act, PetscInt G, PetscInt n, const PetscReal z[], const PetscReal dl_dphi[], PetscReal dg[]);
/* The trainable table (src/nn/activation.c) at a[i] >= 0: g[i] = g(a[i]) and, if dg != NULL, its
   right derivative; and the table gradient dg[j] += sum_i c[i] hat_j(a[i]) of sum_i c[i] g(a[i]). */
PetscErrorCode PdennActivationTableDiffusivity(const PdennActivation *act, PetscInt n, const PetscReal a[], PetscReal g[], PetscReal dg[]);
PetscErrorCode PdennActivationTableGradAt(const PdennActivation *act, PetscInt n, const PetscReal a[], const PetscReal c[], PetscReal dg[]);

/* ---- Near-identity start of the U-nets (src/nn/near_identity.c, docs/networks.md) ------------ */
/* A proven bound D with ||model(f) - f|| <= D ||f|| for every f, for unet and mg_unet (1D) with zero
   biases and sector-bounded activations (the random initialisation): ||Q|| ||E|| times the cycle's
   growth bound Gamma_0 from the weights' norm bounds. */
PetscErrorCode PdennModelCorrectionBound(PdennModel model, PetscReal *bound);
/* Scales the lift E and the output Q by a = sqrt(distance / D) (1 when D <= distance), so that
   afterwards ||model(f) - f|| <= distance ||f||: the correction path starts small, not zero. */
PetscErrorCode PdennModelInitNearIdentity(PdennModel model, PetscReal distance);
