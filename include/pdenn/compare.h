/* pdenn's main job (docs/science.md §6): one deck names a task, classical solvers and networks; the
   experiment makes the train/validation/test signal sets, runs every classical solver, trains
   every network, evaluates all of them on the same test set and writes tables, an HDF5 file of
   every output and plots. Keys: docs/decks.md; results and how to read them: docs/results.md. */
#pragma once
#include <pdenn/train.h>

/* ---- What is learned (and solved) -------------------------------------------------------- */
typedef enum {
  PDENN_TASK_DENOISE,        /* input noisy (or clean) signal, target the clean signal */
  PDENN_TASK_DIFFUSION,      /* target: the input diffused to -t_stop by a fine reference solver */
  PDENN_TASK_IMPLICIT_SOLVE, /* target: u of (I + tau K^T G(f) K) u = f, tau = -t_stop (KSP) */
  PDENN_TASK_NTYPES
} PdennCompareTask;
extern const char *const PdennCompareTasks[]; /* "denoise", "diffusion", "implicit_solve" */

/* ---- Options scopes: the keys of one named method ---------------------------------------- */
/* A method named "sym" in -compare_learned (or -compare_classical) reads its keys as -sym_<key>:
   a scope is a copy of the options database in which every -sym_<key> also appears as -<key>
   (overriding a shared -<key>), pushed as PETSc's default database while the method's objects
   are made and used. Popping marks the deck keys the method read as used, so
   PdennDeckCheckUnused still catches misspelled ones. Extra keys set with
   PdennOptionsScopeSetValue (output paths chosen by the app) exist in the scope only. */
typedef struct _n_PdennOptionsScope *PdennOptionsScope;
PetscErrorCode                       PdennOptionsScopeCreate(const char prefix[], PdennOptionsScope *scope);
PetscErrorCode                       PdennOptionsScopeSetValue(PdennOptionsScope scope, const char key[], const char value[]);
/* Whether the scope has key (-<key> or -<prefix><key>), without marking it used. */
PetscErrorCode PdennOptionsScopeHasKey(PdennOptionsScope scope, const char key[], PetscBool *has);
PetscErrorCode PdennOptionsScopePush(PdennOptionsScope scope);
PetscErrorCode PdennOptionsScopePop(PdennOptionsScope scope);
PetscErrorCode PdennOptionsScopeDestroy(PdennOptionsScope *scope);

/* ---- Figures of merit --------------------------------------------------------------------- */
/* Over n samples of N points (rows of output, target, input): mean squared error against the
   target (mean over samples of the per-sample mean over points), PSNR = 10 log10(peak^2 / MSE)
   with peak the data's range (pdenn_compare: -compare_psnr_peak; NaN, "not applicable", for
   MSE 0), and the largest Euclidean gain ||output_k|| / ||input_k|| (stability:
   <= 1 for every stable scheme and symmetric network). Plain loops in a fixed order: the same
   numbers on every rank count. */
typedef struct {
  PetscReal mse, psnr, max_gain;
} PdennCompareErrors;
PetscErrorCode PdennCompareErrorsCompute(PetscInt n, PetscInt N, const PetscReal output[], const PetscReal target[], const PetscReal input[], PetscReal peak, PdennCompareErrors *e);

/* ---- The experiment ---------------------------------------------------------------------- */
typedef struct _n_PdennCompare *PdennCompare;
PetscErrorCode                  PdennCompareCreate(MPI_Comm comm, PdennCompare *cmp);
/* The deck file (the app's -options_file, or NULL): default experiment name, and its text is
   kept in results.h5. */
PetscErrorCode PdennCompareSetDeck(PdennCompare cmp, const char deck[]);
/* The -compare_* keys, the diffusion problem (-N, -flux, ...) and the shared solver keys. */
PetscErrorCode PdennCompareSetFromOptions(PdennCompare cmp);
/* Refuses an existing experiment unless -force, reads every method's keys, then checks the deck
   for unused keys: every refusal comes before any computing. */
PetscErrorCode PdennCompareSetUp(PdennCompare cmp);
/* Data sets, classical solvers, training, evaluation; each phase a -log_view stage. */
PetscErrorCode PdennCompareRun(PdennCompare cmp);
/* summary.md, summary.csv, results.h5, then the plots (-compare_plots). */
PetscErrorCode PdennCompareWriteResults(PdennCompare cmp);
/* True when training was stopped by a signal (checkpoints written, nothing evaluated). */
PetscErrorCode PdennCompareGetInterrupted(PdennCompare cmp, PetscBool *interrupted);
PetscErrorCode PdennCompareDestroy(PdennCompare *cmp);

/* SSIM of image y against x (both W x H, natural order), skimage's default: 7 x 7 uniform
   windows, sample covariances, K1 0.01, K2 0.03, data range L, mean over the pixels whose window
   lies inside (src/compare/ssim.c, docs/results.md). */
PetscErrorCode PdennCompareSSIM(PetscInt W, PetscInt H, const PetscReal x[], const PetscReal y[], PetscReal L, PetscReal *ssim);

/* ---- Worst-case stability: the input that maximises ||f(x)|| / ||x|| (src/compare/worstcase.c) */
/* Projected gradient ascent of J(x) = ||f(x)||^2 / 2 on the sphere ||x|| = rho of its start
   (docs/results.md, "Worst-case gains"). Starts, numbered in this order: the first
   min(nrows, max_rows) given inputs (e.g. the test inputs) at their own norms, then `starts`
   uniform random inputs scaled to each norm scales[j] * data_norm. Deterministic (seed, start) and rank-independent up to rounding. */
#define PDENN_WORST_MAX_SCALES 8
typedef struct {
  PetscInt  starts;  /* random starts per scale; 0 (or iters 0): no search */
  PetscInt  iters;   /* model evaluations per start */
  PetscInt  nscales; /* norms of the random starts, in units of the data's norm */
  PetscReal scales[PDENN_WORST_MAX_SCALES];
  PetscInt  max_rows; /* at most this many given rows start a search */
  PetscInt  seed;
} PdennWorstCaseParams;
typedef struct {
  PetscReal gain;       /* largest ||f(x)|| / ||x|| found */
  PetscReal input_norm; /* ||x|| of that input */
  PetscInt  start;      /* the start that found it (-1: none searched) */
} PdennWorstCase;
PetscErrorCode PdennWorstCaseParamsDefault(PdennWorstCaseParams *p); /* 4 starts, 30 evaluations, scales 1 and 100, 16 rows */
PetscInt       PdennWorstCaseNumStarts(const PdennWorstCaseParams *p, PetscInt nrows);
/* One start: x (on the model's DM) is moved to the best input found; *gain its gain. */
PetscErrorCode PdennModelWorstCaseAscent(PdennModel model, Vec x, PetscInt iters, PetscReal *gain);
/* Starts [lo, hi) of the numbering above (rows: nrows x N values, replicated); w: the best of them. */
PetscErrorCode PdennModelWorstCase(PdennModel model, const PdennWorstCaseParams *p, PetscReal data_norm, PetscInt nrows, const PetscReal rows[], PetscInt lo, PetscInt hi, PdennWorstCase *w);
