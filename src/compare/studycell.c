/* One training of a study: its own pdenn_compare experiment <study>/cells/<cell>/, run in an
   options database of its own (the deck's keys minus the study's, minus the keys of the other
   learned methods, plus the training's method, budget and seed), so checkpoints, resumption and
   every check of pdenn_compare apply to it unchanged; then its summary.csv row read back. */
#include "studypriv.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

PetscErrorCode PdennStudyCellName(PdennStudy st, const PdennStudyCell *c, char name[], size_t len)
{
  const PdennStudyMethod *m = &st->methods[c->method];

  PetscFunctionBeginUser;
  if (m->nbudgets)
    PetscCall(PetscSNPrintf(name, len, "%s_%s%" PetscInt_FMT "_s%" PetscInt_FMT, m->name, m->budget_key, m->budgets[c->budget], st->seeds[c->seed]));
  else
    PetscCall(PetscSNPrintf(name, len, "%s_s%" PetscInt_FMT, m->name, st->seeds[c->seed]));
  PetscFunctionReturn(0);
}

static PetscErrorCode CellPath(PdennStudy st, const PdennStudyCell *c, const char rel[], char path[], size_t len)
{
  char name[256];

  PetscFunctionBeginUser;
  PetscCall(PdennStudyCellName(st, c, name, sizeof(name)));
  PetscCall(PetscSNPrintf(path, len, "%s/cells/%s/%s", st->dir, name, rel));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyCellDone(PdennStudy st, const PdennStudyCell *c, PetscBool *done)
{
  char path[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(CellPath(st, c, "summary.csv", path, sizeof(path)));
  PetscCall(PdennCompareFileExists(st->comm, path, done));
  PetscFunctionReturn(0);
}

/* Keys only the study reads; a training would report them as unused. */
static PetscBool StudyKey(PdennStudy st, const char key[])
{
  static const char *const own[] = {"compare_seeds", "compare_budget_key", "compare_task_index", "compare_task_count", "compare_collect", "compare_pairs", "compare_study_plot_script"};
  char                     name[256];

  for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
    if (!strcasecmp(key, own[i])) return PETSC_TRUE;
  for (PetscInt m = 0; m < st->nmethods; m++) {
    snprintf(name, sizeof(name), "%s_budgets", st->methods[m].name);
    if (!strcasecmp(key, name)) return PETSC_TRUE;
    snprintf(name, sizeof(name), "%s_budget_key", st->methods[m].name);
    if (!strcasecmp(key, name)) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

/* The learned method whose options prefix <name>_ is the longest one the key starts with, -1
   if none (shared and classical keys): with methods sym and sym_s2, -sym_s2_blocks is sym_s2's. */
static PetscInt KeyOwner(PdennStudy st, const char key[])
{
  PetscInt owner = -1;
  size_t   best  = 0;

  for (PetscInt m = 0; m < st->nmethods; m++) {
    const size_t len = strlen(st->methods[m].name);
    if (len > best && !strncasecmp(key, st->methods[m].name, len) && key[len] == '_') {
      owner = m;
      best  = len;
    }
  }
  for (PetscInt k = 0; k < st->nclassical; k++) {
    const size_t len = strlen(st->classical[k]);
    if (len > best && !strncasecmp(key, st->classical[k], len) && key[len] == '_') {
      owner = -1;
      best  = len;
    }
  }
  return owner;
}

static PetscErrorCode SetKey(PetscOptions db, const char fmt_key[], const char name[], const char value[])
{
  char key[256];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(key, sizeof(key), fmt_key, name));
  PetscCall(PetscOptionsSetValue(db, key, value));
  PetscFunctionReturn(0);
}

static PetscErrorCode CellOptions(PdennStudy st, const PdennStudyCell *c, PetscOptions *db)
{
  const PdennStudyMethod *m = &st->methods[c->method];
  char                    key[256], value[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(db));
  for (PetscInt i = 0; i < st->nkeys; i++) {
    const PetscInt owner = KeyOwner(st, st->keys[i]);
    if (StudyKey(st, st->keys[i]) || (owner >= 0 && owner != c->method)) continue;
    PetscCall(SetKey(*db, "-%s", st->keys[i], st->values[i]));
  }
  PetscCall(PetscSNPrintf(value, sizeof(value), "%s/cells", st->dir));
  PetscCall(PetscOptionsSetValue(*db, "-compare_output_dir", value));
  PetscCall(PdennStudyCellName(st, c, value, sizeof(value)));
  PetscCall(PetscOptionsSetValue(*db, "-compare_experiment", value));
  PetscCall(PetscOptionsSetValue(*db, "-compare_learned", m->name));
  PetscCall(PetscOptionsSetValue(*db, "-compare_plots", "false"));
  PetscCall(PetscOptionsSetValue(*db, "-force", NULL)); /* reruns a stopped training: its checkpoint is reused */
  if (m->nbudgets) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "-%s_%s", m->name, m->budget_key));
    PetscCall(PetscSNPrintf(value, sizeof(value), "%" PetscInt_FMT, m->budgets[c->budget]));
    PetscCall(PetscOptionsSetValue(*db, key, value));
  }
  PetscCall(PetscSNPrintf(value, sizeof(value), "%" PetscInt_FMT, st->seeds[c->seed]));
  PetscCall(SetKey(*db, "-%s_train_init_seed", m->name, value));
  PetscFunctionReturn(0);
}

/* pdenn_compare's main() on the training's database (apps/pdenn_compare.c) */
static PetscErrorCode RunCompare(PdennStudy st, PetscBool *interrupted)
{
  PdennCompare   cmp;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareCreate(st->comm, &cmp));
  PetscCall(PdennCompareSetDeck(cmp, st->deck));
  ierr = PdennCompareSetFromOptions(cmp);
  if (!ierr) ierr = PdennCompareSetUp(cmp);
  if (!ierr) ierr = PdennCompareRun(cmp);
  if (!ierr) ierr = PdennCompareWriteResults(cmp);
  if (!ierr) ierr = PdennCompareGetInterrupted(cmp, interrupted);
  PetscCall(PdennCompareDestroy(&cmp));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyCellTrain(PdennStudy st, const PdennStudyCell *c)
{
  PetscOptions   db;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(CellOptions(st, c, &db));
  PetscCall(PetscOptionsPush(db));
  ierr = RunCompare(st, &st->interrupted);
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&db));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Splits a CSV line (no quoting: pdenn's names have no commas) in place into at most max fields. */
static int SplitCSV(char line[], char *field[], int max)
{
  int n = 0;

  line[strcspn(line, "\r\n")] = '\0';
  field[n++]                  = line;
  for (char *p = line; *p && n < max; p++)
    if (*p == ',') {
      *p         = '\0';
      field[n++] = p + 1;
    }
  return n;
}

static PetscReal Number(const char text[])
{
  return text[0] ? (PetscReal)strtod(text, NULL) : NAN; /* empty: not applicable */
}

enum { COL_METHOD,
       COL_KIND,
       COL_PARAMS,
       COL_MSE,
       COL_PSNR,
       COL_GAIN_TEST,
       COL_GAIN_STRESS,
       COL_N };

/* Rank 0: the columns of summary.csv (docs/results.md) by their header names. */
static PetscErrorCode ReadColumns(FILE *f, const char path[], int col[COL_N])
{
  static const char *const names[COL_N] = {"method", "kind", "parameters", "test_mse", "test_psnr_db", "max_gain_test", "max_gain_stress"};
  char                     line[4096], *field[64];
  int                      n;

  PetscFunctionBeginUser;
  PetscCheck(fgets(line, sizeof(line), f), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: empty file; expected pdenn_compare's summary.csv", path);
  n = SplitCSV(line, field, 64);
  for (int k = 0; k < COL_N; k++) {
    col[k] = -1;
    for (int j = 0; j < n; j++)
      if (!strcmp(field[j], names[k])) col[k] = j;
    PetscCheck(col[k] >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: no column '%s'; expected pdenn_compare's summary.csv", path, names[k]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode AddReference(PdennStudy st, char *field[], const int col[])
{
  PdennStudyReference *r;

  PetscFunctionBeginUser;
  PetscCall(PetscRealloc(sizeof(*st->refs) * (st->nrefs + 1), &st->refs));
  r = &st->refs[st->nrefs++];
  PetscCall(PetscStrncpy(r->name, field[col[COL_METHOD]], sizeof(r->name)));
  PetscCall(PetscStrncpy(r->kind, field[col[COL_KIND]], sizeof(r->kind)));
  r->mse         = Number(field[col[COL_MSE]]);
  r->psnr        = Number(field[col[COL_PSNR]]);
  r->gain_test   = Number(field[col[COL_GAIN_TEST]]);
  r->gain_stress = Number(field[col[COL_GAIN_STRESS]]);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadRows(PdennStudy st, PdennStudyCell *c, FILE *f, const char path[], PetscBool references)
{
  const char *name = st->methods[c->method].name;
  char        line[4096], *field[64];
  int         col[COL_N], found = 0;

  PetscFunctionBeginUser;
  PetscCall(ReadColumns(f, path, col));
  while (fgets(line, sizeof(line), f)) {
    if (SplitCSV(line, field, 64) <= col[COL_GAIN_STRESS]) continue;
    if (!strcmp(field[col[COL_METHOD]], name)) {
      c->nparams     = (PetscInt)strtol(field[col[COL_PARAMS]], NULL, 10);
      c->mse         = Number(field[col[COL_MSE]]);
      c->psnr        = Number(field[col[COL_PSNR]]);
      c->gain_test   = Number(field[col[COL_GAIN_TEST]]);
      c->gain_stress = Number(field[col[COL_GAIN_STRESS]]);
      found          = 1;
    } else if (references && strcmp(field[col[COL_KIND]], "learned"))
      PetscCall(AddReference(st, field, col));
  }
  PetscCheck(found, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: no row for method '%s'", path, name);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudyCellRead(PdennStudy st, PdennStudyCell *c, PetscBool references)
{
  char           path[PETSC_MAX_PATH_LEN], name[256];
  PetscBool      done;
  FILE          *f;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennStudyCellDone(st, c, &done));
  PetscCall(PdennStudyCellName(st, c, name, sizeof(name)));
  PetscCall(CellPath(st, c, "summary.csv", path, sizeof(path)));
  PetscCheck(done, st->comm, PDENN_ERR_INPUT, "training %s has no results (%s); run the study (or, with -compare_task_count, every array task) before -compare_collect", name, path);
  if (st->rank) PetscFunctionReturn(0);
  f = fopen(path, "r");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
  ierr = ReadRows(st, c, f, path, references);
  fclose(f);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
