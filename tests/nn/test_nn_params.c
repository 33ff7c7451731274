/* Parameter counts (docs/networks.md, "Parameter counting"):
   - mg_unet has exactly half the trainable parameters of unet at equal levels, smoothing steps,
     channels, kernel radius and activation: in total and in every kind (weights, biases,
     activation tables), because each tied pair (Q = E, P = R, C = B, c = b) is one set.
   - a symmetric block has exactly half the convolution weights of a standard block with the same
     channels and radius (W vs W1 and W2); what else each has is stated and checked: the
     standard block has M + 1 biases, the symmetric one a step size tau; activation tables equal.
   - groups tile theta without gaps or overlaps and have the documented names and shapes.
   Counts are integers: exact equality. */
#include "nntest.h"

static const char help[] = "Parameter counts of the networks.\n";

#define CHECK(cond, ...) PetscCheck(cond, PETSC_COMM_WORLD, PETSC_ERR_PLIB, __VA_ARGS__)

static PetscErrorCode Counts(const char type[], const char extra[], PetscInt N, PetscInt c[5], PetscBool view)
{
  PdennModel model;
  char       opts[512];
  PetscInt   ng, next = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-p_model_type %s %s", type, extra));
  PetscCall(NNTestModel(PETSC_COMM_WORLD, "p_", opts, N, &model));
  if (view) PetscCall(PdennModelView(model, NULL));
  PetscCall(PdennModelGetNumParameters(model, &c[0]));
  PetscCall(PdennModelGetParameterCounts(model, &c[1], &c[2], &c[3], &c[4]));
  CHECK(c[0] == c[1] + c[2] + c[3] + c[4], "kinds do not add up to the total");
  PetscCall(PdennModelGetNumGroups(model, &ng));
  for (PetscInt g = 0; g < ng; g++) { /* contiguous tiling of theta */
    PetscInt off, size;
    PetscCall(NNTestGroup(model, g, NULL, &off, &size));
    CHECK(off == next, "group %" PetscInt_FMT " starts at %" PetscInt_FMT ", expected %" PetscInt_FMT, g, off, next);
    next += size;
  }
  CHECK(next == c[0], "groups cover %" PetscInt_FMT " of %" PetscInt_FMT " parameters", next, c[0]);
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckUNetHalf(const char shape[], PetscInt N)
{
  PetscInt u[5], g[5];

  PetscFunctionBeginUser;
  PetscCall(Counts("unet", shape, N, u, PETSC_FALSE));
  PetscCall(Counts("mg_unet", shape, N, g, PETSC_FALSE));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-70s unet %5" PetscInt_FMT ", mg_unet %5" PetscInt_FMT "\n", shape, u[0], g[0]));
  for (PetscInt k = 0; k < 5; k++) CHECK(u[k] == 2 * g[k], "%s: unet count %" PetscInt_FMT " is not twice the mg_unet count %" PetscInt_FMT " (kind %" PetscInt_FMT ")", shape, u[k], g[k], k);
  PetscFunctionReturn(0);
}

/* unet, by hand: E, Q: M kw each; per level and smoothing step a pre and a post smoother with
   M M kw weights, M biases, A table values; per level but the coarsest R and P, M M kw each. */
static PetscErrorCode CheckUNetFormula(void)
{
  const PetscInt L = 3, nu = 2, M = 4, kw = 5, A = 6;
  PetscInt       u[5];

  PetscFunctionBeginUser;
  PetscCall(Counts("unet", "-p_levels 3 -p_smoothing_steps 2 -p_channels 4 -p_kernel_radius 2 -p_activation trainable -p_act_nodes 6", 64, u, PETSC_TRUE));
  CHECK(u[1] == 2 * M * kw + L * nu * 2 * M * M * kw + (L - 1) * 2 * M * M * kw, "unet weights %" PetscInt_FMT, u[1]);
  CHECK(u[2] == L * nu * 2 * M && u[4] == L * nu * 2 * A && u[3] == 0, "unet biases/tables/steps %" PetscInt_FMT "/%" PetscInt_FMT "/%" PetscInt_FMT, u[2], u[4], u[3]);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckBlocks(void)
{
  const PetscInt M = 8, kw = 7, nb = 5, A = 10;
  const char    *shape = "-p_blocks 5 -p_channels 8 -p_kernel_radius 3 -p_activation trainable -p_act_nodes 10";
  PetscInt       s[5], r[5];

  PetscFunctionBeginUser;
  PetscCall(Counts("sym_resnet", shape, 64, s, PETSC_TRUE));
  PetscCall(Counts("resnet", shape, 64, r, PETSC_TRUE));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "blocks %s: weights sym %" PetscInt_FMT ", standard %" PetscInt_FMT "\n", shape, s[1], r[1]));
  CHECK(2 * s[1] == r[1], "symmetric weights %" PetscInt_FMT " are not half the standard %" PetscInt_FMT, s[1], r[1]);
  CHECK(s[1] == nb * M * kw && s[2] == 0 && s[3] == nb && s[4] == nb * A, "sym_resnet counts wrong");
  CHECK(r[1] == nb * 2 * M * kw && r[2] == nb * (M + 1) && r[3] == 0 && r[4] == nb * A, "resnet counts wrong");
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckNames(void)
{
  PdennModel      model;
  const char     *name;
  const PetscInt *shape;
  PetscInt        off, nd;
  PetscBool       same;

  PetscFunctionBeginUser;
  PetscCall(NNTestModel(PETSC_COMM_WORLD, "q_", "-q_model_type sym_resnet -q_blocks 4 -q_channels 3 -q_kernel_radius 1 -q_activation trainable -q_act_nodes 5", 32, &model));
  PetscCall(PdennModelGetGroup(model, 9, &name, &off, &nd, &shape)); /* block3/W: groups W, tau, act_g per block */
  PetscCall(PetscStrcmp(name, "block3/W", &same));
  CHECK(same && nd == 3 && shape[0] == 3 && shape[1] == 1 && shape[2] == 3, "group 9 is %s, expected block3/W [3 x 1 x 3]", name);
  PetscCall(PdennModelGetGroup(model, 10, &name, NULL, NULL, NULL));
  PetscCall(PetscStrcmp(name, "block3/tau", &same));
  CHECK(same, "group 10 is %s, expected block3/tau", name);
  PetscCall(PdennModelGetGroup(model, 11, &name, NULL, &nd, &shape));
  PetscCall(PetscStrcmp(name, "block3/act_g", &same));
  CHECK(same && nd == 1 && shape[0] == 5, "group 11 is %s, expected block3/act_g [5]", name);
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(CheckUNetHalf("-p_levels 1 -p_smoothing_steps 1 -p_channels 1 -p_kernel_radius 1 -p_activation relu", 16));
  PetscCall(CheckUNetHalf("-p_levels 3 -p_smoothing_steps 2 -p_channels 4 -p_kernel_radius 2 -p_activation tanh", 64));
  PetscCall(CheckUNetHalf("-p_levels 4 -p_smoothing_steps 3 -p_channels 8 -p_kernel_radius 1 -p_activation trainable -p_act_nodes 9", 64));
  PetscCall(CheckUNetFormula());
  PetscCall(CheckBlocks());
  PetscCall(CheckNames());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "parameter counts passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
