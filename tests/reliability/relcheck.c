/* What a reliability case must leave behind (relcheck.h): captured errors, resource counts and
   the per-case deadline. */
#define _GNU_SOURCE /* dladdr */
#include "relcheck.h"
#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <hdf5.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static PetscErrorCode CaptureHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  RelCapture *cap = (RelCapture *)ctx;

  (void)comm, (void)line, (void)file;
  if (p == PETSC_ERROR_INITIAL) {
    if (!cap->nerrors) {
      cap->code = n;
      snprintf(cap->msg, sizeof(cap->msg), "%s", mess ? mess : "");
      snprintf(cap->fun, sizeof(cap->fun), "%s", fun ? fun : "");
    }
    cap->nerrors++;
  }
  return n;
}

PetscErrorCode RelCaptureBegin(RelCapture *cap)
{
  PetscFunctionBeginUser;
  cap->code    = 0;
  cap->msg[0]  = '\0';
  cap->fun[0]  = '\0';
  cap->nerrors = 0;
  PetscCall(PetscPushErrorHandler(CaptureHandler, cap));
  PetscFunctionReturn(0);
}

PetscErrorCode RelCaptureEnd(void)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}

PetscBool RelIsInputError(PetscErrorCode n)
{
  return (PetscBool)(n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_ARG_UNKNOWN_TYPE);
}

PetscBool RelMessageIsClear(const char *msg)
{
  if (strlen(msg) < 10 || strchr(msg, '\n')) return PETSC_FALSE;
  /* PETSc's own words for its pass-through keys (-ksp_type, -pc_type, ...) name the type */
  return (PetscBool)(strstr(msg, "key -") || strstr(msg, "Unable to find requested") || strstr(msg, "unknown key") || strstr(msg, "file") || strstr(msg, "deck") || strstr(msg, " -") || strstr(msg, "'"));
}

static int CountFds(void)
{
  DIR           *d = opendir("/proc/self/fd");
  struct dirent *e;
  int            n = 0;

  if (!d) return -1;
  while ((e = readdir(d))) n += e->d_name[0] != '.';
  closedir(d);
  return n - 1; /* the directory stream's own */
}

PetscErrorCode RelResourcesGet(RelResources *r)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMallocGetCurrentUsage(&r->mem));
  r->h5_open = (long)H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL);
  r->fds     = CountFds();
  PetscFunctionReturn(0);
}

static char deadline_what[256];

static void DeadlineHandler(int sig)
{
  static const char head[] = "reliability: FAIL: no result within the time limit (a hang): ";
  (void)sig;
  (void)!write(2, head, sizeof(head) - 1);
  (void)!write(2, deadline_what, strlen(deadline_what));
  (void)!write(2, "\n", 1);
  _exit(3);
}

void RelDeadlineSet(unsigned seconds, const char *what)
{
  struct sigaction action;

  snprintf(deadline_what, sizeof(deadline_what), "%s", what);
  memset(&action, 0, sizeof(action));
  action.sa_handler = DeadlineHandler;
  sigemptyset(&action.sa_mask);
  sigaction(SIGALRM, &action, NULL);
  alarm(seconds);
}

void RelDeadlineClear(void)
{
  alarm(0);
}

PetscErrorCode RelLogStagesReset(void)
{
#if defined(PETSC_USE_LOG)
  PetscStageLog log;
  int           stage;

  PetscFunctionBeginUser;
  PetscCall(PetscLogGetStageLog(&log));
  PetscCall(PetscStageLogGetCurrent(log, &stage));
  while (stage > 0) {
    PetscCall(PetscLogStagePop());
    PetscCall(PetscStageLogGetCurrent(log, &stage));
  }
  PetscFunctionReturn(0);
#else
  return 0;
#endif
}

/* ---- isolation ------------------------------------------------------------------------------ */

static int child_fd = -1;

static int IsRuntime(const char *lib)
{
  static const char *const runtimes[] = {"libc.so", "libasan", "libubsan", "libpthread", "libgcc_s", "linux-vdso", "libstdc++"};
  for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
    if (strstr(lib, runtimes[i])) return 1;
  return 0;
}

/* The culprit: the first frame outside the runtimes below the first runtime frame (the signal
   trampoline, or the sanitizer's report): "library function". */
static void CrashSite(char where[256])
{
  void *frames[64];
  int   n = backtrace(frames, 64), in_runtime = 0;

  snprintf(where, 256, "unknown");
  for (int i = 1; i < n; i++) {
    Dl_info     info;
    const char *base;
    if (!dladdr(frames[i], &info) || !info.dli_fname) continue;
    if (IsRuntime(info.dli_fname)) {
      in_runtime = 1;
      continue;
    }
    if (!in_runtime) continue; /* the reporting functions of this file */
    base = strrchr(info.dli_fname, '/');
    snprintf(where, 256, "%s %s", base ? base + 1 : info.dli_fname, info.dli_sname ? info.dli_sname : "?");
    return;
  }
}

static void ReportCrash(int sig)
{
  char msg[1 + sizeof(int) + 256] = {'C'};

  memcpy(msg + 1, &sig, sizeof(int));
  CrashSite(msg + 1 + sizeof(int));
  (void)!write(child_fd, msg, sizeof(msg));
  _exit(2);
}

#if defined(__SANITIZE_ADDRESS__)
static void SanitizerDeath(void)
{
  ReportCrash(0);
}
#endif

static void ChildMain(RelChildFn fn, void *ctx, void *result, size_t size)
{
  const int        signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
  struct sigaction action;

  memset(&action, 0, sizeof(action));
  action.sa_handler = ReportCrash;
  for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) sigaction(signals[i], &action, NULL);
#if defined(__SANITIZE_ADDRESS__)
  __asan_set_death_callback(SanitizerDeath);
#endif
  alarm(0);
  fn(ctx, result);
  (void)!write(child_fd, "R", 1);
  (void)!write(child_fd, result, size);
  _exit(0);
}

/* reads what the child sent, waiting at most `seconds` for it to end */
static RelChildStatus Collect(pid_t pid, int fd, void *result, size_t size, unsigned seconds, int *signal, char where[256])
{
  char            buf[1 + sizeof(int) + 256];
  struct timespec nap    = {0, 1000000};
  double          waited = 0;
  int             wstatus;
  ssize_t         got;

  while (waitpid(pid, &wstatus, WNOHANG) == 0) {
    if (waited > seconds) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      return REL_CHILD_HANG;
    }
    nanosleep(&nap, NULL);
    waited += 1e-3;
  }
  got = read(fd, buf, 1);
  if (got == 1 && buf[0] == 'R') return read(fd, result, size) == (ssize_t)size ? REL_CHILD_OK : REL_CHILD_LOST;
  if (got == 1 && buf[0] == 'C' && read(fd, buf + 1, sizeof(buf) - 1) == (ssize_t)(sizeof(buf) - 1)) {
    memcpy(signal, buf + 1, sizeof(int));
    memcpy(where, buf + 1 + sizeof(int), 256);
    where[255] = '\0';
    return REL_CHILD_CRASH;
  }
  *signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
  snprintf(where, 256, "exit status %d", WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
  return *signal ? REL_CHILD_CRASH : REL_CHILD_LOST;
}

PetscErrorCode RelRunIsolated(RelChildFn fn, void *ctx, void *result, size_t size, unsigned seconds, RelChildStatus *status, int *signal, char where[256])
{
  int   fds[2];
  pid_t pid;

  PetscFunctionBeginUser;
  *signal  = 0;
  where[0] = '\0';
  PetscCheck(!pipe(fds), PETSC_COMM_SELF, PETSC_ERR_SYS, "pipe failed");
  fflush(stdout);
  fflush(stderr);
  pid = fork();
  PetscCheck(pid >= 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "fork failed");
  if (!pid) {
    close(fds[0]);
    child_fd = fds[1];
    ChildMain(fn, ctx, result, size);
  }
  close(fds[1]);
  *status = Collect(pid, fds[0], result, size, seconds, signal, where);
  close(fds[0]);
  PetscFunctionReturn(0);
}
