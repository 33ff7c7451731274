/* Serial HDF5 writes made by rank 0 alone (tables gathered there are small): datasets with any
   missing groups in their names, replacing an existing one, and attributes. A failure raised in
   the serial section is shared with the other ranks by PdennCompareSerialEnd. */
#include "compareh5.h"
#include <stdio.h>
#include <string.h>

#define H5Check(call, what) PetscCheck((call) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5: %s failed", what)

PetscErrorCode PdennCompareSerialBegin(void)
{
  PetscFunctionBeginUser;
  /* errors of the serial section are reported once, collectively, by PdennCompareSerialEnd */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareSerialEnd(MPI_Comm comm, PetscErrorCode ierr, const char what[], const char path[])
{
  int code = (int)ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscPopErrorHandler());
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  PetscCheck(!code, comm, PETSC_ERR_FILE_WRITE, "%s '%s' failed (error %d): is the disk full or the file in use?", what, path, code);
  PetscFunctionReturn(0);
}

/* A new file gets pdenn's checksummed user block (docs/hdf5_layout.md); PdennCompareH5Close
   writes its checksum, and that of an existing file that has one (a signal set appended to). */
PetscErrorCode PdennCompareH5Open(const char path[], PetscBool create, hid_t *file)
{
  hid_t fcpl = -1;

  PetscFunctionBeginUser;
  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (create) {
    H5Check(fcpl = H5Pcreate(H5P_FILE_CREATE), "creating a property list");
    H5Check(H5Pset_userblock(fcpl, PDENN_H5_USERBLOCK), "setting the user block");
    *file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    H5Check(H5Pclose(fcpl), "closing a property list");
  } else
    *file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  PetscCheck(*file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot %s HDF5 file '%s'", create ? "create" : "open", path);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareH5Close(hid_t *file)
{
  char    path[PETSC_MAX_PATH_LEN];
  hsize_t block = 0;
  hid_t   fcpl;
  int     err = 0;

  PetscFunctionBeginUser;
  if (*file < 0) PetscFunctionReturn(0);
  H5Check(H5Fget_name(*file, path, sizeof(path)), "getting a file's name");
  H5Check(fcpl = H5Fget_create_plist(*file), "getting a file's creation properties");
  H5Check(H5Pget_userblock(fcpl, &block), "getting the user block");
  H5Check(H5Pclose(fcpl), "closing a property list");
  H5Check(H5Fclose(*file), "closing a file");
  *file = -1;
  if (block == PDENN_H5_USERBLOCK) err = PdennH5UserBlockSeal(path);
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write the checksum of '%s': %s", path, strerror(err));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareH5Exists(hid_t loc, const char name[], PetscBool *exists)
{
  char *p, buf[512];

  PetscFunctionBeginUser;
  /* H5Lexists on "a/b" needs "a" to exist: check the path one component at a time */
  PetscCall(PetscStrncpy(buf, name, sizeof(buf)));
  *exists = PETSC_TRUE;
  for (p = buf; *exists && p;) {
    p = strchr(p + 1, '/');
    if (p) *p = '\0';
    *exists = (PetscBool)(H5Lexists(loc, buf, H5P_DEFAULT) > 0);
    if (p) *p = '/';
  }
  PetscFunctionReturn(0);
}

/* A float64 dataset of rank 1 (rows == 0) or 2 replacing any existing one of that name. */
PetscErrorCode PdennCompareH5WriteArray(hid_t loc, const char name[], hsize_t rows, hsize_t cols, const PetscReal data[])
{
  const hsize_t dims[2] = {rows, cols};
  hid_t         dset;
  PetscBool     exists;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5Exists(loc, name, &exists));
  if (exists) H5Check(H5Ldelete(loc, name, H5P_DEFAULT), "deleting an old dataset");
  PetscCall(PdennH5DatasetCreate(loc, name, rows ? 2 : 1, rows ? dims : dims + 1, &dset));
  if ((rows ? rows : 1) * cols > 0) H5Check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing a dataset");
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}

/* A scalar variable-length string dataset (the deck's text). */
/* rows images of H x W (M = {W, H}) in natural order as a rows x H x W dataset: the layout of
   docs/hdf5_layout.md's image sets, replacing any existing one of that name. */
PetscErrorCode PdennCompareH5WriteImages(hid_t loc, const char name[], hsize_t rows, const PetscInt M[], const PetscReal data[])
{
  const hsize_t dims[3] = {rows, (hsize_t)M[1], (hsize_t)M[0]};
  hid_t         dset;
  PetscBool     exists;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5Exists(loc, name, &exists));
  if (exists) H5Check(H5Ldelete(loc, name, H5P_DEFAULT), "deleting an old dataset");
  PetscCall(PdennH5DatasetCreate(loc, name, 3, dims, &dset));
  if (rows * dims[1] * dims[2] > 0) H5Check(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing a dataset");
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareH5WriteText(hid_t loc, const char name[], const char text[])
{
  hid_t type, space, dset;

  PetscFunctionBeginUser;
  type = H5Tcopy(H5T_C_S1);
  H5Check(type, "copying a type");
  H5Check(H5Tset_size(type, H5T_VARIABLE), "setting a string type");
  space = H5Screate(H5S_SCALAR);
  dset  = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Check(dset, "creating a text dataset");
  H5Check(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "writing a text dataset");
  H5Check(H5Dclose(dset), "closing a dataset");
  H5Check(H5Sclose(space), "closing a dataspace");
  H5Check(H5Tclose(type), "closing a type");
  PetscFunctionReturn(0);
}

static PetscErrorCode AttrWrite(hid_t loc, const char obj[], const char attr[], hid_t type, const void *value)
{
  hid_t space, a;

  PetscFunctionBeginUser;
  if (H5Aexists_by_name(loc, obj, attr, H5P_DEFAULT) > 0) H5Check(H5Adelete_by_name(loc, obj, attr, H5P_DEFAULT), "deleting an attribute");
  space = H5Screate(H5S_SCALAR);
  a     = H5Acreate_by_name(loc, obj, attr, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Check(a, "creating an attribute");
  H5Check(H5Awrite(a, type, value), "writing an attribute");
  H5Check(H5Aclose(a), "closing an attribute");
  H5Check(H5Sclose(space), "closing a dataspace");
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareH5AttrReal(hid_t loc, const char obj[], const char attr[], PetscReal value)
{
  double v = (double)value;

  PetscFunctionBeginUser;
  PetscCall(AttrWrite(loc, obj, attr, H5T_NATIVE_DOUBLE, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareH5AttrInt(hid_t loc, const char obj[], const char attr[], PetscInt value)
{
  long long v = (long long)value;

  PetscFunctionBeginUser;
  PetscCall(AttrWrite(loc, obj, attr, H5T_NATIVE_LLONG, &v));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareH5AttrString(hid_t loc, const char obj[], const char attr[], const char value[])
{
  hid_t type;

  PetscFunctionBeginUser;
  type = H5Tcopy(H5T_C_S1);
  H5Check(type, "copying a type");
  H5Check(H5Tset_size(type, H5T_VARIABLE), "setting a string type");
  PetscCall(AttrWrite(loc, obj, attr, type, &value));
  H5Check(H5Tclose(type), "closing a type");
  PetscFunctionReturn(0);
}

/* A group (with its parents), for attributes on it. */
PetscErrorCode PdennCompareH5Group(hid_t loc, const char name[])
{
  hid_t     lcpl, g;
  PetscBool exists;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5Exists(loc, name, &exists));
  if (exists) PetscFunctionReturn(0);
  lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Check(H5Pset_create_intermediate_group(lcpl, 1), "setting intermediate groups");
  g = H5Gcreate2(loc, name, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Check(g, "creating a group");
  H5Check(H5Gclose(g), "closing a group");
  H5Check(H5Pclose(lcpl), "closing a property list");
  PetscFunctionReturn(0);
}

/* An existing file, read-only (closed with PdennH5Close: its checksum stays as it is). */
PetscErrorCode PdennCompareH5OpenRead(const char path[], hid_t *file)
{
  PetscFunctionBeginUser;
  (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(*file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open HDF5 file '%s'", path);
  PetscFunctionReturn(0);
}

/* A whole dataset of rank 2 (samples x N) or 3 (samples x H x W: images in natural order, a
   row of H W values each) as doubles (any floating-point type in the file), malloced. */
PetscErrorCode PdennCompareH5ReadArray(hid_t loc, const char name[], PetscInt *rows, PetscInt *cols, PetscReal **data)
{
  hid_t   dset, space;
  hsize_t dims[3] = {0, 0, 1};
  int     rank;

  PetscFunctionBeginUser;
  H5Check(dset = H5Dopen2(loc, name, H5P_DEFAULT), name);
  H5Check(space = H5Dget_space(dset), "getting a dataspace");
  rank = H5Sget_simple_extent_ndims(space);
  PetscCheck(rank == 2 || rank == 3, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "dataset '%s' is not 2D or 3D", name);
  H5Check(H5Sget_simple_extent_dims(space, dims, NULL), "getting a dataset's shape");
  H5Check(H5Sclose(space), "closing a dataspace");
  *rows = (PetscInt)dims[0];
  *cols = (PetscInt)(dims[1] * dims[2]);
  PetscCall(PetscMalloc1(dims[0] * dims[1] * dims[2] + 1, data));
  H5Check(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data), name);
  H5Check(H5Dclose(dset), "closing a dataset");
  PetscFunctionReturn(0);
}

/* One attribute as a "name=value" line (PdennH5AttrReadText) appended to the buffer. */
typedef struct {
  char  *text;
  size_t len;
} AttrTextBuffer;

static herr_t AttrText(hid_t loc, const char name[], const H5A_info_t *info, void *ctx)
{
  AttrTextBuffer *buf  = (AttrTextBuffer *)ctx;
  char           *text = buf->text, value[512] = "";
  const size_t    used = strlen(text), room = buf->len - used;
  PetscBool       found;

  (void)info;
  if (PdennH5AttrReadText(loc, name, value, sizeof(value), &found)) return -1; /* the error is the serial section's */
  for (char *c = value; *c; c++)
    if (*c == '\n' || *c == '\r') *c = ' '; /* one line per attribute */
  if (room > 1) snprintf(text + used, room, "%s=%s\n", name, value);
  return 0;
}

PetscErrorCode PdennCompareH5AttrsText(hid_t loc, char text[], size_t len)
{
  hsize_t        idx = 0;
  AttrTextBuffer buf = {text, len};

  PetscFunctionBeginUser;
  text[0] = '\0';
  H5Check(H5Aiterate2(loc, H5_INDEX_NAME, H5_ITER_INC, &idx, AttrText, &buf), "listing attributes");
  PetscFunctionReturn(0);
}
