/* Tests written against planted bugs of the mutation campaign (tests/mutation/):
   1. the checkpoint's own checksum covers every stored array and counter: a file in which one
      value of any dataset, or the batch, seed or optimizer-step counter, was rewritten (a valid
      HDF5 file, just different contents) is refused, also when the file checksum of the HDF5
      user block is cleared (a file without it is read unchecked, so then the checkpoint's
      checksum alone must see the change); an untouched one is read back;
   2. the shuffle is a uniform draw: over 100 seeds x 24 epochs the 24 orders of 4 samples each
      appear, with a chi-square statistic (23 degrees of freedom) below 70 (p ~ 1e-6: a correct
      Fisher-Yates passes with certainty for these fixed seeds, a Sattolo cycle, which draws only
      the 6 cyclic orders, gives ~5000);
   3. a partial mini-batch's gradient is the mean over its own samples (see TestPartialBatch). */
#include <pdenn/core.h>
#include <pdenn/nn.h>
#include <pdenn/train.h>
#include "pdenn_test.h"
#include "ckpttest.h"
#include <stdio.h>
#include <string.h>

static PetscReal theta[NP] = {1, 2, 3, 4, 5, 6, 7, 8, 0.5}, m[NP] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, v[NP] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
static PetscReal step_loss[3] = {0.5, 0.25, 0.125}, train_loss[1] = {0.3}, val_loss[1] = {0.35};
static PetscInt  perm[NS] = {3, 1, 4, 0, 2};
static char      deck[]   = "-train_epochs 2";

static void Fill(PdennCheckpoint *ck, PdennCheckpointGroup groups[2])
{
  const CkptTestArrays a = {theta, m, v, step_loss, train_loss, val_loss, perm, deck};

  CkptTestFill(ck, groups, 2, 4, 1, &a);
}

/* Writes ck, rewrites field k (-1: none), clears the file checksum if asked, reads it back */
static PetscErrorCode WriteChangeRead(const PdennCheckpoint *ck, const char path[], const char *what, PetscBool attr, PetscBool clear, PetscErrorCode *status, PdennCheckpoint *back)
{
  PetscFunctionBeginUser;
  PetscCall(PdennCheckpointWrite(PETSC_COMM_SELF, "-checkpoint", path, ck));
  if (what) PetscCall(CkptTestRewrite(path, what, attr));
  if (clear) PetscCall(CkptTestClearUserBlock(path));
  captured[0] = '\0';
  PetscCall(PetscPushErrorHandler(Capture, NULL));
  *status = PdennCheckpointRead(PETSC_COMM_SELF, "-checkpoint", path, back);
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}

static PetscErrorCode TestChecksumCoverage(void)
{
  const char *const    fields[] = {"parameters/block0/W", "parameters/block0/tau", "optimizer/m", "optimizer/v", "shuffle/permutation", "history/step_loss", "history/train_loss", "history/val_loss", "batch", "shuffle_seed", "optimizer_steps"};
  const PetscInt       nf = (PetscInt)(sizeof(fields) / sizeof(fields[0])), first_attr = 8;
  const char          *path = "train_pinned_ck.h5";
  PdennCheckpoint      ck, back;
  PdennCheckpointGroup groups[2];

  PetscFunctionBeginUser;
  Fill(&ck, groups);
  for (PetscInt clear = 0; clear < 2; clear++) {
    PetscErrorCode status;

    PetscCall(WriteChangeRead(&ck, path, NULL, PETSC_FALSE, (PetscBool)clear, &status, &back));
    PetscCheck(status == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the untouched checkpoint %s (file checksum %s) is refused: %s", path, clear ? "cleared" : "kept", captured);
    PetscCheck(back.val_loss[0] == val_loss[0] && back.batch == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the untouched checkpoint reads back val_loss %g, batch %" PetscInt_FMT "; expected %g, 1", (double)back.val_loss[0], back.batch, (double)val_loss[0]);
    PetscCall(PdennCheckpointFree(&back));
    for (PetscInt k = 0; k < nf; k++) {
      PetscCall(WriteChangeRead(&ck, path, fields[k], (PetscBool)(k >= first_attr), (PetscBool)clear, &status, &back));
      if (!status) PetscCall(PdennCheckpointFree(&back));
      PetscCheck(status == PDENN_ERR_INPUT && strstr(captured, path) && strstr(captured, "checksum"), PETSC_COMM_SELF, PETSC_ERR_PLIB, "checkpoint with %s rewritten (file checksum %s): status %d, message '%s'; expected an input error naming %s and a checksum", fields[k], clear ? "cleared" : "kept", (int)status, captured, path);
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-22s rewritten, file checksum %-7s: refused (%s)\n", fields[k], clear ? "cleared" : "kept", captured));
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "checksum: %" PetscInt_FMT " rewritten fields refused with and without the file checksum, the untouched file read back\n", nf));
  PetscFunctionReturn(0);
}

/* index of a permutation of 0..3 in lexicographic order (Lehmer code) */
static PetscInt PermIndex(const PetscInt p[4])
{
  const PetscInt fact[4] = {6, 2, 1, 0};
  PetscInt       index   = 0;

  for (PetscInt i = 0; i < 3; i++) {
    PetscInt smaller = 0;
    for (PetscInt j = i + 1; j < 4; j++) smaller += p[j] < p[i];
    index += smaller * fact[i];
  }
  return index;
}

static PetscErrorCode TestShuffleUniform(void)
{
  const PetscInt seeds = 100, epochs = 24, draws = seeds * epochs;
  PetscInt       count[24] = {0}, p[4], seen = 0;
  PetscReal      chi2 = 0.0, expect = draws / 24.0;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < seeds; s++)
    for (PetscInt e = 0; e < epochs; e++) {
      PetscCall(PdennShuffle(s, e, 4, p));
      count[PermIndex(p)]++;
    }
  for (PetscInt k = 0; k < 24; k++) {
    chi2 += (count[k] - expect) * (count[k] - expect) / expect;
    seen += count[k] > 0;
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "shuffle: %" PetscInt_FMT " draws of 4 samples, %" PetscInt_FMT " of 24 orders seen, chi-square %.2f (23 degrees of freedom, limit 70)\n", draws, seen, (double)chi2));
  PetscCheck(seen == 24 && chi2 < 70.0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "shuffle: %" PetscInt_FMT " of 24 orders seen, chi-square %g >= 70: not a uniform Fisher-Yates shuffle", seen, (double)chi2);
  PetscFunctionReturn(0);
}

/* One epoch of plain SGD on 5 samples with mini-batches of `batch_size`; theta copied out */
static PetscErrorCode TrainOneEpoch(const char batch_size[], PetscReal theta_out[], PetscInt n_max, PetscInt *n)
{
  PdennTrainer      tr;
  PdennSignalParams p;
  PdennModel        model;
  PetscReal        *th;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInsertString(NULL, "-train_epochs 1 -train_optimizer sgd -train_momentum 0 -train_lr 0.05 -checkpoint train_pinned_batch.h5 -force -checkpoint_every_epochs 0"));
  PetscCall(PetscOptionsSetValue(NULL, "-train_batch_size", batch_size));
  PetscCall(PdennSignalParamsDefault(&p));
  p.N = 32;
  PetscCall(PdennTrainerCreate(PETSC_COMM_SELF, &tr));
  PetscCall(PdennTrainerSetFromOptions(tr));
  PetscCall(PdennTrainerSetSignals(tr, &p, 5, 1));
  PetscCall(PdennTrainerSetUp(tr));
  PetscCall(PdennTrainerTrain(tr));
  PetscCall(PdennTrainerGetModel(tr, &model));
  PetscCall(PdennModelGetNumParameters(model, n));
  PetscCheck(*n <= n_max, PETSC_COMM_SELF, PETSC_ERR_PLIB, "model has %" PetscInt_FMT " parameters, the test keeps %" PetscInt_FMT, *n, n_max);
  PetscCall(PdennModelGetParameters(model, &th));
  PetscCall(PetscArraycpy(theta_out, th, *n));
  PetscCall(PdennTrainerDestroy(&tr));
  PetscFunctionReturn(0);
}

/* A mini-batch's gradient is the mean over the samples it has: 5 samples with batch size 8 (one
   partial batch) must take exactly the step of batch size 5 (one full batch of the same samples
   in the same order). Plain SGD, since Adam's first step does not see a scaled gradient. */
static PetscErrorCode TestPartialBatch(void)
{
  PetscReal full[4096], partial[4096], d;
  PetscInt  n_full, n_partial;

  PetscFunctionBeginUser;
  PetscCall(TrainOneEpoch("5", full, 4096, &n_full));
  PetscCall(TrainOneEpoch("8", partial, 4096, &n_partial));
  d = PdennTestArrayRelDiff(n_full, partial, full);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "partial batch: %" PetscInt_FMT " parameters after one SGD step, batch 8 of 5 samples vs batch 5: relative difference %.3g\n", n_full, (double)d));
  PetscCheck(n_full == n_partial && d <= 1e-14, PETSC_COMM_SELF, PETSC_ERR_PLIB, "a partial mini-batch (5 samples, batch size 8) stepped differently from the full batch of the same 5 samples (relative difference %g > 1e-14): its gradient is not the mean over its samples", (double)d);
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(TestChecksumCoverage());
  PetscCall(TestShuffleUniform());
  PetscCall(TestPartialBatch());
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
