/* pdenn training (docs/science.md §6): mini-batch training of the models of nn.h on HDF5 signal sets
   (1D) or image and volume sets (2D, 3D), data-parallel over batch groups of ranks and spatially
   parallel inside each group, with HDF5 checkpoints from which a run resumes bitwise.
   Keys: docs/training.md; files: docs/checkpoints.md. */
#pragma once
#include <pdenn/io.h>
#include <pdenn/nn.h>

/* ---- Losses -------------------------------------------------------------------------------- */
typedef enum {
  PDENN_LOSS_MSE,    /* per sample: mean over the N points of (y - t)^2 */
  PDENN_LOSS_REL_L2, /* per sample: ||y - t||_2 / ||t||_2 */
  PDENN_LOSS_NTYPES
} PdennLossType;
extern const char *const PdennLossTypes[]; /* "mse", "rel_l2" */

/* One sample's loss of output y against target t (Vecs of one layout, collective on their
   communicator); dy (may be NULL) receives scale * dloss/dy. A zero target is an error for
   rel_l2 (the relative error is undefined). */
PetscErrorCode PdennLossCompute(PdennLossType type, Vec y, Vec t, PetscReal scale, Vec dy, PetscReal *loss);

/* ---- Optimizers and learning-rate schedules --------------------------------------------------- */
typedef enum { PDENN_OPTIMIZER_SGD,
               PDENN_OPTIMIZER_ADAM,
               PDENN_OPTIMIZER_NTYPES } PdennOptimizerType;
extern const char *const PdennOptimizerTypes[]; /* "sgd", "adam" */
typedef enum { PDENN_LR_CONSTANT,
               PDENN_LR_STEP,
               PDENN_LR_COSINE,
               PDENN_LR_NTYPES } PdennLRSchedule;
extern const char *const PdennLRSchedules[]; /* "constant", "step", "cosine" */

typedef struct {
  PdennOptimizerType type;
  PetscReal          lr;           /* base learning rate */
  PetscReal          momentum;     /* SGD heavy-ball momentum mu: b = mu b + g, theta -= lr b */
  PetscReal          beta1, beta2; /* Adam moment decay rates */
  PetscReal          epsilon;      /* Adam: theta -= lr mhat / (sqrt(vhat) + epsilon) */
  PetscReal          weight_decay; /* decoupled (AdamW style, both optimizers): theta -= lr wd theta */
  PdennLRSchedule    schedule;
  PetscInt           decay_every;  /* step: epochs between two decays */
  PetscReal          decay_factor; /* step: the rate is multiplied by this every decay_every epochs */
  PetscReal          lr_min;       /* cosine: the rate reached after the last step */
} PdennOptimizerParams;

/* Defaults: adam, lr 1e-3, momentum 0.9, betas 0.9 and 0.999, epsilon 1e-8, no weight decay,
   constant rate (step: every 10 epochs by 0.1; cosine: down to 0). */
PetscErrorCode PdennOptimizerParamsDefault(PdennOptimizerParams *p);
/* Keys -train_optimizer, -train_lr, -train_momentum, -train_adam_beta1, -train_adam_beta2,
   -train_adam_epsilon, -train_weight_decay, -train_lr_schedule, -train_lr_decay_every,
   -train_lr_decay_factor, -train_lr_min; values in *p on entry are the defaults. */
PetscErrorCode PdennOptimizerParamsSetFromOptions(MPI_Comm comm, PdennOptimizerParams *p);
/* The rate for optimizer step `step` (0-based over the run) taken in epoch `epoch` (0-based) of a
   run of total_steps steps: a pure function, so a resumed run uses the same rates. */
PetscReal PdennLearningRate(const PdennOptimizerParams *p, PetscInt epoch, PetscInt step, PetscInt total_steps);

typedef struct _n_PdennOptimizer *PdennOptimizer;
/* An optimizer for n parameters; its state (moments, step count) starts at zero. */
PetscErrorCode PdennOptimizerCreate(const PdennOptimizerParams *p, PetscInt n, PdennOptimizer *opt);
/* One update of theta[0..n) with gradient grad (the same on every rank) at rate lr: plain C,
   no communication, so replicated parameters stay bitwise identical. */
PetscErrorCode PdennOptimizerStep(PdennOptimizer opt, PetscReal lr, const PetscReal grad[], PetscReal theta[]);
/* Its state for checkpoints (borrowed, writable for restoring): steps taken, first moment
   (SGD: the momentum buffer) and second moment (NULL for SGD). */
PetscErrorCode PdennOptimizerGetState(PdennOptimizer opt, PetscInt **nsteps, PetscReal **m, PetscReal **v);
PetscErrorCode PdennOptimizerGetType(PdennOptimizer opt, PdennOptimizerType *type);
PetscErrorCode PdennOptimizerDestroy(PdennOptimizer *opt);

/* ---- Shuffling ------------------------------------------------------------------------------- */
/* The sample order of epoch `epoch`: a permutation of 0..n-1 that is a pure function of
   (seed, epoch, n), computed identically on every rank whatever the rank count. */
PetscErrorCode PdennShuffle(PetscInt seed, PetscInt epoch, PetscInt n, PetscInt perm[]);
/* The share [*lo, *hi) of a mini-batch of `count` samples that batch group `group` of `ngroups`
   takes: contiguous, sizes differing by at most one. */
void PdennBatchShare(PetscInt count, PetscInt group, PetscInt ngroups, PetscInt *lo, PetscInt *hi);

/* ---- Checkpoints (HDF5; layout in docs/checkpoints.md) --------------------------------------- */
#define PDENN_PARAM_MAX_DIM 8
typedef struct {
  char     name[128]; /* the model's group name; '/' nests HDF5 groups */
  PetscInt offset;    /* into theta */
  PetscInt ndim, shape[PDENN_PARAM_MAX_DIM];
} PdennCheckpointGroup;

/* Everything a run needs to continue bitwise: what PdennCheckpointWrite takes (arrays borrowed)
   and PdennCheckpointRead returns (arrays allocated; PdennCheckpointFree frees them). */
typedef struct {
  char                  model_type[64];
  PetscInt              N;       /* signal length the model was set up for */
  PetscInt              nparams; /* length of theta, opt_m, opt_v */
  PetscInt              ngroups;
  PdennCheckpointGroup *groups;
  PetscReal            *theta;
  char                  optimizer[16];
  PetscInt              opt_steps;
  PetscReal            *opt_m, *opt_v;       /* opt_v NULL for SGD */
  PetscInt              epoch;               /* epochs completed */
  PetscInt              step;                /* optimizer steps completed in the whole run */
  PetscInt              batch;               /* mini-batches completed in the current epoch */
  PetscInt              seed;                /* shuffle seed */
  PetscInt              nsamples;            /* training samples: length of perm */
  PetscInt             *perm;                /* the current epoch's sample order */
  PetscReal            *step_loss;           /* [step]: mini-batch loss of every step */
  PetscReal            *train_loss;          /* [epoch]: mean mini-batch loss of every completed epoch */
  PetscReal            *val_loss;            /* [epoch]: validation loss (NaN without validation samples) */
  PetscInt              space_ranks, nranks; /* layout that wrote it (bitwise resume needs the same) */
  char                 *deck;                /* the options database as text (PetscOptionsGetAll) */
  PetscInt              dim, M[3];           /* the data's grid: dimension and points {W, H, D} along x, y, z
                                                (1D: {N, 1, 1}; dim 0 on writing means 1D) */
} PdennCheckpoint;

/* Rank 0 writes path atomically (path.tmp, fsync, rename, fsync of the directory) with a
   checksum of the contents; collective, every rank raises the same error. `key` names the deck
   key of path, for errors. */
PetscErrorCode PdennCheckpointWrite(MPI_Comm comm, const char key[], const char path[], const PdennCheckpoint *ck);
/* Rank 0 reads and checks (checksum, completeness) and broadcasts; a missing, truncated or
   corrupt file is a one-line PDENN_ERR_INPUT naming key and path. */
PetscErrorCode PdennCheckpointRead(MPI_Comm comm, const char key[], const char path[], PdennCheckpoint *ck);
PetscErrorCode PdennCheckpointFree(PdennCheckpoint *ck);

/* ---- The trainer ----------------------------------------------------------------------------- */
typedef struct _n_PdennTrainer *PdennTrainer;

/* A trainer on comm (usually PETSC_COMM_WORLD), split into batch groups of -train_space_ranks
   ranks each; each group holds the model (keys without prefix, see nn.h) on its communicator. */
PetscErrorCode PdennTrainerCreate(MPI_Comm comm, PdennTrainer *tr);
/* Training, data, layout, checkpoint and model keys (docs/training.md). */
PetscErrorCode PdennTrainerSetFromOptions(PdennTrainer tr);
/* Train on generated signals instead of -train_data: samples [0, ntrain) of p for training and
   [ntrain, ntrain + nval) for validation, noisy as input and clean as target (tests, demos). */
PetscErrorCode PdennTrainerSetSignals(PdennTrainer tr, const PdennSignalParams *p, PetscInt ntrain, PetscInt nval);
/* The same with generated images (dim 2) or volumes (dim 3) of M = {W, H, D} points
   (src/io/images.c): images [0, ntrain) of p train, [ntrain, ntrain + nval) validate
   (p->samples is not used). */
PetscErrorCode PdennTrainerSetImages(PdennTrainer tr, const PdennImageParams *p, PetscInt dim, const PetscInt M[3], PetscInt ntrain, PetscInt nval);
/* Loads the data, sets up the model, and initialises it (seeded) or restores -checkpoint if
   -resume is given. */
PetscErrorCode PdennTrainerSetUp(PdennTrainer tr);
/* Trains to -train_epochs (or -train_max_steps); returns early, after writing a resumable
   checkpoint, when SIGUSR1 or SIGTERM arrived. A non-finite loss or gradient is an error. */
PetscErrorCode PdennTrainerTrain(PdennTrainer tr);
PetscErrorCode PdennTrainerGetModel(PdennTrainer tr, PdennModel *model);
/* Ranks per sample (space) and batch groups; epochs and steps completed; whether a signal
   stopped the run. Any argument may be NULL. */
PetscErrorCode PdennTrainerGetLayout(PdennTrainer tr, PetscInt *space_ranks, PetscInt *batch_groups);
PetscErrorCode PdennTrainerGetProgress(PdennTrainer tr, PetscInt *epoch, PetscInt *step, PetscBool *interrupted);
PetscErrorCode PdennTrainerDestroy(PdennTrainer *tr);
