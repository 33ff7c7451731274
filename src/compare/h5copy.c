/* A given data set copied into data/<split>.h5 (rank 0 alone) so that the copy carries pdenn's
   checksummed header (docs/hdf5_layout.md, "User block") whatever the given file was, and the
   trainer's later reads of data/ are checked: a file with a valid header is copied byte for byte;
   any other (h5py's, one whose user block holds something else) is rebuilt in a new file with
   the user block, every object copied by HDF5 (H5Ocopy: datasets, groups, their attributes) and
   the root group's attributes one by one, since the root itself cannot be copied. */
#include "compareh5.h"
#include <stdio.h>

#define H5Check(call, what) PetscCheck((call) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5: %s failed", what)

static PetscErrorCode CopyBytes(const char from[], const char to[])
{
  FILE  *in, *out;
  char   buf[65536];
  size_t n;
  int    bad = 0;

  PetscFunctionBeginUser;
  in = fopen(from, "rb");
  PetscCheck(in, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read '%s'", from);
  out = fopen(to, "wb");
  if (!out) (void)fclose(in);
  PetscCheck(out, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write '%s'", to);
  while ((n = fread(buf, 1, sizeof(buf), in)) > 0) bad |= fwrite(buf, 1, n, out) != n;
  bad |= ferror(in);
  bad |= fclose(in) != 0;
  bad |= fclose(out) != 0;
  PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "copying '%s' to '%s' failed", from, to);
  PetscFunctionReturn(0);
}

/* The root groups of the given file and of the copy, for the iteration callbacks. */
typedef struct {
  hid_t from, to;
} CopyRoots;

/* One attribute with its own type and shape, values read and written unconverted; the memory
   HDF5 allocates for variable-length values (h5py's strings) is given back. */
static PetscErrorCode CopyAttr(hid_t from, hid_t to, const char name[])
{
  hid_t    a, b, type, space;
  hssize_t n;
  void    *buf;

  PetscFunctionBeginUser;
  H5Check(a = H5Aopen(from, name, H5P_DEFAULT), name);
  H5Check(type = H5Aget_type(a), name);
  H5Check(space = H5Aget_space(a), name);
  H5Check(n = H5Sget_simple_extent_npoints(space), name);
  PetscCall(PetscMalloc((size_t)n * H5Tget_size(type) + 1, &buf));
  H5Check(b = H5Acreate2(to, name, type, space, H5P_DEFAULT, H5P_DEFAULT), name);
  if (n > 0) {
    H5Check(H5Aread(a, type, buf), name);
    H5Check(H5Awrite(b, type, buf), name);
#if H5_VERSION_GE(1, 12, 0)
    H5Check(H5Treclaim(type, space, H5P_DEFAULT, buf), name);
#else
    H5Check(H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf), name);
#endif
  }
  PetscCall(PetscFree(buf));
  PetscCall(PdennH5Close(&b));
  PetscCall(PdennH5Close(&space));
  PetscCall(PdennH5Close(&type));
  PetscCall(PdennH5Close(&a));
  PetscFunctionReturn(0);
}

/* A link of the root: the object of a hard link copied whole (H5Ocopy keeps its attributes and,
   for a group, everything below it, soft and external links as links); a soft or external link
   re-created with the same target. */
static PetscErrorCode CopyLink(hid_t from, hid_t to, const char name[], const H5L_info_t *info)
{
  char       *val;
  const char *file, *obj;
  unsigned    flags;

  PetscFunctionBeginUser;
  if (info->type == H5L_TYPE_HARD) {
    H5Check(H5Ocopy(from, name, to, name, H5P_DEFAULT, H5P_DEFAULT), name);
    PetscFunctionReturn(0);
  }
  PetscCheck(info->type == H5L_TYPE_SOFT || info->type == H5L_TYPE_EXTERNAL, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "link '%s' is of a user-defined kind that cannot be copied", name);
  PetscCall(PetscMalloc1(info->u.val_size + 1, &val));
  H5Check(H5Lget_val(from, name, val, info->u.val_size, H5P_DEFAULT), name);
  if (info->type == H5L_TYPE_SOFT)
    H5Check(H5Lcreate_soft(val, to, name, H5P_DEFAULT, H5P_DEFAULT), name);
  else {
    H5Check(H5Lunpack_elink_val(val, info->u.val_size, &flags, &file, &obj), name);
    H5Check(H5Lcreate_external(file, obj, to, name, H5P_DEFAULT, H5P_DEFAULT), name);
  }
  PetscCall(PetscFree(val));
  PetscFunctionReturn(0);
}

/* HDF5's iteration callbacks: a failure (its error kept by the serial section) stops the walk */
static herr_t CopyAttrCallback(hid_t loc, const char name[], const H5A_info_t *info, void *ctx)
{
  (void)loc, (void)info;
  return CopyAttr(((CopyRoots *)ctx)->from, ((CopyRoots *)ctx)->to, name) ? -1 : 0;
}

static herr_t CopyLinkCallback(hid_t loc, const char name[], const H5L_info_t *info, void *ctx)
{
  (void)loc;
  return CopyLink(((CopyRoots *)ctx)->from, ((CopyRoots *)ctx)->to, name, info) ? -1 : 0;
}

static PetscErrorCode Rebuild(const char from[], const char to[])
{
  CopyRoots roots = {-1, -1};
  hid_t     src = -1, dst = -1;
  hsize_t   idx;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5OpenRead(from, &src));
  PetscCall(PdennCompareH5Open(to, PETSC_TRUE, &dst)); /* with pdenn's user block */
  H5Check(roots.from = H5Gopen2(src, "/", H5P_DEFAULT), "opening the root group");
  H5Check(roots.to = H5Gopen2(dst, "/", H5P_DEFAULT), "opening the root group");
  idx = 0;
  H5Check(H5Literate(roots.from, H5_INDEX_NAME, H5_ITER_INC, &idx, CopyLinkCallback, &roots), "copying the objects");
  idx = 0;
  H5Check(H5Aiterate2(roots.from, H5_INDEX_NAME, H5_ITER_INC, &idx, CopyAttrCallback, &roots), "copying the root attributes");
  PetscCall(PdennH5Close(&roots.to));
  PetscCall(PdennH5Close(&roots.from));
  PetscCall(PdennH5Close(&src));
  PetscCall(PdennCompareH5Close(&dst)); /* writes the checksum */
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareH5CopyGiven(const char from[], const char to[])
{
  PdennH5SumStatus sum;
  int              err;

  PetscFunctionBeginUser;
  err = PdennH5UserBlockCheckFile(from, &sum);
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read '%s'", from);
  /* a damaged header was refused when the file was checked (PdennInputFileCheck) */
  PetscCheck(sum == PDENN_H5SUM_OK || sum == PDENN_H5SUM_ABSENT, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' is refused: %s", from, PdennH5SumStatusText[sum]);
  if (sum == PDENN_H5SUM_OK)
    PetscCall(CopyBytes(from, to));
  else
    PetscCall(Rebuild(from, to));
  PetscFunctionReturn(0);
}
