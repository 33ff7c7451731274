#!/usr/bin/python3
"""PyTorch baseline for pdenn_bench's training section (docs/performance.md).

The networks of src/nn rebuilt in PyTorch, layer by layer: same channels, kernel width, blocks or
levels, boundary rule (half-sample mirror), activation (tanh, pdenn's default), loss (MSE, mean
over the points and the batch) and optimizer (Adam, lr 1e-4). A training step is forward and
backward over the whole batch and one optimizer update (plus the symmetric ResNet's step-size
projection), float64 on the CPU with torch.set_num_threads(--threads). Prints samples per second
and GFLOP/s with the same analytic FLOP count as pdenn_bench.

Run it with Debian's python (the one that has python3-torch):
    /usr/bin/python3 apps/torch_compare.py --threads 1 --N 1024 8192

--dim 2 builds the same networks on N x N images (pdenn's 2D layers, src/op/convnd.c: 3 x 3
kernels, the half-sample mirror on both axes, the symmetric ResNet's group activation
g(|z_G|) z_G on groups of 2 channels); --pdenn BUILD runs pdenn_bench's train2d section of that
build in the same run, alternating with PyTorch for --rounds rounds, and prints the ratios;
--conv2d times the convolution layer alone (forward, adjoint, weight gradient) against
pdenn_bench's conv2d section the same way:
    /usr/bin/python3 apps/torch_compare.py --dim 2 --N 128 --batch 8 --blocks 4 --pdenn build --rounds 3
    /usr/bin/python3 apps/torch_compare.py --conv2d --N 128 --pdenn build --rounds 3
Without PyTorch the script says so and exits with status 0 (nothing to compare).
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # python3-torch is optional (not in jobscripts/setup.sh)
    torch = None


def mirror_pad(x, r, dim=1):
    """Half-sample mirror u[-1-k] = u[k], u[N+k] = u[N-1-k] (pdenn's reflecting boundary) on
    the last `dim` axes, x first."""
    for a in range(-1, -dim - 1, -1):
        if r > 0:
            x = torch.cat([x.narrow(a, 0, r).flip(a), x, x.narrow(a, x.shape[a] - r, r).flip(a)], dim=a)
    return x


def mirror_fold(y, r, dim=1):
    """Adjoint of mirror_pad: the ghosts' values are added back onto the points they copied."""
    for a in range(-dim, 0):
        if r > 0:
            n = y.shape[a] - 2 * r
            core = y.narrow(a, r, n).clone()
            core.narrow(a, 0, r).add_(y.narrow(a, 0, r).flip(a))
            core.narrow(a, n - r, r).add_(y.narrow(a, n + r, r).flip(a))
            y = core
    return y


Module = torch.nn.Module if torch else object


class Conv(Module):
    """pdenn's PdennConv1d (dim 1) and PdennConvNd (dim 2): out = b + W * mirror_pad(in),
    weights [c_out][c_in][2r+1]^dim (torch's cross-correlation is pdenn's convolution)."""

    def __init__(self, c_in, c_out, r, bias, dim=1):
        super().__init__()
        self.r, self.dim = r, dim
        scale = (c_in * (2 * r + 1) ** dim) ** -0.5
        self.weight = torch.nn.Parameter(scale * torch.randn(c_out, c_in, *(dim * [2 * r + 1]), dtype=torch.float64))
        self.bias = torch.nn.Parameter(torch.zeros(c_out, dtype=torch.float64)) if bias else None

    def conv(self, x, **kw):
        return (F.conv1d if self.dim == 1 else F.conv2d)(x, self.weight, **kw)

    def forward(self, x):
        return self.conv(mirror_pad(x, self.r, self.dim), bias=self.bias)

    def adjoint(self, v, stride=1, output_padding=0):
        """W^T v: the exact adjoint of forward without bias (pdenn's PdennConv1dAdjoint,
        PdennConvNdAdjoint); stride 2: the transposed convolution."""
        t = F.conv_transpose1d if self.dim == 1 else F.conv_transpose2d
        return mirror_fold(t(v, self.weight, stride=stride, output_padding=output_padding), self.r, self.dim)


def group_tanh(z, G):
    """The isotropic group activation g(|z_G|) z_G on groups of G consecutive channels with
    g(s) = tanh(s)/s (g(0) = 1): the tanh flux applied to the group's norm (src/nn/groupact.c)."""
    B, M = z.shape[:2]
    zg = z.reshape(B, M // G, G, *z.shape[2:])
    s = zg.pow(2).sum(2, keepdim=True).sqrt()
    g = torch.where(s > 0, torch.tanh(s) / torch.where(s > 0, s, torch.ones_like(s)), torch.ones_like(s))
    return (g * zg).reshape(z.shape)


class SymResnet(Module):
    """u <- u - tau_k W_k^T phi(W_k u), W_k: 1 -> M (src/nn/sym_resnet.c); phi = tanh in 1D,
    the group activation on groups of d channels in d > 1."""

    def __init__(self, M, blocks, r, dim=1):
        super().__init__()
        self.dim = dim
        self.W = torch.nn.ModuleList([Conv(1, M, r, False, dim) for _ in range(blocks)])
        self.tau = torch.nn.Parameter(torch.zeros(blocks, dtype=torch.float64))
        self.project(initial=True)

    def forward(self, u):
        for k, W in enumerate(self.W):
            z = W(u)
            u = u - self.tau[k] * W.adjoint(torch.tanh(z) if self.dim == 1 else group_tanh(z, self.dim))
        return u

    @torch.no_grad()
    def project(self, initial=False):
        """tau_k in [0, 2/(L b_k)], b_k >= ||W_k||^2 (interior column sums of W^T W, i.e. the sum
        of |autocorrelation| of the kernels; L = 1 for tanh)."""
        for k, W in enumerate(self.W):
            if self.dim == 1:
                w = W.weight[:, 0, :]  # [M][kw]
                gram = torch.stack([(w[:, max(0, d):w.shape[1] + min(0, d)] * w[:, max(0, -d):w.shape[1] - max(0, d)]).sum()
                                    for d in range(-w.shape[1] + 1, w.shape[1])])
            else:
                w = W.weight.transpose(0, 1)  # [1][M][kw][kw]
                gram = F.conv2d(w, w, padding=w.shape[-1] - 1)
            tau_max = 2.0 / gram.abs().sum()
            self.tau[k] = 0.5 * tau_max if initial else self.tau[k].clamp(0.0, tau_max)


class Resnet(Module):
    """u <- u + W2_k sigma(W1_k u + b1_k) + b2_k (src/nn/resnet.c)."""

    def __init__(self, M, blocks, r, dim=1):
        super().__init__()
        self.W1 = torch.nn.ModuleList([Conv(1, M, r, True, dim) for _ in range(blocks)])
        self.W2 = torch.nn.ModuleList([Conv(M, 1, r, True, dim) for _ in range(blocks)])
        with torch.no_grad():
            for W2 in self.W2:
                W2.weight *= 0.1

    def forward(self, u):
        for W1, W2 in zip(self.W1, self.W2):
            u = u + W2(torch.tanh(W1(u)))
        return u

    def project(self):
        pass


class Strided(Module):
    """pdenn's strided layer (src/nn/strided.c): R x = the convolution at the even fine points,
    P v = R^T v its exact adjoint (zero insertion, then the adjoint convolution); n fine points
    per axis, (n - 1)/2 + 1 coarse ones."""

    def __init__(self, M, r, dim=1):
        super().__init__()
        self.conv = Conv(M, M, r, False, dim)

    def restrict(self, x):
        return self.conv.conv(mirror_pad(x, self.conv.r, self.conv.dim), stride=2)

    def prolong(self, v, n_fine):
        return self.conv.adjoint(v, stride=2, output_padding=n_fine + 1 - 2 * v.shape[-1])


class Smoother(Module):
    """x <- x + sigma(B x + b) (pre) or w <- w + sigma(B^T w + b) (post, the adjoint)."""

    def __init__(self, M, r, dim=1):
        super().__init__()
        self.B = Conv(M, M, r, True, dim)
        with torch.no_grad():
            self.B.weight *= 0.5

    def pre(self, x):
        return x + torch.tanh(self.B(x))

    def post(self, w):
        return w + torch.tanh(self.B.adjoint(w) + self.B.bias.reshape(1, -1, *(self.B.dim * [1])))


class UNet(Module):
    """The V-cycle U-net of src/nn/unet.c: lift E, per level nu pre-smoothers, restriction R,
    coarse correction w = x + P w_coarse, nu post-smoothers in reverse order, y = f + s Q^T w.
    tied (mg_unet): Q = E, P = R^T, post-smoother q = adjoint of pre-smoother q (half the
    weights), and s = -1 (the correction is subtracted); unet: s = +1."""

    def __init__(self, M, levels, nu, r, tied, dim=1):
        super().__init__()
        self.L, self.nu, self.sign = levels, nu, (-1.0 if tied else 1.0)
        self.E = Conv(1, M, r, False, dim)
        self.Q = self.E if tied else Conv(1, M, r, False, dim)
        self.pre = torch.nn.ModuleList([torch.nn.ModuleList([Smoother(M, r, dim) for _ in range(nu)]) for _ in range(levels)])
        self.post = self.pre if tied else torch.nn.ModuleList(
            [torch.nn.ModuleList([Smoother(M, r, dim) for _ in range(nu)]) for _ in range(levels)])
        self.R = torch.nn.ModuleList([Strided(M, r, dim) for _ in range(levels - 1)])
        self.P = self.R if tied else torch.nn.ModuleList([Strided(M, r, dim) for _ in range(levels - 1)])

    def forward(self, f):
        x, xs = self.E(f), []
        for l in range(self.L):
            for s in range(self.nu):
                x = self.pre[l][s].pre(x)
            xs.append(x)
            if l < self.L - 1:
                x = self.R[l].restrict(x)
        w = xs[-1]
        for l in range(self.L - 1, -1, -1):
            if l < self.L - 1:
                w = xs[l] + self.P[l].prolong(w, xs[l].shape[-1])
            for q in range(self.nu - 1, -1, -1):
                w = self.post[l][q].post(w)
        return f + self.sign * self.Q.adjoint(w)

    def project(self):
        pass


MODELS = {"sym_resnet": lambda a: SymResnet(a.channels, a.blocks, a.radius, a.dim),
          "resnet": lambda a: Resnet(a.channels, a.blocks, a.radius, a.dim),
          "unet": lambda a: UNet(a.channels, a.levels, a.smoothing_steps, a.radius, False, a.dim),
          "mg_unet": lambda a: UNet(a.channels, a.levels, a.smoothing_steps, a.radius, True, a.dim)}


def forward_flops(name, N, a):
    """Multiply-adds x 2 of the convolutions of one forward pass, as src/bench/models.c counts
    (dim 1: N points; dim 2: N x N, levels of (n - 1)/2 + 1 points per axis)."""
    M, kw = a.channels, (2 * a.radius + 1) ** a.dim
    if a.dim == 1:
        if name in ("sym_resnet", "resnet"):
            return 2 * (2 * M * kw) * N * a.blocks
        S, coarsest = N * (2 - 2.0 ** (1 - a.levels)), N * 2.0 ** (1 - a.levels)
        return 2 * (2 * M * kw * N + 2 * a.smoothing_steps * M * M * kw * S + M * M * kw * (S - coarsest))
    if name in ("sym_resnet", "resnet"):
        return 2 * (2 * M * kw) * N * N * a.blocks
    sides = [N]
    for _ in range(a.levels - 1):
        sides.append((sides[-1] - 1) // 2 + 1)
    S = sum(n * n for n in sides)
    return 2 * (2 * M * kw * N * N + 2 * a.smoothing_steps * M * M * kw * S + 2 * M * M * kw * (S - N * N))


def torch_param(model, name):
    """The PyTorch parameter that holds pdenn's parameter group `name` (src/nn/*.c group names),
    and the slice of it (all of it but for the symmetric ResNet's step sizes, one vector)."""
    parts = name.split("/")
    if parts[0].startswith("block") and parts[1] == "tau":
        k = int(parts[0][5:])
        return model.tau, slice(k, k + 1)
    return torch_group(model, parts), slice(None)


def torch_group(model, parts):
    if parts[0].startswith("block"):
        k, p = int(parts[0][5:]), parts[1]
        if p == "W":
            return model.W[k].weight
        conv = model.W1[k] if p[1] == "1" else model.W2[k]
        return conv.weight if p[0] == "W" else conv.bias
    if parts[0] == "lift":
        return model.E.weight
    if parts[0] == "output":
        return model.Q.weight
    l = int(parts[0][5:])
    if parts[1] in ("R", "P"):
        return (model.R if parts[1] == "R" else model.P)[l].conv.weight
    kind, s = parts[1].rstrip("0123456789"), int(parts[1].lstrip("presmothu"))
    smoother = (model.post if kind == "post" else model.pre)[l][s]
    return smoother.B.weight if parts[2] in ("B", "C") else smoother.B.bias


def check(path):
    """Loads the models pdenn_bench -bench_dump_models wrote (weights, x, y = model(x), and for
    L = <dy, y> the gradients dx and dtheta) into the PyTorch networks and compares."""
    lines, worst = open(path).read().split("\n"), 0.0
    i = 0
    while i < len(lines) and lines[i].startswith("model"):
        _, name, N, ngroups, M, blocks, levels, nu, *dim = lines[i].split()
        dim = int(dim[0]) if dim else 1  # files written before the 2D models have no dimension
        a = argparse.Namespace(channels=int(M), blocks=int(blocks), levels=int(levels), smoothing_steps=int(nu), radius=1, dim=dim)
        model, grads, i = MODELS[name](a), {}, i + 1
        with torch.no_grad():
            for _ in range(int(ngroups)):
                gname = lines[i].split()[1]
                t, sl = torch_param(model, gname)
                t.view(-1)[sl] = torch.tensor([float(v) for v in lines[i + 1].split()], dtype=torch.float64)
                grads[gname] = torch.tensor([float(v) for v in lines[i + 2].split()], dtype=torch.float64)
                i += 3
        vec = {}
        for _ in range(4):
            vec[lines[i].split()[1]] = torch.tensor([float(v) for v in lines[i + 1].split()], dtype=torch.float64).reshape(1, 1, *(dim * [int(N)]))
            i += 2
        x = vec["x"].clone().requires_grad_(True)
        y = model(x)
        (y * vec["dy"]).sum().backward()
        errs = {"y": (y - vec["y"]).abs().max().item(), "dx": (x.grad - vec["dx"]).abs().max().item()}
        # tied weights (mg_unet): torch sums every use's gradient into one tensor, as pdenn does
        errs["dtheta"] = max((torch_param(model, g)[0].grad.reshape(-1)[torch_param(model, g)[1]] - d).abs().max().item()
                             for g, d in grads.items())
        print(f"{name:<12} {dim}D N {N:>5}: max |pdenn - torch| of y {errs['y']:.2e}, dx {errs['dx']:.2e}, dtheta {errs['dtheta']:.2e}")
        worst = max(worst, *errs.values())
    print(f"check {'passed' if worst < 1e-10 else 'FAILED'}: largest difference {worst:.2e} (tolerance 1e-10: float64 rounding)")
    return 0 if worst < 1e-10 else 1


def signal(N, batch, dim=1):
    """Noisy piecewise-constant signals like pdenn's PdennBenchSignal: eight plateaus by natural
    index (in 2D N x N images: eight bands of rows) plus noise."""
    k = torch.arange(N ** dim, dtype=torch.float64)
    step = ((8 * k / N ** dim).floor() % 2)
    noise = torch.sin(12.9898 * k) * 43758.5453
    clean = (step + 0.1 * (noise - noise.floor() - 0.5)).reshape(dim * [N])
    x = torch.stack([(1.0 + 0.01 * i) * clean for i in range(batch)]).unsqueeze(1)
    return x, clean.expand(batch, 1, *clean.shape).clone()


def bench(name, N, args):
    torch.manual_seed(1)
    model = MODELS[name](args)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    x, t = signal(N, args.batch, args.dim)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x), t)
        loss.backward()
        opt.step()
        model.project()

    step()  # warm-up, as pdenn_bench
    times, cpu = [], []
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)  # CPU seconds: robust to other processes' load
    sec = statistics.median(times)
    flops = 3 * forward_flops(name, N, args) * args.batch
    nparams = sum(p.numel() for p in model.parameters())  # tied modules are counted once
    return args.batch / sec, flops / sec / 1e9, nparams, args.batch / statistics.median(cpu)


def warm_up(seconds):
    """Untimed work first, as pdenn_bench does: a CPU fresh from idle runs slower for a while."""
    a = torch.rand(64, 64, dtype=torch.float64)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a = torch.tanh(a @ a)


CONV2D_SHAPES = ((1, 8, 1), (8, 1, 1), (8, 8, 1), (8, 8, 2))  # c_in, c_out, stride: pdenn_bench's conv2d section
CONV2D_OPS = ("forward", "adjoint", "weight grad")


def bench_conv2d(N, args):
    """ms per image of the 2D convolution layer (radius 1, mirror boundary) on a batch of
    args.batch images: {(c_in, c_out, stride, op): (wall ms, CPU ms)}, op as pdenn_bench's
    conv2d section names it, plus "fwd+adj+wgrad" (one autograd forward + backward)."""
    out = {}
    for ci, co, s in CONV2D_SHAPES:
        torch.manual_seed(1)
        n_out = (N - 1) // s + 1
        x = torch.rand(args.batch, ci, N, N, dtype=torch.float64, requires_grad=True)
        v = torch.rand(args.batch, co, n_out, n_out, dtype=torch.float64)
        w = torch.rand(co, ci, 3, 3, dtype=torch.float64, requires_grad=True)
        b = torch.rand(co, dtype=torch.float64, requires_grad=True)
        ops = {"forward": lambda: F.conv2d(mirror_pad(x, 1, 2), w, b, stride=s),
               "adjoint": lambda: mirror_fold(F.conv_transpose2d(v, w, stride=s, output_padding=N + 1 - 2 * n_out if s == 2 else 0), 1, 2),
               "weight grad": lambda: (torch.nn.grad.conv2d_weight(mirror_pad(x, 1, 2), w.shape, v, stride=s), v.sum((0, 2, 3))),
               "fwd+adj+wgrad": lambda: torch.autograd.grad((F.conv2d(mirror_pad(x, 1, 2), w, b, stride=s) * v).sum(), (x, w, b))}
        for op, f in ops.items():
            with torch.no_grad() if op != "fwd+adj+wgrad" else torch.enable_grad():
                f()
                times, cpu = [], []
                for _ in range(args.repeats):
                    t0, c0 = time.perf_counter(), time.process_time()
                    for _ in range(args.steps):
                        f()
                    times.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
            scale = 1e3 / (args.steps * args.batch)
            out[(ci, co, s, op)] = (statistics.median(times) * scale, statistics.median(cpu) * scale)
    return out


def run_pdenn(args, section, extra):
    """The rows of one pdenn_bench run of `section` (its CSV), on args.ranks ranks."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.csv")
        cmd = ([] if args.ranks == 1 else ["mpiexec", "-n", str(args.ranks), "--bind-to", "none"])
        cmd += [os.path.join(args.pdenn, "apps", "pdenn_bench"), "-bench_sections", section, "-bench_repeats", str(args.repeats),
                "-bench_progress", "false", "-bench_csv", path] + extra
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(path, newline="") as f:
            return [r for r in csv.DictReader(f) if r["section"] == section]


def compare_conv2d(args):
    N = args.N[0]
    print(f"2D convolution layer, {N}^2 images, radius 1, float64; PyTorch: batch {args.batch}, {torch.get_num_threads()} thread(s); "
          f"ms per image, median of {args.repeats} x {args.steps} calls (CPU time in brackets)")
    ratios = {}
    for r in range(args.rounds):
        rows = run_pdenn(args, "conv2d", ["-bench_conv2d_N", str(N), "-bench_steps", str(args.steps)]) if args.pdenn else []
        ours = {(row["case"], row["metric"]): float(row["value"]) for row in rows}
        theirs = bench_conv2d(N, args)
        print(f"round {r + 1}:" if args.pdenn else "")
        for (ci, co, s, op), (ms, cpu) in theirs.items():
            name = f"{ci} -> {co} s{s} {op}"
            line = f"  {name:<26} PyTorch {ms:8.4f} ({cpu:8.4f})"
            if (name, "time per call") in ours:
                pms, pcpu = ours[(name, "time per call")], ours[(name, "CPU time per call")]
                ratios.setdefault(name, []).append(cpu / pcpu)
                line += f"  pdenn {pms:8.4f} ({pcpu:8.4f})  ratio {ms / pms:5.1f}x ({cpu / pcpu:5.1f}x)"
            print(line)
    for name, v in ratios.items():
        print(f"PyTorch / pdenn CPU time, {name:<26}: median {statistics.median(v):5.1f}x over {len(v)} round(s)")
    return 0


def compare_models(args):
    print(f"torch {torch.__version__}, float64, CPU, {torch.get_num_threads()} thread(s), batch {args.batch}, "
          f"{args.dim}D, median of {args.repeats} steps" + (f"; pdenn_bench of {args.pdenn} on {args.ranks} rank(s)" if args.pdenn else ""))
    ratios = {}
    for r in range(args.rounds):
        print(f"round {r + 1}:" if args.pdenn else "", end="\n" if args.pdenn else "")
        print(f"{'model':<12} {'N':>8} {'params':>8} {'samples/s':>12} {'GFLOP/s':>9} {'samples/CPU-s':>14}"
              + (f" {'pdenn samples/s':>16} {'samples/CPU-s':>14} {'ratio':>7} {'CPU ratio':>9}" if args.pdenn else ""))
        for N in args.N:
            ours = {}
            if args.pdenn:
                section, size = ("train", ["-bench_train_N", str(N), "-bench_train_N_large", "0"]) if args.dim == 1 else ("train2d", ["-bench_train2d_N", str(N)])
                keys = size + ["-bench_batch", str(args.batch), "-bench_channels", str(args.channels), "-bench_blocks", str(args.blocks),
                               "-bench_levels", str(args.levels), "-bench_smoothing_steps", str(args.smoothing_steps), "-bench_models", ",".join(args.models)]
                ours = {(row["case"], row["metric"]): float(row["value"]) for row in run_pdenn(args, section, keys)}
            for name in args.models:
                rate, gflops, nparams, cpu_rate = bench(name, N, args)
                line = f"{name:<12} {N:>8} {nparams:>8} {rate:>12.4g} {gflops:>9.3g} {cpu_rate:>14.4g}"
                if (name, "samples/s") in ours:
                    wall, cpu = ours[(name, "samples/s")], ours[(name, "samples/CPU-s")]  # CPU: all ranks / all threads
                    ratios.setdefault((name, N), []).append((wall / rate, cpu / cpu_rate))
                    line += f" {wall:>16.4g} {cpu:>14.4g} {wall / rate:>6.1f}x {cpu / cpu_rate:>8.1f}x"
                print(line)
    for (name, N), v in ratios.items():
        for k, what in enumerate(("samples/s (wall)", "samples per CPU second")):
            r = [x[k] for x in v]
            print(f"pdenn / PyTorch {what}, {name} N {N}: median {statistics.median(r):.1f}x, min {min(r):.1f}x, "
                  f"max {max(r):.1f}x over {len(r)} round(s)")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (match pdenn's ranks)")
    p.add_argument("--dim", type=int, default=1, choices=(1, 2), help="1: signals of N points; 2: N x N images")
    p.add_argument("--N", type=int, nargs="+", default=[1024, 8192], help="grid points per sample (dim 2: the image side)")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--channels", type=int, default=8)
    p.add_argument("--blocks", type=int, default=8)
    p.add_argument("--levels", type=int, default=4)
    p.add_argument("--smoothing-steps", dest="smoothing_steps", type=int, default=2)
    p.add_argument("--radius", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--steps", type=int, default=10, help="--conv2d: calls per timed repeat")
    p.add_argument("--warmup", type=float, default=1.0,
                   help="seconds of untimed work before the first model, as pdenn_bench -bench_warmup")
    p.add_argument("--models", nargs="+", default=["sym_resnet", "resnet", "unet", "mg_unet"],
                   choices=["sym_resnet", "resnet", "unet", "mg_unet"])
    p.add_argument("--conv2d", action="store_true", help="time the 2D convolution layer alone instead of the networks")
    p.add_argument("--pdenn", metavar="BUILD", help="also run that build's pdenn_bench, alternating with PyTorch, and print the ratios")
    p.add_argument("--ranks", type=int, help="pdenn_bench's MPI ranks (default: --threads)")
    p.add_argument("--rounds", type=int, default=1, help="alternating pdenn / PyTorch rounds (with --pdenn)")
    p.add_argument("--check", metavar="FILE", help="compare with the file of pdenn_bench -bench_dump_models FILE and exit")
    args = p.parse_args()
    if torch is None:
        print("torch_compare: PyTorch (python3-torch) is not installed here; nothing to compare, skipped")
        return 0
    if args.check:
        return check(args.check)
    args.ranks = args.ranks or args.threads
    torch.set_num_threads(args.threads)
    warm_up(args.warmup)
    return compare_conv2d(args) if args.conv2d else compare_models(args)


if __name__ == "__main__":
    sys.exit(main())
