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
"""
import argparse
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def mirror_pad(x, r):
    """Half-sample mirror u[-1-k] = u[k], u[N+k] = u[N-1-k] (pdenn's reflecting boundary)."""
    if r == 0:
        return x
    return torch.cat([x[..., :r].flip(-1), x, x[..., -r:].flip(-1)], dim=-1)


def mirror_fold(y, r):
    """Adjoint of mirror_pad: the ghosts' values are added back onto the points they copied."""
    if r == 0:
        return y
    core = y[..., r:-r].clone()
    core[..., :r] += y[..., :r].flip(-1)
    core[..., -r:] += y[..., -r:].flip(-1)
    return core


class Conv(torch.nn.Module):
    """pdenn's PdennConv1d: out = b + W * mirror_pad(in), weights [c_out][c_in][2r+1]."""

    def __init__(self, c_in, c_out, r, bias):
        super().__init__()
        self.r = r
        scale = (c_in * (2 * r + 1)) ** -0.5
        self.weight = torch.nn.Parameter(scale * torch.randn(c_out, c_in, 2 * r + 1, dtype=torch.float64))
        self.bias = torch.nn.Parameter(torch.zeros(c_out, dtype=torch.float64)) if bias else None

    def forward(self, x):
        return F.conv1d(mirror_pad(x, self.r), self.weight, self.bias)

    def adjoint(self, v):
        """W^T v: the exact adjoint of forward without bias (pdenn's PdennConv1dAdjoint)."""
        return mirror_fold(F.conv_transpose1d(v, self.weight), self.r)


class SymResnet(torch.nn.Module):
    """u <- u - tau_k W_k^T phi(W_k u), W_k: 1 -> M (src/nn/sym_resnet.c)."""

    def __init__(self, M, blocks, r):
        super().__init__()
        self.W = torch.nn.ModuleList([Conv(1, M, r, False) for _ in range(blocks)])
        self.tau = torch.nn.Parameter(torch.zeros(blocks, dtype=torch.float64))
        self.project(initial=True)

    def forward(self, u):
        for k, W in enumerate(self.W):
            u = u - self.tau[k] * W.adjoint(torch.tanh(W(u)))
        return u

    @torch.no_grad()
    def project(self, initial=False):
        """tau_k in [0, 2/(L b_k)], b_k >= ||W_k||^2 (interior column sums of W^T W; L = 1 for tanh)."""
        for k, W in enumerate(self.W):
            w = W.weight[:, 0, :]  # [M][kw]
            gram = torch.stack([(w[:, max(0, d):w.shape[1] + min(0, d)] * w[:, max(0, -d):w.shape[1] - max(0, d)]).sum()
                                for d in range(-w.shape[1] + 1, w.shape[1])])
            tau_max = 2.0 / gram.abs().sum()
            self.tau[k] = 0.5 * tau_max if initial else self.tau[k].clamp(0.0, tau_max)


class Resnet(torch.nn.Module):
    """u <- u + W2_k sigma(W1_k u + b1_k) + b2_k (src/nn/resnet.c)."""

    def __init__(self, M, blocks, r):
        super().__init__()
        self.W1 = torch.nn.ModuleList([Conv(1, M, r, True) for _ in range(blocks)])
        self.W2 = torch.nn.ModuleList([Conv(M, 1, r, True) for _ in range(blocks)])
        with torch.no_grad():
            for W2 in self.W2:
                W2.weight *= 0.1

    def forward(self, u):
        for W1, W2 in zip(self.W1, self.W2):
            u = u + W2(torch.tanh(W1(u)))
        return u

    def project(self):
        pass


class Strided(torch.nn.Module):
    """pdenn's strided layer (src/nn/strided.c): R x = the convolution at the even fine points,
    P v = R^T v its exact adjoint (zero insertion, then the adjoint convolution)."""

    def __init__(self, M, r):
        super().__init__()
        self.conv = Conv(M, M, r, False)

    def restrict(self, x):
        return F.conv1d(mirror_pad(x, self.conv.r), self.conv.weight, stride=2)

    def prolong(self, v):
        return mirror_fold(F.conv_transpose1d(v, self.conv.weight, stride=2, output_padding=1), self.conv.r)


class Smoother(torch.nn.Module):
    """x <- x + sigma(B x + b) (pre) or w <- w + sigma(B^T w + b) (post, the adjoint)."""

    def __init__(self, M, r):
        super().__init__()
        self.B = Conv(M, M, r, True)
        with torch.no_grad():
            self.B.weight *= 0.5

    def pre(self, x):
        return x + torch.tanh(self.B(x))

    def post(self, w):
        return w + torch.tanh(self.B.adjoint(w) + self.B.bias[None, :, None])


class UNet(torch.nn.Module):
    """The V-cycle U-net of src/nn/unet.c: lift E, per level nu pre-smoothers, restriction R,
    coarse correction w = x + P w_coarse, nu post-smoothers in reverse order, y = f + s Q^T w.
    tied (mg_unet): Q = E, P = R^T, post-smoother q = adjoint of pre-smoother q (half the
    weights), and s = -1 (the correction is subtracted); unet: s = +1."""

    def __init__(self, M, levels, nu, r, tied):
        super().__init__()
        self.L, self.nu, self.sign = levels, nu, (-1.0 if tied else 1.0)
        self.E = Conv(1, M, r, False)
        self.Q = self.E if tied else Conv(1, M, r, False)
        self.pre = torch.nn.ModuleList([torch.nn.ModuleList([Smoother(M, r) for _ in range(nu)]) for _ in range(levels)])
        self.post = self.pre if tied else torch.nn.ModuleList(
            [torch.nn.ModuleList([Smoother(M, r) for _ in range(nu)]) for _ in range(levels)])
        self.R = torch.nn.ModuleList([Strided(M, r) for _ in range(levels - 1)])
        self.P = self.R if tied else torch.nn.ModuleList([Strided(M, r) for _ in range(levels - 1)])

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
                w = xs[l] + self.P[l].prolong(w)
            for q in range(self.nu - 1, -1, -1):
                w = self.post[l][q].post(w)
        return f + self.sign * self.Q.adjoint(w)

    def project(self):
        pass


MODELS = {"sym_resnet": lambda a: SymResnet(a.channels, a.blocks, a.radius),
          "resnet": lambda a: Resnet(a.channels, a.blocks, a.radius),
          "unet": lambda a: UNet(a.channels, a.levels, a.smoothing_steps, a.radius, False),
          "mg_unet": lambda a: UNet(a.channels, a.levels, a.smoothing_steps, a.radius, True)}


def forward_flops(name, N, a):
    """Multiply-adds x 2 of the convolutions of one forward pass, as src/bench/models.c counts."""
    M, kw = a.channels, 2 * a.radius + 1
    if name in ("sym_resnet", "resnet"):
        return 2 * (2 * M * kw) * N * a.blocks
    S, coarsest = N * (2 - 2.0 ** (1 - a.levels)), N * 2.0 ** (1 - a.levels)
    return 2 * (2 * M * kw * N + 2 * a.smoothing_steps * M * M * kw * S + M * M * kw * (S - coarsest))


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
        _, name, N, ngroups, M, blocks, levels, nu = lines[i].split()
        a = argparse.Namespace(channels=int(M), blocks=int(blocks), levels=int(levels), smoothing_steps=int(nu), radius=1)
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
            vec[lines[i].split()[1]] = torch.tensor([float(v) for v in lines[i + 1].split()], dtype=torch.float64).reshape(1, 1, -1)
            i += 2
        x = vec["x"].clone().requires_grad_(True)
        y = model(x)
        (y * vec["dy"]).sum().backward()
        errs = {"y": (y - vec["y"]).abs().max().item(), "dx": (x.grad - vec["dx"]).abs().max().item()}
        # tied weights (mg_unet): torch sums every use's gradient into one tensor, as pdenn does
        errs["dtheta"] = max((torch_param(model, g)[0].grad.reshape(-1)[torch_param(model, g)[1]] - d).abs().max().item()
                             for g, d in grads.items())
        print(f"{name:<12} N {N:>5}: max |pdenn - torch| of y {errs['y']:.2e}, dx {errs['dx']:.2e}, dtheta {errs['dtheta']:.2e}")
        worst = max(worst, *errs.values())
    print(f"check {'passed' if worst < 1e-10 else 'FAILED'}: largest difference {worst:.2e} (tolerance 1e-10: float64 rounding)")
    return 0 if worst < 1e-10 else 1


def signal(N, batch):
    """Noisy piecewise-constant signals like pdenn's PdennBenchSignal (eight plateaus)."""
    k = torch.arange(N, dtype=torch.float64)
    step = ((8 * k / N).floor() % 2)
    noise = torch.sin(12.9898 * k) * 43758.5453
    clean = step + 0.1 * (noise - noise.floor() - 0.5)
    x = torch.stack([(1.0 + 0.01 * i) * clean for i in range(batch)]).unsqueeze(1)
    return x, clean.expand(batch, 1, N).clone()


def bench(name, N, args):
    torch.manual_seed(1)
    model = MODELS[name](args)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    x, t = signal(N, args.batch)

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


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (match pdenn's ranks)")
    p.add_argument("--N", type=int, nargs="+", default=[1024, 8192], help="grid points per sample")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--channels", type=int, default=8)
    p.add_argument("--blocks", type=int, default=8)
    p.add_argument("--levels", type=int, default=4)
    p.add_argument("--smoothing-steps", dest="smoothing_steps", type=int, default=2)
    p.add_argument("--radius", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=float, default=1.0,
                   help="seconds of untimed work before the first model, as pdenn_bench -bench_warmup")
    p.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    p.add_argument("--check", metavar="FILE", help="compare with the file of pdenn_bench -bench_dump_models FILE and exit")
    args = p.parse_args()
    if args.check:
        return check(args.check)
    torch.set_num_threads(args.threads)
    warm_up(args.warmup)
    print(f"torch {torch.__version__}, float64, CPU, {torch.get_num_threads()} thread(s), batch {args.batch}, "
          f"median of {args.repeats} steps")
    print(f"{'model':<12} {'N':>8} {'params':>8} {'samples/s':>12} {'GFLOP/s':>9} {'samples/CPU-s':>14}")
    for N in args.N:
        for name in args.models:
            rate, gflops, nparams, cpu_rate = bench(name, N, args)
            print(f"{name:<12} {N:>8} {nparams:>8} {rate:>12.4g} {gflops:>9.3g} {cpu_rate:>14.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
