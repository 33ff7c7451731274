/* Checks of the synthetic signals (src/io/signals.c) on a distributed DMDA:
   1. noise: over n = 8 x 4096 = 32768 values of noisy - clean with sigma = 0.1, the sample mean,
      standard deviation, lag-1 correlation and the fraction inside +-sigma match a Gaussian
      N(0, sigma^2) of independent values within 5 standard errors (standard errors:
      sigma/sqrt(n), sigma/sqrt(2n), 1/sqrt(n), sqrt(0.6827 (1 - 0.6827)/n));
   2. shapes: clean values lie in [0, 1]; a piecewise constant signal has exactly pieces - 1
      jumps (levels are independent doubles: equal neighbours have probability ~2^-53) and no
      piece narrower than N/(4 pieces); a piecewise smooth one changes by more than the largest
      in-piece slope bound (2.5 pi/width_min per point) at most pieces - 1 times;
   3. seeds: equal seeds give bitwise equal signals, another seed or sample a different one. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

typedef struct {
  PetscReal sum, sumsq, lag, inside, count, pairs;
} NoiseStats;

/* Sums over owned points; pairs (i, i+1) both owned, so no communication is needed. */
static PetscErrorCode AccumulateNoise(Vec clean, Vec noisy, PetscReal sigma, NoiseStats *st)
{
  const PetscScalar *c, *n;
  PetscInt           m;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(clean, &m));
  PetscCall(VecGetArrayRead(clean, &c));
  PetscCall(VecGetArrayRead(noisy, &n));
  for (PetscInt i = 0; i < m; i++) {
    PetscReal d = n[i] - c[i];
    st->sum += d;
    st->sumsq += d * d;
    st->inside += PetscAbsReal(d) <= sigma ? 1 : 0;
    st->count += 1;
    if (i + 1 < m) {
      st->lag += d * (n[i + 1] - c[i + 1]);
      st->pairs += 1;
    }
  }
  PetscCall(VecRestoreArrayRead(noisy, &n));
  PetscCall(VecRestoreArrayRead(clean, &c));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckNoise(MPI_Comm comm)
{
  PdennSignalParams p;
  DM                da;
  Vec               clean, noisy;
  NoiseStats        st = {0, 0, 0, 0, 0, 0}, all;
  PetscReal         mean, sd, corr, inside, n;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&p));
  p.N       = 4096;
  p.samples = 8;
  p.sigma   = 0.1;
  PetscCall(PdennDMDACreate1d(comm, p.N, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  for (PetscInt k = 0; k < p.samples; k++) {
    PetscCall(PdennSignalFill(&p, k, clean, noisy));
    PetscCall(AccumulateNoise(clean, noisy, p.sigma, &st));
  }
  PetscCall(MPIU_Allreduce(&st, &all, 6, MPIU_REAL, MPI_SUM, comm));
  n      = all.count;
  mean   = all.sum / n;
  sd     = PetscSqrtReal(all.sumsq / n - mean * mean);
  corr   = all.lag / all.pairs / (sd * sd);
  inside = all.inside / n;
  PetscCheck(n == p.N * p.samples, comm, PETSC_ERR_PLIB, "counted %g values", (double)n);
  PetscCheck(PetscAbsReal(mean) < 5 * p.sigma / PetscSqrtReal(n), comm, PETSC_ERR_PLIB, "noise mean %g", (double)mean);
  PetscCheck(PetscAbsReal(sd - p.sigma) < 5 * p.sigma / PetscSqrtReal(2 * n), comm, PETSC_ERR_PLIB, "noise sd %g, sigma %g", (double)sd, (double)p.sigma);
  PetscCheck(PetscAbsReal(corr) < 5 / PetscSqrtReal(all.pairs), comm, PETSC_ERR_PLIB, "noise lag-1 correlation %g", (double)corr);
  PetscCheck(PetscAbsReal(inside - 0.682689) < 5 * PetscSqrtReal(0.682689 * 0.317311 / n), comm, PETSC_ERR_PLIB, "fraction within sigma %g", (double)inside);
  PetscCall(PetscPrintf(comm, "noise: n = %g, mean %.2e, sd %.5f (sigma %.5f), lag-1 corr %.2e, within sigma %.4f\n", (double)n, (double)mean, (double)sd, (double)p.sigma, (double)corr, (double)inside));
  PetscCall(VecDestroy(&noisy));
  PetscCall(VecDestroy(&clean));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

/* Jumps |u[i+1] - u[i]| > threshold, and the shortest run between them, of the whole signal
   (gathered on every rank: the checks below are serial and tiny). */
static PetscErrorCode CountJumps(Vec v, PetscReal threshold, PetscInt *jumps, PetscInt *shortest, PetscReal *lo, PetscReal *hi)
{
  VecScatter         scatter;
  Vec                all;
  const PetscScalar *a;
  PetscInt           N, start = 0;

  PetscFunctionBeginUser;
  PetscCall(VecScatterCreateToAll(v, &scatter, &all));
  PetscCall(VecScatterBegin(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetSize(all, &N));
  PetscCall(VecGetArrayRead(all, &a));
  *jumps    = 0;
  *shortest = N;
  *lo = *hi = a[0];
  for (PetscInt i = 0; i < N; i++) {
    *lo = PetscMin(*lo, a[i]);
    *hi = PetscMax(*hi, a[i]);
    if (i + 1 == N || PetscAbsReal(a[i + 1] - a[i]) > threshold) {
      *shortest = PetscMin(*shortest, i + 1 - start);
      start     = i + 1;
      if (i + 1 < N) (*jumps)++;
    }
  }
  PetscCall(VecRestoreArrayRead(all, &a));
  PetscCall(VecDestroy(&all));
  PetscCall(VecScatterDestroy(&scatter));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckShapes(MPI_Comm comm, PdennSignalType type)
{
  PdennSignalParams p;
  DM                da;
  Vec               clean;
  PetscInt          jumps, shortest, width_min;
  PetscReal         lo, hi, slope;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&p));
  p.type    = type;
  p.N       = 1000; /* not a multiple of the rank count */
  p.pieces  = 7;
  p.samples = 20;
  width_min = p.N / (4 * p.pieces);
  /* largest change per point inside a piece: a sine arc of amplitude <= 1/2 and frequency
     <= 2.5 over >= width_min points changes by <= pi 2.5 / width_min; ramps and parabolas less */
  slope = type == PDENN_SIGNAL_CONSTANT ? 0.0 : PETSC_PI * 2.5 / width_min;
  PetscCall(PdennDMDACreate1d(comm, p.N, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &clean));
  for (PetscInt k = 0; k < p.samples; k++) {
    PetscCall(PdennSignalFill(&p, k, clean, NULL));
    PetscCall(CountJumps(clean, slope, &jumps, &shortest, &lo, &hi));
    PetscCheck(lo >= 0.0 && hi <= 1.0, comm, PETSC_ERR_PLIB, "%s sample %" PetscInt_FMT ": values in [%g, %g], expected [0, 1]", PdennSignalTypes[type], k, (double)lo, (double)hi);
    PetscCheck(jumps <= p.pieces - 1, comm, PETSC_ERR_PLIB, "%s sample %" PetscInt_FMT ": %" PetscInt_FMT " jumps for %" PetscInt_FMT " pieces", PdennSignalTypes[type], k, jumps, p.pieces);
    if (type == PDENN_SIGNAL_CONSTANT) {
      PetscCheck(jumps == p.pieces - 1, comm, PETSC_ERR_PLIB, "constant sample %" PetscInt_FMT ": %" PetscInt_FMT " jumps, expected %" PetscInt_FMT, k, jumps, p.pieces - 1);
      PetscCheck(shortest >= width_min, comm, PETSC_ERR_PLIB, "constant sample %" PetscInt_FMT ": a piece of %" PetscInt_FMT " points, expected >= %" PetscInt_FMT, k, shortest, width_min);
    }
  }
  PetscCall(PetscPrintf(comm, "shapes %s: %" PetscInt_FMT " samples in [0, 1] with at most %" PetscInt_FMT " jumps\n", PdennSignalTypes[type], p.samples, p.pieces - 1));
  PetscCall(VecDestroy(&clean));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSeeds(MPI_Comm comm)
{
  PdennSignalParams p, q;
  DM                da;
  Vec               a, b;
  PetscBool         equal;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&p));
  PetscCall(PdennDMDACreate1d(comm, p.N, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &a));
  PetscCall(VecDuplicate(a, &b));
  PetscCall(PdennSignalFill(&p, 3, NULL, a));
  PetscCall(PdennSignalFill(&p, 3, NULL, b));
  PetscCall(VecEqual(a, b, &equal));
  PetscCheck(equal, comm, PETSC_ERR_PLIB, "same seed and sample gave different signals");
  PetscCall(PdennSignalFill(&p, 4, NULL, b));
  PetscCall(VecEqual(a, b, &equal));
  PetscCheck(!equal, comm, PETSC_ERR_PLIB, "samples 3 and 4 are equal");
  q      = p;
  q.seed = p.seed + 1;
  PetscCall(PdennSignalFill(&q, 3, NULL, b));
  PetscCall(VecEqual(a, b, &equal));
  PetscCheck(!equal, comm, PETSC_ERR_PLIB, "seeds %" PetscInt_FMT " and %" PetscInt_FMT " gave the same signal", p.seed, q.seed);
  PetscCall(PetscPrintf(comm, "seeds: reproducible, and distinct across seeds and samples\n"));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&a));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(CheckNoise(PETSC_COMM_WORLD));
  for (PetscInt t = 0; t < PDENN_SIGNAL_NTYPES; t++) PetscCall(CheckShapes(PETSC_COMM_WORLD, (PdennSignalType)t));
  PetscCall(CheckSeeds(PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "signal checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, "Synthetic signal checks")) return 1;
  return PdennFinalize(Run());
}
