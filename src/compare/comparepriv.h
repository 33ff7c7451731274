/* Private to src/compare: the experiment object and the pieces of the main job, one file each
   (paths, data, task targets, classical methods, learned methods, evaluation, tables, results
   file, plots). Per-sample signals are kept as rows of N values; rank 0 holds the full tables. */
#pragma once
#include <pdenn/compare.h>
#include <math.h> /* NAN: "not applicable" in the tables */

#define PDENN_COMPARE_MAX_METHODS 32
#define PDENN_COMPARE_NAME_LEN 64

typedef enum { PDENN_KIND_BASELINE,
               PDENN_KIND_CLASSICAL,
               PDENN_KIND_LEARNED } PdennMethodKind;
extern const char *const PdennMethodKinds[]; /* "baseline", "classical", "learned" */

typedef enum { PDENN_SPLIT_TRAIN,
               PDENN_SPLIT_VAL,
               PDENN_SPLIT_TEST,
               PDENN_SPLIT_N } PdennSplit;
extern const char *const PdennSplits[]; /* "train", "val", "test" */

/* A learned activation drawn for the plots: phi(s) on a grid, per block that has one. */
typedef struct {
  char       label[PDENN_COMPARE_NAME_LEN]; /* "block0" */
  PetscInt   n;
  PetscReal *s, *phi;
  PetscBool  s_relative; /* s in units of the table's end act_smax (not known to the API) */
} PdennCompareCurve;

/* What one data set holds, read from its file data/<split>.h5 (datainfo.c): the description
   summary.md and results.h5 give, never the deck's generator keys. */
typedef struct {
  char      file[PETSC_MAX_PATH_LEN]; /* the -compare_<split>_data given, or "" (generated) */
  PetscInt  samples, N;
  PetscReal clean_min, clean_max, clean_std; /* over every point of every clean signal */
  PetscReal grad_rms;                        /* RMS of D u over the clean signals (D: the deck's -order) */
  PetscBool has_sigma;                       /* attribute sigma (the noise's standard deviation) */
  PetscReal sigma;
  char      attrs[2048]; /* every scalar attribute of the file, "name=value" lines */
} PdennCompareDataInfo;

/* Everything reported about one method. Arrays are held on rank 0 only. */
typedef struct {
  char              name[PDENN_COMPARE_NAME_LEN]; /* deck name: options prefix <name>_ */
  PdennMethodKind   kind;
  char              what[PDENN_COMPARE_NAME_LEN]; /* method or model type */
  PdennOptionsScope scope;                        /* its keys (classical and learned) */
  PdennSolver       solver;                       /* classical */
  PdennTrainer      trainer;                      /* learned */
  char              checkpoint[PETSC_MAX_PATH_LEN];
  PetscBool         init_classical; /* learned: -<name>_init classical */
  PetscReal         init_distance;  /* learned: -<name>_init near_identity's distance (0: not) */
  PetscBool         done;           /* evaluated */

  PetscInt           nparams, epochs, steps_done;
  PetscReal          train_seconds, seconds_per_sample;
  PetscReal          steps_per_sample, linear_its_per_sample; /* classical iteration counts */
  PdennCompareErrors test, stress;                            /* stress: only max_gain */
  PetscReal          ssim;                                    /* images: mean test SSIM (ssim.c) */
  PetscReal          worst_gain, worst_scale;                 /* worstcase.c (NaN: not searched) */
  PetscReal         *output;                                  /* [ntest][N] */
  PetscInt           n_epochs_hist, n_steps_hist;
  PetscReal         *train_loss, *val_loss, *step_loss;
  PetscInt           n_curves;
  PdennCompareCurve *curves;
  PetscInt           n_groups;
  char             **group_names;
  PetscInt          *group_offset, *group_size;
  PetscReal         *theta;
} PdennCompareMethod;

struct _n_PdennCompare {
  MPI_Comm    comm;
  PetscMPIInt rank, size;

  /* -compare_* keys */
  char              deck[PETSC_MAX_PATH_LEN], experiment[128], output_dir[PETSC_MAX_PATH_LEN];
  char              dir[PETSC_MAX_PATH_LEN]; /* output_dir/experiment */
  char              python[PETSC_MAX_PATH_LEN], plot_script[PETSC_MAX_PATH_LEN];
  char              given[PDENN_SPLIT_N][PETSC_MAX_PATH_LEN]; /* -compare_<split>_data */
  PetscBool         force, retrain, plots;
  PetscBool         classical_space; /* classical solvers: all ranks on each sample */
  PdennCompareTask  task;
  PetscBool         input_clean; /* -compare_input clean */
  PdennSignalParams signals;     /* generator of the train set; val and test use seed + 1, + 2 */
  PetscInt          samples[PDENN_SPLIT_N];
  PetscReal         reference_refine;                          /* diffusion target: explicit with tau_max / refine */
  PetscReal         stress_factor, stress_sigma_key, peak_key; /* -compare_stress_*, -compare_psnr_peak */
  PetscReal         stress_sigma, peak;                        /* in effect (datainfo.c) */
  char              stress_from[256], peak_from[256];          /* how they were chosen, for the reports */
  char              pairs[256];
  PetscInt          nclassical, nlearned;
  char             *classical[PDENN_COMPARE_MAX_METHODS], *learned[PDENN_COMPARE_MAX_METHODS];

  PdennWorstCaseParams worst; /* -compare_worst_* (worstcase.c) */

  PdennDiffusion pde;       /* the deck's diffusion problem (-N, -h, -order, -flux, -lambda) */
  PdennDiffusion pde_self;  /* the same on each rank alone: targets are made sample-parallel */
  PdennSolver    base;      /* the shared solver keys: -t_stop is the task's diffusion time */
  PdennSolver    reference; /* diffusion targets: explicit, tau = tau_max / refine */
  KSP            ksp;       /* implicit_solve targets: -compare_reference_ksp_* */
  Mat            A;
  Vec            w;

  PdennCompareMethod methods[PDENN_COMPARE_MAX_METHODS]; /* methods[0]: the input itself */
  PetscInt           nmethods;

  /* test set, replicated on every rank (small): rows of N */
  PetscInt             N, ntest;
  PetscReal           *test_input, *test_target, *test_clean, *test_noisy, *stress_input;
  char                 data_path[PDENN_SPLIT_N][PETSC_MAX_PATH_LEN];
  PdennCompareDataInfo info[PDENN_SPLIT_N];
  PetscReal            target_min, target_max; /* of the test targets */
  PetscBool            interrupted, setup;
  PetscLogStage        stage_data, stage_classical, stage_train, stage_eval, stage_output;
};

/* experiment.c: a leftover key that pdenn_compare knows to be unused here is an error saying why */
PetscErrorCode PdennCompareCheckUnreadKeys(PdennCompare cmp);

/* paths.c: the experiment's directory and files */
PetscErrorCode PdennCompareDefaultExperiment(const char deck[], char name[], size_t len);
PetscErrorCode PdennComparePath(PdennCompare cmp, const char rel[], char path[], size_t len);
PetscErrorCode PdennCompareMakeDirs(PdennCompare cmp);
PetscErrorCode PdennCompareCheckOverwrite(PdennCompare cmp);
PetscErrorCode PdennCompareFileExists(MPI_Comm comm, const char path[], PetscBool *exists);

/* rows.c: signals as rows of N values, moved between replicated tables and parallel Vecs */
PetscErrorCode PdennRowsToVec(const PetscReal row[], Vec v);
/* Adds this rank's owned values of v into row (zero elsewhere): summing the rows of all ranks
   (PdennRowsReduce) assembles the signal exactly. */
PetscErrorCode PdennRowsAddVec(Vec v, PetscReal row[]);
PetscErrorCode PdennRowsReduce(MPI_Comm comm, PetscInt n, PetscReal rows[]);

/* data.c: the three signal sets with their task datasets "input" and "target" */
PetscErrorCode PdennCompareCheckData(PdennCompare cmp); /* given files, at set-up */
PetscErrorCode PdennCompareMakeData(PdennCompare cmp);
PetscErrorCode PdennCompareLoadTest(PdennCompare cmp);
PetscErrorCode PdennCompareMakeStress(PdennCompare cmp); /* after PdennCompareDescribeData */

/* datainfo.c: what the data sets hold, the PSNR peak and stress noise derived from them, and the
   deck's scales (-lambda, -act_smax) checked against them (warnings) */
PetscErrorCode PdennCompareDescribeData(PdennCompare cmp);
PetscErrorCode PdennCompareCheckActScale(PdennCompare cmp, PdennCompareMethod *m, PdennModel model);

/* task.c: the target of one input */
PetscErrorCode PdennCompareTaskSetUp(PdennCompare cmp);
PetscErrorCode PdennCompareTarget(PdennCompare cmp, Vec clean, Vec input, Vec target);

/* classical.c and learned.c */
PetscErrorCode PdennCompareClassicalSetUp(PdennCompare cmp, PdennCompareMethod *m);
PetscErrorCode PdennCompareClassicalRun(PdennCompare cmp, PdennCompareMethod *m);
PetscErrorCode PdennCompareLearnedSetUp(PdennCompare cmp, PdennCompareMethod *m);
PetscErrorCode PdennCompareLearnedRun(PdennCompare cmp, PdennCompareMethod *m);
/* activations.c: the learned activations and parameter groups of a trained model */
PetscErrorCode PdennCompareModelRecord(PdennCompare cmp, PdennModel model, PdennCompareMethod *m);
/* evaluate.c: errors, gains and timing of a method's outputs */
PetscErrorCode PdennCompareMethodFinish(PdennCompare cmp, PdennCompareMethod *m, const PetscReal stress_output[]);
PetscErrorCode PdennCompareMethodFree(PdennCompareMethod *m);

/* images.c: the 2D main job on image sets (samples x H x W), an image a row in natural order */
PetscErrorCode PdennCompareDetectDim(PdennCompare cmp); /* before the grid reads its keys */
PetscErrorCode PdennCompareCheckGivenImages(PdennCompare cmp, const char key[], const char path[], PetscInt *samples);
PetscErrorCode PdennCompareTaskRowsImages(PdennCompare cmp, const char path[], PetscInt n, PetscReal input[], PetscReal target[]);
PetscErrorCode PdennCompareLoadTestImages(PdennCompare cmp);
PetscErrorCode PdennCompareMakeStressImages(PdennCompare cmp);
PetscReal      PdennCompareImageGradRMS(PetscInt rows, const PetscInt M[], PetscInt order, PetscReal h, const PetscReal u[]);
/* images_png.c: the grid of test images (target | input | every method, with error maps) */
PetscErrorCode PdennCompareWriteImageGrid(PdennCompare cmp);

/* summary.c, results_h5.c, plots.c */
PetscErrorCode PdennCompareWriteSummary(PdennCompare cmp);
PetscErrorCode PdennCompareWriteH5(PdennCompare cmp);
PetscErrorCode PdennCompareRunPlots(PdennCompare cmp);

/* worstcase.c: the -compare_worst_* keys and the worst-case gain of a trained network */
PetscErrorCode PdennCompareWorstCaseOptions(PetscOptionItems *PetscOptionsObject, PdennCompare cmp);
PetscErrorCode PdennCompareWorstCaseRun(PdennCompare cmp, PdennCompareMethod *m);
