#!/usr/bin/env bash
# Packs what measuring zoepnet on a lent GPU needs into .gpu-kit/ (ignored by git), for the
# device tool, whose machine has no Rust and reaches no network (issue 15: the kernel's figures
# on a real GPU):
#   .gpu-kit/zoepnet.xz   release zoepnet with the ndarray and wgpu backends, stripped, xz
#   .gpu-kit/commit       the commit it was built from
#   .gpu-kit/data/        R-39.las, checked against its sha256 (never committed)
#   .gpu-kit/deb/         the Vulkan and GL loaders' Debian packages (libglvnd: the NVIDIA
#                         Vulkan driver needs it), for a machine without them
# Then, with the device tool:  run(command="bash scripts/gpu-figures.sh", carry=[".gpu-kit"],
# timeout_s=420); scripts/gpu-figures.sh says what it measures and what comes back.
#
# usage (from the repository root):  bash scripts/gpu-kit.sh
# The well log: ZOEPNET_DATA_DIR, or ../shared/data. The release build takes 20-30 min from
# clean on 2 cores; CARGO_TARGET_DIR is honoured.
set -euo pipefail
kit=.gpu-kit
target=${CARGO_TARGET_DIR:-target}
data=${ZOEPNET_DATA_DIR:-../shared/data}
sha=02cbdc519647ca03e028035e949ca19f928793e5da6b0b934b3255d7f95ee7c7
git check-ignore -q "$kit/" || { echo "$kit is not ignored by git: see .gitignore" >&2; exit 1; }
mkdir -p "$kit/data" "$kit/deb"

cargo build --release -p zoepnet-cli --no-default-features --features ndarray,wgpu
strip -o "$kit/zoepnet" "$target/release/zoepnet"
xz -T0 -6 -f "$kit/zoepnet"
# The commit it was built from, for the figures' record.
echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo ' (with uncommitted changes)')" > "$kit/commit"

[ -f "$data/R-39.las" ] || { echo "no $data/R-39.las: put the tutorial's log there (see data/README.md)" >&2; exit 1; }
echo "$sha  $data/R-39.las" | sha256sum -c --quiet - || { echo "$data/R-39.las: wrong sha256" >&2; exit 1; }
cp "$data/R-39.las" "$kit/data/"

# The device README's recipe: amd64 packages of the loaders, unpacked there only if it lacks them.
rm -f "$kit"/deb/*.deb
lists=$(mktemp -d)
mkdir -p "$lists/partial"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${o[@]}" update -qq
(cd "$kit/deb" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
rm -rf "$lists"

du -sh "$kit" "$kit"/*
echo "ready: run(command=\"bash scripts/gpu-figures.sh\", carry=[\"$kit\"], timeout_s=420)"
