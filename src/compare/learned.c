/* The networks of an experiment (docs/science.md §2-5): each entry of -compare_learned is a PdennTrainer
   with its model, reading its keys in its own scope (-<name>_<key> over the shared keys). It
   trains on data/train.h5 (validation data/val.h5) with its checkpoint in
   checkpoints/<name>.h5: a rerun resumes or, when training was complete, just loads it. */
#include "comparepriv.h"
#include <stdio.h>

/* Keys pdenn_compare sets for every network; a deck giving one would be silently ignored. */
static PetscErrorCode SetTrainerKeys(PdennCompare cmp, PdennCompareMethod *m, PetscBool resume)
{
  const char *keys[] = {"-train_data", "-val_data", "-train_input_dataset", "-train_target_dataset", "-checkpoint", "-resume"};
  const char *vals[] = {cmp->data_path[PDENN_SPLIT_TRAIN], cmp->data_path[PDENN_SPLIT_VAL], "input", "target", m->checkpoint, resume ? "true" : "false"};
  PetscBool   has;

  PetscFunctionBeginUser;
  for (int i = 0; i < 6; i++) {
    PetscCall(PdennOptionsScopeHasKey(m->scope, keys[i], &has));
    PetscCheck(!has, cmp->comm, PDENN_ERR_INPUT, "key %s (or -%s_%s): pdenn_compare sets it for network '%s' (data in %s/data, checkpoint %s); remove it from the deck (-compare_retrain trains anew)", keys[i], m->name, keys[i] + 1, m->name, cmp->dir, m->checkpoint);
    PetscCall(PdennOptionsScopeSetValue(m->scope, keys[i], vals[i]));
  }
  /* -force is the experiment's key (overwrite results); the trainer's -force (overwrite the
     checkpoint) must be on, since -resume alone decides whether a checkpoint is continued */
  PetscCall(PdennOptionsScopeSetValue(m->scope, "-force", "true"));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUpInScope(PdennCompare cmp, PdennCompareMethod *m)
{
  const char *const inits[] = {"random", "classical", "near_identity"};
  PdennModel        model;
  PdennModelType    type;
  PetscInt          init     = 0;
  PetscReal         distance = 0.01;
  PetscBool         help;

  PetscFunctionBeginUser;
  PetscOptionsBegin(cmp->comm, NULL, "pdenn_compare: network start", NULL);
  PetscCall(PdennOptionsChoice("-init", "Initial weights: random (-train_init_seed), the classical scheme of the deck's diffusion problem (W = K, phi = the flux, tau reaching -t_stop where stable; sym_resnet, fsi_resnet, recurrent), or near_identity (unet, mg_unet: random, then the lift and output scaled so that ||f(x) - x|| <= -init_distance ||x||, proven)", inits, 3, init, &init, NULL));
  PetscCall(PdennHelpRequested(&help));
  if (init == 2 || help) PetscCall(PdennOptionsReal("-init_distance", "near_identity start: proven bound on ||f(x) - x|| / ||x|| of the initial network", 0.01, 1e-12, 1e12, &distance, NULL));
  PetscOptionsEnd();
  if (init == 2) m->init_distance = distance;
  m->init_classical = (PetscBool)(init == 1);
  PetscCall(PdennTrainerCreate(cmp->comm, &m->trainer));
  PetscCall(PdennTrainerSetFromOptions(m->trainer));
  PetscCall(PdennTrainerGetModel(m->trainer, &model));
  PetscCall(PdennModelGetType(model, &type));
  PetscCall(PetscStrncpy(m->what, PdennModelTypes[type], sizeof(m->what)));
  PetscCheck(init != 2 || type == PDENN_MODEL_UNET || type == PDENN_MODEL_MG_UNET, cmp->comm, PDENN_ERR_INPUT, "key -%s_init: near_identity is for unet and mg_unet, network '%s' is %s; expected random or classical", m->name, m->name, m->what);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareLearnedSetUp(PdennCompare cmp, PdennCompareMethod *m)
{
  char           prefix[PDENN_COMPARE_NAME_LEN + 1], rel[PDENN_COMPARE_NAME_LEN + 32];
  PetscBool      exists;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  m->kind = PDENN_KIND_LEARNED;
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%s_", m->name));
  PetscCall(PetscSNPrintf(rel, sizeof(rel), "checkpoints/%s.h5", m->name));
  PetscCall(PdennComparePath(cmp, rel, m->checkpoint, sizeof(m->checkpoint)));
  PetscCall(PdennCompareFileExists(cmp->comm, m->checkpoint, &exists));
  PetscCall(PdennOptionsScopeCreate(prefix, &m->scope));
  PetscCall(SetTrainerKeys(cmp, m, (PetscBool)(exists && !cmp->retrain)));
  PetscCall(PdennOptionsScopePush(m->scope));
  ierr = SetUpInScope(cmp, m);
  PetscCall(PdennOptionsScopePop(m->scope));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Training seconds accumulated over the runs that trained this checkpoint, in
   checkpoints/<name>.seconds next to it (the checkpoint format has no place for wall time). */
static PetscErrorCode TrainSeconds(PdennCompare cmp, PdennCompareMethod *m, PetscBool resumed, PetscReal add)
{
  char   path[PETSC_MAX_PATH_LEN + 16];
  double before = 0.0;
  FILE  *f;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s.seconds", m->checkpoint));
  if (!cmp->rank) {
    if (resumed && (f = fopen(path, "r"))) {
      if (fscanf(f, "%lf", &before) != 1) before = 0.0;
      (void)fclose(f);
    }
    if ((f = fopen(path, "w"))) {
      fprintf(f, "%.6f\n", before + (double)add);
      (void)fclose(f);
    }
  }
  m->train_seconds = (PetscReal)(before + (double)add);
  PetscCallMPI(MPI_Bcast(&m->train_seconds, 1, MPIU_REAL, 0, cmp->comm));
  PetscFunctionReturn(0);
}

/* Loss histories, from the checkpoint that training has just written. */
static PetscErrorCode ReadHistory(PdennCompare cmp, PdennCompareMethod *m)
{
  PdennCheckpoint ck;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&ck, sizeof(ck)));
  PetscCall(PdennCheckpointRead(cmp->comm, "-checkpoint", m->checkpoint, &ck));
  m->n_epochs_hist = ck.epoch;
  m->n_steps_hist  = ck.step;
  PetscCall(PetscMalloc1(ck.epoch + 1, &m->train_loss));
  PetscCall(PetscMalloc1(ck.epoch + 1, &m->val_loss));
  PetscCall(PetscMalloc1(ck.step + 1, &m->step_loss));
  PetscCall(PetscArraycpy(m->train_loss, ck.train_loss, ck.epoch));
  PetscCall(PetscArraycpy(m->val_loss, ck.val_loss, ck.epoch));
  PetscCall(PetscArraycpy(m->step_loss, ck.step_loss, ck.step));
  PetscCall(PdennCheckpointFree(&ck));
  PetscFunctionReturn(0);
}

/* The classical scheme as the starting point (docs/science.md §2-4): blocks of one explicit step each
   share t_stop (sym_resnet), an FSI cycle over all blocks reaches it with tau (n^2 + n)/3
   (fsi_resnet), the recurrent network is one implicit step of size t_stop; the model's
   projection then caps tau at its stability limit. */
static PetscErrorCode InitClassical(PdennCompare cmp, PdennCompareMethod *m)
{
  PdennModel     model;
  PdennModelType type;
  PetscInt       n;
  PetscReal      t = cmp->base->t_stop, tau;

  PetscFunctionBeginUser;
  PetscCall(PdennTrainerGetModel(m->trainer, &model));
  PetscCall(PdennModelGetType(model, &type));
  PetscCall(PdennModelGetNumBlocks(model, &n));
  tau = type == PDENN_MODEL_FSI_RESNET ? 3.0 * t / (PetscReal)(n * n + n) : type == PDENN_MODEL_RECURRENT ? t
                                                                                                          : t / n;
  PetscCall(PdennModelInitClassical(model, cmp->pde, tau));
  PetscCall(PdennModelProject(model));
  PetscFunctionReturn(0);
}

static PetscErrorCode Train(PdennCompare cmp, PdennCompareMethod *m)
{
  PdennModel     model;
  PetscInt       epoch0, step0;
  PetscLogDouble t0, t1;
  PetscBool      resumed;

  PetscFunctionBeginUser;
  PetscCall(PdennTrainerSetUp(m->trainer));
  PetscCall(PdennTrainerGetModel(m->trainer, &model));
  PetscCall(PdennCompareCheckActScale(cmp, m, model));
  PetscCall(PdennTrainerGetProgress(m->trainer, &epoch0, &step0, NULL));
  resumed = (PetscBool)(step0 > 0);
  if (!resumed && m->init_classical) PetscCall(InitClassical(cmp, m));
  if (!resumed && m->init_distance > 0.0) {
    PetscReal bound;
    PetscCall(PdennModelCorrectionBound(model, &bound));
    PetscCall(PdennModelInitNearIdentity(model, m->init_distance));
    PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: learned %s: near-identity start, ||f(x) - x|| <= %.3g ||x|| (the random start's bound: %.3g)\n", m->name, (double)PetscMin(bound, m->init_distance), (double)bound));
  }
  if (resumed)
    PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: learned %s (%s): resuming from its checkpoint (epoch %" PetscInt_FMT ", step %" PetscInt_FMT ")\n", m->name, m->what, epoch0, step0));
  else
    PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: learned %s (%s): training\n", m->name, m->what));
  PetscCall(PetscTime(&t0));
  PetscCall(PdennTrainerTrain(m->trainer));
  PetscCall(PetscTime(&t1));
  PetscCall(PdennTrainerGetProgress(m->trainer, &m->epochs, &m->steps_done, &cmp->interrupted));
  if (resumed && m->steps_done == step0) PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: learned %s: its training was complete; no step taken\n", m->name));
  PetscCall(TrainSeconds(cmp, m, resumed, (PetscReal)(t1 - t0)));
  PetscFunctionReturn(0);
}

/* Applies the model to the rows [lo, hi) of inputs; out receives this rank's points. */
static PetscErrorCode ForwardRows(PdennCompare cmp, PdennModel model, PetscInt lo, PetscInt hi, const PetscReal inputs[], PetscReal out[])
{
  DM  da;
  Vec x, y;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &y));
  for (PetscInt k = lo; k < hi; k++) {
    PetscCall(PdennRowsToVec(inputs + k * cmp->N, x));
    PetscCall(PdennModelForward(model, x, y));
    PetscCall(PdennRowsAddVec(y, out + k * cmp->N));
  }
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}

/* Every batch group (-train_space_ranks consecutive ranks holding a model copy) takes its share
   of the test samples, as in training; time per sample is wall time over all of them. */
static PetscErrorCode Evaluate(PdennCompare cmp, PdennCompareMethod *m, PetscReal stress[])
{
  PdennModel     model;
  PetscInt       space_ranks, ngroups, lo, hi;
  PetscLogDouble t0, t1;

  PetscFunctionBeginUser;
  PetscCall(PdennTrainerGetModel(m->trainer, &model));
  PetscCall(PdennModelGetNumParameters(model, &m->nparams));
  PetscCall(PdennTrainerGetLayout(m->trainer, &space_ranks, &ngroups));
  PdennBatchShare(cmp->ntest, cmp->rank / space_ranks, ngroups, &lo, &hi);
  PetscCallMPI(MPI_Barrier(cmp->comm));
  PetscCall(PetscTime(&t0));
  PetscCall(ForwardRows(cmp, model, lo, hi, cmp->test_input, m->output));
  PetscCallMPI(MPI_Barrier(cmp->comm));
  PetscCall(PetscTime(&t1));
  m->seconds_per_sample = (t1 - t0) / cmp->ntest;
  m->steps_per_sample = m->linear_its_per_sample = NAN;
  PetscCall(ForwardRows(cmp, model, lo, hi, cmp->stress_input, stress));
  PetscCall(PdennCompareModelRecord(cmp, model, m));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunInScope(PdennCompare cmp, PdennCompareMethod *m, PetscReal stress[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogStagePush(cmp->stage_train));
  PetscCall(Train(cmp, m));
  PetscCall(PetscLogStagePop());
  if (cmp->interrupted) PetscFunctionReturn(0);
  PetscCall(ReadHistory(cmp, m));
  PetscCall(PetscLogStagePush(cmp->stage_eval));
  PetscCall(Evaluate(cmp, m, stress));
  PetscCall(PdennCompareWorstCaseRun(cmp, m));
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareLearnedRun(PdennCompare cmp, PdennCompareMethod *m)
{
  PetscReal     *stress;
  PetscErrorCode ierr;
  const PetscInt n = cmp->ntest * cmp->N;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(n, &m->output));
  PetscCall(PetscCalloc1(n, &stress));
  PetscCall(PdennOptionsScopePush(m->scope));
  ierr = RunInScope(cmp, m, stress);
  PetscCall(PdennOptionsScopePop(m->scope));
  PetscCall(ierr);
  if (!cmp->interrupted) PetscCall(PdennCompareMethodFinish(cmp, m, stress));
  PetscCall(PetscFree(stress));
  PetscFunctionReturn(0);
}
