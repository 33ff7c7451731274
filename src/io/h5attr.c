/* Scalar HDF5 attributes (integers as int64, reals as float64, strings fixed-length and
   NUL-terminated; read also as h5py writes them) that record how a file was made. Writing is
   collective with equal values on every rank; reading tells whether the attribute exists, and
   any attribute can be read as text (pdenn_compare lists a data file's attributes so). */
#include "iopriv.h"
#include <stdio.h> /* snprintf: PETSc's own prints a whole number with %g as "10." */
#include <stdlib.h>

static PetscErrorCode AttrWrite(hid_t obj, const char name[], hid_t file_type, hid_t mem_type, const void *value)
{
  hid_t space, attr;

  PetscFunctionBeginUser;
  if (H5Aexists(obj, name) > 0) PdennH5Call(H5Adelete(obj, name), "H5Adelete");
  PdennH5Call(space = H5Screate(H5S_SCALAR), "H5Screate");
  PdennH5Call(attr = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), name);
  PdennH5Call(H5Awrite(attr, mem_type, value), name);
  PetscCall(PdennH5Close(&attr));
  PetscCall(PdennH5Close(&space));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5AttrWriteInt(hid_t obj, const char name[], PetscInt value)
{
  long long v = (long long)value;

  PetscFunctionBeginUser;
  PetscCall(AttrWrite(obj, name, H5T_STD_I64LE, H5T_NATIVE_LLONG, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5AttrWriteReal(hid_t obj, const char name[], PetscReal value)
{
  double v = (double)value;

  PetscFunctionBeginUser;
  PetscCall(AttrWrite(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5AttrWriteString(hid_t obj, const char name[], const char value[])
{
  size_t len;
  hid_t  type;

  PetscFunctionBeginUser;
  PetscCall(PetscStrlen(value, &len));
  PdennH5Call(type = H5Tcopy(H5T_C_S1), "H5Tcopy");
  PdennH5Call(H5Tset_size(type, len + 1), "H5Tset_size");
  PdennH5Call(H5Tset_strpad(type, H5T_STR_NULLTERM), "H5Tset_strpad");
  PetscCall(AttrWrite(obj, name, type, type, value));
  PetscCall(PdennH5Close(&type));
  PetscFunctionReturn(0);
}

/* Opens attribute `name` if it exists (*attr = -1 otherwise), with the class of its type and
   its number of values; an object header HDF5 cannot search is a one-line error naming the file. */
static PetscErrorCode AttrLookUp(hid_t obj, const char name[], hid_t *attr, H5T_class_t *cls, hssize_t *n, PetscBool *found)
{
  const htri_t exists                   = H5Aexists(obj, name);
  char         file[PETSC_MAX_PATH_LEN] = "?";
  hid_t        space, type;

  PetscFunctionBeginUser;
  (void)H5Fget_name(obj, file, sizeof(file));
  PetscCheck(exists >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "file '%s': HDF5 cannot look up attribute '%s' (damaged file?)", file, name);
  *found = (PetscBool)(exists > 0);
  *attr  = -1;
  if (!*found) PetscFunctionReturn(0);
  PdennH5Call(*attr = H5Aopen(obj, name, H5P_DEFAULT), name);
  PdennH5Call(space = H5Aget_space(*attr), name);
  PdennH5Call(type = H5Aget_type(*attr), name);
  *n   = H5Sget_simple_extent_npoints(space);
  *cls = H5Tget_class(type);
  PetscCall(PdennH5Close(&space));
  PetscCall(PdennH5Close(&type));
  PetscFunctionReturn(0);
}

/* AttrLookUp, then a check that the attribute holds one value of the kind wanted: a damaged or
   foreign file may hold an array there, which reading into one variable would overrun, or a
   type that cannot be converted. Either is a one-line error naming the file. */
static PetscErrorCode AttrOpen(hid_t obj, const char name[], PetscBool string, hid_t *attr, PetscBool *found)
{
  char        file[PETSC_MAX_PATH_LEN] = "?";
  hssize_t    n                        = 0;
  H5T_class_t cls                      = H5T_NO_CLASS;
  PetscBool   ok;

  PetscFunctionBeginUser;
  PetscCall(AttrLookUp(obj, name, attr, &cls, &n, found));
  if (!*found) PetscFunctionReturn(0);
  ok = (PetscBool)(n == 1 && (string ? cls == H5T_STRING : (cls == H5T_INTEGER || cls == H5T_FLOAT)));
  if (!ok) PetscCall(PdennH5Close(attr));
  (void)H5Fget_name(obj, file, sizeof(file));
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "file '%s': attribute '%s' is not one %s (damaged or foreign file?)", file, name, string ? "string" : "number");
  PetscFunctionReturn(0);
}

/* Closes attr, then makes a failed read (a damaged file: HDF5 cannot decode the value) a
   one-line error naming the file. */
static PetscErrorCode AttrReadEnd(hid_t obj, hid_t *attr, herr_t status, const char name[])
{
  char file[PETSC_MAX_PATH_LEN] = "?";

  PetscFunctionBeginUser;
  (void)H5Fget_name(obj, file, sizeof(file));
  if (status < 0) (void)H5Aclose(*attr), *attr = -1;
  PetscCheck(status >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "file '%s': HDF5 cannot read attribute '%s' (damaged file?)", file, name);
  PetscCall(PdennH5Close(attr));
  PetscFunctionReturn(0);
}

/* as stored: PetscInt may have 32 bits */
static PetscErrorCode AttrReadLongLong(hid_t obj, const char name[], long long *value, PetscBool *found)
{
  hid_t attr;

  PetscFunctionBeginUser;
  PetscCall(AttrOpen(obj, name, PETSC_FALSE, &attr, found));
  if (!*found) PetscFunctionReturn(0);
  PetscCall(AttrReadEnd(obj, &attr, H5Aread(attr, H5T_NATIVE_LLONG, value), name));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5AttrReadInt(hid_t obj, const char name[], PetscInt *value, PetscBool *found)
{
  long long v;

  PetscFunctionBeginUser;
  PetscCall(AttrReadLongLong(obj, name, &v, found));
  if (*found) *value = (PetscInt)v;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5AttrReadReal(hid_t obj, const char name[], PetscReal *value, PetscBool *found)
{
  hid_t  attr;
  double v;

  PetscFunctionBeginUser;
  PetscCall(AttrOpen(obj, name, PETSC_FALSE, &attr, found));
  if (!*found) PetscFunctionReturn(0);
  PetscCall(AttrReadEnd(obj, &attr, H5Aread(attr, H5T_NATIVE_DOUBLE, &v), name));
  *value = (PetscReal)v;
  PetscFunctionReturn(0);
}

/* Fixed-length strings (pdenn's) and variable-length ones (h5py's default), ASCII or UTF-8: the
   memory type takes the file's character set, since HDF5 converts no string between sets. */
PetscErrorCode PdennH5AttrReadString(hid_t obj, const char name[], char value[], size_t len, PetscBool *found)
{
  hid_t  attr, type, mem;
  char  *vlen   = NULL;
  herr_t status = -1;

  PetscFunctionBeginUser;
  PetscCall(AttrOpen(obj, name, PETSC_TRUE, &attr, found));
  if (!*found) PetscFunctionReturn(0);
  PdennH5Call(type = H5Aget_type(attr), "H5Aget_type");
  PdennH5Call(mem = H5Tcopy(H5T_C_S1), "H5Tcopy");
  PdennH5Call(H5Tset_cset(mem, H5Tget_cset(type)), "H5Tset_cset");
  if (H5Tis_variable_str(type) > 0) {
    PdennH5Call(H5Tset_size(mem, H5T_VARIABLE), "H5Tset_size");
    status = H5Aread(attr, mem, &vlen);
    if (status >= 0) PetscCall(PetscStrncpy(value, vlen ? vlen : "", len));
    if (status >= 0) H5free_memory(vlen);
  } else {
    PdennH5Call(H5Tset_size(mem, len), "H5Tset_size"); /* HDF5 truncates or pads to len */
    PdennH5Call(H5Tset_strpad(mem, H5T_STR_NULLTERM), "H5Tset_strpad");
    status = H5Aread(attr, mem, value);
  }
  PetscCall(PdennH5Close(&mem));
  PetscCall(PdennH5Close(&type));
  PetscCall(AttrReadEnd(obj, &attr, status, name));
  PetscFunctionReturn(0);
}

/* A string as it is; an integer in full; a real with the shortest of 15 or 17 digits that reads
   back as the same double (a reader of the text gets the exact value); other kinds and
   arrays described in parentheses. */
PetscErrorCode PdennH5AttrReadText(hid_t obj, const char name[], char text[], size_t len, PetscBool *found)
{
  hid_t       attr;
  H5T_class_t cls = H5T_NO_CLASS;
  hssize_t    n   = 0;
  long long   i;
  PetscReal   x;

  PetscFunctionBeginUser;
  PetscCall(AttrLookUp(obj, name, &attr, &cls, &n, found));
  PetscCall(PdennH5Close(&attr));
  if (!*found) PetscFunctionReturn(0);
  if (n != 1)
    (void)snprintf(text, len, "(%lld values)", (long long)n);
  else if (cls == H5T_STRING)
    PetscCall(PdennH5AttrReadString(obj, name, text, len, found));
  else if (cls == H5T_INTEGER) {
    PetscCall(AttrReadLongLong(obj, name, &i, found));
    (void)snprintf(text, len, "%lld", i);
  } else if (cls == H5T_FLOAT) {
    PetscCall(PdennH5AttrReadReal(obj, name, &x, found));
    (void)snprintf(text, len, "%.15g", (double)x);
    if (strtod(text, NULL) != (double)x) (void)snprintf(text, len, "%.17g", (double)x);
  } else
    (void)snprintf(text, len, "(not a string or number)");
  PetscFunctionReturn(0);
}
