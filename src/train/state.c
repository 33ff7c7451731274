/* The trainer's state and a PdennCheckpoint: filled from the model, optimizer and progress for
   writing; checked against the run's model and data, then copied back, for -resume. What is
   kept is all a bitwise continuation needs (docs/checkpoints.md). */
#include "trainpriv.h"
#include <string.h>

/* history arrays grow by doubling; *cap is their common capacity */
static PetscErrorCode Grow(PetscReal **a, PetscReal **b, PetscInt need, PetscInt *cap)
{
  PetscFunctionBeginUser;
  if (need <= *cap) PetscFunctionReturn(0);
  *cap = PetscMax(need, 2 * *cap);
  PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)*cap, a));
  if (b) PetscCall(PetscRealloc(sizeof(PetscReal) * (size_t)*cap, b));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerRecordStep(PdennTrainer tr, PetscReal loss)
{
  PetscFunctionBeginUser;
  PetscCall(Grow(&tr->step_loss, NULL, tr->step + 1, &tr->step_cap));
  tr->step_loss[tr->step++] = loss;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerRecordEpoch(PdennTrainer tr, PetscReal train_loss, PetscReal val_loss)
{
  PetscFunctionBeginUser;
  PetscCall(Grow(&tr->train_loss, &tr->val_loss, tr->epoch + 1, &tr->epoch_cap));
  tr->train_loss[tr->epoch] = train_loss;
  tr->val_loss[tr->epoch]   = val_loss;
  tr->epoch++;
  PetscFunctionReturn(0);
}

/* the model's parameter groups as checkpoint groups (allocated) */
static PetscErrorCode Groups(PdennTrainer tr, PetscInt *ngroups, PdennCheckpointGroup **groups)
{
  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumGroups(tr->model, ngroups));
  PetscCall(PetscCalloc1(*ngroups, groups));
  for (PetscInt g = 0; g < *ngroups; g++) {
    PdennCheckpointGroup *cg = &(*groups)[g];
    const char           *name;
    const PetscInt       *shape;
    PetscCall(PdennModelGetGroup(tr->model, g, &name, &cg->offset, &cg->ndim, &shape));
    PetscCheck(cg->ndim <= PDENN_PARAM_MAX_DIM, PETSC_COMM_SELF, PETSC_ERR_SUP, "parameter group %s has %" PetscInt_FMT " dimensions; checkpoints hold at most %d", name, cg->ndim, PDENN_PARAM_MAX_DIM);
    PetscCall(PetscStrncpy(cg->name, name, sizeof(cg->name)));
    for (PetscInt d = 0; d < cg->ndim; d++) cg->shape[d] = shape[d];
  }
  PetscFunctionReturn(0);
}

/* the checkpoint of the current state; arrays borrowed except groups and deck */
static PetscErrorCode Fill(PdennTrainer tr, PdennCheckpoint *ck)
{
  PdennModelType     type;
  PdennOptimizerType otype;
  PetscInt          *nsteps;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(ck, sizeof(*ck)));
  PetscCall(PdennModelGetType(tr->model, &type));
  PetscCall(PetscStrncpy(ck->model_type, PdennModelTypes[type], sizeof(ck->model_type)));
  PetscCall(PdennOptimizerGetType(tr->opt, &otype));
  PetscCall(PetscStrncpy(ck->optimizer, PdennOptimizerTypes[otype], sizeof(ck->optimizer)));
  PetscCall(Groups(tr, &ck->ngroups, &ck->groups));
  PetscCall(PdennModelGetParameters(tr->model, &ck->theta));
  PetscCall(PdennOptimizerGetState(tr->opt, &nsteps, &ck->opt_m, &ck->opt_v));
  ck->N   = tr->N;
  ck->dim = tr->dim;
  for (PetscInt a = 0; a < 3; a++) ck->M[a] = tr->M[a];
  ck->nparams     = tr->nparams;
  ck->opt_steps   = *nsteps;
  ck->epoch       = tr->epoch;
  ck->step        = tr->step;
  ck->batch       = tr->batch;
  ck->seed        = tr->seed;
  ck->nsamples    = tr->train.n;
  ck->perm        = tr->perm;
  ck->step_loss   = tr->step_loss;
  ck->train_loss  = tr->train_loss;
  ck->val_loss    = tr->val_loss;
  ck->space_ranks = tr->space_ranks;
  ck->nranks      = tr->size;
  PetscCall(PetscOptionsGetAll(NULL, &ck->deck));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerWriteCheckpoint(PdennTrainer tr)
{
  PdennCheckpoint ck;

  PetscFunctionBeginUser;
  PetscCall(PetscLogStagePush(tr->stage_io));
  PetscCall(Fill(tr, &ck));
  PetscCall(PdennCheckpointWrite(tr->comm, "-checkpoint", tr->checkpoint, &ck));
  PetscCall(PetscFree(ck.groups));
  PetscCall(PetscFree(ck.deck));
  tr->last_checkpoint_step = tr->step;
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}

/* The data's grid first: a model trained on other images (even of as many pixels, so of the
   same parameter count) is refused by name, before the model's own comparison. */
static PetscErrorCode CheckGrid(PdennTrainer tr, const PdennCheckpoint *ck, const PdennCheckpoint *now)
{
  char was[96], is[96];

  PetscFunctionBeginUser;
  if (ck->dim == now->dim && ck->M[0] == now->M[0] && ck->M[1] == now->M[1] && ck->M[2] == now->M[2]) PetscFunctionReturn(0);
  PetscCall(PdennTrainerGridText(ck->dim, ck->M, was, sizeof(was)));
  PetscCall(PdennTrainerGridText(now->dim, now->M, is, sizeof(is)));
  SETERRQ(tr->comm, PDENN_ERR_INPUT, "key -checkpoint: '%s' was trained on %s, this run's data are %s; resume with data of the grid it was trained on (-train_data, -val_data), or start afresh", tr->checkpoint, was, is);
}

/* the checkpoint must fit this run: same grid, model (type, N, parameter groups), optimizer and
   training-set size; anything else would restore nonsense */
static PetscErrorCode CheckCompatible(PdennTrainer tr, const PdennCheckpoint *ck, const PdennCheckpoint *now)
{
  const char *path = tr->checkpoint;

  PetscFunctionBeginUser;
  PetscCall(CheckGrid(tr, ck, now));
  PetscCheck(!strcmp(ck->model_type, now->model_type) && ck->N == now->N && ck->nparams == now->nparams, tr->comm, PDENN_ERR_INPUT, "key -checkpoint: '%s' holds a %s model for N = %" PetscInt_FMT " with %" PetscInt_FMT " parameters, this deck sets up a %s model for N = %" PetscInt_FMT " with %" PetscInt_FMT "; resume with the deck that wrote it", path, ck->model_type, ck->N, ck->nparams, now->model_type, now->N, now->nparams);
  PetscCheck(ck->ngroups == now->ngroups, tr->comm, PDENN_ERR_INPUT, "key -checkpoint: '%s' has %" PetscInt_FMT " parameter groups, the model %" PetscInt_FMT "; resume with the deck that wrote it", path, ck->ngroups, now->ngroups);
  for (PetscInt g = 0; g < ck->ngroups; g++) {
    const PdennCheckpointGroup *a = &ck->groups[g], *b = &now->groups[g];
    PetscBool                   same = (PetscBool)(!strcmp(a->name, b->name) && a->offset == b->offset && a->ndim == b->ndim);
    for (PetscInt d = 0; same && d < a->ndim; d++) same = (PetscBool)(a->shape[d] == b->shape[d]);
    PetscCheck(same, tr->comm, PDENN_ERR_INPUT, "key -checkpoint: parameter group %" PetscInt_FMT " of '%s' (%s) does not match the model's (%s) in name, offset or shape; resume with the deck that wrote it", g, path, a->name, b->name);
  }
  PetscCheck(!strcmp(ck->optimizer, now->optimizer), tr->comm, PDENN_ERR_INPUT, "key -train_optimizer: '%s' was written by optimizer %s, the deck asks for %s; resume with the same optimizer", path, ck->optimizer, now->optimizer);
  PetscCheck(ck->nsamples == now->nsamples, tr->comm, PDENN_ERR_INPUT, "key -checkpoint: '%s' was written for %" PetscInt_FMT " training samples, this run has %" PetscInt_FMT "; resume with the same -train_data and -train_val_fraction", path, ck->nsamples, now->nsamples);
  PetscFunctionReturn(0);
}

static PetscErrorCode CopyHistory(PdennTrainer tr, const PdennCheckpoint *ck)
{
  PetscFunctionBeginUser;
  PetscCall(Grow(&tr->step_loss, NULL, ck->step, &tr->step_cap));
  PetscCall(Grow(&tr->train_loss, &tr->val_loss, ck->epoch, &tr->epoch_cap));
  PetscCall(PetscArraycpy(tr->step_loss, ck->step_loss, ck->step));
  PetscCall(PetscArraycpy(tr->train_loss, ck->train_loss, ck->epoch));
  PetscCall(PetscArraycpy(tr->val_loss, ck->val_loss, ck->epoch));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTrainerRestore(PdennTrainer tr)
{
  PdennCheckpoint ck, now;
  PetscReal      *theta, *m, *v;
  PetscInt       *nsteps;

  PetscFunctionBeginUser;
  PetscCall(PdennCheckpointRead(tr->comm, "-checkpoint", tr->checkpoint, &ck));
  PetscCall(Fill(tr, &now));
  PetscCall(CheckCompatible(tr, &ck, &now));
  PetscCall(PetscFree(now.groups));
  PetscCall(PetscFree(now.deck));
  PetscCall(PdennModelGetParameters(tr->model, &theta));
  PetscCall(PdennOptimizerGetState(tr->opt, &nsteps, &m, &v));
  PetscCall(PetscArraycpy(theta, ck.theta, ck.nparams));
  PetscCall(PetscArraycpy(m, ck.opt_m, ck.nparams));
  if (v) PetscCall(PetscArraycpy(v, ck.opt_v, ck.nparams));
  *nsteps   = ck.opt_steps;
  tr->epoch = ck.epoch;
  tr->step  = ck.step;
  tr->batch = ck.batch;
  tr->seed  = ck.seed;
  PetscCall(PetscArraycpy(tr->perm, ck.perm, ck.nsamples));
  PetscCall(CopyHistory(tr, &ck));
  /* derived quantities of the model (step bounds) follow theta; projecting an admissible theta
     changes no value */
  PetscCall(PdennModelProject(tr->model));
  tr->last_checkpoint_step = tr->step;
  if (ck.space_ranks != tr->space_ranks || ck.nranks != tr->size) PetscCall(PetscPrintf(tr->comm, "pdenn_train: note: '%s' was written by %" PetscInt_FMT " ranks with %" PetscInt_FMT " in space, this run has %d with %" PetscInt_FMT "; the continuation differs from an unbroken run by rounding only\n", tr->checkpoint, ck.nranks, ck.space_ranks, (int)tr->size, tr->space_ranks));
  PetscCall(PetscPrintf(tr->comm, "pdenn_train: resumed from '%s' at epoch %" PetscInt_FMT ", step %" PetscInt_FMT "\n", tr->checkpoint, tr->epoch, tr->step));
  PetscCall(PdennCheckpointFree(&ck));
  PetscFunctionReturn(0);
}
