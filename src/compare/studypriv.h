/* Private to the study (study.c: object and keys; studycell.c: one training as its own
   pdenn_compare experiment; studytable.c: the tables, paired tests and plot). */
#pragma once
#include <pdenn/study.h>
#include "comparepriv.h"

#define PDENN_STUDY_MAX_LIST 64

typedef struct {
  char     name[PDENN_COMPARE_NAME_LEN];            /* a -compare_learned name */
  char     budget_key[PDENN_COMPARE_NAME_LEN];      /* the model key the budgets set: blocks, channels */
  PetscInt nbudgets, budgets[PDENN_STUDY_MAX_LIST]; /* nbudgets 0: the deck's own model */
} PdennStudyMethod;

/* One training: method, budget and seed (indices), and what its summary.csv reports. */
typedef struct {
  PetscInt  method, budget, seed;
  PetscInt  nparams;
  PetscReal mse, psnr, gain_test, gain_stress;
} PdennStudyCell;

/* A row of summary.csv that is not a study training (the input, classical solvers): the same
   in every training's experiment, so taken from the first one. */
typedef struct {
  char      name[PDENN_COMPARE_NAME_LEN], kind[16];
  PetscReal mse, psnr, gain_test, gain_stress;
} PdennStudyReference;

struct _n_PdennStudy {
  MPI_Comm    comm;
  PetscMPIInt rank;
  char        deck[PETSC_MAX_PATH_LEN], output_dir[PETSC_MAX_PATH_LEN], experiment[128];
  char        dir[PETSC_MAX_PATH_LEN]; /* output_dir/experiment; trainings in dir/cells/<cell> */
  char        python[PETSC_MAX_PATH_LEN], plot_script[PETSC_MAX_PATH_LEN];
  PetscBool   plots, retrain, collect, interrupted;
  PetscInt    task_index, task_count;

  PetscInt         nseeds, seeds[PDENN_STUDY_MAX_LIST];
  PetscInt         nmethods;
  PdennStudyMethod methods[PDENN_COMPARE_MAX_METHODS];
  char            *classical[PDENN_COMPARE_MAX_METHODS]; /* their keys stay in every training */
  PetscInt         nclassical;
  PetscInt         npairs, pairs[PDENN_COMPARE_MAX_METHODS][2];

  /* the deck's keys not read before the study (no dash; value NULL for a flag) */
  PetscInt nkeys;
  char   **keys, **values;

  PetscInt             ncells;
  PdennStudyCell      *cells; /* method-major, then budget, then seed */
  PetscInt             nrefs;
  PdennStudyReference *refs;
};

/* paths.c: mkdir of one directory, an existing one is fine; errno or 0 */
int PdennCompareMakeDir(const char path[]);

/* study.c */
PetscErrorCode PdennStudyParseIntList(MPI_Comm comm, const char key[], const char text[], PetscInt lo, PetscInt *n, PetscInt list[]);

/* studycell.c */
PetscErrorCode PdennStudyCellName(PdennStudy st, const PdennStudyCell *c, char name[], size_t len);
PetscErrorCode PdennStudyCellDone(PdennStudy st, const PdennStudyCell *c, PetscBool *done);
PetscErrorCode PdennStudyCellTrain(PdennStudy st, const PdennStudyCell *c);
PetscErrorCode PdennStudyCellRead(PdennStudy st, PdennStudyCell *c, PetscBool references);

/* studytable.c */
PetscErrorCode PdennStudyWriteTables(PdennStudy st);
PetscErrorCode PdennStudyRunPlot(PdennStudy st);
