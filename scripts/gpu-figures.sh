#!/usr/bin/env bash
# Measures zoepnet's population kernel on a real GPU: run on the device tool's machine, from the
# repository root, with the kit that scripts/gpu-kit.sh packs (carry=[".gpu-kit"], timeout_s=420;
# about 5 minutes, most of it the steps' own limits). Writes to $OUT (or /tmp/gpu-figures):
#   device.txt   nvidia-smi and `zoepnet info` (which wgpu adapter was found)
#   kernel.md    `zoepnet bench` on wgpu: tutorial networks (100 epochs) per second on the
#                population kernel, P = 256 to 65 535, beside the fused engine on this
#                machine's cores (the figure issue 15 asks for; first, so that it always runs)
#   tensor.md    the same for the population engine's tensor operations on wgpu (launch-bound)
#   seeds.md     `zoepnet seeds --backend wgpu --count 1000`: the seed study, timed end to end
#                (the seconds are in log.txt's line "1000 seeds trained in ... s")
#   log.txt      everything printed
# GPU_FIGURES_NETWORKS and GPU_FIGURES_SEEDS change the sizes (for a dry run on lavapipe, say).
# Each step has its own time limit; one that fails is noted and the next one runs. Exits with
# the kernel bench's status (0: every row measured).
set -uo pipefail
out=${OUT:-/tmp/gpu-figures}
mkdir -p "$out"
exec > >(tee -a "$out/log.txt") 2>&1
kit=.gpu-kit
[ -f "$kit/zoepnet.xz" ] || { echo "no $kit/zoepnet.xz: run scripts/gpu-kit.sh here first" >&2; exit 2; }

# The loaders, each only where the machine lacks its library (never over an existing one): the
# NVIDIA Vulkan driver needs libvulkan and glvnd's libGLdispatch. grep reads all of ldconfig's
# list (no -q), so that pipefail sees no SIGPIPE.
libs=$(ldconfig -p)
for pair in libvulkan1:libvulkan.so.1 libglvnd0:libGLdispatch.so.0 libegl1:libEGL.so.1 \
            libglx0:libGLX.so.0 libopengl0:libOpenGL.so.0 libgl1:libGL.so.1 libgles2:libGLESv2.so.2; do
  deb=${pair%%:*} lib=${pair#*:}
  if ! grep -F "$lib " <<<"$libs" >/dev/null; then
    echo "no $lib here: unpacking the kit's $deb"
    dpkg -x "$kit"/deb/"$deb"_*.deb /
  fi
done
ldconfig
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES=$icd; fi
egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
if [ -f "$egl" ] && [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ]; then
  export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
fi

bin=/tmp/zoepnet-gpu
xz -dc "$kit/zoepnet.xz" > "$bin" 2>/dev/null \
  || python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$kit/zoepnet.xz" > "$bin"
chmod +x "$bin"
export ZOEPNET_DATA_DIR=$PWD/$kit/data ZOEPNET_OFFLINE=1 XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg}
mkdir -p "$XDG_RUNTIME_DIR"

{
  echo "zoepnet built from commit $(cat "$kit/commit" 2>/dev/null || echo unknown)"
  nvidia-smi 2>&1 || echo "nvidia-smi: not found"
  "$bin" info 2>&1
} | tee "$out/device.txt"
grep -qi nvidia "$out/device.txt" || echo "warning: no NVIDIA adapter in zoepnet info: the wgpu rows below are not the GPU's"

networks=${GPU_FIGURES_NETWORKS:-256,1024,4096,16384,65535}
timeout 150 "$bin" bench configs/tutorial.toml --backend wgpu --engine kernel,fused \
  --networks "$networks" --epochs 5 | tee "$out/kernel.md"
kernel=${PIPESTATUS[0]}
[ "$kernel" -eq 0 ] || echo "kernel bench: exit $kernel"
# (124, a step's timeout, would read as the whole command's: said as 1.)
[ "$kernel" -eq 124 ] && kernel=1

timeout 60 "$bin" bench configs/tutorial.toml --backend wgpu --engine population \
  --networks "$networks" --epochs 1 | tee "$out/tensor.md" || echo "tensor bench: exit ${PIPESTATUS[0]}"

rm -rf /tmp/seeds-gpu
timeout 100 "$bin" seeds configs/tutorial.toml --backend wgpu --count "${GPU_FIGURES_SEEDS:-1000}" \
  --out /tmp/seeds-gpu > "$out/seeds.md" || echo "seeds: exit $?"
cp /tmp/seeds-gpu/plots/seeds.png "$out/" 2>/dev/null || true
exit "$kernel"
