/* The study's results (rank 0): study_cells.csv (one row per training), study.csv (per method
   and budget: parameters, test MSE mean, standard deviation, range over the seeds, largest
   gains; the input and classical solvers as reference rows), study_pairs.csv (paired t-tests of
   -compare_pairs) and study.md (the same for people); then study.png. Only figures from the
   trainings' summary.csv files enter, so the table is the same however the trainings were run. */
#include "studypriv.h"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  PetscInt  n, nparams;
  PetscReal mean, sd, min, max, gain_test, gain_stress;
} BudgetStats;

static const PdennStudyCell *Cell(PdennStudy st, PetscInt m, PetscInt b, PetscInt s)
{
  for (PetscInt k = 0; k < st->ncells; k++)
    if (st->cells[k].method == m && st->cells[k].budget == b && st->cells[k].seed == s) return &st->cells[k];
  return NULL;
}

static void Stats(PdennStudy st, PetscInt m, PetscInt b, BudgetStats *bs)
{
  PetscReal sum = 0, ss = 0;

  bs->n         = st->nseeds;
  bs->nparams   = 0;
  bs->min       = PETSC_MAX_REAL;
  bs->max       = -PETSC_MAX_REAL;
  bs->gain_test = bs->gain_stress = 0;
  for (PetscInt s = 0; s < st->nseeds; s++) {
    const PdennStudyCell *c = Cell(st, m, b, s);
    bs->nparams             = c->nparams;
    sum += c->mse;
    bs->min         = PetscMin(bs->min, c->mse);
    bs->max         = PetscMax(bs->max, c->mse);
    bs->gain_test   = PetscMax(bs->gain_test, c->gain_test);
    bs->gain_stress = PetscMax(bs->gain_stress, c->gain_stress);
  }
  bs->mean = sum / bs->n;
  for (PetscInt s = 0; s < st->nseeds; s++) ss += PetscSqr(Cell(st, m, b, s)->mse - bs->mean);
  bs->sd = bs->n > 1 ? PetscSqrtReal(ss / (bs->n - 1)) : NAN;
}

static void BudgetText(PdennStudy st, PetscInt m, PetscInt b, char text[], size_t len)
{
  const PdennStudyMethod *mm = &st->methods[m];
  if (mm->nbudgets)
    snprintf(text, len, "%" PetscInt_FMT, mm->budgets[b]);
  else
    snprintf(text, len, "deck");
}

static PetscErrorCode Open(PdennStudy st, const char name[], char path[], size_t len, FILE **f)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, len, "%s/%s", st->dir, name));
  *f = fopen(path, "w");
  PetscCheck(*f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s", path);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteCells(PdennStudy st)
{
  char  path[PETSC_MAX_PATH_LEN], budget[32], name[256];
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(Open(st, "study_cells.csv", path, sizeof(path), &f));
  fprintf(f, "method,budget_key,budget,seed,parameters,test_mse,test_psnr_db,max_gain_test,max_gain_stress,experiment\n");
  for (PetscInt k = 0; k < st->ncells; k++) {
    const PdennStudyCell *c = &st->cells[k];
    BudgetText(st, c->method, c->budget, budget, sizeof(budget));
    PetscCall(PdennStudyCellName(st, c, name, sizeof(name)));
    fprintf(f, "%s,%s,%s,%" PetscInt_FMT ",%" PetscInt_FMT ",%.12e,%.9f,%.12f,%.12f,cells/%s\n", st->methods[c->method].name, st->methods[c->method].budget_key, budget, st->seeds[c->seed], c->nparams, (double)c->mse, (double)c->psnr, (double)c->gain_test, (double)c->gain_stress, name);
  }
  fclose(f);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteSummaryCSV(PdennStudy st)
{
  char  path[PETSC_MAX_PATH_LEN], budget[32];
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(Open(st, "study.csv", path, sizeof(path), &f));
  fprintf(f, "method,kind,budget_key,budget,parameters,seeds,test_mse_mean,test_mse_std,test_mse_min,test_mse_max,max_gain_test,max_gain_stress\n");
  for (PetscInt m = 0; m < st->nmethods; m++)
    for (PetscInt b = 0; b < PetscMax(1, st->methods[m].nbudgets); b++) {
      BudgetStats bs;
      Stats(st, m, b, &bs);
      BudgetText(st, m, b, budget, sizeof(budget));
      fprintf(f, "%s,learned,%s,%s,%" PetscInt_FMT ",%" PetscInt_FMT ",%.9e,", st->methods[m].name, st->methods[m].budget_key, budget, bs.nparams, bs.n, (double)bs.mean);
      if (bs.n > 1) fprintf(f, "%.9e", (double)bs.sd);
      fprintf(f, ",%.9e,%.9e,%.12f,%.12f\n", (double)bs.min, (double)bs.max, (double)bs.gain_test, (double)bs.gain_stress);
    }
  for (PetscInt r = 0; r < st->nrefs; r++) {
    const PdennStudyReference *ref = &st->refs[r];
    fprintf(f, "%s,%s,,,0,1,%.9e,,%.9e,%.9e,", ref->name, ref->kind, (double)ref->mse, (double)ref->mse, (double)ref->mse);
    if (!PetscIsNanReal(ref->gain_test)) fprintf(f, "%.12f", (double)ref->gain_test);
    fputc(',', f);
    if (!PetscIsNanReal(ref->gain_stress)) fprintf(f, "%.12f", (double)ref->gain_stress);
    fputc('\n', f);
  }
  fclose(f);
  PetscFunctionReturn(0);
}

/* One paired comparison: a against b at budget index b_index, seed by seed, on the difference of
   test MSEs; b_index -1: every budget and seed together on ln(MSE_a / MSE_b), which weighs the
   budgets equally although their errors differ in scale. */
typedef struct {
  PetscInt        a, b, budget, a_better;
  BudgetStats     sa, sb;
  PdennPairedTest test;
} PairRow;

static PetscErrorCode PairTest(PdennStudy st, PetscInt a, PetscInt b, PetscInt budget, PairRow *row)
{
  const PetscInt nb = PetscMax(1, st->methods[a].nbudgets);
  PetscReal      d[PDENN_STUDY_MAX_LIST * PDENN_STUDY_MAX_LIST];
  PetscInt       n = 0;

  PetscFunctionBeginUser;
  row->a        = a;
  row->b        = b;
  row->budget   = budget;
  row->a_better = 0;
  for (PetscInt i = 0; i < nb; i++) {
    if (budget >= 0 && i != budget) continue;
    for (PetscInt s = 0; s < st->nseeds; s++) {
      const PetscReal ea = Cell(st, a, i, s)->mse, eb = Cell(st, b, i, s)->mse;
      d[n++] = budget >= 0 ? ea - eb : PetscLogReal(ea / eb);
      row->a_better += ea < eb;
    }
  }
  if (budget >= 0) {
    Stats(st, a, budget, &row->sa);
    Stats(st, b, budget, &row->sb);
  }
  PetscCall(PdennPairedTTest(n, d, &row->test));
  PetscFunctionReturn(0);
}

/* Every pair at every budget, then (with two budgets or more) pooled: rows in *rows, count *n. */
static PetscErrorCode PairRows(PdennStudy st, PairRow **rows, PetscInt *n)
{
  PetscInt cap = 0;

  PetscFunctionBeginUser;
  for (PetscInt p = 0; p < st->npairs; p++) cap += PetscMax(1, st->methods[st->pairs[p][0]].nbudgets) + 1;
  PetscCall(PetscCalloc1(cap + 1, rows));
  *n = 0;
  for (PetscInt p = 0; p < st->npairs; p++) {
    const PetscInt a = st->pairs[p][0], b = st->pairs[p][1], nb = PetscMax(1, st->methods[a].nbudgets);
    for (PetscInt i = 0; i < nb; i++) PetscCall(PairTest(st, a, b, i, &(*rows)[(*n)++]));
    if (nb > 1) PetscCall(PairTest(st, a, b, -1, &(*rows)[(*n)++]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WritePairsCSV(PdennStudy st, const PairRow rows[], PetscInt n)
{
  char  path[PETSC_MAX_PATH_LEN], ba[32], bb[32];
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(Open(st, "study_pairs.csv", path, sizeof(path), &f));
  fprintf(f, "a,b,budget_a,budget_b,parameters_a,parameters_b,pairs,quantity,mean,sd,ci95_lo,ci95_hi,t,p,a_better\n");
  for (PetscInt r = 0; r < n; r++) {
    const PairRow *row = &rows[r];
    if (row->budget >= 0) {
      BudgetText(st, row->a, row->budget, ba, sizeof(ba));
      BudgetText(st, row->b, row->budget, bb, sizeof(bb));
      fprintf(f, "%s,%s,%s,%s,%" PetscInt_FMT ",%" PetscInt_FMT ",", st->methods[row->a].name, st->methods[row->b].name, ba, bb, row->sa.nparams, row->sb.nparams);
    } else
      fprintf(f, "%s,%s,all,all,,,", st->methods[row->a].name, st->methods[row->b].name);
    fprintf(f, "%" PetscInt_FMT ",%s,%.9e,%.9e,%.9e,%.9e,%.9g,%.9e,%" PetscInt_FMT "\n", row->test.n, row->budget >= 0 ? "mse_a-mse_b" : "ln(mse_a/mse_b)", (double)row->test.mean, (double)row->test.sd, (double)row->test.ci_lo, (double)row->test.ci_hi, (double)row->test.t, (double)row->test.p, row->a_better);
  }
  fclose(f);
  PetscFunctionReturn(0);
}

static void MarkdownMethods(PdennStudy st, FILE *f)
{
  char budget[32];

  fprintf(f, "## Test error per method and budget\n\n| method | budget | parameters | seeds | test MSE mean | std | min | max | max gain, test | max gain, stress |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (PetscInt m = 0; m < st->nmethods; m++)
    for (PetscInt b = 0; b < PetscMax(1, st->methods[m].nbudgets); b++) {
      BudgetStats bs;
      Stats(st, m, b, &bs);
      BudgetText(st, m, b, budget, sizeof(budget));
      fprintf(f, "| %s | %s%s%s | %" PetscInt_FMT " | %" PetscInt_FMT " | %.4e | %.2e | %.4e | %.4e | %.6f | %.6f |\n", st->methods[m].name, st->methods[m].nbudgets ? st->methods[m].budget_key : "", st->methods[m].nbudgets ? " = " : "", st->methods[m].nbudgets ? budget : "the deck's model", bs.nparams, bs.n, (double)bs.mean, (double)bs.sd, (double)bs.min, (double)bs.max, (double)bs.gain_test, (double)bs.gain_stress);
    }
  for (PetscInt r = 0; r < st->nrefs; r++) fprintf(f, "| %s (%s) | | 0 | | %.4e | | | | %.6f | %.6f |\n", st->refs[r].name, st->refs[r].kind, (double)st->refs[r].mse, (double)st->refs[r].gain_test, (double)st->refs[r].gain_stress);
}

static void MarkdownPairs(PdennStudy st, FILE *f, const PairRow rows[], PetscInt n)
{
  char ba[32], bb[32];

  if (!n) return;
  fprintf(f, "\n## Paired comparisons (-compare_pairs; same seeds, same data)\n\nPer budget: the test-MSE difference a - b over the seeds, its 95%% confidence interval and the two-sided p-value of the paired t-test. All budgets: the same on ln(MSE_a / MSE_b) over every budget and seed; exp of it is the geometric-mean error ratio a / b.\n\n");
  fprintf(f, "| a vs b | budgets | parameters | mean MSE a | mean MSE b | mean a - b [95%% CI] | t | p | a lower |\n| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: |\n");
  for (PetscInt r = 0; r < n; r++) {
    const PairRow *row = &rows[r];
    const char    *a = st->methods[row->a].name, *b = st->methods[row->b].name;
    if (row->budget >= 0) {
      BudgetText(st, row->a, row->budget, ba, sizeof(ba));
      BudgetText(st, row->b, row->budget, bb, sizeof(bb));
      fprintf(f, "| %s vs %s | %s / %s | %" PetscInt_FMT " / %" PetscInt_FMT " | %.4e | %.4e | %.3e [%.3e, %.3e] |", a, b, ba, bb, row->sa.nparams, row->sb.nparams, (double)row->sa.mean, (double)row->sb.mean, (double)row->test.mean, (double)row->test.ci_lo, (double)row->test.ci_hi);
    } else
      fprintf(f, "| %s vs %s | all | | | | ratio %.4f [%.4f, %.4f] |", a, b, (double)PetscExpReal(row->test.mean), (double)PetscExpReal(row->test.ci_lo), (double)PetscExpReal(row->test.ci_hi));
    fprintf(f, " %.3f | %.3g | %" PetscInt_FMT " of %" PetscInt_FMT " |\n", (double)row->test.t, (double)row->test.p, row->a_better, row->test.n);
  }
}

static PetscErrorCode WriteMarkdown(PdennStudy st, const PairRow rows[], PetscInt n)
{
  char  path[PETSC_MAX_PATH_LEN];
  FILE *f;

  PetscFunctionBeginUser;
  PetscCall(Open(st, "study.md", path, sizeof(path), &f));
  fprintf(f, "# Study %s\n\n- deck: `%s`\n- %" PetscInt_FMT " trainings: %" PetscInt_FMT " methods x their budgets x %" PetscInt_FMT " seeds (", st->experiment, st->deck[0] ? st->deck : "command line", st->ncells, st->nmethods, st->nseeds);
  for (PetscInt s = 0; s < st->nseeds; s++) fprintf(f, "%s%" PetscInt_FMT, s ? ", " : "", st->seeds[s]);
  fprintf(f, "; -<name>_train_init_seed), each its own experiment in cells/ (study_cells.csv)\n- test MSE: mean over the test samples of pdenn_compare's summary.csv; std: sample standard deviation over the seeds\n\n");
  MarkdownMethods(st, f);
  MarkdownPairs(st, f, rows, n);
  fclose(f);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyWriteTables(PdennStudy st)
{
  PairRow *rows = NULL;
  PetscInt n    = 0;

  PetscFunctionBeginUser;
  if (!st->rank) {
    PetscCall(PairRows(st, &rows, &n));
    PetscCall(WriteCells(st));
    PetscCall(WriteSummaryCSV(st));
    PetscCall(WritePairsCSV(st, rows, n));
    PetscCall(WriteMarkdown(st, rows, n));
    PetscCall(PetscFree(rows));
  }
  PetscCall(PetscPrintf(st->comm, "pdenn_study: wrote %s/study.md, study.csv, study_cells.csv, study_pairs.csv\n", st->dir));
  PetscFunctionReturn(0);
}

/* apps/pdenn_study_plot.py of the source tree this was built from (src/CMakeLists.txt) */
static void DefaultScript(char script[], size_t len)
{
#if defined(PDENN_STUDY_PLOT_SCRIPT)
  snprintf(script, len, "%s", PDENN_STUDY_PLOT_SCRIPT);
#else
  snprintf(script, len, "apps/pdenn_study_plot.py");
#endif
}

/* A convenience, as pdenn_compare's plots: any failure is one line, and the run succeeds. */
PetscErrorCode PdennStudyRunPlot(PdennStudy st)
{
  char script[PETSC_MAX_PATH_LEN], cmd[4 * PETSC_MAX_PATH_LEN];
  int  status;

  PetscFunctionBeginUser;
  if (!st->plots || st->rank) PetscFunctionReturn(0);
  if (st->plot_script[0])
    PetscCall(PetscStrncpy(script, st->plot_script, sizeof(script)));
  else
    DefaultScript(script, sizeof(script));
  if (access(st->python, X_OK) || access(script, R_OK) || strchr(st->python, '\'') || strchr(script, '\'') || strchr(st->dir, '\'')) {
    printf("pdenn_study: plot skipped: no interpreter '%s' or script '%s' (keys -compare_python, -compare_study_plot_script), or a quote in a path; the tables are in %s\n", st->python, script, st->dir);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscSNPrintf(cmd, sizeof(cmd), "'%s' '%s' '%s'", st->python, script, st->dir));
  fflush(stdout);
  status = system(cmd);
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
    printf("pdenn_study: wrote %s/study.png\n", st->dir);
  else
    printf("pdenn_study: plot failed or skipped (%s); the tables are in %s\n", script, st->dir);
  fflush(stdout);
  PetscFunctionReturn(0);
}
