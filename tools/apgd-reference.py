#!/usr/bin/env python3
"""An independent APGD in PyTorch (float64), and the fixtures rtlab's APGD is tested against.

Written from Croce and Hein, "Reliable evaluation of adversarial robustness with an ensemble of diverse
parameter-free attacks" (ICML 2020), Algorithm 1, with the semantics of their reference code
(github.com/fra31/auto-attack, autopgd_base.py): checkpoints after 22% of the steps then gaps 3% shorter
down to 6%; initial step 2 eps; momentum 0.75 (none on the first step); at a checkpoint the step halves
where the loss rose in at most rho of the steps since the last check (the first check compares its
oldest step with the last row of the loss history, still zero, as the reference's index -1 does), or
where the last check did not halve and the best loss did not improve; a halving restarts from the best
point. Start points are given (x_init), so trajectories can be compared across frameworks.

Writes packages/plugin-attacks/fixtures/apgd/trajectories.json: a small smooth network (tanh MLP on
4x4x2 inputs, 4 classes), starts, and for each norm and objective every iterate and step size of a
short run (10 steps in Linf, 6 in L2). Run: apt-get install -y python3-torch; /usr/bin/python3 tools/apgd-reference.py
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'plugin-attacks', 'fixtures', 'apgd')


def checkpoints(steps):
    """The iterations (0-based) after which APGD checks its step size, counted as the reference counts."""
    first, decr, least = max(int(0.22 * steps), 1), max(int(0.03 * steps), 1), max(int(0.06 * steps), 1)
    out, k, since = [], first, 0
    for i in range(steps):
        since += 1
        if since == k:
            out.append(i)
            k, since = max(k - decr, least), 0
    return out


def per_sample(t, fn):
    return fn(t.reshape(t.shape[0], -1)).reshape(-1, *([1] * (t.dim() - 1)))


def l2(t):
    return per_sample(t, lambda f: (f ** 2).sum(1).sqrt())


def step_linf(x, x0, grad, size, eps, a, moment, lo, hi):
    box = lambda v: torch.clamp(torch.min(torch.max(v, x0 - eps), x0 + eps), lo, hi)
    plain = box(x + size * torch.sign(grad))
    return box(x + (plain - x) * a + moment * (1 - a))


def step_l2(x, x0, grad, size, eps, a, moment, lo, hi):
    def ball(v):
        d = v - x0
        return torch.clamp(x0 + d / (l2(d) + 1e-12) * torch.min(torch.full_like(l2(d), eps), l2(d)), lo, hi)

    plain = ball(x + size * grad / (l2(grad) + 1e-12))
    return ball(x + (plain - x) * a + moment * (1 - a))


def apgd(loss_fn, x0, start, eps, steps, norm, rho=0.75, bounds=(0.0, 1.0)):
    """Runs APGD from `start`; returns every iterate (after its checkpoint), the step sizes then, the best
    point and the best loss per sample."""
    step = step_linf if norm == 'linf' else step_l2
    n = x0.shape[0]

    def evaluate(x):
        x = x.clone().requires_grad_(True)
        loss = loss_fn(x)
        return loss.detach(), torch.autograd.grad(loss.sum(), [x])[0].detach()

    x = start.clamp(*bounds)
    loss, grad = evaluate(x)
    x_best, grad_best, loss_best = x.clone(), grad.clone(), loss.clone()
    size = torch.full([n] + [1] * (x0.dim() - 1), 2.0 * eps)
    x_old = x.clone()
    history = torch.zeros(steps, n)
    first, decr, least = max(int(0.22 * steps), 1), max(int(0.03 * steps), 1), max(int(0.06 * steps), 1)
    k, since = first, 0
    best_last_check, reduced_last_check = loss_best.clone(), torch.ones(n)
    iterates, sizes = [], []
    for i in range(steps):
        a = 0.75 if i > 0 else 1.0
        x, x_old = step(x, x0, grad, size, eps, a, x - x_old, *bounds), x
        loss, grad = evaluate(x)
        history[i] = loss
        better = loss > loss_best
        x_best[better], grad_best[better], loss_best[better] = x[better], grad[better], loss[better]
        since += 1
        if since == k:
            rose = sum((history[i - c] > history[i - c - 1]).double() for c in range(k))  # i - c - 1 = -1 wraps
            halve = (rose <= k * rho) | ((reduced_last_check == 0) & (best_last_check >= loss_best))
            reduced_last_check, best_last_check = halve.double(), loss_best.clone()
            size[halve] /= 2.0
            x, grad = x.clone(), grad.clone()
            x[halve], grad[halve] = x_best[halve], grad_best[halve]
            k, since = max(k - decr, least), 0
        iterates.append(x.clone())
        sizes.append(size.flatten().clone())
    return iterates, sizes, x_best, loss_best


def smooth_norm(v):
    return ((v ** 2).sum(1) + 1e-12).sqrt()


def main():
    gen = torch.Generator().manual_seed(7)
    shape = (3, 4, 4, 2)  # NHWC, flattened as rtlab flattens (H, W, C)
    d, hidden, classes = 32, 6, 4
    w1 = torch.randn(d, hidden, generator=gen) * 0.6
    b1 = torch.randn(hidden, generator=gen) * 0.1
    w2 = torch.randn(hidden, classes, generator=gen)
    b2 = torch.randn(classes, generator=gen) * 0.1
    wr = torch.randn(hidden, 1, generator=gen)
    x0 = 0.2 + 0.6 * torch.rand(shape, generator=gen)
    # the true class first, second and first among the logits: where it is third, DLR is constant (1)
    order = torch.argsort(torch.tanh(x0.reshape(x0.shape[0], -1) @ w1 + b1) @ w2 + b2, 1, descending=True)
    labels = torch.stack([order[0, 0], order[1, 1], order[2, 0]])
    targets = torch.tensor([[0.3], [-0.2], [0.1]])

    feats = lambda x: torch.tanh(x.reshape(x.shape[0], -1) @ w1 + b1)
    logits = lambda x: feats(x) @ w2 + b2

    def dlr(z):
        s, idx = z.sort(1)
        top_true = (idx[:, -1] == labels).double()
        z_y = z[torch.arange(z.shape[0]), labels]
        return -(z_y - s[:, -2] * top_true - s[:, -1] * (1 - top_true)) / (s[:, -1] - s[:, -3] + 1e-12)

    objectives = {
        'ce': lambda x: torch.nn.functional.cross_entropy(logits(x), labels, reduction='none'),
        'dlr': lambda x: dlr(logits(x)),
        'regression': lambda x: (feats(x) @ wr - targets).abs().flatten(),
        'representation': lambda x: smooth_norm(feats(x) - feats(x0)),
    }
    runs = []
    # L2 runs are shorter: this small network's L2 losses converge within ~8 steps, after which consecutive
    # losses differ by less than float32 resolves and the halving tests would compare rounding noise
    for norm, eps, steps in (('linf', 0.05, 10), ('l2', 0.25, 6)):
        t = torch.rand(shape, generator=gen) * 2 - 1 if norm == 'linf' else torch.randn(shape, generator=gen)
        scale = per_sample(t, lambda f: f.abs().max(1)[0]) if norm == 'linf' else l2(t)
        start = x0 + eps * t / (scale + 1e-12)
        for name, fn in objectives.items():
            iterates, sizes, x_best, loss_best = apgd(fn, x0, start, eps, steps, norm)
            runs.append({
                'norm': norm, 'objective': name, 'eps': eps, 'steps': steps,
                'start': start.flatten().tolist(),
                'iterates': [x.flatten().tolist() for x in iterates],
                'stepSizes': [s.tolist() for s in sizes],
                'best': x_best.flatten().tolist(), 'lossBest': loss_best.tolist(),
            })
    fixture = {
        'shape': list(shape), 'x0': x0.flatten().tolist(), 'labels': labels.tolist(),
        'targets': targets.flatten().tolist(),
        'weights': {'w1': w1.tolist(), 'b1': b1.tolist(), 'w2': w2.tolist(), 'b2': b2.tolist(), 'wr': wr.tolist()},
        'runs': runs,
        'checkpoints': {str(s): checkpoints(s) for s in (1, 3, 5, 10, 20, 33, 50, 100, 250, 1000)},
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'trajectories.json'), 'w') as f:
        json.dump(fixture, f)


if __name__ == '__main__':
    main()
