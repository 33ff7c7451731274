/* Seeded synthetic 1D signals (docs/science.md §6): piecewise constant, piecewise smooth or mixed, with
   additive Gaussian noise. Every random number is a hash of (seed, sample, stream, index) — a
   counter-based generator — so a rank computes just its own points, and any number of ranks
   gives bitwise the same signals. Layout and shapes: docs/hdf5_layout.md, keys: docs/decks.md. */
#include <pdenn/io.h>
#include <stdint.h>

const char *const PdennSignalTypes[] = {"constant", "smooth", "mixed"};

/* Independent streams of the generator; a new stream must be appended, never inserted, or
   every existing data set changes. */
enum {
  STREAM_WIDTH,        /* piece widths (index: piece) */
  STREAM_KIND,         /* constant or smooth, and which smooth shape */
  STREAM_LEVEL_A,      /* value at a piece's left end */
  STREAM_LEVEL_B,      /* value at its right end */
  STREAM_FREQ,         /* sine frequency */
  STREAM_PHASE,        /* sine phase */
  STREAM_NOISE_RADIUS, /* Box-Muller pair (index: point) */
  STREAM_NOISE_ANGLE
};

typedef enum { PIECE_CONSTANT,
               PIECE_RAMP,
               PIECE_PARABOLA,
               PIECE_SINE } PieceKind;

typedef struct {
  PetscInt  start, width; /* points [start, start + width) */
  PieceKind kind;
  PetscReal a, b;        /* levels in [0, 1] */
  PetscReal freq, phase; /* sine arcs only */
} Piece;

/* Uniform in (0, 1), never 0 (Box-Muller takes its log): 53 random bits plus half a unit. */
static inline PetscReal Uniform(uint64_t seed, uint64_t sample, uint64_t stream, uint64_t index)
{
  uint64_t h = PdennHash64(PdennHash64(PdennHash64(PdennHash64(seed) ^ sample) ^ stream) ^ index);
  return ((PetscReal)(h >> 11) + 0.5) * 0x1.0p-53;
}

static inline PetscReal Gaussian(uint64_t seed, uint64_t sample, uint64_t index)
{
  PetscReal r = Uniform(seed, sample, STREAM_NOISE_RADIUS, index);
  PetscReal a = Uniform(seed, sample, STREAM_NOISE_ANGLE, index);
  return PetscSqrtReal(-2.0 * PetscLogReal(r)) * PetscCosReal(2.0 * PETSC_PI * a);
}

/* Piece widths: each at least N/(4 pieces), the rest shared out by exponential weights (a
   uniform random partition); rounding cumulative sums keeps them summing to N exactly. */
static void PiecesLayout(const PdennSignalParams *p, PetscInt sample, Piece piece[])
{
  const PetscInt min_width = p->N / (4 * p->pieces), spare = p->N - p->pieces * min_width;
  PetscReal      total = 0, cumulative = 0;
  PetscInt       j, end;

  for (j = 0; j < p->pieces; j++) total += -PetscLogReal(Uniform(p->seed, sample, STREAM_WIDTH, j));
  piece[0].start = 0;
  for (j = 0; j < p->pieces; j++) {
    cumulative += -PetscLogReal(Uniform(p->seed, sample, STREAM_WIDTH, j));
    end = (j + 1) * min_width + (PetscInt)PetscFloorReal(spare * (cumulative / total) + 0.5);
    if (j == p->pieces - 1) end = p->N; /* guards against cumulative/total rounding below 1 */
    piece[j].width = end - piece[j].start;
    if (j + 1 < p->pieces) piece[j + 1].start = end;
  }
}

static void PiecesDraw(const PdennSignalParams *p, PetscInt sample, Piece piece[])
{
  for (PetscInt j = 0; j < p->pieces; j++) {
    PetscReal k = Uniform(p->seed, sample, STREAM_KIND, j);
    Piece    *q = &piece[j];

    switch (p->type) {
    case PDENN_SIGNAL_CONSTANT: q->kind = PIECE_CONSTANT; break;
    case PDENN_SIGNAL_SMOOTH: q->kind = (PieceKind)(1 + (int)(3 * k)); break;
    default: q->kind = k < 0.5 ? PIECE_CONSTANT : (PieceKind)(1 + (int)(6 * (k - 0.5))); break;
    }
    if (q->kind > PIECE_SINE) q->kind = PIECE_SINE; /* k < 1 always; belt and braces */
    q->a     = Uniform(p->seed, sample, STREAM_LEVEL_A, j);
    q->b     = Uniform(p->seed, sample, STREAM_LEVEL_B, j);
    q->freq  = 0.5 + 2.0 * Uniform(p->seed, sample, STREAM_FREQ, j);
    q->phase = 2.0 * PETSC_PI * Uniform(p->seed, sample, STREAM_PHASE, j);
  }
}

/* Value at point i of piece q; every shape stays between q->a and q->b, hence in [0, 1]. */
static inline PetscReal PieceValue(const Piece *q, PetscInt i)
{
  PetscReal s = (i - q->start + 0.5) / q->width; /* in (0, 1) */

  switch (q->kind) {
  case PIECE_CONSTANT: return q->a;
  case PIECE_RAMP: return q->a + (q->b - q->a) * s;
  case PIECE_PARABOLA: return q->a + (q->b - q->a) * s * s;
  default: return 0.5 * (q->a + q->b) + 0.5 * (q->b - q->a) * PetscSinReal(2.0 * PETSC_PI * q->freq * s + q->phase);
  }
}

PetscErrorCode PdennSignalParamsDefault(PdennSignalParams *p)
{
  PetscFunctionBeginUser;
  p->type    = PDENN_SIGNAL_MIXED;
  p->N       = 256;
  p->samples = 16;
  p->pieces  = 6;
  p->sigma   = 0.1;
  p->seed    = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalParamsSetFromOptions(MPI_Comm comm, PdennSignalParams *p)
{
  PetscInt type = p->type;

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Synthetic signals (pdenn docs/decks.md)", NULL);
  PetscCall(PdennOptionsChoice("-signals_type", "Signal family", PdennSignalTypes, PDENN_SIGNAL_NTYPES, type, &type, NULL));
  PetscCall(PdennOptionsInt("-signals_N", "Points per signal (default: -N)", p->N, 4, 1 << 30, &p->N, NULL));
  PetscCall(PdennOptionsInt("-signals_samples", "Signals in a set", p->samples, 1, 1 << 30, &p->samples, NULL));
  PetscCall(PdennOptionsInt("-signals_pieces", "Pieces per signal, at most N/4", p->pieces, 1, 1 << 28, &p->pieces, NULL));
  PetscCall(PdennOptionsReal("-signals_sigma", "Standard deviation of the additive Gaussian noise", p->sigma, 0.0, 10.0, &p->sigma, NULL));
  PetscCall(PdennOptionsInt("-signals_seed", "Seed of the generator", p->seed, 0, PETSC_MAX_INT, &p->seed, NULL));
  PetscOptionsEnd();
  p->type = (PdennSignalType)type;
  PetscCheck(p->pieces <= p->N / 4, comm, PDENN_ERR_INPUT, "key -signals_pieces: value %" PetscInt_FMT " is out of range for N = %" PetscInt_FMT "; expected an integer in [1, %" PetscInt_FMT "] (N/4: every piece gets at least N/(4 pieces) >= 1 points)", p->pieces, p->N, p->N / 4);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalFill(const PdennSignalParams *p, PetscInt sample, Vec clean, Vec noisy)
{
  Vec          any = clean ? clean : noisy;
  Piece       *piece;
  PetscScalar *c = NULL, *n = NULL;
  PetscInt     size, lo, hi, j = 0;

  PetscFunctionBeginUser;
  if (!any) PetscFunctionReturn(0);
  PetscCheck(p->pieces >= 1 && p->pieces <= p->N / 4, PetscObjectComm((PetscObject)any), PETSC_ERR_ARG_OUTOFRANGE, "pieces %" PetscInt_FMT " must lie in [1, N/4 = %" PetscInt_FMT "]", p->pieces, p->N / 4);
  PetscCheck(sample >= 0 && sample < p->samples, PetscObjectComm((PetscObject)any), PETSC_ERR_ARG_OUTOFRANGE, "signal sample %" PetscInt_FMT " does not exist; expected 0 .. %" PetscInt_FMT, sample, p->samples - 1);
  PetscCall(VecGetSize(any, &size));
  PetscCheck(size == p->N, PetscObjectComm((PetscObject)any), PETSC_ERR_ARG_SIZ, "Vec has %" PetscInt_FMT " points, the signals %" PetscInt_FMT, size, p->N);
  /* a 1D DMDA's global ordering is the natural one: ownership range = [xs, xs + xm) */
  PetscCall(VecGetOwnershipRange(any, &lo, &hi));
  PetscCall(PetscMalloc1(p->pieces, &piece));
  PiecesLayout(p, sample, piece);
  PiecesDraw(p, sample, piece);
  if (clean) PetscCall(VecGetArrayWrite(clean, &c));
  if (noisy) PetscCall(VecGetArrayWrite(noisy, &n));
  for (PetscInt i = lo; i < hi; i++) {
    PetscReal v;

    while (i >= piece[j].start + piece[j].width) j++;
    v = PieceValue(&piece[j], i);
    if (c) c[i - lo] = v;
    if (n) n[i - lo] = v + p->sigma * Gaussian(p->seed, sample, i);
  }
  if (clean) PetscCall(VecRestoreArrayWrite(clean, &c));
  if (noisy) PetscCall(VecRestoreArrayWrite(noisy, &n));
  PetscCall(PetscFree(piece));
  PetscFunctionReturn(0);
}

PetscReal PdennSignalNoise(PetscInt seed, PetscInt sample, PetscInt index)
{
  return Gaussian((uint64_t)seed, (uint64_t)sample, (uint64_t)index);
}

PetscReal PdennSignalUniform(PetscInt seed, PetscInt sample, PetscInt stream, PetscInt index)
{
  return Uniform((uint64_t)seed, (uint64_t)sample, (uint64_t)stream, (uint64_t)index);
}
