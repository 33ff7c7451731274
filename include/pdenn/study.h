/* Studies: a grid of pdenn_compare trainings (learned methods x parameter budgets x seeds) from
   one deck, each training its own resumable experiment, summarised in one table with paired
   comparisons and one plot (apps/pdenn_study.c, docs/results.md "Studies"). */
#pragma once
#include <pdenn/compare.h>

/* ---- Statistics of the paired comparisons (src/compare/pairedtest.c) ----------------------- */
/* The regularised incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1 (continued
   fraction, relative accuracy about 1e-14). */
PetscErrorCode PdennBetaIncReg(PetscReal a, PetscReal b, PetscReal x, PetscReal *value);
/* Student's t distribution with nu > 0 degrees of freedom: P(T <= t), and the q-quantile
   (0 < q < 1). */
PetscErrorCode PdennStudentTCDF(PetscReal t, PetscReal nu, PetscReal *cdf);
PetscErrorCode PdennStudentTQuantile(PetscReal q, PetscReal nu, PetscReal *t);
/* The paired t-test of n >= 2 differences d: mean, sample standard deviation, t statistic, the
   two-sided p-value and the 95% confidence interval of the mean difference. Differences all
   equal give sd 0: t = +-inf and p = 0 (or t = NaN, p = 1 if they are all zero). */
typedef struct {
  PetscInt  n;
  PetscReal mean, sd, t, p, ci_lo, ci_hi;
} PdennPairedTest;
PetscErrorCode PdennPairedTTest(PetscInt n, const PetscReal d[], PdennPairedTest *test);

/* ---- The study ---------------------------------------------------------------------------- */
typedef struct _n_PdennStudy *PdennStudy;
PetscErrorCode                PdennStudyCreate(MPI_Comm comm, PdennStudy *study);
PetscErrorCode                PdennStudySetDeck(PdennStudy study, const char deck[]);
/* The study keys (-compare_seeds, -<name>_budgets, -compare_task_index, ...); every other key
   of the deck is passed on to each training's pdenn_compare run. */
PetscErrorCode PdennStudySetFromOptions(PdennStudy study);
/* Trains this task's trainings (all of them unless -compare_task_count > 1; none with
   -compare_collect), reusing finished ones and resuming interrupted ones. */
PetscErrorCode PdennStudyRun(PdennStudy study);
/* study.md, study.csv, study_cells.csv, study_pairs.csv and study.png from every training's
   results, when this run is the whole study or its collect step. */
PetscErrorCode PdennStudyWriteResults(PdennStudy study);
PetscErrorCode PdennStudyDestroy(PdennStudy *study);
