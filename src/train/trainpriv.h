/* Private to src/train: the trainer object, checkpoint file internals, and the stop-signal flag. */
#pragma once
#include <pdenn/train.h>
#include <stdint.h>

/* ---- checkpoint_h5.c: serial HDF5 contents, called on rank 0 only --------------------------- */
/* Errors are raised on PETSC_COMM_SELF; checkpoint.c catches their message and makes it
   collective. */
/* The whole file, checksummed user block included, built in memory (*image: PetscMalloc'd). */
PetscErrorCode PdennCheckpointImage(const PdennCheckpoint *ck, unsigned char **image, size_t *size);
/* Reads a file's image (its user block, if any, already checked). */
PetscErrorCode PdennCheckpointReadImage(const unsigned char *image, size_t size, PdennCheckpoint *ck);
/* FNV-1a 64 over every value a resume uses, in a fixed order (docs/checkpoints.md) */
uint64_t PdennCheckpointChecksum(const PdennCheckpoint *ck);

/* ---- stop.c: SIGUSR1/SIGTERM request a checkpoint-and-exit at the next step boundary ------- */
PetscErrorCode PdennStopSignalsInstall(void);
PetscErrorCode PdennStopSignalsRestore(void);
/* the signal number received since Install, 0 if none */
int PdennStopSignalReceived(void);

/* ---- the trainer ------------------------------------------------------------------------- */
/* This rank's owned points of n samples, sample s at values + s * xm (inputs and targets). */
typedef struct {
  PetscInt   n, xm;
  PetscReal *input, *target;
} PdennTrainData;

struct _n_PdennTrainer {
  MPI_Comm    comm;       /* all ranks of the trainer */
  MPI_Comm    group_comm; /* this rank's batch group: the ranks sharing each sample in space */
  PetscMPIInt rank, size, group_rank;
  PetscInt    space_ranks, ngroups, group;
  PdennModel  model;
  PetscInt    N, nparams;
  PetscInt    dim, M[3]; /* the data's grid (1D: {N, 1, 1}); N is the product */

  /* keys */
  PdennOptimizerParams opt_params;
  PdennLossType        loss;
  PetscInt             epochs, batch_size, max_steps, seed, init_seed, print_every;
  char                 train_path[PETSC_MAX_PATH_LEN], val_path[PETSC_MAX_PATH_LEN];
  char                 input_name[64], target_name[64];
  PetscReal            val_fraction;
  PetscReal            diverge_factor; /* stop when a mini-batch loss exceeds it times the first (0: never) */
  char                 checkpoint[PETSC_MAX_PATH_LEN];
  PetscBool            resume, force;
  PetscInt             checkpoint_every, checkpoint_every_epochs;
  PetscInt             test_signal_step; /* hidden test key: rank 0 raises SIGUSR1 in this step */
  PetscBool            use_signals;      /* PdennTrainerSetSignals was called */
  PdennSignalParams    signals;
  PetscBool            use_images; /* PdennTrainerSetImages was called: images of grid (dim, M) */
  PdennImageParams     images;
  PetscInt             signals_ntrain, signals_nval; /* generated samples (signals or images) */

  /* data and work space */
  PdennTrainData train, val;
  Vec            x, y, target, dy; /* x and target borrow the data arrays with VecPlaceArray */
  PetscReal     *reduce;           /* dtheta[0..n), loss, stop flag: one MPI_Allreduce per step */
  PdennOptimizer opt;

  /* progress: what a checkpoint keeps */
  PetscInt   epoch, step, batch;
  PetscInt  *perm;
  PetscReal *step_loss, *train_loss, *val_loss;
  PetscInt   step_cap, epoch_cap;
  PetscInt   last_checkpoint_step; /* -1: none written by this run */
  PetscBool  interrupted, setup;
  PetscBool  signals_installed; /* this trainer's stop-signal handlers are in place */

  PetscLogStage stage_forward, stage_backward, stage_allreduce, stage_io;
};

/* progress.c: progress lines (wall-clock time is used for them only) */
typedef struct {
  double   t0;
  PetscInt step0, samples, total;
} PdennProgress;
PetscErrorCode PdennProgressStart(PdennTrainer tr, PdennProgress *p);
PetscErrorCode PdennProgressLine(PdennTrainer tr, PdennProgress *p, PetscInt count, PetscBool epoch_end);

/* data.c: sizes first (the model's grid tr->dim, tr->M, tr->N), then the samples into tr->train
   and tr->val */
PetscErrorCode PdennTrainerDataSizes(PdennTrainer tr, PetscInt *ntrain, PetscInt *nval);
PetscErrorCode PdennTrainerLoadData(PdennTrainer tr, PetscInt ntrain, PetscInt nval);
PetscErrorCode PdennTrainDataFree(PdennTrainData *d);
/* An error that every batch group meets alike (reading the data, setting up the model), raised
   once on the whole communicator: Begin, then End with the group-collective call's code. */
PetscErrorCode PdennTrainerQuietBegin(void);
PetscErrorCode PdennTrainerQuietEnd(PdennTrainer tr, PetscErrorCode ierr);
/* data_images.c: image and volume sets (docs/hdf5_layout.md), beside data.c's signal sets */
/* The dimension of the data in `path`: 2 or 3 when dataset `dataset` is an image or volume stack
   (rank 3 or 4), else 1 (a signal set, or a file data.c's reader refuses with its own message). */
PetscErrorCode PdennTrainerDataDim(PdennTrainer tr, const char key[], const char path[], const char dataset[], PetscInt *dim);
/* Grid and sample count of an image set (`key` names its deck key), both datasets checked */
PetscErrorCode PdennTrainerImageSizes(PdennTrainer tr, const char key[], const char path[], PetscInt dim, PetscInt M[3], PetscInt *samples);
/* samples [first, first + d->n) of an image set into d, each rank its owned box */
PetscErrorCode PdennTrainerImageRead(PdennTrainer tr, const char key[], const char path[], PetscInt first, PdennTrainData *d);
/* "1D signals of N = 64", "2D images of 24 x 32 (H x W)", "3D volumes of 8 x 24 x 32 (D x H x W)" */
PetscErrorCode PdennTrainerGridText(PetscInt dim, const PetscInt M[3], char text[], size_t len);
/* state.c: the trainer's state to and from a PdennCheckpoint */
PetscErrorCode PdennTrainerWriteCheckpoint(PdennTrainer tr);
PetscErrorCode PdennTrainerRestore(PdennTrainer tr);
PetscErrorCode PdennTrainerRecordStep(PdennTrainer tr, PetscReal loss);
PetscErrorCode PdennTrainerRecordEpoch(PdennTrainer tr, PetscReal train_loss, PetscReal val_loss);
