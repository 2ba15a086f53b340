#!/usr/bin/env bash
# rtlab's GPU check, on a machine that has nothing but glibc, coreutils, a GPU driver with Vulkan and
# (for the reference figures) PyTorch: no Node.js, no npm, no network. Built by tools/gpu-bundle.sh.
#   bash run.sh OUTDIR [--software]
# Unpacks the bundle into a temporary folder, finds the Vulkan loader and driver, runs every step of the
# check under its own time limit (under 8 minutes together) and rewrites OUTDIR/gpu-check.json after each
# step, so that nothing finished is lost; OUTDIR/gpu-check.log has what it printed. Exits 0 only when
# every step passed.
#   --software: a rehearsal on Mesa's software device (lavapipe), at tiny sizes: not GPU figures.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: bash run.sh OUTDIR [--software]"
software=false
out=
for arg in "$@"; do
  case "$arg" in
    --software) software=true ;;
    -h | --help) echo "$usage"; exit 0 ;;
    -*) echo "run.sh: unknown option $arg ($usage)" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "run.sh: one OUTDIR only ($usage)" >&2; exit 2; }; out=$arg ;;
  esac
done
[ -n "$out" ] || { echo "run.sh: OUTDIR is missing ($usage)" >&2; exit 2; }

# Before any GPU time is spent: a result that cannot be written would be lost with the temporary folder.
if ! mkdir -p "$out" 2>/dev/null || ! probe=$(mktemp -p "$out" .write-check.XXXXXX 2>/dev/null) || ! rm -f "$probe"; then
  echo "run.sh: cannot write to $out" >&2
  exit 2
fi
out=$(cd "$out" && pwd)
exec > >(tee "$out/gpu-check.log") 2>&1

(cd "$here" && sha256sum --quiet -c SHA256SUMS) || { echo "run.sh: the bundle is damaged (a checksum differs): copy .gpu-bundle/ again"; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/rtlab-gpu-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
if command -v xz > /dev/null; then
  tar -xJf "$here/payload.tar.xz" -C "$work"
else # python3's lzma, where xz-utils are missing
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$here/payload.tar.xz" "$work"
fi || { echo "run.sh: cannot unpack $here/payload.tar.xz (needs xz, or python3)"; exit 2; }
node="$work/bin/node"
app="$work/app"

# The Vulkan loader: the system's where it has one, else the bundle's (Debian's libvulkan1).
if ldconfig -p 2> /dev/null | grep -q 'libvulkan\.so\.1 '; then
  export GPU_CHECK_VULKAN_LOADER="the system's ($(ldconfig -p | grep -m1 'libvulkan\.so\.1 ' | sed 's/.*=> //'))"
else
  export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export GPU_CHECK_VULKAN_LOADER="the bundle's ($(cat "$work/lib/libvulkan.version"))"
fi
# Dawn needs GLIBCXX_3.4.30 (GCC 12); an older system libstdc++ gives way to the bundle's.
system_cxx=$(ldconfig -p 2> /dev/null | grep -m1 'libstdc++\.so\.6 ' | sed 's/.*=> //')
if [ -z "$system_cxx" ] || ! grep -qa GLIBCXX_3.4.30 "$system_cxx"; then
  export LD_LIBRARY_PATH="$work/lib/fallback${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# The Vulkan driver: what the caller set, else the system's manifests, else NVIDIA's from its container runtime.
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if $software; then
  lavapipe=$(ls /usr/share/vulkan/icd.d/lvp_icd*.json 2> /dev/null | head -n 1)
  [ -n "$lavapipe" ] || { echo "run.sh: --software needs lavapipe (Mesa's mesa-vulkan-drivers >= 24)"; exit 2; }
  export VK_DRIVER_FILES=$lavapipe
elif [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json > /dev/null 2>&1 && [ -e "$nvidia_icd" ]; then
  export VK_DRIVER_FILES=$nvidia_icd
  [ -d /usr/local/nvidia/lib64 ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/usr/local/nvidia/lib64"
fi

check=("$node" "$app/rtlab.js" gpu-check)
opts=(--out "$work/check" --report "$out/gpu-check.json" --cli "$app/rtlab.js" --pipeline "$app/pipelines/dsprites-regression.json" --reference "$app/tools/torch-bench.py")
$software && opts+=(--software)
mkdir -p "$work/check/steps" "$work/check/logs"
echo "rtlab GPU check, bundle $(cat "$here/VERSION")$($software && echo ', rehearsal on a software adapter')"
mapfile -t steps < <("${check[@]}" plan "${opts[@]}")
[ "${#steps[@]}" -gt 0 ] || { echo "run.sh: the bundled Node.js does not start here"; "$node" --version; exit 2; }
adapter_failed=false
for line in "${steps[@]}"; do
  read -r name limit on_adapter <<< "$line"
  if $adapter_failed && [ "$on_adapter" = adapter ]; then # no GPU found: its steps would only spend the slot
    echo skipped > "$work/check/steps/$name.rc"
    echo "$name: skipped, no GPU adapter"
    continue
  fi
  timeout -k 5 "$limit" "${check[@]}" "$name" "${opts[@]}" > "$work/check/logs/$name.log" 2>&1 < /dev/null
  rc=$?
  echo "$rc" > "$work/check/steps/$name.rc"
  [ "$name" = adapter ] && [ "$rc" != 0 ] && ! $software && adapter_failed=true
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo "$name: TIMED OUT after ${limit}s"; else tail -n 1 "$work/check/logs/$name.log"; fi
  "${check[@]}" summary "${opts[@]}" > /dev/null || echo "run.sh: could not write $out/gpu-check.json"
done
echo
"${check[@]}" summary "${opts[@]}" --final
status=$?
echo "wrote $out/gpu-check.json"
exit $status
