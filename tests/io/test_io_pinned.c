/* Tests written against planted bugs of the mutation campaign (tests/mutation/):
   1. existing data sets stay reproducible: the signals of a fixed seed are pinned, per family and
      sample, by five sums (clean values, their squares, position-weighted values, noise, noise
      squared) recorded with pdenn at commit 3323465. Any change of the generator -- a piece
      boundary, the sampling point within a cell, the noise transform -- changes a data set a user
      already trained on, and must show here (signals.c: streams are appended, never inserted).
      Tolerance 1e-12 relative: the sums run over the ranks in a different order;
   2. a signal file of every family reads back with its family (test_io_h5 checks only mixed). */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

/* sums of sample s of family t: clean, i * clean, clean^2, noise, noise^2 (N = 64, 4 pieces,
   sigma 0.1, seed 7) */
static const PetscReal pinned[PDENN_SIGNAL_NTYPES][3][5] = {
    {
        {31.635160874278519, 1316.3123292284502, 21.453492798098122, -1.0138672631699102, 0.53754982034914689},  /* constant 0 */
        {22.157699867446222, 652.45129568237383, 12.604253744377317, -0.7137952970414807, 0.50972957412590192},  /* constant 1 */
        {28.813868571965635, 1218.7998151144607, 20.232168892251927, -0.10571970749123516, 0.60027088908687742}, /* constant 2 */
    },
    {
        {38.666751838921911, 1438.3630800315013, 27.166980833234327, -1.0138672631699095, 0.537549820349147},    /* smooth 0 */
        {18.425229073706291, 568.26307002927274, 11.206034272542032, -0.71379529704148048, 0.50972957412590192}, /* smooth 1 */
        {33.114582226353093, 1171.3936036206358, 21.958604058428158, -0.10571970749123499, 0.60027088908687742}, /* smooth 2 */
    },
    {
        {30.715502899739903, 1270.9610502810469, 19.935881817814764, -1.0138672631699097, 0.53754982034914689}, /* mixed 0 */
        {21.793605592163615, 631.24605683283198, 12.541893121359406, -0.7137952970414807, 0.50972957412590192}, /* mixed 1 */
        {29.843238039226037, 1253.825360571996, 20.885851334503634, -0.10571970749123516, 0.60027088908687742}, /* mixed 2 */
    },
};

static PetscErrorCode SampleSums(DM da, const PdennSignalParams *p, PetscInt s, PetscReal sums[5])
{
  Vec        clean, noisy, index;
  PetscInt   xs, xm;
  PetscReal *ia;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  PetscCall(VecDuplicate(clean, &index));
  PetscCall(PdennDMDAGetOwnership(da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(index, &ia));
  for (PetscInt i = 0; i < xm; i++) ia[i] = (PetscReal)(xs + i);
  PetscCall(VecRestoreArray(index, &ia));
  PetscCall(PdennSignalFill(p, s, clean, noisy));
  PetscCall(VecSum(clean, &sums[0]));
  PetscCall(VecDot(clean, index, &sums[1]));
  PetscCall(VecDot(clean, clean, &sums[2]));
  PetscCall(VecAXPY(noisy, -1.0, clean)); /* the noise alone */
  PetscCall(VecSum(noisy, &sums[3]));
  PetscCall(VecDot(noisy, noisy, &sums[4]));
  PetscCall(VecDestroy(&clean));
  PetscCall(VecDestroy(&noisy));
  PetscCall(VecDestroy(&index));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestPinnedSignals(void)
{
  PdennSignalParams p;
  DM                da;
  PetscReal         worst = 0.0;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&p));
  p.N = 64, p.samples = 3, p.pieces = 4, p.sigma = 0.1, p.seed = 7;
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, p.N, 1, 1, &da));
  for (PetscInt t = 0; t < PDENN_SIGNAL_NTYPES; t++)
    for (PetscInt s = 0; s < p.samples; s++) {
      PetscReal sums[5];
      p.type = (PdennSignalType)t;
      PetscCall(SampleSums(da, &p, s, sums));
      for (PetscInt k = 0; k < 5; k++) {
        const PetscReal d = PetscAbsReal(sums[k] - pinned[t][s][k]) / PetscMax(PetscAbsReal(pinned[t][s][k]), 1.0);
        worst             = PetscMax(worst, d);
        PetscCheck(d <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "signals: %s sample %" PetscInt_FMT ", sum %" PetscInt_FMT " is %.17g, pinned %.17g (relative difference %.3g > 1e-12): the generator changed, existing data sets would not be reproduced", PdennSignalTypes[t], s, k, (double)sums[k], (double)pinned[t][s][k], (double)d);
      }
    }
  PetscCall(DMDestroy(&da));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "pinned signals: %d families x %" PetscInt_FMT " samples x 5 sums agree, largest relative difference %.3g\n", (int)PDENN_SIGNAL_NTYPES, p.samples, (double)worst));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestFamilyRoundTrip(void)
{
  char        path[64];
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscSNPrintf(path, sizeof(path), "io_pinned_family_np%d.h5", (int)size)); /* runs at 1 and 2 ranks may overlap */
  for (PetscInt t = 0; t < PDENN_SIGNAL_NTYPES; t++) {
    PdennSignalParams p, q;
    PdennSignalSet    set;

    PetscCall(PdennSignalParamsDefault(&p));
    p.type = (PdennSignalType)t, p.N = 32, p.samples = 2, p.pieces = 2;
    PetscCall(PdennSignalSetWrite(PETSC_COMM_WORLD, "-signals_output", path, &p, PETSC_TRUE));
    PetscCall(PdennSignalSetOpen(PETSC_COMM_WORLD, "-train_data", path, &set));
    PetscCall(PdennSignalSetGetParams(set, &q));
    PetscCall(PdennSignalSetClose(&set));
    PetscCheck(q.type == p.type, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "signal file of family %s reads back as family %d, expected %d", PdennSignalTypes[t], (int)q.type, (int)p.type);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "family round trip: %d families read back\n", (int)PDENN_SIGNAL_NTYPES));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(TestFamilyRoundTrip());
  PetscCall(TestPinnedSignals());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "pinned io checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
