/* Reliability tests: what a case must leave behind. An error is captured (code and first
   message) by an error handler of the test's own instead of being printed; resources (PETSc
   memory, open HDF5 objects, file descriptors) are counted before and after; a per-case alarm
   turns a hang into a failure that names the case. */
#pragma once
#include <petsc.h>

typedef struct {
  PetscErrorCode code;      /* first error of the case (0: none) */
  char           msg[4096]; /* its message, as PETSc formatted it */
  char           fun[128];  /* the function that raised it */
  int            nerrors;   /* initial errors seen: more than one means an error was swallowed */
} RelCapture;

/* Pushes/pops an error handler that fills *cap and prints nothing. */
PetscErrorCode RelCaptureBegin(RelCapture *cap);
PetscErrorCode RelCaptureEnd(void);
/* The codes pdenn reports as user errors (one line, exit 1); mirrors src/core/init.c. */
PetscBool RelIsInputError(PetscErrorCode code);
/* A message is clear if it is one line that names a key ("-..."), a file or the deck. */
PetscBool RelMessageIsClear(const char *msg);

typedef struct {
  PetscLogDouble mem;     /* PETSc's traced allocations (needs -malloc_debug), bytes */
  long           h5_open; /* open HDF5 files, datasets, groups, attributes, types */
  int            fds;     /* open file descriptors */
} RelResources;
PetscErrorCode RelResourcesGet(RelResources *r);

/* A case that runs longer than `seconds` ends the program with exit status 3 and a line naming
   `what` (a hang is a failure, not a wait for CTest's timeout). RelDeadlineClear disarms. */
void RelDeadlineSet(unsigned seconds, const char *what);
void RelDeadlineClear(void);

/* Pops -log_view stages that an error left pushed (so cases do not pile them up). */
PetscErrorCode RelLogStagesReset(void);

/* Isolation: fn(ctx, result) runs in a forked child, which sends *result back through a pipe.
   A crash there (a signal, or a sanitizer report) is reported with the first frame outside the
   C and sanitizer runtimes, so that a crash inside HDF5 on a damaged file can be told from one
   in pdenn. Serial work only: the child must not communicate (MPI on one rank is fine). */
typedef enum {
  REL_CHILD_OK,    /* fn returned; *result filled */
  REL_CHILD_CRASH, /* killed by a signal or a sanitizer: *signal, where[] */
  REL_CHILD_HANG,  /* no result within the time limit: killed */
  REL_CHILD_LOST   /* exited without a result */
} RelChildStatus;
typedef void (*RelChildFn)(void *ctx, void *result);
PetscErrorCode RelRunIsolated(RelChildFn fn, void *ctx, void *result, size_t size, unsigned seconds, RelChildStatus *status, int *signal, char where[256]);
