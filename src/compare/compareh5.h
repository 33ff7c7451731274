/* Private to src/compare: serial HDF5 writes by rank 0 (h5util.c). A serial section runs between
   PdennCompareSerialBegin and PdennCompareSerialEnd, which shares its outcome with every rank. */
#pragma once
#include "comparepriv.h"
#include <hdf5.h>

PetscErrorCode PdennCompareSerialBegin(void);
PetscErrorCode PdennCompareSerialEnd(MPI_Comm comm, PetscErrorCode ierr, const char what[], const char path[]);
PetscErrorCode PdennCompareH5Open(const char path[], PetscBool create, hid_t *file);
PetscErrorCode PdennCompareH5Close(hid_t *file);
PetscErrorCode PdennCompareH5Exists(hid_t loc, const char name[], PetscBool *exists);
/* rows == 0: a 1D dataset of cols values; else rows x cols */
PetscErrorCode PdennCompareH5WriteArray(hid_t loc, const char name[], hsize_t rows, hsize_t cols, const PetscReal data[]);
/* rows images of M = {W, H} as rows x H x W */
PetscErrorCode PdennCompareH5WriteImages(hid_t loc, const char name[], hsize_t rows, const PetscInt M[], const PetscReal data[]);
/* The test and output tables as the grid's datasets: rows x N (1D) or rows x H x W (2D) */
PetscErrorCode PdennCompareH5WriteRows(PdennCompare cmp, hid_t loc, const char name[], PetscInt rows, const PetscReal data[]);
PetscErrorCode PdennCompareH5WriteText(hid_t loc, const char name[], const char text[]);
PetscErrorCode PdennCompareH5Group(hid_t loc, const char name[]);
/* A given file copied to `to` with pdenn's checksummed header (h5copy.c): byte for byte if it has
   a valid one, else rebuilt object by object with the root's attributes. */
PetscErrorCode PdennCompareH5CopyGiven(const char from[], const char to[]);
PetscErrorCode PdennCompareH5AttrReal(hid_t loc, const char obj[], const char attr[], PetscReal value);
PetscErrorCode PdennCompareH5AttrInt(hid_t loc, const char obj[], const char attr[], PetscInt value);
PetscErrorCode PdennCompareH5AttrString(hid_t loc, const char obj[], const char attr[], const char value[]);
/* Reading (rank 0): a file opened read-only (close it with PdennH5Close), a whole 2D dataset
   (or 3D: images, a row of H W each) as doubles (free with PetscFree), every attribute of an object as "name=value" lines
   (scalars; an array as "(n values)"), cut at len bytes. */
PetscErrorCode PdennCompareH5OpenRead(const char path[], hid_t *file);
PetscErrorCode PdennCompareH5ReadArray(hid_t loc, const char name[], PetscInt *rows, PetscInt *cols, PetscReal **data);
PetscErrorCode PdennCompareH5AttrsText(hid_t loc, char text[], size_t len);
