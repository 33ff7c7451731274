/* Private: the model object shared by src/nn/model*.c and one file per architecture. A model
   registers named parameter groups (offsets into the flat theta), builds its layers on theta and
   keeps the tape of its last Forward for Backward. */
#pragma once
#include <pdenn/nn.h>

#define PDENN_MODEL_MAX_GROUP_DIM 5

typedef enum { PDENN_GROUP_WEIGHT, PDENN_GROUP_BIAS, PDENN_GROUP_STEP, PDENN_GROUP_ACT } PdennGroupKind;

typedef struct {
  char           name[64];
  PdennGroupKind kind;
  PetscInt       offset, size, ndim, shape[PDENN_MODEL_MAX_GROUP_DIM]; /* conv weights: c_out, c_in, then (2r+1) per axis */
} PdennParamGroup;

typedef struct {
  PetscErrorCode (*layout)(PdennModel);                 /* registers the parameter groups */
  PetscErrorCode (*setup)(PdennModel);                  /* layers on theta, tape vectors */
  PetscErrorCode (*forward)(PdennModel, Vec, Vec);
  PetscErrorCode (*backward)(PdennModel, Vec, Vec, PetscReal[]);
  PetscErrorCode (*project)(PdennModel);                /* after the activation tables are clipped */
  PetscErrorCode (*init_random)(PdennModel, PetscInt);  /* after the generic initialisation */
  PetscErrorCode (*init_classical)(PdennModel, PdennDiffusion, PetscReal);
  PetscErrorCode (*destroy)(PdennModel);
  /* symmetric-step models: block k's block and tau, and the factor c of tau_max = c/(L b) */
  PetscErrorCode (*get_sym_block)(PdennModel, PetscInt, PdennSymBlock **, PetscReal **, PetscReal *);
  PetscBool nd; /* the architecture runs on 2D/3D grids (its layers set up on DMDAs of dim > 1) */
} PdennModelOps;

struct _p_PdennModel {
  MPI_Comm         comm;
  char             prefix[64];
  PdennModelType   type;
  PetscInt         n_blocks, channels, radius, levels, smoothing_steps, iterations, cycle_length;
  PdennBoundary    bc;
  PdennActivation  act; /* the deck's activation; g is set per layer */
  PetscInt         dim, M[3], N, n_grids; /* grid: dim 1, 2, 3; points per axis (x fastest); N = their product */
  DM              *da1, *daM; /* per level: dof 1 and dof channels */
  PetscInt         n_theta, n_groups, max_groups;
  PetscReal       *theta;
  PdennParamGroup *groups;
  PetscBool        is_setup;
  PdennModelOps    ops;
  void            *data;
};

/* Parameter groups (model.c). Names are "<owner>/<param>", e.g. "block3/W". An activation group
   exists only for the trainable activation (*offset = -1 otherwise). */
PetscErrorCode PdennModelAddGroup(PdennModel, const char owner[], const char param[], PdennGroupKind, PetscInt ndim, const PetscInt shape[], PetscInt *offset);
PetscErrorCode PdennModelAddConv(PdennModel, const char owner[], const char param[], PetscInt c_out, PetscInt c_in, PetscInt *offset);
PetscErrorCode PdennModelAddActivation(PdennModel, const char owner[], PetscInt *offset);
PdennConv1d     PdennModelConv(PdennModel, PetscInt c_in, PetscInt c_out, PetscInt w_offset, PetscInt b_offset);
PdennActivation PdennModelActivation(PdennModel, PetscInt g_offset);

/* Symmetric-step stacks (symstack.c), shared by sym_resnet, fsi_resnet and recurrent:
   n_sets parameter sets (W_k, tau_k, act_k; groups "block<k>/...") applied n_apply times, the
   application a using set a mod n_sets. m->data is the PdennSymStack. */
typedef struct {
  PetscInt       n_sets, n_apply;
  PetscReal      tau_factor; /* tau_max = tau_factor / (L b), b >= ||W||^2 */
  PdennSymBlock *blk;
  PetscInt      *w_off, *tau_off, *g_off;
  Vec           *u, *z, *r;  /* tape: u[0..n_apply], z (dof M) and r per application */
  PetscBool      keep_act;   /* the forward pass also keeps phi(z), phi'(z) (Forward sets it) */
  Vec           *a, *d;      /* tape: phi(z), phi'(z) per application (dof M), if keep_act */
  Vec           *grad;       /* n_apply + 1 gradient vectors for the backward passes */
  Vec            work[2];    /* dof 1 */
} PdennSymStack;
/* Registers the groups and sets the shared ops (setup, project, inits, destroy, get_sym_block);
   the architecture sets forward and backward. */
PetscErrorCode PdennSymStackCreate(PdennModel, PetscInt n_sets, PetscInt n_apply, PetscReal tau_factor);
/* Backward of application a, y = skip u[a] - tau W^T phi(W u[a]): du = skip dy + J^T dy, and
   this rank's parameter gradients added to dtheta (may be NULL). */
PetscErrorCode PdennSymStackBackwardStep(PdennModel, PetscInt a, Vec dy, PetscReal skip, Vec du, PetscReal dtheta[]);
/* The tape of application a (phi, dphi NULL unless keep_act). */
PdennSymStepTape PdennSymStackTape(PdennSymStack *st, PetscInt a);

/* One constructor per architecture: sets ops and data. */
PetscErrorCode PdennModelCreate_SymResnet(PdennModel);
PetscErrorCode PdennModelCreate_Resnet(PdennModel);
PetscErrorCode PdennModelCreate_FSIResnet(PdennModel);
PetscErrorCode PdennModelCreate_Recurrent(PdennModel);
PetscErrorCode PdennModelCreate_UNet(PdennModel); /* unet and mg_unet */
