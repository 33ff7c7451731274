/* CSV files of numbers: cells separated by commas, one line per row, an optional first line of
   column names (recognised because none of its cells is a number). Every cell must be a finite
   number, every line as long as the first; an error names the line and column (1-based, as an
   editor shows them). */
#include "iopriv.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  PetscInt   rows, cols;
  PetscReal *cell;       /* rows x cols */
  char     **names;      /* cols header names, or NULL */
  char     **scratch;    /* cols cell pointers for parsing */
  PetscInt   first_line; /* the file's line number of row 0 */
} CsvTable;

/* Cells of one line (modified in place): their starts, trimmed, at most max. */
static PetscInt SplitLine(char *line, char *cell[], PetscInt max)
{
  PetscInt n = 0;

  for (char *c = line;; c++) {
    char *end = strchr(c, ',');

    if (end) *end = '\0';
    while (isspace((unsigned char)*c)) c++;
    for (char *e = c + strlen(c); e > c && isspace((unsigned char)e[-1]);) *--e = '\0';
    if (n < max) cell[n] = c;
    n++;
    if (!end) return n;
    c = end;
  }
}

static PetscBool IsNumber(const char s[], double *v)
{
  char *end;

  if (!*s) return PETSC_FALSE;
  *v = strtod(s, &end);
  return (PetscBool)(*end == '\0');
}

/* Reads the whole file into a NUL-terminated buffer. */
static PetscErrorCode Slurp(const char key[], const char path[], char **text)
{
  FILE  *f = fopen(path, "rb");
  long   size;
  size_t got = 0;

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: cannot read file '%s'", key, path);
  if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) size = -1;
  if (size >= 0 && !PetscMalloc1((size_t)size + 1, text)) got = fread(*text, 1, (size_t)size, f);
  (void)fclose(f);
  if (size >= 0 && got != (size_t)size) PetscCall(PetscFree(*text));
  PetscCheck(size >= 0 && got == (size_t)size, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: cannot read file '%s'", key, path);
  (*text)[size] = '\0';
  PetscFunctionReturn(0);
}

/* One data line into the next row of t. */
static PetscErrorCode ParseRow(const char key[], const char path[], PetscInt line_no, char *line, CsvTable *t)
{
  PetscInt n = SplitLine(line, t->scratch, t->cols);

  PetscFunctionBeginUser;
  PetscCheck(n == t->cols, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s', line %" PetscInt_FMT ": %" PetscInt_FMT " cells, but line %" PetscInt_FMT " has %" PetscInt_FMT "; expected the same number of comma-separated cells on every line", key, path, line_no, n, t->first_line, t->cols);
  for (PetscInt j = 0; j < n; j++) {
    const char *cell = t->scratch[j];
    double      v;

    PetscCheck(IsNumber(cell, &v), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s', line %" PetscInt_FMT ", column %" PetscInt_FMT ": '%s' is not a number; expected a number in every cell (a header only on the first line)", key, path, line_no, j + 1, cell);
    PetscCheck(!PetscIsInfOrNanReal(v), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s', line %" PetscInt_FMT ", column %" PetscInt_FMT ": '%s' is not a finite number; expected finite numbers only", key, path, line_no, j + 1, cell);
    t->cell[t->rows * t->cols + j] = v;
  }
  t->rows++;
  PetscFunctionReturn(0);
}

/* The first non-empty line: a header (no cell is a number) or the first data row; sets t->cols. */
static PetscErrorCode FirstLine(const char key[], const char path[], PetscInt line_no, char *line, PetscInt max_rows, CsvTable *t)
{
  char    *copy;
  PetscInt numbers = 0;
  double   v;

  PetscFunctionBeginUser;
  PetscCall(PetscStrallocpy(line, &copy));
  t->cols = SplitLine(copy, NULL, 0);
  PetscCall(PetscMalloc1(t->cols, &t->scratch));
  PetscCall(PetscStrcpy(copy, line));
  (void)SplitLine(copy, t->scratch, t->cols);
  for (PetscInt j = 0; j < t->cols; j++) numbers += IsNumber(t->scratch[j], &v);
  t->first_line = line_no;
  PetscCall(PetscMalloc1(max_rows * t->cols, &t->cell));
  if (!numbers) {
    PetscCall(PetscMalloc1(t->cols, &t->names));
    for (PetscInt j = 0; j < t->cols; j++) PetscCall(PetscStrallocpy(t->scratch[j], &t->names[j]));
    t->first_line = line_no + 1;
  }
  PetscCall(PetscFree(copy));
  if (numbers) PetscCall(ParseRow(key, path, line_no, line, t));
  PetscFunctionReturn(0);
}

/* Every line of text into t. */
static PetscErrorCode ParseText(const char key[], const char path[], char *text, CsvTable *t)
{
  PetscInt lines = 1, line_no = 0;
  char    *line = text, *next;

  PetscFunctionBeginUser;
  for (const char *c = text; *c; c++) lines += *c == '\n';
  for (; line; line = next) {
    size_t len;

    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    line_no++;
    PetscCall(PetscStrlen(line, &len));
    if (len && line[len - 1] == '\r') line[len - 1] = '\0';
    if (!line[strspn(line, " \t")]) continue; /* blank lines, the last one above all */
    if (!t->cols)
      PetscCall(FirstLine(key, path, line_no, line, lines, t));
    else
      PetscCall(ParseRow(key, path, line_no, line, t));
  }
  PetscCheck(t->rows > 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' holds no row of numbers; expected comma-separated numbers, one row per line", key, path);
  PetscFunctionReturn(0);
}

/* Column spec ("" none, a 0-based index or a header name) of key `which` to an index, or -1. */
static PetscErrorCode ColumnIndex(const char which[], const char spec[], const char path[], const CsvTable *t, PetscInt *col)
{
  char *end;
  long  j;

  PetscFunctionBeginUser;
  *col = -1;
  if (!spec[0]) PetscFunctionReturn(0);
  j = strtol(spec, &end, 10);
  if (*end == '\0' && j >= 0 && j < t->cols) *col = (PetscInt)j;
  for (PetscInt k = 0; k < t->cols && *col < 0 && t->names; k++)
    if (!strcmp(spec, t->names[k])) *col = k;
  PetscCheck(*col >= 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: value '%s' names no column of file '%s'; expected a 0-based index below %" PetscInt_FMT "%s", which, spec, path, t->cols, t->names ? " or a name of its header line" : " (the file has no header line)");
  PetscFunctionReturn(0);
}

static PetscErrorCode CopyColumn(const CsvTable *t, PetscInt col, PetscReal **out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(t->rows, out));
  for (PetscInt i = 0; i < t->rows; i++) (*out)[i] = t->cell[i * t->cols + col];
  PetscFunctionReturn(0);
}

/* The records: a chosen column (and its noisy partner), the one column, or a row each. */
static PetscErrorCode ToImport(const char path[], const char column[], const char noisy_column[], CsvTable *t, PdennImportTable *out)
{
  PetscInt c, n;

  PetscFunctionBeginUser;
  PetscCall(ColumnIndex("-import_column", column, path, t, &c));
  PetscCall(ColumnIndex("-import_noisy_column", noisy_column, path, t, &n));
  PetscCheck(n < 0 || c >= 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_noisy_column: file '%s': a noisy column needs its clean one; expected -import_column too", path);
  if (c < 0 && t->cols == 1) c = 0;
  if (c >= 0) {
    out->rows = 1;
    out->cols = t->rows;
    PetscCall(CopyColumn(t, c, &out->clean));
    if (n >= 0) PetscCall(CopyColumn(t, n, &out->noisy));
    if (t->names)
      PetscCall(PetscSNPrintf(out->what, sizeof(out->what), "column %" PetscInt_FMT " '%s'%s%s%s", c, t->names[c], n >= 0 ? ", noisy column '" : "", n >= 0 ? t->names[n] : "", n >= 0 ? "'" : ""));
    else
      PetscCall(PetscSNPrintf(out->what, sizeof(out->what), "column %" PetscInt_FMT, c));
    PetscFunctionReturn(0);
  }
  out->rows  = t->rows;
  out->cols  = t->cols;
  out->clean = t->cell;
  t->cell    = NULL;
  PetscCall(PetscSNPrintf(out->what, sizeof(out->what), "a record per row (%" PetscInt_FMT " columns)", t->cols));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCsvRead(const char key[], const char path[], const char column[], const char noisy_column[], PdennImportTable *out)
{
  CsvTable       t;
  char          *text = NULL;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&t, sizeof(t)));
  PetscCall(Slurp(key, path, &text));
  ierr = ParseText(key, path, text, &t);
  if (!ierr) ierr = ToImport(path, column, noisy_column, &t, out);
  for (PetscInt j = 0; t.names && j < t.cols; j++) PetscCall(PetscFree(t.names[j]));
  PetscCall(PetscFree(t.names));
  PetscCall(PetscFree(t.scratch));
  PetscCall(PetscFree(t.cell));
  PetscCall(PetscFree(text));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
