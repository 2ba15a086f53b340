#!/usr/bin/env bash
# The GPU checks in one command, for a GPU machine without network that has this repository with its
# node_modules copied in (built: npm run build). Writes one JSON file (default gpu-check.json):
#   1. the WebGPU adapter rtlab finds (the machine's own, not a software one);
#   2. the webgpu kernel tests against the cpu backend on that adapter;
#   3. the benchmark on webgpu, with PyTorch's reference on CUDA when torch.cuda.is_available();
#   4. the same benchmark on tfjs-node-gpu where that loads.
# Usage: tools/gpu-check.sh [OUT.json] [--only workload,...]   (about 2-4 minutes on one GPU)
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-gpu-check.json}")
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RTLAB_WEBGPU_ADAPTER=system

node -e "require('@rtlab/backends').selectBackend('webgpu').then((b) => { console.log(JSON.stringify({ device: b.device })); require('@rtlab/backends').releaseBackend(); }, (e) => { console.log(JSON.stringify({ error: e.message })); })" > "$work/adapter.json"
echo "adapter: $(cat "$work/adapter.json")"

timeout 120 npx jest packages/backends/src/webgpu --json --outputFile="$work/kernels.json" > "$work/kernels.log" 2>&1
echo "kernel tests: exit $? ($(grep -o 'Tests:.*' "$work/kernels.log" | head -1))"

torch_device=cpu
/usr/bin/python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null && torch_device=cuda
for backend in webgpu node-gpu; do
  timeout 150 node packages/bench/dist/main.js --backend "$backend" --repeats 3 --torch-device "$torch_device" --out "$work/bench-$backend.json" "$@" > "$work/bench-$backend.log" 2>&1
  echo "bench on $backend: exit $? (log: $(tail -n 1 "$work/bench-$backend.log"))"
done

node -e "
const fs = require('fs');
const read = (f) => { try { return JSON.parse(fs.readFileSync(f, 'utf8')); } catch { return null; } };
const kernels = read('$work/kernels.json');
fs.writeFileSync('$out', JSON.stringify({
  date: new Date().toISOString(), adapter: read('$work/adapter.json'), torchDevice: '$torch_device',
  kernelTests: kernels && { passed: kernels.numPassedTests, failed: kernels.numFailedTests, failures: kernels.testResults.flatMap((r) => r.assertionResults.filter((a) => a.status === 'failed').map((a) => a.fullName)) },
  bench: { webgpu: read('$work/bench-webgpu.json'), 'node-gpu': read('$work/bench-node-gpu.json') },
  logs: Object.fromEntries(['kernels', 'bench-webgpu', 'bench-node-gpu'].map((n) => [n, fs.readFileSync('$work/' + n + '.log', 'utf8').split('\n').slice(-20).join('\n')])),
}, null, 2) + '\n');
console.log('wrote $out');
"
