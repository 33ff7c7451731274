/* Deck keys read with type and range checks. Each wrapper reads the raw string through
   PetscOptionsString (so -help shows it, with the type and range in the text) and parses it
   itself, so that a bad value is an error naming the key, the value and what is allowed. */
#include <pdenn/core.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

static PetscErrorCode PdennOptionsRaw(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], const char def[], char raw[], size_t len, PetscBool *set)
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(raw, def, len));
  PetscCall(PetscOptionsString(key, text, NULL, def, raw, len, set));
  PetscFunctionReturn(0);
}

static PetscErrorCode PdennKeyName(PetscOptionItems *PetscOptionsObject, const char key[], char full[], size_t len)
{
  PetscFunctionBeginUser;
  if (PetscOptionsObject->prefix) PetscCall(PetscSNPrintf(full, len, "-%s%s", PetscOptionsObject->prefix, key + 1));
  else PetscCall(PetscStrncpy(full, key, len));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsReal_Private(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], PetscReal def, PetscReal lo, PetscReal hi, PetscReal *value, PetscBool *set)
{
  char      raw[256], defs[64], help[512], full[256], *end;
  PetscBool isset;
  double    v;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(defs, sizeof(defs), "%g", (double)def));
  PetscCall(PetscSNPrintf(help, sizeof(help), "%s (real in [%g, %g])", text, (double)lo, (double)hi));
  PetscCall(PdennOptionsRaw(PetscOptionsObject, key, help, defs, raw, sizeof(raw), &isset));
  PetscCall(PdennKeyName(PetscOptionsObject, key, full, sizeof(full)));
  *value = def;
  if (isset) {
    errno = 0;
    v     = strtod(raw, &end);
    PetscCheck(end != raw && *end == '\0' && errno != ERANGE && isfinite(v), PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: value '%s' is not a finite real number; expected a real in [%g, %g]", full, raw, (double)lo, (double)hi);
    PetscCheck(v >= lo && v <= hi, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: value %s is out of range; expected a real in [%g, %g]", full, raw, (double)lo, (double)hi);
    *value = (PetscReal)v;
  }
  if (set) *set = isset;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsInt_Private(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], PetscInt def, PetscInt lo, PetscInt hi, PetscInt *value, PetscBool *set)
{
  char      raw[256], defs[64], help[512], full[256], *end;
  PetscBool isset;
  long long v;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(defs, sizeof(defs), "%" PetscInt_FMT, def));
  PetscCall(PetscSNPrintf(help, sizeof(help), "%s (integer in [%" PetscInt_FMT ", %" PetscInt_FMT "])", text, lo, hi));
  PetscCall(PdennOptionsRaw(PetscOptionsObject, key, help, defs, raw, sizeof(raw), &isset));
  PetscCall(PdennKeyName(PetscOptionsObject, key, full, sizeof(full)));
  *value = def;
  if (isset) {
    errno = 0;
    v     = strtoll(raw, &end, 10);
    PetscCheck(end != raw && *end == '\0' && errno != ERANGE, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: value '%s' is not an integer; expected an integer in [%" PetscInt_FMT ", %" PetscInt_FMT "]", full, raw, lo, hi);
    PetscCheck(v >= lo && v <= hi, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: value %s is out of range; expected an integer in [%" PetscInt_FMT ", %" PetscInt_FMT "]", full, raw, lo, hi);
    *value = (PetscInt)v;
  }
  if (set) *set = isset;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsBool_Private(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], PetscBool def, PetscBool *value, PetscBool *set)
{
  static const char *const truth[] = {"0", "false", "no", "off", "1", "true", "yes", "on"};
  char      raw[256], help[512], full[256];
  PetscBool isset, match;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(help, sizeof(help), "%s (boolean: true/false, 1/0, yes/no, on/off; a bare key means true)", text));
  PetscCall(PdennOptionsRaw(PetscOptionsObject, key, help, def ? "true" : "false", raw, sizeof(raw), &isset));
  PetscCall(PdennKeyName(PetscOptionsObject, key, full, sizeof(full)));
  *value = def;
  if (isset) {
    if (!raw[0]) *value = PETSC_TRUE; /* "-key" alone */
    else {
      PetscInt i;
      for (i = 0; i < 8; i++) {
        PetscCall(PetscStrcasecmp(raw, truth[i], &match));
        if (match) break;
      }
      PetscCheck(i < 8, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: value '%s' is not a boolean; expected true/false, 1/0, yes/no or on/off", full, raw);
      *value = (PetscBool)(i >= 4);
    }
  }
  if (set) *set = isset;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsChoice_Private(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], const char *const list[], PetscInt n, PetscInt def, PetscInt *value, PetscBool *set)
{
  char      raw[256], help[1024], choices[768] = "", full[256];
  PetscBool isset, match = PETSC_FALSE;
  PetscInt  i;

  PetscFunctionBeginUser;
  for (i = 0; i < n; i++) {
    PetscCall(PetscStrlcat(choices, list[i], sizeof(choices)));
    if (i < n - 1) PetscCall(PetscStrlcat(choices, ", ", sizeof(choices)));
  }
  PetscCall(PetscSNPrintf(help, sizeof(help), "%s (one of: %s)", text, choices));
  PetscCall(PdennOptionsRaw(PetscOptionsObject, key, help, list[def], raw, sizeof(raw), &isset));
  PetscCall(PdennKeyName(PetscOptionsObject, key, full, sizeof(full)));
  *value = def;
  if (isset) {
    for (i = 0; i < n && !match; i++) PetscCall(PetscStrcasecmp(raw, list[i], &match));
    PetscCheck(match, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: value '%s' is not allowed; expected one of: %s", full, raw, choices);
    *value = i - 1;
  }
  if (set) *set = isset;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennOptionsString_Private(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], const char def[], char value[], size_t len, PetscBool *set)
{
  char      full[256];
  PetscBool isset;

  PetscFunctionBeginUser;
  PetscCall(PdennOptionsRaw(PetscOptionsObject, key, text, def, value, len, &isset));
  PetscCall(PdennKeyName(PetscOptionsObject, key, full, sizeof(full)));
  PetscCheck(!isset || value[0], PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: empty value; expected %s", full, text);
  if (set) *set = isset;
  PetscFunctionReturn(0);
}
