/* The fused explicit step on images and volumes (PdennGridStep, src/op/gridstep.c): Perona-Malik
   at N2 x N2 and N3^3 points, as points/s, as GB/s of its minimal traffic (read u, write out:
   PDENN_BENCH_FUSED_BYTES = 16 B per point) and as a fraction of the STREAM triad measured in the
   same run. At P > 1 ranks rank 0 also runs the 2D step and the triad alone (the others wait), so
   the P-to-1 ratio of the step stands beside the triad's own in one run. */
#include <pdenn/bench.h>

/* A 4 x 4 (x 4) checkerboard of plateaus 0 and 1 with noise, by natural index: the same image at
   every rank count. */
static PetscErrorCode FillImage(DM da, Vec u)
{
  PetscInt   M[3], s[3], m[3], k = 0;
  PetscReal *ua;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCall(VecGetArray(u, &ua));
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++)
      for (PetscInt x = s[0]; x < s[0] + m[0]; x++) {
        const PetscReal n     = (PetscReal)(x + M[0] * (y + M[1] * z));
        const PetscReal noise = PetscSinReal(12.9898 * n) * 43758.5453;
        ua[k++]               = (PetscReal)((4 * x / M[0] + 4 * y / M[1] + 4 * z / M[2]) % 2) + 0.1 * (noise - PetscFloorReal(noise) - 0.5);
      }
  PetscCall(VecRestoreArray(u, &ua));
  PetscFunctionReturn(0);
}

/* Median seconds per step of b->steps in-place Perona-Malik steps at tau_max (h = 1) on a
   side^dim grid over comm, g from |z| or (squared) from |z|^2. Rank 0 alone (comm of one rank inside a larger run) gets a fresh options
   database, so that the run's -da_processors_* do not apply to it. */
static PetscErrorCode TimeStep(PdennBench b, MPI_Comm comm, PetscInt dim, PetscInt side, PetscBool squared, PetscReal *seconds)
{
  const PetscInt  M[3] = {side, side, dim == 3 ? side : 1};
  const PdennFlux flux = {PDENN_FLUX_PERONA_MALIK, b->lambda};
  const PetscReal tau  = 1.0 / (2.0 * dim * PdennFluxSectorBound(flux));
  PetscOptions    db   = NULL;
  PetscMPIInt     size;
  PdennGridStep   gs;
  PetscReal      *t;
  DM              da;
  Vec             u;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (size < b->table.ranks) PetscCall(PdennBenchPushOptions("", NULL, &db));
  PetscCall(PdennDMDACreate(comm, dim, M, 1, 1, &da));
  if (db) PetscCall(PdennBenchPopOptions(&db));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(FillImage(da, u));
  PetscCall(PdennGridStepCreate(da, 1.0, &gs));
  PetscCall(PdennGridStepSetDiffusivitySquared(gs, squared));
  PetscCall(PdennGridStepApply(gs, flux, NULL, 1.0, tau, u, u)); /* warm-up: pages, scatter */
  PetscCall(PetscMalloc1(b->repeats, &t));
  for (PetscInt r = 0; r < b->repeats; r++) {
    PetscLogDouble t0;
    PetscCall(PdennBenchTic(comm, &t0));
    for (PetscInt k = 0; k < b->steps; k++) PetscCall(PdennGridStepApply(gs, flux, NULL, 1.0, tau, u, u));
    PetscCall(PdennBenchToc(comm, t0, &t[r]));
  }
  *seconds = PdennBenchMedian(b->repeats, t) / b->steps;
  PetscCall(PetscFree(t));
  PetscCall(PdennGridStepDestroy(&gs));
  PetscCall(VecDestroy(&u));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

static PetscErrorCode AddRows(PdennBench b, const char name[], PetscInt points, PetscReal seconds, PetscReal bandwidth)
{
  const PetscReal rate = points / seconds, bytes = PDENN_BENCH_FUSED_BYTES;
  char            note[96];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(note, sizeof(note), "PdennGridStepApply in place, median of %" PetscInt_FMT " x %" PetscInt_FMT " steps", b->repeats, b->steps));
  PetscCall(PdennBenchTableAdd(&b->table, "grid", name, points, "throughput", rate, "points/s", note));
  PetscCall(PdennBenchTableAdd(&b->table, "grid", name, points, "bandwidth", rate * bytes / 1e9, "GB/s", "minimal traffic 16 B per point: read u, write out"));
  PetscCall(PdennBenchTableAdd(&b->table, "grid", name, points, "bound fraction", rate * bytes / bandwidth, "", "of the bound STREAM triad / 16 B per point"));
  PetscFunctionReturn(0);
}

/* Rank 0 alone: the 2D step (g from |z| and from |z|^2) and the triad, the others waiting; the
   ratios P-to-1 beside each other. */
static PetscErrorCode AddAloneRows(PdennBench b, PetscInt points, const PetscReal seconds[2])
{
  PetscReal   alone[3] = {0, 0, 0}; /* seconds per step (g from |z|, |z|^2), triad bytes/s */
  PetscMPIInt rank;
  char        name[48];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(b->comm, &rank));
  if (rank == 0) {
    for (PetscInt sq = 0; sq < 2; sq++) PetscCall(TimeStep(b, PETSC_COMM_SELF, 2, b->grid_N[0], (PetscBool)sq, &alone[sq]));
    PetscCall(PdennBenchTriad(PETSC_COMM_SELF, b->stream_n, b->repeats, &alone[2]));
  }
  PetscCallMPI(MPI_Bcast(alone, 3, MPIU_REAL, 0, b->comm));
  for (PetscInt sq = 0; sq < 2; sq++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "2D step %" PetscInt_FMT "^2%s rank 0 alone", b->grid_N[0], sq ? " g(s^2)" : ""));
    PetscCall(AddRows(b, name, points, alone[sq], alone[2]));
  }
  PetscCall(PdennBenchTableAdd(&b->table, "grid", "triad rank 0 alone", b->stream_n, "bandwidth", alone[2] / 1e9, "GB/s", "best of the repeats"));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%d ranks / rank 0 alone", b->table.ranks));
  PetscCall(PdennBenchTableAdd(&b->table, "grid", name, points, "2D step ratio", alone[0] / seconds[0], "", "points/s of the run over rank 0 alone"));
  PetscCall(PdennBenchTableAdd(&b->table, "grid", name, points, "2D g(s^2) ratio", alone[1] / seconds[1], "", "the same with g from |z|^2"));
  PetscCall(PdennBenchTableAdd(&b->table, "grid", name, b->stream_n, "triad ratio", b->bandwidth / alone[2], "", "the same for the STREAM triad"));
  PetscFunctionReturn(0);
}

/* Every case twice: g from |z| (PdennFluxDiffusivity, the default) and from |z|^2
   (PdennGridStepSetDiffusivitySquared: no square root, one division for Perona-Malik). */
PetscErrorCode PdennBenchGrid(PdennBench b)
{
  char name[48];

  PetscFunctionBeginUser;
  if (b->bandwidth <= 0) PetscCall(PdennBenchStream(b)); /* the bound needs the triad of this run */
  for (PetscInt d = 2; d <= 3; d++) {
    const PetscInt side = b->grid_N[d - 2], points = d == 2 ? side * side : side * side * side;
    PetscReal      t[2];
    if (!side) continue;
    for (PetscInt sq = 0; sq < 2; sq++) {
      PetscCall(TimeStep(b, b->comm, d, side, (PetscBool)sq, &t[sq]));
      PetscCall(PetscSNPrintf(name, sizeof(name), "%" PetscInt_FMT "D explicit step %" PetscInt_FMT "^%" PetscInt_FMT " PM%s", d, side, d, sq ? " g(s^2)" : ""));
      PetscCall(AddRows(b, name, points, t[sq], b->bandwidth));
    }
    if (d == 2 && b->table.ranks > 1) PetscCall(AddAloneRows(b, points, t));
  }
  PetscFunctionReturn(0);
}
