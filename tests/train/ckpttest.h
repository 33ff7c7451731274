/* What the checkpoint tests share (test_train_checkpoint.c, test_train_pinned.c): an error
   handler that keeps the message of the error under test, so a test can check the file it
   names, and the layout of a synthetic checkpoint with no model behind it (sym_resnet, Adam,
   groups block0/W of 8 values and block0/tau, NS samples, 3 steps). */
#pragma once
#include <pdenn/core.h>
#include <pdenn/train.h>
#include <stdio.h>
#include <string.h>

#define NP 9 /* parameters: block0/W (8) and block0/tau (1) */
#define NS 5 /* samples in the permutation */

static char captured[1024];

static PetscErrorCode Capture(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file, (void)ctx;
  if (p == PETSC_ERROR_INITIAL) snprintf(captured, sizeof(captured), "%s", mess);
  return n;
}

/* The arrays a synthetic checkpoint points to: each test gives its own values */
typedef struct {
  PetscReal *theta, *m, *v, *step_loss, *train_loss, *val_loss; /* NP, NP, NP, 3, 1, 1 */
  PetscInt  *perm;                                              /* NS */
  char      *deck;
} CkptTestArrays;

/* ck (epoch 1, step 3, batch 1, seed 42, N = 64) pointing into a; W is w_rows x w_cols (8
   values); written by nranks ranks */
static inline void CkptTestFill(PdennCheckpoint *ck, PdennCheckpointGroup groups[2], PetscInt w_rows, PetscInt w_cols, PetscInt nranks, const CkptTestArrays *a)
{
  memset(ck, 0, sizeof(*ck));
  memset(groups, 0, 2 * sizeof(groups[0]));
  strcpy(groups[0].name, "block0/W");
  groups[0].offset = 0, groups[0].ndim = 2, groups[0].shape[0] = w_rows, groups[0].shape[1] = w_cols;
  strcpy(groups[1].name, "block0/tau");
  groups[1].offset = 8, groups[1].ndim = 1, groups[1].shape[0] = 1;
  strcpy(ck->model_type, "sym_resnet");
  strcpy(ck->optimizer, "adam");
  ck->N = 64, ck->nparams = NP, ck->ngroups = 2, ck->groups = groups, ck->theta = a->theta;
  ck->opt_steps = 3, ck->opt_m = a->m, ck->opt_v = a->v;
  ck->epoch = 1, ck->step = 3, ck->batch = 1, ck->seed = 42, ck->nsamples = NS, ck->perm = a->perm;
  ck->step_loss = a->step_loss, ck->train_loss = a->train_loss, ck->val_loss = a->val_loss;
  ck->space_ranks = 1, ck->nranks = nranks, ck->deck = a->deck;
}
