/* Corrupt inputs (docs/reliability.md): a signal set and a checkpoint, truncated at many lengths,
   with single bits flipped at random positions, and in wrong layouts, read the way pdenn_train
   and pdenn_solve read them. Each read must be refused with a one-line user error naming the
   file, or succeed with bitwise the contents written (pdenn's files carry a checksum of their
   bytes, docs/hdf5_layout.md). No crash, hang or internal error. A file given without the
   checksum (-set_file made by h5py) is read unchecked: HDF5's crashes and changed values in it
   are counted, not failed. */
#include <pdenn/pdenn.h>
#include "relcheck.h"
#include "reldeck.h"
#include "relfiles.h"
#include <errno.h>
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  PetscInt  trials, seed, case_timeout, verbose, only_trial, files;
  char      dir[PETSC_MAX_PATH_LEN], given_checkpoint[PETSC_MAX_PATH_LEN], given_set[PETSC_MAX_PATH_LEN];
  PetscBool skip_overflow, given, given_s; /* the campaign damages -checkpoint_file, -set_file */ /* skip the crafted shape overflow (a known crash, see the report) */
} Settings;

typedef struct {
  PdennSignalParams p;
  PetscInt          n;             /* samples x N values in each array */
  PetscReal        *clean, *noisy; /* rank 0 holds all (read through a sequential Vec) */
  PetscReal         single[64];    /* row 1 of noisy through PdennH5ReadSignal (pdenn_solve -input) */
} SetContents;

typedef struct {
  const char *kind;
  PetscBool   sealed; /* the original carries pdenn's checksummed user block */
  int         refused, accepted_same, accepted_changed, changed_in_data, hdf5_crashes, internal_errors, failures;
} Tally;

/* ---- reading as the apps do ------------------------------------------------------------------ */

static PetscErrorCode SetRows(PdennSignalSet set, const char name[], PetscInt samples, Vec v, PetscReal *out)
{
  const PetscReal *a;
  PetscInt         n;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(v, &n));
  for (PetscInt s = 0; s < samples; s++) {
    PetscCall(PdennSignalSetRead(set, name, s, v));
    PetscCall(VecGetArrayRead(v, &a));
    PetscCall(PetscArraycpy(out + s * n, a, n));
    PetscCall(VecRestoreArrayRead(v, &a));
  }
  PetscFunctionReturn(0);
}

/* the set's parameters, then (if its shape is the expected one) every row of both datasets */
static PetscErrorCode SetReadSteps(MPI_Comm comm, const char path[], const SetContents *ref, PdennSignalSet *set, Vec *v, SetContents *c)
{
  const PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalSetOpen(comm, "-train_data", path, set));
  PetscCall(PdennSignalSetGetParams(*set, &c->p));
  if (c->p.N != ref->p.N || c->p.samples != ref->p.samples) PetscFunctionReturn(0); /* changed: not read */
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, c->p.N, v));
  PetscCall(SetRows(*set, "clean", c->p.samples, *v, c->clean));
  PetscCall(SetRows(*set, "noisy", c->p.samples, *v, c->noisy));
  PetscCall(PdennH5ReadSignal(comm, "-input", path, "noisy", 1, *v));
  PetscCall(VecGetArrayRead(*v, &a));
  PetscCall(PetscArraycpy(c->single, a, c->p.N));
  PetscCall(VecRestoreArrayRead(*v, &a));
  PetscFunctionReturn(0);
}

/* Not PetscCall: the set is closed whatever happened, then the first error returned. */
static PetscErrorCode SetRead(MPI_Comm comm, const char path[], const SetContents *ref, SetContents *c)
{
  PdennSignalSet set  = NULL;
  Vec            v    = NULL;
  PetscErrorCode ierr = SetReadSteps(comm, path, ref, &set, &v, c);

  if (VecDestroy(&v) || PdennSignalSetClose(&set)) return ierr ? ierr : PETSC_ERR_PLIB;
  return ierr;
}

static PetscBool SetSame(const SetContents *a, const SetContents *b)
{
  if (memcmp(&a->p, &b->p, sizeof(a->p))) return PETSC_FALSE;
  return (PetscBool)(!memcmp(a->clean, b->clean, sizeof(PetscReal) * (size_t)a->n) && !memcmp(a->noisy, b->noisy, sizeof(PetscReal) * (size_t)a->n) && !memcmp(a->single, b->single, sizeof(PetscReal) * (size_t)a->p.N));
}

static PetscBool ArraySame(const void *a, const void *b, size_t bytes)
{
  return (PetscBool)((!a && !b) || (a && b && !memcmp(a, b, bytes)));
}

/* every value a resume uses, compared bitwise (NaN losses included) */
static PetscBool CheckpointSame(const PdennCheckpoint *a, const PdennCheckpoint *b)
{
  const size_t np = sizeof(PetscReal) * (size_t)a->nparams;

  if (strcmp(a->model_type, b->model_type) || strcmp(a->optimizer, b->optimizer) || strcmp(a->deck, b->deck)) return PETSC_FALSE;
  if (a->N != b->N || a->nparams != b->nparams || a->ngroups != b->ngroups || a->opt_steps != b->opt_steps || a->epoch != b->epoch || a->step != b->step || a->batch != b->batch) return PETSC_FALSE;
  if (a->seed != b->seed || a->nsamples != b->nsamples || a->space_ranks != b->space_ranks || a->nranks != b->nranks) return PETSC_FALSE;
  for (PetscInt g = 0; g < a->ngroups; g++) {
    const PdennCheckpointGroup *x = &a->groups[g], *y = &b->groups[g];
    if (strcmp(x->name, y->name) || x->offset != y->offset || x->ndim != y->ndim || memcmp(x->shape, y->shape, sizeof(PetscInt) * (size_t)x->ndim)) return PETSC_FALSE;
  }
  return (PetscBool)(ArraySame(a->theta, b->theta, np) && ArraySame(a->opt_m, b->opt_m, np) && ArraySame(a->opt_v, b->opt_v, np) && ArraySame(a->perm, b->perm, sizeof(PetscInt) * (size_t)a->nsamples) && ArraySame(a->step_loss, b->step_loss, sizeof(PetscReal) * (size_t)a->step) && ArraySame(a->train_loss, b->train_loss, sizeof(PetscReal) * (size_t)a->epoch) && ArraySame(a->val_loss, b->val_loss, sizeof(PetscReal) * (size_t)a->epoch));
}

/* ---- one trial ---------------------------------------------------------------------------------- */

typedef struct {
  PetscErrorCode code;
  char           msg[4096];
  PetscBool      same;
  long           h5_diff;
  RelChildStatus status;
  int            signal;
  char           where[256]; /* of a crash */
} Outcome;

static PetscErrorCode ReadAny(MPI_Comm comm, PetscBool is_set, const char path[], const void *ref, PetscBool *same)
{
  PetscErrorCode ierr;

  if (is_set) {
    const SetContents *r = (const SetContents *)ref;
    SetContents        c;
    PetscCall(PetscMemzero(&c, sizeof(c)));
    c.n = r->n;
    PetscCall(PetscMalloc2(r->n, &c.clean, r->n, &c.noisy));
    ierr  = SetRead(comm, path, r, &c);
    *same = (PetscBool)(!ierr && SetSame(&c, r));
    PetscCall(PetscFree2(c.clean, c.noisy));
  } else {
    PdennCheckpoint ck;
    ierr  = PdennCheckpointRead(comm, "-checkpoint", path, &ck);
    *same = (PetscBool)(!ierr && CheckpointSame(&ck, (const PdennCheckpoint *)ref));
    if (!ierr) PetscCall(PdennCheckpointFree(&ck));
  }
  return ierr;
}

typedef struct {
  MPI_Comm    comm;
  PetscBool   is_set;
  const char *path;
  const void *ref;
} ReadJob;

/* in the child: the read, its error captured, HDF5 objects counted */
static void ReadChild(void *ctx, void *result)
{
  const ReadJob *job = (const ReadJob *)ctx;
  Outcome       *o   = (Outcome *)result;
  RelCapture     cap;
  long           open0 = (long)H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL);

  if (RelCaptureBegin(&cap)) return;
  o->code = ReadAny(job->comm, job->is_set, job->path, job->ref, &o->same);
  if (RelCaptureEnd()) return;
  if (o->code && cap.nerrors) o->code = cap.code;
  o->h5_diff = (long)H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL) - open0;
  snprintf(o->msg, sizeof(o->msg), "%s", cap.msg);
  if (o->h5_diff > 0) { /* which kinds, for the report */
    hid_t  ids[8];
    size_t n = (size_t)H5Fget_obj_ids((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL, 8, ids), len = strlen(o->msg);
    for (size_t i = 0; i < n; i++) {
      char name[128] = "";
      H5Iget_name(ids[i], name, sizeof(name));
      len += (size_t)snprintf(o->msg + len, sizeof(o->msg) - len, " [open: type %d '%s']", (int)H5Iget_type(ids[i]), name);
    }
  }
}

/* The read runs in a child process, so that a crash inside HDF5 on a damaged file is counted
   instead of ending the campaign (reads are serial: one rank; see main). */
static PetscErrorCode TryRead(MPI_Comm comm, const Settings *s, PetscBool is_set, const char path[], const void *ref, Outcome *o)
{
  ReadJob job = {comm, is_set, path, ref};

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  PetscCall(RelRunIsolated(ReadChild, &job, o, sizeof(*o), (unsigned)s->case_timeout, &o->status, &o->signal, o->where));
  PetscFunctionReturn(0);
}

/* NULL if the outcome is acceptable, else why not; counts it. A file pdenn wrote carries its
   checksum (docs/hdf5_layout.md): HDF5 never parses a damaged one, and any changed value is a
   failure. A file without one (h5py's, older pdenn's: -set_file, -checkpoint_file) is read
   unchecked: HDF5 1.10's crashes on its damaged headers and changed values are counted. A
   crafted layout is a valid, resealed file: a set of another shape may be read. */
static const char *Judge(const Outcome *o, PetscBool is_set, PetscBool sealed, PetscBool crafted, const char name[], PetscBool in_data, Tally *t)
{
  if (o->status == REL_CHILD_HANG) return "no result within the time limit (a hang)";
  if (o->status == REL_CHILD_LOST) return "the reader exited without a result";
  if (o->status == REL_CHILD_CRASH) {
    if (!strstr(o->where, "libhdf5")) return "a crash (signal or sanitizer report) outside HDF5";
    t->hdf5_crashes++;
    return sealed ? "a crash inside HDF5 on a checksummed file" : NULL;
  }
  if (o->code && !RelIsInputError(o->code)) {
    t->internal_errors++;
    return "an internal error (traceback), not a one-line user error";
  }
  if (o->h5_diff) return "HDF5 objects left open";
  if (o->code) {
    if (!strstr(o->msg, name)) return "refused without naming the file";
    if (strchr(o->msg, '\n')) return "refused with a message of several lines";
    t->refused++;
    return NULL;
  }
  if (o->same) {
    t->accepted_same++;
    return NULL;
  }
  t->accepted_changed++;
  t->changed_in_data += in_data;
  if (sealed && !crafted) return "a damaged checksummed file was accepted with different contents";
  return is_set ? NULL : "a damaged checkpoint was accepted with different contents"; /* its own checksum covers every value */
}

/* reads the damaged file at path and judges the outcome */
static PetscErrorCode Examine(MPI_Comm comm, const Settings *s, PetscBool is_set, const char path[], const void *ref, const char what[], PetscBool in_data, PetscBool crafted, Tally *t)
{
  Outcome     o;
  const char *why;

  PetscFunctionBeginUser;
  if (s->verbose > 1) PetscCall(PetscPrintf(comm, "reading %s, %s\n", t->kind, what)); /* before a crash */
  PetscCall(TryRead(comm, s, is_set, path, ref, &o));
  why = Judge(&o, is_set, t->sealed, crafted, strrchr(path, '/') + 1, in_data, t);
  if (o.status == REL_CHILD_CRASH) PetscCall(PetscSNPrintf(o.msg, sizeof(o.msg), "signal %d in %s", o.signal, o.where));
  if (why || s->verbose || o.status == REL_CHILD_CRASH || (o.code && !RelIsInputError(o.code))) PetscCall(PetscPrintf(comm, "%s %s, %s: %s; %s %d: %s\n", why ? "FAIL:" : "trial", t->kind, what, why ? why : (o.status == REL_CHILD_CRASH ? "crashed inside HDF5" : o.code && !RelIsInputError(o.code) ? "refused with an internal error"
                                                                                                                                                                                                                                                                 : o.code                               ? "refused"
                                                                                                                                                                                                                                                                 : o.same                               ? "read, unchanged"
                                                                                                                                                                                                                                                                                                        : "read, changed"),
                                                                                                                      o.status == REL_CHILD_CRASH ? "crash" : "error", (int)o.code, o.msg));
  t->failures += why != NULL;
  PetscFunctionReturn(0);
}

static PetscErrorCode DamagedPath(const Settings *s, PetscBool is_set, char path[], size_t len)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, len, "%s/damaged_%s.h5", s->dir, is_set ? "set" : "checkpoint"));
  PetscFunctionReturn(0);
}

/* bytes (the damaged file) written by rank 0 and examined */
static PetscErrorCode Trial(MPI_Comm comm, const Settings *s, PetscBool is_set, const unsigned char *bytes, size_t size, const void *ref, const char what[], PetscBool in_data, Tally *t)
{
  char        path[PETSC_MAX_PATH_LEN];
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(DamagedPath(s, is_set, path, sizeof(path)));
  if (!rank) PetscCheck(!RelFileWrite(path, bytes, size), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path);
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(Examine(comm, s, is_set, path, ref, what, in_data, PETSC_FALSE, t));
  PetscFunctionReturn(0);
}

/* ---- the campaign on one file ------------------------------------------------------------------ */

/* the file offsets [lo, hi) of the raw data of datasets clean and noisy (contiguous) */
static void DataRegions(const char path[], haddr_t lo[2], haddr_t hi[2])
{
  const char *names[2] = {"clean", "noisy"};
  hid_t       file     = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);

  for (int i = 0; i < 2; i++) {
    hid_t d = H5Dopen2(file, names[i], H5P_DEFAULT);
    lo[i]   = H5Dget_offset(d);
    hi[i]   = lo[i] + H5Dget_storage_size(d);
    H5Dclose(d);
  }
  H5Fclose(file);
}

static PetscErrorCode Truncations(MPI_Comm comm, const Settings *s, PetscBool is_set, const unsigned char *bytes, size_t size, const void *ref, Tally *t, int *count)
{
  size_t lengths[64];
  int    n = 0;
  char   what[64];

  PetscFunctionBeginUser;
  for (size_t l = 0; l < 2048 && l < size; l = l ? 2 * l : 1) lengths[n++] = l; /* 0, 1, 2, 4, ..., 1024 */
  for (int k = 1; k < 32; k++) lengths[n++] = size * (size_t)k / 32;
  lengths[n++] = size - 1;
  for (int i = 0; i < n; i++) {
    PetscCall(PetscSNPrintf(what, sizeof(what), "truncated to %zu of %zu bytes", lengths[i], size));
    PetscCall(Trial(comm, s, is_set, bytes, lengths[i], ref, what, PETSC_FALSE, t));
  }
  *count = n;
  PetscFunctionReturn(0);
}

static PetscErrorCode BitFlips(MPI_Comm comm, const Settings *s, PetscBool is_set, const unsigned char *bytes, size_t size, const void *ref, const char original[], Tally *t)
{
  unsigned char *copy  = malloc(size);
  haddr_t        lo[2] = {0, 0}, hi[2] = {0, 0};
  RelRng         rng;
  char           what[96];

  PetscFunctionBeginUser;
  if (is_set) DataRegions(original, lo, hi);
  RelRngSeed(&rng, (uint64_t)s->seed, is_set ? 1 : 2);
  for (PetscInt k = 0; k < s->trials; k++) {
    const size_t    pos     = (size_t)(RelRngNext(&rng) % size);
    const int       bit     = RelRngInt(&rng, 8);
    const PetscBool in_data = (PetscBool)((pos >= lo[0] && pos < hi[0]) || (pos >= lo[1] && pos < hi[1]));
    if (s->only_trial >= 0 && k != s->only_trial) continue;
    memcpy(copy, bytes, size);
    copy[pos] ^= (unsigned char)(1u << bit);
    PetscCall(PetscSNPrintf(what, sizeof(what), "bit %d of byte %zu flipped (%s)", bit, pos, in_data ? "data" : "metadata"));
    PetscCall(Trial(comm, s, is_set, copy, size, ref, what, in_data, t));
  }
  free(copy);
  PetscFunctionReturn(0);
}

/* An edit made with HDF5 keeps the user block but not its checksum: a correct checksum of the
   edited bytes stands for a writer that made a wrong layout, so that pdenn's structural checks,
   not the checksum, are what refuses it. Files the edit replaced (text, empty) are left alone. */
static int Reseal(const char path[])
{
  PdennH5SumStatus sum;

  if (PdennH5UserBlockCheckFile(path, &sum)) return 1;
  return sum == PDENN_H5SUM_BAD_SUM || sum == PDENN_H5SUM_BAD_LENGTH ? PdennH5UserBlockSeal(path) : 0;
}

static PetscErrorCode Layouts(MPI_Comm comm, const Settings *s, PetscBool is_set, const char original[], const void *ref, Tally *t)
{
  const RelCraft *crafts = is_set ? RelSetCrafts : RelCheckpointCrafts;
  const int       n      = is_set ? RelNumSetCrafts : RelNumCheckpointCrafts;
  char            path[PETSC_MAX_PATH_LEN], what[160];
  PetscMPIInt     rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(DamagedPath(s, is_set, path, sizeof(path)));
  for (int c = 0; c < n; c++) {
    if (s->skip_overflow && strstr(crafts[c].what, "overflowing")) continue;
    if (!rank) PetscCheck(!RelFileCopy(original, path) && !crafts[c].craft(path) && !Reseal(path), PETSC_COMM_SELF, PETSC_ERR_LIB, "cannot make the layout '%s'", crafts[c].what);
    PetscCallMPI(MPI_Barrier(comm));
    PetscCall(PetscSNPrintf(what, sizeof(what), "wrong layout: %s", crafts[c].what));
    PetscCall(Examine(comm, s, is_set, path, ref, what, PETSC_FALSE, PETSC_TRUE, t));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Campaign(MPI_Comm comm, const Settings *s, PetscBool is_set, const char original[], const void *ref, Tally *t)
{
  size_t         size;
  unsigned char *bytes = RelFileRead(original, &size);
  int            ntrunc, refused, read, failures;

  PetscFunctionBeginUser;
  PetscCheck(bytes, comm, PETSC_ERR_FILE_READ, "cannot read %s", original);
  t->sealed = (PetscBool)(PdennH5UserBlockCheckImage(bytes, size) == PDENN_H5SUM_OK);
  PetscCall(PetscPrintf(comm, "corrupt %s: %s\n", t->kind, t->sealed ? "checksummed (written by pdenn): a crash, an internal error or a changed value fails" : "no checksum (not written by pdenn, or by an older one): read unchecked, HDF5's crashes and changed values counted"));
  PetscCall(Truncations(comm, s, is_set, bytes, size, ref, t, &ntrunc));
  PetscCall(PetscPrintf(comm, "corrupt %s (%zu bytes): %d truncations: %d refused, %d failures\n", t->kind, size, ntrunc, t->refused, t->failures));
  refused  = t->refused;
  failures = t->failures;
  PetscCall(BitFlips(comm, s, is_set, bytes, size, ref, original, t));
  PetscCall(PetscPrintf(comm, "corrupt %s: %" PetscInt_FMT " single-bit flips (seed %" PetscInt_FMT "): %d refused with a one-line error naming the file, %d read unchanged (the bit is not used), %d read with changed values (%d in the raw data, %d in metadata), %d refused with an internal error (traceback), %d crashed inside HDF5, %d failures\n", t->kind, s->trials, s->seed, t->refused - refused, t->accepted_same, t->accepted_changed, t->changed_in_data, t->accepted_changed - t->changed_in_data, t->internal_errors, t->hdf5_crashes, t->failures - failures));
  refused  = t->refused;
  read     = t->accepted_same + t->accepted_changed;
  failures = t->failures;
  PetscCall(Layouts(comm, s, is_set, original, ref, t));
  PetscCall(PetscPrintf(comm, "corrupt %s: wrong layouts: %d refused with a one-line error naming the file, %d read, %d failures\n", t->kind, t->refused - refused, t->accepted_same + t->accepted_changed - read, t->failures - failures));
  free(bytes);
  PetscFunctionReturn(0);
}

/* ---- the originals ------------------------------------------------------------------------------ */

/* a checkpoint as pdenn_train writes it for a 2-block sym_resnet (14 parameters), Adam, epoch 2 */
static PetscErrorCode MakeCheckpoint(MPI_Comm comm, const char path[])
{
  PdennCheckpointGroup groups[4] = {{"block0/W", 0, 3, {2, 1, 3}}, {"block0/tau", 6, 1, {1}}, {"block1/W", 7, 3, {2, 1, 3}}, {"block1/tau", 13, 1, {1}}};
  PetscReal            theta[14], m[14], v[14], step_loss[8], train_loss[2], val_loss[2];
  PetscInt             perm[16];
  char                 deck[] = "-train_data set.h5 -blocks 2 -channels 2 -train_batch_size 4";
  PdennCheckpoint      ck     = {"sym_resnet", 32, 14, 4, groups, theta, "adam", 8, m, v, 2, 8, 0, 3, 16, perm, step_loss, train_loss, val_loss, 1, 1, deck, 1, {32, 1, 1}};

  PetscFunctionBeginUser;
  for (int i = 0; i < 14; i++) {
    theta[i] = 0.1 * (i + 1) - 0.7;
    m[i]     = 1e-3 * i;
    v[i]     = 1e-6 * (i + 1);
  }
  for (int i = 0; i < 16; i++) perm[i] = (5 * i + 3) % 16;
  for (int i = 0; i < 8; i++) step_loss[i] = 1.0 / (i + 1);
  train_loss[0] = 0.5;
  train_loss[1] = 0.25;
  val_loss[0]   = 0.6;
  val_loss[1]   = 0.3;
  PetscCall(PdennCheckpointWrite(comm, "-checkpoint", path, &ck));
  PetscFunctionReturn(0);
}

static PetscErrorCode MakeOriginals(MPI_Comm comm, const Settings *s, char set[], char ckpt[], size_t len)
{
  PdennSignalParams p;

  PetscFunctionBeginUser;
  if (mkdir(s->dir, 0755) && errno != EEXIST) SETERRQ(comm, PETSC_ERR_FILE_WRITE, "cannot create %s", s->dir);
  PetscCall(PetscSNPrintf(set, len, "%s/original_set.h5", s->dir));
  PetscCall(PetscSNPrintf(ckpt, len, "%s/original_checkpoint.h5", s->dir));
  PetscCall(PdennSignalParamsDefault(&p));
  p.N       = 32; /* the sizes the wrong layouts of relfiles.c assume */
  p.samples = 6;
  if (s->given_s)
    PetscCall(PetscStrncpy(set, s->given_set, len)); /* of the same shape */
  else
    PetscCall(PdennSignalSetWrite(comm, "-output", set, &p, PETSC_TRUE));
  if (s->given)
    PetscCall(PetscStrncpy(ckpt, s->given_checkpoint, len));
  else
    PetscCall(MakeCheckpoint(comm, ckpt));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadSettings(Settings *s)
{
  PetscFunctionBeginUser;
  s->trials       = 300;
  s->seed         = 1;
  s->case_timeout = 30;
  s->only_trial   = -1;
  s->files        = 3;
  PetscCall(PetscStrncpy(s->dir, "rel_corrupt", sizeof(s->dir)));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Corrupt inputs", NULL);
  PetscCall(PetscOptionsInt("-trials", "bit flips per file", NULL, s->trials, &s->trials, NULL));
  PetscCall(PetscOptionsInt("-seed", "campaign seed", NULL, s->seed, &s->seed, NULL));
  PetscCall(PetscOptionsInt("-case_timeout", "seconds a read may take", NULL, s->case_timeout, &s->case_timeout, NULL));
  PetscCall(PetscOptionsInt("-verbose", "1: print every trial", NULL, s->verbose, &s->verbose, NULL));
  PetscCall(PetscOptionsInt("-only_trial", "run only this bit-flip trial (to reproduce one)", NULL, s->only_trial, &s->only_trial, NULL));
  PetscCall(PetscOptionsInt("-files", "1: signal sets, 2: checkpoints, 3: both", NULL, s->files, &s->files, NULL));
  PetscCall(PetscOptionsBool("-skip_overflow", "skip the crafted 32-bit shape overflow", NULL, s->skip_overflow, &s->skip_overflow, NULL));
  PetscCall(PetscOptionsString("-dir", "work directory", NULL, s->dir, s->dir, sizeof(s->dir), NULL));
  PetscCall(PetscOptionsString("-checkpoint_file", "damage this checkpoint (e.g. one of pdenn_train's) instead of the campaign's own", NULL, s->given_checkpoint, s->given_checkpoint, sizeof(s->given_checkpoint), &s->given));
  PetscCall(PetscOptionsString("-set_file", "damage this signal set (6 x 32) instead of the campaign's own", NULL, s->given_set, s->given_set, sizeof(s->given_set), &s->given_s));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* both campaigns; the references are the originals read back by the same readers */
static PetscErrorCode Run(MPI_Comm comm, const Settings *s, int *failures)
{
  char            set[PETSC_MAX_PATH_LEN], ckpt[PETSC_MAX_PATH_LEN];
  SetContents     ref_set;
  PdennCheckpoint ref_ck;
  Tally           ts, tc;
  PetscBool       same;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&ts, sizeof(ts)));
  PetscCall(PetscMemzero(&tc, sizeof(tc)));
  ts.kind = "signal set";
  tc.kind = "checkpoint";
  PetscCall(MakeOriginals(comm, s, set, ckpt, sizeof(set)));
  PetscCall(PetscMemzero(&ref_set, sizeof(ref_set)));
  ref_set.p.N = 32, ref_set.p.samples = 6, ref_set.n = 32 * 6;
  PetscCall(PetscMalloc2(ref_set.n, &ref_set.clean, ref_set.n, &ref_set.noisy));
  PetscCall(SetRead(comm, set, &ref_set, &ref_set));
  PetscCall(PdennCheckpointRead(comm, "-checkpoint", ckpt, &ref_ck));
  PetscCall(ReadAny(comm, PETSC_FALSE, ckpt, &ref_ck, &same));
  PetscCheck(same, comm, PETSC_ERR_PLIB, "the checkpoint read twice differs");
  if (s->files & 1) PetscCall(Campaign(comm, s, PETSC_TRUE, set, &ref_set, &ts));
  if (s->files & 2) PetscCall(Campaign(comm, s, PETSC_FALSE, ckpt, &ref_ck, &tc));
  PetscCall(PdennCheckpointFree(&ref_ck));
  PetscCall(PetscFree2(ref_set.clean, ref_set.noisy));
  *failures = ts.failures + tc.failures;
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Settings s;
  int      failures = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Corrupt signal sets and checkpoints\n"));
  PetscCall(PetscMemzero(&s, sizeof(s)));
  PetscCall(ReadSettings(&s));
  PetscCall(Run(PETSC_COMM_WORLD, &s, &failures));
  if (failures)
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "corrupt: FAILED (%d failures)\n", failures));
  else
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "corrupt: every damaged file was refused with a one-line error naming it, or read as written (a file without checksum: or with changed values or an HDF5 crash, counted above)\n"));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
