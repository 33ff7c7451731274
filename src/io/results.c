/* Run outputs of pdenn_solve (docs/hdf5_layout.md): the final signal (or image) u, the initial signal,
   snapshots, reference and error, the norm history, and the run's counters as attributes.
   Written to <path>.tmp while the run goes and renamed on success: a failed run leaves no file. */
#include "iopriv.h"

struct _n_PdennRunOutput {
  MPI_Comm  comm;
  char      path[PETSC_MAX_PATH_LEN], summary[PETSC_MAX_PATH_LEN];
  hid_t     file;
  PetscBool committed;
};

PetscErrorCode PdennRunOutputCreate(MPI_Comm comm, const char key[], const char path[], PetscBool force, PdennRunOutput *out)
{
  char summary[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(summary, sizeof(summary), "%s.summary.txt", path));
  PetscCall(PdennOutputPathCheck(comm, key, path, force));
  PetscCall(PdennOutputPathCheck(comm, key, summary, force));
  PetscCall(PetscNew(out));
  (*out)->comm = comm;
  (*out)->file = -1;
  PetscCall(PetscStrncpy((*out)->path, path, sizeof((*out)->path)));
  PetscCall(PetscStrncpy((*out)->summary, summary, sizeof((*out)->summary)));
  PetscCall(PdennH5CreateTmp(comm, path, &(*out)->file));
  PetscCall(PdennH5AttrWriteString((*out)->file, "pdenn_version", PDENN_VERSION));
  PetscFunctionReturn(0);
}

/* A dataset holding v: 1D (N) for a signal, H x W or D x H x W (natural order) for a Vec of a
   2D or 3D DMDA; its handle is returned for attributes. */
static PetscErrorCode WriteVecDataset(PdennRunOutput out, const char name[], Vec v, hid_t *dset)
{
  DM       da;
  PetscInt N, dim, M[3];
  hsize_t  dims[3];

  PetscFunctionBeginUser;
  PetscCheck(out->file >= 0, out->comm, PETSC_ERR_ORDER, "run output %s is closed", out->path);
  PetscCall(PdennVecImageDM(v, &da));
  if (da) {
    PetscCall(DMDAGetInfo(da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    for (PetscInt a = 0; a < dim; a++) dims[dim - 1 - a] = (hsize_t)M[a];
    PetscCall(PdennH5DatasetCreate(out->file, name, (int)dim, dims, dset));
    PetscCall(PdennH5TransferImage(*dset, -1, v, PETSC_TRUE));
    PetscFunctionReturn(0);
  }
  PetscCall(VecGetSize(v, &N));
  dims[0] = (hsize_t)N;
  PetscCall(PdennH5DatasetCreate(out->file, name, 1, dims, dset));
  PetscCall(PdennH5WriteVec(*dset, -1, v));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRunOutputWriteSignal(PdennRunOutput out, const char name[], Vec v)
{
  hid_t dset;

  PetscFunctionBeginUser;
  PetscCall(WriteVecDataset(out, name, v, &dset));
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRunOutputSnapshot(void *ctx, PetscInt step, PetscReal t, Vec u)
{
  PdennRunOutput out = (PdennRunOutput)ctx;
  char           name[64];
  hid_t          dset;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "snapshots/step_%" PetscInt_FMT, step));
  PetscCall(WriteVecDataset(out, name, u, &dset));
  PetscCall(PdennH5AttrWriteReal(dset, "time", t));
  PetscCall(PdennH5AttrWriteInt(dset, "step", step));
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteAttributes(hid_t file, const PdennRunSummary *s)
{
  const PdennRunInfo *i = &s->info;

  PetscFunctionBeginUser;
  PetscCall(PdennH5AttrWriteString(file, "method", s->method));
  PetscCall(PdennH5AttrWriteString(file, "flux", s->flux));
  PetscCall(PdennH5AttrWriteInt(file, "N", s->N));
  if (s->dim > 1) { /* images and volumes: the grid (1D files keep exactly their attributes) */
    PetscCall(PdennH5AttrWriteInt(file, "dim", s->dim));
    PetscCall(PdennH5AttrWriteInt(file, "W", s->M[0]));
    PetscCall(PdennH5AttrWriteInt(file, "H", s->M[1]));
    if (s->dim == 3) PetscCall(PdennH5AttrWriteInt(file, "D", s->M[2]));
  }
  PetscCall(PdennH5AttrWriteInt(file, "order", s->order));
  PetscCall(PdennH5AttrWriteReal(file, "h", s->h));
  PetscCall(PdennH5AttrWriteReal(file, "lambda", s->lambda));
  PetscCall(PdennH5AttrWriteInt(file, "steps", i->steps));
  PetscCall(PdennH5AttrWriteInt(file, "cycles", i->cycles));
  PetscCall(PdennH5AttrWriteReal(file, "t_stop", i->t_stop));
  PetscCall(PdennH5AttrWriteReal(file, "tau", i->tau));
  PetscCall(PdennH5AttrWriteReal(file, "wall", i->wall));
  PetscCall(PdennH5AttrWriteInt(file, "linear_its", i->linear_its));
  PetscCall(PdennH5AttrWriteInt(file, "nonlinear_its", i->nonlinear_its));
  PetscCall(PdennH5AttrWriteInt(file, "unstable_tau", i->unstable_tau ? 1 : 0));
  PetscCall(PdennH5AttrWriteReal(file, "norm_initial", s->norm_initial));
  PetscCall(PdennH5AttrWriteReal(file, "norm_final", s->norm_final));
  if (s->has_reference) {
    PetscCall(PdennH5AttrWriteReal(file, "error_rms", s->error_rms));
    PetscCall(PdennH5AttrWriteReal(file, "error_max", s->error_max));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRunOutputWriteRun(PdennRunOutput out, const PdennSolver solver, const PdennRunSummary *s)
{
  const PdennRunInfo *i = &solver->info;

  PetscFunctionBeginUser;
  PetscCheck(out->file >= 0, out->comm, PETSC_ERR_ORDER, "run output %s is closed", out->path);
  PetscCall(PdennH5WriteArray(out->comm, out->file, "norm_history", i->n_hist, i->norm_hist));
  PetscCall(PdennH5WriteArray(out->comm, out->file, "time_history", i->n_hist, i->time_hist));
  PetscCall(WriteAttributes(out->file, s));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRunOutputCommit(PdennRunOutput out, const PdennRunSummary *s, const char title[])
{
  PetscViewer viewer;
  char        tmp[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PdennH5CommitTmp(out->comm, out->path, &out->file));
  out->committed = PETSC_TRUE;
  PetscCall(PdennTmpPath(out->summary, tmp, sizeof(tmp)));
  PetscCall(PetscViewerASCIIOpen(out->comm, tmp, &viewer));
  PetscCall(PdennRunSummaryView(s, title, viewer));
  PetscCall(PetscViewerDestroy(&viewer));
  PetscCall(PdennTmpCommit(out->comm, out->summary));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennRunOutputDestroy(PdennRunOutput *out)
{
  PetscFunctionBeginUser;
  if (!*out) PetscFunctionReturn(0);
  if (!(*out)->committed) PetscCall(PdennH5AbandonTmp((*out)->comm, (*out)->path, &(*out)->file));
  PetscCall(PetscFree(*out));
  PetscFunctionReturn(0);
}
