/* Options scopes (include/pdenn/compare.h): the keys of one named method of an experiment,
   -<name>_<key>, seen as -<key> by the solver, trainer and model code, which read unprefixed
   keys. A scope is an options database pushed with PetscOptionsPush, so objects made inside it
   (KSP, PC, DMDA, the trainer) read their options there, also later at solve time. */
#include <pdenn/compare.h>

struct _n_PdennOptionsScope {
  char         prefix[128]; /* "sym_" */
  PetscOptions db;
  PetscInt     n, cap;
  char       **global; /* deck keys (no dash) copied into the scope ... */
  char       **local;  /* ... and their names there (prefix stripped) */
  PetscBool    pushed;
};

static PetscErrorCode ScopeRecord(PdennOptionsScope s, const char global[], const char local[])
{
  PetscFunctionBeginUser;
  if (s->n == s->cap) {
    s->cap = PetscMax(16, 2 * s->cap);
    PetscCall(PetscRealloc(sizeof(char *) * s->cap, &s->global));
    PetscCall(PetscRealloc(sizeof(char *) * s->cap, &s->local));
  }
  PetscCall(PetscStrallocpy(global, &s->global[s->n]));
  PetscCall(PetscStrallocpy(local, &s->local[s->n]));
  s->n++;
  PetscFunctionReturn(0);
}

/* Copies every key of the default database into the scope, then the prefixed ones again with
   the prefix stripped, so they override a shared key of the same name. */
static PetscErrorCode ScopeFill(PdennOptionsScope s)
{
  char     *all, **args;
  int       argc;
  size_t    plen;
  PetscBool key, next_key, prefixed;

  PetscFunctionBeginUser;
  PetscCall(PetscStrlen(s->prefix, &plen));
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscStrToArray(all, ' ', &argc, &args));
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < argc; i++) {
      const char *value = NULL;
      PetscCall(PetscOptionsValidKey(args[i], &key));
      if (!key) continue;
      next_key = PETSC_TRUE;
      if (i + 1 < argc) PetscCall(PetscOptionsValidKey(args[i + 1], &next_key));
      if (!next_key) value = args[i + 1];
      prefixed = PETSC_FALSE;
      if (plen) PetscCall(PetscStrncmp(args[i] + 1, s->prefix, plen, &prefixed));
      if (pass == 0) {
        PetscCall(PetscOptionsSetValue(s->db, args[i], value));
        PetscCall(ScopeRecord(s, args[i] + 1, args[i] + 1));
      } else if (prefixed && args[i][1 + plen]) {
        char local[256];
        PetscCall(PetscSNPrintf(local, sizeof(local), "-%s", args[i] + 1 + plen));
        PetscCall(PetscOptionsSetValue(s->db, local, value));
        PetscCall(ScopeRecord(s, args[i] + 1, local + 1));
      }
    }
  }
  PetscCall(PetscStrToArrayDestroy(argc, args));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsScopeCreate(const char prefix[], PdennOptionsScope *scope)
{
  PdennOptionsScope s;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&s));
  PetscCall(PetscStrncpy(s->prefix, prefix ? prefix : "", sizeof(s->prefix)));
  PetscCall(PetscOptionsCreate(&s->db));
  PetscCall(ScopeFill(s));
  *scope = s;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsScopeSetValue(PdennOptionsScope s, const char key[], const char value[])
{
  PetscFunctionBeginUser;
  PetscCheck(key[0] == '-', PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "scope key '%s' must start with '-'", key);
  PetscCall(PetscOptionsSetValue(s->db, key, value));
  PetscCall(ScopeRecord(s, "", key + 1)); /* no deck key behind it */
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsScopeHasKey(PdennOptionsScope s, const char key[], PetscBool *has)
{
  PetscBool match;

  PetscFunctionBeginUser;
  *has = PETSC_FALSE;
  for (PetscInt i = 0; i < s->n && !*has; i++) {
    PetscCall(PetscStrcasecmp(s->local[i], key[0] == '-' ? key + 1 : key, &match));
    *has = match;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsScopePush(PdennOptionsScope s)
{
  PetscFunctionBeginUser;
  PetscCheck(!s->pushed, PETSC_COMM_SELF, PETSC_ERR_ORDER, "options scope '%s' pushed twice", s->prefix);
  PetscCall(PetscOptionsPush(s->db));
  s->pushed = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* Back to the deck's database, marking there every key the scope's users read. */
PetscErrorCode PdennOptionsScopePop(PdennOptionsScope s)
{
  PetscBool used, has;
  char      key[256];

  PetscFunctionBeginUser;
  PetscCheck(s->pushed, PETSC_COMM_SELF, PETSC_ERR_ORDER, "options scope '%s' popped without a push", s->prefix);
  PetscCall(PetscOptionsPop());
  s->pushed = PETSC_FALSE;
  for (PetscInt i = 0; i < s->n; i++) {
    if (!s->global[i][0]) continue;
    PetscCall(PetscOptionsUsed(s->db, s->local[i], &used));
    if (!used) continue;
    PetscCall(PetscSNPrintf(key, sizeof(key), "-%s", s->global[i]));
    PetscCall(PetscOptionsHasName(NULL, NULL, key, &has)); /* a lookup marks it used */
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsScopeDestroy(PdennOptionsScope *scope)
{
  PdennOptionsScope s = *scope;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(0);
  if (s->pushed) PetscCall(PdennOptionsScopePop(s));
  for (PetscInt i = 0; i < s->n; i++) {
    PetscCall(PetscFree(s->global[i]));
    PetscCall(PetscFree(s->local[i]));
  }
  PetscCall(PetscFree(s->global));
  PetscCall(PetscFree(s->local));
  PetscCall(PetscOptionsDestroy(&s->db));
  PetscCall(PetscFree(*scope));
  PetscFunctionReturn(0);
}
