/* PdennStudy: life cycle and keys of a study (include/pdenn/study.h): the learned methods of
   -compare_learned, each at the budgets -<name>_budgets (values of its model key
   -<name>_budget_key), each from the seeds -compare_seeds; -compare_task_index/_count split the
   trainings over Slurm array tasks and -compare_collect makes the table from them. */
#include "studypriv.h"
#include <stdlib.h>
#include <string.h>

PetscErrorCode PdennStudyCreate(MPI_Comm comm, PdennStudy *study)
{
  PdennStudy s;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&s));
  s->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &s->rank));
  s->plots      = PETSC_TRUE;
  s->task_count = 1;
  *study        = s;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudySetDeck(PdennStudy study, const char deck[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(study->deck, deck ? deck : "", sizeof(study->deck)));
  PetscFunctionReturn(0);
}

/* One entry of a comma list: an integer >= lo, nothing else. */
static PetscErrorCode ParseEntry(MPI_Comm comm, const char key[], const char list[], const char *entry, size_t len, PetscInt lo, PetscInt *value)
{
  char buf[64], *end;
  long v;

  PetscFunctionBeginUser;
  PetscCheck(len > 0, comm, PDENN_ERR_INPUT, "key %s: the list '%s' has an empty entry; expected a comma list of distinct integers >= %" PetscInt_FMT ", e.g. 1,2,3", key, list, lo);
  PetscCheck(len < sizeof(buf), comm, PDENN_ERR_INPUT, "key %s: entry '%.20s...' is too long; expected integers >= %" PetscInt_FMT, key, entry, lo);
  memcpy(buf, entry, len);
  buf[len] = '\0';
  v        = strtol(buf, &end, 10);
  PetscCheck(*end == '\0' && (buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')), comm, PDENN_ERR_INPUT, "key %s: entry '%s' is not an integer; expected a comma list of distinct integers >= %" PetscInt_FMT ", e.g. 1,2,3", key, buf, lo);
  PetscCheck(v >= lo && v <= PETSC_MAX_INT, comm, PDENN_ERR_INPUT, "key %s: entry %s is out of range; expected integers >= %" PetscInt_FMT, key, buf, lo);
  *value = (PetscInt)v;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyParseIntList(MPI_Comm comm, const char key[], const char text[], PetscInt lo, PetscInt *n, PetscInt list[])
{
  const char *p = text;

  PetscFunctionBeginUser;
  *n = 0;
  PetscCheck(text[0], comm, PDENN_ERR_INPUT, "key %s: the list is empty; expected a comma list of distinct integers >= %" PetscInt_FMT ", e.g. 1,2,3", key, lo);
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t      len   = comma ? (size_t)(comma - p) : strlen(p);
    PetscInt    v;
    PetscCall(ParseEntry(comm, key, text, p, len, lo, &v));
    for (PetscInt i = 0; i < *n; i++) PetscCheck(list[i] != v, comm, PDENN_ERR_INPUT, "key %s: the value %" PetscInt_FMT " appears twice in '%s'; expected distinct integers", key, v, text);
    PetscCheck(*n < PDENN_STUDY_MAX_LIST, comm, PDENN_ERR_INPUT, "key %s: more than %d entries", key, PDENN_STUDY_MAX_LIST);
    list[(*n)++] = v;
    if (!comma) break;
    p = comma + 1;
  }
  PetscFunctionReturn(0);
}

/* The deck's keys as they are before the study reads any: each training gets them (minus the
   study's own) in its own options database (studycell.c). */
static PetscErrorCode CaptureKeys(PdennStudy st)
{
  PetscInt n;
  char   **names, **values;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  PetscCall(PetscCalloc2(n + 1, &st->keys, n + 1, &st->values));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscStrallocpy(names[i], &st->keys[i]));
    PetscCall(PetscStrallocpy(values[i], &st->values[i]));
  }
  st->nkeys = n;
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscFunctionReturn(0);
}

static PetscErrorCode NameList(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], char *names[], PetscInt *n)
{
  PetscBool set;

  PetscFunctionBeginUser;
  *n = PDENN_COMPARE_MAX_METHODS - 1;
  PetscCall(PetscOptionsStringArray(key, text, NULL, names, n, &set));
  if (!set) *n = 0;
  PetscFunctionReturn(0);
}

/* -<name>_budgets and -<name>_budget_key of every learned method */
static PetscErrorCode MethodOptions(PetscOptionItems *PetscOptionsObject, PdennStudy st, const char budget_key[], PetscBool help)
{
  char key[128], text[256], list[1024];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < st->nmethods; i++) {
    PdennStudyMethod *m = &st->methods[i];
    PetscBool         set;
    PetscCall(PetscSNPrintf(key, sizeof(key), "-%s_budget_key", m->name));
    PetscCall(PdennOptionsString(key, "Model key of this method that its budgets set (overrides -compare_budget_key)", budget_key, m->budget_key, sizeof(m->budget_key), NULL));
    PetscCall(PetscSNPrintf(key, sizeof(key), "-%s_budgets", m->name));
    PetscCall(PetscSNPrintf(text, sizeof(text), "Comma list of values of -%s_%s, one training per value and seed (default: the deck's model only)", m->name, m->budget_key));
    PetscCall(PdennOptionsString(key, text, "", list, sizeof(list), &set));
    if (set && !help) PetscCall(PdennStudyParseIntList(st->comm, key, list, 1, &m->nbudgets, m->budgets));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode FindMethod(PdennStudy st, const char name[], size_t len, PetscInt *index)
{
  PetscFunctionBeginUser;
  *index = -1;
  for (PetscInt i = 0; i < st->nmethods; i++)
    if (strlen(st->methods[i].name) == len && !strncmp(st->methods[i].name, name, len)) *index = i;
  PetscCheck(*index >= 0, st->comm, PDENN_ERR_INPUT, "key -compare_pairs: '%.*s' is not a -compare_learned method; expected a comma list a:b of learned methods", (int)len, name);
  PetscFunctionReturn(0);
}

/* -compare_pairs a:b,...: a against b, budget by budget (the i-th of each list), seed by seed */
static PetscErrorCode ParsePairs(PdennStudy st, const char text[])
{
  const char *p = text;

  PetscFunctionBeginUser;
  while (text[0]) {
    const char *comma = strchr(p, ','), *colon = strchr(p, ':');
    size_t      len = comma ? (size_t)(comma - p) : strlen(p);
    PetscInt    a, b;
    PetscCheck(colon && colon < p + len, st->comm, PDENN_ERR_INPUT, "key -compare_pairs: entry '%.*s' has no ':'; expected a comma list a:b of learned methods", (int)len, p);
    PetscCall(FindMethod(st, p, (size_t)(colon - p), &a));
    PetscCall(FindMethod(st, colon + 1, len - (size_t)(colon - p) - 1, &b));
    PetscCheck(st->nseeds >= 2, st->comm, PDENN_ERR_INPUT, "key -compare_pairs: a paired test needs at least 2 seeds; -compare_seeds has %" PetscInt_FMT, st->nseeds);
    PetscCheck(a != b, st->comm, PDENN_ERR_INPUT, "key -compare_pairs: '%s' is paired with itself", st->methods[a].name);
    PetscCheck(st->methods[a].nbudgets == st->methods[b].nbudgets, st->comm, PDENN_ERR_INPUT, "keys -%s_budgets and -%s_budgets: %" PetscInt_FMT " and %" PetscInt_FMT " budgets; a pair of -compare_pairs compares budget i with budget i, so the lists need the same length", st->methods[a].name, st->methods[b].name, st->methods[a].nbudgets, st->methods[b].nbudgets);
    PetscCheck(st->npairs < PDENN_COMPARE_MAX_METHODS, st->comm, PDENN_ERR_INPUT, "key -compare_pairs: more than %d pairs", PDENN_COMPARE_MAX_METHODS);
    st->pairs[st->npairs][0] = a;
    st->pairs[st->npairs][1] = b;
    st->npairs++;
    if (!comma) break;
    p = comma + 1;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TaskOptions(PetscOptionItems *PetscOptionsObject, PdennStudy st)
{
  PetscFunctionBeginUser;
  PetscCall(PdennOptionsInt("-compare_task_count", "Trainings are split over this many array tasks (training k goes to task k mod count); the table then comes from -compare_collect", st->task_count, 1, 100000, &st->task_count, NULL));
  PetscCall(PdennOptionsInt("-compare_task_index", "This array task (0 .. -compare_task_count - 1, e.g. $SLURM_ARRAY_TASK_ID)", st->task_index, 0, 100000, &st->task_index, NULL));
  PetscCheck(st->task_index < st->task_count, st->comm, PDENN_ERR_INPUT, "key -compare_task_index: %" PetscInt_FMT " is not below -compare_task_count %" PetscInt_FMT "; expected 0 .. %" PetscInt_FMT, st->task_index, st->task_count, st->task_count - 1);
  PetscCall(PdennOptionsBool("-compare_collect", "Train nothing: make the table and plot from the finished trainings of every array task", st->collect, &st->collect, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode OutputOptions(PetscOptionItems *PetscOptionsObject, PdennStudy st)
{
  char def[128];

  PetscFunctionBeginUser;
  PetscCall(PdennCompareDefaultExperiment(st->deck, def, sizeof(def)));
  PetscCall(PdennOptionsString("-compare_experiment", "Study name: the table goes to <output_dir>/<name>/, each training to <output_dir>/<name>/cells/<method>_<key><budget>_s<seed>/", def, st->experiment, sizeof(st->experiment), NULL));
  PetscCall(PdennOptionsString("-compare_output_dir", "Directory holding the experiments' results", "results", st->output_dir, sizeof(st->output_dir), NULL));
  PetscCall(PdennOptionsBool("-compare_retrain", "Train every network from scratch even if its checkpoint or results exist", st->retrain, &st->retrain, NULL));
  PetscCall(PdennOptionsBool("-compare_plots", "Draw study.png (test error against parameters) with the Python script", st->plots, &st->plots, NULL));
  PetscCall(PdennOptionsString("-compare_python", "Python interpreter with matplotlib for the plot", "/usr/bin/python3", st->python, sizeof(st->python), NULL));
  PetscCall(PdennOptionsString("-compare_study_plot_script", "Plot script of the study (default: apps/pdenn_study_plot.py of this source tree)", "", st->plot_script, sizeof(st->plot_script), NULL));
  PetscCall(PetscSNPrintf(st->dir, sizeof(st->dir), "%s/%s", st->output_dir, st->experiment));
  PetscFunctionReturn(0);
}

static PetscErrorCode StudyOptions(PetscOptionItems *PetscOptionsObject, PdennStudy st, PetscBool help)
{
  char    *learned[PDENN_COMPARE_MAX_METHODS], list[1024], budget_key[PDENN_COMPARE_NAME_LEN], pairs[1024];
  PetscInt nlearned;

  PetscFunctionBeginUser;
  PetscCall(PdennOptionsString("-compare_seeds", "Comma list of seeds: each training is repeated with -<name>_train_init_seed set to each", "1", list, sizeof(list), NULL));
  if (!help) PetscCall(PdennStudyParseIntList(st->comm, "-compare_seeds", list, 0, &st->nseeds, st->seeds));
  PetscCall(NameList(PetscOptionsObject, "-compare_learned", "Comma list of the networks of the study (each trained at its -<name>_budgets from every seed)", learned, &nlearned));
  PetscCall(NameList(PetscOptionsObject, "-compare_classical", "Comma list of classical solvers: reference rows, run in every training's experiment", st->classical, &st->nclassical));
  PetscCheck(nlearned > 0 || help, st->comm, PDENN_ERR_INPUT, "key -compare_learned: missing or empty; a study needs at least one learned method");
  for (PetscInt i = 0; i < nlearned; i++) {
    PetscCall(PetscStrncpy(st->methods[i].name, learned[i], sizeof(st->methods[i].name)));
    PetscCall(PetscFree(learned[i]));
  }
  st->nmethods = nlearned;
  PetscCall(PdennOptionsString("-compare_budget_key", "Model key the budget lists -<name>_budgets set (blocks, channels, ...)", "blocks", budget_key, sizeof(budget_key), NULL));
  PetscCall(MethodOptions(PetscOptionsObject, st, budget_key, help));
  PetscCall(PdennOptionsString("-compare_pairs", "Comma list a:b of learned methods compared pairwise (paired t-test over the seeds, budget i of a against budget i of b)", "", pairs, sizeof(pairs), NULL));
  if (!help) PetscCall(ParsePairs(st, pairs));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudySetFromOptions(PdennStudy st)
{
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  PetscCall(CaptureKeys(st));
  PetscOptionsBegin(st->comm, NULL, "pdenn_study: a grid of pdenn_compare trainings (docs/results.md, Studies)", NULL);
  PetscCall(StudyOptions(PetscOptionsObject, st, help));
  PetscCall(TaskOptions(PetscOptionsObject, st));
  PetscCall(OutputOptions(PetscOptionsObject, st));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* Every training in a fixed order (method, budget, seed): the k-th goes to task k mod count. */
static PetscErrorCode MakeCells(PdennStudy st)
{
  PetscInt n = 0;

  PetscFunctionBeginUser;
  for (PetscInt m = 0; m < st->nmethods; m++) n += PetscMax(1, st->methods[m].nbudgets) * st->nseeds;
  PetscCall(PetscCalloc1(n, &st->cells));
  for (PetscInt m = 0; m < st->nmethods; m++)
    for (PetscInt b = 0; b < PetscMax(1, st->methods[m].nbudgets); b++)
      for (PetscInt s = 0; s < st->nseeds; s++) {
        PdennStudyCell *c = &st->cells[st->ncells++];
        c->method         = m;
        c->budget         = b;
        c->seed           = s;
      }
  PetscFunctionReturn(0);
}

/* <output_dir>, <output_dir>/<experiment> and its cells/ (pdenn_compare makes one level only) */
static PetscErrorCode MakeDirs(PdennStudy st)
{
  char paths[3][PETSC_MAX_PATH_LEN];
  int  err[2] = {0, 0};

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(paths[0], st->output_dir, sizeof(paths[0])));
  PetscCall(PetscStrncpy(paths[1], st->dir, sizeof(paths[1])));
  PetscCall(PetscSNPrintf(paths[2], sizeof(paths[2]), "%s/cells", st->dir));
  for (int i = 0; i < 3 && !err[0] && !st->rank; i++) {
    err[0] = PdennCompareMakeDir(paths[i]);
    err[1] = i;
  }
  PetscCallMPI(MPI_Bcast(err, 2, MPI_INT, 0, st->comm));
  PetscCheck(!err[0], st->comm, PDENN_ERR_INPUT, "key %s: cannot create directory '%s' (%s); expected a writable location", err[1] == 0 ? "-compare_output_dir" : "-compare_experiment", paths[err[1]], strerror(err[0]));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyRun(PdennStudy st)
{
  char      name[256];
  PetscBool done;
  PetscInt  mine = 0, trained = 0;

  PetscFunctionBeginUser;
  PetscCall(MakeCells(st));
  if (st->collect) PetscFunctionReturn(0);
  PetscCall(MakeDirs(st));
  for (PetscInt k = 0; k < st->ncells && !st->interrupted; k++) {
    if (k % st->task_count != st->task_index) continue;
    mine++;
    PetscCall(PdennStudyCellName(st, &st->cells[k], name, sizeof(name)));
    PetscCall(PdennStudyCellDone(st, &st->cells[k], &done));
    if (done && !st->retrain) {
      PetscCall(PetscPrintf(st->comm, "pdenn_study: training %" PetscInt_FMT "/%" PetscInt_FMT " %s: finished earlier, reused\n", k + 1, st->ncells, name));
      continue;
    }
    PetscCall(PetscPrintf(st->comm, "pdenn_study: training %" PetscInt_FMT "/%" PetscInt_FMT " %s\n", k + 1, st->ncells, name));
    PetscCall(PdennStudyCellTrain(st, &st->cells[k]));
    trained++;
  }
  if (!st->interrupted) PetscCall(PetscPrintf(st->comm, "pdenn_study: task %" PetscInt_FMT " of %" PetscInt_FMT ": %" PetscInt_FMT " of the %" PetscInt_FMT " trainings are this task's, %" PetscInt_FMT " trained now\n", st->task_index, st->task_count, mine, st->ncells, trained));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyWriteResults(PdennStudy st)
{
  PetscFunctionBeginUser;
  if (st->interrupted) {
    PetscCall(PetscPrintf(st->comm, "pdenn_study: training was stopped by a signal; its checkpoint in %s/cells is resumable: run the same command again to continue. No table was written.\n", st->dir));
    PetscFunctionReturn(0);
  }
  if (st->task_count > 1 && !st->collect) {
    PetscCall(PetscPrintf(st->comm, "pdenn_study: array task %" PetscInt_FMT " done; when every task is, run the study with -compare_collect for the table\n", st->task_index));
    PetscFunctionReturn(0);
  }
  for (PetscInt k = 0; k < st->ncells; k++) PetscCall(PdennStudyCellRead(st, &st->cells[k], (PetscBool)(k == 0)));
  PetscCall(PdennStudyWriteTables(st));
  PetscCall(PdennStudyRunPlot(st));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyDestroy(PdennStudy *study)
{
  PdennStudy s = *study;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < s->nkeys; i++) {
    PetscCall(PetscFree(s->keys[i]));
    PetscCall(PetscFree(s->values[i]));
  }
  PetscCall(PetscFree2(s->keys, s->values));
  for (PetscInt i = 0; i < s->nclassical; i++) PetscCall(PetscFree(s->classical[i]));
  PetscCall(PetscFree(s->cells));
  PetscCall(PetscFree(s->refs));
  PetscCall(PetscFree(*study));
  PetscFunctionReturn(0);
}
