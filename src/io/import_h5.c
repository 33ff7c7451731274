/* A user's HDF5 data for pdenn_signals -import, read serially on one rank: any dataset name, any
   floating-point type, byte order, chunking or filter (HDF5 converts to H5T_NATIVE_DOUBLE on
   reading), 1 or 2 dimensions. Other types are refused by name. */
#include "iopriv.h"
#include <stdio.h>
#include <string.h>

typedef struct {
  PetscInt count;
  char     first[256];
  char     list[256]; /* the first names, for the message */
} DatasetList;

static herr_t CollectDataset(hid_t group, const char name[], const H5L_info_t *info, void *ctx)
{
  DatasetList *d = (DatasetList *)ctx;
  hid_t        dset;
  size_t       used = strlen(d->list);

  (void)info;
  if ((dset = H5Dopen2(group, name, H5P_DEFAULT)) < 0) return 0; /* a group or a type */
  (void)H5Dclose(dset);
  if (!d->count++) (void)PetscStrncpy(d->first, name, sizeof(d->first));
  if (used + strlen(name) + 4 < sizeof(d->list)) snprintf(d->list + used, sizeof(d->list) - used, "%s'%s'", used ? ", " : "", name);
  return 0;
}

/* The file's only dataset, when the user named none. */
static PetscErrorCode OnlyDataset(const char key[], const char path[], hid_t file, char name[], size_t len)
{
  DatasetList d;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&d, sizeof(d)));
  PdennH5Call(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, CollectDataset, &d), "H5Lvisit");
  PetscCheck(d.count > 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' holds no dataset; expected an array of floating-point numbers", key, path);
  PetscCheck(d.count == 1, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_dataset: file '%s' holds %" PetscInt_FMT " datasets (%s...); expected the key to name the one to import", path, d.count, d.list);
  PetscCall(PetscStrncpy(name, d.first, len));
  PetscFunctionReturn(0);
}

/* Shape (1 or 2 dimensions) and type class of a dataset; another class is refused by name. */
static PetscErrorCode CheckDataset(const char path[], const char name[], hid_t dset, hsize_t dims[2], int *ndim)
{
  hid_t       type, space;
  H5T_class_t cls;
  size_t      size;
  const char *kind;

  PetscFunctionBeginUser;
  PdennH5Call(type = H5Dget_type(dset), "H5Dget_type");
  PdennH5Call(space = H5Dget_space(dset), "H5Dget_space");
  cls   = H5Tget_class(type);
  size  = H5Tget_size(type);
  *ndim = H5Sget_simple_extent_ndims(space);
  if (*ndim >= 1 && *ndim <= 2) PdennH5Call(H5Sget_simple_extent_dims(space, dims, NULL), "H5Sget_simple_extent_dims");
  PetscCall(PdennH5Close(&type));
  PetscCall(PdennH5Close(&space));
  kind = cls == H5T_INTEGER ? "integers" : cls == H5T_COMPOUND ? "a compound type (complex numbers?)"
                                       : cls == H5T_STRING     ? "strings"
                                                               : "not floating-point numbers";
  PetscCheck(cls == H5T_FLOAT, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_dataset: dataset '%s' of file '%s' holds %s of %zu bytes; expected floating-point numbers (float32 or float64)", name, path, kind, size);
  PetscCheck(*ndim >= 1 && *ndim <= 2, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_dataset: dataset '%s' of file '%s' has %d dimensions; expected 1 (a record) or 2 (a record per row)", name, path, *ndim);
  if (*ndim == 1) dims[1] = 1;
  PetscCheck(dims[0] > 0 && dims[1] > 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_dataset: dataset '%s' of file '%s' is empty", name, path);
  PetscCheck(dims[0] * dims[1] <= (hsize_t)PETSC_MAX_INT, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_dataset: dataset '%s' of file '%s' holds %llu values; expected at most %" PetscInt_FMT " (PETSc's largest index)", name, path, (unsigned long long)(dims[0] * dims[1]), (PetscInt)PETSC_MAX_INT);
  PetscFunctionReturn(0);
}

/* Dataset `name` as records into *a (rows x cols; one column is one record). */
static PetscErrorCode ReadArray(const char path[], hid_t file, const char name[], PetscInt *rows, PetscInt *cols, PetscReal **a)
{
  hid_t          dset;
  hsize_t        dims[2];
  int            ndim;
  herr_t         status;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  dset = H5Lexists(file, name, H5P_DEFAULT) > 0 ? H5Dopen2(file, name, H5P_DEFAULT) : -1;
  PetscCheck(dset >= 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_dataset: file '%s' has no dataset '%s'", path, name);
  ierr = CheckDataset(path, name, dset, dims, &ndim);
  if (ierr) (void)H5Dclose(dset);
  PetscCall(ierr);
  *rows = dims[1] == 1 ? 1 : (PetscInt)dims[0];
  *cols = dims[1] == 1 ? (PetscInt)dims[0] : (PetscInt)dims[1];
  PetscCall(PetscMalloc1(dims[0] * dims[1], a));
  status = H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *a);
  PetscCall(PdennH5Close(&dset));
  PetscCheck(status >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "key -import: cannot read dataset '%s' of file '%s' (damaged file, or a filter this HDF5 lacks?)", name, path);
  PetscCall(PdennImportCheckFinite(path, name, (PetscInt)(dims[0] * dims[1]), *cols, *a));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadBoth(const char key[], const char path[], hid_t file, const char dataset[], const char noisy_dataset[], PdennImportTable *t)
{
  char     name[256];
  PetscInt rows, cols;

  PetscFunctionBeginUser;
  if (dataset[0])
    PetscCall(PetscStrncpy(name, dataset, sizeof(name)));
  else
    PetscCall(OnlyDataset(key, path, file, name, sizeof(name)));
  PetscCall(ReadArray(path, file, name, &t->rows, &t->cols, &t->clean));
  PetscCall(PetscSNPrintf(t->what, sizeof(t->what), "dataset '%s'", name));
  if (!noisy_dataset[0]) PetscFunctionReturn(0);
  PetscCall(ReadArray(path, file, noisy_dataset, &rows, &cols, &t->noisy));
  PetscCheck(rows == t->rows && cols == t->cols, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_noisy_dataset: dataset '%s' of file '%s' is %" PetscInt_FMT " x %" PetscInt_FMT ", '%s' %" PetscInt_FMT " x %" PetscInt_FMT "; expected the same shape", noisy_dataset, path, rows, cols, name, t->rows, t->cols);
  PetscCall(PetscSNPrintf(t->what, sizeof(t->what), "datasets '%s' (clean), '%s' (noisy)", name, noisy_dataset));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5ImportRead(const char key[], const char path[], const char dataset[], const char noisy_dataset[], PdennImportTable *t)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5Quiet());
  file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key %s: file '%s' is not an HDF5 file HDF5 can open (damaged?)", key, path);
  ierr = ReadBoth(key, path, file, dataset, noisy_dataset, t);
  (void)H5Fclose(file);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
