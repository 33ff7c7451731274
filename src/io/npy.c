/* NumPy's .npy format, read without NumPy: the magic "\x93NUMPY", a version, a header that is a
   Python dict literal ({'descr': '<f8', 'fortran_order': False, 'shape': (n,), }), then the raw
   array. pdenn takes float32 and float64 of either byte order, in C or Fortran order. */
#include "iopriv.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#ifndef PDENN_BIG_ENDIAN_HOST
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define PDENN_BIG_ENDIAN_HOST 1
#else
#define PDENN_BIG_ENDIAN_HOST 0
#endif
#endif

typedef struct {
  char      descr[32];
  PetscBool fortran, big_endian;
  int       itemsize, ndim;
  long long shape[2];
} NpyHeader;

/* The text after 'name': in the header dict, or NULL. */
static const char *NpyField(const char header[], const char name[])
{
  char        quoted[32];
  const char *at;

  snprintf(quoted, sizeof(quoted), "'%s'", name);
  at = strstr(header, quoted);
  if (!at) return NULL;
  at = strchr(at + strlen(quoted), ':');
  if (!at) return NULL;
  at++;
  while (*at == ' ') at++;
  return at;
}

/* Which floating-point dtype descr is; anything else is refused by its name and kind. */
static PetscErrorCode NpyDescr(const char key[], const char path[], NpyHeader *h)
{
  const char *d    = h->descr;
  const char *kind = "not a number type";

  PetscFunctionBeginUser;
  if ((d[0] == '<' || d[0] == '>' || d[0] == '=') && d[1] == 'f' && (!strcmp(d + 2, "4") || !strcmp(d + 2, "8"))) {
    h->itemsize   = d[2] - '0';
    h->big_endian = (PetscBool)(d[0] == '>' || (d[0] == '=' && PDENN_BIG_ENDIAN_HOST));
    PetscFunctionReturn(0);
  }
  if (d[1] == 'i' || d[1] == 'u' || d[1] == 'b' || d[0] == '?')
    kind = "integer or boolean";
  else if (d[1] == 'c')
    kind = "complex";
  else if (d[1] == 'f')
    kind = "a float size other than 4 or 8 bytes";
  SETERRQ(PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' holds dtype '%s' (%s); expected float32 or float64 ('<f4', '>f4', '<f8', '>f8')", key, path, h->descr, kind);
}

/* descr, fortran_order and shape (1 or 2 dimensions) from the header text. */
static PetscErrorCode NpyParse(const char key[], const char path[], const char text[], NpyHeader *h)
{
  const char *descr = NpyField(text, "descr"), *order = NpyField(text, "fortran_order"), *shape = NpyField(text, "shape");
  const char *end;
  char       *next;

  PetscFunctionBeginUser;
  PetscCheck(descr && order && shape && *shape == '(', PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' has a .npy header without 'descr', 'fortran_order' and 'shape' (damaged file?)", key, path);
  PetscCheck(*descr == '\'' && (end = strchr(descr + 1, '\'')) && end - descr - 1 < (long)sizeof(h->descr), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' holds a structured dtype; expected float32 or float64", key, path);
  memcpy(h->descr, descr + 1, (size_t)(end - descr - 1));
  h->descr[end - descr - 1] = '\0';
  PetscCall(NpyDescr(key, path, h));
  h->fortran = (PetscBool)!strncmp(order, "True", 4);
  h->ndim    = 0;
  for (const char *p = shape + 1; *p && *p != ')';) {
    long long n = strtoll(p, &next, 10);

    if (next == p) break;
    PetscCheck(h->ndim < 2, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' holds an array of more than 2 dimensions; expected 1 (a record) or 2 (a record per row)", key, path);
    h->shape[h->ndim++] = n;
    p                   = next;
    while (*p == ',' || *p == ' ') p++;
  }
  PetscCheck(h->ndim >= 1 && h->shape[0] > 0 && (h->ndim == 1 || h->shape[1] > 0), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' holds an empty array or a scalar; expected 1 (a record) or 2 (a record per row) dimensions", key, path);
  PetscCheck(h->shape[0] * (h->ndim == 2 ? h->shape[1] : 1) <= (long long)PETSC_MAX_INT, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' holds more than %" PetscInt_FMT " values (PETSc's largest index)", key, path, (PetscInt)PETSC_MAX_INT);
  PetscFunctionReturn(0);
}

/* Magic, version and header text of an open file. */
static PetscErrorCode NpyHeaderRead(const char key[], const char path[], FILE *f, NpyHeader *h)
{
  unsigned char  pre[12];
  size_t         len, got;
  char          *text;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCheck(fread(pre, 1, 10, f) == 10 && !memcmp(pre, "\x93NUMPY", 6), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' is not a NumPy .npy file (no \\x93NUMPY magic)", key, path);
  PetscCheck(pre[6] >= 1 && pre[6] <= 3, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' is .npy version %d; expected version 1, 2 or 3", key, path, pre[6]);
  if (pre[6] == 1)
    len = (size_t)pre[8] | (size_t)pre[9] << 8;
  else {
    PetscCheck(fread(pre + 10, 1, 2, f) == 2, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' is a truncated .npy file", key, path);
    len = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
  }
  PetscCheck(len < (1 << 20), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' has a .npy header of %zu bytes (damaged file?)", key, path, len);
  PetscCall(PetscCalloc1(len + 1, &text));
  got = fread(text, 1, len, f);
  if (got == len) ierr = NpyParse(key, path, text, h);
  PetscCall(PetscFree(text));
  PetscCheck(got == len, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' is a truncated .npy file (header)", key, path);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Element i of the raw data as a double, swapping bytes where the file's order is not ours. */
static double NpyValue(const unsigned char *raw, size_t i, const NpyHeader *h)
{
  unsigned char b[8];
  const int     n = h->itemsize;
  float         f;
  double        d;

  for (int k = 0; k < n; k++) b[k] = raw[i * n + (h->big_endian != PDENN_BIG_ENDIAN_HOST ? n - 1 - k : k)];
  if (n == 4) return memcpy(&f, b, 4), (double)f;
  return memcpy(&d, b, 8), d;
}

/* The array as records: rows x cols row-major (Fortran order transposed; one column is one record). */
static PetscErrorCode NpyToTable(const NpyHeader *h, const unsigned char *raw, PdennImportTable *t)
{
  const long long r = h->shape[0], c = h->ndim == 2 ? h->shape[1] : 1;
  const PetscBool column = (PetscBool)(h->ndim == 1 || c == 1);

  PetscFunctionBeginUser;
  t->rows = column ? 1 : (PetscInt)r;
  t->cols = column ? (PetscInt)r : (PetscInt)c;
  PetscCall(PetscMalloc1((size_t)(r * c), &t->clean));
  for (long long i = 0; i < r; i++)
    for (long long j = 0; j < c; j++) t->clean[i * c + j] = NpyValue(raw, (size_t)(h->fortran ? j * r + i : i * c + j), h);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennNpyRead(const char key[], const char path[], PdennImportTable *t)
{
  FILE          *f = fopen(path, "rb");
  NpyHeader      h;
  unsigned char *raw = NULL;
  size_t         n, got = 0;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: cannot read file '%s'", key, path);
  ierr = NpyHeaderRead(key, path, f, &h);
  if (!ierr) {
    n    = (size_t)(h.shape[0] * (h.ndim == 2 ? h.shape[1] : 1));
    ierr = PetscMalloc1(n * (size_t)h.itemsize, &raw);
    if (!ierr) got = fread(raw, (size_t)h.itemsize, n, f);
  }
  (void)fclose(f);
  if (!ierr && got != n) ierr = PetscFree(raw);
  PetscCall(ierr);
  PetscCheck(got == n, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' is truncated: its header promises %zu values of dtype '%s', the file holds %zu", key, path, n, h.descr, got);
  ierr = NpyToTable(&h, raw, t);
  PetscCall(PetscFree(raw));
  PetscCall(ierr);
  PetscCall(PetscSNPrintf(t->what, sizeof(t->what), "array %s of dtype '%s'%s", h.ndim == 1 ? "1D" : "2D", h.descr, h.fortran ? ", Fortran order" : ""));
  PetscCall(PdennImportCheckFinite(path, "array", t->rows * t->cols, t->cols, t->clean));
  PetscFunctionReturn(0);
}
