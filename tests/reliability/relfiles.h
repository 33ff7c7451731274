/* Reliability tests: damaging files the way disks, copies and tools do (truncation, flipped bits,
   datasets of the wrong shape or type) for the corrupt-input campaign (test_rel_corrupt.c). */
#pragma once
#include <petsc.h>
#include <stddef.h>

/* The whole file in a malloc'd buffer; NULL if it cannot be read. */
unsigned char *RelFileRead(const char *path, size_t *size);
/* Writes size bytes; 0 on success. */
int RelFileWrite(const char *path, const unsigned char *data, size_t size);
/* A copy of src at dst, to be damaged; 0 on success. */
int RelFileCopy(const char *src, const char *dst);

/* A wrong layout: a named edit of a copy of a valid file, made with the HDF5 API (or by
   rewriting the file). Returns 0 on success. */
typedef int (*RelCraftFn)(const char *path);
typedef struct {
  const char *what;
  RelCraftFn  craft;
} RelCraft;
extern const RelCraft RelSetCrafts[], RelCheckpointCrafts[];
extern const int      RelNumSetCrafts, RelNumCheckpointCrafts;
