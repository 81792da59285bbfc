#!/usr/bin/env bash
# Measures zoepnet's population kernel on a real GPU: run on the device tool's machine, from the
# repository root, with the kit that scripts/gpu-kit.sh packs (carry=[".gpu-kit"]). Writes to
# $OUT (or /tmp/gpu-figures):
#   device.txt  nvidia-smi and `zoepnet info` (which wgpu adapter was found)
#   bench.md    `zoepnet bench` on wgpu: tutorial networks (100 epochs) per second on the
#               population kernel and on the population engine's tensor operations, P = 256 to
#               65535, beside the fused engine on this machine's cores
#   seeds.md    `zoepnet seeds --backend wgpu --count 1000`: the seed study, timed end to end
#   log.txt     everything printed
# GPU_FIGURES_NETWORKS and GPU_FIGURES_SEEDS change the sizes (for a dry run on lavapipe, say).
# Each step has its own time limit; one that fails is noted and the next one runs. Exit 0 when
# the bench ran.
set -uo pipefail
out=${OUT:-/tmp/gpu-figures}
mkdir -p "$out"
exec > >(tee -a "$out/log.txt") 2>&1
kit=.gpu-kit
[ -f "$kit/zoepnet.xz" ] || { echo "no $kit/zoepnet.xz: run scripts/gpu-kit.sh here first" >&2; exit 2; }

# The Vulkan loader, where the machine has none (never over an existing one).
if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  for f in "$kit"/deb/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES=$icd; fi

bin=/tmp/zoepnet-gpu
xz -dc "$kit/zoepnet.xz" > "$bin" 2>/dev/null \
  || python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$kit/zoepnet.xz" > "$bin"
chmod +x "$bin"
export ZOEPNET_DATA_DIR=$PWD/$kit/data ZOEPNET_OFFLINE=1 XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}
mkdir -p "$XDG_RUNTIME_DIR"

{ nvidia-smi 2>&1 || echo "nvidia-smi: not found"; "$bin" info 2>&1; } | tee "$out/device.txt"

timeout 300 "$bin" bench configs/tutorial.toml --backend wgpu --engine fused,kernel,population \
  --networks "${GPU_FIGURES_NETWORKS:-256,1024,4096,16384,65535}" --epochs 5 | tee "$out/bench.md"
bench=${PIPESTATUS[0]}
[ "$bench" -eq 0 ] || echo "bench: exit $bench"

# Its last line on stderr (log.txt) gives the seconds, end to end.
rm -rf /tmp/seeds-gpu
timeout 150 "$bin" seeds configs/tutorial.toml --backend wgpu --count "${GPU_FIGURES_SEEDS:-1000}" \
  --out /tmp/seeds-gpu \
  > "$out/seeds.md" || echo "seeds: exit $?"
cp /tmp/seeds-gpu/plots/seeds.png "$out/" 2>/dev/null || true
exit "$bench"
