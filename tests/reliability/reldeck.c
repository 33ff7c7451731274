/* Decks as lines, their seeded mutations, and the cost guard (reldeck.h, docs/reliability.md).
   A mutation damages a deck the way users and broken tools do: a key deleted, duplicated or
   misspelled, a value of the wrong type, huge, negative, NaN or empty, binary junk, a line of a
   megabyte. Everything is drawn from SplitMix64, so a case is reproduced by its seed. */
#include "reldeck.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const RelMutationNames[REL_MUT_NTYPES] = {"deleted key", "duplicated key", "misspelled key", "wrong type", "huge value", "negative value", "NaN/Inf value", "empty value", "binary junk", "very long line", "unknown key", "swapped values", "edge value"};

void RelRngSeed(RelRng *rng, uint64_t seed, uint64_t stream)
{
  rng->state = seed * 0x9e3779b97f4a7c15ULL ^ (stream + 0x632be59bd9b4e019ULL);
  (void)RelRngNext(rng);
}

uint64_t RelRngNext(RelRng *rng)
{
  uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int RelRngInt(RelRng *rng, int n)
{
  return n > 0 ? (int)(RelRngNext(rng) % (uint64_t)n) : 0;
}

static char *Dup(const char *s, size_t len)
{
  char *c = malloc(len + 1);
  memcpy(c, s, len);
  c[len] = '\0';
  return c;
}

void RelDeckAppend(RelDeck *deck, const char *line, size_t len)
{
  if (deck->n >= REL_MAX_LINES) return;
  deck->line[deck->n] = Dup(line, len);
  deck->len[deck->n]  = len;
  deck->n++;
}

/* line text with every @NAME@ of subst replaced */
static void AppendSubstituted(RelDeck *deck, const char *line, size_t len, const char *const subst[][2], int nsubst)
{
  char   buf[8192];
  size_t o = 0;

  for (size_t i = 0; i < len && o < sizeof(buf) - 1;) {
    int hit = 0;
    for (int s = 0; s < nsubst && !hit; s++) {
      size_t k = strlen(subst[s][0]);
      if (i + k <= len && !strncmp(line + i, subst[s][0], k)) {
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", subst[s][1]);
        i += k;
        hit = 1;
      }
    }
    if (!hit) buf[o++] = line[i++];
  }
  if (o > sizeof(buf) - 1) o = sizeof(buf) - 1;
  RelDeckAppend(deck, buf, o);
}

void RelDeckFromText(RelDeck *deck, const char *text, const char *const subst[][2], int nsubst)
{
  deck->n = 0;
  while (*text) {
    const char *end = strchr(text, '\n');
    size_t      len = end ? (size_t)(end - text) : strlen(text);
    AppendSubstituted(deck, text, len, subst, nsubst);
    text += len + (end ? 1 : 0);
  }
}

void RelDeckFree(RelDeck *deck)
{
  for (int i = 0; i < deck->n; i++) free(deck->line[i]);
  deck->n = 0;
}

static void SetLine(RelDeck *deck, int i, const char *text, size_t len)
{
  char *c = Dup(text, len);
  free(deck->line[i]);
  deck->line[i] = c;
  deck->len[i]  = len;
}

/* length of the key (first token) of a line */
static size_t KeyLen(const char *line, size_t len)
{
  size_t k = 0;
  while (k < len && !isspace((unsigned char)line[k])) k++;
  return k;
}

/* a random line that starts with '-' (a key line), or -1 */
static int PickKeyLine(const RelDeck *deck, RelRng *rng)
{
  int start = RelRngInt(rng, deck->n > 0 ? deck->n : 1);
  for (int j = 0; j < deck->n; j++) {
    int i = (start + j) % deck->n;
    if (deck->len[i] > 1 && deck->line[i][0] == '-') return i;
  }
  return -1;
}

/* line i with its value replaced */
static void SetValue(RelDeck *deck, int i, const char *value, size_t vlen)
{
  size_t k   = KeyLen(deck->line[i], deck->len[i]);
  size_t len = k + 1 + vlen;
  char  *buf = malloc(len + 1);
  memcpy(buf, deck->line[i], k);
  buf[k] = ' ';
  memcpy(buf + k + 1, value, vlen);
  SetLine(deck, i, buf, len);
  free(buf);
}

static const char *Pick(RelRng *rng, const char *const list[], int n)
{
  return list[RelRngInt(rng, n)];
}
#define PICK(rng, list) Pick(rng, list, (int)(sizeof(list) / sizeof(list[0])))

static void Misspell(RelDeck *deck, int i, RelRng *rng)
{
  char   buf[512];
  size_t k = KeyLen(deck->line[i], deck->len[i]), rest = deck->len[i] - k;
  int    op = RelRngInt(rng, 7);

  if (k < 3 || k + rest + 4 > sizeof(buf)) return;
  memcpy(buf, deck->line[i], k);
  size_t p = 1 + (size_t)RelRngInt(rng, (int)k - 1);
  if (op == 0 && p + 1 < k) {
    char t     = buf[p];
    buf[p]     = buf[p + 1];
    buf[p + 1] = t;
  } /* swap */
  else if (op == 1) {
    memmove(buf + p, buf + p + 1, k - p - 1);
    k--;
  } /* drop */
  else if (op == 2) {
    memmove(buf + p + 1, buf + p, k - p);
    buf[p] = (char)('a' + RelRngInt(rng, 26));
    k++;
  } else if (op == 3) {
    for (size_t j = 1; j < k; j++) buf[j] = (char)toupper((unsigned char)buf[j]);
  } else if (op == 4) {
    memmove(buf, buf + 1, k - 1);
    k--;
  } /* no dash */
  else if (op == 5) {
    memmove(buf + 1, buf, k);
    k++;
  } /* "--key" */
  else {
    for (size_t j = 1; j < k; j++)
      if (buf[j] == '_') buf[j] = '-';
  }
  memcpy(buf + k, deck->line[i] + deck->len[i] - rest, rest);
  SetLine(deck, i, buf, k + rest);
}

static void Junk(RelRng *rng, char *buf, size_t n)
{
  for (size_t j = 0; j < n; j++) {
    buf[j] = (char)(RelRngNext(rng) & 0xff);
    if (buf[j] == '\n') buf[j] = '\r';
  }
}

static void Binary(RelDeck *deck, int i, RelRng *rng)
{
  char   buf[64];
  size_t n = 1 + (size_t)RelRngInt(rng, (int)sizeof(buf));

  Junk(rng, buf, n);
  if (i < 0 || RelRngInt(rng, 2))
    RelDeckAppend(deck, buf, n); /* a line of junk */
  else
    SetValue(deck, i, buf, n); /* a junk value */
}

static void LongLine(RelDeck *deck, int i, RelRng *rng)
{
  static const size_t lengths[] = {5000, 70000, 1u << 20};
  size_t              n         = lengths[RelRngInt(rng, 3)];
  char               *buf       = malloc(n + 1);

  memset(buf, RelRngInt(rng, 2) ? '9' : 'x', n);
  if (i >= 0 && RelRngInt(rng, 3))
    SetValue(deck, i, buf, n);
  else {
    buf[0] = '-'; /* a key of n characters */
    RelDeckAppend(deck, buf, n);
  }
  free(buf);
}

/* lines i and j exchange their values (everything after the key and one separator) */
static void SwapValues(RelDeck *deck, int i, int j)
{
  size_t ki = KeyLen(deck->line[i], deck->len[i]), kj = KeyLen(deck->line[j], deck->len[j]);
  size_t li = deck->len[i] - ki, lj = deck->len[j] - kj;
  char  *vi = Dup(deck->line[i] + ki, li), *vj = Dup(deck->line[j] + kj, lj);

  SetValue(deck, i, lj ? vj + 1 : "", lj ? lj - 1 : 0);
  SetValue(deck, j, li ? vi + 1 : "", li ? li - 1 : 0);
  free(vi);
  free(vj);
}

/* one mutation of kind `kind` on a random key line */
static void MutateOnce(RelDeck *deck, RelRng *rng, int kind)
{
  static const char *const wrong[]   = {"fast", "true", "yes", "3.5", "1/2", "0x10", "1,000", "12abc", "'5'", "\"7\"", "1e", "--", "-", "[1]", "explicit", "perona_malik", "adam", " 5", "5 6", "1.0.0", "TRUE", "on"};
  static const char *const huge[]    = {"1e308", "1e309", "1e400", "99999999999999999999", "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808", "1e15", "1e16", "1073741824", "1.7976931348623157e308"};
  static const char *const negs[]    = {"-1", "-0", "-0.0", "-1e-300", "-2147483648", "-2147483649", "-1e308", "-7", "-0.5"};
  static const char *const nans[]    = {"nan", "NaN", "-nan", "inf", "-inf", "Infinity", "nan(0x1)", "1e999", "0x1p+1024", "INF"};
  static const char *const edge[]    = {"0", "1", "2", "3", "4", "5", "8", "16", "63", "64", "65", "1e-12", "1e12", "0.5", "0.9", "1e-300", "1e-8", "100"};
  static const char *const unknown[] = {"-t_stopp 5", "-Nx 64", "-train_learning_rate 0.1", "-model resnet", "-epochs 3", "-solver fed", "-output_dir out", "-signal_sigma 0.1", "-tau_max 1", "-lamda 0.1", "-flux_type linear", "-optimizer sgd"};
  const int                i         = PickKeyLine(deck, rng);
  const char              *v;

  if (i < 0 && kind != REL_MUT_BINARY && kind != REL_MUT_LONG_LINE && kind != REL_MUT_UNKNOWN_KEY) return;
  switch (kind) {
  case REL_MUT_DELETE:
    free(deck->line[i]);
    memmove(&deck->line[i], &deck->line[i + 1], sizeof(char *) * (size_t)(deck->n - i - 1));
    memmove(&deck->len[i], &deck->len[i + 1], sizeof(size_t) * (size_t)(deck->n - i - 1));
    deck->n--;
    break;
  case REL_MUT_DUPLICATE:
    RelDeckAppend(deck, deck->line[i], deck->len[i]);
    if (RelRngInt(rng, 2)) MutateOnce(deck, rng, REL_MUT_SWAP_VALUES);
    break;
  case REL_MUT_MISSPELL: Misspell(deck, i, rng); break;
  case REL_MUT_WRONG_TYPE:
    v = PICK(rng, wrong);
    SetValue(deck, i, v, strlen(v));
    break;
  case REL_MUT_HUGE:
    v = PICK(rng, huge);
    SetValue(deck, i, v, strlen(v));
    break;
  case REL_MUT_NEGATIVE:
    v = PICK(rng, negs);
    SetValue(deck, i, v, strlen(v));
    break;
  case REL_MUT_NAN:
    v = PICK(rng, nans);
    SetValue(deck, i, v, strlen(v));
    break;
  case REL_MUT_EMPTY:
    SetValue(deck, i, "", 0);
    deck->len[i] = KeyLen(deck->line[i], deck->len[i]) + (size_t)RelRngInt(rng, 2);
    break;
  case REL_MUT_BINARY: Binary(deck, i, rng); break;
  case REL_MUT_LONG_LINE: LongLine(deck, i, rng); break;
  case REL_MUT_EDGE:
    v = PICK(rng, edge);
    SetValue(deck, i, v, strlen(v));
    break;
  case REL_MUT_UNKNOWN_KEY:
    v = PICK(rng, unknown);
    RelDeckAppend(deck, v, strlen(v));
    break;
  case REL_MUT_SWAP_VALUES: SwapValues(deck, i, PickKeyLine(deck, rng)); break;
  }
}

/* A third of the cases change values to edges of their ranges only (0, 1, 64, 1e-12, ...):
   mostly valid decks, so that the solvers and networks themselves meet odd settings. */
void RelDeckMutate(RelDeck *deck, RelRng *rng, int used[REL_MUT_NTYPES])
{
  const int edge_only = RelRngInt(rng, 3) == 0, n = 1 + RelRngInt(rng, 4);
  for (int m = 0; m < n; m++) {
    int kind = edge_only ? REL_MUT_EDGE : RelRngInt(rng, REL_MUT_NTYPES);
    MutateOnce(deck, rng, kind);
    used[kind]++;
  }
}

int RelDeckNeedsFile(const RelDeck *deck)
{
  for (int i = 0; i < deck->n; i++) {
    if (deck->len[i] > 4096) return 1;
    for (size_t j = 0; j < deck->len[i]; j++) {
      unsigned char c = (unsigned char)deck->line[i][j];
      if (c == 0 || c >= 0x7f || (c < 0x20 && c != '\t')) return 1;
    }
  }
  return 0;
}

int RelDeckWrite(const RelDeck *deck, const char *path)
{
  FILE *f = fopen(path, "wb");
  int   bad;

  if (!f) return 1;
  for (int i = 0; i < deck->n; i++) {
    fwrite(deck->line[i], 1, deck->len[i], f);
    fputc('\n', f);
  }
  bad = ferror(f);
  return fclose(f) || bad;
}

char *RelDeckJoin(const RelDeck *deck)
{
  size_t total = 1, o = 0;
  char  *s;

  for (int i = 0; i < deck->n; i++) total += deck->len[i] + 1;
  s = malloc(total);
  for (int i = 0; i < deck->n; i++) {
    const char *hash = memchr(deck->line[i], '#', deck->len[i]);
    size_t      n    = hash ? (size_t)(hash - deck->line[i]) : deck->len[i];
    for (size_t j = 0; j < n; j++) s[o++] = deck->line[i][j] == '\t' ? ' ' : deck->line[i][j];
    s[o++] = ' ';
  }
  s[o] = '\0';
  return s;
}

/* ---- The cost guard --------------------------------------------------------------------------- */

/* The value of the last line whose key is `key` (PETSc keys are case-insensitive; the last
   occurrence wins), NUL-terminated in buf; 0 if the deck does not set it. */
static int Value(const RelDeck *deck, const char *key, char *buf, size_t size)
{
  for (int i = deck->n - 1; i >= 0; i--) {
    const char *l = deck->line[i];
    size_t      k = KeyLen(l, deck->len[i]), v, e;
    if (k != strlen(key) || strncasecmp(l, key, k)) continue;
    for (v = k; v < deck->len[i] && isspace((unsigned char)l[v]); v++) {}
    for (e = v; e < deck->len[i] && !isspace((unsigned char)l[e]); e++) {}
    if (e - v >= size) e = v + size - 1;
    memcpy(buf, l + v, e - v);
    buf[e - v] = '\0';
    return 1;
  }
  return 0;
}

/* the key's value if it parses as pdenn parses reals (else def) */
static double Real(const RelDeck *deck, const char *key, double def)
{
  char   buf[256], *end;
  double v;

  if (!Value(deck, key, buf, sizeof(buf))) return def;
  errno = 0;
  v     = strtod(buf, &end);
  return (end != buf && !*end && errno != ERANGE && isfinite(v)) ? v : def;
}

static long long Int(const RelDeck *deck, const char *key, long long def)
{
  char      buf[256], *end;
  long long v;

  if (!Value(deck, key, buf, sizeof(buf))) return def;
  errno = 0;
  v     = strtoll(buf, &end, 10);
  return (end != buf && !*end && errno != ERANGE) ? v : def;
}

static int Clamp(RelDeck *deck, const char *key, long long max)
{
  char line[128];
  if (Int(deck, key, 0) <= max) return 0;
  snprintf(line, sizeof(line), "%s %lld", key, max);
  RelDeckAppend(deck, line, strlen(line));
  return 1;
}

/* the solver's step count is about t_stop / tau: at most 2000 explicit-type steps of at most
   256 points, 20 implicit steps (each with its inner iterations) */
static int GuardTime(RelDeck *deck)
{
  char         method[64] = "explicit", line[128];
  const double h = Real(deck, "-h", 1.0), tau = Real(deck, "-tau", 0.0), t_stop = Real(deck, "-t_stop", 10.0);
  const double tau_max = Int(deck, "-order", 1) == 2 ? h * h * h * h / 8.0 : h * h / 2.0;
  int          implicit;
  double       tau_eff, cap;

  (void)Value(deck, "-method", method, sizeof(method));
  implicit = !strncasecmp(method, "semi", 4) || !strncasecmp(method, "implicit", 8);
  tau_eff  = tau > 0 ? tau : tau_max / 4.0;
  cap      = (implicit ? 20.0 : 2000.0) * tau_eff;
  if (!(t_stop > cap)) return 0;
  snprintf(line, sizeof(line), "-t_stop %.17g", cap);
  RelDeckAppend(deck, line, strlen(line));
  return 1;
}

int RelDeckGuardCost(RelDeck *deck)
{
  static const struct {
    const char *key;
    long long   max;
  } caps[] = {{"-N", 256}, {"-signals_N", 256}, {"-cycles", 50}, {"-fixed_point_max_it", 100}, {"-ksp_max_it", 1000}, {"-snes_max_it", 50}, {"-train_epochs", 3}, {"-train_max_steps", 8}, {"-blocks", 6}, {"-channels", 8}, {"-kernel_radius", 3}, {"-iterations", 8}, {"-smoothing_steps", 4}, {"-act_nodes", 256}, {"-levels", 4}};
  int n    = 0;

  for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) n += Clamp(deck, caps[c].key, caps[c].max);
  /* images and volumes: at most 64 points per axis (-N is every axis's default there) */
  if (Int(deck, "-dim", 1) > 1) {
    static const char *const axes[4] = {"-N", "-Nx", "-Ny", "-Nz"};
    for (int a = 0; a < 4; a++) n += Clamp(deck, axes[a], Int(deck, "-dim", 1) > 2 ? 24 : 64);
  }
  n += GuardTime(deck);
  /* snapshots are HDF5 datasets: at most about 20 of them */
  if (Int(deck, "-snapshot_every", 0) > 0 && Int(deck, "-snapshot_every", 0) < 100) {
    RelDeckAppend(deck, "-snapshot_every 100", 19);
    n++;
  }
  return n;
}
