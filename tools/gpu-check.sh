#!/usr/bin/env bash
# The GPU checks in one command, for a GPU machine without network that has this repository with its
# node_modules copied in, built (npm ci && npm run build on any machine, then copy). Writes one JSON file
# (default gpu-check.json, relative to where it is called from) and exits 0 only when every check passed:
#   0. the machine: Node, glibc, Vulkan drivers, nvidia-smi;
#   1. the WebGPU adapter rtlab finds and its limits: it must be the machine's GPU, not a software one;
#   2. the webgpu kernel tests against the cpu backend on that adapter;
#   3. the benchmark on webgpu, beside PyTorch on CUDA ($RTLAB_PYTHON, else the first python3 with torch);
#   4. the same benchmark on tfjs-node-gpu, where that is installed (for information: it needs CUDA 11.2
#      and cuDNN 8.1, which recent GPU machines lack, so it does not decide whether the check passed).
# Each step has a time limit; together they stay under 5 minutes (about 2 on one GPU).
# Usage: tools/gpu-check.sh [OUT.json] [--software]
#   --software: a rehearsal on Mesa's software device (lavapipe) where there is no GPU; its figures are
#   not GPU figures, and the JSON says so.
set -uo pipefail
software=false
out=gpu-check.json
for arg in "$@"; do
  case "$arg" in
    --software) software=true ;;
    -*) echo "gpu-check: unknown option $arg (usage: tools/gpu-check.sh [OUT.json] [--software])" >&2; exit 2 ;;
    *) out=$arg ;;
  esac
done
out=$(realpath -m "$out")
# before any device time is spent: a result that cannot be written is lost with the temporary folder
if ! mkdir -p "$(dirname "$out")" 2> /dev/null || ! probe=$(mktemp -p "$(dirname "$out")" .gpu-check-XXXXXX 2> /dev/null) || ! rm -f "$probe"; then
  echo "gpu-check: cannot write $out" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if $software; then
  for icd in /usr/share/vulkan/icd.d/lvp_icd.json /usr/share/vulkan/icd.d/lvp_icd.x86_64.json; do [ -e "$icd" ] && export VK_DRIVER_FILES=$icd; done
else
  export RTLAB_WEBGPU_ADAPTER=system
fi

for f in node_modules/.bin/jest packages/backends/dist/index.js packages/bench/dist/main.js; do
  if [ ! -e "$f" ]; then
    echo "gpu-check: $f is missing: copy this repository after npm ci && npm run build" >&2
    exit 2
  fi
done

# step NAME SECONDS COMMAND...: runs it with its output in $work/NAME.log and its exit status in $work/NAME.rc
step() {
  local name=$1 limit=$2
  shift 2
  timeout -k 5 "$limit" "$@" > "$work/$name.log" 2>&1
  echo $? > "$work/$name.rc"
  echo "$name: exit $(cat "$work/$name.rc")$( [ "$(cat "$work/$name.rc")" = 124 ] && echo " (timed out after ${limit}s)")"
}

{ echo "node $(node --version)"; ldd --version 2>&1 | head -n 1; ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>&1; timeout -k 2 10 nvidia-smi -L 2>&1 | head -n 8; } > "$work/machine.log"

step adapter 20 node -e "
const { selectBackend, releaseBackend } = require('./packages/backends/dist/index.js');
const tf = require('@tensorflow/tfjs-core');
selectBackend('webgpu').then(async (b) => {
  const { maxStorageBufferBindingSize, maxBufferSize } = tf.backend().device.limits;
  require('fs').writeFileSync(process.argv[1], JSON.stringify({ device: b.device, software: / \(software\)\$/.test(b.device), limits: { maxStorageBufferBindingSize, maxBufferSize } }));
  await releaseBackend();
  if (/ \(software\)\$/.test(b.device) && process.argv[2] !== 'true') { console.error('a software adapter: not this machine\'s GPU'); process.exitCode = 1; }
}, async (e) => { console.error(e.message); await releaseBackend(); process.exitCode = 1; });
" "$work/adapter.json" "$software"
echo "  $(cat "$work/adapter.json" 2>/dev/null || tail -n 1 "$work/adapter.log")"

step kernels 60 node_modules/.bin/jest packages/backends/src/webgpu --json --outputFile="$work/kernels.json"
echo "  $(grep -o 'Tests:.*' "$work/kernels.log" | head -n 1)"

sizes=(--repeats 3)
$software && sizes=(--repeats 1 --only dsprites-encode) # the attacks and WideResNet-34-10 take minutes on a software device
step bench-webgpu 130 node packages/bench/dist/main.js --backend webgpu "${sizes[@]}" --torch-device cuda --out "$work/bench-webgpu.json"
tail -n 12 "$work/bench-webgpu.log" | sed 's/^/  /'

if timeout 10 node -e "require.resolve('@tensorflow/tfjs-node-gpu')" 2> /dev/null; then
  step bench-node-gpu 45 node packages/bench/dist/main.js --backend node-gpu --repeats 3 --only dsprites-encode,dsprites-pgd,wrn-encode,wrn-pgd-step --torch-device cuda --out "$work/bench-node-gpu.json"
  tail -n 12 "$work/bench-node-gpu.log" | sed 's/^/  /'
else
  echo "bench-node-gpu: skipped, @tensorflow/tfjs-node-gpu is not installed"
fi

node - "$work" "$out" "$software" <<'EOF'
const fs = require('fs');
const path = require('path');
const [work, out, software] = process.argv.slice(2);
const read = (f) => { try { return JSON.parse(fs.readFileSync(path.join(work, f), 'utf8')); } catch { return null; } };
const text = (f) => { try { return fs.readFileSync(path.join(work, f), 'utf8'); } catch { return null; } };
const steps = Object.fromEntries(['adapter', 'kernels', 'bench-webgpu', 'bench-node-gpu'].map((s) => [s, text(`${s}.rc`) === null ? 'skipped' : Number(text(`${s}.rc`))]));
const k = read('kernels.json');
const kernelTests = k && {
  success: k.success, passed: k.numPassedTests, failed: k.numFailedTests, failedSuites: k.numFailedTestSuites,
  failures: k.testResults.flatMap((r) => r.assertionResults.filter((a) => a.status === 'failed').map((a) => a.fullName)),
  suiteErrors: k.testResults.map((r) => r.message).filter(Boolean),
};
const adapter = read('adapter.json');
// node-gpu informs: it needs CUDA 11.2 and cuDNN 8.1, which most GPU machines today lack
const passed = ['adapter', 'kernels', 'bench-webgpu'].every((s) => steps[s] === 0) && adapter !== null && (software === 'true' || !adapter.software) && kernelTests?.success === true;
fs.writeFileSync(out, JSON.stringify({
  date: new Date().toISOString(), passed, ...(software === 'true' ? { rehearsal: 'on a software adapter (--software): not GPU figures' } : {}), steps, machine: text('machine.log'), adapter, kernelTests,
  bench: { webgpu: read('bench-webgpu.json'), 'node-gpu': read('bench-node-gpu.json') },
  logs: Object.fromEntries(Object.keys(steps).filter((s) => text(`${s}.log`) !== null).map((s) => [s, text(`${s}.log`).split('\n').slice(-30).join('\n')])),
}, null, 2) + '\n');
console.log(`${passed ? 'passed' : 'FAILED'}; wrote ${out}`);
process.exitCode = passed ? 0 : 1;
EOF
