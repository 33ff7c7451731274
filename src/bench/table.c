/* The benchmark result table: one figure per row (section, case, size, metric, value, unit,
   note), printed aligned for people and written as CSV for apps/bench_scaling.sh. */
#include <pdenn/bench.h>
#include <string.h>

/* Rows are added when a case has been timed: its first row says it is done. A full run takes
   minutes, and the table is printed only at the end. */
static PetscErrorCode Progress(const PdennBenchTable *t, const char section[], const char name[], PetscInt N)
{
  const PdennBenchRow *last = t->n ? &t->rows[t->n - 1] : NULL;
  PetscBool            same_section, same_name;
  PetscLogDouble       now;

  PetscFunctionBeginUser;
  if (last) {
    PetscCall(PetscStrcmp(last->section, section, &same_section));
    PetscCall(PetscStrcmp(last->name, name, &same_name));
    if (same_section && same_name && last->N == N) PetscFunctionReturn(0);
  }
  PetscCall(PetscTime(&now));
  PetscCall(PetscFPrintf(t->comm, PETSC_STDERR, "pdenn_bench: %8.1f s  %-9s %s, N = %" PetscInt_FMT "\n", now - t->t_start, section, name, N));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchTableAdd(PdennBenchTable *t, const char section[], const char name[], PetscInt N, const char metric[], PetscReal value, const char unit[], const char note[])
{
  PdennBenchRow *row;

  PetscFunctionBeginUser;
  /* the CSV quotes only the note: the other fields must not hold commas */
  PetscCheck(!strchr(name, ',') && !strchr(section, ',') && !strchr(metric, ','), PETSC_COMM_SELF, PETSC_ERR_PLIB, "benchmark row '%s' '%s' '%s' holds a comma", section, name, metric);
  if (t->n == t->max) {
    t->max = PetscMax(32, 2 * t->max);
    PetscCall(PetscRealloc(sizeof(PdennBenchRow) * t->max, &t->rows));
  }
  if (t->progress) PetscCall(Progress(t, section, name, N));
  row = &t->rows[t->n++];
  PetscCall(PetscMemzero(row, sizeof(*row)));
  PetscCall(PetscStrncpy(row->section, section, sizeof(row->section)));
  PetscCall(PetscStrncpy(row->name, name, sizeof(row->name)));
  PetscCall(PetscStrncpy(row->metric, metric, sizeof(row->metric)));
  PetscCall(PetscStrncpy(row->unit, unit ? unit : "", sizeof(row->unit)));
  PetscCall(PetscStrncpy(row->note, note ? note : "", sizeof(row->note)));
  row->N     = N;
  row->value = value;
  PetscFunctionReturn(0);
}

static void FormatValue(PetscReal v, char s[], size_t len)
{
  if (PetscIsNanReal(v))
    snprintf(s, len, "n/a");
  else
    snprintf(s, len, "%.4g", (double)v);
}

PetscErrorCode PdennBenchTableView(const PdennBenchTable *t, PetscViewer viewer)
{
  char value[32];

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "%-10s %-42s %10s %5s %-21s %11s %-9s %s\n", "section", "case", "N", "ranks", "metric", "value", "unit", "note"));
  for (PetscInt i = 0; i < t->n; i++) {
    const PdennBenchRow *r = &t->rows[i];
    FormatValue(r->value, value, sizeof(value));
    PetscCall(PetscViewerASCIIPrintf(viewer, "%-10s %-42s %10" PetscInt_FMT " %5d %-21s %11s %-9s %s\n", r->section, r->name, r->N, t->ranks, r->metric, value, r->unit, r->note));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchTableWriteCSV(const PdennBenchTable *t, const char filename[])
{
  FILE *fp;
  char  value[32];

  PetscFunctionBeginUser;
  PetscCall(PetscFOpen(t->comm, filename, "w", &fp));
  PetscCall(PetscFPrintf(t->comm, fp, "section,case,N,ranks,metric,value,unit,note\n"));
  for (PetscInt i = 0; i < t->n; i++) {
    const PdennBenchRow *r = &t->rows[i];
    if (PetscIsNanReal(r->value))
      snprintf(value, sizeof(value), "n/a");
    else
      snprintf(value, sizeof(value), "%.6e", (double)r->value);
    /* notes may hold commas: quote them */
    PetscCall(PetscFPrintf(t->comm, fp, "%s,%s,%" PetscInt_FMT ",%d,%s,%s,%s,\"%s\"\n", r->section, r->name, r->N, t->ranks, r->metric, value, r->unit, r->note));
  }
  PetscCall(PetscFClose(t->comm, fp));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchTableDestroy(PdennBenchTable *t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(t->rows));
  t->n = t->max = 0;
  PetscFunctionReturn(0);
}
