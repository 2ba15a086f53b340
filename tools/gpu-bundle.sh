#!/usr/bin/env bash
# Builds the GPU bundle: one folder (default .gpu-bundle/, ignored by git, at most 48 MiB) that runs rtlab's
# GPU check on a machine with nothing but glibc, coreutils and a GPU driver (no Node.js, no npm, no
# network). Copy the folder there and run `bash .gpu-bundle/run.sh OUTDIR` (README, "GPUs").
#   bash tools/gpu-bundle.sh [FOLDER]
# Inside, payload.tar.xz holds: this machine's Node.js (stripped), rtlab's JavaScript bundled by esbuild
# (tools/gpu-bundle/build.js) with the wasm binaries, Dawn's dawn.node, sharp's and resvg's native
# packages, the Vulkan loader from Debian's libvulkan1, libstdc++ for hosts older than Dawn needs, the
# default pipeline and the PyTorch reference (tools/torch-bench.py). Needs: npm ci, then this (it builds).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-.gpu-bundle}
max_bytes=$((48 * 1024 * 1024))

[ -d node_modules/esbuild ] || { echo "gpu-bundle: run npm ci first" >&2; exit 2; }
[ "$(uname -m)" = x86_64 ] || { echo "gpu-bundle: builds for linux-x64 only (this is $(uname -m))" >&2; exit 2; }
stage=$(mktemp -d)
trap 'rm -rf "$stage" "$target.partial"' EXIT

echo "gpu-bundle: building rtlab (tsc -b, incremental)"
npx tsc -b packages/*/tsconfig.build.json
node tools/gpu-bundle/build.js "$stage/app"

mkdir -p "$stage/bin" "$stage/lib/fallback"
node_bin=$(node -p process.execPath)
cp "$node_bin" "$stage/bin/node"
if command -v strip > /dev/null; then strip --strip-all "$stage/bin/node"; fi

# The Vulkan loader: from the installed libvulkan1 (lavapipe's tests pull it in), else downloaded by apt.
loader=$(dpkg -L libvulkan1 2> /dev/null | grep -m1 '/libvulkan\.so\.1$' || true)
if [ -z "$loader" ]; then
  (cd "$stage" && apt-get download libvulkan1 > /dev/null)
  deb=$(ls "$stage"/libvulkan1_*.deb)
  dpkg -x "$deb" "$stage/deb"
  version="Debian libvulkan1 $(dpkg-deb -f "$deb" Version)"
  loader=$(find "$stage/deb" -name 'libvulkan.so.1' | head -n 1)
  rm "$deb"
else
  version="Debian libvulkan1 $(dpkg-query -W -f='${Version}' libvulkan1)"
fi
[ -n "$loader" ] || { echo "gpu-bundle: no libvulkan.so.1 (apt-get install libvulkan1)" >&2; exit 2; }
cp -L "$loader" "$stage/lib/libvulkan.so.1"
echo "$version" > "$stage/lib/libvulkan.version"
rm -rf "$stage/deb"
# Dawn and Node need libstdc++ and libgcc_s; used there only where the system's is older than Dawn needs.
for lib in libstdc++.so.6 libgcc_s.so.1; do
  cp -L "$(ldconfig -p | grep -m1 "$lib (libc6,x86-64)" | sed 's/.*=> //')" "$stage/lib/fallback/$lib"
done

rm -rf "$target.partial"
mkdir -p "$target.partial"
echo "gpu-bundle: compressing"
tar -C "$stage" -cf - bin lib app | xz -6 -T2 > "$target.partial/payload.tar.xz"
cp tools/gpu-bundle/run.sh "$target.partial/run.sh"
echo "$(git describe --always --dirty 2> /dev/null || echo unknown), built $(date -u +%Y-%m-%dT%H:%MZ), Node.js $("$node_bin" --version)" > "$target.partial/VERSION"
(cd "$target.partial" && sha256sum payload.tar.xz VERSION > SHA256SUMS)
bytes=$(cat "$target.partial"/* | wc -c)
if [ "$bytes" -gt "$max_bytes" ]; then
  echo "gpu-bundle: $target is $((bytes / 1024 / 1024)) MiB, over the 48 MiB that fit a GPU slot's 64 MiB with the working tree" >&2
  exit 1
fi
rm -rf "$target"
mv "$target.partial" "$target"
echo "gpu-bundle: $target is $(awk "BEGIN { printf \"%.1f\", $bytes / 1048576 }") MiB ($bytes bytes); on the GPU machine: bash $target/run.sh OUTDIR"
