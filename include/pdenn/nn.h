/* pdenn networks (PAPER.md §2-5): layers with forward and backward passes written in C on the
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
  PDENN_MODEL_SYM_RESNET,  /* symmetric residual blocks u - tau W^T phi(W u) */
  PDENN_MODEL_RESNET,      /* standard residual blocks u + W2 sigma(W1 u + b1) + b2 */
  PDENN_MODEL_FSI_RESNET,  /* symmetric blocks with the FSI extrapolation skip (PAPER.md §3) */
  PDENN_MODEL_RECURRENT,   /* fixed-point network: shared W, input fed to every iteration (§4) */
  PDENN_MODEL_UNET,        /* standard U-net: independent R, P, pre- and post-smoothers */
  PDENN_MODEL_MG_UNET,     /* multigrid U-net: R = P^T, post-smoother = adjoint of pre (§5) */
  PDENN_MODEL_NTYPES
} PdennModelType;
extern const char *const PdennModelTypes[]; /* "sym_resnet", "resnet", "fsi_resnet", "recurrent", "unet", "mg_unet" */

typedef struct _p_PdennModel *PdennModel;

/* Keys under the given options prefix (e.g. "sym_" gives -sym_model_type): see docs/decks.md. */
PetscErrorCode PdennModelCreate(MPI_Comm comm, const char prefix[], PdennModel *model);
PetscErrorCode PdennModelSetFromOptions(PdennModel model);
/* N grid points of the signals; creates the DMDAs and the parameter array. */
PetscErrorCode PdennModelSetUp(PdennModel model, PetscInt N);
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
   reproduces the solver (PAPER.md §2-4); errors for types without a classical reading. */
PetscErrorCode PdennModelInitClassical(PdennModel model, PdennDiffusion pde, PetscReal tau);
/* y = model(x); keeps what Backward needs. */
PetscErrorCode PdennModelForward(PdennModel model, Vec x, Vec y);
/* Given dL/dy: dx = dL/dx (if dx != NULL), dtheta += this rank's partial dL/dtheta. */
PetscErrorCode PdennModelBackward(PdennModel model, Vec dy, Vec dx, PetscReal dtheta[]);
/* Keep theta admissible after an update (see top of file). */
PetscErrorCode PdennModelProject(PdennModel model);
